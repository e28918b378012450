//! Coaching › Sessions: the list of sessions one may see (filtered by person, kind and dates),
//! one session's page (private notes only for those allowed; the reflection form for the person
//! coached), and the form that records or changes a session with its ratings and action items.

use super::{Chrome, Company, query_string};
use crate::coaching::load::{self, SessionFilter};
use crate::coaching::save::{self, SaveError, SessionInput};
use crate::coaching::{Session, access, kind_label, people_choices};
use crate::error::{Fail, PageResult};
use crate::{AppState, Viewer};
use askama::Template;
use attain_domain::parse_date;
use attain_domain::vocab::CoachingKind;
use attain_store::Store;
use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};

/// A choice of a select: value, label, selected.
pub struct Choice {
    value: String,
    label: String,
    selected: bool,
}

fn kinds(selected: &str) -> Vec<Choice> {
    CoachingKind::ALL
        .iter()
        .map(|k| Choice {
            value: k.as_str().into(),
            label: kind_label(*k).into(),
            selected: k.as_str() == selected,
        })
        .collect()
}

/// One session as listed.
pub struct Listed {
    id: String,
    date: String,
    person_id: String,
    person: String,
    coach: String,
    kind: &'static str,
    summary: String,
}

#[derive(Template)]
#[template(path = "coaching_sessions.html")]
struct SessionsPage {
    chrome: Chrome,
    can_record: bool,
    people: Vec<Choice>,
    kinds: Vec<Choice>,
    from: String,
    to: String,
    rows: Vec<Listed>,
}

/// The filters of the list.
#[derive(Debug, Default, serde::Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    person: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
}

/// Lists the sessions the viewer may see, newest first.
pub async fn list_sessions(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(q): Query<ListQuery>,
) -> PageResult {
    Ok(state
        .blocking(move |store| -> Result<Response, Fail> {
            let mut conn = store.conn()?;
            let company = Company::load(&mut conn)?;
            let filter = SessionFilter {
                person_id: Some(q.person.trim().to_owned()).filter(|p| !p.is_empty()),
                kind: CoachingKind::parse(q.kind.trim()).ok(),
                from: parse_date(q.from.trim()).ok(),
                to: parse_date(q.to.trim()).ok(),
            };
            let rows = load::sessions(&mut conn, &viewer, &filter, 300)?
                .into_iter()
                .map(|s| Listed {
                    summary: s
                        .shared_notes
                        .clone()
                        .or(s.do_better.clone())
                        .or(s.preparation.clone())
                        .unwrap_or_default(),
                    id: s.id,
                    date: s.date.to_string(),
                    person_id: s.person_id,
                    person: s.person_name,
                    coach: s.coach_name,
                    kind: kind_label(s.kind),
                })
                .collect();
            let mut people = vec![Choice {
                value: String::new(),
                label: "Everyone".into(),
                selected: q.person.is_empty(),
            }];
            for (id, name) in people_choices(&mut conn, &viewer)? {
                people.push(Choice {
                    selected: id == q.person.trim(),
                    value: id,
                    label: name,
                });
            }
            let mut kind_choices = vec![Choice {
                value: String::new(),
                label: "Every kind".into(),
                selected: q.kind.is_empty(),
            }];
            kind_choices.extend(kinds(q.kind.trim()));
            let p = SessionsPage {
                chrome: Chrome::new(
                    &viewer,
                    &company,
                    "Coaching sessions",
                    "coaching",
                    "sessions",
                ),
                can_record: access::records_sessions(&viewer),
                people,
                kinds: kind_choices,
                from: q.from,
                to: q.to,
                rows,
            };
            Ok(Html(p.render()?).into_response())
        })
        .await?)
}

/// A rated skill as shown.
pub struct ShownRating {
    name: String,
    rating: i64,
    stars: String,
}

/// An action item as shown.
pub struct ShownAction {
    /// `action_id`.
    pub id: String,
    /// Who it is about (name).
    pub person: String,
    /// Who does it.
    pub owner_id: String,
    /// What to do.
    pub description: String,
    /// The due date, or empty.
    pub due: String,
    /// `open`, `done`, `dropped`.
    pub status: String,
    /// Open past its due date.
    pub overdue: bool,
    /// Whether the viewer may change its status.
    pub can_update: bool,
}

