//! What a calculation reads: one fiscal year's transactions and everything they are credited,
//! aligned and paid by, held in memory with people, territories, accounts and components referred
//! to by index. [`InputsBuilder`] takes the dataset's text ids and interns them; the loader and
//! the hand-written tests both use it.

use attain_domain::vocab::{Method, Metric, Period, Scope, TxKind};
use attain_domain::{Date, FiscalCalendar, Money, Percent, Ratio};
use rustc_hash::{FxHashMap, FxHashSet};
use std::collections::HashMap;
use std::num::NonZeroU32;

/// An index into one of the tables of [`Inputs`], stored as `index + 1` so `Option<Ix>` takes
/// four bytes: ten million transactions refer to their owner, account and original cheaply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Ix(NonZeroU32);

impl Ix {
    /// Returns the index of position `i`.
    pub fn new(i: usize) -> Ix {
        let n = u32::try_from(i + 1).expect("Ix: fewer than four billion rows of one table");
        Ix(NonZeroU32::new(n).expect("Ix: i + 1 is never zero"))
    }

    /// Returns the position.
    pub fn get(self) -> usize {
        self.0.get() as usize - 1
    }
}

/// A person: their id, their manager before any `reporting.csv` row, and their home territory.
#[derive(Debug, Clone)]
pub struct Person {
    pub id: String,
    pub manager: Option<Ix>,
    pub territory: Option<Ix>,
}

/// An effective-dated reporting line: from `start` the person reports to `manager`.
#[derive(Debug, Clone, Copy)]
pub struct Reporting {
    pub person: Ix,
    pub manager: Option<Ix>,
    pub start: Date,
}

/// A territory node and its parent (`None` for the company).
#[derive(Debug, Clone)]
pub struct Territory {
    pub id: String,
    pub parent: Option<Ix>,
}

/// An account's territory from the beginning of time (before any alignment row).
#[derive(Debug, Clone, Copy)]
pub struct Account {
    pub territory: Ix,
}

/// An effective-dated alignment: from `start` the account belongs to `territory`.
#[derive(Debug, Clone, Copy)]
pub struct Alignment {
    pub account: Ix,
    pub territory: Ix,
    pub start: Date,
}

/// One transaction. Its split rows are `Inputs::splits[split_start .. split_start + split_len]`.
#[derive(Debug, Clone, Copy)]
pub struct Transaction {
    pub date: Date,
    pub kind: TxKind,
    pub amount: Money,
    pub margin: Money,
    pub account: Option<Ix>,
    pub owner: Option<Ix>,
    /// The transaction this one reverses.
    pub reverses: Option<Ix>,
    pub split_start: u32,
    pub split_len: u32,
}

/// A person other than the owner who shares a transaction's credit.
#[derive(Debug, Clone, Copy)]
pub struct Split {
    pub person: Ix,
    pub percent: Percent,
}

/// A band of a `commission` component: attainment from `from` to `to` (`None`: no bound) is
/// paid at `rate`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tier {
    pub from: Ratio,
    pub to: Option<Ratio>,
    pub rate: Ratio,
}

/// A point of a `payout_curve` component.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CurvePoint {
    pub attainment: Ratio,
    pub payout: Ratio,
}

/// One component of a plan (a row of plans.csv) with its tiers or curve, sorted.
#[derive(Debug, Clone)]
pub struct Component {
    pub plan_id: String,
    pub component: String,
    pub metric: Metric,
    pub method: Method,
    pub period: Period,
    /// The share of target incentive (default 1), for `payout_curve`.
    pub weight: Ratio,
    /// The most the component can earn in one window.
    pub cap: Option<Money>,
    pub tiers: Vec<Tier>,
    pub curve: Vec<CurvePoint>,
}

/// A person's plan for the year.
#[derive(Debug, Clone)]
pub struct Assignment {
    pub person: Ix,
    pub plan_id: String,
    pub target_incentive: Option<Money>,
}

/// The stored payout of a locked month for one person and component.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Paid {
    pub person: Ix,
    pub component: Ix,
    pub month: u32,
    pub amount: Money,
}

/// A manual adjustment paid in a fiscal month.
#[derive(Debug, Clone, Copy)]
pub struct Adjustment {
    pub person: Ix,
    pub month: u32,
    pub amount: Money,
}

