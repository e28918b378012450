//! Each metric of a period, defined once: a selector (which records count) and the figure
//! computed from it. The records pages list exactly what the selectors return.

use super::{Activity, Book, Opportunity, Period, StageEntry, Stages};
use crate::date::Date;
use crate::fixed::Ratio;
use crate::money::Money;
use crate::rounding::div_rhe;
use crate::vocab::{ActivityType, ForecastCategory, Outcome};

/// Returns `num / den` as a ratio in millionths, rounded half to even; `None` when `den` is 0.
pub fn ratio(num: i64, den: i64) -> Option<Ratio> {
    (den != 0)
        .then(|| Ratio::from_micros(div_rhe(i128::from(num) * 1_000_000, i128::from(den)) as i64))
}

/// Returns `num / den` rounded half to even; `None` when `den` is 0.
pub fn average(num: i64, den: i64) -> Option<i64> {
    (den != 0).then(|| div_rhe(i128::from(num), i128::from(den)) as i64)
}

fn days(from: Date, to: Date) -> i64 {
    (to - from).num_days()
}

// ---- activities ----

/// The activities in the period, of one type or all.
pub fn activities_in<'a>(
    book: &'a Book,
    p: &Period,
    kind: Option<ActivityType>,
) -> impl Iterator<Item = &'a Activity> {
    let p = *p;
    book.activities
        .iter()
        .filter(move |a| p.contains(a.date) && kind.is_none_or(|k| a.kind == k))
}

/// Activities in the period: the count of each type, in the order of `ActivityType::ALL`.
pub fn activities_by_type(book: &Book, p: &Period) -> Vec<(ActivityType, i64)> {
    ActivityType::ALL
        .iter()
        .map(|k| (*k, activities_in(book, p, Some(*k)).count() as i64))
        .collect()
}

/// Activities in the period, all types.
pub fn activity_count(book: &Book, p: &Period) -> i64 {
    activities_in(book, p, None).count() as i64
}

// ---- opportunities ----

/// Opportunities created in the period.
pub fn created_in<'a>(book: &'a Book, p: &Period) -> impl Iterator<Item = &'a Opportunity> {
    let p = *p;
    book.opportunities
        .iter()
        .filter(move |o| p.contains(o.created))
}

/// New opportunities: the count created in the period.
pub fn new_opportunities(book: &Book, p: &Period) -> i64 {
    created_in(book, p).count() as i64
}

/// Which way a stage change went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// To a stage of higher position (won included).
    Forward,
    /// To a stage of lower position.
    Back,
}

/// The stage changes of the period in one direction: each history entry dated in the period,
/// into an open or won stage, whose position is higher (forward) or lower (back) than the
/// opportunity's previous entry. A first entry is no move; entering a lost stage is a loss, not
/// a move.
pub fn moves<'a>(
    book: &'a Book,
    stages: &'a Stages,
    p: &Period,
    dir: Direction,
) -> Vec<(&'a Opportunity, &'a StageEntry)> {
    let mut out = Vec::new();
    for o in &book.opportunities {
        for w in o.history.windows(2) {
            let (prev, e) = (&w[0], &w[1]);
            if !p.contains(e.entered) || stages.outcome(&e.stage) == Outcome::Lost {
                continue;
            }
            let (a, b) = (stages.position(&prev.stage), stages.position(&e.stage));
            let went = match b.cmp(&a) {
                std::cmp::Ordering::Greater => Some(Direction::Forward),
                std::cmp::Ordering::Less => Some(Direction::Back),
                std::cmp::Ordering::Equal => None,
            };
            if went == Some(dir) {
                out.push((o, e));
            }
        }
    }
    out
}

