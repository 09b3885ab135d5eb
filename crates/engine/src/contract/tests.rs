use effekt_domain::money::Nok;
use rust_decimal::Decimal;

use super::*;

const EXAMPLES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/contracts");

#[test]
fn every_example_contract_passes_the_check() {
    let mut seen = 0;
    for entry in std::fs::read_dir(EXAMPLES).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "toml") {
            let text = std::fs::read_to_string(&path).unwrap();
            match check(&text) {
                Ok(terms) => {
                    assert!(!terms.outcomes.is_empty() || !terms.cohort_outcomes.is_empty())
                }
                Err(problems) => panic!("{}: {problems:?}", path.display()),
            }
            seen += 1;
        }
    }
    assert!(
        seen >= 7,
        "examples/contracts holds {seen} contracts, one per payment mechanism of docs/contracts.md"
    );
}

#[test]
fn the_staged_example_reads_as_agreed() {
    let text = std::fs::read_to_string(format!("{EXAMPLES}/staged-milestones.toml")).unwrap();
    let terms = check(&text).unwrap();
    assert_eq!(
        terms.periods,
        PeriodLength::Quarterly,
        "quarterly by default"
    );
    let prices: Vec<Nok> = terms
        .outcomes
        .iter()
        .map(|o| o.scale.price(Decimal::ZERO).unwrap())
        .collect();
    assert_eq!(
        prices,
        [
            Nok::parse("20000").unwrap(),
            Nok::parse("40000").unwrap(),
            Nok::parse("40000").unwrap()
        ]
    );
    assert_eq!(
        terms.caps.per_participant,
        Some(Nok::parse("100000").unwrap())
    );
    assert!(
        terms
            .parties
            .iter()
            .any(|p| p.role == PartyRole::Provider && p.lead),
        "the only provider leads"
    );
    assert_eq!(terms.outcomes[0].evidence, EvidenceSource::ProviderRecord);
}

const GOOD: &str = r#"[contract]
name = "Test"
starts = 2026-01-01
ends = 2028-12-31

[[party]]
role = "nav"
name = "Nav"
orgnr = "889640782"

[[party]]
role = "provider"
name = "Leverandør"
orgnr = "910000004"

[[party]]
role = "investor"
name = "Investor"
orgnr = "910000020"

[[outcome]]
name = "Jobbstart"
kind = "job_start"
min_fte = "50"
months = 24
scale = { type = "fixed", amount = "20000" }

[[outcome]]
name = "Norsk"
kind = "language_level_reached"
skill = "speaking"
level = "B1"
months = 24
[outcome.scale]
type = "tiers_highest"
[[outcome.scale.tier]]
threshold = "1"
amount = "5000"
[[outcome.scale.tier]]
threshold = "2"
amount = "9000"
"#;

fn problems(text: &str) -> Vec<String> {
    match check(text) {
        Ok(_) => panic!("expected problems"),
        Err(p) => p.iter().map(ToString::to_string).collect(),
    }
}

#[test]
fn the_good_file_is_good() {
    let terms = check(GOOD).unwrap();
    assert_eq!(terms.outcomes.len(), 2);
    assert_eq!(
        terms.outcomes[1].scale.price(Decimal::from(3)).unwrap(),
        Nok::parse("9000").unwrap()
    );
}

#[test]
fn unknown_keys_are_named_with_their_line() {
    let p = problems(&GOOD.replace("ends = 2028-12-31", "ends = 2028-12-31\nend = 2029-01-01"));
    assert_eq!(p.len(), 1);
    assert!(
        p[0].starts_with("line 5:") && p[0].contains("unknown field `end`"),
        "{p:?}"
    );
    // In an outcome's own parameters (checked by the outcome kind).
    let p = problems(&GOOD.replace("min_fte = \"50\"", "min_ftee = \"50\""));
    assert!(
        p[0].contains("outcome[1]") && p[0].contains("min_ftee"),
        "{p:?}"
    );
    // In a scale.
    let p = problems(&GOOD.replace(
        "amount = \"20000\" }",
        "amount = \"20000\", bonus = \"1\" }",
    ));
    assert!(p[0].contains("unknown field `bonus`"), "{p:?}");
}

