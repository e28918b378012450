//! `GET /api/v1/meetings`, `GET /api/v1/meetings/{meeting_id}` and `POST /api/v1/meetings`
//! (docs/meetings.md): the caller's teams' meetings, one meeting with its agenda (the frozen
//! figures as JSON), attendance and follow-ups, and a new meeting with its pre-filled agenda.
//! Scope and rights as on the pages: 404 outside scope, 403 when not the caller's to run.

use crate::error::{ApiError, ApiResult, Fail};
use crate::meetings::{self, Meeting};
use crate::pages::meetings::{NewMeeting, create_checked};
use crate::{AppState, Viewer};
use attain_store::{Executor, params};
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde_json::{Value as J, json};

fn header(m: &Meeting) -> J {
    json!({
        "meeting_id": m.id,
        "team_manager_id": m.manager_id,
        "date": m.date.to_string(),
        "title": m.title,
        "cadence": (!m.cadence.is_empty()).then_some(&m.cadence),
        "status": m.status,
        "notes": (!m.notes.is_empty()).then_some(&m.notes),
    })
}

/// Lists the meetings of the caller's teams, newest first (at most 500).
pub async fn list_meetings(State(state): State<AppState>, viewer: Viewer) -> ApiResult<Json<J>> {
    let body = state
        .blocking(move |store| -> Result<J, ApiError> {
            let mut conn = store.conn()?;
            let rows = meetings::list(&mut conn, &viewer, 500)?;
            Ok(json!({ "meetings": rows.iter().map(header).collect::<Vec<_>>() }))
        })
        .await?;
    Ok(Json(body))
}

/// Reads one meeting as the API's JSON.
fn full(ex: &mut impl Executor, viewer: &Viewer, id: &str) -> Result<J, Fail> {
    let m = meetings::load(ex, viewer, id)?;
    let mut items = Vec::new();
    for r in ex.query(
        "SELECT position, section, person_id, title, minutes, figures, notes FROM meeting_items
         WHERE meeting_id = $1 ORDER BY position",
        params![id],
    )? {
        items.push(json!({
            "position": r.int(0)?,
            "section": r.string(1)?,
            "person_id": r.opt_string(2)?,
            "title": r.string(3)?,
            "minutes": r.opt_int(4)?,
            "figures": meetings::from_json(r.opt_text(5)?),
            "notes": r.opt_string(6)?,
        }));
    }
    let mut attendance = Vec::new();
    for r in ex.query(
        "SELECT person_id, status FROM meeting_attendance WHERE meeting_id = $1 ORDER BY person_id",
        params![id],
    )? {
        attendance.push(json!({ "person_id": r.string(0)?, "status": r.string(1)? }));
    }
    let mut followups = Vec::new();
    for r in ex.query(
        "SELECT followup_id, owner_id, description, due_date, status FROM meeting_followups
         WHERE meeting_id = $1 ORDER BY followup_id",
        params![id],
    )? {
        followups.push(json!({
            "followup_id": r.string(0)?,
            "owner_id": r.string(1)?,
            "description": r.string(2)?,
            "due_date": r.opt_date(3)?.map(|d| d.to_string()),
            "status": r.string(4)?,
        }));
    }
    let mut body = header(&m);
    body["items"] = J::Array(items);
    body["attendance"] = J::Array(attendance);
    body["followups"] = J::Array(followups);
    Ok(body)
}

/// Returns one meeting with its agenda, attendance and follow-ups.
pub async fn get_meeting(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> ApiResult<Json<J>> {
    let body = state
        .blocking(move |store| -> Result<J, ApiError> {
            let mut conn = store.conn()?;
            Ok(full(&mut conn, &viewer, &id)?)
        })
        .await?;
    Ok(Json(body))
}

/// Creates a meeting with its pre-filled agenda from `{"team_manager_id", "date", "title"?,
/// "cadence"?}`; answers `201` with the meeting.
pub async fn create_meeting(
    State(state): State<AppState>,
    viewer: Viewer,
    body: Bytes,
) -> ApiResult<(StatusCode, Json<J>)> {
    let body = state
        .blocking(move |store| -> Result<J, ApiError> {
            let f: NewMeeting = serde_json::from_slice(&body).map_err(|e| {
                Fail::BadRequest(format!("the body is not a meeting's JSON object: {e}."))
            })?;
            let id = create_checked(store, &viewer, &f)?;
            let mut conn = store.conn()?;
            Ok(full(&mut conn, &viewer, &id)?)
        })
        .await?;
    Ok((StatusCode::CREATED, Json(body)))
}