/// Returns the stage an opportunity was in at the end of day `d`, or `None` if it did not exist
/// yet: the last history entry on or before `d`; with none, its first entry's stage (it was
/// created before its first recorded entry); with no history at all, its current stage, or its
/// first open stage if it closed after `d`.
pub fn stage_at<'a>(o: &'a Opportunity, stages: &'a Stages, d: Date) -> Option<&'a str> {
    if o.created > d {
        return None;
    }
    if let Some(e) = o.history.iter().rev().find(|e| e.entered <= d) {
        return Some(&e.stage);
    }
    if let Some(first) = o.history.first() {
        return Some(&first.stage);
    }
    if stages.outcome(&o.stage) != Outcome::Open && o.close > d {
        return stages
            .open()
            .next()
            .map(|s| s.name.as_str())
            .or(Some(&o.stage));
    }
    Some(&o.stage)
}

/// Returns true when the opportunity was open at the end of day `d`.
pub fn open_at(o: &Opportunity, stages: &Stages, d: Date) -> bool {
    stage_at(o, stages, d).is_some_and(|s| stages.outcome(s) == Outcome::Open)
}

/// The opportunities open at the end of day `d`.
pub fn open_on<'a>(
    book: &'a Book,
    stages: &'a Stages,
    d: Date,
) -> impl Iterator<Item = &'a Opportunity> {
    book.opportunities
        .iter()
        .filter(move |o| open_at(o, stages, d))
}

/// One bar of the pipeline: a stage or a forecast category, with its count and open amount.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bucket {
    /// The stage or category word.
    pub key: String,
    /// How many opportunities.
    pub count: i64,
    /// Their amounts.
    pub amount: Money,
}

/// Pipeline by stage at the end of day `d`: open opportunities by the stage they were in, every
/// open stage listed in order.
pub fn pipeline_by_stage(book: &Book, stages: &Stages, d: Date) -> Vec<Bucket> {
    let mut out: Vec<Bucket> = stages
        .open()
        .map(|s| Bucket {
            key: s.name.clone(),
            count: 0,
            amount: Money::ZERO,
        })
        .collect();
    for o in &book.opportunities {
        let Some(s) = stage_at(o, stages, d) else {
            continue;
        };
        if stages.outcome(s) != Outcome::Open {
            continue;
        }
        if let Some(b) = out.iter_mut().find(|b| b.key == s) {
            b.count += 1;
            b.amount += o.amount;
        } else {
            out.push(Bucket {
                key: s.to_owned(),
                count: 1,
                amount: o.amount,
            });
        }
    }
    out
}

/// Returns the forecast category an open opportunity counts under: its own, or `pipeline` when
/// its category is a closed one (it closed after the day asked about).
pub fn open_category(o: &Opportunity) -> ForecastCategory {
    match o.forecast {
        ForecastCategory::Closed | ForecastCategory::Omitted => ForecastCategory::Pipeline,
        c => c,
    }
}

/// The open categories, in the order shown: pipeline, best case, commit.
pub const OPEN_CATEGORIES: [ForecastCategory; 3] = [
    ForecastCategory::Pipeline,
    ForecastCategory::BestCase,
    ForecastCategory::Commit,
];

/// Pipeline by forecast category at the end of day `d` (open opportunities).
pub fn pipeline_by_category(book: &Book, stages: &Stages, d: Date) -> Vec<Bucket> {
    OPEN_CATEGORIES
        .iter()
        .map(|c| {
            let (count, amount) = open_on(book, stages, d)
                .filter(|o| open_category(o) == *c)
                .fold((0, Money::ZERO), |(n, a), o| (n + 1, a + o.amount));
            Bucket {
                key: c.as_str().to_owned(),
                count,
                amount,
            }
        })
        .collect()
}

/// Open pipeline at the end of day `d`: count and amount.
pub fn open_pipeline(book: &Book, stages: &Stages, d: Date) -> (i64, Money) {
    open_on(book, stages, d).fold((0, Money::ZERO), |(n, a), o| (n + 1, a + o.amount))
}

// ---- conversion and time in stage ----

