//! The fiscal calendar: which fiscal year and month a date falls in, and back.

use crate::date::Date;
use chrono::Datelike;

/// Whether a fiscal year is named by the calendar year of its first or of its last month.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum NamedBy {
    /// The calendar year of the first month.
    #[default]
    Start,
    /// The calendar year of the last month.
    End,
}

impl NamedBy {
    /// Parses `start` or `end`.
    pub fn parse(s: &str) -> Option<NamedBy> {
        match s {
            "start" => Some(NamedBy::Start),
            "end" => Some(NamedBy::End),
            _ => None,
        }
    }

    /// Returns the dataset word.
    pub fn as_str(self) -> &'static str {
        match self {
            NamedBy::Start => "start",
            NamedBy::End => "end",
        }
    }
}

/// A company's fiscal calendar (settings `fiscal_year_start_month`, `fiscal_year_named_by`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FiscalCalendar {
    start_month: u32,
    named_by: NamedBy,
}

impl Default for FiscalCalendar {
    fn default() -> Self {
        FiscalCalendar {
            start_month: 1,
            named_by: NamedBy::Start,
        }
    }
}

impl FiscalCalendar {
    /// Returns the calendar whose years start in `start_month` (1–12), or `None` if out of range.
    pub fn new(start_month: u32, named_by: NamedBy) -> Option<FiscalCalendar> {
        (1..=12).contains(&start_month).then_some(FiscalCalendar {
            start_month,
            named_by,
        })
    }

    /// Returns the calendar month (1–12) in which fiscal years start.
    pub fn start_month(&self) -> u32 {
        self.start_month
    }

    /// Returns how years are named.
    pub fn named_by(&self) -> NamedBy {
        self.named_by
    }

    /// Returns the calendar year in which fiscal year `year` starts.
    fn start_calendar_year(&self, year: i32) -> i32 {
        match self.named_by {
            NamedBy::End if self.start_month != 1 => year - 1,
            _ => year,
        }
    }

    /// Returns `(fiscal year, fiscal month 1–12)` of a date.
    pub fn fiscal_of(&self, date: Date) -> (i32, u32) {
        let cm = date.month();
        let offset = (cm + 12 - self.start_month) % 12;
        let start_year = if cm >= self.start_month {
            date.year()
        } else {
            date.year() - 1
        };
        let name = match self.named_by {
            NamedBy::End if self.start_month != 1 => start_year + 1,
            _ => start_year,
        };
        (name, offset + 1)
    }

    /// Returns the first day of fiscal month `month` (1–12) of fiscal year `year`.
    pub fn month_start(&self, year: i32, month: u32) -> Date {
        let zero_based = self.start_month - 1 + (month - 1);
        let cal_year = self.start_calendar_year(year) + (zero_based / 12) as i32;
        Date::from_ymd_opt(cal_year, zero_based % 12 + 1, 1)
            .expect("month_start: a computed month is always 1-12 with day 1")
    }

    /// Returns the last day of fiscal month `month` of fiscal year `year`.
    pub fn month_end(&self, year: i32, month: u32) -> Date {
        let next = if month == 12 {
            self.month_start(year + 1, 1)
        } else {
            self.month_start(year, month + 1)
        };
        next.pred_opt()
            .expect("month_end: the day before a month start exists")
    }

    /// Returns the first and last day of fiscal year `year`.
    pub fn year_bounds(&self, year: i32) -> (Date, Date) {
        (self.month_start(year, 1), self.month_end(year, 12))
    }
}

/// Returns the fiscal quarter (1–4) of fiscal month `month`.
pub fn quarter_of(month: u32) -> u32 {
    (month - 1) / 3 + 1
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::date::parse_date;
    use proptest::prelude::*;

    fn d(s: &str) -> Date {
        parse_date(s).unwrap()
    }

    #[test]
    fn january_years_are_calendar_years() {
        let cal = FiscalCalendar::default();
        assert_eq!(cal.fiscal_of(d("2026-01-15")), (2026, 1));
        assert_eq!(cal.fiscal_of(d("2026-12-31")), (2026, 12));
        assert_eq!(cal.year_bounds(2026), (d("2026-01-01"), d("2026-12-31")));
    }

    #[test]
    fn a_february_year_named_by_its_end() {
        let cal = FiscalCalendar::new(2, NamedBy::End).unwrap();
        assert_eq!(cal.fiscal_of(d("2026-02-01")), (2027, 1));
        assert_eq!(cal.fiscal_of(d("2026-01-31")), (2026, 12));
        assert_eq!(cal.month_start(2027, 1), d("2026-02-01"));
        assert_eq!(cal.month_end(2027, 12), d("2027-01-31"));
    }

    #[test]
    fn an_april_year_named_by_its_start() {
        let cal = FiscalCalendar::new(4, NamedBy::Start).unwrap();
        assert_eq!(cal.fiscal_of(d("2026-03-31")), (2025, 12));
        assert_eq!(cal.fiscal_of(d("2026-04-01")), (2026, 1));
        assert_eq!(cal.month_end(2026, 11), d("2027-02-28"));
        assert_eq!(quarter_of(1), 1);
        assert_eq!(quarter_of(12), 4);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]
        #[test]
        fn every_day_lies_within_the_fiscal_month_it_maps_to(
            days in 0i64..20_000, start in 1u32..=12, end_named: bool
        ) {
            let named = if end_named { NamedBy::End } else { NamedBy::Start };
            let cal = FiscalCalendar::new(start, named).unwrap();
            let date = d("2000-01-01") + chrono::Duration::days(days);
            let (y, m) = cal.fiscal_of(date);
            prop_assert!((1..=12).contains(&m));
            prop_assert!(cal.month_start(y, m) <= date && date <= cal.month_end(y, m));
            if m == 1 { prop_assert_eq!(cal.month_start(y, 1).month(), start); }
        }
    }
}
