//! The OpenAPI 3.1 document of the JSON API, built from the route registry (so every route is
//! in it) with each route's parameters and answers written here.

use crate::routes::{Access, registry};
use axum::Json;
use serde_json::{Value as J, json};

fn path_param(name: &str, kind: &str, description: &str) -> J {
    json!({"name": name, "in": "path", "required": true, "description": description,
           "schema": {"type": kind}})
}

fn year_param() -> J {
    json!({"name": "year", "in": "query", "required": false,
           "description": "The fiscal year (default: the current one)",
           "schema": {"type": "integer"}})
}

fn period_param() -> J {
    json!({"name": "period", "in": "query", "required": false,
           "description": "week (Monday to Sunday), month or quarter (fiscal); default month",
           "schema": {"type": "string", "enum": ["week", "month", "quarter"]}})
}

fn date_param() -> J {
    json!({"name": "date", "in": "query", "required": false,
           "description": "A day in the period, YYYY-MM-DD (default: today)",
           "schema": {"type": "string", "format": "date"}})
}

fn ok(schema: &str) -> J {
    json!({"description": "OK", "content": {"application/json": {"schema": {"$ref": format!("#/components/schemas/{schema}")}}}})
}

fn error(description: &str) -> J {
    json!({"description": description, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}})
}

