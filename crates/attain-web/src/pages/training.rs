//! Team › Training: the catalogue by kind (sales operations adds and edits sessions), one
//! session with the records of the people one may see (managers, directors and sales operations
//! record registration, attendance and completion), and the gaps of one's people against what
//! their jobs require (docs/team.md).

use super::{Chrome, Company};
use crate::audit::{self, Change};
use crate::error::{Fail, PageResult};
use crate::team::training::{self, Record, Standing, Training};
use crate::{AppState, Viewer};
use askama::Template;
use attain_domain::vocab::{Role, TrainingKind};
use attain_domain::{Id, Ratio, parse_date};
use attain_store::{Executor, Store, Value, params};
use axum::extract::{Form, Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};

/// One session of the catalogue as listed.
pub struct Row {
    t: Training,
    hours: String,
    /// The viewer's own status, or empty.
    mine: String,
    /// How many of the viewer's people completed it.
    completed: usize,
}

#[derive(Template)]
#[template(path = "training.html")]
struct CataloguePage {
    chrome: Chrome,
    message: String,
    kinds: Vec<(&'static str, Vec<Row>)>,
    kind_words: Vec<&'static str>,
}

/// Returns a kind's heading.
fn kind_label(kind: &str) -> &'static str {
    match kind {
        "sales_technique" => "Sales technique",
        "product" => "Product",
        _ => "Customers and markets",
    }
}

fn catalogue_page(
    store: &Store,
    viewer: &Viewer,
    message: String,
    status: StatusCode,
) -> Result<Response, Fail> {
    let mut conn = store.conn()?;
    let company = Company::load(&mut conn)?;
    let all = training::catalogue(&mut conn)?;
    let mut args = Vec::new();
    let cond = viewer.people().sql("r.person_id", &mut args);
    let records = training::records(&mut conn, &cond, &args)?;
    let me = viewer.person_id.clone().unwrap_or_default();
    let mut kinds = Vec::new();
    for kind in TrainingKind::ALL {
        let rows = all
            .iter()
            .filter(|t| t.kind == kind.as_str())
            .map(|t| Row {
                hours: t.hours.map(|h| h.to_string()).unwrap_or_default(),
                mine: records
                    .iter()
                    .find(|r| r.training_id == t.training_id && r.person_id == me)
                    .map(|r| r.status.clone())
                    .unwrap_or_default(),
                completed: records
                    .iter()
                    .filter(|r| r.training_id == t.training_id && r.status == "completed")
                    .count(),
                t: t.clone(),
            })
            .collect();
        kinds.push((kind_label(kind.as_str()), rows));
    }
    let p = CataloguePage {
        chrome: Chrome::new(viewer, &company, "Training", "team", "training"),
        message,
        kinds,
        kind_words: TrainingKind::ALL.iter().map(|k| k.as_str()).collect(),
    };
    Ok((status, Html(p.render()?)).into_response())
}

/// The catalogue.
pub async fn list_trainings(State(state): State<AppState>, viewer: Viewer) -> PageResult {
    Ok(state
        .blocking(move |store| catalogue_page(store, &viewer, String::new(), StatusCode::OK))
        .await?)
}

/// A session as typed into the catalogue form.
#[derive(Debug, Default, serde::Deserialize)]
pub struct SessionForm {
    #[serde(default)]
    training_id: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    date: String,
    #[serde(default)]
    hours: String,
    #[serde(default)]
    description: String,
}

/// Checks a session form: returns the stored values or the sentence refusing it.
fn check_session(f: &SessionForm) -> Result<Vec<Value>, String> {
    let id = f.training_id.trim();
    Id::parse(id).map_err(|e| format!("Id: {e}."))?;
    let title = f.title.trim();
    if title.is_empty() {
        return Err("Title: name the session.".into());
    }
    let kind = TrainingKind::parse(f.kind.trim()).map_err(|e| format!("Kind: {e}."))?;
    let date = match f.date.trim() {
        "" => Value::Null,
        s => Value::Date(parse_date(s).map_err(|e| format!("Date: {e}."))?),
    };
    let hours = match f.hours.trim() {
        "" => Value::Null,
        s => Value::Int(
            Ratio::parse(s)
                .map_err(|e| format!("Hours: {e}."))?
                .micros(),
        ),
    };
    let description = match f.description.trim() {
        "" => Value::Null,
        s => Value::Text(s.to_owned()),
    };
    Ok(vec![
        Value::Text(id.to_owned()),
        Value::Text(title.to_owned()),
        Value::Text(kind.as_str().to_owned()),
        date,
        hours,
        description,
    ])
}

