//! What the evaluation pages show (issue 15): the plan's versions, the runs the viewer may see,
//! and one run with its figures, as the viewer's role may see them.

use effekt_engine::evaluation::run::RunResult;
use serde::Serialize;

/// One registered version of the plan.
#[derive(Debug, Clone, Serialize)]
pub struct PlanVersionView {
    pub version: u32,
    pub text: String,
    /// The reason, when the plan changed after results existed.
    pub deviation: Option<String>,
    pub registered_by: String,
    /// Europe/Oslo, dd.mm.åååå tt:mm.
    pub registered_at: String,
}

/// A run in the list.
#[derive(Debug, Clone, Serialize)]
pub struct RunSummaryView {
    pub id: i64,
    /// Foreløpig | Endelig
    pub label: String,
    pub published: bool,
    pub plan_version: u32,
    pub snapshot: String,
    pub run_at: String,
    pub run_by: String,
    /// The headline: outcome, ATT in percentage points with its interval, in words.
    pub headline: String,
}

/// The contract's evaluation.
#[derive(Debug, Clone, Serialize)]
pub struct EvaluationView {
    pub contract: i64,
    pub contract_name: String,
    pub plans: Vec<PlanVersionView>,
    pub runs: Vec<RunSummaryView>,
    /// The viewer acts for the contract's evaluator: registers the plan, runs, publishes.
    pub evaluator: bool,
    /// The viewer sees interim runs (the evaluator and Nav's contract manager).
    pub sees_interim: bool,
    /// Register snapshots to run on, newest first: (id, "key (cut-off dd.mm.åååå)").
    pub snapshots: Vec<(i64, String)>,
    /// The contract's outcomes the register can judge, and the figures its cohort outcomes
    /// are paid from: what a plan may name.
    pub outcome_names: Vec<String>,
    pub figure_names: Vec<String>,
    /// A plan to start from (the current one, or an example).
    pub plan_text: String,
    /// Whether a changed plan must give a reason (runs exist).
    pub deviation_required: bool,
}

/// One row of a count table: label and the count as shown ("<5" or "x" where suppressed).
#[derive(Debug, Clone, Serialize)]
pub struct CountRow {
    pub label: String,
    pub count: String,
}

/// One cohort figure as the viewer sees it.
#[derive(Debug, Clone, Serialize)]
pub struct FigureRowView {
    pub figure: String,
    pub cohort: String,
    pub size: String,
    /// Norwegian decimal, or "–" (suppressed or not computable).
    pub value: String,
    pub comparison: String,
    pub problem: Option<String>,
    /// The evaluator may certify it from this run.
    pub certifiable: bool,
}

/// One run as the viewer may see it.
#[derive(Debug, Clone, Serialize)]
pub struct RunView {
    pub id: i64,
    pub contract: i64,
    pub contract_name: String,
    pub label: String,
    pub final_run: bool,
    pub published: Option<String>,
    pub plan_version: u32,
    pub plan_text: String,
    pub snapshot: String,
    pub effekt_version: String,
    pub settings: String,
    pub run_by: String,
    pub run_at: String,
    /// "3. kvartal 2026": the quarter of the snapshot's cut-off (the report's period).
    pub quarter: String,
    /// Participants, analysed, matched and each reason for exclusion, suppressed for all but
    /// the evaluator.
    pub counts: Vec<CountRow>,
    pub result: RunResult,
    pub figures: Vec<FigureRowView>,
    /// Per row of `result.subgroups`: its count of matched sets as the viewer may see it, and
    /// whether its estimate may be shown (suppressed per cut, secondarily too, for all but the
    /// evaluator: the cells of a cut add up to the headline's sets).
    pub subgroup_cells: Vec<(String, bool)>,
    pub evaluator: bool,
    pub can_publish: bool,
}
