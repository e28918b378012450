//! The rules of compensation.md, one hand-checked case each, on the pure engine (no database),
//! and property tests of the invariants the rules promise.

#![allow(clippy::unwrap_used)] // a test that fails should panic

use attain_domain::vocab::{Method, Metric, Period, Scope, TxKind};
use attain_domain::{Date, FiscalCalendar, Money, NamedBy, Percent, Ratio, parse_date};
use attain_engine::input::{CurvePoint, Tier};
use attain_engine::{
    ComponentRow, Inputs, InputsBuilder, Results, TransactionRow, calculate, lock_through,
};
use proptest::prelude::*;

fn d(s: &str) -> Date {
    parse_date(s).unwrap()
}

fn m(s: &str) -> Money {
    Money::parse(s).unwrap()
}

fn pct(s: &str) -> Percent {
    Percent::parse(s).unwrap()
}

fn r(s: &str) -> Ratio {
    Ratio::parse(s).unwrap()
}

/// A company under construction, with short-hands for the rows tests need.
struct Co {
    b: InputsBuilder,
    n: usize,
}

impl Co {
    fn new(year: i32) -> Co {
        Co::with_calendar(year, FiscalCalendar::default())
    }

    fn with_calendar(year: i32, cal: FiscalCalendar) -> Co {
        Co {
            b: InputsBuilder::new(year, cal),
            n: 0,
        }
    }

    /// A booking owned by `owner` with `(person, percent)` splits; returns its id.
    fn booking(
        &mut self,
        date: &str,
        amount: &str,
        owner: &str,
        splits: &[(&str, &str)],
    ) -> String {
        self.tx(
            TxKind::Booking,
            date,
            amount,
            "0",
            None,
            Some(owner),
            None,
            splits,
        )
    }

    #[allow(clippy::too_many_arguments)]
    fn tx(
        &mut self,
        kind: TxKind,
        date: &str,
        amount: &str,
        margin: &str,
        account: Option<&str>,
        owner: Option<&str>,
        reverses: Option<&str>,
        splits: &[(&str, &str)],
    ) -> String {
        self.n += 1;
        let id = format!("x{}", self.n);
        let splits: Vec<(&str, Percent)> = splits.iter().map(|(p, s)| (*p, pct(s))).collect();
        self.b.transaction(
            TransactionRow {
                id: &id,
                date: d(date),
                kind,
                amount: m(amount),
                margin: m(margin),
                account,
                owner,
                reverses,
            },
            &splits,
        );
        id
    }

    fn reversal(
        &mut self,
        date: &str,
        amount: &str,
        original: &str,
        owner: Option<&str>,
    ) -> String {
        self.tx(
            TxKind::Booking,
            date,
            amount,
            "0",
            None,
            owner,
            Some(original),
            &[],
        )
    }

    /// A one-component plan assigned to `person`.
    fn plan(&mut self, person: &str, period: Period, method: Method, ti: Option<&str>) {
        self.plan_with(person, period, method, ti, None, None);
    }

    fn plan_with(
        &mut self,
        person: &str,
        period: Period,
        method: Method,
        ti: Option<&str>,
        weight: Option<&str>,
        cap: Option<&str>,
    ) {
        self.b.component(ComponentRow {
            plan_id: "p",
            component: "c",
            metric: Metric::Bookings,
            method,
            period,
            weight: weight.map(r),
            cap: cap.map(m),
        });
        self.b.assignment(person, "p", ti.map(m));
    }

    fn tier(&mut self, from: &str, to: Option<&str>, rate: &str) {
        self.b
            .tier(
                "p",
                "c",
                Tier {
                    from: r(from),
                    to: to.map(r),
                    rate: r(rate),
                },
            )
            .unwrap();
    }

    fn point(&mut self, attainment: &str, payout: &str) {
        self.b
            .curve_point(
                "p",
                "c",
                CurvePoint {
                    attainment: r(attainment),
                    payout: r(payout),
                },
            )
            .unwrap();
    }

    fn monthly_target(&mut self, person: &str, amount: &str) {
        for month in 1..=12 {
            self.b
                .target(Scope::Person, person, month, Metric::Bookings, m(amount))
                .unwrap();
        }
    }

    fn build(self) -> Inputs {
        self.b.build()
    }

