//! A CRM import against the store: the directory (people, accounts, stages, the stored records
//! the export names) is read, the export translated, and the dataset import checks the result
//! (preview) or writes it in one transaction (import). Problems the dataset import finds are
//! reported against the uploaded file's own lines and columns. An import that would change
//! nothing writes nothing, not even an audit row.

use super::fields::RecordKind;
use super::translate::{Directory, Person, RowPreview, translate};
use super::{Export, Mapping};
use crate::import::{Audit, BATCH, FileCounts, ImportError, check, import_recorded, in_list};
use crate::progress::NoProgress;
use crate::source::Source;
use crate::spec::file_spec;
use attain_domain::Date;
use attain_store::{Executor, Store, StoreError, Value};
use std::collections::HashMap;

/// Whether to only check or to write.
pub enum Mode<'a> {
    /// Check everything and report what would change; nothing is written.
    Preview,
    /// Write in one transaction, recorded in the audit log as this actor's.
    Import {
        /// Who imports.
        actor: &'a str,
    },
}

/// Why nothing was (or would be) written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// True when the mapping itself is unusable (then `errors` are sentences, not lines).
    pub mapping: bool,
    /// The problems: `file:line: column: message` for records.
    pub errors: Vec<String>,
}

/// What an import did, or would do.
#[derive(Debug)]
pub struct Summary {
    /// Per dataset file, rows inserted, updated, unchanged.
    pub counts: Vec<FileCounts>,
    /// Every record of the export, with what it does.
    pub rows: Vec<RowPreview>,
    /// Records after the report's footer line, left out.
    pub footer_records: usize,
    /// Whether anything was written.
    pub written: bool,
}

impl Summary {
    /// Returns true when the import changes nothing.
    pub fn is_no_op(&self) -> bool {
        self.counts
            .iter()
            .all(|c| c.inserted == 0 && c.updated == 0)
    }
}

/// Reads people, accounts and stages, and the stored records of the export's record ids.
pub fn load_directory(
    store: &Store,
    kind: RecordKind,
    export: &Export,
    mapping: &Mapping,
) -> Result<Directory, StoreError> {
    let mut conn = store.conn()?;
    let mut dir = Directory::default();
    for r in conn.query(
        "SELECT person_id, name, email, territory_id FROM people",
        &[],
    )? {
        dir.people.push(Person {
            id: r.string(0)?,
            name: r.string(1)?,
            email: r.opt_string(2)?,
            territory: r.opt_string(3)?,
        });
    }
    for r in conn.query("SELECT account_id, name FROM accounts", &[])? {
        dir.accounts.push((r.string(0)?, r.string(1)?));
    }
    for r in conn.query("SELECT stage FROM stages ORDER BY position, stage", &[])? {
        dir.stages.push(r.string(0)?);
    }
    if dir.stages.is_empty() {
        dir.stages = crate::rules::DEFAULT_STAGES
            .iter()
            .map(|s| (*s).to_owned())
            .collect();
    }
    let Some(spec) = file_spec(kind.as_str()) else {
        return Ok(dir);
    };
    let Some(id_col) = mapping
        .column(kind.id_field().name)
        .and_then(|c| export.column(c))
    else {
        return Ok(dir);
    };
    let ids: Vec<Vec<Value>> = export
        .rows
        .iter()
        .map(|r| r.cells[id_col].clone())
        .filter(|id| !id.is_empty())
        .map(|id| vec![Value::Text(id)])
        .collect();
    let names: Vec<&str> = spec.columns.iter().map(|c| c.name).collect();
    let key = spec.key[0];
    for chunk in ids.chunks(BATCH) {
        let (cond, params) = in_list(&[key], chunk);
        let sql = format!(
            "SELECT {} FROM {} WHERE {cond}",
            names.join(", "),
            spec.name
        );
        for r in conn.query(&sql, &params)? {
            let mut record = HashMap::new();
            for (i, c) in spec.columns.iter().enumerate() {
                let v = c.kind.normalize(r.value(i).clone());
                record.insert(c.name.to_owned(), c.kind.format(&v));
            }
            let id = record.get(key).cloned().unwrap_or_default();
            dir.stored.insert(id, record);
        }
    }
    Ok(dir)
}

