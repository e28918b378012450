//! Team development (docs/team.md): the training catalogue and each person's gaps against what
//! their job requires, recognitions with their optional SPIFF paid through an adjustment, and
//! leaderboards. The rules live here; pages and API only read forms and write answers.

pub mod board;
pub mod recognize;
pub mod training;

use crate::Viewer;
use attain_domain::Date;
use attain_domain::vocab::Role;
use attain_store::{Executor, StoreResult, params};
use std::collections::HashSet;

/// The people whose recognitions and leaderboard a viewer sees: for a rep, their own team (the
/// people reporting to their manager today, themselves included); for everyone else, the
/// people they may see. `None` means everyone.
pub fn team_scope(
    ex: &mut impl Executor,
    viewer: &Viewer,
    today: Date,
) -> StoreResult<Option<HashSet<String>>> {
    if viewer.sees_company() {
        return Ok(None);
    }
    let me = viewer.person_id.clone().unwrap_or_default();
    if viewer.role != Role::Rep {
        let mut args = Vec::new();
        let cond = viewer.people().sql("person_id", &mut args);
        let rows = ex.query(&format!("SELECT person_id FROM people WHERE {cond}"), &args)?;
        return rows
            .iter()
            .map(|r| r.string(0))
            .collect::<StoreResult<_>>()
            .map(Some);
    }
    let manager = ex
        .query_opt(
            "SELECT manager_id FROM people WHERE person_id = $1",
            params![me.as_str()],
        )?
        .and_then(|r| r.opt_string(0).ok().flatten());
    let mut team = match manager {
        Some(m) => {
            let mut t = crate::viewer::team_of(ex, &m, today)?;
            t.remove(&m);
            t
        }
        None => HashSet::new(),
    };
    team.insert(me);
    Ok(Some(team))
}

/// Returns `column IN (…)` for a team scope (`1 = 1` for everyone), appending its parameters.
pub fn scope_sql(
    scope: &Option<HashSet<String>>,
    column: &str,
    args: &mut Vec<attain_store::Value>,
) -> String {
    match scope {
        None => "1 = 1".into(),
        Some(set) => crate::viewer::Scope::Only(std::sync::Arc::new(set.clone())).sql(column, args),
    }
}
