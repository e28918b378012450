//! The training catalogue, who registered for, attended or completed each session, and each
//! person's gaps: the trainings their job requires (`job_trainings`) that they have not
//! completed. Attending is not completing: an attended session is still a gap.

use attain_domain::{Date, Ratio};
use attain_store::{Executor, StoreError, Value, params};
use std::collections::{BTreeMap, BTreeSet};

/// A training session of the catalogue.
#[derive(Debug, Clone)]
pub struct Training {
    /// Its id.
    pub training_id: String,
    /// Its title.
    pub title: String,
    /// `sales_technique`, `product` or `customer_market`.
    pub kind: String,
    /// When it is held.
    pub date: Option<Date>,
    /// How long, in hours.
    pub hours: Option<Ratio>,
    /// What it covers.
    pub description: Option<String>,
}

/// Returns the catalogue, by kind then date then id.
pub fn catalogue(ex: &mut impl Executor) -> Result<Vec<Training>, StoreError> {
    ex.query(
        "SELECT training_id, title, kind, date, hours, description FROM trainings
         ORDER BY kind, date, training_id",
        &[],
    )?
    .iter()
    .map(|r| {
        Ok(Training {
            training_id: r.string(0)?,
            title: r.string(1)?,
            kind: r.string(2)?,
            date: r.opt_date(3)?,
            hours: r.opt_int(4)?.map(Ratio::from_micros),
            description: r.opt_string(5)?,
        })
    })
    .collect()
}

/// One person's record of one session.
#[derive(Debug, Clone)]
pub struct Record {
    /// The session.
    pub training_id: String,
    /// The person.
    pub person_id: String,
    /// Their name.
    pub name: String,
    /// `registered`, `attended` or `completed`.
    pub status: String,
    /// When.
    pub date: Option<Date>,
}

/// Returns the records whose person satisfies `cond` (with `args`), by person then session.
pub fn records(
    ex: &mut impl Executor,
    cond: &str,
    args: &[Value],
) -> Result<Vec<Record>, StoreError> {
    ex.query(
        &format!(
            "SELECT r.training_id, r.person_id, p.name, r.status, r.date
             FROM training_records r LEFT JOIN people p ON p.person_id = r.person_id
             WHERE {cond} ORDER BY r.person_id, r.training_id"
        ),
        args,
    )?
    .iter()
    .map(|r| {
        Ok(Record {
            training_id: r.string(0)?,
            person_id: r.string(1)?,
            name: r.opt_string(2)?.unwrap_or_default(),
            status: r.string(3)?,
            date: r.opt_date(4)?,
        })
    })
    .collect()
}

/// A person's standing against what their job requires.
#[derive(Debug, Clone)]
pub struct Standing {
    /// The person.
    pub person_id: String,
    /// Their name.
    pub name: String,
    /// Their job.
    pub job_id: String,
    /// Each required training with the person's status (`missing` when there is no record).
    pub required: Vec<(String, String)>,
    /// The required trainings not completed.
    pub gaps: Vec<String>,
}

/// Returns the standing of the people satisfying `cond` (on `p.`, with `args`) who work today
/// and whose job requires any training, by person id.
pub fn standings(
    ex: &mut impl Executor,
    cond: &str,
    args: &[Value],
    today: Date,
) -> Result<Vec<Standing>, StoreError> {
    let mut required: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for r in ex.query(
        "SELECT job_id, training_id FROM job_trainings ORDER BY job_id, training_id",
        &[],
    )? {
        required.entry(r.string(0)?).or_default().push(r.string(1)?);
    }
    let mut args = args.to_vec();
    args.push(today.into());
    let n = args.len();
    let people = ex.query(
        &format!(
            "SELECT p.person_id, p.name, p.job_id FROM people p
             WHERE {cond} AND p.job_id IS NOT NULL AND (p.end_date IS NULL OR p.end_date >= ${n})
             ORDER BY p.person_id"
        ),
        &args,
    )?;
    let mut status: BTreeMap<(String, String), String> = BTreeMap::new();
    for r in ex.query(
        &format!(
            "SELECT r.person_id, r.training_id, r.status FROM training_records r
             JOIN people p ON p.person_id = r.person_id WHERE {cond}"
        ),
        &args[..n - 1],
    )? {
        status.insert((r.string(0)?, r.string(1)?), r.string(2)?);
    }
    let mut out = Vec::new();
    for p in &people {
        let (person_id, job) = (p.string(0)?, p.string(2)?);
        let Some(needs) = required.get(&job) else {
            continue;
        };
        let mut row = Standing {
            person_id: person_id.clone(),
            name: p.string(1)?,
            job_id: job.clone(),
            required: Vec::new(),
            gaps: Vec::new(),
        };
        for t in needs {
            let s = status
                .get(&(person_id.clone(), t.clone()))
                .cloned()
                .unwrap_or_else(|| "missing".into());
            if s != "completed" {
                row.gaps.push(t.clone());
            }
            row.required.push((t.clone(), s));
        }
        out.push(row);
    }
    Ok(out)
}

/// Returns the trainings any of these standings require, in order.
pub fn columns(standings: &[Standing]) -> Vec<String> {
    let set: BTreeSet<&String> = standings
        .iter()
        .flat_map(|s| s.required.iter().map(|(t, _)| t))
        .collect();
    set.into_iter().cloned().collect()
}

/// Returns the training with this id.
pub fn find(ex: &mut impl Executor, id: &str) -> Result<Option<Training>, StoreError> {
    Ok(catalogue(ex)?.into_iter().find(|t| t.training_id == id))
}

/// Returns the status word of a training record, if it is one.
pub fn status_word(s: &str) -> Option<&'static str> {
    attain_domain::vocab::TrainingStatus::parse(s)
        .ok()
        .map(|s| s.as_str())
}

/// Returns the job requirements, job by job.
pub fn requirements(ex: &mut impl Executor) -> Result<Vec<(String, String)>, StoreError> {
    ex.query(
        "SELECT job_id, training_id FROM job_trainings ORDER BY job_id, training_id",
        params![],
    )?
    .iter()
    .map(|r| Ok((r.string(0)?, r.string(1)?)))
    .collect()
}
