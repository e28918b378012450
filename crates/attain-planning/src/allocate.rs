//! The allocation itself (planning.md §1–5), pure: an [`Org`] and [`Params`] in, an
//! [`Allocation`] out — no SQL, no clock, exact integer arithmetic throughout.
//!
//! 1. Down the territory tree, in pre-order: each node's annual target is divided among its
//!    children by largest remainder in units of `U`.
//! 2. Each leaf's target, over-assigned, is divided among its reps in units of `U`.
//! 3. Each leaf's and each rep's annual target is divided into months by largest remainder in
//!    cents; a rep's months before the hire month and after the end month become 0, and the ramp
//!    scales the months from the hire month. Territories above the leaves sum their children's
//!    months; leaders sum the months of the reps below them in the reporting tree.

use crate::params::{Basis, Params};
use crate::split::{Overflow, largest_remainder};
use attain_domain::rounding::div_rhe;
use attain_domain::vocab::{Role, Scope};
use attain_domain::{Date, FiscalCalendar, Money, Percent};

/// Twelve monthly amounts, fiscal month 1 first.
pub type Months = [Money; 12];

/// A territory: its id and its parent's index (`None` for the company).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Territory {
    pub id: String,
    pub parent: Option<usize>,
}

/// A person as the allocation sees them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    pub id: String,
    pub role: Role,
    /// The home territory's index.
    pub territory: Option<usize>,
    pub hire: Option<Date>,
    pub end: Option<Date>,
    /// Whom they report to on the first day of the year (reporting.csv, else people.manager_id).
    pub manager: Option<usize>,
}

/// Everything an allocation reads, by index.
#[derive(Debug, Clone)]
pub struct Org {
    pub calendar: FiscalCalendar,
    pub territories: Vec<Territory>,
    pub people: Vec<Person>,
    /// Per territory: its subtree's weight under `prior_year` or `potential` (missing: 0).
    pub territory_weights: Vec<i128>,
    /// Per person: their credited metric in the year before, for `prior_year` (missing: 0).
    pub person_weights: Vec<i128>,
}

/// Why an allocation could not be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AllocError {
    /// An option was refused.
    #[error(transparent)]
    Params(#[from] crate::params::ParamError),
    /// The territories are not one tree.
    #[error("{0}")]
    Tree(String),
    /// Amounts too large for exact arithmetic.
    #[error("the total and weights are too large to allocate exactly")]
    Overflow,
}

impl From<Overflow> for AllocError {
    fn from(_: Overflow) -> Self {
        AllocError::Overflow
    }
}

/// One territory's plan, with what reconciliation needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NodePlan {
    pub territory_id: String,
    /// The parent's position in [`Allocation::nodes`].
    pub parent: Option<usize>,
    pub depth: u32,
    pub leaf: bool,
    /// The annual target.
    pub annual: Money,
    pub months: Months,
    /// Leaves: what the reps were given beyond the target (the over-assignment).
    pub overassigned: Money,
    /// Leaves without a rep: the whole target.
    pub unassigned: Money,
    /// Leaves: what hires, leavers and ramp took from their reps' months.
    pub hire_gap: Money,
    pub leaver_gap: Money,
    pub ramp_gap: Money,
    /// Leaves: how many reps carry the target.
    pub reps: u32,
}

/// What a person carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Carries {
    /// A rep's share of a leaf (the leaf's position in [`Allocation::nodes`]).
    Leaf(usize),
    /// The sum of this many reps below them in the reporting tree.
    Reps(u32),
}

/// One person's plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonPlan {
    pub person_id: String,
    pub carries: Carries,
    /// A rep's share of the leaf's pool, before hires, leavers and ramp; a leader's annual sum.
    pub assigned: Money,
    pub months: Months,
    pub hire_gap: Money,
    pub leaver_gap: Money,
    pub ramp_gap: Money,
}

impl PersonPlan {
    /// Returns the annual target: the sum of the months.
    pub fn annual(&self) -> Money {
        self.months.iter().copied().sum()
    }
}

