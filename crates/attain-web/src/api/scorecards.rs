//! Jobs and scorecards in JSON (docs/scorecards.md): the job descriptions, and a person's
//! expectations period by period. Values are strings with six decimals (counts too), `null`
//! when undefined.

use crate::error::{ApiError, ApiResult, Fail};
use crate::pages::Company;
use crate::pages::jobs::{Job, load_jobs};
use crate::pages::snapshot::today;
use crate::scorecard::cards;
use crate::{AppState, Viewer};
use axum::Json;
use axum::extract::{Path, State};
use serde_json::{Value as J, json};

/// Returns every job description.
pub async fn get_jobs(State(state): State<AppState>, _viewer: Viewer) -> ApiResult<Json<J>> {
    let body = state
        .blocking(move |store| -> Result<J, ApiError> {
            let mut conn = store.conn()?;
            let jobs = load_jobs(&mut conn, None)?;
            Ok(json!({ "jobs": jobs.iter().map(Job::json).collect::<Vec<_>>() }))
        })
        .await?;
    Ok(Json(body))
}

/// Returns a person's scorecard (404 outside the caller's scope).
pub async fn get_scorecard(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(person_id): Path<String>,
) -> ApiResult<Json<J>> {
    if !viewer.can_see_person(&person_id) {
        return Err(Fail::NotFound.into());
    }
    let body = state
        .blocking(move |store| -> Result<J, ApiError> {
            let mut conn = store.conn()?;
            let company = Company::load(&mut conn)?;
            let card = cards(
                &mut conn,
                &company,
                std::slice::from_ref(&person_id),
                today(),
            )?
            .into_iter()
            .next()
            .ok_or(ApiError(Fail::NotFound))?;
            Ok(json!({
                "person_id": card.member.id,
                "name": card.member.name,
                "job": card.job.as_ref().map(|j| json!({"job_id": j.id, "title": j.title, "mission": j.mission})),
                "expectations": card.rows.iter().map(|r| json!({
                    "metric": r.expectation.metric.as_str(),
                    "comparison": r.expectation.comparison.as_str(),
                    "threshold": r.expectation.threshold.fixed6(),
                    "per": r.expectation.per.as_str(),
                    "periods": r.cells.iter().map(|c| json!({
                        "start": c.period.start.to_string(),
                        "end": c.period.end.to_string(),
                        "to_date": c.to_date,
                        "value": c.value.map(|v| v.fixed6()),
                        "met": c.met,
                        "trend": c.trend.as_str(),
                    })).collect::<Vec<_>>(),
                })).collect::<Vec<_>>(),
            }))
        })
        .await?;
    Ok(Json(body))
}
