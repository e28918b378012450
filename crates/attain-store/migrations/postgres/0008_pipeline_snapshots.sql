-- Attain schema, version 8: the indexes of the pipeline snapshots (docs/pipeline.md). A team's
-- opportunities are read by owner and close date (closed or closing since a day) and by owner and
-- stage (still open, overdue), their stage history by opportunity (its key), and their
-- activities by person and date with the type in the index (no table read).

CREATE INDEX opportunities_owner_close_idx ON opportunities (owner_id, close_date);
CREATE INDEX opportunities_owner_stage_idx ON opportunities (owner_id, stage);
CREATE INDEX activities_person_date_type_idx ON activities (person_id, date, type);
