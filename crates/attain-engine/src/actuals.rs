//! A fiscal year's actuals of one metric, totalled over the year, exactly as the calculation
//! defines them: each territory subtree's actual (compensation.md §6) and each person's credited
//! amount (§1, direct plus override). The planning cycle weighs next year's targets by them, so
//! "last year's actual" is one definition, the engine's.

use crate::credit::{credit, metric_index};
use crate::input::Inputs;
use crate::load::{LoadError, load};
use attain_dataset::Progress;
use attain_domain::vocab::Metric;
use attain_store::Executor;
use std::collections::HashMap;

/// One metric's year totals, by id.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct YearActuals {
    /// Territory id → the actual of its whole subtree over the year (§6).
    pub territories: HashMap<String, i64>,
    /// Person id → credited (direct + override) over the year (§1).
    pub people: HashMap<String, i64>,
}

/// Returns the totals of `metric` over fiscal year `year`, read from the store and credited by
/// the engine's rules.
pub fn year_actuals(
    ex: &mut impl Executor,
    year: i32,
    metric: Metric,
    progress: &dyn Progress,
) -> Result<YearActuals, LoadError> {
    let inputs = load(ex, year, progress)?;
    Ok(actuals_of(&inputs, metric))
}

/// Returns the totals of `metric` over the year of `inputs` (pure).
pub fn actuals_of(inputs: &Inputs, metric: Metric) -> YearActuals {
    let credited = credit(inputs);
    let m = metric_index(metric);
    let year_sum = |months: &crate::credit::MonthMetric| months.iter().map(|v| v[m]).sum::<i64>();
    let territories = inputs
        .territories
        .iter()
        .zip(&credited.territory_actual)
        .map(|(t, a)| (t.id.clone(), year_sum(a)))
        .collect();
    let people = inputs
        .people
        .iter()
        .enumerate()
        .map(|(i, p)| {
            (
                p.id.clone(),
                year_sum(&credited.direct[i]) + year_sum(&credited.overriding[i]),
            )
        })
        .collect();
    YearActuals {
        territories,
        people,
    }
}
