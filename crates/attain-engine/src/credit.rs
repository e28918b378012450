//! Crediting (compensation.md §1) and territory actuals (§6): one pass over the year's
//! transactions, in parallel, then override credit up the reporting tree as it stood on each
//! credit's date, and the territory tree's roll-up.
//!
//! The reporting tree only changes on the `start_date` of a reporting row, so the year is cut
//! into *segments*: maximal runs of days within one fiscal month over which the tree is constant.
//! Direct credit is summed per person and segment; each sum then walks up the tree of its
//! segment once. That is exact (override is a plain sum) and costs one walk per person and
//! segment instead of one per transaction.

use crate::input::{Inputs, Ix, Split};
use crate::parallel::{FxMap, par_ranges};
use attain_domain::Date;
use attain_domain::rounding::div_rhe;
use attain_domain::vocab::{Metric, TxKind};

/// Amounts per metric, in the order of [`Metric::ALL`] (bookings, revenue, margin).
pub type PerMetric = [i64; 3];
/// Amounts per fiscal month (index 0 is month 1) and metric.
pub type MonthMetric = [PerMetric; 12];

/// Returns the position of a metric in [`PerMetric`].
pub fn metric_index(m: Metric) -> usize {
    match m {
        Metric::Bookings => 0,
        Metric::Revenue => 1,
        Metric::Margin => 2,
    }
}

/// What crediting produced.
#[derive(Debug, Clone)]
pub struct Credited {
    /// Per person: direct credit.
    pub direct: Vec<MonthMetric>,
    /// Per person: override credit (everyone below them on each credit's date).
    pub overriding: Vec<MonthMetric>,
    /// Per territory: actuals of its whole subtree.
    pub territory_actual: Vec<MonthMetric>,
    /// Transactions of the year that were credited.
    pub transactions: u64,
    /// Messages about data that could not be credited as written.
    pub warnings: Vec<String>,
}

/// Where people stood on a date: the reporting lines and the accounts' alignments, indexed.
pub struct Timeline<'a> {
    inputs: &'a Inputs,
    /// Reporting rows sorted by (person, start); `reporting_from[p]..reporting_from[p+1]`.
    reporting: Vec<(Date, Option<Ix>)>,
    reporting_from: Vec<u32>,
    alignments: Vec<(Date, Ix)>,
    alignments_from: Vec<u32>,
}

/// Groups `(key, date, value)` rows by key into a flat sorted list with offsets.
fn index_by<V: Copy>(n: usize, mut rows: Vec<(usize, Date, V)>) -> (Vec<(Date, V)>, Vec<u32>) {
    rows.sort_by_key(|r| (r.0, r.1));
    let mut from = vec![0u32; n + 1];
    for r in &rows {
        from[r.0 + 1] += 1;
    }
    for i in 0..n {
        from[i + 1] += from[i];
    }
    (rows.into_iter().map(|r| (r.1, r.2)).collect(), from)
}

impl<'a> Timeline<'a> {
    /// Indexes the effective-dated rows of `inputs`.
    pub fn new(inputs: &'a Inputs) -> Timeline<'a> {
        let (reporting, reporting_from) = index_by(
            inputs.people.len(),
            inputs
                .reporting
                .iter()
                .map(|r| (r.person.get(), r.start, r.manager))
                .collect(),
        );
        let (alignments, alignments_from) = index_by(
            inputs.accounts.len(),
            inputs
                .alignments
                .iter()
                .map(|a| (a.account.get(), a.start, a.territory))
                .collect(),
        );
        Timeline {
            inputs,
            reporting,
            reporting_from,
            alignments,
            alignments_from,
        }
    }

    /// Returns whom `person` reported to on `date`.
    pub fn manager_on(&self, person: Ix, date: Date) -> Option<Ix> {
        let p = person.get();
        let rows =
            &self.reporting[self.reporting_from[p] as usize..self.reporting_from[p + 1] as usize];
        match rows.partition_point(|r| r.0 <= date) {
            0 => self.inputs.people[p].manager,
            i => rows[i - 1].1,
        }
    }

    /// Returns the territory `account` belonged to on `date`.
    pub fn territory_on(&self, account: Ix, date: Date) -> Ix {
        let a = account.get();
        let rows = &self.alignments
            [self.alignments_from[a] as usize..self.alignments_from[a + 1] as usize];
        match rows.partition_point(|r| r.0 <= date) {
            0 => self.inputs.accounts[a].territory,
            i => rows[i - 1].1,
        }
    }

    /// Returns the dates on which some reporting line changes.
    fn reporting_dates(&self) -> impl Iterator<Item = Date> + '_ {
        self.reporting.iter().map(|r| r.0)
    }
}

