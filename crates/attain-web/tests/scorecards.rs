//! Jobs and scorecards on both databases: a person's expectations week by week (met for `>=`
//! and `<=`), the team at a glance, the visibility rule (404 outside one's scope), and job
//! editing with its validation and audit.
#![allow(clippy::unwrap_used)]

mod common;

use attain_domain::Date;
use axum::http::StatusCode;
use chrono::{Datelike, Duration};
use common::TestApp;

/// The Monday of the last complete week.
fn last_monday() -> Date {
    let today = chrono::Utc::now().date_naive();
    today - Duration::days(i64::from(today.weekday().num_days_from_monday()) + 7)
}

/// r1 (job `ae`) made two calls in the last complete week, on its Monday and its Sunday, and
/// one the Sunday before; r2 holds the same job without activity.
fn with_jobs() -> Vec<TestApp> {
    let mon = last_monday();
    let (sun, sun_before) = (mon + Duration::days(6), mon - Duration::days(1));
    let activities = format!(
        "activity_id,person_id,date,type,account_id,subject\n\
         k1,r1,{mon},call,a1,Monday call\nk2,r1,{sun},call,a1,Sunday call\n\
         k0,r1,{sun_before},call,a1,Earlier call\n"
    );
    let apps = TestApp::all();
    for app in &apps {
        app.import(&[
            ("activities.csv", activities.as_str()),
            (
                "jobs.csv",
                "job_id,title,mission,metric,comparison,threshold,per\n\
                 ae,Account Executive,Grow new logos,calls,>=,2,week\n\
                 ae,Account Executive,Grow new logos,meetings,>=,1,week\n\
                 ae,Account Executive,Grow new logos,activities,<=,1,week\n",
            ),
        ]);
        app.exec(
            "UPDATE people SET job_id = 'ae' WHERE person_id IN ('r1', 'r2')",
            &[],
        );
    }
    apps
}

#[test]
fn a_persons_scorecard_shows_each_expectation_week_by_week_met_or_missed() {
    for app in with_jobs() {
        app.run(async {
            let b = app.sign_in("r1@x.test").await;
            let page = app.get("/people/r1/scorecard", Some(&b)).await;
            assert_eq!(page.status, StatusCode::OK, "{}", page.body);
            assert!(page.body.contains("Account Executive"));
            assert!(page.body.contains("Grow new logos"));
            assert!(
                page.body.contains("calls \u{2265} 2 per week"),
                "{}",
                page.body
            );
            assert!(page.body.contains("data-mark=\"met\""));
            assert!(page.body.contains("data-mark=\"missed\""));
            assert!(page.body.contains("(to date)"));

            let api = app
                .get_with_token("/api/v1/people/r1/scorecard", &app.token("r1@x.test"))
                .await;
            assert_eq!(api.status, StatusCode::OK, "{}", api.body);
            let j = api.json();
            assert_eq!(j["job"]["job_id"], "ae");
            let rows = j["expectations"].as_array().unwrap();
            let row = |m: &str| rows.iter().find(|r| r["metric"] == m).unwrap();
            let last = |m: &str| row(m)["periods"][4].clone();
            assert_eq!(last("calls")["start"], last_monday().to_string());
            assert_eq!(last("calls")["value"], "2.000000");
            assert_eq!(last("calls")["met"], true, "2 calls, at least 2 expected");
            assert_eq!(last("calls")["trend"], "up", "one call the week before");
            assert_eq!(row("calls")["periods"][5]["to_date"], true);
            assert_eq!(
                last("meetings")["met"],
                false,
                "no meeting, at least 1 expected"
            );
            assert_eq!(last("activities")["value"], "2.000000");
            assert_eq!(
                last("activities")["met"],
                false,
                "2 activities, at most 1 expected"
            );
            assert_eq!(row("activities")["periods"][3]["met"], true, "1 activity");
        });
    }
}

