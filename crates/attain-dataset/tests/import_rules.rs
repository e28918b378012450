//! The rules of dataset.md beyond cell kinds and references (docs/dataset-rules.md): each is
//! refused with the file, line and column of the row at fault, on every database.

mod common;

use common::*;

// settings.csv

#[test]
fn a_setting_key_must_be_one_dataset_md_defines() {
    each_db(|db| {
        let errors = refused(
            db,
            &[(
                "settings.csv",
                "key,value
                 company_name,Acme
                 colour,red",
            )],
        );

        assert_errors(
            &errors,
            &[
                "settings.csv:3: key: 'colour' is not a setting; the settings are company_name, \
               currency, fiscal_year_start_month, fiscal_year_named_by",
            ],
        );
    });
}

#[test]
fn setting_values_take_the_form_of_their_key() {
    each_db(|db| {
        let errors = refused(
            db,
            &[(
                "settings.csv",
                "key,value
                 currency,usd
                 fiscal_year_start_month,13
                 fiscal_year_named_by,middle",
            )],
        );

        assert_errors(
            &errors,
            &[
                "settings.csv:2: value: 'usd' is not a currency code",
                "settings.csv:3: value: '13' is not a month number from 1 to 12",
                "settings.csv:4: value: 'middle' is not start or end",
            ],
        );
    });
}

// territories.csv

#[test]
fn a_second_territory_without_a_parent_is_refused() {
    each_db(|db| {
        import_ok(db, BASE);

        let errors = refused(
            db,
            &[(
                "territories.csv",
                "territory_id,name,parent_id
                 t3,West,co
                 emea,EMEA,",
            )],
        );

        assert_errors(
            &errors,
            &["territories.csv:3: parent_id: is empty, but so is the parent_id of 'co'"],
        );
    });
}

#[test]
fn territories_without_a_root_are_refused_with_their_cycle() {
    each_db(|db| {
        let errors = refused(
            db,
            &[(
                "territories.csv",
                "territory_id,name,parent_id
                 a,A,b
                 b,B,a",
            )],
        );

        assert_errors(
            &errors,
            &[
                "territories.csv: no territory has an empty parent_id",
                "territories.csv:2: parent_id: makes a cycle: a → b → a",
            ],
        );
    });
}

#[test]
fn a_territory_cycle_is_named_on_a_row_in_the_cycle() {
    each_db(|db| {
        import_ok(db, BASE);

        let errors = refused(
            db,
            &[(
                "territories.csv",
                "territory_id,name,parent_id
                 t3,West,t1
                 t1,North,t3",
            )],
        );

        assert_errors(
            &errors,
            &["territories.csv:3: parent_id: makes a cycle: t1 → t3 → t1"],
        );
    });
}

#[test]
fn a_territory_cannot_be_its_own_parent() {
    each_db(|db| {
        import_ok(db, BASE);

        let errors = refused(
            db,
            &[(
                "territories.csv",
                "territory_id,name,parent_id
                 t3,West,t3",
            )],
        );

        assert_errors(
            &errors,
            &["territories.csv:2: parent_id: is the territory's own id"],
        );
    });
}

// people.csv and reporting.csv

#[test]
fn a_manager_cycle_among_people_is_refused() {
    each_db(|db| {
        import_ok(db, BASE);

        let errors = refused(
            db,
            &[(
                "people.csv",
                "person_id,name,role,manager_id
                 r2,Ria,rep,m1
                 m1,Mia,manager,r1",
            )],
        );

        assert_errors(
            &errors,
            &["people.csv:3: manager_id: makes a reporting cycle: m1 → r1 → m1"],
        );
    });
}

#[test]
fn a_person_cannot_be_their_own_manager() {
    each_db(|db| {
        import_ok(db, BASE);

        let errors = refused(
            db,
            &[(
                "people.csv",
                "person_id,name,role,manager_id
                 r1,Rob,rep,r1",
            )],
        );

        assert_errors(
            &errors,
            &["people.csv:2: manager_id: is the person's own id"],
        );
    });
}

