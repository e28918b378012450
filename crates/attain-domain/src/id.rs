//! `Id`: the natural keys of the dataset, 1–64 characters of `A-Z a-z 0-9 _ . : -`.

use crate::ParseError;
use std::fmt;

/// A validated record id.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Id(String);

impl Id {
    /// Returns true when `s` is a valid id.
    pub fn is_valid(s: &str) -> bool {
        !s.is_empty()
            && s.len() <= 64
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b':' | b'-'))
    }

    /// Parses an id, naming what is wrong with it.
    pub fn parse(s: &str) -> Result<Id, ParseError> {
        if s.len() > 64 {
            return Err(ParseError::new(format!(
                "'{}…' is longer than 64 characters",
                &s[..s.char_indices().nth(20).map_or(s.len(), |(i, _)| i)]
            )));
        }
        if !Id::is_valid(s) {
            return Err(ParseError::new(format!(
                "'{s}' is not an id (1–64 characters of letters, digits, _ . : -)"
            )));
        }
        Ok(Id(s.to_owned()))
    }

    /// Returns the id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_the_id_alphabet_and_refuses_the_rest() {
        assert!(Id::parse("ae-2026").is_ok());
        assert!(Id::parse("a.b:c_d").is_ok());
        assert!(Id::parse(&"x".repeat(64)).is_ok());
        assert!(Id::parse(&"x".repeat(65)).is_err());
        assert!(Id::parse("").is_err());
        assert!(Id::parse("a b").is_err());
        assert!(Id::parse("é").is_err());
    }
}
