//! The calculation of a fiscal year: credits (§1), attainment windows (§2), earnings (§3),
//! earned-to-date, locks and payouts (§4), statements, locking (§5) and territory results (§6).
//! Pure: [`Inputs`] in, [`Results`] out.

use crate::credit::{self, Credited, MonthMetric, metric_index};
use crate::earn::{self, Overflow};
use crate::input::{Inputs, Ix, Months, Paid};
use crate::parallel::{FxMap, par_ranges};
use crate::results::{CreditRow, PayoutRow, Results, StatementRow, TerritoryRow};
use attain_domain::rounding::div_rhe;
use attain_domain::vocab::{Metric, Period};
use attain_domain::{Money, Ratio};
use std::collections::{BTreeSet, HashMap};

/// Why a calculation could not finish.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalcError {
    /// A number too large to compute exactly.
    #[error("{context}: the amounts are too large to compute exactly")]
    Overflow { context: String },
}

/// Metrics in the order results are sorted by (their names).
const METRICS_BY_NAME: [Metric; 3] = [Metric::Bookings, Metric::Margin, Metric::Revenue];

/// Returns `RHE6(num / den)` as a ratio, `None` when `den` is 0.
fn attainment(num: i64, den: i64) -> Result<Option<Ratio>, Overflow> {
    if den == 0 {
        return Ok(None);
    }
    let micros = div_rhe(i128::from(num) * i128::from(Ratio::SCALE), i128::from(den));
    i64::try_from(micros)
        .map(|m| Some(Ratio::from_micros(m)))
        .map_err(|_| Overflow)
}

/// Returns the first and last fiscal month (1–12) of the window containing month `m`.
pub fn window(period: Period, m: u32) -> (u32, u32) {
    match period {
        Period::Month => (m, m),
        Period::Quarter => {
            let q = (m - 1) / 3;
            (3 * q + 1, 3 * q + 3)
        }
        Period::Year => (1, 12),
    }
}

/// Names the window of a period that starts in month `start`, for messages.
fn window_name(period: Period, start: u32, year: i32) -> String {
    match period {
        Period::Month => format!("fiscal month {start} of {year}"),
        Period::Quarter => format!("Q{} of {year}", (start - 1) / 3 + 1),
        Period::Year => format!("fiscal year {year}"),
    }
}

/// One person × component whose payouts are calculated.
#[derive(Debug, Clone)]
struct Line {
    person: Ix,
    component: Ix,
    /// False for a component the person has paid rows for but is no longer assigned: it earns
    /// nothing, so what was paid is taken back in the first open month.
    assigned: bool,
    target_incentive: Option<Money>,
}

/// A year whose credits are computed, ready to compute payouts for any set of paid rows.
pub struct Calculation<'a> {
    inputs: &'a Inputs,
    credited: Credited,
    lines: Vec<Line>,
    warnings: Vec<String>,
}