#[test]
fn an_end_date_before_the_hire_date_is_refused() {
    each_db(|db| {
        import_ok(db, BASE);

        // r1's hire_date is stored; only end_date is in the file.
        let errors = refused(
            db,
            &[(
                "people.csv",
                "person_id,name,role,end_date
                 r2,Ria,rep,2026-06-30
                 r1,Rob,rep,2020-12-31",
            )],
        );

        assert_errors(
            &errors,
            &["people.csv:3: end_date: 2020-12-31 is before the hire_date 2021-01-01"],
        );
    });
}

#[test]
fn a_reporting_row_that_closes_a_cycle_on_its_date_is_refused() {
    each_db(|db| {
        import_ok(db, BASE);

        // r1 and r2 report to m1; from June m1 would report to r2, who reports to r1.
        let errors = refused(
            db,
            &[(
                "reporting.csv",
                "person_id,manager_id,start_date
                 r2,r1,2025-01-01
                 m1,r2,2025-06-01
                 m1,,2025-09-01",
            )],
        );

        assert_errors(
            &errors,
            &[
                "reporting.csv:3: manager_id: makes a reporting cycle from 2025-06-01: \
               m1 → r2 → r1 → m1",
            ],
        );
    });
}

#[test]
fn a_reorganisation_that_is_a_forest_on_every_date_imports() {
    each_db(|db| {
        import_ok(db, BASE);

        // On one day r1 is promoted over m1: both rows start together, and no date has a cycle.
        let report = try_import(
            db,
            &[(
                "reporting.csv",
                "person_id,manager_id,start_date
                 r1,,2025-03-01
                 m1,r1,2025-03-01",
            )],
        );

        assert!(report.is_ok(), "{report:?}");
    });
}

#[test]
fn a_current_manager_that_makes_a_dated_cycle_is_refused() {
    each_db(|db| {
        import_ok(db, BASE);
        import_ok(
            db,
            &[
                (
                    "people.csv",
                    "person_id,name,role,manager_id
                     r2,Ria,rep,",
                ),
                (
                    "reporting.csv",
                    "person_id,manager_id,start_date
                     m1,r2,2025-01-01",
                ),
            ],
        );

        // r2 has no reporting row, so people.manager_id applies on every date: from 2025,
        // r2 → m1 → r2.
        let errors = refused(
            db,
            &[(
                "people.csv",
                "person_id,name,role,manager_id
                 r2,Ria,rep,m1",
            )],
        );

        assert_errors(
            &errors,
            &[
                "people.csv:2: manager_id: makes a reporting cycle from 2025-01-01, when the \
               reporting row of 'm1' starts: r2 → m1 → r2",
            ],
        );
    });
}

// jobs.csv

#[test]
fn the_rows_of_one_job_share_its_title_and_mission() {
    each_db(|db| {
        import_ok(
            db,
            &[(
                "jobs.csv",
                "job_id,title,mission,metric,comparison,threshold,per
                 ae,Account Executive,Grow,meetings,>=,8,week",
            )],
        );

        let errors = refused(
            db,
            &[(
                "jobs.csv",
                "job_id,title,mission,metric,comparison,threshold,per
                 ae,AE,Grow,win_rate,>=,0.3,quarter
                 sdr,SDR,Book,calls,>=,50,week
                 sdr,SDR,Qualify,meetings,>=,5,week",
            )],
        );

        assert_errors(
            &errors,
            &[
                "jobs.csv:2: title: is 'AE' but the other rows of job 'ae' have \
                 'Account Executive'",
                "jobs.csv:4: mission: is 'Qualify' but the other rows of job 'sdr' have 'Book'",
            ],
        );
    });
}

// contacts.csv

#[test]
fn a_contact_reports_to_a_contact_of_the_same_account() {
    each_db(|db| {
        import_ok(db, BASE);

        let errors = refused(
            db,
            &[(
                "contacts.csv",
                "contact_id,account_id,name,reports_to_id
                 c1,a1,Cat,
                 c2,a1,Cy,c1
                 c3,a2,Dee,c1
                 c4,a2,Eve,c4",
            )],
        );

        assert_errors(
            &errors,
            &[
                "contacts.csv:4: reports_to_id: 'c1' is a contact of account 'a1', not of this \
                 contact's account 'a2'",
                "contacts.csv:5: reports_to_id: is the contact's own id",
            ],
        );
    });
}

