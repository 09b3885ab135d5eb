//! Nav's drafts of referrals (amt's `KLADD`, `UTKAST_TIL_PAMELDING`, `AVBRUTT_UTKAST`): the
//! case officer saves a referral as a draft, goes through it with the person, then sends or
//! drops it. A draft is the office's own: only Nav case officers of the office see it (a
//! protected person's draft only its author), nothing that reads participants — the
//! provider's lists, figures, exports — sees it until it is sent.

use effekt_domain::dates::oslo_time;
use effekt_domain::referral_drafts::{self as rules, DraftState, DraftStep};
use effekt_domain::role::Role;
use effekt_domain::tasks::{Due, TaskKind};
use effekt_store::model::ParticipantScope;
use effekt_store::referral_drafts::{DraftSaved, DraftSent, NewReferralDraft, ReferralDraftRecord};
use serde::Serialize;

use super::ParticipantAccess;
use crate::audit::{self, Purpose};
use crate::views::TaskView;
use crate::{AppError, FieldError};

/// An open draft as the referral page lists it.
#[derive(Debug, Clone, Serialize)]
pub struct DraftView {
    pub id: i64,
    /// The person's name, or the mask for a protected person another officer drafted.
    pub name: String,
    pub masked: bool,
    pub target: String,
    pub state: &'static str,
    pub created_by: String,
    pub created_at: String,
    /// The newest step's number, sent back with a step so two at once cannot both win.
    pub seq: i32,
    /// Not masked: the officer may go through it, send it or drop it.
    pub may_act: bool,
    pub may_share: bool,
}

/// What became of a step on a draft.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DraftOutcome {
    Shared,
    Cancelled,
    Sent(effekt_domain::ids::ParticipantId),
}

impl ParticipantAccess {
    fn draft_office(&self) -> Result<effekt_domain::ids::NavOfficeId, AppError> {
        match self.scope {
            ParticipantScope::NavOffice(office)
                if self.viewer.user.role == Role::NavCaseOfficer =>
            {
                Ok(office)
            }
            _ => Err(AppError::Forbidden),
        }
    }

    /// Whether the viewer sees who a draft names: anybody of the office for a person without
    /// protection, only its author for a protected one (as the referral itself).
    fn sees(&self, d: &ReferralDraftRecord) -> bool {
        !d.protection.is_protected() || d.created_by == self.viewer.user.id
    }

    /// Saves the referral the form describes as a draft (Nav case officer); refusals as for
    /// a referral sent at once, plus an open draft of the office for the same person and
    /// contract.
    pub async fn save_referral_draft(
        &self,
        national_id: &str,
        target: &str,
    ) -> Result<Result<i64, FieldError>, AppError> {
        let (person, target, office) = match self.referable(national_id, target).await? {
            Ok(found) => found,
            Err(refused) => return Ok(Err(refused)),
        };
        let draft = NewReferralDraft {
            person,
            contract: target.contract,
            provider: target.provider,
            office,
        };
        let (by, at) = (self.viewer.user.id, self.app.now());
        match self.app.store.save_referral_draft(&draft, by, at).await? {
            DraftSaved::Saved(id) => {
                let op = audit::operation(
                    &self.app,
                    &self.viewer,
                    "referral.draft",
                    format!("referral-draft:{id}"),
                );
                self.app.store.append_operation(&op).await?;
                self.permit([person], Purpose::ReferralDraft).await?;
                Ok(Ok(id))
            }
            DraftSaved::InContract => Ok(Err(self.already_in_contract(person).await?)),
            DraftSaved::OpenDraft => Ok(Err(FieldError::new(
                "fodselsnummer",
                "Kontoret har allerede et åpent utkast for denne personen til denne kontrakten. \
                 Bruk det i listen over utkast.",
            ))),
        }
    }

    /// The office's open drafts (Nav case officer); each person shown is audited.
    pub async fn referral_drafts(&self) -> Result<Vec<DraftView>, AppError> {
        let office = self.draft_office()?;
        let drafts = self.app.store.open_referral_drafts(office).await?;
        let shown: Vec<_> = drafts
            .iter()
            .filter(|d| self.sees(d))
            .map(|d| d.person)
            .collect();
        self.permit(shown, Purpose::ReferralDraft).await?;
        Ok(drafts
            .iter()
            .map(|d| {
                let sees = self.sees(d);
                DraftView {
                    id: d.id,
                    name: if sees {
                        format!("{} {}", d.given_name, d.family_name)
                    } else {
                        d.protection
                            .mask_nb()
                            .unwrap_or("Skjermet person")
                            .to_owned()
                    },
                    masked: !sees,
                    target: format!("{} – {}", d.provider_name, d.contract_name),
                    state: d.state.label_nb(),
                    created_by: d.created_by_name.clone(),
                    created_at: oslo_time(d.created_at),
                    seq: d.seq,
                    may_act: sees,
                    may_share: sees && rules::step(d.state, DraftStep::Share).is_ok(),
                }
            })
            .collect())
    }

