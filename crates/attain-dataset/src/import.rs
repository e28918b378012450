//! `attain import`: streams every file of a dataset into the store in one transaction, checking
//! each cell, each reference and each rule of dataset.md; either everything is written, or
//! nothing is and every problem is reported as `file:line: column: message` (up to 100).
//!
//! Rows are written in batches as they are read, inside the transaction, so a later file can
//! refer to an earlier one and memory stays flat however large the file. Any error means the
//! transaction is rolled back at the end.

use crate::progress::Progress;
use crate::rules::{self, Changed, Problem, Rules};
use crate::source::{Source, SourceFile};
use crate::spec::{FILES, FileSpec, Kind, file_spec};
use attain_store::{Executor, Store, StoreError, Tx, Value};
use rustc_hash::{FxHashMap, FxHashSet};
use std::collections::{HashMap, HashSet};

/// The most problems one import reports.
pub const MAX_ERRORS: usize = 100;
/// Rows read, checked and written together.
pub(crate) const BATCH: usize = 500;
/// A file larger than this, going into an empty table, is bulk-loaded with its table's
/// secondary indexes built at the end.
const BULK_BYTES: u64 = 4 << 20;

/// What one file of an import did.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize)]
pub struct FileCounts {
    /// The file name, like `transactions.csv`.
    pub file: String,
    /// Rows whose key was new.
    pub inserted: u64,
    /// Rows whose key existed and whose values changed.
    pub updated: u64,
    /// Rows whose key existed with the same values.
    pub unchanged: u64,
}

/// What a successful import did, file by file in import order.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize)]
pub struct ImportReport {
    /// One entry per imported file.
    pub files: Vec<FileCounts>,
}

/// Why an import wrote nothing.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The data has problems; each is `file:line: column: message`.
    #[error("the dataset has {} problem(s); nothing was imported", .0.len())]
    Invalid(Vec<String>),
    /// A file could not be read.
    #[error("cannot read {file}: {cause}")]
    Io { file: String, cause: String },
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// One parsed row: its line and a value per spec column (NULL when empty or absent).
pub struct ParsedRow {
    /// The line the record starts on (the header is line 1).
    pub line: u64,
    /// Values in the order of the spec's columns.
    pub values: Vec<Value>,
}

/// The problems found so far.
#[derive(Default)]
pub struct Errors {
    list: Vec<String>,
}

impl Errors {
    /// Records a problem on a line of a file.
    pub fn at(&mut self, file: &str, line: u64, column: &str, message: impl AsRef<str>) {
        if self.list.len() < MAX_ERRORS {
            let message = message.as_ref();
            self.list.push(if column.is_empty() {
                format!("{file}:{line}: {message}")
            } else {
                format!("{file}:{line}: {column}: {message}")
            });
        }
    }

    /// Records a problem that belongs to a whole file.
    pub fn file(&mut self, file: &str, message: impl AsRef<str>) {
        if self.list.len() < MAX_ERRORS {
            self.list.push(format!("{file}: {}", message.as_ref()));
        }
    }

    /// Returns true once the report is full.
    pub fn full(&self) -> bool {
        self.list.len() >= MAX_ERRORS
    }

    /// Returns true when nothing is wrong.
    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }
}

/// Imports a dataset: validates everything, then writes it in one transaction or not at all.
/// `actor` names who imports, for the audit log.
pub fn import(
    store: &Store,
    source: &Source,
    actor: &str,
    progress: &dyn Progress,
) -> Result<ImportReport, ImportError> {
    let audit = Audit {
        actor,
        action: "import",
        key: None,
    };
    run(store, source, Some(&audit), progress)
}

/// How a writing import is recorded in the audit log (entity `dataset`).
pub struct Audit<'a> {
    /// Who imports.
    pub actor: &'a str,
    /// The action word, like `import`.
    pub action: &'a str,
    /// The record's key; the imported file names when `None`.
    pub key: Option<&'a str>,
}

