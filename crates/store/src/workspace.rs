//! The providers' workspace in the store (issue 13): a participant's milestones as the
//! provider evidence of migration 0016 holds them. A trait of its own, a supertrait of
//! [`crate::Store`], so that the workspace grows without growing the one large trait (its
//! methods are called on a `dyn Store` as any other).

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use effekt_domain::ids::{ParticipantId, UserId};

use crate::error::Result;
use crate::model::EvidenceRecord;

/// One milestone record as it stands: its newest stored row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredMilestone {
    /// The newest row's key: a change is written only while it is still the newest.
    pub row: i64,
    pub record_id: String,
    pub identifier: String,
    pub achieved_on: NaiveDate,
    pub recorded_by: String,
    pub verified: Option<(String, NaiveDate)>,
    pub retracted: bool,
    /// A provider-assessed language level's CEFR step; `None` for milestones.
    pub score: Option<rust_decimal::Decimal>,
    /// When the newest row was written.
    pub written_at: DateTime<Utc>,
}

#[async_trait]
pub trait WorkspaceStore: Send + Sync {
    /// The participant's milestone records (provider evidence without a score) and assessed
    /// language levels (`cefr-vurdert-*`, the level as the score), each as its newest row says,
    /// oldest first by the date reached.
    async fn milestones(&self, participant: ParticipantId) -> Result<Vec<StoredMilestone>>;

    /// Appends one row to a milestone record, only while `after` is still its newest row
    /// (`None`: the record must not exist yet). Returns false, writing nothing, when somebody
    /// else changed the record first. Moves the store generation (a pricing input).
    async fn append_milestone(
        &self,
        record: &EvidenceRecord,
        after: Option<i64>,
        by: UserId,
        at: DateTime<Utc>,
    ) -> Result<bool>;
}

/// A proposal as the provider sends it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewProposal {
    pub participant: ParticipantId,
    pub change: effekt_domain::proposals::Change,
    pub justification: Option<String>,
}

/// A proposal with where it stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProposalRecord {
    pub id: i64,
    pub participant: ParticipantId,
    pub change: effekt_domain::proposals::Change,
    pub justification: Option<String>,
    pub proposed_by: String,
    pub proposed_at: DateTime<Utc>,
    pub status: effekt_domain::proposals::ProposalStatus,
    /// Nav's reason for a rejection.
    pub answer_reason: Option<String>,
    pub answered_by: Option<String>,
    pub answered_at: Option<DateTime<Utc>>,
    /// Whether somebody at the provider has marked Nav's answer read.
    pub read: bool,
}

/// A proposal waiting for somebody, or an answer not yet read: what a home lists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProposalTask {
    pub proposal: i64,
    pub participant: ParticipantId,
    pub kind: effekt_domain::proposals::ProposalKind,
    pub status: effekt_domain::proposals::ProposalStatus,
    /// When it was proposed (waiting) or answered (unread).
    pub at: DateTime<Utc>,
    /// The name of the participant's contract.
    pub contract: String,
}

/// An answer to a proposal and, for an approval, the participation it was checked against
/// and the one it makes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProposalAnswer<'a> {
    pub proposal: i64,
    pub participant: ParticipantId,
    pub status: effekt_domain::proposals::ProposalStatus,
    pub reason: Option<&'a str>,
    pub apply: Option<(&'a Participation, &'a Participation)>,
}

pub use effekt_domain::proposals::Participation;

/// Proposals (forslag) and the participation they change, in the store (migration 0024).
#[async_trait]
pub trait ProposalStore: Send + Sync {
    /// The participation as proposals see it: statuses, planned end, amount in force.
    async fn participation(&self, participant: ParticipantId) -> Result<Option<Participation>>;

    /// Stores a proposal; a waiting proposal of the same kind for the participant is answered
    /// "replaced" by it, in the same transaction. Returns the new proposal's id.
    async fn propose(&self, p: &NewProposal, by: UserId, at: DateTime<Utc>) -> Result<i64>;

    /// Every proposal about the participant, newest first.
    async fn proposals(&self, participant: ParticipantId) -> Result<Vec<ProposalRecord>>;

    /// Answers a waiting proposal and, for an approval, writes the new participation — only
    /// while the proposal waits and the participation is still the one checked. Returns false,
    /// writing nothing, otherwise. Moves the store generation.
    async fn answer_proposal(
        &self,
        answer: &ProposalAnswer<'_>,
        by: UserId,
        at: DateTime<Utc>,
    ) -> Result<bool>;

    /// Writes a participation changed without a proposal (the provider's start), only while
    /// the stored one is still `expected`.
    async fn change_participation(
        &self,
        participant: ParticipantId,
        expected: &Participation,
        new: &Participation,
        by: UserId,
        at: DateTime<Utc>,
    ) -> Result<bool>;

    /// Marks Nav's answer to a proposal read; false when it was already read or not answered.
    async fn mark_answer_read(&self, proposal: i64, by: UserId, at: DateTime<Utc>) -> Result<bool>;

    /// Proposals waiting for an answer, about participants in `scope`.
    async fn waiting_proposals(
        &self,
        scope: crate::model::ParticipantScope,
    ) -> Result<Vec<ProposalTask>>;

    /// Nav's approvals and rejections not yet read, about participants in `scope`.
    async fn unread_answers(
        &self,
        scope: crate::model::ParticipantScope,
    ) -> Result<Vec<ProposalTask>>;
}

/// A change as stored: kind, date, end reason, description, percent, days per week.
pub(crate) type ChangeColumns = (
    &'static str,
    Option<NaiveDate>,
    Option<&'static str>,
    Option<String>,
    Option<i64>,
    Option<i64>,
);

