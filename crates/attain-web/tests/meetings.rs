//! Sales meetings on every database: a new meeting's agenda pre-filled with each member's exact
//! figures, attendance, notes and follow-ups (audited), refreshing until held, the API, and who
//! may see and run a team's meetings (out of scope is 404; seen but not run is 403).
#![allow(clippy::unwrap_used)]

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use common::TestApp;

/// m1's team (r1, r2, and r4 by reporting.csv) met on 2026-06-23; its deals around 2026-06-30.
fn team() -> Vec<TestApp> {
    let apps = TestApp::all();
    for app in &apps {
        app.import(&[
            (
                "opportunities.csv",
                "opportunity_id,account_id,owner_id,name,stage,amount,created_date,close_date,forecast_category\n\
                 o1,a1,r1,Acme expansion,proposal,50000.00,2026-01-10,2026-06-30,\n\
                 o2,a1,r1,Acme add-on,negotiation,1234.56,2026-06-25,2026-08-01,commit\n\
                 o3,a1,r1,Acme renewal,closed_won,999.99,2026-05-01,2026-06-28,\n\
                 o4,a2,r2,Globex pilot,qualification,300.00,2026-03-01,2026-09-01,\n\
                 o5,a1,r1,Acme old,proposal,77.00,2026-01-01,2026-06-20,\n",
            ),
            (
                "stage_history.csv",
                "opportunity_id,stage,entered_date\no5,proposal,2026-01-01\no5,closed_lost,2026-06-20\n",
            ),
            (
                "meetings.csv",
                "meeting_id,team_manager_id,date,title,cadence,status,notes\n\
                 m1w25,m1,2026-06-23,Team meeting,weekly,held,Last week\n",
            ),
        ]);
    }
    apps
}

fn item_of<'a>(meeting: &'a serde_json::Value, person: &str) -> &'a serde_json::Value {
    meeting["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["person_id"] == person)
        .unwrap_or_else(|| panic!("an item for {person}: {meeting}"))
}

#[test]
fn a_new_meeting_prefills_each_members_exact_figures_and_key_accounts() {
    for app in team() {
        app.run(async {
            let m1 = app.sign_in("m1@x.test").await;
            let a = app
                .post(
                    "/meetings",
                    &m1,
                    &[
                        ("team_manager_id", "m1"),
                        ("date", "2026-06-30"),
                        ("title", "Weekly"),
                        ("cadence", "weekly"),
                    ],
                )
                .await;
            assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.body);
            assert_eq!(a.location(), "/meetings/m1:2026-06-30");
            let token = app.token("m1@x.test");
            let j = app
                .get_with_token("/api/v1/meetings/m1:2026-06-30", &token)
                .await
                .json();
            // One information-gathering item per member (r4 by reporting.csv), then the rest.
            let sections: Vec<&str> = j["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|i| i["section"].as_str().unwrap())
                .collect();
            assert_eq!(
                sections,
                [
                    "information_gathering",
                    "information_gathering",
                    "information_gathering",
                    "training",
                    "recognition",
                    "other"
                ]
            );
            let r1 = &item_of(&j, "r1")["figures"];
            assert_eq!(r1["since"], "2026-06-24", "the day after the last meeting");
            assert_eq!(r1["as_of"], "2026-06-30");
            // o1 and o2 are open; o5 was lost before, o3 won.
            assert_eq!(r1["open_count"], 2);
            assert_eq!(r1["open_amount"], "51234.56");
            let commit = r1["by_category"]
                .as_array()
                .unwrap()
                .iter()
                .find(|c| c["category"] == "commit")
                .unwrap();
            assert_eq!(commit["amount"], "1234.56");
            assert_eq!(r1["new_opportunities"], 1);
            assert_eq!(r1["won_count"], 1);
            assert_eq!(r1["won_amount"], "999.99");
            assert_eq!(r1["attainment"], serde_json::Value::Null, "no objective");
            assert_eq!(
                r1["key_accounts"],
                serde_json::json!([{"account_id": "a1", "name": "Acme", "open_count": 2,
                                    "open_amount": "51234.56"}])
            );
            let r2 = &item_of(&j, "r2")["figures"];
            assert_eq!(r2["open_amount"], "300.00");
            assert_eq!(r2["key_accounts"], serde_json::json!([]));
            item_of(&j, "r4");
            // The page shows the figures.
            let page = app.get("/meetings/m1:2026-06-30", Some(&m1)).await;
            assert_eq!(page.status, StatusCode::OK);
            assert!(page.body.contains("Rita Rep: Key accounts and pipeline"));
            assert!(page.body.contains("51,234.56"), "{}", page.body);
            assert!(page.body.contains("Acme"));
        });
    }
}

