//! The organisation: the territory tree (company → [areas →] regions → districts → territories),
//! the people who cover it (an executive, sales operations, directors, managers with six to ten
//! reps each), their jobs, hires, leavers and the mid-year reorganisations of `reporting.csv`.

use super::Ctx;
use super::dice::Dice;
use super::names::{self, AREAS, FIRST, INDUSTRIES, LAST, SEGMENTS};
use super::writer::IdKind;
use attain_domain::vocab::Role;
use std::io;

/// The fewest people a generated company can have.
pub const MIN_PEOPLE: u32 = 10;

/// A leaf territory's customers.
pub struct Leaf {
    /// Index into `SEGMENTS`.
    pub segment: usize,
    /// Two industries (indexes into `INDUSTRIES`) the territory focuses on.
    pub industries: [usize; 2],
    /// The country of its accounts.
    pub country: &'static str,
}

/// One node of the territory tree.
pub struct Territory {
    pub id: String,
    pub name: String,
    pub parent: Option<usize>,
    pub market: String,
    /// Set for leaves, which hold accounts and reps.
    pub leaf: Option<Leaf>,
}

/// One person.
pub struct Person {
    pub first: &'static str,
    pub last: &'static str,
    /// A number added to the email when first and last names repeat.
    pub email_suffix: u32,
    pub role: Role,
    pub job: Option<&'static str>,
    /// The current manager (`people.manager_id`).
    pub manager: Option<usize>,
    /// The manager on the first day of the year (differs for people moved by a reorganisation).
    pub manager_at_start: Option<usize>,
    /// The current home territory.
    pub territory: usize,
    /// Hire day (days from the first day of the year; negative before it).
    pub hire: i32,
    /// Last day of employment, for leavers.
    pub end: Option<i32>,
}

/// A rep, with what the rest of the generator needs about them.
pub struct Rep {
    /// Index into `Org::people`.
    pub person: usize,
    /// The leaf territory the rep's accounts start in.
    pub leaf: usize,
    /// The district the rep started the year in.
    pub district: usize,
    /// How well the rep sells, per mille of a typical rep (drives their share of transactions).
    pub perf: u64,
    /// First and last active day within the year (inclusive).
    pub lo: i32,
    pub hi: i32,
    /// A move to another district: the day and the new leaf territory.
    pub moved: Option<(i32, usize)>,
}

/// A district: one manager's team.
pub struct District {
    pub manager: usize,
    pub territory: usize,
    pub leaves: Vec<usize>,
    /// Reps (indexes into `Org::reps`) who started the year here.
    pub reps: std::ops::Range<usize>,
}

/// The whole organisation.
pub struct Org {
    pub company: String,
    pub domain: String,
    pub territories: Vec<Territory>,
    pub people: Vec<Person>,
    pub person_ids: IdKind,
    pub reps: Vec<Rep>,
    pub districts: Vec<District>,
    /// Rows of `reporting.csv`: person, manager, start day; sorted by person then day.
    pub reporting: Vec<(usize, Option<usize>, i32)>,
}

impl Org {
    /// Returns the root territory's index.
    pub fn root(&self) -> usize {
        0
    }

    /// Returns the person number used in ids (1-based).
    pub fn person_no(&self, person: usize) -> u64 {
        person as u64 + 1
    }

    /// Returns the email of a person.
    pub fn email(&self, p: &Person) -> String {
        let suffix = if p.email_suffix > 0 {
            p.email_suffix.to_string()
        } else {
            String::new()
        };
        format!("{}.{}{suffix}@{}", p.first, p.last, self.domain).to_ascii_lowercase()
    }
}

/// How many of each level a company of `people` has.
struct Shape {
    ops: usize,
    districts: usize,
    regions: usize,
    /// The regions of each area; empty when the regions sit right under the company.
    areas: Vec<std::ops::Range<usize>>,
    reps: usize,
}

fn shape(people: u32) -> Shape {
    let n = people.max(MIN_PEOPLE) as usize;
    let ops = 1 + n / 2000;
    let rest = n - 1 - ops;
    let districts = ((rest * 10 + 46) / 93).max(1);
    let regions = if districts < 4 {
        1
    } else {
        districts.div_ceil(6).max(2)
    };
    let areas = if regions > 8 {
        area_runs(regions)
    } else {
        Vec::new()
    };
    let reps = rest - districts - regions - areas.len();
    Shape {
        ops,
        districts,
        regions,
        areas,
        reps,
    }
}

