//! Pay: plans and their acceptance, monthly statements with a drill-down to every source,
//! team payouts and their exports, what-if estimates, inquiries, and the month close for sales
//! operations (docs/pay.md). Figures are the engine's: stored results of the latest calculation,
//! the statements kept at closing, or — for the transactions behind a credit and for what-if —
//! the engine's pure core on one person's slice of the year.

pub mod close;
pub mod inquiries;
pub mod plan;
pub mod statements;
pub mod team;
pub mod whatif;

use crate::Viewer;
use crate::error::Fail;
use attain_domain::{Money, Ratio};
use attain_engine::explain::Reached;
use attain_engine::input::Component;
use attain_store::{Executor, StoreResult, params};
use chrono::{DateTime, Utc};

/// Returns the person's name when the viewer may see them and they exist; `NotFound` otherwise
/// (the two are never told apart).
pub fn visible_person(ex: &mut impl Executor, viewer: &Viewer, id: &str) -> Result<String, Fail> {
    if !viewer.can_see_person(id) {
        return Err(Fail::NotFound);
    }
    match ex.query_opt("SELECT name FROM people WHERE person_id = $1", params![id])? {
        Some(r) => Ok(r.string(0)?),
        None => Err(Fail::NotFound),
    }
}

/// Checks a fiscal month from a path: 1–12, else `NotFound`.
pub fn fiscal_month(month: u32) -> Result<u32, Fail> {
    if (1..=12).contains(&month) {
        Ok(month)
    } else {
        Err(Fail::NotFound)
    }
}

/// Returns the last locked fiscal month of a year (0: none).
pub fn last_locked(ex: &mut impl Executor, year: i32) -> StoreResult<u32> {
    let m = ex
        .query_one("SELECT MAX(month) FROM paid WHERE year = $1", params![year])?
        .opt_int(0)?;
    Ok(m.and_then(|m| u32::try_from(m).ok()).unwrap_or(0))
}

/// The latest calculation run of a year.
pub struct Run {
    /// Its number.
    pub run_id: i64,
    /// When it finished.
    pub finished_at: DateTime<Utc>,
    /// Who ran it.
    pub actor: String,
    /// Its warnings, one sentence each.
    pub warnings: Vec<String>,
}

impl Run {
    /// Returns when it finished, for a page.
    pub fn when(&self) -> String {
        self.finished_at.format("%Y-%m-%d %H:%M UTC").to_string()
    }
}

/// Returns the latest calculation run of a year, if any.
pub fn latest_run(ex: &mut impl Executor, year: i32) -> StoreResult<Option<Run>> {
    let row = ex.query_opt(
        "SELECT run_id, finished_at, actor, warnings_json FROM calc_runs
         WHERE year = $1 ORDER BY run_id DESC LIMIT 1",
        params![year],
    )?;
    row.map(|r| {
        let warnings: Vec<String> = serde_json::from_str(r.text(3)?).unwrap_or_default();
        Ok(Run {
            run_id: r.int(0)?,
            finished_at: r.time(1)?,
            actor: r.string(2)?,
            warnings,
        })
    })
    .transpose()
}

/// Returns true when data that the calculation reads changed after `at`: an import, or an
/// adjustment written by an inquiry's resolution.
pub fn changed_since(ex: &mut impl Executor, at: DateTime<Utc>) -> StoreResult<bool> {
    Ok(ex
        .query_opt(
            "SELECT 1 FROM audit_log WHERE at > $1 AND entity IN ('dataset', 'adjustment') LIMIT 1",
            params![at],
        )?
        .is_some())
}

/// Writes a ratio as a percentage with up to four decimals: `0.02` → `2%`, `0.025` → `2.5%`.
pub fn percent(r: Ratio) -> String {
    let m = r.micros();
    let abs = m.unsigned_abs();
    let (whole, frac) = (abs / 10_000, abs % 10_000);
    let sign = if m < 0 { "\u{2212}" } else { "" };
    if frac == 0 {
        format!("{sign}{whole}%")
    } else {
        let f = format!("{frac:04}");
        format!("{sign}{whole}.{}%", f.trim_end_matches('0'))
    }
}

