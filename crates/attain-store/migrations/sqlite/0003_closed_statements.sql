-- Attain schema, version 3: each statement as it stood when its month was closed (locked), so a
-- closed month's pay slip can be shown exactly as it was paid even after its data changes
-- (compensation.md §4–5). Written by `attain lock`, deleted by `attain unlock`. Money in cents.

CREATE TABLE closed_statements (
    person_id TEXT NOT NULL,
    year INTEGER NOT NULL,
    month INTEGER NOT NULL,
    calculated INTEGER NOT NULL,
    adjustments INTEGER NOT NULL,
    total INTEGER NOT NULL,
    closed_at TEXT NOT NULL,
    closed_by TEXT NOT NULL,
    PRIMARY KEY (person_id, year, month)
);
CREATE INDEX closed_statements_year_idx ON closed_statements (year, month);
