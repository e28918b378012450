//! A person's snapshot page: every figure of the period against the period before, the job's
//! expectations, pipeline and activity charts, each figure linked to its records.

use super::{Fig, cash, count_ratio, days, fig, pct, period_label, period_qs, times, today};
use crate::chart::BarLine;
use crate::error::{Fail, PageResult};
use crate::pages::{Chrome, Company, render};
use crate::snapshot::{Computed, PeriodQuery, load};
use crate::{AppState, Viewer};
use askama::Template;
use attain_domain::pipeline::Period;
use attain_domain::pipeline::snapshot::is_count;
use attain_domain::vocab::JobMetric;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect};

/// One row of a small table: a label, values and a link.
pub struct Line {
    /// The first column.
    pub label: String,
    /// The other columns.
    pub cells: Vec<String>,
    /// The records behind the row.
    pub href: String,
}

/// A job expectation measured.
pub struct ExpRow {
    metric: String,
    expected: String,
    actual: String,
    met: &'static str,
}

#[derive(Template)]
#[template(path = "snapshot_person.html")]
struct PersonSnapshotPage {
    chrome: Chrome,
    id: String,
    name: String,
    period: String,
    previous: String,
    kind: &'static str,
    date: String,
    form_action: String,
    hidden_fields: Vec<(String, String)>,
    prev_href: String,
    next_href: String,
    figures: Vec<Fig>,
    expectations: Vec<ExpRow>,
    activities: Vec<Line>,
    stages: Vec<Line>,
    categories: Vec<Line>,
    conversions: Vec<Line>,
    stays: Vec<Line>,
    stage_chart: String,
    activity_chart: String,
    outliers: Vec<&'static str>,
}

/// The figures of a snapshot as cards, each linking to its records.
pub fn figures(c: &Computed, company: &Company, base: &str, p: &Period) -> Vec<Fig> {
    let (now, before) = (&c.snapshot.current, &c.snapshot.previous);
    let cur = &company.currency;
    let link = |figure: &str| {
        format!(
            "{base}/records{}",
            period_qs(p, &[("figure", figure.to_owned())])
        )
    };
    let n = |v: i64| (Some(v), v.to_string());
    vec![
        fig(
            "Activities",
            n(now.activities),
            n(before.activities),
            link("activities"),
        ),
        fig(
            "New opportunities",
            n(now.new_opportunities),
            n(before.new_opportunities),
            link("new_opportunities"),
        ),
        fig(
            "Moved forward",
            n(now.moved_forward),
            n(before.moved_forward),
            link("moved_forward"),
        ),
        fig(
            "Moved back",
            n(now.moved_back),
            n(before.moved_back),
            link("moved_back"),
        ),
        fig(
            "Open pipeline",
            (
                Some(now.open_amount.cents()),
                cash(Some(now.open_amount), cur),
            ),
            (
                Some(before.open_amount.cents()),
                cash(Some(before.open_amount), cur),
            ),
            link("pipeline"),
        ),
        fig(
            "Won",
            (
                Some(now.won_amount.cents()),
                cash(Some(now.won_amount), cur),
            ),
            (
                Some(before.won_amount.cents()),
                cash(Some(before.won_amount), cur),
            ),
            link("won"),
        ),
        fig(
            "Win rate",
            (now.win_rate.map(|r| r.micros()), pct(now.win_rate)),
            (before.win_rate.map(|r| r.micros()), pct(before.win_rate)),
            link("closed"),
        ),
        fig(
            "Average deal size",
            (
                now.average_deal.map(|m| m.cents()),
                cash(now.average_deal, cur),
            ),
            (
                before.average_deal.map(|m| m.cents()),
                cash(before.average_deal, cur),
            ),
            link("won"),
        ),
        fig(
            "Sales cycle",
            (now.cycle_days, days(now.cycle_days)),
            (before.cycle_days, days(before.cycle_days)),
            link("won"),
        ),
        fig(
            "Pipeline velocity (per day)",
            (now.velocity.map(|m| m.cents()), cash(now.velocity, cur)),
            (
                before.velocity.map(|m| m.cents()),
                cash(before.velocity, cur),
            ),
            link("pipeline"),
        ),
        fig(
            "Conversion (all stages)",
            (now.conversion.map(|r| r.micros()), pct(now.conversion)),
            (
                before.conversion.map(|r| r.micros()),
                pct(before.conversion),
            ),
            link("conversion"),
        ),
        fig(
            "Coverage of objective left",
            (now.coverage.map(|r| r.micros()), times(now.coverage)),
            (before.coverage.map(|r| r.micros()), times(before.coverage)),
            link("coverage"),
        ),
        fig(
            "Stalled deals",
            n(now.stalled),
            n(before.stalled),
            link("stalled"),
        ),
    ]
}

