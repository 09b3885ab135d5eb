//! Groups, sessions and attendance (issue 14): the programme works in groups of 8–10 that
//! meet in sessions — in a room or remote, with a teacher, perhaps an interpreter, on a module
//! of the plan's catalogue — and staff take attendance for the whole group at once. The rules
//! here are pure: who may join a group, when a session clashes with another, which steps a
//! session may take, and what an attendance form must hold. Times are Oslo wall-clock times.

use chrono::{Duration, NaiveDate, NaiveDateTime};
use rust_decimal::Decimal;

use crate::ids::{ParticipantId, UserId};
use crate::plan::{self, ModuleDef};

/// The size a group is planned for; an 11th member only with a written reason.
pub const GROUP_MIN: usize = 8;
pub const GROUP_MAX: usize = 10;

/// A participant's membership of a group over time (`to` exclusive; `None`: still a member).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Membership {
    pub participant: ParticipantId,
    pub from: NaiveDate,
    pub to: Option<NaiveDate>,
}

impl Membership {
    pub fn on(&self, day: NaiveDate) -> bool {
        self.from <= day && self.to.is_none_or(|to| day < to)
    }
}

/// Why a change to a group, a session or an attendance form is refused; `field()` names the
/// form field it belongs beside.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GroupError {
    #[error("Gruppen har allerede {0} deltakere. En deltaker til krever en begrunnelse.")]
    Full(usize),
    #[error("Deltakeren er allerede med i gruppen.")]
    AlreadyMember,
    #[error("{0}")]
    Text(String),
    #[error("Økta må vare mellom 15 minutter og 8 timer.")]
    Length,
    #[error("Velg en modul fra planens katalog.")]
    UnknownModule,
    #[error("Skriv rommet, eller velg digitalt.")]
    NoRoom,
    #[error("Rommet er opptatt: {0}.")]
    RoomTaken(String),
    #[error("Læreren har en annen økt da: {0}.")]
    TeacherTaken(String),
    #[error("En serie har mellom 2 og 40 økter.")]
    SeriesLength,
    #[error("{0}")]
    WrongState(&'static str),
    #[error("Oppmøte kan ikke registreres før økta har begynt.")]
    Future,
    #[error("{0} er ikke med i gruppen på øktas dato.")]
    NotMember(String),
    #[error("Registrer oppmøte for alle i gruppen ({0} mangler).")]
    Missing(usize),
    #[error("Velg oppmøte for hver deltaker.")]
    NoPresence,
    #[error("Velg en fraværsgrunn.")]
    NoReason,
    #[error("Timer må være et tall fra 0 til øktas lengde ({0}).")]
    Hours(String),
    #[error("Deltakeren er ikke med i gruppen nå.")]
    NotCurrentMember,
    #[error("Velg en dato etter {0}, da deltakeren ble med.")]
    LeaveBeforeJoin(String),
    #[error("Deltakeren har oppmøte registrert {0}; velg en dato etter den.")]
    LeaveBeforeAttendance(String),
}

impl GroupError {
    pub fn field(&self) -> &'static str {
        match self {
            Self::Full(_) => "begrunnelse",
            Self::AlreadyMember => "deltaker",
            Self::Text(_) => "begrunnelse",
            Self::Length => "varighet",
            Self::UnknownModule => "modul",
            Self::NoRoom | Self::RoomTaken(_) => "rom",
            Self::TeacherTaken(_) => "laerer",
            Self::SeriesLength => "antall",
            Self::WrongState(_) => "okt",
            Self::Future | Self::Missing(_) => "oppmote",
            Self::NotMember(_) | Self::NoPresence | Self::NoReason | Self::Hours(_) => "oppmote",
            Self::NotCurrentMember => "slutt_deltaker",
            Self::LeaveBeforeJoin(_) | Self::LeaveBeforeAttendance(_) => "til",
        }
    }
}

