//! The average effect of the programme on the treated (ATT) on one outcome, from the matched
//! sets: each matched treated person's outcome minus the mean outcome of their comparison
//! persons, averaged. Two 95 % intervals:
//!
//! - analytic: the mean of the matched differences ± z₀.₉₇₅ × their standard error
//!   (sd/√n), treating the matched sets as independent — the paired-difference interval; it
//!   ignores that the score was estimated and, with replacement, that a comparison person may
//!   serve twice (the bootstrap is the check on both);
//! - bootstrap: the 2.5th and 97.5th percentiles of the ATT over `replications` resamples of the
//!   matched sets with replacement, drawn from a ChaCha8 stream seeded by the run, so the same
//!   inputs and seed give the same interval.
//!
//! Outcomes are numbers per person key (0/1 for "sustained employment within the window").

use std::collections::BTreeMap;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::matching::Match;
use super::moments::interval;

/// An estimate with its analytic interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Effect {
    pub att: f64,
    pub standard_error: f64,
    pub low: f64,
    pub high: f64,
    /// Matched treated persons the estimate is over.
    pub treated: usize,
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum EffectError {
    #[error("no treated person found a comparison within the caliper; widen the caliper or review the covariates")]
    NoMatches,
    #[error("only {0} treated person(s) matched: too few for an interval")]
    TooFew(usize),
    #[error("person {0} has no value for the outcome")]
    MissingOutcome(i64),
    #[error("a bootstrap needs at least 100 replications")]
    Replications,
}

/// The matched differences, in the order of the matches.
fn differences(matches: &[Match], outcome: &BTreeMap<i64, f64>) -> Result<Vec<f64>, EffectError> {
    let value = |k: &i64| {
        outcome
            .get(k)
            .copied()
            .ok_or(EffectError::MissingOutcome(*k))
    };
    let mut out = Vec::new();
    for m in matches.iter().filter(|m| !m.controls.is_empty()) {
        let mut controls = 0.0;
        for k in &m.controls {
            controls += value(k)?;
        }
        out.push(value(&m.treated)? - controls / m.controls.len() as f64);
    }
    match out.len() {
        0 => Err(EffectError::NoMatches),
        1 => Err(EffectError::TooFew(1)),
        _ => Ok(out),
    }
}

/// The ATT with its analytic 95 % interval.
pub fn att(matches: &[Match], outcome: &BTreeMap<i64, f64>) -> Result<Effect, EffectError> {
    let d = differences(matches, outcome)?;
    let (att, standard_error, low, high) = interval(&d).ok_or(EffectError::TooFew(d.len()))?;
    Ok(Effect {
        att,
        standard_error,
        low,
        high,
        treated: d.len(),
    })
}

/// The bootstrap's 95 % percentile interval of the ATT: (low, high).
pub fn bootstrap(
    matches: &[Match],
    outcome: &BTreeMap<i64, f64>,
    replications: usize,
    seed: u64,
) -> Result<(f64, f64), EffectError> {
    if replications < 100 {
        return Err(EffectError::Replications);
    }
    let d = differences(matches, outcome)?;
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut estimates: Vec<f64> = (0..replications)
        .map(|_| {
            let sum: f64 = (0..d.len()).map(|_| d[rng.random_range(0..d.len())]).sum();
            sum / d.len() as f64
        })
        .collect();
    estimates.sort_by(f64::total_cmp);
    // The percentile by linear interpolation between order statistics (NumPy's default).
    let at = |q: f64| {
        let pos = q * (replications - 1) as f64;
        let (lo, frac) = (pos.floor() as usize, pos.fract());
        let next = estimates.get(lo + 1).copied().unwrap_or(estimates[lo]);
        estimates[lo] + frac * (next - estimates[lo])
    };
    Ok((at(0.025), at(0.975)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn case() -> (Vec<Match>, BTreeMap<i64, f64>) {
        let matches = vec![
            Match {
                treated: 1,
                controls: vec![11],
            },
            Match {
                treated: 2,
                controls: vec![12],
            },
            Match {
                treated: 3,
                controls: vec![13],
            },
            Match {
                treated: 4,
                controls: vec![14, 15],
            },
            Match {
                treated: 5,
                controls: vec![],
            },
        ];
        let outcome: BTreeMap<i64, f64> = [
            (1, 1.0),
            (2, 1.0),
            (3, 1.0),
            (4, 1.0),
            (5, 0.0),
            (11, 0.0),
            (12, 1.0),
            (13, 0.0),
            (14, 1.0),
            (15, 0.0),
        ]
        .into();
        (matches, outcome)
    }

    #[test]
    fn the_att_and_its_interval_are_the_paired_differences() {
        // Differences 1, 0, 1, 0.5 (the fifth treated person has no match).
        let (matches, outcome) = case();
        let e = att(&matches, &outcome).unwrap();
        assert_eq!((e.att, e.treated), (0.625, 4));
        let sd = (0.6875_f64 / 3.0).sqrt();
        assert!((e.standard_error - sd / 2.0).abs() < 1e-15);
        assert!((e.high - e.low - 2.0 * 1.959963984540054 * sd / 2.0).abs() < 1e-12);
    }

    #[test]
    fn the_bootstrap_is_reproducible_for_a_seed_and_near_the_analytic_interval() {
        let (mut matches, mut outcome) = case();
        // 400 matched pairs, half employed among the treated and a quarter among the controls.
        matches.clear();
        for i in 0..400 {
            matches.push(Match {
                treated: i,
                controls: vec![1000 + i],
            });
            outcome.insert(i, f64::from(u8::from(i % 2 == 0)));
            outcome.insert(1000 + i, f64::from(u8::from(i % 4 == 0)));
        }
        let a = bootstrap(&matches, &outcome, 1000, 7).unwrap();
        assert_eq!(a, bootstrap(&matches, &outcome, 1000, 7).unwrap());
        assert_ne!(a, bootstrap(&matches, &outcome, 1000, 8).unwrap());
        let e = att(&matches, &outcome).unwrap();
        assert!(a.0 < e.att && e.att < a.1, "{a:?} around {}", e.att);
        assert!(
            ((a.1 - a.0) - (e.high - e.low)).abs() < 0.02,
            "{a:?} vs {e:?}"
        );
    }

    #[test]
    fn without_matches_or_outcomes_it_says_why() {
        let (matches, outcome) = case();
        let unmatched = [Match {
            treated: 5,
            controls: vec![],
        }];
        assert_eq!(att(&unmatched, &outcome), Err(EffectError::NoMatches));
        assert_eq!(att(&matches[..1], &outcome), Err(EffectError::TooFew(1)));
        let mut missing = outcome.clone();
        missing.remove(&13);
        assert_eq!(
            att(&matches, &missing),
            Err(EffectError::MissingOutcome(13))
        );
        assert_eq!(
            bootstrap(&matches, &outcome, 10, 1),
            Err(EffectError::Replications)
        );
    }
}
