//! Sign-in, sessions, throttling and CSRF, end to end through the router.
#![allow(clippy::unwrap_used)]

mod common;

use attain_store::params;
use axum::http::StatusCode;
use common::{PASSWORD, TestApp};

#[test]
fn signing_in_with_the_right_password_starts_a_session_with_a_safe_cookie() {
    for app in TestApp::all() {
        app.run(async {
            let a = app.try_sign_in("r1@x.test", PASSWORD).await;
            assert_eq!(a.status, StatusCode::SEE_OTHER);
            assert_eq!(a.location(), "/");
            let raw = a
                .headers
                .get_all("set-cookie")
                .iter()
                .map(|v| v.to_str().unwrap().to_owned())
                .find(|c| c.starts_with("attain_session="))
                .unwrap();
            assert!(
                raw.contains("HttpOnly") && raw.contains("SameSite=Lax"),
                "{raw}"
            );
            let id = a.set_cookie("attain_session").unwrap();
            // Only a hash of the id is stored.
            let stored: Vec<String> = app
                .rows("SELECT session_hash FROM sessions")
                .iter()
                .map(|r| r.string(0).unwrap())
                .collect();
            assert_eq!(stored.len(), 1);
            assert_ne!(stored[0], id);
            let b = common::Browser {
                cookie: format!("attain_session={id}"),
                csrf: String::new(),
            };
            let home = app.get("/", Some(&b)).await;
            assert_eq!(home.status, StatusCode::OK);
            assert!(home.body.contains("Your year"));
        });
    }
}

#[test]
fn a_wrong_password_and_an_unknown_email_get_the_same_answer_and_no_session() {
    for app in TestApp::all() {
        app.run(async {
            let wrong = app.try_sign_in("r1@x.test", "not-the-password").await;
            let unknown = app.try_sign_in("nobody@x.test", PASSWORD).await;
            for a in [&wrong, &unknown] {
                assert_eq!(a.status, StatusCode::UNAUTHORIZED);
                assert!(a.body.contains("The email or the password is not right."));
                assert!(a.set_cookie("attain_session").is_none());
            }
            assert_eq!(app.count("sessions"), 0);
        });
    }
}

#[test]
fn repeated_failures_are_throttled_with_a_delay_that_expires() {
    for app in TestApp::all() {
        app.run(async {
            for _ in 0..4 {
                let a = app.try_sign_in("r1@x.test", "wrong-password-1").await;
                assert_eq!(a.status, StatusCode::UNAUTHORIZED);
            }
            // The fifth attempt comes too soon, even with the right password.
            let a = app.try_sign_in("r1@x.test", PASSWORD).await;
            assert_eq!(a.status, StatusCode::TOO_MANY_REQUESTS);
            assert!(a.body.contains("Too many failed sign-ins"));
            // Another email is not affected.
            assert_eq!(
                app.try_sign_in("m1@x.test", PASSWORD).await.status,
                StatusCode::SEE_OTHER
            );
            // Once the delay has passed, the right password works again: no permanent lock-out.
            let earlier = chrono::Utc::now() - chrono::Duration::seconds(30);
            app.exec(
                "UPDATE login_failures SET last_failure_at = $1",
                params![earlier],
            );
            assert_eq!(
                app.try_sign_in("r1@x.test", PASSWORD).await.status,
                StatusCode::SEE_OTHER
            );
        });
    }
}

#[test]
fn failures_from_one_address_are_throttled_across_emails() {
    for app in TestApp::all() {
        app.run(async {
            for i in 0..21 {
                let a = app
                    .try_sign_in(&format!("guess{i}@x.test"), "wrong-password")
                    .await;
                assert_eq!(a.status, StatusCode::UNAUTHORIZED, "attempt {i}");
            }
            let a = app.try_sign_in("r1@x.test", PASSWORD).await;
            assert_eq!(a.status, StatusCode::TOO_MANY_REQUESTS);
        });
    }
}

#[test]
fn signing_in_rotates_the_session_id_and_ends_the_old_session() {
    for app in TestApp::all() {
        app.run(async {
            let first = app.sign_in("r1@x.test").await;
            // Sign in again from the same browser: the old cookie is sent along.
            let (pre, csrf) = app.signin_form().await;
            let cookie = format!("{}; {pre}", first.cookie);
            // The browser is signed in, so the form's CSRF token is the session's.
            let a = app
                .post_form(
                    "/signin",
                    &cookie,
                    &[
                        ("csrf", &first.csrf),
                        ("email", "r1@x.test"),
                        ("password", PASSWORD),
                    ],
                )
                .await;
            assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.body);
            let new_id = a.set_cookie("attain_session").unwrap();
            assert_ne!(format!("attain_session={new_id}"), first.cookie);
            assert!(!csrf.is_empty());
            // The old id no longer works; the new one does.
            assert_eq!(
                app.get("/", Some(&first)).await.status,
                StatusCode::SEE_OTHER
            );
            let new = common::Browser {
                cookie: format!("attain_session={new_id}"),
                csrf: String::new(),
            };
            assert_eq!(app.get("/", Some(&new)).await.status, StatusCode::OK);
            assert_eq!(app.count("sessions"), 1);
        });
    }
}

