//! The embedded store: one SQLite file in WAL mode, foreign keys on.

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use sqlx::migrate::Migrator;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Sqlite, SqlitePool, Transaction};

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

pub(crate) static MIGRATOR: Migrator = sqlx::migrate!("./migrations/sqlite");

pub struct SqliteStore {
    pub(crate) pool: SqlitePool,
}

impl SqliteStore {
    /// Opens or creates the file at `path` and applies pending migrations.
    pub async fn open(path: &Path) -> Result<Self> {
        let store = Self::open_unmigrated(path).await?;
        MIGRATOR.run(&store.pool).await?;
        Ok(store)
    }

    /// Opens without migrating; for the migration tests.
    pub async fn open_unmigrated(path: &Path) -> Result<Self> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            if !dir.is_dir() {
                return Err(StoreError::Connect(format!(
                    "the folder {} for the SQLite file does not exist",
                    dir.display()
                )));
            }
        }
        let options = SqliteConnectOptions::from_str("sqlite:")
            .map_err(|e| StoreError::Connect(e.to_string()))?
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10));
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .acquire_timeout(Duration::from_secs(10))
            .connect_with(options)
            .await
            .map_err(|e| {
                StoreError::Connect(format!(
                    "cannot open the SQLite file {}: {e}",
                    path.display()
                ))
            })?;
        Ok(Self { pool })
    }

    /// Starts a transaction that will write.
    pub(crate) const BEGIN_WRITE: &'static str = "BEGIN IMMEDIATE";

    /// SQLite has no `COPY`: bulk rows go in as multi-row `INSERT`s.
    pub(crate) const COPY: bool = false;

    /// Never called (see [`Self::COPY`]); refuses, so that a mistake cannot pass silently.
    pub(crate) async fn copy_rows(
        _tx: &mut Transaction<'static, Sqlite>,
        _sql: &str,
        _text: &str,
    ) -> Result<()> {
        Err(StoreError::Conflict(
            "COPY is not available on SQLite".into(),
        ))
    }

    async fn after_bulk_commit(&self) -> Result<()> {
        Ok(())
    }

    async fn before_bulk_insert(_tx: &mut Transaction<'static, Sqlite>) -> Result<()> {
        Ok(())
    }

    async fn after_bulk_insert(tx: &mut Transaction<'static, Sqlite>) -> Result<()> {
        // INTEGER PRIMARY KEY continues from the largest key by itself; fresh statistics keep
        // the planner on the list indexes after a large insert.
        sqlx::query("ANALYZE").execute(&mut **tx).await?;
        Ok(())
    }
}

impl_store!(SqliteStore, Sqlite, Backend::Sqlite, MIGRATOR);
impl_bulk_insert!(SqliteStore, Sqlite);
impl_bulk_plans!(SqliteStore, Sqlite);
impl_bulk_term!(SqliteStore, Sqlite);
impl_register_store!(SqliteStore, Sqlite);
impl_account_store!(SqliteStore, Sqlite);
impl_admin_store!(SqliteStore, Sqlite);
impl_people_store!(SqliteStore, Sqlite);
impl_participant_store!(SqliteStore, Sqlite);
impl_contract_store!(SqliteStore, Sqlite);
impl_evidence_store!(SqliteStore, Sqlite);
impl_import_store!(SqliteStore, Sqlite);
impl_statement_store!(SqliteStore, Sqlite);
impl_workspace_store!(SqliteStore, Sqlite);
impl_proposal_store!(SqliteStore, Sqlite);
impl_referral_store!(SqliteStore, Sqlite);
impl_referral_draft_store!(SqliteStore, Sqlite);
impl_intake_store!(SqliteStore, Sqlite);
impl_plan_store!(SqliteStore, Sqlite);
impl_group_store!(SqliteStore, Sqlite);
impl_interpreter_store!(SqliteStore, Sqlite);
impl_team_store!(SqliteStore, Sqlite);
impl_evaluation_store!(SqliteStore, Sqlite);
