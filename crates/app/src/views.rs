//! What capabilities hand out: data already filtered and masked for the viewer. These shapes
//! are rendered by the pages, serialised by the JSON API (and, with the `openapi` feature,
//! described in its OpenAPI document) and printed by the command line.

use chrono::NaiveDate;
use serde::Serialize;

pub mod evaluation;
mod workspace;
pub use workspace::{AttendanceFigureRow, AttendanceFigures, WorkspaceFigures, WorkspaceRow};

mod home;
pub use home::{HomeView, KeyFigure, KeyFigures, TaskView};

/// A participant in a list, masked where the person is protected.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ParticipantList {
    pub items: Vec<ParticipantSummary>,
    /// Matches; a lower bound ("more than") when `total_exact` is false.
    pub total: u64,
    pub total_exact: bool,
    pub page: u32,
    pub per_page: u32,
    pub page_count: u32,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IdEntry {
    pub national_id: String,
    /// `fnr`, `dnr`, `tnr`, `dnr-and-tnr`, …
    pub kind: String,
    pub valid_from: NaiveDate,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StatusEntry {
    pub status: String,
    pub status_label: String,
    pub end_reason: Option<String>,
    pub end_reason_label: Option<String>,
    pub description: Option<String>,
    pub valid_from: NaiveDate,
    pub valid_to: Option<NaiveDate>,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HouseholdMemberView {
    pub name: String,
    pub masked: bool,
    /// Forelder, Ungdom, Barn, Annet.
    pub relation: String,
    /// Their participant page, when the viewer may open it.
    pub participant_id: Option<i64>,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HouseholdView {
    pub name: String,
    pub members: Vec<HouseholdMemberView>,
}

/// Everything on a participant's page, masked for the viewer.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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

/// A national id change waiting for a second Nav user.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WaitingIdChangeView {
    pub id: i64,
    pub national_id: String,
    pub valid_from: NaiveDate,
    pub requested_by: String,
    pub requested_on: NaiveDate,
    /// Whether this viewer may confirm or reject it (not the one who registered it).
    pub may_decide: bool,
}

/// One provider's row of a suppressed table.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AggregateRow {
    pub label: String,
    /// Counts as text: a number, "<5" (under five) or "x" (hidden to protect another cell).
    pub cells: Vec<String>,
    pub total: String,
}

/// Participants per provider and status group, with small cells suppressed.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AggregateOverview {
    pub contract: String,
    pub starts: NaiveDate,
    pub ends: NaiveDate,
    pub target_cohort: u32,
    pub columns: Vec<String>,
    pub rows: Vec<AggregateRow>,
    pub column_totals: Vec<String>,
    pub total: String,
    /// The providers' workspace in figures: referrals against the answer limit, milestones.
    pub workspace: WorkspaceFigures,
}

/// A participant as the evaluator sees them: a pseudonym, never a name or national id.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PseudonymisedRow {
    /// Readable: `P-XXXXX-XXXXX-XXXXX-XXXXX`.
    pub pseudonym: String,
    /// Each of the following is generalised (or `None`) so that the combination shown is
    /// shared by at least 5 participants of the contract.
    pub provider: Option<String>,
    /// The status group: Før oppstart, Deltar, Avsluttet or Ikke aktuell.
    pub status_group: Option<String>,
    /// Only a group of 5 or more.
    pub group: Option<String>,
    /// The half-year or year of the start ("1. halvår 2025", "2025", "Ikke startet").
    pub start: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PseudonymisedList {
    pub items: Vec<PseudonymisedRow>,
    /// Matches; a lower bound ("more than") when `total_exact` is false.
    pub total: u64,
    pub total_exact: bool,
    pub page: u32,
    pub page_count: u32,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UserView {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role: String,
    /// A deactivated account cannot log in, and has no session.
    pub active: bool,
    /// Sessions open now.
    pub sessions: u64,
    /// Five or more failed logins within the throttle window: locked until they age out or an
    /// administrator unlocks it.
    pub locked: bool,
    /// The viewer's own account (which the viewer may not deactivate).
    pub is_self: bool,
    /// The Nav office, provider or investor it belongs to (empty for none).
    pub organisation: String,
}

/// A role the viewer may give an account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleOption {
    pub code: String,
    pub label: String,
}

/// An organisation an account may belong to, as the form names it (`provider:1`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrganisationOption {
    pub value: String,
    pub label: String,
}

