//! What the evaluator's participant view may show of each participant without singling them
//! out: every combination of the values shown (provider, status group, group, start) is shared
//! by at least 5 participants of the contract, or the row shows less.
//!
//! The values are generalised along one ladder, a whole class at a time so that nothing can be
//! worked out by subtraction: where a class is under 5, the whole class one step up shows
//! that step instead.
//! 1. provider, status group, group (only one of 5 or more) and start by half-year;
//! 2. provider, status group and start by half-year;
//! 3. provider, status group and start year;
//! 4. provider;
//! 5. nothing.
//!
//! Exact dates never show; they stay in the statements, where verifying needs them.

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate};
use effekt_domain::ids::{GroupId, ParticipantId};
use effekt_domain::suppression::MIN_CELL;
use effekt_store::model::QuasiIdentifiers;

use super::aggregates::status_group;

/// What one row shows; `None` is shown as "–".
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Shown {
    pub provider: Option<String>,
    pub status: Option<&'static str>,
    pub group: Option<String>,
    pub start: Option<String>,
}

fn half_year(d: Option<NaiveDate>) -> String {
    match d {
        Some(d) if d.month() <= 6 => format!("1. halvår {}", d.year()),
        Some(d) => format!("2. halvår {}", d.year()),
        None => "Ikke startet".to_owned(),
    }
}

fn year(d: Option<NaiveDate>) -> String {
    d.map_or_else(|| "Ikke startet".to_owned(), |d| d.year().to_string())
}

/// The shown values of every participant.
pub fn generalise(rows: &[QuasiIdentifiers]) -> HashMap<ParticipantId, Shown> {
    let min = MIN_CELL as usize;
    let mut group_size: HashMap<GroupId, usize> = HashMap::new();
    for r in rows {
        if let Some((g, _)) = &r.group {
            *group_size.entry(*g).or_default() += 1;
        }
    }
    // The ladder, finest first; each level's values are a function of the one before, so a
    // class at one level lies wholly inside one class of the next.
    let level = |k: usize, r: &QuasiIdentifiers| -> Shown {
        let provider = Some(r.provider_name.clone());
        let status = Some(status_group(r.status));
        match k {
            0 => Shown {
                provider,
                status,
                group: r
                    .group
                    .as_ref()
                    .filter(|(g, _)| group_size.get(g).copied().unwrap_or(0) >= min)
                    .map(|(_, name)| name.clone()),
                start: Some(half_year(r.index_date)),
            },
            1 => Shown {
                provider,
                status,
                group: None,
                start: Some(half_year(r.index_date)),
            },
            2 => Shown {
                provider,
                status,
                group: None,
                start: Some(year(r.index_date)),
            },
            3 => Shown {
                provider,
                ..Shown::default()
            },
            _ => Shown::default(),
        }
    };
    const TOP: usize = 4;
    let mut at = vec![0usize; rows.len()];
    for k in 0..TOP {
        let shown: Vec<Shown> = rows.iter().zip(&at).map(|(r, l)| level(*l, r)).collect();
        let n = count(&shown);
        // The next level's class of every small class at this level is shown whole, one
        // level up: rows below this level in it move with it.
        let collapse: std::collections::HashSet<Shown> = rows
            .iter()
            .zip(&at)
            .zip(&shown)
            .filter(|((_, l), s)| **l == k && n.get(s).copied().unwrap_or(0) < min)
            .map(|((r, _), _)| level(k + 1, r))
            .collect();
        for ((r, l), s) in rows.iter().zip(at.iter_mut()).zip(&shown) {
            // The top shows nothing, so it takes only the small classes themselves, not the
            // whole table.
            let moves = if k + 1 == TOP {
                *l == k && n.get(s).copied().unwrap_or(0) < min
            } else {
                *l <= k && collapse.contains(&level(k + 1, r))
            };
            if moves {
                *l = k + 1;
            }
        }
    }
    rows.iter()
        .zip(&at)
        .map(|(r, l)| (r.participant, level(*l, r)))
        .collect()
}

fn count(shown: &[Shown]) -> HashMap<&Shown, usize> {
    let mut n: HashMap<&Shown, usize> = HashMap::new();
    for s in shown {
        *n.entry(s).or_default() += 1;
    }
    n
}

/// Every combination shown, with how many participants show it; for tests and checks.
pub fn combinations(shown: &HashMap<ParticipantId, Shown>) -> HashMap<Shown, usize> {
    let mut n = HashMap::new();
    for s in shown.values() {
        *n.entry(s.clone()).or_default() += 1;
    }
    n
}

#[cfg(test)]
mod tests;
