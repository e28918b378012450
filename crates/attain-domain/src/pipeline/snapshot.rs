//! A person's snapshot: every figure of a period and of the period before (the trend), the job's
//! expectations scaled to the period, the outlier rules of the team view and the forecast
//! roll-up.

use super::metrics::*;
use super::period::per_year;
use super::{Book, Period, Stages};
use crate::date::Date;
use crate::fixed::Ratio;
use crate::money::Money;
use crate::rounding::div_rhe;
use crate::vocab::{ActivityType, Comparison, JobMetric, Outcome, Per};

/// What coverage needs beyond the records: the fiscal year's last day, the year's objective for
/// bookings and the bookings credited to date.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CoverageInputs {
    /// The last day of the fiscal year of the as-of day.
    pub year_end: Option<Date>,
    /// The year's objective for bookings (Σ of the person's 12 monthly targets).
    pub objective: Money,
    /// Bookings credited in the year up to the as-of day.
    pub booked: Money,
}

/// Every figure of one period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Figures {
    /// The period.
    pub period: Period,
    /// The day the stock figures (pipeline, coverage, stalls) are taken at.
    pub as_of: Date,
    /// All activities in the period.
    pub activities: i64,
    /// Activities by type.
    pub by_type: Vec<(ActivityType, i64)>,
    /// Opportunities created in the period.
    pub new_opportunities: i64,
    /// Stage changes forward in the period.
    pub moved_forward: i64,
    /// Stage changes back in the period.
    pub moved_back: i64,
    /// Open pipeline by stage at the as-of day.
    pub by_stage: Vec<Bucket>,
    /// Open pipeline by forecast category at the as-of day.
    pub by_category: Vec<Bucket>,
    /// Open opportunities at the as-of day.
    pub open_count: i64,
    /// Their amount.
    pub open_amount: Money,
    /// Stage-to-stage conversion.
    pub conversions: Vec<Conversion>,
    /// Overall conversion (all steps).
    pub conversion: Option<Ratio>,
    /// Average days in each open stage: stage, stays, average.
    pub days_in_stage: Vec<(String, i64, Option<i64>)>,
    /// Deals won in the period.
    pub won_count: i64,
    /// Their amount.
    pub won_amount: Money,
    /// Deals lost in the period.
    pub lost_count: i64,
    /// Win rate.
    pub win_rate: Option<Ratio>,
    /// Average deal size.
    pub average_deal: Option<Money>,
    /// Sales cycle in days.
    pub cycle_days: Option<i64>,
    /// Pipeline velocity per day.
    pub velocity: Option<Money>,
    /// Pipeline coverage of the rest of the year's objective.
    pub coverage: Option<Ratio>,
    /// Open deals stalled at the as-of day.
    pub stalled: i64,
}

impl Figures {
    /// Computes every figure of period `p` (stock figures at `p.as_of(today)`).
    pub fn compute(
        book: &Book,
        stages: &Stages,
        p: &Period,
        today: Date,
        cov: &CoverageInputs,
        rules: &OutlierRules,
    ) -> Figures {
        let as_of = p.as_of(today);
        let (open_count, open_amount) = open_pipeline(book, stages, as_of);
        let (won_count, won_amount) = won(book, stages, p);
        let conv = conversions(book, stages, p);
        Figures {
            period: *p,
            as_of,
            activities: activity_count(book, p),
            by_type: activities_by_type(book, p),
            new_opportunities: new_opportunities(book, p),
            moved_forward: moves(book, stages, p, Direction::Forward).len() as i64,
            moved_back: moves(book, stages, p, Direction::Back).len() as i64,
            by_stage: pipeline_by_stage(book, stages, as_of),
            by_category: pipeline_by_category(book, stages, as_of),
            open_count,
            open_amount,
            conversion: overall_conversion(&conv),
            conversions: conv,
            days_in_stage: days_in_stage(book, stages, p),
            won_count,
            won_amount,
            lost_count: closed_in(book, stages, p, Outcome::Lost).count() as i64,
            win_rate: win_rate(book, stages, p),
            average_deal: average_deal(book, stages, p),
            cycle_days: cycle_days(book, stages, p),
            velocity: velocity(book, stages, p, as_of),
            coverage: cov
                .year_end
                .and_then(|end| coverage(book, stages, as_of, end, cov.objective, cov.booked)),
            stalled: stalled(book, stages, as_of, rules.stall_days).count() as i64,
        }
    }

