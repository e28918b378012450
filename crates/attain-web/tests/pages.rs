//! The pages: what each role sees, empty states, search and pages, the import page, the audit log.
#![allow(clippy::unwrap_used)]

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use common::TestApp;

#[test]
fn a_reps_home_shows_the_year_with_charts_and_marks_negative_amounts() {
    for app in TestApp::all() {
        app.results();
        app.run(async {
            let b = app.sign_in("r1@x.test").await;
            let home = app.get("/?year=2026", Some(&b)).await;
            assert_eq!(home.status, StatusCode::OK);
            assert!(home.body.contains("Your year"));
            assert!(home.body.contains("<svg class=\"chart\""));
            assert!(
                home.body.contains("$35,000"),
                "thousands separators and currency"
            );
            assert!(
                home.body
                    .contains("<td class=\"num neg\">\u{2212}$4,000</td>"),
                "a negative month is marked"
            );
            assert!(
                home.body.contains("bar neg"),
                "a negative column in the chart"
            );
        });
    }
}

#[test]
fn a_home_without_results_says_what_to_do_next() {
    for app in TestApp::all() {
        app.run(async {
            for who in ["r1@x.test", "m1@x.test", "exec@x.test"] {
                let b = app.sign_in(who).await;
                let home = app.get("/?year=2026", Some(&b)).await;
                assert_eq!(home.status, StatusCode::OK, "{who}");
                assert!(
                    home.body.contains("No results for fiscal 2026"),
                    "{who}: {}",
                    home.body
                );
            }
        });
    }
}

#[test]
fn a_managers_home_lists_todays_team_with_a_total() {
    for app in TestApp::all() {
        app.results();
        app.run(async {
            let b = app.sign_in("m1@x.test").await;
            let home = app.get("/?year=2026", Some(&b)).await;
            assert_eq!(home.status, StatusCode::OK);
            for name in ["Rita Rep", "Raj Rep", "Rob Rep", "Team total"] {
                assert!(home.body.contains(name), "{name}");
            }
            assert!(!home.body.contains("Rosa Rep"));
            assert!(home.body.contains("$71,000"), "Rita's credit so far");
        });
    }
}

#[test]
fn the_company_home_drills_down_the_territory_tree() {
    for app in TestApp::all() {
        app.results();
        app.run(async {
            let b = app.sign_in("exec@x.test").await;
            let top = app.get("/?year=2026", Some(&b)).await;
            assert!(top.body.contains("East") && top.body.contains("West"));
            assert!(top.body.contains("territory=east\""));
            let east = app.get("/?year=2026&territory=east", Some(&b)).await;
            assert!(east.body.contains("East One") && east.body.contains("East Two"));
            assert!(east.body.contains("$71,000"), "east1's bookings so far");
            let m1 = app.sign_in("m1@x.test").await;
            assert_eq!(
                app.get("/?territory=west", Some(&m1)).await.status,
                StatusCode::NOT_FOUND
            );
            assert_eq!(
                app.get("/?territory=east1", Some(&m1)).await.status,
                StatusCode::OK
            );
        });
    }
}

#[test]
fn lists_show_only_what_the_viewer_may_see_and_search_within_it() {
    for app in TestApp::all() {
        app.run(async {
            let m1 = app.sign_in("m1@x.test").await;
            let people = app.get("/people", Some(&m1)).await;
            assert!(people.body.contains("Rob Rep") && !people.body.contains("Rosa Rep"));
            let search = app.get("/people?q=raj", Some(&m1)).await;
            assert!(search.body.contains("Raj Rep") && !search.body.contains("Rita Rep"));
            let none = app.get("/people?q=rosa", Some(&m1)).await;
            assert!(none.body.contains("Nobody you can see matches"));
            let r1 = app.sign_in("r1@x.test").await;
            let accounts = app.get("/accounts", Some(&r1)).await;
            assert!(accounts.body.contains("Acme") && !accounts.body.contains("Globex"));
            let exec = app.sign_in("exec@x.test").await;
            let found = app.get("/accounts?q=retail", Some(&exec)).await;
            assert!(found.body.contains("Globex") && !found.body.contains("Acme"));
            let tree = app.get("/territories", Some(&m1)).await;
            assert!(tree.body.contains("East One") && !tree.body.contains("West"));
        });
    }
}

