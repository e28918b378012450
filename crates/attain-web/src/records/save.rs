//! Saving a sales record: the one write path of the pages and the API. Checks the viewer's
//! rights, fills the defaults of a new record, parses and checks the fields as the dataset import
//! does, writes the record with its audit row and, for an opportunity, its stage history and
//! booking or reversal — all in the caller's transaction, which the caller commits only on
//! success, so a refused change writes nothing.

use super::Entity;
use super::access::{may_change, sees, sees_account};
use super::fields::{Fields, Invalid, Record, check_refs, known, load, new_id, parse, write};
use super::pipeline::{self, Booking};
use crate::Viewer;
use crate::audit::{self, Change};
use crate::error::Fail;
use attain_domain::vocab::Outcome;
use attain_domain::{Date, Money, parse_date};
use attain_store::{Executor, StoreError, Value, params};

/// The fields of the forms that are not columns of the record.
pub const OPTIONS: &[&str] = &["stage_date", "create_booking", "splits"];

/// What an opportunity's save does beyond its columns.
#[derive(Debug, Clone)]
pub struct Options {
    /// The date a stage change is recorded on (`YYYY-MM-DD`; default today).
    pub stage_date: String,
    /// Whether closing won writes the booking transaction (default yes).
    pub book: bool,
    /// The booking's splits, `person_id:percent` separated by commas.
    pub splits: String,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            stage_date: String::new(),
            book: true,
            splits: String::new(),
        }
    }
}

impl Options {
    /// Takes the options out of submitted fields (a checkbox sends `create_booking` when
    /// ticked; `present` says the form offered it, so its absence means no).
    pub fn take(fields: &mut Fields, checkbox_offered: bool) -> Options {
        let book = match fields.remove("create_booking") {
            Some(v) => !matches!(v.trim(), "false" | "no" | "off" | "0"),
            None => !checkbox_offered,
        };
        Options {
            stage_date: fields.remove("stage_date").unwrap_or_default(),
            book,
            splits: fields.remove("splits").unwrap_or_default(),
        }
    }
}

/// Why a save did not happen.
#[derive(Debug)]
pub enum SaveError {
    /// A field is wrong: shown with the form, or as a 422 by the API.
    Invalid(Invalid),
    /// Not found, forbidden or an internal failure.
    Fail(Fail),
}

impl From<Invalid> for SaveError {
    fn from(e: Invalid) -> Self {
        SaveError::Invalid(e)
    }
}

impl From<Fail> for SaveError {
    fn from(e: Fail) -> Self {
        SaveError::Fail(e)
    }
}

impl From<StoreError> for SaveError {
    fn from(e: StoreError) -> Self {
        SaveError::Fail(e.into())
    }
}

/// What a save wrote.
#[derive(Debug)]
pub struct Saved {
    /// The record as stored.
    pub record: Record,
    /// True when it was created.
    pub created: bool,
    /// The booking transaction written on closing won.
    pub booking: Option<String>,
    /// The reversals written on reopening or losing a won opportunity.
    pub reversals: Vec<String>,
}

/// Creates (`key` is `None`) or updates a record for the viewer, in the caller's transaction.
pub fn save(
    tx: &mut impl Executor,
    viewer: &Viewer,
    entity: Entity,
    key: Option<&str>,
    fields: &Fields,
    options: &Options,
) -> Result<Saved, SaveError> {
    let stored = match key {
        Some(k) => {
            let r = load(tx, entity, k)?.ok_or(Fail::NotFound)?;
            if !sees(tx, viewer, &r)? {
                return Err(Fail::NotFound.into());
            }
            Some(r)
        }
        None => None,
    };
    if !may_change(viewer) {
        return Err(Fail::Forbidden.into());
    }
    known(entity, fields, OPTIONS)?;
    let today = chrono::Utc::now().date_naive();
    let mut f = fields.clone();
    let key_col = entity.key();
    let given = f
        .get(key_col)
        .map(|s| s.trim().to_owned())
        .unwrap_or_default();
    match &stored {
        Some(s) if !given.is_empty() && given != s.key() => {
            return Err(Invalid::new(key_col, "cannot be changed").into());
        }
        Some(_) => {}
        None if given.is_empty() => {
            let id = new_id(tx, entity.file(), key_col, entity.prefix())?;
            f.insert(key_col.to_owned(), id);
        }
        None => {
            if load(tx, entity, &given)?.is_some() {
                return Err(Invalid::new(key_col, format!("'{given}' is taken")).into());
            }
        }
    }
    if stored.is_none() {
        let me = viewer.person_id.clone().unwrap_or_default();
        let mut default = |c: &str, v: String| {
            if f.get(c).is_none_or(|s| s.trim().is_empty()) {
                f.insert(c.to_owned(), v);
            }
        };
        match entity {
            Entity::Opportunity => {
                default("owner_id", me);
                default("created_date", today.to_string());
            }
            Entity::Activity => {
                default("person_id", me);
                default("date", today.to_string());
            }
            Entity::Account | Entity::Contact => {}
        }
    }
    let mut record = parse(entity, &f, stored.as_ref())?;
    let changed = |r: &Record, c: &str| stored.as_ref().is_none_or(|s| s.get(c) != r.get(c));
    scope_rules(tx, viewer, &record, &changed)?;
    if let Err(e) = check_refs(tx, &record)? {
        return Err(e.into());
    }
    let plan = if entity == Entity::Opportunity {
        Some(plan_stage(
            tx,
            &mut record,
            stored.as_ref(),
            fields,
            options,
            today,
        )?)
    } else {
        None
    };
    write(tx, &record, stored.is_some())?;
    audit::record(
        tx,
        &Change {
            actor: &viewer.email,
            action: if stored.is_some() { "update" } else { "create" },
            entity: entity.noun(),
            key: &record.key(),
            before: stored.as_ref().map(Record::json),
            after: Some(record.json()),
        },
    )?;
    let mut saved = Saved {
        created: stored.is_none(),
        booking: None,
        reversals: Vec::new(),
        record,
    };
    if let Some(plan) = plan {
        follow_stage(tx, viewer, &mut saved, plan)?;
    }
    Ok(saved)
}

