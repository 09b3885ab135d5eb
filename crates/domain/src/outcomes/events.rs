//! Outcomes from single events: education starts, language tests, verified milestones and
//! soft-survey scores.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::timeline::{Cefr, Skill, Timeline};
use super::Achievement;

fn in_window(d: NaiveDate, index: NaiveDate, last: NaiveDate) -> bool {
    index <= d && d <= last
}

pub(super) fn education_start(
    timeline: &Timeline,
    index: NaiveDate,
    last: NaiveDate,
) -> Option<Achievement> {
    timeline
        .education
        .iter()
        .filter(|e| in_window(e.start, index, last))
        .min_by_key(|e| (e.start, e.id.clone()))
        .map(|e| Achievement {
            date: e.start,
            magnitude: Decimal::ONE,
            evidence: vec![e.id.to_string()],
        })
}

/// The first test at `level` or above; magnitude: CEFR steps above the latest result before I.
pub(super) fn language_level(
    timeline: &Timeline,
    skill: Skill,
    level: Cefr,
    index: NaiveDate,
    last: NaiveDate,
) -> Option<Achievement> {
    let tests = timeline.language_tests.iter().filter(|t| t.skill == skill);
    let baseline = tests
        .clone()
        .filter(|t| t.date < index)
        .max_by_key(|t| (t.date, t.id.clone()))
        .map_or(Cefr::PreA1, |t| t.level);
    let reached = tests
        .filter(|t| t.level >= level && in_window(t.date, index, last))
        .min_by_key(|t| (t.date, t.id.clone()))?;
    Some(Achievement {
        date: reached.date,
        magnitude: Decimal::from((reached.level.step() - baseline.step()).max(0)),
        evidence: vec![reached.id.to_string()],
    })
}

/// The identifier of a provider-assessed level of `skill` in provider evidence; the record's
/// score is the level's CEFR step (0 = below A1 … 6 = C2).
pub fn assessed_language_identifier(skill: Skill) -> String {
    format!("cefr-vurdert-{}", skill.code())
}

/// The skill a provider-assessed level's identifier names.
pub fn assessed_language_skill(identifier: &str) -> Option<Skill> {
    identifier
        .strip_prefix("cefr-vurdert-")
        .and_then(Skill::from_code)
}

/// The first verified provider assessment of `skill` at `level` or above in the window;
/// magnitude: CEFR steps above the latest verified assessment before I (below A1 without one).
pub(super) fn assessed_language_level(
    timeline: &Timeline,
    skill: Skill,
    level: Cefr,
    index: NaiveDate,
    last: NaiveDate,
) -> Option<Achievement> {
    let kind = assessed_language_identifier(skill);
    let assessed = timeline
        .events
        .iter()
        .filter(|e| e.verified && e.kind == kind)
        .filter_map(|e| e.score.map(|s| (e, s)));
    let baseline = assessed
        .clone()
        .filter(|(e, _)| e.date < index)
        .max_by_key(|(e, _)| (e.date, e.id.clone()))
        .map_or(Decimal::ZERO, |(_, s)| s);
    let (reached, step) = assessed
        .filter(|(e, s)| *s >= Decimal::from(level.step()) && in_window(e.date, index, last))
        .min_by_key(|(e, _)| (e.date, e.id.clone()))?;
    Some(Achievement {
        date: reached.date,
        magnitude: (step - baseline).max(Decimal::ZERO),
        evidence: vec![reached.id.clone()],
    })
}

pub(super) fn milestone(
    timeline: &Timeline,
    kind: &str,
    index: NaiveDate,
    last: NaiveDate,
) -> Option<Achievement> {
    timeline
        .events
        .iter()
        .filter(|e| e.verified && e.kind == kind && in_window(e.date, index, last))
        .min_by_key(|e| (e.date, e.id.clone()))
        .map(|e| Achievement {
            date: e.date,
            magnitude: Decimal::ONE,
            evidence: vec![e.id.to_string()],
        })
}

/// The first verified score in the window at least `min_gain` above the baseline: the latest
/// verified score on or before I (without one, the first score in the window is the baseline).
pub(super) fn soft_gain(
    timeline: &Timeline,
    instrument: &str,
    min_gain: Decimal,
    index: NaiveDate,
    last: NaiveDate,
) -> Option<Achievement> {
    let mut scores: Vec<(NaiveDate, &str, Decimal)> = timeline
        .events
        .iter()
        .filter(|e| e.verified && e.kind == instrument && e.date <= last)
        .filter_map(|e| e.score.map(|s| (e.date, e.id.as_str(), s)))
        .collect();
    scores.sort();
    let before = scores.iter().rfind(|s| s.0 <= index);
    let mut later = scores
        .iter()
        .filter(|s| s.0 > index || (before.is_none() && s.0 == index));
    let (baseline_id, baseline) = match before {
        Some(b) => (b.1, b.2),
        None => {
            let first = later.next()?;
            (first.1, first.2)
        }
    };
    let hit = later.find(|s| s.2 - baseline >= min_gain)?;
    Some(Achievement {
        date: hit.0,
        magnitude: hit.2 - baseline,
        evidence: vec![baseline_id.to_owned(), hit.1.to_owned()],
    })
}
