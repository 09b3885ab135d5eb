//! Groups and sessions (issue 14, item 1): the provider's staff and admins see their
//! organisation's groups, add members (an 11th only with a reason), plan single sessions and
//! weekly series (refused when the room or the teacher is taken), and cancel a session with a
//! reason. Attendance is in `attendance.rs`, a member leaving in `group_members.rs`. Nobody
//! else sees a group page: Nav and the others get attendance as published figures
//! (`attendance_figures.rs`) only. A protected member is masked unless the viewer is assigned to them; every name shown
//! is audited.

use chrono::NaiveDateTime;
use effekt_domain::dates::{date_nb, oslo_local, parse_civil_date, parse_clock};
use effekt_domain::groups::{self as rules, GroupError, Membership, SessionState};
use effekt_domain::ids::{GroupId, ParticipantId, ProviderId, UserId};
use effekt_domain::plan;
use effekt_store::groups::{
    CheckedWindow, GroupRecord, NewMembership, NewSession, StoredMember, StoredSession,
};
use effekt_store::model::ParticipantScope;
use serde::Serialize;

use super::participants::unmasked;
use super::ParticipantAccess;
use crate::audit::{self, Purpose};
use crate::{AppError, FieldError};

#[derive(Debug, Clone, Serialize)]
pub struct GroupSummary {
    pub id: i64,
    pub name: String,
    pub contract: String,
    pub members: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct MemberView {
    pub participant: i64,
    pub name: String,
    pub masked: bool,
    pub from: String,
    pub to: Option<String>,
    pub current: bool,
    pub override_reason: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct GroupSessionView {
    pub id: i64,
    pub when: String,
    pub place: String,
    pub teacher: String,
    pub module: String,
    pub state: &'static str,
    pub cancelled: Option<String>,
    pub marked: i64,
    /// Begun, not cancelled: attendance may be taken (or corrected).
    pub may_take: bool,
    pub may_cancel: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct GroupView {
    pub id: i64,
    pub name: String,
    pub contract: String,
    pub members: Vec<MemberView>,
    pub current_members: usize,
    pub full: bool,
    pub sessions: Vec<GroupSessionView>,
    /// The provider's staff who may teach: (key, "Name (username)").
    pub teachers: Vec<(i64, String)>,
}

#[derive(Debug, Clone, Serialize)]
pub struct AttendanceRow {
    pub participant: i64,
    pub name: String,
    pub masked: bool,
    pub presence: String,
    pub reason: String,
    pub hours: String,
    pub recorded: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct AttendanceView {
    pub group: i64,
    pub group_name: String,
    pub session: GroupSessionView,
    pub rows: Vec<AttendanceRow>,
    /// The form was taken before: saving again is a correction and needs a reason.
    pub taken: bool,
}

/// A time span as the pages write it: "02.03.2026 kl. 09.00–10.30".
pub(super) fn time_span(starts: NaiveDateTime, minutes: i32) -> String {
    let ends = starts + chrono::Duration::minutes(i64::from(minutes));
    format!(
        "{} kl. {}–{}",
        date_nb(starts.date()),
        starts.format("%H.%M"),
        ends.format("%H.%M")
    )
}

/// A session's time as the pages write it.
fn when(s: &StoredSession) -> String {
    time_span(s.starts, s.minutes)
}

pub(super) fn refused(e: GroupError) -> FieldError {
    FieldError::new(e.field(), e.to_string())
}

pub(super) fn as_session(s: &StoredSession) -> Option<rules::Session> {
    Some(rules::Session {
        starts: s.starts,
        minutes: u16::try_from(s.minutes).ok()?,
        place: s
            .room
            .clone()
            .map_or(rules::Place::Remote, rules::Place::Room),
        teacher: s.teacher,
        module: plan::module(&s.module)?,
    })
}

/// A member's name, or the mask when the viewer may not see who it is.
pub(super) fn shown_name(m: &StoredMember, open: bool) -> String {
    if open {
        format!("{} {}", m.given_name, m.family_name)
    } else {
        m.protection
            .mask_nb()
            .unwrap_or("Skjermet person")
            .to_owned()
    }
}

/// Where a stored session stands.
pub(super) fn state_of(s: &StoredSession) -> SessionState {
    match (&s.cancelled, s.marked > 0) {
        (Some(r), _) => SessionState::Cancelled(r.clone()),
        (None, true) => SessionState::Held,
        (None, false) => SessionState::Planned,
    }
}

pub(super) fn memberships(members: &[StoredMember]) -> Vec<Membership> {
    members
        .iter()
        .map(|m| Membership {
            participant: m.participant,
            from: m.from,
            to: m.to,
        })
        .collect()
}

impl ParticipantAccess {
    /// The provider whose groups this viewer works with: its staff and admins.
    pub(super) fn group_provider(&self) -> Result<ProviderId, AppError> {
        match self.scope {
            ParticipantScope::Provider(p) | ParticipantScope::Teacher { provider: p, .. }
                if crate::policy::has(self.viewer.user.role, crate::policy::Grant::Groups) =>
            {
                Ok(p)
            }
            _ => Err(AppError::Forbidden),
        }
    }

    /// A teacher's groups (those she teaches a session of that is not cancelled, as her
    /// participant scope counts them); `None` for everyone else, who works with all of the
    /// provider's groups.
    pub(super) async fn taught_groups(
        &self,
    ) -> Result<Option<std::collections::HashSet<GroupId>>, AppError> {
        let ParticipantScope::Teacher { teacher, .. } = self.scope else {
            return Ok(None);
        };
        // Bounds both stores compare alike (SQLite compares the text).
        let from = NaiveDateTime::default();
        let to = chrono::NaiveDate::from_ymd_opt(9999, 12, 31)
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .unwrap_or(from);
        Ok(Some(
            self.app
                .store
                .teacher_sessions(teacher, from, to)
                .await?
                .into_iter()
                .filter(|t| t.session.cancelled.is_none())
                .map(|t| t.session.group)
                .collect(),
        ))
    }

    /// Whether this viewer works with groups: the provider's staff and admins.
    pub fn may_see_groups(&self) -> bool {
        self.group_provider().is_ok()
    }

    /// The group, when it is the viewer's provider's (another provider's: not found).
    pub(super) async fn own_group(&self, id: GroupId) -> Result<GroupRecord, AppError> {
        let provider = self.group_provider()?;
        let taught = self.taught_groups().await?;
        match self.app.store.group(id).await? {
            Some(g)
                if g.provider == provider && taught.as_ref().is_none_or(|t| t.contains(&id)) =>
            {
                Ok(g)
            }
            _ => Err(AppError::NotFound),
        }
    }

    pub(super) fn session_view(&self, s: &StoredSession, now: NaiveDateTime) -> GroupSessionView {
        let module =
            plan::module(&s.module).map_or_else(|| s.module.clone(), |m| m.label_nb.to_owned());
        let begun = s.starts <= now;
        GroupSessionView {
            id: s.id,
            when: when(s),
            place: s.room.clone().unwrap_or_else(|| "Digitalt".to_owned()),
            teacher: s.teacher_name.clone(),
            module,
            state: match (&s.cancelled, s.marked > 0) {
                (Some(_), _) => "Avlyst",
                (None, true) => "Oppmøte tatt",
                (None, false) if begun => "Venter på oppmøte",
                _ => "Planlagt",
            },
            cancelled: s.cancelled.clone(),
            marked: s.marked,
            may_take: s.cancelled.is_none() && begun,
            may_cancel: s.cancelled.is_none() && s.marked == 0,
        }
    }

    /// The viewer's provider's groups with their members today.
    pub async fn provider_groups(&self) -> Result<Vec<GroupSummary>, AppError> {
        let provider = self.group_provider()?;
        let today = self.app.today();
        let taught = self.taught_groups().await?;
        Ok(self
            .app
            .store
            .provider_groups(provider, today)
            .await?
            .into_iter()
            .filter(|(g, _)| taught.as_ref().is_none_or(|t| t.contains(&g.id)))
            .map(|(g, members)| GroupSummary {
                id: g.id.0,
                name: g.name,
                contract: g.contract_name,
                members,
            })
            .collect())
    }

    /// A group's page: members over time, sessions, and who may teach. Names shown audited.
    pub async fn group_page(&self, id: GroupId) -> Result<GroupView, AppError> {
        let g = self.own_group(id).await?;
        let mut members = self
            .app
            .store
            .group_members(id, self.viewer.user.id)
            .await?;
        let today = self.app.today();
        let current = memberships(&members).iter().filter(|m| m.on(today)).count();
        // A teacher sees who is in her group now (and, on a session's form, who was then);
        // members who have left are not hers to look up.
        if matches!(self.scope, ParticipantScope::Teacher { .. }) {
            members.retain(|m| m.from <= today && m.to.is_none_or(|t| today < t));
        }
        let shown: Vec<_> = members
            .iter()
            .filter(|m| unmasked(m.protection, m.viewer_assigned))
            .map(|m| m.person)
            .collect();
        self.permit(shown, Purpose::ParticipantList).await?;
        let now = oslo_local(self.app.now());
        let sessions = self.app.store.group_sessions(id).await?;
        let provider = g.provider;
        let teachers = self
            .app
            .store
            .provider_teachers(provider)
            .await?
            .into_iter()
            .map(|(id, name)| (id.0, name))
            .collect();
        Ok(GroupView {
            id: g.id.0,
            name: g.name,
            contract: g.contract_name,
            members: members
                .iter()
                .map(|m| {
                    let open = unmasked(m.protection, m.viewer_assigned);
                    MemberView {
                        participant: m.participant.0,
                        name: shown_name(m, open),
                        masked: !open,
                        from: date_nb(m.from),
                        to: m.to.map(date_nb),
                        current: m.from <= today && m.to.is_none_or(|t| today < t),
                        override_reason: m.override_reason.clone(),
                    }
                })
                .collect(),
            current_members: current,
            full: current >= rules::GROUP_MAX,
            sessions: sessions.iter().map(|s| self.session_view(s, now)).collect(),
            teachers,
        })
    }

    /// Adds a participant of the provider (by key, as the list links them) to the group from
    /// a date; an 11th member needs a reason.
    pub async fn join_group(
        &self,
        id: GroupId,
        participant: &str,
        from: &str,
        reason: &str,
    ) -> Result<Result<(), FieldError>, AppError> {
        let g = self.own_group(id).await?;
        let Ok(participant) = participant.trim().parse::<i64>().map(ParticipantId) else {
            return Ok(Err(FieldError::new(
                "deltaker",
                "Skriv deltakerens nummer i listen.",
            )));
        };
        // The participant must be one the viewer sees unmasked, of the group's contract.
        let d = match self.in_scope(participant).await? {
            Some(d) if unmasked(d.protection, d.viewer_assigned) && d.contract == g.contract => d,
            _ => {
                // A probe of someone the viewer may not add: audited, answered as not found.
                audit::deny(
                    &self.app,
                    &self.viewer,
                    participant,
                    Purpose::ParticipantList,
                )
                .await?;
                return Ok(Err(FieldError::new(
                    "deltaker",
                    "Fant ingen deltaker med det nummeret hos dere i denne kontrakten.",
                )));
            }
        };
        let from = match parse_civil_date(from) {
            Ok(from) => from,
            Err(e) => return Ok(Err(FieldError::new("fra", e.message_nb()))),
        };
        let members = self
            .app
            .store
            .group_members(id, self.viewer.user.id)
            .await?;
        let reason = match rules::join(&memberships(&members), participant, from, reason) {
            Ok(reason) => reason,
            Err(e) => return Ok(Err(refused(e))),
        };
        let (by, at) = (self.viewer.user.id, self.app.now());
        let joining = NewMembership {
            group: id,
            participant,
            from,
            override_reason: reason,
            checked: members.len(),
        };
        if !self.app.store.join_group(&joining, by, at).await? {
            return Ok(Err(FieldError::new(
                "deltaker",
                "Gruppen ble endret av en annen i mellomtiden. Se på den igjen.",
            )));
        }
        self.permit([d.person], Purpose::ParticipantList).await?;
        self.log_group(id, "group.join", &participant.0.to_string())
            .await?;
        Ok(Ok(()))
    }

    /// Plans a session, or a weekly series of `repeat` sessions, checked against the
    /// provider's other sessions for room and teacher.
    #[allow(clippy::too_many_arguments)]
    pub async fn plan_session(
        &self,
        id: GroupId,
        date: &str,
        time: &str,
        minutes: &str,
        room: &str,
        remote: bool,
        teacher: &str,
        module: &str,
        repeat: &str,
    ) -> Result<Result<usize, FieldError>, AppError> {
        let g = self.own_group(id).await?;
        let date = match parse_civil_date(date) {
            Ok(d) => d,
            Err(e) => return Ok(Err(FieldError::new("dato", e.message_nb()))),
        };
        let Some(time) = parse_clock(time) else {
            return Ok(Err(FieldError::new(
                "klokkeslett",
                "Skriv klokkeslettet som tt:mm.",
            )));
        };
        let Ok(minutes) = minutes.trim().parse::<u16>() else {
            return Ok(Err(refused(GroupError::Length)));
        };
        let teacher = teacher.trim().parse::<i64>().ok().map(UserId);
        let teachers = self.app.store.provider_teachers(g.provider).await?;
        let Some(teacher) = teacher.filter(|t| teachers.iter().any(|(id, _)| id == t)) else {
            return Ok(Err(FieldError::new("laerer", "Velg en lærer fra listen.")));
        };
        let starts = date.and_time(time);
        let first = match rules::session(starts, minutes, room, remote, teacher, module) {
            Ok(s) => s,
            Err(e) => return Ok(Err(refused(e))),
        };
        let repeat = repeat.trim();
        let (starts, series) = if repeat.is_empty() || repeat == "1" {
            (vec![starts], None)
        } else {
            let Ok(count) = repeat.parse::<u8>() else {
                return Ok(Err(refused(GroupError::SeriesLength)));
            };
            match rules::weekly(starts, count) {
                Ok(all) => (
                    all,
                    Some(format!("{}-{}", id.0, starts.format("%Y%m%d%H%M"))),
                ),
                Err(e) => return Ok(Err(refused(e))),
            }
        };
        let (Some(earliest), Some(latest)) = (starts.first(), starts.last()) else {
            return Ok(Err(refused(GroupError::SeriesLength)));
        };
        let window = chrono::Duration::hours(8);
        let (from, to) = (*earliest - window, *latest + window);
        let planned = self
            .app
            .store
            .provider_sessions_between(g.provider, from, to)
            .await?;
        let checked = CheckedWindow {
            provider: g.provider,
            from,
            to,
            sessions: planned.iter().map(|s| s.id).collect(),
        };
        let others: Vec<(rules::Session, String)> = planned
            .iter()
            .filter_map(|s| as_session(s).map(|x| (x, when(s))))
            .collect();
        let mut new = Vec::with_capacity(starts.len());
        for at in starts {
            let session = rules::Session {
                starts: at,
                ..first.clone()
            };
            if let Err(e) = rules::clash(&session, others.iter().map(|(s, l)| (s, l.as_str()))) {
                return Ok(Err(refused(e)));
            }
            new.push(NewSession {
                session,
                series: series.clone(),
            });
        }
        let (by, at) = (self.viewer.user.id, self.app.now());
        let Some(ids) = self
            .app
            .store
            .plan_sessions(id, &checked, &new, by, at)
            .await?
        else {
            return Ok(Err(FieldError::new(
                "dato",
                "Noen planla eller avlyste en økt samtidig. Se på timeplanen og prøv igjen.",
            )));
        };
        self.log_group(id, "session.plan", &ids.len().to_string())
            .await?;
        Ok(Ok(ids.len()))
    }

    /// The session, when it is of the viewer's provider's group `id`.
    pub(super) async fn own_session(
        &self,
        id: GroupId,
        session: i64,
    ) -> Result<(GroupRecord, StoredSession), AppError> {
        let g = self.own_group(id).await?;
        match self.app.store.group_session(session).await? {
            Some(s) if s.group == id => Ok((g, s)),
            _ => Err(AppError::NotFound),
        }
    }

    /// Cancels a planned session without attendance, with a reason.
    pub async fn cancel_session(
        &self,
        id: GroupId,
        session: i64,
        reason: &str,
    ) -> Result<Result<(), FieldError>, AppError> {
        let (_, s) = self.own_session(id, session).await?;
        let state = state_of(&s);
        let reason = match rules::cancel(&state, reason) {
            Ok(SessionState::Cancelled(reason)) => reason,
            Ok(_) => {
                return Err(AppError::internal(
                    "a cancellation",
                    std::io::Error::other("state"),
                ))
            }
            Err(e) => return Ok(Err(FieldError::new("avlysning", e.to_string()))),
        };
        let (by, at) = (self.viewer.user.id, self.app.now());
        if !self
            .app
            .store
            .cancel_session(session, &reason, by, at)
            .await?
        {
            return Ok(Err(FieldError::new(
                "avlysning",
                "Økta ble endret av en annen i mellomtiden. Se på den igjen.",
            )));
        }
        self.log_group(id, "session.cancel", &session.to_string())
            .await?;
        Ok(Ok(()))
    }

    pub(super) async fn log_group(
        &self,
        id: GroupId,
        action: &str,
        what: &str,
    ) -> Result<(), AppError> {
        let op = audit::operation(
            &self.app,
            &self.viewer,
            action,
            format!("group:{}:{what}", id.0),
        );
        Ok(self.app.store.append_operation(&op).await?)
    }
}
