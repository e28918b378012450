//! Team: a recognition's SPIFF becomes an adjustment that the next calculation puts on the
//! person's statement to the cent (or the first open month when its own is closed); who may
//! recognise whom and attach money; training gaps; leaderboard ranks and ties. On SQLite and
//! (with `ATTAIN_TEST_POSTGRES_URL`) PostgreSQL.
#![allow(clippy::unwrap_used)]

mod common;

use attain_store::Value;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use common::{Browser, TestApp};

/// Recalculates fiscal 2026 as sales ops, through the Close page.
async fn calculate(app: &TestApp, ops: &Browser) {
    let a = app.post("/pay/close/2026/calculate", ops, &[]).await;
    assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.body);
}

/// Posts a JSON body to the API with a token.
async fn post_json(
    app: &TestApp,
    uri: &str,
    token: &str,
    body: serde_json::Value,
) -> common::Answer {
    let req = Request::post(uri)
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body.to_string()))
        .unwrap();
    app.send(req).await
}

#[test]
fn a_spiff_given_with_a_recognition_is_on_the_persons_statement_after_the_next_calculation() {
    for app in TestApp::worked() {
        app.run(async {
            let ops = app.sign_in("ops@x.test").await;
            calculate(&app, &ops).await;
            let before = app.rows(
                "SELECT total FROM result_statements WHERE person_id = 'r1' AND year = 2026 AND month = 3",
            )[0]
            .int(0)
            .unwrap();

            // Act: r1's manager recognises r1 with a SPIFF of 250.00 in March.
            let m1 = app.sign_in("m1@x.test").await;
            let given = app
                .post(
                    "/team/recognition",
                    &m1,
                    &[
                        ("person_id", "r1"),
                        ("reason", "First multi-year deal"),
                        ("date", "2026-03-10"),
                        ("award", "SPIFF"),
                        ("amount", "250.00"),
                    ],
                )
                .await;
            assert_eq!(given.status, StatusCode::SEE_OTHER, "{}", given.body);

            // The recognition names its adjustment, of the same person, month and amount.
            let rec = app.rows("SELECT recognition_id, adjustment_id, amount, given_by_id FROM recognitions");
            assert_eq!(rec.len(), 1);
            let (rid, aid) = (rec[0].string(0).unwrap(), rec[0].string(1).unwrap());
            assert_eq!(rec[0].int(2).unwrap(), 25_000);
            assert_eq!(rec[0].string(3).unwrap(), "m1");
            let adj = app.rows("SELECT adjustment_id, person_id, year, month, amount, reason FROM adjustments");
            assert_eq!(adj.len(), 1);
            assert_eq!(adj[0].string(0).unwrap(), aid);
            assert_eq!(adj[0].string(1).unwrap(), "r1");
            assert_eq!((adj[0].int(2).unwrap(), adj[0].int(3).unwrap()), (2026, 3));
            assert_eq!(adj[0].int(4).unwrap(), 25_000);
            let reason = adj[0].string(5).unwrap();
            assert_eq!(reason, format!("SPIFF: First multi-year deal (recognition {rid})"));
            let audited: Vec<String> = app
                .rows("SELECT entity FROM audit_log WHERE action = 'create' ORDER BY entity")
                .iter()
                .map(|r| r.string(0).unwrap())
                .collect();
            assert!(audited.contains(&"adjustment".to_owned()));
            assert!(audited.contains(&"recognition".to_owned()));

            // The engine's calculation pays it on March's statement, to the cent.
            calculate(&app, &ops).await;
            let after = app.rows(
                "SELECT adjustments, total FROM result_statements WHERE person_id = 'r1' AND year = 2026 AND month = 3",
            );
            assert_eq!(after[0].int(0).unwrap(), 25_000);
            assert_eq!(after[0].int(1).unwrap(), before + 25_000);
            let r1 = app.sign_in("r1@x.test").await;
            let statement = app.get("/pay/statements/r1/2026/3", Some(&r1)).await;
            assert!(statement.body.contains(&reason), "{}", statement.body);
            assert!(statement.body.contains("$250.00"));
            // The feed shows it; the rep sees their own amount.
            let feed = app.get("/team/recognition", Some(&r1)).await;
            assert!(feed.body.contains("First multi-year deal"));
            assert!(feed.body.contains("SPIFF $250.00"));
        });
    }
}

