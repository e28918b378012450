//! Reads the inputs of one fiscal year from the store: the small tables whole; every split row in
//! one streamed scan, grouped by transaction id in memory; the year's transactions in one
//! streamed scan of their table (a sequential read, rows decoded in place, ids interned as they
//! come); then the originals of reversals that lie outside the year.

use crate::input::{
    ComponentRow, CurvePoint, InputError, Inputs, InputsBuilder, Split, Tier, TransactionRow,
};
use attain_dataset::Progress;
use attain_domain::vocab::{Method, Metric, Period, Scope, TxKind};
use attain_domain::{FiscalCalendar, Money, NamedBy, Percent, Ratio};
use attain_store::{Executor, Row, StoreError, Value};
use rustc_hash::FxHashMap;

/// Ids per `IN (…)` list.
const IDS_PER_QUERY: usize = 500;

/// Why inputs could not be read.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Stored data the engine cannot use (a bad setting, an unknown word).
    #[error("{0}")]
    Data(String),
}

impl From<InputError> for LoadError {
    fn from(e: InputError) -> Self {
        LoadError::Data(e.to_string())
    }
}

/// Parses a stored word of the dataset's vocabularies, or says which one was not understood.
pub(crate) fn word<T>(
    parse: impl Fn(&str) -> Result<T, attain_domain::ParseError>,
    s: &str,
    what: &str,
) -> Result<T, LoadError> {
    parse(s).map_err(|e| LoadError::Data(format!("stored {what}: {e}")))
}

/// Returns the company's fiscal calendar from the settings.
pub fn calendar(ex: &mut impl Executor) -> Result<FiscalCalendar, LoadError> {
    let mut start = 1u32;
    let mut named = NamedBy::Start;
    for row in ex.query(
        "SELECT key, value FROM settings WHERE key IN ('fiscal_year_start_month', 'fiscal_year_named_by')",
        &[],
    )? {
        let value = row.text(1)?.trim();
        match row.text(0)? {
            "fiscal_year_start_month" => {
                start = value.parse().ok().filter(|m| (1..=12).contains(m)).ok_or_else(|| {
                    LoadError::Data(format!("the setting fiscal_year_start_month is '{value}', not a month 1–12"))
                })?;
            }
            _ => {
                named = NamedBy::parse(value).ok_or_else(|| {
                    LoadError::Data(format!("the setting fiscal_year_named_by is '{value}', not start or end"))
                })?;
            }
        }
    }
    FiscalCalendar::new(start, named).ok_or_else(|| LoadError::Data("bad fiscal calendar".into()))
}

/// Reads everything a calculation of fiscal year `year` needs.
pub fn load(
    ex: &mut impl Executor,
    year: i32,
    progress: &dyn Progress,
) -> Result<Inputs, LoadError> {
    let cal = calendar(ex)?;
    let (start, end) = cal.year_bounds(year);
    let mut b = InputsBuilder::new(year, cal);
    let y = Value::from(year);

    ex.for_each_row(
        "SELECT territory_id, parent_id FROM territories",
        &[],
        |row| -> Result<(), LoadError> {
            b.territory(row.text(0)?, row.opt_text(1)?);
            Ok(())
        },
    )?;
    ex.for_each_row(
        "SELECT person_id, manager_id, territory_id FROM people",
        &[],
        |row| -> Result<(), LoadError> {
            b.person(row.text(0)?, row.opt_text(1)?, row.opt_text(2)?);
            Ok(())
        },
    )?;
    for row in ex.query(
        "SELECT person_id, manager_id, start_date FROM reporting WHERE start_date <= $1",
        &[end.into()],
    )? {
        b.reporting(row.text(0)?, row.opt_text(1)?, row.date(2)?);
    }
    ex.for_each_row(
        "SELECT account_id, territory_id FROM accounts",
        &[],
        |row| -> Result<(), LoadError> {
            b.account(row.text(0)?, row.text(1)?);
            Ok(())
        },
    )?;
    for row in ex.query(
        "SELECT account_id, territory_id, start_date FROM alignments WHERE start_date <= $1",
        &[end.into()],
    )? {
        b.alignment(row.text(0)?, row.text(1)?, row.date(2)?);
    }

    load_transactions(ex, &mut b, (start, end), progress)?;

    ex.for_each_row(
        "SELECT scope, scope_id, month, metric, amount FROM targets WHERE year = $1",
        std::slice::from_ref(&y),
        |row| -> Result<(), LoadError> {
            let scope = word(Scope::parse, row.text(0)?, "target scope")?;
            let metric = word(Metric::parse, row.text(3)?, "metric")?;
            let m = valid_month(row.int(2)?)?;
            b.target(
                scope,
                row.text(1)?,
                m,
                metric,
                Money::from_cents(row.int(4)?),
            )?;
            Ok(())
        },
    )?;
    load_plans(ex, &mut b)?;
    for row in ex.query(
        "SELECT person_id, plan_id, target_incentive FROM plan_assignments WHERE year = $1",
        std::slice::from_ref(&y),
    )? {
        b.assignment(
            row.text(0)?,
            row.text(1)?,
            row.opt_int(2)?.map(Money::from_cents),
        );
    }
    for row in ex.query(
        "SELECT person_id, plan_id, component, month, amount FROM paid WHERE year = $1",
        std::slice::from_ref(&y),
    )? {
        b.paid(
            row.text(0)?,
            row.text(1)?,
            row.text(2)?,
            month(&row, 3)?,
            row.money(4)?,
        )?;
    }
    for row in ex.query(
        "SELECT person_id, month, amount FROM adjustments WHERE year = $1 ORDER BY adjustment_id",
        &[y],
    )? {
        b.adjustment(row.text(0)?, month(&row, 1)?, row.money(2)?)?;
    }
    Ok(b.build())
}

