//! An opportunity's way through the stages: the stages of the sales process (stages.csv, or the
//! defaults of dataset.md while it is empty), the stage history written on every change, the
//! booking transaction written when it closes won, and its reversal when it is reopened or lost.

use super::fields::{Invalid, new_id};
use crate::audit::{self, Change};
use attain_dataset::rules::DEFAULT_STAGES;
use attain_domain::vocab::Outcome;
use attain_domain::{Date, Money, Percent};
use attain_store::{Executor, StoreResult, Value, params};
use serde_json::json;

/// The stages in their order, each with its outcome.
pub fn stages(ex: &mut impl Executor) -> StoreResult<Vec<(String, Outcome)>> {
    let mut out = Vec::new();
    for r in ex.query(
        "SELECT stage, outcome FROM stages ORDER BY position, stage",
        &[],
    )? {
        out.push((
            r.string(0)?,
            Outcome::parse(r.text(1)?).unwrap_or(Outcome::Open),
        ));
    }
    if out.is_empty() {
        out = DEFAULT_STAGES
            .iter()
            .map(|s| {
                let outcome = match *s {
                    "closed_won" => Outcome::Won,
                    "closed_lost" => Outcome::Lost,
                    _ => Outcome::Open,
                };
                ((*s).to_owned(), outcome)
            })
            .collect();
    }
    Ok(out)
}

/// Returns the outcome of a stage, or the refusal naming the stages.
pub fn outcome(ex: &mut impl Executor, stage: &str) -> StoreResult<Result<Outcome, Invalid>> {
    let all = stages(ex)?;
    Ok(match all.iter().find(|(s, _)| s == stage) {
        Some((_, o)) => Ok(*o),
        None => {
            let names: Vec<&str> = all.iter().map(|(s, _)| s.as_str()).collect();
            Err(Invalid::new(
                "stage",
                format!("'{stage}' is not one of the stages: {}", names.join(", ")),
            ))
        }
    })
}

/// Records that the opportunity entered `stage` on `date` (once per stage and day).
pub fn enter_stage(
    ex: &mut impl Executor,
    actor: &str,
    opportunity_id: &str,
    stage: &str,
    date: Date,
) -> StoreResult<()> {
    let args = params![opportunity_id, stage, date];
    if ex
        .query_opt(
            "SELECT 1 FROM stage_history WHERE opportunity_id = $1 AND stage = $2
             AND entered_date = $3",
            args,
        )?
        .is_some()
    {
        return Ok(());
    }
    ex.execute(
        "INSERT INTO stage_history (opportunity_id, stage, entered_date) VALUES ($1, $2, $3)",
        args,
    )?;
    audit::record(
        ex,
        &Change {
            actor,
            action: "create",
            entity: "stage_history",
            key: &format!("{opportunity_id}:{stage}:{date}"),
            before: None,
            after: Some(json!({
                "opportunity_id": opportunity_id, "stage": stage, "entered_date": date.to_string(),
            })),
        },
    )
}

/// One person sharing a booking's credit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Split {
    /// The person.
    pub person_id: String,
    /// Their share.
    pub percent: Percent,
}

/// Parses splits written as `person_id:percent`, separated by commas or new lines
/// (`r2:30, r3:10`), and checks them as splits.csv is checked: known people, not the owner, each
/// once, percents summing to at most 100.
pub fn parse_splits(
    ex: &mut impl Executor,
    text: &str,
    owner: &str,
) -> StoreResult<Result<Vec<Split>, Invalid>> {
    let bad = |m: String| Ok(Err(Invalid::new("splits", m)));
    let mut out: Vec<Split> = Vec::new();
    let mut total = 0i64;
    for part in text.split([',', '\n', ';']).map(str::trim) {
        if part.is_empty() {
            continue;
        }
        let Some((person, pct)) = part.split_once(':') else {
            return bad(format!("'{part}' is not person_id:percent, like r2:30"));
        };
        let person = person.trim();
        let percent = match Percent::parse(pct.trim()) {
            Ok(p) => p,
            Err(e) => return bad(e.to_string()),
        };
        if person == owner {
            return bad(format!(
                "'{person}' is the owner, who keeps what the splits leave"
            ));
        }
        if out.iter().any(|s| s.person_id == person) {
            return bad(format!("'{person}' is named twice"));
        }
        if ex
            .query_opt("SELECT 1 FROM people WHERE person_id = $1", params![person])?
            .is_none()
        {
            return bad(format!("'{person}' is not a person on record"));
        }
        total += percent.units();
        out.push(Split {
            person_id: person.to_owned(),
            percent,
        });
    }
    if total > 100 * Percent::SCALE {
        return bad(format!(
            "the percents add up to {}, more than 100",
            Percent::from_units(total)
        ));
    }
    Ok(Ok(out))
}

