//! Import is atomic: any error means nothing is written, and every error is listed.

mod common;

use common::*;

/// Returns transactions.csv with `rows` transactions of r1, the one on line `bad_line` dated
/// February 30th.
fn transactions(rows: usize, bad_line: usize) -> String {
    let mut text = String::from("transaction_id,date,kind,amount,owner_id\n");
    for i in 0..rows {
        let line = i + 2;
        let date = if line == bad_line {
            "2026-02-30"
        } else {
            "2026-02-10"
        };
        text.push_str(&format!("y{i},{date},booking,{i}.50,r1\n"));
    }
    text
}

#[test]
fn a_bad_date_and_an_unknown_person_are_both_named_and_nothing_is_written() {
    each_db(|db| {
        // Arrange
        import_ok(db, BASE);
        let before = export(db);
        let transactions = transactions(60, 57);

        // Act
        let errors = refused(
            db,
            &[
                (
                    "people.csv",
                    "person_id,name,role
                     r1,Robert,rep
                     r3,New Rep,rep",
                ),
                ("transactions.csv", &transactions),
                (
                    "splits.csv",
                    "transaction_id,person_id,percent
                     y1,r2,10
                     y2,nobody,20",
                ),
            ],
        );

        // Assert
        assert_errors(
            &errors,
            &[
                "transactions.csv:57: date: '2026-02-30' is not a real calendar date",
                "splits.csv:3: person_id: no person 'nobody' in the dataset or the store",
            ],
        );
        assert_eq!(export(db), before, "the store is left exactly as it was");
    });
}

#[test]
fn two_rows_with_the_same_key_in_one_import_are_refused() {
    each_db(|db| {
        // Arrange: the same key twice in one batch, and twice 600 lines apart (two batches),
        // first into an empty table, then into one that has rows.
        let mut far_apart = String::from("transaction_id,date,kind,amount,owner_id\n");
        for i in 0..600 {
            far_apart.push_str(&format!("z{i},2026-03-01,booking,1,r1\n"));
        }
        far_apart.push_str("z0,2026-03-02,booking,2,r1\n"); // line 602
        let near = "transaction_id,date,kind,amount,owner_id
                    w1,2026-03-01,booking,1,r1
                    w1,2026-03-01,booking,1,r1";
        let people = ("people.csv", "person_id,name,role\nr1,Rob,rep");

        // Act
        let into_empty = refused(db, &[people, ("transactions.csv", &far_apart)]);
        import_ok(db, BASE);
        let into_filled = refused(db, &[("transactions.csv", &far_apart)]);
        let in_one_batch = refused(db, &[("transactions.csv", near)]);

        // Assert
        let twice = "transaction_id: the key z0 appears more than once in this file";
        assert_errors(&into_empty, &[&format!("transactions.csv:602: {twice}")]);
        assert_errors(&into_filled, &[&format!("transactions.csv:602: {twice}")]);
        assert_errors(
            &in_one_batch,
            &["transactions.csv:3: transaction_id: the key w1 already appears on line 2"],
        );
    });
}
