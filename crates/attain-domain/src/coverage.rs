//! Coverage of an account's buying group: which of its contacts the team reached in the 90 days
//! up to a date (from activities naming a contact), which buying roles that covers, and the gaps
//! (docs/account-mapping.md has the definition).

use crate::Date;
use crate::vocab::BuyingRole;
use std::collections::HashMap;

/// How many days the window of coverage spans, ending on (and including) the day of the map.
pub const WINDOW_DAYS: i64 = 90;

/// The roles a deal needs reached; one of them not reached (or not mapped) is a gap.
pub const KEY_ROLES: [BuyingRole; 4] = [
    BuyingRole::DecisionMaker,
    BuyingRole::EconomicBuyer,
    BuyingRole::Champion,
    BuyingRole::TechnicalEvaluator,
];

/// One contact of the account, as coverage sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contact {
    pub contact_id: String,
    pub buying_role: Option<BuyingRole>,
}

/// One activity that names a contact: who touched whom, when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Touch {
    pub contact_id: String,
    pub date: Date,
    pub person_id: String,
}

/// How a contact was reached within the window.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reached {
    /// The day of the latest touch.
    pub last: Date,
    /// Who made the latest touch (the smallest person id when several touched that day).
    pub by: String,
    /// How many touches fell within the window.
    pub touches: u32,
}

/// One buying role: its contacts and those reached.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleCoverage {
    pub role: BuyingRole,
    /// Indexes (into the contacts given) of the contacts holding the role, in the given order.
    pub contacts: Vec<usize>,
    /// How many of them were reached.
    pub reached: usize,
}

impl RoleCoverage {
    /// Returns true when at least one contact of the role was reached.
    pub fn covered(&self) -> bool {
        self.reached > 0
    }
}

/// Something missing from the coverage of an account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Gap {
    /// No contact of the account holds this key role.
    NotMapped(BuyingRole),
    /// Contacts hold this key role, but none was reached in the window.
    NotReached(BuyingRole),
    /// A blocker (the contact at this index) was not reached in the window.
    BlockerNotEngaged(usize),
}

impl Gap {
    /// Returns one short phrase naming the gap; `name` gives a contact's name from its index.
    pub fn describe(&self, name: impl Fn(usize) -> String) -> String {
        match self {
            Gap::NotMapped(role) => format!("no {} mapped", role_words(*role)),
            Gap::NotReached(role) => format!("no {} met in {WINDOW_DAYS} days", role_words(*role)),
            Gap::BlockerNotEngaged(i) => {
                format!("blocker {} not engaged in {WINDOW_DAYS} days", name(*i))
            }
        }
    }

    /// Returns the stable code of the gap's kind (for the API).
    pub fn code(&self) -> &'static str {
        match self {
            Gap::NotMapped(_) => "not_mapped",
            Gap::NotReached(_) => "not_reached",
            Gap::BlockerNotEngaged(_) => "blocker_not_engaged",
        }
    }
}

/// Returns a role in words: `economic_buyer` → `economic buyer`.
pub fn role_words(role: BuyingRole) -> String {
    role.as_str().replace('_', " ")
}

/// The coverage of one account on one day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Coverage {
    /// The first day of the window.
    pub from: Date,
    /// The last day of the window: the day of the map.
    pub to: Date,
    /// For each contact given, in order, how it was reached (None: not in the window).
    pub reached: Vec<Option<Reached>>,
    /// Every buying role, in vocabulary order.
    pub roles: Vec<RoleCoverage>,
    /// The gaps: key roles not mapped or not reached (in `KEY_ROLES` order), then blockers not
    /// engaged (in contact order).
    pub gaps: Vec<Gap>,
}

impl Coverage {
    /// Returns how many contacts were reached.
    pub fn reached_count(&self) -> usize {
        self.reached.iter().filter(|r| r.is_some()).count()
    }

    /// Returns how many of the key roles were reached.
    pub fn key_roles_covered(&self) -> usize {
        KEY_ROLES
            .iter()
            .filter(|k| self.role(**k).is_some_and(RoleCoverage::covered))
            .count()
    }

    /// Returns the coverage of one role.
    pub fn role(&self, role: BuyingRole) -> Option<&RoleCoverage> {
        self.roles.iter().find(|r| r.role == role)
    }
}

