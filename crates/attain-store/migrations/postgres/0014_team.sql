-- Attain schema, version 14: training and recognition (docs/team.md). A catalogue of training
-- sessions, who registered for, attended or completed each, what each job requires, and
-- recognitions with their optional award; a recognition's SPIFF is paid through the adjustment
-- it names. Money in cents, hours in millionths.

CREATE TABLE trainings (
    training_id TEXT NOT NULL,
    title TEXT NOT NULL,
    kind TEXT NOT NULL,
    date DATE,
    hours BIGINT,
    description TEXT,
    PRIMARY KEY (training_id)
);

CREATE TABLE training_records (
    training_id TEXT NOT NULL,
    person_id TEXT NOT NULL,
    status TEXT NOT NULL,
    date DATE,
    PRIMARY KEY (training_id, person_id)
);
CREATE INDEX training_records_person_idx ON training_records (person_id);

CREATE TABLE job_trainings (
    job_id TEXT NOT NULL,
    training_id TEXT NOT NULL,
    PRIMARY KEY (job_id, training_id)
);

CREATE TABLE recognitions (
    recognition_id TEXT NOT NULL,
    person_id TEXT NOT NULL,
    date DATE NOT NULL,
    reason TEXT NOT NULL,
    given_by_id TEXT,
    meeting_id TEXT,
    award TEXT,
    amount BIGINT,
    adjustment_id TEXT,
    PRIMARY KEY (recognition_id)
);
CREATE INDEX recognitions_date_idx ON recognitions (date);
CREATE INDEX recognitions_person_idx ON recognitions (person_id);
