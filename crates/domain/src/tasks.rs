//! What waits for a person: the typed tasks every role's home lists (issue 12). Each task
//! is derived from the same rules that later allow or refuse the action (a statement's next
//! step, computing the open period, deciding an amendment), so the home never offers what the
//! page behind it would refuse. Later features (referrals, proposals, attendance, follow-ups)
//! add kinds here instead of building inboxes of their own.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

use crate::contract::amendment::{self, PartyDecision, PartyKey, VersionState};
use crate::contract::ledger::Period;
use crate::contract::periods::{self, Cover, Filed};
use crate::contract::statement::{Stage, Statement, Step};
use crate::ids::UserId;
use crate::role::Role;

/// What is to be done.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TaskKind {
    /// Compute the open period's statement (the Nav contract manager).
    ComputePeriod,
    /// Compute again a statement the evaluator sent back (the Nav contract manager).
    RecomputePeriod,
    /// Verify a computed statement (the evaluator).
    VerifyStatement,
    /// Approve a verified statement (Nav users who neither computed nor verified it).
    ApproveStatement,
    /// Record the payment of an approved statement (the Nav contract manager).
    PayStatement,
    /// Decide a proposed amendment for one's party.
    DecideAmendment,
    /// Correct and run again an import that was refused or failed (whoever owns its kind).
    RetryImport,
    /// Approve or reject a provider's proposal about a participant (Nav's case officer of the
    /// participant's office).
    AnswerProposal,
    /// Read Nav's answer to a proposal (the provider's staff), then mark it read.
    ReadProposalAnswer,
    /// Accept, wait-list or decline a referral from Nav (the provider's staff), within the
    /// agreed days.
    AnswerReferral,
    /// Send or drop one's own draft of a referral (Nav's case officer).
    FinishReferralDraft,
    /// A session one teaches today (the provider's staff): a reminder, gone once it is held.
    TeachSession,
    /// Take attendance for a session one taught that has begun and has none (the teacher).
    TakeAttendance,
    /// Confirm with the interpreter a booking one made that is still only requested.
    ConfirmInterpreter,
    /// Follow up the next milestone of a participant one is main veileder of, due soon or
    /// overdue.
    FollowUpMilestone,
}

impl TaskKind {
    pub fn code(self) -> &'static str {
        match self {
            Self::ComputePeriod => "compute_period",
            Self::RecomputePeriod => "recompute_period",
            Self::VerifyStatement => "verify_statement",
            Self::ApproveStatement => "approve_statement",
            Self::PayStatement => "pay_statement",
            Self::DecideAmendment => "decide_amendment",
            Self::RetryImport => "retry_import",
            Self::AnswerProposal => "answer_proposal",
            Self::ReadProposalAnswer => "read_proposal_answer",
            Self::AnswerReferral => "answer_referral",
            Self::FinishReferralDraft => "finish_referral_draft",
            Self::TeachSession => "teach_session",
            Self::TakeAttendance => "take_attendance",
            Self::ConfirmInterpreter => "confirm_interpreter",
            Self::FollowUpMilestone => "follow_up_milestone",
        }
    }

    /// The imperative, as the home's list says it.
    pub fn label_nb(self) -> &'static str {
        match self {
            Self::ComputePeriod => "Beregn oppgjøret",
            Self::RecomputePeriod => "Beregn på nytt: sendt tilbake",
            Self::VerifyStatement => "Verifiser oppgjøret",
            Self::ApproveStatement => "Godkjenn oppgjøret",
            Self::PayStatement => "Registrer utbetalingen",
            Self::DecideAmendment => "Ta stilling til endringsforslaget",
            Self::RetryImport => "Rett feilen og importer på nytt",
            Self::AnswerProposal => "Svar på forslaget fra leverandøren",
            Self::ReadProposalAnswer => "Les svaret fra Nav",
            Self::AnswerReferral => "Svar på henvisningen",
            Self::FinishReferralDraft => "Send eller avbryt utkastet til henvisning",
            Self::TeachSession => "Dagens økt",
            Self::TakeAttendance => "Ta oppmøte",
            Self::ConfirmInterpreter => "Få tolkebestillingen bekreftet",
            Self::FollowUpMilestone => "Følg opp delmålet",
        }
    }
}

/// How long a step may wait before the home calls it overdue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Deadlines {
    /// Days after a period has ended (and the newest snapshot covers it) to compute it.
    pub compute_within_days: u32,
    /// Days after the second approval to pay (the contract's payment term).
    pub pay_within_days: u32,
}

impl Default for Deadlines {
    fn default() -> Self {
        Self {
            compute_within_days: 14,
            pay_within_days: 30,
        }
    }
}

/// A task's timing: by when it should be done, and whether that day has passed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Due {
    pub by: NaiveDate,
    pub overdue: bool,
}

