//! The planning cycle against the store, on SQLite and on PostgreSQL (when
//! `ATTAIN_TEST_POSTGRES_URL` names a server): weights read from imported data, drafts that
//! change nothing, approval that replaces the targets and keeps earlier versions readable, and
//! the reconciliation of a small company.

#![allow(clippy::unwrap_used)] // a test that fails should panic

use attain_dataset::{NoProgress, Source};
use attain_domain::Money;
use attain_domain::vocab::Metric;
use attain_planning::{
    Allocation, Basis, Params, ParamsText, PlanError, Status, TargetRow, approve, reconcile,
    run_allocate, version_people, version_rows, versions,
};
use attain_store::testing::TestDb;
use attain_store::{Executor, Store};

/// A small company: co → east (e1, e2), west (w1). e1 has two reps employed since before 2025
/// (r1, r4) and one hired in April 2026 (r2); e2's only rep (r3) leaves at the end of
/// September 2026; w1 has none. Accounts move between territories on both sides of the first
/// day of 2026; 2025 has four bookings.
const COMPANY: &[(&str, &str)] = &[
    (
        "territories.csv",
        "territory_id,name,parent_id
co,Company,
east,East,co
west,West,co
e1,East One,east
e2,East Two,east
w1,West One,west
",
    ),
    (
        "people.csv",
        "person_id,name,role,manager_id,territory_id,hire_date,end_date
vp,Vera Pike,executive,,co,,
me,Mia East,manager,vp,east,,
mw,Max West,manager,vp,west,,
r1,Rita One,rep,me,e1,2019-05-01,
r2,Raj Two,rep,me,e1,2026-04-15,
r3,Rosa Three,rep,me,e2,,2026-09-30
r4,Ron Four,rep,me,e1,2018-01-01,
old,Otto Old,rep,me,e1,2010-01-01,2025-12-31
",
    ),
    (
        "reporting.csv",
        "person_id,manager_id,start_date
r3,mw,2026-01-01
r1,mw,2026-03-01
",
    ),
    (
        "accounts.csv",
        "account_id,name,territory_id,annual_revenue
a1,Acme,e1,600000.00
a2,Bolt,e2,200000.00
a3,Core,w1,200000.00
a4,Dyne,w1,500000.00
",
    ),
    (
        "alignments.csv",
        "account_id,territory_id,start_date
a3,e2,2025-06-01
a1,w1,2026-02-01
",
    ),
    (
        "transactions.csv",
        "transaction_id,date,kind,amount,account_id,owner_id
t1,2025-03-01,booking,3000.00,a1,r1
t2,2025-05-01,booking,1000.00,a3,r3
t3,2025-07-01,booking,1000.00,a3,r3
t4,2025-08-01,booking,1000.00,a1,r4
t5,2025-08-01,revenue,9000.00,a4,r3
",
    ),
    (
        "targets.csv",
        "scope,scope_id,year,month,metric,amount
person,r1,2026,1,bookings,5.00
territory,e1,2026,5,bookings,7.00
person,old,2026,2,bookings,9.00
person,r1,2026,1,revenue,11.00
person,r1,2027,1,bookings,13.00
",
    ),
];

fn each_backend(test: impl Fn(&Store)) {
    for db in TestDb::all().expect("test databases can be created") {
        import(&db.store, COMPANY);
        test(&db.store);
    }
}

fn import(store: &Store, files: &[(&str, &str)]) {
    let source = Source::from_memory(
        files
            .iter()
            .map(|(n, c)| ((*n).to_owned(), c.as_bytes().to_vec()))
            .collect(),
    );
    attain_dataset::import(store, &source, "test", &NoProgress).unwrap();
}

fn params(total: &str, basis: &str) -> Params {
    Params::parse(&ParamsText {
        year: "2026",
        metric: "bookings",
        total,
        basis: Some(basis),
        ..ParamsText::default()
    })
    .unwrap()
}

fn allocate(store: &Store, p: &Params) -> Allocation {
    run_allocate(store, p, false, "tester", &NoProgress)
        .unwrap()
        .allocation
}

/// Returns every target row of the store, sorted, as `scope scope_id year month metric amount`.
fn targets(store: &Store) -> Vec<String> {
    let mut rows: Vec<String> = store
        .conn()
        .unwrap()
        .query(
            "SELECT scope, scope_id, year, month, metric, amount FROM targets",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| {
            format!(
                "{} {} {} {} {} {}",
                r.text(0).unwrap(),
                r.text(1).unwrap(),
                r.int(2).unwrap(),
                r.int(3).unwrap(),
                r.text(4).unwrap(),
                r.money(5).unwrap()
            )
        })
        .collect();
    rows.sort();
    rows
}

