//! The forms that create and change accounts, contacts, opportunities and activities. One form
//! page serves every kind: its fields are the dataset columns of the kind, with choices from the
//! vocabularies and the viewer's scope; a refused field shows the form again with the values and
//! one sentence naming the field (422), and nothing is written. Saving goes through
//! [`crate::records::save`], the API's write path.

use super::{Chrome, Company};
use crate::error::{Fail, PageResult};
use crate::records::access::{may_change, sees};
use crate::records::fields::load;
use crate::records::pipeline::stages;
use crate::records::{Entity, Fields, Options, SaveError, save};
use crate::{AppState, Viewer};
use askama::Template;
use attain_domain::vocab::{ActivityType, BuyingRole, Channel, ForecastCategory, OpportunityType};
use attain_store::{Executor, Store, StoreResult};
use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use std::collections::HashMap;

/// One choice of a select.
pub struct Choice {
    value: String,
    label: String,
}

/// One field of the form.
pub struct Field {
    name: &'static str,
    label: &'static str,
    /// `text`, `date`, `select`, `checkbox`.
    kind: &'static str,
    value: String,
    choices: Vec<Choice>,
    hint: &'static str,
    required: bool,
}

#[derive(Template)]
#[template(path = "record_form.html")]
struct FormPage {
    chrome: Chrome,
    heading: String,
    note: &'static str,
    message: String,
    action: String,
    back: String,
    fields: Vec<Field>,
}

