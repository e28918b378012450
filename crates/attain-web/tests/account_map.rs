//! Account mapping on every database: the map page (org chart, decision steps, coverage and
//! gaps), its API, the key accounts list, editing decision steps (audited), and visibility
//! (an account out of scope is 404 like a missing one).
#![allow(clippy::unwrap_used)]

mod common;

use axum::http::StatusCode;
use common::TestApp;

/// The day of the maps: the window runs from 2026-04-02 to 2026-06-30.
const ON: &str = "2026-06-30";

/// Acme (a1, key account of r1) gets a buying group, touches and a decision process.
fn mapped() -> Vec<TestApp> {
    let apps = TestApp::all();
    for app in &apps {
        app.import(&[
            (
                "contacts.csv",
                "contact_id,account_id,name,title,buying_role,reports_to_id\n\
                 c0,a1,Dora <Decider>,CEO,decision_maker,\n\
                 c1,a1,Carla Buyer,CFO,economic_buyer,c0\n\
                 c2,a1,Chad Champ,IT Director,champion,c1\n\
                 c4,a1,Bo Block,Legal Counsel,blocker,c0\n\
                 c5,a1,Una User,Team Lead,user,c2\n\
                 c9,a2,Gil Globex,CEO,decision_maker,\n",
            ),
            (
                "activities.csv",
                "activity_id,person_id,date,type,account_id,contact_id,subject\n\
                 act2,r1,2026-06-20,meeting,a1,c1,Budget\n\
                 act3,r2,2026-06-25,call,a1,c1,Follow-up\n\
                 act4,r1,2026-03-01,call,a1,c0,Too early\n\
                 act5,r1,2026-06-30,email,a1,c2,Plan\n\
                 act6,r3,2026-06-01,call,a2,c9,Elsewhere\n",
            ),
            (
                "decision_steps.csv",
                "account_id,step,name,description\n\
                 a1,1,Business case,Budget signed off\n\
                 a1,2,Final decision,\n",
            ),
            (
                "decision_step_contacts.csv",
                "account_id,step,contact_id\na1,1,c1\na1,1,c2\na1,2,c0\n",
            ),
        ]);
    }
    apps
}

#[test]
fn the_map_page_draws_every_contact_lists_the_steps_and_marks_the_gaps() {
    for app in mapped() {
        app.run(async {
            let r1 = app.sign_in("r1@x.test").await;
            let a = app
                .get(&format!("/accounts/a1/map?on={ON}"), Some(&r1))
                .await;
            assert_eq!(a.status, StatusCode::OK, "{}", a.body);
            let b = &a.body;
            for c in ["c0", "c1", "c2", "c4", "c5"] {
                assert_eq!(
                    b.matches(&format!("data-contact=\"{c}\"")).count(),
                    1,
                    "{c}"
                );
            }
            assert!(
                !b.contains("data-contact=\"c9\""),
                "another account's contact"
            );
            assert!(b.contains("Dora &lt;Decider&gt;") && !b.contains("<Decider>"));
            assert!(b.contains("2 of 5 contacts reached"));
            assert!(b.contains("2 of 4 key roles"));
            assert!(b.contains("no decision maker met in 90 days"));
            assert!(b.contains("no technical evaluator mapped"));
            assert!(b.contains("blocker Bo Block not engaged in 90 days"));
            // The latest touch of Carla was Raj's call; steps in order with their people.
            assert!(b.contains("2026-06-25</td><td>Raj Rep"));
            let business = b.find("Business case").unwrap();
            let final_step = b.find("Final decision").unwrap();
            assert!(business < final_step);
            assert!(b.contains("Carla Buyer, Chad Champ"));
        });
    }
}

