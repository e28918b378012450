//! The rules of dataset.md beyond each cell's kind and each reference (docs/dataset-rules.md
//! lists them). `check_row` sees one parsed row and no database. Every other rule runs once the
//! files it reads are written, inside the import's transaction, so it sees stored and imported
//! rows together; it looks only at what this import changed, with set-based queries that return
//! just the offending keys, so a large import stays fast and a store never blames old rows.
//!
//! A rule reads one or more files (its inputs) and runs right after the last of them that the
//! import holds: the rule on plans and their tiers runs after plan_tiers.csv, or after plans.csv
//! when the import has no plan_tiers.csv.

mod credit;
mod groups;
mod locks;
mod plans;
mod row;
mod sales;
mod scope;
mod team;
mod tree;

pub use row::check_row;
pub use sales::DEFAULT_STAGES;
pub use scope::{Changed, Scope, query_scopes};

use crate::import::ParsedRow;
use crate::spec::{FILES, FileSpec, file_spec};
use attain_store::{StoreError, Tx, Value};
use std::collections::{HashMap, HashSet};

/// A problem found after writing: the engine finds its line by matching cells of the file.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Problem {
    /// The file (without `.csv`) the problem is reported in.
    pub file: &'static str,
    /// The column the message is about.
    pub column: &'static str,
    /// Cells that identify the offending row: `(column, value in canonical text)`; a cell as
    /// written matches when it parses to the same value. Empty for a problem of the whole file.
    pub matches: Vec<(&'static str, String)>,
    /// One sentence saying what is wrong.
    pub message: String,
}

impl Problem {
    /// Returns a problem on the row of `file` whose `cells` hold these values.
    pub fn at(
        file: &'static str,
        column: &'static str,
        cells: &[(&'static str, &Value)],
        message: impl Into<String>,
    ) -> Problem {
        let spec = file_spec(file).expect("rules name dataset files");
        let matches = cells.iter().map(|&(c, v)| (c, text(spec, c, v))).collect();
        Problem {
            file,
            column,
            matches,
            message: message.into(),
        }
    }

    /// Returns a problem of a whole file, not of one of its rows.
    pub fn whole_file(file: &'static str, message: impl Into<String>) -> Problem {
        Problem {
            file,
            column: "",
            matches: Vec::new(),
            message: message.into(),
        }
    }
}

/// Returns a value as dataset text, in the canonical form of its column.
fn text(spec: &FileSpec, column: &str, v: &Value) -> String {
    let i = spec
        .column_index(column)
        .expect("rules name columns of the spec");
    spec.columns[i].kind.format(v)
}

/// Returns a value for a message: quoted text, a bare number, or `empty`.
fn shown(spec: &FileSpec, column: &str, v: &Value) -> String {
    match v {
        Value::Null => "empty".to_owned(),
        Value::Text(s) => format!("'{s}'"),
        v => text(spec, column, v),
    }
}

/// Returns the value of the named column of a parsed row.
pub fn cell<'r>(spec: &FileSpec, row: &'r ParsedRow, column: &str) -> &'r Value {
    let i = spec
        .column_index(column)
        .expect("rules name columns of the spec");
    &row.values[i]
}

/// A rule that reads the store once its input files are written.
struct Rule {
    /// The files the rule reads; it runs after the last of them in the import.
    inputs: &'static [&'static str],
    /// Returns the problems found.
    check: fn(&mut Tx<'_>, &Rules) -> Result<Vec<Problem>, StoreError>,
}

