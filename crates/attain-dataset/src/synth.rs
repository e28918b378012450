//! `attain gen`: deterministic synthetic companies of any size, written as a dataset folder that
//! `attain import` accepts: every file of dataset.md, with exactly the columns of `spec.rs`.
//!
//! Each part of the company draws from its own random stream of the seed (`Ctx::dice`), so the
//! same options always give the same bytes. Sizes scale from `--people` (territories, accounts,
//! contacts, opportunities, activities, targets) and `--transactions` (exactly that many rows of
//! `transactions.csv`, written in parallel chunks).

mod accounts;
mod coaching;
mod days;
mod decisions;
mod dice;
mod meetings;
mod money;
mod names;
mod org;
mod pipeline;
mod plans;
mod team;
mod territory_plans;
mod writer;

use crate::progress::Progress;
use days::Days;
use dice::Dice;
use std::cell::RefCell;
use std::io;
use std::path::Path;
use writer::{CsvFile, Tally};

pub use org::MIN_PEOPLE;

/// How large a company to generate.
#[derive(Debug, Clone)]
pub struct Options {
    /// Number of people.
    pub people: u32,
    /// Number of transactions.
    pub transactions: u64,
    /// Random seed: the same seed gives the same bytes.
    pub seed: u64,
    /// The fiscal year of the transactions.
    pub year: i32,
    /// "Today" for a company caught in the middle of its year: nothing happens after this day
    /// (transactions, won and lost deals, stage changes, activities, hires and leavers,
    /// adjustments); deals closing later are still open, and the objectives cover the whole
    /// year. `None` (or a day after the year) generates the year as finished.
    pub until: Option<attain_domain::Date>,
    /// Opportunities in all, spread evenly over the reps (`None`: fifteen to twenty-five each).
    pub opportunities: Option<u64>,
    /// Activities in all, the planned counts scaled to this total (`None`: as planned).
    pub activities: Option<u64>,
}

/// What every part of the generator shares: the options, the calendar, where files go, and what
/// has been written so far.
pub(crate) struct Ctx<'a> {
    options: Options,
    days: Days,
    /// The last day anything happens on (days from the first day of the year): `until`, or the
    /// year's last day.
    today: i32,
    dir: &'a Path,
    progress: &'a dyn Progress,
    tally: RefCell<Tally>,
}

impl<'a> Ctx<'a> {
    /// Returns the random stream `stream` of the seed.
    fn dice(&self, stream: u64) -> Dice {
        Dice::new(self.options.seed, stream)
    }

    /// Creates a dataset file in the output folder, shown as a stage of the progress.
    fn file(&self, name: &'static str, expected_rows: u64) -> io::Result<CsvFile<'_>> {
        CsvFile::create(self.dir, name, expected_rows, self.progress, &self.tally)
    }

    /// Creates a dataset file written alongside another, whose progress stands for both.
    fn side_file(&self, name: &'static str) -> io::Result<CsvFile<'_>> {
        CsvFile::create(self.dir, name, 0, &crate::NoProgress, &self.tally)
    }
}

/// Writes a synthetic dataset into `dir` (created if missing) and returns a one-line summary.
pub fn generate(dir: &Path, options: &Options, progress: &dyn Progress) -> io::Result<String> {
    if options.people < MIN_PEOPLE {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("a generated company needs at least {MIN_PEOPLE} people"),
        ));
    }
    let days = Days::new(options.year).ok_or_else(|| {
        io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("the year {} is out of range", options.year),
        )
    })?;
    let last = days.year_len() - 1;
    let today = match options.until {
        None => last,
        Some(until) => {
            let first = attain_domain::Date::from_ymd_opt(options.year, 1, 1).ok_or_else(|| {
                io::Error::new(io::ErrorKind::InvalidInput, "the year is out of range")
            })?;
            let day = (until - first).num_days();
            if day < 0 {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidInput,
                    format!(
                        "--until {until} is before the first day of the fiscal year {}",
                        options.year
                    ),
                ));
            }
            day.min(i64::from(last)) as i32
        }
    };
    std::fs::create_dir_all(dir)?;
    let ctx = Ctx {
        options: options.clone(),
        days,
        today,
        dir,
        progress,
        tally: RefCell::default(),
    };

    let org = org::build(&ctx);
    org::write(&org, &ctx)?;
    let book = accounts::build(&org, &ctx);
    territory_plans::write(&org, &book, &ctx)?;
    let contact_roles = accounts::write(&org, &book, &ctx)?;
    let pipe = pipeline::build(&org, &book, &ctx);
    pipeline::write(&org, &book, &pipe, &ctx)?;
    meetings::write(&org, &ctx)?;
    money::write(&org, &book, &pipe, &ctx)?;
    let spiffs = plans::write(&org, &ctx)?;
    decisions::write(&book, &contact_roles, &ctx)?;
    team::write(&org, &spiffs, &ctx)?;
    coaching::write(&org, &book, &ctx)?;

    let t = ctx.tally.borrow();
    Ok(format!(
        "wrote {} ({}) to {}: {} people, {} territories, {} accounts, {} contacts, {} opportunities, \
         {} activities, {} transactions with {} splits, {} targets; {} files, {:.1} MB",
        org.company,
        options.year,
        dir.display(),
        t.rows("people"),
        t.rows("territories"),
        t.rows("accounts"),
        t.rows("contacts"),
        t.rows("opportunities"),
        t.rows("activities"),
        t.rows("transactions"),
        t.rows("splits"),
        t.rows("targets"),
        t.files.len(),
        t.bytes() as f64 / 1e6,
    ))
}