#[test]
fn unordered_tiers_floor_above_target_and_negative_amounts_are_refused_where_they_are() {
    let p = problems(&GOOD.replace("threshold = \"2\"", "threshold = \"1\""));
    assert_eq!(p, ["line 40: outcome[2].scale.tier[2].threshold: tier 2 starts at 1, not above the tier before it (1): tiers must be in increasing order without overlap"]);
    let linear = GOOD.replace(
        "scale = { type = \"fixed\", amount = \"20000\" }",
        "scale = { type = \"linear\", max = \"20000\", floor = \"60\", target = \"50\" }",
    );
    let p = problems(&linear);
    assert_eq!(
        p,
        ["line 26: outcome[1].scale.floor: the floor (60) must be below the target (50)"]
    );
    let p = problems(&GOOD.replace("amount = \"9000\"", "amount = \"-9000\""));
    assert!(
        p[0].starts_with("line 41: outcome[2].scale.tier[2].amount: -9000 is negative"),
        "{p:?}"
    );
}

#[test]
fn caps_that_contradict_each_other_are_refused() {
    let text = format!("{GOOD}\n[caps]\nper_participant = \"500000\"\nper_contract = \"100000\"\nper_period = \"0\"\n");
    let p = problems(&text);
    assert_eq!(p.len(), 2, "{p:?}");
    assert!(
        p.iter()
            .any(|m| m.contains("caps.per_participant: contradicts caps.per_contract")),
        "{p:?}"
    );
    assert!(
        p.iter()
            .any(|m| m.contains("caps.per_period: a cap of 0 would pay nothing")),
        "{p:?}"
    );
}

#[test]
fn parties_and_outcomes_are_checked_together_and_every_problem_is_listed() {
    let text = GOOD
        .replace("orgnr = \"910000004\"", "orgnr = \"910000005\"")
        .replace("role = \"investor\"", "role = \"bank\"")
        .replace("name = \"Norsk\"", "name = \"Jobbstart\"\nmax_payments = 0");
    let p = problems(&text);
    assert!(
        p.iter().any(|m| m.starts_with("line 14: party[2].orgnr:")),
        "{p:?}"
    );
    assert!(
        p.iter()
            .any(|m| m
                .contains("party[3].role: \"bank\" is not nav, provider, investor or evaluator")),
        "{p:?}"
    );
    assert!(
        p.iter()
            .any(|m| m.contains("the contract has no investor party")),
        "{p:?}"
    );
    assert!(
        p.iter()
            .any(|m| m.contains("outcome[2].name: the outcome name \"Jobbstart\" is used twice")),
        "{p:?}"
    );
    assert!(
        p.iter()
            .any(|m| m.contains("outcome[2].max_payments: 0: an outcome is paid at least once")),
        "{p:?}"
    );
    // In line order.
    let lines: Vec<usize> = check(&text).unwrap_err().iter().map(|p| p.line).collect();
    assert!(lines.windows(2).all(|w| w[0] <= w[1]), "{lines:?}");
}

#[test]
fn a_syntax_error_names_its_line_and_dates_must_be_in_order() {
    let p = problems(&GOOD.replace("months = 24\nscale", "months = \nscale"));
    assert!(p[0].starts_with("line 25:"), "{p:?}");
    let p = problems(&GOOD.replace("ends = 2028-12-31", "ends = 2025-12-31"));
    assert_eq!(
        p,
        ["line 4: contract.ends: the contract ends (2025-12-31) before it starts (2026-01-01)"]
    );
}

mod priced {
    //! Each example contract prices a small cohort whose payments are worked out by hand here.
    use effekt_domain::contract::ledger::{compute, AchievementInput, CapKind, LineKind};

    use super::*;

    fn example(name: &str) -> ContractTerms {
        check(&std::fs::read_to_string(format!("{EXAMPLES}/{name}")).unwrap()).unwrap()
    }

    fn a(p: &str, outcome: usize, date: &str, magnitude: &str) -> AchievementInput {
        AchievementInput {
            participant: p.into(),
            outcome,
            date: date.parse().unwrap(),
            magnitude: magnitude.parse().unwrap(),
            evidence: vec![format!("{p}-{outcome}-{date}")],
        }
    }

    fn day(s: &str) -> chrono::NaiveDate {
        s.parse().unwrap()
    }

    fn kr(k: i64) -> Nok {
        Nok::from_kroner(k).unwrap()
    }

