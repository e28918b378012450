//! Reads and computes scorecards (docs/scorecards.md): each person's job expectations measured
//! over their period grids through `attain_domain::pipeline::scorecard`, on the records read by
//! the snapshot loader plus the objectives, credited actuals and coaching sessions of the years
//! involved.

use crate::error::Fail;
use crate::pages::Company;
use crate::snapshot::{Member, load};
use attain_domain::pipeline::scorecard::{Extras, Row, grid};
use attain_domain::pipeline::snapshot::CoverageInputs;
use attain_domain::pipeline::{Book, Period, PeriodKind};
use attain_domain::vocab::Per;
use attain_domain::{Date, Money};
use attain_store::{Executor, Value};
use std::collections::{BTreeSet, HashMap};

/// A job description's heading.
#[derive(Debug, Clone)]
pub struct JobHead {
    /// `job_id`.
    pub id: String,
    /// `title`.
    pub title: String,
    /// `mission`.
    pub mission: String,
}

/// A person's scorecard.
pub struct Card {
    /// Who.
    pub member: Member,
    /// Their job (none without a `job_id`).
    pub job: Option<JobHead>,
    /// One row per expectation.
    pub rows: Vec<Row>,
}

impl Card {
    /// Counts the expectations met and measured in their last complete period.
    pub fn met_count(&self) -> (usize, usize) {
        let last: Vec<_> = self.rows.iter().filter_map(Row::last_complete).collect();
        (
            last.iter().filter(|c| c.met == Some(true)).count(),
            last.iter().filter(|c| c.met.is_some()).count(),
        )
    }
}

fn marks(args: &mut Vec<Value>, ids: &[String]) -> String {
    let mut m = Vec::with_capacity(ids.len());
    for id in ids {
        args.push(Value::Text(id.clone()));
        m.push(format!("${}", args.len()));
    }
    if m.is_empty() {
        "NULL".into()
    } else {
        m.join(", ")
    }
}

/// Per person, fiscal year and metric: the amounts of each fiscal month.
type Monthly = HashMap<(String, i32, String), Vec<(u32, Money)>>;

