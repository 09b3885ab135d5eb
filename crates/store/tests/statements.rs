//! Payment statements in the store, on SQLite and PostgreSQL: lines and steps read back as
//! written, a recomputed draft withdraws the old one, concurrent steps and computations are
//! conflicts rather than lost updates, and nothing can be changed or deleted afterwards.

#![allow(clippy::disallowed_methods)]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use chrono::{NaiveDate, TimeZone, Utc};
use effekt_domain::contract::ledger::{CapKind, LineKind};
use effekt_domain::contract::statement::{Event, Stage, Step};
use effekt_domain::ids::{PersonKey, UserId};
use effekt_domain::money::Nok;
use effekt_domain::role::Role;
use effekt_store::both_stores;
use effekt_store::fixture::{self, *};
use effekt_store::model::*;
use effekt_store::testing::TestStore;
use effekt_store::StoreError;
use rust_decimal::Decimal;

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

async fn user(t: &TestStore, name: &str, role: Role) -> UserId {
    t.store
        .create_user(&NewUser {
            username: name.into(),
            display_name: format!("{name} (visningsnavn)"),
            password_hash: "x".into(),
            role,
            scope: UserScope::None,
            discipline: None,
        })
        .await
        .unwrap()
}

fn line(
    participant: &str,
    provider: effekt_domain::ids::ProviderId,
    amount: i64,
) -> StatementLineRecord {
    StatementLineRecord {
        participant: participant.into(),
        person: Some(PersonKey(1)),
        provider: Some(provider),
        outcome: "Jobbstart".into(),
        date: date(2026, 8, 3),
        occurrence: 0,
        kind: LineKind::Payment,
        adjustment: false,
        magnitude: Some(Decimal::new(625, 1)),
        amount: Nok::from_ore(amount),
        evidence: "emp-1 snap-1".into(),
        version: Some(1),
    }
}

fn new_statement(by: UserId, lines: Vec<StatementLineRecord>) -> NewStatement {
    NewStatement {
        contract: CONTRACT,
        period: "2026Q3".into(),
        period_start: date(2026, 7, 1),
        versions: "1".into(),
        snapshot: "snap-1".into(),
        lines,
        computed: Event {
            step: Step::Compute,
            by,
            role: Role::NavContractManager,
            at: Utc.with_ymd_and_hms(2026, 10, 10, 9, 0, 0).unwrap(),
        },
        replaces_because: None,
    }
}

both_stores! {
    async fn a_statement_keeps_its_lines_and_steps_and_a_recomputation_withdraws_the_draft(t: TestStore) {
        t.store.insert_dataset(&fixture::dataset().unwrap()).await.unwrap();
        let manager = user(&t, "forvalter", Role::NavContractManager).await;
        let evaluator = user(&t, "evaluator", Role::Evaluator).await;
        let capped = StatementLineRecord {
            kind: LineKind::Cap(CapKind::Participant),
            amount: Nok::from_ore(-500_000),
            magnitude: None,
            version: None,
            adjustment: true,
            ..line("P-a", PROVIDER_A, 0)
        };
        let lines = vec![line("P-a", PROVIDER_A, 3_000_000), capped.clone(), line("P-b", PROVIDER_B, 1_500_000)];
        let first = t.store.add_statement(&new_statement(manager, lines.clone()), None).await.unwrap();
        let s = t.store.statement(first).await.unwrap().unwrap();
        assert_eq!(s.total, Nok::from_ore(4_000_000), "the total is the sum of the lines");
        assert_eq!(s.rules().stage(), Stage::Computed);
        assert_eq!(s.events[0].user_name, "forvalter (visningsnavn)");
        let read: Vec<_> = t.store.statement_lines(&[first], None).await.unwrap().into_iter().map(|(_, l)| l).collect();
        assert_eq!(read, lines);
        let own: Vec<_> = t.store.statement_lines(&[first], Some(PROVIDER_B)).await.unwrap();
        assert_eq!(own.len(), 1, "a provider's share is its own participants' lines");
        assert_eq!(own[0].1.participant, "P-b");

        // A step is numbered; a second step with the same number is a conflict, not a lost update.
        let verify = Event { step: Step::Verify, by: evaluator, role: Role::Evaluator, at: Utc::now() };
        t.store.add_statement_event(first, 1, &verify).await.unwrap();
        assert!(matches!(
            t.store.add_statement_event(first, 1, &verify).await,
            Err(StoreError::Conflict(_))
        ));

        // Recomputing must name the draft it replaces.
        assert!(matches!(
            t.store.add_statement(&new_statement(manager, vec![]), None).await,
            Err(StoreError::Conflict(_))
        ));
        // ... as it was: it has two events now (computed, verified), not one.
        assert!(matches!(
            t.store.add_statement(&new_statement(manager, vec![]), Some((first, 1))).await,
            Err(StoreError::Conflict(_))
        ));
        let second = t.store.add_statement(&new_statement(manager, vec![line("P-c", PROVIDER_A, 100)]), Some((first, 2))).await.unwrap();
        let old = t.store.statement(first).await.unwrap().unwrap();
        assert_eq!(old.rules().stage(), Stage::Withdrawn);
        assert_eq!(old.events.len(), 3);
        let all = t.store.statements(CONTRACT).await.unwrap();
        assert_eq!(all.iter().map(|s| s.id).collect::<Vec<_>>(), vec![first, second]);
        // The withdrawn statement's lines are still there, as they were.
        assert_eq!(t.store.statement_lines(&[first], None).await.unwrap().len(), 3);

        // Nothing can be changed or deleted, not even by hand.
        for sql in [
            "UPDATE statements SET total_ore = 0",
            "DELETE FROM statements",
            "UPDATE statement_lines SET amount_ore = 0",
            "DELETE FROM statement_lines",
            "UPDATE statement_events SET step = 'pay'",
            "DELETE FROM statement_events",
        ] {
            assert!(t.execute_raw(sql).await.is_err(), "{sql} must be refused");
        }
        assert_eq!(t.store.statement(first).await.unwrap().unwrap().total, Nok::from_ore(4_000_000));
    }
}

