//! Figures the evaluator certifies for cohort-level outcomes, on both stores: stored with who
//! and when, checked field by field, priced by the contract's mechanism on the contract page,
//! and certified by nobody else (issue 4, §3).

#![allow(clippy::disallowed_methods)]
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
        for says in ["Velg et tall kontrakten betaler for", "Skriv kohorten", "Antall deltakere er et helt tall", "Verdien er et tall", "Skriv hvorfor tallet skrives inn"] {
            assert!(bad.body.contains(says), "{says}: {}", bad.body);
        }
        assert!(app.t.store.certified_figures(id).await.unwrap().is_empty());
        // An employment rate is a percentage: −5 % and 1,000,000 % are refused, not priced.
        for value in ["-5", "1000000", "100%2C01"] {
            let bad = app.post_with_csrf(&page, &post, &evaluator, &format!("tall_figur=employment_rate&kohort=2026&storrelse=100&verdi={value}")).await;
            assert_eq!(bad.status, StatusCode::BAD_REQUEST, "{value}");
            assert!(bad.body.contains("må ligge fra 0 til 100"), "{value}: {}", bad.body);
        }
        assert!(app.t.store.certified_figures(id).await.unwrap().is_empty());

        // 37.5 %: (37.5 − 25) / (45 − 25) × 2,000,000 = 1,250,000.
        let ok = app.post_with_csrf(&page, &post, &evaluator, "tall_figur=employment_rate&kohort=2026&storrelse=100&verdi=37%2C5&begrunnelse_tall=Sertifisert+fra+evaluators+rapport").await;
        assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
        let nav = app.login("forvalter").await;
        let body = app.get(&page, Some(&nav)).await.body;
        assert!(body.contains(&kr("1 250 000,00")), "{body}");
        assert!(body.contains("Test evaluator"), "who certified it is shown");
        assert!(body.contains("Skrevet inn") && body.contains("Sertifisert fra evaluators rapport"), "a typed figure shows as typed, with its reason");
        // Certified again: the newest counts, the earlier stays on record.
        app.post_with_csrf(&page, &post, &evaluator, "tall_figur=employment_rate&kohort=2026&storrelse=100&verdi=50&begrunnelse_tall=Sertifisert+fra+evaluators+rapport").await;
        let body = app.get(&page, Some(&nav)).await.body;
        assert!(body.contains(&kr("2 000 000,00")) && !body.contains(&kr("1 250 000,00")), "{body}");
        let stored = app.t.store.certified_figures(id).await.unwrap();
        assert_eq!(stored.len(), 2);
        assert_eq!(stored[0].0.certified.certified_by, "Test evaluator");
        assert!(app.t.execute_raw("UPDATE certified_figures SET value = '0'").await.is_err(), "append-only");

        // Only the evaluator certifies.
        let res = app.post_with_csrf(&page, &post, &nav, "tall_figur=employment_rate&kohort=2027&storrelse=100&verdi=40&begrunnelse_tall=Sertifisert+fra+evaluators+rapport").await;
        assert_eq!(res.status, StatusCode::BAD_REQUEST);
        assert!(res.body.contains("Bare den uavhengige evaluatoren"), "{}", res.body);
        assert!(!app.get(&page, Some(&nav)).await.body.contains(&format!("action=\"{post}\"")), "no form for Nav");
        let admin = app.login("administrator").await;
        assert_eq!(app.get(&page, Some(&admin)).await.status, StatusCode::FORBIDDEN);
        assert_eq!(app.t.store.certified_figures(id).await.unwrap().len(), 2);
    }
}

both_stores! {
    async fn cohort_payments_are_contract_level_lines_on_the_statements(t: TestStore) {
        let app = App::new(t).await;
        // The graduated example, quarterly from 2025, so that its periods are over.
        let text = GRADUATED.replace("starts = 2026-01-01", "starts = 2025-01-01").replace("periods = \"yearly\"", "periods = \"quarterly\"");
        let terms = effekt_engine::contract::check(&text).unwrap();
        let (id, _) = app.t.store.add_contract_version(None, &terms, Some(&text), 100, chrono::Utc::now()).await.unwrap();
        let evaluator = app.t.store.user_by_username("evaluator").await.unwrap().unwrap().id;
        let certify = |value: &str, day: &str| {
            let at = format!("{day}T10:00:00Z").parse::<chrono::DateTime<chrono::Utc>>().unwrap();
            effekt_domain::contract::cohort::CertifiedFigure {
comparison: None,
                cohort: "2025".into(),
                cohort_size: 100,
                value: value.parse().unwrap(),
                certified_by: "Test evaluator".into(),
                certified_on: at.date_naive(),
            }
        };
        // Certified on 15 February 2025: 37.5 % gives 1,250,000 in 2025Q1.
        let at = "2025-02-15T10:00:00Z".parse().unwrap();
        app.t.store.certify_figure(id, "employment_rate", &certify("37.5", "2025-02-15"), evaluator, at).await.unwrap();
        let q1 = app.settle_period(id.0, "2025Q1").await;
        let lines = app.t.store.statement_lines(&[q1], None).await.unwrap();
        assert_eq!(lines.len(), 1);
        let l = &lines[0].1;
        assert_eq!((l.participant.as_str(), l.amount.ore(), l.person, l.provider), ("Kohort 2025", 125_000_000, None, None));
        assert!(l.evidence.contains("certified by Test evaluator on 2025-02-15"), "{}", l.evidence);
        // Re-certified on 10 May as 50 %: the Q1 line is reversed in Q2 and the new one paid.
        let at = "2025-05-10T10:00:00Z".parse().unwrap();
        app.t.store.certify_figure(id, "employment_rate", &certify("50", "2025-05-10"), evaluator, at).await.unwrap();
        let q2 = app.settle_period(id.0, "2025Q2").await;
        let lines: Vec<(String, bool, i64)> = app.t.store.statement_lines(&[q2], None).await.unwrap().into_iter()
            .map(|(_, l)| (l.date.to_string(), l.adjustment, l.amount.ore()))
            .collect();
        assert_eq!(lines, vec![("2025-05-10".into(), false, 200_000_000), ("2025-02-15".into(), true, -125_000_000)]);
        // A contract-level line is nobody's share: providers do not see it.
        let staff = app.login("ansatt.a").await;
        let page = app.get(&format!("/utbetalinger/{q2}"), Some(&staff)).await;
        assert!(!page.body.contains("Kohort 2025"), "{}", page.body);
        let nav = app.login("forvalter").await;
        let page = app.get(&format!("/utbetalinger/{q2}"), Some(&nav)).await.body;
        assert!(page.contains("Kohort 2025") && page.contains(&kr("2 000 000,00")), "{page}");
    }
}

