//! Scorecards (docs/scorecards.md): a person's job expectations period by period with the value,
//! met or not and the trend, and a team's scorecards at a glance (the last complete period).

use super::snapshot::{arrow, count_ratio, period_label, team_members, times, today};
use super::{Chrome, Company, render};
use crate::error::{Fail, PageResult};
use crate::fmt::attainment;
use crate::scorecard::{Card, cards};
use crate::{AppState, Viewer};
use askama::Template;
use attain_domain::Ratio;
use attain_domain::pipeline::scorecard::Cell;
use attain_domain::pipeline::snapshot::{Expectation, is_count};
use attain_domain::vocab::{Comparison, JobMetric};
use attain_store::Executor;
use axum::extract::{Path, Query, State};

/// Formats a job metric's value: counts as numbers, coverage as a multiple, the rest as a
/// percentage; `—` when undefined.
pub fn value_text(metric: JobMetric, v: Option<Ratio>) -> String {
    if is_count(metric) {
        count_ratio(v)
    } else if metric == JobMetric::PipelineCoverage {
        times(v)
    } else {
        attainment(v)
    }
}

/// Describes an expectation: `meetings ≥ 8 per week`.
pub fn describe(e: &Expectation) -> String {
    let cmp = match e.comparison {
        Comparison::AtLeast => "\u{2265}",
        Comparison::AtMost => "\u{2264}",
    };
    format!(
        "{} {cmp} {} per {}",
        e.metric.as_str().replace('_', " "),
        value_text(e.metric, Some(e.threshold)),
        e.per.as_str()
    )
}

/// The mark of a cell: `met`, `missed` or `undefined`.
pub fn mark(c: &Cell) -> &'static str {
    match c.met {
        Some(true) => "met",
        Some(false) => "missed",
        None => "undefined",
    }
}

/// One period of an expectation as shown.
pub struct CellView {
    period: String,
    value: String,
    mark: &'static str,
    trend: &'static str,
    trend_word: &'static str,
    to_date: bool,
}

/// One expectation as shown.
pub struct RowView {
    label: String,
    cells: Vec<CellView>,
}

#[derive(Template)]
#[template(path = "scorecard.html")]
struct ScorecardPage {
    chrome: Chrome,
    id: String,
    name: String,
    job: String,
    mission: String,
    rows: Vec<RowView>,
}

fn rows(card: &Card, company: &Company) -> Vec<RowView> {
    card.rows
        .iter()
        .map(|r| RowView {
            label: describe(&r.expectation),
            cells: r
                .cells
                .iter()
                .map(|c| CellView {
                    period: period_label(&c.period, company),
                    value: value_text(r.expectation.metric, c.value),
                    mark: mark(c),
                    trend: arrow(c.trend),
                    trend_word: c.trend.as_str(),
                    to_date: c.to_date,
                })
                .collect(),
        })
        .collect()
}

/// Shows a person's scorecard (404 outside the viewer's scope).
pub async fn show_scorecard(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(person_id): Path<String>,
) -> PageResult {
    if !viewer.can_see_person(&person_id) {
        return Err(Fail::NotFound.into());
    }
    Ok(state
        .blocking(move |store| -> Result<_, Fail> {
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
            .ok_or(Fail::NotFound)?;
            let name = card.member.name.clone();
            render(&ScorecardPage {
                chrome: Chrome::new(
                    &viewer,
                    &company,
                    format!("Scorecard: {name}"),
                    "home",
                    "scorecards",
                ),
                id: person_id.clone(),
                job: card
                    .job
                    .as_ref()
                    .map(|j| j.title.clone())
                    .unwrap_or_default(),
                mission: card
                    .job
                    .as_ref()
                    .map(|j| j.mission.clone())
                    .unwrap_or_default(),
                rows: rows(&card, &company),
                name,
            })
        })
        .await?)
}

/// The team scorecards' query.
#[derive(Debug, Default, serde::Deserialize)]
pub struct TeamQuery {
    /// The manager whose team is shown (default: the viewer).
    #[serde(default)]
    pub manager: String,
}

/// One expectation's last complete period at a glance (`mark` empty: not the person's).
#[derive(Default)]
pub struct GlanceCell {
    value: String,
    mark: &'static str,
    period: String,
}

/// One person's row at a glance.
pub struct GlanceRow {
    id: String,
    name: String,
    job: String,
    cells: Vec<GlanceCell>,
    met: usize,
    measured: usize,
}

#[derive(Template)]
#[template(path = "scorecards.html")]
struct TeamPage {
    chrome: Chrome,
    manager: String,
    manager_name: String,
    columns: Vec<String>,
    people: Vec<GlanceRow>,
}

/// The columns of a team: every distinct expectation of its people, in first-seen order.
pub fn columns(cards: &[Card]) -> Vec<Expectation> {
    let mut cols: Vec<Expectation> = Vec::new();
    for c in cards {
        for r in &c.rows {
            if !cols.contains(&r.expectation) {
                cols.push(r.expectation);
            }
        }
    }
    cols
}

/// Shows a team's scorecards at a glance: one row per person, one column per expectation, the
/// last complete period marked met or missed, and the count met.
pub async fn show_team_scorecards(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(q): Query<TeamQuery>,
) -> PageResult {
    Ok(state
        .blocking(move |store| -> Result<_, Fail> {
            let mut conn = store.conn()?;
            let company = Company::load(&mut conn)?;
            let (manager, ids) = team_members(&mut conn, &viewer, Some(&q.manager))?;
            let manager_name = conn
                .query_opt(
                    "SELECT name FROM people WHERE person_id = $1",
                    attain_store::params![&manager],
                )?
                .map(|r| r.string(0))
                .transpose()?
                .unwrap_or_default();
            let list = cards(&mut conn, &company, &ids, today())?;
            let cols = columns(&list);
            let people = list
                .iter()
                .map(|c| {
                    let (met, measured) = c.met_count();
                    GlanceRow {
                        id: c.member.id.clone(),
                        name: c.member.name.clone(),
                        job: c.job.as_ref().map(|j| j.title.clone()).unwrap_or_default(),
                        cells: cols
                            .iter()
                            .map(|e| {
                                c.rows
                                    .iter()
                                    .find(|r| r.expectation == *e)
                                    .and_then(|r| r.last_complete())
                                    .map_or_else(GlanceCell::default, |cell| GlanceCell {
                                        value: value_text(e.metric, cell.value),
                                        mark: mark(cell),
                                        period: period_label(&cell.period, &company),
                                    })
                            })
                            .collect(),
                        met,
                        measured,
                    }
                })
                .collect();
            render(&TeamPage {
                chrome: Chrome::new(&viewer, &company, "Team scorecards", "home", "scorecards"),
                columns: cols.iter().map(describe).collect(),
                manager,
                manager_name,
                people,
            })
        })
        .await?)
}