fn as_target_lines(year: i32, metric: Metric, rows: &[TargetRow]) -> Vec<String> {
    let mut lines: Vec<String> = rows
        .iter()
        .map(|r| {
            format!(
                "{} {} {year} {} {metric} {}",
                r.scope, r.scope_id, r.month, r.amount
            )
        })
        .collect();
    lines.sort();
    lines
}

fn annual(a: &Allocation, person: &str) -> Money {
    a.people
        .iter()
        .find(|p| p.person_id == person)
        .unwrap()
        .annual()
}

fn node_annual(a: &Allocation, id: &str) -> String {
    a.nodes
        .iter()
        .find(|n| n.territory_id == id)
        .unwrap()
        .annual
        .to_string()
}

#[test]
fn a_draft_version_changes_no_target() {
    each_backend(|store| {
        let before = targets(store);
        let done = run_allocate(
            store,
            &params("12000", "equal"),
            false,
            "tester",
            &NoProgress,
        )
        .unwrap();
        assert_eq!(done.version.version, 1);
        assert_eq!(done.version.status, Status::Draft);
        assert!(done.approval.is_none());
        assert_eq!(targets(store), before);
        let rows = version_rows(store, 2026, Metric::Bookings, 1).unwrap();
        // Company, six territories, four reps and three leaders, twelve months each.
        assert_eq!(rows.len(), (1 + 6 + 4 + 3) * 12);
        assert_eq!(rows, {
            let mut want = done.allocation.target_rows();
            want.sort_by(|a, b| {
                (a.scope, a.scope_id.as_bytes(), a.month).cmp(&(
                    b.scope,
                    b.scope_id.as_bytes(),
                    b.month,
                ))
            });
            want
        });
        let people = version_people(store, 2026, Metric::Bookings, 1).unwrap();
        let ids: Vec<&str> = people.iter().map(|p| p.person_id.as_str()).collect();
        assert_eq!(ids, ["me", "mw", "r1", "r2", "r3", "r4", "vp"]);
        assert_eq!((people[0].leaf.as_deref(), people[0].reps), (None, Some(3)));
        // r2 joins e1 on 15 April: 1,000.00 (3,000.00 / 3) less three months of 83.34.
        assert_eq!(people[3].leaf.as_deref(), Some("e1"));
        assert_eq!(people[3].assigned, Money::parse("1000").unwrap());
        assert_eq!(people[3].hire_gap, Money::parse("250.02").unwrap());
        let second = run_allocate(
            store,
            &params("24000", "equal"),
            false,
            "tester",
            &NoProgress,
        )
        .unwrap();
        assert_eq!(second.version.version, 2);
        let listed: Vec<(u32, Status)> = versions(store, 2026, Metric::Bookings)
            .unwrap()
            .iter()
            .map(|v| (v.version, v.status))
            .collect();
        assert_eq!(listed, [(2, Status::Draft), (1, Status::Draft)]);
        assert_eq!(targets(store), before);
    });
}

