//! Every route, for every role and for an anonymous visitor, answers the expected status. The
//! table below must list exactly the routes of the registry: adding a route without deciding
//! who may use it fails this test. A second test checks that no route is added to the router
//! outside the registry.
#![allow(clippy::unwrap_used)]

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use common::{Browser, TestApp};
use std::collections::BTreeSet;

/// The callers, in the order of the status columns below.
const CALLERS: [Option<&str>; 6] = [
    None,
    Some("r1@x.test"),
    Some("m1@x.test"),
    Some("dir@x.test"),
    Some("exec@x.test"),
    Some("ops@x.test"),
];

/// One route: method, registry pattern, the concrete request, and the status for each caller
/// (anonymous, rep, manager, director, executive, sales ops).
struct Case {
    method: &'static str,
    pattern: &'static str,
    uri: &'static str,
    expect: [u16; 6],
}

const fn case(
    method: &'static str,
    pattern: &'static str,
    uri: &'static str,
    expect: [u16; 6],
) -> Case {
    Case {
        method,
        pattern,
        uri,
        expect,
    }
}

/// Pages: anonymous visitors are sent to sign in (303).
const SIGNED_IN_PAGE: [u16; 6] = [303, 200, 200, 200, 200, 200];
/// API: anonymous callers get 401.
const SIGNED_IN_API: [u16; 6] = [401, 200, 200, 200, 200, 200];
const PUBLIC: [u16; 6] = [200; 6];
/// Sales ops pages: others get 403.
const SALES_OPS_PAGE: [u16; 6] = [303, 403, 403, 403, 403, 200];
/// A form the matrix's fields do not fill: 422 once past the access rule.
const FORM_422: [u16; 6] = [303, 422, 422, 422, 422, 422];
/// A sales record's form: executives read only (403).
const CHANGE_FORM: [u16; 6] = [303, 200, 200, 200, 403, 200];
/// A sales record's form submitted with fields of no record: 422, executives 403.
const WRITE_422: [u16; 6] = [303, 422, 422, 422, 403, 422];
/// The same through the API (a form body is no JSON object).
const API_WRITE_422: [u16; 6] = [401, 422, 422, 422, 403, 422];

