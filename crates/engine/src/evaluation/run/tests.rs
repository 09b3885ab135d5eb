//! A run on generated registers, where what is true is known: the planted job raises sustained
//! employment and leaves benefits alone, so the headline interval lies above zero and the
//! benefits one covers zero; the same inputs give the same run; and each bad input is a named
//! error, never a number.

use std::collections::HashSet;

use super::*;
use crate::evaluation::plan::{parse, PlanProblem};
use crate::register::{generate, read_dir};
use crate::verify::parse_definitions;

fn definitions() -> Vec<effekt_domain::outcomes::Definition> {
    parse_definitions(include_str!(
        "../../../../../bench/definitions/benchmark.toml"
    ))
    .unwrap()
}

const PLAN: &str = r#"
headline = "sustained_employment"
secondary = ["months_without_benefits"]
history_months = 24
covariates = ["employed_months", "age", "education"]
caliper = 0.2
ratio = 1
replacement = false
subgroups = ["cohort"]
bootstrap = 200
seed = 7

[[figure]]
name = "employment_rate"
outcome = "sustained_employment"
measure = "rate"

[[figure]]
name = "reduction_vs_comparison"
outcome = "months_without_benefits"
measure = "reduction"
count = "not_achieved"
"#;

fn plan(text: &str) -> Result<Plan, Vec<PlanProblem>> {
    parse(
        text,
        &definitions(),
        &[
            "employment_rate".to_owned(),
            "reduction_vs_comparison".to_owned(),
        ],
    )
}

/// A generated register and its treated persons' ids.
fn generated(persons: usize, seed: u64) -> (Register, Vec<String>) {
    let dir = std::env::temp_dir().join(format!(
        "effekt-run-{}-{persons}-{seed}",
        std::process::id()
    ));
    generate(persons, seed, &dir).unwrap();
    let register = read_dir(&dir).unwrap();
    let ids = std::fs::read_to_string(dir.join("treated.csv"))
        .unwrap()
        .lines()
        .skip(1)
        .map(str::to_owned)
        .collect();
    let _ = std::fs::remove_dir_all(&dir);
    (register, ids)
}

fn run_on(register: &Register, ids: &[String], plan: &Plan) -> Result<Run, RunError> {
    let (participants, is_participant, missing) =
        participants_by_id(register, ids.iter().map(String::as_str), "Leverandør AS");
    let excluded = [(Exclusion::NotInRegister, missing)];
    run(
        &Input {
            register,
            participants: &participants,
            is_participant: &is_participant,
            excluded_before: &excluded,
        },
        plan,
    )
}

#[test]
fn a_run_finds_the_planted_effect_where_it_is_and_none_where_it_is_not() {
    let (register, ids) = generated(20_000, 5);
    let plan = plan(PLAN).unwrap();
    let first = run_on(&register, &ids, &plan).unwrap();
    let r = &first.result;
    assert_eq!(r.participants, ids.len());
    let excluded: usize = r.exclusions.iter().map(|e| e.count).sum();
    assert_eq!(r.matched + excluded, r.participants, "{:?}", r.exclusions);
    assert!(r.matched * 10 >= r.analysed * 9, "most are matched: {r:?}");
    let headline = &r.effects[0];
    assert!(headline.headline && headline.outcome == "sustained_employment");
    assert!(headline.low > 0.0, "the planted job shows: {headline:?}");
    assert!(headline.bootstrap_low > 0.0 && headline.bootstrap_high < 2.0 * headline.att);
    let benefits = &r.effects[1];
    assert!(
        benefits.low < 0.0 && 0.0 < benefits.high,
        "the planted job leaves benefits alone: {benefits:?}"
    );
    for b in &r.balance {
        assert!(!b.flagged, "balanced after matching: {b:?}");
    }
    let employed = r
        .balance
        .iter()
        .find(|b| b.covariate.starts_with("Måneder i arbeid"))
        .unwrap();
    assert!(
        employed.before < -0.1,
        "the programme takes in the less employed: {employed:?}"
    );
    // Before the index date the matched groups move together; after it they part.
    let before: Vec<f64> = r
        .event_study
        .months
        .iter()
        .filter(|m| m.month < -1)
        .map(|m| m.estimate.abs())
        .collect();
    assert!(before.iter().all(|e| *e < 0.05), "{before:?}");
    assert!(r.event_study.did_low > 0.0, "{:?}", r.event_study);
    assert!(r.survival.log_rank_p.unwrap() < 0.05);
    assert!(r.survival.participants.last().unwrap().1 < r.survival.comparison.last().unwrap().1);
    // The figures per cohort add up to the headline: sizes to its sets, rates to its mean.
    let rates: Vec<&CohortFigure> = r
        .figures
        .iter()
        .filter(|f| f.figure == "employment_rate")
        .collect();
    let size: usize = rates.iter().map(|f| f.size).sum();
    assert_eq!(size, headline.sets);
    let events: f64 = rates.iter().map(|f| f.events).sum();
    assert!((events / size as f64 - headline.treated_mean).abs() < 1e-12);
    for f in &rates {
        let v: f64 = f.value.unwrap().try_into().unwrap();
        assert!(
            (v - 100.0 * f.events / f.size as f64).abs() <= 0.005,
            "{f:?}"
        );
        assert!(f.comparison.is_some());
    }
    assert!(r
        .figures
        .iter()
        .any(|f| f.figure == "reduction_vs_comparison" && f.comparison.is_none()));
    assert_eq!(
        r.subgroups.iter().map(|s| s.sets).sum::<usize>(),
        headline.sets
    );

    let again = run_on(&register, &ids, &plan).unwrap();
    assert_eq!(first, again, "the same inputs give the same run");
}

