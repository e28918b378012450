//! The sales records through the API: list and search, get, create and update accounts,
//! contacts, opportunities and activities. Bodies and answers are JSON objects keyed by the
//! column names of dataset.md with dataset text values (amounts `"1250.00"`); a refused field is
//! a `422` naming it; the write path is the pages' ([`crate::records::save`]).

use crate::error::{Fail, json_error};
use crate::records::access::{may_change, sees};
use crate::records::fields::{from_row, load, select_list};
use crate::records::search::{Filter, condition};
use crate::records::{Entity, Fields, Invalid, Options, SaveError, save};
use crate::{AppState, Viewer};
use attain_store::{Executor, Value};
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Value as J, json};

const PER_PAGE: i64 = 200;

/// Returns true for the routes of the sales records (for the OpenAPI document).
pub fn is_record_path(path: &str) -> bool {
    ["accounts", "contacts", "opportunities", "activities"]
        .iter()
        .any(|k| {
            path.strip_prefix("/api/v1/")
                .is_some_and(|p| p.split('/').next() == Some(k))
        })
}

/// Returns the OpenAPI parameters of a sales records route: its path id, or a list's filters.
pub fn openapi_parameters(path: &str, method: &str) -> Vec<J> {
    let mut out = Vec::new();
    for segment in path.split('/').filter(|s| s.starts_with('{')) {
        let name = segment.trim_matches(|c| c == '{' || c == '}');
        out.push(json!({"name": name, "in": "path", "required": true,
                        "description": "The record's id", "schema": {"type": "string"}}));
    }
    if out.is_empty() && method == "GET" {
        for (name, what) in [
            ("q", "Text in the name (subject of an activity) or id"),
            ("owner", "The owner, or an activity's person"),
            ("account_id", "The account"),
            ("opportunity_id", "An activity's opportunity"),
            ("stage", "An opportunity's stage"),
            ("forecast_category", "An opportunity's forecast category"),
            ("status", "open, closed, won or lost (opportunities)"),
            ("type", "An activity's type"),
            (
                "from",
                "From this date (close date, activity date), inclusive",
            ),
            ("to", "To this date, inclusive"),
            ("page", "The page of 200, from 1"),
        ] {
            out.push(json!({"name": name, "in": "query", "required": false,
                            "description": what, "schema": {"type": "string"}}));
        }
    }
    out
}

/// The answer to a refused field: `422` with the field named.
pub fn invalid(e: &Invalid) -> Response {
    let body = json!({"error": {"code": "invalid", "field": e.field, "message": e.sentence()}});
    (StatusCode::UNPROCESSABLE_ENTITY, Json(body)).into_response()
}

fn answer(r: Result<Response, SaveError>) -> Response {
    match r {
        Ok(resp) => resp,
        Err(SaveError::Invalid(e)) => invalid(&e),
        Err(SaveError::Fail(f)) => json_error(f),
    }
}

/// Reads a JSON object body into fields: strings as given, numbers and booleans as their text,
/// null as empty; `splits` may be a list of `{"person_id", "percent"}`.
fn body_fields(body: &[u8]) -> Result<Fields, Invalid> {
    let refused = || {
        Invalid::new(
            "body",
            "send a JSON object of fields named as in dataset.md",
        )
    };
    let J::Object(map) = serde_json::from_slice::<J>(body).map_err(|_| refused())? else {
        return Err(refused());
    };
    let mut fields = Fields::new();
    for (k, v) in map {
        let text = match v {
            J::Null => String::new(),
            J::String(s) => s,
            J::Bool(b) => b.to_string(),
            J::Number(n) => n.to_string(),
            J::Array(items) if k == "splits" => items
                .iter()
                .map(|i| {
                    let part = |f: &str| match &i[f] {
                        J::String(s) => s.clone(),
                        J::Number(n) => n.to_string(),
                        _ => String::new(),
                    };
                    format!("{}:{}", part("person_id"), part("percent"))
                })
                .collect::<Vec<_>>()
                .join(","),
            _ => return Err(Invalid::new(&k, "is not a text, number or true/false")),
        };
        fields.insert(k, text);
    }
    Ok(fields)
}

