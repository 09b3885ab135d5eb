//! The audit writer: one record per person shown, batched into one write per response or
//! command, and a failed write fails the read (fail closed). Records say through which
//! channel they came; the command line's carry the operating-system user beside the operator.
//! Also the operations log (what operators did besides reading people), and the CEF export of
//! both together with every statement step and amendment decision.

use std::sync::atomic::Ordering;

use chrono::{DateTime, Utc};
use effekt_domain::cef::CefEvent;
use effekt_domain::ids::{ParticipantId, PersonKey};
use effekt_domain::intake::ScreeningField;
use effekt_store::model::{AuditRecord, Decision, OperationRecord};

use crate::{App, AppError, Viewer};

/// Why personal data was read. The codes are what the audit log stores; the names are the CEF
/// event names Nav's audit platform shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    ParticipantList,
    ParticipantView,
    ParticipantIdChange,
    ParticipantOutcomes,
    EvaluationPseudonymised,
    StatementLines,
    /// Provider evidence (milestones, soft scores) recorded for the person.
    ParticipantEvidence,
    /// The person's entries in the audit log, read in the audit viewer.
    AuditReview,
    /// What Nav shared at the start and the provider's intake (measures, languages).
    ParticipantIntake,
    /// One field of the screening (special-category data): one record per field shown.
    Screening(ScreeningField),
    /// The individual plan: versions, modules, approvals, learning tasks.
    ParticipantPlan,
    /// A person named in a Nav office's draft of a referral, not yet sent.
    ReferralDraft,
    /// A participant's attendance at group sessions, and the group's members on a form.
    Attendance,
    /// A participant named by an interpreter booking: the meeting's, or a share of its cost.
    InterpreterBooking,
}

impl Purpose {
    pub const ALL: [Purpose; 19] = [
        Purpose::ParticipantList,
        Purpose::ParticipantView,
        Purpose::ParticipantIdChange,
        Purpose::ParticipantOutcomes,
        Purpose::EvaluationPseudonymised,
        Purpose::StatementLines,
        Purpose::ParticipantEvidence,
        Purpose::AuditReview,
        Purpose::ParticipantIntake,
        Purpose::Screening(ScreeningField::MotherTongueLiteracy),
        Purpose::Screening(ScreeningField::ReadingWritingDifficulties),
        Purpose::Screening(ScreeningField::Hearing),
        Purpose::Screening(ScreeningField::Vision),
        Purpose::Screening(ScreeningField::DigitalSkills),
        Purpose::Screening(ScreeningField::HealthNeeds),
        Purpose::ParticipantPlan,
        Purpose::ReferralDraft,
        Purpose::Attendance,
        Purpose::InterpreterBooking,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Purpose::ParticipantList => "participant.list",
            Purpose::ParticipantView => "participant.view",
            Purpose::ParticipantIdChange => "participant.id-change",
            Purpose::ParticipantOutcomes => "participant.outcomes",
            Purpose::EvaluationPseudonymised => "evaluation.pseudonymised",
            Purpose::StatementLines => "statement.lines",
            Purpose::ParticipantEvidence => "participant.evidence",
            Purpose::AuditReview => "audit.review",
            Purpose::ParticipantIntake => "participant.intake",
            Purpose::ParticipantPlan => "participant.plan",
            Purpose::ReferralDraft => "referral.draft",
            Purpose::Attendance => "participant.attendance",
            Purpose::InterpreterBooking => "participant.interpreter",
            Purpose::Screening(field) => match field {
                ScreeningField::MotherTongueLiteracy => "participant.screening.lese-skrive-morsmal",
                ScreeningField::ReadingWritingDifficulties => {
                    "participant.screening.lese-skrivevansker"
                }
                ScreeningField::Hearing => "participant.screening.horsel",
                ScreeningField::Vision => "participant.screening.syn",
                ScreeningField::DigitalSkills => "participant.screening.digitale-ferdigheter",
                ScreeningField::HealthNeeds => "participant.screening.helsebehov",
            },
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.code() == code)
    }

    /// The CEF event name.
    pub fn cef_name(self) -> &'static str {
        match self {
            Purpose::ParticipantList => "Deltakerliste",
            Purpose::ParticipantView => "Innsyn i deltaker",
            Purpose::EvaluationPseudonymised => "Pseudonymiserte data",
            Purpose::ParticipantOutcomes => "Resultater for deltaker",
            Purpose::StatementLines => "Utbetalingslinjer",
            Purpose::ParticipantIdChange => "Innsyn i personopplysninger",
            Purpose::ParticipantEvidence => "Dokumentasjon fra leverandør",
            Purpose::AuditReview => "Innsyn i revisjonslogg",
            Purpose::ParticipantIntake => "Inntaksopplysninger",
            Purpose::ParticipantPlan => "Individuell plan",
            Purpose::ReferralDraft => "Utkast til henvisning",
            Purpose::Attendance => "Oppmøte",
            Purpose::InterpreterBooking => "Tolkebestilling",
            Purpose::Screening(field) => match field {
                ScreeningField::MotherTongueLiteracy => "Kartlegging: lese og skrive på morsmålet",
                ScreeningField::ReadingWritingDifficulties => "Kartlegging: lese- og skrivevansker",
                ScreeningField::Hearing => "Kartlegging: hørsel",
                ScreeningField::Vision => "Kartlegging: syn",
                ScreeningField::DigitalSkills => "Kartlegging: digitale ferdigheter",
                ScreeningField::HealthNeeds => "Kartlegging: helsebehov",
            },
        }
    }
}

