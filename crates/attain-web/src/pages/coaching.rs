//! Coaching: the cadence page (per person of one's team: days since the last session of each
//! kind, open and overdue action items, flagged past the cadence; per manager for directors and
//! above), the rep's own "My coaching", the action items list, and the competency model that
//! sales ops edits.

use super::coaching_sessions::{ShownAction, sessions_of, shown_actions};
use super::{Chrome, Company};
use crate::coaching::cadence::{self, Lines, ManagerCadence, PersonCadence};
use crate::coaching::load::{self, Competency, SessionFilter};
use crate::coaching::save::{self, SaveError};
use crate::coaching::{access, kind_label, kind_short};
use crate::error::{Fail, PageResult};
use crate::{AppState, Viewer};
use askama::Template;
use attain_domain::vocab::{CoachingKind, Role};
use attain_store::Store;
use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};

/// A person's row of the cadence table, as shown.
pub struct PersonRow {
    p: PersonCadence,
    last: String,
    per_kind: Vec<String>,
    sessions_href: String,
}

fn person_row(p: PersonCadence) -> PersonRow {
    PersonRow {
        last: match (p.last, p.days_since) {
            (Some(d), Some(n)) => format!("{d} ({n} days)"),
            _ => "never".into(),
        },
        per_kind: p
            .per_kind
            .iter()
            .map(|d| d.map_or_else(|| "–".to_owned(), |n| n.to_string()))
            .collect(),
        sessions_href: sessions_of(&p.person_id),
        p,
    }
}

#[derive(Template)]
#[template(path = "coaching_cadence.html")]
struct CadencePage {
    chrome: Chrome,
    cadence: i64,
    heading: String,
    kinds: Vec<&'static str>,
    people: Vec<PersonRow>,
    managers: Vec<ManagerCadence>,
    can_record: bool,
    flagged: usize,
}