/// Imports like [`import`], recorded in the audit log as `audit` says.
pub fn import_recorded(
    store: &Store,
    source: &Source,
    audit: &Audit<'_>,
    progress: &dyn Progress,
) -> Result<ImportReport, ImportError> {
    run(store, source, Some(audit), progress)
}

/// Checks a dataset exactly as [`import`] would and reports what it would change, then rolls
/// everything back: nothing is written, not even an audit row.
pub fn check(
    store: &Store,
    source: &Source,
    progress: &dyn Progress,
) -> Result<ImportReport, ImportError> {
    run(store, source, None, progress)
}

/// Imports (`audit` given) or only checks (`None`, rolled back).
fn run(
    store: &Store,
    source: &Source,
    audit: Option<&Audit<'_>>,
    progress: &dyn Progress,
) -> Result<ImportReport, ImportError> {
    let mut errors = Errors::default();
    for f in &source.files {
        let stem = f.name.strip_suffix(".csv").unwrap_or(&f.name);
        if crate::spec::file_spec(stem).is_none() {
            let known: Vec<String> = FILES.iter().map(FileSpec::file_name).collect();
            errors.file(
                &f.name,
                format!(
                    "is not a dataset file; the dataset files are {}",
                    known.join(", ")
                ),
            );
        }
    }
    let mut conn = store.conn()?;
    let mut tx = conn.transaction()?;
    let mut report = ImportReport::default();
    let mut rules = Rules::new(
        FILES
            .iter()
            .filter(|spec| source.get(&spec.file_name()).is_some())
            .map(|spec| spec.name),
    );
    for spec in FILES {
        let Some(file) = source.get(&spec.file_name()) else {
            continue;
        };
        if errors.full() {
            break;
        }
        rules.before_file(&mut tx, spec)?;
        let (counts, changed) = FileImport::new(spec, file, &mut errors).run(&mut tx, progress)?;
        report.files.push(counts);
        rules.record(spec, changed);
        let problems = rules.check_file(&mut tx, spec)?;
        report_problems(source, problems, &mut errors)?;
    }
    if !errors.is_empty() {
        tx.rollback()?;
        return Err(ImportError::Invalid(errors.list));
    }
    let Some(audit) = audit else {
        tx.rollback()?;
        return Ok(report);
    };
    write_audit(&mut tx, audit, &report)?;
    tx.commit()?;
    Ok(report)
}

/// Records the import in the audit log: who, when, and what each file changed.
fn write_audit(
    tx: &mut Tx<'_>,
    audit: &Audit<'_>,
    report: &ImportReport,
) -> Result<(), StoreError> {
    let after = serde_json::to_string(report).unwrap_or_default();
    let files = report
        .files
        .iter()
        .map(|f| f.file.as_str())
        .collect::<Vec<_>>()
        .join(" ");
    tx.execute(
        "INSERT INTO audit_log (at, actor, action, entity, entity_key, before_json, after_json)
         VALUES ($1, $2, $3, 'dataset', $4, NULL, $5)",
        &[
            chrono::Utc::now().into(),
            audit.actor.into(),
            audit.action.into(),
            audit.key.map_or(files, str::to_owned).into(),
            after.into(),
        ],
    )?;
    Ok(())
}