/// Shows a person's snapshot, or 404 when missing or not the viewer's to see.
pub async fn show_snapshot(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(person_id): Path<String>,
    Query(q): Query<PeriodQuery>,
) -> PageResult {
    if person_id == "me" {
        let own = viewer.person_id.clone().ok_or(Fail::NotFound)?;
        let qs = crate::pages::query_string(&[("period", q.period), ("date", q.date)]);
        return Ok(Redirect::to(&format!("/pipeline/snapshot/{own}{qs}")).into_response());
    }
    if !viewer.can_see_person(&person_id) {
        return Err(Fail::NotFound.into());
    }
    Ok(state
        .blocking(move |store| -> Result<_, Fail> {
            let mut conn = store.conn()?;
            let company = Company::load(&mut conn)?;
            let p = q.period(&company, today())?;
            let loaded = load(
                &mut conn,
                &company,
                std::slice::from_ref(&person_id),
                p,
                today(),
            )?;
            let c = loaded.compute().into_iter().next().ok_or(Fail::NotFound)?;
            let base = format!("/pipeline/snapshot/{person_id}");
            let cal = company.calendar;
            let next = Period::containing(p.kind, p.end.succ_opt().unwrap_or(p.end), &cal);
            let page = page(&viewer, &company, &c, &base, &p)?;
            render(&PersonSnapshotPage {
                prev_href: format!("{base}{}", period_qs(&p.previous(&cal), &[])),
                next_href: format!("{base}{}", period_qs(&next, &[])),
                ..page
            })
        })
        .await?)
}

