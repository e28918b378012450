//! What an allocation is asked to do (planning.md's options), parsed from text once for the
//! command line and the web pages alike: every refusal is one sentence naming the option.

use attain_domain::vocab::Metric;
use attain_domain::{Money, Percent};
use std::fmt;

/// How a node's target is weighed among its children (`--basis`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub enum Basis {
    /// Every child weighs 1.
    #[default]
    Equal,
    /// A child territory weighs its subtree's actual of the metric in the year before; a rep
    /// their credited metric in the year before.
    PriorYear,
    /// A child territory weighs the annual revenue of the accounts aligned to its subtree on the
    /// first day of the year; reps share a leaf equally.
    Potential,
}

impl Basis {
    /// Every basis, in the order of planning.md.
    pub const ALL: [Basis; 3] = [Basis::Equal, Basis::PriorYear, Basis::Potential];

    /// Returns the option's word.
    pub fn as_str(self) -> &'static str {
        match self {
            Basis::Equal => "equal",
            Basis::PriorYear => "prior_year",
            Basis::Potential => "potential",
        }
    }

    /// Parses `equal`, `prior_year` or `potential`.
    pub fn parse(s: &str) -> Result<Basis, ParamError> {
        Basis::ALL
            .into_iter()
            .find(|b| b.as_str() == s)
            .ok_or_else(|| {
                ParamError::new(
                    "basis",
                    format!("--basis '{s}' is not one of equal, prior_year, potential"),
                )
            })
    }
}

impl fmt::Display for Basis {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A refused option: which one (`total`, `unit`, …) and one sentence saying why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct ParamError {
    /// The option's name without dashes, for a form to mark its field.
    pub option: &'static str,
    /// One sentence naming the option as `--option`.
    pub message: String,
}

impl ParamError {
    fn new(option: &'static str, message: String) -> ParamError {
        ParamError { option, message }
    }
}

/// One allocation's parameters, validated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Params {
    /// The fiscal year `Y`.
    pub year: i32,
    /// The metric `M`.
    pub metric: Metric,
    /// The company's annual target `AMOUNT`, a multiple of `unit`.
    pub total: Money,
    /// How targets are weighed.
    pub basis: Basis,
    /// Over-assignment `PCT` of each leaf's target to its reps (default 0).
    pub overassign: Percent,
    /// The unit `U` of every annual target (default 1.00).
    pub unit: Money,
    /// `P1 … P12`, summing to 100; `None` divides the year equally.
    pub seasonality: Option<[Percent; 12]>,
    /// `R1, R2, …`: the ramp of reps hired during the year, from their hire month.
    pub ramp: Vec<Percent>,
}

/// The options as text, as a command line or a form gives them; `None` (or an empty text) is
/// the default.
#[derive(Debug, Clone, Copy, Default)]
pub struct ParamsText<'a> {
    pub year: &'a str,
    pub metric: &'a str,
    pub total: &'a str,
    pub basis: Option<&'a str>,
    pub overassign: Option<&'a str>,
    pub unit: Option<&'a str>,
    pub seasonality: Option<&'a str>,
    pub ramp: Option<&'a str>,
}

/// Returns the text of an optional option, `None` when absent or blank.
fn given(s: Option<&str>) -> Option<&str> {
    s.map(str::trim).filter(|s| !s.is_empty())
}

/// Parses a list of percents separated by commas.
fn percents(option: &'static str, s: &str) -> Result<Vec<Percent>, ParamError> {
    s.split(',')
        .map(|v| {
            Percent::parse(v.trim())
                .map_err(|e| ParamError::new(option, format!("--{option}: {e}")))
        })
        .collect()
}

/// Checks that a year is one the dataset allows.
pub fn check_year(year: i32) -> Result<i32, ParamError> {
    if (1900..=9999).contains(&year) {
        Ok(year)
    } else {
        Err(ParamError::new(
            "year",
            format!("--year {year} is not a fiscal year between 1900 and 9999"),
        ))
    }
}

/// Parses a fiscal year.
pub fn parse_year(s: &str) -> Result<i32, ParamError> {
    let year = s.trim().parse::<i32>().map_err(|_| {
        ParamError::new(
            "year",
            format!("--year '{s}' is not a fiscal year such as 2026"),
        )
    })?;
    check_year(year)
}

/// Parses a metric (`bookings`, `revenue`, `margin`).
pub fn parse_metric(s: &str) -> Result<Metric, ParamError> {
    Metric::parse(s.trim()).map_err(|e| ParamError::new("metric", format!("--metric {e}")))
}

impl Params {
    /// Returns the parameters with every option at its default: equal basis, no
    /// over-assignment, unit 1.00, equal months, no ramp.
    pub fn new(year: i32, metric: Metric, total: Money) -> Result<Params, ParamError> {
        let params = Params {
            year: check_year(year)?,
            metric,
            total,
            basis: Basis::Equal,
            overassign: Percent::from_units(0),
            unit: Money::from_cents(100),
            seasonality: None,
            ramp: Vec::new(),
        };
        params.check()?;
        Ok(params)
    }

