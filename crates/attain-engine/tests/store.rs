//! The engine against the store, on SQLite and on PostgreSQL (when `ATTAIN_TEST_POSTGRES_URL`
//! names a server): import, calculate, lock, unlock, export the results files.

#![allow(clippy::unwrap_used)] // a test that fails should panic

use attain_dataset::{NoProgress, Source};
use attain_engine::export::{ResultsExportError, export_results};
use attain_engine::load::load;
use attain_engine::{EngineError, calculate, run_calc, run_lock, run_unlock};
use attain_store::testing::TestDb;
use attain_store::{Executor, Store};
use std::path::{Path, PathBuf};

/// The worked example of the spec (shared/spec/examples/worked), copied beside the tests.
fn worked_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/worked")
}

fn each_backend(test: impl Fn(&Store)) {
    for db in TestDb::all().expect("test databases can be created") {
        test(&db.store);
    }
}

fn import_dir(store: &Store, dir: &Path) {
    let source = Source::from_dir(dir).unwrap();
    attain_dataset::import(store, &source, "test", &NoProgress).unwrap();
}

/// Imports files given as `(name, content)`.
fn import_files(store: &Store, files: &[(&str, &str)]) {
    let source = Source::from_memory(
        files
            .iter()
            .map(|(n, c)| ((*n).to_owned(), c.as_bytes().to_vec()))
            .collect(),
    );
    attain_dataset::import(store, &source, "test", &NoProgress).unwrap();
}

/// Returns `(month, payout, adjustment, locked)` of r1's payout rows as stored.
fn stored_payouts(store: &Store) -> Vec<(i64, i64, Option<i64>, bool)> {
    let mut conn = store.conn().unwrap();
    conn.query(
        "SELECT month, payout, adjustment, locked FROM result_payouts WHERE person_id = 'r1' AND year = 2026 ORDER BY month",
        &[],
    )
    .unwrap()
    .iter()
    .map(|r| {
        (
            r.int(0).unwrap(),
            r.int(1).unwrap(),
            r.opt_int(2).unwrap(),
            r.bool(3).unwrap(),
        )
    })
    .collect()
}

fn count(store: &Store, sql: &str) -> i64 {
    store
        .conn()
        .unwrap()
        .query_one(sql, &[])
        .unwrap()
        .int(0)
        .unwrap()
}

#[test]
fn the_worked_example_reproduces_its_four_expected_files_byte_for_byte() {
    each_backend(|store| {
        import_dir(store, &worked_dir());
        let run = run_calc(store, 2026, "test", &NoProgress).unwrap();
        assert!(run.results.warnings.is_empty());
        let out = tempfile::tempdir().unwrap();
        export_results(store, out.path(), 2026).unwrap();
        for f in [
            "credits.csv",
            "payouts.csv",
            "territory_results.csv",
            "statements.csv",
        ] {
            let got = std::fs::read_to_string(out.path().join(f)).unwrap();
            let want = std::fs::read_to_string(worked_dir().join("expected").join(f)).unwrap();
            assert_eq!(got, want, "{f} on {:?}", store.backend());
        }
    });
}

#[test]
fn a_calculation_run_is_recorded_and_a_second_one_replaces_the_years_results() {
    each_backend(|store| {
        import_dir(store, &worked_dir());
        run_calc(store, 2026, "alice", &NoProgress).unwrap();
        run_calc(store, 2026, "bob", &NoProgress).unwrap();
        assert_eq!(count(store, "SELECT COUNT(*) FROM result_payouts"), 12);
        assert_eq!(count(store, "SELECT COUNT(*) FROM result_credits"), 17);
        assert_eq!(count(store, "SELECT COUNT(*) FROM calc_runs"), 2);
        let row = store
            .conn()
            .unwrap()
            .query_one(
                "SELECT actor, inputs_json, totals_json, warnings_json FROM calc_runs ORDER BY run_id DESC LIMIT 1",
                &[],
            )
            .unwrap();
        assert_eq!(row.text(0).unwrap(), "bob");
        let inputs: serde_json::Value = serde_json::from_str(row.text(1).unwrap()).unwrap();
        assert_eq!(inputs["transactions"], 4);
        let totals: serde_json::Value = serde_json::from_str(row.text(2).unwrap()).unwrap();
        assert_eq!(totals["payout_total"], "2950.00");
        assert_eq!(row.text(3).unwrap(), "[]");
    });
}

#[test]
fn a_failed_calculation_leaves_the_previous_results_intact() {
    each_backend(|store| {
        import_dir(store, &worked_dir());
        run_calc(store, 2026, "test", &NoProgress).unwrap();
        store
            .conn()
            .unwrap()
            .execute(
                "UPDATE settings SET value = '13' WHERE key = 'fiscal_year_start_month'",
                &[],
            )
            .unwrap();
        let err = run_calc(store, 2026, "test", &NoProgress).unwrap_err();
        assert!(matches!(err, EngineError::Refused(_)), "{err}");
        assert_eq!(count(store, "SELECT COUNT(*) FROM result_payouts"), 12);
        assert_eq!(count(store, "SELECT COUNT(*) FROM calc_runs"), 1);
    });
}

