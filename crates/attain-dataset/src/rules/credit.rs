//! Who is credited: a transaction's owner, its credit splits, and what targets are set for.

use super::{Problem, Rules, Scope, query_scopes};
use attain_domain::Percent;
use attain_store::{Executor, StoreError, Tx};

/// A whole transaction in percent units (ten-thousandths of a percent).
const HUNDRED_PERCENT: i64 = 1_000_000;

/// transactions.csv: `owner_id` is required unless `reverses_id` is given. `check_row` decides
/// this when the header has both columns; otherwise a stored value may fill the gap, so the
/// store is asked.
pub(super) fn owners(tx: &mut Tx<'_>, rules: &Rules) -> Result<Vec<Problem>, StoreError> {
    let Some(changed) = rules.changed("transactions") else {
        return Ok(Vec::new());
    };
    let spec = crate::spec::file_spec("transactions").expect("a dataset file");
    let has = |c: &str| spec.column_index(c).is_some_and(|i| changed.has_column(i));
    if has("owner_id") && has("reverses_id") {
        return Ok(Vec::new());
    }
    let owner = ["owner_id", "reverses_id"];
    let rows = rules
        .scope_changing("transactions", &["transaction_id"], &owner)
        .query(
            tx,
            "SELECT transaction_id FROM transactions
         WHERE owner_id IS NULL AND reverses_id IS NULL AND {scope}",
            &["transaction_id"],
        )?;
    Ok(rows
        .iter()
        .map(|r| {
            Problem::at(
                "transactions",
                "owner_id",
                &[("transaction_id", r.value(0))],
                "is required unless reverses_id is given",
            )
        })
        .collect())
}

/// splits.csv: the owner of a transaction is not among its splits (the owner keeps what the
/// splits leave). A reversal without an owner takes its original's, so that owner counts.
/// A split of 0 % is a removed split and is let be, so an owner can change to a former splitter.
pub(super) fn split_owner(tx: &mut Tx<'_>, rules: &Rules) -> Result<Vec<Problem>, StoreError> {
    let sql = "SELECT s.transaction_id, s.person_id, t.transaction_id, t.reverses_id,
                      t.owner_id IS NULL
               FROM splits s
               JOIN transactions t ON t.transaction_id = s.transaction_id
               LEFT JOIN transactions o ON o.transaction_id = t.reverses_id
               WHERE s.percent > 0 AND s.person_id = COALESCE(t.owner_id, o.owner_id)
                 AND {scope}";
    let splits = rules.scope("splits", &["transaction_id", "person_id"]);
    let owner = ["owner_id", "reverses_id"];
    let transactions = rules.scope_changing("transactions", &["transaction_id"], &owner);
    // The splits of the changed transactions are read by transaction (one indexed IN list);
    // those whose split this import left alone are then kept only if their owner changed.
    let rows = query_scopes(
        tx,
        sql,
        &[
            (
                &rules.scope("splits", &["transaction_id"]),
                &["s.transaction_id"],
            ),
            (&transactions, &["t.transaction_id"]),
            (&transactions, &["t.reverses_id"]),
        ],
    )?;
    let mut problems = Vec::new();
    for r in rows {
        let (transaction, person) = (r.value(0), r.value(1));
        let inherited = r.bool(4)?;
        let owner_changed = if transactions.contains(std::slice::from_ref(r.value(2))) {
            Some(r.value(2))
        } else if inherited && transactions.contains(std::slice::from_ref(r.value(3))) {
            Some(r.value(3))
        } else {
            None
        };
        let owner = if inherited {
            format!(
                "the owner of transaction '{}', which this one reverses",
                r.text(3)?
            )
        } else {
            "the owner of this transaction".to_owned()
        };
        problems.push(if splits.contains(&[transaction.clone(), person.clone()]) {
            Problem::at(
                "splits",
                "person_id",
                &[("transaction_id", transaction), ("person_id", person)],
                format!(
                    "'{}' is {owner}; the owner keeps what the splits leave and is not listed \
                     in splits.csv",
                    r.text(1)?
                ),
            )
        } else if let Some(changed) = owner_changed {
            // The owner changed to someone holding a split.
            Problem::at(
                "transactions",
                "owner_id",
                &[("transaction_id", changed)],
                format!(
                    "'{}' holds a split of transaction '{}' in splits.csv; set that split to 0 \
                     to make them the owner",
                    r.text(1)?,
                    r.text(2)?
                ),
            )
        } else {
            continue; // neither the split nor the owner changed: not this import's doing
        });
    }
    Ok(problems)
}

