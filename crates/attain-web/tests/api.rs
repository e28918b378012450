//! The JSON API: visibility, tokens, results as strings, imports and the OpenAPI document.
#![allow(clippy::unwrap_used)]

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use common::TestApp;
use serde_json::json;

#[test]
fn a_rep_asking_for_another_reps_person_gets_404_and_no_data() {
    for app in TestApp::all() {
        app.results();
        let token = app.token("r3@x.test");
        app.run(async {
            for uri in [
                "/api/v1/people/r1",
                "/api/v1/people/r1/credits?year=2026",
                "/api/v1/people/r1/payouts?year=2026",
                "/api/v1/people/r1/statements/2026/1",
            ] {
                let hidden = app.get_with_token(uri, &token).await;
                let missing = app.get_with_token(&uri.replace("r1", "zz9"), &token).await;
                assert_eq!(hidden.status, StatusCode::NOT_FOUND, "{uri}");
                // The answer is the same as for a person who does not exist.
                assert_eq!(hidden.body, missing.body, "{uri}");
                assert_eq!(hidden.json()["error"]["code"], "not_found");
                assert!(!hidden.body.contains("Rita"));
            }
            let b = app.sign_in("r3@x.test").await;
            let page = app.get("/people/r1", Some(&b)).await;
            assert_eq!(page.status, StatusCode::NOT_FOUND);
            assert!(!page.body.contains("Rita"));
            assert_eq!(app.get("/people/zz9", Some(&b)).await.body, page.body);
            let account = app.get("/accounts/a1", Some(&b)).await;
            assert_eq!(account.status, StatusCode::NOT_FOUND);
            assert!(!account.body.contains("Acme"));
        });
    }
}

#[test]
fn people_are_visible_along_todays_reporting_lines() {
    for app in TestApp::all() {
        let tokens: Vec<(&str, String)> = ["r1@x.test", "m1@x.test", "dir@x.test", "exec@x.test"]
            .iter()
            .map(|e| (*e, app.token(e)))
            .collect();
        app.run(async {
            let ids = |v: serde_json::Value| -> Vec<String> {
                v["people"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|p| p["person_id"].as_str().unwrap().to_owned())
                    .collect()
            };
            let mut seen = Vec::new();
            for (email, token) in &tokens {
                let a = app.get_with_token("/api/v1/people", token).await;
                assert_eq!(a.status, StatusCode::OK);
                seen.push((*email, ids(a.json())));
            }
            assert_eq!(seen[0].1, ["r1"]);
            // r4's people row says m2, but reporting.csv moved r4 to m1 (a later row is in the future).
            assert_eq!(seen[1].1, ["m1", "r1", "r2", "r4"]);
            assert_eq!(seen[2].1, ["dir", "m1", "r1", "r2", "r4"]);
            assert_eq!(seen[3].1.len(), 9);
            let r3 = app.get_with_token("/api/v1/people/r3", &tokens[1].1).await;
            assert_eq!(r3.status, StatusCode::NOT_FOUND);
            let r4 = app.get_with_token("/api/v1/people/r4", &tokens[1].1).await;
            assert_eq!(r4.json()["manager_id"], "m2");
            let me = app.get_with_token("/api/v1/me", &tokens[1].1).await;
            assert_eq!(
                me.json(),
                json!({"email": "m1@x.test", "role": "manager", "person_id": "m1"})
            );
        });
    }
}

#[test]
fn territory_results_are_visible_in_the_subtree_of_the_home_territory() {
    for app in TestApp::all() {
        app.results();
        let m1 = app.token("m1@x.test");
        let dir = app.token("dir@x.test");
        let exec = app.token("exec@x.test");
        app.run(async {
            let ok = app
                .get_with_token("/api/v1/territories/east1/results?year=2026", &m1)
                .await;
            assert_eq!(ok.status, StatusCode::OK);
            let rows = ok.json()["results"].as_array().unwrap().clone();
            assert_eq!(rows.len(), 3);
            assert_eq!(rows[2]["actual"], "-4000.00");
            assert_eq!(rows[0]["attainment"], serde_json::Value::Null);
            assert_eq!(rows[0]["territory_id"], "east1");
            for (token, uri, status) in [
                (&m1, "/api/v1/territories/east/results", 404),
                (&m1, "/api/v1/territories/west/results", 404),
                (&dir, "/api/v1/territories/east2/results", 200),
                (&dir, "/api/v1/territories/west/results", 404),
                (&exec, "/api/v1/territories/west/results", 200),
                (&exec, "/api/v1/territories/nowhere/results", 404),
            ] {
                let a = app.get_with_token(uri, token).await;
                assert_eq!(a.status.as_u16(), status, "{uri}");
            }
            let empty = app
                .get_with_token("/api/v1/territories/west/results?year=2026", &exec)
                .await;
            assert_eq!(empty.json(), json!({"results": []}));
        });
    }
}

