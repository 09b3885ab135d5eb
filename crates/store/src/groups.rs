//! Groups over time, their sessions and attendance in the store (migration 0030). A
//! supertrait of [`crate::Store`], as the workspace's others.

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use effekt_domain::groups::{Mark, Session};
use effekt_domain::ids::{ContractId, GroupId, ParticipantId, PersonKey, ProviderId, UserId};
use effekt_domain::person::Protection;

use crate::error::Result;

/// A group with the names the pages show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupRecord {
    pub id: GroupId,
    pub name: String,
    pub contract: ContractId,
    pub contract_name: String,
    pub provider: ProviderId,
}

/// One membership of a group, with the person for the page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredMember {
    pub participant: ParticipantId,
    pub person: PersonKey,
    pub given_name: String,
    pub family_name: String,
    pub protection: Protection,
    pub from: NaiveDate,
    /// The membership's end, or the day the participation ended if that came first: one who
    /// has left the programme is no longer in the group.
    pub to: Option<NaiveDate>,
    pub override_reason: Option<String>,
    /// Whether the viewer asking is assigned to the participant (a protected person unmasked).
    pub viewer_assigned: bool,
}

/// A session as planned, and whether it was cancelled or has attendance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredSession {
    pub id: i64,
    pub group: GroupId,
    pub starts: NaiveDateTime,
    pub minutes: i32,
    /// `None`: remote.
    pub room: Option<String>,
    pub teacher: UserId,
    /// "Name (username)".
    pub teacher_name: String,
    pub module: String,
    pub cancelled: Option<String>,
    /// Participants with a mark.
    pub marked: i64,
}

/// A participant's newest attendance mark for a session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredMark {
    pub participant: ParticipantId,
    pub presence: String,
    pub absence_reason: Option<String>,
    pub hours: String,
    pub correction: Option<String>,
    pub recorded_by: String,
    pub recorded_at: DateTime<Utc>,
}

/// A participant joining a group, as the rules checked it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewMembership {
    pub group: GroupId,
    pub participant: ParticipantId,
    pub from: NaiveDate,
    pub override_reason: Option<String>,
    /// How many memberships the group had when the rules looked.
    pub checked: usize,
}

/// A member leaving a group, as the rules checked it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Leaving {
    pub group: GroupId,
    pub participant: ParticipantId,
    /// The first day no longer a member.
    pub on: NaiveDate,
    /// How many memberships the group had when the rules looked.
    pub checked: usize,
}

/// What a clash check read: the provider, the window, and the keys of the planned sessions in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedWindow {
    pub provider: ProviderId,
    pub from: NaiveDateTime,
    pub to: NaiveDateTime,
    pub sessions: Vec<i64>,
}

/// A session to plan: the checked session and, for a weekly series, the series' key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSession {
    pub session: Session,
    pub series: Option<String>,
}

/// A session of a seeded term with its attendance, written in bulk (the demo).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TermSession {
    pub group: GroupId,
    pub series: String,
    pub starts: NaiveDateTime,
    pub minutes: u16,
    /// `None`: remote.
    pub room: Option<String>,
    /// Also the one who planned it and took the attendance.
    pub teacher: UserId,
    pub module: &'static str,
    pub marks: Vec<TermMark>,
}

/// One participant's attendance at a seeded session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TermMark {
    pub participant: ParticipantId,
    /// `Presence::code`.
    pub presence: &'static str,
    /// `AbsenceReason::code`, for an absence.
    pub reason: Option<&'static str>,
    /// Hours attended, as stored ("2.5").
    pub hours: String,
}

/// A group's attendance in a contract, over the newest mark of every participant and session:
/// the input of the published figures.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupAttendance {
    pub provider: ProviderId,
    pub group: GroupId,
    /// Participants with at least one mark.
    pub participants: i64,
    /// Minutes attended and planned, summed over the marks.
    pub attended_minutes: i64,
    pub planned_minutes: i64,
}

/// A session on its teacher's home.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TeacherSession {
    pub session: StoredSession,
    pub group_name: String,
    pub contract_name: String,
}

/// One attended (or missed) session of a participant: when, how long, hours attended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttendedSession {
    pub starts: NaiveDateTime,
    pub minutes: i32,
    pub hours: String,
}

#[async_trait]
pub trait GroupStore: Send + Sync {
    async fn group(&self, id: GroupId) -> Result<Option<GroupRecord>>;

