//! Allocation versions in the store (planning.md §6): every allocation of `(Y, M)` is saved as a
//! new draft version — its target rows, and per node and per person what reconciliation shows —
//! without touching the targets that calculation reads. Approving a version replaces all
//! company, territory and person targets of `(Y, M)` with its rows in one transaction, marks it
//! approved (the one approved before becomes superseded) and writes an audit record. Versions are
//! never deleted, so earlier ones stay readable.

use crate::PlanError;
use crate::allocate::{Allocation, Carries, TargetRow, allocate};
use crate::load::load_org;
use crate::params::{Params, check_year};
use attain_dataset::Progress;
use attain_domain::Money;
use attain_domain::vocab::{Metric, Scope};
use attain_store::{Backend, Executor, Row, Store, Tx, Value};
use chrono::{DateTime, Utc};
use std::fmt;
use std::time::{Duration, Instant};

/// A version's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Status {
    /// Saved; changes nothing that calculation uses.
    Draft,
    /// The targets of its year and metric.
    Approved,
    /// Approved once, replaced by a later approval.
    Superseded,
}

impl Status {
    /// Returns the stored word.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::Approved => "approved",
            Status::Superseded => "superseded",
        }
    }

    fn parse(s: &str) -> Result<Status, PlanError> {
        match s {
            "draft" => Ok(Status::Draft),
            "approved" => Ok(Status::Approved),
            "superseded" => Ok(Status::Superseded),
            other => Err(PlanError::Refused(format!(
                "stored version status '{other}' is not draft, approved or superseded"
            ))),
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A stored version of the allocation of one year and metric.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionInfo {
    pub year: i32,
    pub metric: Metric,
    /// 1, 2, … within the year and metric.
    pub version: u32,
    pub status: Status,
    pub params: Params,
    /// The company's annual target.
    pub total: Money,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    pub approved_by: Option<String>,
    pub approved_at: Option<DateTime<Utc>>,
    /// The store's key of the version.
    pub(crate) id: i64,
}

impl VersionInfo {
    /// Returns "version 3 of 2026 bookings".
    pub fn name(&self) -> String {
        format!("version {} of {} {}", self.version, self.year, self.metric)
    }
}

/// Sums of the target rows of one year and metric, by scope.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TargetTotals {
    pub company: Money,
    pub territory: Money,
    pub person: Money,
    pub rows: u64,
}

impl TargetTotals {
    fn to_json(self) -> serde_json::Value {
        serde_json::json!({
            "company": self.company.to_string(),
            "territory": self.territory.to_string(),
            "person": self.person.to_string(),
            "rows": self.rows,
        })
    }
}

/// What an approval did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Approval {
    /// The version, now approved.
    pub version: VersionInfo,
    /// The version approved before, now superseded.
    pub superseded: Option<u32>,
    /// The targets of the year and metric before and after.
    pub before: TargetTotals,
    pub after: TargetTotals,
    /// The last locked month of the year (0: none): changed targets there reach pay as the next
    /// calculation's adjustment.
    pub last_locked: u32,
}

/// What an allocation run did.
#[derive(Debug, Clone)]
pub struct Allocated {
    /// The new version (approved when asked).
    pub version: VersionInfo,
    pub allocation: Allocation,
    pub approval: Option<Approval>,
    pub load_time: Duration,
    pub compute_time: Duration,
    pub save_time: Duration,
}

const VERSION_COLUMNS: &str = "version_id, year, metric, version, status, params_json, total, \
     created_by, created_at, approved_by, approved_at";

fn version_info(row: &Row) -> Result<VersionInfo, PlanError> {
    let json: serde_json::Value = serde_json::from_str(row.text(5)?)
        .map_err(|e| PlanError::Refused(format!("stored version parameters: {e}")))?;
    let params = Params::from_json(&json)
        .map_err(|e| PlanError::Refused(format!("stored version parameters: {e}")))?;
    let metric = Metric::parse(row.text(2)?)
        .map_err(|e| PlanError::Refused(format!("stored version metric {e}")))?;
    Ok(VersionInfo {
        id: row.int(0)?,
        year: row.int(1)? as i32,
        metric,
        version: row.int(3)? as u32,
        status: Status::parse(row.text(4)?)?,
        params,
        total: row.money(6)?,
        created_by: row.string(7)?,
        created_at: row.time(8)?,
        approved_by: row.opt_string(9)?,
        approved_at: if row.value(10).is_null() {
            None
        } else {
            Some(row.time(10)?)
        },
    })
}

