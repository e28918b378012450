//! The decision process of each key account: three to five of the usual steps, in order, each
//! with the account's contacts whose buying role takes part in it (decision_steps.csv and
//! decision_step_contacts.csv).

use super::Ctx;
use super::accounts::Book;
use std::io;

/// The usual steps of a buying decision: name, description, and the buying roles (indexes into
/// `names::TITLES`) of the contacts taking part. The last step is always kept.
const STEPS: &[(&str, &str, &[usize])] = &[
    (
        "Need identified",
        "The team recognises the problem and asks for options",
        &[2, 5],
    ),
    (
        "Requirements and evaluation",
        "Requirements are written down and vendors evaluated",
        &[4, 3],
    ),
    (
        "Business case approved",
        "Budget, return and timing signed off",
        &[1],
    ),
    (
        "Security and legal review",
        "Security, legal and procurement clear the contract",
        &[7, 6],
    ),
    ("Final decision", "The decision maker signs", &[0]),
];

/// Writes the decision steps of the key accounts and the contacts in each step. `roles` holds
/// each contact's buying role, in contact number order.
pub fn write(book: &Book, roles: &[usize], ctx: &Ctx) -> io::Result<()> {
    let mut dice = ctx.dice(8);
    let key_accounts = book.accounts.iter().filter(|a| a.key).count() as u64;
    let mut steps = ctx.file("decision_steps", key_accounts * 4)?;
    let mut people = ctx.side_file("decision_step_contacts")?;
    for (i, a) in book.accounts.iter().enumerate() {
        if !a.key {
            continue;
        }
        let account = i as u64 + 1;
        // Keep each of the first four usual steps seven times in ten, at least two of them.
        let mut kept: Vec<usize> = (0..STEPS.len() - 1).filter(|_| dice.chance(700)).collect();
        while kept.len() < 2 {
            let s = dice.index(STEPS.len() - 1);
            if !kept.contains(&s) {
                kept.push(s);
                kept.sort_unstable();
            }
        }
        kept.push(STEPS.len() - 1);
        let (first_contact, n) = a.contacts;
        for (position, &s) in kept.iter().enumerate() {
            let (name, description, step_roles) = STEPS[s];
            let step = position as i64 + 1;
            steps
                .id(book.account_ids, account)
                .int(step)
                .text(name)
                .text(description);
            steps.end()?;
            for c in first_contact..first_contact + n {
                if step_roles.contains(&roles[(c - 1) as usize]) {
                    people.id(book.account_ids, account).int(step);
                    people.id(book.contact_ids, c);
                    people.end()?;
                }
            }
        }
    }
    steps.finish()?;
    people.finish()
}
