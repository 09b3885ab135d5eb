//! effekt's storage: one [`Store`] trait, implemented for SQLite (the embedded default, one
//! file in WAL mode) and PostgreSQL (production, chosen by a `postgres://` `DATABASE_URL`).
//!
//! Both implementations are generated from the same SQL and the same Rust (see `sql_impl`), so
//! they cannot drift; the schemas are plain, commented SQL migrations per dialect, embedded and
//! applied at start-up. The web layer never sees a pool: it calls these methods through
//! role-scoped capabilities.

mod error;
pub mod evaluation;
#[cfg(feature = "test-support")]
pub mod fixture;
pub mod groups;
pub mod intake;
pub mod interpreters;
pub mod model;
pub mod plan;
mod postgres;
pub mod referral_drafts;
mod sql_accounts;
mod sql_admin;
mod sql_bulk;
mod sql_bulk_plans;
mod sql_bulk_term;
mod sql_contract;
mod sql_evaluation;
mod sql_evidence;
mod sql_groups;
mod sql_impl;
mod sql_imports;
mod sql_intake;
mod sql_interpreters;
mod sql_participants;
mod sql_parts;
mod sql_people;
mod sql_plan;
mod sql_proposals;
mod sql_referral_drafts;
mod sql_referrals;
mod sql_register;
mod sql_statement;
mod sql_team;
mod sql_workspace;
mod sqlite;
pub mod team;
#[cfg(feature = "test-support")]
pub mod testing;
pub mod workspace;

use std::sync::Arc;

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use effekt_domain::dataset::Dataset;
use effekt_domain::ids::{ContractId, ParticipantId, PersonKey, ProviderId, UserId};
use effekt_domain::national_id::NationalId;
use effekt_domain::person::Protection;

use effekt_domain::contract::terms::ContractTerms;
use effekt_domain::outcomes::Definition;
use effekt_domain::register::Register;
pub use error::{Result, StoreError};
pub use evaluation::EvaluationStore;
pub use groups::GroupStore;
pub use intake::IntakeStore;
pub use interpreters::InterpreterStore;
use model::{
    AccountRights, AccountRow, AuditExportRow, AuditQuery, AuditRecord, ContractRow,
    ContractVersionRecord, GroupRow, IdChangeRequest, ImportOutcome, LinesHead, LoginFailures,
    NewImportRun, NewPasswordLink, NewStatement, NewUser, OpenSession, OperationRecord,
    Organisation, OutcomeTotal, Page, ParticipantDetail, ParticipantQuery, ParticipantRow,
    ParticipantScope, ParticipantTimeline, Proposal, QuasiIdentifiers, SessionRecord,
    SnapshotRecord, StatementLineRecord, StatementRecord, StatusCount, UserRecord, UserScope,
};
pub use plan::PlanStore;
pub use postgres::PgStore;
pub use referral_drafts::ReferralDraftStore;
pub use sqlite::SqliteStore;
pub use team::TeamStore;
pub use workspace::{ProposalStore, ReferralStore, WorkspaceStore};

/// Which database is behind a [`Store`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

