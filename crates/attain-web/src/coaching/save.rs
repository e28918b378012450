//! Writing coaching records: a session (with its ratings and new action items), a reflection,
//! an action item's status and a competency — each checked, written in one transaction with
//! its audit row (before and after, private notes included: the audit log is sales ops' only).

use super::access;
use super::load::{Competency, Session, today};
use crate::Viewer;
use crate::audit::{self, Change};
use crate::error::Fail;
use crate::records::Invalid;
use attain_domain::vocab::{ActionStatus, CoachingKind, Role};
use attain_domain::{Date, Id, parse_date};
use attain_store::{Executor, Store, StoreError, Tx, Value, params};
use serde_json::{Value as J, json};
use std::collections::BTreeMap;

/// Why a write was refused.
#[derive(Debug)]
pub enum SaveError {
    /// A field is wrong: answered 422 with the field named.
    Invalid(Invalid),
    /// Not found, forbidden, or failed inside.
    Fail(Fail),
}

impl From<Fail> for SaveError {
    fn from(f: Fail) -> Self {
        SaveError::Fail(f)
    }
}
impl From<StoreError> for SaveError {
    fn from(e: StoreError) -> Self {
        SaveError::Fail(e.into())
    }
}
impl From<Invalid> for SaveError {
    fn from(e: Invalid) -> Self {
        SaveError::Invalid(e)
    }
}

/// The text fields of a session, in the order of `coaching_sessions.csv`.
pub const TEXT_FIELDS: [&str; 7] = [
    "preparation",
    "what_happened",
    "learned",
    "do_better",
    "shared_notes",
    "private_notes",
    "reflection",
];

/// A new action item given with a session.
#[derive(Debug, Clone, Default)]
pub struct NewAction {
    /// What to do.
    pub description: String,
    /// Who does it (empty: the person coached).
    pub owner_id: String,
    /// `YYYY-MM-DD` or empty.
    pub due_date: String,
}

/// A session as submitted: named text fields (dataset column names), ratings per competency
/// (empty: not rated) and new action items.
#[derive(Debug, Clone, Default)]
pub struct SessionInput {
    /// `person_id`, `coach_id`, `date`, `kind`, `account_id`, `opportunity_id` and the text fields.
    pub fields: BTreeMap<String, String>,
    /// `competency_id` → rating text.
    pub ratings: BTreeMap<String, String>,
    /// Action items to add.
    pub actions: Vec<NewAction>,
}

impl SessionInput {
    /// Starts from a stored session (so that fields left out keep their values).
    pub fn from_session(s: &Session) -> SessionInput {
        let mut fields = BTreeMap::new();
        let opt = |v: &Option<String>| v.clone().unwrap_or_default();
        fields.insert("person_id".into(), s.person_id.clone());
        fields.insert("coach_id".into(), s.coach_id.clone());
        fields.insert("date".into(), s.date.to_string());
        fields.insert("kind".into(), s.kind.as_str().into());
        fields.insert("account_id".into(), opt(&s.account_id));
        fields.insert("opportunity_id".into(), opt(&s.opportunity_id));
        for (name, v) in [
            ("preparation", &s.preparation),
            ("what_happened", &s.what_happened),
            ("learned", &s.learned),
            ("do_better", &s.do_better),
            ("shared_notes", &s.shared_notes),
            ("private_notes", &s.private_notes),
        ] {
            fields.insert(name.into(), opt(v));
        }
        let ratings = s
            .ratings
            .iter()
            .map(|r| (r.competency_id.clone(), r.rating.to_string()))
            .collect();
        SessionInput {
            fields,
            ratings,
            actions: Vec::new(),
        }
    }

    /// Applies form fields: `rating.COMPETENCY`, `action_description`/`action_owner_id`/
    /// `action_due_date` (repeated, one per new item), and the session's columns.
    pub fn apply_form(&mut self, pairs: &[(String, String)]) {
        let mut action = NewAction::default();
        for (k, v) in pairs {
            if let Some(c) = k.strip_prefix("rating.") {
                self.ratings.insert(c.to_owned(), v.trim().to_owned());
            } else if k == "action_description" {
                action.description = v.trim().to_owned();
            } else if k == "action_owner_id" {
                action.owner_id = v.trim().to_owned();
            } else if k == "action_due_date" {
                action.due_date = v.trim().to_owned();
                // The due date closes a group of the form's action fields.
                self.actions.push(std::mem::take(&mut action));
            } else if k != "csrf" && k != "reflection" {
                self.fields.insert(k.clone(), v.trim().to_owned());
            }
        }
        self.actions.retain(|a| !a.description.is_empty());
    }

