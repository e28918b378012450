//! The commands: each opens what it needs, does its work, and reports a failure as lines for
//! stderr with an exit code (see `EXIT_CODES`).

use crate::progress::Bar;
use crate::{Cli, Command, TokenCommand, UserCommand};
use attain_dataset::{ImportError, Source};
use attain_engine::export::ResultsExportError;
use attain_engine::{CalcRun, EngineError};
use attain_store::Store;
use std::path::Path;

/// The database when `--db` is not given.
pub const DEFAULT_DB: &str = "sqlite://attain.db";

/// Why a command failed: the lines to print and the exit status.
pub struct Failure {
    pub lines: Vec<String>,
    pub code: u8,
}

impl Failure {
    /// Input was refused; nothing was written.
    pub fn refused(lines: Vec<String>) -> Failure {
        Failure { lines, code: 1 }
    }

    /// The database or a file could not be used.
    pub fn environment(line: impl std::fmt::Display) -> Failure {
        Failure {
            lines: vec![format!("error: {line}")],
            code: 3,
        }
    }
}

impl From<attain_store::StoreError> for Failure {
    fn from(e: attain_store::StoreError) -> Failure {
        Failure::environment(e)
    }
}

/// Runs the parsed command line.
pub fn run(cli: Cli) -> Result<(), Failure> {
    match cli.command {
        Command::Import { dir } => import(&cli.db, &dir),
        Command::Export {
            dir,
            results: false,
            ..
        } => export(&cli.db, &dir),
        Command::Export {
            dir,
            year: Some(year),
            ..
        } => export_results(&cli.db, &dir, year),
        Command::Export { year: None, .. } => Err(Failure {
            lines: vec!["error: --results needs --year Y".into()],
            code: 2,
        }),
        Command::Calc { year } => calc(&cli.db, year),
        Command::Lock { year, through } => lock(&cli.db, year, through),
        Command::Unlock {
            year,
            month,
            reason,
        } => unlock(&cli.db, year, month, &reason),
        Command::Serve {
            bind,
            secure_cookies,
        } => serve(&cli.db, bind, secure_cookies),
        Command::Demo { bind } => demo(&cli.db, bind),
        Command::User {
            command:
                UserCommand::Add {
                    email,
                    role,
                    person,
                },
        } => user_add(&cli.db, &email, &role, person.as_deref()),
        Command::Token {
            command: TokenCommand::Create { email, name },
        } => token_create(&cli.db, &email, &name),
        Command::Plan { command } => crate::plan::run(&cli.db, command),
        Command::Gen {
            dir,
            people,
            transactions,
            seed,
            year,
            until,
            opportunities,
            activities,
        } => {
            let options = attain_dataset::synth::Options {
                people,
                transactions,
                seed,
                year,
                until,
                opportunities,
                activities,
            };
            let summary = attain_dataset::synth::generate(&dir, &options, &Bar::for_terminal())
                .map_err(Failure::environment)?;
            println!("{summary}");
            Ok(())
        }
    }
}

/// Returns who runs the command, for the audit log and calculation runs.
pub fn actor() -> String {
    format!(
        "cli:{}",
        std::env::var("USER").unwrap_or_else(|_| "unknown".into())
    )
}

/// Turns an engine failure into lines and an exit status: refused input 1, database 3.
fn engine_failure(e: EngineError) -> Failure {
    match e {
        EngineError::Store(e) => Failure::environment(e),
        e => Failure::refused(vec![format!("error: {e}")]),
    }
}

/// Prints a run's summary on stdout and its warnings on stderr.
fn print_run(run: &CalcRun) {
    let r = &run.results;
    println!(
        "fiscal year {}: {} transactions credited in {:.2} s (calculation run {})",
        r.year,
        r.transactions,
        run.elapsed.as_secs_f64(),
        run.run_id
    );
    println!(
        "  rows: {} credits, {} payouts, {} territory results, {} statements",
        r.credits.len(),
        r.payouts.len(),
        r.territories.len(),
        r.statements.len()
    );
    let locked = match r.last_locked {
        0 => "no month locked".to_owned(),
        m => format!("locked through month {m}"),
    };
    println!(
        "  payouts {}, adjustments {}, statements total {}; {locked}",
        r.payout_total(),
        r.adjustment_total(),
        r.statement_total()
    );
    if !r.warnings.is_empty() {
        println!("  {} warning(s)", r.warnings.len());
    }
    for w in &r.warnings {
        eprintln!("warning: {w}");
    }
}

fn calc(db: &str, year: i32) -> Result<(), Failure> {
    let store = open(db)?;
    let run = attain_engine::run_calc(&store, year, &actor(), &Bar::for_terminal())
        .map_err(engine_failure)?;
    print_run(&run);
    Ok(())
}

