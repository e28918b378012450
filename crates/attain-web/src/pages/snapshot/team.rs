//! The team snapshot: the same figures for every person below a manager side by side, sortable,
//! outliers marked, and the forecast roll-up against the team's objective; also as CSV.

use super::{cash, days, pct, period_label, period_qs, team_members, times, today};
use crate::chart::BarLine;
use crate::error::{Fail, PageResult};
use crate::pages::pay::close::download;
use crate::pages::{Chrome, Company, render};
use crate::sheet::{Cell, Sheet};
use crate::snapshot::{Computed, PeriodQuery, load_team};
use crate::{AppState, Viewer};
use askama::Template;
use attain_domain::Money;
use attain_domain::pipeline::Period;
use attain_domain::pipeline::snapshot::Forecast;
use attain_store::{Executor, Store, Value};
use axum::extract::{Query, State};

/// The query of the team snapshot.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct TeamQuery {
    /// The manager whose team is shown (default: the viewer).
    #[serde(default)]
    pub manager: String,
    /// `week`, `month` or `quarter`.
    #[serde(default)]
    pub period: String,
    /// A day in the period.
    #[serde(default)]
    pub date: String,
    /// The column sorted on.
    #[serde(default)]
    pub sort: String,
    /// `asc` or `desc`.
    #[serde(default)]
    pub dir: String,
}

/// The columns of the team table: key, heading, records figure.
pub const COLUMNS: &[(&str, &str, &str)] = &[
    ("activities", "Activities", "activities"),
    ("new", "New opps", "new_opportunities"),
    ("forward", "Forward", "moved_forward"),
    ("back", "Back", "moved_back"),
    ("pipeline", "Open pipeline", "pipeline"),
    ("won", "Won", "won"),
    ("win_rate", "Win rate", "closed"),
    ("deal", "Avg deal", "won"),
    ("cycle", "Cycle", "won"),
    ("velocity", "Velocity/day", "pipeline"),
    ("conversion", "Conversion", "conversion"),
    ("coverage", "Coverage", "coverage"),
    ("stalled", "Stalled", "stalled"),
];

/// Returns a person's value of each column (for sorting) and its text.
pub fn cells(c: &Computed, company: &Company) -> Vec<(Option<i64>, String)> {
    let f = &c.snapshot.current;
    let cur = &company.currency;
    let n = |v: i64| (Some(v), v.to_string());
    vec![
        n(f.activities),
        n(f.new_opportunities),
        n(f.moved_forward),
        n(f.moved_back),
        (Some(f.open_amount.cents()), cash(Some(f.open_amount), cur)),
        (Some(f.won_amount.cents()), cash(Some(f.won_amount), cur)),
        (f.win_rate.map(|r| r.micros()), pct(f.win_rate)),
        (f.average_deal.map(|m| m.cents()), cash(f.average_deal, cur)),
        (f.cycle_days, days(f.cycle_days)),
        (f.velocity.map(|m| m.cents()), cash(f.velocity, cur)),
        (f.conversion.map(|r| r.micros()), pct(f.conversion)),
        (f.coverage.map(|r| r.micros()), times(f.coverage)),
        n(f.stalled),
    ]
}

/// Returns the outlier words of a person.
pub fn marks(c: &Computed) -> Vec<&'static str> {
    let o = &c.outliers;
    [
        (o.low_activity, "low activity"),
        (o.stalled_deals, "stalled deals"),
        (o.thin_coverage, "thin coverage"),
        (o.falling_conversion, "falling conversion"),
    ]
    .iter()
    .filter(|(on, _)| *on)
    .map(|(_, w)| *w)
    .collect()
}

/// One cell of the table.
pub struct TeamCell {
    text: String,
    href: String,
    flag: bool,
}

/// One person's row.
pub struct TeamRow {
    id: String,
    name: String,
    href: String,
    cells: Vec<TeamCell>,
    marks: Vec<&'static str>,
}