#[test]
fn a_late_change_to_a_locked_month_is_paid_as_the_next_months_adjustment() {
    each_backend(|store| {
        import_dir(store, &worked_dir());
        let locked = run_lock(store, 2026, 2, "carol", &NoProgress).unwrap();
        assert_eq!(locked.months.len(), 2);
        assert_eq!(
            count(store, "SELECT COUNT(*) FROM paid WHERE year = 2026"),
            2
        );
        assert_eq!(
            count(
                store,
                "SELECT COUNT(*) FROM audit_log WHERE action = 'lock'"
            ),
            2
        );
        assert_eq!(
            count(
                store,
                "SELECT total FROM closed_statements WHERE person_id = 'r1' AND month = 2"
            ),
            125_000
        );
        // A January booking arrives after January and February were paid.
        import_files(
            store,
            &[(
                "transactions.csv",
                "transaction_id,date,kind,amount,owner_id\nx9,2026-01-20,booking,10000.00,r1\n",
            )],
        );
        run_calc(store, 2026, "test", &NoProgress).unwrap();
        let p = stored_payouts(store);
        assert_eq!(
            p[0],
            (1, 70_000, None, true),
            "January's payout stays as paid"
        );
        assert_eq!(p[1], (2, 125_000, None, true));
        // ETD(2) is now 2,450.00, 1,950.00 was paid: +500.00 in March, with March's own 3,750.00.
        assert_eq!(p[2], (3, 425_000, Some(50_000), false));
        assert_eq!(p[3].2, Some(0));
        let out = tempfile::tempdir().unwrap();
        export_results(store, out.path(), 2026).unwrap();
        let csv = std::fs::read_to_string(out.path().join("payouts.csv")).unwrap();
        assert!(
            csv.contains("r1,std,new,2026,1,45000.00,120000.00,0.375000,900.00,,700.00,true\n"),
            "{csv}"
        );
        assert!(
            csv.contains(
                "r1,std,new,2026,3,145000.00,120000.00,1.208333,6200.00,500.00,4250.00,false\n"
            ),
            "{csv}"
        );
    });
}

#[test]
fn only_the_latest_locked_month_can_be_unlocked_and_the_reason_is_audited() {
    each_backend(|store| {
        import_dir(store, &worked_dir());
        let err = run_unlock(store, 2026, 1, "oops", "dave", &NoProgress).unwrap_err();
        assert!(
            err.to_string().contains("no month of 2026 is locked"),
            "{err}"
        );
        run_lock(store, 2026, 3, "dave", &NoProgress).unwrap();
        let err = run_unlock(store, 2026, 2, "oops", "dave", &NoProgress).unwrap_err();
        assert!(matches!(err, EngineError::Refused(_)));
        assert!(
            err.to_string().contains("only month 3 can be unlocked"),
            "{err}"
        );
        let err = run_unlock(store, 2026, 3, "  ", "dave", &NoProgress).unwrap_err();
        assert!(err.to_string().contains("needs a reason"), "{err}");
        let done = run_unlock(store, 2026, 3, "wrong rate", "dave", &NoProgress).unwrap();
        assert_eq!(done.rows, 1);
        assert_eq!(done.total.to_string(), "3450.00");
        assert_eq!(
            count(store, "SELECT MAX(month) FROM paid WHERE year = 2026"),
            2
        );
        assert_eq!(
            count(
                store,
                "SELECT COUNT(*) FROM closed_statements WHERE month = 3"
            ),
            0
        );
        let row = store
            .conn()
            .unwrap()
            .query_one(
                "SELECT actor, entity_key, after_json FROM audit_log WHERE action = 'unlock'",
                &[],
            )
            .unwrap();
        assert_eq!(row.text(0).unwrap(), "dave");
        assert_eq!(row.text(1).unwrap(), "2026-03");
        assert!(row.text(2).unwrap().contains("wrong rate"));
        let p = stored_payouts(store);
        assert!(p[1].3 && !p[2].3, "month 3 is open again: {p:?}");
    });
}

#[test]
fn locking_with_nothing_to_lock_is_refused_and_exporting_an_uncalculated_year_too() {
    each_backend(|store| {
        let err = run_lock(store, 2026, 1, "erin", &NoProgress).unwrap_err();
        assert!(matches!(err, EngineError::Refused(_)), "{err}");
        let out = tempfile::tempdir().unwrap();
        let err = export_results(store, out.path(), 2026).unwrap_err();
        assert!(matches!(err, ResultsExportError::NotCalculated(2026)));
    });
}

#[test]
fn reversals_of_earlier_years_load_their_originals() {
    each_backend(|store| {
        import_dir(store, &worked_dir());
        import_files(
            store,
            &[
                (
                    "transactions.csv",
                    "transaction_id,date,kind,amount,margin,owner_id,reverses_id\n\
                     old,2025-12-30,booking,1000.00,,r1,\n\
                     undo,2026-01-02,booking,-1000.00,,,old\n\
                     rev,2026-05-03,revenue,300.00,120.50,r2,\n",
                ),
                (
                    "splits.csv",
                    "transaction_id,person_id,percent\nold,r2,12.5\n",
                ),
            ],
        );
        let mut conn = store.conn().unwrap();
        let inputs = load(&mut conn, 2026, &NoProgress).unwrap();
        let a = calculate(&inputs).unwrap();
        let r2 = a
            .credits
            .iter()
            .find(|c| c.person_id == "r2" && c.month == 1)
            .unwrap();
        // 15,000.00 from x1 and −125.00 taken back for last year's sale.
        assert_eq!(r2.direct.to_string(), "14875.00");
        assert_eq!(a.transactions, 6);
        let margin = a
            .credits
            .iter()
            .find(|c| c.person_id == "r2" && c.month == 5 && c.metric.as_str() == "margin")
            .unwrap();
        assert_eq!(margin.direct.to_string(), "120.50");
    });
}
