//! The demo's teams (issue 14, items 3 and 6): every provider has a coordinator, a
//! special-education teacher and a health worker besides its veileder or job specialist (the
//! engine's provider-staff account) and its teachers (`term.rs`). The provider-staff account is
//! the main veileder of its caseload and of the participants with an intake, and on the team
//! of every protected participant of its provider (so somebody sees them); the
//! special-education teacher and the health worker are on the teams of those with an intake,
//! so each reads the screening fields her discipline needs.

use std::collections::{BTreeMap, HashMap};

use effekt_domain::ids::{ParticipantId, PersonKey, UserId};
use effekt_domain::person::Protection;
use effekt_domain::role::Role;
use effekt_domain::team::{Discipline, Position};
use effekt_engine::demo::{self, DemoScope};
use effekt_store::model::{NewUser, UserScope};
use effekt_store::team::NewMembership;

use super::SeedError;
use crate::App;

/// The providers' short names, as the demo's usernames use them.
const SHORT: [&str; 3] = ["stor", "liten", "kafe"];

/// (username prefix, discipline, display names per provider) of the team members added here.
const MEMBERS: [(&str, Discipline, [&str; 3]); 3] = [
    (
        "koordinator",
        Discipline::Coordinator,
        ["Kari Nilsen", "Ole Hagen", "Fatima Ali"],
    ),
    (
        "spesialpedagog",
        Discipline::SpecialEducation,
        ["Ragnhild Berg", "Tor Vik", "Amal Hassan"],
    ),
    (
        "helse",
        Discipline::Health,
        ["Ingvild Dahl", "Said Omar", "Lise Moen"],
    ),
];

/// The discipline of one of the engine's demo accounts: its provider staff guide (the large
/// provider's is a job specialist); no other role has one.
pub(super) fn discipline(username: &str, role: Role) -> Option<Discipline> {
    match role {
        Role::ProviderStaff if username.starts_with("jobbspesialist") => {
            Some(Discipline::JobSpecialist)
        }
        Role::ProviderStaff => Some(Discipline::Veileder),
        _ => None,
    }
}

pub(super) async fn seed(
    app: &App,
    demo: &demo::Demo,
    ids: &HashMap<String, UserId>,
) -> Result<(), SeedError> {
    let hash = crate::accounts::hash_password(super::DEMO_PASSWORD).await?;
    let persons: HashMap<PersonKey, ((), Protection)> = demo
        .dataset
        .persons
        .iter()
        .map(|p| (p.key, ((), p.protection)))
        .collect();
    let protected_participants: std::collections::HashSet<ParticipantId> = demo
        .dataset
        .participants
        .iter()
        .filter(|x| {
            persons
                .get(&x.person)
                .is_some_and(|(_, p)| p.is_protected())
        })
        .map(|x| x.id)
        .collect();
    let start = app.today();
    let mut rows: BTreeMap<(ParticipantId, UserId), Position> = BTreeMap::new();
    for (p, provider) in demo.dataset.providers.iter().enumerate() {
        let Some(short) = SHORT.get(p) else { continue };
        let guide = demo
            .users
            .iter()
            .find(|u| u.role == Role::ProviderStaff && u.scope == DemoScope::Provider(provider.id))
            .and_then(|u| ids.get(&u.username).copied());
        let mut members = Vec::new();
        for (prefix, discipline, names) in MEMBERS {
            let id = app
                .store
                .create_user(&NewUser {
                    username: format!("{prefix}.{short}"),
                    display_name: names.get(p).copied().unwrap_or(prefix).to_owned(),
                    password_hash: hash.clone(),
                    role: Role::ProviderStaff,
                    scope: UserScope::Provider(provider.id),
                    discipline: Some(discipline),
                })
                .await?;
            if discipline != Discipline::Coordinator {
                members.push(id);
            }
        }
        let Some(guide) = guide else { continue };
        // Her caseload she guides; the protected persons she is assigned to (every one of her
        // provider's, so they are not masked for everybody) she is on the team of.
        let caseload = demo.assignments.iter().filter_map(|(user, participant)| {
            (ids.get(user) == Some(&guide)).then_some(*participant)
        });
        for participant in caseload {
            let protected = protected_participants.contains(&participant);
            let position = if protected {
                Position::Member
            } else {
                Position::MainVeileder
            };
            rows.insert((participant, guide), position);
        }
        for x in super::intake::chosen(demo, &persons, provider.id) {
            rows.insert((x.id, guide), Position::MainVeileder);
            for m in &members {
                rows.insert((x.id, *m), Position::Member);
            }
        }
    }
    let rows: Vec<NewMembership> = rows
        .into_iter()
        .map(|((participant, user), position)| NewMembership {
            participant,
            user,
            position,
            from: start,
        })
        .collect();
    app.store.insert_teams(&rows).await?;
    Ok(())
}
