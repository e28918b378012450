//! The JSON API under `/api/v1` (api.md): the same visibility rule as the pages, amounts as
//! strings with two decimals, rows keyed by the column names of dataset.md, errors as
//! `{"error": {"code", "message"}}`.

pub mod account_map;
pub mod coaching;
pub mod crm;
pub mod meetings;
pub mod openapi;
pub mod records;
pub mod scorecards;
pub mod snapshot;
pub mod team;
pub mod territory_plan;

use crate::error::{ApiError, ApiResult, Fail};
use crate::pages::Company;
use crate::pages::admin::{Imported, read_files, run_import};
use crate::{AppState, Viewer};
use attain_domain::{Money, Ratio};
use attain_store::{Executor, Row, StoreResult, params};
use axum::Json;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value as J, json};

/// A money column as JSON: a string with two decimals.
fn money(r: &Row, i: usize) -> StoreResult<J> {
    Ok(J::String(Money::from_cents(r.int(i)?).to_string()))
}

/// A money column that may be empty.
fn opt_money(r: &Row, i: usize) -> StoreResult<J> {
    Ok(match r.opt_int(i)? {
        Some(c) => J::String(Money::from_cents(c).to_string()),
        None => J::Null,
    })
}

/// A ratio column as JSON: a string with six decimals, or null when empty.
fn ratio(r: &Row, i: usize) -> StoreResult<J> {
    Ok(match r.opt_int(i)? {
        Some(m) => J::String(Ratio::from_micros(m).fixed6()),
        None => J::Null,
    })
}

fn text(r: &Row, i: usize) -> StoreResult<J> {
    Ok(r.opt_string(i)?.map_or(J::Null, J::String))
}

fn date(r: &Row, i: usize) -> StoreResult<J> {
    Ok(r.opt_date(i)?.map_or(J::Null, |d| J::String(d.to_string())))
}

fn object(pairs: Vec<(&str, J)>) -> J {
    J::Object(
        pairs
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v))
            .collect::<Map<_, _>>(),
    )
}

/// Returns the signed-in user.
pub async fn get_me(viewer: Viewer) -> Json<J> {
    Json(json!({
        "email": viewer.email,
        "role": viewer.role.as_str(),
        "person_id": viewer.person_id,
    }))
}

/// Lists every person the caller may see.
pub async fn list_people(State(state): State<AppState>, viewer: Viewer) -> ApiResult<Json<J>> {
    let people = state
        .blocking(move |store| -> Result<Vec<J>, ApiError> {
            let mut args = Vec::new();
            let scope = viewer.people().sql("person_id", &mut args);
            let rows = store.conn()?.query(
                &format!(
                    "SELECT person_id, name, role, manager_id, territory_id FROM people
                     WHERE {scope} ORDER BY person_id"
                ),
                &args,
            )?;
            rows.iter()
                .map(|r| {
                    Ok(object(vec![
                        ("person_id", text(r, 0)?),
                        ("name", text(r, 1)?),
                        ("role", text(r, 2)?),
                        ("manager_id", text(r, 3)?),
                        ("territory_id", text(r, 4)?),
                    ]))
                })
                .collect()
        })
        .await?;
    Ok(Json(json!({ "people": people })))
}

/// Returns one person: the `people.csv` row.
pub async fn get_person(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(person_id): Path<String>,
) -> ApiResult<Json<J>> {
    if !viewer.can_see_person(&person_id) {
        return Err(Fail::NotFound.into());
    }
    let person = state
        .blocking(move |store| -> Result<J, ApiError> {
            let row = store.conn()?.query_opt(
                "SELECT person_id, name, email, role, job_id, manager_id, territory_id, hire_date,
                        end_date
                 FROM people WHERE person_id = $1",
                params![&person_id],
            )?;
            let r = row.ok_or(ApiError(Fail::NotFound))?;
            Ok(object(vec![
                ("person_id", text(&r, 0)?),
                ("name", text(&r, 1)?),
                ("email", text(&r, 2)?),
                ("role", text(&r, 3)?),
                ("job_id", text(&r, 4)?),
                ("manager_id", text(&r, 5)?),
                ("territory_id", text(&r, 6)?),
                ("hire_date", date(&r, 7)?),
                ("end_date", date(&r, 8)?),
            ]))
        })
        .await?;
    Ok(Json(person))
}

/// The `year` query of the results routes.
#[derive(Debug, serde::Deserialize)]
pub struct YearQuery {
    /// The fiscal year (default: the current one).
    pub year: Option<i32>,
}

/// Returns `year`, or the current fiscal year.
fn year_or_current(ex: &mut impl Executor, year: Option<i32>) -> StoreResult<i32> {
    match year {
        Some(y) => Ok(y),
        None => Ok(Company::load(ex)?.today().0),
    }
}

