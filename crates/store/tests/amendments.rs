//! Amendments in the store, on SQLite and PostgreSQL: one proposal at a time, decisions that
//! cannot be lost to a concurrent one, the outcomes switching when a version comes into force,
//! and decisions that cannot be changed afterwards.

#![allow(clippy::disallowed_methods)]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use chrono::{NaiveDate, Utc};
use effekt_domain::contract::amendment::{Decision, PartyDecision, PartyKey, VersionState};
use effekt_domain::contract::terms::PartyRole;
use effekt_domain::orgnr::OrgNr;
use effekt_domain::role::Role;
use effekt_store::both_stores;
use effekt_store::fixture::{self, *};
use effekt_store::model::*;
use effekt_store::StoreError;

fn party(role: PartyRole, orgnr: &str) -> PartyKey {
    PartyKey {
        role,
        orgnr: OrgNr::parse(orgnr).unwrap(),
    }
}

both_stores! {
    async fn a_proposal_waits_for_decisions_and_then_replaces_the_outcomes(t: TestStore) {
        t.store.insert_dataset(&fixture::dataset().unwrap()).await.unwrap();
        let user = t.store.create_user(&NewUser {
            username: "forvalter".into(), display_name: "Forvalter".into(), password_hash: "x".into(),
            role: Role::NavContractManager, scope: UserScope::None, discipline: None,
        }).await.unwrap();
        t.store.add_contract_version(Some(CONTRACT), &fixture::contract_terms(50_000).unwrap(), Some("v1"), 6, Utc::now()).await.unwrap();
        let mut fewer = fixture::contract_terms(60_000).unwrap();
        fewer.outcomes.truncate(2);
        let nav = party(PartyRole::Nav, "889640782");
        let approve = |p: PartyKey| PartyDecision { party: p, by: user, decision: Decision::Approve, at: Utc::now() };
        let proposal = Proposal {
            terms: &fewer,
            source: Some("v2 text"),
            effective_from: NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
            decision: approve(nav),
            reason: Some("Færre resultatmål"),
        };
        assert_eq!(t.store.propose_contract_version(CONTRACT, &proposal).await.unwrap(), 2);
        assert!(matches!(t.store.propose_contract_version(CONTRACT, &proposal).await, Err(StoreError::Conflict(_))), "one proposal at a time");
        // Proposed: still judged by version 1.
        assert_eq!(t.store.contract_outcomes(CONTRACT).await.unwrap().len(), 4);
        assert_eq!(t.store.contract_terms(CONTRACT).await.unwrap().unwrap().0, 1);
        let lead = party(PartyRole::Provider, "910000004");
        // A decision must know how many came before it.
        assert!(matches!(
            t.store.decide_contract_version(CONTRACT, 2, &approve(lead), None, 0, VersionState::Proposed).await,
            Err(StoreError::Conflict(_))
        ));
        t.store.decide_contract_version(CONTRACT, 2, &approve(lead), None, 1, VersionState::Proposed).await.unwrap();
        assert!(matches!(
            t.store.decide_contract_version(CONTRACT, 2, &approve(lead), None, 2, VersionState::Proposed).await,
            Err(StoreError::Conflict(_))
        ), "one decision per party");
        let investor = party(PartyRole::Investor, "910000020");
        t.store.decide_contract_version(CONTRACT, 2, &approve(investor), None, 2, VersionState::InForce).await.unwrap();
        assert_eq!(t.store.contract_terms(CONTRACT).await.unwrap().unwrap().0, 2);
        assert_eq!(t.store.contract_outcomes(CONTRACT).await.unwrap().len(), 2, "the outcomes in force are version 2's");
        let versions = t.store.contract_versions(CONTRACT).await.unwrap();
        assert_eq!(versions[1].state, VersionState::InForce);
        assert_eq!(versions[1].source.as_deref(), Some("v2 text"));
        assert_eq!(versions[1].proposed_by.as_deref(), Some("Forvalter"));
        assert_eq!(versions[1].decisions.len(), 3);
        assert_eq!(versions[0].effective_from, None, "an imported version is in force from the start");
        // No longer a proposal: no more decisions.
        assert!(matches!(
            t.store.decide_contract_version(CONTRACT, 2, &approve(party(PartyRole::Evaluator, "910000039")), None, 3, VersionState::InForce).await,
            Err(StoreError::Conflict(_))
        ));
        for sql in ["UPDATE contract_version_decisions SET decision = 'reject'", "DELETE FROM contract_version_decisions"] {
            assert!(t.execute_raw(sql).await.is_err(), "{sql} must be refused");
        }
    }
}
