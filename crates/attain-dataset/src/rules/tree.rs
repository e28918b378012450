//! Trees and forests: the territory tree (one root, no cycle), people's employment dates, and the
//! reporting lines, which form a forest on every date (people.manager_id before a person's first
//! reporting row, then their latest row).
//!
//! These tables are small (thousands of rows), so their pointers are read into memory; cycle
//! search is linear, and the dated check walks up only from the people whose line changes.

use super::{Problem, Rules};
use attain_domain::Date;
use attain_domain::date::format_date;
use attain_store::{Executor, StoreError, Tx, Value};
use std::collections::HashMap;

/// Nodes that each point to at most one other: a child to its parent, a person to a manager.
struct Graph {
    ids: Vec<String>,
    index: HashMap<String, usize>,
    parent: Vec<Option<usize>>,
}

impl Graph {
    /// Builds the graph of `(id, parent id)` pairs; a parent that is not a node (a reference
    /// reported elsewhere) points nowhere.
    fn new(pairs: Vec<(String, Option<String>)>) -> Graph {
        let index: HashMap<String, usize> = pairs
            .iter()
            .enumerate()
            .map(|(i, (id, _))| (id.clone(), i))
            .collect();
        let parent = pairs
            .iter()
            .map(|(_, p)| p.as_ref().and_then(|p| index.get(p).copied()))
            .collect();
        Graph {
            ids: pairs.into_iter().map(|(id, _)| id).collect(),
            index,
            parent,
        }
    }

    /// Returns the cycle as text, from its first node back to it: `a → b → a`.
    fn path(&self, cycle: &[usize]) -> String {
        const SHOWN: usize = 8;
        let mut names: Vec<&str> = cycle
            .iter()
            .take(SHOWN)
            .map(|&n| self.ids[n].as_str())
            .collect();
        if cycle.len() > SHOWN {
            names.push("…");
        }
        names.push(&self.ids[cycle[0]]);
        names.join(" → ")
    }
}

/// Returns `cycle` turned to start at its node `at`.
fn from(cycle: &[usize], at: usize) -> Vec<usize> {
    let i = cycle.iter().position(|&n| n == at).unwrap_or(0);
    cycle[i..].iter().chain(&cycle[..i]).copied().collect()
}

/// Returns every cycle of the pointers, each once, its nodes in pointer order.
fn cycles(parent: &[Option<usize>]) -> Vec<Vec<usize>> {
    const NEW: u8 = 0;
    const ON_PATH: u8 = 1;
    const DONE: u8 = 2;
    let mut state = vec![NEW; parent.len()];
    let mut found = Vec::new();
    for start in 0..parent.len() {
        let mut path = Vec::new();
        let mut at = Some(start);
        while let Some(n) = at {
            match state[n] {
                NEW => {
                    state[n] = ON_PATH;
                    path.push(n);
                    at = parent[n];
                }
                ON_PATH => {
                    if let Some(i) = path.iter().position(|&p| p == n) {
                        found.push(path[i..].to_vec());
                    }
                    break;
                }
                _ => break,
            }
        }
        for n in path {
            state[n] = DONE;
        }
    }
    found
}

/// From its date on, `node` points to `to`; `row` is the caller's name for the change.
#[derive(Debug, Clone, Copy)]
struct Move {
    row: usize,
    node: usize,
    to: Option<usize>,
}

/// Applies the moves one date at a time to `parent` and returns each move that closes a cycle
/// on its date, with the cycle from the moved node. A cycle closed by several moves of one date
/// is returned once, for the first of them (callers put the moves they prefer to blame first).
/// Assumes the pointers before the first date are checked already: any new cycle then passes
/// through a node moved on the date it appears, so walking up from moved nodes finds it.
fn cycles_over_time(parent: &mut [Option<usize>], dates: &[Vec<Move>]) -> Vec<(usize, Vec<usize>)> {
    let mut visited = vec![usize::MAX; parent.len()];
    let mut blamed_on = vec![usize::MAX; parent.len()];
    let mut walk = 0;
    let mut found = Vec::new();
    for (date, moves) in dates.iter().enumerate() {
        for m in moves {
            parent[m.node] = m.to;
        }
        for m in moves {
            if blamed_on[m.node] == date {
                continue;
            }
            walk += 1;
            visited[m.node] = walk;
            let mut path = vec![m.node];
            let mut at = parent[m.node];
            while let Some(n) = at {
                if n == m.node {
                    for &p in &path {
                        blamed_on[p] = date;
                    }
                    found.push((m.row, path));
                    break;
                }
                if visited[n] == walk {
                    break; // a cycle above that does not pass through this node
                }
                visited[n] = walk;
                path.push(n);
                at = parent[n];
            }
        }
    }
    found
}

