//! Plan › Allocation, versions, approval and reconciliation: only sales ops allocates and
//! approves, a preview writes nothing, the page saves what the command saves, a refused option is
//! named on its field, CSRF guards the approval, and the figures are the hand-checked ones.
#![allow(clippy::unwrap_used)]

mod common;

use attain_dataset::NoProgress;
use attain_domain::vocab::Metric;
use axum::http::StatusCode;
use common::{Browser, TestApp};

/// The allocation of the test company used below: 120,000 of 2026 bookings, equal weights,
/// 10 % over-assignment. By hand: east and west 60,000 each; east1 and east2 30,000 each;
/// the reps' pools 33,000 (east1: r1 and r2 16,500 each, 1,375 a month), 33,000 (east2: r4),
/// 66,000 (west: r3).
const FORM: &[(&str, &str)] = &[
    ("year", "2026"),
    ("metric", "bookings"),
    ("total", "120000"),
    ("basis", "equal"),
    ("overassign", "10"),
    ("unit", ""),
    ("seasonality", ""),
    ("ramp", ""),
];

fn form<'a>(b: &'a Browser, action: &'a str) -> Vec<(&'a str, &'a str)> {
    let mut f = vec![("csrf", b.csrf.as_str()), ("action", action)];
    f.extend_from_slice(FORM);
    f
}

fn versions(app: &TestApp) -> i64 {
    app.count("plan_versions")
}

#[test]
fn a_preview_shows_the_allocation_and_writes_nothing() {
    for app in TestApp::all() {
        app.run(async {
            let ops = app.sign_in("ops@x.test").await;
            let (v, rows, targets, audit) = (
                versions(&app),
                app.count("plan_version_rows"),
                app.count("targets"),
                app.count("audit_log"),
            );
            let a = app
                .post_form("/plan/allocation", &ops.cookie, &form(&ops, "preview"))
                .await;
            assert_eq!(a.status, StatusCode::OK, "{}", a.body);
            assert!(a.body.contains("not saved"));
            assert!(a.body.contains("$60,000.00"), "east and west");
            assert!(a.body.contains("$16,500.00"), "r1's annual target");
            assert!(a.body.contains("$1,375.00"), "r1's monthly target");
            assert!(a.body.contains("$66,000.00"), "r3, and m1's sum");
            assert_eq!(versions(&app), v);
            assert_eq!(app.count("plan_version_rows"), rows);
            assert_eq!(app.count("targets"), targets);
            assert_eq!(app.count("audit_log"), audit);
        });
    }
}

#[test]
fn the_page_saves_the_same_targets_as_the_command_for_the_same_parameters() {
    for app in TestApp::all() {
        // A hire in July, so ramp and hire gaps are part of the comparison.
        app.exec(
            "UPDATE people SET hire_date = '2026-07-01' WHERE person_id = 'r2'",
            &[],
        );
        app.run(async {
            let ops = app.sign_in("ops@x.test").await;
            let season = "5,5,5,5,10,10,10,10,10,10,10,10";
            let fields = [
                ("csrf", ops.csrf.as_str()),
                ("action", "save"),
                ("year", "2026"),
                ("metric", "revenue"),
                ("total", "120000"),
                ("basis", "potential"),
                ("overassign", "12.5"),
                ("unit", "10"),
                ("seasonality", season),
                ("ramp", "50,75"),
            ];
            let a = app
                .post_form("/plan/allocation", &ops.cookie, &fields)
                .await;
            assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.body);
            assert_eq!(a.location(), "/plan/versions/2026/revenue/1");

            // What `attain plan allocate` runs with the same options.
            app.with_db(|s| {
                let text = attain_planning::ParamsText {
                    year: "2026",
                    metric: "revenue",
                    total: "120000",
                    basis: Some("potential"),
                    overassign: Some("12.5"),
                    unit: Some("10"),
                    seasonality: Some(season),
                    ramp: Some("50,75"),
                };
                let params = attain_planning::Params::parse(&text).unwrap();
                let done =
                    attain_planning::run_allocate(s, &params, false, "cli", &NoProgress).unwrap();
                assert_eq!(done.version.version, 2);
                assert_ne!(
                    done.allocation.summary().ramp_gap,
                    attain_domain::Money::ZERO
                );
                let page = attain_planning::version_rows(s, 2026, Metric::Revenue, 1).unwrap();
                let command = attain_planning::version_rows(s, 2026, Metric::Revenue, 2).unwrap();
                assert!(!page.is_empty());
                assert_eq!(page, command);
                let page = attain_planning::version_people(s, 2026, Metric::Revenue, 1).unwrap();
                let command = attain_planning::version_people(s, 2026, Metric::Revenue, 2).unwrap();
                assert_eq!(page, command);
            });

            let page = app.get("/plan/versions/2026/revenue/1", Some(&ops)).await;
            assert_eq!(page.status, StatusCode::OK);
            assert!(page.body.contains("draft"));
            assert!(
                page.body
                    .contains("basis potential, over-assignment 12.5 %"),
                "{}",
                page.body
            );
            assert!(page.body.contains("ramp 50,75"));
            let list = app
                .get("/plan/allocation?year=2026&metric=revenue", Some(&ops))
                .await;
            assert!(list.body.contains("/plan/versions/2026/revenue/2"));
            assert!(list.body.contains("ops@x.test"), "the creator");
            assert!(list.body.contains("cli"), "the command's creator");
        });
    }
}

