//! The full-run benchmark's stored side (issue 15, `bench/evaluation-run.sh`): reads the newest
//! register snapshot back from a store (`load_register`, what `effekt evaluate run` reads) and
//! runs a plan on it, the participants being the national ids of `treated.csv`. Prints the time
//! of each step.
//!
//! (An example of the `effekt` package, so the benchmark builds it with the binary.)
//!
//! Usage: evaluate_stored DATABASE TREATED.csv DEFINITIONS.toml PLAN.toml

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::disallowed_methods)]

use std::time::Instant;

use effekt_engine::evaluation::{plan, run};

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let started = Instant::now();
    let store = effekt_store::open(&effekt_store::Location::parse(&args[1]).unwrap())
        .await
        .unwrap();
    let snapshot = store
        .register_snapshots()
        .await
        .unwrap()
        .into_iter()
        .max_by_key(|s| s.id)
        .unwrap();
    let register = store.load_register(snapshot.id).await.unwrap().unwrap();
    let loaded = started.elapsed();
    let ids = std::fs::read_to_string(&args[2]).unwrap();
    let definitions =
        effekt_engine::verify::parse_definitions(&std::fs::read_to_string(&args[3]).unwrap())
            .unwrap();
    let plan = plan::parse(
        &std::fs::read_to_string(&args[4]).unwrap(),
        &definitions,
        &[],
    )
    .unwrap();
    let (people, is_participant, missing) =
        run::participants_by_id(&register, ids.lines().skip(1), "");
    let made = run::run(
        &run::Input {
            register: &register,
            participants: &people,
            is_participant: &is_participant,
            excluded_before: &[(run::Exclusion::NotInRegister, missing)],
        },
        &plan,
    )
    .unwrap();
    let json = serde_json::to_string(&made.result).unwrap();
    let total = started.elapsed();
    let h = &made.result.effects[0];
    println!(
        "stored: {} persons read back in {:.2} s, run {:.2} s, total {:.2} s; {} matched, ATT {:.4} [{:.4}, {:.4}], result {} bytes",
        register.persons.len(),
        loaded.as_secs_f64(),
        (total - loaded).as_secs_f64(),
        total.as_secs_f64(),
        made.result.matched,
        h.att,
        h.low,
        h.high,
        json.len()
    );
    std::mem::forget(register);
}
