//! Each mechanism prices a small set of cohorts whose payments are worked out by hand below.

use rust_decimal::Decimal;

use super::*;
use crate::contract::scale::Band;

fn d(s: &str) -> Decimal {
    s.parse().unwrap()
}

fn kr(k: i64) -> Nok {
    Nok::from_kroner(k).unwrap()
}

fn figure(cohort: &str, size: u32, value: &str) -> CertifiedFigure {
    CertifiedFigure {
        cohort: cohort.into(),
        cohort_size: size,
        value: d(value),
        certified_by: "Evaluator AS".into(),
        certified_on: NaiveDate::from_ymd_opt(2028, 3, 1).unwrap(),
    }
}

fn amounts(lines: &[CohortLine]) -> Vec<(&str, Nok)> {
    lines
        .iter()
        .map(|l| (l.cohort.as_str(), l.amount))
        .collect()
}

#[test]
fn graduated_cohort_scale_from_25_to_45_percent() {
    let scale = Scale::Linear {
        max: kr(2_000_000),
        floor: d("25"),
        target: d("45"),
    };
    let lines = graduated(
        &scale,
        &[
            figure("2026", 120, "30"),
            figure("2027", 130, "45"),
            figure("2028", 90, "20"),
            figure("2029", 100, "37.5"),
        ],
    );
    // (30 − 25)/20 × 2 M = 0.5 M; 45 → all of it; 20 → nothing; (37.5 − 25)/20 × 2 M = 1.25 M.
    assert_eq!(
        amounts(&lines),
        [
            ("2026", kr(500_000)),
            ("2027", kr(2_000_000)),
            ("2028", Nok::ZERO),
            ("2029", kr(1_250_000))
        ]
    );
    assert!(lines[0]
        .reason
        .contains("certified by Evaluator AS on 2028-03-01"));
}

#[test]
fn cohort_trigger_with_a_pooled_final_test() {
    let t = Trigger {
        threshold: d("10"),
        per_participant: kr(3_000),
        pooled_threshold: d("7.5"),
    };
    let cohorts = [
        figure("C1", 1000, "8.4"),
        figure("C2", 1000, "11"),
        figure("C3", 800, "6"),
    ];
    // Only C2 reaches 10 %: 1,000 × 3,000.
    assert_eq!(amounts(&t.price(&cohorts, false)), [("C2", kr(3_000_000))]);
    // Pooled: (8.4 × 1000 + 11 × 1000 + 6 × 800) / 2800 = 8.64 % ≥ 7.5 %: all 2,800
    // participants are due 8.4 M, of which 3 M was paid, so 5.4 M more.
    assert_eq!(
        amounts(&t.price(&cohorts, true)),
        [("C2", kr(3_000_000)), ("pooled", kr(5_400_000))]
    );
    // (5 × 1000 + 11 × 1000 + 6 × 800) / 2800 = 7.43 % < 7.5 %: no top-up.
    let weaker = [
        figure("C1", 1000, "5"),
        figure("C2", 1000, "11"),
        figure("C3", 800, "6"),
    ];
    assert_eq!(amounts(&t.price(&weaker, true)), [("C2", kr(3_000_000))]);
}

#[test]
fn share_of_measured_savings_against_a_control_group() {
    let share = SavingsShare {
        scale: Scale::TiersCumulative {
            bands: vec![Band {
                from: d("0"),
                rate: d("0.4"),
            }],
            up_to: None,
        },
        cap: None,
        extra: None,
    };
    let savings = [
        figure("2026", 200, "2500000"),
        figure("2027", 180, "-300000"),
    ];
    // 40 % of 2.5 M; savings below zero earn nothing.
    assert_eq!(
        amounts(&share.price(&savings, &[])),
        [("2026", kr(1_000_000)), ("2027", Nok::ZERO)]
    );
    let capped = SavingsShare {
        cap: Some(kr(800_000)),
        ..share
    };
    assert_eq!(capped.price(&savings, &[])[0].amount, kr(800_000));
}

#[test]
fn tiered_savings_bands_with_a_cap_and_a_conditional_extra() {
    // 50 % of the first million saved, 30 % of the next two, 10 % above; at most 1.2 M; and
    // 200,000 more when the cohort's employment rate reaches 30 %.
    let tiers = SavingsShare {
        scale: Scale::TiersCumulative {
            bands: vec![
                Band {
                    from: d("0"),
                    rate: d("0.5"),
                },
                Band {
                    from: d("1000000"),
                    rate: d("0.3"),
                },
                Band {
                    from: d("3000000"),
                    rate: d("0.1"),
                },
            ],
            up_to: None,
        },
        cap: Some(kr(1_200_000)),
        extra: Some(ConditionalExtra {
            at_least: d("30"),
            amount: kr(200_000),
        }),
    };
    let savings = [figure("C1", 150, "2000000"), figure("C2", 160, "5000000")];
    let employment = [figure("C1", 150, "32"), figure("C2", 160, "25")];
    // C1: 500,000 + 300,000 = 800,000, plus the extra (32 % ≥ 30 %) = 1,000,000.
    // C2: 500,000 + 600,000 + 200,000 = 1,300,000, capped at 1,200,000; no extra (25 %).
    let lines = tiers.price(&savings, &employment);
    assert_eq!(
        amounts(&lines),
        [("C1", kr(1_000_000)), ("C2", kr(1_200_000))]
    );
    assert!(lines[1].reason.contains("capped at"));
}

