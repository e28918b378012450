//! Every rule of planning.md on small trees worked out by hand, through the pure allocation (no
//! database): largest remainder with ties by id, units, each basis, over-assignment,
//! seasonality, hires with ramp, leavers, leaves without reps, leaders and company rows; then
//! properties that hold for any tree.

#![allow(clippy::unwrap_used)] // a test that fails should panic

use attain_domain::vocab::{Metric, Role, Scope};
use attain_domain::{Date, FiscalCalendar, Money, NamedBy, Percent, parse_date};
use attain_planning::{
    AllocError, Allocation, Basis, Carries, Org, Params, Person, Territory, allocate,
};
use proptest::prelude::*;

fn d(s: &str) -> Date {
    parse_date(s).unwrap()
}

fn money(s: &str) -> Money {
    Money::parse(s).unwrap()
}

/// A person row: `(id, role, home territory, manager, hire, end)`.
type P<'a> = (
    &'a str,
    Role,
    Option<&'a str>,
    Option<&'a str>,
    Option<&'a str>,
    Option<&'a str>,
);

fn rep<'a>(id: &'a str, leaf: &'a str, manager: Option<&'a str>) -> P<'a> {
    (id, Role::Rep, Some(leaf), manager, None, None)
}

/// Builds an organisation from `(id, parent)` territories and person rows; weights by id.
fn org(territories: &[(&str, Option<&str>)], people: &[P<'_>]) -> Org {
    let t_ix = |id: &str| territories.iter().position(|t| t.0 == id).unwrap();
    let p_ix = |id: &str| people.iter().position(|p| p.0 == id).unwrap();
    Org {
        calendar: FiscalCalendar::default(),
        territories: territories
            .iter()
            .map(|(id, parent)| Territory {
                id: (*id).to_owned(),
                parent: parent.map(t_ix),
            })
            .collect(),
        people: people
            .iter()
            .map(|(id, role, territory, manager, hire, end)| Person {
                id: (*id).to_owned(),
                role: *role,
                territory: territory.map(t_ix),
                manager: manager.map(p_ix),
                hire: hire.map(d),
                end: end.map(d),
            })
            .collect(),
        territory_weights: Vec::new(),
        person_weights: Vec::new(),
    }
}

fn params(total: &str) -> Params {
    Params::new(2026, Metric::Bookings, money(total)).unwrap()
}

fn node<'a>(a: &'a Allocation, id: &str) -> &'a attain_planning::NodePlan {
    a.nodes.iter().find(|n| n.territory_id == id).unwrap()
}

fn person<'a>(a: &'a Allocation, id: &str) -> &'a attain_planning::PersonPlan {
    a.people.iter().find(|p| p.person_id == id).unwrap()
}

fn annual(a: &Allocation, id: &str) -> String {
    node(a, id).annual.to_string()
}

/// Months as text, for comparing with hand-worked figures.
fn months(m: &[Money; 12]) -> Vec<String> {
    m.iter().map(ToString::to_string).collect()
}

fn cents(values: [i64; 12]) -> Vec<String> {
    values
        .iter()
        .map(|c| Money::from_cents(*c).to_string())
        .collect()
}

#[test]
fn the_leftover_unit_goes_to_the_smaller_id_in_byte_order_when_fractions_tie() {
    // 100 units in three: 33 each and one left over, all fractions equal: to "B" ('B' < 'a').
    let o = org(
        &[
            ("co", None),
            ("b", Some("co")),
            ("a", Some("co")),
            ("B", Some("co")),
        ],
        &[],
    );
    let a = allocate(&o, &params("100")).unwrap();
    assert_eq!(annual(&a, "B"), "34.00");
    assert_eq!(annual(&a, "a"), "33.00");
    assert_eq!(annual(&a, "b"), "33.00");
    // Children are listed in byte order under their parent.
    let ids: Vec<&str> = a.nodes.iter().map(|n| n.territory_id.as_str()).collect();
    assert_eq!(ids, ["co", "B", "a", "b"]);
}

