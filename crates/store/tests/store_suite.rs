//! The store suite: every test runs on SQLite and on PostgreSQL, each in a fresh database.

#![allow(clippy::disallowed_methods)]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use chrono::{Duration, NaiveDate, Utc};
use effekt_domain::ids::{GroupId, ParticipantId, PersonKey, UserId};
use effekt_domain::participant::ParticipantStatus;
use effekt_domain::person::Protection;
use effekt_domain::role::Role;
use effekt_store::both_stores;
use effekt_store::fixture::{self, *};
use effekt_store::model::*;
use effekt_store::testing::TestStore;
use effekt_store::StoreError;

async fn seeded(t: &TestStore) -> UserId {
    t.store
        .insert_dataset(&fixture::dataset().unwrap())
        .await
        .unwrap();
    t.store
        .create_user(&NewUser {
            username: "veileder".into(),
            display_name: "Kari Veileder".into(),
            password_hash: "x".into(),
            role: Role::ProviderStaff,
            scope: UserScope::Provider(PROVIDER_A),
            discipline: None,
        })
        .await
        .unwrap()
}

fn names(page: &Page<ParticipantRow>) -> Vec<String> {
    page.items.iter().map(|r| r.given_name.clone()).collect()
}

fn q() -> ParticipantQuery {
    ParticipantQuery::default()
}

both_stores! {
    async fn rows_are_filtered_by_scope(t: TestStore) {
        let viewer = seeded(&t).await;
        let office1 = t.store.list_participants(ParticipantScope::NavOffice(OFFICE_GRUNERLOKKA), &q(), viewer).await.unwrap();
        assert_eq!(office1.total, 4);
        let provider_b = t.store.list_participants(ParticipantScope::Provider(PROVIDER_B), &q(), viewer).await.unwrap();
        assert_eq!(names(&provider_b), ["Olena", "Dawit"]);
        assert_eq!(provider_b.total, 2);
        assert!(provider_b.items.iter().all(|r| r.provider_name == "Språkverkstedet AS"));
        let all = t.store.list_participants(ParticipantScope::Contract(CONTRACT), &q(), viewer).await.unwrap();
        assert_eq!(all.total, 6);
    }
}

both_stores! {
    async fn sorted_by_family_name_with_protected_names_hidden_from_the_order(t: TestStore) {
        let viewer = seeded(&t).await;
        let page = t.store.list_participants(ParticipantScope::Contract(CONTRACT), &q(), viewer).await.unwrap();
        // Protected persons (Leila, Ahmad) sort as if they had no name; the rest by family name.
        let order = names(&page);
        assert_eq!(&order[2..], ["Amina", "Yusuf", "Olena", "Dawit"]);
        assert!(order[..2].contains(&"Leila".to_string()) && order[..2].contains(&"Ahmad".to_string()));
    }
}

