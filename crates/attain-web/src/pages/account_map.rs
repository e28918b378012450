//! Account mapping (docs/account-mapping.md): an account's org chart, its decision process as
//! ordered steps with their people, and its coverage in the last 90 days with the gaps; the
//! steps are edited here (audited). The key accounts list shows each key account's coverage.

use super::accounts::visible;
use super::{Chrome, Company, Pager, query_string, render};
use crate::account_map::{self, AccountMap, Step, step_json};
use crate::audit::{self, Change};
use crate::error::{Fail, PageResult};
use crate::org_chart::{self, Node};
use crate::{AppState, Viewer};
use askama::Template;
use attain_domain::coverage::{KEY_ROLES, role_words};
use attain_domain::vocab::BuyingRole;
use attain_domain::{Date, parse_date};
use attain_store::{Executor, Value, params};
use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use std::collections::HashMap;

/// The query of the map page: the day of the map, and a step to edit.
#[derive(Debug, Default, serde::Deserialize)]
pub struct MapQuery {
    /// The day the coverage window ends on (`YYYY-MM-DD`, default today).
    #[serde(default)]
    pub on: String,
    /// The step whose values fill the form.
    pub edit: Option<i64>,
}

/// Returns the day of a map: `on` when given, else today.
pub fn map_day(on: &str) -> Result<Date, Fail> {
    if on.is_empty() {
        return Ok(chrono::Utc::now().date_naive());
    }
    parse_date(on).map_err(|e| Fail::BadRequest(format!("on: {e}.")))
}

/// One contact of a role in the coverage table.
pub struct CoverRow {
    name: String,
    title: String,
    last: String,
    by: String,
    touches: u32,
}

/// One buying role in the coverage table.
pub struct RoleRow {
    role: String,
    key: bool,
    covered: bool,
    contacts: Vec<CoverRow>,
}

/// One step of the decision process as shown.
pub struct StepRow {
    step: i64,
    name: String,
    description: String,
    people: Vec<String>,
}

/// A contact offered in the step form.
pub struct Choice {
    id: String,
    label: String,
    checked: bool,
}

/// The values of the step form.
#[derive(Default)]
pub struct StepValues {
    step: String,
    name: String,
    description: String,
}

#[derive(Template)]
#[template(path = "account_map.html")]
struct MapPage {
    chrome: Chrome,
    id: String,
    name: String,
    key: bool,
    on: String,
    from: String,
    to: String,
    chart: String,
    contacts: usize,
    reached: usize,
    key_covered: usize,
    key_total: usize,
    gaps: Vec<String>,
    roles: Vec<RoleRow>,
    steps: Vec<StepRow>,
    choices: Vec<Choice>,
    form: StepValues,
    message: String,
}

/// Shows an account's map, or 404 when missing or not the viewer's to see.
pub async fn show_map(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(account_id): Path<String>,
    Query(q): Query<MapQuery>,
) -> PageResult {
    Ok(state
        .blocking(move |store| {
            let on = map_day(&q.on)?;
            let mut conn = store.conn()?;
            let map = account_map::load(&mut conn, &viewer, &account_id, on)?;
            let form = match q.edit.and_then(|n| map.steps.iter().find(|s| s.step == n)) {
                Some(s) => (
                    StepValues {
                        step: s.step.to_string(),
                        name: s.name.clone(),
                        description: s.description.clone().unwrap_or_default(),
                    },
                    s.contact_ids.clone(),
                ),
                None => (
                    StepValues {
                        step: (map.steps.last().map_or(0, |s| s.step) + 1).to_string(),
                        ..StepValues::default()
                    },
                    Vec::new(),
                ),
            };
            let company = Company::load(&mut conn)?;
            page(
                &viewer,
                &company,
                &map,
                &q.on,
                form,
                String::new(),
                StatusCode::OK,
            )
        })
        .await?)
}