#[test]
fn a_spiff_dated_in_a_closed_month_is_paid_in_the_first_open_month() {
    for app in TestApp::worked() {
        app.run(async {
            app.with_db(|s| {
                attain_engine::run_lock(s, 2026, 2, "test", &attain_dataset::NoProgress).unwrap();
            });
            let ops = app.sign_in("ops@x.test").await;
            let given = app
                .post(
                    "/team/recognition",
                    &ops,
                    &[
                        ("person_id", "r1"),
                        ("reason", "January hero"),
                        ("date", "2026-01-20"),
                        ("amount", "1000.00"),
                    ],
                )
                .await;
            assert_eq!(given.status, StatusCode::OK, "{}", given.body);
            assert!(given.body.contains("Month 1 of 2026 is closed: the SPIFF is paid in month 3."));
            let adj = app.rows("SELECT month, amount FROM adjustments");
            assert_eq!((adj[0].int(0).unwrap(), adj[0].int(1).unwrap()), (3, 100_000));
            let rec = app.rows("SELECT date, award FROM recognitions");
            assert_eq!(rec[0].date(0).unwrap().to_string(), "2026-01-20");
            assert_eq!(rec[0].string(1).unwrap(), "SPIFF");
            calculate(&app, &ops).await;
            let march = app.rows(
                "SELECT adjustments FROM result_statements WHERE person_id = 'r1' AND year = 2026 AND month = 3",
            );
            assert_eq!(march[0].int(0).unwrap(), 100_000);
        });
    }
}

#[test]
fn a_rep_cannot_pay_a_spiff_and_nobody_recognises_someone_outside_their_team() {
    for app in TestApp::all() {
        app.run(async {
            let r1 = app.sign_in("r1@x.test").await;
            // A rep praises a peer (r2 has the same manager) without money: accepted.
            let peer = app
                .post("/team/recognition", &r1, &[("person_id", "r2"), ("reason", "Great demo")])
                .await;
            assert_eq!(peer.status, StatusCode::SEE_OTHER, "{}", peer.body);
            // With money: 403, nothing written.
            let money = app
                .post(
                    "/team/recognition",
                    &r1,
                    &[("person_id", "r2"), ("reason", "Great demo"), ("amount", "50.00")],
                )
                .await;
            assert_eq!(money.status, StatusCode::FORBIDDEN);
            // Someone of another team: 404, like someone who does not exist.
            let other = app
                .post("/team/recognition", &r1, &[("person_id", "r3"), ("reason", "Nice")])
                .await;
            assert_eq!(other.status, StatusCode::NOT_FOUND);
            let m1 = app.sign_in("m1@x.test").await;
            let outside = app
                .post(
                    "/team/recognition",
                    &m1,
                    &[("person_id", "r3"), ("reason", "Nice"), ("amount", "10.00")],
                )
                .await;
            assert_eq!(outside.status, StatusCode::NOT_FOUND);
            // A manager's SPIFF is bounded.
            let big = app
                .post(
                    "/team/recognition",
                    &m1,
                    &[("person_id", "r1"), ("reason", "Huge"), ("amount", "500.01")],
                )
                .await;
            assert_eq!(big.status, StatusCode::FORBIDDEN);
            assert!(big.body.contains("at most 500.00"));
            assert_eq!(app.count("recognitions"), 1);
            assert_eq!(app.count("adjustments"), 0);

            // The same through the API.
            let token = app.token("r1@x.test");
            let api = post_json(
                &app,
                "/api/v1/recognitions",
                &token,
                serde_json::json!({"person_id": "r2", "reason": "Demo", "amount": "5.00"}),
            )
            .await;
            assert_eq!(api.status, StatusCode::FORBIDDEN);
            assert_eq!(api.json()["error"]["code"], "forbidden");
            let api = post_json(
                &app,
                "/api/v1/recognitions",
                &token,
                serde_json::json!({"person_id": "r3", "reason": "Demo"}),
            )
            .await;
            assert_eq!(api.status, StatusCode::NOT_FOUND);
            let ops = app.token("ops@x.test");
            let api = post_json(
                &app,
                "/api/v1/recognitions",
                &ops,
                serde_json::json!({"person_id": "r3", "reason": "Top of the west", "amount": "75.50"}),
            )
            .await;
            assert_eq!(api.status, StatusCode::CREATED, "{}", api.body);
            assert!(api.json()["adjustment"]["adjustment_id"].as_str().unwrap().starts_with("spiff-R"));

            // The feed: r1 sees their team's (r2's) but not r3's; r3's amount only to those who see r3's pay.
            let feed = app.get_with_token("/api/v1/recognitions", &token).await.json();
            let people: Vec<&str> = feed["recognitions"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| r["person_id"].as_str().unwrap())
                .collect();
            assert_eq!(people, vec!["r2"]);
            let all = app.get_with_token("/api/v1/recognitions", &ops).await.json();
            assert_eq!(all["recognitions"][0]["amount"], "75.50");
        });
    }
}

