//! Reading coaching records: one session with its ratings and action items, lists of sessions
//! and action items within the viewer's scope, the competency model and the cadence setting.
//! Private notes are selected only when [`access::sees_private`] allows it.

use super::access;
use crate::Viewer;
use attain_domain::Date;
use attain_domain::vocab::CoachingKind;
use attain_store::{Executor, Row, StoreResult, Value, params};

/// The cadence when `coaching_cadence_days` is not set.
pub const DEFAULT_CADENCE_DAYS: i64 = 30;

/// One competency of the model.
#[derive(Debug, Clone)]
pub struct Competency {
    /// `competency_id`.
    pub id: String,
    /// Its name.
    pub name: String,
    /// What it means, or empty.
    pub description: String,
    /// Its place in the model.
    pub position: i64,
}

/// A skill rated in a session.
#[derive(Debug, Clone)]
pub struct Rating {
    /// `competency_id`.
    pub competency_id: String,
    /// The competency's name.
    pub name: String,
    /// 1 to 5.
    pub rating: i64,
}

/// An action item.
#[derive(Debug, Clone)]
pub struct Action {
    /// `action_id`.
    pub id: String,
    /// The session it came from, if any.
    pub session_id: Option<String>,
    /// Who it is about.
    pub person_id: String,
    /// Their name.
    pub person_name: String,
    /// Who does it.
    pub owner_id: String,
    /// What to do.
    pub description: String,
    /// When, if set.
    pub due_date: Option<Date>,
    /// `open`, `done` or `dropped`.
    pub status: String,
    /// When it was done.
    pub done_date: Option<Date>,
    /// Open and past its due date.
    pub overdue: bool,
}

/// A coaching session as the viewer may see it.
#[derive(Debug, Clone)]
pub struct Session {
    /// `session_id`.
    pub id: String,
    /// Who was coached.
    pub person_id: String,
    /// Their name.
    pub person_name: String,
    /// Who coached.
    pub coach_id: String,
    /// Their name.
    pub coach_name: String,
    /// When.
    pub date: Date,
    /// What kind.
    pub kind: CoachingKind,
    /// The account it was about.
    pub account_id: Option<String>,
    /// The opportunity it was about.
    pub opportunity_id: Option<String>,
    /// Preparation before a call.
    pub preparation: Option<String>,
    /// Debrief: what happened.
    pub what_happened: Option<String>,
    /// Debrief: what was learned.
    pub learned: Option<String>,
    /// Debrief: what to do better.
    pub do_better: Option<String>,
    /// Notes the person sees.
    pub shared_notes: Option<String>,
    /// The coach's private notes: `None` unless the viewer may see them.
    pub private_notes: Option<String>,
    /// Whether the viewer may see private notes (so an empty field can be told apart).
    pub private_visible: bool,
    /// The person's own reflection.
    pub reflection: Option<String>,
    /// Skills rated.
    pub ratings: Vec<Rating>,
    /// Action items of the session.
    pub actions: Vec<Action>,
}

/// The columns every session query selects, `s` being `coaching_sessions`.
const SESSION_COLUMNS: &str =
    "s.session_id, s.person_id, p.name, s.coach_id, c.name, s.date, s.kind,
     s.account_id, s.opportunity_id, s.preparation, s.what_happened, s.learned, s.do_better,
     s.shared_notes, s.reflection";
const SESSION_FROM: &str = "coaching_sessions s LEFT JOIN people p ON p.person_id = s.person_id
     LEFT JOIN people c ON c.person_id = s.coach_id";

fn session_of(r: &Row) -> StoreResult<Session> {
    let kind = r.string(6)?;
    Ok(Session {
        id: r.string(0)?,
        person_id: r.string(1)?,
        person_name: r.opt_string(2)?.unwrap_or_default(),
        coach_id: r.string(3)?,
        coach_name: r.opt_string(4)?.unwrap_or_default(),
        date: r.date(5)?,
        kind: CoachingKind::parse(&kind).unwrap_or(CoachingKind::OneToOne),
        account_id: r.opt_string(7)?,
        opportunity_id: r.opt_string(8)?,
        preparation: r.opt_string(9)?,
        what_happened: r.opt_string(10)?,
        learned: r.opt_string(11)?,
        do_better: r.opt_string(12)?,
        shared_notes: r.opt_string(13)?,
        private_notes: None,
        private_visible: false,
        reflection: r.opt_string(14)?,
        ratings: Vec::new(),
        actions: Vec::new(),
    })
}

/// Reads one session with its ratings and action items; `None` when missing or out of scope.
pub fn session(ex: &mut impl Executor, viewer: &Viewer, id: &str) -> StoreResult<Option<Session>> {
    let Some(row) = ex.query_opt(
        &format!("SELECT {SESSION_COLUMNS} FROM {SESSION_FROM} WHERE s.session_id = $1"),
        params![id],
    )?
    else {
        return Ok(None);
    };
    let mut s = session_of(&row)?;
    if !access::can_read(viewer, &s.person_id, &s.coach_id) {
        return Ok(None);
    }
    if access::sees_private(viewer, &s.person_id, &s.coach_id) {
        s.private_visible = true;
        s.private_notes = ex
            .query_one(
                "SELECT private_notes FROM coaching_sessions WHERE session_id = $1",
                params![id],
            )?
            .opt_string(0)?;
    }
    for r in ex.query(
        "SELECT r.competency_id, c.name, r.rating FROM skill_ratings r
         LEFT JOIN competencies c ON c.competency_id = r.competency_id
         WHERE r.session_id = $1 ORDER BY c.position, r.competency_id",
        params![id],
    )? {
        let competency_id = r.string(0)?;
        s.ratings.push(Rating {
            name: r.opt_string(1)?.unwrap_or_else(|| competency_id.clone()),
            competency_id,
            rating: r.int(2)?,
        });
    }
    s.actions = actions_where(ex, "a.session_id = $1", &[Value::from(id)], today())?;
    Ok(Some(s))
}

