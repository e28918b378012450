//! Training and recognition files (docs/team.md): they import, export to the same text and
//! import again into a fresh store; a SPIFF must be paid through an adjustment of the same person
//! and amount. On SQLite and (with `ATTAIN_TEST_POSTGRES_URL`) PostgreSQL.

mod common;

use common::*;

const TEAM: &[File] = &[
    (
        "jobs.csv",
        "job_id,title,mission,metric,comparison,threshold,per
         ae,Account Executive,,bookings_attainment,>=,1,quarter",
    ),
    (
        "trainings.csv",
        "training_id,title,kind,date,hours,description
         T1,Discovery,sales_technique,2026-02-01,1.5,\"Questions, then listening\"
         T2,Product basics,product,,,",
    ),
    (
        "training_records.csv",
        "training_id,person_id,status,date
         T1,r1,completed,2026-02-01
         T2,r1,registered,",
    ),
    (
        "job_trainings.csv",
        "job_id,training_id
         ae,T1
         ae,T2",
    ),
    (
        "adjustments.csv",
        "adjustment_id,person_id,year,month,amount,reason
         spiff-R1,r1,2026,3,250.00,SPIFF: first deal (recognition R1)",
    ),
    (
        "recognitions.csv",
        "recognition_id,person_id,date,reason,given_by_id,meeting_id,award,amount,adjustment_id
         R1,r1,2026-03-10,First deal,m1,,SPIFF,250.00,spiff-R1
         R2,r2,2026-03-11,Great demo,m1,MEET-1,,,",
    ),
];

#[test]
fn training_and_recognition_files_round_trip_through_export() {
    each_db(|db| {
        import_ok(db, BASE);
        import_ok(db, TEAM);

        let exported = export(db);
        let fresh = fresh_like(db);
        let dir = folder(&[]);
        for (name, text) in &exported {
            std::fs::write(dir.path().join(name), text).expect("the file is written");
        }
        import_dir(&fresh, dir.path()).expect("the export imports into a fresh store");

        for (name, text) in TEAM {
            let spec = spec_of(name);
            let written = parse_rows(spec, &exported[*name]);
            let again = parse_rows(spec, &export(&fresh)[*name]);
            let given: String = text
                .lines()
                .map(|l| format!("{}\n", l.trim_start()))
                .collect();
            assert_eq!(written, parse_rows(spec, &given), "{name}");
            assert_eq!(again, written, "{name} after a second trip");
        }
    });
}

#[test]
fn a_spiff_without_its_adjustment_is_refused() {
    each_db(|db| {
        import_ok(db, BASE);
        let errors = refused(
            db,
            &[(
                "recognitions.csv",
                "recognition_id,person_id,date,reason,amount,adjustment_id
                 R1,r1,2026-03-10,First deal,250.00,",
            )],
        );
        assert_errors(
            &errors,
            &["recognitions.csv:2: adjustment_id: is required with an amount"],
        );
    });
}

#[test]
fn a_spiff_paid_through_another_persons_adjustment_or_amount_is_refused() {
    each_db(|db| {
        import_ok(db, BASE);
        let errors = refused(
            db,
            &[
                (
                    "adjustments.csv",
                    "adjustment_id,person_id,year,month,amount,reason
                     A1,r2,2026,3,250.00,SPIFF
                     A2,r1,2026,3,100.00,SPIFF",
                ),
                (
                    "recognitions.csv",
                    "recognition_id,person_id,date,reason,amount,adjustment_id
                     R1,r1,2026-03-10,First deal,250.00,A1
                     R2,r1,2026-03-11,Second deal,250.00,A2",
                ),
            ],
        );
        assert_errors(
            &errors,
            &[
                "recognitions.csv:2: adjustment_id: 'A1' is an adjustment of 'r2', not of 'r1'",
                "recognitions.csv:3: adjustment_id: 'A2' pays 100.00",
            ],
        );
    });
}

#[test]
fn a_training_record_names_a_training_of_the_catalogue_and_a_known_status() {
    each_db(|db| {
        import_ok(db, BASE);
        let errors = refused(
            db,
            &[
                (
                    "trainings.csv",
                    "training_id,title,kind
                     T1,Discovery,selling",
                ),
                (
                    "training_records.csv",
                    "training_id,person_id,status
                     T9,r1,finished",
                ),
            ],
        );
        let listed = errors.join("\n");
        assert!(listed.contains("trainings.csv:2: kind: 'selling' is not one of sales_technique, product, customer_market"), "{listed}");
        assert!(
            listed.contains("training_records.csv:2: status:"),
            "{listed}"
        );
    });
}
