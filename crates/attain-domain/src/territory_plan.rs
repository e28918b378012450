//! The fixed limits of a territory plan that keep it on one printed page, and the default
//! template its sections are written to (docs/territory-plan.md).

use crate::vocab::PlanSection;

/// The most characters any section's text may hold, whatever the template says.
pub const MAX_SECTION_CHARS: usize = 600;
/// The most key accounts a plan names.
pub const MAX_KEY_ACCOUNTS: usize = 6;
/// The most characters of the strategy for one key account.
pub const MAX_STRATEGY_CHARS: usize = 200;

/// How one section is presented and bounded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateSection {
    /// The section.
    pub section: PlanSection,
    /// Its heading on the page and in print.
    pub heading: String,
    /// The question the writer answers.
    pub prompt: String,
    /// The most characters of its text, at most `MAX_SECTION_CHARS`.
    pub max_chars: usize,
}

/// The template used while sales ops have not changed it.
pub fn default_template() -> Vec<TemplateSection> {
    let s = |section, heading: &str, prompt: &str, max_chars| TemplateSection {
        section,
        heading: heading.to_owned(),
        prompt: prompt.to_owned(),
        max_chars,
    };
    vec![
        s(
            PlanSection::Objectives,
            "Major objectives",
            "What you will achieve this year beyond the numbers, and how.",
            400,
        ),
        s(
            PlanSection::NewBusiness,
            "New business development",
            "Which new accounts and segments you will open, and how you will find them.",
            400,
        ),
        s(
            PlanSection::AccountManagement,
            "Account management and maintenance",
            "How you will keep, grow and renew the accounts you have.",
            400,
        ),
        s(
            PlanSection::ChannelManagement,
            "Channel management",
            "Which partners and channels you will work with, and what you expect of them.",
            400,
        ),
    ]
}

/// Counts characters as a reader sees them (not bytes).
pub fn char_len(s: &str) -> usize {
    s.chars().count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_template_has_every_section_once_within_the_hard_limit() {
        let t = default_template();
        assert_eq!(
            t.iter().map(|s| s.section).collect::<Vec<_>>(),
            PlanSection::ALL
        );
        assert!(t.iter().all(|s| s.max_chars <= MAX_SECTION_CHARS));
    }

    #[test]
    fn lengths_count_characters_not_bytes() {
        assert_eq!(char_len("Zürich"), 6);
    }
}
