//! The sample moments and the normal 95 % interval the evaluation's estimates share.

use statrs::distribution::{ContinuousCDF, Normal};

/// Mean and sample variance (n − 1) of at least two values.
pub fn mean_var(values: &[f64]) -> (f64, f64) {
    let n = values.len() as f64;
    let mean = values.iter().sum::<f64>() / n;
    let var = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0);
    (mean, var)
}

/// z₀.₉₇₅ = 1.959963984540054.
pub fn z975() -> f64 {
    Normal::standard().inverse_cdf(0.975)
}

/// The mean of independent values with its standard error and normal 95 % interval:
/// (mean, se, low, high); `None` for fewer than two values.
pub fn interval(values: &[f64]) -> Option<(f64, f64, f64, f64)> {
    if values.len() < 2 {
        return None;
    }
    let (mean, var) = mean_var(values);
    let se = (var / values.len() as f64).sqrt();
    let half = z975() * se;
    Some((mean, se, mean - half, mean + half))
}
