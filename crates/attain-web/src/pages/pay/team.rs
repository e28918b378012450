//! Pay › Team payouts: what each person the viewer may see is paid in a month or year to date
//! (managers their team, sales ops and executives everyone), and for sales ops the month's
//! payout lines and adjustments as CSV or XLSX.

use super::close::download;
use super::fiscal_month;
use crate::error::{Fail, PageResult};
use crate::fmt::{Amount, money};
use crate::pages::{Chrome, Company, Pager, query_string, render};
use crate::sheet::{Cell, Sheet};
use crate::{AppState, Viewer};
use askama::Template;
use attain_domain::{Money, Ratio};
use attain_store::{Executor, Store, Value, params};
use axum::extract::{Query, State};

const PER_PAGE: i64 = 50;

/// The query of the team payouts page and its exports.
#[derive(Debug, Default, serde::Deserialize)]
pub struct TeamQuery {
    /// The fiscal year (default: the current one).
    pub year: Option<i32>,
    /// The fiscal month (default: the current one).
    pub month: Option<u32>,
    /// `month` (default) or `ytd`.
    #[serde(default)]
    pub view: String,
    /// The page, from 1.
    pub page: Option<i64>,
}

/// One person's pay.
pub struct PayRow {
    href: String,
    name: String,
    person_id: String,
    calculated: Amount,
    adjustments: Amount,
    total: Amount,
    /// Where the person stands with their plan (empty without a plan).
    plan: String,
    plan_accepted: bool,
}

/// A month to choose.
pub struct MonthChoice {
    month: u32,
    label: String,
}

#[derive(Template)]
#[template(path = "pay_team.html")]
struct TeamPage {
    chrome: Chrome,
    year: i32,
    month: u32,
    ytd: bool,
    period: String,
    choices: Vec<MonthChoice>,
    rows: Vec<PayRow>,
    pager: Pager,
    calculated: Amount,
    adjustments: Amount,
    total: Amount,
    is_ops: bool,
    export: String,
}

/// Lists what the visible people are paid in a month or year to date.
pub async fn show_team(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(q): Query<TeamQuery>,
) -> PageResult {
    Ok(state
        .blocking(move |store| -> Result<_, Fail> {
            let mut conn = store.conn()?;
            let company = Company::load(&mut conn)?;
            let cur = &company.currency;
            let (ty, tm) = company.today();
            let year = q.year.unwrap_or(ty);
            let month = fiscal_month(q.month.unwrap_or(if year == ty { tm } else { 12 }))?;
            let ytd = q.view == "ytd";
            let first = if ytd { 1 } else { month };
            let mut args: Vec<Value> = vec![year.into(), first.into(), month.into()];
            let scope = viewer.people().sql("s.person_id", &mut args);
            let filter = format!(
                "FROM result_statements s JOIN people p ON p.person_id = s.person_id
                 WHERE s.year = $1 AND s.month >= $2 AND s.month <= $3 AND {scope}"
            );
            let totals = conn.query_one(
                &format!(
                    "SELECT COUNT(DISTINCT s.person_id), CAST(COALESCE(SUM(s.calculated), 0) AS BIGINT),
                            CAST(COALESCE(SUM(s.adjustments), 0) AS BIGINT),
                            CAST(COALESCE(SUM(s.total), 0) AS BIGINT) {filter}"
                ),
                &args,
            )?;
            let view = q.view.clone();
            let pager = Pager::new(totals.int(0)?, q.page.unwrap_or(1), PER_PAGE, |p| {
                format!(
                    "/pay/team{}",
                    query_string(&[
                        ("year", year.to_string()),
                        ("month", month.to_string()),
                        ("view", view.clone()),
                        ("page", p.to_string())
                    ])
                )
            });
            let rows = conn
                .query(
                    &format!(
                        "SELECT s.person_id, p.name, CAST(SUM(s.calculated) AS BIGINT),
                                CAST(SUM(s.adjustments) AS BIGINT), CAST(SUM(s.total) AS BIGINT)
                         {filter} GROUP BY s.person_id, p.name ORDER BY p.name, s.person_id
                         LIMIT {PER_PAGE} OFFSET {}",
                        pager.offset(PER_PAGE)
                    ),
                    &args,
                )?
                .iter()
                .map(|r| {
                    let id = r.string(0)?;
                    Ok(PayRow {
                        href: if ytd {
                            format!("/pay/statements?person={id}&year={year}")
                        } else {
                            format!("/pay/statements/{id}/{year}/{month}")
                        },
                        name: r.string(1)?,
                        person_id: id,
                        calculated: money(r.money(2)?, cur),
                        adjustments: money(r.money(3)?, cur),
                        total: money(r.money(4)?, cur),
                        plan: String::new(),
                        plan_accepted: false,
                    })
                })
                .collect::<Result<Vec<PayRow>, Fail>>()?;
            let mut rows = rows;
            plan_standing(&mut conn, year, &mut rows)?;
            let label = |m: u32| {
                format!(
                    "{} {}",
                    company.month_label(year, m),
                    company.calendar.month_start(year, m).format("%Y")
                )
            };
            let period = if ytd {
                format!("fiscal {year} through {}", label(month))
            } else {
                label(month)
            };
            render(&TeamPage {
                chrome: Chrome::new(&viewer, &company, "Team payouts", "pay", "team"),
                choices: (1..=12)
                    .map(|m| MonthChoice {
                        month: m,
                        label: label(m),
                    })
                    .collect(),
                calculated: money(totals.money(1)?, cur),
                adjustments: money(totals.money(2)?, cur),
                total: money(totals.money(3)?, cur),
                is_ops: viewer.is_sales_ops(),
                export: format!("year={year}&month={month}"),
                year,
                month,
                ytd,
                period,
                rows,
                pager,
            })
        })
        .await?)
}

