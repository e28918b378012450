//! Server-side sessions in the `sessions` table. The browser holds a random session id; the
//! table holds only its SHA-256, the user, the session's CSRF token and two instants that give
//! the idle and absolute timeouts.

use super::{digest, random_hex};
use attain_store::{Executor, StoreResult, params};
use chrono::{DateTime, Utc};
use std::time::Duration;

/// The session cookie's name.
pub const COOKIE: &str = "attain_session";
/// The cookie of the sign-in form's CSRF token, before there is a session.
pub const PRE_COOKIE: &str = "attain_presession";

/// A session just created: the id for the cookie and the CSRF token for forms.
#[derive(Debug, Clone)]
pub struct NewSession {
    /// The secret session id (only its hash is stored).
    pub id: String,
    /// The session's CSRF token.
    pub csrf: String,
}

/// A live session, found from the cookie.
#[derive(Debug, Clone)]
pub struct Found {
    /// The hash of the session id.
    pub hash: String,
    /// The signed-in user.
    pub user_id: i64,
    /// The session's CSRF token.
    pub csrf: String,
}

/// Creates a session for a user and returns its secrets.
pub fn create(ex: &mut impl Executor, user_id: i64, now: DateTime<Utc>) -> StoreResult<NewSession> {
    let s = NewSession {
        id: random_hex(32),
        csrf: random_hex(32),
    };
    ex.execute(
        "INSERT INTO sessions (session_hash, user_id, csrf_token, created_at, last_seen_at)
         VALUES ($1, $2, $3, $4, $4)",
        params![digest(&s.id), user_id, &s.csrf, now],
    )?;
    Ok(s)
}

/// Returns the live session with this id, touching it; an expired session is deleted and
/// `None` returned.
pub fn find(
    ex: &mut impl Executor,
    id: &str,
    now: DateTime<Utc>,
    idle: Duration,
    absolute: Duration,
) -> StoreResult<Option<Found>> {
    let hash = digest(id);
    let Some(row) = ex.query_opt(
        "SELECT user_id, csrf_token, created_at, last_seen_at FROM sessions WHERE session_hash = $1",
        params![&hash],
    )?
    else {
        return Ok(None);
    };
    let (created, seen) = (row.time(2)?, row.time(3)?);
    let expired = |since: DateTime<Utc>, limit: Duration| {
        chrono::Duration::from_std(limit).is_ok_and(|limit| now - since >= limit)
    };
    if expired(seen, idle) || expired(created, absolute) {
        delete_hash(ex, &hash)?;
        return Ok(None);
    }
    // Touch at most once a minute: enough for a two-hour idle timeout, far fewer writes.
    if now - seen >= chrono::Duration::seconds(60) {
        ex.execute(
            "UPDATE sessions SET last_seen_at = $2 WHERE session_hash = $1",
            params![&hash, now],
        )?;
    }
    Ok(Some(Found {
        hash,
        user_id: row.int(0)?,
        csrf: row.string(1)?,
    }))
}

/// Deletes the session with this id (sign-out, or rotation at sign-in).
pub fn delete(ex: &mut impl Executor, id: &str) -> StoreResult<()> {
    delete_hash(ex, &digest(id))
}

fn delete_hash(ex: &mut impl Executor, hash: &str) -> StoreResult<()> {
    ex.execute(
        "DELETE FROM sessions WHERE session_hash = $1",
        params![hash],
    )?;
    Ok(())
}

/// Deletes sessions idle or older than the limits (housekeeping at sign-in).
pub fn purge(
    ex: &mut impl Executor,
    now: DateTime<Utc>,
    idle: Duration,
    absolute: Duration,
) -> StoreResult<()> {
    let before = |d: Duration| now - chrono::Duration::from_std(d).unwrap_or(chrono::Duration::MAX);
    ex.execute(
        "DELETE FROM sessions WHERE last_seen_at < $1 OR created_at < $2",
        params![before(idle), before(absolute)],
    )?;
    Ok(())
}

/// Returns the `Set-Cookie` value that stores a session id in the browser.
pub fn cookie(name: &str, value: &str, secure: bool, max_age: Option<Duration>) -> String {
    let mut c = format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax");
    if let Some(age) = max_age {
        c.push_str(&format!("; Max-Age={}", age.as_secs()));
    }
    if secure {
        c.push_str("; Secure");
    }
    c
}

/// Returns the `Set-Cookie` value that removes a cookie.
pub fn clear_cookie(name: &str, secure: bool) -> String {
    let mut c = format!("{name}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0");
    if secure {
        c.push_str("; Secure");
    }
    c
}

/// Returns the value of cookie `name` in a `Cookie` header.
pub fn read_cookie<'h>(headers: &'h axum::http::HeaderMap, name: &str) -> Option<&'h str> {
    headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
        .filter(|v| !v.is_empty())
}
