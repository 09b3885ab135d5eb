//! Time to employment: the Kaplan–Meier survival curve ("not yet employed") of a group in whole
//! months, and the log-rank test between participants and their matched comparison group —
//! checked against lifelines on a committed fixture (`scripts/survival-reference.py`).
//!
//! A person is followed from the index date for `months`, ending in employment (`employed`) or
//! censored (the follow-up ended first). Ties follow the usual convention: at a month, the
//! employed leave before the censored, so both count as at risk at that month.

use statrs::distribution::{ChiSquared, ContinuousCDF};

/// One person's follow-up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FollowUp {
    pub months: u32,
    pub employed: bool,
}

/// At-risk and employed counts at each month with anyone leaving, in order.
fn table(group: &[FollowUp]) -> Vec<(u32, usize, usize, usize)> {
    let mut sorted: Vec<FollowUp> = group.to_vec();
    sorted.sort_by_key(|f| f.months);
    let mut out = Vec::new();
    let mut at_risk = sorted.len();
    let mut i = 0;
    while i < sorted.len() {
        let month = sorted[i].months;
        let (mut employed, mut leaving) = (0, 0);
        while i < sorted.len() && sorted[i].months == month {
            employed += usize::from(sorted[i].employed);
            leaving += 1;
            i += 1;
        }
        out.push((month, at_risk, employed, leaving));
        at_risk -= leaving;
    }
    out
}

/// The Kaplan–Meier estimate: (month, share not yet employed) from month 0 at 1, then at every
/// month somebody's follow-up ends, as lifelines lists it.
pub fn kaplan_meier(group: &[FollowUp]) -> Vec<(u32, f64)> {
    let mut out = vec![(0, 1.0)];
    let mut s = 1.0;
    for (month, at_risk, employed, _) in table(group) {
        if at_risk > 0 {
            s *= 1.0 - employed as f64 / at_risk as f64;
        }
        if month == 0 {
            out[0].1 = s;
        } else {
            out.push((month, s));
        }
    }
    out
}

/// The log-rank test of two groups: the statistic (χ² with one degree of freedom) and its p-value.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LogRank {
    pub statistic: f64,
    pub p_value: f64,
}

/// Compares the groups' times to employment; `None` when nobody is employed in either (no
/// event, no test).
pub fn log_rank(a: &[FollowUp], b: &[FollowUp]) -> Option<LogRank> {
    let mut months: Vec<u32> = a
        .iter()
        .chain(b)
        .filter(|f| f.employed)
        .map(|f| f.months)
        .collect();
    months.sort_unstable();
    months.dedup();
    let at = |g: &[FollowUp], m: u32| {
        let at_risk = g.iter().filter(|f| f.months >= m).count() as f64;
        let employed = g.iter().filter(|f| f.months == m && f.employed).count() as f64;
        (at_risk, employed)
    };
    let (mut observed, mut expected, mut variance) = (0.0, 0.0, 0.0);
    for m in months {
        let ((na, da), (nb, db)) = (at(a, m), at(b, m));
        let (n, d) = (na + nb, da + db);
        if n < 1.0 {
            continue;
        }
        observed += da;
        expected += d * na / n;
        if n > 1.0 {
            variance += d * (na / n) * (1.0 - na / n) * (n - d) / (n - 1.0);
        }
    }
    if variance <= 0.0 {
        return None;
    }
    let statistic = (observed - expected).powi(2) / variance;
    let p_value = ChiSquared::new(1.0).ok().map(|c| c.sf(statistic))?;
    Some(LogRank { statistic, p_value })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(name: &str) -> csv::Reader<std::fs::File> {
        let path = format!(
            "{}/../../tests/fixtures/survival/{name}",
            env!("CARGO_MANIFEST_DIR")
        );
        csv::Reader::from_path(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
    }

    fn groups() -> (Vec<FollowUp>, Vec<FollowUp>) {
        let (mut p, mut c) = (Vec::new(), Vec::new());
        for r in fixture("times.csv").records() {
            let r = r.unwrap();
            let f = FollowUp {
                months: r[1].parse().unwrap(),
                employed: &r[2] == "1",
            };
            if &r[0] == "participant" {
                &mut p
            } else {
                &mut c
            }
            .push(f);
        }
        (p, c)
    }

    #[test]
    fn kaplan_meier_and_log_rank_agree_with_lifelines() {
        let (p, c) = groups();
        for (name, group) in [("participant", &p), ("comparison", &c)] {
            let ours = kaplan_meier(group);
            let theirs: Vec<(u32, f64)> = fixture("kaplan-meier.csv")
                .records()
                .map(|r| r.unwrap())
                .filter(|r| &r[0] == name)
                .map(|r| (r[1].parse().unwrap(), r[2].parse().unwrap()))
                .collect();
            assert_eq!(ours.len(), theirs.len(), "{name}");
            for ((m, s), (tm, ts)) in ours.iter().zip(&theirs) {
                assert_eq!(m, tm, "{name}");
                assert!((s - ts).abs() < 1e-12, "{name} month {m}: {s} vs {ts}");
            }
        }
        let r = fixture("log-rank.csv").records().next().unwrap().unwrap();
        let (statistic, p_value): (f64, f64) = (r[0].parse().unwrap(), r[1].parse().unwrap());
        let ours = log_rank(&p, &c).unwrap();
        assert!(
            (ours.statistic - statistic).abs() < 1e-9,
            "{ours:?} vs {statistic}"
        );
        assert!(
            (ours.p_value - p_value).abs() < 1e-12,
            "{ours:?} vs {p_value}"
        );
    }

    #[test]
    fn no_employment_is_no_test() {
        let none = [FollowUp {
            months: 6,
            employed: false,
        }];
        assert_eq!(log_rank(&none, &none), None);
        assert_eq!(kaplan_meier(&none), vec![(0, 1.0), (6, 1.0)]);
    }
}