#[test]
fn a_contact_others_report_to_cannot_move_to_another_account() {
    each_db(|db| {
        import_ok(db, BASE);
        import_ok(
            db,
            &[(
                "contacts.csv",
                "contact_id,account_id,name,reports_to_id
                 c1,a1,Cat,
                 c2,a1,Cy,c1",
            )],
        );

        let errors = refused(
            db,
            &[(
                "contacts.csv",
                "contact_id,account_id,name
                 c1,a2,Cat",
            )],
        );

        assert_errors(
            &errors,
            &[
                "contacts.csv:2: account_id: is 'a2', but contact 'c2' of account 'a1' reports \
               to this contact",
            ],
        );
    });
}

// stages.csv, opportunities.csv, stage_history.csv

#[test]
fn stages_are_the_defaults_while_stages_csv_is_empty() {
    each_db(|db| {
        import_ok(db, BASE);

        let errors = refused(
            db,
            &[
                (
                    "opportunities.csv",
                    "opportunity_id,account_id,owner_id,name,stage,amount,created_date,close_date
                     o1,a1,r1,Deal,proposal,100,2026-01-01,2026-03-01
                     o2,a1,r1,Deal 2,won,100,2026-01-01,2026-03-01",
                ),
                (
                    "stage_history.csv",
                    "opportunity_id,stage,entered_date
                     o1,prospecting,2026-01-01
                     o1,demo,2026-01-10",
                ),
            ],
        );

        assert_errors(
            &errors,
            &[
                "opportunities.csv:3: stage: 'won' is not one of the default stages",
                "stage_history.csv:3: stage: 'demo' is not one of the default stages",
            ],
        );
    });
}

#[test]
fn stages_are_those_of_stages_csv_once_it_has_rows() {
    each_db(|db| {
        import_ok(db, BASE);
        let opportunity = |stage: &str| {
            format!(
                "opportunity_id,account_id,owner_id,name,stage,amount,created_date,close_date
                 o1,a1,r1,Deal,{stage},100,2026-01-01,2026-03-01"
            )
        };
        import_ok(db, &[("opportunities.csv", &opportunity("proposal"))]);
        let stages = (
            "stages.csv",
            "stage,position,probability,outcome
             discovery,1,10,open
             won,2,100,won
             lost,3,0,lost",
        );

        let stored_row_left_behind = refused(db, &[stages]);
        let moved_along = try_import(db, &[stages, ("opportunities.csv", &opportunity("won"))]);

        assert_errors(
            &stored_row_left_behind,
            &[
                "opportunities.csv: the stored row with opportunity_id o1: stage: 'proposal' is \
               not a stage of stages.csv: discovery, won, lost",
            ],
        );
        assert!(moved_along.is_ok(), "{moved_along:?}");
    });
}

// transactions.csv

#[test]
fn a_transaction_cannot_reverse_itself() {
    each_db(|db| {
        import_ok(db, BASE);

        let errors = refused(
            db,
            &[(
                "transactions.csv",
                "transaction_id,date,kind,amount,owner_id,reverses_id
                 x2,2026-02-01,booking,-10,,x2",
            )],
        );

        assert_errors(
            &errors,
            &["transactions.csv:2: reverses_id: is the transaction's own id"],
        );
    });
}

#[test]
fn a_transaction_needs_an_owner_unless_it_reverses_one() {
    each_db(|db| {
        import_ok(db, BASE);

        let both_columns = refused(
            db,
            &[(
                "transactions.csv",
                "transaction_id,date,kind,amount,owner_id,reverses_id
                 x2,2026-02-01,booking,-10,,x1
                 x3,2026-02-01,booking,10,,",
            )],
        );
        let no_reverses_column = refused(
            db,
            &[(
                "transactions.csv",
                "transaction_id,date,kind,amount,owner_id
                 x1,2026-01-15,booking,1000.00,r1
                 x4,2026-02-01,booking,10,",
            )],
        );

        let message = "owner_id: is required unless reverses_id is given";
        assert_errors(&both_columns, &[&format!("transactions.csv:3: {message}")]);
        assert_errors(
            &no_reverses_column,
            &[&format!("transactions.csv:3: {message}")],
        );
    });
}

// splits.csv

#[test]
fn the_owner_of_a_transaction_cannot_hold_a_split_of_it() {
    each_db(|db| {
        import_ok(db, BASE);

        let errors = refused(
            db,
            &[(
                "splits.csv",
                "transaction_id,person_id,percent
                 x1,m1,10
                 x1,r1,20",
            )],
        );

        assert_errors(
            &errors,
            &["splits.csv:3: person_id: 'r1' is the owner of this transaction"],
        );
    });
}

