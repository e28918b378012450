//! The audit log: who changed what, when, with the record before and after. Rows are written
//! with the change's own transaction, so a change and its audit row exist together or not at all.

use attain_store::{Executor, StoreResult, Value, params};
use chrono::{DateTime, Utc};

/// One change to record.
#[derive(Debug, Clone)]
pub struct Change<'a> {
    /// Who made it: a sign-in's email, or `cli:USER`.
    pub actor: &'a str,
    /// What was done: `create`, `update`, `delete`, `import` …
    pub action: &'a str,
    /// The kind of record: `user`, `api_token`, `dataset` …
    pub entity: &'a str,
    /// The record's key.
    pub key: &'a str,
    /// The record before the change (`None` when created).
    pub before: Option<serde_json::Value>,
    /// The record after the change (`None` when deleted).
    pub after: Option<serde_json::Value>,
}

/// Writes one audit row in the caller's transaction.
pub fn record(ex: &mut impl Executor, change: &Change<'_>) -> StoreResult<()> {
    let json = |v: &Option<serde_json::Value>| v.as_ref().map(ToString::to_string);
    ex.execute(
        "INSERT INTO audit_log (at, actor, action, entity, entity_key, before_json, after_json)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
        params![
            Utc::now(),
            change.actor,
            change.action,
            change.entity,
            change.key,
            json(&change.before),
            json(&change.after)
        ],
    )?;
    Ok(())
}

/// One row of the audit log as read back.
#[derive(Debug, Clone)]
pub struct Entry {
    /// The row's number.
    pub id: i64,
    /// When.
    pub at: DateTime<Utc>,
    /// Who.
    pub actor: String,
    /// What was done.
    pub action: String,
    /// The kind of record.
    pub entity: String,
    /// The record's key.
    pub key: String,
    /// The record before, as JSON text.
    pub before: Option<String>,
    /// The record after, as JSON text.
    pub after: Option<String>,
}

/// Which rows to list.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// Only this kind of record.
    pub entity: Option<String>,
    /// Only changes by this actor.
    pub actor: Option<String>,
    /// Only changes at or after this instant.
    pub from: Option<DateTime<Utc>>,
    /// Only changes before this instant.
    pub to: Option<DateTime<Utc>>,
}

/// Returns one page of matching rows, newest first, and the number of matching rows.
pub fn list(
    ex: &mut impl Executor,
    filter: &Filter,
    limit: i64,
    offset: i64,
) -> StoreResult<(Vec<Entry>, i64)> {
    let mut cond = Vec::new();
    let mut args: Vec<Value> = Vec::new();
    let mut add = |sql: &str, v: Value| {
        args.push(v);
        cond.push(sql.replace('?', &format!("${}", args.len())));
    };
    if let Some(e) = &filter.entity {
        add("entity = ?", e.clone().into());
    }
    if let Some(a) = &filter.actor {
        add("actor = ?", a.clone().into());
    }
    if let Some(f) = filter.from {
        add("at >= ?", f.into());
    }
    if let Some(t) = filter.to {
        add("at < ?", t.into());
    }
    let filter_sql = if cond.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", cond.join(" AND "))
    };
    let total = ex
        .query_one(
            &format!("SELECT COUNT(*) FROM audit_log {filter_sql}"),
            &args,
        )?
        .int(0)?;
    let rows = ex.query(
        &format!(
            "SELECT audit_id, at, actor, action, entity, entity_key, before_json, after_json
             FROM audit_log {filter_sql} ORDER BY at DESC, audit_id DESC LIMIT {limit} OFFSET {offset}"
        ),
        &args,
    )?;
    let entries = rows
        .iter()
        .map(|r| {
            Ok(Entry {
                id: r.int(0)?,
                at: r.time(1)?,
                actor: r.string(2)?,
                action: r.string(3)?,
                entity: r.string(4)?,
                key: r.string(5)?,
                before: r.opt_string(6)?,
                after: r.opt_string(7)?,
            })
        })
        .collect::<StoreResult<_>>()?;
    Ok((entries, total))
}

/// Returns the distinct entities and actors that appear in the log, for the filter choices.
pub fn choices(ex: &mut impl Executor) -> StoreResult<(Vec<String>, Vec<String>)> {
    let mut col = |sql: &str| -> StoreResult<Vec<String>> {
        ex.query(sql, &[])?.iter().map(|r| r.string(0)).collect()
    };
    let entities = col("SELECT DISTINCT entity FROM audit_log ORDER BY entity")?;
    let actors = col("SELECT DISTINCT actor FROM audit_log ORDER BY actor LIMIT 500")?;
    Ok((entities, actors))
}