#[test]
fn training_gaps_are_the_required_sessions_not_completed() {
    for app in TestApp::all() {
        app.run(async {
            app.import(&[
                (
                    "jobs.csv",
                    "job_id,title,metric,comparison,threshold,per\nae,Account Executive,activities,>=,10,week\n",
                ),
                (
                    "trainings.csv",
                    "training_id,title,kind,date,hours\nT1,Discovery,sales_technique,2026-02-01,2\nT2,Product,product,2026-03-01,1.5\nT3,Markets,customer_market,,\n",
                ),
                ("job_trainings.csv", "job_id,training_id\nae,T1\nae,T2\n"),
                (
                    "training_records.csv",
                    "training_id,person_id,status,date\nT1,r1,completed,2026-02-01\nT2,r1,attended,2026-03-01\nT1,r2,completed,2026-02-01\nT2,r2,completed,2026-03-01\nT3,r2,completed,\n",
                ),
            ]);
            app.exec(
                "UPDATE people SET job_id = 'ae' WHERE person_id IN ('r1', 'r2', 'r3')",
                &[],
            );
            let token = app.token("m1@x.test");
            let r1 = app.get_with_token("/api/v1/people/r1/trainings", &token).await.json();
            assert_eq!(r1["gaps"], serde_json::json!(["T2"]));
            assert_eq!(r1["required"][1]["status"], "attended");
            let r2 = app.get_with_token("/api/v1/people/r2/trainings", &token).await.json();
            assert_eq!(r2["gaps"], serde_json::json!([]));
            assert_eq!(r2["records"].as_array().unwrap().len(), 3);
            // Outside the team: 404.
            let r3 = app.get_with_token("/api/v1/people/r3/trainings", &token).await;
            assert_eq!(r3.status, StatusCode::NOT_FOUND);
            // The manager's matrix lists the team, not r3.
            let m1 = app.sign_in("m1@x.test").await;
            let page = app.get("/team/gaps", Some(&m1)).await;
            assert!(page.body.contains("Rita Rep") && page.body.contains("Raj Rep"));
            assert!(!page.body.contains("Rosa Rep"));
            // A manager records r1's completion; the gap closes.
            let done = app
                .post(
                    "/team/training/T2/records",
                    &m1,
                    &[("person_id", "r1"), ("status", "completed"), ("date", "2026-03-02")],
                )
                .await;
            assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
            let r1 = app.get_with_token("/api/v1/people/r1/trainings", &token).await.json();
            assert_eq!(r1["gaps"], serde_json::json!([]));
            // A rep cannot record; nor can a manager for someone outside the team.
            let rep = app.sign_in("r1@x.test").await;
            let a = app
                .post("/team/training/T3/records", &rep, &[("person_id", "r1"), ("status", "completed")])
                .await;
            assert_eq!(a.status, StatusCode::FORBIDDEN);
            let a = app
                .post("/team/training/T3/records", &m1, &[("person_id", "r3"), ("status", "completed")])
                .await;
            assert_eq!(a.status, StatusCode::NOT_FOUND);
            // Sales ops adds a session to the catalogue.
            let ops = app.sign_in("ops@x.test").await;
            let saved = app
                .post(
                    "/team/training",
                    &ops,
                    &[("training_id", "T4"), ("title", "Negotiation"), ("kind", "sales_technique"), ("hours", "3")],
                )
                .await;
            assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
            let list = app.get_with_token("/api/v1/trainings", &token).await.json();
            assert_eq!(list["trainings"].as_array().unwrap().len(), 4);
            let catalogue = app.get("/team/training", Some(&rep)).await;
            assert!(catalogue.body.contains("Negotiation"));
        });
    }
}

