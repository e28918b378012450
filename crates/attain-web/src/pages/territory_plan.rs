//! Territory plan pages (docs/territory-plan.md): the list of plans (mine and my team's), a
//! plan with its progress, its edit and workflow forms and kept versions, the one-page print
//! view (A4 or Letter) and its PDF.

use super::objectives::DEFAULT_OPEN_STAGES;
use super::{Chrome, Company, render};
use crate::error::{Fail, PageResult};
use crate::fmt::{Currency, attainment, money_whole, ratio_of};
use crate::territory_plan::{self as tp, Action, Edit, Plan};
use crate::{AppState, Viewer, account_map, pdf};
use askama::Template;
use attain_domain::Money;
use attain_domain::coverage::role_words;
use attain_domain::territory_plan::{MAX_KEY_ACCOUNTS, MAX_STRATEGY_CHARS};
use attain_domain::vocab::{Metric, PlanSection};
use attain_store::{Executor, Value, params};
use axum::extract::{Form, Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use std::collections::HashMap;

/// `?year=` of the list.
#[derive(Debug, Default, serde::Deserialize)]
pub struct YearQuery {
    pub year: Option<i32>,
}

/// `?paper=a4|letter` of the print view and the PDF.
#[derive(Debug, Default, serde::Deserialize)]
pub struct PaperQuery {
    #[serde(default)]
    pub paper: String,
}

/// The paper sizes a plan prints on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Paper {
    A4,
    Letter,
}

impl Paper {
    /// Reads `a4` (the default) or `letter`.
    pub fn parse(s: &str) -> Result<Paper, Fail> {
        match s {
            "" | "a4" => Ok(Paper::A4),
            "letter" => Ok(Paper::Letter),
            _ => Err(Fail::BadRequest(format!(
                "paper: '{s}' is not a4 or letter."
            ))),
        }
    }

    /// The CSS `@page` size.
    pub fn css(self) -> &'static str {
        match self {
            Paper::A4 => "A4",
            Paper::Letter => "letter",
        }
    }

    /// The word of the query.
    pub fn word(self) -> &'static str {
        match self {
            Paper::A4 => "a4",
            Paper::Letter => "letter",
        }
    }
}

/// One metric's objective for the year, actual to date and attainment.
pub struct ObjectiveRow {
    pub metric: &'static str,
    pub objective: String,
    pub actual: String,
    pub attainment: String,
}

/// One key account with its strategy and progress.
pub struct KeyRow {
    pub account_id: String,
    pub name: String,
    pub strategy: String,
    pub pipeline: String,
    pub bookings: String,
    pub covered: String,
    pub gaps: String,
}

/// One section as shown.
pub struct SectionRow {
    pub word: &'static str,
    pub heading: String,
    pub prompt: String,
    pub max: usize,
    pub text: String,
}

/// An account offered in the key accounts picker.
pub struct Pick {
    pub account_id: String,
    pub name: String,
    pub checked: bool,
    pub strategy: String,
}

/// What the plan page, the print view and the version view share.
pub struct View {
    pub person_id: String,
    pub person_name: String,
    pub year: i32,
    pub status: String,
    pub version: i64,
    pub submitted: String,
    pub agreed: String,
    pub agreed_by: String,
    pub comment: String,
    pub sections: Vec<SectionRow>,
    pub objectives: Vec<ObjectiveRow>,
    pub keys: Vec<KeyRow>,
}

#[derive(Template)]
#[template(path = "territory_plans.html")]
struct ListPage {
    chrome: Chrome,
    year: i32,
    mine: Option<String>,
    rows: Vec<(String, String, String, String)>,
}

#[derive(Template)]
#[template(path = "territory_plan.html")]
struct PlanPage {
    chrome: Chrome,
    v: View,
    can_edit: bool,
    can_agree: bool,
    picks: Vec<Pick>,
    versions: Vec<(i64, String, String, String)>,
    message: String,
    max_keys: usize,
    max_strategy: usize,
}

