//! The commands: each opens what it needs, does its work, and reports a failure as lines for
//! stderr with an exit code (see `EXIT_CODES`).

use crate::progress::Bar;
use crate::{Cli, Command};
use attain_dataset::{ImportError, Source};
use attain_store::Store;
use std::path::Path;

/// Why a command failed: the lines to print and the exit status.
pub struct Failure {
    pub lines: Vec<String>,
    pub code: u8,
}

impl Failure {
    /// Input was refused; nothing was written.
    fn refused(lines: Vec<String>) -> Failure {
        Failure { lines, code: 1 }
    }

    /// The database or a file could not be used.
    fn environment(line: impl std::fmt::Display) -> Failure {
        Failure {
            lines: vec![format!("error: {line}")],
            code: 3,
        }
    }
}

/// Runs the parsed command line.
pub fn run(cli: Cli) -> Result<(), Failure> {
    match cli.command {
        Command::Import { dir } => import(&cli.db, &dir),
        Command::Export { dir } => export(&cli.db, &dir),
        Command::Gen {
            dir,
            people,
            transactions,
            seed,
            year,
        } => {
            let options = attain_dataset::synth::Options {
                people,
                transactions,
                seed,
                year,
            };
            let summary = attain_dataset::synth::generate(&dir, &options, &Bar::for_terminal())
                .map_err(Failure::environment)?;
            println!("{summary}");
            Ok(())
        }
    }
}

fn open(url: &str) -> Result<Store, Failure> {
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
    let actor = format!(
        "cli:{}",
        std::env::var("USER").unwrap_or_else(|_| "unknown".into())
    );
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
