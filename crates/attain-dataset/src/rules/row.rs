//! Rules one parsed row can answer alone: the settings' keys and values, and records that may
//! not point at themselves.

use super::cell;
use crate::import::ParsedRow;
use crate::spec::FileSpec;
use attain_domain::NamedBy;
use attain_store::Value;

/// The settings dataset.md defines.
pub const SETTINGS: &[&str] = &[
    "company_name",
    "currency",
    "fiscal_year_start_month",
    "fiscal_year_named_by",
];

/// Checks one row against the rules that need no other row; pushes `(column, message)` pairs.
/// `present` tells, for each spec column, whether the file's header has it.
pub fn check_row(
    spec: &FileSpec,
    row: &ParsedRow,
    present: &[bool],
    problems: &mut Vec<(&'static str, String)>,
) {
    let not_itself = |id: &str, column: &'static str, message: &str| {
        let v = cell(spec, row, column);
        (!v.is_null() && v == cell(spec, row, id)).then(|| (column, message.to_owned()))
    };
    match spec.name {
        "territories" => problems.extend(not_itself(
            "territory_id",
            "parent_id",
            "is the territory's own id; a territory cannot be its own parent",
        )),
        "people" | "reporting" => problems.extend(not_itself(
            "person_id",
            "manager_id",
            "is the person's own id; nobody reports to themself",
        )),
        "meeting_items" => {
            // An information-gathering item is one person's report.
            let section = cell(spec, row, "section");
            if section == &Value::Text("information_gathering".into())
                && cell(spec, row, "person_id").is_null()
            {
                problems.push((
                    "person_id",
                    "is required in the information_gathering section: the item is one \
                     person's report"
                        .into(),
                ));
            }
        }
        "contacts" => problems.extend(not_itself(
            "contact_id",
            "reports_to_id",
            "is the contact's own id; a contact cannot report to themself",
        )),
        "transactions" => {
            problems.extend(not_itself(
                "transaction_id",
                "reverses_id",
                "is the transaction's own id; a transaction cannot reverse itself",
            ));
            // With either column left out of the header, an update keeps a stored value this
            // row cannot see; the rule is then checked in the store (credit::owners).
            let has = |c: &str| spec.column_index(c).is_some_and(|i| present[i]);
            if has("owner_id")
                && has("reverses_id")
                && cell(spec, row, "owner_id").is_null()
                && cell(spec, row, "reverses_id").is_null()
            {
                problems.push(("owner_id", "is required unless reverses_id is given".into()));
            }
        }
        "settings" => {
            if let (Value::Text(key), Value::Text(value)) =
                (cell(spec, row, "key"), cell(spec, row, "value"))
                && let Err((column, message)) = setting(key, value)
            {
                problems.push((column, message));
            }
        }
        _ => {}
    }
}

/// Checks one setting: a known key, and a value of the form that key takes.
fn setting(key: &str, value: &str) -> Result<(), (&'static str, String)> {
    let bad = |what: &str| Err(("value", format!("'{value}' is not {what}")));
    match key {
        "company_name" => Ok(()),
        "currency" => {
            if value.len() == 3 && value.bytes().all(|b| b.is_ascii_uppercase()) {
                Ok(())
            } else {
                bad("a currency code: three capital letters as in ISO 4217, like USD")
            }
        }
        "fiscal_year_start_month" => {
            let month = value.bytes().all(|b| b.is_ascii_digit()) && !value.is_empty();
            match value.parse::<u32>() {
                Ok(1..=12) if month => Ok(()),
                _ => bad("a month number from 1 to 12"),
            }
        }
        "fiscal_year_named_by" => match NamedBy::parse(value) {
            Some(_) => Ok(()),
            None => bad("start or end"),
        },
        _ => Err((
            "key",
            format!(
                "'{key}' is not a setting; the settings are {}",
                SETTINGS.join(", ")
            ),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_take_values_of_their_form() {
        assert!(setting("company_name", "Acme, Inc.").is_ok());
        assert!(setting("currency", "EUR").is_ok());
        assert!(setting("currency", "eur").is_err());
        assert!(setting("currency", "EURO").is_err());
        assert!(setting("fiscal_year_start_month", "12").is_ok());
        assert!(setting("fiscal_year_start_month", "0").is_err());
        assert!(setting("fiscal_year_start_month", "+3").is_err());
        assert!(setting("fiscal_year_named_by", "end").is_ok());
        assert!(setting("fiscal_year_named_by", "End").is_err());
        let (column, message) = setting("colour", "red").expect_err("colour is no setting");
        assert_eq!(column, "key");
        assert!(message.contains("company_name, currency"));
    }
}
