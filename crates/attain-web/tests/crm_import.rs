//! The CRM import: a CRM-style export with unfamiliar column names goes through the upload,
//! mapping, preview and import steps; a second upload changes nothing; the mapping is
//! remembered; problems are named by the export's own lines and columns and nothing is written.
#![allow(clippy::unwrap_used)]

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use common::{Browser, TestApp};

/// A Salesforce-style opportunity report whose column names Attain does not guess.
const REPORT: &str = "\u{feff}\"Deal Reference\",\"Deal\",\"Customer\",\"Rep\",\"Phase\",\"Value\",\"Opened\",\"Expected Close\",\"Forecast\"\r\n\
\"0065g01\",\"Acme, renewal\",\"Acme\",\"Rita Rep\",\"Negotiation/Review\",\"$12,500.00\",\"10/01/2026\",\"11/27/2026\",\"Best Case\"\r\n\
\"0065g02\",\"Globex platform\",\"globex\",\"r3@X.test\",\"Id. Decision Makers\",\"USD 40,000\",\"09/15/2026\",\"12/15/2026\",\"Pipeline\"\r\n\
\r\n\
\"Total\",\"\",\"\",\"\",\"\",\"$52,500.00\"\r\n\
\"Confidential Information - Do Not Distribute\"\r\n";

/// The mapping form as sales ops fills it for [`REPORT`].
const MAPPING: &[(&str, &str)] = &[
    ("col.opportunity_id", "Deal Reference"),
    ("col.name", "Deal"),
    ("col.account_name", "Customer"),
    ("col.owner", "Rep"),
    ("col.stage", "Phase"),
    ("col.amount", "Value"),
    ("col.created_date", "Opened"),
    ("col.close_date", "Expected Close"),
    ("col.forecast_category", "Forecast"),
    ("vfrom.stage.1", "Negotiation/Review"),
    ("vto.stage.1", "negotiation"),
    ("vfrom.stage.2", "Id. Decision Makers"),
    ("vto.stage.2", "qualification"),
    ("dates", "month_first"),
    ("decimal", "point"),
];

/// A multipart body with the CSRF token, a kind and one file.
fn upload_body(
    csrf: Option<&str>,
    fields: &[(&str, &str)],
    file: (&str, &str),
) -> (String, Vec<u8>) {
    let boundary = "XcrmBoundaryX";
    let mut body = String::new();
    let mut all: Vec<(&str, &str)> = csrf.map(|c| ("csrf", c)).into_iter().collect();
    all.extend_from_slice(fields);
    for (k, v) in all {
        body.push_str(&format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n"
        ));
    }
    body.push_str(&format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{}\"\r\n\
         Content-Type: text/csv\r\n\r\n{}\r\n--{boundary}--\r\n",
        file.0, file.1
    ));
    (
        format!("multipart/form-data; boundary={boundary}"),
        body.into_bytes(),
    )
}

/// Uploads an export as a browser; returns the mapping page's URL.
async fn upload(app: &TestApp, who: &Browser, name: &str, text: &str) -> String {
    let (ct, body) = upload_body(Some(&who.csrf), &[("kind", "opportunities")], (name, text));
    let req = Request::post("/admin/crm-import")
        .header(header::COOKIE, &who.cookie)
        .header(header::CONTENT_TYPE, ct)
        .body(Body::from(body))
        .unwrap();
    let a = app.send(req).await;
    assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.body);
    a.location().to_owned()
}

/// Everything the import could touch, for before/after comparisons.
fn snapshot(app: &TestApp) -> Vec<String> {
    let mut out = Vec::new();
    for sql in [
        "SELECT opportunity_id, account_id, owner_id, name, stage, amount, margin, created_date, close_date, forecast_category, type FROM opportunities ORDER BY opportunity_id",
        "SELECT opportunity_id, stage, entered_date FROM stage_history ORDER BY opportunity_id, stage, entered_date",
        "SELECT COUNT(*) FROM audit_log",
    ] {
        for r in app.rows(sql) {
            out.push(format!("{:?}", r.into_values()));
        }
    }
    out
}

