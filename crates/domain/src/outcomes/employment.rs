//! Employment outcomes, computed from the spells' boundaries (never day by day): the summed FTE
//! is constant between consecutive spell starts and ends, so a handful of segments describe a
//! person's whole window exactly.

use chrono::{Days, NaiveDate};
use rust_decimal::Decimal;

use super::timeline::{EmploymentSpell, Timeline};
use super::{Achievement, EmploymentFilter};

/// Days `[start, end]` with the same summed FTE.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Segment {
    start: NaiveDate,
    end: NaiveDate,
    fte: Decimal,
}

impl Segment {
    fn days(&self) -> i64 {
        (self.end - self.start).num_days() + 1
    }
}

fn counts(spell: &EmploymentSpell, filter: &EmploymentFilter) -> bool {
    let subsidised_out = filter.exclude_subsidised && spell.subsidised;
    !(subsidised_out || filter.exclude_employers.contains(&spell.employer))
}

/// The counted spells clipped to `[from, to]` (an open end runs to `cutoff`).
fn clipped<'a>(
    timeline: &'a Timeline,
    filter: &'a EmploymentFilter,
    from: NaiveDate,
    to: NaiveDate,
    cutoff: NaiveDate,
) -> impl Iterator<Item = (&'a EmploymentSpell, NaiveDate, NaiveDate)> + 'a {
    timeline
        .employment
        .iter()
        .filter(move |s| counts(s, filter))
        .filter_map(move |s| {
            let start = s.start.max(from);
            let end = s.end.unwrap_or(cutoff).min(to).min(cutoff);
            (start <= end).then_some((s, start, end))
        })
}

/// Segments of `[from, to]` whose summed FTE is at least `min_fte`, in date order.
fn employed_segments(
    timeline: &Timeline,
    filter: &EmploymentFilter,
    from: NaiveDate,
    to: NaiveDate,
    cutoff: NaiveDate,
    min_fte: Decimal,
) -> Vec<Segment> {
    let mut changes: Vec<(NaiveDate, Decimal)> = Vec::new();
    for (spell, start, end) in clipped(timeline, filter, from, to, cutoff) {
        changes.push((start, spell.fte));
        if let Some(after) = end.checked_add_days(Days::new(1)) {
            changes.push((after, -spell.fte));
        }
    }
    changes.sort_by_key(|c| c.0);
    let mut segments: Vec<Segment> = Vec::new();
    let mut level = Decimal::ZERO;
    let mut i = 0;
    while i < changes.len() {
        let day = changes[i].0;
        while i < changes.len() && changes[i].0 == day {
            level += changes[i].1;
            i += 1;
        }
        let Some(next) = changes.get(i).map(|c| c.0) else {
            break;
        };
        if level >= min_fte && level > Decimal::ZERO {
            if let Some(end) = next.checked_sub_days(Days::new(1)) {
                match segments.last_mut() {
                    // Adjacent segments with the same level are one.
                    Some(last)
                        if last.fte == level
                            && last.end.checked_add_days(Days::new(1)) == Some(day) =>
                    {
                        last.end = end;
                    }
                    _ => segments.push(Segment {
                        start: day,
                        end,
                        fte: level,
                    }),
                }
            }
        }
    }
    segments
}

fn evidence(
    timeline: &Timeline,
    filter: &EmploymentFilter,
    from: NaiveDate,
    to: NaiveDate,
    cutoff: NaiveDate,
) -> Vec<String> {
    let mut ids: Vec<String> = clipped(timeline, filter, from, to, cutoff)
        .map(|(s, _, _)| s.id.to_string())
        .collect();
    ids.sort();
    ids.dedup();
    ids
}

/// Sustained employment: the earliest period of employed days (gaps of at most `max_gap` days
/// bridged) lasting at least `7·weeks` days, achieved on its `7·weeks`-th day.
#[allow(clippy::too_many_arguments)]
pub(super) fn sustained(
    timeline: &Timeline,
    filter: &EmploymentFilter,
    index: NaiveDate,
    last: NaiveDate,
    cutoff: NaiveDate,
    min_fte: Decimal,
    weeks: u32,
    max_gap: u32,
) -> Option<Achievement> {
    let need = (i64::from(weeks) * 7).max(1);
    let segments = employed_segments(timeline, filter, index, last, cutoff, min_fte);
    let mut period_start = 0;
    for i in 0..segments.len() {
        let closes = segments
            .get(i + 1)
            .is_none_or(|next| (next.start - segments[i].end).num_days() - 1 > i64::from(max_gap));
        if !closes {
            continue;
        }
        let period = &segments[period_start..=i];
        let first = period[0].start;
        let length = (segments[i].end - first).num_days() + 1;
        if length >= need {
            let day = first.checked_add_days(Days::new(u64::try_from(need - 1).ok()?))?;
            let (mut total, mut days) = (Decimal::ZERO, 0i64);
            for s in period.iter().filter(|s| s.start <= day) {
                let counted = Segment {
                    end: s.end.min(day),
                    ..*s
                };
                total += s.fte * Decimal::from(counted.days());
                days += counted.days();
            }
            return Some(Achievement {
                date: day,
                magnitude: total / Decimal::from(days.max(1)),
                evidence: evidence(timeline, filter, first, day, cutoff),
            });
        }
        period_start = i + 1;
    }
    None
}

/// Job start: the first employed day in the window; employment running on I gives I.
pub(super) fn job_start(
    timeline: &Timeline,
    filter: &EmploymentFilter,
    index: NaiveDate,
    last: NaiveDate,
    cutoff: NaiveDate,
    min_fte: Decimal,
) -> Option<Achievement> {
    let first = employed_segments(timeline, filter, index, last, cutoff, min_fte)
        .into_iter()
        .next()?;
    Some(Achievement {
        date: first.start,
        magnitude: first.fte,
        evidence: evidence(timeline, filter, first.start, first.start, cutoff),
    })
}