    /// Applies a JSON object: columns as strings (null empties), `ratings` as an object of
    /// competency → 1..5 (null removes), `actions` as a list of new items.
    pub fn apply_json(&mut self, body: &[u8]) -> Result<(), Invalid> {
        let refused = || Invalid::new("body", "send a JSON object of session fields");
        let J::Object(map) = serde_json::from_slice::<J>(body).map_err(|_| refused())? else {
            return Err(refused());
        };
        let text = |k: &str, v: &J| match v {
            J::Null => Ok(String::new()),
            J::String(s) => Ok(s.trim().to_owned()),
            J::Number(n) => Ok(n.to_string()),
            _ => Err(Invalid::new(k, "is not a text or number")),
        };
        for (k, v) in &map {
            match k.as_str() {
                "ratings" => {
                    let J::Object(r) = v else {
                        return Err(Invalid::new("ratings", "is not an object of ratings"));
                    };
                    for (c, n) in r {
                        self.ratings.insert(c.clone(), text("ratings", n)?);
                    }
                }
                "actions" => {
                    let J::Array(items) = v else {
                        return Err(Invalid::new("actions", "is not a list of action items"));
                    };
                    for i in items {
                        self.actions.push(NewAction {
                            description: text("actions", &i["description"])?,
                            owner_id: text("actions", &i["owner_id"])?,
                            due_date: text("actions", &i["due_date"])?,
                        });
                    }
                }
                "reflection" | "session_id" => {}
                _ => {
                    self.fields.insert(k.clone(), text(k, v)?);
                }
            }
        }
        Ok(())
    }

    fn get(&self, k: &str) -> &str {
        self.fields.get(k).map_or("", String::as_str)
    }
}

/// A session checked and ready to write.
struct Checked {
    person_id: String,
    coach_id: String,
    date: Date,
    kind: CoachingKind,
    account_id: Option<String>,
    opportunity_id: Option<String>,
    texts: Vec<Option<String>>,
    ratings: Vec<(String, i64)>,
    actions: Vec<(String, String, Option<Date>)>,
}

fn exists(ex: &mut impl Executor, table: &str, column: &str, id: &str) -> Result<bool, Fail> {
    Ok(ex
        .query_opt(
            &format!("SELECT 1 FROM {table} WHERE {column} = $1"),
            params![id],
        )?
        .is_some())
}

fn date_of(field: &str, text: &str) -> Result<Date, Invalid> {
    parse_date(text).map_err(|e| Invalid::new(field, e.to_string()))
}