/// The fiscal year cut into days, months and segments of constant reporting tree.
struct Calendar {
    start: Date,
    /// Per day of the year: its segment.
    segment_of_day: Vec<u32>,
    /// Per segment: its first day and its fiscal month index (0–11).
    segments: Vec<(Date, usize)>,
    /// Per day of the year: its fiscal month index.
    month_of_day: Vec<u8>,
}

impl Calendar {
    fn new(inputs: &Inputs, timeline: &Timeline<'_>) -> Calendar {
        let cal = inputs.calendar;
        let (start, end) = cal.year_bounds(inputs.year);
        let days = (end - start).num_days() as usize + 1;
        let mut month_of_day = Vec::with_capacity(days);
        let mut cuts = vec![false; days];
        for m in 1..=12u32 {
            let (ms, me) = (
                cal.month_start(inputs.year, m),
                cal.month_end(inputs.year, m),
            );
            cuts[(ms - start).num_days() as usize] = true;
            let len = (me - ms).num_days() as usize + 1;
            month_of_day.extend(std::iter::repeat_n((m - 1) as u8, len));
        }
        for d in timeline.reporting_dates() {
            if d > start && d <= end {
                cuts[(d - start).num_days() as usize] = true;
            }
        }
        let mut segments = Vec::new();
        let mut segment_of_day = Vec::with_capacity(days);
        for (day, &cut) in cuts.iter().enumerate() {
            if cut {
                let date = start + chrono::Duration::days(day as i64);
                segments.push((date, usize::from(month_of_day[day])));
            }
            segment_of_day.push(segments.len() as u32 - 1);
        }
        Calendar {
            start,
            segment_of_day,
            segments,
            month_of_day,
        }
    }

    /// Returns the day of the year of `date`, if it falls in the year.
    fn day(&self, date: Date) -> Option<usize> {
        let d = (date - self.start).num_days();
        (d >= 0 && (d as usize) < self.month_of_day.len()).then_some(d as usize)
    }
}

/// Returns the owner and splits a transaction is credited with: its own, or — for a reversal
/// without an owner or without split rows of its own — those of its original (followed through
/// chains of reversals), so that it takes back exactly what was given.
pub fn credit_source(inputs: &Inputs, index: usize) -> (Option<Ix>, &[Split]) {
    let mut t = &inputs.transactions[index];
    // A chain longer than this can only be a cycle of reversals; stop on the last one seen.
    for _ in 0..64 {
        match t.reverses {
            Some(o) if t.owner.is_none() || t.split_len == 0 => t = &inputs.transactions[o.get()],
            _ => break,
        }
    }
    (t.owner, inputs.splits_of(t))
}

/// Returns each person's credit of metric value `x` split by `splits` with the owner keeping the
/// rest: `RHE2(x × percent / 100)` per split, the owner `x − Σ`. Calls `credit(person, amount)`.
pub fn split_credit(
    x: i64,
    owner: Option<Ix>,
    splits: &[Split],
    mut credit: impl FnMut(Option<Ix>, i64),
) {
    let mut rest = x;
    for s in splits {
        // percent is in ten-thousandths: x × units / 10^4 / 100.
        let c = div_rhe(i128::from(x) * i128::from(s.percent.units()), 1_000_000) as i64;
        credit(Some(s.person), c);
        rest -= c;
    }
    credit(owner, rest);
}

