//! Working with the sales records — accounts, contacts, opportunities, activities — from the
//! pages and the API through one service: fields are named and parsed as in dataset.md (the
//! dataset spec's column kinds and references), checked against the viewer's scope, written
//! with an audit row in the caller's transaction; an opportunity's stage change also records its
//! stage history and, on closing won or reopening, its booking or the booking's reversal.

pub mod access;
pub mod fields;
pub mod pipeline;
pub mod save;
pub mod search;

pub use fields::{Fields, Invalid, Record};
pub use save::{Options, SaveError, Saved, save};

use attain_dataset::spec::{FileSpec, file_spec};

/// One kind of sales record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Entity {
    /// `accounts.csv`.
    Account,
    /// `contacts.csv`.
    Contact,
    /// `opportunities.csv`.
    Opportunity,
    /// `activities.csv`.
    Activity,
}

impl Entity {
    /// The dataset file (and table) of the kind.
    pub fn file(self) -> &'static str {
        match self {
            Entity::Account => "accounts",
            Entity::Contact => "contacts",
            Entity::Opportunity => "opportunities",
            Entity::Activity => "activities",
        }
    }

    /// The word for one record, also the audit entity.
    pub fn noun(self) -> &'static str {
        match self {
            Entity::Account => "account",
            Entity::Contact => "contact",
            Entity::Opportunity => "opportunity",
            Entity::Activity => "activity",
        }
    }

    /// The prefix of generated ids (`OPP-00001`).
    pub fn prefix(self) -> &'static str {
        match self {
            Entity::Account => "ACC",
            Entity::Contact => "CON",
            Entity::Opportunity => "OPP",
            Entity::Activity => "ACT",
        }
    }

    /// The dataset spec of the kind.
    pub fn spec(self) -> &'static FileSpec {
        file_spec(self.file()).expect("spec: every sales record is a dataset file")
    }

    /// The key column.
    pub fn key(self) -> &'static str {
        self.spec().key[0]
    }
}
