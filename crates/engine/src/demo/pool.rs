//! The demo register's comparison pool (issue 15): persons who are nobody's participant, with
//! index dates over the same years, so that the demo's evaluation has someone to match the
//! participants against. Like the participants, most received benefits before their index date
//! and few worked; unlike them, some had jobs before and more are well educated, so a naive
//! comparison differs from a matched one. Drawn from their own random stream: the rest of the
//! demo does not change with the pool.

use std::collections::HashSet;

use chrono::{Datelike, NaiveDate};
use effekt_domain::dataset::Dataset;
use effekt_domain::national_id::NationalId;
use effekt_domain::orgnr::OrgNr;
use effekt_domain::outcomes::timeline::{BenefitSpell, BenefitType, EmploymentSpell, Timeline};
use effekt_domain::register::{Register, RegisterPerson};
use rust_decimal::Decimal;

use super::random::{between, chance, pick, shift, weighted, ymd, Rng};
use super::DemoError;

/// Pool persons per participant, and at most.
const PER_PARTICIPANT: usize = 4;
const MAX_POOL: usize = 20_000;

/// The education level of a participant in the demo register: from the person's key, so it
/// draws nothing from any random stream (most have short schooling).
pub(crate) fn participant_education(key: i64) -> &'static str {
    match key.rem_euclid(10) {
        0..=5 => "grunnskole",
        6..=8 => "videregaende",
        _ => "hoyere",
    }
}

/// A synthetic fødselsnummer (month + 80) not used by anyone in `used`.
fn fresh_id(rng: &mut Rng, used: &mut HashSet<NationalId>) -> Option<(NationalId, i32)> {
    for _ in 0..1000 {
        let year = i32::try_from(between(rng, 1965, 2004)).ok()?;
        let birth = NaiveDate::from_ymd_opt(
            year,
            u32::try_from(between(rng, 1, 12)).ok()?,
            u32::try_from(between(rng, 1, 28)).ok()?,
        )?;
        let digits = |n: u32| [(n / 10) as u8, (n % 10) as u8];
        let [d1, d2] = digits(birth.day());
        let [m1, m2] = digits(birth.month() + 80);
        let [y1, y2] = digits(u32::try_from(year.rem_euclid(100)).ok()?);
        let individual = u16::try_from(between(rng, 0, 999)).ok()?;
        if let Some(id) = NationalId::complete([d1, d2, m1, m2, y1, y2], individual) {
            if used.insert(id.clone()) {
                return Some((id, year));
            }
        }
    }
    None
}

/// Adds the pool to the register (kept sorted by id).
pub(crate) fn add(
    rng: &mut Rng,
    dataset: &Dataset,
    register: &mut Register,
) -> Result<(), DemoError> {
    let mut used: HashSet<NationalId> = register.persons.iter().map(|p| p.id.clone()).collect();
    for person in &dataset.persons {
        used.extend(person.ids.records().iter().map(|r| r.national_id.clone()));
    }
    let employers: Vec<OrgNr> = (920_000_000u32..)
        .filter_map(|n| OrgNr::parse(&n.to_string()).ok())
        .take(40)
        .collect();
    let groups: Vec<String> = register
        .persons
        .iter()
        .map(|p| p.country_group.to_string())
        .collect();
    let count = (dataset.participants.len() * PER_PARTICIPANT).min(MAX_POOL);
    let (first, last) = (ymd(2023, 1, 1)?, ymd(2026, 6, 30)?);
    let days = (last - first).num_days();
    let cutoff = register.snapshot.cutoff;
    for n in 0..count {
        let (id, birth_year) = fresh_id(rng, &mut used).ok_or(DemoError::IdSpaceExhausted)?;
        let index = shift(first, between(rng, 0, days))?;
        let education = ["grunnskole", "videregaende", "hoyere"][weighted(rng, &[35, 40, 25])];
        let worked_before = chance(rng, 35);
        let mut t = Timeline::default();
        let mut serial = 0;
        let mut spell = |kind: &str| {
            serial += 1;
            format!("POOL{n:06}{kind}{serial}").into()
        };
        if chance(rng, 70) {
            let start = shift(index, -between(rng, 120, 700))?;
            let end = shift(index, between(rng, -60, 420))?;
            t.benefits.push(BenefitSpell {
                id: spell("Y"),
                kind: if chance(rng, 50) {
                    BenefitType::Sosialhjelp
                } else {
                    BenefitType::Dagpenger
                },
                start,
                end: (end < cutoff).then_some(end),
            });
        }
        if worked_before {
            let start = shift(index, -between(rng, 200, 900))?;
            let end = shift(index, -between(rng, 1, 180))?;
            t.employment.push(EmploymentSpell {
                id: spell("E"),
                employer: *pick(rng, &employers).ok_or(DemoError::Inconsistent("no employers"))?,
                start,
                end: Some(end),
                fte: Decimal::from(*pick(rng, &[50i64, 80, 100]).unwrap_or(&100)),
                subsidised: false,
            });
        }
        // A job after the index date: likelier for those who worked before and the educated.
        let odds =
            12 + if worked_before { 30 } else { 0 } + if education == "hoyere" { 10 } else { 0 };
        if chance(rng, odds) {
            let start = shift(index, between(rng, 30, 540))?;
            let end = shift(start, between(rng, 60, 900))?;
            if start <= cutoff {
                t.employment.push(EmploymentSpell {
                    id: spell("E"),
                    employer: *pick(rng, &employers)
                        .ok_or(DemoError::Inconsistent("no employers"))?,
                    start,
                    end: (end < cutoff).then_some(end),
                    fte: Decimal::from(*pick(rng, &[40i64, 50, 60, 80, 100, 100]).unwrap_or(&100)),
                    subsidised: chance(rng, 10),
                });
            }
        }
        register.persons.push(RegisterPerson {
            id,
            index_date: index,
            birth_year,
            sex: if chance(rng, 50) { "K" } else { "M" }.into(),
            country_group: pick(rng, &groups)
                .cloned()
                .unwrap_or_else(|| "annet".to_owned())
                .into(),
            arrival_year: i32::try_from(between(rng, 2010, 2025)).ok(),
            municipality: "0301".into(),
            education_level: education.into(),
            timeline: t,
        });
    }
    register.persons.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(())
}