#[test]
fn a_crm_report_with_unfamiliar_columns_imports_through_the_mapping_page_and_a_second_upload_changes_nothing()
 {
    for app in TestApp::all() {
        let before = snapshot(&app);
        app.run(async {
            let ops = app.sign_in("ops@x.test").await;
            let page = upload(&app, &ops, "pipeline.csv", REPORT).await;
            let a = app.get(&page, Some(&ops)).await;
            assert_eq!(a.status, StatusCode::OK);
            assert!(
                a.body.contains("Guessed from the column names"),
                "{}",
                a.body
            );
            assert!(a.body.contains("2 opportunity record(s)"), "{}", a.body);
            assert!(a.body.contains("the 2 line(s) after the first blank line"));

            let a = app.post(&format!("{page}/preview"), &ops, MAPPING).await;
            assert_eq!(a.status, StatusCode::OK, "{}", a.body);
            assert!(a.body.contains("Nothing is written until you confirm"));
            assert!(a.body.contains("0065g02"));
            assert_eq!(app.count("opportunities"), 1, "the preview wrote nothing");

            let a = app.post(&format!("{page}/import"), &ops, &[]).await;
            assert_eq!(a.status, StatusCode::OK, "{}", a.body);
            assert!(a.body.contains("Imported."), "{}", a.body);
        });
        assert_eq!(app.count("opportunities"), 3);
        let o = app.rows(
            "SELECT account_id, owner_id, name, stage, amount, close_date, forecast_category
             FROM opportunities WHERE opportunity_id = '0065g02'",
        );
        assert_eq!(
            format!("{:?}", o[0].clone().into_values()),
            format!(
                "{:?}",
                app.rows(
                    "SELECT 'a2', 'r3', 'Globex platform', 'qualification', 4000000, close_date, 'pipeline'
                     FROM opportunities WHERE opportunity_id = '0065g02'"
                )[0]
                .clone()
                .into_values()
            )
        );
        assert_eq!(app.count("stage_history"), 2);
        let audit = app.rows("SELECT action, entity FROM audit_log ORDER BY audit_id DESC");
        assert_eq!(audit[0].string(0).unwrap(), "crm_import");
        assert_ne!(snapshot(&app), before);

        // The same export again: the mapping is remembered, and importing changes nothing.
        let after_first = snapshot(&app);
        app.run(async {
            let ops = app.sign_in("ops@x.test").await;
            let page = upload(&app, &ops, "pipeline.csv", REPORT).await;
            let a = app.get(&page, Some(&ops)).await;
            assert!(a.body.contains("Remembered for this report"), "{}", a.body);
            assert!(
                a.body
                    .contains("<option value=\"Deal Reference\" selected>")
            );
            assert!(a.body.contains("<option selected>qualification</option>"));
            let a = app.post(&format!("{page}/preview"), &ops, MAPPING).await;
            assert_eq!(a.status, StatusCode::OK, "{}", a.body);
            assert!(a.body.contains("importing changes nothing"), "{}", a.body);
            let a = app.post(&format!("{page}/import"), &ops, &[]).await;
            assert_eq!(a.status, StatusCode::OK, "{}", a.body);
            assert!(a.body.contains("Nothing changed"), "{}", a.body);
        });
        assert_eq!(
            snapshot(&app),
            after_first,
            "the second upload changed data"
        );
    }
}

#[test]
fn an_export_without_a_record_id_column_is_refused_with_the_reason() {
    for app in TestApp::all() {
        app.run(async {
            let ops = app.sign_in("ops@x.test").await;
            let text = REPORT.replace("Deal Reference", "Row");
            let page = upload(&app, &ops, "pipeline.csv", &text).await;
            let fields: Vec<(&str, &str)> = MAPPING
                .iter()
                .copied()
                .filter(|(k, _)| *k != "col.opportunity_id")
                .collect();
            let a = app.post(&format!("{page}/preview"), &ops, &fields).await;
            assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY);
            assert!(a.body.contains("no column for the record id"), "{}", a.body);
            assert!(a.body.contains("could not find the records"));
            // Importing without a previewed mapping goes back to the mapping page.
            let a = app.post(&format!("{page}/import"), &ops, &[]).await;
            assert_eq!(a.status, StatusCode::SEE_OTHER);
        });
        assert_eq!(app.count("opportunities"), 1);
    }
}

#[test]
fn bad_amounts_dates_and_unknown_or_ambiguous_owners_are_named_by_line_and_nothing_is_written() {
    for app in TestApp::all() {
        app.import(&[(
            "people.csv",
            "person_id,name,email,role,manager_id,territory_id\nr8,Rita Rep,rita2@x.test,rep,m1,east1\n",
        )]);
        let text = REPORT
            .replace("\"USD 40,000\"", "\"40.000.5\"")
            .replace("\"12/15/2026\"", "\"15/12/2026\"")
            .replace("\"r3@X.test\"", "\"nobody@x.test\"");
        let data = |app: &TestApp| {
            let mut s = snapshot(app);
            s.pop(); // The audit log gains the remembered mapping.
            s
        };
        let before = data(&app);
        app.run(async {
            let ops = app.sign_in("ops@x.test").await;
            let page = upload(&app, &ops, "pipeline.csv", &text).await;
            let a = app.post(&format!("{page}/preview"), &ops, MAPPING).await;
            assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", a.body);
            for e in [
                "pipeline.csv:2: Rep: &#39;Rita Rep&#39; is the name of 2 people (r1, r8); use the email instead",
                "pipeline.csv:3: Rep: &#39;nobody@x.test&#39; matches no person by email",
                "pipeline.csv:3: Value: &#39;40.000.5&#39; is not an amount",
                "pipeline.csv:3: Expected Close: &#39;15/12/2026&#39; is not a date",
            ] {
                assert!(a.body.contains(e), "missing {e}:\n{}", a.body);
            }
            assert!(!a.body.contains("action=\"/admin/crm-import/"), "no import button");
        });
        assert_eq!(data(&app), before);
    }
}