/// Turns problems found after writing into `file:line` errors by finding their lines; a problem
/// whose row is not in the file (or that names no row) is reported against the whole file.
fn report_problems(
    source: &Source,
    problems: Vec<Problem>,
    errors: &mut Errors,
) -> Result<(), ImportError> {
    let mut files: Vec<&'static str> = Vec::new();
    for p in &problems {
        if !files.contains(&p.file) {
            files.push(p.file);
        }
    }
    for name in files {
        let of_file: Vec<&Problem> = problems.iter().filter(|p| p.file == name).collect();
        let file_name = format!("{name}.csv");
        let lines = match (source.get(&file_name), file_spec(name)) {
            (Some(file), Some(spec)) => locate(file, spec, &of_file)?,
            _ => vec![None; of_file.len()],
        };
        for (p, line) in of_file.into_iter().zip(lines) {
            match line {
                Some(line) => errors.at(&file_name, line, p.column, &p.message),
                None if p.matches.is_empty() => errors.file(&file_name, &p.message),
                // A stored row the import did not hold, made wrong by a row it did.
                None => {
                    let cells: Vec<String> =
                        p.matches.iter().map(|(c, v)| format!("{c} {v}")).collect();
                    let message = format!(
                        "the stored row with {}: {}: {}",
                        cells.join(", "),
                        p.column,
                        p.message
                    );
                    errors.file(&file_name, message);
                }
            }
        }
    }
    Ok(())
}

/// The cells that identify a row: `(field index, column kind, canonical text)`.
type Cells<'a> = Vec<(usize, Kind, &'a str)>;

/// Returns, for each problem, the first line of `file` whose cells equal all of the problem's
/// `(column, text)` pairs, comparing values in canonical form (`0.50` matches `0.5`). Reads the
/// file once however many problems there are.
fn locate(
    file: &SourceFile,
    spec: &FileSpec,
    problems: &[&Problem],
) -> Result<Vec<Option<u64>>, ImportError> {
    let io = |e: &dyn ToString| ImportError::Io {
        file: file.name.clone(),
        cause: e.to_string(),
    };
    let mut lines = vec![None; problems.len()];
    let reader = file.open().map_err(|e| io(&e))?;
    let mut csv = csv::ReaderBuilder::new().flexible(true).from_reader(reader);
    let headers = csv.headers().map_err(|e| io(&e))?.clone();
    // Per problem: (field index, column kind, canonical text) for every match, or None when the
    // header lacks a column (the row cannot be found) or the problem names no row.
    let wanted: Vec<Option<Cells>> = problems
        .iter()
        .map(|p| {
            if p.matches.is_empty() {
                return None;
            }
            p.matches
                .iter()
                .map(|(c, text)| {
                    let i = headers
                        .iter()
                        .position(|h| h.trim_start_matches('\u{feff}') == *c)?;
                    let kind = spec.columns[spec.column_index(c)?].kind;
                    Some((i, kind, text.as_str()))
                })
                .collect()
        })
        .collect();
    let mut open = wanted.iter().filter(|w| w.is_some()).count();
    let mut rec = csv::StringRecord::new();
    while open > 0 && csv.read_record(&mut rec).unwrap_or(false) {
        for (line, cells) in lines.iter_mut().zip(&wanted) {
            let Some(cells) = cells else { continue };
            if line.is_none()
                && cells
                    .iter()
                    .all(|&(i, kind, text)| same(kind, rec.get(i), text))
            {
                *line = rec.position().map(csv::Position::line);
                open -= 1;
            }
        }
    }
    Ok(lines)
}

/// Returns true when a cell as written holds the value whose canonical text is `text`.
fn same(kind: Kind, cell: Option<&str>, text: &str) -> bool {
    match cell {
        None => false,
        Some(cell) if cell == text => true,
        Some(_) if matches!(kind, Kind::Id | Kind::Text | Kind::Word(_)) => false,
        Some(cell) => kind.parse(cell).is_ok_and(|v| kind.format(&v) == text),
    }
}

/// Keys of one reference already found in the store: single text keys (every id reference but
/// one) as bare strings, one hop from the hash table to the bytes; other keys as values.
#[derive(Default)]
struct RefCache {
    ids: FxHashSet<Box<str>>,
    keys: FxHashSet<Vec<Value>>,
}

impl RefCache {
    fn len(&self) -> usize {
        self.ids.len() + self.keys.len()
    }

    /// Returns true when the one-column key `v` is known.
    fn contains_one(&self, v: &Value) -> bool {
        match v {
            Value::Text(s) => self.ids.contains(s.as_str()),
            other => self.keys.contains(std::slice::from_ref(other)),
        }
    }

