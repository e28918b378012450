//! Admin: taking data in from a CRM export (docs/crm-import.md). Upload → map the export's
//! columns and values to Attain's fields (pre-filled from the mapping remembered for the header,
//! or guessed) → preview what will be created, updated or left unchanged, with every problem as
//! `file:line: column: message` → import in one transaction.

use super::{Chrome, Company, render};
use crate::crm::{self as keep, Upload};
use crate::error::{Fail, PageResult};
use crate::{AppState, Viewer};
use askama::Template;
use attain_dataset::FileCounts;
use attain_dataset::crm::{
    self, DateOrder, DecimalMark, How, Mapping, Mode, RecordKind, Refusal, Status, Summary,
    guess_value,
};
use attain_store::Store;
use axum::Form;
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};

/// How many records of each kind the preview lists.
const PREVIEW_ROWS: usize = 10;

/// An uploaded file: its name, kind and bytes, from a multipart form (`kind`, `file`).
pub struct Uploaded {
    /// The file's base name.
    pub name: String,
    /// The `kind` field.
    pub kind: String,
    /// The bytes.
    pub bytes: Vec<u8>,
    /// The `mapping` field (API), JSON.
    pub mapping: Option<String>,
    /// The `dry_run` field (API).
    pub dry_run: bool,
}

/// Reads the parts of a CRM upload; the file is the first part with a filename.
pub async fn read_upload(mut form: Multipart) -> Result<Option<Uploaded>, Fail> {
    let mut up = Uploaded {
        name: String::new(),
        kind: String::new(),
        bytes: Vec::new(),
        mapping: None,
        dry_run: false,
    };
    let bad = |e: axum::extract::multipart::MultipartError| {
        Fail::BadRequest(format!("the upload could not be read: {e}"))
    };
    while let Some(field) = form.next_field().await.map_err(bad)? {
        let name = field.name().unwrap_or("").to_owned();
        if let Some(file) = field.file_name().map(base_name) {
            if up.name.is_empty() && !file.is_empty() {
                up.name = file;
                up.bytes = field.bytes().await.map_err(bad)?.to_vec();
            }
            continue;
        }
        let text = field.text().await.map_err(bad)?;
        match name.as_str() {
            "kind" => up.kind = text.trim().to_owned(),
            "mapping" => up.mapping = Some(text),
            "dry_run" => up.dry_run = matches!(text.trim(), "true" | "1" | "yes" | "on"),
            _ => {}
        }
    }
    Ok((!up.name.is_empty()).then_some(up))
}

/// Returns the last component of a client-side path, as a safe display name.
fn base_name(name: &str) -> String {
    name.rsplit(['/', '\\'])
        .next()
        .unwrap_or(name)
        .trim()
        .chars()
        .filter(|c| !c.is_control())
        .take(120)
        .collect()
}

/// One kind offered by the upload form.
pub struct KindOption {
    value: &'static str,
    label: &'static str,
}

#[derive(Template)]
#[template(path = "crm_import.html")]
struct UploadPage {
    chrome: Chrome,
    kinds: Vec<KindOption>,
    message: String,
}

fn kinds() -> Vec<KindOption> {
    RecordKind::ALL
        .iter()
        .map(|k| KindOption {
            value: k.as_str(),
            label: match k {
                RecordKind::Opportunities => "Opportunities (an opportunity report)",
                RecordKind::Activities => "Activities (an activity or task report)",
                RecordKind::Accounts => "Accounts (an account report)",
            },
        })
        .collect()
}

fn upload_page(store: &Store, viewer: &Viewer, status: StatusCode, message: String) -> PageResult {
    let mut conn = store.conn()?;
    let company = Company::load(&mut conn)?;
    let page = UploadPage {
        chrome: Chrome::new(viewer, &company, "CRM import", "admin", "crm"),
        kinds: kinds(),
        message,
    };
    Ok((status, render(&page)?).into_response())
}

/// Shows the upload form.
pub async fn show_upload(State(state): State<AppState>, viewer: Viewer) -> PageResult {
    state
        .blocking(move |store| upload_page(store, &viewer, StatusCode::OK, String::new()))
        .await
}

