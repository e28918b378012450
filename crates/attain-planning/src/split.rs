//! Largest remainder: dividing a whole number of units among weighted shares exactly, in integer
//! arithmetic (planning.md §1–3).

/// Why a division could not be computed exactly.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the amounts and weights are too large to divide exactly")]
pub struct Overflow;

/// Divides `units` among `weights` by largest remainder and returns each share.
///
/// Share `i` first gets `floor(units × w_i / Σw)`; the units left over go one each to the
/// largest fractional parts `(units × w_i) mod Σw`, ties to the smaller index — so callers list
/// the shares in tie order (ids in byte order, months in order). A negative weight counts as 0;
/// when every weight is 0 the shares are weighed equally. The shares always sum to `units`.
pub fn largest_remainder(units: i64, weights: &[i128]) -> Result<Vec<i64>, Overflow> {
    if weights.is_empty() {
        return Ok(Vec::new());
    }
    let mut w: Vec<i128> = weights.iter().map(|&w| w.max(0)).collect();
    let mut total = w.iter().try_fold(0i128, |acc, &x| acc.checked_add(x));
    if total == Some(0) {
        w.iter_mut().for_each(|x| *x = 1);
        total = Some(w.len() as i128);
    }
    let total = total.ok_or(Overflow)?;
    let n = i128::from(units);
    let mut shares = Vec::with_capacity(w.len());
    let mut remainders = Vec::with_capacity(w.len());
    let mut given: i128 = 0;
    for &wi in &w {
        let product = n.checked_mul(wi).ok_or(Overflow)?;
        let q = product.div_euclid(total);
        remainders.push(product.rem_euclid(total));
        given += q;
        shares.push(i64::try_from(q).map_err(|_| Overflow)?);
    }
    let left = usize::try_from(n - given).map_err(|_| Overflow)?;
    if left > 0 {
        let mut order: Vec<usize> = (0..w.len()).collect();
        // Largest fractional part first; equal ones in index order (the sort is stable).
        order.sort_by(|&a, &b| remainders[b].cmp(&remainders[a]));
        for &i in order.iter().take(left) {
            shares[i] += 1;
        }
    }
    Ok(shares)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)] // a test that fails should panic

    use super::*;
    use proptest::prelude::*;

    #[test]
    fn leftover_units_go_to_the_largest_fractions_then_to_the_earlier_share() {
        // 10 × 1/3 = 3.33 each: one unit left, to the first of three equal fractions.
        assert_eq!(largest_remainder(10, &[1, 1, 1]).unwrap(), vec![4, 3, 3]);
        // 10 × (2, 3, 5)/10 is exact.
        assert_eq!(largest_remainder(10, &[2, 3, 5]).unwrap(), vec![2, 3, 5]);
        // 7 × (1, 2, 4)/7 … 1 × (1, 1, 5)/7 → floors 0,0,0; fractions 1,1,5 → the third.
        assert_eq!(largest_remainder(1, &[1, 1, 5]).unwrap(), vec![0, 0, 1]);
        // 5 × (1, 1)/2 = 2.5 each: the tie goes to the first.
        assert_eq!(largest_remainder(5, &[1, 1]).unwrap(), vec![3, 2]);
    }

    #[test]
    fn negative_weights_count_as_zero_and_all_zero_weighs_equally() {
        assert_eq!(largest_remainder(9, &[-4, 1, 2]).unwrap(), vec![0, 3, 6]);
        assert_eq!(largest_remainder(4, &[0, -1, 0]).unwrap(), vec![2, 1, 1]);
        assert_eq!(largest_remainder(4, &[]).unwrap(), Vec::<i64>::new());
    }

    #[test]
    fn sizes_beyond_exact_arithmetic_are_refused_not_rounded() {
        assert_eq!(
            largest_remainder(i64::MAX, &[i128::MAX / 2, 1]),
            Err(Overflow)
        );
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        #[test]
        fn shares_sum_to_the_units_and_each_is_within_one_of_its_exact_quota(
            units in 0i64..1_000_000_000, weights in prop::collection::vec(-5i128..1_000_000, 1..20)
        ) {
            let shares = largest_remainder(units, &weights).unwrap();
            prop_assert_eq!(shares.iter().sum::<i64>(), units);
            let w: Vec<i128> = weights.iter().map(|w| (*w).max(0)).collect();
            let total: i128 = w.iter().sum();
            if total > 0 {
                for (s, wi) in shares.iter().zip(&w) {
                    let floor = i128::from(units) * wi / total;
                    prop_assert!(i128::from(*s) == floor || i128::from(*s) == floor + 1);
                }
            }
        }
    }
}
