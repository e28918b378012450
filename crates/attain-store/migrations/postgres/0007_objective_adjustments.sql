-- Attain schema, version 7: bottom-up adjustments of objectives. A manager or director proposes a
-- new objective for one person, month and metric with a reason; sales operations approves it (the
-- person's row of `targets` takes the amount) or rejects it. Rows are never deleted. Money in cents.

CREATE TABLE objective_adjustments (
    adjustment_id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    person_id TEXT NOT NULL,
    year BIGINT NOT NULL,
    month BIGINT NOT NULL,
    metric TEXT NOT NULL,
    current_amount BIGINT,
    proposed_amount BIGINT NOT NULL,
    reason TEXT NOT NULL,
    status TEXT NOT NULL,
    proposed_by TEXT NOT NULL,
    proposed_at TIMESTAMPTZ NOT NULL,
    decided_by TEXT,
    decided_at TIMESTAMPTZ
);

CREATE INDEX objective_adjustments_status_idx ON objective_adjustments (status, adjustment_id);
