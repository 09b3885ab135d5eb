//! Participants' status histories in Nav's status model (amt): how each enrolment has moved
//! from application to participation and, for some, to an end — all before the demo's today.

use chrono::NaiveDate;
use effekt_domain::participant::{
    EndReason, Ended, ParticipantStatus, StatusHistory, StatusPeriod,
};

use super::random::{between, chance, pick_str, shift, weighted, ymd, Rng};
use super::{DemoError, DEMO_TODAY};

/// Where an enrolment stands on the demo's today.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Outcome {
    Deltar,
    Sluttet,
    Fullfort,
    IkkeAktuell,
    Venteliste,
    VenterPaOppstart,
}

/// Exactly `n` outcomes in realistic shares (unshuffled): ~35 % have left (mostly to a job),
/// ~3 % completed, ~3 % never got a place, ~5 % are still waiting, the rest take part.
pub(crate) fn outcome_quotas(n: usize) -> Vec<Outcome> {
    let share = |percent: usize| (n * percent + 50) / 100;
    let mut quotas = Vec::with_capacity(n);
    let fixed = [
        (Outcome::Sluttet, share(35)),
        (Outcome::Fullfort, share(3).max(usize::from(n >= 40))),
        (Outcome::IkkeAktuell, share(3).max(usize::from(n >= 40))),
        (Outcome::Venteliste, share(3)),
        (Outcome::VenterPaOppstart, share(2)),
    ];
    for (outcome, count) in fixed {
        let room = n - quotas.len();
        quotas.extend(std::iter::repeat_n(outcome, count.min(room)));
    }
    quotas.resize(n, Outcome::Deltar);
    quotas
}

/// First and last possible intake (application) date for an outcome.
pub(crate) fn intake_window(outcome: Outcome) -> Result<(NaiveDate, NaiveDate), DemoError> {
    Ok(match outcome {
        Outcome::Fullfort => (ymd(2025, 1, 6)?, ymd(2025, 8, 31)?),
        Outcome::Venteliste | Outcome::VenterPaOppstart => (ymd(2026, 5, 1)?, ymd(2026, 6, 30)?),
        _ => (ymd(2025, 1, 6)?, ymd(2026, 6, 30)?),
    })
}

const OTHER_REASONS: &[&str] = &[
    "Flyttet fra Oslo",
    "Flyttet til annen kommune",
    "Foreldrepermisjon",
    "Omsorg for familiemedlem",
    "Reiste tilbake til hjemlandet",
    "Startet i introduksjonsprogrammet igjen",
];

/// Contiguous periods, each closed by the next.
struct Builder(Vec<StatusPeriod>);

impl Builder {
    fn push(&mut self, status: ParticipantStatus, ended: Option<Ended>, from: NaiveDate) {
        if let Some(last) = self.0.last_mut() {
            last.valid_to = Some(from);
        }
        self.0.push(StatusPeriod {
            status,
            ended,
            valid_from: from,
            valid_to: None,
        });
    }

    fn finish(self) -> Result<StatusHistory, DemoError> {
        if self.0.iter().any(|p| p.valid_from > DEMO_TODAY) {
            return Err(DemoError::Inconsistent(
                "a status starts after the demo's today",
            ));
        }
        Ok(StatusHistory::new(self.0)?)
    }
}

fn ended(reason: EndReason, description: Option<String>) -> Option<Ended> {
    Some(Ended {
        reason,
        description,
    })
}

/// An end reason for HAR_SLUTTET and how many days after the start it typically happens.
fn leave_reason(rng: &mut Rng) -> (Ended, i64, i64) {
    const REASONS: [(EndReason, u32, i64, i64); 6] = [
        (EndReason::FattJobb, 55, 90, 480),
        (EndReason::Utdanning, 12, 120, 420),
        (EndReason::Syk, 10, 30, 360),
        (EndReason::TrengerAnnenStotte, 10, 30, 240),
        (EndReason::IkkeMott, 8, 14, 90),
        (EndReason::Annet, 5, 30, 400),
    ];
    let weights = REASONS.map(|r| r.1);
    let (reason, _, lo, hi) = REASONS[weighted(rng, &weights) % REASONS.len()];
    let description = (reason == EndReason::Annet).then(|| pick_str(rng, OTHER_REASONS).to_owned());
    (
        Ended {
            reason,
            description,
        },
        lo,
        hi,
    )
}

/// A history from application on `intake` to `outcome`, never past [`DEMO_TODAY`].
pub(crate) fn history(
    rng: &mut Rng,
    outcome: Outcome,
    intake: NaiveDate,
) -> Result<StatusHistory, DemoError> {
    use ParticipantStatus as S;
    let mut b = Builder(Vec::with_capacity(6));
    b.push(S::SoktInn, None, intake);
    let mut day = intake;
    let assessed = chance(rng, 60) || matches!(outcome, Outcome::IkkeAktuell | Outcome::Venteliste);
    if assessed {
        day = shift(day, between(rng, 2, 10))?;
        b.push(S::Vurderes, None, day);
    }
    match outcome {
        Outcome::IkkeAktuell => {
            day = shift(day, between(rng, 5, 30))?;
            b.push(S::IkkeAktuell, ended(EndReason::FikkIkkePlass, None), day);
            return b.finish();
        }
        Outcome::Venteliste => {
            day = shift(day, between(rng, 3, 14))?;
            b.push(S::Venteliste, None, day);
            return b.finish();
        }
        _ => {}
    }
    day = shift(day, between(rng, 3, 14))?;
    b.push(S::VenterPaOppstart, None, day);
    if outcome == Outcome::VenterPaOppstart {
        return b.finish();
    }
    let start = shift(day, between(rng, 7, 21))?;
    b.push(S::Deltar, None, start);
    let available = (DEMO_TODAY - start).num_days();
    match outcome {
        Outcome::Sluttet if available >= 1 => {
            let (reason, lo, hi) = leave_reason(rng);
            let hi = hi.min(available);
            let days = between(rng, lo.min(hi), hi);
            b.push(S::HarSluttet, Some(reason), shift(start, days)?);
        }
        Outcome::Fullfort if available >= 1 => {
            let hi = available.min(548);
            let days = between(rng, hi.min(365), hi);
            b.push(S::Fullfort, None, shift(start, days)?);
        }
        _ => {}
    }
    b.finish()
}
