//! What the CRM import keeps between requests: an uploaded export under a random token, for the
//! user who sent it, for a day (`crm_uploads`); and the remembered mapping of each kind of record
//! and header set (`crm_mappings`), whose changes are audited.

use crate::audit::{self, Change};
use attain_dataset::crm::{self, Export, Mapping, RecordKind};
use attain_store::{Executor, Store, StoreResult, params};
use chrono::{DateTime, Duration, Utc};

/// How long an upload waits for its import.
const UPLOAD_LIFETIME_HOURS: i64 = 24;

/// An upload kept between the steps of the mapping page.
pub struct Upload {
    /// The random token naming it in URLs.
    pub token: String,
    /// The kind of record it holds.
    pub kind: RecordKind,
    /// The export, read.
    pub export: Export,
    /// The mapping chosen on the mapping page, once previewed.
    pub mapping: Option<Mapping>,
}

/// Keeps an uploaded export for `user_id` and returns its token; uploads past their lifetime
/// are removed on the way.
pub fn save_upload(
    store: &Store,
    user_id: i64,
    kind: RecordKind,
    name: &str,
    text: &str,
) -> StoreResult<String> {
    let token = crate::auth::random_hex(16);
    let now = Utc::now();
    let mut conn = store.conn()?;
    let mut tx = conn.transaction()?;
    tx.execute(
        "DELETE FROM crm_uploads WHERE created_at < $1",
        params![now - Duration::hours(UPLOAD_LIFETIME_HOURS)],
    )?;
    tx.execute(
        "INSERT INTO crm_uploads (token, user_id, kind, file_name, content, mapping_json, created_at)
         VALUES ($1, $2, $3, $4, $5, NULL, $6)",
        params![token.clone(), user_id, kind.as_str(), name, text, now],
    )?;
    tx.commit()?;
    Ok(token)
}

/// Returns the upload of this token if it is `user_id`'s and not expired (else `None`, which
/// the pages answer as not found).
pub fn load_upload(store: &Store, user_id: i64, token: &str) -> StoreResult<Option<Upload>> {
    let mut conn = store.conn()?;
    let Some(r) = conn.query_opt(
        "SELECT kind, file_name, content, mapping_json, created_at FROM crm_uploads
         WHERE token = $1 AND user_id = $2",
        params![token, user_id],
    )?
    else {
        return Ok(None);
    };
    let created: DateTime<Utc> = r.time(4)?;
    if created < Utc::now() - Duration::hours(UPLOAD_LIFETIME_HOURS) {
        return Ok(None);
    }
    let Some(kind) = RecordKind::parse(r.text(0)?) else {
        return Ok(None);
    };
    // The text was read when uploaded; reading it again cannot fail differently.
    let Ok(export) = crm::read(r.text(1)?, r.text(2)?.as_bytes()) else {
        return Ok(None);
    };
    let mapping = r
        .opt_text(3)?
        .and_then(|j| serde_json::from_str::<Mapping>(j).ok());
    Ok(Some(Upload {
        token: token.to_owned(),
        kind,
        export,
        mapping,
    }))
}

/// Keeps the mapping chosen for an upload.
pub fn set_upload_mapping(store: &Store, token: &str, mapping: &Mapping) -> StoreResult<()> {
    let json = serde_json::to_string(mapping).unwrap_or_default();
    store.conn()?.execute(
        "UPDATE crm_uploads SET mapping_json = $1 WHERE token = $2",
        params![json, token],
    )?;
    Ok(())
}

/// Forgets an upload (after its import).
pub fn delete_upload(store: &Store, token: &str) -> StoreResult<()> {
    store
        .conn()?
        .execute("DELETE FROM crm_uploads WHERE token = $1", params![token])?;
    Ok(())
}

/// A remembered mapping: the mapping, who saved it and when.
pub struct Remembered {
    /// The mapping.
    pub mapping: Mapping,
    /// Who saved it last.
    pub by: String,
    /// When.
    pub at: DateTime<Utc>,
}

/// Returns the mapping remembered for this kind and header set.
pub fn remembered(
    store: &Store,
    kind: RecordKind,
    header: &[String],
) -> StoreResult<Option<Remembered>> {
    let mut conn = store.conn()?;
    let row = conn.query_opt(
        "SELECT mapping_json, updated_by, updated_at FROM crm_mappings
         WHERE kind = $1 AND signature = $2",
        params![kind.as_str(), crm::signature(header)],
    )?;
    let Some(r) = row else { return Ok(None) };
    let Ok(mapping) = serde_json::from_str::<Mapping>(r.text(0)?) else {
        return Ok(None);
    };
    Ok(Some(Remembered {
        mapping,
        by: r.string(1)?,
        at: r.time(2)?,
    }))
}

/// Remembers a mapping for this kind and header set, with an audit row when it changed.
pub fn remember(
    store: &Store,
    actor: &str,
    kind: RecordKind,
    header: &[String],
    mapping: &Mapping,
) -> StoreResult<()> {
    let signature = crm::signature(header);
    let before = remembered(store, kind, header)?.map(|r| r.mapping);
    if before.as_ref() == Some(mapping) {
        return Ok(());
    }
    let json = serde_json::to_string(mapping).unwrap_or_default();
    let mut conn = store.conn()?;
    let mut tx = conn.transaction()?;
    tx.execute(
        "INSERT INTO crm_mappings (kind, signature, mapping_json, updated_by, updated_at)
         VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (kind, signature) DO UPDATE SET mapping_json = excluded.mapping_json,
             updated_by = excluded.updated_by, updated_at = excluded.updated_at",
        params![kind.as_str(), signature.clone(), json, actor, Utc::now()],
    )?;
    let key = format!("{}: {signature}", kind.as_str());
    audit::record(
        &mut tx,
        &Change {
            actor,
            action: if before.is_some() { "update" } else { "create" },
            entity: "crm_mapping",
            key: &key,
            before: before.and_then(|m| serde_json::to_value(m).ok()),
            after: serde_json::to_value(mapping).ok(),
        },
    )?;
    tx.commit()
}
