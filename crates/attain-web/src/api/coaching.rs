//! The coaching API: a person's sessions, one session, recording and changing sessions, the
//! cadence of one's team and action items. Private notes are in a session's JSON only for those
//! who may read them (docs/coaching.md); for everyone else the key is absent, not empty.

use super::records::invalid;
use crate::coaching::access;
use crate::coaching::cadence::{self, Lines, PersonCadence};
use crate::coaching::load::{self, Action, Session, SessionFilter};
use crate::coaching::save::{self, SaveError, SessionInput};
use crate::error::{ApiError, ApiResult, Fail, json_error};
use crate::{AppState, Viewer};
use attain_domain::vocab::{CoachingKind, Role};
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value as J, json};

/// A session as JSON: dataset column names; `private_notes` only when the caller may see them.
pub fn session_json(s: &Session, full: bool) -> J {
    let mut o = Map::new();
    o.insert("session_id".into(), json!(s.id));
    o.insert("person_id".into(), json!(s.person_id));
    o.insert("coach_id".into(), json!(s.coach_id));
    o.insert("date".into(), json!(s.date.to_string()));
    o.insert("kind".into(), json!(s.kind.as_str()));
    o.insert("account_id".into(), json!(s.account_id));
    o.insert("opportunity_id".into(), json!(s.opportunity_id));
    o.insert("preparation".into(), json!(s.preparation));
    o.insert("what_happened".into(), json!(s.what_happened));
    o.insert("learned".into(), json!(s.learned));
    o.insert("do_better".into(), json!(s.do_better));
    o.insert("shared_notes".into(), json!(s.shared_notes));
    if s.private_visible {
        o.insert("private_notes".into(), json!(s.private_notes));
    }
    o.insert("reflection".into(), json!(s.reflection));
    if full {
        let ratings: Map<String, J> = s
            .ratings
            .iter()
            .map(|r| (r.competency_id.clone(), json!(r.rating)))
            .collect();
        o.insert("ratings".into(), J::Object(ratings));
        o.insert(
            "action_items".into(),
            J::Array(s.actions.iter().map(action_json).collect()),
        );
    }
    J::Object(o)
}

/// An action item as JSON.
pub fn action_json(a: &Action) -> J {
    json!({
        "action_id": a.id, "session_id": a.session_id, "person_id": a.person_id,
        "owner_id": a.owner_id, "description": a.description,
        "due_date": a.due_date.map(|d| d.to_string()), "status": a.status,
        "done_date": a.done_date.map(|d| d.to_string()), "overdue": a.overdue,
    })
}

/// Lists a person's sessions, newest first, each with the fields the caller may see.
pub async fn list_person_coaching(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(person_id): Path<String>,
) -> ApiResult<Json<J>> {
    let out = state
        .blocking(move |store| -> Result<J, ApiError> {
            if !viewer.can_see_person(&person_id) {
                return Err(Fail::NotFound.into());
            }
            let mut conn = store.conn()?;
            let filter = SessionFilter {
                person_id: Some(person_id.clone()),
                ..SessionFilter::default()
            };
            let mut sessions = Vec::new();
            for listed in load::sessions(&mut conn, &viewer, &filter, 1000)? {
                if let Some(s) = load::session(&mut conn, &viewer, &listed.id)? {
                    sessions.push(session_json(&s, true));
                }
            }
            Ok(json!({"person_id": person_id, "sessions": sessions}))
        })
        .await?;
    Ok(Json(out))
}

