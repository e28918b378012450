//! The periods of a snapshot: a week (Monday to Sunday), a fiscal month or a fiscal quarter.

use crate::date::Date;
use crate::fiscal::{FiscalCalendar, quarter_of};
use crate::vocab::Per;
use chrono::Datelike;

/// How long a snapshot's period is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PeriodKind {
    /// Monday to Sunday.
    Week,
    /// A fiscal month.
    Month,
    /// A fiscal quarter.
    Quarter,
    /// A fiscal year (scorecards only; the snapshots do not offer it).
    Year,
}

impl PeriodKind {
    /// Parses `week`, `month` or `quarter`.
    pub fn parse(s: &str) -> Option<PeriodKind> {
        match s {
            "week" => Some(PeriodKind::Week),
            "month" => Some(PeriodKind::Month),
            "quarter" => Some(PeriodKind::Quarter),
            _ => None,
        }
    }

    /// Returns the word.
    pub fn as_str(self) -> &'static str {
        match self {
            PeriodKind::Week => "week",
            PeriodKind::Month => "month",
            PeriodKind::Quarter => "quarter",
            PeriodKind::Year => "year",
        }
    }

    /// Returns how many such periods a year counts (52, 12, 4): the scale of expectations.
    pub fn per_year(self) -> i64 {
        match self {
            PeriodKind::Week => 52,
            PeriodKind::Month => 12,
            PeriodKind::Quarter => 4,
            PeriodKind::Year => 1,
        }
    }

    /// Returns the period kind of a job expectation's `per`.
    pub fn of_per(per: Per) -> PeriodKind {
        match per {
            Per::Week => PeriodKind::Week,
            Per::Month => PeriodKind::Month,
            Per::Quarter => PeriodKind::Quarter,
            Per::Year => PeriodKind::Year,
        }
    }
}

/// Returns how many periods of a job expectation's `per` a year counts (52, 12, 4, 1).
pub fn per_year(per: Per) -> i64 {
    match per {
        Per::Week => 52,
        Per::Month => 12,
        Per::Quarter => 4,
        Per::Year => 1,
    }
}

/// A period: its kind and first and last day (inclusive).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    /// Week, month or quarter.
    pub kind: PeriodKind,
    /// The first day.
    pub start: Date,
    /// The last day.
    pub end: Date,
}

impl Period {
    /// Returns the period of this kind that holds `date`.
    pub fn containing(kind: PeriodKind, date: Date, cal: &FiscalCalendar) -> Period {
        let (start, end) = match kind {
            PeriodKind::Week => {
                let start =
                    date - chrono::Duration::days(i64::from(date.weekday().num_days_from_monday()));
                (start, start + chrono::Duration::days(6))
            }
            PeriodKind::Month => {
                let (y, m) = cal.fiscal_of(date);
                (cal.month_start(y, m), cal.month_end(y, m))
            }
            PeriodKind::Quarter => {
                let (y, m) = cal.fiscal_of(date);
                let q = quarter_of(m);
                (cal.month_start(y, 3 * q - 2), cal.month_end(y, 3 * q))
            }
            PeriodKind::Year => cal.year_bounds(cal.fiscal_of(date).0),
        };
        Period { kind, start, end }
    }

    /// Returns the period of the same kind just before this one.
    pub fn previous(&self, cal: &FiscalCalendar) -> Period {
        let day_before = self.start.pred_opt().unwrap_or(self.start);
        Period::containing(self.kind, day_before, cal)
    }

    /// Returns true when `d` lies in the period.
    pub fn contains(&self, d: Date) -> bool {
        self.start <= d && d <= self.end
    }

    /// Returns the number of days of the period.
    pub fn days(&self) -> i64 {
        (self.end - self.start).num_days() + 1
    }

    /// Returns the day figures are taken at: the last day, or `today` if the period is not over.
    pub fn as_of(&self, today: Date) -> Date {
        self.end.min(today).max(self.start)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::date::parse_date;
    use crate::fiscal::NamedBy;

    fn d(s: &str) -> Date {
        parse_date(s).unwrap()
    }

    #[test]
    fn a_week_runs_monday_to_sunday_and_the_previous_one_before_it() {
        let cal = FiscalCalendar::default();
        let w = Period::containing(PeriodKind::Week, d("2026-11-27"), &cal);
        assert_eq!((w.start, w.end), (d("2026-11-23"), d("2026-11-29")));
        let p = w.previous(&cal);
        assert_eq!((p.start, p.end), (d("2026-11-16"), d("2026-11-22")));
        assert_eq!(w.days(), 7);
    }

    #[test]
    fn months_and_quarters_follow_the_fiscal_calendar() {
        let cal = FiscalCalendar::new(4, NamedBy::Start).unwrap();
        let q = Period::containing(PeriodKind::Quarter, d("2026-03-15"), &cal);
        assert_eq!((q.start, q.end), (d("2026-01-01"), d("2026-03-31")));
        let prev = q.previous(&cal);
        assert_eq!((prev.start, prev.end), (d("2025-10-01"), d("2025-12-31")));
        let m = Period::containing(PeriodKind::Month, d("2026-02-10"), &cal);
        assert_eq!((m.start, m.end), (d("2026-02-01"), d("2026-02-28")));
        assert_eq!(m.as_of(d("2026-02-10")), d("2026-02-10"));
        assert_eq!(m.as_of(d("2027-01-01")), d("2026-02-28"));
    }
}
