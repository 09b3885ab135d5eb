//! Intake in the store (migrations 0026, 0029): the need items Nav shares at the start, and the
//! provider's earlier measures, languages and screening. Append-only; a screening field's
//! newest row is what it says. A supertrait of [`crate::Store`], as the workspace's others.

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use effekt_domain::ids::{ParticipantId, UserId};
use effekt_domain::intake::{EarlierMeasure, Language, NeedItem, Screening, Withdrawable};

use crate::error::Result;

/// A need item as stored, with who shared it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredNeedItem {
    pub id: i64,
    pub item: String,
    pub legal_basis: String,
    pub purpose: String,
    pub content: String,
    pub shared_by: String,
    pub shared_at: DateTime<Utc>,
}

/// One screening field's newest finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredScreening {
    pub field: String,
    pub finding: String,
    pub note: Option<String>,
    pub recorded_by: String,
    pub recorded_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredMeasure {
    pub id: i64,
    pub kind: String,
    pub description: String,
    pub from: NaiveDate,
    pub to: Option<NaiveDate>,
    pub recorded_by: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredLanguage {
    pub id: i64,
    pub language: String,
    pub mother_tongue: bool,
    pub interpreter: bool,
}

/// Everything of a participant's intake but the screening, which is read field by field.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StoredIntake {
    pub needs: Vec<StoredNeedItem>,
    pub measures: Vec<StoredMeasure>,
    pub languages: Vec<StoredLanguage>,
}

#[async_trait]
pub trait IntakeStore: Send + Sync {
    /// Need items (oldest first), earlier measures (by start) and languages of a participant;
    /// withdrawn records are left out.
    async fn intake(&self, participant: ParticipantId) -> Result<StoredIntake>;

    /// The newest finding of each screening field of the participant that `fields` names.
    async fn screenings(
        &self,
        participant: ParticipantId,
        fields: &[&str],
    ) -> Result<Vec<StoredScreening>>;

    async fn share_need(
        &self,
        participant: ParticipantId,
        need: &NeedItem,
        by: UserId,
        at: DateTime<Utc>,
    ) -> Result<()>;

    /// Writes the screened fields in one transaction.
    async fn record_screening(
        &self,
        participant: ParticipantId,
        screening: &[Screening],
        by: UserId,
        at: DateTime<Utc>,
    ) -> Result<()>;

    async fn record_measure(
        &self,
        participant: ParticipantId,
        measure: &EarlierMeasure,
        by: UserId,
        at: DateTime<Utc>,
    ) -> Result<()>;

    async fn record_language(
        &self,
        participant: ParticipantId,
        language: &Language,
        by: UserId,
        at: DateTime<Utc>,
    ) -> Result<()>;

    /// Withdraws the participant's record `record` of `kind` with a reason. False, writing
    /// nothing, when the participant has no such record or it is withdrawn already.
    async fn withdraw_intake(
        &self,
        participant: ParticipantId,
        kind: Withdrawable,
        record: i64,
        reason: &str,
        by: UserId,
        at: DateTime<Utc>,
    ) -> Result<bool>;
}
