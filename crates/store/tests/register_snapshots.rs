//! Register snapshots in the store, on SQLite and PostgreSQL: whole or nothing, re-import as a
//! no-op, versions, and participants linked to register persons through their id history.

#![allow(clippy::disallowed_methods)]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::atomic::{AtomicU64, Ordering};

use chrono::{NaiveDate, Utc};
use effekt_domain::ids::ParticipantId;
use effekt_domain::outcomes::{evaluate, Status};
use effekt_store::both_stores;
use effekt_store::fixture::{self, *};
use effekt_store::model::*;
use effekt_store::testing::TestStore;
use effekt_store::StoreError;

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

async fn seeded(t: &TestStore) -> effekt_domain::register::Register {
    let data = fixture::dataset().unwrap();
    t.store.insert_dataset(&data).await.unwrap();
    fixture::register(&data).unwrap()
}

async fn import(
    t: &TestStore,
    register: &effekt_domain::register::Register,
    hash: &str,
) -> Result<ImportOutcome, StoreError> {
    t.store
        .import_register(register, hash, Utc::now(), &|_| {})
        .await
}

fn timeline_of(all: &[ParticipantTimeline], id: ParticipantId) -> &ParticipantTimeline {
    all.iter().find(|p| p.participant == id).unwrap()
}

both_stores! {
    async fn a_snapshot_is_stored_whole_and_read_back_through_the_id_history(t: TestStore) {
        let register = seeded(&t).await;
        let seen = AtomicU64::new(0);
        let outcome = t.store
            .import_register(&register, "hash-1", Utc::now(), &|n| { seen.store(n, Ordering::Relaxed); })
            .await
            .unwrap();
        let ImportOutcome::Imported(record) = outcome else { panic!("not imported: {outcome:?}") };
        assert_eq!(record.key, "fixture-2026-06");
        assert_eq!(record.cutoff, date(2026, 6, 30));
        assert_eq!(record.person_count, 6);
        // 6 persons (Dawit twice), 5 jobs, 1 benefit spell, 1 education spell, 1 language test.
        assert_eq!(record.row_count, 14);
        assert_eq!(seen.load(Ordering::Relaxed), 14, "progress reaches every row");

        let all = t.store.participant_timelines(ParticipantScope::Contract(CONTRACT), None, record.id).await.unwrap();
        assert_eq!(all.len(), 6);
        // Dawit's job is split across his D-nummer and his fødselsnummer: both halves are his.
        let dawit = timeline_of(&all, DAWIT);
        let mut spells: Vec<&str> = dawit.timeline.employment.iter().map(|e| e.id.as_str()).collect();
        spells.sort_unstable();
        assert_eq!(spells, ["D1", "D2"]);
        assert!(dawit.in_register);
        assert_eq!(dawit.index_date, Some(date(2025, 3, 1)));
        // The spells come back exactly as imported.
        let amina = timeline_of(&all, AMINA);
        let original = register.persons.iter().find(|p| p.timeline.employment.iter().any(|e| e.id == "A1")).unwrap();
        assert_eq!(amina.timeline.employment, original.timeline.employment);
        assert_eq!(amina.timeline.benefits, original.timeline.benefits);
        assert_eq!(amina.timeline.language_tests, original.timeline.language_tests);
        assert_eq!(timeline_of(&all, YUSUF).timeline.education.len(), 1);
        // Leila is not in the register at all.
        let leila = timeline_of(&all, LEILA);
        assert!(!leila.in_register);
        assert_eq!(leila.timeline, Default::default());

        // Judged from the stored timeline, the outcome sees one unbroken job from 2025-03-10.
        let defs = fixture::outcome_definitions();
        let snapshot = register.snapshot.clone();
        let sustained = evaluate(&defs[0].kind, &dawit.timeline, dawit.index_date.unwrap(), &snapshot);
        assert_eq!(sustained.status, Status::Achieved);
        assert_eq!(sustained.achievements[0].date, date(2025, 9, 7));
    }
}

both_stores! {
    async fn timelines_respect_the_scope(t: TestStore) {
        let register = seeded(&t).await;
        let ImportOutcome::Imported(record) = import(&t, &register, "h").await.unwrap() else { panic!() };
        let provider_a = t.store.participant_timelines(ParticipantScope::Provider(PROVIDER_A), None, record.id).await.unwrap();
        assert!(provider_a.iter().all(|p| p.provider == PROVIDER_A));
        assert!(!provider_a.iter().any(|p| p.participant == DAWIT));
        let only = t.store.participant_timelines(ParticipantScope::Provider(PROVIDER_A), Some(DAWIT), record.id).await.unwrap();
        assert!(only.is_empty(), "a participant outside the scope is not read");
        let one = t.store.participant_timelines(ParticipantScope::Provider(PROVIDER_B), Some(DAWIT), record.id).await.unwrap();
        assert_eq!(one.len(), 1);
    }
}

