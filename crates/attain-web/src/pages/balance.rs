//! The territory balance (sales ops): per territory and per rep, the accounts they hold today,
//! their potential (Σ `annual_revenue`), the open pipeline on them and last year's bookings.

use super::objectives::DEFAULT_OPEN_STAGES;
use super::{Chrome, Company, render};
use crate::error::{Fail, PageResult};
use crate::fmt::{Amount, money};
use crate::{AppState, Viewer};
use askama::Template;
use attain_domain::Money;
use attain_store::{Executor, params};
use axum::extract::State;
use std::collections::{BTreeMap, HashMap, HashSet};

/// One line of the balance: a territory or a person.
pub struct Line {
    id: String,
    name: String,
    accounts: i64,
    potential: Amount,
    pipeline: Amount,
    last_year: Amount,
}

#[derive(Template)]
#[template(path = "territory_balance.html")]
struct BalancePage {
    chrome: Chrome,
    last_year: i32,
    sections: Vec<(&'static str, Vec<Line>)>,
}

#[derive(Default)]
struct Sums {
    name: String,
    accounts: i64,
    potential: i64,
    pipeline: i64,
    last_year: i64,
}

/// Shows the balance of territories and reps.
pub async fn show_balance(State(state): State<AppState>, viewer: Viewer) -> PageResult {
    Ok(state
        .blocking(move |store| -> Result<_, Fail> {
            let mut conn = store.conn()?;
            let company = Company::load(&mut conn)?;
            let (year, _) = company.today();
            let today = chrono::Utc::now().date_naive();
            let mut terr: BTreeMap<String, Sums> = BTreeMap::new();
            for r in conn.query("SELECT territory_id, name FROM territories", &[])? {
                terr.entry(r.string(0)?).or_default().name = r.string(1)?;
            }
            let mut reps: BTreeMap<String, Sums> = BTreeMap::new();
            for r in conn.query("SELECT person_id, name FROM people WHERE role = 'rep'", &[])? {
                reps.entry(r.string(0)?).or_default().name = r.string(1)?;
            }
            let mut aligned: HashMap<String, String> = HashMap::new();
            for r in conn.query(
                "SELECT account_id, territory_id FROM alignments WHERE start_date <= $1
                 ORDER BY account_id, start_date",
                params![today],
            )? {
                aligned.insert(r.string(0)?, r.string(1)?);
            }
            // Each account's territory today and owner.
            let mut of_account: HashMap<String, (String, Option<String>)> = HashMap::new();
            for r in conn.query(
                "SELECT account_id, territory_id, owner_id, annual_revenue FROM accounts",
                &[],
            )? {
                let id = r.string(0)?;
                let t = aligned.remove(&id).unwrap_or(r.string(1)?);
                let owner = r.opt_string(2)?;
                let revenue = r.opt_int(3)?.unwrap_or(0);
                if let Some(s) = terr.get_mut(&t) {
                    s.accounts += 1;
                    s.potential += revenue;
                }
                if let Some(s) = owner.as_ref().and_then(|o| reps.get_mut(o)) {
                    s.accounts += 1;
                    s.potential += revenue;
                }
                of_account.insert(id, (t, owner));
            }
            let mut open: HashSet<String> = HashSet::new();
            for r in conn.query("SELECT stage FROM stages WHERE outcome = 'open'", &[])? {
                open.insert(r.string(0)?);
            }
            if conn.query_one("SELECT COUNT(*) FROM stages", &[])?.int(0)? == 0 {
                open.extend(DEFAULT_OPEN_STAGES.iter().map(|(s, _)| (*s).to_owned()));
            }
            for r in conn.query(
                "SELECT account_id, owner_id, stage, amount FROM opportunities",
                &[],
            )? {
                if !open.contains(r.text(2)?) {
                    continue;
                }
                let amount = r.int(3)?;
                if let Some(s) = of_account
                    .get(r.text(0)?)
                    .and_then(|(t, _)| terr.get_mut(t))
                {
                    s.pipeline += amount;
                }
                if let Some(s) = reps.get_mut(r.text(1)?) {
                    s.pipeline += amount;
                }
            }
            for r in conn.query(
                "SELECT territory_id, CAST(SUM(actual) AS BIGINT) FROM result_territories
                 WHERE year = $1 AND metric = 'bookings' GROUP BY territory_id",
                params![year - 1],
            )? {
                if let Some(s) = terr.get_mut(r.text(0)?) {
                    s.last_year = r.int(1)?;
                }
            }
            for r in conn.query(
                "SELECT person_id, CAST(SUM(credited) AS BIGINT) FROM result_credits
                 WHERE year = $1 AND metric = 'bookings' GROUP BY person_id",
                params![year - 1],
            )? {
                if let Some(s) = reps.get_mut(r.text(0)?) {
                    s.last_year = r.int(1)?;
                }
            }
            let cur = &company.currency;
            let lines = |m: BTreeMap<String, Sums>| -> Vec<Line> {
                m.into_iter()
                    .map(|(id, s)| Line {
                        id,
                        name: s.name,
                        accounts: s.accounts,
                        potential: money(Money::from_cents(s.potential), cur),
                        pipeline: money(Money::from_cents(s.pipeline), cur),
                        last_year: money(Money::from_cents(s.last_year), cur),
                    })
                    .collect()
            };
            render(&BalancePage {
                chrome: Chrome::new(
                    &viewer,
                    &company,
                    "Territory balance",
                    "plan",
                    "territories",
                ),
                last_year: year - 1,
                sections: vec![("Territories", lines(terr)), ("Reps", lines(reps))],
            })
        })
        .await?)
}
