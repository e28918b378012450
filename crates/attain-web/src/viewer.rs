//! Who is asking, and what they may see: the one visibility rule of every page and API route.
//!
//! - `rep`: themselves; `manager`, `director`: themselves and everyone below them in today's
//!   reporting tree (`reporting.csv` rows in force today, else `people.manager_id`);
//!   `executive`, `sales_ops`: everyone.
//! - Territories: executives and sales ops see all; everyone else the subtree of their own home
//!   territory (`people.territory_id`).
//! - Accounts: visible with their territory (as aligned today) or their owner.
//!
//! Something outside one's scope is answered exactly like something missing (404).

use crate::auth::users::User;
use attain_domain::Date;
use attain_domain::vocab::Role;
use attain_store::{Executor, StoreResult, Value, params};
use axum::extract::{FromRequestParts, OptionalFromRequestParts};
use axum::http::request::Parts;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

/// A set of visible ids: everything, or exactly these.
#[derive(Debug, Clone)]
pub enum Scope {
    /// Every record.
    All,
    /// Only these ids.
    Only(Arc<HashSet<String>>),
}

impl Scope {
    /// Returns true when `id` is in the scope.
    pub fn contains(&self, id: &str) -> bool {
        match self {
            Scope::All => true,
            Scope::Only(set) => set.contains(id),
        }
    }

    /// Returns the SQL condition restricting `column` to the scope, appending its parameters.
    pub fn sql(&self, column: &str, args: &mut Vec<Value>) -> String {
        match self {
            Scope::All => "1 = 1".into(),
            Scope::Only(set) if set.is_empty() => "1 = 0".into(),
            Scope::Only(set) => {
                let mut ids: Vec<&String> = set.iter().collect();
                ids.sort();
                let mut marks = Vec::with_capacity(ids.len());
                for id in ids {
                    args.push(Value::Text(id.clone()));
                    marks.push(format!("${}", args.len()));
                }
                format!("{column} IN ({})", marks.join(", "))
            }
        }
    }
}

/// How the request proved who it is.
#[derive(Debug, Clone)]
pub enum Via {
    /// A browser session, with its CSRF token.
    Session {
        /// The session's CSRF token, put in every form.
        csrf: String,
    },
    /// A personal API token (exempt from CSRF checks).
    Token,
}

/// The signed-in user of a request, with the scope of what they may see.
#[derive(Debug, Clone)]
pub struct Viewer {
    /// The sign-in's id.
    pub user_id: i64,
    /// The sign-in's email.
    pub email: String,
    /// The role.
    pub role: Role,
    /// The person of the company the sign-in acts as.
    pub person_id: Option<String>,
    /// How the request was authenticated.
    pub via: Via,
    people: Scope,
    territories: Scope,
}

impl Viewer {
    /// Resolves what a sign-in may see today.
    pub fn resolve(
        ex: &mut impl Executor,
        user: &User,
        via: Via,
        today: Date,
    ) -> StoreResult<Viewer> {
        let person = user.person_id.clone();
        let (people, territories) = match user.role {
            Role::Executive | Role::SalesOps => (Scope::All, Scope::All),
            Role::Rep | Role::Manager | Role::Director => {
                let people = match (&person, user.role) {
                    (None, _) => HashSet::new(),
                    (Some(p), Role::Rep) => HashSet::from([p.clone()]),
                    (Some(p), _) => team_of(ex, p, today)?,
                };
                let home = match &person {
                    Some(p) => ex
                        .query_opt(
                            "SELECT territory_id FROM people WHERE person_id = $1",
                            params![p],
                        )?
                        .and_then(|r| r.opt_string(0).ok().flatten()),
                    None => None,
                };
                let territories = match home {
                    Some(t) => subtree(ex, &t)?,
                    None => HashSet::new(),
                };
                (
                    Scope::Only(Arc::new(people)),
                    Scope::Only(Arc::new(territories)),
                )
            }
        };
        Ok(Viewer {
            user_id: user.user_id,
            email: user.email.clone(),
            role: user.role,
            person_id: person,
            via,
            people,
            territories,
        })
    }

    /// Returns true when the viewer may see this person.
    pub fn can_see_person(&self, person_id: &str) -> bool {
        self.people.contains(person_id)
    }

    /// Returns true when the viewer may see this territory and its results.
    pub fn can_see_territory(&self, territory_id: &str) -> bool {
        self.territories.contains(territory_id)
    }

