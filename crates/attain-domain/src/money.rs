//! `Money`: an exact amount in minor units (cents) of the company's one currency.

use crate::ParseError;
use std::fmt;
use std::iter::Sum;
use std::ops::{Add, AddAssign, Neg, Sub, SubAssign};

/// An exact amount of money, stored as a whole number of cents.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Money(i64);

impl Money {
    /// Zero.
    pub const ZERO: Money = Money(0);

    /// Returns the amount of `cents` minor units.
    pub const fn from_cents(cents: i64) -> Money {
        Money(cents)
    }

    /// Returns the amount in minor units.
    pub const fn cents(self) -> i64 {
        self.0
    }

    /// Returns true for an amount below zero.
    pub const fn is_negative(self) -> bool {
        self.0 < 0
    }

    /// Parses the dataset form: an optional `-`, digits, and at most two fractional digits.
    pub fn parse(s: &str) -> Result<Money, ParseError> {
        let bad = || {
            ParseError::new(format!(
                "'{s}' is not an amount of money (digits with at most 2 decimals, like 1250.00)"
            ))
        };
        let (neg, body) = match s.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, s),
        };
        let (int, frac) = match body.split_once('.') {
            Some((i, f)) => (i, f),
            None => (body, ""),
        };
        if int.is_empty() || !int.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        if body.contains('.') && (frac.is_empty() || frac.len() > 2) {
            return Err(bad());
        }
        if !frac.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        let too_large = || ParseError::new(format!("'{s}' is too large an amount"));
        let units: i64 = int.parse().map_err(|_| too_large())?;
        let mut cents: i64 = 0;
        for (i, b) in frac.bytes().enumerate() {
            cents += i64::from(b - b'0') * if i == 0 { 10 } else { 1 };
        }
        let total = units
            .checked_mul(100)
            .and_then(|u| u.checked_add(cents))
            .ok_or_else(too_large)?;
        Ok(Money(if neg { -total } else { total }))
    }

    /// Parses like [`Money::parse`] and refuses amounts below zero.
    pub fn parse_non_negative(s: &str) -> Result<Money, ParseError> {
        let m = Money::parse(s)?;
        if m.is_negative() {
            return Err(ParseError::new(format!("'{s}' must not be negative")));
        }
        Ok(m)
    }

    /// Returns the sum, or `None` on overflow.
    pub fn checked_add(self, other: Money) -> Option<Money> {
        self.0.checked_add(other.0).map(Money)
    }
}

impl fmt::Display for Money {
    /// Writes the dataset form: exactly two decimals, never `-0.00`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let abs = self.0.unsigned_abs();
        let sign = if self.0 < 0 { "-" } else { "" };
        write!(f, "{sign}{}.{:02}", abs / 100, abs % 100)
    }
}

impl Add for Money {
    type Output = Money;
    fn add(self, rhs: Money) -> Money {
        Money(self.0 + rhs.0)
    }
}

impl AddAssign for Money {
    fn add_assign(&mut self, rhs: Money) {
        self.0 += rhs.0;
    }
}

impl Sub for Money {
    type Output = Money;
    fn sub(self, rhs: Money) -> Money {
        Money(self.0 - rhs.0)
    }
}

impl SubAssign for Money {
    fn sub_assign(&mut self, rhs: Money) {
        self.0 -= rhs.0;
    }
}

impl Neg for Money {
    type Output = Money;
    fn neg(self) -> Money {
        Money(-self.0)
    }
}

impl Sum for Money {
    fn sum<I: Iterator<Item = Money>>(iter: I) -> Money {
        Money(iter.map(|m| m.0).sum())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn parses_the_dataset_forms() {
        assert_eq!(Money::parse("1250.00").unwrap().cents(), 125_000);
        assert_eq!(Money::parse("1250").unwrap().cents(), 125_000);
        assert_eq!(Money::parse("0.5").unwrap().cents(), 50);
        assert_eq!(Money::parse("-40000.00").unwrap().cents(), -4_000_000);
        assert_eq!(Money::parse("-0.00").unwrap().cents(), 0);
    }

    #[test]
    fn refuses_what_is_not_money() {
        for s in [
            "", "-", "1,000.00", "$5", "1.234", "1.", ".5", "+5", "1e3", " 5", "abc", "1.-5",
        ] {
            assert!(Money::parse(s).is_err(), "{s:?} should be refused");
        }
        assert!(Money::parse("99999999999999999999").is_err());
        assert!(Money::parse_non_negative("-1").is_err());
    }

    #[test]
    fn formats_with_two_decimals_and_no_negative_zero() {
        assert_eq!(Money::from_cents(0).to_string(), "0.00");
        assert_eq!(Money::from_cents(-5).to_string(), "-0.05");
        assert_eq!(Money::from_cents(-4_000_000).to_string(), "-40000.00");
        assert_eq!(Money::from_cents(7).to_string(), "0.07");
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]
        #[test]
        fn formatting_then_parsing_gives_the_same_amount(c in -(1i64 << 50)..(1i64 << 50)) {
            let m = Money::from_cents(c);
            prop_assert_eq!(Money::parse(&m.to_string()).unwrap(), m);
        }

        #[test]
        fn parsing_accepts_any_canonical_text(units in 0u64..1_000_000_000_000, cents in 0u8..100, neg: bool) {
            let text = format!("{}{units}.{cents:02}", if neg { "-" } else { "" });
            let m = Money::parse(&text).unwrap();
            let expected = (units as i64) * 100 + i64::from(cents);
            prop_assert_eq!(m.cents(), if neg { -expected } else { expected });
        }
    }
}
