//! `calc`, `lock` and `unlock` as store operations. Each runs in one transaction: it reads the
//! year's inputs, computes, and writes results (and paid rows, snapshots and audit records), so
//! it happens whole or not at all. On PostgreSQL the transaction is `REPEATABLE READ`, so every
//! page of the inputs comes from one snapshot, and a concurrent run on the same year fails with
//! a serialization error instead of mixing results; on SQLite the transaction holds the write
//! lock from its start.

use crate::calc::{CalcError, LockedMonth, calculate, lock_through};
use crate::input::Inputs;
use crate::load::{LoadError, load};
use crate::results::Results;
use crate::write::{RunRecord, insert_rows, record_run, write_results};
use attain_dataset::Progress;
use attain_domain::Money;
use attain_store::{Backend, Executor, Store, StoreError, Tx, Value};
use std::time::{Duration, Instant};

/// Why an operation did nothing.
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    /// The request was refused (exit status 1); one sentence.
    #[error("{0}")]
    Refused(String),
    /// The data cannot be calculated.
    #[error(transparent)]
    Calc(#[from] CalcError),
    /// The database failed (exit status 3).
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<LoadError> for EngineError {
    fn from(e: LoadError) -> Self {
        match e {
            LoadError::Store(e) => EngineError::Store(e),
            LoadError::Data(m) => EngineError::Refused(m),
        }
    }
}

/// A finished calculation run.
#[derive(Debug)]
pub struct CalcRun {
    pub run_id: i64,
    pub results: Results,
    /// How many rows of each input were read.
    pub inputs: serde_json::Value,
    pub elapsed: Duration,
}

/// What `lock` did.
#[derive(Debug)]
pub struct LockRun {
    /// The months closed, in order (empty when they already were).
    pub months: Vec<LockedMonth>,
    pub run: CalcRun,
}

/// What `unlock` did.
#[derive(Debug)]
pub struct UnlockRun {
    /// The paid rows deleted and their sum.
    pub rows: i64,
    pub total: Money,
    pub run: CalcRun,
}

/// Checks that `year` is a fiscal year name the dataset allows.
fn check_year(year: i32) -> Result<(), EngineError> {
    if (1900..=9999).contains(&year) {
        Ok(())
    } else {
        Err(EngineError::Refused(format!(
            "{year} is not a fiscal year between 1900 and 9999"
        )))
    }
}

/// Begins the operation's transaction (see the module documentation).
fn begin(tx: &mut Tx<'_>) -> Result<(), StoreError> {
    if tx.backend() == Backend::Postgres {
        tx.batch("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")?;
    }
    Ok(())
}

fn input_counts(inputs: &Inputs) -> serde_json::Value {
    serde_json::json!({
        "transactions_read": inputs.transactions.len(),
        "splits": inputs.splits.len(),
        "people": inputs.people.len(),
        "reporting": inputs.reporting.len(),
        "territories": inputs.territories.len(),
        "accounts": inputs.accounts.len(),
        "alignments": inputs.alignments.len(),
        "components": inputs.components.len(),
        "plan_assignments": inputs.assignments.len(),
        "paid": inputs.paid.len(),
        "adjustments": inputs.adjustments.len(),
    })
}

/// Writes results and the run record; returns the run.
fn finish(
    tx: &mut Tx<'_>,
    actor: &str,
    started: (chrono::DateTime<chrono::Utc>, Instant),
    inputs: &Inputs,
    results: Results,
) -> Result<CalcRun, EngineError> {
    write_results(tx, &results)?;
    let mut counts = input_counts(inputs);
    counts["transactions"] = results.transactions.into();
    let run_id = record_run(
        tx,
        &RunRecord {
            actor,
            started_at: started.0,
            inputs: counts.clone(),
            results: &results,
        },
    )?;
    Ok(CalcRun {
        run_id,
        results,
        inputs: counts,
        elapsed: started.1.elapsed(),
    })
}

/// `attain calc --year Y`: calculates the year and replaces its results.
pub fn run_calc(
    store: &Store,
    year: i32,
    actor: &str,
    progress: &dyn Progress,
) -> Result<CalcRun, EngineError> {
    check_year(year)?;
    let started = (chrono::Utc::now(), Instant::now());
    let mut conn = store.conn()?;
    let mut tx = conn.transaction()?;
    begin(&mut tx)?;
    let inputs = load(&mut tx, year, progress)?;
    let loaded = started.1.elapsed();
    let results = calculate(&inputs)?;
    let calculated = started.1.elapsed();
    let run = finish(&mut tx, actor, started, &inputs, results)?;
    tx.commit()?;
    tracing::info!(
        calc.year = year,
        calc.load_ms = loaded.as_millis() as u64,
        calc.compute_ms = (calculated - loaded).as_millis() as u64,
        calc.write_ms = (started.1.elapsed() - calculated).as_millis() as u64,
        "calculated"
    );
    Ok(run)
}

fn month_key(year: i32, month: u32) -> String {
    format!("{year}-{month:02}")
}

/// `attain lock --year Y --through M`: recalculates, then stores every person's and component's
/// payout of each open month up to `through` as paid, in order, with a statement snapshot and an
/// audit record per month.
pub fn run_lock(
    store: &Store,
    year: i32,
    through: u32,
    actor: &str,
    progress: &dyn Progress,
) -> Result<LockRun, EngineError> {
    check_year(year)?;
    if !(1..=12).contains(&through) {
        return Err(EngineError::Refused(format!(
            "{through} is not a fiscal month (1–12)"
        )));
    }
    let started = (chrono::Utc::now(), Instant::now());
    let mut conn = store.conn()?;
    let mut tx = conn.transaction()?;
    begin(&mut tx)?;
    let inputs = load(&mut tx, year, progress)?;
    let last = inputs.last_locked();
    let outcome = lock_through(&inputs, through)?;
    if outcome.months.is_empty() && through > last {
        return Err(EngineError::Refused(format!(
            "there is nothing to lock in {year}: no one has a plan assignment or a paid component"
        )));
    }
    let now = chrono::Utc::now();
    for lm in &outcome.months {
        let rows = insert_rows(
            &mut tx,
            "paid",
            &[
                "person_id",
                "plan_id",
                "component",
                "year",
                "month",
                "amount",
            ],
            lm.paid.iter().map(|p| {
                let c = &inputs.components[p.component.get()];
                vec![
                    inputs.people[p.person.get()].id.as_str().into(),
                    c.plan_id.as_str().into(),
                    c.component.as_str().into(),
                    year.into(),
                    lm.month.into(),
                    p.amount.into(),
                ]
            }),
        )?;
        insert_rows(
            &mut tx,
            "closed_statements",
            &[
                "person_id",
                "year",
                "month",
                "calculated",
                "adjustments",
                "total",
                "closed_at",
                "closed_by",
            ],
            outcome
                .results
                .statements
                .iter()
                .filter(|s| s.month == lm.month)
                .map(|s| {
                    vec![
                        s.person_id.as_str().into(),
                        year.into(),
                        s.month.into(),
                        s.calculated.into(),
                        s.adjustments.into(),
                        s.total.into(),
                        now.into(),
                        actor.into(),
                    ]
                }),
        )?;
        let total = lm.total().to_string();
        audit(
            &mut tx,
            actor,
            "lock",
            &month_key(year, lm.month),
            serde_json::json!({ "locked": false, "payout_total": total, "rows": rows }),
            serde_json::json!({ "locked": true, "paid_total": total, "rows": rows }),
        )?;
    }
    let months = outcome.months;
    let run = finish(&mut tx, actor, started, &inputs, outcome.results)?;
    tx.commit()?;
    Ok(LockRun { months, run })
}

/// `attain unlock --year Y --month M --reason TEXT`: reopens the latest locked month, deleting
/// its paid rows and statement snapshots, records why, and recalculates.
pub fn run_unlock(
    store: &Store,
    year: i32,
    month: u32,
    reason: &str,
    actor: &str,
    progress: &dyn Progress,
) -> Result<UnlockRun, EngineError> {
    check_year(year)?;
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(EngineError::Refused(
            "unlocking a month needs a reason".into(),
        ));
    }
    let started = (chrono::Utc::now(), Instant::now());
    let mut conn = store.conn()?;
    let mut tx = conn.transaction()?;
    begin(&mut tx)?;
    let latest = tx
        .query_one(
            "SELECT MAX(month) FROM paid WHERE year = $1",
            &[year.into()],
        )?
        .opt_int(0)?;
    match latest {
        None => {
            return Err(EngineError::Refused(format!(
                "no month of {year} is locked"
            )));
        }
        Some(l) if l != i64::from(month) => {
            return Err(EngineError::Refused(format!(
                "month {month} of {year} is not the latest locked month: only month {l} can be unlocked"
            )));
        }
        Some(_) => {}
    }
    let before = tx.query_one(
        "SELECT COUNT(*), CAST(COALESCE(SUM(amount), 0) AS BIGINT) FROM paid WHERE year = $1 AND month = $2",
        &[year.into(), month.into()],
    )?;
    let (rows, total) = (before.int(0)?, before.money(1)?);
    let key: [Value; 2] = [year.into(), month.into()];
    tx.execute("DELETE FROM paid WHERE year = $1 AND month = $2", &key)?;
    tx.execute(
        "DELETE FROM closed_statements WHERE year = $1 AND month = $2",
        &key,
    )?;
    audit(
        &mut tx,
        actor,
        "unlock",
        &month_key(year, month),
        serde_json::json!({ "locked": true, "paid_total": total.to_string(), "rows": rows }),
        serde_json::json!({ "locked": false, "reason": reason }),
    )?;
    let inputs = load(&mut tx, year, progress)?;
    let results = calculate(&inputs)?;
    let run = finish(&mut tx, actor, started, &inputs, results)?;
    tx.commit()?;
    Ok(UnlockRun { rows, total, run })
}

/// Records a lock or unlock of a fiscal month in the audit log.
fn audit(
    tx: &mut Tx<'_>,
    actor: &str,
    action: &str,
    key: &str,
    before: serde_json::Value,
    after: serde_json::Value,
) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO audit_log (at, actor, action, entity, entity_key, before_json, after_json)
         VALUES ($1, $2, $3, 'fiscal_month', $4, $5, $6)",
        &[
            chrono::Utc::now().into(),
            actor.into(),
            action.into(),
            key.into(),
            before.to_string().into(),
            after.to_string().into(),
        ],
    )?;
    Ok(())
}
