//! The pipeline snapshots on both databases: a person's figures and the records behind them,
//! the team side by side, the API, the CSV, and the visibility rule (404 outside one's scope).
#![allow(clippy::unwrap_used)]

mod common;

use axum::http::StatusCode;
use common::TestApp;

/// March 2026 for r1: one deal won after skipping stages, one lost, one that went forward then
/// back; an open deal overdue since December; three activities. r2 won one deal. r1's job expects 12 activities a month.
fn with_pipeline() -> Vec<TestApp> {
    let apps = TestApp::all();
    for app in &apps {
        app.import(&[
            (
                "opportunities.csv",
                "opportunity_id,account_id,owner_id,name,stage,amount,created_date,close_date,forecast_category\n\
                 w1,a1,r1,Won deal,closed_won,1000.00,2026-01-01,2026-03-21,\n\
                 l1,a1,r1,Lost deal,closed_lost,300.00,2026-01-15,2026-03-30,\n\
                 b1,a1,r1,Back deal,qualification,500.00,2026-02-20,2026-12-15,commit\n\
                 x2,a1,r2,Raj deal,closed_won,2000.00,2026-02-01,2026-03-10,\n\
                 d1,a1,r1,Overdue deal,negotiation,100.00,2025-10-01,2025-12-31,\n",
            ),
            (
                "stage_history.csv",
                "opportunity_id,stage,entered_date\n\
                 w1,prospecting,2026-01-01\nw1,proposal,2026-03-01\nw1,closed_won,2026-03-21\n\
                 l1,prospecting,2026-01-15\nl1,closed_lost,2026-03-30\n\
                 b1,prospecting,2026-02-20\nb1,proposal,2026-03-05\nb1,qualification,2026-03-15\n\
                 x2,prospecting,2026-02-01\nx2,closed_won,2026-03-10\n",
            ),
            (
                "activities.csv",
                "activity_id,person_id,date,type,account_id,subject\n\
                 s1,r1,2026-03-02,call,a1,First call\ns2,r1,2026-03-03,call,a1,Second call\n\
                 s3,r1,2026-03-04,meeting,a1,Review\n",
            ),
            (
                "jobs.csv",
                "job_id,title,mission,metric,comparison,threshold,per\nae,Account Executive,,activities,>=,12,month\n",
            ),
        ]);
        app.exec(
            "UPDATE people SET job_id = 'ae' WHERE person_id = 'r1'",
            &[],
        );
    }
    apps
}

const MARCH: &str = "period=month&date=2026-03-10";

#[test]
fn a_persons_snapshot_shows_each_figure_with_its_trend_and_a_link_to_its_records() {
    for app in with_pipeline() {
        app.run(async {
            let b = app.sign_in("r1@x.test").await;
            let page = app.get(&format!("/pipeline/snapshot/r1?{MARCH}"), Some(&b)).await;
            assert_eq!(page.status, StatusCode::OK, "{}", page.body);
            let body = &page.body;
            assert!(body.contains("Rita Rep: Mar 2026"));
            assert!(body.contains("50.0%"), "win rate: one won, one lost");
            assert!(body.contains("$50,600"), "open on Mar 31: o1, b1 and the overdue d1");
            let stalled = app
                .get("/pipeline/snapshot/r1/records?period=month&date=2026-03-01&figure=stalled", Some(&b))
                .await;
            assert!(stalled.body.contains("Overdue deal"), "no stage change since it was created");
            assert!(body.contains("<svg class=\"chart\""));
            assert!(body.contains("not met"), "3 activities against 12 expected");
            assert!(body.contains("/pipeline/snapshot/r1/records?period=month&#38;date=2026-03-01&#38;figure=won"), "{body}");
            let won = app
                .get("/pipeline/snapshot/r1/records?period=month&date=2026-03-01&figure=won", Some(&b))
                .await;
            assert_eq!(won.status, StatusCode::OK);
            assert!(won.body.contains("Won deal") && !won.body.contains("Lost deal"));
            assert!(won.body.contains("href=\"/accounts/a1\""));
            let back = app
                .get("/pipeline/snapshot/r1/records?period=month&date=2026-03-01&figure=moved_back", Some(&b))
                .await;
            assert!(back.body.contains("Back deal") && back.body.contains("entered qualification on 2026-03-15"));
            let calls = app
                .get("/pipeline/snapshot/r1/records?period=month&date=2026-03-01&figure=activities&type=call", Some(&b))
                .await;
            assert!(calls.body.contains("First call") && !calls.body.contains("Review"));
            let me = app.get("/pipeline/snapshot/me?period=week", Some(&b)).await;
            assert_eq!(me.status, StatusCode::SEE_OTHER);
            assert_eq!(me.location(), "/pipeline/snapshot/r1?period=week");
        });
    }
}

#[test]
fn a_managers_team_snapshot_lists_everyone_below_sorted_with_outliers_and_the_forecast() {
    for app in with_pipeline() {
        app.run(async {
            let b = app.sign_in("m1@x.test").await;
            let page = app
                .get(
                    &format!("/pipeline/team?{MARCH}&sort=won&dir=desc"),
                    Some(&b),
                )
                .await;
            assert_eq!(page.status, StatusCode::OK, "{}", page.body);
            let body = &page.body;
            // r1, r2 and r4 (moved to m1 by reporting.csv); not r3.
            for name in ["Rita Rep", "Raj Rep", "Rob Rep"] {
                assert!(body.contains(name), "{name}");
            }
            assert!(!body.contains("Rosa Rep"));
            let raj = body.find("Raj Rep").unwrap();
            let rita = body.find("Rita Rep").unwrap();
            assert!(raj < rita, "sorted by won, highest first");
            assert!(body.contains("low activity"));
            assert!(
                body.contains("href=\"/pipeline/snapshot/r2?period=month&#38;date=2026-03-01\"")
            );
            assert!(body.contains("id=\"rollup\""));
            assert!(body.contains("$3,000"), "won in March: 1,000 + 2,000");
            let csv = app
                .get_bytes(&format!("/pipeline/team/export.csv?{MARCH}"), &b)
                .await;
            assert_eq!(csv.0, StatusCode::OK);
            let text = String::from_utf8(csv.1).unwrap();
            assert!(text.starts_with("person_id,name,activities"));
            assert!(
                text.contains("r2,Raj Rep,0,0,1,0,0.00,2000.00,1.000000"),
                "{text}"
            );
        });
    }
}

