-- Attain schema, version 11: account mapping. The decision-making process of an account as
-- ordered steps (decision_steps.csv) and the contacts involved in each step
-- (decision_step_contacts.csv); an index on the contact an activity touched, for coverage.

CREATE TABLE decision_steps (
    account_id TEXT NOT NULL,
    step BIGINT NOT NULL,
    name TEXT NOT NULL,
    description TEXT,
    PRIMARY KEY (account_id, step)
);

CREATE TABLE decision_step_contacts (
    account_id TEXT NOT NULL,
    step BIGINT NOT NULL,
    contact_id TEXT NOT NULL,
    PRIMARY KEY (account_id, step, contact_id)
);

CREATE INDEX decision_step_contacts_contact_id_idx ON decision_step_contacts (contact_id);
CREATE INDEX activities_contact_id_idx ON activities (contact_id);
