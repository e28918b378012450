//! Team › Recognition: the team's feed of recognitions and the form to give one, with an
//! optional award; a SPIFF amount is paid through an adjustment (docs/team.md).

use super::{Chrome, Company};
use crate::error::{Fail, PageResult};
use crate::fmt::{Amount, money};
use crate::team::recognize::{self, Gift, Refused, Shown};
use crate::team::{scope_sql, team_scope};
use crate::{AppState, Viewer};
use askama::Template;
use attain_domain::vocab::Role;
use attain_store::{Executor, Store};
use axum::extract::{Form, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};

/// One recognition as shown.
pub struct Item {
    r: Shown,
    amount: Option<Amount>,
}

#[derive(Template)]
#[template(path = "recognition.html")]
struct RecognitionPage {
    chrome: Chrome,
    message: String,
    error: bool,
    people: Vec<(String, String)>,
    may_pay: bool,
    limit: String,
    items: Vec<Item>,
}

fn page(
    store: &Store,
    viewer: &Viewer,
    message: String,
    status: StatusCode,
) -> Result<Response, Fail> {
    let mut conn = store.conn()?;
    let company = Company::load(&mut conn)?;
    let team = team_scope(&mut conn, viewer, chrono::Utc::now().date_naive())?;
    let items = recognize::feed(&mut conn, viewer, &team, 100)?
        .into_iter()
        .map(|r| Item {
            amount: r.amount.map(|a| money(a, &company.currency)),
            r,
        })
        .collect();
    let mut args = Vec::new();
    let cond = scope_sql(&team, "person_id", &mut args);
    let mut people = Vec::new();
    for r in conn.query(
        &format!("SELECT person_id, name FROM people WHERE {cond} AND end_date IS NULL ORDER BY name, person_id"),
        &args,
    )? {
        people.push((r.string(0)?, r.string(1)?));
    }
    let p = RecognitionPage {
        chrome: Chrome::new(viewer, &company, "Recognition", "team", "recognition"),
        error: status != StatusCode::OK,
        message,
        people,
        may_pay: matches!(viewer.role, Role::Manager | Role::Director | Role::SalesOps),
        limit: money(recognize::LEADER_SPIFF_LIMIT, &company.currency).text,
        items,
    };
    Ok((status, Html(p.render()?)).into_response())
}

/// The team's feed and the form.
pub async fn list_recognitions(State(state): State<AppState>, viewer: Viewer) -> PageResult {
    Ok(state
        .blocking(move |store| page(store, &viewer, String::new(), StatusCode::OK))
        .await?)
}

/// Gives a recognition (and pays its SPIFF).
pub async fn give_recognition(
    State(state): State<AppState>,
    viewer: Viewer,
    Form(gift): Form<Gift>,
) -> PageResult {
    Ok(state
        .blocking(move |store| {
            let mut conn = store.conn()?;
            let company = Company::load(&mut conn)?;
            let team = team_scope(&mut conn, &viewer, chrono::Utc::now().date_naive())?;
            drop(conn);
            match recognize::give(store, &viewer, &team, &company.calendar, &gift) {
                Ok(given) if given.note.is_empty() => {
                    Ok(Redirect::to("/team/recognition").into_response())
                }
                Ok(given) => page(
                    store,
                    &viewer,
                    format!("Recognition given. {}", given.note),
                    StatusCode::OK,
                ),
                Err(Refused::NotFound) => Err(Fail::NotFound),
                Err(Refused::Forbidden(m)) => page(store, &viewer, m, StatusCode::FORBIDDEN),
                Err(Refused::Invalid(_, m)) => {
                    page(store, &viewer, m, StatusCode::UNPROCESSABLE_ENTITY)
                }
                Err(Refused::Store(e)) => Err(e.into()),
            }
        })
        .await?)
}