/// Shows action items with whether the viewer may change them.
pub fn shown_actions(viewer: &Viewer, actions: Vec<crate::coaching::Action>) -> Vec<ShownAction> {
    actions
        .into_iter()
        .map(|a| ShownAction {
            can_update: access::may_update_action(viewer, &a.person_id, &a.owner_id).is_ok(),
            id: a.id,
            person: if a.person_name.is_empty() {
                a.person_id
            } else {
                a.person_name
            },
            owner_id: a.owner_id,
            description: a.description,
            due: a.due_date.map(|d| d.to_string()).unwrap_or_default(),
            status: a.status,
            overdue: a.overdue,
        })
        .collect()
}

#[derive(Template)]
#[template(path = "coaching_session.html")]
struct SessionPage {
    chrome: Chrome,
    s: Session,
    kind: &'static str,
    texts: Vec<(&'static str, String)>,
    private_notes: String,
    reflection: String,
    ratings: Vec<ShownRating>,
    actions: Vec<ShownAction>,
    can_edit: bool,
    can_reflect: bool,
    back: String,
}

/// Shows one session; private notes only to those allowed (never to the person coached).
pub async fn show_session(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> PageResult {
    Ok(state
        .blocking(move |store| -> Result<Response, Fail> {
            let mut conn = store.conn()?;
            let company = Company::load(&mut conn)?;
            let s = load::session(&mut conn, &viewer, &id)?.ok_or(Fail::NotFound)?;
            let opt = |v: &Option<String>| v.clone().unwrap_or_default();
            let texts = vec![
                ("Preparation", opt(&s.preparation)),
                ("What happened", opt(&s.what_happened)),
                ("What was learned", opt(&s.learned)),
                ("What to do better", opt(&s.do_better)),
                ("Shared notes", opt(&s.shared_notes)),
            ]
            .into_iter()
            .filter(|(_, t)| !t.is_empty())
            .collect();
            let p = SessionPage {
                chrome: Chrome::new(
                    &viewer,
                    &company,
                    format!("Session {id}"),
                    "coaching",
                    "sessions",
                ),
                kind: kind_label(s.kind),
                texts,
                private_notes: opt(&s.private_notes),
                reflection: opt(&s.reflection),
                ratings: s
                    .ratings
                    .iter()
                    .map(|r| ShownRating {
                        name: r.name.clone(),
                        rating: r.rating,
                        stars: "●".repeat(r.rating as usize) + &"○".repeat(5 - r.rating as usize),
                    })
                    .collect(),
                actions: shown_actions(&viewer, s.actions.clone()),
                can_edit: access::may_edit(&viewer, &s.person_id, &s.coach_id).is_ok(),
                can_reflect: access::may_reflect(&viewer, &s.person_id, &s.coach_id).is_ok(),
                back: format!("/coaching/sessions/{}", s.id),
                s,
            };
            Ok(Html(p.render()?).into_response())
        })
        .await?)
}

/// A competency row of the form.
pub struct RatingField {
    id: String,
    name: String,
    value: String,
    levels: Vec<(&'static str, bool)>,
}

#[derive(Template)]
#[template(path = "coaching_form.html")]
struct FormPage {
    chrome: Chrome,
    heading: String,
    action: String,
    message: String,
    is_ops: bool,
    is_new: bool,
    people: Vec<Choice>,
    kinds: Vec<Choice>,
    f: std::collections::BTreeMap<String, String>,
    ratings: Vec<RatingField>,
    coach_id: String,
}

impl FormPage {
    /// Returns a field's value (empty when unset).
    fn v(&self, name: &str) -> &str {
        self.f.get(name).map_or("", String::as_str)
    }
}

fn form_page(
    store: &Store,
    viewer: &Viewer,
    id: Option<&str>,
    input: &SessionInput,
    message: String,
    status: StatusCode,
) -> Result<Response, Fail> {
    let mut conn = store.conn()?;
    let company = Company::load(&mut conn)?;
    let person = input.fields.get("person_id").cloned().unwrap_or_default();
    let mut people: Vec<Choice> = people_choices(&mut conn, viewer)?
        .into_iter()
        .map(|(value, label)| Choice {
            selected: value == person,
            value,
            label,
        })
        .collect();
    if id.is_some() {
        people.retain(|c| c.selected);
    }
    let kind = input.fields.get("kind").cloned().unwrap_or_default();
    let ratings = load::competencies(&mut conn)?
        .into_iter()
        .map(|c| {
            let value = input.ratings.get(&c.id).cloned().unwrap_or_default();
            RatingField {
                levels: ["1", "2", "3", "4", "5"]
                    .into_iter()
                    .map(|n| (n, n == value))
                    .collect(),
                value,
                id: c.id,
                name: c.name,
            }
        })
        .collect();
    let p = FormPage {
        chrome: Chrome::new(
            viewer,
            &company,
            if id.is_some() {
                "Change a session"
            } else {
                "Record a session"
            },
            "coaching",
            "sessions",
        ),
        heading: match id {
            Some(id) => format!("Change session {id}"),
            None => "Record a coaching session".into(),
        },
        action: match id {
            Some(id) => format!("/coaching/sessions/{id}"),
            None => "/coaching/sessions".into(),
        },
        message,
        is_ops: viewer.is_sales_ops(),
        is_new: id.is_none(),
        people,
        kinds: kinds(&kind),
        f: input.fields.clone(),
        ratings,
        coach_id: input
            .fields
            .get("coach_id")
            .cloned()
            .or(viewer.person_id.clone())
            .unwrap_or_default(),
    };
    Ok((status, Html(p.render()?)).into_response())
}

/// The new-session link's query: the person to preselect.
#[derive(Debug, Default, serde::Deserialize)]
pub struct NewQuery {
    #[serde(default)]
    person_id: String,
}

/// The form to record a session (managers and directors for their team, sales ops for anyone).
pub async fn new_session(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(q): Query<NewQuery>,
) -> PageResult {
    if !access::records_sessions(&viewer) {
        return Err(Fail::Forbidden.into());
    }
    Ok(state
        .blocking(move |store| {
            let mut input = SessionInput::default();
            input.fields.insert("person_id".into(), q.person_id);
            input
                .fields
                .insert("date".into(), load::today().to_string());
            input.fields.insert("kind".into(), "one_to_one".into());
            form_page(store, &viewer, None, &input, String::new(), StatusCode::OK)
        })
        .await?)
}

/// The form to change a session (its coach or sales ops).
pub async fn edit_session(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> PageResult {
    Ok(state
        .blocking(move |store| {
            let s = load::session(&mut store.conn()?, &viewer, &id)?.ok_or(Fail::NotFound)?;
            access::may_edit(&viewer, &s.person_id, &s.coach_id)?;
            let input = SessionInput::from_session(&s);
            form_page(
                store,
                &viewer,
                Some(&id),
                &input,
                String::new(),
                StatusCode::OK,
            )
        })
        .await?)
}

fn submit(
    store: &Store,
    viewer: &Viewer,
    id: Option<&str>,
    pairs: &[(String, String)],
) -> Result<Response, Fail> {
    let mut input = match id {
        Some(id) => {
            let s = load::session(&mut store.conn()?, viewer, id)?.ok_or(Fail::NotFound)?;
            access::may_edit(viewer, &s.person_id, &s.coach_id)?;
            SessionInput::from_session(&s)
        }
        None => {
            if !access::records_sessions(viewer) {
                return Err(Fail::Forbidden);
            }
            SessionInput::default()
        }
    };
    input.apply_form(pairs);
    match save::save_session(store, viewer, id, &input) {
        Ok(id) => Ok(Redirect::to(&format!("/coaching/sessions/{id}")).into_response()),
        Err(SaveError::Invalid(e)) => form_page(
            store,
            viewer,
            id,
            &input,
            e.sentence(),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        Err(SaveError::Fail(f)) => Err(f),
    }
}

/// Records a session (audited).
pub async fn create_session(
    State(state): State<AppState>,
    viewer: Viewer,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    Ok(state
        .blocking(move |store| submit(store, &viewer, None, &pairs))
        .await?)
}

/// Changes a session (audited).
pub async fn update_session(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    Ok(state
        .blocking(move |store| submit(store, &viewer, Some(&id), &pairs))
        .await?)
}

/// The reflection form.
#[derive(Debug, Default, serde::Deserialize)]
pub struct Reflection {
    #[serde(default)]
    reflection: String,
}

/// Writes the reflection of the person coached (audited).
pub async fn submit_reflection(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    Form(f): Form<Reflection>,
) -> PageResult {
    Ok(state
        .blocking(move |store| -> Result<Response, Fail> {
            match save::save_reflection(store, &viewer, &id, &f.reflection) {
                Ok(()) => Ok(Redirect::to(&format!("/coaching/sessions/{id}")).into_response()),
                Err(SaveError::Invalid(e)) => Err(Fail::BadRequest(e.sentence())),
                Err(SaveError::Fail(f)) => Err(f),
            }
        })
        .await?)
}

/// Returns the link of the sessions list filtered to one person.
pub fn sessions_of(person_id: &str) -> String {
    format!(
        "/coaching/sessions{}",
        query_string(&[("person", person_id.to_owned())])
    )
}
