//! Outcome kinds as pure functions: `timeline + parameters + snapshot → outcome`. There is one
//! implementation, shared by the ledger, `effekt verify` and the evaluation. The exact
//! semantics, with worked examples, are in `docs/outcomes.md`; the tests here follow them.

mod benefits;
mod employment;
mod events;
pub use events::{assessed_language_identifier, assessed_language_skill};
pub mod timeline;

use chrono::{Days, Months, NaiveDate};
use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};

use crate::orgnr::OrgNr;
use timeline::{BenefitType, Cefr, Skill, Snapshot, Timeline};

/// Which employment spells count.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EmploymentFilter {
    /// Spells at these employers are left out (e.g. the consortium's own organisations).
    #[serde(default)]
    pub exclude_employers: Vec<OrgNr>,
    /// Leave out subsidised spells (lønnstilskudd).
    #[serde(default)]
    pub exclude_subsidised: bool,
}

/// An outcome kind with its parameters. `months` is the window length M after the index date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum OutcomeKind {
    /// Employed at ≥ `min_fte` % for `weeks` weeks, gaps of up to `max_gap_days` bridged.
    SustainedEmployment {
        min_fte: Decimal,
        weeks: u32,
        months: u32,
        max_gap_days: u32,
        #[serde(default)]
        filter: EmploymentFilter,
    },
    /// The first day employed at ≥ `min_fte` %.
    JobStart {
        min_fte: Decimal,
        months: u32,
        #[serde(default)]
        filter: EmploymentFilter,
    },
    /// `count` consecutive calendar months without benefits of the given types (all if empty).
    MonthsWithoutBenefits {
        count: u32,
        months: u32,
        #[serde(default)]
        benefit_types: Vec<BenefitType>,
    },
    /// Every calendar month without benefits, each its own achievement.
    BenefitFreeMonth {
        months: u32,
        #[serde(default)]
        benefit_types: Vec<BenefitType>,
    },
    /// The first start of an education spell.
    EducationStart { months: u32 },
    /// The first test of `skill` at `level` or above.
    LanguageLevelReached {
        skill: Skill,
        level: Cefr,
        months: u32,
    },
    /// The first provider-assessed level of `skill` at `level` or above, verified by a second
    /// person: the provider's own evidence kind, distinct from the register's language tests
    /// (`LanguageLevelReached`). A contract counts one or the other by naming its kind.
    LanguageLevelAssessed {
        skill: Skill,
        level: Cefr,
        months: u32,
    },
    /// The first verified milestone of this kind.
    MilestoneVerified { milestone: String, months: u32 },
    /// A verified score on `instrument` at least `min_gain` above the baseline.
    SoftScoreGain {
        instrument: String,
        min_gain: Decimal,
        months: u32,
    },
}

impl OutcomeKind {
    pub fn months(&self) -> u32 {
        match self {
            Self::SustainedEmployment { months, .. }
            | Self::JobStart { months, .. }
            | Self::MonthsWithoutBenefits { months, .. }
            | Self::BenefitFreeMonth { months, .. }
            | Self::EducationStart { months }
            | Self::LanguageLevelReached { months, .. }
            | Self::LanguageLevelAssessed { months, .. }
            | Self::MilestoneVerified { months, .. }
            | Self::SoftScoreGain { months, .. } => *months,
        }
    }
}

/// The longest window after the index date an outcome may look (20 years): beyond it no
/// register extract holds anything and the number is a typing mistake.
pub const MAX_WINDOW_MONTHS: u32 = 240;

impl OutcomeKind {
    /// What is impossible about the parameters, as (key, message); empty when they can be
    /// judged. The contract checker and `effekt verify` both ask this.
    pub fn problems(&self) -> Vec<(&'static str, String)> {
        let mut out = Vec::new();
        let months = self.months();
        if months == 0 {
            out.push(("months", "a window of 0 months holds no outcome".to_owned()));
        } else if months > MAX_WINDOW_MONTHS {
            out.push((
                "months",
                format!(
                    "{months} months is more than any window effekt judges ({MAX_WINDOW_MONTHS})"
                ),
            ));
        }
        let fte = |out: &mut Vec<(&'static str, String)>, min_fte: &Decimal| {
            if *min_fte < Decimal::ZERO || *min_fte > Decimal::ONE_HUNDRED {
                out.push((
                    "min_fte",
                    format!("{min_fte} is not a share of a full-time position (0 to 100 %)"),
                ));
            }
        };
        match self {
            Self::SustainedEmployment { min_fte, weeks, .. } => {
                fte(&mut out, min_fte);
                // The longest window of `months` months is 31 days each.
                if *weeks == 0 {
                    out.push(("weeks", "0 weeks is no sustained employment".to_owned()));
                } else if u64::from(*weeks) * 7 > u64::from(months) * 31 {
                    out.push((
                        "weeks",
                        format!("{weeks} weeks do not fit in a window of {months} months"),
                    ));
                }
            }
            Self::JobStart { min_fte, .. } => fte(&mut out, min_fte),
            Self::MonthsWithoutBenefits { count, .. } => {
                if *count == 0 {
                    out.push((
                        "count",
                        "0 months without benefits is no outcome".to_owned(),
                    ));
                } else if *count > months {
                    out.push((
                        "count",
                        format!("{count} months do not fit in a window of {months} months"),
                    ));
                }
            }
            Self::MilestoneVerified { milestone, .. } if milestone.trim().is_empty() => {
                out.push(("milestone", "name the milestone".to_owned()));
            }
            Self::SoftScoreGain {
                instrument,
                min_gain,
                ..
            } => {
                if instrument.trim().is_empty() {
                    out.push(("instrument", "name the instrument".to_owned()));
                }
                if *min_gain < Decimal::ZERO {
                    out.push(("min_gain", format!("{min_gain}: a gain below 0 is a loss")));
                }
            }
            _ => {}
        }
        out
    }
}