#[test]
fn nobody_sees_the_scorecard_of_someone_outside_their_scope() {
    for app in with_jobs() {
        app.run(async {
            let r1 = app.sign_in("r1@x.test").await;
            let other = app.get("/people/r2/scorecard", Some(&r1)).await;
            assert_eq!(other.status, StatusCode::NOT_FOUND);
            let api = app
                .get_with_token("/api/v1/people/r2/scorecard", &app.token("r1@x.test"))
                .await;
            assert_eq!(api.status, StatusCode::NOT_FOUND);
            let team = app.get("/scorecards?manager=m1", Some(&r1)).await;
            assert_eq!(team.status, StatusCode::NOT_FOUND);
            let r3 = app.sign_in("r3@x.test").await;
            let rosa = app.get("/people/r1/scorecard", Some(&r3)).await;
            assert_eq!(rosa.status, StatusCode::NOT_FOUND);
        });
    }
}

#[test]
fn a_manager_sees_the_teams_scorecards_at_a_glance_with_the_count_met() {
    for app in with_jobs() {
        app.run(async {
            let m1 = app.sign_in("m1@x.test").await;
            let page = app.get("/scorecards", Some(&m1)).await;
            assert_eq!(page.status, StatusCode::OK, "{}", page.body);
            let body = &page.body;
            assert!(body.contains("href=\"/people/r1/scorecard\""), "{body}");
            assert!(body.contains("Raj Rep"));
            assert!(!body.contains("Rosa Rep"), "r3 reports to m2");
            // r1 met calls only; r2, without activity, met "activities at most 1" only.
            assert_eq!(body.matches("1 / 3").count(), 2, "{body}");
        });
    }
}

#[test]
fn sales_ops_edit_a_job_with_every_change_audited_and_bad_fields_refused() {
    for app in with_jobs() {
        app.run(async {
            let ops = app.sign_in("ops@x.test").await;
            let bad = app
                .post(
                    "/jobs",
                    &ops,
                    &[
                        ("job_id", "ae"),
                        ("title", "Account Executive"),
                        ("metric_0", "calls"),
                        ("comparison_0", ">="),
                        ("threshold_0", "lots"),
                        ("per_0", "week"),
                    ],
                )
                .await;
            assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
            assert!(bad.body.contains("Row 1 threshold:"), "{}", bad.body);
            assert!(bad.body.contains("is not a fraction"), "{}", bad.body);
            assert_eq!(app.count("jobs"), 3, "nothing written");
            let untitled = app
                .post("/jobs", &ops, &[("job_id", "ae"), ("title", " ")])
                .await;
            assert_eq!(untitled.status, StatusCode::UNPROCESSABLE_ENTITY);
            assert!(untitled.body.contains("Title: give the job a title."));

            let ok = app
                .post(
                    "/jobs",
                    &ops,
                    &[
                        ("job_id", "ae"),
                        ("title", "Account Executive II"),
                        ("mission", "Grow"),
                        ("metric_0", "calls"),
                        ("comparison_0", ">="),
                        ("threshold_0", "3"),
                        ("per_0", "week"),
                        ("metric_1", "meetings"),
                        ("comparison_1", ">="),
                        ("threshold_1", "1"),
                        ("per_1", "week"),
                        ("remove_1", "1"),
                        ("metric_2", "win_rate"),
                        ("comparison_2", ">="),
                        ("threshold_2", "0.25"),
                        ("per_2", "quarter"),
                    ],
                )
                .await;
            assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
            let rows = app.rows("SELECT metric, threshold, title FROM jobs ORDER BY metric");
            let got: Vec<(String, i64)> = rows
                .iter()
                .map(|r| (r.string(0).unwrap(), r.int(1).unwrap()))
                .collect();
            assert_eq!(
                got,
                vec![("calls".into(), 3_000_000), ("win_rate".into(), 250_000)]
            );
            let audit = app
                .rows("SELECT action, before_json, after_json FROM audit_log WHERE entity = 'job'");
            assert_eq!(audit.len(), 1);
            assert_eq!(audit[0].string(0).unwrap(), "update");
            assert!(audit[0].string(1).unwrap().contains("\"meetings\""));
            assert!(audit[0].string(2).unwrap().contains("Account Executive II"));

            let r1 = app.sign_in("r1@x.test").await;
            let refused = app
                .post("/jobs", &r1, &[("job_id", "x"), ("title", "X")])
                .await;
            assert_eq!(refused.status, StatusCode::FORBIDDEN);
            let list = app.get("/jobs", Some(&r1)).await;
            assert!(
                list.body.contains("win rate \u{2265} 25.0% per quarter"),
                "{}",
                list.body
            );
            assert!(!list.body.contains("Save job"), "only sales ops edit");
        });
    }
}
