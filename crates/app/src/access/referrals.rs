//! Referrals (henvisninger): a Nav case officer refers a person, by national id, to a provider
//! of a contract the office serves; the provider accepts, wait-lists or declines with a reason.
//! The referral is the participation's first status, so the participant page, the lists, the
//! start and the proposals all follow from it. The person arrives with the protection the
//! population register gives them: a protected person is masked for the provider until staff
//! are assigned. The referring officer is assigned to the person.

use chrono::NaiveDate;
use effekt_domain::dates::{date_nb, oslo_time};
use effekt_domain::ids::{ContractId, NavOfficeId, ParticipantId, PersonKey, ProviderId};
use effekt_domain::national_id::{NationalId, NationalIdRefusal};
use effekt_domain::participant::EndReason;
use effekt_domain::proposals;
use effekt_domain::referrals::{self as rules, ReferralAnswer};
use effekt_domain::role::Role;
use effekt_domain::tasks::{Due, TaskKind};
use effekt_store::model::ParticipantScope;
use effekt_store::workspace::{NewReferral, ReferralTarget};
use serde::Serialize;

use super::ParticipantAccess;
use crate::audit::{self, Purpose};
use crate::views::TaskView;
use crate::{AppError, FieldError};

/// A provider of a contract to refer to, as the form offers it ("contract:provider").
#[derive(Debug, Clone, Serialize)]
pub struct ReferralChoice {
    pub value: String,
    pub label: String,
}

/// The referral on a participant page.
#[derive(Debug, Clone, Serialize)]
pub struct ReferralView {
    pub referred_by: String,
    pub referred_at: String,
    pub answer_due: NaiveDate,
    /// The provider still has to answer.
    pub waiting: bool,
    pub overdue: bool,
    /// Provider staff, while it waits: accept, wait-list, decline.
    pub may_answer: bool,
    pub may_wait_list: bool,
}

/// One answer for a number nobody in the register holds and for a person already in the
/// contract, so the form cannot be used to learn who takes part.
pub(super) fn not_referable() -> FieldError {
    FieldError::new(
        "fodselsnummer",
        "Kan ikke henvises: nummeret finnes ikke i folkeregisteruttrekket, eller personen er \
         allerede henvist til eller deltar i kontrakten. Sjekk nummeret.",
    )
}

fn choice(t: &ReferralTarget) -> ReferralChoice {
    ReferralChoice {
        value: format!("{}:{}", t.contract.0, t.provider.0),
        label: format!("{} – {}", t.provider_name, t.contract_name),
    }
}

impl ParticipantAccess {
    /// Whether this viewer refers people: Nav's case officer.
    pub fn may_refer(&self) -> bool {
        self.viewer.user.role == Role::NavCaseOfficer
            && matches!(self.scope, ParticipantScope::NavOffice(_))
    }

    /// Where this viewer may refer to: Nav's case officer, the contracts of the office.
    pub async fn referral_choices(&self) -> Result<Vec<ReferralChoice>, AppError> {
        let ParticipantScope::NavOffice(office) = self.scope else {
            return Err(AppError::Forbidden);
        };
        if self.viewer.user.role != Role::NavCaseOfficer {
            return Err(AppError::Forbidden);
        }
        let targets = self.app.store.referral_targets(office).await?;
        Ok(targets.iter().map(choice).collect())
    }

