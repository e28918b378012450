-- Attain schema, version 1: the dataset entities (dataset.md), sign-ins, sessions, API tokens
-- and the audit log. Money is BIGINT cents, percents BIGINT ten-thousandths, ratios BIGINT
-- millionths: exact everywhere. Never edit a released migration: add a new one.

CREATE TABLE settings (
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (key)
);

CREATE TABLE territories (
    territory_id TEXT NOT NULL,
    name TEXT NOT NULL,
    parent_id TEXT,
    target_market TEXT,
    PRIMARY KEY (territory_id)
);

CREATE TABLE jobs (
    job_id TEXT NOT NULL,
    title TEXT NOT NULL,
    mission TEXT,
    metric TEXT NOT NULL,
    comparison TEXT NOT NULL,
    threshold INTEGER NOT NULL,
    per TEXT NOT NULL,
    PRIMARY KEY (job_id, metric, per)
);

CREATE TABLE people (
    person_id TEXT NOT NULL,
    name TEXT NOT NULL,
    email TEXT,
    role TEXT NOT NULL,
    job_id TEXT,
    manager_id TEXT,
    territory_id TEXT,
    hire_date TEXT,
    end_date TEXT,
    PRIMARY KEY (person_id)
);

CREATE TABLE reporting (
    person_id TEXT NOT NULL,
    manager_id TEXT,
    start_date TEXT NOT NULL,
    PRIMARY KEY (person_id, start_date)
);

CREATE TABLE accounts (
    account_id TEXT NOT NULL,
    name TEXT NOT NULL,
    territory_id TEXT NOT NULL,
    industry TEXT,
    country TEXT,
    employees INTEGER,
    annual_revenue INTEGER,
    parent_account_id TEXT,
    owner_id TEXT,
    key_account INTEGER,
    PRIMARY KEY (account_id)
);

CREATE TABLE alignments (
    account_id TEXT NOT NULL,
    territory_id TEXT NOT NULL,
    start_date TEXT NOT NULL,
    PRIMARY KEY (account_id, start_date)
);

CREATE TABLE contacts (
    contact_id TEXT NOT NULL,
    account_id TEXT NOT NULL,
    name TEXT NOT NULL,
    title TEXT,
    email TEXT,
    phone TEXT,
    buying_role TEXT,
    reports_to_id TEXT,
    PRIMARY KEY (contact_id)
);

CREATE TABLE stages (
    stage TEXT NOT NULL,
    position INTEGER NOT NULL,
    probability INTEGER NOT NULL,
    outcome TEXT NOT NULL,
    PRIMARY KEY (stage)
);

CREATE TABLE opportunities (
    opportunity_id TEXT NOT NULL,
    account_id TEXT NOT NULL,
    owner_id TEXT NOT NULL,
    name TEXT NOT NULL,
    stage TEXT NOT NULL,
    amount INTEGER NOT NULL,
    margin INTEGER,
    created_date TEXT NOT NULL,
    close_date TEXT NOT NULL,
    forecast_category TEXT,
    type TEXT,
    channel TEXT,
    partner TEXT,
    PRIMARY KEY (opportunity_id)
);

CREATE TABLE stage_history (
    opportunity_id TEXT NOT NULL,
    stage TEXT NOT NULL,
    entered_date TEXT NOT NULL,
    PRIMARY KEY (opportunity_id, stage, entered_date)
);

CREATE TABLE activities (
    activity_id TEXT NOT NULL,
    person_id TEXT NOT NULL,
    date TEXT NOT NULL,
    type TEXT NOT NULL,
    account_id TEXT,
    contact_id TEXT,
    opportunity_id TEXT,
    subject TEXT,
    PRIMARY KEY (activity_id)
);

CREATE TABLE transactions (
    transaction_id TEXT NOT NULL,
    date TEXT NOT NULL,
    kind TEXT NOT NULL,
    amount INTEGER NOT NULL,
    margin INTEGER,
    account_id TEXT,
    opportunity_id TEXT,
    owner_id TEXT,
    reverses_id TEXT,
    PRIMARY KEY (transaction_id)
) WITHOUT ROWID;

CREATE TABLE splits (
    transaction_id TEXT NOT NULL,
    person_id TEXT NOT NULL,
    percent INTEGER NOT NULL,
    PRIMARY KEY (transaction_id, person_id)
) WITHOUT ROWID;