#[test]
fn approving_shows_the_totals_first_then_writes_the_targets_with_an_audit_row() {
    for app in TestApp::all() {
        app.run(async {
            let ops = app.sign_in("ops@x.test").await;
            app.post_form("/plan/allocation", &ops.cookie, &form(&ops, "save"))
                .await;
            let uri = "/plan/versions/2026/bookings/1/approve";
            let confirm = app.get(uri, Some(&ops)).await;
            assert_eq!(confirm.status, StatusCode::OK);
            assert!(confirm.body.contains("Targets now"));
            assert!(confirm.body.contains("After approval"));
            assert!(confirm.body.contains("$120,000.00"), "the company after");
            assert_eq!(app.count("targets"), 0, "confirming changes nothing");

            let done = app
                .post_form(uri, &ops.cookie, &[("csrf", ops.csrf.as_str())])
                .await;
            assert_eq!(done.status, StatusCode::OK, "{}", done.body);
            assert!(done.body.contains("Approved"));
            let expected = app.with_db(|s| {
                attain_planning::version_rows(s, 2026, Metric::Bookings, 1)
                    .unwrap()
                    .len() as i64
            });
            assert_eq!(app.count("targets"), expected);
            let audit = app.rows(
                "SELECT action, actor FROM audit_log WHERE entity = 'plan_version' ORDER BY audit_id",
            );
            let actions: Vec<(String, String)> = audit
                .iter()
                .map(|r| (r.string(0).unwrap(), r.string(1).unwrap()))
                .collect();
            assert_eq!(
                actions,
                vec![
                    ("allocate".to_owned(), "ops@x.test".to_owned()),
                    ("approve".to_owned(), "ops@x.test".to_owned())
                ]
            );
        });
    }
}

#[test]
fn approving_without_the_csrf_token_is_refused_and_changes_nothing() {
    for app in TestApp::all() {
        app.run(async {
            let ops = app.sign_in("ops@x.test").await;
            app.post_form("/plan/allocation", &ops.cookie, &form(&ops, "save"))
                .await;
            let a = app
                .post_form(
                    "/plan/versions/2026/bookings/1/approve",
                    &ops.cookie,
                    &[("csrf", "forged")],
                )
                .await;
            assert_eq!(a.status, StatusCode::FORBIDDEN);
            let mut f = form(&ops, "save");
            f[0].1 = "forged";
            let a = app.post_form("/plan/allocation", &ops.cookie, &f).await;
            assert_eq!(a.status, StatusCode::FORBIDDEN);
            assert_eq!(app.count("targets"), 0);
            assert_eq!(versions(&app), 1);
        });
    }
}

#[test]
fn only_sales_ops_allocates_or_approves() {
    for app in TestApp::all() {
        app.run(async {
            let ops = app.sign_in("ops@x.test").await;
            app.post_form("/plan/allocation", &ops.cookie, &form(&ops, "save"))
                .await;
            for who in ["r1@x.test", "m1@x.test", "dir@x.test", "exec@x.test"] {
                let b = app.sign_in(who).await;
                let save = app
                    .post_form("/plan/allocation", &b.cookie, &form(&b, "save"))
                    .await;
                assert_eq!(save.status, StatusCode::FORBIDDEN, "{who}");
                let approve = app
                    .post_form(
                        "/plan/versions/2026/bookings/1/approve",
                        &b.cookie,
                        &[("csrf", b.csrf.as_str())],
                    )
                    .await;
                assert_eq!(approve.status, StatusCode::FORBIDDEN, "{who}");
                let page = app.get("/plan/versions/2026/bookings/1", Some(&b)).await;
                assert_eq!(page.status, StatusCode::FORBIDDEN, "{who}");
                let home = app.get("/", Some(&b)).await;
                assert!(!home.body.contains("/plan/allocation"), "{who}: no link");
            }
            assert_eq!(versions(&app), 1);
            assert_eq!(app.count("targets"), 0);
            let home = app.get("/territories", Some(&ops)).await;
            assert!(home.body.contains("href=\"/plan/allocation\""));
        });
    }
}