    /// The person the form's number names and the place chosen, once both are right; a
    /// refusal names the field. The Nav case officer's office comes with it.
    pub(super) async fn referable(
        &self,
        national_id: &str,
        target: &str,
    ) -> Result<Result<(PersonKey, ReferralTarget, NavOfficeId), FieldError>, AppError> {
        let ParticipantScope::NavOffice(office) = self.scope else {
            return Err(AppError::Forbidden);
        };
        if self.viewer.user.role != Role::NavCaseOfficer {
            return Err(AppError::Forbidden);
        }
        // As the pages show numbers ("139272 48187"), so people type them.
        let typed: String = national_id.chars().filter(|c| !c.is_whitespace()).collect();
        let id = match NationalId::parse(&typed) {
            Ok(id) => id,
            Err(invalid) => {
                let mut words: Vec<&str> = invalid.0.iter().map(|d| d.message_nb()).collect();
                words.dedup();
                return Ok(Err(FieldError::new("fodselsnummer", words.join(" "))));
            }
        };
        if let Err(refusal) = id.accept_in(self.app.mode()) {
            let words = match refusal {
                NationalIdRefusal::SyntheticInProduction(_) => {
                    "Syntetiske testnumre kan ikke brukes her."
                }
                NationalIdRefusal::HelpNumberInProduction(_) => {
                    "Et H-nummer kan ikke brukes som en persons ident."
                }
            };
            return Ok(Err(FieldError::new("fodselsnummer", words)));
        }
        let targets = self.app.store.referral_targets(office).await?;
        let Some(target) = targets
            .into_iter()
            .find(|t| choice(t).value == target.trim())
        else {
            return Ok(Err(FieldError::new(
                "tiltak",
                "Velg en leverandør og kontrakt fra listen.",
            )));
        };
        let Some(person) = self.app.store.person_holding(&id).await? else {
            return Ok(Err(not_referable()));
        };
        Ok(Ok((person, target, office)))
    }

    /// The referral of `person` to `target`, sent today.
    pub(super) fn new_referral(
        &self,
        person: PersonKey,
        contract: ContractId,
        provider: ProviderId,
        office: NavOfficeId,
    ) -> Result<NewReferral, AppError> {
        let today = self.app.today();
        let participation =
            rules::sent(today).map_err(|e| AppError::internal("a new referral's status", e))?;
        Ok(NewReferral {
            person,
            contract,
            provider,
            office,
            participation,
            answer_due: rules::answer_due(today),
        })
    }

    /// Logs a referral the store has written and the officer's sight of the person.
    pub(super) async fn referred(&self, r: &NewReferral) -> Result<(), AppError> {
        let op = audit::operation(
            &self.app,
            &self.viewer,
            "referral.send",
            format!("contract:{}:provider:{}", r.contract.0, r.provider.0),
        );
        self.app.store.append_operation(&op).await?;
        self.permit([r.person], Purpose::ParticipantView).await
    }

    /// Refers the person holding `national_id` to the chosen provider and contract (Nav case
    /// officer). Refusals name the field; nothing is stored unless all is right.
    pub async fn refer(
        &self,
        national_id: &str,
        target: &str,
    ) -> Result<Result<ParticipantId, FieldError>, AppError> {
        let (person, target, office) = match self.referable(national_id, target).await? {
            Ok(found) => found,
            Err(refused) => return Ok(Err(refused)),
        };
        let referral = self.new_referral(person, target.contract, target.provider, office)?;
        let (by, at) = (self.viewer.user.id, self.app.now());
        let Some(participant) = self.app.store.refer(&referral, by, at).await? else {
            return Ok(Err(self.already_in_contract(person).await?));
        };
        self.referred(&referral).await?;
        Ok(Ok(participant))
    }

    /// The person is in the contract already, perhaps followed by another office or
    /// protected: the officer is told no more than for a number nobody holds, and the
    /// attempt is on the person's access log as refused.
    pub(super) async fn already_in_contract(
        &self,
        person: PersonKey,
    ) -> Result<FieldError, AppError> {
        audit::deny_person(&self.app, &self.viewer, person, Purpose::ParticipantView).await?;
        Ok(not_referable())
    }