/// A column heading with its sort link.
pub struct Heading {
    label: &'static str,
    href: String,
    sorted: &'static str,
}

/// The roll-up line.
pub struct Rollup {
    label: &'static str,
    amount: String,
    share: String,
}

/// A manager one may pick.
pub struct Pick {
    id: String,
    name: String,
    selected: bool,
}

#[derive(Template)]
#[template(path = "snapshot_team.html")]
struct TeamPage {
    chrome: Chrome,
    manager_name: String,
    period: String,
    kind: &'static str,
    date: String,
    form_action: String,
    hidden_fields: Vec<(String, String)>,
    prev_href: String,
    next_href: String,
    csv_href: String,
    picks: Vec<Pick>,
    headings: Vec<Heading>,
    rows: Vec<TeamRow>,
    rollup: Vec<Rollup>,
    objective: String,
    rollup_chart: String,
}

/// The team's figures: the manager, their name, the period, and every person computed.
pub struct Team {
    /// The manager.
    pub manager: String,
    /// Their name.
    pub manager_name: String,
    /// The period.
    pub period: Period,
    /// Everyone, computed.
    pub people: Vec<Computed>,
    /// The sum of everyone's forecast.
    pub forecast: Forecast,
    /// The sum of everyone's objective of the period.
    pub objective: Money,
}

/// Computes a team's snapshot for the viewer (404 when the manager is not theirs to see).
pub fn team(
    ex: &mut impl Executor,
    store: &Store,
    viewer: &Viewer,
    company: &Company,
    manager: &str,
    q: &PeriodQuery,
) -> Result<Team, Fail> {
    let p = q.period(company, today())?;
    let (manager, ids) = team_members(ex, viewer, Some(manager))?;
    let manager_name = ex
        .query_opt(
            "SELECT name FROM people WHERE person_id = $1",
            attain_store::params![&manager],
        )?
        .map(|r| r.string(0))
        .transpose()?
        .unwrap_or_default();
    let people = load_team(ex, store, company, &ids, p, today())?.compute();
    let mut forecast = Forecast::default();
    let mut objective = Money::ZERO;
    for c in &people {
        forecast += c.forecast;
        objective += c.objective;
    }
    Ok(Team {
        manager,
        manager_name,
        period: p,
        people,
        forecast,
        objective,
    })
}

/// Sorts the people by a column key (`name` or a key of [`COLUMNS`]); undefined values last.
pub fn sort(people: &mut [Computed], company: &Company, key: &str, desc: bool) {
    let col = COLUMNS.iter().position(|(k, _, _)| *k == key);
    match col {
        None => people.sort_by(|a, b| a.member.name.cmp(&b.member.name)),
        Some(i) => people.sort_by(|a, b| {
            let (x, y) = (cells(a, company)[i].0, cells(b, company)[i].0);
            match (x, y) {
                (Some(x), Some(y)) if desc => y.cmp(&x),
                (Some(x), Some(y)) => x.cmp(&y),
                (Some(_), None) => std::cmp::Ordering::Less,
                (None, Some(_)) => std::cmp::Ordering::Greater,
                (None, None) => std::cmp::Ordering::Equal,
            }
            .then_with(|| a.member.name.cmp(&b.member.name))
        }),
    }
}

/// Shows the team snapshot.
pub async fn show_team(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(q): Query<TeamQuery>,
) -> PageResult {
    Ok(state
        .blocking(move |store| -> Result<_, Fail> {
            let mut conn = store.conn()?;
            let company = Company::load(&mut conn)?;
            let pq = PeriodQuery {
                period: q.period.clone(),
                date: q.date.clone(),
            };
            let mut t = team(&mut conn, store, &viewer, &company, &q.manager, &pq)?;
            let desc = q.dir != "asc";
            sort(&mut t.people, &company, &q.sort, desc);
            let picks = picks(&mut conn, &viewer, &t.manager)?;
            render(&page(&viewer, &company, &t, &q, picks))
        })
        .await?)
}