impl<'a> Calculation<'a> {
    /// Credits the year (the expensive part).
    pub fn new(inputs: &'a Inputs) -> Calculation<'a> {
        let credited = credit::credit(inputs);
        let mut warnings = Vec::new();
        let mut by_plan: HashMap<&str, Vec<Ix>> = HashMap::new();
        for (i, c) in inputs.components.iter().enumerate() {
            by_plan.entry(&c.plan_id).or_default().push(Ix::new(i));
        }
        let mut lines = Vec::new();
        for a in &inputs.assignments {
            match by_plan.get(a.plan_id.as_str()) {
                Some(components) => lines.extend(components.iter().map(|&component| Line {
                    person: a.person,
                    component,
                    assigned: true,
                    target_incentive: a.target_incentive,
                })),
                None => warnings.push(format!(
                    "person {} is assigned plan {}, which has no components: nothing is earned",
                    inputs.people[a.person.get()].id,
                    a.plan_id
                )),
            }
        }
        let assigned: BTreeSet<(Ix, Ix)> = lines.iter().map(|l| (l.person, l.component)).collect();
        let unassigned: BTreeSet<(Ix, Ix)> = inputs
            .paid
            .iter()
            .map(|p| (p.person, p.component))
            .filter(|k| !assigned.contains(k))
            .collect();
        lines.extend(unassigned.into_iter().map(|(person, component)| Line {
            person,
            component,
            assigned: false,
            target_incentive: None,
        }));
        let key = |l: &Line| {
            let c = &inputs.components[l.component.get()];
            (
                inputs.people[l.person.get()].id.as_str(),
                c.plan_id.as_str(),
                c.component.as_str(),
            )
        };
        lines.sort_by(|a, b| key(a).cmp(&key(b)));
        Calculation {
            inputs,
            credited,
            lines,
            warnings,
        }
    }

    /// Returns the results with `paid` as the stored payouts of locked months.
    pub fn results(&self, paid: &[Paid]) -> Result<Results, CalcError> {
        let inputs = self.inputs;
        let last_locked = paid.iter().map(|p| p.month).max().unwrap_or(0);
        let mut paid_by: FxMap<(Ix, Ix), [i64; 12]> = FxMap::default();
        for p in paid {
            paid_by.entry((p.person, p.component)).or_default()[p.month as usize - 1] +=
                p.amount.cents();
        }
        let parts = par_ranges(self.lines.len(), 256, |range| {
            let mut rows = Vec::with_capacity(range.len() * 12);
            let mut warnings = Vec::new();
            for line in &self.lines[range] {
                let paid = paid_by
                    .get(&(line.person, line.component))
                    .copied()
                    .unwrap_or_default();
                self.line_rows(line, &paid, last_locked, &mut rows, &mut warnings)?;
            }
            Ok::<_, CalcError>((rows, warnings))
        });
        let mut payouts = Vec::with_capacity(self.lines.len() * 12);
        let mut warnings = self.credited.warnings.clone();
        warnings.extend(self.warnings.iter().cloned());
        for part in parts {
            let (rows, w) = part?;
            payouts.extend(rows);
            warnings.extend(w);
        }
        Ok(Results {
            year: inputs.year,
            last_locked,
            credits: self.credit_rows()?,
            statements: self.statement_rows(&payouts),
            payouts,
            territories: self.territory_rows()?,
            transactions: self.credited.transactions,
            warnings,
        })
    }

    /// Returns a person's credited amounts (direct + override) of one metric, month by month.
    fn credited_of(&self, person: Ix, metric: Metric) -> [i64; 12] {
        let k = metric_index(metric);
        let (d, o) = (
            &self.credited.direct[person.get()],
            &self.credited.overriding[person.get()],
        );
        std::array::from_fn(|m| d[m][k] + o[m][k])
    }

    /// Appends the twelve payout rows of one person × component.
    fn line_rows(
        &self,
        line: &Line,
        paid: &[i64; 12],
        last_locked: u32,
        rows: &mut Vec<PayoutRow>,
        warnings: &mut Vec<String>,
    ) -> Result<(), CalcError> {
        let inputs = self.inputs;
        let c = &inputs.components[line.component.get()];
        let person = &inputs.people[line.person.get()];
        let context = || {
            format!(
                "person {}, plan {} component {}",
                person.id, c.plan_id, c.component
            )
        };
        let overflow = |_| CalcError::Overflow { context: context() };
        let credited = self.credited_of(line.person, c.metric);
        let target = inputs
            .person_targets
            .get(&(line.person, c.metric))
            .copied()
            .unwrap_or_default();
        let mut etd = [0i64; 13];
        let mut closed = 0i64;
        let mut period = Vec::with_capacity(12);
        for m in 1..=12u32 {
            let (ws, we) = window(c.period, m);
            let credit: i64 = credited[ws as usize - 1..m as usize].iter().sum();
            let goal: i64 = target[ws as usize - 1..we as usize].iter().sum();
            let earned = if line.assigned {
                earn::earned(c, line.target_incentive, we - ws + 1, credit, goal)
                    .map_err(overflow)?
            } else {
                Some(0)
            };
            let earned = earned.unwrap_or_else(|| {
                if m == ws {
                    warnings.push(format!(
                        "{}: {} has no target, so nothing is earned in it",
                        context(),
                        window_name(c.period, ws, inputs.year)
                    ));
                }
                0
            });
            etd[m as usize] = closed + earned;
            if m == we {
                closed += earned;
            }
            period.push((credit, goal));
        }
        let paid_total: i64 = paid[..last_locked as usize].iter().sum();
        if !line.assigned && last_locked < 12 && paid_total != 0 {
            warnings.push(format!(
                "{}: the person is no longer assigned this plan, so the {} paid in locked months is taken back in fiscal month {}",
                context(),
                Money::from_cents(paid_total),
                last_locked + 1
            ));
        }
        if last_locked == 12 && etd[12] != paid_total {
            warnings.push(format!(
                "{}: all twelve months of {} are locked, and {} earned is unpaid (earned to date {}, paid {})",
                context(),
                inputs.year,
                Money::from_cents(etd[12] - paid_total),
                Money::from_cents(etd[12]),
                Money::from_cents(paid_total)
            ));
        }
        for m in 1..=12u32 {
            let (credit, goal) = period[m as usize - 1];
            let (payout, adjustment) = if m <= last_locked {
                (paid[m as usize - 1], None)
            } else if m == last_locked + 1 {
                (
                    etd[m as usize] - paid_total,
                    Some(etd[last_locked as usize] - paid_total),
                )
            } else {
                (etd[m as usize] - etd[m as usize - 1], Some(0))
            };
            rows.push(PayoutRow {
                person: line.person,
                component: line.component,
                person_id: person.id.clone(),
                plan_id: c.plan_id.clone(),
                component_id: c.component.clone(),
                month: m,
                period_credit: Money::from_cents(credit),
                period_target: Money::from_cents(goal),
                attainment: attainment(credit, goal).map_err(overflow)?,
                earned_to_date: Money::from_cents(etd[m as usize]),
                adjustment: adjustment.map(Money::from_cents),
                payout: Money::from_cents(payout),
                locked: m <= last_locked,
            });
        }
        Ok(())
    }

    /// Returns the credit rows, leaving out rows whose every value is zero.
    fn credit_rows(&self) -> Result<Vec<CreditRow>, CalcError> {
        let inputs = self.inputs;
        let mut people: Vec<usize> = (0..inputs.people.len()).collect();
        people.sort_by(|&a, &b| inputs.people[a].id.cmp(&inputs.people[b].id));
        let mut rows = Vec::new();
        for p in people {
            let ix = Ix::new(p);
            let (direct, overriding) = (&self.credited.direct[p], &self.credited.overriding[p]);
            for m in 0..12 {
                for metric in METRICS_BY_NAME {
                    let k = metric_index(metric);
                    let target = inputs.person_targets.get(&(ix, metric)).map_or(0, |t| t[m]);
                    let (d, o) = (direct[m][k], overriding[m][k]);
                    if d == 0 && o == 0 && target == 0 {
                        continue;
                    }
                    rows.push(CreditRow {
                        person_id: inputs.people[p].id.clone(),
                        month: m as u32 + 1,
                        metric,
                        direct: Money::from_cents(d),
                        override_credit: Money::from_cents(o),
                        credited: Money::from_cents(d + o),
                        target: Money::from_cents(target),
                        attainment: attainment(d + o, target).map_err(|_| CalcError::Overflow {
                            context: format!(
                                "credit of person {} in month {}",
                                inputs.people[p].id,
                                m + 1
                            ),
                        })?,
                    });
                }
            }
        }
        Ok(rows)
    }

    /// Returns each territory's target: its own rows for a metric when it has any for the year
    /// (for the company's root, company rows when it has no territory rows), otherwise the sum of
    /// its children's targets.
    fn territory_targets(&self) -> Vec<MonthMetric> {
        let inputs = self.inputs;
        let n = inputs.territories.len();
        let mut children_sum = vec![[[0i64; 3]; 12]; n];
        let mut targets = vec![[[0i64; 3]; 12]; n];
        let mut ignored = Vec::new();
        for (node, parent) in credit::bottom_up(inputs, &mut ignored) {
            let ix = Ix::new(node);
            for metric in Metric::ALL {
                let k = metric_index(*metric);
                let own = inputs
                    .territory_targets
                    .get(&(ix, *metric))
                    .or_else(|| inputs.company_targets.get(&(ix, *metric)));
                for m in 0..12 {
                    targets[node][m][k] = match own {
                        Some(t) => t[m],
                        None => children_sum[node][m][k],
                    };
                }
            }
            if let Some(p) = parent {
                for m in 0..12 {
                    for k in 0..3 {
                        children_sum[p][m][k] += targets[node][m][k];
                    }
                }
            }
        }
        targets
    }

    /// Returns the territory rows, leaving out those with zero actual and zero target.
    fn territory_rows(&self) -> Result<Vec<TerritoryRow>, CalcError> {
        let inputs = self.inputs;
        let targets = self.territory_targets();
        let mut order: Vec<usize> = (0..inputs.territories.len()).collect();
        order.sort_by(|&a, &b| inputs.territories[a].id.cmp(&inputs.territories[b].id));
        let mut rows = Vec::new();
        for t in order {
            let months = self.credited.territory_actual[t].iter().zip(&targets[t]);
            for (m, (actuals, goals)) in months.enumerate() {
                for metric in METRICS_BY_NAME {
                    let k = metric_index(metric);
                    let (actual, target) = (actuals[k], goals[k]);
                    if actual == 0 && target == 0 {
                        continue;
                    }
                    rows.push(TerritoryRow {
                        territory_id: inputs.territories[t].id.clone(),
                        month: m as u32 + 1,
                        metric,
                        actual: Money::from_cents(actual),
                        target: Money::from_cents(target),
                        attainment: attainment(actual, target).map_err(|_| {
                            CalcError::Overflow {
                                context: format!(
                                    "territory {} in month {}",
                                    inputs.territories[t].id,
                                    m + 1
                                ),
                            }
                        })?,
                    });
                }
            }
        }
        Ok(rows)
    }

    /// Returns twelve statement rows for everyone with a plan assignment, a payout line or an
    /// adjustment in the year.
    fn statement_rows(&self, payouts: &[PayoutRow]) -> Vec<StatementRow> {
        let inputs = self.inputs;
        let mut sums: FxMap<Ix, (Months, Months)> = FxMap::default();
        for a in &inputs.assignments {
            sums.entry(a.person).or_default();
        }
        for p in payouts {
            sums.entry(p.person).or_default().0[p.month as usize - 1] += p.payout.cents();
        }
        for a in &inputs.adjustments {
            sums.entry(a.person).or_default().1[a.month as usize - 1] += a.amount.cents();
        }
        let mut people: Vec<(Ix, (Months, Months))> = sums.into_iter().collect();
        people.sort_by(|a, b| {
            inputs.people[a.0.get()]
                .id
                .cmp(&inputs.people[b.0.get()].id)
        });
        let mut rows = Vec::with_capacity(people.len() * 12);
        for (p, (calculated, adjustments)) in people {
            for m in 0..12 {
                rows.push(StatementRow {
                    person_id: inputs.people[p.get()].id.clone(),
                    month: m as u32 + 1,
                    calculated: Money::from_cents(calculated[m]),
                    adjustments: Money::from_cents(adjustments[m]),
                    total: Money::from_cents(calculated[m] + adjustments[m]),
                });
            }
        }
        rows
    }
}

/// Calculates fiscal year `inputs.year` with the stored paid rows.
pub fn calculate(inputs: &Inputs) -> Result<Results, CalcError> {
    Calculation::new(inputs).results(&inputs.paid)
}

/// One month closed by [`lock_through`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LockedMonth {
    pub month: u32,
    /// The payout of every person × component in that month, now stored as paid.
    pub paid: Vec<Paid>,
}