/// Keeps the uploaded export and goes to its mapping page.
pub async fn submit_upload(
    State(state): State<AppState>,
    viewer: Viewer,
    form: Multipart,
) -> PageResult {
    let upload = read_upload(form).await?;
    state
        .blocking(move |store| {
            let refuse = |status, m: String| upload_page(store, &viewer, status, m);
            let Some(up) = upload else {
                return refuse(
                    StatusCode::BAD_REQUEST,
                    "Choose the CRM export (.csv) to upload.".into(),
                );
            };
            let Some(kind) = RecordKind::parse(&up.kind) else {
                return refuse(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "Choose what the export holds: opportunities, activities or accounts.".into(),
                );
            };
            let export = match crm::read(&up.name, &up.bytes) {
                Ok(e) => e,
                Err(m) => return refuse(StatusCode::UNPROCESSABLE_ENTITY, m),
            };
            if export.rows.is_empty() {
                return refuse(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    format!("{}: has a header but no records.", up.name),
                );
            }
            let text = String::from_utf8_lossy(&up.bytes);
            let token = keep::save_upload(store, viewer.user_id, kind, &up.name, &text)?;
            Ok(Redirect::to(&format!("/admin/crm-import/{token}")).into_response())
        })
        .await
}

/// One field of the mapping form.
pub struct FieldRow {
    name: &'static str,
    label: &'static str,
    required: bool,
    selected: String,
}

/// The value table of one translated field.
pub struct ValueGroup {
    field: &'static str,
    label: &'static str,
    column: String,
    options: Vec<String>,
    optional: bool,
    rows: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "crm_mapping.html")]
struct MappingPage {
    chrome: Chrome,
    token: String,
    file_name: String,
    noun: &'static str,
    header: Vec<String>,
    fields: Vec<FieldRow>,
    values: Vec<ValueGroup>,
    dates: &'static str,
    decimal: &'static str,
    note: String,
    errors: Vec<String>,
    records: usize,
    footer: usize,
    sample: Vec<Vec<String>>,
}

fn date_word(d: DateOrder) -> &'static str {
    match d {
        DateOrder::Auto => "auto",
        DateOrder::MonthFirst => "month_first",
        DateOrder::DayFirst => "day_first",
    }
}

fn decimal_word(d: DecimalMark) -> &'static str {
    match d {
        DecimalMark::Point => "point",
        DecimalMark::Comma => "comma",
    }
}

/// Renders the mapping page of an upload with `mapping` filled in.
fn mapping_page(
    store: &Store,
    viewer: &Viewer,
    up: &Upload,
    mapping: &Mapping,
    note: String,
    errors: Vec<String>,
    status: StatusCode,
) -> PageResult {
    let mut conn = store.conn()?;
    let company = Company::load(&mut conn)?;
    drop(conn);
    let export = &up.export;
    let dir = crm::load_directory(store, up.kind, export, &Mapping::default())?;
    let fields = up
        .kind
        .fields()
        .iter()
        .map(|f| FieldRow {
            name: f.name,
            label: f.label,
            required: f.required,
            selected: mapping.column(f.name).unwrap_or("").to_owned(),
        })
        .collect();
    let mut values = Vec::new();
    for f in up.kind.fields() {
        let How::Choice(choice) = f.how else { continue };
        let Some(column) = mapping.column(f.name) else {
            continue;
        };
        let Some(i) = export.column(column) else {
            continue;
        };
        let options = crm::choice_options(choice, &dir);
        let chosen = mapping.values.get(f.name);
        let rows = export
            .distinct(i)
            .into_iter()
            .map(|v| {
                let to = chosen
                    .and_then(|m| m.get(&v).cloned())
                    .or_else(|| guess_value(choice, &v, &options))
                    .unwrap_or_default();
                (v, to)
            })
            .collect();
        values.push(ValueGroup {
            field: f.name,
            label: f.label,
            column: column.to_owned(),
            optional: !f.required,
            options,
            rows,
        });
    }
    let page = MappingPage {
        chrome: Chrome::new(viewer, &company, "CRM import: mapping", "admin", "crm"),
        token: up.token.clone(),
        file_name: export.name.clone(),
        noun: up.kind.noun(),
        header: export.header.clone(),
        fields,
        values,
        dates: date_word(mapping.dates),
        decimal: decimal_word(mapping.decimal),
        note,
        errors,
        records: export.rows.len(),
        footer: export.footer_records,
        sample: export
            .rows
            .iter()
            .take(3)
            .map(|r| r.cells.clone())
            .collect(),
    };
    Ok((status, render(&page)?).into_response())
}

