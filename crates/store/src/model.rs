//! What the store reads and writes besides the domain's own types: row shapes for lists,
//! accounts, sessions and audit records.

use chrono::{DateTime, NaiveDate, Utc};
use effekt_domain::ids::{
    ContractId, GroupId, HouseholdId, InvestorId, NavOfficeId, ParticipantId, PersonKey,
    ProviderId, UserId,
};
use effekt_domain::organisation::MembershipKind;
use effekt_domain::participant::{ParticipantStatus, StatusHistory};
use effekt_domain::person::{IdHistory, Protection};
use effekt_domain::role::Role;
use effekt_domain::team::Discipline;

/// Which participants a query may touch. Built by the web layer's capabilities only.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParticipantScope {
    NavOffice(NavOfficeId),
    Provider(ProviderId),
    Contract(ContractId),
    /// A teacher's: the provider's participants who are members on `today` of a group she
    /// teaches a session of (not cancelled), and those whose team she is on.
    Teacher {
        provider: ProviderId,
        teacher: UserId,
        today: NaiveDate,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SortKey {
    #[default]
    Name,
    Status,
    StartDate,
    Group,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SortDirection {
    #[default]
    Ascending,
    Descending,
}

/// Search, filter, sort and page for the participant list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParticipantQuery {
    /// Matched case-insensitively against name and every national id the person has held.
    pub search: Option<String>,
    pub status: Option<ParticipantStatus>,
    pub group: Option<GroupId>,
    pub sort: SortKey,
    pub direction: SortDirection,
    /// 1-based.
    pub page: u32,
    pub per_page: u32,
}

impl Default for ParticipantQuery {
    fn default() -> Self {
        Self {
            search: None,
            status: None,
            group: None,
            sort: SortKey::Name,
            direction: SortDirection::Ascending,
            page: 1,
            per_page: 25,
        }
    }
}

/// One participant in a list. Personal fields are raw here; the web layer masks them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParticipantRow {
    pub id: ParticipantId,
    pub person: PersonKey,
    pub given_name: String,
    pub family_name: String,
    pub national_id: String,
    pub protection: Protection,
    /// Whether the viewing user is assigned to this participant.
    pub viewer_assigned: bool,
    pub status: ParticipantStatus,
    pub group_name: Option<String>,
    pub provider_name: String,
    pub nav_office_name: String,
    pub index_date: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// Matches counted; a lower bound when `total_exact` is false (large scopes are counted
    /// only as far as needed).
    pub total: u64,
    pub total_exact: bool,
    pub page: u32,
    pub per_page: u32,
}

impl<T> Page<T> {
    pub fn page_count(&self) -> u32 {
        let per = u64::from(self.per_page.max(1));
        u32::try_from(self.total.div_ceil(per))
            .unwrap_or(u32::MAX)
            .max(1)
    }
}

/// Another member of a participant's household.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HouseholdMemberRow {
    pub person: PersonKey,
    pub given_name: String,
    pub family_name: String,
    pub protection: Protection,
    pub kind: MembershipKind,
    /// Their enrolment in the same contract, when the viewer's scope includes it.
    pub participant: Option<ParticipantId>,
    pub viewer_assigned: bool,
}

/// Everything on a participant's page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParticipantDetail {
    pub id: ParticipantId,
    pub person: PersonKey,
    pub contract: ContractId,
    pub given_name: String,
    pub family_name: String,
    pub birth_date: NaiveDate,
    pub country_of_birth: String,
    pub address: Option<String>,
    pub phone: Option<String>,
    pub protection: Protection,
    pub viewer_assigned: bool,
    pub ids: IdHistory,
    pub statuses: StatusHistory,
    pub provider_name: String,
    pub nav_office_name: String,
    pub group_name: Option<String>,
    pub household: Option<(HouseholdId, String)>,
    pub household_members: Vec<HouseholdMemberRow>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupRow {
    pub id: GroupId,
    pub name: String,
    pub provider_name: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContractRow {
    pub id: ContractId,
    pub name: String,
    pub starts: NaiveDate,
    pub ends: NaiveDate,
    pub target_cohort: u32,
}

/// Participants of a contract counted by provider and current status (for aggregates).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusCount {
    pub provider: ProviderId,
    pub provider_name: String,
    pub status: ParticipantStatus,
    pub count: u64,
}

