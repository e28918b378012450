//! Training, recognition and leaderboards through the API (docs/team.md): the catalogue, a
//! person's records and gaps, the recognition feed, giving a recognition (with its SPIFF), and
//! the leaderboards. The rules are the pages' ([`crate::team`]).

use crate::error::{ApiError, ApiResult, Fail, json_error};
use crate::pages::Company;
use crate::pages::leaderboards::{Board, viewer_board};
use crate::pages::pay::visible_person;
use crate::team::recognize::{self, Gift, Refused};
use crate::team::{team_scope, training};
use crate::{AppState, Viewer};
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Value as J, json};
use std::collections::HashMap;

/// The training catalogue with what each job requires.
pub async fn list_trainings(State(state): State<AppState>, _viewer: Viewer) -> ApiResult<Json<J>> {
    let body = state
        .blocking(move |store| -> Result<J, ApiError> {
            let mut conn = store.conn()?;
            let needs = training::requirements(&mut conn)?;
            let trainings: Vec<J> = training::catalogue(&mut conn)?
                .into_iter()
                .map(|t| {
                    let jobs: Vec<&String> = needs
                        .iter()
                        .filter(|(_, id)| *id == t.training_id)
                        .map(|(job, _)| job)
                        .collect();
                    json!({
                        "training_id": t.training_id, "title": t.title, "kind": t.kind,
                        "date": t.date.map(|d| d.to_string()),
                        "hours": t.hours.map(|h| h.to_string()),
                        "description": t.description, "required_by_jobs": jobs,
                    })
                })
                .collect();
            Ok(json!({ "trainings": trainings }))
        })
        .await?;
    Ok(Json(body))
}

/// A person's training records and gaps.
pub async fn get_person_trainings(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(person): Path<String>,
) -> ApiResult<Json<J>> {
    let body = state
        .blocking(move |store| -> Result<J, ApiError> {
            let mut conn = store.conn()?;
            visible_person(&mut conn, &viewer, &person)?;
            let args = vec![attain_store::Value::Text(person.clone())];
            let records: Vec<J> = training::records(&mut conn, "r.person_id = $1", &args)?
                .into_iter()
                .map(|r| {
                    json!({"training_id": r.training_id, "status": r.status,
                           "date": r.date.map(|d| d.to_string())})
                })
                .collect();
            let today = chrono::Utc::now().date_naive();
            let standing = training::standings(&mut conn, "p.person_id = $1", &args, today)?;
            let (required, gaps) = match standing.into_iter().next() {
                Some(s) => (
                    s.required
                        .into_iter()
                        .map(|(t, st)| json!({"training_id": t, "status": st}))
                        .collect(),
                    s.gaps,
                ),
                None => (Vec::new(), Vec::new()),
            };
            Ok(json!({"person_id": person, "records": records, "required": required, "gaps": gaps}))
        })
        .await?;
    Ok(Json(body))
}

/// The recognition feed of the caller's team (amounts only where the caller may see pay).
pub async fn list_recognitions(
    State(state): State<AppState>,
    viewer: Viewer,
) -> ApiResult<Json<J>> {
    let body = state
        .blocking(move |store| -> Result<J, ApiError> {
            let mut conn = store.conn()?;
            let team = team_scope(&mut conn, &viewer, chrono::Utc::now().date_naive())?;
            let items: Vec<J> = recognize::feed(&mut conn, &viewer, &team, 500)?
                .into_iter()
                .map(|r| {
                    json!({
                        "recognition_id": r.recognition_id, "person_id": r.person_id,
                        "date": r.date.to_string(), "reason": r.reason,
                        "given_by_id": r.given_by_id, "meeting_id": r.meeting_id,
                        "award": r.award, "amount": r.amount.map(|a| a.to_string()),
                        "adjustment_id": r.adjustment_id,
                    })
                })
                .collect();
            Ok(json!({ "recognitions": items }))
        })
        .await?;
    Ok(Json(body))
}

