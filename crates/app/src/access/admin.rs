//! Accounts, configuration, register imports and the audit log: the administrator's. Imports
//! and exports are recorded in the operations log with who ran them.

use effekt_domain::ids::ContractId;
use effekt_domain::register::Register;
use effekt_engine::evidence::{EvidenceRow, RowProblem};
use effekt_store::model::{EvidenceRecord, ImportOutcome};
use effekt_store::StoreError;

use crate::audit;
use crate::views::*;
use crate::{App, AppError, Viewer};

/// Accounts and configuration.
pub struct AdminAccess {
    app: App,
    viewer: Viewer,
}

impl AdminAccess {
    pub(crate) fn new(app: App, viewer: Viewer) -> Self {
        Self { app, viewer }
    }

    /// Every account: whether it is active, its open sessions, and whether it is locked.
    pub async fn users(&self) -> Result<Vec<UserView>, AppError> {
        let now = self.app.now();
        let since = now - chrono::Duration::minutes(crate::accounts::THROTTLE_MINUTES);
        Ok(self
            .app
            .store
            .accounts(now, since)
            .await?
            .into_iter()
            .map(|a| UserView {
                id: a.user.id.0,
                is_self: a.user.id == self.viewer.user.id,
                username: a.user.username,
                display_name: a.user.display_name,
                role: a.user.role.label_nb().to_owned(),
                active: a.user.active,
                sessions: a.sessions,
                locked: a.recent_failures >= crate::accounts::MAX_FAILURES,
            })
            .collect())
    }

    /// The account `id`, or not found.
    async fn account(&self, id: i64) -> Result<effekt_store::model::UserRecord, AppError> {
        self.app
            .store
            .user_by_id(effekt_domain::ids::UserId(id))
            .await?
            .ok_or(AppError::NotFound)
    }

    /// Lets the account log in again, or stops it: a deactivated account's sessions end at
    /// once. An administrator cannot deactivate their own account (someone must be left to
    /// turn it back on). Recorded as `user.activate` / `user.deactivate`.
    pub async fn set_active(&self, id: i64, active: bool) -> Result<(), AppError> {
        let user = self.account(id).await?;
        if !active && user.id == self.viewer.user.id {
            return Err(AppError::Refused(
                "Du kan ikke deaktivere din egen konto.".into(),
            ));
        }
        let action = if active {
            "user.activate"
        } else {
            "user.deactivate"
        };
        let op = audit::operation(
            &self.app,
            &self.viewer,
            action,
            format!("user:{}", user.username),
        );
        if !self
            .app
            .store
            .set_user_active_logged(user.id, active, &op)
            .await?
        {
            return Err(AppError::NotFound);
        }
        tracing::info!(account = %user.username, active, by = %self.viewer.user.username,
            "account status changed");
        Ok(())
    }

    /// Ends every session of account `id` (e.g. a lost laptop); it may log in again.
    /// Recorded as `user.sessions-end`.
    pub async fn end_sessions(&self, id: i64) -> Result<u64, AppError> {
        let user = self.account(id).await?;
        let op = audit::operation(
            &self.app,
            &self.viewer,
            "user.sessions-end",
            format!("user:{}", user.username),
        );
        Ok(self.app.store.end_sessions_logged(user.id, &op).await?)
    }

    /// Lifts the lock after failed logins (the person has been reached and knows the
    /// password again). Recorded as `user.unlock`.
    pub async fn unlock(&self, id: i64) -> Result<(), AppError> {
        let user = self.account(id).await?;
        let op = audit::operation(
            &self.app,
            &self.viewer,
            "user.unlock",
            format!("user:{}", user.username),
        );
        Ok(self.app.store.unlock_logged(&user.username, &op).await?)
    }

    /// A new one-time password link for account `id` (`crate::password_links`), to be shown
    /// once: (username, token). Refused for a deactivated account. Recorded as
    /// `user.password-link`.
    pub async fn password_link(&self, id: i64) -> Result<(String, String), AppError> {
        let user = self.account(id).await?;
        if !user.active {
            return Err(AppError::Refused(
                "Kontoen er deaktivert. Aktiver den før du lager en passordlenke.".into(),
            ));
        }
        let token = crate::accounts::random_token();
        let now = self.app.now();
        let op = audit::operation(
            &self.app,
            &self.viewer,
            "user.password-link",
            format!("user:{}", user.username),
        );
        let expires = now + chrono::Duration::hours(crate::password_links::LINK_HOURS);
        self.app
            .store
            .create_password_link_logged(
                user.id,
                &crate::accounts::token_hash(&token),
                now,
                expires,
                &op,
            )
            .await?;
        Ok((user.username, token))
    }