/// The unit a user belongs to; which one is set follows from the role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum UserScope {
    None,
    NavOffice(NavOfficeId),
    Provider(ProviderId),
    Investor(InvestorId),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewUser {
    pub username: String,
    pub display_name: String,
    pub password_hash: String,
    pub role: Role,
    pub scope: UserScope,
    /// Provider staff: the discipline in the team; `None` for every other role.
    pub discipline: Option<Discipline>,
}

/// What an account may do: its role, its organisation and (provider staff) its discipline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AccountRights {
    pub role: Role,
    pub scope: UserScope,
    pub discipline: Option<Discipline>,
}

/// A one-time password link to store: only its token's hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPasswordLink {
    pub token_hash: String,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

/// An organisation an account can belong to: a Nav office, a provider or an investor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Organisation {
    pub scope: UserScope,
    pub name: String,
}

/// Which audit records to read (the audit viewer's filters); every field narrows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditQuery {
    /// The username of who read.
    pub actor: Option<String>,
    /// The person read about.
    pub subject: Option<effekt_domain::ids::PersonKey>,
    /// Why it was read (a purpose code, `participant.view`).
    pub purpose: Option<String>,
    /// Leave out the audit viewer's own records (`audit.review`) unless `purpose` asks for
    /// them, so that looking at the log does not push what was looked for off the page.
    pub without_reviews: bool,
    pub from: Option<DateTime<Utc>>,
    /// Exclusive.
    pub until: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserRecord {
    pub id: UserId,
    pub username: String,
    pub display_name: String,
    pub password_hash: String,
    pub role: Role,
    pub scope: UserScope,
    pub active: bool,
    /// The provider staff member's discipline in the team (issue 14); `None` for other roles.
    pub discipline: Option<Discipline>,
}

/// An account as the administrator sees it: its open sessions and its recent failed logins.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountRow {
    pub user: UserRecord,
    /// Sessions not yet expired.
    pub sessions: u64,
    /// Failed logins for its username since the time asked for.
    pub recent_failures: u64,
}

/// An import attempt for the import log (migration 0023).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewImportRun {
    pub kind: effekt_domain::imports::ImportKind,
    pub scope: String,
    pub source: String,
    pub at: DateTime<Utc>,
    pub actor: Option<UserId>,
    pub actor_name: String,
    pub result: effekt_domain::imports::ImportResult,
    pub problem_count: u64,
    /// The problems kept (already limited and cleared of national ids).
    pub problems: Vec<String>,
}

/// A session open now, as the account's page lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenSession {
    /// Identifies the session; never the token itself, which only its holder has.
    pub token_hash: String,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRecord {
    pub user_id: UserId,
    pub csrf_token: String,
    pub expires_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Permit,
    Deny,
}

impl Decision {
    pub fn code(self) -> &'static str {
        match self {
            Self::Permit => "PERMIT",
            Self::Deny => "DENY",
        }
    }
}

/// Where a record came from: a request to the server, or the command line.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Channel {
    #[default]
    Web,
    /// The command line, run by this operating-system user (who holds the database anyway;
    /// the record says who claimed what).
    Cli { os_user: String },
}

impl Channel {
    pub fn code(&self) -> &'static str {
        match self {
            Self::Web => "web",
            Self::Cli { .. } => "cli",
        }
    }

    pub fn os_user(&self) -> Option<&str> {
        match self {
            Self::Web => None,
            Self::Cli { os_user } => Some(os_user),
        }
    }

    /// From the stored columns; anything but `cli` is the web.
    pub fn from_columns(code: &str, os_user: Option<String>) -> Self {
        match code {
            "cli" => Self::Cli {
                os_user: os_user.unwrap_or_default(),
            },
            _ => Self::Web,
        }
    }
}

/// Failed logins within a window: for a username (from anywhere and from one client) and
/// from one client (for any username).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct LoginFailures {
    pub for_username: u64,
    pub for_username_from_client: u64,
    pub from_client: u64,
}

/// One read of one person's data, permitted or denied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditRecord {
    pub at: DateTime<Utc>,
    pub actor: UserId,
    pub actor_name: String,
    pub subject: PersonKey,
    pub purpose: String,
    pub decision: Decision,
    pub request_id: String,
    pub channel: Channel,
}

