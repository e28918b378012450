//! Working with the sales records: accounts, contacts, opportunities and activities created and
//! changed through the pages and the API within the visibility rules; refused fields write
//! nothing; stage changes are recorded; closing won books once with its splits, the engine credits
//! it, and reopening reverses it. On SQLite and (with `ATTAIN_TEST_POSTGRES_URL`) PostgreSQL.
#![allow(clippy::unwrap_used)]

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use common::{Answer, TestApp};

/// Sends a JSON body with a bearer token.
async fn api_post(app: &TestApp, uri: &str, token: &str, body: serde_json::Value) -> Answer {
    let req = Request::post(uri)
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body.to_string()))
        .unwrap();
    app.send(req).await
}

/// The stage history of an opportunity: `(stage, entered_date)` in order.
fn history(app: &TestApp, id: &str) -> Vec<(String, String)> {
    app.rows(&format!(
        "SELECT stage, entered_date FROM stage_history WHERE opportunity_id = '{id}'
         ORDER BY entered_date, stage"
    ))
    .iter()
    .map(|r| (r.string(0).unwrap(), r.date(1).unwrap().to_string()))
    .collect()
}

/// The transactions of an opportunity: `(id, amount cents, owner, reverses)`.
fn transactions(app: &TestApp, id: &str) -> Vec<(String, i64, Option<String>, Option<String>)> {
    app.rows(&format!(
        "SELECT transaction_id, amount, owner_id, reverses_id FROM transactions
         WHERE opportunity_id = '{id}' ORDER BY transaction_id"
    ))
    .iter()
    .map(|r| {
        (
            r.string(0).unwrap(),
            r.int(1).unwrap(),
            r.opt_string(2).unwrap(),
            r.opt_string(3).unwrap(),
        )
    })
    .collect()
}

fn counts(app: &TestApp) -> Vec<i64> {
    [
        "accounts",
        "contacts",
        "opportunities",
        "stage_history",
        "activities",
        "transactions",
        "splits",
        "audit_log",
    ]
    .iter()
    .map(|t| app.count(t))
    .collect()
}

#[test]
fn a_rep_creates_an_opportunity_and_every_stage_change_is_recorded() {
    for app in TestApp::all() {
        app.run(async {
            let r1 = app.sign_in("r1@x.test").await;
            let form = app.get("/opportunities/new?account_id=a1", Some(&r1)).await;
            assert_eq!(form.status, StatusCode::OK);
            assert!(form.body.contains("value=\"a1\""));
            let a = app
                .post(
                    "/opportunities",
                    &r1,
                    &[
                        ("account_id", "a1"),
                        ("name", "Acme renewal"),
                        ("owner_id", "r1"),
                        ("stage", "prospecting"),
                        ("stage_date", "2026-02-01"),
                        ("amount", "12000.50"),
                        ("close_date", "2026-09-30"),
                        ("create_booking", "true"),
                    ],
                )
                .await;
            assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.body);
            assert_eq!(a.location(), "/opportunities/OPP-00001");
            let row = &app.rows(
                "SELECT amount, forecast_category, created_date FROM opportunities
                 WHERE opportunity_id = 'OPP-00001'",
            )[0];
            assert_eq!(row.int(0).unwrap(), 1_200_050);
            assert_eq!(row.string(1).unwrap(), "pipeline");
            assert_eq!(
                history(&app, "OPP-00001"),
                [("prospecting".to_owned(), "2026-02-01".to_owned())]
            );
            // Skipping stages, then going back: each change is a row.
            for (stage, date) in [("proposal", "2026-03-01"), ("qualification", "2026-03-05")] {
                let a = app
                    .post(
                        "/opportunities/OPP-00001",
                        &r1,
                        &[("stage", stage), ("stage_date", date)],
                    )
                    .await;
                assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.body);
            }
            assert_eq!(
                history(&app, "OPP-00001"),
                [
                    ("prospecting".to_owned(), "2026-02-01".to_owned()),
                    ("proposal".to_owned(), "2026-03-01".to_owned()),
                    ("qualification".to_owned(), "2026-03-05".to_owned()),
                ]
            );
            // A change that keeps the stage records nothing new.
            app.post(
                "/opportunities/OPP-00001",
                &r1,
                &[("name", "Acme renewal 2")],
            )
            .await;
            assert_eq!(history(&app, "OPP-00001").len(), 3);
            let page = app.get("/opportunities/OPP-00001", Some(&r1)).await;
            assert_eq!(page.status, StatusCode::OK);
            assert!(page.body.contains("Acme renewal 2"));
            assert!(page.body.contains("2026-03-05"));
            let audits = app.rows(
                "SELECT action FROM audit_log WHERE entity = 'opportunity'
                 AND entity_key = 'OPP-00001' ORDER BY audit_id",
            );
            assert_eq!(audits.len(), 4);
            assert_eq!(audits[0].string(0).unwrap(), "create");
            // The list finds it by search and by filters.
            let list = app
                .get(
                    "/opportunities?q=renewal&status=open&stage=qualification",
                    Some(&r1),
                )
                .await;
            assert!(list.body.contains("/opportunities/OPP-00001"));
            assert!(!list.body.contains("/opportunities/o1\""));
            let none = app.get("/opportunities?status=won", Some(&r1)).await;
            assert!(!none.body.contains("/opportunities/OPP-00001"));
        });
    }
}