/// splits.csv: the splits of one transaction sum to at most 100 %.
pub(super) fn split_total(tx: &mut Tx<'_>, rules: &Rules) -> Result<Vec<Problem>, StoreError> {
    let rows = rules.scope("splits", &["transaction_id"]).query(
        tx,
        &format!(
            "SELECT transaction_id, CAST(SUM(percent) AS BIGINT) FROM splits WHERE {{scope}}
             GROUP BY transaction_id HAVING SUM(percent) > {HUNDRED_PERCENT}"
        ),
        &["transaction_id"],
    )?;
    let mut problems = Vec::new();
    for r in rows {
        problems.push(Problem::at(
            "splits",
            "percent",
            &[("transaction_id", r.value(0))],
            format!(
                "the splits of transaction '{}' sum to {} %, more than 100",
                r.text(0)?,
                Percent::from_units(r.int(1)?)
            ),
        ));
    }
    Ok(problems)
}

/// targets.csv: `scope_id` names a person, a territory, or for the company the root territory.
pub(super) fn target_scopes(tx: &mut Tx<'_>, rules: &Rules) -> Result<Vec<Problem>, StoreError> {
    // Read by scope_id alone (an indexed IN list), then kept if the pair changed.
    let pairs = rules.scope("targets", &["scope", "scope_id"]);
    let targets = rules.scope("targets", &["scope_id"]);
    // A new root makes the company targets of the old one wrong.
    let company = if !rules
        .scope_changing("territories", &["territory_id"], &["parent_id"])
        .is_empty()
    {
        Scope::All
    } else {
        targets.clone()
    };
    let root = tx
        .query_opt(
            "SELECT territory_id FROM territories WHERE parent_id IS NULL ORDER BY territory_id",
            &[],
        )?
        .map(|r| r.string(0))
        .transpose()?;
    let columns = ["t.scope_id"];
    let checks: [(&Scope, &str, &str); 3] = [
        (
            &targets,
            "person",
            "SELECT 1 FROM people p WHERE p.person_id = t.scope_id",
        ),
        (
            &targets,
            "territory",
            "SELECT 1 FROM territories r WHERE r.territory_id = t.scope_id",
        ),
        (
            &company,
            "company",
            "SELECT 1 FROM territories r WHERE r.territory_id = t.scope_id AND r.parent_id IS NULL",
        ),
    ];
    let mut problems = Vec::new();
    for (scope, kind, exists) in checks {
        let sql = format!(
            "SELECT DISTINCT t.scope, t.scope_id FROM targets t
             WHERE t.scope = '{kind}' AND NOT EXISTS ({exists}) AND {{scope}}"
        );
        for r in scope.query(tx, &sql, &columns)? {
            if *scope != Scope::All && !pairs.contains(&[r.value(0).clone(), r.value(1).clone()]) {
                continue;
            }
            let id = r.text(1)?;
            let message = match (kind, &root) {
                ("company", Some(root)) => format!(
                    "'{id}' is not the root territory; company targets carry the root \
                     territory's id, '{root}'"
                ),
                ("company", None) => format!(
                    "'{id}' is not the root territory; company targets carry the root \
                     territory's id, and there is none"
                ),
                (kind, _) => format!("no {kind} '{id}' in the dataset or the store"),
            };
            problems.push(Problem::at(
                "targets",
                "scope_id",
                &[("scope", r.value(0)), ("scope_id", r.value(1))],
                message,
            ));
        }
    }
    Ok(problems)
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_hundred_percent_is_a_million_units() {
        let hundred = attain_domain::Percent::parse("100").expect("100 is a percent");
        assert_eq!(hundred.units(), super::HUNDRED_PERCENT);
    }
}