#[async_trait]
pub trait Store:
    WorkspaceStore
    + ProposalStore
    + ReferralStore
    + ReferralDraftStore
    + IntakeStore
    + PlanStore
    + GroupStore
    + InterpreterStore
    + TeamStore
    + EvaluationStore
    + Send
    + Sync
    + 'static
{
    fn backend(&self) -> Backend;

    /// A cheap round trip, for readiness checks.
    async fn ping(&self) -> Result<()>;

    /// True when no contract has been stored yet (a fresh database).
    async fn is_empty(&self) -> Result<bool>;

    /// Inserts a whole dataset in one transaction: all of it or nothing.
    async fn insert_dataset(&self, data: &Dataset) -> Result<()>;

    async fn create_user(&self, user: &NewUser) -> Result<UserId>;
    async fn assign_staff(&self, user: UserId, participant: ParticipantId) -> Result<()>;
    async fn user_by_username(&self, username: &str) -> Result<Option<UserRecord>>;
    async fn user_by_id(&self, id: UserId) -> Result<Option<UserRecord>>;
    async fn users(&self) -> Result<Vec<UserRecord>>;
    /// Every account with its sessions open at `now` and its failed logins since `since`.
    async fn accounts(&self, now: DateTime<Utc>, since: DateTime<Utc>) -> Result<Vec<AccountRow>>;
    /// Activates or deactivates an account; deactivating ends its sessions and voids its unused
    /// password links. Recorded as `op` in
    /// the same transaction. False when there is no such account (nothing recorded).
    async fn set_user_active_logged(
        &self,
        user: UserId,
        active: bool,
        op: &OperationRecord,
    ) -> Result<bool>;
    /// A new account and its first password link, with `ops` recorded, in one transaction.
    async fn create_user_with_link_logged(
        &self,
        user: &NewUser,
        link: &NewPasswordLink,
        ops: &[OperationRecord],
    ) -> Result<UserId>;
    /// Every Nav office, provider and investor, by kind and name.
    async fn organisations(&self) -> Result<Vec<Organisation>>;
    /// Changes an account's name, role, scope and discipline, recorded as `op` in the same
    /// transaction; a changed role, scope or discipline ends its sessions, its assignments and
    /// its team memberships (from the day of `op`). False when there is no such account.
    async fn update_user_logged(
        &self,
        user: UserId,
        display_name: &str,
        rights: &AccountRights,
        op: &OperationRecord,
    ) -> Result<bool>;
    /// The newest `limit` audit records that match `query`, newest first.
    async fn audit_page(&self, query: &AuditQuery, limit: u32) -> Result<Vec<AuditExportRow>>;
    /// Keeps one import attempt in the import log (the homes see it at once); its id.
    async fn record_import(&self, run: &NewImportRun) -> Result<i64>;
    /// The newest `limit` import attempts, newest first.
    async fn import_runs(&self, limit: u32) -> Result<Vec<effekt_domain::imports::ImportRun>>;
    /// The newest attempt of each kind and scope, newest first.
    async fn latest_import_runs(&self) -> Result<Vec<effekt_domain::imports::ImportRun>>;
    /// The sessions of `user` open at `now`, newest first.
    async fn open_sessions(&self, user: UserId, now: DateTime<Utc>) -> Result<Vec<OpenSession>>;
    /// Ends the session of `user` whose token hash begins with `reference`, recorded as `op`
    /// in the same transaction. False when there is none (nothing recorded).
    async fn end_session_logged(
        &self,
        user: UserId,
        reference: &str,
        op: &OperationRecord,
    ) -> Result<bool>;
    /// Ends every session of `user`, recorded as `op`; how many were open.
    async fn end_sessions_logged(&self, user: UserId, op: &OperationRecord) -> Result<u64>;
    /// Forgets the failed logins of `username` (lifts the throttle), recorded as `op`.
    async fn unlock_logged(&self, username: &str, op: &OperationRecord) -> Result<()>;
    /// Keeps a one-time link (its hash) to set `user`'s password until `expires_at`, recorded
    /// as `op` in the same transaction.
    async fn create_password_link_logged(
        &self,
        user: UserId,
        token_hash: &str,
        now: DateTime<Utc>,
        expires_at: DateTime<Utc>,
        op: &OperationRecord,
    ) -> Result<()>;
    /// The active account a link is for, while it is unused and unexpired at `now`.
    async fn password_link_user(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<UserRecord>>;
    /// Spends the link: sets the password, ends the account's sessions, forgets its failed
    /// logins, records `op`; all or nothing. False when the link is spent, expired, or the
    /// account inactive (nothing changes).
    async fn use_password_link(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
        password_hash: &str,
        op: &OperationRecord,
    ) -> Result<bool>;

    async fn create_session(
        &self,
        token_hash: &str,
        user: UserId,
        csrf_token: &str,
        now: DateTime<Utc>,
        expires_at: DateTime<Utc>,
    ) -> Result<()>;
    /// The session for this token hash, if it exists and has not expired at `now`.
    async fn session(&self, token_hash: &str, now: DateTime<Utc>) -> Result<Option<SessionRecord>>;
    async fn delete_session(&self, token_hash: &str) -> Result<()>;

    async fn record_login_failure(
        &self,
        username: &str,
        client: &str,
        at: DateTime<Utc>,
    ) -> Result<()>;
    /// Failed logins since `since` for `username` and from `client`.
    async fn login_failures_since(
        &self,
        username: &str,
        client: &str,
        since: DateTime<Utc>,
    ) -> Result<LoginFailures>;
    async fn clear_login_failures(&self, username: &str) -> Result<()>;

    /// Keeps a search's text under `token` for `user` (deleting searches made before
    /// `expired_before`).
    async fn save_search(
        &self,
        token: &str,
        user: UserId,
        text: &str,
        at: DateTime<Utc>,
        expired_before: DateTime<Utc>,
    ) -> Result<()>;
    /// The text of `user`'s search `token`, if made at `since` or later.
    async fn search(
        &self,
        token: &str,
        user: UserId,
        since: DateTime<Utc>,
    ) -> Result<Option<String>>;

    async fn contracts(&self) -> Result<Vec<ContractRow>>;
    /// Groups with participants in `scope`, by name; at most 200 (a filter list, not a report).
    async fn groups(&self, scope: ParticipantScope) -> Result<Vec<GroupRow>>;
    async fn list_participants(
        &self,
        scope: ParticipantScope,
        query: &ParticipantQuery,
        viewer: UserId,
    ) -> Result<Page<ParticipantRow>>;
    /// The participant, if it lies within `scope`.
    async fn participant(
        &self,
        scope: ParticipantScope,
        id: ParticipantId,
        viewer: UserId,
    ) -> Result<Option<ParticipantDetail>>;
    /// Every participant of the contract with what could single them out when combined:
    /// provider, status, group and start (for the evaluator's generalised view).
    async fn quasi_identifiers(&self, contract: ContractId) -> Result<Vec<QuasiIdentifiers>>;
    /// The person behind a participant id regardless of scope: for auditing denied reads only.
    async fn participant_subject(&self, id: ParticipantId) -> Result<Option<PersonKey>>;
    async fn status_counts(&self, contract: ContractId) -> Result<Vec<StatusCount>>;

    /// Takes effect at once for every later read; no role can override it.
    async fn set_protection(&self, person: PersonKey, protection: Protection) -> Result<()>;
    /// Adds a national id to the person's history (e.g. the fødselsnummer replacing a D-nummer).
    async fn change_national_id(
        &self,
        person: PersonKey,
        id: &NationalId,
        valid_from: NaiveDate,
    ) -> Result<()>;

    /// The person holding `id` (now or earlier in their history), whoever can see them.
    async fn person_holding(&self, id: &NationalId) -> Result<Option<PersonKey>>;
    /// Files an id change that waits for a second Nav user; a [`StoreError::Conflict`] while
    /// another waits for the same person.
    async fn request_id_change(
        &self,
        person: PersonKey,
        id: &NationalId,
        valid_from: NaiveDate,
        by: UserId,
        at: DateTime<Utc>,
    ) -> Result<i64>;
    /// Every id change filed for the person, oldest first, with its decision.
    async fn id_change_requests(&self, person: PersonKey) -> Result<Vec<IdChangeRequest>>;
    /// Records the decision on a waiting id change and, when confirmed, makes the change, in
    /// one transaction ([`StoreError::Conflict`] when decided already; [`StoreError::IdTaken`]
    /// or [`StoreError::IdHistory`] refuse it and nothing is recorded).
    async fn decide_id_change(
        &self,
        request: &IdChangeRequest,
        confirmed: bool,
        by: UserId,
        at: DateTime<Utc>,
    ) -> Result<()>;

    /// Appends audit records in one statement. An error here must fail the read it audits.
    async fn append_audit(&self, records: &[AuditRecord]) -> Result<()>;
    async fn audit_records(&self) -> Result<Vec<AuditExportRow>>;
    /// Records what an operator did (append-only).
    async fn append_operation(&self, operation: &OperationRecord) -> Result<()>;
    /// Every operation, oldest first.
    async fn operations(&self) -> Result<Vec<OperationRecord>>;
    /// Creates an account and records the operation that created it, in one transaction.
    async fn create_user_logged(
        &self,
        user: &NewUser,
        operation: &OperationRecord,
    ) -> Result<UserId>;

    /// The store generation: increased in the same transaction by every write of what
    /// outcomes and payments are computed from (enrolments, national id changes, snapshots,
    /// contract terms and outcomes, certified figures). Caches are keyed by it.
    async fn generation(&self) -> Result<u64>;

    /// The store generation and the workflow generation (increased by every statement step
    /// and every proposal or decision on a contract version), read together.
    async fn generations(&self) -> Result<model::Generations>;

    /// Imported register snapshots, the newest cut-off first (the first is the one in use).
    async fn register_snapshots(&self) -> Result<Vec<SnapshotRecord>>;
    /// Stores a validated snapshot in one transaction: all of it or nothing. The same snapshot
    /// id with the same `content_hash` is a no-op; with another hash it is a
    /// [`StoreError::Conflict`]. `progress` is called with the rows written so far.
    async fn import_register(
        &self,
        register: &Register,
        content_hash: &str,
        now: DateTime<Utc>,
        progress: &(dyn Fn(u64) + Send + Sync),
    ) -> Result<ImportOutcome>;
    /// Register timelines in `snapshot` of the participants in `scope` (or only `only`), by
    /// participant id. A person's spells are found under every national id they have held.
    async fn participant_timelines(
        &self,
        scope: ParticipantScope,
        only: Option<ParticipantId>,
        snapshot: i64,
    ) -> Result<Vec<ParticipantTimeline>>;
    /// Replaces the outcome definitions a contract pays for (in contract order).
    async fn set_contract_outcomes(
        &self,
        contract: ContractId,
        definitions: &[Definition],
    ) -> Result<()>;
    async fn contract_outcomes(&self, contract: ContractId) -> Result<Vec<Definition>>;
    /// Stores checked terms as the next version of `contract` (a new contract when `None`, with
    /// `target_cohort`), and makes their outcomes the contract's outcome definitions; all in
    /// one transaction. Returns the contract and the version number.
    async fn add_contract_version(
        &self,
        contract: Option<ContractId>,
        terms: &ContractTerms,
        source: Option<&str>,
        target_cohort: u32,
        now: DateTime<Utc>,
    ) -> Result<(ContractId, u32)>;
    /// The newest version of the contract's terms in force, if any.
    async fn contract_terms(&self, contract: ContractId) -> Result<Option<(u32, ContractTerms)>>;
    /// Every version of the contract (proposed and rejected ones too), oldest first.
    async fn contract_versions(&self, contract: ContractId) -> Result<Vec<ContractVersionRecord>>;
    /// Stores a proposed amendment as the next version, with the proposer's approval; a
    /// [`StoreError::Conflict`] while another proposal waits.
    async fn propose_contract_version(
        &self,
        contract: ContractId,
        proposal: &Proposal<'_>,
    ) -> Result<u32>;
    /// Records a party's decision on a proposed version, which had `decided_before` decisions,
    /// and moves it to `becomes` (the domain's verdict); in force, its outcomes become the
    /// contract's. A [`StoreError::Conflict`] if the proposal changed meanwhile.
    async fn decide_contract_version(
        &self,
        contract: ContractId,
        version: u32,
        decision: &effekt_domain::contract::amendment::PartyDecision,
        reason: Option<&str>,
        decided_before: usize,
        becomes: effekt_domain::contract::amendment::VersionState,
    ) -> Result<()>;
    /// Marks a proposed version withdrawn by `by` (its proposer, as the domain checked) with a
    /// reason. A [`StoreError::Conflict`] if it is no longer proposed.
    async fn withdraw_contract_version(
        &self,
        contract: ContractId,
        version: u32,
        by: UserId,
        at: DateTime<Utc>,
        reason: &str,
    ) -> Result<()>;
    /// Records a figure the evaluator certified for a cohort (append-only; the newest per
    /// figure and cohort counts).
    async fn certify_figure(
        &self,
        contract: ContractId,
        figure: &str,
        certified: &effekt_domain::contract::cohort::CertifiedFigure,
        by: UserId,
        at: DateTime<Utc>,
    ) -> Result<()>;
    /// Every certified figure of the contract, oldest first, with when it was certified.
    async fn certified_figures(
        &self,
        contract: ContractId,
    ) -> Result<Vec<(effekt_domain::contract::cohort::NamedFigure, DateTime<Utc>)>>;
    /// Appends provider evidence (milestones, soft scores) in one transaction: all of it or
    /// none. Moves the store generation, since the records are pricing inputs.
    async fn import_evidence(
        &self,
        records: &[model::EvidenceRecord],
        by: UserId,
        at: DateTime<Utc>,
    ) -> Result<()>;
    /// The participant of `contract` that `person` is (the first enrolment when several).
    async fn participant_in_contract(
        &self,
        contract: ContractId,
        person: PersonKey,
    ) -> Result<Option<ParticipantId>>;
    /// The organisation number of a provider or investor user's organisation.
    async fn organisation_number(&self, scope: UserScope) -> Result<Option<String>>;

    /// Every statement of the contract (withdrawn ones too), by period then age, with events.
    async fn statements(&self, contract: ContractId) -> Result<Vec<StatementRecord>>;
    async fn statement(&self, id: i64) -> Result<Option<StatementRecord>>;
    /// The lines of `statements`, each with its statement id, in statement then line order;
    /// only those of `provider`'s participants when given.
    async fn statement_lines(
        &self,
        statements: &[i64],
        provider: Option<ProviderId>,
    ) -> Result<Vec<(i64, StatementLineRecord)>>;
    /// The first `limit` lines of `statement` (only `provider`'s participants' when given), in
    /// line order, with the count and sum of all of them.
    async fn statement_lines_head(
        &self,
        statement: i64,
        provider: Option<ProviderId>,
        limit: usize,
    ) -> Result<LinesHead>;
    /// Per statement and outcome (in the order the outcome's first line stands): participants
    /// with a line and the net amount; only `provider`'s participants' lines when given.
    async fn statement_outcome_totals(
        &self,
        statements: &[i64],
        provider: Option<ProviderId>,
    ) -> Result<Vec<OutcomeTotal>>;
    /// Stores a computed statement with its lines in one transaction, withdrawing the
    /// period's current statement, which must be `replaces` (`None`: there is none) with as
    /// many events as the caller saw; if it changed meanwhile (another statement, or a step
    /// taken on it) it is a [`StoreError::Conflict`]. The total is the sum of the lines.
    async fn add_statement(
        &self,
        new: &NewStatement,
        replaces: Option<(i64, usize)>,
    ) -> Result<i64>;
    /// Appends a step the domain's rules allowed, as the statement's event number
    /// `taken_before`; a [`StoreError::Conflict`] when another step got that number first.
    async fn add_statement_event(
        &self,
        statement: i64,
        taken_before: usize,
        event: &effekt_domain::contract::statement::Event,
    ) -> Result<()> {
        self.add_payment_event(statement, taken_before, event, None, None)
            .await
    }
    /// [`Store::add_statement_event`] with what the step carries, in one transaction: for the
    /// pay step the day paid and the finance system's reference; for any step a comment
    /// (the evaluator's on verifying).
    async fn add_payment_event(
        &self,
        statement: i64,
        taken_before: usize,
        event: &effekt_domain::contract::statement::Event,
        payment: Option<(NaiveDate, &str)>,
        comment: Option<&str>,
    ) -> Result<()>;
    /// The day a statement was paid and its reference, once paid.
    async fn statement_payment(&self, statement: i64) -> Result<Option<(NaiveDate, String)>>;

    async fn secret(&self, name: &str) -> Result<Option<Vec<u8>>>;
    /// Stores `value` under `name` unless one exists; returns the stored value either way.
    async fn put_secret_if_absent(&self, name: &str, value: &[u8]) -> Result<Vec<u8>>;
}

/// Where the data lives, from `DATABASE_URL` or the embedded default.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    Sqlite(std::path::PathBuf),
    Postgres(String),
}

