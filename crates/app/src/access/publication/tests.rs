//! Random statements, as those who see totals only are shown them: no published figure —
//! per-outcome amounts, statement totals, and any sum of them across statements (the
//! investors' income is one) — includes a cell whose count is hidden, so no sum or difference
//! of published figures can give a hidden one away.

use effekt_domain::money::Nok;
use proptest::prelude::*;

use super::*;

fn statement(id: i64, cells: &[(u64, i64)]) -> Vec<OutcomeTotal> {
    cells
        .iter()
        .enumerate()
        .map(|(i, (participants, kroner))| OutcomeTotal {
            statement: id,
            outcome: format!("Resultat {i}"),
            participants: *participants,
            amount: Nok::from_ore(kroner * 100),
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(500))]
    #[test]
    fn no_published_figure_holds_a_hidden_cell(
        statements in prop::collection::vec(
            prop::collection::vec((0u64..12, 1i64..200_000), 0..6),
            1..8,
        )
    ) {
        let all: Vec<Vec<OutcomeTotal>> = statements
            .iter()
            .enumerate()
            .map(|(i, cells)| statement(i as i64, cells))
            .collect();
        // Every published figure, as the set of cells (statement, outcome) it sums.
        let mut published: Vec<Vec<(usize, usize)>> = Vec::new();
        let mut hidden: Vec<(usize, usize)> = Vec::new();
        for (s, cells) in all.iter().enumerate() {
            let refs: Vec<&OutcomeTotal> = cells.iter().collect();
            let shown = totals_by_outcome(&refs);
            for (o, view) in shown.iter().enumerate() {
                match &view.amount {
                    Some(_) => published.push(vec![(s, o)]),
                    None => hidden.push((s, o)),
                }
                // A count under 5 is never shown as a number.
                if let Ok(n) = view.participants.parse::<u64>() {
                    prop_assert!(n >= 5 || n == 0);
                }
            }
            if total_publishable(&refs) {
                published.push((0..cells.len()).map(|o| (s, o)).collect());
            }
        }
        // The investors' income: the running sum of the published totals.
        let totals: Vec<usize> = all
            .iter()
            .enumerate()
            .filter(|(_, cells)| total_publishable(&cells.iter().collect::<Vec<_>>()))
            .map(|(s, _)| s)
            .collect();
        for end in 1..=totals.len() {
            published.push(
                totals[..end]
                    .iter()
                    .flat_map(|s| (0..all[*s].len()).map(move |o| (*s, o)))
                    .collect(),
            );
        }
        for figure in &published {
            for cell in figure {
                prop_assert!(!hidden.contains(cell), "{:?} is in a published figure {:?}", cell, figure);
            }
        }
    }
}
