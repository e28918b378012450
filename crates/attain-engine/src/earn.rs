//! What a component earns in a window, `E = RHE2(g(C))` (compensation.md §3–4), computed exactly.
//!
//! Units: credit `C` and target `Q` are cents; attainments, rates, weights and curve payouts are
//! millionths (`Ratio`). Nothing is rounded before the one `RHE2` at the end.
//!
//! **commission**: `f(C) = Σ r_i × max(0, min(C, b_i Q) − a_i Q) + r_0 × min(0, C)`. Scaled by
//! 10^12 (cents × millionths × millionths) every term is an integer:
//! `r_i × (min(C·10^6, b_i·Q) − a_i·Q)`. With `|C|, Q < 10^15` cents (ten trillion) and rates
//! and bounds below 10^9 millionths (1000 ×), a term stays below 10^15·10^6·10^9 = 10^30, far
//! inside `i128` (1.7·10^38); every step is checked regardless.
//!
//! **payout_curve**: between points `j` and `j+1`, with `Δa`, `Δp` their differences,
//! `curve = p_j + Δp (C/Q − a_j)/Δa = N / (10^6 · D)` where `N = p_j·Q·Δa + Δp·(C·10^6 − a_j·Q)`
//! and `D = Q·Δa`; and `TI = K / (12·10^6)` cents with `K = target_incentive × weight × months`.
//! So `f = K·N / (12·10^12·D)`. `K` reaches 10^13·10^6·12 ≈ 10^20 and `N` 10^30, so `K·N`
//! (10^50) does not fit `i128`: it is formed in 256 bits by [`crate::exact::mul_div_rhe`], which
//! also divides and rounds. `N` and `D` are reduced by their gcd first; every `i128` step is
//! checked, and a result too large to represent is an error, never a wrong number.

use crate::exact::mul_div_rhe;
use crate::input::{Component, CurvePoint, Tier};
use attain_domain::rounding::div_rhe;
use attain_domain::vocab::Method;
use attain_domain::{Money, Ratio};

const MICRO: i128 = Ratio::SCALE as i128;

/// A window's amounts are too large to compute exactly in the engine's integer range.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the amounts are too large to compute exactly")]
pub struct Overflow;

/// Returns `E = RHE2(g(C))` in cents for a window with period-to-date credit `c` and whole-period
/// target `q` (cents), or `Ok(None)` when `q` is 0 (then `g = 0`, and the caller warns).
/// `months` is the number of months of the window, for the payout curve's `TI`.
pub fn earned(
    component: &Component,
    target_incentive: Option<Money>,
    months: u32,
    c: i64,
    q: i64,
) -> Result<Option<i64>, Overflow> {
    if q == 0 {
        return Ok(None);
    }
    let f = match component.method {
        Method::Commission => commission(&component.tiers, i128::from(c), i128::from(q))?,
        Method::PayoutCurve => {
            let ti = target_incentive.map_or(0, Money::cents);
            let k = i128::from(ti)
                .checked_mul(i128::from(component.weight.micros()))
                .and_then(|x| x.checked_mul(i128::from(months)))
                .ok_or(Overflow)?;
            curve(&component.curve, k, i128::from(c), i128::from(q))?
        }
    };
    let f = match component.cap {
        // The cap is whole cents, so capping after rounding equals rounding after capping.
        Some(cap) => f.min(i128::from(cap.cents())),
        None => f,
    };
    i64::try_from(f).map(Some).map_err(|_| Overflow)
}

/// Returns the commission `RHE2(f(C))` in cents.
fn commission(tiers: &[Tier], c: i128, q: i128) -> Result<i128, Overflow> {
    let c6 = c.checked_mul(MICRO).ok_or(Overflow)?;
    let mut scaled: i128 = 0;
    for t in tiers {
        let from = i128::from(t.from.micros()).checked_mul(q).ok_or(Overflow)?;
        let upper = match t.to {
            Some(to) => c6.min(i128::from(to.micros()).checked_mul(q).ok_or(Overflow)?),
            None => c6,
        };
        let slice = (upper - from).max(0);
        let term = slice
            .checked_mul(i128::from(t.rate.micros()))
            .ok_or(Overflow)?;
        scaled = scaled.checked_add(term).ok_or(Overflow)?;
    }
    if c < 0 {
        // Credit below zero is charged back at the rate of the band that starts at 0.
        let r0 = tiers
            .iter()
            .find(|t| t.from == Ratio::ZERO)
            .map_or(0, |t| i128::from(t.rate.micros()));
        let term = c6.checked_mul(r0).ok_or(Overflow)?;
        scaled = scaled.checked_add(term).ok_or(Overflow)?;
    }
    Ok(div_rhe(scaled, MICRO * MICRO))
}

