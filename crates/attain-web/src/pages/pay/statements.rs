//! Pay › Statements: a person's months of a year, the monthly statement (each component's
//! earnings with attainment, the band reached, credit and target, adjustments and why, the year's
//! running total; a closed month as it was kept at closing), and the drill-down from a payout
//! line to the credits of its window and from a credit to the transactions behind it.

use super::{components_of, fiscal_month, last_locked, latest_run, reached_text, visible_person};
use crate::error::{Fail, PageResult};
use crate::fmt::{Amount, attainment, money};
use crate::pages::{Chrome, Company, render};
use crate::{AppState, Viewer};
use askama::Template;
use attain_domain::vocab::Metric;
use attain_domain::{Money, Ratio};
use attain_engine::explain::{CreditLine, credits_behind, reached};
use attain_store::{Executor, params};
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect};
use std::collections::HashMap;

/// One month in a person's year.
pub struct MonthLink {
    href: String,
    label: String,
    calculated: Amount,
    adjustments: Amount,
    total: Amount,
    running: Amount,
    closed: bool,
}

#[derive(Template)]
#[template(path = "pay_statements.html")]
struct StatementsPage {
    chrome: Chrome,
    person_id: String,
    name: String,
    year: i32,
    months: Vec<MonthLink>,
    own: bool,
    has_plan: bool,
    whatif: String,
}

/// The query of the statements page.
#[derive(Debug, Default, serde::Deserialize)]
pub struct StatementsQuery {
    /// Whose statements (default: the viewer's own person).
    pub person: Option<String>,
    /// The fiscal year (default: the current one).
    pub year: Option<i32>,
}

/// Lists a person's statements of a year, with links to each month.
pub async fn list_statements(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(q): Query<StatementsQuery>,
) -> PageResult {
    Ok(state
        .blocking(move |store| -> Result<_, Fail> {
            let mut conn = store.conn()?;
            let company = Company::load(&mut conn)?;
            let year = q.year.unwrap_or_else(|| company.today().0);
            let Some(person) = q.person.clone().or_else(|| viewer.person_id.clone()) else {
                // A sign-in without a person has no statements of its own.
                return Ok(Redirect::to("/pay/team").into_response());
            };
            let name = visible_person(&mut conn, &viewer, &person)?;
            let cur = &company.currency;
            let closed: Vec<i64> = conn
                .query(
                    "SELECT month FROM closed_statements WHERE person_id = $1 AND year = $2",
                    params![&person, year],
                )?
                .iter()
                .map(|r| r.int(0))
                .collect::<Result<_, _>>()?;
            let mut running = 0i64;
            let months = conn
                .query(
                    "SELECT month, calculated, adjustments, total FROM result_statements
                     WHERE person_id = $1 AND year = $2 ORDER BY month",
                    params![&person, year],
                )?
                .iter()
                .map(|r| {
                    let m = r.int(0)?;
                    running += r.int(3)?;
                    Ok(MonthLink {
                        href: format!("/pay/statements/{person}/{year}/{m}"),
                        label: company.month_label(year, u32::try_from(m).unwrap_or(1)),
                        calculated: money(r.money(1)?, cur),
                        adjustments: money(r.money(2)?, cur),
                        total: money(r.money(3)?, cur),
                        running: money(Money::from_cents(running), cur),
                        closed: closed.contains(&m),
                    })
                })
                .collect::<Result<Vec<_>, Fail>>()?;
            let has_plan = conn
                .query_opt(
                    "SELECT 1 FROM plan_assignments WHERE person_id = $1 AND year = $2",
                    params![&person, year],
                )?
                .is_some();
            render(&StatementsPage {
                chrome: Chrome::new(
                    &viewer,
                    &company,
                    format!("Statements · {name}"),
                    "pay",
                    "statements",
                ),
                own: viewer.person_id.as_deref() == Some(person.as_str()),
                whatif: format!("/pay/whatif/{person}?year={year}"),
                person_id: person,
                name,
                year,
                months,
                has_plan,
            })
        })
        .await?)
}

/// One component's line of a statement.
pub struct Line {
    key: String,
    plan_id: String,
    component: String,
    metric: String,
    window: String,
    credit: Amount,
    target: Amount,
    attainment: String,
    tier: String,
    earned_to_date: Amount,
    prior: Option<Amount>,
    prior_note: String,
    payout: Amount,
    locked: bool,
    differs: String,
    credits_href: String,
}

/// A manual adjustment of the month.
pub struct Manual {
    id: String,
    amount: Amount,
    reason: String,
}

