//! Sales meetings (docs/meetings.md): who may see and run a team's meetings, the agenda built
//! from the template with one information-gathering item per team member, and the figures
//! pre-filled into those items, computed through `attain_domain::pipeline` from what
//! `snapshot::load` reads — the same definitions as the pipeline snapshots.

use crate::error::Fail;
use crate::pages::Company;
use crate::snapshot;
use crate::viewer::Viewer;
use attain_domain::pipeline::metrics::{self, open_at};
use attain_domain::pipeline::{Period, PeriodKind};
use attain_domain::vocab::{Cadence, MeetingSection};
use attain_domain::{Date, Money};
use attain_store::{Executor, Value, params};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// The agenda template used when `meeting_template` is empty: section, title, minutes (per
/// person for the information-gathering round).
pub const DEFAULT_TEMPLATE: &[(MeetingSection, &str, i64)] = &[
    (
        MeetingSection::InformationGathering,
        "Key accounts and pipeline",
        5,
    ),
    (MeetingSection::Training, "Training", 15),
    (MeetingSection::Recognition, "Recognition", 5),
    (MeetingSection::Other, "Follow-ups and other business", 10),
];

/// One bucket of open pipeline by forecast category.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CategoryFigure {
    /// `pipeline`, `best_case` or `commit`.
    pub category: String,
    /// Open deals.
    pub count: i64,
    /// Their amount, `"1250.00"`.
    pub amount: String,
}

/// One key account the person owns, with their open pipeline on it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyAccountFigure {
    /// `account_id`.
    pub account_id: String,
    /// The account's name.
    pub name: String,
    /// The person's open deals on the account.
    pub open_count: i64,
    /// Their amount.
    pub open_amount: String,
}

/// The figures a person reports in the information-gathering round, frozen into the item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemFigures {
    /// The day the stock figures are taken at: the meeting's date, or the day they were
    /// computed when that is earlier.
    pub as_of: String,
    /// The first day of the flows (the day after the team's previous meeting).
    pub since: String,
    /// Open pipeline at `as_of`: deals.
    pub open_count: i64,
    /// Open pipeline at `as_of`: amount.
    pub open_amount: String,
    /// Open pipeline by forecast category.
    pub by_category: Vec<CategoryFigure>,
    /// Opportunities created from `since` to the meeting's date.
    pub new_opportunities: i64,
    /// Deals won from `since` to the meeting's date.
    pub won_count: i64,
    /// Their amount.
    pub won_amount: String,
    /// The fiscal year's bookings objective.
    pub objective: String,
    /// Bookings credited in the year to date.
    pub booked: String,
    /// `booked ÷ objective` (a ratio, `"0.5"` is 50 %); absent without an objective.
    pub attainment: Option<String>,
    /// The key accounts the person owns.
    pub key_accounts: Vec<KeyAccountFigure>,
}

/// A meeting's header row.
#[derive(Debug, Clone)]
pub struct Meeting {
    /// `meeting_id`.
    pub id: String,
    /// The manager whose team meets.
    pub manager_id: String,
    /// The manager's name.
    pub manager_name: String,
    /// `date`.
    pub date: Date,
    /// `title`.
    pub title: String,
    /// `cadence` (empty: not recurring).
    pub cadence: String,
    /// `scheduled` or `held`.
    pub status: String,
    /// `notes`.
    pub notes: String,
}

/// Reads a meeting the viewer may see; missing and out of scope are both `NotFound`.
pub fn load(ex: &mut impl Executor, viewer: &Viewer, id: &str) -> Result<Meeting, Fail> {
    let row = ex
        .query_opt(
            "SELECT m.meeting_id, m.team_manager_id, COALESCE(p.name, m.team_manager_id), m.date,
                    m.title, m.cadence, m.status, m.notes
             FROM meetings m LEFT JOIN people p ON p.person_id = m.team_manager_id
             WHERE m.meeting_id = $1",
            params![id],
        )?
        .ok_or(Fail::NotFound)?;
    let m = Meeting {
        id: row.string(0)?,
        manager_id: row.string(1)?,
        manager_name: row.string(2)?,
        date: row.date(3)?,
        title: row.string(4)?,
        cadence: row.opt_string(5)?.unwrap_or_default(),
        status: row.string(6)?,
        notes: row.opt_string(7)?.unwrap_or_default(),
    };
    if !can_see_team(ex, viewer, &m.manager_id)? {
        return Err(Fail::NotFound);
    }
    Ok(m)
}

