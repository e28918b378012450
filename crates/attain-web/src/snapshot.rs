//! Reads what the pipeline snapshots compute from (docs/pipeline.md): the stages, a set of
//! people's opportunities with their stage history and activities over a period and the one
//! before it, their bookings objectives and credited bookings, and their jobs' expectations.
//! Pages, API and CSV all compute through `attain_domain::pipeline` from what this returns.

use crate::error::Fail;
use crate::pages::Company;
use attain_domain::pipeline::snapshot::{
    CoverageInputs, Expectation, Forecast, forecast, median, period_objective,
};
use attain_domain::pipeline::{
    Activity, Book, Opportunity, OutlierRules, Outliers, Period, PeriodKind, Snapshot,
    SnapshotInputs, StageDef, StageEntry, Stages,
};
use attain_domain::vocab::{ActivityType, Comparison, ForecastCategory, JobMetric, Outcome, Per};
use attain_domain::{Date, Money, Ratio, parse_date};
use attain_store::{Executor, Store, Value};
use std::collections::{BTreeSet, HashMap};

/// The `period` and `date` of a snapshot request.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct PeriodQuery {
    /// `week`, `month` (default) or `quarter`.
    #[serde(default)]
    pub period: String,
    /// A day in the period (default today), `YYYY-MM-DD`.
    #[serde(default)]
    pub date: String,
}

impl PeriodQuery {
    /// Returns the period asked for, or a sentence saying what is wrong.
    pub fn period(&self, company: &Company, today: Date) -> Result<Period, Fail> {
        let kind = match self.period.as_str() {
            "" => PeriodKind::Month,
            s => PeriodKind::parse(s).ok_or_else(|| {
                Fail::BadRequest(format!("period '{s}' is not one of week, month, quarter."))
            })?,
        };
        let date = match self.date.as_str() {
            "" => today,
            s => parse_date(s).map_err(|e| Fail::BadRequest(format!("date: {e}.")))?,
        };
        Ok(Period::containing(kind, date, &company.calendar))
    }
}

/// Someone whose snapshot is shown.
#[derive(Debug, Clone)]
pub struct Member {
    /// `person_id`.
    pub id: String,
    /// `name`.
    pub name: String,
    /// `role`.
    pub role: String,
}

/// Everything the snapshots of a set of people are computed from.
pub struct Loaded {
    /// The stages table (the defaults when empty).
    pub stages: Stages,
    /// The people, by name.
    pub people: Vec<Member>,
    /// Each person's records.
    pub books: HashMap<String, Book>,
    /// Each person's inputs.
    pub inputs: HashMap<String, SnapshotInputs>,
    /// Each person's monthly bookings objectives `(month start, month end, amount)`.
    pub monthly: HashMap<String, Vec<(Date, Date, Money)>>,
    /// The period.
    pub period: Period,
    /// Today.
    pub today: Date,
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

/// Reads the stages table, or the defaults of dataset.md when it is empty.
pub fn load_stages(ex: &mut impl Executor) -> Result<Stages, Fail> {
    let mut list = Vec::new();
    for r in ex.query("SELECT stage, position, outcome FROM stages", &[])? {
        list.push(StageDef {
            name: r.string(0)?,
            position: r.int(1)?,
            outcome: Outcome::parse(r.text(2)?).unwrap_or(Outcome::Open),
        });
    }
    Ok(if list.is_empty() {
        Stages::defaults()
    } else {
        Stages::new(list)
    })
}

/// Reads the records and inputs of `ids` for period `p` and the period before it.
pub fn load(
    ex: &mut impl Executor,
    company: &Company,
    ids: &[String],
    p: Period,
    today: Date,
) -> Result<Loaded, Fail> {
    load_with(ex, None, Ids::Kept, company, ids, p, today)
}

/// [`load`] for the team view, which counts activities and never lists them: activities are
/// read without their ids (from the `(person_id, date, type)` index alone), and the records
/// of half the people are read on a second connection of `store` at the same time when one is
/// idle (a team's records are most of a snapshot's time).
pub fn load_team(
    ex: &mut impl Executor,
    store: &Store,
    company: &Company,
    ids: &[String],
    p: Period,
    today: Date,
) -> Result<Loaded, Fail> {
    load_with(ex, Some(store), Ids::Dropped, company, ids, p, today)
}

/// Whether activities are read with their ids.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Ids {
    /// With them, for pages that list activities.
    Kept,
    /// Without (each activity's `id` is empty), for figures only.
    Dropped,
}