    /// Parses and checks every option.
    pub fn parse(text: &ParamsText<'_>) -> Result<Params, ParamError> {
        let year = parse_year(text.year)?;
        let metric = parse_metric(text.metric)?;
        let total = Money::parse(text.total.trim())
            .map_err(|e| ParamError::new("total", format!("--total: {e}")))?;
        let basis = given(text.basis).map_or(Ok(Basis::Equal), Basis::parse)?;
        let overassign = match given(text.overassign) {
            None => Percent::from_units(0),
            Some(s) => Percent::parse(s)
                .map_err(|e| ParamError::new("overassign", format!("--overassign: {e}")))?,
        };
        let unit = match given(text.unit) {
            None => Money::from_cents(100),
            Some(s) => {
                Money::parse(s).map_err(|e| ParamError::new("unit", format!("--unit: {e}")))?
            }
        };
        let seasonality = match given(text.seasonality) {
            None => None,
            Some(s) => {
                let values = percents("seasonality", s)?;
                let n = values.len();
                Some(<[Percent; 12]>::try_from(values).map_err(|_| {
                    ParamError::new(
                        "seasonality",
                        format!("--seasonality needs 12 percents summing to 100, one per fiscal month, not {n}"),
                    )
                })?)
            }
        };
        let ramp = match given(text.ramp) {
            None => Vec::new(),
            Some(s) => percents("ramp", s)?,
        };
        let params = Params {
            year,
            metric,
            total,
            basis,
            overassign,
            unit,
            seasonality,
            ramp,
        };
        params.check()?;
        Ok(params)
    }

    /// Checks the rules between options: a positive unit dividing a non-negative total,
    /// seasonality summing to 100, at most 12 ramp months.
    pub fn check(&self) -> Result<(), ParamError> {
        check_year(self.year)?;
        if self.total.is_negative() {
            return Err(ParamError::new(
                "total",
                format!("--total {} must not be negative", self.total),
            ));
        }
        if self.unit.cents() <= 0 {
            return Err(ParamError::new(
                "unit",
                format!("--unit {} must be more than 0", self.unit),
            ));
        }
        if self.total.cents() % self.unit.cents() != 0 {
            return Err(ParamError::new(
                "total",
                format!(
                    "--total {} is not a multiple of --unit {}",
                    self.total, self.unit
                ),
            ));
        }
        if let Some(p) = &self.seasonality {
            let sum: i64 = p.iter().map(|p| p.units()).sum();
            if sum != 100 * Percent::SCALE {
                return Err(ParamError::new(
                    "seasonality",
                    format!(
                        "--seasonality needs 12 percents summing to 100, and these sum to {}",
                        Percent::from_units(sum)
                    ),
                ));
            }
        }
        if self.ramp.len() > 12 {
            return Err(ParamError::new(
                "ramp",
                format!(
                    "--ramp takes at most 12 percents (one per month from the hire month), not {}",
                    self.ramp.len()
                ),
            ));
        }
        Ok(())
    }

    /// Returns the month weights: `P1 … P12` in ten-thousandths of a percent, or 1 each.
    pub fn month_weights(&self) -> [i128; 12] {
        match &self.seasonality {
            Some(p) => p.map(|p| i128::from(p.units())),
            None => [1; 12],
        }
    }

    /// Returns the parameters as JSON (money and percents as decimal text), as versions store them.
    pub fn to_json(&self) -> serde_json::Value {
        let list = |v: &[Percent]| v.iter().map(ToString::to_string).collect::<Vec<_>>();
        serde_json::json!({
            "year": self.year,
            "metric": self.metric.as_str(),
            "total": self.total.to_string(),
            "basis": self.basis.as_str(),
            "overassign": self.overassign.to_string(),
            "unit": self.unit.to_string(),
            "seasonality": self.seasonality.as_ref().map(|p| list(p)),
            "ramp": list(&self.ramp),
        })
    }

    /// Reads parameters written by [`Params::to_json`].
    pub fn from_json(v: &serde_json::Value) -> Result<Params, ParamError> {
        let text = |k: &str| v.get(k).and_then(serde_json::Value::as_str);
        let joined = |k: &str| {
            v.get(k).and_then(serde_json::Value::as_array).map(|a| {
                a.iter()
                    .filter_map(serde_json::Value::as_str)
                    .collect::<Vec<_>>()
                    .join(",")
            })
        };
        let year = v
            .get("year")
            .and_then(serde_json::Value::as_i64)
            .map(|y| y.to_string())
            .unwrap_or_default();
        let (seasonality, ramp) = (joined("seasonality"), joined("ramp"));
        Params::parse(&ParamsText {
            year: &year,
            metric: text("metric").unwrap_or_default(),
            total: text("total").unwrap_or_default(),
            basis: text("basis"),
            overassign: text("overassign"),
            unit: text("unit"),
            seasonality: seasonality.as_deref(),
            ramp: ramp.as_deref(),
        })
    }

