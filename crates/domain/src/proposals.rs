//! Proposals (forslag) from a provider to Nav about a participation, as Nav's amt services
//! name them (docs/research/amt.md §2): extend, end, not relevant, participation amount, start
//! date, end date, end reason, remove the start date. What each change does to the
//! participation is worked out here — when the provider proposes it (so a proposal Nav could
//! never approve is refused at once) and again when Nav approves it, against the participation
//! as it then stands. A proposal waits, and is approved or rejected (with a reason) by Nav,
//! withdrawn by the provider, or replaced by a newer proposal of the same kind.
//!
//! The provider's own start of a participant who waits for it (item 2 of issue 13) is
//! [`start`]: no proposal, Nav sees it at once.

use chrono::NaiveDate;
use serde::Serialize;

use crate::participant::{EndReason, Ended, ParticipantStatus, StatusHistory, StatusPeriod};

/// How much of a full programme the participant takes part in, from a date (amt's
/// deltakelsesmengde).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Amount {
    /// 1–100.
    pub percent: u8,
    /// 1–5, when agreed.
    pub days_per_week: Option<u8>,
    pub valid_from: NaiveDate,
}

/// A participation as proposals change it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Participation {
    pub statuses: StatusHistory,
    /// The planned last day (sluttdato), when one is agreed.
    pub planned_end: Option<NaiveDate>,
    /// The amount in force (the newest).
    pub amount: Option<Amount>,
}

/// The kinds of change, with amt's codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum ProposalKind {
    Extend,
    End,
    NotRelevant,
    Amount,
    StartDate,
    EndDate,
    EndReason,
    RemoveStart,
}

impl ProposalKind {
    pub const ALL: [Self; 8] = [
        Self::Extend,
        Self::End,
        Self::NotRelevant,
        Self::Amount,
        Self::StartDate,
        Self::EndDate,
        Self::EndReason,
        Self::RemoveStart,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Self::Extend => "FORLENG_DELTAKELSE",
            Self::End => "AVSLUTT_DELTAKELSE",
            Self::NotRelevant => "IKKE_AKTUELL",
            Self::Amount => "DELTAKELSESMENGDE",
            Self::StartDate => "STARTDATO",
            Self::EndDate => "SLUTTDATO",
            Self::EndReason => "SLUTTARSAK",
            Self::RemoveStart => "FJERN_OPPSTARTSDATO",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == code)
    }

    pub fn label_nb(self) -> &'static str {
        match self {
            Self::Extend => "Forleng deltakelsen",
            Self::End => "Avslutt deltakelsen",
            Self::NotRelevant => "Ikke aktuell",
            Self::Amount => "Endre deltakelsesmengde",
            Self::StartDate => "Endre oppstartsdato",
            Self::EndDate => "Endre sluttdato",
            Self::EndReason => "Endre sluttårsak",
            Self::RemoveStart => "Fjern oppstartsdato",
        }
    }
}

/// One proposed change, with what it needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum Change {
    Extend { end: NaiveDate },
    End { end: NaiveDate, ended: Ended },
    NotRelevant { ended: Ended },
    Amount(Amount),
    StartDate { start: NaiveDate },
    EndDate { end: NaiveDate },
    EndReason { ended: Ended },
    RemoveStart,
}

impl Change {
    pub fn kind(&self) -> ProposalKind {
        match self {
            Self::Extend { .. } => ProposalKind::Extend,
            Self::End { .. } => ProposalKind::End,
            Self::NotRelevant { .. } => ProposalKind::NotRelevant,
            Self::Amount(_) => ProposalKind::Amount,
            Self::StartDate { .. } => ProposalKind::StartDate,
            Self::EndDate { .. } => ProposalKind::EndDate,
            Self::EndReason { .. } => ProposalKind::EndReason,
            Self::RemoveStart => ProposalKind::RemoveStart,
        }
    }