#[test]
fn results_are_rows_of_the_dataset_with_amounts_as_strings() {
    for app in TestApp::all() {
        app.results();
        let token = app.token("m1@x.test");
        app.run(async {
            let credits = app
                .get_with_token("/api/v1/people/r1/credits?year=2026", &token)
                .await
                .json();
            assert_eq!(
                credits["credits"][0],
                json!({"person_id": "r1", "year": 2026, "month": 1, "metric": "bookings",
                       "direct": "35000.00", "override": "0.00", "credited": "35000.00",
                       "target": "10000.00", "attainment": null})
            );
            let payouts = app
                .get_with_token("/api/v1/people/r1/payouts?year=2026", &token)
                .await
                .json();
            assert_eq!(payouts["payouts"][0]["attainment"], "0.291667");
            assert_eq!(payouts["payouts"][0]["payout"], "700.00");
            assert_eq!(payouts["payouts"][0]["locked"], false);
            let st = app
                .get_with_token("/api/v1/people/r1/statements/2026/1", &token)
                .await
                .json();
            assert_eq!(st["statement"]["total"], "700.00");
            assert_eq!(st["payouts"].as_array().unwrap().len(), 1);
            let none = app
                .get_with_token("/api/v1/people/r2/credits?year=2026", &token)
                .await;
            assert_eq!(none.json(), json!({"credits": []}));
            let no_statement = app
                .get_with_token("/api/v1/people/r1/statements/2026/2", &token)
                .await;
            assert_eq!(no_statement.status, StatusCode::NOT_FOUND);
        });
    }
}

#[test]
fn a_missing_or_unknown_token_gets_401_and_a_valid_one_works() {
    for app in TestApp::all() {
        let token = app.token("exec@x.test");
        app.run(async {
            let none = app.get("/api/v1/me", None).await;
            assert_eq!(none.status, StatusCode::UNAUTHORIZED);
            assert_eq!(none.json()["error"]["code"], "unauthorized");
            let unknown = app.get_with_token("/api/v1/me", "atn_not_a_token").await;
            assert_eq!(unknown.status, StatusCode::UNAUTHORIZED);
            let basic = app
                .send(
                    Request::get("/api/v1/me")
                        .header(header::AUTHORIZATION, "Basic dXNlcjpwYXNz")
                        .body(Body::empty())
                        .unwrap(),
                )
                .await;
            assert_eq!(basic.status, StatusCode::UNAUTHORIZED);
            let ok = app.get_with_token("/api/v1/me", &token).await;
            assert_eq!(ok.status, StatusCode::OK);
            assert_eq!(ok.json()["role"], "executive");
        });
        // Only the hash is stored.
        let stored = app.rows("SELECT token_hash FROM api_tokens");
        assert_ne!(stored[0].string(0).unwrap(), token);
    }
}

#[test]
fn only_sales_ops_imports_and_other_roles_get_403() {
    for app in TestApp::all() {
        let rep = app.token("r1@x.test");
        let exec = app.token("exec@x.test");
        app.run(async {
            for token in [&rep, &exec] {
                let (ct, body) = common::multipart(
                    &[("settings.csv", "key,value\ncompany_name,Hacked\n")],
                    None,
                );
                let req = Request::post("/api/v1/imports")
                    .header(header::AUTHORIZATION, format!("Bearer {token}"))
                    .header(header::CONTENT_TYPE, ct)
                    .body(Body::from(body))
                    .unwrap();
                let a = app.send(req).await;
                assert_eq!(a.status, StatusCode::FORBIDDEN);
                assert_eq!(a.json()["error"]["code"], "forbidden");
            }
        });
        let name = app.rows("SELECT value FROM settings WHERE key = 'company_name'");
        assert_eq!(name[0].string(0).unwrap(), "Testco");
    }
}

