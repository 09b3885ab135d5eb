//! The demo's fixed cast: the contract "Jobbvei Oslo", the two Nav offices, the provider
//! consortium, the investors and one login per role. Only the organisation numbers are drawn
//! from the seed (valid mod-11, fictional organisations).

use std::collections::HashSet;

use effekt_domain::dataset::Dataset;
use effekt_domain::ids::{ContractId, InvestorId, NavOfficeId, ProviderId};
use effekt_domain::money::Nok;
use effekt_domain::organisation::{
    Commitment, ConsortiumMember, Contract, Investor, InvestorKind, NavOffice, Provider,
    ProviderKind,
};
use effekt_domain::orgnr::OrgNr;
use effekt_domain::role::Role;

use super::random::{between, ymd, Rng};
use super::{DemoError, DemoScope, DemoUser, DEMO_PASSWORD};

pub(crate) const CONTRACT: ContractId = ContractId(1);
pub(crate) const CONTRACT_NAME: &str = "Jobbvei Oslo";

/// The Nav offices: (enhetsnummer, name). Index `i` has id `i + 1`.
pub(crate) const OFFICES: [(&str, &str); 2] = [
    ("0315", "Nav Grünerløkka"),
    ("0319", "Nav Søndre Nordstrand"),
];
/// Share (percent) of participants followed by each office.
pub(crate) const OFFICE_WEIGHTS: [u32; 2] = [55, 45];

/// The consortium: (name, kind, sub-delivery). Index `i` has id `i + 1`; the first leads.
pub(crate) const PROVIDERS: [(&str, ProviderKind, &str); 3] = [
    (
        "Arbeidsinkludering Oslo AS",
        ProviderKind::Large,
        "Norskopplæring, arbeidstrening og jobbspesialist",
    ),
    (
        "Språkverkstedet AS",
        ProviderKind::Small,
        "Tilpasset norskopplæring og lese-/skrivestøtte",
    ),
    (
        "Kafé Sammen SA",
        ProviderKind::SocialEnterprise,
        "Praksisplasser i kafé og kantine",
    ),
];
/// Share (percent) of participants per provider.
pub(crate) const PROVIDER_SHARES: [usize; 3] = [55, 25, 20];

/// Investors: (name, kind, commitment in kroner). Index `i` has id `i + 1`.
const INVESTORS: [(&str, InvestorKind, i64); 2] = [
    (
        "Stiftelsen Inkludering",
        InvestorKind::Foundation,
        12_000_000,
    ),
    ("Nordisk Samfunnsinvest AS", InvestorKind::Impact, 8_000_000),
];

pub(crate) fn office_id(index: usize) -> NavOfficeId {
    NavOfficeId(i64::try_from(index).unwrap_or(0) + 1)
}

pub(crate) fn provider_id(index: usize) -> ProviderId {
    ProviderId(i64::try_from(index).unwrap_or(0) + 1)
}

fn investor_id(index: usize) -> InvestorId {
    InvestorId(i64::try_from(index).unwrap_or(0) + 1)
}

/// A fresh valid organisation number (9 digits, mod-11), starting with 9 like newer entities.
fn orgnr(rng: &mut Rng, taken: &mut HashSet<OrgNr>) -> Result<OrgNr, DemoError> {
    for _ in 0..1000 {
        let stem = format!("9{:07}", between(rng, 0, 9_999_999));
        let valid = (0..10).find_map(|check| OrgNr::parse(&format!("{stem}{check}")).ok());
        if let Some(nr) = valid {
            if taken.insert(nr) {
                return Ok(nr);
            }
        }
    }
    Err(DemoError::Inconsistent("no free organisation number found"))
}