fn page(
    viewer: &Viewer,
    company: &Company,
    c: &Computed,
    base: &str,
    p: &Period,
) -> Result<PersonSnapshotPage, Fail> {
    let (now, before) = (&c.snapshot.current, &c.snapshot.previous);
    let cur = &company.currency;
    let link = |pairs: &[(&str, String)]| format!("{base}/records{}", period_qs(p, pairs));
    let activities = now
        .by_type
        .iter()
        .zip(&before.by_type)
        .map(|((k, n), (_, b))| Line {
            label: k.as_str().replace('_', " "),
            cells: vec![n.to_string(), b.to_string()],
            href: link(&[("figure", "activities".into()), ("type", k.as_str().into())]),
        })
        .collect();
    let stage_lines = now
        .by_stage
        .iter()
        .map(|b| {
            let prev = before.by_stage.iter().find(|x| x.key == b.key);
            Line {
                label: b.key.replace('_', " "),
                cells: vec![
                    b.count.to_string(),
                    cash(Some(b.amount), cur),
                    cash(prev.map(|x| x.amount), cur),
                ],
                href: link(&[("figure", "pipeline".into()), ("stage", b.key.clone())]),
            }
        })
        .collect();
    let categories = now
        .by_category
        .iter()
        .zip(&before.by_category)
        .map(|(b, x)| Line {
            label: b.key.replace('_', " "),
            cells: vec![
                b.count.to_string(),
                cash(Some(b.amount), cur),
                cash(Some(x.amount), cur),
            ],
            href: link(&[("figure", "pipeline".into()), ("category", b.key.clone())]),
        })
        .collect();
    let conversions = now
        .conversions
        .iter()
        .zip(&before.conversions)
        .map(|(s, x)| Line {
            label: format!(
                "{} \u{2192} {}",
                s.from.replace('_', " "),
                s.to.replace('_', " ")
            ),
            cells: vec![
                s.entered.to_string(),
                s.converted.to_string(),
                pct(s.rate),
                pct(x.rate),
            ],
            href: link(&[("figure", "conversion".into()), ("stage", s.from.clone())]),
        })
        .collect();
    let stays = now
        .days_in_stage
        .iter()
        .zip(&before.days_in_stage)
        .map(|((s, n, avg), (_, _, pavg))| Line {
            label: s.replace('_', " "),
            cells: vec![n.to_string(), days(*avg), days(*pavg)],
            href: link(&[("figure", "days_in_stage".into()), ("stage", s.clone())]),
        })
        .collect();
    let labels: Vec<String> = now
        .by_stage
        .iter()
        .map(|b| b.key.replace('_', " "))
        .collect();
    let bars: Vec<i64> = now.by_stage.iter().map(|b| b.amount.cents()).collect();
    let line: Vec<i64> = now
        .by_stage
        .iter()
        .map(|b| {
            before
                .by_stage
                .iter()
                .find(|x| x.key == b.key)
                .map_or(0, |x| x.amount.cents())
        })
        .collect();
    let stage_chart = BarLine {
        title: "Open pipeline by stage (bars) and at the end of the previous period (line)",
        labels: &labels,
        bars: &bars,
        line: Some(&line),
    }
    .svg();
    let labels: Vec<String> = now
        .by_type
        .iter()
        .map(|(k, _)| k.as_str().replace('_', " "))
        .collect();
    let bars: Vec<i64> = now.by_type.iter().map(|(_, n)| *n).collect();
    let line: Vec<i64> = before.by_type.iter().map(|(_, n)| *n).collect();
    let activity_chart = BarLine {
        title: "Activities by type (bars) and in the previous period (line)",
        labels: &labels,
        bars: &bars,
        line: Some(&line),
    }
    .svg();
    let expectations = c
        .snapshot
        .measured
        .iter()
        .map(|m| {
            let metric = m.expectation.metric;
            let show = |r: Option<attain_domain::Ratio>| {
                if metric == JobMetric::PipelineCoverage {
                    times(r)
                } else if is_count(metric) {
                    count_ratio(r)
                } else {
                    pct(r)
                }
            };
            let ours = metric != JobMetric::CoachingSessions
                && (is_count(metric)
                    || matches!(metric, JobMetric::WinRate | JobMetric::PipelineCoverage));
            ExpRow {
                metric: m.expectation.metric.as_str().replace('_', " "),
                expected: format!(
                    "{} {}",
                    m.expectation.comparison.as_str(),
                    show(Some(m.expected))
                ),
                actual: show(m.actual),
                met: match m.met {
                    Some(true) => "met",
                    Some(false) => "not met",
                    None if ours => "undefined this period",
                    None => "not measured here",
                },
            }
        })
        .collect();
    let o = &c.outliers;
    let outliers = [
        (o.low_activity, "low activity"),
        (o.stalled_deals, "stalled deals"),
        (o.thin_coverage, "thin coverage"),
        (o.falling_conversion, "falling conversion"),
    ]
    .iter()
    .filter(|(on, _)| *on)
    .map(|(_, w)| *w)
    .collect();
    Ok(PersonSnapshotPage {
        chrome: Chrome::new(
            viewer,
            company,
            format!("Snapshot · {}", c.member.name),
            "pipeline",
            if viewer.person_id.as_deref() == Some(c.member.id.as_str()) {
                "snapshot"
            } else {
                "team"
            },
        ),
        id: c.member.id.clone(),
        name: c.member.name.clone(),
        period: period_label(p, company),
        previous: period_label(&before.period, company),
        kind: p.kind.as_str(),
        date: p.start.to_string(),
        form_action: base.to_owned(),
        hidden_fields: Vec::new(),
        prev_href: String::new(),
        next_href: String::new(),
        figures: figures(c, company, base, p),
        expectations,
        activities,
        stages: stage_lines,
        categories,
        conversions,
        stays,
        stage_chart,
        activity_chart,
        outliers,
    })
}
