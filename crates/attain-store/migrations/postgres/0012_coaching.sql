-- Attain schema, version 12: coaching. The competency model sales operations edits; coaching
-- sessions a manager records on a person (kind, optional account or opportunity, preparation,
-- debrief, shared and private notes, the person's own reflection); skills observed in a session,
-- rated 1 to 5 per competency; action items with owner, due date and status. Tables and columns
-- carry the names of the dataset files competencies, coaching_sessions, skill_ratings and
-- action_items (docs/dataset.md).

CREATE TABLE competencies (
    competency_id TEXT NOT NULL,
    name TEXT NOT NULL,
    description TEXT,
    position BIGINT NOT NULL,
    PRIMARY KEY (competency_id)
);

CREATE TABLE coaching_sessions (
    session_id TEXT NOT NULL,
    person_id TEXT NOT NULL,
    coach_id TEXT NOT NULL,
    date DATE NOT NULL,
    kind TEXT NOT NULL,
    account_id TEXT,
    opportunity_id TEXT,
    preparation TEXT,
    what_happened TEXT,
    learned TEXT,
    do_better TEXT,
    shared_notes TEXT,
    private_notes TEXT,
    reflection TEXT,
    PRIMARY KEY (session_id)
);

CREATE TABLE skill_ratings (
    session_id TEXT NOT NULL,
    competency_id TEXT NOT NULL,
    rating BIGINT NOT NULL,
    PRIMARY KEY (session_id, competency_id)
);

CREATE TABLE action_items (
    action_id TEXT NOT NULL,
    session_id TEXT,
    person_id TEXT NOT NULL,
    owner_id TEXT NOT NULL,
    description TEXT NOT NULL,
    due_date DATE,
    status TEXT NOT NULL,
    done_date DATE,
    PRIMARY KEY (action_id)
);

CREATE INDEX coaching_sessions_person_id_date_idx ON coaching_sessions (person_id, date);
CREATE INDEX coaching_sessions_coach_id_idx ON coaching_sessions (coach_id);
CREATE INDEX action_items_person_id_idx ON action_items (person_id, status);
CREATE INDEX action_items_owner_id_idx ON action_items (owner_id, status);
CREATE INDEX action_items_session_id_idx ON action_items (session_id);
