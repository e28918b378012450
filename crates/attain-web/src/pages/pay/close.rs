//! Pay › Close (sales operations): the year's months, closed or open, with their totals; the
//! confirmation of what `lock through M` will close; closing, reopening the latest closed month
//! with a reason, and recalculating — each through the engine's operations, which audit them;
//! and the payroll file of a closed month.

use super::{changed_since, fiscal_month, last_locked, latest_run};
use crate::error::{Fail, PageResult};
use crate::fmt::{Amount, money};
use crate::pages::{Chrome, Company, render};
use crate::sheet::{Cell, Sheet};
use crate::{AppState, Viewer};
use askama::Template;
use attain_dataset::NoProgress;
use attain_domain::Money;
use attain_engine::EngineError;
use attain_store::{Executor, Store, params};
use axum::extract::{Form, Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};

/// One month of the year on the close page.
pub struct MonthState {
    month: u32,
    label: String,
    closed: bool,
    closed_at: String,
    closed_by: String,
    people: i64,
    total: Amount,
    can_close: bool,
    can_reopen: bool,
}

#[derive(Template)]
#[template(path = "pay_close.html")]
struct ClosePage {
    chrome: Chrome,
    year: i32,
    months: Vec<MonthState>,
    calc_at: String,
    calc_by: String,
    warnings: Vec<String>,
    stale: bool,
    message: String,
    problem: String,
}

/// The query of the close page.
#[derive(Debug, Default, serde::Deserialize)]
pub struct CloseQuery {
    /// The fiscal year (default: the current one).
    pub year: Option<i32>,
    /// What was just done: `calculated`, `locked`, `unlocked`.
    #[serde(default)]
    pub done: String,
}

fn close_page(
    store: &Store,
    viewer: &Viewer,
    year: Option<i32>,
    message: String,
    problem: String,
) -> Result<(Company, ClosePage), Fail> {
    let mut conn = store.conn()?;
    let company = Company::load(&mut conn)?;
    let year = year.unwrap_or_else(|| company.today().0);
    let cur = &company.currency;
    let last = last_locked(&mut conn, year)?;
    let mut closed: std::collections::HashMap<i64, (String, String, i64, Money)> =
        std::collections::HashMap::new();
    for r in conn.query(
        "SELECT month, MIN(closed_at), MIN(closed_by), COUNT(*), CAST(SUM(total) AS BIGINT)
         FROM closed_statements WHERE year = $1 GROUP BY month",
        params![year],
    )? {
        closed.insert(
            r.int(0)?,
            (
                r.time(1)?.format("%Y-%m-%d %H:%M UTC").to_string(),
                r.string(2)?,
                r.int(3)?,
                r.money(4)?,
            ),
        );
    }
    let mut open: std::collections::HashMap<i64, (i64, Money)> = std::collections::HashMap::new();
    for r in conn.query(
        "SELECT month, COUNT(*), CAST(SUM(total) AS BIGINT) FROM result_statements
         WHERE year = $1 GROUP BY month",
        params![year],
    )? {
        open.insert(r.int(0)?, (r.int(1)?, r.money(2)?));
    }
    let run = latest_run(&mut conn, year)?;
    let stale = match &run {
        Some(r) => changed_since(&mut conn, r.finished_at)?,
        None => false,
    };
    let months = (1..=12u32)
        .map(|m| {
            let is_closed = m <= last;
            let (at, by, people, total) = match (is_closed, closed.get(&i64::from(m))) {
                (true, Some((at, by, n, t))) => (at.clone(), by.clone(), *n, *t),
                _ => {
                    let (n, t) = open.get(&i64::from(m)).copied().unwrap_or((0, Money::ZERO));
                    (String::new(), String::new(), n, t)
                }
            };
            MonthState {
                month: m,
                label: company.month_label(year, m),
                closed: is_closed,
                closed_at: at,
                closed_by: by,
                people,
                total: money(total, cur),
                can_close: !is_closed && run.is_some(),
                can_reopen: is_closed && m == last,
            }
        })
        .collect();
    let page = ClosePage {
        chrome: Chrome::new(
            viewer,
            &company,
            format!("Month close · {year}"),
            "pay",
            "close",
        ),
        year,
        months,
        calc_at: run.as_ref().map_or_else(String::new, super::Run::when),
        calc_by: run.as_ref().map_or_else(String::new, |r| r.actor.clone()),
        warnings: run.map(|r| r.warnings).unwrap_or_default(),
        stale,
        message,
        problem,
    };
    Ok((company, page))
}