/// Groups regions (which take the region templates in turn) into areas: each run of regions
/// whose templates belong to one area of the world, within one turn of the templates.
fn area_runs(regions: usize) -> Vec<std::ops::Range<usize>> {
    let templates = names::region_templates();
    let key = |r: usize| (r / templates.len(), templates[r % templates.len()].0);
    let mut runs: Vec<std::ops::Range<usize>> = Vec::new();
    for r in 0..regions {
        match runs.last_mut() {
            Some(run) if key(run.start) == key(r) => run.end = r + 1,
            _ => runs.push(r..r + 1),
        }
    }
    runs
}

/// Splits `n` items into `parts` contiguous ranges as evenly as possible.
fn spread(n: usize, parts: usize) -> Vec<std::ops::Range<usize>> {
    (0..parts)
        .map(|i| i * n / parts..(i + 1) * n / parts)
        .collect()
}

/// Adds a number to names that repeat in the list ("EMEA 1", "EMEA 2"), leaving unique ones alone.
fn number_repeats(names: &mut [String]) {
    let originals = names.to_vec();
    let mut seen: Vec<(String, usize)> = Vec::new();
    for (i, name) in names.iter_mut().enumerate() {
        let total = originals.iter().filter(|n| **n == originals[i]).count();
        if total > 1 {
            let k = match seen.iter_mut().find(|(n, _)| *n == originals[i]) {
                Some((_, k)) => {
                    *k += 1;
                    *k
                }
                None => {
                    seen.push((originals[i].clone(), 1));
                    1
                }
            };
            *name = format!("{} {k}", originals[i]);
        }
    }
}

/// Hands out people's names: a seeded bijection over first × last names, so names repeat only
/// once every combination is used.
struct Namer {
    mult: u64,
    add: u64,
    next: u64,
}

impl Namer {
    fn new(dice: &mut Dice) -> Namer {
        let k = (FIRST.len() * LAST.len()) as u64;
        let gcd = |mut a: u64, mut b: u64| {
            while b != 0 {
                (a, b) = (b, a % b);
            }
            a
        };
        let mut mult = dice.range(1, k as i64 - 1) as u64;
        while gcd(mult, k) != 1 {
            mult += 1;
        }
        Namer {
            mult,
            add: dice.below(k),
            next: 0,
        }
    }

    fn take(&mut self) -> (&'static str, &'static str, u32) {
        let k = (FIRST.len() * LAST.len()) as u64;
        let i = self.next;
        self.next += 1;
        let x = (i % k * self.mult + self.add) % k;
        (
            FIRST[(x / LAST.len() as u64) as usize],
            LAST[(x % LAST.len() as u64) as usize],
            (i / k) as u32,
        )
    }
}

/// Builds the organisation top-down, handing out people and territories in the order their ids
/// are numbered.
struct Builder {
    dice: Dice,
    namer: Namer,
    year_len: i32,
    territories: Vec<Territory>,
    people: Vec<Person>,
    reps: Vec<Rep>,
    districts: Vec<District>,
    district_ids: IdKind,
    leaf_ids: IdKind,
    leaf_count: u64,
}

impl Builder {
    /// Adds a territory and returns its index.
    fn territory(
        &mut self,
        id: String,
        name: String,
        parent: usize,
        market: String,
        leaf: Option<Leaf>,
    ) -> usize {
        self.territories.push(Territory {
            id,
            name,
            parent: Some(parent),
            market,
            leaf,
        });
        self.territories.len() - 1
    }

    /// Adds a person hired on a day of `hired` and returns their index.
    fn person(
        &mut self,
        role: Role,
        job: Option<&'static str>,
        manager: Option<usize>,
        territory: usize,
        hired: (i32, i32),
    ) -> usize {
        let (first, last, email_suffix) = self.namer.take();
        let hire = self.dice.range(i64::from(hired.0), i64::from(hired.1)) as i32;
        self.people.push(Person {
            first,
            last,
            email_suffix,
            role,
            job,
            manager,
            manager_at_start: manager,
            territory,
            hire,
            end: None,
        });
        self.people.len() - 1
    }