/// One target row as targets.csv has it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct TargetRow {
    pub scope: Scope,
    pub scope_id: String,
    pub month: u32,
    pub amount: Money,
}

/// The result: every territory (pre-order, children by id), then every person who carries a
/// target (reps by leaf, then leaders by id).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Allocation {
    pub params: Params,
    pub nodes: Vec<NodePlan>,
    pub people: Vec<PersonPlan>,
}

/// Totals of an allocation, for a one-line summary.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Summary {
    pub total: Money,
    pub territories: usize,
    pub leaves: usize,
    pub reps: usize,
    pub leaders: usize,
    /// Σ of the reps' annual targets.
    pub reps_total: Money,
    pub overassigned: Money,
    pub unassigned: Money,
    pub unassigned_leaves: usize,
    pub hire_gap: Money,
    pub leaver_gap: Money,
    pub ramp_gap: Money,
}

impl Allocation {
    /// Returns the company's months: the root's.
    pub fn company(&self) -> Months {
        self.nodes[0].months
    }

    /// Returns every target row the allocation sets: company, territories, people, months 1–12
    /// each (zeros included, so approval sets them).
    pub fn target_rows(&self) -> Vec<TargetRow> {
        let mut rows = Vec::with_capacity((self.nodes.len() + self.people.len() + 1) * 12);
        let mut push = |scope: Scope, id: &str, months: &Months| {
            for (m, amount) in (1u32..).zip(months) {
                rows.push(TargetRow {
                    scope,
                    scope_id: id.to_owned(),
                    month: m,
                    amount: *amount,
                });
            }
        };
        push(Scope::Company, &self.nodes[0].territory_id, &self.company());
        for n in &self.nodes {
            push(Scope::Territory, &n.territory_id, &n.months);
        }
        for p in &self.people {
            push(Scope::Person, &p.person_id, &p.months);
        }
        rows
    }

    /// Returns the totals.
    pub fn summary(&self) -> Summary {
        let mut s = Summary {
            total: self.nodes[0].annual,
            territories: self.nodes.len(),
            ..Summary::default()
        };
        for n in self.nodes.iter().filter(|n| n.leaf) {
            s.leaves += 1;
            s.overassigned += n.overassigned;
            s.unassigned += n.unassigned;
            s.unassigned_leaves += usize::from(n.reps == 0);
            s.hire_gap += n.hire_gap;
            s.leaver_gap += n.leaver_gap;
            s.ramp_gap += n.ramp_gap;
        }
        for p in &self.people {
            match p.carries {
                Carries::Leaf(_) => {
                    s.reps += 1;
                    s.reps_total += p.annual();
                }
                Carries::Reps(_) => s.leaders += 1,
            }
        }
        s
    }
}

/// The territory tree walked from its root.
struct Tree {
    root: usize,
    /// Territories in pre-order, children by id.
    order: Vec<usize>,
    children: Vec<Vec<usize>>,
    depth: Vec<u32>,
}

impl Tree {
    fn new(territories: &[Territory]) -> Result<Tree, AllocError> {
        let n = territories.len();
        let mut children = vec![Vec::new(); n];
        let mut roots = Vec::new();
        for (i, t) in territories.iter().enumerate() {
            match t.parent {
                Some(p) if p < n => children[p].push(i),
                Some(_) => {
                    return Err(AllocError::Tree(format!(
                        "territory {} has a parent that does not exist",
                        t.id
                    )));
                }
                None => roots.push(i),
            }
        }
        let root = match roots.as_slice() {
            [r] => *r,
            [] => {
                return Err(AllocError::Tree(
                    "there is no company territory (a territory without a parent) to allocate from"
                        .into(),
                ));
            }
            many => {
                let ids: Vec<&str> = many.iter().map(|&i| territories[i].id.as_str()).collect();
                return Err(AllocError::Tree(format!(
                    "the territories have {} roots ({}); planning needs one tree",
                    many.len(),
                    ids.join(", ")
                )));
            }
        };
        for kids in &mut children {
            kids.sort_by(|&a, &b| territories[a].id.cmp(&territories[b].id));
        }
        let mut order = Vec::with_capacity(n);
        let mut depth = vec![0u32; n];
        let mut stack = vec![root];
        while let Some(t) = stack.pop() {
            order.push(t);
            for &c in children[t].iter().rev() {
                depth[c] = depth[t] + 1;
                stack.push(c);
            }
        }
        if order.len() != n {
            return Err(AllocError::Tree(
                "the territory tree has a cycle: some territories cannot be reached from the company"
                    .into(),
            ));
        }
        Ok(Tree {
            root,
            order,
            children,
            depth,
        })
    }
}

