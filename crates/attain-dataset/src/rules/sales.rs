//! The sales side: job descriptions, the account map of contacts and the people of its decision
//! steps, and the stages of the sales process that opportunities and their history name.

use super::{Problem, Rules, Scope, groups, query_scopes};
use attain_store::{Executor, StoreError, Tx, Value};

/// The stages that apply while the store's stages table is empty (dataset.md, stages.csv).
pub const DEFAULT_STAGES: &[&str] = &[
    "prospecting",
    "qualification",
    "needs_analysis",
    "proposal",
    "negotiation",
    "closed_won",
    "closed_lost",
];

/// jobs.csv: the rows of one job_id share its title and mission.
pub(super) fn jobs(tx: &mut Tx<'_>, rules: &Rules) -> Result<Vec<Problem>, StoreError> {
    let why = "rows with the same job_id share title and mission";
    let mut problems = groups::shared(tx, rules, "jobs", "job_id", "title", "job", why)?;
    problems.extend(groups::shared(
        tx, rules, "jobs", "job_id", "mission", "job", why,
    )?);
    Ok(problems)
}

/// contacts.csv: a contact reports to another contact of the same account.
pub(super) fn contacts(tx: &mut Tx<'_>, rules: &Rules) -> Result<Vec<Problem>, StoreError> {
    let changed = rules.scope_changing(
        "contacts",
        &["contact_id"],
        &["account_id", "reports_to_id"],
    );
    let sql = "SELECT c.contact_id, c.account_id, m.contact_id, m.account_id
               FROM contacts c JOIN contacts m ON m.contact_id = c.reports_to_id
               WHERE m.account_id <> c.account_id AND {scope}";
    // A changed contact that reports across accounts, or one that moved away from the
    // contacts reporting to it.
    let rows = query_scopes(
        tx,
        sql,
        &[(&changed, &["c.contact_id"]), (&changed, &["m.contact_id"])],
    )?;
    let mut problems = Vec::new();
    for r in rows {
        let (contact, account, manager, manager_account) =
            (r.value(0), r.text(1)?, r.value(2), r.text(3)?);
        problems.push(if changed.contains(std::slice::from_ref(contact)) {
            Problem::at(
                "contacts",
                "reports_to_id",
                &[("contact_id", contact)],
                format!(
                    "'{}' is a contact of account '{manager_account}', not of this contact's \
                     account '{account}'",
                    r.text(2)?
                ),
            )
        } else {
            Problem::at(
                "contacts",
                "account_id",
                &[("contact_id", manager)],
                format!(
                    "is '{manager_account}', but contact '{}' of account '{account}' reports to \
                     this contact; a contact reports within its own account",
                    r.text(0)?
                ),
            )
        });
    }
    Ok(problems)
}

/// decision_step_contacts.csv: the people of a step of an account's decision process are
/// contacts of that account.
pub(super) fn decision_step_contacts(
    tx: &mut Tx<'_>,
    rules: &Rules,
) -> Result<Vec<Problem>, StoreError> {
    let key = ["account_id", "step", "contact_id"];
    let changed = rules.scope("decision_step_contacts", &key);
    let moved = rules.scope_changing("contacts", &["contact_id"], &["account_id"]);
    let sql = "SELECT d.account_id, d.step, d.contact_id, c.account_id
               FROM decision_step_contacts d JOIN contacts c ON c.contact_id = d.contact_id
               WHERE c.account_id <> d.account_id AND {scope}";
    // A changed step naming a contact of another account, or a contact that moved away from
    // the steps naming it.
    let rows = query_scopes(
        tx,
        sql,
        &[
            (&changed, &["d.account_id", "d.step", "d.contact_id"]),
            (&moved, &["c.contact_id"]),
        ],
    )?;
    let mut problems = Vec::new();
    for r in rows {
        let (account_text, contact_text) = (r.string(0)?, r.string(2)?);
        let (contact_account, step_no) = (r.string(3)?, r.int(1)?);
        let values = r.into_values();
        let (account, step, contact) = (&values[0], &values[1], &values[2]);
        if changed.contains(&values[..3]) {
            problems.push(Problem::at(
                "decision_step_contacts",
                "contact_id",
                &[
                    ("account_id", account),
                    ("step", step),
                    ("contact_id", contact),
                ],
                format!(
                    "'{contact_text}' is a contact of account '{contact_account}', not of \
                     account '{account_text}'; the people of a decision step are contacts of its \
                     account"
                ),
            ));
        } else {
            problems.push(Problem::at(
                "contacts",
                "account_id",
                &[("contact_id", contact)],
                format!(
                    "is '{contact_account}', but this contact takes part in step {step_no} of \
                     the decision process of account '{account_text}'; the people of a decision \
                     step are contacts of its account"
                ),
            ));
        }
    }
    Ok(problems)
}

