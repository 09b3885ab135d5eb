//! The one SQL implementation of [`crate::Store`], expanded once per database by
//! [`impl_store!`]. Every statement here runs unchanged on SQLite and PostgreSQL: `$n`
//! placeholders, `LIMIT/OFFSET`, `ON CONFLICT`, `RETURNING`, and only types both carry exactly
//! (BIGINT, TEXT, BOOLEAN, dates, timestamps). Dialect differences live in the store files;
//! query pieces and row conversions in `sql_parts`; the bulk insert in `sql_bulk`; accounts,
//! sessions and the audit log in `sql_accounts`; changes to a person in `sql_people`;
//! contracts, statements and registers in their own files.

/// Implements [`crate::Store`] for `$store` (a struct with a `pool: sqlx::Pool<$db>` field).
/// Dialect hooks: `Self::after_bulk_insert(&mut tx)` runs before a bulk insert commits and
/// `self.after_bulk_commit()` after.
macro_rules! impl_store {
    ($store:ty, $db:ty, $backend:expr, $migrator:path) => {
        const _: () = {
            use async_trait::async_trait;
            use chrono::{DateTime, NaiveDate, Utc};
            use effekt_domain::dataset::Dataset;
            use effekt_domain::ids::*;
            use effekt_domain::national_id::NationalId;
            use effekt_domain::person::Protection;
            use sqlx::Row;

            use $crate::error::{corrupt, Result};
            use $crate::model::*;
            use $crate::sql_parts::{self as s, Param};
            use $crate::{Backend, Store};


            fn bind_all<'q>(
                mut q: sqlx::query::Query<'q, $db, <$db as sqlx::Database>::Arguments<'q>>,
                params: Vec<Param>,
            ) -> sqlx::query::Query<'q, $db, <$db as sqlx::Database>::Arguments<'q>> {
                for p in params {
                    q = match p {
                        Param::I64(v) => q.bind(v),
                        Param::Text(t) => q.bind(t),
                    };
                }
                q
            }

            impl $store {
                /// Applies the first `n` migrations only; for the upgrade test.
                #[cfg(feature = "test-support")]
                pub async fn migrate_first(&self, n: usize) -> Result<()> {
                    $crate::first_migrations(&$migrator, n).run(&self.pool).await?;
                    Ok(())
                }

                /// Applies every pending migration.
                pub async fn migrate(&self) -> Result<()> {
                    $migrator.run(&self.pool).await?;
                    Ok(())
                }

                /// A raw statement; for tests that break the store on purpose. Not in the
                /// production binary.
                #[cfg(feature = "test-support")]
                pub async fn execute_raw(&self, sql: &str) -> Result<()> {
                    sqlx::raw_sql(sql).execute(&self.pool).await?;
                    Ok(())
                }
            }

            #[async_trait]
            impl Store for $store {
                fn backend(&self) -> Backend {
                    $backend
                }

                async fn ping(&self) -> Result<()> {
                    sqlx::query("SELECT 1").execute(&self.pool).await?;
                    Ok(())
                }

                async fn is_empty(&self) -> Result<bool> {
                    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM contracts")
                        .fetch_one(&self.pool)
                        .await?;
                    Ok(n == 0)
                }

                async fn insert_dataset(&self, data: &Dataset) -> Result<()> {
                    self.insert_all(data).await
                }

                async fn create_user(&self, user: &NewUser) -> Result<UserId> {
                    self.create_user_sql(user).await
                }

                async fn assign_staff(&self, user: UserId, participant: ParticipantId) -> Result<()> {
                    sqlx::query(
                        "INSERT INTO staff_assignments (user_id, participant_id) VALUES ($1, $2) \
                         ON CONFLICT DO NOTHING",
                    )
                    .bind(user.0)
                    .bind(participant.0)
                    .execute(&self.pool)
                    .await?;
                    Ok(())
                }

                async fn user_by_username(&self, username: &str) -> Result<Option<UserRecord>> {
                    self.user_by_username_sql(username).await
                }

                async fn user_by_id(&self, id: UserId) -> Result<Option<UserRecord>> {
                    self.user_by_id_sql(id).await
                }

                async fn users(&self) -> Result<Vec<UserRecord>> {
                    self.users_sql().await
                }

                async fn accounts(
                    &self,
                    now: DateTime<Utc>,
                    since: DateTime<Utc>,
                ) -> Result<Vec<AccountRow>> {
                    self.accounts_sql(now, since).await
                }

                async fn set_user_active_logged(
                    &self,
                    user: UserId,
                    active: bool,
                    op: &OperationRecord,
                ) -> Result<bool> {
                    self.set_user_active_logged_sql(user, active, op).await
                }

                async fn create_user_with_link_logged(
                    &self,
                    user: &NewUser,
                    link: &NewPasswordLink,
                    ops: &[OperationRecord],
                ) -> Result<UserId> {
                    self.create_user_with_link_logged_sql(user, link, ops).await
                }

                async fn organisations(&self) -> Result<Vec<Organisation>> {
                    self.organisations_sql().await
                }

                async fn update_user_logged(
                    &self,
                    user: UserId,
                    display_name: &str,
                    rights: &AccountRights,
                    op: &OperationRecord,
                ) -> Result<bool> {
                    self.update_user_logged_sql(user, display_name, rights, op).await
                }

                async fn audit_page(&self, query: &AuditQuery, limit: u32) -> Result<Vec<AuditExportRow>> {
                    self.audit_page_sql(query, limit).await
                }

                async fn record_import(&self, run: &NewImportRun) -> Result<i64> {
                    self.record_import_sql(run).await
                }

                async fn import_runs(&self, limit: u32) -> Result<Vec<effekt_domain::imports::ImportRun>> {
                    self.import_runs_sql(limit).await
                }

                async fn latest_import_runs(&self) -> Result<Vec<effekt_domain::imports::ImportRun>> {
                    self.latest_import_runs_sql().await
                }

                async fn open_sessions(&self, user: UserId, now: DateTime<Utc>) -> Result<Vec<OpenSession>> {
                    self.open_sessions_sql(user, now).await
                }

                async fn end_session_logged(&self, user: UserId, reference: &str, op: &OperationRecord) -> Result<bool> {
                    self.end_session_logged_sql(user, reference, op).await
                }

                async fn end_sessions_logged(&self, user: UserId, op: &OperationRecord) -> Result<u64> {
                    self.end_sessions_logged_sql(user, op).await
                }

                async fn unlock_logged(&self, username: &str, op: &OperationRecord) -> Result<()> {
                    self.unlock_logged_sql(username, op).await
                }

                async fn create_password_link_logged(
                    &self,
                    user: UserId,
                    token_hash: &str,
                    now: DateTime<Utc>,
                    expires_at: DateTime<Utc>,
                    op: &OperationRecord,
                ) -> Result<()> {
                    self.create_password_link_logged_sql(user, token_hash, now, expires_at, op).await
                }

                async fn password_link_user(
                    &self,
                    token_hash: &str,
                    now: DateTime<Utc>,
                ) -> Result<Option<UserRecord>> {
                    self.password_link_user_sql(token_hash, now).await
                }

                async fn use_password_link(
                    &self,
                    token_hash: &str,
                    now: DateTime<Utc>,
                    password_hash: &str,
                    op: &OperationRecord,
                ) -> Result<bool> {
                    self.use_password_link_sql(token_hash, now, password_hash, op).await
                }

                async fn create_session(
                    &self,
                    token_hash: &str,
                    user: UserId,
                    csrf_token: &str,
                    now: DateTime<Utc>,
                    expires_at: DateTime<Utc>,
                ) -> Result<()> {
                    self.create_session_sql(token_hash, user, csrf_token, now, expires_at).await
                }

                async fn session(&self, token_hash: &str, now: DateTime<Utc>) -> Result<Option<SessionRecord>> {
                    self.session_sql(token_hash, now).await
                }

                async fn delete_session(&self, token_hash: &str) -> Result<()> {
                    self.delete_session_sql(token_hash).await
                }

                async fn record_login_failure(
                    &self,
                    username: &str,
                    client: &str,
                    at: DateTime<Utc>,
                ) -> Result<()> {
                    self.record_login_failure_sql(username, client, at).await
                }

                async fn login_failures_since(
                    &self,
                    username: &str,
                    client: &str,
                    since: DateTime<Utc>,
                ) -> Result<LoginFailures> {
                    self.login_failures_since_sql(username, client, since).await
                }

                async fn save_search(
                    &self,
                    token: &str,
                    user: UserId,
                    text: &str,
                    at: DateTime<Utc>,
                    expired_before: DateTime<Utc>,
                ) -> Result<()> {
                    self.save_search_sql(token, user, text, at, expired_before).await
                }

                async fn search(&self, token: &str, user: UserId, since: DateTime<Utc>) -> Result<Option<String>> {
                    self.search_sql(token, user, since).await
                }

                async fn clear_login_failures(&self, username: &str) -> Result<()> {
                    self.clear_login_failures_sql(username).await
                }

                async fn contracts(&self) -> Result<Vec<ContractRow>> {
                    let rows = sqlx::query(
                        "SELECT id, name, starts, ends, target_cohort FROM contracts ORDER BY id",
                    )
                    .fetch_all(&self.pool)
                    .await?;
                    rows.iter()
                        .map(|r| {
                            Ok(ContractRow {
                                id: ContractId(r.try_get(0)?),
                                name: r.try_get(1)?,
                                starts: r.try_get(2)?,
                                ends: r.try_get(3)?,
                                target_cohort: u32::try_from(r.try_get::<i64, _>(4)?)
                                    .map_err(corrupt)?,
                            })
                        })
                        .collect()
                }

                async fn groups(&self, scope: ParticipantScope) -> Result<Vec<GroupRow>> {
                    let (clause, param) = s::scope_clause(scope, 1);
                    let sql = format!(
                        "SELECT g.id, g.name, pv.name FROM participant_groups g \
                         JOIN providers pv ON pv.id = g.provider_id \
                         WHERE EXISTS (SELECT 1 FROM participants pt WHERE pt.group_id = g.id AND {clause}) \
                         ORDER BY g.name, g.id LIMIT {}",
                        s::MAX_GROUPS
                    );
                    let rows = bind_all(sqlx::query(&sql), vec![param]).fetch_all(&self.pool).await?;
                    rows.iter()
                        .map(|r| {
                            Ok(GroupRow {
                                id: GroupId(r.try_get(0)?),
                                name: r.try_get(1)?,
                                provider_name: r.try_get(2)?,
                            })
                        })
                        .collect()
                }

                async fn list_participants(
                    &self,
                    scope: ParticipantScope,
                    query: &ParticipantQuery,
                    viewer: UserId,
                ) -> Result<Page<ParticipantRow>> {
                    self.list_participants_sql(scope, query, viewer).await
                }

                async fn participant(
                    &self,
                    scope: ParticipantScope,
                    id: ParticipantId,
                    viewer: UserId,
                ) -> Result<Option<ParticipantDetail>> {
                    self.participant_sql(scope, id, viewer).await
                }

                async fn quasi_identifiers(&self, contract: ContractId) -> Result<Vec<QuasiIdentifiers>> {
                    self.quasi_identifiers_sql(contract).await
                }

                async fn participant_subject(&self, id: ParticipantId) -> Result<Option<PersonKey>> {
                    let key: Option<i64> =
                        sqlx::query_scalar("SELECT person_key FROM participants WHERE id = $1")
                            .bind(id.0)
                            .fetch_optional(&self.pool)
                            .await?;
                    Ok(key.map(PersonKey))
                }

                async fn status_counts(&self, contract: ContractId) -> Result<Vec<StatusCount>> {
                    let rows = sqlx::query(
                        "SELECT pt.provider_id, pv.name, pt.current_status, COUNT(*) \
                         FROM participants pt JOIN providers pv ON pv.id = pt.provider_id \
                         WHERE pt.contract_id = $1 \
                         GROUP BY pt.provider_id, pv.name, pt.current_status \
                         ORDER BY pt.provider_id, pt.current_status",
                    )
                    .bind(contract.0)
                    .fetch_all(&self.pool)
                    .await?;
                    rows.iter()
                        .map(|r| {
                            Ok(StatusCount {
                                provider: ProviderId(r.try_get(0)?),
                                provider_name: r.try_get(1)?,
                                status: s::status(&r.try_get::<String, _>(2)?)?,
                                count: u64::try_from(r.try_get::<i64, _>(3)?).map_err(corrupt)?,
                            })
                        })
                        .collect()
                }

                async fn set_protection(&self, person: PersonKey, protection: Protection) -> Result<()> {
                    self.set_protection_sql(person, protection).await
                }

                async fn change_national_id(
                    &self,
                    person: PersonKey,
                    id: &NationalId,
                    valid_from: NaiveDate,
                ) -> Result<()> {
                    self.change_national_id_sql(person, id, valid_from).await
                }

                async fn person_holding(&self, id: &NationalId) -> Result<Option<PersonKey>> {
                    self.person_holding_sql(id).await
                }

                async fn request_id_change(
                    &self,
                    person: PersonKey,
                    id: &NationalId,
                    valid_from: NaiveDate,
                    by: UserId,
                    at: DateTime<Utc>,
                ) -> Result<i64> {
                    self.request_id_change_sql(person, id, valid_from, by, at).await
                }

                async fn id_change_requests(&self, person: PersonKey) -> Result<Vec<IdChangeRequest>> {
                    self.id_change_requests_sql(person).await
                }

                async fn decide_id_change(
                    &self,
                    request: &IdChangeRequest,
                    confirmed: bool,
                    by: UserId,
                    at: DateTime<Utc>,
                ) -> Result<()> {
                    self.decide_id_change_sql(request, confirmed, by, at).await
                }

                async fn append_audit(&self, records: &[AuditRecord]) -> Result<()> {
                    self.append_audit_sql(records).await
                }

                async fn audit_records(&self) -> Result<Vec<AuditExportRow>> {
                    self.audit_records_sql().await
                }

                async fn append_operation(&self, operation: &OperationRecord) -> Result<()> {
                    self.append_operation_sql(operation).await
                }

                async fn operations(&self) -> Result<Vec<OperationRecord>> {
                    self.operations_sql().await
                }

                async fn create_user_logged(
                    &self,
                    user: &NewUser,
                    operation: &OperationRecord,
                ) -> Result<UserId> {
                    self.create_user_logged_sql(user, operation).await
                }

                async fn generation(&self) -> Result<u64> {
                    let value: i64 = sqlx::query_scalar(
                        "SELECT value FROM store_generation WHERE id = 1",
                    )
                    .fetch_one(&self.pool)
                    .await?;
                    u64::try_from(value).map_err(corrupt)
                }

                async fn generations(&self) -> Result<$crate::model::Generations> {
                    let row = sqlx::query(
                        "SELECT (SELECT value FROM store_generation WHERE id = 1), \
                         (SELECT value FROM workflow_generation WHERE id = 1)",
                    )
                    .fetch_one(&self.pool)
                    .await?;
                    Ok($crate::model::Generations {
                        inputs: u64::try_from(row.try_get::<i64, _>(0)?).map_err(corrupt)?,
                        workflow: u64::try_from(row.try_get::<i64, _>(1)?).map_err(corrupt)?,
                    })
                }

                async fn register_snapshots(&self) -> Result<Vec<SnapshotRecord>> {
                    self.register_snapshots_sql().await
                }

                async fn import_register(
                    &self,
                    register: &effekt_domain::register::Register,
                    content_hash: &str,
                    now: DateTime<Utc>,
                    progress: &(dyn Fn(u64) + Send + Sync),
                ) -> Result<ImportOutcome> {
                    self.import_register_sql(register, content_hash, now, progress).await
                }

                async fn participant_timelines(
                    &self,
                    scope: ParticipantScope,
                    only: Option<ParticipantId>,
                    snapshot: i64,
                ) -> Result<Vec<ParticipantTimeline>> {
                    self.participant_timelines_sql(scope, only, snapshot).await
                }

                async fn set_contract_outcomes(
                    &self,
                    contract: ContractId,
                    definitions: &[effekt_domain::outcomes::Definition],
                ) -> Result<()> {
                    self.set_contract_outcomes_sql(contract, definitions).await
                }

                async fn contract_outcomes(
                    &self,
                    contract: ContractId,
                ) -> Result<Vec<effekt_domain::outcomes::Definition>> {
                    self.contract_outcomes_sql(contract).await
                }

                async fn add_contract_version(
                    &self,
                    contract: Option<ContractId>,
                    terms: &effekt_domain::contract::terms::ContractTerms,
                    source: Option<&str>,
                    target_cohort: u32,
                    now: DateTime<Utc>,
                ) -> Result<(ContractId, u32)> {
                    self.add_contract_version_sql(contract, terms, source, target_cohort, now)
                        .await
                }

                async fn contract_versions(
                    &self,
                    contract: ContractId,
                ) -> Result<Vec<$crate::model::ContractVersionRecord>> {
                    self.contract_versions_sql(contract).await
                }

                async fn propose_contract_version(
                    &self,
                    contract: ContractId,
                    proposal: &$crate::model::Proposal<'_>,
                ) -> Result<u32> {
                    self.propose_contract_version_sql(contract, proposal).await
                }

                async fn decide_contract_version(
                    &self,
                    contract: ContractId,
                    version: u32,
                    decision: &effekt_domain::contract::amendment::PartyDecision,
                    reason: Option<&str>,
                    decided_before: usize,
                    becomes: effekt_domain::contract::amendment::VersionState,
                ) -> Result<()> {
                    self.decide_contract_version_sql(contract, version, decision, reason, decided_before, becomes)
                        .await
                }

                async fn withdraw_contract_version(
                    &self,
                    contract: ContractId,
                    version: u32,
                    by: UserId,
                    at: DateTime<Utc>,
                    reason: &str,
                ) -> Result<()> {
                    self.withdraw_contract_version_sql(contract, version, by, at, reason).await
                }

                async fn certify_figure(
                    &self,
                    contract: ContractId,
                    figure: &str,
                    certified: &effekt_domain::contract::cohort::CertifiedFigure,
                    by: UserId,
                    at: DateTime<Utc>,
                ) -> Result<()> {
                    self.certify_figure_sql(contract, figure, certified, by, at).await
                }

                async fn certified_figures(
                    &self,
                    contract: ContractId,
                ) -> Result<Vec<(effekt_domain::contract::cohort::NamedFigure, DateTime<Utc>)>> {
                    self.certified_figures_sql(contract).await
                }

                async fn import_evidence(
                    &self,
                    records: &[$crate::model::EvidenceRecord],
                    by: UserId,
                    at: DateTime<Utc>,
                ) -> Result<()> {
                    self.import_evidence_sql(records, by, at).await
                }

                async fn participant_in_contract(
                    &self,
                    contract: ContractId,
                    person: PersonKey,
                ) -> Result<Option<ParticipantId>> {
                    self.participant_in_contract_sql(contract, person).await
                }

                async fn organisation_number(
                    &self,
                    scope: $crate::model::UserScope,
                ) -> Result<Option<String>> {
                    self.organisation_number_sql(scope).await
                }

                async fn contract_terms(
                    &self,
                    contract: ContractId,
                ) -> Result<Option<(u32, effekt_domain::contract::terms::ContractTerms)>> {
                    self.contract_terms_sql(contract).await
                }

                async fn statements(
                    &self,
                    contract: ContractId,
                ) -> Result<Vec<$crate::model::StatementRecord>> {
                    self.statements_sql(contract).await
                }

                async fn statement(&self, id: i64) -> Result<Option<$crate::model::StatementRecord>> {
                    self.statement_sql(id).await
                }

                async fn statement_lines_head(
                    &self,
                    statement: i64,
                    provider: Option<ProviderId>,
                    limit: usize,
                ) -> Result<LinesHead> {
                    self.statement_lines_head_sql(statement, provider, limit).await
                }

                async fn statement_outcome_totals(
                    &self,
                    statements: &[i64],
                    provider: Option<ProviderId>,
                ) -> Result<Vec<OutcomeTotal>> {
                    self.statement_outcome_totals_sql(statements, provider).await
                }

                async fn statement_lines(
                    &self,
                    statements: &[i64],
                    provider: Option<effekt_domain::ids::ProviderId>,
                ) -> Result<Vec<(i64, $crate::model::StatementLineRecord)>> {
                    self.statement_lines_sql(statements, provider).await
                }

                async fn add_statement(
                    &self,
                    new: &$crate::model::NewStatement,
                    replaces: Option<(i64, usize)>,
                ) -> Result<i64> {
                    self.add_statement_sql(new, replaces).await
                }

                async fn add_payment_event(
                    &self,
                    statement: i64,
                    taken_before: usize,
                    event: &effekt_domain::contract::statement::Event,
                    payment: Option<(chrono::NaiveDate, &str)>,
                    comment: Option<&str>,
                ) -> Result<()> {
                    self.add_statement_event_sql(statement, taken_before, event, payment, comment)
                        .await
                }

                async fn statement_payment(
                    &self,
                    statement: i64,
                ) -> Result<Option<(chrono::NaiveDate, String)>> {
                    self.statement_payment_sql(statement).await
                }

                async fn secret(&self, name: &str) -> Result<Option<Vec<u8>>> {
                    Ok(sqlx::query_scalar("SELECT value FROM secrets WHERE name = $1")
                        .bind(name)
                        .fetch_optional(&self.pool)
                        .await?)
                }

                async fn put_secret_if_absent(&self, name: &str, value: &[u8]) -> Result<Vec<u8>> {
                    sqlx::query("INSERT INTO secrets (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING")
                        .bind(name)
                        .bind(value)
                        .execute(&self.pool)
                        .await?;
                    self.secret(name)
                        .await?
                        .ok_or_else(|| corrupt(format!("secret {name:?} vanished")))
                }
            }
        };
    };
}

pub(crate) use impl_store;
