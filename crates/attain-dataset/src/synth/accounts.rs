//! Accounts (eight to twelve per rep, named from word lists, sized by their territory's segment,
//! some key accounts, a few subsidiaries of others), their mid-year realignments, and their
//! contacts: three to eight per account, each with a buying role and a place in the account's
//! own reporting tree.

use super::Ctx;
use super::names::{
    self, COMPANY_PREFIX, COMPANY_SUFFIX, FIRST, INDUSTRIES, LAST, SEGMENTS, TITLES,
};
use super::org::Org;
use super::writer::IdKind;
use std::io;
use std::ops::Range;

/// One account.
pub struct Account {
    /// The owning rep (index into `Org::reps`).
    pub rep: usize,
    /// The leaf territory it starts the year in.
    pub leaf: usize,
    pub name: String,
    pub industry: usize,
    pub employees: u64,
    pub revenue_cents: i64,
    pub parent: Option<usize>,
    pub key: bool,
    /// Its contacts: the first contact number (1-based) and how many.
    pub contacts: (u64, u64),
    /// A realignment: the day and the new leaf territory.
    pub moved: Option<(i32, usize)>,
}

/// Every account, with the ranges each rep owns.
pub struct Book {
    pub accounts: Vec<Account>,
    pub account_ids: IdKind,
    pub contact_ids: IdKind,
    /// Per rep (index into `Org::reps`), the accounts they own: contiguous.
    pub by_rep: Vec<Range<usize>>,
}

/// Builds the accounts of every rep.
pub fn build(org: &Org, ctx: &Ctx) -> Book {
    let mut dice = ctx.dice(2);
    let mut accounts: Vec<Account> = Vec::with_capacity(org.reps.len() * 10);
    let mut by_rep = Vec::with_capacity(org.reps.len());
    let mut contacts = 1u64;
    for (r, rep) in org.reps.iter().enumerate() {
        let first = accounts.len();
        let leaf = org.territories[rep.leaf]
            .leaf
            .as_ref()
            .expect("reps sit in leaf territories");
        let (_, lo, hi, key_per_mille) = SEGMENTS[leaf.segment];
        for _ in 0..dice.range(8, 12) {
            let parent = if accounts.len() > first && dice.chance(30) {
                let candidate = first + dice.index(accounts.len() - first);
                accounts[candidate].parent.is_none().then_some(candidate)
            } else {
                None
            };
            let (name, industry) = match parent {
                Some(p) => (
                    format!("{} {}", accounts[p].name, dice.pick(names::SUBSIDIARY)),
                    accounts[p].industry,
                ),
                None => {
                    let industry = if dice.chance(650) {
                        leaf.industries[dice.index(2)]
                    } else {
                        dice.index(INDUSTRIES.len())
                    };
                    let name = format!(
                        "{} {}{}",
                        dice.pick(COMPANY_PREFIX),
                        dice.pick(INDUSTRIES[industry].1),
                        dice.pick(COMPANY_SUFFIX)
                    );
                    (name, industry)
                }
            };
            let u = dice.below(1000);
            let employees = lo + (hi - lo) * u * u * u / 1_000_000_000;
            let per_employee_dollars = dice.range(80, 400) * 1000;
            let n_contacts = dice.range(3, 8) as u64;
            accounts.push(Account {
                rep: r,
                leaf: rep.leaf,
                name,
                industry,
                employees,
                revenue_cents: employees as i64 * per_employee_dollars * 100,
                parent,
                key: dice.chance(key_per_mille),
                contacts: (contacts, n_contacts),
                moved: rep.moved,
            });
            contacts += n_contacts;
        }
        by_rep.push(first..accounts.len());
    }
    // Some accounts move to another territory of their district in the middle of the year.
    let days = &ctx.days;
    for a in accounts.iter_mut() {
        let district = &org.districts[org.reps[a.rep].district];
        if a.moved.is_none() && district.leaves.len() > 1 && dice.chance(12) {
            let others: Vec<usize> = district
                .leaves
                .iter()
                .copied()
                .filter(|&l| l != a.leaf)
                .collect();
            let day = days.month_start(dice.range(2, 12) as usize);
            a.moved = Some((day, dice.pick(&others)));
        }
    }
    Book {
        account_ids: IdKind::new("A", accounts.len() as u64, 6),
        contact_ids: IdKind::new("C", contacts - 1, 7),
        accounts,
        by_rep,
    }
}

