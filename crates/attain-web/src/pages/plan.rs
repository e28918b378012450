//! Plan › Allocation, versions and reconciliation (sales operations): the pages of the planning
//! cycle. They parse the same options as `attain plan allocate` (`Params::parse`) and call the
//! same library functions (`preview`, `run_allocate`, `approve`, `reconcile`), so a page and the
//! command give the same targets for the same parameters; allocations and approvals are audited
//! by the library.

use super::{Chrome, Company, render};
use crate::error::{Fail, PageResult};
use crate::fmt::{Amount, Currency, money};
use crate::{AppState, Viewer};
use askama::Template;
use attain_dataset::NoProgress;
use attain_domain::Money;
use attain_domain::vocab::{Metric, Scope};
use attain_planning::{
    Allocation, Approval, Carries, Months, ParamsText, PlanError, Reconciliation, TargetTotals,
    VersionInfo,
};
use attain_store::{Executor, Store};
use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// At most this many people are listed on a page (the rest are counted).
const MAX_PEOPLE: usize = 1000;

impl From<PlanError> for Fail {
    fn from(e: PlanError) -> Self {
        match e {
            PlanError::Store(e) => e.into(),
            PlanError::Refused(m) => Fail::BadRequest(m),
        }
    }
}

/// Reads a version, answering 404 when it does not exist.
fn find_version(
    store: &Store,
    year: i32,
    metric: Metric,
    version: Option<u32>,
) -> Result<VersionInfo, Fail> {
    attain_planning::version(store, year, metric, version).map_err(|e| match e {
        PlanError::Refused(_) => Fail::NotFound,
        e => e.into(),
    })
}

/// Parses a metric of a path, answering 404 for an unknown one.
fn metric_of(s: &str) -> Result<Metric, Fail> {
    Metric::parse(s).map_err(|_| Fail::NotFound)
}

/// Names of territories and people, for labels.
struct Names {
    territories: HashMap<String, String>,
    people: HashMap<String, String>,
}

impl Names {
    fn load(ex: &mut impl Executor) -> Result<Names, Fail> {
        let mut territories = HashMap::new();
        for r in ex.query("SELECT territory_id, name FROM territories", &[])? {
            territories.insert(r.string(0)?, r.string(1)?);
        }
        let mut people = HashMap::new();
        for r in ex.query("SELECT person_id, name FROM people", &[])? {
            people.insert(r.string(0)?, r.string(1)?);
        }
        Ok(Names {
            territories,
            people,
        })
    }

    fn territory(&self, id: &str) -> String {
        self.territories.get(id).cloned().unwrap_or_default()
    }

    fn person(&self, id: &str) -> String {
        self.people.get(id).cloned().unwrap_or_default()
    }
}

/// Formats a gap: blank when zero.
fn gap(m: Money, cur: &Currency) -> String {
    if m == Money::ZERO {
        String::new()
    } else {
        money(m, cur).text
    }
}

/// One territory of an allocation: its annual and monthly targets and what it left uncovered.
pub struct NodeRow {
    id: String,
    name: String,
    depth: usize,
    leaf: bool,
    annual: Amount,
    months: Vec<Amount>,
    overassigned: String,
    unassigned: String,
    hire: String,
    leaver: String,
    ramp: String,
    warn: bool,
}

/// One person of an allocation: what they carry, their months and gaps.
pub struct PersonRow {
    id: String,
    name: String,
    carries: String,
    annual: Amount,
    months: Vec<Amount>,
    hire: String,
    leaver: String,
    ramp: String,
}

fn months_of(m: &Months, cur: &Currency) -> Vec<Amount> {
    m.iter().map(|a| money(*a, cur)).collect()
}

fn sum(m: &Months) -> Money {
    m.iter().copied().sum()
}