/// opportunities.csv and stage_history.csv: a stage is one of stages.csv, or of the default
/// stages while the store has none.
pub(super) fn stages(tx: &mut Tx<'_>, rules: &Rules) -> Result<Vec<Problem>, StoreError> {
    let mut known = Vec::new();
    for row in tx.query("SELECT stage FROM stages ORDER BY position, stage", &[])? {
        known.push(row.string(0)?);
    }
    let (unknown, listed) = if known.is_empty() {
        let words: Vec<String> = DEFAULT_STAGES.iter().map(|s| format!("'{s}'")).collect();
        (
            format!("x.stage NOT IN ({})", words.join(", ")),
            format!(
                "one of the default stages (stages.csv is empty): {}",
                DEFAULT_STAGES.join(", ")
            ),
        )
    } else {
        const SHOWN: usize = 20;
        let mut names = known
            .iter()
            .take(SHOWN)
            .cloned()
            .collect::<Vec<_>>()
            .join(", ");
        if known.len() > SHOWN {
            names.push_str(", …");
        }
        (
            "NOT EXISTS (SELECT 1 FROM stages s WHERE s.stage = x.stage)".to_owned(),
            format!("a stage of stages.csv: {names}"),
        )
    };
    // New stages replace the defaults, so every stored row is checked again. (An update of a
    // stage changes no name: the name is its key.)
    let everything = !rules
        .scope_changing("stages", &["stage"], &["stage"])
        .is_empty();
    let scope = |file: &str, columns: &[&str]| {
        if everything {
            Scope::All
        } else {
            rules.scope_changing(file, columns, &["stage"])
        }
    };
    let mut problems = Vec::new();
    for row in scope("opportunities", &["opportunity_id"]).query(
        tx,
        &format!(
            "SELECT x.opportunity_id, x.stage FROM opportunities x WHERE {unknown} AND {{scope}}"
        ),
        &["x.opportunity_id"],
    )? {
        problems.push(Problem::at(
            "opportunities",
            "stage",
            &[("opportunity_id", row.value(0))],
            format!("'{}' is not {listed}", row.text(1)?),
        ));
    }
    // History is read by opportunity (an indexed IN list), then kept if its row changed.
    let history = scope(
        "stage_history",
        &["opportunity_id", "stage", "entered_date"],
    );
    for row in scope("stage_history", &["opportunity_id"]).query(
        tx,
        &format!(
            "SELECT x.opportunity_id, x.stage, x.entered_date FROM stage_history x
             WHERE {unknown} AND {{scope}}"
        ),
        &["x.opportunity_id"],
    )? {
        let date = Value::Date(row.date(2)?);
        if !history.contains(&[row.value(0).clone(), row.value(1).clone(), date.clone()]) {
            continue;
        }
        problems.push(Problem::at(
            "stage_history",
            "stage",
            &[
                ("opportunity_id", row.value(0)),
                ("stage", row.value(1)),
                ("entered_date", &date),
            ],
            format!("'{}' is not {listed}", row.text(1)?),
        ));
    }
    Ok(problems)
}