/// Returns column `i` as a fiscal month 1–12.
pub(crate) fn month(row: &Row, i: usize) -> Result<u32, LoadError> {
    valid_month(row.int(i)?)
}

fn valid_month(m: i64) -> Result<u32, LoadError> {
    u32::try_from(m)
        .ok()
        .filter(|m| (1..=12).contains(m))
        .ok_or(LoadError::Data(format!("stored month {m} is not 1–12")))
}

/// Reads every plan component with its tiers and curve points.
fn load_plans(ex: &mut impl Executor, b: &mut InputsBuilder) -> Result<(), LoadError> {
    for row in ex.query(
        "SELECT plan_id, component, metric, method, period, weight, cap FROM plans",
        &[],
    )? {
        b.component(ComponentRow {
            plan_id: row.text(0)?,
            component: row.text(1)?,
            metric: word(Metric::parse, row.text(2)?, "metric")?,
            method: word(Method::parse, row.text(3)?, "method")?,
            period: word(Period::parse, row.text(4)?, "period")?,
            weight: row.opt_int(5)?.map(Ratio::from_micros),
            cap: row.opt_int(6)?.map(Money::from_cents),
        });
    }
    for row in ex.query(
        "SELECT plan_id, component, att_from, att_to, rate FROM plan_tiers",
        &[],
    )? {
        let tier = Tier {
            from: Ratio::from_micros(row.int(2)?),
            to: row.opt_int(3)?.map(Ratio::from_micros),
            rate: Ratio::from_micros(row.int(4)?),
        };
        b.tier(row.text(0)?, row.text(1)?, tier)?;
    }
    for row in ex.query(
        "SELECT plan_id, component, attainment, payout FROM plan_curve",
        &[],
    )? {
        let point = CurvePoint {
            attainment: Ratio::from_micros(row.int(2)?),
            payout: Ratio::from_micros(row.int(3)?),
        };
        b.curve_point(row.text(0)?, row.text(1)?, point)?;
    }
    Ok(())
}

/// The columns of a transaction with its split rows joined (one row per split, or one without).
pub(crate) const TX_COLUMNS: &str = "SELECT t.transaction_id, t.date, t.kind, t.amount, t.margin, t.account_id, \
     t.owner_id, t.reverses_id, s.person_id, s.percent \
     FROM transactions t LEFT JOIN splits s ON s.transaction_id = t.transaction_id";

/// Every split row, grouped by transaction id, its people interned.
struct SplitIndex {
    /// Transaction id → `rows[start .. start + len]`.
    by_tx: FxHashMap<Box<str>, (u32, u32)>,
    rows: Vec<Split>,
}

impl SplitIndex {
    /// Reads every split row in one scan of `splits`.
    fn read(ex: &mut impl Executor, b: &mut InputsBuilder) -> Result<SplitIndex, LoadError> {
        let mut by_tx: FxHashMap<Box<str>, (u32, u32)> = FxHashMap::default();
        let mut tagged: Vec<(u32, Split)> = Vec::new();
        ex.for_each_row(
            "SELECT transaction_id, person_id, percent FROM splits",
            &[],
            |row| -> Result<(), LoadError> {
                let id = row.text(0)?;
                let next = by_tx.len() as u32;
                let group = match by_tx.get(id) {
                    Some(&(g, _)) => g,
                    None => {
                        by_tx.insert(id.into(), (next, 0));
                        next
                    }
                };
                let split = Split {
                    person: b.person_ix(row.text(1)?),
                    percent: Percent::from_units(row.int(2)?),
                };
                tagged.push((group, split));
                Ok(())
            },
        )?;
        // Group the rows by transaction (a stable sort keeps each one's rows in scan order).
        tagged.sort_by_key(|(g, _)| *g);
        let mut starts = vec![(0u32, 0u32); by_tx.len()];
        for (i, (g, _)) in tagged.iter().enumerate() {
            let slot = &mut starts[*g as usize];
            if slot.1 == 0 {
                slot.0 = i as u32;
            }
            slot.1 += 1;
        }
        for slot in by_tx.values_mut() {
            *slot = starts[slot.0 as usize];
        }
        Ok(SplitIndex {
            by_tx,
            rows: tagged.into_iter().map(|(_, s)| s).collect(),
        })
    }

