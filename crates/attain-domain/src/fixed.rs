//! Exact fixed-point decimals: `Percent` (4 fractional digits) and `Ratio` (6 fractional digits,
//! for rates, attainments, weights and thresholds).

use crate::ParseError;
use std::fmt;

/// Parses `[-]digits[.digits]` with at most `max_frac` fractional digits into an integer scaled by
/// `10^max_frac`. Returns `None` when the text is not of that form or overflows.
fn parse_scaled(s: &str, max_frac: u32, allow_negative: bool) -> Option<i64> {
    let (neg, body) = match s.strip_prefix('-') {
        Some(rest) if allow_negative => (true, rest),
        Some(_) => return None,
        None => (false, s),
    };
    let (int, frac) = match body.split_once('.') {
        Some((i, f)) if !f.is_empty() => (i, f),
        Some(_) => return None,
        None => (body, ""),
    };
    if int.is_empty()
        || frac.len() > max_frac as usize
        || !int.bytes().all(|b| b.is_ascii_digit())
        || !frac.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let scale = 10i64.pow(max_frac);
    let mut value = int.parse::<i64>().ok()?.checked_mul(scale)?;
    let mut place = scale / 10;
    for b in frac.bytes() {
        value = value.checked_add(i64::from(b - b'0') * place)?;
        place /= 10;
    }
    Some(if neg { -value } else { value })
}

/// Writes `value / 10^digits` with no trailing fractional zeros (`0.5`, `1`, `12.25`).
fn write_minimal(f: &mut fmt::Formatter<'_>, value: i64, digits: u32) -> fmt::Result {
    let scale = 10u64.pow(digits);
    let abs = value.unsigned_abs();
    let sign = if value < 0 { "-" } else { "" };
    let frac = abs % scale;
    if frac == 0 {
        return write!(f, "{sign}{}", abs / scale);
    }
    let text = format!("{frac:0width$}", width = digits as usize);
    write!(f, "{sign}{}.{}", abs / scale, text.trim_end_matches('0'))
}

/// A percentage from 0 to 100 with at most 4 fractional digits, stored in ten-thousandths.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Percent(i64);

impl Percent {
    /// The scale of the stored integer: 100 % is `100 * SCALE`.
    pub const SCALE: i64 = 10_000;

    /// Returns the percent stored as `units` ten-thousandths of a percent.
    pub const fn from_units(units: i64) -> Percent {
        Percent(units)
    }

    /// Returns the stored ten-thousandths of a percent.
    pub const fn units(self) -> i64 {
        self.0
    }

    /// Parses the dataset form: a decimal from 0 to 100 with at most 4 fractional digits.
    pub fn parse(s: &str) -> Result<Percent, ParseError> {
        let v = parse_scaled(s, 4, false).ok_or_else(|| {
            ParseError::new(format!(
                "'{s}' is not a percent (a number from 0 to 100 with at most 4 decimals)"
            ))
        })?;
        if v > 100 * Self::SCALE {
            return Err(ParseError::new(format!("'{s}' is more than 100 percent")));
        }
        Ok(Percent(v))
    }
}

impl fmt::Display for Percent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_minimal(f, self.0, 4)
    }
}

/// A fraction with at most 6 fractional digits (`0.05` is 5 %, `1.25` is 125 %), stored in
/// millionths.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Ratio(i64);

impl Ratio {
    /// The scale of the stored integer: 1 is `SCALE`.
    pub const SCALE: i64 = 1_000_000;
    /// Zero.
    pub const ZERO: Ratio = Ratio(0);
    /// One (100 %).
    pub const ONE: Ratio = Ratio(1_000_000);

    /// Returns the ratio stored as `micros` millionths.
    pub const fn from_micros(micros: i64) -> Ratio {
        Ratio(micros)
    }

    /// Returns the stored millionths.
    pub const fn micros(self) -> i64 {
        self.0
    }

    /// Parses a non-negative fraction with at most 6 fractional digits.
    pub fn parse(s: &str) -> Result<Ratio, ParseError> {
        parse_scaled(s, 6, false).map(Ratio).ok_or_else(|| {
            ParseError::new(format!(
                "'{s}' is not a fraction (a number like 0.05 or 1.25 with at most 6 decimals)"
            ))
        })
    }

    /// Parses a fraction that may be negative.
    pub fn parse_signed(s: &str) -> Result<Ratio, ParseError> {
        parse_scaled(s, 6, true).map(Ratio).ok_or_else(|| {
            ParseError::new(format!("'{s}' is not a number with at most 6 decimals"))
        })
    }

    /// Writes the results form: always six fractional digits (`1.125000`).
    pub fn fixed6(self) -> String {
        let abs = self.0.unsigned_abs();
        let sign = if self.0 < 0 { "-" } else { "" };
        format!("{sign}{}.{:06}", abs / 1_000_000, abs % 1_000_000)
    }
}

impl fmt::Display for Ratio {
    /// Writes the shortest exact form (`0.5`, `1`, `0.025`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_minimal(f, self.0, 6)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn percent_parses_and_prints_minimally() {
        assert_eq!(Percent::parse("30").unwrap().units(), 300_000);
        assert_eq!(Percent::parse("12.5").unwrap().to_string(), "12.5");
        assert_eq!(Percent::parse("100").unwrap().to_string(), "100");
        assert_eq!(Percent::parse("0.0001").unwrap().units(), 1);
        for bad in ["100.0001", "-1", "1.23456", "", "a", "5%"] {
            assert!(Percent::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn ratio_parses_and_prints() {
        assert_eq!(Ratio::parse("1.0").unwrap(), Ratio::ONE);
        assert_eq!(Ratio::parse("0.02").unwrap().micros(), 20_000);
        assert_eq!(Ratio::parse("0.5").unwrap().to_string(), "0.5");
        assert_eq!(Ratio::parse("1.0").unwrap().to_string(), "1");
        assert_eq!(Ratio::from_micros(1_125_000).fixed6(), "1.125000");
        assert_eq!(Ratio::from_micros(-4_000_000).fixed6(), "-4.000000");
        assert!(Ratio::parse("-0.5").is_err());
        assert_eq!(Ratio::parse_signed("-0.5").unwrap().micros(), -500_000);
        assert!(Ratio::parse("0.1234567").is_err());
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]
        #[test]
        fn ratio_display_round_trips(m in -(1i64 << 50)..(1i64 << 50)) {
            let r = Ratio::from_micros(m);
            prop_assert_eq!(Ratio::parse_signed(&r.to_string()).unwrap(), r);
            prop_assert_eq!(Ratio::parse_signed(&r.fixed6()).unwrap(), r);
        }

        #[test]
        fn percent_display_round_trips(u in 0i64..=1_000_000) {
            let p = Percent::from_units(u);
            prop_assert_eq!(Percent::parse(&p.to_string()).unwrap(), p);
        }
    }
}