fn record(
    app: &App,
    viewer: &Viewer,
    subject: PersonKey,
    purpose: Purpose,
    decision: Decision,
) -> AuditRecord {
    AuditRecord {
        at: app.now(),
        actor: viewer.user.id,
        actor_name: viewer.user.username.clone(),
        subject,
        purpose: purpose.code().to_owned(),
        decision,
        request_id: viewer.request_id.clone(),
        channel: viewer.channel.clone(),
    }
}

async fn write(app: &App, records: Vec<AuditRecord>) -> Result<(), AppError> {
    let n = records.len() as u64;
    match app.store.append_audit(&records).await {
        Ok(()) => {
            app.metrics.audit_records.fetch_add(n, Ordering::Relaxed);
            Ok(())
        }
        Err(e) => {
            app.metrics.audit_failures.fetch_add(1, Ordering::Relaxed);
            Err(AppError::Audit(e))
        }
    }
}

/// Records permitted reads of these persons.
pub(crate) async fn permit(
    app: &App,
    viewer: &Viewer,
    subjects: impl IntoIterator<Item = PersonKey>,
    purpose: Purpose,
) -> Result<(), AppError> {
    write(app, records(app, viewer, subjects, purpose)).await
}

/// The records of permitted reads of these persons, to write now or with a page's batch.
pub(crate) fn records(
    app: &App,
    viewer: &Viewer,
    subjects: impl IntoIterator<Item = PersonKey>,
    purpose: Purpose,
) -> Vec<AuditRecord> {
    subjects
        .into_iter()
        .map(|s| record(app, viewer, s, purpose, Decision::Permit))
        .collect()
}

/// Writes records collected for one response (nothing when there are none).
pub(crate) async fn write_records(app: &App, records: Vec<AuditRecord>) -> Result<(), AppError> {
    if records.is_empty() {
        return Ok(());
    }
    write(app, records).await
}

/// Records a refused attempt to read a participant, when that participant exists.
pub(crate) async fn deny(
    app: &App,
    viewer: &Viewer,
    participant: ParticipantId,
    purpose: Purpose,
) -> Result<(), AppError> {
    if let Some(subject) = app.store.participant_subject(participant).await? {
        write(
            app,
            vec![record(app, viewer, subject, purpose, Decision::Deny)],
        )
        .await?;
    }
    Ok(())
}

/// Records that a person was touched by a request the viewer may not see them through (e.g.
/// the holder of a number someone tried to register for another person).
pub(crate) async fn deny_person(
    app: &App,
    viewer: &Viewer,
    subject: PersonKey,
    purpose: Purpose,
) -> Result<(), AppError> {
    write(
        app,
        vec![record(app, viewer, subject, purpose, Decision::Deny)],
    )
    .await
}

/// What an operator did, as a record of the operations log.
pub(crate) fn operation(
    app: &App,
    viewer: &Viewer,
    action: &str,
    subject: String,
) -> OperationRecord {
    OperationRecord {
        at: app.now(),
        actor: Some(viewer.user.id),
        actor_name: viewer.user.username.clone(),
        action: action.to_owned(),
        subject,
        channel: viewer.channel.clone(),
    }
}

