//! The server-rendered pages. Each module is one area of the navigation; handlers extract the
//! [`Viewer`], read through the store inside `spawn_blocking`, and render an askama template.

pub mod account_map;
pub mod accounts;
pub mod adjustments;
pub mod admin;
pub mod balance;
pub mod coaching;
pub mod coaching_sessions;
pub mod crm;
pub mod home;
pub mod jobs;
pub mod leaderboards;
pub mod meetings;
pub mod moves;
pub mod objectives;
pub mod pay;
pub mod people;
pub mod pipeline;
pub mod plan;
pub mod plan_template;
pub mod profile;
pub mod recognition;
pub mod records;
pub mod scorecards;
pub mod signin;
pub mod snapshot;
pub mod territories;
pub mod territory_plan;
pub mod training;
pub mod users;

use crate::Viewer;
use crate::error::Fail;
use crate::fmt::Currency;
use attain_domain::{FiscalCalendar, NamedBy};
use attain_store::{Executor, StoreResult};
use axum::response::{Html, IntoResponse, Response};

/// What every signed-in page shows around its content: the company, the navigation, the user.
pub struct Chrome {
    /// The page title.
    pub title: String,
    /// The company's name.
    pub company: String,
    /// The navigation section: `home`, `pipeline`, `plan`, `pay`, `admin`, `profile`.
    pub section: &'static str,
    /// The item within the section.
    pub item: &'static str,
    /// The signed-in email.
    pub email: String,
    /// The role, as a word.
    pub role: &'static str,
    /// The session's CSRF token, for the sign-out form.
    pub csrf: String,
    /// Whether the Admin section is shown.
    pub is_ops: bool,
    /// Whether the viewer may see other people (not a rep): team pages are shown.
    pub sees_others: bool,
}

impl Chrome {
    /// Returns the chrome of a page in a section.
    pub fn new(
        viewer: &Viewer,
        company: &Company,
        title: impl Into<String>,
        section: &'static str,
        item: &'static str,
    ) -> Chrome {
        Chrome {
            title: title.into(),
            company: company.name.clone(),
            section,
            item,
            email: viewer.email.clone(),
            role: role_label(viewer.role),
            csrf: viewer.csrf().to_owned(),
            is_ops: viewer.is_sales_ops(),
            sees_others: viewer.role != attain_domain::vocab::Role::Rep,
        }
    }
}

/// Returns how a role is called on a page.
pub fn role_label(role: attain_domain::vocab::Role) -> &'static str {
    use attain_domain::vocab::Role;
    match role {
        Role::Rep => "Sales rep",
        Role::Manager => "Manager",
        Role::Director => "Director",
        Role::Executive => "Executive",
        Role::SalesOps => "Sales operations",
    }
}

/// The company settings the pages need.
#[derive(Debug, Clone)]
pub struct Company {
    /// `company_name`.
    pub name: String,
    /// `currency`.
    pub currency: Currency,
    /// The fiscal calendar.
    pub calendar: FiscalCalendar,
}

impl Company {
    /// Reads the settings, with the defaults of dataset.md.
    pub fn load(ex: &mut impl Executor) -> StoreResult<Company> {
        let mut name = "Company".to_owned();
        let mut currency = "USD".to_owned();
        let mut start = 1u32;
        let mut named = NamedBy::Start;
        for r in ex.query("SELECT key, value FROM settings", &[])? {
            let value = r.string(1)?;
            match r.text(0)? {
                "company_name" => name = value,
                "currency" => currency = value,
                "fiscal_year_start_month" => start = value.parse().unwrap_or(1),
                "fiscal_year_named_by" => named = NamedBy::parse(&value).unwrap_or_default(),
                _ => {}
            }
        }
        Ok(Company {
            name,
            currency: Currency::new(&currency),
            calendar: FiscalCalendar::new(start, named).unwrap_or_default(),
        })
    }

    /// Returns today's fiscal year and month.
    pub fn today(&self) -> (i32, u32) {
        self.calendar.fiscal_of(chrono::Utc::now().date_naive())
    }

    /// Returns the short name of fiscal month `m` of year `y` (`Jan`).
    pub fn month_label(&self, year: i32, m: u32) -> String {
        self.calendar.month_start(year, m).format("%b").to_string()
    }
}

/// Page links for a long list.
#[derive(Debug, Clone)]
pub struct Pager {
    /// The current page, from 1.
    pub page: i64,
    /// How many pages.
    pub pages: i64,
    /// How many rows in all.
    pub total: i64,
    /// The first row shown (from 1), 0 when none.
    pub first: i64,
    /// The last row shown.
    pub last: i64,
    /// The link to the previous page.
    pub prev: Option<String>,
    /// The link to the next page.
    pub next: Option<String>,
}

impl Pager {
    /// Returns the pager of `total` rows, `per` a page, at `page`; `link(p)` is page p's URL.
    pub fn new(total: i64, page: i64, per: i64, link: impl Fn(i64) -> String) -> Pager {
        let pages = ((total + per - 1) / per).max(1);
        let page = page.clamp(1, pages);
        Pager {
            page,
            pages,
            total,
            first: if total == 0 { 0 } else { (page - 1) * per + 1 },
            last: (page * per).min(total),
            prev: (page > 1).then(|| link(page - 1)),
            next: (page < pages).then(|| link(page + 1)),
        }
    }

    /// Returns the row offset of the current page.
    pub fn offset(&self, per: i64) -> i64 {
        (self.page - 1) * per
    }
}

/// Returns a query string built from pairs, skipping empty values (`?q=x&page=2`).
pub fn query_string(pairs: &[(&str, String)]) -> String {
    let kept: Vec<(&str, &str)> = pairs
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| (*k, v.as_str()))
        .collect();
    if kept.is_empty() {
        return String::new();
    }
    format!("?{}", serde_urlencoded::to_string(kept).unwrap_or_default())
}

/// Renders a template as an HTML response.
pub fn render(t: &impl askama::Template) -> Result<Response, Fail> {
    Ok(Html(t.render()?).into_response())
}