CREATE TABLE targets (
    scope TEXT NOT NULL,
    scope_id TEXT NOT NULL,
    year INTEGER NOT NULL,
    month INTEGER NOT NULL,
    metric TEXT NOT NULL,
    amount INTEGER NOT NULL,
    PRIMARY KEY (scope, scope_id, year, month, metric)
);

CREATE TABLE plans (
    plan_id TEXT NOT NULL,
    name TEXT NOT NULL,
    year INTEGER NOT NULL,
    component TEXT NOT NULL,
    metric TEXT NOT NULL,
    method TEXT NOT NULL,
    period TEXT NOT NULL,
    weight INTEGER,
    cap INTEGER,
    PRIMARY KEY (plan_id, component)
);

CREATE TABLE plan_tiers (
    plan_id TEXT NOT NULL,
    component TEXT NOT NULL,
    att_from INTEGER NOT NULL,
    att_to INTEGER,
    rate INTEGER NOT NULL,
    PRIMARY KEY (plan_id, component, att_from)
);

CREATE TABLE plan_curve (
    plan_id TEXT NOT NULL,
    component TEXT NOT NULL,
    attainment INTEGER NOT NULL,
    payout INTEGER NOT NULL,
    PRIMARY KEY (plan_id, component, attainment)
);

CREATE TABLE plan_assignments (
    person_id TEXT NOT NULL,
    plan_id TEXT NOT NULL,
    year INTEGER NOT NULL,
    target_incentive INTEGER,
    PRIMARY KEY (person_id, year)
);

CREATE TABLE adjustments (
    adjustment_id TEXT NOT NULL,
    person_id TEXT NOT NULL,
    year INTEGER NOT NULL,
    month INTEGER NOT NULL,
    amount INTEGER NOT NULL,
    reason TEXT NOT NULL,
    PRIMARY KEY (adjustment_id)
);

CREATE TABLE paid (
    person_id TEXT NOT NULL,
    plan_id TEXT NOT NULL,
    component TEXT NOT NULL,
    year INTEGER NOT NULL,
    month INTEGER NOT NULL,
    amount INTEGER NOT NULL,
    PRIMARY KEY (person_id, plan_id, component, year, month)
);

CREATE INDEX people_manager_id_idx ON people (manager_id);
CREATE INDEX reporting_manager_id_idx ON reporting (manager_id);
CREATE INDEX accounts_territory_id_idx ON accounts (territory_id);
CREATE INDEX accounts_owner_id_idx ON accounts (owner_id);
CREATE INDEX alignments_territory_id_idx ON alignments (territory_id);
CREATE INDEX contacts_account_id_idx ON contacts (account_id);
CREATE INDEX opportunities_account_id_idx ON opportunities (account_id);
CREATE INDEX opportunities_owner_id_idx ON opportunities (owner_id);
CREATE INDEX stage_history_entered_date_idx ON stage_history (entered_date);
CREATE INDEX activities_person_id_date_idx ON activities (person_id, date);
CREATE INDEX activities_account_id_idx ON activities (account_id);
CREATE INDEX transactions_owner_id_date_idx ON transactions (owner_id, date);
CREATE INDEX transactions_reverses_id_idx ON transactions (reverses_id) WHERE reverses_id IS NOT NULL;
CREATE INDEX splits_person_id_idx ON splits (person_id);
CREATE INDEX paid_year_month_idx ON paid (year, month);

CREATE TABLE users (
    user_id INTEGER PRIMARY KEY AUTOINCREMENT,
    email TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL,
    person_id TEXT,
    disabled INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL
);

CREATE TABLE sessions (
    session_hash TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
    csrf_token TEXT NOT NULL,
    created_at TEXT NOT NULL,
    last_seen_at TEXT NOT NULL
);
CREATE INDEX sessions_user_id_idx ON sessions (user_id);

CREATE TABLE api_tokens (
    token_id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id INTEGER NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    last_used_at TEXT
);

CREATE TABLE audit_log (
    audit_id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    entity TEXT NOT NULL,
    entity_key TEXT NOT NULL,
    before_json TEXT,
    after_json TEXT
);
CREATE INDEX audit_log_at_idx ON audit_log (at);
CREATE INDEX audit_log_entity_idx ON audit_log (entity, entity_key);