/// The CEF name of an operation.
pub(crate) fn operation_name(action: &str) -> &str {
    match action {
        "user.create" => "Bruker opprettet",
        "user.update" => "Bruker endret",
        "user.activate" => "Bruker aktivert",
        "user.deactivate" => "Bruker deaktivert",
        "user.sessions-end" => "Brukerens økter avsluttet",
        "user.session-end" => "Brukerens økt avsluttet",
        "user.unlock" => "Bruker låst opp",
        "user.password-link" => "Passordlenke laget",
        "user.password-set" => "Passord satt med lenke",
        "register.import" => "Registeruttrekk importert",
        "audit.export" => "Revisjonslogg eksportert",
        "contract.import" => "Kontrakt importert",
        "person.id-change" => "Ident endret",
        "evidence.import" => "Dokumentasjon fra leverandør importert",
        "milestone.record" => "Delmål registrert",
        "participation.propose" => "Forslag sendt til Nav",
        "referral.send" => "Henvisning sendt",
        "referral.answer" => "Henvisning besvart",
        "referral.draft" => "Utkast til henvisning lagret",
        "referral.draft-share" => "Utkast til henvisning gått gjennom med personen",
        "referral.draft-cancel" => "Utkast til henvisning avbrutt",
        "participation.start" => "Oppstart registrert",
        "participation.answer" => "Forslag besvart",
        "milestone.verify" => "Delmål verifisert",
        "milestone.retract" => "Delmål trukket tilbake",
        "language-level.record" => "Vurdert språknivå registrert",
        "intake.need" => "Behovsopplysning delt",
        "intake.screening" => "Kartlegging registrert",
        "intake.measure" => "Tidligere tiltak registrert",
        "intake.language" => "Språk registrert",
        "intake.withdraw-behov" => "Behovsopplysning trukket tilbake",
        "intake.withdraw-tidligere-tiltak" => "Tidligere tiltak trukket tilbake",
        "intake.withdraw-sprak" => "Språk trukket tilbake",
        "group.join" => "Deltaker lagt til i gruppe",
        "session.plan" => "Økter planlagt",
        "session.cancel" => "Økt avlyst",
        "attendance.take" => "Oppmøte registrert",
        "plan.write" => "Individuell plan lagret",
        "plan.approve" => "Godkjenning av plan registrert",
        "plan.task-assign" => "Læringsoppgave gitt",
        "plan.task-complete" => "Læringsoppgave fullført",
        "evaluation.plan" => "Evalueringsplan registrert",
        "evaluation.run" => "Evaluering kjørt",
        "evaluation.publish" => "Evaluering publisert",
        "evaluation.certify" => "Tall sertifisert fra evaluering",
        "evaluation.microdata" => "Mikrodata fra evaluering hentet",
        other => other,
    }
}

/// Whether an operation's subject names no person, so that whoever reads the log under
/// pseudonyms may see it: accounts, snapshots, contracts and the log itself. Any other action
/// (an id change holds the old and new numbers), and any added later until it is listed here,
/// is shown to the privacy officer only.
pub(crate) fn subject_names_no_person(action: &str) -> bool {
    matches!(
        action,
        "user.create"
            | "user.update"
            | "user.activate"
            | "user.deactivate"
            | "user.sessions-end"
            | "user.session-end"
            | "user.unlock"
            | "user.password-link"
            | "user.password-set"
            | "register.import"
            | "audit.export"
            | "contract.import"
            | "evidence.import"
            | "evaluation.plan"
            | "evaluation.run"
            | "evaluation.publish"
            | "evaluation.certify"
            | "evaluation.microdata"
    )
}

/// One line of the export, with the moment it sorts by.
struct Entry {
    at: DateTime<Utc>,
    line: String,
}

/// Where a record came from, as CEF extension fields (nothing for the web, as before).
fn channel_fields(channel: &effekt_store::model::Channel) -> String {
    match channel.os_user() {
        Some(os) => format!(
            " cs1Label=Kanal cs1=cli cs2Label=OS-bruker cs2={}",
            effekt_domain::cef::escape_extension(os)
        ),
        None => String::new(),
    }
}

