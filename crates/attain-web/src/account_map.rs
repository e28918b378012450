//! An account's map as read from the store: its contacts with their buying roles and managers,
//! its decision process (ordered steps with the contacts in each) and its coverage on a day
//! (`attain_domain::coverage`), for the map page, the key accounts list and the API.

use crate::Viewer;
use crate::error::Fail;
use crate::pages::accounts::current_territory;
use attain_domain::Date;
use attain_domain::coverage::{self, Contact, Coverage, Gap, Touch};
use attain_domain::vocab::BuyingRole;
use attain_store::{Executor, StoreResult, Value, params};
use std::collections::HashMap;

/// One contact of the map.
#[derive(Debug, Clone)]
pub struct MapContact {
    pub contact_id: String,
    pub name: String,
    pub title: Option<String>,
    pub buying_role: Option<BuyingRole>,
    pub reports_to_id: Option<String>,
}

/// One step of the decision process.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// The position, from 1.
    pub step: i64,
    pub name: String,
    pub description: Option<String>,
    /// The contacts taking part, by contact id in id order.
    pub contact_ids: Vec<String>,
}

/// An account's map on one day.
#[derive(Debug, Clone)]
pub struct AccountMap {
    pub account_id: String,
    pub name: String,
    pub key_account: bool,
    /// Contacts in name order (then id).
    pub contacts: Vec<MapContact>,
    /// Steps in step order.
    pub steps: Vec<Step>,
    /// Coverage; its contact indexes point into `contacts`.
    pub coverage: Coverage,
    /// The names of the people who made the latest touches, by person id.
    pub people: HashMap<String, String>,
}

impl AccountMap {
    /// Returns the index of a contact of the map.
    pub fn contact(&self, contact_id: &str) -> Option<usize> {
        self.contacts
            .iter()
            .position(|c| c.contact_id == contact_id)
    }

    /// Returns the gaps in words.
    pub fn gap_texts(&self) -> Vec<String> {
        self.coverage
            .gaps
            .iter()
            .map(|g| g.describe(|i| self.contacts[i].name.clone()))
            .collect()
    }

    /// Returns true when the contact at `i` is part of a gap: a blocker not engaged, or a
    /// holder of a key role that nobody of that role was reached in.
    pub fn in_gap(&self, i: usize) -> bool {
        let c = &self.contacts[i];
        self.coverage.gaps.iter().any(|g| match g {
            Gap::BlockerNotEngaged(j) => *j == i,
            Gap::NotReached(role) => c.buying_role == Some(*role),
            Gap::NotMapped(_) => false,
        })
    }
}

/// Reads an account's name and whether it is a key account; `NotFound` when it is missing or
/// not the viewer's to see (told apart by nobody).
pub fn visible_account(
    ex: &mut impl Executor,
    viewer: &Viewer,
    account_id: &str,
) -> Result<(String, bool), Fail> {
    let today = chrono::Utc::now().date_naive();
    let territory = current_territory("$1");
    let Some(a) = ex.query_opt(
        &format!(
            "SELECT a.name, a.owner_id, {territory}, a.key_account
             FROM accounts a WHERE a.account_id = $2"
        ),
        params![today, account_id],
    )?
    else {
        return Err(Fail::NotFound);
    };
    if !viewer.can_see_account(a.opt_string(1)?.as_deref(), a.text(2)?) {
        return Err(Fail::NotFound);
    }
    let key = !a.value(3).is_null() && a.bool(3)?;
    Ok((a.string(0)?, key))
}

/// Reads the map of a visible account on day `on`.
pub fn load(
    ex: &mut impl Executor,
    viewer: &Viewer,
    account_id: &str,
    on: Date,
) -> Result<AccountMap, Fail> {
    let (name, key_account) = visible_account(ex, viewer, account_id)?;
    let contacts = contacts(ex, account_id)?;
    let steps = steps(ex, account_id)?;
    let from = window_start(on);
    let mut touches = Vec::new();
    for r in ex.query(
        "SELECT t.contact_id, t.date, t.person_id
         FROM activities t JOIN contacts c ON c.contact_id = t.contact_id
         WHERE c.account_id = $1 AND t.date >= $2 AND t.date <= $3",
        params![account_id, from, on],
    )? {
        touches.push(Touch {
            contact_id: r.string(0)?,
            date: r.date(1)?,
            person_id: r.string(2)?,
        });
    }
    let given: Vec<Contact> = contacts
        .iter()
        .map(|c| Contact {
            contact_id: c.contact_id.clone(),
            buying_role: c.buying_role,
        })
        .collect();
    let coverage = coverage::coverage(&given, &touches, on);
    let mut people = HashMap::new();
    for r in coverage.reached.iter().flatten() {
        if !people.contains_key(&r.by)
            && let Some(row) = ex.query_opt(
                "SELECT name FROM people WHERE person_id = $1",
                params![r.by.as_str()],
            )?
        {
            people.insert(r.by.clone(), row.string(0)?);
        }
    }
    Ok(AccountMap {
        account_id: account_id.to_owned(),
        name,
        key_account,
        contacts,
        steps,
        coverage,
        people,
    })
}

