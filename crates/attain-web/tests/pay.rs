//! Pay: statements that match the engine, the drill-down to transactions, who sees which
//! statement, the exports, what-if (and that it writes nothing), plan acceptance, inquiries
//! resolved with an adjustment, the month close, the payroll file. On the worked example of the
//! spec, over the test company, on SQLite and (with `ATTAIN_TEST_POSTGRES_URL`) PostgreSQL.
#![allow(clippy::unwrap_used)]

mod common;

use axum::http::StatusCode;
use common::{Browser, TestApp, hidden};

/// Recalculates fiscal 2026 as sales ops, through the Close page.
async fn calculate(app: &TestApp, ops: &Browser) {
    let a = app.post("/pay/close/2026/calculate", ops, &[]).await;
    assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.body);
}

/// Returns the number of rows of every table a page could write to.
fn row_counts(app: &TestApp) -> Vec<(&'static str, i64)> {
    [
        "transactions",
        "adjustments",
        "paid",
        "result_credits",
        "result_payouts",
        "result_statements",
        "closed_statements",
        "calc_runs",
        "audit_log",
        "inquiries",
        "plan_acceptances",
    ]
    .into_iter()
    .map(|t| (t, app.count(t)))
    .collect()
}

/// Reads the worked example's expected payouts: `(month, payout, earned_to_date)` as text.
fn expected_payouts() -> Vec<(u32, String, String)> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../attain-engine/tests/worked/expected/payouts.csv");
    let text = std::fs::read_to_string(path).unwrap();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
    lines
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            (
                f[col("month")].parse().unwrap(),
                f[col("payout")].to_owned(),
                f[col("earned_to_date")].to_owned(),
            )
        })
        .collect()
}

/// Writes `1250.00` as a page does: `$1,250.00`, `−$2,450.00`.
fn dollars(s: &str) -> String {
    let cents = attain_domain::Money::parse(s).unwrap();
    attain_web::fmt::money(cents, &attain_web::fmt::Currency::new("USD")).text
}

#[test]
fn statement_figures_match_the_engines_results_for_the_worked_example() {
    for app in TestApp::worked() {
        app.run(async {
            let ops = app.sign_in("ops@x.test").await;
            calculate(&app, &ops).await;
            let r1 = app.sign_in("r1@x.test").await;
            for (month, payout, etd) in expected_payouts() {
                let page = app
                    .get(&format!("/pay/statements/r1/2026/{month}"), Some(&r1))
                    .await;
                assert_eq!(page.status, StatusCode::OK);
                assert!(
                    page.body.contains(&dollars(&payout)),
                    "month {month}: payout {payout}"
                );
                assert!(
                    page.body.contains(&dollars(&etd)),
                    "month {month}: earned to date {etd}"
                );
            }
            let march = app.get("/pay/statements/r1/2026/3", Some(&r1)).await;
            for text in [
                "112.5%",
                "$135,000.00",
                "$120,000.00",
                "band 3: 100% and above of target, paid at 8%",
                "Running total for fiscal 2026",
                "$5,400.00",
            ] {
                assert!(march.body.contains(text), "{text}");
            }
            assert!(
                !march.body.contains("Prior-period adjustment"),
                "no closed month, nothing to adjust"
            );
            let april = app.get("/pay/statements/r1/2026/4", Some(&r1)).await;
            assert!(
                april
                    .body
                    .contains("<td class=\"num neg\">\u{2212}$2,450.00</td>")
            );
            assert!(
                april
                    .body
                    .contains("band 2: 50%–100% of target, paid at 5%")
            );
            // The API's statement carries its payout lines.
            let token = app.token("r1@x.test");
            let api = app
                .get_with_token("/api/v1/people/r1/statements/2026/3", &token)
                .await
                .json();
            assert_eq!(api["statement"]["total"], "3450.00");
            assert_eq!(api["payouts"][0]["payout"], "3450.00");
            assert_eq!(api["payouts"][0]["attainment"], "1.125000");
            assert_eq!(api["adjustments"], serde_json::json!([]));
            assert!(api["closed"].is_null());
        });
    }
}