    /// Returns the split rows of transaction `id`.
    fn of(&self, id: &str) -> &[Split] {
        match self.by_tx.get(id) {
            Some(&(start, len)) => &self.rows[start as usize..(start + len) as usize],
            None => &[],
        }
    }
}

/// Reads the year's transactions in one scan of the table, their splits in one scan of
/// `splits` matched by id in memory, then the originals its reversals name.
fn load_transactions(
    ex: &mut impl Executor,
    b: &mut InputsBuilder,
    (start, end): (attain_domain::Date, attain_domain::Date),
    progress: &dyn Progress,
) -> Result<(), LoadError> {
    let total = ex
        .query_one("SELECT COUNT(*) FROM transactions", &[])?
        .int(0)?
        .max(0) as u64;
    let splits = SplitIndex::read(ex, b)?;
    progress.start("transactions", total);
    b.reserve_transactions(total.min(1 << 26) as usize);
    let mut done = 0u64;
    ex.for_each_row(
        "SELECT transaction_id, date, kind, amount, margin, account_id, owner_id, reverses_id \
         FROM transactions WHERE date >= $1 AND date <= $2",
        &[start.into(), end.into()],
        |row| -> Result<(), LoadError> {
            let id = row.text(0)?;
            let kind = match row.text(2)? {
                "booking" => TxKind::Booking,
                "revenue" => TxKind::Revenue,
                other => word(TxKind::parse, other, "transaction kind")?,
            };
            b.transaction_with_splits(
                TransactionRow {
                    id,
                    date: row.date(1)?,
                    kind,
                    amount: Money::from_cents(row.int(3)?),
                    margin: Money::from_cents(row.opt_int(4)?.unwrap_or(0)),
                    account: row.opt_text(5)?,
                    owner: row.opt_text(6)?,
                    reverses: row.opt_text(7)?,
                },
                splits.of(id),
            );
            done += 1;
            if done.is_multiple_of(65_536) {
                progress.set(done);
            }
            Ok(())
        },
    )?;
    drop(splits);
    progress.finish();

    // Originals outside the year, and their originals in turn; an id asked for once and not
    // found is not asked for again.
    let mut asked = std::collections::HashSet::new();
    loop {
        let missing: Vec<String> = b
            .missing_originals()
            .into_iter()
            .filter(|id| asked.insert(id.clone()))
            .collect();
        if missing.is_empty() {
            break;
        }
        for ids in missing.chunks(IDS_PER_QUERY) {
            let list: Vec<String> = (1..=ids.len()).map(|i| format!("${i}")).collect();
            let params: Vec<Value> = ids.iter().map(Value::from).collect();
            let rows = ex.query(
                &format!(
                    "{TX_COLUMNS} WHERE t.transaction_id IN ({}) ORDER BY t.transaction_id, s.person_id",
                    list.join(", ")
                ),
                &params,
            )?;
            add_transactions(b, &rows)?;
        }
    }
    Ok(())
}

/// Adds transactions from rows grouped by transaction (one row per split, or one without).
pub(crate) fn add_transactions(b: &mut InputsBuilder, rows: &[Row]) -> Result<u64, LoadError> {
    let mut count = 0;
    let mut i = 0;
    let mut splits: Vec<(&str, Percent)> = Vec::new();
    while i < rows.len() {
        let row = &rows[i];
        let id = row.text(0)?;
        splits.clear();
        let mut j = i;
        while j < rows.len() && rows[j].text(0)? == id {
            if let Some(person) = rows[j].opt_text(8)? {
                splits.push((person, Percent::from_units(rows[j].int(9)?)));
            }
            j += 1;
        }
        b.transaction(
            TransactionRow {
                id,
                date: row.date(1)?,
                kind: word(TxKind::parse, row.text(2)?, "transaction kind")?,
                amount: row.money(3)?,
                margin: Money::from_cents(row.opt_int(4)?.unwrap_or(0)),
                account: row.opt_text(5)?,
                owner: row.opt_text(6)?,
                reverses: row.opt_text(7)?,
            },
            &splits,
        );
        count += 1;
        i = j;
    }
    Ok(count)
}