    /// The provider's groups with their members today.
    async fn provider_groups(
        &self,
        provider: ProviderId,
        today: NaiveDate,
    ) -> Result<Vec<(GroupRecord, i64)>>;

    /// Every membership of the group, past and present, oldest first, as `viewer` asks.
    async fn group_members(&self, group: GroupId, viewer: UserId) -> Result<Vec<StoredMember>>;

    /// Adds the participant to the group from `from`, ending a membership of another group on
    /// that day, and makes it the participant's current group — only while the group holds
    /// `checked` memberships in all (the count the rules looked at). False, writing nothing,
    /// when somebody changed the group meanwhile.
    async fn join_group(&self, m: &NewMembership, by: UserId, at: DateTime<Utc>) -> Result<bool>;

    /// Ends the participant's open membership of the group on `on` and clears the current
    /// group — only while the group holds `checked` memberships (as `join_group`). False,
    /// writing nothing, when somebody changed the group meanwhile or the membership is closed.
    /// Who ended it and when is the operation the use case logs.
    async fn leave_group(&self, l: &Leaving) -> Result<bool>;

    /// The provider's active staff and admins, who may teach: (key, "Name (username)"), by
    /// name.
    async fn provider_teachers(&self, provider: ProviderId) -> Result<Vec<(UserId, String)>>;

    /// The group's sessions, by start.
    async fn group_sessions(&self, group: GroupId) -> Result<Vec<StoredSession>>;

    async fn group_session(&self, id: i64) -> Result<Option<StoredSession>>;

    /// Sessions of the provider's groups, not cancelled, starting from `from` to `to`: the
    /// candidates a new session may clash with.
    async fn provider_sessions_between(
        &self,
        provider: ProviderId,
        from: NaiveDateTime,
        to: NaiveDateTime,
    ) -> Result<Vec<StoredSession>>;

    /// Plans the sessions in one transaction, only while the provider's planned sessions in
    /// `checked.window` are still exactly `checked.sessions` (the ones the clash rules looked
    /// at; the provider's row is locked meanwhile, so two planners queue). Their keys, or
    /// `None`, writing nothing, when somebody planned or cancelled in the window first.
    async fn plan_sessions(
        &self,
        group: GroupId,
        checked: &CheckedWindow,
        sessions: &[NewSession],
        by: UserId,
        at: DateTime<Utc>,
    ) -> Result<Option<Vec<i64>>>;

    /// Cancels a session without attendance. False, writing nothing, when it is cancelled
    /// already or has attendance.
    async fn cancel_session(
        &self,
        session: i64,
        reason: &str,
        by: UserId,
        at: DateTime<Utc>,
    ) -> Result<bool>;

    /// The newest mark per participant of a session.
    async fn attendance(&self, session: i64) -> Result<Vec<StoredMark>>;

    /// Writes the whole form in one transaction, only while the session is not cancelled.
    /// `correction` is the reason when the form was taken before.
    async fn take_attendance(
        &self,
        session: i64,
        marks: &[Mark],
        correction: Option<&str>,
        by: UserId,
        at: DateTime<Utc>,
    ) -> Result<bool>;

    /// Sessions `teacher` teaches starting from `from` to `to`, cancelled ones included, by
    /// start, each with its group's and contract's names: the teacher's week on the home.
    async fn teacher_sessions(
        &self,
        teacher: UserId,
        from: NaiveDateTime,
        to: NaiveDateTime,
    ) -> Result<Vec<TeacherSession>>;

    /// Writes a term of sessions with their attendance in one transaction (the demo at
    /// scale), without the planning rules: the caller has laid it out without clashes.
    async fn insert_term(&self, term: &[TermSession], at: DateTime<Utc>) -> Result<()>;

    /// Per group of the contract with attendance: participants with a mark, minutes attended
    /// and planned (the newest mark of each participant and session).
    async fn attendance_by_group(&self, contract: ContractId) -> Result<Vec<GroupAttendance>>;

    /// The newest attendance mark's key (0 when none): what the published figures are kept
    /// under, since a mark is never changed, only added.
    async fn newest_mark(&self) -> Result<i64>;

    /// The participant's sessions with attendance (the newest mark of each), by start.
    async fn attended_sessions(&self, participant: ParticipantId) -> Result<Vec<AttendedSession>>;
}
