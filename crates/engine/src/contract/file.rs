//! The shape of a contract file as serde reads it: text where the checker wants to parse and
//! locate values itself, unknown keys refused.

use serde::Deserialize;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct File {
    pub(super) contract: Section,
    #[serde(default)]
    pub(super) party: Vec<PartyEntry>,
    #[serde(default)]
    pub(super) outcome: Vec<OutcomeEntry>,
    #[serde(default)]
    pub(super) cohort_outcome: Vec<CohortEntry>,
    #[serde(default)]
    pub(super) caps: CapsEntry,
    #[serde(default)]
    pub(super) investment: Option<InvestmentEntry>,
    #[serde(default)]
    pub(super) drawdown: Vec<DrawdownEntry>,
    #[serde(default)]
    pub(super) location: Vec<LocationEntry>,
}

/// Where the programme is delivered: a municipality number, the place's name, and optionally
/// the provider (by organisation number) delivering there.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct LocationEntry {
    pub(super) municipality: String,
    pub(super) name: String,
    #[serde(default)]
    pub(super) provider: Option<String>,
}

/// The waterfall: `return_cap` as a share of the capital drawn (e.g. "0.30"), and where the
/// excess goes (`to_nav` or `reinvested`).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct InvestmentEntry {
    pub(super) return_cap: String,
    pub(super) excess: String,
}

/// Capital an investor (by organisation number) pays in on a date.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct DrawdownEntry {
    pub(super) investor: String,
    pub(super) date: toml::value::Datetime,
    pub(super) amount: String,
}

/// An outcome paid per cohort from a figure the evaluator certifies.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct CohortEntry {
    pub(super) name: String,
    pub(super) figure: String,
    pub(super) mechanism: String,
    #[serde(default)]
    pub(super) scale: Option<ScaleEntry>,
    #[serde(default)]
    pub(super) trigger: Option<TriggerEntry>,
    #[serde(default)]
    pub(super) per_unit: Option<PerUnitEntry>,
    #[serde(default)]
    pub(super) cap: Option<String>,
    #[serde(default)]
    pub(super) extra: Option<ExtraEntry>,
    /// `percent`, `rate` or `kroner`: what the certified figure is in.
    #[serde(default)]
    pub(super) unit: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct TriggerEntry {
    pub(super) threshold: String,
    pub(super) per_participant: String,
    pub(super) pooled_threshold: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct PerUnitEntry {
    pub(super) price: String,
    #[serde(default)]
    pub(super) per: Option<String>,
    pub(super) threshold: String,
    pub(super) pooled_threshold: String,
    #[serde(default)]
    pub(super) better: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct ExtraEntry {
    pub(super) when: String,
    pub(super) at_least: String,
    pub(super) amount: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Section {
    pub(super) name: String,
    pub(super) starts: toml::value::Datetime,
    pub(super) ends: toml::value::Datetime,
    #[serde(default)]
    pub(super) periods: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct PartyEntry {
    pub(super) role: String,
    pub(super) name: String,
    pub(super) orgnr: String,
    #[serde(default)]
    pub(super) lead: bool,
    #[serde(default)]
    pub(super) sub_delivery: Option<String>,
    #[serde(default)]
    pub(super) commitment: Option<String>,
}

/// An outcome: its own keys, the scale, and the outcome kind's keys (checked by the domain).
#[derive(Deserialize)]
pub(super) struct OutcomeEntry {
    pub(super) name: String,
    #[serde(default)]
    pub(super) evidence: Option<String>,
    #[serde(default)]
    pub(super) max_payments: Option<i64>,
    #[serde(default)]
    pub(super) cap: Option<String>,
    pub(super) scale: ScaleEntry,
    #[serde(flatten)]
    pub(super) kind: toml::Table,
}

#[derive(Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub(super) enum ScaleEntry {
    Fixed {
        amount: String,
    },
    Linear {
        max: String,
        floor: String,
        target: String,
    },
    TiersCumulative {
        band: Vec<BandEntry>,
        #[serde(default)]
        up_to: Option<String>,
    },
    TiersHighest {
        tier: Vec<TierEntry>,
    },
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct BandEntry {
    pub(super) from: String,
    pub(super) rate: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct TierEntry {
    pub(super) threshold: String,
    pub(super) amount: String,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(super) struct CapsEntry {
    #[serde(default)]
    pub(super) per_participant: Option<String>,
    #[serde(default)]
    pub(super) per_period: Option<String>,
    #[serde(default)]
    pub(super) per_contract: Option<String>,
}
