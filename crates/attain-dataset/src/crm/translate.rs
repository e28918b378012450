//! Turning an export's records into dataset rows: owners matched by email or name, accounts by
//! id or name, amounts and dates read in the export's notation, CRM values translated. Each
//! emitted row remembers the export line it came from, and each is compared with the stored
//! record so the preview can say what will be created, updated or left unchanged.

use super::fields::{Choice, Field, How, RecordKind};
use super::values::{guess_value, parse_amount, parse_count, parse_crm_date};
use super::{Export, Mapping};
use attain_domain::vocab::{ActivityType, ForecastCategory, OpportunityType};
use attain_domain::{Date, Id};
use std::collections::HashMap;

/// A person who can own a record.
#[derive(Debug, Clone)]
pub struct Person {
    /// The person's id.
    pub id: String,
    /// Their name.
    pub name: String,
    /// Their email, if any.
    pub email: Option<String>,
    /// Their home territory, if any.
    pub territory: Option<String>,
}

/// What the store knows that matching needs: people, accounts and stages, and the stored
/// records the export names (for the comparison).
#[derive(Debug, Clone, Default)]
pub struct Directory {
    /// Every person.
    pub people: Vec<Person>,
    /// Every account: id and name.
    pub accounts: Vec<(String, String)>,
    /// The stages an opportunity may be in.
    pub stages: Vec<String>,
    /// Stored records of the export's ids: id → dataset column → canonical text.
    pub stored: HashMap<String, HashMap<String, String>>,
}

/// What an emitted row does to its stored record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// The id is new: the record will be created.
    Created,
    /// The record exists and some mapped values differ.
    Updated,
    /// The record exists with the same values.
    Unchanged,
}

/// One translated record, for the preview.
#[derive(Debug, Clone)]
pub struct RowPreview {
    /// Its line in the export.
    pub line: u64,
    /// Its record id.
    pub id: String,
    /// Its name or subject.
    pub title: String,
    /// What it does.
    pub status: Status,
    /// For an update, each changed column as `column: old → new`.
    pub changes: Vec<String>,
    /// Whether a stage_history row is added for it (new, or its stage changed).
    pub stage_entered: bool,
}

/// An export translated into dataset files.
#[derive(Debug, Default)]
pub struct Translation {
    /// The dataset files, `(file name, bytes)`, for the dataset import.
    pub files: Vec<(String, Vec<u8>)>,
    /// Per dataset file: the export line of each data row, in order.
    pub lines: HashMap<String, Vec<u64>>,
    /// Per dataset file: dataset column → the export column it came from.
    pub origins: HashMap<String, HashMap<String, String>>,
    /// Every record that translated, in file order.
    pub rows: Vec<RowPreview>,
    /// Problems of records that did not translate, as `file:line: column: message`.
    pub errors: Vec<String>,
}

/// The dataset columns a kind writes, given which optional fields are mapped.
fn dataset_columns(kind: RecordKind, mapping: &Mapping) -> Vec<&'static str> {
    let has = |f: &str| mapping.column(f).is_some();
    let mut cols = Vec::new();
    match kind {
        RecordKind::Opportunities => {
            cols.extend([
                "opportunity_id",
                "account_id",
                "owner_id",
                "name",
                "stage",
                "amount",
            ]);
            if has("margin") {
                cols.push("margin");
            }
            cols.extend(["created_date", "close_date"]);
            if has("forecast_category") {
                cols.push("forecast_category");
            }
            if has("type") {
                cols.push("type");
            }
        }
        RecordKind::Activities => {
            cols.extend(["activity_id", "person_id", "date", "type"]);
            if has("account_id") || has("account_name") {
                cols.push("account_id");
            }
            if has("opportunity_id") {
                cols.push("opportunity_id");
            }
            if has("subject") {
                cols.push("subject");
            }
        }
        RecordKind::Accounts => {
            cols.extend(["account_id", "name", "territory_id"]);
            for f in ["industry", "country", "employees", "annual_revenue"] {
                if has(f) {
                    cols.push(f);
                }
            }
            if has("owner") {
                cols.push("owner_id");
            }
        }
    }
    cols
}

/// The field that fills a dataset column.
fn source_field(column: &str) -> &str {
    match column {
        "owner_id" | "person_id" => "owner_or_person",
        c => c,
    }
}

