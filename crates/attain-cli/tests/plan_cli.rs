//! `attain plan` end to end through the binary, on every test database: allocate prints the
//! version, refused options exit 1 with one sentence and write nothing, approve replaces the
//! targets, reconcile prints the table; the allocation page saves exactly what the command saves.

#![allow(clippy::unwrap_used)] // a test that fails should panic

use attain_store::Executor;
use attain_store::testing::TestDb;
use std::path::Path;
use std::process::{Command, Output};

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

/// A company with two leaves, one rep on each, a manager over both.
fn write_company(dir: &Path) {
    let files = [
        (
            "territories.csv",
            "territory_id,name,parent_id\nco,Company,\nnorth,North,co\nsouth,South,co\n",
        ),
        (
            "people.csv",
            "person_id,name,role,manager_id,territory_id,hire_date\n\
             m1,Mae,manager,,co,\nr1,Ray,rep,m1,north,\nr2,Rob,rep,m1,south,2026-07-01\n",
        ),
    ];
    for (name, body) in files {
        std::fs::write(dir.join(name), body).unwrap();
    }
}

fn count(db: &TestDb, sql: &str) -> i64 {
    db.store
        .conn()
        .unwrap()
        .query_one(sql, &[])
        .unwrap()
        .int(0)
        .unwrap()
}

#[test]
fn plan_allocate_approve_and_reconcile_through_the_binary() {
    for db in TestDb::all().expect("test databases can be created") {
        let url = db.store.url();
        let dir = tempfile::tempdir().unwrap();
        write_company(dir.path());
        let out = attain(&url, &["import", dir.path().to_str().unwrap()]);
        assert!(out.status.success(), "import: {}", text(&out.stderr));

        let allocate = [
            "plan", "allocate", "--year", "2026", "--metric", "bookings", "--total", "2400",
        ];
        let out = attain(&url, &[&allocate[..], &["--ramp", "50"]].concat());
        assert!(out.status.success(), "allocate: {}", text(&out.stderr));
        let stdout = text(&out.stdout);
        assert!(
            stdout.starts_with("saved version 1 of 2026 bookings as a draft (basis equal, ramp 50): 2400.00 over 3 territories (2 leaves)"),
            "{stdout}"
        );
        // r2 joins in July: six months of 100.00 lost, July at 50 %.
        assert!(
            stdout.contains("gaps: hires 600.00, leavers 0.00, ramp 50.00"),
            "{stdout}"
        );
        assert_eq!(count(&db, "SELECT COUNT(*) FROM targets"), 0);

        let out = attain(
            &url,
            &[
                "plan",
                "approve",
                "--year",
                "2026",
                "--metric",
                "bookings",
                "--version",
                "1",
            ],
        );
        assert!(out.status.success(), "approve: {}", text(&out.stderr));
        assert!(
            text(&out.stdout)
                .starts_with("approved version 1 of 2026 bookings: 0 target rows replaced by 84"),
            "{}",
            text(&out.stdout)
        );
        assert_eq!(
            count(&db, "SELECT COUNT(*) FROM targets WHERE year = 2026"),
            84
        );

        let out = attain(
            &url,
            &[
                "plan",
                "reconcile",
                "--year",
                "2026",
                "--metric",
                "bookings",
            ],
        );
        assert!(out.status.success(), "reconcile: {}", text(&out.stderr));
        assert_eq!(
            text(&out.stdout),
            "\
version 1 of 2026 bookings (approved): basis equal, ramp 50, company target 2400.00
territory   target  children     reps  over-assigned  unassigned  hire gap  leaver gap  ramp gap
co         2400.00   2400.00  1750.00                               600.00                 50.00
  north    1200.00   1200.00  1200.00
  south    1200.00    550.00   550.00                               600.00                 50.00
2 reps carry the leaves' targets; 1 leader carries the sum of the reps below them
every territory equals the sum of its children in every month, and the company targets equal the root's
"
        );
    }
}

