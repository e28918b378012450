//! Pay › Inquiries: a person raises an inquiry on a line of their statement; sales ops answers,
//! resolves it with an adjustment (written to `adjustments` in an open month, audited) or
//! rejects it; the whole thread is kept. The person and everyone who may see them (their
//! managers, executives, sales ops) read it.

use super::{fiscal_month, last_locked, parse_amount, visible_person};
use crate::audit;
use crate::error::{Fail, PageResult};
use crate::fmt::money;
use crate::pages::users::capitalise;
use crate::pages::{Chrome, Company, render};
use crate::{AppState, Viewer};
use askama::Template;
use attain_store::{Executor, Value, params};
use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect};

/// An inquiry in a list.
pub struct Listed {
    href: String,
    id: i64,
    name: String,
    period: String,
    line: String,
    status: String,
    updated: String,
}

#[derive(Template)]
#[template(path = "pay_inquiries.html")]
struct InquiriesPage {
    chrome: Chrome,
    status: String,
    rows: Vec<Listed>,
}

/// The query of the inquiries list.
#[derive(Debug, Default, serde::Deserialize)]
pub struct InquiriesQuery {
    /// `open` (open or answered, the default), `closed` (resolved or rejected), or `all`.
    #[serde(default)]
    pub status: String,
}

/// Returns the SQL condition of a status filter.
fn status_filter(status: &str) -> &'static str {
    match status {
        "closed" => "i.status IN ('resolved', 'rejected')",
        "all" => "1 = 1",
        _ => "i.status IN ('open', 'answered')",
    }
}

/// Lists the inquiries of the people the viewer may see.
pub async fn list_inquiries(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(q): Query<InquiriesQuery>,
) -> PageResult {
    Ok(state
        .blocking(move |store| -> Result<_, Fail> {
            let mut conn = store.conn()?;
            let company = Company::load(&mut conn)?;
            let mut args: Vec<Value> = Vec::new();
            let scope = viewer.people().sql("i.person_id", &mut args);
            let rows = conn
                .query(
                    &format!(
                        "SELECT i.inquiry_id, p.name, i.year, i.month, i.line, i.status, i.updated_at
                         FROM inquiries i LEFT JOIN people p ON p.person_id = i.person_id
                         WHERE {scope} AND {} ORDER BY i.updated_at DESC, i.inquiry_id DESC LIMIT 200",
                        status_filter(&q.status)
                    ),
                    &args,
                )?
                .iter()
                .map(|r| {
                    let id = r.int(0)?;
                    let year = i32::try_from(r.int(2)?).unwrap_or(0);
                    let month = u32::try_from(r.int(3)?).unwrap_or(1);
                    Ok(Listed {
                        href: format!("/pay/inquiries/{id}"),
                        id,
                        name: r.opt_string(1)?.unwrap_or_default(),
                        period: format!(
                            "{} {year}",
                            company.month_label(year, month.clamp(1, 12))
                        ),
                        line: r.string(4)?,
                        status: r.string(5)?,
                        updated: r.time(6)?.format("%Y-%m-%d %H:%M").to_string(),
                    })
                })
                .collect::<Result<Vec<_>, Fail>>()?;
            let status = match q.status.as_str() {
                "closed" | "all" => q.status.clone(),
                _ => "open".to_owned(),
            };
            render(&InquiriesPage {
                chrome: Chrome::new(&viewer, &company, "Inquiries", "pay", "inquiries"),
                status,
                rows,
            })
        })
        .await?)
}

/// The form that raises an inquiry.
#[derive(Debug, serde::Deserialize)]
pub struct RaiseForm {
    /// The statement's person (must be the signed-in person).
    pub person_id: String,
    /// The statement's fiscal year and month.
    pub year: i32,
    pub month: u32,
    /// The line asked about: `plan_id/component` or `adjustment:ID`.
    #[serde(default)]
    pub line: String,
    /// The question.
    #[serde(default)]
    pub body: String,
}

