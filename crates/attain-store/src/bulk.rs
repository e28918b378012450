//! Bulk doors for the hot paths (import, calculation results): inserting many rows and looking up
//! many keys, each database its fastest way — a prepared single-row statement per row in the
//! SQLite transaction (no statement journal, no SQL text per batch), multi-row statements on
//! PostgreSQL to save round trips.

use crate::error::{StoreError, StoreResult};
use crate::pool::{Executor, Tx};
use crate::value::Value;
use std::collections::HashSet;

/// Rows per multi-row statement on PostgreSQL.
const PG_CHUNK: usize = 500;

/// Returns `$start, $start+1, …` grouped as `(…)` tuples of `width`, `rows` times.
fn pg_tuples(width: usize, rows: usize) -> String {
    let mut s = String::with_capacity(rows * width * 6);
    for r in 0..rows {
        if r > 0 {
            s.push_str(", ");
        }
        s.push('(');
        for c in 0..width {
            if c > 0 {
                s.push_str(", ");
            }
            s.push('$');
            s.push_str(&(r * width + c + 1).to_string());
        }
        s.push(')');
    }
    s
}

/// Returns a PostgreSQL condition `cols IN (…)` for `n` keys: a plain list for one column, a list
/// of row constructors for several (whose types PostgreSQL infers from the columns, unlike a
/// `VALUES` subquery).
fn pg_in(columns: &[&str], n: usize) -> String {
    if columns.len() == 1 {
        let slots: Vec<String> = (1..=n).map(|i| format!("${i}")).collect();
        format!("{} IN ({})", columns[0], slots.join(", "))
    } else {
        format!(
            "({}) IN ({})",
            columns.join(", "),
            pg_tuples(columns.len(), n)
        )
    }
}

/// Returns the SQLite condition `a = ?1 AND b = ?2 …` that one key of `columns` binds.
fn sqlite_key_equals(columns: &[&str]) -> String {
    columns
        .iter()
        .enumerate()
        .map(|(i, c)| format!("{c} = ?{}", i + 1))
        .collect::<Vec<_>>()
        .join(" AND ")
}

