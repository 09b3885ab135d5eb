//! The propensity benchmark's effekt side (issue 15, `bench/propensity-vs-statsmodels.sh`):
//! reads a design written by `bench/evaluation/peer.py make` (little-endian f64, row-major, the
//! treated flag then the covariates), fits the propensity model, matches 1:1 without replacement
//! within 0.2 SD of the log-odds, writes the pairs as CSV and prints the time each step took.
//!
//! Usage: propensity_match DESIGN COVARIATES PAIRS.csv

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::disallowed_methods)]

use std::io::Write;
use std::time::Instant;

use effekt_engine::evaluation::logit;
use effekt_engine::evaluation::matching::{nearest, Rule, Scored};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (design, columns, out) = (&args[1], args[2].parse::<usize>().unwrap(), &args[3]);
    let bytes = std::fs::read(design).unwrap();
    let values: Vec<f64> = bytes
        .chunks_exact(8)
        .map(|b| f64::from_le_bytes(b.try_into().unwrap()))
        .collect();
    let width = columns + 1;
    let rows = values.len() / width;
    let mut x = Vec::with_capacity(rows * columns);
    let mut y = Vec::with_capacity(rows);
    for r in values.chunks_exact(width) {
        y.push(r[0] > 0.5);
        x.extend_from_slice(&r[1..]);
    }
    drop(values);

    let started = Instant::now();
    let fit = logit::fit(&x, columns, &y).unwrap();
    let fitted = started.elapsed();
    let scores: Vec<f64> = {
        use rayon::prelude::*;
        x.par_chunks_exact(columns)
            .map(|r| fit.log_odds(r))
            .collect()
    };
    let n = scores.len() as f64;
    let mean = scores.iter().sum::<f64>() / n;
    let sd = (scores.iter().map(|s| (s - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt();
    let (mut treated, mut pool) = (Vec::new(), Vec::new());
    for (i, (&s, &t)) in scores.iter().zip(&y).enumerate() {
        let s = Scored {
            key: i64::try_from(i).unwrap(),
            score: s,
        };
        if t {
            treated.push(s);
        } else {
            pool.push(s);
        }
    }
    let matches = nearest(
        &treated,
        &pool,
        Rule {
            ratio: 1,
            caliper: 0.2 * sd,
            with_replacement: false,
        },
    )
    .unwrap();
    let total = started.elapsed();

    let mut w = std::io::BufWriter::new(std::fs::File::create(out).unwrap());
    writeln!(w, "treated,control").unwrap();
    for m in &matches {
        if let Some(c) = m.controls.first() {
            writeln!(w, "{},{c}", m.treated).unwrap();
        }
    }
    println!(
        "effekt: {rows} rows × {columns} covariates, {} treated, {} matched; fit {:.3} s ({} Newton steps), matching {:.3} s, total {:.3} s",
        treated.len(),
        matches.iter().filter(|m| !m.controls.is_empty()).count(),
        fitted.as_secs_f64(),
        fit.iterations,
        (total - fitted).as_secs_f64(),
        total.as_secs_f64()
    );
}