/// Divides `amount` into the months by largest remainder in cents.
fn seasonal(amount: i64, weights: &[i128; 12]) -> Result<[i64; 12], Overflow> {
    let shares = largest_remainder(amount, weights)?;
    let mut months = [0i64; 12];
    months.copy_from_slice(&shares);
    Ok(months)
}

fn money(months: [i64; 12]) -> Months {
    months.map(Money::from_cents)
}

/// A rep's months after hires, leavers and ramp, and what each took.
struct Shaped {
    months: [i64; 12],
    hire_gap: i64,
    leaver_gap: i64,
    ramp_gap: i64,
}

/// Applies §4 to a rep's seasonal months: 0 before the hire month and after the end month, then
/// the ramp from the hire month of a rep hired during the year (RHE to the cent each).
fn shape(
    mut months: [i64; 12],
    person: &Person,
    calendar: &FiscalCalendar,
    (first, last): (Date, Date),
    ramp: &[Percent],
) -> Shaped {
    let mut out = Shaped {
        months: [0; 12],
        hire_gap: 0,
        leaver_gap: 0,
        ramp_gap: 0,
    };
    let hired = person
        .hire
        .filter(|h| *h >= first && *h <= last)
        .map(|h| calendar.fiscal_of(h).1 as usize);
    let ends = person
        .end
        .filter(|e| *e >= first && *e <= last)
        .map(|e| calendar.fiscal_of(e).1 as usize);
    if let Some(h) = hired {
        for m in &mut months[..h - 1] {
            out.hire_gap += *m;
            *m = 0;
        }
    }
    if let Some(e) = ends {
        for m in &mut months[e..] {
            out.leaver_gap += *m;
            *m = 0;
        }
    }
    if let Some(h) = hired {
        for (m, r) in months[h - 1..].iter_mut().zip(ramp) {
            let ramped = div_rhe(i128::from(*m) * i128::from(r.units()), 1_000_000) as i64;
            out.ramp_gap += *m - ramped;
            *m = ramped;
        }
    }
    out.months = months;
    out
}

/// Returns true when a person is employed at some point of the year.
fn employed(p: &Person, (first, last): (Date, Date)) -> bool {
    p.hire.is_none_or(|h| h <= last) && p.end.is_none_or(|e| e >= first)
}

/// Returns each rep's weight within a leaf under `prior_year`: their credited metric in the year
/// before; a rep hired after that year's first day gets the mean of the (non-negative) weights of
/// the leaf's reps employed since that day, 1 if there are none. Scaled by the number of those
/// reps, so the mean stays a whole number.
fn prior_year_weights(org: &Org, reps: &[usize], prev_first: Date) -> Vec<i128> {
    let weight = |p: usize| org.person_weights.get(p).copied().unwrap_or(0).max(0);
    let veteran = |p: usize| org.people[p].hire.is_none_or(|h| h <= prev_first);
    let veterans: Vec<usize> = reps.iter().copied().filter(|&p| veteran(p)).collect();
    if veterans.is_empty() {
        return vec![1; reps.len()];
    }
    let k = veterans.len() as i128;
    let sum: i128 = veterans.iter().map(|&p| weight(p)).sum();
    reps.iter()
        .map(|&p| if veteran(p) { weight(p) * k } else { sum })
        .collect()
}

