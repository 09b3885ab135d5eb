use proptest::prelude::*;
use rust_decimal::Decimal;

use super::*;
use crate::contract::scale::Scale;
use crate::contract::terms::{Caps, ContractOutcome, EvidenceSource};
use crate::outcomes::{Definition, OutcomeKind};

fn day(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

#[test]
fn periods_follow_the_calendar() {
    let d = day("2026-08-15");
    assert_eq!(PeriodLength::Quarterly.period_of(d).label, "2026Q3");
    assert_eq!(
        PeriodLength::Quarterly.period_of(d).start,
        day("2026-07-01")
    );
    assert_eq!(PeriodLength::Quarterly.period_of(d).end, day("2026-09-30"));
    assert_eq!(PeriodLength::Monthly.period_of(d).label, "2026-08");
    assert_eq!(PeriodLength::HalfYearly.period_of(d).label, "2026H2");
    assert_eq!(PeriodLength::HalfYearly.period_of(d).end, day("2026-12-31"));
    assert_eq!(PeriodLength::Yearly.period_of(d).label, "2026");
    for (length, label) in [
        (PeriodLength::Quarterly, "2026Q3"),
        (PeriodLength::Monthly, "2026-08"),
        (PeriodLength::HalfYearly, "2026H2"),
        (PeriodLength::Yearly, "2026"),
    ] {
        assert_eq!(
            length.parse_label(label),
            Some(length.period_of(d)),
            "{label}"
        );
    }
    for bad in [
        "2026Q5", "2026Q0", "2026-13", "2026H3", "26Q1", "2026q3", "2026-7", "",
    ] {
        assert_eq!(PeriodLength::Quarterly.parse_label(bad), None, "{bad}");
        assert_eq!(PeriodLength::Monthly.parse_label(bad), None, "{bad}");
    }
    assert_eq!(
        PeriodLength::Quarterly.parse_label("2026-08"),
        None,
        "a month is not a quarter"
    );
}

fn terms(
    amounts: &[i64],
    max_payments: u32,
    outcome_cap: Option<i64>,
    caps: Caps,
) -> ContractTerms {
    ContractTerms {
        locations: Vec::new(),
        name: "t".into(),
        starts: day("2026-01-01"),
        ends: day("2030-12-31"),
        periods: PeriodLength::Quarterly,
        parties: Vec::new(),
        outcomes: amounts
            .iter()
            .enumerate()
            .map(|(i, a)| ContractOutcome {
                definition: Definition {
                    name: format!("o{i}"),
                    kind: OutcomeKind::EducationStart { months: 24 },
                },
                evidence: EvidenceSource::Register,
                max_payments,
                cap: outcome_cap.map(Nok::from_ore),
                scale: Scale::Fixed {
                    amount: Nok::from_ore(*a),
                },
            })
            .collect(),
        cohort_outcomes: Vec::new(),
        investment: None,
        caps,
    }
}

fn achievement() -> impl Strategy<Value = AchievementInput> {
    (0usize..4, 0usize..3, 0i64..2000).prop_map(|(p, o, d)| AchievementInput {
        participant: format!("P-{p}"),
        outcome: o,
        date: day("2025-10-01") + chrono::Duration::days(d),
        magnitude: Decimal::ONE,
        evidence: vec![format!("e{d}")],
    })
}

fn sum_by(
    ledger: &Ledger,
    input: &[AchievementInput],
    key: impl Fn(&Line, &AchievementInput) -> String,
) -> std::collections::HashMap<String, i64> {
    let mut m = std::collections::HashMap::new();
    for l in &ledger.lines {
        *m.entry(key(l, &input[l.achievement])).or_insert(0) += l.amount.ore();
    }
    m
}

/// The lines with their achievements filled in, independent of input positions.
fn resolved(
    ledger: &Ledger,
    input: &[AchievementInput],
) -> Vec<(AchievementInput, NaiveDate, LineKind, Nok)> {
    ledger
        .lines
        .iter()
        .map(|l| (input[l.achievement].clone(), l.period, l.kind, l.amount))
        .collect()
}

proptest! {
    #[test]
    fn caps_limits_order_and_totals_hold(
        amounts in prop::collection::vec(1i64..5_000_000, 3),
        max_payments in 1u32..3,
        outcome_cap in prop::option::of(1i64..20_000_000),
        per_participant in prop::option::of(1i64..10_000_000),
        per_period in prop::option::of(1i64..10_000_000),
        per_contract in prop::option::of(1i64..40_000_000),
        mut input in prop::collection::vec(achievement(), 0..60),
    ) {
        let caps = Caps {
            per_participant: per_participant.map(Nok::from_ore),
            per_period: per_period.map(Nok::from_ore),
            per_contract: per_contract.map(Nok::from_ore),
        };
        let t = terms(&amounts, max_payments, outcome_cap, caps);
        let ledger = compute(&t, &input);

        // Caps are never exceeded.
        for (_, sum) in sum_by(&ledger, &input, |_, a| a.participant.clone()) {
            prop_assert!(per_participant.is_none_or(|c| sum <= c));
        }
        for (_, sum) in sum_by(&ledger, &input, |l, _| l.period.to_string()) {
            prop_assert!(per_period.is_none_or(|c| sum <= c));
        }
        for (_, sum) in sum_by(&ledger, &input, |_, a| a.outcome.to_string()) {
            prop_assert!(outcome_cap.is_none_or(|c| sum <= c));
        }
        prop_assert!(per_contract.is_none_or(|c| ledger.total().unwrap().ore() <= c));
        // Nothing is paid below zero: a cap line never takes more than its payment.
        for (_, sum) in sum_by(&ledger, &input, |l, _| l.achievement.to_string()) {
            prop_assert!(sum >= 0);
        }
        // The period statements add up to the lines.
        let periods: std::collections::BTreeSet<NaiveDate> = ledger.lines.iter().map(|l| l.period).collect();
        let by_period: i64 = periods.iter().map(|p| ledger.period_total(*p).unwrap().ore()).sum();
        prop_assert_eq!(by_period, ledger.total().unwrap().ore());
        // No outcome is paid more often per participant than the contract allows.
        let mut times = std::collections::HashMap::new();
        for l in ledger.lines.iter().filter(|l| l.kind == LineKind::Payment) {
            let a = &input[l.achievement];
            *times.entry((a.participant.clone(), a.outcome)).or_insert(0u32) += 1;
        }
        prop_assert!(times.values().all(|n| *n <= max_payments));
        // The same input in another order gives the same lines; computing again changes nothing.
        let before = resolved(&ledger, &input);
        input.reverse();
        let again = compute(&t, &input);
        prop_assert_eq!(resolved(&again, &input), before);
        prop_assert_eq!(&compute(&t, &input), &again);
    }
}

#[test]
fn a_cap_line_shows_what_a_cap_took() {
    let t = terms(
        &[6_000_000, 4_000_000],
        1,
        None,
        Caps {
            per_participant: Some(Nok::from_ore(8_000_000)),
            per_period: None,
            per_contract: None,
        },
    );
    let a = |outcome, date: &str| AchievementInput {
        participant: "P-1".into(),
        outcome,
        date: day(date),
        magnitude: Decimal::ONE,
        evidence: vec![],
    };
    let ledger = compute(&t, &[a(1, "2026-05-01"), a(0, "2026-02-01")]);
    let lines: Vec<(usize, LineKind, i64)> = ledger
        .lines
        .iter()
        .map(|l| (l.achievement, l.kind, l.amount.ore()))
        .collect();
    assert_eq!(
        lines,
        [
            (1, LineKind::Payment, 6_000_000),
            (0, LineKind::Payment, 4_000_000),
            (0, LineKind::Cap(CapKind::Participant), -2_000_000),
        ]
    );
    assert_eq!(
        ledger.period_total(day("2026-01-01")).unwrap().ore(),
        6_000_000
    );
    assert_eq!(
        ledger.period_total(day("2026-04-01")).unwrap().ore(),
        2_000_000
    );
}

#[test]
fn a_later_version_overrides_older_ones_from_its_effective_date() {
    let named = |name: &str| ContractTerms {
        name: name.into(),
        ..terms(&[], 1, None, Caps::default())
    };
    // v2 from 1 October, then v3 (built on v2) from 1 August: v3 prices from August on,
    // and v2 never does.
    let s = schedule(vec![
        (3, day("2026-08-01"), named("v3")),
        (1, day("2025-01-01"), named("v1")),
        (2, day("2026-10-01"), named("v2")),
    ]);
    let got: Vec<(u32, NaiveDate, String)> =
        s.iter().map(|v| (v.0, v.1, v.2.name.clone())).collect();
    assert_eq!(
        got,
        vec![
            (1, day("2025-01-01"), "v1".into()),
            (3, day("2026-08-01"), "v3".into())
        ]
    );
    // A version from the start replaces everything before it.
    let s = schedule(vec![
        (1, day("2025-01-01"), named("v1")),
        (2, day("2026-01-01"), named("v2")),
        (3, day("2025-01-01"), named("v3")),
    ]);
    assert_eq!(s.iter().map(|v| v.0).collect::<Vec<_>>(), vec![3]);
}

fn contract_level() -> impl Strategy<Value = ContractLevelInput> {
    (0i64..2000, 1i64..8_000_000).prop_map(|(d, amount)| {
        let date = day("2026-01-01") + chrono::Duration::days(d);
        ContractLevelInput {
            date,
            period: PeriodLength::Quarterly.start_of(date),
            amount: Nok::from_ore(amount),
            version: 1,
        }
    })
}

proptest! {
    /// Issue 11: the per-period and per-contract caps bind cohort lines as they bind
    /// participant lines, whatever the mix and order.
    #[test]
    fn caps_bind_contract_level_lines_too(
        amounts in prop::collection::vec(1i64..5_000_000, 3),
        per_participant in prop::option::of(1i64..10_000_000),
        per_period in prop::option::of(1i64..10_000_000),
        per_contract in prop::option::of(1i64..40_000_000),
        input in prop::collection::vec(achievement(), 0..40),
        contract_lines in prop::collection::vec(contract_level(), 0..12),
    ) {
        let caps = Caps {
            per_participant: per_participant.map(Nok::from_ore),
            per_period: per_period.map(Nok::from_ore),
            per_contract: per_contract.map(Nok::from_ore),
        };
        let t = terms(&amounts, 2, None, caps);
        let versions = [InForce { version: 1, from: t.starts, terms: &t }];
        let ledger = compute_with_contract_lines(&versions, &input, &contract_lines);
        let mut by_period = std::collections::HashMap::new();
        let mut by_line = std::collections::HashMap::new();
        let mut by_participant = std::collections::HashMap::new();
        for l in &ledger.lines {
            *by_period.entry(l.period).or_insert(0i64) += l.amount.ore();
            *by_line.entry(l.achievement).or_insert(0i64) += l.amount.ore();
            if let Some(a) = input.get(l.achievement) {
                *by_participant.entry(a.participant.clone()).or_insert(0i64) += l.amount.ore();
            } else {
                // A contract-level line is never reduced by a participant's or an outcome's cap.
                prop_assert!(!matches!(l.kind, LineKind::Cap(CapKind::Participant | CapKind::Outcome)));
            }
        }
        for sum in by_period.values() {
            prop_assert!(per_period.is_none_or(|c| *sum <= c));
        }
        for sum in by_participant.values() {
            prop_assert!(per_participant.is_none_or(|c| *sum <= c));
        }
        prop_assert!(per_contract.is_none_or(|c| ledger.total().unwrap().ore() <= c));
        for sum in by_line.values() {
            prop_assert!(*sum >= 0);
        }
        // Every contract-level line is on the ledger, paid at its price before any cap.
        let payments = ledger
            .lines
            .iter()
            .filter(|l| l.achievement >= input.len() && l.kind == LineKind::Payment)
            .count();
        prop_assert_eq!(payments, contract_lines.len());
        let periods: i64 = by_period.values().sum();
        prop_assert_eq!(periods, ledger.total().unwrap().ore());
        // Without contract-level lines the participant lines are exactly as before.
        let alone = compute_with_contract_lines(&versions, &input, &[]);
        prop_assert_eq!(alone, compute(&t, &input));
    }
}

#[test]
fn a_contract_cap_binds_a_cohort_line() {
    // The finding: a contract capped at 6 m paid 8.75 m for one cohort in one period.
    let t = terms(
        &[1_000_000],
        1,
        None,
        Caps {
            per_participant: None,
            per_period: None,
            per_contract: Some(Nok::from_kroner(6_000_000).unwrap()),
        },
    );
    let versions = [InForce {
        version: 1,
        from: t.starts,
        terms: &t,
    }];
    let date = day("2027-03-31");
    let cohort = ContractLevelInput {
        date,
        period: day("2027-01-01"),
        amount: Nok::from_kroner(8_750_000).unwrap(),
        version: 1,
    };
    let ledger = compute_with_contract_lines(&versions, &[], &[cohort]);
    assert_eq!(
        ledger.total().unwrap(),
        Nok::from_kroner(6_000_000).unwrap()
    );
    assert_eq!(
        ledger
            .lines
            .iter()
            .map(|l| (l.kind, l.amount))
            .collect::<Vec<_>>(),
        [
            (LineKind::Payment, Nok::from_kroner(8_750_000).unwrap()),
            (
                LineKind::Cap(CapKind::Contract),
                Nok::from_kroner(-2_750_000).unwrap()
            ),
        ]
    );
    // A participant paid on the same day goes first; the cohort gets what is left.
    let earlier = AchievementInput {
        participant: "P-1".into(),
        outcome: 0,
        date,
        magnitude: Decimal::ONE,
        evidence: vec!["e".into()],
    };
    let ledger = compute_with_contract_lines(&versions, &[earlier], &[cohort]);
    assert_eq!(ledger.lines[0].amount, Nok::from_ore(1_000_000));
    assert_eq!(ledger.lines[1].achievement, 1);
    assert_eq!(
        ledger.lines[2].amount,
        Nok::from_kroner(-2_760_000).unwrap()
    );
    assert_eq!(
        ledger.total().unwrap(),
        Nok::from_kroner(6_000_000).unwrap()
    );
}

#[test]
fn a_sum_beyond_what_ore_hold_marks_the_ledger_instead_of_saturating() {
    // Far beyond any contract (amounts are bounded at 10^12 kr by the checker), but a ledger
    // built by hand may hold it: two lines of 5 × 10^16 kr each overflow i64 øre.
    let huge = Nok::from_ore(i64::MAX / 2 + 1);
    let t = terms(&[1], 1, None, Caps::default());
    let versions = [InForce {
        version: 1,
        from: t.starts,
        terms: &t,
    }];
    let line = |date: &str| ContractLevelInput {
        date: day(date),
        period: PeriodLength::Quarterly.start_of(day(date)),
        amount: huge,
        version: 1,
    };
    let ledger = compute_with_contract_lines(&versions, &[], &[line("2026-02-01")]);
    assert!(!ledger.overflowed);
    let ledger =
        compute_with_contract_lines(&versions, &[], &[line("2026-02-01"), line("2026-05-01")]);
    assert!(
        ledger.overflowed,
        "the second line does not fit in the contract's total"
    );
}

#[test]
fn a_price_beyond_what_ore_hold_marks_the_ledger_instead_of_saturating() {
    // A savings-like band: 10^12 kr per unit of magnitude; a magnitude of 10^8 prices at
    // 10^20 kr, beyond i64 øre. Before, the price was saturated to 92 quadrillion kroner.
    let mut t = terms(&[1], 1, None, Caps::default());
    t.outcomes[0].scale = Scale::TiersCumulative {
        bands: vec![crate::contract::scale::Band {
            from: Decimal::ZERO,
            rate: Nok::CONTRACT_LIMIT.to_decimal(),
        }],
        up_to: None,
    };
    let versions = [InForce {
        version: 1,
        from: t.starts,
        terms: &t,
    }];
    let at = |magnitude: i64| AchievementInput {
        participant: "P-1".into(),
        outcome: 0,
        date: day("2026-02-01"),
        magnitude: Decimal::from(magnitude),
        evidence: vec!["e".into()],
    };
    let fits = compute_with_contract_lines(&versions, &[at(1)], &[]);
    assert!(!fits.overflowed);
    assert_eq!(fits.total(), Ok(Nok::CONTRACT_LIMIT));
    let beyond = compute_with_contract_lines(&versions, &[at(100_000_000)], &[]);
    assert!(beyond.overflowed, "the price itself leaves øre");
    assert!(beyond.lines.is_empty(), "nothing is priced from it");
}
