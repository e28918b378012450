//! Pay › What-if: "if I close a deal of X in month M", the new attainment, band and payout of
//! each component and the difference from today, computed by the engine's pure core on the
//! person's current inputs (their slice of the year, read now) plus the hypothetical deal.
//! Nothing is written.

use super::{components_of, fiscal_month, parse_amount, reached_text, visible_person};
use crate::error::{Fail, PageResult};
use crate::fmt::{Amount, attainment, money};
use crate::pages::{Chrome, Company, render};
use crate::{AppState, Viewer};
use askama::Template;
use attain_domain::Money;
use attain_domain::vocab::Metric;
use attain_engine::explain::{Deal, reached, what_if};
use attain_engine::results::PayoutRow;
use attain_store::{Executor, params};
use axum::extract::{Path, Query, State};

/// The what-if form.
#[derive(Debug, Default, serde::Deserialize)]
pub struct WhatIfQuery {
    /// The fiscal year (default: the current one).
    pub year: Option<i32>,
    /// The fiscal month of the deal (default: the current one).
    pub month: Option<u32>,
    /// The deal's amount, as typed.
    #[serde(default)]
    pub amount: String,
    /// The metric the deal counts for (default: the plan's first component's).
    #[serde(default)]
    pub metric: String,
}

/// One component, today and with the deal.
pub struct Compare {
    /// `component (plan)`.
    pub title: String,
    /// The metric.
    pub metric: String,
    /// Attainment today and with the deal.
    pub att_today: String,
    pub att_with: String,
    /// The band or curve segment reached today and with the deal.
    pub tier_today: String,
    pub tier_with: String,
    /// The payout of the deal's month today and with the deal, and the difference.
    pub payout_today: Amount,
    pub payout_with: Amount,
    pub payout_diff: Amount,
    /// Earned to date in the deal's month, today and with the deal.
    pub etd_today: Amount,
    pub etd_with: Amount,
}

/// The whole estimate.
pub struct Estimate {
    /// One entry per component.
    pub components: Vec<Compare>,
    /// The year's pay today, with the deal, and the difference.
    pub year_today: Amount,
    pub year_with: Amount,
    pub year_diff: Amount,
    /// The deal's month's pay today, with the deal, and the difference.
    pub month_today: Amount,
    pub month_with: Amount,
    pub month_diff: Amount,
}

/// Computes the estimate for `person` (visible, existing): `Ok(None)` without a plan.
pub fn estimate(
    conn: &mut impl Executor,
    company: &Company,
    person: &str,
    year: i32,
    deal: &Deal,
) -> Result<Option<Estimate>, Fail> {
    let cur = &company.currency;
    let inputs =
        attain_engine::person::load_person(conn, year, person, 1..=12).map_err(super::load_fail)?;
    if inputs.assignments.is_empty() {
        return Ok(None);
    }
    let w = what_if(&inputs, person, deal)
        .map_err(|e| Fail::BadRequest(format!("the estimate cannot be computed: {e}")))?;
    let plans: Vec<String> = w.today.iter().map(|r| r.plan_id.clone()).collect();
    let components = components_of(conn, plans)?;
    let at_month = |rows: &[PayoutRow]| -> Vec<PayoutRow> {
        rows.iter()
            .filter(|r| r.month == deal.month)
            .cloned()
            .collect()
    };
    let (today, with) = (at_month(&w.today), at_month(&w.with_deal));
    let mut out = Vec::new();
    for (t, d) in today.iter().zip(&with) {
        let c = components.get(&(t.plan_id.clone(), t.component_id.clone()));
        let tier = |r: &PayoutRow| {
            c.map_or_else(String::new, |c| {
                reached_text(&reached(c, r.period_credit, r.period_target))
            })
        };
        out.push(Compare {
            title: format!("{} ({})", t.component_id, t.plan_id),
            metric: c.map_or_else(String::new, |c| c.metric.as_str().to_owned()),
            att_today: attainment(t.attainment),
            att_with: attainment(d.attainment),
            tier_today: tier(t),
            tier_with: tier(d),
            payout_today: money(t.payout, cur),
            payout_with: money(d.payout, cur),
            payout_diff: money(d.payout - t.payout, cur),
            etd_today: money(t.earned_to_date, cur),
            etd_with: money(d.earned_to_date, cur),
        });
    }
    let sum = |rows: &[attain_engine::StatementRow], month: Option<u32>| -> Money {
        rows.iter()
            .filter(|s| month.is_none_or(|m| s.month == m))
            .map(|s| s.total)
            .sum()
    };
    let (yt, yw) = (
        sum(&w.statements_today, None),
        sum(&w.statements_with_deal, None),
    );
    let (mt, mw) = (
        sum(&w.statements_today, Some(deal.month)),
        sum(&w.statements_with_deal, Some(deal.month)),
    );
    Ok(Some(Estimate {
        components: out,
        year_today: money(yt, cur),
        year_with: money(yw, cur),
        year_diff: money(yw - yt, cur),
        month_today: money(mt, cur),
        month_with: money(mw, cur),
        month_diff: money(mw - mt, cur),
    }))
}

