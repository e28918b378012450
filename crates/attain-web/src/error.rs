//! The web error: one reason (`Fail`) answered as a JSON error for the API (`ApiError`) or as a
//! plain page for the browser (`PageError`). Internal causes are logged once and never shown.

use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

/// Why a request could not be answered as asked.
#[derive(Debug)]
pub enum Fail {
    /// No valid sign-in or token.
    Unauthorized,
    /// Signed in, but the action is not the caller's to take.
    Forbidden,
    /// Missing, or not visible to the caller: the two are never told apart.
    NotFound,
    /// The request itself is wrong; the message is safe to show.
    BadRequest(String),
    /// Too many failed sign-ins; try again later.
    TooManyAttempts,
    /// Something failed inside; the text is logged, not shown.
    Internal(String),
}

impl From<attain_store::StoreError> for Fail {
    fn from(e: attain_store::StoreError) -> Self {
        Fail::Internal(format!("store: {e}"))
    }
}

impl From<askama::Error> for Fail {
    fn from(e: askama::Error) -> Self {
        Fail::Internal(format!("template: {e}"))
    }
}

impl Fail {
    /// Returns the HTTP status, the error code of the API and a message for people.
    fn parts(&self) -> (StatusCode, &'static str, String) {
        match self {
            Fail::Unauthorized => (
                StatusCode::UNAUTHORIZED,
                "unauthorized",
                "Sign in, or send a valid API token.".into(),
            ),
            Fail::Forbidden => (
                StatusCode::FORBIDDEN,
                "forbidden",
                "This action is not available to your role.".into(),
            ),
            Fail::NotFound => (
                StatusCode::NOT_FOUND,
                "not_found",
                "There is nothing here, or it is not yours to see.".into(),
            ),
            Fail::BadRequest(m) => (StatusCode::BAD_REQUEST, "bad_request", m.clone()),
            Fail::TooManyAttempts => (
                StatusCode::TOO_MANY_REQUESTS,
                "too_many_attempts",
                "Too many attempts; wait a little and try again.".into(),
            ),
            Fail::Internal(cause) => {
                tracing::error!(error.cause = %cause, "request failed");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal",
                    "Something went wrong on our side; it has been logged.".into(),
                )
            }
        }
    }
}

/// An error answered as `{"error": {"code", "message"}}`.
#[derive(Debug)]
pub struct ApiError(pub Fail);

impl From<Fail> for ApiError {
    fn from(e: Fail) -> Self {
        ApiError(e)
    }
}

impl From<attain_store::StoreError> for ApiError {
    fn from(e: attain_store::StoreError) -> Self {
        ApiError(e.into())
    }
}

impl From<askama::Error> for ApiError {
    fn from(e: askama::Error) -> Self {
        ApiError(e.into())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        json_error(self.0)
    }
}

/// Returns the JSON answer for a failure.
pub fn json_error(fail: Fail) -> Response {
    let (status, code, message) = fail.parts();
    let body = serde_json::json!({ "error": { "code": code, "message": message } });
    (status, axum::Json(body)).into_response()
}

/// An error answered as a small page with a way back.
#[derive(Debug)]
pub struct PageError(pub Fail);

impl From<Fail> for PageError {
    fn from(e: Fail) -> Self {
        PageError(e)
    }
}

impl From<attain_store::StoreError> for PageError {
    fn from(e: attain_store::StoreError) -> Self {
        PageError(e.into())
    }
}

impl From<askama::Error> for PageError {
    fn from(e: askama::Error) -> Self {
        PageError(e.into())
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        page_error(self.0)
    }
}

/// Returns the page answer for a failure.
pub fn page_error(fail: Fail) -> Response {
    let (status, _, message) = fail.parts();
    let title = status.canonical_reason().unwrap_or("Error");
    let body = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{title} · Attain</title><link rel=\"stylesheet\" href=\"/static/app.css\"></head>\
         <body class=\"bare\"><main class=\"narrow\"><h1>{title}</h1><p>{}</p>\
         <p><a href=\"/\">Go to your home page</a></p></main></body></html>",
        crate::fmt::escape(&message)
    );
    (status, Html(body)).into_response()
}

/// The result of a page handler.
pub type PageResult<T = Response> = Result<T, PageError>;
/// The result of an API handler.
pub type ApiResult<T = Response> = Result<T, ApiError>;
