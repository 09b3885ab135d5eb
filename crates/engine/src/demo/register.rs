//! The demo's register snapshot and the outcomes its contract pays for, so that participant
//! pages and result tables show real outcome judgements on demo data.
//!
//! Every participant's person is in the snapshot. Spells follow the participant's story: those
//! who left with a job (FATT_JOBB) get a job from the day they left, those who left for
//! education (UTDANNING) an education spell; others who have started
//! get one with some probability; most received introduksjonsstønad or sosialhjelp before they
//! started, ending at various times. A spell is filed under the national id the person held on
//! its first day, as the registers do, so a person who moved from D-nummer to fødselsnummer has
//! spells under both and only linking through the id history gives the whole picture.

use chrono::{Datelike, Days, Months, NaiveDate};
use effekt_domain::dataset::Dataset;
use effekt_domain::national_id::NationalId;
use effekt_domain::orgnr::OrgNr;
use effekt_domain::outcomes::timeline::{
    BenefitSpell, BenefitType, Cefr, EducationSpell, EmploymentSpell, LanguageTest, Skill,
    Snapshot, Timeline,
};
use effekt_domain::outcomes::{Definition, EmploymentFilter, OutcomeKind};
use effekt_domain::participant::{EndReason, Participant};
use effekt_domain::person::Person;
use effekt_domain::register::{Register, RegisterPerson};
use rust_decimal::Decimal;

use super::random::{between, chance, pick, Rng};
use super::DemoError;

/// The demo snapshot's cut-off: the end of the last month before the demo's "today".
pub const DEMO_CUTOFF: NaiveDate = match NaiveDate::from_ymd_opt(2026, 10, 31) {
    Some(date) => date,
    None => NaiveDate::MIN,
};

