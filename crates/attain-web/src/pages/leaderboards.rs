//! Team › Leaderboards: the reps of one's team ranked by bookings attainment, bookings or
//! activity over the month, quarter or year so far (docs/team.md). A rep sees their own team's
//! board, with the bookings amounts of others left out. The period ends with the current fiscal
//! month, or with `month` of `year` when given.

use super::{Chrome, Company};
use crate::error::{Fail, PageResult};
use crate::fmt::{group, money};
use crate::team::board::{self, By, Place, Span};
use crate::team::{scope_sql, team_scope};
use crate::{AppState, Viewer};
use askama::Template;
use attain_domain::vocab::Role;
use attain_domain::{Money, Ratio};
use axum::extract::{Query, State};
use axum::response::{Html, IntoResponse};
use std::collections::HashMap;

/// A place as shown.
pub struct Line {
    p: Place,
    value: String,
    mine: bool,
}

#[derive(Template)]
#[template(path = "leaderboards.html")]
struct BoardPage {
    chrome: Chrome,
    by: &'static str,
    span: &'static str,
    period: String,
    year: i32,
    month: u32,
    lines: Vec<Line>,
}

/// A board as a viewer sees it.
pub struct Board {
    /// What it ranks by.
    pub by: By,
    /// Its period.
    pub span: Span,
    /// The fiscal year.
    pub year: i32,
    /// The fiscal months `(first, last)`.
    pub months: (u32, u32),
    /// The reps, best first.
    pub places: Vec<Place>,
}

/// Computes the board a viewer sees.
pub fn viewer_board(
    conn: &mut attain_store::Conn,
    viewer: &Viewer,
    company: &Company,
    q: &HashMap<String, String>,
) -> Result<Board, Fail> {
    let get = |k: &str| q.get(k).map(String::as_str).unwrap_or("");
    let by = By::parse(get("by"))
        .ok_or_else(|| Fail::BadRequest("by: attainment, bookings or activity.".into()))?;
    let span = Span::parse(get("period"))
        .ok_or_else(|| Fail::BadRequest("period: month, quarter or ytd.".into()))?;
    let today = chrono::Utc::now().date_naive();
    let (this_year, this_month) = company.calendar.fiscal_of(today);
    let number = |k: &str, default: u32, max: u32| match get(k) {
        "" => Ok(default),
        s => s
            .parse::<u32>()
            .ok()
            .filter(|n| (1..=max).contains(n))
            .ok_or_else(|| Fail::BadRequest(format!("{k}: a number from 1 to {max}."))),
    };
    let year = number("year", this_year.max(1) as u32, 9999)? as i32;
    let month = number("month", if year == this_year { this_month } else { 12 }, 12)?;
    let team = team_scope(conn, viewer, today)?;
    let mut args = Vec::new();
    let cond = scope_sql(&team, "p.person_id", &mut args);
    let months = span.months(month);
    let places = board::board(
        conn,
        &company.calendar,
        &cond,
        &args,
        by,
        year,
        months,
        today,
    )?;
    Ok(Board {
        by,
        span,
        year,
        months,
        places,
    })
}

/// Writes a board value; a rep sees others' bookings as a rank only.
pub fn shown(viewer: &Viewer, by: By, p: &Place, company: &Company) -> String {
    let hidden =
        viewer.role == Role::Rep && viewer.person_id.as_deref() != Some(p.person_id.as_str());
    match (by, p.value) {
        (_, None) => "no objective".into(),
        (By::Bookings, Some(_)) if hidden => "—".into(),
        (By::Bookings, Some(c)) => money(Money::from_cents(c), &company.currency).text,
        (By::Attainment, Some(m)) => crate::fmt::attainment(Some(Ratio::from_micros(m))),
        (By::Activity, Some(n)) => group(n.max(0) as u64),
    }
}

/// The board.
pub async fn show_leaderboards(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(q): Query<HashMap<String, String>>,
) -> PageResult {
    Ok(state
        .blocking(move |store| -> Result<_, Fail> {
            let mut conn = store.conn()?;
            let company = Company::load(&mut conn)?;
            let Board {
                by,
                span,
                year,
                months: (first, last),
                places,
            } = viewer_board(&mut conn, &viewer, &company, &q)?;
            let lines = places
                .into_iter()
                .map(|p| Line {
                    value: shown(&viewer, by, &p, &company),
                    mine: viewer.person_id.as_deref() == Some(p.person_id.as_str()),
                    p,
                })
                .collect();
            let period = if first == last {
                format!("{} {year}", company.month_label(year, first))
            } else {
                format!(
                    "{} – {} {year}",
                    company.month_label(year, first),
                    company.month_label(year, last)
                )
            };
            let p = BoardPage {
                chrome: Chrome::new(&viewer, &company, "Leaderboards", "team", "leaderboards"),
                by: by.as_str(),
                span: span.as_str(),
                period,
                year,
                month: last,
                lines,
            };
            Ok(Html(p.render()?).into_response())
        })
        .await?)
}