/// Fills in where each listed person stands with the acceptance of their plan.
fn plan_standing(ex: &mut impl Executor, year: i32, rows: &mut [PayRow]) -> Result<(), Fail> {
    if rows.is_empty() {
        return Ok(());
    }
    let mut args: Vec<Value> = vec![year.into()];
    args.extend(rows.iter().map(|r| Value::from(&r.person_id)));
    let marks: Vec<String> = (2..=args.len()).map(|i| format!("${i}")).collect();
    let assigned: Vec<(String, String, Option<i64>)> = ex
        .query(
            &format!(
                "SELECT person_id, plan_id, target_incentive FROM plan_assignments
                 WHERE year = $1 AND person_id IN ({})",
                marks.join(", ")
            ),
            &args,
        )?
        .iter()
        .map(|r| Ok((r.string(0)?, r.string(1)?, r.opt_int(2)?)))
        .collect::<Result<_, Fail>>()?;
    let standing = super::plan::standings(ex, year, &assigned)?;
    for ((person, _, _), st) in assigned.iter().zip(standing) {
        if let Some(row) = rows.iter_mut().find(|r| &r.person_id == person) {
            row.plan_accepted = st.is_accepted();
            row.plan = if st.is_accepted() {
                "accepted".into()
            } else {
                st.label()
            };
        }
    }
    Ok(())
}

/// Returns the month's payout lines and manual adjustments of everyone, one row each.
fn month_sheet(store: &Store, q: &TeamQuery) -> Result<Sheet, Fail> {
    let mut conn = store.conn()?;
    let company = Company::load(&mut conn)?;
    let (ty, tm) = company.today();
    let year = q.year.unwrap_or(ty);
    let month = fiscal_month(q.month.unwrap_or(tm))?;
    let empty = || Cell::Text(String::new());
    let mut rows = Vec::new();
    for r in conn.query(
        "SELECT r.person_id, p.name, r.plan_id, r.component, r.period_credit, r.period_target,
                r.attainment, r.earned_to_date, r.adjustment, r.payout
         FROM result_payouts r LEFT JOIN people p ON p.person_id = r.person_id
         WHERE r.year = $1 AND r.month = $2 ORDER BY r.person_id, r.plan_id, r.component",
        params![year, month],
    )? {
        rows.push(vec![
            Cell::Text(r.string(0)?),
            Cell::Text(r.opt_string(1)?.unwrap_or_default()),
            Cell::Int(i64::from(year)),
            Cell::Int(i64::from(month)),
            "component".into(),
            Cell::Text(r.string(2)?),
            Cell::Text(r.string(3)?),
            empty(),
            Cell::Money(r.money(4)?),
            Cell::Money(r.money(5)?),
            Cell::Ratio(r.opt_int(6)?.map(Ratio::from_micros)),
            Cell::Money(r.money(7)?),
            r.opt_int(8)?
                .map_or_else(empty, |a| Cell::Money(Money::from_cents(a))),
            Cell::Money(r.money(9)?),
            empty(),
        ]);
    }
    for r in conn.query(
        "SELECT a.person_id, p.name, a.adjustment_id, a.amount, a.reason
         FROM adjustments a LEFT JOIN people p ON p.person_id = a.person_id
         WHERE a.year = $1 AND a.month = $2 AND a.amount <> 0 ORDER BY a.person_id, a.adjustment_id",
        params![year, month],
    )? {
        rows.push(vec![
            Cell::Text(r.string(0)?),
            Cell::Text(r.opt_string(1)?.unwrap_or_default()),
            Cell::Int(i64::from(year)),
            Cell::Int(i64::from(month)),
            "adjustment".into(),
            empty(),
            empty(),
            Cell::Text(r.string(2)?),
            empty(),
            empty(),
            Cell::Ratio(None),
            empty(),
            empty(),
            Cell::Money(r.money(3)?),
            Cell::Text(r.string(4)?),
        ]);
    }
    rows.sort_by(|a, b| match (&a[0], &b[0]) {
        (Cell::Text(x), Cell::Text(y)) => x.cmp(y),
        _ => std::cmp::Ordering::Equal,
    });
    Ok(Sheet {
        name: format!("Payouts {year}-{month:02}"),
        header: [
            "person_id",
            "name",
            "year",
            "month",
            "line",
            "plan_id",
            "component",
            "adjustment_id",
            "period_credit",
            "period_target",
            "attainment",
            "earned_to_date",
            "prior_period_adjustment",
            "amount",
            "reason",
        ]
        .map(String::from)
        .to_vec(),
        rows,
    })
}

/// Downloads the month's payouts as CSV (sales ops).
pub async fn export_team_csv(
    State(state): State<AppState>,
    Query(q): Query<TeamQuery>,
) -> PageResult {
    Ok(state
        .blocking(move |store| -> Result<_, Fail> {
            let sheet = month_sheet(store, &q)?;
            let file = format!("{}.csv", sheet.name.to_lowercase().replace(' ', "-"));
            Ok(download(
                sheet.to_csv().into_bytes(),
                "text/csv; charset=utf-8",
                &file,
            ))
        })
        .await?)
}

/// Downloads the month's payouts as an XLSX workbook (sales ops).
pub async fn export_team_xlsx(
    State(state): State<AppState>,
    Query(q): Query<TeamQuery>,
) -> PageResult {
    Ok(state
        .blocking(move |store| -> Result<_, Fail> {
            let sheet = month_sheet(store, &q)?;
            let file = format!("{}.xlsx", sheet.name.to_lowercase().replace(' ', "-"));
            Ok(download(
                sheet.to_xlsx(),
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                &file,
            ))
        })
        .await?)
}
