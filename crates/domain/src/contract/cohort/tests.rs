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
        comparison: None,
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
    )
    .unwrap();
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
    assert_eq!(
        amounts(&t.price(&cohorts, false).unwrap()),
        [("C2", kr(3_000_000))]
    );
    // Pooled: (8.4 × 1000 + 11 × 1000 + 6 × 800) / 2800 = 8.64 % ≥ 7.5 %: all 2,800
    // participants are due 8.4 M, of which 3 M was paid, so 5.4 M more.
    assert_eq!(
        amounts(&t.price(&cohorts, true).unwrap()),
        [("C2", kr(3_000_000)), ("pooled", kr(5_400_000))]
    );
    // (5 × 1000 + 11 × 1000 + 6 × 800) / 2800 = 7.43 % < 7.5 %: no top-up.
    let weaker = [
        figure("C1", 1000, "5"),
        figure("C2", 1000, "11"),
        figure("C3", 800, "6"),
    ];
    assert_eq!(
        amounts(&t.price(&weaker, true).unwrap()),
        [("C2", kr(3_000_000))]
    );
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
        amounts(&share.price(&savings, &[]).unwrap()),
        [("2026", kr(1_000_000)), ("2027", Nok::ZERO)]
    );
    let capped = SavingsShare {
        cap: Some(kr(800_000)),
        ..share
    };
    assert_eq!(capped.price(&savings, &[]).unwrap()[0].amount, kr(800_000));
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
    let savings = [
        figure("C1", 150, "2000000"),
        figure("C2", 160, "5000000"),
        figure("C3", 140, "4000000"),
        figure("C4", 150, "5000000"),
        figure("C5", 170, "8000000"),
    ];
    let employment = [
        figure("C1", 150, "32"),
        figure("C2", 160, "25"),
        figure("C3", 140, "35"),
        figure("C4", 150, "30"),
        figure("C5", 170, "40"),
    ];
    // The extra is "up to" 200,000 and only out of what the bands price above the cap:
    // C1 below the cap: 500,000 + 300,000 = 800,000; 32 % ≥ 30 % but nothing is above the
    //    cap, so no extra (the old rule paid 1,000,000).
    // C2 above the cap: 500,000 + 600,000 + 200,000 = 1,300,000, capped at 1,200,000; 25 %
    //    misses the condition: 1,200,000.
    // C3 at the cap: 500,000 + 600,000 + 100,000 = 1,200,000; 35 % holds, 0 above: 1,200,000.
    // C4 above the cap by 100,000 with 30 %: 1,200,000 + min(100,000, 200,000) = 1,300,000.
    // C5 8 M saved: 500,000 + 600,000 + 500,000 = 1,600,000, 400,000 above the cap with
    //    40 %: 1,200,000 + min(400,000, 200,000) = 1,400,000.
    let lines = tiers.price(&savings, &employment).unwrap();
    assert_eq!(
        amounts(&lines),
        [
            ("C1", kr(800_000)),
            ("C2", kr(1_200_000)),
            ("C3", kr(1_200_000)),
            ("C4", kr(1_300_000)),
            ("C5", kr(1_400_000)),
        ]
    );
    assert!(lines[1].reason.contains("capped at"));
    assert!(lines[4].reason.contains("extra"));
    // Without a cap there is nothing above it, so the extra never pays.
    let uncapped = SavingsShare { cap: None, ..tiers };
    assert_eq!(
        uncapped.price(&savings, &employment).unwrap()[4].amount,
        kr(1_600_000)
    );
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
        unit: None,
    }];
    let named = |cohort: &str, value: &str, on: &str| NamedFigure {
        figure: "employment_rate".into(),
        certified: CertifiedFigure {
            comparison: None,
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
    let lines = price_all(&outcomes, &figures, false).unwrap();
    let got: Vec<(&str, i64)> = lines
        .iter()
        .map(|(_, l)| (l.cohort.as_str(), l.amount.ore()))
        .collect();
    assert_eq!(got, vec![("2026", 100_000_000), ("2027", 200_000_000)]);
    assert!(lines[0].1.reason.contains("35"));
}

/// The contract page prices cohort outcomes with `price_all(…, is_final_round(…)).unwrap()`, the
/// statements with `ledger_lines`: both must pay the same, before and after the contract's end.
#[test]
fn the_pooled_top_up_is_paid_once_a_figure_is_certified_after_the_end_and_only_then() {
    use crate::contract::terms::{CohortMechanism, CohortOutcome, ContractTerms, PeriodLength};
    let terms = ContractTerms {
        locations: Vec::new(),
        name: "Peterborough".into(),
        starts: "2026-01-01".parse().unwrap(),
        ends: "2027-12-31".parse().unwrap(),
        periods: PeriodLength::Quarterly,
        parties: Vec::new(),
        outcomes: Vec::new(),
        cohort_outcomes: vec![CohortOutcome {
            name: "Reduksjon".into(),
            figure: "reduction_vs_comparison".into(),
            unit: None,
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
            comparison: None,
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
        .unwrap()
        .into_iter()
        .map(|(_, l)| (l.cohort, l.amount))
        .collect()
    };
    let statement = |figures: &[NamedFigure]| -> Vec<(String, Nok)> {
        ledger_lines(&terms, 1, figures)
            .unwrap()
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
        .unwrap()
        .iter()
        .all(|(l, _)| l.key.date <= terms.ends));
}

fn against(cohort: &str, size: u32, rate: &str, comparison: &str) -> CertifiedFigure {
    CertifiedFigure {
        comparison: Some(d(comparison)),
        ..figure(cohort, size, rate)
    }
}

/// Peterborough's published terms: 10 % per cohort, 7.5 % pooled; here 25,000 kr per event
/// avoided, rates in events per 100 persons.
fn peterborough() -> PerUnit {
    PerUnit {
        price: kr(25_000),
        per: d("100"),
        threshold: d("10"),
        pooled_threshold: d("7.5"),
        lower_is_better: true,
    }
}

#[test]
fn per_event_avoided_with_a_pooled_final_test_on_pooled_rates() {
    let terms = peterborough();
    let cohorts = [
        against("C1", 1000, "52", "60"),
        against("C2", 1000, "56", "60"),
        against("C3", 500, "46", "50"),
    ];
    // C1: 60 − 52 = 8 events per 100 fewer, 8 / 60 = 13.3 % ≥ 10 %: 8 × 1000 / 100 = 80
    //     events avoided × 25,000 = 2,000,000.
    // C2: 4 per 100 fewer, 6.7 % < 10 %: nothing yet. C3: 4 / 50 = 8 % < 10 %: nothing yet.
    assert_eq!(
        amounts(&terms.price(&cohorts, false).unwrap()),
        [("C1", kr(2_000_000))]
    );
    // The final round pools the rates over all 2,500 persons:
    //   comparison (60·1000 + 60·1000 + 50·500) / 2500 = 58, cohorts (52·1000 + 56·1000 +
    //   46·500) / 2500 = 52.4; 5.6 / 58 = 9.66 % ≥ 7.5 %: 5.6 × 2500 / 100 = 140 events
    //   avoided × 25,000 = 3,500,000 due, of which C1 has 2,000,000: 1,500,000 pooled.
    let lines = terms.price(&cohorts, true).unwrap();
    assert_eq!(
        amounts(&lines),
        [("C1", kr(2_000_000)), ("pooled", kr(1_500_000))]
    );
    assert!(lines[1].reason.contains("140"), "{}", lines[1].reason);
}

#[test]
fn the_pooled_test_pools_rates_not_the_cohorts_percentages() {
    let terms = peterborough();
    // A small cohort with a big reduction beside a big cohort with a small one:
    // C1: 10 → 5 per 100 (50 % ≥ 10 %): 5 × 100 / 100 = 5 events × 25,000 = 125,000.
    // C2: 60 → 58 per 100 (3.3 %): nothing.
    // The mean of the percentages, (50 + 3.3) / 2 = 26.7 %, and even their size-weighted mean,
    // (50·100 + 3.3·1000) / 1100 = 7.58 %, pass 7.5 %; the pooled rates do not:
    // comparison (10·100 + 60·1000) / 1100 = 55.45, cohorts (5·100 + 58·1000) / 1100 = 53.18,
    // 2.27 / 55.45 = 4.1 % < 7.5 %: no top-up.
    let cohorts = [
        against("C1", 100, "5", "10"),
        against("C2", 1000, "58", "60"),
    ];
    assert_eq!(
        amounts(&terms.price(&cohorts, true).unwrap()),
        [("C1", kr(125_000))]
    );
    // A figure certified without its comparison prices nothing (the form requires it).
    assert!(terms
        .price(&[figure("C3", 100, "5")], true)
        .unwrap()
        .is_empty());
    // Higher is better: an employment rate of 31 % against 25 % is 6 points × 200 / 100 = 12
    // more in work, 24 % better ≥ 10 %: 12 × 25,000 = 300,000.
    let employment = PerUnit {
        lower_is_better: false,
        ..terms
    };
    assert_eq!(
        amounts(
            &employment
                .price(&[against("E", 200, "31", "25")], false)
                .unwrap()
        ),
        [("E", kr(300_000))]
    );
}

#[test]
fn a_cohort_payment_beyond_what_ore_hold_is_refused_not_saturated() {
    // The largest figures the checker lets through (rates up to 10^12, a price of 10^12 kr,
    // four billion persons) price beyond i64 øre; before, Decimal overflowed (a panic) or
    // the amount saturated.
    let huge = PerUnit {
        price: Nok::CONTRACT_LIMIT,
        per: d("1"),
        threshold: d("0"),
        pooled_threshold: d("0"),
        lower_is_better: true,
    };
    let limit = Nok::CONTRACT_LIMIT.to_decimal().to_string();
    let figures = [against("X", u32::MAX, "0", &limit)];
    assert_eq!(huge.price(&figures, false), Err(MoneyOverflow));
    assert_eq!(huge.price(&figures, true), Err(MoneyOverflow));
    let trigger = Trigger {
        threshold: d("0"),
        per_participant: Nok::from_ore(i64::MAX / 2),
        pooled_threshold: d("0"),
    };
    assert_eq!(
        trigger.price(&[figure("A", 3, "5")], false),
        Err(MoneyOverflow)
    );
    // An ordinary per-unit cohort is unaffected.
    assert_eq!(
        amounts(
            &peterborough()
                .price(&[against("C", 100, "40", "50")], false)
                .unwrap()
        ),
        [("C", kr(250_000))]
    );
}