fn picks(ex: &mut impl Executor, viewer: &Viewer, current: &str) -> Result<Vec<Pick>, Fail> {
    let mut args: Vec<Value> = Vec::new();
    let scope = viewer.people().sql("person_id", &mut args);
    let rows = ex.query(
        &format!(
            "SELECT person_id, name FROM people
             WHERE role IN ('manager', 'director', 'executive') AND {scope}
             ORDER BY name, person_id LIMIT 500"
        ),
        &args,
    )?;
    rows.iter()
        .map(|r| {
            let id = r.string(0)?;
            Ok(Pick {
                selected: id == current,
                name: r.string(1)?,
                id,
            })
        })
        .collect()
}

fn page(viewer: &Viewer, company: &Company, t: &Team, q: &TeamQuery, picks: Vec<Pick>) -> TeamPage {
    let p = &t.period;
    let cal = company.calendar;
    let mgr = ("manager", t.manager.clone());
    let here = |pp: &Period, extra: &[(&str, String)]| {
        let mut pairs = vec![mgr.clone()];
        pairs.extend(extra.iter().cloned());
        format!("/pipeline/team{}", period_qs(pp, &pairs))
    };
    let sort_pairs = [("sort", q.sort.clone()), ("dir", q.dir.clone())];
    let headings = std::iter::once(("name", "Person"))
        .chain(COLUMNS.iter().map(|(k, l, _)| (*k, *l)))
        .map(|(k, label)| {
            let on = q.sort == k || (q.sort.is_empty() && k == "name");
            let asc = q.dir == "asc" || (q.dir.is_empty() && k == "name");
            let next_dir = if on && !asc {
                "asc"
            } else if on {
                "desc"
            } else if k == "name" {
                "asc"
            } else {
                "desc"
            };
            Heading {
                label,
                href: here(p, &[("sort", k.to_owned()), ("dir", next_dir.to_owned())]),
                sorted: match (on, asc) {
                    (true, true) => "ascending",
                    (true, false) => "descending",
                    _ => "none",
                },
            }
        })
        .collect();
    let rows = t
        .people
        .iter()
        .map(|c| {
            let base = format!("/pipeline/snapshot/{}", c.member.id);
            let o = &c.outliers;
            let flags = [
                o.low_activity,
                false,
                false,
                false,
                false,
                false,
                false,
                false,
                false,
                false,
                o.falling_conversion,
                o.thin_coverage,
                o.stalled_deals,
            ];
            TeamRow {
                id: c.member.id.clone(),
                name: c.member.name.clone(),
                href: format!("{base}{}", period_qs(p, &[])),
                cells: cells(c, company)
                    .into_iter()
                    .zip(COLUMNS)
                    .zip(flags)
                    .map(|(((_, text), (_, _, figure)), flag)| TeamCell {
                        text,
                        href: format!(
                            "{base}/records{}",
                            period_qs(p, &[("figure", (*figure).to_owned())])
                        ),
                        flag,
                    })
                    .collect(),
                marks: marks(c),
            }
        })
        .collect();
    let cur = &company.currency;
    let f = &t.forecast;
    let share = |m: Money| pct(crate::fmt::ratio_of(m, t.objective));
    let rollup = vec![
        Rollup {
            label: "Won",
            amount: cash(Some(f.won), cur),
            share: share(f.won),
        },
        Rollup {
            label: "Commit",
            amount: cash(Some(f.commit), cur),
            share: share(f.commit),
        },
        Rollup {
            label: "Best case",
            amount: cash(Some(f.best_case), cur),
            share: share(f.best_case),
        },
        Rollup {
            label: "Pipeline",
            amount: cash(Some(f.pipeline), cur),
            share: share(f.pipeline),
        },
        Rollup {
            label: "Won + commit",
            amount: cash(Some(f.won + f.commit), cur),
            share: share(f.won + f.commit),
        },
    ];
    let labels: Vec<String> = ["Won", "Commit", "Best case", "Pipeline"]
        .map(String::from)
        .to_vec();
    let bars = [f.won, f.commit, f.best_case, f.pipeline].map(|m| m.cents());
    let line = [t.objective.cents(); 4];
    let rollup_chart = BarLine {
        title: "Forecast roll-up (bars) against the team's objective (line)",
        labels: &labels,
        bars: &bars,
        line: Some(&line),
    }
    .svg();
    let next = Period::containing(p.kind, p.end.succ_opt().unwrap_or(p.end), &cal);
    let mut csv_pairs = vec![mgr.clone()];
    csv_pairs.extend(sort_pairs.iter().cloned());
    TeamPage {
        chrome: Chrome::new(viewer, company, "Team snapshot", "pipeline", "team"),
        manager_name: t.manager_name.clone(),
        period: period_label(p, company),
        kind: p.kind.as_str(),
        date: p.start.to_string(),
        form_action: "/pipeline/team".into(),
        hidden_fields: vec![("manager".into(), t.manager.clone())],
        prev_href: here(&p.previous(&cal), &sort_pairs),
        next_href: here(&next, &sort_pairs),
        csv_href: format!("/pipeline/team/export.csv{}", period_qs(p, &csv_pairs)),
        picks,
        headings,
        rows,
        rollup,
        objective: cash(Some(t.objective), cur),
        rollup_chart,
    }
}

