//! A contract's terms as agreed: parties, the outcomes paid for with their scales and evidence,
//! caps and payment periods. Built only by checking a contract file (in the engine), so a value
//! of these types has passed every rule in `docs/contracts.md`.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::cohort::{PerUnit, SavingsShare, Trigger};
use super::scale::Scale;
use crate::money::Nok;
use crate::orgnr::OrgNr;
use crate::outcomes::Definition;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PartyRole {
    Nav,
    Provider,
    Investor,
    Evaluator,
}

impl PartyRole {
    pub const ALL: [Self; 4] = [Self::Nav, Self::Provider, Self::Investor, Self::Evaluator];

    pub fn code(self) -> &'static str {
        match self {
            Self::Nav => "nav",
            Self::Provider => "provider",
            Self::Investor => "investor",
            Self::Evaluator => "evaluator",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.code() == code)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Party {
    pub role: PartyRole,
    pub name: String,
    pub orgnr: OrgNr,
    /// The consortium's lead (providers only; the only provider is the lead).
    pub lead: bool,
    /// What this consortium member delivers.
    pub sub_delivery: Option<String>,
    /// What this investor commits (investors only).
    pub commitment: Option<Nok>,
}

/// Where the programme is delivered: a municipality and, in a consortium, the provider that
/// delivers there (none: every provider). Published as INDIGO's delivery locations; a
/// participant's own municipality is personal data and is never used for this.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeliveryLocation {
    pub municipality: crate::municipality::Municipality,
    /// The place's name as people say it ("Oslo", "Søndre Nordstrand").
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider: Option<OrgNr>,
}

/// What proves an outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EvidenceSource {
    /// A register snapshot (employment, benefits, education).
    Register,
    /// A test certificate (e.g. Norskprøven).
    TestCertificate,
    /// Recorded by the provider and verified by the evaluator.
    ProviderRecord,
}

impl EvidenceSource {
    pub const ALL: [Self; 3] = [Self::Register, Self::TestCertificate, Self::ProviderRecord];

    pub fn code(self) -> &'static str {
        match self {
            Self::Register => "register",
            Self::TestCertificate => "test_certificate",
            Self::ProviderRecord => "provider_record",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|e| e.code() == code)
    }
}

/// How long a payment period is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PeriodLength {
    Monthly,
    Quarterly,
    HalfYearly,
    Yearly,
}

impl PeriodLength {
    pub const ALL: [Self; 4] = [
        Self::Monthly,
        Self::Quarterly,
        Self::HalfYearly,
        Self::Yearly,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Self::Monthly => "monthly",
            Self::Quarterly => "quarterly",
            Self::HalfYearly => "half_yearly",
            Self::Yearly => "yearly",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.code() == code)
    }
}

/// One outcome the contract pays for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContractOutcome {
    pub definition: Definition,
    pub evidence: EvidenceSource,
    /// How many times it may be paid per participant.
    pub max_payments: u32,
    /// The most paid for this outcome over the whole contract.
    pub cap: Option<Nok>,
    pub scale: Scale,
}

/// Caps across outcomes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Caps {
    pub per_participant: Option<Nok>,
    pub per_period: Option<Nok>,
    pub per_contract: Option<Nok>,
}

/// How a cohort-level outcome is paid (see [`super::cohort`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "mechanism", rename_all = "snake_case")]
pub enum CohortMechanism {
    /// The scale applied to the cohort's certified figure.
    Graduated { scale: Scale },
    /// A threshold per cohort, and a pooled test at the end.
    Trigger { trigger: Trigger },
    /// A price per unit of improvement against the comparison, a threshold per cohort and a
    /// pooled test on pooled rates at the end.
    PerUnit { per_unit: PerUnit },
    /// A share of (or bands on) certified savings; `extra_when` names the cohort outcome whose
    /// figure the extra depends on.
    SavingsShare {
        share: SavingsShare,
        extra_when: Option<String>,
    },
}

/// An outcome judged for a whole cohort against a comparison group, from a figure the
/// evaluator certifies (e.g. `employment_rate`, `reduction_vs_comparison`, `savings`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CohortOutcome {
    pub name: String,
    pub figure: String,
    pub mechanism: CohortMechanism,
    /// The unit the contract declares for the figure (none: the mechanism's, see
    /// [`super::figure_unit`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<super::figure_unit::FigureUnit>,
}

impl CohortMechanism {
    /// Whether a certified figure for this mechanism needs the comparison group's value.
    pub fn needs_comparison(&self) -> bool {
        matches!(self, Self::PerUnit { .. })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContractTerms {
    pub name: String,
    pub starts: NaiveDate,
    pub ends: NaiveDate,
    pub periods: PeriodLength,
    pub parties: Vec<Party>,
    /// In contract order (the order caps are applied in).
    pub outcomes: Vec<ContractOutcome>,
    /// Outcomes paid per cohort from certified figures (none in most contracts).
    #[serde(default)]
    pub cohort_outcomes: Vec<CohortOutcome>,
    pub caps: Caps,
    /// The waterfall and the drawdown schedule, when the contract is investor-financed.
    #[serde(default)]
    pub investment: Option<super::investors::Investment>,
    /// Where the programme is delivered (none in terms stored before issue 11, which then
    /// load unchanged and are stored as before).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub locations: Vec<DeliveryLocation>,
}
