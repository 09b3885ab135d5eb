//! Issue 11: the nonsense the checker used to accept, each refused with its line and key; a
//! big file checked whole; and the per-event mechanism read from its example.

use effekt_domain::money::Nok;

use super::*;

const EXAMPLES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/contracts");

fn example(name: &str) -> String {
    std::fs::read_to_string(format!("{EXAMPLES}/{name}")).unwrap()
}

fn problems(text: &str) -> Vec<String> {
    match check(text) {
        Ok(_) => panic!("expected problems"),
        Err(p) => p.iter().map(ToString::to_string).collect(),
    }
}

fn says(p: &[String], what: &str) -> bool {
    p.iter().any(|m| m.contains(what))
}

#[test]
fn a_trigger_never_pays_a_cohort_that_did_worse_than_its_comparison() {
    let base = example("cohort-trigger.toml");
    assert!(base.contains("threshold = \"10\""), "the example's trigger");
    let p = problems(&base.replace("threshold = \"10\"", "threshold = \"-5\""));
    assert!(
        says(&p, "cohort_outcome[1].trigger.threshold: -5 is below 0"),
        "{p:?}"
    );
    let p = problems(&base.replace("pooled_threshold = \"7.5\"", "pooled_threshold = \"-1\""));
    assert!(says(&p, "trigger.pooled_threshold: -1 is below 0"), "{p:?}");
}

#[test]
fn a_cohort_figures_unit_is_declared_and_must_be_one_the_mechanism_reads() {
    use effekt_domain::contract::figure_unit::FigureUnit;
    let per_unit = example("per-event-avoided.toml");
    let declared = per_unit.replace(
        "mechanism = \"per_unit\"",
        "mechanism = \"per_unit\"\nunit = \"percent\"",
    );
    let terms = check(&declared).unwrap();
    assert_eq!(terms.cohort_outcomes[0].unit, Some(FigureUnit::Percent));
    // A percentage: a certified 250 is refused, where an undeclared rate takes it.
    assert!(terms.cohort_outcomes[0]
        .accepts("250".parse().unwrap())
        .is_err());
    let undeclared = check(&per_unit).unwrap();
    assert_eq!(undeclared.cohort_outcomes[0].unit, None);
    assert!(undeclared.cohort_outcomes[0]
        .accepts("250".parse().unwrap())
        .is_ok());

    let trigger = example("cohort-trigger.toml");
    let p = problems(&trigger.replace(
        "mechanism = \"trigger\"",
        "mechanism = \"trigger\"\nunit = \"kroner\"",
    ));
    assert!(
        says(&p, "cohort_outcome[1].unit: the trigger mechanism does not read figures in kroner (it reads percent)"),
        "{p:?}"
    );
    let p = problems(&trigger.replace(
        "mechanism = \"trigger\"",
        "mechanism = \"trigger\"\nunit = \"stk\"",
    ));
    assert!(
        says(
            &p,
            "cohort_outcome[1].unit: \"stk\" is not percent, rate or kroner"
        ),
        "{p:?}"
    );
}

#[test]
fn impossible_outcome_parameters_are_refused_where_they_are() {
    let rate_card = example("rate-card.toml");
    for (from, to, expected) in [
        (
            "min_fte = \"50\"\nmonths = 24",
            "min_fte = \"-10\"\nmonths = 24",
            "outcome[2].min_fte: -10 is not a share of a full-time position",
        ),
        (
            "min_fte = \"50\"\nmonths = 24",
            "min_fte = \"50\"\nmonths = 0",
            "outcome[2].months: a window of 0 months holds no outcome",
        ),
        (
            "min_fte = \"50\"\nmonths = 24",
            "min_fte = \"50\"\nmonths = 5000",
            "outcome[2].months: 5000 months is more than any window",
        ),
        (
            "weeks = 26",
            "weeks = 5000",
            "outcome[3].weeks: 5000 weeks do not fit in a window",
        ),
    ] {
        assert!(rate_card.contains(from), "{from}");
        let p = problems(&rate_card.replacen(from, to, 1));
        assert!(says(&p, expected), "{expected}: {p:?}");
        assert!(p.iter().all(|m| m.starts_with("line ")), "{p:?}");
    }
}

#[test]
fn amounts_beyond_any_contract_are_refused_before_sums_stop_adding_up() {
    let rate_card = example("rate-card.toml");
    for huge in ["92000000000000000", "1000000000000.01", "9e20"] {
        let p =
            problems(&rate_card.replacen("amount = \"15000\"", &format!("amount = \"{huge}\""), 1));
        assert!(
            says(&p, "outcome[1].scale.amount")
                && (says(&p, "more than any contract pays") || says(&p, "not an amount")),
            "{huge}: {p:?}"
        );
    }
    // The limit itself is an amount.
    let at_limit = rate_card.replacen("amount = \"15000\"", "amount = \"1000000000000\"", 1);
    assert!(check(&at_limit).is_ok());
}