both_stores! {
    async fn search_filter_sort_and_pages(t: TestStore) {
        let viewer = seeded(&t).await;
        let scope = ParticipantScope::Contract(CONTRACT);
        let hassan = t.store.list_participants(scope, &ParticipantQuery { search: Some("HASSAN".into()), ..q() }, viewer).await.unwrap();
        assert_eq!(hassan.total, 2);
        // Search does not find a protected person by name unless the viewer is assigned.
        let leila = ParticipantQuery { search: Some("leila".into()), ..q() };
        assert_eq!(t.store.list_participants(scope, &leila, viewer).await.unwrap().total, 0);
        t.store.assign_staff(viewer, LEILA).await.unwrap();
        assert_eq!(t.store.list_participants(scope, &leila, viewer).await.unwrap().total, 1);
        // Wildcards are literal.
        let pct = ParticipantQuery { search: Some("%".into()), ..q() };
        assert_eq!(t.store.list_participants(scope, &pct, viewer).await.unwrap().total, 0);
        let ended = ParticipantQuery { status: Some(ParticipantStatus::HarSluttet), ..q() };
        assert_eq!(names(&t.store.list_participants(scope, &ended, viewer).await.unwrap()), ["Olena"]);
        let group2 = ParticipantQuery { group: Some(GroupId(2)), ..q() };
        assert_eq!(t.store.list_participants(scope, &group2, viewer).await.unwrap().total, 2);
        let p1 = t.store.list_participants(scope, &ParticipantQuery { per_page: 4, ..q() }, viewer).await.unwrap();
        let p2 = t.store.list_participants(scope, &ParticipantQuery { per_page: 4, page: 2, ..q() }, viewer).await.unwrap();
        assert_eq!((p1.items.len(), p2.items.len(), p1.page_count()), (4, 2, 2));
        assert!(p1.items.iter().all(|a| p2.items.iter().all(|b| a.id != b.id)));
        let by_status_desc = ParticipantQuery { sort: SortKey::Status, direction: SortDirection::Descending, ..q() };
        let rows = t.store.list_participants(scope, &by_status_desc, viewer).await.unwrap();
        assert_eq!(rows.items[0].status, ParticipantStatus::HarSluttet);
    }
}

both_stores! {
    async fn a_participant_outside_the_scope_is_not_found(t: TestStore) {
        let viewer = seeded(&t).await;
        assert!(t.store.participant(ParticipantScope::Provider(PROVIDER_B), AMINA, viewer).await.unwrap().is_none());
        assert!(t.store.participant(ParticipantScope::NavOffice(OFFICE_SONDRE), AMINA, viewer).await.unwrap().is_none());
        assert!(t.store.participant(ParticipantScope::Contract(CONTRACT), ParticipantId(999), viewer).await.unwrap().is_none());
        let amina = t.store.participant(ParticipantScope::Provider(PROVIDER_A), AMINA, viewer).await.unwrap().unwrap();
        assert_eq!(amina.family_name, "Hassan");
        assert_eq!(amina.household.as_ref().map(|h| h.1.as_str()), Some("Husstand Hassan"));
        assert_eq!(amina.household_members.len(), 1);
        assert_eq!(amina.household_members[0].participant, Some(YUSUF));
        assert_eq!(amina.statuses.current().status, ParticipantStatus::Deltar);
        assert_eq!(t.store.participant_subject(AMINA).await.unwrap(), Some(PersonKey(1)));
    }
}

both_stores! {
    async fn moving_from_d_nummer_to_fodselsnummer_keeps_the_person(t: TestStore) {
        let viewer = seeded(&t).await;
        let scope = ParticipantScope::Contract(CONTRACT);
        let dawit = t.store.participant(scope, DAWIT, viewer).await.unwrap().unwrap();
        let records = dawit.ids.records();
        assert_eq!(records.len(), 2);
        assert!(records[0].national_id.kind().is_d_number());
        let old = records[0].national_id.to_string();
        // Found by the old D-nummer as well as the current number.
        let by_old = ParticipantQuery { search: Some(old.clone()), ..q() };
        assert_eq!(names(&t.store.list_participants(scope, &by_old, viewer).await.unwrap()), ["Dawit"]);
        // A further change: Olena gets a new number; the participant and person stay the same.
        let olena = t.store.participant(scope, OLENA, viewer).await.unwrap().unwrap();
        let new_id = fixture::synthetic_id(olena.birth_date, false, 1).unwrap();
        t.store.change_national_id(olena.person, &new_id, NaiveDate::from_ymd_opt(2026, 1, 1).unwrap()).await.unwrap();
        let after = t.store.participant(scope, OLENA, viewer).await.unwrap().unwrap();
        assert_eq!(after.person, olena.person);
        assert_eq!(after.ids.current(), &new_id);
        let rows = t.store.list_participants(scope, &ParticipantQuery { search: Some(new_id.to_string()), ..q() }, viewer).await.unwrap();
        assert_eq!(rows.items[0].national_id, new_id.to_string());
        // A number held by someone else is refused and changes nothing.
        let err = t.store.change_national_id(dawit.person, &new_id, NaiveDate::from_ymd_opt(2026, 2, 1).unwrap()).await;
        assert!(matches!(err, Err(StoreError::IdTaken)), "{err:?}");
        assert_eq!(t.store.participant(scope, DAWIT, viewer).await.unwrap().unwrap().ids.records().len(), 2);
    }
}

