//! `GET /api/v1/accounts/{account_id}/map`: an account's contacts with their buying roles and
//! managers, its decision steps, and its coverage on a day with the gaps; 404 when the account
//! is missing or not the caller's to see, as on the pages.

use crate::account_map::{self, AccountMap};
use crate::error::{ApiError, ApiResult};
use crate::pages::account_map::{MapQuery, map_day};
use crate::{AppState, Viewer};
use attain_domain::coverage::{Gap, KEY_ROLES, WINDOW_DAYS};
use axum::Json;
use axum::extract::{Path, Query, State};
use serde_json::{Value as J, json};

/// Returns an account's map on `on` (default today).
pub async fn get_account_map(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(account_id): Path<String>,
    Query(q): Query<MapQuery>,
) -> ApiResult<Json<J>> {
    let map = state
        .blocking(move |store| -> Result<J, ApiError> {
            let on = map_day(&q.on)?;
            let mut conn = store.conn()?;
            let map = account_map::load(&mut conn, &viewer, &account_id, on)?;
            Ok(as_json(&map))
        })
        .await?;
    Ok(Json(map))
}

/// Returns the map as the API's JSON.
pub fn as_json(map: &AccountMap) -> J {
    let cov = &map.coverage;
    let id = |i: usize| map.contacts[i].contact_id.clone();
    let contacts: Vec<J> = map
        .contacts
        .iter()
        .zip(&cov.reached)
        .map(|(c, r)| {
            json!({
                "contact_id": c.contact_id,
                "name": c.name,
                "title": c.title,
                "buying_role": c.buying_role.map(|r| r.as_str()),
                "reports_to_id": c.reports_to_id,
                "reached": r.as_ref().map(|r| json!({
                    "last_date": r.last.to_string(),
                    "by_person_id": r.by,
                    "touches": r.touches,
                })),
            })
        })
        .collect();
    let steps: Vec<J> = map
        .steps
        .iter()
        .map(|s| {
            json!({
                "step": s.step,
                "name": s.name,
                "description": s.description,
                "contact_ids": s.contact_ids,
            })
        })
        .collect();
    let roles: Vec<J> = cov
        .roles
        .iter()
        .map(|r| {
            json!({
                "buying_role": r.role.as_str(),
                "key": KEY_ROLES.contains(&r.role),
                "contact_ids": r.contacts.iter().map(|&i| id(i)).collect::<Vec<_>>(),
                "reached_contact_ids": r.contacts.iter().filter(|&&i| cov.reached[i].is_some())
                    .map(|&i| id(i)).collect::<Vec<_>>(),
            })
        })
        .collect();
    let texts = map.gap_texts();
    let gaps: Vec<J> = cov
        .gaps
        .iter()
        .zip(texts)
        .map(|(g, message)| {
            let (role, contact) = match g {
                Gap::NotMapped(r) | Gap::NotReached(r) => (Some(r.as_str()), None),
                Gap::BlockerNotEngaged(i) => (Some("blocker"), Some(id(*i))),
            };
            json!({"code": g.code(), "buying_role": role, "contact_id": contact, "message": message})
        })
        .collect();
    json!({
        "account_id": map.account_id,
        "name": map.name,
        "key_account": map.key_account,
        "window": {"from": cov.from.to_string(), "to": cov.to.to_string(), "days": WINDOW_DAYS},
        "contacts": contacts,
        "decision_steps": steps,
        "coverage": {
            "contacts": map.contacts.len(),
            "reached": cov.reached_count(),
            "key_roles": KEY_ROLES.iter().map(|r| r.as_str()).collect::<Vec<_>>(),
            "key_roles_covered": cov.key_roles_covered(),
            "roles": roles,
        },
        "gaps": gaps,
    })
}
