//! Sales meetings (docs/meetings.md): the agenda template, and each district's team meetings up
//! to "today", weekly or every other week on the district's weekday, with one
//! information-gathering item per rep on the team that day, a training and a recognition item,
//! attendance and a few follow-ups (meeting_template.csv, meetings.csv, meeting_items.csv,
//! meeting_attendance.csv, meeting_followups.csv). The generator writes no figures into the
//! items: they are computed by the application (`attain demo` fills the latest meetings).

use super::Ctx;
use super::org::Org;
use std::io;

/// The agenda template: section, title, minutes (per rep for the information gathering).
const TEMPLATE: &[(&str, &str, i64)] = &[
    ("information_gathering", "Key accounts and pipeline", 5),
    ("training", "Training", 15),
    ("recognition", "Recognition", 5),
    ("other", "Follow-ups and other business", 10),
];

const TRAINING: &[&str] = &[
    "Discovery questions that find the pain",
    "Multi-threading a key account",
    "Handling the price objection",
    "Writing a mutual close plan",
    "Qualifying with MEDDICC",
    "Running a strong demo",
    "Negotiating payment terms",
];

const FOLLOWUPS: &[&str] = &[
    "Send the revised proposal",
    "Book a meeting with the economic buyer",
    "Update the close plan",
    "Map the buying group",
    "Confirm the legal review date",
    "Share the case study",
];

/// Writes the template and every district's meetings.
pub fn write(org: &Org, ctx: &Ctx) -> io::Result<()> {
    let mut template = ctx.file("meeting_template", TEMPLATE.len() as u64)?;
    for (i, (section, title, minutes)) in TEMPLATE.iter().enumerate() {
        template
            .int(i as i64 + 1)
            .text(section)
            .text(title)
            .int(*minutes);
        template.end()?;
    }
    template.finish()?;

    let mut dice = ctx.dice(9);
    let weeks = u64::try_from(ctx.today / 7 + 1).unwrap_or(0);
    let mut meetings = ctx.file("meetings", org.districts.len() as u64 * weeks)?;
    let mut items = ctx.side_file("meeting_items")?;
    let mut attendance = ctx.side_file("meeting_attendance")?;
    let mut followups = ctx.side_file("meeting_followups")?;
    let ids = org.person_ids;
    for (d, district) in org.districts.iter().enumerate() {
        let step = if d % 2 == 0 { 7 } else { 14 };
        let cadence = if step == 7 { "weekly" } else { "biweekly" };
        // The district's weekday, Monday to Thursday, from the second week of the year.
        let weekday = (d % 4) as i32;
        let mut day = 7 + (weekday - ctx.days.weekday(7)).rem_euclid(7);
        let manager = district.manager;
        let mut k = 0;
        while day <= ctx.today {
            let mgr = &org.people[manager];
            if mgr.hire > day || mgr.end.is_some_and(|e| e < day) {
                day += step;
                continue;
            }
            k += 1;
            let meeting = format!("MT{}-{k}", d + 1);
            let team: Vec<usize> = district
                .reps
                .clone()
                .filter(|&r| {
                    let rep = &org.reps[r];
                    rep.lo <= day && day <= rep.hi && rep.moved.is_none_or(|(m, _)| m > day)
                })
                .map(|r| org.reps[r].person)
                .collect();
            meetings
                .text(&meeting)
                .id(ids, org.person_no(manager))
                .word(ctx.days.text(day))
                .text("Team meeting")
                .text(cadence)
                .text("held")
                .text(&format!("{} reps reported; pipeline reviewed", team.len()));
            meetings.end()?;
            let mut position = 0;
            for (section, title, minutes) in TEMPLATE {
                if *section == "information_gathering" {
                    for &p in &team {
                        position += 1;
                        let who = &org.people[p];
                        items
                            .text(&meeting)
                            .int(position)
                            .text(section)
                            .id(ids, org.person_no(p))
                            .text(&format!("{} {}: {title}", who.first, who.last))
                            .int(*minutes)
                            .empty()
                            .empty();
                        items.end()?;
                    }
                    continue;
                }
                position += 1;
                let (title, person) = match *section {
                    "training" => (dice.pick(TRAINING).to_owned(), None),
                    "recognition" if !team.is_empty() => {
                        let p = team[dice.index(team.len())];
                        let who = &org.people[p];
                        (format!("Shout-out: {} {}", who.first, who.last), Some(p))
                    }
                    _ => ((*title).to_owned(), None),
                };
                items
                    .text(&meeting)
                    .int(position)
                    .text(section)
                    .opt_id(ids, person.map(|p| org.person_no(p)))
                    .text(&title)
                    .int(*minutes)
                    .empty()
                    .empty();
                items.end()?;
            }
            attendance
                .text(&meeting)
                .id(ids, org.person_no(manager))
                .text("present");
            attendance.end()?;
            for &p in &team {
                let status = dice.weighted(&[("present", 85), ("absent", 8), ("excused", 7)]);
                attendance
                    .text(&meeting)
                    .id(ids, org.person_no(p))
                    .text(status);
                attendance.end()?;
            }
            if !team.is_empty() {
                for f in 0..dice.below(3) {
                    let due = day + 7;
                    let status = if due > ctx.today {
                        "open"
                    } else {
                        dice.weighted(&[("done", 80), ("open", 12), ("dropped", 8)])
                    };
                    followups
                        .text(&meeting)
                        .text(&format!("F{}", f + 1))
                        .id(ids, org.person_no(team[dice.index(team.len())]))
                        .text(dice.pick(FOLLOWUPS))
                        .word(ctx.days.text(due))
                        .text(status);
                    followups.end()?;
                }
            }
            day += step;
        }
    }
    meetings.finish()?;
    items.finish()?;
    attendance.finish()?;
    followups.finish()
}
