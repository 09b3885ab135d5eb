//! The providers' workspace in the store (issue 13): a participant's milestones as the
//! provider evidence of migration 0016 holds them. A trait of its own, a supertrait of
//! [`crate::Store`], so that the workspace grows without growing the one large trait (its
//! methods are called on a `dyn Store` as any other).

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use effekt_domain::ids::{ParticipantId, UserId};

use crate::error::Result;
use crate::model::EvidenceRecord;

/// One milestone record as it stands: its newest stored row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredMilestone {
    /// The newest row's key: a change is written only while it is still the newest.
    pub row: i64,
    pub record_id: String,
    pub identifier: String,
    pub achieved_on: NaiveDate,
    pub recorded_by: String,
    pub verified: Option<(String, NaiveDate)>,
    pub retracted: bool,
    /// When the newest row was written.
    pub written_at: DateTime<Utc>,
}

#[async_trait]
pub trait WorkspaceStore: Send + Sync {
    /// The participant's milestone records (provider evidence without a score), each as its
    /// newest row says, oldest first by the date reached.
    async fn milestones(&self, participant: ParticipantId) -> Result<Vec<StoredMilestone>>;

    /// Appends one row to a milestone record, only while `after` is still its newest row
    /// (`None`: the record must not exist yet). Returns false, writing nothing, when somebody
    /// else changed the record first. Moves the store generation (a pricing input).
    async fn append_milestone(
        &self,
        record: &EvidenceRecord,
        after: Option<i64>,
        by: UserId,
        at: DateTime<Utc>,
    ) -> Result<bool>;
}
