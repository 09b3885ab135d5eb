//! The provider's team in the store (migration 0032): a participant's team over time and each
//! staff member's caseload. A supertrait of [`crate::Store`].

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use effekt_domain::ids::{ParticipantId, PersonKey, ProviderId, UserId};
use effekt_domain::person::Protection;
use effekt_domain::team::{Discipline, Position};

use crate::error::Result;

/// A membership of a participant's team, current (`to` is `None`) or past.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TeamMembership {
    pub id: i64,
    pub participant: ParticipantId,
    pub user: UserId,
    /// "Name (username)".
    pub name: String,
    pub discipline: Option<Discipline>,
    pub position: Position,
    pub from: NaiveDate,
    pub to: Option<NaiveDate>,
    /// Who added and who ended it; `None` for memberships that came with the data.
    pub added_by: Option<String>,
    pub ended_by: Option<String>,
}

/// One of the provider's staff, for choosing team members and for caseloads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffMember {
    pub user: UserId,
    pub name: String,
    pub discipline: Option<Discipline>,
    /// Current memberships: as main veileder, as co-veileder, as other member.
    pub main: u64,
    pub co: u64,
    pub member: u64,
}

/// A participant on a staff member's caseload, with the person for the page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseloadEntry {
    pub participant: ParticipantId,
    pub person: PersonKey,
    pub given_name: String,
    pub family_name: String,
    pub protection: Protection,
    /// Whether the viewer asking is on the participant's team (a protected person unmasked).
    pub viewer_assigned: bool,
    pub status: String,
    pub position: Position,
    pub from: NaiveDate,
}

/// A membership to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NewMembership {
    pub participant: ParticipantId,
    pub user: UserId,
    pub position: Position,
    pub from: NaiveDate,
}

/// A participant a main veileder guides, as her milestone tasks need it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Guided {
    pub participant: ParticipantId,
    pub person: PersonKey,
    pub contract_name: String,
    /// The first day with status "Deltar" (the index date); `None` before the start.
    pub started: Option<NaiveDate>,
    /// Identifiers of the milestones reached.
    pub reached: Vec<String>,
}

#[async_trait]
pub trait TeamStore: Send + Sync {
    /// The participant's team, current and past, by start.
    async fn team(&self, participant: ParticipantId) -> Result<Vec<TeamMembership>>;

    /// The provider's active staff (role provider staff) with their current caseload counts,
    /// by name.
    async fn provider_staff(&self, provider: ProviderId) -> Result<Vec<StaffMember>>;

    /// The participants on `user`'s caseload now (current memberships), by name, as `viewer`
    /// asks.
    async fn caseload(&self, user: UserId, viewer: UserId) -> Result<Vec<CaseloadEntry>>;

    /// Adds the member, only while the participant's current team is still `checked` (user,
    /// position pairs as read; the participant's row is locked meanwhile) and the member is
    /// still active staff of the participant's provider. The membership's key, or `None`,
    /// writing nothing, when either changed first. The pair joins `staff_assignments` in the
    /// same transaction.
    async fn join_team(
        &self,
        new: NewMembership,
        checked: &[(UserId, Position)],
        by: UserId,
        at: DateTime<Utc>,
    ) -> Result<Option<i64>>;

    /// Ends `user`'s current membership from `on`; false, writing nothing, when there is none.
    /// The pair leaves `staff_assignments` in the same transaction.
    async fn leave_team(
        &self,
        participant: ParticipantId,
        user: UserId,
        on: NaiveDate,
        by: UserId,
        at: DateTime<Utc>,
    ) -> Result<bool>;

    /// The demo's and imports' teams, in one transaction (with their assignments).
    async fn insert_teams(&self, rows: &[NewMembership]) -> Result<()>;

    /// The participants whose main veileder `user` is now and who have not ended, with their
    /// start and the milestones reached (recorded or verified, not retracted): what her
    /// home's milestone tasks are worked out from.
    async fn guided(&self, user: UserId) -> Result<Vec<Guided>>;
}
