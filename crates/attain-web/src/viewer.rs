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

/// Returns the person and everyone below them in today's reporting tree.
pub(crate) fn team_of(
    ex: &mut impl Executor,
    root: &str,
    today: Date,
) -> StoreResult<HashSet<String>> {
    let mut manager_of: HashMap<String, Option<String>> = HashMap::new();
    for r in ex.query("SELECT person_id, manager_id FROM people", &[])? {
        manager_of.insert(r.string(0)?, r.opt_string(1)?);
    }
    // Rows in start order: the last one read for a person is the one in force today.
    for r in ex.query(
        "SELECT person_id, manager_id FROM reporting WHERE start_date <= $1
         ORDER BY person_id, start_date",
        params![today],
    )? {
        manager_of.insert(r.string(0)?, r.opt_string(1)?);
    }
    let mut reports: HashMap<&str, Vec<&str>> = HashMap::new();
    for (p, m) in &manager_of {
        if let Some(m) = m {
            reports.entry(m.as_str()).or_default().push(p.as_str());
        }
    }
    Ok(descendants(root, &reports))
}

/// Returns the territory and every territory below it.
pub(crate) fn subtree(ex: &mut impl Executor, root: &str) -> StoreResult<HashSet<String>> {
    let rows = ex.query("SELECT territory_id, parent_id FROM territories", &[])?;
    let mut pairs = Vec::with_capacity(rows.len());
    for r in &rows {
        pairs.push((r.string(0)?, r.opt_string(1)?));
    }
    let mut children: HashMap<&str, Vec<&str>> = HashMap::new();
    for (t, p) in &pairs {
        if let Some(p) = p {
            children.entry(p.as_str()).or_default().push(t.as_str());
        }
    }
    Ok(descendants(root, &children))
}

/// Returns `root` and everything reachable below it (cycles are walked once).
fn descendants(root: &str, below: &HashMap<&str, Vec<&str>>) -> HashSet<String> {
    let mut seen = HashSet::from([root.to_owned()]);
    let mut stack = vec![root];
    while let Some(n) = stack.pop() {
        for c in below.get(n).into_iter().flatten() {
            if seen.insert((*c).to_owned()) {
                stack.push(c);
            }
        }
    }
    seen
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
mod tests {
    use super::*;

    #[test]
    fn descendants_walk_every_level_and_survive_cycles() {
        let below: HashMap<&str, Vec<&str>> =
            HashMap::from([("a", vec!["b", "c"]), ("b", vec!["d"]), ("d", vec!["a"])]);
        let got = descendants("b", &below);
        let mut got: Vec<_> = got.into_iter().collect();
        got.sort();
        assert_eq!(got, ["a", "b", "c", "d"]);
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
