//! Territory plans: the workflow (save, submit, agree, return, a new version after agreement),
//! who may do what (a rep edits only their own plan, a manager agrees only for their people),
//! the kept versions and audit rows, the API, and the one-page print rendered by headless
//! Chromium to PDF on A4 and Letter.
#![allow(clippy::unwrap_used)]

mod common;

use attain_domain::territory_plan::{MAX_KEY_ACCOUNTS, MAX_STRATEGY_CHARS};
use common::TestApp;

const PLAN: &str = "/plan/territory/r1/2026";

fn long(n: usize) -> String {
    "Grow the territory with focus and care. "
        .chars()
        .cycle()
        .take(n)
        .collect()
}

#[test]
fn a_rep_writes_and_submits_their_plan_and_their_manager_agrees_it() {
    for app in TestApp::all() {
        app.run(async {
            let r1 = app.sign_in("r1@x.test").await;
            let a = app
                .post(
                    PLAN,
                    &r1,
                    &[
                        ("section_objectives", "Win two new logos."),
                        ("section_new_business", "Referrals."),
                        ("account", "a1"),
                        ("strategy_a1", "Pilot with the CFO."),
                    ],
                )
                .await;
            assert_eq!(a.status, 303, "{}", a.body);
            let page = app.get(PLAN, Some(&r1)).await;
            assert!(page.body.contains("Win two new logos."));
            assert!(page.body.contains("Pilot with the CFO."));
            assert!(page.body.contains("/accounts/a1/map"));
            assert_eq!(app.post(&format!("{PLAN}/submit"), &r1, &[]).await.status, 303);
            // The rep cannot agree their own plan.
            let own = app.post(&format!("{PLAN}/agree"), &r1, &[]).await;
            assert_eq!(own.status, 403);
            let m1 = app.sign_in("m1@x.test").await;
            let agreed = app
                .post(&format!("{PLAN}/agree"), &m1, &[("comment", "Good plan.")])
                .await;
            assert_eq!(agreed.status, 303, "{}", agreed.body);
            let rows = app.rows(
                "SELECT status, version, agreed_by_id, manager_comment FROM territory_plans
                 WHERE person_id = 'r1' AND year = 2026",
            );
            assert_eq!(rows[0].string(0).unwrap(), "agreed");
            assert_eq!(rows[0].int(1).unwrap(), 1);
            assert_eq!(rows[0].string(2).unwrap(), "m1");
            assert_eq!(rows[0].string(3).unwrap(), "Good plan.");
            // The submitted and the agreed copies of version 1 are kept.
            let kept = app.rows(
                "SELECT status FROM territory_plan_versions
                 WHERE person_id = 'r1' AND year = 2026 ORDER BY status",
            );
            let kept: Vec<String> = kept.iter().map(|r| r.string(0).unwrap()).collect();
            assert_eq!(kept, ["agreed", "submitted"]);
            // Every change was audited with the plan after it.
            let audits = app.rows(
                "SELECT action FROM audit_log WHERE entity = 'territory_plan' ORDER BY audit_id",
            );
            let audits: Vec<String> = audits.iter().map(|r| r.string(0).unwrap()).collect();
            assert_eq!(audits, ["save", "submit", "agree"]);
            // Editing the agreed plan starts version 2 as a draft; version 1 stays readable.
            let again = app
                .post(PLAN, &r1, &[("section_objectives", "Win three new logos.")])
                .await;
            assert_eq!(again.status, 303);
            let rows = app.rows(
                "SELECT status, version FROM territory_plans WHERE person_id = 'r1' AND year = 2026",
            );
            assert_eq!(rows[0].string(0).unwrap(), "draft");
            assert_eq!(rows[0].int(1).unwrap(), 2);
            let v1 = app.get(&format!("{PLAN}/versions/1"), Some(&r1)).await;
            assert_eq!(v1.status, 200);
            assert!(v1.body.contains("Win two new logos."));
            assert!(!v1.body.contains("Win three new logos."));
        });
    }
}

#[test]
fn a_manager_returns_a_plan_to_draft_only_with_a_comment() {
    for app in TestApp::all() {
        app.run(async {
            let r1 = app.sign_in("r1@x.test").await;
            app.post(PLAN, &r1, &[("section_objectives", "x")]).await;
            app.post(&format!("{PLAN}/submit"), &r1, &[]).await;
            let dir = app.sign_in("dir@x.test").await;
            let bare = app.post(&format!("{PLAN}/return"), &dir, &[]).await;
            assert_eq!(bare.status, 422);
            assert!(bare.body.contains("say what to change"));
            let back = app
                .post(
                    &format!("{PLAN}/return"),
                    &dir,
                    &[("comment", "More detail.")],
                )
                .await;
            assert_eq!(back.status, 303);
            let rows = app.rows("SELECT status, manager_comment FROM territory_plans");
            assert_eq!(rows[0].string(0).unwrap(), "draft");
            assert_eq!(rows[0].string(1).unwrap(), "More detail.");
            // Only a submitted plan can be agreed.
            let early = app.post(&format!("{PLAN}/agree"), &dir, &[]).await;
            assert_eq!(early.status, 422);
        });
    }
}

