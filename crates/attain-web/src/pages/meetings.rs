//! The meetings pages (docs/meetings.md): the viewer's teams' meetings, a new meeting with its
//! pre-filled agenda, and a meeting's page with the agenda by section, attendance, notes and
//! follow-ups. Every change is audited; out of scope is 404, not allowed is 403.

use super::{Chrome, Company, render};
use crate::audit::{self, Change};
use crate::error::{Fail, PageResult};
use crate::fmt;
use crate::meetings::{self, ItemFigures, Meeting};
use crate::{AppState, Viewer};
use askama::Template;
use attain_domain::vocab::{Attendance, Cadence, FollowupStatus, MeetingSection};
use attain_domain::{Date, Money, Ratio, parse_date};
use attain_store::{Executor, params};
use axum::extract::{Form, Path, State};
use axum::response::{IntoResponse, Redirect};

/// The newest meetings listed.
const LISTED: i64 = 200;

#[derive(Template)]
#[template(path = "meetings.html")]
struct ListPage {
    chrome: Chrome,
    rows: Vec<Meeting>,
    /// The managers the viewer may create a meeting for: id, name.
    teams: Vec<(String, String)>,
    today: String,
}

/// Lists the meetings of the viewer's teams, newest first, with the new-meeting form.
pub async fn list_meetings(State(state): State<AppState>, viewer: Viewer) -> PageResult {
    Ok(state
        .blocking(move |store| {
            let mut conn = store.conn()?;
            let company = Company::load(&mut conn)?;
            let rows = meetings::list(&mut conn, &viewer, LISTED)?;
            let teams = runnable_teams(&mut conn, &viewer)?;
            render(&ListPage {
                chrome: Chrome::new(&viewer, &company, "Meetings", "meetings", "meetings"),
                rows,
                teams,
                today: chrono::Utc::now().date_naive().to_string(),
            })
        })
        .await?)
}

/// The teams the viewer runs: every manager with reports for sales ops, else their own.
fn runnable_teams(ex: &mut impl Executor, viewer: &Viewer) -> Result<Vec<(String, String)>, Fail> {
    let mut out = Vec::new();
    let rows = if viewer.is_sales_ops() {
        ex.query(
            "SELECT DISTINCT m.person_id, m.name FROM people m
             JOIN people r ON r.manager_id = m.person_id ORDER BY m.name, m.person_id",
            &[],
        )?
    } else if let Some(me) = &viewer.person_id {
        ex.query(
            "SELECT DISTINCT m.person_id, m.name FROM people m
             JOIN people r ON r.manager_id = m.person_id WHERE m.person_id = $1",
            params![me.as_str()],
        )?
    } else {
        Vec::new()
    };
    for r in rows {
        out.push((r.string(0)?, r.string(1)?));
    }
    Ok(out)
}

/// The new-meeting form.
#[derive(Debug, Default, serde::Deserialize)]
pub struct NewMeeting {
    /// The manager whose team meets.
    #[serde(default)]
    pub team_manager_id: String,
    /// `YYYY-MM-DD`.
    #[serde(default)]
    pub date: String,
    /// Default "Team meeting".
    #[serde(default)]
    pub title: String,
    /// `weekly`, `biweekly`, `monthly` or empty.
    #[serde(default)]
    pub cadence: String,
}

