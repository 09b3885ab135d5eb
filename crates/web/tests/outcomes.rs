//! Outcomes in the product, on both stores: each participant's outcomes on their page for
//! those who may see them (judged from the stored snapshot, linked through the id history), and
//! per provider with small cells suppressed for those who see aggregates. The expected dates are
//! worked out by hand from the fixture register (`effekt_store::fixture::register`).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use axum::http::StatusCode;
use common::*;
use effekt_store::both_stores;
use effekt_store::fixture::*;
use effekt_store::model::Decision;

/// The outcome table rows of a participant page as (name, status, date, magnitude) text.
fn rows(body: &str) -> Vec<String> {
    let Some(start) = body.find("id=\"outcomes-heading\"") else {
        return Vec::new();
    };
    body[start..]
        .split("<tr>")
        .skip(2)
        .map(|row| {
            let mut text = String::new();
            let mut inside = false;
            for c in row.split("</tbody>").next().unwrap().chars() {
                match c {
                    '<' => {
                        inside = true;
                        text.push('|');
                    }
                    '>' => inside = false,
                    c if !inside => text.push(c),
                    _ => {}
                }
            }
            text.split('|')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .collect::<Vec<_>>()
                .join(" | ")
        })
        .collect()
}

both_stores! {
    async fn a_case_officer_sees_outcomes_judged_from_the_register(t: TestStore) {
        let app = App::new(t).await;
        let officer = app.login("veileder1").await;
        let amina = app.get(&format!("/deltakere/{}", AMINA.0), Some(&officer)).await;
        assert_eq!(amina.status, StatusCode::OK);
        assert!(amina.body.contains("fixture-2026-06") && amina.body.contains("30.06.2026"));
        // Started 01.03.2025; a 60 % job from 01.04.2025: 26 weeks are complete on 29.09.2025.
        // Introduksjonsstønad until 31.05.2025: June to November free, achieved 30.11.2025.
        // Speaking B1 on 02.10.2025 with no earlier test: three CEFR steps up from below A1.
        assert_eq!(rows(&amina.body), [
            "Varig arbeid | Oppnådd | 29.09.2025 | 60 % stilling i snitt | A1",
            "Seks måneder uten ytelser | Oppnådd | 30.11.2025 | – | fixture-2026-06, 2025-04/2025-11",
            "Utdanning påbegynt | Venter | – | –",
            "Norsk muntlig B1 | Oppnådd | 02.10.2025 | 3 nivå(er) opp | T1",
        ]);
        // Yusuf started an education on 20.08.2025.
        let yusuf = app.get(&format!("/deltakere/{}", YUSUF.0), Some(&officer)).await;
        assert!(rows(&yusuf.body).contains(&"Utdanning påbegynt | Oppnådd | 20.08.2025 | – | U1".to_owned()), "{:?}", rows(&yusuf.body));
        // Olena's 100 % job from 01.03.2026 cannot reach 26 weeks before the cut-off.
        let olena = app.get(&format!("/deltakere/{}", OLENA.0), Some(&officer)).await;
        assert_eq!(rows(&olena.body)[0], "Varig arbeid | Venter | – | –");
    }
}

both_stores! {
    async fn a_job_split_across_a_d_nummer_and_a_fodselsnummer_counts_as_one(t: TestStore) {
        let app = App::new(t).await;
        let officer = app.login("veileder2").await;
        let dawit = app.get(&format!("/deltakere/{}", DAWIT.0), Some(&officer)).await;
        assert_eq!(dawit.status, StatusCode::OK);
        // 50 % from 10.03.2025 under the D-nummer, then from 15.08.2025 under the
        // fødselsnummer: one unbroken job, 26 weeks complete on 07.09.2025. Without the id
        // history it would be 11.02.2026. Both spells are the evidence.
        assert_eq!(rows(&dawit.body)[0], "Varig arbeid | Oppnådd | 07.09.2025 | 50 % stilling i snitt | D1, D2");
    }
}

