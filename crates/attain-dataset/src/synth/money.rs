//! What is credited and what is expected: exactly `--transactions` rows of bookings and revenue
//! for the year (the bookings of won opportunities first, then rows drawn rep by rep in proportion
//! to each rep's days and form, some split with teammates, a few reversed), and the monthly
//! targets of every rep, leader, territory and the company, consistent with one another.
//!
//! Transactions are the one file that can be huge: they are made in chunks of `CHUNK` rows, each
//! from its own random stream, formatted by hand into memory on worker threads and written in
//! order, so the bytes do not depend on the number of threads.

use super::Ctx;
use super::accounts::Book;
use super::dice::Dice;
use super::org::Org;
use super::pipeline::Pipe;
use super::writer::{CsvFile, IdKind, Rows};
use std::collections::BTreeMap;
use std::io;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc;

/// Transactions per chunk.
const CHUNK: u64 = 1 << 18;
/// Recent transactions a reversal may pick from.
const RECENT: usize = 64;
/// Share of drawn transactions that are bookings, per mille (the rest are revenue).
const BOOKINGS_PER_MILLE: u64 = 300;
/// Share of transactions that reverse an earlier one, per mille.
const REVERSALS_PER_MILLE: u64 = 2;
/// Share of transactions split with teammates, per mille.
const SPLITS_PER_MILLE: u64 = 50;
/// Targets are set this many percent above the expected volume.
const STRETCH_PERCENT: i128 = 105;
/// The average margin of revenue rows, in percent (rows draw 15–65).
const MEAN_MARGIN_PERCENT: i128 = 40;

/// Returns 256 amounts in cents growing geometrically from `lo` by `ratio_ppm` parts per million
/// each: integer arithmetic only, so every machine builds the same table.
const fn log_table(lo: i64, ratio_ppm: i128) -> [i64; 256] {
    let mut table = [0i64; 256];
    let mut v = lo as i128 * 1_000_000;
    let mut i = 0;
    while i < 256 {
        table[i] = (v / 1_000_000) as i64;
        v = v * ratio_ppm / 1_000_000;
        i += 1;
    }
    table
}

/// Typical bookings, in cents: 1,000.00 to about 100,000.00, evenly spread on a log scale.
pub const DEAL_SIZES: [i64; 256] = log_table(100_000, 1_018_225);
/// Typical revenue rows, in cents: 200.00 to about 20,000.00.
const REVENUE_SIZES: [i64; 256] = log_table(20_000, 1_018_225);

/// Returns how large a segment's deals are, in percent of a typical deal.
pub fn segment_factor(segment: usize) -> i64 {
    [150, 80, 40, 250].get(segment).copied().unwrap_or(100)
}

fn mean(table: &[i64; 256]) -> i128 {
    table.iter().map(|&v| i128::from(v)).sum::<i128>() / 256
}

/// What the transaction generator needs about one rep.
#[derive(Clone, Copy)]
struct Slot {
    person: u64,
    lo: i32,
    span: u64,
    accounts: (u64, u64),
    team: (u64, u64),
    factor: i64,
}

/// A booking of a won opportunity.
struct WonBooking {
    opp: u64,
    account: u64,
    person: u64,
    day: i32,
    amount: i64,
    margin: i64,
}

/// One transaction row, kept a while so that a later row may reverse it.
#[derive(Clone, Copy)]
struct TxRow {
    id: u64,
    day: i32,
    booking: bool,
    amount: i64,
    margin: Option<i64>,
    account: u64,
    opp: Option<u64>,
    person: u64,
}

/// Everything the chunks share, read-only.
struct TxGen<'a> {
    seed: u64,
    total: u64,
    days: &'a super::days::Days,
    /// The last day a transaction may fall on.
    today: i32,
    slots: Vec<Slot>,
    cumulative: Vec<u64>,
    rep_person: Vec<u64>,
    won: Vec<WonBooking>,
    tx_ids: IdKind,
    person_ids: IdKind,
    account_ids: IdKind,
    opp_ids: IdKind,
}

