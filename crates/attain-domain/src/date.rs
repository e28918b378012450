//! Calendar dates in the dataset's `YYYY-MM-DD` form.

use crate::ParseError;

/// A calendar date.
pub type Date = chrono::NaiveDate;

/// Parses exactly `YYYY-MM-DD` into a real calendar date.
pub fn parse_date(s: &str) -> Result<Date, ParseError> {
    let b = s.as_bytes();
    let shape_ok = b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    let bad = || ParseError::new(format!("'{s}' is not a date of the form YYYY-MM-DD"));
    if !shape_ok {
        return Err(bad());
    }
    let num = |r: std::ops::Range<usize>| s[r].parse::<u32>().map_err(|_| bad());
    let (y, m, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    chrono::NaiveDate::from_ymd_opt(y as i32, m, d)
        .ok_or_else(|| ParseError::new(format!("'{s}' is not a real calendar date")))
}

/// Formats a date as `YYYY-MM-DD`.
pub fn format_date(d: Date) -> String {
    d.format("%Y-%m-%d").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_only_real_iso_dates() {
        assert_eq!(format_date(parse_date("2026-02-28").unwrap()), "2026-02-28");
        assert!(parse_date("2026-02-30").is_err());
        assert!(parse_date("2026-2-3").is_err());
        assert!(parse_date("26-02-03").is_err());
        assert!(parse_date("2026/02/03").is_err());
        assert!(parse_date("2026-13-01").is_err());
    }
}