both_stores! {
    async fn a_page_of_lines_counts_and_sums_them_all_and_outcome_totals_group_them(t: TestStore) {
        t.store.insert_dataset(&fixture::dataset().unwrap()).await.unwrap();
        let manager = user(&t, "forvalter", Role::NavContractManager).await;
        let mut lines = vec![
            line("P-a", PROVIDER_A, 5_000_000),
            line("P-b", PROVIDER_B, 3_000_000),
            line("P-a", PROVIDER_A, -1_000_000),
        ];
        lines[2].outcome = "Varig arbeid".into();
        lines[2].adjustment = true;
        lines.push(StatementLineRecord { outcome: "Varig arbeid".into(), ..line("P-c", PROVIDER_A, 2_000_000) });
        let id = t.store.add_statement(&new_statement(manager, lines.clone()), None).await.unwrap();
        // Two of four lines on the page; the count and sum are of all of them.
        let head = t.store.statement_lines_head(id, None, 2).await.unwrap();
        assert_eq!(head.lines, lines[..2].to_vec());
        assert_eq!((head.count, head.total), (4, Nok::from_ore(9_000_000)));
        // Provider A's share only.
        let own = t.store.statement_lines_head(id, Some(PROVIDER_A), 300).await.unwrap();
        assert_eq!((own.lines.len(), own.count, own.total), (3, 3, Nok::from_ore(6_000_000)));
        // Per outcome, in the order of their first line: distinct participants and net amount.
        let totals = t.store.statement_outcome_totals(&[id], None).await.unwrap();
        let got: Vec<(&str, u64, i64)> = totals.iter().map(|o| (o.outcome.as_str(), o.participants, o.amount.ore())).collect();
        assert_eq!(got, vec![("Jobbstart", 2, 8_000_000), ("Varig arbeid", 2, 1_000_000)]);
        assert!(totals.iter().all(|o| o.statement == id));
        let mine = t.store.statement_outcome_totals(&[id], Some(PROVIDER_B)).await.unwrap();
        assert_eq!(mine.len(), 1);
        assert_eq!((mine[0].participants, mine[0].amount.ore()), (1, 3_000_000));
        assert!(t.store.statement_outcome_totals(&[], None).await.unwrap().is_empty());
    }
}

async fn step_moved(t: &TestStore, g: &mut Generations, what: &str) {
    let now = t.store.generations().await.unwrap();
    assert!(
        now.workflow > g.workflow,
        "{what} moves the workflow generation"
    );
    assert_eq!(now.inputs, g.inputs, "{what} is no pricing input");
    *g = now;
}

both_stores! {
    async fn every_step_moves_the_workflow_generation_and_not_the_pricing_one(t: TestStore) {
        t.store.insert_dataset(&fixture::dataset().unwrap()).await.unwrap();
        let manager = user(&t, "forvalter", Role::NavContractManager).await;
        let evaluator = user(&t, "evaluator", Role::Evaluator).await;
        let mut g = t.store.generations().await.unwrap();
        let id = t.store.add_statement(&new_statement(manager, vec![line("P-a", PROVIDER_A, 100)]), None).await.unwrap();
        step_moved(&t, &mut g, "a computation").await;
        let back = Event { step: Step::SendBack, by: evaluator, role: Role::Evaluator, at: Utc::now() };
        t.store.add_payment_event(id, 1, &back, None, Some("Feil i mars")).await.unwrap();
        step_moved(&t, &mut g, "a send-back").await;
        let s = t.store.statement(id).await.unwrap().unwrap();
        assert_eq!(s.rules().stage(), Stage::SentBack, "the new step is stored and read back");
        assert_eq!(s.events[1].reason.as_deref(), Some("Feil i mars"));
        // Reads move nothing.
        t.store.statements(CONTRACT).await.unwrap();
        assert_eq!(t.store.generations().await.unwrap(), g);
    }
}