both_stores! {
    async fn reimporting_is_a_no_op_and_changed_files_need_a_new_snapshot_id(t: TestStore) {
        let mut register = seeded(&t).await;
        let ImportOutcome::Imported(first) = import(&t, &register, "h1").await.unwrap() else { panic!() };
        let again = import(&t, &register, "h1").await.unwrap();
        assert_eq!(again, ImportOutcome::Unchanged(first.clone()));
        match import(&t, &register, "h2").await {
            Err(StoreError::Conflict(message)) => assert!(message.contains("fixture-2026-06"), "{message}"),
            other => panic!("expected a conflict, got {other:?}"),
        }
        assert_eq!(t.store.register_snapshots().await.unwrap(), vec![first.clone()]);

        // A later snapshot is a new version and comes first.
        register.snapshot.id = "fixture-2026-09".into();
        register.snapshot.cutoff = date(2026, 9, 30);
        let ImportOutcome::Imported(second) = import(&t, &register, "h3").await.unwrap() else { panic!() };
        let versions = t.store.register_snapshots().await.unwrap();
        assert_eq!(versions.iter().map(|s| s.key.as_str()).collect::<Vec<_>>(), ["fixture-2026-09", "fixture-2026-06"]);
        // Each version keeps its own rows.
        let old = t.store.participant_timelines(ParticipantScope::Contract(CONTRACT), Some(AMINA), first.id).await.unwrap();
        let new = t.store.participant_timelines(ParticipantScope::Contract(CONTRACT), Some(AMINA), second.id).await.unwrap();
        assert_eq!(old[0].timeline, new[0].timeline);
    }
}

both_stores! {
    async fn a_failing_import_leaves_nothing_behind(t: TestStore) {
        let mut register = seeded(&t).await;
        // The same spell twice for one person: the store refuses it half-way through.
        let last = register.persons.len() - 1;
        let spell = register.persons[last].timeline.employment[0].clone();
        register.persons[last].timeline.employment.push(spell);
        let result = import(&t, &register, "h").await;
        assert!(result.is_err(), "{result:?}");
        assert!(t.store.register_snapshots().await.unwrap().is_empty());
        // Nothing half-written blocks a correct import of the same snapshot afterwards.
        register.persons[last].timeline.employment.pop();
        assert!(matches!(import(&t, &register, "h").await.unwrap(), ImportOutcome::Imported(_)));
    }
}

both_stores! {
    async fn contract_outcomes_round_trip_in_order(t: TestStore) {
        seeded(&t).await;
        assert!(t.store.contract_outcomes(CONTRACT).await.unwrap().is_empty());
        let defs = fixture::outcome_definitions();
        t.store.set_contract_outcomes(CONTRACT, &defs).await.unwrap();
        assert_eq!(t.store.contract_outcomes(CONTRACT).await.unwrap(), defs);
        t.store.set_contract_outcomes(CONTRACT, &defs[..1]).await.unwrap();
        assert_eq!(t.store.contract_outcomes(CONTRACT).await.unwrap(), defs[..1].to_vec());
    }
}

both_stores! {
    async fn odd_characters_in_ids_survive_the_bulk_path(t: TestStore) {
        // PostgreSQL writes through COPY's text format, where a backslash, tab or line break
        // would otherwise end a field or a row.
        let mut register = seeded(&t).await;
        let amina = register.persons.iter_mut().find(|p| p.timeline.employment.iter().any(|e| e.id == "A1")).unwrap();
        amina.timeline.employment[0].id = "A\\1\t2\n3\r4 Ø\\N".into();
        let ImportOutcome::Imported(record) = import(&t, &register, "h").await.unwrap() else { panic!() };
        let all = t.store.participant_timelines(ParticipantScope::Contract(CONTRACT), Some(AMINA), record.id).await.unwrap();
        assert_eq!(all[0].timeline.employment[0].id, "A\\1\t2\n3\r4 Ø\\N");
    }
}

both_stores! {
    async fn contract_versions_number_on_and_set_the_outcomes(t: TestStore) {
        seeded(&t).await;
        let defs = fixture::outcome_definitions();
        let terms = effekt_domain::contract::terms::ContractTerms {
            locations: Vec::new(),
            name: "Ny kontrakt".into(),
            starts: date(2026, 1, 1),
            ends: date(2029, 12, 31),
            periods: effekt_domain::contract::terms::PeriodLength::Quarterly,
            parties: Vec::new(),
            outcomes: defs
                .iter()
                .map(|d| effekt_domain::contract::terms::ContractOutcome {
                    definition: d.clone(),
                    evidence: effekt_domain::contract::terms::EvidenceSource::Register,
                    max_payments: 1,
                    cap: None,
                    scale: effekt_domain::contract::scale::Scale::Fixed { amount: effekt_domain::money::Nok::from_ore(100) },
                })
                .collect(),
            cohort_outcomes: Vec::new(),
            investment: None,
            caps: Default::default(),
        };
        // A new contract gets version 1; its outcomes become the contract's.
        let (id, version) = t.store.add_contract_version(None, &terms, None, 40, Utc::now()).await.unwrap();
        assert_eq!(version, 1);
        assert_ne!(id, CONTRACT);
        assert_eq!(t.store.contract_outcomes(id).await.unwrap(), defs);
        assert_eq!(t.store.contract_terms(id).await.unwrap(), Some((1, terms.clone())));
        // The next import of the same contract is version 2, with its own outcomes.
        let mut fewer = terms.clone();
        fewer.outcomes.truncate(1);
        assert_eq!(t.store.add_contract_version(Some(id), &fewer, None, 40, Utc::now()).await.unwrap(), (id, 2));
        assert_eq!(t.store.contract_outcomes(id).await.unwrap(), defs[..1].to_vec());
        assert_eq!(t.store.contract_terms(id).await.unwrap().unwrap().0, 2);
        // An unknown contract is refused and nothing is stored.
        let missing = effekt_domain::ids::ContractId(999);
        assert!(matches!(t.store.add_contract_version(Some(missing), &terms, None, 1, Utc::now()).await, Err(StoreError::Conflict(_))));
        assert_eq!(t.store.contract_terms(missing).await.unwrap(), None);
    }
}
