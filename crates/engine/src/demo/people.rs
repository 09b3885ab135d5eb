//! The demo's people: persons with synthetic ids and id histories, their enrolments
//! (participants) with status histories, and households with parallel tracks (a parent and a
//! youth, sometimes with a child who is not a participant).
//!
//! Generation plans one "slot" per participant first (household, office, provider, outcome,
//! intake, protection), then assigns keys in intake order, as a store would have.

use std::collections::HashSet;

use chrono::NaiveDate;
use effekt_domain::dataset::Dataset;
use effekt_domain::ids::{HouseholdId, ParticipantId, PersonKey};
use effekt_domain::organisation::{Household, HouseholdMembership, MembershipKind};
use effekt_domain::participant::Participant;
use effekt_domain::person::{IdHistory, Person, Protection};

use super::catalogue::{office_id, provider_id, CONTRACT, OFFICE_WEIGHTS, PROVIDER_SHARES};
use super::names::{Country, COUNTRIES, NORWAY_NB};
use super::national_ids::IdAllocator;
use super::places::{address, phone};
use super::random::{between, chance, day_between, pick_str, shift, shuffle, weighted, ymd, Rng};
use super::statuses::{history, intake_window, outcome_quotas, Outcome};
use super::{DemoError, DEMO_TODAY};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Age {
    Adult,
    Parent,
    Youth,
}

/// One planned participant.
struct Slot {
    household: Option<usize>,
    age: Age,
    office: usize,
    provider: usize,
    country: usize,
    family: &'static str,
    address: String,
    outcome: Outcome,
    intake: NaiveDate,
    protection: Protection,
    d_number: bool,
}

/// About one household per 7.5 participants, each with two participating members.
pub(crate) fn household_count(participants: usize) -> usize {
    ((participants * 2 + 7) / 15).min(participants / 2)
}

fn key(k: usize) -> i64 {
    i64::try_from(k).unwrap_or(i64::MAX)
}

fn country(index: usize) -> &'static Country {
    COUNTRIES.get(index).unwrap_or(&COUNTRIES[0])
}

/// Each provider's share of `n`, exactly summing to `n`, as a shuffled list of indices.
fn provider_list(rng: &mut Rng, n: usize) -> Vec<usize> {
    let mut list = Vec::with_capacity(n);
    for (i, share) in PROVIDER_SHARES
        .iter()
        .enumerate()
        .take(PROVIDER_SHARES.len() - 1)
    {
        let count = ((n * share + 50) / 100).min(n - list.len());
        list.extend(std::iter::repeat_n(i, count));
    }
    list.resize(n, PROVIDER_SHARES.len() - 1);
    shuffle(rng, &mut list);
    list
}

/// Protection for the `k`-th protected person: one of each kind first, then kode 7 most often.
fn protection_kind(rng: &mut Rng, k: usize) -> Protection {
    const FIRST: [Protection; 4] = [
        Protection::StrengtFortrolig,
        Protection::StrengtFortroligUtland,
        Protection::Fortrolig,
        Protection::Skjermet,
    ];
    match FIRST.get(k) {
        Some(p) => *p,
        None => FIRST[weighted(rng, &[20, 10, 50, 20]) % FIRST.len()],
    }
}