    /// Stores a validated register snapshot as a new version, all of it or nothing (the same
    /// files again change nothing). Who asked for it is recorded first, with the snapshot and
    /// its files' hash, so that no import goes unrecorded. `content_hash` identifies
    /// the files; `progress` hears the rows written so far.
    pub async fn import_register(
        &self,
        register: &Register,
        content_hash: &str,
        progress: &(dyn Fn(u64) + Send + Sync),
    ) -> Result<ImportOutcome, StoreError> {
        // Recorded before it is done: an import that cannot be recorded is not made.
        let op = audit::operation(
            &self.app,
            &self.viewer,
            "register.import",
            format!("snapshot:{}:{}", register.snapshot.id, content_hash),
        );
        self.app.store.append_operation(&op).await?;
        self.app
            .store
            .import_register(register, content_hash, self.app.now(), progress)
            .await
    }

    /// Stores provider evidence for participants of `contract`, all of it or nothing: each
    /// row's national id must belong to a participant of the contract, or the row is named.
    /// The import is recorded before it is made, and each person it touches is audited.
    /// Returns how many records were stored, or the rows at fault.
    pub async fn import_evidence(
        &self,
        contract: ContractId,
        rows: &[EvidenceRow],
    ) -> Result<Result<usize, Vec<RowProblem>>, AppError> {
        let mut records = Vec::with_capacity(rows.len());
        let mut persons = Vec::new();
        let mut problems = Vec::new();
        // One lookup per person, however many records the file holds about them.
        let mut found = std::collections::HashMap::new();
        for row in rows {
            let participant = match found.get(&row.national_id) {
                Some(known) => *known,
                None => {
                    let known = match self.app.store.person_holding(&row.national_id).await? {
                        Some(person) => {
                            let p = self
                                .app
                                .store
                                .participant_in_contract(contract, person)
                                .await?;
                            if p.is_none() {
                                // A person of another contract was named: the attempt is on
                                // their record, as every probe of a national id is.
                                audit::deny_person(
                                    &self.app,
                                    &self.viewer,
                                    person,
                                    audit::Purpose::ParticipantEvidence,
                                )
                                .await?;
                            }
                            p.map(|p| (person, p))
                        }
                        None => None,
                    };
                    found.insert(row.national_id.clone(), known);
                    known
                }
            };
            let Some((person, participant)) = participant else {
                // The same answer whether the person is unknown or in another contract.
                problems.push(RowProblem {
                    line: row.line,
                    column: "national_id",
                    message: format!("no participant of contract {} has this id", contract.0),
                });
                continue;
            };
            if !persons.contains(&person) {
                persons.push(person);
            }
            records.push(EvidenceRecord {
                participant,
                record_id: row.record_id.clone(),
                identifier: row.identifier.clone(),
                achieved_on: row.date,
                score: row.score,
                recorded_by: row.recorded_by.clone(),
                verified: row.verified.clone(),
                retracted: row.retracted,
            });
        }
        if !problems.is_empty() {
            return Ok(Err(problems));
        }
        let op = audit::operation(
            &self.app,
            &self.viewer,
            "evidence.import",
            format!("contract:{}:records:{}", contract.0, records.len()),
        );
        self.app.store.append_operation(&op).await?;
        audit::permit(
            &self.app,
            &self.viewer,
            persons,
            audit::Purpose::ParticipantEvidence,
        )
        .await?;
        self.app
            .store
            .import_evidence(&records, self.viewer.user.id, self.app.now())
            .await?;
        Ok(Ok(records.len()))
    }

    /// The audit log as CEF lines, oldest first: reads of personal data, operations (this
    /// export included), statement steps and amendment decisions.
    pub async fn audit_cef(&self) -> Result<Vec<String>, AppError> {
        let op = audit::operation(&self.app, &self.viewer, "audit.export", "audit-log".into());
        self.app.store.append_operation(&op).await?;
        audit::cef_lines(&self.app).await
    }
}