#[test]
fn signing_out_deletes_the_session_on_the_server() {
    for app in TestApp::all() {
        app.run(async {
            let b = app.sign_in("m1@x.test").await;
            let a = app
                .post_form("/signout", &b.cookie, &[("csrf", &b.csrf)])
                .await;
            assert_eq!(a.status, StatusCode::SEE_OTHER);
            assert_eq!(a.location(), "/signin");
            assert_eq!(app.count("sessions"), 0);
            // Replaying the old cookie gets nothing.
            let again = app.get("/people", Some(&b)).await;
            assert_eq!(again.status, StatusCode::SEE_OTHER);
            assert!(again.location().starts_with("/signin?next="));
        });
    }
}

#[test]
fn a_session_idle_longer_than_the_timeout_ends() {
    for app in TestApp::all() {
        app.run(async {
            let b = app.sign_in("r1@x.test").await;
            let three_hours_ago = chrono::Utc::now() - chrono::Duration::hours(3);
            app.exec(
                "UPDATE sessions SET last_seen_at = $1",
                params![three_hours_ago],
            );
            assert_eq!(app.get("/", Some(&b)).await.status, StatusCode::SEE_OTHER);
            assert_eq!(app.count("sessions"), 0);
        });
    }
}

#[test]
fn a_session_older_than_the_absolute_timeout_ends_even_when_busy() {
    for app in TestApp::all() {
        app.run(async {
            let b = app.sign_in("r1@x.test").await;
            let long_ago = chrono::Utc::now() - chrono::Duration::hours(13);
            app.exec("UPDATE sessions SET created_at = $1", params![long_ago]);
            assert_eq!(app.get("/", Some(&b)).await.status, StatusCode::SEE_OTHER);
        });
    }
}

#[test]
fn a_form_post_without_the_right_csrf_token_is_refused() {
    for app in TestApp::all() {
        app.run(async {
            let b = app.sign_in("r1@x.test").await;
            let missing = app
                .post_form("/profile/tokens", &b.cookie, &[("name", "x")])
                .await;
            assert_eq!(missing.status, StatusCode::FORBIDDEN);
            let wrong = app
                .post_form(
                    "/profile/tokens",
                    &b.cookie,
                    &[("csrf", "0000"), ("name", "x")],
                )
                .await;
            assert_eq!(wrong.status, StatusCode::FORBIDDEN);
            assert_eq!(app.count("api_tokens"), 0);
            // Sign-out needs the token too.
            let out = app.post_form("/signout", &b.cookie, &[]).await;
            assert_eq!(out.status, StatusCode::FORBIDDEN);
            assert_eq!(app.count("sessions"), 1);
            // With the token, it works.
            let ok = app
                .post_form(
                    "/profile/tokens",
                    &b.cookie,
                    &[("csrf", &b.csrf), ("name", "x")],
                )
                .await;
            assert_eq!(ok.status, StatusCode::OK);
            assert!(ok.body.contains("atn_"));
            assert_eq!(app.count("api_tokens"), 1);
        });
    }
}

#[test]
fn the_sign_in_form_itself_needs_its_csrf_token() {
    for app in TestApp::all() {
        app.run(async {
            let (cookie, _) = app.signin_form().await;
            let a = app
                .post_form(
                    "/signin",
                    &cookie,
                    &[
                        ("csrf", "forged"),
                        ("email", "r1@x.test"),
                        ("password", PASSWORD),
                    ],
                )
                .await;
            assert_eq!(a.status, StatusCode::FORBIDDEN);
            assert!(a.set_cookie("attain_session").is_none());
        });
    }
}

#[test]
fn an_anonymous_page_visit_is_sent_to_sign_in_and_back() {
    for app in TestApp::all() {
        app.run(async {
            let a = app.get("/accounts?q=acme", None).await;
            assert_eq!(a.status, StatusCode::SEE_OTHER);
            assert_eq!(a.location(), "/signin?next=%2Faccounts%3Fq%3Dacme");
            let (cookie, csrf) = app.signin_form().await;
            let s = app
                .post_form(
                    "/signin",
                    &cookie,
                    &[
                        ("csrf", &csrf),
                        ("email", "r1@x.test"),
                        ("password", PASSWORD),
                        ("next", "/accounts?q=acme"),
                    ],
                )
                .await;
            assert_eq!(s.location(), "/accounts?q=acme");
            let evil = app
                .post_form(
                    "/signin",
                    &cookie,
                    &[
                        ("csrf", &csrf),
                        ("email", "r1@x.test"),
                        ("password", PASSWORD),
                        ("next", "//evil.example"),
                    ],
                )
                .await;
            assert_eq!(evil.location(), "/");
        });
    }
}