/// The viewer-dependent rules: what a record may point at, checked for the columns a change
/// sets. Something out of the viewer's scope reads like something missing.
fn scope_rules<E: Executor>(
    ex: &mut E,
    viewer: &Viewer,
    r: &Record,
    changed: &dyn Fn(&Record, &str) -> bool,
) -> Result<(), SaveError> {
    let set = |c: &str| r.text(c).filter(|_| changed(r, c)).map(str::to_owned);
    let person = |c: &str| -> Result<(), SaveError> {
        match set(c) {
            Some(p) if !viewer.can_see_person(&p) => {
                Err(Invalid::new(c, format!("'{p}' is not you or someone of your team")).into())
            }
            _ => Ok(()),
        }
    };
    let account = |ex: &mut E, c: &str| -> Result<(), SaveError> {
        match set(c) {
            Some(a) if !sees_account(ex, viewer, &a)? => {
                Err(Invalid::new(c, format!("'{a}' is not an account you can see")).into())
            }
            _ => Ok(()),
        }
    };
    match r.entity {
        Entity::Account => {
            person("owner_id")?;
            if let Some(t) = set("territory_id")
                && !viewer.can_see_territory(&t)
            {
                return Err(Invalid::new(
                    "territory_id",
                    format!("'{t}' is not one of your territories"),
                )
                .into());
            }
            if r.text("parent_account_id").is_some_and(|p| p == r.key()) {
                return Err(Invalid::new(
                    "parent_account_id",
                    "is the account's own id; an account cannot be its own parent",
                )
                .into());
            }
        }
        Entity::Contact => {
            account(ex, "account_id")?;
            // The people of a decision step are contacts of its account (account mapping).
            if let Some(a) = set("account_id")
                && let Some(step) = ex.query_opt(
                    "SELECT account_id, step FROM decision_step_contacts
                     WHERE contact_id = $1 AND account_id <> $2 ORDER BY account_id, step",
                    params![r.key(), a.as_str()],
                )?
            {
                return Err(Invalid::new(
                    "account_id",
                    format!(
                        "the contact takes part in step {} of the decision process of account '{}'; \
                         remove them from that step first",
                        step.int(1)?,
                        step.text(0)?
                    ),
                )
                .into());
            }
            if let Some(boss) = r.text("reports_to_id") {
                if boss == r.key() {
                    return Err(Invalid::new(
                        "reports_to_id",
                        "is the contact's own id; a contact cannot report to themself",
                    )
                    .into());
                }
                let theirs = ex.query_opt(
                    "SELECT account_id FROM contacts WHERE contact_id = $1",
                    params![boss],
                )?;
                let mine = r.text("account_id").unwrap_or_default();
                if theirs.is_some_and(|row| row.text(0).is_ok_and(|a| a != mine)) {
                    return Err(Invalid::new(
                        "reports_to_id",
                        format!("'{boss}' is a contact of another account; a contact reports within its own account"),
                    )
                    .into());
                }
            }
        }
        Entity::Opportunity => {
            account(ex, "account_id")?;
            person("owner_id")?;
        }
        Entity::Activity => {
            person("person_id")?;
            account(ex, "account_id")?;
            if let Some(c) = set("contact_id") {
                let contact = load(ex, Entity::Contact, &c)?;
                let ok = match &contact {
                    Some(k) => sees(ex, viewer, k)?,
                    None => false,
                };
                if !ok {
                    return Err(Invalid::new(
                        "contact_id",
                        format!("'{c}' is not a contact you can see"),
                    )
                    .into());
                }
                let theirs = contact.as_ref().and_then(|k| k.text("account_id"));
                if let Some(a) = r.text("account_id")
                    && theirs != Some(a)
                {
                    return Err(Invalid::new(
                        "contact_id",
                        format!("'{c}' is not a contact of account '{a}'"),
                    )
                    .into());
                }
            }
            if let Some(o) = set("opportunity_id") {
                let ok = match load(ex, Entity::Opportunity, &o)? {
                    Some(k) => sees(ex, viewer, &k)?,
                    None => false,
                };
                if !ok {
                    return Err(Invalid::new(
                        "opportunity_id",
                        format!("'{o}' is not an opportunity you can see"),
                    )
                    .into());
                }
            }
        }
    }
    Ok(())
}

