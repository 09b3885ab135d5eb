//! The provider's interdisciplinary team (issue 14, item 3): a participant's team on the
//! participant page, changed by the provider's coordinator or admin; each staff member's
//! caseload on `/team`. Being on a participant's team is what lets a staff member read the
//! screening fields her discipline needs (`intake.rs`), and what unmasks a protected person;
//! a teacher who is not on the team sees only the plan and attendance of her groups'
//! participants. Nobody outside the provider sees a team or a caseload.

use effekt_domain::dates::{date_nb, parse_civil_date};
use effekt_domain::ids::{ParticipantId, ProviderId, UserId};
use effekt_domain::role::Role;
use effekt_domain::team::{self as rules, CurrentMember, Discipline, Position, TeamError};
use effekt_store::model::{ParticipantDetail, ParticipantScope, UserRecord};
use effekt_store::team::{NewMembership, StaffMember, TeamMembership};
use serde::Serialize;

use super::participants::{mask, unmasked};
use super::ParticipantAccess;
use crate::audit::{self, Purpose};
use crate::{AppError, FieldError};

/// Whether `viewer` is on participant `d`'s team: provider staff assigned to the participant
/// (a current membership keeps the assignment, `effekt_store::team`).
pub(crate) fn on_team(viewer: &UserRecord, d: &ParticipantDetail) -> bool {
    viewer.role == Role::ProviderStaff && d.viewer_assigned
}

/// Whether `viewer` sees the whole record of `d`, not just its plan and attendance: everyone
/// in scope except a teacher who only teaches the participant's group.
pub(crate) fn sees_whole_record(viewer: &UserRecord, d: &ParticipantDetail) -> bool {
    !(viewer.role == Role::ProviderStaff
        && viewer.discipline == Some(Discipline::Teacher)
        && !d.viewer_assigned)
}

#[derive(Debug, Clone, Serialize)]
pub struct TeamMemberView {
    pub user: i64,
    pub name: String,
    pub discipline: &'static str,
    pub position: &'static str,
    pub from: String,
    pub to: Option<String>,
    pub changed_by: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct TeamView {
    pub current: Vec<TeamMemberView>,
    pub past: Vec<TeamMemberView>,
    /// The coordinator and the admin change the team.
    pub may_manage: bool,
    /// Staff who may join: (key, "Name (username) – discipline").
    pub candidates: Vec<(i64, String)>,
}

#[derive(Debug, Clone, Serialize)]
pub struct StaffView {
    pub user: i64,
    pub name: String,
    pub discipline: &'static str,
    pub main: u64,
    pub co: u64,
    pub member: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct CaseloadRow {
    pub participant: i64,
    pub name: String,
    pub masked: bool,
    pub status: String,
    pub position: &'static str,
    pub from: String,
}

/// `/team`: the staff and their caseloads (the coordinator and the admin see everyone's; the
/// rest their own), and one staff member's caseload.
#[derive(Debug, Clone, Serialize)]
pub struct CaseloadView {
    pub staff: Vec<StaffView>,
    /// Whose caseload is shown, and the participants on it.
    pub whose: String,
    pub caseload: Vec<CaseloadRow>,
    pub sees_all: bool,
}

fn discipline_nb(d: Option<Discipline>) -> &'static str {
    d.map_or("Ingen fagrolle", Discipline::label_nb)
}

fn member_view(m: &TeamMembership) -> TeamMemberView {
    TeamMemberView {
        user: m.user.0,
        name: m.name.clone(),
        discipline: discipline_nb(m.discipline),
        position: m.position.label_nb(),
        from: date_nb(m.from),
        to: m.to.map(date_nb),
        changed_by: m.ended_by.clone().or_else(|| m.added_by.clone()),
    }
}

fn team_error(e: TeamError) -> FieldError {
    FieldError::new(e.field(), e.to_string())
}

/// A refusal of the leaving form, whose fields are named apart from the joining form's.
fn leave_error(e: TeamError) -> FieldError {
    let field = if e.field() == "ansatt" {
        "slutt_ansatt"
    } else {
        "slutt_fra"
    };
    FieldError::new(field, e.to_string())
}

fn current(team: &[TeamMembership]) -> Vec<CurrentMember> {
    team.iter()
        .filter(|m| m.to.is_none())
        .map(|m| CurrentMember {
            user: m.user.0,
            position: m.position,
            from: m.from,
        })
        .collect()
}

impl ParticipantAccess {
    /// The provider this viewer works for, as staff or admin (a teacher included).
    fn team_provider(&self) -> Option<ProviderId> {
        match self.scope {
            ParticipantScope::Provider(p) | ParticipantScope::Teacher { provider: p, .. }
                if self.viewer.user.role.is_provider() =>
            {
                Some(p)
            }
            _ => None,
        }
    }

    /// Whether the viewer changes teams: the provider's admin and coordinators.
    fn manages_teams(&self) -> bool {
        self.viewer.user.role == Role::ProviderAdmin
            || self.viewer.user.role == Role::ProviderStaff
                && self
                    .viewer
                    .user
                    .discipline
                    .is_some_and(Discipline::manages_teams)
    }

