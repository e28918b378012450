//! The pipeline snapshots (docs/pipeline.md): a person's figures over a week, month or quarter
//! with their trend, the team side by side with its outliers and forecast, and the records
//! behind every figure. Every figure comes from `attain_domain::pipeline`.

pub mod person;
pub mod records;
pub mod team;

use super::{Company, query_string};
use crate::Viewer;
use crate::error::Fail;
use crate::fmt::{Currency, attainment, money_whole};
use crate::viewer::{Scope, team_of};
use attain_domain::pipeline::snapshot::Trend;
use attain_domain::pipeline::{Period, PeriodKind};
use attain_domain::vocab::Role;
use attain_domain::{Date, Money, Ratio};
use attain_store::Executor;

/// Returns today (UTC).
pub fn today() -> Date {
    chrono::Utc::now().date_naive()
}

/// Returns a period's name: `Week of 2026-11-23`, `Nov 2026`, `Q3 FY2026`.
pub fn period_label(p: &Period, company: &Company) -> String {
    match p.kind {
        PeriodKind::Week => format!("Week of {}", p.start),
        PeriodKind::Month => p.start.format("%b %Y").to_string(),
        PeriodKind::Quarter => {
            let (y, m) = company.calendar.fiscal_of(p.start);
            format!("Q{} FY{y}", (m - 1) / 3 + 1)
        }
        PeriodKind::Year => format!("FY{}", company.calendar.fiscal_of(p.start).0),
    }
}

/// Returns the query string of a period (and extra pairs).
pub fn period_qs(p: &Period, extra: &[(&str, String)]) -> String {
    let mut pairs = vec![
        ("period", p.kind.as_str().to_owned()),
        ("date", p.start.to_string()),
    ];
    pairs.extend(extra.iter().cloned());
    query_string(&pairs)
}

/// Formats a ratio as a percentage, `—` when undefined.
pub fn pct(r: Option<Ratio>) -> String {
    attainment(r)
}

/// Formats a coverage ratio as a multiple (`2.35×`), `—` when undefined.
pub fn times(r: Option<Ratio>) -> String {
    match r {
        None => "\u{2014}".into(),
        Some(r) => {
            let hundredths = (r.micros() + 5_000) / 10_000;
            format!("{}.{:02}\u{d7}", hundredths / 100, hundredths % 100)
        }
    }
}

/// Formats money to whole units, `—` when undefined.
pub fn cash(m: Option<Money>, cur: &Currency) -> String {
    m.map_or("\u{2014}".into(), |m| money_whole(m, cur).text)
}

/// Formats days, `—` when undefined.
pub fn days(d: Option<i64>) -> String {
    d.map_or("\u{2014}".into(), |d| format!("{d} d"))
}

/// Formats a ratio holding a count with one decimal (`34.7`).
pub fn count_ratio(r: Option<Ratio>) -> String {
    match r {
        None => "\u{2014}".into(),
        Some(r) => {
            let tenths = (r.micros() + 50_000) / 100_000;
            if tenths % 10 == 0 {
                format!("{}", tenths / 10)
            } else {
                format!("{}.{}", tenths / 10, tenths % 10)
            }
        }
    }
}

/// Returns the arrow of a trend.
pub fn arrow(t: Trend) -> &'static str {
    match t {
        Trend::Up => "\u{2191}",
        Trend::Down => "\u{2193}",
        Trend::Flat => "\u{2192}",
        Trend::Unknown => "",
    }
}

/// A figure with its previous value, trend and the link to its records.
pub struct Fig {
    /// What it is.
    pub label: String,
    /// This period.
    pub value: String,
    /// The period before.
    pub previous: String,
    /// `↑`, `↓`, `→` or nothing.
    pub trend: &'static str,
    /// `up`, `down`, `flat`, `unknown`.
    pub trend_word: &'static str,
    /// The records behind it.
    pub href: String,
}

/// Builds a figure from its two comparable values and their texts.
pub fn fig(
    label: impl Into<String>,
    now: (Option<i64>, String),
    before: (Option<i64>, String),
    href: String,
) -> Fig {
    let t = Trend::of(now.0, before.0);
    Fig {
        label: label.into(),
        value: now.1,
        previous: before.1,
        trend: arrow(t),
        trend_word: t.as_str(),
        href,
    }
}

/// Returns the manager whose team is shown and the people of that team (everyone below the
/// manager in today's reporting tree; the manager alone when nobody reports to them), or 404
/// when the manager is not the viewer's to see.
pub fn team_members(
    ex: &mut impl Executor,
    viewer: &Viewer,
    manager: Option<&str>,
) -> Result<(String, Vec<String>), Fail> {
    let manager = match manager.filter(|m| !m.is_empty()) {
        Some(m) => m.to_owned(),
        None => viewer.person_id.clone().ok_or(Fail::NotFound)?,
    };
    if !viewer.can_see_person(&manager) {
        return Err(Fail::NotFound);
    }
    let exists = ex
        .query_opt(
            "SELECT 1 FROM people WHERE person_id = $1",
            attain_store::params![&manager],
        )?
        .is_some();
    if !exists {
        return Err(Fail::NotFound);
    }
    // The viewer's own team is their scope, resolved once for the request.
    let team = match (viewer.people(), viewer.person_id.as_deref()) {
        (Scope::Only(set), Some(own)) if own == manager && viewer.role != Role::Rep => {
            set.as_ref().clone()
        }
        _ => team_of(ex, &manager, today())?,
    };
    let mut ids: Vec<String> = team
        .into_iter()
        .filter(|p| *p != manager && viewer.can_see_person(p))
        .collect();
    if ids.is_empty() {
        ids.push(manager.clone());
    }
    ids.sort();
    Ok((manager, ids))
}
