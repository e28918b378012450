//! Home: a rep's own year, a manager's or director's team, or the company by territory (with
//! drill-down) for executives and sales ops. Figures are the calculation's results
//! (`result_credits`, `result_territories`), summed in SQL, year to date.

use super::{Chrome, Company, render};
use crate::chart::{BarLine, attainment_bar};
use crate::error::{Fail, PageResult};
use crate::fmt::{Amount, Currency, attainment, money_whole, ratio_of};
use crate::{AppState, Viewer};
use askama::Template;
use attain_domain::Money;
use attain_domain::vocab::Metric;
use attain_store::{Executor, Value, params};
use axum::extract::{Query, State};
use std::collections::HashMap;

/// The query of the home page.
#[derive(Debug, Default, serde::Deserialize)]
pub struct HomeQuery {
    /// The fiscal year (default: the current one).
    pub year: Option<i32>,
    /// The territory to drill into (company view).
    pub territory: Option<String>,
}

/// One metric's year-to-date figures.
pub struct Ytd {
    /// `Bookings`, `Revenue`, `Margin`.
    pub label: &'static str,
    /// Credited (or actual) so far.
    pub actual: Amount,
    /// The objective so far.
    pub target: Amount,
    /// Attainment as text.
    pub att: String,
    /// A small attainment bar (SVG).
    pub bar: String,
}

/// Returns one metric's year-to-date figures.
pub fn ytd_of(label: &'static str, actual: i64, target: i64, cur: &Currency) -> Ytd {
    let ratio = ratio_of(Money::from_cents(actual), Money::from_cents(target));
    Ytd {
        label,
        actual: money_whole(Money::from_cents(actual), cur),
        target: money_whole(Money::from_cents(target), cur),
        att: attainment(ratio),
        bar: attainment_bar(ratio.map(|r| r.micros())),
    }
}

const METRICS: [(Metric, &str); 3] = [
    (Metric::Bookings, "Bookings"),
    (Metric::Revenue, "Revenue"),
    (Metric::Margin, "Margin"),
];

fn metric_index(m: &str) -> Option<usize> {
    METRICS.iter().position(|(x, _)| x.as_str() == m)
}

/// Twelve months of actual and target per metric.
#[derive(Default, Clone)]
pub struct Months {
    actual: [[i64; 12]; 3],
    target: [[i64; 12]; 3],
}

impl Months {
    pub fn add(&mut self, month: i64, metric: &str, actual: i64, target: i64) {
        if let (Some(i), Ok(m @ 1..=12)) = (metric_index(metric), usize::try_from(month)) {
            self.actual[i][m - 1] += actual;
            self.target[i][m - 1] += target;
        }
    }

    /// Returns the year-to-date figures of the metrics that have any figure this year (all
    /// three when none has).
    pub fn ytd(&self, through: u32, cur: &Currency) -> Vec<Ytd> {
        let any = |i: usize| {
            self.actual[i]
                .iter()
                .chain(&self.target[i])
                .any(|v| *v != 0)
        };
        let shown: Vec<usize> = (0..3).filter(|i| any(*i)).collect();
        let shown = if shown.is_empty() {
            vec![0, 1, 2]
        } else {
            shown
        };
        self.ytd_for(through, cur, &shown)
    }

    /// Returns the year-to-date figures of all three metrics (for a table row).
    pub fn ytd_all(&self, through: u32, cur: &Currency) -> Vec<Ytd> {
        self.ytd_for(through, cur, &[0, 1, 2])
    }

    fn ytd_for(&self, through: u32, cur: &Currency, shown: &[usize]) -> Vec<Ytd> {
        let n = through as usize;
        METRICS
            .iter()
            .enumerate()
            .filter(|(i, _)| shown.contains(i))
            .map(|(i, (_, label))| {
                ytd_of(
                    label,
                    self.actual[i][..n].iter().sum(),
                    self.target[i][..n].iter().sum(),
                    cur,
                )
            })
            .collect()
    }

    pub fn charts(&self, company: &Company, year: i32, who: &str) -> Vec<Chart> {
        let labels: Vec<String> = (1..=12).map(|m| company.month_label(year, m)).collect();
        METRICS
            .iter()
            .enumerate()
            .filter(|(i, _)| {
                self.actual[*i]
                    .iter()
                    .chain(&self.target[*i])
                    .any(|v| *v != 0)
            })
            .map(|(i, (_, label))| Chart {
                label,
                svg: BarLine {
                    title: &format!("{label} by month against objective, {who}, {year}"),
                    labels: &labels,
                    bars: &self.actual[i],
                    line: Some(&self.target[i]),
                }
                .svg(),
            })
            .collect()
    }

