//! Fresh, isolated databases for tests: a temporary SQLite file, or a new schema on the
//! PostgreSQL server named by `ATTAIN_TEST_POSTGRES_URL` (the store's connections use it as their
//! search path), dropped when the guard goes away. A schema costs milliseconds where a database
//! costs a second, so every test can have its own.

use crate::error::StoreResult;
use crate::pool::Store;
use std::sync::atomic::{AtomicU32, Ordering};

/// A store for one test, cleaned up on drop.
pub struct TestDb {
    /// The migrated store.
    pub store: Store,
    cleanup: Cleanup,
}

enum Cleanup {
    Sqlite(#[allow(dead_code)] tempfile::TempDir),
    Postgres { admin_url: String, name: String },
}

impl std::ops::Deref for TestDb {
    type Target = Store;
    fn deref(&self) -> &Store {
        &self.store
    }
}

/// Returns the PostgreSQL server URL for tests, when one is configured.
pub fn postgres_url() -> Option<String> {
    std::env::var("ATTAIN_TEST_POSTGRES_URL")
        .ok()
        .filter(|u| !u.is_empty())
}

impl TestDb {
    /// Returns a fresh SQLite store in a temporary folder.
    pub fn sqlite() -> StoreResult<TestDb> {
        let dir = tempfile::tempdir().map_err(|e| crate::StoreError::Open {
            url: "temporary folder".into(),
            cause: e.to_string(),
        })?;
        let url = format!("sqlite://{}", dir.path().join("test.db").display());
        Ok(TestDb {
            store: Store::open(&url)?,
            cleanup: Cleanup::Sqlite(dir),
        })
    }

    /// Returns a fresh PostgreSQL schema on the configured server, or `None` if none is set.
    pub fn postgres() -> StoreResult<Option<TestDb>> {
        let Some(admin_url) = postgres_url() else {
            return Ok(None);
        };
        static COUNTER: AtomicU32 = AtomicU32::new(0);
        let name = format!(
            "attain_test_{}_{}_{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed),
            chrono::Utc::now().timestamp_micros() % 1_000_000
        );
        let mut admin = postgres::Client::connect(&admin_url, postgres::NoTls)?;
        admin.batch_execute(&format!("CREATE SCHEMA {name}"))?;
        let url = with_search_path(&admin_url, &name);
        let store = Store::open(&url)?;
        Ok(Some(TestDb {
            store,
            cleanup: Cleanup::Postgres { admin_url, name },
        }))
    }

    /// Returns a fresh store of each configured backend: SQLite always, PostgreSQL when set.
    pub fn all() -> StoreResult<Vec<TestDb>> {
        let mut dbs = vec![TestDb::sqlite()?];
        dbs.extend(TestDb::postgres()?);
        Ok(dbs)
    }
}

/// Returns `url` with connections whose search path is `schema` alone.
fn with_search_path(url: &str, schema: &str) -> String {
    let sep = if url.contains('?') { '&' } else { '?' };
    format!("{url}{sep}options=-c%20search_path%3D{schema}")
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Cleanup::Postgres { admin_url, name } = &self.cleanup
            && let Ok(mut admin) = postgres::Client::connect(admin_url, postgres::NoTls)
        {
            let _ = admin.batch_execute(&format!("DROP SCHEMA IF EXISTS {name} CASCADE"));
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_search_path_is_added_to_the_url() {
        assert_eq!(
            super::with_search_path("postgres://root@127.0.0.1:5432/test", "x"),
            "postgres://root@127.0.0.1:5432/test?options=-c%20search_path%3Dx"
        );
        assert_eq!(
            super::with_search_path("postgres://h/db?sslmode=disable", "y"),
            "postgres://h/db?sslmode=disable&options=-c%20search_path%3Dy"
        );
    }
}
