//! The rules of dataset.md beyond each cell's kind and each reference: checks on one row
//! (`check_row`), on a file once it is written (`check_file`), and on the whole dataset once every
//! file is written (`check_dataset`). The last two query the store inside the import's
//! transaction, so they see stored and imported rows together.

use crate::import::ParsedRow;
use crate::spec::FileSpec;
use attain_store::{StoreError, Tx, Value};

/// A problem found after writing: the engine finds its line by matching cells of the file.
pub struct Problem {
    /// The file (without `.csv`) the problem is reported in.
    pub file: &'static str,
    /// The column the message is about.
    pub column: &'static str,
    /// Cells that identify the offending row: `(column, text as written)`.
    pub matches: Vec<(&'static str, String)>,
    /// One sentence saying what is wrong.
    pub message: String,
}

/// Returns the value of the named column of a parsed row.
pub fn cell<'r>(spec: &FileSpec, row: &'r ParsedRow, column: &str) -> &'r Value {
    let i = spec
        .column_index(column)
        .expect("rules name columns of the spec");
    &row.values[i]
}

/// Checks one row against the rules that need no other row; pushes `(column, message)` pairs.
#[allow(clippy::single_match, clippy::collapsible_match)] // a match that grows a file at a time
pub fn check_row(
    spec: &FileSpec,
    row: &ParsedRow,
    _present: &[bool],
    problems: &mut Vec<(&'static str, String)>,
) {
    match spec.name {
        "transactions" => {
            if cell(spec, row, "owner_id").is_null() && cell(spec, row, "reverses_id").is_null() {
                problems.push(("owner_id", "is required unless reverses_id is given".into()));
            }
        }
        _ => {}
    }
}

/// Checks a file's rules once its rows are written.
pub fn check_file(_tx: &mut Tx<'_>, _spec: &FileSpec) -> Result<Vec<Problem>, StoreError> {
    Ok(Vec::new())
}

/// Checks the rules that span files once every file is written.
pub fn check_dataset(_tx: &mut Tx<'_>) -> Result<Vec<Problem>, StoreError> {
    Ok(Vec::new())
}