/// Something an operator did that is neither a read of a person nor a step on a contract:
/// an account created from the command line, a snapshot imported, the audit log exported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OperationRecord {
    pub at: DateTime<Utc>,
    /// `None` while bootstrapping the first account.
    pub actor: Option<UserId>,
    pub actor_name: String,
    /// What was done, e.g. `user.create`, `register.import`, `audit.export`.
    pub action: String,
    /// What it was done to, e.g. `user:admin` or `snapshot:demo-2026-10`.
    pub subject: String,
    pub channel: Channel,
}

/// An audit record with the subject's current national id, for export.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditExportRow {
    pub id: i64,
    pub record: AuditRecord,
    pub subject_national_id: Option<String>,
}

/// The two cache keys of the store, read in one query: `inputs` moves with every write of what
/// outcomes and payments are computed from, `workflow` with every statement step and every
/// proposal or decision on a contract version.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Generations {
    pub inputs: u64,
    pub workflow: u64,
}

/// An imported register snapshot (one version of the registers).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SnapshotRecord {
    /// The store's number for this version.
    pub id: i64,
    /// The snapshot id the files carry (recorded as evidence by every outcome).
    pub key: String,
    pub cutoff: NaiveDate,
    /// SHA-256 over the snapshot's files, hex.
    pub content_hash: String,
    pub person_count: u64,
    pub row_count: u64,
    pub imported_at: DateTime<Utc>,
}

/// What importing a snapshot did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImportOutcome {
    Imported(SnapshotRecord),
    /// The same files were imported before; nothing was written.
    Unchanged(SnapshotRecord),
}

/// A participant's register timeline in one snapshot, found through every national id the
/// person has held. Recorded events are not in the registers and are left empty here.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParticipantTimeline {
    pub participant: ParticipantId,
    pub person: PersonKey,
    pub contract: ContractId,
    pub provider: ProviderId,
    pub provider_name: String,
    /// The first day with status DELTAR; `None` before the participant has started.
    pub index_date: Option<NaiveDate>,
    /// Whether any of the person's national ids is in the snapshot's population.
    pub in_register: bool,
    pub timeline: effekt_domain::outcomes::timeline::Timeline,
}

/// One step taken on a statement, with the user's name for display.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatementEventRecord {
    pub event: effekt_domain::contract::statement::Event,
    pub user_name: String,
    /// A withdrawal's reason, when one was given.
    pub reason: Option<String>,
}

/// A period's payment statement as stored (its lines are read separately).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatementRecord {
    pub id: i64,
    pub contract: ContractId,
    pub period: String,
    pub period_start: NaiveDate,
    /// The contract versions that priced it, e.g. `1,2`.
    pub versions: String,
    /// The register snapshot it was priced from.
    pub snapshot: String,
    pub total: effekt_domain::money::Nok,
    pub computed_at: DateTime<Utc>,
    /// In the order they were taken; the first is the computation.
    pub events: Vec<StatementEventRecord>,
}

impl effekt_domain::contract::periods::Filed for StatementRecord {
    fn id(&self) -> i64 {
        self.id
    }
    fn period(&self) -> &str {
        &self.period
    }
    fn period_start(&self) -> NaiveDate {
        self.period_start
    }
    fn stage(&self) -> effekt_domain::contract::statement::Stage {
        self.rules().stage()
    }
    fn total(&self) -> effekt_domain::money::Nok {
        self.total
    }
    fn paid_at(&self) -> Option<DateTime<Utc>> {
        use effekt_domain::contract::statement::Step;
        self.events
            .iter()
            .find(|e| e.event.step == Step::Pay)
            .map(|e| e.event.at)
    }
}

impl StatementRecord {
    /// The statement as the domain's rules see it.
    pub fn rules(&self) -> effekt_domain::contract::statement::Statement {
        effekt_domain::contract::statement::Statement {
            period: self.period.clone(),
            total: self.total,
            events: self.events.iter().map(|e| e.event).collect(),
        }
    }
}

/// A statement line. `person` is for auditing reads only and is never shown. A line of a
/// cohort-level outcome belongs to the contract: no person, no provider, and `participant`
/// reads "Kohort <cohort>".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatementLineRecord {
    pub participant: String,
    pub person: Option<PersonKey>,
    pub provider: Option<ProviderId>,
    pub outcome: String,
    pub date: NaiveDate,
    pub occurrence: u32,
    pub kind: effekt_domain::contract::ledger::LineKind,
    /// Corrects a line of an earlier statement.
    pub adjustment: bool,
    pub magnitude: Option<rust_decimal::Decimal>,
    pub amount: effekt_domain::money::Nok,
    /// Evidence ids, separated by spaces.
    pub evidence: String,
    pub version: Option<u32>,
}