/// One thread's share of the pass over transactions.
#[derive(Default)]
struct Partial {
    /// `(person << 32 | segment)` → direct credit.
    by_segment: FxMap<u64, PerMetric>,
    /// Per `territory * 12 + month`: the territory's own actuals.
    territory: Vec<PerMetric>,
    transactions: u64,
    ownerless: Vec<usize>,
    unplaced: u64,
}

/// Credits the year's transactions and rolls up override credit and territory actuals.
pub fn credit(inputs: &Inputs) -> Credited {
    let timeline = Timeline::new(inputs);
    let calendar = Calendar::new(inputs, &timeline);
    let n_people = inputs.people.len();
    let n_terr = inputs.territories.len();
    let parts = par_ranges(inputs.transactions.len(), 50_000, |range| {
        let mut part = Partial {
            territory: vec![[0; 3]; n_terr * 12],
            ..Partial::default()
        };
        for i in range {
            credit_one(inputs, &timeline, &calendar, i, &mut part);
        }
        part
    });
    let mut warnings = Vec::new();
    let mut by_segment: FxMap<u64, PerMetric> = FxMap::default();
    let mut territory_own = vec![[0i64; 3]; n_terr * 12];
    let (mut transactions, mut unplaced) = (0u64, 0u64);
    let mut ownerless = Vec::new();
    for part in parts {
        transactions += part.transactions;
        unplaced += part.unplaced;
        ownerless.extend(part.ownerless);
        if by_segment.is_empty() {
            by_segment = part.by_segment;
        } else {
            for (k, v) in part.by_segment {
                add(by_segment.entry(k).or_default(), &v);
            }
        }
        for (acc, v) in territory_own.iter_mut().zip(&part.territory) {
            add(acc, v);
        }
    }
    // Named in date and id order, whatever order the store returned the transactions in.
    ownerless.sort_unstable_by(|&a, &b| {
        let (ta, tb) = (&inputs.transactions[a], &inputs.transactions[b]);
        (ta.date, inputs.tx_id(a)).cmp(&(tb.date, inputs.tx_id(b)))
    });
    let shown = ownerless.len().min(20);
    for &i in &ownerless[..shown] {
        warnings.push(format!(
            "transaction {} has no owner (nor has its original): the part not split to others is credited to nobody",
            inputs.tx_id(i)
        ));
    }
    if ownerless.len() > shown {
        warnings.push(format!(
            "{} more transactions have no owner, nor has their original",
            ownerless.len() - shown
        ));
    }
    if unplaced > 0 {
        warnings.push(format!(
            "{unplaced} transaction(s) have no account and an owner without a home territory: they count for no territory"
        ));
    }

    let mut direct = vec![[[0i64; 3]; 12]; n_people];
    let mut overriding = vec![[[0i64; 3]; 12]; n_people];
    let mut cycles: Vec<Date> = Vec::new();
    let mut chain: Vec<Ix> = Vec::new();
    let mut keys: Vec<(&u64, &PerMetric)> = by_segment.iter().collect();
    keys.sort_unstable_by_key(|(k, _)| **k);
    for (&key, v) in keys {
        let person = Ix::new((key >> 32) as usize);
        let (date, month) = calendar.segments[(key & 0xffff_ffff) as usize];
        add(&mut direct[person.get()][month], v);
        chain.clear();
        chain.push(person);
        let mut above = timeline.manager_on(person, date);
        while let Some(m) = above {
            if chain.contains(&m) {
                if !cycles.contains(&date) {
                    cycles.push(date);
                    warnings.push(format!(
                        "the reporting lines form a cycle on {date} through {}: override credit stops there",
                        inputs.people[m.get()].id
                    ));
                }
                break;
            }
            add(&mut overriding[m.get()][month], v);
            chain.push(m);
            above = timeline.manager_on(m, date);
        }
    }

    let territory_actual = roll_up_territories(inputs, &territory_own, &mut warnings);
    Credited {
        direct,
        overriding,
        territory_actual,
        transactions,
        warnings,
    }
}

