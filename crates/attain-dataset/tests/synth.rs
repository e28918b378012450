//! `attain gen`: the same options give the same bytes; a generated company satisfies the rules of
//! dataset.md and imports without errors on every backend; and import → export → import → export
//! gives back the same files (the dataset round trip).

// A test that cannot read its own fixtures should stop right there.
#![allow(clippy::unwrap_used)]

use attain_dataset::synth::{Options, generate};
use attain_dataset::{NoProgress, Source, export_dir, import};
use attain_store::testing::TestDb;
use proptest::prelude::*;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

fn options(people: u32, transactions: u64, seed: u64) -> Options {
    Options {
        people,
        transactions,
        seed,
        year: 2026,
        until: None,
        opportunities: None,
        activities: None,
    }
}

fn generated(options: &Options) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("a temporary folder");
    generate(dir.path(), options, &NoProgress).expect("generation succeeds");
    dir
}

/// Returns every file of a folder: name → bytes.
fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect()
}

/// Returns the rows of a dataset file as maps of column → value.
fn rows(dir: &Path, name: &str) -> Vec<BTreeMap<String, String>> {
    let mut reader = csv::Reader::from_path(dir.join(format!("{name}.csv"))).unwrap();
    let headers = reader.headers().unwrap().clone();
    reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            headers
                .iter()
                .zip(r.iter())
                .map(|(h, v)| (h.to_owned(), v.to_owned()))
                .collect()
        })
        .collect()
}

fn cents(s: &str) -> i64 {
    attain_domain::Money::parse(s).unwrap().cents()
}

fn import_dir(db: &TestDb, dir: &Path) -> attain_dataset::ImportReport {
    let source = Source::from_dir(dir).unwrap();
    match import(db, &source, "test", &NoProgress) {
        Ok(report) => report,
        Err(attain_dataset::ImportError::Invalid(errors)) => {
            panic!("import refused:\n{}", errors.join("\n"))
        }
        Err(e) => panic!("import failed: {e:?}"),
    }
}

#[test]
fn the_same_options_give_the_same_bytes_and_another_seed_other_bytes() {
    let a = generated(&options(30, 800, 7));
    let b = generated(&options(30, 800, 7));
    let c = generated(&options(30, 800, 8));
    assert_eq!(files(a.path()), files(b.path()));
    let (fa, fc) = (files(a.path()), files(c.path()));
    assert_eq!(fa.keys().collect::<Vec<_>>(), fc.keys().collect::<Vec<_>>());
    assert_ne!(fa["transactions.csv"], fc["transactions.csv"]);
    assert_ne!(fa["people.csv"], fc["people.csv"]);
}

#[test]
fn every_file_of_the_dataset_is_written_with_the_spec_columns() {
    let dir = generated(&options(12, 50, 1));
    let names: BTreeSet<String> = files(dir.path()).into_keys().collect();
    let expected: BTreeSet<String> = attain_dataset::spec::FILES
        .iter()
        .map(|f| f.file_name())
        .collect();
    assert_eq!(names, expected);
    for spec in attain_dataset::spec::FILES {
        let mut reader = csv::Reader::from_path(dir.path().join(spec.file_name())).unwrap();
        let header: Vec<String> = reader
            .headers()
            .unwrap()
            .iter()
            .map(str::to_owned)
            .collect();
        let columns: Vec<&str> = spec.columns.iter().map(|c| c.name).collect();
        assert_eq!(header, columns, "{}", spec.name);
    }
}

#[test]
fn too_small_a_company_or_year_out_of_range_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    assert!(generate(dir.path(), &options(3, 10, 1), &NoProgress).is_err());
    let far = Options {
        year: 1901,
        ..options(20, 10, 1)
    };
    assert!(generate(dir.path(), &far, &NoProgress).is_err());
}