/// The statement as kept at closing.
pub struct Kept {
    at: String,
    by: String,
    calculated: Amount,
    adjustments: Amount,
    total: Amount,
    differs: bool,
}

/// An inquiry raised on the statement.
pub struct InquiryLink {
    href: String,
    line: String,
    status: String,
}

#[derive(Template)]
#[template(path = "pay_statement.html")]
struct StatementPage {
    chrome: Chrome,
    person_id: String,
    name: String,
    year: i32,
    month: u32,
    period: String,
    found: bool,
    lines: Vec<Line>,
    manual: Vec<Manual>,
    calculated: Amount,
    adjustments: Amount,
    total: Amount,
    running: Amount,
    kept: Option<Kept>,
    pending: bool,
    calc_at: String,
    inquiries: Vec<InquiryLink>,
    can_raise: bool,
    prev: String,
    next: String,
    year_href: String,
    credits_href: String,
}

/// Shows a person's statement of one fiscal month.
pub async fn show_statement(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((person, year, month)): Path<(String, i32, u32)>,
) -> PageResult {
    Ok(state
        .blocking(move |store| -> Result<_, Fail> {
            let month = fiscal_month(month)?;
            let mut conn = store.conn()?;
            let name = visible_person(&mut conn, &viewer, &person)?;
            let company = Company::load(&mut conn)?;
            let page = statement_page(&mut conn, &viewer, &company, &person, name, year, month)?;
            render(&page)
        })
        .await?)
}