    fn calc(self) -> Results {
        calculate(&self.build()).unwrap()
    }
}

/// Returns `(direct, override)` of a person's bookings in a month (zeros when left out).
fn credit(res: &Results, person: &str, month: u32) -> (Money, Money) {
    res.credits
        .iter()
        .find(|c| c.person_id == person && c.month == month && c.metric == Metric::Bookings)
        .map_or((Money::ZERO, Money::ZERO), |c| {
            (c.direct, c.override_credit)
        })
}

fn direct(res: &Results, person: &str, month: u32) -> Money {
    credit(res, person, month).0
}

fn overriding(res: &Results, person: &str, month: u32) -> Money {
    credit(res, person, month).1
}

/// Returns the payout rows of a person's only component, months 1–12.
fn payouts<'a>(res: &'a Results, person: &str) -> Vec<&'a attain_engine::PayoutRow> {
    let rows: Vec<_> = res
        .payouts
        .iter()
        .filter(|p| p.person_id == person)
        .collect();
    assert_eq!(rows.len(), 12, "twelve payout rows for {person}");
    rows
}

fn etd(res: &Results, person: &str) -> Vec<Money> {
    payouts(res, person)
        .iter()
        .map(|p| p.earned_to_date)
        .collect()
}

fn pay(res: &Results, person: &str) -> Vec<Money> {
    payouts(res, person).iter().map(|p| p.payout).collect()
}

fn money_list(items: &[&str]) -> Vec<Money> {
    items.iter().map(|s| m(s)).collect()
}

/// The worked example of compensation.md §7, with its tiers.
fn worked_example() -> Co {
    let mut co = Co::new(2026);
    co.b.person("m1", None, Some("t1"));
    co.b.person("r1", Some("m1"), Some("t1"));
    co.b.person("r2", None, Some("t1"));
    co.plan("r1", Period::Year, Method::Commission, None);
    co.tier("0", Some("0.5"), "0.02");
    co.tier("0.5", Some("1.0"), "0.05");
    co.tier("1.0", None, "0.08");
    co.monthly_target("r1", "10000");
    co.booking("2026-01-15", "50000", "r1", &[("r2", "30")]);
    let feb = co.booking("2026-02-10", "40000", "r1", &[]);
    co.booking("2026-03-20", "60000", "r1", &[]);
    co.tx(
        TxKind::Booking,
        "2026-04-02",
        "-40000",
        "0",
        None,
        Some("r1"),
        Some(&feb),
        &[],
    );
    co
}

#[test]
fn the_worked_example_pays_700_1250_3450_and_claws_back_2450() {
    let res = worked_example().calc();
    assert_eq!(direct(&res, "r1", 1), m("35000"));
    assert_eq!(direct(&res, "r2", 1), m("15000"));
    assert_eq!(overriding(&res, "m1", 1), m("35000"));
    assert_eq!(overriding(&res, "m1", 4), m("-40000"));
    let mut expected = money_list(&["700", "1250", "3450", "-2450"]);
    expected.extend([Money::ZERO; 8]);
    assert_eq!(pay(&res, "r1"), expected);
    assert_eq!(etd(&res, "r1")[11], m("2950"));
    assert!(res.warnings.is_empty(), "{:?}", res.warnings);
}

#[test]
fn three_splits_of_a_third_round_each_and_the_owner_keeps_the_remainder() {
    let mut co = Co::new(2026);
    let splits = [("a", "33.3333"), ("b", "33.3333"), ("c", "33.3333")];
    co.booking("2026-01-05", "100.01", "o", &splits);
    let res = co.calc();
    // 100.01 × 0.333333 = 33.336633… → 33.34 each; the owner keeps 100.01 − 100.02 = −0.01.
    for p in ["a", "b", "c"] {
        assert_eq!(direct(&res, p, 1), m("33.34"));
    }
    assert_eq!(direct(&res, "o", 1), m("-0.01"));
}

#[test]
fn a_split_rounds_half_to_even() {
    let mut co = Co::new(2026);
    // 0.05 × 50 % = 0.025 → 0.02; 0.07 × 50 % = 0.035 → 0.04.
    co.booking("2026-01-05", "0.05", "o", &[("a", "50")]);
    co.booking("2026-02-05", "0.07", "o", &[("a", "50")]);
    let res = co.calc();
    assert_eq!(direct(&res, "a", 1), m("0.02"));
    assert_eq!(direct(&res, "o", 1), m("0.03"));
    assert_eq!(direct(&res, "a", 2), m("0.04"));
    assert_eq!(direct(&res, "o", 2), m("0.03"));
}