/// A named outcome definition, as a contract or a definitions file states it: `name`, `kind`
/// and the kind's parameters side by side.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Definition {
    pub name: String,
    #[serde(flatten)]
    pub kind: OutcomeKind,
}

/// One achievement: when, how much, and what proves it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Achievement {
    pub date: NaiveDate,
    pub magnitude: Decimal,
    pub evidence: Vec<String>,
}

impl Achievement {
    /// The magnitude as written everywhere: 6 decimals, half away from zero.
    pub fn magnitude_text(&self) -> String {
        format_magnitude(self.magnitude)
    }
}

pub fn format_magnitude(m: Decimal) -> String {
    let mut r = m.round_dp_with_strategy(6, RoundingStrategy::MidpointAwayFromZero);
    r.rescale(6);
    r.to_string()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Achieved,
    /// The window ended on or before the cut-off without an achievement.
    NotAchieved,
    /// The window is still open at the cut-off.
    Pending,
}

impl Status {
    pub fn code(self) -> &'static str {
        match self {
            Self::Achieved => "achieved",
            Self::NotAchieved => "not_achieved",
            Self::Pending => "pending",
        }
    }

    pub fn label_nb(self) -> &'static str {
        match self {
            Self::Achieved => "Oppnådd",
            Self::NotAchieved => "Ikke oppnådd",
            Self::Pending => "Venter",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outcome {
    pub status: Status,
    /// In date order; one for most kinds, one per free month for `BenefitFreeMonth`.
    pub achievements: Vec<Achievement>,
}

/// The window `[I, I + M months − 1 day]`; month addition clamps to the month's last day.
pub fn window_end(index: NaiveDate, months: u32) -> Option<NaiveDate> {
    index
        .checked_add_months(Months::new(months))?
        .checked_sub_days(Days::new(1))
}

/// The last day that can count: the window end or the cut-off, whichever is first.
fn last_counted_day(index: NaiveDate, months: u32, snapshot: &Snapshot) -> Option<NaiveDate> {
    window_end(index, months).map(|end| end.min(snapshot.cutoff))
}

/// Judges one outcome for one person with index date `index`.
pub fn evaluate(
    kind: &OutcomeKind,
    timeline: &Timeline,
    index: NaiveDate,
    snapshot: &Snapshot,
) -> Outcome {
    let months = kind.months();
    let achievements = match last_counted_day(index, months, snapshot) {
        None => Vec::new(),
        Some(last) if last < index => Vec::new(),
        Some(last) => match kind {
            OutcomeKind::SustainedEmployment {
                min_fte,
                weeks,
                max_gap_days,
                filter,
                ..
            } => employment::sustained(
                timeline,
                filter,
                index,
                last,
                snapshot.cutoff,
                *min_fte,
                *weeks,
                *max_gap_days,
            )
            .into_iter()
            .collect(),
            OutcomeKind::JobStart {
                min_fte, filter, ..
            } => employment::job_start(timeline, filter, index, last, snapshot.cutoff, *min_fte)
                .into_iter()
                .collect(),
            OutcomeKind::MonthsWithoutBenefits {
                count,
                benefit_types,
                ..
            } => benefits::consecutive_free(timeline, benefit_types, index, last, snapshot, *count)
                .into_iter()
                .collect(),
            OutcomeKind::BenefitFreeMonth { benefit_types, .. } => {
                benefits::every_free_month(timeline, benefit_types, index, last, snapshot)
            }
            OutcomeKind::EducationStart { .. } => events::education_start(timeline, index, last)
                .into_iter()
                .collect(),
            OutcomeKind::LanguageLevelReached { skill, level, .. } => {
                events::language_level(timeline, *skill, *level, index, last)
                    .into_iter()
                    .collect()
            }
            OutcomeKind::LanguageLevelAssessed { skill, level, .. } => {
                events::assessed_language_level(timeline, *skill, *level, index, last)
                    .into_iter()
                    .collect()
            }
            OutcomeKind::MilestoneVerified { milestone, .. } => {
                events::milestone(timeline, milestone, index, last)
                    .into_iter()
                    .collect()
            }
            OutcomeKind::SoftScoreGain {
                instrument,
                min_gain,
                ..
            } => events::soft_gain(timeline, instrument, *min_gain, index, last)
                .into_iter()
                .collect(),
        },
    };
    let status = if !achievements.is_empty() {
        Status::Achieved
    } else if window_end(index, months).is_some_and(|end| end <= snapshot.cutoff) {
        Status::NotAchieved
    } else {
        Status::Pending
    };
    Outcome {
        status,
        achievements,
    }
}

#[cfg(test)]
mod tests;