#[test]
fn others_cannot_edit_a_plan_and_a_manager_of_another_team_does_not_see_it() {
    for app in TestApp::all() {
        app.run(async {
            // r3 sees nothing of r1: 404 like a missing plan; the same for m2's... m1 for r3.
            let r3 = app.sign_in("r3@x.test").await;
            assert_eq!(app.get(PLAN, Some(&r3)).await.status, 404);
            assert_eq!(
                app.post(PLAN, &r3, &[("section_objectives", "x")])
                    .await
                    .status,
                404
            );
            let m1 = app.sign_in("m1@x.test").await;
            assert_eq!(
                app.get("/plan/territory/r3/2026", Some(&m1)).await.status,
                404
            );
            let r3_agree = app.post("/plan/territory/r3/2026/agree", &m1, &[]).await;
            assert_eq!(r3_agree.status, 404);
            // The manager sees r1's plan but may not write it.
            assert_eq!(app.get(PLAN, Some(&m1)).await.status, 200);
            assert_eq!(
                app.post(PLAN, &m1, &[("section_objectives", "x")])
                    .await
                    .status,
                403
            );
            assert_eq!(
                app.post(&format!("{PLAN}/submit"), &m1, &[]).await.status,
                403
            );
            assert_eq!(app.count("territory_plans"), 0);
            let audits = app.rows("SELECT COUNT(*) FROM audit_log WHERE entity = 'territory_plan'");
            assert_eq!(audits[0].int(0).unwrap(), 0);
        });
    }
}

#[test]
fn texts_over_the_template_limits_and_accounts_out_of_sight_are_refused() {
    for app in TestApp::all() {
        app.run(async {
            let r1 = app.sign_in("r1@x.test").await;
            let too_long = long(401);
            let a = app
                .post(PLAN, &r1, &[("section_objectives", too_long.as_str())])
                .await;
            assert_eq!(a.status, 422);
            assert!(a.body.contains("401 characters"), "{}", a.body);
            let strategy = long(MAX_STRATEGY_CHARS + 1);
            let b = app
                .post(
                    PLAN,
                    &r1,
                    &[("account", "a1"), ("strategy_a1", strategy.as_str())],
                )
                .await;
            assert_eq!(b.status, 422);
            // a2 is r3's account in the west: not r1's to name.
            let c = app.post(PLAN, &r1, &[("account", "a2")]).await;
            assert_eq!(c.status, 422);
            assert!(c.body.contains("not an account you can see"));
            assert_eq!(app.count("territory_plans"), 0);
            let ids: Vec<String> = (0..=MAX_KEY_ACCOUNTS).map(|i| format!("x{i}")).collect();
            let many: Vec<(&str, &str)> = ids.iter().map(|i| ("account", i.as_str())).collect();
            let d = app.post(PLAN, &r1, &many).await;
            assert_eq!(d.status, 422);
            assert!(d.body.contains("at most 6"), "{}", d.body);
        });
    }
}