#[test]
fn a_reversal_without_owner_or_splits_takes_back_what_its_original_gave() {
    let mut co = Co::new(2026);
    let x = co.booking(
        "2026-01-05",
        "100.01",
        "o",
        &[("a", "33.3333"), ("b", "20")],
    );
    co.reversal("2026-02-05", "-100.01", &x, None);
    // An owner of its own but no split rows: still the original's owner and splits.
    co.reversal("2026-03-05", "-100.01", &x, Some("o"));
    let res = co.calc();
    for p in ["o", "a", "b"] {
        assert_eq!(
            direct(&res, p, 2),
            Money::ZERO - direct(&res, p, 1),
            "{p} in February"
        );
        assert_eq!(
            direct(&res, p, 3),
            Money::ZERO - direct(&res, p, 1),
            "{p} in March"
        );
    }
    assert_eq!(direct(&res, "a", 2), m("-33.34"));
    assert_eq!(direct(&res, "b", 2), m("-20"));
}

#[test]
fn a_reversal_of_last_years_sale_takes_back_the_credit_in_this_year() {
    let mut co = Co::new(2026);
    let x = co.booking("2025-12-20", "1000", "o", &[("a", "25")]);
    co.reversal("2026-01-10", "-1000", &x, None);
    let res = co.calc();
    assert_eq!(direct(&res, "a", 1), m("-250"));
    assert_eq!(direct(&res, "o", 1), m("-750"));
    assert_eq!(
        res.transactions, 1,
        "only this year's transaction is credited"
    );
}

#[test]
fn override_credit_climbs_two_levels_and_follows_a_mid_year_reorganisation() {
    let mut co = Co::new(2026);
    co.b.person("vp", None, None);
    co.b.person("m1", Some("vp"), None);
    co.b.person("m2", Some("vp"), None);
    co.b.person("r", Some("m1"), None);
    // From 15 May, r reports to m2; from 1 July m1 reports to nobody.
    co.b.reporting("r", Some("m2"), d("2026-05-15"));
    co.b.reporting("m1", None, d("2026-07-01"));
    co.booking("2026-03-01", "100", "r", &[]);
    co.booking("2026-05-14", "10", "r", &[]);
    co.booking("2026-05-15", "20", "r", &[]);
    co.booking("2026-07-01", "5", "m1", &[]);
    let res = co.calc();
    assert_eq!(overriding(&res, "m1", 3), m("100"));
    assert_eq!(overriding(&res, "vp", 3), m("100"), "two levels up");
    assert_eq!(
        overriding(&res, "m1", 5),
        m("10"),
        "before the reorganisation"
    );
    assert_eq!(overriding(&res, "m2", 5), m("20"), "from its first day");
    assert_eq!(overriding(&res, "vp", 5), m("30"));
    assert_eq!(
        overriding(&res, "vp", 7),
        Money::ZERO,
        "m1 no longer reports to vp"
    );
    let row = res
        .credits
        .iter()
        .find(|c| c.person_id == "vp" && c.month == 5)
        .unwrap();
    assert_eq!(row.credited, m("30"));
}

#[test]
fn a_fiscal_year_starting_in_april_named_by_its_end() {
    let cal = FiscalCalendar::new(4, NamedBy::End).unwrap();
    let mut co = Co::with_calendar(2027, cal);
    co.booking("2026-03-31", "1", "o", &[]);
    co.booking("2026-04-01", "2", "o", &[]);
    co.booking("2026-06-30", "3", "o", &[]);
    co.booking("2026-07-01", "4", "o", &[]);
    co.booking("2027-03-31", "5", "o", &[]);
    co.booking("2027-04-01", "6", "o", &[]);
    let res = co.calc();
    assert_eq!(res.transactions, 4);
    assert_eq!(direct(&res, "o", 1), m("2"));
    assert_eq!(direct(&res, "o", 3), m("3"));
    assert_eq!(direct(&res, "o", 4), m("4"));
    assert_eq!(direct(&res, "o", 12), m("5"));
}

