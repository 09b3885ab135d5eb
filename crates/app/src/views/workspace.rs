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
    pub attendance: AttendanceFigures,
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

/// Attendance in published figures (issue 14): per provider, participants with attendance
/// (suppressed primary and secondary) and the share of planned hours attended where that count
/// is shown; and the provider's groups counted by band of attendance, each group with five or
/// more participants with attendance (smaller groups are only counted as such).
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AttendanceFigures {
    /// The bands' labels ("Under 50 %", …).
    pub bands: Vec<String>,
    pub rows: Vec<AttendanceFigureRow>,
    pub participants_total: String,
    /// The whole contract's share, where the total is shown; "–" otherwise.
    pub rate_total: String,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AttendanceFigureRow {
    pub label: String,
    /// Participants with attendance: a number, "<5" or "x".
    pub participants: String,
    /// Hours attended over hours planned, "83 %"; "–" where the count is not shown.
    pub rate: String,
    /// Groups per band; "–" where the provider's count is not shown.
    pub bands: Vec<String>,
    /// Groups with fewer than five participants with attendance (not in a band).
    pub small_groups: String,
}
