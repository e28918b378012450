//! Accounts: the list of accounts the viewer may see (search, pages) and an account's page with
//! its contacts (the account map), opportunities and activities.
//!
//! An account is visible with its territory as aligned today (`alignments.csv`, else
//! `accounts.territory_id`) or with its owner.

use super::people::{Link, like_pattern};
use super::{Chrome, Company, Pager, query_string, render};
use crate::error::{Fail, PageResult};
use crate::fmt::{Amount, money_whole};
use crate::{AppState, Viewer};
use askama::Template;
use attain_store::{Executor, Value, params};
use axum::extract::{Path, Query, State};

const PER_PAGE: i64 = 50;

/// Returns the SQL expression of account `a`'s territory on the date bound at `date_mark`.
pub(crate) fn current_territory(date_mark: &str) -> String {
    format!(
        "COALESCE((SELECT al.territory_id FROM alignments al
         WHERE al.account_id = a.account_id AND al.start_date <= {date_mark}
         ORDER BY al.start_date DESC LIMIT 1), a.territory_id)"
    )
}

/// Returns the SQL condition for accounts the viewer may see (`a` is the accounts table).
pub(crate) fn visible(viewer: &Viewer, args: &mut Vec<Value>) -> String {
    if viewer.sees_company() {
        return "1 = 1".into();
    }
    args.push(chrono::Utc::now().date_naive().into());
    let territory = current_territory(&format!("${}", args.len()));
    let t = viewer.territories().sql(&territory, args);
    let p = viewer.people().sql("a.owner_id", args);
    format!("(({t}) OR ({p}))")
}

/// The query of the accounts list.
#[derive(Debug, Default, serde::Deserialize)]
pub struct ListQuery {
    /// Text to look for in names, ids and industries.
    #[serde(default)]
    pub q: String,
    /// The page, from 1.
    pub page: Option<i64>,
}

/// One account in the list.
pub struct AccountRow {
    id: String,
    name: String,
    industry: String,
    country: String,
    territory: String,
    owner: String,
    key: bool,
    revenue: Option<Amount>,
}

#[derive(Template)]
#[template(path = "accounts.html")]
struct AccountsPage {
    chrome: Chrome,
    can_change: bool,
    q: String,
    rows: Vec<AccountRow>,
    pager: Pager,
}

/// Lists the accounts the viewer may see.
pub async fn list_accounts(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(q): Query<ListQuery>,
) -> PageResult {
    Ok(state
        .blocking(move |store| -> Result<_, Fail> {
            let mut conn = store.conn()?;
            let company = Company::load(&mut conn)?;
            let mut args: Vec<Value> = vec![like_pattern(&q.q).into()];
            let scope = visible(&viewer, &mut args);
            let filter = format!(
                "{scope} AND (LOWER(a.name) LIKE $1 ESCAPE '\\' OR LOWER(a.account_id) LIKE $1 ESCAPE '\\'
                 OR LOWER(COALESCE(a.industry, '')) LIKE $1 ESCAPE '\\')"
            );
            let total = conn
                .query_one(&format!("SELECT COUNT(*) FROM accounts a WHERE {filter}"), &args)?
                .int(0)?;
            let search = q.q.clone();
            let pager = Pager::new(total, q.page.unwrap_or(1), PER_PAGE, |p| {
                format!("/accounts{}", query_string(&[("q", search.clone()), ("page", p.to_string())]))
            });
            args.push(chrono::Utc::now().date_naive().into());
            let territory = current_territory(&format!("${}", args.len()));
            let rows = conn.query(
                &format!(
                    "SELECT a.account_id, a.name, a.industry, a.country, t.name, o.name, a.key_account,
                            a.annual_revenue
                     FROM accounts a
                     LEFT JOIN territories t ON t.territory_id = {territory}
                     LEFT JOIN people o ON o.person_id = a.owner_id
                     WHERE {filter} ORDER BY a.name, a.account_id LIMIT {PER_PAGE} OFFSET {}",
                    pager.offset(PER_PAGE)
                ),
                &args,
            )?;
            let cur = &company.currency;
            let rows = rows
                .iter()
                .map(|r| {
                    Ok(AccountRow {
                        id: r.string(0)?,
                        name: r.string(1)?,
                        industry: r.opt_string(2)?.unwrap_or_default(),
                        country: r.opt_string(3)?.unwrap_or_default(),
                        territory: r.opt_string(4)?.unwrap_or_default(),
                        owner: r.opt_string(5)?.unwrap_or_default(),
                        key: !r.value(6).is_null() && r.bool(6)?,
                        revenue: r.opt_int(7)?.map(|c| money_whole(attain_domain::Money::from_cents(c), cur)),
                    })
                })
                .collect::<Result<_, Fail>>()?;
            render(&AccountsPage {
                chrome: Chrome::new(&viewer, &company, "Accounts", "pipeline", "accounts"),
                can_change: crate::records::access::may_change(&viewer),
                q: q.q,
                rows,
                pager,
            })
        })
        .await?)
}

/// A contact of the account map.
pub struct ContactRow {
    id: String,
    name: String,
    title: String,
    role: String,
    email: String,
    phone: String,
    reports_to: String,
}

/// An opportunity of the account.
pub struct OppRow {
    id: String,
    name: String,
    owner: Option<Link>,
    stage: String,
    outcome: String,
    amount: Amount,
    close: String,
    category: String,
}

/// An activity on the account.
pub struct ActRow {
    date: String,
    kind: String,
    subject: String,
    person: Option<Link>,
}

