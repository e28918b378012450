//! The coaching cadence: per person, days since their last session of each kind, their open and
//! overdue action items, and a flag when they have gone without any session for longer than
//! `coaching_cadence_days` (or have never been coached); per manager, how their team is covered.
//! Teams are today's reporting lines (`reporting.csv` rows in force, else `people.manager_id`),
//! without people who have left.

use attain_domain::Date;
use attain_domain::vocab::CoachingKind;
use attain_store::{Executor, StoreResult, Value};
use std::collections::{BTreeMap, HashMap};

/// One person's coaching.
#[derive(Debug, Clone)]
pub struct PersonCadence {
    /// `person_id`.
    pub person_id: String,
    /// Their name.
    pub name: String,
    /// Their last session of any kind.
    pub last: Option<Date>,
    /// Days since it.
    pub days_since: Option<i64>,
    /// Days since the last session of each kind, in the order of `CoachingKind::ALL`.
    pub per_kind: Vec<Option<i64>>,
    /// Open action items about them.
    pub open: i64,
    /// Of those, past their due date.
    pub overdue: i64,
    /// Gone without coaching longer than the cadence.
    pub flagged: bool,
}

/// How one manager's team is covered.
#[derive(Debug, Clone)]
pub struct ManagerCadence {
    /// `person_id` of the manager.
    pub manager_id: String,
    /// Their name.
    pub name: String,
    /// People reporting to them today.
    pub team: usize,
    /// Of those, flagged.
    pub flagged: usize,
    /// The last session with anyone of the team.
    pub last: Option<Date>,
    /// Open action items of the team.
    pub open: i64,
    /// Of those, overdue.
    pub overdue: i64,
}

/// Returns true when a person whose last session was `days_since` days ago (`None`: never) is
/// overdue for coaching: more days than the cadence (exactly the cadence is still on time).
pub fn is_flagged(days_since: Option<i64>, cadence: i64) -> bool {
    days_since.is_none_or(|d| d > cadence)
}

/// Today's reporting lines of the people still employed: person → (name, manager).
pub struct Lines {
    people: BTreeMap<String, (String, Option<String>)>,
    /// manager → their direct reports, by id.
    reports: HashMap<String, Vec<String>>,
}

impl Lines {
    /// Reads who reports to whom today.
    pub fn read(ex: &mut impl Executor, today: Date) -> StoreResult<Lines> {
        let mut people = BTreeMap::new();
        for r in ex.query(
            "SELECT person_id, name, manager_id, end_date FROM people",
            &[],
        )? {
            if r.opt_date(3)?.is_some_and(|end| end < today) {
                continue;
            }
            people.insert(r.string(0)?, (r.string(1)?, r.opt_string(2)?));
        }
        for r in ex.query(
            "SELECT person_id, manager_id FROM reporting WHERE start_date <= $1
             ORDER BY person_id, start_date",
            &[today.into()],
        )? {
            if let Some(p) = people.get_mut(&r.string(0)?) {
                p.1 = r.opt_string(1)?;
            }
        }
        let mut reports: HashMap<String, Vec<String>> = HashMap::new();
        for (p, (_, m)) in &people {
            if let Some(m) = m {
                reports.entry(m.clone()).or_default().push(p.clone());
            }
        }
        Ok(Lines { people, reports })
    }

    /// Returns the people reporting directly to `manager`, by id.
    pub fn reports_of(&self, manager: &str) -> Vec<String> {
        self.reports.get(manager).cloned().unwrap_or_default()
    }

    /// Returns everyone who has someone reporting to them, by id.
    pub fn managers(&self) -> Vec<String> {
        let mut out: Vec<String> = self
            .reports
            .keys()
            .filter(|m| self.people.contains_key(*m))
            .cloned()
            .collect();
        out.sort();
        out
    }

    /// Returns a person's name (empty when unknown).
    pub fn name(&self, id: &str) -> String {
        self.people.get(id).map(|p| p.0.clone()).unwrap_or_default()
    }
}

