//! Writes results into the store inside the caller's transaction: the year's previous results
//! are deleted and the new ones inserted through the store's bulk door, so a calculation either
//! replaces the year's results or, rolled back, leaves them as they were.

use crate::results::Results;
use attain_store::{Executor, StoreError, Tx, Value};

/// The columns of credits.csv and `result_credits`, in the order of dataset.md.
pub(crate) const CREDIT_COLUMNS: &[&str] = &[
    "person_id",
    "year",
    "month",
    "metric",
    "direct",
    "override",
    "credited",
    "target",
    "attainment",
];
/// The columns of payouts.csv and `result_payouts`, in the order of dataset.md.
pub(crate) const PAYOUT_COLUMNS: &[&str] = &[
    "person_id",
    "plan_id",
    "component",
    "year",
    "month",
    "period_credit",
    "period_target",
    "attainment",
    "earned_to_date",
    "adjustment",
    "payout",
    "locked",
];
/// The columns of territory_results.csv and `result_territories`, in the order of dataset.md.
pub(crate) const TERRITORY_COLUMNS: &[&str] = &[
    "territory_id",
    "year",
    "month",
    "metric",
    "actual",
    "target",
    "attainment",
];
/// The columns of statements.csv and `result_statements`, in the order of dataset.md.
pub(crate) const STATEMENT_COLUMNS: &[&str] = &[
    "person_id",
    "year",
    "month",
    "calculated",
    "adjustments",
    "total",
];

/// Inserts `rows` (each with one value per column) into `table` through the store's bulk
/// door (prepared single-row inserts on SQLite, `COPY` on PostgreSQL).
pub fn insert_rows(
    tx: &mut Tx<'_>,
    table: &str,
    columns: &[&str],
    rows: impl Iterator<Item = Vec<Value>>,
) -> Result<u64, StoreError> {
    tx.insert_many(table, columns, rows)
}

fn ratio(r: Option<attain_domain::Ratio>) -> Value {
    r.map_or(Value::Null, |r| Value::Int(r.micros()))
}

/// Replaces fiscal year `results.year`'s rows of the four results tables.
pub fn write_results(tx: &mut Tx<'_>, results: &Results) -> Result<(), StoreError> {
    let year = i64::from(results.year);
    for table in [
        "result_credits",
        "result_payouts",
        "result_territories",
        "result_statements",
    ] {
        // A table that holds no other year is emptied whole: SQLite then drops its pages
        // without visiting every row and index entry.
        let other_years = tx
            .query_opt(
                &format!("SELECT 1 FROM {table} WHERE year <> $1 LIMIT 1"),
                &[year.into()],
            )?
            .is_some();
        if other_years {
            tx.execute(
                &format!("DELETE FROM {table} WHERE year = $1"),
                &[year.into()],
            )?;
        } else {
            tx.execute(&format!("DELETE FROM {table}"), &[])?;
        }
    }
    insert_rows(
        tx,
        "result_credits",
        CREDIT_COLUMNS,
        results.credits.iter().map(|c| {
            vec![
                c.person_id.as_str().into(),
                year.into(),
                c.month.into(),
                c.metric.as_str().into(),
                c.direct.into(),
                c.override_credit.into(),
                c.credited.into(),
                c.target.into(),
                ratio(c.attainment),
            ]
        }),
    )?;
    insert_rows(
        tx,
        "result_payouts",
        PAYOUT_COLUMNS,
        results.payouts.iter().map(|p| {
            vec![
                p.person_id.as_str().into(),
                p.plan_id.as_str().into(),
                p.component_id.as_str().into(),
                year.into(),
                p.month.into(),
                p.period_credit.into(),
                p.period_target.into(),
                ratio(p.attainment),
                p.earned_to_date.into(),
                p.adjustment.into(),
                p.payout.into(),
                p.locked.into(),
            ]
        }),
    )?;
    insert_rows(
        tx,
        "result_territories",
        TERRITORY_COLUMNS,
        results.territories.iter().map(|t| {
            vec![
                t.territory_id.as_str().into(),
                year.into(),
                t.month.into(),
                t.metric.as_str().into(),
                t.actual.into(),
                t.target.into(),
                ratio(t.attainment),
            ]
        }),
    )?;
    insert_rows(
        tx,
        "result_statements",
        STATEMENT_COLUMNS,
        results.statements.iter().map(|s| {
            vec![
                s.person_id.as_str().into(),
                year.into(),
                s.month.into(),
                s.calculated.into(),
                s.adjustments.into(),
                s.total.into(),
            ]
        }),
    )?;
    Ok(())
}

/// What a calculation run is recorded with in `calc_runs`.
#[derive(Debug, Clone)]
pub struct RunRecord<'a> {
    pub actor: &'a str,
    pub started_at: chrono::DateTime<chrono::Utc>,
    pub inputs: serde_json::Value,
    pub results: &'a Results,
}

/// Records a calculation run and returns its id.
pub fn record_run(tx: &mut Tx<'_>, run: &RunRecord<'_>) -> Result<i64, StoreError> {
    let r = run.results;
    let totals = serde_json::json!({
        "credits_rows": r.credits.len(),
        "payouts_rows": r.payouts.len(),
        "territory_rows": r.territories.len(),
        "statements_rows": r.statements.len(),
        "payout_total": r.payout_total().to_string(),
        "adjustment_total": r.adjustment_total().to_string(),
        "statement_total": r.statement_total().to_string(),
        "last_locked_month": r.last_locked,
        "warnings": r.warnings.len(),
    });
    let row = tx.query_one(
        "INSERT INTO calc_runs (year, actor, started_at, finished_at, inputs_json, totals_json, warnings_json)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING run_id",
        &[
            r.year.into(),
            run.actor.into(),
            run.started_at.into(),
            chrono::Utc::now().into(),
            run.inputs.to_string().into(),
            totals.to_string().into(),
            serde_json::Value::from(r.warnings.clone()).to_string().into(),
        ],
    )?;
    row.int(0)
}
