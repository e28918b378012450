//! Admin › Users (sales operations): the sign-ins, creating one (the generated password is shown
//! once) and changing a sign-in's role, person or access. Every change is audited.

use super::people::like_pattern;
use super::{Chrome, Company, Pager, query_string};
use crate::auth::password;
use crate::auth::users::{self, Listed, Update, UserError};
use crate::error::{Fail, PageResult};
use crate::{AppState, Viewer};
use askama::Template;
use attain_domain::vocab::Role;
use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

const PER_PAGE: i64 = 50;

#[derive(Template)]
#[template(path = "users.html")]
struct UsersPage {
    chrome: Chrome,
    q: String,
    users: Vec<Listed>,
    pager: Pager,
    roles: Vec<&'static str>,
    message: String,
    created: Option<(String, String)>,
}

/// The query of the users page.
#[derive(Debug, Default, serde::Deserialize)]
pub struct UsersQuery {
    /// Text to look for in emails.
    #[serde(default)]
    pub q: String,
    /// The page, from 1.
    pub page: Option<i64>,
}

fn users_page(
    store: &attain_store::Store,
    viewer: &Viewer,
    q: &UsersQuery,
    message: String,
    created: Option<(String, String)>,
    status: StatusCode,
) -> Result<Response, Fail> {
    let mut conn = store.conn()?;
    let company = Company::load(&mut conn)?;
    let pattern = like_pattern(&q.q);
    let (_, total) = users::list_users(&mut conn, &pattern, 0, 0)?;
    let search = q.q.clone();
    let pager = Pager::new(total, q.page.unwrap_or(1), PER_PAGE, |p| {
        format!(
            "/admin/users{}",
            query_string(&[("q", search.clone()), ("page", p.to_string())])
        )
    });
    let (users, _) = users::list_users(&mut conn, &pattern, PER_PAGE, pager.offset(PER_PAGE))?;
    let page = UsersPage {
        chrome: Chrome::new(viewer, &company, "Users", "admin", "users"),
        q: q.q.clone(),
        users,
        pager,
        roles: Role::ALL.iter().map(|r| r.as_str()).collect(),
        message,
        created,
    };
    Ok((status, Html(page.render()?)).into_response())
}

/// Lists the sign-ins.
pub async fn list_users(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(q): Query<UsersQuery>,
) -> PageResult {
    Ok(state
        .blocking(move |store| users_page(store, &viewer, &q, String::new(), None, StatusCode::OK))
        .await?)
}

/// The form that creates a sign-in.
#[derive(Debug, serde::Deserialize)]
pub struct NewUser {
    /// The email.
    #[serde(default)]
    pub email: String,
    /// The role word.
    #[serde(default)]
    pub role: String,
    /// The person id (empty: none).
    #[serde(default)]
    pub person_id: String,
}

/// Creates a sign-in with a generated password, shown once.
pub async fn create_user(
    State(state): State<AppState>,
    viewer: Viewer,
    Form(f): Form<NewUser>,
) -> PageResult {
    let strength = state.config.password_strength;
    Ok(state
        .blocking(move |store| {
            let q = UsersQuery::default();
            let refuse = |message: String| {
                users_page(
                    store,
                    &viewer,
                    &q,
                    message,
                    None,
                    StatusCode::UNPROCESSABLE_ENTITY,
                )
            };
            let role = match Role::parse(f.role.trim()) {
                Ok(r) => r,
                Err(e) => return refuse(format!("Role: {e}.")),
            };
            let person = Some(f.person_id.trim()).filter(|p| !p.is_empty());
            let secret = password::generate();
            match users::add_user(
                store,
                &f.email,
                role,
                person,
                &secret,
                strength,
                &viewer.email,
            ) {
                Ok(_) => {
                    let email = crate::auth::normalize_email(&f.email);
                    users_page(
                        store,
                        &viewer,
                        &q,
                        String::new(),
                        Some((email, secret)),
                        StatusCode::OK,
                    )
                }
                Err(UserError::Store(e)) => Err(e.into()),
                Err(e) => refuse(format!("{}.", capitalise(&e.to_string()))),
            }
        })
        .await?)
}

/// Returns the text with its first letter in upper case (an error message as a sentence).
pub(crate) fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// The form that changes a sign-in.
#[derive(Debug, serde::Deserialize)]
pub struct ChangeUser {
    /// The role word.
    #[serde(default)]
    pub role: String,
    /// The person id (empty: none).
    #[serde(default)]
    pub person_id: String,
    /// `on` when the sign-in is disabled.
    #[serde(default)]
    pub disabled: Option<String>,
}

/// Changes a sign-in's role, person or access.
pub async fn update_user(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(user_id): Path<i64>,
    Form(f): Form<ChangeUser>,
) -> PageResult {
    Ok(state
        .blocking(move |store| {
            let q = UsersQuery::default();
            let role = match Role::parse(f.role.trim()) {
                Ok(r) => r,
                Err(e) => {
                    return users_page(
                        store,
                        &viewer,
                        &q,
                        format!("Role: {e}."),
                        None,
                        StatusCode::UNPROCESSABLE_ENTITY,
                    );
                }
            };
            if user_id == viewer.user_id && (f.disabled.is_some() || role != Role::SalesOps) {
                let msg =
                    "You cannot disable your own sign-in or give up sales operations yourself.";
                return users_page(
                    store,
                    &viewer,
                    &q,
                    msg.into(),
                    None,
                    StatusCode::UNPROCESSABLE_ENTITY,
                );
            }
            let update = Update {
                role,
                person_id: Some(f.person_id.trim().to_owned()).filter(|p| !p.is_empty()),
                disabled: f.disabled.is_some(),
            };
            match users::update_user(store, user_id, &update, &viewer.email) {
                Ok(true) => users_page(store, &viewer, &q, "Saved.".into(), None, StatusCode::OK),
                Ok(false) => Err(Fail::NotFound),
                Err(UserError::Store(e)) => Err(e.into()),
                Err(e) => users_page(
                    store,
                    &viewer,
                    &q,
                    format!("{}.", capitalise(&e.to_string())),
                    None,
                    StatusCode::UNPROCESSABLE_ENTITY,
                ),
            }
        })
        .await?)
}
