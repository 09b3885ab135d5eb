//! Nearest-neighbour matching on the propensity score with a caliper, 1:k, with or without
//! replacement — greedy, in an order a peer implementation can reproduce exactly:
//!
//! 1. Distances are on the log-odds of the propensity score (the linear predictor), where a
//!    caliper is commonly set as a share of its standard deviation (0.2 SD, Austin 2011).
//! 2. Treated persons are matched one at a time, highest score first; equal scores in
//!    ascending order of person key.
//! 3. For each, the candidates are the comparison persons not yet used (without replacement)
//!    or all of them (with replacement), nearest first; equal distances go to the lower person
//!    key. Up to `ratio` candidates within the caliper are taken; a treated person with none is
//!    unmatched (and reported as excluded, with that reason, by the caller).
//!
//! `scripts/matching-reference.py` implements the same rule in plain Python; the tests check the
//! pairs are identical on the committed fixture.

/// One person to match: their key (for ties and the report) and their score (log-odds).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Scored {
    pub key: i64,
    pub score: f64,
}

/// How to match.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rule {
    /// Comparison persons per treated person, at most.
    pub ratio: usize,
    /// The largest distance on the score allowed, in its own units.
    pub caliper: f64,
    pub with_replacement: bool,
}

/// A treated person and the comparison persons matched to them, nearest first.
#[derive(Debug, Clone, PartialEq)]
pub struct Match {
    pub treated: i64,
    pub controls: Vec<i64>,
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum MatchError {
    #[error("the ratio must be 1 or more")]
    Ratio,
    #[error("the caliper must be a positive number")]
    Caliper,
    #[error("a score is not a finite number (person {0})")]
    NotFinite(i64),
}

/// Matches every treated person under `rule`; the result lists all treated persons in the
/// order they were matched, those without a match with no controls.
pub fn nearest(treated: &[Scored], pool: &[Scored], rule: Rule) -> Result<Vec<Match>, MatchError> {
    if rule.ratio == 0 {
        return Err(MatchError::Ratio);
    }
    if !(rule.caliper.is_finite() && rule.caliper > 0.0) {
        return Err(MatchError::Caliper);
    }
    if let Some(bad) = treated.iter().chain(pool).find(|s| !s.score.is_finite()) {
        return Err(MatchError::NotFinite(bad.key));
    }
    use rayon::slice::ParallelSliceMut;
    // Keys are unique, so score-then-key is a total order and an unstable sort gives the one
    // order a stable sort would.
    let mut order: Vec<Scored> = treated.to_vec();
    order.par_sort_unstable_by(|a, b| b.score.total_cmp(&a.score).then(a.key.cmp(&b.key)));
    let mut pool: Vec<Scored> = pool.to_vec();
    pool.par_sort_unstable_by(|a, b| a.score.total_cmp(&b.score).then(a.key.cmp(&b.key)));
    let mut used = vec![false; pool.len()];
    let mut out = Vec::with_capacity(order.len());
    for t in order {
        let controls = pick(&pool, &mut used, t.score, rule);
        out.push(Match {
            treated: t.key,
            controls,
        });
    }
    Ok(out)
}

/// The nearest free comparison persons to `score`, within the caliper, nearest first (equal
/// distance: the lower key). The pool is sorted by score, then key, so on the right of the
/// score's place the first free person of a run of equal scores has the lowest key; on the
/// left the run is searched from its start. Without replacement a person taken is marked used
/// for good; with replacement only for this treated person.
fn pick(pool: &[Scored], used: &mut [bool], score: f64, rule: Rule) -> Vec<i64> {
    let at = pool.partition_point(|c| c.score < score);
    let mut taken: Vec<usize> = Vec::new();
    let mut out = Vec::with_capacity(rule.ratio);
    while out.len() < rule.ratio {
        let free = |i: usize| {
            if rule.with_replacement {
                !taken.contains(&i)
            } else {
                !used[i]
            }
        };
        let right = (at..pool.len()).find(|&i| free(i));
        let left = (0..at).rev().find(|&i| free(i)).map(|nearest| {
            let run = pool[..nearest].partition_point(|c| c.score < pool[nearest].score);
            (run..=nearest).find(|&i| free(i)).unwrap_or(nearest)
        });
        let distance = |i: usize| (pool[i].score - score).abs();
        let next = match (left, right) {
            (None, None) => break,
            (Some(i), None) | (None, Some(i)) => i,
            (Some(i), Some(j)) => {
                let (di, dj) = (distance(i), distance(j));
                if di < dj || (di == dj && pool[i].key < pool[j].key) {
                    i
                } else {
                    j
                }
            }
        };
        if distance(next) > rule.caliper {
            break;
        }
        out.push(pool[next].key);
        if rule.with_replacement {
            taken.push(next);
        } else {
            used[next] = true;
        }
    }
    out
}

#[cfg(test)]
mod tests;