/// Takes the planning lock on PostgreSQL, so two allocations of the same moment number their
/// versions one after the other (SQLite's write lock does the same at `BEGIN IMMEDIATE`).
fn lock_plans(tx: &mut Tx<'_>) -> Result<(), PlanError> {
    if tx.backend() == Backend::Postgres {
        tx.batch("SELECT pg_advisory_xact_lock(7406112)")?;
    }
    Ok(())
}

/// Reads the organisation and allocates, writing nothing: what the web pages show before saving.
pub fn preview(
    store: &Store,
    params: &Params,
    progress: &dyn Progress,
) -> Result<Allocation, PlanError> {
    params.check()?;
    let mut conn = store.conn()?;
    let org = load_org(&mut conn, params, progress)?;
    Ok(allocate(&org, params)?)
}

/// `attain plan allocate`: allocates and saves a new draft version of `(Y, M)`; with `approve`,
/// approves it in the same transaction.
pub fn run_allocate(
    store: &Store,
    params: &Params,
    approve: bool,
    actor: &str,
    progress: &dyn Progress,
) -> Result<Allocated, PlanError> {
    params.check()?;
    let started = Instant::now();
    let mut conn = store.conn()?;
    let mut tx = conn.transaction()?;
    lock_plans(&mut tx)?;
    let org = load_org(&mut tx, params, progress)?;
    let loaded = started.elapsed();
    let allocation = allocate(&org, params)?;
    let computed = started.elapsed();
    let version = save_draft(&mut tx, &allocation, actor)?;
    let approval = if approve {
        Some(approve_in(&mut tx, version.clone(), actor)?)
    } else {
        None
    };
    tx.commit()?;
    let saved = started.elapsed();
    tracing::info!(
        plan.year = params.year,
        plan.metric = params.metric.as_str(),
        plan.version = version.version,
        plan.load_ms = loaded.as_millis() as u64,
        plan.compute_ms = (computed - loaded).as_millis() as u64,
        plan.save_ms = (saved - computed).as_millis() as u64,
        "allocated"
    );
    Ok(Allocated {
        version: approval.as_ref().map_or(version, |a| a.version.clone()),
        allocation,
        approval,
        load_time: loaded,
        compute_time: computed - loaded,
        save_time: saved - computed,
    })
}

