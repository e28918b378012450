//! Coaching: the competency model, the sessions each manager holds with their reps (and each
//! leader with the managers below them) over the last months up to "today", skills rated in
//! field visits and debriefs, and action items — done, dropped, open and some overdue. A few
//! people go without coaching for longer than the cadence, so the cadence page flags someone.

use super::Ctx;
use super::accounts::Book;
use super::org::Org;
use super::writer::IdKind;
use attain_domain::vocab::Role;
use std::io;

/// The competency model: id, name, description.
#[rustfmt::skip]
pub const COMPETENCIES: &[(&str, &str, &str)] = &[
    ("prospecting", "Prospecting", "Finds and opens new conversations with the right accounts"),
    ("discovery", "Discovery", "Asks the questions that uncover needs, pains and the buying process"),
    ("qualification", "Qualification", "Knows which deals to pursue and which to drop"),
    ("presentation", "Presentation", "Tells a clear, tailored story of the value offered"),
    ("negotiation", "Negotiation", "Trades concessions for commitments and protects margin"),
    ("closing", "Closing", "Asks for the business and drives the next step"),
    ("account_planning", "Account planning", "Plans the growth of an account with its stakeholders"),
];

/// The days a session looks back over, before "today".
const WINDOW: i32 = 150;

/// Texts for each field of a session, picked at random.
const PREPARATIONS: &[&str] = &[
    "Agree the call objective: confirm budget and timeline with the economic buyer.",
    "Plan three open discovery questions and the one next step to ask for.",
    "Review the last proposal; expect a push on price and prepare trade-offs.",
];
const HAPPENED: &[&str] = &[
    "Strong opening; the customer confirmed the pain but budget is not yet approved.",
    "The demo ran long and the next step was left vague.",
    "Good rapport with the champion; the decision maker did not join.",
];
const LEARNED: &[&str] = &[
    "The customer buys on risk reduction more than on price.",
    "Procurement joins late; involve them at proposal stage.",
    "Silence after the price worked better than justifying it.",
];
const DO_BETTER: &[&str] = &[
    "Ask for a dated next step before leaving the meeting.",
    "Talk less in the first ten minutes; let the customer describe the problem.",
    "Bring a mutual plan with dates to the next call.",
];
const SHARED: &[&str] = &[
    "Pipeline reviewed; focus on two late-stage deals this month.",
    "Good progress on discovery; keep practising the value summary.",
    "Agreed to shadow a senior rep on the next negotiation.",
];
const PRIVATE: &[&str] = &[
    "Confidence is low after the lost deal; watch for signs of disengagement.",
    "Consider for the account manager opening next quarter.",
    "Needs closer support; discuss a development plan with HR if no change.",
];
const REFLECTIONS: &[&str] = &[
    "I rushed the discovery; next time I will prepare questions in advance.",
    "Useful session; I will try the mutual plan with my top account.",
];
const ACTIONS: &[&str] = &[
    "Send the mutual action plan to the champion",
    "Book a meeting with the economic buyer",
    "Role-play the pricing conversation",
    "Update the close plans of the top three opportunities",
    "Prepare an account plan for the largest account",
    "Complete the negotiation training module",
];

/// One generated session.
struct Session {
    person: usize,
    coach: usize,
    day: i32,
    kind: &'static str,
    /// The account it was about (1-based account number).
    account: Option<u64>,
}

/// An action item: session number, person, owner, description, due day, status, done day.
type Item = (
    u64,
    usize,
    usize,
    &'static str,
    i32,
    &'static str,
    Option<i32>,
);

