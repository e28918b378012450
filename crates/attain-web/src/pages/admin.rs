//! Admin (sales operations): the data import page and the audit log.

use super::{Chrome, Company, Pager, query_string, render};
use crate::audit::{self, Filter};
use crate::error::{Fail, PageResult};
use crate::{AppState, Viewer};
use askama::Template;
use attain_dataset::{FileCounts, ImportError, NoProgress, Source};
use axum::extract::{Multipart, Query, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;

/// Reads the uploaded dataset files of a multipart form: every part with a filename, named by
/// its base name (`transactions.csv`). The `csrf` field is skipped.
pub async fn read_files(mut form: Multipart) -> Result<Vec<(String, Vec<u8>)>, Fail> {
    let mut files = Vec::new();
    loop {
        let field = match form.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) => {
                return Err(Fail::BadRequest(format!(
                    "the upload could not be read: {e}"
                )));
            }
        };
        let Some(name) = field.file_name().map(base_name) else {
            continue;
        };
        if name.is_empty() {
            continue;
        }
        let bytes = field
            .bytes()
            .await
            .map_err(|e| Fail::BadRequest(format!("the upload could not be read: {e}")))?;
        files.push((name, bytes.to_vec()));
    }
    Ok(files)
}

/// Returns the last component of a client-side path (`C:\data\people.csv` → `people.csv`).
fn base_name(name: &str) -> String {
    name.rsplit(['/', '\\'])
        .next()
        .unwrap_or(name)
        .trim()
        .to_owned()
}

/// What an import did, for the page and the API.
pub enum Imported {
    /// Everything was written.
    Done(Vec<FileCounts>),
    /// Nothing was written; the problems as `file:line: column: message`.
    Refused(Vec<String>),
}

/// Imports uploaded files as `actor`: all or nothing.
pub fn run_import(
    store: &attain_store::Store,
    files: Vec<(String, Vec<u8>)>,
    actor: &str,
) -> Result<Imported, Fail> {
    let source = Source::from_memory(files);
    match attain_dataset::import(store, &source, actor, &NoProgress) {
        Ok(report) => Ok(Imported::Done(report.files)),
        Err(ImportError::Invalid(errors)) => Ok(Imported::Refused(errors)),
        Err(ImportError::Io { file, cause }) => Ok(Imported::Refused(vec![format!(
            "{file}: cannot be read: {cause}"
        )])),
        Err(ImportError::Store(e)) => Err(e.into()),
    }
}

/// A recent import, from the audit log.
pub struct RecentImport {
    at: String,
    actor: String,
    files: String,
}

#[derive(Template)]
#[template(path = "import.html")]
struct ImportPage {
    chrome: Chrome,
    message: String,
    errors: Vec<String>,
    counts: Vec<FileCounts>,
    recent: Vec<RecentImport>,
}

fn import_page(
    store: &attain_store::Store,
    viewer: &Viewer,
    message: String,
    errors: Vec<String>,
    counts: Vec<FileCounts>,
) -> Result<String, Fail> {
    let mut conn = store.conn()?;
    let company = Company::load(&mut conn)?;
    let filter = Filter {
        entity: Some("dataset".into()),
        ..Filter::default()
    };
    let (entries, _) = audit::list(&mut conn, &filter, 5, 0)?;
    let recent = entries
        .into_iter()
        .map(|e| RecentImport {
            at: e.at.format("%Y-%m-%d %H:%M UTC").to_string(),
            actor: e.actor,
            files: e.key,
        })
        .collect();
    Ok(ImportPage {
        chrome: Chrome::new(viewer, &company, "Data import", "admin", "import"),
        message,
        errors,
        counts,
        recent,
    }
    .render()?)
}

/// Shows the import form.
pub async fn show_import(State(state): State<AppState>, viewer: Viewer) -> PageResult {
    Ok(state
        .blocking(move |store| -> Result<_, Fail> {
            let html = import_page(store, &viewer, String::new(), Vec::new(), Vec::new())?;
            Ok(axum::response::Html(html).into_response())
        })
        .await?)
}

