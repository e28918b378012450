//! The streaming read door for the hot paths: [`Executor::for_each_row`] hands each row of a
//! query to a closure as it comes, borrowed ([`RowRef`]), without collecting the result or
//! copying its text. On SQLite it steps a prepared statement; on PostgreSQL it reads the rows as
//! the server sends them (`query_raw`), so memory stays flat however many rows a query returns.

use crate::error::{StoreError, StoreResult};
use attain_domain::Date;
use rusqlite::types::ValueRef;

/// One row of a streaming query, borrowed for the duration of the closure call.
pub struct RowRef<'a>(Inner<'a>);

enum Inner<'a> {
    Sqlite(&'a rusqlite::Row<'a>),
    Postgres(&'a postgres::Row),
}

impl<'a> RowRef<'a> {
    pub(crate) fn sqlite(row: &'a rusqlite::Row<'a>) -> Self {
        RowRef(Inner::Sqlite(row))
    }

    pub(crate) fn postgres(row: &'a postgres::Row) -> Self {
        RowRef(Inner::Postgres(row))
    }

    fn decode_err(i: usize, what: &str) -> StoreError {
        StoreError::Decode {
            column: i,
            message: format!("expected {what}"),
        }
    }

    /// Returns column `i` as an integer, or `None` for NULL.
    pub fn opt_int(&self, i: usize) -> StoreResult<Option<i64>> {
        match &self.0 {
            Inner::Sqlite(r) => match r.get_ref(i)? {
                ValueRef::Null => Ok(None),
                ValueRef::Integer(n) => Ok(Some(n)),
                _ => Err(Self::decode_err(i, "an integer")),
            },
            Inner::Postgres(r) => {
                use postgres::types::Type;
                let ty = r
                    .columns()
                    .get(i)
                    .ok_or_else(|| Self::decode_err(i, "a column"))?
                    .type_();
                Ok(match *ty {
                    Type::INT8 => r.try_get::<_, Option<i64>>(i)?,
                    Type::INT4 => r.try_get::<_, Option<i32>>(i)?.map(i64::from),
                    Type::INT2 => r.try_get::<_, Option<i16>>(i)?.map(i64::from),
                    Type::BOOL => r.try_get::<_, Option<bool>>(i)?.map(i64::from),
                    _ => return Err(Self::decode_err(i, "an integer")),
                })
            }
        }
    }

    /// Returns column `i` as an integer.
    pub fn int(&self, i: usize) -> StoreResult<i64> {
        self.opt_int(i)?
            .ok_or_else(|| Self::decode_err(i, "an integer, found NULL"))
    }

    /// Returns column `i` as text borrowed from the row, or `None` for NULL.
    pub fn opt_text(&self, i: usize) -> StoreResult<Option<&str>> {
        match &self.0 {
            Inner::Sqlite(r) => match r.get_ref(i)? {
                ValueRef::Null => Ok(None),
                ValueRef::Text(t) => std::str::from_utf8(t)
                    .map(Some)
                    .map_err(|_| Self::decode_err(i, "UTF-8 text")),
                _ => Err(Self::decode_err(i, "text")),
            },
            Inner::Postgres(r) => Ok(r.try_get::<_, Option<&str>>(i)?),
        }
    }

    /// Returns column `i` as text borrowed from the row.
    pub fn text(&self, i: usize) -> StoreResult<&str> {
        self.opt_text(i)?
            .ok_or_else(|| Self::decode_err(i, "text, found NULL"))
    }

    /// Returns column `i` as a date, or `None` for NULL.
    pub fn opt_date(&self, i: usize) -> StoreResult<Option<Date>> {
        match &self.0 {
            Inner::Sqlite(r) => match r.get_ref(i)? {
                ValueRef::Null => Ok(None),
                ValueRef::Text(t) => parse_iso_date(t)
                    .map(Some)
                    .ok_or_else(|| Self::decode_err(i, "a YYYY-MM-DD date")),
                _ => Err(Self::decode_err(i, "a date")),
            },
            Inner::Postgres(r) => Ok(r.try_get::<_, Option<Date>>(i)?),
        }
    }

    /// Returns column `i` as a date.
    pub fn date(&self, i: usize) -> StoreResult<Date> {
        self.opt_date(i)?
            .ok_or_else(|| Self::decode_err(i, "a date, found NULL"))
    }
}

/// Parses exactly `YYYY-MM-DD` without allocating.
fn parse_iso_date(b: &[u8]) -> Option<Date> {
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<u32> {
        b[r].iter().try_fold(0u32, |n, &c| {
            c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0'))
        })
    };
    Date::from_ymd_opt(num(0..4)? as i32, num(5..7)?, num(8..10)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_dates_parse_without_allocating() {
        assert_eq!(
            parse_iso_date(b"2026-02-28"),
            Date::from_ymd_opt(2026, 2, 28)
        );
        assert_eq!(parse_iso_date(b"2026-02-30"), None);
        assert_eq!(parse_iso_date(b"2026-2-30x"), None);
        assert_eq!(parse_iso_date(b"20a6-02-03"), None);
    }
}
