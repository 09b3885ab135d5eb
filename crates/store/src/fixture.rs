//! A small, hand-made world for tests, with every case the privacy rules care about: two Nav
//! offices, two providers, a household with a parent and a youth, a protected and a shielded
//! person, and a person who moved from D-nummer to fødselsnummer.

use chrono::NaiveDate;
use effekt_domain::dataset::Dataset;
use effekt_domain::ids::*;
use effekt_domain::money::Nok;
use effekt_domain::national_id::NationalId;
use effekt_domain::organisation::*;
use effekt_domain::orgnr::OrgNr;
use effekt_domain::participant::*;
use effekt_domain::person::{IdHistory, Person, Protection};

pub const OFFICE_GRUNERLOKKA: NavOfficeId = NavOfficeId(1);
pub const OFFICE_SONDRE: NavOfficeId = NavOfficeId(2);
pub const PROVIDER_A: ProviderId = ProviderId(1);
pub const PROVIDER_B: ProviderId = ProviderId(2);
pub const INVESTOR: InvestorId = InvestorId(1);
pub const CONTRACT: ContractId = ContractId(1);
/// Amina Hassan: office 1, provider A, household parent.
pub const AMINA: ParticipantId = ParticipantId(1);
/// Yusuf Hassan: office 1, provider A, household youth.
pub const YUSUF: ParticipantId = ParticipantId(2);
/// Leila Haddad: office 2, provider A, STRENGT_FORTROLIG.
pub const LEILA: ParticipantId = ParticipantId(3);
/// Dawit Tesfay: office 2, provider B, D-nummer then fødselsnummer.
pub const DAWIT: ParticipantId = ParticipantId(4);
/// Olena Kovalenko: office 1, provider B, ended with a job.
pub const OLENA: ParticipantId = ParticipantId(5);
/// Ahmad Rahimi: office 1, provider A, SKJERMET.
pub const AHMAD: ParticipantId = ParticipantId(6);

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
}

/// A synthetic id for a birth date (`dnr` adds 40 to the day).
pub fn synthetic_id(birth: NaiveDate, dnr: bool, nth: usize) -> Option<NationalId> {
    use chrono::Datelike;
    let day = birth.day() + if dnr { 40 } else { 0 };
    let month = birth.month() + 80;
    let year = u32::try_from(birth.year().rem_euclid(100)).ok()?;
    let digits = |n: u32| [u8::try_from(n / 10).ok(), u8::try_from(n % 10).ok()];
    let parts: Vec<u8> = [digits(day), digits(month), digits(year)]
        .into_iter()
        .flatten()
        .collect::<Option<Vec<_>>>()?;
    let date_part: [u8; 6] = parts.try_into().ok()?;
    (0..1000)
        .filter_map(|i| NationalId::complete(date_part, i))
        .nth(nth)
}

fn period(status: ParticipantStatus, from: NaiveDate, to: Option<NaiveDate>) -> StatusPeriod {
    StatusPeriod {
        status,
        ended: None,
        valid_from: from,
        valid_to: to,
    }
}

fn deltar_since(start: NaiveDate) -> Option<StatusHistory> {
    let wait = start - chrono::Duration::days(14);
    StatusHistory::new(vec![
        period(ParticipantStatus::VenterPaOppstart, wait, Some(start)),
        period(ParticipantStatus::Deltar, start, None),
    ])
    .ok()
}

struct P {
    given: &'static str,
    family: &'static str,
    birth: NaiveDate,
    office: NavOfficeId,
    provider: ProviderId,
    group: Option<GroupId>,
    household: Option<HouseholdId>,
    protection: Protection,
}