    /// Returns true when the viewer may see an account with this owner and current territory.
    pub fn can_see_account(&self, owner_id: Option<&str>, territory_id: &str) -> bool {
        self.can_see_territory(territory_id) || owner_id.is_some_and(|o| self.can_see_person(o))
    }

    /// Returns the people the viewer may see.
    pub fn people(&self) -> &Scope {
        &self.people
    }

    /// Returns the territories the viewer may see.
    pub fn territories(&self) -> &Scope {
        &self.territories
    }

    /// Returns true for sales operations, who import, change plans and close months.
    pub fn is_sales_ops(&self) -> bool {
        self.role == Role::SalesOps
    }

    /// Returns true for the roles that see the whole company.
    pub fn sees_company(&self) -> bool {
        matches!(self.role, Role::Executive | Role::SalesOps)
    }

    /// Returns the session's CSRF token, or an empty text for token requests.
    pub fn csrf(&self) -> &str {
        match &self.via {
            Via::Session { csrf } => csrf,
            Via::Token => "",
        }
    }
}

/// Returns `$first, $first+1, …` for `n` parameters.
fn marks(first: usize, n: usize) -> String {
    (first..first + n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn texts<'a>(ids: impl IntoIterator<Item = &'a String>) -> Vec<Value> {
    ids.into_iter().map(|id| Value::Text(id.clone())).collect()
}

/// Returns the person and everyone below them in today's reporting tree: a person's manager is
/// their `reporting.csv` row in force today, else `people.manager_id`.
///
/// The tree is walked down one level at a time through the indexes on `people.manager_id` and
/// `reporting.manager_id`, so a request reads the viewer's team, not the whole company (on
/// 10,000 people, reading every person on every request cost a manager's page most of its time).
pub(crate) fn team_of(
    ex: &mut impl Executor,
    root: &str,
    today: Date,
) -> StoreResult<HashSet<String>> {
    let mut seen = HashSet::from([root.to_owned()]);
    let mut level = vec![root.to_owned()];
    while !level.is_empty() {
        // Who may report to this level: by `people.manager_id` (kept, for those without a
        // reporting row in force), or by a reporting row that has started.
        let mut args = texts(&level);
        let list = marks(1, level.len());
        let mut current: HashMap<String, Option<String>> = HashMap::new();
        for r in ex.query(
            &format!("SELECT person_id, manager_id FROM people WHERE manager_id IN ({list})"),
            &args,
        )? {
            current.insert(r.string(0)?, r.opt_string(1)?);
        }
        args.push(today.into());
        for r in ex.query(
            &format!(
                "SELECT DISTINCT person_id FROM reporting
                 WHERE manager_id IN ({list}) AND start_date <= ${}",
                args.len()
            ),
            &args,
        )? {
            current.entry(r.string(0)?).or_insert(None);
        }
        current.retain(|p, _| !seen.contains(p));
        if current.is_empty() {
            break;
        }
        // Their manager today: the latest reporting row that has started overrides.
        let mut candidates: Vec<&String> = current.keys().collect();
        candidates.sort();
        let mut args = texts(candidates.iter().copied());
        let list = marks(1, args.len());
        args.push(today.into());
        let rows = ex.query(
            &format!(
                "SELECT person_id, manager_id FROM reporting
                 WHERE person_id IN ({list}) AND start_date <= ${}
                 ORDER BY person_id, start_date",
                args.len()
            ),
            &args,
        )?;
        for r in rows {
            current.insert(r.string(0)?, r.opt_string(1)?);
        }
        level = current
            .into_iter()
            .filter(|(_, m)| m.as_ref().is_some_and(|m| seen.contains(m)))
            .map(|(p, _)| p)
            .collect();
        level.sort();
        seen.extend(level.iter().cloned());
    }
    Ok(seen)
}

/// Returns the territory and every territory below it, one level at a time through the index
/// on `territories.parent_id`.
pub(crate) fn subtree(ex: &mut impl Executor, root: &str) -> StoreResult<HashSet<String>> {
    let mut seen = HashSet::from([root.to_owned()]);
    let mut level = vec![root.to_owned()];
    while !level.is_empty() {
        let rows = ex.query(
            &format!(
                "SELECT territory_id FROM territories WHERE parent_id IN ({})",
                marks(1, level.len())
            ),
            &texts(&level),
        )?;
        let mut next = Vec::new();
        for r in rows {
            let t = r.string(0)?;
            if seen.insert(t.clone()) {
                next.push(t);
            }
        }
        level = next;
    }
    Ok(seen)
}

/// The signed-in viewer, placed in the request by the access guard of every route.
impl<S: Send + Sync> FromRequestParts<S> for Viewer {
    type Rejection = crate::error::ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<Viewer>()
            .cloned()
            .ok_or(crate::error::ApiError(crate::error::Fail::Unauthorized))
    }
}