async fn list(state: AppState, viewer: Viewer, f: Filter, entity: Entity) -> Response {
    let r = state
        .blocking(move |store| -> Result<Response, SaveError> {
            let mut conn = store.conn()?;
            let (cond, args) = condition(&mut conn, &viewer, entity, &f)??;
            let total = conn
                .query_one(
                    &format!("SELECT COUNT(*) FROM {} x WHERE {cond}", entity.file()),
                    &args,
                )?
                .int(0)?;
            let page = f.page.unwrap_or(1).max(1);
            let rows: Vec<J> = conn
                .query(
                    &format!(
                        "SELECT {} FROM {} x WHERE {cond} ORDER BY x.{key} LIMIT {PER_PAGE} OFFSET {}",
                        select_list(entity, "x"),
                        entity.file(),
                        (page - 1) * PER_PAGE,
                        key = entity.key()
                    ),
                    &args,
                )?
                .into_iter()
                .map(|r| from_row(entity, r).json())
                .collect();
            Ok(Json(json!({ entity.file(): rows, "total": total, "page": page, "per_page": PER_PAGE }))
                .into_response())
        })
        .await;
    answer(r)
}

async fn get(state: AppState, viewer: Viewer, key: String, entity: Entity) -> Response {
    let r = state
        .blocking(move |store| -> Result<Response, SaveError> {
            let mut conn = store.conn()?;
            let record = load(&mut conn, entity, &key)?.ok_or(Fail::NotFound)?;
            if !sees(&mut conn, &viewer, &record)? {
                return Err(Fail::NotFound.into());
            }
            let mut out = record.json();
            if entity == Entity::Opportunity {
                let history = conn.query(
                    "SELECT stage, entered_date FROM stage_history WHERE opportunity_id = $1
                     ORDER BY entered_date, stage",
                    &[Value::Text(key.clone())],
                )?;
                out["stage_history"] = history
                    .iter()
                    .map(|h| {
                        Ok(json!({"stage": h.string(0)?, "entered_date": h.date(1)?.to_string()}))
                    })
                    .collect::<Result<Vec<_>, attain_store::StoreError>>()?
                    .into();
            }
            Ok(Json(out).into_response())
        })
        .await;
    answer(r)
}

async fn write(
    state: AppState,
    viewer: Viewer,
    key: Option<String>,
    body: Bytes,
    entity: Entity,
) -> Response {
    if !may_change(&viewer) {
        return json_error(Fail::Forbidden);
    }
    let r = state
        .blocking(move |store| -> Result<Response, SaveError> {
            let mut fields = body_fields(&body)?;
            let options = Options::take(&mut fields, false);
            let mut conn = store.conn()?;
            let mut tx = conn.transaction()?;
            let saved = save(&mut tx, &viewer, entity, key.as_deref(), &fields, &options)?;
            tx.commit()?;
            let mut out = json!({ entity.noun(): saved.record.json() });
            if entity == Entity::Opportunity {
                out["booking_id"] = saved.booking.map_or(J::Null, J::String);
                out["reversal_ids"] = saved.reversals.into();
            }
            let status = if saved.created {
                StatusCode::CREATED
            } else {
                StatusCode::OK
            };
            Ok((status, Json(out)).into_response())
        })
        .await;
    answer(r)
}

macro_rules! handlers {
    ($entity:expr, $list:ident, $get:ident, $create:ident, $update:ident, $what:literal) => {
        #[doc = concat!("Lists the ", $what, " the caller may see, filtered.")]
        pub async fn $list(
            State(state): State<AppState>,
            viewer: Viewer,
            Query(f): Query<Filter>,
        ) -> Response {
            list(state, viewer, f, $entity).await
        }

        #[doc = concat!("Returns one of the ", $what, ".")]
        pub async fn $get(
            State(state): State<AppState>,
            viewer: Viewer,
            Path(key): Path<String>,
        ) -> Response {
            get(state, viewer, key, $entity).await
        }

        #[doc = concat!("Creates one of the ", $what, ".")]
        pub async fn $create(
            State(state): State<AppState>,
            viewer: Viewer,
            body: Bytes,
        ) -> Response {
            write(state, viewer, None, body, $entity).await
        }

        #[doc = concat!("Changes one of the ", $what, ": fields left out keep their values.")]
        pub async fn $update(
            State(state): State<AppState>,
            viewer: Viewer,
            Path(key): Path<String>,
            body: Bytes,
        ) -> Response {
            write(state, viewer, Some(key), body, $entity).await
        }
    };
}

handlers!(
    Entity::Account,
    list_accounts,
    get_account,
    create_account,
    update_account,
    "accounts"
);
handlers!(
    Entity::Contact,
    list_contacts,
    get_contact,
    create_contact,
    update_contact,
    "contacts"
);
handlers!(
    Entity::Opportunity,
    list_opportunities,
    get_opportunity,
    create_opportunity,
    update_opportunity,
    "opportunities"
);
handlers!(
    Entity::Activity,
    list_activities,
    get_activity,
    create_activity,
    update_activity,
    "activities"
);
