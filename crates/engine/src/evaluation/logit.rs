//! The propensity model: a logistic regression of being treated on the matching covariates,
//! fitted by maximum likelihood with Newton's method (iteratively reweighted least squares), as
//! statsmodels' `Logit(...).fit(method="newton")` does, so that the coefficients agree with it
//! to 1e-6 (tests against `tests/fixtures/logit`, made by `scripts/logit-reference.sh`).
//!
//! The design is row-major without the intercept, which the fit adds first. Each Newton step
//! sums the gradient and the Hessian over the rows in parallel (rayon), in chunks whose partial
//! sums are added in a fixed order, so a fit gives the same numbers on any number of threads.
//! What cannot be fitted is an error that says why: too few rows, a covariate that never
//! varies, perfect separation (some combination of covariates predicts treatment exactly, so
//! the likelihood has no maximum), a singular Hessian (collinear covariates), no convergence.

use nalgebra::{DMatrix, DVector};
use rayon::prelude::*;

/// Rows summed per parallel task; fixed, so the order of additions is too.
const CHUNK: usize = 4096;
/// Newton steps before giving up.
pub const MAX_ITERATIONS: usize = 100;
/// Converged when no coefficient moves more than this in a step.
pub const TOLERANCE: f64 = 1e-10;
/// Fitted probabilities this close to 0 or 1 for every row mean the data are separated.
const SEPARATED: f64 = 1e-8;

/// Why a model could not be fitted; each says what to change.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum LogitError {
    #[error("the design has {values} values, not a whole number of rows of {columns} covariates")]
    Shape { values: usize, columns: usize },
    #[error(
        "there are {rows} rows; a model of {parameters} parameters needs more rows than parameters"
    )]
    TooFewRows { rows: usize, parameters: usize },
    #[error("everybody is treated, or nobody is: a propensity model needs both")]
    OneOutcome,
    #[error("covariate {column} has the same value for everybody, so it cannot explain anything; leave it out of the plan")]
    NoVariance { column: usize },
    #[error("a value of covariate {column} in row {row} is not a finite number")]
    NotFinite { row: usize, column: usize },
    #[error("perfect separation: the covariates predict who is treated exactly, so the propensity has no estimate; drop or coarsen the covariate that separates the groups")]
    PerfectSeparation,
    #[error(
        "the covariates are collinear (one is a combination of others); leave one of them out"
    )]
    Singular,
    #[error("the fit did not converge in {iterations} Newton steps (often near-separation); coarsen or drop covariates")]
    NotConverged { iterations: usize },
}

/// A fitted model: intercept first, then one coefficient per covariate.
#[derive(Debug, Clone, PartialEq)]
pub struct Logit {
    pub coefficients: Vec<f64>,
    /// From the inverse of the Hessian at the estimate (the model-based standard errors).
    pub standard_errors: Vec<f64>,
    pub log_likelihood: f64,
    pub iterations: usize,
}

impl Logit {
    /// The linear predictor (log-odds) of one row of covariates.
    pub fn log_odds(&self, row: &[f64]) -> f64 {
        let (intercept, slopes) = self.coefficients.split_first().unwrap_or((&0.0, &[]));
        intercept + slopes.iter().zip(row).map(|(b, x)| b * x).sum::<f64>()
    }

    /// The propensity score of one row: the fitted probability of being treated.
    pub fn probability(&self, row: &[f64]) -> f64 {
        sigmoid(self.log_odds(row))
    }
}

fn sigmoid(eta: f64) -> f64 {
    if eta >= 0.0 {
        1.0 / (1.0 + (-eta).exp())
    } else {
        let e = eta.exp();
        e / (1.0 + e)
    }
}

/// a · b in eight independent lanes (so the compiler may use SIMD), the lanes then added in a
/// fixed order: the same numbers on every machine and thread count.
fn dot(a: &[f64], b: &[f64]) -> f64 {
    let mut lanes = [0.0; 8];
    let (ca, cb) = (a.chunks_exact(8), b.chunks_exact(8));
    let tail: f64 = ca
        .remainder()
        .iter()
        .zip(cb.remainder())
        .map(|(x, y)| x * y)
        .sum();
    for (x, y) in ca.zip(cb) {
        for l in 0..8 {
            lanes[l] += x[l] * y[l];
        }
    }
    lanes.iter().sum::<f64>() + tail
}

/// Gradient, Hessian, log-likelihood and whether
/// every row is fitted to within [`SEPARATED`] of its outcome, for coefficients `beta`.
struct Step {
    gradient: Vec<f64>,
    hessian: Vec<f64>,
    log_likelihood: f64,
    separated: bool,
}