/// An account's form: empty for a new one, filled for a change, or as typed with the fields
/// at fault.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AccountForm {
    pub id: Option<i64>,
    pub username: String,
    pub display_name: String,
    pub role: String,
    pub organisation: String,
    /// Provider staff: the discipline's code; empty otherwise.
    pub discipline: String,
    pub errors: Vec<crate::FieldError>,
}

impl AccountForm {
    /// The disciplines a provider staff member may have: (code, label).
    pub fn disciplines(&self) -> Vec<(&'static str, &'static str)> {
        effekt_domain::team::Discipline::ALL
            .iter()
            .map(|d| (d.code(), d.label_nb()))
            .collect()
    }

    /// The message for `field`, shown beside it.
    pub fn error_for(&self, field: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|e| e.field == field)
            .map(|e| e.message.as_str())
    }
}

/// One outcome as judged for one participant.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SnapshotView {
    pub key: String,
    pub cutoff: NaiveDate,
}

/// A participant's outcomes, or why there are none yet.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OutcomeTable {
    pub name: String,
    pub columns: Vec<String>,
    pub rows: Vec<AggregateRow>,
    pub column_totals: Vec<String>,
    pub total: String,
}

/// Outcomes per provider for a contract, as of a snapshot.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OutcomeResults {
    pub contract: String,
    pub snapshot: SnapshotView,
    pub tables: Vec<OutcomeTable>,
}

/// A statement in a list: the period, where it stands, and the total this viewer may see.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StatementSummary {
    pub id: i64,
    /// `2026Q3`, `2026-07`, `2026H2` or `2026`.
    pub period: String,
    /// computed | verified | half_approved | approved | paid | withdrawn
    pub stage: String,
    pub stage_label: String,
    /// The whole total, or for provider staff their organisation's share.
    pub total: Option<String>,
    pub computed_by: String,
    pub computed_on: Option<NaiveDate>,
}

/// A contract's payment periods.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ContractStatements {
    pub contract_id: i64,
    pub contract: String,
    /// monthly | quarterly | half_yearly | yearly
    pub periods: String,
    /// The first period not yet approved: the one to compute next.
    pub open_period: Option<String>,
    /// Whether this viewer may compute the open period now.
    pub can_compute: bool,
    /// The open period's draft has been verified or approved: computing again asks why.
    pub recompute_needs_reason: bool,
    /// Why the open period cannot be computed now, if it cannot.
    pub compute_blocked_because: Option<String>,
    /// The current statement of each period, oldest first.
    pub statements: Vec<StatementSummary>,
    /// Each period's amount against the caps, for viewers who see whole totals.
    pub chart: Option<ChartView>,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EventView {
    /// compute | verify | approve | pay | withdraw
    pub step: String,
    pub step_label: String,
    pub by: String,
    pub role_label: String,
    pub at: chrono::DateTime<chrono::Utc>,
    /// A withdrawal's reason, when the draft had steps that were thrown away.
    pub reason: Option<String>,
}

/// One statement line, by pseudonym.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LineView {
    pub participant: String,
    pub outcome: String,
    pub date: NaiveDate,
    pub magnitude: Option<String>,
    /// payment | cap:outcome | cap:participant | cap:period | cap:contract
    pub kind: String,
    pub kind_label: String,
    /// Corrects a line of an earlier, approved statement.
    pub adjustment: bool,
    pub amount: String,
    /// Evidence ids (register spells, test ids) and the register snapshot.
    pub evidence: String,
    pub version: Option<u32>,
}

/// An outcome's total on a statement, for those who see no lines.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OutcomeTotalView {
    pub outcome: String,
    /// Participants with a line: a number, "<5" or "x".
    pub participants: String,
    /// Hidden with a suppressed count.
    pub amount: Option<String>,
}

/// A statement as the viewer may see it.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StatementDetail {
    pub summary: StatementSummary,
    pub contract: String,
    pub versions: String,
    pub snapshot: String,
    /// True for provider staff: lines and total are their organisation's share only.
    pub own_share_only: bool,
    pub events: Vec<EventView>,
    /// Steps this viewer may take now: verify | approve | pay.
    pub actions: Vec<String>,
    /// Empty for those who see totals only.
    pub lines: Vec<LineView>,
    /// All lines this viewer may see (the page shows at most 300).
    pub line_count: usize,
    /// For those who see no lines.
    pub by_outcome: Vec<OutcomeTotalView>,
    /// Approved or paid: the lines will never change.
    pub booked: bool,
    /// Withdrawn: the statement of the same period computed after it.
    pub replaced_by: Option<i64>,
    /// Paid: "dd.mm.åååå, referanse …".
    pub payment: Option<String>,
}