/// The first lines of a statement (a page's worth), how many there are and what they sum to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinesHead {
    pub lines: Vec<StatementLineRecord>,
    pub count: u64,
    pub total: effekt_domain::money::Nok,
}

/// One outcome's lines on a statement: distinct participants with a line, and their net amount.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutcomeTotal {
    pub statement: i64,
    pub outcome: String,
    pub participants: u64,
    pub amount: effekt_domain::money::Nok,
}

/// A national id change waiting for (or given) a second Nav user's decision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdChangeRequest {
    pub id: i64,
    pub person: PersonKey,
    pub national_id: effekt_domain::national_id::NationalId,
    pub valid_from: NaiveDate,
    pub requested_by: UserId,
    pub requested_by_name: String,
    pub requested_at: DateTime<Utc>,
    /// Confirmed (or not), by whom, when; `None` while it waits.
    pub decision: Option<(bool, UserId, DateTime<Utc>)>,
}

/// What could single a participant out when combined, as the evaluator's view shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuasiIdentifiers {
    pub participant: ParticipantId,
    /// For the pseudonym and the audit record only; never shown.
    pub person: PersonKey,
    pub provider: ProviderId,
    pub provider_name: String,
    pub status: ParticipantStatus,
    pub group: Option<(GroupId, String)>,
    pub index_date: Option<NaiveDate>,
}

/// A computed statement to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewStatement {
    pub contract: ContractId,
    pub period: String,
    pub period_start: NaiveDate,
    pub versions: String,
    pub snapshot: String,
    pub lines: Vec<StatementLineRecord>,
    /// The computation step (who and when).
    pub computed: effekt_domain::contract::statement::Event,
    /// Why the draft it replaces is withdrawn, when someone had already taken a step on it.
    pub replaces_because: Option<String>,
}

/// A stored version of a contract's terms, with every party's decision on it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContractVersionRecord {
    pub version: u32,
    pub terms: effekt_domain::contract::terms::ContractTerms,
    /// `None`: in force from the contract's start.
    pub effective_from: Option<NaiveDate>,
    pub state: effekt_domain::contract::amendment::VersionState,
    /// The display name of the user who proposed it (`None` for imported files).
    pub proposed_by: Option<String>,
    /// That user's id.
    pub proposer: Option<effekt_domain::ids::UserId>,
    /// Who withdrew the proposal (display name), when and why.
    pub withdrawal: Option<(String, DateTime<Utc>, String)>,
    pub stored_at: DateTime<Utc>,
    /// The contract file text it was read from, when known.
    pub source: Option<String>,
    /// In the order given, with the deciding user's display name and the reason they gave.
    pub decisions: Vec<(
        effekt_domain::contract::amendment::PartyDecision,
        String,
        Option<String>,
    )>,
}

/// A proposed amendment: checked terms, the effective date, and the proposer's party's
/// approval (proposing is agreeing).
#[derive(Debug, Clone, Copy)]
pub struct Proposal<'a> {
    pub terms: &'a effekt_domain::contract::terms::ContractTerms,
    pub source: Option<&'a str>,
    pub effective_from: NaiveDate,
    pub decision: effekt_domain::contract::amendment::PartyDecision,
    /// Why (kept as the reason of the proposer's own approval, shown with the version and
    /// published in the price history).
    pub reason: Option<&'a str>,
}

/// One provider record as imported (migration 0016): a milestone (no score) or a soft-survey
/// score on an instrument, for one participant; `record_id` is the provider's own id, and a
/// later record with the same id corrects or (`retracted`) withdraws the earlier one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EvidenceRecord {
    pub participant: ParticipantId,
    pub record_id: String,
    /// The milestone's or instrument's identifier, as outcome kinds name it.
    pub identifier: String,
    pub achieved_on: NaiveDate,
    pub score: Option<rust_decimal::Decimal>,
    pub recorded_by: String,
    /// Who verified it and when; only verified records are priced.
    pub verified: Option<(String, NaiveDate)>,
    pub retracted: bool,
}