/// Returns the parameters and answers of one API route.
fn detail(path: &str) -> (Vec<J>, Vec<(&'static str, J)>) {
    let person = || path_param("person_id", "string", "A person's id");
    match path {
        "/api/v1/me" => (vec![], vec![("200", ok("Me"))]),
        "/api/v1/people" => (vec![], vec![("200", ok("PeopleList"))]),
        "/api/v1/people/{person_id}" => (
            vec![person()],
            vec![
                ("200", ok("Person")),
                ("404", error("Missing, or not visible to the caller")),
            ],
        ),
        "/api/v1/people/{person_id}/credits" => (
            vec![person(), year_param()],
            vec![
                ("200", ok("CreditList")),
                ("404", error("Missing, or not visible")),
            ],
        ),
        "/api/v1/people/{person_id}/payouts" => (
            vec![person(), year_param()],
            vec![
                ("200", ok("PayoutList")),
                ("404", error("Missing, or not visible")),
            ],
        ),
        "/api/v1/people/{person_id}/statements/{year}/{month}" => (
            vec![
                person(),
                path_param("year", "integer", "The fiscal year"),
                path_param("month", "integer", "The fiscal month, 1–12"),
            ],
            vec![
                ("200", ok("Statement")),
                (
                    "404",
                    error("No statement, or the person is missing or not visible"),
                ),
            ],
        ),
        "/api/v1/people/{person_id}/whatif" => (
            vec![
                person(),
                year_param(),
                json!({"name": "month", "in": "query", "required": true,
                       "description": "The fiscal month of the deal, 1–12", "schema": {"type": "integer"}}),
                json!({"name": "amount", "in": "query", "required": true,
                       "description": "The deal's amount, a decimal with at most two fractional digits",
                       "schema": {"type": "string", "examples": ["25000.00"]}}),
                json!({"name": "metric", "in": "query", "required": false,
                       "description": "The metric the deal counts for (default: the plan's first component's)",
                       "schema": {"type": "string", "enum": ["bookings", "revenue", "margin"]}}),
            ],
            vec![
                ("200", ok("WhatIf")),
                (
                    "400",
                    error("A month, amount or metric that does not parse"),
                ),
                ("404", error("Missing, or not visible")),
            ],
        ),
        "/api/v1/inquiries" => (vec![], vec![("200", ok("InquiryList"))]),
        "/api/v1/territories/{territory_id}/results" => (
            vec![
                path_param("territory_id", "string", "A territory's id"),
                year_param(),
            ],
            vec![
                ("200", ok("TerritoryResultList")),
                ("404", error("Missing, or not visible")),
            ],
        ),
        "/api/v1/imports" => (
            vec![],
            vec![
                ("200", ok("ImportReport")),
                ("400", error("No file in the upload")),
                ("403", error("Only sales operations imports")),
                (
                    "422",
                    json!({"description": "The dataset has problems; nothing was written",
                           "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ImportErrors"}}}}),
                ),
            ],
        ),
        "/api/v1/crm-imports" => (
            vec![],
            vec![
                ("200", ok("CrmImportReport")),
                (
                    "400",
                    error("No file, or an unknown kind or unreadable mapping"),
                ),
                (
                    "422",
                    json!({"description": "The mapping or the export has problems (file:line: column: message); nothing was written",
                           "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ImportErrors"}}}}),
                ),
            ],
        ),
        "/api/v1/openapi.json" => (
            vec![],
            vec![(
                "200",
                json!({"description": "This document", "content": {"application/json": {}}}),
            )],
        ),
        "/api/v1/accounts/{account_id}/map" => (
            vec![
                path_param("account_id", "string", "An account's id"),
                json!({"name": "on", "in": "query", "required": false,
                       "description": "The last day of the 90-day coverage window (default: today)",
                       "schema": {"type": "string", "format": "date"}}),
            ],
            vec![
                ("200", ok("AccountMap")),
                ("400", error("`on` is not a date")),
                ("404", error("Missing, or not visible to the caller")),
            ],
        ),
        "/api/v1/people/{person_id}/snapshot" => (
            vec![person(), period_param(), date_param()],
            vec![
                ("200", ok("Snapshot")),
                ("400", error("A period or date that does not parse")),
                ("404", error("Missing, or not visible")),
            ],
        ),
        "/api/v1/team/snapshot" => (
            vec![
                json!({"name": "manager", "in": "query", "required": false,
                       "description": "The manager whose team is shown (default: the caller)",
                       "schema": {"type": "string"}}),
                period_param(),
                date_param(),
                json!({"name": "sort", "in": "query", "required": false,
                       "description": "The figure to sort on (activities, new, forward, back, pipeline, won, win_rate, deal, cycle, velocity, conversion, coverage, stalled; default name)",
                       "schema": {"type": "string"}}),
                json!({"name": "dir", "in": "query", "required": false,
                       "description": "asc or desc", "schema": {"type": "string", "enum": ["asc", "desc"]}}),
            ],
            vec![
                ("200", ok("TeamSnapshot")),
                ("400", error("A period or date that does not parse")),
                ("404", error("The manager is missing or not visible")),
            ],
        ),
        "/api/v1/people/{person_id}/trainings" => (
            vec![person()],
            vec![
                (
                    "200",
                    json!({"description": "The person's training records, what their job requires and the gaps"}),
                ),
                ("404", error("Missing, or not visible")),
            ],
        ),
        "/api/v1/recognitions" => (
            vec![],
            vec![
                (
                    "200",
                    json!({"description": "The recognitions of the caller's team, newest first"}),
                ),
                (
                    "201",
                    json!({"description": "Given: the recognition's id and its SPIFF's adjustment"}),
                ),
                ("403", error("The caller may not attach this amount")),
                (
                    "404",
                    error("The person is missing or outside the caller's team"),
                ),
                (
                    "422",
                    error("A refused field, named in error.field; nothing was written"),
                ),
            ],
        ),
        "/api/v1/leaderboards" => (
            vec![
                json!({"name": "by", "in": "query", "required": false,
                       "description": "attainment (default), bookings or activity",
                       "schema": {"type": "string", "enum": ["attainment", "bookings", "activity"]}}),
                json!({"name": "period", "in": "query", "required": false,
                       "description": "month (default), quarter or ytd, ending with the chosen month",
                       "schema": {"type": "string", "enum": ["month", "quarter", "ytd"]}}),
                year_param(),
                json!({"name": "month", "in": "query", "required": false,
                       "description": "The fiscal month the period ends with (default: the current one)",
                       "schema": {"type": "integer"}}),
            ],
            vec![
                (
                    "200",
                    json!({"description": "The board: rank, person, value (attainment as a ratio, bookings as an amount, activity as a count)"}),
                ),
                (
                    "400",
                    error("A by, period, year or month that does not parse"),
                ),
            ],
        ),
        "/api/v1/people/{person_id}/coaching" => (
            vec![person()],
            vec![
                (
                    "200",
                    json!({"description": "{\"person_id\", \"sessions\": [session]}; private_notes only for those who may read them"}),
                ),
                ("404", error("Missing, or not visible")),
            ],
        ),
        "/api/v1/coaching/sessions" | "/api/v1/coaching/sessions/{session_id}" => {
            let mut params = Vec::new();
            if path.ends_with('}') {
                params.push(path_param(
                    "session_id",
                    "string",
                    "A coaching session's id",
                ));
            }
            (
                params,
                vec![
                    (
                        "200",
                        json!({"description": "The session (coaching_sessions.csv columns, ratings, action_items)"}),
                    ),
                    ("403", error("Not the caller's to record or change")),
                    ("404", error("Missing, or not visible")),
                    (
                        "422",
                        error("A refused field, named in error.field; nothing was written"),
                    ),
                ],
            )
        }
        "/api/v1/coaching/actions/{action_id}" => (
            vec![path_param("action_id", "string", "An action item's id")],
            vec![
                ("200", json!({"description": "{\"action_id\", \"status\"}"})),
                ("403", error("Not the caller's to change")),
                ("404", error("Missing, or not visible")),
                ("422", error("The status is not open, done or dropped")),
            ],
        ),
        "/api/v1/people/{person_id}/territory-plans/{year}" => (
            vec![person(), path_param("year", "integer", "The fiscal year")],
            vec![
                ("200", ok("TerritoryPlan")),
                ("404", error("Missing, or not visible to the caller")),
            ],
        ),
        "/api/v1/people/{person_id}/territory-plans/{year}/{action}" => (
            vec![
                person(),
                path_param("year", "integer", "The fiscal year"),
                json!({"name": "action", "in": "path", "required": true,
                       "description": "What to do with the plan",
                       "schema": {"type": "string", "enum": ["save", "submit", "agree", "return"]}}),
            ],
            vec![
                ("200", ok("TerritoryPlan")),
                (
                    "403",
                    error(
                        "Not the caller's to do: only the salesperson saves and submits; only someone above them or sales ops agrees and returns",
                    ),
                ),
                ("404", error("Missing, or not visible to the caller")),
                (
                    "422",
                    error(
                        "Refused (wrong state, a text over its limit, an account out of sight, a body that is no JSON object); nothing written",
                    ),
                ),
            ],
        ),
        "/api/v1/people/{person_id}/scorecard" => (
            vec![person()],
            vec![
                (
                    "200",
                    json!({"description": "{\"person_id\", \"name\", \"job\", \"expectations\": [{metric, comparison, threshold, per, periods: [{start, end, to_date, value, met, trend}]}]}"}),
                ),
                ("404", error("Missing, or not visible")),
            ],
        ),
        "/api/v1/meetings" => (
            vec![],
            vec![
                (
                    "200",
                    json!({"description": "The caller's teams' meetings (GET)"}),
                ),
                (
                    "201",
                    json!({"description": "The meeting created with its pre-filled agenda (POST)"}),
                ),
                (
                    "400",
                    error("A field that does not parse, or the team already meets that day"),
                ),
                ("403", error("Not the caller's team to run")),
                ("404", error("The team's manager is missing or not visible")),
            ],
        ),
        "/api/v1/meetings/{meeting_id}" => (
            vec![path_param("meeting_id", "string", "A meeting's id")],
            vec![
                (
                    "200",
                    json!({"description": "A meeting with its agenda, attendance and follow-ups"}),
                ),
                ("404", error("Missing, or not visible to the caller")),
            ],
        ),
        _ => (vec![], vec![("200", json!({"description": "OK"}))]),
    }
}