/// The rows of an allocation (a preview).
fn allocation_rows(
    a: &Allocation,
    names: &Names,
    cur: &Currency,
) -> (Vec<NodeRow>, Vec<PersonRow>) {
    let nodes = a
        .nodes
        .iter()
        .map(|n| NodeRow {
            id: n.territory_id.clone(),
            name: names.territory(&n.territory_id),
            depth: (n.depth as usize).min(8),
            leaf: n.leaf,
            annual: money(n.annual, cur),
            months: months_of(&n.months, cur),
            overassigned: gap(n.overassigned, cur),
            unassigned: gap(n.unassigned, cur),
            hire: gap(n.hire_gap, cur),
            leaver: gap(n.leaver_gap, cur),
            ramp: gap(n.ramp_gap, cur),
            warn: n.unassigned != Money::ZERO,
        })
        .collect();
    let people = a
        .people
        .iter()
        .take(MAX_PEOPLE)
        .map(|p| PersonRow {
            id: p.person_id.clone(),
            name: names.person(&p.person_id),
            carries: match p.carries {
                Carries::Leaf(i) => a
                    .nodes
                    .get(i)
                    .map(|n| n.territory_id.clone())
                    .unwrap_or_default(),
                Carries::Reps(n) => format!("{n} reps below"),
            },
            annual: money(p.annual(), cur),
            months: months_of(&p.months, cur),
            hire: gap(p.hire_gap, cur),
            leaver: gap(p.leaver_gap, cur),
            ramp: gap(p.ramp_gap, cur),
        })
        .collect();
    (nodes, people)
}

/// One line of the versions list.
pub struct VersionLine {
    version: u32,
    status: &'static str,
    total: Amount,
    basis: String,
    created_by: String,
    created_at: String,
    approved: String,
}

fn version_line(v: &VersionInfo, cur: &Currency) -> VersionLine {
    VersionLine {
        version: v.version,
        status: v.status.as_str(),
        total: money(v.total, cur),
        basis: v.params.describe(),
        created_by: v.created_by.clone(),
        created_at: v.created_at.format("%Y-%m-%d %H:%M UTC").to_string(),
        approved: match (&v.approved_by, v.approved_at) {
            (Some(by), Some(at)) => format!("{by}, {}", at.format("%Y-%m-%d %H:%M UTC")),
            _ => String::new(),
        },
    }
}

/// One field of the allocation form.
pub struct Field {
    name: &'static str,
    label: &'static str,
    value: String,
    help: &'static str,
    choices: Vec<&'static str>,
    error: String,
}

/// The allocation form as sent: the options of `attain plan allocate`, as text.
#[derive(Debug, Default, Clone, serde::Deserialize)]
pub struct AllocForm {
    #[serde(default)]
    year: String,
    #[serde(default)]
    metric: String,
    #[serde(default)]
    total: String,
    #[serde(default)]
    basis: String,
    #[serde(default)]
    overassign: String,
    #[serde(default)]
    unit: String,
    #[serde(default)]
    seasonality: String,
    #[serde(default)]
    ramp: String,
    /// `preview` or `save`.
    #[serde(default)]
    action: String,
}

impl AllocForm {
    fn text(&self) -> ParamsText<'_> {
        ParamsText {
            year: self.year.trim(),
            metric: self.metric.trim(),
            total: self.total.trim(),
            basis: Some(self.basis.as_str()),
            overassign: Some(self.overassign.as_str()),
            unit: Some(self.unit.as_str()),
            seasonality: Some(self.seasonality.as_str()),
            ramp: Some(self.ramp.as_str()),
        }
    }

    fn fields(&self, error: Option<(&str, &str)>) -> Vec<Field> {
        let err = |name: &str| match error {
            Some((o, m)) if o == name => m.to_owned(),
            _ => String::new(),
        };
        let f = |name: &'static str,
                 label: &'static str,
                 value: &str,
                 help: &'static str,
                 choices: Vec<&'static str>| Field {
            name,
            label,
            value: value.to_owned(),
            help,
            choices,
            error: err(name),
        };
        vec![
            f("year", "Fiscal year", &self.year, "", vec![]),
            f(
                "metric",
                "Metric",
                &self.metric,
                "",
                vec!["bookings", "revenue", "margin"],
            ),
            f(
                "total",
                "Company total",
                &self.total,
                "a multiple of the unit",
                vec![],
            ),
            f(
                "basis",
                "Basis",
                &self.basis,
                "how territories and reps are weighed",
                vec!["equal", "prior_year", "potential"],
            ),
            f(
                "overassign",
                "Over-assignment %",
                &self.overassign,
                "default 0",
                vec![],
            ),
            f("unit", "Unit", &self.unit, "default 1.00", vec![]),
            f(
                "seasonality",
                "Seasonality P1,…,P12 %",
                &self.seasonality,
                "twelve percents summing to 100; empty: equal",
                vec![],
            ),
            f(
                "ramp",
                "Ramp R1,R2,… %",
                &self.ramp,
                "for reps hired during the year",
                vec![],
            ),
        ]
    }
}