/// Saves an allocation as the next draft version of its year and metric.
pub fn save_draft(
    tx: &mut Tx<'_>,
    allocation: &Allocation,
    actor: &str,
) -> Result<VersionInfo, PlanError> {
    let p = &allocation.params;
    let next = tx
        .query_one(
            "SELECT COALESCE(MAX(version), 0) FROM plan_versions WHERE year = $1 AND metric = $2",
            &[p.year.into(), p.metric.as_str().into()],
        )?
        .int(0)?
        + 1;
    let now = Utc::now();
    let params_json = p.to_json().to_string();
    let id = tx
        .query_one(
            "INSERT INTO plan_versions (year, metric, version, status, params_json, total, created_by, created_at)
             VALUES ($1, $2, $3, 'draft', $4, $5, $6, $7) RETURNING version_id",
            &[
                p.year.into(),
                p.metric.as_str().into(),
                next.into(),
                params_json.as_str().into(),
                p.total.into(),
                actor.into(),
                now.into(),
            ],
        )?
        .int(0)?;

    let rows: Vec<Vec<Value>> = allocation
        .target_rows()
        .into_iter()
        .map(|r| {
            vec![
                id.into(),
                r.scope.as_str().into(),
                r.scope_id.into(),
                r.month.into(),
                r.amount.into(),
            ]
        })
        .collect();
    insert(
        tx,
        "plan_version_rows",
        &["version_id", "scope", "scope_id", "month", "amount"],
        &rows,
    )?;

    let nodes: Vec<Vec<Value>> = allocation
        .nodes
        .iter()
        .enumerate()
        .map(|(i, n)| {
            vec![
                id.into(),
                n.territory_id.as_str().into(),
                n.parent
                    .map(|p| allocation.nodes[p].territory_id.as_str())
                    .into(),
                (i as i64).into(),
                n.depth.into(),
                n.leaf.into(),
                n.annual.into(),
                n.overassigned.into(),
                n.unassigned.into(),
                n.hire_gap.into(),
                n.leaver_gap.into(),
                n.ramp_gap.into(),
                n.reps.into(),
            ]
        })
        .collect();
    insert(
        tx,
        "plan_version_nodes",
        &[
            "version_id",
            "territory_id",
            "parent_id",
            "position",
            "depth",
            "leaf",
            "target",
            "overassigned",
            "unassigned",
            "hire_gap",
            "leaver_gap",
            "ramp_gap",
            "reps",
        ],
        &nodes,
    )?;

    let people: Vec<Vec<Value>> = allocation
        .people
        .iter()
        .map(|p| {
            let (leaf, reps) = match p.carries {
                Carries::Leaf(n) => (Some(allocation.nodes[n].territory_id.as_str()), None),
                Carries::Reps(r) => (None, Some(r)),
            };
            vec![
                id.into(),
                p.person_id.as_str().into(),
                leaf.into(),
                reps.into(),
                p.assigned.into(),
                p.hire_gap.into(),
                p.leaver_gap.into(),
                p.ramp_gap.into(),
            ]
        })
        .collect();
    insert(
        tx,
        "plan_version_people",
        &[
            "version_id",
            "person_id",
            "territory_id",
            "reps",
            "assigned",
            "hire_gap",
            "leaver_gap",
            "ramp_gap",
        ],
        &people,
    )?;

    let info = VersionInfo {
        id,
        year: p.year,
        metric: p.metric,
        version: next as u32,
        status: Status::Draft,
        params: p.clone(),
        total: p.total,
        created_by: actor.to_owned(),
        created_at: now,
        approved_by: None,
        approved_at: None,
    };
    let s = allocation.summary();
    audit(
        tx,
        actor,
        "allocate",
        &info,
        serde_json::Value::Null,
        serde_json::json!({
            "status": "draft",
            "params": p.to_json(),
            "reps": s.reps,
            "leaders": s.leaders,
            "reps_total": s.reps_total.to_string(),
            "overassigned": s.overassigned.to_string(),
            "unassigned": s.unassigned.to_string(),
        }),
    )?;
    Ok(info)
}

/// Inserts rows through the store's bulk door.
fn insert(
    tx: &mut Tx<'_>,
    table: &str,
    columns: &[&str],
    rows: &[Vec<Value>],
) -> Result<(), PlanError> {
    let slices: Vec<&[Value]> = rows.iter().map(Vec::as_slice).collect();
    let conflicts = tx.insert_rows(table, columns, &slices)?;
    if conflicts.is_empty() {
        Ok(())
    } else {
        Err(PlanError::Refused(format!(
            "{} rows of {table} repeat a key; nothing was saved",
            conflicts.len()
        )))
    }
}

/// Records a planning action in the audit log.
fn audit(
    tx: &mut Tx<'_>,
    actor: &str,
    action: &str,
    version: &VersionInfo,
    before: serde_json::Value,
    after: serde_json::Value,
) -> Result<(), PlanError> {
    let key = format!("{}/{}/{}", version.year, version.metric, version.version);
    tx.execute(
        "INSERT INTO audit_log (at, actor, action, entity, entity_key, before_json, after_json)
         VALUES ($1, $2, $3, 'plan_version', $4, $5, $6)",
        &[
            Utc::now().into(),
            actor.into(),
            action.into(),
            key.into(),
            (!before.is_null()).then(|| before.to_string()).into(),
            after.to_string().into(),
        ],
    )?;
    Ok(())
}

/// Returns the sums of the targets of `(year, metric)` by scope.
fn target_totals(
    ex: &mut impl Executor,
    year: i32,
    metric: Metric,
) -> Result<TargetTotals, PlanError> {
    let mut t = TargetTotals::default();
    for row in ex.query(
        "SELECT scope, COUNT(*), CAST(COALESCE(SUM(amount), 0) AS BIGINT) FROM targets
         WHERE year = $1 AND metric = $2 GROUP BY scope",
        &[year.into(), metric.as_str().into()],
    )? {
        t.rows += row.int(1)? as u64;
        let sum = row.money(2)?;
        match row.text(0)? {
            "company" => t.company = sum,
            "territory" => t.territory = sum,
            _ => t.person += sum,
        }
    }
    Ok(t)
}

