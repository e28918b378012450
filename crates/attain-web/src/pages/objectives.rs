//! Plan › Objectives & attainment: a person's (a leader's figures are their team's: credited =
//! direct + override), or a territory's, monthly and quarterly objective against actual for the
//! three metrics, with pacing and a forecast from the weighted pipeline; and the variance report
//! across the people one may see, sortable and exportable as CSV.
//!
//! Objectives are the `targets` rows (the approved plan), actuals `result_credits.credited` or
//! `result_territories.actual`. Attainment is [`ratio_of`], the engine's RHE6, everywhere.

use super::pay::close::download;
use super::{Chrome, Company, Pager, render};
use crate::error::{Fail, PageResult};
use crate::fmt::{Amount, Currency, attainment, money, ratio_of};
use crate::sheet::{Cell, Sheet};
use crate::{AppState, Viewer};
use askama::Template;
use attain_domain::Money;
use attain_domain::rounding::div_rhe;
use attain_store::{Executor, Value, params};
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect};
use std::collections::{HashMap, HashSet};

/// The three metrics, in the order every page shows them.
pub const METRICS: [&str; 3] = ["bookings", "revenue", "margin"];

/// Probabilities of the default open stages, used while the stages table is empty.
pub(crate) const DEFAULT_OPEN_STAGES: &[(&str, i64)] = &[
    ("prospecting", 10),
    ("qualification", 20),
    ("needs_analysis", 40),
    ("proposal", 60),
    ("negotiation", 80),
];

fn metric_index(m: &str) -> Option<usize> {
    METRICS.iter().position(|x| *x == m)
}

/// One period: objective, actual, attainment, variance (actual − objective).
pub struct Line {
    label: String,
    objective: Amount,
    actual: Amount,
    att: String,
    variance: Amount,
}

fn line(label: String, objective: i64, actual: i64, cur: &Currency) -> Line {
    let (o, a) = (Money::from_cents(objective), Money::from_cents(actual));
    Line {
        label,
        objective: money(o, cur),
        actual: money(a, cur),
        att: attainment(ratio_of(a, o)),
        variance: money(a - o, cur),
    }
}

/// One metric's figures on the objectives page.
pub struct Block {
    name: &'static str,
    months: Vec<Line>,
    quarters: Vec<Line>,
    year: Line,
    pacing: Line,
    pipeline: Amount,
    forecast: Line,
}

#[derive(Template)]
#[template(path = "objectives.html")]
struct ObjectivesPage {
    chrome: Chrome,
    year: i32,
    through: u32,
    subject: String,
    kind: &'static str,
    link: String,
    id: String,
    blocks: Vec<Block>,
    has_targets: bool,
    /// The people a manager or director may choose (empty: a free person id).
    team: Vec<(String, String)>,
}

impl ObjectivesPage {
    /// Returns the id in the page's query (the person's or the territory's).
    fn link_id(&self) -> &str {
        &self.id
    }
}

/// The query of the objectives page.
#[derive(Debug, Default, serde::Deserialize)]
pub struct ObjectivesQuery {
    year: Option<i32>,
    #[serde(default)]
    person: String,
    #[serde(default)]
    territory: String,
}

/// Months of the year already passed (or running) for `year`: 12 for past years, 0 for future.
fn through_of(company: &Company, year: i32) -> u32 {
    let (cy, cm) = company.today();
    match year.cmp(&cy) {
        std::cmp::Ordering::Less => 12,
        std::cmp::Ordering::Equal => cm,
        std::cmp::Ordering::Greater => 0,
    }
}

/// Objectives (`[metric][month]`) and actuals of one scope.
type Grid = [[i64; 12]; 3];

fn add(grid: &mut Grid, metric: &str, month: i64, amount: i64) {
    if let (Some(i), Ok(m @ 1..=12)) = (metric_index(metric), usize::try_from(month)) {
        grid[i][m - 1] += amount;
    }
}

