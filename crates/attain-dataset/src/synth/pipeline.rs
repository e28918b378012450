//! The sales process: the default stages, opportunities (fifteen to twenty-five per rep, created
//! from the previous autumn on, won, lost or still open at the end of the year), each
//! opportunity's stage history (some slipping back a stage), and the activities reps and
//! managers log through the year.

use super::Ctx;
use super::accounts::Book;
use super::money::{DEAL_SIZES, segment_factor};
use super::names::{ACTIVITIES, PARTNERS, PRODUCTS};
use super::org::Org;
use super::writer::IdKind;
use std::io;

/// The sales stages: name, probability, outcome. Positions are 1, 2, …
pub const STAGES: &[(&str, i64, &str)] = &[
    ("prospecting", 10, "open"),
    ("qualification", 20, "open"),
    ("needs_analysis", 40, "open"),
    ("proposal", 60, "open"),
    ("negotiation", 80, "open"),
    ("closed_won", 100, "won"),
    ("closed_lost", 0, "lost"),
];
const WON: usize = 5;
const LOST: usize = 6;

/// One opportunity.
pub struct Opp {
    pub account: usize,
    /// The owning rep (index into `Org::reps`).
    pub rep: usize,
    pub created: i32,
    pub close: i32,
    pub amount: i64,
    pub margin: i64,
    /// Index into `STAGES`.
    pub stage: usize,
    /// For lost opportunities, the last open stage reached.
    pub reached: usize,
    /// Whether it went back a stage on its way.
    pub slipped: bool,
}

impl Opp {
    /// Returns true for an opportunity won within the year, by day `today`.
    pub fn won_by(&self, today: i32) -> bool {
        self.stage == WON && (0..=today).contains(&self.close)
    }
}

/// Opportunities and how many activities each person logs.
pub struct Pipe {
    pub opps: Vec<Opp>,
    pub opp_ids: IdKind,
    /// Per rep (index into `Org::reps`), their opportunities: contiguous.
    pub by_rep: Vec<std::ops::Range<usize>>,
    /// `(person, rep index for reps, activities)` for everyone who logs activities.
    pub activity_counts: Vec<(usize, Option<usize>, u64)>,
    pub activity_ids: IdKind,
}

/// Builds the opportunities and plans the activities.
pub fn build(org: &Org, book: &Book, ctx: &Ctx) -> Pipe {
    let mut dice = ctx.dice(4);
    let (year_len, today) = (ctx.days.year_len(), ctx.today);
    let mut opps = Vec::with_capacity(org.reps.len() * 20);
    let mut by_rep = Vec::with_capacity(org.reps.len());
    let mut activity_counts = Vec::with_capacity(org.reps.len() + org.districts.len());
    for (r, rep) in org.reps.iter().enumerate() {
        let first = opps.len();
        let hire = org.people[rep.person].hire;
        let lo = hire.max(-92);
        let last_day = rep.hi.min(today);
        let accounts = &book.by_rep[r];
        let segment = org.territories[rep.leaf]
            .leaf
            .as_ref()
            .map_or(0, |l| l.segment);
        let count = match ctx.options.opportunities {
            None => dice.range(15, 25) as u64,
            Some(total) => {
                let reps = org.reps.len() as u64;
                total / reps + u64::from((r as u64) < total % reps)
            }
        };
        for _ in 0..count {
            let created = dice.range(i64::from(lo), i64::from((last_day - 20).max(lo))) as i32;
            let mut close = created + dice.range(20, 180) as i32;
            if org.people[rep.person].end.is_some() {
                close = close.min(rep.hi).max(created + 1);
            }
            // Five times a typical booking, in whole dollars.
            let amount =
                DEAL_SIZES[dice.index(DEAL_SIZES.len())] * 5 * segment_factor(segment) / 100 / 100
                    * 100;
            let margin = amount * dice.range(20, 60) / 100;
            // Deals closing by today are won or lost; the others are open, as far along as
            // the time they have had.
            let (stage, reached) = if close <= today {
                if dice.chance(300) {
                    (WON, 4)
                } else {
                    (LOST, dice.index(5))
                }
            } else {
                let progress = ((today - created) * 5 / (close - created)).clamp(0, 4) as usize;
                (progress, progress)
            };
            opps.push(Opp {
                account: accounts.start + dice.index(accounts.len()),
                rep: r,
                created,
                close,
                amount,
                margin,
                stage,
                reached,
                slipped: reached >= 3 && dice.chance(120),
            });
        }
        by_rep.push(first..opps.len());
        let active = u64::try_from(rep.hi.min(today) - rep.lo + 1).unwrap_or(0);
        activity_counts.push((
            rep.person,
            Some(r),
            dice.range(80, 120) as u64 * active / year_len as u64,
        ));
    }
    for d in &org.districts {
        activity_counts.push((d.manager, None, dice.range(15, 30) as u64));
    }
    let mut total: u64 = activity_counts.iter().map(|c| c.2).sum();
    if let Some(wanted) = ctx.options.activities.filter(|_| total > 0) {
        // Scale every count, then hand the rounding remainder out one by one from the first.
        let mut given = 0;
        for c in &mut activity_counts {
            c.2 = (u128::from(c.2) * u128::from(wanted) / u128::from(total)) as u64;
            given += c.2;
        }
        let n = activity_counts.len();
        for i in 0..(wanted - given) as usize {
            activity_counts[i % n].2 += 1;
        }
        total = wanted;
    }
    Pipe {
        opp_ids: IdKind::new("O", opps.len() as u64, 6),
        opps,
        by_rep,
        activity_counts,
        activity_ids: IdKind::new("ACT", total, 7),
    }
}

