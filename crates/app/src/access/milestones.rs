//! A participant's milestones (delmål) on the participant page: the plan's catalogue with due
//! dates and where each stands, and recording, verifying and retracting a milestone. Each
//! change is a provider evidence row (issue 11), so a milestone verified here is priced by the
//! next statement exactly as an imported one would be.
//!
//! Who: provider staff and admins of the participant's provider record and retract; a
//! second person verifies, in a role the milestone allows (`effekt_domain::milestones`),
//! which for some milestones includes the Nav case officer of the participant's office.
//! Nobody acts on, or sees the milestones of, a person masked for them.

use chrono::NaiveDate;
use effekt_domain::ids::ParticipantId;
use effekt_domain::milestones::{self as rules, MilestoneError, MilestoneState};
use effekt_domain::outcomes::timeline::{Cefr, Skill};
use effekt_domain::outcomes::{assessed_language_identifier, assessed_language_skill};
use effekt_store::model::{EvidenceRecord, ParticipantDetail};
use effekt_store::workspace::StoredMilestone;
use rand::RngCore;
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use serde::Serialize;

use super::participants::unmasked;
use super::ParticipantAccess;
use crate::audit::{self, Purpose};
use crate::{AppError, FieldError};

/// The plan's milestones as this viewer sees them.
#[derive(Debug, Clone, Serialize)]
pub struct MilestonesView {
    /// Every milestone of the catalogue: due date and where it stands for this participant.
    pub plan: Vec<PlannedMilestone>,
    /// Every record, newest state, in the order reached.
    pub records: Vec<MilestoneRecordView>,
    /// Whether this viewer may record a milestone (provider staff, participant started).
    pub may_record: bool,
    pub started: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct PlannedMilestone {
    pub id: &'static str,
    pub label: &'static str,
    pub evidence: &'static str,
    pub verifiers: String,
    pub due: Option<NaiveDate>,
    /// "verified", "recorded", "overdue" or "open".
    pub state: &'static str,
    pub state_label: &'static str,
}

#[derive(Debug, Clone, Serialize)]
pub struct MilestoneRecordView {
    pub record_id: String,
    pub label: String,
    pub achieved_on: NaiveDate,
    pub recorded_by: String,
    pub verified_by: Option<String>,
    pub verified_on: Option<NaiveDate>,
    pub state: &'static str,
    pub state_label: &'static str,
    pub may_verify: bool,
    pub may_retract: bool,
    /// Why this viewer may not verify a waiting record (their own, or not their role).
    pub verify_blocked: Option<String>,
}

/// What a milestone form asks for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MilestoneInput {
    pub milestone: String,
    pub achieved_on: String,
}

/// Who an account is in a record: name and username, so that two people of the same name are
/// still two people and the record says who they were.
fn actor_name(display_name: &str, username: &str) -> String {
    format!("{display_name} ({username})")
}

fn label_of(identifier: &str, score: Option<Decimal>) -> String {
    if let Some(skill) = assessed_language_skill(identifier) {
        let level = score
            .and_then(|s| s.to_i64())
            .and_then(Cefr::from_step)
            .map_or("?", Cefr::code);
        return format!("Vurdert språknivå, {}: {level}", skill_nb(skill));
    }
    rules::find(identifier).map_or_else(|| identifier.to_owned(), |m| m.label_nb.to_owned())
}

/// A CEFR skill as the page names it.
pub fn skill_nb(skill: Skill) -> &'static str {
    match skill {
        Skill::Listening => "lytte",
        Skill::Reading => "lese",
        Skill::Writing => "skrive",
        Skill::Speaking => "muntlig",
    }
}

impl ParticipantAccess {
    fn me(&self) -> String {
        actor_name(&self.viewer.user.display_name, &self.viewer.user.username)
    }

