//! Compensation for the year: three plans (a commission plan for account executives, a payout
//! curve plan for account managers, a leadership plan for managers and above), their tiers and
//! curves, one assignment per rep and leader, a handful of manual adjustments, and an empty
//! `paid.csv` (no month is locked yet).

use super::Ctx;
use super::org::Org;
use attain_domain::vocab::Role;
use std::io;

/// A plan component: name, metric, method, period, weight (millionths), cap (cents).
type Component = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    Option<u64>,
    Option<i64>,
);

/// A commission band: from, to (`None`: no bound), rate; all in millionths.
type Band = (u64, Option<u64>, u64);

/// The plans: id stem (the id is `stem-YEAR`), name, components.
#[rustfmt::skip]
const PLANS: &[(&str, &str, &[Component])] = &[
    ("ae", "Account Executive", &[
        ("bookings", "bookings", "commission", "year", None, None),
        ("margin", "margin", "commission", "quarter", None, Some(1_500_000)),
    ]),
    ("am", "Account Manager", &[
        ("revenue", "revenue", "payout_curve", "quarter", Some(600_000), None),
        ("margin", "margin", "payout_curve", "year", Some(400_000), Some(4_000_000)),
    ]),
    ("lead", "Sales Leadership", &[
        ("bookings", "bookings", "payout_curve", "quarter", Some(500_000), None),
        ("revenue", "revenue", "payout_curve", "year", Some(300_000), None),
        ("margin", "margin", "payout_curve", "year", Some(200_000), None),
    ]),
];

/// Commission bands of each commission component: plan stem, component, bands.
#[rustfmt::skip]
const TIERS: &[(&str, &str, &[Band])] = &[
    ("ae", "bookings", &[
        (0, Some(500_000), 20_000),
        (500_000, Some(1_000_000), 50_000),
        (1_000_000, Some(1_500_000), 80_000),
        (1_500_000, None, 100_000),
    ]),
    ("ae", "margin", &[(0, Some(1_000_000), 30_000), (1_000_000, None, 50_000)]),
];

/// A point of a payout curve: attainment and payout, in millionths.
type Point = (u64, u64);

/// Payout curves: plan stem, component, points.
#[rustfmt::skip]
const CURVES: &[(&str, &str, &[Point])] = &[
    ("am", "revenue", &[(500_000, 0), (800_000, 500_000), (1_000_000, 1_000_000), (1_200_000, 1_500_000), (1_500_000, 2_000_000)]),
    ("am", "margin", &[(700_000, 0), (1_000_000, 1_000_000), (1_300_000, 1_600_000)]),
    ("lead", "bookings", &[(600_000, 0), (900_000, 700_000), (1_000_000, 1_000_000), (1_250_000, 1_500_000)]),
    ("lead", "revenue", &[(500_000, 0), (1_000_000, 1_000_000), (1_500_000, 1_750_000)]),
    ("lead", "margin", &[(500_000, 0), (1_000_000, 1_000_000), (1_500_000, 1_500_000)]),
];

/// Manual adjustments: amount in cents and reason.
#[rustfmt::skip]
const ADJUSTMENTS: &[(i64, &str)] = &[
    (50_000, "SPIFF: new logo in a focus industry"),
    (25_000, "SPIFF: multi-year renewal"),
    (-12_000, "Recovery of an advance on a cancelled order"),
    (30_000, "Correction: split credit missed in an earlier month"),
    (100_000, "President's club accelerator"),
    (-7_550, "Correction: duplicate credit on a revenue row"),
];

/// A generated adjustment that pays a SPIFF, for the recognition that awards it.
pub struct Spiff {
    /// The adjustment's id.
    pub adjustment_id: String,
    /// Index into `Org::people`.
    pub person: usize,
    /// The fiscal month it is paid in.
    pub month: usize,
    /// In cents.
    pub amount: i64,
    /// The adjustment's reason (`SPIFF: …`).
    pub reason: &'static str,
}

