//! What capabilities hand out: data already filtered and masked for the viewer. These shapes
//! are rendered by the pages and serialised by the JSON API (and described in its OpenAPI).

use chrono::NaiveDate;
use serde::Serialize;
use utoipa::ToSchema;

/// A participant in a list, masked where the person is protected.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ParticipantSummary {
    pub id: i64,
    /// The name, or "Adressebeskyttet" / "Skjermet person".
    pub name: String,
    /// The current national id, or the mask.
    pub national_id: String,
    /// True when name, national id, address and phone are hidden from this viewer.
    pub masked: bool,
    /// Nav's status code, e.g. `DELTAR`.
    pub status: String,
    pub status_label: String,
    pub group: Option<String>,
    pub provider: String,
    pub nav_office: String,
    /// First day with status DELTAR.
    pub start_date: Option<NaiveDate>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ParticipantList {
    pub items: Vec<ParticipantSummary>,
    /// Matches; a lower bound ("more than") when `total_exact` is false.
    pub total: u64,
    pub total_exact: bool,
    pub page: u32,
    pub per_page: u32,
    pub page_count: u32,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct IdEntry {
    pub national_id: String,
    /// `fnr`, `dnr`, `tnr`, `dnr-and-tnr`, …
    pub kind: String,
    pub valid_from: NaiveDate,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StatusEntry {
    pub status: String,
    pub status_label: String,
    pub end_reason: Option<String>,
    pub end_reason_label: Option<String>,
    pub description: Option<String>,
    pub valid_from: NaiveDate,
    pub valid_to: Option<NaiveDate>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct HouseholdMemberView {
    pub name: String,
    pub masked: bool,
    /// Forelder, Ungdom, Barn, Annet.
    pub relation: String,
    /// Their participant page, when the viewer may open it.
    pub participant_id: Option<i64>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct HouseholdView {
    pub name: String,
    pub members: Vec<HouseholdMemberView>,
}

/// Everything on a participant's page, masked for the viewer.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ParticipantDetailView {
    #[serde(flatten)]
    pub summary: ParticipantSummary,
    pub birth_date: Option<NaiveDate>,
    pub country_of_birth: String,
    pub address: Option<String>,
    pub phone: Option<String>,
    /// Empty when masked.
    pub id_history: Vec<IdEntry>,
    pub statuses: Vec<StatusEntry>,
    pub household: Option<HouseholdView>,
}

/// One provider's row of a suppressed table.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AggregateRow {
    pub label: String,
    /// Counts as text: a number, "<5" (under five) or "x" (hidden to protect another cell).
    pub cells: Vec<String>,
    pub total: String,
}

/// Participants per provider and status group, with small cells suppressed.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AggregateOverview {
    pub contract: String,
    pub starts: NaiveDate,
    pub ends: NaiveDate,
    pub target_cohort: u32,
    pub columns: Vec<String>,
    pub rows: Vec<AggregateRow>,
    pub column_totals: Vec<String>,
    pub total: String,
}

/// A participant as the evaluator sees them: a pseudonym, never a name or national id.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PseudonymisedRow {
    pub pseudonym: String,
    pub provider: String,
    pub status: String,
    pub status_label: String,
    pub group: Option<String>,
    pub start_date: Option<NaiveDate>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PseudonymisedList {
    pub items: Vec<PseudonymisedRow>,
    /// Matches; a lower bound ("more than") when `total_exact` is false.
    pub total: u64,
    pub total_exact: bool,
    pub page: u32,
    pub page_count: u32,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct UserView {
    pub username: String,
    pub display_name: String,
    pub role: String,
}

/// One outcome as judged for one participant.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OutcomeView {
    pub name: String,
    /// `achieved`, `not_achieved` or `pending`.
    pub status: String,
    pub status_label: String,
    /// The (first) achievement's date.
    pub date: Option<NaiveDate>,
    /// The magnitude in words, where the kind has one worth showing (job size, CEFR steps).
    pub magnitude: Option<String>,
    /// How many times it was achieved (more than once only for per-month outcomes).
    pub times: usize,
    /// Evidence ids: spells, tests and the snapshot.
    pub evidence: Vec<String>,
}

/// The register snapshot outcomes were judged from.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SnapshotView {
    pub key: String,
    pub cutoff: NaiveDate,
}

/// A participant's outcomes, or why there are none yet.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ParticipantOutcomes {
    /// `None` when no register snapshot has been imported.
    pub snapshot: Option<SnapshotView>,
    /// The participant has not started (no DELTAR yet), so no window is open.
    pub not_started: bool,
    /// None of the person's national ids is in the snapshot.
    pub not_in_register: bool,
    pub rows: Vec<OutcomeView>,
}

/// One outcome across the contract: participants with a start date, by provider and status,
/// with small cells suppressed.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OutcomeTable {
    pub name: String,
    pub columns: Vec<String>,
    pub rows: Vec<AggregateRow>,
    pub column_totals: Vec<String>,
    pub total: String,
}

/// Outcomes per provider for a contract, as of a snapshot.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OutcomeResults {
    pub contract: String,
    pub snapshot: SnapshotView,
    pub tables: Vec<OutcomeTable>,
}