#[test]
fn names_are_compared_as_they_look() {
    let rate_card = example("rate-card.toml");
    // Only a zero-width space: no name.
    let p = problems(&rate_card.replacen("name = \"Jobbstart\"", "name = \"\u{200B}\"", 1));
    assert!(
        says(&p, "outcome[2].name: an outcome needs a name"),
        "{p:?}"
    );
    // "Måned" in NFD beside "Måned" in NFC: the same name twice.
    let nfc = "M\u{00E5}ned";
    let nfd = "Ma\u{030A}ned";
    let text = rate_card
        .replacen("name = \"Jobbstart\"", &format!("name = \"{nfc}\""), 1)
        .replacen(
            "name = \"Norsk muntlig B1\"",
            &format!("name = \"{nfd}\""),
            1,
        );
    let p = problems(&text);
    assert!(says(&p, "outcome[2].name: the outcome name"), "{p:?}");
    assert!(says(&p, "is used twice"), "{p:?}");
    // Stored in NFC with invisible characters gone, so every page shows one spelling.
    let text = rate_card.replacen(
        "name = \"Jobbstart\"",
        &format!("name = \"{nfd}\u{200B}\""),
        1,
    );
    let terms = check(&text).unwrap();
    assert_eq!(terms.outcomes[1].definition.name, nfc);
}

#[test]
fn an_extra_above_the_cap_needs_a_cap() {
    let base = example("tiered-savings.toml");
    let p = problems(&base.replace("cap = \"1200000\"\n", ""));
    assert!(
        says(&p, "cohort_outcome[2].extra.amount: the extra is paid out of what the scale prices above the cap"),
        "{p:?}"
    );
}

#[test]
fn a_big_file_is_checked_whole_and_a_late_duplicate_is_found() {
    // How long it takes is measured by bench/contract-check.sh (docs/benchmarks.md).
    let mut text = example("rate-card.toml");
    text = text.split("[[outcome]]").next().unwrap().to_owned();
    for i in 0..20_000 {
        text.push_str(&format!(
            "[[outcome]]\nname = \"Jobbstart {i}\"\nkind = \"job_start\"\nmin_fte = \"50\"\nmonths = 24\nscale = {{ type = \"fixed\", amount = \"1000\" }}\n\n"
        ));
    }
    let terms = check(&text).unwrap();
    assert_eq!(terms.outcomes.len(), 20_000);
    // A duplicate at the very end is still found, with its line.
    text.push_str("[[outcome]]\nname = \"Jobbstart 7\"\nkind = \"job_start\"\nmin_fte = \"50\"\nmonths = 24\nscale = { type = \"fixed\", amount = \"1000\" }\n");
    let p = problems(&text);
    assert_eq!(p.len(), 1, "{p:?}");
    assert!(p[0].contains("outcome[20001].name"), "{p:?}");
}

#[test]
fn the_per_event_example_reads_as_published_and_is_checked() {
    use effekt_domain::contract::terms::CohortMechanism;
    let text = example("per-event-avoided.toml");
    let terms = check(&text).unwrap();
    let CohortMechanism::PerUnit { per_unit } = &terms.cohort_outcomes[0].mechanism else {
        panic!("{:?}", terms.cohort_outcomes[0].mechanism)
    };
    assert_eq!(per_unit.price, Nok::from_kroner(25_000).unwrap());
    assert_eq!(
        (
            per_unit.threshold.to_string(),
            per_unit.pooled_threshold.to_string()
        ),
        ("10".to_owned(), "7.5".to_owned())
    );
    assert!(per_unit.lower_is_better);
    for (from, to, expected) in [
        (
            "threshold = \"10\"",
            "threshold = \"-10\"",
            "per_unit.threshold: -10 is below 0",
        ),
        (
            "per = \"100\"",
            "per = \"0\"",
            "per_unit.per: rates are per 1 or more persons",
        ),
        (
            "better = \"lower\"",
            "better = \"fewer\"",
            "per_unit.better: \"fewer\" is not lower or higher",
        ),
        (
            "price = \"25000\"",
            "price = \"-1\"",
            "per_unit.price: -1 is negative",
        ),
    ] {
        let p = problems(&text.replacen(from, to, 1));
        assert!(says(&p, expected), "{expected}: {p:?}");
    }
    let p = problems(&text.replace(
        "mechanism = \"per_unit\"",
        "mechanism = \"per_unit\"\ncap = \"100\"",
    ));
    assert!(says(&p, "the per_unit mechanism takes no cap"), "{p:?}");
}

