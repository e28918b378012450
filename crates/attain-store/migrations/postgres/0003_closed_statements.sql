-- Attain schema, version 3: each statement as it stood when its month was closed (locked), so a
-- closed month's pay slip can be shown exactly as it was paid even after its data changes
-- (compensation.md §4–5). Written by `attain lock`, deleted by `attain unlock`. Money in cents.

CREATE TABLE closed_statements (
    person_id TEXT NOT NULL,
    year BIGINT NOT NULL,
    month BIGINT NOT NULL,
    calculated BIGINT NOT NULL,
    adjustments BIGINT NOT NULL,
    total BIGINT NOT NULL,
    closed_at TIMESTAMPTZ NOT NULL,
    closed_by TEXT NOT NULL,
    PRIMARY KEY (person_id, year, month)
);
CREATE INDEX closed_statements_year_idx ON closed_statements (year, month);