#[test]
fn leaderboards_rank_the_team_with_ties_sharing_a_rank() {
    for app in TestApp::all() {
        app.run(async {
            // r1 and r4 tie at 150 % in March; r2 at 80 %; r3 (another team) at 300 %.
            for (p, credited, target) in [
                ("r1", 150_000, 100_000),
                ("r4", 300_000, 200_000),
                ("r2", 80_000, 100_000),
                ("r3", 900_000, 300_000),
            ] {
                app.exec(
                    "INSERT INTO result_credits (person_id, year, month, metric, direct, override, credited, target, attainment)
                     VALUES ($1, 2026, 3, 'bookings', $2, 0, $2, $3, NULL)",
                    &[Value::Text(p.into()), Value::Int(credited), Value::Int(target)],
                );
            }
            let m1 = app.token("m1@x.test");
            let board = app
                .get_with_token("/api/v1/leaderboards?by=attainment&period=month&year=2026&month=3", &m1)
                .await
                .json();
            let got: Vec<(String, serde_json::Value, serde_json::Value)> = board["board"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| (r["person_id"].as_str().unwrap().to_owned(), r["rank"].clone(), r["value"].clone()))
                .collect();
            assert_eq!(
                got,
                vec![
                    ("r1".into(), 1.into(), "1.500000".into()),
                    ("r4".into(), 1.into(), "1.500000".into()),
                    ("r2".into(), 3.into(), "0.800000".into()),
                ]
            );
            // Bookings: r4 first; a rep sees others' amounts as null, their own in full.
            let r1 = app.token("r1@x.test");
            let board = app
                .get_with_token("/api/v1/leaderboards?by=bookings&period=quarter&year=2026&month=3", &r1)
                .await
                .json();
            let rows = board["board"].as_array().unwrap();
            assert_eq!(rows[0]["person_id"], "r4");
            assert_eq!(rows[0]["value"], serde_json::Value::Null);
            let mine = rows.iter().find(|r| r["person_id"] == "r1").unwrap();
            assert_eq!(mine["value"], "1500.00");
            assert!(rows.iter().all(|r| r["person_id"] != "r3"));
            // Activity year to date: r1 logged one in February.
            let board = app
                .get_with_token("/api/v1/leaderboards?by=activity&period=ytd&year=2026&month=3", &m1)
                .await
                .json();
            assert_eq!(board["board"][0]["person_id"], "r1");
            assert_eq!(board["board"][0]["value"], 1);
            assert_eq!(board["board"][1]["rank"], 2);
            assert_eq!(board["board"][2]["rank"], 2);
            let page = app
                .get("/team/leaderboards?by=attainment&period=month&year=2026&month=3", Some(&app.sign_in("m1@x.test").await))
                .await;
            assert_eq!(page.status, StatusCode::OK);
            assert!(page.body.contains("150.0%"), "{}", page.body);
            let bad = app.get_with_token("/api/v1/leaderboards?by=luck", &m1).await;
            assert_eq!(bad.status, StatusCode::BAD_REQUEST);
        });
    }
}
