//! Finding sales records: the filters of the lists and of the API, turned into one SQL condition
//! on the record's table (aliased `x`) that also keeps to what the viewer may see.

use super::Entity;
use super::fields::Invalid;
use super::pipeline;
use crate::Viewer;
use crate::pages::people::like_pattern;
use attain_domain::vocab::Outcome;
use attain_domain::{Date, parse_date};
use attain_store::{Executor, StoreResult, Value};

/// The filters a list may take; each applies where the kind of record has the column.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct Filter {
    /// Text in the name, subject or id.
    #[serde(default)]
    pub q: String,
    /// The owner (accounts, opportunities) or person (activities).
    #[serde(default)]
    pub owner: String,
    /// The account (contacts, opportunities, activities).
    #[serde(default)]
    pub account_id: String,
    /// The opportunity (activities).
    #[serde(default)]
    pub opportunity_id: String,
    /// The stage (opportunities).
    #[serde(default)]
    pub stage: String,
    /// The forecast category (opportunities).
    #[serde(default)]
    pub forecast_category: String,
    /// `open`, `closed`, `won` or `lost` (opportunities).
    #[serde(default)]
    pub status: String,
    /// The activity type.
    #[serde(default, rename = "type")]
    pub kind: String,
    /// From this date (close date of opportunities, date of activities), inclusive.
    #[serde(default)]
    pub from: String,
    /// To this date, inclusive.
    #[serde(default)]
    pub to: String,
    /// The page, from 1.
    pub page: Option<i64>,
}

fn date(field: &str, s: &str) -> Result<Option<Date>, Invalid> {
    match s.trim() {
        "" => Ok(None),
        t => parse_date(t)
            .map(Some)
            .map_err(|e| Invalid::new(field, e.to_string())),
    }
}

/// Returns the SQL condition of accounts `a` the viewer may see.
pub fn visible_accounts(viewer: &Viewer, args: &mut Vec<Value>) -> String {
    if viewer.sees_company() {
        return "1 = 1".into();
    }
    args.push(chrono::Utc::now().date_naive().into());
    let territory = format!(
        "COALESCE((SELECT al.territory_id FROM alignments al
         WHERE al.account_id = a.account_id AND al.start_date <= ${}
         ORDER BY al.start_date DESC LIMIT 1), a.territory_id)",
        args.len()
    );
    let t = viewer.territories().sql(&territory, args);
    let p = viewer.people().sql("a.owner_id", args);
    format!("(({t}) OR ({p}))")
}

