//! `POST /api/v1/crm-imports`: a CRM export taken in through a column mapping, as on the CRM
//! import page. Multipart parts: `file` (the export, with a filename), `kind` (`opportunities`,
//! `activities` or `accounts`), `mapping` (JSON, optional: else the remembered mapping of the
//! header, else one guessed from its names) and `dry_run` (`true` checks and reports, writing
//! nothing).

use crate::crm as keep;
use crate::error::{ApiError, ApiResult, Fail};
use crate::pages::crm::read_upload;
use crate::{AppState, Viewer};
use attain_dataset::crm::{self, Mapping, Mode, RecordKind, Status};
use axum::Json;
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;

/// Answers `422` with the problems, nothing written.
fn refused(code: &str, errors: Vec<String>) -> Response {
    let message = format!("{} problem(s); nothing was written", errors.len());
    (
        StatusCode::UNPROCESSABLE_ENTITY,
        Json(json!({ "error": { "code": code, "message": message }, "errors": errors })),
    )
        .into_response()
}

/// Previews (`dry_run`) or imports a CRM export; `200` with counts, `422` with every problem.
pub async fn create_crm_import(
    State(state): State<AppState>,
    viewer: Viewer,
    form: Multipart,
) -> ApiResult<Response> {
    let up = read_upload(form).await?.ok_or_else(|| {
        Fail::BadRequest("send the CRM export as a multipart part with a filename".into())
    })?;
    let kind = RecordKind::parse(&up.kind).ok_or_else(|| {
        Fail::BadRequest(
            "the `kind` part must be `opportunities`, `activities` or `accounts`".into(),
        )
    })?;
    let explicit = match &up.mapping {
        Some(j) if !j.trim().is_empty() => {
            Some(serde_json::from_str::<Mapping>(j).map_err(|e| {
                Fail::BadRequest(format!("the `mapping` part is not a mapping: {e}"))
            })?)
        }
        _ => None,
    };
    state
        .blocking(move |store| -> Result<Response, ApiError> {
            let export = match crm::read(&up.name, &up.bytes) {
                Ok(e) => e,
                Err(m) => return Ok(refused("invalid_export", vec![m])),
            };
            let mapping = match explicit {
                Some(m) => {
                    if m.problems(kind, &export).is_empty() {
                        keep::remember(store, &viewer.email, kind, &export.header, &m)?;
                    }
                    m
                }
                None => match keep::remembered(store, kind, &export.header)? {
                    Some(r) => r.mapping,
                    None => Mapping::guess(kind, &export.header),
                },
            };
            let mode = if up.dry_run {
                Mode::Preview
            } else {
                Mode::Import {
                    actor: &viewer.email,
                }
            };
            let today = chrono::Utc::now().date_naive();
            let outcome = crm::run(store, kind, &export, &mapping, today, mode)?;
            Ok(match outcome {
                Ok(s) => {
                    let count = |st: Status| s.rows.iter().filter(|r| r.status == st).count();
                    Json(json!({
                        "dry_run": up.dry_run,
                        "written": s.written,
                        "records": {
                            "created": count(Status::Created),
                            "updated": count(Status::Updated),
                            "unchanged": count(Status::Unchanged),
                        },
                        "files": s.counts,
                        "footer_records": s.footer_records,
                        "mapping": mapping,
                    }))
                    .into_response()
                }
                Err(r) if r.mapping => refused("invalid_mapping", r.errors),
                Err(r) => refused("invalid_export", r.errors),
            })
        })
        .await
}