/// Raises an inquiry on a line of the signed-in person's own statement.
pub async fn raise_inquiry(
    State(state): State<AppState>,
    viewer: Viewer,
    Form(f): Form<RaiseForm>,
) -> PageResult {
    Ok(state
        .blocking(move |store| -> Result<_, Fail> {
            let mut conn = store.conn()?;
            visible_person(&mut conn, &viewer, &f.person_id)?;
            if viewer.person_id.as_deref() != Some(f.person_id.as_str()) {
                return Err(Fail::Forbidden);
            }
            let month = fiscal_month(f.month)?;
            let (line, body) = (f.line.trim(), f.body.trim());
            if body.is_empty() || line.is_empty() {
                return Err(Fail::BadRequest(
                    "Say what looks wrong: an inquiry needs a line and a question.".into(),
                ));
            }
            let now = chrono::Utc::now();
            let mut tx = conn.transaction()?;
            let id = tx
                .query_one(
                    "INSERT INTO inquiries (person_id, year, month, line, status, raised_by, raised_at, updated_at)
                     VALUES ($1, $2, $3, $4, 'open', $5, $6, $6) RETURNING inquiry_id",
                    params![&f.person_id, f.year, month, line, &viewer.email, now],
                )?
                .int(0)?;
            add_message(&mut tx, id, &viewer.email, "question", body, None)?;
            audit::record(
                &mut tx,
                &audit::Change {
                    actor: &viewer.email,
                    action: "create",
                    entity: "inquiry",
                    key: &id.to_string(),
                    before: None,
                    after: Some(serde_json::json!({
                        "person_id": f.person_id, "year": f.year, "month": month, "line": line,
                        "status": "open"
                    })),
                },
            )?;
            tx.commit()?;
            Ok(Redirect::to(&format!("/pay/inquiries/{id}")).into_response())
        })
        .await?)
}

fn add_message(
    ex: &mut impl Executor,
    id: i64,
    author: &str,
    kind: &str,
    body: &str,
    amount: Option<attain_domain::Money>,
) -> Result<(), Fail> {
    ex.execute(
        "INSERT INTO inquiry_messages (inquiry_id, at, author, kind, body, amount)
         VALUES ($1, $2, $3, $4, $5, $6)",
        params![id, chrono::Utc::now(), author, kind, body, amount],
    )?;
    Ok(())
}

/// One message of a thread.
pub struct Message {
    at: String,
    author: String,
    kind: String,
    body: String,
    amount: String,
}

/// An inquiry as read from the store.
struct Inquiry {
    person_id: String,
    year: i32,
    month: u32,
    line: String,
    status: String,
    adjustment_id: Option<String>,
}

impl Inquiry {
    /// Returns true once resolved or rejected: the thread takes no more messages.
    fn is_closed(&self) -> bool {
        matches!(self.status.as_str(), "resolved" | "rejected")
    }
}

fn find(ex: &mut impl Executor, viewer: &Viewer, id: i64) -> Result<Inquiry, Fail> {
    let r = ex
        .query_opt(
            "SELECT person_id, year, month, line, status, adjustment_id FROM inquiries
             WHERE inquiry_id = $1",
            params![id],
        )?
        .ok_or(Fail::NotFound)?;
    let person_id = r.string(0)?;
    if !viewer.can_see_person(&person_id) {
        return Err(Fail::NotFound);
    }
    Ok(Inquiry {
        person_id,
        year: i32::try_from(r.int(1)?).unwrap_or(0),
        month: u32::try_from(r.int(2)?).unwrap_or(1),
        line: r.string(3)?,
        status: r.string(4)?,
        adjustment_id: r.opt_string(5)?,
    })
}

#[derive(Template)]
#[template(path = "pay_inquiry.html")]
struct InquiryPage {
    chrome: Chrome,
    id: i64,
    name: String,
    statement: String,
    period: String,
    line: String,
    status: String,
    adjustment_id: String,
    messages: Vec<Message>,
    closed: bool,
    can_reply: bool,
    is_ops: bool,
    first_open: u32,
    problem: String,
}

