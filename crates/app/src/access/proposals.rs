//! Proposals (forslag) on the participant page, and the provider's start of a participant:
//! provider staff propose, Nav's case officer of the participant's office approves or rejects,
//! the provider withdraws or marks Nav's answer read. The rules are
//! `effekt_domain::proposals`; an approval writes the change in the same transaction as the
//! answer, against the participation the rules checked. Waiting proposals and unread answers
//! are tasks on the homes (`Viewer::waiting`), not an inbox of their own.

use chrono::NaiveDate;
use effekt_domain::dates::{date_nb, oslo_time, parse_civil_date};
use effekt_domain::ids::ParticipantId;
use effekt_domain::participant::{EndReason, ParticipantStatus};
use effekt_domain::proposals::{
    self as rules, Amount, Change, ProposalError, ProposalKind, ProposalStatus,
};
use effekt_domain::role::Role;
use effekt_domain::tasks::TaskKind;
use effekt_store::model::{ParticipantDetail, ParticipantScope};
use effekt_store::workspace::{NewProposal, ProposalAnswer, ProposalRecord};
use serde::Serialize;

use super::ParticipantAccess;
use crate::audit::{self, Purpose};
use crate::views::TaskView;
use crate::{AppError, FieldError};

/// The proposals section of a participant page.
#[derive(Debug, Clone, Serialize)]
pub struct ProposalsView {
    pub items: Vec<ProposalView>,
    /// Provider staff, for a participant they see.
    pub may_propose: bool,
    /// Provider staff, for a participant waiting to start.
    pub may_start: bool,
    pub planned_end: Option<NaiveDate>,
    /// The participation amount in force, in words.
    pub amount: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ProposalView {
    pub id: i64,
    pub kind: &'static str,
    pub kind_label: &'static str,
    pub words: String,
    pub justification: Option<String>,
    pub proposed_by: String,
    /// dd.mm.åååå tt:mm, Oslo time.
    pub proposed_at: String,
    pub status: &'static str,
    pub status_label: &'static str,
    pub answer_reason: Option<String>,
    pub answered: Option<String>,
    /// Nav's case officer: approve or reject.
    pub may_answer: bool,
    /// The provider: withdraw a waiting proposal.
    pub may_withdraw: bool,
    /// The provider: an answer from Nav not yet read.
    pub unread: bool,
}

/// The proposal form as sent; every field a text, parsed here.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProposalInput {
    pub kind: String,
    pub date: String,
    pub reason: String,
    pub description: String,
    pub percent: String,
    pub days: String,
    pub justification: String,
}

const MAX_JUSTIFICATION: usize = 200;

fn refused(e: &ProposalError) -> FieldError {
    FieldError::new(e.field(), e.to_string())
}

impl ProposalInput {
    /// The change the form asks for, or the field at fault.
    pub fn parse(&self) -> Result<(Change, Option<String>), FieldError> {
        let kind = ProposalKind::from_code(self.kind.trim())
            .ok_or_else(|| FieldError::new("endring", "Velg hva forslaget gjelder."))?;
        let date =
            || parse_civil_date(&self.date).map_err(|e| FieldError::new("dato", e.message_nb()));
        let ended = || {
            let reason = EndReason::from_code(self.reason.trim());
            rules::ended(reason, &self.description).map_err(|e| refused(&e))
        };
        let change = match kind {
            ProposalKind::Extend => Change::Extend { end: date()? },
            ProposalKind::EndDate => Change::EndDate { end: date()? },
            ProposalKind::End => Change::End {
                end: date()?,
                ended: ended()?,
            },
            ProposalKind::NotRelevant => Change::NotRelevant { ended: ended()? },
            ProposalKind::EndReason => Change::EndReason { ended: ended()? },
            ProposalKind::StartDate => Change::StartDate { start: date()? },
            ProposalKind::RemoveStart => Change::RemoveStart,
            ProposalKind::Amount => {
                let percent = self
                    .percent
                    .trim()
                    .parse::<u8>()
                    .map_err(|_| refused(&ProposalError::Percent))?;
                let days = match self.days.trim() {
                    "" => None,
                    d => Some(d.parse::<u8>().map_err(|_| refused(&ProposalError::Days))?),
                };
                Change::Amount(Amount {
                    percent,
                    days_per_week: days,
                    valid_from: date()?,
                })
            }
        };
        let text = self.justification.trim();
        if text.chars().count() > MAX_JUSTIFICATION {
            return Err(FieldError::new(
                "begrunnelse",
                "Begrunnelsen kan ikke være lengre enn 200 tegn.",
            ));
        }
        Ok((change, (!text.is_empty()).then(|| text.to_owned())))
    }
}