impl TxGen<'_> {
    fn row(&self, out: &mut Rows, r: &TxRow, owner: Option<u64>, reverses: Option<u64>) {
        out.id(self.tx_ids, r.id).word(self.days.text(r.day));
        out.word(if r.booking { b"booking" } else { b"revenue" })
            .money(r.amount);
        match r.margin {
            Some(m) => out.money(m),
            None => out.empty(),
        };
        out.id(self.account_ids, r.account)
            .opt_id(self.opp_ids, r.opp);
        out.opt_id(self.person_ids, owner)
            .opt_id(self.tx_ids, reverses);
        out.newline();
    }

    /// Formats the rows of chunk `c` into `out` and their splits into `splits`.
    fn chunk(&self, c: u64, out: &mut Rows, splits: &mut Rows) {
        let mut dice = Dice::new(self.seed, 1000 + c);
        let mut recent: Vec<TxRow> = Vec::with_capacity(RECENT);
        let weight = self.cumulative.last().copied().unwrap_or(0);
        for i in c * CHUNK..((c + 1) * CHUNK).min(self.total) {
            let id = i + 1;
            if let Some(w) = self.won.get(i as usize) {
                let r = TxRow {
                    id,
                    day: w.day,
                    booking: true,
                    amount: w.amount,
                    margin: Some(w.margin),
                    account: w.account,
                    opp: Some(w.opp),
                    person: w.person,
                };
                self.row(out, &r, Some(w.person), None);
                continue;
            }
            if !recent.is_empty() && dice.chance(REVERSALS_PER_MILLE) {
                let o = recent.swap_remove(dice.index(recent.len()));
                let r = TxRow {
                    id,
                    day: (o.day + dice.below(45) as i32).min(self.today),
                    amount: -o.amount,
                    margin: o.margin.map(|m| -m),
                    ..o
                };
                let owner = dice.chance(500).then_some(o.person);
                self.row(out, &r, owner, Some(o.id));
                continue;
            }
            let x = dice.below(weight);
            let rep = self.cumulative.partition_point(|&c| c <= x);
            let s = &self.slots[rep];
            let booking = dice.chance(BOOKINGS_PER_MILLE);
            let table = if booking { &DEAL_SIZES } else { &REVENUE_SIZES };
            let base = table[dice.index(256)];
            let amount = base * (900 + dice.below(201) as i64) * s.factor / 100_000;
            let r = TxRow {
                id,
                day: s.lo + dice.below(s.span) as i32,
                booking,
                amount,
                margin: (!booking).then(|| amount * dice.range(15, 65) / 100),
                account: s.accounts.0 + dice.below(s.accounts.1),
                opp: None,
                person: s.person,
            };
            self.row(out, &r, Some(s.person), None);
            if s.team.1 > 1 && dice.chance(SPLITS_PER_MILLE) {
                // Teammates other than the owner: draw among the team without the owner.
                let own = rep as u64 - s.team.0;
                let mate = |k: u64| {
                    let k = if k >= own { k + 1 } else { k };
                    self.rep_person[(s.team.0 + k) as usize]
                };
                let others = s.team.1 - 1;
                if others >= 2 && dice.chance(300) {
                    let a = dice.below(others);
                    let b = (a + 1 + dice.below(others - 1)) % others;
                    for (k, pct) in [
                        (a, dice.pick(&[10u64, 15, 20, 25])),
                        (b, dice.pick(&[10u64, 15, 20, 25])),
                    ] {
                        splits
                            .id(self.tx_ids, id)
                            .id(self.person_ids, mate(k))
                            .percent(pct * 10_000);
                        splits.newline();
                    }
                } else {
                    let pct = dice.pick(&[10u64, 20, 25, 30, 40, 50]);
                    splits
                        .id(self.tx_ids, id)
                        .id(self.person_ids, mate(dice.below(others)))
                        .percent(pct * 10_000);
                    splits.newline();
                }
            }
            if recent.len() == RECENT {
                let k = dice.index(RECENT);
                recent[k] = r;
            } else {
                recent.push(r);
            }
        }
    }
}