#[test]
fn the_drill_down_leads_from_a_payout_line_to_the_transactions_behind_it() {
    for app in TestApp::worked() {
        app.run(async {
            let ops = app.sign_in("ops@x.test").await;
            calculate(&app, &ops).await;
            let r1 = app.sign_in("r1@x.test").await;
            let statement = app.get("/pay/statements/r1/2026/4", Some(&r1)).await;
            assert!(
                statement
                    .body
                    .contains("/pay/statements/r1/2026/4/credits#std/new")
            );
            let credits = app
                .get("/pay/statements/r1/2026/4/credits", Some(&r1))
                .await;
            assert_eq!(credits.status, StatusCode::OK);
            for month in 1..=4 {
                assert!(
                    credits
                        .body
                        .contains(&format!("/pay/credits/r1/2026/{month}/bookings#direct")),
                    "month {month}"
                );
            }
            assert!(credits.body.contains("$95,000.00"), "the window so far");
            assert!(!credits.body.contains("class=\"alert"), "the months add up");

            let jan = app.get("/pay/credits/r1/2026/1/bookings", Some(&r1)).await;
            assert_eq!(jan.status, StatusCode::OK);
            for text in [
                "x1",
                "$50,000.00",
                "$35,000.00",
                "r2 30%",
                "owner r1 keeps the rest",
            ] {
                assert!(jan.body.contains(text), "{text}");
            }
            assert!(jan.body.contains("add up to exactly that"));
            let apr = app.get("/pay/credits/r1/2026/4/bookings", Some(&r1)).await;
            assert!(apr.body.contains("x4"));
            assert!(apr.body.contains("reverses x2"));
            assert!(apr.body.contains("\u{2212}$40,000.00"));

            // m1's override credit leads to r1's transaction.
            let m1 = app.sign_in("m1@x.test").await;
            let over = app.get("/pay/credits/m1/2026/1/bookings", Some(&m1)).await;
            assert_eq!(over.status, StatusCode::OK);
            let section = over.body.split("id=\"override\"").nth(1).unwrap();
            assert!(section.contains("x1") && section.contains("r1"));
            assert!(section.contains("$35,000.00"));
        });
    }
}

#[test]
fn a_rep_sees_only_their_own_statement_and_gets_404_for_anothers() {
    for app in TestApp::worked() {
        app.run(async {
            let ops = app.sign_in("ops@x.test").await;
            calculate(&app, &ops).await;
            let r3 = app.sign_in("r3@x.test").await;
            let missing = app.get("/pay/statements/nobody/2026/1", Some(&r3)).await;
            assert_eq!(missing.status, StatusCode::NOT_FOUND);
            for uri in [
                "/pay/statements/r1/2026/1",
                "/pay/statements/r1/2026/1/credits",
                "/pay/credits/r1/2026/1/bookings",
                "/pay/whatif/r1?month=2&amount=10",
                "/pay/statements?person=r1",
                "/pay/plan?person=r1",
            ] {
                let a = app.get(uri, Some(&r3)).await;
                assert_eq!(a.status, StatusCode::NOT_FOUND, "{uri}");
                assert_eq!(
                    a.body, missing.body,
                    "{uri}: the same answer as a missing person"
                );
            }
            let team = app.get("/pay/team?year=2026&month=1", Some(&r3)).await;
            assert!(!team.body.contains("R One"));
            let r1 = app.sign_in("r1@x.test").await;
            let own = app.get("/pay/statements", Some(&r1)).await;
            assert!(own.body.contains("/pay/statements/r1/2026/1"));
        });
    }
}

