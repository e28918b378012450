//! What an import changed in a table, and the scope of rows a rule looks at because of it,
//! turned into SQL conditions run a chunk of keys at a time.

use crate::import::{BATCH, in_list};
use crate::spec::FileSpec;
use attain_store::{Executor, Row, StoreError, Tx, Value};
use std::collections::HashSet;

/// What one file of an import changed in its table.
#[derive(Debug, Default)]
pub struct Changed {
    /// The table held no row before this import, so every row it holds now is new; the keys
    /// are then not collected, which keeps a first import of a large file flat in memory.
    pub all_new: bool,
    /// Keys this import inserted (empty when `all_new`).
    pub inserted: Vec<Vec<Value>>,
    /// Keys whose stored values this import changed.
    pub updated: Vec<Vec<Value>>,
    /// For each spec column, whether the file's header had it (empty if the header was bad).
    pub present: Vec<bool>,
    /// For each spec column, whether some update changed its value (empty if none did).
    pub updated_columns: Vec<bool>,
}

impl Changed {
    /// Returns true when rows may have been inserted or updated.
    pub fn touched(&self) -> bool {
        self.all_new || !self.inserted.is_empty() || !self.updated.is_empty()
    }

    /// Returns true when the file's header had the column at index `i` of the spec.
    pub fn has_column(&self, i: usize) -> bool {
        self.present.get(i).copied().unwrap_or(false)
    }

    /// Returns the values of the key columns `columns` in the changed rows.
    pub fn scope(&self, spec: &FileSpec, columns: &[&str]) -> Scope {
        self.scope_changing(spec, columns, &[])
    }

    /// Returns the values of the key columns `columns` in the rows inserted, and in the rows
    /// updated if some update changed one of the `watched` columns (any column if none is
    /// named): a rule about an owner need not look again at transactions whose amount changed.
    pub fn scope_changing(&self, spec: &FileSpec, columns: &[&str], watched: &[&str]) -> Scope {
        if self.all_new {
            return Scope::All;
        }
        let updates_matter = watched.is_empty()
            || watched.iter().any(|c| {
                let i = spec
                    .column_index(c)
                    .expect("a watched column is a spec column");
                self.updated_columns.get(i).copied().unwrap_or(false)
            });
        let updated: &[Vec<Value>] = if updates_matter { &self.updated } else { &[] };
        let at: Vec<usize> = columns
            .iter()
            .map(|c| {
                spec.key
                    .iter()
                    .position(|k| k == c)
                    .expect("a scope is made of key columns")
            })
            .collect();
        Scope::Only(
            self.inserted
                .iter()
                .chain(updated)
                .map(|key| at.iter().map(|&i| key[i].clone()).collect())
                .collect(),
        )
    }
}

/// The rows a rule looks at: all of them, or those whose columns take one of these values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// Every row.
    All,
    /// The rows whose columns hold one of these tuples.
    Only(HashSet<Vec<Value>>),
}

impl Scope {
    /// Returns the scope of no row.
    pub fn none() -> Scope {
        Scope::Only(HashSet::new())
    }

    /// Returns true when the scope holds no row.
    pub fn is_empty(&self) -> bool {
        matches!(self, Scope::Only(keys) if keys.is_empty())
    }

    /// Returns true when the scope holds rows with these values.
    pub fn contains(&self, values: &[Value]) -> bool {
        match self {
            Scope::All => true,
            Scope::Only(keys) => keys.contains(values),
        }
    }

    /// Returns the scope holding the rows of both.
    pub fn or(self, other: Scope) -> Scope {
        match (self, other) {
            (Scope::Only(mut a), Scope::Only(b)) => {
                a.extend(b);
                Scope::Only(a)
            }
            _ => Scope::All,
        }
    }

    /// Runs `sql` with `{scope}` replaced by a condition that `columns` (SQL expressions, one
    /// per value of the scope's tuples) hold a value of the scope, and returns every row.
    /// `sql` takes no other parameter; a large scope runs a chunk at a time, so a query that
    /// groups must group by these columns.
    pub fn query(
        &self,
        tx: &mut Tx<'_>,
        sql: &str,
        columns: &[&str],
    ) -> Result<Vec<Row>, StoreError> {
        match self {
            Scope::All => tx.query(&sql.replace("{scope}", "1 = 1"), &[]),
            Scope::Only(keys) => {
                let keys: Vec<Vec<Value>> = keys.iter().cloned().collect();
                let mut rows = Vec::new();
                for chunk in keys.chunks(BATCH) {
                    let (cond, params) = in_list(columns, chunk);
                    rows.extend(tx.query(&sql.replace("{scope}", &format!("({cond})")), &params)?);
                }
                Ok(rows)
            }
        }
    }
}

/// Runs `sql` (see [`Scope::query`]) for each scope with its columns and returns every row;
/// when one scope is every row, runs it once over every row instead.
pub fn query_scopes(
    tx: &mut Tx<'_>,
    sql: &str,
    scopes: &[(&Scope, &[&str])],
) -> Result<Vec<Row>, StoreError> {
    if scopes.iter().any(|(scope, _)| **scope == Scope::All) {
        return Scope::All.query(tx, sql, &[]);
    }
    let mut rows = Vec::new();
    for (scope, columns) in scopes {
        rows.extend(scope.query(tx, sql, columns)?);
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn only(keys: &[&str]) -> Scope {
        Scope::Only(keys.iter().map(|k| vec![Value::from(*k)]).collect())
    }

    #[test]
    fn scopes_join_and_hold_their_keys() {
        let a = only(&["x"]).or(only(&["y"]));
        assert!(a.contains(&[Value::from("y")]));
        assert!(!a.contains(&[Value::from("z")]));
        assert!(Scope::none().is_empty());
        assert_eq!(only(&["x"]).or(Scope::All), Scope::All);
        assert!(Scope::All.contains(&[Value::from("z")]));
    }

    #[test]
    fn a_scope_projects_changed_keys_onto_key_columns_and_skips_irrelevant_updates() {
        let spec = crate::spec::file_spec("splits").expect("a dataset file");
        let changed = Changed {
            inserted: vec![vec!["x1".into(), "r1".into()]],
            updated: vec![vec!["x2".into(), "r1".into()]],
            ..Changed::default()
        };
        assert_eq!(
            changed.scope(spec, &["transaction_id"]),
            only(&["x1", "x2"])
        );
        let spec = crate::spec::file_spec("transactions").expect("a dataset file");
        let amounts_only = Changed {
            inserted: vec![vec!["x1".into()]],
            updated: vec![vec!["x2".into()]],
            updated_columns: vec![false, false, false, true],
            ..Changed::default()
        };
        assert_eq!(
            amounts_only.scope_changing(spec, &["transaction_id"], &["owner_id"]),
            only(&["x1"])
        );
        assert_eq!(
            amounts_only.scope_changing(spec, &["transaction_id"], &["amount"]),
            only(&["x1", "x2"])
        );
        let all = Changed {
            all_new: true,
            ..Changed::default()
        };
        assert_eq!(all.scope(spec, &["person_id"]), Scope::All);
    }
}
