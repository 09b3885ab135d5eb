//! The capabilities. Each can only be built by [`crate::Viewer`] after the policy's check;
//! each filters rows by scope first, then masks fields, and writes the audit records before
//! returning anything (fail closed).

mod accounts;
mod admin;
mod aggregates;
mod attendance;
mod attendance_figures;
mod audit_log;
mod contracts;
mod definition;
pub mod evaluation;
mod figures;
pub mod generalise;
mod group_members;
mod groups;
pub(crate) mod home;
mod importing;
pub mod imports;
mod intake;
mod interpreters;
mod investments;
mod milestones;
pub(crate) mod outcomes;
mod participants;
mod plan;
mod proposals;
pub(crate) mod pseudonymised;
pub(crate) mod publication;
mod referral_drafts;
mod referrals;
mod statement_words;
mod statements;
mod team;
mod week;

pub use accounts::{AccountAccess, AccountInput, Reach, SessionView};
pub use admin::{AdminAccess, HttpSettings};
pub use aggregates::AggregateAccess;
pub use audit_log::{AuditLogAccess, AuditLogFilter};
pub use contracts::{ContractAccess, FigureInput, ProposalRefused};
pub use definition::ContractDefinition;
pub use definition::MAX_CONTRACT_FILE;
pub use evaluation::EvaluationAccess;
pub use groups::{
    AttendanceRow, AttendanceView, GroupSessionView, GroupSummary, GroupView, MemberView,
};
pub use importing::{read_limited, MAX_EVIDENCE_FILE};
pub use imports::{ImportLogAccess, ImportRunView};
pub use intake::{withdrawal_fields, IntakeView, ScreeningInput};
pub use interpreters::{BookingInput, BookingView, CostRow, InterpreterView};
pub use investments::InvestmentAccess;
pub use milestones::{
    skill_nb, MilestoneInput, MilestoneRecordView, MilestonesView, PlannedMilestone,
};
pub use participants::{IdChange, ParticipantAccess};
pub use plan::{PlanInput, PlanView};
pub use proposals::{ProposalInput, ProposalView, ProposalsView};
pub use pseudonymised::PseudonymisedAccess;
pub use referral_drafts::{DraftOutcome, DraftView};
pub use referrals::{ReferralChoice, ReferralView};
pub use statements::{
    FileFormat, PaymentInput, PeriodLines, Sight, StatementAccess, StatementFile, LINES_ON_PAGE,
};
pub use team::{CaseloadRow, CaseloadView, StaffView, TeamMemberView, TeamView};

use rust_decimal::{Decimal, RoundingStrategy};

/// A reason the form requires: shared text of at most `max` characters, refused beside
/// `field` with `missing` when empty.
pub(crate) fn required_text(
    text: &str,
    max: usize,
    field: &'static str,
    missing: &'static str,
) -> Result<String, crate::FieldError> {
    use effekt_domain::free_text::{shared, SharedTextError};
    match shared(text, true, max) {
        Ok(Some(t)) => Ok(t),
        Ok(None) | Err(SharedTextError::Missing) => Err(crate::FieldError::new(field, missing)),
        Err(e) => Err(crate::FieldError::new(field, e.to_string())),
    }
}

/// A decimal as Norwegian text with at most one decimal ("62,5").
pub(crate) fn number_nb(m: Decimal) -> String {
    m.round_dp_with_strategy(1, RoundingStrategy::MidpointAwayFromZero)
        .normalize()
        .to_string()
        .replace('.', ",")
}
