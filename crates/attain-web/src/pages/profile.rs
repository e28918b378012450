//! The profile: one's sign-in, the person it acts as, and personal API tokens (created here and
//! shown once; only a hash is stored).

use super::{Chrome, Company, render};
use crate::auth::users;
use crate::error::{Fail, PageResult};
use crate::{AppState, Viewer};
use askama::Template;
use attain_store::{Executor, params};
use axum::extract::{Form, State};

/// A token as listed (never its secret).
pub struct TokenRow {
    name: String,
    created: String,
    used: String,
}

#[derive(Template)]
#[template(path = "profile.html")]
struct ProfilePage {
    chrome: Chrome,
    email: String,
    role: &'static str,
    person: Option<(String, String)>,
    tokens: Vec<TokenRow>,
    new_token: String,
    message: String,
}

fn profile_page(
    store: &attain_store::Store,
    viewer: &Viewer,
    new_token: String,
    message: String,
) -> Result<axum::response::Response, Fail> {
    let mut conn = store.conn()?;
    let company = Company::load(&mut conn)?;
    let person = match &viewer.person_id {
        Some(p) => conn
            .query_opt("SELECT name FROM people WHERE person_id = $1", params![p])?
            .map(|r| r.string(0))
            .transpose()?
            .map(|name| (p.clone(), name)),
        None => None,
    };
    let fmt_time = |t: chrono::DateTime<chrono::Utc>| t.format("%Y-%m-%d %H:%M UTC").to_string();
    let tokens = conn
        .query(
            "SELECT name, created_at, last_used_at FROM api_tokens WHERE user_id = $1
             ORDER BY created_at DESC",
            params![viewer.user_id],
        )?
        .iter()
        .map(|r| {
            Ok(TokenRow {
                name: r.string(0)?,
                created: fmt_time(r.time(1)?),
                used: if r.value(2).is_null() {
                    "never".into()
                } else {
                    fmt_time(r.time(2)?)
                },
            })
        })
        .collect::<Result<_, Fail>>()?;
    render(&ProfilePage {
        chrome: Chrome::new(viewer, &company, "Profile", "profile", "profile"),
        email: viewer.email.clone(),
        role: super::role_label(viewer.role),
        person,
        tokens,
        new_token,
        message,
    })
}

/// Shows the profile.
pub async fn show_profile(State(state): State<AppState>, viewer: Viewer) -> PageResult {
    Ok(state
        .blocking(move |store| profile_page(store, &viewer, String::new(), String::new()))
        .await?)
}

/// The token form.
#[derive(Debug, serde::Deserialize)]
pub struct TokenForm {
    /// A label for the token.
    #[serde(default)]
    pub name: String,
}

/// Creates a personal API token and shows it once.
pub async fn create_token(
    State(state): State<AppState>,
    viewer: Viewer,
    Form(f): Form<TokenForm>,
) -> PageResult {
    Ok(state
        .blocking(move |store| {
            let name = f.name.trim();
            let name = if name.is_empty() { "token" } else { name };
            let name: String = name.chars().take(80).collect();
            match users::create_token(store, &viewer.email, &name, &viewer.email) {
                Ok(token) => profile_page(store, &viewer, token, String::new()),
                Err(users::UserError::Store(e)) => Err(e.into()),
                Err(e) => profile_page(store, &viewer, String::new(), e.to_string()),
            }
        })
        .await?)
}
