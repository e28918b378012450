//! The metrics on hand-built records: an empty period, deals that skip stages or go back.

use super::snapshot::{
    CoverageInputs, Expectation, Trend, forecast, median, period_objective, scaled_expectation,
};
use super::*;
use crate::date::parse_date;
use crate::fiscal::FiscalCalendar;
use crate::fixed::Ratio;
use crate::vocab::{Comparison, JobMetric, Per};

fn d(s: &str) -> Date {
    parse_date(s).unwrap()
}

fn opp(
    id: &str,
    stage: &str,
    amount: i64,
    created: &str,
    close: &str,
    hist: &[(&str, &str)],
) -> Opportunity {
    let stages = Stages::defaults();
    Opportunity {
        id: id.into(),
        name: id.into(),
        stage: stage.into(),
        amount: Money::from_cents(amount * 100),
        created: d(created),
        close: d(close),
        forecast: stages.outcome(stage).default_forecast_category(),
        history: hist
            .iter()
            .map(|(s, e)| StageEntry {
                stage: (*s).into(),
                entered: d(e),
            })
            .collect(),
    }
}

fn act(id: &str, date: &str, kind: ActivityType) -> Activity {
    Activity {
        id: id.into(),
        date: d(date),
        kind,
    }
}

fn march() -> Period {
    Period::containing(
        PeriodKind::Month,
        d("2026-03-10"),
        &FiscalCalendar::default(),
    )
}

/// o1 walks every stage and wins in March; o2 skips from prospecting to proposal in March, then
/// goes back to qualification; o3 is lost in March; o4 was created in March and sits in
/// prospecting.
fn book() -> Book {
    let mut b = Book {
        opportunities: vec![
            opp(
                "o1",
                "closed_won",
                1000,
                "2026-01-01",
                "2026-03-21",
                &[
                    ("prospecting", "2026-01-01"),
                    ("qualification", "2026-01-11"),
                    ("needs_analysis", "2026-02-01"),
                    ("proposal", "2026-03-01"),
                    ("negotiation", "2026-03-11"),
                    ("closed_won", "2026-03-21"),
                ],
            ),
            opp(
                "o2",
                "qualification",
                500,
                "2026-02-20",
                "2026-06-30",
                &[
                    ("prospecting", "2026-02-20"),
                    ("proposal", "2026-03-05"),
                    ("qualification", "2026-03-15"),
                ],
            ),
            opp(
                "o3",
                "closed_lost",
                300,
                "2026-01-15",
                "2026-03-30",
                &[("prospecting", "2026-01-15"), ("closed_lost", "2026-03-30")],
            ),
            opp(
                "o4",
                "prospecting",
                200,
                "2026-03-02",
                "2026-12-15",
                &[("prospecting", "2026-03-02")],
            ),
        ],
        activities: vec![
            act("a1", "2026-03-02", ActivityType::Call),
            act("a2", "2026-03-03", ActivityType::Call),
            act("a3", "2026-03-04", ActivityType::Meeting),
            act("a4", "2026-02-27", ActivityType::Meeting),
        ],
    };
    b.sort_histories(&Stages::defaults());
    b
}

#[test]
fn an_empty_period_has_zero_counts_and_undefined_rates() {
    let s = Stages::defaults();
    let b = book();
    let p = Period::containing(
        PeriodKind::Week,
        d("2025-06-04"),
        &FiscalCalendar::default(),
    );
    assert_eq!(activity_count(&b, &p), 0);
    assert_eq!(new_opportunities(&b, &p), 0);
    assert_eq!(win_rate(&b, &s, &p), None);
    assert_eq!(average_deal(&b, &s, &p), None);
    assert_eq!(cycle_days(&b, &s, &p), None);
    assert_eq!(velocity(&b, &s, &p, p.end), None);
    assert!(conversions(&b, &s, &p).iter().all(|c| c.rate.is_none()));
    assert_eq!(open_pipeline(&b, &s, p.end), (0, Money::ZERO));
    let empty = Book::default();
    assert_eq!(win_rate(&empty, &s, &march()), None);
    assert_eq!(overall_conversion(&conversions(&empty, &s, &march())), None);
}

#[test]
fn activities_count_by_type_within_the_period() {
    let b = book();
    let by = activities_by_type(&b, &march());
    assert_eq!(activity_count(&b, &march()), 3);
    assert!(by.contains(&(ActivityType::Call, 2)));
    assert!(by.contains(&(ActivityType::Meeting, 1)));
}

