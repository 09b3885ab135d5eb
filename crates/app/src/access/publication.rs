//! What those who see statement totals only may be shown: per outcome, the participants with
//! a line (suppressed below 5, and secondarily) and the amount only where the count shows; a
//! statement's total only when no amount on it is hidden. The statements pages and the
//! investors' page publish through these functions, so no figure on one, alone or less
//! another, gives away a cell hidden on the other (docs/privacy.md, "One publication layer").

use effekt_domain::suppression::suppress;
use effekt_store::model::OutcomeTotal;

use crate::views::OutcomeTotalView;

/// Whether a statement's total may be published to those who see totals only: when no
/// outcome's amount on it is hidden. Otherwise the total less the amounts shown would give the
/// hidden amount away, and with a fixed price the count under 5. The statements pages and the
/// investors' page publish through this one rule.
pub(crate) fn total_publishable(outcomes: &[&OutcomeTotal]) -> bool {
    totals_by_outcome(outcomes)
        .iter()
        .all(|o| o.amount.is_some())
}

/// Per outcome: participants with a line (suppressed below 5, and secondarily) and the net
/// amount, shown only where the count is.
pub(crate) fn totals_by_outcome(outcomes: &[&OutcomeTotal]) -> Vec<OutcomeTotalView> {
    let counts: Vec<Vec<u64>> = outcomes.iter().map(|o| vec![o.participants]).collect();
    let s = suppress(&counts);
    outcomes
        .iter()
        .zip(&s.cells)
        .map(|(o, cells)| {
            let cell = cells.first().copied();
            OutcomeTotalView {
                outcome: o.outcome.clone(),
                participants: cell.map(|c| c.display()).unwrap_or_default(),
                amount: cell.filter(|c| c.is_shown()).map(|_| o.amount.to_string()),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests;
