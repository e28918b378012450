//! Compensation plans: a plan's rows agree, commission tiers are contiguous bands from 0, payout
//! curves rise, and assignments match their plan's year and method.

use super::{Problem, Rules, Scope, groups, query_scopes};
use attain_domain::Ratio;
use attain_store::{Row, StoreError, Tx};
use std::collections::HashSet;

/// plans.csv: the rows of one plan share its name and year.
pub(super) fn plan_rows(tx: &mut Tx<'_>, rules: &Rules) -> Result<Vec<Problem>, StoreError> {
    let mut problems = groups::shared(
        tx,
        rules,
        "plans",
        "plan_id",
        "name",
        "plan",
        "the rows of one plan share its name",
    )?;
    problems.extend(groups::shared(
        tx,
        rules,
        "plans",
        "plan_id",
        "year",
        "plan",
        "a plan belongs to one fiscal year",
    )?);
    Ok(problems)
}

/// plan_tiers.csv: tiers belong to `commission` components, and each component's bands start
/// at 0 and follow each other without gap or overlap, only the last open-ended.
pub(super) fn tiers(tx: &mut Tx<'_>, rules: &Rules) -> Result<Vec<Problem>, StoreError> {
    let mut problems = component_method(tx, rules, "plan_tiers", "commission", "tiers")?;
    let rows = rules.scope("plan_tiers", &["plan_id", "component"]).query(
        tx,
        "SELECT plan_id, component, att_from, att_to FROM plan_tiers WHERE {scope}
         ORDER BY plan_id, component, att_from",
        &["plan_id", "component"],
    )?;
    for component in by_component(&rows) {
        let bands = component
            .iter()
            .map(|r| Ok((r.int(2)?, r.opt_int(3)?)))
            .collect::<Result<Vec<_>, StoreError>>()?;
        for (i, column, message) in band_problems(&bands) {
            let r = component[i];
            problems.push(Problem::at(
                "plan_tiers",
                column,
                &[
                    ("plan_id", r.value(0)),
                    ("component", r.value(1)),
                    ("att_from", r.value(2)),
                ],
                message,
            ));
        }
    }
    Ok(problems)
}

/// plan_curve.csv: points belong to `payout_curve` components; each curve has at least two
/// points, and payouts do not fall as attainment rises.
pub(super) fn curve(tx: &mut Tx<'_>, rules: &Rules) -> Result<Vec<Problem>, StoreError> {
    let mut problems = component_method(tx, rules, "plan_curve", "payout_curve", "points")?;
    let rows = rules.scope("plan_curve", &["plan_id", "component"]).query(
        tx,
        "SELECT plan_id, component, attainment, payout FROM plan_curve WHERE {scope}
         ORDER BY plan_id, component, attainment",
        &["plan_id", "component"],
    )?;
    for component in by_component(&rows) {
        let points = component
            .iter()
            .map(|r| Ok((r.int(2)?, r.int(3)?)))
            .collect::<Result<Vec<_>, StoreError>>()?;
        for (i, column, message) in curve_problems(&points) {
            let r = component[i];
            problems.push(Problem::at(
                "plan_curve",
                column,
                &[
                    ("plan_id", r.value(0)),
                    ("component", r.value(1)),
                    ("attainment", r.value(2)),
                ],
                message,
            ));
        }
    }
    Ok(problems)
}

