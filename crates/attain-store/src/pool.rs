//! `Store`, `Conn` and `Tx`: the pool chosen from the URL, and the one query interface
//! ([`Executor`]) that code uses on either database.

use crate::error::{StoreError, StoreResult};
use crate::pg::{self, PgManager};
use crate::sqlite::{self, SqliteManager};
use crate::stream::RowRef;
use crate::value::{Row, Value};
use std::path::PathBuf;
use std::time::Duration;

/// Which database a store runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// Embedded SQLite.
    Sqlite,
    /// A PostgreSQL server.
    Postgres,
}

#[derive(Clone)]
enum Pool {
    Sqlite(r2d2::Pool<SqliteManager>),
    Postgres(r2d2::Pool<PgManager>),
}

/// A pool of connections to one database, migrated to the current schema.
#[derive(Clone)]
pub struct Store {
    pool: Pool,
    url: String,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("url", &self.url).finish()
    }
}

/// Returns the SQLite file named by a `sqlite:` URL.
fn sqlite_path(url: &str) -> Option<PathBuf> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next().unwrap_or(rest);
    (!path.is_empty()).then(|| PathBuf::from(path))
}

impl Store {
    /// Opens the database named by `url` (`sqlite://PATH` or `postgres://…`), creating a SQLite
    /// file if needed, and applies any pending migrations.
    pub fn open(url: &str) -> StoreResult<Store> {
        let open_err = |cause: String| StoreError::Open {
            url: redact(url),
            cause,
        };
        let pool = if let Some(path) = sqlite_path(url) {
            if let Some(dir) = path
                .parent()
                .filter(|d| !d.as_os_str().is_empty() && !d.exists())
            {
                return Err(open_err(format!(
                    "the folder {} does not exist",
                    dir.display()
                )));
            }
            let manager = SqliteManager { path };
            let pool = r2d2::Pool::builder()
                .max_size(8)
                .connection_timeout(Duration::from_secs(30))
                .build(manager)
                .map_err(|e| open_err(e.to_string()))?;
            Pool::Sqlite(pool)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let config: postgres::Config = url
                .parse()
                .map_err(|e: postgres::Error| open_err(e.to_string()))?;
            let pool = r2d2::Pool::builder()
                .max_size(8)
                .connection_timeout(Duration::from_secs(10))
                .build(PgManager { config })
                .map_err(|e| open_err(e.to_string()))?;
            Pool::Postgres(pool)
        } else {
            return Err(StoreError::BadUrl(redact(url)));
        };
        let store = Store {
            pool,
            url: url.to_owned(),
        };
        crate::migrate::migrate(&store)?;
        Ok(store)
    }

    /// Returns the database this store runs on.
    pub fn backend(&self) -> Backend {
        match self.pool {
            Pool::Sqlite(_) => Backend::Sqlite,
            Pool::Postgres(_) => Backend::Postgres,
        }
    }

    /// Returns the URL the store was opened with, without any password.
    pub fn url(&self) -> String {
        redact(&self.url)
    }

    /// Takes a connection from the pool.
    pub fn conn(&self) -> StoreResult<Conn> {
        Ok(match &self.pool {
            Pool::Sqlite(p) => Conn::Sqlite(p.get()?),
            Pool::Postgres(p) => Conn::Postgres(Box::new(p.get()?)),
        })
    }

    /// Takes an idle connection from the pool without waiting, or returns `None`: for work that
    /// can also be done on the connection already held.
    pub fn try_conn(&self) -> Option<Conn> {
        match &self.pool {
            Pool::Sqlite(p) => p.try_get().map(Conn::Sqlite),
            Pool::Postgres(p) => p.try_get().map(|c| Conn::Postgres(Box::new(c))),
        }
    }
}