/// What an opportunity's save does to its stage history and credit.
struct StagePlan {
    date: Date,
    enters: bool,
    book: Option<Vec<pipeline::Split>>,
    reverse: bool,
}

/// Decides the stage history, the forecast category's default and the booking or reversal of
/// an opportunity's save, refusing wrong options before anything is written.
fn plan_stage(
    ex: &mut impl Executor,
    record: &mut Record,
    stored: Option<&Record>,
    fields: &Fields,
    options: &Options,
    today: Date,
) -> Result<StagePlan, SaveError> {
    let stage = record.text("stage").unwrap_or_default().to_owned();
    let new = pipeline::outcome(ex, &stage)??;
    let old = match stored {
        Some(s) => Some(
            pipeline::outcome(ex, s.text("stage").unwrap_or_default())?.unwrap_or(Outcome::Open),
        ),
        None => None,
    };
    let outcome_changed = old != Some(new);
    let given = fields
        .get("forecast_category")
        .map(|s| s.trim())
        .filter(|s| !s.is_empty());
    let kept = stored.is_some_and(|s| given.is_none_or(|g| s.text("forecast_category") == Some(g)));
    if record.get("forecast_category").is_null() || (outcome_changed && kept) {
        record.set(
            "forecast_category",
            Value::Text(new.default_forecast_category().as_str().to_owned()),
        );
    }
    let date = match options.stage_date.trim() {
        "" => today,
        s => parse_date(s).map_err(|e| Invalid::new("stage_date", e.to_string()))?,
    };
    let enters = stored.is_none_or(|s| s.text("stage") != Some(stage.as_str()));
    let closes_won = new == Outcome::Won && old != Some(Outcome::Won);
    let book = if closes_won && options.book {
        let owner = record.text("owner_id").unwrap_or_default().to_owned();
        Some(pipeline::parse_splits(ex, &options.splits, &owner)??)
    } else {
        None
    };
    Ok(StagePlan {
        date,
        enters,
        book,
        reverse: old == Some(Outcome::Won) && new != Outcome::Won,
    })
}

/// Writes the stage history, and the booking or the reversals, the plan decided.
fn follow_stage(
    ex: &mut impl Executor,
    viewer: &Viewer,
    saved: &mut Saved,
    plan: StagePlan,
) -> Result<(), SaveError> {
    let r = &saved.record;
    let id = r.key();
    if plan.enters {
        pipeline::enter_stage(
            ex,
            &viewer.email,
            &id,
            r.text("stage").unwrap_or_default(),
            plan.date,
        )?;
    }
    if plan.reverse {
        for b in pipeline::standing_bookings(ex, &id)? {
            saved
                .reversals
                .push(pipeline::reverse(ex, &viewer.email, &b, plan.date)?);
        }
    }
    if let Some(splits) = plan.book
        && pipeline::standing_bookings(ex, &id)?.is_empty()
    {
        let money = |c: &str| match r.get(c) {
            Value::Int(n) => Some(Money::from_cents(*n)),
            _ => None,
        };
        let date = match r.get("close_date") {
            Value::Date(d) => *d,
            _ => plan.date,
        };
        let booking = Booking {
            opportunity_id: &id,
            account_id: r.text("account_id").unwrap_or_default(),
            owner_id: r.text("owner_id").unwrap_or_default(),
            date,
            amount: money("amount").unwrap_or(Money::ZERO),
            margin: money("margin"),
        };
        saved.booking = Some(pipeline::book(ex, &viewer.email, &booking, &splits)?);
    }
    Ok(())
}
