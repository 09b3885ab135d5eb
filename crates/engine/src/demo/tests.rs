//! Tests of the demo generator: determinism, shape of the default demo, and invariants that
//! must hold for every seed and size.

use std::collections::{HashMap, HashSet};

use chrono::Datelike;
use effekt_domain::ids::{ContractId, GroupId, PersonKey};
use effekt_domain::national_id::NationalIdKind;
use effekt_domain::organisation::{InvestorKind, MembershipKind, ProviderKind};
use effekt_domain::orgnr::OrgNr;
use effekt_domain::participant::{EndReason, ParticipantStatus, StatusHistory};
use effekt_domain::person::{Person, Protection};
use effekt_domain::role::Role;
use proptest::prelude::*;

use super::*;

fn default_demo() -> Demo {
    generate(DEFAULT_SEED, DEFAULT_PARTICIPANTS).unwrap()
}

fn persons(demo: &Demo) -> HashMap<PersonKey, &Person> {
    demo.dataset.persons.iter().map(|p| (p.key, p)).collect()
}

/// Invariants for every demo, whatever its seed and size.
fn check_invariants(demo: &Demo, participants: usize) {
    let ds = &demo.dataset;
    assert_eq!(ds.participants.len(), participants);
    assert_eq!(ds.contracts.len(), 1);
    assert_eq!(ds.contracts[0].target_cohort as usize, participants);
    let by_key = persons(demo);
    assert_eq!(by_key.len(), ds.persons.len(), "person keys are unique");

    // National ids: unique across all histories, synthetic, encoding the birth date.
    let mut seen = HashSet::new();
    for p in &ds.persons {
        for r in p.ids.records() {
            assert!(seen.insert(r.national_id.clone()), "duplicate national id");
            assert!(r.national_id.kind().is_synthetic());
            let (day, month, year) = r.national_id.birth_date_parts();
            assert_eq!(u32::from(day), p.birth_date.day());
            assert_eq!(u32::from(month), p.birth_date.month());
            assert_eq!(i32::from(year), p.birth_date.year() % 100);
            assert!(r.valid_from <= DEMO_TODAY);
            assert!(r.valid_from >= p.birth_date);
        }
        assert_eq!(p.ids.current().kind(), NationalIdKind::Tnr);
        if matches!(
            p.protection,
            Protection::StrengtFortrolig | Protection::StrengtFortroligUtland
        ) {
            assert_eq!(p.address, None);
        } else {
            assert!(p.address.as_deref().is_some_and(|a| a.ends_with(" Oslo")));
        }
    }

    // Participants: valid status histories before today, consistent references.
    let group_provider: HashMap<GroupId, _> =
        ds.groups.iter().map(|g| (g.id, g.provider)).collect();
    let mut ids = HashSet::new();
    for x in &ds.participants {
        assert!(ids.insert(x.id));
        let person = by_key[&x.person];
        let year = person.birth_date.year();
        assert!((1965..=2006).contains(&year), "birth year {year}");
        let periods = x.statuses.periods().to_vec();
        assert_eq!(
            StatusHistory::new(periods.clone()).as_ref(),
            Ok(&x.statuses)
        );
        for p in &periods {
            assert!(p.valid_from <= DEMO_TODAY);
            assert!(p.valid_to.is_none_or(|to| to <= DEMO_TODAY));
        }
        assert_eq!(periods[0].status, ParticipantStatus::SoktInn);
        assert!(periods[0].valid_from >= NaiveDate::from_ymd_opt(2025, 1, 1).unwrap());
        assert!(periods[0].valid_from <= NaiveDate::from_ymd_opt(2026, 6, 30).unwrap());
        if let Some(g) = x.group {
            assert_eq!(group_provider[&g], x.provider, "group of another provider");
        }
        assert!(ds.providers.iter().any(|p| p.id == x.provider));
        assert!(ds.nav_offices.iter().any(|o| o.id == x.nav_office));
    }
    for g in &ds.groups {
        let size = ds
            .participants
            .iter()
            .filter(|x| x.group == Some(g.id))
            .count();
        assert!(
            (8..=10).contains(&size),
            "group {} has {size} members",
            g.name
        );
    }

    // Households: a parent and a youth participant sharing name and address.
    for h in &ds.households {
        let members: Vec<_> = ds
            .memberships
            .iter()
            .filter(|m| m.household == h.id)
            .collect();
        let of = |kind| {
            members
                .iter()
                .filter(|m| m.kind == kind)
                .map(|m| by_key[&m.person])
                .collect::<Vec<_>>()
        };
        let (parents, youths) = (of(MembershipKind::Parent), of(MembershipKind::Youth));
        assert_eq!((parents.len(), youths.len()), (1, 1));
        assert_eq!(parents[0].family_name, youths[0].family_name);
        assert_eq!(parents[0].address, youths[0].address);
        assert_eq!(h.name, format!("Husstand {}", parents[0].family_name));
        for m in &members {
            let enrolled = ds.participants.iter().find(|x| x.person == m.person);
            match m.kind {
                MembershipKind::Child => assert!(enrolled.is_none()),
                _ => assert_eq!(enrolled.and_then(|x| x.household), Some(h.id)),
            }
        }
        let youth = youths[0];
        let enrolled = ds
            .participants
            .iter()
            .find(|x| x.person == youth.key)
            .unwrap();
        let age = enrolled.statuses.periods()[0]
            .valid_from
            .years_since(youth.birth_date)
            .unwrap();
        assert!((16..=24).contains(&age), "youth aged {age}");
    }

    // Organisation numbers valid and distinct.
    let orgnrs: Vec<&OrgNr> = ds
        .providers
        .iter()
        .map(|p| &p.orgnr)
        .chain(ds.investors.iter().map(|i| &i.orgnr))
        .collect();
    for nr in &orgnrs {
        assert_eq!(OrgNr::parse(nr.as_str()).as_ref(), Ok(*nr));
    }
    assert_eq!(orgnrs.iter().collect::<HashSet<_>>().len(), orgnrs.len());

    // Assignments: every protected participant has their provider's staff and case officer.
    let scope_of: HashMap<&str, DemoScope> = demo
        .users
        .iter()
        .map(|u| (u.username.as_str(), u.scope))
        .collect();
    for x in &ds.participants {
        if !by_key[&x.person].protection.is_protected() {
            continue;
        }
        let assigned: Vec<DemoScope> = demo
            .assignments
            .iter()
            .filter(|(_, id)| *id == x.id)
            .map(|(u, _)| scope_of[u.as_str()])
            .collect();
        assert!(assigned.contains(&DemoScope::Provider(x.provider)));
        assert!(assigned.contains(&DemoScope::NavOffice(x.nav_office)));
    }
    for (user, id) in &demo.assignments {
        let x = ds.participants.iter().find(|x| x.id == *id).unwrap();
        match scope_of[user.as_str()] {
            DemoScope::Provider(p) => assert_eq!(p, x.provider),
            DemoScope::NavOffice(o) => assert_eq!(o, x.nav_office),
            other => panic!("{user} ({other:?}) cannot be assigned"),
        }
    }
}