#[test]
fn figures_refresh_while_scheduled_and_stay_frozen_once_held() {
    for app in team() {
        app.run(async {
            let m1 = app.sign_in("m1@x.test").await;
            app.post(
                "/meetings",
                &m1,
                &[("team_manager_id", "m1"), ("date", "2026-06-30")],
            )
            .await;
            app.exec(
                "UPDATE opportunities SET amount = 100000 WHERE opportunity_id = 'o4'",
                &[],
            );
            let a = app.post("/meetings/m1:2026-06-30/refresh", &m1, &[]).await;
            assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.body);
            let token = app.token("m1@x.test");
            let j = app
                .get_with_token("/api/v1/meetings/m1:2026-06-30", &token)
                .await
                .json();
            assert_eq!(item_of(&j, "r2")["figures"]["open_amount"], "1000.00");
            let a = app
                .post(
                    "/meetings/m1:2026-06-30/minutes",
                    &m1,
                    &[
                        ("attend_r1", "present"),
                        ("attend_r2", "excused"),
                        ("notes", "Good week"),
                        ("status", "held"),
                    ],
                )
                .await;
            assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.body);
            let a = app.post("/meetings/m1:2026-06-30/refresh", &m1, &[]).await;
            assert_eq!(a.status, StatusCode::BAD_REQUEST);
            let j = app
                .get_with_token("/api/v1/meetings/m1:2026-06-30", &token)
                .await
                .json();
            assert_eq!(j["status"], "held");
            assert_eq!(j["notes"], "Good week");
            assert_eq!(
                j["attendance"],
                serde_json::json!([{"person_id": "r1", "status": "present"},
                                   {"person_id": "r2", "status": "excused"}])
            );
            let audits = app.count("audit_log");
            assert!(
                audits >= 5,
                "create, refresh x3 items, attendance x2, minutes"
            );
            // Someone off the team cannot be marked.
            let a = app
                .post(
                    "/meetings/m1:2026-06-30/minutes",
                    &m1,
                    &[("attend_r3", "present")],
                )
                .await;
            assert_eq!(a.status, StatusCode::BAD_REQUEST);
        });
    }
}

#[test]
fn a_rep_sees_their_teams_meetings_and_sets_only_their_own_followups() {
    for app in team() {
        app.run(async {
            let m1 = app.sign_in("m1@x.test").await;
            app.post(
                "/meetings",
                &m1,
                &[("team_manager_id", "m1"), ("date", "2026-06-30")],
            )
            .await;
            for (owner, what) in [("r1", "Send the proposal"), ("r2", "Call Globex")] {
                let a = app
                    .post(
                        "/meetings/m1:2026-06-30/followups",
                        &m1,
                        &[
                            ("owner_id", owner),
                            ("description", what),
                            ("due_date", "2026-07-07"),
                        ],
                    )
                    .await;
                assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.body);
            }
            let r1 = app.sign_in("r1@x.test").await;
            let list = app.get("/meetings", Some(&r1)).await;
            assert!(list.body.contains("/meetings/m1:2026-06-30"));
            let a = app
                .post(
                    "/meetings/m1:2026-06-30/followups/f1",
                    &r1,
                    &[("status", "done")],
                )
                .await;
            assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.body);
            let a = app
                .post(
                    "/meetings/m1:2026-06-30/followups/f2",
                    &r1,
                    &[("status", "done")],
                )
                .await;
            assert_eq!(a.status, StatusCode::FORBIDDEN, "not r1's follow-up");
            let a = app
                .post("/meetings/m1:2026-06-30/minutes", &r1, &[("notes", "mine")])
                .await;
            assert_eq!(a.status, StatusCode::FORBIDDEN, "a rep does not run it");
            let rows =
                app.rows("SELECT followup_id, status FROM meeting_followups ORDER BY followup_id");
            assert_eq!(rows[0].string(1).unwrap(), "done");
            assert_eq!(rows[1].string(1).unwrap(), "open");
            // A rep of another team: 404 like a missing meeting.
            for who in ["r3@x.test"] {
                let b = app.sign_in(who).await;
                let a = app.get("/meetings/m1:2026-06-30", Some(&b)).await;
                assert_eq!(a.status, StatusCode::NOT_FOUND, "{who}");
                let list = app.get("/meetings", Some(&b)).await;
                assert!(!list.body.contains("m1:2026-06-30"), "{who}");
            }
        });
    }
}