/// Shows the year's months with their state and totals.
pub async fn show_close(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(q): Query<CloseQuery>,
) -> PageResult {
    Ok(state
        .blocking(move |store| -> Result<_, Fail> {
            let message = match q.done.as_str() {
                "calculated" => "Calculated: the results below are the new ones.",
                "locked" => "Closed. The statements are kept as they were paid, and the closing is in the audit log.",
                "unlocked" => "Reopened. The month's paid rows are deleted and the year recalculated; the reason is in the audit log.",
                _ => "",
            };
            let (_, page) = close_page(store, &viewer, q.year, message.into(), String::new())?;
            render(&page)
        })
        .await?)
}

/// Answers a refused operation with the close page and its reason.
fn refused(store: &Store, viewer: &Viewer, year: i32, problem: String) -> Result<Response, Fail> {
    let (_, page) = close_page(store, viewer, Some(year), String::new(), problem)?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(page.render()?)).into_response())
}

/// Recalculates the year (the engine's `calc`).
pub async fn submit_calculate(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(year): Path<i32>,
) -> PageResult {
    Ok(state
        .blocking(move |store| -> Result<_, Fail> {
            match attain_engine::run_calc(store, year, &viewer.email, &NoProgress) {
                Ok(_) => Ok(
                    Redirect::to(&format!("/pay/close?year={year}&done=calculated"))
                        .into_response(),
                ),
                Err(EngineError::Store(e)) => Err(e.into()),
                Err(e) => refused(store, &viewer, year, e.to_string()),
            }
        })
        .await?)
}

/// A component's total in the months being closed.
pub struct ComponentTotal {
    month: String,
    plan_id: String,
    component: String,
    people: i64,
    total: Amount,
}

/// One month being closed.
pub struct Closing {
    label: String,
    people: i64,
    calculated: Amount,
    adjustments: Amount,
    total: Amount,
}

#[derive(Template)]
#[template(path = "pay_confirm.html")]
struct ConfirmPage {
    chrome: Chrome,
    year: i32,
    month: u32,
    label: String,
    months: Vec<Closing>,
    components: Vec<ComponentTotal>,
    total: Amount,
    run_id: i64,
    calc_at: String,
    warnings: Vec<String>,
    stale: bool,
    problem: String,
}

fn confirm_page(
    store: &Store,
    viewer: &Viewer,
    year: i32,
    month: u32,
    problem: String,
) -> Result<Option<ConfirmPage>, Fail> {
    let mut conn = store.conn()?;
    let company = Company::load(&mut conn)?;
    let cur = &company.currency;
    let last = last_locked(&mut conn, year)?;
    if month <= last {
        return Ok(None);
    }
    let Some(run) = latest_run(&mut conn, year)? else {
        return Ok(None);
    };
    let stale = changed_since(&mut conn, run.finished_at)?;
    let first = last + 1;
    let components = conn
        .query(
            "SELECT month, plan_id, component, COUNT(*), CAST(SUM(payout) AS BIGINT)
             FROM result_payouts WHERE year = $1 AND month >= $2 AND month <= $3
             GROUP BY month, plan_id, component ORDER BY month, plan_id, component",
            params![year, first, month],
        )?
        .iter()
        .map(|r| {
            Ok(ComponentTotal {
                month: company.month_label(year, u32::try_from(r.int(0)?).unwrap_or(1)),
                plan_id: r.string(1)?,
                component: r.string(2)?,
                people: r.int(3)?,
                total: money(r.money(4)?, cur),
            })
        })
        .collect::<Result<Vec<_>, Fail>>()?;
    let mut grand = Money::ZERO;
    let months = conn
        .query(
            "SELECT month, COUNT(*), CAST(SUM(calculated) AS BIGINT),
                    CAST(SUM(adjustments) AS BIGINT), CAST(SUM(total) AS BIGINT)
             FROM result_statements WHERE year = $1 AND month >= $2 AND month <= $3
             GROUP BY month ORDER BY month",
            params![year, first, month],
        )?
        .iter()
        .map(|r| {
            grand += r.money(4)?;
            Ok(Closing {
                label: company.month_label(year, u32::try_from(r.int(0)?).unwrap_or(1)),
                people: r.int(1)?,
                calculated: money(r.money(2)?, cur),
                adjustments: money(r.money(3)?, cur),
                total: money(r.money(4)?, cur),
            })
        })
        .collect::<Result<Vec<_>, Fail>>()?;
    let label = format!(
        "{} {}",
        company.month_label(year, month),
        company.calendar.month_start(year, month).format("%Y")
    );
    Ok(Some(ConfirmPage {
        chrome: Chrome::new(
            viewer,
            &company,
            format!("Close through {label}"),
            "pay",
            "close",
        ),
        year,
        month,
        label,
        months,
        components,
        total: money(grand, cur),
        run_id: run.run_id,
        calc_at: run.when(),
        warnings: run.warnings,
        stale,
        problem,
    }))
}