/// territories.csv: exactly one territory (the company) has no parent, and no cycle.
pub(super) fn territories(tx: &mut Tx<'_>, rules: &Rules) -> Result<Vec<Problem>, StoreError> {
    if !rules.touched("territories") {
        return Ok(Vec::new());
    }
    let mut pairs = Vec::new();
    for row in tx.query(
        "SELECT territory_id, parent_id FROM territories ORDER BY territory_id",
        &[],
    )? {
        pairs.push((row.string(0)?, row.opt_string(1)?));
    }
    if pairs.is_empty() {
        return Ok(Vec::new());
    }
    let roots: Vec<&str> = pairs
        .iter()
        .filter(|(_, p)| p.is_none())
        .map(|(id, _)| id.as_str())
        .collect();
    let changed = rules.scope("territories", &["territory_id"]);
    let is_changed = |id: &str| changed.contains(&[Value::from(id)]);
    let mut problems = Vec::new();
    let blame = |id: &str, message: String| {
        Problem::at(
            "territories",
            "parent_id",
            &[("territory_id", &Value::from(id))],
            message,
        )
    };
    if roots.is_empty() {
        problems.push(Problem::whole_file(
            "territories",
            "no territory has an empty parent_id; exactly one must: the company",
        ));
    } else if roots.len() > 1 {
        let changed_roots: Vec<&str> = roots.iter().copied().filter(|r| is_changed(r)).collect();
        for root in &changed_roots {
            let other = roots.iter().find(|r| *r != root).unwrap_or(root);
            problems.push(blame(
                root,
                format!(
                    "is empty, but so is the parent_id of '{other}'; exactly one territory, \
                     the company, has no parent"
                ),
            ));
        }
    }
    let graph = Graph::new(pairs.clone());
    for cycle in cycles(&graph.parent) {
        if let Some(&at) = cycle.iter().find(|&&n| is_changed(&graph.ids[n])) {
            let path = graph.path(&from(&cycle, at));
            problems.push(blame(&graph.ids[at], format!("makes a cycle: {path}")));
        }
    }
    Ok(problems)
}

/// people.csv: a person's end_date is not before their hire_date.
pub(super) fn employment_dates(tx: &mut Tx<'_>, rules: &Rules) -> Result<Vec<Problem>, StoreError> {
    let dates = ["hire_date", "end_date"];
    let rows = rules
        .scope_changing("people", &["person_id"], &dates)
        .query(
            tx,
            "SELECT person_id, hire_date, end_date FROM people
         WHERE hire_date IS NOT NULL AND end_date IS NOT NULL AND end_date < hire_date
           AND {scope}",
            &["person_id"],
        )?;
    let mut problems = Vec::new();
    for row in rows {
        let (hire, end) = (row.date(1)?, row.date(2)?);
        problems.push(Problem::at(
            "people",
            "end_date",
            &[("person_id", row.value(0))],
            format!(
                "{} is before the hire_date {}",
                format_date(end),
                format_date(hire)
            ),
        ));
    }
    Ok(problems)
}

