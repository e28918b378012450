//! Recognitions: praise for a person, with a reason, given in a meeting or any time, and
//! optionally an award. An award with an amount is a SPIFF: in the same transaction it writes an
//! adjustment of that amount for the recognised person, in the fiscal month of the recognition
//! (or the first open month when that one is closed), which the next calculation puts on their
//! statement. Both writes are audited.

use crate::Viewer;
use crate::audit::{self, Change};
use crate::pages::pay::last_locked;
use attain_domain::vocab::Role;
use attain_domain::{Date, FiscalCalendar, Money, parse_date};
use attain_store::{Executor, Store, StoreError, params};
use chrono::Utc;
use std::collections::HashSet;

/// The largest SPIFF a manager or director may attach to one recognition (sales operations has
/// no bound).
pub const LEADER_SPIFF_LIMIT: Money = Money::from_cents(50_000);

/// A recognition as asked for: every field as typed.
#[derive(Debug, Default, Clone, serde::Deserialize)]
pub struct Gift {
    /// The person recognised.
    #[serde(default)]
    pub person_id: String,
    /// Why.
    #[serde(default)]
    pub reason: String,
    /// The day (`YYYY-MM-DD`); empty for today.
    #[serde(default)]
    pub date: String,
    /// The meeting it was given in, if any.
    #[serde(default)]
    pub meeting_id: String,
    /// The award (`SPIFF`, `Gift card` …), if any.
    #[serde(default)]
    pub award: String,
    /// The SPIFF's amount, if any.
    #[serde(default)]
    pub amount: String,
}

/// Why a recognition was not given.
#[derive(Debug)]
pub enum Refused {
    /// The person is not one the viewer may recognise, or does not exist (404).
    NotFound,
    /// The viewer may not attach this amount (403), with the sentence saying why.
    Forbidden(String),
    /// A field is wrong (422): the field and one sentence.
    Invalid(&'static str, String),
    /// The store failed.
    Store(StoreError),
}

impl From<StoreError> for Refused {
    fn from(e: StoreError) -> Self {
        Refused::Store(e)
    }
}

/// A recognition as given.
#[derive(Debug, Clone)]
pub struct Given {
    /// Its id.
    pub recognition_id: String,
    /// The SPIFF's adjustment and where it went: `(adjustment_id, year, month)`.
    pub adjustment: Option<(String, i32, u32)>,
    /// A note for the giver (the SPIFF moved to an open month), empty otherwise.
    pub note: String,
}

/// Gives a recognition (and its SPIFF) as `viewer`; `team` is who the viewer may recognise.
pub fn give(
    store: &Store,
    viewer: &Viewer,
    team: &Option<HashSet<String>>,
    calendar: &FiscalCalendar,
    gift: &Gift,
) -> Result<Given, Refused> {
    let person = gift.person_id.trim();
    if person.is_empty() {
        return Err(Refused::Invalid(
            "person_id",
            "Person: choose whom to recognise.".into(),
        ));
    }
    if team.as_ref().is_some_and(|t| !t.contains(person)) {
        return Err(Refused::NotFound);
    }
    let mut conn = store.conn()?;
    if conn
        .query_opt("SELECT 1 FROM people WHERE person_id = $1", params![person])?
        .is_none()
    {
        return Err(Refused::NotFound);
    }
    let reason = gift.reason.trim();
    if reason.is_empty() {
        return Err(Refused::Invalid(
            "reason",
            "Reason: say what the recognition is for.".into(),
        ));
    }
    let today = Utc::now().date_naive();
    let date: Date = match gift.date.trim() {
        "" => today,
        s => parse_date(s).map_err(|e| Refused::Invalid("date", format!("Date: {e}.")))?,
    };
    if date > today {
        return Err(Refused::Invalid(
            "date",
            "Date: a recognition is for something done, not in the future.".into(),
        ));
    }
    let amount = match gift.amount.trim() {
        "" => None,
        s => Some(
            Money::parse_non_negative(s)
                .ok()
                .filter(|a| *a > Money::ZERO)
                .ok_or_else(|| {
                    Refused::Invalid(
                        "amount",
                        "Amount: a positive amount like 250.00, or nothing.".into(),
                    )
                })?,
        ),
    };
    let award = match (gift.award.trim(), amount) {
        ("", Some(_)) => "SPIFF",
        (a, _) => a,
    };
    if let Some(a) = amount {
        may_pay(viewer, person, a)?;
    }
    let meeting = Some(gift.meeting_id.trim()).filter(|m| !m.is_empty());
    if let Some(m) = meeting
        && !attain_domain::Id::is_valid(m)
    {
        return Err(Refused::Invalid(
            "meeting_id",
            "Meeting: not a valid id.".into(),
        ));
    }

    drop(conn);
    let new = New {
        person,
        date,
        reason,
        given_by: viewer.person_id.as_deref(),
        meeting,
        award: Some(award).filter(|a| !a.is_empty()),
        amount,
    };
    record(store, &viewer.email, calendar, &new)
}

/// A recognition checked and ready to write.
#[derive(Debug, Clone)]
pub struct New<'a> {
    /// The person recognised (who exists).
    pub person: &'a str,
    /// When.
    pub date: Date,
    /// Why.
    pub reason: &'a str,
    /// Who gives it.
    pub given_by: Option<&'a str>,
    /// The meeting it is given in.
    pub meeting: Option<&'a str>,
    /// The award.
    pub award: Option<&'a str>,
    /// The SPIFF, paid through an adjustment.
    pub amount: Option<Money>,
}

