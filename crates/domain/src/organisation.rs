//! The parties: Nav offices, provider organisations and their consortium, investors, contracts,
//! households and groups.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::ids::{
    ContractId, GroupId, HouseholdId, InvestorId, NavOfficeId, PersonKey, ProviderId,
};
use crate::money::Nok;
use crate::orgnr::OrgNr;

/// A Nav office (enhet), identified by its four-digit enhetsnummer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NavOffice {
    pub id: NavOfficeId,
    pub unit_number: String,
    pub name: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ProviderKind {
    Large,
    Small,
    SocialEnterprise,
}

impl ProviderKind {
    pub fn code(self) -> &'static str {
        match self {
            Self::Large => "LARGE",
            Self::Small => "SMALL",
            Self::SocialEnterprise => "SOCIAL_ENTERPRISE",
        }
    }
    pub fn from_code(code: &str) -> Option<Self> {
        [Self::Large, Self::Small, Self::SocialEnterprise]
            .into_iter()
            .find(|k| k.code() == code)
    }
    pub fn label_nb(self) -> &'static str {
        match self {
            Self::Large => "Stor leverandør",
            Self::Small => "Liten leverandør",
            Self::SocialEnterprise => "Sosial entreprenør",
        }
    }
}

/// A provider organisation (tiltaksleverandør).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Provider {
    pub id: ProviderId,
    pub orgnr: OrgNr,
    pub name: String,
    pub kind: ProviderKind,
}

/// A provider's place in a contract's consortium, with the part of the programme it delivers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsortiumMember {
    pub contract: ContractId,
    pub provider: ProviderId,
    pub is_lead: bool,
    pub sub_delivery: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum InvestorKind {
    Business,
    Foundation,
    Impact,
}

impl InvestorKind {
    pub fn code(self) -> &'static str {
        match self {
            Self::Business => "BUSINESS",
            Self::Foundation => "FOUNDATION",
            Self::Impact => "IMPACT",
        }
    }
    pub fn from_code(code: &str) -> Option<Self> {
        [Self::Business, Self::Foundation, Self::Impact]
            .into_iter()
            .find(|k| k.code() == code)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Investor {
    pub id: InvestorId,
    pub orgnr: OrgNr,
    pub name: String,
    pub kind: InvestorKind,
}

/// An investor's commitment to a contract.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Commitment {
    pub contract: ContractId,
    pub investor: InvestorId,
    pub amount: Nok,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ContractError {
    #[error("the contract must end after it starts")]
    EmptyPeriod,
    #[error("the target cohort must have at least one participant")]
    EmptyCohort,
    #[error("the contract needs a name")]
    NoName,
}

/// An effektkontrakt between Nav, a provider consortium and investors.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contract {
    pub id: ContractId,
    pub name: String,
    pub starts: NaiveDate,
    pub ends: NaiveDate,
    pub target_cohort: u32,
}

impl Contract {
    pub fn new(
        id: ContractId,
        name: &str,
        starts: NaiveDate,
        ends: NaiveDate,
        target_cohort: u32,
    ) -> Result<Self, ContractError> {
        if name.trim().is_empty() {
            return Err(ContractError::NoName);
        }
        if ends <= starts {
            return Err(ContractError::EmptyPeriod);
        }
        if target_cohort == 0 {
            return Err(ContractError::EmptyCohort);
        }
        Ok(Self {
            id,
            name: name.trim().to_owned(),
            starts,
            ends,
            target_cohort,
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum MembershipKind {
    Parent,
    Youth,
    Child,
    Other,
}

impl MembershipKind {
    pub fn code(self) -> &'static str {
        match self {
            Self::Parent => "PARENT",
            Self::Youth => "YOUTH",
            Self::Child => "CHILD",
            Self::Other => "OTHER",
        }
    }
    pub fn from_code(code: &str) -> Option<Self> {
        [Self::Parent, Self::Youth, Self::Child, Self::Other]
            .into_iter()
            .find(|k| k.code() == code)
    }
    pub fn label_nb(self) -> &'static str {
        match self {
            Self::Parent => "Forelder",
            Self::Youth => "Ungdom",
            Self::Child => "Barn",
            Self::Other => "Annet",
        }
    }
}

/// A person's membership of a household, valid from/to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HouseholdMembership {
    pub household: HouseholdId,
    pub person: PersonKey,
    pub kind: MembershipKind,
    pub valid_from: NaiveDate,
    pub valid_to: Option<NaiveDate>,
}

/// A group of participants (8–10) run by one provider.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Group {
    pub id: GroupId,
    pub contract: ContractId,
    pub provider: ProviderId,
    pub name: String,
}

/// A household: people whose tracks are followed together (e.g. a parent and a youth).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Household {
    pub id: HouseholdId,
    pub name: String,
}
