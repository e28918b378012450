//! `attain`: the one command line of Attain. Parses arguments, opens the store named by `--db`,
//! and runs a command; errors reach the user as one sentence and a non-zero exit status.

mod commands;
mod demo;
mod plan;
mod progress;

use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

const EXIT_CODES: &str = "Exit status: 0 success; 1 the input was refused (nothing was written); \
2 wrong usage; 3 the database or a file could not be used.";

/// Attain: sales performance management — plans, territories, pipeline, coaching and exact pay.
#[derive(Debug, Parser)]
#[command(name = "attain", version, after_help = EXIT_CODES)]
pub struct Cli {
    /// The database: sqlite://PATH (created on first use) or postgres://USER@HOST/DB.
    #[arg(
        long,
        global = true,
        env = "ATTAIN_DATABASE_URL",
        default_value = commands::DEFAULT_DB
    )]
    pub db: String,

    #[command(subcommand)]
    pub command: Command,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Import a dataset folder (dataset.md): all files or nothing, idempotent.
    Import {
        /// The folder holding the dataset's .csv files.
        dir: PathBuf,
    },
    /// Write the whole store as a dataset folder, or with --results a year's results files.
    Export {
        /// The folder to write (created if missing).
        dir: PathBuf,
        /// Write the results of a calculation (credits, payouts, territory results, statements).
        #[arg(long, requires = "year")]
        results: bool,
        /// The fiscal year whose results to write (with --results).
        #[arg(long, requires = "results")]
        year: Option<i32>,
    },
    /// Calculate credits, attainment, payouts, statements and territory results of a fiscal year.
    Calc {
        /// The fiscal year (its name, see the fiscal_year_named_by setting).
        #[arg(long)]
        year: i32,
    },
    /// Close the open months of a fiscal year up to a month: their payouts become paid.
    Lock {
        /// The fiscal year.
        #[arg(long)]
        year: i32,
        /// The last fiscal month (1–12) to close; earlier open months are closed first.
        #[arg(long)]
        through: u32,
    },
    /// Reopen the latest closed month of a fiscal year, with a reason for the audit log.
    Unlock {
        /// The fiscal year.
        #[arg(long)]
        year: i32,
        /// The month to reopen: it must be the latest closed one.
        #[arg(long)]
        month: u32,
        /// Why the month is reopened (recorded in the audit log).
        #[arg(long)]
        reason: String,
    },
    /// Serve the web application and the JSON API until Ctrl-C or SIGTERM.
    Serve {
        /// The address to listen on.
        #[arg(long, default_value = "127.0.0.1:8080")]
        bind: std::net::SocketAddr,
        /// Mark session cookies Secure (when Attain is reached over HTTPS, e.g. behind a proxy).
        #[arg(long, env = "ATTAIN_SECURE_COOKIES")]
        secure_cookies: bool,
    },
    /// Build a demo company in the middle of its fiscal year, print three sign-ins, and serve it.
    ///
    /// In an empty database: a company of 60 people with a year of history up to today,
    /// calculated, its past months closed, and sign-ins for an executive, a manager and a rep
    /// (passwords printed once). A database that already holds a company is served as it is;
    /// the demo's own sign-ins get new passwords.
    Demo {
        /// The address to listen on (port 0 picks a free one).
        #[arg(long, default_value = "127.0.0.1:8080")]
        bind: std::net::SocketAddr,
    },
    /// Manage sign-ins.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Manage personal API tokens.
    Token {
        #[command(subcommand)]
        command: TokenCommand,
    },
    /// The planning cycle: allocate a company target to territories, people and months, approve
    /// a version into the targets, reconcile it.
    Plan {
        #[command(subcommand)]
        command: PlanCommand,
    },
    /// Write a synthetic company of any size; the same seed gives the same bytes.
    Gen {
        /// The folder to write (created if missing).
        dir: PathBuf,
        /// How many people.
        #[arg(long, default_value_t = 60)]
        people: u32,
        /// How many transactions.
        #[arg(long, default_value_t = 10_000)]
        transactions: u64,
        /// The random seed.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// The fiscal year of the transactions.
        #[arg(long, default_value_t = 2026)]
        year: i32,
        /// Stop the year on this day (YYYY-MM-DD): no transaction, closed deal or activity
        /// after it, open deals beyond it, objectives for the whole year.
        #[arg(long, value_parser = parse_until)]
        until: Option<attain_domain::Date>,
        /// Opportunities in all, spread evenly over the reps (default: 15 to 25 per rep).
        #[arg(long)]
        opportunities: Option<u64>,
        /// Activities in all (default: about 100 a year per rep and a few per manager).
        #[arg(long)]
        activities: Option<u64>,
    },
}