#[derive(Template)]
#[template(path = "territory_plan_print.html")]
struct PrintPage {
    company: String,
    v: View,
    paper: &'static str,
    note: String,
}

/// The list: the viewer's own plan and the status of every visible salesperson's plan.
pub async fn list_plans(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(q): Query<YearQuery>,
) -> PageResult {
    Ok(state
        .blocking(move |store| {
            let mut conn = store.conn()?;
            let company = Company::load(&mut conn)?;
            let year = q.year.unwrap_or(company.today().0);
            let mut args: Vec<Value> = vec![i64::from(year).into()];
            let scope = viewer.people().sql("p.person_id", &mut args);
            let mut rows = Vec::new();
            for r in conn.query(
                &format!(
                    "SELECT p.person_id, p.name, t.status, t.version
                     FROM people p LEFT JOIN territory_plans t
                       ON t.person_id = p.person_id AND t.year = $1
                     WHERE p.role = 'rep' AND {scope} ORDER BY p.name, p.person_id"
                ),
                &args,
            )? {
                let status = r.opt_string(2)?.unwrap_or_else(|| "not started".into());
                let version = r.opt_int(3)?.map(|v| v.to_string()).unwrap_or_default();
                rows.push((r.string(0)?, r.string(1)?, status, version));
            }
            let chrome = Chrome::new(&viewer, &company, "Territory plans", "plan", "territory");
            render(&ListPage {
                chrome,
                year,
                mine: viewer.person_id.clone(),
                rows,
            })
        })
        .await?)
}

/// Builds the shared view of a plan: texts, objectives against actuals, key accounts' progress.
pub fn view(
    ex: &mut impl Executor,
    plan: &Plan,
    cur: &Currency,
    company: &Company,
) -> Result<View, Fail> {
    let year = i64::from(plan.year);
    let mut objective = [0i64; 3];
    let mut actual = [0i64; 3];
    let index = |m: &str| {
        Metric::parse(m)
            .ok()
            .and_then(|m| Metric::ALL.iter().position(|x| *x == m))
    };
    for r in ex.query(
        "SELECT metric, CAST(SUM(amount) AS BIGINT) FROM targets
         WHERE scope = 'person' AND scope_id = $1 AND year = $2 GROUP BY metric",
        params![plan.person_id.as_str(), year],
    )? {
        if let Some(i) = index(r.text(0)?) {
            objective[i] = r.int(1)?;
        }
    }
    for r in ex.query(
        "SELECT metric, CAST(SUM(credited) AS BIGINT) FROM result_credits
         WHERE person_id = $1 AND year = $2 GROUP BY metric",
        params![plan.person_id.as_str(), year],
    )? {
        if let Some(i) = index(r.text(0)?) {
            actual[i] = r.int(1)?;
        }
    }
    let objectives = Metric::ALL
        .iter()
        .enumerate()
        .map(|(i, m)| {
            let (o, a) = (
                Money::from_cents(objective[i]),
                Money::from_cents(actual[i]),
            );
            ObjectiveRow {
                metric: m.as_str(),
                objective: money_whole(o, cur).to_string(),
                actual: money_whole(a, cur).to_string(),
                attainment: attainment(ratio_of(a, o)),
            }
        })
        .collect();
    let keys = key_rows(ex, plan, cur, company)?;
    Ok(View {
        person_id: plan.person_id.clone(),
        person_name: plan.person_name.clone(),
        year: plan.year,
        status: plan.status.as_str().to_owned(),
        version: plan.version,
        submitted: plan
            .submitted_date
            .map(|d| d.to_string())
            .unwrap_or_default(),
        agreed: plan.agreed_date.map(|d| d.to_string()).unwrap_or_default(),
        agreed_by: match &plan.agreed_by_id {
            Some(id) => ex
                .query_opt(
                    "SELECT name FROM people WHERE person_id = $1",
                    params![id.as_str()],
                )?
                .map(|r| r.string(0))
                .transpose()?
                .unwrap_or_else(|| id.clone()),
            None => String::new(),
        },
        comment: plan.manager_comment.clone(),
        sections: plan
            .sections
            .iter()
            .map(|(t, text)| SectionRow {
                word: t.section.as_str(),
                heading: t.heading.clone(),
                prompt: t.prompt.clone(),
                max: t.max_chars,
                text: text.clone(),
            })
            .collect(),
        objectives,
        keys,
    })
}