mod indigo_examples {
    //! Every shipped example exports valid INDIGO, with or without results; cohort outcomes
    //! are metrics with pricings and payments; only paid periods are `Actual`.
    use effekt_domain::contract::ledger::LineKind;
    use effekt_domain::contract::settlement::{LineKey, PricedLine};
    use serde_json::Value;

    use super::*;

    const SCHEMA: &str = include_str!("../../schemas/indigo/project.json");

    fn valid(project: &Value) {
        let schema: Value = serde_json::from_str(SCHEMA).unwrap();
        let validator = jsonschema::draft7::new(&schema).unwrap();
        let errors: Vec<String> = validator
            .iter_errors(project)
            .map(|e| format!("{e} at {}", e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{errors:#?}");
    }

    #[test]
    fn delivery_locations_are_checked_and_exported_with_their_municipality_numbers() {
        let base = example("rate-card.toml");
        let places = "\n[[location]]\nmunicipality = \"0301\"\nname = \"Oslo\"\n\n\
                      [[location]]\nmunicipality = \"3203\"\nname = \"Asker\"\nprovider = \"910000012\"\n";
        let terms = check(&format!("{base}{places}")).unwrap();
        assert_eq!(terms.locations.len(), 2);
        let project = crate::indigo::project(1, &terms, &Default::default()).unwrap();
        valid(&project);
        let locations = project["delivery_locations"].as_array().unwrap();
        assert_eq!(
            locations[0]["adminstrative_geography_code"]["value"],
            "0301"
        );
        assert_eq!(locations[0]["location_country"]["value"], "NO");
        assert!(
            locations[0].get("service_provision_id").is_none(),
            "the whole consortium"
        );
        assert_eq!(locations[1]["location_name"]["value"], "Asker");
        // Språkverkstedet is the second provider listed.
        assert_eq!(
            locations[1]["service_provision_id"]["value"],
            "service-provision-2"
        );

        let bad = format!(
            "{base}\n[[location]]\nmunicipality = \"1201\"\nname = \"Bergen\"\n\n\
             [[location]]\nmunicipality = \"0301\"\nname = \"\u{200b} \"\nprovider = \"910000020\"\n\n\
             [[location]]\nmunicipality = \"0301\"\nname = \"Oslo\"\n\n\
             [[location]]\nmunicipality = \"0301\"\nname = \"Oslo sentrum\"\n"
        );
        let p = problems(&bad);
        assert!(
            says(
                &p,
                "line 92: location[1].municipality: \"1201\": no county has the number 12"
            ),
            "{p:?}"
        );
        assert!(
            says(&p, "location[2].name: a location needs the place's name"),
            "{p:?}"
        );
        assert!(
            says(
                &p,
                "location[2].provider: 910000020 is not a provider party"
            ),
            "{p:?}"
        );
        assert!(
            says(
                &p,
                "location[4].municipality: 0301 is already listed for the same provider"
            ),
            "{p:?}"
        );
        assert_eq!(p.len(), 4, "{p:?}");
    }

    #[test]
    fn every_example_exports_valid_indigo_even_before_any_register() {
        let mut seen = 0;
        for entry in std::fs::read_dir(EXAMPLES).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_none_or(|e| e != "toml") {
                continue;
            }
            let terms = check(&std::fs::read_to_string(&path).unwrap()).unwrap();
            let project = crate::indigo::project(1, &terms, &Default::default()).unwrap();
            valid(&project);
            let metrics = project["outcome_metrics"].as_array().unwrap();
            assert_eq!(
                metrics.len(),
                terms.outcomes.len() + terms.cohort_outcomes.len(),
                "{}: every outcome, cohort outcomes too",
                path.display()
            );
            assert_eq!(
                project["outcome_pricings"].as_array().unwrap().len(),
                metrics.len()
            );
            seen += 1;
        }
        assert!(seen >= 8, "{seen}");
    }

    #[test]
    fn cohort_payments_are_published_and_only_paid_periods_are_actual() {
        let terms = check(&example("graduated-cohort-scale.toml")).unwrap();
        let line = |cohort: &str, period: &str, amount: i64| PricedLine {
            key: LineKey {
                date: period.parse().unwrap(),
                outcome: terms.cohort_outcomes[0].name.clone(),
                participant: format!("Kohort {cohort}"),
                kind: LineKind::Payment,
                occurrence: 0,
            },
            period: period.parse().unwrap(),
            amount: Nok::from_kroner(amount).unwrap(),
            version: 1,
            achievement: usize::MAX,
        };
        let lines = [
            line("2026", "2026-01-01", 1_250_000),
            line("2027", "2027-01-01", 900_000),
            line("tiny", "2028-01-01", 10_000),
        ];
        let priced = crate::indigo::Priced {
            lines: &lines,
            paid_periods: ["2026-01-01".parse().unwrap()].into(),
            cohort_sizes: [
                ("2026".into(), 120),
                ("2027".into(), 110),
                ("tiny".into(), 3),
            ]
            .into(),
            target_cohort: Some(300),
            history: vec![crate::indigo::Amendment {
                version: 2,
                from: "2027-01-01".parse().unwrap(),
                changes: vec!["The price went up.".into()],
                reason: Some("Results came later than planned.".into()),
            }],
        };
        let project = crate::indigo::project(1, &terms, &priced).unwrap();
        assert_eq!(
            project["service_and_beneficiaries"]
                ["targeted_number_service_users_or_beneficiaries_total"]["value"],
            300
        );
        assert_eq!(
            project["outcome_pricings"][0]["contracted_increases_to_outcome_pricing"]["value"],
            "version 2, from 2027-01-01: The price went up. Reason: Results came later than planned."
        );
        assert_eq!(
            project["results"][0]["outcomes_validator_organisation_ids"]["value"],
            "NO-BRC-910000039",
            "the evaluator validates"
        );
        assert_eq!(project["jurisdiction"]["jurisdiction"]["value"], "NO");
        valid(&project);
        let payments = project["outcome_payments"].as_array().unwrap();
        assert_eq!(payments.len(), 3);
        let metric = format!("outcome-metric-{}", terms.outcomes.len() + 1);
        assert!(payments
            .iter()
            .all(|p| p["outcome_metric_id"]["value"] == metric.as_str()));
        assert_eq!(payments[0]["type"]["value"], "Actual");
        assert_eq!(payments[0]["money"]["amount"]["value"], 1_250_000.0);
        assert_eq!(
            payments[1]["type"]["value"], "Planned",
            "approved is not paid"
        );
        // A cohort of 3 is a small cell: its amount would be about 3 people.
        assert!(
            payments[2]["money"].get("amount").is_none(),
            "{}",
            payments[2]
        );
        let results = project["results"].as_array().unwrap();
        assert_eq!(
            results[0]["number_with_positive_social_outcomes"]["value"],
            120
        );
    }
}

#[test]
fn indigo_names_every_provider_the_commitment_the_caps_and_the_drawdowns() {
    for entry in std::fs::read_dir(EXAMPLES).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "toml") {
            continue;
        }
        let terms = check(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let project = crate::indigo::project(1, &terms, &Default::default()).unwrap();
        let providers = terms
            .parties
            .iter()
            .filter(|p| p.role == effekt_domain::contract::terms::PartyRole::Provider)
            .count();
        assert_eq!(
            project["service_provisions"].as_array().unwrap().len(),
            providers,
            "{}",
            path.display()
        );
        if let Some(cap) = terms.caps.per_contract {
            assert_eq!(
                project["outcome_payment_commitments"][0]["maximum_potential_outcome_payment"]
                    ["amount"]["value"],
                cap.ore() as f64 / 100.0
            );
        }
        if let Some(investment) = &terms.investment {
            assert_eq!(
                project["transactions"].as_array().unwrap().len(),
                investment.drawdowns.len(),
                "{}",
                path.display()
            );
            assert!(
                project["overall_project_finance"]["maximum_potential_return"]["value"]
                    .as_str()
                    .unwrap()
                    .contains('%')
            );
        }
    }
}

#[test]
fn terms_stored_before_issue_11_still_load_as_the_same_terms() {
    // Written by the code of commit 99cb437 (SOURCE.md beside them).
    let dir = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/src/contract/stored-before-issue-11"
    );
    let mut seen = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "json") {
            continue;
        }
        let stored: ContractTerms = serde_json::from_str(&std::fs::read_to_string(&path).unwrap())
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let stem = path.file_stem().unwrap().to_str().unwrap();
        if !stem.starts_with("demo") {
            // The same file checked by today's code gives the same terms.
            assert_eq!(
                stored,
                check(&example(&format!("{stem}.toml"))).unwrap(),
                "{stem}"
            );
        }
        seen += 1;
    }
    assert_eq!(seen, 9);
}
