//! Training and recognition: a fixed catalogue of sessions across the year, what each job
//! requires, who registered for, attended or completed the sessions held so far, and
//! recognitions given by managers to their reps — one for every SPIFF among the adjustments, paid
//! through that adjustment.

use super::Ctx;
use super::org::Org;
use super::plans::Spiff;
use super::writer::IdKind;
use attain_domain::vocab::Role;
use std::io;

/// The catalogue: id, title, kind, day of the year (0–364), hours in millionths.
#[rustfmt::skip]
const TRAININGS: &[(&str, &str, &str, i32, u64)] = &[
    ("TR-SELL-1", "Discovery and qualification", "sales_technique", 20, 8_000_000),
    ("TR-SELL-2", "Negotiating multi-year deals", "sales_technique", 130, 4_000_000),
    ("TR-SELL-3", "Coaching a sales team", "sales_technique", 240, 6_000_000),
    ("TR-PROD-1", "Product fundamentals", "product", 45, 6_000_000),
    ("TR-PROD-2", "What is new this year", "product", 160, 2_500_000),
    ("TR-PROD-3", "Pricing and packaging", "product", 300, 1_500_000),
    ("TR-CUST-1", "Our customers' industries", "customer_market", 75, 3_000_000),
    ("TR-CUST-2", "Competitive landscape", "customer_market", 200, 2_000_000),
    ("TR-CUST-3", "Key account planning", "customer_market", 330, 4_000_000),
];

/// What each job requires.
const JOB_TRAININGS: &[(&str, &[&str])] = &[
    ("ae", &["TR-SELL-1", "TR-SELL-2", "TR-PROD-1", "TR-CUST-2"]),
    ("am", &["TR-SELL-1", "TR-PROD-1", "TR-PROD-2", "TR-CUST-1"]),
    ("sales_manager", &["TR-SELL-1", "TR-SELL-3", "TR-PROD-1"]),
];

/// Reasons for recognitions without an award.
const PRAISE: &[&str] = &[
    "Closed a difficult renewal ahead of time",
    "Helped a new colleague with their first demo",
    "Best discovery call of the week",
    "Turned around an unhappy customer",
    "Most customer meetings this month",
    "Shared a winning proposal with the team",
];

/// A recognition: person, given by, day, reason, and the SPIFF it pays.
type Given<'a> = (usize, Option<usize>, i32, &'a str, Option<&'a Spiff>);

/// Writes trainings, training_records, job_trainings and recognitions.
pub fn write(org: &Org, spiffs: &[Spiff], ctx: &Ctx) -> io::Result<()> {
    let mut dice = ctx.dice(11);
    let ids = org.person_ids;

    let mut f = ctx.file("trainings", TRAININGS.len() as u64)?;
    for (id, title, kind, day, hours) in TRAININGS {
        f.text(id).text(title).text(kind);
        f.word(ctx.days.text(*day)).ratio(*hours).empty();
        f.end()?;
    }
    f.finish()?;

    let mut f = ctx.file("training_records", org.people.len() as u64 * 3)?;
    for (id, _, _, day, _) in TRAININGS {
        for (i, p) in org.people.iter().enumerate() {
            let works = p.hire <= *day && p.end.is_none_or(|end| end >= *day);
            if !matches!(p.role, Role::Rep | Role::Manager) || !works {
                continue;
            }
            if *day <= ctx.today {
                let status = match dice.below(100) {
                    0..55 => "completed",
                    55..70 => "attended",
                    _ => continue,
                };
                f.text(id).id(ids, org.person_no(i)).text(status);
                f.word(ctx.days.text(*day));
            } else if dice.chance(300) {
                f.text(id).id(ids, org.person_no(i)).text("registered");
                f.word(ctx.days.text(ctx.today));
            } else {
                continue;
            }
            f.end()?;
        }
    }
    f.finish()?;

    let mut f = ctx.file("job_trainings", 11)?;
    for (job, trainings) in JOB_TRAININGS {
        for t in *trainings {
            f.text(job).text(t);
            f.end()?;
        }
    }
    f.finish()?;

    let mut given: Vec<Given<'_>> = Vec::new();
    let last_month = ctx.days.month_of(ctx.today);
    for month in 1..=last_month {
        let (start, next) = (
            ctx.days.month_start(month),
            if month < 12 {
                ctx.days.month_start(month + 1)
            } else {
                ctx.days.year_len()
            },
        );
        let end = (next - 1).min(ctx.today);
        for (i, p) in org.people.iter().enumerate() {
            let works = p.hire <= start && p.end.is_none_or(|e| e >= end);
            if p.role != Role::Rep || !works || !dice.chance(250) {
                continue;
            }
            let day = dice.range(i64::from(start), i64::from(end)) as i32;
            given.push((i, p.manager, day, dice.pick(PRAISE), None));
        }
        for s in spiffs.iter().filter(|s| s.month == month) {
            let day = dice.range(i64::from(start), i64::from(end)) as i32;
            let manager = org.people[s.person].manager;
            given.push((s.person, manager, day, s.reason, Some(s)));
        }
    }
    let rec_ids = IdKind::new("REC", given.len() as u64, 4);
    let mut f = ctx.file("recognitions", given.len() as u64)?;
    for (n, (person, by, day, reason, spiff)) in given.iter().enumerate() {
        f.id(rec_ids, n as u64 + 1).id(ids, org.person_no(*person));
        // A SPIFF adjustment's reason `SPIFF: new logo …` becomes `New logo …`.
        let reason = reason.trim_start_matches("SPIFF: ");
        let mut letters = reason.chars();
        let reason = match letters.next() {
            Some(first) => format!("{}{}", first.to_uppercase(), letters.as_str()),
            None => String::new(),
        };
        f.word(ctx.days.text(*day)).text(&reason);
        f.opt_id(ids, by.map(|m| org.person_no(m))).empty();
        match spiff {
            Some(s) => f.text("SPIFF").money(s.amount).text(&s.adjustment_id),
            None => f.empty().empty().empty(),
        };
        f.end()?;
    }
    f.finish()
}