/// Renders the map page with the step form's values and a message.
fn page(
    viewer: &Viewer,
    company: &Company,
    map: &AccountMap,
    on: &str,
    (form, checked): (StepValues, Vec<String>),
    message: String,
    status: StatusCode,
) -> Result<Response, Fail> {
    let cov = &map.coverage;
    let role_text = |r: Option<BuyingRole>| r.map(role_words).unwrap_or_default();
    let role_names: Vec<String> = map
        .contacts
        .iter()
        .map(|c| role_text(c.buying_role))
        .collect();
    let nodes: Vec<Node<'_>> = map
        .contacts
        .iter()
        .enumerate()
        .map(|(i, c)| Node {
            id: &c.contact_id,
            name: &c.name,
            title: c.title.as_deref().unwrap_or(""),
            role: &role_names[i],
            reports_to: c.reports_to_id.as_deref(),
            reached: cov.reached[i].is_some(),
            gap: map.in_gap(i),
        })
        .collect();
    let chart = org_chart::svg(&format!("Org chart of {}", map.name), &nodes);
    let mut roles = Vec::new();
    for r in &cov.roles {
        let key = KEY_ROLES.contains(&r.role);
        if r.contacts.is_empty() && !key {
            continue;
        }
        roles.push(RoleRow {
            role: role_words(r.role),
            key,
            covered: r.covered(),
            contacts: r.contacts.iter().map(|&i| cover_row(map, i)).collect(),
        });
    }
    let unassigned: Vec<CoverRow> = map
        .contacts
        .iter()
        .enumerate()
        .filter(|(_, c)| c.buying_role.is_none())
        .map(|(i, _)| cover_row(map, i))
        .collect();
    if !unassigned.is_empty() {
        roles.push(RoleRow {
            role: "no buying role".into(),
            key: false,
            covered: unassigned.iter().any(|c| !c.last.is_empty()),
            contacts: unassigned,
        });
    }
    let name_of = |id: &str| {
        map.contact(id)
            .map_or_else(|| id.to_owned(), |i| map.contacts[i].name.clone())
    };
    let steps = map
        .steps
        .iter()
        .map(|s| StepRow {
            step: s.step,
            name: s.name.clone(),
            description: s.description.clone().unwrap_or_default(),
            people: s.contact_ids.iter().map(|c| name_of(c)).collect(),
        })
        .collect();
    let choices = map
        .contacts
        .iter()
        .map(|c| Choice {
            id: c.contact_id.clone(),
            label: match c.buying_role {
                Some(r) => format!("{} ({})", c.name, role_text(Some(r))),
                None => c.name.clone(),
            },
            checked: checked.contains(&c.contact_id),
        })
        .collect();
    let p = MapPage {
        chrome: Chrome::new(
            viewer,
            company,
            format!("Account map: {}", map.name),
            "pipeline",
            "accounts",
        ),
        id: map.account_id.clone(),
        name: map.name.clone(),
        key: map.key_account,
        on: on.to_owned(),
        from: cov.from.to_string(),
        to: cov.to.to_string(),
        chart,
        contacts: map.contacts.len(),
        reached: cov.reached_count(),
        key_covered: cov.key_roles_covered(),
        key_total: KEY_ROLES.len(),
        gaps: map.gap_texts(),
        roles,
        steps,
        choices,
        form,
        message,
    };
    Ok((status, Html(p.render()?)).into_response())
}

/// Returns the coverage row of the contact at `i`.
fn cover_row(map: &AccountMap, i: usize) -> CoverRow {
    let c = &map.contacts[i];
    let reached = map.coverage.reached[i].as_ref();
    CoverRow {
        name: c.name.clone(),
        title: c.title.clone().unwrap_or_default(),
        last: reached.map(|r| r.last.to_string()).unwrap_or_default(),
        by: reached
            .map(|r| {
                map.people
                    .get(&r.by)
                    .cloned()
                    .unwrap_or_else(|| r.by.clone())
            })
            .unwrap_or_default(),
        touches: reached.map_or(0, |r| r.touches),
    }
}

/// Reads the step form: `step`, `name`, `description` and one `contact` field per contact.
fn read_form(fields: &[(String, String)]) -> (StepValues, Vec<String>) {
    let mut v = StepValues::default();
    let mut contacts = Vec::new();
    for (k, val) in fields {
        match k.as_str() {
            "step" => v.step = val.trim().to_owned(),
            "name" => v.name = val.trim().to_owned(),
            "description" => v.description = val.trim().to_owned(),
            "contact" => contacts.push(val.clone()),
            _ => {}
        }
    }
    contacts.sort();
    contacts.dedup();
    (v, contacts)
}

