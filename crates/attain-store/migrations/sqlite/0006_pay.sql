-- Attain schema, version 6: what the Pay pages add. Plan acceptances (each with the hash of the
-- plan rows the person accepted, so a changed plan needs a new acceptance), and inquiries on
-- statement lines with their whole thread. Money in cents.

CREATE TABLE plan_acceptances (
    person_id TEXT NOT NULL,
    year INTEGER NOT NULL,
    plan_id TEXT NOT NULL,
    plan_hash TEXT NOT NULL,
    accepted_at TEXT NOT NULL,
    accepted_by TEXT NOT NULL,
    PRIMARY KEY (person_id, year, plan_hash)
);

CREATE TABLE inquiries (
    inquiry_id INTEGER PRIMARY KEY AUTOINCREMENT,
    person_id TEXT NOT NULL,
    year INTEGER NOT NULL,
    month INTEGER NOT NULL,
    line TEXT NOT NULL,
    status TEXT NOT NULL,
    raised_by TEXT NOT NULL,
    raised_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    adjustment_id TEXT
);
CREATE INDEX inquiries_person_idx ON inquiries (person_id, year, month);
CREATE INDEX inquiries_status_idx ON inquiries (status, updated_at);

CREATE TABLE inquiry_messages (
    message_id INTEGER PRIMARY KEY AUTOINCREMENT,
    inquiry_id INTEGER NOT NULL REFERENCES inquiries (inquiry_id) ON DELETE CASCADE,
    at TEXT NOT NULL,
    author TEXT NOT NULL,
    kind TEXT NOT NULL,
    body TEXT NOT NULL,
    amount INTEGER
);
CREATE INDEX inquiry_messages_inquiry_idx ON inquiry_messages (inquiry_id, message_id);

CREATE INDEX adjustments_person_year_idx ON adjustments (person_id, year, month);
CREATE INDEX result_statements_year_idx ON result_statements (year, month);