impl Location {
    /// `postgres://…`/`postgresql://…` selects PostgreSQL; `sqlite://PATH` or a plain path
    /// selects SQLite. Anything else is refused with the reason.
    pub fn parse(url: &str) -> Result<Self> {
        let url = url.trim();
        if url.is_empty() {
            return Err(StoreError::InvalidUrl("it is empty".into()));
        }
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let parsed = url::Url::parse(url).map_err(|e| StoreError::InvalidUrl(e.to_string()))?;
            if parsed.host_str().is_none_or(str::is_empty) {
                return Err(StoreError::InvalidUrl("it names no host".into()));
            }
            return Ok(Self::Postgres(url.to_owned()));
        }
        if let Some(path) = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
        {
            if path.is_empty() {
                return Err(StoreError::InvalidUrl(
                    "the sqlite address names no file".into(),
                ));
            }
            return Ok(Self::Sqlite(path.into()));
        }
        if url.contains("://") {
            return Err(StoreError::InvalidUrl(format!(
                "unknown scheme in {:?}: use postgres://… or sqlite://PATH",
                url.split("://").next().unwrap_or_default()
            )));
        }
        Ok(Self::Sqlite(url.into()))
    }
}

/// Opens (creating if needed) and migrates the store at `location`.
pub async fn open(location: &Location) -> Result<Arc<dyn Store>> {
    Ok(match location {
        Location::Sqlite(path) => Arc::new(SqliteStore::open(path).await?),
        Location::Postgres(url) => Arc::new(PgStore::open(url).await?),
    })
}

