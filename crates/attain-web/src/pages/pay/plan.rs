//! Pay › My plan and plan acceptance: the plan document a person accepts (components, bands or
//! curve, target incentive), the acceptance stored with the plan's version — a SHA-256 of the
//! plan's rows and the person's assignment, so any change to them needs a new acceptance — and
//! the report of who has not accepted the version in force.

use super::{percent, visible_person};
use crate::audit;
use crate::error::{Fail, PageResult};
use crate::fmt::money;
use crate::pages::{Chrome, Company, render};
use crate::{AppState, Viewer};
use askama::Template;
use attain_domain::Money;
use attain_domain::vocab::Method;
use attain_store::{Executor, Value, params};
use axum::extract::{Form, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::fmt::Write as _;

/// Returns the canonical text of a plan's rows (plans, tiers, curve), the part of a version
/// shared by everyone on the plan.
fn plan_text(ex: &mut impl Executor, plan_id: &str) -> Result<String, Fail> {
    let mut out = String::new();
    let cell = |r: &attain_store::Row, i: usize| -> Result<String, Fail> {
        Ok(match r.value(i) {
            Value::Null => String::new(),
            Value::Int(n) => n.to_string(),
            Value::Text(s) => s.clone(),
            other => format!("{other:?}"),
        })
    };
    for (label, sql, n) in [
        (
            "plan",
            "SELECT name, year, component, metric, method, period, weight, cap FROM plans
             WHERE plan_id = $1 ORDER BY component",
            8,
        ),
        (
            "tier",
            "SELECT component, att_from, att_to, rate FROM plan_tiers WHERE plan_id = $1
             ORDER BY component, att_from",
            4,
        ),
        (
            "curve",
            "SELECT component, attainment, payout FROM plan_curve WHERE plan_id = $1
             ORDER BY component, attainment",
            3,
        ),
    ] {
        for r in ex.query(sql, params![plan_id])? {
            let cells: Vec<String> = (0..n).map(|i| cell(&r, i)).collect::<Result<_, _>>()?;
            let _ = writeln!(out, "{label} {plan_id} {}", cells.join("\u{1f}"));
        }
    }
    Ok(out)
}

/// Returns the version of a person's plan: the SHA-256 (hex) of the plan's rows and the
/// person's assignment.
fn version(plan_text: &str, person: &str, year: i32, plan_id: &str, ti: Option<i64>) -> String {
    let mut h = Sha256::new();
    h.update(plan_text.as_bytes());
    h.update(
        format!(
            "assignment {person} {year} {plan_id} {}\n",
            ti.map(|t| t.to_string()).unwrap_or_default()
        )
        .as_bytes(),
    );
    h.finalize().iter().fold(String::new(), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

/// A person's plan for a year and its version.
pub struct Assigned {
    /// The plan.
    pub plan_id: String,
    /// The annual on-target incentive.
    pub target_incentive: Option<Money>,
    /// The version (a SHA-256 in hex).
    pub version: String,
}

/// Returns a person's plan for the year with its version, if they have one.
pub fn assigned(ex: &mut impl Executor, person: &str, year: i32) -> Result<Option<Assigned>, Fail> {
    let Some(r) = ex.query_opt(
        "SELECT plan_id, target_incentive FROM plan_assignments WHERE person_id = $1 AND year = $2",
        params![person, year],
    )?
    else {
        return Ok(None);
    };
    let plan_id = r.string(0)?;
    let ti = r.opt_int(1)?;
    let text = plan_text(ex, &plan_id)?;
    Ok(Some(Assigned {
        version: version(&text, person, year, &plan_id, ti),
        target_incentive: ti.map(Money::from_cents),
        plan_id,
    }))
}

/// Where a person stands with the version in force.
pub enum Acceptance {
    /// Accepted this version, at that time.
    Accepted(String),
    /// Accepted an earlier version only, at that time.
    Outdated(String),
    /// Never accepted.
    Never,
}

impl Acceptance {
    /// Returns how it reads in a table.
    pub fn label(&self) -> String {
        match self {
            Acceptance::Accepted(at) => format!("accepted {at}"),
            Acceptance::Outdated(at) => {
                format!("not accepted: the plan changed after the acceptance of {at}")
            }
            Acceptance::Never => "not accepted".into(),
        }
    }

    /// Returns true when the version in force is accepted.
    pub fn is_accepted(&self) -> bool {
        matches!(self, Acceptance::Accepted(_))
    }
}

/// Returns the acceptances of a year: person → `(version, time)` in time order.
fn acceptances(
    ex: &mut impl Executor,
    year: i32,
    person: Option<&str>,
) -> Result<HashMap<String, Vec<(String, String)>>, Fail> {
    let rows = match person {
        Some(p) => ex.query(
            "SELECT person_id, plan_hash, accepted_at FROM plan_acceptances
             WHERE year = $1 AND person_id = $2 ORDER BY accepted_at",
            params![year, p],
        )?,
        None => ex.query(
            "SELECT person_id, plan_hash, accepted_at FROM plan_acceptances
             WHERE year = $1 ORDER BY accepted_at",
            params![year],
        )?,
    };
    let mut out: HashMap<String, Vec<(String, String)>> = HashMap::new();
    for r in rows {
        out.entry(r.string(0)?).or_default().push((
            r.string(1)?,
            r.time(2)?.format("%Y-%m-%d %H:%M UTC").to_string(),
        ));
    }
    Ok(out)
}

fn standing(accepted: Option<&Vec<(String, String)>>, version: &str) -> Acceptance {
    match accepted {
        None => Acceptance::Never,
        Some(list) => match list.iter().rev().find(|(v, _)| v == version) {
            Some((_, at)) => Acceptance::Accepted(at.clone()),
            None => list.last().map_or(Acceptance::Never, |(_, at)| {
                Acceptance::Outdated(at.clone())
            }),
        },
    }
}

/// Returns where each `(person, plan_id, target_incentive)` assignment of `year` stands with
/// the version of its plan in force, in the same order.
pub fn standings(
    ex: &mut impl Executor,
    year: i32,
    assigned: &[(String, String, Option<i64>)],
) -> Result<Vec<Acceptance>, Fail> {
    let accepted = acceptances(ex, year, None)?;
    let mut texts: HashMap<&str, String> = HashMap::new();
    let mut out = Vec::with_capacity(assigned.len());
    for (person, plan_id, ti) in assigned {
        if !texts.contains_key(plan_id.as_str()) {
            texts.insert(plan_id, plan_text(ex, plan_id)?);
        }
        let v = version(&texts[plan_id.as_str()], person, year, plan_id, *ti);
        out.push(standing(accepted.get(person), &v));
    }
    Ok(out)
}

/// A band or point of a component, as the plan document shows it.
pub struct Rate {
    from: String,
    to: String,
    pays: String,
}

/// A component of the plan document.
pub struct ComponentDoc {
    name: String,
    metric: String,
    method: String,
    period: String,
    weight: String,
    cap: String,
    incentive: String,
    rates: Vec<Rate>,
}

#[derive(Template)]
#[template(path = "pay_plan.html")]
struct PlanPage {
    chrome: Chrome,
    person_id: String,
    name: String,
    year: i32,
    plan: Option<(String, String)>,
    target_incentive: String,
    components: Vec<ComponentDoc>,
    version: String,
    status: String,
    accepted: bool,
    own: bool,
    message: String,
}

/// The query of the plan page.
#[derive(Debug, Default, serde::Deserialize)]
pub struct PlanQuery {
    /// Whose plan (default: the viewer's own person).
    pub person: Option<String>,
    /// The fiscal year (default: the current one).
    pub year: Option<i32>,
    /// Set after an acceptance.
    #[serde(default)]
    pub accepted: String,
}

fn plan_page(
    conn: &mut impl Executor,
    viewer: &Viewer,
    person: &str,
    year: i32,
    message: String,
) -> Result<PlanPage, Fail> {
    let name = visible_person(conn, viewer, person)?;
    let company = Company::load(conn)?;
    let cur = &company.currency;
    let assigned = assigned(conn, person, year)?;
    let mut components = Vec::new();
    let (mut plan, mut status, mut accepted, mut ti_text) =
        (None, String::new(), false, String::new());
    if let Some(a) = &assigned {
        let plan_name = conn
            .query_opt(
                "SELECT name FROM plans WHERE plan_id = $1 LIMIT 1",
                params![&a.plan_id],
            )?
            .map(|r| r.string(0))
            .transpose()?
            .unwrap_or_default();
        plan = Some((a.plan_id.clone(), plan_name));
        ti_text = a
            .target_incentive
            .map_or_else(|| "none".to_owned(), |t| money(t, cur).text);
        for c in
            attain_engine::person::plan_components(conn, &a.plan_id).map_err(super::load_fail)?
        {
            let rates = match c.method {
                Method::Commission => c
                    .tiers
                    .iter()
                    .map(|t| Rate {
                        from: percent(t.from),
                        to: t.to.map_or_else(|| "and above".to_owned(), percent),
                        pays: format!("{} of credit", percent(t.rate)),
                    })
                    .collect(),
                Method::PayoutCurve => c
                    .curve
                    .iter()
                    .map(|p| Rate {
                        from: percent(p.attainment),
                        to: String::new(),
                        pays: format!("{} of target incentive", percent(p.payout)),
                    })
                    .collect(),
            };
            let incentive = match (c.method, a.target_incentive) {
                (Method::PayoutCurve, Some(ti)) => {
                    let share = i128::from(ti.cents()) * i128::from(c.weight.micros());
                    let cents = attain_domain::rounding::div_rhe(share, 1_000_000);
                    money(Money::from_cents(i64::try_from(cents).unwrap_or(0)), cur).text
                }
                _ => String::new(),
            };
            components.push(ComponentDoc {
                name: c.component.clone(),
                metric: c.metric.as_str().to_owned(),
                method: c.method.as_str().replace('_', " "),
                period: c.period.as_str().to_owned(),
                weight: percent(c.weight),
                cap: c
                    .cap
                    .map_or_else(|| "none".to_owned(), |m| money(m, cur).text),
                incentive,
                rates,
            });
        }
        let list = acceptances(conn, year, Some(person))?;
        let st = standing(list.get(person), &a.version);
        accepted = st.is_accepted();
        status = st.label();
    }
    Ok(PlanPage {
        chrome: Chrome::new(viewer, &company, format!("Plan · {name}"), "pay", "plan"),
        own: viewer.person_id.as_deref() == Some(person),
        person_id: person.to_owned(),
        name,
        year,
        plan,
        target_incentive: ti_text,
        components,
        version: assigned.map(|a| a.version).unwrap_or_default(),
        status,
        accepted,
        message,
    })
}

/// Shows a person's plan document and whether they accepted it.
pub async fn show_plan(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(q): Query<PlanQuery>,
) -> PageResult {
    Ok(state
        .blocking(move |store| -> Result<_, Fail> {
            let mut conn = store.conn()?;
            let Some(person) = q.person.clone().or_else(|| viewer.person_id.clone()) else {
                return Ok(Redirect::to("/pay/acceptance").into_response());
            };
            let year = match q.year {
                Some(y) => y,
                None => Company::load(&mut conn)?.today().0,
            };
            let message = if q.accepted.is_empty() {
                String::new()
            } else {
                "Accepted. Thank you: the acceptance is recorded with this version of the plan."
                    .to_owned()
            };
            render(&plan_page(&mut conn, &viewer, &person, year, message)?)
        })
        .await?)
}

/// The acceptance form.
#[derive(Debug, serde::Deserialize)]
pub struct AcceptForm {
    /// The fiscal year of the plan.
    pub year: i32,
    /// The version the person read.
    #[serde(default)]
    pub version: String,
}

/// Records that the signed-in person accepts the version of their plan they read.
pub async fn accept_plan(
    State(state): State<AppState>,
    viewer: Viewer,
    Form(f): Form<AcceptForm>,
) -> PageResult {
    Ok(state
        .blocking(move |store| -> Result<_, Fail> {
            let Some(person) = viewer.person_id.clone() else {
                return Err(Fail::Forbidden);
            };
            let mut conn = store.conn()?;
            let Some(a) = assigned(&mut conn, &person, f.year)? else {
                return Err(Fail::NotFound);
            };
            if a.version != f.version {
                let page = plan_page(
                    &mut conn,
                    &viewer,
                    &person,
                    f.year,
                    "The plan changed while you read it: read this version and accept it again."
                        .into(),
                )?;
                return Ok((StatusCode::CONFLICT, Html(page.render()?)).into_response());
            }
            let mut tx = conn.transaction()?;
            let now = chrono::Utc::now();
            tx.execute(
                "INSERT INTO plan_acceptances (person_id, year, plan_id, plan_hash, accepted_at, accepted_by)
                 VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (person_id, year, plan_hash) DO NOTHING",
                params![&person, f.year, &a.plan_id, &a.version, now, &viewer.email],
            )?;
            audit::record(
                &mut tx,
                &audit::Change {
                    actor: &viewer.email,
                    action: "accept",
                    entity: "plan_acceptance",
                    key: &format!("{person}/{}", f.year),
                    before: None,
                    after: Some(serde_json::json!({"plan_id": a.plan_id, "version": a.version})),
                },
            )?;
            tx.commit()?;
            Ok(Redirect::to(&format!("/pay/plan?year={}&accepted=1", f.year)).into_response())
        })
        .await?)
}

/// A person on the acceptance report.
pub struct AcceptanceRow {
    href: String,
    name: String,
    person_id: String,
    plan_id: String,
    status: String,
    accepted: bool,
}

#[derive(Template)]
#[template(path = "pay_acceptance.html")]
struct AcceptancePage {
    chrome: Chrome,
    year: i32,
    rows: Vec<AcceptanceRow>,
    pending: usize,
    total: usize,
}

/// The query of the acceptance report.
#[derive(Debug, Default, serde::Deserialize)]
pub struct AcceptanceQuery {
    /// The fiscal year (default: the current one).
    pub year: Option<i32>,
}

/// Lists the visible people with a plan for the year: who has not accepted the version in
/// force (first), and who has.
pub async fn show_acceptance(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(q): Query<AcceptanceQuery>,
) -> PageResult {
    Ok(state
        .blocking(move |store| -> Result<_, Fail> {
            let mut conn = store.conn()?;
            let company = Company::load(&mut conn)?;
            let year = q.year.unwrap_or_else(|| company.today().0);
            let mut args: Vec<Value> = vec![year.into()];
            let scope = viewer.people().sql("a.person_id", &mut args);
            let assigned = conn.query(
                &format!(
                    "SELECT a.person_id, p.name, a.plan_id, a.target_incentive
                     FROM plan_assignments a JOIN people p ON p.person_id = a.person_id
                     WHERE a.year = $1 AND {scope} ORDER BY p.name, a.person_id"
                ),
                &args,
            )?;
            let list: Vec<(String, String, Option<i64>)> = assigned
                .iter()
                .map(|r| Ok((r.string(0)?, r.string(2)?, r.opt_int(3)?)))
                .collect::<Result<_, Fail>>()?;
            let standing = standings(&mut conn, year, &list)?;
            let mut rows = Vec::with_capacity(assigned.len());
            for ((r, (person, plan_id, _)), st) in assigned.iter().zip(list).zip(standing) {
                rows.push(AcceptanceRow {
                    href: format!("/pay/plan?person={person}&year={year}"),
                    name: r.string(1)?,
                    person_id: person,
                    plan_id,
                    status: st.label(),
                    accepted: st.is_accepted(),
                });
            }
            rows.sort_by_key(|r| r.accepted);
            let pending = rows.iter().filter(|r| !r.accepted).count();
            render(&AcceptancePage {
                chrome: Chrome::new(&viewer, &company, "Plan acceptance", "pay", "acceptance"),
                year,
                total: rows.len(),
                pending,
                rows,
            })
        })
        .await?)
}
