//! Pipeline metrics (docs/pipeline.md): the one definition of every figure of the person and team
//! snapshots, as pure functions over plain inputs: the stages table, a person's opportunities with
//! their stage history, their activities, and a period. Integer arithmetic only: money in cents,
//! ratios in millionths, days as whole numbers, every division rounded half to even.

pub mod metrics;
pub mod period;
pub mod scorecard;
pub mod snapshot;

pub use metrics::*;
pub use period::{Period, PeriodKind};
pub use snapshot::{Figures, OutlierRules, Outliers, Snapshot, SnapshotInputs};

use crate::date::Date;
use crate::money::Money;
use crate::vocab::{ActivityType, ForecastCategory, Outcome};

/// One row of the stages table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StageDef {
    /// The stage's name.
    pub name: String,
    /// Its position in the sales process (higher is further).
    pub position: i64,
    /// Open, won or lost.
    pub outcome: Outcome,
}

/// The sales process: the stages ordered by position.
#[derive(Debug, Clone, Default)]
pub struct Stages {
    list: Vec<StageDef>,
}

impl Stages {
    /// Returns the process of these stages, ordered by position then name.
    pub fn new(mut list: Vec<StageDef>) -> Stages {
        list.sort_by(|a, b| (a.position, &a.name).cmp(&(b.position, &b.name)));
        Stages { list }
    }

    /// Returns the default stages of dataset.md.
    pub fn defaults() -> Stages {
        let s = |name: &str, position, outcome| StageDef {
            name: name.into(),
            position,
            outcome,
        };
        Stages::new(vec![
            s("prospecting", 1, Outcome::Open),
            s("qualification", 2, Outcome::Open),
            s("needs_analysis", 3, Outcome::Open),
            s("proposal", 4, Outcome::Open),
            s("negotiation", 5, Outcome::Open),
            s("closed_won", 6, Outcome::Won),
            s("closed_lost", 7, Outcome::Lost),
        ])
    }

    /// Returns every stage, by position.
    pub fn all(&self) -> &[StageDef] {
        &self.list
    }

    /// Returns a stage by name.
    pub fn get(&self, name: &str) -> Option<&StageDef> {
        self.list.iter().find(|s| s.name == name)
    }

    /// Returns the outcome of a stage (an unknown stage counts as open).
    pub fn outcome(&self, name: &str) -> Outcome {
        self.get(name).map_or(Outcome::Open, |s| s.outcome)
    }

    /// Returns the position of a stage (an unknown stage is at 0).
    pub fn position(&self, name: &str) -> i64 {
        self.get(name).map_or(0, |s| s.position)
    }

    /// Returns the ladder of the conversion rates: the open stages by position, then the first
    /// won stage.
    pub fn ladder(&self) -> Vec<&StageDef> {
        let mut l: Vec<&StageDef> = self
            .list
            .iter()
            .filter(|s| s.outcome == Outcome::Open)
            .collect();
        if let Some(won) = self.list.iter().find(|s| s.outcome == Outcome::Won) {
            l.push(won);
        }
        l
    }

    /// Returns the open stages by position.
    pub fn open(&self) -> impl Iterator<Item = &StageDef> {
        self.list.iter().filter(|s| s.outcome == Outcome::Open)
    }
}

/// One entry of an opportunity's stage history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StageEntry {
    /// The stage entered.
    pub stage: String,
    /// The day it was entered.
    pub entered: Date,
}

/// An opportunity as the metrics see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Opportunity {
    /// `opportunity_id`.
    pub id: String,
    /// `name`.
    pub name: String,
    /// The stage it is in now.
    pub stage: String,
    /// `amount`.
    pub amount: Money,
    /// `created_date`.
    pub created: Date,
    /// `close_date` (expected while open, actual once closed).
    pub close: Date,
    /// The forecast category now (the default of the stage's outcome when empty).
    pub forecast: ForecastCategory,
    /// The stage history, ordered by entered date, then by stage position.
    pub history: Vec<StageEntry>,
}

/// A logged activity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Activity {
    /// `activity_id`.
    pub id: String,
    /// `date`.
    pub date: Date,
    /// `type`.
    pub kind: ActivityType,
}

/// One person's records: what every metric of a snapshot reads.
#[derive(Debug, Clone, Default)]
pub struct Book {
    /// Their opportunities (owner), each with its history.
    pub opportunities: Vec<Opportunity>,
    /// Their activities.
    pub activities: Vec<Activity>,
}

impl Book {
    /// Orders each opportunity's history by date, then stage position (call once after loading).
    pub fn sort_histories(&mut self, stages: &Stages) {
        for o in &mut self.opportunities {
            o.history
                .sort_by_key(|e| (e.entered, stages.position(&e.stage)));
        }
    }
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod scorecard_tests;
