-- Attain schema, version 10: taking data in from a CRM export. `crm_mappings` remembers, for a
-- kind of record and a header set (its normalized signature), which column of the export fills
-- each Attain field and how the export's values translate; `crm_uploads` keeps an uploaded export
-- between the steps of the mapping page, under a random token, for the user who sent it.

CREATE TABLE crm_mappings (
    kind TEXT NOT NULL,
    signature TEXT NOT NULL,
    mapping_json TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (kind, signature)
);

CREATE TABLE crm_uploads (
    token TEXT PRIMARY KEY,
    user_id BIGINT NOT NULL,
    kind TEXT NOT NULL,
    file_name TEXT NOT NULL,
    content TEXT NOT NULL,
    mapping_json TEXT,
    created_at TIMESTAMPTZ NOT NULL
);

CREATE INDEX crm_uploads_created_idx ON crm_uploads (created_at);
