//! Days as whole numbers counted from the first day of the generated fiscal year (day 0 is
//! January 1st: the company's fiscal year starts in January), with their `YYYY-MM-DD` text
//! prepared once so that rows copy ten bytes instead of formatting a date.

use attain_domain::Date;
use chrono::{Datelike, Days as ChronoDays};

/// Years before the fiscal year that dates may reach (hire dates).
pub const YEARS_BACK: i32 = 12;
/// Years after the fiscal year that dates may reach (close dates of open opportunities).
pub const YEARS_AHEAD: i32 = 2;

/// The calendar of the generated year.
pub struct Days {
    year: i32,
    lo: i32,
    texts: Vec<[u8; 10]>,
    month_starts: [i32; 13],
}

impl Days {
    /// Returns the calendar of fiscal (and calendar) year `year`, or `None` when the dates it
    /// needs fall outside years 1900–9999.
    pub fn new(year: i32) -> Option<Days> {
        if year - YEARS_BACK < 1900 || year + YEARS_AHEAD > 9999 {
            return None;
        }
        let first = Date::from_ymd_opt(year, 1, 1)?;
        let start = Date::from_ymd_opt(year - YEARS_BACK, 1, 1)?;
        let end = Date::from_ymd_opt(year + YEARS_AHEAD, 12, 31)?;
        let lo = -(first - start).num_days() as i32;
        let n = (end - start).num_days() as usize + 1;
        let mut texts = Vec::with_capacity(n);
        let mut d = start;
        for _ in 0..n {
            let mut t = *b"0000-00-00";
            let (y, m, day) = (d.year() as u32, d.month(), d.day());
            t[0] = b'0' + (y / 1000) as u8;
            t[1] = b'0' + (y / 100 % 10) as u8;
            t[2] = b'0' + (y / 10 % 10) as u8;
            t[3] = b'0' + (y % 10) as u8;
            t[5] = b'0' + (m / 10) as u8;
            t[6] = b'0' + (m % 10) as u8;
            t[8] = b'0' + (day / 10) as u8;
            t[9] = b'0' + (day % 10) as u8;
            texts.push(t);
            d = d.checked_add_days(ChronoDays::new(1)).unwrap_or(d);
        }
        let mut month_starts = [0; 13];
        for (m, slot) in month_starts.iter_mut().enumerate() {
            let date = if m < 12 {
                Date::from_ymd_opt(year, m as u32 + 1, 1)?
            } else {
                Date::from_ymd_opt(year + 1, 1, 1)?
            };
            *slot = (date - first).num_days() as i32;
        }
        Some(Days {
            year,
            lo,
            texts,
            month_starts,
        })
    }

    /// Returns the fiscal year.
    pub fn year(&self) -> i32 {
        self.year
    }

    /// Returns the weekday of a day, 0 for Monday to 6 for Sunday.
    pub fn weekday(&self, day: i32) -> i32 {
        // 2001-01-01 was a Monday.
        let first = Date::from_ymd_opt(self.year, 1, 1).unwrap_or_default();
        let monday = Date::from_ymd_opt(2001, 1, 1).unwrap_or_default();
        ((first - monday).num_days() as i32 + day).rem_euclid(7)
    }

    /// Returns the number of days of the year (365 or 366).
    pub fn year_len(&self) -> i32 {
        self.month_starts[12]
    }

    /// Returns the first day of fiscal month `m` (1–12; 13 is the next year's first day).
    pub fn month_start(&self, m: usize) -> i32 {
        self.month_starts[m - 1]
    }

    /// Returns the fiscal month (1–12) of a day of the year.
    pub fn month_of(&self, day: i32) -> usize {
        self.month_starts[1..]
            .iter()
            .position(|&s| day < s)
            .map_or(12, |i| i + 1)
    }

    /// Returns the `YYYY-MM-DD` text of a day, clamped to the range the calendar covers.
    #[inline]
    pub fn text(&self, day: i32) -> &[u8; 10] {
        let i = (day - self.lo).clamp(0, self.texts.len() as i32 - 1);
        &self.texts[i as usize]
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn days_count_from_the_first_of_january() {
        let days = Days::new(2024).unwrap();
        assert_eq!(days.text(0), b"2024-01-01");
        assert_eq!(days.text(59), b"2024-02-29");
        assert_eq!(days.text(-1), b"2023-12-31");
        assert_eq!(days.year_len(), 366);
        assert_eq!(days.month_of(0), 1);
        assert_eq!(days.month_of(365), 12);
        assert_eq!(days.month_start(3), 60);
        assert_eq!(days.text(days.year_len()), b"2025-01-01");
        assert!(Days::new(1905).is_none());
    }
}