#[test]
fn quarter_windows_accumulate_within_the_quarter_and_start_again() {
    let mut co = Co::new(2026);
    co.plan("r", Period::Quarter, Method::Commission, None);
    co.tier("0", None, "0.1");
    co.monthly_target("r", "1000");
    co.booking("2026-01-10", "100", "r", &[]);
    co.booking("2026-02-10", "200", "r", &[]);
    co.booking("2026-04-10", "50", "r", &[]);
    let res = co.calc();
    let rows = payouts(&res, "r");
    assert_eq!(rows[1].period_credit, m("300"));
    assert_eq!(
        rows[1].period_target,
        m("3000"),
        "the whole quarter's target"
    );
    assert_eq!(rows[1].attainment, Some(r("0.1")));
    assert_eq!(rows[3].period_credit, m("50"), "April starts Q2 afresh");
    assert_eq!(
        etd(&res, "r")[..5],
        money_list(&["10", "30", "30", "35", "35"])[..]
    );
    assert_eq!(pay(&res, "r")[3], m("5"));
}

#[test]
fn tiers_pay_marginally_and_a_negative_month_claws_back_at_the_first_rate() {
    let mut co = Co::new(2026);
    co.plan("r", Period::Month, Method::Commission, None);
    co.tier("0", Some("1"), "0.05");
    co.tier("1", None, "0.10");
    co.monthly_target("r", "1000");
    co.booking("2026-01-10", "1500", "r", &[]);
    co.booking("2026-02-10", "-200", "r", &[]);
    let res = co.calc();
    // January: 1,000 × 5 % + 500 × 10 % = 100; February: −200 × 5 % = −10.
    assert_eq!(pay(&res, "r")[..3], money_list(&["100", "-10", "0"])[..]);
    assert_eq!(etd(&res, "r")[1], m("90"));
}

#[test]
fn a_payout_curve_interpolates_on_a_share_of_target_incentive() {
    let mut co = Co::new(2026);
    co.plan("r", Period::Quarter, Method::PayoutCurve, Some("48000"));
    co.point("0.5", "0.2");
    co.point("1", "1");
    co.point("1.5", "2");
    co.monthly_target("r", "1000");
    co.booking("2026-01-10", "1500", "r", &[]); // a = 0.5 → 20 %
    co.booking("2026-02-10", "750", "r", &[]); // a = 0.75 → 60 %
    co.booking("2026-04-10", "4000", "r", &[]); // a = 4/3 → 1 + (1/3)/0.5 = 166.67 %
    let res = co.calc();
    // TI per quarter = 48,000 × 1 × 3/12 = 12,000.
    let e = etd(&res, "r");
    assert_eq!(e[0], m("2400"));
    assert_eq!(e[1], m("7200"));
    assert_eq!(e[2], m("7200"));
    // 12,000 × 5/3 = 20,000.00 exactly (4,000/3,000 = 4/3; (4/3 − 1)/0.5 = 2/3).
    assert_eq!(e[3], m("27200"));
    assert_eq!(pay(&res, "r")[3], m("20000"));
}

#[test]
fn a_cap_limits_each_window_and_a_weight_scales_target_incentive() {
    let mut co = Co::new(2026);
    co.plan_with(
        "r",
        Period::Month,
        Method::PayoutCurve,
        Some("120000"),
        Some("0.5"),
        Some("3000"),
    );
    co.point("0", "0");
    co.point("2", "2");
    co.monthly_target("r", "100");
    co.booking("2026-01-10", "50", "r", &[]); // TI = 120,000 × 0.5 / 12 = 5,000; a = 0.5 → 2,500
    co.booking("2026-02-10", "100", "r", &[]); // a = 1 → 5,000, capped at 3,000
    let res = co.calc();
    assert_eq!(pay(&res, "r")[..3], money_list(&["2500", "3000", "0"])[..]);
}