/// Returns `RHE2(TI × curve(C/Q))` in cents, where `TI = k / (12 · 10^6)` cents.
fn curve(points: &[CurvePoint], k: i128, c: i128, q: i128) -> Result<i128, Overflow> {
    let (Some(first), Some(last)) = (points.first(), points.last()) else {
        return Ok(0);
    };
    let c6 = c.checked_mul(MICRO).ok_or(Overflow)?;
    // a ≥ a_j  ⟺  C·10^6 ≥ a_j·Q, since Q > 0.
    let at_least = |p: &CurvePoint| -> Result<bool, Overflow> {
        Ok(c6
            >= i128::from(p.attainment.micros())
                .checked_mul(q)
                .ok_or(Overflow)?)
    };
    if !at_least(first)? {
        return Ok(0);
    }
    let twelve_e12 = 12 * MICRO * MICRO;
    if at_least(last)? {
        return mul_div_rhe(k, i128::from(last.payout.micros()), twelve_e12).ok_or(Overflow);
    }
    // The last point whose attainment is ≤ a; a is below the last point, so j + 1 exists.
    let mut j = 0;
    while j + 1 < points.len() && at_least(&points[j + 1])? {
        j += 1;
    }
    let (pj, pk) = (points[j], points[j + 1]);
    let da = i128::from(pk.attainment.micros() - pj.attainment.micros());
    let dp = i128::from(pk.payout.micros() - pj.payout.micros());
    let d = q.checked_mul(da).ok_or(Overflow)?;
    let offset = c6
        .checked_sub(
            i128::from(pj.attainment.micros())
                .checked_mul(q)
                .ok_or(Overflow)?,
        )
        .ok_or(Overflow)?;
    let n = i128::from(pj.payout.micros())
        .checked_mul(d)
        .and_then(|x| x.checked_add(dp.checked_mul(offset)?))
        .ok_or(Overflow)?;
    let g = gcd(n, d);
    let (n, d) = (n / g, d / g);
    let den = twelve_e12.checked_mul(d).ok_or(Overflow)?;
    mul_div_rhe(k, n, den).ok_or(Overflow)
}

