//! The effect evaluation of issue 15, built in parts: the propensity model (a logistic
//! regression by Newton's method, [`logit`]) and greedy nearest-neighbour matching on its
//! score with a caliper ([`matching`]), and the covariates' balance before and after
//! ([`balance`]), and time to employment with Kaplan–Meier and the log-rank test
//! ([`survival`]), and the ATT with analytic and bootstrap 95 % intervals ([`effects`]).
//! Difference-in-differences, the generator with a known true effect, and stored runs follow.
//!
//! Every method here is deterministic and checked against an independent implementation on
//! committed fixtures (`tests/fixtures/`, with the script that produced each under `scripts/`).

pub mod balance;
pub mod effects;
pub mod logit;
pub mod matching;
pub mod survival;
