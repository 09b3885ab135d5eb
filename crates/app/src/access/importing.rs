//! The administrator's imports: a register snapshot from its folder and provider evidence from
//! its file, each read, checked whole and stored in one transaction or not at all. Every
//! attempt — applied, unchanged, refused for its content, failed in the store — lands in the
//! import log (`access::imports`), so a failure that stored nothing still reaches a home.

use std::path::Path;

use effekt_domain::ids::ContractId;
use effekt_domain::imports::{scope_of_contract, ImportKind, ImportResult};
use effekt_domain::register::Register;
use effekt_engine::evidence::{self, EvidenceRow, RowProblem};
use effekt_engine::register::{self, RegisterError};
use effekt_store::model::{EvidenceRecord, ImportOutcome};
use effekt_store::StoreError;

use super::imports::Attempt;
use super::AdminAccess;
use crate::audit;
use crate::{App, AppError, Viewer};

/// The largest evidence file read: far beyond any provider's records of one import.
pub const MAX_EVIDENCE_FILE: u64 = 64 * 1024 * 1024;

/// The file's text, or why it cannot be read (too large, missing, not UTF-8). `what` names
/// the kind of file in the message ("a contract file").
pub fn read_limited(file: &Path, max: u64, what: &str) -> Result<String, String> {
    let size = std::fs::metadata(file)
        .map_err(|e| format!("{}: {e}", file.display()))?
        .len();
    if size > max {
        return Err(format!(
            "{}: {size} bytes is more than {what} may hold ({} MiB); nothing was read",
            file.display(),
            max / 1024 / 1024
        ));
    }
    std::fs::read_to_string(file).map_err(|e| format!("{}: {e}", file.display()))
}

/// What the log keeps of a store failure: a conflict's own words, otherwise only that the
/// store failed (the details are in the server's log, not on a page).
fn store_problem(e: &StoreError) -> String {
    match e {
        StoreError::Conflict(message) => message.clone(),
        _ => "the store failed; see the server log".to_owned(),
    }
}

impl App {
    /// Logs `outcome` when the store (or the audit write) failed on the way: any step of an
    /// import that fails in the store is a failed attempt, whichever step it was.
    pub(crate) async fn log_store_failure<T>(
        &self,
        viewer: &Viewer,
        attempt: &Attempt<'_>,
        outcome: Result<T, AppError>,
    ) -> Result<T, AppError> {
        if let Err(AppError::Store(e) | AppError::Audit(e)) = &outcome {
            self.log_import(
                viewer,
                attempt,
                ImportResult::Failed,
                &[store_problem(e)],
                1,
            )
            .await;
        }
        outcome
    }
}

impl AdminAccess {
    /// Reads and checks the register snapshot in `dir`, then stores it as a new version, all
    /// of it or nothing (the same files again change nothing). `on_valid` hears the checked
    /// snapshot before the writing starts, `progress` the rows written so far. Who asked for
    /// it is recorded first, with the snapshot and its files' hash, so that no import goes
    /// unrecorded. Returns how it ended and how many spell rows named no person.
    pub async fn import_register_dir(
        &self,
        dir: &Path,
        on_valid: &(dyn Fn(&Register) + Send + Sync),
        progress: &(dyn Fn(u64) + Send + Sync),
    ) -> Result<(ImportOutcome, usize), AppError> {
        let attempt = Attempt {
            kind: ImportKind::Register,
            scope: String::new(),
            source: dir,
        };
        let read = register::read_dir(dir)
            .and_then(|snapshot| Ok((register::content_hash(dir)?, snapshot)));
        let (hash, snapshot) = match read {
            Ok(read) => read,
            Err(e) => {
                let (problems, count) = match &e {
                    RegisterError::Io(message) => (vec![message.clone()], 1),
                    RegisterError::Invalid { errors, more } => (
                        errors.iter().map(ToString::to_string).collect(),
                        errors.len() + more,
                    ),
                };
                self.app
                    .log_import(
                        &self.viewer,
                        &attempt,
                        ImportResult::Refused,
                        &problems,
                        count,
                    )
                    .await;
                return Err(AppError::Refused(format!(
                    "the register is invalid, nothing was imported:\n{e}"
                )));
            }
        };
        on_valid(&snapshot);
        // Recorded before it is done: an import that cannot be recorded is not made.
        let op = audit::operation(
            &self.app,
            &self.viewer,
            "register.import",
            format!("snapshot:{}:{}", snapshot.snapshot.id, hash),
        );
        let stored = async {
            self.app.store.append_operation(&op).await?;
            Ok(self
                .app
                .store
                .import_register(&snapshot, &hash, self.app.now(), progress)
                .await?)
        }
        .await;
        let outcome = self
            .app
            .log_store_failure(&self.viewer, &attempt, stored)
            .await?;
        let result = match outcome {
            ImportOutcome::Imported(_) => ImportResult::Applied,
            ImportOutcome::Unchanged(_) => ImportResult::Unchanged,
        };
        self.app
            .log_import(&self.viewer, &attempt, result, &[], 0)
            .await;
        if let ImportOutcome::Imported(record) = &outcome {
            self.evaluate_on(record.id).await?;
        }
        Ok((outcome, snapshot.unmatched_rows))
    }

