//! A participant's intake on the participant page: the need items Nav shared at the start
//! (each with its legal basis and purpose), the earlier measures and practice periods, the
//! languages and interpreter need, and the screening.
//!
//! Who: Nav's case officer shares need items; the provider's staff and admins record measures
//! and languages; only members of the participant's team whose discipline needs a screening
//! field (`ScreeningField::readers`) see or record it, and each field shown is its own audit
//! record. A special-category need item (health) is shown to Nav's case officers and to team
//! members whose discipline plans around it, never to the organisation's admin or the rest of
//! the staff. A teacher who only teaches the participant's group sees no intake
//! (`unmasked_in_scope` refuses her). Nobody sees or
//! changes the intake of a person masked for them; every other role sees no intake at all.

use chrono::NaiveDate;
use effekt_domain::dates::{oslo_time, parse_civil_date};
use effekt_domain::ids::ParticipantId;
use effekt_domain::intake::{self as rules, Finding, IntakeError, ScreeningField};
use effekt_domain::role::Role;
use effekt_domain::team::Discipline;
use effekt_store::model::{ParticipantDetail, UserRecord};
use serde::Serialize;

use super::ParticipantAccess;
use crate::audit::{self, Purpose};
use crate::{AppError, FieldError};

#[derive(Debug, Clone, Serialize)]
pub struct IntakeView {
    pub needs: Vec<NeedView>,
    pub measures: Vec<MeasureView>,
    pub practice_periods: usize,
    /// Shown when the participant already has this many practice periods or more.
    pub practice_warning: bool,
    pub languages: Vec<LanguageView>,
    /// The screening fields this viewer may read, each with its newest finding, if any.
    pub screening: Vec<ScreeningView>,
    /// Special-category need items held back from this viewer.
    pub hidden_needs: usize,
    pub may_share_need: bool,
    pub may_record: bool,
    pub may_screen: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct NeedView {
    pub id: i64,
    pub label: String,
    pub content: String,
    pub basis: String,
    pub purpose: String,
    pub special_category: bool,
    pub shared_by: String,
    pub shared_at: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct MeasureView {
    pub id: i64,
    pub kind: &'static str,
    pub description: String,
    pub from: NaiveDate,
    pub to: Option<NaiveDate>,
    pub recorded_by: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct LanguageView {
    pub id: i64,
    pub language: String,
    pub mother_tongue: bool,
    pub interpreter: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct ScreeningView {
    pub field: &'static str,
    pub label: &'static str,
    pub finding: Option<&'static str>,
    pub finding_code: Option<&'static str>,
    pub note: Option<String>,
    pub recorded: Option<String>,
}

/// The screening form: per field, the finding's code (empty: leave it as it is) and a note.
pub type ScreeningInput = Vec<(ScreeningField, String, String)>;

/// Who sees the intake at all.
fn sees_intake(role: Role) -> bool {
    role.is_provider() || role == Role::NavCaseOfficer
}

fn sees_special_need(viewer: &UserRecord, d: &ParticipantDetail) -> bool {
    viewer.role == Role::NavCaseOfficer
        || super::team::on_team(viewer, d)
            && viewer
                .discipline
                .is_some_and(Discipline::reads_special_needs)
}

/// The screening fields `viewer` reads of participant `d`: none unless on its team, then those
/// the discipline needs.
fn readable_fields(viewer: &UserRecord, d: &ParticipantDetail) -> Vec<ScreeningField> {
    match viewer.discipline {
        Some(discipline) if super::team::on_team(viewer, d) => ScreeningField::ALL
            .into_iter()
            .filter(|f| f.may_read(discipline))
            .collect(),
        _ => Vec::new(),
    }
}

/// The withdrawal form's two fields for `kind`: the record chosen and the reason.
pub fn withdrawal_fields(kind: rules::Withdrawable) -> (&'static str, &'static str) {
    match kind {
        rules::Withdrawable::Need => ("behov_trekk", "behov_trekk_begrunnelse"),
        rules::Withdrawable::Measure => ("tiltak_trekk", "tiltak_trekk_begrunnelse"),
        rules::Withdrawable::Language => ("sprak_trekk", "sprak_trekk_begrunnelse"),
    }
}

fn field_error(e: IntakeError) -> FieldError {
    FieldError::new(e.field(), e.to_string())
}

impl ParticipantAccess {
    /// The participant's intake as this viewer may see it; `None` for roles that see none.
    /// Audited: the intake once, and each screening field shown.
    pub async fn intake(&self, id: ParticipantId) -> Result<Option<IntakeView>, AppError> {
        let role = self.viewer.user.role;
        if !sees_intake(role) {
            return Ok(None);
        }
        let d = self
            .unmasked_in_scope(id, Purpose::ParticipantIntake)
            .await?;
        let readable = readable_fields(&self.viewer.user, &d);
        let codes: Vec<&str> = readable.iter().map(|f| f.code()).collect();
        let stored = self.app.store.intake(id).await?;
        let screened = self.app.store.screenings(id, &codes).await?;
        let mut purposes = vec![Purpose::ParticipantIntake];
        purposes.extend(readable.iter().map(|f| Purpose::Screening(*f)));
        self.permit_purposes(d.person, &purposes).await?;
        let (shown, hidden): (Vec<_>, Vec<_>) = stored.needs.into_iter().partition(|n| {
            rules::need_item(&n.item).is_some_and(|i| !i.special_category)
                || sees_special_need(&self.viewer.user, &d)
        });
        let needs = shown
            .into_iter()
            .map(|n| {
                let item = rules::need_item(&n.item);
                NeedView {
                    id: n.id,
                    label: item.map_or_else(|| n.item.clone(), |i| i.label_nb.to_owned()),
                    special_category: item.is_some_and(|i| i.special_category),
                    basis: rules::legal_basis(&n.legal_basis)
                        .map_or_else(|| n.legal_basis.clone(), |b| b.label_nb.to_owned()),
                    purpose: rules::purpose_label(&n.purpose)
                        .map_or_else(|| n.purpose.clone(), str::to_owned),
                    content: n.content,
                    shared_by: n.shared_by,
                    shared_at: oslo_time(n.shared_at),
                }
            })
            .collect();
        let measures: Vec<MeasureView> = stored
            .measures
            .into_iter()
            .map(|m| MeasureView {
                id: m.id,
                kind: rules::MeasureKind::from_code(&m.kind).map_or("Ukjent", |k| k.label_nb()),
                description: m.description,
                from: m.from,
                to: m.to,
                recorded_by: m.recorded_by,
            })
            .collect();
        let practice_periods = measures
            .iter()
            .filter(|m| m.kind == rules::MeasureKind::Practice.label_nb())
            .count();
        let screening = readable
            .iter()
            .map(|f| {
                let found = screened.iter().find(|s| s.field == f.code());
                let finding = found.and_then(|s| Finding::from_code(&s.finding));
                ScreeningView {
                    field: f.code(),
                    label: f.label_nb(),
                    finding: finding.map(Finding::label_nb),
                    finding_code: finding.map(Finding::code),
                    note: found.and_then(|s| s.note.clone()),
                    recorded: found
                        .map(|s| format!("{}, {}", s.recorded_by, oslo_time(s.recorded_at))),
                }
            })
            .collect();
        Ok(Some(IntakeView {
            needs,
            measures,
            practice_periods,
            practice_warning: practice_periods >= rules::PRACTICE_PERIODS_WARNING,
            languages: stored
                .languages
                .into_iter()
                .map(|l| LanguageView {
                    id: l.id,
                    language: l.language,
                    mother_tongue: l.mother_tongue,
                    interpreter: l.interpreter,
                })
                .collect(),
            screening,
            hidden_needs: hidden.len(),
            may_share_need: role == Role::NavCaseOfficer,
            may_record: role.is_provider(),
            may_screen: !readable.is_empty() && role.is_provider(),
        }))
    }

    /// Nav's case officer shares a need item, with its legal basis and purpose.
    pub async fn share_need(
        &self,
        id: ParticipantId,
        item: &str,
        basis: &str,
        purpose: &str,
        content: &str,
    ) -> Result<Result<(), FieldError>, AppError> {
        let d = self
            .intake_writer(id, |r| r == Role::NavCaseOfficer)
            .await?;
        let need = match rules::need(item, basis, purpose, content) {
            Ok(need) => need,
            Err(e) => return Ok(Err(field_error(e))),
        };
        self.audit_intake(&d).await?;
        let (by, at) = (self.viewer.user.id, self.app.now());
        self.app.store.share_need(id, &need, by, at).await?;
        self.log_change(&d, "intake.need", need.item.code).await?;
        Ok(Ok(()))
    }

    /// The provider's staff record the screening: every field the form names, in one go.
    pub async fn record_screening(
        &self,
        id: ParticipantId,
        input: &ScreeningInput,
    ) -> Result<Result<(), FieldError>, AppError> {
        let d = self.intake_writer(id, |r| r == Role::ProviderStaff).await?;
        let readable = readable_fields(&self.viewer.user, &d);
        if readable.is_empty() {
            audit::deny(&self.app, &self.viewer, id, Purpose::ParticipantIntake).await?;
            return Err(AppError::Forbidden);
        }
        let mut screening = Vec::new();
        for (field, finding, note) in input {
            // An empty choice leaves the field as it was.
            if finding.trim().is_empty() {
                continue;
            }
            if !readable.contains(field) {
                audit::deny(&self.app, &self.viewer, id, Purpose::Screening(*field)).await?;
                return Err(AppError::Forbidden);
            }
            match rules::screening(field.code(), finding, note) {
                Ok(s) => screening.push(s),
                Err(e) => return Ok(Err(FieldError::new(field.code(), e.to_string()))),
            }
        }
        if screening.is_empty() {
            // Beside the viewer's first field: the one her form starts with.
            let first = readable.first().copied().unwrap_or(ScreeningField::ALL[0]);
            return Ok(Err(FieldError::new(
                first.code(),
                "Velg en vurdering for minst ett felt.",
            )));
        }
        let purposes: Vec<Purpose> = screening
            .iter()
            .map(|s| Purpose::Screening(s.field))
            .collect();
        self.permit_purposes(d.person, &purposes).await?;
        let (by, at) = (self.viewer.user.id, self.app.now());
        self.app
            .store
            .record_screening(id, &screening, by, at)
            .await?;
        let fields: Vec<&str> = screening.iter().map(|s| s.field.code()).collect();
        self.log_change(&d, "intake.screening", &fields.join(","))
            .await?;
        Ok(Ok(()))
    }

    /// The provider records an earlier measure or practice period.
    pub async fn record_measure(
        &self,
        id: ParticipantId,
        kind: &str,
        description: &str,
        from: &str,
        to: &str,
    ) -> Result<Result<(), FieldError>, AppError> {
        let d = self.intake_writer(id, Role::is_provider).await?;
        let from = match parse_civil_date(from) {
            Ok(date) => date,
            Err(e) => return Ok(Err(FieldError::new("tiltak_fra", e.message_nb()))),
        };
        let to = if to.trim().is_empty() {
            None
        } else {
            match parse_civil_date(to) {
                Ok(date) => Some(date),
                Err(e) => return Ok(Err(FieldError::new("tiltak_til", e.message_nb()))),
            }
        };
        let measure = match rules::earlier_measure(kind, description, from, to, self.app.today()) {
            Ok(m) => m,
            Err(IntakeError::Text(t)) => return Ok(Err(FieldError::new("tiltak_beskrivelse", t))),
            Err(IntakeError::UnknownValue) => {
                return Ok(Err(FieldError::new(
                    "tiltak_type",
                    "Velg tiltak eller arbeidspraksis.",
                )))
            }
            Err(e) => return Ok(Err(field_error(e))),
        };
        self.audit_intake(&d).await?;
        let (by, at) = (self.viewer.user.id, self.app.now());
        self.app.store.record_measure(id, &measure, by, at).await?;
        self.log_change(&d, "intake.measure", measure.kind.code())
            .await?;
        Ok(Ok(()))
    }

    /// The provider records a language and whether an interpreter is needed in it.
    pub async fn record_language(
        &self,
        id: ParticipantId,
        name: &str,
        mother_tongue: bool,
        interpreter: bool,
    ) -> Result<Result<(), FieldError>, AppError> {
        let d = self.intake_writer(id, Role::is_provider).await?;
        let language = match rules::language(name, mother_tongue, interpreter) {
            Ok(l) => l,
            Err(e) => return Ok(Err(FieldError::new("sprak", e.to_string()))),
        };
        self.audit_intake(&d).await?;
        let (by, at) = (self.viewer.user.id, self.app.now());
        self.app
            .store
            .record_language(id, &language, by, at)
            .await?;
        self.log_change(&d, "intake.language", "").await?;
        Ok(Ok(()))
    }

    /// Withdraws a need item (Nav's case officer) or an earlier measure or language (the
    /// provider) with a reason; the record is no longer shown. A correction is a withdrawal
    /// and a new record.
    pub async fn withdraw_intake(
        &self,
        id: ParticipantId,
        kind: &str,
        record: &str,
        reason: &str,
    ) -> Result<Result<(), FieldError>, AppError> {
        let Some(kind) = rules::Withdrawable::from_code(kind) else {
            return Err(AppError::NotFound);
        };
        let may = match kind {
            rules::Withdrawable::Need => |r: Role| r == Role::NavCaseOfficer,
            rules::Withdrawable::Measure | rules::Withdrawable::Language => Role::is_provider,
        };
        let d = self.intake_writer(id, may).await?;
        let (choice, because) = withdrawal_fields(kind);
        let Ok(record) = record.trim().parse::<i64>() else {
            return Ok(Err(FieldError::new(
                choice,
                "Velg det som skal trekkes tilbake.",
            )));
        };
        let reason = match rules::withdrawal_reason(reason) {
            Ok(reason) => reason,
            Err(e) => return Ok(Err(FieldError::new(because, e.to_string()))),
        };
        let (by, at) = (self.viewer.user.id, self.app.now());
        if !self
            .app
            .store
            .withdraw_intake(id, kind, record, &reason, by, at)
            .await?
        {
            return Ok(Err(FieldError::new(
                choice,
                "Det finnes ikke lenger: kanskje trakk en annen det tilbake. Se på siden igjen.",
            )));
        }
        self.audit_intake(&d).await?;
        let action = format!("intake.withdraw-{}", kind.code());
        self.log_change(&d, &action, &record.to_string()).await?;
        Ok(Ok(()))
    }

    /// The participant, for a viewer whose role `may` write this part of the intake; others
    /// are refused and audited as denied.
    async fn intake_writer(
        &self,
        id: ParticipantId,
        may: impl Fn(Role) -> bool,
    ) -> Result<std::sync::Arc<ParticipantDetail>, AppError> {
        if !may(self.viewer.user.role) {
            audit::deny(&self.app, &self.viewer, id, Purpose::ParticipantIntake).await?;
            return Err(AppError::Forbidden);
        }
        self.unmasked_in_scope(id, Purpose::ParticipantIntake).await
    }

    async fn audit_intake(&self, d: &ParticipantDetail) -> Result<(), AppError> {
        self.permit([d.person], Purpose::ParticipantIntake).await
    }
}
