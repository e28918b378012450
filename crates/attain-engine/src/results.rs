//! The results of a calculation: one row type per results file of dataset.md, and the run's
//! warnings and totals.

use crate::input::Ix;
use attain_domain::vocab::Metric;
use attain_domain::{Money, Ratio};

/// A row of `credits.csv`: a person's credit of one metric in one fiscal month.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreditRow {
    pub person_id: String,
    pub month: u32,
    pub metric: Metric,
    pub direct: Money,
    /// Credit of everyone below the person on each credit's date.
    pub override_credit: Money,
    pub credited: Money,
    pub target: Money,
    /// `RHE6(credited / target)`; `None` where the target is 0.
    pub attainment: Option<Ratio>,
}

/// A row of `payouts.csv`: one person's component in one fiscal month.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PayoutRow {
    pub person: Ix,
    pub component: Ix,
    pub person_id: String,
    pub plan_id: String,
    pub component_id: String,
    pub month: u32,
    pub period_credit: Money,
    pub period_target: Money,
    pub attainment: Option<Ratio>,
    pub earned_to_date: Money,
    /// `None` on a locked month.
    pub adjustment: Option<Money>,
    pub payout: Money,
    pub locked: bool,
}

/// A row of `territory_results.csv`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TerritoryRow {
    pub territory_id: String,
    pub month: u32,
    pub metric: Metric,
    pub actual: Money,
    pub target: Money,
    pub attainment: Option<Ratio>,
}

/// A row of `statements.csv`: what a person is paid in a fiscal month.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatementRow {
    pub person_id: String,
    pub month: u32,
    pub calculated: Money,
    pub adjustments: Money,
    pub total: Money,
}

/// Everything a calculation of one fiscal year produces, each list sorted by its key columns
/// (ids in byte order, months as numbers, metrics by name).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Results {
    pub year: i32,
    /// The last locked fiscal month the payouts were computed with (0: none).
    pub last_locked: u32,
    /// Rows whose every value is zero (and whose attainment is empty) are left out.
    pub credits: Vec<CreditRow>,
    /// Every assigned person × component × month 1–12, and any person × component with paid rows.
    pub payouts: Vec<PayoutRow>,
    /// Rows whose actual and target are zero are left out.
    pub territories: Vec<TerritoryRow>,
    /// Every person with a plan assignment or an adjustment × month 1–12.
    pub statements: Vec<StatementRow>,
    /// Transactions of the year that were credited.
    pub transactions: u64,
    /// Things the calculation could not do as the data asked, one sentence each.
    pub warnings: Vec<String>,
}

impl Results {
    /// Returns the sum of every payout.
    pub fn payout_total(&self) -> Money {
        self.payouts.iter().map(|p| p.payout).sum()
    }

    /// Returns the sum of every statement's total.
    pub fn statement_total(&self) -> Money {
        self.statements.iter().map(|s| s.total).sum()
    }

    /// Returns the sum of every statement's adjustments.
    pub fn adjustment_total(&self) -> Money {
        self.statements.iter().map(|s| s.adjustments).sum()
    }
}
