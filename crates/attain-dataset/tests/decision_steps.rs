//! The decision process of accounts (decision_steps.csv, decision_step_contacts.csv): imported,
//! exported in key order and back unchanged, and refused when a step names a contact of another
//! account, on every database.

mod common;

use common::*;

const CONTACTS: File = (
    "contacts.csv",
    "contact_id,account_id,name,buying_role
     c1,a1,Cat,economic_buyer
     c2,a1,Cy,champion
     c3,a2,Dee,decision_maker",
);

const STEPS: File = (
    "decision_steps.csv",
    "account_id,step,name,description
     a1,10,Final decision,
     a1,2,\"Review, legal\",Legal and security
     a2,1,Budget,",
);

#[test]
fn decision_steps_import_and_export_in_key_order_and_round_trip() {
    each_db(|db| {
        import_ok(db, BASE);
        import_ok(
            db,
            &[
                CONTACTS,
                STEPS,
                (
                    "decision_step_contacts.csv",
                    "account_id,step,contact_id
                     a1,10,c1
                     a1,2,c2
                     a1,2,c1
                     a2,1,c3",
                ),
            ],
        );
        let once = export(db);
        assert_eq!(
            once["decision_steps.csv"],
            "account_id,step,name,description\n\
             a1,2,\"Review, legal\",Legal and security\n\
             a1,10,Final decision,\n\
             a2,1,Budget,\n"
        );
        assert_eq!(
            once["decision_step_contacts.csv"],
            "account_id,step,contact_id\na1,2,c1\na1,2,c2\na1,10,c1\na2,1,c3\n"
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
fn a_step_naming_a_contact_of_another_account_is_refused() {
    each_db(|db| {
        import_ok(db, BASE);
        let errors = refused(
            db,
            &[
                CONTACTS,
                STEPS,
                (
                    "decision_step_contacts.csv",
                    "account_id,step,contact_id
                     a1,2,c1
                     a1,2,c3",
                ),
            ],
        );
        assert_errors(
            &errors,
            &[
                "decision_step_contacts.csv:3: contact_id: 'c3' is a contact of account 'a2', not \
               of account 'a1'; the people of a decision step are contacts of its account",
            ],
        );
    });
}

#[test]
fn a_contact_in_a_step_cannot_move_to_another_account() {
    each_db(|db| {
        import_ok(db, BASE);
        import_ok(
            db,
            &[
                CONTACTS,
                STEPS,
                (
                    "decision_step_contacts.csv",
                    "account_id,step,contact_id
                     a1,2,c2",
                ),
            ],
        );
        let errors = refused(
            db,
            &[(
                "contacts.csv",
                "contact_id,account_id,name
                 c2,a2,Cy",
            )],
        );
        assert_errors(
            &errors,
            &[
                "contacts.csv:2: account_id: is 'a2', but this contact takes part in step 2 of the \
               decision process of account 'a1'",
            ],
        );
    });
}

#[test]
fn step_numbers_run_from_1_to_99_and_a_step_must_exist_for_its_people() {
    each_db(|db| {
        import_ok(db, BASE);
        let errors = refused(
            db,
            &[
                CONTACTS,
                (
                    "decision_steps.csv",
                    "account_id,step,name
                     a1,0,Start
                     a1,100,End",
                ),
                (
                    "decision_step_contacts.csv",
                    "account_id,step,contact_id
                     a1,3,c1",
                ),
            ],
        );
        assert_errors(
            &errors,
            &[
                "decision_steps.csv:2: step: 0 is not between 1 and 99",
                "decision_steps.csv:3: step: 100 is not between 1 and 99",
                "decision_step_contacts.csv:2: ",
            ],
        );
    });
}