/// Downloads the team snapshot as CSV: one row per person, amounts as numbers.
pub async fn export_team_csv(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(q): Query<TeamQuery>,
) -> PageResult {
    Ok(state
        .blocking(move |store| -> Result<_, Fail> {
            let mut conn = store.conn()?;
            let company = Company::load(&mut conn)?;
            let pq = PeriodQuery {
                period: q.period.clone(),
                date: q.date.clone(),
            };
            let mut t = team(&mut conn, store, &viewer, &company, &q.manager, &pq)?;
            sort(&mut t.people, &company, &q.sort, q.dir != "asc");
            let ratio = |r: Option<attain_domain::Ratio>| Cell::Ratio(r);
            let rows = t
                .people
                .iter()
                .map(|c| {
                    let f = &c.snapshot.current;
                    vec![
                        Cell::from(c.member.id.as_str()),
                        Cell::from(c.member.name.as_str()),
                        Cell::Int(f.activities),
                        Cell::Int(f.new_opportunities),
                        Cell::Int(f.moved_forward),
                        Cell::Int(f.moved_back),
                        Cell::Money(f.open_amount),
                        Cell::Money(f.won_amount),
                        ratio(f.win_rate),
                        f.average_deal
                            .map_or(Cell::Text(String::new()), Cell::Money),
                        f.cycle_days.map_or(Cell::Text(String::new()), Cell::Int),
                        f.velocity.map_or(Cell::Text(String::new()), Cell::Money),
                        ratio(f.conversion),
                        ratio(f.coverage),
                        Cell::Int(f.stalled),
                        Cell::Text(marks(c).join("; ")),
                    ]
                })
                .collect();
            let sheet = Sheet {
                name: "Team snapshot".into(),
                header: [
                    "person_id",
                    "name",
                    "activities",
                    "new_opportunities",
                    "moved_forward",
                    "moved_back",
                    "open_pipeline",
                    "won",
                    "win_rate",
                    "average_deal",
                    "cycle_days",
                    "velocity_per_day",
                    "conversion",
                    "coverage",
                    "stalled",
                    "outliers",
                ]
                .map(String::from)
                .to_vec(),
                rows,
            };
            let file = format!(
                "team-snapshot-{}-{}-{}.csv",
                t.manager,
                t.period.kind.as_str(),
                t.period.start
            );
            Ok(download(
                sheet.to_csv().into_bytes(),
                "text/csv; charset=utf-8",
                &file,
            ))
        })
        .await?)
}
