//! Taking data in from a CRM export (docs/crm-import.md): an opportunity, activity or account
//! report with the CRM's own column names is read ([`read`]), its columns mapped to Attain's
//! fields ([`Mapping`]), owners and accounts matched, values translated ([`translate`]), and the
//! result checked and written by the dataset import ([`run`]), with every problem reported
//! against the uploaded file's own lines and column names.

mod fields;
mod read;
mod run;
mod translate;
mod values;

pub use fields::{Choice, Field, How, RecordKind, guess_columns, normalize_header};
pub use read::{Export, Record, read};
pub use run::{Mode, Refusal, Summary, load_directory, run};
pub use translate::{
    Directory, Person, RowPreview, Status, Translation, options as choice_options, translate,
};
pub use values::{
    DateOrder, DecimalMark, guess_value, normalize_value, parse_amount, parse_count, parse_crm_date,
};

use std::collections::BTreeMap;

/// How an export's columns fill Attain's fields; remembered per kind and header set.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Mapping {
    /// Field name → the export's column that holds it.
    #[serde(default)]
    pub columns: BTreeMap<String, String>,
    /// Field name → (the CRM's value → the Attain word; empty leaves an optional field empty).
    /// A value not listed is guessed ([`guess_value`]).
    #[serde(default)]
    pub values: BTreeMap<String, BTreeMap<String, String>>,
    /// The order of day and month in dates.
    #[serde(default)]
    pub dates: DateOrder,
    /// The decimal mark of amounts.
    #[serde(default)]
    pub decimal: DecimalMark,
}

impl Mapping {
    /// A first mapping guessed from the header's names.
    pub fn guess(kind: RecordKind, header: &[String]) -> Mapping {
        Mapping {
            columns: guess_columns(kind, header)
                .into_iter()
                .map(|(f, c)| (f.to_owned(), c))
                .collect(),
            ..Mapping::default()
        }
    }

    /// Returns the column chosen for a field.
    pub fn column(&self, field: &str) -> Option<&str> {
        self.columns
            .get(field)
            .map(String::as_str)
            .filter(|c| !c.is_empty())
    }

    /// Checks the mapping against an export's header: one sentence per problem. The record id
    /// column comes first: without it a second upload could not find the records of the first.
    pub fn problems(&self, kind: RecordKind, export: &Export) -> Vec<String> {
        let mut out = Vec::new();
        let id = kind.id_field();
        if self.column(id.name).is_none() {
            out.push(format!(
                "The mapping names no column for the record id (the CRM's own {noun} id), so \
                 {file} is refused: without it a second upload of the same export could not find \
                 the records the first one created and would duplicate them. Add the {noun} id \
                 column to the CRM report, export it again and choose it as the record id.",
                noun = kind.noun(),
                file = export.name,
            ));
        }
        for (field, column) in &self.columns {
            if column.is_empty() {
                continue;
            }
            match kind.field(field) {
                None => out.push(format!(
                    "'{field}' is not a field of {} exports; the fields are {}.",
                    kind.noun(),
                    kind.fields()
                        .iter()
                        .map(|f| f.name)
                        .collect::<Vec<_>>()
                        .join(", ")
                )),
                Some(f) if export.column(column).is_none() => out.push(format!(
                    "The column '{column}' chosen for {} is not in the header of {}.",
                    f.label, export.name
                )),
                Some(_) => {}
            }
        }
        for f in kind.fields().iter().skip(1) {
            if f.required && self.column(f.name).is_none() {
                out.push(format!(
                    "{} is required: choose the column that holds it.",
                    f.label
                ));
            }
        }
        if kind == RecordKind::Opportunities
            && self.column("account_id").is_none()
            && self.column("account_name").is_none()
        {
            out.push(
                "The account is required: choose the column of the account's id or of its name."
                    .to_owned(),
            );
        }
        out
    }
}

/// Returns the signature of a header under which its mapping is remembered: its normalized
/// column names, sorted, so the same report exported again finds its mapping.
pub fn signature(header: &[String]) -> String {
    let mut names: Vec<String> = header
        .iter()
        .map(|h| h.trim().to_lowercase())
        .filter(|h| !h.is_empty())
        .collect();
    names.sort();
    names.dedup();
    names.join("|")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn export(header: &[&str]) -> Export {
        Export {
            name: "report.csv".into(),
            header: header.iter().map(|s| (*s).to_owned()).collect(),
            rows: Vec::new(),
            footer_records: 0,
        }
    }

    #[test]
    fn a_mapping_without_a_record_id_column_is_refused_with_the_reason() {
        let e = export(&["Opportunity Name", "Amount"]);
        let m = Mapping::guess(RecordKind::Opportunities, &e.header);
        let problems = m.problems(RecordKind::Opportunities, &e);
        assert!(
            problems[0].starts_with("The mapping names no column for the record id"),
            "{problems:?}"
        );
        assert!(problems[0].contains("could not find the records"));
    }

    #[test]
    fn a_mapping_naming_a_column_not_in_the_header_is_refused() {
        let e = export(&["Opportunity ID"]);
        let mut m = Mapping::default();
        m.columns
            .insert("opportunity_id".into(), "Opportunity ID".into());
        m.columns.insert("amount".into(), "Total".into());
        let problems = m.problems(RecordKind::Opportunities, &e);
        assert!(
            problems
                .iter()
                .any(|p| p.contains("'Total' chosen for Amount"))
        );
        assert!(problems.iter().any(|p| p.starts_with("Stage is required")));
        assert!(
            problems
                .iter()
                .any(|p| p.starts_with("The account is required"))
        );
    }

    #[test]
    fn the_signature_ignores_column_order_and_case() {
        let a = signature(&["Amount".into(), "Opportunity ID".into()]);
        let b = signature(&["opportunity id ".into(), "AMOUNT".into()]);
        assert_eq!(a, b);
        assert_ne!(a, signature(&["Amount".into()]));
    }

    #[test]
    fn a_mapping_round_trips_through_json() {
        let mut m = Mapping::guess(RecordKind::Activities, &["Task ID".into(), "Date".into()]);
        m.values.insert(
            "type".into(),
            [("Phone".to_owned(), "call".to_owned())]
                .into_iter()
                .collect(),
        );
        m.dates = DateOrder::DayFirst;
        let json = serde_json::to_string(&m).unwrap();
        assert_eq!(serde_json::from_str::<Mapping>(&json).unwrap(), m);
    }
}
