//! Amendments (issue 4, §4): a new version of the terms with an effective date, proposed by one
//! party and agreed by the others before it is in force. Normally Nav, the consortium's lead and
//! every investor must agree. An effective date on or before the end of an approved period
//! re-prices approved results (as adjustment lines), so then every party in the contract must
//! agree: each consortium member, each investor and the evaluator too.
//!
//! What may change: everything but the start date and the payment periods, which would move
//! approved statements' periods under them.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::terms::{ContractTerms, Party, PartyRole};
use crate::ids::UserId;
use crate::orgnr::OrgNr;

pub mod words;

pub use words::differences;

/// A party to the contract, as users act for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct PartyKey {
    pub role: PartyRole,
    pub orgnr: OrgNr,
}

impl From<&Party> for PartyKey {
    fn from(p: &Party) -> Self {
        Self {
            role: p.role,
            orgnr: p.orgnr,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    Approve,
    Reject,
}

impl Decision {
    pub fn code(self) -> &'static str {
        match self {
            Self::Approve => "approve",
            Self::Reject => "reject",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        [Self::Approve, Self::Reject]
            .into_iter()
            .find(|d| d.code() == code)
    }
}

/// One party's answer to a proposed version, by the user who gave it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartyDecision {
    pub party: PartyKey,
    pub by: UserId,
    pub decision: Decision,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VersionState {
    Proposed,
    InForce,
    Rejected,
    /// Taken back by its proposer before every required party had answered.
    Withdrawn,
}

impl VersionState {
    pub fn code(self) -> &'static str {
        match self {
            Self::Proposed => "proposed",
            Self::InForce => "in_force",
            Self::Rejected => "rejected",
            Self::Withdrawn => "withdrawn",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        [
            Self::Proposed,
            Self::InForce,
            Self::Rejected,
            Self::Withdrawn,
        ]
        .into_iter()
        .find(|s| s.code() == code)
    }

    pub fn label_nb(self) -> &'static str {
        match self {
            Self::Proposed => "Foreslått",
            Self::InForce => "Gjelder",
            Self::Rejected => "Avvist",
            Self::Withdrawn => "Trukket tilbake",
        }
    }
}

/// Why a proposal or a decision is refused. The messages are shown to the user.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AmendmentError {
    #[error("Du handler ikke for en part i kontrakten.")]
    NotAParty,
    #[error("Bare Nav, leverandørene og investorene kan foreslå endringer.")]
    MayNotPropose,
    #[error("Startdatoen kan ikke endres ({0} i gjeldende vilkår).")]
    StartChanged(NaiveDate),
    #[error("Betalingsperiodene kan ikke endres ved en endring av kontrakten.")]
    PeriodsChanged,
    #[error("Virkningsdatoen {effective} er utenfor kontrakten ({starts} til {ends}).")]
    EffectiveOutsideContract {
        effective: NaiveDate,
        starts: NaiveDate,
        ends: NaiveDate,
    },
    #[error("Versjonen er ikke lenger et forslag.")]
    NotProposed,
    #[error("Din part skal ikke ta stilling til dette forslaget.")]
    NotRequired,
    #[error("Din part har allerede tatt stilling til forslaget.")]
    AlreadyDecided,
    #[error("Bare den som foreslo endringen, kan trekke den tilbake.")]
    NotProposer,
}

/// Checks a proposed version against the version in force and the effective date.
pub fn check_proposal(
    current: &ContractTerms,
    next: &ContractTerms,
    effective: NaiveDate,
) -> Result<(), AmendmentError> {
    if next.starts != current.starts {
        return Err(AmendmentError::StartChanged(current.starts));
    }
    if next.periods != current.periods {
        return Err(AmendmentError::PeriodsChanged);
    }
    if effective < next.starts || effective > next.ends {
        return Err(AmendmentError::EffectiveOutsideContract {
            effective,
            starts: next.starts,
            ends: next.ends,
        });
    }
    Ok(())
}

/// Who may propose for `party`: Nav, a provider or an investor of the contract in force.
pub fn may_propose(current: &ContractTerms, party: PartyKey) -> Result<(), AmendmentError> {
    if !current.parties.iter().any(|p| PartyKey::from(p) == party) {
        return Err(AmendmentError::NotAParty);
    }
    match party.role {
        PartyRole::Nav | PartyRole::Provider | PartyRole::Investor => Ok(()),
        PartyRole::Evaluator => Err(AmendmentError::MayNotPropose),
    }
}

/// The parties whose approval puts a version in force: Nav, the consortium's lead and every
/// investor; when `retroactive`, every party in the contract.
pub fn required(current: &ContractTerms, retroactive: bool) -> Vec<PartyKey> {
    let mut out: Vec<PartyKey> = current
        .parties
        .iter()
        .filter(|p| {
            retroactive
                || match p.role {
                    PartyRole::Nav | PartyRole::Investor => true,
                    PartyRole::Provider => p.lead,
                    PartyRole::Evaluator => false,
                }
        })
        .map(PartyKey::from)
        .collect();
    out.dedup();
    out
}

/// Whether a version effective on `effective` re-prices a period already approved, given the
/// first open period's first day (`None`: every period is approved).
pub fn is_retroactive(effective: NaiveDate, open_period_start: Option<NaiveDate>) -> bool {
    open_period_start.is_none_or(|open| effective < open)
}

/// Where a proposal stands given the decisions so far: rejected by any required party, in
/// force once every required party approved, proposed until then.
pub fn state(required: &[PartyKey], decisions: &[PartyDecision]) -> VersionState {
    let said = |party: &PartyKey, d: Decision| {
        decisions
            .iter()
            .any(|x| x.party == *party && x.decision == d)
    };
    if required.iter().any(|p| said(p, Decision::Reject)) {
        VersionState::Rejected
    } else if required.iter().all(|p| said(p, Decision::Approve)) {
        VersionState::InForce
    } else {
        VersionState::Proposed
    }
}

/// Checks that `party` may decide now: the version is proposed, the party is required and has
/// not decided yet.
pub fn may_decide(
    required: &[PartyKey],
    decisions: &[PartyDecision],
    current_state: VersionState,
    party: PartyKey,
) -> Result<(), AmendmentError> {
    if current_state != VersionState::Proposed {
        return Err(AmendmentError::NotProposed);
    }
    if !required.contains(&party) {
        return Err(AmendmentError::NotRequired);
    }
    if decisions.iter().any(|d| d.party == party) {
        return Err(AmendmentError::AlreadyDecided);
    }
    Ok(())
}

/// Checks that `by` may withdraw the proposal: it is still waiting for answers, and `by` is
/// the user who proposed it (`proposer`; `None` for versions imported from files, which were
/// never proposals).
pub fn may_withdraw(
    current_state: VersionState,
    proposer: Option<crate::ids::UserId>,
    by: crate::ids::UserId,
) -> Result<(), AmendmentError> {
    if current_state != VersionState::Proposed {
        return Err(AmendmentError::NotProposed);
    }
    if proposer != Some(by) {
        return Err(AmendmentError::NotProposer);
    }
    Ok(())
}

#[cfg(test)]
mod tests;