#[test]
fn targets_are_whole_units_at_every_level() {
    // 1,000.00 in units of 100.00 is 10 units: 4, 3, 3; then "a"'s 4 units in two: 2 and 2.
    let o = org(
        &[
            ("co", None),
            ("a", Some("co")),
            ("b", Some("co")),
            ("c", Some("co")),
            ("a1", Some("a")),
            ("a2", Some("a")),
        ],
        &[],
    );
    let mut p = params("1000");
    p.unit = money("100");
    let a = allocate(&o, &p).unwrap();
    assert_eq!(
        ["a", "b", "c", "a1", "a2"].map(|id| annual(&a, id)),
        ["400.00", "300.00", "300.00", "200.00", "200.00"]
    );
    p.total = money("1050");
    assert_eq!(
        allocate(&o, &p).unwrap_err().to_string(),
        "--total 1050.00 is not a multiple of --unit 100.00"
    );
}

#[test]
fn weighted_children_get_their_share_and_the_largest_fraction_the_leftover() {
    // Weights 1, 2 and -5 (counts as 0) on 10.00: 3.33, 6.67, 0 → 3, 6 and the leftover to y.
    let mut o = org(
        &[
            ("co", None),
            ("x", Some("co")),
            ("y", Some("co")),
            ("z", Some("co")),
        ],
        &[],
    );
    o.territory_weights = vec![99, 1, 2, -5];
    for basis in [Basis::PriorYear, Basis::Potential] {
        let mut p = params("10");
        p.basis = basis;
        let a = allocate(&o, &p).unwrap();
        assert_eq!(
            ["x", "y", "z"].map(|id| annual(&a, id)),
            ["3.00", "7.00", "0.00"]
        );
    }
    // The equal basis ignores the weights.
    let a = allocate(&o, &params("10")).unwrap();
    assert_eq!(
        ["x", "y", "z"].map(|id| annual(&a, id)),
        ["4.00", "3.00", "3.00"]
    );
}

#[test]
fn children_whose_weights_are_all_zero_or_negative_are_weighed_equally() {
    let mut o = org(&[("co", None), ("x", Some("co")), ("y", Some("co"))], &[]);
    o.territory_weights = vec![0, 0, -3];
    let mut p = params("5");
    p.basis = Basis::PriorYear;
    let a = allocate(&o, &p).unwrap();
    assert_eq!(["x", "y"].map(|id| annual(&a, id)), ["3.00", "2.00"]);
}

#[test]
fn over_assignment_gives_the_reps_more_than_the_leaf_rounded_half_to_even_in_units() {
    // 1,015.00 × 1.10 = 1,116.50 → 1,116 units (half to even); three reps: 372 each.
    let o = org(
        &[("co", None)],
        &[
            rep("r1", "co", None),
            rep("r2", "co", None),
            rep("r3", "co", None),
        ],
    );
    let mut p = params("1015");
    p.overassign = Percent::parse("10").unwrap();
    let a = allocate(&o, &p).unwrap();
    let leaf = node(&a, "co");
    assert_eq!(leaf.overassigned, money("101"));
    assert_eq!(
        ["r1", "r2", "r3"].map(|r| person(&a, r).assigned.to_string()),
        ["372.00", "372.00", "372.00"]
    );
    // 1,005.00 × 1.10 = 1,105.50 → 1,106 (half to even); 368.67 each: 369, 369, 368 by id.
    p.total = money("1005");
    let a = allocate(&o, &p).unwrap();
    assert_eq!(node(&a, "co").overassigned, money("101"));
    assert_eq!(
        ["r1", "r2", "r3"].map(|r| person(&a, r).assigned.to_string()),
        ["369.00", "369.00", "368.00"]
    );
    // The leaf itself keeps its own target.
    assert_eq!(node(&a, "co").annual, money("1005"));
}