/// Twelve monthly amounts in cents, fiscal month 1 first.
pub type Months = [i64; 12];

/// Everything one calculation of fiscal year `year` reads.
#[derive(Debug, Clone)]
pub struct Inputs {
    pub year: i32,
    pub calendar: FiscalCalendar,
    pub people: Vec<Person>,
    pub reporting: Vec<Reporting>,
    pub territories: Vec<Territory>,
    pub accounts: Vec<Account>,
    pub alignments: Vec<Alignment>,
    /// The year's transactions, and the originals (of any date) of its reversals.
    pub transactions: Vec<Transaction>,
    pub splits: Vec<Split>,
    /// Transaction ids, for messages: `tx_ids[ends[i-1]..ends[i]]` is transaction `i`'s.
    pub tx_ids: String,
    pub tx_id_ends: Vec<u32>,
    /// `(person, metric)` → the year's monthly targets.
    pub person_targets: HashMap<(Ix, Metric), Months>,
    /// `(territory, metric)` → the territory's own monthly targets (present when it has rows).
    pub territory_targets: HashMap<(Ix, Metric), Months>,
    /// `(root territory, metric)` → company targets, used when the root has no own rows.
    pub company_targets: HashMap<(Ix, Metric), Months>,
    pub components: Vec<Component>,
    pub assignments: Vec<Assignment>,
    pub paid: Vec<Paid>,
    pub adjustments: Vec<Adjustment>,
}

impl Inputs {
    /// Returns the splits of transaction `t`.
    pub fn splits_of(&self, t: &Transaction) -> &[Split] {
        let start = t.split_start as usize;
        &self.splits[start..start + t.split_len as usize]
    }

    /// Returns the id of transaction `i`.
    pub fn tx_id(&self, i: usize) -> &str {
        let start = if i == 0 {
            0
        } else {
            self.tx_id_ends[i - 1] as usize
        };
        &self.tx_ids[start..self.tx_id_ends[i] as usize]
    }

    /// Returns the last locked fiscal month: the latest month with paid rows (0 if none).
    pub fn last_locked(&self) -> u32 {
        self.paid.iter().map(|p| p.month).max().unwrap_or(0)
    }
}

/// Why inputs could not be assembled.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InputError {
    /// A month outside 1–12.
    #[error("month {0} is not a fiscal month (1–12)")]
    Month(i64),
    /// A tier, curve point or paid row names a component that was not declared.
    #[error("plan {plan} has no component {component}")]
    UnknownComponent { plan: String, component: String },
}

/// Builds [`Inputs`] from text ids, interning people, territories and accounts on first mention
/// (so rows may come in any order) and resolving `reverses` ids when built.
#[derive(Debug)]
pub struct InputsBuilder {
    inputs: Inputs,
    people: FxHashMap<String, Ix>,
    territories: FxHashMap<String, Ix>,
    accounts: FxHashMap<String, Ix>,
    components: HashMap<(String, String), Ix>,
    /// `(transaction, id of its original)` awaiting resolution.
    reverses: Vec<(usize, String)>,
}

impl InputsBuilder {
    /// Starts the inputs of fiscal year `year` on `calendar`.
    pub fn new(year: i32, calendar: FiscalCalendar) -> InputsBuilder {
        InputsBuilder {
            inputs: Inputs {
                year,
                calendar,
                people: Vec::new(),
                reporting: Vec::new(),
                territories: Vec::new(),
                accounts: Vec::new(),
                alignments: Vec::new(),
                transactions: Vec::new(),
                splits: Vec::new(),
                tx_ids: String::new(),
                tx_id_ends: Vec::new(),
                person_targets: HashMap::new(),
                territory_targets: HashMap::new(),
                company_targets: HashMap::new(),
                components: Vec::new(),
                assignments: Vec::new(),
                paid: Vec::new(),
                adjustments: Vec::new(),
            },
            people: FxHashMap::default(),
            territories: FxHashMap::default(),
            accounts: FxHashMap::default(),
            components: HashMap::new(),
            reverses: Vec::new(),
        }
    }

    /// Returns the fiscal year being built.
    pub fn year(&self) -> i32 {
        self.inputs.year
    }

