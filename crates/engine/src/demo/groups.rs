//! Groups of 8–10 participants per provider, and which staff are assigned to whom.

use std::collections::BTreeSet;

use effekt_domain::dataset::Dataset;
use effekt_domain::ids::{GroupId, ParticipantId};
use effekt_domain::organisation::Group;
use effekt_domain::participant::ParticipantStatus;

use super::catalogue::{provider_id, CASE_OFFICERS, CONTRACT, PROVIDERS, PROVIDER_STAFF};
use super::random::{index, Rng};

/// Smallest and largest group.
const MIN_GROUP: usize = 8;
const MAX_GROUP: usize = 10;
/// How many of their provider's participants each provider-staff user follows.
const CASELOAD: usize = 12;

/// Group names per provider (by index), numbered in turn: "Gruppe Morgen 1", "Kveldsgruppe 1", …
const GROUP_NAMES: [&[&str]; 3] = [
    &[
        "Gruppe Morgen",
        "Gruppe Dag",
        "Kveldsgruppe",
        "Formiddagsgruppe",
    ],
    &[
        "Norskgruppe Start",
        "Norskgruppe Videre",
        "Lese- og skrivegruppe",
    ],
    &["Kafégruppe", "Kantinegruppe", "Praksisgruppe"],
];

/// Sizes of the groups for `members` participants: each 8–10, as close to 9 as possible.
/// Participants beyond the last group (only when fewer than 16 remain) wait for a new one.
fn group_sizes(members: usize) -> Vec<usize> {
    let fewest = members.div_ceil(MAX_GROUP);
    let most = members / MIN_GROUP;
    let (count, grouped) = if fewest <= most {
        (members.div_ceil(9).clamp(fewest, most), members)
    } else {
        (most, (most * MAX_GROUP).min(members))
    };
    (0..count)
        .map(|j| grouped / count + usize::from(j < grouped % count))
        .collect()
}

/// Puts every participant who got (or is about to get) a place into a group of their
/// provider, in intake order, so each group is a cohort that started together.
pub(crate) fn groups(dataset: &mut Dataset) {
    let mut next_id = 1i64;
    for (p, names) in GROUP_NAMES.iter().enumerate().take(PROVIDERS.len()) {
        let provider = provider_id(p);
        let members: Vec<usize> = dataset
            .participants
            .iter()
            .enumerate()
            .filter(|(_, x)| {
                x.provider == provider
                    && x.statuses.current().status != ParticipantStatus::IkkeAktuell
            })
            .map(|(i, _)| i)
            .collect();
        let mut rest = members.as_slice();
        for (j, size) in group_sizes(members.len()).into_iter().enumerate() {
            let id = GroupId(next_id);
            next_id += 1;
            let name = names.get(j % names.len()).copied().unwrap_or("Gruppe");
            dataset.groups.push(Group {
                id,
                contract: CONTRACT,
                provider,
                name: format!("{name} {}", j / names.len() + 1),
            });
            let (now, later) = rest.split_at(size.min(rest.len()));
            for &i in now {
                if let Some(participant) = dataset.participants.get_mut(i) {
                    participant.group = Some(id);
                }
            }
            rest = later;
        }
    }
}

/// Staff assigned to participants: for every protected person their provider's staff user
/// and their office's case officer; plus a caseload of about a dozen per provider-staff user.
pub(crate) fn assignments(rng: &mut Rng, dataset: &Dataset) -> Vec<(String, ParticipantId)> {
    let mut pairs: BTreeSet<(&'static str, ParticipantId)> = BTreeSet::new();
    let protected: BTreeSet<_> = dataset
        .persons
        .iter()
        .filter(|p| p.protection.is_protected())
        .map(|p| p.key)
        .collect();
    for x in dataset
        .participants
        .iter()
        .filter(|x| protected.contains(&x.person))
    {
        let provider = usize::try_from(x.provider.0 - 1)
            .ok()
            .and_then(|i| PROVIDER_STAFF.get(i));
        let office = usize::try_from(x.nav_office.0 - 1)
            .ok()
            .and_then(|i| CASE_OFFICERS.get(i));
        pairs.extend(provider.map(|user| (*user, x.id)));
        pairs.extend(office.map(|user| (*user, x.id)));
    }
    for (p, user) in PROVIDER_STAFF.iter().enumerate() {
        let own: Vec<ParticipantId> = dataset
            .participants
            .iter()
            .filter(|x| x.provider == provider_id(p))
            .map(|x| x.id)
            .collect();
        let mut chosen = BTreeSet::new();
        while chosen.len() < CASELOAD.min(own.len()) {
            if let Some(id) = own.get(index(rng, own.len())) {
                chosen.insert(*id);
            }
        }
        pairs.extend(chosen.into_iter().map(|id| (*user, id)));
    }
    pairs
        .into_iter()
        .map(|(user, id)| (user.to_owned(), id))
        .collect()
}