fn load_with(
    ex: &mut impl Executor,
    store: Option<&Store>,
    activity_ids: Ids,
    company: &Company,
    ids: &[String],
    p: Period,
    today: Date,
) -> Result<Loaded, Fail> {
    let cal = company.calendar;
    let stages = load_stages(ex)?;
    let prev = p.previous(&cal);
    let from = prev.start;
    let mut people = Vec::new();
    let mut jobs: HashMap<String, String> = HashMap::new();
    let mut args = Vec::new();
    let list = marks(&mut args, ids);
    for r in ex.query(
        &format!("SELECT person_id, name, role, job_id FROM people WHERE person_id IN ({list}) ORDER BY name, person_id"),
        &args,
    )? {
        let id = r.string(0)?;
        if let Some(j) = r.opt_string(3)? {
            jobs.insert(id.clone(), j);
        }
        people.push(Member { id, name: r.string(1)?, role: r.string(2)? });
    }
    let second = store.filter(|_| ids.len() >= 2).and_then(Store::try_conn);
    let books = match second {
        Some(mut other) => {
            let (mine, theirs) = ids.split_at(ids.len() / 2);
            std::thread::scope(|s| {
                let half =
                    s.spawn(|| load_books(&mut other, &stages, theirs, from, p.end, activity_ids));
                let mut books = load_books(ex, &stages, mine, from, p.end, activity_ids)?;
                let rest = half.join().map_err(|_| {
                    Fail::Internal("reading half the team's records failed".into())
                })??;
                books.extend(rest);
                Ok::<_, Fail>(books)
            })?
        }
        None => load_books(ex, &stages, ids, from, p.end, activity_ids)?,
    };

    // Objectives and credited bookings of the fiscal years involved.
    let as_of = p.as_of(today);
    let prev_as_of = prev.as_of(today);
    let years: BTreeSet<i32> = [p.start, p.end, as_of, prev_as_of, prev.start]
        .iter()
        .map(|d| cal.fiscal_of(*d).0)
        .collect();
    let year_list = years
        .iter()
        .map(|y| y.to_string())
        .collect::<Vec<_>>()
        .join(", ");
    let mut monthly: HashMap<String, Vec<(Date, Date, Money)>> = HashMap::new();
    let mut yearly: HashMap<(String, i32), Money> = HashMap::new();
    for r in ex.query(
        &format!(
            "SELECT scope_id, year, month, amount FROM targets
             WHERE scope = 'person' AND metric = 'bookings' AND scope_id IN ({list})"
        ),
        &args,
    )? {
        let (id, y, m, a) = (
            r.string(0)?,
            r.int(1)? as i32,
            r.int(2)? as u32,
            Money::from_cents(r.int(3)?),
        );
        // The years are filtered here: in SQL, the index on (year, metric) would be preferred
        // to the key (scope, scope_id, …) and read every person's targets of the year.
        if !(1..=12).contains(&m) || !years.contains(&y) {
            continue;
        }
        *yearly.entry((id.clone(), y)).or_default() += a;
        monthly
            .entry(id)
            .or_default()
            .push((cal.month_start(y, m), cal.month_end(y, m), a));
    }
    let mut credited: HashMap<(String, i32), Vec<(u32, Money)>> = HashMap::new();
    for r in ex.query(
        &format!(
            "SELECT person_id, year, month, credited FROM result_credits
             WHERE metric = 'bookings' AND year IN ({year_list}) AND person_id IN ({list})"
        ),
        &args,
    )? {
        credited
            .entry((r.string(0)?, r.int(1)? as i32))
            .or_default()
            .push((r.int(2)? as u32, Money::from_cents(r.int(3)?)));
    }
    let coverage_at = |id: &str, d: Date| {
        let (y, m) = cal.fiscal_of(d);
        let key = (id.to_owned(), y);
        CoverageInputs {
            year_end: Some(cal.year_bounds(y).1),
            objective: yearly.get(&key).copied().unwrap_or_default(),
            booked: credited
                .get(&key)
                .map(|v| v.iter().filter(|(mm, _)| *mm <= m).map(|(_, a)| *a).sum())
                .unwrap_or_default(),
        }
    };

    // The jobs' expectations.
    let job_ids: Vec<String> = jobs
        .values()
        .cloned()
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let mut expectations: HashMap<String, Vec<Expectation>> = HashMap::new();
    let mut jargs = Vec::new();
    let jlist = marks(&mut jargs, &job_ids);
    for r in ex.query(
        &format!("SELECT job_id, metric, comparison, threshold, per FROM jobs WHERE job_id IN ({jlist}) ORDER BY job_id, metric"),
        &jargs,
    )? {
        let (Ok(metric), Ok(comparison), Ok(per)) = (
            JobMetric::parse(r.text(1)?),
            Comparison::parse(r.text(2)?),
            Per::parse(r.text(4)?),
        ) else {
            continue;
        };
        expectations.entry(r.string(0)?).or_default().push(Expectation {
            metric,
            comparison,
            threshold: Ratio::from_micros(r.int(3)?),
            per,
        });
    }
    let inputs = ids
        .iter()
        .map(|id| {
            let exp = jobs
                .get(id)
                .and_then(|j| expectations.get(j))
                .cloned()
                .unwrap_or_default();
            (
                id.clone(),
                SnapshotInputs {
                    period: p,
                    previous: prev,
                    today,
                    coverage: coverage_at(id, as_of),
                    previous_coverage: coverage_at(id, prev_as_of),
                    expectations: exp,
                    rules: OutlierRules::default(),
                },
            )
        })
        .collect();
    Ok(Loaded {
        stages,
        people,
        books,
        inputs,
        monthly,
        period: p,
        today,
    })
}