/// Computes the coverage of an account on day `on` from its contacts and touches. Touches of
/// contacts not given (another account's) and touches outside the window are ignored.
pub fn coverage(contacts: &[Contact], touches: &[Touch], on: Date) -> Coverage {
    let from = on - chrono::Duration::days(WINDOW_DAYS - 1);
    let index: HashMap<&str, usize> = contacts
        .iter()
        .enumerate()
        .map(|(i, c)| (c.contact_id.as_str(), i))
        .collect();
    let mut reached: Vec<Option<Reached>> = vec![None; contacts.len()];
    for t in touches {
        let Some(&i) = index.get(t.contact_id.as_str()) else {
            continue;
        };
        if t.date < from || t.date > on {
            continue;
        }
        match &mut reached[i] {
            None => {
                reached[i] = Some(Reached {
                    last: t.date,
                    by: t.person_id.clone(),
                    touches: 1,
                });
            }
            Some(r) => {
                r.touches += 1;
                if t.date > r.last || (t.date == r.last && t.person_id < r.by) {
                    r.last = t.date;
                    r.by = t.person_id.clone();
                }
            }
        }
    }
    let roles: Vec<RoleCoverage> = BuyingRole::ALL
        .iter()
        .map(|&role| {
            let holders: Vec<usize> = contacts
                .iter()
                .enumerate()
                .filter(|(_, c)| c.buying_role == Some(role))
                .map(|(i, _)| i)
                .collect();
            let hit = holders.iter().filter(|&&i| reached[i].is_some()).count();
            RoleCoverage {
                role,
                contacts: holders,
                reached: hit,
            }
        })
        .collect();
    let mut gaps = Vec::new();
    for key in KEY_ROLES {
        let Some(r) = roles.iter().find(|r| r.role == key) else {
            continue;
        };
        if r.contacts.is_empty() {
            gaps.push(Gap::NotMapped(key));
        } else if !r.covered() {
            gaps.push(Gap::NotReached(key));
        }
    }
    for (i, c) in contacts.iter().enumerate() {
        if c.buying_role == Some(BuyingRole::Blocker) && reached[i].is_none() {
            gaps.push(Gap::BlockerNotEngaged(i));
        }
    }
    Coverage {
        from,
        to: on,
        reached,
        roles,
        gaps,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::parse_date;

    fn contact(id: &str, role: Option<BuyingRole>) -> Contact {
        Contact {
            contact_id: id.to_owned(),
            buying_role: role,
        }
    }

    fn touch(id: &str, date: &str, by: &str) -> Touch {
        Touch {
            contact_id: id.to_owned(),
            date: parse_date(date).unwrap(),
            person_id: by.to_owned(),
        }
    }

    fn day(s: &str) -> Date {
        parse_date(s).unwrap()
    }

    fn full_group() -> Vec<Contact> {
        vec![
            contact("c1", Some(BuyingRole::DecisionMaker)),
            contact("c2", Some(BuyingRole::EconomicBuyer)),
            contact("c3", Some(BuyingRole::Champion)),
            contact("c4", Some(BuyingRole::TechnicalEvaluator)),
        ]
    }

    #[test]
    fn the_window_holds_the_ninety_days_ending_on_the_day_of_the_map() {
        let contacts = full_group();
        // 2026-06-30 minus 89 days is 2026-04-02: the first day inside.
        let touches = [
            touch("c1", "2026-04-02", "p1"),
            touch("c2", "2026-04-01", "p1"),
            touch("c3", "2026-06-30", "p1"),
            touch("c4", "2026-07-01", "p1"),
        ];
        let c = coverage(&contacts, &touches, day("2026-06-30"));
        assert_eq!(c.from, day("2026-04-02"));
        assert!(c.reached[0].is_some(), "the first day of the window counts");
        assert!(c.reached[1].is_none(), "the day before the window does not");
        assert!(c.reached[2].is_some(), "the day of the map counts");
        assert!(
            c.reached[3].is_none(),
            "a touch after the day of the map does not"
        );
        assert_eq!(
            c.gaps,
            [
                Gap::NotReached(BuyingRole::EconomicBuyer),
                Gap::NotReached(BuyingRole::TechnicalEvaluator)
            ]
        );
        assert_eq!(c.key_roles_covered(), 2);
    }

    #[test]
    fn the_latest_touch_says_when_and_by_whom_and_every_touch_in_the_window_is_counted() {
        let contacts = full_group();
        let touches = [
            touch("c1", "2026-05-01", "p9"),
            touch("c1", "2026-06-10", "p7"),
            touch("c1", "2026-06-10", "p3"),
            touch("c1", "2026-01-10", "p1"),
        ];
        let c = coverage(&contacts, &touches, day("2026-06-30"));
        let r = c.reached[0].as_ref().unwrap();
        assert_eq!(r.last, day("2026-06-10"));
        assert_eq!(r.by, "p3", "on a tie the smallest person id");
        assert_eq!(r.touches, 3);
        assert_eq!(c.reached_count(), 1);
    }

    #[test]
    fn touches_of_contacts_of_other_accounts_are_ignored() {
        let contacts = full_group();
        let touches = [touch("elsewhere", "2026-06-01", "p1")];
        let c = coverage(&contacts, &touches, day("2026-06-30"));
        assert_eq!(c.reached_count(), 0);
        assert_eq!(c.gaps.len(), 4);
        assert!(c.gaps.iter().all(|g| matches!(g, Gap::NotReached(_))));
    }

    #[test]
    fn an_account_without_contacts_has_every_key_role_unmapped() {
        let c = coverage(&[], &[touch("c1", "2026-06-01", "p1")], day("2026-06-30"));
        assert_eq!(
            c.gaps,
            KEY_ROLES
                .iter()
                .map(|&r| Gap::NotMapped(r))
                .collect::<Vec<_>>()
        );
        assert!(c.reached.is_empty());
        assert_eq!(c.roles.len(), BuyingRole::ALL.len());
    }

    proptest::proptest! {
        #[test]
        fn coverage_agrees_with_counting_by_hand(
            roles in proptest::collection::vec(proptest::option::of(0usize..8), 0..8),
            touches in proptest::collection::vec((0usize..10, -120i64..20, 0u8..3), 0..30),
        ) {
            let on = day("2026-06-30");
            let contacts: Vec<Contact> = roles
                .iter()
                .enumerate()
                .map(|(i, r)| contact(&format!("c{i}"), r.map(|r| BuyingRole::ALL[r])))
                .collect();
            // Contact numbers past the list stand for another account's contacts.
            let touches: Vec<Touch> = touches
                .iter()
                .map(|&(c, d, p)| Touch {
                    contact_id: format!("c{c}"),
                    date: on + chrono::Duration::days(d),
                    person_id: format!("p{p}"),
                })
                .collect();
            let cov = coverage(&contacts, &touches, on);
            for (i, c) in contacts.iter().enumerate() {
                let inside: Vec<&Touch> = touches
                    .iter()
                    .filter(|t| t.contact_id == c.contact_id && t.date <= on && (on - t.date).num_days() < 90)
                    .collect();
                let last = inside.iter().map(|t| t.date).max();
                proptest::prop_assert_eq!(cov.reached[i].as_ref().map(|r| r.last), last);
                proptest::prop_assert_eq!(cov.reached[i].as_ref().map_or(0, |r| r.touches as usize), inside.len());
            }
            for key in KEY_ROLES {
                let holders: Vec<usize> = (0..contacts.len()).filter(|&i| contacts[i].buying_role == Some(key)).collect();
                let reached = holders.iter().any(|&i| cov.reached[i].is_some());
                let expected = if holders.is_empty() {
                    Some(Gap::NotMapped(key))
                } else if reached {
                    None
                } else {
                    Some(Gap::NotReached(key))
                };
                let found = cov.gaps.iter().find(|g| matches!(g, Gap::NotMapped(r) | Gap::NotReached(r) if *r == key));
                proptest::prop_assert_eq!(found, expected.as_ref());
            }
            proptest::prop_assert!(cov.key_roles_covered() <= KEY_ROLES.len());
        }
    }

    #[test]
    fn roles_not_mapped_and_blockers_not_engaged_are_gaps_and_other_roles_are_not() {
        let contacts = vec![
            contact("c1", Some(BuyingRole::DecisionMaker)),
            contact("c2", Some(BuyingRole::Champion)),
            contact("c3", Some(BuyingRole::Champion)),
            contact("c4", Some(BuyingRole::Blocker)),
            contact("c5", Some(BuyingRole::Blocker)),
            contact("c6", Some(BuyingRole::User)),
            contact("c7", None),
        ];
        let touches = [
            touch("c1", "2026-06-01", "p1"),
            touch("c3", "2026-06-01", "p1"),
            touch("c5", "2026-06-01", "p1"),
        ];
        let c = coverage(&contacts, &touches, day("2026-06-30"));
        assert_eq!(
            c.gaps,
            [
                Gap::NotMapped(BuyingRole::EconomicBuyer),
                Gap::NotMapped(BuyingRole::TechnicalEvaluator),
                Gap::BlockerNotEngaged(3),
            ]
        );
        let champion = c.role(BuyingRole::Champion).unwrap();
        assert_eq!(
            (champion.contacts.clone(), champion.reached),
            (vec![1, 2], 1)
        );
        assert_eq!(c.role(BuyingRole::User).unwrap().reached, 0);
        assert_eq!(
            c.gaps[0].describe(|_| String::new()),
            "no economic buyer mapped"
        );
        assert_eq!(
            c.gaps[2].describe(|i| contacts[i].contact_id.clone()),
            "blocker c4 not engaged in 90 days"
        );
    }
}
