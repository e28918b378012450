//! What a figure is made of, by the engine's own rules (pure, like [`crate::calc`]): the
//! transactions behind one person's credit of a month (direct and override, with splits and
//! reversals), the commission band or curve segment an attainment reached, and what a
//! hypothetical deal would change — the whole year calculated again with it, nothing stored.

use crate::calc::{CalcError, calculate};
use crate::credit::{Timeline, credit_source, split_credit};
use crate::input::{Component, CurvePoint, Inputs, Ix, Tier, Transaction};
use crate::results::{PayoutRow, StatementRow};
use attain_domain::vocab::{Method, Metric, TxKind};
use attain_domain::{Date, Money, Percent, Ratio};

/// One transaction's part in a person's credit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreditLine {
    pub transaction_id: String,
    pub date: Date,
    pub kind: TxKind,
    /// The transaction's value of the metric (its amount, or its margin).
    pub value: Money,
    /// Who was credited: the person themselves (direct) or someone below them (override).
    pub credited: String,
    /// What they were credited.
    pub credit: Money,
    /// The credited person's split percent; `None` for the owner, who keeps the rest.
    pub percent: Option<Percent>,
    /// The owner the transaction is credited with.
    pub owner: Option<String>,
    /// The split rows it is credited with.
    pub splits: Vec<(String, Percent)>,
    /// The transaction this one reverses.
    pub reverses: Option<String>,
    /// True when a reversal is credited with its original's owner and splits.
    pub inherited: bool,
}

/// The transactions behind one person's credit of one metric in one fiscal month.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CreditsBehind {
    /// The person's own share of each transaction.
    pub direct: Vec<CreditLine>,
    /// The credit of people below the person on each transaction's date.
    pub overriding: Vec<CreditLine>,
}

impl CreditsBehind {
    /// Returns the sum of the direct lines.
    pub fn direct_total(&self) -> Money {
        self.direct.iter().map(|l| l.credit).sum()
    }

    /// Returns the sum of the override lines.
    pub fn override_total(&self) -> Money {
        self.overriding.iter().map(|l| l.credit).sum()
    }
}

fn person_ix(inputs: &Inputs, person: &str) -> Option<Ix> {
    inputs
        .people
        .iter()
        .position(|p| p.id == person)
        .map(Ix::new)
}

/// Returns the value a transaction carries for a metric (0 when it carries none).
fn value_of(t: &Transaction, metric: Metric) -> i64 {
    match (t.kind, metric) {
        (TxKind::Booking, Metric::Bookings) => t.amount.cents(),
        (TxKind::Revenue, Metric::Revenue) => t.amount.cents(),
        (TxKind::Revenue, Metric::Margin) => t.margin.cents(),
        _ => 0,
    }
}

/// Returns the transactions of fiscal month `month` behind `person`'s credit of `metric`, each
/// as the engine credits it (compensation.md §1), sorted by date and id.
pub fn credits_behind(inputs: &Inputs, person: &str, month: u32, metric: Metric) -> CreditsBehind {
    let Some(p) = person_ix(inputs, person) else {
        return CreditsBehind::default();
    };
    let timeline = Timeline::new(inputs);
    let above = |q: Ix, date: Date| {
        let mut at = timeline.manager_on(q, date);
        for _ in 0..inputs.people.len() {
            match at {
                Some(m) if m == p => return true,
                Some(m) => at = timeline.manager_on(m, date),
                None => return false,
            }
        }
        false
    };
    let mut out = CreditsBehind::default();
    for (i, t) in inputs.transactions.iter().enumerate() {
        let x = value_of(t, metric);
        if x == 0 || inputs.calendar.fiscal_of(t.date) != (inputs.year, month) {
            continue;
        }
        let (owner, splits) = credit_source(inputs, i);
        let name = |ix: Ix| inputs.people[ix.get()].id.clone();
        let split_list: Vec<(String, Percent)> =
            splits.iter().map(|s| (name(s.person), s.percent)).collect();
        let inherited = t.reverses.is_some() && (t.owner.is_none() || t.split_len == 0);
        let mut shares = Vec::new();
        split_credit(x, owner, splits, |q, c| shares.push((q, c)));
        for (k, (q, c)) in shares.into_iter().enumerate() {
            let Some(q) = q else { continue };
            let direct = q == p;
            if !direct && !above(q, t.date) {
                continue;
            }
            let line = CreditLine {
                transaction_id: inputs.tx_id(i).to_owned(),
                date: t.date,
                kind: t.kind,
                value: Money::from_cents(x),
                credited: name(q),
                credit: Money::from_cents(c),
                percent: splits.get(k).map(|s| s.percent),
                owner: owner.map(name),
                splits: split_list.clone(),
                reverses: t.reverses.map(|o| inputs.tx_id(o.get()).to_owned()),
                inherited,
            };
            if direct {
                out.direct.push(line);
            } else {
                out.overriding.push(line);
            }
        }
    }
    let key = |l: &CreditLine| (l.date, l.transaction_id.clone(), l.credited.clone());
    out.direct.sort_by_key(key);
    out.overriding.sort_by_key(key);
    out
}

