//! The access policy, in one place: what each role is granted, which pages its menu shows,
//! and which party to a contract a viewer belongs to or acts for. The capabilities, the menu
//! and the command line all decide through these functions.

use effekt_domain::contract::amendment::PartyKey;
use effekt_domain::contract::terms::{ContractTerms, PartyRole};
use effekt_domain::orgnr::OrgNr;
use effekt_domain::role::Role;

/// What a role may use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Grant {
    /// The home: what waits for the viewer (every role; each task comes through the
    /// capability it belongs to).
    Home,
    /// Named participants of the viewer's own Nav office or provider.
    NamedParticipants,
    /// Counts with small cells suppressed.
    Aggregates,
    /// Pseudonymised microdata (the evaluator).
    Pseudonymised,
    /// Payment statements (how much of them depends on the role).
    Statements,
    /// Investors' positions and returns.
    Investments,
    /// The contract's terms and amendments.
    Contracts,
    /// New contracts from contract files (Nav defines contracts).
    DefineContracts,
    /// Configuration, register imports and the audit export.
    Administration,
    /// Accounts: every account (the administrator) or the own organisation's staff (a
    /// provider admin).
    Accounts,
    /// The audit viewer: the administrator under pseudonyms, the privacy officer with
    /// identities.
    AuditLog,
    /// The import log, of the kinds of import the role makes (`access::imports::owner`).
    Imports,
    /// The provider's groups, sessions, attendance and interpreter bookings.
    Groups,
}

/// What each role is granted.
pub fn grants(role: Role) -> &'static [Grant] {
    use Grant::*;
    match role {
        Role::NavCaseOfficer => &[Home, NamedParticipants, Contracts, Statements],
        Role::ProviderStaff => &[Home, NamedParticipants, Groups, Contracts, Statements],
        Role::ProviderAdmin => &[
            Home,
            NamedParticipants,
            Groups,
            Contracts,
            Statements,
            Accounts,
        ],
        Role::NavContractManager => &[
            Home,
            Aggregates,
            Investments,
            Contracts,
            Statements,
            DefineContracts,
            Imports,
        ],
        Role::Investor | Role::Facilitator => {
            &[Home, Aggregates, Investments, Contracts, Statements]
        }
        Role::Evaluator => &[Home, Pseudonymised, Contracts, Statements],
        Role::Administrator => &[Home, Administration, Accounts, AuditLog, Imports],
        Role::PrivacyOfficer => &[Home, AuditLog],
    }
}

pub fn has(role: Role, grant: Grant) -> bool {
    grants(role).contains(&grant)
}

/// The pages of the main menu, in menu order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Page {
    Home,
    Participants,
    Groups,
    Team,
    Overview,
    Results,
    Investments,
    Evaluation,
    Users,
    AuditLog,
    Settings,
    Contracts,
    Statements,
    Imports,
}

impl Page {
    pub const MENU: [Page; 14] = [
        Page::Home,
        Page::Participants,
        Page::Groups,
        Page::Team,
        Page::Overview,
        Page::Results,
        Page::Investments,
        Page::Evaluation,
        Page::Users,
        Page::AuditLog,
        Page::Settings,
        Page::Contracts,
        Page::Statements,
        Page::Imports,
    ];

    /// The grant a page needs.
    pub fn grant(self) -> Grant {
        match self {
            Page::Home => Grant::Home,
            Page::Participants => Grant::NamedParticipants,
            Page::Groups | Page::Team => Grant::Groups,
            Page::Overview | Page::Results => Grant::Aggregates,
            Page::Investments => Grant::Investments,
            Page::Evaluation => Grant::Pseudonymised,
            Page::Users => Grant::Accounts,
            Page::AuditLog => Grant::AuditLog,
            Page::Imports => Grant::Imports,
            Page::Settings => Grant::Administration,
            Page::Contracts => Grant::Contracts,
            Page::Statements => Grant::Statements,
        }
    }
}

/// The menu of a role: every page it is granted, in menu order.
pub fn menu(role: Role) -> Vec<Page> {
    Page::MENU
        .into_iter()
        .filter(|p| has(role, p.grant()))
        .collect()
}

/// Where a role starts after login: the first page of its menu, the home.
pub fn home(role: Role) -> Page {
    menu(role).first().copied().unwrap_or(Page::Users)
}

/// The party to `terms` a viewer with `role` from the organisation `own` belongs to: Nav for
/// the Nav contract manager, the evaluator for the evaluator, the viewer's own organisation
/// for provider staff, provider admins and investors (when it is a party). Case officers, the
/// facilitator and the administrator belong to no party.
pub fn party_of(role: Role, own: Option<OrgNr>, terms: &ContractTerms) -> Option<PartyKey> {
    let first = |r: PartyRole| {
        terms
            .parties
            .iter()
            .find(|p| p.role == r)
            .map(PartyKey::from)
    };
    let own_as = |r: PartyRole| {
        let orgnr = own?;
        let key = PartyKey { role: r, orgnr };
        terms
            .parties
            .iter()
            .any(|p| PartyKey::from(p) == key)
            .then_some(key)
    };
    match role {
        Role::NavContractManager => first(PartyRole::Nav),
        Role::Evaluator => first(PartyRole::Evaluator),
        Role::ProviderStaff | Role::ProviderAdmin => own_as(PartyRole::Provider),
        Role::Investor => own_as(PartyRole::Investor),
        Role::NavCaseOfficer | Role::Facilitator | Role::Administrator | Role::PrivacyOfficer => {
            None
        }
    }
}

/// The party the viewer acts for (proposes and decides amendments): as [`party_of`], except
/// that provider staff only read; their organisation acts through its admin.
pub fn acts_for(role: Role, own: Option<OrgNr>, terms: &ContractTerms) -> Option<PartyKey> {
    match role {
        Role::ProviderStaff => None,
        _ => party_of(role, own, terms),
    }
}

/// Whether the viewer reads this contract at all: providers and investors only their own
/// contracts; Nav, the evaluator and the facilitator every contract; the administrator none.
pub fn reads_contract(role: Role, own: Option<OrgNr>, terms: &ContractTerms) -> bool {
    match role {
        Role::ProviderStaff | Role::ProviderAdmin | Role::Investor => {
            party_of(role, own, terms).is_some()
        }
        Role::Administrator | Role::PrivacyOfficer => false,
        Role::NavCaseOfficer | Role::NavContractManager | Role::Evaluator | Role::Facilitator => {
            true
        }
    }
}

#[cfg(test)]
mod tests;
