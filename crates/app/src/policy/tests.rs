use effekt_domain::contract::terms::{Party, PeriodLength};

use super::*;

fn org(s: &str) -> OrgNr {
    OrgNr::parse(s).unwrap()
}

const NAV: &str = "889640782";
const LEAD: &str = "910000020";
const MEMBER: &str = "910000047";
const INVESTOR: &str = "910000063";

fn party(role: PartyRole, orgnr: &str) -> Party {
    Party {
        role,
        name: orgnr.into(),
        orgnr: org(orgnr),
        lead: orgnr == LEAD,
        sub_delivery: None,
        commitment: None,
    }
}

fn terms() -> ContractTerms {
    ContractTerms {
        locations: Vec::new(),
        name: "t".into(),
        starts: "2026-01-01".parse().unwrap(),
        ends: "2027-12-31".parse().unwrap(),
        periods: PeriodLength::Quarterly,
        parties: vec![
            party(PartyRole::Nav, NAV),
            party(PartyRole::Provider, LEAD),
            party(PartyRole::Provider, MEMBER),
            party(PartyRole::Investor, INVESTOR),
        ],
        outcomes: Vec::new(),
        cohort_outcomes: Vec::new(),
        caps: Default::default(),
        investment: None,
    }
}

#[test]
fn every_role_starts_on_the_first_page_of_its_menu() {
    use Page::*;
    let cases = [
        (
            Role::NavCaseOfficer,
            vec![Home, Participants, Contracts, Statements],
        ),
        (
            Role::ProviderStaff,
            vec![Home, Participants, Groups, Team, Contracts, Statements],
        ),
        (
            Role::ProviderAdmin,
            vec![
                Home,
                Participants,
                Groups,
                Team,
                Users,
                Contracts,
                Statements,
            ],
        ),
        (
            Role::NavContractManager,
            vec![
                Home,
                Overview,
                Results,
                Investments,
                Contracts,
                Statements,
                Imports,
            ],
        ),
        (
            Role::Investor,
            vec![Home, Overview, Results, Investments, Contracts, Statements],
        ),
        (
            Role::Facilitator,
            vec![Home, Overview, Results, Investments, Contracts, Statements],
        ),
        (
            Role::Evaluator,
            vec![Home, Evaluation, Contracts, Statements],
        ),
        (
            Role::Administrator,
            vec![Home, Users, AuditLog, Settings, Imports],
        ),
        (Role::PrivacyOfficer, vec![Home, AuditLog]),
    ];
    for (role, pages) in cases {
        assert_eq!(menu(role), pages, "{role:?}");
        assert_eq!(home(role), pages[0], "{role:?}");
    }
    // Only Nav's contract manager defines contracts; only the administrator administers.
    assert!(has(Role::NavContractManager, Grant::DefineContracts));
    assert!(!has(Role::Investor, Grant::DefineContracts));
    assert!(!has(Role::NavContractManager, Grant::Administration));
    // Accounts: the administrator all, a provider admin its own staff; nobody else.
    for role in Role::ALL {
        let expected = matches!(role, Role::Administrator | Role::ProviderAdmin);
        assert_eq!(has(role, Grant::Accounts), expected, "{role:?}");
        let reads_log = matches!(role, Role::Administrator | Role::PrivacyOfficer);
        assert_eq!(has(role, Grant::AuditLog), reads_log, "{role:?}");
        // The import log: whoever makes imports (register, evidence, contract files).
        let imports = matches!(role, Role::Administrator | Role::NavContractManager);
        assert_eq!(has(role, Grant::Imports), imports, "{role:?}");
    }
}

#[test]
fn a_viewer_belongs_to_its_own_organisations_party_and_acts_for_it_unless_staff() {
    let t = terms();
    let key = |role, o: &str| PartyKey {
        role,
        orgnr: org(o),
    };
    assert_eq!(
        party_of(Role::NavContractManager, None, &t),
        Some(key(PartyRole::Nav, NAV))
    );
    assert_eq!(
        party_of(Role::ProviderStaff, Some(org(MEMBER)), &t),
        Some(key(PartyRole::Provider, MEMBER))
    );
    assert_eq!(acts_for(Role::ProviderStaff, Some(org(MEMBER)), &t), None);
    assert_eq!(
        acts_for(Role::ProviderAdmin, Some(org(LEAD)), &t),
        Some(key(PartyRole::Provider, LEAD))
    );
    // An investor's organisation is not a provider, however its number reads.
    assert_eq!(party_of(Role::ProviderAdmin, Some(org(INVESTOR)), &t), None);
    assert_eq!(
        acts_for(Role::Investor, Some(org(INVESTOR)), &t),
        Some(key(PartyRole::Investor, INVESTOR))
    );
    // No evaluator in these terms: the evaluator acts for nobody, but reads the contract.
    assert_eq!(acts_for(Role::Evaluator, None, &t), None);
    assert!(reads_contract(Role::Evaluator, None, &t));
    assert!(reads_contract(Role::NavCaseOfficer, None, &t));
    assert!(!reads_contract(Role::Investor, Some(org(LEAD)), &t));
    assert!(!reads_contract(Role::ProviderStaff, None, &t));
    assert!(!reads_contract(Role::Administrator, None, &t));
}
