-- Attain schema, version 7: bottom-up adjustments of objectives. A manager or director proposes a
-- new objective for one person, month and metric with a reason; sales operations approves it (the
-- person's row of `targets` takes the amount) or rejects it. Rows are never deleted. Money in cents.

CREATE TABLE objective_adjustments (
    adjustment_id INTEGER PRIMARY KEY AUTOINCREMENT,
    person_id TEXT NOT NULL,
    year INTEGER NOT NULL,
    month INTEGER NOT NULL,
    metric TEXT NOT NULL,
    current_amount INTEGER,
    proposed_amount INTEGER NOT NULL,
    reason TEXT NOT NULL,
    status TEXT NOT NULL,
    proposed_by TEXT NOT NULL,
    proposed_at TEXT NOT NULL,
    decided_by TEXT,
    decided_at TEXT
);

CREATE INDEX objective_adjustments_status_idx ON objective_adjustments (status, adjustment_id);
