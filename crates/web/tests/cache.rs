//! Judged outcomes and pricing are kept under the store generation: a write of their inputs,
//! even one made straight to the store (as by another server on the same database), is seen by
//! the next request, and what was not written is served from the cache. Both stores.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;
use effekt_domain::outcomes::{Definition, OutcomeKind};
use effekt_store::both_stores;
use effekt_store::fixture::CONTRACT;

both_stores! {
    async fn a_write_of_the_inputs_is_seen_by_the_next_request(t: TestStore) {
        let app = App::new(t).await;
        let nav = app.login("forvalter").await;
        let before = app.get("/resultater", Some(&nav)).await.body;
        assert!(before.contains("Varig arbeid") && !before.contains("Utdanning innen ett år"), "{before}");
        // Served again from the cache: the same page.
        assert_eq!(app.get("/resultater", Some(&nav)).await.body, before);
        // Another server replaces the contract's outcome definitions in the shared store.
        app.t.store.set_contract_outcomes(CONTRACT, &[Definition {
            name: "Utdanning innen ett år".into(),
            kind: OutcomeKind::EducationStart { months: 12 },
        }]).await.unwrap();
        let after = app.get("/resultater", Some(&nav)).await.body;
        assert!(after.contains("Utdanning innen ett år") && !after.contains("Varig arbeid"), "{after}");
        let investments = app.get("/api/investments", Some(&nav)).await;
        assert_eq!(investments.status, 200);
    }
}