#[test]
fn a_refused_field_shows_the_form_again_and_writes_nothing() {
    for app in TestApp::all() {
        let token = app.token("r1@x.test");
        app.run(async {
            let r1 = app.sign_in("r1@x.test").await;
            let before = counts(&app);
            let a = app
                .post(
                    "/opportunities",
                    &r1,
                    &[
                        ("account_id", "a1"),
                        ("name", "Bad amount"),
                        ("stage", "prospecting"),
                        ("amount", "12x"),
                        ("close_date", "2026-09-30"),
                    ],
                )
                .await;
            assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY);
            assert!(a.body.contains("Amount: "), "{}", a.body);
            assert!(a.body.contains("value=\"Bad amount\""));
            let bad_stage = app
                .post("/opportunities/o1", &r1, &[("stage", "closed_maybe")])
                .await;
            assert_eq!(bad_stage.status, StatusCode::UNPROCESSABLE_ENTITY);
            assert!(
                bad_stage
                    .body
                    .contains("Stage: &#39;closed_maybe&#39; is not one of the stages")
                    || bad_stage
                        .body
                        .contains("Stage: 'closed_maybe' is not one of the stages"),
                "{}",
                bad_stage.body
            );
            // A contact reports within its own account.
            let other = app
                .post(
                    "/contacts",
                    &r1,
                    &[
                        ("account_id", "a1"),
                        ("name", "Self"),
                        ("contact_id", "c9"),
                        ("reports_to_id", "c9"),
                    ],
                )
                .await;
            assert_eq!(other.status, StatusCode::UNPROCESSABLE_ENTITY);
            let api = api_post(
                &app,
                "/api/v1/opportunities",
                &token,
                serde_json::json!({"account_id": "a1", "name": "X", "stage": "proposal",
                                   "amount": "10.00", "close_date": "2026-02-30"}),
            )
            .await;
            assert_eq!(api.status, StatusCode::UNPROCESSABLE_ENTITY);
            assert_eq!(api.json()["error"]["field"], "close_date");
            assert_eq!(api.json()["error"]["code"], "invalid");
            let unknown = api_post(
                &app,
                "/api/v1/activities",
                &token,
                serde_json::json!({"colour": "red"}),
            )
            .await;
            assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);
            assert_eq!(unknown.json()["error"]["field"], "colour");
            assert_eq!(counts(&app), before);
        });
    }
}