#[test]
fn an_account_page_shows_its_map_opportunities_and_activities() {
    for app in TestApp::all() {
        app.run(async {
            let b = app.sign_in("r1@x.test").await;
            let a = app.get("/accounts/a1", Some(&b)).await;
            assert_eq!(a.status, StatusCode::OK);
            for text in [
                "Acme",
                "Carla Buyer",
                "economic buyer",
                "Acme expansion",
                "$50,000",
                "Kick-off",
            ] {
                assert!(a.body.contains(text), "{text}");
            }
            let p = app.get("/people/r1", Some(&b)).await;
            assert!(p.body.contains("Acme expansion") && p.body.contains("Kick-off"));
        });
    }
}

#[test]
fn the_people_list_is_paginated() {
    for app in TestApp::all() {
        let mut csv = String::from("person_id,name,role,manager_id,territory_id\n");
        for i in 0..120 {
            csv.push_str(&format!("p{i:03},Person {i:03},rep,dir,east\n"));
        }
        app.with_db(|s| {
            let src =
                attain_dataset::Source::from_memory(vec![("people.csv".into(), csv.into_bytes())]);
            attain_dataset::import(s, &src, "test", &attain_dataset::NoProgress).unwrap();
        });
        app.run(async {
            let b = app.sign_in("exec@x.test").await;
            let first = app.get("/people", Some(&b)).await;
            assert!(first.body.contains("1–50 of 129"));
            assert!(first.body.contains("href=\"/people?page=2\""));
            let third = app.get("/people?page=3", Some(&b)).await;
            assert!(third.body.contains("101–129 of 129"));
            assert!(!third.body.contains("rel=\"next\""));
        });
    }
}

#[test]
fn the_import_page_reports_counts_or_every_problem_and_writes_nothing_on_error() {
    for app in TestApp::all() {
        let people = app.count("people");
        app.run(async {
            let b = app.sign_in("ops@x.test").await;
            let form = app.get("/admin/import", Some(&b)).await;
            assert!(form.body.contains("enctype=\"multipart/form-data\""));
            let upload = |files: &[(&str, &str)]| {
                let (ct, body) = common::multipart(files, Some(&b.csrf));
                Request::post("/admin/import")
                    .header(header::COOKIE, &b.cookie)
                    .header(header::CONTENT_TYPE, ct)
                    .body(Body::from(body))
                    .unwrap()
            };
            let bad = app
                .send(upload(&[(
                    "people.csv",
                    "person_id,name,role\nx1,X,rep\nx2,Y,boss\n",
                )]))
                .await;
            assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
            assert!(bad.body.contains("people.csv:3: role:"), "{}", bad.body);
            assert!(bad.body.contains("Nothing was imported"));
            let good = app
                .send(upload(&[("people.csv", "person_id,name,role\nx1,X,rep\n")]))
                .await;
            assert_eq!(good.status, StatusCode::OK);
            assert!(
                good.body
                    .contains("<td>people.csv</td><td class=\"num\">1</td>"),
                "{}",
                good.body
            );
            // Without the form's CSRF token nothing happens.
            let (ct, body) =
                common::multipart(&[("people.csv", "person_id,name,role\nx3,Z,rep\n")], None);
            let forged = Request::post("/admin/import")
                .header(header::COOKIE, &b.cookie)
                .header(header::CONTENT_TYPE, ct)
                .body(Body::from(body))
                .unwrap();
            assert_eq!(app.send(forged).await.status, StatusCode::FORBIDDEN);
        });
        assert_eq!(app.count("people"), people + 1);
    }
}

#[test]
fn the_audit_log_lists_changes_and_filters_them() {
    for app in TestApp::all() {
        app.run(async {
            let b = app.sign_in("ops@x.test").await;
            let all = app.get("/admin/audit", Some(&b)).await;
            assert_eq!(all.status, StatusCode::OK);
            assert!(all.body.contains("dataset") && all.body.contains("user"));
            let users = app.get("/admin/audit?entity=user", Some(&b)).await;
            assert!(users.body.contains("r1@x.test") && !users.body.contains("<td>dataset</td>"));
            let later = app.get("/admin/audit?from=2999-01-01", Some(&b)).await;
            assert!(later.body.contains("No changes match"));
            let today = chrono::Utc::now().date_naive().to_string();
            let upto = app
                .get(&format!("/admin/audit?to={today}&actor=test"), Some(&b))
                .await;
            assert!(upto.body.contains("<td>import</td>"));
        });
    }
}