#[test]
fn an_owner_cannot_change_to_someone_holding_a_split() {
    each_db(|db| {
        import_ok(db, BASE);
        let to_r2 = (
            "transactions.csv",
            "transaction_id,date,kind,amount,owner_id
             x1,2026-01-15,booking,1000.00,r2",
        );

        let errors = refused(db, &[to_r2]);
        let after_removing_the_split = try_import(
            db,
            &[
                to_r2,
                (
                    "splits.csv",
                    "transaction_id,person_id,percent
                     x1,r2,0",
                ),
            ],
        );

        assert_errors(
            &errors,
            &["transactions.csv:2: owner_id: 'r2' holds a split of transaction 'x1'"],
        );
        assert!(
            after_removing_the_split.is_ok(),
            "{after_removing_the_split:?}"
        );
    });
}

#[test]
fn a_reversal_may_have_splits_of_its_own_but_not_for_the_owner_it_takes() {
    each_db(|db| {
        import_ok(db, BASE);
        let reversal = (
            "transactions.csv",
            "transaction_id,date,kind,amount,owner_id,reverses_id
             x9,2026-02-01,booking,-1000.00,,x1",
        );

        let own_splits = try_import(
            db,
            &[
                reversal,
                (
                    "splits.csv",
                    "transaction_id,person_id,percent
                     x9,r2,30",
                ),
            ],
        );
        let errors = refused(
            db,
            &[(
                "splits.csv",
                "transaction_id,person_id,percent
                 x9,r1,10",
            )],
        );

        assert!(own_splits.is_ok(), "{own_splits:?}");
        assert_errors(
            &errors,
            &[
                "splits.csv:2: person_id: 'r1' is the owner of transaction 'x1', which this one \
               reverses",
            ],
        );
    });
}

#[test]
fn the_splits_of_a_transaction_sum_to_at_most_100_percent_with_the_store() {
    each_db(|db| {
        import_ok(db, BASE);

        // x1 already gives r2 30 %.
        let errors = refused(
            db,
            &[(
                "splits.csv",
                "transaction_id,person_id,percent
                 x1,m1,70.5",
            )],
        );

        assert_errors(
            &errors,
            &[
                "splits.csv:2: percent: the splits of transaction 'x1' sum to 100.5 %, more than \
               100",
            ],
        );
    });
}

// targets.csv

#[test]
fn a_target_scope_id_names_the_root_a_territory_or_a_person() {
    each_db(|db| {
        import_ok(db, BASE);

        let errors = refused(
            db,
            &[(
                "targets.csv",
                "scope,scope_id,year,month,metric,amount
                 company,co,2026,1,bookings,100
                 company,t1,2026,1,bookings,100
                 territory,t9,2026,1,bookings,100
                 person,p9,2026,1,bookings,100
                 person,r1,2026,01,bookings,100",
            )],
        );

        assert_errors(
            &errors,
            &[
                "targets.csv:3: scope_id: 't1' is not the root territory; company targets carry \
                 the root territory's id, 'co'",
                "targets.csv:4: scope_id: no territory 't9' in the dataset or the store",
                "targets.csv:5: scope_id: no person 'p9' in the dataset or the store",
            ],
        );
    });
}

// plans.csv

#[test]
fn the_rows_of_one_plan_share_its_name_and_year() {
    each_db(|db| {
        import_ok(db, BASE);

        let errors = refused(
            db,
            &[(
                "plans.csv",
                "plan_id,name,year,component,metric,method,period
                 p2,Two,2026,a,bookings,commission,year
                 p2,Two,2027,b,revenue,commission,year
                 p2,Deux,2026,c,margin,commission,year",
            )],
        );

        assert_errors(
            &errors,
            &[
                "plans.csv:3: year: is 2027 but the other rows of plan 'p2' have 2026",
                "plans.csv:4: name: is 'Deux' but the other rows of plan 'p2' have 'Two'",
            ],
        );
    });
}

// plan_tiers.csv