/// Returns the stages an opportunity entered, in order.
fn path(opp: &Opp) -> Vec<usize> {
    let mut stages: Vec<usize> = (0..=opp.reached).collect();
    if opp.slipped {
        // Back from proposal to needs analysis, then forward again.
        let at = stages.iter().position(|&s| s == 3).unwrap_or(stages.len());
        stages.splice(at + 1..at + 1, [2, 3]);
    }
    if opp.stage == WON || opp.stage == LOST {
        stages.push(opp.stage);
    }
    stages
}

/// Writes stages, opportunities, stage history and activities.
pub fn write(org: &Org, book: &Book, pipe: &Pipe, ctx: &Ctx) -> io::Result<()> {
    let mut f = ctx.file("stages", STAGES.len() as u64)?;
    for (i, (stage, probability, outcome)) in STAGES.iter().enumerate() {
        f.text(stage)
            .int(i as i64 + 1)
            .int(*probability)
            .text(outcome);
        f.end()?;
    }
    f.finish()?;

    let mut dice = ctx.dice(5);
    let days = &ctx.days;
    let mut f = ctx.file("opportunities", pipe.opps.len() as u64)?;
    for (i, o) in pipe.opps.iter().enumerate() {
        let account = &book.accounts[o.account];
        f.id(pipe.opp_ids, i as u64 + 1)
            .id(book.account_ids, o.account as u64 + 1);
        f.id(org.person_ids, org.person_no(org.reps[o.rep].person));
        f.text(&format!("{} - {}", account.name, dice.pick(PRODUCTS)))
            .text(STAGES[o.stage].0);
        f.money(o.amount)
            .money(o.margin)
            .word(days.text(o.created))
            .word(days.text(o.close));
        f.text(match o.stage {
            WON => "closed",
            LOST => "omitted",
            4 => "commit",
            2 | 3 => "best_case",
            _ => "pipeline",
        });
        f.text(dice.weighted(&[("new_business", 5), ("expansion", 3), ("renewal", 2)]));
        if dice.chance(200) {
            f.text("partner").text(dice.pick(PARTNERS));
        } else {
            f.text("direct").empty();
        }
        f.end()?;
    }
    f.finish()?;

    let as_of = ctx.today;
    let mut f = ctx.file("stage_history", pipe.opps.len() as u64 * 5)?;
    for (i, o) in pipe.opps.iter().enumerate() {
        let stages = path(o);
        let end = if o.stage == WON || o.stage == LOST {
            o.close
        } else {
            as_of
        };
        let n = stages.len() as i32;
        debug_assert!(
            n == 1 || end - o.created >= n - 1,
            "stage dates are distinct"
        );
        for (k, s) in stages.iter().enumerate() {
            let day = if n == 1 {
                o.created
            } else {
                o.created + k as i32 * (end - o.created) / (n - 1)
            };
            f.id(pipe.opp_ids, i as u64 + 1)
                .text(STAGES[*s].0)
                .word(days.text(day));
            f.end()?;
        }
    }
    f.finish()?;

    write_activities(org, book, pipe, ctx)
}

