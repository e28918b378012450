//! Pipeline › Opportunities and Activities: the lists the viewer may see, searched and filtered,
//! and an opportunity's page with its stage history, activities and booking transactions.

use super::people::Link;
use super::{Chrome, Company, Pager, query_string, render};
use crate::error::{Fail, PageResult};
use crate::fmt::{Amount, money};
use crate::records::Entity;
use crate::records::access::{may_change, sees, sees_account};
use crate::records::fields::load;
use crate::records::pipeline::stages;
use crate::records::search::{Filter, condition, pairs};
use crate::{AppState, Viewer};
use askama::Template;
use attain_domain::vocab::{ActivityType, ForecastCategory};
use attain_domain::{Money, Percent};
use attain_store::{Executor, Row, params};
use axum::extract::{Path, Query, State};

const PER_PAGE: i64 = 50;

/// One choice of a filter.
pub struct Choice {
    value: String,
    label: String,
}

fn choices(words: impl IntoIterator<Item = String>) -> Vec<Choice> {
    words
        .into_iter()
        .map(|w| Choice {
            label: w.replace('_', " "),
            value: w,
        })
        .collect()
}

fn people_choices(ex: &mut impl Executor, viewer: &Viewer) -> Result<Vec<Choice>, Fail> {
    let mut args = Vec::new();
    let scope = viewer.people().sql("person_id", &mut args);
    let mut out = Vec::new();
    for r in ex.query(
        &format!(
            "SELECT person_id, name FROM people WHERE {scope} ORDER BY name, person_id LIMIT 500"
        ),
        &args,
    )? {
        out.push(Choice {
            value: r.string(0)?,
            label: r.string(1)?,
        });
    }
    Ok(out)
}

fn link(href: String, text: Option<String>) -> Option<Link> {
    text.map(|text| Link { href, text })
}

/// One opportunity of the list.
pub struct OppRow {
    id: String,
    name: String,
    account: Option<Link>,
    owner: String,
    stage: String,
    category: String,
    amount: Amount,
    close: String,
}

#[derive(Template)]
#[template(path = "opportunities.html")]
struct OpportunitiesPage {
    chrome: Chrome,
    f: Filter,
    message: String,
    can_change: bool,
    owners: Vec<Choice>,
    stages: Vec<Choice>,
    categories: Vec<Choice>,
    rows: Vec<OppRow>,
    pager: Pager,
}

/// Lists the opportunities the viewer may see: search and filters.
pub async fn list_opportunities(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(f): Query<Filter>,
) -> PageResult {
    Ok(state
        .blocking(move |store| -> Result<_, Fail> {
            let mut conn = store.conn()?;
            let company = Company::load(&mut conn)?;
            let (cond, args, message) =
                match condition(&mut conn, &viewer, Entity::Opportunity, &f)? {
                    Ok((c, a)) => (c, a, String::new()),
                    Err(e) => {
                        let mut args = Vec::new();
                        (
                            viewer.people().sql("x.owner_id", &mut args),
                            args,
                            e.sentence(),
                        )
                    }
                };
            let total = conn
                .query_one(
                    &format!("SELECT COUNT(*) FROM opportunities x WHERE {cond}"),
                    &args,
                )?
                .int(0)?;
            let link_filter = f.clone();
            let pager = Pager::new(total, f.page.unwrap_or(1), PER_PAGE, |p| {
                let mut q = pairs(&link_filter);
                q.push(("page", p.to_string()));
                format!("/opportunities{}", query_string(&q))
            });
            let cur = &company.currency;
            let mut rows = Vec::new();
            for r in conn.query(
                &format!(
                    "SELECT x.opportunity_id, x.name, x.account_id, a.name, p.name, x.stage,
                            x.forecast_category, x.amount, x.close_date
                     FROM opportunities x
                     LEFT JOIN accounts a ON a.account_id = x.account_id
                     LEFT JOIN people p ON p.person_id = x.owner_id
                     WHERE {cond} ORDER BY x.close_date DESC, x.opportunity_id
                     LIMIT {PER_PAGE} OFFSET {}",
                    pager.offset(PER_PAGE)
                ),
                &args,
            )? {
                rows.push(OppRow {
                    id: r.string(0)?,
                    name: r.string(1)?,
                    account: link(format!("/accounts/{}", r.text(2)?), r.opt_string(3)?),
                    owner: r.opt_string(4)?.unwrap_or_default(),
                    stage: r.string(5)?.replace('_', " "),
                    category: r.opt_string(6)?.unwrap_or_default().replace('_', " "),
                    amount: money(r.money(7)?, cur),
                    close: r.date(8)?.to_string(),
                });
            }
            let stage_names = stages(&mut conn)?.into_iter().map(|(s, _)| s);
            render(&OpportunitiesPage {
                chrome: Chrome::new(
                    &viewer,
                    &company,
                    "Opportunities",
                    "pipeline",
                    "opportunities",
                ),
                message,
                can_change: may_change(&viewer),
                owners: people_choices(&mut conn, &viewer)?,
                stages: choices(stage_names),
                categories: choices(ForecastCategory::ALL.iter().map(|c| c.as_str().to_owned())),
                f,
                rows,
                pager,
            })
        })
        .await?)
}