fn view(p: &ProposalRecord, role: Role) -> ProposalView {
    let waiting = p.status == ProposalStatus::Waiting;
    let from_nav = matches!(
        p.status,
        ProposalStatus::Approved | ProposalStatus::Rejected
    );
    ProposalView {
        id: p.id,
        kind: p.change.kind().code(),
        kind_label: p.change.kind().label_nb(),
        words: p.change.words_nb(),
        justification: p.justification.clone(),
        proposed_by: p.proposed_by.clone(),
        proposed_at: oslo_time(p.proposed_at),
        status: p.status.code(),
        status_label: p.status.label_nb(),
        answer_reason: p.answer_reason.clone(),
        answered: match (&p.answered_by, p.answered_at) {
            (Some(who), Some(at)) => Some(format!("{who}, {}", oslo_time(at))),
            _ => None,
        },
        may_answer: waiting && role == Role::NavCaseOfficer,
        may_withdraw: waiting && role.is_provider(),
        unread: from_nav && !p.read && role.is_provider(),
    }
}

impl ParticipantAccess {
    /// The proposals about a participant the viewer sees unmasked; audited.
    pub async fn proposals(&self, id: ParticipantId) -> Result<ProposalsView, AppError> {
        let d = self.unmasked_in_scope(id, Purpose::ParticipantView).await?;
        let stored = self.app.store.proposals(id).await?;
        let participation = self.app.store.participation(id).await?;
        let role = self.viewer.user.role;
        let amount = participation.as_ref().and_then(|p| p.amount).map(|a| {
            Change::Amount(a)
                .words_nb()
                .replacen(" fra ", ", gjelder fra ", 1)
        });
        Ok(ProposalsView {
            items: stored.iter().map(|p| view(p, role)).collect(),
            may_propose: role.is_provider(),
            may_start: role.is_provider()
                && d.statuses.current().status == ParticipantStatus::VenterPaOppstart,
            planned_end: participation.and_then(|p| p.planned_end),
            amount,
        })
    }

    /// Only provider staff of the participant's provider, for a person they see.
    async fn as_provider(
        &self,
        id: ParticipantId,
    ) -> Result<std::sync::Arc<ParticipantDetail>, AppError> {
        if !self.viewer.user.role.is_provider() {
            audit::deny(&self.app, &self.viewer, id, Purpose::ParticipantView).await?;
            return Err(AppError::Forbidden);
        }
        self.unmasked_in_scope(id, Purpose::ParticipantView).await
    }

    /// Sends a proposal to Nav (provider staff). It is refused at once, beside its field, when
    /// Nav could not approve it as the participation stands.
    pub async fn propose(
        &self,
        id: ParticipantId,
        input: &ProposalInput,
    ) -> Result<Result<i64, FieldError>, AppError> {
        let d = self.as_provider(id).await?;
        let (change, justification) = match input.parse() {
            Ok(parsed) => parsed,
            Err(e) => return Ok(Err(e)),
        };
        let current = self
            .app
            .store
            .participation(id)
            .await?
            .ok_or(AppError::NotFound)?;
        if let Err(e) = rules::apply(&change, &current, self.app.today()) {
            return Ok(Err(refused(&e)));
        }
        self.audit_person(&d).await?;
        let kind = change.kind().code();
        let proposal = NewProposal {
            participant: id,
            change,
            justification,
        };
        let by = self.viewer.user.id;
        let written = self
            .app
            .store
            .propose(&proposal, by, self.app.now())
            .await?;
        self.log_change(&d, "participation.propose", kind).await?;
        Ok(Ok(written))
    }

    /// Starts a participant who waits for it (provider staff): DELTAR from `date`, the index
    /// date outcomes and payments count from; Nav sees it at once.
    pub async fn start(
        &self,
        id: ParticipantId,
        date: &str,
    ) -> Result<Result<(), FieldError>, AppError> {
        let d = self.as_provider(id).await?;
        let on = match parse_civil_date(date) {
            Ok(on) => on,
            Err(e) => return Ok(Err(FieldError::new("startdato", e.message_nb()))),
        };
        let current = self
            .app
            .store
            .participation(id)
            .await?
            .ok_or(AppError::NotFound)?;
        let new = match rules::start(&current, on, self.app.today()) {
            Ok(new) => new,
            Err(e) => {
                let field = if e.field() == "dato" {
                    "startdato"
                } else {
                    e.field()
                };
                return Ok(Err(FieldError::new(field, e.to_string())));
            }
        };
        self.audit_person(&d).await?;
        let (by, at) = (self.viewer.user.id, self.app.now());
        if self
            .app
            .store
            .change_participation(id, &current, &new, by, at)
            .await?
        {
            self.log_change(&d, "participation.start", &date_nb(on))
                .await?;
            Ok(Ok(()))
        } else {
            Ok(Err(FieldError::new("startdato", changed_meanwhile())))
        }
    }

