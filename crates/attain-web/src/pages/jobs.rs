//! Expectation-based job descriptions (jobs.csv, docs/scorecards.md): every job's title, mission
//! and expected outcomes; sales ops create and change them (audited with before and after).

use super::scorecards::describe;
use super::{Chrome, Company};
use crate::audit::{self, Change};
use crate::error::{Fail, PageResult};
use crate::{AppState, Viewer};
use askama::Template;
use attain_domain::Ratio;
use attain_domain::pipeline::snapshot::Expectation;
use attain_domain::vocab::{Comparison, JobMetric, Per};
use attain_store::{Executor, Store, params};
use axum::extract::{Form, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use std::collections::{BTreeMap, HashMap};

/// A job description as stored: its rows of jobs.csv.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Job {
    /// `job_id`.
    pub id: String,
    /// `title`.
    pub title: String,
    /// `mission`.
    pub mission: String,
    /// One per row.
    pub expectations: Vec<Expectation>,
}

impl Job {
    /// The job as JSON (audit and API): thresholds with six decimals.
    pub fn json(&self) -> serde_json::Value {
        serde_json::json!({
            "job_id": self.id,
            "title": self.title,
            "mission": self.mission,
            "expectations": self.expectations.iter().map(|e| serde_json::json!({
                "metric": e.metric.as_str(),
                "comparison": e.comparison.as_str(),
                "threshold": e.threshold.fixed6(),
                "per": e.per.as_str(),
            })).collect::<Vec<_>>(),
        })
    }
}

/// Reads every job (or one), by id, expectations in stored order (metric, per).
pub fn load_jobs(ex: &mut impl Executor, only: Option<&str>) -> Result<Vec<Job>, Fail> {
    let mut jobs: BTreeMap<String, Job> = BTreeMap::new();
    let sql = "SELECT job_id, title, mission, metric, comparison, threshold, per FROM jobs";
    let rows = match only {
        Some(id) => ex.query(
            &format!("{sql} WHERE job_id = $1 ORDER BY job_id, metric, per"),
            params![id],
        )?,
        None => ex.query(&format!("{sql} ORDER BY job_id, metric, per"), &[])?,
    };
    for r in rows {
        let id = r.string(0)?;
        let job = jobs.entry(id.clone()).or_insert_with(|| Job {
            id,
            ..Job::default()
        });
        job.title = r.string(1)?;
        job.mission = r.opt_string(2)?.unwrap_or_default();
        if let (Ok(metric), Ok(comparison), Ok(per)) = (
            JobMetric::parse(r.text(3)?),
            Comparison::parse(r.text(4)?),
            Per::parse(r.text(6)?),
        ) {
            job.expectations.push(Expectation {
                metric,
                comparison,
                threshold: Ratio::from_micros(r.int(5)?),
                per,
            });
        }
    }
    Ok(jobs.into_values().collect())
}

/// One row of the form.
pub struct FormRow {
    metric: String,
    comparison: String,
    threshold: String,
    per: String,
}

/// A job as shown, with its form.
pub struct JobView {
    id: String,
    title: String,
    mission: String,
    lines: Vec<String>,
    people: i64,
    rows: Vec<FormRow>,
}

#[derive(Template)]
#[template(path = "jobs.html")]
struct JobsPage {
    chrome: Chrome,
    jobs: Vec<JobView>,
    blank: Vec<FormRow>,
    metrics: Vec<&'static str>,
    pers: Vec<&'static str>,
    message: String,
}

/// How many empty rows a form offers for new expectations.
const BLANK_ROWS: usize = 3;

fn blank_rows(n: usize) -> Vec<FormRow> {
    (0..n)
        .map(|_| FormRow {
            metric: String::new(),
            comparison: ">=".into(),
            threshold: String::new(),
            per: "month".into(),
        })
        .collect()
}

fn page(
    store: &Store,
    viewer: &Viewer,
    message: String,
    status: StatusCode,
) -> Result<Response, Fail> {
    let mut conn = store.conn()?;
    let company = Company::load(&mut conn)?;
    let mut holders: HashMap<String, i64> = HashMap::new();
    for r in conn.query(
        "SELECT job_id, COUNT(*) FROM people WHERE job_id IS NOT NULL GROUP BY job_id",
        &[],
    )? {
        holders.insert(r.string(0)?, r.int(1)?);
    }
    let jobs = load_jobs(&mut conn, None)?
        .into_iter()
        .map(|j| {
            let mut rows: Vec<FormRow> = j
                .expectations
                .iter()
                .map(|e| FormRow {
                    metric: e.metric.as_str().into(),
                    comparison: e.comparison.as_str().into(),
                    threshold: trim_zeros(&e.threshold.fixed6()),
                    per: e.per.as_str().into(),
                })
                .collect();
            rows.extend(blank_rows(BLANK_ROWS));
            JobView {
                people: holders.get(&j.id).copied().unwrap_or(0),
                lines: j.expectations.iter().map(describe).collect(),
                id: j.id,
                title: j.title,
                mission: j.mission,
                rows,
            }
        })
        .collect();
    let p = JobsPage {
        chrome: Chrome::new(viewer, &company, "Jobs", "home", "jobs"),
        jobs,
        blank: blank_rows(BLANK_ROWS + 1),
        metrics: JobMetric::ALL.iter().map(|m| m.as_str()).collect(),
        pers: Per::ALL.iter().map(|p| p.as_str()).collect(),
        message,
    };
    Ok((status, Html(p.render()?)).into_response())
}