#[test]
fn a_manager_sees_their_teams_statements_and_payouts() {
    for app in TestApp::worked() {
        app.run(async {
            let ops = app.sign_in("ops@x.test").await;
            calculate(&app, &ops).await;
            let m1 = app.sign_in("m1@x.test").await;
            let statement = app.get("/pay/statements/r1/2026/3", Some(&m1)).await;
            assert_eq!(statement.status, StatusCode::OK);
            assert!(statement.body.contains("$3,450.00"));
            assert!(
                !statement.body.contains("Ask about this line"),
                "only the person raises inquiries"
            );
            let team = app
                .get("/pay/team?year=2026&month=3&view=ytd", Some(&m1))
                .await;
            assert!(team.body.contains("R One"));
            assert!(team.body.contains("$5,400.00"), "r1's year to date");
            assert!(!team.body.contains("Rosa Rep"));
            assert!(
                !team.body.contains("export.csv"),
                "exports are for sales ops"
            );
            assert!(
                team.body.contains("<strong>not accepted</strong>"),
                "the payout report shows who has not accepted their plan"
            );
            // The director no longer has r1 below him (the worked example moved m1).
            let dir = app.sign_in("dir@x.test").await;
            let a = app.get("/pay/statements/r1/2026/3", Some(&dir)).await;
            assert_eq!(a.status, StatusCode::NOT_FOUND);
            let everyone = app.get("/pay/team?year=2026&month=3", Some(&ops)).await;
            assert!(everyone.body.contains("R One") && everyone.body.contains("export.xlsx"));
        });
    }
}

/// Returns the stored (uncompressed) text of a file inside a ZIP written by the app.
fn zip_entry(zip: &[u8], name: &str) -> String {
    let mut i = 0;
    while i + 30 <= zip.len() && zip[i..i + 4] == *b"PK\x03\x04" {
        let le16 = |o: usize| usize::from(u16::from_le_bytes([zip[o], zip[o + 1]]));
        let size =
            u32::from_le_bytes([zip[i + 18], zip[i + 19], zip[i + 20], zip[i + 21]]) as usize;
        let (name_len, extra) = (le16(i + 26), le16(i + 28));
        let start = i + 30 + name_len + extra;
        if &zip[i + 30..i + 30 + name_len] == name.as_bytes() {
            return String::from_utf8(zip[start..start + size].to_vec()).unwrap();
        }
        i = start + size;
    }
    panic!("{name} is not in the archive");
}

#[test]
fn sales_ops_export_the_month_as_csv_and_xlsx_with_escaped_text_and_numeric_amounts() {
    for app in TestApp::worked() {
        app.import(&[(
            "adjustments.csv",
            "adjustment_id,person_id,year,month,amount,reason\nadj1,r1,2026,2,-25.50,=1+1\n",
        )]);
        app.run(async {
            let ops = app.sign_in("ops@x.test").await;
            calculate(&app, &ops).await;
            let (status, csv) = app
                .get_bytes("/pay/team/export.csv?year=2026&month=2", &ops)
                .await;
            assert_eq!(status, StatusCode::OK);
            let csv = String::from_utf8(csv).unwrap();
            assert!(csv.starts_with("person_id,name,year,month,line,"));
            assert!(
                csv.contains("r1,R One,2026,2,component,std,new,,75000.00,120000.00,0.625000,1950.00,0.00,1250.00,\n"),
                "{csv}"
            );
            assert!(
                csv.contains("r1,R One,2026,2,adjustment,,,adj1,,,,,,-25.50,'=1+1\n"),
                "the formula is escaped, the negative amount is not: {csv}"
            );

            let (status, xlsx) = app
                .get_bytes("/pay/team/export.xlsx?year=2026&month=2", &ops)
                .await;
            assert_eq!(status, StatusCode::OK);
            let sheet = zip_entry(&xlsx, "xl/worksheets/sheet1.xml");
            assert!(!sheet.contains("<f>"), "no formula anywhere");
            assert!(sheet.contains("s=\"1\"><v>1250.00</v>"), "{sheet}");
            assert!(sheet.contains("s=\"1\"><v>-25.50</v>"));
            assert!(sheet.contains("t=\"inlineStr\" s=\"2\"><is><t xml:space=\"preserve\">=1+1</t>"));
            let styles = zip_entry(&xlsx, "xl/styles.xml");
            assert!(styles.contains("formatCode=\"#,##0.00\"") && styles.contains("quotePrefix=\"1\""));

            for who in ["r1@x.test", "m1@x.test", "exec@x.test"] {
                let b = app.sign_in(who).await;
                for uri in [
                    "/pay/team/export.csv?year=2026&month=2",
                    "/pay/team/export.xlsx?year=2026&month=2",
                ] {
                    assert_eq!(app.get(uri, Some(&b)).await.status, StatusCode::FORBIDDEN, "{who} {uri}");
                }
            }
        });
    }
}

