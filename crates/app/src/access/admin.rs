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

    pub async fn users(&self) -> Result<Vec<UserView>, AppError> {
        Ok(self
            .app
            .store
            .users()
            .await?
            .into_iter()
            .map(|u| UserView {
                username: u.username,
                display_name: u.display_name,
                role: u.role.label_nb().to_owned(),
            })
            .collect())
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