fn statement_page(
    conn: &mut impl Executor,
    viewer: &Viewer,
    company: &Company,
    person: &str,
    name: String,
    year: i32,
    month: u32,
) -> Result<StatementPage, Fail> {
    let cur = &company.currency;
    let row = conn.query_opt(
        "SELECT calculated, adjustments, total FROM result_statements
         WHERE person_id = $1 AND year = $2 AND month = $3",
        params![person, year, month],
    )?;
    let found = row.is_some();
    let (calculated, adjustments, total) = match &row {
        Some(r) => (r.money(0)?, r.money(1)?, r.money(2)?),
        None => (Money::ZERO, Money::ZERO, Money::ZERO),
    };
    let running = conn
        .query_one(
            "SELECT CAST(COALESCE(SUM(total), 0) AS BIGINT) FROM result_statements
             WHERE person_id = $1 AND year = $2 AND month <= $3",
            params![person, year, month],
        )?
        .money(0)?;
    // Every payout row of the year: this month's lines, and month L's for the prior-period note.
    let rows = conn.query(
        "SELECT plan_id, component, month, period_credit, period_target, attainment,
                earned_to_date, adjustment, payout, locked
         FROM result_payouts WHERE person_id = $1 AND year = $2 ORDER BY plan_id, component, month",
        params![person, year],
    )?;
    let plans: Vec<String> = rows.iter().map(|r| r.string(0)).collect::<Result<_, _>>()?;
    let components = components_of(conn, plans)?;
    let mut etd: HashMap<(String, String, i64), Money> = HashMap::new();
    for r in &rows {
        etd.insert((r.string(0)?, r.string(1)?, r.int(2)?), r.money(6)?);
    }
    let mut paid_through: HashMap<(String, String), Money> = HashMap::new();
    for r in conn.query(
        "SELECT plan_id, component, CAST(SUM(amount) AS BIGINT) FROM paid
         WHERE person_id = $1 AND year = $2 AND month <= $3 GROUP BY plan_id, component",
        params![person, year, month],
    )? {
        paid_through.insert((r.string(0)?, r.string(1)?), r.money(2)?);
    }
    let last = last_locked(conn, year)?;
    let mut lines = Vec::new();
    for r in rows
        .iter()
        .filter(|r| r.int(2).ok() == Some(i64::from(month)))
    {
        let (plan_id, component) = (r.string(0)?, r.string(1)?);
        let (credit, target) = (r.money(3)?, r.money(4)?);
        let c = components.get(&(plan_id.clone(), component.clone()));
        let tier = c.map_or_else(
            || "the component is no longer in the plan".to_owned(),
            |c| reached_text(&reached(c, credit, target)),
        );
        let prior = r.opt_int(7)?.map(Money::from_cents);
        let prior_note = match prior {
            Some(a) if a != Money::ZERO && last > 0 => {
                let earned = etd
                    .get(&(plan_id.clone(), component.clone(), i64::from(last)))
                    .copied()
                    .unwrap_or(Money::ZERO);
                format!(
                    "Change to closed months 1–{last}: they have now earned {} to date, and {} was paid for them.",
                    money(earned, cur),
                    money(earned - a, cur)
                )
            }
            _ => String::new(),
        };
        let locked = r.bool(9)?;
        let earned_to_date = r.money(6)?;
        let differs = if locked {
            let paid = paid_through
                .get(&(plan_id.clone(), component.clone()))
                .copied()
                .unwrap_or(Money::ZERO);
            let gap = earned_to_date - paid;
            if gap == Money::ZERO {
                String::new()
            } else {
                format!(
                    "Today's calculation earns {} to date through this month; {} was paid through it. The difference of {} goes to the first open month.",
                    money(earned_to_date, cur),
                    money(paid, cur),
                    money(gap, cur)
                )
            }
        } else {
            String::new()
        };
        lines.push(Line {
            key: format!("{plan_id}/{component}"),
            metric: c.map_or_else(String::new, |c| c.metric.as_str().to_owned()),
            window: c.map_or_else(String::new, |c| super::window_label(c, year, month)),
            credit: money(credit, cur),
            target: money(target, cur),
            attainment: attainment(r.opt_int(5)?.map(Ratio::from_micros)),
            tier,
            earned_to_date: money(earned_to_date, cur),
            prior: prior.filter(|a| *a != Money::ZERO).map(|a| money(a, cur)),
            prior_note,
            payout: money(r.money(8)?, cur),
            locked,
            differs,
            credits_href: format!(
                "/pay/statements/{person}/{year}/{month}/credits#{plan_id}/{component}"
            ),
            plan_id,
            component,
        });
    }
    let manual = conn
        .query(
            "SELECT adjustment_id, amount, reason FROM adjustments
             WHERE person_id = $1 AND year = $2 AND month = $3 AND amount <> 0
             ORDER BY adjustment_id",
            params![person, year, month],
        )?
        .iter()
        .map(|r| {
            Ok(Manual {
                id: r.string(0)?,
                amount: money(r.money(1)?, cur),
                reason: r.string(2)?,
            })
        })
        .collect::<Result<Vec<_>, Fail>>()?;
    let manual_sum: i64 = conn
        .query_one(
            "SELECT CAST(COALESCE(SUM(amount), 0) AS BIGINT) FROM adjustments
             WHERE person_id = $1 AND year = $2 AND month = $3",
            params![person, year, month],
        )?
        .int(0)?;
    let pending = found && manual_sum != adjustments.cents();
    let kept = conn
        .query_opt(
            "SELECT calculated, adjustments, total, closed_at, closed_by FROM closed_statements
             WHERE person_id = $1 AND year = $2 AND month = $3",
            params![person, year, month],
        )?
        .map(|r| -> Result<Kept, Fail> {
            let kept_total = r.money(2)?;
            Ok(Kept {
                at: r.time(3)?.format("%Y-%m-%d %H:%M UTC").to_string(),
                by: r.string(4)?,
                calculated: money(r.money(0)?, cur),
                adjustments: money(r.money(1)?, cur),
                total: money(kept_total, cur),
                differs: kept_total != total || lines.iter().any(|l| !l.differs.is_empty()),
            })
        })
        .transpose()?;
    let inquiries = conn
        .query(
            "SELECT inquiry_id, line, status FROM inquiries
             WHERE person_id = $1 AND year = $2 AND month = $3 ORDER BY inquiry_id",
            params![person, year, month],
        )?
        .iter()
        .map(|r| {
            Ok(InquiryLink {
                href: format!("/pay/inquiries/{}", r.int(0)?),
                line: r.string(1)?,
                status: r.string(2)?,
            })
        })
        .collect::<Result<Vec<_>, Fail>>()?;
    let calc_at = latest_run(conn, year)?.map_or_else(String::new, |r| r.when());
    let (py, pm) = if month == 1 {
        (year - 1, 12)
    } else {
        (year, month - 1)
    };
    let (ny, nm) = if month == 12 {
        (year + 1, 1)
    } else {
        (year, month + 1)
    };
    let period = format!(
        "{} {} (fiscal month {month} of {year})",
        company.month_label(year, month),
        company.calendar.month_start(year, month).format("%Y")
    );
    Ok(StatementPage {
        chrome: Chrome::new(
            viewer,
            company,
            format!("Statement · {name} · {period}"),
            "pay",
            "statements",
        ),
        can_raise: viewer.person_id.as_deref() == Some(person),
        prev: format!("/pay/statements/{person}/{py}/{pm}"),
        next: format!("/pay/statements/{person}/{ny}/{nm}"),
        year_href: format!("/pay/statements?person={person}&year={year}"),
        credits_href: format!("/pay/statements/{person}/{year}/{month}/credits"),
        person_id: person.to_owned(),
        name,
        year,
        month,
        period,
        found,
        lines,
        manual,
        calculated: money(calculated, cur),
        adjustments: money(adjustments, cur),
        total: money(total, cur),
        running: money(running, cur),
        kept,
        pending,
        calc_at,
        inquiries,
    })
}