    fn extend(&mut self, found: impl IntoIterator<Item = Vec<Value>>) {
        for key in found {
            match <[Value; 1]>::try_from(key) {
                Ok([Value::Text(s)]) => {
                    self.ids.insert(s.into_boxed_str());
                }
                Ok([other]) => {
                    self.keys.insert(vec![other]);
                }
                Err(key) => {
                    self.keys.insert(key);
                }
            }
        }
    }
}

/// The import of one file.
struct FileImport<'a> {
    spec: &'static FileSpec,
    file: &'a SourceFile,
    errors: &'a mut Errors,
    counts: FileCounts,
    key_idx: Vec<usize>,
    /// For each spec column, whether the header has it.
    present: Vec<bool>,
    /// Keys written by this import, once the table had rows before it (the slow path).
    seen: HashSet<Vec<Value>>,
    /// References to rows of this same file, checked when the file is done.
    deferred: Vec<(usize, u64, Vec<Value>)>,
    /// Per reference, keys already found in the store.
    ref_cache: Vec<RefCache>,
    /// What this file changed, for the rules.
    changed: Changed,
}

impl<'a> FileImport<'a> {
    fn new(spec: &'static FileSpec, file: &'a SourceFile, errors: &'a mut Errors) -> Self {
        FileImport {
            spec,
            file,
            errors,
            counts: FileCounts {
                file: spec.file_name(),
                ..FileCounts::default()
            },
            key_idx: spec.key_indexes(),
            present: vec![false; spec.columns.len()],
            seen: HashSet::new(),
            deferred: Vec::new(),
            ref_cache: spec.refs.iter().map(|_| RefCache::default()).collect(),
            changed: Changed::default(),
        }
    }

    fn io_error(&self, e: impl ToString) -> ImportError {
        ImportError::Io {
            file: self.file.name.clone(),
            cause: e.to_string(),
        }
    }

    /// Reads, checks and writes the file; returns its counts and what it changed.
    fn run(
        mut self,
        tx: &mut Tx<'_>,
        progress: &dyn Progress,
    ) -> Result<(FileCounts, Changed), ImportError> {
        let reader = self.file.open().map_err(|e| self.io_error(e))?;
        let mut csv = csv::ReaderBuilder::new()
            .has_headers(true)
            .from_reader(reader);
        let headers = csv.headers().map_err(|e| self.io_error(e))?.clone();
        let Some(map) = self.read_header(&headers) else {
            return Ok((self.counts, self.changed));
        };
        let table_was_empty = tx
            .query_opt(&format!("SELECT 1 FROM {} LIMIT 1", self.spec.name), &[])?
            .is_none();
        // A large file into an empty table: grow the key index only, build the others at the end.
        let suspended = if table_was_empty && self.file.size > BULK_BYTES {
            Some(tx.suspend_indexes(self.spec.name)?)
        } else {
            None
        };
        self.changed.all_new = table_was_empty;
        self.changed.present = self.present.clone();
        progress.start(&self.file.name, self.file.size);
        let mut batch: Vec<ParsedRow> = Vec::with_capacity(BATCH);
        let mut record = csv::StringRecord::new();
        loop {
            match csv.read_record(&mut record) {
                Ok(false) => break,
                Ok(true) => {
                    if let Some(row) = self.parse_record(&record, &map) {
                        batch.push(row);
                    }
                }
                Err(e) => {
                    let line = e.position().map_or(0, csv::Position::line);
                    let msg = match e.kind() {
                        csv::ErrorKind::UnequalLengths {
                            expected_len, len, ..
                        } => {
                            format!("the row has {len} fields where the header has {expected_len}")
                        }
                        csv::ErrorKind::Utf8 { .. } => "the row is not valid UTF-8".to_owned(),
                        _ => e.to_string(),
                    };
                    self.errors.at(&self.file.name, line, "", msg);
                }
            }
            if self.errors.full() {
                break;
            }
            if batch.len() == BATCH {
                self.write_batch(tx, std::mem::take(&mut batch), table_was_empty)?;
                progress.set(csv.position().byte());
            }
        }
        if !batch.is_empty() && !self.errors.full() {
            self.write_batch(tx, batch, table_was_empty)?;
        }
        if let Some(suspended) = suspended {
            tx.restore_indexes(suspended)?;
        }
        self.check_deferred(tx)?;
        progress.finish();
        Ok((self.counts, self.changed))
    }