/// Returns the words a choice may take.
pub fn options(choice: Choice, dir: &Directory) -> Vec<String> {
    let words = |all: &[&str]| all.iter().map(|w| (*w).to_owned()).collect();
    match choice {
        Choice::Stage => dir.stages.clone(),
        Choice::ForecastCategory => words(
            &ForecastCategory::ALL
                .iter()
                .map(|c| c.as_str())
                .collect::<Vec<_>>(),
        ),
        Choice::OpportunityType => words(
            &OpportunityType::ALL
                .iter()
                .map(|c| c.as_str())
                .collect::<Vec<_>>(),
        ),
        Choice::ActivityType => words(
            &ActivityType::ALL
                .iter()
                .map(|c| c.as_str())
                .collect::<Vec<_>>(),
        ),
    }
}

/// Matching owners and accounts.
struct Lookup<'a> {
    by_email: HashMap<String, Vec<&'a str>>,
    by_name: HashMap<&'a str, Vec<&'a str>>,
    account_ids: std::collections::HashSet<&'a str>,
    account_names: HashMap<String, Vec<&'a str>>,
    home: HashMap<&'a str, &'a str>,
}

impl<'a> Lookup<'a> {
    fn new(dir: &'a Directory) -> Lookup<'a> {
        let mut l = Lookup {
            by_email: HashMap::new(),
            by_name: HashMap::new(),
            account_ids: dir.accounts.iter().map(|(id, _)| id.as_str()).collect(),
            account_names: HashMap::new(),
            home: HashMap::new(),
        };
        for p in &dir.people {
            if let Some(e) = &p.email {
                l.by_email.entry(e.to_lowercase()).or_default().push(&p.id);
            }
            l.by_name.entry(p.name.as_str()).or_default().push(&p.id);
            if let Some(t) = &p.territory {
                l.home.insert(&p.id, t);
            }
        }
        for (id, name) in &dir.accounts {
            l.account_names
                .entry(name.trim().to_lowercase())
                .or_default()
                .push(id);
        }
        l
    }

    /// A person by email (case-insensitive) or exact name.
    fn person(&self, value: &str) -> Result<String, String> {
        let (found, how) = if value.contains('@') {
            (self.by_email.get(&value.to_lowercase()), "email")
        } else {
            (self.by_name.get(value), "name")
        };
        match found.map(Vec::as_slice) {
            Some([one]) => Ok((*one).to_owned()),
            Some(many) if many.len() > 1 => Err(format!(
                "'{value}' is the {how} of {} people ({}); use the email instead",
                many.len(),
                many.join(", ")
            )),
            _ => Err(format!("'{value}' matches no person by {how}")),
        }
    }

    /// An account by id, else by name (case-insensitive).
    fn account(&self, id: Option<&str>, name: Option<&str>) -> Result<Option<String>, String> {
        if let Some(id) = id.filter(|s| !s.is_empty())
            && self.account_ids.contains(id)
        {
            return Ok(Some(id.to_owned()));
        }
        match name.filter(|s| !s.is_empty()) {
            Some(name) => match self
                .account_names
                .get(&name.to_lowercase())
                .map(Vec::as_slice)
            {
                Some([one]) => Ok(Some((*one).to_owned())),
                Some(many) if many.len() > 1 => Err(format!(
                    "'{name}' is the name of {} accounts ({}); map the account id column instead",
                    many.len(),
                    many.join(", ")
                )),
                _ => Err(format!(
                    "'{name}' matches no account by name; import the account first (accounts.csv)"
                )),
            },
            None => match id.filter(|s| !s.is_empty()) {
                Some(id) => Err(format!(
                    "'{id}' matches no account id; import the account first (accounts.csv)"
                )),
                None => Ok(None),
            },
        }
    }
}

/// Translates an export's records into dataset rows. `today` is the entered date of stage
/// history rows when no stage change date is mapped. Assumes `mapping.problems` found nothing.
pub fn translate(
    kind: RecordKind,
    export: &Export,
    mapping: &Mapping,
    dir: &Directory,
    today: Date,
) -> Translation {
    let lookup = Lookup::new(dir);
    let columns = dataset_columns(kind, mapping);
    let file = format!("{}.csv", kind.as_str());
    let col_of = |field: &str| mapping.column(field).and_then(|c| export.column(c));
    let id_field = kind.id_field();
    let person_field = kind
        .fields()
        .iter()
        .find(|f| f.how == How::Person)
        .map_or("owner", |f| f.name);
    let mut t = Translation::default();
    let mut origin = HashMap::new();
    for c in &columns {
        let field = match source_field(c) {
            "owner_or_person" => person_field,
            "account_id"
                if kind != RecordKind::Accounts && mapping.column("account_id").is_none() =>
            {
                "account_name"
            }
            "territory_id" if mapping.column("territory_id").is_none() => person_field,
            f => f,
        };
        if let Some(h) = mapping.column(field) {
            origin.insert((*c).to_owned(), h.to_owned());
        }
    }
    let mut history_origin = HashMap::new();
    for (c, f) in [
        ("opportunity_id", "opportunity_id"),
        ("stage", "stage"),
        ("entered_date", "stage_date"),
    ] {
        if let Some(h) = mapping.column(f) {
            history_origin.insert(c.to_owned(), h.to_owned());
        }
    }
    let mut out = csv::Writer::from_writer(Vec::new());
    let mut history = csv::Writer::from_writer(Vec::new());
    let _ = out.write_record(&columns);
    let _ = history.write_record(["opportunity_id", "stage", "entered_date"]);
    let (mut lines, mut history_lines) = (Vec::new(), Vec::new());
    let mut seen: HashMap<String, u64> = HashMap::new();
    for r in &export.rows {
        let cell = |field: &str| col_of(field).map(|i| r.cells[i].as_str());
        let mut problems: Vec<(String, String)> = Vec::new();
        let mut values: HashMap<&str, String> = HashMap::new();
        let mut problem = |field: &Field, message: String| {
            let column = mapping.column(field.name).unwrap_or(field.name).to_owned();
            problems.push((column, message));
        };
        for f in kind.fields() {
            let Some(v) = cell(f.name) else { continue };
            if v.is_empty() {
                if f.required {
                    problem(f, format!("is empty; {} is required", f.label));
                }
                continue;
            }
            let parsed = match f.how {
                How::RecordId | How::Id => Id::parse(v)
                    .map(|_| v.to_owned())
                    .map_err(|e| format!("{e}; an Attain id is 1–64 letters, digits and _ . : -")),
                How::Text => Ok(v.to_owned()),
                How::Person => lookup.person(v),
                How::AccountId | How::AccountName => continue,
                How::Money => parse_amount(v, mapping.decimal).map(|m| m.to_string()),
                How::Count => parse_count(v, mapping.decimal).map(|n| n.to_string()),
                How::Date => parse_crm_date(v, mapping.dates).map(|d| d.to_string()),
                How::Choice(choice) => choose(f, choice, v, mapping, dir),
            };
            match parsed {
                Ok(s) if s.is_empty() => {
                    if f.required {
                        problem(
                            f,
                            format!("'{v}' is mapped to no value; {} is required", f.label),
                        );
                    }
                }
                Ok(s) => {
                    values.insert(f.name, s);
                }
                Err(m) => problem(f, m),
            }
        }
        let account_field = if mapping.column("account_name").is_some() {
            kind.field("account_name")
        } else {
            kind.field("account_id")
        };
        let account = if kind == RecordKind::Accounts {
            Ok(None)
        } else {
            lookup.account(cell("account_id"), cell("account_name"))
        };
        match account {
            Ok(Some(a)) => {
                values.insert("account_id", a);
            }
            Ok(None) if kind == RecordKind::Opportunities => {
                if let Some(f) = account_field {
                    problem(f, "is empty; the account is required".to_owned());
                }
            }
            Ok(None) => {}
            Err(m) => {
                if let Some(f) = account_field {
                    problem(f, m);
                }
            }
        }
        let id = values.get(id_field.name).cloned().unwrap_or_default();
        if kind == RecordKind::Accounts && !values.contains_key("territory_id") {
            // An account's territory: the mapped column, else the stored one, else the owner's
            // home territory.
            let stored = dir.stored.get(&id).and_then(|s| s.get("territory_id"));
            let home = values
                .get(person_field)
                .and_then(|p| lookup.home.get(p.as_str()))
                .map(|t| (*t).to_owned());
            match stored.cloned().or(home) {
                Some(t) => {
                    values.insert("territory_id", t);
                }
                None => {
                    if let Some(f) = kind.field("territory_id") {
                        problem(
                            f,
                            "is empty and the owner has no home territory; map a territory \
                             column or an owner with a home territory"
                                .to_owned(),
                        );
                    }
                }
            }
        }
        if !id.is_empty() {
            if let Some(first) = seen.get(&id) {
                problem(
                    id_field,
                    format!("'{id}' appears again (first on line {first}); each record once"),
                );
            } else {
                seen.insert(id.clone(), r.line);
            }
        }
        if !problems.is_empty() {
            for (column, message) in problems {
                t.errors
                    .push(format!("{}:{}: {column}: {message}", export.name, r.line));
            }
            continue;
        }
        let person = values.remove(person_field).unwrap_or_default();
        values.insert(
            if kind == RecordKind::Activities {
                "person_id"
            } else {
                "owner_id"
            },
            person,
        );
        let row: Vec<String> = columns
            .iter()
            .map(|c| values.get(c).cloned().unwrap_or_default())
            .collect();
        let _ = out.write_record(&row);
        lines.push(r.line);
        let stored = dir.stored.get(&id);
        let mut changes = Vec::new();
        if let Some(s) = stored {
            for (c, new) in columns.iter().zip(&row) {
                let old = s.get(*c).map_or("", String::as_str);
                if old != new {
                    changes.push(format!("{c}: {} → {}", shown(old), shown(new)));
                }
            }
        }
        let status = match (stored, changes.is_empty()) {
            (None, _) => Status::Created,
            (Some(_), true) => Status::Unchanged,
            (Some(_), false) => Status::Updated,
        };
        let mut stage_entered = false;
        if kind == RecordKind::Opportunities {
            let stage = values.get("stage").cloned().unwrap_or_default();
            let stored_stage = stored.and_then(|s| s.get("stage"));
            if stored_stage != Some(&stage) {
                let entered = values
                    .get("stage_date")
                    .cloned()
                    .unwrap_or_else(|| today.to_string());
                let _ = history.write_record([id.as_str(), stage.as_str(), entered.as_str()]);
                history_lines.push(r.line);
                stage_entered = true;
            }
        }
        let title_field = if kind == RecordKind::Activities {
            "subject"
        } else {
            "name"
        };
        t.rows.push(RowPreview {
            line: r.line,
            id,
            title: values.get(title_field).cloned().unwrap_or_default(),
            status,
            changes,
            stage_entered,
        });
    }
    t.files
        .push((file.clone(), out.into_inner().unwrap_or_default()));
    t.lines.insert(file.clone(), lines);
    t.origins.insert(file, origin);
    if kind == RecordKind::Opportunities && !history_lines.is_empty() {
        let name = "stage_history.csv".to_owned();
        t.files
            .push((name.clone(), history.into_inner().unwrap_or_default()));
        t.lines.insert(name.clone(), history_lines);
        t.origins.insert(name, history_origin);
    }
    t
}

fn shown(s: &str) -> &str {
    if s.is_empty() { "(empty)" } else { s }
}

/// Translates a CRM value through the mapping's value table, or by guessing.
fn choose(
    f: &Field,
    choice: Choice,
    v: &str,
    mapping: &Mapping,
    dir: &Directory,
) -> Result<String, String> {
    let options = options(choice, dir);
    let what = match choice {
        Choice::Stage => "stage",
        Choice::ForecastCategory => "forecast category",
        Choice::OpportunityType => "opportunity type",
        Choice::ActivityType => "activity type",
    };
    match mapping.values.get(f.name).and_then(|m| m.get(v)) {
        Some(w) if w.is_empty() || options.contains(w) => Ok(w.clone()),
        Some(w) => Err(format!(
            "'{v}' is mapped to '{w}', which is not a {what} (one of {})",
            options.join(", ")
        )),
        None => guess_value(choice, v, &options).ok_or_else(|| {
            format!(
                "'{v}' has no Attain {what} in the value mapping; choose one of {}",
                options.join(", ")
            )
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crm::read;

    fn directory() -> Directory {
        let person = |id: &str, name: &str, email: &str| Person {
            id: id.into(),
            name: name.into(),
            email: Some(email.into()),
            territory: Some("t1".into()),
        };
        Directory {
            people: vec![
                person("r1", "Rita Rep", "rita@x.test"),
                person("r2", "Raj Rep", "raj@x.test"),
            ],
            accounts: vec![("a1".into(), "Acme".into()), ("a2".into(), "Globex".into())],
            stages: crate::rules::DEFAULT_STAGES
                .iter()
                .map(|s| (*s).to_owned())
                .collect(),
            stored: HashMap::new(),
        }
    }

    const EXPORT: &str = "Id,Name,Account ID,Account Name,Owner,Stage,Amount,Created,Close Date\n\
        o1,First,a2,Acme,RITA@x.test,Prospecting,\"1,000\",2026-01-02,2026-03-31\n\
        o2,Second,,globex,Raj Rep,Closed Won,5,2026-01-02,2026-03-31\n";

    fn mapping() -> Mapping {
        let mut m = Mapping::default();
        for (f, c) in [
            ("opportunity_id", "Id"),
            ("name", "Name"),
            ("account_id", "Account ID"),
            ("account_name", "Account Name"),
            ("owner", "Owner"),
            ("stage", "Stage"),
            ("amount", "Amount"),
            ("created_date", "Created"),
            ("close_date", "Close Date"),
        ] {
            m.columns.insert(f.into(), c.into());
        }
        m
    }

    fn text(t: &Translation, file: &str) -> String {
        let bytes = &t.files.iter().find(|(n, _)| n == file).unwrap().1;
        String::from_utf8(bytes.clone()).unwrap()
    }

    #[test]
    fn owners_match_by_email_or_name_and_accounts_by_id_before_name() {
        let export = read("e.csv", EXPORT.as_bytes()).unwrap();
        let today = attain_domain::parse_date("2026-11-27").unwrap();
        let t = translate(
            RecordKind::Opportunities,
            &export,
            &mapping(),
            &directory(),
            today,
        );
        assert!(t.errors.is_empty(), "{:?}", t.errors);
        assert_eq!(
            text(&t, "opportunities.csv"),
            "opportunity_id,account_id,owner_id,name,stage,amount,created_date,close_date\n\
             o1,a2,r1,First,prospecting,1000.00,2026-01-02,2026-03-31\n\
             o2,a2,r2,Second,closed_won,5.00,2026-01-02,2026-03-31\n"
        );
        assert_eq!(
            text(&t, "stage_history.csv"),
            "opportunity_id,stage,entered_date\no1,prospecting,2026-11-27\no2,closed_won,2026-11-27\n"
        );
        assert_eq!(t.lines["opportunities.csv"], vec![2, 3]);
    }

    #[test]
    fn a_stored_record_with_the_same_values_is_unchanged_and_enters_no_stage() {
        let export = read("e.csv", EXPORT.as_bytes()).unwrap();
        let mut dir = directory();
        let stored: HashMap<String, String> = [
            ("opportunity_id", "o1"),
            ("account_id", "a2"),
            ("owner_id", "r1"),
            ("name", "First"),
            ("stage", "prospecting"),
            ("amount", "1000.00"),
            ("created_date", "2026-01-02"),
            ("close_date", "2026-03-31"),
            ("margin", "7.00"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
        dir.stored.insert("o1".into(), stored);
        let today = attain_domain::parse_date("2026-11-27").unwrap();
        let t = translate(RecordKind::Opportunities, &export, &mapping(), &dir, today);
        assert_eq!(
            t.rows[0].status,
            Status::Unchanged,
            "{:?}",
            t.rows[0].changes
        );
        assert!(!t.rows[0].stage_entered);
        assert_eq!(t.rows[1].status, Status::Created);
        assert_eq!(t.lines["stage_history.csv"], vec![3]);
    }

    #[test]
    fn an_unmapped_stage_value_and_an_unknown_account_are_errors_on_their_lines() {
        let text = EXPORT
            .replace("Prospecting", "Id. Decision Makers?!")
            .replace(",globex,", ",Initech,");
        let export = read("e.csv", text.as_bytes()).unwrap();
        let mut m = mapping();
        m.values.insert(
            "stage".into(),
            [("Id. Decision Makers?!".to_owned(), String::new())]
                .into_iter()
                .collect(),
        );
        let today = attain_domain::parse_date("2026-11-27").unwrap();
        let t = translate(RecordKind::Opportunities, &export, &m, &directory(), today);
        assert_eq!(
            t.errors,
            vec![
                "e.csv:2: Stage: 'Id. Decision Makers?!' is mapped to no value; Stage is required",
                "e.csv:3: Account Name: 'Initech' matches no account by name; import the account \
                 first (accounts.csv)",
            ]
        );
        assert!(t.rows.is_empty());
    }
}
