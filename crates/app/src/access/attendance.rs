//! Attendance (issue 14, item 2): a session's form for the whole group — every member on the
//! session's day with the newest mark — taken in one write and corrected with a reason as new
//! records; and a participant's attendance rate per month for the plan section. The provider's
//! staff and admins only, as the group pages; names shown audited as `participant.attendance`.

use chrono::Datelike;
use effekt_domain::dates::{oslo_local, oslo_time};
use effekt_domain::groups::{self as rules, GroupError, SessionState, TypedMark};
use effekt_domain::ids::{GroupId, ParticipantId};
use effekt_store::groups::{AttendedSession, StoredMember};
use rust_decimal::Decimal;

use super::groups::{as_session, memberships, refused, shown_name, state_of};
use super::participants::unmasked;
use super::{AttendanceRow, AttendanceView, ParticipantAccess};
use crate::audit::Purpose;
use crate::{AppError, FieldError};

impl ParticipantAccess {
    /// The attendance form of a session: every member on its day with the newest mark.
    pub async fn attendance_form(
        &self,
        id: GroupId,
        session: i64,
    ) -> Result<AttendanceView, AppError> {
        let (g, s) = self.own_session(id, session).await?;
        let members = self
            .app
            .store
            .group_members(id, self.viewer.user.id)
            .await?;
        let marks = self.app.store.attendance(session).await?;
        let day = s.starts.date();
        let on_day: Vec<&StoredMember> = members
            .iter()
            .filter(|m| m.from <= day && m.to.is_none_or(|t| day < t))
            .collect();
        let shown: Vec<_> = on_day
            .iter()
            .filter(|m| unmasked(m.protection, m.viewer_assigned))
            .map(|m| m.person)
            .collect();
        self.permit(shown, Purpose::Attendance).await?;
        let now = oslo_local(self.app.now());
        Ok(AttendanceView {
            group: g.id.0,
            group_name: g.name,
            session: self.session_view(&s, now),
            taken: !marks.is_empty(),
            rows: on_day
                .iter()
                .map(|m| {
                    let open = unmasked(m.protection, m.viewer_assigned);
                    let mark = marks.iter().find(|k| k.participant == m.participant);
                    AttendanceRow {
                        participant: m.participant.0,
                        name: shown_name(m, open),
                        masked: !open,
                        presence: mark.map(|k| k.presence.clone()).unwrap_or_default(),
                        reason: mark
                            .and_then(|k| k.absence_reason.clone())
                            .unwrap_or_default(),
                        hours: mark.map(|k| k.hours.replace('.', ",")).unwrap_or_default(),
                        recorded: mark
                            .map(|k| format!("{}, {}", k.recorded_by, oslo_time(k.recorded_at))),
                    }
                })
                .collect(),
        })
    }

    /// Takes (or corrects, with a reason) the attendance of the whole group in one write.
    pub async fn take_attendance(
        &self,
        id: GroupId,
        session: i64,
        typed: &[(String, String, String, String)],
        correction: &str,
    ) -> Result<Result<(), FieldError>, AppError> {
        let (_, s) = self.own_session(id, session).await?;
        let members = self
            .app
            .store
            .group_members(id, self.viewer.user.id)
            .await?;
        let Some(checked) = as_session(&s) else {
            return Err(AppError::internal(
                "a stored session",
                std::io::Error::other("module"),
            ));
        };
        let state = state_of(&s);
        let mut marks = Vec::with_capacity(typed.len());
        for (participant, presence, reason, hours) in typed {
            let Ok(key) = participant.trim().parse::<i64>() else {
                return Ok(Err(FieldError::new(
                    "oppmote",
                    "Ukjent deltaker i skjemaet.",
                )));
            };
            let name = members.iter().find(|m| m.participant.0 == key).map_or_else(
                || format!("Deltaker {key}"),
                |m| {
                    if unmasked(m.protection, m.viewer_assigned) {
                        format!("{} {}", m.given_name, m.family_name)
                    } else {
                        format!("Deltaker {key}")
                    }
                },
            );
            marks.push(TypedMark {
                participant: ParticipantId(key),
                name,
                presence: presence.clone(),
                reason: reason.clone(),
                hours: hours.clone(),
            });
        }
        let now = oslo_local(self.app.now());
        let checked_marks =
            match rules::attendance(&checked, &state, &memberships(&members), &marks, now) {
                Ok(m) => m,
                Err(e) => return Ok(Err(refused(e))),
            };
        let correction = if state == SessionState::Held {
            let missing = "Oppmøtet er tatt før: skriv hvorfor det rettes.";
            match super::required_text(correction, 500, "korrigering", missing) {
                Ok(c) => Some(c),
                Err(e) => return Ok(Err(e)),
            }
        } else {
            None
        };
        let (by, at) = (self.viewer.user.id, self.app.now());
        if !self
            .app
            .store
            .take_attendance(session, &checked_marks, correction.as_deref(), by, at)
            .await?
        {
            return Ok(Err(refused(GroupError::WrongState(
                "Økta er avlyst; det tas ikke oppmøte.",
            ))));
        }
        let persons: Vec<_> = members
            .iter()
            .filter(|m| checked_marks.iter().any(|k| k.participant == m.participant))
            .map(|m| m.person)
            .collect();
        self.permit(persons, Purpose::Attendance).await?;
        self.log_group(id, "attendance.take", &session.to_string())
            .await?;
        Ok(Ok(()))
    }
}

/// A participant's attendance rate per month (hours attended over hours planned, the newest
/// mark of each session), oldest month first, as "mm.åååå" and a whole percentage.
pub(super) fn monthly_rates(sessions: &[AttendedSession]) -> Vec<(String, String)> {
    // (year, month) with each session's (hours attended, hours planned).
    type Month = ((i32, u32), Vec<(Decimal, Decimal)>);
    let mut months: Vec<Month> = Vec::new();
    for s in sessions {
        let key = (s.starts.year(), s.starts.month());
        let planned = Decimal::from(s.minutes) / Decimal::from(60);
        let hours: Decimal = s.hours.parse().unwrap_or_default();
        match months.last_mut() {
            Some((k, v)) if *k == key => v.push((hours, planned)),
            _ => months.push((key, vec![(hours, planned)])),
        }
    }
    months
        .into_iter()
        .filter_map(|((y, m), marks)| {
            let rate = rules::attendance_rate(&marks)?;
            let percent = (rate * Decimal::from(100)).round();
            Some((format!("{m:02}.{y}"), format!("{percent} %")))
        })
        .collect()
}