fn step(x: &[f64], columns: usize, y: &[bool], beta: &[f64], likelihood: bool) -> Step {
    let k = columns + 1;
    // Per chunk: the rows scaled by √w as a column-major matrix A, so that the Hessian's share
    // XᵀWX is AᵀA: a dot product of two contiguous columns per entry, which vectorises, instead
    // of a loop per row.
    let partial = |rows: std::ops::Range<usize>| {
        let n = rows.len();
        let mut a = vec![0.0; n * k];
        let mut s = Step {
            gradient: vec![0.0; k],
            hessian: vec![0.0; k * k],
            log_likelihood: 0.0,
            separated: true,
        };
        for (i, r) in rows.enumerate() {
            let row = &x[r * columns..(r + 1) * columns];
            let eta = beta[0] + beta[1..].iter().zip(row).map(|(b, v)| b * v).sum::<f64>();
            // One exponential serves the probability and the log-likelihood.
            let e = (-eta.abs()).exp();
            let p = if eta >= 0.0 {
                1.0 / (1.0 + e)
            } else {
                e / (1.0 + e)
            };
            let yi = if y[r] { 1.0 } else { 0.0 };
            // log L = y·η − log(1 + e^η)
            if likelihood {
                s.log_likelihood += yi * eta - (eta.max(0.0) + e.ln_1p());
            }
            s.separated &= (yi - p).abs() < SEPARATED;
            let residual = yi - p;
            let root = (p * (1.0 - p)).sqrt();
            s.gradient[0] += residual;
            a[i] = root;
            for (j, v) in row.iter().enumerate() {
                s.gradient[j + 1] += residual * v;
                a[(j + 1) * n + i] = root * v;
            }
        }
        let column = |j: usize| &a[j * n..(j + 1) * n];
        for i in 0..k {
            for j in i..k {
                let h = dot(column(i), column(j));
                s.hessian[i * k + j] = h;
                s.hessian[j * k + i] = h;
            }
        }
        s
    };
    let rows = y.len();
    let chunks: Vec<Step> = (0..rows.div_ceil(CHUNK))
        .into_par_iter()
        .map(|c| partial(c * CHUNK..((c + 1) * CHUNK).min(rows)))
        .collect();
    let mut total = Step {
        gradient: vec![0.0; k],
        hessian: vec![0.0; k * k],
        log_likelihood: 0.0,
        separated: true,
    };
    for s in chunks {
        total
            .gradient
            .iter_mut()
            .zip(&s.gradient)
            .for_each(|(a, b)| *a += b);
        total
            .hessian
            .iter_mut()
            .zip(&s.hessian)
            .for_each(|(a, b)| *a += b);
        total.log_likelihood += s.log_likelihood;
        total.separated &= s.separated;
    }
    total
}

fn check(x: &[f64], columns: usize, y: &[bool]) -> Result<(), LogitError> {
    if columns == 0 || x.len() % columns != 0 || x.len() / columns != y.len() {
        return Err(LogitError::Shape {
            values: x.len(),
            columns,
        });
    }
    let rows = y.len();
    if rows <= columns + 1 {
        return Err(LogitError::TooFewRows {
            rows,
            parameters: columns + 1,
        });
    }
    if y.iter().all(|t| *t) || !y.iter().any(|t| *t) {
        return Err(LogitError::OneOutcome);
    }
    for (i, v) in x.iter().enumerate() {
        if !v.is_finite() {
            return Err(LogitError::NotFinite {
                row: i / columns,
                column: i % columns,
            });
        }
    }
    for c in 0..columns {
        let first = x[c];
        if x.iter().skip(c).step_by(columns).all(|v| *v == first) {
            return Err(LogitError::NoVariance { column: c });
        }
    }
    Ok(())
}

/// Fits the model of `y` (treated or not) on the row-major design `x` of `columns` covariates.
pub fn fit(x: &[f64], columns: usize, y: &[bool]) -> Result<Logit, LogitError> {
    check(x, columns, y)?;
    let k = columns + 1;
    // From the intercept-only estimate, the log-odds of the share treated: Newton's method
    // then needs fewer steps than from zero when few are treated, to the same maximum.
    let share = y.iter().filter(|t| **t).count() as f64 / y.len() as f64;
    let mut beta = vec![0.0; k];
    beta[0] = (share / (1.0 - share)).ln();
    // The log-likelihood costs a logarithm per row; it is wanted at the estimate only, so it
    // is summed once Newton's steps have become small (quadratic convergence: the next one is
    // then likely the last), and in one more pass if the last came sooner.
    let mut previous = f64::INFINITY;
    for iteration in 1..=MAX_ITERATIONS {
        let likely_last = previous < 1e-3;
        let s = step(x, columns, y, &beta, likely_last);
        if s.separated {
            return Err(LogitError::PerfectSeparation);
        }
        let h = DMatrix::from_row_slice(k, k, &s.hessian);
        let g = DVector::from_column_slice(&s.gradient);
        let cholesky = h.cholesky().ok_or(LogitError::Singular)?;
        let delta = cholesky.solve(&g);
        let moved = delta.iter().fold(0.0_f64, |m, d| m.max(d.abs()));
        beta.iter_mut().zip(delta.iter()).for_each(|(b, d)| *b += d);
        if !moved.is_finite() {
            return Err(LogitError::NotConverged {
                iterations: iteration,
            });
        }
        if moved < TOLERANCE {
            // The Hessian and log-likelihood of this step are at coefficients within
            // TOLERANCE of the estimate, where the gradient is zero: another pass over the
            // rows would change neither beyond the 1e-10 of the step.
            let log_likelihood = if likely_last {
                s.log_likelihood
            } else {
                step(x, columns, y, &beta, true).log_likelihood
            };
            let inverse = cholesky.inverse();
            return Ok(Logit {
                standard_errors: (0..k).map(|i| inverse[(i, i)].sqrt()).collect(),
                coefficients: beta,
                log_likelihood,
                iterations: iteration,
            });
        }
        previous = moved;
    }
    Err(LogitError::NotConverged {
        iterations: MAX_ITERATIONS,
    })
}

#[cfg(test)]
mod tests;