    /// What it changes to, in words ("sluttdato 31.03.2027", "60 %, 3 dager i uka").
    pub fn words_nb(&self) -> String {
        let date = |d: &NaiveDate| d.format("%d.%m.%Y").to_string();
        let reason = |e: &Ended| match &e.description {
            Some(text) => format!("{}: {text}", e.reason.label_nb()),
            None => e.reason.label_nb().to_owned(),
        };
        match self {
            Self::Extend { end } | Self::EndDate { end } => format!("ny sluttdato {}", date(end)),
            Self::End { end, ended } => format!("sluttet {}, årsak {}", date(end), reason(ended)),
            Self::NotRelevant { ended } | Self::EndReason { ended } => {
                format!("årsak {}", reason(ended))
            }
            Self::Amount(a) => {
                let days = a
                    .days_per_week
                    .map(|d| format!(", {d} dager i uka"))
                    .unwrap_or_default();
                format!("{} %{days} fra {}", a.percent, date(&a.valid_from))
            }
            Self::StartDate { start } => format!("ny oppstartsdato {}", date(start)),
            Self::RemoveStart => "deltakeren har ikke startet".to_owned(),
        }
    }
}

/// Why a proposal, an answer or a start was refused; the words are shown next to the field
/// (`field`) they concern.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProposalError {
    #[error("Deltakelsen er avsluttet; et slikt forslag gjelder bare en pågående deltakelse.")]
    Ended,
    #[error("{0}")]
    WrongStatus(String),
    #[error("Datoen kan ikke være fram i tid.")]
    InFuture,
    #[error("Datoen kan ikke være før henvisningen ({0}).")]
    BeforeReferral(String),
    #[error("Datoen må være etter oppstartsdatoen ({0}).")]
    NotAfterStart(String),
    #[error("Oppstartsdatoen må være etter {0}.")]
    TooEarly(String),
    #[error("Ny sluttdato må være etter nåværende sluttdato ({0}).")]
    NotLater(String),
    #[error("Dette er ingen endring fra det som gjelder nå.")]
    NoChange,
    #[error("Deltakelsesprosenten må være et helt tall fra 1 til 100.")]
    Percent,
    #[error("Dager i uka må være et helt tall fra 1 til 5.")]
    Days,
    #[error("Skriv en beskrivelse (1–200 tegn) når årsaken er «Annet», og bare da.")]
    Description,
    #[error("Velg en årsak.")]
    ReasonMissing,
    #[error("Forslaget er allerede besvart ({0}).")]
    Answered(&'static str),
    #[error("Skriv hvorfor forslaget avvises (1–200 tegn).")]
    RejectionReason,
    #[error("Rollen din kan ikke {0}.")]
    Role(&'static str),
}

impl ProposalError {
    /// The form field the refusal belongs beside.
    pub fn field(&self) -> &'static str {
        match self {
            Self::InFuture
            | Self::BeforeReferral(_)
            | Self::NotAfterStart(_)
            | Self::NotLater(_)
            | Self::TooEarly(_) => "dato",
            Self::Percent => "prosent",
            Self::Days => "dager",
            Self::Description => "beskrivelse",
            Self::ReasonMissing => "arsak",
            Self::RejectionReason => "avvisningsgrunn",
            Self::Ended
            | Self::WrongStatus(_)
            | Self::NoChange
            | Self::Answered(_)
            | Self::Role(_) => "endring",
        }
    }
}

const MAX_TEXT: usize = 200;

fn date_nb(d: NaiveDate) -> String {
    d.format("%d.%m.%Y").to_string()
}

/// An end reason as a proposal gives it: free text with ANNET only.
pub fn ended(reason: Option<EndReason>, description: &str) -> Result<Ended, ProposalError> {
    let reason = reason.ok_or(ProposalError::ReasonMissing)?;
    let text = description.trim();
    match (reason == EndReason::Annet, text.is_empty()) {
        (true, true) | (false, false) => Err(ProposalError::Description),
        (true, false) if text.chars().count() > MAX_TEXT => Err(ProposalError::Description),
        (true, false) => Ok(Ended {
            reason,
            description: Some(text.to_owned()),
        }),
        (false, true) => Ok(Ended {
            reason,
            description: None,
        }),
    }
}

