//! Plan › Objectives and the variance report: who sees whose objectives, and the figures of a
//! small hand-checked dataset.
#![allow(clippy::unwrap_used)]

mod common;

use attain_store::params;
use axum::http::{StatusCode, header};
use common::TestApp;

/// r1's bookings objectives of 2026: 10,000 a month in January to March (results() credits
/// 35,000, 40,000 and −4,000 in those months).
fn objectives(app: &TestApp) {
    for m in 1..=3i64 {
        app.exec(
            "INSERT INTO targets (scope, scope_id, year, month, metric, amount)
             VALUES ('person', 'r1', 2026, $1, 'bookings', 1000000)",
            params![m],
        );
    }
}

#[test]
fn a_rep_sees_only_their_own_objectives() {
    for app in TestApp::all() {
        app.results();
        app.run(async {
            let r1 = app.sign_in("r1@x.test").await;
            let own = app.get("/plan/objectives?year=2026", Some(&r1)).await;
            assert_eq!(own.status, StatusCode::OK);
            assert!(own.body.contains("Rita Rep (r1)"));
            for uri in [
                "/plan/objectives?person=r2",
                "/plan/objectives?person=r3",
                "/plan/objectives?person=nobody",
                "/plan/objectives?territory=west",
                "/plan/objectives?territory=east",
            ] {
                let a = app.get(uri, Some(&r1)).await;
                assert_eq!(a.status, StatusCode::NOT_FOUND, "{uri}");
            }
            let mine = app.get("/plan/objectives?territory=east1", Some(&r1)).await;
            assert_eq!(mine.status, StatusCode::OK, "the rep's own territory");
            let report = app.get("/plan/variance?year=2026", Some(&r1)).await;
            assert!(report.body.contains("Rita Rep"));
            assert!(!report.body.contains("Raj Rep"));
        });
    }
}

#[test]
fn a_manager_sees_their_subtree_and_an_executive_everyone_in_the_variance_report() {
    for app in TestApp::all() {
        app.run(async {
            let m1 = app.sign_in("m1@x.test").await;
            let csv = app
                .get("/plan/variance?year=2026&format=csv", Some(&m1))
                .await;
            assert_eq!(csv.status, StatusCode::OK);
            let ids: Vec<&str> = csv
                .body
                .lines()
                .skip(1)
                .map(|l| l.split(',').next().unwrap())
                .collect();
            let mut ids = ids;
            ids.sort();
            assert_eq!(ids, ["m1", "r1", "r2", "r4"]);
            let team = app.get("/plan/objectives?person=r4", Some(&m1)).await;
            assert_eq!(team.status, StatusCode::OK);
            assert!(
                team.body
                    .contains("<option value=\"r4\" selected>Rob Rep</option>")
            );
            assert!(
                !team.body.contains("value=\"r3\""),
                "only the team to choose from"
            );
            let other = app.get("/plan/objectives?person=r3", Some(&m1)).await;
            assert_eq!(other.status, StatusCode::NOT_FOUND);

            let exec = app.sign_in("exec@x.test").await;
            let all = app
                .get("/plan/variance?year=2026&format=csv&level=rep", Some(&exec))
                .await;
            assert_eq!(all.body.lines().count(), 1 + 4, "{}", all.body);
        });
    }
}

