-- Attain schema, version 5: the planning cycle (planning.md). Each allocation of a fiscal year
-- and metric is a version: its target rows, and per territory node and per person what the
-- reconciliation shows (over-assignment, unassigned targets, hire, leaver and ramp gaps).
-- Approving a version copies its rows into `targets`; versions are never deleted. Money in cents.

CREATE TABLE plan_versions (
    version_id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    year BIGINT NOT NULL,
    metric TEXT NOT NULL,
    version BIGINT NOT NULL,
    status TEXT NOT NULL,
    params_json TEXT NOT NULL,
    total BIGINT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    approved_by TEXT,
    approved_at TIMESTAMPTZ,
    UNIQUE (year, metric, version)
);

CREATE TABLE plan_version_rows (
    version_id BIGINT NOT NULL REFERENCES plan_versions (version_id),
    scope TEXT NOT NULL,
    scope_id TEXT NOT NULL,
    month BIGINT NOT NULL,
    amount BIGINT NOT NULL,
    PRIMARY KEY (version_id, scope, scope_id, month)
);

CREATE TABLE plan_version_nodes (
    version_id BIGINT NOT NULL REFERENCES plan_versions (version_id),
    territory_id TEXT NOT NULL,
    parent_id TEXT,
    position BIGINT NOT NULL,
    depth BIGINT NOT NULL,
    leaf BOOLEAN NOT NULL,
    target BIGINT NOT NULL,
    overassigned BIGINT NOT NULL,
    unassigned BIGINT NOT NULL,
    hire_gap BIGINT NOT NULL,
    leaver_gap BIGINT NOT NULL,
    ramp_gap BIGINT NOT NULL,
    reps BIGINT NOT NULL,
    PRIMARY KEY (version_id, territory_id)
);

CREATE TABLE plan_version_people (
    version_id BIGINT NOT NULL REFERENCES plan_versions (version_id),
    person_id TEXT NOT NULL,
    territory_id TEXT,
    reps BIGINT,
    assigned BIGINT NOT NULL,
    hire_gap BIGINT NOT NULL,
    leaver_gap BIGINT NOT NULL,
    ramp_gap BIGINT NOT NULL,
    PRIMARY KEY (version_id, person_id)
);

CREATE INDEX targets_year_metric_idx ON targets (year, metric);