    /// Maps header fields to spec columns; reports unknown and missing columns.
    fn read_header(&mut self, headers: &csv::StringRecord) -> Option<Vec<Option<usize>>> {
        let name = self.file.name.clone();
        let expected = || {
            self.spec
                .columns
                .iter()
                .map(|c| c.name)
                .collect::<Vec<_>>()
                .join(", ")
        };
        let mut map = Vec::with_capacity(headers.len());
        let mut ok = true;
        for (i, h) in headers.iter().enumerate() {
            let h = if i == 0 {
                h.trim_start_matches('\u{feff}')
            } else {
                h
            };
            match self.spec.column_index(h) {
                Some(c) if self.present[c] => {
                    self.errors
                        .at(&name, 1, h, "the column appears twice in the header");
                    ok = false;
                    map.push(None);
                }
                Some(c) => {
                    self.present[c] = true;
                    map.push(Some(c));
                }
                None => {
                    self.errors.at(
                        &name,
                        1,
                        h,
                        format!("is not a column of {name}; the columns are {}", expected()),
                    );
                    ok = false;
                    map.push(None);
                }
            }
        }
        for (c, col) in self.spec.columns.iter().enumerate() {
            if col.required && !self.present[c] {
                self.errors.at(
                    &name,
                    1,
                    col.name,
                    "the required column is missing from the header",
                );
                ok = false;
            }
        }
        ok.then_some(map)
    }

    /// Parses one record, reporting each bad cell; returns `None` if any cell is bad.
    fn parse_record(
        &mut self,
        rec: &csv::StringRecord,
        map: &[Option<usize>],
    ) -> Option<ParsedRow> {
        let line = rec.position().map_or(0, csv::Position::line);
        let mut values = vec![Value::Null; self.spec.columns.len()];
        let mut ok = true;
        for (field, col) in rec.iter().zip(map) {
            let Some(c) = *col else { continue };
            let column = &self.spec.columns[c];
            if field.is_empty() {
                if column.required {
                    self.errors
                        .at(&self.file.name, line, column.name, "is required and empty");
                    ok = false;
                }
                continue;
            }
            match column.kind.parse(field) {
                Ok(v) => values[c] = v,
                Err(e) => {
                    self.errors
                        .at(&self.file.name, line, column.name, e.to_string());
                    ok = false;
                }
            }
        }
        if !ok {
            return None;
        }
        let row = ParsedRow { line, values };
        let mut problems = Vec::new();
        rules::check_row(self.spec, &row, &self.present, &mut problems);
        for (column, message) in &problems {
            self.errors.at(&self.file.name, line, column, message);
        }
        problems.is_empty().then_some(row)
    }

    fn key_of(&self, values: &[Value]) -> Vec<Value> {
        self.key_idx.iter().map(|&i| values[i].clone()).collect()
    }