fn current(p: &Participation) -> ParticipantStatus {
    p.statuses.current().status
}

fn require(
    p: &Participation,
    allowed: &[ParticipantStatus],
    what: &str,
) -> Result<(), ProposalError> {
    let now = current(p);
    if allowed.contains(&now) {
        return Ok(());
    }
    if now.is_ended() || now == ParticipantStatus::Feilregistrert {
        return Err(ProposalError::Ended);
    }
    Err(ProposalError::WrongStatus(format!(
        "{what} gjelder ikke en deltaker med status «{}».",
        now.label_nb()
    )))
}

fn not_future(d: NaiveDate, today: NaiveDate) -> Result<(), ProposalError> {
    if d > today {
        return Err(ProposalError::InFuture);
    }
    Ok(())
}

/// The history with its open (last) period closed on `at` and `next` following it. A change
/// on the day the last period began takes that period's place.
pub(crate) fn close_and_push(
    h: &StatusHistory,
    at: NaiveDate,
    status: ParticipantStatus,
    ended: Option<Ended>,
) -> Result<StatusHistory, ProposalError> {
    let mut periods = h.periods().to_vec();
    let Some(last) = periods.last_mut() else {
        return Err(ProposalError::NoChange);
    };
    if at < last.valid_from {
        return Err(ProposalError::NotAfterStart(date_nb(last.valid_from)));
    }
    let from = if at == last.valid_from {
        periods.pop().map_or(at, |p| p.valid_from)
    } else {
        last.valid_to = Some(at);
        at
    };
    periods.push(StatusPeriod {
        status,
        ended,
        valid_from: from,
        valid_to: None,
    });
    StatusHistory::new(periods).map_err(|e| ProposalError::WrongStatus(e.to_string()))
}

/// The provider starts a participant who waits for it (VENTER_PA_OPPSTART → DELTAR on
/// `start`): not before the referral, not in the future. The start is the index date that
/// outcomes and payments count from.
pub fn start(
    p: &Participation,
    on: NaiveDate,
    today: NaiveDate,
) -> Result<Participation, ProposalError> {
    require(p, &[ParticipantStatus::VenterPaOppstart], "Oppstart")?;
    check_start_date(p, on, today)?;
    Ok(Participation {
        statuses: close_and_push(&p.statuses, on, ParticipantStatus::Deltar, None)?,
        ..p.clone()
    })
}

fn check_start_date(
    p: &Participation,
    on: NaiveDate,
    today: NaiveDate,
) -> Result<(), ProposalError> {
    let referred = p.statuses.periods().first().map(|s| s.valid_from);
    if let Some(referred) = referred.filter(|r| on < *r) {
        return Err(ProposalError::BeforeReferral(date_nb(referred)));
    }
    not_future(on, today)
}

use ParticipantStatus as S;

