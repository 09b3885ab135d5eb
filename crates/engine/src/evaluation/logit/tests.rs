use super::*;

fn fixture(name: &str) -> csv::Reader<std::fs::File> {
    let path = format!(
        "{}/../../tests/fixtures/logit/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    csv::Reader::from_path(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The fixture's design (5 covariates) and who is treated.
fn data() -> (Vec<f64>, Vec<bool>) {
    let (mut x, mut y) = (Vec::new(), Vec::new());
    for row in fixture("data.csv").records() {
        let row = row.unwrap();
        y.push(&row[0] == "1");
        x.extend(row.iter().skip(1).map(|v| v.parse::<f64>().unwrap()));
    }
    (x, y)
}

#[test]
fn agrees_with_statsmodels_to_1e_6() {
    let (x, y) = data();
    let fit = fit(&x, 5, &y).unwrap();
    let mut params = Vec::new();
    let mut log_likelihood = None;
    for row in fixture("reference.csv").records() {
        let row = row.unwrap();
        let value: f64 = row[1].parse().unwrap();
        if &row[0] == "log_likelihood" {
            log_likelihood = Some(value);
        } else {
            params.push((row[0].to_owned(), value, row[2].parse::<f64>().unwrap()));
        }
    }
    assert_eq!(params.len(), fit.coefficients.len());
    for ((name, b, se), (ours, our_se)) in params
        .iter()
        .zip(fit.coefficients.iter().zip(&fit.standard_errors))
    {
        assert!((b - ours).abs() < 1e-6, "{name}: {ours} vs statsmodels {b}");
        assert!(
            (se - our_se).abs() < 1e-6,
            "{name} se: {our_se} vs statsmodels {se}"
        );
    }
    let ll = log_likelihood.unwrap();
    assert!(
        (ll - fit.log_likelihood).abs() < 1e-6,
        "{ll} vs {}",
        fit.log_likelihood
    );
    // The propensity of the first row, from the same numbers.
    let p = fit.probability(&x[..5]);
    assert!(p > 0.0 && p < 1.0);
}

#[test]
fn gives_the_same_numbers_on_one_thread_and_many() {
    // More rows than one chunk, so the parallel sums have several parts.
    let (x, y) = data();
    let (x, y): (Vec<f64>, Vec<bool>) = (
        x.iter().cycle().take(x.len() * 4).copied().collect(),
        y.iter().cycle().take(y.len() * 4).copied().collect(),
    );
    let one = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap()
        .install(|| fit(&x, 5, &y).unwrap());
    let many = rayon::ThreadPoolBuilder::new()
        .num_threads(4)
        .build()
        .unwrap()
        .install(|| fit(&x, 5, &y).unwrap());
    assert_eq!(one, many);
}

#[test]
fn what_cannot_be_fitted_says_why() {
    let y = [false, false, false, true, true, true];
    // The covariate is the treatment: perfect separation, never a silent NaN.
    let separated = [0.0, 0.0, 0.0, 1.0, 1.0, 1.0];
    assert_eq!(fit(&separated, 1, &y), Err(LogitError::PerfectSeparation));
    let constant = [3.0, 1.0, 3.0, 2.0, 3.0, 1.0, 3.0, 5.0, 3.0, 4.0, 3.0, 2.0];
    assert_eq!(
        fit(&constant, 2, &y),
        Err(LogitError::NoVariance { column: 0 })
    );
    let collinear = [1.0, 2.0, 2.0, 4.0, 3.0, 6.0, 1.0, 2.0, 5.0, 10.0, 2.0, 4.0];
    assert_eq!(fit(&collinear, 2, &y), Err(LogitError::Singular));
    assert_eq!(
        fit(&[1.0, 2.0], 1, &[true, false]),
        Err(LogitError::TooFewRows {
            rows: 2,
            parameters: 2
        })
    );
    assert_eq!(
        fit(&[1.0, 2.0, 3.0, 4.0], 1, &[true; 4]),
        Err(LogitError::OneOutcome)
    );
    assert_eq!(
        fit(&[1.0, f64::NAN, 3.0, 4.0], 1, &[true, false, true, false]),
        Err(LogitError::NotFinite { row: 1, column: 0 })
    );
    assert!(matches!(
        fit(&[1.0, 2.0, 3.0], 2, &[true, false]),
        Err(LogitError::Shape { .. })
    ));
}
