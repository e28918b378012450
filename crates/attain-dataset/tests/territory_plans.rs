//! Territory plans (territory_plans.csv, plan_sections.csv, plan_key_accounts.csv): imported,
//! exported in key order and back unchanged, and refused with the line and column of a bad
//! status, a missing date, a text too long for the page or a plan that does not exist, on
//! every database.

mod common;

use common::*;

const PLANS: File = (
    "territory_plans.csv",
    "person_id,year,status,version,submitted_date,agreed_date,agreed_by_id,manager_comment
     r2,2026,draft,1,,,,
     r1,2026,agreed,2,2026-01-20,2026-01-25,m1,\"Good, keep going\"",
);

const SECTIONS: File = (
    "plan_sections.csv",
    "person_id,year,section,text
     r1,2026,objectives,Two new logos
     r1,2026,channel_management,\"Resellers: two, vetted\"
     r2,2026,new_business,",
);

const KEYS: File = (
    "plan_key_accounts.csv",
    "person_id,year,account_id,strategy
     r1,2026,a2,Reference visit
     r1,2026,a1,Pilot with the CFO",
);

#[test]
fn territory_plans_import_and_export_in_key_order_and_round_trip() {
    each_db(|db| {
        import_ok(db, BASE);
        import_ok(db, &[PLANS, SECTIONS, KEYS]);
        let once = export(db);
        assert_eq!(
            once["territory_plans.csv"],
            "person_id,year,status,version,submitted_date,agreed_date,agreed_by_id,manager_comment\n\
             r1,2026,agreed,2,2026-01-20,2026-01-25,m1,\"Good, keep going\"\n\
             r2,2026,draft,1,,,,\n"
        );
        assert_eq!(
            once["plan_sections.csv"],
            "person_id,year,section,text\n\
             r1,2026,channel_management,\"Resellers: two, vetted\"\n\
             r1,2026,objectives,Two new logos\n\
             r2,2026,new_business,\n"
        );
        assert_eq!(
            once["plan_key_accounts.csv"],
            "person_id,year,account_id,strategy\n\
             r1,2026,a1,Pilot with the CFO\n\
             r1,2026,a2,Reference visit\n"
        );
        let fresh = fresh_like(db);
        import_ok(
            &fresh,
            &once
                .iter()
                .map(|(n, t)| (n.as_str(), t.as_str()))
                .collect::<Vec<_>>(),
        );
        assert_eq!(export(&fresh), once);
    });
}

#[test]
fn a_bad_status_a_missing_date_and_a_self_agreement_are_refused_by_line() {
    each_db(|db| {
        import_ok(db, BASE);
        let errors = refused(
            db,
            &[(
                "territory_plans.csv",
                "person_id,year,status,version,submitted_date,agreed_date,agreed_by_id
                 r1,2026,approved,1,,,
                 r2,2026,submitted,1,,,
                 m1,2026,agreed,1,2026-01-02,2026-01-03,m1",
            )],
        );
        assert_errors(
            &errors,
            &[
                "territory_plans.csv:2: status: 'approved' is not one of draft, submitted, agreed",
                "territory_plans.csv:3: submitted_date: is required once a plan is submitted or agreed",
                "territory_plans.csv:4: agreed_by_id: is the plan's own salesperson; nobody agrees \
                 their own plan",
            ],
        );
    });
}

#[test]
fn texts_too_long_for_the_page_and_rows_of_no_plan_are_refused() {
    each_db(|db| {
        import_ok(db, BASE);
        let long = "x".repeat(601);
        let sections = format!(
            "person_id,year,section,text\nr1,2026,objectives,{long}\nr1,2026,vision,Hi\nr2,2026,objectives,Hi\n"
        );
        let errors = refused(
            db,
            &[
                (
                    "territory_plans.csv",
                    "person_id,year,status,version
                     r1,2026,draft,1",
                ),
                ("plan_sections.csv", sections.as_str()),
            ],
        );
        assert_errors(
            &errors,
            &[
                "plan_sections.csv:2: text: has 601 characters; a territory plan keeps it to 600",
                "plan_sections.csv:3: section: 'vision' is not one of objectives, new_business",
                "plan_sections.csv:4: ",
            ],
        );
    });
}
