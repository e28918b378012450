//! Rows that form one record share some columns: the rows of one job share its title and
//! mission, the rows of one plan its name and year.

use super::{Problem, Rules, shown};
use crate::spec::file_spec;
use attain_store::{Executor, StoreError, Tx, Value};
use std::collections::HashMap;

/// Reports each row this import changed whose `column` differs from the other rows with the
/// same `group` (a leading key column of `file`). The group's value is that of its rows this
/// import left alone, or else the most common one (the first in key order on a tie).
/// `noun` names the group (`job`), `why` ends the message.
pub(super) fn shared(
    tx: &mut Tx<'_>,
    rules: &Rules,
    file: &'static str,
    group: &'static str,
    column: &'static str,
    noun: &str,
    why: &str,
) -> Result<Vec<Problem>, StoreError> {
    let spec = file_spec(file).expect("rules name dataset files");
    let optional = !spec.columns[spec.column_index(column).expect("a spec column")].required;
    let value = if optional {
        format!("COALESCE({column}, '')")
    } else {
        column.to_owned()
    };
    let groups = rules.scope_changing(file, &[group], &[column]).query(
        tx,
        &format!(
            "SELECT {group} FROM {file} WHERE {{scope}}
             GROUP BY {group} HAVING COUNT(DISTINCT {value}) > 1"
        ),
        &[group],
    )?;
    let changed = rules.scope(file, spec.key);
    let keys = spec.key.join(", ");
    let mut problems = Vec::new();
    for g in groups {
        let name = g.value(0).clone();
        let rows = tx.query(
            &format!("SELECT {keys}, {column} FROM {file} WHERE {group} = $1 ORDER BY {keys}"),
            std::slice::from_ref(&name),
        )?;
        let rows: Vec<(Vec<Value>, Value)> = rows
            .into_iter()
            .map(|r| {
                let mut v = r.into_values();
                let last = v.pop().unwrap_or(Value::Null);
                (v, last)
            })
            .collect();
        let Some(reference) = reference(&rows, |key| changed.contains(key)) else {
            continue;
        };
        for (key, v) in &rows {
            if v != &reference && changed.contains(key) {
                let cells: Vec<(&'static str, &Value)> =
                    spec.key.iter().copied().zip(key).collect();
                problems.push(Problem::at(
                    file,
                    column,
                    &cells,
                    format!(
                        "is {} but the other rows of {noun} {} have {}; {why}",
                        shown(spec, column, v),
                        shown(spec, group, &name),
                        shown(spec, column, &reference)
                    ),
                ));
            }
        }
    }
    Ok(problems)
}

/// Returns the value a group's rows should share: that of an unchanged row, else the most
/// common (the first on a tie).
fn reference(rows: &[(Vec<Value>, Value)], changed: impl Fn(&[Value]) -> bool) -> Option<Value> {
    if let Some((_, v)) = rows.iter().find(|(key, _)| !changed(key)) {
        return Some(v.clone());
    }
    let mut counts: HashMap<&Value, usize> = HashMap::new();
    for (_, v) in rows {
        *counts.entry(v).or_default() += 1;
    }
    let most = counts.values().copied().max()?;
    rows.iter()
        .map(|(_, v)| v)
        .find(|v| counts[v] == most)
        .cloned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(values: &[&str]) -> Vec<(Vec<Value>, Value)> {
        values
            .iter()
            .enumerate()
            .map(|(i, v)| (vec![Value::Int(i as i64)], Value::from(*v)))
            .collect()
    }

    #[test]
    fn an_unchanged_row_sets_the_shared_value() {
        let r = rows(&["A", "B", "B"]);
        let changed = |k: &[Value]| k != [Value::Int(0)];
        assert_eq!(reference(&r, changed), Some(Value::from("A")));
    }

    #[test]
    fn otherwise_the_most_common_value_wins_and_ties_go_to_the_first() {
        assert_eq!(
            reference(&rows(&["A", "B", "B"]), |_| true),
            Some(Value::from("B"))
        );
        assert_eq!(
            reference(&rows(&["B", "A"]), |_| true),
            Some(Value::from("B"))
        );
        assert_eq!(reference(&[], |_| true), None);
    }
}