/// A migrator holding only the first `n` migrations of `full`; for upgrade tests.
#[cfg(feature = "test-support")]
pub(crate) fn first_migrations(
    full: &sqlx::migrate::Migrator,
    n: usize,
) -> sqlx::migrate::Migrator {
    sqlx::migrate::Migrator {
        migrations: full
            .migrations
            .iter()
            .take(n)
            .cloned()
            .collect::<Vec<_>>()
            .into(),
        ignore_missing: false,
        locking: full.locking,
        no_tx: full.no_tx,
    }
}

/// The newest migration this build runs (both stores carry the same numbers): the schema the
/// store has once effekt has started.
pub fn schema_version() -> i64 {
    sqlite::MIGRATOR
        .iter()
        .map(|m| m.version)
        .max()
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locations_parse_or_say_why_not() {
        assert_eq!(
            Location::parse("postgres://postgres@127.0.0.1:5432/effekt").unwrap(),
            Location::Postgres("postgres://postgres@127.0.0.1:5432/effekt".into())
        );
        assert_eq!(
            Location::parse("sqlite://data/effekt.db").unwrap(),
            Location::Sqlite("data/effekt.db".into())
        );
        assert_eq!(
            Location::parse("effekt.db").unwrap(),
            Location::Sqlite("effekt.db".into())
        );
        assert!(matches!(
            Location::parse("mysql://x/y"),
            Err(StoreError::InvalidUrl(_))
        ));
        assert!(matches!(
            Location::parse("postgres://"),
            Err(StoreError::InvalidUrl(_))
        ));
        assert!(matches!(
            Location::parse(""),
            Err(StoreError::InvalidUrl(_))
        ));
    }
}