/// Returns the first day of the coverage window ending on `on`.
pub fn window_start(on: Date) -> Date {
    on - chrono::Duration::days(coverage::WINDOW_DAYS - 1)
}

/// Reads an account's contacts in name order.
pub fn contacts(ex: &mut impl Executor, account_id: &str) -> StoreResult<Vec<MapContact>> {
    ex.query(
        "SELECT contact_id, name, title, buying_role, reports_to_id FROM contacts
         WHERE account_id = $1 ORDER BY name, contact_id",
        params![account_id],
    )?
    .iter()
    .map(|r| {
        Ok(MapContact {
            contact_id: r.string(0)?,
            name: r.string(1)?,
            title: r.opt_string(2)?,
            buying_role: r.opt_string(3)?.and_then(|s| BuyingRole::parse(&s).ok()),
            reports_to_id: r.opt_string(4)?,
        })
    })
    .collect()
}

/// Reads an account's decision steps in order, each with its contacts.
pub fn steps(ex: &mut impl Executor, account_id: &str) -> StoreResult<Vec<Step>> {
    let mut steps: Vec<Step> = Vec::new();
    for r in ex.query(
        "SELECT step, name, description FROM decision_steps WHERE account_id = $1 ORDER BY step",
        params![account_id],
    )? {
        steps.push(Step {
            step: r.int(0)?,
            name: r.string(1)?,
            description: r.opt_string(2)?,
            contact_ids: Vec::new(),
        });
    }
    for r in ex.query(
        "SELECT step, contact_id FROM decision_step_contacts WHERE account_id = $1
         ORDER BY step, contact_id",
        params![account_id],
    )? {
        let n = r.int(0)?;
        if let Some(s) = steps.iter_mut().find(|s| s.step == n) {
            s.contact_ids.push(r.string(1)?);
        }
    }
    Ok(steps)
}

/// A step as JSON for the audit log.
pub fn step_json(s: &Step) -> serde_json::Value {
    serde_json::json!({
        "name": s.name,
        "description": s.description,
        "contact_ids": s.contact_ids,
    })
}

/// The coverage of several accounts at once, for lists: `(account_id, contacts, coverage)`.
pub struct Summary {
    pub account_id: String,
    /// Contact names, in the order the coverage's indexes use.
    pub names: Vec<String>,
    pub coverage: Coverage,
}

/// Computes the coverage on `on` of the accounts matching `filter` (an SQL condition on the
/// accounts table `a`, with its parameters), keyed by account id.
pub fn summaries(
    ex: &mut impl Executor,
    filter: &str,
    args: &[Value],
    on: Date,
) -> StoreResult<HashMap<String, Summary>> {
    let mut contacts: HashMap<String, (Vec<String>, Vec<Contact>)> = HashMap::new();
    for r in ex.query(
        &format!(
            "SELECT c.account_id, c.contact_id, c.name, c.buying_role
             FROM contacts c JOIN accounts a ON a.account_id = c.account_id
             WHERE {filter} ORDER BY c.account_id, c.name, c.contact_id"
        ),
        args,
    )? {
        let e = contacts.entry(r.string(0)?).or_default();
        e.0.push(r.string(2)?);
        e.1.push(Contact {
            contact_id: r.string(1)?,
            buying_role: r.opt_string(3)?.and_then(|s| BuyingRole::parse(&s).ok()),
        });
    }
    let mut touches: HashMap<String, Vec<Touch>> = HashMap::new();
    let mut all = args.to_vec();
    all.push(window_start(on).into());
    all.push(on.into());
    let (from_mark, to_mark) = (all.len() - 1, all.len());
    for r in ex.query(
        &format!(
            "SELECT c.account_id, t.contact_id, t.date, t.person_id
             FROM activities t JOIN contacts c ON c.contact_id = t.contact_id
             JOIN accounts a ON a.account_id = c.account_id
             WHERE {filter} AND t.date >= ${from_mark} AND t.date <= ${to_mark}"
        ),
        &all,
    )? {
        touches.entry(r.string(0)?).or_default().push(Touch {
            contact_id: r.string(1)?,
            date: r.date(2)?,
            person_id: r.string(3)?,
        });
    }
    let mut out = HashMap::new();
    for r in ex.query(
        &format!("SELECT a.account_id FROM accounts a WHERE {filter}"),
        args,
    )? {
        let id = r.string(0)?;
        let (names, given) = contacts.remove(&id).unwrap_or_default();
        let coverage =
            coverage::coverage(&given, touches.get(&id).map_or(&[][..], Vec::as_slice), on);
        out.insert(
            id.clone(),
            Summary {
                account_id: id,
                names,
                coverage,
            },
        );
    }
    Ok(out)
}
