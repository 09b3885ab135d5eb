//! The production store: PostgreSQL, chosen by a `postgres://` `DATABASE_URL`.

use std::time::Duration;

use sqlx::migrate::Migrator;
use sqlx::postgres::PgPoolOptions;
use sqlx::{PgPool, Postgres, Transaction};

use crate::error::{Result, StoreError};
use crate::sql_impl::impl_store;

pub(crate) static MIGRATOR: Migrator = sqlx::migrate!("./migrations/postgres");

/// Tables whose identity sequence must move past keys inserted explicitly by a bulk insert.
const IDENTITY_TABLES: &[(&str, &str)] = &[
    ("nav_offices", "id"),
    ("providers", "id"),
    ("investors", "id"),
    ("contracts", "id"),
    ("participant_groups", "id"),
    ("persons", "key"),
    ("households", "id"),
    ("participants", "id"),
];

pub struct PgStore {
    pub(crate) pool: PgPool,
}

impl PgStore {
    /// Connects and applies pending migrations.
    pub async fn open(url: &str) -> Result<Self> {
        let store = Self::open_unmigrated(url).await?;
        MIGRATOR.run(&store.pool).await?;
        Ok(store)
    }

    pub async fn open_unmigrated(url: &str) -> Result<Self> {
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .acquire_timeout(Duration::from_secs(10))
            .connect(url)
            .await
            .map_err(|e| StoreError::Connect(format!("cannot connect to PostgreSQL: {e}")))?;
        Ok(Self { pool })
    }

    /// Closes all connections (a template database must have none before it is cloned).
    pub async fn close(&self) {
        self.pool.close().await;
    }

    async fn after_bulk_insert(tx: &mut Transaction<'static, Postgres>) -> Result<()> {
        for (table, column) in IDENTITY_TABLES {
            let sql = format!(
                "SELECT setval(pg_get_serial_sequence('{table}', '{column}'), \
                 COALESCE((SELECT MAX({column}) FROM {table}), 0) + 1, false)"
            );
            sqlx::query(&sql).execute(&mut **tx).await?;
        }
        Ok(())
    }
}

impl_store!(PgStore, Postgres, Backend::Postgres, MIGRATOR);