/// Adds a session to the catalogue or changes one (sales ops), audited.
pub async fn save_training(
    State(state): State<AppState>,
    viewer: Viewer,
    Form(f): Form<SessionForm>,
) -> PageResult {
    Ok(state
        .blocking(move |store| {
            let values = match check_session(&f) {
                Ok(v) => v,
                Err(m) => {
                    return catalogue_page(store, &viewer, m, StatusCode::UNPROCESSABLE_ENTITY);
                }
            };
            let mut conn = store.conn()?;
            let mut tx = conn.transaction()?;
            let id = f.training_id.trim().to_owned();
            let before = training::find(&mut tx, &id)?;
            tx.execute(
                "DELETE FROM trainings WHERE training_id = $1",
                params![id.as_str()],
            )?;
            tx.execute(
                "INSERT INTO trainings (training_id, title, kind, date, hours, description)
                 VALUES ($1, $2, $3, $4, $5, $6)",
                &values,
            )?;
            let json = |t: &Training| {
                serde_json::json!({
                    "title": t.title, "kind": t.kind, "date": t.date.map(|d| d.to_string()),
                    "hours": t.hours.map(|h| h.to_string()), "description": t.description,
                })
            };
            let after = training::find(&mut tx, &id)?;
            audit::record(
                &mut tx,
                &Change {
                    actor: &viewer.email,
                    action: if before.is_some() { "update" } else { "create" },
                    entity: "training",
                    key: &id,
                    before: before.as_ref().map(json),
                    after: after.as_ref().map(json),
                },
            )?;
            tx.commit()?;
            Ok(Redirect::to(&format!("/team/training/{id}")).into_response())
        })
        .await?)
}

#[derive(Template)]
#[template(path = "training_session.html")]
struct SessionPage {
    chrome: Chrome,
    message: String,
    t: Training,
    hours: String,
    records: Vec<Record>,
    may_record: bool,
    people: Vec<(String, String)>,
}

/// Whether the viewer records attendance (managers, directors, sales ops).
fn records_attendance(viewer: &Viewer) -> bool {
    matches!(viewer.role, Role::Manager | Role::Director | Role::SalesOps)
}

fn session_page(
    store: &Store,
    viewer: &Viewer,
    id: &str,
    message: String,
    status: StatusCode,
) -> Result<Response, Fail> {
    let mut conn = store.conn()?;
    let company = Company::load(&mut conn)?;
    let t = training::find(&mut conn, id)?.ok_or(Fail::NotFound)?;
    let mut args = vec![Value::Text(id.to_owned())];
    let cond = format!(
        "r.training_id = $1 AND {}",
        viewer.people().sql("r.person_id", &mut args)
    );
    let records = training::records(&mut conn, &cond, &args)?;
    let may_record = records_attendance(viewer);
    let mut people = Vec::new();
    if may_record {
        let mut args = Vec::new();
        let cond = viewer.people().sql("person_id", &mut args);
        for r in conn.query(
            &format!("SELECT person_id, name FROM people WHERE {cond} AND end_date IS NULL ORDER BY name, person_id"),
            &args,
        )? {
            people.push((r.string(0)?, r.string(1)?));
        }
    }
    let p = SessionPage {
        chrome: Chrome::new(viewer, &company, t.title.clone(), "team", "training"),
        message,
        hours: t.hours.map(|h| h.to_string()).unwrap_or_default(),
        t,
        records,
        may_record,
        people,
    };
    Ok((status, Html(p.render()?)).into_response())
}