#[test]
fn closing_won_books_once_with_splits_the_engine_credits_it_and_reopening_reverses_it() {
    for app in TestApp::worked() {
        let credited = |app: &TestApp| -> i64 {
            app.with_db(|s| {
                attain_engine::run_calc(s, 2026, "test", &attain_dataset::NoProgress).unwrap();
            });
            app.rows(
                "SELECT CAST(COALESCE(SUM(direct), 0) AS BIGINT) FROM result_credits
                 WHERE person_id = 'r1' AND year = 2026 AND metric = 'bookings'",
            )[0]
            .int(0)
            .unwrap()
        };
        let base = credited(&app);
        app.run(async {
            let r1 = app.sign_in("r1@x.test").await;
            let won = [
                ("stage", "closed_won"),
                ("stage_date", "2026-06-30"),
                ("close_date", "2026-06-30"),
                ("create_booking", "true"),
                ("splits", "r2:30"),
            ];
            let a = app.post("/opportunities/o1", &r1, &won).await;
            assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.body);
            let tx = transactions(&app, "o1");
            assert_eq!(tx.len(), 1);
            assert_eq!(tx[0].1, 5_000_000);
            assert_eq!(tx[0].2.as_deref(), Some("r1"));
            let splits = app.rows(&format!(
                "SELECT person_id, percent FROM splits WHERE transaction_id = '{}'",
                tx[0].0
            ));
            assert_eq!(splits.len(), 1);
            assert_eq!(splits[0].string(0).unwrap(), "r2");
            assert_eq!(splits[0].int(1).unwrap(), 300_000);
            let fc =
                app.rows("SELECT forecast_category FROM opportunities WHERE opportunity_id = 'o1'");
            assert_eq!(fc[0].string(0).unwrap(), "closed");
            // Saving the won opportunity again books nothing more.
            app.post("/opportunities/o1", &r1, &won).await;
            app.post(
                "/opportunities/o1",
                &r1,
                &[("name", "Acme expansion (signed)")],
            )
            .await;
            assert_eq!(transactions(&app, "o1").len(), 1);
        });
        // The owner keeps 70 % of 50,000.00.
        assert_eq!(credited(&app) - base, 3_500_000);
        app.run(async {
            let r1 = app.sign_in("r1@x.test").await;
            let a = app
                .post(
                    "/opportunities/o1",
                    &r1,
                    &[("stage", "negotiation"), ("stage_date", "2026-07-02")],
                )
                .await;
            assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.body);
            let tx = transactions(&app, "o1");
            assert_eq!(tx.len(), 2);
            let reversal = tx.iter().find(|t| t.3.is_some()).unwrap();
            assert_eq!(reversal.1, -5_000_000);
            assert_eq!(reversal.2, None);
            assert_eq!(reversal.3.as_deref(), Some(tx[0].0.as_str()));
            let fc =
                app.rows("SELECT forecast_category FROM opportunities WHERE opportunity_id = 'o1'");
            assert_eq!(fc[0].string(0).unwrap(), "pipeline");
            let page = app.get("/opportunities/o1", Some(&r1)).await;
            assert!(page.body.contains(&reversal.0));
        });
        // The reversal takes back exactly the credit given.
        assert_eq!(credited(&app), base);
    }
}

