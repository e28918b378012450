//! `attain demo`: a believable company caught in the middle of its fiscal year, built in an empty
//! database in a second or two — generated up to today (`synth::Options::until`), imported,
//! calculated, its past months closed with statements — and three sign-ins whose figures tell a
//! story: the executive, the manager of the rep furthest ahead of plan, and that rep.
//!
//! A database that already holds a company is never rebuilt. The demo's own sign-ins (found by
//! their creation in the audit log, whose actor is [`ACTOR`]) get new passwords, since the first
//! ones were shown only once; any other database gets none.

use crate::commands::Failure;
use attain_dataset::synth::{Options, generate};
use attain_dataset::{ImportError, NoProgress, Source};
use attain_domain::vocab::Role;
use attain_domain::{Date, FiscalCalendar, Money, NamedBy};
use attain_store::{Conn, Executor, Store, params};
use attain_web::PasswordStrength;
use attain_web::auth::{password, users};
use attain_web::team::recognize;
use std::collections::BTreeMap;
use std::time::{Duration, Instant};

/// Who the demo's changes are recorded as in the audit log; also how its sign-ins are found.
pub const ACTOR: &str = "attain demo";
/// The demo company's size: a CRO, sales operations, directors, managers and their reps.
const PEOPLE: u32 = 60;
/// The demo company's seed: the same day gives the same company. With this one the rep the
/// generator makes far ahead of plan and the one it makes fall behind share a manager.
const SEED: u64 = 21;
/// Transactions in a whole year: about a thousand a month.
const TRANSACTIONS_PER_YEAR: u64 = 12_000;
/// The SPIFF the demo rep's manager gives them today, in cents.
const SPIFF_CENTS: i64 = 50_000;

/// The demo company as built.
pub struct Built {
    /// The company's name.
    pub company: String,
    /// The fiscal year and today's fiscal month.
    pub year: i32,
    pub month: u32,
    /// The day the company's history stops.
    pub today: Date,
    /// Rows imported per dataset file (`people`, `transactions` …).
    pub rows: BTreeMap<String, u64>,
    /// How many compensation plans, regions and teams.
    pub plans: i64,
    pub regions: i64,
    pub teams: i64,
    /// The last closed month (0: none yet).
    pub closed_through: u32,
    /// How many statements the closed months hold.
    pub statements: i64,
    /// How long building took.
    pub elapsed: Duration,
}

/// One sign-in of the demo with its password, shown once.
pub struct SignIn {
    pub role: Role,
    pub email: String,
    pub password: String,
    /// Who it is, and what to look at.
    pub about: String,
}

/// Returns the company's name and headcount when the database already holds a company.
pub fn existing_company(store: &Store) -> Result<Option<(String, i64)>, Failure> {
    let mut conn = store.conn().map_err(Failure::environment)?;
    let people = conn
        .query_one("SELECT COUNT(*) FROM people", &[])
        .and_then(|r| r.int(0))
        .map_err(Failure::environment)?;
    let settings = conn
        .query_one("SELECT COUNT(*) FROM settings", &[])
        .and_then(|r| r.int(0))
        .map_err(Failure::environment)?;
    if people == 0 && settings == 0 {
        return Ok(None);
    }
    let name = conn
        .query_opt("SELECT value FROM settings WHERE key = 'company_name'", &[])
        .map_err(Failure::environment)?
        .and_then(|r| r.opt_string(0).ok().flatten())
        .unwrap_or_else(|| "a company".to_owned());
    Ok(Some((name, people)))
}