    /// Adds district `d` (a manager and `team` reps in one to a few leaf territories) under
    /// `region`, led by `director`.
    fn district(
        &mut self,
        d: usize,
        name: &str,
        city: (&str, &'static str),
        region: usize,
        director: usize,
        team: usize,
    ) {
        let id = self.district_ids.text(d as u64 + 1);
        let district = self.territory(
            id,
            name.to_owned(),
            region,
            format!("All segments in the {} area", city.0),
            None,
        );
        let manager = self.person(
            Role::Manager,
            Some("sales_manager"),
            Some(director),
            district,
            (-2900, -200),
        );
        let n_leaves = (team / 4).max(1);
        let mut segments: Vec<usize> = (0..SEGMENTS.len()).collect();
        self.dice.shuffle(&mut segments);
        let mut leaves = Vec::with_capacity(n_leaves);
        for segment in segments.into_iter().take(n_leaves) {
            let industries = INDUSTRIES.len();
            let first = self.dice.index(industries);
            let second = (first + 1 + self.dice.index(industries - 1)) % industries;
            let (seg, lo, hi, _) = SEGMENTS[segment];
            let market = format!(
                "{seg} accounts of {lo} to {hi} employees in {} and {}",
                INDUSTRIES[first].0, INDUSTRIES[second].0
            );
            let leaf = Leaf {
                segment,
                industries: [first, second],
                country: city.1,
            };
            let id = self.leaf_ids.text(self.leaf_count + 1);
            self.leaf_count += 1;
            leaves.push(self.territory(id, format!("{name} {seg}"), district, market, Some(leaf)));
        }
        let first_rep = self.reps.len();
        for i in 0..team {
            let leaf = leaves[i * n_leaves / team];
            let segment = self.territories[leaf]
                .leaf
                .as_ref()
                .map_or(0, |l| l.segment);
            // Reps of the large segments look after installed accounts; the others hunt.
            let job = if matches!(SEGMENTS[segment].0, "Enterprise" | "Strategic") {
                "am"
            } else {
                "ae"
            };
            let person = self.person(Role::Rep, Some(job), Some(manager), leaf, (-2200, -15));
            let perf = 500 + self.dice.below(501) + self.dice.below(501);
            let hi = self.year_len - 1;
            self.reps.push(Rep {
                person,
                leaf,
                district: d,
                perf,
                lo: 0,
                hi,
                moved: None,
            });
        }
        self.districts.push(District {
            manager,
            territory: district,
            leaves,
            reps: first_rep..self.reps.len(),
        });
    }
}

/// Builds the organisation for the options' number of people.
pub fn build(ctx: &Ctx) -> Org {
    let mut dice = ctx.dice(1);
    let s = shape(ctx.options.people);
    let company_word = dice.pick(names::COMPANY_PREFIX);
    let company_kind = dice.pick(&["Software", "Systems", "Cloud", "Technologies", "Analytics"]);
    let company = format!("{company_word} {company_kind}");
    let domain = format!(
        "{}.example",
        company_word.replace(' ', "").to_ascii_lowercase()
    );
    let namer = Namer::new(&mut dice);

    // Team sizes: even, then jittered within six to ten reps where the numbers allow.
    let mut team: Vec<usize> = spread(s.reps, s.districts)
        .iter()
        .map(|r| r.len())
        .collect();
    for _ in 0..team.len() * 2 {
        let (i, j) = (dice.index(team.len()), dice.index(team.len()));
        if i != j && team[i] > 6 && team[j] < 10 {
            team[i] -= 1;
            team[j] += 1;
        }
    }
    let region_districts = spread(s.districts, s.regions);
    // Without areas, all regions form one group under the company.
    let area_regions: Vec<std::ops::Range<usize>> = if s.areas.is_empty() {
        std::iter::once(0..s.regions).collect()
    } else {
        s.areas.clone()
    };
    let templates = names::region_templates();
    let mut area_names: Vec<String> = area_regions
        .iter()
        .map(|rs| AREAS[templates[rs.start % templates.len()].0].0.to_owned())
        .collect();
    number_repeats(&mut area_names);
    let mut region_names: Vec<String> = (0..s.regions)
        .map(|r| templates[r % templates.len()].1.0.to_owned())
        .collect();
    number_repeats(&mut region_names);
    let (area_ids, region_ids, district_ids) = (
        IdKind::new("GE", s.areas.len() as u64, 2),
        IdKind::new("RE", s.regions as u64, 3),
        IdKind::new("DI", s.districts as u64, 4),
    );

    let mut b = Builder {
        dice,
        namer,
        year_len: ctx.days.year_len(),
        territories: vec![Territory {
            id: "CO".into(),
            name: company.clone(),
            parent: None,
            market: "Mid-sized and large companies in every industry, worldwide".into(),
            leaf: None,
        }],
        people: Vec::with_capacity(s.reps + s.districts * 2),
        reps: Vec::with_capacity(s.reps),
        districts: Vec::with_capacity(s.districts),
        district_ids,
        leaf_ids: IdKind::new("TR", team.iter().map(|k| (k / 4).max(1) as u64).sum(), 5),
        leaf_count: 0,
    };
    let exec = b.person(Role::Executive, Some("cro"), None, 0, (-3650, -730));
    for _ in 0..s.ops {
        b.person(Role::SalesOps, None, Some(exec), 0, (-2900, -60));
    }
    for (a, regions) in area_regions.iter().enumerate() {
        // Areas only above eight regions: smaller companies have regions under the company.
        let (area, area_head) = if !s.areas.is_empty() {
            let market = format!("Customers across {}", area_names[a]);
            let t = b.territory(
                area_ids.text(a as u64 + 1),
                area_names[a].clone(),
                0,
                market,
                None,
            );
            (
                t,
                b.person(
                    Role::Director,
                    Some("vp_sales"),
                    Some(exec),
                    t,
                    (-3300, -365),
                ),
            )
        } else {
            (0, exec)
        };
        for r in regions.clone() {
            let cities = templates[r % templates.len()].1.1;
            let market = format!("Customers across the {} region", region_names[r]);
            let region = b.territory(
                region_ids.text(r as u64 + 1),
                region_names[r].clone(),
                area,
                market,
                None,
            );
            let director = b.person(
                Role::Director,
                Some("sales_director"),
                Some(area_head),
                region,
                (-3000, -365),
            );
            let mut district_names: Vec<String> = (0..region_districts[r].len())
                .map(|j| cities[j % cities.len()].0.to_owned())
                .collect();
            number_repeats(&mut district_names);
            for (j, d) in region_districts[r].clone().enumerate() {
                b.district(
                    d,
                    &district_names[j],
                    cities[j % cities.len()],
                    region,
                    director,
                    team[d],
                );
            }
        }
    }

    let mut org = Org {
        company,
        domain,
        territories: b.territories,
        people: b.people,
        person_ids: IdKind::new("P", u64::from(ctx.options.people.max(MIN_PEOPLE)), 5),
        reps: b.reps,
        districts: b.districts,
        reporting: Vec::new(),
    };
    reorganise(&mut org, ctx, &mut b.dice);
    org
}

/// Hires, leavers, star and struggling reps, and the year's reorganisations.
fn reorganise(org: &mut Org, ctx: &Ctx, dice: &mut Dice) {
    let days = &ctx.days;
    let n = org.reps.len();
    let mut order: Vec<usize> = (0..n).collect();
    dice.shuffle(&mut order);
    let hires = (n * 3 / 100).max(2).min(n / 3);
    let leavers = (n / 50).max(2).min(n / 3);
    let movers = if org.districts.len() > 1 {
        (n / 50).max(2).min(n / 4)
    } else {
        0
    };
    // Hires and leavers happen by today (`until`), however early in the year that is.
    let by_today = |day: i32| i64::from(day.min(ctx.today));
    let mut next = order.into_iter();
    for r in next.by_ref().take(hires) {
        let day = dice.range(
            by_today(days.month_start(2)),
            by_today(days.month_start(10) - 1),
        ) as i32;
        org.people[org.reps[r].person].hire = day;
        org.reps[r].lo = day;
    }
    for r in next.by_ref().take(leavers) {
        let day = dice.range(
            by_today(days.month_start(4)),
            by_today(days.month_start(12) - 1),
        ) as i32;
        org.people[org.reps[r].person].end = Some(day);
        org.reps[r].hi = day;
    }
    let move_days = [
        days.month_start(4),
        days.month_start(7),
        days.month_start(10),
    ];
    let mut reporting = Vec::new();
    for r in next.by_ref().take(movers) {
        let from = org.reps[r].district;
        let region_of = |d: usize| org.territories[org.districts[d].territory].parent;
        let same_region: Vec<usize> = (0..org.districts.len())
            .filter(|&d| d != from && region_of(d) == region_of(from))
            .collect();
        let to = if same_region.is_empty() {
            (from + 1 + dice.index(org.districts.len() - 1)) % org.districts.len()
        } else {
            dice.pick(&same_region)
        };
        let day = dice.pick(&move_days);
        let leaf = dice.pick(&org.districts[to].leaves);
        let p = org.reps[r].person;
        let (old, new) = (org.districts[from].manager, org.districts[to].manager);
        org.people[p].manager = Some(new);
        org.people[p].territory = leaf;
        org.reps[r].moved = Some((day, leaf));
        reporting.push((p, Some(old), org.people[p].hire));
        reporting.push((p, Some(new), day));
    }
    // The first rep left over far ahead of plan, the next one falling behind.
    if let Some(r) = next.next() {
        org.reps[r].perf = 1_900;
    }
    if let Some(r) = next.next() {
        org.reps[r].perf = 350;
    }
    // A few managers change director in the middle of the year.
    let directors: Vec<usize> = org
        .people
        .iter()
        .enumerate()
        .filter(|(_, p)| p.job == Some("sales_director"))
        .map(|(i, _)| i)
        .collect();
    if directors.len() > 1 {
        let mut ds: Vec<usize> = (0..org.districts.len()).collect();
        dice.shuffle(&mut ds);
        for d in ds.into_iter().take((org.districts.len() / 100).max(1)) {
            let m = org.districts[d].manager;
            let Some(old) = org.people[m].manager else {
                continue;
            };
            let others: Vec<usize> = directors.iter().copied().filter(|&x| x != old).collect();
            let new = dice.pick(&others);
            let day = days.month_start(7);
            org.people[m].manager = Some(new);
            reporting.push((m, Some(old), org.people[m].hire));
            reporting.push((m, Some(new), day));
        }
    }
    reporting.sort_by_key(|&(p, _, day)| (p, day));
    org.reporting = reporting;
}

/// One expectation of a job: metric, comparison, threshold (millionths), period.
type Expectation = (&'static str, &'static str, u64, &'static str);

/// The job descriptions: id, title, mission, expectations.
#[rustfmt::skip]
const JOBS: &[(&str, &str, &str, &[Expectation])] = &[
    ("ae", "Account Executive", "Win new logos and grow bookings in the territory", &[
        ("bookings_attainment", ">=", 1_000_000, "quarter"),
        ("meetings", ">=", 2_000_000, "month"),
        ("calls", ">=", 2_000_000, "month"),
        ("new_opportunities", ">=", 2_000_000, "month"),
        ("pipeline_coverage", ">=", 3_000_000, "quarter"),
        ("win_rate", ">=", 250_000, "quarter"),
    ]),
    ("am", "Account Manager", "Grow revenue and margin across the installed base", &[
        ("revenue_attainment", ">=", 1_000_000, "quarter"),
        ("margin_attainment", ">=", 950_000, "quarter"),
        ("meetings", ">=", 1_000_000, "month"),
        ("activities", ">=", 2_000_000, "week"),
        ("pipeline_coverage", ">=", 2_500_000, "quarter"),
    ]),
    ("sales_manager", "Sales Manager", "Coach the team to plan and keep the pipeline honest", &[
        ("bookings_attainment", ">=", 1_000_000, "quarter"),
        ("revenue_attainment", ">=", 1_000_000, "quarter"),
        ("coaching_sessions", ">=", 2_000_000, "month"),
        ("pipeline_coverage", ">=", 3_000_000, "quarter"),
        ("win_rate", ">=", 250_000, "quarter"),
    ]),
    ("sales_director", "Sales Director", "Deliver the region's plan through its managers", &[
        ("bookings_attainment", ">=", 1_000_000, "year"),
        ("revenue_attainment", ">=", 1_000_000, "year"),
        ("margin_attainment", ">=", 1_000_000, "year"),
        ("coaching_sessions", ">=", 1_000_000, "month"),
    ]),
    ("vp_sales", "Vice President of Sales", "Lead an area's regions to the company plan", &[
        ("bookings_attainment", ">=", 1_000_000, "year"),
        ("revenue_attainment", ">=", 1_000_000, "year"),
        ("margin_attainment", ">=", 1_000_000, "year"),
    ]),
    ("cro", "Chief Revenue Officer", "Deliver the company's revenue plan profitably", &[
        ("bookings_attainment", ">=", 1_000_000, "year"),
        ("revenue_attainment", ">=", 1_000_000, "year"),
        ("margin_attainment", ">=", 1_000_000, "year"),
    ]),
];

/// Writes settings, territories, jobs, people and reporting.
pub fn write(org: &Org, ctx: &Ctx) -> io::Result<()> {
    let mut f = ctx.file("settings", 5)?;
    for (k, v) in [
        ("company_name", org.company.as_str()),
        ("currency", "USD"),
        ("fiscal_year_start_month", "1"),
        ("fiscal_year_named_by", "start"),
        ("coaching_cadence_days", "30"),
    ] {
        f.text(k).text(v);
        f.end()?;
    }
    f.finish()?;

    let mut f = ctx.file("territories", org.territories.len() as u64)?;
    for t in &org.territories {
        f.text(&t.id).text(&t.name);
        match t.parent {
            Some(p) => f.text(&org.territories[p].id),
            None => f.empty(),
        };
        f.text(&t.market);
        f.end()?;
    }
    f.finish()?;

    let mut f = ctx.file("jobs", 30)?;
    for (id, title, mission, rows) in JOBS {
        for (metric, comparison, threshold, per) in *rows {
            f.text(id)
                .text(title)
                .text(mission)
                .text(metric)
                .text(comparison)
                .ratio(*threshold)
                .text(per);
            f.end()?;
        }
    }
    f.finish()?;

    let ids = org.person_ids;
    let mut f = ctx.file("people", org.people.len() as u64)?;
    for (i, p) in org.people.iter().enumerate() {
        f.id(ids, org.person_no(i))
            .text(&format!("{} {}", p.first, p.last))
            .text(&org.email(p));
        f.text(p.role.as_str());
        match p.job {
            Some(j) => f.text(j),
            None => f.empty(),
        };
        f.opt_id(ids, p.manager.map(|m| org.person_no(m)))
            .text(&org.territories[p.territory].id);
        f.word(ctx.days.text(p.hire));
        match p.end {
            Some(e) => f.word(ctx.days.text(e)),
            None => f.empty(),
        };
        f.end()?;
    }
    f.finish()?;

    let mut f = ctx.file("reporting", org.reporting.len() as u64)?;
    for &(p, m, day) in &org.reporting {
        f.id(ids, org.person_no(p))
            .opt_id(ids, m.map(|m| org.person_no(m)))
            .word(ctx.days.text(day));
        f.end()?;
    }
    f.finish()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn shapes_add_up_to_the_people_asked_for() {
        for n in [10, 11, 17, 25, 60, 137, 1_000, 10_000, 100_000] {
            let s = shape(n);
            assert_eq!(
                1 + s.ops + s.areas.len() + s.regions + s.districts + s.reps,
                n as usize,
                "{n}"
            );
            assert!(s.reps >= s.districts, "{n}: every district has a rep");
            assert!(s.regions <= s.districts);
        }
        let s = shape(10_000);
        assert!((6..=10).contains(&(s.reps / s.districts)));
        assert!(!s.areas.is_empty());
        assert_eq!(s.areas.iter().map(|a| a.len()).sum::<usize>(), s.regions);
        assert_eq!(
            area_runs(20).len(),
            5,
            "a second turn of the templates starts a new area"
        );
    }

    #[test]
    fn repeated_names_are_numbered() {
        let mut names = vec!["A".to_owned(), "B".to_owned(), "A".to_owned()];
        number_repeats(&mut names);
        assert_eq!(names, ["A 1", "B", "A 2"]);
    }
}