/// plan_assignments.csv: the year is the plan's year, and a plan with a `payout_curve`
/// component needs a target incentive. A changed plan is checked against its assignments too.
pub(super) fn assignments(tx: &mut Tx<'_>, rules: &Rules) -> Result<Vec<Problem>, StoreError> {
    let assigned = rules.scope("plan_assignments", &["person_id", "year"]);
    let plans = rules.scope_changing("plans", &["plan_id"], &["year", "method"]);
    let mut problems = Vec::new();

    let sql = "SELECT DISTINCT a.person_id, a.year, a.plan_id, p.year
               FROM plan_assignments a JOIN plans p ON p.plan_id = a.plan_id
               WHERE p.year <> a.year AND {scope}";
    let scopes: [(&Scope, &[&str]); 2] = [
        (&assigned, &["a.person_id", "a.year"]),
        (&plans, &["a.plan_id"]),
    ];
    for r in query_scopes(tx, sql, &scopes)? {
        let (person, year, plan, plan_year) = (r.text(0)?, r.int(1)?, r.text(2)?, r.int(3)?);
        problems.push(
            if assigned.contains(&[r.value(0).clone(), r.value(1).clone()]) {
                Problem::at(
                    "plan_assignments",
                    "year",
                    &[("person_id", r.value(0)), ("year", r.value(1))],
                    format!("is {year}, but plan '{plan}' is a plan of {plan_year}"),
                )
            } else {
                Problem::at(
                    "plans",
                    "year",
                    &[("plan_id", r.value(2)), ("year", r.value(3))],
                    format!(
                        "is {plan_year}, but person '{person}' is assigned this plan for {year}"
                    ),
                )
            },
        );
    }

    let sql = "SELECT DISTINCT a.person_id, a.year, a.plan_id, p.component
               FROM plan_assignments a
               JOIN plans p ON p.plan_id = a.plan_id AND p.method = 'payout_curve'
               WHERE a.target_incentive IS NULL AND {scope}
               ORDER BY a.person_id, a.year, p.component";
    let mut reported = HashSet::new();
    for r in query_scopes(tx, sql, &scopes)? {
        let assignment = [r.value(0).clone(), r.value(1).clone()];
        if !reported.insert(assignment.clone()) {
            continue;
        }
        let (person, year, plan) = (r.text(0)?, r.int(1)?, r.text(2)?);
        problems.push(if assigned.contains(&assignment) {
            Problem::at(
                "plan_assignments",
                "target_incentive",
                &[("person_id", r.value(0)), ("year", r.value(1))],
                format!(
                    "is required because plan '{plan}' has a payout_curve component, '{}'",
                    r.text(3)?
                ),
            )
        } else {
            Problem::at(
                "plans",
                "method",
                &[("plan_id", r.value(2)), ("component", r.value(3))],
                format!(
                    "is payout_curve, but person '{person}' is assigned plan '{plan}' for {year} \
                     without a target_incentive"
                ),
            )
        });
    }
    Ok(problems)
}

/// Reports rows of `table` (plan_tiers or plan_curve) whose component's method is not `method`,
/// on the row itself when this import changed it, else on the plan's row.
fn component_method(
    tx: &mut Tx<'_>,
    rules: &Rules,
    table: &'static str,
    method: &str,
    what: &str,
) -> Result<Vec<Problem>, StoreError> {
    let rows_changed = rules.scope(table, &["plan_id", "component"]);
    let scope = rows_changed.clone().or(rules.scope_changing(
        "plans",
        &["plan_id", "component"],
        &["method"],
    ));
    let rows = scope.query(
        tx,
        &format!(
            "SELECT DISTINCT x.plan_id, x.component, p.method
             FROM {table} x JOIN plans p ON p.plan_id = x.plan_id AND p.component = x.component
             WHERE p.method <> '{method}' AND {{scope}}"
        ),
        &["x.plan_id", "x.component"],
    )?;
    let mut problems = Vec::new();
    for r in rows {
        let cells = [("plan_id", r.value(0)), ("component", r.value(1))];
        let (plan, component, found) = (r.text(0)?, r.text(1)?, r.text(2)?);
        problems.push(
            if rows_changed.contains(&[r.value(0).clone(), r.value(1).clone()]) {
                Problem::at(
                    table,
                    "component",
                    &cells,
                    format!(
                        "'{component}' of plan '{plan}' is a {found} component; {table}.csv \
                         holds the {what} of {method} components"
                    ),
                )
            } else {
                Problem::at(
                    "plans",
                    "method",
                    &cells,
                    format!(
                        "is {found}, but {table}.csv has {what} for this component, which only \
                         a {method} component has"
                    ),
                )
            },
        );
    }
    Ok(problems)
}

/// Splits rows ordered by `(plan_id, component, …)` into runs of one component.
fn by_component(rows: &[Row]) -> Vec<Vec<&Row>> {
    let mut runs: Vec<Vec<&Row>> = Vec::new();
    for r in rows {
        match runs.last_mut() {
            Some(run) if run[0].value(0) == r.value(0) && run[0].value(1) == r.value(1) => {
                run.push(r);
            }
            _ => runs.push(vec![r]),
        }
    }
    runs
}

fn ratio(micros: i64) -> String {
    Ratio::from_micros(micros).to_string()
}

