#![allow(clippy::disallowed_methods)] // tests may read the system clock
use super::*;
use crate::contract::scale::Scale;
use crate::contract::terms::{Caps, ContractOutcome, EvidenceSource, PeriodLength};
use crate::money::Nok;
use crate::outcomes::{Definition, OutcomeKind};

fn day(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn party(role: PartyRole, name: &str, orgnr: &str, lead: bool) -> Party {
    Party {
        role,
        name: name.into(),
        orgnr: OrgNr::parse(orgnr).unwrap(),
        lead,
        sub_delivery: None,
        commitment: None,
    }
}

fn terms() -> ContractTerms {
    ContractTerms {
        locations: Vec::new(),
        name: "Jobbvei".into(),
        starts: day("2026-01-01"),
        ends: day("2028-12-31"),
        periods: PeriodLength::Quarterly,
        parties: vec![
            party(PartyRole::Nav, "Nav Oslo", "889640782", false),
            party(PartyRole::Provider, "Stor AS", "910000004", true),
            party(PartyRole::Provider, "Liten AS", "910000012", false),
            party(PartyRole::Investor, "Stiftelsen", "910000020", false),
            party(PartyRole::Evaluator, "Evaluator AS", "910000039", false),
        ],
        outcomes: vec![ContractOutcome {
            definition: Definition {
                name: "Utdanning".into(),
                kind: OutcomeKind::EducationStart { months: 24 },
            },
            evidence: EvidenceSource::Register,
            max_payments: 1,
            cap: None,
            scale: Scale::Fixed {
                amount: Nok::from_kroner(20_000).unwrap(),
            },
        }],
        cohort_outcomes: Vec::new(),
        investment: None,
        caps: Caps::default(),
    }
}

fn key(t: &ContractTerms, i: usize) -> PartyKey {
    PartyKey::from(&t.parties[i])
}

fn decision(party: PartyKey, user: i64, decision: Decision) -> PartyDecision {
    PartyDecision {
        party,
        by: UserId(user),
        decision,
        at: Utc::now(),
    }
}

#[test]
fn nav_the_lead_and_the_investors_agree_and_everyone_when_it_is_retroactive() {
    let t = terms();
    let (nav, lead, member, investor, evaluator) =
        (key(&t, 0), key(&t, 1), key(&t, 2), key(&t, 3), key(&t, 4));
    assert_eq!(required(&t, false), vec![nav, lead, investor]);
    assert_eq!(
        required(&t, true),
        vec![nav, lead, member, investor, evaluator]
    );
    // Effective before the first open period (1 April): approved periods are re-priced.
    assert!(is_retroactive(day("2026-03-31"), Some(day("2026-04-01"))));
    assert!(!is_retroactive(day("2026-04-01"), Some(day("2026-04-01"))));
    assert!(
        is_retroactive(day("2028-12-31"), None),
        "every period approved"
    );

    let need = required(&t, false);
    let mut said = vec![decision(nav, 1, Decision::Approve)];
    assert_eq!(state(&need, &said), VersionState::Proposed);
    said.push(decision(lead, 2, Decision::Approve));
    assert_eq!(
        may_decide(&need, &said, VersionState::Proposed, member),
        Err(AmendmentError::NotRequired),
        "a member is told, not asked, unless it is retroactive"
    );
    assert_eq!(
        may_decide(&need, &said, VersionState::Proposed, lead),
        Err(AmendmentError::AlreadyDecided)
    );
    said.push(decision(investor, 3, Decision::Approve));
    assert_eq!(state(&need, &said), VersionState::InForce);
    assert_eq!(
        may_decide(&need, &said, VersionState::InForce, investor),
        Err(AmendmentError::NotProposed)
    );
    // Retroactive: the same three approvals are not enough; one refusal rejects it.
    let all = required(&t, true);
    assert_eq!(state(&all, &said), VersionState::Proposed);
    let mut refused = said.clone();
    refused.push(decision(evaluator, 4, Decision::Reject));
    assert_eq!(state(&all, &refused), VersionState::Rejected);
}

#[test]
fn only_parties_propose_and_the_start_and_periods_stay() {
    let t = terms();
    assert_eq!(
        may_propose(&t, key(&t, 2)),
        Ok(()),
        "any consortium member may propose"
    );
    assert_eq!(
        may_propose(&t, key(&t, 4)),
        Err(AmendmentError::MayNotPropose)
    );
    let stranger = PartyKey {
        role: PartyRole::Investor,
        orgnr: OrgNr::parse("910000047").unwrap(),
    };
    assert_eq!(may_propose(&t, stranger), Err(AmendmentError::NotAParty));
    let mut later = t.clone();
    later.starts = day("2026-02-01");
    assert_eq!(
        check_proposal(&t, &later, day("2027-01-01")),
        Err(AmendmentError::StartChanged(day("2026-01-01")))
    );
    let mut monthly = t.clone();
    monthly.periods = PeriodLength::Monthly;
    assert_eq!(
        check_proposal(&t, &monthly, day("2027-01-01")),
        Err(AmendmentError::PeriodsChanged)
    );
    assert!(matches!(
        check_proposal(&t, &t, day("2029-01-01")),
        Err(AmendmentError::EffectiveOutsideContract { .. })
    ));
    assert_eq!(check_proposal(&t, &t, day("2027-01-01")), Ok(()));
}

#[test]
fn the_difference_between_versions_is_said_in_plain_words() {
    let old = terms();
    assert!(differences(&old, &old).is_empty());
    let mut new = old.clone();
    new.ends = day("2029-06-30");
    new.outcomes[0].scale = Scale::Fixed {
        amount: Nok::from_kroner(25_000).unwrap(),
    };
    new.outcomes.push(ContractOutcome {
        definition: Definition {
            name: "Jobbstart".into(),
            kind: OutcomeKind::JobStart {
                min_fte: rust_decimal::Decimal::from(50),
                months: 24,
                filter: crate::outcomes::EmploymentFilter {
                    exclude_employers: Vec::new(),
                    exclude_subsidised: true,
                },
            },
        },
        ..new.outcomes[0].clone()
    });
    new.caps.per_participant = Nok::from_kroner(100_000);
    new.parties.remove(2);
    new.investment = Some(crate::contract::investors::Investment {
        waterfall: crate::contract::returns::Waterfall {
            return_cap: "0.3".parse().unwrap(),
            excess: crate::contract::returns::Excess::ToNav,
        },
        drawdowns: vec![crate::contract::investors::Drawdown {
            investor: OrgNr::parse("910000020").unwrap(),
            date: day("2026-02-01"),
            amount: Nok::from_kroner(1_000_000).unwrap(),
        }],
    });
    assert_eq!(
        differences(&old, &new),
        vec![
            "Sluttdatoen blir 30.06.2029 (var: 31.12.2028).",
            "leverandør Liten AS (910000012) går ut av kontrakten.",
            "Resultatmålet «Utdanning» får ny pris: fast kr\u{a0}25\u{a0}000,00 (var: fast kr\u{a0}20\u{a0}000,00).",
            "Nytt resultatmål «Jobbstart»: jobbstart i minst 50 % stilling (uten lønnstilskudd) innen 24 måneder, fast kr\u{a0}25\u{a0}000,00.",
            "Taket per deltaker blir kr\u{a0}100\u{a0}000,00 (var: ingen grense).",
            "Investeringsvilkår legges til: avkastning opp til 30 % av kapitalen, overskudd tilbake til Nav; 1 trekk, til sammen kr\u{a0}1\u{a0}000\u{a0}000,00.",
        ]
    );
}

#[test]
fn delivery_locations_added_and_dropped_are_said_with_their_numbers() {
    use crate::contract::terms::DeliveryLocation;
    use crate::municipality::Municipality;
    let mut old = terms();
    old.locations = vec![DeliveryLocation {
        municipality: Municipality::parse("0301").unwrap(),
        name: "Oslo".into(),
        provider: None,
    }];
    let mut new = old.clone();
    new.locations = vec![DeliveryLocation {
        municipality: Municipality::parse("3201").unwrap(),
        name: "Bærum".into(),
        provider: Some(old.parties[1].orgnr),
    }];
    assert_eq!(
        differences(&old, &new),
        vec![
            format!(
                "Nytt leveringssted: Bærum (kommunenummer 3201), levert av {}.",
                old.parties[1].name
            ),
            "Leveres ikke lenger i Oslo (kommunenummer 0301).".to_owned(),
        ]
    );
}

#[test]
fn a_new_order_of_outcomes_a_renamed_party_and_a_lost_lead_are_changes_too() {
    let mut old = terms();
    old.outcomes.push(ContractOutcome {
        definition: Definition {
            name: "Språk".into(),
            kind: OutcomeKind::EducationStart { months: 12 },
        },
        ..old.outcomes[0].clone()
    });
    let mut new = old.clone();
    new.outcomes.reverse();
    new.parties[1].lead = false;
    new.parties[2].lead = true;
    new.parties[3].name = "Stiftelsen Ny".into();
    assert_eq!(
        differences(&old, &new),
        vec![
            "Stor AS er ikke lenger hovedleverandør.",
            "Liten AS blir hovedleverandør.",
            "Stiftelsen heter nå Stiftelsen Ny.",
            "Rekkefølgen på resultatmålene (den takene brukes i) blir: Språk, Utdanning.",
        ]
    );
}

#[test]
fn only_the_proposer_withdraws_and_only_while_it_waits() {
    use crate::ids::UserId;
    let (me, other) = (UserId(7), UserId(8));
    assert_eq!(may_withdraw(VersionState::Proposed, Some(me), me), Ok(()));
    assert_eq!(
        may_withdraw(VersionState::Proposed, Some(me), other),
        Err(AmendmentError::NotProposer)
    );
    assert_eq!(
        may_withdraw(VersionState::Proposed, None, me),
        Err(AmendmentError::NotProposer)
    );
    for done in [
        VersionState::InForce,
        VersionState::Rejected,
        VersionState::Withdrawn,
    ] {
        assert_eq!(
            may_withdraw(done, Some(me), me),
            Err(AmendmentError::NotProposed)
        );
    }
    assert_eq!(
        VersionState::from_code("withdrawn"),
        Some(VersionState::Withdrawn)
    );
}