#[test]
fn a_manager_cannot_create_a_meeting_for_another_managers_team() {
    for app in team() {
        app.run(async {
            let m1 = app.sign_in("m1@x.test").await;
            let a = app
                .post(
                    "/meetings",
                    &m1,
                    &[("team_manager_id", "m2"), ("date", "2026-06-30")],
                )
                .await;
            assert_eq!(a.status, StatusCode::NOT_FOUND, "m2 is out of m1's scope");
            // The director sees m1's team but does not run it.
            let dir = app.sign_in("dir@x.test").await;
            let a = app
                .post(
                    "/meetings",
                    &dir,
                    &[("team_manager_id", "m1"), ("date", "2026-06-30")],
                )
                .await;
            assert_eq!(a.status, StatusCode::FORBIDDEN);
            assert_eq!(app.count("meetings"), 1);
            // Sales ops runs any team, through the API too; the same day twice is refused.
            let token = app.token("ops@x.test");
            for expect in [StatusCode::CREATED, StatusCode::BAD_REQUEST] {
                let req = Request::builder()
                    .method("POST")
                    .uri("/api/v1/meetings")
                    .header(header::AUTHORIZATION, format!("Bearer {token}"))
                    .header(header::CONTENT_TYPE, "application/json")
                    .body(Body::from(
                        r#"{"team_manager_id":"m2","date":"2026-07-01","cadence":"biweekly"}"#,
                    ))
                    .unwrap();
                let a = app.send(req).await;
                assert_eq!(a.status, expect, "{}", a.body);
            }
            let j = app.get_with_token("/api/v1/meetings", &token).await.json();
            assert_eq!(j["meetings"].as_array().unwrap().len(), 2);
            // Scheduling the next one follows the cadence.
            let ops = app.sign_in("ops@x.test").await;
            let a = app.post("/meetings/m2:2026-07-01/next", &ops, &[]).await;
            assert_eq!(a.location(), "/meetings/m2:2026-07-15");
            let j = app
                .get_with_token("/api/v1/meetings/m2:2026-07-15", &token)
                .await
                .json();
            assert_eq!(item_of(&j, "r3")["figures"]["since"], "2026-07-02");
        });
    }
}

#[test]
fn sales_ops_edits_the_template_and_new_agendas_follow_it() {
    for app in team() {
        app.run(async {
            let ops = app.sign_in("ops@x.test").await;
            let a = app
                .post(
                    "/meetings/template",
                    &ops,
                    &[
                        ("section_1", "recognition"),
                        ("title_1", "Wins of the week"),
                        ("minutes_1", "5"),
                        ("section_2", "information_gathering"),
                        ("title_2", "Pipeline"),
                        ("minutes_2", "4"),
                        ("section_3", "other"),
                        ("title_3", ""),
                        ("minutes_3", ""),
                    ],
                )
                .await;
            assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.body);
            let bad = app
                .post(
                    "/meetings/template",
                    &ops,
                    &[
                        ("section_1", "training"),
                        ("title_1", "T"),
                        ("minutes_1", "900"),
                    ],
                )
                .await;
            assert_eq!(bad.status, StatusCode::BAD_REQUEST);
            assert!(bad.body.contains("row 1: minutes:"), "{}", bad.body);
            assert_eq!(app.count("meeting_template"), 2);
            let m1 = app.sign_in("m1@x.test").await;
            let a = app
                .post(
                    "/meetings/template",
                    &m1,
                    &[("section_1", "training"), ("title_1", "T")],
                )
                .await;
            assert_eq!(a.status, StatusCode::FORBIDDEN);
            app.post(
                "/meetings",
                &m1,
                &[("team_manager_id", "m1"), ("date", "2026-06-30")],
            )
            .await;
            let token = app.token("m1@x.test");
            let j = app
                .get_with_token("/api/v1/meetings/m1:2026-06-30", &token)
                .await
                .json();
            let titles: Vec<&str> = j["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|i| i["title"].as_str().unwrap())
                .collect();
            assert_eq!(
                titles,
                [
                    "Wins of the week",
                    "Raj Rep: Pipeline",
                    "Rita Rep: Pipeline",
                    "Rob Rep: Pipeline"
                ]
            );
            assert_eq!(j["items"][1]["minutes"], 4);
        });
    }
}
