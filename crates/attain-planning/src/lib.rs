//! Attain's planning cycle (planning.md): one company number allocated down the territory tree,
//! to every rep and leader, month by month, so that every level sums exactly to the level above;
//! saved as draft versions, approved into the targets, reconciled node by node.
//!
//! - [`allocate()`] is pure ([`Org`] and [`Params`] in, [`Allocation`] out), as is
//!   [`split::largest_remainder`], the one rounding rule it uses.
//! - [`load`] reads an [`Org`] from the store (prior-year weights through the engine's own
//!   crediting, potential from accounts and alignments).
//! - [`versions`] saves, lists, reads and approves versions; [`reconcile`] rebuilds the node by
//!   node reconciliation of a stored version.
//!
//! The command line and the web pages call [`Params::parse`], [`preview`], [`run_allocate`],
//! [`approve`], [`reconcile()`], [`versions()`], [`version()`], [`version_rows`] and
//! [`version_people`]; all are synchronous (call them from `spawn_blocking` in async code).

pub mod allocate;
pub mod load;
pub mod params;
pub mod reconcile;
pub mod split;
pub mod versions;

pub use allocate::{
    AllocError, Allocation, Carries, Months, NodePlan, Org, Person, PersonPlan, Summary, TargetRow,
    Territory, allocate,
};
pub use params::{Basis, ParamError, Params, ParamsText};
pub use reconcile::{ReconNode, Reconciliation, reconcile};
pub use versions::{
    Allocated, Approval, Status, TargetTotals, VersionInfo, VersionPerson, approve, current_totals,
    preview, run_allocate, version, version_people, version_rows, versions,
};

use attain_store::StoreError;

/// Why a planning operation did nothing.
#[derive(Debug, thiserror::Error)]
pub enum PlanError {
    /// The request was refused (exit status 1): one sentence.
    #[error("{0}")]
    Refused(String),
    /// The database failed (exit status 3).
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<ParamError> for PlanError {
    fn from(e: ParamError) -> Self {
        PlanError::Refused(e.message)
    }
}

impl From<AllocError> for PlanError {
    fn from(e: AllocError) -> Self {
        PlanError::Refused(e.to_string())
    }
}

impl From<attain_engine::load::LoadError> for PlanError {
    fn from(e: attain_engine::load::LoadError) -> Self {
        match e {
            attain_engine::load::LoadError::Store(e) => PlanError::Store(e),
            attain_engine::load::LoadError::Data(m) => PlanError::Refused(m),
        }
    }
}