#[test]
fn a_rep_neither_sees_nor_changes_another_reps_opportunity_on_pages_or_api() {
    for app in TestApp::all() {
        let r3_token = app.token("r3@x.test");
        let exec_token = app.token("exec@x.test");
        app.run(async {
            let r3 = app.sign_in("r3@x.test").await;
            let before = counts(&app);
            assert_eq!(app.get("/opportunities/o1", Some(&r3)).await.status, StatusCode::NOT_FOUND);
            assert_eq!(app.get("/opportunities/o1/edit", Some(&r3)).await.status, StatusCode::NOT_FOUND);
            let a = app.post("/opportunities/o1", &r3, &[("stage", "closed_won")]).await;
            assert_eq!(a.status, StatusCode::NOT_FOUND);
            assert_eq!(app.get("/activities/act1/edit", Some(&r3)).await.status, StatusCode::NOT_FOUND);
            let list = app.get("/opportunities", Some(&r3)).await;
            assert!(!list.body.contains("/opportunities/o1\""));
            let api = app.get_with_token("/api/v1/opportunities/o1", &r3_token).await;
            assert_eq!(api.status, StatusCode::NOT_FOUND);
            let listed = app.get_with_token("/api/v1/opportunities", &r3_token).await.json();
            assert_eq!(listed["opportunities"].as_array().unwrap().len(), 0);
            let up = api_post(&app, "/api/v1/opportunities/o1", &r3_token, serde_json::json!({"name": "mine"})).await;
            assert_eq!(up.status, StatusCode::NOT_FOUND);
            // An opportunity for an account or an owner out of scope is refused by name.
            let on_a1 = api_post(
                &app,
                "/api/v1/opportunities",
                &r3_token,
                serde_json::json!({"account_id": "a1", "name": "Poach", "stage": "proposal",
                                   "amount": "10.00", "close_date": "2026-12-01"}),
            )
            .await;
            assert_eq!(on_a1.status, StatusCode::UNPROCESSABLE_ENTITY);
            assert_eq!(on_a1.json()["error"]["field"], "account_id");
            let for_r1 = api_post(
                &app,
                "/api/v1/opportunities",
                &r3_token,
                serde_json::json!({"account_id": "a2", "owner_id": "r1", "name": "Gift",
                                   "stage": "proposal", "amount": "10.00", "close_date": "2026-12-01"}),
            )
            .await;
            assert_eq!(for_r1.status, StatusCode::UNPROCESSABLE_ENTITY);
            assert_eq!(for_r1.json()["error"]["field"], "owner_id");
            // Executives read, and change nothing.
            let seen = app.get_with_token("/api/v1/opportunities/o1", &exec_token).await;
            assert_eq!(seen.status, StatusCode::OK);
            assert_eq!(seen.json()["amount"], "50000.00");
            let ex = api_post(&app, "/api/v1/opportunities/o1", &exec_token, serde_json::json!({"name": "x"})).await;
            assert_eq!(ex.status, StatusCode::FORBIDDEN);
            assert_eq!(counts(&app), before);
        });
    }
}

#[test]
fn forms_without_the_csrf_token_are_refused_and_write_nothing() {
    for app in TestApp::all() {
        app.run(async {
            let r1 = app.sign_in("r1@x.test").await;
            let before = counts(&app);
            for uri in [
                "/activities",
                "/opportunities/o1",
                "/accounts/a1",
                "/contacts",
            ] {
                let a = app
                    .post_form(uri, &r1.cookie, &[("name", "No token"), ("type", "call")])
                    .await;
                assert_eq!(a.status, StatusCode::FORBIDDEN, "{uri}");
            }
            assert_eq!(counts(&app), before);
        });
    }
}