#[test]
fn moves_forward_and_back_compare_each_entry_with_the_one_before() {
    let s = Stages::defaults();
    let b = book();
    let fwd: Vec<&str> = moves(&b, &s, &march(), Direction::Forward)
        .iter()
        .map(|(o, e)| {
            if o.id == "o1" {
                e.stage.as_str()
            } else {
                o.id.as_str()
            }
        })
        .collect();
    // o1: proposal, negotiation, won; o2's skip to proposal. o3's loss is not a move.
    assert_eq!(fwd, vec!["proposal", "negotiation", "closed_won", "o2"]);
    let back = moves(&b, &s, &march(), Direction::Back);
    assert_eq!(back.len(), 1);
    assert_eq!(back[0].1.stage, "qualification");
}

#[test]
fn skipped_stages_count_as_passed_in_conversion() {
    let s = Stages::defaults();
    let b = book();
    let c = conversions(&b, &s, &march());
    let step = |from: &str| c.iter().find(|x| x.from == from).unwrap().clone();
    // Reached prospecting in March: o4 only (o1, o3 in January, o2 in February).
    assert_eq!(
        (step("prospecting").entered, step("prospecting").converted),
        (1, 0)
    );
    // Qualification first reached in March: o2, by skipping to proposal; it went on to proposal.
    let q = step("qualification");
    assert_eq!((q.entered, q.converted), (1, 1));
    // Proposal in March: o1 and o2; o1 reached negotiation, o2 did not.
    let pr = step("proposal");
    assert_eq!(
        (pr.entered, pr.converted, pr.rate),
        (2, 1, Some(Ratio::from_micros(500_000)))
    );
    // Negotiation → won: o1.
    assert_eq!(step("negotiation").rate, Some(Ratio::ONE));
    // needs_analysis was skipped by o2 on Mar 5: passed, and converted the same day.
    let na = step("needs_analysis");
    assert_eq!((na.entered, na.converted), (1, 1));
    assert_eq!(overall_conversion(&c), ratio(4, 6));
}

#[test]
fn days_in_stage_average_the_stays_that_ended_in_the_period() {
    let s = Stages::defaults();
    let b = book();
    let days = days_in_stage(&b, &s, &march());
    let of = |st: &str| days.iter().find(|x| x.0 == st).unwrap().clone();
    // needs_analysis: o1 Feb 1 → Mar 1 = 28 days.
    assert_eq!(of("needs_analysis"), ("needs_analysis".into(), 1, Some(28)));
    // prospecting: o2 Feb 20 → Mar 5 (13), o3 Jan 15 → Mar 30 (74): 87 / 2 = 43.5 → 44 (even).
    assert_eq!(of("prospecting"), ("prospecting".into(), 2, Some(44)));
    // proposal: o1 10 days, o2 10 days.
    assert_eq!(of("proposal").2, Some(10));
    assert_eq!(of("qualification").1, 0);
}

#[test]
fn closed_deals_give_win_rate_deal_size_cycle_and_velocity() {
    let s = Stages::defaults();
    let b = book();
    let p = march();
    assert_eq!(win_rate(&b, &s, &p), Some(Ratio::from_micros(500_000)));
    assert_eq!(average_deal(&b, &s, &p), Some(Money::from_cents(100_000)));
    // o1: Jan 1 → Mar 21 = 79 days.
    assert_eq!(cycle_days(&b, &s, &p), Some(79));
    // Open at Mar 31: o2, o4 → 2 × 0.5 × 1000.00 ÷ 79 = 12.658… → 12.66.
    assert_eq!(velocity(&b, &s, &p, p.end), Some(Money::from_cents(1266)));
}

#[test]
fn pipeline_is_taken_at_the_as_of_day_from_the_history() {
    let s = Stages::defaults();
    let b = book();
    // On Mar 10: o1 in proposal, o2 in proposal, o3 in prospecting, o4 in prospecting.
    let by = pipeline_by_stage(&b, &s, d("2026-03-10"));
    let of = |k: &str| by.iter().find(|x| x.key == k).unwrap().clone();
    assert_eq!(
        (of("proposal").count, of("proposal").amount),
        (2, Money::from_cents(150_000))
    );
    assert_eq!(of("prospecting").count, 2);
    // On Mar 31 only o2 (qualification, went back) and o4 are open.
    let by = pipeline_by_stage(&b, &s, d("2026-03-31"));
    assert_eq!(by.iter().map(|x| x.count).sum::<i64>(), 2);
    let cats = pipeline_by_category(&b, &s, d("2026-03-10"));
    assert_eq!(cats[0].key, "pipeline");
    assert_eq!(
        cats[0].count, 4,
        "deals closed later count as pipeline before they closed"
    );
}