/// The opportunity's bookings that stand: not reversals, not reversed.
pub fn standing_bookings(ex: &mut impl Executor, opportunity_id: &str) -> StoreResult<Vec<String>> {
    ex.query(
        "SELECT t.transaction_id FROM transactions t
         WHERE t.opportunity_id = $1 AND t.kind = 'booking' AND t.reverses_id IS NULL
           AND NOT EXISTS (SELECT 1 FROM transactions r WHERE r.reverses_id = t.transaction_id)
         ORDER BY t.transaction_id",
        params![opportunity_id],
    )?
    .iter()
    .map(|r| r.string(0))
    .collect()
}

/// What a won opportunity books.
pub struct Booking<'a> {
    /// The opportunity.
    pub opportunity_id: &'a str,
    /// Its account.
    pub account_id: &'a str,
    /// Its owner, who is credited.
    pub owner_id: &'a str,
    /// The close date: the booking's date.
    pub date: Date,
    /// The amount.
    pub amount: Money,
    /// The margin, if known.
    pub margin: Option<Money>,
}

/// Writes the booking transaction and its splits (audited); returns its id.
pub fn book(
    ex: &mut impl Executor,
    actor: &str,
    b: &Booking<'_>,
    splits: &[Split],
) -> StoreResult<String> {
    let id = new_id(ex, "transactions", "transaction_id", "BKG")?;
    ex.execute(
        "INSERT INTO transactions (transaction_id, date, kind, amount, margin, account_id,
             opportunity_id, owner_id, reverses_id)
         VALUES ($1, $2, 'booking', $3, $4, $5, $6, $7, NULL)",
        params![
            id.as_str(),
            b.date,
            b.amount,
            b.margin,
            b.account_id,
            b.opportunity_id,
            b.owner_id
        ],
    )?;
    for s in splits {
        ex.execute(
            "INSERT INTO splits (transaction_id, person_id, percent) VALUES ($1, $2, $3)",
            params![id.as_str(), s.person_id.as_str(), s.percent.units()],
        )?;
    }
    let split_json: Vec<_> = splits
        .iter()
        .map(|s| json!({"person_id": s.person_id, "percent": s.percent.to_string()}))
        .collect();
    audit::record(
        ex,
        &Change {
            actor,
            action: "create",
            entity: "transaction",
            key: &id,
            before: None,
            after: Some(json!({
                "transaction_id": id, "date": b.date.to_string(), "kind": "booking",
                "amount": b.amount.to_string(), "margin": b.margin.map(|m| m.to_string()),
                "account_id": b.account_id, "opportunity_id": b.opportunity_id,
                "owner_id": b.owner_id, "splits": split_json,
            })),
        },
    )?;
    Ok(id)
}

/// Writes the reversal of a booking, dated `date`: the negated amount and margin, no owner and
/// no splits of its own, so it takes back exactly the credit the booking gave (dataset.md).
pub fn reverse(
    ex: &mut impl Executor,
    actor: &str,
    booking_id: &str,
    date: Date,
) -> StoreResult<String> {
    let id = new_id(ex, "transactions", "transaction_id", "REV")?;
    let r = ex.query_one(
        "SELECT amount, margin, account_id, opportunity_id FROM transactions
         WHERE transaction_id = $1",
        params![booking_id],
    )?;
    let amount = -r.int(0)?;
    let margin = r.opt_int(1)?.map(|m| -m);
    let (account, opportunity) = (r.opt_string(2)?, r.opt_string(3)?);
    ex.execute(
        "INSERT INTO transactions (transaction_id, date, kind, amount, margin, account_id,
             opportunity_id, owner_id, reverses_id)
         VALUES ($1, $2, 'booking', $3, $4, $5, $6, NULL, $7)",
        &[
            Value::Text(id.clone()),
            date.into(),
            amount.into(),
            margin.into(),
            account.clone().into(),
            opportunity.clone().into(),
            booking_id.into(),
        ],
    )?;
    audit::record(
        ex,
        &Change {
            actor,
            action: "create",
            entity: "transaction",
            key: &id,
            before: None,
            after: Some(json!({
                "transaction_id": id, "date": date.to_string(), "kind": "booking",
                "amount": Money::from_cents(amount).to_string(),
                "margin": margin.map(|m| Money::from_cents(m).to_string()),
                "account_id": account, "opportunity_id": opportunity,
                "reverses_id": booking_id,
            })),
        },
    )?;
    Ok(id)
}