/// Gives a recognition: `201` with its id and the SPIFF's adjustment; `403` when the caller may
/// not attach the amount; `404` for a person outside the caller's team; `422` naming a field.
pub async fn create_recognition(
    State(state): State<AppState>,
    viewer: Viewer,
    body: Bytes,
) -> Response {
    let gift: Gift = match serde_json::from_slice::<J>(&body) {
        Ok(J::Object(map)) => {
            let field = |k: &str| match map.get(k) {
                Some(J::String(s)) => s.clone(),
                Some(J::Number(n)) => n.to_string(),
                _ => String::new(),
            };
            Gift {
                person_id: field("person_id"),
                reason: field("reason"),
                date: field("date"),
                meeting_id: field("meeting_id"),
                award: field("award"),
                amount: field("amount"),
            }
        }
        _ => {
            let body =
                json!({"error": {"code": "invalid", "message": "The body must be a JSON object."}});
            return (StatusCode::UNPROCESSABLE_ENTITY, Json(body)).into_response();
        }
    };
    let answer = state
        .blocking(move |store| -> Result<Response, Fail> {
            let mut conn = store.conn()?;
            let company = Company::load(&mut conn)?;
            let team = team_scope(&mut conn, &viewer, chrono::Utc::now().date_naive())?;
            drop(conn);
            Ok(
                match recognize::give(store, &viewer, &team, &company.calendar, &gift) {
                    Ok(g) => {
                        let adjustment = g.adjustment.map(|(id, year, month)| {
                        json!({"adjustment_id": id, "year": year, "month": month})
                    });
                        let body = json!({"recognition_id": g.recognition_id,
                                      "adjustment": adjustment, "note": g.note});
                        (StatusCode::CREATED, Json(body)).into_response()
                    }
                    Err(Refused::NotFound) => json_error(Fail::NotFound),
                    Err(Refused::Forbidden(m)) => {
                        let body = json!({"error": {"code": "forbidden", "message": m}});
                        (StatusCode::FORBIDDEN, Json(body)).into_response()
                    }
                    Err(Refused::Invalid(field, m)) => {
                        let body =
                            json!({"error": {"code": "invalid", "field": field, "message": m}});
                        (StatusCode::UNPROCESSABLE_ENTITY, Json(body)).into_response()
                    }
                    Err(Refused::Store(e)) => json_error(e.into()),
                },
            )
        })
        .await;
    answer.unwrap_or_else(json_error)
}

/// A leaderboard: `by` = attainment, bookings or activity; `period` = month, quarter or ytd.
pub async fn get_leaderboard(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(q): Query<HashMap<String, String>>,
) -> ApiResult<Json<J>> {
    let body = state
        .blocking(move |store| -> Result<J, ApiError> {
            let mut conn = store.conn()?;
            let company = Company::load(&mut conn)?;
            let Board {
                by,
                span,
                year,
                months: (first, last),
                places,
            } = viewer_board(&mut conn, &viewer, &company, &q)?;
            let hide = |id: &str| {
                viewer.role == attain_domain::vocab::Role::Rep
                    && viewer.person_id.as_deref() != Some(id)
            };
            let rows: Vec<J> = places
                .into_iter()
                .map(|p| {
                    let value = match (by, p.value) {
                        (_, None) => J::Null,
                        (crate::team::board::By::Bookings, Some(_)) if hide(&p.person_id) => J::Null,
                        (crate::team::board::By::Bookings, Some(c)) => {
                            J::String(attain_domain::Money::from_cents(c).to_string())
                        }
                        (crate::team::board::By::Attainment, Some(m)) => {
                            J::String(attain_domain::Ratio::from_micros(m).fixed6())
                        }
                        (crate::team::board::By::Activity, Some(n)) => J::from(n),
                    };
                    json!({"rank": p.rank, "person_id": p.person_id, "name": p.name, "value": value})
                })
                .collect();
            Ok(json!({"by": by.as_str(), "period": span.as_str(), "year": year,
                      "first_month": first, "last_month": last, "board": rows}))
        })
        .await?;
    Ok(Json(body))
}