#[test]
fn reps_share_a_leaf_by_last_years_credit_and_a_new_hire_gets_the_veterans_mean() {
    // v1 300, v2 100 (both employed since 2025-01-01), n1 hired 2025-06-01: the mean, 200.
    let mut o = org(
        &[("co", None)],
        &[
            ("n1", Role::Rep, Some("co"), None, Some("2025-06-01"), None),
            ("v1", Role::Rep, Some("co"), None, Some("2020-03-01"), None),
            ("v2", Role::Rep, Some("co"), None, Some("2025-01-01"), None),
        ],
    );
    o.person_weights = vec![5_000, 300, 100];
    let mut p = params("600");
    p.basis = Basis::PriorYear;
    let a = allocate(&o, &p).unwrap();
    assert_eq!(
        ["v1", "v2", "n1"].map(|r| person(&a, r).assigned.to_string()),
        ["300.00", "100.00", "200.00"]
    );
    // A negative credit counts as 0, in the mean too: v1 300, v2 0, n1 150 of 450 → 400, 0, 200.
    o.person_weights = vec![5_000, 300, -100];
    let a = allocate(&o, &p).unwrap();
    assert_eq!(
        ["v1", "v2", "n1"].map(|r| person(&a, r).assigned.to_string()),
        ["400.00", "0.00", "200.00"]
    );
    // With only new hires every rep weighs 1; the potential basis divides equally.
    let mut o = org(
        &[("co", None)],
        &[
            ("n1", Role::Rep, Some("co"), None, Some("2025-06-01"), None),
            ("n2", Role::Rep, Some("co"), None, Some("2025-02-01"), None),
        ],
    );
    o.person_weights = vec![10, 1_000];
    let a = allocate(&o, &p).unwrap();
    assert_eq!(person(&a, "n1").assigned, money("300"));
    p.basis = Basis::Potential;
    let mut o2 = o.clone();
    o2.person_weights = vec![1, 1_000_000];
    let a = allocate(&o2, &p).unwrap();
    assert_eq!(person(&a, "n2").assigned, money("300"));
}

#[test]
fn only_reps_employed_during_the_year_at_their_home_leaf_carry_it() {
    let o = org(
        &[("co", None), ("east", Some("co")), ("west", Some("co"))],
        &[
            (
                "gone",
                Role::Rep,
                Some("east"),
                None,
                None,
                Some("2025-12-31"),
            ),
            (
                "later",
                Role::Rep,
                Some("east"),
                None,
                Some("2027-01-01"),
                None,
            ),
            ("mgr", Role::Manager, Some("east"), None, None, None),
            ("top", Role::Rep, Some("co"), None, None, None),
            (
                "w1",
                Role::Rep,
                Some("west"),
                None,
                None,
                Some("2026-01-01"),
            ),
        ],
    );
    let a = allocate(&o, &params("1200")).unwrap();
    let reps: Vec<&str> = a
        .people
        .iter()
        .filter(|p| matches!(p.carries, Carries::Leaf(_)))
        .map(|p| p.person_id.as_str())
        .collect();
    assert_eq!(reps, ["w1"]);
    // A leaf without a rep keeps its target, unassigned.
    let east = node(&a, "east");
    assert_eq!((east.reps, east.unassigned), (0, money("600")));
    assert_eq!(months(&east.months)[0], "50.00");
    assert_eq!(node(&a, "west").unassigned, Money::ZERO);
    assert_eq!(a.summary().unassigned_leaves, 1);
}

#[test]
fn months_follow_the_seasonality_with_leftover_cents_to_the_earlier_month() {
    // 100.00 in equal months: 8.33 each and 4 cents left, to months 1–4.
    let o = org(&[("co", None)], &[rep("r", "co", None)]);
    let a = allocate(&o, &params("100")).unwrap();
    assert_eq!(
        months(&node(&a, "co").months),
        cents([834, 834, 834, 834, 833, 833, 833, 833, 833, 833, 833, 833])
    );
    assert_eq!(
        months(&person(&a, "r").months),
        months(&node(&a, "co").months)
    );
    // 1.00 by 10, 10, 5 ×4, 10 ×6 percent: exact cents.
    let mut p = params("1");
    p.seasonality =
        Some([10, 10, 5, 5, 5, 5, 10, 10, 10, 10, 10, 10].map(|v| Percent::from_units(v * 10_000)));
    let a = allocate(&o, &p).unwrap();
    assert_eq!(
        months(&node(&a, "co").months),
        cents([10, 10, 5, 5, 5, 5, 10, 10, 10, 10, 10, 10])
    );
    // 0.07 by the same: 0.7, 0.7, 0.35 ×4, 0.7 ×6 → floors 0; 7 cents to the largest fractions
    // (the eight 0.7s), ties to the earlier month: months 1, 2, 7, 8, 9, 10, 11.
    p.unit = money("0.01");
    p.total = money("0.07");
    let a = allocate(&o, &p).unwrap();
    assert_eq!(
        months(&node(&a, "co").months),
        cents([1, 1, 0, 0, 0, 0, 1, 1, 1, 1, 1, 0])
    );
}