/// Checks a new member joining on `from`: not a member then already, and the group below
/// [`GROUP_MAX`] unless `override_reason` says why (returned trimmed, to be stored).
pub fn join(
    memberships: &[Membership],
    participant: ParticipantId,
    from: NaiveDate,
    override_reason: &str,
) -> Result<Option<String>, GroupError> {
    if memberships
        .iter()
        .any(|m| m.participant == participant && (m.on(from) || m.from > from))
    {
        return Err(GroupError::AlreadyMember);
    }
    let members = memberships.iter().filter(|m| m.on(from)).count();
    if members < GROUP_MAX {
        return Ok(None);
    }
    match crate::free_text::shared(override_reason, true, 500) {
        Ok(Some(reason)) => Ok(Some(reason)),
        Ok(None) | Err(crate::free_text::SharedTextError::Missing) => {
            Err(GroupError::Full(members))
        }
        Err(e) => Err(GroupError::Text(e.to_string())),
    }
}

/// Checks a member leaving the group on `on` (the first day no longer a member): a current
/// membership, begun before `on`, and no attendance on or after `on` (`last_marked`: the day of
/// the participant's latest session with a mark).
pub fn leave(
    memberships: &[Membership],
    participant: ParticipantId,
    on: NaiveDate,
    last_marked: Option<NaiveDate>,
) -> Result<(), GroupError> {
    let Some(open) = memberships
        .iter()
        .find(|m| m.participant == participant && m.to.is_none())
    else {
        return Err(GroupError::NotCurrentMember);
    };
    if on <= open.from {
        return Err(GroupError::LeaveBeforeJoin(crate::dates::date_nb(
            open.from,
        )));
    }
    if let Some(day) = last_marked.filter(|d| *d >= on) {
        return Err(GroupError::LeaveBeforeAttendance(crate::dates::date_nb(
            day,
        )));
    }
    Ok(())
}

/// Where a session is held.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Place {
    Room(String),
    Remote,
}

/// A session as planned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub starts: NaiveDateTime,
    pub minutes: u16,
    pub place: Place,
    pub teacher: UserId,
    pub module: &'static ModuleDef,
}

impl Session {
    pub fn ends(&self) -> NaiveDateTime {
        self.starts + Duration::minutes(i64::from(self.minutes))
    }

    /// Whether the two sessions share a minute.
    pub fn overlaps(&self, other: &Session) -> bool {
        self.starts < other.ends() && other.starts < self.ends()
    }
}

/// Checks a session as typed: 15 minutes to 8 hours, a module of the catalogue, a room unless
/// remote.
pub fn session(
    starts: NaiveDateTime,
    minutes: u16,
    room: &str,
    remote: bool,
    teacher: UserId,
    module: &str,
) -> Result<Session, GroupError> {
    if !(15..=480).contains(&minutes) {
        return Err(GroupError::Length);
    }
    let module = plan::module(module.trim()).ok_or(GroupError::UnknownModule)?;
    let place = if remote {
        Place::Remote
    } else {
        match crate::free_text::shared(room, true, 100) {
            Ok(Some(room)) => Place::Room(room),
            Ok(None) | Err(crate::free_text::SharedTextError::Missing) => {
                return Err(GroupError::NoRoom)
            }
            Err(e) => return Err(GroupError::Text(e.to_string())),
        }
    };
    Ok(Session {
        starts,
        minutes,
        place,
        teacher,
        module,
    })
}

/// The first clash of `new` with a session already planned (cancelled ones do not count):
/// the same room (rooms compared without case) or teacher at a time they overlap (an
/// interpreter's clashes are the bookings', `crate::interpreters`). `label` names the other session in the message.
pub fn clash<'a>(
    new: &Session,
    planned: impl IntoIterator<Item = (&'a Session, &'a str)>,
) -> Result<(), GroupError> {
    for (other, label) in planned {
        if !new.overlaps(other) {
            continue;
        }
        if let (Place::Room(a), Place::Room(b)) = (&new.place, &other.place) {
            if a.to_lowercase() == b.to_lowercase() {
                return Err(GroupError::RoomTaken(label.to_owned()));
            }
        }
        if new.teacher == other.teacher {
            return Err(GroupError::TeacherTaken(label.to_owned()));
        }
    }
    Ok(())
}

