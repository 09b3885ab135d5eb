//! Time is an input: with the application's clock pinned, a period can be computed from the
//! first day after it ends in Oslo and not before, and across a contract's end the contract
//! page and the statement agree on whether the pooled cohort test is made. Both stores.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::sync::Arc;

use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use common::*;
use effekt_app::FixedClock;
use effekt_domain::contract::cohort::CertifiedFigure;
use effekt_domain::ids::ContractId;
use effekt_store::both_stores;

fn at(s: &str) -> DateTime<Utc> {
    s.parse().unwrap()
}

fn kr(amount: &str) -> String {
    format!("kr\u{a0}{}", amount.replace(' ', "\u{a0}"))
}

both_stores! {
    async fn a_period_is_computed_from_the_first_day_after_it_in_oslo(t: TestStore) {
        // 31 March 2025, 23:59 in Oslo (summer time since 30 March): Q1 is not over.
        let clock = Arc::new(FixedClock::new(at("2025-03-31T21:59:00Z")));
        let app = App::with_clock(t, Some(clock.clone())).await;
        let nav = app.login("forvalter").await;
        let list = app.get("/utbetalinger", Some(&nav)).await.body;
        assert!(list.contains("Perioden 2025Q1 er ikke over ennå (slutter 31.03.2025)."), "{list}");
        let res = app.post_with_csrf("/utbetalinger", "/utbetalinger/beregn", &nav, "contract=1&period=2025Q1").await;
        assert_eq!(res.status, StatusCode::BAD_REQUEST);
        assert!(res.body.contains("ikke over ennå"), "{}", res.body);
        // Two minutes later it is 1 April in Oslo, still 31 March in UTC: now it may be computed.
        clock.set(at("2025-03-31T22:01:00Z"));
        let res = app.post_with_csrf("/utbetalinger", "/utbetalinger/beregn", &nav, "contract=1&period=2025Q1").await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
        let api = app.get("/api/statements", Some(&nav)).await.body;
        let json: serde_json::Value = serde_json::from_str(&api).unwrap();
        let first = &json[0]["statements"][0];
        assert_eq!((first["period"].as_str(), first["computed_on"].as_str()), (Some("2025Q1"), Some("2025-04-01")), "computed on the Oslo date: {api}");
    }
}

const TRIGGER: &str = include_str!("../../../examples/contracts/cohort-trigger.toml");

both_stores! {
    async fn across_the_contracts_end_the_page_promises_only_what_the_statement_pays(t: TestStore) {
        // After the contract's end (31.12.2025), before any figure is certified after it.
        let clock = Arc::new(FixedClock::new(at("2026-03-01T10:00:00Z")));
        let app = App::with_clock(t, Some(clock.clone())).await;
        let text = TRIGGER.replace("starts = 2026-01-01", "starts = 2025-01-01").replace("ends = 2031-12-31", "ends = 2025-12-31");
        let terms = effekt_engine::contract::check(&text).unwrap();
        let (id, _) = app.t.store.add_contract_version(None, &terms, Some(&text), 2800, at("2025-01-01T00:00:00Z")).await.unwrap();
        let evaluator = app.t.store.user_by_username("evaluator").await.unwrap().unwrap().id;
        let certify = |cohort: &str, size: u32, value: &str, day: &str| {
            let figure = CertifiedFigure {
comparison: None,
                cohort: cohort.into(),
                cohort_size: size,
                value: value.parse().unwrap(),
                certified_by: "Test evaluator".into(),
                certified_on: day.parse().unwrap(),
            };
            let store = app.t.store.clone();
            let day = day.to_owned();
            async move {
                store.certify_figure(id, "reduction_vs_comparison", &figure, evaluator, at(&format!("{day}T10:00:00Z"))).await.unwrap();
            }
        };
        certify("C1", 1000, "8.4", "2025-06-01").await;
        certify("C2", 1000, "11", "2025-06-01").await;
        certify("C3", 800, "6", "2025-06-01").await;
        let nav = app.login("forvalter").await;
        let page = format!("/kontrakter/{}", id.0);
        // Certified before the end: C2 earns 3,000,000; the pooled top-up is not promised.
        let body = app.get(&page, Some(&nav)).await.body;
        assert!(body.contains(&kr("3 000 000,00")), "{body}");
        assert!(!body.contains(&kr("5 400 000,00")), "the page promised a pooled top-up: {body}");
        let lines = computed_lines(&app, &nav, id).await;
        assert_eq!(lines, vec![("Kohort C2".to_owned(), 300_000_000)]);
        // A figure certified after the end opens the final round, on the page and the statement.
        certify("C3", 800, "6", "2026-02-01").await;
        let body = app.get(&page, Some(&nav)).await.body;
        assert!(body.contains(&kr("5 400 000,00")), "{body}");
        let lines = computed_lines(&app, &nav, id).await;
        assert_eq!(lines, vec![("Kohort C2".to_owned(), 300_000_000), ("Kohort pooled".to_owned(), 540_000_000)]);
    }
}

/// Computes the contract's (only) period 2025 through the page; its lines.
async fn computed_lines(app: &App, nav: &str, id: ContractId) -> Vec<(String, i64)> {
    let statement = app.compute(nav, id.0, "2025").await;
    let mut lines: Vec<(String, i64)> = app
        .t
        .store
        .statement_lines(&[statement], None)
        .await
        .unwrap()
        .into_iter()
        .map(|(_, l)| (l.participant, l.amount.ore()))
        .collect();
    lines.sort();
    lines
}

both_stores! {
    async fn a_login_form_older_than_an_hour_is_refused(t: TestStore) {
        let clock = Arc::new(FixedClock::new(at("2026-11-02T08:00:00Z")));
        let app = App::with_clock(t, Some(clock.clone())).await;
        let form = app.get("/logg-inn", None).await;
        let cookie = set_cookie(&form, "effekt_login_csrf").unwrap();
        let token = hidden(&form.body, "csrf").unwrap();
        let body = format!("csrf={token}&username=veileder1&password={PASSWORD}");
        let submit = || app.post_form("/logg-inn", Some(&cookie), &body);
        clock.set(at("2026-11-02T09:01:00Z"));
        let res = submit().await;
        assert_eq!(res.status, StatusCode::BAD_REQUEST);
        assert!(res.body.contains("Skjemaet var utløpt"), "{}", res.body);
        clock.set(at("2026-11-02T08:59:00Z"));
        assert_eq!(submit().await.status, StatusCode::SEE_OTHER);
    }
}
