-- Attain schema, version 5: the planning cycle (planning.md). Each allocation of a fiscal year
-- and metric is a version: its target rows, and per territory node and per person what the
-- reconciliation shows (over-assignment, unassigned targets, hire, leaver and ramp gaps).
-- Approving a version copies its rows into `targets`; versions are never deleted. Money in cents.

CREATE TABLE plan_versions (
    version_id INTEGER PRIMARY KEY AUTOINCREMENT,
    year INTEGER NOT NULL,
    metric TEXT NOT NULL,
    version INTEGER NOT NULL,
    status TEXT NOT NULL,
    params_json TEXT NOT NULL,
    total INTEGER NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    approved_by TEXT,
    approved_at TEXT,
    UNIQUE (year, metric, version)
);

CREATE TABLE plan_version_rows (
    version_id INTEGER NOT NULL REFERENCES plan_versions (version_id),
    scope TEXT NOT NULL,
    scope_id TEXT NOT NULL,
    month INTEGER NOT NULL,
    amount INTEGER NOT NULL,
    PRIMARY KEY (version_id, scope, scope_id, month)
);

CREATE TABLE plan_version_nodes (
    version_id INTEGER NOT NULL REFERENCES plan_versions (version_id),
    territory_id TEXT NOT NULL,
    parent_id TEXT,
    position INTEGER NOT NULL,
    depth INTEGER NOT NULL,
    leaf INTEGER NOT NULL,
    target INTEGER NOT NULL,
    overassigned INTEGER NOT NULL,
    unassigned INTEGER NOT NULL,
    hire_gap INTEGER NOT NULL,
    leaver_gap INTEGER NOT NULL,
    ramp_gap INTEGER NOT NULL,
    reps INTEGER NOT NULL,
    PRIMARY KEY (version_id, territory_id)
);

CREATE TABLE plan_version_people (
    version_id INTEGER NOT NULL REFERENCES plan_versions (version_id),
    person_id TEXT NOT NULL,
    territory_id TEXT,
    reps INTEGER,
    assigned INTEGER NOT NULL,
    hire_gap INTEGER NOT NULL,
    leaver_gap INTEGER NOT NULL,
    ramp_gap INTEGER NOT NULL,
    PRIMARY KEY (version_id, person_id)
);

CREATE INDEX targets_year_metric_idx ON targets (year, metric);
