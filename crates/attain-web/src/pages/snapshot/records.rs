//! The records behind a figure of a person's snapshot: the activities or opportunities the
//! figure's selector in `attain_domain::pipeline` returns, nothing else.

use super::{period_label, period_qs, today};
use crate::error::{Fail, PageResult};
use crate::fmt::money;
use crate::pages::{Chrome, Company, render};
use crate::snapshot::{Loaded, PeriodQuery, load};
use crate::{AppState, Viewer};
use askama::Template;
use attain_domain::pipeline::*;
use attain_domain::vocab::{ActivityType, ForecastCategory, Outcome};
use attain_store::{Executor, Value};
use axum::extract::{Path, Query, State};
use std::collections::HashMap;

/// The query of the records page.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct RecordsQuery {
    /// Which figure.
    #[serde(default)]
    pub figure: String,
    /// `week`, `month` or `quarter`.
    #[serde(default)]
    pub period: String,
    /// A day in the period.
    #[serde(default)]
    pub date: String,
    /// A stage (pipeline, conversion, days in stage).
    #[serde(default)]
    pub stage: String,
    /// An activity type.
    #[serde(default, rename = "type")]
    pub kind: String,
    /// A forecast category.
    #[serde(default)]
    pub category: String,
}

/// The figures whose records can be listed, with their titles.
pub const FIGURES: &[(&str, &str)] = &[
    ("activities", "Activities in the period"),
    ("new_opportunities", "Opportunities created in the period"),
    ("moved_forward", "Stage changes forward in the period"),
    ("moved_back", "Stage changes back in the period"),
    ("pipeline", "Open pipeline at the as-of day"),
    ("won", "Deals won in the period"),
    ("lost", "Deals lost in the period"),
    ("closed", "Deals closed in the period (the win rate)"),
    ("conversion", "Stage conversion cohorts of the period"),
    ("days_in_stage", "Stays in a stage that ended in the period"),
    (
        "coverage",
        "Open pipeline closing in the rest of the fiscal year",
    ),
    (
        "stalled",
        "Open deals with no stage change for more than 30 days",
    ),
];

/// One record behind a figure.
#[derive(Debug, Clone)]
pub struct Record {
    /// `opportunity` or `activity`.
    pub kind: &'static str,
    /// Its id.
    pub id: String,
    /// Name or subject.
    pub name: String,
    /// A date (created, activity date or stage entry).
    pub date: String,
    /// Stage now, or the activity type.
    pub stage: String,
    /// The amount (opportunities).
    pub amount: String,
    /// Why it counts.
    pub note: String,
    /// The account page, when known.
    pub account: Option<(String, String)>,
}

#[derive(Template)]
#[template(path = "snapshot_records.html")]
struct RecordsPage {
    chrome: Chrome,
    id: String,
    name: String,
    title: String,
    period: String,
    back: String,
    records: Vec<Record>,
}

/// The records behind a figure: opportunities with why each counts, and activities.
pub type Selected<'a> = (Vec<(&'a Opportunity, String)>, Vec<&'a Activity>);

