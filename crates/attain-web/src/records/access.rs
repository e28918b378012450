//! Who may see and change which sales record.
//!
//! - Accounts: visible with their territory as aligned today or their owner
//!   ([`Viewer::can_see_account`]); contacts with their account.
//! - Opportunities: visible when their owner is in the viewer's people (a rep their own, a
//!   manager or director their team's, executives and sales ops all); activities likewise by
//!   their person.
//! - Changes: everyone who sees a record may change it, except executives, who read (403).

use super::{Entity, Record};
use crate::Viewer;
use attain_domain::vocab::Role;
use attain_store::{Executor, StoreResult, params};

/// Returns true when the viewer's role may create and change sales records.
pub fn may_change(viewer: &Viewer) -> bool {
    viewer.role != Role::Executive
}

/// Returns true when the account exists and the viewer may see it.
pub fn sees_account(
    ex: &mut impl Executor,
    viewer: &Viewer,
    account_id: &str,
) -> StoreResult<bool> {
    let today = chrono::Utc::now().date_naive();
    let row = ex.query_opt(
        "SELECT a.owner_id, COALESCE((SELECT al.territory_id FROM alignments al
                 WHERE al.account_id = a.account_id AND al.start_date <= $2
                 ORDER BY al.start_date DESC LIMIT 1), a.territory_id)
         FROM accounts a WHERE a.account_id = $1",
        params![account_id, today],
    )?;
    Ok(match row {
        Some(r) => viewer.can_see_account(r.opt_text(0)?, r.text(1)?),
        None => false,
    })
}

/// Returns true when the viewer may see this stored record.
pub fn sees(ex: &mut impl Executor, viewer: &Viewer, record: &Record) -> StoreResult<bool> {
    let field = |c: &str| record.text(c).unwrap_or_default().to_owned();
    Ok(match record.entity {
        Entity::Account => {
            if viewer.sees_company() {
                return Ok(true);
            }
            sees_account(ex, viewer, &record.key())?
        }
        Entity::Contact => sees_account(ex, viewer, &field("account_id"))?,
        Entity::Opportunity => viewer.can_see_person(&field("owner_id")),
        Entity::Activity => viewer.can_see_person(&field("person_id")),
    })
}