/// Builds the demo company in an empty database, as of `today`, with its three sign-ins.
pub fn build(store: &Store, today: Date) -> Result<(Built, Vec<SignIn>), Failure> {
    let started = Instant::now();
    let calendar = FiscalCalendar::new(1, NamedBy::Start).unwrap_or_default();
    let (year, month) = calendar.fiscal_of(today);
    let (first, last) = calendar.year_bounds(year);
    let elapsed_days = (today - first).num_days() + 1;
    let year_days = (last - first).num_days() + 1;
    let transactions = TRANSACTIONS_PER_YEAR * elapsed_days as u64 / year_days as u64;

    let dir = tempfile::tempdir()
        .map_err(|e| Failure::environment(format!("cannot make a temporary folder: {e}")))?;
    let options = Options {
        people: PEOPLE,
        transactions,
        seed: SEED,
        year,
        until: Some(today),
        opportunities: None,
        activities: None,
    };
    generate(dir.path(), &options, &NoProgress)
        .map_err(|e| Failure::environment(format!("cannot write the demo company: {e}")))?;
    let source = Source::from_dir(dir.path())
        .map_err(|e| Failure::environment(format!("cannot read the demo company: {e}")))?;
    let report = match attain_dataset::import(store, &source, ACTOR, &NoProgress) {
        Ok(report) => report,
        // The generator's own output is refused only if generator and import disagree.
        Err(ImportError::Invalid(errors)) => {
            let mut lines = errors;
            lines.push("error: the demo company was refused by the import (a bug)".into());
            return Err(Failure { lines, code: 3 });
        }
        Err(e) => return Err(Failure::environment(e)),
    };
    let rows = report
        .files
        .iter()
        .map(|f| {
            (
                f.file.trim_end_matches(".csv").to_owned(),
                f.inserted + f.updated + f.unchanged,
            )
        })
        .collect();

    // Close every month that is over; the lock calculates the year first. In the first month
    // nothing is over yet, and the year is only calculated.
    let closed_through = month - 1;
    if closed_through > 0 {
        attain_engine::run_lock(store, year, closed_through, ACTOR, &NoProgress)
            .map_err(|e| Failure::environment(format!("cannot close the past months: {e}")))?;
    } else {
        attain_engine::run_calc(store, year, ACTOR, &NoProgress)
            .map_err(|e| Failure::environment(format!("cannot calculate {year}: {e}")))?;
    }

    let mut conn = store.conn().map_err(Failure::environment)?;
    // The latest meeting of each team gets its agenda's figures (the generator writes none).
    let company = attain_web::pages::Company::load(&mut conn).map_err(Failure::environment)?;
    let mut tx = conn.transaction().map_err(Failure::environment)?;
    attain_web::meetings::fill_latest(&mut tx, &company, ACTOR, today)
        .map_err(|e| Failure::environment(format!("cannot fill the meetings' figures: {e:?}")))?;
    tx.commit().map_err(Failure::environment)?;
    let count = |conn: &mut Conn, sql: &str| -> Result<i64, Failure> {
        Ok(conn.query_one(sql, &[])?.int(0)?)
    };
    let built = Built {
        company: conn
            .query_opt("SELECT value FROM settings WHERE key = 'company_name'", &[])
            .map_err(Failure::environment)?
            .map(|r| r.string(0))
            .transpose()
            .map_err(Failure::environment)?
            .unwrap_or_default(),
        year,
        month,
        today,
        rows,
        plans: count(&mut conn, "SELECT COUNT(DISTINCT plan_id) FROM plans")?,
        regions: count(
            &mut conn,
            "SELECT COUNT(*) FROM people WHERE job_id = 'sales_director'",
        )?,
        teams: count(
            &mut conn,
            "SELECT COUNT(*) FROM people WHERE role = 'manager'",
        )?,
        closed_through,
        statements: count(&mut conn, "SELECT COUNT(*) FROM closed_statements")?,
        elapsed: Duration::ZERO,
    };
    let mut cast = cast(&mut conn, year, month, first)?;
    drop(conn);

    // The star rep's manager recognises them with a SPIFF today: paid as an adjustment of this
    // (open) month, on their statement once the year is calculated again.
    let spiff = Money::from_cents(SPIFF_CENTS);
    let new = recognize::New {
        person: &cast.rep.person_id,
        date: today,
        reason: "Far ahead of plan this year",
        given_by: Some(&cast.manager.person_id),
        meeting: None,
        award: Some("SPIFF"),
        amount: Some(spiff),
    };
    recognize::record(store, ACTOR, &calendar, &new)
        .map_err(|e| Failure::environment(format!("cannot recognise the demo rep: {e:?}")))?;
    attain_engine::run_calc(store, year, ACTOR, &NoProgress)
        .map_err(|e| Failure::environment(format!("cannot calculate {year}: {e}")))?;
    cast.rep_about.push_str(&format!(
        "; {} gave them a {spiff} SPIFF today, on this month's statement",
        cast.manager.name
    ));

    let mut sign_ins = Vec::new();
    for (role, who, about) in [
        (
            Role::Executive,
            &cast.executive,
            cast.executive_about.clone(),
        ),
        (Role::Manager, &cast.manager, cast.manager_about.clone()),
        (Role::Rep, &cast.rep, cast.rep_about.clone()),
    ] {
        let password = password::generate();
        users::add_user(
            store,
            &who.email,
            role,
            Some(&who.person_id),
            &password,
            PasswordStrength::Strong,
            ACTOR,
        )
        .map_err(|e| Failure::environment(format!("cannot create the demo sign-ins: {e}")))?;
        sign_ins.push(SignIn {
            role,
            email: who.email.clone(),
            password,
            about,
        });
    }
    Ok((
        Built {
            elapsed: started.elapsed(),
            ..built
        },
        sign_ins,
    ))
}