/// Returns the weighted open pipeline per metric: open opportunities × stage probability
/// closing from `from` to `to`, owned by `owners` or on accounts of `territories`.
fn weighted_pipeline(
    ex: &mut impl Executor,
    from: attain_domain::Date,
    to: attain_domain::Date,
    owners: Option<&HashSet<String>>,
    territories: Option<&HashSet<String>>,
) -> Result<[i64; 3], Fail> {
    let mut probability: HashMap<String, i64> = HashMap::new();
    for r in ex.query(
        "SELECT stage, probability FROM stages WHERE outcome = 'open'",
        &[],
    )? {
        probability.insert(r.string(0)?, r.int(1)?);
    }
    if ex.query_one("SELECT COUNT(*) FROM stages", &[])?.int(0)? == 0 {
        for (s, p) in DEFAULT_OPEN_STAGES {
            probability.insert((*s).to_owned(), *p);
        }
    }
    let mut sums = [0i128; 3];
    for r in ex.query(
        "SELECT o.owner_id, a.territory_id, o.stage, o.amount, o.margin
         FROM opportunities o JOIN accounts a ON a.account_id = o.account_id
         WHERE o.close_date >= $1 AND o.close_date <= $2",
        params![from, to],
    )? {
        let Some(p) = probability.get(r.text(2)?) else {
            continue;
        };
        let (owner, territory) = (r.text(0)?, r.text(1)?);
        let mine = owners.is_some_and(|o| o.contains(owner))
            || territories.is_some_and(|t| t.contains(territory));
        if !mine {
            continue;
        }
        let amount = i128::from(r.int(3)?) * i128::from(*p);
        let margin = i128::from(r.opt_int(4)?.unwrap_or(0)) * i128::from(*p);
        sums[0] += amount;
        sums[1] += amount;
        sums[2] += margin;
    }
    Ok(sums.map(|s| div_rhe(s, 100) as i64))
}

