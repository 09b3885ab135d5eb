//! Provider evidence (issue 11): milestones recorded by a provider and verified by another
//! person are imported whole or not at all, priced by the outcomes that name them, and a
//! retraction reverses the payment in the next open period; on both stores.

#![allow(clippy::disallowed_methods)]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;
use effekt_app::policy::Grant;
use effekt_domain::contract::scale::Scale;
use effekt_domain::contract::terms::{ContractOutcome, EvidenceSource};
use effekt_domain::money::Nok;
use effekt_domain::outcomes::{Definition, OutcomeKind};
use effekt_store::both_stores;
use effekt_store::fixture::{self, CONTRACT};

/// Amina's national id (participant 1 of the fixture contract).
fn amina() -> String {
    let data = fixture::dataset().unwrap();
    let p = data
        .persons
        .iter()
        .find(|p| p.given_name == "Amina")
        .unwrap();
    p.ids.records()[0].national_id.to_string()
}

const HEADER: &str =
    "record_id;national_id;identifier;date;score;recorded_by;verified_by;verified_on;action\n";

async fn import(app: &App, text: &str) -> Result<usize, Vec<String>> {
    import_into(app, CONTRACT, text).await
}

async fn import_into(
    app: &App,
    contract: effekt_domain::ids::ContractId,
    text: &str,
) -> Result<usize, Vec<String>> {
    let (core, viewer) = app.operator("administrator", Grant::Administration).await;
    let admin = viewer.administration(&core).unwrap();
    let file = scratch_file("dokumentasjon.csv", text);
    admin
        .import_evidence_file(contract, &file)
        .await
        .unwrap()
        .map_err(|p| p.iter().map(ToString::to_string).collect())
}

/// The outcome lines of `statement` for the kartlegging milestone: (adjustment, amount in øre).
async fn kartlegging(app: &App, statement: i64) -> Vec<(bool, i64)> {
    app.t
        .store
        .statement_lines(&[statement], None)
        .await
        .unwrap()
        .into_iter()
        .map(|(_, l)| l)
        .filter(|l| l.outcome == "Kartlegging")
        .map(|l| (l.adjustment, l.amount.ore()))
        .collect()
}

both_stores! {
    async fn a_verified_milestone_pays_and_its_retraction_is_reversed(t: TestStore) {
        let app = App::new(t).await;
        // The fixture contract gains REFINO's first stage: 20,000 for a verified assessment.
        let mut terms = fixture::contract_terms(50_000).unwrap();
        terms.outcomes.push(ContractOutcome {
            definition: Definition {
                name: "Kartlegging".into(),
                kind: OutcomeKind::MilestoneVerified { milestone: "kartlegging".into(), months: 12 },
            },
            evidence: EvidenceSource::ProviderRecord,
            max_payments: 1,
            cap: None,
            scale: Scale::Fixed { amount: Nok::from_kroner(20_000).unwrap() },
        });
        app.t.store.add_contract_version(Some(CONTRACT), &terms, None, 6, chrono::Utc::now()).await.unwrap();
        let id = amina();

        // A row about nobody in the contract: named, and nothing of the file is stored.
        let generation = app.t.store.generation().await.unwrap();
        let bad = format!("{HEADER}M-1;{id};kartlegging;2025-03-10;;Kari Veileder;Per Evaluator;2025-03-15;\nM-2;13527248013;kartlegging;2025-03-10;;Kari Veileder;Per Evaluator;2025-03-15;\n");
        let refused = import(&app, &bad).await.unwrap_err();
        assert_eq!(refused, ["line 3, national_id: no participant of contract 1 has this id"]);
        assert_eq!(app.t.store.generation().await.unwrap(), generation, "nothing stored");

        // Recorded but not yet verified: not paid.
        assert_eq!(import(&app, &format!("{HEADER}M-1;{id};kartlegging;2025-03-10;;Kari Veileder;;;\n")).await, Ok(1));
        // Verified by another person (a correction of the same record): paid in 2025Q1.
        assert_eq!(import(&app, &format!("{HEADER}M-1;{id};kartlegging;2025-03-10;;Kari Veileder;Per Evaluator;2025-03-15;\n")).await, Ok(1));
        let q1 = app.settle_period(1, "2025Q1").await;
        assert_eq!(kartlegging(&app, q1).await, vec![(false, 2_000_000)]);

        // Withdrawn after Q1 was paid: the next open period reverses it; Q1 is never edited.
        let paid = app.t.store.statement_lines(&[q1], None).await.unwrap();
        assert_eq!(import(&app, &format!("{HEADER}M-1;{id};kartlegging;2025-03-10;;Kari Veileder;Per Evaluator;2025-03-15;retract\n")).await, Ok(1));
        let q2 = app.settle_period(1, "2025Q2").await;
        assert_eq!(kartlegging(&app, q2).await, vec![(true, -2_000_000)]);
        assert_eq!(app.t.store.statement_lines(&[q1], None).await.unwrap(), paid);

        // Naming a person of another contract is refused the same way, and the attempt is on
        // that person's audit record.
        let other = effekt_engine::contract::check(include_str!("../../../examples/contracts/rate-card.toml")).unwrap();
        let (second, _) = app.t.store.add_contract_version(None, &other, None, 10, chrono::Utc::now()).await.unwrap();
        let refused = import_into(&app, second, &format!("{HEADER}M-9;{id};kartlegging;2025-03-10;;Kari Veileder;Per Evaluator;2025-03-15;\n")).await.unwrap_err();
        assert_eq!(refused, [format!("line 2, national_id: no participant of contract {} has this id", second.0)]);
        let denied = app.t.store.audit_records().await.unwrap().into_iter()
            .filter(|r| r.record.purpose == "participant.evidence" && r.record.decision == effekt_store::model::Decision::Deny)
            .count();
        assert_eq!(denied, 1, "the probe is audited against the person named");
        // Append-only.
        assert!(app.t.execute_raw("UPDATE provider_evidence SET retracted = FALSE").await.is_err());
        assert!(app.t.execute_raw("DELETE FROM provider_evidence").await.is_err());
        // The import is in the audit log: one operation, and Amina's record touched.
        let cef = app.t.store.audit_records().await.unwrap();
        assert!(cef.iter().any(|r| r.record.purpose == "participant.evidence"), "audited");
    }
}