/// Shows what closing through a month will close, before anything is done.
pub async fn show_confirm_close(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((year, month)): Path<(i32, u32)>,
) -> PageResult {
    Ok(state
        .blocking(move |store| -> Result<_, Fail> {
            let month = fiscal_month(month)?;
            match confirm_page(store, &viewer, year, month, String::new())? {
                Some(page) => render(&page),
                None => Ok(Redirect::to(&format!("/pay/close?year={year}")).into_response()),
            }
        })
        .await?)
}

/// The confirmation form.
#[derive(Debug, serde::Deserialize)]
pub struct LockForm {
    /// The calculation the confirmation showed.
    pub run_id: i64,
}

/// Closes every open month through `month` (the engine's `lock`), when the figures are still the
/// ones the confirmation showed.
pub async fn submit_lock(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((year, month)): Path<(i32, u32)>,
    Form(f): Form<LockForm>,
) -> PageResult {
    Ok(state
        .blocking(move |store| -> Result<_, Fail> {
            let month = fiscal_month(month)?;
            let current = {
                let mut conn = store.conn()?;
                match latest_run(&mut conn, year)? {
                    Some(r) if r.run_id == f.run_id => !changed_since(&mut conn, r.finished_at)?,
                    _ => false,
                }
            };
            if !current {
                let problem = "The figures changed after this confirmation was shown (a new calculation or new data): review them again.".to_owned();
                return match confirm_page(store, &viewer, year, month, problem)? {
                    Some(page) => {
                        Ok((StatusCode::CONFLICT, Html(page.render()?)).into_response())
                    }
                    None => Ok(Redirect::to(&format!("/pay/close?year={year}")).into_response()),
                };
            }
            match attain_engine::run_lock(store, year, month, &viewer.email, &NoProgress) {
                Ok(_) => Ok(
                    Redirect::to(&format!("/pay/close?year={year}&done=locked")).into_response()
                ),
                Err(EngineError::Store(e)) => Err(e.into()),
                Err(e) => refused(store, &viewer, year, e.to_string()),
            }
        })
        .await?)
}

/// The reopening form.
#[derive(Debug, serde::Deserialize)]
pub struct UnlockForm {
    /// Why the month is reopened (required).
    #[serde(default)]
    pub reason: String,
}

/// Reopens the latest closed month (the engine's `unlock`), with its reason.
pub async fn submit_unlock(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((year, month)): Path<(i32, u32)>,
    Form(f): Form<UnlockForm>,
) -> PageResult {
    Ok(state
        .blocking(move |store| -> Result<_, Fail> {
            let month = fiscal_month(month)?;
            match attain_engine::run_unlock(
                store,
                year,
                month,
                &f.reason,
                &viewer.email,
                &NoProgress,
            ) {
                Ok(_) => Ok(
                    Redirect::to(&format!("/pay/close?year={year}&done=unlocked")).into_response(),
                ),
                Err(EngineError::Store(e)) => Err(e.into()),
                Err(e) => refused(store, &viewer, year, e.to_string()),
            }
        })
        .await?)
}

/// Downloads the payroll file of a closed month: what each person is paid, as kept at closing.
pub async fn export_payroll(
    State(state): State<AppState>,
    Path((year, month)): Path<(i32, u32)>,
) -> PageResult {
    Ok(state
        .blocking(move |store| -> Result<_, Fail> {
            let month = fiscal_month(month)?;
            let mut conn = store.conn()?;
            if month > last_locked(&mut conn, year)? {
                return Err(Fail::NotFound);
            }
            let company = Company::load(&mut conn)?;
            let rows = conn
                .query(
                    "SELECT c.person_id, p.name, p.email, c.total FROM closed_statements c
                     LEFT JOIN people p ON p.person_id = c.person_id
                     WHERE c.year = $1 AND c.month = $2 ORDER BY c.person_id",
                    params![year, month],
                )?
                .iter()
                .map(|r| {
                    Ok(vec![
                        Cell::Text(r.string(0)?),
                        Cell::Text(r.opt_string(1)?.unwrap_or_default()),
                        Cell::Text(r.opt_string(2)?.unwrap_or_default()),
                        Cell::Money(r.money(3)?),
                        Cell::Text(company.currency.code.clone()),
                    ])
                })
                .collect::<Result<Vec<_>, Fail>>()?;
            let sheet = Sheet {
                name: format!("Payroll {year}-{month:02}"),
                header: ["person_id", "name", "email", "amount", "currency"]
                    .map(String::from)
                    .to_vec(),
                rows,
            };
            Ok(download(
                sheet.to_csv().into_bytes(),
                "text/csv; charset=utf-8",
                &format!("payroll-{year}-{month:02}.csv"),
            ))
        })
        .await?)
}

/// Returns a file download.
pub fn download(body: Vec<u8>, content_type: &'static str, filename: &str) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{filename}\""),
            ),
        ],
        body,
    )
        .into_response()
}