/// One session with the records of the people one may see.
pub async fn show_training(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> PageResult {
    Ok(state
        .blocking(move |store| session_page(store, &viewer, &id, String::new(), StatusCode::OK))
        .await?)
}

/// A record as typed.
#[derive(Debug, Default, serde::Deserialize)]
pub struct RecordForm {
    #[serde(default)]
    person_id: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    date: String,
}

/// Records a person's registration, attendance or completion (managers for their people,
/// directors, sales ops), audited.
pub async fn record_training(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    Form(f): Form<RecordForm>,
) -> PageResult {
    if !records_attendance(&viewer) {
        return Err(Fail::Forbidden.into());
    }
    Ok(state
        .blocking(move |store| {
            let mut conn = store.conn()?;
            if training::find(&mut conn, &id)?.is_none() {
                return Err(Fail::NotFound);
            }
            let person = f.person_id.trim().to_owned();
            let refuse = |m: &str| session_page(store, &viewer, &id, m.to_owned(), StatusCode::UNPROCESSABLE_ENTITY);
            if person.is_empty() {
                return refuse("Person: choose someone of your team.");
            }
            if !viewer.can_see_person(&person)
                || conn.query_opt("SELECT 1 FROM people WHERE person_id = $1", params![person.as_str()])?.is_none()
            {
                return Err(Fail::NotFound);
            }
            let Some(status) = training::status_word(f.status.trim()) else {
                return refuse("Status: registered, attended or completed.");
            };
            let date = match f.date.trim() {
                "" => chrono::Utc::now().date_naive(),
                s => match parse_date(s) {
                    Ok(d) => d,
                    Err(e) => return refuse(&format!("Date: {e}.")),
                },
            };
            let mut tx = conn.transaction()?;
            let key = params![id.as_str(), person.as_str()];
            let before = tx
                .query_opt("SELECT status, date FROM training_records WHERE training_id = $1 AND person_id = $2", key)?
                .map(|r| -> Result<_, attain_store::StoreError> {
                    Ok(serde_json::json!({"status": r.string(0)?, "date": r.opt_date(1)?.map(|d| d.to_string())}))
                })
                .transpose()?;
            tx.execute("DELETE FROM training_records WHERE training_id = $1 AND person_id = $2", key)?;
            tx.execute(
                "INSERT INTO training_records (training_id, person_id, status, date) VALUES ($1, $2, $3, $4)",
                params![id.as_str(), person.as_str(), status, date],
            )?;
            audit::record(
                &mut tx,
                &Change {
                    actor: &viewer.email,
                    action: if before.is_some() { "update" } else { "create" },
                    entity: "training_record",
                    key: &format!("{id}/{person}"),
                    before,
                    after: Some(serde_json::json!({"status": status, "date": date.to_string()})),
                },
            )?;
            tx.commit()?;
            Ok(Redirect::to(&format!("/team/training/{id}")).into_response())
        })
        .await?)
}

#[derive(Template)]
#[template(path = "training_gaps.html")]
struct GapsPage {
    chrome: Chrome,
    columns: Vec<String>,
    rows: Vec<Standing>,
}

impl GapsPage {
    /// The status of a row's person for a column's training (empty when not required).
    fn cell(&self, row: &Standing, training: &str) -> String {
        row.required
            .iter()
            .find(|(t, _)| t == training)
            .map(|(_, s)| s.clone())
            .unwrap_or_default()
    }
}

/// The gaps of the people one may see: a rep sees their own, a manager their team's matrix.
pub async fn show_gaps(State(state): State<AppState>, viewer: Viewer) -> PageResult {
    Ok(state
        .blocking(move |store| -> Result<Response, Fail> {
            let mut conn = store.conn()?;
            let company = Company::load(&mut conn)?;
            let mut args = Vec::new();
            let cond = viewer.people().sql("p.person_id", &mut args);
            let rows =
                training::standings(&mut conn, &cond, &args, chrono::Utc::now().date_naive())?;
            let p = GapsPage {
                chrome: Chrome::new(&viewer, &company, "Training gaps", "team", "gaps"),
                columns: training::columns(&rows),
                rows,
            };
            Ok(Html(p.render()?).into_response())
        })
        .await?)
}