/// Returns the viewer's own manager today, if any.
pub fn own_manager(ex: &mut impl Executor, viewer: &Viewer) -> Result<Option<String>, Fail> {
    match &viewer.person_id {
        Some(me) => manager_on(ex, me, chrono::Utc::now().date_naive()),
        None => Ok(None),
    }
}

/// Returns a person's manager on `day`, as the viewer's scope reads the tree: their latest
/// `reporting.csv` row started by then, else `people.manager_id`.
pub fn manager_on(ex: &mut impl Executor, person: &str, day: Date) -> Result<Option<String>, Fail> {
    if let Some(r) = ex.query_opt(
        "SELECT manager_id FROM reporting WHERE person_id = $1 AND start_date <= $2
         ORDER BY start_date DESC LIMIT 1",
        params![person, day],
    )? {
        return Ok(r.opt_string(0)?);
    }
    Ok(ex
        .query_opt(
            "SELECT manager_id FROM people WHERE person_id = $1",
            params![person],
        )?
        .map(|r| r.opt_string(0))
        .transpose()?
        .flatten())
}

/// A team's meetings are seen by whoever sees its manager, and by the manager's direct reports.
pub fn can_see_team(ex: &mut impl Executor, viewer: &Viewer, manager: &str) -> Result<bool, Fail> {
    Ok(viewer.can_see_person(manager) || own_manager(ex, viewer)?.as_deref() == Some(manager))
}

/// A team's meetings are run (created, figures, attendance, notes, follow-ups) by its manager
/// and by sales ops.
pub fn can_run_team(viewer: &Viewer, manager: &str) -> bool {
    viewer.is_sales_ops() || viewer.person_id.as_deref() == Some(manager)
}

/// Returns the team of a manager: the people reporting to them directly on `day` (as
/// `manager_on` reads it) and still employed then, by name.
pub fn members(
    ex: &mut impl Executor,
    manager: &str,
    day: Date,
) -> Result<Vec<(String, String)>, Fail> {
    let mut candidates = Vec::new();
    for r in ex.query(
        "SELECT person_id, name FROM people
         WHERE (manager_id = $1 OR person_id IN (
                SELECT person_id FROM reporting WHERE manager_id = $1 AND start_date <= $2))
           AND (end_date IS NULL OR end_date >= $2)
         ORDER BY name, person_id",
        params![manager, day],
    )? {
        candidates.push((r.string(0)?, r.string(1)?));
    }
    let mut out = Vec::new();
    for (id, name) in candidates {
        if manager_on(ex, &id, day)?.as_deref() == Some(manager) {
            out.push((id, name));
        }
    }
    Ok(out)
}

/// Returns the first day the flows of a meeting on `date` count from: the day after the team's
/// previous meeting, or six days before `date` when there is none (one week).
pub fn since(ex: &mut impl Executor, manager: &str, date: Date) -> Result<Date, Fail> {
    let prev = ex.query_one(
        "SELECT MAX(date) FROM meetings WHERE team_manager_id = $1 AND date < $2",
        params![manager, date],
    )?;
    Ok(match prev.opt_date(0)? {
        Some(d) => d + chrono::Duration::days(1),
        None => date - chrono::Duration::days(6),
    })
}