/// One activity of a list.
pub struct ActRow {
    id: String,
    date: String,
    kind: String,
    subject: String,
    person: String,
    account: Option<Link>,
    opportunity: Option<Link>,
}

fn act_row(r: &Row) -> Result<ActRow, Fail> {
    Ok(ActRow {
        id: r.string(0)?,
        date: r.date(1)?.to_string(),
        kind: r.string(2)?.replace('_', " "),
        subject: r.opt_string(3)?.unwrap_or_default(),
        person: r.opt_string(4)?.unwrap_or_default(),
        account: match r.opt_string(5)? {
            Some(id) => link(
                format!("/accounts/{id}"),
                Some(r.opt_string(6)?.unwrap_or(id)),
            ),
            None => None,
        },
        opportunity: match r.opt_string(7)? {
            Some(id) => link(
                format!("/opportunities/{id}"),
                Some(r.opt_string(8)?.unwrap_or(id)),
            ),
            None => None,
        },
    })
}

const ACT_SELECT: &str = "SELECT x.activity_id, x.date, x.type, x.subject, p.name, x.account_id,
        a.name, x.opportunity_id, o.name
     FROM activities x
     LEFT JOIN people p ON p.person_id = x.person_id
     LEFT JOIN accounts a ON a.account_id = x.account_id
     LEFT JOIN opportunities o ON o.opportunity_id = x.opportunity_id";

#[derive(Template)]
#[template(path = "activities.html")]
struct ActivitiesPage {
    chrome: Chrome,
    f: Filter,
    message: String,
    can_change: bool,
    people: Vec<Choice>,
    types: Vec<Choice>,
    rows: Vec<ActRow>,
    pager: Pager,
}

/// Lists the activities the viewer may see: by person, type and dates.
pub async fn list_activities(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(f): Query<Filter>,
) -> PageResult {
    Ok(state
        .blocking(move |store| -> Result<_, Fail> {
            let mut conn = store.conn()?;
            let company = Company::load(&mut conn)?;
            let (cond, args, message) = match condition(&mut conn, &viewer, Entity::Activity, &f)? {
                Ok((c, a)) => (c, a, String::new()),
                Err(e) => {
                    let mut args = Vec::new();
                    (
                        viewer.people().sql("x.person_id", &mut args),
                        args,
                        e.sentence(),
                    )
                }
            };
            let total = conn
                .query_one(
                    &format!("SELECT COUNT(*) FROM activities x WHERE {cond}"),
                    &args,
                )?
                .int(0)?;
            let link_filter = f.clone();
            let pager = Pager::new(total, f.page.unwrap_or(1), PER_PAGE, |p| {
                let mut q = pairs(&link_filter);
                q.push(("page", p.to_string()));
                format!("/activities{}", query_string(&q))
            });
            let rows = conn
                .query(
                    &format!(
                        "{ACT_SELECT} WHERE {cond} ORDER BY x.date DESC, x.activity_id DESC
                         LIMIT {PER_PAGE} OFFSET {}",
                        pager.offset(PER_PAGE)
                    ),
                    &args,
                )?
                .iter()
                .map(act_row)
                .collect::<Result<_, _>>()?;
            render(&ActivitiesPage {
                chrome: Chrome::new(&viewer, &company, "Activities", "pipeline", "activities"),
                message,
                can_change: may_change(&viewer),
                people: people_choices(&mut conn, &viewer)?,
                types: choices(ActivityType::ALL.iter().map(|c| c.as_str().to_owned())),
                f,
                rows,
                pager,
            })
        })
        .await?)
}

/// One entry of the stage history.
pub struct StageRow {
    stage: String,
    entered: String,
}

/// A transaction of the opportunity, with its splits.
pub struct TxRow {
    id: String,
    date: String,
    amount: Amount,
    owner: String,
    reverses: String,
    splits: String,
}