/// The participation after `change`, or why the change cannot apply to it now.
pub fn apply(
    change: &Change,
    p: &Participation,
    today: NaiveDate,
) -> Result<Participation, ProposalError> {
    let kind = change.kind().label_nb();
    let index = p.statuses.index_date();
    match change {
        Change::Extend { end } => {
            require(p, &[S::VenterPaOppstart, S::Deltar], kind)?;
            let floor = p.planned_end.unwrap_or(today);
            if *end <= floor {
                return Err(ProposalError::NotLater(date_nb(floor)));
            }
            Ok(Participation {
                planned_end: Some(*end),
                ..p.clone()
            })
        }
        Change::End { end, ended } => {
            require(p, &[S::Deltar], kind)?;
            not_future(*end, today)?;
            let start = p.statuses.current().valid_from;
            if *end <= start {
                return Err(ProposalError::NotAfterStart(date_nb(start)));
            }
            Ok(Participation {
                statuses: close_and_push(&p.statuses, *end, S::HarSluttet, Some(ended.clone()))?,
                ..p.clone()
            })
        }
        Change::NotRelevant { ended } => {
            require(
                p,
                &[S::SoktInn, S::Vurderes, S::Venteliste, S::VenterPaOppstart],
                kind,
            )?;
            Ok(Participation {
                statuses: close_and_push(&p.statuses, today, S::IkkeAktuell, Some(ended.clone()))?,
                ..p.clone()
            })
        }
        Change::Amount(a) => {
            require(p, &[S::VenterPaOppstart, S::Deltar], kind)?;
            if !(1..=100).contains(&a.percent) {
                return Err(ProposalError::Percent);
            }
            if a.days_per_week.is_some_and(|d| !(1..=5).contains(&d)) {
                return Err(ProposalError::Days);
            }
            if let Some(start) = index.filter(|s| a.valid_from < *s) {
                return Err(ProposalError::NotAfterStart(date_nb(start)));
            }
            let same = p.amount.is_some_and(|now| {
                now.percent == a.percent && now.days_per_week == a.days_per_week
            });
            if same || (p.amount.is_none() && a.percent == 100 && a.days_per_week.is_none()) {
                return Err(ProposalError::NoChange);
            }
            Ok(Participation {
                amount: Some(*a),
                ..p.clone()
            })
        }
        Change::StartDate { start: on } => {
            require(p, &[S::VenterPaOppstart, S::Deltar], kind)?;
            if current(p) == S::VenterPaOppstart {
                return start(p, *on, today);
            }
            check_start_date(p, *on, today)?;
            if Some(*on) == index {
                return Err(ProposalError::NoChange);
            }
            let mut periods = p.statuses.periods().to_vec();
            let n = periods.len();
            if n >= 2 {
                // The start stays after the status before it began.
                let before = periods[n - 2].valid_from;
                if *on <= before {
                    return Err(ProposalError::TooEarly(date_nb(before)));
                }
                periods[n - 2].valid_to = Some(*on);
            }
            periods[n - 1].valid_from = *on;
            let statuses = StatusHistory::new(periods)
                .map_err(|e| ProposalError::WrongStatus(e.to_string()))?;
            Ok(Participation {
                statuses,
                ..p.clone()
            })
        }
        Change::EndDate { end } => {
            let now = current(p);
            if now == S::Deltar || now == S::VenterPaOppstart {
                if let Some(start) = index.filter(|s| end <= s) {
                    return Err(ProposalError::NotAfterStart(date_nb(start)));
                }
                if p.planned_end == Some(*end) {
                    return Err(ProposalError::NoChange);
                }
                return Ok(Participation {
                    planned_end: Some(*end),
                    ..p.clone()
                });
            }
            require(p, &[S::HarSluttet, S::Fullfort, S::Avbrutt], kind).map_err(|_| {
                ProposalError::WrongStatus(format!(
                    "{kind} gjelder ikke en deltaker med status «{}».",
                    now.label_nb()
                ))
            })?;
            not_future(*end, today)?;
            let mut periods = p.statuses.periods().to_vec();
            let n = periods.len();
            if n < 2 {
                return Err(ProposalError::NoChange);
            }
            if *end <= periods[n - 2].valid_from {
                return Err(ProposalError::NotAfterStart(date_nb(
                    periods[n - 2].valid_from,
                )));
            }
            if periods[n - 1].valid_from == *end {
                return Err(ProposalError::NoChange);
            }
            periods[n - 2].valid_to = Some(*end);
            periods[n - 1].valid_from = *end;
            let statuses = StatusHistory::new(periods)
                .map_err(|e| ProposalError::WrongStatus(e.to_string()))?;
            Ok(Participation {
                statuses,
                ..p.clone()
            })
        }
        Change::EndReason { ended } => {
            let now = current(p);
            if !matches!(now, S::HarSluttet | S::Avbrutt | S::IkkeAktuell) {
                return Err(ProposalError::WrongStatus(format!(
                    "{kind} gjelder bare en avsluttet deltakelse, ikke status «{}».",
                    now.label_nb()
                )));
            }
            if p.statuses.current().ended.as_ref() == Some(ended) {
                return Err(ProposalError::NoChange);
            }
            let mut periods = p.statuses.periods().to_vec();
            if let Some(last) = periods.last_mut() {
                last.ended = Some(ended.clone());
            }
            let statuses = StatusHistory::new(periods)
                .map_err(|e| ProposalError::WrongStatus(e.to_string()))?;
            Ok(Participation {
                statuses,
                ..p.clone()
            })
        }
        Change::RemoveStart => {
            require(p, &[S::Deltar], kind)?;
            let mut periods = p.statuses.periods().to_vec();
            let deltar = periods.pop().map(|d| d.valid_from);
            match periods.last_mut() {
                Some(before) if before.status == S::VenterPaOppstart => before.valid_to = None,
                _ => periods.push(StatusPeriod {
                    status: S::VenterPaOppstart,
                    ended: None,
                    valid_from: deltar.unwrap_or(today),
                    valid_to: None,
                }),
            }
            let statuses = StatusHistory::new(periods)
                .map_err(|e| ProposalError::WrongStatus(e.to_string()))?;
            Ok(Participation {
                statuses,
                ..p.clone()
            })
        }
    }
}