/// Checks a submitted session for the viewer (`existing`: the stored one, when changing).
fn check(
    ex: &mut impl Executor,
    viewer: &Viewer,
    input: &SessionInput,
    existing: Option<&Session>,
) -> Result<Checked, SaveError> {
    let person_id = input.get("person_id").to_owned();
    if person_id.is_empty() {
        return Err(Invalid::new("person_id", "choose the person coached").into());
    }
    if !exists(ex, "people", "person_id", &person_id)? {
        return Err(match viewer.role {
            Role::SalesOps => Invalid::new("person_id", "there is no such person").into(),
            _ => SaveError::Fail(Fail::NotFound),
        });
    }
    if existing.is_none_or(|s| s.person_id != person_id) {
        access::may_record(viewer, &person_id)?;
    }
    // The coach is the viewer; sales ops names one (or is it).
    let coach_id = match (viewer.role, existing) {
        (_, Some(s)) if !viewer.is_sales_ops() => s.coach_id.clone(),
        (Role::SalesOps, _) if !input.get("coach_id").is_empty() => {
            input.get("coach_id").to_owned()
        }
        _ => viewer
            .person_id
            .clone()
            .ok_or_else(|| Invalid::new("coach_id", "name the coach"))?,
    };
    if !exists(ex, "people", "person_id", &coach_id)? {
        return Err(Invalid::new("coach_id", "there is no such person").into());
    }
    if coach_id == person_id {
        return Err(Invalid::new("coach_id", "nobody coaches themself").into());
    }
    let date = date_of("date", input.get("date"))?;
    if date > today() {
        return Err(Invalid::new("date", "a session is recorded once it has happened").into());
    }
    let kind =
        CoachingKind::parse(input.get("kind")).map_err(|e| Invalid::new("kind", e.to_string()))?;
    let mut reference =
        |field: &str, table: &str, noun: &str| -> Result<Option<String>, SaveError> {
            let id = input.get(field);
            if id.is_empty() {
                return Ok(None);
            }
            if Id::parse(id).is_err() || !exists(ex, table, field, id)? {
                return Err(Invalid::new(field, format!("there is no {noun} '{id}'")).into());
            }
            Ok(Some(id.to_owned()))
        };
    let account_id = reference("account_id", "accounts", "account")?;
    let opportunity_id = reference("opportunity_id", "opportunities", "opportunity")?;
    let mut texts: Vec<Option<String>> = TEXT_FIELDS[..6]
        .iter()
        .map(|f| Some(input.get(f).to_owned()).filter(|t| !t.is_empty()))
        .collect();
    texts.push(existing.and_then(|s| s.reflection.clone()));
    let model: Vec<String> = ex
        .query("SELECT competency_id FROM competencies", &[])?
        .iter()
        .map(|r| r.string(0))
        .collect::<Result<_, _>>()?;
    let mut ratings = Vec::new();
    for (c, text) in &input.ratings {
        if text.is_empty() {
            continue;
        }
        if !model.contains(c) {
            return Err(Invalid::new("ratings", format!("there is no competency '{c}'")).into());
        }
        match text.parse::<i64>() {
            Ok(n @ 1..=5) => ratings.push((c.clone(), n)),
            _ => {
                let m = format!("'{text}' for {c} is not a rating from 1 to 5");
                return Err(Invalid::new("rating", m).into());
            }
        }
    }
    let mut actions = Vec::new();
    for a in &input.actions {
        let owner = if a.owner_id.is_empty() {
            person_id.clone()
        } else {
            a.owner_id.clone()
        };
        if owner != person_id && owner != coach_id {
            let m = "an action item is owned by the person coached or the coach";
            return Err(Invalid::new("action_owner_id", m).into());
        }
        let due = match a.due_date.as_str() {
            "" => None,
            d => Some(date_of("action_due_date", d)?),
        };
        actions.push((a.description.clone(), owner, due));
    }
    Ok(Checked {
        person_id,
        coach_id,
        date,
        kind,
        account_id,
        opportunity_id,
        texts,
        ratings,
        actions,
    })
}

/// Returns a new id `PREFIX-N` not yet used in `table`.
fn next_id(tx: &mut Tx<'_>, table: &str, column: &str, prefix: &str) -> Result<String, Fail> {
    let mut n = tx
        .query_one(&format!("SELECT COUNT(*) FROM {table}"), &[])?
        .int(0)?
        + 1;
    loop {
        let id = format!("{prefix}-{n}");
        if !exists(tx, table, column, &id)? {
            return Ok(id);
        }
        n += 1;
    }
}

/// Returns a session as audited (and as the API shows it to those who see private notes).
fn session_json(tx: &mut Tx<'_>, id: &str) -> Result<J, Fail> {
    let Some(r) = tx.query_opt(
        "SELECT person_id, coach_id, date, kind, account_id, opportunity_id, preparation,
                what_happened, learned, do_better, shared_notes, private_notes, reflection
         FROM coaching_sessions WHERE session_id = $1",
        params![id],
    )?
    else {
        return Ok(J::Null);
    };
    let names = [
        "person_id",
        "coach_id",
        "date",
        "kind",
        "account_id",
        "opportunity_id",
    ];
    let mut out = serde_json::Map::new();
    out.insert("session_id".into(), json!(id));
    for (i, n) in names.iter().enumerate() {
        let v = if *n == "date" {
            json!(r.date(i)?.to_string())
        } else {
            json!(r.opt_string(i)?)
        };
        out.insert((*n).into(), v);
    }
    for (i, n) in TEXT_FIELDS.iter().enumerate() {
        out.insert((*n).into(), json!(r.opt_string(6 + i)?));
    }
    let ratings: serde_json::Map<String, J> = tx
        .query(
            "SELECT competency_id, rating FROM skill_ratings WHERE session_id = $1
             ORDER BY competency_id",
            params![id],
        )?
        .iter()
        .map(|r| Ok((r.string(0)?, json!(r.int(1)?))))
        .collect::<Result<_, StoreError>>()?;
    out.insert("ratings".into(), J::Object(ratings));
    Ok(J::Object(out))
}

