//! The effect evaluation in the store (migration 0033): plans registered in versions, runs kept
//! with what they were made from, publication, figures certified from a run, and the reads a
//! run needs (a whole register snapshot, and the contract's participants with their national
//! ids). A supertrait of [`crate::Store`].

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use effekt_domain::contract::cohort::CertifiedFigure;
use effekt_domain::ids::{ContractId, ParticipantId, PersonKey, UserId};
use effekt_domain::register::Register;

use crate::error::Result;

/// One registered version of a contract's evaluation plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanRecord {
    pub version: u32,
    /// The plan file as registered.
    pub text: String,
    /// Why the plan changed after results existed; `None` for a plan registered before any run.
    pub deviation: Option<String>,
    pub registered_by: String,
    pub registered_at: DateTime<Utc>,
}

/// Interim (the evaluator and Nav's contract manager) or final.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunLabel {
    Interim,
    Final,
}

impl RunLabel {
    pub fn code(self) -> &'static str {
        match self {
            Self::Interim => "INTERIM",
            Self::Final => "FINAL",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        [Self::Interim, Self::Final]
            .into_iter()
            .find(|l| l.code() == code)
    }

    pub fn label_nb(self) -> &'static str {
        match self {
            Self::Interim => "Foreløpig",
            Self::Final => "Endelig",
        }
    }
}

/// A run to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewRun<'a> {
    pub contract: ContractId,
    pub plan_version: u32,
    pub snapshot: i64,
    pub effekt_version: &'a str,
    /// JSON: the settings the run was made with.
    pub settings: &'a str,
    pub label: RunLabel,
    /// JSON: the person-free result.
    pub result: &'a str,
    /// JSON: the matched sets under pseudonyms.
    pub matches: &'a str,
    pub by: UserId,
    pub at: DateTime<Utc>,
}

/// A stored run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunRecord {
    pub id: i64,
    pub contract: ContractId,
    pub plan_version: u32,
    pub snapshot: i64,
    pub snapshot_key: String,
    pub effekt_version: String,
    pub settings: String,
    pub label: RunLabel,
    pub result: String,
    pub run_by: String,
    pub run_at: DateTime<Utc>,
    pub published_by: Option<String>,
    pub published_at: Option<DateTime<Utc>>,
}

/// A participant of the contract as a run needs them: the national ids their person has held
/// (the register files spells under the id held on the spell's first day).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EvaluationParticipant {
    pub participant: ParticipantId,
    pub person: PersonKey,
    pub index_date: Option<NaiveDate>,
    pub provider: String,
    /// The provider's participant group, if any.
    pub group: Option<String>,
    pub national_ids: Vec<String>,
}

/// Where a certified figure comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FigureSource<'a> {
    Run(i64),
    /// Typed by the evaluator, with the written reason.
    Typed(&'a str),
}

/// A certified figure's source as stored: the run, or the typed reason (`None` for figures
/// certified before sources were recorded).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Provenance {
    pub run: Option<i64>,
    pub typed_reason: Option<String>,
}

#[async_trait]
pub trait EvaluationStore: Send + Sync {
    /// Registers the next version of the contract's plan; returns its version. `deviation` is
    /// the reason when runs exist already.
    async fn register_evaluation_plan(
        &self,
        contract: ContractId,
        text: &str,
        deviation: Option<&str>,
        by: UserId,
        at: DateTime<Utc>,
    ) -> Result<u32>;
    /// Every version of the contract's plan, oldest first.
    async fn evaluation_plans(&self, contract: ContractId) -> Result<Vec<PlanRecord>>;
    /// Stores a run; returns its id.
    async fn store_evaluation_run(&self, run: &NewRun<'_>) -> Result<i64>;
    /// The contract's runs, newest first.
    async fn evaluation_runs(&self, contract: ContractId) -> Result<Vec<RunRecord>>;
    async fn evaluation_run(&self, id: i64) -> Result<Option<RunRecord>>;
    /// The run's matched sets under pseudonyms (JSON).
    async fn evaluation_run_matches(&self, id: i64) -> Result<Option<String>>;
    /// Publishes a run; false when it was published already.
    async fn publish_evaluation_run(&self, id: i64, by: UserId, at: DateTime<Utc>) -> Result<bool>;
    /// A whole register snapshot, persons sorted by national id; `None` when there is no such
    /// snapshot.
    async fn load_register(&self, snapshot: i64) -> Result<Option<Register>>;
    /// The contract's participants with their national ids, and every national id held by a
    /// participant of any contract (never part of a comparison pool).
    async fn evaluation_participants(
        &self,
        contract: ContractId,
    ) -> Result<(Vec<EvaluationParticipant>, Vec<String>)>;
    /// Records a certified figure with where it comes from (append-only, like
    /// [`crate::Store::certify_figure`]).
    async fn certify_figure_from(
        &self,
        contract: ContractId,
        figure: &str,
        certified: &CertifiedFigure,
        source: FigureSource<'_>,
        by: UserId,
        at: DateTime<Utc>,
    ) -> Result<()>;
    /// Each certified figure's source, in the order of [`crate::Store::certified_figures`].
    async fn figure_provenance(&self, contract: ContractId) -> Result<Vec<Provenance>>;
}
