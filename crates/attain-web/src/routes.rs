//! The route registry: every route of the application with its access rule. The router is built
//! from this list and nothing else, so a route cannot exist without a rule; the access guard
//! that each route is wrapped in authenticates the request, applies the rule, checks the CSRF
//! token of state-changing requests and hands the handler its [`Viewer`].

use crate::auth::session::{self, COOKIE, PRE_COOKIE};
use crate::auth::users;
use crate::error::{Fail, json_error, page_error};
use crate::viewer::{Via, Viewer};
use crate::{AppState, api, assets, pages};
use axum::Router;
use axum::body::Body;
use axum::extract::{DefaultBodyLimit, FromRequest, MatchedPath, Multipart, Request};
use axum::handler::Handler;
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{MethodFilter, MethodRouter, on};
use std::time::Instant;
use tracing::Instrument;

/// Who may use a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone, signed in or not.
    Public,
    /// Any signed-in user; what they see inside is narrowed by their [`Viewer`] scope.
    SignedIn,
    /// Sales operations only (`403` for other roles).
    SalesOps,
}

/// Whether a route answers people (pages) or programs (JSON).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Surface {
    /// HTML: an anonymous visitor is sent to the sign-in page.
    Page,
    /// JSON: an anonymous caller gets `401`.
    Api,
}

/// One route: method, path, rule, and its handler.
pub struct Route {
    /// The HTTP method.
    pub method: Method,
    /// The path pattern, like `/people/{person_id}`.
    pub path: &'static str,
    /// Who may use it.
    pub access: Access,
    /// Pages or API.
    pub surface: Surface,
    /// One line saying what it does (also the OpenAPI summary).
    pub summary: &'static str,
    handler: MethodRouter<AppState>,
}

fn route<H, T>(
    method: Method,
    path: &'static str,
    access: Access,
    surface: Surface,
    summary: &'static str,
    handler: H,
) -> Route
where
    H: Handler<T, AppState>,
    T: 'static,
{
    let filter = MethodFilter::try_from(method.clone()).unwrap_or(MethodFilter::GET);
    Route {
        method,
        path,
        access,
        surface,
        summary,
        handler: on(filter, handler),
    }
}