fn lock(db: &str, year: i32, through: u32) -> Result<(), Failure> {
    let store = open(db)?;
    let done = attain_engine::run_lock(&store, year, through, &actor(), &Bar::for_terminal())
        .map_err(engine_failure)?;
    if done.months.is_empty() {
        println!("months 1–{through} of {year} were already locked; no month was closed");
        print_run(&done.run);
        return Ok(());
    }
    for m in &done.months {
        println!(
            "locked month {} of {year}: {} payouts, {} paid",
            m.month,
            m.paid.len(),
            m.total()
        );
    }
    print_run(&done.run);
    Ok(())
}

fn unlock(db: &str, year: i32, month: u32, reason: &str) -> Result<(), Failure> {
    let store = open(db)?;
    let done =
        attain_engine::run_unlock(&store, year, month, reason, &actor(), &Bar::for_terminal())
            .map_err(engine_failure)?;
    println!(
        "unlocked month {month} of {year}: {} paid rows ({}) deleted; the reason is in the audit log",
        done.rows, done.total
    );
    print_run(&done.run);
    Ok(())
}

fn export_results(db: &str, dir: &Path, year: i32) -> Result<(), Failure> {
    let store = open(db)?;
    let report = attain_engine::export::export_results(&store, dir, year).map_err(|e| match e {
        ResultsExportError::NotCalculated(_) => Failure::refused(vec![format!("error: {e}")]),
        e => Failure::environment(e),
    })?;
    for (file, rows) in &report {
        println!("{file:<22} {rows:>9} rows");
    }
    Ok(())
}

pub fn open(url: &str) -> Result<Store, Failure> {
    Store::open(url).map_err(Failure::environment)
}

fn import(db: &str, dir: &Path) -> Result<(), Failure> {
    if !dir.is_dir() {
        return Err(Failure::environment(format!(
            "{} is not a folder",
            dir.display()
        )));
    }
    let source = Source::from_dir(dir)
        .map_err(|e| Failure::environment(format!("cannot read {}: {e}", dir.display())))?;
    let store = open(db)?;
    let actor = actor();
    match attain_dataset::import(&store, &source, &actor, &Bar::for_terminal()) {
        Ok(report) => {
            for f in &report.files {
                println!(
                    "{:<22} {:>9} inserted {:>9} updated {:>9} unchanged",
                    f.file, f.inserted, f.updated, f.unchanged
                );
            }
            Ok(())
        }
        Err(ImportError::Invalid(errors)) => {
            let mut lines = errors;
            let n = lines.len();
            let more = if n >= attain_dataset::import::MAX_ERRORS {
                " (the first 100 are shown)"
            } else {
                ""
            };
            lines.push(format!(
                "error: the dataset has {n} problem(s){more}; nothing was imported"
            ));
            Err(Failure::refused(lines))
        }
        Err(e) => Err(Failure::environment(e)),
    }
}

fn export(db: &str, dir: &Path) -> Result<(), Failure> {
    let store = open(db)?;
    let report = attain_dataset::export_dir(&store, dir, &Bar::for_terminal())
        .map_err(Failure::environment)?;
    for (file, rows) in &report.files {
        println!("{file:<22} {rows:>9} rows");
    }
    Ok(())
}

/// Who the command line acts as, for the audit log.
fn cli_actor() -> String {
    format!(
        "cli:{}",
        std::env::var("USER").unwrap_or_else(|_| "unknown".into())
    )
}

/// A bound web server with the runtime that serves it.
struct Bound {
    runtime: tokio::runtime::Runtime,
    server: attain_web::Server,
    addr: std::net::SocketAddr,
}

/// Binds the web server to `bind` (nothing is served yet).
fn bind_server(
    store: Store,
    bind: std::net::SocketAddr,
    secure_cookies: bool,
) -> Result<Bound, Failure> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::environment(format!("cannot start the server: {e}")))?;
    let config = attain_web::Config {
        bind,
        secure_cookies,
        ..attain_web::Config::default()
    };
    let server = runtime
        .block_on(attain_web::build(store, config))
        .map_err(|e| Failure::environment(format!("cannot listen on {bind}: {e}")))?;
    let addr = server.local_addr().map_err(Failure::environment)?;
    Ok(Bound {
        runtime,
        server,
        addr,
    })
}

/// Prints the address and serves until Ctrl-C or SIGTERM (whose handlers are in place before
/// the address is printed).
fn run_server(bound: Bound) -> Result<(), Failure> {
    let shutdown = {
        let _inside = bound.runtime.enter();
        attain_web::shutdown_signal()
    };
    println!(
        "Attain is serving on http://{}  (Ctrl-C to stop)",
        bound.addr
    );
    bound
        .runtime
        .block_on(attain_web::serve(bound.server, shutdown))
        .map_err(|e| Failure::environment(format!("the server stopped: {e}")))
}