/// Checks one component's bands `(att_from, att_to)`, ordered by `att_from`; returns
/// `(band index, column, message)` for each fault.
fn band_problems(bands: &[(i64, Option<i64>)]) -> Vec<(usize, &'static str, String)> {
    let mut out = Vec::new();
    for (i, &(from, to)) in bands.iter().enumerate() {
        if i == 0 && from != 0 {
            out.push((
                0,
                "att_from",
                format!(
                    "is {}, but the first band of a component starts at 0",
                    ratio(from)
                ),
            ));
        }
        if let Some(to) = to
            && to <= from
        {
            out.push((
                i,
                "att_to",
                format!(
                    "is {}, not above the band's att_from {}",
                    ratio(to),
                    ratio(from)
                ),
            ));
        }
        let Some(&(next, _)) = bands.get(i + 1) else {
            continue;
        };
        match to {
            None => out.push((
                i,
                "att_to",
                format!(
                    "is empty, but a band from {} follows; only the last band has no upper bound",
                    ratio(next)
                ),
            )),
            Some(to) if to < next => out.push((
                i + 1,
                "att_from",
                format!(
                    "is {}, but the band before ends at {}; bands leave no gap",
                    ratio(next),
                    ratio(to)
                ),
            )),
            Some(to) if to > next => out.push((
                i + 1,
                "att_from",
                format!(
                    "is {}, but the band before runs to {}; bands do not overlap",
                    ratio(next),
                    ratio(to)
                ),
            )),
            Some(_) => {}
        }
    }
    out
}

/// Checks one component's curve `(attainment, payout)`, ordered by attainment; returns
/// `(point index, column, message)` for each fault.
fn curve_problems(points: &[(i64, i64)]) -> Vec<(usize, &'static str, String)> {
    let mut out = Vec::new();
    if points.len() == 1 {
        out.push((
            0,
            "attainment",
            "is the only point of this component's curve; a payout curve has at least two points"
                .to_owned(),
        ));
    }
    for (i, pair) in points.windows(2).enumerate() {
        let ((at, before), (_, payout)) = (pair[0], pair[1]);
        if payout < before {
            out.push((
                i + 1,
                "payout",
                format!(
                    "is {}, below {} at attainment {}; payouts do not fall as attainment rises",
                    ratio(payout),
                    ratio(before),
                    ratio(at)
                ),
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const M: i64 = 1_000_000;

    fn faults(bands: &[(i64, Option<i64>)]) -> Vec<(usize, &'static str)> {
        band_problems(bands)
            .into_iter()
            .map(|(i, c, _)| (i, c))
            .collect()
    }

    #[test]
    fn contiguous_bands_from_zero_pass() {
        assert!(faults(&[(0, Some(M / 2)), (M / 2, Some(M)), (M, None)]).is_empty());
        assert!(faults(&[(0, None)]).is_empty());
        assert!(faults(&[(0, Some(M))]).is_empty());
    }

    #[test]
    fn gaps_overlaps_and_bad_bounds_are_named() {
        assert_eq!(faults(&[(M / 10, None)]), vec![(0, "att_from")]);
        assert_eq!(
            faults(&[(0, Some(M / 2)), (M, None)]),
            vec![(1, "att_from")]
        );
        assert_eq!(
            faults(&[(0, Some(M)), (M / 2, None)]),
            vec![(1, "att_from")]
        );
        assert_eq!(faults(&[(0, None), (M, None)]), vec![(0, "att_to")]);
        assert_eq!(faults(&[(0, Some(0))]), vec![(0, "att_to")]);
        let (_, _, message) = &band_problems(&[(0, Some(M / 2)), (M, None)])[0];
        assert_eq!(
            message,
            "is 1, but the band before ends at 0.5; bands leave no gap"
        );
    }

    #[test]
    fn curves_need_two_points_and_never_fall() {
        assert!(curve_problems(&[(0, 0), (M, M), (2 * M, M)]).is_empty());
        assert_eq!(curve_problems(&[(M, M)])[0].1, "attainment");
        let falls = curve_problems(&[(0, 0), (M, M), (2 * M, M / 2)]);
        assert_eq!(falls.len(), 1);
        assert_eq!(falls[0].0, 2);
        assert_eq!(
            falls[0].2,
            "is 0.5, below 1 at attainment 1; payouts do not fall as attainment rises"
        );
    }
}