/// Checks a new meeting's fields and creates it with its pre-filled agenda; returns its id.
pub fn create_checked(
    store: &attain_store::Store,
    viewer: &Viewer,
    f: &NewMeeting,
) -> Result<String, Fail> {
    let mut conn = store.conn()?;
    let manager = f.team_manager_id.trim();
    if manager.is_empty() {
        return Err(Fail::BadRequest("team_manager_id is required.".into()));
    }
    if !meetings::can_see_team(&mut conn, viewer, manager)? {
        return Err(Fail::NotFound);
    }
    if !meetings::can_run_team(viewer, manager) {
        return Err(Fail::Forbidden);
    }
    let date = parse_date(f.date.trim()).map_err(|e| Fail::BadRequest(format!("date: {e}.")))?;
    let cadence = match f.cadence.trim() {
        "" => None,
        s => Some(Cadence::parse(s).map_err(|e| Fail::BadRequest(format!("cadence: {e}.")))?),
    };
    let title = match f.title.trim() {
        "" => "Team meeting",
        t => t,
    };
    let company = Company::load(&mut conn)?;
    let today = chrono::Utc::now().date_naive();
    let mut tx = conn.transaction()?;
    let id = meetings::create(
        &mut tx,
        &company,
        &viewer.email,
        manager,
        date,
        title,
        cadence,
        today,
    )?;
    tx.commit()?;
    Ok(id)
}

/// Creates a meeting (the team's manager, or sales ops for any team).
pub async fn create_meeting(
    State(state): State<AppState>,
    viewer: Viewer,
    Form(f): Form<NewMeeting>,
) -> PageResult {
    Ok(state
        .blocking(move |store| {
            let id = create_checked(store, &viewer, &f)?;
            Ok::<_, Fail>(Redirect::to(&format!("/meetings/{id}")).into_response())
        })
        .await?)
}

/// One agenda item as shown.
pub struct ItemView {
    position: i64,
    title: String,
    minutes: String,
    notes: String,
    figures: Option<FiguresView>,
}

/// Pre-filled figures as shown.
pub struct FiguresView {
    as_of: String,
    since: String,
    open: String,
    categories: Vec<(String, i64, String)>,
    new_opportunities: i64,
    won: String,
    booked: String,
    objective: String,
    attainment: String,
    key_accounts: Vec<(String, String, i64, String)>,
}

/// One section of the agenda.
pub struct SectionView {
    name: String,
    items: Vec<ItemView>,
}

/// A follow-up as shown.
pub struct FollowupView {
    id: String,
    owner: String,
    description: String,
    due: String,
    status: String,
    /// The viewer may change its status.
    editable: bool,
}

#[derive(Template)]
#[template(path = "meeting.html")]
struct MeetingPage {
    chrome: Chrome,
    m: Meeting,
    sections: Vec<SectionView>,
    /// Team (manager first): id, name, attendance status ("" when not recorded).
    attendance: Vec<(String, String, String)>,
    followups: Vec<FollowupView>,
    can_run: bool,
    scheduled: bool,
    attendance_words: Vec<&'static str>,
    followup_words: Vec<&'static str>,
    next_date: String,
}

fn shown_money(s: &str, company: &Company) -> String {
    Money::parse(s).map_or_else(
        |_| s.to_owned(),
        |m| fmt::money(m, &company.currency).to_string(),
    )
}

fn figures_view(f: &ItemFigures, company: &Company) -> FiguresView {
    FiguresView {
        as_of: f.as_of.clone(),
        since: f.since.clone(),
        open: format!(
            "{} in {} deals",
            shown_money(&f.open_amount, company),
            f.open_count
        ),
        categories: f
            .by_category
            .iter()
            .map(|c| {
                (
                    c.category.replace('_', " "),
                    c.count,
                    shown_money(&c.amount, company),
                )
            })
            .collect(),
        new_opportunities: f.new_opportunities,
        won: format!(
            "{} in {} deals",
            shown_money(&f.won_amount, company),
            f.won_count
        ),
        booked: shown_money(&f.booked, company),
        objective: shown_money(&f.objective, company),
        attainment: fmt::attainment(f.attainment.as_deref().and_then(|a| Ratio::parse(a).ok())),
        key_accounts: f
            .key_accounts
            .iter()
            .map(|k| {
                (
                    k.account_id.clone(),
                    k.name.clone(),
                    k.open_count,
                    shown_money(&k.open_amount, company),
                )
            })
            .collect(),
    }
}