/// Returns the condition selecting the records of `entity` (table alias `x`) that match the
/// filter and that the viewer may see, with its arguments; or the refusal of a filter.
pub fn condition(
    ex: &mut impl Executor,
    viewer: &Viewer,
    entity: Entity,
    f: &Filter,
) -> StoreResult<Result<(String, Vec<Value>), Invalid>> {
    let mut args: Vec<Value> = Vec::new();
    let mut cond: Vec<String> = Vec::new();
    let scope = match entity {
        Entity::Account => {
            let v = visible_accounts(viewer, &mut args);
            format!("x.account_id IN (SELECT a.account_id FROM accounts a WHERE {v})")
        }
        Entity::Contact => {
            let v = visible_accounts(viewer, &mut args);
            format!("x.account_id IN (SELECT a.account_id FROM accounts a WHERE {v})")
        }
        Entity::Opportunity => viewer.people().sql("x.owner_id", &mut args),
        Entity::Activity => viewer.people().sql("x.person_id", &mut args),
    };
    cond.push(scope);
    let add = |sql: &str, v: Value, args: &mut Vec<Value>, cond: &mut Vec<String>| {
        args.push(v);
        cond.push(sql.replace('?', &format!("${}", args.len())));
    };
    if !f.q.trim().is_empty() {
        let text = match entity {
            Entity::Activity => "x.subject",
            _ => "x.name",
        };
        let id = entity.key();
        add(
            &format!(
                "(LOWER(COALESCE({text}, '')) LIKE ? ESCAPE '\\' OR LOWER(x.{id}) LIKE ? ESCAPE '\\')"
            ),
            like_pattern(&f.q).into(),
            &mut args,
            &mut cond,
        );
    }
    let owner = match entity {
        Entity::Activity => Some("x.person_id"),
        Entity::Account | Entity::Opportunity => Some("x.owner_id"),
        Entity::Contact => None,
    };
    if let Some(col) = owner
        && !f.owner.trim().is_empty()
    {
        add(
            &format!("{col} = ?"),
            f.owner.trim().into(),
            &mut args,
            &mut cond,
        );
    }
    if entity != Entity::Account && !f.account_id.trim().is_empty() {
        add(
            "x.account_id = ?",
            f.account_id.trim().into(),
            &mut args,
            &mut cond,
        );
    }
    if entity == Entity::Activity && !f.opportunity_id.trim().is_empty() {
        add(
            "x.opportunity_id = ?",
            f.opportunity_id.trim().into(),
            &mut args,
            &mut cond,
        );
    }
    if entity == Entity::Activity && !f.kind.trim().is_empty() {
        add("x.type = ?", f.kind.trim().into(), &mut args, &mut cond);
    }
    if entity == Entity::Opportunity {
        if !f.stage.trim().is_empty() {
            add("x.stage = ?", f.stage.trim().into(), &mut args, &mut cond);
        }
        if !f.forecast_category.trim().is_empty() {
            add(
                "x.forecast_category = ?",
                f.forecast_category.trim().into(),
                &mut args,
                &mut cond,
            );
        }
        let wanted: &[Outcome] = match f.status.trim() {
            "" => &[],
            "open" => &[Outcome::Open],
            "closed" => &[Outcome::Won, Outcome::Lost],
            "won" => &[Outcome::Won],
            "lost" => &[Outcome::Lost],
            s => {
                return Ok(Err(Invalid::new(
                    "status",
                    format!("'{s}' is not one of open, closed, won, lost"),
                )));
            }
        };
        if !wanted.is_empty() {
            let stages = pipeline::stages(ex)?;
            let mut marks = Vec::new();
            for (s, o) in stages {
                if wanted.contains(&o) {
                    args.push(s.into());
                    marks.push(format!("${}", args.len()));
                }
            }
            cond.push(if marks.is_empty() {
                "1 = 0".into()
            } else {
                format!("x.stage IN ({})", marks.join(", "))
            });
        }
    }
    let on = match entity {
        Entity::Opportunity => Some("x.close_date"),
        Entity::Activity => Some("x.date"),
        Entity::Account | Entity::Contact => None,
    };
    if let Some(col) = on {
        match date("from", &f.from) {
            Ok(Some(d)) => add(&format!("{col} >= ?"), d.into(), &mut args, &mut cond),
            Ok(None) => {}
            Err(e) => return Ok(Err(e)),
        }
        match date("to", &f.to) {
            Ok(Some(d)) => add(&format!("{col} <= ?"), d.into(), &mut args, &mut cond),
            Ok(None) => {}
            Err(e) => return Ok(Err(e)),
        }
    }
    Ok(Ok((cond.join(" AND "), args)))
}

/// Returns the query pairs of a filter, for page links.
pub fn pairs(f: &Filter) -> Vec<(&'static str, String)> {
    vec![
        ("q", f.q.clone()),
        ("owner", f.owner.clone()),
        ("account_id", f.account_id.clone()),
        ("opportunity_id", f.opportunity_id.clone()),
        ("stage", f.stage.clone()),
        ("forecast_category", f.forecast_category.clone()),
        ("status", f.status.clone()),
        ("type", f.kind.clone()),
        ("from", f.from.clone()),
        ("to", f.to.clone()),
    ]
}