/// Writes a recognition and its SPIFF's adjustment in one transaction, both audited as `actor`:
/// the adjustment goes to the fiscal month of the date, or the first open month of that year
/// when the month is closed; a year closed to its last month refuses the SPIFF.
pub fn record(
    store: &Store,
    actor: &str,
    calendar: &FiscalCalendar,
    new: &New<'_>,
) -> Result<Given, Refused> {
    let New {
        person,
        date,
        reason,
        given_by,
        meeting,
        award,
        amount,
    } = new.clone();
    let mut conn = store.conn()?;
    let recognition_id = format!("R{}", Utc::now().format("%Y%m%d%H%M%S%6f"));
    let mut tx = conn.transaction()?;
    let mut adjustment = None;
    let mut note = String::new();
    if let Some(a) = amount {
        let (year, month) = calendar.fiscal_of(date);
        let last = last_locked(&mut tx, year)?;
        if last == 12 {
            return Err(Refused::Invalid(
                "date",
                format!(
                    "Date: every month of {year} is closed, so the SPIFF has no month to be paid in."
                ),
            ));
        }
        let paid_in = month.max(last + 1);
        if paid_in != month {
            note =
                format!("Month {month} of {year} is closed: the SPIFF is paid in month {paid_in}.");
        }
        let id = format!("spiff-{recognition_id}");
        let full = format!("SPIFF: {reason} (recognition {recognition_id})");
        tx.execute(
            "INSERT INTO adjustments (adjustment_id, person_id, year, month, amount, reason)
             VALUES ($1, $2, $3, $4, $5, $6)",
            params![&id, person, year, i64::from(paid_in), a.cents(), &full],
        )?;
        audit::record(
            &mut tx,
            &Change {
                actor,
                action: "create",
                entity: "adjustment",
                key: &id,
                before: None,
                after: Some(serde_json::json!({
                    "person_id": person, "year": year, "month": paid_in,
                    "amount": a.to_string(), "reason": full, "recognition_id": recognition_id,
                })),
            },
        )?;
        adjustment = Some((id, year, paid_in));
    }
    let adjustment_id = adjustment.as_ref().map(|(id, _, _)| id.clone());
    tx.execute(
        "INSERT INTO recognitions (recognition_id, person_id, date, reason, given_by_id,
             meeting_id, award, amount, adjustment_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        params![
            &recognition_id,
            person,
            date,
            reason,
            given_by,
            meeting,
            award,
            amount.map(Money::cents),
            adjustment_id.clone()
        ],
    )?;
    audit::record(
        &mut tx,
        &Change {
            actor,
            action: "create",
            entity: "recognition",
            key: &recognition_id,
            before: None,
            after: Some(serde_json::json!({
                "person_id": person, "date": date.to_string(), "reason": reason,
                "given_by_id": given_by, "meeting_id": meeting, "award": award,
                "amount": amount.map(|a| a.to_string()), "adjustment_id": adjustment_id,
            })),
        },
    )?;
    tx.commit()?;
    Ok(Given {
        recognition_id,
        adjustment,
        note,
    })
}