    /// The referral behind a participant, for a participant the viewer sees unmasked.
    pub async fn referral(&self, id: ParticipantId) -> Result<Option<ReferralView>, AppError> {
        let d = self.unmasked_in_scope(id, Purpose::ParticipantView).await?;
        let Some(r) = self.app.store.referral(id).await? else {
            return Ok(None);
        };
        let now = d.statuses.current().status;
        let waiting = rules::waits_for_answer(now);
        let provider = self.viewer.user.role.is_provider();
        Ok(Some(ReferralView {
            referred_by: r.referred_by,
            referred_at: oslo_time(r.referred_at),
            answer_due: r.answer_due,
            waiting,
            overdue: waiting && self.app.today() > r.answer_due,
            may_answer: waiting && provider,
            may_wait_list: provider
                && matches!(
                    now,
                    effekt_domain::participant::ParticipantStatus::SoktInn
                        | effekt_domain::participant::ParticipantStatus::Vurderes
                ),
        }))
    }

    /// The provider's answer to a referral: `accept`, `wait-list`, or `decline` with a reason.
    pub async fn answer_referral(
        &self,
        id: ParticipantId,
        answer: &str,
        reason: &str,
        description: &str,
    ) -> Result<Result<(), FieldError>, AppError> {
        if !self.viewer.user.role.is_provider() {
            audit::deny(&self.app, &self.viewer, id, Purpose::ParticipantView).await?;
            return Err(AppError::Forbidden);
        }
        let d = self.unmasked_in_scope(id, Purpose::ParticipantView).await?;
        let answer = match answer {
            "accept" => ReferralAnswer::Accept,
            "wait-list" => ReferralAnswer::WaitList,
            "decline" => match proposals::ended(EndReason::from_code(reason.trim()), description) {
                Ok(ended) => ReferralAnswer::Decline(ended),
                Err(e) => {
                    let field = if e.field() == "arsak" {
                        "avslag_arsak"
                    } else {
                        "avslag_beskrivelse"
                    };
                    return Ok(Err(FieldError::new(field, e.to_string())));
                }
            },
            _ => return Ok(Err(FieldError::new("svar", "Velg et svar."))),
        };
        let current = self
            .app
            .store
            .participation(id)
            .await?
            .ok_or(AppError::NotFound)?;
        let new = match rules::answer(&current, &answer, self.app.today()) {
            Ok(new) => new,
            Err(e) => return Ok(Err(FieldError::new("svar", e.to_string()))),
        };
        self.permit([d.person], Purpose::ParticipantView).await?;
        let (by, at) = (self.viewer.user.id, self.app.now());
        if self
            .app
            .store
            .change_participation(id, &current, &new, by, at)
            .await?
        {
            let subject = format!("participant:{}:{}", id.0, answer.code());
            let op = audit::operation(&self.app, &self.viewer, "referral.answer", subject);
            self.app.store.append_operation(&op).await?;
            if answer == ReferralAnswer::Accept {
                self.take_on(&d).await?;
            }
            Ok(Ok(()))
        } else {
            Ok(Err(FieldError::new(
                "svar",
                "Henvisningen ble besvart av en annen i mellomtiden.",
            )))
        }
    }

    /// Referrals waiting for this provider's answer, due the agreed number of days after
    /// they were sent.
    pub(crate) async fn referral_tasks(&self) -> Result<Vec<(Option<Due>, TaskView)>, AppError> {
        // A teacher answers no referrals: her scope is the groups she teaches.
        if !self.viewer.user.role.is_provider()
            || matches!(self.scope, ParticipantScope::Teacher { .. })
        {
            return Ok(Vec::new());
        }
        let today = self.app.today();
        let kind = TaskKind::AnswerReferral;
        Ok(self
            .app
            .store
            .waiting_referrals(self.scope)
            .await?
            .into_iter()
            .map(|r| {
                let due = Due {
                    by: r.answer_due,
                    overdue: today > r.answer_due,
                };
                let task = TaskView {
                    kind: kind.code().to_owned(),
                    label: kind.label_nb().to_owned(),
                    contract: r.contract,
                    subject: format!("Status: {}", r.status.label_nb()),
                    href: format!("/deltakere/{}#henvisning", r.participant.0),
                    due: Some(date_nb(due.by)),
                    overdue: due.overdue,
                };
                (Some(due), task)
            })
            .collect())
    }
}
