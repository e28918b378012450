-- Attain schema, version 2: calculation results (compensation.md), one table per results file of
-- dataset.md, replaced as a whole for a year by each calculation run, and the runs themselves.
-- Money in cents, attainments in millionths (NULL where the target is 0).

CREATE TABLE calc_runs (
    run_id INTEGER PRIMARY KEY AUTOINCREMENT,
    year INTEGER NOT NULL,
    actor TEXT NOT NULL,
    started_at TEXT NOT NULL,
    finished_at TEXT NOT NULL,
    inputs_json TEXT NOT NULL,
    totals_json TEXT NOT NULL,
    warnings_json TEXT NOT NULL
);
CREATE INDEX calc_runs_year_idx ON calc_runs (year);

CREATE TABLE result_credits (
    person_id TEXT NOT NULL,
    year INTEGER NOT NULL,
    month INTEGER NOT NULL,
    metric TEXT NOT NULL,
    direct INTEGER NOT NULL,
    override INTEGER NOT NULL,
    credited INTEGER NOT NULL,
    target INTEGER NOT NULL,
    attainment INTEGER,
    PRIMARY KEY (person_id, year, month, metric)
);
CREATE INDEX result_credits_year_idx ON result_credits (year, month);

CREATE TABLE result_payouts (
    person_id TEXT NOT NULL,
    plan_id TEXT NOT NULL,
    component TEXT NOT NULL,
    year INTEGER NOT NULL,
    month INTEGER NOT NULL,
    period_credit INTEGER NOT NULL,
    period_target INTEGER NOT NULL,
    attainment INTEGER,
    earned_to_date INTEGER NOT NULL,
    adjustment INTEGER,
    payout INTEGER NOT NULL,
    locked INTEGER NOT NULL,
    PRIMARY KEY (person_id, plan_id, component, year, month)
);
CREATE INDEX result_payouts_year_idx ON result_payouts (year, month);

CREATE TABLE result_territories (
    territory_id TEXT NOT NULL,
    year INTEGER NOT NULL,
    month INTEGER NOT NULL,
    metric TEXT NOT NULL,
    actual INTEGER NOT NULL,
    target INTEGER NOT NULL,
    attainment INTEGER,
    PRIMARY KEY (territory_id, year, month, metric)
);

CREATE TABLE result_statements (
    person_id TEXT NOT NULL,
    year INTEGER NOT NULL,
    month INTEGER NOT NULL,
    calculated INTEGER NOT NULL,
    adjustments INTEGER NOT NULL,
    total INTEGER NOT NULL,
    PRIMARY KEY (person_id, year, month)
);