both_stores! {
    async fn a_change_of_protection_applies_at_once(t: TestStore) {
        let viewer = seeded(&t).await;
        let scope = ParticipantScope::Contract(CONTRACT);
        t.store.set_protection(PersonKey(1), Protection::Fortrolig).await.unwrap();
        let amina = t.store.participant(scope, AMINA, viewer).await.unwrap().unwrap();
        assert_eq!(amina.protection, Protection::Fortrolig);
        let hassan = ParticipantQuery { search: Some("amina".into()), ..q() };
        assert_eq!(t.store.list_participants(scope, &hassan, viewer).await.unwrap().total, 0);
    }
}

both_stores! {
    async fn the_audit_log_is_append_only_and_a_broken_log_fails_writes(t: TestStore) {
        let viewer = seeded(&t).await;
        let record = AuditRecord {
            at: Utc::now(),
            actor: viewer,
            actor_name: "veileder".into(),
            subject: PersonKey(4),
            purpose: "participant.view".into(),
            decision: Decision::Permit,
            request_id: "req-1".into(),
            channel: Channel::Web,
        };
        // A command-line record keeps the operating-system user beside the claimed operator.
        let cli = Channel::Cli { os_user: "ola".into() };
        let deny = AuditRecord { decision: Decision::Deny, subject: PersonKey(1), channel: cli.clone(), ..record.clone() };
        t.store.append_audit(&[record.clone(), deny]).await.unwrap();
        let rows = t.store.audit_records().await.unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].record.subject, PersonKey(4));
        assert_eq!(rows[1].record.decision, Decision::Deny);
        assert_eq!((&rows[0].record.channel, &rows[1].record.channel), (&Channel::Web, &cli));
        // The export names the subject's current national id (Dawit's fødselsnummer, not his D-nummer).
        let dawit = t.store.participant(ParticipantScope::Contract(CONTRACT), DAWIT, viewer).await.unwrap().unwrap();
        assert_eq!(rows[0].subject_national_id.as_deref(), Some(dawit.ids.current().to_string().as_str()));
        assert!(t.execute_raw("UPDATE audit_log SET decision = 'DENY'").await.is_err());
        assert!(t.execute_raw("DELETE FROM audit_log").await.is_err());
        assert_eq!(t.store.audit_records().await.unwrap().len(), 2);
        t.break_audit_writes().await.unwrap();
        assert!(t.store.append_audit(&[record]).await.is_err());
    }
}