/// Checks the step form against the account's contacts; returns the step or the sentence
/// refusing it.
fn check_step(map: &AccountMap, v: &StepValues, contacts: &[String]) -> Result<Step, String> {
    let step: i64 = v
        .step
        .parse()
        .ok()
        .filter(|n| (1..=99).contains(n))
        .ok_or_else(|| format!("Step: '{}' is not a whole number from 1 to 99.", v.step))?;
    if v.name.is_empty() {
        return Err("Name: give the step a name, like \"Business case approved\".".into());
    }
    if let Some(c) = contacts.iter().find(|c| map.contact(c).is_none()) {
        return Err(format!(
            "People: '{c}' is not a contact of this account; the people of a step are contacts of its account."
        ));
    }
    Ok(Step {
        step,
        name: v.name.clone(),
        description: Some(v.description.clone()).filter(|d| !d.is_empty()),
        contact_ids: contacts.to_vec(),
    })
}

/// Adds a step or changes the step with that number (anyone who may see the account), audited
/// with the step before and after.
pub async fn save_step(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(account_id): Path<String>,
    Form(fields): Form<Vec<(String, String)>>,
) -> PageResult {
    Ok(state
        .blocking(move |store| {
            let today = chrono::Utc::now().date_naive();
            let mut conn = store.conn()?;
            let map = account_map::load(&mut conn, &viewer, &account_id, today)?;
            let (values, contacts) = read_form(&fields);
            let step = match check_step(&map, &values, &contacts) {
                Ok(s) => s,
                Err(message) => {
                    let company = Company::load(&mut conn)?;
                    let status = StatusCode::UNPROCESSABLE_ENTITY;
                    return page(
                        &viewer,
                        &company,
                        &map,
                        "",
                        (values, contacts),
                        message,
                        status,
                    );
                }
            };
            let before = map.steps.iter().find(|s| s.step == step.step);
            let mut tx = conn.transaction()?;
            let args = params![
                account_id.as_str(),
                step.step,
                step.name.as_str(),
                step.description.as_deref()
            ];
            if before.is_some() {
                tx.execute(
                    "UPDATE decision_steps SET name = $3, description = $4
                     WHERE account_id = $1 AND step = $2",
                    args,
                )?;
                tx.execute(
                    "DELETE FROM decision_step_contacts WHERE account_id = $1 AND step = $2",
                    params![account_id.as_str(), step.step],
                )?;
            } else {
                tx.execute(
                    "INSERT INTO decision_steps (account_id, step, name, description)
                     VALUES ($1, $2, $3, $4)",
                    args,
                )?;
            }
            for c in &step.contact_ids {
                tx.execute(
                    "INSERT INTO decision_step_contacts (account_id, step, contact_id)
                     VALUES ($1, $2, $3)",
                    params![account_id.as_str(), step.step, c.as_str()],
                )?;
            }
            audit::record(
                &mut tx,
                &Change {
                    actor: &viewer.email,
                    action: if before.is_some() { "update" } else { "create" },
                    entity: "decision_step",
                    key: &format!("{account_id}:{}", step.step),
                    before: before.map(step_json),
                    after: Some(step_json(&step)),
                },
            )?;
            tx.commit()?;
            Ok(Redirect::to(&format!("/accounts/{account_id}/map")).into_response())
        })
        .await?)
}

/// Removes a step and its people (anyone who may see the account), audited.
pub async fn delete_step(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((account_id, step)): Path<(String, i64)>,
) -> PageResult {
    Ok(state
        .blocking(move |store| {
            let mut conn = store.conn()?;
            account_map::visible_account(&mut conn, &viewer, &account_id)?;
            let steps = account_map::steps(&mut conn, &account_id)?;
            let Some(before) = steps.iter().find(|s| s.step == step) else {
                return Err(Fail::NotFound);
            };
            let mut tx = conn.transaction()?;
            tx.execute(
                "DELETE FROM decision_step_contacts WHERE account_id = $1 AND step = $2",
                params![account_id.as_str(), step],
            )?;
            tx.execute(
                "DELETE FROM decision_steps WHERE account_id = $1 AND step = $2",
                params![account_id.as_str(), step],
            )?;
            audit::record(
                &mut tx,
                &Change {
                    actor: &viewer.email,
                    action: "delete",
                    entity: "decision_step",
                    key: &format!("{account_id}:{step}"),
                    before: Some(step_json(before)),
                    after: None,
                },
            )?;
            tx.commit()?;
            Ok(Redirect::to(&format!("/accounts/{account_id}/map")).into_response())
        })
        .await?)
}

