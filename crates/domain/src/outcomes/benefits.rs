//! Benefit outcomes: calendar months from the one after the index date's month, judged only
//! when the whole month lies in the window and on or before the cut-off.

use chrono::{Datelike, Days, Months, NaiveDate};
use rust_decimal::Decimal;

use super::timeline::{BenefitType, Snapshot, Timeline};
use super::Achievement;

/// The judged months as (first day, last day), in order.
fn judged_months(index: NaiveDate, last: NaiveDate) -> Vec<(NaiveDate, NaiveDate)> {
    let mut months = Vec::new();
    let Some(mut first) = index
        .with_day(1)
        .and_then(|d| d.checked_add_months(Months::new(1)))
    else {
        return months;
    };
    loop {
        let Some(end) = first
            .checked_add_months(Months::new(1))
            .and_then(|d| d.checked_sub_days(Days::new(1)))
        else {
            return months;
        };
        if end > last {
            return months;
        }
        months.push((first, end));
        match first.checked_add_months(Months::new(1)) {
            Some(next) => first = next,
            None => return months,
        }
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