fn schemas() -> J {
    let money =
        json!({"type": "string", "pattern": "^-?[0-9]+\\.[0-9]{2}$", "examples": ["1250.00"]});
    let ratio = json!({"type": ["string", "null"], "pattern": "^-?[0-9]+\\.[0-9]{6}$", "examples": ["1.125000"]});
    let id = json!({"type": "string"});
    let opt_id = json!({"type": ["string", "null"]});
    let int = json!({"type": "integer"});
    let list = |key: &str, item: &str| json!({"type": "object", "required": [key], "properties": {key: {"type": "array", "items": {"$ref": format!("#/components/schemas/{item}")}}}});
    let mut main = json!({
        "Error": {"type": "object", "required": ["error"], "properties": {"error": {"type": "object",
            "required": ["code", "message"],
            "properties": {"code": {"type": "string", "examples": ["not_found"]}, "message": {"type": "string"}}}}},
        "Me": {"type": "object", "required": ["email", "role", "person_id"], "properties": {
            "email": id, "role": {"type": "string", "enum": ["rep", "manager", "director", "executive", "sales_ops"]},
            "person_id": opt_id}},
        "PersonSummary": {"type": "object", "properties": {
            "person_id": id, "name": id, "role": id, "manager_id": opt_id, "territory_id": opt_id}},
        "PeopleList": list("people", "PersonSummary"),
        "Person": {"type": "object", "description": "The people.csv row", "properties": {
            "person_id": id, "name": id, "email": opt_id, "role": id, "job_id": opt_id, "manager_id": opt_id,
            "territory_id": opt_id, "hire_date": opt_id, "end_date": opt_id}},
        "Credit": {"type": "object", "description": "A credits.csv row", "properties": {
            "person_id": id, "year": int, "month": int, "metric": id, "direct": money, "override": money,
            "credited": money, "target": money, "attainment": ratio}},
        "CreditList": list("credits", "Credit"),
        "Payout": {"type": "object", "description": "A payouts.csv row", "properties": {
            "person_id": id, "plan_id": id, "component": id, "year": int, "month": int,
            "period_credit": money, "period_target": money, "attainment": ratio, "earned_to_date": money,
            "adjustment": {"type": ["string", "null"]}, "payout": money, "locked": {"type": "boolean"}}},
        "PayoutList": list("payouts", "Payout"),
        "Statement": {"type": "object", "required": ["statement", "payouts", "adjustments", "closed"], "properties": {
            "statement": {"type": "object", "description": "The statements.csv row", "properties": {
                "person_id": id, "year": int, "month": int, "calculated": money, "adjustments": money, "total": money}},
            "payouts": {"type": "array", "description": "The month's payout lines (payouts.csv rows)",
                        "items": {"$ref": "#/components/schemas/Payout"}},
            "adjustments": {"type": "array", "description": "The month's manual adjustments with their reasons",
                            "items": {"type": "object", "properties": {"adjustment_id": id, "amount": money, "reason": id}}},
            "closed": {"type": ["object", "null"], "description": "The statement as kept when its month was closed; null while the month is open",
                       "properties": {"calculated": money, "adjustments": money, "total": money,
                                      "closed_at": {"type": "string", "format": "date-time"}, "closed_by": id}}}},
        "TerritoryResult": {"type": "object", "description": "A territory_results.csv row", "properties": {
            "territory_id": id, "year": int, "month": int, "metric": id, "actual": money, "target": money,
            "attainment": ratio}},
        "TerritoryResultList": list("results", "TerritoryResult"),
        "ImportReport": {"type": "object", "required": ["files"], "properties": {"files": {"type": "array", "items": {
            "type": "object", "properties": {"file": id, "inserted": int, "updated": int, "unchanged": int}}}}},
        "CrmImportReport": {"type": "object", "required": ["written", "records", "files"], "properties": {
            "dry_run": {"type": "boolean"}, "written": {"type": "boolean", "description": "false when nothing changed or dry_run"},
            "records": {"type": "object", "properties": {"created": int, "updated": int, "unchanged": int}},
            "files": {"type": "array", "items": {"type": "object", "properties": {"file": id, "inserted": int, "updated": int, "unchanged": int}}},
            "footer_records": int, "mapping": {"type": "object"}}},
        "ImportErrors": {"type": "object", "required": ["errors"], "properties": {"errors": {"type": "array",
            "items": {"type": "string", "examples": ["transactions.csv:12: amount: '12,5' is not an amount of money"]}}}},
    });
    // Pay's schemas, in a second literal (one is too deep for the json! macro).
    let pay = json!({
        "WhatIf": {"type": "object", "description": "A hypothetical deal's effect; nothing is saved", "properties": {
            "person_id": id, "year": int,
            "deal": {"type": "object", "properties": {"month": int, "metric": id, "amount": money}},
            "components": {"type": "array", "items": {"type": "object", "properties": {
                "plan_id": id, "component": id, "month": int, "attainment_today": ratio, "attainment_with_deal": ratio,
                "earned_to_date_today": money, "earned_to_date_with_deal": money,
                "payout_today": money, "payout_with_deal": money, "difference": money}}},
            "year_total_today": money, "year_total_with_deal": money, "year_difference": money}},
        "InquiryList": {"type": "object", "required": ["inquiries"], "properties": {"inquiries": {"type": "array", "items": {
            "type": "object", "properties": {
                "inquiry_id": int, "person_id": id, "year": int, "month": int,
                "line": {"type": "string", "description": "plan_id/component or adjustment:ID"},
                "status": {"type": "string", "enum": ["open", "answered", "resolved", "rejected"]},
                "raised_by": id, "raised_at": {"type": "string", "format": "date-time"}, "adjustment_id": opt_id,
                "messages": {"type": "array", "items": {"type": "object", "properties": {
                    "at": {"type": "string", "format": "date-time"}, "author": id,
                    "kind": {"type": "string", "enum": ["question", "answer", "resolution", "rejection"]},
                    "body": id, "amount": {"type": ["string", "null"]}}}}}}}}}
    });
    if let (Some(all), J::Object(more)) = (main.as_object_mut(), pay) {
        all.extend(more);
    }
    let ids = json!({"type": "array", "items": {"type": "string"}});
    let account_map = json!({"AccountMap": {"type": "object", "properties": {
        "account_id": id, "name": id, "key_account": {"type": "boolean"},
        "window": {"type": "object", "properties": {"from": {"type": "string", "format": "date"},
            "to": {"type": "string", "format": "date"}, "days": {"type": "integer"}}},
        "contacts": {"type": "array", "items": {"type": "object", "properties": {
            "contact_id": id, "name": id, "title": opt_id, "buying_role": opt_id, "reports_to_id": opt_id,
            "reached": {"type": ["object", "null"], "properties": {"last_date": {"type": "string", "format": "date"},
                "by_person_id": id, "touches": {"type": "integer"}}}}}},
        "decision_steps": {"type": "array", "items": {"type": "object", "properties": {
            "step": {"type": "integer"}, "name": id, "description": opt_id, "contact_ids": ids}}},
        "coverage": {"type": "object", "properties": {"contacts": {"type": "integer"}, "reached": {"type": "integer"},
            "key_roles": ids, "key_roles_covered": {"type": "integer"},
            "roles": {"type": "array", "items": {"type": "object", "properties": {"buying_role": id,
                "key": {"type": "boolean"}, "contact_ids": ids, "reached_contact_ids": ids}}}}},
        "gaps": {"type": "array", "items": {"type": "object", "properties": {
            "code": {"type": "string", "enum": ["not_mapped", "not_reached", "blocker_not_engaged"]},
            "buying_role": opt_id, "contact_id": opt_id, "message": id}}}}}});
    if let (Some(all), J::Object(more)) = (main.as_object_mut(), account_map) {
        all.extend(more);
    }
    let figures = json!({"type": "object", "description": "Every figure of one period (docs/pipeline.md); amounts strings with 2 decimals, rates and coverage strings with 6 or null"});
    let snapshot = json!({
        "Snapshot": {"type": "object", "required": ["person_id", "current", "previous"], "properties": {
            "person_id": id, "name": id, "current": figures, "previous": figures,
            "expectations": {"type": "array", "items": {"type": "object"}},
            "outliers": {"type": "array", "items": {"type": "string", "enum": ["low_activity", "stalled_deals", "thin_coverage", "falling_conversion"]}}}},
        "TeamSnapshot": {"type": "object", "required": ["manager_id", "period", "forecast", "people"], "properties": {
            "manager_id": id, "period": {"type": "object"},
            "forecast": {"type": "object", "properties": {"won": money, "commit": money, "best_case": money, "pipeline": money, "objective": money}},
            "people": {"type": "array", "items": {"$ref": "#/components/schemas/Snapshot"}}}},
    });
    if let (Some(all), J::Object(more)) = (main.as_object_mut(), snapshot) {
        all.extend(more);
    }
    let text = json!({"type": "string"});
    let territory_plan = json!({"TerritoryPlan": {"type": "object", "properties": {
        "person_id": id, "year": {"type": "integer"},
        "status": {"type": "string", "enum": ["draft", "submitted", "agreed"]},
        "version": {"type": "integer"},
        "submitted_date": {"type": ["string", "null"], "format": "date"},
        "agreed_date": {"type": ["string", "null"], "format": "date"},
        "agreed_by_id": opt_id, "manager_comment": text,
        "sections": {"type": "array", "items": {"type": "object", "properties": {
            "section": id, "heading": text, "text": text}}},
        "key_accounts": {"type": "array", "items": {"type": "object", "properties": {
            "account_id": id, "name": text, "strategy": text}}},
        "versions": {"type": "array", "items": {"type": "object", "properties": {
            "version": {"type": "integer"}, "status": id, "saved_at": text, "saved_by": text}}}}}});
    if let (Some(all), J::Object(more)) = (main.as_object_mut(), territory_plan) {
        all.extend(more);
    }
    main
}

