//! The `attain` binary as a user meets it: exit statuses, one-sentence errors, the `--db`
//! option before or after the command, and the environment variable.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn attain(args: &[&str], cwd: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_attain"))
        .args(args)
        .current_dir(cwd)
        .env_remove("ATTAIN_DATABASE_URL")
        .output()
        .expect("the attain binary runs")
}

fn worked_example() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/spec/examples/worked")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn import_prints_counts_and_a_second_import_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let example = worked_example();
    let first = attain(&["import", example.to_str().unwrap()], dir.path());
    assert!(first.status.success(), "{}", text(&first.stderr));
    assert!(text(&first.stdout).contains("transactions.csv"));
    assert!(
        dir.path().join("attain.db").exists(),
        "the default database is attain.db in the current folder"
    );
    let second = attain(&["import", example.to_str().unwrap()], dir.path());
    let out = text(&second.stdout);
    assert!(
        out.lines()
            .all(|l| l.contains(" 0 inserted") && l.contains(" 0 updated")),
        "{out}"
    );
}

#[test]
fn the_database_option_works_before_and_after_the_command_and_from_the_environment() {
    let dir = tempfile::tempdir().unwrap();
    let example = worked_example();
    let example = example.to_str().unwrap();
    let before = attain(&["--db", "sqlite://a.db", "import", example], dir.path());
    let after = attain(&["import", example, "--db", "sqlite://b.db"], dir.path());
    assert!(before.status.success() && after.status.success());
    let env = Command::new(env!("CARGO_BIN_EXE_attain"))
        .args(["export", "out"])
        .env("ATTAIN_DATABASE_URL", "sqlite://a.db")
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(env.status.success(), "{}", text(&env.stderr));
    let people = std::fs::read_to_string(dir.path().join("out/people.csv")).unwrap();
    assert!(people.contains("r1,R One"), "{people}");
    for db in ["a.db", "b.db"] {
        assert!(dir.path().join(db).exists());
    }
}

#[test]
fn refused_data_exits_1_with_file_line_errors_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    std::fs::create_dir(&data).unwrap();
    std::fs::write(
        data.join("territories.csv"),
        "territory_id,name,parent_id\nco,Company,\nt 1,Bad id,co\n",
    )
    .unwrap();
    let out = attain(&["import", "data"], dir.path());
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(
        err.contains("territories.csv:3: territory_id: 't 1' is not an id"),
        "{err}"
    );
    assert!(
        !err.contains("panicked") && !err.contains("RUST_BACKTRACE"),
        "{err}"
    );
    let export = attain(&["export", "out"], dir.path());
    assert!(export.status.success());
    let territories = std::fs::read_to_string(dir.path().join("out/territories.csv")).unwrap();
    assert_eq!(
        territories.lines().count(),
        1,
        "only the header: nothing was written"
    );
}

#[test]
fn a_missing_folder_or_an_unusable_database_exits_3_with_one_sentence() {
    let dir = tempfile::tempdir().unwrap();
    let out = attain(&["import", "no-such-folder"], dir.path());
    assert_eq!(out.status.code(), Some(3));
    assert_eq!(
        text(&out.stderr).trim(),
        "error: no-such-folder is not a folder"
    );
    let out = attain(&["--db", "mysql://x", "export", "out"], dir.path());
    assert_eq!(out.status.code(), Some(3));
    let err = text(&out.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("unsupported database URL"), "{err}");
}

#[test]
fn wrong_usage_exits_2_and_help_lists_the_exit_codes() {
    let dir = tempfile::tempdir().unwrap();
    let out = attain(&["frobnicate"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    let help = attain(&["--help"], dir.path());
    assert!(help.status.success());
    assert!(text(&help.stdout).contains("Exit status: 0 success; 1 the input was refused"));
}
