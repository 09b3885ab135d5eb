//! Benefit outcomes: calendar months from the one after the index date's month, judged only
//! when the whole month lies in the window and on or before the cut-off.

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;

use super::timeline::{BenefitType, Snapshot, Timeline};
use super::Achievement;

/// The first day of the month after the one starting `first` (which is a first of a month).
fn next_month(first: NaiveDate) -> Option<NaiveDate> {
    if first.month() == 12 {
        NaiveDate::from_ymd_opt(first.year().checked_add(1)?, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(first.year(), first.month() + 1, 1)
    }
}

/// The judged months as (first day, last day), in order. Month starts are stepped by hand:
/// this runs for every person and month at national scale.
fn judged_months(index: NaiveDate, last: NaiveDate) -> Vec<(NaiveDate, NaiveDate)> {
    let mut months = Vec::with_capacity(24);
    let Some(mut first) = index.with_day(1).and_then(next_month) else {
        return months;
    };
    loop {
        let Some(next) = next_month(first) else {
            return months;
        };
        let Some(end) = next.pred_opt() else {
            return months;
        };
        if end > last {
            return months;
        }
        months.push((first, end));
        first = next;
    }
}

fn is_free(
    timeline: &Timeline,
    types: &[BenefitType],
    cutoff: NaiveDate,
    (first, end): (NaiveDate, NaiveDate),
) -> bool {
    !timeline.benefits.iter().any(|b| {
        (types.is_empty() || types.contains(&b.kind))
            && b.start <= end
            && b.end.unwrap_or(cutoff) >= first
    })
}

fn month_label(first: NaiveDate) -> String {
    format!("{:04}-{:02}", first.year(), first.month())
}

/// The last day of the `count`-th consecutive free month.
pub(super) fn consecutive_free(
    timeline: &Timeline,
    types: &[BenefitType],
    index: NaiveDate,
    last: NaiveDate,
    snapshot: &Snapshot,
    count: u32,
) -> Option<Achievement> {
    let need = count.max(1);
    let mut run = 0;
    let months = judged_months(index, last);
    let first = months.first().map(|m| m.0);
    for month in months {
        if is_free(timeline, types, snapshot.cutoff, month) {
            run += 1;
            if run == need {
                // The months checked are consecutive: written as one ISO 8601 interval.
                let checked = format!(
                    "{}/{}",
                    month_label(first.unwrap_or(month.0)),
                    month_label(month.0)
                );
                return Some(Achievement {
                    date: month.1,
                    magnitude: Decimal::from(need),
                    evidence: vec![snapshot.id.clone(), checked],
                });
            }
        } else {
            run = 0;
        }
    }
    None
}

/// Every free month, each dated its last day, magnitude 1.
pub(super) fn every_free_month(
    timeline: &Timeline,
    types: &[BenefitType],
    index: NaiveDate,
    last: NaiveDate,
    snapshot: &Snapshot,
) -> Vec<Achievement> {
    judged_months(index, last)
        .into_iter()
        .filter(|m| is_free(timeline, types, snapshot.cutoff, *m))
        .map(|m| Achievement {
            date: m.1,
            magnitude: Decimal::ONE,
            evidence: vec![snapshot.id.clone(), month_label(m.0)],
        })
        .collect()
}