/// Approves a version inside the caller's transaction.
fn approve_in(tx: &mut Tx<'_>, version: VersionInfo, actor: &str) -> Result<Approval, PlanError> {
    let (year, metric) = (version.year, version.metric);
    let ym: [Value; 2] = [year.into(), metric.as_str().into()];
    let before = target_totals(tx, year, metric)?;
    let previous = tx
        .query_opt(
            "SELECT version FROM plan_versions WHERE year = $1 AND metric = $2 AND status = 'approved'",
            &ym,
        )?
        .map(|r| r.int(0))
        .transpose()?
        .map(|v| v as u32);
    tx.execute("DELETE FROM targets WHERE year = $1 AND metric = $2", &ym)?;
    tx.execute(
        "INSERT INTO targets (scope, scope_id, year, month, metric, amount)
         SELECT scope, scope_id, CAST($2 AS BIGINT), month, CAST($3 AS TEXT), amount
         FROM plan_version_rows WHERE version_id = $1",
        &[version.id.into(), year.into(), metric.as_str().into()],
    )?;
    let after = target_totals(tx, year, metric)?;
    tx.execute(
        "UPDATE plan_versions SET status = 'superseded'
         WHERE year = $1 AND metric = $2 AND status = 'approved'",
        &ym,
    )?;
    let now = Utc::now();
    tx.execute(
        "UPDATE plan_versions SET status = 'approved', approved_by = $2, approved_at = $3
         WHERE version_id = $1",
        &[version.id.into(), actor.into(), now.into()],
    )?;
    let last_locked = tx
        .query_one(
            "SELECT COALESCE(MAX(month), 0) FROM paid WHERE year = $1",
            &[year.into()],
        )?
        .int(0)? as u32;
    let mut before_json = before.to_json();
    before_json["approved_version"] = previous.into();
    let mut after_json = after.to_json();
    after_json["approved_version"] = version.version.into();
    audit(tx, actor, "approve", &version, before_json, after_json)?;
    let superseded = previous.filter(|&v| v != version.version);
    Ok(Approval {
        version: VersionInfo {
            status: Status::Approved,
            approved_by: Some(actor.to_owned()),
            approved_at: Some(now),
            ..version
        },
        superseded,
        before,
        after,
        last_locked,
    })
}

/// Finds a version: `Some(v)` that one; `None` the approved one, else the latest draft.
pub(crate) fn find(
    ex: &mut impl Executor,
    year: i32,
    metric: Metric,
    version: Option<u32>,
) -> Result<VersionInfo, PlanError> {
    check_year(year)?;
    let ym = [Value::from(year), Value::from(metric.as_str())];
    let row = match version {
        Some(v) => ex.query_opt(
            &format!(
                "SELECT {VERSION_COLUMNS} FROM plan_versions WHERE year = $1 AND metric = $2 AND version = $3"
            ),
            &[ym[0].clone(), ym[1].clone(), v.into()],
        )?,
        None => ex.query_opt(
            &format!(
                "SELECT {VERSION_COLUMNS} FROM plan_versions WHERE year = $1 AND metric = $2
                 AND status IN ('approved', 'draft')
                 ORDER BY CASE status WHEN 'approved' THEN 0 ELSE 1 END, version DESC LIMIT 1"
            ),
            &ym,
        )?,
    };
    match (row, version) {
        (Some(row), _) => version_info(&row),
        (None, Some(v)) => Err(PlanError::Refused(format!(
            "there is no version {v} of {year} {metric}"
        ))),
        (None, None) => Err(PlanError::Refused(format!(
            "{year} {metric} has no approved or draft allocation; run attain plan allocate first"
        ))),
    }
}

/// Returns a version: `Some(v)` that one; `None` the approved one, else the latest draft.
pub fn version(
    store: &Store,
    year: i32,
    metric: Metric,
    version: Option<u32>,
) -> Result<VersionInfo, PlanError> {
    find(&mut store.conn()?, year, metric, version)
}