/// Returns the OpenAPI document of every `/api/v1` route.
pub fn document() -> J {
    let mut paths = serde_json::Map::new();
    for r in registry().iter().filter(|r| r.path.starts_with("/api/v1/")) {
        let (mut parameters, responses) = detail(r.path);
        if super::records::is_record_path(r.path) {
            parameters.extend(super::records::openapi_parameters(
                r.path,
                r.method.as_str(),
            ));
        }
        let mut responses: serde_json::Map<String, J> = responses
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v))
            .collect();
        if r.access != Access::Public {
            responses.insert("401".into(), error("Missing or unknown bearer token"));
        }
        if r.access == Access::SalesOps {
            responses.insert("403".into(), error("Not available to the caller's role"));
        }
        let record_write =
            r.method == axum::http::Method::POST && super::records::is_record_path(r.path);
        if record_write {
            responses.insert(
                "422".into(),
                error("A refused field, named in error.field; nothing was written"),
            );
            responses.insert("403".into(), error("Executives read the sales records"));
        }
        let mut op = json!({
            "summary": r.summary,
            "operationId": format!("{} {}", r.method, r.path),
            "parameters": parameters,
            "responses": responses,
        });
        if r.access != Access::Public {
            op["security"] = json!([{"bearer": []}, {"session": []}]);
        }
        if r.path == "/api/v1/imports" {
            op["requestBody"] = json!({"required": true, "content": {"multipart/form-data": {"schema": {
                "type": "object", "description": "One part per dataset file, each named by its filename (transactions.csv, …)",
                "additionalProperties": {"type": "string", "format": "binary"}}}}});
        }
        if record_write {
            op["requestBody"] = json!({"required": true, "content": {"application/json": {"schema": {
                "type": "object", "description": "Fields named as the columns of dataset.md, values as dataset text; fields left out keep their values",
                "additionalProperties": {"type": ["string", "null"]}}}}});
        }
        if r.path == "/api/v1/people/{person_id}/territory-plans/{year}/{action}" {
            op["requestBody"] = json!({"required": false, "content": {"application/json": {"schema": {
                "type": "object", "properties": {
                    "sections": {"type": "object", "description": "section word → text (save)", "additionalProperties": {"type": "string"}},
                    "key_accounts": {"type": "array", "description": "the plan's key accounts (save; replaces the list)", "items": {"type": "object", "properties": {"account_id": {"type": "string"}, "strategy": {"type": "string"}}}},
                    "comment": {"type": "string", "description": "the manager's comment (agree; required to return)"}}}}}});
        }
        if r.path == "/api/v1/crm-imports" {
            op["requestBody"] = json!({"required": true, "content": {"multipart/form-data": {"schema": {
                "type": "object", "required": ["file", "kind"], "properties": {
                    "file": {"type": "string", "format": "binary", "description": "The CRM export (CSV)"},
                    "kind": {"type": "string", "enum": ["opportunities", "activities", "accounts"]},
                    "mapping": {"type": "string", "description": "JSON: {\"columns\": {field: column}, \"values\": {field: {crm value: attain word}}, \"dates\": \"auto|month_first|day_first\", \"decimal\": \"point|comma\"}; default: the remembered mapping of the header, else a guess"},
                    "dry_run": {"type": "string", "enum": ["true", "false"], "description": "true: check and count, write nothing"}}}}}});
        }
        let entry = paths.entry(r.path.to_owned()).or_insert_with(|| json!({}));
        entry[r.method.as_str().to_lowercase()] = op;
    }
    json!({
        "openapi": "3.1.0",
        "info": {"title": "Attain API", "version": env!("CARGO_PKG_VERSION"),
                 "description": "Amounts are strings with two decimals; rows use the column names of the dataset format. A person or territory the caller may not see is answered 404, exactly like a missing one."},
        "paths": paths,
        "components": {
            "schemas": schemas(),
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer", "description": "A personal API token (attain token create)"},
                "session": {"type": "apiKey", "in": "cookie", "name": "attain_session",
                            "description": "A browser session; state-changing requests also need the X-CSRF-Token header"}
            }
        }
    })
}

/// Serves the OpenAPI document.
pub async fn get_openapi() -> Json<J> {
    Json(document())
}