/// One month of a window's credit.
pub struct CreditMonth {
    label: String,
    direct: Amount,
    overriding: Amount,
    credited: Amount,
    target: Amount,
    attainment: String,
    href: String,
}

/// A payout line with the credits of its window up to the month.
pub struct WindowCredits {
    key: String,
    title: String,
    months: Vec<CreditMonth>,
    credit: Amount,
    period_credit: Amount,
    matches: bool,
}

#[derive(Template)]
#[template(path = "pay_credits.html")]
struct CreditsPage {
    chrome: Chrome,
    name: String,
    period: String,
    statement: String,
    windows: Vec<WindowCredits>,
}

/// Shows the credits behind each payout line of a statement: the months of its window.
pub async fn show_statement_credits(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((person, year, month)): Path<(String, i32, u32)>,
) -> PageResult {
    Ok(state
        .blocking(move |store| -> Result<_, Fail> {
            let month = fiscal_month(month)?;
            let mut conn = store.conn()?;
            let name = visible_person(&mut conn, &viewer, &person)?;
            let company = Company::load(&mut conn)?;
            let cur = &company.currency;
            let lines = conn.query(
                "SELECT plan_id, component, period_credit FROM result_payouts
                 WHERE person_id = $1 AND year = $2 AND month = $3 ORDER BY plan_id, component",
                params![&person, year, month],
            )?;
            let plans: Vec<String> = lines
                .iter()
                .map(|r| r.string(0))
                .collect::<Result<_, _>>()?;
            let components = components_of(&mut conn, plans)?;
            let mut credits: HashMap<(String, i64), [i64; 3]> = HashMap::new();
            let mut targets: HashMap<(String, i64), i64> = HashMap::new();
            for r in conn.query(
                "SELECT metric, month, direct, override, target FROM result_credits
                 WHERE person_id = $1 AND year = $2 AND month <= $3",
                params![&person, year, month],
            )? {
                let key = (r.string(0)?, r.int(1)?);
                credits.insert(key.clone(), [r.int(2)?, r.int(3)?, 0]);
                targets.insert(key, r.int(4)?);
            }
            let mut windows = Vec::new();
            for line in &lines {
                let (plan_id, component) = (line.string(0)?, line.string(1)?);
                let Some(c) = components.get(&(plan_id.clone(), component.clone())) else {
                    continue;
                };
                let metric = c.metric.as_str();
                let (ws, _) = attain_engine::calc::window(c.period, month);
                let mut sum = 0i64;
                let months = (ws..=month)
                    .map(|m| {
                        let key = (metric.to_owned(), i64::from(m));
                        let [d, o, _] = credits.get(&key).copied().unwrap_or_default();
                        let t = targets.get(&key).copied().unwrap_or(0);
                        sum += d + o;
                        CreditMonth {
                            label: company.month_label(year, m),
                            direct: money(Money::from_cents(d), cur),
                            overriding: money(Money::from_cents(o), cur),
                            credited: money(Money::from_cents(d + o), cur),
                            target: money(Money::from_cents(t), cur),
                            attainment: attainment(crate::fmt::ratio_of(
                                Money::from_cents(d + o),
                                Money::from_cents(t),
                            )),
                            href: format!("/pay/credits/{person}/{year}/{m}/{metric}"),
                        }
                    })
                    .collect();
                let period_credit = line.money(2)?;
                windows.push(WindowCredits {
                    key: format!("{plan_id}/{component}"),
                    title: format!(
                        "{component} ({plan_id}): {metric}, {}",
                        super::window_label(c, year, month)
                    ),
                    months,
                    credit: money(Money::from_cents(sum), cur),
                    period_credit: money(period_credit, cur),
                    matches: sum == period_credit.cents(),
                });
            }
            let period = format!(
                "{} {}",
                company.month_label(year, month),
                company.calendar.month_start(year, month).format("%Y")
            );
            render(&CreditsPage {
                chrome: Chrome::new(
                    &viewer,
                    &company,
                    format!("Credits · {name} · {period}"),
                    "pay",
                    "statements",
                ),
                statement: format!("/pay/statements/{person}/{year}/{month}"),
                name,
                period,
                windows,
            })
        })
        .await?)
}