/// Each key account's open pipeline, bookings in the plan's year, and account-map coverage
/// today (key roles covered, gaps).
fn key_rows(
    ex: &mut impl Executor,
    plan: &Plan,
    cur: &Currency,
    company: &Company,
) -> Result<Vec<KeyRow>, Fail> {
    if plan.key_accounts.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<Value> = plan
        .key_accounts
        .iter()
        .map(|k| k.account_id.as_str().into())
        .collect();
    let marks: Vec<String> = (1..=ids.len()).map(|i| format!("${i}")).collect();
    let list = marks.join(", ");
    let mut open: Vec<String> = Vec::new();
    for r in ex.query("SELECT stage FROM stages WHERE outcome = 'open'", &[])? {
        open.push(r.string(0)?);
    }
    if ex.query_one("SELECT COUNT(*) FROM stages", &[])?.int(0)? == 0 {
        open.extend(DEFAULT_OPEN_STAGES.iter().map(|(s, _)| (*s).to_owned()));
    }
    let mut pipeline: HashMap<String, i64> = HashMap::new();
    for r in ex.query(
        &format!(
            "SELECT account_id, stage, amount FROM opportunities WHERE account_id IN ({list})"
        ),
        &ids,
    )? {
        let stage = r.string(1)?;
        if open.contains(&stage) {
            *pipeline.entry(r.string(0)?).or_default() += r.int(2)?;
        }
    }
    let (from, to) = company.calendar.year_bounds(plan.year);
    let mut args = ids.clone();
    args.push(from.into());
    args.push(to.into());
    let (f, t) = (ids.len() + 1, ids.len() + 2);
    let mut bookings: HashMap<String, i64> = HashMap::new();
    for r in ex.query(
        &format!(
            "SELECT account_id, CAST(SUM(amount) AS BIGINT) FROM transactions
             WHERE kind = 'booking' AND account_id IN ({list}) AND date >= ${f} AND date <= ${t}
             GROUP BY account_id"
        ),
        &args,
    )? {
        bookings.insert(r.string(0)?, r.int(1)?);
    }
    let today = chrono::Utc::now().date_naive();
    let cover = account_map::summaries(ex, &format!("a.account_id IN ({list})"), &ids, today)?;
    Ok(plan
        .key_accounts
        .iter()
        .map(|k| {
            let (covered, gaps) = match cover.get(&k.account_id) {
                Some(s) => {
                    let c = &s.coverage;
                    let key = c
                        .roles
                        .iter()
                        .filter(|r| attain_domain::coverage::KEY_ROLES.contains(&r.role));
                    let (n, total) =
                        key.fold((0, 0), |(n, t), r| (n + usize::from(r.covered()), t + 1));
                    let gaps: Vec<String> = c
                        .roles
                        .iter()
                        .filter(|r| {
                            attain_domain::coverage::KEY_ROLES.contains(&r.role) && !r.covered()
                        })
                        .map(|r| role_words(r.role))
                        .collect();
                    (format!("{n} of {total}"), gaps.join(", "))
                }
                None => (String::new(), String::new()),
            };
            KeyRow {
                account_id: k.account_id.clone(),
                name: k.name.clone(),
                strategy: k.strategy.clone(),
                pipeline: money_whole(
                    Money::from_cents(pipeline.get(&k.account_id).copied().unwrap_or(0)),
                    cur,
                )
                .to_string(),
                bookings: money_whole(
                    Money::from_cents(bookings.get(&k.account_id).copied().unwrap_or(0)),
                    cur,
                )
                .to_string(),
                covered,
                gaps,
            }
        })
        .collect())
}

