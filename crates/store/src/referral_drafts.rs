//! Nav's drafts of referrals in the store (migration 0028): a draft names a person, a
//! contract and provider, and the office; its steps (KLADD, UTKAST_TIL_PAMELDING, SENDT,
//! AVBRUTT_UTKAST) are appended, the newest saying where it stands. A draft is not a
//! participant, so nothing that reads participants sees it.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use effekt_domain::ids::{ContractId, NavOfficeId, ParticipantId, PersonKey, ProviderId, UserId};
use effekt_domain::person::Protection;
use effekt_domain::referral_drafts::DraftState;

use crate::error::Result;
use crate::workspace::NewReferral;

/// A draft as the case officer saves it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewReferralDraft {
    pub person: PersonKey,
    pub contract: ContractId,
    pub provider: ProviderId,
    pub office: NavOfficeId,
}

/// What saving a draft came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DraftSaved {
    Saved(i64),
    /// The person is referred to or takes part in the contract already.
    InContract,
    /// The office has an open draft for the person and contract already.
    OpenDraft,
}

/// What sending a draft came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DraftSent {
    Sent(ParticipantId),
    /// The person came into the contract since the draft was written; nothing was written.
    InContract,
    /// Somebody stepped the draft first; nothing was written.
    Changed,
}

/// A draft with where it stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReferralDraftRecord {
    pub id: i64,
    pub person: PersonKey,
    pub given_name: String,
    pub family_name: String,
    pub protection: Protection,
    pub contract: ContractId,
    pub contract_name: String,
    pub provider: ProviderId,
    pub provider_name: String,
    pub office: NavOfficeId,
    pub created_by: UserId,
    /// "Name (username)".
    pub created_by_name: String,
    pub created_at: DateTime<Utc>,
    pub state: DraftState,
    /// The newest step's number: a step is written only while it is still the newest.
    pub seq: i32,
    pub stepped_at: DateTime<Utc>,
}

#[async_trait]
pub trait ReferralDraftStore: Send + Sync {
    /// Stores a draft with its first step, `KLADD`.
    async fn save_referral_draft(
        &self,
        d: &NewReferralDraft,
        by: UserId,
        at: DateTime<Utc>,
    ) -> Result<DraftSaved>;

    /// The office's open drafts (KLADD, UTKAST_TIL_PAMELDING), oldest first.
    async fn open_referral_drafts(&self, office: NavOfficeId) -> Result<Vec<ReferralDraftRecord>>;

    async fn referral_draft(&self, id: i64) -> Result<Option<ReferralDraftRecord>>;

    /// Appends `state` (not `SENDT`) as step `after + 1`; false, writing nothing, when `after`
    /// is no longer the newest step.
    async fn step_referral_draft(
        &self,
        id: i64,
        after: i32,
        state: DraftState,
        by: UserId,
        at: DateTime<Utc>,
    ) -> Result<bool>;

    /// Sends the draft: the referral (as [`crate::ReferralStore::refer`] writes it) and the
    /// step `SENDT` naming the participant, in one transaction, only while `after` is the
    /// newest step.
    async fn send_referral_draft(
        &self,
        id: i64,
        after: i32,
        r: &NewReferral,
        by: UserId,
        at: DateTime<Utc>,
    ) -> Result<DraftSent>;
}