/// Returns the greatest common divisor of `a` and `b` (positive; 1 when both are 0).
fn gcd(a: i128, b: i128) -> i128 {
    let (mut a, mut b) = (a.unsigned_abs(), b.unsigned_abs());
    while b != 0 {
        (a, b) = (b, a % b);
    }
    i128::try_from(a.max(1)).unwrap_or(1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use attain_domain::vocab::{Metric, Period};

    fn r(s: &str) -> Ratio {
        Ratio::parse(s).unwrap()
    }

    fn money(s: &str) -> i64 {
        Money::parse(s).unwrap().cents()
    }

    fn commission_component(tiers: &[(&str, Option<&str>, &str)], cap: Option<&str>) -> Component {
        Component {
            plan_id: "p".into(),
            component: "c".into(),
            metric: Metric::Bookings,
            method: Method::Commission,
            period: Period::Year,
            weight: Ratio::ONE,
            cap: cap.map(|c| Money::parse(c).unwrap()),
            tiers: tiers
                .iter()
                .map(|(from, to, rate)| Tier {
                    from: r(from),
                    to: to.map(r),
                    rate: r(rate),
                })
                .collect(),
            curve: Vec::new(),
        }
    }

    fn curve_component(points: &[(&str, &str)], weight: &str, cap: Option<&str>) -> Component {
        Component {
            method: Method::PayoutCurve,
            weight: r(weight),
            curve: points
                .iter()
                .map(|(a, p)| CurvePoint {
                    attainment: r(a),
                    payout: r(p),
                })
                .collect(),
            ..commission_component(&[], cap)
        }
    }

    fn worked_example_tiers() -> Component {
        commission_component(
            &[
                ("0", Some("0.5"), "0.02"),
                ("0.5", Some("1.0"), "0.05"),
                ("1.0", None, "0.08"),
            ],
            None,
        )
    }

    fn e(c: &Component, ti: Option<&str>, months: u32, credit: &str, target: &str) -> Option<i64> {
        earned(
            c,
            ti.map(|t| Money::parse(t).unwrap()),
            months,
            money(credit),
            money(target),
        )
        .unwrap()
    }

    #[test]
    fn marginal_tiers_pay_each_slice_at_its_band_rate() {
        let c = worked_example_tiers();
        // compensation.md §7: 700.00, 1,950.00, 5,400.00, 2,950.00.
        assert_eq!(e(&c, None, 12, "35000", "120000"), Some(money("700")));
        assert_eq!(e(&c, None, 12, "75000", "120000"), Some(money("1950")));
        assert_eq!(e(&c, None, 12, "135000", "120000"), Some(money("5400")));
        assert_eq!(e(&c, None, 12, "95000", "120000"), Some(money("2950")));
    }

    #[test]
    fn negative_credit_is_charged_back_at_the_first_band_rate() {
        let c = worked_example_tiers();
        // −1,000.00 × 2 % = −20.00, whatever the later bands pay.
        assert_eq!(e(&c, None, 12, "-1000", "120000"), Some(money("-20")));
    }

    #[test]
    fn commission_rounds_once_half_to_even() {
        let c = commission_component(&[("0", None, "0.015")], None);
        // 0.015 × 1.00 = 0.015 → 0.02 (half to even: 1.5 cents → 2); 0.015 × 3.00 = 0.045 → 0.04.
        assert_eq!(e(&c, None, 1, "1.00", "100"), Some(2));
        assert_eq!(e(&c, None, 1, "3.00", "100"), Some(4));
        assert_eq!(e(&c, None, 1, "-3.00", "100"), Some(-4));
    }

    #[test]
    fn a_cap_limits_what_a_window_earns() {
        let c = commission_component(&[("0", None, "0.10")], Some("500"));
        assert_eq!(e(&c, None, 12, "4000", "1000"), Some(money("400")));
        assert_eq!(e(&c, None, 12, "9000", "1000"), Some(money("500")));
        // A cap bounds earnings from above only: a clawback is not limited by it.
        assert_eq!(e(&c, None, 12, "-9000", "1000"), Some(money("-900")));
    }

    #[test]
    fn a_window_without_target_earns_nothing() {
        let c = worked_example_tiers();
        assert_eq!(e(&c, None, 12, "35000", "0"), None);
    }

    #[test]
    fn the_payout_curve_interpolates_linearly_between_points() {
        // 0.5 → 0 %, 1.0 → 100 %, 2.0 → 300 %; TI 12,000 × 0.5 × 3/12 = 1,500.00 a quarter.
        let c = curve_component(&[("0.5", "0"), ("1.0", "1.0"), ("2.0", "3.0")], "0.5", None);
        let ti = Some("12000");
        assert_eq!(
            e(&c, ti, 3, "499.99", "1000"),
            Some(0),
            "below the first point"
        );
        assert_eq!(e(&c, ti, 3, "500", "1000"), Some(0));
        assert_eq!(e(&c, ti, 3, "750", "1000"), Some(money("750")));
        assert_eq!(e(&c, ti, 3, "1000", "1000"), Some(money("1500")));
        assert_eq!(e(&c, ti, 3, "1500", "1000"), Some(money("3000")));
        assert_eq!(e(&c, ti, 3, "2000", "1000"), Some(money("4500")));
        assert_eq!(
            e(&c, ti, 3, "5000", "1000"),
            Some(money("4500")),
            "flat past the last point"
        );
        // a = 1/3 between 0 and 1 → curve = 1/3; TI 100.00 → 33.333… → 33.33.
        let c = curve_component(&[("0", "0"), ("1", "1")], "1", None);
        assert_eq!(e(&c, Some("100"), 12, "1", "3"), Some(money("33.33")));
        // 2/3 → 66.666… → 66.67.
        assert_eq!(e(&c, Some("100"), 12, "2", "3"), Some(money("66.67")));
    }

    #[test]
    fn the_payout_curve_is_capped_and_weighted() {
        let c = curve_component(&[("0", "0"), ("1", "1"), ("2", "2")], "0.25", Some("2000"));
        // TI = 40,000 × 0.25 × 12/12 = 10,000; a = 1.5 → 15,000, capped at 2,000.
        assert_eq!(e(&c, Some("40000"), 12, "150", "100"), Some(money("2000")));
        // a = 0.1 → 1,000.
        assert_eq!(e(&c, Some("40000"), 12, "10", "100"), Some(money("1000")));
    }

    #[test]
    fn huge_curve_products_are_exact() {
        // TI of ten billion, a target of a trillion, thirds everywhere: no overflow, exact result.
        let c = curve_component(&[("0", "0"), ("3", "1")], "1", None);
        let got = e(
            &c,
            Some("10000000000"),
            12,
            "1000000000000",
            "1000000000000",
        )
        .unwrap();
        assert_eq!(got, money("3333333333.33"));
    }
}
