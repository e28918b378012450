//! People: the list of everyone the viewer may see (search, pages) and a person's page with
//! their year, statements, reports, open opportunities and recent activities.

use super::home::{Chart, MonthRow, Ytd};
use super::{Chrome, Company, Pager, query_string, render};
use crate::error::{Fail, PageResult};
use crate::fmt::{Amount, money, money_whole};
use crate::{AppState, Viewer};
use askama::Template;
use attain_store::{Executor, Value, params};
use axum::extract::{Path, Query, State};

const PER_PAGE: i64 = 50;

/// The query of the people list.
#[derive(Debug, Default, serde::Deserialize)]
pub struct ListQuery {
    /// Text to look for in names and ids.
    #[serde(default)]
    pub q: String,
    /// The page, from 1.
    pub page: Option<i64>,
}

/// One person in the list.
pub struct PersonRow {
    id: String,
    name: String,
    role: String,
    manager: String,
    territory: String,
    left: bool,
}

#[derive(Template)]
#[template(path = "people.html")]
struct PeoplePage {
    chrome: Chrome,
    q: String,
    rows: Vec<PersonRow>,
    pager: Pager,
}

/// Escapes `%`, `_` and `\` for a `LIKE … ESCAPE '\'` pattern and wraps it in `%`.
pub fn like_pattern(q: &str) -> String {
    let mut s = String::from("%");
    for c in q.trim().to_lowercase().chars() {
        if matches!(c, '%' | '_' | '\\') {
            s.push('\\');
        }
        s.push(c);
    }
    s.push('%');
    s
}

/// Lists the people the viewer may see.
pub async fn list_people(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(q): Query<ListQuery>,
) -> PageResult {
    Ok(state
        .blocking(move |store| -> Result<_, Fail> {
            let mut conn = store.conn()?;
            let company = Company::load(&mut conn)?;
            let mut args: Vec<Value> = vec![like_pattern(&q.q).into()];
            let scope = viewer.people().sql("p.person_id", &mut args);
            let filter = format!(
                "{scope} AND (LOWER(p.name) LIKE $1 ESCAPE '\\' OR LOWER(p.person_id) LIKE $1 ESCAPE '\\')"
            );
            let total = conn
                .query_one(&format!("SELECT COUNT(*) FROM people p WHERE {filter}"), &args)?
                .int(0)?;
            let search = q.q.clone();
            let pager = Pager::new(total, q.page.unwrap_or(1), PER_PAGE, |p| {
                format!("/people{}", query_string(&[("q", search.clone()), ("page", p.to_string())]))
            });
            let rows = conn.query(
                &format!(
                    "SELECT p.person_id, p.name, p.role, m.name, t.name, p.end_date
                     FROM people p
                     LEFT JOIN people m ON m.person_id = p.manager_id
                     LEFT JOIN territories t ON t.territory_id = p.territory_id
                     WHERE {filter} ORDER BY p.name, p.person_id LIMIT {PER_PAGE} OFFSET {}",
                    pager.offset(PER_PAGE)
                ),
                &args,
            )?;
            let today = chrono::Utc::now().date_naive();
            let rows = rows
                .iter()
                .map(|r| {
                    Ok(PersonRow {
                        id: r.string(0)?,
                        name: r.string(1)?,
                        role: r.string(2)?,
                        manager: r.opt_string(3)?.unwrap_or_default(),
                        territory: r.opt_string(4)?.unwrap_or_default(),
                        left: r.opt_date(5)?.is_some_and(|d| d < today),
                    })
                })
                .collect::<Result<_, Fail>>()?;
            render(&PeoplePage {
                chrome: Chrome::new(&viewer, &company, "People", "home", "people"),
                q: q.q,
                rows,
                pager,
            })
        })
        .await?)
}

/// A person's statement of one month.
pub struct StatementRow {
    href: String,
    month: String,
    calculated: Amount,
    adjustments: Amount,
    total: Amount,
}

/// Someone in a short list (reports, activity owners).
pub struct Link {
    /// The target (empty: shown without a link).
    pub href: String,
    /// The text.
    pub text: String,
}

/// An open opportunity.
pub struct OppRow {
    name: String,
    account: Link,
    stage: String,
    amount: Amount,
    close: String,
}

/// A logged activity.
pub struct ActivityRow {
    date: String,
    kind: String,
    subject: String,
    account: Option<Link>,
}

#[derive(Template)]
#[template(path = "person.html")]
struct PersonPage {
    chrome: Chrome,
    name: String,
    id: String,
    role: String,
    email: String,
    manager: Option<Link>,
    territory: String,
    hired: String,
    left: String,
    year: i32,
    ytd: Vec<Ytd>,
    charts: Vec<Chart>,
    months: Vec<MonthRow>,
    has_results: bool,
    statements: Vec<StatementRow>,
    reports: Vec<Link>,
    opportunities: Vec<OppRow>,
    activities: Vec<ActivityRow>,
}

/// The query of a person's page.
#[derive(Debug, Default, serde::Deserialize)]
pub struct PersonQuery {
    /// The fiscal year (default: the current one).
    pub year: Option<i32>,
}

/// Shows a person, or 404 when missing or not the viewer's to see.
pub async fn show_person(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(person_id): Path<String>,
    Query(q): Query<PersonQuery>,
) -> PageResult {
    if !viewer.can_see_person(&person_id) {
        return Err(Fail::NotFound.into());
    }
    Ok(state
        .blocking(move |store| person_page(store, &viewer, &person_id, q.year))
        .await?)
}