fn trim_zeros(s: &str) -> String {
    let t = s.trim_end_matches('0').trim_end_matches('.');
    if t.is_empty() { "0".into() } else { t.into() }
}

/// Lists the jobs; sales ops also get the forms to change them.
pub async fn show_jobs(State(state): State<AppState>, viewer: Viewer) -> PageResult {
    Ok(state
        .blocking(move |store| page(store, &viewer, String::new(), StatusCode::OK))
        .await?)
}

/// Reads a submitted job: `job_id`, `title`, `mission` and rows `metric_N`, `comparison_N`,
/// `threshold_N`, `per_N` (a row left without a metric, or with `remove_N`, is dropped).
/// Returns the sentence refusing the first wrong field.
pub fn parse_job(f: &HashMap<String, String>) -> Result<Job, String> {
    let get = |k: &str| f.get(k).map(|v| v.trim()).unwrap_or("");
    let id = get("job_id");
    if id.is_empty()
        || !id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
    {
        return Err("Job id: letters, digits, '-', '_' or '.', like ae.".into());
    }
    let title = get("title");
    if title.is_empty() {
        return Err("Title: give the job a title.".into());
    }
    let mut indexes: Vec<usize> = f
        .keys()
        .filter_map(|k| k.strip_prefix("metric_")?.parse().ok())
        .collect();
    indexes.sort_unstable();
    let mut expectations: Vec<Expectation> = Vec::new();
    for i in indexes {
        let metric = get(&format!("metric_{i}"));
        if metric.is_empty() || !get(&format!("remove_{i}")).is_empty() {
            continue;
        }
        let n = i + 1;
        let metric = JobMetric::parse(metric)
            .map_err(|_| format!("Row {n} metric: '{metric}' is not a job metric."))?;
        let cmp = get(&format!("comparison_{i}"));
        let comparison = Comparison::parse(cmp)
            .map_err(|_| format!("Row {n} comparison: '{cmp}' is not >= or <=."))?;
        let t = get(&format!("threshold_{i}"));
        let threshold = Ratio::parse(t).map_err(|e| format!("Row {n} threshold: {}.", e.0))?;
        let p = get(&format!("per_{i}"));
        let per = Per::parse(p)
            .map_err(|_| format!("Row {n} per: '{p}' is not week, month, quarter or year."))?;
        if expectations
            .iter()
            .any(|e| e.metric == metric && e.per == per)
        {
            return Err(format!(
                "Row {n}: the job already expects {} per {} (one row per metric and period).",
                metric.as_str(),
                per.as_str()
            ));
        }
        expectations.push(Expectation {
            metric,
            comparison,
            threshold,
            per,
        });
    }
    if expectations.is_empty() {
        return Err(
            "Expectations: keep at least one row; a job is stored as its expected outcomes.".into(),
        );
    }
    expectations.sort_by_key(|e| (e.metric.as_str(), e.per.as_str()));
    Ok(Job {
        id: id.into(),
        title: title.into(),
        mission: get("mission").into(),
        expectations,
    })
}

/// Creates or changes a job (sales ops): its rows are replaced, audited with before and after.
pub async fn save_job(
    State(state): State<AppState>,
    viewer: Viewer,
    Form(f): Form<HashMap<String, String>>,
) -> PageResult {
    Ok(state
        .blocking(move |store| {
            let job = match parse_job(&f) {
                Ok(j) => j,
                Err(m) => return page(store, &viewer, m, StatusCode::UNPROCESSABLE_ENTITY),
            };
            let mut conn = store.conn()?;
            let mut tx = conn.transaction()?;
            let before = load_jobs(&mut tx, Some(&job.id))?.into_iter().next();
            if before.as_ref() == Some(&job) {
                drop(tx);
                return Ok(Redirect::to("/jobs").into_response());
            }
            tx.execute("DELETE FROM jobs WHERE job_id = $1", params![&job.id])?;
            for e in &job.expectations {
                tx.execute(
                    "INSERT INTO jobs (job_id, title, mission, metric, comparison, threshold, per)
                     VALUES ($1, $2, $3, $4, $5, $6, $7)",
                    params![
                        &job.id,
                        &job.title,
                        Some(job.mission.as_str()).filter(|m| !m.is_empty()),
                        e.metric.as_str(),
                        e.comparison.as_str(),
                        e.threshold.micros(),
                        e.per.as_str()
                    ],
                )?;
            }
            audit::record(
                &mut tx,
                &Change {
                    actor: &viewer.email,
                    action: if before.is_some() { "update" } else { "create" },
                    entity: "job",
                    key: &job.id,
                    before: before.as_ref().map(Job::json),
                    after: Some(job.json()),
                },
            )?;
            tx.commit()?;
            Ok(Redirect::to(&format!("/jobs#job-{}", job.id)).into_response())
        })
        .await?)
}