    fn key_text(&self, key: &[Value]) -> String {
        key.iter()
            .zip(&self.key_idx)
            .map(|(v, &i)| self.spec.columns[i].kind.format(v))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// Checks the batch's references, then inserts new keys and updates changed rows.
    fn write_batch(
        &mut self,
        tx: &mut Tx<'_>,
        batch: Vec<ParsedRow>,
        table_was_empty: bool,
    ) -> Result<(), ImportError> {
        // A key twice within one batch (keys borrowed from the rows, hashed with Fx).
        let mut keep = vec![true; batch.len()];
        {
            let mut in_batch: FxHashMap<Vec<&Value>, u64> =
                FxHashMap::with_capacity_and_hasher(batch.len(), Default::default());
            for (i, row) in batch.iter().enumerate() {
                let key: Vec<&Value> = self.key_idx.iter().map(|&k| &row.values[k]).collect();
                if let Some(&first) = in_batch.get(&key) {
                    let owned: Vec<Value> = key.into_iter().cloned().collect();
                    let msg = format!(
                        "the key {} already appears on line {first}",
                        self.key_text(&owned)
                    );
                    self.errors
                        .at(&self.file.name, row.line, self.spec.key[0], msg);
                    keep[i] = false;
                    continue;
                }
                in_batch.insert(key, row.line);
            }
        }
        let rows: Vec<ParsedRow> = batch
            .into_iter()
            .zip(keep)
            .filter_map(|(row, keep)| keep.then_some(row))
            .collect();
        let rows = self.check_references(tx, rows)?;
        if rows.is_empty() {
            return Ok(());
        }
        if table_was_empty {
            return self.insert_fresh(tx, rows);
        }
        let existing = self.load_existing(tx, &rows)?;
        let mut inserts = Vec::new();
        for mut row in rows {
            let key = self.key_of(&row.values);
            if !self.seen.insert(key.clone()) {
                let msg = format!(
                    "the key {} appears more than once in this file",
                    self.key_text(&key)
                );
                self.errors
                    .at(&self.file.name, row.line, self.spec.key[0], msg);
                continue;
            }
            match existing.get(&key) {
                None => inserts.push(row),
                Some(old) => {
                    for (c, present) in self.present.iter().enumerate() {
                        if !present {
                            row.values[c] = old[c].clone();
                        }
                    }
                    if &row.values == old {
                        self.counts.unchanged += 1;
                    } else {
                        let changed = &mut self.changed.updated_columns;
                        changed.resize(old.len(), false);
                        for (c, (new, old)) in row.values.iter().zip(old).enumerate() {
                            changed[c] |= new != old;
                        }
                        self.update(tx, &row)?;
                        self.counts.updated += 1;
                    }
                }
            }
        }
        if !inserts.is_empty() {
            self.insert_fresh(tx, inserts)?;
        }
        Ok(())
    }

    /// Inserts rows whose keys are believed new; a key that turns out to exist already (written
    /// earlier in this file) is reported on its line.
    fn insert_fresh(&mut self, tx: &mut Tx<'_>, rows: Vec<ParsedRow>) -> Result<(), ImportError> {
        let cols: Vec<&str> = self.spec.columns.iter().map(|c| c.name).collect();
        let values: Vec<&[Value]> = rows.iter().map(|r| r.values.as_slice()).collect();
        let conflicts = tx.insert_rows(self.spec.name, &cols, &values)?;
        self.counts.inserted += (rows.len() - conflicts.len()) as u64;
        let mut failed = conflicts.iter().copied().peekable();
        for (i, row) in rows.iter().enumerate() {
            if failed.next_if_eq(&i).is_none() {
                self.record_insert(row);
            }
        }
        for i in conflicts {
            let row = &rows[i];
            let key = self.key_of(&row.values);
            let msg = format!(
                "the key {} appears more than once in this file",
                self.key_text(&key)
            );
            self.errors
                .at(&self.file.name, row.line, self.spec.key[0], msg);
        }
        Ok(())
    }

    /// Remembers an inserted key for the rules, unless every row of the table is new anyway.
    fn record_insert(&mut self, row: &ParsedRow) {
        if !self.changed.all_new {
            let key = self.key_of(&row.values);
            self.changed.inserted.push(key);
        }
    }

    fn update(&mut self, tx: &mut Tx<'_>, row: &ParsedRow) -> Result<(), ImportError> {
        let key = self.key_of(&row.values);
        self.changed.updated.push(key);
        let spec = self.spec;
        let mut sets = Vec::new();
        let mut params = Vec::new();
        for (c, col) in spec.columns.iter().enumerate() {
            if !self.key_idx.contains(&c) {
                params.push(row.values[c].clone());
                sets.push(format!("{} = ${}", col.name, params.len()));
            }
        }
        let mut wheres = Vec::new();
        for &k in &self.key_idx {
            params.push(row.values[k].clone());
            wheres.push(format!("{} = ${}", spec.columns[k].name, params.len()));
        }
        let sql = format!(
            "UPDATE {} SET {} WHERE {}",
            spec.name,
            sets.join(", "),
            wheres.join(" AND ")
        );
        tx.execute(&sql, &params)?;
        Ok(())
    }

    /// Reads the stored rows with the batch's keys.
    fn load_existing(
        &self,
        tx: &mut Tx<'_>,
        rows: &[ParsedRow],
    ) -> Result<HashMap<Vec<Value>, Vec<Value>>, ImportError> {
        let spec = self.spec;
        let cols: Vec<&str> = spec.columns.iter().map(|c| c.name).collect();
        let keys: Vec<Vec<Value>> = rows.iter().map(|r| self.key_of(&r.values)).collect();
        let mut out = HashMap::with_capacity(keys.len());
        for stored in tx.rows_by_keys(spec.name, &cols, spec.key, &keys)? {
            let values: Vec<Value> = stored
                .into_iter()
                .zip(spec.columns)
                .map(|(v, c)| c.kind.normalize(v))
                .collect();
            out.insert(self.key_of(&values), values);
        }
        Ok(out)
    }

    /// Drops rows whose references find nothing, reporting each; defers references to this
    /// same file until it is fully written. Keys already found are looked up in a cache without
    /// copying them; only the others are copied and asked of the store, once each per batch.
    fn check_references(
        &mut self,
        tx: &mut Tx<'_>,
        rows: Vec<ParsedRow>,
    ) -> Result<Vec<ParsedRow>, ImportError> {
        const CACHE_LIMIT: usize = 1 << 20;
        let mut bad: HashSet<u64> = HashSet::new();
        for (ri, r) in self.spec.refs.iter().enumerate() {
            let idx: Vec<usize> = r
                .columns
                .iter()
                .map(|c| self.spec.column_index(c).expect("spec: refs name columns"))
                .collect();
            if r.table == self.spec.name {
                for row in &rows {
                    let v: Vec<Value> = idx.iter().map(|&i| row.values[i].clone()).collect();
                    if !v.iter().any(Value::is_null) {
                        self.deferred.push((ri, row.line, v));
                    }
                }
                continue;
            }
            // (line, key) of the references the cache does not know.
            let mut unknown: Vec<(u64, Vec<Value>)> = Vec::new();
            let cache = &self.ref_cache[ri];
            for row in &rows {
                let known = if let [i] = idx[..] {
                    let v = &row.values[i];
                    v.is_null() || cache.contains_one(v)
                } else {
                    let v: Vec<Value> = idx.iter().map(|&i| row.values[i].clone()).collect();
                    v.iter().any(Value::is_null) || cache.keys.contains(&v)
                };
                if !known {
                    unknown.push((
                        row.line,
                        idx.iter().map(|&i| row.values[i].clone()).collect(),
                    ));
                }
            }
            if unknown.is_empty() {
                continue;
            }
            let mut keys: Vec<Vec<Value>> = unknown.iter().map(|(_, v)| v.clone()).collect();
            keys.sort_unstable();
            keys.dedup();
            let found = tx.existing_keys(r.table, r.target, &keys)?;
            for (line, v) in &unknown {
                if !found.contains(v) {
                    self.report_missing(ri, *line, v);
                    bad.insert(*line);
                }
            }
            let cache = &mut self.ref_cache[ri];
            if cache.len() + found.len() > CACHE_LIMIT {
                *cache = RefCache::default();
            }
            cache.extend(found);
        }
        Ok(if bad.is_empty() {
            rows
        } else {
            rows.into_iter()
                .filter(|r| !bad.contains(&r.line))
                .collect()
        })
    }

    fn report_missing(&mut self, ref_index: usize, line: u64, v: &[Value]) {
        let r = &self.spec.refs[ref_index];
        let text: Vec<String> = v
            .iter()
            .map(|x| match x {
                Value::Text(s) => s.clone(),
                other => format!("{other:?}"),
            })
            .collect();
        let msg = format!(
            "no {} '{}' in the dataset or the store",
            r.noun,
            text.join("/")
        );
        self.errors.at(&self.file.name, line, r.columns[0], msg);
    }

    /// Checks the references of this file to itself, now that all its rows are written.
    fn check_deferred(&mut self, tx: &mut Tx<'_>) -> Result<(), ImportError> {
        let deferred = std::mem::take(&mut self.deferred);
        for chunk in deferred.chunks(BATCH) {
            for (ri, r) in self.spec.refs.iter().enumerate() {
                let wanted: Vec<&(usize, u64, Vec<Value>)> =
                    chunk.iter().filter(|(i, _, _)| *i == ri).collect();
                if wanted.is_empty() {
                    continue;
                }
                let keys: Vec<Vec<Value>> = wanted.iter().map(|(_, _, v)| v.clone()).collect();
                let found = tx.existing_keys(r.table, r.target, &keys)?;
                for (_, line, v) in wanted {
                    if !found.contains(v) {
                        self.report_missing(ri, *line, v);
                    }
                }
            }
        }
        Ok(())
    }
}

/// Returns a condition that `columns` hold one of `keys`, and its parameters: `a IN ($1, …)`
/// for one column, `(a = $1 AND b = $2) OR …` for several. (A row-value `IN (VALUES …)` would
/// not do: PostgreSQL types the parameters of a `VALUES` list as text, and SQLite accepts no
/// other list of row values.) The ORs are nested as a balanced tree, so a long list stays far
/// below SQLite's limit on expression depth.
pub(crate) fn in_list(columns: &[&str], keys: &[Vec<Value>]) -> (String, Vec<Value>) {
    let mut params = Vec::with_capacity(keys.len() * columns.len());
    if keys.is_empty() {
        return ("1 = 0".to_owned(), params);
    }
    if let [column] = columns {
        let mut slots = Vec::with_capacity(keys.len());
        for key in keys {
            params.push(key[0].clone());
            slots.push(format!("${}", params.len()));
        }
        return (format!("{column} IN ({})", slots.join(", ")), params);
    }
    let mut terms = Vec::with_capacity(keys.len());
    for key in keys {
        let mut equal = Vec::with_capacity(columns.len());
        for (column, v) in columns.iter().zip(key) {
            params.push(v.clone());
            equal.push(format!("{column} = ${}", params.len()));
        }
        terms.push(format!("({})", equal.join(" AND ")));
    }
    (any_of(&terms), params)
}

/// Returns the terms joined by OR, nested as a balanced tree.
fn any_of(terms: &[String]) -> String {
    match terms {
        [one] => one.clone(),
        _ => {
            let (left, right) = terms.split_at(terms.len() / 2);
            format!("({} OR {})", any_of(left), any_of(right))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_lists_bind_every_value_in_order() {
        let keys = vec![
            vec![Value::from("a"), Value::Int(1)],
            vec![Value::from("b"), Value::Int(2)],
            vec![Value::from("c"), Value::Int(3)],
        ];
        let (cond, params) = in_list(&["id", "n"], &keys);
        assert_eq!(
            cond,
            "((id = $1 AND n = $2) OR ((id = $3 AND n = $4) OR (id = $5 AND n = $6)))"
        );
        assert_eq!(params.len(), 6);
        assert_eq!(params[5], Value::Int(3));
        let (cond, _) = in_list(&["id"], &keys[..2]);
        assert_eq!(cond, "id IN ($1, $2)");
        assert_eq!(in_list(&["id"], &[]).0, "1 = 0");
    }
}