    /// The participant, when in the viewer's scope and unmasked for them; anything else is
    /// refused and audited as denied.
    pub(super) async fn unmasked_in_scope(
        &self,
        id: ParticipantId,
        purpose: Purpose,
    ) -> Result<std::sync::Arc<ParticipantDetail>, AppError> {
        match self.in_scope(id).await? {
            // A teacher who only teaches the participant's group reads and writes the plan
            // (and, elsewhere, attendance) and nothing else of the record.
            Some(d)
                if unmasked(d.protection, d.viewer_assigned)
                    && (purpose == Purpose::ParticipantPlan
                        || super::team::sees_whole_record(&self.viewer.user, &d)) =>
            {
                Ok(d)
            }
            Some(_) => {
                audit::deny(&self.app, &self.viewer, id, purpose).await?;
                Err(AppError::Forbidden)
            }
            None => {
                audit::deny(&self.app, &self.viewer, id, purpose).await?;
                Err(AppError::NotFound)
            }
        }
    }

    /// The participant's milestones, for a participant the viewer sees unmasked; audited.
    pub async fn milestones(&self, id: ParticipantId) -> Result<MilestonesView, AppError> {
        let d = self
            .unmasked_in_scope(id, Purpose::ParticipantEvidence)
            .await?;
        let stored = self.app.store.milestones(id).await?;
        self.permit([d.person], Purpose::ParticipantEvidence)
            .await?;
        let start = d.statuses.index_date();
        let today = self.app.today();
        let me = self.me();
        let role = self.viewer.user.role;
        let plan = rules::CATALOGUE
            .iter()
            .map(|m| {
                let due = start.map(|s| s + chrono::Days::new(u64::from(m.due_days)));
                let states: Vec<MilestoneState> = stored
                    .iter()
                    .filter(|r| r.identifier == m.id)
                    .map(state_of)
                    .collect();
                let (state, state_label) = if states.contains(&MilestoneState::Verified) {
                    ("verified", "Verifisert")
                } else if states.contains(&MilestoneState::Recorded) {
                    ("recorded", "Venter på verifisering")
                } else if due.is_some_and(|d| d < today) {
                    ("overdue", "Forfalt")
                } else {
                    ("open", "Ikke nådd")
                };
                PlannedMilestone {
                    id: m.id,
                    label: m.label_nb,
                    evidence: m.evidence_nb,
                    verifiers: rules::verifiers_nb(m),
                    due,
                    state,
                    state_label,
                }
            })
            .collect();
        let records = stored
            .iter()
            .map(|r| {
                let state = state_of(r);
                let blocked = rules::find(&r.identifier).map_or_else(
                    || Err(MilestoneError::Unknown),
                    |def| rules::check_verify(def, state, &r.recorded_by, &me, role),
                );
                MilestoneRecordView {
                    record_id: r.record_id.clone(),
                    label: label_of(&r.identifier, r.score),
                    achieved_on: r.achieved_on,
                    recorded_by: r.recorded_by.clone(),
                    verified_by: r.verified.as_ref().map(|(who, _)| who.clone()),
                    verified_on: r.verified.as_ref().map(|(_, on)| *on),
                    state: state.code(),
                    state_label: state.label_nb(),
                    may_verify: blocked.is_ok(),
                    may_retract: role.is_provider() && rules::check_retract(state).is_ok(),
                    verify_blocked: match (state, blocked) {
                        (MilestoneState::Recorded, Err(e)) => Some(e.to_string()),
                        _ => None,
                    },
                }
            })
            .collect();
        Ok(MilestonesView {
            plan,
            records,
            may_record: role.is_provider() && start.is_some(),
            started: start.is_some(),
        })
    }

