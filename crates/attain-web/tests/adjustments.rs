//! Plan › Adjustments: a manager proposes a change to a person's objective with a reason, sales
//! ops approves (the target is written, audited) or rejects; nobody else decides.
#![allow(clippy::unwrap_used)]

mod common;

use axum::http::StatusCode;
use common::TestApp;

fn proposal<'a>(csrf: &'a str, person: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("csrf", csrf),
        ("person_id", person),
        ("year", "2026"),
        ("month", "4"),
        ("metric", "bookings"),
        ("amount", "12500.00"),
        ("reason", "Acme moved to r2"),
    ]
}

fn target_of_r1(app: &TestApp) -> Vec<i64> {
    app.rows(
        "SELECT amount FROM targets WHERE scope = 'person' AND scope_id = 'r1'
         AND year = 2026 AND month = 4 AND metric = 'bookings'",
    )
    .iter()
    .map(|r| r.int(0).unwrap())
    .collect()
}

#[test]
fn a_managers_proposal_approved_by_sales_ops_becomes_the_target_with_audit_rows() {
    for app in TestApp::all() {
        app.run(async {
            let m1 = app.sign_in("m1@x.test").await;
            let a = app
                .post_form("/plan/adjustments", &m1.cookie, &proposal(&m1.csrf, "r1"))
                .await;
            assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.body);
            let list = app.get("/plan/adjustments", Some(&m1)).await;
            assert!(list.body.contains("Acme moved to r2"));
            assert!(list.body.contains("$12,500.00"));
            assert!(
                !list.body.contains("value=\"approve\""),
                "managers do not decide"
            );
            assert!(target_of_r1(&app).is_empty(), "a proposal writes no target");

            let id = app.rows("SELECT adjustment_id FROM objective_adjustments")[0]
                .int(0)
                .unwrap();
            let uri = format!("/plan/adjustments/{id}");
            let refused = app
                .post_form(
                    &uri,
                    &m1.cookie,
                    &[("csrf", &m1.csrf), ("decision", "approve")],
                )
                .await;
            assert_eq!(refused.status, StatusCode::FORBIDDEN);

            let ops = app.sign_in("ops@x.test").await;
            let forged = app
                .post_form(
                    &uri,
                    &ops.cookie,
                    &[("csrf", "forged"), ("decision", "approve")],
                )
                .await;
            assert_eq!(forged.status, StatusCode::FORBIDDEN);
            assert!(target_of_r1(&app).is_empty());
            let done = app
                .post_form(
                    &uri,
                    &ops.cookie,
                    &[("csrf", &ops.csrf), ("decision", "approve")],
                )
                .await;
            assert_eq!(done.status, StatusCode::SEE_OTHER);
            assert_eq!(target_of_r1(&app), [1_250_000]);
            let again = app
                .post_form(
                    &uri,
                    &ops.cookie,
                    &[("csrf", &ops.csrf), ("decision", "reject")],
                )
                .await;
            assert_eq!(again.status, StatusCode::CONFLICT, "decided once");
            let actions: Vec<String> = app
                .rows(
                    "SELECT action FROM audit_log WHERE entity = 'objective_adjustment'
                     ORDER BY audit_id",
                )
                .iter()
                .map(|r| r.string(0).unwrap())
                .collect();
            assert_eq!(actions, ["propose", "approve"]);
        });
    }
}

#[test]
fn a_rejected_proposal_leaves_the_target_and_proposals_stay_within_the_team() {
    for app in TestApp::all() {
        app.run(async {
            let m1 = app.sign_in("m1@x.test").await;
            let outside = app
                .post_form("/plan/adjustments", &m1.cookie, &proposal(&m1.csrf, "r3"))
                .await;
            assert_eq!(outside.status, StatusCode::UNPROCESSABLE_ENTITY);
            assert!(
                outside
                    .body
                    .contains("Person: choose someone of your team.")
            );
            let r1 = app.sign_in("r1@x.test").await;
            let rep = app
                .post_form("/plan/adjustments", &r1.cookie, &proposal(&r1.csrf, "r1"))
                .await;
            assert_eq!(rep.status, StatusCode::FORBIDDEN);
            let mut p = proposal(&m1.csrf, "r1");
            p[6].1 = " ";
            let no_reason = app.post_form("/plan/adjustments", &m1.cookie, &p).await;
            assert_eq!(no_reason.status, StatusCode::UNPROCESSABLE_ENTITY);
            assert_eq!(app.count("objective_adjustments"), 0);

            app.post_form("/plan/adjustments", &m1.cookie, &proposal(&m1.csrf, "r1"))
                .await;
            let id = app.rows("SELECT adjustment_id FROM objective_adjustments")[0]
                .int(0)
                .unwrap();
            let ops = app.sign_in("ops@x.test").await;
            let done = app
                .post_form(
                    &format!("/plan/adjustments/{id}"),
                    &ops.cookie,
                    &[("csrf", &ops.csrf), ("decision", "reject")],
                )
                .await;
            assert_eq!(done.status, StatusCode::SEE_OTHER);
            assert!(target_of_r1(&app).is_empty());
            // r3 is not r1's to see: the rep sees only proposals about themselves.
            let r3 = app.sign_in("r3@x.test").await;
            let list = app.get("/plan/adjustments", Some(&r3)).await;
            assert!(!list.body.contains("Acme moved to r2"));
            let mine = app.get("/plan/adjustments", Some(&r1)).await;
            assert!(mine.body.contains("rejected"));
        });
    }
}