/// Returns the URL with any password replaced by `***`.
fn redact(url: &str) -> String {
    match (url.find("://"), url.find('@')) {
        (Some(s), Some(at)) if at > s => {
            let userinfo = &url[s + 3..at];
            match userinfo.split_once(':') {
                Some((user, _)) => format!("{}{}:***{}", &url[..s + 3], user, &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

/// A connection taken from the pool.
pub enum Conn {
    #[doc(hidden)]
    Sqlite(r2d2::PooledConnection<SqliteManager>),
    #[doc(hidden)]
    Postgres(Box<r2d2::PooledConnection<PgManager>>),
}

/// A transaction: committed by [`Tx::commit`], rolled back when dropped without it.
pub enum Tx<'c> {
    #[doc(hidden)]
    Sqlite(rusqlite::Transaction<'c>),
    #[doc(hidden)]
    Postgres(postgres::Transaction<'c>, &'c mut pg::StatementCache),
}

impl Conn {
    /// Begins a transaction. On SQLite it takes the write lock at once, so two writers never
    /// deadlock half-way.
    pub fn transaction(&mut self) -> StoreResult<Tx<'_>> {
        Ok(match self {
            Conn::Sqlite(c) => {
                Tx::Sqlite(c.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?)
            }
            Conn::Postgres(c) => {
                let pg::PgConn { client, cache } = &mut ***c;
                Tx::Postgres(client.transaction()?, cache)
            }
        })
    }

    /// Forgets cached prepared statements (after a schema change).
    pub fn clear_statement_cache(&mut self) {
        match self {
            Conn::Sqlite(c) => c.flush_prepared_statement_cache(),
            Conn::Postgres(c) => c.cache.clear(),
        }
    }
}

impl Tx<'_> {
    /// Commits the transaction.
    pub fn commit(self) -> StoreResult<()> {
        match self {
            Tx::Sqlite(t) => t.commit()?,
            Tx::Postgres(t, _) => t.commit()?,
        }
        Ok(())
    }

    /// Rolls the transaction back.
    pub fn rollback(self) -> StoreResult<()> {
        match self {
            Tx::Sqlite(t) => t.rollback()?,
            Tx::Postgres(t, _) => t.rollback()?,
        }
        Ok(())
    }

    /// Runs `f` inside a savepoint: undone alone if it fails, leaving the transaction usable.
    pub fn savepoint<T>(&mut self, f: impl FnOnce(&mut Self) -> StoreResult<T>) -> StoreResult<T> {
        self.batch("SAVEPOINT attain_sp")?;
        match f(self) {
            Ok(v) => {
                self.batch("RELEASE SAVEPOINT attain_sp")?;
                Ok(v)
            }
            Err(e) => {
                self.batch("ROLLBACK TO SAVEPOINT attain_sp")?;
                self.batch("RELEASE SAVEPOINT attain_sp")?;
                Err(e)
            }
        }
    }
}

/// Runs SQL written in the store's one dialect: PostgreSQL placeholders (`$1`), portable
/// statements (`ON CONFLICT … DO UPDATE`, `RETURNING`, `CAST(SUM(x) AS BIGINT)`).
pub trait Executor {
    /// Returns the database the statements run on.
    fn backend(&self) -> Backend;
    /// Runs a query and returns every row.
    fn query(&mut self, sql: &str, params: &[Value]) -> StoreResult<Vec<Row>>;
    /// Executes a statement and returns the number of rows it changed.
    fn execute(&mut self, sql: &str, params: &[Value]) -> StoreResult<u64>;
    /// Runs several statements without parameters.
    fn batch(&mut self, sql: &str) -> StoreResult<()>;

    /// Runs a query and hands each row to `f` as it is read, borrowed, without collecting the
    /// result: the door for reading millions of rows (on SQLite a stepped prepared statement,
    /// on PostgreSQL rows as the server sends them). `f` may stop the scan with an error.
    fn for_each_row<E: From<StoreError>>(
        &mut self,
        sql: &str,
        params: &[Value],
        f: impl FnMut(RowRef<'_>) -> Result<(), E>,
    ) -> Result<(), E>
    where
        Self: Sized;

    /// Runs a query and returns its first row, if any.
    fn query_opt(&mut self, sql: &str, params: &[Value]) -> StoreResult<Option<Row>> {
        Ok(self.query(sql, params)?.into_iter().next())
    }

    /// Runs a query that returns exactly one row.
    fn query_one(&mut self, sql: &str, params: &[Value]) -> StoreResult<Row> {
        self.query_opt(sql, params)?
            .ok_or_else(|| StoreError::Decode {
                column: 0,
                message: "the query returned no row".into(),
            })
    }
}

impl Executor for Conn {
    fn backend(&self) -> Backend {
        match self {
            Conn::Sqlite(_) => Backend::Sqlite,
            Conn::Postgres(_) => Backend::Postgres,
        }
    }

    fn query(&mut self, sql: &str, params: &[Value]) -> StoreResult<Vec<Row>> {
        match self {
            Conn::Sqlite(c) => sqlite::query(c, sql, params),
            Conn::Postgres(c) => {
                let pg::PgConn { client, cache } = &mut ***c;
                pg::query(client, cache, sql, params)
            }
        }
    }

    fn execute(&mut self, sql: &str, params: &[Value]) -> StoreResult<u64> {
        match self {
            Conn::Sqlite(c) => sqlite::execute(c, sql, params),
            Conn::Postgres(c) => {
                let pg::PgConn { client, cache } = &mut ***c;
                pg::execute(client, cache, sql, params)
            }
        }
    }

    fn batch(&mut self, sql: &str) -> StoreResult<()> {
        match self {
            Conn::Sqlite(c) => c.execute_batch(sql)?,
            Conn::Postgres(c) => c.client.batch_execute(sql)?,
        }
        Ok(())
    }

    fn for_each_row<E: From<StoreError>>(
        &mut self,
        sql: &str,
        params: &[Value],
        f: impl FnMut(RowRef<'_>) -> Result<(), E>,
    ) -> Result<(), E> {
        match self {
            Conn::Sqlite(c) => sqlite::for_each(c, sql, params, f),
            Conn::Postgres(c) => {
                let pg::PgConn { client, cache } = &mut ***c;
                pg::for_each(client, cache, sql, params, f)
            }
        }
    }
}

impl Executor for Tx<'_> {
    fn backend(&self) -> Backend {
        match self {
            Tx::Sqlite(_) => Backend::Sqlite,
            Tx::Postgres(..) => Backend::Postgres,
        }
    }

    fn query(&mut self, sql: &str, params: &[Value]) -> StoreResult<Vec<Row>> {
        match self {
            Tx::Sqlite(t) => sqlite::query(t, sql, params),
            Tx::Postgres(t, cache) => pg::query(t, cache, sql, params),
        }
    }

    fn execute(&mut self, sql: &str, params: &[Value]) -> StoreResult<u64> {
        match self {
            Tx::Sqlite(t) => sqlite::execute(t, sql, params),
            Tx::Postgres(t, cache) => pg::execute(t, cache, sql, params),
        }
    }

    fn batch(&mut self, sql: &str) -> StoreResult<()> {
        match self {
            Tx::Sqlite(t) => t.execute_batch(sql)?,
            Tx::Postgres(t, _) => t.batch_execute(sql)?,
        }
        Ok(())
    }

    fn for_each_row<E: From<StoreError>>(
        &mut self,
        sql: &str,
        params: &[Value],
        f: impl FnMut(RowRef<'_>) -> Result<(), E>,
    ) -> Result<(), E> {
        match self {
            Tx::Sqlite(t) => sqlite::for_each(t, sql, params, f),
            Tx::Postgres(t, cache) => pg::for_each(t, cache, sql, params, f),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_recognised_and_passwords_hidden() {
        assert_eq!(
            sqlite_path("sqlite://attain.db"),
            Some(PathBuf::from("attain.db"))
        );
        assert_eq!(
            sqlite_path("sqlite:///tmp/x.db?mode=rwc"),
            Some(PathBuf::from("/tmp/x.db"))
        );
        assert_eq!(sqlite_path("postgres://x"), None);
        assert_eq!(redact("postgres://u:secret@h/db"), "postgres://u:***@h/db");
        assert_eq!(redact("postgres://u@h/db"), "postgres://u@h/db");
    }
}