/// The start times of a weekly series of `count` sessions from `first`.
pub fn weekly(first: NaiveDateTime, count: u8) -> Result<Vec<NaiveDateTime>, GroupError> {
    if !(2..=40).contains(&count) {
        return Err(GroupError::SeriesLength);
    }
    Ok((0..i64::from(count))
        .map(|w| first + Duration::weeks(w))
        .collect())
}

/// Where a session stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SessionState {
    Planned,
    /// Attendance taken.
    Held,
    Cancelled(String),
}

impl SessionState {
    pub fn code(&self) -> &'static str {
        match self {
            Self::Planned => "PLANLAGT",
            Self::Held => "GJENNOMFORT",
            Self::Cancelled(_) => "AVLYST",
        }
    }
}

/// Cancels a planned session with a reason.
pub fn cancel(state: &SessionState, reason: &str) -> Result<SessionState, GroupError> {
    match state {
        SessionState::Planned => {}
        SessionState::Held => {
            return Err(GroupError::WrongState(
                "Økta er gjennomført og har oppmøte; den kan ikke avlyses.",
            ))
        }
        SessionState::Cancelled(_) => {
            return Err(GroupError::WrongState("Økta er allerede avlyst."))
        }
    }
    match crate::free_text::shared(reason, true, 500) {
        Ok(Some(reason)) => Ok(SessionState::Cancelled(reason)),
        Ok(None) | Err(crate::free_text::SharedTextError::Missing) => {
            Err(GroupError::Text("Skriv hvorfor økta avlyses.".to_owned()))
        }
        Err(e) => Err(GroupError::Text(e.to_string())),
    }
}

/// Why a participant was absent (a fixed list, so that the rates can be read by reason).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AbsenceReason {
    Sick,
    SickChild,
    Health,
    Nav,
    Work,
    AgreedLeave,
    NoValidReason,
    Other,
}

impl AbsenceReason {
    pub const ALL: [AbsenceReason; 8] = [
        Self::Sick,
        Self::SickChild,
        Self::Health,
        Self::Nav,
        Self::Work,
        Self::AgreedLeave,
        Self::NoValidReason,
        Self::Other,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Self::Sick => "SYK",
            Self::SickChild => "SYKT_BARN",
            Self::Health => "HELSE",
            Self::Nav => "NAV",
            Self::Work => "ARBEID",
            Self::AgreedLeave => "AVTALT_FRI",
            Self::NoValidReason => "UTEN_GYLDIG_GRUNN",
            Self::Other => "ANNET",
        }
    }

    pub fn label_nb(self) -> &'static str {
        match self {
            Self::Sick => "Syk",
            Self::SickChild => "Sykt barn",
            Self::Health => "Lege, tannlege eller behandling",
            Self::Nav => "Avtale med Nav",
            Self::Work => "Jobbintervju eller arbeid",
            Self::AgreedLeave => "Avtalt fri",
            Self::NoValidReason => "Uten gyldig grunn",
            Self::Other => "Annet",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.code() == code)
    }
}

/// One participant's attendance at a session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Presence {
    Present,
    Remote,
    Absent(AbsenceReason),
}

impl Presence {
    pub fn code(&self) -> &'static str {
        match self {
            Self::Present => "TILSTEDE",
            Self::Remote => "DIGITALT",
            Self::Absent(_) => "FRAVAER",
        }
    }
}

/// A mark of the attendance form as typed: who, presence code, absence reason code, hours
/// (empty: the whole session).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TypedMark {
    pub participant: ParticipantId,
    /// How the page names the participant, for a refusal.
    pub name: String,
    pub presence: String,
    pub reason: String,
    pub hours: String,
}

