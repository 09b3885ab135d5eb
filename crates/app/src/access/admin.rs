//! Configuration, register imports and the audit export: the administrator's. Imports
//! and exports are recorded in the operations log with who ran them.

use effekt_domain::ids::ContractId;
use effekt_domain::register::Register;
use effekt_engine::evidence::{EvidenceRow, RowProblem};
use effekt_store::model::{EvidenceRecord, ImportOutcome};
use effekt_store::StoreError;

use crate::audit;
use crate::views::{ConfigurationRow, ConfigurationView};
use crate::{App, AppError, Viewer};

/// How the web face was started, as far as the configuration page reports it.
#[derive(Debug, Clone, Copy, Default)]
pub struct HttpSettings {
    pub secure_cookies: bool,
    pub client_address_header: bool,
    pub internal_listen: bool,
}

/// Configuration, imports and the audit export.
pub struct AdminAccess {
    app: App,
    viewer: Viewer,
}

impl AdminAccess {
    pub(crate) fn new(app: App, viewer: Viewer) -> Self {
        Self { app, viewer }
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

    /// What effekt runs with, and what is not set as production needs it. `http` is what the
    /// web face was started with.
    pub async fn configuration(&self, http: &HttpSettings) -> Result<ConfigurationView, AppError> {
        use effekt_domain::mode::Mode;
        let mode = self.app.mode();
        let backend = self.app.store.backend();
        let deadlines = self.app.deadlines();
        let snapshots = self.app.store.register_snapshots().await?;
        let newest = snapshots.iter().max_by_key(|s| s.id);
        let yes_no = |b: bool| if b { "ja" } else { "nei" }.to_owned();
        let row = |label: &str, value: String, source: &str| ConfigurationRow {
            label: label.to_owned(),
            value,
            source: source.to_owned(),
        };
        let rows = vec![
            row("Modus", mode.to_string(), "EFFEKT_MODE"),
            row(
                "Database",
                match backend {
                    effekt_store::Backend::Sqlite => "SQLite (innebygd, én fil)".into(),
                    effekt_store::Backend::Postgres => "PostgreSQL".into(),
                },
                "DATABASE_URL",
            ),
            row("effekt-versjon", env!("CARGO_PKG_VERSION").into(), "bygget"),
            row(
                "Databaseskjema",
                format!("migrering {}", effekt_store::schema_version()),
                "kjøres ved oppstart",
            ),
            row(
                "Nyeste registeruttrekk",
                newest.map_or("ingen".into(), |s| {
                    format!(
                        "{} (til {})",
                        s.key,
                        effekt_domain::dates::date_nb(s.cutoff)
                    )
                }),
                "effekt register import",
            ),
            row(
                "Pseudonymnøkkel",
                if self.app.pseudonyms().is_ok() {
                    "satt (vises aldri)"
                } else {
                    "mangler"
                }
                .into(),
                "EFFEKT_PSEUDONYM_KEY",
            ),
            row(
                "Frist for å beregne en periode",
                format!("{} dager", deadlines.compute_within_days),
                "EFFEKT_COMPUTE_WITHIN_DAYS",
            ),
            row(
                "Frist for å betale et godkjent oppgjør",
                format!("{} dager", deadlines.pay_within_days),
                "EFFEKT_PAY_WITHIN_DAYS",
            ),
            row(
                "Økter varer",
                format!("{} timer", crate::accounts::SESSION_HOURS),
                "fast",
            ),
            row(
                "Låsing etter mislykkede innlogginger",
                format!(
                    "{} forsøk på {} minutter",
                    crate::accounts::MAX_FAILURES,
                    crate::accounts::THROTTLE_MINUTES
                ),
                "fast",
            ),
            row(
                "Secure-informasjonskapsler",
                yes_no(http.secure_cookies),
                "EFFEKT_SECURE_COOKIES",
            ),
            row(
                "Klientadresse fra mellomtjener",
                yes_no(http.client_address_header),
                "EFFEKT_CLIENT_ADDRESS_HEADER",
            ),
            row(
                "Egen adresse for /internal",
                yes_no(http.internal_listen),
                "EFFEKT_INTERNAL_LISTEN",
            ),
        ];
        let mut gaps = Vec::new();
        if mode != Mode::Production {
            gaps.push(format!("Modus er «{mode}»: syntetiske data og demo-kontoer er tillatt. Sett EFFEKT_MODE=production."));
        }
        if backend == effekt_store::Backend::Sqlite {
            gaps.push(
                "Databasen er SQLite. Produksjon bruker PostgreSQL (DATABASE_URL=postgres://…)."
                    .into(),
            );
        }
        if !http.secure_cookies {
            gaps.push("Informasjonskapslene er ikke merket Secure; bak TLS skal de være det (EFFEKT_SECURE_COOKIES).".into());
        }
        if !http.client_address_header {
            gaps.push("Bak en mellomtjener ser effekt bare mellomtjenerens adresse, og innloggingssperren per klient blir felles for alle. Sett EFFEKT_CLIENT_ADDRESS_HEADER.".into());
        }
        if !http.internal_listen {
            gaps.push("Helse og målinger (/internal) svarer på hovedadressen. Sett EFFEKT_INTERNAL_LISTEN.".into());
        }
        if newest.is_none() {
            gaps.push("Ingen registeruttrekk er importert; resultater kan ikke beregnes.".into());
        }
        Ok(ConfigurationView { rows, gaps })
    }

    /// The audit log as CEF lines, oldest first: reads of personal data, operations (this
    /// export included), statement steps and amendment decisions.
    pub async fn audit_cef(&self) -> Result<Vec<String>, AppError> {
        let op = audit::operation(&self.app, &self.viewer, "audit.export", "audit-log".into());
        self.app.store.append_operation(&op).await?;
        audit::cef_lines(&self.app).await
    }
}
