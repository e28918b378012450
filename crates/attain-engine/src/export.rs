//! `attain export --results DIR --year Y`: writes the four results files of dataset.md from the
//! stored results of the year's last calculation: money with two decimals, ratios with six,
//! months as numbers, rows sorted by their key columns (ids in byte order, the same on either
//! database).

use attain_domain::{Money, Ratio};
use attain_store::{Executor, Row, Store, StoreError};
use std::path::Path;

/// Why results could not be exported.
#[derive(Debug, thiserror::Error)]
pub enum ResultsExportError {
    /// The year has never been calculated.
    #[error("fiscal year {0} has no results: run `attain calc --year {0}` first")]
    NotCalculated(i32),
    /// A file could not be written.
    #[error("cannot write {path}: {cause}")]
    Io { path: String, cause: String },
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// One results file: its name, header, the query of its rows and how many leading columns are
/// its sort key.
struct ResultsFile {
    name: &'static str,
    header: &'static [&'static str],
    sql: &'static str,
    /// Per column: how a stored value is written.
    kinds: &'static [Cell],
    key: usize,
}

#[derive(Clone, Copy)]
enum Cell {
    Text,
    Int,
    Money,
    Ratio,
    Bool,
}

const T: Cell = Cell::Text;
const I: Cell = Cell::Int;
const M: Cell = Cell::Money;
const R: Cell = Cell::Ratio;

static FILES: &[ResultsFile] = &[
    ResultsFile {
        name: "credits.csv",
        header: crate::write::CREDIT_COLUMNS,
        sql: "SELECT person_id, year, month, metric, direct, override, credited, target, attainment \
              FROM result_credits WHERE year = $1",
        kinds: &[T, I, I, T, M, M, M, M, R],
        key: 4,
    },
    ResultsFile {
        name: "payouts.csv",
        header: crate::write::PAYOUT_COLUMNS,
        sql: "SELECT person_id, plan_id, component, year, month, period_credit, period_target, \
              attainment, earned_to_date, adjustment, payout, locked FROM result_payouts WHERE year = $1",
        kinds: &[T, T, T, I, I, M, M, R, M, M, M, Cell::Bool],
        key: 5,
    },
    ResultsFile {
        name: "territory_results.csv",
        header: crate::write::TERRITORY_COLUMNS,
        sql: "SELECT territory_id, year, month, metric, actual, target, attainment \
              FROM result_territories WHERE year = $1",
        kinds: &[T, I, I, T, M, M, R],
        key: 4,
    },
    ResultsFile {
        name: "statements.csv",
        header: crate::write::STATEMENT_COLUMNS,
        sql: "SELECT person_id, year, month, calculated, adjustments, total \
              FROM result_statements WHERE year = $1",
        kinds: &[T, I, I, M, M, M],
        key: 3,
    },
];

/// A sort key cell: text in byte order, numbers as numbers.
#[derive(PartialEq, Eq, PartialOrd, Ord)]
enum KeyCell {
    Int(i64),
    Text(String),
}

/// Writes one cell of a stored row.
fn cell(row: &Row, i: usize, kind: Cell) -> Result<String, StoreError> {
    if row.value(i).is_null() {
        return Ok(String::new());
    }
    Ok(match kind {
        Cell::Text => row.string(i)?,
        Cell::Int => row.int(i)?.to_string(),
        Cell::Money => Money::from_cents(row.int(i)?).to_string(),
        Cell::Ratio => Ratio::from_micros(row.int(i)?).fixed6(),
        Cell::Bool => row.bool(i)?.to_string(),
    })
}

/// Writes the results files of fiscal year `year` into `dir` (created if missing); returns
/// `(file, rows)` per file.
pub fn export_results(
    store: &Store,
    dir: &Path,
    year: i32,
) -> Result<Vec<(String, u64)>, ResultsExportError> {
    let mut conn = store.conn()?;
    if conn
        .query_opt(
            "SELECT run_id FROM calc_runs WHERE year = $1 LIMIT 1",
            &[year.into()],
        )?
        .is_none()
    {
        return Err(ResultsExportError::NotCalculated(year));
    }
    let io = |path: &Path, e: &dyn std::fmt::Display| ResultsExportError::Io {
        path: path.display().to_string(),
        cause: e.to_string(),
    };
    std::fs::create_dir_all(dir).map_err(|e| io(dir, &e))?;
    let mut report = Vec::new();
    for f in FILES {
        let rows = conn.query(f.sql, &[year.into()])?;
        let mut keyed = Vec::with_capacity(rows.len());
        for row in &rows {
            let key: Vec<KeyCell> = (0..f.key)
                .map(|i| match f.kinds[i] {
                    Cell::Int => row.int(i).map(KeyCell::Int),
                    _ => row.string(i).map(KeyCell::Text),
                })
                .collect::<Result<_, _>>()?;
            keyed.push((key, row));
        }
        keyed.sort_by(|a, b| a.0.cmp(&b.0));
        let path = dir.join(f.name);
        let file = std::fs::File::create(&path).map_err(|e| io(&path, &e))?;
        let mut out = csv::WriterBuilder::new()
            .terminator(csv::Terminator::Any(b'\n'))
            .from_writer(std::io::BufWriter::with_capacity(1 << 20, file));
        out.write_record(f.header).map_err(|e| io(&path, &e))?;
        let mut fields = Vec::with_capacity(f.kinds.len());
        for (_, row) in &keyed {
            fields.clear();
            for (i, kind) in f.kinds.iter().enumerate() {
                fields.push(cell(row, i, *kind)?);
            }
            out.write_record(&fields).map_err(|e| io(&path, &e))?;
        }
        out.flush().map_err(|e| io(&path, &e))?;
        report.push((f.name.to_owned(), keyed.len() as u64));
    }
    Ok(report)
}