impl<S: Send + Sync> OptionalFromRequestParts<S> for Viewer {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Option<Self>, Self::Rejection> {
        Ok(parts.extensions.get::<Viewer>().cloned())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use attain_store::testing::TestDb;

    /// The rule computed over whole tables, as the viewer once did: the oracle of the walk.
    fn team_by_scan(
        people: &[(String, Option<String>)],
        reporting: &[(String, Option<String>, Date)],
        root: &str,
        today: Date,
    ) -> HashSet<String> {
        let mut manager_of: HashMap<&str, Option<&str>> = people
            .iter()
            .map(|(p, m)| (p.as_str(), m.as_deref()))
            .collect();
        let mut rows: Vec<&(String, Option<String>, Date)> =
            reporting.iter().filter(|r| r.2 <= today).collect();
        rows.sort_by_key(|r| (r.0.clone(), r.2));
        for (p, m, _) in rows {
            manager_of.insert(p, m.as_deref());
        }
        let mut seen = HashSet::from([root.to_owned()]);
        let mut stack = vec![root.to_owned()];
        while let Some(n) = stack.pop() {
            for (p, m) in &manager_of {
                if *m == Some(n.as_str()) && seen.insert((*p).to_owned()) {
                    stack.push((*p).to_owned());
                }
            }
        }
        seen
    }

    #[test]
    fn the_level_walk_finds_the_same_team_as_a_scan_of_every_person() {
        let today = Date::from_ymd_opt(2026, 6, 15).unwrap();
        let dates = [
            Date::from_ymd_opt(2025, 1, 1).unwrap(),
            Date::from_ymd_opt(2026, 3, 1).unwrap(),
            today,
            Date::from_ymd_opt(2026, 9, 1).unwrap(),
        ];
        for db in TestDb::all().unwrap() {
            for seed in 1..=6u64 {
                // A small deterministic random tree, with reporting rows that move people
                // (sometimes into cycles, sometimes to the top, sometimes in the future).
                let mut x = seed;
                let mut next = |n: u64| {
                    x = x
                        .wrapping_mul(6_364_136_223_846_793_005)
                        .wrapping_add(1_442_695_040_888_963_407);
                    (x >> 33) % n
                };
                let id = |i: u64| format!("P{seed}-{i:02}");
                let n = 40;
                let people: Vec<(String, Option<String>)> = (0..n)
                    .map(|i| (id(i), (i > 0).then(|| id(next(i)))))
                    .collect();
                let mut reporting = Vec::new();
                for i in 0..n {
                    if next(3) == 0 {
                        for d in 0..1 + next(2) {
                            let m = (next(5) > 0).then(|| id(next(n)));
                            reporting.push((id(i), m, dates[(next(4) + d) as usize % 4]));
                        }
                    }
                }
                reporting.sort_by_key(|r| (r.0.clone(), r.2));
                reporting.dedup_by(|a, b| a.0 == b.0 && a.2 == b.2);
                let mut conn = db.store.conn().unwrap();
                for (p, m) in &people {
                    conn.execute(
                        "INSERT INTO people (person_id, name, role, manager_id) VALUES ($1, $1, 'rep', $2)",
                        attain_store::params![p, m.clone()],
                    )
                    .unwrap();
                }
                for (p, m, d) in &reporting {
                    conn.execute(
                        "INSERT INTO reporting (person_id, manager_id, start_date) VALUES ($1, $2, $3)",
                        attain_store::params![p, m.clone(), *d],
                    )
                    .unwrap();
                }
                for (root, _) in &people {
                    assert_eq!(
                        team_of(&mut conn, root, today).unwrap(),
                        team_by_scan(&people, &reporting, root, today),
                        "seed {seed}, root {root}"
                    );
                }
            }
        }
    }

    #[test]
    fn an_empty_scope_matches_nothing_in_sql() {
        let mut args = Vec::new();
        assert_eq!(Scope::Only(Arc::default()).sql("p", &mut args), "1 = 0");
        let s = Scope::Only(Arc::new(HashSet::from(["x".to_owned(), "y".to_owned()])));
        assert_eq!(s.sql("p", &mut args), "p IN ($1, $2)");
        assert_eq!(args.len(), 2);
    }
}
