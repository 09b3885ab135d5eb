//! The INDIGO export through the application core (issue 11): terms are published before any
//! register is read, and once statements exist only paid periods are `Actual`; on both stores.

#![allow(clippy::disallowed_methods)]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;
use effekt_app::policy::Grant;
use effekt_app::App as Core;
use effekt_domain::mode::Mode;
use effekt_domain::pseudonym::PseudonymKey;
use effekt_domain::role::Role;
use effekt_store::both_stores;
use effekt_store::fixture::{self, CONTRACT};
use effekt_store::model::{NewUser, UserScope};
use effekt_store::testing::TestStore;

async fn export(t: &TestStore) -> (serde_json::Value, String, String) {
    let core = Core::new(
        t.store.clone(),
        PseudonymKey::new(vec![42; 32]).unwrap(),
        Mode::Test,
    );
    let viewer = effekt_app::operator::operator(&core, Some("forvalter"), Grant::Contracts, "test")
        .await
        .unwrap();
    viewer
        .contracts(&core)
        .unwrap()
        .indigo(CONTRACT)
        .await
        .unwrap()
}

both_stores! {
    async fn terms_are_exported_before_any_register_snapshot(t: TestStore) {
        // The fixture world without its register.
        t.store.insert_dataset(&fixture::dataset().unwrap()).await.unwrap();
        t.store
            .add_contract_version(Some(CONTRACT), &fixture::contract_terms(50_000).unwrap(), None, 6, chrono::Utc::now())
            .await
            .unwrap();
        t.store
            .create_user(&NewUser {
                username: "forvalter".into(),
                display_name: "Test forvalter".into(),
                password_hash: "x".into(),
                role: Role::NavContractManager,
                scope: UserScope::None,
                discipline: None,
            })
            .await
            .unwrap();
        let (project, versions, snapshot) = export(&t).await;
        assert_eq!((versions.as_str(), snapshot.as_str()), ("1", "none"));
        assert!(!project["outcome_metrics"].as_array().unwrap().is_empty());
        assert!(project["outcome_payments"].as_array().unwrap().is_empty(), "no results yet");
    }
}

both_stores! {
    async fn only_paid_periods_are_actual(t: TestStore) {
        let app = App::new(t).await;
        app.settle_period(1, "2025Q1").await;
        // 2025Q2 computed, not paid.
        let nav = app.login("forvalter").await;
        app.compute(&nav, 1, "2025Q2").await;
        let (project, _, _) = export(&app.t).await;
        let types: Vec<(String, String)> = project["outcome_payments"].as_array().unwrap().iter()
            .map(|p| (p["period"]["start_date"]["value"].as_str().unwrap().to_owned(), p["type"]["value"].as_str().unwrap().to_owned()))
            .collect();
        assert!(!types.is_empty());
        for (start, kind) in &types {
            let expected = if start == "2025-01-01" { "Actual" } else { "Planned" };
            assert_eq!(kind, expected, "{start}: {types:?}");
        }
        assert!(types.iter().any(|(_, k)| k == "Planned"), "{types:?}");
    }
}

both_stores! {
    async fn the_price_history_says_what_each_amendment_changed_and_why(t: TestStore) {
        let app = App::new(t).await;
        let nav = app.login("forvalter").await;
        let (project, _, _) = export(&app.t).await;
        assert!(project["outcome_pricings"][0].get("contracted_increases_to_outcome_pricing").is_none(), "one version, no history");
        assert_eq!(app.propose(&nav, "01.01.2027", 60_000).await.status, axum::http::StatusCode::SEE_OTHER);
        for who in ["admin.a", "investor"] {
            let cookie = app.login(who).await;
            assert_eq!(app.decide(&cookie, 2, "approve").await.status, axum::http::StatusCode::SEE_OTHER);
        }
        let (project, _, _) = export(&app.t).await;
        let history = project["outcome_pricings"].as_array().unwrap().iter()
            .filter_map(|p| p["contracted_increases_to_outcome_pricing"]["value"].as_str())
            .next()
            .unwrap()
            .to_owned();
        assert!(history.starts_with("version 2, from 2027-01-01: "), "{history}");
        assert!(history.contains("«Varig arbeid» får ny pris: fast kr\u{a0}60\u{a0}000,00"), "{history}");
        assert!(history.ends_with("Reason: Ny pris etter forhandlingsmøte"), "{history}");
    }
}
