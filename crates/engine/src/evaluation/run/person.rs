//! What a run reads of one person relative to their index date: an outcome as a number (or
//! not yet judged), the monthly employment share around the index date, and the time to
//! employment.

use chrono::{Days, Months, NaiveDate};
use effekt_domain::outcomes::timeline::{Snapshot, Timeline};
use effekt_domain::outcomes::{evaluate, EmploymentFilter, OutcomeKind, Status};
use rust_decimal::Decimal;

use super::super::event_study::{LEN, SPAN};
use super::super::survival::FollowUp;

/// The outcome as a number: 1 achieved, 0 not; for benefit-free months the number of free
/// months. `None` while the window is open at the snapshot's cut-off.
pub fn outcome_value(
    kind: &OutcomeKind,
    timeline: &Timeline,
    index: NaiveDate,
    snapshot: &Snapshot,
) -> Option<f64> {
    let o = evaluate(kind, timeline, index, snapshot);
    match (o.status, kind) {
        (Status::Pending, _) => None,
        (_, OutcomeKind::BenefitFreeMonth { .. }) => Some(o.achievements.len() as f64),
        (Status::Achieved, _) => Some(1.0),
        (Status::NotAchieved, _) => Some(0.0),
    }
}

/// Whether the outcome's window closes on or before the cut-off, so it is judged for anyone.
pub fn window_closed(kind: &OutcomeKind, index: NaiveDate, snapshot: &Snapshot) -> bool {
    effekt_domain::outcomes::window_end(index, kind.months()).is_some_and(|e| e <= snapshot.cutoff)
}

fn month_start(index: NaiveDate, m: i32) -> Option<NaiveDate> {
    if m >= 0 {
        index.checked_add_months(Months::new(m.unsigned_abs()))
    } else {
        index.checked_sub_months(Months::new(m.unsigned_abs()))
    }
}

/// The share of each month −24…+24 around the index date (month m runs from I + m months to
/// the day before I + m + 1 months) that any employment spell covers; a month ending after the
/// cut-off is not observed.
pub fn monthly_employment(
    timeline: &Timeline,
    index: NaiveDate,
    snapshot: &Snapshot,
) -> [Option<f64>; LEN] {
    let mut out = [None; LEN];
    for (slot, m) in out.iter_mut().zip(-SPAN..=SPAN) {
        let (Some(from), Some(next)) = (month_start(index, m), month_start(index, m + 1)) else {
            continue;
        };
        let Some(to) = next.checked_sub_days(Days::new(1)) else {
            continue;
        };
        if to > snapshot.cutoff {
            continue;
        }
        let mut spans: Vec<(NaiveDate, NaiveDate)> = timeline
            .employment
            .iter()
            .filter_map(|e| {
                let end = e.end.unwrap_or(snapshot.cutoff).min(to);
                let start = e.start.max(from);
                (start <= end).then_some((start, end))
            })
            .collect();
        spans.sort_unstable();
        let (mut covered, mut reach): (i64, Option<NaiveDate>) = (0, None);
        for (start, end) in spans {
            let start = match reach {
                Some(r) if start <= r => match r.checked_add_days(Days::new(1)) {
                    Some(s) => s,
                    None => continue,
                },
                _ => start,
            };
            if start <= end {
                covered += (end - start).num_days() + 1;
            }
            reach = Some(reach.map_or(end, |r| r.max(end)));
        }
        let days = (to - from).num_days() + 1;
        *slot = Some(covered as f64 / days as f64);
    }
    out
}

/// Whole months from `index` to `date`: the largest m with I + m months ≤ date.
fn whole_months(index: NaiveDate, date: NaiveDate) -> u32 {
    let mut m = 0;
    while month_start(index, m + 1).is_some_and(|d| d <= date) {
        m += 1;
    }
    m.unsigned_abs()
}

