//! Attain's domain: the exact numeric types (money, percent, ratios), ids, dates and the fiscal
//! calendar, and the enumerations of the dataset format. Knows nothing of SQL, HTTP or files.

pub mod coverage;
pub mod date;
pub mod fiscal;
pub mod fixed;
pub mod id;
pub mod money;
pub mod pipeline;
pub mod rounding;
pub mod territory_plan;
pub mod vocab;

pub use date::{Date, parse_date};
pub use fiscal::{FiscalCalendar, NamedBy};
pub use fixed::{Percent, Ratio};
pub use id::Id;
pub use money::Money;

/// Why a single value could not be parsed; the message is one user-facing sentence fragment.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct ParseError(pub String);

impl ParseError {
    /// Builds an error from any message.
    pub fn new(msg: impl Into<String>) -> Self {
        ParseError(msg.into())
    }
}
