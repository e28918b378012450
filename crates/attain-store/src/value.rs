//! `Value` and `Row`: the database-neutral values the store binds and returns.
//!
//! Money, percents and ratios are stored as whole numbers of their smallest unit (`BIGINT`), so
//! no floating point exists anywhere between the database and the domain.

use crate::error::{StoreError, StoreResult};
use attain_domain::Date;
use chrono::{DateTime, Utc};

/// One value bound to or read from a query.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Value {
    /// SQL NULL.
    Null,
    /// A 64-bit integer (also money in cents, percents and ratios in their units).
    Int(i64),
    /// Text.
    Text(String),
    /// A boolean (`BOOLEAN` on PostgreSQL, 0/1 on SQLite).
    Bool(bool),
    /// A calendar date (`DATE` on PostgreSQL, `YYYY-MM-DD` text on SQLite).
    Date(Date),
    /// An instant (`TIMESTAMPTZ` on PostgreSQL, RFC 3339 text on SQLite).
    Time(DateTime<Utc>),
}

impl Value {
    /// Returns true for NULL.
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }
}

impl From<i64> for Value {
    fn from(v: i64) -> Self {
        Value::Int(v)
    }
}
impl From<i32> for Value {
    fn from(v: i32) -> Self {
        Value::Int(i64::from(v))
    }
}
impl From<u32> for Value {
    fn from(v: u32) -> Self {
        Value::Int(i64::from(v))
    }
}
impl From<&str> for Value {
    fn from(v: &str) -> Self {
        Value::Text(v.to_owned())
    }
}
impl From<String> for Value {
    fn from(v: String) -> Self {
        Value::Text(v)
    }
}
impl From<&String> for Value {
    fn from(v: &String) -> Self {
        Value::Text(v.clone())
    }
}
impl From<bool> for Value {
    fn from(v: bool) -> Self {
        Value::Bool(v)
    }
}
impl From<Date> for Value {
    fn from(v: Date) -> Self {
        Value::Date(v)
    }
}
impl From<DateTime<Utc>> for Value {
    fn from(v: DateTime<Utc>) -> Self {
        Value::Time(v)
    }
}
impl From<attain_domain::Money> for Value {
    fn from(v: attain_domain::Money) -> Self {
        Value::Int(v.cents())
    }
}
impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(v: Option<T>) -> Self {
        v.map_or(Value::Null, Into::into)
    }
}

/// One row of a query result, read by column index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row(pub Vec<Value>);

impl Row {
    /// Returns the raw value of column `i` (NULL past the end).
    pub fn value(&self, i: usize) -> &Value {
        self.0.get(i).unwrap_or(&Value::Null)
    }

    /// Consumes the row into its values.
    pub fn into_values(self) -> Vec<Value> {
        self.0
    }

    fn decode<'r, T>(
        &'r self,
        i: usize,
        what: &str,
        f: impl FnOnce(&'r Value) -> Option<T>,
    ) -> StoreResult<T> {
        f(self.value(i)).ok_or_else(|| StoreError::Decode {
            column: i,
            message: format!("expected {what}, found {:?}", self.value(i)),
        })
    }

    /// Returns column `i` as an integer.
    pub fn int(&self, i: usize) -> StoreResult<i64> {
        self.decode(i, "an integer", |v| match v {
            Value::Int(n) => Some(*n),
            Value::Bool(b) => Some(i64::from(*b)),
            _ => None,
        })
    }

    /// Returns column `i` as an integer, or `None` for NULL.
    pub fn opt_int(&self, i: usize) -> StoreResult<Option<i64>> {
        if self.value(i).is_null() {
            Ok(None)
        } else {
            self.int(i).map(Some)
        }
    }

    /// Returns column `i` as text.
    pub fn text(&self, i: usize) -> StoreResult<&str> {
        self.decode(i, "text", |v| match v {
            Value::Text(s) => Some(s.as_str()),
            _ => None,
        })
    }

    /// Returns column `i` as text, or `None` for NULL.
    pub fn opt_text(&self, i: usize) -> StoreResult<Option<&str>> {
        if self.value(i).is_null() {
            Ok(None)
        } else {
            self.text(i).map(Some)
        }
    }

    /// Returns column `i` as an owned string.
    pub fn string(&self, i: usize) -> StoreResult<String> {
        self.text(i).map(str::to_owned)
    }

    /// Returns column `i` as an owned string, or `None` for NULL.
    pub fn opt_string(&self, i: usize) -> StoreResult<Option<String>> {
        Ok(self.opt_text(i)?.map(str::to_owned))
    }

    /// Returns column `i` as a boolean.
    pub fn bool(&self, i: usize) -> StoreResult<bool> {
        self.decode(i, "a boolean", |v| match v {
            Value::Bool(b) => Some(*b),
            Value::Int(n) => Some(*n != 0),
            _ => None,
        })
    }

    /// Returns column `i` as a date.
    pub fn date(&self, i: usize) -> StoreResult<Date> {
        self.decode(i, "a date", |v| match v {
            Value::Date(d) => Some(*d),
            Value::Text(s) => attain_domain::parse_date(s).ok(),
            _ => None,
        })
    }

    /// Returns column `i` as a date, or `None` for NULL.
    pub fn opt_date(&self, i: usize) -> StoreResult<Option<Date>> {
        if self.value(i).is_null() {
            Ok(None)
        } else {
            self.date(i).map(Some)
        }
    }

    /// Returns column `i` as an instant.
    pub fn time(&self, i: usize) -> StoreResult<DateTime<Utc>> {
        self.decode(i, "a timestamp", |v| match v {
            Value::Time(t) => Some(*t),
            Value::Text(s) => DateTime::parse_from_rfc3339(s)
                .ok()
                .map(|t| t.with_timezone(&Utc)),
            _ => None,
        })
    }

    /// Returns column `i` as money.
    pub fn money(&self, i: usize) -> StoreResult<attain_domain::Money> {
        self.int(i).map(attain_domain::Money::from_cents)
    }
}
