//! Difference-in-differences on the monthly employment rate, as an event study from 24 months
//! before the index date to 24 after: for each month relative to the index, the difference
//! between each matched treated person's employment and their comparison persons' mean,
//! measured against the same difference in the month before the index (−1, the reference),
//! averaged over the matched sets, with a 95 % interval from the spread of those set-level
//! changes (sd/√n). Before the index the estimates show whether the groups moved alike (the
//! pre-trends); after it, the effect month by month. The overall difference-in-differences is
//! the mean set-level difference over months 0…23 minus that over months −24…−1.
//!
//! A person's series is 49 values (months −24…+24), each the share of the month employed
//! (0–1); a month outside the register's cover is `None` and leaves that set out of that month.

use super::matching::Match;
use super::moments::interval;

/// Months before and after the index date.
pub const SPAN: i32 = 24;
/// The series' length: −24…+24.
pub const LEN: usize = (2 * SPAN + 1) as usize;
/// The reference month, relative to the index.
pub const REFERENCE: i32 = -1;

/// One month's estimate.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MonthEffect {
    pub month: i32,
    pub estimate: f64,
    pub low: f64,
    pub high: f64,
    /// Matched sets with both this month and the reference month observed.
    pub sets: usize,
}

/// The event study and the overall difference-in-differences.
#[derive(Debug, Clone, PartialEq)]
pub struct EventStudy {
    pub months: Vec<MonthEffect>,
    pub did: f64,
    pub did_low: f64,
    pub did_high: f64,
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum EventStudyError {
    #[error("person {0} has no monthly employment series")]
    MissingSeries(i64),
    #[error("fewer than two matched sets are observed before and after the index date")]
    TooFew,
}

fn index(month: i32) -> usize {
    usize::try_from(month + SPAN).unwrap_or(0)
}

/// The event study of the matched sets; `series` gives each person's 49 monthly values.
pub fn estimate(
    matches: &[Match],
    series: &std::collections::BTreeMap<i64, [Option<f64>; LEN]>,
) -> Result<EventStudy, EventStudyError> {
    let of = |k: &i64| series.get(k).ok_or(EventStudyError::MissingSeries(*k));
    // Per matched set, the treated-minus-comparison difference in each month.
    let mut sets: Vec<[Option<f64>; LEN]> = Vec::new();
    for m in matches.iter().filter(|m| !m.controls.is_empty()) {
        let t = of(&m.treated)?;
        let controls = m.controls.iter().map(of).collect::<Result<Vec<_>, _>>()?;
        let mut d = [None; LEN];
        for (i, slot) in d.iter_mut().enumerate() {
            let seen: Vec<f64> = controls.iter().filter_map(|c| c[i]).collect();
            if let (Some(y), false) = (t[i], seen.is_empty()) {
                *slot = Some(y - seen.iter().sum::<f64>() / seen.len() as f64);
            }
        }
        sets.push(d);
    }
    let mut months = Vec::with_capacity(LEN);
    for month in -SPAN..=SPAN {
        let changes: Vec<f64> = sets
            .iter()
            .filter_map(|d| Some(d[index(month)]? - d[index(REFERENCE)]?))
            .collect();
        if let Some((estimate, _, low, high)) = interval(&changes) {
            months.push(MonthEffect {
                month,
                estimate,
                low,
                high,
                sets: changes.len(),
            });
        }
    }
    let mean_of = |d: &[Option<f64>; LEN], from: i32, to: i32| {
        let v: Vec<f64> = (from..=to).filter_map(|m| d[index(m)]).collect();
        (!v.is_empty()).then(|| v.iter().sum::<f64>() / v.len() as f64)
    };
    let dids: Vec<f64> = sets
        .iter()
        .filter_map(|d| Some(mean_of(d, 0, SPAN - 1)? - mean_of(d, -SPAN, -1)?))
        .collect();
    let (did, _, did_low, did_high) = interval(&dids).ok_or(EventStudyError::TooFew)?;
    Ok(EventStudy {
        months,
        did,
        did_low,
        did_high,
    })
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    /// A series employed `before` before the index and `after` from it.
    fn series(before: f64, after: f64) -> [Option<f64>; LEN] {
        let mut s = [None; LEN];
        for (i, slot) in s.iter_mut().enumerate() {
            *slot = Some(if (i as i32) < SPAN { before } else { after });
        }
        s
    }

    #[test]
    fn a_jump_at_the_index_shows_after_it_and_not_before() {
        let mut all = BTreeMap::new();
        let mut matches = Vec::new();
        // Treated: 20 % employed before, 60 % after; comparison: 20 % then 30 %. Spread so the
        // intervals are not empty.
        for i in 0..50_i64 {
            let wobble = (i % 5) as f64 * 0.01;
            all.insert(i, series(0.2 + wobble, 0.6 + wobble));
            all.insert(100 + i, series(0.2, 0.3 - wobble));
            matches.push(Match {
                treated: i,
                controls: vec![100 + i],
            });
        }
        let e = estimate(&matches, &all).unwrap();
        assert_eq!(e.months.len(), LEN);
        let at = |m: i32| e.months.iter().find(|x| x.month == m).unwrap();
        assert!(at(-12).estimate.abs() < 1e-12, "no pre-trend");
        assert!(at(REFERENCE).estimate.abs() < 1e-12);
        // After: 0.4 jump for the treated against 0.1 − wobble for the comparison.
        assert!((at(6).estimate - (0.3 + 0.02)).abs() < 1e-12, "{:?}", at(6));
        assert!(at(6).low < at(6).estimate && at(6).estimate < at(6).high);
        assert!((e.did - 0.32).abs() < 1e-12, "{e:?}");
        assert_eq!(at(0).sets, 50);
    }

    #[test]
    fn a_month_outside_the_cover_leaves_the_set_out_of_that_month() {
        let mut all = BTreeMap::new();
        let mut short = series(0.0, 1.0);
        short[index(10)] = None;
        all.insert(1, short);
        all.insert(2, series(0.0, 1.0));
        all.insert(11, series(0.0, 0.0));
        all.insert(12, series(0.0, 0.5));
        let matches = vec![
            Match {
                treated: 1,
                controls: vec![11],
            },
            Match {
                treated: 2,
                controls: vec![12],
            },
        ];
        let e = estimate(&matches, &all).unwrap();
        assert!(
            e.months.iter().all(|m| m.month != 10),
            "one set only: no interval"
        );
        assert_eq!(estimate(&matches[..1], &all), Err(EventStudyError::TooFew));
        assert_eq!(
            estimate(
                &[Match {
                    treated: 3,
                    controls: vec![11]
                }],
                &all
            ),
            Err(EventStudyError::MissingSeries(3))
        );
    }
}
