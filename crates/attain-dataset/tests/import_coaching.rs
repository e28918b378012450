//! The coaching files (competencies, coaching_sessions, skill_ratings, action_items and the
//! `coaching_cadence_days` setting): they round-trip through export, and bad rows are refused
//! with their file, line and column.

mod common;

use common::*;

const PEOPLE: (&str, &str) = (
    "people.csv",
    "person_id,name,role,manager_id
     m1,Mia Manager,manager,
     r1,Rita Rep,rep,m1",
);
const COMPETENCIES: (&str, &str) = (
    "competencies.csv",
    "competency_id,name,description,position
     discovery,Discovery,\"Asks questions, listens\",1
     closing,Closing,,2",
);

fn sessions(rows: &str) -> (&'static str, String) {
    (
        "coaching_sessions.csv",
        format!(
            "session_id,person_id,coach_id,date,kind,account_id,opportunity_id,preparation,what_happened,learned,do_better,shared_notes,private_notes,reflection\n{rows}"
        ),
    )
}

#[test]
fn coaching_files_import_and_come_back_through_export_unchanged() {
    each_db(|db| {
        // Arrange
        let (name, text) = sessions(
            "s1,r1,m1,2026-03-02,call_debrief,,,,\"Demo ran long\",Ask earlier,Dated next step,Shared,Private \"quoted\",Mine",
        );
        let files = [
            ("settings.csv", "key,value\ncoaching_cadence_days,21"),
            PEOPLE,
            COMPETENCIES,
            (name, text.as_str()),
            (
                "skill_ratings.csv",
                "session_id,competency_id,rating\ns1,discovery,4\ns1,closing,2",
            ),
            (
                "action_items.csv",
                "action_id,session_id,person_id,owner_id,description,due_date,status,done_date
                 a1,s1,r1,r1,Send the plan,2026-03-10,done,2026-03-09
                 a2,,r1,m1,Book a ride-along,,open,",
            ),
        ];

        // Act
        import_ok(db, &files);
        let exported = export(db);
        let fresh = fresh_like(db);
        let dir = folder(&[]);
        for (name, text) in &exported {
            std::fs::write(dir.path().join(name), text).expect("the file is written");
        }
        import_dir(&fresh, dir.path()).expect("the export imports into a fresh store");

        // Assert
        for (name, text) in files {
            if name == "people.csv" || name == "settings.csv" {
                continue;
            }
            let spec = spec_of(name);
            assert_eq!(
                parse_rows(spec, &exported[name]),
                parse_rows(spec, &folder_text(text)),
                "{name}: the export holds the values imported"
            );
        }
        assert!(exported["settings.csv"].contains("coaching_cadence_days,21"));
        assert_eq!(
            export(&fresh),
            exported,
            "the fresh store exports the same bytes"
        );
    });
}

/// The text as `folder` writes it (each line's leading blanks removed).
fn folder_text(text: &str) -> String {
    text.lines()
        .map(|l| format!("{}\n", l.trim_start()))
        .collect()
}

#[test]
fn a_rating_outside_one_to_five_an_unknown_kind_or_status_and_self_coaching_are_refused() {
    each_db(|db| {
        let (name, text) = sessions(
            "s1,r1,m1,2026-03-02,ride_along,,,,,,,,,
             s2,r1,r1,2026-03-02,one_to_one,,,,,,,,,
             s3,r1,m1,2026-03-03,one_to_one,,,,,,,,,",
        );
        let errors = refused(
            db,
            &[
                ("settings.csv", "key,value\ncoaching_cadence_days,0"),
                PEOPLE,
                COMPETENCIES,
                (name, text.as_str()),
                (
                    "skill_ratings.csv",
                    "session_id,competency_id,rating\ns3,discovery,6\ns3,tact,3",
                ),
                (
                    "action_items.csv",
                    "action_id,person_id,owner_id,description,status\na1,r1,r1,Call back,later",
                ),
            ],
        );

        assert_errors(
            &errors,
            &[
                "settings.csv:2: value: '0' is not a number of days from 1 to 366",
                "coaching_sessions.csv:2: kind: ",
                "coaching_sessions.csv:3: coach_id: is the person's own id; nobody coaches themself",
                "skill_ratings.csv:2: rating: 6 is not between 1 and 5",
                "skill_ratings.csv:3: competency_id: ",
                "action_items.csv:2: status: ",
            ],
        );
    });
}