/// A party to the contract.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PartyView {
    pub role: String,
    pub name: String,
    pub orgnr: String,
    pub lead: bool,
    pub sub_delivery: Option<String>,
    pub commitment: Option<String>,
}

/// An outcome the contract pays for, in words.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OutcomeTermView {
    pub name: String,
    pub requirement: String,
    pub price: String,
    pub max_payments: u32,
    pub cap: Option<String>,
}

/// A version of the terms and what it changed from the version in force before it.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VersionView {
    pub version: u32,
    pub effective_from: String,
    /// proposed | in_force (prices today) | upcoming (agreed, effective later) | superseded
    /// (agreed, replaced by a later one) | rejected
    pub state: String,
    pub state_label: String,
    pub proposed_by: Option<String>,
    pub changes: Vec<String>,
    /// "Godkjent av …, dd.mm.åååå" or "Avvist av …: «reason»", in the order given.
    pub decisions: Vec<String>,
}

/// A party whose answer a proposal needs, and the answer so far.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RequiredView {
    pub party: String,
    pub answer: String,
    pub answered: bool,
}

/// The amendment waiting for the parties.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProposalView {
    pub version: u32,
    pub effective_from: String,
    /// Effective before the first open period: approved periods are re-priced, and every party
    /// must agree.
    pub retroactive: bool,
    pub proposed_by: String,
    pub changes: Vec<String>,
    pub required: Vec<RequiredView>,
    /// Consortium members told of the proposal whose approval it does not need.
    pub notified: Vec<String>,
    /// Whether the viewer's party is asked and has not answered.
    pub you_may_decide: bool,
    /// Whether the viewer proposed it and may take it back.
    pub you_may_withdraw: bool,
}

/// A contract as its parties read it.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ContractView {
    pub id: i64,
    pub name: String,
    pub starts: String,
    pub ends: String,
    pub periods: String,
    /// The version in force.
    pub version: u32,
    pub parties: Vec<PartyView>,
    pub outcomes: Vec<OutcomeTermView>,
    /// (label, amount) of each cap set.
    pub caps: Vec<(String, String)>,
    /// Newest first.
    pub versions: Vec<VersionView>,
    pub pending: Option<ProposalView>,
    /// Whether the viewer may propose an amendment now.
    pub can_propose: bool,
    /// The party the viewer acts for.
    pub acts_for: Option<String>,
    /// The contract file text of the version in force (to start an amendment from).
    pub source: String,
    /// When the contract has cohort-level outcomes.
    pub cohorts: Option<CohortView>,
}

/// One investor's position (or all investors'), actual to today and projected to the end.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PositionView {
    pub investor: String,
    pub committed: Option<String>,
    pub drawn: String,
    pub received: String,
    /// "12,3 %" or "–" when it cannot be computed yet (no money back).
    pub xirr_actual: String,
    pub multiple_actual: String,
    pub drawn_projected: String,
    pub received_projected: String,
    pub xirr_projected: String,
    pub multiple_projected: String,
}

/// Counts per cohort and provider, suppressed.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CountTable {
    pub title: String,
    pub rows: Vec<AggregateRow>,
    pub totals: Vec<String>,
    pub total: String,
}

/// Participants per cohort (half-year of start) and provider, started and with at least one
/// outcome achieved; small cells suppressed.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProgressTable {
    pub snapshot: String,
    /// Provider names.
    pub columns: Vec<String>,
    pub tables: Vec<CountTable>,
    /// The reached counts per cohort, one line per provider, as the table shows them.
    pub chart: ChartView,
}