#[test]
fn same_seed_gives_the_same_demo() {
    assert_eq!(default_demo(), default_demo());
    assert_eq!(generate(7, 40).unwrap(), generate(7, 40).unwrap());
    assert_ne!(generate(7, 40).unwrap(), generate(8, 40).unwrap());
}

#[test]
fn default_demo_holds_every_invariant() {
    check_invariants(&default_demo(), DEFAULT_PARTICIPANTS);
}

#[test]
fn default_demo_has_the_contract_and_its_parties() {
    assert_eq!(DEMO_TODAY, NaiveDate::from_ymd_opt(2026, 11, 27).unwrap());
    let ds = default_demo().dataset;
    let c = &ds.contracts[0];
    assert_eq!(
        (c.id, c.name.as_str(), c.target_cohort),
        (ContractId(1), "Jobbvei Oslo", 150)
    );
    assert_eq!(c.starts, NaiveDate::from_ymd_opt(2025, 1, 1).unwrap());
    let names: Vec<&str> = ds.nav_offices.iter().map(|o| o.name.as_str()).collect();
    assert_eq!(names, ["Nav Grünerløkka", "Nav Søndre Nordstrand"]);
    assert!(ds.nav_offices.iter().all(|o| o.unit_number.len() == 4));
    assert_eq!(ds.contract_offices.len(), 2);
    let kinds: Vec<ProviderKind> = ds.providers.iter().map(|p| p.kind).collect();
    assert_eq!(
        kinds,
        [
            ProviderKind::Large,
            ProviderKind::Small,
            ProviderKind::SocialEnterprise
        ]
    );
    assert_eq!(ds.consortium.iter().filter(|m| m.is_lead).count(), 1);
    assert!(ds.consortium.iter().all(|m| !m.sub_delivery.is_empty()));
    let kinds: Vec<InvestorKind> = ds.investors.iter().map(|i| i.kind).collect();
    assert_eq!(kinds, [InvestorKind::Foundation, InvestorKind::Impact]);
    let total: i64 = ds.commitments.iter().map(|c| c.amount.ore()).sum();
    assert_eq!(total, 20_000_000 * 100);
}

