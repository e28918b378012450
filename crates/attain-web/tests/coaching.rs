//! Coaching on both databases: private notes never reach the person coached (pages or API),
//! sessions outside one's scope are answered 404, a manager records sessions only for their
//! team, the cadence flags people past it (exactly at the cadence is on time; never coached is
//! flagged), and reflections, action items and the competency model are changed by those
//! allowed, audited.
#![allow(clippy::unwrap_used)]

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use common::TestApp;

const SECRET: &str = "SECRET-NOTE-r1";

async fn post_json(app: &TestApp, uri: &str, token: &str, body: &str) -> common::Answer {
    let req = Request::post(uri)
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body.to_owned()))
        .unwrap();
    app.send(req).await
}

#[test]
fn a_rep_reading_their_session_gets_no_private_note_anywhere_in_the_pages_or_the_json() {
    for app in TestApp::all() {
        app.coaching();
        let token = app.token("r1@x.test");
        app.run(async {
            let rep = app.sign_in("r1@x.test").await;
            for uri in [
                "/coaching",
                "/coaching/sessions",
                "/coaching/sessions/s1",
                "/coaching/actions",
            ] {
                let page = app.get(uri, Some(&rep)).await;
                assert_eq!(page.status, StatusCode::OK, "{uri}");
                assert!(!page.body.contains(SECRET), "{uri} shows the private note");
                assert!(!page.body.contains("Private notes"), "{uri}");
            }
            let page = app.get("/coaching/sessions/s1", Some(&rep)).await;
            assert!(
                page.body.contains("Good discovery"),
                "the shared notes are shown"
            );
            assert!(
                page.body.contains("name=\"reflection\""),
                "the reflection form"
            );
            for uri in ["/api/v1/coaching/sessions/s1", "/api/v1/people/r1/coaching"] {
                let a = app.get_with_token(uri, &token).await;
                assert_eq!(a.status, StatusCode::OK, "{uri}");
                assert!(!a.body.contains(SECRET), "{uri} holds the private note");
                assert!(!a.body.contains("private_notes"), "{uri} names the field");
                assert!(a.body.contains("Good discovery"), "{uri}");
            }
        });
    }
}

#[test]
fn the_coach_the_coachs_director_and_sales_ops_read_the_private_note_and_executives_do_not() {
    for app in TestApp::all() {
        app.coaching();
        app.run(async {
            for (email, sees) in [
                ("m1@x.test", true),
                ("dir@x.test", true),
                ("ops@x.test", true),
                ("exec@x.test", false),
            ] {
                let who = app.sign_in(email).await;
                let page = app.get("/coaching/sessions/s1", Some(&who)).await;
                assert_eq!(page.status, StatusCode::OK, "{email}");
                assert_eq!(page.body.contains(SECRET), sees, "{email}");
            }
        });
        let a =
            app.run(app.get_with_token("/api/v1/coaching/sessions/s1", &app.token("m1@x.test")));
        assert_eq!(a.json()["private_notes"], SECRET);
    }
}

#[test]
fn a_rep_asking_for_another_reps_session_gets_404_on_the_page_and_the_api() {
    for app in TestApp::all() {
        app.coaching();
        let token = app.token("r1@x.test");
        app.run(async {
            let rep = app.sign_in("r1@x.test").await;
            let page = app.get("/coaching/sessions/s3", Some(&rep)).await;
            assert_eq!(page.status, StatusCode::NOT_FOUND);
            assert!(!page.body.contains("SECRET-NOTE-r3"));
            let a = app
                .get_with_token("/api/v1/coaching/sessions/s3", &token)
                .await;
            assert_eq!(a.status, StatusCode::NOT_FOUND);
            let a = app
                .get_with_token("/api/v1/people/r3/coaching", &token)
                .await;
            assert_eq!(a.status, StatusCode::NOT_FOUND);
            let missing = app.get("/coaching/sessions/nope", Some(&rep)).await;
            assert_eq!(missing.status, StatusCode::NOT_FOUND);
        });
    }
}