/// Today, as the pages count it.
pub fn today() -> Date {
    chrono::Utc::now().date_naive()
}

/// What a list of sessions is narrowed to.
#[derive(Debug, Default, Clone)]
pub struct SessionFilter {
    /// One person.
    pub person_id: Option<String>,
    /// One kind.
    pub kind: Option<CoachingKind>,
    /// From this day.
    pub from: Option<Date>,
    /// Up to this day.
    pub to: Option<Date>,
}

/// Lists the sessions the viewer may see, newest first (at most `limit`), without private
/// notes, ratings or action items.
pub fn sessions(
    ex: &mut impl Executor,
    viewer: &Viewer,
    filter: &SessionFilter,
    limit: i64,
) -> StoreResult<Vec<Session>> {
    let mut args: Vec<Value> = Vec::new();
    let scope = viewer.people().sql("s.person_id", &mut args);
    let mut conds = vec![match &viewer.person_id {
        Some(me) => {
            args.push(Value::from(me.as_str()));
            format!("({scope} OR s.coach_id = ${})", args.len())
        }
        None => scope,
    }];
    if let Some(p) = &filter.person_id {
        args.push(Value::from(p.as_str()));
        conds.push(format!("s.person_id = ${}", args.len()));
    }
    if let Some(k) = filter.kind {
        args.push(Value::from(k.as_str()));
        conds.push(format!("s.kind = ${}", args.len()));
    }
    if let Some(d) = filter.from {
        args.push(d.into());
        conds.push(format!("s.date >= ${}", args.len()));
    }
    if let Some(d) = filter.to {
        args.push(d.into());
        conds.push(format!("s.date <= ${}", args.len()));
    }
    ex.query(
        &format!(
            "SELECT {SESSION_COLUMNS} FROM {SESSION_FROM} WHERE {}
             ORDER BY s.date DESC, s.session_id DESC LIMIT {limit}",
            conds.join(" AND ")
        ),
        &args,
    )?
    .iter()
    .map(session_of)
    .collect()
}

/// Reads the action items matching `condition` (on `action_items a`), open ones first by due
/// date.
pub fn actions_where(
    ex: &mut impl Executor,
    condition: &str,
    args: &[Value],
    today: Date,
) -> StoreResult<Vec<Action>> {
    let rows = ex.query(
        &format!(
            "SELECT a.action_id, a.session_id, a.person_id, p.name, a.owner_id, a.description,
                    a.due_date, a.status, a.done_date
             FROM action_items a LEFT JOIN people p ON p.person_id = a.person_id
             WHERE {condition}
             ORDER BY CASE a.status WHEN 'open' THEN 0 ELSE 1 END, a.due_date, a.action_id
             LIMIT 500"
        ),
        args,
    )?;
    rows.iter()
        .map(|r| {
            let status = r.string(7)?;
            let due_date = r.opt_date(6)?;
            Ok(Action {
                id: r.string(0)?,
                session_id: r.opt_string(1)?,
                person_id: r.string(2)?,
                person_name: r.opt_string(3)?.unwrap_or_default(),
                owner_id: r.string(4)?,
                description: r.string(5)?,
                overdue: status == "open" && due_date.is_some_and(|d| d < today),
                due_date,
                status,
                done_date: r.opt_date(8)?,
            })
        })
        .collect()
}

/// Lists the action items about people the viewer may see or owned by the viewer.
pub fn actions(
    ex: &mut impl Executor,
    viewer: &Viewer,
    mine_only: bool,
    open_only: bool,
) -> StoreResult<Vec<Action>> {
    let mut args: Vec<Value> = Vec::new();
    let mut conds = Vec::new();
    match (&viewer.person_id, mine_only) {
        (Some(me), true) => {
            args.push(Value::from(me.as_str()));
            conds.push("(a.owner_id = $1 OR a.person_id = $1)".to_owned());
        }
        (None, true) => conds.push("1 = 0".to_owned()),
        (me, false) => {
            let scope = viewer.people().sql("a.person_id", &mut args);
            match me {
                Some(me) => {
                    args.push(Value::from(me.as_str()));
                    conds.push(format!("({scope} OR a.owner_id = ${})", args.len()));
                }
                None => conds.push(scope),
            }
        }
    }
    if open_only {
        conds.push("a.status = 'open'".to_owned());
    }
    actions_where(ex, &conds.join(" AND "), &args, today())
}

/// Reads the competency model in its order.
pub fn competencies(ex: &mut impl Executor) -> StoreResult<Vec<Competency>> {
    ex.query(
        "SELECT competency_id, name, description, position FROM competencies
         ORDER BY position, competency_id",
        &[],
    )?
    .iter()
    .map(|r| {
        Ok(Competency {
            id: r.string(0)?,
            name: r.string(1)?,
            description: r.opt_string(2)?.unwrap_or_default(),
            position: r.int(3)?,
        })
    })
    .collect()
}

/// Reads `coaching_cadence_days` (default 30).
pub fn cadence_days(ex: &mut impl Executor) -> StoreResult<i64> {
    Ok(ex
        .query_opt(
            "SELECT value FROM settings WHERE key = 'coaching_cadence_days'",
            &[],
        )?
        .and_then(|r| r.string(0).ok())
        .and_then(|v| v.parse().ok())
        .filter(|d| *d > 0)
        .unwrap_or(DEFAULT_CADENCE_DAYS))
}