impl Tx<'_> {
    /// Inserts `rows` (each with one value per column) into `table`. A row whose key already
    /// exists is not inserted: its index is returned, and every other row is written.
    pub fn insert_rows(
        &mut self,
        table: &str,
        columns: &[&str],
        rows: &[&[Value]],
    ) -> StoreResult<Vec<usize>> {
        let mut conflicts = Vec::new();
        match self {
            Tx::Sqlite(t) => {
                let slots: Vec<String> = (1..=columns.len()).map(|i| format!("?{i}")).collect();
                let sql = format!(
                    "INSERT INTO {table} ({}) VALUES ({})",
                    columns.join(", "),
                    slots.join(", ")
                );
                let mut stmt = t.prepare_cached(&sql)?;
                for (i, row) in rows.iter().enumerate() {
                    match stmt.execute(rusqlite::params_from_iter(row.iter())) {
                        Ok(_) => {}
                        Err(e) => match StoreError::from(e) {
                            StoreError::Conflict => conflicts.push(i),
                            other => return Err(other),
                        },
                    }
                }
            }
            Tx::Postgres(..) => {
                let head = format!("INSERT INTO {table} ({}) VALUES ", columns.join(", "));
                for (c, chunk) in rows.chunks(PG_CHUNK).enumerate() {
                    let sql = format!("{head}{}", pg_tuples(columns.len(), chunk.len()));
                    let params: Vec<Value> = chunk.iter().flat_map(|r| r.iter().cloned()).collect();
                    match self.savepoint(|tx| tx.execute(&sql, &params)) {
                        Ok(_) => {}
                        Err(e) if e.is_conflict() => {
                            let one = format!("{head}{}", pg_tuples(columns.len(), 1));
                            for (i, row) in chunk.iter().enumerate() {
                                match self.savepoint(|tx| tx.execute(&one, row)) {
                                    Ok(_) => {}
                                    Err(e) if e.is_conflict() => conflicts.push(c * PG_CHUNK + i),
                                    Err(e) => return Err(e),
                                }
                            }
                        }
                        Err(e) => return Err(e),
                    }
                }
            }
        }
        Ok(conflicts)
    }

    /// Returns which of `keys` exist in `table` as values of `columns`.
    pub fn existing_keys(
        &mut self,
        table: &str,
        columns: &[&str],
        keys: &[Vec<Value>],
    ) -> StoreResult<HashSet<Vec<Value>>> {
        let mut found = HashSet::new();
        match self {
            Tx::Sqlite(t) => {
                let sql = format!(
                    "SELECT 1 FROM {table} WHERE {} LIMIT 1",
                    sqlite_key_equals(columns)
                );
                let mut stmt = t.prepare_cached(&sql)?;
                for key in keys {
                    if stmt.exists(rusqlite::params_from_iter(key.iter()))? {
                        found.insert(key.clone());
                    }
                }
            }
            Tx::Postgres(..) => {
                for chunk in keys.chunks(PG_CHUNK) {
                    let sql = format!(
                        "SELECT DISTINCT {} FROM {table} WHERE {}",
                        columns.join(", "),
                        pg_in(columns, chunk.len())
                    );
                    let params: Vec<Value> = chunk.iter().flat_map(|k| k.iter().cloned()).collect();
                    for row in self.query(&sql, &params)? {
                        found.insert(row.into_values());
                    }
                }
            }
        }
        Ok(found)
    }

    /// Returns the stored rows (all `columns`) whose `key_columns` equal one of `keys`.
    pub fn rows_by_keys(
        &mut self,
        table: &str,
        columns: &[&str],
        key_columns: &[&str],
        keys: &[Vec<Value>],
    ) -> StoreResult<Vec<Vec<Value>>> {
        let mut out = Vec::new();
        match self {
            Tx::Sqlite(t) => {
                let sql = format!(
                    "SELECT {} FROM {table} WHERE {}",
                    columns.join(", "),
                    sqlite_key_equals(key_columns)
                );
                let mut stmt = t.prepare_cached(&sql)?;
                for key in keys {
                    let mut rows = stmt.query(rusqlite::params_from_iter(key.iter()))?;
                    while let Some(row) = rows.next()? {
                        out.push(crate::sqlite::decode_row(row, columns.len())?.into_values());
                    }
                }
            }
            Tx::Postgres(..) => {
                for chunk in keys.chunks(PG_CHUNK) {
                    let sql = format!(
                        "SELECT {} FROM {table} WHERE {}",
                        columns.join(", "),
                        pg_in(key_columns, chunk.len())
                    );
                    let params: Vec<Value> = chunk.iter().flat_map(|k| k.iter().cloned()).collect();
                    out.extend(
                        self.query(&sql, &params)?
                            .into_iter()
                            .map(|r| r.into_values()),
                    );
                }
            }
        }
        Ok(out)
    }
}

/// Appends `v` to a `COPY … FROM STDIN` text-format line.
fn copy_text(out: &mut Vec<u8>, v: &Value) {
    use std::io::Write;
    match v {
        Value::Null => out.extend_from_slice(b"\\N"),
        Value::Int(n) => {
            let _ = write!(out, "{n}");
        }
        Value::Bool(b) => out.push(if *b { b't' } else { b'f' }),
        Value::Date(d) => {
            let _ = write!(out, "{}", d.format("%Y-%m-%d"));
        }
        Value::Time(t) => {
            out.extend_from_slice(
                t.to_rfc3339_opts(chrono::SecondsFormat::Micros, true)
                    .as_bytes(),
            );
        }
        Value::Text(s) => {
            for &b in s.as_bytes() {
                match b {
                    b'\\' => out.extend_from_slice(b"\\\\"),
                    b'\t' => out.extend_from_slice(b"\\t"),
                    b'\n' => out.extend_from_slice(b"\\n"),
                    b'\r' => out.extend_from_slice(b"\\r"),
                    _ => out.push(b),
                }
            }
        }
    }
}

