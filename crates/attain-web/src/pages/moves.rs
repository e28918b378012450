//! Moving accounts between territories with an effective date (sales ops). A rule — country,
//! industry, an employees range and/or named account ids — picks accounts; the preview lists each
//! account with its territory on the start date and the target territory, writing nothing; "Apply"
//! inserts one `alignments` row per account from that date in one transaction, audited. Rows
//! before the date are never touched, so results before the date stay as they were.

use super::{Chrome, Company};
use crate::audit::{self, Change};
use crate::error::{Fail, PageResult};
use crate::{AppState, Viewer};
use askama::Template;
use attain_domain::Date;
use attain_store::{Executor, Store, params};
use axum::extract::{Form, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use std::collections::HashMap;

/// The move form.
#[derive(Debug, Default, Clone, serde::Deserialize)]
pub struct MoveForm {
    #[serde(default)]
    country: String,
    #[serde(default)]
    industry: String,
    #[serde(default)]
    min_employees: String,
    #[serde(default)]
    max_employees: String,
    #[serde(default)]
    account_ids: String,
    #[serde(default)]
    territory_id: String,
    #[serde(default)]
    start_date: String,
    /// `apply` writes; anything else previews.
    #[serde(default)]
    action: String,
}

/// One account that would move.
pub struct Moved {
    account_id: String,
    name: String,
    from: String,
    to: String,
}

#[derive(Template)]
#[template(path = "territory_moves.html")]
struct MovesPage {
    chrome: Chrome,
    form: MoveForm,
    message: String,
    error: bool,
    preview: bool,
    rows: Vec<Moved>,
}

/// A checked rule.
struct Rule {
    country: Option<String>,
    industry: Option<String>,
    min: Option<i64>,
    max: Option<i64>,
    ids: Vec<String>,
    to: String,
    date: Date,
}

fn check(f: &MoveForm) -> Result<Rule, String> {
    let text = |s: &str| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
    let number = |s: &str, field: &str| -> Result<Option<i64>, String> {
        match text(s) {
            None => Ok(None),
            Some(t) => t
                .parse::<i64>()
                .ok()
                .filter(|n| *n >= 0)
                .map(Some)
                .ok_or_else(|| format!("{field}: a whole number of employees, like 250.")),
        }
    };
    let rule = Rule {
        country: text(&f.country),
        industry: text(&f.industry),
        min: number(&f.min_employees, "Employees from")?,
        max: number(&f.max_employees, "Employees to")?,
        ids: f
            .account_ids
            .split(|c: char| c == ',' || c.is_whitespace())
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect(),
        to: f.territory_id.trim().to_owned(),
        date: attain_domain::date::parse_date(f.start_date.trim())
            .map_err(|_| "Start date: a date like 2026-07-01.".to_owned())?,
    };
    if rule.country.is_none()
        && rule.industry.is_none()
        && rule.min.is_none()
        && rule.max.is_none()
        && rule.ids.is_empty()
    {
        return Err(
            "Accounts: give a country, an industry, an employees range or account ids.".into(),
        );
    }
    if rule.to.is_empty() {
        return Err("To territory: choose the territory the accounts move to.".into());
    }
    Ok(rule)
}

/// The accounts the rule picks that are not already in the target territory on the date, each
/// with its territory on that date.
fn plan(ex: &mut impl Executor, rule: &Rule) -> Result<Result<Vec<Moved>, String>, Fail> {
    if ex
        .query_opt(
            "SELECT 1 FROM territories WHERE territory_id = $1",
            params![rule.to.as_str()],
        )?
        .is_none()
    {
        return Ok(Err(format!(
            "To territory: there is no territory {}.",
            rule.to
        )));
    }
    let mut on_date: HashMap<String, String> = HashMap::new();
    for r in ex.query(
        "SELECT account_id, territory_id FROM alignments WHERE start_date <= $1
         ORDER BY account_id, start_date",
        params![rule.date],
    )? {
        on_date.insert(r.string(0)?, r.string(1)?);
    }
    let same = |a: &Option<String>, b: &Option<String>| match (a, b) {
        (None, _) => true,
        (Some(want), Some(have)) => want.eq_ignore_ascii_case(have),
        (Some(_), None) => false,
    };
    let mut rows = Vec::new();
    for r in ex.query(
        "SELECT account_id, name, territory_id, country, industry, employees FROM accounts
         ORDER BY account_id",
        &[],
    )? {
        let id = r.string(0)?;
        let employees = r.opt_int(5)?;
        let picked = (rule.ids.is_empty() || rule.ids.contains(&id))
            && same(&rule.country, &r.opt_string(3)?)
            && same(&rule.industry, &r.opt_string(4)?)
            && rule.min.is_none_or(|m| employees.is_some_and(|e| e >= m))
            && rule.max.is_none_or(|m| employees.is_some_and(|e| e <= m));
        if !picked {
            continue;
        }
        let from = on_date.remove(&id).unwrap_or(r.string(2)?);
        if from != rule.to {
            rows.push(Moved {
                account_id: id,
                name: r.string(1)?,
                from,
                to: rule.to.clone(),
            });
        }
    }
    Ok(Ok(rows))
}

fn page(
    store: &Store,
    viewer: &Viewer,
    form: MoveForm,
    message: String,
    status: StatusCode,
    preview: bool,
    rows: Vec<Moved>,
) -> Result<Response, Fail> {
    let mut conn = store.conn()?;
    let company = Company::load(&mut conn)?;
    let p = MovesPage {
        chrome: Chrome::new(viewer, &company, "Move accounts", "plan", "territories"),
        form,
        message,
        error: status != StatusCode::OK,
        preview,
        rows,
    };
    Ok((status, Html(p.render()?)).into_response())
}

/// The move form.
pub async fn show_moves(State(state): State<AppState>, viewer: Viewer) -> PageResult {
    Ok(state
        .blocking(move |store| {
            let form = MoveForm::default();
            page(
                store,
                &viewer,
                form,
                String::new(),
                StatusCode::OK,
                false,
                Vec::new(),
            )
        })
        .await?)
}

/// Previews a move (writes nothing) or applies it: alignment rows from the start date, audited.
pub async fn submit_moves(
    State(state): State<AppState>,
    viewer: Viewer,
    Form(f): Form<MoveForm>,
) -> PageResult {
    Ok(state
        .blocking(move |store| {
            let unprocessable = StatusCode::UNPROCESSABLE_ENTITY;
            let rule = match check(&f) {
                Ok(r) => r,
                Err(m) => return page(store, &viewer, f, m, unprocessable, false, Vec::new()),
            };
            let mut conn = store.conn()?;
            let mut tx = conn.transaction()?;
            let rows = match plan(&mut tx, &rule)? {
                Ok(rows) => rows,
                Err(m) => {
                    drop(tx);
                    return page(store, &viewer, f, m, unprocessable, false, Vec::new());
                }
            };
            if f.action != "apply" {
                drop(tx);
                let m = format!(
                    "Preview: {} account(s) would move to {} from {}. Nothing is written yet.",
                    rows.len(),
                    rule.to,
                    rule.date
                );
                return page(store, &viewer, f, m, StatusCode::OK, true, rows);
            }
            for m in &rows {
                let key = params![m.account_id.as_str(), rule.date];
                let replaced = tx
                    .query_opt(
                        "SELECT territory_id FROM alignments
                         WHERE account_id = $1 AND start_date = $2",
                        key,
                    )?
                    .map(|r| r.string(0))
                    .transpose()?;
                tx.execute(
                    "DELETE FROM alignments WHERE account_id = $1 AND start_date = $2",
                    key,
                )?;
                tx.execute(
                    "INSERT INTO alignments (account_id, territory_id, start_date)
                     VALUES ($1, $2, $3)",
                    params![m.account_id.as_str(), m.to.as_str(), rule.date],
                )?;
                audit::record(
                    &mut tx,
                    &Change {
                        actor: &viewer.email,
                        action: "move",
                        entity: "alignment",
                        key: &format!("{}@{}", m.account_id, rule.date),
                        before: Some(serde_json::json!({
                            "account_id": m.account_id, "territory_id": m.from,
                            "start_date": rule.date.to_string(), "replaced_row": replaced,
                        })),
                        after: Some(serde_json::json!({
                            "account_id": m.account_id, "territory_id": m.to,
                            "start_date": rule.date.to_string(),
                        })),
                    },
                )?;
            }
            tx.commit()?;
            let m = format!(
                "Moved {} account(s) to {} from {}. Recalculate the year for results to follow.",
                rows.len(),
                rule.to,
                rule.date
            );
            page(store, &viewer, f, m, StatusCode::OK, false, rows)
        })
        .await?)
}