#[test]
fn what_if_shows_the_new_attainment_tier_and_payout_and_writes_nothing() {
    for app in TestApp::worked() {
        app.run(async {
            let ops = app.sign_in("ops@x.test").await;
            calculate(&app, &ops).await;
            let r1 = app.sign_in("r1@x.test").await;
            let token = app.token("r1@x.test");
            let before = row_counts(&app);
            let page = app
                .get(
                    "/pay/whatif/r1?year=2026&month=5&amount=25%2C000&metric=bookings",
                    Some(&r1),
                )
                .await;
            assert_eq!(page.status, StatusCode::OK);
            for text in [
                "79.2%",
                "100.0%",
                "band 2: 50%–100% of target, paid at 5%",
                "band 3: 100% and above of target, paid at 8%",
                "$1,250.00",
            ] {
                assert!(page.body.contains(text), "{text}");
            }
            let api = app
                .get_with_token(
                    "/api/v1/people/r1/whatif?year=2026&month=5&amount=25000.00",
                    &token,
                )
                .await
                .json();
            assert_eq!(api["deal"]["metric"], "bookings");
            assert_eq!(api["components"][0]["payout_today"], "0.00");
            assert_eq!(api["components"][0]["payout_with_deal"], "1250.00");
            assert_eq!(api["components"][0]["attainment_with_deal"], "1.000000");
            assert_eq!(api["year_difference"], "1250.00");
            assert_eq!(before, row_counts(&app), "what-if wrote nothing");
            let bad = app
                .get("/pay/whatif/r1?month=5&amount=lots", Some(&r1))
                .await;
            assert!(bad.body.contains("is not money"));
        });
    }
}

#[test]
fn plan_acceptance_is_stored_with_the_plan_version_and_a_plan_change_asks_again() {
    for app in TestApp::worked() {
        app.run(async {
            let r1 = app.sign_in("r1@x.test").await;
            let plan = app.get("/pay/plan?year=2026", Some(&r1)).await;
            assert!(plan.body.contains("not accepted"));
            assert!(plan.body.contains("50%") && plan.body.contains("8% of credit"));
            let version = hidden(&plan.body, "version").unwrap();
            let a = app
                .post(
                    "/pay/plan/accept",
                    &r1,
                    &[("year", "2026"), ("version", &version)],
                )
                .await;
            assert_eq!(a.status, StatusCode::SEE_OTHER);
            let stored = app.rows("SELECT person_id, plan_id, plan_hash FROM plan_acceptances");
            assert_eq!(stored.len(), 1);
            assert_eq!(stored[0].text(2).unwrap(), version);
            let audit = app.rows("SELECT actor FROM audit_log WHERE entity = 'plan_acceptance'");
            assert_eq!(audit[0].text(0).unwrap(), "r1@x.test");
            let plan = app.get("/pay/plan?year=2026", Some(&r1)).await;
            assert!(plan.body.contains("accepted 20"));
            assert!(!plan.body.contains("I have read this plan"));

            let ops = app.sign_in("ops@x.test").await;
            let report = app.get("/pay/acceptance?year=2026", Some(&ops)).await;
            assert!(report.body.contains("<strong>0</strong> of 1"));

            // Sales ops changes a rate: the acceptance no longer covers the plan in force.
            app.import(&[(
                "plan_tiers.csv",
                "plan_id,component,att_from,att_to,rate\nstd,new,1.0,,0.09\n",
            )]);
            let plan = app.get("/pay/plan?year=2026", Some(&r1)).await;
            assert!(plan.body.contains("the plan changed after the acceptance"));
            let report = app.get("/pay/acceptance?year=2026", Some(&ops)).await;
            assert!(report.body.contains("<strong>1</strong> of 1"));
            assert!(report.body.contains("R One"));
            // Accepting the old version is refused; the new one is stored beside the old.
            let stale = app
                .post(
                    "/pay/plan/accept",
                    &r1,
                    &[("year", "2026"), ("version", &version)],
                )
                .await;
            assert_eq!(stale.status, StatusCode::CONFLICT);
            let new_version = hidden(&plan.body, "version").unwrap();
            assert_ne!(new_version, version);
            app.post(
                "/pay/plan/accept",
                &r1,
                &[("year", "2026"), ("version", &new_version)],
            )
            .await;
            assert_eq!(app.count("plan_acceptances"), 2);
            // Only one's own plan is accepted: a manager sees r1's plan without the button.
            let m1 = app.sign_in("m1@x.test").await;
            let theirs = app.get("/pay/plan?person=r1&year=2026", Some(&m1)).await;
            assert_eq!(theirs.status, StatusCode::OK);
            assert!(!theirs.body.contains("I have read this plan"));
        });
    }
}

