//! Reading a CRM's notation of amounts and dates, and guessing which Attain word a CRM's value
//! (a stage, forecast category, type) stands for.

use super::fields::Choice;
use attain_domain::{Date, Money};

/// How the export writes the decimal mark of amounts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DecimalMark {
    /// `12,500.00`: a point before the cents, commas (or spaces) between thousands.
    #[default]
    Point,
    /// `12.500,00`: a comma before the cents, points (or spaces) between thousands.
    Comma,
}

/// How the export orders day and month in dates that are not `YYYY-MM-DD`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DateOrder {
    /// `11/27/2026` is month first, `27.11.2026` and `27-11-2026` day first.
    #[default]
    Auto,
    /// Always month first: `11/27/2026`, `11.27.2026`.
    MonthFirst,
    /// Always day first: `27/11/2026`, `27.11.2026`.
    DayFirst,
}

/// Parses an amount as a CRM writes it: `$12,500.00`, `12500`, `USD 12,500`, `(1,250.00)` or
/// `-1,250.00` for a negative amount, `12.500,00 €` with [`DecimalMark::Comma`].
pub fn parse_amount(s: &str, mark: DecimalMark) -> Result<Money, String> {
    let bad = |why: &str| format!("'{s}' is not an amount{why}");
    let mut t: &str = s.trim();
    let mut negative = false;
    if let Some(inner) = t.strip_prefix('(').and_then(|r| r.strip_suffix(')')) {
        negative = true;
        t = inner.trim();
    }
    // A currency code or sign before or after the number, and a sign before or after it.
    let t: String = t
        .trim_matches(|c: char| c.is_ascii_uppercase() || "$€£¥ \u{a0}".contains(c))
        .to_owned();
    let mut t = t.as_str();
    if let Some(rest) = t.strip_prefix('-') {
        negative = !negative;
        t = rest.trim_start_matches(|c: char| "$€£¥ \u{a0}".contains(c));
    }
    let (group, point) = match mark {
        DecimalMark::Point => (',', '.'),
        DecimalMark::Comma => ('.', ','),
    };
    let digits_only = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit());
    let (int, frac) = match t.rfind(point) {
        Some(i) => (&t[..i], &t[i + point.len_utf8()..]),
        None => (t, ""),
    };
    if t.ends_with(point) || (!frac.is_empty() && !digits_only(frac)) {
        return Err(bad(" (digits, like $12,500.00 or 12500)"));
    }
    // Thousands separators must separate thousands: `12,500` but not `1,25` or `12.500,00`
    // read with the wrong decimal mark.
    let groups: Vec<&str> = int.split([group, ' ', '\u{a0}', '\'']).collect();
    let grouped =
        groups.len() == 1 || (groups[0].len() <= 3 && groups[1..].iter().all(|g| g.len() == 3));
    if !groups.iter().all(|g| digits_only(g)) {
        return Err(bad(" (digits, like $12,500.00 or 12500)"));
    }
    if !grouped {
        return Err(bad(
            " (its separators do not group thousands; check the decimal mark of the mapping)",
        ));
    }
    let int: String = groups.concat();
    let frac = frac.trim_end_matches('0');
    if frac.len() > 2 {
        return Err(bad(" of whole cents (at most 2 decimals)"));
    }
    let plain = if frac.is_empty() {
        int
    } else {
        format!("{int}.{frac}")
    };
    let m = Money::parse(&plain).map_err(|e| e.to_string())?;
    Ok(if negative { -m } else { m })
}

/// Parses a whole number as a CRM writes it: `1200`, `1,200`, `1 200` (`1.200` with
/// [`DecimalMark::Comma`]).
pub fn parse_count(s: &str, mark: DecimalMark) -> Result<i64, String> {
    let bad = || format!("'{s}' is not a whole number");
    let m = parse_amount(s, mark).map_err(|_| bad())?;
    if m.cents() % 100 != 0 || m.cents() < 0 || s.contains(['$', '€', '£', '¥', '(', '-']) {
        return Err(bad());
    }
    Ok(m.cents() / 100)
}