/// One key account in the list.
pub struct KeyRow {
    id: String,
    name: String,
    owner: String,
    contacts: usize,
    reached: usize,
    key_covered: usize,
    gaps: Vec<String>,
}

#[derive(Template)]
#[template(path = "key_accounts.html")]
struct KeyPage {
    chrome: Chrome,
    from: String,
    on: String,
    key_total: usize,
    rows: Vec<KeyRow>,
    pager: Pager,
}

/// The query of the key accounts list.
#[derive(Debug, Default, serde::Deserialize)]
pub struct KeyQuery {
    /// The day the coverage window ends on (`YYYY-MM-DD`, default today).
    #[serde(default)]
    pub on: String,
    /// The page, from 1.
    pub page: Option<i64>,
}

/// Key accounts a page.
const PER_PAGE: i64 = 50;

/// Lists the viewer's key accounts with their coverage and gaps, 50 a page.
pub async fn list_key_accounts(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(q): Query<KeyQuery>,
) -> PageResult {
    Ok(state
        .blocking(move |store| {
            let on = map_day(&q.on)?;
            let mut conn = store.conn()?;
            let company = Company::load(&mut conn)?;
            let mut args: Vec<Value> = Vec::new();
            let scope = visible(&viewer, &mut args);
            args.push(true.into());
            let filter = format!("{scope} AND a.key_account = ${}", args.len());
            let total = conn
                .query_one(
                    &format!("SELECT COUNT(*) FROM accounts a WHERE {filter}"),
                    &args,
                )?
                .int(0)?;
            let day = q.on.clone();
            let pager = Pager::new(total, q.page.unwrap_or(1), PER_PAGE, |p| {
                format!(
                    "/accounts/key{}",
                    query_string(&[("on", day.clone()), ("page", p.to_string())])
                )
            });
            let listed = conn.query(
                &format!(
                    "SELECT a.account_id, a.name, o.name FROM accounts a
                     LEFT JOIN people o ON o.person_id = a.owner_id
                     WHERE {filter} ORDER BY a.name, a.account_id LIMIT {PER_PAGE} OFFSET {}",
                    pager.offset(PER_PAGE)
                ),
                &args,
            )?;
            // The coverage of this page's accounts only.
            let mut page_args = args.clone();
            let mut marks = Vec::with_capacity(listed.len());
            for r in &listed {
                page_args.push(r.string(0)?.into());
                marks.push(format!("${}", page_args.len()));
            }
            let mut summaries = if marks.is_empty() {
                HashMap::new()
            } else {
                let page_filter = format!("{filter} AND a.account_id IN ({})", marks.join(", "));
                account_map::summaries(&mut conn, &page_filter, &page_args, on)?
            };
            let mut rows = Vec::with_capacity(listed.len());
            for r in &listed {
                let id = r.string(0)?;
                let Some(s) = summaries.remove(&id) else {
                    continue;
                };
                rows.push(KeyRow {
                    name: r.string(1)?,
                    owner: r.opt_string(2)?.unwrap_or_default(),
                    contacts: s.names.len(),
                    reached: s.coverage.reached_count(),
                    key_covered: s.coverage.key_roles_covered(),
                    gaps: s
                        .coverage
                        .gaps
                        .iter()
                        .map(|g| g.describe(|i| s.names[i].clone()))
                        .collect(),
                    id,
                });
            }
            render(&KeyPage {
                chrome: Chrome::new(
                    &viewer,
                    &company,
                    "Key accounts",
                    "pipeline",
                    "key_accounts",
                ),
                from: account_map::window_start(on).to_string(),
                on: on.to_string(),
                key_total: KEY_ROLES.len(),
                rows,
                pager,
            })
        })
        .await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_step_form_keeps_each_contact_once_in_id_order() {
        let fields: Vec<(String, String)> = [
            ("step", " 2 "),
            ("name", "Review"),
            ("contact", "c2"),
            ("contact", "c1"),
            ("contact", "c2"),
        ]
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
        let (v, contacts) = read_form(&fields);
        assert_eq!(v.step, "2");
        assert_eq!(contacts, ["c1", "c2"]);
    }
}
