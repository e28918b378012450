//! Territory planning: sales ops edits the tree (audited, never a cycle or a second root).
#![allow(clippy::unwrap_used)]

mod common;

use axum::http::StatusCode;
use common::TestApp;

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
