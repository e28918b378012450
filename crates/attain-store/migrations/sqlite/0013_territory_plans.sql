-- Attain schema, version 13: territory plans. One plan per salesperson and fiscal year
-- (territory_plans.csv) with its written sections (plan_sections.csv) and key accounts
-- (plan_key_accounts.csv); the template sales ops edit (plan_template, not a dataset file); a
-- frozen copy of every submitted and agreed version (territory_plan_versions).

CREATE TABLE territory_plans (
    person_id TEXT NOT NULL,
    year INTEGER NOT NULL,
    status TEXT NOT NULL,
    version INTEGER NOT NULL,
    submitted_date DATE,
    agreed_date DATE,
    agreed_by_id TEXT,
    manager_comment TEXT,
    PRIMARY KEY (person_id, year)
);

CREATE TABLE plan_sections (
    person_id TEXT NOT NULL,
    year INTEGER NOT NULL,
    section TEXT NOT NULL,
    text TEXT,
    PRIMARY KEY (person_id, year, section)
);

CREATE TABLE plan_key_accounts (
    person_id TEXT NOT NULL,
    year INTEGER NOT NULL,
    account_id TEXT NOT NULL,
    strategy TEXT,
    PRIMARY KEY (person_id, year, account_id)
);

CREATE TABLE plan_template (
    section TEXT PRIMARY KEY,
    heading TEXT NOT NULL,
    prompt TEXT NOT NULL,
    max_chars INTEGER NOT NULL
);

CREATE TABLE territory_plan_versions (
    person_id TEXT NOT NULL,
    year INTEGER NOT NULL,
    version INTEGER NOT NULL,
    status TEXT NOT NULL,
    saved_at TEXT NOT NULL,
    saved_by TEXT NOT NULL,
    snapshot TEXT NOT NULL,
    PRIMARY KEY (person_id, year, version, status)
);