/// Parses the year of a plan's path.
fn plan_year(year: &str) -> Result<i32, Fail> {
    year.parse::<i32>()
        .ok()
        .filter(|y| (1900..=9999).contains(y))
        .ok_or(Fail::NotFound)
}

/// The plan page with a message (after a refused change) and status.
fn plan_page(
    conn: &mut attain_store::Conn,
    viewer: &Viewer,
    plan: &Plan,
    message: String,
    status: StatusCode,
) -> Result<Response, Fail> {
    let company = Company::load(conn)?;
    let v = view(conn, plan, &company.currency, &company)?;
    let can_edit = tp::may_edit(viewer, plan);
    let mut picks = Vec::new();
    if can_edit {
        let mut args: Vec<Value> = vec![plan.person_id.as_str().into()];
        for k in &plan.key_accounts {
            args.push(k.account_id.as_str().into());
        }
        let chosen: Vec<String> = (2..=args.len()).map(|i| format!("${i}")).collect();
        let extra = if chosen.is_empty() {
            String::new()
        } else {
            format!(" OR account_id IN ({})", chosen.join(", "))
        };
        for r in conn.query(
            &format!(
                "SELECT account_id, name FROM accounts WHERE owner_id = $1{extra}
                 ORDER BY key_account DESC, name, account_id LIMIT 60"
            ),
            &args,
        )? {
            let id = r.string(0)?;
            let k = plan.key_accounts.iter().find(|k| k.account_id == id);
            picks.push(Pick {
                checked: k.is_some(),
                strategy: k.map(|k| k.strategy.clone()).unwrap_or_default(),
                account_id: id,
                name: r.string(1)?,
            });
        }
    }
    let versions = tp::versions(conn, &plan.person_id, plan.year)?
        .into_iter()
        .map(|v| (v.version, v.status, v.saved_at, v.saved_by))
        .collect();
    let title = format!("Territory plan {} — {}", plan.year, plan.person_name);
    let page = PlanPage {
        chrome: Chrome::new(viewer, &company, title, "plan", "territory"),
        v,
        can_edit,
        can_agree: tp::may_agree(viewer, plan),
        picks,
        versions,
        message,
        max_keys: MAX_KEY_ACCOUNTS,
        max_strategy: MAX_STRATEGY_CHARS,
    };
    let mut response = render(&page)?;
    *response.status_mut() = status;
    Ok(response)
}

/// Shows a plan with its progress; 404 when the person is not the viewer's to see.
pub async fn show_plan(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((person_id, year)): Path<(String, String)>,
) -> PageResult {
    Ok(state
        .blocking(move |store| {
            let year = plan_year(&year)?;
            let mut conn = store.conn()?;
            let plan = tp::load(&mut conn, &viewer, &person_id, year)?;
            plan_page(&mut conn, &viewer, &plan, String::new(), StatusCode::OK)
        })
        .await?)
}

/// Reads the edit form: `section_WORD` texts, `account` (repeated) and `strategy_ACCOUNT`.
pub fn read_edit(fields: &[(String, String)]) -> Edit {
    let mut edit = Edit::default();
    let mut strategies: HashMap<&str, &str> = HashMap::new();
    for (k, v) in fields {
        if let Some(word) = k.strip_prefix("section_") {
            if let Ok(s) = PlanSection::parse(word) {
                edit.sections.push((s, v.trim().replace("\r\n", "\n")));
            }
        } else if k == "comment" {
            edit.comment = v.clone();
        } else if let Some(id) = k.strip_prefix("strategy_") {
            strategies.insert(id, v.as_str());
        }
    }
    for (k, v) in fields {
        if k == "account" && !edit.key_accounts.iter().any(|(a, _)| a == v) {
            let strategy = strategies.get(v.as_str()).map_or("", |s| s.trim());
            edit.key_accounts.push((v.clone(), strategy.to_owned()));
        }
    }
    edit
}