    /// Records a milestone reached (provider staff). Refusals name the field at fault and
    /// store nothing.
    pub async fn record_milestone(
        &self,
        id: ParticipantId,
        input: &MilestoneInput,
    ) -> Result<Result<(), FieldError>, AppError> {
        if !self.viewer.user.role.is_provider() {
            audit::deny(&self.app, &self.viewer, id, Purpose::ParticipantEvidence).await?;
            return Err(AppError::Forbidden);
        }
        let d = self
            .unmasked_in_scope(id, Purpose::ParticipantEvidence)
            .await?;
        // Only the plan's catalogue here; assessed language levels have their own form.
        if !rules::CATALOGUE.iter().any(|m| m.id == input.milestone) {
            return Ok(Err(FieldError::new(
                "delmal",
                MilestoneError::Unknown.to_string(),
            )));
        }
        let achieved_on = match effekt_domain::dates::parse_civil_date(&input.achieved_on) {
            Ok(date) => date,
            Err(e) => return Ok(Err(FieldError::new("nadd_dato", e.message_nb()))),
        };
        let field = |e: MilestoneError| match e {
            MilestoneError::Unknown => FieldError::new("delmal", e.to_string()),
            other => FieldError::new("nadd_dato", other.to_string()),
        };
        let def = match rules::check_record(
            &input.milestone,
            achieved_on,
            d.statuses.index_date(),
            self.app.today(),
        ) {
            Ok(def) => def,
            Err(e) => return Ok(Err(field(e))),
        };
        let record = EvidenceRecord {
            participant: id,
            record_id: new_record_id(),
            identifier: def.id.to_owned(),
            achieved_on,
            score: None,
            recorded_by: self.me(),
            verified: None,
            retracted: false,
        };
        self.write(&d, &record, None, "milestone.record").await?;
        Ok(Ok(()))
    }

    /// Records a provider-assessed language level (provider staff): its own evidence kind
    /// (`cefr-vurdert-<skill>`, the CEFR step as the score), verified by a colleague like a
    /// milestone; a contract outcome of kind `language_level_assessed` counts it, and one of
    /// kind `language_level_reached` (the register's tests) does not.
    pub async fn record_language_level(
        &self,
        id: ParticipantId,
        skill: &str,
        level: &str,
        assessed_on: &str,
    ) -> Result<Result<(), FieldError>, AppError> {
        if !self.viewer.user.role.is_provider() {
            audit::deny(&self.app, &self.viewer, id, Purpose::ParticipantEvidence).await?;
            return Err(AppError::Forbidden);
        }
        let d = self
            .unmasked_in_scope(id, Purpose::ParticipantEvidence)
            .await?;
        let Some(skill) = Skill::from_code(skill.trim()) else {
            return Ok(Err(FieldError::new("ferdighet", "Velg en ferdighet.")));
        };
        let Some(level) = Cefr::from_code(level.trim()) else {
            return Ok(Err(FieldError::new("niva", "Velg et nivå.")));
        };
        let on = match effekt_domain::dates::parse_civil_date(assessed_on) {
            Ok(date) => date,
            Err(e) => return Ok(Err(FieldError::new("vurdert_dato", e.message_nb()))),
        };
        let identifier = assessed_language_identifier(skill);
        if let Err(e) =
            rules::check_record(&identifier, on, d.statuses.index_date(), self.app.today())
        {
            return Ok(Err(FieldError::new("vurdert_dato", e.to_string())));
        }
        let record = EvidenceRecord {
            participant: id,
            record_id: new_record_id(),
            identifier,
            achieved_on: on,
            score: Some(Decimal::from(level.step())),
            recorded_by: self.me(),
            verified: None,
            retracted: false,
        };
        self.write(&d, &record, None, "language-level.record")
            .await?;
        Ok(Ok(()))
    }