fn write_activities(org: &Org, book: &Book, pipe: &Pipe, ctx: &Ctx) -> io::Result<()> {
    let mut dice = ctx.dice(6);
    let days = &ctx.days;
    let total: u64 = pipe.activity_counts.iter().map(|c| c.2).sum();
    let types: Vec<(usize, u64)> = ACTIVITIES
        .iter()
        .enumerate()
        .map(|(i, a)| (i, a.1))
        .collect();
    let mut f = ctx.file("activities", total)?;
    let mut n = 0u64;
    for &(person, rep, count) in &pipe.activity_counts {
        for _ in 0..count {
            n += 1;
            f.id(pipe.activity_ids, n)
                .id(org.person_ids, org.person_no(person));
            match rep {
                Some(r) => {
                    let rep = &org.reps[r];
                    let day =
                        dice.range(i64::from(rep.lo), i64::from(rep.hi.min(ctx.today))) as i32;
                    let t = dice.weighted(&types);
                    let opps = &pipe.by_rep[r];
                    let opp = (!opps.is_empty() && dice.chance(400))
                        .then(|| opps.start + dice.index(opps.len()))
                        .filter(|&o| (pipe.opps[o].created..=pipe.opps[o].close).contains(&day));
                    let account = match opp {
                        Some(o) => pipe.opps[o].account,
                        None => book.by_rep[r].start + dice.index(book.by_rep[r].len()),
                    };
                    let (first_contact, contacts) = book.accounts[account].contacts;
                    f.word(days.text(day))
                        .text(ACTIVITIES[t].0)
                        .id(book.account_ids, account as u64 + 1);
                    f.opt_id(
                        book.contact_ids,
                        dice.chance(800)
                            .then(|| first_contact + dice.below(contacts)),
                    );
                    f.opt_id(pipe.opp_ids, opp.map(|o| o as u64 + 1));
                    f.text(dice.pick(ACTIVITIES[t].2));
                }
                None => {
                    let day = dice.range(0, i64::from(ctx.today)) as i32;
                    let (kind, subject) = dice.pick(&[
                        ("meeting", "One-to-one coaching"),
                        ("meeting", "Team pipeline review"),
                        ("meeting", "Forecast call"),
                        ("call", "Deal review"),
                    ]);
                    f.word(days.text(day))
                        .text(kind)
                        .empty()
                        .empty()
                        .empty()
                        .text(subject);
                }
            }
            f.end()?;
        }
    }
    f.finish()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn opp(stage: usize, reached: usize, slipped: bool) -> Opp {
        Opp {
            account: 0,
            rep: 0,
            created: 0,
            close: 50,
            amount: 0,
            margin: 0,
            stage,
            reached,
            slipped,
        }
    }

    #[test]
    fn paths_progress_and_sometimes_slip_back() {
        assert_eq!(path(&opp(WON, 4, false)), [0, 1, 2, 3, 4, 5]);
        assert_eq!(path(&opp(WON, 4, true)), [0, 1, 2, 3, 2, 3, 4, 5]);
        assert_eq!(path(&opp(LOST, 1, false)), [0, 1, 6]);
        assert_eq!(path(&opp(3, 3, true)), [0, 1, 2, 3, 2, 3]);
        assert_eq!(path(&opp(0, 0, false)), [0]);
    }
}