fn plan(rng: &mut Rng, n: usize) -> Result<Vec<Slot>, DemoError> {
    let households = household_count(n);
    let mut outcomes = outcome_quotas(n);
    shuffle(rng, &mut outcomes);
    let providers = provider_list(rng, n);
    let country_weights: Vec<u32> = COUNTRIES.iter().map(|c| c.weight).collect();
    let mut household_names = HashSet::new();
    let mut slots = Vec::with_capacity(n);
    for i in 0..n {
        let household = (i < households * 2).then_some(i / 2);
        let age = match household {
            Some(_) if i % 2 == 0 => Age::Parent,
            Some(_) => Age::Youth,
            None => Age::Adult,
        };
        let slot = match slots.last() {
            Some(
                parent @ Slot {
                    age: Age::Parent, ..
                },
            ) if age == Age::Youth => Slot {
                household,
                age,
                ..Slot::like(parent)
            },
            _ => {
                let c = weighted(rng, &country_weights);
                let mut family = pick_str(rng, country(c).family);
                // Avoid two households with the same name where the names allow it.
                for _ in 0..4 {
                    if household.is_none() || household_names.insert(family) {
                        break;
                    }
                    family = pick_str(rng, country(c).family);
                }
                let office = weighted(rng, &OFFICE_WEIGHTS);
                Slot {
                    household,
                    age,
                    office,
                    provider: 0,
                    country: c,
                    family,
                    address: address(rng, office),
                    outcome: Outcome::Deltar,
                    intake: DEMO_TODAY,
                    protection: Protection::None,
                    d_number: false,
                }
            }
        };
        slots.push(Slot {
            provider: providers.get(i).copied().unwrap_or(0),
            outcome: outcomes.get(i).copied().unwrap_or(Outcome::Deltar),
            ..slot
        });
    }
    // Protected persons (~3 %, at least one of each kind from 100 participants) live alone.
    let mut singles: Vec<usize> = (households * 2..n).collect();
    shuffle(rng, &mut singles);
    let mut protected = (n * 3 + 50) / 100;
    if n >= 100 {
        protected = protected.max(4);
    }
    for (k, &i) in singles.iter().take(protected).enumerate() {
        if let Some(slot) = slots.get_mut(i) {
            slot.protection = protection_kind(rng, k);
        }
    }
    // ~10 % came with a D-nummer and got a fødselsnummer during the programme.
    let mut everyone: Vec<usize> = (0..n).collect();
    shuffle(rng, &mut everyone);
    for &i in everyone.iter().take((n + 5) / 10) {
        if let Some(slot) = slots.get_mut(i) {
            slot.d_number = true;
        }
    }
    // Intake: a youth applies around the time their parent does.
    for i in 0..n {
        let (from, to) = intake_window(slots[i].outcome)?;
        let intake = match (slots[i].age, i.checked_sub(1).and_then(|p| slots.get(p))) {
            (Age::Youth, Some(parent)) => {
                shift(parent.intake, between(rng, -30, 90))?.clamp(from, to)
            }
            _ => day_between(rng, from, to)?,
        };
        slots[i].intake = intake;
    }
    Ok(slots)
}

impl Slot {
    /// The household-level fields of `other`, for a second member of the same household.
    fn like(other: &Slot) -> Slot {
        Slot {
            household: other.household,
            age: other.age,
            office: other.office,
            provider: other.provider,
            country: other.country,
            family: other.family,
            address: other.address.clone(),
            outcome: other.outcome,
            intake: other.intake,
            protection: Protection::None,
            d_number: false,
        }
    }
}

/// Birth-date range (for the id allocator's fallback) and the wanted date for an age group.
fn birth(rng: &mut Rng, age: Age) -> Result<(NaiveDate, (NaiveDate, NaiveDate)), DemoError> {
    let range = match age {
        Age::Adult => (ymd(1965, 1, 1)?, ymd(2006, 12, 31)?),
        Age::Parent => (ymd(1965, 1, 1)?, ymd(1981, 6, 30)?),
        Age::Youth => (ymd(2001, 7, 1)?, ymd(2006, 12, 31)?),
    };
    let wanted = if age == Age::Adult && chance(rng, 80) {
        day_between(rng, ymd(1975, 1, 1)?, ymd(2000, 12, 31)?)?
    } else {
        day_between(rng, range.0, range.1)?
    };
    Ok((wanted, range))
}