#[test]
fn the_api_reads_and_changes_a_plan_with_the_pages_permissions() {
    for app in TestApp::all() {
        let (r1, m1, r3) = (
            app.token("r1@x.test"),
            app.token("m1@x.test"),
            app.token("r3@x.test"),
        );
        app.run(async {
            let api = "/api/v1/people/r1/territory-plans/2026";
            let post = |token: &str, action: &str, body: &str| {
                axum::http::Request::post(format!("{api}/{action}"))
                    .header("authorization", format!("Bearer {token}"))
                    .header("content-type", "application/json")
                    .body(axum::body::Body::from(body.to_owned()))
                    .unwrap()
            };
            let saved = app
                .send(post(
                    &r1,
                    "save",
                    r#"{"sections":{"channel_management":"Two resellers."},"key_accounts":[{"account_id":"a1","strategy":"Pilot"}]}"#,
                ))
                .await;
            assert_eq!(saved.status, 200, "{}", saved.body);
            assert_eq!(saved.json()["status"], "draft");
            assert_eq!(saved.json()["key_accounts"][0]["account_id"], "a1");
            assert_eq!(app.send(post(&m1, "save", "{}")).await.status, 403);
            assert_eq!(app.send(post(&r3, "save", "{}")).await.status, 404);
            assert_eq!(app.send(post(&r1, "submit", "{}")).await.status, 200);
            let agreed = app.send(post(&m1, "agree", r#"{"comment":"Fine."}"#)).await;
            assert_eq!(agreed.status, 200, "{}", agreed.body);
            let got = app.get_with_token(api, &r1).await;
            assert_eq!(got.status, 200);
            let j = got.json();
            assert_eq!(j["status"], "agreed");
            assert_eq!(j["agreed_by_id"], "m1");
            assert_eq!(j["versions"].as_array().unwrap().len(), 2);
            assert_eq!(app.get_with_token(api, &r3).await.status, 404);
        });
    }
}

#[test]
fn the_plan_with_every_text_at_its_limit_prints_on_exactly_one_page_of_a4_and_letter() {
    let chromium = attain_web::pdf::chromium();
    if !chromium.is_file() {
        println!("skipped: no Chromium at {}", chromium.display());
        return;
    }
    let app = TestApp::all().remove(0);
    // A second key account for r1, so the plan names several.
    app.import(&[(
        "accounts.csv",
        "account_id,name,territory_id,owner_id\na3,Initech International Holdings,east1,r1\na4,Umbrella,east1,r1\na5,Stark,east1,r1\na6,Wayne,east1,r1\na7,Tyrell,east1,r1\n",
    )]);
    app.run(async {
        let r1 = app.sign_in("r1@x.test").await;
        let texts: Vec<(String, String)> = [
            "objectives",
            "new_business",
            "account_management",
            "channel_management",
        ]
        .iter()
        .map(|s| (format!("section_{s}"), long(400)))
        .collect();
        let mut fields: Vec<(String, String)> = texts;
        for a in ["a1", "a3", "a4", "a5", "a6", "a7"] {
            fields.push(("account".into(), a.into()));
            fields.push((format!("strategy_{a}"), long(MAX_STRATEGY_CHARS)));
        }
        let refs: Vec<(&str, &str)> = fields
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let saved = app.post(PLAN, &r1, &refs).await;
        assert_eq!(saved.status, 303, "{}", saved.body);
        let m1 = app.sign_in("m1@x.test").await;
        app.post(&format!("{PLAN}/submit"), &r1, &[]).await;
        let comment = long(300);
        app.post(
            &format!("{PLAN}/agree"),
            &m1,
            &[("comment", comment.as_str())],
        )
        .await;
        for paper in ["a4", "letter"] {
            let (status, pdf) = app
                .get_bytes(&format!("{PLAN}/pdf?paper={paper}"), &r1)
                .await;
            assert_eq!(status, 200, "{paper}");
            assert!(pdf.starts_with(b"%PDF"), "{paper}");
            assert_eq!(attain_web::pdf::page_count(&pdf), 1, "{paper}");
            // The page really holds the plan: its texts overflow nothing that a second page
            // would have taken.
        }
        // The plan fits by its limits, not by the sheet's clip: without the clip it is still
        // one page; with far more text than the limits allow it is not (the check can fail).
        for (paper, height) in [("a4", "276mm"), ("letter", "258mm")] {
            let html = app
                .get(&format!("{PLAN}/print?paper={paper}"), Some(&r1))
                .await
                .body;
            let unclipped = html.replace(
                &format!(".sheet {{ overflow: hidden; height: {height}; }}"),
                "",
            );
            assert_ne!(unclipped, html, "{paper}: the sheet's clip was removed");
            let overfull =
                unclipped.replace("</footer>", &format!("</footer><p>{}</p>", long(20_000)));
            let (one, more) = tokio::task::spawn_blocking(move || {
                (
                    attain_web::pdf::render(&unclipped).unwrap(),
                    attain_web::pdf::render(&overfull).unwrap(),
                )
            })
            .await
            .unwrap();
            assert_eq!(attain_web::pdf::page_count(&one), 1, "{paper}");
            assert!(attain_web::pdf::page_count(&more) > 1, "{paper}");
        }
    });
}

#[test]
fn sales_ops_change_the_template_within_the_hard_limit_and_the_plan_follows_it() {
    for app in TestApp::all() {
        app.run(async {
            let ops = app.sign_in("ops@x.test").await;
            let bad = app
                .post(
                    "/plan/territory/template",
                    &ops,
                    &[("max_objectives", "601")],
                )
                .await;
            assert_eq!(bad.status, 422);
            assert!(bad.body.contains("from 1 to 600"), "{}", bad.body);
            let ok = app
                .post(
                    "/plan/territory/template",
                    &ops,
                    &[
                        ("heading_objectives", "Big goals"),
                        ("max_objectives", "20"),
                    ],
                )
                .await;
            assert_eq!(ok.status, 303);
            let audits =
                app.rows("SELECT entity_key FROM audit_log WHERE entity = 'plan_template'");
            assert_eq!(audits.len(), 1);
            assert_eq!(audits[0].string(0).unwrap(), "objectives");
            let r1 = app.sign_in("r1@x.test").await;
            assert!(app.get(PLAN, Some(&r1)).await.body.contains("Big goals"));
            let refused = app
                .post(
                    PLAN,
                    &r1,
                    &[("section_objectives", "twenty-one characters")],
                )
                .await;
            assert_eq!(refused.status, 422);
            assert!(refused.body.contains("the template allows 20"));
            let m1 = app.sign_in("m1@x.test").await;
            assert_eq!(
                app.get("/plan/territory/template", Some(&m1)).await.status,
                403
            );
        });
    }
}