#[test]
fn default_demo_has_groups_households_and_protected_persons() {
    let demo = default_demo();
    let ds = &demo.dataset;
    assert!(
        (16..=19).contains(&ds.groups.len()),
        "{} groups",
        ds.groups.len()
    );
    assert!(
        (18..=22).contains(&ds.households.len()),
        "{} households",
        ds.households.len()
    );
    let by_key = persons(&demo);
    for kind in Protection::ALL.into_iter().filter(|p| p.is_protected()) {
        assert!(
            ds.persons.iter().any(|p| p.protection == kind),
            "no {kind:?}"
        );
    }
    let protected = ds
        .persons
        .iter()
        .filter(|p| p.protection.is_protected())
        .count();
    assert!((4..=8).contains(&protected));
    let changed: Vec<_> = ds
        .persons
        .iter()
        .filter(|p| p.ids.records().len() == 2)
        .collect();
    assert!(
        (10..=20).contains(&changed.len()),
        "{} id changes",
        changed.len()
    );
    for p in changed {
        let records = p.ids.records();
        assert_eq!(records[0].national_id.kind(), NationalIdKind::DnrAndTnr);
        assert_eq!(records[1].national_id.kind(), NationalIdKind::Tnr);
        assert!(records[0].valid_from < records[1].valid_from);
        let x = ds.participants.iter().find(|x| x.person == p.key).unwrap();
        assert!(
            records[1].valid_from > x.statuses.periods()[0].valid_from,
            "changed during the programme"
        );
    }
    let current = |s: ParticipantStatus| {
        ds.participants
            .iter()
            .filter(|x| x.statuses.current().status == s)
            .count()
    };
    assert!((40..=65).contains(&current(ParticipantStatus::HarSluttet)));
    assert!(current(ParticipantStatus::Fullfort) >= 1);
    assert!(current(ParticipantStatus::IkkeAktuell) >= 1);
    assert!(
        current(ParticipantStatus::Venteliste) + current(ParticipantStatus::VenterPaOppstart) >= 4
    );
    assert!(current(ParticipantStatus::Deltar) >= 60);
    let jobs = ds
        .participants
        .iter()
        .filter(|x| {
            x.statuses
                .current()
                .ended
                .as_ref()
                .is_some_and(|e| e.reason == EndReason::FattJobb)
        })
        .count();
    assert!(
        jobs * 2 > current(ParticipantStatus::HarSluttet),
        "most who left got a job"
    );
    assert!(ds
        .persons
        .iter()
        .all(|p| !by_key[&p.key].given_name.is_empty()));
}