    pub fn table(&self, company: &Company, year: i32) -> Vec<MonthRow> {
        let cur = &company.currency;
        (0..12)
            .map(|m| MonthRow {
                label: company.month_label(year, m as u32 + 1),
                cells: (0..3)
                    .flat_map(|i| {
                        [
                            money_whole(Money::from_cents(self.actual[i][m]), cur),
                            money_whole(Money::from_cents(self.target[i][m]), cur),
                        ]
                    })
                    .collect(),
            })
            .collect()
    }

    pub fn is_empty(&self) -> bool {
        self.actual
            .iter()
            .chain(&self.target)
            .all(|r| r.iter().all(|v| *v == 0))
    }
}

/// One chart with its caption.
pub struct Chart {
    /// The metric.
    pub label: &'static str,
    /// The SVG.
    pub svg: String,
}

/// One month of the detail table: actual and target per metric.
pub struct MonthRow {
    /// The month's name.
    pub label: String,
    /// Six cells: bookings, target, revenue, target, margin, target.
    pub cells: Vec<Amount>,
}

/// One person (or territory) of a list, with its year-to-date figures.
pub struct LineRow {
    /// The id, for the link.
    pub id: String,
    /// The name.
    pub name: String,
    /// A word under the name (role, or the number of sub-territories).
    pub note: String,
    /// Whether the row links somewhere.
    pub link: Option<String>,
    /// Bookings, revenue, margin.
    pub ytd: Vec<Ytd>,
}

#[derive(Template)]
#[template(path = "home_person.html")]
struct PersonHome {
    chrome: Chrome,
    year: i32,
    through: String,
    years: YearNav,
    has_person: bool,
    empty: bool,
    ytd: Vec<Ytd>,
    charts: Vec<Chart>,
    months: Vec<MonthRow>,
}

#[derive(Template)]
#[template(path = "home_team.html")]
struct TeamHome {
    chrome: Chrome,
    year: i32,
    through: String,
    years: YearNav,
    empty: bool,
    total: Vec<Ytd>,
    total_row: Vec<Ytd>,
    charts: Vec<Chart>,
    rows: Vec<LineRow>,
    truncated: bool,
}

#[derive(Template)]
#[template(path = "home_company.html")]
struct CompanyHome {
    chrome: Chrome,
    year: i32,
    through: String,
    years: YearNav,
    empty: bool,
    trail: Vec<(String, String)>,
    node_name: String,
    total: Vec<Ytd>,
    total_row: Vec<Ytd>,
    charts: Vec<Chart>,
    rows: Vec<LineRow>,
}

/// Links to the previous and next year.
pub struct YearNav {
    /// `?year=…` of the year before.
    pub prev: String,
    /// `?year=…` of the year after.
    pub next: String,
    /// The previous year.
    pub prev_year: i32,
    /// The next year.
    pub next_year: i32,
}

fn year_nav(year: i32, extra: &str) -> YearNav {
    YearNav {
        prev: format!("?year={}{extra}", year - 1),
        next: format!("?year={}{extra}", year + 1),
        prev_year: year - 1,
        next_year: year + 1,
    }
}

/// Returns the last fiscal month counted in "year to date" for a year.
fn through_month(company: &Company, year: i32) -> u32 {
    let (cy, cm) = company.today();
    match year.cmp(&cy) {
        std::cmp::Ordering::Less => 12,
        std::cmp::Ordering::Equal => cm,
        std::cmp::Ordering::Greater => 12,
    }
}

/// Shows the home page for the viewer's role.
pub async fn show_home(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(q): Query<HomeQuery>,
) -> PageResult {
    use attain_domain::vocab::Role;
    let resp = state
        .blocking(move |store| -> Result<_, Fail> {
            let mut conn = store.conn()?;
            let company = Company::load(&mut conn)?;
            let year = q.year.unwrap_or_else(|| company.today().0);
            let through = through_month(&company, year);
            match viewer.role {
                Role::Executive | Role::SalesOps => {
                    company_home(&mut conn, &viewer, &company, year, through, q.territory)
                }
                _ if q.territory.is_some() => {
                    company_home(&mut conn, &viewer, &company, year, through, q.territory)
                }
                Role::Rep => person_home(&mut conn, &viewer, &company, year, through),
                Role::Manager | Role::Director => {
                    team_home(&mut conn, &viewer, &company, year, through)
                }
            }
        })
        .await?;
    Ok(resp)
}

