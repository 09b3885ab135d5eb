//! The roles of docs/architecture.md ("Who uses effekt"). What each is granted is decided in
//! `effekt_app::policy`, from these.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Role {
    /// Nav-veileder: participants of her own Nav office.
    NavCaseOfficer,
    /// Kontraktsforvalter: contracts, ledger, aggregates.
    NavContractManager,
    /// Provider staff: only their own organisation's participants.
    ProviderStaff,
    /// Provider admin: own organisation.
    ProviderAdmin,
    /// Investor: aggregates only, small cells suppressed.
    Investor,
    /// Independent evaluator: pseudonymised microdata.
    Evaluator,
    /// Facilitator (Samvirkemodellen): aggregates and the partnership's decisions.
    Facilitator,
    /// Administrator: accounts and configuration; reads the audit log under pseudonyms.
    Administrator,
    /// Personvernombud (data protection officer): the audit log with the identities of those
    /// read about, to answer a person's request for who has seen their data.
    PrivacyOfficer,
}

impl Role {
    /// The provider's staff and administrators: those who work the programme itself.
    pub fn is_provider(self) -> bool {
        matches!(self, Self::ProviderStaff | Self::ProviderAdmin)
    }

    pub const ALL: [Self; 9] = [
        Self::NavCaseOfficer,
        Self::NavContractManager,
        Self::ProviderStaff,
        Self::ProviderAdmin,
        Self::Investor,
        Self::Evaluator,
        Self::Facilitator,
        Self::Administrator,
        Self::PrivacyOfficer,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Self::NavCaseOfficer => "NAV_CASE_OFFICER",
            Self::NavContractManager => "NAV_CONTRACT_MANAGER",
            Self::ProviderStaff => "PROVIDER_STAFF",
            Self::ProviderAdmin => "PROVIDER_ADMIN",
            Self::Investor => "INVESTOR",
            Self::Evaluator => "EVALUATOR",
            Self::Facilitator => "FACILITATOR",
            Self::Administrator => "ADMINISTRATOR",
            Self::PrivacyOfficer => "PRIVACY_OFFICER",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.code() == code)
    }

    pub fn label_nb(self) -> &'static str {
        match self {
            Self::NavCaseOfficer => "Nav-veileder",
            Self::NavContractManager => "Kontraktsforvalter",
            Self::ProviderStaff => "Tiltaksleverandør",
            Self::ProviderAdmin => "Leverandøradmin",
            Self::Investor => "Investor",
            Self::Evaluator => "Evaluator",
            Self::Facilitator => "Tilrettelegger",
            Self::Administrator => "Administrator",
            Self::PrivacyOfficer => "Personvernombud",
        }
    }
}
