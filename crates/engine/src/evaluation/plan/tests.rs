use super::*;
use effekt_domain::outcomes::timeline::Skill;

fn outcomes() -> Vec<Definition> {
    let mut d = crate::verify::parse_definitions(include_str!(
        "../../../../../bench/definitions/benchmark.toml"
    ))
    .unwrap();
    d.push(Definition {
        name: "Delmål".into(),
        kind: OutcomeKind::MilestoneVerified {
            milestone: "cv".into(),
            months: 12,
        },
    });
    d.push(Definition {
        name: "Norsk vurdert".into(),
        kind: OutcomeKind::LanguageLevelAssessed {
            skill: Skill::Speaking,
            level: effekt_domain::outcomes::timeline::Cefr::B1,
            months: 12,
        },
    });
    d
}

const GOOD: &str = r#"
headline = "sustained_employment"
secondary = ["months_without_benefits"]
history_months = 36
covariates = ["age", "woman", "education", "employed_months", "benefit_months"]
exact = ["sex", "country_group"]
caliper = 0.2
ratio = 2
replacement = true
subgroups = ["cohort", "provider"]
bootstrap = 1000
seed = 2026

[[figure]]
name = "employment_rate"
outcome = "sustained_employment"
measure = "rate"
"#;

fn check(text: &str) -> Result<Plan, Vec<PlanProblem>> {
    parse(
        text,
        &outcomes(),
        &["employment_rate".to_owned(), "savings".to_owned()],
    )
}

fn keys(text: &str) -> Vec<String> {
    check(text)
        .unwrap_err()
        .into_iter()
        .map(|p| p.key)
        .collect()
}

#[test]
fn a_plan_names_the_contracts_outcomes_and_its_rule() {
    let p = check(GOOD).unwrap();
    assert_eq!(p.headline.name, "sustained_employment");
    assert_eq!(p.secondary.len(), 1);
    assert_eq!(p.model_covariates()[4], Covariate::BenefitMonths(36));
    assert_eq!(p.figures[0].per, 100);
    assert_eq!(p.figures[0].count, Counted::Achieved);
    assert_eq!(p.headline.kind.months(), 24, "the contract's window");
    let p = check(&GOOD.replace(
        "history_months = 36",
        "history_months = 36\nwindow_months = 12",
    ))
    .unwrap();
    assert_eq!(
        (p.headline.kind.months(), p.secondary[0].kind.months()),
        (12, 12)
    );
}

#[test]
fn every_problem_is_named_by_its_key() {
    assert_eq!(
        keys(&GOOD.replace("headline = \"sustained_employment\"", "headline = \"Jobb\"")),
        ["headline", "figure[0].outcome"]
    );
    let e = check(&GOOD.replace(
        "secondary = [\"months_without_benefits\"]",
        "secondary = [\"Delmål\", \"Norsk vurdert\"]",
    ))
    .unwrap_err();
    assert_eq!(
        e.iter().map(|p| p.key.as_str()).collect::<Vec<_>>(),
        ["secondary[0]", "secondary[1]"]
    );
    assert!(e[0].message.contains("provider's own records"), "{e:?}");
    assert_eq!(
        keys(&GOOD.replace("history_months = 36", "history_months = 12")),
        ["history_months"]
    );
    assert_eq!(
        keys(&GOOD.replace("caliper = 0.2", "caliper = 0.0")),
        ["caliper"]
    );
    assert_eq!(keys(&GOOD.replace("ratio = 2", "ratio = 0")), ["ratio"]);
    assert_eq!(
        keys(&GOOD.replace("bootstrap = 1000", "bootstrap = 5")),
        ["bootstrap"]
    );
    assert_eq!(
        keys(&GOOD.replace("name = \"employment_rate\"", "name = \"kroner\"")),
        ["figure[0].name"]
    );
    assert_eq!(
        keys(&GOOD.replace("\"age\", \"woman\"", "\"age\", \"age\"")),
        ["covariates[1]"]
    );
    assert_eq!(keys(&GOOD.replace("covariates = [\"age\", \"woman\", \"education\", \"employed_months\", \"benefit_months\"]", "covariates = []")), ["covariates"]);
    // Unknown keys and values, and syntax, with the line.
    let e = check(&format!("{GOOD}\nmystery = 1\n")).unwrap_err();
    assert!(e[0].message.contains("unknown field"), "{e:?}");
    let e = check(&GOOD.replace("\"woman\"", "\"height\"")).unwrap_err();
    assert_eq!(e[0].key, "linje 5", "{e:?}");
    let e = check("headline = ").unwrap_err();
    assert!(e[0].key.starts_with("linje"), "{e:?}");
}