#[test]
fn approving_replaces_every_target_of_the_year_and_metric_and_keeps_earlier_versions_readable() {
    each_backend(|store| {
        allocate(store, &params("12000", "equal"));
        allocate(store, &params("24000", "potential"));
        let v1_rows = version_rows(store, 2026, Metric::Bookings, 1).unwrap();
        let v2_rows = version_rows(store, 2026, Metric::Bookings, 2).unwrap();
        let untouched = [
            "person r1 2026 1 revenue 11.00",
            "person r1 2027 1 bookings 13.00",
        ];

        let a = approve(store, 2026, Metric::Bookings, 1, "approver").unwrap();
        assert_eq!(a.superseded, None);
        assert_eq!(a.before.rows, 3);
        assert_eq!(a.before.person, Money::parse("14").unwrap());
        assert_eq!(a.after.company, Money::parse("12000").unwrap());
        assert_eq!(a.before.territory, Money::parse("7").unwrap());
        // Every node's annual target: 12,000 + 6,000 × 3 + 3,000 × 2.
        assert_eq!(a.after.territory, Money::parse("36000").unwrap());
        let mut want = as_target_lines(2026, Metric::Bookings, &v1_rows);
        want.extend(untouched.map(str::to_owned));
        want.sort();
        assert_eq!(
            targets(store),
            want,
            "the stale rows of 2026 bookings are gone"
        );

        let a = approve(store, 2026, Metric::Bookings, 2, "approver").unwrap();
        assert_eq!(a.superseded, Some(1));
        let mut want = as_target_lines(2026, Metric::Bookings, &v2_rows);
        want.extend(untouched.map(str::to_owned));
        want.sort();
        assert_eq!(targets(store), want);
        let listed: Vec<(u32, Status)> = versions(store, 2026, Metric::Bookings)
            .unwrap()
            .iter()
            .map(|v| (v.version, v.status))
            .collect();
        assert_eq!(listed, [(2, Status::Approved), (1, Status::Superseded)]);
        assert_eq!(
            version_rows(store, 2026, Metric::Bookings, 1).unwrap(),
            v1_rows,
            "an earlier version stays readable"
        );

        // Going back to version 1 is one more approval.
        let a = approve(store, 2026, Metric::Bookings, 1, "approver").unwrap();
        assert_eq!(a.superseded, Some(2));
        let mut conn = store.conn().unwrap();
        let audits = conn
            .query(
                "SELECT actor, entity_key, before_json, after_json FROM audit_log
                 WHERE action = 'approve' AND entity = 'plan_version' ORDER BY audit_id",
                &[],
            )
            .unwrap();
        assert_eq!(audits.len(), 3);
        assert_eq!(audits[0].text(0).unwrap(), "approver");
        assert_eq!(audits[0].text(1).unwrap(), "2026/bookings/1");
        let before: serde_json::Value = serde_json::from_str(audits[1].text(2).unwrap()).unwrap();
        let after: serde_json::Value = serde_json::from_str(audits[1].text(3).unwrap()).unwrap();
        assert_eq!(before["approved_version"], 1);
        assert_eq!(before["company"], "12000.00");
        assert_eq!(after["approved_version"], 2);
        assert_eq!(after["company"], "24000.00");
        let drafts = conn
            .query_one(
                "SELECT COUNT(*) FROM audit_log WHERE action = 'allocate'",
                &[],
            )
            .unwrap()
            .int(0)
            .unwrap();
        assert_eq!(drafts, 2);
    });
}

#[test]
fn approving_a_version_that_does_not_exist_is_refused_and_changes_nothing() {
    each_backend(|store| {
        let before = targets(store);
        let e = approve(store, 2026, Metric::Bookings, 4, "approver").unwrap_err();
        assert!(
            matches!(&e, PlanError::Refused(m) if m == "there is no version 4 of 2026 bookings"),
            "{e}"
        );
        assert_eq!(targets(store), before);
    });
}

#[test]
fn allocate_with_approve_saves_and_approves_in_one_step() {
    each_backend(|store| {
        let done =
            run_allocate(store, &params("12000", "equal"), true, "ops", &NoProgress).unwrap();
        assert_eq!(done.version.status, Status::Approved);
        assert_eq!(done.version.approved_by.as_deref(), Some("ops"));
        let approval = done.approval.unwrap();
        assert_eq!(approval.after.company, Money::parse("12000").unwrap());
        let t = targets(store);
        assert!(
            t.contains(&"company co 2026 1 bookings 1000.00".to_owned()),
            "{t:?}"
        );
        assert!(!t.iter().any(|r| r.starts_with("person old ")));
    });
}

#[test]
fn prior_year_weights_are_last_years_territory_actuals_and_credits() {
    each_backend(|store| {
        // 2025 bookings: e1 4,000 (t1, t4), e2 1,000 (t3: a3 had moved), w1 1,000 (t2).
        let a = allocate(store, &params("12000", "prior_year"));
        assert_eq!(
            ["east", "west", "e1", "e2", "w1"].map(|t| node_annual(&a, t)),
            ["10000.00", "2000.00", "8000.00", "2000.00", "2000.00"]
        );
        // e1: r1 3,000, r4 1,000, and r2 (hired 2026) their mean, 2,000: 4,000, 1,333, 2,667.
        let assigned = |p: &str| {
            a.people
                .iter()
                .find(|x| x.person_id == p)
                .unwrap()
                .assigned
                .to_string()
        };
        assert_eq!(
            ["r1", "r4", "r2"].map(assigned),
            ["4000.00", "1333.00", "2667.00"]
        );
        // The revenue metric weighs by revenue: only w1 had any (t5, a4).
        let mut p = params("12000", "prior_year");
        p.metric = Metric::Revenue;
        let a = allocate(store, &p);
        assert_eq!(node_annual(&a, "west"), "12000.00");
    });
}