/// Allocates `params.total` down the territories of `org`, to its people and months.
pub fn allocate(org: &Org, params: &Params) -> Result<Allocation, AllocError> {
    params.check()?;
    let tree = Tree::new(&org.territories)?;
    let n = org.territories.len();
    let unit = params.unit.cents();
    let year = params.year;
    let bounds = org.calendar.year_bounds(year);
    let prev_first = org.calendar.month_start(year - 1, 1);
    let month_weights = params.month_weights();

    // §1: annual targets down the tree.
    let mut annual = vec![0i64; n];
    annual[tree.root] = params.total.cents();
    for &t in &tree.order {
        let kids = &tree.children[t];
        if kids.is_empty() {
            continue;
        }
        let weights: Vec<i128> = match params.basis {
            Basis::Equal => vec![1; kids.len()],
            Basis::PriorYear | Basis::Potential => kids
                .iter()
                .map(|&c| org.territory_weights.get(c).copied().unwrap_or(0))
                .collect(),
        };
        let shares = largest_remainder(annual[t] / unit, &weights)?;
        for (&c, s) in kids.iter().zip(shares) {
            annual[c] = s.checked_mul(unit).ok_or(Overflow)?;
        }
    }

    // §2: the reps of each leaf, in id order.
    let mut reps_of: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (i, p) in org.people.iter().enumerate() {
        if p.role == Role::Rep
            && employed(p, bounds)
            && let Some(t) = p
                .territory
                .filter(|&t| t < n && tree.children[t].is_empty())
        {
            reps_of[t].push(i);
        }
    }
    for reps in &mut reps_of {
        reps.sort_by(|&a, &b| org.people[a].id.cmp(&org.people[b].id));
    }

    let mut position = vec![0usize; n];
    for (pos, &t) in tree.order.iter().enumerate() {
        position[t] = pos;
    }
    let mut nodes: Vec<NodePlan> = Vec::with_capacity(n);
    let mut months_of = vec![[0i64; 12]; n];
    let mut people: Vec<PersonPlan> = Vec::new();
    let mut rep_months: Vec<(usize, [i64; 12])> = Vec::new();
    for &t in &tree.order {
        let leaf = tree.children[t].is_empty();
        let mut node = NodePlan {
            territory_id: org.territories[t].id.clone(),
            parent: org.territories[t].parent.map(|p| position[p]),
            depth: tree.depth[t],
            leaf,
            annual: Money::from_cents(annual[t]),
            months: [Money::ZERO; 12],
            overassigned: Money::ZERO,
            unassigned: Money::ZERO,
            hire_gap: Money::ZERO,
            leaver_gap: Money::ZERO,
            ramp_gap: Money::ZERO,
            reps: 0,
        };
        if leaf {
            // §3: a leaf's own months.
            months_of[t] = seasonal(annual[t], &month_weights)?;
            let reps = &reps_of[t];
            node.reps = reps.len() as u32;
            if reps.is_empty() {
                node.unassigned = node.annual;
            } else {
                let scaled = i128::from(annual[t])
                    .checked_mul(1_000_000 + i128::from(params.overassign.units()))
                    .ok_or(Overflow)?;
                let pool_units = i64::try_from(div_rhe(scaled, 1_000_000 * i128::from(unit)))
                    .map_err(|_| Overflow)?;
                let pool = pool_units.checked_mul(unit).ok_or(Overflow)?;
                node.overassigned = Money::from_cents(pool - annual[t]);
                let weights = match params.basis {
                    Basis::PriorYear => prior_year_weights(org, reps, prev_first),
                    Basis::Equal | Basis::Potential => vec![1; reps.len()],
                };
                let shares = largest_remainder(pool_units, &weights)?;
                for (&p, s) in reps.iter().zip(shares) {
                    let share = s * unit;
                    let shaped = shape(
                        seasonal(share, &month_weights)?,
                        &org.people[p],
                        &org.calendar,
                        bounds,
                        &params.ramp,
                    );
                    node.hire_gap += Money::from_cents(shaped.hire_gap);
                    node.leaver_gap += Money::from_cents(shaped.leaver_gap);
                    node.ramp_gap += Money::from_cents(shaped.ramp_gap);
                    rep_months.push((p, shaped.months));
                    people.push(PersonPlan {
                        person_id: org.people[p].id.clone(),
                        carries: Carries::Leaf(nodes.len()),
                        assigned: Money::from_cents(share),
                        months: money(shaped.months),
                        hire_gap: Money::from_cents(shaped.hire_gap),
                        leaver_gap: Money::from_cents(shaped.leaver_gap),
                        ramp_gap: Money::from_cents(shaped.ramp_gap),
                    });
                }
            }
        }
        nodes.push(node);
    }

    // §3: territories above the leaves sum their children's months, deepest first.
    for &t in tree.order.iter().rev() {
        if let Some(p) = org.territories[t].parent {
            let child = months_of[t];
            for (acc, v) in months_of[p].iter_mut().zip(child) {
                *acc += v;
            }
        }
    }
    for (&t, node) in tree.order.iter().zip(&mut nodes) {
        node.months = money(months_of[t]);
    }

    // §5: everyone above a rep in the reporting tree who is not a rep carrying a target.
    let mut carrying = vec![false; org.people.len()];
    for &(p, _) in &rep_months {
        carrying[p] = true;
    }
    let mut led: Vec<Option<([i64; 12], u32)>> = vec![None; org.people.len()];
    let mut chain: Vec<usize> = Vec::new();
    for &(rep, months) in &rep_months {
        chain.clear();
        chain.push(rep);
        let mut above = org.people[rep].manager;
        while let Some(m) = above.filter(|&m| m < org.people.len() && !chain.contains(&m)) {
            if !carrying[m] {
                let slot = led[m].get_or_insert(([0; 12], 0));
                for (acc, v) in slot.0.iter_mut().zip(months) {
                    *acc += v;
                }
                slot.1 += 1;
            }
            chain.push(m);
            above = org.people[m].manager;
        }
    }
    let mut leaders: Vec<PersonPlan> = led
        .into_iter()
        .enumerate()
        .filter_map(|(p, l)| {
            l.map(|(months, reps)| PersonPlan {
                person_id: org.people[p].id.clone(),
                carries: Carries::Reps(reps),
                assigned: Money::from_cents(months.iter().sum()),
                months: money(months),
                hire_gap: Money::ZERO,
                leaver_gap: Money::ZERO,
                ramp_gap: Money::ZERO,
            })
        })
        .collect();
    leaders.sort_by(|a, b| a.person_id.cmp(&b.person_id));
    people.extend(leaders);

    Ok(Allocation {
        params: params.clone(),
        nodes,
        people,
    })
}

/// Returns each territory's subtree sum of `own` (e.g. the potential of the accounts aligned to
/// each territory itself), for [`Org::territory_weights`].
pub fn subtree_sums(territories: &[Territory], own: &[i128]) -> Vec<i128> {
    let mut total: Vec<i128> = (0..territories.len())
        .map(|i| own.get(i).copied().unwrap_or(0))
        .collect();
    // Children before parents: deepest first, by each node's depth (a cycle stops the walk).
    let n = territories.len();
    let depth: Vec<usize> = (0..n)
        .map(|i| {
            let mut d = 0;
            let mut at = territories[i].parent;
            while let Some(p) = at.filter(|&p| p < n && d <= n) {
                d += 1;
                at = territories[p].parent;
            }
            d
        })
        .collect();
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(depth[i]));
    for i in order {
        if let Some(p) = territories[i].parent.filter(|&p| p < n) {
            total[p] += total[i];
        }
    }
    total
}