#[test]
fn a_refused_option_is_named_on_its_field_and_nothing_is_saved() {
    for app in TestApp::all() {
        app.run(async {
            let ops = app.sign_in("ops@x.test").await;
            let mut f = form(&ops, "save");
            for (k, v) in f.iter_mut() {
                if *k == "total" {
                    *v = "12.345";
                }
            }
            let a = app.post_form("/plan/allocation", &ops.cookie, &f).await;
            assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY);
            assert!(a.body.contains("id=\"err-total\""), "{}", a.body);
            assert!(a.body.contains("name=\"total\" value=\"12.345\""));
            assert!(!a.body.contains("id=\"err-year\""));
            let mut f = form(&ops, "preview");
            for (k, v) in f.iter_mut() {
                if *k == "seasonality" {
                    *v = "50,50";
                }
            }
            let a = app.post_form("/plan/allocation", &ops.cookie, &f).await;
            assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY);
            assert!(a.body.contains("id=\"err-seasonality\""));
            assert_eq!(versions(&app), 0);
        });
    }
}

#[test]
fn an_unknown_version_or_metric_is_not_found() {
    for app in TestApp::all() {
        app.run(async {
            let ops = app.sign_in("ops@x.test").await;
            for uri in [
                "/plan/versions/2026/bookings/7",
                "/plan/versions/2026/profit/1",
                "/plan/versions/2026/bookings/7/approve",
                "/plan/reconciliation?year=2026&metric=bookings&version=7",
            ] {
                assert_eq!(
                    app.get(uri, Some(&ops)).await.status,
                    StatusCode::NOT_FOUND,
                    "{uri}"
                );
            }
        });
    }
}

#[test]
fn the_reconciliation_lists_every_territory_with_its_children_and_gaps() {
    for app in TestApp::all() {
        app.run(async {
            let ops = app.sign_in("ops@x.test").await;
            let empty = app
                .get("/plan/reconciliation?year=2026&metric=bookings", Some(&ops))
                .await;
            assert_eq!(empty.status, StatusCode::OK);
            assert!(empty.body.contains("No version of 2026 bookings yet"));
            app.post_form("/plan/allocation", &ops.cookie, &form(&ops, "save"))
                .await;
            let r = app
                .get(
                    "/plan/reconciliation?year=2026&metric=bookings&version=1",
                    Some(&ops),
                )
                .await;
            assert_eq!(r.status, StatusCode::OK, "{}", r.body);
            for t in ["co", "east", "west", "east1", "east2"] {
                assert!(r.body.contains(&format!("\">{t} <span")), "{t}");
            }
            assert!(r.body.contains("Every territory equals the sum"));
            // Over-assignment: 10 % of 120,000 over the whole company, 3,000 in east1.
            assert!(r.body.contains("$12,000.00"));
            assert!(r.body.contains("$3,000.00"));
            assert!(!r.body.contains("class=\"problem\""));
        });
    }
}

#[test]
fn two_versions_are_compared_side_by_side_and_only_differences_are_listed() {
    for app in TestApp::all() {
        app.run(async {
            let ops = app.sign_in("ops@x.test").await;
            app.post_form("/plan/allocation", &ops.cookie, &form(&ops, "save"))
                .await;
            // Version 2: the same but 240,000 and no over-assignment.
            let mut second: Vec<(&str, &str)> =
                vec![("csrf", ops.csrf.as_str()), ("action", "save")];
            for (k, v) in FORM {
                second.push(match *k {
                    "total" => ("total", "240000"),
                    "overassign" => ("overassign", "0"),
                    _ => (k, v),
                });
            }
            app.post_form("/plan/allocation", &ops.cookie, &second)
                .await;
            assert_eq!(versions(&app), 2);

            let page = app
                .get("/plan/versions/2026/bookings/2?compare=1", Some(&ops))
                .await;
            assert_eq!(page.status, StatusCode::OK);
            assert!(
                page.body.contains("Version 2 against version 1"),
                "{}",
                page.body
            );
            // The company: 240,000 against 120,000, a change of 120,000.
            assert!(page.body.contains("$240,000.00"));
            assert!(page.body.contains("$120,000.00"));
            // r1 carried 16,500 in version 1 (10 % over-assigned), 30,000 in version 2.
            assert!(page.body.contains("$16,500.00"));
            assert!(page.body.contains("$30,000.00"));
            assert!(page.body.contains("$13,500.00"));

            let unknown = app
                .get("/plan/versions/2026/bookings/2?compare=9", Some(&ops))
                .await;
            assert_eq!(unknown.status, StatusCode::NOT_FOUND);
        });
    }
}