/// Shows a meeting: agenda by section, attendance, notes, follow-ups.
pub async fn show_meeting(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> PageResult {
    Ok(state
        .blocking(move |store| {
            let mut conn = store.conn()?;
            let company = Company::load(&mut conn)?;
            let m = meetings::load(&mut conn, &viewer, &id)?;
            let mut sections: Vec<SectionView> = MeetingSection::ALL
                .iter()
                .map(|s| SectionView {
                    name: s.as_str().replace('_', " "),
                    items: Vec::new(),
                })
                .collect();
            for r in conn.query(
                "SELECT position, section, title, minutes, figures, notes FROM meeting_items
                 WHERE meeting_id = $1 ORDER BY position",
                params![id.as_str()],
            )? {
                let section = MeetingSection::parse(r.text(1)?).unwrap_or(MeetingSection::Other);
                let i = MeetingSection::ALL
                    .iter()
                    .position(|s| *s == section)
                    .unwrap_or(0);
                sections[i].items.push(ItemView {
                    position: r.int(0)?,
                    title: r.string(2)?,
                    minutes: r
                        .opt_int(3)?
                        .map(|n| format!("{n} min"))
                        .unwrap_or_default(),
                    figures: meetings::from_json(r.opt_text(4)?)
                        .map(|f| figures_view(&f, &company)),
                    notes: r.opt_string(5)?.unwrap_or_default(),
                });
            }
            sections.retain(|s| !s.items.is_empty());
            let mut attendance =
                vec![(m.manager_id.clone(), m.manager_name.clone(), String::new())];
            attendance.extend(
                meetings::members(&mut conn, &m.manager_id, m.date)?
                    .into_iter()
                    .map(|(i, n)| (i, n, String::new())),
            );
            for r in conn.query(
                "SELECT a.person_id, COALESCE(p.name, a.person_id), a.status
                 FROM meeting_attendance a LEFT JOIN people p ON p.person_id = a.person_id
                 WHERE a.meeting_id = $1 ORDER BY a.person_id",
                params![id.as_str()],
            )? {
                let pid = r.string(0)?;
                match attendance.iter_mut().find(|a| a.0 == pid) {
                    Some(a) => a.2 = r.string(2)?,
                    None => attendance.push((pid, r.string(1)?, r.string(2)?)),
                }
            }
            let can_run = meetings::can_run_team(&viewer, &m.manager_id);
            let mut followups = Vec::new();
            for r in conn.query(
                "SELECT f.followup_id, COALESCE(p.name, f.owner_id), f.description, f.due_date,
                        f.status, f.owner_id
                 FROM meeting_followups f LEFT JOIN people p ON p.person_id = f.owner_id
                 WHERE f.meeting_id = $1 ORDER BY f.followup_id",
                params![id.as_str()],
            )? {
                let owner_id = r.string(5)?;
                followups.push(FollowupView {
                    id: r.string(0)?,
                    owner: r.string(1)?,
                    description: r.string(2)?,
                    due: r.opt_date(3)?.map(|d| d.to_string()).unwrap_or_default(),
                    status: r.string(4)?,
                    editable: can_run || viewer.person_id.as_deref() == Some(owner_id.as_str()),
                });
            }
            let next = Cadence::parse(&m.cadence)
                .map(|c| meetings::next_date(m.date, c).to_string())
                .unwrap_or_default();
            render(&MeetingPage {
                chrome: Chrome::new(&viewer, &company, m.title.clone(), "meetings", "meetings"),
                scheduled: m.status == "scheduled",
                m,
                sections,
                attendance,
                followups,
                can_run,
                attendance_words: Attendance::ALL.iter().map(|a| a.as_str()).collect(),
                followup_words: FollowupStatus::ALL.iter().map(|a| a.as_str()).collect(),
                next_date: next,
            })
        })
        .await?)
}

/// Loads a meeting the viewer runs: 404 outside scope, 403 when they only see it.
fn run(ex: &mut impl Executor, viewer: &Viewer, id: &str) -> Result<Meeting, Fail> {
    let m = meetings::load(ex, viewer, id)?;
    if !meetings::can_run_team(viewer, &m.manager_id) {
        return Err(Fail::Forbidden);
    }
    Ok(m)
}

/// Recomputes a scheduled meeting's pre-filled figures.
pub async fn refresh_meeting(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> PageResult {
    Ok(state
        .blocking(move |store| {
            let mut conn = store.conn()?;
            let m = run(&mut conn, &viewer, &id)?;
            let company = Company::load(&mut conn)?;
            let today = chrono::Utc::now().date_naive();
            let mut tx = conn.transaction()?;
            meetings::refresh(&mut tx, &company, &viewer.email, &m, today)?;
            tx.commit()?;
            Ok::<_, Fail>(Redirect::to(&format!("/meetings/{id}")).into_response())
        })
        .await?)
}

/// Saves attendance (`attend_<person_id>` fields), the notes, and whether the meeting was held.
pub async fn save_minutes(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    Form(fields): Form<Vec<(String, String)>>,
) -> PageResult {
    Ok(state
        .blocking(move |store| {
            let mut conn = store.conn()?;
            let m = run(&mut conn, &viewer, &id)?;
            let get = |k: &str| {
                fields
                    .iter()
                    .find(|(n, _)| n == k)
                    .map(|(_, v)| v.trim().to_owned())
            };
            let team: Vec<String> = std::iter::once(m.manager_id.clone())
                .chain(
                    meetings::members(&mut conn, &m.manager_id, m.date)?
                        .into_iter()
                        .map(|p| p.0),
                )
                .collect();
            let mut marks = Vec::new();
            for (name, value) in &fields {
                let Some(person) = name.strip_prefix("attend_") else {
                    continue;
                };
                if value.is_empty() {
                    continue;
                }
                if !team.iter().any(|t| t == person) {
                    return Err(Fail::BadRequest(format!(
                        "{name}: '{person}' is not on the team of this meeting."
                    )));
                }
                let status = Attendance::parse(value)
                    .map_err(|e| Fail::BadRequest(format!("{name}: {e}.")))?;
                marks.push((person.to_owned(), status));
            }
            let notes = get("notes").filter(|n| !n.is_empty());
            let status = match get("status").as_deref() {
                Some("held") => "held",
                Some("scheduled") | None | Some("") => "scheduled",
                Some(s) => {
                    return Err(Fail::BadRequest(format!(
                        "status: '{s}' is not one of scheduled, held."
                    )));
                }
            };
            let mut tx = conn.transaction()?;
            for (person, st) in &marks {
                let before = tx
                    .query_opt(
                        "SELECT status FROM meeting_attendance
                         WHERE meeting_id = $1 AND person_id = $2",
                        params![id.as_str(), person.as_str()],
                    )?
                    .map(|r| r.string(0))
                    .transpose()?;
                if before.as_deref() == Some(st.as_str()) {
                    continue;
                }
                if before.is_some() {
                    tx.execute(
                        "UPDATE meeting_attendance SET status = $3
                         WHERE meeting_id = $1 AND person_id = $2",
                        params![id.as_str(), person.as_str(), st.as_str()],
                    )?;
                } else {
                    tx.execute(
                        "INSERT INTO meeting_attendance (meeting_id, person_id, status)
                         VALUES ($1, $2, $3)",
                        params![id.as_str(), person.as_str(), st.as_str()],
                    )?;
                }
                audit::record(
                    &mut tx,
                    &Change {
                        actor: &viewer.email,
                        action: if before.is_some() { "update" } else { "create" },
                        entity: "meeting_attendance",
                        key: &format!("{id}:{person}"),
                        before: before.map(|b| serde_json::json!({ "status": b })),
                        after: Some(serde_json::json!({ "status": st.as_str() })),
                    },
                )?;
            }
            let old_notes = (!m.notes.is_empty()).then_some(m.notes.as_str());
            if notes.as_deref() != old_notes || status != m.status {
                tx.execute(
                    "UPDATE meetings SET notes = $2, status = $3 WHERE meeting_id = $1",
                    params![id.as_str(), notes.as_deref(), status],
                )?;
                audit::record(
                    &mut tx,
                    &Change {
                        actor: &viewer.email,
                        action: "update",
                        entity: "meeting",
                        key: &id,
                        before: Some(serde_json::json!({ "notes": old_notes, "status": m.status })),
                        after: Some(serde_json::json!({ "notes": notes, "status": status })),
                    },
                )?;
            }
            tx.commit()?;
            Ok::<_, Fail>(Redirect::to(&format!("/meetings/{id}")).into_response())
        })
        .await?)
}

/// The new follow-up form.
#[derive(Debug, Default, serde::Deserialize)]
pub struct NewFollowup {
    /// Who does it (on the team).
    #[serde(default)]
    pub owner_id: String,
    /// What.
    #[serde(default)]
    pub description: String,
    /// By when, `YYYY-MM-DD` or empty.
    #[serde(default)]
    pub due_date: String,
}

/// Adds a follow-up (the team's manager or sales ops), numbered `f1`, `f2` … in the meeting.
pub async fn add_followup(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    Form(f): Form<NewFollowup>,
) -> PageResult {
    Ok(state
        .blocking(move |store| {
            let mut conn = store.conn()?;
            let m = run(&mut conn, &viewer, &id)?;
            let owner = f.owner_id.trim();
            let on_team = owner == m.manager_id
                || meetings::members(&mut conn, &m.manager_id, m.date)?
                    .iter()
                    .any(|p| p.0 == owner);
            if !on_team {
                return Err(Fail::BadRequest(format!(
                    "owner_id: '{owner}' is not on the team of this meeting."
                )));
            }
            let description = f.description.trim();
            if description.is_empty() {
                return Err(Fail::BadRequest("description is required.".into()));
            }
            let due: Option<Date> = match f.due_date.trim() {
                "" => None,
                s => Some(parse_date(s).map_err(|e| Fail::BadRequest(format!("due_date: {e}.")))?),
            };
            let n = conn
                .query_one(
                    "SELECT COUNT(*) FROM meeting_followups WHERE meeting_id = $1",
                    params![id.as_str()],
                )?
                .int(0)?;
            let mut fid = n + 1;
            while conn
                .query_opt(
                    "SELECT 1 FROM meeting_followups WHERE meeting_id = $1 AND followup_id = $2",
                    params![id.as_str(), format!("f{fid}")],
                )?
                .is_some()
            {
                fid += 1;
            }
            let fid = format!("f{fid}");
            let mut tx = conn.transaction()?;
            tx.execute(
                "INSERT INTO meeting_followups (meeting_id, followup_id, owner_id, description,
                                                due_date, status)
                 VALUES ($1, $2, $3, $4, $5, 'open')",
                params![id.as_str(), fid.as_str(), owner, description, due],
            )?;
            audit::record(
                &mut tx,
                &Change {
                    actor: &viewer.email,
                    action: "create",
                    entity: "meeting_followup",
                    key: &format!("{id}:{fid}"),
                    before: None,
                    after: Some(serde_json::json!({
                        "owner_id": owner, "description": description,
                        "due_date": due.map(|d| d.to_string()), "status": "open",
                    })),
                },
            )?;
            tx.commit()?;
            Ok::<_, Fail>(Redirect::to(&format!("/meetings/{id}")).into_response())
        })
        .await?)
}

/// The follow-up status form.
#[derive(Debug, Default, serde::Deserialize)]
pub struct FollowupUpdate {
    /// `open`, `done` or `dropped`.
    #[serde(default)]
    pub status: String,
}

/// Changes a follow-up's status: its owner, the team's manager or sales ops.
pub async fn update_followup(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((id, fid)): Path<(String, String)>,
    Form(f): Form<FollowupUpdate>,
) -> PageResult {
    Ok(state
        .blocking(move |store| {
            let mut conn = store.conn()?;
            let m = meetings::load(&mut conn, &viewer, &id)?;
            let row = conn
                .query_opt(
                    "SELECT owner_id, status FROM meeting_followups
                     WHERE meeting_id = $1 AND followup_id = $2",
                    params![id.as_str(), fid.as_str()],
                )?
                .ok_or(Fail::NotFound)?;
            let (owner, before) = (row.string(0)?, row.string(1)?);
            if !meetings::can_run_team(&viewer, &m.manager_id)
                && viewer.person_id.as_deref() != Some(owner.as_str())
            {
                return Err(Fail::Forbidden);
            }
            let status = FollowupStatus::parse(f.status.trim())
                .map_err(|e| Fail::BadRequest(format!("status: {e}.")))?;
            let mut tx = conn.transaction()?;
            tx.execute(
                "UPDATE meeting_followups SET status = $3 WHERE meeting_id = $1 AND followup_id = $2",
                params![id.as_str(), fid.as_str(), status.as_str()],
            )?;
            audit::record(
                &mut tx,
                &Change {
                    actor: &viewer.email,
                    action: "update",
                    entity: "meeting_followup",
                    key: &format!("{id}:{fid}"),
                    before: Some(serde_json::json!({ "status": before })),
                    after: Some(serde_json::json!({ "status": status.as_str() })),
                },
            )?;
            tx.commit()?;
            Ok::<_, Fail>(Redirect::to(&format!("/meetings/{id}")).into_response())
        })
        .await?)
}

/// Schedules the next meeting of a recurring meeting's series: the date after it by its
/// cadence, same title and cadence, a fresh pre-filled agenda.
pub async fn schedule_next(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> PageResult {
    Ok(state
        .blocking(move |store| {
            let mut conn = store.conn()?;
            let m = run(&mut conn, &viewer, &id)?;
            let cadence = Cadence::parse(&m.cadence).map_err(|_| {
                Fail::BadRequest("the meeting has no cadence; create the next one by hand.".into())
            })?;
            drop(conn);
            let next = NewMeeting {
                team_manager_id: m.manager_id.clone(),
                date: meetings::next_date(m.date, cadence).to_string(),
                title: m.title.clone(),
                cadence: m.cadence.clone(),
            };
            let new_id = create_checked(store, &viewer, &next)?;
            Ok::<_, Fail>(Redirect::to(&format!("/meetings/{new_id}")).into_response())
        })
        .await?)
}

/// One row of the template form.
pub struct TemplateRow {
    section: String,
    title: String,
    minutes: String,
}

#[derive(Template)]
#[template(path = "meeting_template.html")]
struct TemplatePage {
    chrome: Chrome,
    rows: Vec<TemplateRow>,
    sections: Vec<&'static str>,
    error: String,
}

/// Reads the stored template, or the default when it is empty.
fn stored_template(ex: &mut impl Executor) -> Result<Vec<TemplateRow>, Fail> {
    let mut rows = Vec::new();
    for r in ex.query(
        "SELECT section, title, minutes FROM meeting_template ORDER BY position",
        &[],
    )? {
        rows.push(TemplateRow {
            section: r.string(0)?,
            title: r.string(1)?,
            minutes: r.opt_int(2)?.map(|m| m.to_string()).unwrap_or_default(),
        });
    }
    if rows.is_empty() {
        rows = meetings::DEFAULT_TEMPLATE
            .iter()
            .map(|(s, t, m)| TemplateRow {
                section: s.as_str().to_owned(),
                title: (*t).to_owned(),
                minutes: m.to_string(),
            })
            .collect();
    }
    Ok(rows)
}

fn template_page(
    viewer: &Viewer,
    company: &Company,
    mut rows: Vec<TemplateRow>,
    error: String,
) -> Result<axum::response::Response, Fail> {
    for _ in 0..2 {
        rows.push(TemplateRow {
            section: "other".into(),
            title: String::new(),
            minutes: String::new(),
        });
    }
    render(&TemplatePage {
        chrome: Chrome::new(viewer, company, "Meeting template", "meetings", "template"),
        rows,
        sections: MeetingSection::ALL.iter().map(|s| s.as_str()).collect(),
        error,
    })
}

/// Shows the agenda template (sales ops).
pub async fn show_template(State(state): State<AppState>, viewer: Viewer) -> PageResult {
    Ok(state
        .blocking(move |store| {
            let mut conn = store.conn()?;
            let company = Company::load(&mut conn)?;
            let rows = stored_template(&mut conn)?;
            template_page(&viewer, &company, rows, String::new())
        })
        .await?)
}

/// Checks the template form: rows `section_N`, `title_N`, `minutes_N` in N order, rows without a
/// title left out; at least one row.
fn read_template(
    fields: &[(String, String)],
) -> Result<Vec<(MeetingSection, String, Option<i64>)>, String> {
    let get = |k: String| {
        fields
            .iter()
            .find(|(n, _)| *n == k)
            .map(|(_, v)| v.trim().to_owned())
            .unwrap_or_default()
    };
    let mut out = Vec::new();
    for n in 1..=999 {
        if !fields.iter().any(|(k, _)| *k == format!("title_{n}")) {
            break;
        }
        let title = get(format!("title_{n}"));
        if title.is_empty() {
            continue;
        }
        let section = MeetingSection::parse(&get(format!("section_{n}")))
            .map_err(|e| format!("row {n}: section: {e}."))?;
        let minutes = match get(format!("minutes_{n}")).as_str() {
            "" => None,
            s => match s.parse::<i64>() {
                Ok(m) if (0..=600).contains(&m) => Some(m),
                _ => return Err(format!("row {n}: minutes: '{s}' is not between 0 and 600.")),
            },
        };
        out.push((section, title, minutes));
    }
    if out.is_empty() {
        return Err("the template needs at least one row with a title.".into());
    }
    Ok(out)
}

/// Replaces the agenda template (sales ops), audited with the template before and after.
pub async fn save_template(
    State(state): State<AppState>,
    viewer: Viewer,
    Form(fields): Form<Vec<(String, String)>>,
) -> PageResult {
    Ok(state
        .blocking(move |store| {
            let mut conn = store.conn()?;
            let company = Company::load(&mut conn)?;
            let rows = match read_template(&fields) {
                Ok(r) => r,
                Err(message) => {
                    let current = stored_template(&mut conn)?;
                    let mut page = template_page(&viewer, &company, current, message)?;
                    *page.status_mut() = axum::http::StatusCode::BAD_REQUEST;
                    return Ok::<_, Fail>(page);
                }
            };
            let json = |rows: &[TemplateRow]| {
                serde_json::json!(
                    rows.iter()
                        .map(|r| serde_json::json!({"section": r.section, "title": r.title, "minutes": r.minutes}))
                        .collect::<Vec<_>>()
                )
            };
            let before = json(&stored_template(&mut conn)?);
            let mut tx = conn.transaction()?;
            tx.execute("DELETE FROM meeting_template", &[])?;
            for (i, (section, title, minutes)) in rows.iter().enumerate() {
                tx.execute(
                    "INSERT INTO meeting_template (position, section, title, minutes)
                     VALUES ($1, $2, $3, $4)",
                    params![i as i64 + 1, section.as_str(), title.as_str(), *minutes],
                )?;
            }
            let after: Vec<TemplateRow> = rows
                .iter()
                .map(|(s, t, m)| TemplateRow {
                    section: s.as_str().to_owned(),
                    title: t.clone(),
                    minutes: m.map(|m| m.to_string()).unwrap_or_default(),
                })
                .collect();
            audit::record(
                &mut tx,
                &Change {
                    actor: &viewer.email,
                    action: "update",
                    entity: "meeting_template",
                    key: "template",
                    before: Some(before),
                    after: Some(json(&after)),
                },
            )?;
            tx.commit()?;
            Ok(Redirect::to("/meetings/template").into_response())
        })
        .await?)
}