/// Computes each person's figures for a meeting on `date` whose flows start on `since`.
pub fn figures(
    ex: &mut impl Executor,
    company: &Company,
    ids: &[String],
    since: Date,
    date: Date,
    today: Date,
) -> Result<HashMap<String, ItemFigures>, Fail> {
    let period = Period {
        kind: PeriodKind::Week,
        start: since,
        end: date,
    };
    let loaded = snapshot::load(ex, company, ids, period, today)?;
    let as_of = period.as_of(today);
    let keys = key_accounts(ex, ids)?;
    let mut out = HashMap::new();
    let empty = Default::default();
    for id in ids {
        let book = loaded.books.get(id).unwrap_or(&empty);
        let stages = &loaded.stages;
        let (open_count, open_amount) = metrics::open_pipeline(book, stages, as_of);
        let (won_count, won_amount) = metrics::won(book, stages, &period);
        let cov = loaded
            .inputs
            .get(id)
            .map(|i| i.coverage)
            .unwrap_or_default();
        let mut accounts = Vec::new();
        for (account_id, name, opps) in keys.get(id).into_iter().flatten() {
            let open: Vec<Money> = book
                .opportunities
                .iter()
                .filter(|o| opps.contains(&o.id) && open_at(o, stages, as_of))
                .map(|o| o.amount)
                .collect();
            accounts.push(KeyAccountFigure {
                account_id: account_id.clone(),
                name: name.clone(),
                open_count: open.len() as i64,
                open_amount: open.iter().copied().sum::<Money>().to_string(),
            });
        }
        out.insert(
            id.clone(),
            ItemFigures {
                as_of: as_of.to_string(),
                since: since.to_string(),
                open_count,
                open_amount: open_amount.to_string(),
                by_category: metrics::pipeline_by_category(book, stages, as_of)
                    .into_iter()
                    .map(|b| CategoryFigure {
                        category: b.key,
                        count: b.count,
                        amount: b.amount.to_string(),
                    })
                    .collect(),
                new_opportunities: metrics::new_opportunities(book, &period),
                won_count,
                won_amount: won_amount.to_string(),
                objective: cov.objective.to_string(),
                booked: cov.booked.to_string(),
                attainment: metrics::ratio(cov.booked.cents(), cov.objective.cents())
                    .map(|r| r.to_string()),
                key_accounts: accounts,
            },
        );
    }
    Ok(out)
}

/// A key account of an owner: id, name and the ids of its opportunities.
type KeyAccount = (String, String, Vec<String>);

/// Reads the key accounts these people own, by name, with their opportunities' ids.
fn key_accounts(
    ex: &mut impl Executor,
    ids: &[String],
) -> Result<HashMap<String, Vec<KeyAccount>>, Fail> {
    let mut out: HashMap<String, Vec<KeyAccount>> = HashMap::new();
    for id in ids {
        let mut list = Vec::new();
        for r in ex.query(
            "SELECT account_id, name FROM accounts
             WHERE owner_id = $1 AND key_account = $2 ORDER BY name, account_id",
            params![id.as_str(), true],
        )? {
            list.push((r.string(0)?, r.string(1)?, Vec::new()));
        }
        for (account, _, opps) in &mut list {
            for r in ex.query(
                "SELECT opportunity_id FROM opportunities WHERE account_id = $1 AND owner_id = $2",
                params![account.as_str(), id.as_str()],
            )? {
                opps.push(r.string(0)?);
            }
        }
        out.insert(id.clone(), list);
    }
    Ok(out)
}

/// An agenda item to write.
#[derive(Debug, Clone)]
pub struct NewItem {
    /// Its section.
    pub section: MeetingSection,
    /// The reporting person (information gathering).
    pub person_id: Option<String>,
    /// Its title.
    pub title: String,
    /// Minutes.
    pub minutes: Option<i64>,
    /// Frozen figures as JSON.
    pub figures: Option<String>,
}

/// Builds a meeting's agenda from the template: each information-gathering row becomes one
/// item per team member with their figures; the other rows are copied.
pub fn agenda(
    ex: &mut impl Executor,
    company: &Company,
    manager: &str,
    date: Date,
    today: Date,
) -> Result<Vec<NewItem>, Fail> {
    let mut template = Vec::new();
    for r in ex.query(
        "SELECT section, title, minutes FROM meeting_template ORDER BY position",
        &[],
    )? {
        let section = MeetingSection::parse(r.text(0)?).unwrap_or(MeetingSection::Other);
        template.push((section, r.string(1)?, r.opt_int(2)?));
    }
    if template.is_empty() {
        template = DEFAULT_TEMPLATE
            .iter()
            .map(|(s, t, m)| (*s, (*t).to_owned(), Some(*m)))
            .collect();
    }
    let team = members(ex, manager, date)?;
    let ids: Vec<String> = team.iter().map(|(i, _)| i.clone()).collect();
    let from = since(ex, manager, date)?;
    let mut figs = figures(ex, company, &ids, from, date, today)?;
    let mut items = Vec::new();
    for (section, title, minutes) in template {
        if section == MeetingSection::InformationGathering {
            for (id, name) in &team {
                let f = figs.remove(id).map(|f| to_json(&f));
                items.push(NewItem {
                    section,
                    person_id: Some(id.clone()),
                    title: format!("{name}: {title}"),
                    minutes,
                    figures: f,
                });
            }
        } else {
            items.push(NewItem {
                section,
                person_id: None,
                title,
                minutes,
                figures: None,
            });
        }
    }
    Ok(items)
}