    /// Goes through, sends or drops a draft of the office. `seq` is the step the officer saw.
    pub async fn step_referral_draft(
        &self,
        id: i64,
        step: &str,
        seq: &str,
    ) -> Result<Result<DraftOutcome, FieldError>, AppError> {
        let office = self.draft_office()?;
        let Some(d) = self.app.store.referral_draft(id).await? else {
            return Err(AppError::NotFound);
        };
        if d.office != office {
            audit::deny_person(&self.app, &self.viewer, d.person, Purpose::ReferralDraft).await?;
            return Err(AppError::NotFound);
        }
        if !self.sees(&d) {
            audit::deny_person(&self.app, &self.viewer, d.person, Purpose::ReferralDraft).await?;
            return Err(AppError::Forbidden);
        }
        let refused = |words: &str| Ok(Err(FieldError::new("utkast", words.to_owned())));
        let Some(step) = DraftStep::from_code(step.trim()) else {
            return refused("Velg hva som skal gjøres med utkastet.");
        };
        let Ok(seen) = seq.trim().parse::<i32>() else {
            return refused("Utkastet ble endret av en annen. Se på det igjen.");
        };
        let to = match rules::step(d.state, step) {
            Ok(to) => to,
            Err(words) => return refused(words),
        };
        if seen != d.seq {
            return refused("Utkastet ble endret av en annen. Se på det igjen.");
        }
        let (by, at) = (self.viewer.user.id, self.app.now());
        let outcome = if to == DraftState::Sendt {
            let r = self.new_referral(d.person, d.contract, d.provider, d.office)?;
            match self
                .app
                .store
                .send_referral_draft(id, seen, &r, by, at)
                .await?
            {
                DraftSent::Sent(participant) => {
                    self.referred(&r).await?;
                    DraftOutcome::Sent(participant)
                }
                DraftSent::InContract => {
                    return Ok(Err(FieldError {
                        field: "utkast",
                        ..self.already_in_contract(d.person).await?
                    }))
                }
                DraftSent::Changed => {
                    return refused("Utkastet ble endret av en annen. Se på det igjen.")
                }
            }
        } else {
            if !self
                .app
                .store
                .step_referral_draft(id, seen, to, by, at)
                .await?
            {
                return refused("Utkastet ble endret av en annen. Se på det igjen.");
            }
            let op = audit::operation(
                &self.app,
                &self.viewer,
                if to == DraftState::AvbruttUtkast {
                    "referral.draft-cancel"
                } else {
                    "referral.draft-share"
                },
                format!("referral-draft:{id}"),
            );
            self.app.store.append_operation(&op).await?;
            self.permit([d.person], Purpose::ReferralDraft).await?;
            if to == DraftState::AvbruttUtkast {
                DraftOutcome::Cancelled
            } else {
                DraftOutcome::Shared
            }
        };
        Ok(Ok(outcome))
    }

    /// The viewer's own open drafts, to send or drop: tasks on the case officer's homes.
    pub(crate) async fn draft_tasks(&self) -> Result<Vec<(Option<Due>, TaskView)>, AppError> {
        let Ok(office) = self.draft_office() else {
            return Ok(Vec::new());
        };
        let kind = TaskKind::FinishReferralDraft;
        Ok(self
            .app
            .store
            .open_referral_drafts(office)
            .await?
            .into_iter()
            .filter(|d| d.created_by == self.viewer.user.id)
            .map(|d| {
                let task = TaskView {
                    kind: kind.code().to_owned(),
                    label: kind.label_nb().to_owned(),
                    contract: d.contract_name.clone(),
                    subject: format!("{}: {}", d.state.label_nb(), d.provider_name),
                    href: format!("/henvisninger/ny#utkast-{}", d.id),
                    due: None,
                    overdue: false,
                };
                (None, task)
            })
            .collect())
    }
}