#[test]
fn users_cover_every_role_with_valid_scopes() {
    let demo = default_demo();
    for role in Role::ALL {
        assert!(
            demo.users.iter().any(|u| u.role == role),
            "no user for {role:?}"
        );
    }
    let names: HashSet<&str> = demo.users.iter().map(|u| u.username.as_str()).collect();
    assert_eq!(names.len(), demo.users.len());
    for u in &demo.users {
        assert!(
            u.username
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b == b'.'),
            "{}",
            u.username
        );
        assert_eq!(u.password, DEMO_PASSWORD);
        let ds = &demo.dataset;
        match u.scope {
            DemoScope::None => {}
            DemoScope::NavOffice(o) => assert!(ds.nav_offices.iter().any(|x| x.id == o)),
            DemoScope::Provider(p) => assert!(ds.providers.iter().any(|x| x.id == p)),
            DemoScope::Investor(i) => assert!(ds.investors.iter().any(|x| x.id == i)),
        }
    }
    for staff in ["jobbspesialist.stor", "veileder.liten", "ansatt.kafe"] {
        let count = demo.assignments.iter().filter(|(u, _)| u == staff).count();
        assert!(
            (12..=20).contains(&count),
            "{staff} has {count} participants"
        );
    }
}

#[test]
fn organisations_do_not_depend_on_the_number_of_participants() {
    let (small, large) = (
        generate(5, 10).unwrap().dataset,
        generate(5, 150).unwrap().dataset,
    );
    assert_eq!(small.providers, large.providers);
    assert_eq!(small.investors, large.investors);
    assert_eq!(small.contracts[0].target_cohort, 10);
}

#[test]
fn sizes_out_of_range_are_refused() {
    assert_eq!(generate(DEFAULT_SEED, 0), Err(DemoError::NoParticipants));
    assert!(matches!(
        generate(DEFAULT_SEED, MAX_PARTICIPANTS + 1),
        Err(DemoError::TooManyParticipants { .. })
    ));
}

#[test]
fn a_hundred_thousand_participants_have_unique_ids() {
    let demo = generate(1, 100_000).unwrap();
    assert_eq!(demo.dataset.participants.len(), 100_000);
    let mut seen = HashSet::new();
    for p in &demo.dataset.persons {
        for r in p.ids.records() {
            assert!(seen.insert(r.national_id.clone()), "duplicate national id");
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn every_seed_and_size_gives_a_valid_demo(seed in any::<u64>(), participants in 1usize..400) {
        let demo = generate(seed, participants).unwrap();
        check_invariants(&demo, participants);
    }
}

#[test]
fn the_demo_register_covers_every_participant_under_the_ids_they_held() {
    let demo = default_demo();
    let register = &demo.register;
    assert!(register.snapshot.cutoff < DEMO_TODAY);
    let in_register: HashSet<String> = register.persons.iter().map(|p| p.id.to_string()).collect();
    let people = persons(&demo);
    let mut split = 0;
    for p in &demo.dataset.participants {
        let person = people[&p.person];
        assert!(
            person
                .ids
                .records()
                .iter()
                .any(|r| in_register.contains(&r.national_id.to_string())),
            "participant {} is not in the demo register",
            p.id.0
        );
        // Every spell is filed under the id the person held on its first day.
        for r in register
            .persons
            .iter()
            .filter(|r| person.ids.has_held(&r.id))
        {
            for e in &r.timeline.employment {
                let held = person
                    .ids
                    .records()
                    .iter()
                    .rev()
                    .find(|x| x.valid_from <= e.start);
                if let Some(held) = held {
                    assert_eq!(
                        held.national_id, r.id,
                        "spell {} filed under the wrong id",
                        e.id
                    );
                }
            }
        }
        let filed = register
            .persons
            .iter()
            .filter(|r| person.ids.has_held(&r.id) && r.timeline != Default::default())
            .count();
        if filed > 1 {
            split += 1;
        }
    }
    assert!(
        split > 0,
        "some person should have spells under both a D-nummer and a fødselsnummer"
    );
    // The demo shows each outcome status somewhere.
    let defs = outcome_definitions();
    let statuses: HashSet<&str> = register
        .persons
        .iter()
        .flat_map(|p| {
            defs.iter().map(|d| {
                effekt_domain::outcomes::evaluate(
                    &d.kind,
                    &p.timeline,
                    p.index_date,
                    &register.snapshot,
                )
                .status
                .code()
            })
        })
        .collect();
    assert!(
        statuses.contains("achieved") && statuses.contains("pending"),
        "{statuses:?}"
    );
}