/// Returns the first day the opportunity reached position `pos` or beyond (an open or won
/// stage: a skipped stage counts as passed, a lost stage reaches nothing).
fn reached(o: &Opportunity, stages: &Stages, pos: i64) -> Option<Date> {
    o.history
        .iter()
        .find(|e| stages.outcome(&e.stage) != Outcome::Lost && stages.position(&e.stage) >= pos)
        .map(|e| e.entered)
}

/// One step of the ladder: of the opportunities that reached `from` in the period, how many
/// reached `to` (or beyond) by the period's last day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conversion {
    /// The stage converted from.
    pub from: String,
    /// The next stage of the ladder.
    pub to: String,
    /// Opportunities that first reached `from` in the period.
    pub entered: i64,
    /// Of those, how many reached `to` by the end of the period.
    pub converted: i64,
    /// `converted / entered`; `None` when none entered.
    pub rate: Option<Ratio>,
}

/// The opportunities of a conversion step's cohort (first reached `from` in the period), with
/// whether they converted.
pub fn conversion_cohort<'a>(
    book: &'a Book,
    stages: &Stages,
    p: &Period,
    from: &str,
) -> Vec<(&'a Opportunity, bool)> {
    let ladder = stages.ladder();
    let Some(i) = ladder.iter().position(|s| s.name == from) else {
        return Vec::new();
    };
    let Some(next) = ladder.get(i + 1) else {
        return Vec::new();
    };
    let (pos, next_pos) = (ladder[i].position, next.position);
    book.opportunities
        .iter()
        .filter(|o| reached(o, stages, pos).is_some_and(|d| p.contains(d)))
        .map(|o| (o, reached(o, stages, next_pos).is_some_and(|d| d <= p.end)))
        .collect()
}

/// Stage-to-stage conversion rates of the period, one per step of the ladder.
pub fn conversions(book: &Book, stages: &Stages, p: &Period) -> Vec<Conversion> {
    let ladder = stages.ladder();
    ladder
        .windows(2)
        .map(|w| {
            let cohort = conversion_cohort(book, stages, p, &w[0].name);
            let entered = cohort.len() as i64;
            let converted = cohort.iter().filter(|(_, c)| *c).count() as i64;
            Conversion {
                from: w[0].name.clone(),
                to: w[1].name.clone(),
                entered,
                converted,
                rate: ratio(converted, entered),
            }
        })
        .collect()
}

/// Overall conversion of the period: the steps' conversions summed over the steps' entries.
pub fn overall_conversion(c: &[Conversion]) -> Option<Ratio> {
    let (n, d) = c
        .iter()
        .fold((0, 0), |(n, d), s| (n + s.converted, d + s.entered));
    ratio(n, d)
}

/// The stays in a stage that ended in the period: each history entry into an open stage whose
/// next entry is dated in the period, with the days between the two.
pub fn stays<'a>(
    book: &'a Book,
    stages: &Stages,
    p: &Period,
    stage: &str,
) -> Vec<(&'a Opportunity, i64)> {
    let mut out = Vec::new();
    for o in &book.opportunities {
        for w in o.history.windows(2) {
            if w[0].stage == stage
                && stages.outcome(stage) == Outcome::Open
                && p.contains(w[1].entered)
            {
                out.push((o, days(w[0].entered, w[1].entered)));
            }
        }
    }
    out
}

/// Average days in each open stage over the stays that ended in the period (`None` when none).
pub fn days_in_stage(book: &Book, stages: &Stages, p: &Period) -> Vec<(String, i64, Option<i64>)> {
    stages
        .open()
        .map(|s| {
            let st = stays(book, stages, p, &s.name);
            let total: i64 = st.iter().map(|(_, d)| d).sum();
            (
                s.name.clone(),
                st.len() as i64,
                average(total, st.len() as i64),
            )
        })
        .collect()
}

// ---- closed deals ----