/// Writes competencies, coaching sessions, skill ratings and action items.
pub fn write(org: &Org, book: &Book, ctx: &Ctx) -> io::Result<()> {
    let mut f = ctx.file("competencies", COMPETENCIES.len() as u64)?;
    for (i, (id, name, description)) in COMPETENCIES.iter().enumerate() {
        f.text(id).text(name).text(description).int(i as i64 + 1);
        f.end()?;
    }
    f.finish()?;

    let mut dice = ctx.dice(11);
    let today = ctx.today;
    let from = |p: usize| org.people[p].hire.max(today - WINDOW);
    let active =
        |p: usize| org.people[p].hire <= today && org.people[p].end.is_none_or(|e| e > today);
    let mut sessions = Vec::new();
    for (r, rep) in org.reps.iter().enumerate() {
        let person = rep.person;
        let Some(coach) = org.people[person].manager else {
            continue;
        };
        if !active(person) || !active(coach) {
            continue;
        }
        // About one rep in eight goes uncoached in the window (flagged on the cadence page).
        if dice.chance(125) {
            continue;
        }
        let accounts = &book.by_rep[r];
        // Most reps were coached in the last four weeks: on time for a cadence of 30 days.
        let recent = dice.chance(700);
        for n in 0..dice.range(1, 5) {
            let kind = dice.weighted(&[
                ("field_visit", 3),
                ("call_preparation", 2),
                ("call_debrief", 3),
                ("one_to_one", 4),
                ("phone_check_in", 2),
                ("informal_feedback", 2),
            ]);
            let about_account = matches!(kind, "field_visit" | "call_preparation" | "call_debrief");
            let account = (about_account && !accounts.is_empty())
                .then(|| (accounts.start + dice.index(accounts.len())) as u64 + 1);
            sessions.push(Session {
                person,
                coach,
                day: if n == 0 && recent {
                    dice.range(i64::from(from(person).max(today - 28)), i64::from(today)) as i32
                } else {
                    dice.range(i64::from(from(person)), i64::from(today)) as i32
                },
                kind,
                account,
            });
        }
    }
    // Leaders hold one-to-ones with the managers below them.
    for (p, person) in org.people.iter().enumerate() {
        let Some(coach) = person.manager else {
            continue;
        };
        if person.role != Role::Manager || !active(p) || !active(coach) {
            continue;
        }
        for _ in 0..dice.range(0, 2) {
            sessions.push(Session {
                person: p,
                coach,
                day: dice.range(i64::from(from(p)), i64::from(today)) as i32,
                kind: "one_to_one",
                account: None,
            });
        }
    }
    sessions.sort_by_key(|s| (s.day, s.person));

    let session_ids = IdKind::new("CS", sessions.len() as u64, 5);
    let pick = |dice: &mut super::dice::Dice, texts: &[&str], per_mille: u64| {
        dice.chance(per_mille).then(|| dice.pick(texts).to_owned())
    };
    let mut f = ctx.file("coaching_sessions", sessions.len() as u64)?;
    let mut ratings: Vec<(u64, &str, i64)> = Vec::new();
    let mut actions: Vec<Item> = Vec::new();
    for (n, s) in sessions.iter().enumerate() {
        let no = n as u64 + 1;
        let debrief = matches!(s.kind, "field_visit" | "call_debrief");
        let preparation = match s.kind {
            "call_preparation" | "field_visit" => pick(&mut dice, PREPARATIONS, 900),
            _ => None,
        };
        let (happened, learned, better) = if debrief {
            (
                pick(&mut dice, HAPPENED, 950),
                pick(&mut dice, LEARNED, 800),
                pick(&mut dice, DO_BETTER, 900),
            )
        } else {
            (None, None, None)
        };
        f.id(session_ids, no)
            .id(org.person_ids, org.person_no(s.person))
            .id(org.person_ids, org.person_no(s.coach))
            .word(ctx.days.text(s.day))
            .text(s.kind);
        f.opt_id(book.account_ids, s.account).empty();
        for text in [
            preparation,
            happened,
            learned,
            better,
            pick(&mut dice, SHARED, 700),
            pick(&mut dice, PRIVATE, 250),
            pick(&mut dice, REFLECTIONS, 200),
        ] {
            match text {
                Some(t) => f.text(&t),
                None => f.empty(),
            };
        }
        f.end()?;

        if debrief {
            let mut model: Vec<&str> = COMPETENCIES.iter().map(|c| c.0).collect();
            dice.shuffle(&mut model);
            model.truncate(dice.range(2, 3) as usize);
            model.sort_unstable();
            for c in model {
                ratings.push((no, c, dice.range(2, 5)));
            }
        }
        for _ in 0..dice.range(0, 2) {
            let due = (s.day + dice.range(7, 30) as i32).min(ctx.days.year_len() - 1);
            let owner = if dice.chance(850) { s.person } else { s.coach };
            let (status, done) = if due < today && dice.chance(700) {
                (
                    "done",
                    Some(dice.range(i64::from(s.day), i64::from(due)) as i32),
                )
            } else if dice.chance(80) {
                ("dropped", None)
            } else {
                ("open", None)
            };
            actions.push((no, s.person, owner, dice.pick(ACTIONS), due, status, done));
        }
    }
    f.finish()?;

    let mut f = ctx.file("skill_ratings", ratings.len() as u64)?;
    for (session, competency, rating) in &ratings {
        f.id(session_ids, *session).text(competency).int(*rating);
        f.end()?;
    }
    f.finish()?;

    let action_ids = IdKind::new("AI", actions.len() as u64, 5);
    let mut f = ctx.file("action_items", actions.len() as u64)?;
    for (n, (session, person, owner, description, due, status, done)) in actions.iter().enumerate()
    {
        f.id(action_ids, n as u64 + 1)
            .id(session_ids, *session)
            .id(org.person_ids, org.person_no(*person))
            .id(org.person_ids, org.person_no(*owner))
            .text(description)
            .word(ctx.days.text(*due))
            .text(status);
        match done {
            Some(d) => f.word(ctx.days.text(*d)),
            None => f.empty(),
        };
        f.end()?;
    }
    f.finish()
}
