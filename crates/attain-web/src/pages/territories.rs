//! The territory tree: every territory the viewer may see, indented under its parent, with its
//! year-to-date bookings and revenue against objective (from `result_territories`).

use super::home::Ytd;
use super::{Chrome, Company, render};
use crate::error::{Fail, PageResult};
use crate::{AppState, Viewer};
use askama::Template;
use attain_store::{Executor, Value};
use axum::extract::{Query, State};
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
        .blocking(move |store| -> Result<_, Fail> {
            let mut conn = store.conn()?;
            let company = Company::load(&mut conn)?;
            let (cy, cm) = company.today();
            let year = q.year.unwrap_or(cy);
            let through = if year == cy { cm } else { 12 };
            let mut nodes: Vec<(String, String, Option<String>, String)> = Vec::new();
            for r in conn.query(
                "SELECT territory_id, name, parent_id, target_market FROM territories",
                &[],
            )? {
                let id = r.string(0)?;
                if viewer.can_see_territory(&id) {
                    nodes.push((id, r.string(1)?, r.opt_string(2)?, r.opt_string(3)?.unwrap_or_default()));
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
            render(&TerritoriesPage {
                chrome: Chrome::new(&viewer, &company, "Territories", "plan", "territories"),
                year,
                rows,
            })
        })
        .await?)
}
