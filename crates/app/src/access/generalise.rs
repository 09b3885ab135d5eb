//! What the evaluator's participant view may show of each participant without singling them
//! out: every combination of the values shown (provider, status group, group, start) is shared
//! by at least 5 participants of the contract, or the row shows less.
//!
//! The values are generalised along one ladder. Where a class is under 5 it shows the step
//! above instead, together with as many of its smallest sibling classes as it takes to make 5
//! (or the whole class above when they do not), so that what shows at every step is a whole
//! class or a union of whole classes of 5 or more, and nothing can be worked out by subtraction.
//! 1. provider, status group, group (only one of 5 or more) and start by half-year;
//! 2. provider, status group and start by half-year;
//! 3. provider, status group and start year;
//! 4. provider and status group;
//! 5. provider;
//! 6. nothing.
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
                status,
                ..Shown::default()
            },
            4 => Shown {
                provider,
                ..Shown::default()
            },
            _ => Shown::default(),
        }
    };
    const TOP: usize = 5;
    let mut at = vec![0usize; rows.len()];
    for k in 0..TOP {
        let shown: Vec<Shown> = rows.iter().zip(&at).map(|(r, l)| level(*l, r)).collect();
        let n = count(&shown);
        let small = |i: usize| at[i] == k && n.get(&shown[i]).copied().unwrap_or(0) < min;
        let moving: Vec<usize> = if k + 1 == TOP {
            // The top shows nothing: only the small classes themselves go there.
            (0..rows.len()).filter(|i| small(*i)).collect()
        } else {
            // Per class one step up: its small classes at this step merge into what it shows
            // itself. When they are too few to make 5, the smallest of their siblings join
            // them, and failing that the whole class moves up; so what shows at each step is
            // always a whole class or a union of whole classes.
            let mut parents: HashMap<Shown, Vec<usize>> = HashMap::new();
            for i in 0..rows.len() {
                if at[i] <= k {
                    parents.entry(level(k + 1, &rows[i])).or_default().push(i);
                }
            }
            let mut moving = Vec::new();
            for members in parents.values() {
                let mut residual: Vec<usize> =
                    members.iter().copied().filter(|i| small(*i)).collect();
                if residual.is_empty() {
                    continue;
                }
                // The sibling classes at this step that could join, smallest first.
                let mut siblings: Vec<(usize, Vec<usize>)> = {
                    let mut by: HashMap<&Shown, Vec<usize>> = HashMap::new();
                    for i in members
                        .iter()
                        .copied()
                        .filter(|i| at[*i] == k && !small(*i))
                    {
                        by.entry(&shown[i]).or_default().push(i);
                    }
                    by.into_values().map(|v| (v.len(), v)).collect()
                };
                siblings.sort_by_key(|(len, v)| (*len, v.first().copied()));
                let mut siblings = siblings.into_iter();
                while residual.len() < min {
                    match siblings.next() {
                        Some((_, class)) => residual.extend(class),
                        None => {
                            residual = members.clone();
                            break;
                        }
                    }
                }
                moving.extend(residual);
            }
            moving
        };
        for i in moving {
            at[i] = k + 1;
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