/// Returns the email domain of an account: its name's letters and digits, lowercased.
fn domain(name: &str) -> String {
    let mut d: String = name.chars().filter(char::is_ascii_alphanumeric).collect();
    d.make_ascii_lowercase();
    d.push_str(".example");
    d
}

/// Writes accounts, alignments and contacts; returns each contact's buying role (an index into
/// `TITLES`), in contact number order.
pub fn write(org: &Org, book: &Book, ctx: &Ctx) -> io::Result<Vec<usize>> {
    let ids = book.account_ids;
    let mut f = ctx.file("accounts", book.accounts.len() as u64)?;
    for (i, a) in book.accounts.iter().enumerate() {
        let country = org.territories[a.leaf]
            .leaf
            .as_ref()
            .map_or("", |l| l.country);
        f.id(ids, i as u64 + 1)
            .text(&a.name)
            .text(&org.territories[a.leaf].id)
            .text(INDUSTRIES[a.industry].0);
        f.text(country)
            .int(a.employees as i64)
            .money(a.revenue_cents);
        f.opt_id(ids, a.parent.map(|p| p as u64 + 1));
        f.id(org.person_ids, org.person_no(org.reps[a.rep].person));
        f.word(if a.key { b"true" } else { b"false" });
        f.end()?;
    }
    f.finish()?;

    let moved = book.accounts.iter().filter(|a| a.moved.is_some()).count() as u64;
    let mut f = ctx.file("alignments", moved)?;
    for (i, a) in book.accounts.iter().enumerate() {
        if let Some((day, leaf)) = a.moved {
            f.id(ids, i as u64 + 1)
                .text(&org.territories[leaf].id)
                .word(ctx.days.text(day));
            f.end()?;
        }
    }
    f.finish()?;

    let mut dice = ctx.dice(3);
    let total: u64 = book.accounts.iter().map(|a| a.contacts.1).sum();
    let mut f = ctx.file("contacts", total)?;
    let mut contact_roles = Vec::with_capacity(total as usize);
    let roles: &[(usize, u64)] = &[(2, 3), (3, 5), (4, 3), (5, 4), (6, 1), (7, 1), (8, 3)];
    for (i, a) in book.accounts.iter().enumerate() {
        let domain = domain(&a.name);
        let (first_contact, n) = a.contacts;
        // A fifth of key accounts have no economic buyer on the map yet.
        let no_economic_buyer = a.key && dice.chance(200);
        for j in 0..n {
            let role = match j {
                0 => 0,
                1 if !no_economic_buyer => 1,
                1 => 2,
                _ => dice.weighted(roles),
            };
            contact_roles.push(role);
            let (first, last) = (dice.pick(FIRST), dice.pick(LAST));
            f.id(book.contact_ids, first_contact + j)
                .id(ids, i as u64 + 1);
            f.text(&format!("{first} {last}"))
                .text(dice.pick(TITLES[role].1));
            f.text(&format!(
                "{}.{}@{domain}",
                first.to_ascii_lowercase(),
                last.to_ascii_lowercase()
            ));
            f.text(&format!(
                "+1 555 {:03} {:04}",
                dice.below(1000),
                dice.below(10_000)
            ));
            f.text(TITLES[role].0);
            if j == 0 {
                f.empty();
            } else {
                f.id(book.contact_ids, first_contact + dice.below(j.min(3)));
            }
            f.end()?;
        }
    }
    f.finish()?;
    Ok(contact_roles)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    #[test]
    fn account_domains_keep_letters_and_digits() {
        assert_eq!(
            super::domain("Blue Harbor Auto Parts Inc"),
            "blueharborautopartsinc.example"
        );
    }
}