/// A transaction's part in a credit, for a table.
pub struct TxRow {
    id: String,
    date: String,
    kind: String,
    value: Amount,
    credited: String,
    share: String,
    credit: Amount,
    splits: String,
    reversal: String,
}

/// The most lines shown per table; the totals count them all.
const MAX_LINES: usize = 500;

#[derive(Template)]
#[template(path = "pay_transactions.html")]
struct TransactionsPage {
    chrome: Chrome,
    name: String,
    period: String,
    metric: String,
    direct: Vec<TxRow>,
    direct_count: usize,
    direct_total: Amount,
    overriding: Vec<TxRow>,
    override_count: usize,
    override_total: Amount,
    stored: Option<(Amount, Amount)>,
    matches: bool,
    max: usize,
    back: String,
}

/// Shows the transactions behind a person's credit of one metric in one month: their own share
/// of each (direct) and the credit of the people below them (override), with splits and
/// reversals, as the engine credits them.
pub async fn show_credit_transactions(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((person, year, month, metric)): Path<(String, i32, u32, String)>,
) -> PageResult {
    Ok(state
        .blocking(move |store| -> Result<_, Fail> {
            let month = fiscal_month(month)?;
            let metric = Metric::parse(&metric).map_err(|_| Fail::NotFound)?;
            let mut conn = store.conn()?;
            let name = visible_person(&mut conn, &viewer, &person)?;
            let company = Company::load(&mut conn)?;
            let cur = &company.currency;
            let inputs =
                attain_engine::person::load_person(&mut conn, year, &person, month..=month)
                    .map_err(super::load_fail)?;
            let behind = credits_behind(&inputs, &person, month, metric);
            let stored = conn
                .query_opt(
                    "SELECT direct, override FROM result_credits
                     WHERE person_id = $1 AND year = $2 AND month = $3 AND metric = $4",
                    params![&person, year, month, metric.as_str()],
                )?
                .map(|r| -> Result<(Money, Money), Fail> { Ok((r.money(0)?, r.money(1)?)) })
                .transpose()?;
            let (dt, ot) = (behind.direct_total(), behind.override_total());
            let matches = stored.unwrap_or((Money::ZERO, Money::ZERO)) == (dt, ot);
            let rows = |lines: &[CreditLine]| -> Vec<TxRow> {
                lines
                    .iter()
                    .take(MAX_LINES)
                    .map(|l| tx_row(l, cur))
                    .collect()
            };
            let period = format!(
                "{} {}",
                company.month_label(year, month),
                company.calendar.month_start(year, month).format("%Y")
            );
            render(&TransactionsPage {
                chrome: Chrome::new(
                    &viewer,
                    &company,
                    format!("Transactions · {name} · {period}"),
                    "pay",
                    "statements",
                ),
                back: format!("/pay/statements/{person}/{year}/{month}/credits"),
                name,
                period,
                metric: metric.as_str().to_owned(),
                direct: rows(&behind.direct),
                direct_count: behind.direct.len(),
                direct_total: money(dt, cur),
                overriding: rows(&behind.overriding),
                override_count: behind.overriding.len(),
                override_total: money(ot, cur),
                stored: stored.map(|(d, o)| (money(d, cur), money(o, cur))),
                matches,
                max: MAX_LINES,
            })
        })
        .await?)
}

fn tx_row(l: &CreditLine, cur: &crate::fmt::Currency) -> TxRow {
    let splits = l
        .splits
        .iter()
        .map(|(p, pc)| format!("{p} {pc}%"))
        .collect::<Vec<_>>()
        .join(", ");
    let owner = l.owner.as_deref().unwrap_or("nobody");
    let splits = if splits.is_empty() {
        format!("owner {owner}, no splits")
    } else {
        format!("owner {owner} keeps the rest; {splits}")
    };
    let reversal = match (&l.reverses, l.inherited) {
        (Some(o), true) => format!("reverses {o}, credited as {o} was"),
        (Some(o), false) => format!("reverses {o}"),
        (None, _) => String::new(),
    };
    TxRow {
        id: l.transaction_id.clone(),
        date: l.date.to_string(),
        kind: l.kind.as_str().to_owned(),
        value: money(l.value, cur),
        share: l
            .percent
            .map_or_else(|| "owner".to_owned(), |p| format!("{p}%")),
        credited: l.credited.clone(),
        credit: money(l.credit, cur),
        splits,
        reversal,
    }
}