/// Every audit record (reads of personal data, `audit:access`), every operation, statement
/// transition and amendment decision (`audit:change`), oldest first, as CEF lines.
pub(crate) async fn cef_lines(app: &App) -> Result<Vec<String>, AppError> {
    let store = &app.store;
    let mut entries: Vec<Entry> = store
        .audit_records()
        .await?
        .iter()
        .map(|row| {
            let r = &row.record;
            let line = CefEvent {
                name: Purpose::from_code(&r.purpose)
                    .map_or("Innsyn i personopplysninger", Purpose::cef_name),
                actor: &r.actor_name,
                subject: row.subject_national_id.as_deref().unwrap_or("ukjent"),
                epoch_millis: r.at.timestamp_millis(),
                request_id: &r.request_id,
                permitted: r.decision == Decision::Permit,
                signature: "audit:access",
            }
            .line();
            Entry {
                at: r.at,
                line: line + &channel_fields(&r.channel),
            }
        })
        .collect();
    for op in store.operations().await? {
        let line = CefEvent {
            name: operation_name(&op.action),
            actor: &op.actor_name,
            subject: &op.subject,
            epoch_millis: op.at.timestamp_millis(),
            request_id: &op.action,
            permitted: true,
            signature: "audit:change",
        }
        .line();
        entries.push(Entry {
            at: op.at,
            line: line + &channel_fields(&op.channel),
        });
    }
    entries.extend(changes(app).await?);
    // Oldest first; reads before changes at the same moment, each in stored order.
    entries.sort_by_key(|e| e.at);
    Ok(entries.into_iter().map(|e| e.line).collect())
}

/// Steps that change what is paid: every statement transition and every party's decision on
/// an amendment, from their append-only tables. The subject is the statement or contract
/// version, not a person.
async fn changes(app: &App) -> Result<Vec<Entry>, AppError> {
    let store = &app.store;
    let usernames: std::collections::HashMap<_, _> = store
        .users()
        .await?
        .into_iter()
        .map(|u| (u.id, u.username))
        .collect();
    let name_of = |id| {
        usernames
            .get(&id)
            .cloned()
            .unwrap_or_else(|| "ukjent".into())
    };
    let mut out = Vec::new();
    let mut push = |at: DateTime<Utc>, name: &str, actor: &str, subject: &str, request: &str| {
        out.push(Entry {
            at,
            line: CefEvent {
                name,
                actor,
                subject,
                epoch_millis: at.timestamp_millis(),
                request_id: request,
                permitted: true,
                signature: "audit:change",
            }
            .line(),
        });
    };
    for contract in store.contracts().await? {
        let request = format!("contract:{}", contract.id.0);
        for s in store.statements(contract.id).await? {
            for e in &s.events {
                let name = format!("Utbetaling {}: {}", s.period, e.event.step.label_nb());
                let subject = format!("statement:{}", s.id);
                push(e.event.at, &name, &name_of(e.event.by), &subject, &request);
            }
        }
        for v in store.contract_versions(contract.id).await? {
            for (d, _, _) in &v.decisions {
                let name = format!(
                    "Kontraktsendring versjon {}: {} for {} {}",
                    v.version,
                    if d.decision == effekt_domain::contract::amendment::Decision::Approve {
                        "godkjent"
                    } else {
                        "avvist"
                    },
                    d.party.role.code(),
                    d.party.orgnr
                );
                let subject = format!("contract:{}:version:{}", contract.id.0, v.version);
                push(d.at, &name, &name_of(d.by), &subject, &request);
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn purposes_keep_their_stored_codes_and_cef_names() {
        for p in Purpose::ALL {
            assert_eq!(Purpose::from_code(p.code()), Some(p));
        }
        assert_eq!(Purpose::ParticipantView.code(), "participant.view");
        assert_eq!(Purpose::ParticipantView.cef_name(), "Innsyn i deltaker");
        assert_eq!(Purpose::StatementLines.cef_name(), "Utbetalingslinjer");
        assert_eq!(Purpose::from_code("participant.sneak"), None);
        let codes: std::collections::HashSet<&str> =
            Purpose::ALL.iter().map(|p| p.code()).collect();
        assert_eq!(codes.len(), Purpose::ALL.len(), "one code per purpose");
        for f in ScreeningField::ALL {
            assert!(Purpose::ALL.contains(&Purpose::Screening(f)), "{f:?}");
            assert!(Purpose::Screening(f).code().ends_with(f.code()));
        }
    }
}