    /// Returns the value of a job metric this module measures (counts as whole numbers), or
    /// `None` for the attainment and coaching metrics, or when the figure is undefined.
    pub fn job_metric(&self, metric: JobMetric) -> Option<Ratio> {
        let count = |n: i64| Some(Ratio::from_micros(n * Ratio::SCALE));
        let of_type = |k: ActivityType| {
            self.by_type
                .iter()
                .find(|(t, _)| *t == k)
                .map_or(0, |(_, n)| *n)
        };
        match metric {
            JobMetric::Activities => count(self.activities),
            JobMetric::Meetings => count(of_type(ActivityType::Meeting)),
            JobMetric::Calls => count(of_type(ActivityType::Call)),
            JobMetric::NewOpportunities => count(self.new_opportunities),
            JobMetric::PipelineCoverage => self.coverage,
            JobMetric::WinRate => self.win_rate,
            _ => None,
        }
    }
}

/// Returns true for the job metrics that count things (and scale with the period's length).
pub fn is_count(metric: JobMetric) -> bool {
    matches!(
        metric,
        JobMetric::Activities
            | JobMetric::Meetings
            | JobMetric::Calls
            | JobMetric::NewOpportunities
            | JobMetric::CoachingSessions
    )
}

/// Returns a job expectation's threshold scaled to a period: for counts, `threshold ×
/// per_year(per) ÷ per_year(period)` (a week is 1/52 of a year, a month 1/12, a quarter 1/4),
/// rounded half to even. Rates and attainments are not scaled.
pub fn scaled_expectation(metric: JobMetric, threshold: Ratio, per: Per, p: &Period) -> Ratio {
    if !is_count(metric) {
        return threshold;
    }
    Ratio::from_micros(div_rhe(
        i128::from(threshold.micros()) * i128::from(per_year(per)),
        i128::from(p.kind.per_year()),
    ) as i64)
}

/// One row of jobs.csv for the person's job.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Expectation {
    /// The metric.
    pub metric: JobMetric,
    /// `>=` or `<=`.
    pub comparison: Comparison,
    /// The threshold as written.
    pub threshold: Ratio,
    /// The period it is written for.
    pub per: Per,
}

/// An expectation measured over the snapshot's period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Measured {
    /// The expectation.
    pub expectation: Expectation,
    /// Its threshold scaled to the period.
    pub expected: Ratio,
    /// The measured value (`None` when undefined or not a pipeline metric).
    pub actual: Option<Ratio>,
    /// Whether it is met (`None` when not measured).
    pub met: Option<bool>,
}

/// Which way a figure moved from the previous period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trend {
    /// Higher than before.
    Up,
    /// Lower than before.
    Down,
    /// The same.
    Flat,
    /// One of the two is undefined.
    Unknown,
}

impl Trend {
    /// Compares a figure with its previous value.
    pub fn of(current: Option<i64>, previous: Option<i64>) -> Trend {
        match (current, previous) {
            (Some(c), Some(p)) if c > p => Trend::Up,
            (Some(c), Some(p)) if c < p => Trend::Down,
            (Some(_), Some(_)) => Trend::Flat,
            _ => Trend::Unknown,
        }
    }

    /// Returns the word (`up`, `down`, `flat`, `unknown`).
    pub fn as_str(self) -> &'static str {
        match self {
            Trend::Up => "up",
            Trend::Down => "down",
            Trend::Flat => "flat",
            Trend::Unknown => "unknown",
        }
    }
}

/// The thresholds of the team view's outlier marks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OutlierRules {
    /// An open deal with no stage change for more than this many days is stalled.
    pub stall_days: i64,
    /// Stalled deals are flagged when at least this share of the open deals (millionths).
    pub stalled_share: i64,
    /// Coverage below this ratio is thin.
    pub coverage_floor: Ratio,
    /// Activities below this share of the team median (millionths) are low.
    pub median_share: i64,
    /// Conversion is falling when it dropped by more than this (millionths) from the previous
    /// period.
    pub conversion_drop: i64,
}

impl Default for OutlierRules {
    fn default() -> Self {
        OutlierRules {
            stall_days: 30,
            stalled_share: 250_000,
            coverage_floor: Ratio::from_micros(3_000_000),
            median_share: 500_000,
            conversion_drop: 100_000,
        }
    }
}

/// The outlier marks of one person in a team.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Outliers {
    /// Activities below the job's expectation or below half the team median.
    pub low_activity: bool,
    /// At least a quarter of the open deals stalled.
    pub stalled_deals: bool,
    /// Coverage below the floor.
    pub thin_coverage: bool,
    /// Overall conversion fell by more than the allowed drop.
    pub falling_conversion: bool,
}

