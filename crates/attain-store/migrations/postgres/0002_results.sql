-- Attain schema, version 2: calculation results (compensation.md), one table per results file of
-- dataset.md, replaced as a whole for a year by each calculation run, and the runs themselves.
-- Money in cents, attainments in millionths (NULL where the target is 0).

CREATE TABLE calc_runs (
    run_id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    year BIGINT NOT NULL,
    actor TEXT NOT NULL,
    started_at TIMESTAMPTZ NOT NULL,
    finished_at TIMESTAMPTZ NOT NULL,
    inputs_json TEXT NOT NULL,
    totals_json TEXT NOT NULL,
    warnings_json TEXT NOT NULL
);
CREATE INDEX calc_runs_year_idx ON calc_runs (year);

CREATE TABLE result_credits (
    person_id TEXT NOT NULL,
    year BIGINT NOT NULL,
    month BIGINT NOT NULL,
    metric TEXT NOT NULL,
    direct BIGINT NOT NULL,
    override BIGINT NOT NULL,
    credited BIGINT NOT NULL,
    target BIGINT NOT NULL,
    attainment BIGINT,
    PRIMARY KEY (person_id, year, month, metric)
);
CREATE INDEX result_credits_year_idx ON result_credits (year, month);

CREATE TABLE result_payouts (
    person_id TEXT NOT NULL,
    plan_id TEXT NOT NULL,
    component TEXT NOT NULL,
    year BIGINT NOT NULL,
    month BIGINT NOT NULL,
    period_credit BIGINT NOT NULL,
    period_target BIGINT NOT NULL,
    attainment BIGINT,
    earned_to_date BIGINT NOT NULL,
    adjustment BIGINT,
    payout BIGINT NOT NULL,
    locked BOOLEAN NOT NULL,
    PRIMARY KEY (person_id, plan_id, component, year, month)
);
CREATE INDEX result_payouts_year_idx ON result_payouts (year, month);

CREATE TABLE result_territories (
    territory_id TEXT NOT NULL,
    year BIGINT NOT NULL,
    month BIGINT NOT NULL,
    metric TEXT NOT NULL,
    actual BIGINT NOT NULL,
    target BIGINT NOT NULL,
    attainment BIGINT,
    PRIMARY KEY (territory_id, year, month, metric)
);

CREATE TABLE result_statements (
    person_id TEXT NOT NULL,
    year BIGINT NOT NULL,
    month BIGINT NOT NULL,
    calculated BIGINT NOT NULL,
    adjustments BIGINT NOT NULL,
    total BIGINT NOT NULL,
    PRIMARY KEY (person_id, year, month)
);