    /// Returns the calendar.
    pub fn calendar(&self) -> FiscalCalendar {
        self.inputs.calendar
    }

    /// Returns the index of person `id`, adding them (no manager, no territory) if unknown.
    pub fn person_ix(&mut self, id: &str) -> Ix {
        if let Some(&ix) = self.people.get(id) {
            return ix;
        }
        let ix = Ix::new(self.inputs.people.len());
        self.inputs.people.push(Person {
            id: id.to_owned(),
            manager: None,
            territory: None,
        });
        self.people.insert(id.to_owned(), ix);
        ix
    }

    /// Returns the index of territory `id`, adding it (no parent) if unknown.
    pub fn territory_ix(&mut self, id: &str) -> Ix {
        if let Some(&ix) = self.territories.get(id) {
            return ix;
        }
        let ix = Ix::new(self.inputs.territories.len());
        self.inputs.territories.push(Territory {
            id: id.to_owned(),
            parent: None,
        });
        self.territories.insert(id.to_owned(), ix);
        ix
    }

    /// Returns the index of account `id`, if it was added.
    pub fn account_ix(&self, id: &str) -> Option<Ix> {
        self.accounts.get(id).copied()
    }

    /// Adds or replaces a person (people.csv).
    pub fn person(
        &mut self,
        id: &str,
        manager: Option<&str>,
        territory: Option<&str>,
    ) -> &mut Self {
        let ix = self.person_ix(id);
        let manager = manager.map(|m| self.person_ix(m));
        let territory = territory.map(|t| self.territory_ix(t));
        let p = &mut self.inputs.people[ix.get()];
        p.manager = manager;
        p.territory = territory;
        self
    }

    /// Adds a reporting line (reporting.csv).
    pub fn reporting(&mut self, person: &str, manager: Option<&str>, start: Date) -> &mut Self {
        let person = self.person_ix(person);
        let manager = manager.map(|m| self.person_ix(m));
        self.inputs.reporting.push(Reporting {
            person,
            manager,
            start,
        });
        self
    }

    /// Adds or replaces a territory (territories.csv).
    pub fn territory(&mut self, id: &str, parent: Option<&str>) -> &mut Self {
        let ix = self.territory_ix(id);
        let parent = parent.map(|p| self.territory_ix(p));
        self.inputs.territories[ix.get()].parent = parent;
        self
    }

    /// Adds or replaces an account and its original territory (accounts.csv).
    pub fn account(&mut self, id: &str, territory: &str) -> &mut Self {
        let territory = self.territory_ix(territory);
        match self.accounts.get(id) {
            Some(ix) => self.inputs.accounts[ix.get()].territory = territory,
            None => {
                let ix = Ix::new(self.inputs.accounts.len());
                self.inputs.accounts.push(Account { territory });
                self.accounts.insert(id.to_owned(), ix);
            }
        }
        self
    }

    /// Adds an alignment (alignments.csv); the account must have been added.
    pub fn alignment(&mut self, account: &str, territory: &str, start: Date) -> &mut Self {
        if let Some(account) = self.account_ix(account) {
            let territory = self.territory_ix(territory);
            self.inputs.alignments.push(Alignment {
                account,
                territory,
                start,
            });
        }
        self
    }

    /// Adds a transaction with its splits `(person, percent)`; splits of 0 % are removed ones
    /// (dataset.md) and are left out. Returns its index.
    pub fn transaction(&mut self, t: TransactionRow<'_>, splits: &[(&str, Percent)]) -> usize {
        let split_start = self.inputs.splits.len() as u32;
        for (person, percent) in splits.iter().filter(|(_, p)| p.units() != 0) {
            let person = self.person_ix(person);
            self.inputs.splits.push(Split {
                person,
                percent: *percent,
            });
        }
        self.push_transaction(t, split_start)
    }

    /// Adds a transaction whose split people are already interned (by [`Self::person_ix`]);
    /// like [`Self::transaction`], splits of 0 % are left out. Returns its index.
    pub fn transaction_with_splits(&mut self, t: TransactionRow<'_>, splits: &[Split]) -> usize {
        let split_start = self.inputs.splits.len() as u32;
        self.inputs
            .splits
            .extend(splits.iter().filter(|s| s.percent.units() != 0));
        self.push_transaction(t, split_start)
    }

