//! Import and export are inverse: the worked example imports, imports again unchanged, and
//! comes back through export into a fresh store with the same values.

mod common;

use common::*;

#[test]
fn the_worked_example_imports_then_reimports_unchanged_and_round_trips_through_export() {
    each_db(|db| {
        // Arrange
        let example = worked_example();

        // Act
        let first = import_dir(db, example).expect("the worked example imports");
        let second = import_dir(db, example).expect("the worked example imports again");
        let exported = export(db);
        let fresh = fresh_like(db);
        let dir = folder(&[]);
        for (name, text) in &exported {
            std::fs::write(dir.path().join(name), text).expect("the file is written");
        }
        import_dir(&fresh, dir.path()).expect("the export imports into a fresh store");

        // Assert
        assert!(
            first
                .files
                .iter()
                .all(|f| f.updated == 0 && f.unchanged == 0)
        );
        assert!(first.files.iter().map(|f| f.inserted).sum::<u64>() > 0);
        for (a, b) in first.files.iter().zip(&second.files) {
            assert_eq!(
                (b.inserted, b.updated, b.unchanged),
                (0, 0, a.inserted),
                "{} on the second import",
                b.file
            );
        }
        for (name, text) in read_folder(example) {
            if !name.ends_with(".csv") {
                continue;
            }
            let spec = spec_of(&name);
            assert_eq!(
                parse_rows(spec, &exported[&name]),
                parse_rows(spec, &text),
                "{name}: the export holds the values imported"
            );
        }
        assert_eq!(
            export(&fresh),
            exported,
            "the fresh store exports the same bytes"
        );
    });
}