/// The fixture dataset. `None` only if the domain rejected the fixture itself.
pub fn dataset() -> Option<Dataset> {
    let people = [
        P {
            given: "Amina",
            family: "Hassan",
            birth: date(1984, 3, 12),
            office: OFFICE_GRUNERLOKKA,
            provider: PROVIDER_A,
            group: Some(GroupId(1)),
            household: Some(HouseholdId(1)),
            protection: Protection::None,
        },
        P {
            given: "Yusuf",
            family: "Hassan",
            birth: date(2005, 9, 1),
            office: OFFICE_GRUNERLOKKA,
            provider: PROVIDER_A,
            group: Some(GroupId(1)),
            household: Some(HouseholdId(1)),
            protection: Protection::None,
        },
        P {
            given: "Leila",
            family: "Haddad",
            birth: date(1990, 6, 30),
            office: OFFICE_SONDRE,
            provider: PROVIDER_A,
            group: Some(GroupId(1)),
            household: None,
            protection: Protection::StrengtFortrolig,
        },
        P {
            given: "Dawit",
            family: "Tesfay",
            birth: date(1979, 11, 5),
            office: OFFICE_SONDRE,
            provider: PROVIDER_B,
            group: Some(GroupId(2)),
            household: None,
            protection: Protection::None,
        },
        P {
            given: "Olena",
            family: "Kovalenko",
            birth: date(1988, 1, 20),
            office: OFFICE_GRUNERLOKKA,
            provider: PROVIDER_B,
            group: Some(GroupId(2)),
            household: None,
            protection: Protection::None,
        },
        P {
            given: "Ahmad",
            family: "Rahimi",
            birth: date(1995, 2, 28),
            office: OFFICE_GRUNERLOKKA,
            provider: PROVIDER_A,
            group: None,
            household: None,
            protection: Protection::Skjermet,
        },
    ];
    let mut persons = Vec::new();
    let mut participants = Vec::new();
    for (i, p) in people.iter().enumerate() {
        let key = PersonKey(i64::try_from(i).ok()? + 1);
        let ids = if key.0 == 4 {
            IdHistory::single(synthetic_id(p.birth, true, 0)?, date(2024, 2, 1))
                .with_change(synthetic_id(p.birth, false, 0)?, date(2025, 8, 15))
                .ok()?
        } else {
            IdHistory::single(synthetic_id(p.birth, false, 0)?, p.birth)
        };
        persons.push(Person {
            key,
            ids,
            given_name: p.given.into(),
            family_name: p.family.into(),
            birth_date: p.birth,
            country_of_birth: "Somalia".into(),
            address: Some(format!("Tøyengata {} B, 0578 Oslo", i + 10)),
            phone: Some(format!("+47 4000 00{:02}", i)),
            protection: p.protection,
        });
        let statuses = if key.0 == 5 {
            StatusHistory::new(vec![
                period(
                    ParticipantStatus::Deltar,
                    date(2025, 2, 1),
                    Some(date(2026, 3, 1)),
                ),
                StatusPeriod {
                    status: ParticipantStatus::HarSluttet,
                    ended: Some(Ended {
                        reason: EndReason::FattJobb,
                        description: None,
                    }),
                    valid_from: date(2026, 3, 1),
                    valid_to: None,
                },
            ])
            .ok()?
        } else {
            deltar_since(date(2025, 3, 1))?
        };
        participants.push(Participant {
            id: ParticipantId(key.0),
            person: key,
            contract: CONTRACT,
            provider: p.provider,
            nav_office: p.office,
            group: p.group,
            household: p.household,
            statuses,
        });
    }
    Some(Dataset {
        nav_offices: vec![
            NavOffice {
                id: OFFICE_GRUNERLOKKA,
                unit_number: "0315".into(),
                name: "Nav Grünerløkka".into(),
            },
            NavOffice {
                id: OFFICE_SONDRE,
                unit_number: "0330".into(),
                name: "Nav Søndre Nordstrand".into(),
            },
        ],
        providers: vec![
            Provider {
                id: PROVIDER_A,
                orgnr: OrgNr::parse("910000004").ok()?,
                name: "Arbeidsinkludering Oslo AS".into(),
                kind: ProviderKind::Large,
            },
            Provider {
                id: PROVIDER_B,
                orgnr: OrgNr::parse("910000012").ok()?,
                name: "Språkverkstedet AS".into(),
                kind: ProviderKind::Small,
            },
        ],
        investors: vec![Investor {
            id: INVESTOR,
            orgnr: OrgNr::parse("910000020").ok()?,
            name: "Stiftelsen Inkludering".into(),
            kind: InvestorKind::Foundation,
        }],
        contracts: vec![Contract::new(
            CONTRACT,
            "Jobbvei Oslo",
            date(2025, 1, 1),
            date(2027, 12, 31),
            6,
        )
        .ok()?],
        contract_offices: vec![(CONTRACT, OFFICE_GRUNERLOKKA), (CONTRACT, OFFICE_SONDRE)],
        consortium: vec![
            ConsortiumMember {
                contract: CONTRACT,
                provider: PROVIDER_A,
                is_lead: true,
                sub_delivery: "Norskopplæring og arbeidstrening".into(),
            },
            ConsortiumMember {
                contract: CONTRACT,
                provider: PROVIDER_B,
                is_lead: false,
                sub_delivery: "Lese- og skrivestøtte".into(),
            },
        ],
        commitments: vec![Commitment {
            contract: CONTRACT,
            investor: INVESTOR,
            amount: Nok::from_kroner(5_000_000)?,
        }],
        groups: vec![
            Group {
                id: GroupId(1),
                contract: CONTRACT,
                provider: PROVIDER_A,
                name: "Gruppe Morgen 1".into(),
            },
            Group {
                id: GroupId(2),
                contract: CONTRACT,
                provider: PROVIDER_B,
                name: "Kveldsgruppe 1".into(),
            },
        ],
        persons,
        households: vec![Household {
            id: HouseholdId(1),
            name: "Husstand Hassan".into(),
        }],
        memberships: vec![
            HouseholdMembership {
                household: HouseholdId(1),
                person: PersonKey(1),
                kind: MembershipKind::Parent,
                valid_from: date(2024, 1, 1),
                valid_to: None,
            },
            HouseholdMembership {
                household: HouseholdId(1),
                person: PersonKey(2),
                kind: MembershipKind::Youth,
                valid_from: date(2024, 1, 1),
                valid_to: None,
            },
        ],
        participants,
    })
}