#[test]
fn a_manager_records_a_session_for_their_team_but_not_for_someone_outside_it() {
    for app in TestApp::all() {
        app.coaching();
        let token = app.token("m1@x.test");
        app.run(async {
            let m1 = app.sign_in("m1@x.test").await;
            let outside = app
                .post(
                    "/coaching/sessions",
                    &m1,
                    &[
                        ("person_id", "r3"),
                        ("date", "2026-03-01"),
                        ("kind", "one_to_one"),
                    ],
                )
                .await;
            assert_eq!(outside.status, StatusCode::NOT_FOUND);
            let api = post_json(
                &app,
                "/api/v1/coaching/sessions",
                &token,
                r#"{"person_id": "r3", "date": "2026-03-01", "kind": "one_to_one"}"#,
            )
            .await;
            assert_eq!(api.status, StatusCode::NOT_FOUND);

            let bad = app
                .post(
                    "/coaching/sessions",
                    &m1,
                    &[
                        ("person_id", "r2"),
                        ("date", "2026-03-01"),
                        ("kind", "one_to_one"),
                        ("rating.discovery", "6"),
                    ],
                )
                .await;
            assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
            assert!(
                bad.body.contains("is not a rating from 1 to 5"),
                "{}",
                bad.body
            );

            let ok = app
                .post(
                    "/coaching/sessions",
                    &m1,
                    &[
                        ("person_id", "r2"),
                        ("date", "2026-03-01"),
                        ("kind", "call_debrief"),
                        ("what_happened", "Demo ran long"),
                        ("private_notes", "keep an eye"),
                        ("rating.discovery", "3"),
                        ("action_description", "Practise the opening"),
                        ("action_owner_id", ""),
                        ("action_due_date", "2026-03-15"),
                        ("action_description", ""),
                        ("action_owner_id", ""),
                        ("action_due_date", ""),
                    ],
                )
                .await;
            assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
            assert!(ok.location().starts_with("/coaching/sessions/"));
            let page = app.get(ok.location(), Some(&m1)).await;
            assert!(page.body.contains("Demo ran long") && page.body.contains("keep an eye"));
            assert!(page.body.contains("Practise the opening"));
        });
        let rows = app
            .rows("SELECT person_id, coach_id, kind FROM coaching_sessions WHERE person_id = 'r2'");
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].string(1).unwrap(), "m1");
        assert_eq!(app.count("action_items"), 2);
        let audited = app.rows(
            "SELECT actor FROM audit_log WHERE entity = 'coaching_session' AND action = 'create'",
        );
        assert_eq!(audited.len(), 1);
        assert_eq!(audited[0].string(0).unwrap(), "m1@x.test");
    }
}

#[test]
fn the_cadence_flags_people_past_it_and_never_coached_but_not_exactly_at_it() {
    for app in TestApp::all() {
        let today = chrono::Utc::now().date_naive();
        let day = |n: i64| (today - chrono::Duration::days(n)).to_string();
        let sessions = format!(
            "session_id,person_id,coach_id,date,kind\n\
             c1,r1,m1,{},one_to_one\nc2,r1,m1,{},field_visit\nc3,r2,m1,{},phone_check_in\n",
            day(30),
            day(45),
            day(31)
        );
        let actions = format!(
            "action_id,person_id,owner_id,description,due_date,status\n\
             x1,r1,r1,Late,{},open\nx2,r1,r1,Soon,{},open\nx3,r2,r2,Done,{},done\n",
            day(2),
            day(-5),
            day(3)
        );
        app.import(&[
            ("settings.csv", "key,value\ncoaching_cadence_days,30\n"),
            ("coaching_sessions.csv", &sessions),
            ("action_items.csv", &actions),
        ]);
        let (m1, dir) = (app.token("m1@x.test"), app.token("dir@x.test"));
        let a = app.run(app.get_with_token("/api/v1/coaching/cadence", &m1));
        assert_eq!(a.status, StatusCode::OK);
        let j = a.json();
        let person = |id: &str| {
            j["people"]
                .as_array()
                .unwrap()
                .iter()
                .find(|p| p["person_id"] == id)
                .unwrap_or_else(|| panic!("{id} is in m1's team: {j}"))
                .clone()
        };
        let r1 = person("r1");
        assert_eq!(r1["days_since_last"], 30);
        assert_eq!(r1["flagged"], false, "exactly at the cadence is on time");
        assert_eq!(r1["days_since_by_kind"]["field_visit"], 45);
        assert_eq!(r1["open_action_items"], 2);
        assert_eq!(r1["overdue_action_items"], 1);
        assert_eq!(person("r2")["flagged"], true, "31 days is past the cadence");
        assert_eq!(person("r4")["flagged"], true, "never coached");
        assert_eq!(person("r4")["last_session"], serde_json::Value::Null);

        let d = app
            .run(app.get_with_token("/api/v1/coaching/cadence", &dir))
            .json();
        let m = d["managers"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["manager_id"] == "m1")
            .unwrap_or_else(|| panic!("the director sees m1: {d}"))
            .clone();
        assert_eq!(m["team"], 3);
        assert_eq!(m["flagged"], 2);
        assert_eq!(m["last_session"], day(30));

        app.run(async {
            let browser = app.sign_in("m1@x.test").await;
            let page = app.get("/coaching", Some(&browser)).await;
            assert_eq!(page.status, StatusCode::OK);
            assert_eq!(page.body.matches("overdue for coaching").count(), 2);
        });
    }
}

