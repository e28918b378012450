//! `attain plan allocate | approve | reconcile`: the planning cycle's commands, printing what the
//! planning library did.

use crate::PlanCommand;
use crate::commands::{Failure, actor, open};
use crate::progress::Bar;
use attain_domain::vocab::Metric;
use attain_planning::{Allocated, Approval, ParamsText, PlanError, params::parse_metric};

/// Runs one planning command.
pub fn run(db: &str, command: PlanCommand) -> Result<(), Failure> {
    match command {
        PlanCommand::Allocate {
            year,
            metric,
            total,
            basis,
            overassign,
            unit,
            seasonality,
            ramp,
            approve,
        } => {
            let year = year.to_string();
            let params = attain_planning::Params::parse(&ParamsText {
                year: &year,
                metric: &metric,
                total: &total,
                basis: basis.as_deref(),
                overassign: overassign.as_deref(),
                unit: unit.as_deref(),
                seasonality: seasonality.as_deref(),
                ramp: ramp.as_deref(),
            })
            .map_err(|e| refused(e.message))?;
            let store = open(db)?;
            let done = attain_planning::run_allocate(
                &store,
                &params,
                approve,
                &actor(),
                &Bar::for_terminal(),
            )
            .map_err(failure)?;
            print_allocated(&done);
            Ok(())
        }
        PlanCommand::Approve {
            year,
            metric,
            version,
        } => {
            let metric = metric_of(&metric)?;
            let store = open(db)?;
            let approval = attain_planning::approve(&store, year, metric, version, &actor())
                .map_err(failure)?;
            print_approval(&approval);
            Ok(())
        }
        PlanCommand::Reconcile {
            year,
            metric,
            version,
        } => {
            let metric = metric_of(&metric)?;
            let store = open(db)?;
            let r = attain_planning::reconcile(&store, year, metric, version).map_err(failure)?;
            print!("{}", r.render());
            Ok(())
        }
    }
}

fn refused(message: String) -> Failure {
    Failure::refused(vec![format!("error: {message}")])
}

fn metric_of(s: &str) -> Result<Metric, Failure> {
    parse_metric(s).map_err(|e| refused(e.message))
}

fn failure(e: PlanError) -> Failure {
    match e {
        PlanError::Store(e) => Failure::environment(e),
        PlanError::Refused(m) => refused(m),
    }
}

fn print_allocated(done: &Allocated) {
    let v = &done.version;
    let s = done.allocation.summary();
    println!(
        "saved {} as a draft ({}): {} over {} territories ({} leaves) in {:.2} s",
        v.name(),
        v.params.describe(),
        s.total,
        s.territories,
        s.leaves,
        (done.load_time + done.compute_time + done.save_time).as_secs_f64()
    );
    println!(
        "  {} reps carry {}; {} leaders carry the sums of the reps below them",
        s.reps, s.reps_total, s.leaders
    );
    let leaves = match s.unassigned_leaves {
        1 => "1 leaf".to_owned(),
        n => format!("{n} leaves"),
    };
    println!(
        "  over-assigned {}; unassigned {} in {leaves} without a rep; gaps: hires {}, leavers {}, ramp {}",
        s.overassigned, s.unassigned, s.hire_gap, s.leaver_gap, s.ramp_gap
    );
    match &done.approval {
        Some(a) => print_approval(a),
        None => println!(
            "  targets are unchanged; approve with: attain plan approve --year {} --metric {} --version {}",
            v.year, v.metric, v.version
        ),
    }
}

fn print_approval(a: &Approval) {
    let superseded = a
        .superseded
        .map(|s| format!(" (version {s} superseded)"))
        .unwrap_or_default();
    println!(
        "approved {}{superseded}: {} target rows replaced by {}",
        a.version.name(),
        a.before.rows,
        a.after.rows
    );
    println!(
        "  company {} (was {}), territories {} (was {}), people {} (was {})",
        a.after.company,
        a.before.company,
        a.after.territory,
        a.before.territory,
        a.after.person,
        a.before.person
    );
    if a.last_locked > 0 {
        println!(
            "  months 1–{} of {} are locked: changed targets there reach pay as adjustments at the next calc",
            a.last_locked, a.version.year
        );
    }
}
