//! The production store: PostgreSQL, chosen by a `postgres://` `DATABASE_URL`.

use std::time::Duration;

use sqlx::migrate::Migrator;
use std::str::FromStr;

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{PgPool, Postgres, Transaction};

use crate::error::{Result, StoreError};
use crate::sql_accounts::impl_account_store;
use crate::sql_admin::impl_admin_store;
use crate::sql_bulk::impl_bulk_insert;
use crate::sql_bulk_plans::impl_bulk_plans;
use crate::sql_bulk_term::impl_bulk_term;
use crate::sql_contract::impl_contract_store;
use crate::sql_evaluation::impl_evaluation_store;
use crate::sql_evidence::impl_evidence_store;
use crate::sql_groups::impl_group_store;
use crate::sql_impl::impl_store;
use crate::sql_imports::impl_import_store;
use crate::sql_intake::impl_intake_store;
use crate::sql_interpreters::impl_interpreter_store;
use crate::sql_participants::impl_participant_store;
use crate::sql_people::impl_people_store;
use crate::sql_plan::impl_plan_store;
use crate::sql_proposals::impl_proposal_store;
use crate::sql_referral_drafts::impl_referral_draft_store;
use crate::sql_referrals::impl_referral_store;
use crate::sql_register::impl_register_store;
use crate::sql_statement::impl_statement_store;
use crate::sql_team::impl_team_store;
use crate::sql_workspace::impl_workspace_store;

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
    ("plans", "id"),
    ("learning_tasks", "id"),
    ("group_memberships", "id"),
    ("group_sessions", "id"),
    ("attendance_marks", "id"),
];

pub struct PgStore {
    pub(crate) pool: PgPool,
}

impl PgStore {
    /// Connects and applies pending migrations.
    pub async fn open(url: &str) -> Result<Self> {
        // Migrations may rebuild large tables: they run on a connection of their own, without
        // the request timeouts.
        let migrating = Self::connect(url, false, 1).await?;
        MIGRATOR.run(&migrating.pool).await?;
        migrating.close().await;
        Self::open_unmigrated(url).await
    }

    pub async fn open_unmigrated(url: &str) -> Result<Self> {
        Self::connect(url, true, 16).await
    }

    /// Requests are short: a statement running longer than `STATEMENT_TIMEOUT`, a lock not
    /// granted within `LOCK_TIMEOUT` or a transaction left idle fails the request, instead of
    /// holding a connection until the pool is exhausted (a stuck audit table fails reads fast).
    const STATEMENT_TIMEOUT: &'static str = "30s";
    const LOCK_TIMEOUT: &'static str = "3s";
    const IDLE_IN_TRANSACTION_TIMEOUT: &'static str = "60s";

    async fn connect(url: &str, timeouts: bool, connections: u32) -> Result<Self> {
        let mut settings = vec![
            // Short OLTP queries: JIT compilation costs more than it saves (measured in
            // bench/participant-list-load.sh: +6 ms on the list's search).
            ("jit", "off"),
            // Plan every execution for its own parameters. sqlx prepares each statement once per
            // connection; after five runs PostgreSQL switches to a generic plan when its
            // estimate looks cheaper. For the list search the generic plan joins every match
            // before it sorts: 8.6 ms against 1.9 ms (+1.6 ms planning) for the custom plan. At
            // 200 searches/s that took p99 from 23 ms to over 500 ms
            // (bench/participant-list-load.sh, docs/benchmarks.md).
            ("plan_cache_mode", "force_custom_plan"),
        ];
        if timeouts {
            settings.extend([
                ("statement_timeout", Self::STATEMENT_TIMEOUT),
                ("lock_timeout", Self::LOCK_TIMEOUT),
                (
                    "idle_in_transaction_session_timeout",
                    Self::IDLE_IN_TRANSACTION_TIMEOUT,
                ),
            ]);
        }
        let options = PgConnectOptions::from_str(url)
            .map_err(|e| StoreError::InvalidUrl(e.to_string()))?
            .options(settings);
        let pool = PgPoolOptions::new()
            .max_connections(connections)
            .acquire_timeout(Duration::from_secs(10))
            .connect_with(options)
            .await
            .map_err(|e| StoreError::Connect(format!("cannot connect to PostgreSQL: {e}")))?;
        Ok(Self { pool })
    }

    /// Closes all connections (a template database must have none before it is cloned).
    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// Starts a transaction that will write.
    pub(crate) const BEGIN_WRITE: &'static str = "BEGIN";

    /// Bulk rows go in with `COPY … FROM STDIN` (text format), faster than multi-row
    /// `INSERT`s.
    pub(crate) const COPY: bool = true;

    /// Sends `text` (COPY text format: tab-separated, `\N` for null, one row per line) with
    /// the statement `sql` (`COPY table (columns) FROM STDIN`).
    pub(crate) async fn copy_rows(
        tx: &mut Transaction<'static, Postgres>,
        sql: &str,
        text: &str,
    ) -> Result<()> {
        let mut copy = tx.copy_in_raw(sql).await?;
        copy.send(text.as_bytes()).await?;
        copy.finish().await?;
        Ok(())
    }

    /// After a bulk insert has committed: set the visibility map so that list counts can be
    /// answered from indexes alone (autovacuum would get there later).
    async fn after_bulk_commit(&self) -> Result<()> {
        sqlx::raw_sql("VACUUM (ANALYZE) participants, persons, person_ids, participant_statuses")
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// A bulk load may run for minutes: the statement timeout that guards requests is lifted
    /// for its transaction only.
    async fn before_bulk_insert(tx: &mut Transaction<'static, Postgres>) -> Result<()> {
        sqlx::query("SET LOCAL statement_timeout = 0")
            .execute(&mut **tx)
            .await?;
        Ok(())
    }

    async fn after_bulk_insert(tx: &mut Transaction<'static, Postgres>) -> Result<()> {
        for (table, column) in IDENTITY_TABLES {
            let sql = format!(
                "SELECT setval(pg_get_serial_sequence('{table}', '{column}'), \
                 COALESCE((SELECT MAX({column}) FROM {table}), 0) + 1, false)"
            );
            sqlx::query(&sql).execute(&mut **tx).await?;
        }
        // Fresh statistics keep the planner on the list indexes after a large insert.
        sqlx::query("ANALYZE").execute(&mut **tx).await?;
        Ok(())
    }
}

impl_store!(PgStore, Postgres, Backend::Postgres, MIGRATOR);
impl_bulk_insert!(PgStore, Postgres);
impl_bulk_plans!(PgStore, Postgres);
impl_bulk_term!(PgStore, Postgres);
impl_register_store!(PgStore, Postgres);
impl_account_store!(PgStore, Postgres);
impl_admin_store!(PgStore, Postgres);
impl_people_store!(PgStore, Postgres);
impl_participant_store!(PgStore, Postgres);
impl_contract_store!(PgStore, Postgres);
impl_evidence_store!(PgStore, Postgres);
impl_import_store!(PgStore, Postgres);
impl_statement_store!(PgStore, Postgres);
impl_workspace_store!(PgStore, Postgres);
impl_proposal_store!(PgStore, Postgres);
impl_referral_store!(PgStore, Postgres);
impl_referral_draft_store!(PgStore, Postgres);
impl_intake_store!(PgStore, Postgres);
impl_plan_store!(PgStore, Postgres);
impl_group_store!(PgStore, Postgres);
impl_interpreter_store!(PgStore, Postgres);
impl_team_store!(PgStore, Postgres);
impl_evaluation_store!(PgStore, Postgres);