fn list(ids: &[String], args: &mut Vec<Value>) -> String {
    let marks: Vec<String> = ids
        .iter()
        .map(|id| {
            args.push(Value::from(id.as_str()));
            format!("${}", args.len())
        })
        .collect();
    marks.join(", ")
}

/// Returns the cadence of each of these people, in the order given.
pub fn people(
    ex: &mut impl Executor,
    lines: &Lines,
    ids: &[String],
    today: Date,
    cadence: i64,
) -> StoreResult<Vec<PersonCadence>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut last: HashMap<(String, String), Date> = HashMap::new();
    let mut args = vec![today.into()];
    let marks = list(ids, &mut args);
    for r in ex.query(
        &format!(
            "SELECT person_id, kind, MAX(date) FROM coaching_sessions
             WHERE date <= $1 AND person_id IN ({marks}) GROUP BY person_id, kind"
        ),
        &args,
    )? {
        last.insert((r.string(0)?, r.string(1)?), r.date(2)?);
    }
    let mut items: HashMap<String, (i64, i64)> = HashMap::new();
    for r in ex.query(
        &format!(
            "SELECT person_id, COUNT(*),
                    SUM(CASE WHEN due_date IS NOT NULL AND due_date < $1 THEN 1 ELSE 0 END)
             FROM action_items WHERE status = 'open' AND person_id IN ({marks})
             GROUP BY person_id"
        ),
        &args,
    )? {
        items.insert(r.string(0)?, (r.int(1)?, r.opt_int(2)?.unwrap_or(0)));
    }
    let days = |d: Date| (today - d).num_days();
    Ok(ids
        .iter()
        .map(|id| {
            let of_kind =
                |k: &CoachingKind| last.get(&(id.clone(), k.as_str().to_owned())).copied();
            let latest = CoachingKind::ALL.iter().filter_map(of_kind).max();
            let days_since = latest.map(days);
            let (open, overdue) = items.get(id).copied().unwrap_or((0, 0));
            PersonCadence {
                person_id: id.clone(),
                name: lines.name(id),
                last: latest,
                days_since,
                per_kind: CoachingKind::ALL
                    .iter()
                    .map(|k| of_kind(k).map(days))
                    .collect(),
                open,
                overdue,
                flagged: is_flagged(days_since, cadence),
            }
        })
        .collect())
}

/// Returns how each of these managers' teams is covered, in the order given. Everyone's cadence
/// is read in a few grouped queries (a thousand people at a time), not one per manager.
pub fn managers(
    ex: &mut impl Executor,
    lines: &Lines,
    ids: &[String],
    today: Date,
    cadence: i64,
) -> StoreResult<Vec<ManagerCadence>> {
    let teams: Vec<Vec<String>> = ids.iter().map(|m| lines.reports_of(m)).collect();
    let mut members: Vec<String> = teams.iter().flatten().cloned().collect();
    members.sort();
    members.dedup();
    let mut by_person: HashMap<String, PersonCadence> = HashMap::new();
    for chunk in members.chunks(1000) {
        for p in people(ex, lines, chunk, today, cadence)? {
            by_person.insert(p.person_id.clone(), p);
        }
    }
    Ok(ids
        .iter()
        .zip(teams)
        .map(|(m, team)| {
            let team: Vec<&PersonCadence> = team.iter().filter_map(|p| by_person.get(p)).collect();
            ManagerCadence {
                manager_id: m.clone(),
                name: lines.name(m),
                team: team.len(),
                flagged: team.iter().filter(|p| p.flagged).count(),
                last: team.iter().filter_map(|p| p.last).max(),
                open: team.iter().map(|p| p.open).sum(),
                overdue: team.iter().map(|p| p.overdue).sum(),
            }
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_person_is_flagged_after_more_days_than_the_cadence_or_when_never_coached() {
        assert!(!is_flagged(Some(0), 30));
        assert!(!is_flagged(Some(30), 30));
        assert!(is_flagged(Some(31), 30));
        assert!(is_flagged(None, 30));
    }
}
