//! The SQLite side of the store: connection set-up, parameter binding and row decoding.

use crate::error::{StoreError, StoreResult};
use crate::value::{Row, Value};
use rusqlite::types::{ToSqlOutput, ValueRef};
use std::borrow::Cow;
use std::path::PathBuf;

/// Opens and configures SQLite connections for the pool.
#[derive(Debug)]
pub struct SqliteManager {
    pub path: PathBuf,
}

/// Applies the per-connection settings: WAL, a busy timeout, a larger cache, and helper threads
/// for the sorter (which builds an index after a bulk load).
pub fn configure(conn: &rusqlite::Connection) -> rusqlite::Result<()> {
    conn.busy_timeout(std::time::Duration::from_secs(10))?;
    conn.execute_batch(
        "PRAGMA journal_mode = WAL;
         PRAGMA synchronous = NORMAL;
         PRAGMA temp_store = MEMORY;
         PRAGMA cache_size = -65536;
         PRAGMA threads = 2;",
    )?;
    conn.set_prepared_statement_cache_capacity(256);
    Ok(())
}

impl r2d2::ManageConnection for SqliteManager {
    type Connection = rusqlite::Connection;
    type Error = rusqlite::Error;

    fn connect(&self) -> Result<Self::Connection, Self::Error> {
        let conn = rusqlite::Connection::open(&self.path)?;
        configure(&conn)?;
        Ok(conn)
    }

    fn is_valid(&self, conn: &mut Self::Connection) -> Result<(), Self::Error> {
        conn.execute_batch("")
    }

    fn has_broken(&self, _conn: &mut Self::Connection) -> bool {
        false
    }
}

/// Rewrites PostgreSQL-style `$N` placeholders to SQLite's `?N`, so one text serves both.
pub fn rewrite_placeholders(sql: &str) -> Cow<'_, str> {
    if !sql.contains('$') {
        return Cow::Borrowed(sql);
    }
    let mut out = String::with_capacity(sql.len());
    let mut in_quote = false;
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\'' {
            in_quote = !in_quote;
        }
        if c == '$' && !in_quote && chars.peek().is_some_and(char::is_ascii_digit) {
            out.push('?');
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

impl rusqlite::ToSql for Value {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(match self {
            Value::Null => ToSqlOutput::Borrowed(ValueRef::Null),
            Value::Int(n) => ToSqlOutput::Borrowed(ValueRef::Integer(*n)),
            Value::Text(s) => ToSqlOutput::Borrowed(ValueRef::Text(s.as_bytes())),
            Value::Bool(b) => ToSqlOutput::Borrowed(ValueRef::Integer(i64::from(*b))),
            Value::Date(d) => ToSqlOutput::Owned(rusqlite::types::Value::Text(format_date(*d))),
            Value::Time(t) => ToSqlOutput::Owned(rusqlite::types::Value::Text(
                t.to_rfc3339_opts(chrono::SecondsFormat::Micros, true),
            )),
        })
    }
}

/// Formats a date as `YYYY-MM-DD` (by hand: this runs once per date of a bulk load).
fn format_date(d: attain_domain::Date) -> String {
    use chrono::Datelike;
    let (y, m, day) = (d.year(), d.month(), d.day());
    if (0..=9999).contains(&y) {
        let mut s = String::with_capacity(10);
        for digit in [y / 1000, y / 100 % 10, y / 10 % 10, y % 10] {
            s.push(char::from(b'0' + digit as u8));
        }
        s.push('-');
        s.push(char::from(b'0' + (m / 10) as u8));
        s.push(char::from(b'0' + (m % 10) as u8));
        s.push('-');
        s.push(char::from(b'0' + (day / 10) as u8));
        s.push(char::from(b'0' + (day % 10) as u8));
        s
    } else {
        d.format("%Y-%m-%d").to_string()
    }
}

/// Decodes one SQLite row into neutral values.
pub fn decode_row(row: &rusqlite::Row<'_>, width: usize) -> StoreResult<Row> {
    let mut values = Vec::with_capacity(width);
    for i in 0..width {
        values.push(match row.get_ref(i)? {
            ValueRef::Null => Value::Null,
            ValueRef::Integer(n) => Value::Int(n),
            ValueRef::Text(t) => Value::Text(String::from_utf8_lossy(t).into_owned()),
            ValueRef::Real(r) => {
                return Err(StoreError::Decode {
                    column: i,
                    message: format!("a floating point value {r} where exact values are stored"),
                });
            }
            ValueRef::Blob(_) => {
                return Err(StoreError::Decode {
                    column: i,
                    message: "a blob".into(),
                });
            }
        });
    }
    Ok(Row(values))
}

/// Runs a query and decodes every row.
pub fn query(conn: &rusqlite::Connection, sql: &str, params: &[Value]) -> StoreResult<Vec<Row>> {
    let mut stmt = conn.prepare_cached(&rewrite_placeholders(sql))?;
    let width = stmt.column_count();
    let mut rows = stmt.query(rusqlite::params_from_iter(params.iter()))?;
    let mut out = Vec::new();
    while let Some(row) = rows.next()? {
        out.push(decode_row(row, width)?);
    }
    Ok(out)
}

/// Runs a query and hands each row to `f` as it is stepped, without collecting them.
pub fn for_each<E: From<StoreError>>(
    conn: &rusqlite::Connection,
    sql: &str,
    params: &[Value],
    mut f: impl FnMut(crate::RowRef<'_>) -> Result<(), E>,
) -> Result<(), E> {
    let mut stmt = conn
        .prepare_cached(&rewrite_placeholders(sql))
        .map_err(StoreError::from)?;
    let mut rows = stmt
        .query(rusqlite::params_from_iter(params.iter()))
        .map_err(StoreError::from)?;
    while let Some(row) = rows.next().map_err(StoreError::from)? {
        f(crate::RowRef::sqlite(row))?;
    }
    Ok(())
}

/// Executes a statement and returns the number of rows it changed.
pub fn execute(conn: &rusqlite::Connection, sql: &str, params: &[Value]) -> StoreResult<u64> {
    let mut stmt = conn.prepare_cached(&rewrite_placeholders(sql))?;
    Ok(stmt.execute(rusqlite::params_from_iter(params.iter()))? as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_written_as_iso_text() {
        let d = attain_domain::parse_date("0987-03-09").unwrap();
        assert_eq!(format_date(d), "0987-03-09");
    }

    #[test]
    fn placeholders_are_rewritten_outside_quotes_only() {
        assert_eq!(
            rewrite_placeholders("a = $2 AND b = $1"),
            "a = ?2 AND b = ?1"
        );
        assert_eq!(
            rewrite_placeholders("x = '$1' OR y = $10"),
            "x = '$1' OR y = ?10"
        );
        assert_eq!(rewrite_placeholders("no params"), "no params");
    }
}