    #[test]
    fn rate_card_with_a_cap_per_participant() {
        // Outcomes in order: Norsk B1 15,000; Jobbstart 25,000; Varig arbeid 60,000;
        // Utdanning 20,000. No participant may earn more than 90,000 in all.
        let t = example("rate-card.toml");
        let input = [
            a("P-a", 0, "2026-03-10", "3"),
            a("P-a", 1, "2026-05-02", "60"),
            a("P-a", 2, "2026-10-29", "60"),
            a("P-b", 1, "2026-04-01", "100"),
            a("P-b", 1, "2026-06-01", "100"),
            a("P-c", 3, "2025-12-01", "1"),
        ];
        let ledger = compute(&t, &input);
        // P-a: 15,000 + 25,000 + 60,000 = 100,000, so the last payment loses 10,000 to the cap.
        // P-b: the second job start is not paid (once per participant). P-c: before the start.
        let lines: Vec<(String, &str, LineKind, Nok)> = ledger
            .lines
            .iter()
            .map(|l| {
                let label = t.periods.period_of(l.period).label;
                (
                    label,
                    input[l.achievement].participant.as_str(),
                    l.kind,
                    l.amount,
                )
            })
            .collect();
        assert_eq!(
            lines,
            [
                ("2026Q1".to_owned(), "P-a", LineKind::Payment, kr(15_000)),
                ("2026Q2".to_owned(), "P-b", LineKind::Payment, kr(25_000)),
                ("2026Q2".to_owned(), "P-a", LineKind::Payment, kr(25_000)),
                ("2026Q4".to_owned(), "P-a", LineKind::Payment, kr(60_000)),
                (
                    "2026Q4".to_owned(),
                    "P-a",
                    LineKind::Cap(CapKind::Participant),
                    kr(-10_000)
                ),
            ]
        );
        assert_eq!((ledger.over_payment_limit, ledger.outside_contract), (1, 1));
        assert_eq!(ledger.period_total(day("2026-04-01")).unwrap(), kr(50_000));
        assert_eq!(ledger.total().unwrap(), kr(115_000));
    }

    #[test]
    fn staged_milestones_20_40_40() {
        let t = example("staged-milestones.toml");
        let ledger = compute(
            &t,
            &[
                a("P-x", 0, "2026-02-01", "1"),
                a("P-x", 1, "2026-03-15", "50"),
                a("P-x", 2, "2026-09-12", "62.5"),
                a("P-y", 0, "2026-02-20", "1"),
                a("P-y", 1, "2026-07-01", "80"),
            ],
        );
        // P-x earns all three stages, exactly the 100,000 cap: no cap line. P-y two stages.
        assert!(ledger.lines.iter().all(|l| l.kind == LineKind::Payment));
        assert_eq!(
            ledger.period_total(day("2026-01-01")).unwrap(),
            kr(20_000 + 40_000 + 20_000)
        );
        assert_eq!(
            ledger.period_total(day("2026-07-01")).unwrap(),
            kr(40_000 + 40_000)
        );
        assert_eq!(ledger.total().unwrap(), kr(160_000));
    }

    #[test]
    fn benefit_free_months_and_a_graduated_two_year_bonus() {
        // 2,500 per benefit-free month, at most 24 per participant; the bonus is linear from
        // nothing at 50 % FTE to 30,000 at 100 %: 75 % gives 15,000. Paid half-yearly.
        let t = example("benefit-free-months.toml");
        let mut input: Vec<AchievementInput> = (0..30)
            .map(|i| {
                let month =
                    chrono::NaiveDate::from_ymd_opt(2026 + (i / 12), (i % 12) as u32 + 1, 1)
                        .unwrap();
                a("P-m", 0, &month.to_string(), "1")
            })
            .collect();
        input.push(a("P-m", 1, "2028-03-01", "75"));
        input.push(a("P-n", 1, "2028-04-01", "40"));
        let ledger = compute(&t, &input);
        assert_eq!(ledger.over_payment_limit, 6);
        assert_eq!(
            ledger.period_total(day("2026-01-01")).unwrap(),
            kr(6 * 2_500)
        );
        assert_eq!(
            ledger.period_total(day("2027-07-01")).unwrap(),
            kr(6 * 2_500)
        );
        assert_eq!(
            ledger.period_total(day("2028-01-01")).unwrap(),
            kr(15_000),
            "no months left, the bonus only; P-n's 40 % is below the floor"
        );
        assert_eq!(ledger.total().unwrap(), kr(24 * 2_500 + 15_000));
    }
}

mod indigo {
    //! The INDIGO export of a priced example contract: valid against the standard's schema,
    //! every section populated, every id resolving, and small results withheld.
    use effekt_domain::contract::ledger::{compute, AchievementInput};
    use serde_json::Value;

    use super::*;

    const SCHEMA: &str = include_str!("../../schemas/indigo/project.json");