/// One person's computed snapshot, with their outlier marks.
pub struct Computed {
    /// Who.
    pub member: Member,
    /// The figures.
    pub snapshot: Snapshot,
    /// The marks against the team.
    pub outliers: Outliers,
    /// The person's forecast of the period.
    pub forecast: Forecast,
    /// The person's bookings objective of the period.
    pub objective: Money,
}

impl Loaded {
    /// Computes every person's snapshot; outliers are marked against these people's median.
    /// Half the people are computed on a second thread.
    pub fn compute(&self) -> Vec<Computed> {
        let empty = Book::default();
        let one = |m: &Member| {
            let inputs = self.inputs.get(&m.id)?;
            let book = self.books.get(&m.id).unwrap_or(&empty);
            let objective = self
                .monthly
                .get(&m.id)
                .map(|o| period_objective(o, &self.period))
                .unwrap_or_default();
            Some((
                m.clone(),
                Snapshot::compute(book, &self.stages, inputs),
                forecast(book, &self.stages, &self.period, self.today),
                objective,
            ))
        };
        let (mine, theirs) = self.people.split_at(self.people.len() / 2);
        let snaps: Vec<_> = std::thread::scope(|s| {
            let half = s.spawn(|| theirs.iter().filter_map(one).collect::<Vec<_>>());
            let mut snaps: Vec<_> = mine.iter().filter_map(one).collect();
            match half.join() {
                Ok(rest) => snaps.extend(rest),
                Err(e) => std::panic::resume_unwind(e),
            }
            snaps
        });
        let mut counts: Vec<i64> = snaps
            .iter()
            .map(|(_, s, _, _)| s.current.activities)
            .collect();
        let med = median(&mut counts);
        let rules = OutlierRules::default();
        snaps
            .into_iter()
            .map(|(member, snapshot, forecast, objective)| Computed {
                outliers: Outliers::of(&snapshot, med, &rules),
                forecast,
                objective,
                member,
                snapshot,
            })
            .collect()
    }
}