/// Imports the uploaded files and shows the per-file counts, or every problem (nothing written).
pub async fn submit_import(
    State(state): State<AppState>,
    viewer: Viewer,
    form: Multipart,
) -> PageResult {
    let files = read_files(form).await?;
    Ok(state
        .blocking(move |store| -> Result<_, Fail> {
            if files.is_empty() {
                let html = import_page(
                    store,
                    &viewer,
                    "Choose one or more dataset files (.csv) to import.".into(),
                    Vec::new(),
                    Vec::new(),
                )?;
                return Ok((StatusCode::BAD_REQUEST, axum::response::Html(html)).into_response());
            }
            let (status, message, errors, counts) = match run_import(store, files, &viewer.email)? {
                Imported::Done(counts) => (
                    StatusCode::OK,
                    "Imported. Every file was written in one transaction.".to_owned(),
                    Vec::new(),
                    counts,
                ),
                Imported::Refused(errors) => (
                    StatusCode::UNPROCESSABLE_ENTITY,
                    format!(
                        "Nothing was imported: the files have {} problem(s).",
                        errors.len()
                    ),
                    errors,
                    Vec::new(),
                ),
            };
            let html = import_page(store, &viewer, message, errors, counts)?;
            Ok((status, axum::response::Html(html)).into_response())
        })
        .await?)
}

/// The filters of the audit log page.
#[derive(Debug, Default, serde::Deserialize)]
pub struct AuditQuery {
    /// Only this kind of record.
    #[serde(default)]
    pub entity: String,
    /// Only this actor.
    #[serde(default)]
    pub actor: String,
    /// From this date (inclusive), `YYYY-MM-DD`.
    #[serde(default)]
    pub from: String,
    /// Up to this date (inclusive), `YYYY-MM-DD`.
    #[serde(default)]
    pub to: String,
    /// The page, from 1.
    pub page: Option<i64>,
}

/// A JSON record of the audit log, shortened for the table when long.
pub struct Json {
    full: String,
    short: String,
}

impl Json {
    fn new(full: Option<String>) -> Json {
        let full = full.unwrap_or_default();
        let short = if full.chars().count() > 120 {
            let head: String = full.chars().take(100).collect();
            format!("{head}…")
        } else {
            String::new()
        };
        Json { full, short }
    }
}

/// One audit row as shown.
pub struct AuditRow {
    at: String,
    actor: String,
    action: String,
    entity: String,
    key: String,
    /// Before and after.
    records: [Json; 2],
}

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage {
    chrome: Chrome,
    q: AuditQuery,
    entities: Vec<String>,
    actors: Vec<String>,
    rows: Vec<AuditRow>,
    pager: Pager,
    message: String,
}

const AUDIT_PER_PAGE: i64 = 50;

/// Lists the audit log, filtered by entity, actor and dates, newest first.
pub async fn list_audit(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(q): Query<AuditQuery>,
) -> PageResult {
    Ok(state
        .blocking(move |store| -> Result<_, Fail> {
            let mut conn = store.conn()?;
            let company = Company::load(&mut conn)?;
            let mut message = String::new();
            let mut day = |s: &str, end: bool| -> Option<chrono::DateTime<chrono::Utc>> {
                if s.is_empty() {
                    return None;
                }
                match attain_domain::parse_date(s) {
                    Ok(d) => {
                        let d = if end { d.succ_opt().unwrap_or(d) } else { d };
                        d.and_hms_opt(0, 0, 0).map(|t| t.and_utc())
                    }
                    Err(e) => {
                        message = format!("Date filter ignored: {e}.");
                        None
                    }
                }
            };
            let filter = Filter {
                entity: Some(q.entity.clone()).filter(|s| !s.is_empty()),
                actor: Some(q.actor.clone()).filter(|s| !s.is_empty()),
                from: day(&q.from, false),
                to: day(&q.to, true),
            };
            let (_, total) = audit::list(&mut conn, &filter, 0, 0)?;
            let link_q = [
                ("entity", q.entity.clone()),
                ("actor", q.actor.clone()),
                ("from", q.from.clone()),
                ("to", q.to.clone()),
            ];
            let pager = Pager::new(total, q.page.unwrap_or(1), AUDIT_PER_PAGE, |p| {
                let mut pairs = link_q.to_vec();
                pairs.push(("page", p.to_string()));
                format!("/admin/audit{}", query_string(&pairs))
            });
            let (entries, _) = audit::list(
                &mut conn,
                &filter,
                AUDIT_PER_PAGE,
                pager.offset(AUDIT_PER_PAGE),
            )?;
            let (entities, actors) = audit::choices(&mut conn)?;
            let rows = entries
                .into_iter()
                .map(|e| AuditRow {
                    at: e.at.format("%Y-%m-%d %H:%M:%S").to_string(),
                    actor: e.actor,
                    action: e.action,
                    entity: e.entity,
                    key: e.key,
                    records: [Json::new(e.before), Json::new(e.after)],
                })
                .collect();
            render(&AuditPage {
                chrome: Chrome::new(&viewer, &company, "Audit log", "admin", "audit"),
                q,
                entities,
                actors,
                rows,
                pager,
                message,
            })
        })
        .await?)
}