/// Writes figures as the JSON stored in `meeting_items.figures`.
pub fn to_json(f: &ItemFigures) -> String {
    serde_json::to_string(f).unwrap_or_default()
}

/// Reads stored figures; `None` when empty or not readable.
pub fn from_json(s: Option<&str>) -> Option<ItemFigures> {
    serde_json::from_str(s?).ok()
}

/// Returns the day after `date` by the cadence: 7, 14 days, or the same day next month (the
/// month's last day when it is shorter).
pub fn next_date(date: Date, cadence: Cadence) -> Date {
    match cadence {
        Cadence::Weekly => date + chrono::Duration::days(7),
        Cadence::Biweekly => date + chrono::Duration::days(14),
        Cadence::Monthly => date
            .checked_add_months(chrono::Months::new(1))
            .unwrap_or(date),
    }
}

/// Creates a meeting with its agenda, audited; returns its id. `Fail::BadRequest` when the team
/// already meets that day.
#[allow(clippy::too_many_arguments)]
pub fn create(
    ex: &mut impl Executor,
    company: &Company,
    actor: &str,
    manager: &str,
    date: Date,
    title: &str,
    cadence: Option<Cadence>,
    today: Date,
) -> Result<String, Fail> {
    let id = format!("{manager}:{date}");
    if id.len() > 64 {
        return Err(Fail::BadRequest(
            "team_manager_id is too long to name a meeting.".into(),
        ));
    }
    if ex
        .query_opt(
            "SELECT 1 FROM meetings WHERE meeting_id = $1",
            params![id.as_str()],
        )?
        .is_some()
    {
        return Err(Fail::BadRequest(format!(
            "date: the team already has a meeting on {date}."
        )));
    }
    let items = agenda(ex, company, manager, date, today)?;
    ex.execute(
        "INSERT INTO meetings (meeting_id, team_manager_id, date, title, cadence, status, notes)
         VALUES ($1, $2, $3, $4, $5, 'scheduled', NULL)",
        params![
            id.as_str(),
            manager,
            date,
            title,
            cadence.map(|c| c.as_str())
        ],
    )?;
    for (i, it) in items.iter().enumerate() {
        ex.execute(
            "INSERT INTO meeting_items (meeting_id, position, section, person_id, title, minutes,
                                        figures, notes)
             VALUES ($1, $2, $3, $4, $5, $6, $7, NULL)",
            params![
                id.as_str(),
                i as i64 + 1,
                it.section.as_str(),
                it.person_id.as_deref(),
                it.title.as_str(),
                it.minutes,
                it.figures.as_deref()
            ],
        )?;
    }
    crate::audit::record(
        ex,
        &crate::audit::Change {
            actor,
            action: "create",
            entity: "meeting",
            key: &id,
            before: None,
            after: Some(serde_json::json!({
                "team_manager_id": manager, "date": date.to_string(), "title": title,
                "cadence": cadence.map(|c| c.as_str()), "items": items.len(),
            })),
        },
    )?;
    Ok(id)
}