/// Returns one session with its ratings and action items.
pub async fn get_session(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> ApiResult<Json<J>> {
    let out = state
        .blocking(move |store| -> Result<J, ApiError> {
            let s = load::session(&mut store.conn()?, &viewer, &id)?.ok_or(Fail::NotFound)?;
            Ok(session_json(&s, true))
        })
        .await?;
    Ok(Json(out))
}

async fn write(state: AppState, viewer: Viewer, id: Option<String>, body: Bytes) -> Response {
    let r = state
        .blocking(move |store| -> Result<Response, SaveError> {
            let mut input = match &id {
                Some(id) => {
                    let s =
                        load::session(&mut store.conn()?, &viewer, id)?.ok_or(Fail::NotFound)?;
                    access::may_edit(&viewer, &s.person_id, &s.coach_id)?;
                    SessionInput::from_session(&s)
                }
                None => {
                    if !access::records_sessions(&viewer) {
                        return Err(Fail::Forbidden.into());
                    }
                    SessionInput::default()
                }
            };
            input.apply_json(&body)?;
            let saved = save::save_session(store, &viewer, id.as_deref(), &input)?;
            let s = load::session(&mut store.conn()?, &viewer, &saved)?.ok_or(Fail::NotFound)?;
            let status = if id.is_some() {
                StatusCode::OK
            } else {
                StatusCode::CREATED
            };
            Ok((status, Json(session_json(&s, true))).into_response())
        })
        .await;
    match r {
        Ok(resp) => resp,
        Err(SaveError::Invalid(e)) => invalid(&e),
        Err(SaveError::Fail(f)) => json_error(f),
    }
}

/// Records a session (managers and directors for their team, sales ops for anyone; audited).
pub async fn create_session(
    State(state): State<AppState>,
    viewer: Viewer,
    body: Bytes,
) -> Response {
    write(state, viewer, None, body).await
}

/// Changes a session (its coach or sales ops): fields left out keep their values (audited).
pub async fn update_session(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    write(state, viewer, Some(id), body).await
}

fn person_json(p: &PersonCadence) -> J {
    let per_kind: Map<String, J> = CoachingKind::ALL
        .iter()
        .zip(&p.per_kind)
        .map(|(k, d)| (k.as_str().to_owned(), json!(d)))
        .collect();
    json!({
        "person_id": p.person_id, "name": p.name,
        "last_session": p.last.map(|d| d.to_string()), "days_since_last": p.days_since,
        "days_since_by_kind": per_kind, "open_action_items": p.open,
        "overdue_action_items": p.overdue, "flagged": p.flagged,
    })
}

/// Which manager's team the cadence is of.
#[derive(Debug, Default, serde::Deserialize)]
pub struct CadenceQuery {
    #[serde(default)]
    manager: String,
}

/// The cadence of the caller's team (or `?manager=`'s), and of the managers below them.
pub async fn get_cadence(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(q): Query<CadenceQuery>,
) -> ApiResult<Json<J>> {
    let out = state
        .blocking(move |store| -> Result<J, ApiError> {
            if viewer.role == Role::Rep {
                return Err(Fail::Forbidden.into());
            }
            let mut conn = store.conn()?;
            let today = load::today();
            let days = load::cadence_days(&mut conn)?;
            let lines = Lines::read(&mut conn, today)?;
            let focus = match q.manager.trim() {
                "" => viewer.person_id.clone().unwrap_or_default(),
                m if viewer.can_see_person(m) => m.to_owned(),
                _ => return Err(Fail::NotFound.into()),
            };
            let team: Vec<String> = lines
                .reports_of(&focus)
                .into_iter()
                .filter(|p| viewer.can_see_person(p))
                .collect();
            let people = cadence::people(&mut conn, &lines, &team, today, days)?;
            let managers: Vec<String> = if viewer.role == Role::Manager {
                Vec::new()
            } else {
                lines
                    .managers()
                    .into_iter()
                    .filter(|m| viewer.can_see_person(m) && *m != focus)
                    .collect()
            };
            let managers = cadence::managers(&mut conn, &lines, &managers, today, days)?;
            Ok(json!({
                "cadence_days": days,
                "today": today.to_string(),
                "manager_id": focus,
                "people": people.iter().map(person_json).collect::<Vec<_>>(),
                "managers": managers.iter().map(|m| json!({
                    "manager_id": m.manager_id, "name": m.name, "team": m.team,
                    "flagged": m.flagged, "last_session": m.last.map(|d| d.to_string()),
                    "open_action_items": m.open, "overdue_action_items": m.overdue,
                })).collect::<Vec<_>>(),
            }))
        })
        .await?;
    Ok(Json(out))
}

/// Which action items to list.
#[derive(Debug, Default, serde::Deserialize)]
pub struct ActionsQuery {
    /// `mine` or `team` (default).
    #[serde(default)]
    show: String,
    /// `open` (default) or `all`.
    #[serde(default)]
    status: String,
}

/// Lists action items: the caller's own, or those of the people they may see.
pub async fn list_actions(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(q): Query<ActionsQuery>,
) -> ApiResult<Json<J>> {
    let out = state
        .blocking(move |store| -> Result<J, ApiError> {
            let mine = q.show == "mine";
            let items = load::actions(&mut store.conn()?, &viewer, mine, q.status != "all")?;
            Ok(json!({"action_items": items.iter().map(action_json).collect::<Vec<_>>()}))
        })
        .await?;
    Ok(Json(out))
}

/// The body of a status change.
#[derive(Debug, Default, serde::Deserialize)]
pub struct StatusBody {
    #[serde(default)]
    status: String,
}

/// Changes the status of an action item (audited).
pub async fn update_action(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    // A body that is no status object is refused as an invalid status, after the access check.
    let b = serde_json::from_slice::<StatusBody>(&body).unwrap_or_default();
    let r = state
        .blocking(move |store| -> Result<Response, SaveError> {
            save::save_action_status(store, &viewer, &id, &b.status)?;
            Ok(Json(json!({"action_id": id, "status": b.status.trim()})).into_response())
        })
        .await;
    match r {
        Ok(resp) => resp,
        Err(SaveError::Invalid(e)) => invalid(&e),
        Err(SaveError::Fail(f)) => json_error(f),
    }
}
