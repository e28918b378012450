//! A CRM export taken in through a mapping: matched, translated, checked by the dataset rules,
//! reported against the export's own lines, and idempotent.

#![allow(clippy::unwrap_used)]

mod common;

use attain_dataset::crm::{self, Mapping, Mode, RecordKind, Status};
use common::*;

const TODAY: &str = "2026-11-27";

/// A Salesforce-style opportunity report: its own column names, US dates, dollar amounts, a
/// summary footer.
const REPORT: &str = "\u{feff}\"Opportunity Owner\",\"Account Name\",\"Opportunity Name\",\"Stage\",\"Amount\",\"Close Date\",\"Created Date\",\"Opportunity ID\",\"Forecast Category\"\r\n\
\"Rob\",\"Acme\",\"Acme, renewal\",\"Prospecting\",\"$12,500.00\",\"11/27/2026\",\"10/01/2026\",\"0065g00000AbCdE\",\"Pipeline\"\r\n\
\"ria@X.test\",\"beta\",\"Beta platform\",\"Negotiation/Review\",\"USD 40,000\",\"12/15/2026\",\"09/15/2026\",\"0065g00000FgHiJ\",\"Best Case\"\r\n\
\r\n\
\"Total\",\"\",\"\",\"\",\"$52,500.00\"\r\n\
\"Confidential Information - Do Not Distribute\"\r\n";

fn today() -> attain_domain::Date {
    attain_domain::parse_date(TODAY).unwrap()
}

fn read(text: &str) -> crm::Export {
    crm::read("pipeline.csv", text.as_bytes()).unwrap()
}

fn run(
    db: &attain_store::testing::TestDb,
    text: &str,
    mode: Mode<'_>,
) -> Result<crm::Summary, crm::Refusal> {
    let export = read(text);
    let mapping = Mapping::guess(RecordKind::Opportunities, &export.header);
    crm::run(
        db,
        RecordKind::Opportunities,
        &export,
        &mapping,
        today(),
        mode,
    )
    .unwrap()
}

fn count(db: &attain_store::testing::TestDb, table: &str) -> i64 {
    use attain_store::Executor;
    db.conn()
        .unwrap()
        .query_one(&format!("SELECT COUNT(*) FROM {table}"), &[])
        .unwrap()
        .int(0)
        .unwrap()
}

#[test]
fn a_crm_report_imports_once_and_a_second_upload_changes_nothing() {
    each_db(|db| {
        import_ok(db, BASE);
        let preview = run(db, REPORT, Mode::Preview).unwrap();
        assert_eq!(preview.rows.len(), 2);
        assert!(preview.rows.iter().all(|r| r.status == Status::Created));
        assert_eq!(preview.footer_records, 2);
        assert_eq!(count(db, "opportunities"), 0, "a preview writes nothing");

        let first = run(db, REPORT, Mode::Import { actor: "ops" }).unwrap();
        assert!(first.written);
        assert_eq!(count(db, "opportunities"), 2);
        assert_eq!(count(db, "stage_history"), 2);
        let stored = export(db);
        assert!(
            stored["opportunities.csv"].contains(
                "0065g00000FgHiJ,a2,r2,Beta platform,negotiation,40000.00,,2026-09-15,2026-12-15,best_case"
            ),
            "{}",
            stored["opportunities.csv"]
        );
        let audits = count(db, "audit_log");

        let second = run(db, REPORT, Mode::Import { actor: "ops" }).unwrap();
        assert!(!second.written);
        assert!(second.is_no_op());
        assert!(second.rows.iter().all(|r| r.status == Status::Unchanged));
        assert_eq!(export(db), stored, "the second upload changed the data");
        assert_eq!(count(db, "audit_log"), audits, "no audit row for no change");
    });
}

#[test]
fn a_stage_change_on_re_import_adds_one_stage_history_row() {
    each_db(|db| {
        import_ok(db, BASE);
        run(db, REPORT, Mode::Import { actor: "ops" }).unwrap();
        let moved = REPORT.replace("\"Prospecting\"", "\"Closed Won\"");
        let preview = run(db, &moved, Mode::Preview).unwrap();
        let changed: Vec<_> = preview
            .rows
            .iter()
            .filter(|r| r.status == Status::Updated)
            .collect();
        assert_eq!(changed.len(), 1);
        assert!(changed[0].stage_entered);
        assert_eq!(changed[0].changes, vec!["stage: prospecting → closed_won"]);
        run(db, &moved, Mode::Import { actor: "ops" }).unwrap();
        assert_eq!(count(db, "stage_history"), 3);
        run(db, &moved, Mode::Import { actor: "ops" }).unwrap();
        assert_eq!(count(db, "stage_history"), 3);
    });
}

