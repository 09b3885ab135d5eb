//! The estimand test of issue 15: on 20 generated registers whose true effect on the treated is
//! known (`register generate`'s counterfactual), the matched estimate's 95 % interval covers the
//! true ATT on sustained employment in at least 17, and the naive treated-minus-pool interval
//! misses it in most — so the matching is what makes the estimate right.

use std::collections::{BTreeMap, HashMap, HashSet};

use super::covariates::{design, Covariate};
use super::matching::{nearest, Rule, Scored};
use super::moments::{mean_var, z975};
use super::{effects, logit};
use crate::register::{generate, read_dir};
use crate::verify::{parse_definitions, verify};
use effekt_domain::register::Register;

const PERSONS: usize = 20_000;
const REGISTERS: u64 = 20;

fn lines(dir: &std::path::Path, name: &str) -> Vec<String> {
    std::fs::read_to_string(dir.join(name))
        .unwrap()
        .lines()
        .skip(1)
        .map(str::to_owned)
        .collect()
}

fn sustained(
    register: &Register,
    defs: &[effekt_domain::outcomes::Definition],
) -> HashMap<String, f64> {
    verify(register, defs)
        .into_iter()
        .filter(|r| r.outcome == "sustained_employment")
        .map(|r| (r.person_id, f64::from(u8::from(r.status == "achieved"))))
        .collect()
}

/// (true ATT, matched estimate, naive estimate) for one generated register.
fn one(
    seed: u64,
    defs: &[effekt_domain::outcomes::Definition],
) -> (f64, effects::Effect, (f64, f64, f64)) {
    let dir = std::env::temp_dir().join(format!("effekt-coverage-{}-{seed}", std::process::id()));
    generate(PERSONS, seed, &dir).unwrap();
    let register = read_dir(&dir).unwrap();
    let treated: HashSet<String> = lines(&dir, "treated.csv").into_iter().collect();
    let programme: HashMap<String, String> = lines(&dir, "counterfactual.csv")
        .into_iter()
        .map(|l| {
            let (p, s) = l.split_once(',').unwrap();
            (p.to_owned(), s.to_owned())
        })
        .collect();
    let _ = std::fs::remove_dir_all(&dir);
    let with = sustained(&register, defs);
    let mut without_programme = register.clone();
    for p in &mut without_programme.persons {
        if let Some(spell) = programme.get(&p.id.to_string()).filter(|s| !s.is_empty()) {
            p.timeline.employment.retain(|e| e.id.as_str() != spell);
        }
    }
    let without = sustained(&without_programme, defs);
    let ids: Vec<String> = register.persons.iter().map(|p| p.id.to_string()).collect();
    let is_treated: Vec<bool> = ids.iter().map(|id| treated.contains(id)).collect();
    let n_t = is_treated.iter().filter(|t| **t).count() as f64;
    let true_att = ids
        .iter()
        .filter(|id| treated.contains(*id))
        .map(|id| with[id] - without[id])
        .sum::<f64>()
        / n_t;

    // The matched estimate: propensity on the selection covariates, 1:1 nearest neighbour on
    // the log-odds within 0.2 SD, without replacement.
    let covariates = [
        Covariate::EmployedMonths(24),
        Covariate::Age,
        Covariate::EducationLevel,
    ];
    let rows: Vec<usize> = (0..ids.len()).collect();
    let x = design(&register, &rows, &covariates).unwrap();
    let fit = logit::fit(&x, covariates.len(), &is_treated).unwrap();
    let scores: Vec<f64> = x
        .chunks(covariates.len())
        .map(|r| fit.log_odds(r))
        .collect();
    let sd = mean_var(&scores).1.sqrt();
    let scored = |t: bool| -> Vec<Scored> {
        (0..ids.len())
            .filter(|i| is_treated[*i] == t)
            .map(|i| Scored {
                key: i64::try_from(i).unwrap(),
                score: scores[i],
            })
            .collect()
    };
    let matches = nearest(
        &scored(true),
        &scored(false),
        Rule {
            ratio: 1,
            caliper: 0.2 * sd,
            with_replacement: false,
        },
    )
    .unwrap();
    let outcome: BTreeMap<i64, f64> = ids
        .iter()
        .enumerate()
        .map(|(i, id)| (i64::try_from(i).unwrap(), with[id]))
        .collect();
    let matched = effects::att(&matches, &outcome).unwrap();

    // The naive comparison: treated mean minus pool mean, with its two-sample interval.
    let group = |t: bool| -> Vec<f64> {
        ids.iter()
            .zip(&is_treated)
            .filter(|(_, x)| **x == t)
            .map(|(id, _)| with[id])
            .collect()
    };
    let (a, b) = (group(true), group(false));
    let ((ma, va), (mb, vb)) = (mean_var(&a), mean_var(&b));
    let naive = ma - mb;
    let half = z975() * (va / a.len() as f64 + vb / b.len() as f64).sqrt();
    (true_att, matched, (naive, naive - half, naive + half))
}

#[test]
fn the_matched_interval_covers_the_true_effect_and_the_naive_one_does_not() {
    let defs =
        parse_definitions(include_str!("../../../../bench/definitions/benchmark.toml")).unwrap();
    let (mut covered, mut naive_missed) = (0, 0);
    let mut report = Vec::new();
    for seed in 1..=REGISTERS {
        let (truth, matched, (naive, low, high)) = one(100 + seed, &defs);
        if matched.low <= truth && truth <= matched.high {
            covered += 1;
        }
        if !(low <= truth && truth <= high) {
            naive_missed += 1;
        }
        report.push(format!(
            "seed {}: true {truth:.4}, matched {:.4} [{:.4}, {:.4}] (n {}), naive {naive:.4} [{low:.4}, {high:.4}]",
            100 + seed,
            matched.att,
            matched.low,
            matched.high,
            matched.treated
        ));
    }
    let report = report.join("\n");
    assert!(covered >= 17, "covered {covered} of 20:\n{report}");
    assert!(
        naive_missed > 10,
        "the naive interval missed only {naive_missed} of 20:\n{report}"
    );
}