#[test]
fn a_window_without_target_earns_nothing_and_is_named_in_a_warning() {
    let mut co = Co::new(2026);
    co.plan("r", Period::Quarter, Method::Commission, None);
    co.tier("0", None, "0.1");
    for month in 1..=3 {
        co.b.target(Scope::Person, "r", month, Metric::Bookings, m("100"))
            .unwrap();
    }
    co.booking("2026-05-10", "1000", "r", &[]);
    let res = co.calc();
    assert!(pay(&res, "r").iter().all(|p| *p == Money::ZERO));
    let rows = payouts(&res, "r");
    assert_eq!(rows[4].attainment, None);
    assert_eq!(rows[4].period_credit, m("1000"));
    let warned: Vec<_> = res
        .warnings
        .iter()
        .filter(|w| w.contains("no target"))
        .collect();
    assert_eq!(warned.len(), 3, "Q2, Q3 and Q4: {warned:?}");
    assert!(
        warned[0].contains("person r")
            && warned[0].contains("component c")
            && warned[0].contains("Q2 of 2026")
    );
}

#[test]
fn locked_months_keep_their_payout_and_a_late_change_is_adjusted_in_the_first_open_month() {
    let co = worked_example();
    let inputs = co.build();
    let locked = lock_through(&inputs, 2).unwrap();
    assert_eq!(locked.months.len(), 2);
    assert_eq!(locked.months[0].total(), m("700"));
    assert_eq!(locked.months[1].total(), m("1250"));

    // A January booking arrives after January and February were paid.
    let mut co = worked_example();
    co.booking("2026-01-20", "10000", "r1", &[]);
    for lm in &locked.months {
        for p in &lm.paid {
            co.b.paid("r1", "p", "c", p.month, p.amount).unwrap();
        }
    }
    let res = co.calc();
    let rows = payouts(&res, "r1");
    assert!(rows[0].locked && rows[1].locked && !rows[2].locked);
    assert_eq!(
        rows[0].payout,
        m("700"),
        "what was paid is never recomputed"
    );
    assert_eq!(rows[1].payout, m("1250"));
    assert_eq!(rows[0].adjustment, None);
    // Now C(2) = 85,000: ETD(2) = 1,200 + 0.05 × 25,000 = 2,450; paid 1,950 → +500.00.
    assert_eq!(rows[1].earned_to_date, m("2450"));
    assert_eq!(rows[2].adjustment, Some(m("500")));
    // ETD(3) with C = 145,000: 1,200 + 3,000 + 0.08 × 25,000 = 6,200; paid 1,950.
    assert_eq!(rows[2].payout, m("4250"));
    assert_eq!(rows[3].adjustment, Some(Money::ZERO));
    let total: Money = rows.iter().map(|r| r.payout).sum();
    assert_eq!(
        total, rows[11].earned_to_date,
        "the year still pays exactly what was earned"
    );
}

#[test]
fn when_all_twelve_months_are_locked_the_unpaid_difference_is_a_warning() {
    let inputs = worked_example().build();
    let locked = lock_through(&inputs, 12).unwrap();
    assert_eq!(locked.months.len(), 12);
    assert!(locked.results.payouts.iter().all(|p| p.locked));
    let mut co = worked_example();
    co.booking("2026-06-01", "1000", "r1", &[]);
    for lm in &locked.months {
        for p in &lm.paid {
            co.b.paid("r1", "p", "c", p.month, p.amount).unwrap();
        }
    }
    let res = co.calc();
    assert_eq!(res.payout_total(), m("2950"), "nothing more is paid");
    let w: Vec<_> = res
        .warnings
        .iter()
        .filter(|w| w.contains("all twelve months"))
        .collect();
    assert_eq!(w.len(), 1, "{:?}", res.warnings);
    // C = 96,000: 1,200 + 0.05 × 36,000 = 3,000.00 earned, 2,950.00 paid.
    assert!(w[0].contains("50.00 earned is unpaid"), "{}", w[0]);
}

#[test]
fn locking_again_through_a_locked_month_changes_nothing() {
    let inputs = worked_example().build();
    let once = lock_through(&inputs, 3).unwrap();
    let mut co = worked_example();
    for lm in &once.months {
        for p in &lm.paid {
            co.b.paid("r1", "p", "c", p.month, p.amount).unwrap();
        }
    }
    let twice = lock_through(&co.build(), 3).unwrap();
    assert!(twice.months.is_empty());
    assert_eq!(twice.results.payouts, once.results.payouts);
}