    fn project() -> Value {
        let terms =
            check(&std::fs::read_to_string(format!("{EXAMPLES}/rate-card.toml")).unwrap()).unwrap();
        // Eight participants start a job in 2026Q2 (a large cell); three reach B1 in 2026Q1.
        let mut input: Vec<AchievementInput> = (0..8)
            .map(|p| AchievementInput {
                participant: format!("P-{p}"),
                outcome: 1,
                date: format!("2026-04-{:02}", p + 1).parse().unwrap(),
                magnitude: "60".parse().unwrap(),
                evidence: vec![format!("E{p}")],
            })
            .collect();
        input.extend((0..3).map(|p| AchievementInput {
            participant: format!("P-{p}"),
            outcome: 0,
            date: "2026-02-01".parse().unwrap(),
            magnitude: "3".parse().unwrap(),
            evidence: vec![format!("T{p}")],
        }));
        let ledger = compute(&terms, &input);
        let versions = [effekt_domain::contract::ledger::InForce {
            version: 1,
            from: terms.starts,
            terms: &terms,
        }];
        let lines = effekt_domain::contract::settlement::keyed(&versions, &ledger, &input);
        let priced = crate::indigo::Priced {
            lines: &lines,
            paid_periods: ["2026-04-01".parse().unwrap()].into(),
            cohort_sizes: Default::default(),
            ..Default::default()
        };
        crate::indigo::project(1, &terms, &priced).unwrap()
    }

