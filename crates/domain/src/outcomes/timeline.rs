//! A person's timeline: the index date, register spells and recorded events, as of a snapshot.

use chrono::NaiveDate;
/// Spell ids are short and numerous: held inline, without an allocation each.
pub use compact_str::CompactString as SpellId;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::orgnr::OrgNr;

/// An employment relationship (arbeidsforhold). Covers `start..=end`; no end runs through the
/// snapshot's cut-off.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmploymentSpell {
    pub id: SpellId,
    pub employer: OrgNr,
    pub start: NaiveDate,
    pub end: Option<NaiveDate>,
    /// Percent of a full position, exact (one spell never exceeds 100).
    pub fte: Decimal,
    /// Wage subsidy (lønnstilskudd).
    pub subsidised: bool,
}

/// Benefit types in the registers (ytelser).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum BenefitType {
    Dagpenger,
    Aap,
    Sosialhjelp,
    Introduksjonsstonad,
    Kvalifiseringsstonad,
}

impl BenefitType {
    pub const ALL: [Self; 5] = [
        Self::Dagpenger,
        Self::Aap,
        Self::Sosialhjelp,
        Self::Introduksjonsstonad,
        Self::Kvalifiseringsstonad,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Self::Dagpenger => "dagpenger",
            Self::Aap => "aap",
            Self::Sosialhjelp => "sosialhjelp",
            Self::Introduksjonsstonad => "introduksjonsstonad",
            Self::Kvalifiseringsstonad => "kvalifiseringsstonad",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.code() == code)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BenefitSpell {
    pub id: SpellId,
    pub kind: BenefitType,
    pub start: NaiveDate,
    pub end: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EducationSpell {
    pub id: SpellId,
    pub start: NaiveDate,
    pub end: Option<NaiveDate>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Skill {
    Listening,
    Reading,
    Writing,
    Speaking,
}

/// CEFR levels in order; `PreA1` is "below A1".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Cefr {
    PreA1,
    A1,
    A2,
    B1,
    B2,
    C1,
    C2,
}

impl Skill {
    pub const ALL: [Self; 4] = [
        Self::Listening,
        Self::Reading,
        Self::Writing,
        Self::Speaking,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Self::Listening => "listening",
            Self::Reading => "reading",
            Self::Writing => "writing",
            Self::Speaking => "speaking",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }
}

impl Cefr {
    pub const ALL: [Self; 7] = [
        Self::PreA1,
        Self::A1,
        Self::A2,
        Self::B1,
        Self::B2,
        Self::C1,
        Self::C2,
    ];

    /// As in the register files: `PRE-A1`, `A1` … `C2`.
    pub fn code(self) -> &'static str {
        match self {
            Self::PreA1 => "PRE-A1",
            Self::A1 => "A1",
            Self::A2 => "A2",
            Self::B1 => "B1",
            Self::B2 => "B2",
            Self::C1 => "C1",
            Self::C2 => "C2",
        }
    }

    /// Case-insensitive.
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|l| l.code().eq_ignore_ascii_case(code))
    }

    /// The level `step` steps above "below A1".
    pub fn from_step(step: i64) -> Option<Self> {
        Self::ALL.into_iter().find(|l| l.step() == step)
    }

    /// Steps above "below A1".
    pub fn step(self) -> i64 {
        match self {
            Self::PreA1 => 0,
            Self::A1 => 1,
            Self::A2 => 2,
            Self::B1 => 3,
            Self::B2 => 4,
            Self::C1 => 5,
            Self::C2 => 6,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LanguageTest {
    pub id: SpellId,
    pub date: NaiveDate,
    pub skill: Skill,
    pub level: Cefr,
}

/// A milestone or soft-survey score recorded by a provider and verified (by the evaluator).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordedEvent {
    pub id: String,
    pub date: NaiveDate,
    /// The milestone kind or the survey instrument.
    pub kind: String,
    /// A soft-survey score; `None` for milestones.
    pub score: Option<Decimal>,
    pub verified: bool,
}

/// Everything an outcome is judged from. Spells need not be sorted.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Timeline {
    pub employment: Vec<EmploymentSpell>,
    pub benefits: Vec<BenefitSpell>,
    pub education: Vec<EducationSpell>,
    pub language_tests: Vec<LanguageTest>,
    pub events: Vec<RecordedEvent>,
}

/// The snapshot the timeline comes from: its id (recorded as evidence) and cut-off date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Snapshot {
    pub id: String,
    pub cutoff: NaiveDate,
}