#[test]
fn the_api_imports_through_a_mapping_dry_run_first_and_is_idempotent() {
    for app in TestApp::all() {
        let token = app.token("ops@x.test");
        let mapping = serde_json::json!({
            "columns": {
                "opportunity_id": "Deal Reference", "name": "Deal", "account_name": "Customer",
                "owner": "Rep", "stage": "Phase", "amount": "Value", "created_date": "Opened",
                "close_date": "Expected Close"
            },
            "values": {"stage": {"Id. Decision Makers": "qualification"}},
            "dates": "month_first"
        })
        .to_string();
        let send = |dry: &'static str, text: String| {
            let (ct, body) = upload_body(
                None,
                &[
                    ("kind", "opportunities"),
                    ("mapping", &mapping),
                    ("dry_run", dry),
                ],
                ("pipeline.csv", &text),
            );
            Request::post("/api/v1/crm-imports")
                .header(header::AUTHORIZATION, format!("Bearer {token}"))
                .header(header::CONTENT_TYPE, ct)
                .body(Body::from(body))
                .unwrap()
        };
        app.run(async {
            let a = app.send(send("true", REPORT.to_owned())).await;
            assert_eq!(a.status, StatusCode::OK, "{}", a.body);
            assert_eq!(a.json()["records"]["created"], 2);
            assert_eq!(a.json()["written"], false);
            assert_eq!(app.count("opportunities"), 1);

            let a = app.send(send("false", REPORT.to_owned())).await;
            assert_eq!(a.json()["written"], true, "{}", a.body);
            assert_eq!(app.count("opportunities"), 3);
            let audits = app.count("audit_log");

            let a = app.send(send("false", REPORT.to_owned())).await;
            assert_eq!(a.json()["written"], false, "{}", a.body);
            assert_eq!(a.json()["records"]["unchanged"], 2);
            assert_eq!(app.count("audit_log"), audits);

            // A stage change adds exactly one stage history row.
            let history = app.count("stage_history");
            let moved = REPORT.replace("Negotiation/Review", "Closed Won");
            let a = app.send(send("false", moved)).await;
            assert_eq!(a.json()["records"]["updated"], 1, "{}", a.body);
            assert_eq!(app.count("stage_history"), history + 1);

            let bad = REPORT.replace("\"Rita Rep\"", "\"Nobody\"");
            let a = app.send(send("false", bad)).await;
            assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY);
            assert_eq!(
                a.json()["errors"][0],
                "pipeline.csv:2: Rep: 'Nobody' matches no person by name"
            );
        });
    }
}

#[test]
fn an_upload_is_only_found_by_the_user_who_sent_it() {
    for app in TestApp::all() {
        app.run(async {
            let ops = app.sign_in("ops@x.test").await;
            let page = upload(&app, &ops, "pipeline.csv", REPORT).await;
            let token = page.rsplit('/').next().unwrap().to_owned();
            app.exec(
                "UPDATE crm_uploads SET user_id = user_id + 1000 WHERE token = $1",
                &[token.into()],
            );
            let a = app.get(&page, Some(&ops)).await;
            assert_eq!(a.status, StatusCode::NOT_FOUND);
        });
    }
}

#[test]
fn the_mapping_page_lists_the_values_of_the_chosen_stage_column_with_guesses() {
    for app in TestApp::all() {
        app.run(async {
            let ops = app.sign_in("ops@x.test").await;
            let page = upload(&app, &ops, "pipeline.csv", REPORT).await;
            let a = app.get(&page, Some(&ops)).await;
            assert!(!a.body.contains("Id. Decision Makers</label>"));
            let a = app
                .post(
                    &format!("{page}/preview"),
                    &ops,
                    &[("col.stage", "Phase"), ("action", "values")],
                )
                .await;
            assert_eq!(a.status, StatusCode::OK, "{}", a.body);
            assert!(a.body.contains("Id. Decision Makers</label>"), "{}", a.body);
            assert!(a.body.contains("<option selected>needs_analysis</option>"));
            assert!(a.body.contains("<option selected>negotiation</option>"));
            assert!(a.body.contains("no column for the record id"));
        });
        assert_eq!(app.count("crm_mappings"), 0, "nothing remembered");
    }
}