/// Returns the records behind a figure (opportunities as `(opportunity, note)` pairs, activities
/// as activities).
pub fn select<'a>(l: &'a Loaded, book: &'a Book, q: &RecordsQuery) -> Result<Selected<'a>, Fail> {
    let p = &l.period;
    let s = &l.stages;
    let as_of = p.as_of(l.today);
    let mut opps: Vec<(&Opportunity, String)> = Vec::new();
    let mut acts = Vec::new();
    let note = |o: &Opportunity| format!("closes {}", o.close);
    match q.figure.as_str() {
        "activities" => {
            let kind = match q.kind.as_str() {
                "" => None,
                k => Some(
                    ActivityType::parse(k).map_err(|e| Fail::BadRequest(format!("type: {e}.")))?,
                ),
            };
            acts = activities_in(book, p, kind).collect();
        }
        "new_opportunities" => {
            opps = created_in(book, p)
                .map(|o| (o, format!("created {}", o.created)))
                .collect()
        }
        "moved_forward" | "moved_back" => {
            let dir = if q.figure == "moved_forward" {
                Direction::Forward
            } else {
                Direction::Back
            };
            opps = moves(book, s, p, dir)
                .into_iter()
                .map(|(o, e)| (o, format!("entered {} on {}", e.stage, e.entered)))
                .collect();
        }
        "pipeline" => {
            opps = open_on(book, s, as_of)
                .filter(|o| q.stage.is_empty() || stage_at(o, s, as_of) == Some(q.stage.as_str()))
                .filter(|o| {
                    q.category.is_empty()
                        || ForecastCategory::parse(&q.category).is_ok_and(|c| open_category(o) == c)
                })
                .map(|o| {
                    (
                        o,
                        format!("{} on {as_of}", stage_at(o, s, as_of).unwrap_or("")),
                    )
                })
                .collect();
        }
        "won" => {
            opps = closed_in(book, s, p, Outcome::Won)
                .map(|o| (o, format!("won {}", o.close)))
                .collect()
        }
        "lost" => {
            opps = closed_in(book, s, p, Outcome::Lost)
                .map(|o| (o, format!("lost {}", o.close)))
                .collect()
        }
        "closed" => {
            opps = closed_in(book, s, p, Outcome::Won)
                .chain(closed_in(book, s, p, Outcome::Lost))
                .map(|o| (o, format!("{} {}", s.outcome(&o.stage), o.close)))
                .collect();
        }
        "conversion" => {
            for step in s.ladder() {
                if !q.stage.is_empty() && step.name != q.stage {
                    continue;
                }
                for (o, went) in conversion_cohort(book, s, p, &step.name) {
                    let verb = if went { "went on" } else { "did not go on" };
                    opps.push((o, format!("reached {}; {verb}", step.name)));
                }
            }
        }
        "days_in_stage" => {
            for st in s.open() {
                if !q.stage.is_empty() && st.name != q.stage {
                    continue;
                }
                for (o, d) in stays(book, s, p, &st.name) {
                    opps.push((o, format!("{d} days in {}", st.name)));
                }
            }
        }
        "coverage" => {
            let end = l
                .inputs
                .values()
                .next()
                .and_then(|i| i.coverage.year_end)
                .unwrap_or(as_of);
            opps = closing_by(book, s, as_of, end)
                .map(|o| (o, note(o)))
                .collect();
        }
        "stalled" => {
            let rules = OutlierRules::default();
            opps = stalled(book, s, as_of, rules.stall_days)
                .map(|o| (o, format!("last stage change {}", last_change(o, as_of))))
                .collect();
        }
        other => {
            return Err(Fail::BadRequest(format!(
                "figure '{other}' is not one of {}.",
                FIGURES
                    .iter()
                    .map(|(k, _)| *k)
                    .collect::<Vec<_>>()
                    .join(", ")
            )));
        }
    }
    Ok((opps, acts))
}