both_stores! {
    async fn outcomes_follow_the_masking_and_say_when_a_person_is_not_in_the_register(t: TestStore) {
        let app = App::new(t).await;
        // Leila (strengt fortrolig) is masked for the Søndre case officer: no outcomes at all.
        let officer = app.login("veileder2").await;
        let masked = app.get(&format!("/deltakere/{}", LEILA.0), Some(&officer)).await;
        assert_eq!(masked.status, StatusCode::OK);
        assert!(!masked.body.contains("outcomes-heading"));
        // Her assigned provider staff sees her, and that she is not in the register, without
        // any judgement (an empty timeline would otherwise count as benefit-free).
        let staff = app.login("ansatt.a").await;
        let open = app.get(&format!("/deltakere/{}", LEILA.0), Some(&staff)).await;
        assert!(open.body.contains("outcomes-heading"));
        assert!(open.body.contains("Ingen av personens identer finnes i registeruttrekket"));
        assert!(rows(&open.body).is_empty());
        // Another provider's staff cannot reach her outcomes, and the attempt is audited.
        let other = app.login("ansatt.b").await;
        assert_eq!(app.get(&format!("/deltakere/{}", LEILA.0), Some(&other)).await.status, StatusCode::NOT_FOUND);
        let records = app.t.store.audit_records().await.unwrap();
        assert!(records.iter().any(|r| r.record.actor_name == "ansatt.b" && r.record.decision == Decision::Deny && r.record.subject.0 == 3));
        assert!(records.iter().any(|r| r.record.actor_name == "ansatt.a" && r.record.purpose == "participant.outcomes" && r.record.subject.0 == 3));
        assert!(!records.iter().any(|r| r.record.actor_name == "veileder2" && r.record.purpose == "participant.outcomes"));
    }
}

both_stores! {
    async fn results_per_provider_are_suppressed_and_name_no_one(t: TestStore) {
        let app = App::new(t).await;
        for user in ["investor", "forvalter", "tilrettelegger"] {
            let cookie = app.login(user).await;
            let page = app.get("/resultater", Some(&cookie)).await;
            assert_eq!(page.status, StatusCode::OK, "{user}");
            for outcome in ["Varig arbeid", "Seks måneder uten ytelser", "Utdanning påbegynt", "Norsk muntlig B1"] {
                assert!(page.body.contains(outcome), "{user}: {outcome}");
            }
            // Six participants in two providers: every cell is small, so none is a number but
            // the grand total of participants who have started.
            let cells: Vec<&str> = page.body.split("<td class=\"num\">").skip(1).map(|c| c.split('<').next().unwrap()).collect();
            assert!(cells.iter().all(|c| *c == "&#60;5" || *c == "&lt;5" || *c == "x" || *c == "6"), "{cells:?}");
            for name in ["Amina", "Hassan", "Dawit", "Leila", "Olena"] {
                assert!(!page.body.contains(name), "{user} saw {name}");
            }
        }
        for user in ["veileder1", "ansatt.a", "evaluator", "administrator"] {
            let cookie = app.login(user).await;
            assert_eq!(app.get("/resultater", Some(&cookie)).await.status, StatusCode::FORBIDDEN, "{user}");
        }
    }
}

both_stores! {
    async fn the_api_gives_the_same_outcomes_and_refuses_masked_persons(t: TestStore) {
        let app = App::new(t).await;
        let officer = app.login("veileder2").await;
        let res = app.get(&format!("/api/participants/{}/outcomes", DAWIT.0), Some(&officer)).await;
        assert_eq!(res.status, StatusCode::OK);
        let json: serde_json::Value = serde_json::from_str(&res.body).unwrap();
        assert_eq!(json["snapshot"]["key"], "fixture-2026-06");
        assert_eq!(json["rows"][0]["name"], "Varig arbeid");
        assert_eq!(json["rows"][0]["status"], "achieved");
        assert_eq!(json["rows"][0]["date"], "2025-09-07");
        assert_eq!(json["rows"][0]["evidence"], serde_json::json!(["D1", "D2"]));
        // Leila is masked for this case officer: her outcomes are refused, not emptied.
        let res = app.get(&format!("/api/participants/{}/outcomes", LEILA.0), Some(&officer)).await;
        assert_eq!(res.status, StatusCode::FORBIDDEN);
        let investor = app.login("investor").await;
        let res = app.get("/api/results", Some(&investor)).await;
        let json: serde_json::Value = serde_json::from_str(&res.body).unwrap();
        assert_eq!(json.as_array().unwrap().len(), 1, "one contract");
        assert_eq!(json[0]["contract"], "Jobbvei Oslo");
        assert_eq!(json[0]["tables"].as_array().unwrap().len(), 4);
        assert_eq!(json[0]["tables"][0]["total"], "6");
    }
}