#[test]
fn tiers_belong_to_commission_components() {
    each_db(|db| {
        import_ok(db, BASE);

        let errors = refused(
            db,
            &[
                (
                    "plans.csv",
                    "plan_id,name,year,component,metric,method,period
                     p3,Curve,2026,quota,bookings,payout_curve,year",
                ),
                (
                    "plan_tiers.csv",
                    "plan_id,component,att_from,att_to,rate
                     p3,quota,0,,0.1",
                ),
            ],
        );

        assert_errors(
            &errors,
            &["plan_tiers.csv:2: component: 'quota' of plan 'p3' is a payout_curve component"],
        );
    });
}

#[test]
fn tier_bands_start_at_zero_without_gaps_or_overlaps() {
    each_db(|db| {
        import_ok(db, BASE);

        let errors = refused(
            db,
            &[
                (
                    "plans.csv",
                    "plan_id,name,year,component,metric,method,period
                     std,Standard,2026,extra,revenue,commission,year",
                ),
                (
                    "plan_tiers.csv",
                    "plan_id,component,att_from,att_to,rate
                     std,extra,0.10,0.5,0.01
                     std,extra,0.6,1.00,0.02
                     std,extra,0.9,,0.03
                     std,new,2,,0.1",
                ),
            ],
        );

        assert_errors(
            &errors,
            &[
                "plan_tiers.csv:2: att_from: is 0.1, but the first band of a component starts \
                 at 0",
                "plan_tiers.csv:3: att_from: is 0.6, but the band before ends at 0.5; bands \
                 leave no gap",
                "plan_tiers.csv:4: att_from: is 0.9, but the band before runs to 1; bands do not \
                 overlap",
                // std/new's stored open band from 1 is now followed by the band from 2.
                "plan_tiers.csv: the stored row with plan_id std, component new, att_from 1: \
                 att_to: is empty, but a band from 2 follows",
            ],
        );
    });
}

// plan_curve.csv

#[test]
fn curve_points_belong_to_payout_curve_components() {
    each_db(|db| {
        import_ok(db, BASE);

        let errors = refused(
            db,
            &[(
                "plan_curve.csv",
                "plan_id,component,attainment,payout
                 std,new,0,0
                 std,new,1,1",
            )],
        );

        assert_errors(
            &errors,
            &["plan_curve.csv:2: component: 'new' of plan 'std' is a commission component"],
        );
    });
}

#[test]
fn a_curve_has_two_points_at_least_and_its_payouts_never_fall() {
    each_db(|db| {
        import_ok(db, BASE);

        let errors = refused(
            db,
            &[
                (
                    "plans.csv",
                    "plan_id,name,year,component,metric,method,period
                     p3,Curve,2026,quota,bookings,payout_curve,year
                     p3,Curve,2026,solo,revenue,payout_curve,year",
                ),
                (
                    "plan_curve.csv",
                    "plan_id,component,attainment,payout
                     p3,quota,0,0
                     p3,quota,1,1
                     p3,quota,1.5,0.8
                     p3,solo,1,1",
                ),
            ],
        );

        assert_errors(
            &errors,
            &[
                "plan_curve.csv:4: payout: is 0.8, below 1 at attainment 1",
                "plan_curve.csv:5: attainment: is the only point of this component's curve",
            ],
        );
    });
}

// plan_assignments.csv

#[test]
fn an_assignment_is_for_its_plans_year() {
    each_db(|db| {
        import_ok(db, BASE);

        let wrong_year = refused(
            db,
            &[(
                "plan_assignments.csv",
                "person_id,plan_id,year
                 r2,std,2025",
            )],
        );
        let plan_moved = refused(
            db,
            &[(
                "plans.csv",
                "plan_id,name,year,component,metric,method,period
                 std,Standard,2027,new,bookings,commission,year",
            )],
        );

        assert_errors(
            &wrong_year,
            &["plan_assignments.csv:2: year: is 2025, but plan 'std' is a plan of 2026"],
        );
        assert_errors(
            &plan_moved,
            &["plans.csv:2: year: is 2027, but person 'r1' is assigned this plan for 2026"],
        );
    });
}