    /// Reserves room for `n` more transactions.
    pub fn reserve_transactions(&mut self, n: usize) {
        self.inputs.transactions.reserve(n);
        self.inputs.tx_id_ends.reserve(n);
    }

    fn push_transaction(&mut self, t: TransactionRow<'_>, split_start: u32) -> usize {
        let owner = t.owner.map(|o| self.person_ix(o));
        let account = t.account.and_then(|a| self.account_ix(a));
        let index = self.inputs.transactions.len();
        self.inputs.transactions.push(Transaction {
            date: t.date,
            kind: t.kind,
            amount: t.amount,
            margin: t.margin,
            account,
            owner,
            reverses: None,
            split_start,
            split_len: self.inputs.splits.len() as u32 - split_start,
        });
        self.inputs.tx_ids.push_str(t.id);
        self.inputs.tx_id_ends.push(
            u32::try_from(self.inputs.tx_ids.len())
                .expect("transaction ids: less than 4 GiB of id text"),
        );
        if let Some(original) = t.reverses {
            self.reverses.push((index, original.to_owned()));
        }
        index
    }

    /// Returns the ids named by `reverses` that are not (yet) among the transactions.
    pub fn missing_originals(&self) -> Vec<String> {
        let found = self.find_originals();
        let mut missing: Vec<String> = self
            .reverses
            .iter()
            .filter(|(_, id)| !found.contains_key(id.as_str()))
            .map(|(_, id)| id.clone())
            .collect();
        missing.sort();
        missing.dedup();
        missing
    }

    /// Maps each wanted original id to its transaction, scanning the ids once.
    fn find_originals(&self) -> FxHashMap<&str, usize> {
        let wanted: FxHashSet<&str> = self.reverses.iter().map(|(_, id)| id.as_str()).collect();
        let mut found = FxHashMap::with_capacity_and_hasher(wanted.len(), Default::default());
        if wanted.is_empty() {
            return found;
        }
        let mut start = 0usize;
        for (i, &end) in self.inputs.tx_id_ends.iter().enumerate() {
            let id = &self.inputs.tx_ids[start..end as usize];
            if let Some(&w) = wanted.get(id) {
                found.insert(w, i);
            }
            start = end as usize;
        }
        found
    }

    /// Adds a target row (targets.csv) of the year being built.
    pub fn target(
        &mut self,
        scope: Scope,
        scope_id: &str,
        month: u32,
        metric: Metric,
        amount: Money,
    ) -> Result<&mut Self, InputError> {
        let m = month_index(month)?;
        let slot = match scope {
            Scope::Person => {
                let ix = self.person_ix(scope_id);
                self.inputs.person_targets.entry((ix, metric)).or_default()
            }
            Scope::Territory => {
                let ix = self.territory_ix(scope_id);
                self.inputs
                    .territory_targets
                    .entry((ix, metric))
                    .or_default()
            }
            Scope::Company => {
                let ix = self.territory_ix(scope_id);
                self.inputs.company_targets.entry((ix, metric)).or_default()
            }
        };
        slot[m] = amount.cents();
        Ok(self)
    }

    /// Adds a plan component (plans.csv). `weight` defaults to 1.
    pub fn component(&mut self, c: ComponentRow<'_>) -> &mut Self {
        let key = (c.plan_id.to_owned(), c.component.to_owned());
        let component = Component {
            plan_id: c.plan_id.to_owned(),
            component: c.component.to_owned(),
            metric: c.metric,
            method: c.method,
            period: c.period,
            weight: c.weight.unwrap_or(Ratio::ONE),
            cap: c.cap,
            tiers: Vec::new(),
            curve: Vec::new(),
        };
        match self.components.get(&key) {
            Some(ix) => {
                let slot = &mut self.inputs.components[ix.get()];
                let (tiers, curve) = (
                    std::mem::take(&mut slot.tiers),
                    std::mem::take(&mut slot.curve),
                );
                *slot = Component {
                    tiers,
                    curve,
                    ..component
                };
            }
            None => {
                self.components
                    .insert(key, Ix::new(self.inputs.components.len()));
                self.inputs.components.push(component);
            }
        }
        self
    }