#[test]
fn accounts_contacts_and_activities_are_created_and_changed_through_pages_and_api() {
    for app in TestApp::all() {
        let r1_token = app.token("r1@x.test");
        app.run(async {
            let ops = app.sign_in("ops@x.test").await;
            let a = app
                .post(
                    "/accounts",
                    &ops,
                    &[
                        ("name", "Initech"),
                        ("territory_id", "east1"),
                        ("owner_id", "r1"),
                        ("annual_revenue", "1500000.00"),
                        ("key_account", "false"),
                    ],
                )
                .await;
            assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.body);
            assert_eq!(a.location(), "/accounts/ACC-00001");
            let edit = app
                .post("/accounts/ACC-00001", &ops, &[("industry", "Software")])
                .await;
            assert_eq!(edit.status, StatusCode::SEE_OTHER, "{}", edit.body);
            let r = &app.rows("SELECT industry, annual_revenue, name FROM accounts WHERE account_id = 'ACC-00001'")[0];
            assert_eq!(r.string(0).unwrap(), "Software");
            assert_eq!(r.int(1).unwrap(), 150_000_000);
            assert_eq!(r.string(2).unwrap(), "Initech");
            // The rep sees the new account of their territory, and maps a contact by API.
            let c = api_post(
                &app,
                "/api/v1/contacts",
                &r1_token,
                serde_json::json!({"account_id": "a1", "name": "Ben Champion",
                                   "buying_role": "champion", "reports_to_id": "c1"}),
            )
            .await;
            assert_eq!(c.status, StatusCode::CREATED, "{}", c.body);
            let id = c.json()["contact"]["contact_id"].as_str().unwrap().to_owned();
            assert_eq!(id, "CON-00001");
            let across = api_post(
                &app,
                "/api/v1/contacts",
                &r1_token,
                serde_json::json!({"account_id": "ACC-00001", "name": "Far", "reports_to_id": "c1"}),
            )
            .await;
            assert_eq!(across.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", across.body);
            assert_eq!(across.json()["error"]["field"], "reports_to_id");
            let up = api_post(&app, &format!("/api/v1/contacts/{id}"), &r1_token, serde_json::json!({"title": "VP"})).await;
            assert_eq!(up.status, StatusCode::OK, "{}", up.body);
            assert_eq!(up.json()["contact"]["title"], "VP");
            assert_eq!(up.json()["contact"]["buying_role"], "champion");
            // The rep logs an activity on the page, and changes it by API.
            let r1 = app.sign_in("r1@x.test").await;
            let a = app
                .post(
                    "/activities",
                    &r1,
                    &[
                        ("date", "2026-03-03"),
                        ("type", "call"),
                        ("subject", "Pricing call"),
                        ("account_id", "a1"),
                        ("contact_id", "c1"),
                        ("opportunity_id", "o1"),
                    ],
                )
                .await;
            assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.body);
            let r = &app.rows("SELECT person_id, type FROM activities WHERE activity_id = 'ACT-00001'")[0];
            assert_eq!(r.string(0).unwrap(), "r1");
            let list = app.get("/activities?type=call&from=2026-03-01&to=2026-03-31", Some(&r1)).await;
            assert!(list.body.contains("Pricing call"));
            let page = app.get("/opportunities/o1", Some(&r1)).await;
            assert!(page.body.contains("Pricing call"));
            let up = api_post(&app, "/api/v1/activities/ACT-00001", &r1_token, serde_json::json!({"type": "meeting"})).await;
            assert_eq!(up.status, StatusCode::OK, "{}", up.body);
            let got = app.get_with_token("/api/v1/activities?type=meeting", &r1_token).await.json();
            let ids: Vec<&str> = got["activities"].as_array().unwrap().iter().map(|a| a["activity_id"].as_str().unwrap()).collect();
            assert_eq!(ids, ["ACT-00001", "act1"]);
            let audits = app.count("audit_log");
            assert!(audits >= 6, "{audits}");
        });
    }
}