const PER_EVENT: &str = include_str!("../../../examples/contracts/per-event-avoided.toml");

both_stores! {
    async fn a_per_event_figure_needs_its_comparison_and_is_paid_per_event_avoided(t: TestStore) {
        let app = App::new(t).await;
        let terms = effekt_engine::contract::check(PER_EVENT).unwrap();
        let (id, _) = app.t.store.add_contract_version(None, &terms, Some(PER_EVENT), 100, chrono::Utc::now()).await.unwrap();
        let page = format!("/kontrakter/{}", id.0);
        let post = format!("{page}/tall");
        let evaluator = app.login("evaluator").await;
        // Without the comparison group's rate there is nothing to price against.
        let bad = app.post_with_csrf(&page, &post, &evaluator, "tall_figur=restarts_per_100&kohort=2026&storrelse=1000&verdi=52&sammenligning=").await;
        assert_eq!(bad.status, StatusCode::BAD_REQUEST);
        assert!(bad.body.contains("Skriv sammenligningsgruppens verdi"), "{}", bad.body);
        let bad = app.post_with_csrf(&page, &post, &evaluator, "tall_figur=restarts_per_100&kohort=2026&storrelse=1000&verdi=52&sammenligning=-3").await;
        assert!(bad.body.contains("må ligge fra 0"), "{}", bad.body);
        assert!(app.t.store.certified_figures(id).await.unwrap().is_empty());
        // 60 → 52 restarts per 100 in a cohort of 1,000: 13.3 % better ≥ 10 %, 80 avoided ×
        // 25,000 kr = 2,000,000.
        let ok = app.post_with_csrf(&page, &post, &evaluator, "tall_figur=restarts_per_100&kohort=2026&storrelse=1000&verdi=52&sammenligning=60&begrunnelse_tall=Sertifisert+fra+evaluators+rapport").await;
        assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
        let stored = app.t.store.certified_figures(id).await.unwrap();
        assert_eq!(stored[0].0.certified.comparison, Some("60".parse().unwrap()), "kept beside the value");
        let nav = app.login("forvalter").await;
        let body = app.get(&page, Some(&nav)).await.body;
        assert!(body.contains(&kr("2 000 000,00")), "{body}");
    }
}

both_stores! {
    async fn the_contract_cap_binds_a_cohort_line_on_the_statement(t: TestStore) {
        let app = App::new(t).await;
        // The graduated example capped at 1,500,000 for the whole contract (the finding: a
        // contract capped at 6 m paid 8.75 m in one period).
        let text = format!(
            "{}\n[caps]\nper_contract = \"1500000\"\n",
            GRADUATED.replace("starts = 2026-01-01", "starts = 2025-01-01").replace("periods = \"yearly\"", "periods = \"quarterly\"")
        );
        let terms = effekt_engine::contract::check(&text).unwrap();
        let (id, _) = app.t.store.add_contract_version(None, &terms, Some(&text), 100, chrono::Utc::now()).await.unwrap();
        let evaluator = app.t.store.user_by_username("evaluator").await.unwrap().unwrap().id;
        let figure = effekt_domain::contract::cohort::CertifiedFigure {
            comparison: None,
            cohort: "2025".into(),
            cohort_size: 100,
            value: "50".parse().unwrap(),
            certified_by: "Test evaluator".into(),
            certified_on: "2025-02-15".parse().unwrap(),
        };
        let at = "2025-02-15T10:00:00Z".parse().unwrap();
        app.t.store.certify_figure(id, "employment_rate", &figure, evaluator, at).await.unwrap();
        let q1 = app.settle_period(id.0, "2025Q1").await;
        let lines: Vec<(String, String, i64)> = app.t.store.statement_lines(&[q1], None).await.unwrap().into_iter()
            .map(|(_, l)| (l.participant, l.kind.code().to_owned(), l.amount.ore()))
            .collect();
        // 50 % prices 2,000,000; the contract cap takes 500,000 back in its own line.
        assert_eq!(lines, vec![
            ("Kohort 2025".to_owned(), "payment".to_owned(), 200_000_000),
            ("Kohort 2025".to_owned(), "cap:contract".to_owned(), -50_000_000),
        ]);
        let nav = app.login("forvalter").await;
        let page = app.get(&format!("/utbetalinger/{q1}"), Some(&nav)).await.body;
        assert!(page.contains(&kr("1 500 000,00")), "{page}");
    }
}
