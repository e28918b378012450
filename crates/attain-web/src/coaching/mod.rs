//! Coaching (docs/coaching.md): sessions a manager records on a person, the skills observed in
//! them rated on the competency model, action items, and the cadence of coaching per person.
//! Pages and API read and write through this module, so the rule on private notes lives in one
//! place ([`access`]) and private notes are read from the store only for those who may see them.

pub mod access;
pub mod cadence;
pub mod load;
pub mod save;

pub use load::{Action, Competency, Session};

use crate::Viewer;
use attain_domain::vocab::CoachingKind;
use attain_store::{Executor, StoreResult, Value};

/// Returns how a kind of session is called on a page.
pub fn kind_label(kind: CoachingKind) -> &'static str {
    match kind {
        CoachingKind::FieldVisit => "Field visit / joint call",
        CoachingKind::CallPreparation => "Call preparation",
        CoachingKind::CallDebrief => "Call debrief",
        CoachingKind::OneToOne => "One-to-one",
        CoachingKind::PhoneCheckIn => "Phone check-in",
        CoachingKind::InformalFeedback => "Informal feedback",
    }
}

/// Returns the short name of a kind, for table headers.
pub fn kind_short(kind: CoachingKind) -> &'static str {
    match kind {
        CoachingKind::FieldVisit => "Field visit",
        CoachingKind::CallPreparation => "Call prep",
        CoachingKind::CallDebrief => "Debrief",
        CoachingKind::OneToOne => "One-to-one",
        CoachingKind::PhoneCheckIn => "Phone",
        CoachingKind::InformalFeedback => "Feedback",
    }
}

/// Returns the people the viewer may see, as `(id, name)` by name, without the viewer.
pub fn people_choices(
    ex: &mut impl Executor,
    viewer: &Viewer,
) -> StoreResult<Vec<(String, String)>> {
    let mut args: Vec<Value> = Vec::new();
    let scope = viewer.people().sql("person_id", &mut args);
    let rows = ex.query(
        &format!(
            "SELECT person_id, name FROM people WHERE {scope} ORDER BY name, person_id LIMIT 2000"
        ),
        &args,
    )?;
    let me = viewer.person_id.as_deref();
    rows.iter()
        .map(|r| Ok((r.string(0)?, r.string(1)?)))
        .filter(|p: &StoreResult<(String, String)>| {
            p.as_ref().map_or(true, |(id, _)| Some(id.as_str()) != me)
        })
        .collect()
}
