//! What the home shows: the tasks waiting for the viewer and the key figures of its role.

use serde::Serialize;

/// One thing waiting for the viewer, linking to where it is done.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TaskView {
    /// compute_period | recompute_period | verify_statement | approve_statement | pay_statement |
    /// decide_amendment | retry_import | answer_proposal | read_proposal_answer |
    /// answer_referral (`TaskKind::code`)
    pub kind: String,
    /// What to do, in Norwegian ("Verifiser oppgjøret").
    pub label: String,
    pub contract: String,
    /// What it is about, in words ("1. kvartal 2026", "versjon 2").
    pub subject: String,
    pub href: String,
    /// By when (dd.mm.åååå), where the step has a deadline.
    pub due: Option<String>,
    pub overdue: bool,
}

/// The first page after login: what waits for this person, overdue first.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HomeView {
    pub tasks: Vec<TaskView>,
    /// The few figures the role watches (`access::figures`), per contract or area.
    pub figures: Vec<KeyFigures>,
}

/// Key figures under one heading (a contract, or "Drift").
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct KeyFigures {
    pub title: String,
    pub figures: Vec<KeyFigure>,
}

/// One key figure: what it is, its value as shown, and a note where the value needs one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct KeyFigure {
    pub label: String,
    pub value: String,
    pub note: Option<String>,
}