#[test]
fn an_inquiry_thread_resolves_with_an_adjustment_that_appears_on_the_next_calculation() {
    for app in TestApp::worked() {
        app.run(async {
            let ops = app.sign_in("ops@x.test").await;
            calculate(&app, &ops).await;
            let r1 = app.sign_in("r1@x.test").await;
            let statement = app.get("/pay/statements/r1/2026/3", Some(&r1)).await;
            assert!(statement.body.contains("Ask about this line"));
            let raised = app
                .post(
                    "/pay/inquiries",
                    &r1,
                    &[
                        ("person_id", "r1"),
                        ("year", "2026"),
                        ("month", "3"),
                        ("line", "std/new"),
                        ("body", "The March deal was 65,000, not 60,000."),
                    ],
                )
                .await;
            assert_eq!(raised.status, StatusCode::SEE_OTHER);
            let thread = raised.location().to_owned();
            let id = thread.rsplit('/').next().unwrap().to_owned();
            // Someone else's statement: refused.
            let r3 = app.sign_in("r3@x.test").await;
            let not_theirs = app
                .post(
                    "/pay/inquiries",
                    &r3,
                    &[("person_id", "r1"), ("year", "2026"), ("month", "3"), ("line", "std/new"), ("body", "?")],
                )
                .await;
            assert_eq!(not_theirs.status, StatusCode::NOT_FOUND);
            assert_eq!(app.get(&thread, Some(&r3)).await.status, StatusCode::NOT_FOUND);
            // The manager sees it; sales ops answers; the rep replies.
            let m1 = app.sign_in("m1@x.test").await;
            let list = app.get("/pay/inquiries", Some(&m1)).await;
            assert!(list.body.contains(&thread));
            let answer = app
                .post(&format!("{thread}/replies"), &ops, &[("body", "Checking the order form.")])
                .await;
            assert_eq!(answer.status, StatusCode::SEE_OTHER);
            let manager_reply = app
                .post(&format!("{thread}/replies"), &m1, &[("body", "me too")])
                .await;
            assert_eq!(manager_reply.status, StatusCode::FORBIDDEN);
            app.post(&format!("{thread}/replies"), &r1, &[("body", "Thanks.")])
                .await;
            // A resolution into a closed month is refused; into an open one it is written.
            app.exec(
                "INSERT INTO paid (person_id, plan_id, component, year, month, amount) VALUES ('r1', 'std', 'new', 2026, 1, 70000)",
                &[],
            );
            let refused = app
                .post(
                    &format!("{thread}/resolve"),
                    &ops,
                    &[("amount", "150.00"), ("month", "1"), ("body", "Missing 5,000 at 3 %")],
                )
                .await;
            assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
            assert!(refused.body.contains("is closed"));
            app.exec("DELETE FROM paid", &[]);
            let resolved = app
                .post(
                    &format!("{thread}/resolve"),
                    &ops,
                    &[("amount", "150.00"), ("month", "5"), ("body", "Missing 5,000 at 3 %")],
                )
                .await;
            assert_eq!(resolved.status, StatusCode::SEE_OTHER, "{}", resolved.body);
            let adj = app.rows("SELECT adjustment_id, person_id, month, amount, reason FROM adjustments");
            assert_eq!(adj.len(), 1);
            assert_eq!(adj[0].text(0).unwrap(), format!("inquiry-{id}"));
            assert_eq!((adj[0].int(2).unwrap(), adj[0].int(3).unwrap()), (5, 15_000));
            let audited = app.rows(
                "SELECT entity, action FROM audit_log WHERE entity IN ('inquiry', 'adjustment') ORDER BY audit_id",
            );
            let audited: Vec<(String, String)> = audited
                .iter()
                .map(|r| (r.string(0).unwrap(), r.string(1).unwrap()))
                .collect();
            assert!(audited.contains(&("adjustment".into(), "create".into())));
            assert!(audited.contains(&("inquiry".into(), "create".into())));
            let page = app.get(&thread, Some(&r1)).await;
            for text in ["resolved", "Checking the order form.", "Thanks.", "$150.00", "inquiry-"] {
                assert!(page.body.contains(text), "{text}");
            }
            assert!(!page.body.contains("<form method=\"post\" action=\"/pay/inquiries/"));
            // The adjustment is paid once the year is calculated again.
            let may = app.get("/pay/statements/r1/2026/5", Some(&r1)).await;
            assert!(may.body.contains("posted after the latest calculation"));
            calculate(&app, &ops).await;
            let may = app.get("/pay/statements/r1/2026/5", Some(&r1)).await;
            assert!(!may.body.contains("posted after the latest calculation"));
            assert!(may.body.contains(&format!("Inquiry {id}: Missing 5,000 at 3 %")));
            assert!(may.body.contains("$150.00"));
            // The API gives the whole thread.
            let token = app.token("m1@x.test");
            let api = app.get_with_token("/api/v1/inquiries", &token).await.json();
            assert_eq!(api["inquiries"][0]["status"], "resolved");
            assert_eq!(api["inquiries"][0]["messages"].as_array().unwrap().len(), 4);
            assert_eq!(api["inquiries"][0]["messages"][3]["amount"], "150.00");
        });
    }
}

