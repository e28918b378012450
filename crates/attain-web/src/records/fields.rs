//! A record as the columns of its dataset file: parsed from named text fields with the dataset's
//! column kinds (a field left out keeps its stored value), checked against the references of the
//! spec, read, written and shown as JSON with dataset text values.

use super::Entity;
use attain_dataset::spec::FileSpec;
use attain_store::{Executor, StoreError, StoreResult, Value};
use std::collections::BTreeMap;

/// Named text fields, keyed by dataset column names (and a few options of the forms).
pub type Fields = BTreeMap<String, String>;

/// A record: one value per column of its spec, in the spec's order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    /// The kind.
    pub entity: Entity,
    /// The values, aligned with the spec's columns.
    pub values: Vec<Value>,
}

/// Why a record was refused: the field and one sentence a person can act on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid {
    /// The field (a dataset column name, or an option like `splits`).
    pub field: String,
    /// What is wrong, without the field's name.
    pub message: String,
}

impl Invalid {
    /// Returns a refusal of `field`.
    pub fn new(field: &str, message: impl Into<String>) -> Invalid {
        Invalid {
            field: field.to_owned(),
            message: message.into(),
        }
    }

    /// Returns the sentence shown: `Close date: '2026-13-01' is not a valid date.`
    pub fn sentence(&self) -> String {
        let mut label = self.field.replace('_', " ");
        if let Some(first) = label.get(0..1) {
            label = first.to_uppercase() + &label[1..];
        }
        let end = if self.message.ends_with('.') { "" } else { "." };
        format!("{label}: {}{end}", self.message)
    }
}

impl Record {
    /// Returns the value of a column (NULL for an unknown name).
    pub fn get(&self, column: &str) -> &Value {
        static NULL: Value = Value::Null;
        match self.entity.spec().column_index(column) {
            Some(i) => &self.values[i],
            None => &NULL,
        }
    }

    /// Returns a text column, if set.
    pub fn text(&self, column: &str) -> Option<&str> {
        match self.get(column) {
            Value::Text(s) => Some(s),
            _ => None,
        }
    }

    /// Sets a column.
    pub fn set(&mut self, column: &str, value: Value) {
        if let Some(i) = self.entity.spec().column_index(column) {
            self.values[i] = value;
        }
    }

    /// Returns the record's key.
    pub fn key(&self) -> String {
        self.text(self.entity.key()).unwrap_or_default().to_owned()
    }

    /// Returns the dataset text of a column (empty when not set).
    pub fn show(&self, column: &str) -> String {
        let spec = self.entity.spec();
        match spec.column_index(column) {
            Some(i) => spec.columns[i].kind.format(&self.values[i]),
            None => String::new(),
        }
    }

    /// Returns the record as a JSON object: dataset column names, dataset text (amounts as
    /// `"1250.00"`), null when empty.
    pub fn json(&self) -> serde_json::Value {
        let spec = self.entity.spec();
        let map = spec
            .columns
            .iter()
            .zip(&self.values)
            .map(|(c, v)| {
                let j = if v.is_null() {
                    serde_json::Value::Null
                } else {
                    serde_json::Value::String(c.kind.format(v))
                };
                (c.name.to_owned(), j)
            })
            .collect();
        serde_json::Value::Object(map)
    }
}

/// Parses fields into a record of `entity`: each field with its column's kind; a field left out
/// keeps the stored value (`stored`) or stays empty; required columns must be set.
pub fn parse(entity: Entity, fields: &Fields, stored: Option<&Record>) -> Result<Record, Invalid> {
    let spec = entity.spec();
    let mut values = Vec::with_capacity(spec.columns.len());
    for (i, col) in spec.columns.iter().enumerate() {
        let v = match fields.get(col.name) {
            Some(s) if s.trim().is_empty() => Value::Null,
            Some(s) => col
                .kind
                .parse(s.trim())
                .map_err(|e| Invalid::new(col.name, e.to_string()))?,
            None => stored.map_or(Value::Null, |r| r.values[i].clone()),
        };
        if col.required && v.is_null() {
            return Err(Invalid::new(col.name, "is required"));
        }
        values.push(v);
    }
    Ok(Record { entity, values })
}

/// Refuses a field that is not a column of the record's file (options are allowed through).
pub fn known(entity: Entity, fields: &Fields, options: &[&str]) -> Result<(), Invalid> {
    let spec = entity.spec();
    for name in fields.keys() {
        if spec.column_index(name).is_none() && !options.contains(&name.as_str()) {
            let names: Vec<&str> = spec.columns.iter().map(|c| c.name).collect();
            return Err(Invalid::new(
                name,
                format!(
                    "is not a field of an {}; the fields are {}",
                    entity.noun(),
                    names.join(", ")
                ),
            ));
        }
    }
    Ok(())
}

