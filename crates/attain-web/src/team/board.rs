//! Leaderboards of the reps a viewer's team holds, over the current fiscal month, quarter or
//! year to date: by bookings attainment (credited ÷ objective, from the latest calculation's
//! `result_credits`), by bookings credited, or by the number of logged activities. Higher is
//! better; equal values share a rank and the next rank skips (1, 2, 2, 4); a rep without an
//! objective has no attainment and is listed last, unranked.

use attain_domain::rounding::div_rhe;
use attain_domain::{Date, FiscalCalendar};
use attain_store::{Executor, StoreError, Value};
use std::collections::{HashMap, HashSet};

/// What a board ranks by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum By {
    /// Bookings credited ÷ bookings objective, in millionths.
    Attainment,
    /// Bookings credited, in cents.
    Bookings,
    /// Activities logged.
    Activity,
}

impl By {
    /// Parses `attainment`, `bookings` or `activity` (empty: attainment).
    pub fn parse(s: &str) -> Option<By> {
        match s {
            "" | "attainment" => Some(By::Attainment),
            "bookings" => Some(By::Bookings),
            "activity" => Some(By::Activity),
            _ => None,
        }
    }

    /// Returns the word.
    pub fn as_str(self) -> &'static str {
        match self {
            By::Attainment => "attainment",
            By::Bookings => "bookings",
            By::Activity => "activity",
        }
    }
}

/// The period of a board, ending with the current fiscal month.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Span {
    /// The current fiscal month.
    Month,
    /// The fiscal quarter so far.
    Quarter,
    /// The fiscal year so far.
    Year,
}

impl Span {
    /// Parses `month`, `quarter` or `ytd` (empty: month).
    pub fn parse(s: &str) -> Option<Span> {
        match s {
            "" | "month" => Some(Span::Month),
            "quarter" => Some(Span::Quarter),
            "ytd" => Some(Span::Year),
            _ => None,
        }
    }

    /// Returns the word.
    pub fn as_str(self) -> &'static str {
        match self {
            Span::Month => "month",
            Span::Quarter => "quarter",
            Span::Year => "ytd",
        }
    }

    /// Returns the fiscal months `(first, last)` of the span that ends in `month`.
    pub fn months(self, month: u32) -> (u32, u32) {
        match self {
            Span::Month => (month, month),
            Span::Quarter => ((month - 1) / 3 * 3 + 1, month),
            Span::Year => (1, month),
        }
    }
}

/// One rep on a board.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    /// 1 for the best; equal values share it. `None`: nothing to rank (no objective).
    pub rank: Option<usize>,
    /// The rep.
    pub person_id: String,
    /// Their name.
    pub name: String,
    /// The value: millionths, cents or a count; `None` without an objective.
    pub value: Option<i64>,
}

/// Ranks `(person_id, name, value)` rows: by value, highest first, ties sharing a rank; then by
/// name and id; rows without a value last and unranked.
pub fn rank(mut rows: Vec<(String, String, Option<i64>)>) -> Vec<Place> {
    rows.sort_by(|a, b| {
        b.2.is_some()
            .cmp(&a.2.is_some())
            .then(b.2.cmp(&a.2))
            .then(a.1.cmp(&b.1))
            .then(a.0.cmp(&b.0))
    });
    let mut out: Vec<Place> = Vec::with_capacity(rows.len());
    for (i, (person_id, name, value)) in rows.into_iter().enumerate() {
        let rank = value.map(|v| match out.last() {
            Some(prev) if prev.value == Some(v) => prev.rank.unwrap_or(i + 1),
            _ => i + 1,
        });
        out.push(Place {
            rank,
            person_id,
            name,
            value,
        });
    }
    out
}

/// Computes a board of the active reps satisfying `cond` (on `p.`, with `args`) for fiscal
/// `year`, months `first..=last`, counting activities up to `today`.
#[allow(clippy::too_many_arguments)]
pub fn board(
    ex: &mut impl Executor,
    calendar: &FiscalCalendar,
    cond: &str,
    args: &[Value],
    by: By,
    year: i32,
    (first, last): (u32, u32),
    today: Date,
) -> Result<Vec<Place>, StoreError> {
    let start = calendar.month_start(year, first);
    let end = calendar.month_end(year, last).min(today);
    let mut a = args.to_vec();
    a.push(start.into());
    let reps = ex.query(
        &format!(
            "SELECT p.person_id, p.name FROM people p
             WHERE {cond} AND p.role = 'rep' AND (p.end_date IS NULL OR p.end_date >= ${})",
            a.len()
        ),
        &a,
    )?;
    let ids: HashSet<String> = reps.iter().map(|r| r.string(0)).collect::<Result<_, _>>()?;
    let mut values: HashMap<String, Option<i64>> = HashMap::new();
    match by {
        By::Attainment | By::Bookings => {
            for r in ex.query(
                "SELECT person_id, CAST(SUM(credited) AS BIGINT), CAST(SUM(target) AS BIGINT)
                 FROM result_credits
                 WHERE year = $1 AND month >= $2 AND month <= $3 AND metric = 'bookings'
                 GROUP BY person_id",
                &[
                    Value::Int(i64::from(year)),
                    Value::Int(i64::from(first)),
                    Value::Int(i64::from(last)),
                ],
            )? {
                let id = r.string(0)?;
                if !ids.contains(&id) {
                    continue;
                }
                let (credited, target) = (r.int(1)?, r.int(2)?);
                let v = match by {
                    By::Bookings => Some(credited),
                    _ => (target > 0).then(|| {
                        div_rhe(i128::from(credited) * 1_000_000, i128::from(target)) as i64
                    }),
                };
                values.insert(id, v);
            }
        }
        By::Activity => {
            for r in ex.query(
                "SELECT person_id, COUNT(*) FROM activities WHERE date >= $1 AND date <= $2
                 GROUP BY person_id",
                &[start.into(), end.into()],
            )? {
                values.insert(r.string(0)?, Some(r.int(1)?));
            }
        }
    }
    let rows = reps
        .iter()
        .map(|r| {
            let id = r.string(0)?;
            let v = match values.get(&id) {
                Some(v) => *v,
                None if by == By::Attainment => None,
                None => Some(0),
            };
            Ok((id, r.string(1)?, v))
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
    Ok(rank(rows))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(id: &str, v: Option<i64>) -> (String, String, Option<i64>) {
        (id.into(), format!("Name {id}"), v)
    }

    #[test]
    fn equal_values_share_a_rank_and_the_next_rank_skips() {
        let board = rank(vec![
            row("a", Some(5)),
            row("b", Some(9)),
            row("c", Some(5)),
            row("d", None),
            row("e", Some(1)),
        ]);
        let got: Vec<(&str, Option<usize>)> = board
            .iter()
            .map(|p| (p.person_id.as_str(), p.rank))
            .collect();
        assert_eq!(
            got,
            vec![
                ("b", Some(1)),
                ("a", Some(2)),
                ("c", Some(2)),
                ("e", Some(4)),
                ("d", None)
            ]
        );
    }

    #[test]
    fn a_quarter_so_far_starts_at_its_first_month() {
        assert_eq!(Span::Quarter.months(5), (4, 5));
        assert_eq!(Span::Quarter.months(3), (1, 3));
        assert_eq!(Span::Year.months(7), (1, 7));
        assert_eq!(Span::Month.months(7), (7, 7));
    }
}