/// Returns every route of the application with its rule.
pub fn registry() -> Vec<Route> {
    use Access::{Public, SalesOps, SignedIn};
    use Surface::{Api, Page};
    let (get, post) = (Method::GET, Method::POST);
    vec![
        route(
            get.clone(),
            "/health",
            Public,
            Api,
            "Liveness and database check",
            health,
        ),
        route(
            get.clone(),
            "/static/{file}",
            Public,
            Page,
            "Embedded stylesheet and script",
            assets::get_asset,
        ),
        route(
            get.clone(),
            "/signin",
            Public,
            Page,
            "The sign-in form",
            pages::signin::show_signin,
        ),
        route(
            post.clone(),
            "/signin",
            Public,
            Page,
            "Sign in with email and password",
            pages::signin::submit_signin,
        ),
        route(
            post.clone(),
            "/signout",
            SignedIn,
            Page,
            "Sign out (ends the session)",
            pages::signin::submit_signout,
        ),
        route(
            get.clone(),
            "/",
            SignedIn,
            Page,
            "Home: my numbers, my team's, or the company's",
            pages::home::show_home,
        ),
        route(
            get.clone(),
            "/people",
            SignedIn,
            Page,
            "The people one may see",
            pages::people::list_people,
        ),
        route(
            get.clone(),
            "/people/{person_id}",
            SignedIn,
            Page,
            "A person's page",
            pages::people::show_person,
        ),
        route(
            get.clone(),
            "/territories",
            SignedIn,
            Page,
            "The territory tree with results",
            pages::territories::show_territories,
        ),
        route(
            post.clone(),
            "/territories",
            SalesOps,
            Page,
            "Add or change a territory: name, parent, target market (audited)",
            pages::territories::save_territory,
        ),
        route(
            get.clone(),
            "/territories/moves",
            SalesOps,
            Page,
            "Move accounts to a territory from a date: the form",
            pages::moves::show_moves,
        ),
        route(
            post.clone(),
            "/territories/moves",
            SalesOps,
            Page,
            "Preview a move of accounts (writes nothing) or apply it as alignments (audited)",
            pages::moves::submit_moves,
        ),
        route(
            get.clone(),
            "/territories/balance",
            SalesOps,
            Page,
            "Territory balance: accounts, potential, open pipeline, last year per territory and rep",
            pages::balance::show_balance,
        ),
        route(
            get.clone(),
            "/accounts",
            SignedIn,
            Page,
            "Accounts: search and pages",
            pages::accounts::list_accounts,
        ),
        route(
            get.clone(),
            "/accounts/{account_id}",
            SignedIn,
            Page,
            "An account with contacts, opportunities, activities",
            pages::accounts::show_account,
        ),
        route(
            get.clone(),
            "/accounts/key",
            SignedIn,
            Page,
            "Key accounts with their coverage in the last 90 days and the gaps",
            pages::account_map::list_key_accounts,
        ),
        route(
            get.clone(),
            "/accounts/{account_id}/map",
            SignedIn,
            Page,
            "An account's map: org chart, decision process, coverage and gaps",
            pages::account_map::show_map,
        ),
        route(
            post.clone(),
            "/accounts/{account_id}/map/steps",
            SignedIn,
            Page,
            "Add or change a step of an account's decision process (audited)",
            pages::account_map::save_step,
        ),
        route(
            post.clone(),
            "/accounts/{account_id}/map/steps/{step}/delete",
            SignedIn,
            Page,
            "Remove a step of an account's decision process (audited)",
            pages::account_map::delete_step,
        ),
        route(
            get.clone(),
            "/plan/territory",
            SignedIn,
            Page,
            "Territory plans: mine and the status of my team's, for a year",
            pages::territory_plan::list_plans,
        ),
        route(
            get.clone(),
            "/plan/territory/template",
            SalesOps,
            Page,
            "The territory plan template: headings, prompts and maximum lengths",
            pages::plan_template::show_template,
        ),
        route(
            post.clone(),
            "/plan/territory/template",
            SalesOps,
            Page,
            "Change the territory plan template (audited)",
            pages::plan_template::save_template,
        ),
        route(
            get.clone(),
            "/plan/territory/{person_id}/{year}",
            SignedIn,
            Page,
            "A territory plan with its progress, edit and workflow forms, and versions",
            pages::territory_plan::show_plan,
        ),
        route(
            post.clone(),
            "/plan/territory/{person_id}/{year}",
            SignedIn,
            Page,
            "Save a territory plan's texts and key accounts (its salesperson only; audited)",
            pages::territory_plan::save_plan,
        ),
        route(
            post.clone(),
            "/plan/territory/{person_id}/{year}/submit",
            SignedIn,
            Page,
            "Submit a territory plan to the manager (its salesperson only; audited)",
            pages::territory_plan::submit_plan,
        ),
        route(
            post.clone(),
            "/plan/territory/{person_id}/{year}/agree",
            SignedIn,
            Page,
            "Agree a submitted territory plan (manager or above, or sales ops; audited)",
            pages::territory_plan::agree_plan,
        ),
        route(
            post.clone(),
            "/plan/territory/{person_id}/{year}/return",
            SignedIn,
            Page,
            "Return a submitted territory plan to draft with a comment (audited)",
            pages::territory_plan::return_plan,
        ),
        route(
            get.clone(),
            "/plan/territory/{person_id}/{year}/print",
            SignedIn,
            Page,
            "A territory plan's one-page print view (?paper=a4|letter)",
            pages::territory_plan::print_plan,
        ),
        route(
            get.clone(),
            "/plan/territory/{person_id}/{year}/pdf",
            SignedIn,
            Page,
            "A territory plan as a one-page PDF made by headless Chromium (?paper=a4|letter)",
            pages::territory_plan::plan_pdf,
        ),
        route(
            get.clone(),
            "/plan/territory/{person_id}/{year}/versions/{version}",
            SignedIn,
            Page,
            "A kept (submitted or agreed) version of a territory plan",
            pages::territory_plan::show_version,
        ),
        route(
            get.clone(),
            "/api/v1/people/{person_id}/territory-plans/{year}",
            SignedIn,
            Api,
            "A territory plan: status, sections, key accounts and versions",
            api::territory_plan::get_plan,
        ),
        route(
            post.clone(),
            "/api/v1/people/{person_id}/territory-plans/{year}/{action}",
            SignedIn,
            Api,
            "Save, submit, agree or return a territory plan (audited; 422 names the refusal)",
            api::territory_plan::change_plan,
        ),
        route(
            get.clone(),
            "/accounts/new",
            SignedIn,
            Page,
            "The form of a new account",
            pages::records::new_account,
        ),
        route(
            post.clone(),
            "/accounts",
            SignedIn,
            Page,
            "Create an account (audited; executives read only)",
            pages::records::create_account,
        ),
        route(
            get.clone(),
            "/accounts/{account_id}/edit",
            SignedIn,
            Page,
            "The form of an account",
            pages::records::edit_account,
        ),
        route(
            post.clone(),
            "/accounts/{account_id}",
            SignedIn,
            Page,
            "Change an account (audited)",
            pages::records::update_account,
        ),
        route(
            get.clone(),
            "/contacts/new",
            SignedIn,
            Page,
            "The form of a new contact of an account",
            pages::records::new_contact,
        ),
        route(
            post.clone(),
            "/contacts",
            SignedIn,
            Page,
            "Add a contact to an account's map (audited)",
            pages::records::create_contact,
        ),
        route(
            get.clone(),
            "/contacts/{contact_id}/edit",
            SignedIn,
            Page,
            "The form of a contact",
            pages::records::edit_contact,
        ),
        route(
            post.clone(),
            "/contacts/{contact_id}",
            SignedIn,
            Page,
            "Change a contact (audited)",
            pages::records::update_contact,
        ),
        route(
            get.clone(),
            "/opportunities",
            SignedIn,
            Page,
            "Opportunities: search and filters (owner, stage, forecast, status, close dates)",
            pages::pipeline::list_opportunities,
        ),
        route(
            get.clone(),
            "/opportunities/new",
            SignedIn,
            Page,
            "The form of a new opportunity",
            pages::records::new_opportunity,
        ),
        route(
            post.clone(),
            "/opportunities",
            SignedIn,
            Page,
            "Create an opportunity: its first stage is recorded (audited)",
            pages::records::create_opportunity,
        ),
        route(
            get.clone(),
            "/opportunities/{opportunity_id}",
            SignedIn,
            Page,
            "An opportunity with its stage history, activities and booking",
            pages::pipeline::show_opportunity,
        ),
        route(
            get.clone(),
            "/opportunities/{opportunity_id}/edit",
            SignedIn,
            Page,
            "The form of an opportunity, with its stage",
            pages::records::edit_opportunity,
        ),
        route(
            post.clone(),
            "/opportunities/{opportunity_id}",
            SignedIn,
            Page,
            "Change an opportunity: stage history, booking when closed won, reversal when reopened (audited)",
            pages::records::update_opportunity,
        ),
        route(
            get.clone(),
            "/activities",
            SignedIn,
            Page,
            "Activities: by person, type and dates",
            pages::pipeline::list_activities,
        ),
        route(
            get.clone(),
            "/activities/new",
            SignedIn,
            Page,
            "The form to log an activity",
            pages::records::new_activity,
        ),
        route(
            post.clone(),
            "/activities",
            SignedIn,
            Page,
            "Log an activity (audited)",
            pages::records::create_activity,
        ),
        route(
            get.clone(),
            "/activities/{activity_id}/edit",
            SignedIn,
            Page,
            "The form of an activity",
            pages::records::edit_activity,
        ),
        route(
            post.clone(),
            "/activities/{activity_id}",
            SignedIn,
            Page,
            "Change an activity (audited)",
            pages::records::update_activity,
        ),
        route(
            get.clone(),
            "/profile",
            SignedIn,
            Page,
            "My sign-in and API tokens",
            pages::profile::show_profile,
        ),
        route(
            post.clone(),
            "/profile/tokens",
            SignedIn,
            Page,
            "Create a personal API token",
            pages::profile::create_token,
        ),
        route(
            get.clone(),
            "/plan/objectives",
            SignedIn,
            Page,
            "Plan › Objectives: a person's, team's or territory's objective against actual",
            pages::objectives::show_objectives,
        ),
        route(
            get.clone(),
            "/plan/variance",
            SignedIn,
            Page,
            "Plan › Variance report across the people one may see (CSV with format=csv)",
            pages::objectives::show_variance,
        ),
        route(
            get.clone(),
            "/plan/adjustments",
            SignedIn,
            Page,
            "Plan › Adjustments: proposed changes to people's objectives",
            pages::adjustments::list_adjustments,
        ),
        route(
            post.clone(),
            "/plan/adjustments",
            SignedIn,
            Page,
            "Propose a change to a person's objective (managers, directors, sales ops)",
            pages::adjustments::propose_adjustment,
        ),
        route(
            post.clone(),
            "/plan/adjustments/{adjustment_id}",
            SalesOps,
            Page,
            "Approve (writes the target, audited) or reject a proposed adjustment",
            pages::adjustments::decide_adjustment,
        ),
        route(
            get.clone(),
            "/plan/allocation",
            SalesOps,
            Page,
            "Plan › Allocation: the form and the versions of a year and metric",
            pages::plan::show_allocation,
        ),
        route(
            post.clone(),
            "/plan/allocation",
            SalesOps,
            Page,
            "Preview an allocation (writes nothing) or save it as a draft version",
            pages::plan::submit_allocation,
        ),
        route(
            get.clone(),
            "/plan/versions/{year}/{metric}/{version}",
            SalesOps,
            Page,
            "A version of an allocation with its rows",
            pages::plan::show_version,
        ),
        route(
            get.clone(),
            "/plan/versions/{year}/{metric}/{version}/approve",
            SalesOps,
            Page,
            "Confirm an approval: the targets' totals before and after",
            pages::plan::confirm_approval,
        ),
        route(
            post.clone(),
            "/plan/versions/{year}/{metric}/{version}/approve",
            SalesOps,
            Page,
            "Approve a version: its rows become the targets (audited)",
            pages::plan::submit_approval,
        ),
        route(
            get.clone(),
            "/plan/reconciliation",
            SalesOps,
            Page,
            "Plan › Reconciliation of a version, node by node",
            pages::plan::show_reconciliation,
        ),
        route(
            get.clone(),
            "/admin/import",
            SalesOps,
            Page,
            "The data import form",
            pages::admin::show_import,
        ),
        route(
            post.clone(),
            "/admin/import",
            SalesOps,
            Page,
            "Import uploaded dataset files",
            pages::admin::submit_import,
        ),
        route(
            get.clone(),
            "/admin/users",
            SalesOps,
            Page,
            "Sign-ins: list and search",
            pages::users::list_users,
        ),
        route(
            post.clone(),
            "/admin/users",
            SalesOps,
            Page,
            "Create a sign-in with a generated password",
            pages::users::create_user,
        ),
        route(
            post.clone(),
            "/admin/users/{user_id}",
            SalesOps,
            Page,
            "Change a sign-in's role, person or access",
            pages::users::update_user,
        ),
        route(
            get.clone(),
            "/admin/audit",
            SalesOps,
            Page,
            "The audit log, filtered and paginated",
            pages::admin::list_audit,
        ),
        route(
            get.clone(),
            "/admin/crm-import",
            SalesOps,
            Page,
            "The CRM import: upload a CRM export",
            pages::crm::show_upload,
        ),
        route(
            post.clone(),
            "/admin/crm-import",
            SalesOps,
            Page,
            "Upload a CRM export (multipart) and go to its mapping page",
            pages::crm::submit_upload,
        ),
        route(
            get.clone(),
            "/admin/crm-import/{token}",
            SalesOps,
            Page,
            "Map an uploaded CRM export's columns and values to Attain's fields",
            pages::crm::show_mapping,
        ),
        route(
            post.clone(),
            "/admin/crm-import/{token}/preview",
            SalesOps,
            Page,
            "Preview a CRM import through a mapping (remembered); nothing is written",
            pages::crm::submit_preview,
        ),
        route(
            post.clone(),
            "/admin/crm-import/{token}/import",
            SalesOps,
            Page,
            "Import a previewed CRM export in one transaction",
            pages::crm::submit_import,
        ),
        route(
            get.clone(),
            "/pay/plan",
            SignedIn,
            Page,
            "A person's plan document and its acceptance",
            pages::pay::plan::show_plan,
        ),
        route(
            post.clone(),
            "/pay/plan/accept",
            SignedIn,
            Page,
            "Accept the version of one's own plan that was read",
            pages::pay::plan::accept_plan,
        ),
        route(
            get.clone(),
            "/pay/acceptance",
            SignedIn,
            Page,
            "Who has not accepted the plan in force (visible people)",
            pages::pay::plan::show_acceptance,
        ),
        route(
            get.clone(),
            "/pay/statements",
            SignedIn,
            Page,
            "A person's statements of a year",
            pages::pay::statements::list_statements,
        ),
        route(
            get.clone(),
            "/pay/statements/{person_id}/{year}/{month}",
            SignedIn,
            Page,
            "A person's monthly statement",
            pages::pay::statements::show_statement,
        ),
        route(
            get.clone(),
            "/pay/statements/{person_id}/{year}/{month}/credits",
            SignedIn,
            Page,
            "The credits behind a statement's payout lines",
            pages::pay::statements::show_statement_credits,
        ),
        route(
            get.clone(),
            "/pay/credits/{person_id}/{year}/{month}/{metric}",
            SignedIn,
            Page,
            "The transactions behind a month's credit",
            pages::pay::statements::show_credit_transactions,
        ),
        route(
            get.clone(),
            "/pay/whatif/{person_id}",
            SignedIn,
            Page,
            "What-if: a hypothetical deal's effect on pay (nothing saved)",
            pages::pay::whatif::show_whatif,
        ),
        route(
            get.clone(),
            "/pay/team",
            SignedIn,
            Page,
            "Team payouts: the visible people's pay, month or year to date",
            pages::pay::team::show_team,
        ),
        route(
            get.clone(),
            "/pay/team/export.csv",
            SalesOps,
            Page,
            "The month's payout lines and adjustments as CSV",
            pages::pay::team::export_team_csv,
        ),
        route(
            get.clone(),
            "/pay/team/export.xlsx",
            SalesOps,
            Page,
            "The month's payout lines and adjustments as XLSX",
            pages::pay::team::export_team_xlsx,
        ),
        route(
            get.clone(),
            "/pay/inquiries",
            SignedIn,
            Page,
            "Inquiries on the visible people's statements",
            pages::pay::inquiries::list_inquiries,
        ),
        route(
            post.clone(),
            "/pay/inquiries",
            SignedIn,
            Page,
            "Raise an inquiry on a line of one's own statement",
            pages::pay::inquiries::raise_inquiry,
        ),
        route(
            get.clone(),
            "/pay/inquiries/{inquiry_id}",
            SignedIn,
            Page,
            "An inquiry and its thread",
            pages::pay::inquiries::show_inquiry,
        ),
        route(
            post.clone(),
            "/pay/inquiries/{inquiry_id}/replies",
            SignedIn,
            Page,
            "Reply to an inquiry (its person, or sales ops)",
            pages::pay::inquiries::reply_inquiry,
        ),
        route(
            post.clone(),
            "/pay/inquiries/{inquiry_id}/resolve",
            SalesOps,
            Page,
            "Resolve an inquiry with an adjustment in an open month",
            pages::pay::inquiries::resolve_inquiry,
        ),
        route(
            post.clone(),
            "/pay/inquiries/{inquiry_id}/reject",
            SalesOps,
            Page,
            "Reject an inquiry with a reason",
            pages::pay::inquiries::reject_inquiry,
        ),
        route(
            get.clone(),
            "/pay/close",
            SalesOps,
            Page,
            "Month close: the year's months, closed or open, with totals",
            pages::pay::close::show_close,
        ),
        route(
            post.clone(),
            "/pay/close/{year}/calculate",
            SalesOps,
            Page,
            "Recalculate the year",
            pages::pay::close::submit_calculate,
        ),
        route(
            get.clone(),
            "/pay/close/{year}/{month}",
            SalesOps,
            Page,
            "Confirm closing every open month through this one",
            pages::pay::close::show_confirm_close,
        ),
        route(
            post.clone(),
            "/pay/close/{year}/{month}/lock",
            SalesOps,
            Page,
            "Close every open month through this one",
            pages::pay::close::submit_lock,
        ),
        route(
            post.clone(),
            "/pay/close/{year}/{month}/unlock",
            SalesOps,
            Page,
            "Reopen the latest closed month, with a reason",
            pages::pay::close::submit_unlock,
        ),
        route(
            get.clone(),
            "/pay/close/{year}/{month}/payroll.csv",
            SalesOps,
            Page,
            "The payroll file of a closed month",
            pages::pay::close::export_payroll,
        ),
        route(
            get.clone(),
            "/api/v1/me",
            SignedIn,
            Api,
            "The signed-in user",
            api::get_me,
        ),
        route(
            get.clone(),
            "/api/v1/people",
            SignedIn,
            Api,
            "Every person the caller may see",
            api::list_people,
        ),
        route(
            get.clone(),
            "/api/v1/people/{person_id}",
            SignedIn,
            Api,
            "One person",
            api::get_person,
        ),
        route(
            get.clone(),
            "/api/v1/people/{person_id}/credits",
            SignedIn,
            Api,
            "A person's credits for a year",
            api::list_credits,
        ),
        route(
            get.clone(),
            "/api/v1/people/{person_id}/payouts",
            SignedIn,
            Api,
            "A person's payouts for a year",
            api::list_payouts,
        ),
        route(
            get.clone(),
            "/api/v1/people/{person_id}/statements/{year}/{month}",
            SignedIn,
            Api,
            "A person's statement for a month",
            api::get_statement,
        ),
        route(
            get.clone(),
            "/api/v1/people/{person_id}/whatif",
            SignedIn,
            Api,
            "What-if: a hypothetical deal's effect on a person's pay (nothing saved)",
            api::get_whatif,
        ),
        route(
            get.clone(),
            "/api/v1/inquiries",
            SignedIn,
            Api,
            "Inquiries on the statements of the people the caller may see",
            api::list_inquiries,
        ),
        route(
            get.clone(),
            "/api/v1/territories/{territory_id}/results",
            SignedIn,
            Api,
            "A territory's results for a year",
            api::list_territory_results,
        ),
        route(
            post.clone(),
            "/api/v1/imports",
            SalesOps,
            Api,
            "Import dataset files (multipart)",
            api::create_import,
        ),
        route(
            get.clone(),
            "/api/v1/accounts/{account_id}/map",
            SignedIn,
            Api,
            "An account's map: contacts, roles, reports_to, decision steps, coverage and gaps",
            api::account_map::get_account_map,
        ),
        route(
            get.clone(),
            "/api/v1/accounts",
            SignedIn,
            Api,
            "The accounts the caller may see, searched and filtered",
            api::records::list_accounts,
        ),
        route(
            post.clone(),
            "/api/v1/accounts",
            SignedIn,
            Api,
            "Create an account (audited; 422 names a refused field)",
            api::records::create_account,
        ),
        route(
            get.clone(),
            "/api/v1/accounts/{account_id}",
            SignedIn,
            Api,
            "One account",
            api::records::get_account,
        ),
        route(
            post.clone(),
            "/api/v1/accounts/{account_id}",
            SignedIn,
            Api,
            "Change an account: fields left out keep their values (audited)",
            api::records::update_account,
        ),
        route(
            get.clone(),
            "/api/v1/contacts",
            SignedIn,
            Api,
            "The contacts the caller may see, searched and filtered",
            api::records::list_contacts,
        ),
        route(
            post.clone(),
            "/api/v1/contacts",
            SignedIn,
            Api,
            "Create a contact (audited; 422 names a refused field)",
            api::records::create_contact,
        ),
        route(
            get.clone(),
            "/api/v1/contacts/{contact_id}",
            SignedIn,
            Api,
            "One contact",
            api::records::get_contact,
        ),
        route(
            post.clone(),
            "/api/v1/contacts/{contact_id}",
            SignedIn,
            Api,
            "Change a contact: fields left out keep their values (audited)",
            api::records::update_contact,
        ),
        route(
            get.clone(),
            "/api/v1/opportunities",
            SignedIn,
            Api,
            "The opportunities the caller may see, searched and filtered",
            api::records::list_opportunities,
        ),
        route(
            post.clone(),
            "/api/v1/opportunities",
            SignedIn,
            Api,
            "Create an opportunity (audited; 422 names a refused field)",
            api::records::create_opportunity,
        ),
        route(
            get.clone(),
            "/api/v1/opportunities/{opportunity_id}",
            SignedIn,
            Api,
            "One opportunity",
            api::records::get_opportunity,
        ),
        route(
            post.clone(),
            "/api/v1/opportunities/{opportunity_id}",
            SignedIn,
            Api,
            "Change an opportunity: fields left out keep their values (audited)",
            api::records::update_opportunity,
        ),
        route(
            get.clone(),
            "/api/v1/activities",
            SignedIn,
            Api,
            "The activities the caller may see, searched and filtered",
            api::records::list_activities,
        ),
        route(
            post.clone(),
            "/api/v1/activities",
            SignedIn,
            Api,
            "Create an activity (audited; 422 names a refused field)",
            api::records::create_activity,
        ),
        route(
            get.clone(),
            "/api/v1/activities/{activity_id}",
            SignedIn,
            Api,
            "One activity",
            api::records::get_activity,
        ),
        route(
            post.clone(),
            "/api/v1/activities/{activity_id}",
            SignedIn,
            Api,
            "Change an activity: fields left out keep their values (audited)",
            api::records::update_activity,
        ),
        route(
            post.clone(),
            "/api/v1/crm-imports",
            SalesOps,
            Api,
            "Import a CRM export through a column mapping (multipart: file, kind, mapping, dry_run)",
            api::crm::create_crm_import,
        ),
        route(
            get.clone(),
            "/team/training",
            SignedIn,
            Page,
            "Team: the training catalogue by kind, with one's own status",
            pages::training::list_trainings,
        ),
        route(
            post.clone(),
            "/team/training",
            SalesOps,
            Page,
            "Add a training session or change one (audited)",
            pages::training::save_training,
        ),
        route(
            get.clone(),
            "/team/training/{training_id}",
            SignedIn,
            Page,
            "A training session with the records of the people one may see",
            pages::training::show_training,
        ),
        route(
            post.clone(),
            "/team/training/{training_id}/records",
            SignedIn,
            Page,
            "Record a person's registration, attendance or completion (managers, directors, sales ops)",
            pages::training::record_training,
        ),
        route(
            get.clone(),
            "/team/gaps",
            SignedIn,
            Page,
            "Training gaps: required by the job and not completed, per person",
            pages::training::show_gaps,
        ),
        route(
            get.clone(),
            "/team/recognition",
            SignedIn,
            Page,
            "The team's recognition feed and the form to give one",
            pages::recognition::list_recognitions,
        ),
        route(
            post.clone(),
            "/team/recognition",
            SignedIn,
            Page,
            "Give a recognition, optionally with a SPIFF paid as an adjustment (audited)",
            pages::recognition::give_recognition,
        ),
        route(
            get.clone(),
            "/team/leaderboards",
            SignedIn,
            Page,
            "Leaderboards by attainment, bookings or activity over a period",
            pages::leaderboards::show_leaderboards,
        ),
        route(
            get.clone(),
            "/api/v1/trainings",
            SignedIn,
            Api,
            "The training catalogue with the jobs requiring each session",
            api::team::list_trainings,
        ),
        route(
            get.clone(),
            "/api/v1/people/{person_id}/trainings",
            SignedIn,
            Api,
            "A person's training records, requirements and gaps",
            api::team::get_person_trainings,
        ),
        route(
            get.clone(),
            "/api/v1/recognitions",
            SignedIn,
            Api,
            "The recognitions of the caller's team",
            api::team::list_recognitions,
        ),
        route(
            post.clone(),
            "/api/v1/recognitions",
            SignedIn,
            Api,
            "Give a recognition, optionally with a SPIFF (403 when the caller may not pay it)",
            api::team::create_recognition,
        ),
        route(
            get.clone(),
            "/api/v1/leaderboards",
            SignedIn,
            Api,
            "A leaderboard of the caller's team (by, period)",
            api::team::get_leaderboard,
        ),
        route(
            get.clone(),
            "/api/v1/openapi.json",
            Public,
            Api,
            "This API's OpenAPI document",
            api::openapi::get_openapi,
        ),
        route(
            get.clone(),
            "/pipeline/team",
            SignedIn,
            Page,
            "Team snapshot: everyone's pipeline figures side by side, outliers, forecast roll-up",
            pages::snapshot::team::show_team,
        ),
        route(
            get.clone(),
            "/pipeline/team/export.csv",
            SignedIn,
            Page,
            "The team snapshot as CSV",
            pages::snapshot::team::export_team_csv,
        ),
        route(
            get.clone(),
            "/pipeline/snapshot/{person_id}",
            SignedIn,
            Page,
            "A person's snapshot: activities, pipeline, conversion, win rate, velocity, coverage",
            pages::snapshot::person::show_snapshot,
        ),
        route(
            get.clone(),
            "/pipeline/snapshot/{person_id}/records",
            SignedIn,
            Page,
            "The records behind one figure of a person's snapshot",
            pages::snapshot::records::show_records,
        ),
        route(
            get.clone(),
            "/api/v1/people/{person_id}/snapshot",
            SignedIn,
            Api,
            "A person's pipeline snapshot for a week, month or quarter, with the previous period",
            api::snapshot::get_person_snapshot,
        ),
        route(
            get.clone(),
            "/api/v1/team/snapshot",
            SignedIn,
            Api,
            "A team's pipeline snapshot: every person's figures, outliers and the forecast",
            api::snapshot::get_team_snapshot,
        ),
        route(
            get.clone(),
            "/coaching",
            SignedIn,
            Page,
            "Coaching: my team's cadence (or ?manager=), My coaching for a rep",
            pages::coaching::show_coaching,
        ),
        route(
            get.clone(),
            "/coaching/sessions",
            SignedIn,
            Page,
            "The coaching sessions one may see, by person, kind and dates",
            pages::coaching_sessions::list_sessions,
        ),
        route(
            get.clone(),
            "/coaching/sessions/new",
            SignedIn,
            Page,
            "The form to record a coaching session (managers, directors, sales ops)",
            pages::coaching_sessions::new_session,
        ),
        route(
            post.clone(),
            "/coaching/sessions",
            SignedIn,
            Page,
            "Record a coaching session for someone of one's team (audited)",
            pages::coaching_sessions::create_session,
        ),
        route(
            get.clone(),
            "/coaching/sessions/{session_id}",
            SignedIn,
            Page,
            "One coaching session; private notes only for those allowed",
            pages::coaching_sessions::show_session,
        ),
        route(
            get.clone(),
            "/coaching/sessions/{session_id}/edit",
            SignedIn,
            Page,
            "The form to change a coaching session (its coach, sales ops)",
            pages::coaching_sessions::edit_session,
        ),
        route(
            post.clone(),
            "/coaching/sessions/{session_id}",
            SignedIn,
            Page,
            "Change a coaching session (its coach, sales ops; audited)",
            pages::coaching_sessions::update_session,
        ),
        route(
            post.clone(),
            "/coaching/sessions/{session_id}/reflection",
            SignedIn,
            Page,
            "The coached person's own reflection on a session (audited)",
            pages::coaching_sessions::submit_reflection,
        ),
        route(
            get.clone(),
            "/coaching/actions",
            SignedIn,
            Page,
            "Coaching action items: mine or my team's, open or all",
            pages::coaching::list_actions,
        ),
        route(
            post.clone(),
            "/coaching/actions/{action_id}",
            SignedIn,
            Page,
            "Set an action item's status (owner, person, leaders, sales ops; audited)",
            pages::coaching::update_action,
        ),
        route(
            get.clone(),
            "/coaching/competencies",
            SignedIn,
            Page,
            "The competency model skills are rated on",
            pages::coaching::list_competencies,
        ),
        route(
            post.clone(),
            "/coaching/competencies",
            SalesOps,
            Page,
            "Add or change a competency (audited)",
            pages::coaching::submit_competency,
        ),
        route(
            get.clone(),
            "/api/v1/people/{person_id}/coaching",
            SignedIn,
            Api,
            "A person's coaching sessions (private notes only for those allowed)",
            api::coaching::list_person_coaching,
        ),
        route(
            post.clone(),
            "/api/v1/coaching/sessions",
            SignedIn,
            Api,
            "Record a coaching session (audited; 422 names a refused field)",
            api::coaching::create_session,
        ),
        route(
            get.clone(),
            "/api/v1/coaching/sessions/{session_id}",
            SignedIn,
            Api,
            "One coaching session with its ratings and action items",
            api::coaching::get_session,
        ),
        route(
            post.clone(),
            "/api/v1/coaching/sessions/{session_id}",
            SignedIn,
            Api,
            "Change a coaching session: fields left out keep their values (audited)",
            api::coaching::update_session,
        ),
        route(
            get.clone(),
            "/api/v1/coaching/cadence",
            SignedIn,
            Api,
            "The coaching cadence of one's team and of the managers below",
            api::coaching::get_cadence,
        ),
        route(
            get.clone(),
            "/api/v1/coaching/actions",
            SignedIn,
            Api,
            "Coaching action items: mine or my team's, open or all",
            api::coaching::list_actions,
        ),
        route(
            post.clone(),
            "/api/v1/coaching/actions/{action_id}",
            SignedIn,
            Api,
            "Set an action item's status (audited)",
            api::coaching::update_action,
        ),
        route(
            get.clone(),
            "/jobs",
            SignedIn,
            Page,
            "Expectation-based job descriptions: mission and expected outcomes",
            pages::jobs::show_jobs,
        ),
        route(
            post.clone(),
            "/jobs",
            SalesOps,
            Page,
            "Create or change a job: title, mission, expectations (audited)",
            pages::jobs::save_job,
        ),
        route(
            get.clone(),
            "/people/{person_id}/scorecard",
            SignedIn,
            Page,
            "A person's scorecard: each expectation period by period, met or not, trend",
            pages::scorecards::show_scorecard,
        ),
        route(
            get.clone(),
            "/scorecards",
            SignedIn,
            Page,
            "A team's scorecards at a glance: expectations met in the last complete period",
            pages::scorecards::show_team_scorecards,
        ),
        route(
            get.clone(),
            "/api/v1/jobs",
            SignedIn,
            Api,
            "Every job description with its expectations",
            api::scorecards::get_jobs,
        ),
        route(
            get.clone(),
            "/api/v1/people/{person_id}/scorecard",
            SignedIn,
            Api,
            "A person's scorecard: each expectation period by period",
            api::scorecards::get_scorecard,
        ),
        route(
            get.clone(),
            "/meetings",
            SignedIn,
            Page,
            "The meetings of the viewer's teams, newest first, with the new-meeting form",
            pages::meetings::list_meetings,
        ),
        route(
            post.clone(),
            "/meetings",
            SignedIn,
            Page,
            "Create a team meeting with its agenda pre-filled with each member's figures (the team's manager or sales ops; audited)",
            pages::meetings::create_meeting,
        ),
        route(
            get.clone(),
            "/meetings/template",
            SalesOps,
            Page,
            "The agenda template of new meetings",
            pages::meetings::show_template,
        ),
        route(
            post.clone(),
            "/meetings/template",
            SalesOps,
            Page,
            "Replace the agenda template of new meetings (audited)",
            pages::meetings::save_template,
        ),
        route(
            get.clone(),
            "/meetings/{meeting_id}",
            SignedIn,
            Page,
            "A meeting: agenda by section with the pre-filled figures, attendance, notes, follow-ups",
            pages::meetings::show_meeting,
        ),
        route(
            post.clone(),
            "/meetings/{meeting_id}/refresh",
            SignedIn,
            Page,
            "Recompute a scheduled meeting's pre-filled figures (the team's manager or sales ops; audited)",
            pages::meetings::refresh_meeting,
        ),
        route(
            post.clone(),
            "/meetings/{meeting_id}/minutes",
            SignedIn,
            Page,
            "Save a meeting's attendance, notes and status (the team's manager or sales ops; audited)",
            pages::meetings::save_minutes,
        ),
        route(
            post.clone(),
            "/meetings/{meeting_id}/next",
            SignedIn,
            Page,
            "Schedule the next meeting of a recurring meeting by its cadence, with a fresh agenda (audited)",
            pages::meetings::schedule_next,
        ),
        route(
            post.clone(),
            "/meetings/{meeting_id}/followups",
            SignedIn,
            Page,
            "Add a follow-up to a meeting (the team's manager or sales ops; audited)",
            pages::meetings::add_followup,
        ),
        route(
            post.clone(),
            "/meetings/{meeting_id}/followups/{followup_id}",
            SignedIn,
            Page,
            "Change a follow-up's status (its owner, the team's manager or sales ops; audited)",
            pages::meetings::update_followup,
        ),
        route(
            get.clone(),
            "/api/v1/meetings",
            SignedIn,
            Api,
            "The meetings of the caller's teams, newest first",
            api::meetings::list_meetings,
        ),
        route(
            get.clone(),
            "/api/v1/meetings/{meeting_id}",
            SignedIn,
            Api,
            "A meeting with its agenda (frozen figures), attendance and follow-ups",
            api::meetings::get_meeting,
        ),
        route(
            post.clone(),
            "/api/v1/meetings",
            SignedIn,
            Api,
            "Create a team meeting with its pre-filled agenda (the team's manager or sales ops; audited)",
            api::meetings::create_meeting,
        ),
    ]
}

