//! Territory plans (docs/territory-plan.md): one per salesperson and fiscal year, read with the
//! template, changed only through the workflow here (edit, submit, agree, return), each change
//! audited and each submitted or agreed version kept as a frozen copy.

use crate::audit::{self, Change};
use crate::error::Fail;
use crate::viewer::Viewer;
use attain_domain::territory_plan::{
    MAX_KEY_ACCOUNTS, MAX_SECTION_CHARS, MAX_STRATEGY_CHARS, TemplateSection, char_len,
    default_template,
};
use attain_domain::vocab::{PlanSection, PlanStatus, Role};
use attain_domain::{Date, Id};
use attain_store::{Executor, StoreResult, params};
use serde_json::json;

/// The most characters of the manager's comment.
pub const MAX_COMMENT_CHARS: usize = 300;

/// One key account of a plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyAccount {
    pub account_id: String,
    pub name: String,
    pub strategy: String,
}

/// A plan as stored (or the empty first draft of one not written yet).
#[derive(Debug, Clone)]
pub struct Plan {
    pub person_id: String,
    pub person_name: String,
    pub year: i32,
    pub status: PlanStatus,
    pub version: i64,
    pub submitted_date: Option<Date>,
    pub agreed_date: Option<Date>,
    pub agreed_by_id: Option<String>,
    pub manager_comment: String,
    /// Text per template section, in template order.
    pub sections: Vec<(TemplateSection, String)>,
    pub key_accounts: Vec<KeyAccount>,
    /// Whether a row exists in `territory_plans`.
    pub stored: bool,
}

impl Plan {
    /// The plan as JSON: the audit's before/after and the frozen copy of a version.
    pub fn json(&self) -> serde_json::Value {
        json!({
            "person_id": self.person_id,
            "year": self.year,
            "status": self.status.as_str(),
            "version": self.version,
            "submitted_date": self.submitted_date.map(|d| d.to_string()),
            "agreed_date": self.agreed_date.map(|d| d.to_string()),
            "agreed_by_id": self.agreed_by_id,
            "manager_comment": self.manager_comment,
            "sections": self.sections.iter().map(|(t, text)| json!({
                "section": t.section.as_str(), "heading": t.heading, "text": text,
            })).collect::<Vec<_>>(),
            "key_accounts": self.key_accounts.iter().map(|k| json!({
                "account_id": k.account_id, "name": k.name, "strategy": k.strategy,
            })).collect::<Vec<_>>(),
        })
    }
}

/// One kept version: number, status it was frozen in, when and by whom.
#[derive(Debug, Clone)]
pub struct Version {
    pub version: i64,
    pub status: String,
    pub saved_at: String,
    pub saved_by: String,
    pub snapshot: serde_json::Value,
}

/// The template: sales ops' rows from `plan_template` over the defaults.
pub fn template(ex: &mut impl Executor) -> StoreResult<Vec<TemplateSection>> {
    let mut t = default_template();
    for r in ex.query(
        "SELECT section, heading, prompt, max_chars FROM plan_template",
        &[],
    )? {
        let Ok(section) = PlanSection::parse(r.text(0)?) else {
            continue;
        };
        if let Some(s) = t.iter_mut().find(|s| s.section == section) {
            s.heading = r.string(1)?;
            s.prompt = r.string(2)?;
            s.max_chars = usize::try_from(r.int(3)?)
                .unwrap_or(0)
                .clamp(1, MAX_SECTION_CHARS);
        }
    }
    Ok(t)
}