/// people.csv and reporting.csv: the reporting lines form a forest on every date.
pub(super) fn reporting_lines(tx: &mut Tx<'_>, rules: &Rules) -> Result<Vec<Problem>, StoreError> {
    let people_changed = rules.scope_changing("people", &["person_id"], &["manager_id"]);
    if people_changed.is_empty() && !rules.touched("reporting") {
        return Ok(Vec::new());
    }
    let mut pairs = Vec::new();
    for row in tx.query(
        "SELECT person_id, manager_id FROM people ORDER BY person_id",
        &[],
    )? {
        pairs.push((row.string(0)?, row.opt_string(1)?));
    }
    let graph = Graph::new(pairs);
    let person_changed = |n: usize| people_changed.contains(&[Value::from(&graph.ids[n])]);
    let blame_person = |n: usize, message: String| {
        Problem::at(
            "people",
            "manager_id",
            &[("person_id", &Value::from(&graph.ids[n]))],
            message,
        )
    };
    let mut problems = Vec::new();

    // Before anyone's first reporting row: people.manager_id.
    for cycle in cycles(&graph.parent) {
        if let Some(&at) = cycle.iter().find(|&&n| person_changed(n)) {
            let path = graph.path(&from(&cycle, at));
            problems.push(blame_person(at, format!("makes a reporting cycle: {path}")));
        }
    }

    // From each date a reporting row starts.
    let rows_changed = rules.scope("reporting", &["person_id", "start_date"]);
    let mut rows: Vec<(usize, Date)> = Vec::new();
    let mut dates: Vec<Vec<Move>> = Vec::new();
    let mut first_row: HashMap<usize, Date> = HashMap::new();
    let mut last_date = None;
    for row in tx.query(
        "SELECT person_id, manager_id, start_date FROM reporting ORDER BY start_date, person_id",
        &[],
    )? {
        let Some(&node) = graph.index.get(row.text(0)?) else {
            continue;
        };
        let to = row.opt_text(1)?.and_then(|m| graph.index.get(m).copied());
        let date = row.date(2)?;
        if last_date != Some(date) {
            dates.push(Vec::new());
            last_date = Some(date);
        }
        first_row.entry(node).or_insert(date);
        let m = Move {
            row: rows.len(),
            node,
            to,
        };
        rows.push((node, date));
        dates
            .last_mut()
            .expect("a date group was just pushed")
            .push(m);
    }
    let row_changed = |r: usize| {
        rows_changed.contains(&[Value::from(&graph.ids[rows[r].0]), Value::Date(rows[r].1)])
    };
    for moves in &mut dates {
        moves.sort_by_key(|m| !row_changed(m.row));
    }
    let mut parent = graph.parent.clone();
    for (r, cycle) in cycles_over_time(&mut parent, &dates) {
        let (node, date) = rows[r];
        let path = graph.path(&cycle);
        let on_base = |n: &&usize| first_row.get(n).is_none_or(|first| *first > date);
        if row_changed(r) {
            problems.push(Problem::at(
                "reporting",
                "manager_id",
                &[
                    ("person_id", &Value::from(&graph.ids[node])),
                    ("start_date", &Value::Date(date)),
                ],
                format!("makes a reporting cycle from {}: {path}", format_date(date)),
            ));
        } else if let Some(&n) = cycle.iter().filter(on_base).find(|&&n| person_changed(n)) {
            problems.push(blame_person(
                n,
                format!(
                    "makes a reporting cycle from {}, when the reporting row of '{}' starts: {}",
                    format_date(date),
                    graph.ids[node],
                    graph.path(&from(&cycle, n))
                ),
            ));
        }
    }
    Ok(problems)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_cycle_is_found_once() {
        // 0 → 1 → 2 → 0, 3 → 0, 4 → 4, 5 (root) ← 6
        let parent = [Some(1), Some(2), Some(0), Some(0), Some(4), None, Some(5)];
        let mut found = cycles(&parent);
        found.sort();
        assert_eq!(found, vec![vec![0, 1, 2], vec![4]]);
        assert!(cycles(&[None, Some(0), Some(1)]).is_empty());
    }

    #[test]
    fn a_move_that_closes_a_cycle_is_blamed_on_its_date() {
        // a(0) → b(1) → c(2); on day 0, c moves under a: a cycle; on day 1, c moves to the top.
        let mut parent = vec![Some(1), Some(2), None];
        let dates = vec![
            vec![Move {
                row: 7,
                node: 2,
                to: Some(0),
            }],
            vec![Move {
                row: 8,
                node: 2,
                to: None,
            }],
        ];
        let found = cycles_over_time(&mut parent, &dates);
        assert_eq!(found, vec![(7, vec![2, 0, 1])]);
    }

    #[test]
    fn two_moves_closing_one_cycle_blame_the_first() {
        let mut parent = vec![None, None];
        let dates = vec![vec![
            Move {
                row: 1,
                node: 1,
                to: Some(0),
            },
            Move {
                row: 0,
                node: 0,
                to: Some(1),
            },
        ]];
        assert_eq!(cycles_over_time(&mut parent, &dates), vec![(1, vec![1, 0])]);
    }

    #[test]
    fn a_walk_into_an_old_cycle_ends() {
        // 0 ↔ 1 already; 2 moves under 0: no new cycle through 2.
        let mut parent = vec![Some(1), Some(0), None];
        let dates = vec![vec![Move {
            row: 0,
            node: 2,
            to: Some(0),
        }]];
        assert!(cycles_over_time(&mut parent, &dates).is_empty());
    }

    #[test]
    fn paths_read_from_the_blamed_node_back_to_it() {
        let g = Graph::new(vec![
            ("a".into(), Some("b".into())),
            ("b".into(), Some("a".into())),
        ]);
        assert_eq!(g.path(&from(&[0, 1], 1)), "b → a → b");
    }
}
