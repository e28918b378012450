//! Territory planning: sales ops edits the tree (audited, never a cycle or a second root) and
//! moves accounts from a date (preview writes nothing; apply leaves earlier results alone).
#![allow(clippy::unwrap_used)]

mod common;

use axum::http::StatusCode;
use common::{Browser, TestApp};

fn territory(app: &TestApp, id: &str) -> Vec<(String, Option<String>, Option<String>)> {
    app.rows(&format!(
        "SELECT name, parent_id, target_market FROM territories WHERE territory_id = '{id}'"
    ))
    .iter()
    .map(|r| {
        (
            r.string(0).unwrap(),
            r.opt_string(1).unwrap(),
            r.opt_string(2).unwrap(),
        )
    })
    .collect()
}

#[test]
fn sales_ops_adds_renames_and_moves_a_territory_with_audit_rows_before_and_after() {
    for app in TestApp::all() {
        app.run(async {
            let ops = app.sign_in("ops@x.test").await;
            let page = app.get("/territories", Some(&ops)).await;
            assert!(page.body.contains("action=\"/territories\""));
            let add = app
                .post(
                    "/territories",
                    &ops,
                    &[
                        ("territory_id", "east3"),
                        ("name", "East Three"),
                        ("parent_id", "east"),
                        ("target_market", "Mid-market retail"),
                    ],
                )
                .await;
            assert_eq!(add.status, StatusCode::SEE_OTHER, "{}", add.body);
            let change = app
                .post(
                    "/territories",
                    &ops,
                    &[
                        ("territory_id", "east3"),
                        ("name", "East 3"),
                        ("parent_id", "west"),
                        ("target_market", "Enterprise retail"),
                    ],
                )
                .await;
            assert_eq!(change.status, StatusCode::SEE_OTHER, "{}", change.body);
            assert_eq!(
                territory(&app, "east3"),
                [(
                    "East 3".to_owned(),
                    Some("west".to_owned()),
                    Some("Enterprise retail".to_owned())
                )]
            );
            let audit = app.rows(
                "SELECT action, before_json, after_json FROM audit_log
                 WHERE entity = 'territory' AND entity_key = 'east3' ORDER BY audit_id",
            );
            assert_eq!(audit.len(), 2);
            assert_eq!(audit[0].string(0).unwrap(), "create");
            assert!(audit[0].opt_string(1).unwrap().is_none());
            assert_eq!(audit[1].string(0).unwrap(), "update");
            assert!(audit[1].string(1).unwrap().contains("East Three"));
            assert!(audit[1].string(2).unwrap().contains("Enterprise retail"));
            let tree = app.get("/territories", Some(&ops)).await;
            assert!(tree.body.contains("East 3"));
        });
    }
}

#[test]
fn a_cycle_or_a_second_root_is_refused_with_a_sentence_naming_the_parent() {
    for app in TestApp::all() {
        app.run(async {
            let ops = app.sign_in("ops@x.test").await;
            let cycle = app
                .post(
                    "/territories",
                    &ops,
                    &[
                        ("territory_id", "east"),
                        ("name", "East"),
                        ("parent_id", "east1"),
                    ],
                )
                .await;
            assert_eq!(cycle.status, StatusCode::UNPROCESSABLE_ENTITY);
            assert!(
                cycle.body.contains("Parent: east1 lies under east"),
                "{}",
                cycle.body
            );
            let root = app
                .post(
                    "/territories",
                    &ops,
                    &[
                        ("territory_id", "north"),
                        ("name", "North"),
                        ("parent_id", ""),
                    ],
                )
                .await;
            assert_eq!(root.status, StatusCode::UNPROCESSABLE_ENTITY);
            assert!(root.body.contains("Parent: co is already the root"));
            assert_eq!(
                territory(&app, "east"),
                [("East".to_owned(), Some("co".to_owned()), None)]
            );
            assert!(territory(&app, "north").is_empty());
            assert_eq!(
                app.rows("SELECT 1 FROM audit_log WHERE entity = 'territory'")
                    .len(),
                0
            );
        });
    }
}