#[test]
fn a_company_stopped_in_the_middle_of_its_year_has_no_future_and_a_whole_year_of_objectives() {
    let until = chrono::NaiveDate::from_ymd_opt(2026, 5, 14).unwrap();
    let dir = generated(&Options {
        until: Some(until),
        ..options(60, 3_000, 3)
    });
    check_rules(dir.path(), 3_000);
    let day = until.to_string();
    let after = |file: &str, column: &str| {
        rows(dir.path(), file)
            .into_iter()
            .filter(|r| !r[column].is_empty() && r[column] > day)
            .count()
    };
    assert_eq!(after("transactions", "date"), 0);
    assert_eq!(after("stage_history", "entered_date"), 0);
    assert_eq!(after("activities", "date"), 0);
    assert_eq!(after("people", "hire_date"), 0);
    assert_eq!(after("people", "end_date"), 0);
    assert!(
        rows(dir.path(), "adjustments")
            .iter()
            .all(|a| a["month"].parse::<u32>().unwrap() <= 5)
    );
    let opportunities = rows(dir.path(), "opportunities");
    for o in &opportunities {
        let closed = o["stage"] == "closed_won" || o["stage"] == "closed_lost";
        assert_eq!(closed, o["close_date"] <= day, "{o:?}");
    }
    assert!(
        opportunities
            .iter()
            .any(|o| !o["stage"].starts_with("closed") && o["close_date"].as_str() < "2026-12-31"),
        "deals closing later this year are still open"
    );
    let months: BTreeSet<String> = rows(dir.path(), "targets")
        .into_iter()
        .map(|t| t["month"].clone())
        .collect();
    assert_eq!(months.len(), 12, "objectives cover the whole year");
    let before = Options {
        until: chrono::NaiveDate::from_ymd_opt(2025, 12, 31),
        ..options(20, 10, 1)
    };
    assert!(generate(dir.path(), &before, &NoProgress).is_err());
}

#[test]
fn a_generated_company_keeps_the_rules_of_the_dataset() {
    let dir = generated(&options(60, 3_000, 3));
    check_rules(dir.path(), 3_000);
    assert!(!rows(dir.path(), "decision_step_contacts").is_empty());
    for file in [
        "meetings",
        "meeting_items",
        "meeting_attendance",
        "meeting_followups",
    ] {
        assert!(!rows(dir.path(), file).is_empty(), "{file}");
    }
    // Every rep has a territory plan for the year, most agreed by their manager, with the
    // sections of the template and key accounts they own.
    let people = rows(dir.path(), "people");
    let manager: BTreeMap<String, String> = people
        .iter()
        .map(|p| (p["person_id"].clone(), p["manager_id"].clone()))
        .collect();
    let reps: BTreeSet<String> = people
        .iter()
        .filter(|p| p["role"] == "rep")
        .map(|p| p["person_id"].clone())
        .collect();
    let plans = rows(dir.path(), "territory_plans");
    let planned: BTreeSet<String> = plans.iter().map(|p| p["person_id"].clone()).collect();
    assert_eq!(planned, reps);
    let agreed: Vec<_> = plans.iter().filter(|p| p["status"] == "agreed").collect();
    assert!(agreed.len() * 2 > plans.len(), "most plans are agreed");
    for p in agreed {
        assert_eq!(p["agreed_by_id"], manager[&p["person_id"]]);
    }
    assert_eq!(rows(dir.path(), "plan_sections").len(), reps.len() * 4);
    let owner: BTreeMap<String, String> = rows(dir.path(), "accounts")
        .into_iter()
        .map(|a| (a["account_id"].clone(), a["owner_id"].clone()))
        .collect();
    let keys = rows(dir.path(), "plan_key_accounts");
    assert!(!keys.is_empty());
    for k in keys {
        assert_eq!(owner[&k["account_id"]], k["person_id"]);
    }
}

/// Exports `first`, imports the export into the empty `second` and exports that; returns both
/// exports.
fn round_trip(first: &TestDb, second: &TestDb) -> [BTreeMap<String, Vec<u8>>; 2] {
    let once = tempfile::tempdir().unwrap();
    let twice = tempfile::tempdir().unwrap();
    export_dir(first, once.path(), &NoProgress).unwrap();
    import_dir(second, once.path());
    export_dir(second, twice.path(), &NoProgress).unwrap();
    [files(once.path()), files(twice.path())]
}