impl Tx<'_> {
    /// Inserts every row (each with one value per column) into `table`, the fastest way each
    /// database has: one prepared single-row statement stepped per row on SQLite, `COPY FROM
    /// STDIN` on PostgreSQL. Unlike [`Tx::insert_rows`] it does not sort out duplicate keys: any
    /// failure (a duplicate key too) fails the call, and on PostgreSQL the transaction with it
    /// unless the caller wraps the call in a savepoint. Returns the number of rows written.
    pub fn insert_many<R: AsRef<[Value]>>(
        &mut self,
        table: &str,
        columns: &[&str],
        rows: impl IntoIterator<Item = R>,
    ) -> StoreResult<u64> {
        let mut written = 0u64;
        match self {
            Tx::Sqlite(t) => {
                let slots: Vec<String> = (1..=columns.len()).map(|i| format!("?{i}")).collect();
                let sql = format!(
                    "INSERT INTO {table} ({}) VALUES ({})",
                    columns.join(", "),
                    slots.join(", ")
                );
                let mut stmt = t.prepare_cached(&sql)?;
                for row in rows {
                    stmt.execute(rusqlite::params_from_iter(row.as_ref().iter()))?;
                    written += 1;
                }
            }
            Tx::Postgres(t, _) => {
                use std::io::Write;
                let sql = format!("COPY {table} ({}) FROM STDIN", columns.join(", "));
                let mut writer = t.copy_in(&sql)?;
                let mut line = Vec::with_capacity(1 << 16);
                let io = |e: std::io::Error| StoreError::Decode {
                    column: 0,
                    message: format!("COPY into {table}: {e}"),
                };
                for row in rows {
                    for (i, v) in row.as_ref().iter().enumerate() {
                        if i > 0 {
                            line.push(b'\t');
                        }
                        copy_text(&mut line, v);
                    }
                    line.push(b'\n');
                    written += 1;
                    if line.len() >= 1 << 16 {
                        writer.write_all(&line).map_err(io)?;
                        line.clear();
                    }
                }
                writer.write_all(&line).map_err(io)?;
                writer.finish()?;
            }
        }
        Ok(written)
    }
}

/// The secondary indexes of a table, dropped for a bulk load into it and rebuilt afterwards:
/// building an index once from sorted data is several times faster than growing it row by row.
#[derive(Debug, Default)]
pub struct SuspendedIndexes {
    definitions: Vec<String>,
}

impl Tx<'_> {
    /// Drops the secondary (non-key) indexes of `table` until [`Tx::restore_indexes`].
    pub fn suspend_indexes(&mut self, table: &str) -> StoreResult<SuspendedIndexes> {
        let rows = match self {
            Tx::Sqlite(_) => self.query(
                "SELECT name, sql FROM sqlite_master
                 WHERE type = 'index' AND tbl_name = $1 AND sql IS NOT NULL",
                &[table.into()],
            )?,
            Tx::Postgres(..) => self.query(
                "SELECT i.indexname, i.indexdef FROM pg_indexes i
                 WHERE i.schemaname = current_schema() AND i.tablename = $1
                   AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)",
                &[table.into()],
            )?,
        };
        let mut definitions = Vec::with_capacity(rows.len());
        for row in rows {
            let name = row.string(0)?;
            definitions.push(row.string(1)?);
            self.batch(&format!("DROP INDEX {name}"))?;
        }
        Ok(SuspendedIndexes { definitions })
    }

    /// Rebuilds indexes dropped by [`Tx::suspend_indexes`].
    pub fn restore_indexes(&mut self, suspended: SuspendedIndexes) -> StoreResult<()> {
        for sql in suspended.definitions {
            self.batch(&sql)?;
        }
        Ok(())
    }
}
