//! Rules one parsed row can answer alone: the settings' keys and values, and records that may
//! not point at themselves (nor coach themselves).

use super::cell;
use crate::import::ParsedRow;
use crate::spec::FileSpec;
use attain_domain::{NamedBy, territory_plan};
use attain_store::Value;

/// The settings dataset.md defines.
pub const SETTINGS: &[&str] = &[
    "company_name",
    "currency",
    "fiscal_year_start_month",
    "fiscal_year_named_by",
    "coaching_cadence_days",
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
        "coaching_sessions" => problems.extend(not_itself(
            "person_id",
            "coach_id",
            "is the person's own id; nobody coaches themself",
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
        "recognitions" => {
            // A SPIFF is paid through an adjustment (rules::team checks it is the person's).
            let has = |c: &str| spec.column_index(c).is_some_and(|i| present[i]);
            if has("amount") && has("adjustment_id") {
                let amount = cell(spec, row, "amount");
                let adjustment = cell(spec, row, "adjustment_id");
                if !amount.is_null() && adjustment.is_null() {
                    problems.push((
                        "adjustment_id",
                        "is required with an amount: a SPIFF is paid through an adjustment".into(),
                    ));
                } else if amount.is_null() && !adjustment.is_null() {
                    problems.push(("amount", "is required with an adjustment_id".into()));
                }
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
        "territory_plans" => {
            let has = |c: &str| spec.column_index(c).is_some_and(|i| present[i]);
            let status = cell(spec, row, "status");
            let after_draft = matches!(status, Value::Text(s) if s != "draft");
            if after_draft && has("submitted_date") && cell(spec, row, "submitted_date").is_null() {
                problems.push((
                    "submitted_date",
                    "is required once a plan is submitted or agreed".into(),
                ));
            }
            if matches!(status, Value::Text(s) if s == "agreed") {
                for column in ["agreed_date", "agreed_by_id"] {
                    if has(column) && cell(spec, row, column).is_null() {
                        problems.push((column, "is required when the plan is agreed".into()));
                    }
                }
            }
            problems.extend(not_itself(
                "person_id",
                "agreed_by_id",
                "is the plan's own salesperson; nobody agrees their own plan",
            ));
        }
        "plan_sections" => problems.extend(too_long(
            cell(spec, row, "text"),
            "text",
            territory_plan::MAX_SECTION_CHARS,
        )),
        "plan_key_accounts" => problems.extend(too_long(
            cell(spec, row, "strategy"),
            "strategy",
            territory_plan::MAX_STRATEGY_CHARS,
        )),
        _ => {}
    }
}

/// A text longer than a territory plan's page has room for.
fn too_long(v: &Value, column: &'static str, max: usize) -> Option<(&'static str, String)> {
    let Value::Text(s) = v else { return None };
    let n = territory_plan::char_len(s);
    (n > max).then(|| {
        (
            column,
            format!("has {n} characters; a territory plan keeps it to {max} to print on one page"),
        )
    })
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
        "coaching_cadence_days" => {
            let digits = value.bytes().all(|b| b.is_ascii_digit()) && !value.is_empty();
            match value.parse::<u32>() {
                Ok(1..=366) if digits => Ok(()),
                _ => bad("a number of days from 1 to 366"),
            }
        }
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
        assert!(setting("coaching_cadence_days", "30").is_ok());
        assert!(setting("coaching_cadence_days", "0").is_err());
        assert!(setting("coaching_cadence_days", "thirty").is_err());
        let (column, message) = setting("colour", "red").expect_err("colour is no setting");
        assert_eq!(column, "key");
        assert!(message.contains("company_name, currency"));
    }
}