    /// A day typed on a team form: empty is today; never ahead of today (a place in the team
    /// opens or closes the record at once).
    fn day(&self, text: &str) -> Result<chrono::NaiveDate, TeamError> {
        let today = self.app.today();
        let day = match text.trim() {
            "" => today,
            text => parse_civil_date(text).map_err(|_| TeamError::BadDate)?,
        };
        if day > today {
            return Err(TeamError::Future);
        }
        Ok(day)
    }

    /// The participant in scope, masked or not; not found (audited as refused) otherwise.
    async fn scoped(
        &self,
        id: ParticipantId,
    ) -> Result<std::sync::Arc<ParticipantDetail>, AppError> {
        match self.in_scope(id).await? {
            Some(d) => Ok(d),
            None => {
                audit::deny(&self.app, &self.viewer, id, Purpose::ParticipantView).await?;
                Err(AppError::NotFound)
            }
        }
    }

    /// Whether this request's participant is shown to the viewer as a whole record (the page
    /// leaves out the rest for a teacher who only teaches the participant's group).
    pub async fn sees_whole_record(&self, id: ParticipantId) -> Result<bool, AppError> {
        Ok(self
            .in_scope(id)
            .await?
            .is_some_and(|d| sees_whole_record(&self.viewer.user, &d)))
    }

    /// The participant's team for the provider's staff and admins; `None` for everyone else.
    pub async fn team(&self, id: ParticipantId) -> Result<Option<TeamView>, AppError> {
        let Some(provider) = self.team_provider() else {
            return Ok(None);
        };
        // A protected participant's team is shown and changed too (it names staff, not the
        // person): that is how somebody comes to see them.
        let d = self.scoped(id).await?;
        if !sees_whole_record(&self.viewer.user, &d) {
            return Ok(None);
        }
        let team = self.app.store.team(id).await?;
        let may_manage = self.manages_teams();
        let candidates = if may_manage {
            let on: Vec<UserId> = team
                .iter()
                .filter(|m| m.to.is_none())
                .map(|m| m.user)
                .collect();
            self.app
                .store
                .provider_staff(provider)
                .await?
                .into_iter()
                .filter(|s| s.discipline.is_some() && !on.contains(&s.user))
                .map(|s| {
                    (
                        s.user.0,
                        format!("{} – {}", s.name, discipline_nb(s.discipline)),
                    )
                })
                .collect()
        } else {
            Vec::new()
        };
        let (current, past): (Vec<_>, Vec<_>) = team.iter().partition(|m| m.to.is_none());
        Ok(Some(TeamView {
            current: current.into_iter().map(member_view).collect(),
            past: past.into_iter().map(member_view).collect(),
            may_manage,
            candidates,
        }))
    }

    /// The team's writer: the coordinator or admin of the participant's provider, for a
    /// participant in scope and unmasked; anybody else is refused and audited.
    async fn team_writer(
        &self,
        id: ParticipantId,
    ) -> Result<(ProviderId, std::sync::Arc<ParticipantDetail>), AppError> {
        match self.team_provider() {
            Some(p) if self.manages_teams() => Ok((p, self.scoped(id).await?)),
            _ => {
                audit::deny(&self.app, &self.viewer, id, Purpose::ParticipantView).await?;
                Err(AppError::Forbidden)
            }
        }
    }

    /// Adds one of the provider's staff to the participant's team from `from` (empty: today)
    /// at `position`. Recorded as `team.join`.
    pub async fn join_team(
        &self,
        id: ParticipantId,
        user: &str,
        position: &str,
        from: &str,
    ) -> Result<Result<(), FieldError>, AppError> {
        let (provider, d) = self.team_writer(id).await?;
        let staff = self.app.store.provider_staff(provider).await?;
        let Some(member) = user
            .trim()
            .parse::<i64>()
            .ok()
            .and_then(|u| staff.iter().find(|s| s.user.0 == u))
            .cloned()
        else {
            return Ok(Err(team_error(TeamError::NoStaffMember)));
        };
        let Some(position) = Position::from_code(position.trim()) else {
            return Ok(Err(team_error(TeamError::NoPosition)));
        };
        let from = match self.day(from) {
            Ok(day) => day,
            Err(e) => return Ok(Err(team_error(e))),
        };
        let team = self.app.store.team(id).await?;
        let now = current(&team);
        if let Err(e) = rules::join(&now, member.user.0, member.discipline, position) {
            return Ok(Err(team_error(e)));
        }
        let checked: Vec<(UserId, Position)> =
            now.iter().map(|m| (UserId(m.user), m.position)).collect();
        let new = NewMembership {
            participant: id,
            user: member.user,
            position,
            from,
        };
        let (by, at) = (self.viewer.user.id, self.app.now());
        if self
            .app
            .store
            .join_team(new, &checked, by, at)
            .await?
            .is_none()
        {
            return Ok(Err(FieldError::new(
                "ansatt",
                "Teamet ble endret av en annen i mellomtiden. Se over og prøv igjen.",
            )));
        }
        let what = format!("{}:{}", member.user.0, position.code());
        self.log_change(&d, "team.join", &what).await?;
        Ok(Ok(()))
    }