fn person_page(
    store: &attain_store::Store,
    viewer: &Viewer,
    id: &str,
    year: Option<i32>,
) -> Result<axum::response::Response, Fail> {
    let mut conn = store.conn()?;
    let company = Company::load(&mut conn)?;
    let cur = &company.currency;
    let Some(p) = conn.query_opt(
        "SELECT p.name, p.role, p.email, p.manager_id, m.name, t.name, p.hire_date, p.end_date
         FROM people p
         LEFT JOIN people m ON m.person_id = p.manager_id
         LEFT JOIN territories t ON t.territory_id = p.territory_id
         WHERE p.person_id = $1",
        params![id],
    )?
    else {
        return Err(Fail::NotFound);
    };
    let year = year.unwrap_or_else(|| company.today().0);
    let through = match year.cmp(&company.today().0) {
        std::cmp::Ordering::Equal => company.today().1,
        _ => 12,
    };
    let months = super::home::person_months(&mut conn, id, year)?;
    let manager = match (p.opt_string(3)?, p.opt_string(4)?) {
        (Some(mid), Some(mname)) if viewer.can_see_person(&mid) => Some(Link {
            href: format!("/people/{mid}"),
            text: mname,
        }),
        (Some(_), Some(mname)) => Some(Link {
            href: String::new(),
            text: mname,
        }),
        _ => None,
    };
    let statements = conn
        .query(
            "SELECT month, calculated, adjustments, total FROM result_statements
             WHERE person_id = $1 AND year = $2 ORDER BY month",
            params![id, year],
        )?
        .iter()
        .map(|r| {
            let m = u32::try_from(r.int(0)?).unwrap_or(1);
            Ok(StatementRow {
                href: format!("/pay/statements/{id}/{year}/{m}"),
                month: company.month_label(year, m),
                calculated: money(r.money(1)?, cur),
                adjustments: money(r.money(2)?, cur),
                total: money(r.money(3)?, cur),
            })
        })
        .collect::<Result<Vec<_>, Fail>>()?;
    let reports = conn
        .query(
            "SELECT person_id, name FROM people WHERE manager_id = $1 ORDER BY name",
            params![id],
        )?
        .iter()
        .filter_map(|r| {
            let (pid, name) = (r.string(0).ok()?, r.string(1).ok()?);
            viewer.can_see_person(&pid).then(|| Link {
                href: format!("/people/{pid}"),
                text: name,
            })
        })
        .collect();
    let opportunities = conn
        .query(
            "SELECT o.name, o.account_id, a.name, o.stage, o.amount, o.close_date
             FROM opportunities o
             JOIN accounts a ON a.account_id = o.account_id
             LEFT JOIN stages s ON s.stage = o.stage
             WHERE o.owner_id = $1 AND COALESCE(s.outcome, 'open') = 'open'
             ORDER BY o.close_date, o.opportunity_id LIMIT 20",
            params![id],
        )?
        .iter()
        .map(|r| {
            Ok(OppRow {
                name: r.string(0)?,
                account: Link {
                    href: format!("/accounts/{}", r.string(1)?),
                    text: r.string(2)?,
                },
                stage: r.string(3)?,
                amount: money_whole(r.money(4)?, cur),
                close: r.date(5)?.to_string(),
            })
        })
        .collect::<Result<Vec<_>, Fail>>()?;
    let activities = activity_rows(
        &mut conn,
        "SELECT a.date, a.type, a.subject, a.account_id, c.name
         FROM activities a LEFT JOIN accounts c ON c.account_id = a.account_id
         WHERE a.person_id = $1 ORDER BY a.date DESC, a.activity_id LIMIT 20",
        id,
    )?;
    let who = p.string(0)?;
    render(&PersonPage {
        chrome: Chrome::new(viewer, &company, who.clone(), "home", "people"),
        id: id.to_owned(),
        role: p.string(1)?,
        email: p.opt_string(2)?.unwrap_or_default(),
        manager,
        territory: p.opt_string(5)?.unwrap_or_default(),
        hired: p.opt_date(6)?.map(|d| d.to_string()).unwrap_or_default(),
        left: p.opt_date(7)?.map(|d| d.to_string()).unwrap_or_default(),
        year,
        has_results: !months.is_empty(),
        ytd: months.ytd(through, cur),
        charts: months.charts(&company, year, &who),
        months: months.table(&company, year),
        name: who,
        statements,
        reports,
        opportunities,
        activities,
    })
}

/// Reads activities: `(date, type, subject, account_id, account name)` rows for one key.
pub fn activity_rows(
    ex: &mut impl Executor,
    sql: &str,
    key: &str,
) -> Result<Vec<ActivityRow>, Fail> {
    ex.query(sql, params![key])?
        .iter()
        .map(|r| {
            let account = match (r.opt_string(3)?, r.opt_string(4)?) {
                (Some(id), Some(name)) => Some(Link {
                    href: format!("/accounts/{id}"),
                    text: name,
                }),
                _ => None,
            };
            Ok(ActivityRow {
                date: r.date(0)?.to_string(),
                kind: r.string(1)?.replace('_', " "),
                subject: r.opt_string(2)?.unwrap_or_default(),
                account,
            })
        })
        .collect()
}