/// Checks that the caller may see the person and that the person exists.
fn visible_person(ex: &mut impl Executor, viewer: &Viewer, id: &str) -> Result<(), ApiError> {
    if !viewer.can_see_person(id) {
        return Err(Fail::NotFound.into());
    }
    match ex.query_opt("SELECT 1 FROM people WHERE person_id = $1", params![id])? {
        Some(_) => Ok(()),
        None => Err(Fail::NotFound.into()),
    }
}

fn credit_row(r: &Row) -> StoreResult<J> {
    Ok(object(vec![
        ("person_id", text(r, 0)?),
        ("year", J::from(r.int(1)?)),
        ("month", J::from(r.int(2)?)),
        ("metric", text(r, 3)?),
        ("direct", money(r, 4)?),
        ("override", money(r, 5)?),
        ("credited", money(r, 6)?),
        ("target", money(r, 7)?),
        ("attainment", ratio(r, 8)?),
    ]))
}

fn payout_row(r: &Row) -> StoreResult<J> {
    Ok(object(vec![
        ("person_id", text(r, 0)?),
        ("plan_id", text(r, 1)?),
        ("component", text(r, 2)?),
        ("year", J::from(r.int(3)?)),
        ("month", J::from(r.int(4)?)),
        ("period_credit", money(r, 5)?),
        ("period_target", money(r, 6)?),
        ("attainment", ratio(r, 7)?),
        ("earned_to_date", money(r, 8)?),
        ("adjustment", opt_money(r, 9)?),
        ("payout", money(r, 10)?),
        ("locked", J::Bool(r.bool(11)?)),
    ]))
}

const PAYOUT_COLUMNS: &str = "person_id, plan_id, component, year, month, period_credit, \
     period_target, attainment, earned_to_date, adjustment, payout, locked";

/// Lists a person's `credits.csv` rows for a year.
pub async fn list_credits(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(person_id): Path<String>,
    Query(q): Query<YearQuery>,
) -> ApiResult<Json<J>> {
    let credits = state
        .blocking(move |store| -> Result<Vec<J>, ApiError> {
            let mut conn = store.conn()?;
            visible_person(&mut conn, &viewer, &person_id)?;
            let year = year_or_current(&mut conn, q.year)?;
            let rows = conn.query(
                "SELECT person_id, year, month, metric, direct, override, credited, target, attainment
                 FROM result_credits WHERE person_id = $1 AND year = $2 ORDER BY month, metric",
                params![&person_id, year],
            )?;
            Ok(rows.iter().map(credit_row).collect::<StoreResult<_>>()?)
        })
        .await?;
    Ok(Json(json!({ "credits": credits })))
}

/// Lists a person's `payouts.csv` rows for a year.
pub async fn list_payouts(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(person_id): Path<String>,
    Query(q): Query<YearQuery>,
) -> ApiResult<Json<J>> {
    let payouts = state
        .blocking(move |store| -> Result<Vec<J>, ApiError> {
            let mut conn = store.conn()?;
            visible_person(&mut conn, &viewer, &person_id)?;
            let year = year_or_current(&mut conn, q.year)?;
            let rows = conn.query(
                &format!(
                    "SELECT {PAYOUT_COLUMNS} FROM result_payouts WHERE person_id = $1 AND year = $2
                     ORDER BY plan_id, component, month"
                ),
                params![&person_id, year],
            )?;
            Ok(rows.iter().map(payout_row).collect::<StoreResult<_>>()?)
        })
        .await?;
    Ok(Json(json!({ "payouts": payouts })))
}