/// Builds the router from the registry: each route wrapped in its access guard, then request
/// tracing and security headers around everything.
pub fn router(state: AppState) -> Router {
    let mut router = Router::new();
    let limit = state.config.max_upload_bytes;
    for r in registry() {
        let (access, surface) = (r.access, r.surface);
        let guard_state = state.clone();
        let handler = r
            .handler
            .layer::<_, std::convert::Infallible>(middleware::from_fn(
                move |req: Request, next: Next| {
                    guard(guard_state.clone(), access, surface, req, next)
                },
            ))
            .layer(DefaultBodyLimit::max(limit));
        router = router.route(r.path, handler);
    }
    router
        .fallback(not_found)
        .layer(middleware::from_fn(trace))
        .with_state(state)
}

async fn health(axum::extract::State(state): axum::extract::State<AppState>) -> Response {
    let ok = state
        .blocking(|store| -> Result<(), Fail> {
            use attain_store::Executor;
            store.conn()?.query_one("SELECT 1", &[])?;
            Ok(())
        })
        .await;
    match ok {
        Ok(()) => axum::Json(serde_json::json!({"status": "ok"})).into_response(),
        Err(e) => {
            tracing::error!(error.cause = ?e, "health check failed");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                axum::Json(serde_json::json!({"status": "unavailable"})),
            )
                .into_response()
        }
    }
}