/// Every rule that reads the store, in the order they run.
const RULES: &[Rule] = &[
    Rule {
        inputs: &["territories"],
        check: tree::territories,
    },
    Rule {
        inputs: &["people"],
        check: tree::employment_dates,
    },
    Rule {
        inputs: &["people", "reporting"],
        check: tree::reporting_lines,
    },
    Rule {
        inputs: &["jobs"],
        check: sales::jobs,
    },
    Rule {
        inputs: &["contacts"],
        check: sales::contacts,
    },
    Rule {
        inputs: &["stages", "opportunities", "stage_history"],
        check: sales::stages,
    },
    Rule {
        inputs: &["transactions"],
        check: credit::owners,
    },
    Rule {
        inputs: &["transactions", "splits"],
        check: credit::split_owner,
    },
    Rule {
        inputs: &["splits"],
        check: credit::split_total,
    },
    Rule {
        inputs: &["territories", "targets"],
        check: credit::target_scopes,
    },
    Rule {
        inputs: &["plans"],
        check: plans::plan_rows,
    },
    Rule {
        inputs: &["plans", "plan_tiers"],
        check: plans::tiers,
    },
    Rule {
        inputs: &["plans", "plan_curve"],
        check: plans::curve,
    },
    Rule {
        inputs: &["plans", "plan_assignments"],
        check: plans::assignments,
    },
    Rule {
        inputs: &["paid"],
        check: locks::paid,
    },
    Rule {
        inputs: &["adjustments"],
        check: locks::adjustments,
    },
    Rule {
        inputs: &["contacts", "decision_step_contacts"],
        check: sales::decision_step_contacts,
    },
    Rule {
        inputs: &["adjustments", "recognitions"],
        check: team::spiffs,
    },
];

/// The rules' view of one import: which files it holds, what each changed, and what some rules
/// must remember from before a file is written.
pub struct Rules {
    /// The files of the import (names without `.csv`).
    files: HashSet<&'static str>,
    /// What each file written so far changed.
    changes: HashMap<&'static str, Changed>,
    /// Adjustments that sat in a locked month before adjustments.csv was written.
    locked_adjustments: HashMap<String, (i64, i64)>,
}

impl Rules {
    /// Starts the rules of an import holding these files.
    pub fn new(files: impl IntoIterator<Item = &'static str>) -> Rules {
        Rules {
            files: files.into_iter().collect(),
            changes: HashMap::new(),
            locked_adjustments: HashMap::new(),
        }
    }

    /// Reads what a rule must know about the store before a file is written over it.
    pub fn before_file(&mut self, tx: &mut Tx<'_>, spec: &FileSpec) -> Result<(), StoreError> {
        if spec.name == "adjustments" {
            self.locked_adjustments = locks::locked_adjustments(tx)?;
        }
        Ok(())
    }

    /// Records what a file changed.
    pub fn record(&mut self, spec: &'static FileSpec, changed: Changed) {
        self.changes.insert(spec.name, changed);
    }

    /// Runs the rules whose last input in this import is `spec`, once it is written.
    pub fn check_file(&self, tx: &mut Tx<'_>, spec: &FileSpec) -> Result<Vec<Problem>, StoreError> {
        let mut problems = Vec::new();
        let mut seen = HashSet::new();
        for rule in RULES {
            if self.runs_after(rule) == Some(spec.name) {
                for p in (rule.check)(tx, self)? {
                    if seen.insert(p.clone()) {
                        problems.push(p);
                    }
                }
            }
        }
        Ok(problems)
    }

    /// Returns the input of `rule` after which it runs: the last one the import holds.
    fn runs_after(&self, rule: &Rule) -> Option<&'static str> {
        FILES
            .iter()
            .rev()
            .map(|f| f.name)
            .find(|name| rule.inputs.contains(name) && self.files.contains(name))
    }

    /// Returns what this import changed in `file`, if it held the file.
    pub fn changed(&self, file: &str) -> Option<&Changed> {
        self.changes.get(file)
    }

    /// Returns true when the import inserted or updated rows of `file`.
    pub fn touched(&self, file: &str) -> bool {
        self.changed(file).is_some_and(Changed::touched)
    }

    /// Returns the values that `columns` (key columns of `file`) take in the rows this import
    /// inserted or updated in `file`.
    pub fn scope(&self, file: &str, columns: &[&str]) -> Scope {
        self.scope_changing(file, columns, &[])
    }

    /// Like [`Rules::scope`], but updated rows count only if an update changed one of the
    /// `watched` columns.
    pub fn scope_changing(&self, file: &str, columns: &[&str], watched: &[&str]) -> Scope {
        match self.changed(file) {
            None => Scope::none(),
            Some(changed) => {
                let spec = file_spec(file).expect("rules name dataset files");
                changed.scope_changing(spec, columns, watched)
            }
        }
    }
}