#[test]
fn only_sales_ops_edits_territories_and_only_with_the_forms_token() {
    for app in TestApp::all() {
        app.run(async {
            let fields = [("territory_id", "x9"), ("name", "X"), ("parent_id", "co")];
            for email in ["r1@x.test", "m1@x.test", "dir@x.test", "exec@x.test"] {
                let b = app.sign_in(email).await;
                let page = app.get("/territories", Some(&b)).await;
                assert!(!page.body.contains("action=\"/territories\""));
                let a = app.post("/territories", &b, &fields).await;
                assert_eq!(a.status, StatusCode::FORBIDDEN, "{email}");
            }
            let ops = app.sign_in("ops@x.test").await;
            let mut forged = vec![("csrf", "forged")];
            forged.extend_from_slice(&fields);
            let a = app.post_form("/territories", &ops.cookie, &forged).await;
            assert_eq!(a.status, StatusCode::FORBIDDEN);
            assert!(territory(&app, "x9").is_empty());
        });
    }
}

/// The summed bookings actual of a territory in a month of 2026 (0 without a row).
fn bookings(app: &TestApp, territory: &str, month: i64) -> i64 {
    app.rows(&format!(
        "SELECT actual FROM result_territories WHERE territory_id = '{territory}'
         AND year = 2026 AND month = {month} AND metric = 'bookings'"
    ))
    .iter()
    .map(|r| r.int(0).unwrap())
    .sum()
}

async fn calculate(app: &TestApp, ops: &Browser) {
    let a = app.post("/pay/close/2026/calculate", ops, &[]).await;
    assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.body);
}

#[test]
fn moving_an_account_from_march_leaves_earlier_results_and_counts_later_bookings_for_the_new_territory()
 {
    for app in TestApp::worked() {
        app.run(async {
            let ops = app.sign_in("ops@x.test").await;
            let add = app
                .post(
                    "/territories",
                    &ops,
                    &[("territory_id", "t2"), ("name", "T2"), ("parent_id", "co")],
                )
                .await;
            assert_eq!(add.status, StatusCode::SEE_OTHER, "{}", add.body);
            calculate(&app, &ops).await;
            let before: Vec<i64> = (1..=12).map(|m| bookings(&app, "t1", m)).collect();
            assert!(before[0] != 0 && before[2] != 0, "{before:?}");

            let fields = [
                ("account_ids", "a1"),
                ("territory_id", "t2"),
                ("start_date", "2026-03-01"),
            ];
            let audit_rows = app.count("audit_log");
            let preview = app.post("/territories/moves", &ops, &fields).await;
            assert_eq!(preview.status, StatusCode::OK, "{}", preview.body);
            assert!(
                preview.body.contains("<td>t1</td><td>t2</td>"),
                "{}",
                preview.body
            );
            assert!(preview.body.contains("value=\"apply\""));
            assert_eq!(app.count("alignments"), 0, "a preview writes nothing");
            assert_eq!(app.count("audit_log"), audit_rows);

            let mut apply = fields.to_vec();
            apply.push(("action", "apply"));
            let done = app.post("/territories/moves", &ops, &apply).await;
            assert_eq!(done.status, StatusCode::OK, "{}", done.body);
            assert!(done.body.contains("Moved 1 account(s) to t2"));
            let rows = app.rows("SELECT account_id, territory_id, start_date FROM alignments");
            assert_eq!(rows.len(), 1);
            assert_eq!(rows[0].string(1).unwrap(), "t2");
            assert_eq!(rows[0].date(2).unwrap().to_string(), "2026-03-01");
            let audit = app
                .rows("SELECT before_json, after_json FROM audit_log WHERE entity = 'alignment'");
            assert_eq!(audit.len(), 1);
            assert!(audit[0].string(0).unwrap().contains("\"t1\""));
            assert!(audit[0].string(1).unwrap().contains("\"t2\""));

            calculate(&app, &ops).await;
            assert_eq!(bookings(&app, "t1", 1), before[0], "January stays with t1");
            assert_eq!(bookings(&app, "t1", 2), before[1], "February stays with t1");
            assert_eq!(bookings(&app, "t1", 3), 0, "March leaves t1");
            assert_eq!(bookings(&app, "t2", 3), before[2], "March counts for t2");
            assert_eq!(bookings(&app, "t2", 1), 0);
            assert_eq!(bookings(&app, "co", 3), before[2], "the root still sees it");

            // Nothing left to move: the same rule previews no account.
            let again = app.post("/territories/moves", &ops, &fields).await;
            assert!(again.body.contains("Preview: 0 account(s)"));
        });
    }
}

