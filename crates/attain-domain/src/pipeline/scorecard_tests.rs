//! Scorecard metrics on hand-built records: boundary dates, empty periods, met for `>=` and
//! `<=`, the grids and the trend.

use super::scorecard::*;
use super::snapshot::{CoverageInputs, Expectation, Trend};
use super::*;
use crate::date::parse_date;
use crate::fiscal::FiscalCalendar;
use crate::fixed::Ratio;
use crate::vocab::{Comparison, JobMetric, Per};

fn d(s: &str) -> Date {
    parse_date(s).unwrap()
}

fn act(id: &str, date: &str, kind: ActivityType) -> Activity {
    Activity {
        id: id.into(),
        date: d(date),
        kind,
    }
}

fn opp(id: &str, stage: &str, amount: i64, created: &str, close: &str) -> Opportunity {
    let stages = Stages::defaults();
    Opportunity {
        id: id.into(),
        name: id.into(),
        stage: stage.into(),
        amount: Money::from_cents(amount * 100),
        created: d(created),
        close: d(close),
        forecast: stages.outcome(stage).default_forecast_category(),
        history: Vec::new(),
    }
}

fn week_of(s: &str) -> Period {
    Period::containing(PeriodKind::Week, d(s), &FiscalCalendar::default())
}

fn n(v: i64) -> Option<Ratio> {
    Some(Ratio::from_micros(v * Ratio::SCALE))
}

/// The week of Monday 2026-11-16 to Sunday 2026-11-22: activities on both ends count, those on
/// the Sunday before and the Monday after do not.
fn book() -> Book {
    Book {
        activities: vec![
            act("before", "2026-11-15", ActivityType::Meeting),
            act("mon", "2026-11-16", ActivityType::Meeting),
            act("wed", "2026-11-18", ActivityType::Call),
            act("sun", "2026-11-22", ActivityType::Call),
            act("email", "2026-11-20", ActivityType::Email),
            act("after", "2026-11-23", ActivityType::Call),
        ],
        opportunities: vec![
            opp("new-mon", "prospecting", 100, "2026-11-16", "2026-12-31"),
            opp("new-before", "prospecting", 100, "2026-11-15", "2026-12-31"),
            opp("won", "closed_won", 300, "2026-10-01", "2026-11-22"),
            opp("lost", "closed_lost", 100, "2026-10-01", "2026-11-17"),
            opp("lost-after", "closed_lost", 100, "2026-10-01", "2026-11-23"),
        ],
    }
}

fn value(metric: JobMetric, p: &Period, x: &Extras) -> Option<Ratio> {
    job_metric_value(metric, &book(), &Stages::defaults(), p, d("2026-11-27"), x)
}

#[test]
fn activity_metrics_count_the_first_and_last_day_of_the_week_and_nothing_outside() {
    let p = week_of("2026-11-18");
    let x = Extras::default();
    assert_eq!(value(JobMetric::Activities, &p, &x), n(4));
    assert_eq!(value(JobMetric::Meetings, &p, &x), n(1));
    assert_eq!(value(JobMetric::Calls, &p, &x), n(2));
    assert_eq!(value(JobMetric::NewOpportunities, &p, &x), n(1));
}

#[test]
fn win_rate_counts_deals_closed_in_the_period_and_is_undefined_without_any() {
    let x = Extras::default();
    let p = week_of("2026-11-18");
    assert_eq!(
        value(JobMetric::WinRate, &p, &x),
        Some(Ratio::from_micros(500_000))
    );
    let empty = week_of("2026-11-04");
    assert_eq!(value(JobMetric::WinRate, &empty, &x), None);
    assert_eq!(value(JobMetric::Activities, &empty, &x), n(0));
    assert_eq!(value(JobMetric::NewOpportunities, &empty, &x), n(0));
}

