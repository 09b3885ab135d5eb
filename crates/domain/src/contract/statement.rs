//! A period's payment statement and its path to payment (issue 4, §5): computed by a Nav
//! contract manager → verified by the independent evaluator → approved by two different Nav
//! users, neither of whom computed or verified it → paid. Every step is kept as an event, and
//! a step that breaks the separation of duties is refused with the reason. Before any
//! approval the evaluator may instead send a statement back, with a reason: nobody may verify
//! or approve it then, and the contract manager computes the period again.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::ids::UserId;
use crate::money::Nok;
use crate::role::Role;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    Computed,
    Verified,
    /// One of the two approvals given.
    HalfApproved,
    Approved,
    Paid,
    /// The evaluator found it wrong; to be computed again.
    SentBack,
    /// Replaced by a new computation before it was approved.
    Withdrawn,
}

impl Stage {
    pub fn code(self) -> &'static str {
        match self {
            Self::Computed => "computed",
            Self::Verified => "verified",
            Self::HalfApproved => "half_approved",
            Self::Approved => "approved",
            Self::Paid => "paid",
            Self::SentBack => "sent_back",
            Self::Withdrawn => "withdrawn",
        }
    }

    pub fn label_nb(self) -> &'static str {
        match self {
            Self::Computed => "Beregnet",
            Self::Verified => "Verifisert",
            Self::HalfApproved => "Godkjent av én",
            Self::Approved => "Godkjent",
            Self::SentBack => "Sendt tilbake",
            Self::Paid => "Utbetalt",
            Self::Withdrawn => "Trukket tilbake",
        }
    }

    /// Approved or paid: its lines are booked and are never changed.
    pub fn is_booked(self) -> bool {
        matches!(self, Self::Approved | Self::Paid)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    Compute,
    Verify,
    Approve,
    Pay,
    /// The evaluator's "this is wrong" (with a reason): back to the contract manager.
    SendBack,
    /// Set aside before approval, because the statement is computed again.
    Withdraw,
}

impl Step {
    pub const ALL: [Self; 6] = [
        Self::Compute,
        Self::Verify,
        Self::Approve,
        Self::Pay,
        Self::SendBack,
        Self::Withdraw,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Self::Compute => "compute",
            Self::Verify => "verify",
            Self::Approve => "approve",
            Self::Pay => "pay",
            Self::SendBack => "send_back",
            Self::Withdraw => "withdraw",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }

    pub fn label_nb(self) -> &'static str {
        match self {
            Self::Compute => "Beregnet",
            Self::Verify => "Verifisert",
            Self::Approve => "Godkjent",
            Self::Pay => "Utbetalt",
            Self::SendBack => "Sendt tilbake",
            Self::Withdraw => "Trukket tilbake",
        }
    }
}

/// Who did a step, and when.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    pub step: Step,
    pub by: UserId,
    pub role: Role,
    pub at: DateTime<Utc>,
}

/// Why a step was refused. The messages are shown to the user who tried.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum StepError {
    #[error("this step is for {0}")]
    WrongRole(&'static str),
    #[error("the statement is {0:?}; this step is not next")]
    NotNext(Stage),
    #[error("you computed this statement, so you cannot approve it")]
    OwnComputation,
    #[error("you verified this statement, so you cannot approve it")]
    OwnVerification,
    #[error("you have already approved this statement; a second Nav user must approve it")]
    SecondApprovalBySameUser,
}

fn is_nav(role: Role) -> bool {
    matches!(role, Role::NavContractManager | Role::NavCaseOfficer)
}

/// A period's statement: its total as computed and every step taken.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Statement {
    pub period: String,
    pub total: Nok,
    pub events: Vec<Event>,
}

impl Statement {
    /// A computed statement; only a Nav contract manager computes.
    pub fn compute(
        period: &str,
        total: Nok,
        by: UserId,
        role: Role,
        at: DateTime<Utc>,
    ) -> Result<Self, StepError> {
        if role != Role::NavContractManager {
            return Err(StepError::WrongRole("a Nav contract manager"));
        }
        Ok(Self {
            period: period.to_owned(),
            total,
            events: vec![Event {
                step: Step::Compute,
                by,
                role,
                at,
            }],
        })
    }

    pub fn stage(&self) -> Stage {
        let count = |s: Step| self.events.iter().filter(|e| e.step == s).count();
        if count(Step::Withdraw) > 0 {
            Stage::Withdrawn
        } else if count(Step::SendBack) > 0 {
            Stage::SentBack
        } else if count(Step::Pay) > 0 {
            Stage::Paid
        } else if count(Step::Approve) >= 2 {
            Stage::Approved
        } else if count(Step::Approve) == 1 {
            Stage::HalfApproved
        } else if count(Step::Verify) > 0 {
            Stage::Verified
        } else {
            Stage::Computed
        }
    }

    /// Whether someone has vouched for this draft (verified or approved it): computing it
    /// again throws their steps away, so it needs a reason. A statement sent back is not
    /// vouched for: the evaluator asked for the new computation.
    pub fn vouched(&self) -> bool {
        self.stage() != Stage::SentBack
            && self
                .events
                .iter()
                .any(|e| matches!(e.step, Step::Verify | Step::Approve))
    }

    fn did(&self, step: Step, by: UserId) -> bool {
        self.events.iter().any(|e| e.step == step && e.by == by)
    }

    /// Takes `step` for `by` (with `role`), or says why not; a refused step changes nothing.
    pub fn take(
        &mut self,
        step: Step,
        by: UserId,
        role: Role,
        at: DateTime<Utc>,
    ) -> Result<Stage, StepError> {
        let stage = self.stage();
        match step {
            Step::Compute => return Err(StepError::NotNext(stage)),
            Step::Verify => {
                if role != Role::Evaluator {
                    return Err(StepError::WrongRole("the independent evaluator"));
                }
                if stage != Stage::Computed {
                    return Err(StepError::NotNext(stage));
                }
            }
            Step::Approve => {
                if !is_nav(role) {
                    return Err(StepError::WrongRole("Nav users"));
                }
                if !matches!(stage, Stage::Verified | Stage::HalfApproved) {
                    return Err(StepError::NotNext(stage));
                }
                if self.did(Step::Compute, by) {
                    return Err(StepError::OwnComputation);
                }
                if self.did(Step::Verify, by) {
                    return Err(StepError::OwnVerification);
                }
                if self.did(Step::Approve, by) {
                    return Err(StepError::SecondApprovalBySameUser);
                }
            }
            Step::Pay => {
                if role != Role::NavContractManager {
                    return Err(StepError::WrongRole("a Nav contract manager"));
                }
                if stage != Stage::Approved {
                    return Err(StepError::NotNext(stage));
                }
            }
            Step::SendBack => {
                if role != Role::Evaluator {
                    return Err(StepError::WrongRole("the independent evaluator"));
                }
                if !matches!(stage, Stage::Computed | Stage::Verified) {
                    return Err(StepError::NotNext(stage));
                }
            }
            Step::Withdraw => {
                if role != Role::NavContractManager {
                    return Err(StepError::WrongRole("a Nav contract manager"));
                }
                if stage.is_booked() || stage == Stage::Withdrawn {
                    return Err(StepError::NotNext(stage));
                }
            }
        }
        self.events.push(Event { step, by, role, at });
        Ok(self.stage())
    }
}

#[cfg(test)]
mod tests;