#[derive(Template)]
#[template(path = "opportunity.html")]
struct OpportunityPage {
    chrome: Chrome,
    id: String,
    name: String,
    account_id: String,
    account: Option<Link>,
    owner: String,
    stage: String,
    category: String,
    amount: Amount,
    margin: Option<Amount>,
    created: String,
    close: String,
    kind: String,
    channel: String,
    partner: String,
    can_change: bool,
    history: Vec<StageRow>,
    activities: Vec<ActRow>,
    transactions: Vec<TxRow>,
}

/// Shows an opportunity, or 404 when missing or not the viewer's to see.
pub async fn show_opportunity(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> PageResult {
    Ok(state
        .blocking(move |store| -> Result<_, Fail> {
            let mut conn = store.conn()?;
            let o = load(&mut conn, Entity::Opportunity, &id)?.ok_or(Fail::NotFound)?;
            if !sees(&mut conn, &viewer, &o)? {
                return Err(Fail::NotFound);
            }
            let company = Company::load(&mut conn)?;
            let cur = &company.currency;
            let account_id = o.text("account_id").unwrap_or_default().to_owned();
            let account_name = conn
                .query_opt(
                    "SELECT name FROM accounts WHERE account_id = $1",
                    params![&account_id],
                )?
                .map(|r| r.string(0))
                .transpose()?;
            let account = if sees_account(&mut conn, &viewer, &account_id)? {
                link(format!("/accounts/{account_id}"), account_name)
            } else {
                link(String::new(), account_name)
            };
            let owner = conn
                .query_opt(
                    "SELECT name FROM people WHERE person_id = $1",
                    params![o.text("owner_id").unwrap_or_default()],
                )?
                .map(|r| r.string(0))
                .transpose()?
                .unwrap_or_default();
            let mut history = Vec::new();
            for r in conn.query(
                "SELECT stage, entered_date FROM stage_history WHERE opportunity_id = $1
                 ORDER BY entered_date, stage",
                params![&id],
            )? {
                history.push(StageRow {
                    stage: r.string(0)?.replace('_', " "),
                    entered: r.date(1)?.to_string(),
                });
            }
            let mut args = vec![id.clone().into()];
            let scope = viewer.people().sql("x.person_id", &mut args);
            let activities = conn
                .query(
                    &format!(
                        "{ACT_SELECT} WHERE x.opportunity_id = $1 AND {scope}
                         ORDER BY x.date DESC, x.activity_id DESC LIMIT 100"
                    ),
                    &args,
                )?
                .iter()
                .map(act_row)
                .collect::<Result<_, _>>()?;
            let mut transactions = Vec::new();
            for r in conn.query(
                "SELECT t.transaction_id, t.date, t.amount, p.name, t.reverses_id
                 FROM transactions t LEFT JOIN people p ON p.person_id = t.owner_id
                 WHERE t.opportunity_id = $1 ORDER BY t.date, t.transaction_id",
                params![&id],
            )? {
                let tx_id = r.string(0)?;
                let mut splits = Vec::new();
                for s in conn.query(
                    "SELECT person_id, percent FROM splits WHERE transaction_id = $1
                     ORDER BY person_id",
                    params![&tx_id],
                )? {
                    splits.push(format!(
                        "{} {} %",
                        s.text(0)?,
                        Percent::from_units(s.int(1)?)
                    ));
                }
                transactions.push(TxRow {
                    id: tx_id,
                    date: r.date(1)?.to_string(),
                    amount: money(r.money(2)?, cur),
                    owner: r.opt_string(3)?.unwrap_or_default(),
                    reverses: r.opt_string(4)?.unwrap_or_default(),
                    splits: splits.join(", "),
                });
            }
            let margin = match o.get("margin") {
                attain_store::Value::Int(c) => Some(money(Money::from_cents(*c), cur)),
                _ => None,
            };
            let amount = match o.get("amount") {
                attain_store::Value::Int(c) => money(Money::from_cents(*c), cur),
                _ => money(Money::ZERO, cur),
            };
            let name = o.text("name").unwrap_or_default().to_owned();
            render(&OpportunityPage {
                chrome: Chrome::new(&viewer, &company, name.clone(), "pipeline", "opportunities"),
                id,
                name,
                account_id,
                account,
                owner,
                stage: o.show("stage").replace('_', " "),
                category: o.show("forecast_category").replace('_', " "),
                amount,
                margin,
                created: o.show("created_date"),
                close: o.show("close_date"),
                kind: o.show("type").replace('_', " "),
                channel: o.show("channel"),
                partner: o.show("partner"),
                can_change: may_change(&viewer),
                history,
                activities,
                transactions,
            })
        })
        .await?)
}