#[test]
fn a_plan_with_a_payout_curve_needs_a_target_incentive() {
    each_db(|db| {
        import_ok(db, BASE);
        let plan = (
            "plans.csv",
            "plan_id,name,year,component,metric,method,period
             p3,Curve,2026,quota,bookings,payout_curve,year",
        );

        let errors = refused(
            db,
            &[
                plan,
                (
                    "plan_assignments.csv",
                    "person_id,plan_id,year,target_incentive
                     r2,p3,2026,",
                ),
            ],
        );
        let with_incentive = try_import(
            db,
            &[
                plan,
                (
                    "plan_assignments.csv",
                    "person_id,plan_id,year,target_incentive
                     r2,p3,2026,20000",
                ),
            ],
        );

        assert_errors(
            &errors,
            &[
                "plan_assignments.csv:2: target_incentive: is required because plan 'p3' has a \
               payout_curve component, 'quota'",
            ],
        );
        assert!(with_incentive.is_ok(), "{with_incentive:?}");
    });
}

// paid.csv and adjustments.csv

const PAID_HEADER: &str = "person_id,plan_id,component,year,month,amount";

#[test]
fn months_lock_in_order() {
    each_db(|db| {
        import_ok(db, BASE);

        let errors = refused(
            db,
            &[(
                "paid.csv",
                &format!(
                    "{PAID_HEADER}
                     r1,std,new,2026,1,100
                     r1,std,new,2026,3,100"
                ),
            )],
        );

        assert_errors(
            &errors,
            &["paid.csv:3: month: 3 of 2026 is locked but month 2 is not; months lock in order"],
        );
    });
}

#[test]
fn what_was_paid_in_a_locked_month_does_not_change() {
    each_db(|db| {
        import_ok(db, BASE);
        let january = format!("{PAID_HEADER}\nr1,std,new,2026,1,100");
        import_ok(db, &[("paid.csv", &january)]);

        let errors = refused(
            db,
            &[(
                "paid.csv",
                &format!(
                    "{PAID_HEADER}
                     r1,std,new,2026,1,150
                     r2,std,new,2026,1,50
                     r1,std,new,2026,2,100"
                ),
            )],
        );
        let again = try_import(db, &[("paid.csv", &january)]);

        let message = "amount: would change what was paid in month 1 of 2026, which was already \
                       locked";
        assert_errors(
            &errors,
            &[
                &format!("paid.csv:2: {message}"),
                &format!("paid.csv:3: {message}"),
            ],
        );
        assert!(
            again.is_ok(),
            "the same paid rows import unchanged: {again:?}"
        );
    });
}

#[test]
fn an_adjustment_goes_to_an_open_month() {
    each_db(|db| {
        import_ok(db, BASE);
        import_ok(
            db,
            &[("paid.csv", &format!("{PAID_HEADER}\nr1,std,new,2026,1,100"))],
        );

        // Month 1 is locked in the store, month 2 by this very import.
        let errors = refused(
            db,
            &[
                ("paid.csv", &format!("{PAID_HEADER}\nr1,std,new,2026,2,100")),
                (
                    "adjustments.csv",
                    "adjustment_id,person_id,year,month,amount,reason
                     adj1,r1,2026,1,50,Late deal
                     adj2,r1,2026,3,50,Bonus
                     adj3,r1,2026,2,-20,Clawback",
                ),
            ],
        );

        assert_errors(
            &errors,
            &[
                "adjustments.csv:2: month: 1 of 2026 is locked; post the adjustment to an open \
                 month",
                "adjustments.csv:4: month: 2 of 2026 is locked; post the adjustment to an open \
                 month",
            ],
        );
    });
}

#[test]
fn an_adjustment_paid_in_a_locked_month_cannot_move_out_of_it() {
    each_db(|db| {
        import_ok(db, BASE);
        let adjustment = |month: u32| {
            format!(
                "adjustment_id,person_id,year,month,amount,reason
                 adj1,r1,2026,{month},50,Bonus"
            )
        };
        import_ok(db, &[("adjustments.csv", &adjustment(1))]);
        import_ok(
            db,
            &[("paid.csv", &format!("{PAID_HEADER}\nr1,std,new,2026,1,150"))],
        );

        let unchanged = try_import(db, &[("adjustments.csv", &adjustment(1))]);
        let errors = refused(db, &[("adjustments.csv", &adjustment(2))]);

        assert!(unchanged.is_ok(), "{unchanged:?}");
        assert_errors(
            &errors,
            &[
                "adjustments.csv:2: month: cannot change: the adjustment was paid in month 1 of \
               2026",
            ],
        );
    });
}