fn cases() -> Vec<Case> {
    vec![
        case("GET", "/health", "/health", PUBLIC),
        case("GET", "/static/{file}", "/static/app.css", PUBLIC),
        case("GET", "/signin", "/signin", [200, 303, 303, 303, 303, 303]),
        // Wrong credentials, a valid CSRF token: refused for everyone.
        case("POST", "/signin", "/signin", [401; 6]),
        case("GET", "/", "/", SIGNED_IN_PAGE),
        case("GET", "/people", "/people", SIGNED_IN_PAGE),
        case("GET", "/people/{person_id}", "/people/r1", SIGNED_IN_PAGE),
        case("GET", "/territories", "/territories", SIGNED_IN_PAGE),
        // The matrix's form names no territory: sales ops gets the form back (422).
        case(
            "POST",
            "/territories",
            "/territories",
            [303, 403, 403, 403, 403, 422],
        ),
        case(
            "GET",
            "/territories/moves",
            "/territories/moves",
            SALES_OPS_PAGE,
        ),
        case(
            "GET",
            "/territories/balance",
            "/territories/balance",
            SALES_OPS_PAGE,
        ),
        // The matrix's form has no rule or date: sales ops gets the form back with the field named.
        case(
            "POST",
            "/territories/moves",
            "/territories/moves",
            [303, 403, 403, 403, 403, 422],
        ),
        case("GET", "/accounts", "/accounts", SIGNED_IN_PAGE),
        case(
            "GET",
            "/accounts/{account_id}",
            "/accounts/a1",
            SIGNED_IN_PAGE,
        ),
        case("GET", "/accounts/key", "/accounts/key", SIGNED_IN_PAGE),
        case(
            "GET",
            "/accounts/{account_id}/map",
            "/accounts/a1/map",
            SIGNED_IN_PAGE,
        ),
        // The matrix's form has no step number: everyone who sees the account gets the form back.
        case(
            "POST",
            "/accounts/{account_id}/map/steps",
            "/accounts/a1/map/steps",
            FORM_422,
        ),
        // No such step: 404.
        case(
            "POST",
            "/accounts/{account_id}/map/steps/{step}/delete",
            "/accounts/a1/map/steps/99/delete",
            [303, 404, 404, 404, 404, 404],
        ),
        case("GET", "/profile", "/profile", SIGNED_IN_PAGE),
        case("POST", "/profile/tokens", "/profile/tokens", SIGNED_IN_PAGE),
        // Every sign-in of the matrix acts as a person: their own objectives.
        case(
            "GET",
            "/plan/objectives",
            "/plan/objectives",
            [303, 200, 200, 200, 200, 200],
        ),
        case("GET", "/plan/variance", "/plan/variance", SIGNED_IN_PAGE),
        case(
            "GET",
            "/plan/adjustments",
            "/plan/adjustments",
            SIGNED_IN_PAGE,
        ),
        // The matrix's form names no person: those who may propose get the form back (422).
        case(
            "POST",
            "/plan/adjustments",
            "/plan/adjustments",
            [303, 403, 422, 422, 403, 422],
        ),
        case(
            "POST",
            "/plan/adjustments/{adjustment_id}",
            "/plan/adjustments/999999",
            [303, 403, 403, 403, 403, 404],
        ),
        case(
            "GET",
            "/plan/allocation",
            "/plan/allocation",
            [303, 403, 403, 403, 403, 200],
        ),
        // The matrix's form has no year or total: sales ops gets the form back with the field named.
        case(
            "POST",
            "/plan/allocation",
            "/plan/allocation",
            [303, 403, 403, 403, 403, 422],
        ),
        // No version exists in the matrix's database: 404 for sales ops.
        case(
            "GET",
            "/plan/versions/{year}/{metric}/{version}",
            "/plan/versions/2026/bookings/1",
            [303, 403, 403, 403, 403, 404],
        ),
        case(
            "GET",
            "/plan/versions/{year}/{metric}/{version}/approve",
            "/plan/versions/2026/bookings/1/approve",
            [303, 403, 403, 403, 403, 404],
        ),
        case(
            "POST",
            "/plan/versions/{year}/{metric}/{version}/approve",
            "/plan/versions/2026/bookings/1/approve",
            [303, 403, 403, 403, 403, 404],
        ),
        case(
            "GET",
            "/plan/reconciliation",
            "/plan/reconciliation",
            [303, 403, 403, 403, 403, 200],
        ),
        case(
            "GET",
            "/admin/import",
            "/admin/import",
            [303, 403, 403, 403, 403, 200],
        ),
        // No file chosen: sales ops gets the form back with a message (400).
        case(
            "POST",
            "/admin/import",
            "/admin/import",
            [303, 403, 403, 403, 403, 400],
        ),
        case(
            "GET",
            "/admin/audit",
            "/admin/audit",
            [303, 403, 403, 403, 403, 200],
        ),
        case(
            "GET",
            "/admin/crm-import",
            "/admin/crm-import",
            [303, 403, 403, 403, 403, 200],
        ),
        // No file chosen (the matrix's form is not multipart): sales ops gets 400.
        case(
            "POST",
            "/admin/crm-import",
            "/admin/crm-import",
            [303, 403, 403, 403, 403, 400],
        ),
        // No such upload: 404 for sales ops.
        case(
            "GET",
            "/admin/crm-import/{token}",
            "/admin/crm-import/0123456789abcdef",
            [303, 403, 403, 403, 403, 404],
        ),
        case(
            "POST",
            "/admin/crm-import/{token}/preview",
            "/admin/crm-import/0123456789abcdef/preview",
            [303, 403, 403, 403, 403, 404],
        ),
        case(
            "POST",
            "/admin/crm-import/{token}/import",
            "/admin/crm-import/0123456789abcdef/import",
            [303, 403, 403, 403, 403, 404],
        ),
        case(
            "GET",
            "/admin/users",
            "/admin/users",
            [303, 403, 403, 403, 403, 200],
        ),
        // The matrix's form has no role: sales ops gets the form back with the problem (422).
        case(
            "POST",
            "/admin/users",
            "/admin/users",
            [303, 403, 403, 403, 403, 422],
        ),
        case(
            "POST",
            "/admin/users/{user_id}",
            "/admin/users/999999",
            [303, 403, 403, 403, 403, 422],
        ),
        case("GET", "/pay/plan", "/pay/plan", SIGNED_IN_PAGE),
        // The matrix's form has no year: refused as unreadable (422) for everyone signed in.
        case("POST", "/pay/plan/accept", "/pay/plan/accept", FORM_422),
        case("GET", "/pay/acceptance", "/pay/acceptance", SIGNED_IN_PAGE),
        case("GET", "/pay/statements", "/pay/statements", SIGNED_IN_PAGE),
        case(
            "GET",
            "/pay/statements/{person_id}/{year}/{month}",
            "/pay/statements/r1/2026/1",
            SIGNED_IN_PAGE,
        ),
        case(
            "GET",
            "/pay/statements/{person_id}/{year}/{month}/credits",
            "/pay/statements/r1/2026/1/credits",
            SIGNED_IN_PAGE,
        ),
        case(
            "GET",
            "/pay/credits/{person_id}/{year}/{month}/{metric}",
            "/pay/credits/r1/2026/1/bookings",
            SIGNED_IN_PAGE,
        ),
        case(
            "GET",
            "/pay/whatif/{person_id}",
            "/pay/whatif/r1?year=2026&month=2&amount=1000",
            SIGNED_IN_PAGE,
        ),
        case(
            "GET",
            "/pay/team",
            "/pay/team?year=2026&month=1",
            SIGNED_IN_PAGE,
        ),
        case(
            "GET",
            "/pay/team/export.csv",
            "/pay/team/export.csv?year=2026&month=1",
            SALES_OPS_PAGE,
        ),
        case(
            "GET",
            "/pay/team/export.xlsx",
            "/pay/team/export.xlsx?year=2026&month=1",
            SALES_OPS_PAGE,
        ),
        case("GET", "/pay/inquiries", "/pay/inquiries", SIGNED_IN_PAGE),
        // The matrix's form names no statement: refused as unreadable (422).
        case("POST", "/pay/inquiries", "/pay/inquiries", FORM_422),
        // No such inquiry: 404 for everyone who may look, 403 for those who may not act.
        case(
            "GET",
            "/pay/inquiries/{inquiry_id}",
            "/pay/inquiries/999999",
            [303, 404, 404, 404, 404, 404],
        ),
        case(
            "POST",
            "/pay/inquiries/{inquiry_id}/replies",
            "/pay/inquiries/999999/replies",
            [303, 404, 404, 404, 404, 404],
        ),
        case(
            "POST",
            "/pay/inquiries/{inquiry_id}/resolve",
            "/pay/inquiries/999999/resolve",
            [303, 403, 403, 403, 403, 404],
        ),
        case(
            "POST",
            "/pay/inquiries/{inquiry_id}/reject",
            "/pay/inquiries/999999/reject",
            [303, 403, 403, 403, 403, 404],
        ),
        case("GET", "/api/v1/me", "/api/v1/me", SIGNED_IN_API),
        case("GET", "/api/v1/people", "/api/v1/people", SIGNED_IN_API),
        case(
            "GET",
            "/api/v1/people/{person_id}",
            "/api/v1/people/r1",
            SIGNED_IN_API,
        ),
        case(
            "GET",
            "/api/v1/people/{person_id}/credits",
            "/api/v1/people/r1/credits?year=2026",
            SIGNED_IN_API,
        ),
        case(
            "GET",
            "/api/v1/people/{person_id}/payouts",
            "/api/v1/people/r1/payouts?year=2026",
            SIGNED_IN_API,
        ),
        case(
            "GET",
            "/api/v1/people/{person_id}/statements/{year}/{month}",
            "/api/v1/people/r1/statements/2026/1",
            SIGNED_IN_API,
        ),
        case(
            "GET",
            "/api/v1/people/{person_id}/whatif",
            "/api/v1/people/r1/whatif?year=2026&month=2&amount=1000",
            SIGNED_IN_API,
        ),
        case(
            "GET",
            "/api/v1/inquiries",
            "/api/v1/inquiries",
            SIGNED_IN_API,
        ),
        case("GET", "/meetings", "/meetings", SIGNED_IN_PAGE),
        // The matrix's form names no team: 400 once signed in.
        case(
            "POST",
            "/meetings",
            "/meetings",
            [303, 400, 400, 400, 400, 400],
        ),
        case(
            "GET",
            "/meetings/template",
            "/meetings/template",
            SALES_OPS_PAGE,
        ),
        // The matrix's form has no template row: sales ops gets the form back (400).
        case(
            "POST",
            "/meetings/template",
            "/meetings/template",
            [303, 403, 403, 403, 403, 400],
        ),
        // No such meeting: 404 for every page and form of a meeting.
        case(
            "GET",
            "/meetings/{meeting_id}",
            "/meetings/none",
            [303, 404, 404, 404, 404, 404],
        ),
        case(
            "POST",
            "/meetings/{meeting_id}/refresh",
            "/meetings/none/refresh",
            [303, 404, 404, 404, 404, 404],
        ),
        case(
            "POST",
            "/meetings/{meeting_id}/minutes",
            "/meetings/none/minutes",
            [303, 404, 404, 404, 404, 404],
        ),
        case(
            "POST",
            "/meetings/{meeting_id}/next",
            "/meetings/none/next",
            [303, 404, 404, 404, 404, 404],
        ),
        case(
            "POST",
            "/meetings/{meeting_id}/followups",
            "/meetings/none/followups",
            [303, 404, 404, 404, 404, 404],
        ),
        case(
            "POST",
            "/meetings/{meeting_id}/followups/{followup_id}",
            "/meetings/none/followups/f1",
            [303, 404, 404, 404, 404, 404],
        ),
        case("GET", "/api/v1/meetings", "/api/v1/meetings", SIGNED_IN_API),
        case(
            "GET",
            "/api/v1/meetings/{meeting_id}",
            "/api/v1/meetings/none",
            [401, 404, 404, 404, 404, 404],
        ),
        // A form body is no JSON object: 400.
        case(
            "POST",
            "/api/v1/meetings",
            "/api/v1/meetings",
            [401, 400, 400, 400, 400, 400],
        ),
        case(
            "GET",
            "/api/v1/territories/{territory_id}/results",
            "/api/v1/territories/east1/results?year=2026",
            SIGNED_IN_API,
        ),
        // No file sent: sales ops gets 400.
        case(
            "POST",
            "/api/v1/imports",
            "/api/v1/imports",
            [401, 403, 403, 403, 403, 400],
        ),
        // No file sent: sales ops gets 400.
        case(
            "POST",
            "/api/v1/crm-imports",
            "/api/v1/crm-imports",
            [401, 403, 403, 403, 403, 400],
        ),
        case(
            "GET",
            "/api/v1/accounts/{account_id}/map",
            "/api/v1/accounts/a1/map",
            SIGNED_IN_API,
        ),
        // Territory plans (r1's): r1 saves and submits 2024 (others may not: 403); nobody has
        // submitted 2025, so agreeing or returning it is refused (422) for those above r1 and
        // forbidden to r1 (403); an unknown paper is a bad request before any PDF is made.
        case("GET", "/plan/territory", "/plan/territory", SIGNED_IN_PAGE),
        case(
            "GET",
            "/plan/territory/template",
            "/plan/territory/template",
            SALES_OPS_PAGE,
        ),
        // The matrix's form changes nothing: back to the template.
        case(
            "POST",
            "/plan/territory/template",
            "/plan/territory/template",
            [303, 403, 403, 403, 403, 303],
        ),
        case(
            "GET",
            "/plan/territory/{person_id}/{year}",
            "/plan/territory/r1/2026",
            SIGNED_IN_PAGE,
        ),
        case(
            "POST",
            "/plan/territory/{person_id}/{year}",
            "/plan/territory/r1/2024",
            [303, 303, 403, 403, 403, 403],
        ),
        case(
            "POST",
            "/plan/territory/{person_id}/{year}/submit",
            "/plan/territory/r1/2024/submit",
            [303, 303, 403, 403, 403, 403],
        ),
        case(
            "POST",
            "/plan/territory/{person_id}/{year}/agree",
            "/plan/territory/r1/2025/agree",
            [303, 403, 422, 422, 422, 422],
        ),
        case(
            "POST",
            "/plan/territory/{person_id}/{year}/return",
            "/plan/territory/r1/2025/return",
            [303, 403, 422, 422, 422, 422],
        ),
        case(
            "GET",
            "/plan/territory/{person_id}/{year}/print",
            "/plan/territory/r1/2026/print?paper=letter",
            SIGNED_IN_PAGE,
        ),
        case(
            "GET",
            "/plan/territory/{person_id}/{year}/pdf",
            "/plan/territory/r1/2026/pdf?paper=a3",
            [303, 400, 400, 400, 400, 400],
        ),
        case(
            "GET",
            "/plan/territory/{person_id}/{year}/versions/{version}",
            "/plan/territory/r1/2026/versions/1",
            [303, 404, 404, 404, 404, 404],
        ),
        case(
            "GET",
            "/api/v1/people/{person_id}/territory-plans/{year}",
            "/api/v1/people/r1/territory-plans/2026",
            SIGNED_IN_API,
        ),
        case(
            "POST",
            "/api/v1/people/{person_id}/territory-plans/{year}/{action}",
            "/api/v1/people/r1/territory-plans/2025/agree",
            // The matrix posts a form: no JSON object (422) for everyone signed in.
            [401, 422, 422, 422, 422, 422],
        ),
        case(
            "GET",
            "/api/v1/openapi.json",
            "/api/v1/openapi.json",
            PUBLIC,
        ),
        // Team: training, recognition, leaderboards.
        case("GET", "/team/training", "/team/training", SIGNED_IN_PAGE),
        // The matrix's form has no session id: sales ops gets the form back (422).
        case(
            "POST",
            "/team/training",
            "/team/training",
            [303, 403, 403, 403, 403, 422],
        ),
        // No training in the matrix's database: 404.
        case(
            "GET",
            "/team/training/{training_id}",
            "/team/training/t1",
            [303, 404, 404, 404, 404, 404],
        ),
        // Reps and executives do not record attendance (403); the others find no session (404).
        case(
            "POST",
            "/team/training/{training_id}/records",
            "/team/training/t1/records",
            [303, 403, 404, 404, 403, 404],
        ),
        case("GET", "/team/gaps", "/team/gaps", SIGNED_IN_PAGE),
        case(
            "GET",
            "/team/recognition",
            "/team/recognition",
            SIGNED_IN_PAGE,
        ),
        // The matrix's form names no person: the form comes back (422).
        case("POST", "/team/recognition", "/team/recognition", FORM_422),
        case(
            "GET",
            "/team/leaderboards",
            "/team/leaderboards",
            SIGNED_IN_PAGE,
        ),
        case(
            "GET",
            "/api/v1/trainings",
            "/api/v1/trainings",
            SIGNED_IN_API,
        ),
        case(
            "GET",
            "/api/v1/people/{person_id}/trainings",
            "/api/v1/people/r1/trainings",
            SIGNED_IN_API,
        ),
        case(
            "GET",
            "/api/v1/recognitions",
            "/api/v1/recognitions",
            SIGNED_IN_API,
        ),
        // A form body is no JSON object: 422.
        case(
            "POST",
            "/api/v1/recognitions",
            "/api/v1/recognitions",
            [401, 422, 422, 422, 422, 422],
        ),
        case(
            "GET",
            "/api/v1/leaderboards",
            "/api/v1/leaderboards?by=bookings&period=ytd",
            SIGNED_IN_API,
        ),
        case("GET", "/pay/close", "/pay/close?year=2026", SALES_OPS_PAGE),
        // Sales ops: calculated (the test's results are replaced: these come after every route
        // that reads them), sent back to the close page.
        case(
            "POST",
            "/pay/close/{year}/calculate",
            "/pay/close/2026/calculate",
            [303, 403, 403, 403, 403, 303],
        ),
        case(
            "GET",
            "/pay/close/{year}/{month}",
            "/pay/close/2026/1",
            SALES_OPS_PAGE,
        ),
        // No run_id in the matrix's form (422); no reason to reopen (422).
        case(
            "POST",
            "/pay/close/{year}/{month}/lock",
            "/pay/close/2026/1/lock",
            [303, 403, 403, 403, 403, 422],
        ),
        case(
            "POST",
            "/pay/close/{year}/{month}/unlock",
            "/pay/close/2026/1/unlock",
            [303, 403, 403, 403, 403, 422],
        ),
        // Month 1 is not closed: no payroll file (404).
        case(
            "GET",
            "/pay/close/{year}/{month}/payroll.csv",
            "/pay/close/2026/1/payroll.csv",
            [303, 403, 403, 403, 403, 404],
        ),
        // The sales records: executives read them (403 on the forms); the matrix's form fields
        // (email, password, …) are no record's, so those who may change get the form back (422).
        case("GET", "/accounts/new", "/accounts/new", CHANGE_FORM),
        case("POST", "/accounts", "/accounts", WRITE_422),
        case(
            "GET",
            "/accounts/{account_id}/edit",
            "/accounts/a1/edit",
            CHANGE_FORM,
        ),
        case("POST", "/accounts/{account_id}", "/accounts/a1", WRITE_422),
        case("GET", "/api/v1/accounts", "/api/v1/accounts", SIGNED_IN_API),
        case(
            "POST",
            "/api/v1/accounts",
            "/api/v1/accounts",
            API_WRITE_422,
        ),
        case(
            "GET",
            "/api/v1/accounts/{account_id}",
            "/api/v1/accounts/a1",
            SIGNED_IN_API,
        ),
        case(
            "POST",
            "/api/v1/accounts/{account_id}",
            "/api/v1/accounts/a1",
            API_WRITE_422,
        ),
        case("GET", "/contacts/new", "/contacts/new", CHANGE_FORM),
        case("POST", "/contacts", "/contacts", WRITE_422),
        case(
            "GET",
            "/contacts/{contact_id}/edit",
            "/contacts/c1/edit",
            CHANGE_FORM,
        ),
        case("POST", "/contacts/{contact_id}", "/contacts/c1", WRITE_422),
        case("GET", "/api/v1/contacts", "/api/v1/contacts", SIGNED_IN_API),
        case(
            "POST",
            "/api/v1/contacts",
            "/api/v1/contacts",
            API_WRITE_422,
        ),
        case(
            "GET",
            "/api/v1/contacts/{contact_id}",
            "/api/v1/contacts/c1",
            SIGNED_IN_API,
        ),
        case(
            "POST",
            "/api/v1/contacts/{contact_id}",
            "/api/v1/contacts/c1",
            API_WRITE_422,
        ),
        case("GET", "/opportunities", "/opportunities", SIGNED_IN_PAGE),
        case(
            "GET",
            "/opportunities/new",
            "/opportunities/new",
            CHANGE_FORM,
        ),
        case("POST", "/opportunities", "/opportunities", WRITE_422),
        case(
            "GET",
            "/opportunities/{opportunity_id}",
            "/opportunities/o1",
            SIGNED_IN_PAGE,
        ),
        case(
            "GET",
            "/opportunities/{opportunity_id}/edit",
            "/opportunities/o1/edit",
            CHANGE_FORM,
        ),
        case(
            "POST",
            "/opportunities/{opportunity_id}",
            "/opportunities/o1",
            WRITE_422,
        ),
        case(
            "GET",
            "/api/v1/opportunities",
            "/api/v1/opportunities",
            SIGNED_IN_API,
        ),
        case(
            "POST",
            "/api/v1/opportunities",
            "/api/v1/opportunities",
            API_WRITE_422,
        ),
        case(
            "GET",
            "/api/v1/opportunities/{opportunity_id}",
            "/api/v1/opportunities/o1",
            SIGNED_IN_API,
        ),
        case(
            "POST",
            "/api/v1/opportunities/{opportunity_id}",
            "/api/v1/opportunities/o1",
            API_WRITE_422,
        ),
        case("GET", "/activities", "/activities", SIGNED_IN_PAGE),
        case("GET", "/activities/new", "/activities/new", CHANGE_FORM),
        case("POST", "/activities", "/activities", WRITE_422),
        case(
            "GET",
            "/activities/{activity_id}/edit",
            "/activities/act1/edit",
            CHANGE_FORM,
        ),
        case(
            "POST",
            "/activities/{activity_id}",
            "/activities/act1",
            WRITE_422,
        ),
        case(
            "GET",
            "/api/v1/activities",
            "/api/v1/activities",
            SIGNED_IN_API,
        ),
        case(
            "POST",
            "/api/v1/activities",
            "/api/v1/activities",
            API_WRITE_422,
        ),
        case(
            "GET",
            "/api/v1/activities/{activity_id}",
            "/api/v1/activities/act1",
            SIGNED_IN_API,
        ),
        case(
            "POST",
            "/api/v1/activities/{activity_id}",
            "/api/v1/activities/act1",
            API_WRITE_422,
        ),
        case("GET", "/pipeline/team", "/pipeline/team", SIGNED_IN_PAGE),
        case(
            "GET",
            "/pipeline/team/export.csv",
            "/pipeline/team/export.csv?period=quarter",
            SIGNED_IN_PAGE,
        ),
        case(
            "GET",
            "/pipeline/snapshot/{person_id}",
            "/pipeline/snapshot/r1?period=week",
            SIGNED_IN_PAGE,
        ),
        case(
            "GET",
            "/pipeline/snapshot/{person_id}/records",
            "/pipeline/snapshot/r1/records?figure=activities",
            SIGNED_IN_PAGE,
        ),
        case(
            "GET",
            "/api/v1/people/{person_id}/snapshot",
            "/api/v1/people/r1/snapshot?period=month",
            SIGNED_IN_API,
        ),
        case(
            "GET",
            "/api/v1/team/snapshot",
            "/api/v1/team/snapshot",
            SIGNED_IN_API,
        ),
        // Coaching (the fixture's session s1: r1 coached by m1; action item ai1 of r1).
        case("GET", "/coaching", "/coaching", SIGNED_IN_PAGE),
        case(
            "GET",
            "/coaching/sessions",
            "/coaching/sessions",
            SIGNED_IN_PAGE,
        ),
        case(
            "GET",
            "/coaching/sessions/new",
            "/coaching/sessions/new",
            [303, 403, 200, 200, 403, 200],
        ),
        // No person in the matrix's form: 422 for those who record sessions.
        case(
            "POST",
            "/coaching/sessions",
            "/coaching/sessions",
            [303, 403, 422, 422, 403, 422],
        ),
        case(
            "GET",
            "/coaching/sessions/{session_id}",
            "/coaching/sessions/s1",
            SIGNED_IN_PAGE,
        ),
        case(
            "GET",
            "/coaching/sessions/{session_id}/edit",
            "/coaching/sessions/s1/edit",
            [303, 403, 200, 403, 403, 200],
        ),
        // The coach and sales ops save it unchanged (the matrix's fields are no session's).
        case(
            "POST",
            "/coaching/sessions/{session_id}",
            "/coaching/sessions/s1",
            [303, 403, 303, 403, 403, 303],
        ),
        case(
            "POST",
            "/coaching/sessions/{session_id}/reflection",
            "/coaching/sessions/s1/reflection",
            [303, 303, 403, 403, 403, 403],
        ),
        case(
            "GET",
            "/coaching/actions",
            "/coaching/actions",
            SIGNED_IN_PAGE,
        ),
        // No status in the form: 400 for those who may change it.
        case(
            "POST",
            "/coaching/actions/{action_id}",
            "/coaching/actions/ai1",
            [303, 400, 400, 400, 403, 400],
        ),
        case(
            "GET",
            "/coaching/competencies",
            "/coaching/competencies",
            SIGNED_IN_PAGE,
        ),
        case(
            "POST",
            "/coaching/competencies",
            "/coaching/competencies",
            [303, 403, 403, 403, 403, 422],
        ),
        case(
            "GET",
            "/api/v1/people/{person_id}/coaching",
            "/api/v1/people/r1/coaching",
            SIGNED_IN_API,
        ),
        case(
            "POST",
            "/api/v1/coaching/sessions",
            "/api/v1/coaching/sessions",
            [401, 403, 422, 422, 403, 422],
        ),
        case(
            "GET",
            "/api/v1/coaching/sessions/{session_id}",
            "/api/v1/coaching/sessions/s1",
            SIGNED_IN_API,
        ),
        case(
            "POST",
            "/api/v1/coaching/sessions/{session_id}",
            "/api/v1/coaching/sessions/s1",
            [401, 403, 422, 403, 403, 422],
        ),
        case(
            "GET",
            "/api/v1/coaching/cadence",
            "/api/v1/coaching/cadence",
            [401, 403, 200, 200, 200, 200],
        ),
        case(
            "GET",
            "/api/v1/coaching/actions",
            "/api/v1/coaching/actions",
            SIGNED_IN_API,
        ),
        case(
            "POST",
            "/api/v1/coaching/actions/{action_id}",
            "/api/v1/coaching/actions/ai1",
            [401, 422, 422, 422, 403, 422],
        ),
        // Jobs and scorecards; the matrix's form names no job: sales ops gets the form back.
        case("GET", "/jobs", "/jobs", SIGNED_IN_PAGE),
        case("POST", "/jobs", "/jobs", [303, 403, 403, 403, 403, 422]),
        case(
            "GET",
            "/people/{person_id}/scorecard",
            "/people/r1/scorecard",
            SIGNED_IN_PAGE,
        ),
        case("GET", "/scorecards", "/scorecards", SIGNED_IN_PAGE),
        case("GET", "/api/v1/jobs", "/api/v1/jobs", SIGNED_IN_API),
        case(
            "GET",
            "/api/v1/people/{person_id}/scorecard",
            "/api/v1/people/r1/scorecard",
            SIGNED_IN_API,
        ),
        // Last, as it ends the session: anonymous visitors are sent to sign in, others signed out.
        case("POST", "/signout", "/signout", [303; 6]),
    ]
}

