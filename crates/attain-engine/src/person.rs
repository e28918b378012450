//! One person's slice of a fiscal year: the inputs that can reach one person's credit, read
//! without the rest of the company — their own transactions, those of everyone below them on the
//! dates in question (override), the reversals among them and their originals, and the person's
//! targets, plan, paid rows and adjustments. Calculating the slice gives exactly the person's
//! figures of a whole-year calculation (the other people in it are incomplete and ignored); the
//! pages use it for the transactions behind a credit and for what-if estimates
//! ([`crate::explain`]).

use crate::input::{ComponentRow, CurvePoint, Inputs, InputsBuilder, Tier};
use crate::load::{LoadError, TX_COLUMNS, add_transactions, calendar, month, word};
use attain_domain::vocab::{Method, Metric, Period};
use attain_domain::{Date, Money, Ratio};
use attain_store::{Executor, Row, Value};
use std::collections::{BTreeSet, HashMap, HashSet};
use std::ops::RangeInclusive;

/// Ids per `IN (…)` list.
const IDS_PER_QUERY: usize = 500;
/// Above this many senders the slice reads every transaction of the dates (a whole company).
const MAX_SENDERS: usize = 5_000;

/// Returns `$k, $k+1, …` for `n` parameters after `k - 1` others.
fn marks(from: usize, n: usize) -> String {
    (from..from + n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Reads the slice of fiscal year `year` that reaches `person` in fiscal months `months`: every
/// transaction dated in those months that credits the person or someone below them on some day
/// of them, with whatever reversals need; and the person's targets, plan components, paid rows
/// and adjustments for the whole year.
pub fn load_person(
    ex: &mut impl Executor,
    year: i32,
    person: &str,
    months: RangeInclusive<u32>,
) -> Result<Inputs, LoadError> {
    let cal = calendar(ex)?;
    let (first, last) = (*months.start(), *months.end());
    if !(1..=12).contains(&first) || !(first..=12).contains(&last) {
        return Err(LoadError::Data(format!(
            "months {first}–{last} are not fiscal months"
        )));
    }
    let (from, to) = (cal.month_start(year, first), cal.month_end(year, last));
    let mut b = InputsBuilder::new(year, cal);
    let y = Value::from(year);

    let mut managers: HashMap<String, Option<String>> = HashMap::new();
    for row in ex.query(
        "SELECT person_id, manager_id, territory_id FROM people",
        &[],
    )? {
        b.person(row.text(0)?, row.opt_text(1)?, row.opt_text(2)?);
        managers.insert(row.string(0)?, row.opt_string(1)?);
    }
    let mut lines: HashMap<String, Vec<(Date, Option<String>)>> = HashMap::new();
    for row in ex.query(
        "SELECT person_id, manager_id, start_date FROM reporting WHERE start_date <= $1
         ORDER BY person_id, start_date",
        &[to.into()],
    )? {
        b.reporting(row.text(0)?, row.opt_text(1)?, row.date(2)?);
        lines
            .entry(row.string(0)?)
            .or_default()
            .push((row.date(2)?, row.opt_string(1)?));
    }
    let senders = senders(person, &managers, &lines, from, to);
    let everyone = senders.len() >= managers.len() || senders.len() > MAX_SENDERS;
    let ids = transaction_ids(ex, &senders, everyone, (from, to))?;
    let ids: Vec<String> = ids.into_iter().collect();
    add_transactions_by_id(ex, &mut b, &ids)?;
    // Originals of reversals, and their originals in turn; an id asked for once is not asked again.
    let mut asked: HashSet<String> = ids.into_iter().collect();
    loop {
        let missing: Vec<String> = b
            .missing_originals()
            .into_iter()
            .filter(|id| asked.insert(id.clone()))
            .collect();
        if missing.is_empty() {
            break;
        }
        add_transactions_by_id(ex, &mut b, &missing)?;
    }

    for row in ex.query(
        "SELECT month, metric, amount FROM targets
         WHERE scope = 'person' AND scope_id = $1 AND year = $2",
        &[person.into(), y.clone()],
    )? {
        let metric = word(Metric::parse, row.text(1)?, "metric")?;
        b.target(
            attain_domain::vocab::Scope::Person,
            person,
            month(&row, 0)?,
            metric,
            row.money(2)?,
        )?;
    }
    let assignment = ex.query_opt(
        "SELECT plan_id, target_incentive FROM plan_assignments WHERE person_id = $1 AND year = $2",
        &[person.into(), y.clone()],
    )?;
    let paid = ex.query(
        "SELECT plan_id, component, month, amount FROM paid WHERE person_id = $1 AND year = $2",
        &[person.into(), y.clone()],
    )?;
    let mut plans: BTreeSet<String> = paid.iter().map(|r| r.string(0)).collect::<Result<_, _>>()?;
    if let Some(a) = &assignment {
        plans.insert(a.string(0)?);
    }
    for plan in &plans {
        for c in plan_components(ex, plan)? {
            b.component(ComponentRow {
                plan_id: &c.plan_id,
                component: &c.component,
                metric: c.metric,
                method: c.method,
                period: c.period,
                weight: Some(c.weight),
                cap: c.cap,
            });
            for t in &c.tiers {
                b.tier(&c.plan_id, &c.component, *t)?;
            }
            for p in &c.curve {
                b.curve_point(&c.plan_id, &c.component, *p)?;
            }
        }
    }
    if let Some(a) = &assignment {
        b.assignment(person, a.text(0)?, a.opt_int(1)?.map(Money::from_cents));
    }
    for row in &paid {
        b.paid(
            person,
            row.text(0)?,
            row.text(1)?,
            month(row, 2)?,
            row.money(3)?,
        )?;
    }
    for row in ex.query(
        "SELECT month, amount FROM adjustments WHERE person_id = $1 AND year = $2
         ORDER BY adjustment_id",
        &[person.into(), y],
    )? {
        b.adjustment(person, month(&row, 0)?, row.money(1)?)?;
    }
    Ok(b.build())
}

/// Returns `person` and everyone below them in the reporting tree on some day from `from` to
/// `to`: the people whose credit can reach the person as override.
fn senders(
    person: &str,
    managers: &HashMap<String, Option<String>>,
    lines: &HashMap<String, Vec<(Date, Option<String>)>>,
    from: Date,
    to: Date,
) -> HashSet<String> {
    // The tree only changes on the start dates of reporting rows.
    let mut days: BTreeSet<Date> = BTreeSet::from([from]);
    days.extend(
        lines
            .values()
            .flatten()
            .map(|(d, _)| *d)
            .filter(|d| *d > from && *d <= to),
    );
    let mut found = HashSet::from([person.to_owned()]);
    for day in days {
        let mut reports: HashMap<&str, Vec<&str>> = HashMap::new();
        for (p, m) in managers {
            let manager = match lines.get(p) {
                Some(rows) => match rows.partition_point(|r| r.0 <= day) {
                    0 => m.as_deref(),
                    i => rows[i - 1].1.as_deref(),
                },
                None => m.as_deref(),
            };
            if let Some(m) = manager {
                reports.entry(m).or_default().push(p);
            }
        }
        let mut stack = vec![person];
        let mut seen = HashSet::from([person]);
        while let Some(n) = stack.pop() {
            for r in reports.get(n).into_iter().flatten() {
                if seen.insert(r) {
                    found.insert((*r).to_owned());
                    stack.push(r);
                }
            }
        }
    }
    found
}

/// Returns the ids of the transactions dated from `from` to `to` that a sender owns or shares,
/// and every reversal of those dates (its credit may come from an original it names).
fn transaction_ids(
    ex: &mut impl Executor,
    senders: &HashSet<String>,
    everyone: bool,
    (from, to): (Date, Date),
) -> Result<BTreeSet<String>, LoadError> {
    let mut ids = BTreeSet::new();
    let dates = [Value::from(from), Value::from(to)];
    let mut collect = |rows: Vec<Row>| -> Result<(), LoadError> {
        for r in rows {
            ids.insert(r.string(0)?);
        }
        Ok(())
    };
    if everyone {
        collect(ex.query(
            "SELECT transaction_id FROM transactions WHERE date >= $1 AND date <= $2",
            &dates,
        )?)?;
        return Ok(ids);
    }
    collect(ex.query(
        "SELECT transaction_id FROM transactions
         WHERE reverses_id IS NOT NULL AND date >= $1 AND date <= $2",
        &dates,
    )?)?;
    let mut people: Vec<&String> = senders.iter().collect();
    people.sort();
    for chunk in people.chunks(IDS_PER_QUERY) {
        let mut params: Vec<Value> = dates.to_vec();
        params.extend(chunk.iter().map(|p| Value::from(*p)));
        let list = marks(3, chunk.len());
        collect(ex.query(
            &format!(
                "SELECT transaction_id FROM transactions
                 WHERE owner_id IN ({list}) AND date >= $1 AND date <= $2"
            ),
            &params,
        )?)?;
        collect(ex.query(
            &format!(
                "SELECT s.transaction_id FROM splits s
                 JOIN transactions t ON t.transaction_id = s.transaction_id
                 WHERE s.person_id IN ({list}) AND t.date >= $1 AND t.date <= $2"
            ),
            &params,
        )?)?;
    }
    Ok(ids)
}

/// Reads transactions by id, with their splits, into the builder.
fn add_transactions_by_id(
    ex: &mut impl Executor,
    b: &mut InputsBuilder,
    ids: &[String],
) -> Result<(), LoadError> {
    for chunk in ids.chunks(IDS_PER_QUERY) {
        let params: Vec<Value> = chunk.iter().map(Value::from).collect();
        let rows = ex.query(
            &format!(
                "{TX_COLUMNS} WHERE t.transaction_id IN ({}) ORDER BY t.transaction_id, s.person_id",
                marks(1, chunk.len())
            ),
            &params,
        )?;
        add_transactions(b, &rows)?;
    }
    Ok(())
}

/// Returns the components of plan `plan_id` with their tiers and curve points, sorted by
/// component id (empty when the plan does not exist).
pub fn plan_components(
    ex: &mut impl Executor,
    plan_id: &str,
) -> Result<Vec<crate::input::Component>, LoadError> {
    let mut components = Vec::new();
    for row in ex.query(
        "SELECT component, metric, method, period, weight, cap FROM plans
         WHERE plan_id = $1 ORDER BY component",
        &[plan_id.into()],
    )? {
        components.push(crate::input::Component {
            plan_id: plan_id.to_owned(),
            component: row.string(0)?,
            metric: word(Metric::parse, row.text(1)?, "metric")?,
            method: word(Method::parse, row.text(2)?, "method")?,
            period: word(Period::parse, row.text(3)?, "period")?,
            weight: row.opt_int(4)?.map_or(Ratio::ONE, Ratio::from_micros),
            cap: row.opt_int(5)?.map(Money::from_cents),
            tiers: Vec::new(),
            curve: Vec::new(),
        });
    }
    let find = |cs: &mut Vec<crate::input::Component>, name: &str| {
        cs.iter_mut().position(|c| c.component == name)
    };
    for row in ex.query(
        "SELECT component, att_from, att_to, rate FROM plan_tiers WHERE plan_id = $1
         ORDER BY component, att_from",
        &[plan_id.into()],
    )? {
        if let Some(i) = find(&mut components, row.text(0)?) {
            components[i].tiers.push(Tier {
                from: Ratio::from_micros(row.int(1)?),
                to: row.opt_int(2)?.map(Ratio::from_micros),
                rate: Ratio::from_micros(row.int(3)?),
            });
        }
    }
    for row in ex.query(
        "SELECT component, attainment, payout FROM plan_curve WHERE plan_id = $1
         ORDER BY component, attainment",
        &[plan_id.into()],
    )? {
        if let Some(i) = find(&mut components, row.text(0)?) {
            components[i].curve.push(CurvePoint {
                attainment: Ratio::from_micros(row.int(1)?),
                payout: Ratio::from_micros(row.int(2)?),
            });
        }
    }
    Ok(components)
}
