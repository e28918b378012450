//! The territory plan template (docs/territory-plan.md): sales ops change each section's
//! heading, prompt and maximum length (at most the hard limit that keeps a plan on one page);
//! each changed section is written to `plan_template` and audited.

use super::{Chrome, Company, render};
use crate::audit::{self, Change};
use crate::error::{Fail, PageResult};
use crate::territory_plan::template;
use crate::{AppState, Viewer};
use askama::Template;
use attain_domain::territory_plan::{MAX_SECTION_CHARS, TemplateSection};
use attain_store::{Executor, params};
use axum::extract::{Form, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde_json::json;

/// One section in the form.
pub struct Row {
    word: &'static str,
    heading: String,
    prompt: String,
    max: String,
}

#[derive(Template)]
#[template(path = "plan_template.html")]
struct TemplatePage {
    chrome: Chrome,
    rows: Vec<Row>,
    hard_max: usize,
    message: String,
}

fn rows_of(t: &[TemplateSection]) -> Vec<Row> {
    t.iter()
        .map(|s| Row {
            word: s.section.as_str(),
            heading: s.heading.clone(),
            prompt: s.prompt.clone(),
            max: s.max_chars.to_string(),
        })
        .collect()
}

fn page(
    conn: &mut attain_store::Conn,
    viewer: &Viewer,
    rows: Vec<Row>,
    message: String,
    status: StatusCode,
) -> Result<Response, Fail> {
    let company = Company::load(conn)?;
    let chrome = Chrome::new(
        viewer,
        &company,
        "Territory plan template",
        "plan",
        "territory",
    );
    let mut r = render(&TemplatePage {
        chrome,
        rows,
        hard_max: MAX_SECTION_CHARS,
        message,
    })?;
    *r.status_mut() = status;
    Ok(r)
}

/// Shows the template form (sales ops).
pub async fn show_template(State(state): State<AppState>, viewer: Viewer) -> PageResult {
    Ok(state
        .blocking(move |store| {
            let mut conn = store.conn()?;
            let t = template(&mut conn)?;
            page(
                &mut conn,
                &viewer,
                rows_of(&t),
                String::new(),
                StatusCode::OK,
            )
        })
        .await?)
}

/// Reads and checks the form: `heading_W`, `prompt_W`, `max_W` per section word `W`.
fn read(
    current: &[TemplateSection],
    fields: &[(String, String)],
) -> Result<Vec<TemplateSection>, (Vec<Row>, String)> {
    let get = |k: String| {
        fields
            .iter()
            .find(|(f, _)| *f == k)
            .map(|(_, v)| v.trim().to_owned())
    };
    let mut out = Vec::new();
    let mut rows = Vec::new();
    let mut problem = None;
    for s in current {
        let w = s.section.as_str();
        let heading = get(format!("heading_{w}")).unwrap_or_else(|| s.heading.clone());
        let prompt = get(format!("prompt_{w}")).unwrap_or_else(|| s.prompt.clone());
        let max = get(format!("max_{w}")).unwrap_or_else(|| s.max_chars.to_string());
        let parsed = max
            .parse::<usize>()
            .ok()
            .filter(|n| (1..=MAX_SECTION_CHARS).contains(n));
        if problem.is_none() {
            if heading.is_empty() {
                problem = Some(format!("{}: give the section a heading.", s.heading));
            } else if parsed.is_none() {
                problem = Some(format!(
                    "{heading}: maximum length '{max}' is not a whole number from 1 to {MAX_SECTION_CHARS}."
                ));
            }
        }
        out.push(TemplateSection {
            section: s.section,
            heading: heading.clone(),
            prompt: prompt.clone(),
            max_chars: parsed.unwrap_or(s.max_chars),
        });
        rows.push(Row {
            word: w,
            heading,
            prompt,
            max,
        });
    }
    match problem {
        Some(m) => Err((rows, m)),
        None => Ok(out),
    }
}

fn section_json(s: &TemplateSection) -> serde_json::Value {
    json!({"section": s.section.as_str(), "heading": s.heading, "prompt": s.prompt, "max_chars": s.max_chars})
}

/// Saves the template (sales ops): each changed section upserted and audited.
pub async fn save_template(
    State(state): State<AppState>,
    viewer: Viewer,
    Form(fields): Form<Vec<(String, String)>>,
) -> PageResult {
    Ok(state
        .blocking(move |store| {
            let mut conn = store.conn()?;
            let current = template(&mut conn)?;
            let new = match read(&current, &fields) {
                Ok(t) => t,
                Err((rows, m)) => {
                    return page(
                        &mut conn,
                        &viewer,
                        rows,
                        m,
                        StatusCode::UNPROCESSABLE_ENTITY,
                    );
                }
            };
            let mut tx = conn.transaction()?;
            for (before, after) in current.iter().zip(&new) {
                if before == after {
                    continue;
                }
                tx.execute(
                    "INSERT INTO plan_template (section, heading, prompt, max_chars)
                     VALUES ($1, $2, $3, $4)
                     ON CONFLICT (section) DO UPDATE SET heading = $2, prompt = $3, max_chars = $4",
                    params![
                        after.section.as_str(),
                        after.heading.as_str(),
                        after.prompt.as_str(),
                        i64::try_from(after.max_chars).unwrap_or(0)
                    ],
                )?;
                audit::record(
                    &mut tx,
                    &Change {
                        actor: &viewer.email,
                        action: "update",
                        entity: "plan_template",
                        key: after.section.as_str(),
                        before: Some(section_json(before)),
                        after: Some(section_json(after)),
                    },
                )?;
            }
            tx.commit()?;
            Ok(Redirect::to("/plan/territory/template").into_response())
        })
        .await?)
}