/// Returns a month's statement (the `statements.csv` row) with its payout lines.
pub async fn get_statement(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((person_id, year, month)): Path<(String, i32, u32)>,
) -> ApiResult<Json<J>> {
    let body = state
        .blocking(move |store| -> Result<J, ApiError> {
            let mut conn = store.conn()?;
            visible_person(&mut conn, &viewer, &person_id)?;
            let row = conn.query_opt(
                "SELECT person_id, year, month, calculated, adjustments, total
                 FROM result_statements WHERE person_id = $1 AND year = $2 AND month = $3",
                params![&person_id, year, month],
            )?;
            let r = row.ok_or(ApiError(Fail::NotFound))?;
            let statement = object(vec![
                ("person_id", text(&r, 0)?),
                ("year", J::from(r.int(1)?)),
                ("month", J::from(r.int(2)?)),
                ("calculated", money(&r, 3)?),
                ("adjustments", money(&r, 4)?),
                ("total", money(&r, 5)?),
            ]);
            let lines = conn.query(
                &format!(
                    "SELECT {PAYOUT_COLUMNS} FROM result_payouts
                     WHERE person_id = $1 AND year = $2 AND month = $3 ORDER BY plan_id, component"
                ),
                params![&person_id, year, month],
            )?;
            let payouts: Vec<J> = lines.iter().map(payout_row).collect::<StoreResult<_>>()?;
            let adjustments = conn
                .query(
                    "SELECT adjustment_id, amount, reason FROM adjustments
                     WHERE person_id = $1 AND year = $2 AND month = $3 AND amount <> 0
                     ORDER BY adjustment_id",
                    params![&person_id, year, month],
                )?
                .iter()
                .map(|r| {
                    Ok(object(vec![
                        ("adjustment_id", text(r, 0)?),
                        ("amount", money(r, 1)?),
                        ("reason", text(r, 2)?),
                    ]))
                })
                .collect::<StoreResult<Vec<J>>>()?;
            let closed = conn
                .query_opt(
                    "SELECT calculated, adjustments, total, closed_at, closed_by FROM closed_statements
                     WHERE person_id = $1 AND year = $2 AND month = $3",
                    params![&person_id, year, month],
                )?
                .map(|r| -> StoreResult<J> {
                    Ok(object(vec![
                        ("calculated", money(&r, 0)?),
                        ("adjustments", money(&r, 1)?),
                        ("total", money(&r, 2)?),
                        ("closed_at", J::String(r.time(3)?.to_rfc3339())),
                        ("closed_by", text(&r, 4)?),
                    ]))
                })
                .transpose()?
                .unwrap_or(J::Null);
            Ok(json!({
                "statement": statement,
                "payouts": payouts,
                "adjustments": adjustments,
                "closed": closed,
            }))
        })
        .await?;
    Ok(Json(body))
}

/// Lists a territory's `territory_results.csv` rows for a year.
pub async fn list_territory_results(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(territory_id): Path<String>,
    Query(q): Query<YearQuery>,
) -> ApiResult<Json<J>> {
    if !viewer.can_see_territory(&territory_id) {
        return Err(Fail::NotFound.into());
    }
    let results = state
        .blocking(move |store| -> Result<Vec<J>, ApiError> {
            let mut conn = store.conn()?;
            let exists = conn.query_opt(
                "SELECT 1 FROM territories WHERE territory_id = $1",
                params![&territory_id],
            )?;
            if exists.is_none() {
                return Err(Fail::NotFound.into());
            }
            let year = year_or_current(&mut conn, q.year)?;
            let rows = conn.query(
                "SELECT territory_id, year, month, metric, actual, target, attainment
                 FROM result_territories WHERE territory_id = $1 AND year = $2
                 ORDER BY month, metric",
                params![&territory_id, year],
            )?;
            rows.iter()
                .map(|r| {
                    Ok(object(vec![
                        ("territory_id", text(r, 0)?),
                        ("year", J::from(r.int(1)?)),
                        ("month", J::from(r.int(2)?)),
                        ("metric", text(r, 3)?),
                        ("actual", money(r, 4)?),
                        ("target", money(r, 5)?),
                        ("attainment", ratio(r, 6)?),
                    ]))
                })
                .collect::<StoreResult<Vec<J>>>()
                .map_err(ApiError::from)
        })
        .await?;
    Ok(Json(json!({ "results": results })))
}

/// Imports the uploaded dataset files: `200` with per-file counts, or `422` with every problem
/// and nothing written.
pub async fn create_import(
    State(state): State<AppState>,
    viewer: Viewer,
    form: Multipart,
) -> ApiResult<Response> {
    let files = read_files(form).await?;
    if files.is_empty() {
        return Err(Fail::BadRequest(
            "send one or more dataset files as multipart parts with a filename".into(),
        )
        .into());
    }
    let outcome = state
        .blocking(move |store| -> Result<_, ApiError> {
            Ok(run_import(store, files, &viewer.email)?)
        })
        .await?;
    Ok(match outcome {
        Imported::Done(files) => Json(json!({ "files": files })).into_response(),
        Imported::Refused(errors) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            Json(json!({ "errors": errors })),
        )
            .into_response(),
    })
}

/// The what-if query: a deal of `amount` in fiscal `month` for `metric`.
#[derive(Debug, serde::Deserialize)]
pub struct WhatIfQuery {
    /// The fiscal year (default: the current one).
    pub year: Option<i32>,
    /// The fiscal month of the deal.
    pub month: u32,
    /// The deal's amount (`25000.00`).
    pub amount: String,
    /// `bookings`, `revenue` or `margin` (default: the plan's first component's metric).
    pub metric: Option<String>,
}