both_stores! {
    async fn sessions_expire_and_logins_are_counted(t: TestStore) {
        let viewer = seeded(&t).await;
        let now = Utc::now();
        t.store.create_session("hash-1", viewer, "csrf", now, now + Duration::hours(8)).await.unwrap();
        let s = t.store.session("hash-1", now).await.unwrap().unwrap();
        assert_eq!((s.user_id, s.csrf_token.as_str()), (viewer, "csrf"));
        assert!(t.store.session("hash-1", now + Duration::hours(9)).await.unwrap().is_none());
        assert!(t.store.session("other", now).await.unwrap().is_none());
        t.store.delete_session("hash-1").await.unwrap();
        assert!(t.store.session("hash-1", now).await.unwrap().is_none());
        for (minutes, client) in [(30, "10.0.0.1"), (5, "10.0.0.1"), (1, "10.0.0.2")] {
            t.store.record_login_failure("veileder", client, now - Duration::minutes(minutes)).await.unwrap();
        }
        t.store.record_login_failure("someone", "10.0.0.1", now).await.unwrap();
        let f = t.store.login_failures_since("veileder", "10.0.0.1", now - Duration::minutes(10)).await.unwrap();
        assert_eq!((f.for_username, f.for_username_from_client, f.from_client), (2, 1, 2));
        t.store.clear_login_failures("veileder").await.unwrap();
        let f = t.store.login_failures_since("veileder", "10.0.0.1", now - Duration::hours(1)).await.unwrap();
        assert_eq!((f.for_username, f.from_client), (0, 1), "another username's failure stays");
        let user = t.store.user_by_username("veileder").await.unwrap().unwrap();
        assert_eq!((user.role, user.scope), (Role::ProviderStaff, UserScope::Provider(PROVIDER_A)));
        let dup = t.store.create_user(&NewUser { username: "veileder".into(), display_name: "x".into(), password_hash: "x".into(), role: Role::Investor, scope: UserScope::None, discipline: None }).await;
        assert!(matches!(dup, Err(StoreError::Conflict(_))));
    }
}

both_stores! {
    async fn a_bad_dataset_stores_nothing(t: TestStore) {
        let mut data = fixture::dataset().unwrap();
        // The same national id on two persons violates the id history's uniqueness.
        let shared = data.persons[0].ids.clone();
        data.persons[1].ids = shared;
        assert!(t.store.insert_dataset(&data).await.is_err());
        assert!(t.store.is_empty().await.unwrap());
        assert_eq!(t.store.status_counts(CONTRACT).await.unwrap().len(), 0);
    }
}

both_stores! {
    async fn secrets_are_created_once(t: TestStore) {
        let first = t.store.put_secret_if_absent("pseudonym", &[1; 32]).await.unwrap();
        let second = t.store.put_secret_if_absent("pseudonym", &[2; 32]).await.unwrap();
        assert_eq!(first, vec![1; 32]);
        assert_eq!(second, first);
        assert_eq!(t.store.secret("none").await.unwrap(), None);
    }
}

both_stores! {
    async fn status_counts_per_provider(t: TestStore) {
        seeded(&t).await;
        let counts = t.store.status_counts(CONTRACT).await.unwrap();
        let get = |p, s| counts.iter().find(|c| c.provider == p && c.status == s).map_or(0, |c| c.count);
        assert_eq!(get(PROVIDER_A, ParticipantStatus::Deltar), 4);
        assert_eq!(get(PROVIDER_B, ParticipantStatus::Deltar), 1);
        assert_eq!(get(PROVIDER_B, ParticipantStatus::HarSluttet), 1);
    }
}

#[tokio::test]
async fn both_dialects_define_the_same_tables_and_columns() {
    let sqlite = effekt_store::testing::sqlite().await.unwrap();
    let Some(pg) = effekt_store::testing::postgres().await.unwrap() else {
        return;
    };
    assert_eq!(sqlite.columns().await.unwrap(), pg.columns().await.unwrap());
}

/// Rows as the first schema knew them, written with plain SQL (the store's own inserts follow
/// the newest schema).
const V1_ROWS: &str = "\
    INSERT INTO nav_offices (id, unit_number, name) VALUES (1, '0315', 'Nav Grünerløkka');\
    INSERT INTO providers (id, orgnr, name, kind) VALUES (1, '910000004', 'Arbeidsinkludering Oslo AS', 'LARGE');\
    INSERT INTO contracts (id, name, starts, ends, target_cohort) VALUES (1, 'Jobbvei Oslo', '2025-01-01', '2027-12-31', 10);\
    INSERT INTO persons (key, given_name, family_name, birth_date, country_of_birth, protection, search_text) \
        VALUES (1, 'Amina', 'Hassan', '1984-03-12', 'Somalia', 'NONE', 'hassan amina 12838412345'), \
               (2, 'Leila', 'Haddad', '1990-06-30', 'Syria', 'FORTROLIG', 'haddad leila 30869012345');\
    INSERT INTO person_ids (person_key, national_id, kind, valid_from) VALUES (1, '12838400084', 'tnr', '1984-03-12'), (2, '30869000082', 'tnr', '1990-06-30');\
    INSERT INTO participants (id, person_key, contract_id, provider_id, nav_office_id, current_status, index_date) \
        VALUES (1, 1, 1, 1, 1, 'DELTAR', '2025-03-01'), (2, 2, 1, 1, 1, 'DELTAR', '2025-03-01');\
    INSERT INTO participant_statuses (participant_id, seq, status, valid_from) VALUES (1, 0, 'DELTAR', '2025-03-01'), (2, 0, 'DELTAR', '2025-03-01');";

