//! Reconciliation of a stored version (planning.md §6): for every node of the territory tree its
//! target, the sum of its children's (territories, or for a leaf its reps), the over-assignment
//! and any unassigned target or hire, leaver or ramp gap — each summed over the node's subtree,
//! so the company's row totals the whole plan — and a check that every territory equals the sum
//! of its children in every month.
//!
//! At every node, `reps = target + over-assigned − unassigned − hire gap − leaver gap − ramp gap`:
//! what the people carry, and every reason it differs from the territory's target.

use crate::PlanError;
use crate::allocate::Months;
use crate::versions::{VersionInfo, find, rows_of};
use attain_domain::Money;
use attain_domain::vocab::{Metric, Scope};
use attain_store::{Executor, Store};
use std::collections::HashMap;

/// One territory node's reconciliation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReconNode {
    pub territory_id: String,
    /// The parent's position in [`Reconciliation::nodes`].
    pub parent: Option<usize>,
    pub depth: u32,
    pub leaf: bool,
    /// The node's annual target and months.
    pub target: Money,
    pub months: Months,
    /// Σ of the child territories' targets; for a leaf, Σ of its reps' targets.
    pub children: Money,
    pub children_months: Months,
    /// Σ of the targets of the reps in the subtree, and how many they are.
    pub reps: Money,
    pub rep_count: u32,
    /// Subtree totals of what separates `target` from `reps`.
    pub overassigned: Money,
    pub unassigned: Money,
    pub hire_gap: Money,
    pub leaver_gap: Money,
    pub ramp_gap: Money,
}

/// A version's reconciliation, node by node in tree order (pre-order, children by id).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reconciliation {
    pub version: VersionInfo,
    pub nodes: Vec<ReconNode>,
    /// The company target rows.
    pub company: Months,
    /// How many leaders (managers and above) carry the sum of their reps.
    pub leaders: usize,
    /// Where a level does not sum to the level above (empty for every version the allocation
    /// saved); one sentence each.
    pub problems: Vec<String>,
}

fn add(acc: &mut Months, v: &Months) {
    for (a, b) in acc.iter_mut().zip(v) {
        *a += *b;
    }
}

/// `attain plan reconcile`: the reconciliation of version `version` of `(year, metric)`, or by
/// default of the approved version, else the latest draft.
pub fn reconcile(
    store: &Store,
    year: i32,
    metric: Metric,
    version: Option<u32>,
) -> Result<Reconciliation, PlanError> {
    let mut conn = store.conn()?;
    let info = find(&mut conn, year, metric, version)?;
    let mut nodes: Vec<ReconNode> = Vec::new();
    let mut position: HashMap<String, usize> = HashMap::new();
    let mut parents: Vec<Option<String>> = Vec::new();
    for row in conn.query(
        "SELECT territory_id, parent_id, depth, leaf, target, overassigned, unassigned, hire_gap,
                leaver_gap, ramp_gap, reps
         FROM plan_version_nodes WHERE version_id = $1 ORDER BY position",
        &[info.id.into()],
    )? {
        position.insert(row.string(0)?, nodes.len());
        parents.push(row.opt_string(1)?);
        nodes.push(ReconNode {
            territory_id: row.string(0)?,
            parent: None,
            depth: row.int(2)? as u32,
            leaf: row.bool(3)?,
            target: row.money(4)?,
            months: [Money::ZERO; 12],
            children: Money::ZERO,
            children_months: [Money::ZERO; 12],
            reps: Money::ZERO,
            rep_count: row.int(10)? as u32,
            overassigned: row.money(5)?,
            unassigned: row.money(6)?,
            hire_gap: row.money(7)?,
            leaver_gap: row.money(8)?,
            ramp_gap: row.money(9)?,
        });
    }
    for (node, parent) in nodes.iter_mut().zip(parents) {
        node.parent = parent.and_then(|p| position.get(&p).copied());
    }
    let mut leaf_of: HashMap<String, usize> = HashMap::new();
    let mut leaders = 0;
    for row in conn.query(
        "SELECT person_id, territory_id FROM plan_version_people WHERE version_id = $1",
        &[info.id.into()],
    )? {
        match row.opt_text(1)?.and_then(|t| position.get(t)) {
            Some(&leaf) => {
                leaf_of.insert(row.string(0)?, leaf);
            }
            None => leaders += 1,
        }
    }
    let mut company = [Money::ZERO; 12];
    for r in rows_of(&mut conn, info.id)? {
        let m = (r.month as usize).clamp(1, 12) - 1;
        match r.scope {
            Scope::Company => company[m] = r.amount,
            Scope::Territory => {
                if let Some(&n) = position.get(&r.scope_id) {
                    nodes[n].months[m] = r.amount;
                }
            }
            Scope::Person => {
                if let Some(&n) = leaf_of.get(&r.scope_id) {
                    nodes[n].children_months[m] += r.amount;
                }
            }
        }
    }
    for node in &mut nodes {
        node.target = node.months.iter().copied().sum();
        if node.leaf {
            node.reps = node.children_months.iter().copied().sum();
        }
    }

    // Children before parents: positions are pre-order, so walking backwards is enough.
    let mut problems = Vec::new();
    for i in (0..nodes.len()).rev() {
        let node = nodes[i].clone();
        if node.leaf {
            let explained = node.target + node.overassigned
                - node.unassigned
                - node.hire_gap
                - node.leaver_gap
                - node.ramp_gap;
            if explained != node.reps {
                problems.push(format!(
                    "leaf {}: its reps carry {} but target, over-assignment and gaps give {explained}",
                    node.territory_id, node.reps
                ));
            }
        } else if let Some(m) = (0..12).find(|&m| node.months[m] != node.children_months[m]) {
            problems.push(format!(
                "territory {} month {}: target {} but its children sum to {}",
                node.territory_id,
                m + 1,
                node.months[m],
                node.children_months[m]
            ));
        }
        nodes[i].children = nodes[i].children_months.iter().copied().sum();
        if let Some(p) = node.parent {
            let parent = &mut nodes[p];
            add(&mut parent.children_months, &node.months);
            parent.reps += node.reps;
            parent.rep_count += node.rep_count;
            parent.overassigned += node.overassigned;
            parent.unassigned += node.unassigned;
            parent.hire_gap += node.hire_gap;
            parent.leaver_gap += node.leaver_gap;
            parent.ramp_gap += node.ramp_gap;
        }
    }
    problems.reverse();
    if let Some(root) = nodes.first()
        && let Some(m) = (0..12).find(|&m| company[m] != root.months[m])
    {
        problems.push(format!(
            "month {}: the company target {} differs from territory {}'s {}",
            m + 1,
            company[m],
            root.territory_id,
            root.months[m]
        ));
    }
    Ok(Reconciliation {
        version: info,
        nodes,
        company,
        leaders,
        problems,
    })
}