/// Estimates what a hypothetical deal changes in a person's pay; nothing is written.
pub async fn get_whatif(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(person_id): Path<String>,
    Query(q): Query<WhatIfQuery>,
) -> ApiResult<Json<J>> {
    use attain_domain::vocab::Metric;
    use attain_engine::explain::{Deal, what_if};
    let body = state
        .blocking(move |store| -> Result<J, ApiError> {
            let mut conn = store.conn()?;
            visible_person(&mut conn, &viewer, &person_id)?;
            let year = year_or_current(&mut conn, q.year)?;
            if !(1..=12).contains(&q.month) {
                return Err(Fail::BadRequest("month is a fiscal month, 1–12".into()).into());
            }
            let amount = Money::parse(q.amount.trim())
                .map_err(|e| Fail::BadRequest(format!("amount: {e}")))?;
            let metric = match &q.metric {
                Some(m) => {
                    Metric::parse(m).map_err(|e| Fail::BadRequest(format!("metric: {e}")))?
                }
                None => crate::pages::pay::whatif::plan_metrics(&mut conn, &person_id, year)?
                    .first()
                    .copied()
                    .unwrap_or(Metric::Bookings),
            };
            let inputs = attain_engine::person::load_person(&mut conn, year, &person_id, 1..=12)
                .map_err(crate::pages::pay::load_fail)?;
            let deal = Deal {
                month: q.month,
                metric,
                amount,
            };
            let w = what_if(&inputs, &person_id, &deal)
                .map_err(|e| Fail::BadRequest(format!("the estimate cannot be computed: {e}")))?;
            let ratio = |r: Option<Ratio>| r.map_or(J::Null, |r| J::String(r.fixed6()));
            let components: Vec<J> = w
                .today
                .iter()
                .zip(&w.with_deal)
                .filter(|(t, _)| t.month == q.month)
                .map(|(t, d)| {
                    json!({
                        "plan_id": t.plan_id,
                        "component": t.component_id,
                        "month": t.month,
                        "attainment_today": ratio(t.attainment),
                        "attainment_with_deal": ratio(d.attainment),
                        "earned_to_date_today": t.earned_to_date.to_string(),
                        "earned_to_date_with_deal": d.earned_to_date.to_string(),
                        "payout_today": t.payout.to_string(),
                        "payout_with_deal": d.payout.to_string(),
                        "difference": (d.payout - t.payout).to_string(),
                    })
                })
                .collect();
            let total = |rows: &[attain_engine::StatementRow]| -> Money {
                rows.iter().map(|s| s.total).sum()
            };
            let (yt, yw) = (total(&w.statements_today), total(&w.statements_with_deal));
            Ok(json!({
                "person_id": person_id,
                "year": year,
                "deal": {"month": q.month, "metric": metric.as_str(), "amount": amount.to_string()},
                "components": components,
                "year_total_today": yt.to_string(),
                "year_total_with_deal": yw.to_string(),
                "year_difference": (yw - yt).to_string(),
            }))
        })
        .await?;
    Ok(Json(body))
}

/// Lists the inquiries on the statements of the people the caller may see, with their threads.
pub async fn list_inquiries(State(state): State<AppState>, viewer: Viewer) -> ApiResult<Json<J>> {
    let inquiries = state
        .blocking(move |store| -> Result<Vec<J>, ApiError> {
            let mut conn = store.conn()?;
            let mut args = Vec::new();
            let scope = viewer.people().sql("person_id", &mut args);
            let rows = conn.query(
                &format!(
                    "SELECT inquiry_id, person_id, year, month, line, status, raised_by, raised_at,
                            adjustment_id
                     FROM inquiries WHERE {scope} ORDER BY inquiry_id"
                ),
                &args,
            )?;
            let mut out = Vec::with_capacity(rows.len());
            for r in &rows {
                let id = r.int(0)?;
                let messages = conn
                    .query(
                        "SELECT at, author, kind, body, amount FROM inquiry_messages
                         WHERE inquiry_id = $1 ORDER BY message_id",
                        params![id],
                    )?
                    .iter()
                    .map(|m| {
                        Ok(object(vec![
                            ("at", J::String(m.time(0)?.to_rfc3339())),
                            ("author", text(m, 1)?),
                            ("kind", text(m, 2)?),
                            ("body", text(m, 3)?),
                            ("amount", opt_money(m, 4)?),
                        ]))
                    })
                    .collect::<StoreResult<Vec<J>>>()?;
                out.push(object(vec![
                    ("inquiry_id", J::from(id)),
                    ("person_id", text(r, 1)?),
                    ("year", J::from(r.int(2)?)),
                    ("month", J::from(r.int(3)?)),
                    ("line", text(r, 4)?),
                    ("status", text(r, 5)?),
                    ("raised_by", text(r, 6)?),
                    ("raised_at", J::String(r.time(7)?.to_rfc3339())),
                    ("adjustment_id", text(r, 8)?),
                    ("messages", J::Array(messages)),
                ]));
            }
            Ok(out)
        })
        .await?;
    Ok(Json(json!({ "inquiries": inquiries })))
}