#[test]
fn coverage_is_the_open_pipeline_over_what_is_left_to_book() {
    let p = week_of("2026-11-18");
    let x = Extras {
        coverage: CoverageInputs {
            year_end: Some(d("2026-12-31")),
            objective: Money::from_cents(100_000),
            booked: Money::from_cents(90_000),
        },
        ..Extras::default()
    };
    // Open on Sunday 22nd with a close date by the year's end: new-mon, new-before and
    // lost-after (lost on the 23rd, still open then): 300 against 100 left.
    assert_eq!(
        value(JobMetric::PipelineCoverage, &p, &x),
        Some(Ratio::from_micros(3_000_000))
    );
    let nothing_left = Extras {
        coverage: CoverageInputs {
            booked: Money::from_cents(100_000),
            ..x.coverage
        },
        ..x
    };
    assert_eq!(value(JobMetric::PipelineCoverage, &p, &nothing_left), None);
}

#[test]
fn attainment_is_credited_over_objective_and_undefined_without_one() {
    let p = week_of("2026-11-18");
    let x = Extras {
        attainment: [
            Some((Money::from_cents(750), Money::from_cents(1_000))),
            Some((Money::from_cents(10), Money::from_cents(0))),
            None,
        ],
        ..Extras::default()
    };
    assert_eq!(
        value(JobMetric::BookingsAttainment, &p, &x),
        Some(Ratio::from_micros(750_000))
    );
    assert_eq!(value(JobMetric::RevenueAttainment, &p, &x), None);
    assert_eq!(value(JobMetric::MarginAttainment, &p, &x), None);
}

#[test]
fn coaching_sessions_are_counted_when_recorded_and_undefined_otherwise() {
    let p = week_of("2026-11-18");
    assert_eq!(
        value(JobMetric::CoachingSessions, &p, &Extras::default()),
        None
    );
    let x = Extras {
        coaching_sessions: Some(3),
        ..Extras::default()
    };
    assert_eq!(value(JobMetric::CoachingSessions, &p, &x), n(3));
}

#[test]
fn at_least_and_at_most_are_met_on_the_threshold_itself() {
    let t = Ratio::from_micros(8_000_000);
    assert_eq!(met(Comparison::AtLeast, n(8), t), Some(true));
    assert_eq!(met(Comparison::AtLeast, n(7), t), Some(false));
    assert_eq!(met(Comparison::AtMost, n(8), t), Some(true));
    assert_eq!(met(Comparison::AtMost, n(9), t), Some(false));
    assert_eq!(met(Comparison::AtLeast, None, t), None);
}

#[test]
fn grids_end_with_the_current_period_and_keep_one_more_for_the_first_trend() {
    let cal = FiscalCalendar::default();
    let today = d("2026-11-27");
    let weeks = grid(Per::Week, today, &cal);
    assert_eq!(weeks.len(), 7);
    assert_eq!(weeks[6].start, d("2026-11-23"));
    assert_eq!(weeks[0].start, d("2026-10-12"));
    assert_eq!(grid(Per::Quarter, today, &cal).len(), 5);
    let years = grid(Per::Year, today, &cal);
    assert_eq!(
        (years[2].start, years[2].end),
        (d("2026-01-01"), d("2026-12-31"))
    );
    assert_eq!(years.len(), 3);
}

#[test]
fn a_row_marks_each_period_met_or_missed_with_its_trend_and_the_current_one_to_date() {
    let cal = FiscalCalendar::default();
    let e = Expectation {
        metric: JobMetric::Calls,
        comparison: Comparison::AtLeast,
        threshold: Ratio::from_micros(2_000_000),
        per: Per::Week,
    };
    let row = Row::measure(
        e,
        &book(),
        &Stages::defaults(),
        d("2026-11-27"),
        &cal,
        |_| Extras::default(),
    );
    assert_eq!(row.cells.len(), 6);
    let last = row.cells[5];
    assert!(last.to_date);
    assert_eq!(
        (last.value, last.met),
        (n(1), Some(false)),
        "the call of the 23rd"
    );
    let done = row.last_complete().unwrap();
    assert_eq!(done.period.start, d("2026-11-16"));
    assert_eq!(
        (done.value, done.met, done.trend),
        (n(2), Some(true), Trend::Up)
    );
    assert_eq!(last.trend, Trend::Down);
}