#[test]
fn the_api_gives_the_map_with_coverage_and_gaps() {
    for app in mapped() {
        app.run(async {
            let token = app.token("r1@x.test");
            let a = app
                .get_with_token(&format!("/api/v1/accounts/a1/map?on={ON}"), &token)
                .await;
            assert_eq!(a.status, StatusCode::OK, "{}", a.body);
            let j = a.json();
            assert_eq!(j["window"]["from"], "2026-04-02");
            assert_eq!(j["window"]["to"], ON);
            assert_eq!(j["contacts"].as_array().unwrap().len(), 5);
            let carla = j["contacts"]
                .as_array()
                .unwrap()
                .iter()
                .find(|c| c["contact_id"] == "c1")
                .unwrap();
            assert_eq!(carla["reports_to_id"], "c0");
            assert_eq!(carla["reached"]["last_date"], "2026-06-25");
            assert_eq!(carla["reached"]["by_person_id"], "r2");
            assert_eq!(carla["reached"]["touches"], 2);
            assert_eq!(j["coverage"]["reached"], 2);
            assert_eq!(j["coverage"]["key_roles_covered"], 2);
            let gaps: Vec<(String, String)> = j["gaps"]
                .as_array()
                .unwrap()
                .iter()
                .map(|g| {
                    (
                        g["code"].as_str().unwrap().to_owned(),
                        g["buying_role"].as_str().unwrap().to_owned(),
                    )
                })
                .collect();
            let expected = [
                ("not_reached", "decision_maker"),
                ("not_mapped", "technical_evaluator"),
                ("blocker_not_engaged", "blocker"),
            ];
            assert_eq!(
                gaps,
                expected.map(|(c, r)| (c.to_owned(), r.to_owned())).to_vec()
            );
            assert_eq!(j["gaps"][2]["contact_id"], "c4");
            assert_eq!(
                j["decision_steps"][0]["contact_ids"],
                serde_json::json!(["c1", "c2"])
            );
            assert_eq!(j["decision_steps"][1]["name"], "Final decision");

            let bad = app
                .get_with_token("/api/v1/accounts/a1/map?on=June", &token)
                .await;
            assert_eq!(bad.status, StatusCode::BAD_REQUEST);
            assert!(
                bad.json()["error"]["message"]
                    .as_str()
                    .unwrap()
                    .starts_with("on: ")
            );
        });
    }
}

#[test]
fn an_account_out_of_scope_is_not_found_on_the_page_and_the_api() {
    for app in mapped() {
        app.run(async {
            let r3 = app.sign_in("r3@x.test").await;
            for uri in ["/accounts/a1/map", "/accounts/nope/map"] {
                assert_eq!(
                    app.get(uri, Some(&r3)).await.status,
                    StatusCode::NOT_FOUND,
                    "{uri}"
                );
            }
            assert_eq!(
                app.get("/accounts/a2/map", Some(&r3)).await.status,
                StatusCode::OK
            );
            let token = app.token("r3@x.test");
            let a = app.get_with_token("/api/v1/accounts/a1/map", &token).await;
            assert_eq!(a.status, StatusCode::NOT_FOUND);
            assert_eq!(a.json()["error"]["code"], "not_found");
            let post = app
                .post(
                    "/accounts/a1/map/steps",
                    &r3,
                    &[("step", "3"), ("name", "Sneaky")],
                )
                .await;
            assert_eq!(post.status, StatusCode::NOT_FOUND);
            let delete = app.post("/accounts/a1/map/steps/1/delete", &r3, &[]).await;
            assert_eq!(delete.status, StatusCode::NOT_FOUND);
            assert_eq!(app.count("decision_steps"), 2);
        });
    }
}

