//! Plan › Adjustments: the bottom-up correction of objectives. A manager or director (or sales
//! operations) proposes a new objective for a person of their team, one month and metric, with a
//! reason; sales operations approves it — the person's row of `targets` takes the amount — or
//! rejects it. Proposals and decisions are audited with the change's own transaction.

use super::objectives::METRICS;
use super::{Chrome, Company};
use crate::audit::{self, Change};
use crate::error::{Fail, PageResult};
use crate::fmt::{Amount, money};
use crate::{AppState, Viewer};
use askama::Template;
use attain_domain::Money;
use attain_domain::vocab::{Metric, Role};
use attain_store::{Executor, Store, Value, params};
use axum::extract::{Form, Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use chrono::Utc;

/// One proposal as listed.
pub struct Listed {
    id: i64,
    person_id: String,
    name: String,
    year: i64,
    month: i64,
    metric: String,
    current: String,
    proposed: Amount,
    reason: String,
    status: String,
    proposed_by: String,
    decided_by: String,
}

#[derive(Template)]
#[template(path = "adjustments.html")]
struct AdjustmentsPage {
    chrome: Chrome,
    can_propose: bool,
    message: String,
    error: bool,
    year: i32,
    metrics: [&'static str; 3],
    rows: Vec<Listed>,
}

/// Whether a role may propose adjustments.
fn proposes(viewer: &Viewer) -> bool {
    matches!(viewer.role, Role::Manager | Role::Director | Role::SalesOps)
}

fn page(
    store: &Store,
    viewer: &Viewer,
    message: String,
    status: StatusCode,
) -> Result<Response, Fail> {
    let mut conn = store.conn()?;
    let company = Company::load(&mut conn)?;
    let cur = &company.currency;
    let mut args: Vec<Value> = Vec::new();
    let scope = viewer.people().sql("a.person_id", &mut args);
    let mut rows = Vec::new();
    for r in conn.query(
        &format!(
            "SELECT a.adjustment_id, a.person_id, p.name, a.year, a.month, a.metric,
                    a.current_amount, a.proposed_amount, a.reason, a.status, a.proposed_by,
                    a.decided_by
             FROM objective_adjustments a LEFT JOIN people p ON p.person_id = a.person_id
             WHERE {scope}
             ORDER BY CASE a.status WHEN 'proposed' THEN 0 ELSE 1 END, a.adjustment_id DESC
             LIMIT 200"
        ),
        &args,
    )? {
        rows.push(Listed {
            id: r.int(0)?,
            person_id: r.string(1)?,
            name: r.opt_string(2)?.unwrap_or_default(),
            year: r.int(3)?,
            month: r.int(4)?,
            metric: r.string(5)?,
            current: r
                .opt_int(6)?
                .map(|c| money(Money::from_cents(c), cur).text)
                .unwrap_or_else(|| "none".into()),
            proposed: money(Money::from_cents(r.int(7)?), cur),
            reason: r.string(8)?,
            status: r.string(9)?,
            proposed_by: r.string(10)?,
            decided_by: r.opt_string(11)?.unwrap_or_default(),
        });
    }
    let error = status != StatusCode::OK;
    let p = AdjustmentsPage {
        chrome: Chrome::new(viewer, &company, "Adjustments", "plan", "adjustments"),
        can_propose: proposes(viewer),
        message,
        error,
        year: company.today().0,
        metrics: METRICS,
        rows,
    };
    Ok((status, Html(p.render()?)).into_response())
}

/// Lists the proposals about people one may see; the proposal form for those who may propose.
pub async fn list_adjustments(State(state): State<AppState>, viewer: Viewer) -> PageResult {
    Ok(state
        .blocking(move |store| page(store, &viewer, String::new(), StatusCode::OK))
        .await?)
}

/// The proposal form.
#[derive(Debug, Default, serde::Deserialize)]
pub struct Proposal {
    #[serde(default)]
    person_id: String,
    #[serde(default)]
    year: String,
    #[serde(default)]
    month: String,
    #[serde(default)]
    metric: String,
    #[serde(default)]
    amount: String,
    #[serde(default)]
    reason: String,
}

/// Checks a proposal: returns (person, year, month, metric, amount) or the sentence refusing it.
fn check(viewer: &Viewer, f: &Proposal) -> Result<(String, i32, u32, Metric, Money), String> {
    let person = f.person_id.trim().to_owned();
    if person.is_empty() || !viewer.can_see_person(&person) {
        return Err("Person: choose someone of your team.".into());
    }
    if viewer.person_id.as_deref() == Some(person.as_str()) && viewer.role != Role::SalesOps {
        return Err("Person: your own objective is proposed by your manager.".into());
    }
    let year: i32 = f
        .year
        .trim()
        .parse()
        .ok()
        .filter(|y| (1900..=9999).contains(y))
        .ok_or("Year: a fiscal year like 2026.")?;
    let month: u32 = f
        .month
        .trim()
        .parse()
        .ok()
        .filter(|m| (1..=12).contains(m))
        .ok_or("Month: a fiscal month from 1 to 12.")?;
    let metric = Metric::parse(f.metric.trim()).map_err(|e| format!("Metric: {e}."))?;
    let amount = Money::parse(f.amount.trim())
        .ok()
        .filter(|a| *a >= Money::ZERO)
        .ok_or("Amount: a non-negative amount like 12500.00.")?;
    if f.reason.trim().is_empty() {
        return Err("Reason: say why the objective should change.".into());
    }
    Ok((person, year, month, metric, amount))
}

/// Proposes an adjustment (managers, directors, sales ops).
pub async fn propose_adjustment(
    State(state): State<AppState>,
    viewer: Viewer,
    Form(f): Form<Proposal>,
) -> PageResult {
    if !proposes(&viewer) {
        return Err(Fail::Forbidden.into());
    }
    Ok(state
        .blocking(move |store| {
            let (person, year, month, metric, amount) = match check(&viewer, &f) {
                Ok(v) => v,
                Err(m) => return page(store, &viewer, m, StatusCode::UNPROCESSABLE_ENTITY),
            };
            if store
                .conn()?
                .query_opt(
                    "SELECT 1 FROM people WHERE person_id = $1",
                    params![person.as_str()],
                )?
                .is_none()
            {
                let m = "Person: there is no such person.".to_owned();
                return page(store, &viewer, m, StatusCode::UNPROCESSABLE_ENTITY);
            }
            let mut conn = store.conn()?;
            let mut tx = conn.transaction()?;
            let current = tx
                .query_opt(
                    "SELECT amount FROM targets WHERE scope = 'person' AND scope_id = $1
                     AND year = $2 AND month = $3 AND metric = $4",
                    params![person.as_str(), year, i64::from(month), metric.as_str()],
                )?
                .map(|r| r.int(0))
                .transpose()?;
            let id = tx
                .query_one(
                    "INSERT INTO objective_adjustments (person_id, year, month, metric,
                         current_amount, proposed_amount, reason, status, proposed_by, proposed_at)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, 'proposed', $8, $9) RETURNING adjustment_id",
                    params![
                        person.as_str(),
                        year,
                        i64::from(month),
                        metric.as_str(),
                        current,
                        amount.cents(),
                        f.reason.trim(),
                        viewer.email.as_str(),
                        Utc::now()
                    ],
                )?
                .int(0)?;
            audit::record(
                &mut tx,
                &Change {
                    actor: &viewer.email,
                    action: "propose",
                    entity: "objective_adjustment",
                    key: &id.to_string(),
                    before: None,
                    after: Some(serde_json::json!({
                        "person_id": person, "year": year, "month": month,
                        "metric": metric.as_str(), "current": current.map(|c| Money::from_cents(c).to_string()),
                        "proposed": amount.to_string(), "reason": f.reason.trim(),
                    })),
                },
            )?;
            tx.commit()?;
            Ok(Redirect::to("/plan/adjustments").into_response())
        })
        .await?)
}

