//! Scorecards (docs/scorecards.md): each job expectation measured over its own period grid (the
//! last weeks, fiscal months, quarters or years), with the value, whether it was met and the
//! trend. The values come from the snapshot's metric functions; nothing is defined twice.

use super::metrics::{activities_in, coverage, new_opportunities, ratio, win_rate};
use super::snapshot::{CoverageInputs, Expectation, Trend};
use super::{Book, Period, PeriodKind, Stages};
use crate::date::Date;
use crate::fiscal::FiscalCalendar;
use crate::fixed::Ratio;
use crate::money::Money;
use crate::vocab::{ActivityType, Comparison, JobMetric, Per};

/// Returns how many periods a scorecard shows for an expectation's `per`: 6 weeks, 6 months,
/// 4 quarters, 2 years (the current one to date and the last).
pub fn periods_shown(per: Per) -> usize {
    match per {
        Per::Week | Per::Month => 6,
        Per::Quarter => 4,
        Per::Year => 2,
    }
}

/// Returns the grid of an expectation's `per`, oldest first: the periods shown, ending with the
/// one holding `today`, preceded by one more period (the first trend's comparison).
pub fn grid(per: Per, today: Date, cal: &FiscalCalendar) -> Vec<Period> {
    let mut p = Period::containing(PeriodKind::of_per(per), today, cal);
    let mut list = vec![p];
    for _ in 0..periods_shown(per) {
        p = p.previous(cal);
        list.push(p);
    }
    list.reverse();
    list
}

/// What a job metric needs beyond the person's records, for one period.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Extras {
    /// Coverage inputs at the period's as-of day.
    pub coverage: CoverageInputs,
    /// Credited and objective amounts of the period for bookings, revenue, margin (`None`
    /// when the metric cannot be measured over such a period, e.g. a week).
    pub attainment: [Option<(Money, Money)>; 3],
    /// Coaching sessions given as coach in the period (`None` when not recorded here).
    pub coaching_sessions: Option<i64>,
}

/// Attainment: credited ÷ objective, undefined without an objective.
pub fn attainment(credited: Money, objective: Money) -> Option<Ratio> {
    if objective.cents() <= 0 {
        return None;
    }
    ratio(credited.cents(), objective.cents())
}

/// Returns the value of a job metric over period `p` (counts as whole numbers in a ratio), or
/// `None` when undefined: coverage with nothing left to book, win rate without closed deals,
/// attainment without an objective, coaching sessions not recorded.
pub fn job_metric_value(
    metric: JobMetric,
    book: &Book,
    stages: &Stages,
    p: &Period,
    today: Date,
    x: &Extras,
) -> Option<Ratio> {
    let count = |n: i64| Some(Ratio::from_micros(n * Ratio::SCALE));
    let of = |k: Option<ActivityType>| count(activities_in(book, p, k).count() as i64);
    let att = |i: usize| x.attainment[i].and_then(|(c, o)| attainment(c, o));
    match metric {
        JobMetric::Activities => of(None),
        JobMetric::Meetings => of(Some(ActivityType::Meeting)),
        JobMetric::Calls => of(Some(ActivityType::Call)),
        JobMetric::NewOpportunities => count(new_opportunities(book, p)),
        JobMetric::PipelineCoverage => {
            let c = &x.coverage;
            let as_of = p.as_of(today);
            c.year_end
                .and_then(|end| coverage(book, stages, as_of, end, c.objective, c.booked))
        }
        JobMetric::WinRate => win_rate(book, stages, p),
        JobMetric::BookingsAttainment => att(0),
        JobMetric::RevenueAttainment => att(1),
        JobMetric::MarginAttainment => att(2),
        JobMetric::CoachingSessions => x.coaching_sessions.and_then(count),
    }
}

/// Whether a value meets an expectation: `>=` or `<=` the threshold as written (the grid is the
/// expectation's own `per`, so nothing is scaled); `None` when the value is undefined.
pub fn met(comparison: Comparison, value: Option<Ratio>, threshold: Ratio) -> Option<bool> {
    value.map(|v| match comparison {
        Comparison::AtLeast => v >= threshold,
        Comparison::AtMost => v <= threshold,
    })
}

/// One period of an expectation's row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cell {
    /// The period.
    pub period: Period,
    /// The value (`None` when undefined).
    pub value: Option<Ratio>,
    /// Met or not (`None` when undefined).
    pub met: Option<bool>,
    /// Against the period before.
    pub trend: Trend,
    /// True for the period holding today: the value is to date.
    pub to_date: bool,
}

/// An expectation measured over its grid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// The expectation.
    pub expectation: Expectation,
    /// The periods shown, oldest first.
    pub cells: Vec<Cell>,
}

impl Row {
    /// Measures an expectation over its grid: `extras(p)` gives each period's extras.
    pub fn measure(
        e: Expectation,
        book: &Book,
        stages: &Stages,
        today: Date,
        cal: &FiscalCalendar,
        extras: impl Fn(&Period) -> Extras,
    ) -> Row {
        let periods = grid(e.per, today, cal);
        let values: Vec<Option<Ratio>> = periods
            .iter()
            .map(|p| job_metric_value(e.metric, book, stages, p, today, &extras(p)))
            .collect();
        let cells = (1..periods.len())
            .map(|i| Cell {
                period: periods[i],
                value: values[i],
                met: met(e.comparison, values[i], e.threshold),
                trend: Trend::of(
                    values[i].map(|v| v.micros()),
                    values[i - 1].map(|v| v.micros()),
                ),
                to_date: periods[i].contains(today),
            })
            .collect();
        Row {
            expectation: e,
            cells,
        }
    }

    /// The last period that is over (the one the team view marks), if any.
    pub fn last_complete(&self) -> Option<&Cell> {
        self.cells.iter().rev().find(|c| !c.to_date)
    }
}
