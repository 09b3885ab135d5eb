use effekt_domain::ids::ProviderId;
use effekt_domain::participant::ParticipantStatus;
use proptest::prelude::*;

use super::*;

fn row(
    id: i64,
    provider: i64,
    status: ParticipantStatus,
    group: Option<i64>,
    start: Option<&str>,
) -> QuasiIdentifiers {
    QuasiIdentifiers {
        participant: ParticipantId(id),
        person: effekt_domain::ids::PersonKey(id),
        provider: ProviderId(provider),
        provider_name: format!("Leverandør {provider}"),
        status,
        group: group.map(|g| (GroupId(g), format!("Gruppe {g}"))),
        index_date: start.map(|s| s.parse().unwrap()),
    }
}

/// Every combination that shows anything is shared by at least 5 participants.
fn assert_k_anonymous(shown: &HashMap<ParticipantId, Shown>) {
    for (combination, n) in combinations(shown) {
        assert!(
            combination == Shown::default() || n >= 5,
            "{combination:?} is shown for {n} participant(s)"
        );
    }
}

#[test]
fn a_small_class_generalises_its_whole_year_and_a_small_provider_shows_little() {
    use ParticipantStatus::*;
    let mut rows = Vec::new();
    // Provider 1: 6 in group 1 started in March 2025, and 2 in August 2025.
    for i in 0..6 {
        rows.push(row(i, 1, Deltar, Some(1), Some("2025-03-10")));
    }
    for i in 6..8 {
        rows.push(row(i, 1, Deltar, Some(1), Some("2025-08-01")));
    }
    // Provider 1, another status group: 5 in spring 2026, which stay precise.
    for i in 8..13 {
        rows.push(row(i, 1, HarSluttet, Some(2), Some("2026-02-01")));
    }
    // Provider 2: 3 participants in all.
    for i in 13..16 {
        rows.push(row(i, 2, Deltar, None, Some("2025-03-10")));
    }
    let shown = generalise(&rows);
    assert_k_anonymous(&shown);
    // The small August class takes the whole of 2025 "Deltar" with it: 8 share "2025".
    let first = &shown[&ParticipantId(0)];
    assert_eq!(first.start.as_deref(), Some("2025"));
    assert_eq!(first.group, None);
    assert_eq!(shown.values().filter(|s| *s == first).count(), 8);
    // Group 2 holds 5: it shows, with the half-year.
    let precise = &shown[&ParticipantId(8)];
    assert_eq!(
        (precise.group.as_deref(), precise.start.as_deref()),
        (Some("Gruppe 2"), Some("1. halvår 2026"))
    );
    // Provider 2 has 3: nothing shows.
    assert_eq!(shown[&ParticipantId(13)], Shown::default());
}

#[test]
fn at_demo_size_the_status_group_survives_where_the_start_cannot() {
    let rows = demo_rows(effekt_engine::demo::DEFAULT_PARTICIPANTS);
    let shown = generalise(&rows);
    assert_k_anonymous(&shown);
    let with_status = shown.values().filter(|s| s.status.is_some()).count();
    assert!(
        with_status * 2 >= rows.len(),
        "{with_status} of {} keep a status group",
        rows.len()
    );
}

fn any_row() -> impl Strategy<Value = (i64, usize, Option<i64>, Option<u32>)> {
    (
        1..4i64,
        0..ParticipantStatus::ALL.len(),
        prop::option::of(1..12i64),
        prop::option::of(0..900u32),
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]
    #[test]
    fn every_combination_shown_is_shared_by_five(rows in prop::collection::vec(any_row(), 0..400)) {
        let rows: Vec<QuasiIdentifiers> = rows
            .into_iter()
            .enumerate()
            .map(|(i, (provider, status, group, day))| QuasiIdentifiers {
                participant: ParticipantId(i as i64),
                person: effekt_domain::ids::PersonKey(i as i64),
                provider: ProviderId(provider),
                provider_name: format!("Leverandør {provider}"),
                status: ParticipantStatus::ALL[status],
                group: group.map(|g| (GroupId(g), format!("Gruppe {g}"))),
                index_date: day.map(|d| NaiveDate::from_ymd_opt(2025, 1, 1).unwrap() + chrono::Days::new(u64::from(d))),
            })
            .collect();
        let shown = generalise(&rows);
        prop_assert_eq!(shown.len(), rows.len());
        for (combination, n) in combinations(&shown) {
            prop_assert!(combination == Shown::default() || n >= 5, "{:?} for {}", combination, n);
        }
    }
}

/// The demo world, as generated, at its default size and at 100,000 participants.
fn demo_rows(participants: usize) -> Vec<QuasiIdentifiers> {
    let demo =
        effekt_engine::demo::generate(effekt_engine::demo::DEFAULT_SEED, participants).unwrap();
    let d = &demo.dataset;
    d.participants
        .iter()
        .map(|p| QuasiIdentifiers {
            participant: p.id,
            person: p.person,
            provider: p.provider,
            provider_name: d
                .providers
                .iter()
                .find(|x| x.id == p.provider)
                .unwrap()
                .name
                .clone(),
            status: p.statuses.current().status,
            group: p
                .group
                .map(|g| (g, d.groups.iter().find(|x| x.id == g).unwrap().name.clone())),
            index_date: p.statuses.index_date(),
        })
        .collect()
}

#[test]
fn the_demo_world_is_five_anonymous_at_its_size_and_at_100000() {
    for n in [effekt_engine::demo::DEFAULT_PARTICIPANTS, 100_000] {
        let rows = demo_rows(n);
        let shown = generalise(&rows);
        assert_eq!(shown.len(), rows.len());
        assert_k_anonymous(&shown);
        // At national scale the view stays useful: most rows keep their half-year.
        let precise = shown
            .values()
            .filter(|s| s.start.as_deref().is_some_and(|s| s.contains("halvår")))
            .count();
        if n == 100_000 {
            assert!(
                precise * 10 >= rows.len() * 9,
                "{precise} of {} keep the half-year",
                rows.len()
            );
        }
    }
}