#[test]
fn steps_are_added_changed_and_removed_with_an_audit_row_each() {
    for app in mapped() {
        app.run(async {
            let m1 = app.sign_in("m1@x.test").await;
            let add = app
                .post(
                    "/accounts/a1/map/steps",
                    &m1,
                    &[
                        ("step", "3"),
                        ("name", "Security review"),
                        ("contact", "c4"),
                        ("contact", "c2"),
                    ],
                )
                .await;
            assert_eq!(add.status, StatusCode::SEE_OTHER, "{}", add.body);
            assert_eq!(add.location(), "/accounts/a1/map");
            let people = app.rows(
                "SELECT contact_id FROM decision_step_contacts WHERE account_id = 'a1' AND step = 3
                 ORDER BY contact_id",
            );
            assert_eq!(people.len(), 2);
            assert_eq!(people[0].string(0).unwrap(), "c2");

            let change = app
                .post(
                    "/accounts/a1/map/steps",
                    &m1,
                    &[
                        ("step", "1"),
                        ("name", "Business case approved"),
                        ("contact", "c1"),
                    ],
                )
                .await;
            assert_eq!(change.status, StatusCode::SEE_OTHER);
            let audit = app.rows(
                "SELECT action, entity_key, before_json, after_json FROM audit_log
                 WHERE entity = 'decision_step' ORDER BY audit_id",
            );
            assert_eq!(audit.len(), 2);
            assert_eq!(audit[0].string(0).unwrap(), "create");
            assert_eq!(audit[1].string(0).unwrap(), "update");
            assert_eq!(audit[1].string(1).unwrap(), "a1:1");
            assert!(audit[1].string(2).unwrap().contains("\"c2\""));
            assert!(!audit[1].string(3).unwrap().contains("\"c2\""));

            let remove = app.post("/accounts/a1/map/steps/2/delete", &m1, &[]).await;
            assert_eq!(remove.status, StatusCode::SEE_OTHER);
            assert_eq!(app.count("decision_steps"), 2);
            assert_eq!(app.count("decision_step_contacts"), 3);
            let deleted = app.rows(
                "SELECT action, after_json FROM audit_log WHERE entity = 'decision_step'
                 AND entity_key = 'a1:2'",
            );
            assert_eq!(deleted.len(), 1);
            assert_eq!(deleted[0].string(0).unwrap(), "delete");
            assert!(deleted[0].value(1).is_null());
        });
    }
}

#[test]
fn a_step_naming_a_contact_of_another_account_is_refused_and_nothing_is_written() {
    for app in mapped() {
        app.run(async {
            let r1 = app.sign_in("r1@x.test").await;
            let audits = app.count("audit_log");
            let a = app
                .post(
                    "/accounts/a1/map/steps",
                    &r1,
                    &[("step", "3"), ("name", "Review"), ("contact", "c9")],
                )
                .await;
            assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY);
            assert!(
                a.body
                    .contains("People: &#39;c9&#39; is not a contact of this account"),
                "{}",
                a.body
            );
            let b = app
                .post(
                    "/accounts/a1/map/steps",
                    &r1,
                    &[("step", "0"), ("name", "Review")],
                )
                .await;
            assert_eq!(b.status, StatusCode::UNPROCESSABLE_ENTITY);
            assert!(
                b.body
                    .contains("Step: &#39;0&#39; is not a whole number from 1 to 99.")
            );
            assert_eq!(app.count("decision_steps"), 2);
            assert_eq!(app.count("audit_log"), audits);
        });
    }
}

#[test]
fn key_accounts_list_the_viewers_key_accounts_with_their_gaps() {
    for app in mapped() {
        app.run(async {
            let r1 = app.sign_in("r1@x.test").await;
            let a = app.get(&format!("/accounts/key?on={ON}"), Some(&r1)).await;
            assert_eq!(a.status, StatusCode::OK);
            assert!(a.body.contains("href=\"/accounts/a1/map\""));
            assert!(a.body.contains("2 of 5"));
            assert!(a.body.contains("no technical evaluator mapped"));
            // Globex is not a key account; r3 has none.
            let r3 = app.sign_in("r3@x.test").await;
            let b = app.get("/accounts/key", Some(&r3)).await;
            assert_eq!(b.status, StatusCode::OK);
            assert!(b.body.contains("No key accounts to show"));
            assert!(!b.body.contains("/accounts/a1/map"));
        });
    }
}

#[test]
fn a_contact_in_a_decision_step_cannot_move_to_another_account_through_the_contact_api() {
    for app in mapped() {
        app.run(async {
            let token = app.token("ops@x.test");
            let req = axum::http::Request::post("/api/v1/contacts/c1")
                .header(axum::http::header::AUTHORIZATION, format!("Bearer {token}"))
                .header(axum::http::header::CONTENT_TYPE, "application/json")
                .body(axum::body::Body::from(
                    r#"{"account_id": "a2", "reports_to_id": ""}"#,
                ))
                .unwrap();
            let a = app.send(req).await;
            assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", a.body);
            let j = a.json();
            assert_eq!(j["error"]["field"], "account_id");
            assert!(
                j["error"]["message"]
                    .as_str()
                    .unwrap()
                    .contains("step 1 of the decision process of account 'a1'"),
                "{j}"
            );
            let stored = app.rows("SELECT account_id FROM contacts WHERE contact_id = 'c1'");
            assert_eq!(stored[0].string(0).unwrap(), "a1");
        });
    }
}
