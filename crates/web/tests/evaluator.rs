//! What the evaluator sees cannot be looked up (issue 10, M4): evidence ids on statements and
//! in their files are pseudonymised for the evaluator (Nav keeps them, to verify against the
//! registers), pseudonyms read in groups, and the participant view shows no exact date and no
//! combination of values that fewer than 5 participants share. Both stores.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use axum::http::StatusCode;
use common::*;
use effekt_store::both_stores;

both_stores! {
    async fn evidence_ids_are_pseudonymised_for_the_evaluator_only(t: TestStore) {
        let app = App::new(t).await;
        let id = app.settle_period(1, "2025Q1").await;
        app.settle_period(1, "2025Q2").await;
        let q3 = app.compute(&app.login("forvalter").await, 1, "2025Q3").await;
        let statement = app.t.store.statement(q3).await.unwrap().unwrap();
        let lines = app.t.store.statement_lines(&[q3], None).await.unwrap();
        // The register's own ids: every evidence token but the snapshot and month intervals.
        let ids: Vec<String> = lines
            .iter()
            .filter(|(_, l)| l.person.is_some())
            .flat_map(|(_, l)| l.evidence.split(' ').map(str::to_owned).collect::<Vec<_>>())
            .filter(|t| *t != statement.snapshot && !t.contains('/'))
            .collect();
        assert!(!ids.is_empty(), "{lines:?}");
        let page = format!("/utbetalinger/{q3}");
        let evaluator = app.login("evaluator").await;
        let seen = app.get(&page, Some(&evaluator)).await.body;
        let csv = app.get(&format!("{page}/linjer.csv?format=machine"), Some(&evaluator)).await.body;
        let excel = app.get(&format!("{page}/linjer.csv"), Some(&evaluator)).await.body;
        let api = app.get(&format!("/api/statements/{q3}"), Some(&evaluator)).await.body;
        // Compared token by token in the files and the API (a short id like "D2" could stand
        // by chance inside a random token), and as text on the page for the longer ones.
        let mut csv_tokens: Vec<&str> = csv.lines().skip(1).flat_map(|l| l.split(',').nth(8).unwrap_or("").split(' ')).collect();
        csv_tokens.extend(excel.lines().skip(1).flat_map(|l| l.split(';').nth(8).unwrap_or("").split(' ')));
        let json: serde_json::Value = serde_json::from_str(&api).unwrap();
        let api_tokens: Vec<String> = json["lines"].as_array().unwrap().iter()
            .flat_map(|l| l["evidence"].as_str().unwrap_or("").split(' ').map(str::to_owned).collect::<Vec<_>>())
            .collect();
        for id in &ids {
            assert!(!csv_tokens.contains(&id.as_str()) && !api_tokens.contains(id), "the evaluator sees {id}");
            if id.len() >= 6 {
                assert!(!seen.contains(id.as_str()), "the evaluator's page shows {id}");
            }
        }
        assert!(seen.contains("E-") && csv.contains("E-"), "{csv}");
        // Pseudonyms read in groups of five.
        assert!(seen.contains("<code>P-") && seen.matches("<code>P-").count() == lines.len(), "{seen}");
        let first = csv.lines().nth(1).unwrap().split(',').nth(1).unwrap().to_owned();
        assert_eq!(first.len(), 25, "{first}");
        assert_eq!(first.matches('-').count(), 4, "{first}");
        // Nav verifies against the registers: the contract manager keeps the ids.
        let nav = app.login("forvalter").await;
        let theirs = app.get(&page, Some(&nav)).await.body;
        assert!(ids.iter().all(|id| theirs.contains(id.as_str())));
        // Display only: the stored lines and what was approved are untouched.
        assert_eq!(app.t.store.statement_lines(&[id], None).await.unwrap().iter().filter(|(_, l)| l.evidence.contains("E-")).count(), 0);
    }
}

both_stores! {
    async fn the_evaluators_participant_view_shows_no_exact_date_and_no_small_combination(t: TestStore) {
        let app = App::new(t).await;
        let evaluator = app.login("evaluator").await;
        let page = app.get("/evaluering", Some(&evaluator)).await;
        assert_eq!(page.status, StatusCode::OK);
        let dates = regex_like_dates(&page.body);
        assert!(dates.is_empty(), "exact dates on the evaluator's page: {dates:?}");
        let json: serde_json::Value = serde_json::from_str(&app.get("/api/pseudonymised", Some(&evaluator)).await.body).unwrap();
        let items = json["items"].as_array().unwrap();
        assert!(!items.is_empty());
        // The fixture contract has 7 participants in 2 providers: no combination reaches 5, so
        // every row shows its pseudonym and nothing else.
        let mut combinations = std::collections::HashMap::new();
        for i in items {
            assert!(i.get("start_date").is_none(), "{i}");
            let key = (i["provider"].clone(), i["status_group"].clone(), i["group"].clone(), i["start"].clone());
            *combinations.entry(key).or_insert(0) += 1;
        }
        for ((provider, status, group, start), n) in combinations {
            let shown_anything = !(provider.is_null() && status.is_null() && group.is_null() && start.is_null());
            assert!(!shown_anything || n >= 5, "{provider} {status} {group} {start}: {n}");
        }
    }
}

/// Every `dd.mm.yyyy` on a page.
fn regex_like_dates(body: &str) -> Vec<String> {
    let b = body.as_bytes();
    let mut out = Vec::new();
    for i in 0..b.len().saturating_sub(9) {
        let w = &b[i..i + 10];
        let digit = |j: usize| w[j].is_ascii_digit();
        if digit(0)
            && digit(1)
            && w[2] == b'.'
            && digit(3)
            && digit(4)
            && w[5] == b'.'
            && (6..10).all(digit)
        {
            out.push(String::from_utf8_lossy(w).into_owned());
        }
    }
    out
}
