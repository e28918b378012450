//! `attain export DIR`: writes every table of the store as a dataset file, rows sorted by key,
//! values in their canonical form, so that importing an export gives back the same store.

use crate::progress::Progress;
use crate::spec::{FILES, FileSpec};
use attain_store::{Executor, Store, StoreError};
use std::path::Path;

/// What an export wrote: rows per file.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ExportReport {
    /// `(file name, rows)` in dataset order.
    pub files: Vec<(String, u64)>,
}

/// Why an export failed.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// A file could not be written.
    #[error("cannot write {path}: {cause}")]
    Io { path: String, cause: String },
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Writes every dataset file of the store into `dir` (created if missing).
pub fn export_dir(
    store: &Store,
    dir: &Path,
    progress: &dyn Progress,
) -> Result<ExportReport, ExportError> {
    let io = |path: &Path, e: &dyn std::fmt::Display| ExportError::Io {
        path: path.display().to_string(),
        cause: e.to_string(),
    };
    std::fs::create_dir_all(dir).map_err(|e| io(dir, &e))?;
    let mut report = ExportReport::default();
    let mut conn = store.conn()?;
    for spec in FILES {
        let path = dir.join(spec.file_name());
        let rows = export_file(&mut conn, spec, &path, progress).map_err(|e| match e {
            FileError::Io(e) => io(&path, &e),
            FileError::Store(e) => ExportError::Store(e),
        })?;
        report.files.push((spec.file_name(), rows));
    }
    Ok(report)
}

enum FileError {
    Io(Box<dyn std::error::Error>),
    Store(StoreError),
}

impl From<StoreError> for FileError {
    fn from(e: StoreError) -> Self {
        FileError::Store(e)
    }
}
impl From<csv::Error> for FileError {
    fn from(e: csv::Error) -> Self {
        FileError::Io(Box::new(e))
    }
}
impl From<std::io::Error> for FileError {
    fn from(e: std::io::Error) -> Self {
        FileError::Io(Box::new(e))
    }
}

/// Writes one file, reading its table in key order a page at a time.
fn export_file(
    conn: &mut attain_store::Conn,
    spec: &FileSpec,
    path: &Path,
    progress: &dyn Progress,
) -> Result<u64, FileError> {
    const PAGE: i64 = 50_000;
    let cols: Vec<&str> = spec.columns.iter().map(|c| c.name).collect();
    let total = conn
        .query_one(&format!("SELECT COUNT(*) FROM {}", spec.name), &[])?
        .int(0)?;
    progress.start(&spec.file_name(), total as u64);
    let mut out = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(std::io::BufWriter::with_capacity(
            1 << 20,
            std::fs::File::create(path)?,
        ));
    out.write_record(&cols)?;
    let order = spec.key.join(", ");
    let mut written = 0u64;
    let mut offset = 0i64;
    // Keyset pagination would avoid re-skipping rows; OFFSET on the primary-key order is simple
    // and, with pages this large, a small share of the time.
    loop {
        let sql = format!(
            "SELECT {} FROM {} ORDER BY {order} LIMIT {PAGE} OFFSET {offset}",
            cols.join(", "),
            spec.name
        );
        let rows = conn.query(&sql, &[])?;
        let n = rows.len();
        let mut fields: Vec<String> = Vec::with_capacity(cols.len());
        for row in rows {
            fields.clear();
            for (v, c) in row.into_values().into_iter().zip(spec.columns) {
                fields.push(c.kind.format(&c.kind.normalize(v)));
            }
            out.write_record(&fields)?;
        }
        written += n as u64;
        offset += n as i64;
        progress.set(written);
        if (n as i64) < PAGE {
            break;
        }
    }
    out.flush()?;
    progress.finish();
    Ok(written)
}