/// Shows a person's, a team's or a territory's objectives and attainment.
pub async fn show_objectives(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(q): Query<ObjectivesQuery>,
) -> PageResult {
    Ok(state
        .blocking(move |store| -> Result<_, Fail> {
            let mut conn = store.conn()?;
            let company = Company::load(&mut conn)?;
            let cur = &company.currency;
            let year = q.year.unwrap_or(company.today().0);
            let through = through_of(&company, year);
            let mut targets: Grid = [[0; 12]; 3];
            let mut actuals: Grid = [[0; 12]; 3];
            let (first, last) = company.calendar.year_bounds(year);
            let today = chrono::Utc::now().date_naive();
            let from = today.max(first);
            let (subject, kind, link, pipeline, id);
            if !q.territory.is_empty() {
                let t = q.territory.clone();
                let name = conn
                    .query_opt(
                        "SELECT name FROM territories WHERE territory_id = $1",
                        params![t.as_str()],
                    )?
                    .filter(|_| viewer.can_see_territory(&t))
                    .ok_or(Fail::NotFound)?
                    .string(0)?;
                for r in conn.query(
                    "SELECT month, metric, amount FROM targets
                     WHERE scope = 'territory' AND scope_id = $1 AND year = $2",
                    params![t.as_str(), year],
                )? {
                    add(&mut targets, r.text(1)?, r.int(0)?, r.int(2)?);
                }
                for r in conn.query(
                    "SELECT month, metric, actual FROM result_territories
                     WHERE territory_id = $1 AND year = $2",
                    params![t.as_str(), year],
                )? {
                    add(&mut actuals, r.text(1)?, r.int(0)?, r.int(2)?);
                }
                let below = crate::viewer::subtree(&mut conn, &t)?;
                pipeline = weighted_pipeline(&mut conn, from, last, None, Some(&below))?;
                subject = format!("{name} ({t})");
                kind = "territory";
                link = format!("/?year={year}&territory={t}");
                id = t;
            } else {
                let p = match (q.person.is_empty(), &viewer.person_id) {
                    (false, _) => q.person.clone(),
                    (true, Some(me)) => me.clone(),
                    // A sign-in acting as nobody has no objectives of its own.
                    (true, None) => return Ok(Redirect::to("/plan/variance").into_response()),
                };
                let name = conn
                    .query_opt(
                        "SELECT name FROM people WHERE person_id = $1",
                        params![p.as_str()],
                    )?
                    .filter(|_| viewer.can_see_person(&p))
                    .ok_or(Fail::NotFound)?
                    .string(0)?;
                for r in conn.query(
                    "SELECT month, metric, amount FROM targets
                     WHERE scope = 'person' AND scope_id = $1 AND year = $2",
                    params![p.as_str(), year],
                )? {
                    add(&mut targets, r.text(1)?, r.int(0)?, r.int(2)?);
                }
                for r in conn.query(
                    "SELECT month, metric, credited FROM result_credits
                     WHERE person_id = $1 AND year = $2",
                    params![p.as_str(), year],
                )? {
                    add(&mut actuals, r.text(1)?, r.int(0)?, r.int(2)?);
                }
                let team = crate::viewer::team_of(&mut conn, &p, today)?;
                kind = if team.len() > 1 { "team" } else { "person" };
                pipeline = weighted_pipeline(&mut conn, from, last, Some(&team), None)?;
                subject = format!("{name} ({p})");
                link = format!("/people/{p}?year={year}");
                id = p;
            }
            let blocks = (0..3)
                .map(|i| {
                    let (t, a) = (&targets[i], &actuals[i]);
                    let months = (0..12)
                        .map(|m| line(company.month_label(year, m as u32 + 1), t[m], a[m], cur))
                        .collect();
                    let quarters = (0..4)
                        .map(|qi| {
                            let r = qi * 3..qi * 3 + 3;
                            line(
                                format!("Q{}", qi + 1),
                                t[r.clone()].iter().sum(),
                                a[r].iter().sum(),
                                cur,
                            )
                        })
                        .collect();
                    let n = through as usize;
                    let (t_td, a_td): (i64, i64) = (t[..n].iter().sum(), a[..n].iter().sum());
                    let weighted = if through >= 12 { 0 } else { pipeline[i] };
                    Block {
                        name: METRICS[i],
                        months,
                        quarters,
                        year: line("Year".into(), t.iter().sum(), a.iter().sum(), cur),
                        pacing: line("To date".into(), t_td, a_td, cur),
                        pipeline: money(Money::from_cents(weighted), cur),
                        forecast: line("Forecast".into(), t.iter().sum(), a_td + weighted, cur),
                    }
                })
                .collect();
            let mut team: Vec<(String, String)> = Vec::new();
            if let crate::viewer::Scope::Only(ids) = viewer.people()
                && ids.len() > 1
            {
                let mut args: Vec<Value> = Vec::new();
                let scope = viewer.people().sql("person_id", &mut args);
                for r in conn.query(
                    &format!("SELECT person_id, name FROM people WHERE {scope} ORDER BY name"),
                    &args,
                )? {
                    team.push((r.string(0)?, r.string(1)?));
                }
            }
            render(&ObjectivesPage {
                chrome: Chrome::new(&viewer, &company, "Objectives", "plan", "objectives"),
                year,
                through,
                subject,
                kind,
                link,
                id,
                team,
                has_targets: targets.iter().flatten().any(|v| *v != 0),
                blocks,
            })
        })
        .await?)
}

/// One person of the variance report: year-to-date objective and actual of each metric.
pub struct VarianceRow {
    id: String,
    name: String,
    role: String,
    objective: [i64; 3],
    actual: [i64; 3],
    cells: Vec<Line>,
}