#[test]
fn the_matrix_lists_exactly_the_routes_of_the_registry() {
    let registry: BTreeSet<(String, String)> = attain_web::routes::registry()
        .iter()
        .map(|r| (r.method.to_string(), r.path.to_owned()))
        .collect();
    let table: BTreeSet<(String, String)> = cases()
        .iter()
        .map(|c| (c.method.to_owned(), c.pattern.to_owned()))
        .collect();
    let missing: Vec<_> = registry.difference(&table).collect();
    let extra: Vec<_> = table.difference(&registry).collect();
    assert!(
        missing.is_empty(),
        "routes without an expected status here: {missing:?}"
    );
    assert!(
        extra.is_empty(),
        "expected statuses for routes that do not exist: {extra:?}"
    );
    assert_eq!(cases().len(), registry.len(), "a route is listed twice");
}

#[test]
fn no_route_reaches_the_router_except_through_the_registry() {
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut offenders = Vec::new();
    let mut stack = vec![src];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            let is_registry = path.ends_with("routes.rs");
            for needle in [
                ".route(",
                ".nest(",
                ".merge(",
                ".route_service(",
                ".nest_service(",
                "Router::new(",
            ] {
                let allowed = is_registry && matches!(needle, ".route(" | "Router::new(");
                if text.contains(needle) && !allowed {
                    offenders.push(format!("{}: {needle}", path.display()));
                }
            }
        }
    }
    assert!(
        offenders.is_empty(),
        "routes added outside the registry: {offenders:?}"
    );
}