#[test]
fn every_kind_is_created_and_changed_by_api_and_contacts_on_their_pages_too() {
    for app in TestApp::all() {
        let ops_token = app.token("ops@x.test");
        let r1_token = app.token("r1@x.test");
        app.run(async {
            let acc = api_post(
                &app,
                "/api/v1/accounts",
                &ops_token,
                serde_json::json!({"account_id": "a9", "name": "Hooli", "territory_id": "west",
                                   "employees": 120, "key_account": true}),
            )
            .await;
            assert_eq!(acc.status, StatusCode::CREATED, "{}", acc.body);
            assert_eq!(acc.json()["account"]["employees"], "120");
            let taken = api_post(
                &app,
                "/api/v1/accounts",
                &ops_token,
                serde_json::json!({"account_id": "a9", "name": "Again", "territory_id": "west"}),
            )
            .await;
            assert_eq!(taken.status, StatusCode::UNPROCESSABLE_ENTITY);
            assert_eq!(taken.json()["error"]["field"], "account_id");
            let up = api_post(&app, "/api/v1/accounts/a9", &ops_token, serde_json::json!({"industry": "Tech"})).await;
            assert_eq!(up.status, StatusCode::OK, "{}", up.body);
            assert_eq!(up.json()["account"]["key_account"], "true");
            // A rep's territory (east1) is not west: the rep may not place an account there.
            let west = api_post(
                &app,
                "/api/v1/accounts",
                &r1_token,
                serde_json::json!({"name": "Far away", "territory_id": "west"}),
            )
            .await;
            assert_eq!(west.status, StatusCode::UNPROCESSABLE_ENTITY);
            assert_eq!(west.json()["error"]["field"], "territory_id");

            // An opportunity created won by API books at once, with its splits given as a list.
            let before = app.count("transactions");
            let opp = api_post(
                &app,
                "/api/v1/opportunities",
                &r1_token,
                serde_json::json!({"account_id": "a1", "name": "Quick win", "stage": "closed_won",
                                   "amount": "800.00", "margin": "300.00", "close_date": "2026-05-05",
                                   "splits": [{"person_id": "r2", "percent": "12.5"}]}),
            )
            .await;
            assert_eq!(opp.status, StatusCode::CREATED, "{}", opp.body);
            let body = opp.json();
            assert_eq!(body["opportunity"]["owner_id"], "r1");
            assert_eq!(body["opportunity"]["forecast_category"], "closed");
            let booking = body["booking_id"].as_str().unwrap().to_owned();
            assert_eq!(app.count("transactions"), before + 1);
            let split = &app.rows(&format!("SELECT percent FROM splits WHERE transaction_id = '{booking}'"))[0];
            assert_eq!(split.int(0).unwrap(), 125_000);
            let id = body["opportunity"]["opportunity_id"].as_str().unwrap().to_owned();
            let got = app.get_with_token(&format!("/api/v1/opportunities/{id}"), &r1_token).await.json();
            assert_eq!(got["stage_history"][0]["stage"], "closed_won");
            // Losing it reverses the booking.
            let lost = api_post(&app, &format!("/api/v1/opportunities/{id}"), &r1_token, serde_json::json!({"stage": "closed_lost"})).await;
            assert_eq!(lost.status, StatusCode::OK, "{}", lost.body);
            assert_eq!(lost.json()["reversal_ids"].as_array().unwrap().len(), 1);
            assert_eq!(lost.json()["opportunity"]["forecast_category"], "omitted");
            // Splits that give the owner's share away, or more than everything, are refused.
            for splits in [serde_json::json!("r1:10"), serde_json::json!("r2:60, m1:50")] {
                let n = app.count("opportunities");
                let bad = api_post(
                    &app,
                    "/api/v1/opportunities",
                    &r1_token,
                    serde_json::json!({"account_id": "a1", "name": "Split", "stage": "closed_won",
                                       "amount": "1.00", "close_date": "2026-05-05", "splits": splits}),
                )
                .await;
                assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.body);
                assert_eq!(bad.json()["error"]["field"], "splits");
                assert_eq!(app.count("opportunities"), n);
            }

            let act = api_post(
                &app,
                "/api/v1/activities",
                &r1_token,
                serde_json::json!({"type": "demo", "opportunity_id": "o1", "subject": "Demo day"}),
            )
            .await;
            assert_eq!(act.status, StatusCode::CREATED, "{}", act.body);
            assert_eq!(act.json()["activity"]["person_id"], "r1");

            // Contacts on their pages: added from the account, then changed.
            let r1 = app.sign_in("r1@x.test").await;
            let form = app.get("/contacts/new?account_id=a1", Some(&r1)).await;
            assert_eq!(form.status, StatusCode::OK);
            let a = app
                .post(
                    "/contacts",
                    &r1,
                    &[("account_id", "a1"), ("name", "Gina Gate"), ("buying_role", "gatekeeper")],
                )
                .await;
            assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.body);
            assert_eq!(a.location(), "/accounts/a1");
            let edit = app.get("/contacts/CON-00001/edit", Some(&r1)).await;
            assert!(edit.body.contains("value=\"Gina Gate\""));
            let a = app
                .post("/contacts/CON-00001", &r1, &[("title", "Assistant"), ("reports_to_id", "c1")])
                .await;
            assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.body);
            let account = app.get("/accounts/a1", Some(&r1)).await;
            assert!(account.body.contains("Gina Gate") && account.body.contains("Assistant"));
            let wrong = app.post("/contacts/CON-00001", &r1, &[("buying_role", "boss")]).await;
            assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
            assert!(wrong.body.contains("Buying role: "), "{}", wrong.body);
        });
    }
}