fn due(start: NaiveDate, days: u32, today: NaiveDate) -> Due {
    let by = start
        .checked_add_days(chrono::Days::new(u64::from(days)))
        .unwrap_or(start);
    Due {
        by,
        overdue: today > by,
    }
}

/// The step `by` (with `role`) may take next on `statement`, if any: tried against the
/// statement's own rules, so a task is offered exactly when the step would be accepted.
/// Withdrawing is never a task.
pub fn statement_task(
    statement: &Statement,
    by: UserId,
    role: Role,
    at: DateTime<Utc>,
) -> Option<TaskKind> {
    [
        (Step::Verify, TaskKind::VerifyStatement),
        (Step::Approve, TaskKind::ApproveStatement),
        (Step::Pay, TaskKind::PayStatement),
    ]
    .into_iter()
    .find(|(step, _)| statement.clone().take(*step, by, role, at).is_ok())
    .map(|(_, kind)| kind)
}

/// When an approved statement should be paid: `pay_within_days` after its second approval.
pub fn payment_due(statement: &Statement, deadlines: Deadlines, today: NaiveDate) -> Option<Due> {
    if statement.stage() != Stage::Approved {
        return None;
    }
    let approved = statement
        .events
        .iter()
        .filter(|e| e.step == Step::Approve)
        .map(|e| crate::dates::oslo_date(e.at))
        .max()?;
    Some(due(approved, deadlines.pay_within_days, today))
}

/// The open period, when `by` may compute it now and it has no current statement (or one the
/// evaluator sent back: then the task is to compute it again): over, covered by the newest
/// snapshot. Due `compute_within_days` after its end (a period the snapshot does not cover
/// yet is not offered; once one does, the days since the end count).
#[allow(clippy::too_many_arguments)]
pub fn compute_task<S: Filed>(
    terms: &crate::contract::terms::ContractTerms,
    statements: &[S],
    snapshot: Option<Cover<'_>>,
    deadlines: Deadlines,
    today: NaiveDate,
    by: UserId,
    role: Role,
    at: DateTime<Utc>,
) -> Option<(Period, Due, TaskKind)> {
    let open = periods::open_period(terms, statements)?;
    let draft = periods::current(statements)
        .into_iter()
        .find(|s| s.period() == open.label);
    let kind = match draft.map(|s| s.stage()) {
        None => TaskKind::ComputePeriod,
        Some(Stage::SentBack) => TaskKind::RecomputePeriod,
        Some(_) => return None,
    };
    periods::may_compute(Some(&open), &open, snapshot, today, by, role, at).ok()?;
    let when = due(open.end, deadlines.compute_within_days, today);
    Some((open, when, kind))
}

/// How long after a session attendance may wait before the home calls it overdue, and how far
/// back the home looks for sessions without attendance.
pub const ATTENDANCE_WITHIN_DAYS: u32 = 2;
pub const ATTENDANCE_LOOKBACK_DAYS: i64 = 28;

/// When a begun session's attendance is due: `ATTENDANCE_WITHIN_DAYS` after its day.
pub fn attendance_due(session_day: NaiveDate, today: NaiveDate) -> Due {
    due(session_day, ATTENDANCE_WITHIN_DAYS, today)
}

/// How many days before a milestone is due the main veileder's home shows it.
pub const MILESTONE_NOTICE_DAYS: i64 = 14;

/// A participant's next milestone as a task of the main veileder: of the catalogue's
/// milestones not yet reached (`reached` holds their identifiers), the one due first, counted
/// from the start, when it is due within [`MILESTONE_NOTICE_DAYS`] or overdue. One per
/// participant, so a caseload behind schedule does not bury the home.
pub fn next_milestone(
    started: NaiveDate,
    reached: &[String],
    today: NaiveDate,
) -> Option<(&'static crate::milestones::MilestoneDef, Due)> {
    let next = crate::milestones::CATALOGUE
        .iter()
        .filter(|m| !reached.iter().any(|r| r == m.id))
        .min_by_key(|m| m.due_days)?;
    let by = started.checked_add_days(chrono::Days::new(u64::from(next.due_days)))?;
    (by - today <= chrono::Duration::days(MILESTONE_NOTICE_DAYS)).then_some((
        next,
        Due {
            by,
            overdue: today > by,
        },
    ))
}

/// When a requested booking should be confirmed: the working day before the assignment (the
/// day before), overdue after that.
pub fn confirmation_due(assignment_day: NaiveDate, today: NaiveDate) -> Due {
    let by = assignment_day.pred_opt().unwrap_or(assignment_day);
    Due {
        by,
        overdue: today > by,
    }
}

/// Whether `party` has an amendment to decide: proposed, its answer required and not given.
pub fn amendment_task(
    required: &[PartyKey],
    decisions: &[PartyDecision],
    state: VersionState,
    party: PartyKey,
) -> bool {
    amendment::may_decide(required, decisions, state, party).is_ok()
}

#[cfg(test)]
mod tests;