/// Writes transactions, splits and targets.
pub fn write(org: &Org, book: &Book, pipe: &Pipe, ctx: &Ctx) -> io::Result<()> {
    let days = &ctx.days;
    let total = ctx.options.transactions;
    let slots: Vec<Slot> = org
        .reps
        .iter()
        .enumerate()
        .map(|(r, rep)| {
            let team = &org.districts[rep.district].reps;
            let segment = org.territories[rep.leaf]
                .leaf
                .as_ref()
                .map_or(0, |l| l.segment);
            Slot {
                person: org.person_no(rep.person),
                lo: rep.lo,
                // Sales happen by today; a span of 0 is never drawn.
                span: (rep.hi.min(ctx.today) - rep.lo + 1).max(0) as u64,
                accounts: (book.by_rep[r].start as u64 + 1, book.by_rep[r].len() as u64),
                team: (team.start as u64, team.len() as u64),
                factor: segment_factor(segment),
            }
        })
        .collect();
    let mut cumulative = Vec::with_capacity(slots.len());
    let mut sum = 0u64;
    for (slot, rep) in slots.iter().zip(&org.reps) {
        sum += slot.span * rep.perf;
        cumulative.push(sum);
    }
    let won: Vec<WonBooking> = pipe
        .opps
        .iter()
        .enumerate()
        .filter(|(_, o)| o.won_by(ctx.today))
        .take((total / 4) as usize)
        .map(|(i, o)| WonBooking {
            opp: i as u64 + 1,
            account: o.account as u64 + 1,
            person: org.person_no(org.reps[o.rep].person),
            day: o.close,
            amount: o.amount,
            margin: o.margin,
        })
        .collect();
    let generator = TxGen {
        seed: ctx.options.seed,
        total,
        days,
        today: ctx.today,
        slots,
        cumulative,
        rep_person: org.reps.iter().map(|r| org.person_no(r.person)).collect(),
        won,
        tx_ids: IdKind::new("T", total, 8),
        person_ids: org.person_ids,
        account_ids: book.account_ids,
        opp_ids: pipe.opp_ids,
    };
    let mut tx_file = ctx.file("transactions", total)?;
    let mut split_file = ctx.side_file("splits")?;
    let chunks = total.div_ceil(CHUNK);
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, 8);
    let next = AtomicU64::new(0);
    std::thread::scope(|scope| -> io::Result<()> {
        let (send, receive) = mpsc::sync_channel::<(u64, Rows, Rows)>(workers);
        for _ in 0..workers {
            let send = send.clone();
            let (generator, next) = (&generator, &next);
            scope.spawn(move || {
                loop {
                    let c = next.fetch_add(1, Ordering::Relaxed);
                    if c >= chunks {
                        break;
                    }
                    let mut rows = Rows::with_capacity(CHUNK as usize * 72);
                    let mut splits = Rows::with_capacity(CHUNK as usize * 2);
                    generator.chunk(c, &mut rows, &mut splits);
                    if send.send((c, rows, splits)).is_err() {
                        break;
                    }
                }
            });
        }
        drop(send);
        let mut pending = BTreeMap::new();
        let mut wanted = 0;
        for (c, rows, splits) in receive {
            pending.insert(c, (rows, splits));
            while let Some((rows, splits)) = pending.remove(&wanted) {
                tx_file.append(&rows.bytes, rows.count)?;
                split_file.append(&splits.bytes, splits.count)?;
                wanted += 1;
            }
        }
        Ok(())
    })?;
    tx_file.finish()?;
    split_file.finish()?;
    write_targets(org, &generator, ctx)
}

/// A target amount in cents per fiscal month (index 0 is month 1) for bookings, revenue, margin.
type Monthly = [[i64; 12]; 3];

fn add(into: &mut Monthly, from: &Monthly) {
    for (a, b) in into.iter_mut().zip(from) {
        for (x, y) in a.iter_mut().zip(b) {
            *x += y;
        }
    }
}

/// Rounds cents to whole dollars, half up (amounts are never negative).
fn dollars(cents: i128) -> i64 {
    ((cents + 50) / 100 * 100) as i64
}

