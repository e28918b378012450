//! `/api/v1/people/{person_id}/territory-plans/{year}`: a territory plan with its sections, key
//! accounts, status and kept versions; `POST …/{action}` saves, submits, agrees or returns it
//! with the same permissions as the pages (404 out of scope, 403 not allowed, 422 refused).

use crate::error::{ApiError, ApiResult, Fail};
use crate::territory_plan::{self as tp, Action, Edit};
use crate::{AppState, Viewer};
use attain_domain::vocab::PlanSection;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Value as J, json};

/// Parses the year of the path (404 for anything but a year).
fn year_of(year: &str) -> Result<i32, Fail> {
    year.parse::<i32>()
        .ok()
        .filter(|y| (1900..=9999).contains(y))
        .ok_or(Fail::NotFound)
}

/// Returns the plan and its versions as JSON.
fn as_json(conn: &mut attain_store::Conn, plan: &tp::Plan) -> Result<J, Fail> {
    let versions: Vec<J> = tp::versions(conn, &plan.person_id, plan.year)?
        .into_iter()
        .map(|v| {
            json!({"version": v.version, "status": v.status, "saved_at": v.saved_at, "saved_by": v.saved_by})
        })
        .collect();
    let mut out = plan.json();
    out["versions"] = J::Array(versions);
    Ok(out)
}

/// Returns a person's plan for a year (an empty draft when none is written).
pub async fn get_plan(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((person_id, year)): Path<(String, String)>,
) -> ApiResult<Json<J>> {
    let out = state
        .blocking(move |store| -> Result<J, ApiError> {
            let year = year_of(&year)?;
            let mut conn = store.conn()?;
            let plan = tp::load(&mut conn, &viewer, &person_id, year)?;
            Ok(as_json(&mut conn, &plan)?)
        })
        .await?;
    Ok(Json(out))
}

/// The body of a change: `sections` (word → text), `key_accounts` (`account_id`, `strategy`),
/// `comment` (agree, return).
fn read_body(body: &J) -> Edit {
    let mut edit = Edit::default();
    if let Some(map) = body["sections"].as_object() {
        for (k, v) in map {
            if let (Ok(s), Some(text)) = (PlanSection::parse(k), v.as_str()) {
                edit.sections.push((s, text.trim().to_owned()));
            }
        }
    }
    for k in body["key_accounts"].as_array().into_iter().flatten() {
        if let Some(id) = k["account_id"].as_str() {
            let strategy = k["strategy"].as_str().unwrap_or("").trim().to_owned();
            edit.key_accounts.push((id.to_owned(), strategy));
        }
    }
    edit.comment = body["comment"].as_str().unwrap_or("").to_owned();
    edit
}

/// Saves, submits, agrees or returns a plan; answers the plan after the change. The body, when
/// given, is a JSON object (422 otherwise).
pub async fn change_plan(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((person_id, year, action)): Path<(String, String, String)>,
    body: axum::body::Bytes,
) -> ApiResult<Response> {
    let refused = |message: String| {
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            Json(json!({"error": {"code": "refused", "message": message}})),
        )
            .into_response()
    };
    let body = if body.is_empty() {
        J::Null
    } else {
        match serde_json::from_slice::<J>(&body) {
            Ok(b @ J::Object(_)) => b,
            _ => return Ok(refused("The body is not a JSON object.".into())),
        }
    };
    state
        .blocking(move |store| -> Result<Response, ApiError> {
            let year = year_of(&year)?;
            let action = match action.as_str() {
                "save" => Action::Save,
                "submit" => Action::Submit,
                "agree" => Action::Agree,
                "return" => Action::Return,
                _ => return Err(Fail::NotFound.into()),
            };
            let mut conn = store.conn()?;
            let edit = read_body(&body);
            let today = chrono::Utc::now().date_naive();
            match tp::apply(&mut conn, &viewer, &person_id, year, action, &edit, today)? {
                Ok(plan) => Ok(Json(as_json(&mut conn, &plan)?).into_response()),
                Err(message) => Ok(refused(message)),
            }
        })
        .await
}