#[test]
fn a_move_needs_a_rule_a_known_territory_and_a_date_and_only_sales_ops_moves() {
    for app in TestApp::all() {
        app.run(async {
            let ops = app.sign_in("ops@x.test").await;
            let no_rule = app
                .post(
                    "/territories/moves",
                    &ops,
                    &[("territory_id", "west"), ("start_date", "2026-07-01")],
                )
                .await;
            assert_eq!(no_rule.status, StatusCode::UNPROCESSABLE_ENTITY);
            assert!(no_rule.body.contains("Accounts: give a country"));
            let bad_date = app
                .post(
                    "/territories/moves",
                    &ops,
                    &[
                        ("industry", "Manufacturing"),
                        ("territory_id", "west"),
                        ("start_date", "July"),
                    ],
                )
                .await;
            assert!(bad_date.body.contains("Start date: a date like"));
            let nowhere = app
                .post(
                    "/territories/moves",
                    &ops,
                    &[
                        ("industry", "manufacturing"),
                        ("territory_id", "mars"),
                        ("start_date", "2026-07-01"),
                    ],
                )
                .await;
            assert!(
                nowhere
                    .body
                    .contains("To territory: there is no territory mars.")
            );
            let by_industry = app
                .post(
                    "/territories/moves",
                    &ops,
                    &[
                        ("industry", "manufacturing"),
                        ("territory_id", "west"),
                        ("start_date", "2026-07-01"),
                    ],
                )
                .await;
            assert!(by_industry.body.contains("<td>east1</td><td>west</td>"));
            assert!(!by_industry.body.contains("Globex"));
            let apply = [
                ("industry", "Manufacturing"),
                ("territory_id", "west"),
                ("start_date", "2026-07-01"),
                ("action", "apply"),
            ];
            for email in ["r1@x.test", "m1@x.test", "dir@x.test", "exec@x.test"] {
                let b = app.sign_in(email).await;
                assert_eq!(
                    app.get("/territories/moves", Some(&b)).await.status,
                    StatusCode::FORBIDDEN
                );
                let a = app.post("/territories/moves", &b, &apply).await;
                assert_eq!(a.status, StatusCode::FORBIDDEN, "{email}");
            }
            let mut forged = vec![("csrf", "forged")];
            forged.extend_from_slice(&apply);
            let a = app
                .post_form("/territories/moves", &ops.cookie, &forged)
                .await;
            assert_eq!(a.status, StatusCode::FORBIDDEN);
            assert_eq!(app.count("alignments"), 0);
        });
    }
}

#[test]
fn the_balance_shows_accounts_potential_and_open_pipeline_per_territory_and_rep_to_sales_ops_only()
{
    for app in TestApp::all() {
        app.exec(
            "UPDATE accounts SET annual_revenue = 12000000 WHERE account_id = 'a1'",
            &[],
        );
        app.run(async {
            let ops = app.sign_in("ops@x.test").await;
            let page = app.get("/territories/balance", Some(&ops)).await;
            assert_eq!(page.status, StatusCode::OK, "{}", page.body);
            assert!(page.body.contains("East One"));
            assert!(page.body.contains("Rita Rep"));
            assert!(page.body.contains("$120,000.00"), "potential of a1");
            assert!(page.body.contains("$50,000.00"), "open pipeline of o1");
            let r1 = app.sign_in("r1@x.test").await;
            let refused = app.get("/territories/balance", Some(&r1)).await;
            assert_eq!(refused.status, StatusCode::FORBIDDEN);
        });
    }
}