/// The `user` commands.
#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create a sign-in. The password is read from stdin when it is piped, else generated and
    /// printed once.
    Add {
        /// The email address used to sign in.
        #[arg(long)]
        email: String,
        /// rep, manager, director, executive or sales_ops.
        #[arg(long)]
        role: String,
        /// The person of the company (people.csv person_id) this sign-in acts as.
        #[arg(long)]
        person: Option<String>,
    },
}

/// The `token` commands.
#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Create a personal API token for a sign-in and print it once (only a hash is kept).
    Create {
        /// The sign-in's email.
        #[arg(long)]
        email: String,
        /// A label to recognise the token by.
        #[arg(long, default_value = "cli")]
        name: String,
    },
}

/// The planning commands (planning.md).
#[derive(Debug, Subcommand)]
pub enum PlanCommand {
    /// Allocate a company target down the territory tree to every person and month, saved as a
    /// new draft version (approved too with --approve).
    Allocate {
        /// The fiscal year.
        #[arg(long)]
        year: i32,
        /// The metric: bookings, revenue or margin.
        #[arg(long)]
        metric: String,
        /// The company's annual target, a multiple of --unit.
        #[arg(long, allow_hyphen_values = true)]
        total: String,
        /// How targets are weighed: equal, prior_year or potential [default: equal].
        #[arg(long)]
        basis: Option<String>,
        /// Percent added to each leaf's target when it is divided among its reps [default: 0].
        #[arg(long)]
        overassign: Option<String>,
        /// Every annual target is a multiple of this amount [default: 1.00].
        #[arg(long)]
        unit: Option<String>,
        /// Twelve percents summing to 100, one per fiscal month [default: equal months].
        #[arg(long)]
        seasonality: Option<String>,
        /// Percents applied to a new hire's first months, from the hire month (e.g. 25,50,75).
        #[arg(long)]
        ramp: Option<String>,
        /// Approve the new version at once: it replaces the year's targets of the metric.
        #[arg(long)]
        approve: bool,
    },
    /// Make a version the targets of its year and metric (replacing them all).
    Approve {
        /// The fiscal year.
        #[arg(long)]
        year: i32,
        /// The metric: bookings, revenue or margin.
        #[arg(long)]
        metric: String,
        /// The version number, as allocate printed it.
        #[arg(long)]
        version: u32,
    },
    /// Show, for every territory, its target, its children's sum, the over-assignment and any
    /// unassigned, hire, leaver or ramp gap.
    Reconcile {
        /// The fiscal year.
        #[arg(long)]
        year: i32,
        /// The metric: bookings, revenue or margin.
        #[arg(long)]
        metric: String,
        /// The version [default: the approved one, else the latest draft].
        #[arg(long)]
        version: Option<u32>,
    },
}

/// Parses `--until`.
fn parse_until(s: &str) -> Result<attain_domain::Date, String> {
    attain_domain::parse_date(s).map_err(|e| e.to_string())
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("ATTAIN_LOG").unwrap_or_else(|_| {
                // A server logs its requests; the other commands stay quiet.
                let level = match cli.command {
                    Command::Serve { .. } => "info",
                    Command::Demo { .. } => "warn,attain_web=info",
                    _ => "warn",
                };
                tracing_subscriber::EnvFilter::new(level)
            }),
        )
        .with_writer(std::io::stderr)
        .init();
    match commands::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            for line in &failure.lines {
                eprintln!("{line}");
            }
            ExitCode::from(failure.code)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Cli;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_definition_is_consistent() {
        Cli::command().debug_assert();
    }
}