#[derive(Template)]
#[template(path = "variance.html")]
struct VariancePage {
    chrome: Chrome,
    year: i32,
    through: u32,
    level: String,
    sort: String,
    desc: bool,
    rows: Vec<VarianceRow>,
    pager: Pager,
    csv: String,
    xlsx: String,
    metrics: [&'static str; 3],
    levels: [&'static str; 5],
    /// `person` or `territory`: what the rows are.
    kind: &'static str,
    columns: [&'static str; 4],
}

/// The query of the variance report.
#[derive(Debug, Default, serde::Deserialize)]
pub struct VarianceQuery {
    year: Option<i32>,
    /// Months 1…`through` (default: to date).
    through: Option<u32>,
    /// A role (`rep`, `manager`, `director`, `executive`), or `territory` for the visible
    /// territories instead of people; empty: everyone.
    #[serde(default)]
    level: String,
    /// `name`, or `METRIC_objective|actual|attainment|variance`.
    #[serde(default)]
    sort: String,
    /// `desc` for descending.
    #[serde(default)]
    dir: String,
    /// `csv` to download.
    #[serde(default)]
    format: String,
    /// The page, from 1.
    page: Option<i64>,
}

/// Rows of the variance report a page.
const PER_PAGE: i64 = 50;

fn sort_key(r: &VarianceRow, sort: &str) -> (i128, String) {
    let Some((m, what)) = sort.split_once('_') else {
        return (0, r.name.clone());
    };
    let Some(i) = metric_index(m) else {
        return (0, r.name.clone());
    };
    let (o, a) = (r.objective[i], r.actual[i]);
    let v = match what {
        "objective" => i128::from(o),
        "actual" => i128::from(a),
        "variance" => i128::from(a) - i128::from(o),
        _ => ratio_of(Money::from_cents(a), Money::from_cents(o))
            .map_or(i128::MIN, |r| i128::from(r.micros())),
    };
    (v, r.name.clone())
}

/// The variance report: every visible person's year-to-date objective, actual, attainment and
/// variance for the three metrics; `?format=csv` downloads it.
pub async fn show_variance(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(q): Query<VarianceQuery>,
) -> PageResult {
    Ok(state
        .blocking(move |store| -> Result<_, Fail> {
            let mut conn = store.conn()?;
            let company = Company::load(&mut conn)?;
            let cur = &company.currency;
            let year = q.year.unwrap_or(company.today().0);
            let through = q
                .through
                .unwrap_or_else(|| through_of(&company, year))
                .min(12);
            let by_territory = q.level == "territory";
            let mut args: Vec<Value> = Vec::new();
            let listing = if by_territory {
                let scope = viewer.territories().sql("territory_id", &mut args);
                format!("SELECT territory_id, name, 'territory' FROM territories WHERE {scope}")
            } else {
                let scope = viewer.people().sql("person_id", &mut args);
                format!("SELECT person_id, name, role FROM people WHERE {scope}")
            };
            let mut rows: Vec<VarianceRow> = Vec::new();
            let mut index: HashMap<String, usize> = HashMap::new();
            for r in conn.query(&listing, &args)? {
                let role = r.string(2)?;
                if !q.level.is_empty() && role != q.level {
                    continue;
                }
                index.insert(r.string(0)?, rows.len());
                rows.push(VarianceRow {
                    id: r.string(0)?,
                    name: r.string(1)?,
                    role,
                    objective: [0; 3],
                    actual: [0; 3],
                    cells: Vec::new(),
                });
            }
            let (scope_word, actuals) = if by_territory {
                (
                    "territory",
                    "SELECT territory_id, metric, CAST(SUM(actual) AS BIGINT) FROM result_territories
                     WHERE year = $1 AND month <= $2 GROUP BY territory_id, metric",
                )
            } else {
                (
                    "person",
                    "SELECT person_id, metric, CAST(SUM(credited) AS BIGINT) FROM result_credits
                     WHERE year = $1 AND month <= $2 GROUP BY person_id, metric",
                )
            };
            for r in conn.query(
                "SELECT scope_id, metric, CAST(SUM(amount) AS BIGINT) FROM targets
                 WHERE scope = $3 AND year = $1 AND month <= $2 GROUP BY scope_id, metric",
                params![year, i64::from(through), scope_word],
            )? {
                if let (Some(&i), Some(m)) = (index.get(r.text(0)?), metric_index(r.text(1)?)) {
                    rows[i].objective[m] = r.int(2)?;
                }
            }
            for r in conn.query(actuals, params![year, i64::from(through)])? {
                if let (Some(&i), Some(m)) = (index.get(r.text(0)?), metric_index(r.text(1)?)) {
                    rows[i].actual[m] = r.int(2)?;
                }
            }
            let desc = q.dir == "desc";
            rows.sort_by(|a, b| {
                let o = sort_key(a, &q.sort).cmp(&sort_key(b, &q.sort));
                if desc { o.reverse() } else { o }
            });
            if q.format == "csv" || q.format == "xlsx" {
                let mut header: Vec<String> =
                    vec![format!("{scope_word}_id"), "name".into(), "role".into()];
                for m in METRICS {
                    for c in ["objective", "actual", "attainment", "variance"] {
                        header.push(format!("{m}_{c}"));
                    }
                }
                let mut out = Vec::with_capacity(rows.len());
                for r in &rows {
                    let mut cells = vec![
                        Cell::from(r.id.as_str()),
                        Cell::from(r.name.as_str()),
                        Cell::from(r.role.as_str()),
                    ];
                    for i in 0..3 {
                        let (o, a) = (
                            Money::from_cents(r.objective[i]),
                            Money::from_cents(r.actual[i]),
                        );
                        cells.extend([
                            Cell::Money(o),
                            Cell::Money(a),
                            Cell::Ratio(ratio_of(a, o)),
                            Cell::Money(a - o),
                        ]);
                    }
                    out.push(cells);
                }
                let sheet = Sheet {
                    name: format!("Variance {year}"),
                    header,
                    rows: out,
                };
                return Ok(if q.format == "xlsx" {
                    download(
                        sheet.to_xlsx(),
                        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                        &format!("variance-{year}.xlsx"),
                    )
                } else {
                    download(
                        sheet.to_csv().into_bytes(),
                        "text/csv; charset=utf-8",
                        &format!("variance-{year}.csv"),
                    )
                });
            }
            let link = |extra: Vec<(&str, String)>| {
                let mut pairs = vec![
                    ("year", year.to_string()),
                    ("through", through.to_string()),
                    ("level", q.level.clone()),
                    ("sort", q.sort.clone()),
                    ("dir", q.dir.clone()),
                ];
                pairs.extend(extra);
                format!("/plan/variance{}", super::query_string(&pairs))
            };
            let pager = Pager::new(rows.len() as i64, q.page.unwrap_or(1), PER_PAGE, |p| {
                link(vec![("page", p.to_string())])
            });
            let first = usize::try_from(pager.offset(PER_PAGE)).unwrap_or(0);
            let mut rows: Vec<VarianceRow> = rows
                .into_iter()
                .skip(first)
                .take(PER_PAGE as usize)
                .collect();
            for r in &mut rows {
                r.cells = (0..3)
                    .map(|i| line(String::new(), r.objective[i], r.actual[i], cur))
                    .collect();
            }
            let csv = link(vec![("format", "csv".into())]);
            let xlsx = link(vec![("format", "xlsx".into())]);
            render(&VariancePage {
                chrome: Chrome::new(&viewer, &company, "Variance", "plan", "variance"),
                year,
                through,
                level: q.level,
                sort: q.sort,
                desc,
                rows,
                pager,
                csv,
                xlsx,
                metrics: METRICS,
                levels: ["rep", "manager", "director", "executive", "territory"],
                kind: scope_word,
                columns: ["objective", "actual", "attainment", "variance"],
            })
        })
        .await?)
}