/// Checks that every reference of the record names a stored record.
pub fn check_refs(
    ex: &mut impl Executor,
    record: &Record,
) -> Result<Result<(), Invalid>, StoreError> {
    let spec = record.entity.spec();
    for r in spec.refs {
        let [column] = r.columns else { continue };
        let Value::Text(id) = record.get(column) else {
            continue;
        };
        let found = ex.query_opt(
            &format!("SELECT 1 FROM {} WHERE {} = $1", r.table, r.target[0]),
            &[Value::Text(id.clone())],
        )?;
        if found.is_none() {
            let article = if r.noun.starts_with(['a', 'e', 'i', 'o', 'u']) {
                "an"
            } else {
                "a"
            };
            return Ok(Err(Invalid::new(
                column,
                format!("'{id}' is not {article} {} on record", r.noun),
            )));
        }
    }
    Ok(Ok(()))
}

fn columns(spec: &FileSpec) -> String {
    spec.columns
        .iter()
        .map(|c| c.name)
        .collect::<Vec<_>>()
        .join(", ")
}

/// Reads a record by key.
pub fn load(ex: &mut impl Executor, entity: Entity, key: &str) -> StoreResult<Option<Record>> {
    let spec = entity.spec();
    let row = ex.query_opt(
        &format!(
            "SELECT {} FROM {} WHERE {} = $1",
            columns(spec),
            spec.name,
            entity.key()
        ),
        &[Value::Text(key.to_owned())],
    )?;
    Ok(row.map(|r| from_row(entity, r)))
}

/// Returns a record from a row of its columns in the spec's order.
pub fn from_row(entity: Entity, row: attain_store::Row) -> Record {
    Record {
        entity,
        values: entity
            .spec()
            .columns
            .iter()
            .zip(row.into_values())
            .map(|(c, v)| c.kind.normalize(v))
            .collect(),
    }
}

/// Returns the columns of a kind, each prefixed with a table alias (`x.account_id, …`).
pub fn select_list(entity: Entity, alias: &str) -> String {
    entity
        .spec()
        .columns
        .iter()
        .map(|c| format!("{alias}.{}", c.name))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Inserts a new record, or updates the stored one with the same key.
pub fn write(ex: &mut impl Executor, record: &Record, exists: bool) -> StoreResult<()> {
    let spec = record.entity.spec();
    let n = spec.columns.len();
    if exists {
        let sets: Vec<String> = spec
            .columns
            .iter()
            .enumerate()
            .map(|(i, c)| format!("{} = ${}", c.name, i + 1))
            .collect();
        let mut args = record.values.clone();
        args.push(Value::Text(record.key()));
        ex.execute(
            &format!(
                "UPDATE {} SET {} WHERE {} = ${}",
                spec.name,
                sets.join(", "),
                record.entity.key(),
                n + 1
            ),
            &args,
        )?;
    } else {
        let marks: Vec<String> = (1..=n).map(|i| format!("${i}")).collect();
        ex.execute(
            &format!(
                "INSERT INTO {} ({}) VALUES ({})",
                spec.name,
                columns(spec),
                marks.join(", ")
            ),
            &record.values,
        )?;
    }
    Ok(())
}

/// Returns a readable id that no record of the table has yet: `PREFIX-00001`, counting on from
/// the number of ids with the prefix, so imported ids of any form never collide.
pub fn new_id(ex: &mut impl Executor, table: &str, key: &str, prefix: &str) -> StoreResult<String> {
    let pattern = format!("{prefix}-%");
    let mut n = ex
        .query_one(
            &format!("SELECT COUNT(*) FROM {table} WHERE {key} LIKE $1"),
            &[Value::Text(pattern)],
        )?
        .int(0)?
        + 1;
    loop {
        let id = format!("{prefix}-{n:05}");
        let taken = ex.query_opt(
            &format!("SELECT 1 FROM {table} WHERE {key} = $1"),
            &[Value::Text(id.clone())],
        )?;
        if taken.is_none() {
            return Ok(id);
        }
        n += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refusal_reads_as_one_sentence_naming_the_field() {
        let i = Invalid::new("close_date", "'2026-13-01' is not a date");
        assert_eq!(i.sentence(), "Close date: '2026-13-01' is not a date.");
    }

    #[test]
    fn fields_parse_with_the_dataset_kinds_and_keep_what_is_left_out() {
        let mut f = Fields::new();
        for (k, v) in [
            ("opportunity_id", "o9"),
            ("account_id", "a1"),
            ("owner_id", "r1"),
            ("name", "Deal"),
            ("stage", "proposal"),
            ("amount", "1250.5"),
            ("created_date", "2026-01-02"),
            ("close_date", "2026-03-31"),
        ] {
            f.insert(k.into(), v.into());
        }
        let r = parse(Entity::Opportunity, &f, None).unwrap();
        assert_eq!(r.get("amount"), &Value::Int(125_050));
        assert_eq!(r.json()["amount"], "1250.50");
        let mut change = Fields::new();
        change.insert("amount".into(), "12x".into());
        let e = parse(Entity::Opportunity, &change, Some(&r)).unwrap_err();
        assert_eq!(e.field, "amount");
        change.insert("amount".into(), "99".into());
        let r2 = parse(Entity::Opportunity, &change, Some(&r)).unwrap();
        assert_eq!(r2.text("name"), Some("Deal"));
        assert_eq!(r2.get("amount"), &Value::Int(9_900));
        change.insert("name".into(), " ".into());
        assert_eq!(
            parse(Entity::Opportunity, &change, Some(&r)).unwrap_err(),
            Invalid::new("name", "is required")
        );
    }
}