#[test]
fn every_route_answers_every_role_as_its_rule_says() {
    for app in TestApp::all() {
        app.results();
        app.coaching();
        app.run(async {
            let mut failures = Vec::new();
            for (i, caller) in CALLERS.iter().enumerate() {
                let browser = match caller {
                    Some(email) => Some(app.sign_in(email).await),
                    None => None,
                };
                // Anonymous visitors post with a valid pre-session CSRF token.
                let (pre_cookie, pre_csrf) = app.signin_form().await;
                for c in cases() {
                    let status =
                        request(&app, &c, i, browser.as_ref(), &pre_cookie, &pre_csrf).await;
                    if status.as_u16() != c.expect[i] {
                        failures.push(format!(
                            "{} {} as {}: expected {}, got {}",
                            c.method,
                            c.uri,
                            caller.unwrap_or("anonymous"),
                            c.expect[i],
                            status
                        ));
                    }
                }
            }
            assert!(failures.is_empty(), "{}", failures.join("\n"));
        });
    }
}

async fn request(
    app: &TestApp,
    c: &Case,
    n: usize,
    who: Option<&Browser>,
    pre_cookie: &str,
    pre_csrf: &str,
) -> StatusCode {
    let (cookie, csrf) = match who {
        Some(b) => (b.cookie.clone(), b.csrf.clone()),
        None => (pre_cookie.to_owned(), pre_csrf.to_owned()),
    };
    let mut req = Request::builder()
        .method(c.method)
        .uri(c.uri)
        .header(header::COOKIE, &cookie);
    let body = if c.method == "POST" {
        req = req.header("x-csrf-token", &csrf);
        if c.uri.ends_with("import") || c.uri.ends_with("imports") {
            let (ct, body) = common::multipart(&[], Some(&csrf));
            req = req.header(header::CONTENT_TYPE, ct);
            Body::from(body)
        } else {
            req = req.header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
            // A different unknown email per caller, so the throttle never kicks in here.
            let email = format!("nobody{n}@x.test");
            let fields = [
                ("csrf", csrf.as_str()),
                ("email", email.as_str()),
                ("password", "nope-nope-nope"),
                ("name", "matrix"),
            ];
            Body::from(serde_urlencoded::to_string(fields).unwrap())
        }
    } else {
        Body::empty()
    };
    app.send(req.body(body).unwrap()).await.status
}
