//! The providers' workspace in published figures (issue 13): what the overview shows per
//! provider, every count already suppressed.

use serde::Serialize;

/// Per provider: referrals answered within the agreed limit, late and still waiting (one
/// suppressed table, row totals = referrals), the median days to answer where five or more
/// answers are shown, and participants with a verified milestone (suppressed on its own).
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WorkspaceFigures {
    pub answer_within_days: u64,
    pub columns: Vec<String>,
    pub rows: Vec<WorkspaceRow>,
    pub column_totals: Vec<String>,
    pub total: String,
    pub milestones_total: String,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WorkspaceRow {
    pub label: String,
    /// In time, late, waiting: a number, "<5" or "x".
    pub cells: Vec<String>,
    pub total: String,
    /// Median days from referral to answer, "–" where fewer than five answers are shown.
    pub median_days: String,
    /// Participants with a verified milestone: a number, "<5" or "x".
    pub milestones: String,
}
