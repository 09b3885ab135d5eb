//! The store generation and the operations log, on both stores: every write of what outcomes
//! and payments are computed from moves the generation in its own transaction (and nothing
//! else does), so caches keyed by it are never stale; operations are append-only.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::disallowed_methods
)]

use chrono::{NaiveDate, Utc};
use effekt_domain::contract::cohort::CertifiedFigure;
use effekt_domain::national_id::NationalId;
use effekt_domain::person::Protection;
use effekt_domain::role::Role;
use effekt_store::both_stores;
use effekt_store::fixture::{self, *};
use effekt_store::model::*;
use effekt_store::testing::TestStore;
use effekt_store::StoreError;

async fn moved(t: &TestStore, before: &mut u64) -> bool {
    let now = t.store.generation().await.unwrap();
    let moved = now > *before;
    *before = now;
    moved
}

both_stores! {
    async fn every_write_of_pricing_inputs_moves_the_generation_and_reads_do_not(t: TestStore) {
        let mut g = t.store.generation().await.unwrap();
        let data = fixture::dataset().unwrap();
        t.store.insert_dataset(&data).await.unwrap();
        assert!(moved(&t, &mut g).await, "enrolment");
        let user = t.store.create_user(&NewUser {
            username: "evaluator".into(),
            display_name: "E".into(),
            password_hash: "x".into(),
            role: Role::Evaluator,
            scope: UserScope::None,
            discipline: None,
        }).await.unwrap();
        assert!(!moved(&t, &mut g).await, "an account is no pricing input");
        t.store.add_contract_version(Some(CONTRACT), &fixture::contract_terms(50_000).unwrap(), None, 6, Utc::now()).await.unwrap();
        assert!(moved(&t, &mut g).await, "contract terms");
        t.store.import_register(&fixture::register(&data).unwrap(), "fixture", Utc::now(), &|_| {}).await.unwrap();
        assert!(moved(&t, &mut g).await, "register snapshot");
        // The same files again change nothing.
        t.store.import_register(&fixture::register(&data).unwrap(), "fixture", Utc::now(), &|_| {}).await.unwrap();
        assert!(!moved(&t, &mut g).await, "an unchanged snapshot");
        let figure = CertifiedFigure {
comparison: None,
            cohort: "2026".into(),
            cohort_size: 10,
            value: "37.5".parse().unwrap(),
            certified_by: "E".into(),
            certified_on: NaiveDate::from_ymd_opt(2026, 11, 1).unwrap(),
        };
        t.store.certify_figure(CONTRACT, "employment_rate", &figure, user, Utc::now()).await.unwrap();
        assert!(moved(&t, &mut g).await, "certified figure");
        let dawit = t.store.participant(ParticipantScope::Contract(CONTRACT), DAWIT, user).await.unwrap().unwrap();
        let fresh = NationalId::parse("13097248022").unwrap();
        t.store.change_national_id(dawit.person, &fresh, NaiveDate::from_ymd_opt(2026, 11, 2).unwrap()).await.unwrap();
        assert!(moved(&t, &mut g).await, "national id change");
        // A refused change rolls back with its transaction, generation and all.
        let refused = t.store.change_national_id(dawit.person, &fresh, NaiveDate::from_ymd_opt(2026, 11, 3).unwrap()).await;
        assert!(refused.is_err());
        assert!(!moved(&t, &mut g).await, "a refused change");
        t.store.set_protection(dawit.person, Protection::Fortrolig).await.unwrap();
        assert!(moved(&t, &mut g).await, "protection");
        t.store.statements(CONTRACT).await.unwrap();
        t.store.participant_timelines(ParticipantScope::Contract(CONTRACT), None, 1).await.unwrap();
        assert!(!moved(&t, &mut g).await, "reads");
    }
}

both_stores! {
    async fn operations_are_kept_in_order_and_append_only_with_the_account_they_made(t: TestStore) {
        let op = OperationRecord {
            at: Utc::now(),
            actor: None,
            actor_name: "cli:ola".into(),
            action: "user.create".into(),
            subject: "user:admin".into(),
            channel: Channel::Cli { os_user: "ola".into() },
        };
        let id = t.store.create_user_logged(&NewUser {
            username: "admin".into(),
            display_name: "Admin".into(),
            password_hash: "x".into(),
            role: Role::Administrator,
            scope: UserScope::None,
            discipline: None,
        }, &op).await.unwrap();
        let later = OperationRecord { actor: Some(id), actor_name: "admin".into(), action: "audit.export".into(), subject: "audit-log".into(), ..op.clone() };
        t.store.append_operation(&later).await.unwrap();
        let ops = t.store.operations().await.unwrap();
        assert_eq!(ops.len(), 2);
        assert_eq!(ops[0].action, "user.create");
        assert_eq!(ops[0].actor, None);
        assert_eq!(ops[1].actor, Some(id));
        assert_eq!(ops[1].channel, Channel::Cli { os_user: "ola".into() });
        // A name taken: neither the account nor its operation is written.
        let again = t.store.create_user_logged(&NewUser {
            username: "admin".into(),
            display_name: "Another".into(),
            password_hash: "x".into(),
            role: Role::Administrator,
            scope: UserScope::None,
            discipline: None,
        }, &op).await;
        assert!(matches!(again, Err(StoreError::Conflict(_))));
        assert_eq!(t.store.operations().await.unwrap().len(), 2);
        for sql in ["UPDATE operations SET action = 'x'", "DELETE FROM operations"] {
            assert!(t.execute_raw(sql).await.is_err(), "{sql} must be refused");
        }
    }
}