fn find_upload(store: &Store, viewer: &Viewer, token: &str) -> Result<Upload, Fail> {
    keep::load_upload(store, viewer.user_id, token)?.ok_or(Fail::NotFound)
}

/// Shows the mapping page: the mapping chosen before, else the one remembered for this header,
/// else one guessed from the column names.
pub async fn show_mapping(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(token): Path<String>,
) -> PageResult {
    state
        .blocking(move |store| {
            let up = find_upload(store, &viewer, &token)?;
            let (mapping, note) = match &up.mapping {
                Some(m) => (
                    m.clone(),
                    "The mapping you chose last for this upload.".to_owned(),
                ),
                None => match keep::remembered(store, up.kind, &up.export.header)? {
                    Some(r) => (
                        r.mapping,
                        format!(
                            "Remembered for this report's columns (saved by {} on {}).",
                            r.by,
                            r.at.format("%Y-%m-%d")
                        ),
                    ),
                    None => (
                        Mapping::guess(up.kind, &up.export.header),
                        "Guessed from the column names: check each field.".to_owned(),
                    ),
                },
            };
            mapping_page(
                store,
                &viewer,
                &up,
                &mapping,
                note,
                Vec::new(),
                StatusCode::OK,
            )
        })
        .await
}

/// Builds a mapping from the mapping form's fields.
fn mapping_from_form(kind: RecordKind, fields: &[(String, String)]) -> Mapping {
    let mut m = Mapping::default();
    let mut from = std::collections::HashMap::new();
    for (k, v) in fields {
        if let Some(field) = k.strip_prefix("col.") {
            if kind.field(field).is_some() && !v.is_empty() {
                m.columns.insert(field.to_owned(), v.clone());
            }
        } else if let Some(rest) = k.strip_prefix("vfrom.") {
            from.insert(rest.to_owned(), v.clone());
        }
    }
    for (k, v) in fields {
        let Some(rest) = k.strip_prefix("vto.") else {
            continue;
        };
        let (Some(crm_value), Some((field, _))) = (from.get(rest), rest.split_once('.')) else {
            continue;
        };
        // A value table is kept only for the column the field is mapped to now.
        if kind.field(field).is_some() {
            m.values
                .entry(field.to_owned())
                .or_default()
                .insert(crm_value.clone(), v.clone());
        }
    }
    for (k, v) in fields {
        match (k.as_str(), v.as_str()) {
            ("dates", "month_first") => m.dates = DateOrder::MonthFirst,
            ("dates", "day_first") => m.dates = DateOrder::DayFirst,
            ("decimal", "comma") => m.decimal = DecimalMark::Comma,
            _ => {}
        }
    }
    m
}

/// One record listed by the preview.
pub struct RowView {
    line: u64,
    id: String,
    title: String,
    changes: String,
}

/// The records of one status.
pub struct RowGroup {
    title: &'static str,
    total: usize,
    rows: Vec<RowView>,
}

#[derive(Template)]
#[template(path = "crm_preview.html")]
struct PreviewPage {
    chrome: Chrome,
    token: String,
    file_name: String,
    noun: &'static str,
    done: bool,
    message: String,
    counts: Vec<FileCounts>,
    groups: Vec<RowGroup>,
    stage_entered: usize,
    footer: usize,
    errors: Vec<String>,
}

fn groups(summary: &Summary) -> Vec<RowGroup> {
    [
        (Status::Created, "Created"),
        (Status::Updated, "Updated"),
        (Status::Unchanged, "Unchanged"),
    ]
    .into_iter()
    .map(|(status, title)| {
        let of: Vec<_> = summary.rows.iter().filter(|r| r.status == status).collect();
        RowGroup {
            title,
            total: of.len(),
            rows: of
                .iter()
                .take(PREVIEW_ROWS)
                .map(|r| RowView {
                    line: r.line,
                    id: r.id.clone(),
                    title: r.title.clone(),
                    changes: r.changes.join("; "),
                })
                .collect(),
        }
    })
    .collect()
}

