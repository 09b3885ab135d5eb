//! Covariate balance before and after matching: the standardised mean difference of each
//! covariate, flagged above [`FLAG`] (Austin 2009; the DWP Employment Data Lab's reports show
//! the same before/after chart).
//!
//! The difference is the treated mean minus the comparison mean, over one denominator for both:
//! the pooled standard deviation of the unmatched groups, √((s²ₜ + s²꜀)/2) with n − 1 variances,
//! so that before and after differ only by the means (as `cobalt`'s default for matching).
//! After matching the treated mean is over the matched treated persons, and each of their
//! comparison persons weighs 1/k for a treated person with k of them (a person matched twice,
//! with replacement, counts twice). Values are keyed in ordered maps, so sums run in key order
//! and a run gives the same numbers every time.

use super::matching::Match;
use super::moments::mean_var;

/// A covariate above this absolute standardised difference is shown as not balanced.
pub const FLAG: f64 = 0.1;

/// One covariate's balance.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CovariateBalance {
    pub before: f64,
    pub after: f64,
    /// |after| above [`FLAG`].
    pub flagged: bool,
}

/// The balance of one covariate: `treated` and `pool` map a person's key to the value; the
/// matches say who was compared with whom. `None` when a group has fewer than two persons or
/// the covariate does not vary at all (nothing to standardise by).
pub fn covariate(
    treated: &std::collections::BTreeMap<i64, f64>,
    pool: &std::collections::BTreeMap<i64, f64>,
    matches: &[Match],
) -> Option<CovariateBalance> {
    if treated.len() < 2 || pool.len() < 2 {
        return None;
    }
    let t: Vec<f64> = treated.values().copied().collect();
    let c: Vec<f64> = pool.values().copied().collect();
    let ((mt, vt), (mc, vc)) = (mean_var(&t), mean_var(&c));
    let sd = ((vt + vc) / 2.0).sqrt();
    if !(sd.is_finite() && sd > 0.0) {
        return None;
    }
    let (mut sum_t, mut n_t, mut sum_c) = (0.0, 0.0, 0.0);
    for m in matches.iter().filter(|m| !m.controls.is_empty()) {
        let value = treated.get(&m.treated)?;
        sum_t += value;
        n_t += 1.0;
        let w = 1.0 / m.controls.len() as f64;
        for k in &m.controls {
            sum_c += w * pool.get(k)?;
        }
    }
    let after = if n_t > 0.0 {
        (sum_t / n_t - sum_c / n_t) / sd
    } else {
        f64::NAN
    };
    Some(CovariateBalance {
        before: (mt - mc) / sd,
        after,
        flagged: !after.is_finite() || after.abs() > FLAG,
    })
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    #[test]
    fn matching_on_the_covariate_removes_the_difference() {
        // Treated are older; the matched controls are of the same age.
        let treated: BTreeMap<i64, f64> = [(1, 50.0), (2, 60.0), (3, 40.0)].into();
        let pool: BTreeMap<i64, f64> = [
            (10, 50.0),
            (11, 60.0),
            (12, 40.0),
            (13, 20.0),
            (14, 25.0),
            (15, 30.0),
        ]
        .into();
        let matches = [
            Match {
                treated: 1,
                controls: vec![10],
            },
            Match {
                treated: 2,
                controls: vec![11],
            },
            Match {
                treated: 3,
                controls: vec![12],
            },
        ];
        let b = covariate(&treated, &pool, &matches).unwrap();
        // Means 50 and 37.5; variances 100 and 237.5: pooled SD √168.75.
        assert!((b.before - 12.5 / 168.75_f64.sqrt()).abs() < 1e-12, "{b:?}");
        assert_eq!(b.after, 0.0);
        assert!(!b.flagged);
        // Two controls for one treated person weigh a half each.
        let uneven = [Match {
            treated: 1,
            controls: vec![13, 10],
        }];
        let b = covariate(&treated, &pool, &uneven).unwrap();
        assert!((b.after - (50.0 - 35.0) / 168.75_f64.sqrt()).abs() < 1e-12);
        assert!(b.flagged);
        let constant: BTreeMap<i64, f64> = [(1, 1.0), (2, 1.0)].into();
        let also: BTreeMap<i64, f64> = [(10, 1.0), (11, 1.0)].into();
        assert_eq!(covariate(&constant, &also, &matches), None);
    }
}
