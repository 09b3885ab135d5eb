//! The demo's intake: for the first participants of each provider, what the office's case
//! officer shared at the start (with legal basis and purpose), earlier measures and practice
//! periods (one with three practice periods, so the warning shows), languages with interpreter
//! need, and a screening recorded by the provider's staff (every started participant has an
//! individual plan: `plans::individual_all`). Written through the store as the participant
//! page writes them, and only for persons without protection.

use std::collections::HashMap;

use chrono::NaiveDate;
use effekt_domain::ids::{PersonKey, ProviderId, UserId};
use effekt_domain::intake::{self as rules, Finding, Screening, ScreeningField};
use effekt_domain::participant::Participant;
use effekt_domain::person::Protection;
use effekt_domain::role::Role;
use effekt_engine::demo;

use super::SeedError;
use crate::{App, AppError};

/// How many participants per provider get an intake.
const PER_PROVIDER: usize = 6;

/// The mother tongue the demo gives a person born in `country` (the demo's countries).
fn mother_tongue(country: &str) -> &'static str {
    match country {
        "Somalia" => "Somali",
        "Eritrea" => "Tigrinja",
        "Syria" | "Irak" | "Sudan" => "Arabisk",
        "Afghanistan" => "Dari",
        "Ukraina" => "Ukrainsk",
        "Polen" => "Polsk",
        "Etiopia" => "Amharisk",
        "Den demokratiske republikken Kongo" => "Lingala",
        "Pakistan" => "Urdu",
        "Myanmar" => "Burmesisk",
        "Norge" => "Norsk",
        _ => "Engelsk",
    }
}

fn seeded(e: Result<impl Sized, rules::IntakeError>) -> Result<(), SeedError> {
    e.map(|_| ())
        .map_err(|e| SeedError::App(AppError::internal("demo intake", e)))
}

/// The participants of `provider` who get an intake: the first started ones without
/// protection.
pub(super) fn chosen<'a, T>(
    demo: &'a demo::Demo,
    persons: &'a HashMap<PersonKey, (T, Protection)>,
    provider: ProviderId,
) -> impl Iterator<Item = &'a Participant> + 'a {
    demo.dataset
        .participants
        .iter()
        .filter(move |p| p.provider == provider && p.statuses.index_date().is_some())
        .filter(|p| {
            persons
                .get(&p.person)
                .is_some_and(|(_, pr)| *pr == Protection::None)
        })
        .take(PER_PROVIDER)
}

pub(super) async fn seed(
    app: &App,
    demo: &demo::Demo,
    ids: &HashMap<String, UserId>,
) -> Result<(), SeedError> {
    let user = |role: Role, scope: demo::DemoScope| {
        demo.users
            .iter()
            .find(|u| u.role == role && u.scope == scope)
            .and_then(|u| ids.get(&u.username).copied())
    };
    let persons: HashMap<PersonKey, (&str, Protection)> = demo
        .dataset
        .persons
        .iter()
        .map(|p| (p.key, (p.country_of_birth.as_str(), p.protection)))
        .collect();
    let today = app.today();
    let at = app.now();
    for provider in &demo.dataset.providers {
        let Some(staff) = user(Role::ProviderStaff, demo::DemoScope::Provider(provider.id)) else {
            continue;
        };
        let chosen = chosen(demo, &persons, provider.id);
        for (n, p) in chosen.enumerate() {
            let country = persons.get(&p.person).map_or("", |(c, _)| *c);
            let language = mother_tongue(country);
            if let Some(officer) = user(
                Role::NavCaseOfficer,
                demo::DemoScope::NavOffice(p.nav_office),
            ) {
                let needs = [
                    (
                        "innsatsbehov",
                        "nav-loven-14a",
                        "tilpasse-plan",
                        "Situasjonsbestemt innsats. Ønsker arbeid i butikk eller lager.",
                    ),
                    (
                        "sprak-tolk",
                        "arbeidsmarkedsloven-12",
                        "bestille-tolk",
                        "Trenger tolk i første samtale og ved kartlegging.",
                    ),
                    (
                        "helse",
                        "nav-loven-4a",
                        "tilpasse-plan",
                        "Ryggplager: tåler ikke tunge løft. Bør ha korte økter de første ukene.",
                    ),
                ];
                for (item, basis, purpose, content) in needs.iter().take(1 + n % 3) {
                    let need = rules::need(item, basis, purpose, content);
                    if let Ok(need) = &need {
                        app.store.share_need(p.id, need, officer, at).await?;
                    }
                    seeded(need)?;
                }
            }
            let lang = rules::language(language, true, n % 2 == 0);
            if let Ok(l) = &lang {
                app.store.record_language(p.id, l, staff, at).await?;
            }
            seeded(lang)?;
            // Every third has three practice periods behind them: the warning shows.
            let periods: &[(&str, &str, i32, u32)] = if n % 3 == 0 {
                &[
                    ("PRAKSIS", "Arbeidspraksis i dagligvarebutikk", 2021, 3),
                    ("PRAKSIS", "Arbeidspraksis på lager", 2022, 2),
                    ("PRAKSIS", "Arbeidspraksis i kantine", 2023, 9),
                    ("TILTAK", "Norskopplæring med arbeidstrening", 2024, 1),
                ]
            } else {
                &[("TILTAK", "Introduksjonsprogrammet", 2022, 8)]
            };
            for (kind, description, year, month) in periods {
                let from = NaiveDate::from_ymd_opt(*year, *month, 1).unwrap_or(NaiveDate::MIN);
                let to = from.checked_add_months(chrono::Months::new(4));
                let measure = rules::earlier_measure(kind, description, from, to, today);
                if let Ok(m) = &measure {
                    app.store.record_measure(p.id, m, staff, at).await?;
                }
                seeded(measure)?;
            }
            let findings = [
                (
                    ScreeningField::MotherTongueLiteracy,
                    if n % 2 == 0 {
                        Finding::SomeDifficulty
                    } else {
                        Finding::NoSigns
                    },
                    None,
                ),
                (
                    ScreeningField::ReadingWritingDifficulties,
                    Finding::NoSigns,
                    None,
                ),
                (
                    ScreeningField::Hearing,
                    if n == 1 {
                        Finding::NeedsFollowUp
                    } else {
                        Finding::NoSigns
                    },
                    (n == 1)
                        .then(|| "Hører dårlig i store grupper. Henvist til fastlege.".to_owned()),
                ),
                (ScreeningField::Vision, Finding::NoSigns, None),
                (
                    ScreeningField::DigitalSkills,
                    if n % 3 == 2 {
                        Finding::NeedsFollowUp
                    } else {
                        Finding::SomeDifficulty
                    },
                    Some("Har ikke BankID ennå.".to_owned()),
                ),
                (ScreeningField::HealthNeeds, Finding::NotScreened, None),
            ];
            let screening: Vec<Screening> = findings
                .into_iter()
                .map(|(field, finding, note)| Screening {
                    field,
                    finding,
                    note,
                })
                .collect();
            app.store
                .record_screening(p.id, &screening, staff, at)
                .await?;
        }
    }
    Ok(())
}