    /// Answers a waiting proposal: Nav approves or rejects (with a reason), the provider
    /// withdraws. An approval applies the change to the participation as it stands now.
    pub async fn answer_proposal(
        &self,
        id: ParticipantId,
        proposal: i64,
        answer: ProposalStatus,
        reason: &str,
    ) -> Result<Result<(), FieldError>, AppError> {
        let d = self.unmasked_in_scope(id, Purpose::ParticipantView).await?;
        let found = self
            .app
            .store
            .proposals(id)
            .await?
            .into_iter()
            .find(|p| p.id == proposal)
            .ok_or(AppError::NotFound)?;
        let role = self.viewer.user.role;
        let reason = reason.trim();
        let given = (answer == ProposalStatus::Rejected).then_some(reason);
        if let Err(e) = rules::check_answer(found.status, answer, role, given) {
            if matches!(e, ProposalError::Role(_)) {
                audit::deny(&self.app, &self.viewer, id, Purpose::ParticipantView).await?;
                return Err(AppError::Forbidden);
            }
            return Ok(Err(refused(&e)));
        }
        let current = self
            .app
            .store
            .participation(id)
            .await?
            .ok_or(AppError::NotFound)?;
        let new = if answer == ProposalStatus::Approved {
            match rules::apply(&found.change, &current, self.app.today()) {
                Ok(new) => Some(new),
                Err(e) => {
                    let why = format!("Forslaget kan ikke godkjennes nå: {e}");
                    return Ok(Err(FieldError::new("endring", why)));
                }
            }
        } else {
            None
        };
        let action = format!("{}:{}", proposal, answer.code());
        self.audit_person(&d).await?;
        let answer = ProposalAnswer {
            proposal,
            participant: id,
            status: answer,
            reason: given,
            apply: new.as_ref().map(|n| (&current, n)),
        };
        let (by, at) = (self.viewer.user.id, self.app.now());
        if self.app.store.answer_proposal(&answer, by, at).await? {
            self.log_change(&d, "participation.answer", &action).await?;
            Ok(Ok(()))
        } else {
            Ok(Err(FieldError::new("endring", changed_meanwhile())))
        }
    }

    /// Marks Nav's answer read (provider staff); false when it was already read.
    pub async fn mark_answer_read(
        &self,
        id: ParticipantId,
        proposal: i64,
    ) -> Result<bool, AppError> {
        self.as_provider(id).await?;
        if !self
            .app
            .store
            .proposals(id)
            .await?
            .iter()
            .any(|p| p.id == proposal)
        {
            return Err(AppError::NotFound);
        }
        let (by, at) = (self.viewer.user.id, self.app.now());
        Ok(self.app.store.mark_answer_read(proposal, by, at).await?)
    }

    /// What waits for this viewer: Nav's case officer answers waiting proposals about the
    /// office's participants; the provider reads Nav's answers. No names: the link leads to
    /// the participant page, where reading is audited.
    pub(crate) async fn tasks(&self) -> Result<Vec<TaskView>, AppError> {
        let role = self.viewer.user.role;
        // A teacher reads no proposals (her view of a participant is the plan and attendance).
        if matches!(self.scope, ParticipantScope::Teacher { .. }) {
            return Ok(Vec::new());
        }
        let (found, kind) = if role == Role::NavCaseOfficer {
            let waiting = self.app.store.waiting_proposals(self.scope).await?;
            (waiting, TaskKind::AnswerProposal)
        } else if role.is_provider() {
            let unread = self.app.store.unread_answers(self.scope).await?;
            (unread, TaskKind::ReadProposalAnswer)
        } else {
            return Ok(Vec::new());
        };
        Ok(found
            .into_iter()
            .map(|t| TaskView {
                kind: kind.code().to_owned(),
                label: kind.label_nb().to_owned(),
                contract: t.contract,
                subject: match kind {
                    TaskKind::ReadProposalAnswer => {
                        format!("{}: {}", t.status.label_nb(), t.kind.label_nb())
                    }
                    _ => format!("{}, sendt {}", t.kind.label_nb(), oslo_time(t.at)),
                },
                href: format!("/deltakere/{}#forslag-{}", t.participant.0, t.proposal),
                due: None,
                overdue: false,
            })
            .collect())
    }

    /// The person's record, audited before a change to it is written.
    async fn audit_person(&self, d: &ParticipantDetail) -> Result<(), AppError> {
        self.permit([d.person], Purpose::ParticipantView).await
    }

    /// The change, once written, as an operation on the participant.
    pub(super) async fn log_change(
        &self,
        d: &ParticipantDetail,
        action: &str,
        what: &str,
    ) -> Result<(), AppError> {
        let op = audit::operation(
            &self.app,
            &self.viewer,
            action,
            format!("participant:{}:{what}", d.id.0),
        );
        Ok(self.app.store.append_operation(&op).await?)
    }
}

fn changed_meanwhile() -> String {
    "Deltakelsen ble endret av en annen i mellomtiden. Se over og prøv igjen.".to_owned()
}
