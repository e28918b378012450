//! Attain's store: a connection pool on SQLite (embedded, the default) or PostgreSQL, chosen from
//! the URL; one dialect of SQL that runs on both; embedded migrations; and the store error.

mod bulk;
mod error;
mod migrate;
mod pg;
mod pool;
mod sqlite;
mod stream;
mod value;

pub mod testing;

pub use bulk::SuspendedIndexes;
pub use error::{StoreError, StoreResult};
pub use pool::{Backend, Conn, Executor, Store, Tx};
pub use stream::RowRef;
pub use value::{Row, Value};

/// Builds a parameter list for [`Executor`] calls: `params![a, b]` is `&[Value::from(a), …]`.
#[macro_export]
macro_rules! params {
    () => { &[] as &[$crate::Value] };
    ($($p:expr),+ $(,)?) => { &[$($crate::Value::from($p)),+] };
}