fn preview_page(
    store: &Store,
    viewer: &Viewer,
    up: &Upload,
    outcome: Result<Summary, Refusal>,
    done: bool,
) -> PageResult {
    let mut conn = store.conn()?;
    let company = Company::load(&mut conn)?;
    let title = if done {
        "CRM import: result"
    } else {
        "CRM import: preview"
    };
    let mut page = PreviewPage {
        chrome: Chrome::new(viewer, &company, title, "admin", "crm"),
        token: up.token.clone(),
        file_name: up.export.name.clone(),
        noun: up.kind.noun(),
        done,
        message: String::new(),
        counts: Vec::new(),
        groups: Vec::new(),
        stage_entered: 0,
        footer: up.export.footer_records,
        errors: Vec::new(),
    };
    let status = match outcome {
        Ok(summary) => {
            page.message = match (done, summary.written) {
                (true, true) => "Imported. Everything was written in one transaction.".to_owned(),
                (true, false) => "Nothing changed: every record is already as the export says, \
                                  so nothing was written."
                    .to_owned(),
                (false, _) if summary.is_no_op() => {
                    "Every record is already as the export says: importing changes nothing."
                        .to_owned()
                }
                (false, _) => "Nothing is written until you confirm.".to_owned(),
            };
            page.stage_entered = summary.rows.iter().filter(|r| r.stage_entered).count();
            page.groups = groups(&summary);
            page.counts = summary.counts;
            StatusCode::OK
        }
        Err(refusal) => {
            page.message = format!(
                "Nothing {} imported: the export has {} problem(s).",
                if done { "was" } else { "can be" },
                refusal.errors.len()
            );
            page.errors = refusal.errors;
            StatusCode::UNPROCESSABLE_ENTITY
        }
    };
    Ok((status, render(&page)?).into_response())
}

/// Checks the export through the chosen mapping and shows what the import would do; the
/// mapping is kept for the upload and remembered for the header.
pub async fn submit_preview(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(token): Path<String>,
    Form(fields): Form<Vec<(String, String)>>,
) -> PageResult {
    state
        .blocking(move |store| {
            let up = find_upload(store, &viewer, &token)?;
            let mapping = mapping_from_form(up.kind, &fields);
            let problems = mapping.problems(up.kind, &up.export);
            if fields.iter().any(|(k, v)| k == "action" && v == "values") {
                // Only shows the values of the chosen columns; nothing is kept or remembered.
                return mapping_page(
                    store,
                    &viewer,
                    &up,
                    &mapping,
                    "The values of the chosen columns: map each, then preview.".to_owned(),
                    problems,
                    StatusCode::OK,
                );
            }
            if !problems.is_empty() {
                return mapping_page(
                    store,
                    &viewer,
                    &up,
                    &mapping,
                    String::new(),
                    problems,
                    StatusCode::UNPROCESSABLE_ENTITY,
                );
            }
            keep::set_upload_mapping(store, &token, &mapping)?;
            keep::remember(store, &viewer.email, up.kind, &up.export.header, &mapping)?;
            let today = chrono::Utc::now().date_naive();
            let outcome = crm::run(store, up.kind, &up.export, &mapping, today, Mode::Preview)?;
            preview_page(store, &viewer, &up, outcome, false)
        })
        .await
}

/// Imports the upload with its previewed mapping, in one transaction; nothing is written when
/// nothing would change.
pub async fn submit_import(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(token): Path<String>,
) -> PageResult {
    state
        .blocking(move |store| {
            let up = find_upload(store, &viewer, &token)?;
            let Some(mapping) = up.mapping.clone() else {
                return Ok(Redirect::to(&format!("/admin/crm-import/{}", up.token)).into_response());
            };
            let today = chrono::Utc::now().date_naive();
            let mode = Mode::Import {
                actor: &viewer.email,
            };
            let outcome = crm::run(store, up.kind, &up.export, &mapping, today, mode)?;
            if outcome.is_ok() {
                keep::delete_upload(store, &token)?;
            }
            preview_page(store, &viewer, &up, outcome, true)
        })
        .await
}