/// Runs a workflow action from a form and goes back to the plan (or shows why not, 422).
async fn act(
    state: AppState,
    viewer: Viewer,
    person_id: String,
    year: String,
    action: Action,
    fields: Vec<(String, String)>,
) -> PageResult {
    Ok(state
        .blocking(move |store| {
            let year = plan_year(&year)?;
            let mut conn = store.conn()?;
            let edit = read_edit(&fields);
            let today = chrono::Utc::now().date_naive();
            match tp::apply(&mut conn, &viewer, &person_id, year, action, &edit, today)? {
                Ok(_) => Ok(
                    Redirect::to(&format!("/plan/territory/{person_id}/{year}")).into_response()
                ),
                Err(message) => {
                    let plan = tp::load(&mut conn, &viewer, &person_id, year)?;
                    plan_page(
                        &mut conn,
                        &viewer,
                        &plan,
                        message,
                        StatusCode::UNPROCESSABLE_ENTITY,
                    )
                }
            }
        })
        .await?)
}

/// Saves the plan's texts and key accounts (its salesperson only).
pub async fn save_plan(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((person_id, year)): Path<(String, String)>,
    Form(fields): Form<Vec<(String, String)>>,
) -> PageResult {
    act(state, viewer, person_id, year, Action::Save, fields).await
}

/// Submits the draft to the manager (its salesperson only).
pub async fn submit_plan(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((person_id, year)): Path<(String, String)>,
    Form(fields): Form<Vec<(String, String)>>,
) -> PageResult {
    act(state, viewer, person_id, year, Action::Submit, fields).await
}

/// Agrees a submitted plan (the manager or above, or sales ops).
pub async fn agree_plan(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((person_id, year)): Path<(String, String)>,
    Form(fields): Form<Vec<(String, String)>>,
) -> PageResult {
    act(state, viewer, person_id, year, Action::Agree, fields).await
}

/// Returns a submitted plan to draft with a comment (the manager or above, or sales ops).
pub async fn return_plan(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((person_id, year)): Path<(String, String)>,
    Form(fields): Form<Vec<(String, String)>>,
) -> PageResult {
    act(state, viewer, person_id, year, Action::Return, fields).await
}

/// Renders the one-page print view of a plan (the HTML the PDF is made of).
pub fn print_html(
    conn: &mut attain_store::Conn,
    viewer: &Viewer,
    person_id: &str,
    year: i32,
    paper: Paper,
) -> Result<String, Fail> {
    let plan = tp::load(conn, viewer, person_id, year)?;
    let company = Company::load(conn)?;
    let v = view(conn, &plan, &company.currency, &company)?;
    let note = format!("Printed {}", chrono::Utc::now().date_naive());
    Ok(PrintPage {
        company: company.name.clone(),
        v,
        paper: paper.css(),
        note,
    }
    .render()?)
}

/// The print view: one page, A4 or Letter.
pub async fn print_plan(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((person_id, year)): Path<(String, String)>,
    Query(q): Query<PaperQuery>,
) -> PageResult {
    Ok(state
        .blocking(move |store| {
            let year = plan_year(&year)?;
            let paper = Paper::parse(&q.paper)?;
            let mut conn = store.conn()?;
            let html = print_html(&mut conn, &viewer, &person_id, year, paper)?;
            Ok::<_, Fail>(axum::response::Html(html).into_response())
        })
        .await?)
}

/// The plan as a one-page PDF made by headless Chromium from the print view; 503 when Chromium
/// is not installed.
pub async fn plan_pdf(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((person_id, year)): Path<(String, String)>,
    Query(q): Query<PaperQuery>,
) -> PageResult {
    let (html, paper, y) = state
        .blocking(move |store| {
            let year = plan_year(&year)?;
            let paper = Paper::parse(&q.paper)?;
            let mut conn = store.conn()?;
            let html = print_html(&mut conn, &viewer, &person_id, year, paper)?;
            Ok::<_, Fail>((html, paper, (person_id, year)))
        })
        .await?;
    let bytes = tokio::task::spawn_blocking(move || pdf::render(&html))
        .await
        .map_err(|e| Fail::Internal(format!("pdf: {e}")))?;
    let y: (String, i32) = y;
    match bytes {
        Ok(bytes) => Ok((
            [
                (header::CONTENT_TYPE, "application/pdf".to_owned()),
                (
                    header::CONTENT_DISPOSITION,
                    format!(
                        "attachment; filename=\"territory-plan-{}-{}-{}.pdf\"",
                        y.0,
                        y.1,
                        paper.word()
                    ),
                ),
            ],
            bytes,
        )
            .into_response()),
        Err(pdf::PdfError::Missing(path)) => Ok((
            StatusCode::SERVICE_UNAVAILABLE,
            format!(
                "PDF export needs Chromium, which is not installed at {path}; install it or set ATTAIN_CHROMIUM to its path, or print the plan from the browser."
            ),
        )
            .into_response()),
        Err(pdf::PdfError::Failed(m)) => Err(Fail::Internal(format!("pdf: {m}")).into()),
    }
}