#[test]
fn statements_add_adjustments_to_calculated_pay_for_assigned_and_adjusted_people() {
    let mut co = worked_example();
    co.b.adjustment("r1", 2, m("-50")).unwrap();
    co.b.adjustment("r1", 2, m("20.5")).unwrap();
    co.b.adjustment("r2", 5, m("100")).unwrap();
    let res = co.calc();
    let st: Vec<_> = res
        .statements
        .iter()
        .filter(|s| s.person_id == "r1")
        .collect();
    assert_eq!(st.len(), 12);
    assert_eq!(st[1].calculated, m("1250"));
    assert_eq!(st[1].adjustments, m("-29.50"));
    assert_eq!(st[1].total, m("1220.50"));
    let r2: Vec<_> = res
        .statements
        .iter()
        .filter(|s| s.person_id == "r2")
        .collect();
    assert_eq!(r2.len(), 12, "an adjustment alone gives a statement");
    assert_eq!(r2[4].total, m("100"));
    assert!(!res.statements.iter().any(|s| s.person_id == "m1"));
}

#[test]
fn territory_results_follow_the_account_moved_mid_year_and_roll_up() {
    let mut co = Co::new(2026);
    co.b.territory("co", None);
    co.b.territory("east", Some("co"));
    co.b.territory("west", Some("co"));
    co.b.territory("ny", Some("east"));
    co.b.account("a1", "ny");
    co.b.alignment("a1", "west", d("2026-03-10"));
    co.b.person("o", None, Some("west"));
    co.b.person("nobody", None, None);
    let sale = |co: &mut Co, date: &str, amount: &str, account: Option<&str>, owner: &str| {
        co.tx(
            TxKind::Revenue,
            date,
            amount,
            "10",
            account,
            Some(owner),
            None,
            &[],
        );
    };
    sale(&mut co, "2026-03-09", "100", Some("a1"), "o");
    sale(&mut co, "2026-03-10", "200", Some("a1"), "o");
    sale(&mut co, "2026-04-01", "40", None, "o");
    sale(&mut co, "2026-04-02", "1", None, "nobody");
    // east has its own March target; co has none: the sum of its children.
    co.b.target(Scope::Territory, "east", 3, Metric::Revenue, m("1000"))
        .unwrap();
    co.b.target(Scope::Territory, "ny", 3, Metric::Revenue, m("50"))
        .unwrap();
    co.b.target(Scope::Territory, "west", 3, Metric::Revenue, m("400"))
        .unwrap();
    let res = co.calc();
    let row = |t: &str, month: u32, metric: Metric| {
        res.territories
            .iter()
            .find(|r| r.territory_id == t && r.month == month && r.metric == metric)
            .cloned()
    };
    let ny = row("ny", 3, Metric::Revenue).unwrap();
    assert_eq!(
        (ny.actual, ny.target, ny.attainment),
        (m("100"), m("50"), Some(r("2")))
    );
    let east = row("east", 3, Metric::Revenue).unwrap();
    assert_eq!(
        (east.actual, east.target),
        (m("100"), m("1000")),
        "own rows win"
    );
    assert_eq!(row("west", 3, Metric::Revenue).unwrap().actual, m("200"));
    let top = row("co", 3, Metric::Revenue).unwrap();
    assert_eq!(
        (top.actual, top.target),
        (m("300"), m("1400")),
        "children's targets summed"
    );
    assert_eq!(row("co", 3, Metric::Margin).unwrap().actual, m("20"));
    assert_eq!(
        row("west", 4, Metric::Revenue).unwrap().actual,
        m("40"),
        "the owner's home"
    );
    assert!(
        row("co", 4, Metric::Bookings).is_none(),
        "all-zero rows are left out"
    );
    assert!(
        res.warnings
            .iter()
            .any(|w| w.contains("1 transaction(s) have no account"))
    );
}

#[test]
fn results_are_sorted_by_their_key_columns() {
    let mut co = Co::new(2026);
    co.tx(
        TxKind::Revenue,
        "2026-02-01",
        "5",
        "1",
        None,
        Some("b"),
        None,
        &[],
    );
    co.booking("2026-01-01", "5", "b", &[]);
    co.booking("2026-01-01", "5", "B", &[]);
    co.booking("2026-01-01", "5", "a", &[]);
    let res = co.calc();
    let keys: Vec<(String, u32, &str)> = res
        .credits
        .iter()
        .map(|c| (c.person_id.clone(), c.month, c.metric.as_str()))
        .collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted);
    assert_eq!(keys[0].0, "B", "ids in byte order");
    assert_eq!(
        keys.iter()
            .filter(|k| k.0 == "b" && k.1 == 2)
            .map(|k| k.2)
            .collect::<Vec<_>>(),
        ["margin", "revenue"]
    );
}