/// `attain plan approve`: makes version `version` the targets of `(year, metric)`.
pub fn approve(
    store: &Store,
    year: i32,
    metric: Metric,
    version: u32,
    actor: &str,
) -> Result<Approval, PlanError> {
    let mut conn = store.conn()?;
    let mut tx = conn.transaction()?;
    lock_plans(&mut tx)?;
    let info = find(&mut tx, year, metric, Some(version))?;
    let approval = approve_in(&mut tx, info, actor)?;
    tx.commit()?;
    Ok(approval)
}

/// Returns the sums of today's targets of `(year, metric)` by scope: what an approval replaces.
pub fn current_totals(store: &Store, year: i32, metric: Metric) -> Result<TargetTotals, PlanError> {
    target_totals(&mut store.conn()?, year, metric)
}

/// Returns every version of `(year, metric)`, newest first.
pub fn versions(store: &Store, year: i32, metric: Metric) -> Result<Vec<VersionInfo>, PlanError> {
    let mut conn = store.conn()?;
    conn.query(
        &format!(
            "SELECT {VERSION_COLUMNS} FROM plan_versions WHERE year = $1 AND metric = $2 ORDER BY version DESC"
        ),
        &[year.into(), metric.as_str().into()],
    )?
    .iter()
    .map(version_info)
    .collect()
}

/// Returns the target rows of a stored version, sorted by scope (company, territory, person),
/// id in byte order and month.
pub fn version_rows(
    store: &Store,
    year: i32,
    metric: Metric,
    version: u32,
) -> Result<Vec<TargetRow>, PlanError> {
    let mut conn = store.conn()?;
    let info = find(&mut conn, year, metric, Some(version))?;
    rows_of(&mut conn, info.id)
}

/// Reads a version's target rows, sorted.
pub(crate) fn rows_of(ex: &mut impl Executor, id: i64) -> Result<Vec<TargetRow>, PlanError> {
    let mut rows = ex
        .query(
            "SELECT scope, scope_id, month, amount FROM plan_version_rows WHERE version_id = $1",
            &[id.into()],
        )?
        .iter()
        .map(|r| {
            Ok(TargetRow {
                scope: Scope::parse(r.text(0)?)
                    .map_err(|e| PlanError::Refused(format!("stored scope {e}")))?,
                scope_id: r.string(1)?,
                month: r.int(2)? as u32,
                amount: r.money(3)?,
            })
        })
        .collect::<Result<Vec<_>, PlanError>>()?;
    rows.sort_by(|a, b| {
        (a.scope, a.scope_id.as_bytes(), a.month).cmp(&(b.scope, b.scope_id.as_bytes(), b.month))
    });
    Ok(rows)
}

/// One person of a stored version: what they carry and what hires, leavers and ramp took.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionPerson {
    pub person_id: String,
    /// A rep's leaf territory; `None` for a leader.
    pub leaf: Option<String>,
    /// A leader's number of reps below them; `None` for a rep.
    pub reps: Option<u32>,
    /// A rep's share of the leaf's pool before the gaps; a leader's annual sum.
    pub assigned: Money,
    pub hire_gap: Money,
    pub leaver_gap: Money,
    pub ramp_gap: Money,
}

/// Returns the people of a stored version in id order (their months are in [`version_rows`]).
pub fn version_people(
    store: &Store,
    year: i32,
    metric: Metric,
    version: u32,
) -> Result<Vec<VersionPerson>, PlanError> {
    let mut conn = store.conn()?;
    let info = find(&mut conn, year, metric, Some(version))?;
    let mut people = conn
        .query(
            "SELECT person_id, territory_id, reps, assigned, hire_gap, leaver_gap, ramp_gap
             FROM plan_version_people WHERE version_id = $1",
            &[info.id.into()],
        )?
        .iter()
        .map(|r| {
            Ok(VersionPerson {
                person_id: r.string(0)?,
                leaf: r.opt_string(1)?,
                reps: r.opt_int(2)?.map(|n| n as u32),
                assigned: r.money(3)?,
                hire_gap: r.money(4)?,
                leaver_gap: r.money(5)?,
                ramp_gap: r.money(6)?,
            })
        })
        .collect::<Result<Vec<_>, PlanError>>()?;
    people.sort_by(|a, b| a.person_id.cmp(&b.person_id));
    Ok(people)
}
