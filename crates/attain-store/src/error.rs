//! The store error: what went wrong talking to the database, reduced to what callers act on.

/// A failure of the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A URL that names no supported database.
    #[error("unsupported database URL '{0}': use sqlite://PATH or postgres://…")]
    BadUrl(String),
    /// The database could not be reached or opened.
    #[error("cannot open the database {url}: {cause}")]
    Open { url: String, cause: String },
    /// A uniqueness rule of the schema was broken.
    #[error("a record with the same key already exists")]
    Conflict,
    /// A value in a row was not of the type the code expected.
    #[error("column {column}: {message}")]
    Decode { column: usize, message: String },
    /// A migration failed.
    #[error("migration {version} failed: {cause}")]
    Migration { version: i64, cause: String },
    /// SQLite reported an error.
    #[error("sqlite: {0}")]
    Sqlite(rusqlite::Error),
    /// PostgreSQL reported an error.
    #[error("postgres: {0}")]
    Postgres(postgres::Error),
    /// No connection could be taken from the pool in time.
    #[error("no database connection available: {0}")]
    Pool(#[from] r2d2::Error),
}

/// The result of a store operation.
pub type StoreResult<T> = Result<T, StoreError>;

impl StoreError {
    /// Returns true when the error is the violation of a unique or primary key.
    pub fn is_conflict(&self) -> bool {
        matches!(self, StoreError::Conflict)
    }
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        match &e {
            rusqlite::Error::SqliteFailure(f, _)
                if f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY
                    || f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE =>
            {
                StoreError::Conflict
            }
            _ => StoreError::Sqlite(e),
        }
    }
}

impl From<postgres::Error> for StoreError {
    fn from(e: postgres::Error) -> Self {
        if e.code() == Some(&postgres::error::SqlState::UNIQUE_VIOLATION) {
            StoreError::Conflict
        } else {
            StoreError::Postgres(e)
        }
    }
}