#[derive(Template)]
#[template(path = "account.html")]
struct AccountPage {
    chrome: Chrome,
    can_change: bool,
    name: String,
    id: String,
    industry: String,
    country: String,
    territory: String,
    owner: Option<Link>,
    key: bool,
    employees: String,
    revenue: Option<Amount>,
    contacts: Vec<ContactRow>,
    buyer_met: bool,
    opportunities: Vec<OppRow>,
    activities: Vec<ActRow>,
}

/// Shows an account, or 404 when missing or not the viewer's to see.
pub async fn show_account(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(account_id): Path<String>,
) -> PageResult {
    Ok(state
        .blocking(move |store| account_page(store, &viewer, &account_id))
        .await?)
}

fn person_link(viewer: &Viewer, id: Option<String>, name: Option<String>) -> Option<Link> {
    match (id, name) {
        (Some(id), Some(name)) => Some(Link {
            href: if viewer.can_see_person(&id) {
                format!("/people/{id}")
            } else {
                String::new()
            },
            text: name,
        }),
        _ => None,
    }
}

fn account_page(
    store: &attain_store::Store,
    viewer: &Viewer,
    id: &str,
) -> Result<axum::response::Response, Fail> {
    let mut conn = store.conn()?;
    let today = chrono::Utc::now().date_naive();
    let territory = current_territory("$1");
    let Some(a) = conn.query_opt(
        &format!(
            "SELECT a.name, a.industry, a.country, {territory}, t.name, a.owner_id, o.name,
                    a.key_account, a.employees, a.annual_revenue
             FROM accounts a
             LEFT JOIN territories t ON t.territory_id = {territory}
             LEFT JOIN people o ON o.person_id = a.owner_id
             WHERE a.account_id = $2"
        ),
        params![today, id],
    )?
    else {
        return Err(Fail::NotFound);
    };
    let owner_id = a.opt_string(5)?;
    if !viewer.can_see_account(owner_id.as_deref(), a.text(3)?) {
        return Err(Fail::NotFound);
    }
    let company = Company::load(&mut conn)?;
    let cur = &company.currency;
    let contacts: Vec<ContactRow> = conn
        .query(
            "SELECT c.name, c.title, c.buying_role, c.email, c.phone, b.name, c.contact_id
             FROM contacts c LEFT JOIN contacts b ON b.contact_id = c.reports_to_id
             WHERE c.account_id = $1 ORDER BY c.name, c.contact_id",
            params![id],
        )?
        .iter()
        .map(|r| {
            Ok(ContactRow {
                id: r.string(6)?,
                name: r.string(0)?,
                title: r.opt_string(1)?.unwrap_or_default(),
                role: r.opt_string(2)?.unwrap_or_default().replace('_', " "),
                email: r.opt_string(3)?.unwrap_or_default(),
                phone: r.opt_string(4)?.unwrap_or_default(),
                reports_to: r.opt_string(5)?.unwrap_or_default(),
            })
        })
        .collect::<Result<_, Fail>>()?;
    let buyer_met = contacts.iter().any(|c| c.role == "economic buyer");
    let opportunities = conn
        .query(
            "SELECT o.name, o.owner_id, p.name, o.stage, s.outcome, o.amount, o.close_date,
                    o.forecast_category, o.opportunity_id
             FROM opportunities o
             LEFT JOIN people p ON p.person_id = o.owner_id
             LEFT JOIN stages s ON s.stage = o.stage
             WHERE o.account_id = $1 ORDER BY o.close_date DESC, o.opportunity_id LIMIT 200",
            params![id],
        )?
        .iter()
        .map(|r| {
            Ok(OppRow {
                id: r.string(8)?,
                name: r.string(0)?,
                owner: person_link(viewer, r.opt_string(1)?, r.opt_string(2)?),
                stage: r.string(3)?.replace('_', " "),
                outcome: r.opt_string(4)?.unwrap_or_else(|| "open".into()),
                amount: money_whole(r.money(5)?, cur),
                close: r.date(6)?.to_string(),
                category: r.opt_string(7)?.unwrap_or_default().replace('_', " "),
            })
        })
        .collect::<Result<_, Fail>>()?;
    let activities = conn
        .query(
            "SELECT a.date, a.type, a.subject, a.person_id, p.name
             FROM activities a LEFT JOIN people p ON p.person_id = a.person_id
             WHERE a.account_id = $1 ORDER BY a.date DESC, a.activity_id LIMIT 50",
            params![id],
        )?
        .iter()
        .map(|r| {
            Ok(ActRow {
                date: r.date(0)?.to_string(),
                kind: r.string(1)?.replace('_', " "),
                subject: r.opt_string(2)?.unwrap_or_default(),
                person: person_link(viewer, r.opt_string(3)?, r.opt_string(4)?),
            })
        })
        .collect::<Result<_, Fail>>()?;
    let name = a.string(0)?;
    render(&AccountPage {
        chrome: Chrome::new(viewer, &company, name.clone(), "pipeline", "accounts"),
        can_change: crate::records::access::may_change(viewer),
        id: id.to_owned(),
        industry: a.opt_string(1)?.unwrap_or_default(),
        country: a.opt_string(2)?.unwrap_or_default(),
        territory: a.opt_string(4)?.unwrap_or_default(),
        owner: person_link(viewer, owner_id, a.opt_string(6)?),
        key: !a.value(7).is_null() && a.bool(7)?,
        employees: a
            .opt_int(8)?
            .map(|n| crate::fmt::group(n.unsigned_abs()))
            .unwrap_or_default(),
        revenue: a
            .opt_int(9)?
            .map(|c| money_whole(attain_domain::Money::from_cents(c), cur)),
        name,
        contacts,
        buyer_met,
        opportunities,
        activities,
    })
}