fn add(acc: &mut PerMetric, v: &PerMetric) {
    for (a, b) in acc.iter_mut().zip(v) {
        *a += b;
    }
}

/// Credits one transaction into a thread's partial sums, if it falls in the year.
fn credit_one(
    inputs: &Inputs,
    timeline: &Timeline<'_>,
    calendar: &Calendar,
    i: usize,
    part: &mut Partial,
) {
    let t = &inputs.transactions[i];
    let Some(day) = calendar.day(t.date) else {
        return;
    };
    part.transactions += 1;
    let segment = u64::from(calendar.segment_of_day[day]);
    let month = usize::from(calendar.month_of_day[day]);
    let values: [(usize, i64); 2] = match t.kind {
        TxKind::Booking => [(metric_index(Metric::Bookings), t.amount.cents()), (0, 0)],
        TxKind::Revenue => [
            (metric_index(Metric::Revenue), t.amount.cents()),
            (metric_index(Metric::Margin), t.margin.cents()),
        ],
    };
    let (owner, splits) = credit_source(inputs, i);
    if owner.is_none() {
        part.ownerless.push(i);
    }
    for &(metric, x) in values.iter().filter(|(_, x)| *x != 0) {
        split_credit(x, owner, splits, |person, c| {
            if let Some(p) = person {
                let key = ((p.get() as u64) << 32) | segment;
                part.by_segment.entry(key).or_default()[metric] += c;
            }
        });
    }
    let territory = match t.account {
        Some(a) => Some(timeline.territory_on(a, t.date)),
        None => owner.and_then(|o| inputs.people[o.get()].territory),
    };
    match territory {
        Some(n) => {
            let slot = &mut part.territory[n.get() * 12 + month];
            for &(metric, x) in &values {
                slot[metric] += x;
            }
        }
        None => part.unplaced += 1,
    }
}

/// Returns each territory's territories ordered children before parents (deepest first), and
/// warns about a cycle in the tree (whose nodes then count as roots).
pub fn bottom_up(inputs: &Inputs, warnings: &mut Vec<String>) -> Vec<(usize, Option<usize>)> {
    let n = inputs.territories.len();
    let mut depth = vec![0usize; n];
    let mut parent = vec![None; n];
    for i in 0..n {
        let mut d = 0;
        let mut at = inputs.territories[i].parent;
        while let Some(p) = at {
            d += 1;
            if d > n {
                warnings.push(format!(
                    "the territory tree has a cycle through {}: it is treated as a root",
                    inputs.territories[i].id
                ));
                d = 0;
                break;
            }
            at = inputs.territories[p.get()].parent;
        }
        depth[i] = d;
        if d > 0 {
            parent[i] = inputs.territories[i].parent.map(Ix::get);
        }
    }
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(depth[i]));
    order.into_iter().map(|i| (i, parent[i])).collect()
}

/// Adds each territory's actuals into all its ancestors.
fn roll_up_territories(
    inputs: &Inputs,
    own: &[PerMetric],
    warnings: &mut Vec<String>,
) -> Vec<MonthMetric> {
    let mut total: Vec<MonthMetric> = (0..inputs.territories.len())
        .map(|t| std::array::from_fn(|m| own[t * 12 + m]))
        .collect();
    for (node, parent) in bottom_up(inputs, warnings) {
        if let Some(p) = parent {
            let child = total[node];
            for (acc, v) in total[p].iter_mut().zip(&child) {
                add(acc, v);
            }
        }
    }
    total
}
