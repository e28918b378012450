//! Locked months: a fiscal month with rows in paid.csv is locked. Months of a year lock in order,
//! what was paid in a month locked before this import never changes, and adjustments go to open
//! months only.

use super::{Problem, Rules};
use attain_store::{Executor, StoreError, Tx, Value};
use std::collections::{BTreeMap, HashMap, HashSet};

/// paid.csv: each year's locked months are 1 to L without a gap, and rows of a month locked
/// before this import are neither added nor changed.
pub(super) fn paid(tx: &mut Tx<'_>, rules: &Rules) -> Result<Vec<Problem>, StoreError> {
    let Some(changed) = rules.changed("paid").filter(|c| c.touched()) else {
        return Ok(Vec::new());
    };
    let mut rows_in: BTreeMap<(i64, i64), i64> = BTreeMap::new();
    for r in tx.query(
        "SELECT year, month, COUNT(*) FROM paid GROUP BY year, month ORDER BY year, month",
        &[],
    )? {
        rows_in.insert((r.int(0)?, r.int(1)?), r.int(2)?);
    }
    let mut problems = Vec::new();

    // Months lock in order: the first locked month after a gap is named.
    let mut by_year: BTreeMap<i64, Vec<i64>> = BTreeMap::new();
    for &(year, month) in rows_in.keys() {
        by_year.entry(year).or_default().push(month);
    }
    for (year, months) in by_year {
        let gap = (1..).zip(&months).find(|&(want, &month)| month != want);
        if let Some((want, &month)) = gap {
            problems.push(Problem::at(
                "paid",
                "month",
                &[("year", &Value::Int(year)), ("month", &Value::Int(month))],
                format!(
                    "{month} of {year} is locked but month {want} is not; months lock in order"
                ),
            ));
        }
    }

    // A month locked before this import holds rows this import did not insert.
    if !changed.all_new {
        let mut inserted: HashMap<(i64, i64), i64> = HashMap::new();
        for key in &changed.inserted {
            *inserted.entry(year_month(key)).or_default() += 1;
        }
        let locked_before = |ym: (i64, i64)| {
            rows_in.get(&ym).copied().unwrap_or(0) > inserted.get(&ym).copied().unwrap_or(0)
        };
        for key in changed.inserted.iter().chain(&changed.updated) {
            let (year, month) = year_month(key);
            if locked_before((year, month)) {
                let names = ["person_id", "plan_id", "component", "year", "month"];
                let cells: Vec<(&'static str, &Value)> = names.into_iter().zip(key).collect();
                problems.push(Problem::at(
                    "paid",
                    "amount",
                    &cells,
                    format!(
                        "would change what was paid in month {month} of {year}, which was \
                         already locked"
                    ),
                ));
            }
        }
    }
    Ok(problems)
}

/// Returns the `(year, month)` of a paid key `(person_id, plan_id, component, year, month)`.
fn year_month(key: &[Value]) -> (i64, i64) {
    let int = |v: &Value| match v {
        Value::Int(n) => *n,
        _ => 0,
    };
    (int(&key[3]), int(&key[4]))
}

/// Returns the stored adjustments that sit in a locked month, with their `(year, month)`: read
/// before adjustments.csv is written, so a change moving one out of its month is seen.
pub(super) fn locked_adjustments(
    tx: &mut Tx<'_>,
) -> Result<HashMap<String, (i64, i64)>, StoreError> {
    let mut out = HashMap::new();
    for r in tx.query(
        "SELECT a.adjustment_id, a.year, a.month FROM adjustments a
         WHERE EXISTS (SELECT 1 FROM paid p WHERE p.year = a.year AND p.month = a.month)",
        &[],
    )? {
        out.insert(r.string(0)?, (r.int(1)?, r.int(2)?));
    }
    Ok(out)
}

/// adjustments.csv: a new or changed adjustment is not in a locked month, and an adjustment
/// already in a locked month does not change.
pub(super) fn adjustments(tx: &mut Tx<'_>, rules: &Rules) -> Result<Vec<Problem>, StoreError> {
    let mut problems = Vec::new();
    let mut reported = HashSet::new();
    for r in rules.scope("adjustments", &["adjustment_id"]).query(
        tx,
        "SELECT a.adjustment_id, a.year, a.month FROM adjustments a
         WHERE EXISTS (SELECT 1 FROM paid p WHERE p.year = a.year AND p.month = a.month)
           AND {scope}",
        &["a.adjustment_id"],
    )? {
        let (year, month) = (r.int(1)?, r.int(2)?);
        reported.insert(r.string(0)?);
        problems.push(Problem::at(
            "adjustments",
            "month",
            &[("adjustment_id", r.value(0))],
            format!("{month} of {year} is locked; post the adjustment to an open month"),
        ));
    }
    let updated = rules
        .changed("adjustments")
        .map_or(&[][..], |c| &c.updated[..]);
    for key in updated {
        let Value::Text(id) = &key[0] else { continue };
        if let Some(&(year, month)) = rules.locked_adjustments.get(id)
            && !reported.contains(id)
        {
            problems.push(Problem::at(
                "adjustments",
                "month",
                &[("adjustment_id", &key[0])],
                format!(
                    "cannot change: the adjustment was paid in month {month} of {year}, which \
                     is locked; post a new adjustment to an open month"
                ),
            ));
        }
    }
    Ok(problems)
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_paid_key_gives_its_year_and_month() {
        let key = [
            "r1".into(),
            "std".into(),
            "new".into(),
            2026.into(),
            3.into(),
        ];
        assert_eq!(super::year_month(&key), (2026, 3));
    }
}