#[derive(Template)]
#[template(path = "plan_allocation.html")]
struct AllocationPage {
    chrome: Chrome,
    fields: Vec<Field>,
    message: String,
    year: String,
    metric: String,
    months: Vec<String>,
    metrics: [&'static str; 3],
    /// The summary of a preview, when there is one; its rows follow.
    preview: Option<Vec<(&'static str, String)>>,
    nodes: Vec<NodeRow>,
    people: Vec<PersonRow>,
    more_people: usize,
    versions: Vec<VersionLine>,
}

/// The query of the allocation page: which year and metric to list versions of.
#[derive(Debug, Default, serde::Deserialize)]
pub struct AllocQuery {
    year: Option<i32>,
    metric: Option<String>,
}

fn month_labels(company: &Company, year: i32) -> Vec<String> {
    (1..=12).map(|m| company.month_label(year, m)).collect()
}

/// Renders the allocation page.
fn allocation_page(
    store: &Store,
    viewer: &Viewer,
    form: &AllocForm,
    error: Option<(&str, &str)>,
    preview: Option<&Allocation>,
    status: StatusCode,
) -> Result<Response, Fail> {
    let mut conn = store.conn()?;
    let company = Company::load(&mut conn)?;
    let cur = &company.currency;
    let year: i32 = form.year.trim().parse().unwrap_or(company.today().0);
    let metric = Metric::parse(form.metric.trim()).ok();
    let versions = match metric {
        Some(m) if attain_planning::params::check_year(year).is_ok() => {
            attain_planning::versions(store, year, m)?
                .iter()
                .map(|v| version_line(v, cur))
                .collect()
        }
        _ => Vec::new(),
    };
    let mut page = AllocationPage {
        chrome: Chrome::new(viewer, &company, "Allocation", "plan", "allocation"),
        fields: form.fields(error),
        message: error.map(|e| e.1.to_owned()).unwrap_or_default(),
        year: year.to_string(),
        metric: metric.unwrap_or(Metric::Bookings).as_str().to_owned(),
        months: month_labels(&company, year),
        metrics: super::objectives::METRICS,
        preview: None,
        nodes: Vec::new(),
        people: Vec::new(),
        more_people: 0,
        versions,
    };
    if let Some(a) = preview {
        let names = Names::load(&mut conn)?;
        let (nodes, people) = allocation_rows(a, &names, cur);
        let s = a.summary();
        let summary = vec![
            ("Company target", money(s.total, cur).text),
            ("Territories", s.territories.to_string()),
            ("Leaves", s.leaves.to_string()),
            ("Reps", s.reps.to_string()),
            ("Leaders", s.leaders.to_string()),
            ("Reps' targets", money(s.reps_total, cur).text),
            ("Over-assigned", money(s.overassigned, cur).text),
            (
                "Unassigned",
                format!(
                    "{} ({} leaves without a rep)",
                    money(s.unassigned, cur),
                    s.unassigned_leaves
                ),
            ),
            ("Hire gap", money(s.hire_gap, cur).text),
            ("Leaver gap", money(s.leaver_gap, cur).text),
            ("Ramp gap", money(s.ramp_gap, cur).text),
        ];
        page.preview = Some(summary);
        page.more_people = a.people.len().saturating_sub(people.len());
        page.nodes = nodes;
        page.people = people;
    }
    Ok((status, Html(page.render()?)).into_response())
}

/// Shows the allocation form and the versions of a year and metric.
pub async fn show_allocation(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(q): Query<AllocQuery>,
) -> PageResult {
    Ok(state
        .blocking(move |store| {
            let year = match q.year {
                Some(y) => y,
                None => Company::load(&mut store.conn()?)?.today().0,
            };
            let form = AllocForm {
                year: year.to_string(),
                metric: q.metric.unwrap_or_else(|| "bookings".into()),
                basis: "equal".into(),
                ..AllocForm::default()
            };
            allocation_page(store, &viewer, &form, None, None, StatusCode::OK)
        })
        .await?)
}

/// Previews an allocation (writing nothing) or saves it as a draft version.
pub async fn submit_allocation(
    State(state): State<AppState>,
    viewer: Viewer,
    Form(form): Form<AllocForm>,
) -> PageResult {
    Ok(state
        .blocking(move |store| {
            let unprocessable = StatusCode::UNPROCESSABLE_ENTITY;
            let params = match attain_planning::Params::parse(&form.text()) {
                Ok(p) => p,
                Err(e) => {
                    return allocation_page(
                        store,
                        &viewer,
                        &form,
                        Some((e.option, &e.message)),
                        None,
                        unprocessable,
                    );
                }
            };
            if form.action == "save" {
                match attain_planning::run_allocate(
                    store,
                    &params,
                    false,
                    &viewer.email,
                    &NoProgress,
                ) {
                    Ok(done) => {
                        let v = &done.version;
                        Ok(Redirect::to(&format!(
                            "/plan/versions/{}/{}/{}",
                            v.year, v.metric, v.version
                        ))
                        .into_response())
                    }
                    Err(PlanError::Refused(m)) => {
                        allocation_page(store, &viewer, &form, Some(("", &m)), None, unprocessable)
                    }
                    Err(e) => Err(e.into()),
                }
            } else {
                match attain_planning::preview(store, &params, &NoProgress) {
                    Ok(a) => allocation_page(store, &viewer, &form, None, Some(&a), StatusCode::OK),
                    Err(PlanError::Refused(m)) => {
                        allocation_page(store, &viewer, &form, Some(("", &m)), None, unprocessable)
                    }
                    Err(e) => Err(e.into()),
                }
            }
        })
        .await?)
}

#[derive(Template)]
#[template(path = "plan_version.html")]
struct VersionPage {
    chrome: Chrome,
    v: VersionLine,
    year: i32,
    metric: String,
    params: String,
    months: Vec<String>,
    nodes: Vec<NodeRow>,
    people: Vec<PersonRow>,
    more_people: usize,
    confirm: Option<(Totals, Totals)>,
    done: Option<Done>,
    /// The other versions of the year and metric, to compare with.
    others: Vec<u32>,
    compare: Option<Comparison>,
}

/// Two versions side by side: every company, territory and person whose annual target differs.
pub struct Comparison {
    other: u32,
    rows: Vec<CompareRow>,
    /// Scopes whose annual target is the same in both.
    same: usize,
}

/// One scope's annual target in this version and in the other.
pub struct CompareRow {
    scope: &'static str,
    id: String,
    name: String,
    this: Amount,
    other: Amount,
    change: Amount,
}

/// Returns the annual target of every (scope, id) of a version's rows.
fn annual_by_scope(rows: &[attain_planning::TargetRow]) -> BTreeMap<(Scope, String), Money> {
    let mut out = BTreeMap::new();
    for r in rows {
        *out.entry((r.scope, r.scope_id.clone()))
            .or_insert(Money::ZERO) += r.amount;
    }
    out
}

/// Compares version `v` with version `w` of the same year and metric.
fn compare_versions(
    store: &Store,
    info: &VersionInfo,
    w: u32,
    names: &Names,
    cur: &Currency,
) -> Result<Comparison, Fail> {
    let this = annual_by_scope(&attain_planning::version_rows(
        store,
        info.year,
        info.metric,
        info.version,
    )?);
    let that = annual_by_scope(&attain_planning::version_rows(
        store,
        info.year,
        info.metric,
        w,
    )?);
    let keys: BTreeSet<&(Scope, String)> = this.keys().chain(that.keys()).collect();
    let mut rows = Vec::new();
    let mut same = 0;
    for key in keys {
        let a = this.get(key).copied().unwrap_or(Money::ZERO);
        let b = that.get(key).copied().unwrap_or(Money::ZERO);
        if a == b {
            same += 1;
            continue;
        }
        let (scope, id) = key;
        rows.push(CompareRow {
            scope: scope.as_str(),
            id: id.clone(),
            name: match scope {
                Scope::Person => names.person(id),
                _ => names.territory(id),
            },
            this: money(a, cur),
            other: money(b, cur),
            change: money(a - b, cur),
        });
    }
    Ok(Comparison {
        other: w,
        rows,
        same,
    })
}

/// Target sums by scope, formatted.
pub struct Totals {
    company: Amount,
    territory: Amount,
    person: Amount,
    rows: u64,
}

fn totals(t: &TargetTotals, cur: &Currency) -> Totals {
    Totals {
        company: money(t.company, cur),
        territory: money(t.territory, cur),
        person: money(t.person, cur),
        rows: t.rows,
    }
}

/// What an approval did, for the notice.
pub struct Done {
    before: Totals,
    after: Totals,
    superseded: Option<u32>,
    last_locked: u32,
}

/// Renders a version page: its rows, and the confirmation or the result of an approval.
fn version_page(
    store: &Store,
    viewer: &Viewer,
    info: &VersionInfo,
    confirm: bool,
    done: Option<&Approval>,
    compare: Option<u32>,
) -> Result<Response, Fail> {
    let (year, metric, v) = (info.year, info.metric, info.version);
    let mut conn = store.conn()?;
    let company = Company::load(&mut conn)?;
    let cur = &company.currency;
    let names = Names::load(&mut conn)?;
    let recon = attain_planning::reconcile(store, year, metric, Some(v))?;
    let rows = attain_planning::version_rows(store, year, metric, v)?;
    let vpeople = attain_planning::version_people(store, year, metric, v)?;
    let mut person_months: HashMap<&str, Months> = HashMap::new();
    let mut after = TargetTotals::default();
    for r in &rows {
        after.rows += 1;
        match r.scope {
            Scope::Company => after.company += r.amount,
            Scope::Territory => after.territory += r.amount,
            Scope::Person => {
                after.person += r.amount;
                if let Some(slot) = person_months
                    .entry(r.scope_id.as_str())
                    .or_insert([Money::ZERO; 12])
                    .get_mut(r.month as usize - 1)
                {
                    *slot = r.amount;
                }
            }
        }
    }
    let nodes = recon_rows(&recon, &names, cur)
        .into_iter()
        .map(|(row, _)| row)
        .collect();
    let people: Vec<PersonRow> = vpeople
        .iter()
        .take(MAX_PEOPLE)
        .map(|p| {
            let months = person_months
                .get(p.person_id.as_str())
                .copied()
                .unwrap_or([Money::ZERO; 12]);
            PersonRow {
                id: p.person_id.clone(),
                name: names.person(&p.person_id),
                carries: match (&p.leaf, p.reps) {
                    (Some(leaf), _) => leaf.clone(),
                    (None, Some(n)) => format!("{n} reps below"),
                    (None, None) => String::new(),
                },
                annual: money(sum(&months), cur),
                months: months_of(&months, cur),
                hire: gap(p.hire_gap, cur),
                leaver: gap(p.leaver_gap, cur),
                ramp: gap(p.ramp_gap, cur),
            }
        })
        .collect();
    let confirm = if confirm {
        let before = attain_planning::current_totals(store, year, metric)?;
        Some((totals(&before, cur), totals(&after, cur)))
    } else {
        None
    };
    let others: Vec<u32> = attain_planning::versions(store, year, metric)?
        .iter()
        .map(|o| o.version)
        .filter(|&o| o != v)
        .collect();
    let compare = match compare.filter(|w| *w != v) {
        Some(w) if others.contains(&w) => Some(compare_versions(store, info, w, &names, cur)?),
        Some(_) => return Err(Fail::NotFound),
        None => None,
    };
    let page = VersionPage {
        others,
        compare,
        chrome: Chrome::new(
            viewer,
            &company,
            format!("Version {v} of {year} {metric}"),
            "plan",
            "allocation",
        ),
        v: version_line(info, cur),
        year,
        metric: metric.as_str().to_owned(),
        params: info.params.describe(),
        months: month_labels(&company, year),
        nodes,
        more_people: vpeople.len().saturating_sub(people.len()),
        people,
        confirm,
        done: done.map(|a| Done {
            before: totals(&a.before, cur),
            after: totals(&a.after, cur),
            superseded: a.superseded,
            last_locked: a.last_locked,
        }),
    };
    render(&page)
}

/// The path of a version: year, metric, version.
type VersionPath = Path<(i32, String, u32)>;

/// Shows a version with its rows.
pub async fn show_version(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((year, metric, v)): VersionPath,
    Query(q): Query<CompareQuery>,
) -> PageResult {
    Ok(state
        .blocking(move |store| {
            let info = find_version(store, year, metric_of(&metric)?, Some(v))?;
            version_page(store, &viewer, &info, false, None, q.compare)
        })
        .await?)
}

/// `?compare=W`: show version W beside this one.
#[derive(serde::Deserialize)]
pub struct CompareQuery {
    compare: Option<u32>,
}

/// Asks to confirm an approval, showing the targets' totals before and after.
pub async fn confirm_approval(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((year, metric, v)): VersionPath,
) -> PageResult {
    Ok(state
        .blocking(move |store| {
            let info = find_version(store, year, metric_of(&metric)?, Some(v))?;
            version_page(store, &viewer, &info, true, None, None)
        })
        .await?)
}

/// Approves a version: its rows become the targets of the year and metric (audited).
pub async fn submit_approval(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((year, metric, v)): VersionPath,
) -> PageResult {
    Ok(state
        .blocking(move |store| {
            let metric = metric_of(&metric)?;
            find_version(store, year, metric, Some(v))?;
            let approval = attain_planning::approve(store, year, metric, v, &viewer.email)?;
            version_page(
                store,
                &viewer,
                &approval.version,
                false,
                Some(&approval),
                None,
            )
        })
        .await?)
}

/// One row of a reconciliation.
pub struct ReconRow {
    children: Amount,
    reps: Amount,
    problem: bool,
}

fn recon_rows(r: &Reconciliation, names: &Names, cur: &Currency) -> Vec<(NodeRow, ReconRow)> {
    r.nodes
        .iter()
        .map(|n| {
            let problem = n.children != n.target && !n.leaf;
            (
                NodeRow {
                    id: n.territory_id.clone(),
                    name: names.territory(&n.territory_id),
                    depth: (n.depth as usize).min(8),
                    leaf: n.leaf,
                    annual: money(n.target, cur),
                    months: months_of(&n.months, cur),
                    overassigned: gap(n.overassigned, cur),
                    unassigned: gap(n.unassigned, cur),
                    hire: gap(n.hire_gap, cur),
                    leaver: gap(n.leaver_gap, cur),
                    ramp: gap(n.ramp_gap, cur),
                    warn: n.unassigned != Money::ZERO,
                },
                ReconRow {
                    children: money(n.children, cur),
                    reps: money(n.reps, cur),
                    problem,
                },
            )
        })
        .collect()
}

#[derive(Template)]
#[template(path = "plan_reconciliation.html")]
struct ReconPage {
    chrome: Chrome,
    year: i32,
    metric: String,
    metrics: Vec<&'static str>,
    version: Option<VersionLine>,
    versions: Vec<u32>,
    params: String,
    rows: Vec<(NodeRow, ReconRow)>,
    problems: Vec<String>,
}

/// The query of the reconciliation page.
#[derive(Debug, Default, serde::Deserialize)]
pub struct ReconQuery {
    year: Option<i32>,
    #[serde(default)]
    metric: String,
    version: Option<u32>,
}

/// Shows the reconciliation of a version (default: the approved one, else the latest draft).
pub async fn show_reconciliation(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(q): Query<ReconQuery>,
) -> PageResult {
    Ok(state
        .blocking(move |store| {
            let mut conn = store.conn()?;
            let company = Company::load(&mut conn)?;
            let cur = &company.currency;
            let year = q.year.unwrap_or(company.today().0);
            attain_planning::params::check_year(year).map_err(|e| Fail::BadRequest(e.message))?;
            let metric = if q.metric.is_empty() {
                Metric::Bookings
            } else {
                Metric::parse(&q.metric).map_err(|e| Fail::BadRequest(format!("metric {e}")))?
            };
            let versions: Vec<u32> = attain_planning::versions(store, year, metric)?
                .iter()
                .map(|v| v.version)
                .collect();
            let mut page = ReconPage {
                chrome: Chrome::new(
                    &viewer,
                    &company,
                    "Reconciliation",
                    "plan",
                    "reconciliation",
                ),
                year,
                metric: metric.as_str().to_owned(),
                metrics: vec!["bookings", "revenue", "margin"],
                version: None,
                versions,
                params: String::new(),
                rows: Vec::new(),
                problems: Vec::new(),
            };
            if q.version.is_some() || !page.versions.is_empty() {
                let info = find_version(store, year, metric, q.version)?;
                let r = attain_planning::reconcile(store, year, metric, Some(info.version))?;
                let names = Names::load(&mut conn)?;
                page.params = info.params.describe();
                page.version = Some(version_line(&info, cur));
                page.rows = recon_rows(&r, &names, cur);
                page.problems = r.problems;
            }
            render(&page)
        })
        .await?)
}
