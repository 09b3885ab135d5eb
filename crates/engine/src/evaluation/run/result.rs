//! What a run computes, person-free: the shapes that are stored (as JSON) and shown.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::Exclusion;
use crate::evaluation::plan::Subgroup;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExclusionCount {
    pub reason: Exclusion,
    pub count: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelSummary {
    /// "konstant" first, then the covariates' labels.
    pub terms: Vec<String>,
    pub coefficients: Vec<f64>,
    pub standard_errors: Vec<f64>,
    pub log_likelihood: f64,
    pub iterations: usize,
    /// The caliper in log-odds units.
    pub caliper: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BalanceRow {
    pub covariate: String,
    pub before: f64,
    pub after: f64,
    pub flagged: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutcomeEffect {
    pub outcome: String,
    pub headline: bool,
    pub treated_mean: f64,
    pub comparison_mean: f64,
    pub att: f64,
    pub standard_error: f64,
    pub low: f64,
    pub high: f64,
    pub bootstrap_low: f64,
    pub bootstrap_high: f64,
    /// Matched sets the estimate is over.
    pub sets: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MonthRow {
    pub month: i32,
    pub estimate: f64,
    pub low: f64,
    pub high: f64,
    pub sets: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EventStudy {
    pub months: Vec<MonthRow>,
    pub did: f64,
    pub did_low: f64,
    pub did_high: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Survival {
    /// (month, share not yet employed) for the matched participants.
    pub participants: Vec<(u32, f64)>,
    pub comparison: Vec<(u32, f64)>,
    pub log_rank_statistic: Option<f64>,
    pub log_rank_p: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SubgroupRow {
    pub cut: Subgroup,
    pub value: String,
    pub sets: usize,
    /// ATT, low, high on the headline; `None` where a cell holds fewer than [`crate::evaluation::plan::MIN_CELL`].
    pub effect: Option<(f64, f64, f64)>,
}

/// One figure for one cohort, as the contract's cohort outcomes read it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CohortFigure {
    pub figure: String,
    pub cohort: String,
    /// Matched participants the figure is over.
    pub size: usize,
    pub value: Option<Decimal>,
    /// The comparison group's value, for a rate.
    pub comparison: Option<Decimal>,
    /// Participants counted, and the comparison persons counted (weighted 1/k per set).
    pub events: f64,
    pub comparison_events: f64,
    /// Why there is no value (a reduction against a comparison with nobody counted).
    pub problem: Option<String>,
}

/// Everything a run computes, person-free: what is stored and shown.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunResult {
    pub snapshot: String,
    pub cutoff: NaiveDate,
    pub participants: usize,
    pub analysed: usize,
    pub matched: usize,
    pub pool: usize,
    pub comparison_persons: usize,
    pub exclusions: Vec<ExclusionCount>,
    pub model: ModelSummary,
    pub balance: Vec<BalanceRow>,
    pub effects: Vec<OutcomeEffect>,
    pub event_study: EventStudy,
    pub survival: Survival,
    pub subgroups: Vec<SubgroupRow>,
    pub figures: Vec<CohortFigure>,
}