/// Says in words which band or curve segment was reached.
pub fn reached_text(r: &Reached) -> String {
    match r {
        Reached::NoTarget => "no target in this window: nothing is earned".into(),
        Reached::Undefined => "the component has no rates".into(),
        Reached::Band { number, tier } => {
            let range = match tier.to {
                Some(to) => format!("{}–{}", percent(tier.from), percent(to)),
                None => format!("{} and above", percent(tier.from)),
            };
            format!(
                "band {number}: {range} of target, paid at {}",
                percent(tier.rate)
            )
        }
        Reached::BelowCurve { first } => format!(
            "below the curve's first point ({} of target): nothing is paid",
            percent(first.attainment)
        ),
        Reached::Segment { number, from, to } => format!(
            "curve segment {number}: between {} → {} and {} → {} of target incentive",
            percent(from.attainment),
            percent(from.payout),
            percent(to.attainment),
            percent(to.payout)
        ),
        Reached::Top { last } => format!(
            "at or past the curve's last point ({} → {} of target incentive)",
            percent(last.attainment),
            percent(last.payout)
        ),
    }
}

/// Returns how a component's period reads: `month`, `quarter`, `year`.
pub fn window_label(c: &Component, year: i32, m: u32) -> String {
    use attain_domain::vocab::Period;
    let (ws, we) = attain_engine::calc::window(c.period, m);
    match c.period {
        Period::Month => format!("month {m}"),
        Period::Quarter => format!("Q{} (months {ws}–{we})", (ws - 1) / 3 + 1),
        Period::Year => format!("fiscal {year}"),
    }
}

/// Returns the components of every plan named, keyed by `(plan_id, component)`.
pub fn components_of(
    ex: &mut impl Executor,
    plans: impl IntoIterator<Item = String>,
) -> Result<std::collections::HashMap<(String, String), Component>, Fail> {
    let mut out = std::collections::HashMap::new();
    let mut seen = std::collections::HashSet::new();
    for plan in plans {
        if !seen.insert(plan.clone()) {
            continue;
        }
        for c in attain_engine::person::plan_components(ex, &plan).map_err(load_fail)? {
            out.insert((c.plan_id.clone(), c.component.clone()), c);
        }
    }
    Ok(out)
}

/// Turns an engine load error into the web's failure.
pub fn load_fail(e: attain_engine::load::LoadError) -> Fail {
    Fail::Internal(format!("engine load: {e}"))
}

/// Parses an amount typed in a form (`1250`, `1,250.00`, `-40`), or says why not.
pub fn parse_amount(s: &str) -> Result<Money, String> {
    let cleaned: String = s
        .trim()
        .chars()
        .filter(|c| !matches!(c, ',' | ' ' | '$' | '€' | '£' | '\u{a0}'))
        .map(|c| if c == '\u{2212}' { '-' } else { c })
        .collect();
    Money::parse(&cleaned).map_err(|e| format!("the amount '{}' is not money: {e}", s.trim()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentages_read_without_needless_zeros() {
        assert_eq!(percent(Ratio::from_micros(20_000)), "2%");
        assert_eq!(percent(Ratio::from_micros(25_000)), "2.5%");
        assert_eq!(percent(Ratio::from_micros(1_000_000)), "100%");
        assert_eq!(percent(Ratio::from_micros(1_125)), "0.1125%");
    }

    #[test]
    fn typed_amounts_accept_separators_and_a_real_minus() {
        assert_eq!(parse_amount("1,250.50").unwrap().cents(), 125_050);
        assert_eq!(parse_amount("\u{2212}40").unwrap().cents(), -4_000);
        assert!(parse_amount("ten").is_err());
    }
}