/// A kept version, shown as it was frozen.
pub async fn show_version(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((person_id, year, version)): Path<(String, String, i64)>,
) -> PageResult {
    Ok(state
        .blocking(move |store| {
            let year = plan_year(&year)?;
            let mut conn = store.conn()?;
            let plan = tp::load(&mut conn, &viewer, &person_id, year)?;
            let kept = tp::versions(&mut conn, &person_id, year)?;
            let v = kept
                .iter()
                .find(|v| v.version == version)
                .ok_or(Fail::NotFound)?;
            let company = Company::load(&mut conn)?;
            let s = &v.snapshot;
            let text = |k: &str| s[k].as_str().unwrap_or("").to_owned();
            let view = View {
                person_id: plan.person_id.clone(),
                person_name: plan.person_name.clone(),
                year,
                status: v.status.clone(),
                version: v.version,
                submitted: text("submitted_date"),
                agreed: text("agreed_date"),
                agreed_by: text("agreed_by_id"),
                comment: text("manager_comment"),
                sections: s["sections"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|x| SectionRow {
                        word: "",
                        heading: x["heading"].as_str().unwrap_or("").to_owned(),
                        prompt: String::new(),
                        max: 0,
                        text: x["text"].as_str().unwrap_or("").to_owned(),
                    })
                    .collect(),
                objectives: Vec::new(),
                keys: s["key_accounts"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|x| KeyRow {
                        account_id: x["account_id"].as_str().unwrap_or("").to_owned(),
                        name: x["name"].as_str().unwrap_or("").to_owned(),
                        strategy: x["strategy"].as_str().unwrap_or("").to_owned(),
                        pipeline: String::new(),
                        bookings: String::new(),
                        covered: String::new(),
                        gaps: String::new(),
                    })
                    .collect(),
            };
            let note = format!(
                "Version {} as {} on {} by {}",
                v.version, v.status, v.saved_at, v.saved_by
            );
            Ok::<_, Fail>(
                axum::response::Html(
                    PrintPage {
                        company: company.name.clone(),
                        v: view,
                        paper: "A4",
                        note,
                    }
                    .render()?,
                )
                .into_response(),
            )
        })
        .await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_edit_form_pairs_each_chosen_account_with_its_strategy() {
        let f = |k: &str, v: &str| (k.to_owned(), v.to_owned());
        let edit = read_edit(&[
            f("section_objectives", " Grow "),
            f("section_nonsense", "x"),
            f("account", "a1"),
            f("strategy_a1", "Pilot"),
            f("strategy_a2", "ignored: not chosen"),
            f("account", "a1"),
        ]);
        assert_eq!(
            edit.sections,
            vec![(PlanSection::Objectives, "Grow".to_owned())]
        );
        assert_eq!(
            edit.key_accounts,
            vec![("a1".to_owned(), "Pilot".to_owned())]
        );
    }

    #[test]
    fn paper_is_a4_by_default_or_letter_and_nothing_else() {
        assert_eq!(Paper::parse("").ok(), Some(Paper::A4));
        assert_eq!(Paper::parse("letter").ok(), Some(Paper::Letter));
        assert!(Paper::parse("a3").is_err());
    }
}