#[test]
fn every_answer_carries_the_security_headers_and_assets_are_embedded() {
    for app in TestApp::all().into_iter().take(1) {
        app.run(async {
            let css = app.get("/static/app.css", None).await;
            assert_eq!(css.status, StatusCode::OK);
            assert!(
                css.headers["content-type"]
                    .to_str()
                    .unwrap()
                    .starts_with("text/css")
            );
            assert!(css.body.contains("@media print"));
            assert_eq!(
                app.get("/static/missing.js", None).await.status,
                StatusCode::NOT_FOUND
            );
            let page = app.get("/signin", None).await;
            assert!(
                page.headers["content-security-policy"]
                    .to_str()
                    .unwrap()
                    .contains("default-src 'self'")
            );
            assert_eq!(page.headers["x-frame-options"], "DENY");
            let missing = app.get("/api/v1/nothing", None).await;
            assert_eq!(missing.status, StatusCode::NOT_FOUND);
            assert_eq!(missing.json()["error"]["code"], "not_found");
        });
    }
}

#[test]
fn sales_ops_creates_and_changes_sign_ins_and_each_change_is_audited() {
    for app in TestApp::all() {
        app.run(async {
            let ops = app.sign_in("ops@x.test").await;
            let created = app
                .post_form(
                    "/admin/users",
                    &ops.cookie,
                    &[
                        ("csrf", &ops.csrf),
                        ("email", "New@x.test"),
                        ("role", "rep"),
                        ("person_id", "r2"),
                    ],
                )
                .await;
            assert_eq!(created.status, StatusCode::OK, "{}", created.body);
            let start = created.body.find("data-copy>").unwrap() + "data-copy>".len();
            let password = &created.body[start..start + 20];
            assert_eq!(
                app.try_sign_in("new@x.test", password).await.status,
                StatusCode::SEE_OTHER
            );
            let newcomer = app.try_sign_in("new@x.test", password).await;
            let cookie = format!(
                "attain_session={}",
                newcomer.set_cookie("attain_session").unwrap()
            );
            let b = common::Browser {
                cookie,
                csrf: String::new(),
            };
            assert_eq!(app.get("/people/r2", Some(&b)).await.status, StatusCode::OK);

            let again = app
                .post_form(
                    "/admin/users",
                    &ops.cookie,
                    &[
                        ("csrf", &ops.csrf),
                        ("email", "new@x.test"),
                        ("role", "rep"),
                    ],
                )
                .await;
            assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
            assert!(
                again
                    .body
                    .contains("A sign-in for new@x.test already exists.")
            );

            let id = app.rows("SELECT user_id FROM users WHERE email = 'new@x.test'")[0]
                .int(0)
                .unwrap();
            let disabled = app
                .post_form(
                    &format!("/admin/users/{id}"),
                    &ops.cookie,
                    &[
                        ("csrf", &ops.csrf),
                        ("role", "manager"),
                        ("person_id", "r2"),
                        ("disabled", "on"),
                    ],
                )
                .await;
            assert_eq!(disabled.status, StatusCode::OK, "{}", disabled.body);
            // The disabled sign-in's sessions end, and it cannot sign in again.
            assert_eq!(app.get("/", Some(&b)).await.status, StatusCode::SEE_OTHER);
            assert_eq!(
                app.try_sign_in("new@x.test", password).await.status,
                StatusCode::UNAUTHORIZED
            );
            let me = app.rows("SELECT user_id FROM users WHERE email = 'ops@x.test'")[0]
                .int(0)
                .unwrap();
            let own = app
                .post_form(
                    &format!("/admin/users/{me}"),
                    &ops.cookie,
                    &[("csrf", &ops.csrf), ("role", "rep")],
                )
                .await;
            assert_eq!(own.status, StatusCode::UNPROCESSABLE_ENTITY);
        });
        let audit = app.rows(
            "SELECT action, actor, before_json, after_json FROM audit_log
             WHERE entity = 'user' AND entity_key = 'new@x.test' ORDER BY audit_id",
        );
        assert_eq!(audit.len(), 2);
        assert_eq!(audit[0].string(0).unwrap(), "create");
        assert_eq!(audit[0].string(1).unwrap(), "ops@x.test");
        assert_eq!(audit[1].string(0).unwrap(), "update");
        let before: serde_json::Value = serde_json::from_str(audit[1].text(2).unwrap()).unwrap();
        let after: serde_json::Value = serde_json::from_str(audit[1].text(3).unwrap()).unwrap();
        assert_eq!(
            (before["role"].as_str(), before["disabled"].as_bool()),
            (Some("rep"), Some(false))
        );
        assert_eq!(
            (after["role"].as_str(), after["disabled"].as_bool()),
            (Some("manager"), Some(true))
        );
        assert!(!audit[0].text(3).unwrap().contains("password"));
    }
}