/// The decision form.
#[derive(Debug, Default, serde::Deserialize)]
pub struct Decision {
    /// `approve` or `reject`.
    #[serde(default)]
    decision: String,
}

/// Approves (writes the person's target) or rejects a proposal (sales ops), audited.
pub async fn decide_adjustment(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    Form(f): Form<Decision>,
) -> PageResult {
    Ok(state
        .blocking(move |store| {
            let mut conn = store.conn()?;
            let mut tx = conn.transaction()?;
            let row = tx
                .query_opt(
                    "SELECT person_id, year, month, metric, proposed_amount, status
                     FROM objective_adjustments WHERE adjustment_id = $1",
                    params![id],
                )?
                .ok_or(Fail::NotFound)?;
            let (person, year, month, metric, amount, status) = (
                row.string(0)?,
                row.int(1)?,
                row.int(2)?,
                row.string(3)?,
                row.int(4)?,
                row.string(5)?,
            );
            if status != "proposed" {
                drop(tx);
                let m = format!("Adjustment {id} is already {status}.");
                return page(store, &viewer, m, StatusCode::CONFLICT);
            }
            let approve = match f.decision.as_str() {
                "approve" => true,
                "reject" => false,
                _ => {
                    drop(tx);
                    let m = "Choose approve or reject.".to_owned();
                    return page(store, &viewer, m, StatusCode::UNPROCESSABLE_ENTITY);
                }
            };
            let key = params![person.as_str(), year, month, metric.as_str()];
            let before = tx
                .query_opt(
                    "SELECT amount FROM targets WHERE scope = 'person' AND scope_id = $1
                     AND year = $2 AND month = $3 AND metric = $4",
                    key,
                )?
                .map(|r| r.int(0))
                .transpose()?;
            if approve {
                tx.execute(
                    "DELETE FROM targets WHERE scope = 'person' AND scope_id = $1
                     AND year = $2 AND month = $3 AND metric = $4",
                    key,
                )?;
                tx.execute(
                    "INSERT INTO targets (scope, scope_id, year, month, metric, amount)
                     VALUES ('person', $1, $2, $3, $4, $5)",
                    params![person.as_str(), year, month, metric.as_str(), amount],
                )?;
            }
            let new_status = if approve { "approved" } else { "rejected" };
            tx.execute(
                "UPDATE objective_adjustments SET status = $2, decided_by = $3, decided_at = $4
                 WHERE adjustment_id = $1",
                params![id, new_status, viewer.email.as_str(), Utc::now()],
            )?;
            let target = |a: Option<i64>| a.map(|c| Money::from_cents(c).to_string());
            audit::record(
                &mut tx,
                &Change {
                    actor: &viewer.email,
                    action: if approve { "approve" } else { "reject" },
                    entity: "objective_adjustment",
                    key: &id.to_string(),
                    before: Some(serde_json::json!({
                        "status": "proposed", "person_id": person, "year": year, "month": month,
                        "metric": metric, "target": target(before),
                    })),
                    after: Some(serde_json::json!({
                        "status": new_status, "person_id": person, "year": year, "month": month,
                        "metric": metric,
                        "target": if approve { target(Some(amount)) } else { target(before) },
                    })),
                },
            )?;
            tx.commit()?;
            Ok(Redirect::to("/plan/adjustments").into_response())
        })
        .await?)
}