/// Previews or imports an export through a mapping. `today` dates the stage history of
/// opportunities whose stage changed when no stage change date is mapped.
pub fn run(
    store: &Store,
    kind: RecordKind,
    export: &Export,
    mapping: &Mapping,
    today: Date,
    mode: Mode<'_>,
) -> Result<Result<Summary, Refusal>, StoreError> {
    let problems = mapping.problems(kind, export);
    if !problems.is_empty() {
        return Ok(Err(Refusal {
            mapping: true,
            errors: problems,
        }));
    }
    let dir = load_directory(store, kind, export, mapping)?;
    let t = translate(kind, export, mapping, &dir, today);
    let source = Source::from_memory(t.files.clone());
    let mut errors = t.errors.clone();
    let checked = match check(store, &source, &NoProgress) {
        Ok(report) => Some(report),
        Err(ImportError::Invalid(list)) => {
            errors.extend(
                list.iter()
                    .map(|e| relabel(e, export, &t.lines, &t.origins)),
            );
            None
        }
        Err(ImportError::Io { file, cause }) => {
            errors.push(format!("{file}: {cause}"));
            None
        }
        Err(ImportError::Store(e)) => return Err(e),
    };
    let Some(report) = checked.filter(|_| errors.is_empty()) else {
        errors.dedup();
        return Ok(Err(Refusal {
            mapping: false,
            errors,
        }));
    };
    let mut summary = Summary {
        counts: report.files,
        rows: t.rows,
        footer_records: export.footer_records,
        written: false,
    };
    let Mode::Import { actor } = mode else {
        return Ok(Ok(summary));
    };
    if summary.is_no_op() {
        return Ok(Ok(summary));
    }
    let key = format!("{} ({} from a CRM export)", export.name, kind.as_str());
    let audit = Audit {
        actor,
        action: "crm_import",
        key: Some(&key),
    };
    match import_recorded(store, &source, &audit, &NoProgress) {
        Ok(report) => {
            summary.counts = report.files;
            summary.written = true;
            Ok(Ok(summary))
        }
        Err(ImportError::Invalid(list)) => Ok(Err(Refusal {
            mapping: false,
            errors: list
                .iter()
                .map(|e| relabel(e, export, &t.lines, &t.origins))
                .collect(),
        })),
        Err(ImportError::Io { file, cause }) => Ok(Err(Refusal {
            mapping: false,
            errors: vec![format!("{file}: {cause}")],
        })),
        Err(ImportError::Store(e)) => Err(e),
    }
}

/// Rewrites a dataset problem (`opportunities.csv:3: amount: …`) against the export
/// (`report.csv:7: Amount: …`): its line, and the export column the dataset column came from.
fn relabel(
    e: &str,
    export: &Export,
    lines: &HashMap<String, Vec<u64>>,
    origins: &HashMap<String, HashMap<String, String>>,
) -> String {
    let Some((file, rest)) = e.split_once(':') else {
        return format!("{}: {e}", export.name);
    };
    let Some(file_lines) = lines.get(file) else {
        return format!("{}: {e}", export.name);
    };
    let (line, rest) = match rest.split_once(':') {
        Some((n, after)) if n.parse::<u64>().is_ok() => {
            let n: u64 = n.parse().unwrap_or(0);
            let line = n
                .checked_sub(2)
                .and_then(|i| file_lines.get(i as usize))
                .copied();
            (line, after)
        }
        _ => (None, rest),
    };
    let rest = rest.trim_start();
    let mut rest_out = rest.to_owned();
    if let Some((column, message)) = rest.split_once(": ")
        && let Some(origin) = origins.get(file).and_then(|o| o.get(column))
    {
        rest_out = format!("{origin}: {message}");
    }
    match line {
        Some(l) => format!("{}:{l}: {rest_out}", export.name),
        None => format!("{}: {rest_out}", export.name),
    }
}