/// Where a proposal stands (amt's Forslag.Status).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum ProposalStatus {
    Waiting,
    Approved,
    Rejected,
    Withdrawn,
    Replaced,
}

impl ProposalStatus {
    pub const ANSWERS: [Self; 4] = [
        Self::Approved,
        Self::Rejected,
        Self::Withdrawn,
        Self::Replaced,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Self::Waiting => "VENTER_PA_SVAR",
            Self::Approved => "GODKJENT",
            Self::Rejected => "AVVIST",
            Self::Withdrawn => "TILBAKEKALT",
            Self::Replaced => "ERSTATTET",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        [Self::Waiting]
            .into_iter()
            .chain(Self::ANSWERS)
            .find(|s| s.code() == code)
    }

    pub fn label_nb(self) -> &'static str {
        match self {
            Self::Waiting => "Venter på svar fra Nav",
            Self::Approved => "Godkjent",
            Self::Rejected => "Avvist",
            Self::Withdrawn => "Trukket tilbake",
            Self::Replaced => "Erstattet av et nyere forslag",
        }
    }
}

/// Checks an answer to a proposal: only a waiting one is answered; Nav's case officer
/// approves or rejects (with a reason), provider staff withdraw.
pub fn check_answer(
    status: ProposalStatus,
    answer: ProposalStatus,
    role: crate::role::Role,
    reason: Option<&str>,
) -> Result<(), ProposalError> {
    use crate::role::Role;
    if status != ProposalStatus::Waiting {
        return Err(ProposalError::Answered(status.label_nb()));
    }
    match answer {
        ProposalStatus::Approved | ProposalStatus::Rejected if role != Role::NavCaseOfficer => Err(
            ProposalError::Role("svare på forslag; det gjør Nav-veilederen"),
        ),
        ProposalStatus::Withdrawn if !matches!(role, Role::ProviderStaff | Role::ProviderAdmin) => {
            Err(ProposalError::Role(
                "trekke tilbake forslag; det gjør leverandøren",
            ))
        }
        ProposalStatus::Rejected => {
            let text = reason.map(str::trim).unwrap_or("");
            if text.is_empty() || text.chars().count() > MAX_TEXT {
                return Err(ProposalError::RejectionReason);
            }
            Ok(())
        }
        ProposalStatus::Waiting => Err(ProposalError::NoChange),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests;