// ---- properties ----

fn percents() -> impl Strategy<Value = Vec<u32>> {
    // Up to four splits whose percents (in ten-thousandths) sum to at most 100 %.
    prop::collection::vec(0u32..=250_000, 0..4)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn split_credits_always_sum_to_the_amount(cents in -10_000_000_000i64..10_000_000_000, splits in percents()) {
        let mut co = Co::new(2026);
        let s: Vec<(String, String)> = splits
            .iter()
            .enumerate()
            .map(|(i, u)| (format!("s{i}"), Percent::from_units(i64::from(*u)).to_string()))
            .collect();
        let s: Vec<(&str, &str)> = s.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
        co.booking("2026-06-01", &Money::from_cents(cents).to_string(), "o", &s);
        let res = co.calc();
        let total: Money = res.credits.iter().map(|c| c.direct).sum();
        prop_assert_eq!(total, Money::from_cents(cents));
    }

    #[test]
    fn a_reversal_takes_back_exactly_its_originals_credit(cents in 1i64..10_000_000_000, splits in percents()) {
        let mut co = Co::new(2026);
        let s: Vec<(String, String)> = splits
            .iter()
            .enumerate()
            .map(|(i, u)| (format!("s{i}"), Percent::from_units(i64::from(*u)).to_string()))
            .collect();
        let s: Vec<(&str, &str)> = s.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
        let x = co.booking("2026-01-01", &Money::from_cents(cents).to_string(), "o", &s);
        co.reversal("2026-02-01", &Money::from_cents(-cents).to_string(), &x, None);
        let res = co.calc();
        for c in res.credits.iter().filter(|c| c.month == 1) {
            prop_assert_eq!(direct(&res, &c.person_id, 2), Money::ZERO - c.direct);
        }
    }

    #[test]
    fn without_locks_the_payouts_of_a_year_sum_to_earned_to_date_of_month_twelve(
        monthly in prop::collection::vec(-5_000_000i64..20_000_000, 12),
        period in prop::sample::select(vec![Period::Month, Period::Quarter, Period::Year]),
        curve in any::<bool>(),
    ) {
        let res = monthly_plan(&monthly, period, curve).calc();
        let rows = payouts(&res, "r");
        let total: Money = rows.iter().map(|p| p.payout).sum();
        prop_assert_eq!(total, rows[11].earned_to_date);
    }

    #[test]
    fn raising_a_months_credit_never_lowers_earned_to_date_then_or_later(
        monthly in prop::collection::vec(-5_000_000i64..20_000_000, 12),
        month in 0usize..12,
        raise in 1i64..10_000_000,
        period in prop::sample::select(vec![Period::Month, Period::Quarter, Period::Year]),
        curve in any::<bool>(),
    ) {
        let before = etd(&monthly_plan(&monthly, period, curve).calc(), "r");
        let mut raised = monthly.clone();
        raised[month] += raise;
        let after = etd(&monthly_plan(&raised, period, curve).calc(), "r");
        for k in month..12 {
            prop_assert!(after[k] >= before[k], "month {}: {} < {}", k + 1, after[k], before[k]);
        }
    }
}

/// A rep with one booking a month of the given cents, on a commission plan with non-negative
/// rates and a cap, or on a capped payout curve.
fn monthly_plan(monthly: &[i64], period: Period, curve: bool) -> Co {
    let mut co = Co::new(2026);
    let method = if curve {
        Method::PayoutCurve
    } else {
        Method::Commission
    };
    co.plan_with(
        "r",
        period,
        method,
        Some("60000"),
        Some("0.7"),
        Some("40000"),
    );
    if curve {
        co.point("0.5", "0.1");
        co.point("1", "1");
        co.point("1.5", "1.8");
    } else {
        co.tier("0", Some("0.5"), "0.03");
        co.tier("0.5", Some("1"), "0.07");
        co.tier("1", None, "0.12");
    }
    co.monthly_target("r", "100000");
    for (i, cents) in monthly.iter().enumerate() {
        let date = format!("2026-{:02}-15", i + 1);
        co.booking(&date, &Money::from_cents(*cents).to_string(), "r", &[]);
    }
    co
}
