-- Attain schema, version 15: sales meetings (docs/meetings.md). The agenda template
-- (meeting_template.csv), each team's meetings (meetings.csv) with their agenda items, the
-- information-gathering ones carrying the figures frozen when the agenda was built
-- (meeting_items.csv), attendance (meeting_attendance.csv) and follow-ups
-- (meeting_followups.csv).

CREATE TABLE meeting_template (
    position BIGINT NOT NULL PRIMARY KEY,
    section TEXT NOT NULL,
    title TEXT NOT NULL,
    minutes BIGINT
);

CREATE TABLE meetings (
    meeting_id TEXT NOT NULL PRIMARY KEY,
    team_manager_id TEXT NOT NULL,
    date DATE NOT NULL,
    title TEXT NOT NULL,
    cadence TEXT,
    status TEXT NOT NULL,
    notes TEXT
);

CREATE INDEX meetings_team_manager_id_idx ON meetings (team_manager_id, date);

CREATE TABLE meeting_items (
    meeting_id TEXT NOT NULL,
    position BIGINT NOT NULL,
    section TEXT NOT NULL,
    person_id TEXT,
    title TEXT NOT NULL,
    minutes BIGINT,
    figures TEXT,
    notes TEXT,
    PRIMARY KEY (meeting_id, position)
);

CREATE TABLE meeting_attendance (
    meeting_id TEXT NOT NULL,
    person_id TEXT NOT NULL,
    status TEXT NOT NULL,
    PRIMARY KEY (meeting_id, person_id)
);

CREATE TABLE meeting_followups (
    meeting_id TEXT NOT NULL,
    followup_id TEXT NOT NULL,
    owner_id TEXT NOT NULL,
    description TEXT NOT NULL,
    due_date DATE,
    status TEXT NOT NULL,
    PRIMARY KEY (meeting_id, followup_id)
);

CREATE INDEX meeting_followups_owner_id_idx ON meeting_followups (owner_id);