    /// Returns a short description of the options that differ from their defaults.
    pub fn describe(&self) -> String {
        let mut parts = vec![format!("basis {}", self.basis)];
        if self.overassign.units() != 0 {
            parts.push(format!("over-assignment {} %", self.overassign));
        }
        if self.unit != Money::from_cents(100) {
            parts.push(format!("unit {}", self.unit));
        }
        if let Some(p) = &self.seasonality {
            let list: Vec<String> = p.iter().map(ToString::to_string).collect();
            parts.push(format!("seasonality {}", list.join(",")));
        }
        if !self.ramp.is_empty() {
            let list: Vec<String> = self.ramp.iter().map(ToString::to_string).collect();
            parts.push(format!("ramp {}", list.join(",")));
        }
        parts.join(", ")
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)] // a test that fails should panic

    use super::*;

    fn text<'a>(total: &'a str) -> ParamsText<'a> {
        ParamsText {
            year: "2026",
            metric: "bookings",
            total,
            ..ParamsText::default()
        }
    }

    #[test]
    fn defaults_are_equal_basis_unit_one_and_equal_months() {
        let p = Params::parse(&text("1000")).unwrap();
        assert_eq!(p.basis, Basis::Equal);
        assert_eq!(p.unit, Money::from_cents(100));
        assert_eq!(p.overassign.units(), 0);
        assert_eq!(p.month_weights(), [1; 12]);
        assert!(p.ramp.is_empty());
    }

    #[test]
    fn a_total_that_is_not_a_multiple_of_the_unit_is_refused_naming_both_options() {
        let e = Params::parse(&ParamsText {
            unit: Some("1000"),
            ..text("2500")
        })
        .unwrap_err();
        assert_eq!(e.option, "total");
        assert_eq!(
            e.message,
            "--total 2500.00 is not a multiple of --unit 1000.00"
        );
        let e = Params::parse(&text("10.50")).unwrap_err();
        assert_eq!(e.message, "--total 10.50 is not a multiple of --unit 1.00");
    }

    #[test]
    fn seasonality_must_be_twelve_percents_summing_to_one_hundred() {
        let e = Params::parse(&ParamsText {
            seasonality: Some("50,50"),
            ..text("100")
        })
        .unwrap_err();
        assert_eq!(
            e.message,
            "--seasonality needs 12 percents summing to 100, one per fiscal month, not 2"
        );
        let e = Params::parse(&ParamsText {
            seasonality: Some("8,8,8,8,8,8,8,8,8,8,8,8"),
            ..text("100")
        })
        .unwrap_err();
        assert_eq!(
            e.message,
            "--seasonality needs 12 percents summing to 100, and these sum to 96"
        );
        let ok = Params::parse(&ParamsText {
            seasonality: Some("5, 5, 10, 5, 5, 10, 5, 5, 10, 10, 10, 20"),
            ..text("100")
        })
        .unwrap();
        assert_eq!(ok.month_weights()[11], 200_000);
    }

    #[test]
    fn bad_words_and_numbers_name_their_option() {
        let bad = [
            (
                ParamsText {
                    basis: Some("history"),
                    ..text("1")
                },
                "--basis 'history' is not one of equal, prior_year, potential",
            ),
            (
                ParamsText {
                    metric: "profit",
                    ..text("1")
                },
                "--metric 'profit' is not one of bookings, revenue, margin",
            ),
            (
                ParamsText {
                    unit: Some("0"),
                    ..text("1")
                },
                "--unit 0.00 must be more than 0",
            ),
            (text("-5"), "--total -5.00 must not be negative"),
            (
                ParamsText {
                    year: "26",
                    ..text("1")
                },
                "--year 26 is not a fiscal year between 1900 and 9999",
            ),
        ];
        for (t, want) in bad {
            assert_eq!(Params::parse(&t).unwrap_err().message, want);
        }
        let e = Params::parse(&ParamsText {
            ramp: Some("50,x"),
            ..text("1")
        })
        .unwrap_err();
        assert_eq!(e.option, "ramp");
        assert!(e.message.starts_with("--ramp: 'x' is not a percent"), "{e}");
        let e = Params::parse(&ParamsText {
            overassign: Some("150"),
            ..text("1")
        })
        .unwrap_err();
        assert_eq!(e.message, "--overassign: '150' is more than 100 percent");
    }

    #[test]
    fn parameters_survive_their_json_form() {
        let p = Params::parse(&ParamsText {
            basis: Some("potential"),
            overassign: Some("12.5"),
            unit: Some("100"),
            seasonality: Some("5,5,10,5,5,10,5,5,10,10,10,20"),
            ramp: Some("25,50,75"),
            ..text("120000")
        })
        .unwrap();
        assert_eq!(Params::from_json(&p.to_json()).unwrap(), p);
        assert_eq!(
            p.describe(),
            "basis potential, over-assignment 12.5 %, unit 100.00, seasonality 5,5,10,5,5,10,5,5,10,10,10,20, ramp 25,50,75"
        );
    }
}