#[test]
fn closing_shows_a_confirmation_then_locks_and_reopens_with_audit_records() {
    for app in TestApp::worked() {
        app.run(async {
            let ops = app.sign_in("ops@x.test").await;
            calculate(&app, &ops).await;
            let close = app.get("/pay/close?year=2026", Some(&ops)).await;
            assert!(close.body.contains("/pay/close/2026/2\">Close through"));
            let confirm = app.get("/pay/close/2026/2", Some(&ops)).await;
            assert_eq!(confirm.status, StatusCode::OK);
            for text in ["$700.00", "$1,250.00", "$1,950.00", "new", "Warnings of the calculation"] {
                assert!(confirm.body.contains(text), "{text}");
            }
            let run_id = hidden(&confirm.body, "run_id").unwrap();
            // Nothing is closed by looking.
            assert_eq!(app.count("paid"), 0);
            // Without the CSRF token nothing happens.
            let forged = app
                .post_form("/pay/close/2026/2/lock", &ops.cookie, &[("run_id", &run_id)])
                .await;
            assert_eq!(forged.status, StatusCode::FORBIDDEN);
            assert_eq!(app.count("paid"), 0);
            let locked = app
                .post("/pay/close/2026/2/lock", &ops, &[("run_id", &run_id)])
                .await;
            assert_eq!(locked.status, StatusCode::SEE_OTHER, "{}", locked.body);
            assert_eq!(app.count("paid"), 2);
            assert_eq!(app.count("closed_statements"), 2);
            let audit = app.rows(
                "SELECT action, entity_key, actor FROM audit_log WHERE entity = 'fiscal_month' ORDER BY audit_id",
            );
            assert_eq!(audit.len(), 2);
            assert_eq!(audit[1].text(1).unwrap(), "2026-02");
            assert_eq!(audit[1].text(2).unwrap(), "ops@x.test");
            // The closed statement is the one kept at closing.
            let r1 = app.sign_in("r1@x.test").await;
            let feb = app.get("/pay/statements/r1/2026/2", Some(&r1)).await;
            assert!(feb.body.contains("Kept at closing"));
            assert!(feb.body.contains("agrees with what was paid"));
            // A confirmation of an older calculation is refused.
            let again = app
                .post("/pay/close/2026/3/lock", &ops, &[("run_id", &run_id)])
                .await;
            assert_eq!(again.status, StatusCode::CONFLICT);
            assert_eq!(app.count("paid"), 2);
            // Only the latest closed month reopens, and only with a reason.
            let jan = app
                .post("/pay/close/2026/1/unlock", &ops, &[("reason", "wrong")])
                .await;
            assert_eq!(jan.status, StatusCode::UNPROCESSABLE_ENTITY);
            assert!(jan.body.contains("only month 2 can be unlocked"));
            let no_reason = app
                .post("/pay/close/2026/2/unlock", &ops, &[("reason", " ")])
                .await;
            assert_eq!(no_reason.status, StatusCode::UNPROCESSABLE_ENTITY);
            let reopened = app
                .post("/pay/close/2026/2/unlock", &ops, &[("reason", "February deal re-dated")])
                .await;
            assert_eq!(reopened.status, StatusCode::SEE_OTHER);
            assert_eq!(app.count("paid"), 1);
            let unlock = app.rows(
                "SELECT after_json FROM audit_log WHERE entity = 'fiscal_month' AND action = 'unlock'",
            );
            assert!(unlock[0].text(0).unwrap().contains("February deal re-dated"));
            let close = app.get("/pay/close?year=2026&done=unlocked", Some(&ops)).await;
            assert!(close.body.contains("Reopen Jan"));
        });
    }
}