async fn upgrade_keeps_data(
    old: TestStore,
    migrate: impl std::future::Future<Output = Result<(), StoreError>>,
) {
    old.execute_raw(V1_ROWS).await.unwrap();
    migrate.await.unwrap();
    let viewer = UserId(0);
    let all = old
        .store
        .list_participants(ParticipantScope::Contract(CONTRACT), &q(), viewer)
        .await
        .unwrap();
    assert_eq!(all.total, 2);
    // Migration 3 filled the sort key from the old rows: the protected person sorts as nameless.
    assert_eq!(names(&all), ["Leila", "Amina"]);
    let amina = old
        .store
        .participant(ParticipantScope::Contract(CONTRACT), AMINA, viewer)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (amina.given_name.as_str(), amina.ids.records().len()),
        ("Amina", 1)
    );
    // The column added by migration 2 has its default for rows written before it.
    assert_eq!(
        old.scalar_text("SELECT preferred_language FROM persons WHERE key = 1")
            .await
            .unwrap(),
        "nb"
    );
    old.store
        .record_login_failure("x", "", Utc::now())
        .await
        .unwrap();
}

#[tokio::test]
async fn upgrading_sqlite_from_the_first_migration_keeps_data() {
    let (raw, t) = effekt_store::testing::sqlite_at_migration(1).await.unwrap();
    upgrade_keeps_data(t, async move { raw.migrate().await }).await;
}

#[tokio::test]
async fn upgrading_postgres_from_the_first_migration_keeps_data() {
    let Some((raw, t)) = effekt_store::testing::postgres_at_migration(1)
        .await
        .unwrap()
    else {
        return;
    };
    upgrade_keeps_data(t, async move { raw.migrate().await }).await;
}

both_stores! {
    async fn large_scopes_are_counted_only_as_far_as_needed(t: TestStore) {
        let demo = effekt_engine::demo::generate(7, 1500).unwrap();
        t.store.insert_dataset(&demo.dataset).await.unwrap();
        let scope = ParticipantScope::Contract(effekt_domain::ids::ContractId(1));
        let first = t.store.list_participants(scope, &q(), UserId(0)).await.unwrap();
        assert_eq!((first.total, first.total_exact, first.items.len()), (1000, false, 25));
        assert_eq!(first.page_count(), 40, "page 40 still offers a next page");
        // Asking beyond the cap counts far enough to know the page and the next one.
        let deep = t.store.list_participants(scope, &ParticipantQuery { page: 45, ..q() }, UserId(0)).await.unwrap();
        assert_eq!((deep.total, deep.total_exact, deep.items.len()), (1150, false, 25));
        let last = t.store.list_participants(scope, &ParticipantQuery { page: 60, ..q() }, UserId(0)).await.unwrap();
        assert_eq!((last.total, last.total_exact, last.items.len()), (1500, true, 25));
        // Small results are exact.
        let ended = ParticipantQuery { status: Some(ParticipantStatus::Fullfort), ..q() };
        let few = t.store.list_participants(scope, &ended, UserId(0)).await.unwrap();
        assert!(few.total_exact && few.total < 1000);
    }
}