#[test]
fn a_hire_gets_nothing_before_the_hire_month_and_the_ramp_after_it() {
    // 1,200.00 → 100.00 a month; hired 15 April: months 1–3 are 0, April 50 %, May 75 %.
    let o = org(
        &[("co", None)],
        &[("h", Role::Rep, Some("co"), None, Some("2026-04-15"), None)],
    );
    let mut p = params("1200");
    p.ramp = vec![Percent::parse("50").unwrap(), Percent::parse("75").unwrap()];
    let a = allocate(&o, &p).unwrap();
    let h = person(&a, "h");
    assert_eq!(
        months(&h.months),
        cents([
            0, 0, 0, 5000, 7500, 10000, 10000, 10000, 10000, 10000, 10000, 10000
        ])
    );
    assert_eq!((h.hire_gap, h.ramp_gap), (money("300"), money("75")));
    assert_eq!(h.assigned, money("1200"));
    // Not re-spread: the leaf keeps 100.00 a month and reconciles through the gaps.
    let leaf = node(&a, "co");
    assert_eq!(months(&leaf.months)[0], "100.00");
    assert_eq!((leaf.hire_gap, leaf.ramp_gap), (money("300"), money("75")));
}

#[test]
fn the_ramp_rounds_each_month_half_to_even_and_only_applies_to_hires_of_the_year() {
    // 1,000.00 → 83.34 ×4, 83.33 ×8; hired in May: May 83.33 × 50 % = 41.665 → 41.66 (even),
    // June 83.33 × 50 % → 41.66 too.
    let o = org(
        &[("co", None)],
        &[
            ("h", Role::Rep, Some("co"), None, Some("2026-05-01"), None),
            ("old", Role::Rep, Some("co"), None, Some("2025-05-01"), None),
        ],
    );
    let mut p = params("2000");
    p.ramp = vec![Percent::parse("50").unwrap(); 2];
    let a = allocate(&o, &p).unwrap();
    let h = person(&a, "h");
    assert_eq!(months(&h.months)[4], "41.66");
    assert_eq!(months(&h.months)[5], "41.66");
    assert_eq!(h.ramp_gap, money("83.34"));
    assert_eq!(person(&a, "old").ramp_gap, Money::ZERO);
    assert_eq!(person(&a, "old").annual(), money("1000"));
}

#[test]
fn a_leaver_gets_nothing_after_the_end_month() {
    let o = org(
        &[("co", None)],
        &[("l", Role::Rep, Some("co"), None, None, Some("2026-09-30"))],
    );
    let mut p = params("1200");
    p.ramp = vec![Percent::parse("10").unwrap()]; // not a hire of the year: no ramp
    let a = allocate(&o, &p).unwrap();
    let l = person(&a, "l");
    assert_eq!(
        months(&l.months),
        cents([
            10000, 10000, 10000, 10000, 10000, 10000, 10000, 10000, 10000, 0, 0, 0
        ])
    );
    assert_eq!((l.leaver_gap, l.ramp_gap), (money("300"), Money::ZERO));
    assert_eq!(node(&a, "co").leaver_gap, money("300"));
}

#[test]
fn hire_and_end_months_follow_the_fiscal_calendar() {
    // A year starting in April: hired 2026-06-10 is fiscal month 3; leaving 2027-01-31 month 10.
    let mut o = org(
        &[("co", None)],
        &[(
            "x",
            Role::Rep,
            Some("co"),
            None,
            Some("2026-06-10"),
            Some("2027-01-31"),
        )],
    );
    o.calendar = FiscalCalendar::new(4, NamedBy::Start).unwrap();
    let a = allocate(&o, &params("1200")).unwrap();
    assert_eq!(
        months(&person(&a, "x").months),
        cents([
            0, 0, 10000, 10000, 10000, 10000, 10000, 10000, 10000, 10000, 0, 0
        ])
    );
}