/// Loads a person's plan for a year, or 404 when the person is missing or not the viewer's to
/// see. A plan never written is an empty draft, version 1.
pub fn load(
    ex: &mut impl Executor,
    viewer: &Viewer,
    person_id: &str,
    year: i32,
) -> Result<Plan, Fail> {
    if !Id::is_valid(person_id) || !viewer.can_see_person(person_id) {
        return Err(Fail::NotFound);
    }
    let person_name = ex
        .query_opt(
            "SELECT name FROM people WHERE person_id = $1",
            params![person_id],
        )?
        .ok_or(Fail::NotFound)?
        .string(0)?;
    let template = template(ex)?;
    let mut plan = Plan {
        person_id: person_id.to_owned(),
        person_name,
        year,
        status: PlanStatus::Draft,
        version: 1,
        submitted_date: None,
        agreed_date: None,
        agreed_by_id: None,
        manager_comment: String::new(),
        sections: template.into_iter().map(|t| (t, String::new())).collect(),
        key_accounts: Vec::new(),
        stored: false,
    };
    let args = params![person_id, i64::from(year)];
    if let Some(r) = ex.query_opt(
        "SELECT status, version, submitted_date, agreed_date, agreed_by_id, manager_comment
         FROM territory_plans WHERE person_id = $1 AND year = $2",
        args,
    )? {
        plan.status = PlanStatus::parse(r.text(0)?).unwrap_or(PlanStatus::Draft);
        plan.version = r.int(1)?;
        plan.submitted_date = r.opt_date(2)?;
        plan.agreed_date = r.opt_date(3)?;
        plan.agreed_by_id = r.opt_string(4)?;
        plan.manager_comment = r.opt_string(5)?.unwrap_or_default();
        plan.stored = true;
    }
    for r in ex.query(
        "SELECT section, text FROM plan_sections WHERE person_id = $1 AND year = $2",
        args,
    )? {
        let section = PlanSection::parse(r.text(0)?).ok();
        if let Some(s) = plan
            .sections
            .iter_mut()
            .find(|s| Some(s.0.section) == section)
        {
            s.1 = r.opt_string(1)?.unwrap_or_default();
        }
    }
    for r in ex.query(
        "SELECT k.account_id, a.name, k.strategy FROM plan_key_accounts k
         JOIN accounts a ON a.account_id = k.account_id
         WHERE k.person_id = $1 AND k.year = $2 ORDER BY a.name, k.account_id",
        args,
    )? {
        plan.key_accounts.push(KeyAccount {
            account_id: r.string(0)?,
            name: r.string(1)?,
            strategy: r.opt_string(2)?.unwrap_or_default(),
        });
    }
    Ok(plan)
}

/// The kept versions of a plan, newest first.
pub fn versions(ex: &mut impl Executor, person_id: &str, year: i32) -> StoreResult<Vec<Version>> {
    let mut out = Vec::new();
    for r in ex.query(
        "SELECT version, status, saved_at, saved_by, snapshot FROM territory_plan_versions
         WHERE person_id = $1 AND year = $2 ORDER BY version DESC, saved_at DESC",
        params![person_id, i64::from(year)],
    )? {
        out.push(Version {
            version: r.int(0)?,
            status: r.string(1)?,
            saved_at: r.time(2)?.format("%Y-%m-%d %H:%M UTC").to_string(),
            saved_by: r.string(3)?,
            snapshot: serde_json::from_str(r.text(4)?).unwrap_or_default(),
        });
    }
    Ok(out)
}

/// What the caller sends: text per section and the key accounts with their strategies (save),
/// the manager's comment (agree, return).
#[derive(Debug, Default, Clone)]
pub struct Edit {
    pub sections: Vec<(PlanSection, String)>,
    pub key_accounts: Vec<(String, String)>,
    pub comment: String,
}

/// Whether the viewer may write this plan: only its own salesperson.
pub fn may_edit(viewer: &Viewer, plan: &Plan) -> bool {
    viewer.person_id.as_deref() == Some(plan.person_id.as_str())
}

/// Whether the viewer may agree or return this plan: someone above the salesperson (their
/// manager or higher, who sees them) or sales ops, never the salesperson themself.
pub fn may_agree(viewer: &Viewer, plan: &Plan) -> bool {
    !may_edit(viewer, plan)
        && (viewer.is_sales_ops()
            || (viewer.role != Role::Rep && viewer.can_see_person(&plan.person_id)))
}