/// Fills in everything but people: contract, offices, providers, consortium, investors.
pub(crate) fn organisations(
    rng: &mut Rng,
    dataset: &mut Dataset,
    target_cohort: u32,
) -> Result<(), DemoError> {
    let contract = Contract::new(
        CONTRACT,
        CONTRACT_NAME,
        ymd(2025, 1, 1)?,
        ymd(2027, 12, 31)?,
        target_cohort,
    )?;
    dataset.contracts.push(contract);
    for (i, (unit, name)) in OFFICES.iter().enumerate() {
        dataset.nav_offices.push(NavOffice {
            id: office_id(i),
            unit_number: (*unit).to_owned(),
            name: (*name).to_owned(),
        });
        dataset.contract_offices.push((CONTRACT, office_id(i)));
    }
    let mut taken = HashSet::new();
    for (i, (name, kind, delivery)) in PROVIDERS.iter().enumerate() {
        dataset.providers.push(Provider {
            id: provider_id(i),
            orgnr: orgnr(rng, &mut taken)?,
            name: (*name).to_owned(),
            kind: *kind,
        });
        dataset.consortium.push(ConsortiumMember {
            contract: CONTRACT,
            provider: provider_id(i),
            is_lead: i == 0,
            sub_delivery: (*delivery).to_owned(),
        });
    }
    for (i, (name, kind, kroner)) in INVESTORS.iter().enumerate() {
        dataset.investors.push(Investor {
            id: investor_id(i),
            orgnr: orgnr(rng, &mut taken)?,
            name: (*name).to_owned(),
            kind: *kind,
        });
        dataset.commitments.push(Commitment {
            contract: CONTRACT,
            investor: investor_id(i),
            amount: Nok::from_kroner(*kroner).ok_or(DemoError::Inconsistent("commitment"))?,
        });
    }
    Ok(())
}

/// The username of the provider-staff user of provider `index` (see [`users`]).
pub(crate) const PROVIDER_STAFF: [&str; 3] =
    ["jobbspesialist.stor", "veileder.liten", "ansatt.kafe"];
/// The username of the Nav case officer of office `index`.
pub(crate) const CASE_OFFICERS: [&str; 2] = ["veileder.grunerlokka", "veileder.sondrenordstrand"];

/// One login per role (two case officers, three provider staff, two investors).
pub(crate) fn users() -> Vec<DemoUser> {
    let user = |username: &str, display_name: &str, role: Role, scope: DemoScope| DemoUser {
        username: username.to_owned(),
        password: DEMO_PASSWORD.to_owned(),
        display_name: display_name.to_owned(),
        role,
        scope,
    };
    vec![
        user(
            CASE_OFFICERS[0],
            "Ingrid Hansen",
            Role::NavCaseOfficer,
            DemoScope::NavOffice(office_id(0)),
        ),
        user(
            CASE_OFFICERS[1],
            "Sara Johansen",
            Role::NavCaseOfficer,
            DemoScope::NavOffice(office_id(1)),
        ),
        user(
            "kontrakt.forvalter",
            "Lars Eriksen",
            Role::NavContractManager,
            DemoScope::None,
        ),
        user(
            PROVIDER_STAFF[0],
            "Marte Olsen",
            Role::ProviderStaff,
            DemoScope::Provider(provider_id(0)),
        ),
        user(
            PROVIDER_STAFF[1],
            "Nora Bakke",
            Role::ProviderStaff,
            DemoScope::Provider(provider_id(1)),
        ),
        user(
            PROVIDER_STAFF[2],
            "Yonas Tesfaye",
            Role::ProviderStaff,
            DemoScope::Provider(provider_id(2)),
        ),
        user(
            "admin.stor",
            "Per Kristiansen",
            Role::ProviderAdmin,
            DemoScope::Provider(provider_id(0)),
        ),
        user(
            "investor.stiftelse",
            "Hanne Lie",
            Role::Investor,
            DemoScope::Investor(investor_id(0)),
        ),
        user(
            "investor.impact",
            "Jonas Strand",
            Role::Investor,
            DemoScope::Investor(investor_id(1)),
        ),
        user(
            "evaluator",
            "Silje Haugen",
            Role::Evaluator,
            DemoScope::None,
        ),
        user(
            "tilrettelegger",
            "Erik Moe",
            Role::Facilitator,
            DemoScope::None,
        ),
        user(
            "administrator",
            "Tone Dahl",
            Role::Administrator,
            DemoScope::None,
        ),
        user(
            "personvernombud",
            "Kari Nilsen",
            Role::PrivacyOfficer,
            DemoScope::None,
        ),
    ]
}
