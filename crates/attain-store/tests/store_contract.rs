//! The store contract: the same behaviour on SQLite and on PostgreSQL (when
//! `ATTAIN_TEST_POSTGRES_URL` names a server).

#![allow(clippy::unwrap_used)] // a test that fails should panic

use attain_domain::{Money, parse_date};
use attain_store::testing::TestDb;
use attain_store::{Executor, Value, params};

fn each_backend(test: impl Fn(&TestDb)) {
    for db in TestDb::all().expect("test databases can be created") {
        test(&db);
    }
}

#[test]
fn values_of_every_kind_round_trip() {
    each_backend(|db| {
        let mut conn = db.conn().unwrap();
        let date = parse_date("2026-02-28").unwrap();
        conn.execute(
            "INSERT INTO people (person_id, name, role, hire_date, end_date) VALUES ($1, $2, $3, $4, $5)",
            params!["p1", "Ann Ó'Brien", "rep", date, Value::Null],
        )
        .unwrap();
        conn.execute(
            "INSERT INTO accounts (account_id, name, territory_id, annual_revenue, key_account) VALUES ($1, $2, $3, $4, $5)",
            params!["a1", "Acme", "t1", Money::from_cents(-123_456_789_012), true],
        )
        .unwrap();
        let row = conn
            .query_one(
                "SELECT name, hire_date, end_date FROM people WHERE person_id = $1",
                params!["p1"],
            )
            .unwrap();
        assert_eq!(row.text(0).unwrap(), "Ann Ó'Brien");
        assert_eq!(row.date(1).unwrap(), date);
        assert_eq!(row.opt_date(2).unwrap(), None);
        let row = conn
            .query_one(
                "SELECT annual_revenue, key_account FROM accounts WHERE account_id = $1",
                params!["a1"],
            )
            .unwrap();
        assert_eq!(row.money(0).unwrap(), Money::from_cents(-123_456_789_012));
        assert!(row.bool(1).unwrap());
    });
}

#[test]
fn placeholders_bind_by_number_not_by_position() {
    each_backend(|db| {
        let mut conn = db.conn().unwrap();
        conn.execute(
            "INSERT INTO settings (value, key) VALUES ($2, $1)",
            params!["currency", "EUR"],
        )
        .unwrap();
        let row = conn
            .query_one(
                "SELECT value FROM settings WHERE key = $1",
                params!["currency"],
            )
            .unwrap();
        assert_eq!(row.text(0).unwrap(), "EUR");
    });
}

#[test]
fn a_duplicate_key_is_a_conflict_and_a_savepoint_keeps_the_transaction_usable() {
    each_backend(|db| {
        let mut conn = db.conn().unwrap();
        let mut tx = conn.transaction().unwrap();
        tx.execute(
            "INSERT INTO settings (key, value) VALUES ($1, $2)",
            params!["a", "1"],
        )
        .unwrap();
        let err = tx
            .savepoint(|tx| {
                tx.execute(
                    "INSERT INTO settings (key, value) VALUES ($1, $2)",
                    params!["a", "2"],
                )
            })
            .unwrap_err();
        assert!(err.is_conflict(), "{err}");
        tx.execute(
            "INSERT INTO settings (key, value) VALUES ($1, $2)",
            params!["b", "3"],
        )
        .unwrap();
        tx.commit().unwrap();
        let rows = conn
            .query("SELECT key, value FROM settings ORDER BY key", &[])
            .unwrap();
        let got: Vec<(String, String)> = rows
            .iter()
            .map(|r| (r.string(0).unwrap(), r.string(1).unwrap()))
            .collect();
        assert_eq!(
            got,
            vec![("a".into(), "1".into()), ("b".into(), "3".into())]
        );
    });
}

#[test]
fn a_transaction_dropped_without_commit_writes_nothing() {
    each_backend(|db| {
        let mut conn = db.conn().unwrap();
        {
            let mut tx = conn.transaction().unwrap();
            tx.execute(
                "INSERT INTO settings (key, value) VALUES ($1, $2)",
                params!["x", "y"],
            )
            .unwrap();
        }
        let n = conn
            .query_one("SELECT COUNT(*) FROM settings", &[])
            .unwrap()
            .int(0)
            .unwrap();
        assert_eq!(n, 0);
    });
}

#[test]
fn sums_of_money_are_exact_integers_on_both_databases() {
    each_backend(|db| {
        let mut conn = db.conn().unwrap();
        for (i, cents) in [1i64, 2, -3, 9_000_000_000_000_000 / 4].iter().enumerate() {
            conn.execute(
                "INSERT INTO targets (scope, scope_id, year, month, metric, amount) VALUES ('person', 'p', 2026, $1, 'bookings', $2)",
                params![i as i64 + 1, *cents],
            )
            .unwrap();
        }
        let total = conn
            .query_one("SELECT CAST(SUM(amount) AS BIGINT) FROM targets", &[])
            .unwrap()
            .int(0)
            .unwrap();
        assert_eq!(total, 2_250_000_000_000_000);
    });
}

#[test]
fn opening_twice_migrates_once() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("a.db").display());
    attain_store::Store::open(&url).unwrap();
    let store = attain_store::Store::open(&url).unwrap();
    let n = store
        .conn()
        .unwrap()
        .query_one("SELECT COUNT(*) FROM attain_migrations", &[])
        .unwrap()
        .int(0)
        .unwrap();
    assert_eq!(n, 4, "migrations 1, 2, 3 and 5");
}

#[test]
fn bad_urls_are_refused_with_a_sentence() {
    let err = attain_store::Store::open("mysql://x")
        .unwrap_err()
        .to_string();
    assert!(
        err.starts_with("unsupported database URL 'mysql://x'"),
        "{err}"
    );
    let err = attain_store::Store::open("sqlite:///no/such/folder/x.db")
        .unwrap_err()
        .to_string();
    assert!(err.contains("does not exist"), "{err}");
}
