//! Who may do what with coaching records. Reading follows the viewer's scope of people (the
//! session's person, or the viewer is its coach); private notes are shown only to sales ops, the
//! coach, and leaders above the coach — never to the person coached, nor to executives; sessions
//! are recorded by managers and directors for people of their team (the viewer is the coach) and
//! by sales ops for anyone; a session is changed by its coach or by sales ops.

use crate::Viewer;
use crate::error::Fail;
use attain_domain::vocab::Role;

fn is_me(viewer: &Viewer, id: &str) -> bool {
    viewer.person_id.as_deref() == Some(id)
}

/// Returns true when the viewer may read a session about `person_id` held by `coach_id`.
pub fn can_read(viewer: &Viewer, person_id: &str, coach_id: &str) -> bool {
    viewer.can_see_person(person_id) || is_me(viewer, coach_id)
}

/// Returns true when the viewer may read the session's private notes.
pub fn sees_private(viewer: &Viewer, person_id: &str, coach_id: &str) -> bool {
    if is_me(viewer, person_id) {
        return false;
    }
    match viewer.role {
        Role::SalesOps => true,
        Role::Manager | Role::Director => {
            is_me(viewer, coach_id) || viewer.can_see_person(coach_id)
        }
        Role::Rep | Role::Executive => false,
    }
}

/// Checks that the viewer may record a session about `person_id`: `Forbidden` for reps and
/// executives (and for oneself), `NotFound` for someone outside the viewer's team.
pub fn may_record(viewer: &Viewer, person_id: &str) -> Result<(), Fail> {
    match viewer.role {
        Role::Rep | Role::Executive => Err(Fail::Forbidden),
        Role::SalesOps => Ok(()),
        Role::Manager | Role::Director => {
            if !viewer.can_see_person(person_id) {
                Err(Fail::NotFound)
            } else if is_me(viewer, person_id) {
                Err(Fail::Forbidden)
            } else {
                Ok(())
            }
        }
    }
}

/// Returns true when the viewer may record sessions at all (the "New session" link).
pub fn records_sessions(viewer: &Viewer) -> bool {
    matches!(viewer.role, Role::Manager | Role::Director | Role::SalesOps)
}

/// Checks that the viewer may change a session: its coach or sales ops; `NotFound` when the
/// viewer may not even read it.
pub fn may_edit(viewer: &Viewer, person_id: &str, coach_id: &str) -> Result<(), Fail> {
    if !can_read(viewer, person_id, coach_id) {
        return Err(Fail::NotFound);
    }
    let coach = is_me(viewer, coach_id) && matches!(viewer.role, Role::Manager | Role::Director);
    if coach || viewer.is_sales_ops() {
        Ok(())
    } else {
        Err(Fail::Forbidden)
    }
}

/// Checks that the viewer may write the reflection of a session: only the person coached.
pub fn may_reflect(viewer: &Viewer, person_id: &str, coach_id: &str) -> Result<(), Fail> {
    if !can_read(viewer, person_id, coach_id) {
        Err(Fail::NotFound)
    } else if is_me(viewer, person_id) {
        Ok(())
    } else {
        Err(Fail::Forbidden)
    }
}

/// Checks that the viewer may change the status of an action item: its owner, the person it is
/// about, their leaders (who may record sessions about them) and sales ops.
pub fn may_update_action(viewer: &Viewer, person_id: &str, owner_id: &str) -> Result<(), Fail> {
    if !viewer.can_see_person(person_id) && !is_me(viewer, owner_id) {
        return Err(Fail::NotFound);
    }
    if is_me(viewer, owner_id) || is_me(viewer, person_id) {
        return Ok(());
    }
    may_record(viewer, person_id)
}
