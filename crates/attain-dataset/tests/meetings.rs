//! Sales meetings in the dataset (meeting_template.csv, meetings.csv, meeting_items.csv,
//! meeting_attendance.csv, meeting_followups.csv): imported, exported in key order and back
//! unchanged, and refused with the file, line and column named, on every database.

mod common;

use common::*;

const MEETINGS: &[File] = &[
    (
        "meeting_template.csv",
        "position,section,title,minutes
         2,training,Training,15
         1,information_gathering,Key accounts and pipeline,5",
    ),
    (
        "meetings.csv",
        "meeting_id,team_manager_id,date,title,cadence,status,notes
         w2,m1,2026-06-30,Weekly,weekly,scheduled,
         w1,m1,2026-06-23,Weekly,weekly,held,\"Good week, all present\"",
    ),
    (
        "meeting_items.csv",
        "meeting_id,position,section,person_id,title,minutes,figures,notes
         w1,1,information_gathering,r1,Rob: pipeline,5,\"{\"\"open_count\"\":2,\"\"open_amount\"\":\"\"51234.56\"\"}\",
         w1,2,training,,Discovery calls,15,,Role play
         w2,1,information_gathering,r2,Ria: pipeline,,,",
    ),
    (
        "meeting_attendance.csv",
        "meeting_id,person_id,status
         w1,r2,excused
         w1,r1,present",
    ),
    (
        "meeting_followups.csv",
        "meeting_id,followup_id,owner_id,description,due_date,status
         w1,f1,r1,Send the proposal,2026-06-27,done
         w1,f2,r2,Call Beta,,open",
    ),
];

#[test]
fn meetings_import_and_export_in_key_order_and_round_trip() {
    each_db(|db| {
        import_ok(db, BASE);
        import_ok(db, MEETINGS);
        let once = export(db);
        assert_eq!(
            once["meetings.csv"],
            "meeting_id,team_manager_id,date,title,cadence,status,notes\n\
             w1,m1,2026-06-23,Weekly,weekly,held,\"Good week, all present\"\n\
             w2,m1,2026-06-30,Weekly,weekly,scheduled,\n"
        );
        assert_eq!(
            once["meeting_template.csv"],
            "position,section,title,minutes\n\
             1,information_gathering,Key accounts and pipeline,5\n\
             2,training,Training,15\n"
        );
        assert!(
            once["meeting_items.csv"]
                .contains("\"{\"\"open_count\"\":2,\"\"open_amount\"\":\"\"51234.56\"\"}\""),
            "{}",
            once["meeting_items.csv"]
        );
        assert_eq!(
            once["meeting_attendance.csv"],
            "meeting_id,person_id,status\nw1,r1,present\nw1,r2,excused\n"
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
fn meeting_rows_with_a_wrong_word_a_missing_reporter_or_meeting_are_refused() {
    each_db(|db| {
        import_ok(db, BASE);
        let errors = refused(
            db,
            &[
                (
                    "meetings.csv",
                    "meeting_id,team_manager_id,date,title,cadence,status
                     w1,m1,2026-06-23,Weekly,daily,held
                     w2,m9,2026-06-30,Weekly,,scheduled",
                ),
                (
                    "meeting_items.csv",
                    "meeting_id,position,section,person_id,title
                     w1,1,information_gathering,,Round
                     w1,2,gossip,,Chat",
                ),
                (
                    "meeting_attendance.csv",
                    "meeting_id,person_id,status
                     w7,r1,present
                     w1,r1,late",
                ),
            ],
        );
        assert_errors(
            &errors,
            &[
                "meetings.csv:2: cadence: 'daily' is not one of weekly, biweekly, monthly",
                "meetings.csv:3: team_manager_id: ",
                "meeting_items.csv:2: person_id: is required in the information_gathering \
                 section",
                "meeting_items.csv:3: section: 'gossip' is not one of information_gathering, \
                 training, recognition, other",
                "meeting_attendance.csv:2: meeting_id: ",
                "meeting_attendance.csv:3: status: 'late' is not one of present, absent, excused",
            ],
        );
    });
}