impl LockedMonth {
    /// Returns the sum of the month's paid rows.
    pub fn total(&self) -> Money {
        self.paid.iter().map(|p| p.amount).sum()
    }
}

/// What locking produced: the months closed, in order, and the results with them locked.
#[derive(Debug, Clone)]
pub struct LockOutcome {
    pub months: Vec<LockedMonth>,
    pub results: Results,
}

/// Locks every open month up to `through` in order (compensation.md §5): recalculates, stores
/// each person's and component's payout of the month as paid, and goes on to the next month with
/// it locked. Months already locked are left alone.
pub fn lock_through(inputs: &Inputs, through: u32) -> Result<LockOutcome, CalcError> {
    let calc = Calculation::new(inputs);
    let mut paid = inputs.paid.clone();
    let mut months = Vec::new();
    let mut results = calc.results(&paid)?;
    for month in results.last_locked + 1..=through.min(12) {
        let locked: Vec<Paid> = results
            .payouts
            .iter()
            .filter(|p| p.month == month)
            .map(|p| Paid {
                person: p.person,
                component: p.component,
                month,
                amount: p.payout,
            })
            .collect();
        if locked.is_empty() {
            break;
        }
        paid.extend(locked.iter().copied());
        months.push(LockedMonth {
            month,
            paid: locked,
        });
        results = calc.results(&paid)?;
    }
    Ok(LockOutcome { months, results })
}