    #[test]
    fn the_export_is_valid_indigo() {
        let schema: Value = serde_json::from_str(SCHEMA).unwrap();
        let validator = jsonschema::draft7::new(&schema).unwrap();
        let project = project();
        let errors: Vec<String> = validator
            .iter_errors(&project)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{errors:#?}");
        // The schema requires nothing, so check that what matters is there.
        for section in [
            "outcome_metrics",
            "outcome_pricings",
            "outcome_payments",
            "investments",
            "results",
        ] {
            assert!(
                !project[section].as_array().unwrap().is_empty(),
                "{section} is empty"
            );
        }
    }

    #[test]
    fn ids_resolve_and_small_cells_are_withheld() {
        let project = project();
        let metrics: Vec<&str> = project["outcome_metrics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["id"].as_str().unwrap())
            .collect();
        assert_eq!(metrics.len(), 4);
        for section in ["outcome_pricings", "outcome_payments", "results"] {
            for item in project[section].as_array().unwrap() {
                let id = item["outcome_metric_id"]["value"].as_str().unwrap();
                assert!(
                    metrics.contains(&id),
                    "{section} names {id}, which is no outcome metric"
                );
            }
        }
        // Organisations are the contract's parties, by organisation number.
        let payment = &project["outcome_payments"].as_array().unwrap()[1];
        assert_eq!(
            payment["payer_organisation_id"]["value"],
            "NO-BRC-889640782"
        );
        assert_eq!(
            payment["recipient_organisation_id"]["value"],
            "NO-BRC-910000004"
        );
        assert_eq!(
            project["investments"][0]["organisation_id"]["value"],
            "NO-BRC-910000020"
        );
        assert_eq!(
            project["investments"][0]["investment_commitment"]["amount"]["value"],
            12_000_000.0
        );
        // 2026Q2 job starts: 8 × 25,000 = 200,000 for 8 participants, published.
        let jobs = project["outcome_payments"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["outcome_metric_id"]["value"] == "outcome-metric-2")
            .unwrap();
        assert_eq!(jobs["money"]["amount"]["value"], 200_000.0);
        assert_eq!(jobs["period"]["start_date"]["value"], "2026-04-01");
        let job_result = project["results"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["outcome_metric_id"]["value"] == "outcome-metric-2")
            .unwrap();
        assert_eq!(
            job_result["number_with_positive_social_outcomes"]["value"],
            8
        );
        // 2026Q1 language results: three participants, so neither count nor amount is given.
        let language = project["outcome_payments"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["outcome_metric_id"]["value"] == "outcome-metric-1")
            .unwrap();
        assert!(language["money"].get("amount").is_none(), "{language}");
        let language_result = project["results"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["outcome_metric_id"]["value"] == "outcome-metric-1")
            .unwrap();
        assert_eq!(language_result["outcomes_achieved"]["value"], "<5");
        assert!(language_result
            .get("number_with_positive_social_outcomes")
            .is_none());
        // Fixed prices are published per unit.
        assert_eq!(
            project["outcome_pricings"][1]["price_per_unit"]["amount"]["value"],
            25_000.0
        );
    }
}

mod cohorts {
    //! The cohort-level examples, priced on hand-made certified figures worked out below.
    use effekt_domain::contract::cohort::{graduated, CertifiedFigure};
    use effekt_domain::contract::terms::CohortMechanism;

    use super::*;

    fn example(name: &str) -> ContractTerms {
        check(&std::fs::read_to_string(format!("{EXAMPLES}/{name}")).unwrap()).unwrap()
    }

    fn figure(cohort: &str, size: u32, value: &str) -> CertifiedFigure {
        CertifiedFigure {
            comparison: None,
            cohort: cohort.into(),
            cohort_size: size,
            value: value.parse().unwrap(),
            certified_by: "Uavhengig evaluator AS".into(),
            certified_on: "2028-03-01".parse().unwrap(),
        }
    }

    fn kr(k: i64) -> Nok {
        Nok::from_kroner(k).unwrap()
    }

    #[test]
    fn graduated_cohort_scale() {
        let t = example("graduated-cohort-scale.toml");
        let CohortMechanism::Graduated { scale } = &t.cohort_outcomes[0].mechanism else {
            panic!()
        };
        // 37.5 % employment: (37.5 − 25) / 20 × 2,000,000 = 1,250,000.
        assert_eq!(
            graduated(scale, &[figure("2026", 100, "37.5")]).unwrap()[0].amount,
            kr(1_250_000)
        );
    }

    #[test]
    fn cohort_trigger() {
        let t = example("cohort-trigger.toml");
        let CohortMechanism::Trigger { trigger } = &t.cohort_outcomes[0].mechanism else {
            panic!()
        };
        let cohorts = [
            figure("C1", 1000, "8.4"),
            figure("C2", 1000, "11"),
            figure("C3", 800, "6"),
        ];
        // C2 alone: 3,000,000; pooled 8.64 % ≥ 7.5 %: 8,400,000 due, 5,400,000 more.
        let total = trigger
            .price(&cohorts, true)
            .unwrap()
            .iter()
            .try_fold(Nok::ZERO, |s, l| s.plus(l.amount))
            .unwrap();
        assert_eq!(total, kr(8_400_000));
    }

    #[test]
    fn savings_share_and_tiered_savings() {
        let t = example("savings-share.toml");
        let CohortMechanism::SavingsShare { share, .. } = &t.cohort_outcomes[0].mechanism else {
            panic!()
        };
        // 40 % of 1,500,000 = 600,000; 40 % of 2,500,000 = 1,000,000, capped at 800,000.
        let lines = share
            .price(
                &[figure("A", 100, "1500000"), figure("B", 100, "2500000")],
                &[],
            )
            .unwrap();
        assert_eq!(
            (lines[0].amount, lines[1].amount),
            (kr(600_000), kr(800_000))
        );

        let t = example("tiered-savings.toml");
        let CohortMechanism::SavingsShare { share, extra_when } = &t.cohort_outcomes[1].mechanism
        else {
            panic!()
        };
        assert_eq!(extra_when.as_deref(), Some("Sysselsetting i kohorten"));
        // 2,000,000 saved: 500,000 + 300,000 = 800,000, below the 1,200,000 cap, so no extra
        // at 32 % employment. 6,000,000 saved: 500,000 + 600,000 + 300,000 = 1,400,000,
        // 200,000 above the cap, and at 32 % the extra of up to 200,000 pays all of it.
        let lines = share
            .price(
                &[figure("C1", 150, "2000000"), figure("C2", 150, "6000000")],
                &[figure("C1", 150, "32"), figure("C2", 150, "32")],
            )
            .unwrap();
        assert_eq!(
            (lines[0].amount, lines[1].amount),
            (kr(800_000), kr(1_400_000))
        );
    }

    #[test]
    fn cohort_outcomes_are_checked() {
        let base = std::fs::read_to_string(format!("{EXAMPLES}/tiered-savings.toml")).unwrap();
        let p = problems(&base.replace(
            "when = \"Sysselsetting i kohorten\"",
            "when = \"Sysselsetting\"",
        ));
        assert!(
            p.iter().any(|m| m
                .contains("cohort_outcome[2].extra.when: \"Sysselsetting\" is no cohort outcome")),
            "{p:?}"
        );
        let p = problems(&base.replace("mechanism = \"graduated\"", "mechanism = \"bonus\""));
        assert!(
            p.iter().any(|m| m.contains(
                "cohort_outcome[1].mechanism: \"bonus\" is not graduated, trigger, per_unit or savings_share"
            )),
            "{p:?}"
        );
        let p = problems(&base.replace(
            "floor = \"25\", target = \"45\"",
            "floor = \"45\", target = \"25\"",
        ));
        assert!(
            p.iter()
                .any(|m| m.contains("cohort_outcome[1].scale.floor")),
            "{p:?}"
        );
    }
}