#[test]
fn refused_plan_options_exit_1_with_one_sentence_and_write_nothing() {
    for db in TestDb::all().expect("test databases can be created") {
        let url = db.store.url();
        let base = ["plan", "allocate", "--year", "2026", "--metric", "bookings"];
        let cases: [(&[&str], &str); 5] = [
            (
                &["--total", "100.50"],
                "error: --total 100.50 is not a multiple of --unit 1.00",
            ),
            (
                &["--total", "1000", "--unit", "300"],
                "error: --total 1000.00 is not a multiple of --unit 300.00",
            ),
            (
                &["--total", "100", "--seasonality", "50,50"],
                "error: --seasonality needs 12 percents summing to 100, one per fiscal month, not 2",
            ),
            (
                &["--total", "100", "--basis", "luck"],
                "error: --basis 'luck' is not one of equal, prior_year, potential",
            ),
            (
                &["--total", "100"],
                "error: there is no company territory (a territory without a parent) to allocate from",
            ),
        ];
        for (extra, want) in cases {
            let out = attain(&url, &[&base[..], extra].concat());
            assert_eq!(
                out.status.code(),
                Some(1),
                "{extra:?}: {}",
                text(&out.stderr)
            );
            assert_eq!(text(&out.stderr), format!("{want}\n"));
        }
        assert_eq!(count(&db, "SELECT COUNT(*) FROM plan_versions"), 0);
        let out = attain(
            &url,
            &[
                "plan",
                "approve",
                "--year",
                "2026",
                "--metric",
                "bookings",
                "--version",
                "1",
            ],
        );
        assert_eq!(out.status.code(), Some(1));
        assert_eq!(
            text(&out.stderr),
            "error: there is no version 1 of 2026 bookings\n"
        );
        let out = attain(
            &url,
            &["plan", "allocate", "--year", "2026", "--metric", "bookings"],
        );
        assert_eq!(
            out.status.code(),
            Some(2),
            "a missing option is a usage error"
        );
    }
}

#[test]
fn the_allocation_page_saves_the_rows_the_command_saves_for_the_same_options() {
    use attain_domain::vocab::{Metric, Role};
    use attain_web::auth::users;
    use axum::body::Body;
    use axum::http::{Request, StatusCode, header};
    use tower::ServiceExt;

    for db in TestDb::all().expect("test databases can be created") {
        let url = db.store.url();
        let dir = tempfile::tempdir().unwrap();
        write_company(dir.path());
        let out = attain(&url, &["import", dir.path().to_str().unwrap()]);
        assert!(out.status.success(), "import: {}", text(&out.stderr));
        let season = "5,5,5,5,10,10,10,10,10,10,10,10";
        let out = attain(
            &url,
            &[
                "plan",
                "allocate",
                "--year",
                "2026",
                "--metric",
                "margin",
                "--total",
                "2400",
                "--overassign",
                "12.5",
                "--unit",
                "10",
                "--seasonality",
                season,
                "--ramp",
                "50,75",
            ],
        );
        assert!(out.status.success(), "allocate: {}", text(&out.stderr));

        // The same options through the page, as sales ops with an API token (no CSRF form).
        let strength = attain_web::PasswordStrength::TestOnly;
        users::add_user(
            &db,
            "ops@x.test",
            Role::SalesOps,
            None,
            "a-long-password",
            strength,
            "t",
        )
        .unwrap();
        let token = users::create_token(&db, "ops@x.test", "t", "t").unwrap();
        let config = attain_web::Config {
            password_strength: strength,
            ..attain_web::Config::default()
        };
        let app = attain_web::app(db.store.clone(), config);
        let form = [
            ("action", "save"),
            ("year", "2026"),
            ("metric", "margin"),
            ("total", "2400"),
            ("basis", ""),
            ("overassign", "12.5"),
            ("unit", "10"),
            ("seasonality", season),
            ("ramp", "50,75"),
        ];
        let body = form
            .iter()
            .map(|(k, v)| format!("{k}={}", v.replace(',', "%2C")))
            .collect::<Vec<_>>()
            .join("&");
        let req = Request::post("/plan/allocation")
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(body))
            .unwrap();
        let rt = tokio::runtime::Runtime::new().unwrap();
        let resp = rt.block_on(app.oneshot(req)).unwrap();
        assert_eq!(resp.status(), StatusCode::SEE_OTHER);
        assert_eq!(
            resp.headers().get(header::LOCATION).unwrap(),
            "/plan/versions/2026/margin/2"
        );
        drop(rt);

        let rows = |v| attain_planning::version_rows(&db, 2026, Metric::Margin, v).unwrap();
        let people = |v| attain_planning::version_people(&db, 2026, Metric::Margin, v).unwrap();
        assert_eq!(rows(1).len(), 12 * (1 + 3 + 3));
        assert_eq!(rows(2), rows(1));
        assert_eq!(people(2), people(1));
    }
}