/// A person of the company.
struct Person {
    person_id: String,
    name: String,
    email: String,
}

/// The three people the demo signs in as, and what their figures say.
struct Cast {
    executive: Person,
    executive_about: String,
    manager: Person,
    manager_about: String,
    rep: Person,
    rep_about: String,
}

/// Returns attainment in tenths of a percent, `None` without an objective.
fn permille(credited: i64, target: i64) -> Option<i64> {
    (target > 0).then(|| (i128::from(credited) * 1000 / i128::from(target)) as i64)
}

fn percent(permille: Option<i64>) -> String {
    permille.map_or("—".into(), |p| format!("{}%", p / 10))
}

/// Picks the cast from the calculated year: the rep furthest ahead of their bookings objective
/// year to date (among those employed the whole year), their manager, the executive; and the
/// rep furthest behind, to mention.
fn cast(conn: &mut Conn, year: i32, month: u32, first: Date) -> Result<Cast, Failure> {
    let reps = conn.query(
        "SELECT p.person_id, p.name, p.email, p.manager_id,
                CAST(SUM(c.credited) AS BIGINT), CAST(SUM(c.target) AS BIGINT)
         FROM people p JOIN result_credits c ON c.person_id = p.person_id
         WHERE p.role = 'rep' AND p.end_date IS NULL AND p.hire_date < $1
           AND c.year = $2 AND c.month <= $3 AND c.metric = 'bookings'
         GROUP BY p.person_id, p.name, p.email, p.manager_id
         ORDER BY p.person_id",
        params![first, year, i64::from(month)],
    )?;
    let mut ranked = Vec::new();
    for r in &reps {
        let att = permille(r.int(4)?, r.int(5)?);
        if let (Some(att), Some(manager)) = (att, r.opt_string(3)?) {
            let person = Person {
                person_id: r.string(0)?,
                name: r.string(1)?,
                email: r.opt_string(2)?.unwrap_or_default(),
            };
            ranked.push((att, person, manager));
        }
    }
    ranked.sort_by_key(|(att, person, _)| (std::cmp::Reverse(*att), person.person_id.clone()));
    let person = |conn: &mut Conn, id: &str| -> Result<Option<Person>, Failure> {
        conn.query_opt(
            "SELECT person_id, name, email FROM people WHERE person_id = $1",
            params![id],
        )?
        .map(|r| {
            Ok(Person {
                person_id: r.string(0)?,
                name: r.string(1)?,
                email: r.opt_string(2)?.unwrap_or_default(),
            })
        })
        .transpose()
    };
    let no_cast = || Failure::environment("the demo company has no rep with an objective (a bug)");
    let (star_att, rep, manager_id) = ranked.first().ok_or_else(no_cast)?;
    let manager = person(conn, manager_id)?.ok_or_else(no_cast)?;
    let executive_id = conn
        .query_opt(
            "SELECT person_id FROM people WHERE role = 'executive' ORDER BY person_id",
            &[],
        )?
        .ok_or_else(no_cast)?
        .string(0)?;
    let executive = person(conn, &executive_id)?.ok_or_else(no_cast)?;

    let team = conn
        .query_one(
            "SELECT COUNT(*) FROM people WHERE manager_id = $1 AND end_date IS NULL",
            params![manager_id],
        )?
        .int(0)?;
    let district = conn
        .query_opt(
            "SELECT t.name FROM people p JOIN territories t ON t.territory_id = p.territory_id
             WHERE p.person_id = $1",
            params![manager_id],
        )?
        .map(|r| r.string(0))
        .transpose()?
        .unwrap_or_default();
    let behind = ranked
        .last()
        .filter(|(att, p, _)| *att < *star_att && p.person_id != rep.person_id);
    let behind_note = match behind {
        Some((att, p, m)) if m == manager_id => {
            format!(
                "; on the team, {} is falling behind at {}",
                p.name,
                percent(Some(*att))
            )
        }
        _ => String::new(),
    };
    let executive_about = match behind {
        Some((att, p, _)) => format!(
            "{}, the whole company; {} is the rep furthest behind, at {} of objective",
            executive.name,
            p.name,
            percent(Some(*att))
        ),
        None => format!("{}, the whole company", executive.name),
    };
    Ok(Cast {
        manager_about: format!(
            "{}, manager of {team} reps in {district}{behind_note}",
            manager.name
        ),
        rep_about: format!(
            "{}, far ahead of plan: {} of the bookings objective year to date",
            rep.name,
            percent(Some(*star_att))
        ),
        executive_about,
        executive,
        manager,
        rep: Person {
            person_id: rep.person_id.clone(),
            name: rep.name.clone(),
            email: rep.email.clone(),
        },
    })
}