/// The fixture's register snapshot: what each participant's outcomes are judged from (see
/// [`outcome_definitions`]; the expected results are worked out in the tests that use them).
/// Dawit's employment is split across his D-nummer and his fødselsnummer, so only a store that
/// links through the id history sees one unbroken job. One person is not a participant.
pub fn register(data: &Dataset) -> Option<effekt_domain::register::Register> {
    use effekt_domain::outcomes::timeline::*;
    use effekt_domain::register::{Register, RegisterPerson};
    use rust_decimal::Decimal;
    let employer = OrgNr::parse("974760673").ok()?;
    let job = |id: &str, start: NaiveDate, end: Option<NaiveDate>, fte: i64| EmploymentSpell {
        id: id.into(),
        employer,
        start,
        end,
        fte: Decimal::from(fte),
        subsidised: false,
    };
    let ids = |key: i64| -> Option<Vec<NationalId>> {
        let p = data.persons.iter().find(|p| p.key.0 == key)?;
        Some(
            p.ids
                .records()
                .iter()
                .map(|r| r.national_id.clone())
                .collect(),
        )
    };
    let person = |id: NationalId, timeline: Timeline| RegisterPerson {
        id,
        index_date: date(2025, 3, 1),
        birth_year: 1985,
        sex: "K".into(),
        country_group: "Afrika".into(),
        arrival_year: Some(2019),
        municipality: "0301".into(),
        education_level: "grunnskole".into(),
        timeline,
    };
    let amina = ids(1)?;
    let yusuf = ids(2)?;
    let dawit = ids(4)?;
    let olena = ids(5)?;
    let mut persons = vec![
        person(
            amina.first()?.clone(),
            Timeline {
                employment: vec![job("A1", date(2025, 4, 1), None, 60)],
                benefits: vec![BenefitSpell {
                    id: "B1".into(),
                    kind: BenefitType::Introduksjonsstonad,
                    start: date(2024, 9, 1),
                    end: Some(date(2025, 5, 31)),
                }],
                language_tests: vec![LanguageTest {
                    id: "T1".into(),
                    date: date(2025, 10, 2),
                    skill: Skill::Speaking,
                    level: Cefr::B1,
                }],
                ..Timeline::default()
            },
        ),
        person(
            yusuf.first()?.clone(),
            Timeline {
                education: vec![EducationSpell {
                    id: "U1".into(),
                    start: date(2025, 8, 20),
                    end: None,
                }],
                ..Timeline::default()
            },
        ),
        // Under the D-nummer until the change on 2025-08-15, then under the fødselsnummer.
        person(
            dawit.first()?.clone(),
            Timeline {
                employment: vec![job("D1", date(2025, 3, 10), Some(date(2025, 8, 14)), 50)],
                ..Timeline::default()
            },
        ),
        person(
            dawit.get(1)?.clone(),
            Timeline {
                employment: vec![job("D2", date(2025, 8, 15), None, 50)],
                ..Timeline::default()
            },
        ),
        person(
            olena.first()?.clone(),
            Timeline {
                employment: vec![job("O1", date(2026, 3, 1), None, 100)],
                ..Timeline::default()
            },
        ),
        person(
            synthetic_id(date(1970, 5, 5), false, 0)?,
            Timeline {
                employment: vec![job("X1", date(2020, 1, 1), None, 100)],
                ..Timeline::default()
            },
        ),
    ];
    persons.sort_by(|a, b| a.id.cmp(&b.id));
    Some(Register {
        snapshot: Snapshot {
            id: "fixture-2026-06".into(),
            cutoff: date(2026, 6, 30),
        },
        persons,
        unmatched_rows: 0,
    })
}

