//! Attain's calculation engine (compensation.md): credits with splits, reversals and override
//! credit, attainment windows, commission tiers and payout curves, earned-to-date, locked months
//! and their adjustments, statements and territory results — exact to the cent.
//!
//! The calculation itself ([`calc`], [`credit`], [`earn`]) is pure: [`Inputs`] in, [`Results`]
//! out, no SQL. [`load`] reads a year's inputs from the store, [`write`] stores results, and
//! [`ops`] runs `calc`, `lock` and `unlock` as transactions; [`export`] writes the results files.
//! [`person`] reads one person's slice of a year, and [`explain`] shows what their figures are
//! made of: the transactions behind a credit, the band reached, a what-if deal.

pub mod actuals;
pub mod calc;
pub mod credit;
pub mod earn;
pub mod exact;
pub mod explain;
pub mod export;
pub mod input;
pub mod load;
pub mod ops;
pub mod parallel;
pub mod person;
pub mod results;
pub mod write;

pub use actuals::{YearActuals, actuals_of, year_actuals};
pub use calc::{CalcError, Calculation, LockOutcome, LockedMonth, calculate, lock_through};
pub use input::{ComponentRow, Inputs, InputsBuilder, Ix, TransactionRow};
pub use ops::{CalcRun, EngineError, LockRun, UnlockRun, run_calc, run_lock, run_unlock};
pub use results::{CreditRow, PayoutRow, Results, StatementRow, TerritoryRow};