/// Gives the demo's own sign-ins (created by [`ACTOR`], still enabled) new passwords and returns
/// them, executive first; an empty list when the database has none.
pub fn reset_sign_ins(store: &Store) -> Result<Vec<SignIn>, Failure> {
    let mut conn = store.conn().map_err(Failure::environment)?;
    let rows = conn
        .query(
            "SELECT u.email, u.role, p.name FROM users u
             JOIN audit_log a ON a.entity = 'user' AND a.action = 'create'
                 AND a.entity_key = u.email AND a.actor = $1
             LEFT JOIN people p ON p.person_id = u.person_id
             WHERE u.disabled = $2",
            params![ACTOR, false],
        )
        .map_err(Failure::environment)?;
    drop(conn);
    let mut found = Vec::new();
    for r in &rows {
        let email = r.string(0).map_err(Failure::environment)?;
        let role = r.text(1).map_err(Failure::environment)?;
        let Ok(role) = Role::parse(role) else {
            continue;
        };
        let name = r.opt_string(2).map_err(Failure::environment)?;
        found.push((role, email, name.unwrap_or_default()));
    }
    let rank = |role: Role| match role {
        Role::Executive => 0,
        Role::SalesOps => 1,
        Role::Director => 2,
        Role::Manager => 3,
        Role::Rep => 4,
    };
    found.sort_by_key(|(role, email, _)| (rank(*role), email.clone()));
    found.dedup_by(|a, b| a.1 == b.1);
    let mut sign_ins = Vec::new();
    for (role, email, name) in found {
        let password = password::generate();
        users::reset_password(store, &email, &password, PasswordStrength::Strong, ACTOR)
            .map_err(|e| Failure::environment(format!("cannot reset {email}'s password: {e}")))?;
        sign_ins.push(SignIn {
            role,
            email,
            password,
            about: name,
        });
    }
    Ok(sign_ins)
}

/// Returns the lines that say how to sign in: one per sign-in, `role  email  password  about`.
pub fn sign_in_lines(sign_ins: &[SignIn]) -> Vec<String> {
    let width = sign_ins.iter().map(|s| s.email.len()).max().unwrap_or(0);
    sign_ins
        .iter()
        .map(|s| {
            format!(
                "  {:<9}  {:<width$}  {}  {}",
                s.role.as_str(),
                s.email,
                s.password,
                s.about
            )
        })
        .collect()
}

/// Returns a number with thousands separators.
fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Returns the summary of what was built.
pub fn summary(b: &Built) -> Vec<String> {
    let n = |file: &str| thousands(b.rows.get(file).copied().unwrap_or(0));
    let closed = match b.closed_through {
        0 => "no month is over yet, so none is closed".to_owned(),
        1 => format!("month 1 closed with {} statements", b.statements),
        m => format!("months 1–{m} closed with {} statements", b.statements),
    };
    vec![
        format!(
            "Built the demo company {}, in fiscal month {} of {} (its history stops today, {}), in {:.1} s:",
            b.company,
            b.month,
            b.year,
            b.today,
            b.elapsed.as_secs_f64()
        ),
        format!(
            "  {} people in {} regions and {} teams; {} accounts with {} contacts; {} opportunities, {} activities",
            n("people"),
            b.regions,
            b.teams,
            n("accounts"),
            n("contacts"),
            n("opportunities"),
            n("activities"),
        ),
        format!(
            "  {} transactions with {} splits since January 1st; {} monthly objectives; {} compensation plans",
            n("transactions"),
            n("splits"),
            n("targets"),
            b.plans
        ),
        format!("  {} calculated; {closed}", b.year),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_are_separated() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1_000), "1,000");
        assert_eq!(thousands(1_234_567), "1,234,567");
    }

    #[test]
    fn attainment_reads_in_whole_percent() {
        assert_eq!(percent(permille(1_825, 1_000)), "182%");
        assert_eq!(percent(permille(1, 0)), "—");
    }
}