fn inquiry_page(
    conn: &mut impl Executor,
    viewer: &Viewer,
    id: i64,
    problem: String,
) -> Result<InquiryPage, Fail> {
    let inq = find(conn, viewer, id)?;
    let name = visible_person(conn, viewer, &inq.person_id)?;
    let company = Company::load(conn)?;
    let messages = conn
        .query(
            "SELECT at, author, kind, body, amount FROM inquiry_messages WHERE inquiry_id = $1
             ORDER BY message_id",
            params![id],
        )?
        .iter()
        .map(|r| {
            Ok(Message {
                at: r.time(0)?.format("%Y-%m-%d %H:%M UTC").to_string(),
                author: r.string(1)?,
                kind: r.string(2)?,
                body: r.string(3)?,
                amount: r
                    .opt_int(4)?
                    .map(|c| money(attain_domain::Money::from_cents(c), &company.currency).text)
                    .unwrap_or_default(),
            })
        })
        .collect::<Result<Vec<_>, Fail>>()?;
    let closed = inq.is_closed();
    let last = last_locked(conn, inq.year)?;
    Ok(InquiryPage {
        chrome: Chrome::new(
            viewer,
            &company,
            format!("Inquiry {id}"),
            "pay",
            "inquiries",
        ),
        id,
        statement: format!(
            "/pay/statements/{}/{}/{}",
            inq.person_id, inq.year, inq.month
        ),
        period: format!(
            "{} {}",
            company.month_label(inq.year, inq.month.clamp(1, 12)),
            inq.year
        ),
        name,
        line: inq.line,
        status: inq.status,
        adjustment_id: inq.adjustment_id.unwrap_or_default(),
        messages,
        closed,
        can_reply: !closed
            && (viewer.is_sales_ops()
                || viewer.person_id.as_deref() == Some(inq.person_id.as_str())),
        is_ops: viewer.is_sales_ops() && !closed,
        first_open: (last + 1).max(inq.month).min(12),
        problem,
    })
}

/// Shows an inquiry with its whole thread.
pub async fn show_inquiry(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
) -> PageResult {
    Ok(state
        .blocking(move |store| -> Result<_, Fail> {
            let mut conn = store.conn()?;
            render(&inquiry_page(&mut conn, &viewer, id, String::new())?)
        })
        .await?)
}

/// A reply, a resolution or a rejection.
#[derive(Debug, Default, serde::Deserialize)]
pub struct ReplyForm {
    /// The message.
    #[serde(default)]
    pub body: String,
    /// The adjustment's amount (resolution).
    #[serde(default)]
    pub amount: String,
    /// The open fiscal month the adjustment is paid in (resolution).
    pub month: Option<u32>,
}

/// Answers with the inquiry page and a problem.
fn refuse(
    conn: &mut impl Executor,
    viewer: &Viewer,
    id: i64,
    problem: &str,
) -> Result<axum::response::Response, Fail> {
    let page = inquiry_page(conn, viewer, id, problem.to_owned())?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(page.render()?)).into_response())
}

/// Adds a reply: the person asking again, or sales ops answering.
pub async fn reply_inquiry(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    Form(f): Form<ReplyForm>,
) -> PageResult {
    Ok(state
        .blocking(move |store| -> Result<_, Fail> {
            let mut conn = store.conn()?;
            let inq = find(&mut conn, &viewer, id)?;
            let own = viewer.person_id.as_deref() == Some(inq.person_id.as_str());
            if !own && !viewer.is_sales_ops() {
                return Err(Fail::Forbidden);
            }
            if inq.is_closed() {
                return refuse(&mut conn, &viewer, id, "This inquiry is closed.");
            }
            let body = f.body.trim();
            if body.is_empty() {
                return refuse(&mut conn, &viewer, id, "Write a reply first.");
            }
            let (kind, status) = if viewer.is_sales_ops() && !own {
                ("answer", "answered")
            } else {
                ("question", "open")
            };
            let mut tx = conn.transaction()?;
            add_message(&mut tx, id, &viewer.email, kind, body, None)?;
            set_status(&mut tx, &viewer.email, id, &inq.status, status, None)?;
            tx.commit()?;
            Ok(Redirect::to(&format!("/pay/inquiries/{id}")).into_response())
        })
        .await?)
}

/// Changes an inquiry's status (and adjustment), with an audit row.
fn set_status(
    ex: &mut impl Executor,
    actor: &str,
    id: i64,
    before: &str,
    after: &str,
    adjustment_id: Option<&str>,
) -> Result<(), Fail> {
    ex.execute(
        "UPDATE inquiries SET status = $2, updated_at = $3,
                adjustment_id = COALESCE($4, adjustment_id) WHERE inquiry_id = $1",
        params![id, after, chrono::Utc::now(), adjustment_id],
    )?;
    audit::record(
        ex,
        &audit::Change {
            actor,
            action: "update",
            entity: "inquiry",
            key: &id.to_string(),
            before: Some(serde_json::json!({ "status": before })),
            after: Some(serde_json::json!({ "status": after, "adjustment_id": adjustment_id })),
        },
    )?;
    Ok(())
}