/// Parses a date as a CRM writes it: `2026-11-27`, `11/27/2026`, `27.11.2026` (a time after the
/// date, like `11/27/2026 10:15 AM` or `2026-11-27T10:15:00Z`, is ignored).
pub fn parse_crm_date(s: &str, order: DateOrder) -> Result<Date, String> {
    let day = s.split([' ', 'T']).next().unwrap_or("").trim();
    let bad = |hint: &str| format!("'{s}' is not a date ({hint})");
    let hint = match order {
        DateOrder::Auto => "YYYY-MM-DD, month/day/year or day.month.year",
        DateOrder::MonthFirst => "YYYY-MM-DD or month/day/year, like 11/27/2026",
        DateOrder::DayFirst => "YYYY-MM-DD or day/month/year, like 27/11/2026",
    };
    let sep = day.chars().find(|c| matches!(c, '-' | '/' | '.'));
    let Some(sep) = sep else {
        return Err(bad(hint));
    };
    let parts: Vec<&str> = day.split(sep).collect();
    if parts.len() != 3
        || parts
            .iter()
            .any(|p| p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()))
    {
        return Err(bad(hint));
    }
    let n = |p: &str| p.parse::<u32>().unwrap_or(0);
    let (y, m, d) = if parts[0].len() == 4 {
        (n(parts[0]), n(parts[1]), n(parts[2]))
    } else {
        let year = match parts[2].len() {
            4 => n(parts[2]),
            2 => 2000 + n(parts[2]),
            _ => return Err(bad(hint)),
        };
        let month_first = match order {
            DateOrder::MonthFirst => true,
            DateOrder::DayFirst => false,
            DateOrder::Auto => sep == '/',
        };
        if month_first {
            (year, n(parts[0]), n(parts[1]))
        } else {
            (year, n(parts[1]), n(parts[0]))
        }
    };
    let y = i32::try_from(y).map_err(|_| bad(hint))?;
    Date::from_ymd_opt(y, m, d).ok_or_else(|| bad(&format!("no such day; {hint}")))
}

/// Normalizes a CRM value for matching: lowercase words joined by `_`.
pub fn normalize_value(s: &str) -> String {
    let mut out = String::new();
    for c in s.trim().chars() {
        if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        } else if !out.is_empty() && !out.ends_with('_') {
            out.push('_');
        }
    }
    out.trim_end_matches('_').to_owned()
}

/// Common CRM values that do not spell the Attain word, per list.
fn synonyms(choice: Choice) -> &'static [(&'static str, &'static str)] {
    match choice {
        Choice::Stage => &[
            ("value_proposition", "needs_analysis"),
            ("id_decision_makers", "needs_analysis"),
            ("perception_analysis", "proposal"),
            ("won", "closed_won"),
            ("lost", "closed_lost"),
        ],
        Choice::ForecastCategory => &[("most_likely", "commit"), ("upside", "best_case")],
        Choice::OpportunityType => &[
            ("existing_business", "expansion"),
            ("existing_customer_upgrade", "expansion"),
            ("upsell", "expansion"),
            ("new_customer", "new_business"),
            ("new", "new_business"),
            ("existing_customer_replacement", "renewal"),
            ("existing_customer_downgrade", "renewal"),
        ],
        Choice::ActivityType => &[
            ("phone", "call"),
            ("phone_call", "call"),
            ("e_mail", "email"),
            ("demonstration", "demo"),
            ("visit", "site_visit"),
            ("onsite_visit", "site_visit"),
            ("task", "other"),
        ],
    }
}