/// Writes plans, tiers, curves, assignments, paid and adjustments; returns the SPIFFs among the
/// adjustments.
pub fn write(org: &Org, ctx: &Ctx) -> io::Result<Vec<Spiff>> {
    let year = i64::from(ctx.days.year());
    let plan_id = |stem: &str| format!("{stem}-{year}");

    let mut f = ctx.file("plans", 7)?;
    for (stem, name, components) in PLANS {
        for (component, metric, method, period, weight, cap) in *components {
            f.text(&plan_id(stem))
                .text(&format!("{name} {year}"))
                .int(year)
                .text(component);
            f.text(metric).text(method).text(period);
            match weight {
                Some(w) => f.ratio(*w),
                None => f.empty(),
            };
            match cap {
                Some(c) => f.money(*c),
                None => f.empty(),
            };
            f.end()?;
        }
    }
    f.finish()?;

    let mut f = ctx.file("plan_tiers", 6)?;
    for (stem, component, bands) in TIERS {
        for (from, to, rate) in *bands {
            f.text(&plan_id(stem)).text(component).ratio(*from);
            match to {
                Some(t) => f.ratio(*t),
                None => f.empty(),
            };
            f.ratio(*rate);
            f.end()?;
        }
    }
    f.finish()?;

    let mut f = ctx.file("plan_curve", 18)?;
    for (stem, component, points) in CURVES {
        for (attainment, payout) in *points {
            f.text(&plan_id(stem))
                .text(component)
                .ratio(*attainment)
                .ratio(*payout);
            f.end()?;
        }
    }
    f.finish()?;

    let mut dice = ctx.dice(7);
    let ids = org.person_ids;
    let mut f = ctx.file("plan_assignments", org.people.len() as u64)?;
    for (i, p) in org.people.iter().enumerate() {
        // Target incentive in thousands of dollars, for plans paid on a curve.
        let (stem, incentive) = match (p.role, p.job) {
            (Role::SalesOps, _) => continue,
            (Role::Rep, Some("ae")) => ("ae", None),
            (Role::Rep, _) => ("am", Some(dice.range(30, 60))),
            (Role::Manager, _) => ("lead", Some(dice.range(40, 60))),
            (Role::Director, Some("vp_sales")) => ("lead", Some(dice.range(110, 150))),
            (Role::Director, _) => ("lead", Some(dice.range(70, 100))),
            (Role::Executive, _) => ("lead", Some(250)),
        };
        f.id(ids, org.person_no(i)).text(&plan_id(stem)).int(year);
        match incentive {
            Some(k) => f.money(k * 100_000),
            None => f.empty(),
        };
        f.end()?;
    }
    f.finish()?;

    ctx.file("paid", 0)?.finish()?;

    let earners: Vec<usize> = org
        .people
        .iter()
        .enumerate()
        .filter(|(_, p)| matches!(p.role, Role::Rep | Role::Manager))
        .map(|(i, _)| i)
        .collect();
    let count = 5 + org.people.len() / 500;
    let adjustment_ids = super::writer::IdKind::new("ADJ", count as u64, 4);
    let mut f = ctx.file("adjustments", count as u64)?;
    let mut spiffs = Vec::new();
    for n in 0..count {
        let (amount, reason) = dice.pick(ADJUSTMENTS);
        let person = dice.pick(&earners);
        let month = dice.range(1, ctx.days.month_of(ctx.today) as i64);
        f.id(adjustment_ids, n as u64 + 1)
            .id(ids, org.person_no(person));
        f.int(year).int(month).money(amount).text(reason);
        f.end()?;
        if reason.starts_with("SPIFF") {
            spiffs.push(Spiff {
                adjustment_id: adjustment_ids.text(n as u64 + 1),
                person,
                month: month as usize,
                amount,
                reason,
            });
        }
    }
    f.finish()?;
    Ok(spiffs)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn tiers_are_contiguous_from_zero_and_curves_never_fall() {
        for (_, _, bands) in TIERS {
            assert_eq!(bands[0].0, 0);
            for w in bands.windows(2) {
                assert_eq!(w[0].1, Some(w[1].0));
            }
            assert_eq!(bands.last().unwrap().1, None);
        }
        for (_, _, points) in CURVES {
            assert!(points.len() >= 2);
            assert!(
                points
                    .windows(2)
                    .all(|w| w[0].0 < w[1].0 && w[0].1 <= w[1].1)
            );
        }
        for (stem, _, components) in PLANS {
            let curve_weights: u64 = components.iter().filter_map(|c| c.4).sum();
            assert!(curve_weights == 0 || curve_weights == 1_000_000, "{stem}");
        }
    }
}