#[test]
fn coverage_divides_the_rest_of_year_pipeline_by_the_objective_left() {
    let s = Stages::defaults();
    let b = book();
    let as_of = d("2026-03-31");
    let end = d("2026-12-31");
    // Open and closing by year end: o2 500 + o4 200 = 700; objective 1500, booked 1000 → 700/500.
    let c = coverage(
        &b,
        &s,
        as_of,
        end,
        Money::from_cents(150_000),
        Money::from_cents(100_000),
    );
    assert_eq!(c, Some(Ratio::from_micros(1_400_000)));
    assert_eq!(
        coverage(
            &b,
            &s,
            as_of,
            end,
            Money::from_cents(100_000),
            Money::from_cents(100_000)
        ),
        None
    );
}

#[test]
fn deals_without_a_stage_change_for_too_long_are_stalled() {
    let s = Stages::defaults();
    let b = book();
    // On May 1: o2 last changed Mar 15 (47 days), o4 Mar 2 (60 days).
    assert_eq!(stalled(&b, &s, d("2026-05-01"), 30).count(), 2);
    assert_eq!(stalled(&b, &s, d("2026-04-10"), 30).count(), 1);
}

#[test]
fn expectations_scale_by_periods_per_year() {
    let week = Period::containing(
        PeriodKind::Week,
        d("2026-03-10"),
        &FiscalCalendar::default(),
    );
    let eight = Ratio::from_micros(8_000_000);
    assert_eq!(
        scaled_expectation(JobMetric::Meetings, eight, Per::Week, &week),
        eight
    );
    // 8 a week over a month: 8 × 52 ÷ 12 = 34.666667.
    assert_eq!(
        scaled_expectation(JobMetric::Meetings, eight, Per::Week, &march()),
        Ratio::from_micros(34_666_667)
    );
    assert_eq!(
        scaled_expectation(
            JobMetric::WinRate,
            Ratio::from_micros(300_000),
            Per::Quarter,
            &week
        ),
        Ratio::from_micros(300_000)
    );
}

#[test]
fn a_snapshot_measures_expectations_and_marks_outliers() {
    let s = Stages::defaults();
    let b = book();
    let cal = FiscalCalendar::default();
    let p = march();
    let inputs = SnapshotInputs {
        period: p,
        previous: p.previous(&cal),
        today: d("2026-04-15"),
        coverage: CoverageInputs {
            year_end: Some(d("2026-12-31")),
            objective: Money::from_cents(150_000),
            booked: Money::from_cents(100_000),
        },
        previous_coverage: CoverageInputs::default(),
        expectations: vec![Expectation {
            metric: JobMetric::Activities,
            comparison: Comparison::AtLeast,
            threshold: Ratio::from_micros(12_000_000),
            per: Per::Month,
        }],
        rules: OutlierRules::default(),
    };
    let snap = Snapshot::compute(&b, &s, &inputs);
    assert_eq!(snap.current.activities, 3);
    assert_eq!(snap.previous.activities, 1);
    assert_eq!(
        Trend::of(
            Some(snap.current.activities),
            Some(snap.previous.activities)
        ),
        Trend::Up
    );
    assert_eq!(snap.measured[0].met, Some(false));
    let o = Outliers::of(&snap, 3, &OutlierRules::default());
    assert!(o.low_activity, "below the job's 12 activities");
    assert!(o.thin_coverage, "1.4 is below 3");
    assert_eq!(median(&mut [5, 1, 3, 2]), 2);
}

#[test]
fn the_forecast_and_the_period_objective_add_up() {
    let s = Stages::defaults();
    let mut b = book();
    b.opportunities[1].close = d("2026-03-31");
    b.opportunities[1].forecast = ForecastCategory::Commit;
    let f = forecast(&b, &s, &march(), d("2026-03-20"));
    // Won o1 is dated Mar 21 (in the period); open on Mar 20 closing in March: o1 (pipeline, it
    // was still open), o2 (commit), o3 (pipeline).
    assert_eq!(f.won, Money::from_cents(100_000));
    assert_eq!(f.commit, Money::from_cents(50_000));
    assert_eq!(f.pipeline, Money::from_cents(180_000));
    let months = [(d("2026-03-01"), d("2026-03-31"), Money::from_cents(3100))];
    let week = Period::containing(
        PeriodKind::Week,
        d("2026-03-31"),
        &FiscalCalendar::default(),
    );
    // The week Mar 30 – Apr 5 shares 2 of March's 31 days: 31.00 × 2 ÷ 31 = 2.00.
    assert_eq!(period_objective(&months, &week), Money::from_cents(200));
}
