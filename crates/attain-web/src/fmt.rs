//! How numbers read on a page: money with thousands separators in the company's currency,
//! negative amounts marked with a minus sign and a class, attainment as a percentage.

use attain_domain::{Money, Ratio};

/// Escapes text for HTML (used where a page is written without a template).
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// Groups the digits of a whole number in threes: `1234567` → `1,234,567`.
pub fn group(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The company's currency, as it is written before an amount.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Currency {
    /// The ISO 4217 code (`USD`).
    pub code: String,
    prefix: String,
}

impl Currency {
    /// Returns the currency for an ISO 4217 code; unknown codes are written as `CODE `.
    pub fn new(code: &str) -> Currency {
        let prefix = match code {
            "USD" => "$",
            "EUR" => "€",
            "GBP" => "£",
            "JPY" => "¥",
            "INR" => "₹",
            "CAD" => "CA$",
            "AUD" => "A$",
            _ => "",
        };
        let prefix = if prefix.is_empty() {
            format!("{code}\u{a0}")
        } else {
            prefix.to_owned()
        };
        Currency {
            code: code.to_owned(),
            prefix,
        }
    }
}

/// A formatted amount for a table cell: its text and whether it is negative.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Amount {
    /// The text, like `$1,250.00` or `−$40,000.00`.
    pub text: String,
    /// True below zero: the cell gets the `neg` class.
    pub neg: bool,
}

impl Amount {
    /// Returns the class of a table cell holding this amount.
    pub fn class(&self) -> &'static str {
        if self.neg { "num neg" } else { "num" }
    }
}

impl std::fmt::Display for Amount {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text)
    }
}

/// Formats money with cents: `$1,250.00`, `−$40,000.00`.
pub fn money(m: Money, cur: &Currency) -> Amount {
    let c = m.cents();
    let abs = c.unsigned_abs();
    let text = format!(
        "{}{}{}.{:02}",
        if c < 0 { "\u{2212}" } else { "" },
        cur.prefix,
        group(abs / 100),
        abs % 100
    );
    Amount { text, neg: c < 0 }
}

/// Formats money rounded half away from zero to whole units: `$1,250`, `−$40,000`.
pub fn money_whole(m: Money, cur: &Currency) -> Amount {
    let c = m.cents();
    let abs = c.unsigned_abs();
    let units = (abs + 50) / 100;
    let neg = c < 0 && units > 0;
    let text = format!(
        "{}{}{}",
        if neg { "\u{2212}" } else { "" },
        cur.prefix,
        group(units)
    );
    Amount { text, neg }
}

/// Formats an attainment as a percentage with one decimal (`112.5%`), or `—` when there is none.
pub fn attainment(a: Option<Ratio>) -> String {
    match a {
        None => "\u{2014}".into(),
        Some(r) => {
            // millionths → tenths of a percent, rounded half away from zero.
            let m = r.micros();
            let tenths = (m.unsigned_abs() + 500) / 1000;
            let sign = if m < 0 && tenths > 0 { "\u{2212}" } else { "" };
            format!("{sign}{}.{}%", group(tenths / 10), tenths % 10)
        }
    }
}

/// Returns `credited / target` in millionths, rounded half to even, or `None` for a zero target.
pub fn ratio_of(credited: Money, target: Money) -> Option<Ratio> {
    if target.cents() == 0 {
        return None;
    }
    let num = i128::from(credited.cents()) * 1_000_000;
    let den = i128::from(target.cents());
    let q = num.div_euclid(den);
    let r = num.rem_euclid(den);
    let twice = 2 * r;
    let q = if twice > den.abs() || (twice == den.abs() && q % 2 != 0) {
        q + 1
    } else {
        q
    };
    i64::try_from(q).ok().map(Ratio::from_micros)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_have_separators_currency_and_a_clear_minus() {
        let usd = Currency::new("USD");
        assert_eq!(
            money(Money::from_cents(123_456_789), &usd).text,
            "$1,234,567.89"
        );
        let neg = money(Money::from_cents(-4_000_000), &usd);
        assert_eq!(neg.text, "\u{2212}$40,000.00");
        assert!(neg.neg);
        assert_eq!(neg.class(), "num neg");
        assert_eq!(money(Money::from_cents(5), &usd).text, "$0.05");
        assert_eq!(money_whole(Money::from_cents(99_950), &usd).text, "$1,000");
        assert_eq!(money_whole(Money::from_cents(-40), &usd).text, "$0");
        assert_eq!(
            money(Money::from_cents(100), &Currency::new("SEK")).text,
            "SEK\u{a0}1.00"
        );
    }

    #[test]
    fn attainment_reads_as_a_percentage() {
        assert_eq!(attainment(Some(Ratio::from_micros(1_125_000))), "112.5%");
        assert_eq!(attainment(Some(Ratio::from_micros(291_667))), "29.2%");
        assert_eq!(attainment(None), "\u{2014}");
        assert_eq!(
            ratio_of(Money::from_cents(35_000), Money::from_cents(120_000)),
            Some(Ratio::from_micros(291_667))
        );
        assert_eq!(ratio_of(Money::from_cents(1), Money::ZERO), None);
    }

    #[test]
    fn html_is_escaped() {
        assert_eq!(
            escape("<a href=\"x\">&'"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
    }
}