    /// The continuous evaluation: a snapshot that lands makes an interim run of every contract
    /// whose evaluator has registered a plan (issue 15). A run that cannot be made (too few
    /// participants with closed windows, say) is logged and leaves the import as it is.
    async fn evaluate_on(&self, snapshot: i64) -> Result<(), AppError> {
        for contract in self.app.store.contracts().await? {
            if self
                .app
                .store
                .evaluation_plans(contract.id)
                .await?
                .is_empty()
            {
                continue;
            }
            let Some((_, terms)) = self.app.store.contract_terms(contract.id).await? else {
                continue;
            };
            match super::evaluation::make_run(
                &self.app,
                &self.viewer,
                contract.id,
                &terms,
                Some(snapshot),
                effekt_store::evaluation::RunLabel::Interim,
                "register-import",
            )
            .await?
            {
                Ok(run) => tracing::info!(
                    contract = contract.id.0,
                    run,
                    "evaluation run on the new snapshot"
                ),
                Err(why) => {
                    tracing::info!(contract = contract.id.0, %why, "no evaluation run on the new snapshot")
                }
            }
        }
        Ok(())
    }

    /// Reads `file` (CSV, see `effekt_engine::evidence`) and stores its provider evidence for
    /// participants of `contract` (see [`Self::import_evidence`]). A file that cannot be read
    /// is refused with why; one whose rows are bad returns the rows at fault.
    pub async fn import_evidence_file(
        &self,
        contract: ContractId,
        file: &Path,
    ) -> Result<Result<usize, Vec<RowProblem>>, AppError> {
        let attempt = evidence_attempt(contract, file);
        let text = match read_limited(file, MAX_EVIDENCE_FILE, "an evidence file") {
            Ok(text) => text,
            Err(why) => {
                self.app
                    .log_import(
                        &self.viewer,
                        &attempt,
                        ImportResult::Refused,
                        std::slice::from_ref(&why),
                        1,
                    )
                    .await;
                return Err(AppError::Refused(why));
            }
        };
        self.import_evidence_text(contract, file, &text).await
    }

    /// Checks `text` (the content of `file`) and stores its provider evidence for
    /// participants of `contract` (see [`Self::import_evidence`]), or returns the rows at fault.
    pub async fn import_evidence_text(
        &self,
        contract: ContractId,
        file: &Path,
        text: &str,
    ) -> Result<Result<usize, Vec<RowProblem>>, AppError> {
        match evidence::parse(text) {
            Ok(rows) => self.import_evidence(contract, file, &rows).await,
            Err(problems) => {
                self.log_refused_rows(&evidence_attempt(contract, file), &problems)
                    .await;
                Ok(Err(problems))
            }
        }
    }

    async fn log_refused_rows(&self, attempt: &Attempt<'_>, problems: &[RowProblem]) {
        let lines: Vec<String> = problems.iter().map(ToString::to_string).collect();
        self.app
            .log_import(
                &self.viewer,
                attempt,
                ImportResult::Refused,
                &lines,
                lines.len(),
            )
            .await
    }

    /// Stores provider evidence (the rows of `file`) for participants of `contract`, all of
    /// it or nothing: each row's national id must belong to a participant of the contract, or
    /// the row is named. The import is recorded before it is made, and each person it touches
    /// is audited. Returns how many records were stored, or the rows at fault.
    pub async fn import_evidence(
        &self,
        contract: ContractId,
        file: &Path,
        rows: &[EvidenceRow],
    ) -> Result<Result<usize, Vec<RowProblem>>, AppError> {
        let attempt = evidence_attempt(contract, file);
        let outcome = self.store_evidence(contract, &attempt, rows).await;
        self.app
            .log_store_failure(&self.viewer, &attempt, outcome)
            .await
    }

    /// [`Self::import_evidence`] but for logging a failure in the store.
    async fn store_evidence(
        &self,
        contract: ContractId,
        attempt: &Attempt<'_>,
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
            self.log_refused_rows(attempt, &problems).await;
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
        self.app
            .log_import(&self.viewer, attempt, ImportResult::Applied, &[], 0)
            .await;
        Ok(Ok(records.len()))
    }
}

fn evidence_attempt(contract: ContractId, file: &Path) -> Attempt<'_> {
    Attempt {
        kind: ImportKind::Evidence,
        scope: scope_of_contract(contract.0),
        source: file,
    }
}