#[test]
fn a_generated_company_imports_without_errors_and_round_trips_on_every_backend() {
    let dir = generated(&options(20, 600, 11));
    let on_disk = files(dir.path());
    for (db, fresh) in TestDb::all()
        .unwrap()
        .into_iter()
        .zip(TestDb::all().unwrap())
    {
        let report = import_dir(&db, dir.path());
        for f in &report.files {
            let lines = on_disk[&f.file].iter().filter(|&&b| b == b'\n').count() as u64;
            assert_eq!(f.inserted, lines - 1, "{}", f.file);
        }
        // Importing the same folder again changes nothing.
        let again = import_dir(&db, dir.path());
        assert!(
            again
                .files
                .iter()
                .all(|f| f.inserted == 0 && f.updated == 0),
            "{:?}",
            again.files
        );
        let [once, twice] = round_trip(&db, &fresh);
        assert_eq!(once, twice, "{:?}", db.backend());
        // The generator writes every value in its canonical form: the export holds the same
        // lines, perhaps in another order.
        for (name, bytes) in &on_disk {
            assert_eq!(sorted_lines(bytes), sorted_lines(&once[name]), "{name}");
        }
    }
}

fn sorted_lines(bytes: &[u8]) -> Vec<&[u8]> {
    let mut lines: Vec<&[u8]> = bytes.split(|&b| b == b'\n').collect();
    lines.sort_unstable();
    lines
}

proptest! {
    // Each case makes two fresh stores; SQLite keeps that fast (PostgreSQL's CREATE DATABASE
    // alone takes a second), and the test above runs the round trip on every backend.
    #![proptest_config(ProptestConfig { cases: 6, ..ProptestConfig::default() })]

    #[test]
    fn generated_companies_survive_the_dataset_round_trip(
        people in 10u32..30,
        transactions in 0u64..400,
        seed in any::<u64>(),
        year in 2001i32..2040,
        until in proptest::option::of(0u64..400),
    ) {
        let until = until.and_then(|d| {
            chrono::NaiveDate::from_ymd_opt(year, 1, 1)?.checked_add_days(chrono::Days::new(d))
        });
        let dir = generated(&Options { people, transactions, seed, year, until, opportunities: None, activities: None });
        check_rules(dir.path(), transactions);
        let (first, second) = (TestDb::sqlite().unwrap(), TestDb::sqlite().unwrap());
        import_dir(&first, dir.path());
        let [once, twice] = round_trip(&first, &second);
        prop_assert_eq!(once, twice);
    }
}