impl Outliers {
    /// Marks a snapshot against the rules and the team's median activity count.
    pub fn of(s: &Snapshot, team_median_activities: i64, rules: &OutlierRules) -> Outliers {
        let c = &s.current;
        let below_expected = s.measured.iter().any(|m| {
            m.expectation.metric == JobMetric::Activities
                && m.expectation.comparison == Comparison::AtLeast
                && m.met == Some(false)
        });
        let below_median = i128::from(c.activities) * 1_000_000
            < i128::from(team_median_activities) * i128::from(rules.median_share);
        Outliers {
            low_activity: below_expected || below_median,
            stalled_deals: c.stalled > 0
                && i128::from(c.stalled) * 1_000_000
                    >= i128::from(c.open_count) * i128::from(rules.stalled_share),
            thin_coverage: c.coverage.is_some_and(|v| v < rules.coverage_floor),
            falling_conversion: match (c.conversion, s.previous.conversion) {
                (Some(now), Some(before)) => now.micros() < before.micros() - rules.conversion_drop,
                _ => false,
            },
        }
    }

    /// Returns true when any mark is set.
    pub fn any(&self) -> bool {
        self.low_activity || self.stalled_deals || self.thin_coverage || self.falling_conversion
    }
}

/// Returns the median of the counts (the lower middle of an even number), 0 for none.
pub fn median(values: &mut [i64]) -> i64 {
    if values.is_empty() {
        return 0;
    }
    values.sort_unstable();
    values[(values.len() - 1) / 2]
}

/// What a snapshot needs besides the records.
#[derive(Debug, Clone)]
pub struct SnapshotInputs {
    /// The period shown.
    pub period: Period,
    /// The period before it.
    pub previous: Period,
    /// Today.
    pub today: Date,
    /// Coverage inputs at the period's as-of day.
    pub coverage: CoverageInputs,
    /// Coverage inputs at the previous period's as-of day.
    pub previous_coverage: CoverageInputs,
    /// The person's job expectations.
    pub expectations: Vec<Expectation>,
    /// The outlier thresholds.
    pub rules: OutlierRules,
}

/// A person's snapshot: this period's figures, the previous period's, and the expectations.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Snapshot {
    /// The period shown.
    pub current: Figures,
    /// The period before (the trend).
    pub previous: Figures,
    /// The job's expectations measured over the period.
    pub measured: Vec<Measured>,
}

impl Snapshot {
    /// Computes a person's snapshot.
    pub fn compute(book: &Book, stages: &Stages, i: &SnapshotInputs) -> Snapshot {
        let current = Figures::compute(book, stages, &i.period, i.today, &i.coverage, &i.rules);
        let previous = Figures::compute(
            book,
            stages,
            &i.previous,
            i.today,
            &i.previous_coverage,
            &i.rules,
        );
        let measured = i
            .expectations
            .iter()
            .map(|e| {
                let expected = scaled_expectation(e.metric, e.threshold, e.per, &i.period);
                let actual = current.job_metric(e.metric);
                let met = actual.map(|a| match e.comparison {
                    Comparison::AtLeast => a >= expected,
                    Comparison::AtMost => a <= expected,
                });
                Measured {
                    expectation: *e,
                    expected,
                    actual,
                    met,
                }
            })
            .collect();
        Snapshot {
            current,
            previous,
            measured,
        }
    }
}

/// The forecast of a period: won so far and the open amounts expected to close in it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Forecast {
    /// Won in the period.
    pub won: Money,
    /// Open, category commit.
    pub commit: Money,
    /// Open, category best case (commit not included).
    pub best_case: Money,
    /// Open, every category (commit and best case included).
    pub pipeline: Money,
}

impl std::ops::AddAssign for Forecast {
    fn add_assign(&mut self, o: Forecast) {
        self.won += o.won;
        self.commit += o.commit;
        self.best_case += o.best_case;
        self.pipeline += o.pipeline;
    }
}

/// The forecast of period `p`: deals won in it, and the deals open at its as-of day whose close
/// date falls in it, by forecast category.
pub fn forecast(book: &Book, stages: &Stages, p: &Period, today: Date) -> Forecast {
    let as_of = p.as_of(today);
    let mut f = Forecast {
        won: won(book, stages, p).1,
        ..Forecast::default()
    };
    for o in open_on(book, stages, as_of).filter(|o| p.contains(o.close)) {
        match open_category(o) {
            crate::vocab::ForecastCategory::Commit => f.commit += o.amount,
            crate::vocab::ForecastCategory::BestCase => f.best_case += o.amount,
            _ => {}
        }
        f.pipeline += o.amount;
    }
    f
}

/// The objective of a period from monthly targets `(month start, month end, amount)`: each
/// month's amount × the days it shares with the period ÷ its days, rounded half to even per month.
pub fn period_objective(months: &[(Date, Date, Money)], p: &Period) -> Money {
    months
        .iter()
        .map(|(s, e, amount)| {
            let from = (*s).max(p.start);
            let to = (*e).min(p.end);
            if from > to {
                return Money::ZERO;
            }
            let shared = (to - from).num_days() + 1;
            let all = (*e - *s).num_days() + 1;
            Money::from_cents(div_rhe(
                i128::from(amount.cents()) * i128::from(shared),
                i128::from(all),
            ) as i64)
        })
        .sum()
}