/// Resolves an inquiry with an adjustment paid in an open month (sales ops).
pub async fn resolve_inquiry(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    Form(f): Form<ReplyForm>,
) -> PageResult {
    Ok(state
        .blocking(move |store| -> Result<_, Fail> {
            let mut conn = store.conn()?;
            let inq = find(&mut conn, &viewer, id)?;
            if inq.is_closed() {
                return refuse(&mut conn, &viewer, id, "This inquiry is closed.");
            }
            let reason = f.body.trim();
            if reason.is_empty() {
                return refuse(&mut conn, &viewer, id, "Say why the adjustment is made: the reason goes on the statement.");
            }
            let amount = match parse_amount(&f.amount) {
                Ok(a) if a.cents() != 0 => a,
                Ok(_) => return refuse(&mut conn, &viewer, id, "An adjustment of zero changes nothing: reject the inquiry or answer it instead."),
                Err(e) => return refuse(&mut conn, &viewer, id, &format!("{}.", capitalise(&e))),
            };
            let last = last_locked(&mut conn, inq.year)?;
            let month = f.month.unwrap_or(last + 1);
            if !(1..=12).contains(&month) || month <= last {
                let problem = if last == 12 {
                    format!("Every month of {} is closed: the adjustment has no open month to go to.", inq.year)
                } else {
                    format!("Month {month} is closed or not a fiscal month: post the adjustment to an open month ({} to 12).", last + 1)
                };
                return refuse(&mut conn, &viewer, id, &problem);
            }
            let adjustment_id = format!("inquiry-{id}");
            let full_reason = format!("Inquiry {id}: {reason}");
            let mut tx = conn.transaction()?;
            let exists = tx
                .query_opt(
                    "SELECT 1 FROM adjustments WHERE adjustment_id = $1",
                    params![&adjustment_id],
                )?
                .is_some();
            if exists {
                drop(tx);
                return refuse(&mut conn, &viewer, id, "This inquiry already has an adjustment.");
            }
            tx.execute(
                "INSERT INTO adjustments (adjustment_id, person_id, year, month, amount, reason)
                 VALUES ($1, $2, $3, $4, $5, $6)",
                params![&adjustment_id, &inq.person_id, inq.year, month, amount, &full_reason],
            )?;
            audit::record(
                &mut tx,
                &audit::Change {
                    actor: &viewer.email,
                    action: "create",
                    entity: "adjustment",
                    key: &adjustment_id,
                    before: None,
                    after: Some(serde_json::json!({
                        "person_id": inq.person_id, "year": inq.year, "month": month,
                        "amount": amount.to_string(), "reason": full_reason
                    })),
                },
            )?;
            add_message(&mut tx, id, &viewer.email, "resolution", reason, Some(amount))?;
            set_status(&mut tx, &viewer.email, id, &inq.status, "resolved", Some(&adjustment_id))?;
            tx.commit()?;
            Ok(Redirect::to(&format!("/pay/inquiries/{id}")).into_response())
        })
        .await?)
}

/// Rejects an inquiry with a reason (sales ops).
pub async fn reject_inquiry(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    Form(f): Form<ReplyForm>,
) -> PageResult {
    Ok(state
        .blocking(move |store| -> Result<_, Fail> {
            let mut conn = store.conn()?;
            let inq = find(&mut conn, &viewer, id)?;
            if inq.is_closed() {
                return refuse(&mut conn, &viewer, id, "This inquiry is closed.");
            }
            let reason = f.body.trim();
            if reason.is_empty() {
                return refuse(&mut conn, &viewer, id, "Say why the inquiry is rejected.");
            }
            let mut tx = conn.transaction()?;
            add_message(&mut tx, id, &viewer.email, "rejection", reason, None)?;
            set_status(&mut tx, &viewer.email, id, &inq.status, "rejected", None)?;
            tx.commit()?;
            Ok(Redirect::to(&format!("/pay/inquiries/{id}")).into_response())
        })
        .await?)
}