/// Checks the rules of dataset.md that span rows and files, which a later importer may enforce.
fn check_rules(dir: &Path, transactions: u64) {
    // One territory tree with one root.
    let territories = rows(dir, "territories");
    let roots: Vec<&String> = territories
        .iter()
        .filter(|t| t["parent_id"].is_empty())
        .map(|t| &t["territory_id"])
        .collect();
    assert_eq!(roots.len(), 1);
    let parent: BTreeMap<&str, &str> = territories
        .iter()
        .map(|t| (t["territory_id"].as_str(), t["parent_id"].as_str()))
        .collect();

    // Reporting lines form a forest on every date.
    let people = rows(dir, "people");
    let reporting = rows(dir, "reporting");
    let mut dates: BTreeSet<&str> = reporting.iter().map(|r| r["start_date"].as_str()).collect();
    dates.insert("0000-01-01");
    for date in dates {
        let mut manager: BTreeMap<&str, &str> = people
            .iter()
            .map(|p| (p["person_id"].as_str(), p["manager_id"].as_str()))
            .collect();
        let mut first_row: BTreeMap<&str, &str> = BTreeMap::new();
        for r in &reporting {
            first_row
                .entry(r["person_id"].as_str())
                .or_insert(r["start_date"].as_str());
            if r["start_date"].as_str() <= date {
                manager.insert(&r["person_id"], &r["manager_id"]);
            }
        }
        for p in manager.keys() {
            let mut at = *p;
            for _ in 0..=manager.len() {
                match manager.get(at) {
                    Some(m) if !m.is_empty() => at = m,
                    _ => break,
                }
            }
            assert!(
                manager.get(at).is_none_or(|m| m.is_empty()),
                "a reporting cycle through {p} on {date}"
            );
        }
    }

    // Contacts report within their account; activities name contacts and opportunities of
    // their account.
    let contacts = rows(dir, "contacts");
    let contact_account: BTreeMap<&str, &str> = contacts
        .iter()
        .map(|c| (c["contact_id"].as_str(), c["account_id"].as_str()))
        .collect();
    for c in &contacts {
        if !c["reports_to_id"].is_empty() {
            assert_eq!(
                contact_account[c["reports_to_id"].as_str()],
                c["account_id"]
            );
        }
    }
    let opportunities = rows(dir, "opportunities");
    let opp_account: BTreeMap<&str, &str> = opportunities
        .iter()
        .map(|o| (o["opportunity_id"].as_str(), o["account_id"].as_str()))
        .collect();
    for a in rows(dir, "activities") {
        if !a["contact_id"].is_empty() {
            assert_eq!(contact_account[a["contact_id"].as_str()], a["account_id"]);
        }
        if !a["opportunity_id"].is_empty() {
            assert_eq!(opp_account[a["opportunity_id"].as_str()], a["account_id"]);
        }
    }
    // Key accounts, and only they, have a decision process: steps numbered 1..n ending in the
    // final decision, whose people are contacts of the account.
    let key: BTreeSet<String> = rows(dir, "accounts")
        .into_iter()
        .filter(|a| a["key_account"] == "true")
        .map(|a| a["account_id"].clone())
        .collect();
    let mut steps: BTreeMap<String, Vec<(u32, String)>> = BTreeMap::new();
    for s in rows(dir, "decision_steps") {
        steps
            .entry(s["account_id"].clone())
            .or_default()
            .push((s["step"].parse().unwrap(), s["name"].clone()));
    }
    assert_eq!(steps.keys().cloned().collect::<BTreeSet<_>>(), key);
    for list in steps.values() {
        let numbers: Vec<u32> = list.iter().map(|s| s.0).collect();
        assert_eq!(numbers, (1..=list.len() as u32).collect::<Vec<_>>());
        assert!(list.len() >= 3);
        assert_eq!(list.last().unwrap().1, "Final decision");
    }
    for p in rows(dir, "decision_step_contacts") {
        assert_eq!(contact_account[p["contact_id"].as_str()], p["account_id"]);
        let n: u32 = p["step"].parse().unwrap();
        assert!(steps[&p["account_id"]].iter().any(|s| s.0 == n));
    }
    // Each opportunity's history ends in its current stage.
    let mut last_stage: BTreeMap<String, (String, String)> = BTreeMap::new();
    for h in rows(dir, "stage_history") {
        let entry = last_stage.entry(h["opportunity_id"].clone()).or_default();
        assert!(h["entered_date"] > entry.1, "stage dates increase");
        *entry = (h["stage"].clone(), h["entered_date"].clone());
    }
    for o in &opportunities {
        assert_eq!(last_stage[&o["opportunity_id"]].0, o["stage"]);
    }

    // Exactly the transactions asked for; reversals undo an earlier row; splits leave the owner out
    // and sum to at most 100.
    let txs = rows(dir, "transactions");
    assert_eq!(txs.len() as u64, transactions);
    let by_id: BTreeMap<&str, &BTreeMap<String, String>> = txs
        .iter()
        .map(|t| (t["transaction_id"].as_str(), t))
        .collect();
    for t in &txs {
        if t["reverses_id"].is_empty() {
            assert!(!t["owner_id"].is_empty());
            continue;
        }
        let original = by_id[t["reverses_id"].as_str()];
        assert!(original["transaction_id"] < t["transaction_id"] && original["date"] <= t["date"]);
        assert_eq!(cents(&t["amount"]), -cents(&original["amount"]));
        assert_eq!(t["kind"], original["kind"]);
        assert!(t["owner_id"].is_empty() || t["owner_id"] == original["owner_id"]);
    }
    let mut split_sum: BTreeMap<String, i64> = BTreeMap::new();
    for s in rows(dir, "splits") {
        let tx = by_id[s["transaction_id"].as_str()];
        assert_ne!(
            tx["owner_id"], s["person_id"],
            "the owner is not in their own splits"
        );
        *split_sum.entry(s["transaction_id"].clone()).or_default() +=
            attain_domain::Percent::parse(&s["percent"])
                .unwrap()
                .units();
    }
    assert!(split_sum.values().all(|&p| p <= 100 * 10_000));

    // Targets: a leaf is the sum of its reps, a parent the sum of its children, the company the
    // root; every rep has targets.
    let mut target: BTreeMap<(String, String, String, String), i64> = BTreeMap::new();
    for t in rows(dir, "targets") {
        let key = (
            t["scope"].clone(),
            t["scope_id"].clone(),
            t["month"].clone(),
            t["metric"].clone(),
        );
        assert!(
            target.insert(key, cents(&t["amount"])).is_none(),
            "one row per key"
        );
    }
    let mut expected: BTreeMap<(String, String, String), i64> = BTreeMap::new();
    for ((scope, id, month, metric), amount) in &target {
        let into = match scope.as_str() {
            "person"
                if people
                    .iter()
                    .any(|p| p["person_id"] == *id && p["role"] == "rep") =>
            {
                people
                    .iter()
                    .find(|p| p["person_id"] == *id)
                    .map(|p| p["territory_id"].clone())
            }
            "territory" => Some(parent[id.as_str()].to_owned()).filter(|p| !p.is_empty()),
            _ => None,
        };
        if let Some(t) = into {
            *expected
                .entry((t, month.clone(), metric.clone()))
                .or_default() += amount;
        }
    }
    for ((scope, id, month, metric), amount) in &target {
        if scope == "territory" {
            assert_eq!(
                expected
                    .get(&(id.clone(), month.clone(), metric.clone()))
                    .copied()
                    .unwrap_or(0),
                *amount
            );
        }
    }
    let root = roots[0].clone();
    for ((scope, _, month, metric), amount) in &target {
        if scope == "company" {
            assert_eq!(
                target[&(
                    "territory".into(),
                    root.clone(),
                    month.clone(),
                    metric.clone()
                )],
                *amount
            );
        }
    }
    for p in people.iter().filter(|p| p["role"] == "rep") {
        assert!(target.contains_key(&(
            "person".into(),
            p["person_id"].clone(),
            "1".into(),
            "bookings".into()
        )));
    }

    // Plans: one year each; payout curve plans have a target incentive on every assignment.
    let plans = rows(dir, "plans");
    let curve_plans: BTreeSet<&str> = plans
        .iter()
        .filter(|p| p["method"] == "payout_curve")
        .map(|p| p["plan_id"].as_str())
        .collect();
    let plan_year: BTreeMap<&str, &str> = plans
        .iter()
        .map(|p| (p["plan_id"].as_str(), p["year"].as_str()))
        .collect();
    for a in rows(dir, "plan_assignments") {
        assert_eq!(plan_year[a["plan_id"].as_str()], a["year"]);
        if curve_plans.contains(a["plan_id"].as_str()) {
            assert!(!a["target_incentive"].is_empty());
        }
    }
    let assigned = rows(dir, "plan_assignments").len();
    assert_eq!(
        assigned,
        people.iter().filter(|p| p["role"] != "sales_ops").count()
    );
}

#[test]
fn opportunities_and_activities_can_be_asked_for_in_all() {
    let dir = generated(&Options {
        opportunities: Some(5_000),
        activities: Some(12_345),
        ..options(60, 1_000, 5)
    });
    let lines = |f: &str| {
        std::fs::read_to_string(dir.path().join(f))
            .unwrap()
            .lines()
            .count()
            - 1
    };
    assert_eq!(lines("opportunities.csv"), 5_000);
    assert_eq!(lines("activities.csv"), 12_345);
    check_rules(dir.path(), 1_000);
}