#[test]
fn a_closed_statement_flags_when_todays_calculation_differs() {
    for app in TestApp::worked() {
        app.run(async {
            let ops = app.sign_in("ops@x.test").await;
            calculate(&app, &ops).await;
            let confirm = app.get("/pay/close/2026/2", Some(&ops)).await;
            let run_id = hidden(&confirm.body, "run_id").unwrap();
            app.post("/pay/close/2026/2/lock", &ops, &[("run_id", &run_id)])
                .await;
            // A February booking arrives after February was paid.
            app.import(&[(
                "transactions.csv",
                "transaction_id,date,kind,amount,owner_id\nx5,2026-02-20,booking,10000.00,r1\n",
            )]);
            let stale = app.get("/pay/close?year=2026", Some(&ops)).await;
            assert!(stale.body.contains("recalculate before closing"));
            calculate(&app, &ops).await;
            let r1 = app.sign_in("r1@x.test").await;
            let feb = app.get("/pay/statements/r1/2026/2", Some(&r1)).await;
            assert!(
                feb.body
                    .contains("Today's calculation differs from what was paid")
            );
            // 85,000 of 120,000 → 1,200 + 0.05 × 25,000 = 2,450 earned; 1,950 paid.
            assert!(
                feb.body
                    .contains("$2,450.00 to date through this month; $1,950.00 was paid")
            );
            let mar = app.get("/pay/statements/r1/2026/3", Some(&r1)).await;
            assert!(mar.body.contains("Prior-period adjustment"));
            assert!(mar.body.contains("Change to closed months 1–2"));
            assert!(mar.body.contains("$500.00"));
        });
    }
}

#[test]
fn the_payroll_export_of_a_closed_month_lists_each_persons_pay() {
    for app in TestApp::worked() {
        app.run(async {
            let ops = app.sign_in("ops@x.test").await;
            calculate(&app, &ops).await;
            assert_eq!(
                app.get("/pay/close/2026/1/payroll.csv", Some(&ops))
                    .await
                    .status,
                StatusCode::NOT_FOUND,
                "an open month has no payroll file"
            );
            let confirm = app.get("/pay/close/2026/1", Some(&ops)).await;
            let run_id = hidden(&confirm.body, "run_id").unwrap();
            app.post("/pay/close/2026/1/lock", &ops, &[("run_id", &run_id)])
                .await;
            let (status, csv) = app.get_bytes("/pay/close/2026/1/payroll.csv", &ops).await;
            assert_eq!(status, StatusCode::OK);
            assert_eq!(
                String::from_utf8(csv).unwrap(),
                "person_id,name,email,amount,currency\nr1,R One,r1@x.test,700.00,USD\n"
            );
            let m1 = app.sign_in("m1@x.test").await;
            assert_eq!(
                app.get("/pay/close/2026/1/payroll.csv", Some(&m1))
                    .await
                    .status,
                StatusCode::FORBIDDEN
            );
        });
    }
}