/// Time to employment over `months` after the index date: the first day employed at `min_fte`
/// (the job-start rule, with the headline's filter), in whole months, or censored at the end of
/// the follow-up (the window or the cut-off, whichever is first).
pub fn follow_up(
    timeline: &Timeline,
    index: NaiveDate,
    snapshot: &Snapshot,
    min_fte: Decimal,
    months: u32,
    filter: &EmploymentFilter,
) -> FollowUp {
    let kind = OutcomeKind::JobStart {
        min_fte,
        months,
        filter: filter.clone(),
    };
    let o = evaluate(&kind, timeline, index, snapshot);
    if let Some(a) = o.achievements.first() {
        return FollowUp {
            months: whole_months(index, a.date),
            employed: true,
        };
    }
    let end = effekt_domain::outcomes::window_end(index, months)
        .unwrap_or(snapshot.cutoff)
        .min(snapshot.cutoff);
    FollowUp {
        months: whole_months(index, end.max(index)),
        employed: false,
    }
}

/// The job size and filter time to employment is judged by: the headline's, when it is an
/// employment outcome; otherwise any job.
pub fn employment_rule(kind: &OutcomeKind) -> (Decimal, EmploymentFilter) {
    match kind {
        OutcomeKind::SustainedEmployment {
            min_fte, filter, ..
        }
        | OutcomeKind::JobStart {
            min_fte, filter, ..
        } => (*min_fte, filter.clone()),
        _ => (Decimal::ONE, EmploymentFilter::default()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use effekt_domain::orgnr::OrgNr;
    use effekt_domain::outcomes::timeline::EmploymentSpell;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn job(id: &str, start: &str, end: Option<&str>, fte: i64) -> EmploymentSpell {
        EmploymentSpell {
            id: id.into(),
            employer: OrgNr::parse("910000012").unwrap(),
            start: d(start),
            end: end.map(d),
            fte: Decimal::from(fte),
            subsidised: false,
        }
    }

    #[test]
    fn the_monthly_share_counts_overlapping_spells_once_and_stops_at_the_cut_off() {
        let snapshot = Snapshot {
            id: "s".into(),
            cutoff: d("2024-03-31"),
        };
        let timeline = Timeline {
            employment: vec![
                job("a", "2024-01-01", Some("2024-01-10"), 50),
                job("b", "2024-01-06", Some("2024-01-15"), 50),
                job("c", "2024-02-20", None, 20),
            ],
            ..Timeline::default()
        };
        let s = monthly_employment(&timeline, d("2024-01-01"), &snapshot);
        let at = |m: i32| s[usize::try_from(m + SPAN).unwrap()];
        assert_eq!(at(0), Some(15.0 / 31.0), "1–15 January, overlap once");
        assert_eq!(at(1), Some(10.0 / 29.0), "20–29 February");
        assert_eq!(at(2), Some(1.0), "March, to the cut-off");
        assert_eq!(at(3), None, "April ends after the cut-off");
        assert_eq!(at(-1), Some(0.0));
    }

    #[test]
    fn time_to_employment_is_in_whole_months_and_censored_at_the_window() {
        let snapshot = Snapshot {
            id: "s".into(),
            cutoff: d("2026-12-31"),
        };
        let filter = EmploymentFilter::default();
        let timeline = Timeline {
            employment: vec![job("a", "2024-03-31", None, 60)],
            ..Timeline::default()
        };
        let f = follow_up(
            &timeline,
            d("2024-01-31"),
            &snapshot,
            Decimal::from(50),
            24,
            &filter,
        );
        // 31 January + 2 months = 31 March (clamped in February, not in March).
        assert_eq!(
            f,
            FollowUp {
                months: 2,
                employed: true
            }
        );
        let f = follow_up(
            &Timeline::default(),
            d("2024-01-31"),
            &snapshot,
            Decimal::from(50),
            24,
            &filter,
        );
        assert_eq!(
            f,
            FollowUp {
                months: 23,
                employed: false
            },
            "the window ends 2026-01-30, a day short of 24 months"
        );
    }
}
