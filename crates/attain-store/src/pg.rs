//! The PostgreSQL side of the store: connections, parameter binding with type adaptation, and row
//! decoding into neutral values.

use crate::error::{StoreError, StoreResult};
use crate::value::{Row, Value};
use bytes::BytesMut;
use chrono::{DateTime, NaiveDate, Utc};
use postgres::Statement;
use postgres::types::{IsNull, ToSql, Type, to_sql_checked};
use std::collections::HashMap;
use std::error::Error;

/// Opens PostgreSQL connections for the pool.
#[derive(Debug)]
pub struct PgManager {
    pub config: postgres::Config,
}

/// A PostgreSQL connection with its cache of prepared statements.
pub struct PgConn {
    pub client: postgres::Client,
    pub cache: StatementCache,
}

/// Prepared statements of one connection, by SQL text.
#[derive(Default)]
pub struct StatementCache(HashMap<String, Statement>);

impl StatementCache {
    /// Returns the prepared statement for `sql`, preparing it on first use.
    pub fn get(
        &mut self,
        client: &mut impl postgres::GenericClient,
        sql: &str,
    ) -> StoreResult<Statement> {
        if let Some(stmt) = self.0.get(sql) {
            return Ok(stmt.clone());
        }
        let stmt = client.prepare(sql)?;
        if self.0.len() >= 512 {
            self.0.clear();
        }
        self.0.insert(sql.to_owned(), stmt.clone());
        Ok(stmt)
    }

    /// Forgets every statement (after the schema changed).
    pub fn clear(&mut self) {
        self.0.clear();
    }
}

impl r2d2::ManageConnection for PgManager {
    type Connection = PgConn;
    type Error = postgres::Error;

    fn connect(&self) -> Result<Self::Connection, Self::Error> {
        let client = self.config.connect(postgres::NoTls)?;
        Ok(PgConn {
            client,
            cache: StatementCache::default(),
        })
    }

    fn is_valid(&self, conn: &mut Self::Connection) -> Result<(), Self::Error> {
        conn.client.simple_query("").map(|_| ())
    }

    fn has_broken(&self, conn: &mut Self::Connection) -> bool {
        conn.client.is_closed()
    }
}

type BoxError = Box<dyn Error + Sync + Send>;

impl ToSql for Value {
    fn to_sql(&self, ty: &Type, out: &mut BytesMut) -> Result<IsNull, BoxError> {
        match self {
            Value::Null => Ok(IsNull::Yes),
            Value::Int(n) => match *ty {
                Type::INT2 => i16::try_from(*n)?.to_sql(ty, out),
                Type::INT4 => i32::try_from(*n)?.to_sql(ty, out),
                Type::BOOL => (*n != 0).to_sql(ty, out),
                _ => n.to_sql(ty, out),
            },
            Value::Text(s) => match *ty {
                Type::DATE => attain_domain::parse_date(s)?.to_sql(ty, out),
                _ => s.to_sql(ty, out),
            },
            Value::Bool(b) => b.to_sql(ty, out),
            Value::Date(d) => d.to_sql(ty, out),
            Value::Time(t) => t.to_sql(ty, out),
        }
    }

    fn accepts(_ty: &Type) -> bool {
        true
    }

    to_sql_checked!();
}

/// Decodes one PostgreSQL row into neutral values.
pub fn decode_row(row: &postgres::Row) -> StoreResult<Row> {
    let mut values = Vec::with_capacity(row.len());
    for (i, col) in row.columns().iter().enumerate() {
        let ty = col.type_();
        let v = match *ty {
            Type::INT8 => row.try_get::<_, Option<i64>>(i)?.map(Value::Int),
            Type::INT4 => row
                .try_get::<_, Option<i32>>(i)?
                .map(|n| Value::Int(n.into())),
            Type::INT2 => row
                .try_get::<_, Option<i16>>(i)?
                .map(|n| Value::Int(n.into())),
            Type::BOOL => row.try_get::<_, Option<bool>>(i)?.map(Value::Bool),
            Type::TEXT | Type::VARCHAR | Type::BPCHAR | Type::NAME => {
                row.try_get::<_, Option<String>>(i)?.map(Value::Text)
            }
            Type::DATE => row.try_get::<_, Option<NaiveDate>>(i)?.map(Value::Date),
            Type::TIMESTAMPTZ => row.try_get::<_, Option<DateTime<Utc>>>(i)?.map(Value::Time),
            _ => {
                return Err(StoreError::Decode {
                    column: i,
                    message: format!(
                        "unsupported column type {ty} (cast aggregates to BIGINT in portable SQL)"
                    ),
                });
            }
        };
        values.push(v.unwrap_or(Value::Null));
    }
    Ok(Row(values))
}

fn refs(params: &[Value]) -> Vec<&(dyn ToSql + Sync)> {
    params.iter().map(|p| p as &(dyn ToSql + Sync)).collect()
}

/// Runs a query and decodes every row.
pub fn query(
    client: &mut impl postgres::GenericClient,
    cache: &mut StatementCache,
    sql: &str,
    params: &[Value],
) -> StoreResult<Vec<Row>> {
    let stmt = cache.get(client, sql)?;
    client
        .query(&stmt, &refs(params))?
        .iter()
        .map(decode_row)
        .collect()
}

/// Runs a query and hands each row to `f` as the server sends it, without collecting them.
pub fn for_each<E: From<StoreError>>(
    client: &mut impl postgres::GenericClient,
    cache: &mut StatementCache,
    sql: &str,
    params: &[Value],
    mut f: impl FnMut(crate::RowRef<'_>) -> Result<(), E>,
) -> Result<(), E> {
    use postgres::fallible_iterator::FallibleIterator;
    let stmt = cache.get(client, sql)?;
    let mut rows = client
        .query_raw(&stmt, refs(params))
        .map_err(StoreError::from)?;
    while let Some(row) = rows.next().map_err(StoreError::from)? {
        f(crate::RowRef::postgres(&row))?;
    }
    Ok(())
}

/// Executes a statement and returns the number of rows it changed.
pub fn execute(
    client: &mut impl postgres::GenericClient,
    cache: &mut StatementCache,
    sql: &str,
    params: &[Value],
) -> StoreResult<u64> {
    let stmt = cache.get(client, sql)?;
    Ok(client.execute(&stmt, &refs(params))?)
}
