//! Reads what an allocation needs from the store: the territory tree, the people with their
//! reporting lines on the first day of the year, and the weights of the basis — last year's
//! actuals and credits computed by the engine's own crediting (`prior_year`), or the annual
//! revenue of the accounts aligned to each territory on the first day of the year (`potential`).
//!
//! Reporting lines and alignments on a date are resolved by the engine's [`Timeline`], so
//! "where someone or something stood on a date" has one definition.

use crate::PlanError;
use crate::allocate::{Org, Person, Territory, subtree_sums};
use crate::params::{Basis, Params};
use attain_dataset::Progress;
use attain_domain::vocab::Role;
use attain_engine::InputsBuilder;
use attain_engine::credit::Timeline;
use attain_store::Executor;
use std::collections::HashMap;

/// Reads the organisation as it stands for fiscal year `params.year`, with the weights of
/// `params.basis`.
pub fn load_org(
    ex: &mut impl Executor,
    params: &Params,
    progress: &dyn Progress,
) -> Result<Org, PlanError> {
    let calendar = attain_engine::load::calendar(ex)?;
    let first = calendar.month_start(params.year, 1);

    let mut territories = Vec::new();
    let mut territory_ix: HashMap<String, usize> = HashMap::new();
    let mut parents = Vec::new();
    for row in ex.query(
        "SELECT territory_id, parent_id FROM territories ORDER BY territory_id",
        &[],
    )? {
        territory_ix.insert(row.string(0)?, territories.len());
        territories.push(Territory {
            id: row.string(0)?,
            parent: None,
        });
        parents.push(row.opt_string(1)?);
    }
    for (t, parent) in territories.iter_mut().zip(parents) {
        if let Some(p) = parent {
            t.parent = Some(*territory_ix.get(&p).ok_or_else(|| {
                PlanError::Refused(format!(
                    "territory {} names a parent {p} that does not exist",
                    t.id
                ))
            })?);
        }
    }

    // People, and the engine's view of them for the reporting tree on the first day.
    let mut b = InputsBuilder::new(params.year, calendar);
    let mut people = Vec::new();
    let mut person_ix: HashMap<String, usize> = HashMap::new();
    for row in ex.query(
        "SELECT person_id, role, territory_id, hire_date, end_date, manager_id FROM people ORDER BY person_id",
        &[],
    )? {
        let id = row.string(0)?;
        let role = Role::parse(row.text(1)?)
            .map_err(|e| PlanError::Refused(format!("person {id}: stored role {e}")))?;
        b.person(&id, row.opt_text(5)?, None);
        person_ix.insert(id.clone(), people.len());
        people.push(Person {
            id,
            role,
            territory: row.opt_text(2)?.and_then(|t| territory_ix.get(t).copied()),
            hire: row.opt_date(3)?,
            end: row.opt_date(4)?,
            manager: None,
        });
    }
    for row in ex.query(
        "SELECT person_id, manager_id, start_date FROM reporting WHERE start_date <= $1",
        &[first.into()],
    )? {
        b.reporting(row.text(0)?, row.opt_text(1)?, row.date(2)?);
    }

    let mut account_revenue: Vec<i128> = Vec::new();
    if params.basis == Basis::Potential {
        for row in ex.query(
            "SELECT account_id, territory_id, annual_revenue FROM accounts",
            &[],
        )? {
            let id = row.text(0)?;
            b.account(id, row.text(1)?);
            if let Some(ix) = b.account_ix(id) {
                if account_revenue.len() <= ix.get() {
                    account_revenue.resize(ix.get() + 1, 0);
                }
                account_revenue[ix.get()] = i128::from(row.opt_int(2)?.unwrap_or(0));
            }
        }
        for row in ex.query(
            "SELECT account_id, territory_id, start_date FROM alignments WHERE start_date <= $1",
            &[first.into()],
        )? {
            b.alignment(row.text(0)?, row.text(1)?, row.date(2)?);
        }
    }

    let inputs = b.build();
    let timeline = Timeline::new(&inputs);
    for (i, p) in inputs.people.iter().enumerate() {
        let Some(&me) = person_ix.get(&p.id) else {
            continue; // a manager id that names nobody
        };
        people[me].manager = timeline
            .manager_on(attain_engine::Ix::new(i), first)
            .and_then(|m| person_ix.get(&inputs.people[m.get()].id).copied());
    }

    let (territory_weights, person_weights) = match params.basis {
        Basis::Equal => (Vec::new(), Vec::new()),
        Basis::Potential => {
            let mut own = vec![0i128; territories.len()];
            for (a, revenue) in account_revenue.iter().enumerate() {
                let t = timeline.territory_on(attain_engine::Ix::new(a), first);
                if let Some(&t) = territory_ix.get(&inputs.territories[t.get()].id) {
                    own[t] += revenue;
                }
            }
            (subtree_sums(&territories, &own), Vec::new())
        }
        Basis::PriorYear => {
            let actuals =
                attain_engine::year_actuals(ex, params.year - 1, params.metric, progress)?;
            let weigh = |map: &HashMap<String, i64>, id: &str| {
                i128::from(map.get(id).copied().unwrap_or(0))
            };
            (
                territories
                    .iter()
                    .map(|t| weigh(&actuals.territories, &t.id))
                    .collect(),
                people
                    .iter()
                    .map(|p| weigh(&actuals.people, &p.id))
                    .collect(),
            )
        }
    };

    Ok(Org {
        calendar,
        territories,
        people,
        territory_weights,
        person_weights,
    })
}
