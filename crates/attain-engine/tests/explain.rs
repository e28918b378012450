//! One person's slice of a year and what it explains, on the worked example, on SQLite and on
//! PostgreSQL (when `ATTAIN_TEST_POSTGRES_URL` names a server).

#![allow(clippy::unwrap_used)] // a test that fails should panic

use attain_dataset::{NoProgress, Source};
use attain_domain::vocab::Metric;
use attain_domain::{Money, Percent};
use attain_engine::calculate;
use attain_engine::explain::{Deal, Reached, credits_behind, reached, what_if};
use attain_engine::load::load;
use attain_engine::person::{load_person, plan_components};
use attain_store::Store;
use attain_store::testing::TestDb;
use std::path::Path;

fn each_worked_example(test: impl Fn(&Store)) {
    for db in TestDb::all().expect("test databases can be created") {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/worked");
        let source = Source::from_dir(&dir).unwrap();
        attain_dataset::import(&db.store, &source, "test", &NoProgress).unwrap();
        test(&db.store);
    }
}

fn money(s: &str) -> Money {
    Money::parse(s).unwrap()
}

#[test]
fn a_persons_slice_calculates_exactly_their_figures_of_the_whole_year() {
    each_worked_example(|store| {
        let mut conn = store.conn().unwrap();
        let whole = calculate(&load(&mut conn, 2026, &NoProgress).unwrap()).unwrap();
        for person in ["r1", "m1", "r2"] {
            let slice = calculate(&load_person(&mut conn, 2026, person, 1..=12).unwrap()).unwrap();
            let mine = |rows: &[attain_engine::PayoutRow]| -> Vec<_> {
                rows.iter()
                    .filter(|r| r.person_id == person)
                    .map(|r| (r.month, r.period_credit, r.earned_to_date, r.payout))
                    .collect()
            };
            assert_eq!(mine(&slice.payouts), mine(&whole.payouts), "{person}");
            let credits = |rows: &[attain_engine::CreditRow]| -> Vec<_> {
                rows.iter()
                    .filter(|r| r.person_id == person)
                    .map(|r| (r.month, r.direct, r.override_credit))
                    .collect()
            };
            assert_eq!(credits(&slice.credits), credits(&whole.credits), "{person}");
        }
    });
}

#[test]
fn the_transactions_behind_a_credit_show_splits_reversals_and_override() {
    each_worked_example(|store| {
        let mut conn = store.conn().unwrap();
        let jan = load_person(&mut conn, 2026, "r1", 1..=1).unwrap();
        let behind = credits_behind(&jan, "r1", 1, Metric::Bookings);
        assert_eq!(behind.direct.len(), 1);
        let x1 = &behind.direct[0];
        assert_eq!(x1.transaction_id, "x1");
        assert_eq!(x1.value, money("50000"));
        assert_eq!(x1.credit, money("35000"));
        assert_eq!(x1.percent, None, "the owner keeps the rest");
        assert_eq!(
            x1.splits,
            vec![("r2".to_owned(), Percent::parse("30").unwrap())]
        );
        assert!(behind.overriding.is_empty());

        let apr = load_person(&mut conn, 2026, "r1", 4..=4).unwrap();
        let behind = credits_behind(&apr, "r1", 4, Metric::Bookings);
        let x4 = &behind.direct[0];
        assert_eq!(x4.transaction_id, "x4");
        assert_eq!(x4.credit, money("-40000"));
        assert_eq!(x4.reverses.as_deref(), Some("x2"));

        // m1's override is r1's credit; r2 (who reports to nobody) shares x1 directly.
        let m1 = load_person(&mut conn, 2026, "m1", 1..=1).unwrap();
        let behind = credits_behind(&m1, "m1", 1, Metric::Bookings);
        assert!(behind.direct.is_empty());
        assert_eq!(behind.override_total(), money("35000"));
        assert_eq!(behind.overriding[0].credited, "r1");
        let r2 = load_person(&mut conn, 2026, "r2", 1..=1).unwrap();
        let behind = credits_behind(&r2, "r2", 1, Metric::Bookings);
        assert_eq!(behind.direct_total(), money("15000"));
        assert_eq!(
            behind.direct[0].percent,
            Some(Percent::parse("30").unwrap())
        );
    });
}

#[test]
fn the_band_reached_follows_the_attainment() {
    each_worked_example(|store| {
        let mut conn = store.conn().unwrap();
        let c = &plan_components(&mut conn, "std").unwrap()[0];
        let band = |credit: &str| match reached(c, money(credit), money("120000")) {
            Reached::Band { number, .. } => number,
            other => panic!("{other:?}"),
        };
        assert_eq!(band("35000"), 1);
        assert_eq!(band("75000"), 2);
        assert_eq!(band("120000"), 3, "exactly 100 % is the third band");
        assert_eq!(band("-5000"), 1, "a clawback is charged at the first band");
        assert_eq!(reached(c, money("1"), Money::ZERO), Reached::NoTarget);
    });
}

#[test]
fn a_what_if_deal_changes_the_estimate_and_nothing_else() {
    each_worked_example(|store| {
        let mut conn = store.conn().unwrap();
        let inputs = load_person(&mut conn, 2026, "r1", 1..=12).unwrap();
        let deal = Deal {
            month: 5,
            metric: Metric::Bookings,
            amount: money("25000"),
        };
        let w = what_if(&inputs, "r1", &deal).unwrap();
        let may = |rows: &[attain_engine::PayoutRow]| {
            rows.iter().find(|r| r.month == 5).cloned().unwrap()
        };
        assert_eq!(may(&w.today).payout, Money::ZERO);
        assert_eq!(may(&w.today).period_credit, money("95000"));
        // C = 120,000: 1,200 + 0.05 × 60,000 = 4,200; earned to date was 2,950.
        assert_eq!(may(&w.with_deal).period_credit, money("120000"));
        assert_eq!(may(&w.with_deal).earned_to_date, money("4200"));
        assert_eq!(may(&w.with_deal).payout, money("1250"));
        assert_eq!(
            w.statements_with_deal
                .iter()
                .find(|s| s.month == 5)
                .unwrap()
                .total,
            money("1250")
        );
        // A metric the plan does not pay on changes nothing.
        let revenue = Deal {
            metric: Metric::Revenue,
            ..deal
        };
        let w = what_if(&inputs, "r1", &revenue).unwrap();
        assert_eq!(w.today, w.with_deal);
    });
}