fn through_label(company: &Company, year: i32, through: u32) -> String {
    format!(
        "{} {} (fiscal month {through})",
        company.month_label(year, through),
        company.calendar.month_end(year, through).format("%Y")
    )
}

/// Returns a person's twelve months of credits and objectives for a year.
pub fn person_months(ex: &mut impl Executor, person: &str, year: i32) -> Result<Months, Fail> {
    let mut months = Months::default();
    for r in ex.query(
        "SELECT month, metric, credited, target FROM result_credits
         WHERE person_id = $1 AND year = $2",
        params![person, year],
    )? {
        months.add(r.int(0)?, r.text(1)?, r.int(2)?, r.int(3)?);
    }
    Ok(months)
}

fn person_home(
    ex: &mut impl Executor,
    viewer: &Viewer,
    company: &Company,
    year: i32,
    through: u32,
) -> Result<axum::response::Response, Fail> {
    let months = match &viewer.person_id {
        Some(p) => person_months(ex, p, year)?,
        None => Months::default(),
    };
    let page = PersonHome {
        chrome: Chrome::new(viewer, company, "Home", "home", "dashboard"),
        year,
        through: through_label(company, year, through),
        years: year_nav(year, ""),
        has_person: viewer.person_id.is_some(),
        empty: months.is_empty(),
        ytd: months.ytd(through, &company.currency),
        charts: months.charts(company, year, "you"),
        months: months.table(company, year),
    };
    render(&page)
}

/// The most people listed on a team home page.
const TEAM_LIMIT: usize = 500;

fn team_home(
    ex: &mut impl Executor,
    viewer: &Viewer,
    company: &Company,
    year: i32,
    through: u32,
) -> Result<axum::response::Response, Fail> {
    let me = viewer.person_id.clone().unwrap_or_default();
    let own = person_months(ex, &me, year)?;
    let mut args: Vec<Value> = vec![me.clone().into()];
    let scope = viewer.people().sql("person_id", &mut args);
    let people = ex.query(
        &format!(
            "SELECT person_id, name, role FROM people WHERE person_id <> $1 AND {scope}
             ORDER BY name, person_id"
        ),
        &args,
    )?;
    let mut args: Vec<Value> = vec![year.into(), i64::from(through).into(), me.into()];
    let scope = viewer.people().sql("person_id", &mut args);
    let mut sums: HashMap<String, [(i64, i64); 3]> = HashMap::new();
    for r in ex.query(
        &format!(
            "SELECT person_id, metric, CAST(SUM(credited) AS BIGINT), CAST(SUM(target) AS BIGINT)
             FROM result_credits WHERE year = $1 AND month <= $2 AND person_id <> $3 AND {scope}
             GROUP BY person_id, metric"
        ),
        &args,
    )? {
        if let Some(i) = metric_index(r.text(1)?) {
            sums.entry(r.string(0)?).or_default()[i] = (r.int(2)?, r.int(3)?);
        }
    }
    let cur = &company.currency;
    let truncated = people.len() > TEAM_LIMIT;
    let mut rows = Vec::new();
    for p in people.iter().take(TEAM_LIMIT) {
        let id = p.string(0)?;
        let s = sums.get(&id).copied().unwrap_or_default();
        rows.push(LineRow {
            link: Some(format!("/people/{id}")),
            name: p.string(1)?,
            note: p.string(2)?,
            ytd: METRICS
                .iter()
                .enumerate()
                .map(|(i, (_, l))| ytd_of(l, s[i].0, s[i].1, cur))
                .collect(),
            id,
        });
    }
    let page = TeamHome {
        chrome: Chrome::new(viewer, company, "Home", "home", "dashboard"),
        year,
        through: through_label(company, year, through),
        years: year_nav(year, ""),
        empty: own.is_empty() && sums.is_empty(),
        total: own.ytd(through, cur),
        total_row: own.ytd_all(through, cur),
        charts: own.charts(company, year, "your team"),
        rows,
        truncated,
    };
    render(&page)
}