/// A contract's financing as an investor, the contract manager or the facilitator sees it.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InvestmentView {
    pub contract: String,
    /// The waterfall's return cap, e.g. "30 %".
    pub return_cap: String,
    /// Excess back to Nav (else reinvested).
    pub excess_to_nav: bool,
    pub today: NaiveDate,
    /// Investors shown (an investor sees only its own).
    pub rows: Vec<PositionView>,
    /// All investors together; not for an investor when it would single out a co-investor.
    pub total: Option<PositionView>,
    /// (label, amount) to today and projected to the contract's end.
    pub waterfall_actual: Vec<(String, String)>,
    pub waterfall_projected: Vec<(String, String)>,
    /// Paid statements so far (those whose totals this viewer may see).
    pub paid_periods: usize,
    /// Paid periods left out because an outcome on them concerns fewer than 5 participants.
    pub withheld_periods: Vec<String>,
    /// The income per period the projection assumes.
    pub run_rate: Option<String>,
    pub progress: Option<ProgressTable>,
    /// Money in and out over time and the XIRR path, for the position the viewer may see
    /// whole (an investor's own, else all investors together).
    pub charts: Vec<ChartView>,
}

/// A figure the evaluator certified for a cohort.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FigureView {
    pub figure: String,
    pub cohort: String,
    pub cohort_size: u32,
    pub value: String,
    pub certified_by: String,
    pub certified_on: NaiveDate,
    /// The evaluation run it was certified from; `None` for a typed figure.
    pub run: Option<i64>,
    /// Why it was typed rather than taken from a run (none for figures typed before reasons
    /// were asked for).
    pub typed_reason: Option<String>,
}

/// What a cohort outcome pays on the figures certified so far.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CohortPaymentView {
    pub outcome: String,
    pub cohort: String,
    pub amount: String,
    pub reason: String,
}

/// Cohort-level outcomes: the certified figures and what they pay.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CohortView {
    /// The figures the contract's cohort outcomes are priced from.
    pub figure_names: Vec<String>,
    pub figures: Vec<FigureView>,
    pub payments: Vec<CohortPaymentView>,
    /// The evaluator certifies.
    pub can_certify: bool,
}

/// A chart's data, exactly as the table beside it shows it: the same suppressed figures, so a
/// picture never reveals what a table hides. A point left out (`None`) is hidden by
/// suppression or not known yet, and is drawn as a gap.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChartView {
    /// Unique on its page (the figure's id and the prefix of its parts' ids).
    pub id: String,
    pub title: String,
    /// What the chart shows, in a sentence (the SVG's description for screen readers).
    pub description: String,
    /// kr | antall | prosent
    pub unit: String,
    /// What the points are: "Periode", "Kull", "Dato".
    pub x_title: String,
    /// One label per point: periods, cohorts or dates (dd.mm.åååå).
    pub x_labels: Vec<String>,
    /// When the axis is time: each point's day counted from the first, so points are spaced
    /// by date. `None`: the labels are evenly spaced categories.
    pub x_days: Option<Vec<i64>>,
    pub series: Vec<SeriesView>,
    /// Horizontal reference lines, e.g. the contract's cap: (label, value).
    pub limits: Vec<(String, f64)>,
}

/// One series of a chart: a value (or a gap) per label.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SeriesView {
    pub name: String,
    /// bars | line | dashed
    pub style: String,
    pub values: Vec<Option<f64>>,
}

/// One read of a person in the audit viewer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntryView {
    /// Europe/Oslo, dd.mm.åååå tt:mm.
    pub time: String,
    pub actor: String,
    /// The person's national id (the privacy officer) …
    pub national_id: Option<String>,
    /// … or the log's pseudonym for them (the administrator).
    pub pseudonym: Option<String>,
    /// Why, in Norwegian.
    pub purpose: String,
    /// Let through, or refused.
    pub permitted: bool,
    /// "nett" or "kommandolinje (os-user)".
    pub channel: String,
}

/// One operation in the audit viewer (an account changed, a snapshot imported, …).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OperationView {
    pub time: String,
    pub actor: String,
    /// What was done, in Norwegian.
    pub action: String,
    pub subject: String,
}

/// The audit viewer's page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditLogView {
    pub entries: Vec<AuditEntryView>,
    pub operations: Vec<OperationView>,
    /// As many reads as a page holds: older ones need a narrower filter.
    pub full: bool,
}

/// One setting on the configuration page: what, its value, and where it is set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigurationRow {
    pub label: String,
    pub value: String,
    pub source: String,
}

/// The configuration page: the settings, and what is not set as production needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigurationView {
    pub rows: Vec<ConfigurationRow>,
    pub gaps: Vec<String>,
}