/// Adds persons, participants, households and memberships for `n` participants.
pub(crate) fn people(rng: &mut Rng, dataset: &mut Dataset, n: usize) -> Result<(), DemoError> {
    let slots = plan(rng, n)?;
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by_key(|&i| (slots[i].intake, i));
    let mut ids = IdAllocator::default();
    let mut person_of_slot = vec![PersonKey(0); n];
    dataset.persons.reserve(n + n / 10);
    dataset.participants.reserve(n);
    for (k, &i) in order.iter().enumerate() {
        let slot = &slots[i];
        let person = PersonKey(key(k + 1));
        person_of_slot[i] = person;
        let (wanted, range) = birth(rng, slot.age)?;
        let got = ids.allocate(rng, wanted, range, slot.d_number)?;
        let arrival = shift(slot.intake, -between(rng, 90, 3650))?.max(got.birth_date);
        let id_history = match got.dnr {
            Some(dnr) => {
                let latest = DEMO_TODAY.min(shift(slot.intake, 540)?);
                let change = day_between(rng, shift(slot.intake, 14)?, latest)?;
                IdHistory::single(dnr, arrival).with_change(got.tnr, change)?
            }
            None => IdHistory::single(got.tnr, arrival),
        };
        let hidden = matches!(
            slot.protection,
            Protection::StrengtFortrolig | Protection::StrengtFortroligUtland
        );
        dataset.persons.push(Person {
            key: person,
            ids: id_history,
            given_name: pick_str(rng, country(slot.country).given).to_owned(),
            family_name: slot.family.to_owned(),
            birth_date: got.birth_date,
            country_of_birth: country(slot.country).name_nb.to_owned(),
            address: (!hidden).then(|| slot.address.clone()),
            phone: Some(phone(rng)),
            protection: slot.protection,
        });
        dataset.participants.push(Participant {
            id: ParticipantId(key(k + 1)),
            person,
            contract: CONTRACT,
            provider: provider_id(slot.provider),
            nav_office: office_id(slot.office),
            group: None,
            household: slot.household.map(|h| HouseholdId(key(h + 1))),
            statuses: history(rng, slot.outcome, slot.intake)?,
        });
    }
    households(rng, dataset, &slots, &person_of_slot, &mut ids)
}

/// Households of a parent and a youth (slots `2h` and `2h + 1`), ~40 % with a younger child.
fn households(
    rng: &mut Rng,
    dataset: &mut Dataset,
    slots: &[Slot],
    person_of_slot: &[PersonKey],
    ids: &mut IdAllocator,
) -> Result<(), DemoError> {
    let count = household_count(slots.len());
    let mut next_key = dataset.persons.len() + 1;
    for h in 0..count {
        let (Some(parent), Some(youth)) = (slots.get(2 * h), slots.get(2 * h + 1)) else {
            return Err(DemoError::Inconsistent("household without both members"));
        };
        let id = HouseholdId(key(h + 1));
        let since = parent.intake.min(youth.intake);
        dataset.households.push(Household {
            id,
            name: format!("Husstand {}", parent.family),
        });
        for (slot, kind) in [
            (2 * h, MembershipKind::Parent),
            (2 * h + 1, MembershipKind::Youth),
        ] {
            dataset.memberships.push(HouseholdMembership {
                household: id,
                person: person_of_slot.get(slot).copied().unwrap_or(PersonKey(0)),
                kind,
                valid_from: since,
                valid_to: None,
            });
        }
        if !chance(rng, 40) {
            continue;
        }
        let range = (ymd(2012, 1, 1)?, ymd(2020, 12, 31)?);
        let wanted = day_between(rng, range.0, range.1)?;
        let got = ids.allocate(rng, wanted, range, false)?;
        let born_here = chance(rng, 50);
        let registered = if born_here {
            got.birth_date
        } else {
            shift(since, -between(rng, 365, 2000))?.max(got.birth_date)
        };
        let person = PersonKey(key(next_key));
        next_key += 1;
        let land = country(parent.country);
        dataset.persons.push(Person {
            key: person,
            ids: IdHistory::single(got.tnr, registered),
            given_name: pick_str(rng, land.given).to_owned(),
            family_name: parent.family.to_owned(),
            birth_date: got.birth_date,
            country_of_birth: if born_here { NORWAY_NB } else { land.name_nb }.to_owned(),
            address: Some(parent.address.clone()),
            phone: None,
            protection: Protection::None,
        });
        dataset.memberships.push(HouseholdMembership {
            household: id,
            person,
            kind: MembershipKind::Child,
            valid_from: since,
            valid_to: None,
        });
    }
    Ok(())
}