#[test]
fn participants_without_follow_up_or_covariates_are_excluded_with_the_reason() {
    let (mut register, ids) = generated(5_000, 8);
    let plan = plan(PLAN).unwrap();
    let (participants, is_participant, _) =
        participants_by_id(&register, ids.iter().map(String::as_str), "A");
    let inputs = |participants: &[Participant], register: &Register| {
        let excluded = [(Exclusion::NotStarted, 3)];
        run(
            &Input {
                register,
                participants,
                is_participant: &is_participant,
                excluded_before: &excluded,
            },
            &plan,
        )
        .unwrap()
        .result
    };
    let before = inputs(&participants, &register);
    let closed: Vec<usize> = (0..participants.len())
        .filter(|i| {
            window_closed(
                &plan.headline.kind,
                participants[*i].index_date,
                &register.snapshot,
            )
        })
        .take(2)
        .collect();
    let mut participants = participants.clone();
    participants[closed[0]].index_date = register.snapshot.cutoff;
    register.persons[participants[closed[1]].person].education_level = "ukjent".into();
    let r = inputs(&participants, &register);
    let count = |r: &RunResult, reason| {
        r.exclusions
            .iter()
            .find(|e| e.reason == reason)
            .map_or(0, |e| e.count)
    };
    assert_eq!(
        count(&r, Exclusion::FollowUpOpen),
        count(&before, Exclusion::FollowUpOpen) + 1
    );
    assert_eq!(count(&r, Exclusion::MissingCovariate), 1);
    assert_eq!(count(&r, Exclusion::NotStarted), 3);
    assert_eq!(r.participants, participants.len() + 3);
    assert_eq!(r.analysed, before.analysed - 2);
}

#[test]
fn bad_inputs_are_named_errors_not_numbers() {
    let (register, ids) = generated(5_000, 9);
    let good = plan(PLAN).unwrap();
    assert!(matches!(
        run_on(&register, &ids[..5], &good),
        Err(RunError::TooFewParticipants(n)) if n <= 5
    ));

    // Everyone the same sex: the covariate cannot vary.
    let mut same = register.clone();
    for p in &mut same.persons {
        p.sex = "m".into();
    }
    let with_woman = plan(&PLAN.replace("\"education\"]", "\"education\", \"woman\"]")).unwrap();
    let e = run_on(&same, &ids, &with_woman).unwrap_err();
    assert!(
        matches!(e, RunError::Model(logit::LogitError::NoVariance { .. })),
        "{e}"
    );

    // Education separates the groups perfectly.
    let treated: HashSet<&String> = ids.iter().collect();
    let mut separated = register.clone();
    for p in &mut separated.persons {
        p.education_level = if treated.contains(&p.id.to_string()) {
            "hoyere"
        } else {
            "grunnskole"
        }
        .into();
    }
    let e = run_on(&separated, &ids, &good).unwrap_err();
    assert!(
        matches!(e, RunError::Model(logit::LogitError::PerfectSeparation)),
        "{e}"
    );
    assert!(e.to_string().contains("drop or coarsen"));

    // Exact matching on a municipality no pool person lives in.
    let mut apart = register.clone();
    for p in &mut apart.persons {
        if treated.contains(&p.id.to_string()) {
            p.municipality = "9999".into();
        }
    }
    let exact =
        plan(&PLAN.replace("caliper = 0.2", "exact = [\"municipality\"]\ncaliper = 0.2")).unwrap();
    let e = run_on(&apart, &ids, &exact).unwrap_err();
    assert_eq!(e, RunError::NoMatches);

    // Too small a pool.
    let small = Register {
        persons: register.persons.iter().take(40).cloned().collect(),
        ..register.clone()
    };
    let all: Vec<String> = small
        .persons
        .iter()
        .take(20)
        .map(|p| p.id.to_string())
        .collect();
    assert!(matches!(
        run_on(&small, &all, &good),
        Err(RunError::TooFewPool(_))
    ));
}
