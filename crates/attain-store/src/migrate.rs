//! Embedded migrations, one folder per database; applied in order, each in its own transaction,
//! recorded in `attain_migrations`. A released migration is never edited: add a new one.
//!
//! Versions increase but need not be contiguous: branches reserve numbers (4 is the web
//! application's, 5 the planning cycle's, 7 the adjustments of objectives), and a database
//! applies whichever of the listed migrations it has not recorded, in order, so a number added
//! later between two applied ones is still applied.

use crate::error::{StoreError, StoreResult};
use crate::pool::{Backend, Executor, Store};

/// A schema change, written once for each database.
struct Migration {
    version: i64,
    name: &'static str,
    sqlite: &'static str,
    postgres: &'static str,
}

const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "initial",
        sqlite: include_str!("../migrations/sqlite/0001_initial.sql"),
        postgres: include_str!("../migrations/postgres/0001_initial.sql"),
    },
    Migration {
        version: 2,
        name: "results",
        sqlite: include_str!("../migrations/sqlite/0002_results.sql"),
        postgres: include_str!("../migrations/postgres/0002_results.sql"),
    },
    Migration {
        version: 3,
        name: "closed_statements",
        sqlite: include_str!("../migrations/sqlite/0003_closed_statements.sql"),
        postgres: include_str!("../migrations/postgres/0003_closed_statements.sql"),
    },
    Migration {
        version: 4,
        name: "web",
        sqlite: include_str!("../migrations/sqlite/0004_web.sql"),
        postgres: include_str!("../migrations/postgres/0004_web.sql"),
    },
    Migration {
        version: 5,
        name: "plan_versions",
        sqlite: include_str!("../migrations/sqlite/0005_plan_versions.sql"),
        postgres: include_str!("../migrations/postgres/0005_plan_versions.sql"),
    },
    Migration {
        version: 6,
        name: "pay",
        sqlite: include_str!("../migrations/sqlite/0006_pay.sql"),
        postgres: include_str!("../migrations/postgres/0006_pay.sql"),
    },
    Migration {
        version: 7,
        name: "objective_adjustments",
        sqlite: include_str!("../migrations/sqlite/0007_objective_adjustments.sql"),
        postgres: include_str!("../migrations/postgres/0007_objective_adjustments.sql"),
    },
    Migration {
        version: 8,
        name: "pipeline_snapshots",
        sqlite: include_str!("../migrations/sqlite/0008_pipeline_snapshots.sql"),
        postgres: include_str!("../migrations/postgres/0008_pipeline_snapshots.sql"),
    },
    Migration {
        version: 10,
        name: "crm_import",
        sqlite: include_str!("../migrations/sqlite/0010_crm_import.sql"),
        postgres: include_str!("../migrations/postgres/0010_crm_import.sql"),
    },
    Migration {
        version: 11,
        name: "account_mapping",
        sqlite: include_str!("../migrations/sqlite/0011_account_mapping.sql"),
        postgres: include_str!("../migrations/postgres/0011_account_mapping.sql"),
    },
    Migration {
        version: 12,
        name: "coaching",
        sqlite: include_str!("../migrations/sqlite/0012_coaching.sql"),
        postgres: include_str!("../migrations/postgres/0012_coaching.sql"),
    },
    Migration {
        version: 13,
        name: "territory_plans",
        sqlite: include_str!("../migrations/sqlite/0013_territory_plans.sql"),
        postgres: include_str!("../migrations/postgres/0013_territory_plans.sql"),
    },
    Migration {
        version: 14,
        name: "team",
        sqlite: include_str!("../migrations/sqlite/0014_team.sql"),
        postgres: include_str!("../migrations/postgres/0014_team.sql"),
    },
    Migration {
        version: 15,
        name: "meetings",
        sqlite: include_str!("../migrations/sqlite/0015_meetings.sql"),
        postgres: include_str!("../migrations/postgres/0015_meetings.sql"),
    },
];

/// Brings the database up to the newest schema.
pub fn migrate(store: &Store) -> StoreResult<()> {
    let mut conn = store.conn()?;
    conn.batch(
        "CREATE TABLE IF NOT EXISTS attain_migrations (
             version BIGINT PRIMARY KEY,
             name TEXT NOT NULL
         )",
    )?;
    let mut tx = conn.transaction()?;
    if tx.backend() == Backend::Postgres {
        // Several servers starting at once: one migrates, the others wait and then see it done.
        tx.batch("SELECT pg_advisory_xact_lock(7406111)")?;
    }
    let applied: Vec<i64> = tx
        .query(
            "SELECT version FROM attain_migrations ORDER BY version",
            &[],
        )?
        .iter()
        .map(|r| r.int(0))
        .collect::<StoreResult<_>>()?;
    for m in MIGRATIONS.iter().filter(|m| !applied.contains(&m.version)) {
        let sql = match tx.backend() {
            Backend::Sqlite => m.sqlite,
            Backend::Postgres => m.postgres,
        };
        tx.batch(sql).map_err(|e| StoreError::Migration {
            version: m.version,
            cause: e.to_string(),
        })?;
        tx.execute(
            "INSERT INTO attain_migrations (version, name) VALUES ($1, $2)",
            &[m.version.into(), m.name.into()],
        )?;
        tracing::info!(
            migration.version = m.version,
            migration.name = m.name,
            "applied migration"
        );
    }
    tx.commit()?;
    conn.clear_statement_cache();
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn migration_versions_increase_and_may_leave_gaps() {
        let versions: Vec<i64> = super::MIGRATIONS.iter().map(|m| m.version).collect();
        assert!(versions.windows(2).all(|w| w[0] < w[1]), "{versions:?}");
    }
}