/// Recomputes the figures of a scheduled meeting's information-gathering items, audited.
pub fn refresh(
    ex: &mut impl Executor,
    company: &Company,
    actor: &str,
    m: &Meeting,
    today: Date,
) -> Result<(), Fail> {
    if m.status != "scheduled" {
        return Err(Fail::BadRequest(
            "the meeting was held; its figures are the minutes and stay as they were.".into(),
        ));
    }
    let mut people = Vec::new();
    for r in ex.query(
        "SELECT position, person_id, figures FROM meeting_items
         WHERE meeting_id = $1 AND section = 'information_gathering' AND person_id IS NOT NULL",
        params![m.id.as_str()],
    )? {
        people.push((r.int(0)?, r.string(1)?, r.opt_string(2)?));
    }
    let ids: Vec<String> = people.iter().map(|p| p.1.clone()).collect();
    let from = since(ex, &m.manager_id, m.date)?;
    let figs = figures(ex, company, &ids, from, m.date, today)?;
    for (position, person, before) in people {
        let after = figs.get(&person).map(to_json);
        ex.execute(
            "UPDATE meeting_items SET figures = $3 WHERE meeting_id = $1 AND position = $2",
            params![m.id.as_str(), position, after.as_deref()],
        )?;
        crate::audit::record(
            ex,
            &crate::audit::Change {
                actor,
                action: "update",
                entity: "meeting_item",
                key: &format!("{}:{position}", m.id),
                before: before.map(|b| serde_json::json!({ "figures": b })),
                after: after.map(|a| serde_json::json!({ "figures": a })),
            },
        )?;
    }
    Ok(())
}

/// Returns the meetings of the teams the viewer may see, newest first, at most `limit`.
pub fn list(ex: &mut impl Executor, viewer: &Viewer, limit: i64) -> Result<Vec<Meeting>, Fail> {
    let mut args: Vec<Value> = Vec::new();
    let scope = viewer.people().sql("m.team_manager_id", &mut args);
    let own = own_manager(ex, viewer)?;
    let filter = match own {
        Some(mgr) => {
            args.push(mgr.into());
            format!("({scope} OR m.team_manager_id = ${})", args.len())
        }
        None => scope,
    };
    let mut out = Vec::new();
    for r in ex.query(
        &format!(
            "SELECT m.meeting_id, m.team_manager_id, COALESCE(p.name, m.team_manager_id), m.date,
                    m.title, m.cadence, m.status, m.notes
             FROM meetings m LEFT JOIN people p ON p.person_id = m.team_manager_id
             WHERE {filter} ORDER BY m.date DESC, m.meeting_id LIMIT {limit}"
        ),
        &args,
    )? {
        out.push(Meeting {
            id: r.string(0)?,
            manager_id: r.string(1)?,
            manager_name: r.string(2)?,
            date: r.date(3)?,
            title: r.string(4)?,
            cadence: r.opt_string(5)?.unwrap_or_default(),
            status: r.string(6)?,
            notes: r.opt_string(7)?.unwrap_or_default(),
        });
    }
    Ok(out)
}

/// Fills the empty figures of each team's latest meeting, as of its date (`attain demo`, whose
/// generated meetings carry none); audited per meeting. Returns the meetings filled.
pub fn fill_latest(
    ex: &mut impl Executor,
    company: &Company,
    actor: &str,
    today: Date,
) -> Result<usize, Fail> {
    let mut latest = Vec::new();
    for r in ex.query(
        "SELECT m.meeting_id, m.team_manager_id, m.date FROM meetings m
         WHERE m.date = (SELECT MAX(n.date) FROM meetings n
                         WHERE n.team_manager_id = m.team_manager_id)
         ORDER BY m.meeting_id",
        &[],
    )? {
        latest.push((r.string(0)?, r.string(1)?, r.date(2)?));
    }
    let mut filled = 0;
    for (id, manager, date) in latest {
        let mut people = Vec::new();
        for r in ex.query(
            "SELECT position, person_id FROM meeting_items
             WHERE meeting_id = $1 AND section = 'information_gathering'
               AND person_id IS NOT NULL AND figures IS NULL",
            params![id.as_str()],
        )? {
            people.push((r.int(0)?, r.string(1)?));
        }
        if people.is_empty() {
            continue;
        }
        let ids: Vec<String> = people.iter().map(|p| p.1.clone()).collect();
        let from = since(ex, &manager, date)?;
        let figs = figures(ex, company, &ids, from, date, today)?;
        for (position, person) in &people {
            ex.execute(
                "UPDATE meeting_items SET figures = $3 WHERE meeting_id = $1 AND position = $2",
                params![id.as_str(), *position, figs.get(person).map(to_json)],
            )?;
        }
        crate::audit::record(
            ex,
            &crate::audit::Change {
                actor,
                action: "update",
                entity: "meeting",
                key: &id,
                before: None,
                after: Some(serde_json::json!({ "figures_filled": people.len() })),
            },
        )?;
        filled += 1;
    }
    Ok(filled)
}