/// Where an attainment falls in a component's rates or curve.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reached {
    /// The window has no target: nothing is earned.
    NoTarget,
    /// A commission band (numbered from 1); credit below zero is charged at the first band.
    Band { number: usize, tier: Tier },
    /// Below the first point of a payout curve: nothing is paid.
    BelowCurve { first: CurvePoint },
    /// Between two points of a payout curve (numbered from 1 by the lower point).
    Segment {
        number: usize,
        from: CurvePoint,
        to: CurvePoint,
    },
    /// At or past the last point of a payout curve.
    Top { last: CurvePoint },
    /// The component has no bands or points.
    Undefined,
}

/// Returns the band or curve segment that credit `credit` against target `target` reaches.
pub fn reached(c: &Component, credit: Money, target: Money) -> Reached {
    let (cr, q) = (
        i128::from(credit.cents()) * i128::from(Ratio::SCALE),
        i128::from(target.cents()),
    );
    if q == 0 {
        return Reached::NoTarget;
    }
    // a ≥ r  ⟺  C·10^6 ≥ r·Q (Q > 0).
    let at_least = |r: Ratio| cr >= i128::from(r.micros()) * q;
    match c.method {
        Method::Commission => {
            if c.tiers.is_empty() {
                return Reached::Undefined;
            }
            let i = c.tiers.iter().rposition(|t| at_least(t.from)).unwrap_or(0);
            Reached::Band {
                number: i + 1,
                tier: c.tiers[i],
            }
        }
        Method::PayoutCurve => {
            let (Some(first), Some(last)) = (c.curve.first(), c.curve.last()) else {
                return Reached::Undefined;
            };
            if !at_least(first.attainment) {
                return Reached::BelowCurve { first: *first };
            }
            if at_least(last.attainment) {
                return Reached::Top { last: *last };
            }
            let j = c
                .curve
                .iter()
                .rposition(|p| at_least(p.attainment))
                .unwrap_or(0);
            Reached::Segment {
                number: j + 1,
                from: c.curve[j],
                to: c.curve[j + 1],
            }
        }
    }
}

/// A deal that has not happened: `amount` of `metric` owned wholly by the person, dated on the
/// first day of fiscal month `month`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Deal {
    pub month: u32,
    pub metric: Metric,
    pub amount: Money,
}

/// A person's year as calculated today and with a deal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WhatIf {
    /// The person's payout rows (components × months) without the deal.
    pub today: Vec<PayoutRow>,
    /// The same rows with the deal.
    pub with_deal: Vec<PayoutRow>,
    /// The person's statements without and with the deal.
    pub statements_today: Vec<StatementRow>,
    pub statements_with_deal: Vec<StatementRow>,
}

/// Calculates `person`'s year twice, as the inputs stand and with `deal` added, and returns their
/// rows. Nothing is stored: the inputs are copied.
pub fn what_if(inputs: &Inputs, person: &str, deal: &Deal) -> Result<WhatIf, CalcError> {
    let today = calculate(inputs)?;
    let mut with = inputs.clone();
    if let Some(p) = person_ix(inputs, person) {
        let (kind, amount, margin) = match deal.metric {
            Metric::Bookings => (TxKind::Booking, deal.amount, Money::ZERO),
            Metric::Revenue => (TxKind::Revenue, deal.amount, Money::ZERO),
            Metric::Margin => (TxKind::Revenue, Money::ZERO, deal.amount),
        };
        with.transactions.push(Transaction {
            date: inputs
                .calendar
                .month_start(inputs.year, deal.month.clamp(1, 12)),
            kind,
            amount,
            margin,
            account: None,
            owner: Some(p),
            reverses: None,
            split_start: u32::try_from(with.splits.len()).unwrap_or(u32::MAX),
            split_len: 0,
        });
        with.tx_ids.push_str("what-if");
        with.tx_id_ends
            .push(u32::try_from(with.tx_ids.len()).unwrap_or(u32::MAX));
    }
    let with = calculate(&with)?;
    let mine = |rows: Vec<PayoutRow>| -> Vec<PayoutRow> {
        rows.into_iter().filter(|r| r.person_id == person).collect()
    };
    let mine_s = |rows: Vec<StatementRow>| -> Vec<StatementRow> {
        rows.into_iter().filter(|r| r.person_id == person).collect()
    };
    Ok(WhatIf {
        today: mine(today.payouts),
        with_deal: mine(with.payouts),
        statements_today: mine_s(today.statements),
        statements_with_deal: mine_s(with.statements),
    })
}