/// Creates (`id` None) or changes a session; returns its id.
pub fn save_session(
    store: &Store,
    viewer: &Viewer,
    id: Option<&str>,
    input: &SessionInput,
) -> Result<String, SaveError> {
    let mut conn = store.conn()?;
    let existing = match id {
        Some(id) => {
            let s = super::load::session(&mut conn, viewer, id)?.ok_or(Fail::NotFound)?;
            access::may_edit(viewer, &s.person_id, &s.coach_id)?;
            Some(s)
        }
        None => None,
    };
    let c = check(&mut conn, viewer, input, existing.as_ref())?;
    let mut tx = conn.transaction()?;
    let (id, before) = match id {
        Some(id) => (id.to_owned(), Some(session_json(&mut tx, id)?)),
        None => (
            next_id(&mut tx, "coaching_sessions", "session_id", "S")?,
            None,
        ),
    };
    let mut args: Vec<Value> = vec![
        Value::from(id.as_str()),
        Value::from(c.person_id.as_str()),
        Value::from(c.coach_id.as_str()),
        c.date.into(),
        Value::from(c.kind.as_str()),
        c.account_id.clone().map_or(Value::Null, Value::from),
        c.opportunity_id.clone().map_or(Value::Null, Value::from),
    ];
    args.extend(
        c.texts
            .iter()
            .map(|t| t.clone().map_or(Value::Null, Value::from)),
    );
    tx.execute(
        "DELETE FROM coaching_sessions WHERE session_id = $1",
        params![id.as_str()],
    )?;
    tx.execute(
        "INSERT INTO coaching_sessions (session_id, person_id, coach_id, date, kind, account_id,
             opportunity_id, preparation, what_happened, learned, do_better, shared_notes,
             private_notes, reflection)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
        &args,
    )?;
    tx.execute(
        "DELETE FROM skill_ratings WHERE session_id = $1",
        params![id.as_str()],
    )?;
    for (competency, rating) in &c.ratings {
        tx.execute(
            "INSERT INTO skill_ratings (session_id, competency_id, rating) VALUES ($1, $2, $3)",
            params![id.as_str(), competency.as_str(), *rating],
        )?;
    }
    let mut added = Vec::new();
    for (description, owner, due) in &c.actions {
        let action_id = next_id(&mut tx, "action_items", "action_id", "AI")?;
        tx.execute(
            "INSERT INTO action_items (action_id, session_id, person_id, owner_id, description,
                 due_date, status)
             VALUES ($1, $2, $3, $4, $5, $6, 'open')",
            params![
                action_id.as_str(),
                id.as_str(),
                c.person_id.as_str(),
                owner.as_str(),
                description.as_str(),
                due.map_or(Value::Null, Value::from)
            ],
        )?;
        added.push(
            json!({"action_id": action_id, "owner_id": owner, "description": description,
                          "due_date": due.map(|d| d.to_string())}),
        );
    }
    let mut after = session_json(&mut tx, &id)?;
    if !added.is_empty() {
        after["actions_added"] = J::Array(added);
    }
    audit::record(
        &mut tx,
        &Change {
            actor: &viewer.email,
            action: if before.is_some() { "update" } else { "create" },
            entity: "coaching_session",
            key: &id,
            before,
            after: Some(after),
        },
    )?;
    tx.commit()?;
    Ok(id)
}