/// Reads the opportunities, their stage history and the activities of `ids` that matter to the
/// periods from `from` to `end`, each person's book sorted.
fn load_books(
    ex: &mut impl Executor,
    stages: &Stages,
    ids: &[String],
    from: Date,
    end: Date,
    activity_ids: Ids,
) -> Result<HashMap<String, Book>, Fail> {
    let mut args = Vec::new();
    let list = marks(&mut args, ids);
    let mut books: HashMap<String, Book> =
        ids.iter().map(|i| (i.clone(), Book::default())).collect();

    // Opportunities that matter to the two periods: those closing (or closed) since the
    // previous period began, through `opportunities (owner_id, close_date)`, and those still
    // open with an earlier close date (overdue), through `opportunities (owner_id, stage)`.
    let open: Vec<String> = stages.open().map(|s| s.name.clone()).collect();
    let mut closing = args.clone();
    closing.push(from.into());
    let f = closing.len();
    let mut overdue = closing.clone();
    let open_list = marks(&mut overdue, &open);
    let mut index: HashMap<String, (String, usize)> = HashMap::new();
    for (window, oargs) in [
        (
            format!("owner_id IN ({list}) AND close_date >= ${f}"),
            closing,
        ),
        (
            format!("owner_id IN ({list}) AND stage IN ({open_list}) AND close_date < ${f}"),
            overdue,
        ),
    ] {
        ex.for_each_row(
            &format!(
                "SELECT opportunity_id, owner_id, name, stage, amount, created_date, close_date,
                        forecast_category
                 FROM opportunities WHERE {window}"
            ),
            &oargs,
            |r| -> Result<(), Fail> {
                let owner = r.text(1)?;
                let Some(b) = books.get_mut(owner) else {
                    return Ok(());
                };
                let stage = r.text(3)?.to_owned();
                let forecast = r
                    .opt_text(7)?
                    .and_then(|c| ForecastCategory::parse(c).ok())
                    .unwrap_or_else(|| stages.outcome(&stage).default_forecast_category());
                let id = r.text(0)?.to_owned();
                index.insert(id.clone(), (owner.to_owned(), b.opportunities.len()));
                b.opportunities.push(Opportunity {
                    id,
                    name: r.text(2)?.to_owned(),
                    stage,
                    amount: Money::from_cents(r.int(4)?),
                    created: r.date(5)?,
                    close: r.date(6)?,
                    forecast,
                    history: Vec::new(),
                });
                Ok(())
            },
        )?;
    }
    // Their stage history by key, a thousand opportunities a statement: with a join, or with
    // 8,000 keys in one list, PostgreSQL's planner reads the whole history table.
    // In key order, so that each batch reads one part of the key's index.
    let mut opp_ids: Vec<String> = index.keys().cloned().collect();
    opp_ids.sort_unstable();
    for chunk in opp_ids.chunks(1000) {
        let mut hargs = Vec::with_capacity(chunk.len());
        let hlist = marks(&mut hargs, chunk);
        ex.for_each_row(
            &format!(
                "SELECT opportunity_id, stage, entered_date FROM stage_history
                 WHERE opportunity_id IN ({hlist})"
            ),
            &hargs,
            |r| -> Result<(), Fail> {
                if let Some((owner, i)) = index.get(r.text(0)?)
                    && let Some(b) = books.get_mut(owner)
                {
                    b.opportunities[*i].history.push(StageEntry {
                        stage: r.text(1)?.to_owned(),
                        entered: r.date(2)?,
                    });
                }
                Ok(())
            },
        )?;
    }
    let mut aargs = args.clone();
    aargs.push(from.into());
    aargs.push(end.into());
    let n = aargs.len();
    let id_column = match activity_ids {
        Ids::Kept => "activity_id",
        Ids::Dropped => "''",
    };
    ex.for_each_row(
        &format!(
            "SELECT person_id, {id_column}, date, type FROM activities
             WHERE person_id IN ({list}) AND date >= ${} AND date <= ${n}",
            n - 1
        ),
        &aargs,
        |r| -> Result<(), Fail> {
            if let Some(b) = books.get_mut(r.text(0)?) {
                b.activities.push(Activity {
                    id: r.text(1)?.to_owned(),
                    date: r.date(2)?,
                    kind: ActivityType::parse(r.text(3)?).unwrap_or(ActivityType::Other),
                });
            }
            Ok(())
        },
    )?;
    for b in books.values_mut() {
        b.sort_histories(stages);
    }
    Ok(books)
}