async fn not_found(req: Request) -> Response {
    if req.uri().path().starts_with("/api/") {
        json_error(Fail::NotFound)
    } else {
        page_error(Fail::NotFound)
    }
}

/// What the credentials of a request turned out to be.
enum Who {
    Anonymous,
    BadToken,
    Known(Viewer),
}

fn fail(surface: Surface, f: Fail) -> Response {
    match surface {
        Surface::Api => json_error(f),
        Surface::Page => page_error(f),
    }
}

/// The largest body an anonymous request may send (the sign-in form).
const ANONYMOUS_BODY_LIMIT: usize = 64 * 1024;

/// Authenticates, applies the route's rule and the CSRF check, then runs the handler.
async fn guard(
    state: AppState,
    access: Access,
    surface: Surface,
    req: Request,
    next: Next,
) -> Response {
    let headers = req.headers();
    let bearer = headers.get(header::AUTHORIZATION).map(|v| {
        v.to_str()
            .ok()
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(|t| t.trim().to_owned())
            .filter(|t| !t.is_empty())
    });
    let session_id = session::read_cookie(headers, COOKIE).map(str::to_owned);
    let pre_token = session::read_cookie(headers, PRE_COOKIE).map(str::to_owned);
    let config = state.config.clone();
    let who = state
        .blocking(move |store| -> Result<Who, Fail> {
            let mut conn = store.conn()?;
            let today = chrono::Utc::now().date_naive();
            match (bearer, session_id) {
                (Some(None), _) => Ok(Who::BadToken),
                (Some(Some(token)), _) => match users::find_by_token(&mut conn, &token)? {
                    Some(user) => Ok(Who::Known(Viewer::resolve(
                        &mut conn,
                        &user,
                        Via::Token,
                        today,
                    )?)),
                    None => Ok(Who::BadToken),
                },
                (None, Some(id)) => {
                    let now = chrono::Utc::now();
                    let found = session::find(
                        &mut conn,
                        &id,
                        now,
                        config.idle_timeout,
                        config.absolute_timeout,
                    )?;
                    let Some(found) = found else {
                        return Ok(Who::Anonymous);
                    };
                    match users::find_by_id(&mut conn, found.user_id)? {
                        Some(user) => {
                            let via = Via::Session { csrf: found.csrf };
                            Ok(Who::Known(Viewer::resolve(&mut conn, &user, via, today)?))
                        }
                        None => Ok(Who::Anonymous),
                    }
                }
                (None, None) => Ok(Who::Anonymous),
            }
        })
        .await;
    let viewer = match who {
        Err(f) => return fail(surface, f),
        Ok(Who::BadToken) => return fail(surface, Fail::Unauthorized),
        Ok(Who::Anonymous) => None,
        Ok(Who::Known(v)) => Some(v),
    };
    match (&viewer, access) {
        (_, Access::Public) => {}
        (None, _) => {
            return match surface {
                Surface::Api => json_error(Fail::Unauthorized),
                Surface::Page => {
                    let target = req.uri().path_and_query().map_or("/", |p| p.as_str());
                    let query = serde_urlencoded::to_string([("next", target)]).unwrap_or_default();
                    Redirect::to(&format!("/signin?{query}")).into_response()
                }
            };
        }
        (Some(v), Access::SalesOps) if !v.is_sales_ops() => return fail(surface, Fail::Forbidden),
        (Some(_), _) => {}
    }
    let unsafe_method = !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    let mut req = req;
    if unsafe_method {
        let expected = match viewer.as_ref().map(|v| &v.via) {
            Some(Via::Token) => None,
            Some(Via::Session { csrf }) => Some(csrf.clone()),
            None => Some(pre_token.unwrap_or_default()),
        };
        if let Some(expected) = expected {
            // Only signed-in users may send large bodies (uploads); a sign-in form is small.
            let limit = if viewer.is_some() {
                state.config.max_upload_bytes
            } else {
                ANONYMOUS_BODY_LIMIT
            };
            match checked_body(req, &expected, limit).await {
                Ok(r) => req = r,
                Err(resp) => return resp,
            }
        }
    }
    if let Some(v) = viewer {
        req.extensions_mut().insert(v);
    }
    let resp = next.run(req).await;
    if surface == Surface::Api {
        return json_rejection(resp).await;
    }
    resp
}

