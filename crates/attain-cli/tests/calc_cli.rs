//! The `attain` binary end to end: import the worked example, calculate, export the results
//! files and compare them byte for byte; lock and refuse an unlock, on every test database.

#![allow(clippy::unwrap_used)] // a test that fails should panic

use attain_store::testing::TestDb;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn worked_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../attain-engine/tests/worked")
}

fn attain(db: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_attain"))
        .arg("--db")
        .arg(db)
        .args(args)
        .env_remove("ATTAIN_DATABASE_URL")
        .output()
        .expect("the attain binary runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn calc_then_export_results_reproduces_the_worked_example_through_the_binary() {
    for db in TestDb::all().expect("test databases can be created") {
        let url = db.store.url();
        let dir = worked_dir();
        let out = attain(&url, &["import", dir.to_str().unwrap()]);
        assert!(out.status.success(), "import: {}", text(&out.stderr));

        let out = attain(&url, &["calc", "--year", "2026"]);
        assert!(out.status.success(), "calc: {}", text(&out.stderr));
        let stdout = text(&out.stdout);
        assert!(
            stdout.contains("fiscal year 2026: 4 transactions credited"),
            "{stdout}"
        );
        assert!(stdout.contains("payouts 2950.00"), "{stdout}");

        let results = tempfile::tempdir().unwrap();
        let path = results.path().to_str().unwrap();
        let out = attain(&url, &["export", "--results", path, "--year", "2026"]);
        assert!(out.status.success(), "export: {}", text(&out.stderr));
        for f in [
            "credits.csv",
            "payouts.csv",
            "territory_results.csv",
            "statements.csv",
        ] {
            let got = std::fs::read(results.path().join(f)).unwrap();
            let want = std::fs::read(dir.join("expected").join(f)).unwrap();
            assert!(got == want, "{f} differs:\n{}", text(&got));
        }

        let out = attain(&url, &["lock", "--year", "2026", "--through", "2"]);
        assert!(out.status.success(), "lock: {}", text(&out.stderr));
        assert!(text(&out.stdout).contains("locked month 2 of 2026: 1 payouts, 1250.00 paid"));

        let out = attain(
            &url,
            &[
                "unlock", "--year", "2026", "--month", "1", "--reason", "typo",
            ],
        );
        assert_eq!(
            out.status.code(),
            Some(1),
            "unlocking a month that is not the latest"
        );
        let stderr = text(&out.stderr);
        assert_eq!(stderr.lines().count(), 1, "one sentence: {stderr}");
        assert!(stderr.contains("only month 2 can be unlocked"), "{stderr}");

        let out = attain(
            &url,
            &[
                "unlock", "--year", "2026", "--month", "2", "--reason", "typo",
            ],
        );
        assert!(out.status.success(), "unlock: {}", text(&out.stderr));

        // The dataset export still works, and now carries the paid month.
        let dataset = tempfile::tempdir().unwrap();
        let out = attain(&url, &["export", dataset.path().to_str().unwrap()]);
        assert!(out.status.success(), "export: {}", text(&out.stderr));
        let paid = std::fs::read_to_string(dataset.path().join("paid.csv")).unwrap();
        assert_eq!(
            paid,
            "person_id,plan_id,component,year,month,amount\nr1,std,new,2026,1,700.00\n"
        );
    }
}

#[test]
fn a_database_that_cannot_be_opened_exits_with_status_three() {
    let out = attain(
        "sqlite:///nonexistent-folder/x.db",
        &["calc", "--year", "2026"],
    );
    assert_eq!(out.status.code(), Some(3));
}