/// Shows the records behind a figure, or 404 when the person is not the viewer's to see.
pub async fn show_records(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(person_id): Path<String>,
    Query(q): Query<RecordsQuery>,
) -> PageResult {
    if !viewer.can_see_person(&person_id) {
        return Err(Fail::NotFound.into());
    }
    Ok(state
        .blocking(move |store| -> Result<_, Fail> {
            let mut conn = store.conn()?;
            let company = Company::load(&mut conn)?;
            let pq = PeriodQuery {
                period: q.period.clone(),
                date: q.date.clone(),
            };
            let p = pq.period(&company, today())?;
            let l = load(
                &mut conn,
                &company,
                std::slice::from_ref(&person_id),
                p,
                today(),
            )?;
            let member = l.people.first().cloned().ok_or(Fail::NotFound)?;
            let empty = Book::default();
            let book = l.books.get(&person_id).unwrap_or(&empty);
            let (opps, acts) = select(&l, book, &q)?;
            let records = records(&mut conn, &company, &opps, &acts)?;
            let title = FIGURES
                .iter()
                .find(|(k, _)| *k == q.figure)
                .map_or("", |(_, t)| t);
            let detail = [
                ("stage", &q.stage),
                ("type", &q.kind),
                ("category", &q.category),
            ]
            .iter()
            .filter(|(_, v)| !v.is_empty())
            .map(|(k, v)| format!("{k} {}", v.replace('_', " ")))
            .collect::<Vec<_>>()
            .join(", ");
            render(&RecordsPage {
                chrome: Chrome::new(
                    &viewer,
                    &company,
                    format!("Records · {}", member.name),
                    "pipeline",
                    "snapshot",
                ),
                back: format!("/pipeline/snapshot/{person_id}{}", period_qs(&p, &[])),
                id: person_id,
                name: member.name,
                title: if detail.is_empty() {
                    title.to_owned()
                } else {
                    format!("{title}: {detail}")
                },
                period: period_label(&p, &company),
                records,
            })
        })
        .await?)
}

/// Turns selected records into rows, reading their accounts and subjects.
pub fn records(
    ex: &mut impl Executor,
    company: &Company,
    opps: &[(&Opportunity, String)],
    acts: &[&Activity],
) -> Result<Vec<Record>, Fail> {
    let mut accounts: HashMap<String, (String, String)> = HashMap::new();
    let mut subjects: HashMap<String, String> = HashMap::new();
    for chunk in opps.chunks(500) {
        let args: Vec<Value> = chunk
            .iter()
            .map(|(o, _)| Value::Text(o.id.clone()))
            .collect();
        let marks = (1..=args.len())
            .map(|i| format!("${i}"))
            .collect::<Vec<_>>()
            .join(", ");
        for r in ex.query(
            &format!(
                "SELECT o.opportunity_id, a.account_id, a.name FROM opportunities o
                 JOIN accounts a ON a.account_id = o.account_id WHERE o.opportunity_id IN ({marks})"
            ),
            &args,
        )? {
            accounts.insert(r.string(0)?, (r.string(1)?, r.string(2)?));
        }
    }
    for chunk in acts.chunks(500) {
        let args: Vec<Value> = chunk.iter().map(|a| Value::Text(a.id.clone())).collect();
        let marks = (1..=args.len())
            .map(|i| format!("${i}"))
            .collect::<Vec<_>>()
            .join(", ");
        for r in ex.query(
            &format!(
                "SELECT v.activity_id, v.subject, a.account_id, a.name FROM activities v
                 LEFT JOIN accounts a ON a.account_id = v.account_id WHERE v.activity_id IN ({marks})"
            ),
            &args,
        )? {
            let id = r.string(0)?;
            subjects.insert(id.clone(), r.opt_string(1)?.unwrap_or_default());
            if let (Some(a), Some(n)) = (r.opt_string(2)?, r.opt_string(3)?) {
                accounts.insert(id, (a, n));
            }
        }
    }
    let mut out: Vec<Record> = opps
        .iter()
        .map(|(o, note)| Record {
            kind: "opportunity",
            id: o.id.clone(),
            name: o.name.clone(),
            date: o.created.to_string(),
            stage: o.stage.replace('_', " "),
            amount: money(o.amount, &company.currency).text,
            note: note.clone(),
            account: accounts.get(&o.id).cloned(),
        })
        .collect();
    out.extend(acts.iter().map(|a| Record {
        kind: "activity",
        id: a.id.clone(),
        name: subjects.get(&a.id).cloned().unwrap_or_default(),
        date: a.date.to_string(),
        stage: a.kind.as_str().replace('_', " "),
        amount: String::new(),
        note: String::new(),
        account: accounts.get(&a.id).cloned(),
    }));
    Ok(out)
}