/// A month to choose.
pub struct Choice {
    value: String,
    label: String,
    selected: bool,
}

#[derive(Template)]
#[template(path = "pay_whatif.html")]
struct WhatIfPage {
    chrome: Chrome,
    person_id: String,
    name: String,
    year: i32,
    months: Vec<Choice>,
    metrics: Vec<Choice>,
    amount: String,
    problem: String,
    has_plan: bool,
    deal: String,
    estimate: Option<Estimate>,
}

/// Returns the metrics the person's plan pays on, in component order (bookings when none).
pub fn plan_metrics(ex: &mut impl Executor, person: &str, year: i32) -> Result<Vec<Metric>, Fail> {
    let mut metrics = Vec::new();
    for r in ex.query(
        "SELECT p.metric FROM plan_assignments a JOIN plans p ON p.plan_id = a.plan_id
         WHERE a.person_id = $1 AND a.year = $2 ORDER BY p.component",
        params![person, year],
    )? {
        if let Ok(m) = Metric::parse(r.text(0)?)
            && !metrics.contains(&m)
        {
            metrics.push(m);
        }
    }
    Ok(metrics)
}

/// Shows the what-if form and, when an amount is given, the estimate.
pub async fn show_whatif(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(person): Path<String>,
    Query(q): Query<WhatIfQuery>,
) -> PageResult {
    Ok(state
        .blocking(move |store| -> Result<_, Fail> {
            let mut conn = store.conn()?;
            let name = visible_person(&mut conn, &viewer, &person)?;
            let company = Company::load(&mut conn)?;
            let (ty, tm) = company.today();
            let year = q.year.unwrap_or(ty);
            let month = fiscal_month(q.month.unwrap_or(if year == ty { tm } else { 1 }))
                .map_err(|_| Fail::BadRequest("the month is 1–12".into()))?;
            let paid_on = plan_metrics(&mut conn, &person, year)?;
            let metric = Metric::parse(q.metric.trim())
                .ok()
                .or_else(|| paid_on.first().copied())
                .unwrap_or(Metric::Bookings);
            let mut problem = String::new();
            let mut estimate_out = None;
            let mut deal_text = String::new();
            if !q.amount.trim().is_empty() && !paid_on.is_empty() {
                match parse_amount(&q.amount) {
                    Ok(amount) => {
                        let deal = Deal {
                            month,
                            metric,
                            amount,
                        };
                        deal_text = format!(
                            "{} of {} in {} {}",
                            money(amount, &company.currency),
                            metric.as_str(),
                            company.month_label(year, month),
                            company.calendar.month_start(year, month).format("%Y")
                        );
                        estimate_out = estimate(&mut conn, &company, &person, year, &deal)?;
                    }
                    Err(e) => problem = e,
                }
            }
            let months = (1..=12)
                .map(|m| Choice {
                    value: m.to_string(),
                    label: format!(
                        "{} {}",
                        company.month_label(year, m),
                        company.calendar.month_start(year, m).format("%Y")
                    ),
                    selected: m == month,
                })
                .collect();
            let metrics = Metric::ALL
                .iter()
                .map(|m| Choice {
                    value: m.as_str().to_owned(),
                    label: if paid_on.contains(m) {
                        m.as_str().to_owned()
                    } else {
                        format!("{} (not paid on)", m.as_str())
                    },
                    selected: *m == metric,
                })
                .collect();
            render(&WhatIfPage {
                chrome: Chrome::new(
                    &viewer,
                    &company,
                    format!("What-if · {name}"),
                    "pay",
                    "statements",
                ),
                person_id: person,
                name,
                year,
                months,
                metrics,
                amount: q.amount.trim().to_owned(),
                problem,
                has_plan: !paid_on.is_empty(),
                deal: deal_text,
                estimate: estimate_out,
            })
        })
        .await?)
}