    /// Ends a member's place on the team from `on` (empty: today). Recorded as `team.leave`.
    pub async fn leave_team(
        &self,
        id: ParticipantId,
        user: &str,
        on: &str,
    ) -> Result<Result<(), FieldError>, AppError> {
        let (_, d) = self.team_writer(id).await?;
        let Some(user) = user.trim().parse::<i64>().ok() else {
            return Ok(Err(leave_error(TeamError::NotMember)));
        };
        let on = match self.day(on) {
            Ok(day) => day,
            Err(e) => return Ok(Err(leave_error(e))),
        };
        let team = self.app.store.team(id).await?;
        if let Err(e) = rules::leave(&current(&team), user, on) {
            return Ok(Err(leave_error(e)));
        }
        let (by, at) = (self.viewer.user.id, self.app.now());
        if !self
            .app
            .store
            .leave_team(id, UserId(user), on, by, at)
            .await?
        {
            return Ok(Err(leave_error(TeamError::NotMember)));
        }
        self.log_change(&d, "team.leave", &user.to_string()).await?;
        Ok(Ok(()))
    }

    /// The staff member who accepts a referral becomes the participant's main veileder when
    /// her discipline guides and nobody is yet (amt: the veileder who takes the participant
    /// on). Recorded as `team.join`.
    pub(super) async fn take_on(&self, d: &ParticipantDetail) -> Result<(), AppError> {
        let user = &self.viewer.user;
        if user.role != Role::ProviderStaff || !user.discipline.is_some_and(Discipline::may_guide) {
            return Ok(());
        }
        let team = self.app.store.team(d.id).await?;
        let now = current(&team);
        let position = Position::MainVeileder;
        if rules::join(&now, user.id.0, user.discipline, position).is_err() {
            return Ok(());
        }
        let checked: Vec<(UserId, Position)> =
            now.iter().map(|m| (UserId(m.user), m.position)).collect();
        let new = NewMembership {
            participant: d.id,
            user: user.id,
            position,
            from: self.app.today(),
        };
        let at = self.app.now();
        if self
            .app
            .store
            .join_team(new, &checked, user.id, at)
            .await?
            .is_some()
        {
            let what = format!("{}:{}", user.id.0, position.code());
            self.log_change(d, "team.join", &what).await?;
        }
        Ok(())
    }

    /// The staff with their caseloads, and the caseload of `whose` (the viewer's own when
    /// `None`). Only the coordinator and the admin see the other staff's; each participant
    /// named is audited, a protected one masked unless the viewer is on the team.
    pub async fn caseloads(&self, whose: Option<i64>) -> Result<CaseloadView, AppError> {
        let Some(provider) = self.team_provider() else {
            return Err(AppError::Forbidden);
        };
        let sees_all = self.manages_teams();
        let staff: Vec<StaffMember> = self.app.store.provider_staff(provider).await?;
        let me = self.viewer.user.id;
        let whose = match whose {
            None => Some(me),
            Some(u) if u == me.0 => Some(me),
            Some(u) if sees_all => staff.iter().find(|s| s.user.0 == u).map(|s| s.user),
            Some(_) => None,
        }
        .ok_or(AppError::NotFound)?;
        let name = if whose == me {
            format!(
                "{} ({})",
                self.viewer.user.display_name, self.viewer.user.username
            )
        } else {
            staff
                .iter()
                .find(|s| s.user == whose)
                .map(|s| s.name.clone())
                .unwrap_or_default()
        };
        let entries = self.app.store.caseload(whose, me).await?;
        let shown: Vec<_> = entries
            .iter()
            .filter(|e| unmasked(e.protection, e.viewer_assigned))
            .map(|e| e.person)
            .collect();
        self.permit(shown, Purpose::ParticipantList).await?;
        let caseload = entries
            .iter()
            .map(|e| {
                let masked = !unmasked(e.protection, e.viewer_assigned);
                CaseloadRow {
                    participant: e.participant.0,
                    name: if masked {
                        mask(e.protection)
                    } else {
                        format!("{} {}", e.given_name, e.family_name)
                    },
                    masked,
                    status: effekt_domain::participant::ParticipantStatus::from_code(&e.status)
                        .map_or_else(|| e.status.clone(), |s| s.label_nb().to_owned()),
                    position: e.position.label_nb(),
                    from: date_nb(e.from),
                }
            })
            .collect();
        let staff = staff
            .into_iter()
            .filter(|s| sees_all || s.user == me)
            .map(|s| StaffView {
                user: s.user.0,
                name: s.name,
                discipline: discipline_nb(s.discipline),
                main: s.main,
                co: s.co,
                member: s.member,
            })
            .collect();
        Ok(CaseloadView {
            staff,
            whose: name,
            caseload,
            sees_all,
        })
    }
}
