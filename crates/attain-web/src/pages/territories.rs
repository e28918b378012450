//! The territory tree: every territory the viewer may see, indented under its parent, with its
//! year-to-date bookings and revenue against objective (from `result_territories`). Sales
//! operations also edits the tree here: adds or renames a territory, changes its parent (never a
//! cycle, never a second root) and its target market, each change audited with before and after.

use super::home::Ytd;
use super::{Chrome, Company};
use crate::audit::{self, Change};
use crate::error::{Fail, PageResult};
use crate::{AppState, Viewer};
use askama::Template;
use attain_store::{Executor, Store, Value, params};
use axum::extract::{Form, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use std::collections::{HashMap, HashSet};

/// One territory of the tree.
pub struct TreeRow {
    id: String,
    name: String,
    depth: usize,
    market: String,
    people: i64,
    ytd: Vec<Ytd>,
}

#[derive(Template)]
#[template(path = "territories.html")]
struct TerritoriesPage {
    chrome: Chrome,
    year: i32,
    rows: Vec<TreeRow>,
    message: String,
    error: bool,
    form: TerritoryForm,
}

/// The query of the territory page.
#[derive(Debug, Default, serde::Deserialize)]
pub struct TreeQuery {
    /// The fiscal year (default: the current one).
    pub year: Option<i32>,
}

/// Shows the territories the viewer may see.
pub async fn show_territories(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(q): Query<TreeQuery>,
) -> PageResult {
    Ok(state
        .blocking(move |store| {
            let form = TerritoryForm::default();
            page(store, &viewer, q.year, String::new(), StatusCode::OK, form)
        })
        .await?)
}

fn page(
    store: &Store,
    viewer: &Viewer,
    year: Option<i32>,
    message: String,
    status: StatusCode,
    form: TerritoryForm,
) -> Result<Response, Fail> {
    let mut conn = store.conn()?;
    let company = Company::load(&mut conn)?;
    let (cy, cm) = company.today();
    let year = year.unwrap_or(cy);
    let through = if year == cy { cm } else { 12 };
    let mut nodes: Vec<(String, String, Option<String>, String)> = Vec::new();
    for r in conn.query(
        "SELECT territory_id, name, parent_id, target_market FROM territories",
        &[],
    )? {
        let id = r.string(0)?;
        if viewer.can_see_territory(&id) {
            nodes.push((
                id,
                r.string(1)?,
                r.opt_string(2)?,
                r.opt_string(3)?.unwrap_or_default(),
            ));
        }
    }
    let mut args: Vec<Value> = vec![year.into(), i64::from(through).into()];
    let scope = viewer.territories().sql("territory_id", &mut args);
    let mut sums: HashMap<String, [(i64, i64); 3]> = HashMap::new();
    for r in conn.query(
        &format!(
            "SELECT territory_id, metric, CAST(SUM(actual) AS BIGINT), CAST(SUM(target) AS BIGINT)
                     FROM result_territories WHERE year = $1 AND month <= $2 AND {scope}
                     GROUP BY territory_id, metric"
        ),
        &args,
    )? {
        let i = match r.text(1)? {
            "bookings" => 0,
            "revenue" => 1,
            _ => 2,
        };
        sums.entry(r.string(0)?).or_default()[i] = (r.int(2)?, r.int(3)?);
    }
    let mut args: Vec<Value> = Vec::new();
    let scope = viewer.territories().sql("territory_id", &mut args);
    let mut people: HashMap<String, i64> = HashMap::new();
    for r in conn.query(
        &format!(
            "SELECT territory_id, COUNT(*) FROM people
                     WHERE territory_id IS NOT NULL AND {scope} GROUP BY territory_id"
        ),
        &args,
    )? {
        people.insert(r.string(0)?, r.int(1)?);
    }
    let cur = &company.currency;
    let ids: HashSet<&str> = nodes.iter().map(|n| n.0.as_str()).collect();
    let mut children: HashMap<&str, Vec<usize>> = HashMap::new();
    let mut roots = Vec::new();
    for (i, n) in nodes.iter().enumerate() {
        match &n.2 {
            Some(p) if ids.contains(p.as_str()) => children.entry(p.as_str()).or_default().push(i),
            _ => roots.push(i),
        }
    }
    let by_name = |v: &mut Vec<usize>| v.sort_by(|a, b| nodes[*a].1.cmp(&nodes[*b].1));
    by_name(&mut roots);
    for v in children.values_mut() {
        by_name(v);
    }
    let mut rows = Vec::with_capacity(nodes.len());
    let mut stack: Vec<(usize, usize)> = roots.iter().rev().map(|i| (*i, 0)).collect();
    let mut seen = HashSet::new();
    while let Some((i, depth)) = stack.pop() {
        if !seen.insert(i) {
            continue;
        }
        let n = &nodes[i];
        let s = sums.get(&n.0).copied().unwrap_or_default();
        rows.push(TreeRow {
            id: n.0.clone(),
            name: n.1.clone(),
            depth: depth.min(8),
            market: n.3.clone(),
            people: people.get(&n.0).copied().unwrap_or(0),
            ytd: vec![
                super::home::ytd_of("Bookings", s[0].0, s[0].1, cur),
                super::home::ytd_of("Revenue", s[1].0, s[1].1, cur),
            ],
        });
        for c in children.get(n.0.as_str()).into_iter().flatten().rev() {
            stack.push((*c, depth + 1));
        }
    }
    let p = TerritoriesPage {
        chrome: Chrome::new(viewer, &company, "Territories", "plan", "territories"),
        year,
        rows,
        error: status != StatusCode::OK,
        message,
        form,
    };
    Ok((status, Html(p.render()?)).into_response())
}

/// The territory form: a new id adds a territory, a known id changes it.
#[derive(Debug, Default, Clone, serde::Deserialize)]
pub struct TerritoryForm {
    #[serde(default)]
    territory_id: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    parent_id: String,
    #[serde(default)]
    target_market: String,
}

/// A territory as stored: name, parent, target market.
type Node = (String, Option<String>, Option<String>);

fn as_json(n: &Node) -> serde_json::Value {
    serde_json::json!({ "name": n.0, "parent_id": n.1, "target_market": n.2 })
}

/// Checks a change of the tree against the stored territories; returns the sentence refusing it.
pub fn check_tree(
    all: &HashMap<String, Option<String>>,
    id: &str,
    name: &str,
    parent: Option<&str>,
) -> Result<(), String> {
    if id.is_empty()
        || !id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '.')
    {
        return Err("Territory id: letters, digits, '-', '_' or '.', like east-2.".into());
    }
    if name.is_empty() {
        return Err("Name: give the territory a name.".into());
    }
    match parent {
        None => {
            if let Some(root) = all
                .iter()
                .find(|(t, p)| p.is_none() && t.as_str() != id)
                .map(|(t, _)| t)
            {
                return Err(format!(
                    "Parent: {root} is already the root; choose a parent territory."
                ));
            }
        }
        Some(p) => {
            if !all.contains_key(p) {
                return Err(format!("Parent: there is no territory {p}."));
            }
            // Walk up from the new parent: meeting the territory itself would close a cycle.
            let mut at = Some(p.to_owned());
            let mut steps = 0;
            while let Some(t) = at {
                if t == id || steps > all.len() {
                    return Err(format!(
                        "Parent: {p} lies under {id}, so it cannot be its parent (a cycle)."
                    ));
                }
                steps += 1;
                at = all.get(&t).cloned().flatten();
            }
        }
    }
    Ok(())
}