#[test]
fn bad_amounts_dates_and_owners_are_named_by_export_line_and_nothing_is_written() {
    each_db(|db| {
        import_ok(db, BASE);
        let bad = REPORT
            .replace("\"$12,500.00\"", "\"12,5x\"")
            .replace("\"12/15/2026\"", "\"12/45/2026\"")
            .replace("\"ria@X.test\"", "\"Nobody\"");
        let refusal = run(db, &bad, Mode::Import { actor: "ops" }).unwrap_err();
        assert!(!refusal.mapping);
        assert_errors(
            &refusal.errors,
            &[
                "pipeline.csv:2: Amount: '12,5x' is not an amount",
                "pipeline.csv:3: Close Date: '12/45/2026' is not a date",
                "pipeline.csv:3: Opportunity Owner: 'Nobody' matches no person by name",
            ],
        );
        assert_eq!(count(db, "opportunities"), 0);
    });
}

#[test]
fn an_owner_whose_name_two_people_share_is_an_error_asking_for_the_email() {
    each_db(|db| {
        import_ok(db, BASE);
        import_ok(
            db,
            &[(
                "people.csv",
                "person_id,name,email,role,manager_id,territory_id
                 r9,Rob,rob9@x.test,rep,m1,t1",
            )],
        );
        let refusal = run(db, REPORT, Mode::Preview).unwrap_err();
        assert_errors(
            &refusal.errors,
            &[
                "pipeline.csv:2: Opportunity Owner: 'Rob' is the name of 2 people (r1, r9); use the email",
            ],
        );
    });
}

#[test]
fn an_export_without_a_record_id_column_is_refused_with_the_reason() {
    each_db(|db| {
        import_ok(db, BASE);
        let text = REPORT.replace("\"Opportunity ID\"", "\"Row\"");
        let refusal = run(db, &text, Mode::Preview).unwrap_err();
        assert!(refusal.mapping);
        assert!(
            refusal.errors[0].contains("no column for the record id"),
            "{:?}",
            refusal.errors
        );
    });
}

#[test]
fn a_problem_found_by_the_dataset_checks_names_the_export_line_and_column() {
    each_db(|db| {
        import_ok(db, BASE);
        let text = "Task ID,Assigned,Activity Type,Date,Subject,Opportunity ID\n\
                    00T1,Rob,Call,11/20/2026,Intro,\n\
                    00T2,ria@x.test,Phone,11/21/2026,Follow-up,0065NOPE\n";
        let export = crm::read("tasks.csv", text.as_bytes()).unwrap();
        let mapping = Mapping::guess(RecordKind::Activities, &export.header);
        let refusal = crm::run(
            db,
            RecordKind::Activities,
            &export,
            &mapping,
            today(),
            Mode::Preview,
        )
        .unwrap()
        .unwrap_err();
        assert_errors(&refusal.errors, &["tasks.csv:3: Opportunity ID: "]);
        let fixed = text.replace("0065NOPE", "");
        let export = crm::read("tasks.csv", fixed.as_bytes()).unwrap();
        let done = crm::run(
            db,
            RecordKind::Activities,
            &export,
            &mapping,
            today(),
            Mode::Import { actor: "ops" },
        )
        .unwrap()
        .unwrap();
        assert_eq!(done.counts[0].inserted, 2);
        assert!(export_has(db, "00T2,r2,2026-11-21,call"));
    });
}

fn export_has(db: &attain_store::testing::TestDb, line: &str) -> bool {
    export(db)["activities.csv"].contains(line)
}

#[test]
fn an_account_report_places_new_accounts_in_the_owners_territory_and_keeps_stored_ones() {
    each_db(|db| {
        import_ok(db, BASE);
        let text = "Account ID,Account Name,Account Owner,Industry,Employees,Annual Revenue\n\
                    001A,Initech,Ria,Software,\"1,200\",\"$5,000,000.00\"\n\
                    a1,Acme,ria@x.test,Manufacturing,,\n";
        let export = crm::read("accounts-report.csv", text.as_bytes()).unwrap();
        let mapping = Mapping::guess(RecordKind::Accounts, &export.header);
        let go = |mode| {
            crm::run(db, RecordKind::Accounts, &export, &mapping, today(), mode)
                .unwrap()
                .unwrap()
        };
        let first = go(Mode::Import { actor: "ops" });
        assert!(first.written);
        let accounts = export_of(db, "accounts.csv");
        assert!(
            accounts.contains("001A,Initech,t2,Software,,1200,5000000.00,,r2,"),
            "{accounts}"
        );
        assert!(accounts.contains("a1,Acme,t1,Manufacturing,"), "{accounts}");
        let second = go(Mode::Import { actor: "ops" });
        assert!(!second.written);
        assert!(second.rows.iter().all(|r| r.status == Status::Unchanged));
        assert_eq!(export_of(db, "accounts.csv"), accounts);

        let orphan = "Account ID,Account Name\n001B,Hooli\n";
        let export = crm::read("accounts-report.csv", orphan.as_bytes()).unwrap();
        let mapping = Mapping::guess(RecordKind::Accounts, &export.header);
        let refusal = crm::run(
            db,
            RecordKind::Accounts,
            &export,
            &mapping,
            today(),
            Mode::Preview,
        )
        .unwrap()
        .unwrap_err();
        assert_errors(
            &refusal.errors,
            &["accounts-report.csv:2: territory_id: is empty and the owner has no home territory"],
        );
    });
}

fn export_of(db: &attain_store::testing::TestDb, file: &str) -> String {
    export(db)[file].clone()
}