/// The outcomes the fixture contract pays for, in contract order.
pub fn outcome_definitions() -> Vec<effekt_domain::outcomes::Definition> {
    use effekt_domain::outcomes::timeline::{Cefr, Skill};
    use effekt_domain::outcomes::{Definition, EmploymentFilter, OutcomeKind};
    use rust_decimal::Decimal;
    vec![
        Definition {
            name: "Varig arbeid".into(),
            kind: OutcomeKind::SustainedEmployment {
                min_fte: Decimal::from(50),
                weeks: 26,
                months: 24,
                max_gap_days: 14,
                filter: EmploymentFilter::default(),
            },
        },
        Definition {
            name: "Seks måneder uten ytelser".into(),
            kind: OutcomeKind::MonthsWithoutBenefits {
                count: 6,
                months: 24,
                benefit_types: Vec::new(),
            },
        },
        Definition {
            name: "Utdanning påbegynt".into(),
            kind: OutcomeKind::EducationStart { months: 24 },
        },
        Definition {
            name: "Norsk muntlig B1".into(),
            kind: OutcomeKind::LanguageLevelReached {
                skill: Skill::Speaking,
                level: Cefr::B1,
                months: 24,
            },
        },
    ]
}

/// The fixture contract's terms: [`outcome_definitions`] at fixed prices (Varig arbeid at
/// `varig_arbeid_kroner`, then 30,000, 20,000 and 10,000 kr), quarterly, at most 70,000 kr per
/// participant; Nav, providers A (lead) and B, the investor and an evaluator. The same terms
/// as the contract file [`CONTRACT_FILE`].
pub fn contract_terms(
    varig_arbeid_kroner: i64,
) -> Option<effekt_domain::contract::terms::ContractTerms> {
    use effekt_domain::contract::scale::Scale;
    use effekt_domain::contract::terms::{
        Caps, ContractOutcome, ContractTerms, EvidenceSource, Party, PartyRole, PeriodLength,
    };
    use effekt_domain::money::Nok;
    use effekt_domain::orgnr::OrgNr;
    let prices = [varig_arbeid_kroner, 30_000, 20_000, 10_000];
    let party = |role, name: &str, orgnr: &str| -> Option<Party> {
        Some(Party {
            role,
            name: name.into(),
            orgnr: OrgNr::parse(orgnr).ok()?,
            lead: name == "Leverandør A",
            sub_delivery: None,
            commitment: None,
        })
    };
    Some(ContractTerms {
        locations: Vec::new(),
        name: "Jobbvei Oslo".into(),
        starts: date(2025, 1, 1),
        ends: date(2027, 12, 31),
        periods: PeriodLength::Quarterly,
        parties: vec![
            party(PartyRole::Nav, "Nav Oslo", "889640782")?,
            party(PartyRole::Provider, "Leverandør A", "910000004")?,
            party(PartyRole::Provider, "Leverandør B", "910000012")?,
            party(PartyRole::Investor, "Investor", "910000020")?,
            party(PartyRole::Evaluator, "Evaluator", "910000039")?,
        ],
        outcomes: outcome_definitions()
            .into_iter()
            .zip(prices)
            .map(|(definition, kroner)| {
                Some(ContractOutcome {
                    definition,
                    evidence: EvidenceSource::Register,
                    max_payments: 1,
                    cap: None,
                    scale: Scale::Fixed {
                        amount: Nok::from_kroner(kroner)?,
                    },
                })
            })
            .collect::<Option<Vec<_>>>()?,
        cohort_outcomes: Vec::new(),
        investment: None,
        caps: Caps {
            per_participant: Nok::from_kroner(70_000),
            ..Caps::default()
        },
    })
}

/// The fixture contract's terms as a contract file, with `{VARIG}` for Varig arbeid's price in
/// kroner (see [`contract_terms`]).
pub const CONTRACT_FILE: &str = r#"[contract]
name = "Jobbvei Oslo"
starts = 2025-01-01
ends = 2027-12-31
periods = "quarterly"

[[party]]
role = "nav"
name = "Nav Oslo"
orgnr = "889640782"

[[party]]
role = "provider"
name = "Leverandør A"
orgnr = "910000004"
lead = true

[[party]]
role = "provider"
name = "Leverandør B"
orgnr = "910000012"

[[party]]
role = "investor"
name = "Investor"
orgnr = "910000020"

[[party]]
role = "evaluator"
name = "Evaluator"
orgnr = "910000039"

[[outcome]]
name = "Varig arbeid"
kind = "sustained_employment"
min_fte = "50"
weeks = 26
months = 24
max_gap_days = 14
scale = { type = "fixed", amount = "{VARIG}" }

[[outcome]]
name = "Seks måneder uten ytelser"
kind = "months_without_benefits"
count = 6
months = 24
scale = { type = "fixed", amount = "30000" }

[[outcome]]
name = "Utdanning påbegynt"
kind = "education_start"
months = 24
scale = { type = "fixed", amount = "20000" }

[[outcome]]
name = "Norsk muntlig B1"
kind = "language_level_reached"
skill = "speaking"
level = "B1"
months = 24
scale = { type = "fixed", amount = "10000" }

[caps]
per_participant = "70000"
"#;
