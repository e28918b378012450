//! A territory plan for every rep for the year (territory_plans.csv, plan_sections.csv,
//! plan_key_accounts.csv): most agreed by their manager, some submitted, a few still drafts (all
//! of the lower half by performance). The best performer's plan fills every text to the
//! template's limits, to show it still prints on one page.

use super::Ctx;
use super::accounts::Book;
use super::org::Org;
use attain_domain::territory_plan::{
    MAX_KEY_ACCOUNTS, MAX_STRATEGY_CHARS, TemplateSection, default_template,
};
use std::io;

/// Sentences each section's text is drawn from, in the template's section order.
#[rustfmt::skip]
const TEXTS: &[&[&str]] = &[
    &[
        "Grow bookings in the territory by winning two new logos in the focus industries.",
        "Renew every key account on multi-year terms before the last quarter.",
        "Raise margin by selling services with every platform deal.",
        "Build a pipeline of three times the quarter's objective by week six of each quarter.",
    ],
    &[
        "Run two customer events per half with the regional marketing team.",
        "Prospect twenty named accounts in the segment through referrals from existing customers.",
        "Use the partner's installed base to find departments without a solution today.",
        "Qualify every inbound lead within two working days.",
    ],
    &[
        "Hold a business review with every key account each quarter.",
        "Map the buying group of each key account and cover every decision role.",
        "Agree a success plan with each customer and track it monthly.",
        "Spot renewal risks ninety days ahead and bring in the manager early.",
    ],
    &[
        "Work with two reseller partners on joint account plans.",
        "Register partner deals early to avoid channel conflict.",
        "Train the partners' sales teams on the new offering in the first quarter.",
        "Review partner pipeline monthly with the channel manager.",
    ],
];

/// Strategies for getting into a key account.
const STRATEGIES: &[&str] = &[
    "Reach the economic buyer through the champion; propose a pilot in one department.",
    "Expand from the current team to a second division with a reference visit.",
    "Win back the decision maker with an executive sponsor meeting and a business case.",
    "Secure the renewal early and add services in the same order.",
    "Replace the incumbent at contract end; build the technical case with the evaluators.",
];

/// Writes the plans of every rep for the generated year.
pub fn write(org: &Org, book: &Book, ctx: &Ctx) -> io::Result<()> {
    let mut dice = ctx.dice(9);
    let year = i64::from(ctx.days.year());
    let template = default_template();
    let mut plans = ctx.file("territory_plans", org.reps.len() as u64)?;
    let mut sections = ctx.side_file("plan_sections")?;
    let mut keys = ctx.side_file("plan_key_accounts")?;
    // Plans still in the workflow belong to reps in the lower half by performance; the best
    // performer's plan is the one at the limits.
    let mut perfs: Vec<u64> = org.reps.iter().map(|r| r.perf).collect();
    perfs.sort_unstable();
    let median = perfs.get(perfs.len() / 2).copied().unwrap_or(0);
    let best = (0..org.reps.len()).max_by_key(|&r| (org.reps[r].perf, std::cmp::Reverse(r)));
    for (r, rep) in org.reps.iter().enumerate() {
        let person = &org.people[rep.person];
        let full = Some(r) == best;
        let start = person.hire.max(0);
        let submitted = start + dice.range(5, 25) as i32;
        let agreed = submitted + dice.range(1, 10) as i32;
        let roll = if rep.perf < median {
            dice.below(50)
        } else {
            50 + dice.below(50)
        };
        let status = match (roll, person.manager) {
            _ if submitted > ctx.today => "draft",
            (0..=9, _) => "draft",
            (10..=24, _) | (_, None) => "submitted",
            _ if agreed > ctx.today => "submitted",
            _ => "agreed",
        };
        let version = if status == "draft" {
            1
        } else {
            dice.range(1, 2)
        };
        plans
            .id(org.person_ids, org.person_no(rep.person))
            .int(year)
            .text(status)
            .int(version);
        if status == "draft" {
            plans.empty();
        } else {
            plans.word(ctx.days.text(submitted));
        }
        match (status, person.manager) {
            ("agreed", Some(m)) => {
                plans.word(ctx.days.text(agreed));
                plans.id(org.person_ids, org.person_no(m));
                plans.text("Agreed. Keep the key accounts' reviews on the calendar.");
            }
            _ => {
                plans.empty().empty().empty();
            }
        }
        plans.end()?;
        for (i, t) in template.iter().enumerate() {
            let text = section_text(TEXTS[i], t, full, &mut dice);
            sections
                .id(org.person_ids, org.person_no(rep.person))
                .int(year)
                .text(t.section.as_str())
                .text(&text);
            sections.end()?;
        }
        let owned: Vec<usize> = book.by_rep[r]
            .clone()
            .filter(|&a| book.accounts[a].moved.is_none())
            .collect();
        let mut chosen: Vec<usize> = owned
            .iter()
            .copied()
            .filter(|&a| book.accounts[a].key)
            .collect();
        for &a in &owned {
            if chosen.len() >= if full { MAX_KEY_ACCOUNTS } else { 3 } {
                break;
            }
            if !chosen.contains(&a) {
                chosen.push(a);
            }
        }
        chosen.truncate(if full { MAX_KEY_ACCOUNTS } else { 3 });
        chosen.sort_unstable();
        for a in chosen {
            let strategy = if full {
                fill(STRATEGIES, MAX_STRATEGY_CHARS)
            } else {
                dice.pick(STRATEGIES).to_owned()
            };
            keys.id(org.person_ids, org.person_no(rep.person))
                .int(year)
                .id(book.account_ids, a as u64 + 1)
                .text(&strategy);
            keys.end()?;
        }
    }
    plans.finish()?;
    sections.finish()?;
    keys.finish()
}

/// Two or three of a section's sentences, or, for the plan at the limits, as many as fill it.
fn section_text(
    sentences: &[&str],
    t: &TemplateSection,
    full: bool,
    dice: &mut super::dice::Dice,
) -> String {
    if full {
        return fill(sentences, t.max_chars);
    }
    let n = dice.range(2, 3) as usize;
    let first = dice.index(sentences.len());
    (0..n)
        .map(|k| sentences[(first + k) % sentences.len()])
        .collect::<Vec<_>>()
        .join(" ")
}

/// The sentences repeated and cut to exactly `max` characters (all ASCII).
fn fill(sentences: &[&str], max: usize) -> String {
    let mut s = String::new();
    let mut k = 0;
    while s.len() < max {
        if !s.is_empty() {
            s.push(' ');
        }
        s.push_str(sentences[k % sentences.len()]);
        k += 1;
    }
    s.truncate(max);
    s.trim_end().to_owned()
}