#[test]
fn a_rep_writes_their_reflection_and_closes_their_action_item_but_cannot_change_the_session() {
    for app in TestApp::all() {
        app.coaching();
        app.run(async {
            let rep = app.sign_in("r1@x.test").await;
            let r = app
                .post(
                    "/coaching/sessions/s1/reflection",
                    &rep,
                    &[("reflection", "I will prepare questions")],
                )
                .await;
            assert_eq!(r.status, StatusCode::SEE_OTHER);
            let done = app
                .post("/coaching/actions/ai1", &rep, &[("status", "done")])
                .await;
            assert_eq!(done.status, StatusCode::SEE_OTHER);
            let edit = app
                .post(
                    "/coaching/sessions/s1",
                    &rep,
                    &[("shared_notes", "mine now")],
                )
                .await;
            assert_eq!(edit.status, StatusCode::FORBIDDEN);
            let m1 = app.sign_in("m1@x.test").await;
            let other = app
                .post(
                    "/coaching/sessions/s1/reflection",
                    &m1,
                    &[("reflection", "not mine")],
                )
                .await;
            assert_eq!(other.status, StatusCode::FORBIDDEN);
        });
        let row = &app
            .rows("SELECT reflection, shared_notes FROM coaching_sessions WHERE session_id = 's1'")
            [0];
        assert_eq!(row.string(0).unwrap(), "I will prepare questions");
        assert_eq!(row.string(1).unwrap(), "Good discovery");
        let item =
            &app.rows("SELECT status, done_date FROM action_items WHERE action_id = 'ai1'")[0];
        assert_eq!(item.string(0).unwrap(), "done");
        assert!(item.opt_date(1).unwrap().is_some());
        assert_eq!(
            app.rows("SELECT 1 FROM audit_log WHERE entity IN ('coaching_session', 'action_item')")
                .len(),
            2
        );
    }
}

#[test]
fn sales_ops_edits_the_competency_model_and_others_may_not() {
    for app in TestApp::all() {
        app.coaching();
        app.run(async {
            let m1 = app.sign_in("m1@x.test").await;
            let refused = app
                .post(
                    "/coaching/competencies",
                    &m1,
                    &[("competency_id", "x"), ("name", "X"), ("position", "3")],
                )
                .await;
            assert_eq!(refused.status, StatusCode::FORBIDDEN);
            let ops = app.sign_in("ops@x.test").await;
            let saved = app
                .post(
                    "/coaching/competencies",
                    &ops,
                    &[
                        ("competency_id", "closing"),
                        ("name", "Closing the deal"),
                        ("description", "Asks for the order"),
                        ("position", "2"),
                    ],
                )
                .await;
            assert_eq!(saved.status, StatusCode::SEE_OTHER);
            let page = app.get("/coaching/competencies", Some(&ops)).await;
            assert!(page.body.contains("Closing the deal"));
        });
        assert_eq!(app.count("competencies"), 2);
        let audited =
            app.rows("SELECT action, before_json FROM audit_log WHERE entity = 'competency'");
        assert_eq!(audited.len(), 1);
        assert_eq!(audited[0].string(0).unwrap(), "update");
    }
}

#[test]
fn the_api_records_and_changes_a_session_with_ratings_and_action_items() {
    for app in TestApp::all() {
        app.coaching();
        let (m1, r1) = (app.token("m1@x.test"), app.token("r1@x.test"));
        app.run(async {
            let bad = post_json(
                &app,
                "/api/v1/coaching/sessions",
                &m1,
                r#"{"person_id": "r2", "date": "2026-03-01", "kind": "call_debrief", "ratings": {"discovery": 6}}"#,
            )
            .await;
            assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
            assert_eq!(bad.json()["error"]["field"], "rating");

            let created = post_json(
                &app,
                "/api/v1/coaching/sessions",
                &m1,
                r#"{"person_id": "r1", "date": "2026-03-01", "kind": "call_debrief",
                    "what_happened": "Late start", "private_notes": "API-SECRET",
                    "ratings": {"closing": 2},
                    "actions": [{"description": "Call back", "due_date": "2026-03-08"}]}"#,
            )
            .await;
            assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
            let s = created.json();
            assert_eq!(s["coach_id"], "m1");
            assert_eq!(s["private_notes"], "API-SECRET");
            assert_eq!(s["ratings"]["closing"], 2);
            assert_eq!(s["action_items"][0]["owner_id"], "r1");
            let id = s["session_id"].as_str().unwrap().to_owned();

            let uri = format!("/api/v1/coaching/sessions/{id}");
            let changed = post_json(&app, &uri, &m1, r#"{"learned": "Start on time", "ratings": {"closing": null}}"#).await;
            assert_eq!(changed.status, StatusCode::OK, "{}", changed.body);
            let c = changed.json();
            assert_eq!(c["learned"], "Start on time");
            assert_eq!(c["what_happened"], "Late start", "fields left out keep their values");
            assert_eq!(c["private_notes"], "API-SECRET");
            assert_eq!(c["ratings"], serde_json::json!({}));

            let seen = app.get_with_token(&uri, &r1).await;
            assert_eq!(seen.status, StatusCode::OK);
            assert!(!seen.body.contains("API-SECRET") && !seen.body.contains("private_notes"));
            let refused = post_json(&app, &uri, &r1, r#"{"learned": "mine"}"#).await;
            assert_eq!(refused.status, StatusCode::FORBIDDEN);
        });
    }
}