/// The opportunities closed in the period with this outcome (stage outcome now, close date in
/// the period).
pub fn closed_in<'a>(
    book: &'a Book,
    stages: &'a Stages,
    p: &Period,
    outcome: Outcome,
) -> impl Iterator<Item = &'a Opportunity> {
    let p = *p;
    book.opportunities
        .iter()
        .filter(move |o| p.contains(o.close) && stages.outcome(&o.stage) == outcome)
}

/// Win rate: won ÷ (won + lost) closed in the period.
pub fn win_rate(book: &Book, stages: &Stages, p: &Period) -> Option<Ratio> {
    let won = closed_in(book, stages, p, Outcome::Won).count() as i64;
    let lost = closed_in(book, stages, p, Outcome::Lost).count() as i64;
    ratio(won, won + lost)
}

/// Won in the period: count and amount.
pub fn won(book: &Book, stages: &Stages, p: &Period) -> (i64, Money) {
    closed_in(book, stages, p, Outcome::Won)
        .fold((0, Money::ZERO), |(n, a), o| (n + 1, a + o.amount))
}

/// Average deal size: won amount ÷ won count, in cents.
pub fn average_deal(book: &Book, stages: &Stages, p: &Period) -> Option<Money> {
    let (n, amount) = won(book, stages, p);
    average(amount.cents(), n).map(Money::from_cents)
}

/// Sales cycle: the average days from created to close of the deals won in the period.
pub fn cycle_days(book: &Book, stages: &Stages, p: &Period) -> Option<i64> {
    let (n, total) = closed_in(book, stages, p, Outcome::Won)
        .fold((0, 0), |(n, t), o| (n + 1, t + days(o.created, o.close)));
    average(total, n)
}

/// Pipeline velocity, money per day: open opportunities at the as-of day × win rate × average
/// deal ÷ sales cycle days (at least 1), in cents rounded half to even.
pub fn velocity(book: &Book, stages: &Stages, p: &Period, as_of: Date) -> Option<Money> {
    let rate = win_rate(book, stages, p)?;
    let deal = average_deal(book, stages, p)?;
    let cycle = cycle_days(book, stages, p)?.max(1);
    let (open, _) = open_pipeline(book, stages, as_of);
    let num = i128::from(open) * i128::from(rate.micros()) * i128::from(deal.cents());
    Some(Money::from_cents(
        div_rhe(num, 1_000_000 * i128::from(cycle)) as i64,
    ))
}

// ---- coverage and stalls ----

/// The open opportunities at `as_of` expected to close between `as_of` and `year_end`.
pub fn closing_by<'a>(
    book: &'a Book,
    stages: &'a Stages,
    as_of: Date,
    year_end: Date,
) -> impl Iterator<Item = &'a Opportunity> {
    open_on(book, stages, as_of).filter(move |o| as_of <= o.close && o.close <= year_end)
}

/// Pipeline coverage: open pipeline closing in the rest of the fiscal year ÷ (the year's
/// objective − bookings to date); `None` when nothing remains to book.
pub fn coverage(
    book: &Book,
    stages: &Stages,
    as_of: Date,
    year_end: Date,
    objective: Money,
    booked: Money,
) -> Option<Ratio> {
    let remaining = objective - booked;
    if remaining.cents() <= 0 {
        return None;
    }
    let pipe: Money = closing_by(book, stages, as_of, year_end)
        .map(|o| o.amount)
        .sum();
    ratio(pipe.cents(), remaining.cents())
}

/// Returns the last day the opportunity changed stage on or before `d` (its created date when
/// it has no entry by then).
pub fn last_change(o: &Opportunity, d: Date) -> Date {
    o.history
        .iter()
        .rev()
        .find(|e| e.entered <= d)
        .map_or(o.created, |e| e.entered)
}

/// Stalled deals: open at `as_of` with no stage change for more than `days` days.
pub fn stalled<'a>(
    book: &'a Book,
    stages: &'a Stages,
    as_of: Date,
    days_: i64,
) -> impl Iterator<Item = &'a Opportunity> {
    open_on(book, stages, as_of).filter(move |o| days(last_change(o, as_of), as_of) > days_)
}