/// Turns a plain-text client error of an API route (a path or query that does not parse) into
/// the API's JSON error.
async fn json_rejection(resp: Response) -> Response {
    let is_json = resp
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if !resp.status().is_client_error() || is_json {
        return resp;
    }
    let status = resp.status();
    let text = axum::body::to_bytes(resp.into_body(), 16 * 1024)
        .await
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .unwrap_or_default();
    let message = if text.is_empty() {
        status
            .canonical_reason()
            .unwrap_or("bad request")
            .to_owned()
    } else {
        text
    };
    let body = serde_json::json!({ "error": { "code": "bad_request", "message": message } });
    (status, axum::Json(body)).into_response()
}

/// Reads the body, finds the submitted CSRF token (the `X-CSRF-Token` header or a `csrf` form
/// field, urlencoded or multipart) and returns the request rebuilt when it matches.
async fn checked_body(req: Request, expected: &str, limit: usize) -> Result<Request, Response> {
    let rejected = || {
        (
            StatusCode::FORBIDDEN,
            axum::response::Html(
                "<!doctype html><title>Form expired</title><link rel=\"stylesheet\" \
                 href=\"/static/app.css\"><main class=\"narrow\"><h1>This form has expired</h1>\
                 <p>Go back, reload the page and submit it again.</p><p><a href=\"/\">Home</a>\
                 </p></main>",
            ),
        )
            .into_response()
    };
    let (parts, body) = req.into_parts();
    let bytes = match axum::body::to_bytes(body, limit).await {
        Ok(b) => b,
        Err(_) => return Err(StatusCode::PAYLOAD_TOO_LARGE.into_response()),
    };
    let content_type = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    let mut submitted = parts
        .headers
        .get("x-csrf-token")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    if submitted.is_none() && content_type.starts_with("application/x-www-form-urlencoded") {
        let fields: Vec<(String, String)> =
            serde_urlencoded::from_bytes(&bytes).unwrap_or_default();
        submitted = fields
            .into_iter()
            .find(|(k, _)| k == "csrf")
            .map(|(_, v)| v);
    }
    if submitted.is_none() && content_type.starts_with("multipart/form-data") {
        let probe = Request::builder()
            .header(header::CONTENT_TYPE, &content_type)
            .body(Body::from(bytes.clone()));
        if let Ok(probe) = probe
            && let Ok(mut form) = Multipart::from_request(probe, &()).await
        {
            while let Ok(Some(field)) = form.next_field().await {
                if field.name() == Some("csrf") {
                    submitted = field.text().await.ok();
                    break;
                }
            }
        }
    }
    match submitted {
        Some(s) if !expected.is_empty() && crate::auth::same_secret(&s, expected) => {
            Ok(Request::from_parts(parts, Body::from(bytes)))
        }
        _ => {
            tracing::info!("refused a state-changing request without a valid CSRF token");
            Err(rejected())
        }
    }
}

/// Wraps each request in a span named by its route pattern, logs its status and duration, and
/// sets the security headers.
async fn trace(req: Request, next: Next) -> Response {
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |m| m.as_str().to_owned());
    let span = tracing::info_span!(
        "request",
        http.method = %req.method(),
        http.route = %route,
        http.status = tracing::field::Empty,
        duration_ms = tracing::field::Empty,
    );
    let start = Instant::now();
    let mut resp = next.run(req).instrument(span.clone()).await;
    span.record("http.status", resp.status().as_u16());
    span.record("duration_ms", start.elapsed().as_millis() as u64);
    span.in_scope(|| tracing::info!("answered"));
    let h = resp.headers_mut();
    h.insert(
        "x-content-type-options",
        HeaderValue::from_static("nosniff"),
    );
    h.insert("x-frame-options", HeaderValue::from_static("DENY"));
    h.insert("referrer-policy", HeaderValue::from_static("same-origin"));
    h.insert(
        "content-security-policy",
        HeaderValue::from_static(
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; \
             frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
        ),
    );
    if !h.contains_key(header::CACHE_CONTROL) {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    resp
}