/// Guesses the Attain word for a CRM value among `options`: the same word, a known synonym, or
/// an option the value starts with (`Negotiation/Review` → `negotiation`).
pub fn guess_value(choice: Choice, value: &str, options: &[String]) -> Option<String> {
    let v = normalize_value(value);
    let has = |w: &str| options.iter().any(|o| o == w);
    if has(&v) {
        return Some(v);
    }
    if let Some((_, w)) = synonyms(choice).iter().find(|(from, _)| *from == v)
        && has(w)
    {
        return Some((*w).to_owned());
    }
    options
        .iter()
        .filter(|o| v.starts_with(&format!("{o}_")))
        .max_by_key(|o| o.len())
        .cloned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cents(s: &str, mark: DecimalMark) -> i64 {
        parse_amount(s, mark).unwrap().cents()
    }

    #[test]
    fn amounts_in_crm_notations_are_read_exactly() {
        let p = DecimalMark::Point;
        assert_eq!(cents("$12,500.00", p), 1_250_000);
        assert_eq!(cents("12500", p), 1_250_000);
        assert_eq!(cents("USD 12,500", p), 1_250_000);
        assert_eq!(cents("12,500.50 USD", p), 1_250_050);
        assert_eq!(cents("(1,250.00)", p), -125_000);
        assert_eq!(cents("-$1,250.10", p), -125_010);
        assert_eq!(cents("0.10", p), 10);
        assert_eq!(cents("12.500,00 €", DecimalMark::Comma), 1_250_000);
        assert_eq!(cents("1 234,5", DecimalMark::Comma), 123_450);
    }

    #[test]
    fn amounts_that_are_not_money_are_refused_with_the_value() {
        for bad in [
            "",
            "abc",
            "12.345",
            "1.2.3",
            "$",
            "12,5x",
            "12.500,00",
            "1,25",
            "5.",
        ] {
            let e = parse_amount(bad, DecimalMark::Point).unwrap_err();
            assert!(e.contains(&format!("'{bad}'")), "{e}");
        }
    }

    #[test]
    fn counts_take_thousands_separators_but_no_fractions() {
        assert_eq!(parse_count("1,200", DecimalMark::Point), Ok(1200));
        assert_eq!(parse_count("1.200", DecimalMark::Comma), Ok(1200));
        assert!(parse_count("12.5", DecimalMark::Point).is_err());
        assert!(parse_count("-3", DecimalMark::Point).is_err());
    }

    #[test]
    fn dates_in_crm_notations_are_read_in_the_chosen_order() {
        let d = |s: &str, o: DateOrder| parse_crm_date(s, o).map(|d| d.to_string());
        let a = DateOrder::Auto;
        assert_eq!(d("11/27/2026", a).unwrap(), "2026-11-27");
        assert_eq!(d("27.11.2026", a).unwrap(), "2026-11-27");
        assert_eq!(d("2026-11-27", a).unwrap(), "2026-11-27");
        assert_eq!(d("2026-11-27T10:15:00Z", a).unwrap(), "2026-11-27");
        assert_eq!(d("11/27/2026 10:15 AM", a).unwrap(), "2026-11-27");
        assert_eq!(d("3/4/26", a).unwrap(), "2026-03-04");
        assert_eq!(d("3/4/2026", DateOrder::DayFirst).unwrap(), "2026-04-03");
        assert_eq!(
            d("11.27.2026", DateOrder::MonthFirst).unwrap(),
            "2026-11-27"
        );
        assert!(d("27/11/2026", a).unwrap_err().contains("no such day"));
        assert!(
            d("next week", a)
                .unwrap_err()
                .contains("'next week' is not a date")
        );
        assert!(d("2026-02-30", a).is_err());
    }

    #[test]
    fn crm_values_are_guessed_as_attain_words() {
        let stages: Vec<String> = crate::rules::DEFAULT_STAGES
            .iter()
            .map(|s| (*s).to_owned())
            .collect();
        let g = |v: &str| guess_value(Choice::Stage, v, &stages);
        assert_eq!(g("Closed Won").as_deref(), Some("closed_won"));
        assert_eq!(g("Prospecting").as_deref(), Some("prospecting"));
        assert_eq!(g("Negotiation/Review").as_deref(), Some("negotiation"));
        assert_eq!(g("Proposal/Price Quote").as_deref(), Some("proposal"));
        assert_eq!(g("Id. Decision Makers").as_deref(), Some("needs_analysis"));
        assert_eq!(g("Something else"), None);
        let cats: Vec<String> = attain_domain::vocab::ForecastCategory::ALL
            .iter()
            .map(|c| c.as_str().to_owned())
            .collect();
        assert_eq!(
            guess_value(Choice::ForecastCategory, "Best Case", &cats).as_deref(),
            Some("best_case")
        );
    }
}