#[derive(Template)]
#[template(path = "coaching_mine.html")]
struct MinePage {
    chrome: Chrome,
    sessions: Vec<(String, String, &'static str, String, bool)>,
    actions: Vec<ShownAction>,
    back: &'static str,
}

/// Which manager's team the cadence page shows.
#[derive(Debug, Default, serde::Deserialize)]
pub struct CadenceQuery {
    #[serde(default)]
    manager: String,
}

/// The managers a viewer sees the coverage of: everyone with a team in their scope but
/// themselves (directors, executives, sales ops; a manager's own team is the person table).
fn managers_in_scope(viewer: &Viewer, lines: &Lines) -> Vec<String> {
    if viewer.role == Role::Manager || viewer.role == Role::Rep {
        return Vec::new();
    }
    lines
        .managers()
        .into_iter()
        .filter(|m| viewer.can_see_person(m) && viewer.person_id.as_deref() != Some(m.as_str()))
        .collect()
}

fn cadence_page(store: &Store, viewer: &Viewer, manager: &str) -> Result<Response, Fail> {
    let mut conn = store.conn()?;
    let company = Company::load(&mut conn)?;
    let today = load::today();
    let days = load::cadence_days(&mut conn)?;
    let lines = Lines::read(&mut conn, today)?;
    let focus = match manager.trim() {
        "" => viewer.person_id.clone().unwrap_or_default(),
        m if viewer.can_see_person(m) => m.to_owned(),
        _ => return Err(Fail::NotFound),
    };
    let team: Vec<String> = lines
        .reports_of(&focus)
        .into_iter()
        .filter(|p| viewer.can_see_person(p))
        .collect();
    let people: Vec<PersonRow> = cadence::people(&mut conn, &lines, &team, today, days)?
        .into_iter()
        .map(person_row)
        .collect();
    let managers = if manager.trim().is_empty() {
        let ids = managers_in_scope(viewer, &lines);
        cadence::managers(&mut conn, &lines, &ids, today, days)?
    } else {
        Vec::new()
    };
    let heading = if focus.is_empty() {
        "Coaching cadence".to_owned()
    } else {
        format!("Coaching cadence: {}'s team", lines.name(&focus))
    };
    let p = CadencePage {
        chrome: Chrome::new(viewer, &company, "Coaching cadence", "coaching", "cadence"),
        cadence: days,
        heading,
        kinds: CoachingKind::ALL.iter().map(|k| kind_short(*k)).collect(),
        flagged: people.iter().filter(|r| r.p.flagged).count(),
        people,
        managers,
        can_record: access::records_sessions(viewer),
    };
    Ok(Html(p.render()?).into_response())
}

fn mine_page(store: &Store, viewer: &Viewer) -> Result<Response, Fail> {
    let mut conn = store.conn()?;
    let company = Company::load(&mut conn)?;
    let filter = SessionFilter {
        person_id: viewer.person_id.clone(),
        ..SessionFilter::default()
    };
    let sessions = match viewer.person_id {
        Some(_) => load::sessions(&mut conn, viewer, &filter, 200)?,
        None => Vec::new(),
    }
    .into_iter()
    .map(|s| {
        (
            s.id,
            s.date.to_string(),
            kind_label(s.kind),
            s.coach_name,
            s.reflection.is_some(),
        )
    })
    .collect();
    let actions = shown_actions(viewer, load::actions(&mut conn, viewer, true, false)?);
    let p = MinePage {
        chrome: Chrome::new(viewer, &company, "My coaching", "coaching", "cadence"),
        sessions,
        actions,
        back: "/coaching",
    };
    Ok(Html(p.render()?).into_response())
}

/// Coaching home: the cadence of one's team (or of `?manager=`), "My coaching" for a rep.
pub async fn show_coaching(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(q): Query<CadenceQuery>,
) -> PageResult {
    Ok(state
        .blocking(move |store| {
            if viewer.role == Role::Rep {
                mine_page(store, &viewer)
            } else {
                cadence_page(store, &viewer, &q.manager)
            }
        })
        .await?)
}

#[derive(Template)]
#[template(path = "coaching_actions.html")]
struct ActionsPage {
    chrome: Chrome,
    show: String,
    open_only: bool,
    sees_team: bool,
    actions: Vec<ShownAction>,
    back: &'static str,
}

/// Which action items to list.
#[derive(Debug, Default, serde::Deserialize)]
pub struct ActionsQuery {
    /// `mine` (default for reps) or `team`.
    #[serde(default)]
    show: String,
    /// `all` to include done and dropped items.
    #[serde(default)]
    status: String,
}

/// Lists action items: mine, or my team's; open ones unless `status=all`.
pub async fn list_actions(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(q): Query<ActionsQuery>,
) -> PageResult {
    Ok(state
        .blocking(move |store| -> Result<Response, Fail> {
            let mut conn = store.conn()?;
            let company = Company::load(&mut conn)?;
            let sees_team = viewer.role != Role::Rep;
            let mine = !sees_team || q.show == "mine";
            let open_only = q.status != "all";
            let actions = load::actions(&mut conn, &viewer, mine, open_only)?;
            let p = ActionsPage {
                chrome: Chrome::new(&viewer, &company, "Action items", "coaching", "actions"),
                show: if mine { "mine" } else { "team" }.into(),
                open_only,
                sees_team,
                actions: shown_actions(&viewer, actions),
                back: "/coaching/actions",
            };
            Ok(Html(p.render()?).into_response())
        })
        .await?)
}

/// The status form of an action item.
#[derive(Debug, Default, serde::Deserialize)]
pub struct StatusForm {
    #[serde(default)]
    status: String,
    /// Where to go back to (a path of this site).
    #[serde(default)]
    back: String,
}

/// Changes an action item's status (its owner, the person, their leaders, sales ops; audited).
pub async fn update_action(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    Form(f): Form<StatusForm>,
) -> PageResult {
    Ok(state
        .blocking(move |store| -> Result<Response, Fail> {
            match save::save_action_status(store, &viewer, &id, &f.status) {
                Ok(()) => {
                    let back = if f.back.starts_with('/') && !f.back.starts_with("//") {
                        f.back
                    } else {
                        "/coaching/actions".into()
                    };
                    Ok(Redirect::to(&back).into_response())
                }
                Err(SaveError::Invalid(e)) => Err(Fail::BadRequest(e.sentence())),
                Err(SaveError::Fail(f)) => Err(f),
            }
        })
        .await?)
}

#[derive(Template)]
#[template(path = "coaching_competencies.html")]
struct CompetenciesPage {
    chrome: Chrome,
    message: String,
    model: Vec<Competency>,
    next_position: i64,
}

fn competencies_page(
    store: &Store,
    viewer: &Viewer,
    message: String,
    status: StatusCode,
) -> Result<Response, Fail> {
    let mut conn = store.conn()?;
    let company = Company::load(&mut conn)?;
    let model = load::competencies(&mut conn)?;
    let p = CompetenciesPage {
        chrome: Chrome::new(viewer, &company, "Competencies", "coaching", "competencies"),
        message,
        next_position: model.iter().map(|c| c.position).max().unwrap_or(0) + 1,
        model,
    };
    Ok((status, Html(p.render()?)).into_response())
}

/// The competency model skills are rated on (sales ops edits it).
pub async fn list_competencies(State(state): State<AppState>, viewer: Viewer) -> PageResult {
    Ok(state
        .blocking(move |store| competencies_page(store, &viewer, String::new(), StatusCode::OK))
        .await?)
}

/// The competency form.
#[derive(Debug, Default, serde::Deserialize)]
pub struct CompetencyForm {
    #[serde(default)]
    competency_id: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    position: String,
}

/// Adds or changes a competency (sales ops, audited).
pub async fn submit_competency(
    State(state): State<AppState>,
    viewer: Viewer,
    Form(f): Form<CompetencyForm>,
) -> PageResult {
    Ok(state
        .blocking(move |store| -> Result<Response, Fail> {
            let c = Competency {
                id: f.competency_id.trim().to_owned(),
                name: f.name,
                description: f.description,
                position: f.position.trim().parse().unwrap_or(-1),
            };
            match save::save_competency(store, &viewer, &c) {
                Ok(()) => Ok(Redirect::to("/coaching/competencies").into_response()),
                Err(SaveError::Invalid(e)) => competencies_page(
                    store,
                    &viewer,
                    e.sentence(),
                    StatusCode::UNPROCESSABLE_ENTITY,
                ),
                Err(SaveError::Fail(f)) => Err(f),
            }
        })
        .await?)
}
