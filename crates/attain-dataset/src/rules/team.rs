//! Training and recognition (docs/team.md): a recognition's SPIFF is paid through the adjustment
//! it names, which must be the same person's and of the same amount.

use super::{Problem, Rules};
use attain_store::{StoreError, Tx};

/// recognitions.csv: a recognition with an adjustment pays it to the recognised person, for the
/// recognition's amount.
pub(super) fn spiffs(tx: &mut Tx<'_>, rules: &Rules) -> Result<Vec<Problem>, StoreError> {
    let mut problems = Vec::new();
    for r in rules.scope("recognitions", &["recognition_id"]).query(
        tx,
        "SELECT g.recognition_id, g.adjustment_id, a.person_id, g.person_id, a.amount, g.amount
         FROM recognitions g JOIN adjustments a ON a.adjustment_id = g.adjustment_id
         WHERE (a.person_id <> g.person_id OR g.amount IS NULL OR a.amount <> g.amount)
           AND {scope}",
        &["g.recognition_id"],
    )? {
        let (adjustment, adj_person, person) = (r.string(1)?, r.string(2)?, r.string(3)?);
        let message = if adj_person != person {
            format!("'{adjustment}' is an adjustment of '{adj_person}', not of '{person}'")
        } else {
            let cents = r.int(4)?;
            let paid = attain_domain::Money::from_cents(cents);
            format!("'{adjustment}' pays {paid}; the recognition's amount must be the same")
        };
        problems.push(Problem::at(
            "recognitions",
            "adjustment_id",
            &[("recognition_id", r.value(0))],
            message,
        ));
    }
    Ok(problems)
}
