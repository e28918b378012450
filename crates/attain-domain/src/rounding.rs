//! Exact integer division with the rounding rules of the spec (half to even).

/// Returns `num / den` rounded half to even. `den` must not be zero.
pub fn div_rhe(num: i128, den: i128) -> i128 {
    assert!(den != 0, "div_rhe: division by zero is a caller bug");
    let (num, den) = if den < 0 { (-num, -den) } else { (num, den) };
    let q = num.div_euclid(den);
    let r = num.rem_euclid(den);
    // q is floor(num/den), 0 <= r < den
    match (2 * r).cmp(&den) {
        std::cmp::Ordering::Less => q,
        std::cmp::Ordering::Greater => q + 1,
        std::cmp::Ordering::Equal => {
            if q % 2 == 0 {
                q
            } else {
                q + 1
            }
        }
    }
}

/// Returns `floor(num / den)` for a positive `den`.
pub fn div_floor(num: i128, den: i128) -> i128 {
    num.div_euclid(den)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounds_half_to_even_both_signs() {
        assert_eq!(div_rhe(5, 2), 2);
        assert_eq!(div_rhe(7, 2), 4);
        assert_eq!(div_rhe(-5, 2), -2);
        assert_eq!(div_rhe(-7, 2), -4);
        assert_eq!(div_rhe(1, 3), 0);
        assert_eq!(div_rhe(2, 3), 1);
        assert_eq!(div_rhe(-2, 3), -1);
        assert_eq!(div_rhe(5, -2), -2);
    }

    #[test]
    fn floors_towards_minus_infinity() {
        assert_eq!(div_floor(-1, 2), -1);
        assert_eq!(div_floor(3, 2), 1);
    }
}
