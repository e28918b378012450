//! Sign-ins and API tokens: creating them (command line, pages) and finding them (sign-in,
//! bearer authentication). Each creation writes its audit row in the same transaction.

use super::password::{self, PasswordStrength};
use super::{digest, normalize_email, random_hex};
use crate::audit::{self, Change};
use attain_domain::vocab::Role;
use attain_store::{Executor, Store, StoreError, params};
use chrono::Utc;

/// Why a sign-in or token could not be created.
#[derive(Debug, thiserror::Error)]
pub enum UserError {
    /// The email is not an email address.
    #[error("'{0}' is not an email address")]
    BadEmail(String),
    /// A sign-in with this email exists.
    #[error("a sign-in for {0} already exists")]
    Exists(String),
    /// No sign-in has this email.
    #[error("there is no sign-in for {0}")]
    NoSuchUser(String),
    /// The person named does not exist in the company.
    #[error("there is no person '{0}' (import people.csv first)")]
    NoSuchPerson(String),
    /// A password too short to be safe.
    #[error("the password must have at least 10 characters")]
    WeakPassword,
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// A sign-in as stored.
#[derive(Debug, Clone)]
pub struct User {
    /// The row id.
    pub user_id: i64,
    /// The email, lowercase.
    pub email: String,
    /// The role.
    pub role: Role,
    /// The person of the company this sign-in acts as.
    pub person_id: Option<String>,
    /// The stored password hash.
    pub password_hash: String,
}

/// Creates a sign-in and returns its id. `actor` is recorded in the audit log.
pub fn add_user(
    store: &Store,
    email: &str,
    role: Role,
    person_id: Option<&str>,
    password: &str,
    strength: PasswordStrength,
    actor: &str,
) -> Result<i64, UserError> {
    let email = normalize_email(email);
    if !email.contains('@') || email.len() < 3 || email.chars().any(char::is_whitespace) {
        return Err(UserError::BadEmail(email));
    }
    if password.chars().count() < 10 {
        return Err(UserError::WeakPassword);
    }
    let hash = password::hash(password, strength);
    let mut conn = store.conn()?;
    let mut tx = conn.transaction()?;
    if let Some(p) = person_id {
        let found = tx.query_opt("SELECT 1 FROM people WHERE person_id = $1", params![p])?;
        if found.is_none() {
            return Err(UserError::NoSuchPerson(p.to_owned()));
        }
    }
    let inserted = tx.savepoint(|tx| {
        tx.query_one(
            "INSERT INTO users (email, password_hash, role, person_id, created_at)
             VALUES ($1, $2, $3, $4, $5) RETURNING user_id",
            params![&email, hash, role.as_str(), person_id, Utc::now()],
        )
    });
    let user_id = match inserted {
        Ok(row) => row.int(0)?,
        Err(e) if e.is_conflict() => return Err(UserError::Exists(email)),
        Err(e) => return Err(e.into()),
    };
    audit::record(
        &mut tx,
        &Change {
            actor,
            action: "create",
            entity: "user",
            key: &email,
            before: None,
            after: Some(serde_json::json!({
                "email": email, "role": role.as_str(), "person_id": person_id
            })),
        },
    )?;
    tx.commit()?;
    Ok(user_id)
}

/// Gives a sign-in a new password and ends its sessions, with an audit row (never the
/// password) in the same transaction. Returns false when there is no such sign-in.
pub fn reset_password(
    store: &Store,
    email: &str,
    password: &str,
    strength: PasswordStrength,
    actor: &str,
) -> Result<bool, UserError> {
    if password.chars().count() < 10 {
        return Err(UserError::WeakPassword);
    }
    let email = normalize_email(email);
    let hash = password::hash(password, strength);
    let mut conn = store.conn()?;
    let mut tx = conn.transaction()?;
    let Some(row) = tx.query_opt(
        "SELECT user_id FROM users WHERE email = $1",
        params![&email],
    )?
    else {
        return Ok(false);
    };
    let user_id = row.int(0)?;
    tx.execute(
        "UPDATE users SET password_hash = $2 WHERE user_id = $1",
        params![user_id, hash],
    )?;
    tx.execute("DELETE FROM sessions WHERE user_id = $1", params![user_id])?;
    audit::record(
        &mut tx,
        &Change {
            actor,
            action: "reset_password",
            entity: "user",
            key: &email,
            before: None,
            after: Some(serde_json::json!({ "email": email, "password": "reset" })),
        },
    )?;
    tx.commit()?;
    Ok(true)
}

/// Returns the enabled sign-in with this email.
pub fn find_by_email(ex: &mut impl Executor, email: &str) -> Result<Option<User>, StoreError> {
    let row = ex.query_opt(
        "SELECT user_id, email, role, person_id, password_hash FROM users
         WHERE email = $1 AND disabled = $2",
        params![normalize_email(email), false],
    )?;
    row.map(|r| user_of(&r)).transpose()
}

/// Returns the enabled sign-in with this id.
pub fn find_by_id(ex: &mut impl Executor, user_id: i64) -> Result<Option<User>, StoreError> {
    let row = ex.query_opt(
        "SELECT user_id, email, role, person_id, password_hash FROM users
         WHERE user_id = $1 AND disabled = $2",
        params![user_id, false],
    )?;
    row.map(|r| user_of(&r)).transpose()
}

fn user_of(r: &attain_store::Row) -> Result<User, StoreError> {
    let role_text = r.text(2)?;
    let role = Role::parse(role_text).map_err(|e| StoreError::Decode {
        column: 2,
        message: e.to_string(),
    })?;
    Ok(User {
        user_id: r.int(0)?,
        email: r.string(1)?,
        role,
        person_id: r.opt_string(3)?,
        password_hash: r.string(4)?,
    })
}

/// Creates a personal API token for a sign-in and returns it; only its hash is stored.
pub fn create_token(
    store: &Store,
    email: &str,
    name: &str,
    actor: &str,
) -> Result<String, UserError> {
    let email = normalize_email(email);
    let mut conn = store.conn()?;
    let mut tx = conn.transaction()?;
    let user =
        find_by_email(&mut tx, &email)?.ok_or_else(|| UserError::NoSuchUser(email.clone()))?;
    let token = format!("atn_{}", random_hex(32));
    let row = tx.query_one(
        "INSERT INTO api_tokens (user_id, name, token_hash, created_at)
         VALUES ($1, $2, $3, $4) RETURNING token_id",
        params![user.user_id, name, digest(&token), Utc::now()],
    )?;
    let token_id = row.int(0)?;
    audit::record(
        &mut tx,
        &Change {
            actor,
            action: "create",
            entity: "api_token",
            key: &token_id.to_string(),
            before: None,
            after: Some(serde_json::json!({ "email": email, "name": name })),
        },
    )?;
    tx.commit()?;
    Ok(token)
}

/// Returns the sign-in that owns this bearer token, recording its use.
pub fn find_by_token(ex: &mut impl Executor, token: &str) -> Result<Option<User>, StoreError> {
    let hash = digest(token);
    let row = ex.query_opt(
        "SELECT u.user_id, u.email, u.role, u.person_id, u.password_hash, t.token_id, t.last_used_at
         FROM api_tokens t JOIN users u ON u.user_id = t.user_id
         WHERE t.token_hash = $1 AND u.disabled = $2",
        params![hash, false],
    )?;
    let Some(row) = row else { return Ok(None) };
    let now = Utc::now();
    // Record use at most once a minute per token.
    let stale = row.value(6).is_null()
        || row
            .time(6)
            .map_or(true, |t| now - t > chrono::Duration::seconds(60));
    if stale {
        ex.execute(
            "UPDATE api_tokens SET last_used_at = $2 WHERE token_id = $1",
            params![row.int(5)?, now],
        )?;
    }
    user_of(&row).map(Some)
}

/// A change to a sign-in made by sales operations.
#[derive(Debug, Clone)]
pub struct Update {
    /// The new role.
    pub role: Role,
    /// The new person (`None`: not linked).
    pub person_id: Option<String>,
    /// Whether the sign-in is disabled.
    pub disabled: bool,
}

/// Changes a sign-in's role, person or disabled flag, with its audit row (before and after) in
/// the same transaction; disabling ends its sessions. Returns false when there is no such user.
pub fn update_user(
    store: &Store,
    user_id: i64,
    update: &Update,
    actor: &str,
) -> Result<bool, UserError> {
    let mut conn = store.conn()?;
    let mut tx = conn.transaction()?;
    let Some(row) = tx.query_opt(
        "SELECT email, role, person_id, disabled FROM users WHERE user_id = $1",
        params![user_id],
    )?
    else {
        return Ok(false);
    };
    if let Some(p) = &update.person_id {
        let found = tx.query_opt("SELECT 1 FROM people WHERE person_id = $1", params![p])?;
        if found.is_none() {
            return Err(UserError::NoSuchPerson(p.clone()));
        }
    }
    let email = row.string(0)?;
    let before = serde_json::json!({
        "email": email, "role": row.string(1)?, "person_id": row.opt_string(2)?,
        "disabled": row.bool(3)?,
    });
    let after = serde_json::json!({
        "email": email, "role": update.role.as_str(), "person_id": update.person_id,
        "disabled": update.disabled,
    });
    if before == after {
        return Ok(true);
    }
    tx.execute(
        "UPDATE users SET role = $2, person_id = $3, disabled = $4 WHERE user_id = $1",
        params![
            user_id,
            update.role.as_str(),
            update.person_id.clone(),
            update.disabled
        ],
    )?;
    if update.disabled {
        tx.execute("DELETE FROM sessions WHERE user_id = $1", params![user_id])?;
    }
    audit::record(
        &mut tx,
        &Change {
            actor,
            action: "update",
            entity: "user",
            key: &email,
            before: Some(before),
            after: Some(after),
        },
    )?;
    tx.commit()?;
    Ok(true)
}

/// A sign-in as listed for sales operations.
#[derive(Debug, Clone)]
pub struct Listed {
    /// The row id.
    pub user_id: i64,
    /// The email.
    pub email: String,
    /// The role.
    pub role: String,
    /// The person it acts as.
    pub person_id: Option<String>,
    /// The person's name.
    pub person_name: Option<String>,
    /// Whether it is disabled.
    pub disabled: bool,
}

/// Returns one page of sign-ins whose email contains `q`, by email, and how many match.
pub fn list_users(
    ex: &mut impl Executor,
    pattern: &str,
    limit: i64,
    offset: i64,
) -> Result<(Vec<Listed>, i64), StoreError> {
    let total = ex
        .query_one(
            "SELECT COUNT(*) FROM users WHERE email LIKE $1 ESCAPE '\\'",
            params![pattern],
        )?
        .int(0)?;
    let rows = ex.query(
        &format!(
            "SELECT u.user_id, u.email, u.role, u.person_id, p.name, u.disabled
             FROM users u LEFT JOIN people p ON p.person_id = u.person_id
             WHERE u.email LIKE $1 ESCAPE '\\' ORDER BY u.email LIMIT {limit} OFFSET {offset}"
        ),
        params![pattern],
    )?;
    let users = rows
        .iter()
        .map(|r| {
            Ok(Listed {
                user_id: r.int(0)?,
                email: r.string(1)?,
                role: r.string(2)?,
                person_id: r.opt_string(3)?,
                person_name: r.opt_string(4)?,
                disabled: r.bool(5)?,
            })
        })
        .collect::<Result<_, StoreError>>()?;
    Ok((users, total))
}
