//! The individual plan in the store (migration 0027): plan versions with their modules and
//! approvals, and everyday learning tasks with their completion. Append-only. A supertrait of
//! [`crate::Store`], as the workspace's others.

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use effekt_domain::ids::{ParticipantId, UserId};
use effekt_domain::plan::{Approval, Plan};

use crate::error::Result;

/// One version of a participant's plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredPlan {
    pub id: i64,
    pub version: i64,
    pub track: String,
    pub modules: Vec<String>,
    pub days_per_week: i64,
    pub remote_days: i64,
    pub valid_from: NaiveDate,
    pub written_by: String,
    pub written_at: DateTime<Utc>,
    pub approval: Option<StoredApproval>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredApproval {
    /// `SELV` or `PA_VEGNE`.
    pub how: String,
    pub reason: Option<String>,
    pub recorded_by: String,
    pub recorded_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredLearningTask {
    pub id: i64,
    pub task: String,
    pub assigned_on: NaiveDate,
    pub assigned_by: String,
    pub completed: Option<(NaiveDate, String)>,
}

#[async_trait]
pub trait PlanStore: Send + Sync {
    /// The participant's plan versions, newest first.
    async fn plans(&self, participant: ParticipantId) -> Result<Vec<StoredPlan>>;

    /// Writes the next version after `newest` (0: the first) with its modules, in one
    /// transaction; `None`, writing nothing, when somebody wrote a version meanwhile.
    async fn write_plan(
        &self,
        participant: ParticipantId,
        plan: &Plan,
        newest: i64,
        by: UserId,
        at: DateTime<Utc>,
    ) -> Result<Option<i64>>;

    /// Records the participant's approval of a version; false when it was approved already.
    async fn approve_plan(
        &self,
        plan: i64,
        approval: Approval,
        by: UserId,
        at: DateTime<Utc>,
    ) -> Result<bool>;

    /// The participant's learning tasks, oldest first.
    async fn learning_tasks(&self, participant: ParticipantId) -> Result<Vec<StoredLearningTask>>;

    async fn assign_learning_task(
        &self,
        participant: ParticipantId,
        task: &str,
        on: NaiveDate,
        by: UserId,
        at: DateTime<Utc>,
    ) -> Result<()>;

    /// Records a task completed; false when it was completed already.
    async fn complete_learning_task(
        &self,
        task: i64,
        on: NaiveDate,
        by: UserId,
        at: DateTime<Utc>,
    ) -> Result<bool>;

    /// Writes many participants' plans at once, in one transaction (the demo at scale): each
    /// bundle's versions in order, the first one's approval, and its learning tasks. For
    /// participants without a plan yet; a participant with one makes the whole write fail.
    async fn insert_plans(&self, bundles: &[PlanBundle], at: DateTime<Utc>) -> Result<()>;
}

/// One participant's plan as a bulk write takes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanBundle {
    pub participant: ParticipantId,
    /// Oldest first; stored as versions 1, 2, …
    pub versions: Vec<Plan>,
    /// The participant's approval of the first version.
    pub approval: Option<Approval>,
    /// Learning tasks: the library's code, given on, completed on.
    pub tasks: Vec<(&'static str, NaiveDate, Option<NaiveDate>)>,
    pub by: UserId,
}