/// Computes the scorecards of `ids` (in name order) as of `today`.
pub fn cards(
    ex: &mut impl Executor,
    company: &Company,
    ids: &[String],
    today: Date,
) -> Result<Vec<Card>, Fail> {
    let cal = company.calendar;
    let mut args = Vec::new();
    let list = marks(&mut args, ids);
    // The jobs' headings and the grids their expectations need.
    let mut job_of: HashMap<String, String> = HashMap::new();
    for r in ex.query(
        &format!("SELECT person_id, job_id FROM people WHERE person_id IN ({list})"),
        &args,
    )? {
        if let Some(j) = r.opt_string(1)? {
            job_of.insert(r.string(0)?, j);
        }
    }
    let mut heads: HashMap<String, JobHead> = HashMap::new();
    let mut pers: BTreeSet<&'static str> = BTreeSet::new();
    for r in ex.query(
        &format!(
            "SELECT j.job_id, j.title, j.mission, j.per FROM jobs j
             WHERE j.job_id IN (SELECT job_id FROM people WHERE person_id IN ({list}))"
        ),
        &args,
    )? {
        if let Ok(per) = Per::parse(r.text(3)?) {
            pers.insert(per.as_str());
        }
        let id = r.string(0)?;
        heads.entry(id.clone()).or_insert(JobHead {
            id,
            title: r.string(1)?,
            mission: r.opt_string(2)?.unwrap_or_default(),
        });
    }
    let start = pers
        .iter()
        .filter_map(|p| Per::parse(p).ok())
        .filter_map(|p| grid(p, today, &cal).first().map(|x| x.start))
        .min()
        .unwrap_or(today);
    let end = Period::containing(PeriodKind::Year, today, &cal).end;
    // The records of the whole span: one snapshot load over it.
    let span = Period {
        kind: PeriodKind::Week,
        start,
        end,
    };
    let loaded = load(ex, company, ids, span, today)?;

    // Objectives and credited actuals of every fiscal year of the span, by metric.
    let years: Vec<String> = (cal.fiscal_of(start).0..=cal.fiscal_of(end).0)
        .map(|y| y.to_string())
        .collect();
    let year_list = years.join(", ");
    let mut objectives: Monthly = HashMap::new();
    for r in ex.query(
        &format!(
            "SELECT scope_id, year, month, metric, amount FROM targets
             WHERE scope = 'person' AND scope_id IN ({list})"
        ),
        &args,
    )? {
        let y = r.int(1)? as i32;
        if !years.contains(&y.to_string()) {
            continue;
        }
        objectives
            .entry((r.string(0)?, y, r.string(3)?))
            .or_default()
            .push((r.int(2)? as u32, Money::from_cents(r.int(4)?)));
    }
    let mut credited: Monthly = HashMap::new();
    for r in ex.query(
        &format!(
            "SELECT person_id, year, month, metric, credited FROM result_credits
             WHERE year IN ({year_list}) AND person_id IN ({list})"
        ),
        &args,
    )? {
        credited
            .entry((r.string(0)?, r.int(1)? as i32, r.string(3)?))
            .or_default()
            .push((r.int(2)? as u32, Money::from_cents(r.int(4)?)));
    }
    // Coaching sessions given, by coach and date.
    let mut coached: HashMap<String, Vec<Date>> = HashMap::new();
    {
        let mut cargs = args.clone();
        cargs.push(start.into());
        let n = cargs.len();
        for r in ex.query(
            &format!(
                "SELECT coach_id, date FROM coaching_sessions
                 WHERE coach_id IN ({list}) AND date >= ${n}"
            ),
            &cargs,
        )? {
            coached.entry(r.string(0)?).or_default().push(r.date(1)?);
        }
    }

    // Σ of the fiscal months of `y` from `from` to `to` (inclusive).
    let sum = |m: &Monthly, id: &str, y: i32, metric: &str, from: u32, to: u32| -> Money {
        m.get(&(id.to_owned(), y, metric.to_owned()))
            .map(|v| {
                v.iter()
                    .filter(|(mm, _)| (from..=to).contains(mm))
                    .map(|(_, a)| *a)
                    .sum()
            })
            .unwrap_or_default()
    };
    let empty = Book::default();
    let mut out = Vec::new();
    for member in &loaded.people {
        let id = member.id.as_str();
        let book = loaded.books.get(id).unwrap_or(&empty);
        let exps = loaded
            .inputs
            .get(id)
            .map(|i| i.expectations.clone())
            .unwrap_or_default();
        let extras = |p: &Period| {
            let as_of = p.as_of(today);
            let (y, m) = cal.fiscal_of(as_of);
            let coverage = CoverageInputs {
                year_end: Some(cal.year_bounds(y).1),
                objective: sum(&objectives, id, y, "bookings", 1, 12),
                booked: sum(&credited, id, y, "bookings", 1, m),
            };
            // Attainment over whole fiscal months: a week is not measured.
            let months = (p.kind != PeriodKind::Week).then(|| {
                let (y0, m0) = cal.fiscal_of(p.start);
                let (_, m1) = cal.fiscal_of(p.end);
                (y0, m0, m1)
            });
            let att = |metric: &str| {
                months.map(|(y0, m0, m1)| {
                    (
                        sum(&credited, id, y0, metric, m0, m1),
                        sum(&objectives, id, y0, metric, m0, m1),
                    )
                })
            };
            Extras {
                coverage,
                attainment: [att("bookings"), att("revenue"), att("margin")],
                coaching_sessions: Some(
                    coached
                        .get(id)
                        .map_or(0, |v| v.iter().filter(|d| p.contains(**d)).count() as i64),
                ),
            }
        };
        let rows = exps
            .into_iter()
            .map(|e| Row::measure(e, book, &loaded.stages, today, &cal, extras))
            .collect();
        let job = job_of.get(id).and_then(|j| heads.get(j)).cloned();
        out.push(Card {
            member: member.clone(),
            job,
            rows,
        });
    }
    Ok(out)
}
