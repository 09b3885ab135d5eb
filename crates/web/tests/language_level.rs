//! A provider-assessed language level (issue 13, item 4): its own evidence kind, recorded on
//! the participant page and verified by a colleague. A contract outcome of kind
//! `language_level_assessed` pays it; one of kind `language_level_reached` (the register's
//! language tests) does not count it. Bad input is named beside its field; only provider
//! staff record. Both stores.

#![allow(clippy::disallowed_methods)]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use axum::http::StatusCode;
use common::*;
use effekt_domain::contract::scale::Scale;
use effekt_domain::contract::terms::{ContractOutcome, EvidenceSource};
use effekt_domain::money::Nok;
use effekt_domain::outcomes::timeline::{Cefr, Skill};
use effekt_domain::outcomes::{Definition, OutcomeKind};
use effekt_store::both_stores;
use effekt_store::fixture::{self, CONTRACT};

fn outcome(
    name: &str,
    kind: OutcomeKind,
    evidence: EvidenceSource,
    kroner: i64,
) -> ContractOutcome {
    ContractOutcome {
        definition: Definition {
            name: name.into(),
            kind,
        },
        evidence,
        max_payments: 1,
        cap: None,
        scale: Scale::Fixed {
            amount: Nok::from_kroner(kroner).unwrap(),
        },
    }
}

/// The fixture contract paying 15,000 for a provider-assessed B1 in reading, and 5,000 for a
/// register test at B1 in reading.
async fn price_reading(app: &App) {
    let mut terms = fixture::contract_terms(50_000).unwrap();
    terms.outcomes.push(outcome(
        "Vurdert lesing B1",
        OutcomeKind::LanguageLevelAssessed {
            skill: Skill::Reading,
            level: Cefr::B1,
            months: 12,
        },
        EvidenceSource::ProviderRecord,
        15_000,
    ));
    terms.outcomes.push(outcome(
        "Prøve lesing B1",
        OutcomeKind::LanguageLevelReached {
            skill: Skill::Reading,
            level: Cefr::B1,
            months: 12,
        },
        EvidenceSource::TestCertificate,
        5_000,
    ));
    app.t
        .store
        .add_contract_version(Some(CONTRACT), &terms, None, 6, chrono::Utc::now())
        .await
        .unwrap();
}

fn record_ids(html: &str) -> Vec<String> {
    html.split("<tr id=\"delmal-")
        .skip(1)
        .filter_map(|rest| rest.split('"').next().map(str::to_owned))
        .collect()
}

both_stores! {
    async fn an_assessed_level_verified_by_a_colleague_is_paid_where_the_contract_counts_it(t: TestStore) {
        let app = App::new(t).await;
        price_reading(&app).await;
        let staff = app.login("ansatt.a").await;
        let res = app.post_with_csrf("/deltakere/1", "/deltakere/1/sprakniva", &staff, "ferdighet=reading&niva=B1&vurdert_dato=10.03.2025").await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
        let page = app.get("/deltakere/1", Some(&staff)).await.body;
        assert!(page.contains("Vurdert språknivå, lese: B1"), "listed with the milestones");
        let ids = record_ids(&page);
        assert_eq!(ids.len(), 1);
        // The recorder may not verify; a colleague does.
        let verify = |cookie: String| {
            let (app, id) = (&app, ids[0].clone());
            async move { app.post_with_csrf("/hjem", &format!("/deltakere/1/delmal/{id}"), &cookie, "handling=verifiser").await }
        };
        assert_eq!(verify(staff.clone()).await.status, StatusCode::BAD_REQUEST);
        assert_eq!(verify(app.login("admin.a").await).await.status, StatusCode::SEE_OTHER);

        let q1 = app.settle_period(1, "2025Q1").await;
        let lines: Vec<_> = app.t.store.statement_lines(&[q1], None).await.unwrap().into_iter().map(|(_, l)| l).collect();
        let assessed: Vec<_> = lines.iter().filter(|l| l.outcome == "Vurdert lesing B1").collect();
        assert_eq!(assessed.len(), 1, "{lines:?}");
        assert_eq!(assessed[0].amount.ore(), 1_500_000);
        assert!(assessed[0].evidence.contains(&ids[0]), "the record is the evidence");
        // The register-test outcome does not count the provider's assessment.
        assert!(!lines.iter().any(|l| l.outcome == "Prøve lesing B1" && l.evidence.contains("D-")), "{lines:?}");
        let ops = app.t.store.operations().await.unwrap();
        assert!(ops.iter().any(|o| o.action == "language-level.record"));
    }
}

both_stores! {
    async fn a_bad_assessment_is_named_beside_its_field_and_only_provider_staff_record(t: TestStore) {
        let app = App::new(t).await;
        let staff = app.login("ansatt.a").await;
        let generation = app.t.store.generation().await.unwrap();
        for (form, field) in [
            ("ferdighet=&niva=B1&vurdert_dato=10.03.2025", "ferdighet"),
            ("ferdighet=reading&niva=D7&vurdert_dato=10.03.2025", "niva"),
            ("ferdighet=reading&niva=B1&vurdert_dato=10.03.2099", "vurdert_dato"),
            ("ferdighet=reading&niva=B1&vurdert_dato=10.01.2025", "vurdert_dato"),
        ] {
            let res = app.post_with_csrf("/deltakere/1", "/deltakere/1/sprakniva", &staff, form).await;
            assert_eq!(res.status, StatusCode::BAD_REQUEST, "{form}");
            assert!(res.body.contains(&format!("id=\"{field}-error\"")), "{form}: beside {field}");
        }
        // The milestone form does not take an assessed level's identifier.
        let res = app.post_with_csrf("/deltakere/1", "/deltakere/1/delmal", &staff, "delmal=cefr-vurdert-reading&nadd_dato=10.03.2025").await;
        assert_eq!(res.status, StatusCode::BAD_REQUEST);
        for user in ["veileder1", "ansatt.b", "forvalter", "evaluator", "investor"] {
            let cookie = app.login(user).await;
            let res = app.post_with_csrf("/hjem", "/deltakere/1/sprakniva", &cookie, "ferdighet=reading&niva=B1&vurdert_dato=10.03.2025").await;
            assert!(matches!(res.status, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND), "{user}: {}", res.status);
        }
        assert_eq!(app.t.store.generation().await.unwrap(), generation, "nothing stored");
    }
}