    fn component_ix(&self, plan_id: &str, component: &str) -> Result<Ix, InputError> {
        self.components
            .get(&(plan_id.to_owned(), component.to_owned()))
            .copied()
            .ok_or_else(|| InputError::UnknownComponent {
                plan: plan_id.to_owned(),
                component: component.to_owned(),
            })
    }

    /// Adds a band of a commission component (plan_tiers.csv).
    pub fn tier(
        &mut self,
        plan_id: &str,
        component: &str,
        tier: Tier,
    ) -> Result<&mut Self, InputError> {
        let ix = self.component_ix(plan_id, component)?;
        self.inputs.components[ix.get()].tiers.push(tier);
        Ok(self)
    }

    /// Adds a point of a payout curve (plan_curve.csv).
    pub fn curve_point(
        &mut self,
        plan_id: &str,
        component: &str,
        point: CurvePoint,
    ) -> Result<&mut Self, InputError> {
        let ix = self.component_ix(plan_id, component)?;
        self.inputs.components[ix.get()].curve.push(point);
        Ok(self)
    }

    /// Assigns a plan to a person for the year (plan_assignments.csv).
    pub fn assignment(
        &mut self,
        person: &str,
        plan_id: &str,
        target_incentive: Option<Money>,
    ) -> &mut Self {
        let person = self.person_ix(person);
        self.inputs.assignments.retain(|a| a.person != person);
        self.inputs.assignments.push(Assignment {
            person,
            plan_id: plan_id.to_owned(),
            target_incentive,
        });
        self
    }

    /// Adds the stored payout of a locked month (paid.csv).
    pub fn paid(
        &mut self,
        person: &str,
        plan_id: &str,
        component: &str,
        month: u32,
        amount: Money,
    ) -> Result<&mut Self, InputError> {
        month_index(month)?;
        let component = self.component_ix(plan_id, component)?;
        let person = self.person_ix(person);
        self.inputs
            .paid
            .retain(|p| !(p.person == person && p.component == component && p.month == month));
        self.inputs.paid.push(Paid {
            person,
            component,
            month,
            amount,
        });
        Ok(self)
    }

    /// Adds a manual adjustment (adjustments.csv).
    pub fn adjustment(
        &mut self,
        person: &str,
        month: u32,
        amount: Money,
    ) -> Result<&mut Self, InputError> {
        month_index(month)?;
        let person = self.person_ix(person);
        self.inputs.adjustments.push(Adjustment {
            person,
            month,
            amount,
        });
        Ok(self)
    }

    /// Finishes: resolves reversals to their originals and sorts tiers and curves.
    pub fn build(mut self) -> Inputs {
        let found: Vec<(usize, usize)> = {
            let map = self.find_originals();
            self.reverses
                .iter()
                .filter_map(|(t, id)| map.get(id.as_str()).map(|&o| (*t, o)))
                .collect()
        };
        for (t, o) in found {
            self.inputs.transactions[t].reverses = Some(Ix::new(o));
        }
        for c in &mut self.inputs.components {
            c.tiers.sort_by_key(|t| t.from);
            c.curve.sort_by_key(|p| p.attainment);
        }
        self.inputs.reporting.sort_by_key(|r| (r.person, r.start));
        self.inputs.alignments.sort_by_key(|a| (a.account, a.start));
        self.inputs
    }
}

/// Returns the zero-based index of fiscal month `month`.
fn month_index(month: u32) -> Result<usize, InputError> {
    if (1..=12).contains(&month) {
        Ok(month as usize - 1)
    } else {
        Err(InputError::Month(i64::from(month)))
    }
}

/// A transaction as the dataset gives it (transactions.csv), ids as text.
#[derive(Debug, Clone, Copy)]
pub struct TransactionRow<'a> {
    pub id: &'a str,
    pub date: Date,
    pub kind: TxKind,
    pub amount: Money,
    pub margin: Money,
    pub account: Option<&'a str>,
    pub owner: Option<&'a str>,
    pub reverses: Option<&'a str>,
}

/// A plan component as the dataset gives it (plans.csv).
#[derive(Debug, Clone, Copy)]
pub struct ComponentRow<'a> {
    pub plan_id: &'a str,
    pub component: &'a str,
    pub metric: Metric,
    pub method: Method,
    pub period: Period,
    pub weight: Option<Ratio>,
    pub cap: Option<Money>,
}
