//! Helpers for the import tests: small datasets written to temporary folders, imports and
//! exports on every test database, and assertions on `file:line: column: message` errors.
#![allow(dead_code)] // each test binary uses its own share of the helpers

use attain_dataset::spec::{FileSpec, file_spec};
use attain_dataset::{ImportError, ImportReport, NoProgress, Source, export_dir, import};
use attain_store::Value;
use attain_store::testing::TestDb;
use std::collections::BTreeMap;
use std::path::Path;

/// A dataset file: its name and its text. Lines are trimmed of leading blanks, so the text can
/// be indented in the test; the first line is line 1 (the header).
pub type File<'a> = (&'a str, &'a str);

/// A small valid company: a root and two territories, a manager and two reps, two accounts, one
/// transaction with a 30 % split, and a commission plan assigned to one rep.
pub const BASE: &[File] = &[
    (
        "settings.csv",
        "key,value
         company_name,Test Co
         currency,EUR",
    ),
    (
        "territories.csv",
        "territory_id,name,parent_id,target_market
         co,Company,,
         t1,North,co,
         t2,South,co,",
    ),
    (
        "people.csv",
        "person_id,name,email,role,job_id,manager_id,territory_id,hire_date,end_date
         m1,Mia,mia@x.test,manager,,,t1,2020-01-01,
         r1,Rob,rob@x.test,rep,,m1,t1,2021-01-01,
         r2,Ria,ria@x.test,rep,,m1,t2,2021-01-01,",
    ),
    (
        "accounts.csv",
        "account_id,name,territory_id
         a1,Acme,t1
         a2,Beta,t2",
    ),
    (
        "transactions.csv",
        "transaction_id,date,kind,amount,margin,account_id,opportunity_id,owner_id,reverses_id
         x1,2026-01-15,booking,1000.00,,a1,,r1,",
    ),
    (
        "splits.csv",
        "transaction_id,person_id,percent
         x1,r2,30",
    ),
    (
        "plans.csv",
        "plan_id,name,year,component,metric,method,period,weight,cap
         std,Standard,2026,new,bookings,commission,year,,",
    ),
    (
        "plan_tiers.csv",
        "plan_id,component,att_from,att_to,rate
         std,new,0,1,0.05
         std,new,1,,0.08",
    ),
    (
        "plan_assignments.csv",
        "person_id,plan_id,year,target_incentive
         r1,std,2026,",
    ),
];

/// The worked example of the spec.
pub fn worked_example() -> &'static Path {
    Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/spec/examples/worked"
    ))
}

/// Runs `test` on a fresh store of every configured database.
pub fn each_db(test: impl Fn(&TestDb)) {
    for db in TestDb::all().expect("test databases can be created") {
        test(&db);
    }
}

/// Returns a fresh store on the same database as `db`.
pub fn fresh_like(db: &TestDb) -> TestDb {
    match db.backend() {
        attain_store::Backend::Sqlite => TestDb::sqlite().expect("a SQLite test store"),
        attain_store::Backend::Postgres => TestDb::postgres()
            .expect("a PostgreSQL test store")
            .expect("PostgreSQL is configured"),
    }
}

/// Writes the files into a new temporary folder.
pub fn folder(files: &[File]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("a temporary folder");
    for (name, text) in files {
        let mut body = String::new();
        for line in text.lines() {
            body.push_str(line.trim_start());
            body.push('\n');
        }
        std::fs::write(dir.path().join(name), body).expect("the file is written");
    }
    dir
}

/// Imports a folder; returns the report, or the errors when the import is refused.
pub fn import_dir(db: &TestDb, dir: &Path) -> Result<ImportReport, Vec<String>> {
    let source = Source::from_dir(dir).expect("the folder is readable");
    match import(db, &source, "test", &NoProgress) {
        Ok(report) => Ok(report),
        Err(ImportError::Invalid(errors)) => Err(errors),
        Err(e) => panic!("the import failed outside the data: {e:?}"),
    }
}

/// Imports the files; returns the report, or the errors when the import is refused.
pub fn try_import(db: &TestDb, files: &[File]) -> Result<ImportReport, Vec<String>> {
    import_dir(db, folder(files).path())
}

/// Imports the files, which must be accepted.
pub fn import_ok(db: &TestDb, files: &[File]) -> ImportReport {
    try_import(db, files).unwrap_or_else(|e| panic!("the import was refused:\n{}", e.join("\n")))
}

/// Imports the files, which must be refused; returns the errors.
pub fn refused(db: &TestDb, files: &[File]) -> Vec<String> {
    match try_import(db, files) {
        Ok(report) => panic!("the import was accepted: {report:?}"),
        Err(errors) => errors,
    }
}

/// Asserts that there is exactly one error per prefix, each starting with its prefix
/// (`file:line: column: `), in any order.
pub fn assert_errors(errors: &[String], prefixes: &[&str]) {
    let listed = errors.join("\n");
    assert_eq!(
        errors.len(),
        prefixes.len(),
        "expected {} error(s), got:\n{listed}",
        prefixes.len()
    );
    for prefix in prefixes {
        assert!(
            errors.iter().any(|e| e.starts_with(prefix)),
            "no error starts with {prefix:?}; the errors are:\n{listed}"
        );
    }
}

/// Exports the store and returns each file's text by name.
pub fn export(db: &TestDb) -> BTreeMap<String, String> {
    let dir = tempfile::tempdir().expect("a temporary folder");
    export_dir(db, dir.path(), &NoProgress).expect("the export succeeds");
    read_folder(dir.path())
}

/// Returns the text of every file (not folder) of a folder by name.
pub fn read_folder(dir: &Path) -> BTreeMap<String, String> {
    let mut files = BTreeMap::new();
    for entry in std::fs::read_dir(dir).expect("the folder is readable") {
        let path = entry.expect("a folder entry").path();
        if !path.is_file() {
            continue;
        }
        let name = path
            .file_name()
            .expect("a file name")
            .to_string_lossy()
            .into_owned();
        files.insert(name, std::fs::read_to_string(&path).expect("a UTF-8 file"));
    }
    files
}

/// Parses a dataset file's text into its rows' values in spec column order (absent columns
/// NULL), sorted: what the file means, whatever its column order or number forms.
pub fn parse_rows(spec: &FileSpec, text: &str) -> Vec<Vec<Value>> {
    let mut csv = csv::Reader::from_reader(text.as_bytes());
    let headers = csv.headers().expect("a header").clone();
    let columns: Vec<usize> = headers
        .iter()
        .map(|h| spec.column_index(h).expect("a column of the spec"))
        .collect();
    let mut rows: Vec<Vec<Value>> = csv
        .records()
        .map(|rec| {
            let rec = rec.expect("a CSV record");
            let mut values = vec![Value::Null; spec.columns.len()];
            for (cell, &c) in rec.iter().zip(&columns) {
                if !cell.is_empty() {
                    values[c] = spec.columns[c].kind.parse(cell).expect("a valid cell");
                }
            }
            values
        })
        .collect();
    rows.sort();
    rows
}

/// Returns the spec of a file named `name.csv`.
pub fn spec_of(file_name: &str) -> &'static FileSpec {
    file_spec(file_name.trim_end_matches(".csv")).expect("a dataset file")
}
