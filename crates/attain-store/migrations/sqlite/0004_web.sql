-- Attain schema, version 4: what the web application adds. Failed sign-ins per email and per
-- address, for throttling with a growing delay that expires; indexes for the pages' filters.

CREATE TABLE login_failures (
    scope TEXT NOT NULL,
    subject TEXT NOT NULL,
    failures INTEGER NOT NULL,
    last_failure_at TEXT NOT NULL,
    PRIMARY KEY (scope, subject)
);

CREATE INDEX audit_log_actor_at_idx ON audit_log (actor, at);
CREATE INDEX people_territory_id_idx ON people (territory_id);
CREATE INDEX territories_parent_id_idx ON territories (parent_id);
CREATE INDEX sessions_last_seen_at_idx ON sessions (last_seen_at);