fn words(all: &[&'static str], empty: &str) -> Vec<Choice> {
    let mut out = vec![Choice {
        value: String::new(),
        label: empty.to_owned(),
    }];
    out.extend(all.iter().map(|w| Choice {
        value: (*w).to_owned(),
        label: w.replace('_', " "),
    }));
    out
}

/// The people the viewer may assign, or `None` when too many to list (a text field then).
fn people(ex: &mut impl Executor, viewer: &Viewer) -> StoreResult<Option<Vec<Choice>>> {
    let mut args = Vec::new();
    let scope = viewer.people().sql("person_id", &mut args);
    let rows = ex.query(
        &format!(
            "SELECT person_id, name FROM people WHERE {scope} ORDER BY name, person_id LIMIT 1001"
        ),
        &args,
    )?;
    if rows.len() > 1000 {
        return Ok(None);
    }
    let mut out = Vec::new();
    for r in rows {
        out.push(Choice {
            label: format!("{} ({})", r.text(1)?, r.text(0)?),
            value: r.string(0)?,
        });
    }
    Ok(Some(out))
}

/// The people the viewer may assign, with an empty choice first when `empty`.
fn staff(ex: &mut impl Executor, viewer: &Viewer, empty: bool) -> StoreResult<Option<Vec<Choice>>> {
    let mut list = people(ex, viewer)?;
    if empty && let Some(l) = &mut list {
        l.insert(
            0,
            Choice {
                value: String::new(),
                label: "none".into(),
            },
        );
    }
    Ok(list)
}

fn territories(ex: &mut impl Executor, viewer: &Viewer) -> StoreResult<Option<Vec<Choice>>> {
    let mut args = Vec::new();
    let scope = viewer.territories().sql("territory_id", &mut args);
    let rows = ex.query(
        &format!(
            "SELECT territory_id, name FROM territories WHERE {scope} ORDER BY name, territory_id LIMIT 1001"
        ),
        &args,
    )?;
    if rows.len() > 1000 {
        return Ok(None);
    }
    let mut out = Vec::new();
    for r in rows {
        out.push(Choice {
            label: format!("{} ({})", r.text(1)?, r.text(0)?),
            value: r.string(0)?,
        });
    }
    Ok(Some(out))
}

/// The fields of a kind's form, filled with `values`.
fn fields(
    ex: &mut impl Executor,
    viewer: &Viewer,
    entity: Entity,
    values: &Fields,
    creating: bool,
) -> StoreResult<Vec<Field>> {
    let v = |n: &str| values.get(n).cloned().unwrap_or_default();
    let text = |name, label, required, hint| Field {
        name,
        label,
        kind: "text",
        value: v(name),
        choices: Vec::new(),
        hint,
        required,
    };
    let date = |name, label, required, hint| Field {
        kind: "date",
        ..text(name, label, required, hint)
    };
    let select = |name, label, required, choices: Option<Vec<Choice>>, hint| match choices {
        Some(choices) => Field {
            kind: "select",
            choices,
            ..text(name, label, required, hint)
        },
        None => text(name, label, required, hint),
    };
    let mut out = Vec::new();
    if creating {
        out.push(text(entity.key(), "Id", false, "Leave empty for a new id."));
    }
    match entity {
        Entity::Account => {
            out.push(text("name", "Name", true, ""));
            let t = territories(ex, viewer)?;
            out.push(select("territory_id", "Territory", true, t, ""));
            out.push(text("industry", "Industry", false, ""));
            out.push(text("country", "Country", false, ""));
            out.push(text("employees", "Employees", false, "A whole number."));
            out.push(text(
                "annual_revenue",
                "Annual revenue",
                false,
                "Like 2500000.00.",
            ));
            out.push(text("parent_account_id", "Parent account id", false, ""));
            let p = staff(ex, viewer, true)?;
            out.push(select("owner_id", "Owner", false, p, ""));
            let yes_no = vec![
                Choice {
                    value: "false".into(),
                    label: "no".into(),
                },
                Choice {
                    value: "true".into(),
                    label: "yes".into(),
                },
            ];
            out.push(select(
                "key_account",
                "Key account",
                false,
                Some(yes_no),
                "",
            ));
        }
        Entity::Contact => {
            out.push(text("account_id", "Account id", true, ""));
            out.push(text("name", "Name", true, ""));
            out.push(text("title", "Title", false, ""));
            out.push(text("email", "Email", false, ""));
            out.push(text("phone", "Phone", false, ""));
            let roles: Vec<&str> = BuyingRole::ALL.iter().map(|r| r.as_str()).collect();
            out.push(select(
                "buying_role",
                "Buying role",
                false,
                Some(words(&roles, "none")),
                "",
            ));
            out.push(text(
                "reports_to_id",
                "Reports to (contact id)",
                false,
                "Another contact of the same account.",
            ));
        }
        Entity::Opportunity => {
            out.push(text("account_id", "Account id", true, ""));
            out.push(text("name", "Name", true, ""));
            let p = staff(ex, viewer, false)?;
            out.push(select("owner_id", "Owner", true, p, ""));
            let st: Vec<Choice> = stages(ex)?
                .into_iter()
                .map(|(s, o)| Choice {
                    label: format!("{} ({})", s.replace('_', " "), o.as_str()),
                    value: s,
                })
                .collect();
            out.push(select("stage", "Stage", true, Some(st), ""));
            out.push(date(
                "stage_date",
                "Stage changed on",
                false,
                "The day a stage change is recorded in the history; today when empty.",
            ));
            out.push(text("amount", "Amount", true, "Like 50000.00."));
            out.push(text("margin", "Margin", false, ""));
            out.push(date("created_date", "Created", false, "Today when empty."));
            out.push(date(
                "close_date",
                "Close date",
                true,
                "A won opportunity's booking is dated on its close date.",
            ));
            let fc: Vec<&str> = ForecastCategory::ALL.iter().map(|r| r.as_str()).collect();
            out.push(select(
                "forecast_category",
                "Forecast category",
                false,
                Some(words(&fc, "the stage's default")),
                "",
            ));
            let ty: Vec<&str> = OpportunityType::ALL.iter().map(|r| r.as_str()).collect();
            out.push(select("type", "Type", false, Some(words(&ty, "none")), ""));
            let ch: Vec<&str> = Channel::ALL.iter().map(|r| r.as_str()).collect();
            out.push(select(
                "channel",
                "Channel",
                false,
                Some(words(&ch, "none")),
                "",
            ));
            out.push(text("partner", "Partner", false, ""));
            out.push(Field {
                kind: "checkbox",
                ..text(
                    "create_booking",
                    "Create the booking transaction when closed won",
                    false,
                    "Not twice: an opportunity with a standing booking gets no second one. Reopening or losing a won opportunity reverses its booking.",
                )
            });
            out.push(text(
                "splits",
                "Credit splits of the booking",
                false,
                "person_id:percent, comma-separated (r2:30, r3:10); the owner keeps the rest.",
            ));
        }
        Entity::Activity => {
            let p = staff(ex, viewer, false)?;
            out.push(select("person_id", "By", true, p, ""));
            out.push(date("date", "Date", true, ""));
            let ty: Vec<&str> = ActivityType::ALL.iter().map(|r| r.as_str()).collect();
            let mut types = words(&ty, "");
            types.remove(0);
            out.push(select("type", "Type", true, Some(types), ""));
            out.push(text("subject", "Subject", false, ""));
            out.push(text("account_id", "Account id", false, ""));
            out.push(text("contact_id", "Contact id", false, ""));
            out.push(text("opportunity_id", "Opportunity id", false, ""));
        }
    }
    Ok(out)
}

fn plural(entity: Entity) -> &'static str {
    entity.file()
}