    /// Verifies a waiting milestone record: somebody other than its recorder, in a role the
    /// milestone allows. Returns the refusal's words when the rules say no.
    pub async fn verify_milestone(
        &self,
        id: ParticipantId,
        record_id: &str,
    ) -> Result<Result<(), String>, AppError> {
        let (d, current) = self.record_of(id, record_id).await?;
        let Some(def) = rules::find(&current.identifier) else {
            return Ok(Err(MilestoneError::Unknown.to_string()));
        };
        let me = self.me();
        if let Err(e) = rules::check_verify(
            def,
            state_of(&current),
            &current.recorded_by,
            &me,
            self.viewer.user.role,
        ) {
            return Ok(Err(e.to_string()));
        }
        let record = EvidenceRecord {
            verified: Some((me, self.app.today())),
            ..from_stored(id, &current)
        };
        Ok(self
            .write(&d, &record, Some(current.row), "milestone.verify")
            .await?
            .then_some(())
            .ok_or_else(changed_meanwhile))
    }

    /// Retracts a milestone record (provider staff); a payment already made for it is reversed
    /// by the next open statement.
    pub async fn retract_milestone(
        &self,
        id: ParticipantId,
        record_id: &str,
    ) -> Result<Result<(), String>, AppError> {
        if !self.viewer.user.role.is_provider() {
            audit::deny(&self.app, &self.viewer, id, Purpose::ParticipantEvidence).await?;
            return Err(AppError::Forbidden);
        }
        let (d, current) = self.record_of(id, record_id).await?;
        if let Err(e) = rules::check_retract(state_of(&current)) {
            return Ok(Err(e.to_string()));
        }
        let record = EvidenceRecord {
            retracted: true,
            ..from_stored(id, &current)
        };
        Ok(self
            .write(&d, &record, Some(current.row), "milestone.retract")
            .await?
            .then_some(())
            .ok_or_else(changed_meanwhile))
    }

    /// The participant and one of their milestone records, or not found.
    async fn record_of(
        &self,
        id: ParticipantId,
        record_id: &str,
    ) -> Result<(std::sync::Arc<ParticipantDetail>, StoredMilestone), AppError> {
        let d = self
            .unmasked_in_scope(id, Purpose::ParticipantEvidence)
            .await?;
        let current = self
            .app
            .store
            .milestones(id)
            .await?
            .into_iter()
            .find(|r| r.record_id == record_id)
            .ok_or(AppError::NotFound)?;
        Ok((d, current))
    }

    /// Writes one row of a record, the person's record audited first and the operation logged
    /// once it is written; false when the record changed since it was read.
    async fn write(
        &self,
        d: &ParticipantDetail,
        record: &EvidenceRecord,
        after: Option<i64>,
        action: &str,
    ) -> Result<bool, AppError> {
        self.permit([d.person], Purpose::ParticipantEvidence)
            .await?;
        let written = self
            .app
            .store
            .append_milestone(record, after, self.viewer.user.id, self.app.now())
            .await?;
        if written {
            let subject = format!(
                "participant:{}:record:{}:{}",
                d.id.0, record.record_id, record.identifier
            );
            let op = audit::operation(&self.app, &self.viewer, action, subject);
            self.app.store.append_operation(&op).await?;
        }
        Ok(written)
    }
}

fn state_of(r: &StoredMilestone) -> MilestoneState {
    MilestoneState::of(r.verified.is_some(), r.retracted)
}

fn from_stored(participant: ParticipantId, r: &StoredMilestone) -> EvidenceRecord {
    EvidenceRecord {
        participant,
        record_id: r.record_id.clone(),
        identifier: r.identifier.clone(),
        achieved_on: r.achieved_on,
        score: r.score,
        recorded_by: r.recorded_by.clone(),
        verified: r.verified.clone(),
        retracted: r.retracted,
    }
}

fn changed_meanwhile() -> String {
    "Delmålet ble endret av en annen i mellomtiden. Se over og prøv igjen.".to_owned()
}

/// A record id of the workspace: "D-" and 12 random hex digits, so that two people recording
/// at the same moment never write to one record (a provider file's ids are its own).
fn new_record_id() -> String {
    let mut bytes = [0u8; 6];
    rand::rng().fill_bytes(&mut bytes);
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!("D-{hex}")
}