pub(crate) fn change_columns(change: &effekt_domain::proposals::Change) -> ChangeColumns {
    use effekt_domain::proposals::Change as C;
    let kind = change.kind().code();
    let reason =
        |e: &effekt_domain::participant::Ended| (Some(e.reason.code()), e.description.clone());
    match change {
        C::Extend { end } | C::EndDate { end } => (kind, Some(*end), None, None, None, None),
        C::End { end, ended } => {
            let (r, d) = reason(ended);
            (kind, Some(*end), r, d, None, None)
        }
        C::NotRelevant { ended } | C::EndReason { ended } => {
            let (r, d) = reason(ended);
            (kind, None, r, d, None, None)
        }
        C::Amount(a) => (
            kind,
            Some(a.valid_from),
            None,
            None,
            Some(i64::from(a.percent)),
            a.days_per_week.map(i64::from),
        ),
        C::StartDate { start } => (kind, Some(*start), None, None, None, None),
        C::RemoveStart => (kind, None, None, None, None, None),
    }
}

pub(crate) fn change_from_columns(
    kind: &str,
    date: Option<NaiveDate>,
    reason: Option<String>,
    description: Option<String>,
    percent: Option<i64>,
    days: Option<i64>,
) -> Result<effekt_domain::proposals::Change> {
    use effekt_domain::participant::{EndReason, Ended};
    use effekt_domain::proposals::{Amount, Change as C, ProposalKind as K};
    let bad = || crate::error::corrupt(format!("proposal of kind {kind:?}"));
    let kind = K::from_code(kind).ok_or_else(bad)?;
    let ended = || -> Result<Ended> {
        let reason = reason
            .as_deref()
            .and_then(EndReason::from_code)
            .ok_or_else(bad)?;
        Ok(Ended {
            reason,
            description: description.clone(),
        })
    };
    let date = || date.ok_or_else(bad);
    Ok(match kind {
        K::Extend => C::Extend { end: date()? },
        K::EndDate => C::EndDate { end: date()? },
        K::End => C::End {
            end: date()?,
            ended: ended()?,
        },
        K::NotRelevant => C::NotRelevant { ended: ended()? },
        K::EndReason => C::EndReason { ended: ended()? },
        K::Amount => C::Amount(Amount {
            percent: percent.and_then(|p| u8::try_from(p).ok()).ok_or_else(bad)?,
            days_per_week: days.map(u8::try_from).transpose().map_err(|_| bad())?,
            valid_from: date()?,
        }),
        K::StartDate => C::StartDate { start: date()? },
        K::RemoveStart => C::RemoveStart,
    })
}

/// A contract a Nav office refers to, and one of its providers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReferralTarget {
    pub contract: effekt_domain::ids::ContractId,
    pub contract_name: String,
    pub provider: effekt_domain::ids::ProviderId,
    pub provider_name: String,
}

/// A referral as sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewReferral {
    pub person: effekt_domain::ids::PersonKey,
    pub contract: effekt_domain::ids::ContractId,
    pub provider: effekt_domain::ids::ProviderId,
    pub office: effekt_domain::ids::NavOfficeId,
    pub participation: Participation,
    pub answer_due: NaiveDate,
}

/// Who referred a participant, when, and by when the provider should answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReferralRecord {
    pub referred_by: String,
    pub referred_at: DateTime<Utc>,
    pub answer_due: NaiveDate,
}

/// A referral waiting for the provider's answer, as a home lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WaitingReferral {
    pub participant: ParticipantId,
    pub status: effekt_domain::participant::ParticipantStatus,
    pub answer_due: NaiveDate,
    pub contract: String,
}

/// A referral as the workspace's published figures count it: whose, when due, when answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReferralAnswerTime {
    pub provider: effekt_domain::ids::ProviderId,
    pub provider_name: String,
    pub referred_on: NaiveDate,
    pub answer_due: NaiveDate,
    /// The first status after the referral's (the provider's answer); `None`: still waiting.
    pub answered_on: Option<NaiveDate>,
}

/// Referrals in the store (migration 0025).
#[async_trait]
pub trait ReferralStore: Send + Sync {
    /// The contracts `office` serves, each with its providers.
    async fn referral_targets(
        &self,
        office: effekt_domain::ids::NavOfficeId,
    ) -> Result<Vec<ReferralTarget>>;

    /// Writes the participant, its first status, the referral and the referring officer's
    /// assignment in one transaction. `None` when the person is already in the contract.
    async fn refer(
        &self,
        r: &NewReferral,
        by: UserId,
        at: DateTime<Utc>,
    ) -> Result<Option<ParticipantId>>;

    async fn referral(&self, participant: ParticipantId) -> Result<Option<ReferralRecord>>;

    /// Every referral to `contract` with its answer date, for the published figures.
    async fn referral_answer_times(
        &self,
        contract: effekt_domain::ids::ContractId,
    ) -> Result<Vec<ReferralAnswerTime>>;

    /// Per provider of `contract`: participants with at least one verified milestone of the
    /// plan's catalogue (not retracted), for the published figures.
    async fn participants_with_verified_milestone(
        &self,
        contract: effekt_domain::ids::ContractId,
    ) -> Result<Vec<(effekt_domain::ids::ProviderId, u64)>>;

    /// Referrals in `scope` whose participant still waits for the provider's answer.
    async fn waiting_referrals(
        &self,
        scope: crate::model::ParticipantScope,
    ) -> Result<Vec<WaitingReferral>>;
}