/// A checked mark: hours attended (0 when absent).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mark {
    pub participant: ParticipantId,
    pub presence: Presence,
    pub hours: Decimal,
}

/// Checks an attendance form for a session held or planned, taken at `now`: the session has
/// begun and is not cancelled, every mark is for a member on the session's day, every member
/// has one, an absence has a reason, hours lie between 0 and the session's length (part-time).
pub fn attendance(
    session: &Session,
    state: &SessionState,
    members: &[Membership],
    typed: &[TypedMark],
    now: NaiveDateTime,
) -> Result<Vec<Mark>, GroupError> {
    if let SessionState::Cancelled(_) = state {
        return Err(GroupError::WrongState(
            "Økta er avlyst; det tas ikke oppmøte.",
        ));
    }
    if session.starts > now {
        return Err(GroupError::Future);
    }
    let day = session.starts.date();
    let length = Decimal::from(session.minutes) / Decimal::from(60);
    let mut marks = Vec::with_capacity(typed.len());
    for t in typed {
        if !members
            .iter()
            .any(|m| m.participant == t.participant && m.on(day))
        {
            return Err(GroupError::NotMember(t.name.clone()));
        }
        let presence = match t.presence.trim() {
            "TILSTEDE" => Presence::Present,
            "DIGITALT" => Presence::Remote,
            "FRAVAER" => Presence::Absent(
                AbsenceReason::from_code(t.reason.trim()).ok_or(GroupError::NoReason)?,
            ),
            _ => return Err(GroupError::NoPresence),
        };
        let hours = match (&presence, t.hours.trim()) {
            (Presence::Absent(_), _) => Decimal::ZERO,
            (_, "") => length,
            (_, typed) => {
                let hours: Decimal = typed
                    .replace(',', ".")
                    .parse()
                    .map_err(|_| GroupError::Hours(hours_nb(length)))?;
                if hours < Decimal::ZERO || hours > length {
                    return Err(GroupError::Hours(hours_nb(length)));
                }
                hours
            }
        };
        marks.push(Mark {
            participant: t.participant,
            presence,
            hours,
        });
    }
    let expected = members.iter().filter(|m| m.on(day)).count();
    let marked = members
        .iter()
        .filter(|m| m.on(day) && typed.iter().any(|t| t.participant == m.participant))
        .count();
    if marked < expected {
        return Err(GroupError::Missing(expected - marked));
    }
    Ok(marks)
}

fn hours_nb(hours: Decimal) -> String {
    format!("{} t", hours.round_dp(2).normalize()).replace('.', ",")
}

/// Hours attended over hours planned, as a share from 0 to 1; `None` when nothing was planned.
pub fn attendance_rate(marks: &[(Decimal, Decimal)]) -> Option<Decimal> {
    let planned: Decimal = marks.iter().map(|(_, p)| *p).sum();
    if planned.is_zero() {
        return None;
    }
    let attended: Decimal = marks.iter().map(|(a, _)| *a).sum();
    Some(attended / planned)
}

/// The bands the published figures count groups in by attendance (the lower bound of each,
/// in whole per cent of hours planned).
pub const RATE_BANDS: [(&str, i64); 4] = [
    ("Under 50 %", 0),
    ("50–69 %", 50),
    ("70–84 %", 70),
    ("85 % og over", 85),
];

/// The band (index into [`RATE_BANDS`]) of `attended` over `planned` minutes, the per cent
/// rounded down; `None` when nothing was planned.
pub fn rate_band(attended: i64, planned: i64) -> Option<usize> {
    if planned <= 0 {
        return None;
    }
    let percent = attended.saturating_mul(100) / planned;
    RATE_BANDS.iter().rposition(|(_, lower)| percent >= *lower)
}

#[cfg(test)]
mod tests;