/// Writes the reflection of the person coached on their session.
pub fn save_reflection(
    store: &Store,
    viewer: &Viewer,
    id: &str,
    reflection: &str,
) -> Result<(), SaveError> {
    let mut conn = store.conn()?;
    let s = super::load::session(&mut conn, viewer, id)?.ok_or(Fail::NotFound)?;
    access::may_reflect(viewer, &s.person_id, &s.coach_id)?;
    let text = Some(reflection.trim().to_owned()).filter(|t| !t.is_empty());
    let mut tx = conn.transaction()?;
    tx.execute(
        "UPDATE coaching_sessions SET reflection = $2 WHERE session_id = $1",
        params![id, text.clone().map_or(Value::Null, Value::from)],
    )?;
    audit::record(
        &mut tx,
        &Change {
            actor: &viewer.email,
            action: "reflect",
            entity: "coaching_session",
            key: id,
            before: Some(json!({"reflection": s.reflection})),
            after: Some(json!({"reflection": text})),
        },
    )?;
    tx.commit()?;
    Ok(())
}

/// Changes the status of an action item (a done item takes today as its done date).
pub fn save_action_status(
    store: &Store,
    viewer: &Viewer,
    id: &str,
    status: &str,
) -> Result<(), SaveError> {
    let mut conn = store.conn()?;
    let row = conn
        .query_opt(
            "SELECT person_id, owner_id, status, done_date FROM action_items WHERE action_id = $1",
            params![id],
        )?
        .ok_or(Fail::NotFound)?;
    let (person, owner, old, old_done) = (
        row.string(0)?,
        row.string(1)?,
        row.string(2)?,
        row.opt_date(3)?,
    );
    access::may_update_action(viewer, &person, &owner)?;
    let status =
        ActionStatus::parse(status.trim()).map_err(|e| Invalid::new("status", e.to_string()))?;
    let done = (status == ActionStatus::Done).then(|| old_done.unwrap_or_else(today));
    let mut tx = conn.transaction()?;
    tx.execute(
        "UPDATE action_items SET status = $2, done_date = $3 WHERE action_id = $1",
        params![id, status.as_str(), done.map_or(Value::Null, Value::from)],
    )?;
    audit::record(
        &mut tx,
        &Change {
            actor: &viewer.email,
            action: "update",
            entity: "action_item",
            key: id,
            before: Some(json!({"status": old, "done_date": old_done.map(|d| d.to_string())})),
            after: Some(
                json!({"status": status.as_str(), "done_date": done.map(|d| d.to_string())}),
            ),
        },
    )?;
    tx.commit()?;
    Ok(())
}

/// Creates or changes a competency of the model (sales ops).
pub fn save_competency(store: &Store, viewer: &Viewer, c: &Competency) -> Result<(), SaveError> {
    if !viewer.is_sales_ops() {
        return Err(Fail::Forbidden.into());
    }
    Id::parse(&c.id).map_err(|e| Invalid::new("competency_id", e.to_string()))?;
    if c.name.trim().is_empty() {
        return Err(Invalid::new("name", "name the competency").into());
    }
    if !(0..=1000).contains(&c.position) {
        return Err(Invalid::new("position", "a whole number from 0 to 1000").into());
    }
    let mut conn = store.conn()?;
    let mut tx = conn.transaction()?;
    let before = tx
        .query_opt(
            "SELECT name, description, position FROM competencies WHERE competency_id = $1",
            params![c.id.as_str()],
        )?
        .map(|r| -> Result<J, StoreError> {
            Ok(json!({"name": r.string(0)?, "description": r.opt_string(1)?, "position": r.int(2)?}))
        })
        .transpose()?;
    let description = Some(c.description.trim().to_owned()).filter(|d| !d.is_empty());
    tx.execute(
        "DELETE FROM competencies WHERE competency_id = $1",
        params![c.id.as_str()],
    )?;
    tx.execute(
        "INSERT INTO competencies (competency_id, name, description, position)
         VALUES ($1, $2, $3, $4)",
        params![
            c.id.as_str(),
            c.name.trim(),
            description.clone().map_or(Value::Null, Value::from),
            c.position
        ],
    )?;
    audit::record(
        &mut tx,
        &Change {
            actor: &viewer.email,
            action: if before.is_some() { "update" } else { "create" },
            entity: "competency",
            key: &c.id,
            before,
            after: Some(
                json!({"name": c.name.trim(), "description": description, "position": c.position}),
            ),
        },
    )?;
    tx.commit()?;
    Ok(())
}