impl Reconciliation {
    /// Returns the reconciliation as a text table (one row per node, indented by depth), with a
    /// heading and a closing verdict.
    pub fn render(&self) -> String {
        let v = &self.version;
        let mut out = format!(
            "{} ({}): {}, company target {}\n",
            v.name(),
            v.status,
            v.params.describe(),
            v.total
        );
        let blank_zero = |m: Money| {
            if m == Money::ZERO {
                String::new()
            } else {
                m.to_string()
            }
        };
        let headers = [
            "territory",
            "target",
            "children",
            "reps",
            "over-assigned",
            "unassigned",
            "hire gap",
            "leaver gap",
            "ramp gap",
        ];
        let rows: Vec<[String; 9]> = self
            .nodes
            .iter()
            .map(|n| {
                [
                    format!("{}{}", "  ".repeat(n.depth as usize), n.territory_id),
                    n.target.to_string(),
                    n.children.to_string(),
                    n.reps.to_string(),
                    blank_zero(n.overassigned),
                    blank_zero(n.unassigned),
                    blank_zero(n.hire_gap),
                    blank_zero(n.leaver_gap),
                    blank_zero(n.ramp_gap),
                ]
            })
            .collect();
        let mut width = headers.map(str::len);
        for r in &rows {
            for (w, cell) in width.iter_mut().zip(r) {
                *w = (*w).max(cell.chars().count());
            }
        }
        let line = |cells: &[String]| {
            let mut s = String::new();
            for (i, (cell, w)) in cells.iter().zip(width).enumerate() {
                if i == 0 {
                    s.push_str(&format!("{cell:<w$}"));
                } else {
                    s.push_str(&format!("  {cell:>w$}"));
                }
            }
            s.trim_end().to_owned() + "\n"
        };
        out.push_str(&line(&headers.map(str::to_owned)));
        for r in &rows {
            out.push_str(&line(r));
        }
        let reps: u32 = self.nodes.first().map_or(0, |n| n.rep_count);
        let (reps, leaders) = (
            match reps {
                1 => "1 rep carries".to_owned(),
                n => format!("{n} reps carry"),
            },
            match self.leaders {
                1 => "1 leader carries".to_owned(),
                n => format!("{n} leaders carry"),
            },
        );
        out.push_str(&format!(
            "{reps} the leaves' targets; {leaders} the sum of the reps below them\n"
        ));
        if self.problems.is_empty() {
            out.push_str(
                "every territory equals the sum of its children in every month, and the company targets equal the root's\n",
            );
        } else {
            for p in &self.problems {
                out.push_str(&format!("does not reconcile: {p}\n"));
            }
        }
        out
    }
}
