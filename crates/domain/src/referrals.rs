//! Referrals (henvisninger): a Nav case officer refers a person to a provider of a contract,
//! and the provider answers — accepts (the participant waits to start), wait-lists, or
//! declines with a reason — within an agreed number of days. A referral is a participation
//! from its first status (amt's `SOKT_INN`), so everything after it (the start, proposals)
//! follows the same history.

use chrono::{Days, NaiveDate};

use crate::participant::{Ended, ParticipantStatus, StatusHistory, StatusPeriod};
use crate::proposals::{close_and_push, Participation, ProposalError};

/// Days the provider has to answer a referral, counted from the day it was sent (the agreed
/// limit until a contract sets its own).
pub const ANSWER_WITHIN_DAYS: u64 = 10;

/// The participation a referral sent on `on` begins.
pub fn sent(on: NaiveDate) -> Result<Participation, ProposalError> {
    let statuses = StatusHistory::new(vec![StatusPeriod {
        status: ParticipantStatus::SoktInn,
        ended: None,
        valid_from: on,
        valid_to: None,
    }])
    .map_err(|e| ProposalError::WrongStatus(e.to_string()))?;
    Ok(Participation {
        statuses,
        planned_end: None,
        amount: None,
    })
}

/// By when the provider should answer a referral sent on `on`.
pub fn answer_due(on: NaiveDate) -> NaiveDate {
    on.checked_add_days(Days::new(ANSWER_WITHIN_DAYS))
        .unwrap_or(on)
}

/// Whether a participation waits for the provider's answer to its referral.
pub fn waits_for_answer(status: ParticipantStatus) -> bool {
    matches!(
        status,
        ParticipantStatus::SoktInn | ParticipantStatus::Vurderes | ParticipantStatus::Venteliste
    )
}

/// The provider's answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReferralAnswer {
    /// A place: the participant waits to start.
    Accept,
    /// No place yet.
    WaitList,
    /// No place, with the reason.
    Decline(Ended),
}

impl ReferralAnswer {
    pub fn code(&self) -> &'static str {
        match self {
            Self::Accept => "accept",
            Self::WaitList => "wait-list",
            Self::Decline(_) => "decline",
        }
    }
}

/// The participation after the provider's answer on `today`. A wait-listed referral may be
/// accepted or declined later; one already answered otherwise is refused.
pub fn answer(
    p: &Participation,
    answer: &ReferralAnswer,
    today: NaiveDate,
) -> Result<Participation, ProposalError> {
    let now = p.statuses.current().status;
    let allowed = match answer {
        ReferralAnswer::WaitList => matches!(
            now,
            ParticipantStatus::SoktInn | ParticipantStatus::Vurderes
        ),
        _ => waits_for_answer(now),
    };
    if !allowed {
        return Err(ProposalError::WrongStatus(format!(
            "Henvisningen er allerede besvart (status «{}»).",
            now.label_nb()
        )));
    }
    let (status, ended) = match answer {
        ReferralAnswer::Accept => (ParticipantStatus::VenterPaOppstart, None),
        ReferralAnswer::WaitList => (ParticipantStatus::Venteliste, None),
        ReferralAnswer::Decline(e) => (ParticipantStatus::IkkeAktuell, Some(e.clone())),
    };
    Ok(Participation {
        statuses: close_and_push(&p.statuses, today, status, ended)?,
        ..p.clone()
    })
}

/// How a referral stands against the agreed limit, as the published figures count it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AnswerTime {
    /// Answered on or before the due date.
    InTime,
    /// Answered after it.
    Late,
    /// Not answered yet (overdue or not).
    Waiting,
}

pub fn answer_time(answer_due: NaiveDate, answered_on: Option<NaiveDate>) -> AnswerTime {
    match answered_on {
        Some(on) if on <= answer_due => AnswerTime::InTime,
        Some(_) => AnswerTime::Late,
        None => AnswerTime::Waiting,
    }
}

/// The median of whole days (the mean of the middle two for an even count); `None` when empty.
pub fn median_days(days: &[i64]) -> Option<rust_decimal::Decimal> {
    let mut sorted = days.to_vec();
    sorted.sort_unstable();
    let n = sorted.len();
    if n == 0 {
        return None;
    }
    let mid = rust_decimal::Decimal::from(sorted[n / 2]);
    Some(if n % 2 == 1 {
        mid
    } else {
        ((rust_decimal::Decimal::from(sorted[n / 2 - 1]) + mid) / rust_decimal::Decimal::TWO)
            .normalize()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::participant::EndReason;
    use crate::proposals::{ended, start};

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn a_referral_is_accepted_then_started_or_declined_with_a_reason() {
        let p = sent(d("2026-11-20")).unwrap();
        assert_eq!(answer_due(d("2026-11-20")), d("2026-11-30"));
        let waiting = answer(&p, &ReferralAnswer::WaitList, d("2026-11-25")).unwrap();
        assert_eq!(
            waiting.statuses.current().status,
            ParticipantStatus::Venteliste
        );
        assert!(waits_for_answer(ParticipantStatus::Venteliste));
        assert!(matches!(
            answer(&waiting, &ReferralAnswer::WaitList, d("2026-11-26")),
            Err(ProposalError::WrongStatus(_))
        ));
        let accepted = answer(&waiting, &ReferralAnswer::Accept, d("2026-12-01")).unwrap();
        assert_eq!(
            accepted.statuses.current().status,
            ParticipantStatus::VenterPaOppstart
        );
        assert_eq!(accepted.statuses.periods().len(), 3);
        let started = start(&accepted, d("2026-12-03"), d("2026-12-04")).unwrap();
        assert_eq!(started.statuses.index_date(), Some(d("2026-12-03")));
        // A start before the referral was sent is refused.
        assert_eq!(
            start(&accepted, d("2026-11-19"), d("2026-12-04")),
            Err(ProposalError::BeforeReferral("20.11.2026".into()))
        );
        assert!(matches!(
            answer(&accepted, &ReferralAnswer::Accept, d("2026-12-02")),
            Err(ProposalError::WrongStatus(_))
        ));
        let full = ended(Some(EndReason::KursFullt), "").unwrap();
        let declined = answer(&p, &ReferralAnswer::Decline(full.clone()), d("2026-11-20")).unwrap();
        assert_eq!(
            declined.statuses.current().status,
            ParticipantStatus::IkkeAktuell
        );
        assert_eq!(declined.statuses.current().ended, Some(full));
        assert_eq!(
            declined.statuses.periods().len(),
            1,
            "answered on the day it was sent"
        );
    }

    #[test]
    fn answers_are_counted_against_the_limit_and_the_median_is_the_middle() {
        let due = NaiveDate::from_ymd_opt(2026, 3, 11).unwrap();
        assert_eq!(answer_time(due, Some(due)), AnswerTime::InTime);
        assert_eq!(answer_time(due, due.succ_opt()), AnswerTime::Late);
        assert_eq!(answer_time(due, None), AnswerTime::Waiting);
        assert_eq!(median_days(&[]), None);
        assert_eq!(
            median_days(&[9, 1, 4]),
            Some(rust_decimal::Decimal::from(4))
        );
        assert_eq!(
            median_days(&[1, 2, 5, 10]).map(|d| d.to_string()),
            Some("3.5".to_owned())
        );
    }
}
