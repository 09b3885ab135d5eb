//! The effect evaluation of issue 15, built in parts: the covariates of a register person
//! relative to the index date ([`covariates`]), the propensity model (a logistic
//! regression by Newton's method, [`logit`]) and greedy nearest-neighbour matching on its
//! score with a caliper ([`matching`]), and the covariates' balance before and after
//! ([`balance`]), and time to employment with Kaplan–Meier and the log-rank test
//! ([`survival`]), the ATT with analytic and bootstrap 95 % intervals ([`effects`]), and the
//! difference-in-differences event study over −24…+24 months ([`event_study`]). The generator
//! with a known true effect, the plan, and stored runs follow.
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
mod moments;
pub mod survival;