/// The outcomes of the demo contract, in contract order (docs/contracts.md: staged milestones with a
/// minimum job size, months without benefits, education and language, and the plan's first
/// verified milestone).
pub fn outcome_definitions() -> Vec<Definition> {
    let fifty = Decimal::from(50);
    vec![
        Definition {
            name: "Jobbstart (minst 50 %)".into(),
            kind: OutcomeKind::JobStart {
                min_fte: fifty,
                months: 24,
                filter: EmploymentFilter {
                    exclude_employers: Vec::new(),
                    exclude_subsidised: true,
                },
            },
        },
        Definition {
            name: "Varig arbeid i seks måneder".into(),
            kind: OutcomeKind::SustainedEmployment {
                min_fte: fifty,
                weeks: 26,
                months: 24,
                max_gap_days: 14,
                filter: EmploymentFilter {
                    exclude_employers: Vec::new(),
                    exclude_subsidised: true,
                },
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
        Definition {
            name: "Kartlegging fullført".into(),
            kind: OutcomeKind::MilestoneVerified {
                milestone: "kartlegging".into(),
                months: 12,
            },
        },
    ]
}

fn shift(date: NaiveDate, days: i64) -> NaiveDate {
    let moved = if days >= 0 {
        date.checked_add_days(Days::new(days.unsigned_abs()))
    } else {
        date.checked_sub_days(Days::new(days.unsigned_abs()))
    };
    moved.unwrap_or(date)
}

fn months_after(date: NaiveDate, months: u32) -> NaiveDate {
    date.checked_add_months(Months::new(months)).unwrap_or(date)
}

/// The day a participant left the programme for `reason`, if they did.
fn left_for(p: &Participant, reason: EndReason) -> Option<NaiveDate> {
    p.statuses
        .periods()
        .iter()
        .find(|s| s.ended.as_ref().is_some_and(|e| e.reason == reason))
        .map(|s| s.valid_from)
}

/// One participant's spells, each tagged with its first day (to file it under the right id).
fn timeline(rng: &mut Rng, p: &Participant, employers: &[OrgNr], serial: &mut u64) -> Timeline {
    let mut t = Timeline::default();
    let Some(index) = p.statuses.index_date() else {
        return t;
    };
    let mut id = |prefix: &str| {
        *serial += 1;
        format!("{prefix}{serial:07}").into()
    };
    // Benefits before the start, ending somewhere from before the start to well after it.
    if chance(rng, 80) {
        let kind = if chance(rng, 65) {
            BenefitType::Introduksjonsstonad
        } else {
            BenefitType::Sosialhjelp
        };
        let start = shift(index, -between(rng, 120, 700));
        let end = shift(index, between(rng, -30, 420));
        t.benefits.push(BenefitSpell {
            id: id("Y"),
            kind,
            start,
            end: (end < DEMO_CUTOFF).then_some(end),
        });
    }
    let job_from = match left_for(p, EndReason::FattJobb) {
        Some(day) => Some(day),
        None if chance(rng, 30) => Some(shift(index, between(rng, 60, 540))),
        None => None,
    };
    // Some worked before they started (every fifth person, drawn from nothing random, so the
    // rest of the demo stays as it was): a comparison pool needs overlap in work history.
    let key = p.person.0;
    if key.rem_euclid(5) == 0 {
        let employer = employers
            .get(usize::try_from(key).unwrap_or(0) % employers.len().max(1))
            .copied();
        if let Some(employer) = employer {
            // Its own id, so that the other spells keep theirs.
            t.employment.push(EmploymentSpell {
                id: format!("F{key:07}").into(),
                employer,
                start: shift(index, -(200 + key.rem_euclid(400))),
                end: Some(shift(index, -(30 + key.rem_euclid(120)))),
                fte: Decimal::from(60),
                subsidised: false,
            });
        }
    }
    let employer = pick(rng, employers).copied();
    if let (Some(start), Some(employer)) = (job_from.filter(|d| *d <= DEMO_CUTOFF), employer) {
        let fte = *pick(rng, &[40i64, 50, 60, 80, 100, 100]).unwrap_or(&100);
        let lasts = between(rng, 60, 900);
        let end = shift(start, lasts);
        t.employment.push(EmploymentSpell {
            id: id("E"),
            employer,
            start,
            end: (end < DEMO_CUTOFF).then_some(end),
            fte: Decimal::from(fte),
            subsidised: chance(rng, 15),
        });
    }
    let education_from = match left_for(p, EndReason::Utdanning) {
        Some(day) => Some(day),
        None if chance(rng, 12) => Some(shift(index, between(rng, 90, 600))),
        None => None,
    };
    if let Some(start) = education_from {
        if start <= DEMO_CUTOFF {
            t.education.push(EducationSpell {
                id: id("U"),
                start,
                end: None,
            });
        }
    }
    // Norwegian tests: one before the start, and for many a later, higher one.
    let before = *pick(rng, &[Cefr::PreA1, Cefr::A1, Cefr::A2]).unwrap_or(&Cefr::A1);
    t.language_tests.push(LanguageTest {
        id: id("T"),
        date: shift(index, -between(rng, 30, 300)),
        skill: Skill::Speaking,
        level: before,
    });
    if chance(rng, 55) {
        let date = months_after(index, u32::try_from(between(rng, 4, 20)).unwrap_or(6));
        if date <= DEMO_CUTOFF {
            let step = usize::try_from(between(rng, 1, 3)).unwrap_or(1);
            let level = Cefr::ALL
                .iter()
                .copied()
                .find(|l| l.step() == before.step() + i64::try_from(step).unwrap_or(1))
                .unwrap_or(Cefr::B1);
            t.language_tests.push(LanguageTest {
                id: id("T"),
                date,
                skill: Skill::Speaking,
                level,
            });
        }
    }
    t
}

/// The id the person held on `day` (the first one for days before any record).
fn id_on(person: &Person, day: NaiveDate) -> NationalId {
    person
        .ids
        .records()
        .iter()
        .rev()
        .find(|r| r.valid_from <= day)
        .map_or_else(|| person.ids.current().clone(), |r| r.national_id.clone())
}

/// Splits a timeline by the id each spell is filed under.
fn file_under(person: &Person, t: Timeline) -> Vec<(NationalId, Timeline)> {
    let ids: Vec<NationalId> = person
        .ids
        .records()
        .iter()
        .map(|r| r.national_id.clone())
        .collect();
    let mut parts: Vec<Timeline> = vec![Timeline::default(); ids.len()];
    // Each spell goes to the timeline of the id held on its first day (the first id if none).
    macro_rules! file {
        ($field:ident, $day:ident) => {
            for spell in t.$field {
                let id = id_on(person, spell.$day);
                let i = ids.iter().position(|x| *x == id).unwrap_or(0);
                if let Some(part) = parts.get_mut(i) {
                    part.$field.push(spell);
                }
            }
        };
    }
    file!(employment, start);
    file!(benefits, start);
    file!(education, start);
    file!(language_tests, date);
    ids.into_iter().zip(parts).collect()
}

/// The demo snapshot for `dataset`, deterministic for the random stream given.
pub(crate) fn register(rng: &mut Rng, dataset: &Dataset) -> Result<Register, DemoError> {
    let employers: Vec<OrgNr> = (910_000_000u32..)
        .filter_map(|n| OrgNr::parse(&n.to_string()).ok())
        .take(40)
        .collect();
    if employers.is_empty() {
        return Err(DemoError::Inconsistent("no employer numbers"));
    }
    let persons: std::collections::HashMap<i64, &Person> =
        dataset.persons.iter().map(|p| (p.key.0, p)).collect();
    let mut serial = 0u64;
    let mut out = Vec::new();
    for p in &dataset.participants {
        let person = persons
            .get(&p.person.0)
            .ok_or(DemoError::Inconsistent("participant without person"))?;
        let t = timeline(rng, p, &employers, &mut serial);
        let index = p
            .statuses
            .index_date()
            .or_else(|| p.statuses.periods().first().map(|s| s.valid_from))
            .ok_or(DemoError::Inconsistent("participant without status"))?;
        for (id, timeline) in file_under(person, t) {
            out.push(RegisterPerson {
                id,
                index_date: index,
                birth_year: person.birth_date.year(),
                sex: if chance(rng, 50) { "K" } else { "M" }.into(),
                country_group: person.country_of_birth.as_str().into(),
                arrival_year: i32::try_from(between(rng, 2014, 2025)).ok(),
                municipality: "0301".into(),
                education_level: super::pool::participant_education(person.key.0).into(),
                timeline,
            });
        }
    }
    out.sort_by(|a, b| a.id.cmp(&b.id));
    out.dedup_by(|a, b| a.id == b.id);
    Ok(Register {
        snapshot: Snapshot {
            id: format!("demo-{}", DEMO_CUTOFF.format("%Y-%m")),
            cutoff: DEMO_CUTOFF,
        },
        persons: out,
        unmatched_rows: 0,
    })
}