fn company_home(
    ex: &mut impl Executor,
    viewer: &Viewer,
    company: &Company,
    year: i32,
    through: u32,
    territory: Option<String>,
) -> Result<axum::response::Response, Fail> {
    let all = ex.query("SELECT territory_id, name, parent_id FROM territories", &[])?;
    let mut names: HashMap<String, (String, Option<String>)> = HashMap::new();
    for r in &all {
        names.insert(r.string(0)?, (r.string(1)?, r.opt_string(2)?));
    }
    // The node: the one asked for, else the root the viewer may see.
    let node = match territory {
        Some(t) => t,
        None => {
            let root = all
                .iter()
                .filter(|r| r.value(2).is_null())
                .find_map(|r| r.string(0).ok());
            match (root, &viewer.person_id) {
                (Some(r), _) if viewer.can_see_territory(&r) => r,
                (_, Some(p)) => ex
                    .query_opt(
                        "SELECT territory_id FROM people WHERE person_id = $1",
                        params![p],
                    )?
                    .and_then(|r| r.opt_string(0).ok().flatten())
                    .unwrap_or_default(),
                _ => String::new(),
            }
        }
    };
    if !node.is_empty() && (!names.contains_key(&node) || !viewer.can_see_territory(&node)) {
        return Err(Fail::NotFound);
    }
    let mut children: Vec<(String, String)> = names
        .iter()
        .filter(|(_, (_, parent))| parent.as_deref() == Some(node.as_str()))
        .map(|(id, (name, _))| (id.clone(), name.clone()))
        .collect();
    children.sort_by(|a, b| a.1.cmp(&b.1).then(a.0.cmp(&b.0)));
    let mut trail = Vec::new();
    let mut at = names.get(&node).and_then(|(_, p)| p.clone());
    while let Some(t) = at {
        if trail.len() > 64 || !viewer.can_see_territory(&t) {
            break;
        }
        let (name, parent) = names.get(&t).cloned().unwrap_or_default();
        trail.push((t, name));
        at = parent;
    }
    trail.reverse();
    let mut ids: Vec<Value> = vec![year.into(), node.clone().into()];
    let marks: Vec<String> = children
        .iter()
        .map(|(id, _)| {
            ids.push(id.clone().into());
            format!("${}", ids.len())
        })
        .collect();
    let child_filter = if marks.is_empty() {
        String::new()
    } else {
        format!(" OR territory_id IN ({})", marks.join(", "))
    };
    let mut node_months = Months::default();
    let mut sums: HashMap<String, [(i64, i64); 3]> = HashMap::new();
    for r in ex.query(
        &format!(
            "SELECT territory_id, month, metric, actual, target FROM result_territories
             WHERE year = $1 AND (territory_id = $2{child_filter})"
        ),
        &ids,
    )? {
        let (t, month, metric) = (r.string(0)?, r.int(1)?, r.text(2)?);
        let (actual, target) = (r.int(3)?, r.int(4)?);
        if t == node {
            node_months.add(month, metric, actual, target);
        } else if month <= i64::from(through)
            && let Some(i) = metric_index(metric)
        {
            let e = &mut sums.entry(t).or_default()[i];
            e.0 += actual;
            e.1 += target;
        }
    }
    let cur = &company.currency;
    let counts: HashMap<&str, usize> = names.values().fold(HashMap::new(), |mut m, (_, p)| {
        if let Some(p) = p {
            *m.entry(p.as_str()).or_default() += 1;
        }
        m
    });
    let rows = children
        .into_iter()
        .map(|(id, name)| {
            let s = sums.get(&id).copied().unwrap_or_default();
            let below = counts.get(id.as_str()).copied().unwrap_or(0);
            LineRow {
                link: Some(format!("/?year={year}&territory={id}")),
                note: match below {
                    0 => String::new(),
                    1 => "1 territory below".into(),
                    n => format!("{n} territories below"),
                },
                name,
                ytd: METRICS
                    .iter()
                    .enumerate()
                    .map(|(i, (_, l))| ytd_of(l, s[i].0, s[i].1, cur))
                    .collect(),
                id,
            }
        })
        .collect();
    let node_name = names.get(&node).map(|(n, _)| n.clone()).unwrap_or_default();
    let extra = format!("&territory={node}");
    let page = CompanyHome {
        chrome: Chrome::new(viewer, company, "Home", "home", "dashboard"),
        year,
        through: through_label(company, year, through),
        years: year_nav(year, &extra),
        empty: node_months.is_empty() && sums.is_empty(),
        trail,
        total: node_months.ytd(through, cur),
        total_row: node_months.ytd_all(through, cur),
        charts: node_months.charts(company, year, &node_name),
        node_name,
        rows,
    };
    render(&page)
}