#[test]
fn the_variance_report_gives_the_hand_checked_figures_and_sorts() {
    for app in TestApp::all() {
        app.results();
        objectives(&app);
        app.run(async {
            let ops = app.sign_in("ops@x.test").await;
            let csv = app
                .get(
                    "/plan/variance?year=2026&through=3&format=csv&sort=bookings_variance&dir=desc",
                    Some(&ops),
                )
                .await;
            assert_eq!(csv.status, StatusCode::OK);
            assert!(
                csv.headers
                    .get(header::CONTENT_TYPE)
                    .unwrap()
                    .to_str()
                    .unwrap()
                    .starts_with("text/csv")
            );
            let mut lines = csv.body.lines();
            assert_eq!(
                lines.next().unwrap(),
                "person_id,name,role,bookings_objective,bookings_actual,bookings_attainment,bookings_variance,\
                 revenue_objective,revenue_actual,revenue_attainment,revenue_variance,\
                 margin_objective,margin_actual,margin_attainment,margin_variance"
            );
            // Objective 3 × 10,000; actual 35,000 + 40,000 − 4,000 = 71,000;
            // attainment RHE6(71,000 / 30,000) = 2.366667; variance +41,000. Sorted first.
            assert_eq!(
                lines.next().unwrap(),
                "r1,Rita Rep,rep,30000.00,71000.00,2.366667,41000.00,0.00,0.00,,0.00,0.00,0.00,,0.00"
            );
            let page = app
                .get("/plan/variance?year=2026&through=2", Some(&ops))
                .await;
            assert!(page.body.contains("$20,000.00"), "two months of objective");
            assert!(page.body.contains("$75,000.00"));
            assert!(page.body.contains("375.0%"));
            assert!(page.body.contains("$55,000.00"));

            // By territory: east1 has 3 × 10,000 of objective and the same actuals as r1.
            for m in 1..=3i64 {
                app.exec(
                    "INSERT INTO targets (scope, scope_id, year, month, metric, amount)
                     VALUES ('territory', 'east1', 2026, $1, 'bookings', 1000000)",
                    params![m],
                );
            }
            let t = app
                .get(
                    "/plan/variance?year=2026&through=3&format=csv&level=territory&sort=bookings_actual&dir=desc",
                    Some(&ops),
                )
                .await;
            let mut lines = t.body.lines();
            assert!(lines.next().unwrap().starts_with("territory_id,name,role,"));
            assert_eq!(
                lines.next().unwrap(),
                "east1,East One,territory,30000.00,71000.00,2.366667,41000.00,0.00,0.00,,0.00,0.00,0.00,,0.00"
            );
            let r1 = app.sign_in("r1@x.test").await;
            let mine = app
                .get("/plan/variance?year=2026&format=csv&level=territory", Some(&r1))
                .await;
            assert_eq!(mine.body.lines().count(), 2, "the rep's own territory only");

            let r = app
                .get("/plan/objectives?year=2026&person=r1", Some(&ops))
                .await;
            assert_eq!(r.status, StatusCode::OK);
            // Q1: 30,000 against 71,000.
            assert!(r.body.contains("<td>Q1</td><td class=\"num\">$30,000.00</td><td class=\"num\">$71,000.00</td><td class=\"num\">236.7%</td><td class=\"num\">$41,000.00</td>"), "{}", r.body);
            // March: 10,000 against −4,000, variance −14,000, marked negative.
            assert!(r.body.contains("<td class=\"num neg\">\u{2212}$14,000.00</td>"));
        });
    }
}

#[test]
fn the_forecast_adds_the_weighted_pipeline_closing_in_the_rest_of_the_year() {
    for app in TestApp::all() {
        // 2027 is still ahead: the whole year is "the rest". proposal → 60 % of 50,000.
        app.exec(
            "INSERT INTO opportunities (opportunity_id, account_id, owner_id, name, stage, amount, created_date, close_date)
             VALUES ('o2', 'a1', 'r1', 'Next year', 'proposal', 5000000, '2026-10-01', '2027-03-31')",
            &[],
        );
        app.run(async {
            let r1 = app.sign_in("r1@x.test").await;
            let r = app.get("/plan/objectives?year=2027", Some(&r1)).await;
            assert_eq!(r.status, StatusCode::OK);
            assert!(
                r.body.contains("weighted pipeline $30,000.00"),
                "{}",
                r.body
            );
            let m1 = app.sign_in("m1@x.test").await;
            let team = app.get("/plan/objectives?year=2027", Some(&m1)).await;
            assert!(
                team.body.contains("weighted pipeline $30,000.00"),
                "the team's pipeline"
            );
            assert!(team.body.contains(">team<"));
        });
    }
}

#[test]
fn the_variance_report_downloads_as_xlsx_with_numbers_and_escapes_formula_like_names() {
    for app in TestApp::all() {
        app.results();
        objectives(&app);
        app.exec(
            "UPDATE people SET name = $1 WHERE person_id = 'r1'",
            params!["=HYPERLINK(\"http://x\")"],
        );
        app.run(async {
            let ops = app.sign_in("ops@x.test").await;
            let csv = app
                .get("/plan/variance?year=2026&through=3&format=csv", Some(&ops))
                .await;
            assert!(
                csv.body
                    .contains("r1,\"'=HYPERLINK(\"\"http://x\"\")\",rep,30000.00,71000.00"),
                "{}",
                csv.body
            );
            let (status, xlsx) = app
                .get_bytes("/plan/variance?year=2026&through=3&format=xlsx", &ops)
                .await;
            assert_eq!(status, StatusCode::OK);
            assert!(xlsx.starts_with(b"PK"), "an XLSX file is a ZIP archive");
            let text = String::from_utf8_lossy(&xlsx);
            assert!(
                text.contains("<v>71000.00</v>"),
                "amounts are numeric cells"
            );
            assert!(text.contains("HYPERLINK"), "the name is kept as text");
            assert!(!text.contains("<f>"), "no cell is a formula");
        });
    }
}
