//! The effect evaluation of issue 15, built in parts: the covariates of a register person
//! relative to the index date ([`covariates`]), the propensity model (a logistic
//! regression by Newton's method, [`logit`]) and greedy nearest-neighbour matching on its
//! score with a caliper ([`matching`]), and the covariates' balance before and after
//! ([`balance`]), and time to employment with Kaplan–Meier and the log-rank test
//! ([`survival`]), the ATT with analytic and bootstrap 95 % intervals ([`effects`]), and the
//! difference-in-differences event study over −24…+24 months ([`event_study`]). The plan the
//! evaluator registers ([`plan`]) and one run of all of it ([`run`]) put them together.
//!
//! Every method here is deterministic and checked against an independent implementation on
//! committed fixtures (`tests/fixtures/`, with the script that produced each under `scripts/`).

pub mod balance;
pub mod covariates;
#[cfg(test)]
mod coverage_tests;
pub mod effects;
pub mod event_study;
pub mod logit;
pub mod matching;
pub mod microdata;
mod moments;
pub mod plan;
pub mod run;
pub mod survival;