/// Checks that the viewer may pay this SPIFF: sales operations any amount; a manager or director
/// up to [`LEADER_SPIFF_LIMIT`] to someone of their team other than themselves; nobody else.
fn may_pay(viewer: &Viewer, person: &str, amount: Money) -> Result<(), Refused> {
    match viewer.role {
        Role::SalesOps => Ok(()),
        Role::Manager | Role::Director => {
            if viewer.person_id.as_deref() == Some(person) || !viewer.can_see_person(person) {
                Err(Refused::Forbidden("A SPIFF is paid by the person's manager or by sales operations, not to oneself.".into()))
            } else if amount > LEADER_SPIFF_LIMIT {
                Err(Refused::Forbidden(format!(
                    "A manager's SPIFF is at most {LEADER_SPIFF_LIMIT}; ask sales operations for more."
                )))
            } else {
                Ok(())
            }
        }
        Role::Rep | Role::Executive => Err(Refused::Forbidden(
            "Only managers, directors and sales operations attach a SPIFF; give the recognition without an amount.".into(),
        )),
    }
}

/// One recognition of the feed.
#[derive(Debug, Clone)]
pub struct Shown {
    /// Its id.
    pub recognition_id: String,
    /// Who was recognised.
    pub person_id: String,
    /// Their name.
    pub name: String,
    /// When.
    pub date: Date,
    /// Why.
    pub reason: String,
    /// Who gave it (a person id), if known.
    pub given_by_id: Option<String>,
    /// The giver's name.
    pub given_by: String,
    /// The meeting it was given in.
    pub meeting_id: Option<String>,
    /// The award.
    pub award: Option<String>,
    /// The SPIFF's amount and adjustment, shown only to those who may see the person's pay.
    pub amount: Option<Money>,
    /// The SPIFF's adjustment.
    pub adjustment_id: Option<String>,
}

/// Returns the newest recognitions of the people in `team` (everyone when `None`), at most
/// `limit`. Amounts are left out for people whose pay the viewer may not see.
pub fn feed(
    ex: &mut impl Executor,
    viewer: &Viewer,
    team: &Option<HashSet<String>>,
    limit: i64,
) -> Result<Vec<Shown>, StoreError> {
    let mut args = Vec::new();
    let cond = super::scope_sql(team, "g.person_id", &mut args);
    args.push(limit.into());
    let rows = ex.query(
        &format!(
            "SELECT g.recognition_id, g.person_id, p.name, g.date, g.reason, g.given_by_id,
                    b.name, g.meeting_id, g.award, g.amount, g.adjustment_id
             FROM recognitions g
             LEFT JOIN people p ON p.person_id = g.person_id
             LEFT JOIN people b ON b.person_id = g.given_by_id
             WHERE {cond}
             ORDER BY g.date DESC, g.recognition_id DESC LIMIT ${}",
            args.len()
        ),
        &args,
    )?;
    let mut out = Vec::with_capacity(rows.len());
    for r in &rows {
        let person_id = r.string(1)?;
        let pay = viewer.can_see_person(&person_id);
        out.push(Shown {
            recognition_id: r.string(0)?,
            name: r.opt_string(2)?.unwrap_or_default(),
            date: r.date(3)?,
            reason: r.string(4)?,
            given_by_id: r.opt_string(5)?,
            given_by: r.opt_string(6)?.unwrap_or_default(),
            meeting_id: r.opt_string(7)?,
            award: r.opt_string(8)?,
            amount: if pay {
                r.opt_int(9)?.map(Money::from_cents)
            } else {
                None
            },
            adjustment_id: if pay { r.opt_string(10)? } else { None },
            person_id,
        });
    }
    Ok(out)
}