#[test]
fn every_cohort_outcome_is_priced_on_the_newest_certification() {
    use crate::contract::terms::{CohortMechanism, CohortOutcome};
    let scale = Scale::Linear {
        max: Nok::from_kroner(2_000_000).unwrap(),
        floor: Decimal::from(25),
        target: Decimal::from(45),
    };
    let outcomes = [CohortOutcome {
        name: "Sysselsetting".into(),
        figure: "employment_rate".into(),
        mechanism: CohortMechanism::Graduated { scale },
    }];
    let named = |cohort: &str, value: &str, on: &str| NamedFigure {
        figure: "employment_rate".into(),
        certified: CertifiedFigure {
            cohort: cohort.into(),
            cohort_size: 100,
            value: value.parse().unwrap(),
            certified_by: "Evaluator".into(),
            certified_on: on.parse().unwrap(),
        },
    };
    // 2026: 30 % then re-certified as 35 % (halfway: 1,000,000); 2027: 50 % (capped at max).
    let figures = [
        named("2026", "30", "2027-02-01"),
        named("2027", "50", "2028-02-01"),
        named("2026", "35", "2027-03-01"),
        NamedFigure {
            figure: "savings".into(),
            ..named("2026", "999", "2027-02-01")
        },
    ];
    let lines = price_all(&outcomes, &figures, false);
    let got: Vec<(&str, i64)> = lines
        .iter()
        .map(|(_, l)| (l.cohort.as_str(), l.amount.ore()))
        .collect();
    assert_eq!(got, vec![("2026", 100_000_000), ("2027", 200_000_000)]);
    assert!(lines[0].1.reason.contains("35"));
}

/// The contract page prices cohort outcomes with `price_all(…, is_final_round(…))`, the
/// statements with `ledger_lines`: both must pay the same, before and after the contract's end.
#[test]
fn the_pooled_top_up_is_paid_once_a_figure_is_certified_after_the_end_and_only_then() {
    use crate::contract::terms::{CohortMechanism, CohortOutcome, ContractTerms, PeriodLength};
    let terms = ContractTerms {
        name: "Peterborough".into(),
        starts: "2026-01-01".parse().unwrap(),
        ends: "2027-12-31".parse().unwrap(),
        periods: PeriodLength::Quarterly,
        parties: Vec::new(),
        outcomes: Vec::new(),
        cohort_outcomes: vec![CohortOutcome {
            name: "Reduksjon".into(),
            figure: "reduction_vs_comparison".into(),
            mechanism: CohortMechanism::Trigger {
                trigger: Trigger {
                    threshold: d("10"),
                    per_participant: kr(3_000),
                    pooled_threshold: d("7.5"),
                },
            },
        }],
        caps: Default::default(),
        investment: None,
    };
    let at = |cohort: &str, size: u32, value: &str, on: &str| NamedFigure {
        figure: "reduction_vs_comparison".into(),
        certified: CertifiedFigure {
            certified_on: on.parse().unwrap(),
            ..figure(cohort, size, value)
        },
    };
    let page = |figures: &[NamedFigure]| -> Vec<(String, Nok)> {
        price_all(
            &terms.cohort_outcomes,
            figures,
            is_final_round(&terms, figures),
        )
        .into_iter()
        .map(|(_, l)| (l.cohort, l.amount))
        .collect()
    };
    let statement = |figures: &[NamedFigure]| -> Vec<(String, Nok)> {
        ledger_lines(&terms, 1, figures)
            .into_iter()
            .map(|(l, _)| {
                let cohort = l
                    .key
                    .participant
                    .trim_start_matches(COHORT_PREFIX)
                    .to_owned();
                (cohort, l.amount)
            })
            .collect()
    };
    // Certified before the end: no pooled test, on the page or on the statement.
    let before = [
        at("C1", 1000, "8.4", "2027-06-01"),
        at("C2", 1000, "11", "2027-06-01"),
        at("C3", 800, "6", "2027-06-01"),
    ];
    assert_eq!(page(&before), vec![("C2".to_owned(), kr(3_000_000))]);
    assert_eq!(statement(&before), page(&before));
    // A figure certified after the end opens the final round: 5.4 M more, on both.
    let mut after = before.to_vec();
    after.push(at("C3", 800, "6", "2028-02-01"));
    assert!(is_final_round(&terms, &after));
    assert_eq!(
        page(&after),
        vec![
            ("C2".to_owned(), kr(3_000_000)),
            ("pooled".to_owned(), kr(5_400_000))
        ]
    );
    assert_eq!(statement(&after), page(&after));
    // Lines are never dated after the contract's end.
    assert!(ledger_lines(&terms, 1, &after)
        .iter()
        .all(|(l, _)| l.key.date <= terms.ends));
}