/// Checks an edit against the template and the accounts the writer may see; returns the
/// sentence refusing it.
pub fn check(
    ex: &mut impl Executor,
    viewer: &Viewer,
    plan: &Plan,
    edit: &Edit,
) -> Result<(), String> {
    for (section, text) in &edit.sections {
        let Some((t, _)) = plan.sections.iter().find(|s| s.0.section == *section) else {
            continue;
        };
        let n = char_len(text);
        if n > t.max_chars {
            return Err(format!(
                "{}: {n} characters; the template allows {} so the plan prints on one page.",
                t.heading, t.max_chars
            ));
        }
    }
    if edit.key_accounts.len() > MAX_KEY_ACCOUNTS {
        return Err(format!(
            "Key accounts: {} chosen; a plan names at most {MAX_KEY_ACCOUNTS}.",
            edit.key_accounts.len()
        ));
    }
    for (account_id, strategy) in &edit.key_accounts {
        let row = ex
            .query_opt(
                "SELECT owner_id, territory_id FROM accounts WHERE account_id = $1",
                params![account_id.as_str()],
            )
            .map_err(|e| e.to_string())?;
        let visible = match row {
            Some(r) => {
                let owner = r.opt_string(0).map_err(|e| e.to_string())?;
                let territory = r.string(1).map_err(|e| e.to_string())?;
                viewer.can_see_account(owner.as_deref(), &territory)
            }
            None => false,
        };
        if !visible {
            return Err(format!(
                "Key accounts: '{account_id}' is not an account you can see."
            ));
        }
        let n = char_len(strategy);
        if n > MAX_STRATEGY_CHARS {
            return Err(format!(
                "Strategy for '{account_id}': {n} characters; at most {MAX_STRATEGY_CHARS} fit on the page."
            ));
        }
    }
    Ok(())
}

/// A change of the workflow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// The writer saves the texts (an agreed plan becomes the next version's draft).
    Save,
    /// The writer submits the draft to their manager.
    Submit,
    /// The manager (or above, or sales ops) agrees a submitted plan.
    Agree,
    /// The manager sends a submitted plan back to draft.
    Return,
}

impl Action {
    fn word(self) -> &'static str {
        match self {
            Action::Save => "save",
            Action::Submit => "submit",
            Action::Agree => "agree",
            Action::Return => "return",
        }
    }
}