#[test]
fn potential_weights_count_accounts_where_they_stood_on_the_first_day_of_the_year() {
    each_backend(|store| {
        // On 2026-01-01: a1 (600k) in e1 (it moves in February), a2 (200k) and a3 (200k, moved in
        // 2025) in e2, a4 (500k) in w1: east 1,000k, west 500k.
        let a = allocate(store, &params("15000", "potential"));
        assert_eq!(
            ["east", "west", "e1", "e2", "w1"].map(|t| node_annual(&a, t)),
            ["10000.00", "5000.00", "6000.00", "4000.00", "5000.00"]
        );
        // Reps of a leaf share it equally under potential.
        assert_eq!(annual(&a, "r1"), Money::parse("2000").unwrap());
    });
}

#[test]
fn leaders_follow_the_reporting_lines_of_the_first_day_of_the_year() {
    each_backend(|store| {
        // r3 reports to mw from 2026-01-01; r1's move on 2026-03-01 comes too late.
        let a = allocate(store, &params("12000", "equal"));
        let sum = |ids: &[&str]| ids.iter().map(|p| annual(&a, p)).sum::<Money>();
        assert_eq!(annual(&a, "me"), sum(&["r1", "r2", "r4"]));
        assert_eq!(annual(&a, "mw"), sum(&["r3"]));
        assert_eq!(annual(&a, "vp"), sum(&["r1", "r2", "r3", "r4"]));
    });
}

#[test]
fn reconcile_shows_every_node_with_its_children_over_assignment_and_gaps() {
    each_backend(|store| {
        let p = Params::parse(&ParamsText {
            year: "2026",
            metric: "bookings",
            total: "12000",
            overassign: Some("10"),
            ramp: Some("50"),
            ..ParamsText::default()
        })
        .unwrap();
        allocate(store, &p);
        let r = reconcile(store, 2026, Metric::Bookings, None).unwrap();
        assert!(r.problems.is_empty(), "{:?}", r.problems);
        // e1: 3,300 to three reps, 1,100 each; r2 is hired in April (months 1–3: 3 × 91.67 =
        // 275.01) and ramps to 50 % in April (91.67 → 45.84, a gap of 45.83). e2: r3 gets
        // 3,300 (275.00 a month) and leaves after September (825.00). w1 has no rep.
        let want = "\
version 1 of 2026 bookings (draft): basis equal, over-assignment 10 %, ramp 50, company target 12000.00
territory    target  children     reps  over-assigned  unassigned  hire gap  leaver gap  ramp gap
co         12000.00  12000.00  5454.16         600.00     6000.00    275.01      825.00     45.83
  east      6000.00   6000.00  5454.16         600.00                275.01      825.00     45.83
    e1      3000.00   2979.16  2979.16         300.00                275.01                 45.83
    e2      3000.00   2475.00  2475.00         300.00                            825.00
  west      6000.00   6000.00     0.00                    6000.00
    w1      6000.00      0.00     0.00                    6000.00
4 reps carry the leaves' targets; 3 leaders carry the sum of the reps below them
every territory equals the sum of its children in every month, and the company targets equal the root's
";
        assert_eq!(r.render(), want);
    });
}

#[test]
fn reconcile_takes_the_approved_version_else_the_latest_draft() {
    each_backend(|store| {
        let e = reconcile(store, 2026, Metric::Bookings, None).unwrap_err();
        assert_eq!(
            e.to_string(),
            "2026 bookings has no approved or draft allocation; run attain plan allocate first"
        );
        allocate(store, &params("12000", "equal"));
        allocate(store, &params("24000", "equal"));
        let r = reconcile(store, 2026, Metric::Bookings, None).unwrap();
        assert_eq!(r.version.version, 2);
        approve(store, 2026, Metric::Bookings, 1, "approver").unwrap();
        allocate(store, &params("36000", "equal"));
        let r = reconcile(store, 2026, Metric::Bookings, None).unwrap();
        assert_eq!((r.version.version, r.version.status), (1, Status::Approved));
        let r = reconcile(store, 2026, Metric::Bookings, Some(3)).unwrap();
        assert_eq!(r.nodes[0].target, Money::parse("36000").unwrap());
        assert_eq!(r.company, [Money::parse("3000").unwrap(); 12]);
    });
}

#[test]
fn a_year_with_a_basis_but_no_history_falls_back_to_equal_weights() {
    each_backend(|store| {
        let mut p = params("1200", "prior_year");
        p.year = 2031;
        let a = allocate(store, &p);
        assert_eq!(node_annual(&a, "east"), "600.00");
        assert_eq!(a.params.basis, Basis::PriorYear);
        assert!(
            a.people.iter().all(|x| x.person_id != "r3"),
            "r3 left in 2026"
        );
    });
}