fn serve(db: &str, bind: std::net::SocketAddr, secure_cookies: bool) -> Result<(), Failure> {
    let store = open(db)?;
    run_server(bind_server(store, bind, secure_cookies)?)
}

/// `attain demo`: binds first (a busy port fails before any work), builds the demo company in an
/// empty database or keeps the one there, prints how to sign in, and serves.
fn demo(db: &str, bind: std::net::SocketAddr) -> Result<(), Failure> {
    use crate::demo;
    let store = open(db)?;
    let bound = bind_server(store.clone(), bind, false)?;
    let addr = bound.addr;
    match demo::existing_company(&store)? {
        None => {
            let today = chrono_today();
            let (built, sign_ins) = demo::build(&store, today)?;
            for line in demo::summary(&built) {
                println!("{line}");
            }
            println!();
            println!(
                "Sign in at http://{addr} as one of these (the passwords are shown only now):"
            );
            for line in demo::sign_in_lines(&sign_ins) {
                println!("{line}");
            }
            let db_option = if db == DEFAULT_DB {
                String::new()
            } else {
                format!(" --db {db}")
            };
            println!(
                "For the Admin pages (data import, users, audit log), add a sales operations sign-in:"
            );
            println!("  attain user add --email you@example.com --role sales_ops{db_option}");
        }
        Some((company, people)) => {
            println!(
                "This database already holds {company} ({people} people): it is served as it is, not rebuilt."
            );
            let sign_ins = demo::reset_sign_ins(&store)?;
            if sign_ins.is_empty() {
                println!(
                    "It has no demo sign-ins. Create one with: attain user add --email E --role R [--person P]"
                );
            } else {
                println!(
                    "Sign in at http://{addr} as one of these (new passwords; the earlier ones no longer work):"
                );
                for line in demo::sign_in_lines(&sign_ins) {
                    println!("{line}");
                }
            }
        }
    }
    println!();
    run_server(bound)
}

/// Returns today's date (UTC, as the web pages count it).
fn chrono_today() -> attain_domain::Date {
    chrono::Utc::now().date_naive()
}

/// Returns the password piped on stdin (its first line), or `None` when stdin is a terminal.
fn piped_password() -> Result<Option<String>, Failure> {
    use std::io::{IsTerminal, Read};
    let mut stdin = std::io::stdin();
    if stdin.is_terminal() {
        return Ok(None);
    }
    let mut text = String::new();
    stdin
        .read_to_string(&mut text)
        .map_err(|e| Failure::environment(format!("cannot read the password from stdin: {e}")))?;
    let line = text.lines().next().unwrap_or("").to_owned();
    if line.is_empty() {
        return Ok(None);
    }
    Ok(Some(line))
}

fn user_add(db: &str, email: &str, role: &str, person: Option<&str>) -> Result<(), Failure> {
    use attain_web::auth::users::{self, UserError};
    let role = attain_domain::vocab::Role::parse(role).map_err(|e| Failure {
        lines: vec![format!("error: --role: {e}")],
        code: 2,
    })?;
    let piped = piped_password()?;
    let password = piped
        .clone()
        .unwrap_or_else(attain_web::auth::password::generate);
    let store = open(db)?;
    let strength = attain_web::PasswordStrength::Strong;
    match users::add_user(
        &store,
        email,
        role,
        person,
        &password,
        strength,
        &cli_actor(),
    ) {
        Ok(_) => {
            let who = person
                .map(|p| format!(", acting as {p}"))
                .unwrap_or_default();
            println!(
                "created the sign-in {} ({role}{who})",
                email.trim().to_lowercase()
            );
            if piped.is_none() {
                println!("password (shown once): {password}");
            }
            Ok(())
        }
        Err(UserError::Store(e)) => Err(Failure::environment(e)),
        Err(e) => Err(Failure::refused(vec![format!("error: {e}")])),
    }
}

fn token_create(db: &str, email: &str, name: &str) -> Result<(), Failure> {
    use attain_web::auth::users::{self, UserError};
    let store = open(db)?;
    match users::create_token(&store, email, name, &cli_actor()) {
        Ok(token) => {
            println!("{token}");
            eprintln!("This token is shown once; keep it somewhere safe.");
            Ok(())
        }
        Err(UserError::Store(e)) => Err(Failure::environment(e)),
        Err(e) => Err(Failure::refused(vec![format!("error: {e}")])),
    }
}