/// Adds or changes a territory (sales ops), audited with before and after.
pub async fn save_territory(
    State(state): State<AppState>,
    viewer: Viewer,
    Form(f): Form<TerritoryForm>,
) -> PageResult {
    Ok(state
        .blocking(move |store| {
            let id = f.territory_id.trim().to_owned();
            let after: Node = (
                f.name.trim().to_owned(),
                Some(f.parent_id.trim().to_owned()).filter(|p| !p.is_empty()),
                Some(f.target_market.trim().to_owned()).filter(|m| !m.is_empty()),
            );
            let mut conn = store.conn()?;
            let mut tx = conn.transaction()?;
            let mut all: HashMap<String, Option<String>> = HashMap::new();
            let mut before: Option<Node> = None;
            for r in tx.query(
                "SELECT territory_id, name, parent_id, target_market FROM territories",
                &[],
            )? {
                let t = r.string(0)?;
                if t == id {
                    before = Some((r.string(1)?, r.opt_string(2)?, r.opt_string(3)?));
                }
                all.insert(t, r.opt_string(2)?);
            }
            if let Err(m) = check_tree(&all, &id, &after.0, after.1.as_deref()) {
                drop(tx);
                let status = StatusCode::UNPROCESSABLE_ENTITY;
                return page(store, &viewer, None, m, status, f);
            }
            let args = params![
                id.as_str(),
                after.0.as_str(),
                after.1.as_deref(),
                after.2.as_deref()
            ];
            if before.is_some() {
                tx.execute(
                    "UPDATE territories SET name = $2, parent_id = $3, target_market = $4
                     WHERE territory_id = $1",
                    args,
                )?;
            } else {
                tx.execute(
                    "INSERT INTO territories (territory_id, name, parent_id, target_market)
                     VALUES ($1, $2, $3, $4)",
                    args,
                )?;
            }
            audit::record(
                &mut tx,
                &Change {
                    actor: &viewer.email,
                    action: if before.is_some() { "update" } else { "create" },
                    entity: "territory",
                    key: &id,
                    before: before.as_ref().map(as_json),
                    after: Some(as_json(&after)),
                },
            )?;
            tx.commit()?;
            Ok(Redirect::to("/territories").into_response())
        })
        .await?)
}