#[allow(clippy::too_many_arguments)]
fn form_page(
    store: &Store,
    viewer: &Viewer,
    entity: Entity,
    key: Option<&str>,
    values: &Fields,
    message: String,
    status: StatusCode,
) -> Result<Response, Fail> {
    let mut conn = store.conn()?;
    let company = Company::load(&mut conn)?;
    let heading = match key {
        Some(k) => format!("Edit {} {k}", entity.noun()),
        None => format!("New {}", entity.noun()),
    };
    let (action, back) = match key {
        Some(k) => (
            format!("/{}/{k}", plural(entity)),
            match entity {
                Entity::Contact => format!(
                    "/accounts/{}",
                    values.get("account_id").cloned().unwrap_or_default()
                ),
                Entity::Activity => "/activities".to_owned(),
                _ => format!("/{}/{k}", plural(entity)),
            },
        ),
        None => (
            format!("/{}", plural(entity)),
            format!("/{}", plural(entity)),
        ),
    };
    let note = match entity {
        Entity::Opportunity => {
            "A change of stage is recorded in the stage history. Closing won writes the booking transaction, which counts toward pay at the next calculation (Pay › Close › Recalculate); a booking in a closed month follows the month-close rules."
        }
        _ => "",
    };
    let page = FormPage {
        chrome: Chrome::new(
            viewer,
            &company,
            heading.clone(),
            "pipeline",
            plural(entity),
        ),
        heading,
        note,
        message,
        action,
        back,
        fields: fields(&mut conn, viewer, entity, values, key.is_none())?,
    };
    Ok((status, Html(page.render()?)).into_response())
}

/// Shows the form of a new record; query fields (`account_id`, …) fill it in.
pub async fn new_form(
    state: AppState,
    viewer: Viewer,
    entity: Entity,
    query: HashMap<String, String>,
) -> PageResult {
    if !may_change(&viewer) {
        return Err(Fail::Forbidden.into());
    }
    Ok(state
        .blocking(move |store| {
            let spec = entity.spec();
            let mut values: Fields = query
                .into_iter()
                .filter(|(k, _)| spec.column_index(k).is_some())
                .collect();
            let today = chrono::Utc::now().date_naive().to_string();
            let me = viewer.person_id.clone().unwrap_or_default();
            match entity {
                Entity::Opportunity => {
                    values.entry("owner_id".into()).or_insert(me);
                    values.insert("create_booking".into(), "true".into());
                }
                Entity::Activity => {
                    values.entry("person_id".into()).or_insert(me);
                    values.entry("date".into()).or_insert(today);
                }
                Entity::Account => {
                    values.entry("key_account".into()).or_insert("false".into());
                }
                Entity::Contact => {}
            }
            form_page(
                store,
                &viewer,
                entity,
                None,
                &values,
                String::new(),
                StatusCode::OK,
            )
        })
        .await?)
}

