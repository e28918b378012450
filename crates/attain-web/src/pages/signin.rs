//! Sign-in and sign-out. The same message answers an unknown email and a wrong password; failed
//! attempts are throttled per email and per client address; a successful sign-in replaces any
//! session the browser had with a new one (the id is rotated).

use crate::auth::session::{self, COOKIE, PRE_COOKIE};
use crate::auth::throttle::{self, Scope};
use crate::auth::{password, random_hex, users};
use crate::error::{Fail, PageResult};
use crate::{AppState, Viewer};
use askama::Template;
use axum::extract::{ConnectInfo, Form, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use std::net::SocketAddr;

#[derive(Template)]
#[template(path = "signin.html")]
struct SigninPage {
    csrf: String,
    next: String,
    email: String,
    message: String,
}

/// The query of the sign-in page.
#[derive(Debug, serde::Deserialize, Default)]
pub struct SigninQuery {
    /// Where to go after signing in.
    #[serde(default)]
    pub next: String,
}

/// Returns `next` if it is a path on this site, else `/`.
fn safe_next(next: &str) -> String {
    let ok = next.starts_with('/') && !next.starts_with("//") && !next.contains('\\');
    if ok { next.to_owned() } else { "/".to_owned() }
}

/// Shows the sign-in form (or goes home when already signed in).
pub async fn show_signin(
    State(state): State<AppState>,
    viewer: Option<Viewer>,
    headers: HeaderMap,
    Query(q): Query<SigninQuery>,
) -> PageResult {
    if viewer.is_some() {
        return Ok(Redirect::to(&safe_next(&q.next)).into_response());
    }
    Ok(form(
        &state,
        &headers,
        safe_next(&q.next),
        String::new(),
        String::new(),
        StatusCode::OK,
    )?)
}

/// Renders the form, keeping (or setting) the pre-session CSRF cookie.
fn form(
    state: &AppState,
    headers: &HeaderMap,
    next: String,
    email: String,
    message: String,
    status: StatusCode,
) -> Result<Response, Fail> {
    let csrf = session::read_cookie(headers, PRE_COOKIE)
        .map(str::to_owned)
        .unwrap_or_else(|| random_hex(32));
    let page = SigninPage {
        csrf: csrf.clone(),
        next,
        email,
        message,
    };
    let cookie = session::cookie(
        PRE_COOKIE,
        &csrf,
        state.config.secure_cookies,
        Some(std::time::Duration::from_secs(3600)),
    );
    Ok((status, [(header::SET_COOKIE, cookie)], Html(page.render()?)).into_response())
}

/// The sign-in form's fields.
#[derive(Debug, serde::Deserialize)]
pub struct SigninForm {
    /// The email.
    #[serde(default)]
    pub email: String,
    /// The password.
    #[serde(default)]
    pub password: String,
    /// Where to go afterwards.
    #[serde(default)]
    pub next: String,
}

enum Outcome {
    Throttled(i64),
    Refused,
    SignedIn(session::NewSession),
}

/// The client's address (from the connection), or `unknown` when there is none (tests).
pub struct ClientIp(pub String);

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        _: &S,
    ) -> Result<Self, Self::Rejection> {
        let ip = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map_or_else(|| "unknown".to_owned(), |c| c.0.ip().to_string());
        Ok(ClientIp(ip))
    }
}

/// Checks the email and password and starts a new session.
pub async fn submit_signin(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    Form(f): Form<SigninForm>,
) -> PageResult {
    let email = crate::auth::normalize_email(&f.email);
    let old_session = session::read_cookie(&headers, COOKIE).map(str::to_owned);
    let config = state.config.clone();
    let dummy = state.dummy_hash.clone();
    let (email_c, password) = (email.clone(), f.password);
    let outcome = state
        .blocking(move |store| -> Result<Outcome, Fail> {
            let now = chrono::Utc::now();
            let mut conn = store.conn()?;
            let wait = throttle::wait_seconds(&mut conn, Scope::Email, &email_c, now)?
                .max(throttle::wait_seconds(&mut conn, Scope::Ip, &ip, now)?);
            if wait > 0 {
                return Ok(Outcome::Throttled(wait));
            }
            let user = users::find_by_email(&mut conn, &email_c)?;
            // Verify against a dummy hash when the email is unknown: the same work, the same time.
            let hash = user.as_ref().map_or(&*dummy, |u| u.password_hash.as_str());
            let matches = password::verify(&password, hash);
            let user = match user {
                Some(u) if matches => u,
                _ => {
                    throttle::record_failure(&mut conn, Scope::Email, &email_c, now)?;
                    throttle::record_failure(&mut conn, Scope::Ip, &ip, now)?;
                    tracing::info!("a sign-in was refused");
                    return Ok(Outcome::Refused);
                }
            };
            let mut tx = conn.transaction()?;
            throttle::clear(&mut tx, Scope::Email, &email_c)?;
            if let Some(old) = &old_session {
                session::delete(&mut tx, old)?;
            }
            session::purge(&mut tx, now, config.idle_timeout, config.absolute_timeout)?;
            let s = session::create(&mut tx, user.user_id, now)?;
            tx.commit()?;
            tracing::info!(user.id = user.user_id, "signed in");
            Ok(Outcome::SignedIn(s))
        })
        .await?;
    let next = safe_next(&f.next);
    match outcome {
        Outcome::Throttled(secs) => Ok(form(
            &state,
            &headers,
            next,
            email,
            format!("Too many failed sign-ins. Wait {secs} seconds, then try again."),
            StatusCode::TOO_MANY_REQUESTS,
        )?),
        Outcome::Refused => Ok(form(
            &state,
            &headers,
            next,
            email,
            "The email or the password is not right.".into(),
            StatusCode::UNAUTHORIZED,
        )?),
        Outcome::SignedIn(s) => {
            let secure = state.config.secure_cookies;
            let mut resp = Redirect::to(&next).into_response();
            let h = resp.headers_mut();
            for c in [
                session::cookie(COOKIE, &s.id, secure, None),
                session::clear_cookie(PRE_COOKIE, secure),
            ] {
                if let Ok(v) = c.parse() {
                    h.append(header::SET_COOKIE, v);
                }
            }
            Ok(resp)
        }
    }
}

/// Ends the session on the server and in the browser.
pub async fn submit_signout(State(state): State<AppState>, headers: HeaderMap) -> PageResult {
    if let Some(id) = session::read_cookie(&headers, COOKIE).map(str::to_owned) {
        state
            .blocking(move |store| -> Result<(), Fail> {
                session::delete(&mut store.conn()?, &id)?;
                Ok(())
            })
            .await?;
    }
    let mut resp = Redirect::to("/signin").into_response();
    if let Ok(v) = session::clear_cookie(COOKIE, state.config.secure_cookies).parse() {
        resp.headers_mut().append(header::SET_COOKIE, v);
    }
    Ok(resp)
}
