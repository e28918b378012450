//! Exact integer arithmetic beyond `i128`: `a × b / d` rounded half to even, with the product
//! held in 256 bits. The payout curve needs it (see `earn.rs` for the magnitudes); everything
//! else fits `i128` and uses `attain_domain::rounding::div_rhe`.

use std::cmp::Ordering;

/// Returns the 256-bit product of two unsigned 128-bit numbers as `(high, low)` halves.
fn mul_wide(a: u128, b: u128) -> (u128, u128) {
    const MASK: u128 = u64::MAX as u128;
    let (a_hi, a_lo) = (a >> 64, a & MASK);
    let (b_hi, b_lo) = (b >> 64, b & MASK);
    let lo_lo = a_lo * b_lo;
    let hi_lo = a_hi * b_lo;
    let lo_hi = a_lo * b_hi;
    let hi_hi = a_hi * b_hi;
    // The middle column: its carries go to the high half.
    let mid = (lo_lo >> 64) + (hi_lo & MASK) + (lo_hi & MASK);
    let low = (mid << 64) | (lo_lo & MASK);
    let high = hi_hi + (hi_lo >> 64) + (lo_hi >> 64) + (mid >> 64);
    (high, low)
}

/// Divides the 256-bit `(high, low)` by `d` (`0 < d < 2^127`): returns quotient and remainder,
/// or `None` when the quotient does not fit 128 bits.
fn div_wide(high: u128, low: u128, d: u128) -> Option<(u128, u128)> {
    debug_assert!(d > 0 && d < (1 << 127));
    if high >= d {
        return None;
    }
    // Shift-and-subtract: the remainder stays below d < 2^127, so doubling it fits.
    let mut r = high;
    let mut q: u128 = 0;
    for i in (0..128).rev() {
        r = (r << 1) | ((low >> i) & 1);
        q <<= 1;
        if r >= d {
            r -= d;
            q |= 1;
        }
    }
    Some((q, r))
}

/// Returns `a × b / d` rounded half to even, exactly, or `None` if the result does not fit an
/// `i128`. `d` must not be zero.
pub fn mul_div_rhe(a: i128, b: i128, d: i128) -> Option<i128> {
    assert!(d != 0, "mul_div_rhe: division by zero is a caller bug");
    let negative = (a < 0) != (b < 0) && a != 0 && b != 0;
    let negative = negative != (d < 0);
    let d = d.unsigned_abs();
    if d >= 1 << 127 {
        return None;
    }
    let (high, low) = mul_wide(a.unsigned_abs(), b.unsigned_abs());
    let (mut q, r) = div_wide(high, low, d)?;
    // Half to even on the magnitude, which is the same as on the signed value.
    match (2 * r).cmp(&d) {
        Ordering::Greater => q += 1,
        Ordering::Equal if q % 2 == 1 => q += 1,
        _ => {}
    }
    let q = i128::try_from(q).ok()?;
    Some(if negative { -q } else { q })
}

#[cfg(test)]
mod tests {
    use super::*;
    use attain_domain::rounding::div_rhe;
    use proptest::prelude::*;

    #[test]
    fn products_beyond_128_bits_divide_exactly() {
        // (10^30 × 10^20 + 5 × 10^19) / 10^20: 10^30 plus a half, rounded to even.
        let a = 10i128.pow(30);
        let b = 10i128.pow(20);
        assert_eq!(mul_div_rhe(a, b, b), Some(a));
        assert_eq!(mul_div_rhe(3 * a, 7 * b, 21 * b), Some(a));
        assert_eq!(mul_div_rhe(-a, b, 2 * b), Some(-a / 2));
        // 5 / 2 = 2.5 → 2; 7 / 2 = 3.5 → 4; signs follow.
        assert_eq!(mul_div_rhe(5, 1, 2), Some(2));
        assert_eq!(mul_div_rhe(7, 1, 2), Some(4));
        assert_eq!(mul_div_rhe(-7, 1, 2), Some(-4));
        assert_eq!(mul_div_rhe(7, -1, -2), Some(4));
        assert_eq!(mul_div_rhe(i128::MAX, i128::MAX, 1), None);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        #[test]
        fn agrees_with_plain_rounding_where_the_product_fits(
            a in -(1i128 << 60)..(1i128 << 60),
            b in -(1i128 << 60)..(1i128 << 60),
            d in 1i128..(1i128 << 70),
            neg_d: bool,
        ) {
            let d = if neg_d { -d } else { d };
            prop_assert_eq!(mul_div_rhe(a, b, d), Some(div_rhe(a * b, d)));
        }

        #[test]
        fn a_wide_product_divided_by_a_factor_gives_the_other(
            a in 1i128..(1i128 << 100),
            b in 1i128..(1i128 << 100),
        ) {
            prop_assert_eq!(mul_div_rhe(a, b, b), Some(a));
        }
    }
}
