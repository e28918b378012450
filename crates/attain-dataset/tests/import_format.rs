//! The general rules of the format: headers name known columns, files have known names, other
//! kinds of files are ignored, and a column left out of the header keeps its stored value.

mod common;

use attain_store::Executor;
use common::*;

#[test]
fn an_unknown_column_is_named_with_the_expected_ones() {
    each_db(|db| {
        let errors = refused(
            db,
            &[(
                "territories.csv",
                "territory_id,name,parent,target_market
                 co,Company,,",
            )],
        );

        assert_errors(
            &errors,
            &[
                "territories.csv:1: parent: is not a column of territories.csv; the columns are \
               territory_id, name, parent_id, target_market",
            ],
        );
    });
}

#[test]
fn a_misspelt_file_name_is_an_error() {
    each_db(|db| {
        import_ok(db, BASE);

        let errors = refused(
            db,
            &[(
                "transaction.csv",
                "transaction_id,date,kind,amount,owner_id
                 x2,2026-02-01,booking,10,r1",
            )],
        );

        assert_eq!(errors.len(), 1, "{errors:?}");
        assert!(
            errors[0].starts_with(
                "transaction.csv: is not a dataset file; the dataset files are settings.csv, \
                 territories.csv,"
            ),
            "{errors:?}"
        );
        assert!(errors[0].contains("transactions.csv"), "{errors:?}");
    });
}

#[test]
fn a_file_of_another_kind_is_ignored() {
    each_db(|db| {
        let mut files = BASE.to_vec();
        files.push((
            "notes.txt",
            "Imported from the old CRM on Monday.\nnot,a,dataset",
        ));

        let report = try_import(db, &files);

        assert!(report.is_ok(), "{report:?}");
    });
}

#[test]
fn a_column_left_out_keeps_its_stored_value_and_an_empty_one_clears_it() {
    each_db(|db| {
        import_ok(db, BASE);

        // email is left out; territory_id is present but empty.
        let report = import_ok(
            db,
            &[(
                "people.csv",
                "person_id,name,role,territory_id
                 r1,Robert,rep,",
            )],
        );

        let mut conn = db.conn().unwrap();
        let row = conn
            .query_one(
                "SELECT name, email, territory_id, manager_id FROM people WHERE person_id = 'r1'",
                &[],
            )
            .unwrap();
        assert_eq!(report.files[0].updated, 1);
        assert_eq!(row.text(0).unwrap(), "Robert");
        assert_eq!(
            row.opt_text(1).unwrap(),
            Some("rob@x.test"),
            "left out: kept"
        );
        assert_eq!(row.opt_text(2).unwrap(), None, "present but empty: cleared");
        assert_eq!(row.opt_text(3).unwrap(), Some("m1"), "left out: kept");
    });
}