#[test]
fn leaders_carry_the_sum_of_the_reps_below_them_on_the_first_day_of_the_year() {
    // d1 → m1 → r1, r2; d1 → r3 (a rep carrying a leaf) → r4. Every rep 120.00 (10.00 a month).
    let o = org(
        &[("co", None), ("l1", Some("co")), ("l2", Some("co"))],
        &[
            ("d1", Role::Director, None, None, None, None),
            ("m1", Role::Manager, Some("l1"), Some("d1"), None, None),
            rep("r1", "l1", Some("m1")),
            rep("r2", "l1", Some("m1")),
            rep("r3", "l2", Some("d1")),
            rep("r4", "l2", Some("r3")),
            ("ops", Role::SalesOps, None, None, None, None),
        ],
    );
    let a = allocate(&o, &params("480")).unwrap();
    let ten = |n: i64| cents([1000 * n; 12]);
    assert_eq!(months(&person(&a, "m1").months), ten(2));
    assert_eq!(person(&a, "m1").carries, Carries::Reps(2));
    assert_eq!(months(&person(&a, "d1").months), ten(4));
    // A rep who carries a leaf keeps their own target; a rep below them still counts above.
    assert_eq!(months(&person(&a, "r3").months), ten(1));
    assert!(a.people.iter().all(|p| p.person_id != "ops"));
    assert_eq!(a.summary().leaders, 2);
}

#[test]
fn company_rows_are_the_roots_months_under_the_roots_id() {
    let o = org(
        &[("acme", None), ("a", Some("acme"))],
        &[rep("r", "a", None)],
    );
    let a = allocate(&o, &params("1200")).unwrap();
    let rows = a.target_rows();
    let company: Vec<_> = rows.iter().filter(|r| r.scope == Scope::Company).collect();
    assert_eq!(company.len(), 12);
    assert!(
        company
            .iter()
            .all(|r| r.scope_id == "acme" && r.amount == money("100"))
    );
    // Company, two territories and one person, twelve months each.
    assert_eq!(rows.len(), 4 * 12);
}

#[test]
fn territories_that_are_not_one_tree_are_refused() {
    let two_roots = org(&[("a", None), ("b", None)], &[]);
    assert_eq!(
        allocate(&two_roots, &params("1")).unwrap_err().to_string(),
        "the territories have 2 roots (a, b); planning needs one tree"
    );
    let cycle = org(&[("co", None), ("x", Some("y")), ("y", Some("x"))], &[]);
    assert!(matches!(
        allocate(&cycle, &params("1")),
        Err(AllocError::Tree(_))
    ));
}

/// A random organisation: a tree of up to 40 territories (each parent before its children),
/// reps on random territories with random hire and end dates, a few leaders, random weights.
fn arb_org() -> impl Strategy<Value = Org> {
    let dates = prop::option::of(0i64..1100);
    (
        prop::collection::vec(any::<prop::sample::Index>(), 0..40),
        prop::collection::vec(
            (any::<prop::sample::Index>(), dates.clone(), dates, 0u8..4),
            0..60,
        ),
        prop::collection::vec(-50i128..10_000, 41),
        prop::collection::vec(-50i128..10_000, 60),
    )
        .prop_map(|(parents, people, tw, pw)| {
            let mut territories = vec![Territory {
                id: "t000".into(),
                parent: None,
            }];
            for (i, p) in parents.iter().enumerate() {
                territories.push(Territory {
                    id: format!("t{:03}", i + 1),
                    parent: Some(p.index(i + 1)),
                });
            }
            let base = d("2025-01-01");
            let n = territories.len();
            let people = people
                .iter()
                .enumerate()
                .map(|(i, (t, hire, end, role))| Person {
                    id: format!("p{i:03}"),
                    role: if *role == 0 { Role::Manager } else { Role::Rep },
                    territory: Some(t.index(n)),
                    hire: hire.map(|h| base + chrono::Duration::days(h)),
                    end: end.map(|e| base + chrono::Duration::days(e)),
                    // Managers are the people before: a forest.
                    manager: (i > 0).then(|| t.index(i)),
                })
                .collect();
            Org {
                calendar: FiscalCalendar::default(),
                territories,
                people,
                territory_weights: tw,
                person_weights: pw,
            }
        })
}