/// Writes the targets: each rep's expected volume over the days they work each month, a little
/// stretched; leaders get the sum of the reps below them on the first day of the year; a leaf
/// territory the sum of its reps; every other territory (and the company) that of its children.
fn write_targets(org: &Org, generator: &TxGen, ctx: &Ctx) -> io::Result<()> {
    let days = &ctx.days;
    let drawn = i128::from(generator.total.saturating_sub(generator.won.len() as u64));
    let weight = i128::from(generator.cumulative.last().copied().unwrap_or(0).max(1));
    let bookings = drawn * i128::from(BOOKINGS_PER_MILLE) / 1000 * mean(&DEAL_SIZES);
    let revenue = drawn * (1000 - i128::from(BOOKINGS_PER_MILLE)) / 1000 * mean(&REVENUE_SIZES);
    let mut won = vec![[0i64; 12]; org.reps.len()];
    let rep_of: BTreeMap<u64, usize> = generator
        .rep_person
        .iter()
        .enumerate()
        .map(|(r, &p)| (p, r))
        .collect();
    for w in &generator.won {
        if let Some(&r) = rep_of.get(&w.person) {
            won[r][days.month_of(w.day) - 1] += w.amount;
        }
    }
    let mut person: Vec<Monthly> = vec![[[0; 12]; 3]; org.people.len()];
    let mut territory: Vec<Monthly> = vec![[[0; 12]; 3]; org.territories.len()];
    for (r, (rep, slot)) in org.reps.iter().zip(&generator.slots).enumerate() {
        let mut t: Monthly = [[0; 12]; 3];
        for m in 0..12 {
            let (a, b) = (
                days.month_start(m + 1).max(rep.lo),
                (days.month_start(m + 2) - 1).min(rep.hi),
            );
            let worked = i128::from((b - a + 1).max(0)) * 1000 * i128::from(slot.factor) / 100;
            let expected_revenue = revenue * worked / weight;
            t[0][m] = dollars(
                (bookings * worked / weight + i128::from(won[r][m])) * STRETCH_PERCENT / 100,
            );
            t[1][m] = dollars(expected_revenue * STRETCH_PERCENT / 100);
            t[2][m] = dollars(expected_revenue * STRETCH_PERCENT / 100 * MEAN_MARGIN_PERCENT / 100);
        }
        person[rep.person] = t;
        add(&mut territory[org.people[rep.person].territory], &t);
        let mut up = org.people[rep.person].manager_at_start;
        while let Some(m) = up {
            add(&mut person[m], &t);
            up = org.people[m].manager_at_start;
        }
    }
    // Children come after their parents in the list: sum from the end.
    for i in (1..org.territories.len()).rev() {
        if let Some(p) = org.territories[i].parent {
            let t = territory[i];
            add(&mut territory[p], &t);
        }
    }
    // Everyone but sales operations has reps below them, or is one.
    let has_target: Vec<usize> = (0..org.people.len())
        .filter(|&i| org.people[i].role != attain_domain::vocab::Role::SalesOps)
        .collect();
    let rows = 36 * (1 + org.territories.len() + has_target.len()) as u64;
    let year = i64::from(days.year());
    let mut f = ctx.file("targets", rows)?;
    put_targets(
        &mut f,
        year,
        b"company",
        &org.territories[org.root()].id,
        &territory[org.root()],
    )?;
    for (i, t) in org.territories.iter().enumerate() {
        put_targets(&mut f, year, b"territory", &t.id, &territory[i])?;
    }
    for &i in &has_target {
        put_targets(
            &mut f,
            year,
            b"person",
            &org.person_ids.text(org.person_no(i)),
            &person[i],
        )?;
    }
    f.finish()
}

/// Writes the 36 target rows of one scope: each metric, each month.
fn put_targets(f: &mut CsvFile, year: i64, scope: &[u8], id: &str, t: &Monthly) -> io::Result<()> {
    let metrics: [&[u8]; 3] = [b"bookings", b"revenue", b"margin"];
    for (k, metric) in metrics.iter().enumerate() {
        for (m, amount) in t[k].iter().enumerate() {
            f.word(scope)
                .text(id)
                .int(year)
                .int(m as i64 + 1)
                .word(metric)
                .money(*amount);
            f.end()?;
        }
    }
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn amount_tables_grow_a_hundredfold() {
        assert_eq!(DEAL_SIZES[0], 100_000);
        assert!(
            (9_500_000..10_500_000).contains(&DEAL_SIZES[255]),
            "{}",
            DEAL_SIZES[255]
        );
        assert!(DEAL_SIZES.windows(2).all(|w| w[0] < w[1]));
        assert_eq!(dollars(12_349), 12_300);
        assert_eq!(dollars(12_350), 12_400);
    }
}