/// Applies an action in one transaction: permission (403 when the viewer may not), state
/// (a sentence when the plan is not in a state for it), the rows, the audit row with the plan
/// before and after, and the frozen copy of a submitted or agreed version.
pub fn apply(
    conn: &mut attain_store::Conn,
    viewer: &Viewer,
    person_id: &str,
    year: i32,
    action: Action,
    edit: &Edit,
    today: Date,
) -> Result<Result<Plan, String>, Fail> {
    let mut tx = conn.transaction()?;
    let before = load(&mut tx, viewer, person_id, year)?;
    let allowed = match action {
        Action::Save | Action::Submit => may_edit(viewer, &before),
        Action::Agree | Action::Return => may_agree(viewer, &before),
    };
    if !allowed {
        return Err(Fail::Forbidden);
    }
    let mut after = before.clone();
    let comment = edit.comment.as_str();
    match action {
        Action::Save => {
            if let Err(m) = check(&mut tx, viewer, &before, edit) {
                return Ok(Err(m));
            }
            if before.status == PlanStatus::Agreed {
                after.version += 1;
                after.agreed_date = None;
                after.agreed_by_id = None;
            }
            after.status = PlanStatus::Draft;
            for (section, text) in &edit.sections {
                if let Some(s) = after.sections.iter_mut().find(|s| s.0.section == *section) {
                    s.1 = text.clone();
                }
            }
            after.key_accounts = edit
                .key_accounts
                .iter()
                .map(|(id, strategy)| KeyAccount {
                    account_id: id.clone(),
                    name: String::new(),
                    strategy: strategy.clone(),
                })
                .collect();
        }
        Action::Submit => {
            if before.status != PlanStatus::Draft {
                return Ok(Err(format!(
                    "The plan is {}; only a draft can be submitted.",
                    before.status
                )));
            }
            after.status = PlanStatus::Submitted;
            after.submitted_date = Some(today);
        }
        Action::Agree | Action::Return => {
            if before.status != PlanStatus::Submitted {
                return Ok(Err(format!(
                    "The plan is {}; only a submitted plan can be agreed or returned.",
                    before.status
                )));
            }
            if action == Action::Return && comment.trim().is_empty() {
                return Ok(Err(
                    "Comment: say what to change when returning a plan.".into()
                ));
            }
            if char_len(comment.trim()) > MAX_COMMENT_CHARS {
                return Ok(Err(format!(
                    "Comment: at most {MAX_COMMENT_CHARS} characters fit on the printed page."
                )));
            }
            after.manager_comment = comment.trim().to_owned();
            if action == Action::Agree {
                after.status = PlanStatus::Agreed;
                after.agreed_date = Some(today);
                after.agreed_by_id = viewer.person_id.clone();
            } else {
                after.status = PlanStatus::Draft;
            }
        }
    }
    write(&mut tx, &after)?;
    let after = load(&mut tx, viewer, person_id, year)?;
    let key = format!("{person_id}:{year}");
    audit::record(
        &mut tx,
        &Change {
            actor: &viewer.email,
            action: action.word(),
            entity: "territory_plan",
            key: &key,
            before: before.stored.then(|| before.json()),
            after: Some(after.json()),
        },
    )?;
    if matches!(action, Action::Submit | Action::Agree) {
        tx.execute(
            "INSERT INTO territory_plan_versions (person_id, year, version, status, saved_at, saved_by, snapshot)
             VALUES ($1, $2, $3, $4, $5, $6, $7)
             ON CONFLICT (person_id, year, version, status) DO UPDATE
             SET saved_at = $5, saved_by = $6, snapshot = $7",
            params![
                person_id,
                i64::from(year),
                after.version,
                after.status.as_str(),
                chrono::Utc::now(),
                viewer.email.as_str(),
                after.json().to_string()
            ],
        )?;
    }
    tx.commit()?;
    Ok(Ok(after))
}

/// Writes the plan's rows (replacing its sections and key accounts).
fn write(ex: &mut impl Executor, p: &Plan) -> StoreResult<()> {
    let year = i64::from(p.year);
    let pid = p.person_id.as_str();
    let comment = Some(p.manager_comment.as_str()).filter(|c| !c.is_empty());
    ex.execute(
        "INSERT INTO territory_plans (person_id, year, status, version, submitted_date, agreed_date, agreed_by_id, manager_comment)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT (person_id, year) DO UPDATE SET status = $3, version = $4,
           submitted_date = $5, agreed_date = $6, agreed_by_id = $7, manager_comment = $8",
        params![
            pid,
            year,
            p.status.as_str(),
            p.version,
            p.submitted_date,
            p.agreed_date,
            p.agreed_by_id.as_deref(),
            comment
        ],
    )?;
    ex.execute(
        "DELETE FROM plan_sections WHERE person_id = $1 AND year = $2",
        params![pid, year],
    )?;
    for (t, text) in &p.sections {
        if !text.is_empty() {
            ex.execute(
                "INSERT INTO plan_sections (person_id, year, section, text) VALUES ($1, $2, $3, $4)",
                params![pid, year, t.section.as_str(), text.as_str()],
            )?;
        }
    }
    ex.execute(
        "DELETE FROM plan_key_accounts WHERE person_id = $1 AND year = $2",
        params![pid, year],
    )?;
    for k in &p.key_accounts {
        let strategy = Some(k.strategy.as_str()).filter(|s| !s.is_empty());
        ex.execute(
            "INSERT INTO plan_key_accounts (person_id, year, account_id, strategy) VALUES ($1, $2, $3, $4)",
            params![pid, year, k.account_id.as_str(), strategy],
        )?;
    }
    Ok(())
}
