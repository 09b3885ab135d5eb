//! Figures the evaluator certifies for cohort-level outcomes, on both stores: stored with who
//! and when, checked field by field, priced by the contract's mechanism on the contract page,
//! and certified by nobody else (issue 4, §3).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use axum::http::StatusCode;
use common::*;
use effekt_store::both_stores;

fn kr(amount: &str) -> String {
    format!("kr\u{a0}{}", amount.replace(' ', "\u{a0}"))
}

const GRADUATED: &str = include_str!("../../../examples/contracts/graduated-cohort-scale.toml");

both_stores! {
    async fn the_evaluator_certifies_a_cohort_figure_and_the_scale_prices_it(t: TestStore) {
        let app = App::new(t).await;
        // A second contract: 0 at 25 % employment, linear to 2,000,000 at 45 %.
        let terms = effekt_engine::contract::check(GRADUATED).unwrap();
        let (id, _) = app.t.store.add_contract_version(None, &terms, Some(GRADUATED), 100, chrono::Utc::now()).await.unwrap();
        let page = format!("/kontrakter/{}", id.0);
        let post = format!("{page}/tall");
        let evaluator = app.login("evaluator").await;
        let body = app.get(&page, Some(&evaluator)).await.body;
        assert!(body.contains("Ingen tall er sertifisert ennå") && body.contains(&format!("action=\"{post}\"")), "{body}");

        // Every field is checked; nothing is stored.
        let bad = app.post_with_csrf(&page, &post, &evaluator, "tall_figur=savings&kohort=&storrelse=0&verdi=mye").await;
        assert_eq!(bad.status, StatusCode::BAD_REQUEST);
        for says in ["Velg et tall kontrakten betaler for", "Skriv kohorten", "Antall deltakere er et helt tall", "Verdien er et tall"] {
            assert!(bad.body.contains(says), "{says}: {}", bad.body);
        }
        assert!(app.t.store.certified_figures(id).await.unwrap().is_empty());

        // 37.5 %: (37.5 − 25) / (45 − 25) × 2,000,000 = 1,250,000.
        let ok = app.post_with_csrf(&page, &post, &evaluator, "tall_figur=employment_rate&kohort=2026&storrelse=100&verdi=37%2C5").await;
        assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
        let nav = app.login("forvalter").await;
        let body = app.get(&page, Some(&nav)).await.body;
        assert!(body.contains(&kr("1 250 000,00")), "{body}");
        assert!(body.contains("Test evaluator"), "who certified it is shown");
        // Certified again: the newest counts, the earlier stays on record.
        app.post_with_csrf(&page, &post, &evaluator, "tall_figur=employment_rate&kohort=2026&storrelse=100&verdi=50").await;
        let body = app.get(&page, Some(&nav)).await.body;
        assert!(body.contains(&kr("2 000 000,00")) && !body.contains(&kr("1 250 000,00")), "{body}");
        let stored = app.t.store.certified_figures(id).await.unwrap();
        assert_eq!(stored.len(), 2);
        assert_eq!(stored[0].0.certified.certified_by, "Test evaluator");
        assert!(app.t.execute_raw("UPDATE certified_figures SET value = '0'").await.is_err(), "append-only");

        // Only the evaluator certifies.
        let res = app.post_with_csrf(&page, &post, &nav, "tall_figur=employment_rate&kohort=2027&storrelse=100&verdi=40").await;
        assert_eq!(res.status, StatusCode::BAD_REQUEST);
        assert!(res.body.contains("Bare den uavhengige evaluatoren"), "{}", res.body);
        assert!(!app.get(&page, Some(&nav)).await.body.contains(&format!("action=\"{post}\"")), "no form for Nav");
        let admin = app.login("administrator").await;
        assert_eq!(app.get(&page, Some(&admin)).await.status, StatusCode::FORBIDDEN);
        assert_eq!(app.t.store.certified_figures(id).await.unwrap().len(), 2);
    }
}