#[test]
fn a_rep_gets_404_for_another_persons_snapshot_on_pages_and_the_api() {
    for app in with_pipeline() {
        app.run(async {
            let r1 = app.sign_in("r1@x.test").await;
            for uri in [
                "/pipeline/snapshot/r2",
                "/pipeline/snapshot/r2/records?figure=won",
                "/pipeline/team?manager=m1",
                "/pipeline/snapshot/nobody",
            ] {
                assert_eq!(
                    app.get(uri, Some(&r1)).await.status,
                    StatusCode::NOT_FOUND,
                    "{uri}"
                );
            }
            let token = app.token("r1@x.test");
            let api = app
                .get_with_token("/api/v1/people/r2/snapshot", &token)
                .await;
            assert_eq!(api.status, StatusCode::NOT_FOUND);
            assert_eq!(api.json()["error"]["code"], "not_found");
            let team = app
                .get_with_token("/api/v1/team/snapshot?manager=m1", &token)
                .await;
            assert_eq!(team.status, StatusCode::NOT_FOUND);
            let m1 = app.sign_in("m1@x.test").await;
            assert_eq!(
                app.get("/pipeline/snapshot/r3", Some(&m1)).await.status,
                StatusCode::NOT_FOUND
            );
            let dir = app.sign_in("dir@x.test").await;
            assert_eq!(
                app.get("/pipeline/team?manager=m1", Some(&dir))
                    .await
                    .status,
                StatusCode::OK
            );
        });
    }
}

#[test]
fn the_api_gives_the_same_figures_with_amounts_as_strings() {
    for app in with_pipeline() {
        app.run(async {
            let token = app.token("m1@x.test");
            let a = app
                .get_with_token(&format!("/api/v1/people/r1/snapshot?{MARCH}"), &token)
                .await;
            assert_eq!(a.status, StatusCode::OK, "{}", a.body);
            let j = a.json();
            assert_eq!(j["current"]["won_amount"], "1000.00");
            assert_eq!(j["current"]["win_rate"], "0.500000");
            assert_eq!(j["current"]["moved_forward"], 3);
            assert_eq!(j["current"]["moved_back"], 1);
            assert_eq!(j["current"]["activities_by_type"]["call"], 2);
            assert_eq!(j["previous"]["period"]["start"], "2026-02-01");
            assert_eq!(j["expectations"][0]["expected"], "12.000000");
            assert_eq!(j["outliers"][0], "low_activity");
            let t = app
                .get_with_token(&format!("/api/v1/team/snapshot?{MARCH}"), &token)
                .await;
            assert_eq!(t.status, StatusCode::OK);
            let t = t.json();
            assert_eq!(t["people"].as_array().unwrap().len(), 3);
            assert_eq!(t["forecast"]["won"], "3000.00");
            let bad = app
                .get_with_token("/api/v1/people/r1/snapshot?period=year", &token)
                .await;
            assert_eq!(bad.status, StatusCode::BAD_REQUEST);
            assert!(
                bad.json()["error"]["message"]
                    .as_str()
                    .unwrap()
                    .contains("week, month, quarter")
            );
        });
    }
}

#[test]
fn the_team_read_on_two_connections_computes_the_same_figures_as_one_connection() {
    use attain_domain::parse_date;
    use attain_domain::pipeline::{Period, PeriodKind};
    use attain_web::pages::Company;
    use attain_web::snapshot::{load, load_team};
    for app in with_pipeline() {
        let store = &app.db.store;
        let mut conn = store.conn().unwrap();
        let company = Company::load(&mut conn).unwrap();
        let ids: Vec<String> = ["r1", "r2", "r4"].iter().map(|s| s.to_string()).collect();
        let today = parse_date("2026-03-10").unwrap();
        for kind in [PeriodKind::Week, PeriodKind::Month, PeriodKind::Quarter] {
            let p = Period::containing(kind, today, &company.calendar);
            let one = load(&mut conn, &company, &ids, p, today).unwrap().compute();
            let two = load_team(&mut conn, store, &company, &ids, p, today)
                .unwrap()
                .compute();
            assert_eq!(one.len(), 3);
            assert_eq!(one.len(), two.len());
            for (a, b) in one.iter().zip(&two) {
                assert_eq!(a.member.id, b.member.id);
                assert_eq!(a.snapshot, b.snapshot, "{} {kind:?}", a.member.id);
                assert_eq!(a.outliers, b.outliers);
                assert_eq!(a.forecast, b.forecast);
                assert_eq!(a.objective, b.objective);
            }
            let r1 = two.iter().find(|c| c.member.id == "r1").unwrap();
            let r2 = two.iter().find(|c| c.member.id == "r2").unwrap();
            if kind == PeriodKind::Month {
                assert_eq!(r1.snapshot.current.activities, 3, "{kind:?}");
                assert_eq!(
                    r2.snapshot.current.won_count, 1,
                    "{kind:?}: read on the other half"
                );
            }
        }
    }
}