#[test]
fn an_import_through_the_api_reports_counts_and_writes_an_audit_row() {
    for app in TestApp::all() {
        let token = app.token("ops@x.test");
        let audits_before = app.count("audit_log");
        app.run(async {
            let (ct, body) = common::multipart(
                &[
                    ("people.csv", "person_id,name,role,manager_id,territory_id\nr9,Nina New,rep,m1,east1\nr1,Rita Rep,rep,m1,east1\n"),
                    ("accounts.csv", "account_id,name,territory_id\na9,Initech,east1\n"),
                ],
                None,
            );
            // A bearer request needs no CSRF token.
            let req = Request::post("/api/v1/imports")
                .header(header::AUTHORIZATION, format!("Bearer {token}"))
                .header(header::CONTENT_TYPE, ct)
                .body(Body::from(body))
                .unwrap();
            let a = app.send(req).await;
            assert_eq!(a.status, StatusCode::OK, "{}", a.body);
            let files = a.json()["files"].clone();
            assert_eq!(
                files,
                json!([
                    {"file": "people.csv", "inserted": 1, "updated": 0, "unchanged": 1},
                    {"file": "accounts.csv", "inserted": 1, "updated": 0, "unchanged": 0}
                ])
            );
        });
        assert_eq!(app.count("people"), 10);
        assert_eq!(app.count("audit_log"), audits_before + 1);
        let audit = app.rows("SELECT actor, action, entity FROM audit_log ORDER BY audit_id DESC");
        assert_eq!(audit[0].string(0).unwrap(), "ops@x.test");
        assert_eq!(audit[0].string(1).unwrap(), "import");
        assert_eq!(audit[0].string(2).unwrap(), "dataset");
    }
}

#[test]
fn an_invalid_import_through_the_api_gets_422_with_every_problem_and_writes_nothing() {
    for app in TestApp::all() {
        let token = app.token("ops@x.test");
        let (people, audits) = (app.count("people"), app.count("audit_log"));
        app.run(async {
            let (ct, body) = common::multipart(
                &[
                    (
                        "people.csv",
                        "person_id,name,role\nr9,Nina New,rep\nr10,Bad Role,wizard\n",
                    ),
                    ("transactons.csv", "x\n1\n"),
                ],
                None,
            );
            let req = Request::post("/api/v1/imports")
                .header(header::AUTHORIZATION, format!("Bearer {token}"))
                .header(header::CONTENT_TYPE, ct)
                .body(Body::from(body))
                .unwrap();
            let a = app.send(req).await;
            assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY);
            let errors: Vec<String> = a.json()["errors"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| e.as_str().unwrap().to_owned())
                .collect();
            assert!(
                errors.iter().any(|e| e.starts_with("people.csv:3: role:")),
                "{errors:?}"
            );
            assert!(
                errors.iter().any(|e| e.starts_with("transactons.csv:")),
                "{errors:?}"
            );
        });
        assert_eq!(app.count("people"), people);
        assert_eq!(app.count("audit_log"), audits);
    }
}

#[test]
fn a_browser_session_can_use_the_api_with_its_csrf_token() {
    for app in TestApp::all() {
        app.run(async {
            let b = app.sign_in("ops@x.test").await;
            let me = app.get("/api/v1/me", Some(&b)).await;
            assert_eq!(me.json()["email"], "ops@x.test");
            let post = |csrf: Option<String>| {
                let (ct, body) =
                    common::multipart(&[("settings.csv", "key,value\ncurrency,EUR\n")], None);
                let mut r = Request::post("/api/v1/imports")
                    .header(header::COOKIE, &b.cookie)
                    .header(header::CONTENT_TYPE, ct);
                if let Some(c) = csrf {
                    r = r.header("x-csrf-token", c);
                }
                r.body(Body::from(body)).unwrap()
            };
            assert_eq!(app.send(post(None)).await.status, StatusCode::FORBIDDEN);
            assert_eq!(
                app.send(post(Some(b.csrf.clone()))).await.status,
                StatusCode::OK
            );
        });
    }
}

#[test]
fn the_openapi_document_describes_every_api_route_of_the_router() {
    for app in TestApp::all().into_iter().take(1) {
        app.run(async {
            let doc = app.get("/api/v1/openapi.json", None).await.json();
            assert_eq!(doc["openapi"], "3.1.0");
            for r in attain_web::routes::registry() {
                if !r.path.starts_with("/api/v1/") {
                    continue;
                }
                let op = &doc["paths"][r.path][r.method.as_str().to_lowercase()];
                assert!(
                    op.is_object(),
                    "{} {} is missing from the OpenAPI document",
                    r.method,
                    r.path
                );
                assert!(
                    op["responses"]["200"].is_object(),
                    "{} {} has no 200 answer",
                    r.method,
                    r.path
                );
                // Every path parameter of the route is declared.
                for segment in r.path.split('/').filter(|s| s.starts_with('{')) {
                    let name = segment.trim_matches(|c| c == '{' || c == '}');
                    let declared = op["parameters"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .any(|p| p["name"] == name && p["in"] == "path");
                    assert!(
                        declared,
                        "{} {}: parameter {name} is not declared",
                        r.method, r.path
                    );
                }
            }
        });
    }
}
