//! Writes results into the store inside the caller's transaction: the year's previous results
//! are deleted and the new ones inserted in multi-row statements of [`BATCH`] rows, so a
//! calculation either replaces the year's results or, rolled back, leaves them as they were.

use crate::results::Results;
use attain_store::{Executor, StoreError, Tx, Value};

/// Rows per `INSERT`.
pub const BATCH: usize = 500;

/// Inserts `rows` (each with one value per column) into `table` in statements of [`BATCH`] rows.
pub fn insert_rows(
    tx: &mut Tx<'_>,
    table: &str,
    columns: &[&str],
    rows: impl Iterator<Item = Vec<Value>>,
) -> Result<u64, StoreError> {
    let head = format!("INSERT INTO {table} ({}) VALUES ", columns.join(", "));
    let mut params: Vec<Value> = Vec::with_capacity(BATCH * columns.len());
    let mut written = 0u64;
    let mut flush = |tx: &mut Tx<'_>, params: &mut Vec<Value>| -> Result<(), StoreError> {
        if params.is_empty() {
            return Ok(());
        }
        let n = params.len() / columns.len();
        let mut sql = String::with_capacity(head.len() + n * columns.len() * 6);
        sql.push_str(&head);
        let mut p = 1;
        for r in 0..n {
            sql.push_str(if r == 0 { "(" } else { ", (" });
            for c in 0..columns.len() {
                if c > 0 {
                    sql.push_str(", ");
                }
                sql.push('$');
                sql.push_str(&p.to_string());
                p += 1;
            }
            sql.push(')');
        }
        tx.execute(&sql, params)?;
        written += n as u64;
        params.clear();
        Ok(())
    };
    for row in rows {
        debug_assert_eq!(row.len(), columns.len());
        params.extend(row);
        if params.len() == BATCH * columns.len() {
            flush(tx, &mut params)?;
        }
    }
    flush(tx, &mut params)?;
    Ok(written)
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
        tx.execute(
            &format!("DELETE FROM {table} WHERE year = $1"),
            &[year.into()],
        )?;
    }
    insert_rows(
        tx,
        "result_credits",
        &[
            "person_id",
            "year",
            "month",
            "metric",
            "direct",
            "override",
            "credited",
            "target",
            "attainment",
        ],
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
        &[
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
        ],
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
        &[
            "territory_id",
            "year",
            "month",
            "metric",
            "actual",
            "target",
            "attainment",
        ],
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
        &[
            "person_id",
            "year",
            "month",
            "calculated",
            "adjustments",
            "total",
        ],
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