/// Shows the form of a stored record: 404 when not the viewer's to see, 403 for executives.
pub async fn edit_form(state: AppState, viewer: Viewer, entity: Entity, key: String) -> PageResult {
    Ok(state
        .blocking(move |store| {
            let mut conn = store.conn()?;
            let record = load(&mut conn, entity, &key)?.ok_or(Fail::NotFound)?;
            if !sees(&mut conn, &viewer, &record)? {
                return Err(Fail::NotFound);
            }
            if !may_change(&viewer) {
                return Err(Fail::Forbidden);
            }
            let mut values: Fields = entity
                .spec()
                .columns
                .iter()
                .map(|c| (c.name.to_owned(), record.show(c.name)))
                .collect();
            values.insert("create_booking".into(), "true".into());
            form_page(
                store,
                &viewer,
                entity,
                Some(&key),
                &values,
                String::new(),
                StatusCode::OK,
            )
        })
        .await?)
}

/// Saves a submitted form: a redirect to the record, or the form again with the refusal.
pub async fn submit(
    state: AppState,
    viewer: Viewer,
    entity: Entity,
    key: Option<String>,
    form: Vec<(String, String)>,
) -> PageResult {
    if key.is_none() && !may_change(&viewer) {
        return Err(Fail::Forbidden.into());
    }
    Ok(state
        .blocking(move |store| {
            let mut fields: Fields = form.into_iter().filter(|(k, _)| k != "csrf").collect();
            let shown = fields.clone();
            let options = Options::take(&mut fields, entity == Entity::Opportunity);
            let mut conn = store.conn()?;
            let mut tx = conn.transaction()?;
            match save(&mut tx, &viewer, entity, key.as_deref(), &fields, &options) {
                Ok(saved) => {
                    tx.commit()?;
                    let r = &saved.record;
                    let to = match entity {
                        Entity::Contact => {
                            format!("/accounts/{}", r.text("account_id").unwrap_or_default())
                        }
                        Entity::Activity => "/activities".to_owned(),
                        _ => format!("/{}/{}", plural(entity), r.key()),
                    };
                    Ok(Redirect::to(&to).into_response())
                }
                Err(SaveError::Invalid(e)) => {
                    drop(tx);
                    drop(conn);
                    let status = StatusCode::UNPROCESSABLE_ENTITY;
                    form_page(
                        store,
                        &viewer,
                        entity,
                        key.as_deref(),
                        &shown,
                        e.sentence(),
                        status,
                    )
                }
                Err(SaveError::Fail(f)) => Err(f),
            }
        })
        .await?)
}

macro_rules! page_handlers {
    ($entity:expr, $new:ident, $edit:ident, $create:ident, $update:ident) => {
        /// The form of a new record.
        pub async fn $new(
            State(state): State<AppState>,
            viewer: Viewer,
            Query(q): Query<HashMap<String, String>>,
        ) -> PageResult {
            new_form(state, viewer, $entity, q).await
        }

        /// The form of a stored record.
        pub async fn $edit(
            State(state): State<AppState>,
            viewer: Viewer,
            Path(key): Path<String>,
        ) -> PageResult {
            edit_form(state, viewer, $entity, key).await
        }

        /// Creates a record from the form.
        pub async fn $create(
            State(state): State<AppState>,
            viewer: Viewer,
            Form(form): Form<Vec<(String, String)>>,
        ) -> PageResult {
            submit(state, viewer, $entity, None, form).await
        }

        /// Changes a record from the form.
        pub async fn $update(
            State(state): State<AppState>,
            viewer: Viewer,
            Path(key): Path<String>,
            Form(form): Form<Vec<(String, String)>>,
        ) -> PageResult {
            submit(state, viewer, $entity, Some(key), form).await
        }
    };
}

page_handlers!(
    Entity::Account,
    new_account,
    edit_account,
    create_account,
    update_account
);
page_handlers!(
    Entity::Contact,
    new_contact,
    edit_contact,
    create_contact,
    update_contact
);
page_handlers!(
    Entity::Opportunity,
    new_opportunity,
    edit_opportunity,
    create_opportunity,
    update_opportunity
);
page_handlers!(
    Entity::Activity,
    new_activity,
    edit_activity,
    create_activity,
    update_activity
);
