//! The provider staff's week on their home (issue 14, item 5): today's sessions one teaches,
//! sessions one taught that still lack attendance, interpreter bookings one made that the
//! interpreter has not confirmed, and the next milestone of each participant one is main
//! veileder of, when due soon or overdue. Tasks of the home, not a page of their own; none
//! names a participant (a milestone's task gives the participant's number only).

use chrono::{Duration, NaiveTime};
use effekt_domain::dates::{date_nb, oslo_local};
use effekt_domain::tasks::{self, Due, TaskKind};

use super::groups::time_span;
use super::ParticipantAccess;
use crate::audit::Purpose;
use crate::views::TaskView;
use crate::AppError;

fn task(kind: TaskKind, contract: String, subject: String, href: String, due: Due) -> TaskView {
    TaskView {
        kind: kind.code().to_owned(),
        label: kind.label_nb().to_owned(),
        contract,
        subject,
        href,
        due: Some(date_nb(due.by)),
        overdue: due.overdue,
    }
}

impl ParticipantAccess {
    /// The viewer's week: provider staff and admins only (nobody else teaches or books).
    pub(crate) async fn week_tasks(&self) -> Result<Vec<(Option<Due>, TaskView)>, AppError> {
        if !self.may_see_groups() {
            return Ok(Vec::new());
        }
        let me = self.viewer.user.id;
        let now = oslo_local(self.app.now());
        let today = now.date();
        let lookback = today - Duration::days(tasks::ATTENDANCE_LOOKBACK_DAYS);
        let tomorrow = (today + Duration::days(1)).and_time(NaiveTime::MIN);
        let sessions = self
            .app
            .store
            .teacher_sessions(me, lookback.and_time(NaiveTime::MIN), tomorrow)
            .await?;
        let mut out = Vec::new();
        for t in sessions {
            let (s, group) = (&t.session, &t.group_name);
            if s.cancelled.is_some() || s.marked > 0 {
                continue;
            }
            let place = s.room.clone().unwrap_or_else(|| "digitalt".to_owned());
            let subject = format!("{group}: {}, {place}", time_span(s.starts, s.minutes));
            let href = format!("/grupper/{}/okter/{}", s.group.0, s.id);
            let (kind, due) = if s.starts <= now {
                (
                    TaskKind::TakeAttendance,
                    tasks::attendance_due(s.starts.date(), today),
                )
            } else {
                let due = Due {
                    by: today,
                    overdue: false,
                };
                (TaskKind::TeachSession, due)
            };
            out.push((Some(due), task(kind, t.contract_name, subject, href, due)));
        }
        for b in self.app.store.requested_bookings(me, now).await? {
            let due = tasks::confirmation_due(b.starts.date(), today);
            let whom = match &b.group {
                Some((_, name)) => name.clone(),
                None => "samtale med en deltaker".to_owned(),
            };
            let subject = format!(
                "{}, {whom}: {} kl. {}",
                b.language,
                date_nb(b.starts.date()),
                b.starts.format("%H.%M")
            );
            let href = format!("/tolk#tolk-{}", b.id);
            let kind = TaskKind::ConfirmInterpreter;
            out.push((Some(due), task(kind, b.contract_name, subject, href, due)));
        }
        let guided = self.app.store.guided(me).await?;
        let mut read = Vec::new();
        for g in guided {
            let Some(started) = g.started else { continue };
            let Some((m, due)) = tasks::next_milestone(started, &g.reached, today) else {
                continue;
            };
            read.push(g.person);
            let subject = format!("{} (deltaker nr. {})", m.label_nb, g.participant.0);
            let href = format!("/deltakere/{}#plan-og-delmal", g.participant.0);
            let kind = TaskKind::FollowUpMilestone;
            out.push((Some(due), task(kind, g.contract_name, subject, href, due)));
        }
        // Each participant whose milestones the home shows is a read of their evidence.
        if !read.is_empty() {
            self.permit(read, Purpose::ParticipantEvidence).await?;
        }
        Ok(out)
    }
}