fn arb_params() -> impl Strategy<Value = Params> {
    (
        0i64..2_000_000,
        prop::sample::select(vec![1i64, 100, 2_500]),
        prop::sample::select(Basis::ALL.to_vec()),
        0i64..300_000,
        prop::option::of(prop::collection::vec(0i64..20, 12)),
        prop::collection::vec(0i64..1_000_000, 0..4),
    )
        .prop_map(|(units, unit, basis, over, season, ramp)| {
            let mut p = Params::new(2026, Metric::Revenue, Money::ZERO).unwrap();
            p.total = Money::from_cents(units * unit);
            p.unit = Money::from_cents(unit);
            p.basis = basis;
            p.overassign = Percent::from_units(over);
            // Twelve weights scaled to sum to exactly 100 %: the remainder goes to month 12.
            p.seasonality = season.filter(|s| s.iter().sum::<i64>() > 0).map(|s| {
                let total: i64 = s.iter().sum();
                let mut units: Vec<i64> = s.iter().map(|v| v * 1_000_000 / total).collect();
                units[11] += 1_000_000 - units.iter().sum::<i64>();
                let mut out = [Percent::from_units(0); 12];
                for (o, u) in out.iter_mut().zip(units) {
                    *o = Percent::from_units(u);
                }
                out
            });
            p.ramp = ramp.into_iter().map(Percent::from_units).collect();
            p
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn every_level_sums_exactly_to_the_level_above_in_every_month(o in arb_org(), p in arb_params()) {
        let a = allocate(&o, &p).unwrap();
        let mut child_months = vec![[Money::ZERO; 12]; a.nodes.len()];
        let mut child_annual = vec![Money::ZERO; a.nodes.len()];
        for n in &a.nodes {
            // Months of a node sum to its annual target, a multiple of the unit.
            prop_assert_eq!(n.months.iter().copied().sum::<Money>(), n.annual);
            prop_assert_eq!(n.annual.cents() % p.unit.cents(), 0);
            if let Some(parent) = n.parent {
                child_annual[parent] += n.annual;
                for (acc, v) in child_months[parent].iter_mut().zip(n.months) {
                    *acc += v;
                }
            }
        }
        for (i, n) in a.nodes.iter().enumerate().filter(|(_, n)| !n.leaf) {
            prop_assert_eq!(child_annual[i], n.annual);
            prop_assert_eq!(child_months[i], n.months);
        }
        prop_assert_eq!(a.nodes[0].annual, p.total);
        prop_assert_eq!(a.company(), a.nodes[0].months);

        // Leaf → reps: the pool is shared exactly; months plus gaps give back each share.
        let mut pool = vec![Money::ZERO; a.nodes.len()];
        for person in &a.people {
            if let Carries::Leaf(leaf) = person.carries {
                pool[leaf] += person.assigned;
                prop_assert_eq!(
                    person.annual() + person.hire_gap + person.leaver_gap + person.ramp_gap,
                    person.assigned
                );
                prop_assert!(person.months.iter().all(|m| !m.is_negative()));
            }
        }
        for (i, n) in a.nodes.iter().enumerate().filter(|(_, n)| n.leaf) {
            if n.reps == 0 {
                prop_assert_eq!(n.unassigned, n.annual);
            } else {
                prop_assert_eq!(pool[i], n.annual + n.overassigned);
            }
        }

        // Leaders: the month-by-month sum of the reps below them.
        let idx = |id: &str| o.people.iter().position(|q| q.id == id).unwrap();
        let carrying: Vec<usize> = a.people.iter()
            .filter(|q| matches!(q.carries, Carries::Leaf(_)))
            .map(|q| idx(&q.person_id))
            .collect();
        for leader in a.people.iter().filter(|q| matches!(q.carries, Carries::Reps(_))) {
            let l = idx(&leader.person_id);
            let mut want = [Money::ZERO; 12];
            for rp in a.people.iter().filter(|q| matches!(q.carries, Carries::Leaf(_))) {
                let mut at = o.people[idx(&rp.person_id)].manager;
                while let Some(m) = at {
                    if m == l {
                        for (acc, v) in want.iter_mut().zip(rp.months) { *acc += v; }
                        break;
                    }
                    at = o.people[m].manager;
                }
            }
            prop_assert!(!carrying.contains(&l));
            prop_assert_eq!(leader.months, want);
        }
    }

    #[test]
    fn the_same_inputs_give_the_same_allocation(o in arb_org(), p in arb_params()) {
        prop_assert_eq!(allocate(&o, &p).unwrap(), allocate(&o.clone(), &p.clone()).unwrap());
    }
}
