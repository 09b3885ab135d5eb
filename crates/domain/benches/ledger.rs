//! Issue 4's target: a contract with 2,000 participants, 12 outcome definitions and 20 quarterly
//! periods recomputes its whole ledger in under 100 ms on one core. `cargo bench -p
//! effekt-domain --bench ledger`; results in docs/benchmarks.md.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use chrono::NaiveDate;
use criterion::{criterion_group, criterion_main, Criterion};
use effekt_domain::contract::ledger::{compute, AchievementInput};
use effekt_domain::contract::scale::{Scale, Tier};
use effekt_domain::contract::terms::{
    Caps, ContractOutcome, ContractTerms, EvidenceSource, PeriodLength,
};
use effekt_domain::money::Nok;
use effekt_domain::outcomes::{Definition, OutcomeKind};
use rust_decimal::Decimal;

const PARTICIPANTS: usize = 2_000;
const OUTCOMES: usize = 12;

fn terms() -> ContractTerms {
    let starts = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
    ContractTerms {
        locations: Vec::new(),
        name: "bench".into(),
        starts,
        // 20 quarters.
        ends: NaiveDate::from_ymd_opt(2030, 12, 31).unwrap(),
        periods: PeriodLength::Quarterly,
        parties: Vec::new(),
        outcomes: (0..OUTCOMES)
            .map(|i| ContractOutcome {
                definition: Definition {
                    name: format!("outcome {i}"),
                    kind: OutcomeKind::BenefitFreeMonth {
                        months: 60,
                        benefit_types: vec![],
                    },
                },
                evidence: EvidenceSource::Register,
                // A third are per-month outcomes paid up to 24 times.
                max_payments: if i % 3 == 0 { 24 } else { 1 },
                cap: Some(Nok::from_kroner(5_000_000).unwrap()),
                scale: if i % 2 == 0 {
                    Scale::Fixed {
                        amount: Nok::from_kroner(2_500 * (i as i64 + 1)).unwrap(),
                    }
                } else {
                    Scale::TiersHighest {
                        tiers: (1..=4)
                            .map(|t| Tier {
                                threshold: Decimal::from(t * 20),
                                amount: Nok::from_kroner(5_000 * t).unwrap(),
                            })
                            .collect(),
                    }
                },
            })
            .collect(),
        cohort_outcomes: Vec::new(),
        investment: None,
        caps: Caps {
            per_participant: Some(Nok::from_kroner(150_000).unwrap()),
            per_period: Some(Nok::from_kroner(6_000_000).unwrap()),
            per_contract: Some(Nok::from_kroner(90_000_000).unwrap()),
        },
    }
}

/// Every participant achieves each one-off outcome once and each per-month outcome for 30
/// months (six more than may be paid): about 2,000 × (8 + 4 × 30) = 256,000 achievements.
fn achievements() -> Vec<AchievementInput> {
    let start = NaiveDate::from_ymd_opt(2026, 2, 1).unwrap();
    let mut out = Vec::new();
    for p in 0..PARTICIPANTS {
        for o in 0..OUTCOMES {
            let times = if o % 3 == 0 { 30 } else { 1 };
            for t in 0..times {
                let days = ((p * 7 + o * 31 + t * 30) % 1_700) as u64;
                out.push(AchievementInput {
                    participant: format!("P-{p:06}"),
                    outcome: o,
                    date: start.checked_add_days(chrono::Days::new(days)).unwrap(),
                    magnitude: Decimal::from(((p + o) % 100) as i64),
                    evidence: vec![format!("E{p}-{o}-{t}")],
                });
            }
        }
    }
    out
}

fn ledger(c: &mut Criterion) {
    let terms = terms();
    let input = achievements();
    c.bench_function(
        "ledger: 2,000 participants, 12 outcomes, 20 quarters",
        |b| b.iter(|| compute(&terms, &input)),
    );
}

criterion_group!(benches, ledger);
criterion_main!(benches);
