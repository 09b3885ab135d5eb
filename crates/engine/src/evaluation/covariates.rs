//! The matching covariates of a register person, relative to their index date: population
//! attributes and the employment and benefit history before the index date (issue 15, item 1).
//! One definition serves the evaluation and `register generate`'s planted selection, so what
//! the generator selects on is exactly what the evaluation can match on.

use chrono::{Datelike, Months, NaiveDate};
use effekt_domain::register::{Register, RegisterPerson};

/// A covariate the evaluation plan may name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Covariate {
    /// Age at the index date, in years (index year − birth year).
    Age,
    /// 1 for a woman (`k`), 0 otherwise.
    Woman,
    /// Education level as an order: 0 grunnskole, 1 videregående, 2 høyere.
    EducationLevel,
    /// Months with any employment spell among the given number before the index date.
    EmployedMonths(u32),
    /// Months with any benefit spell among the given number before the index date.
    BenefitMonths(u32),
}

impl Covariate {
    /// The name the plan and the reports use.
    pub fn name(self) -> String {
        match self {
            Self::Age => "alder".to_owned(),
            Self::Woman => "kvinne".to_owned(),
            Self::EducationLevel => "utdanningsniva".to_owned(),
            Self::EmployedMonths(n) => format!("maneder_i_arbeid_{n}"),
            Self::BenefitMonths(n) => format!("maneder_med_ytelse_{n}"),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CovariateError {
    #[error(
        "person {person}: education level {value:?} is not one of grunnskole, videregaende, hoyere"
    )]
    EducationLevel { person: String, value: String },
    #[error("a history window must be 1 to 120 months, not {0}")]
    Window(u32),
}

/// Months, of the `window` before `index`, that any of the spans (start, end; `None`: still
/// running) touches.
pub fn months_with(index: NaiveDate, window: u32, spans: &[(NaiveDate, Option<NaiveDate>)]) -> u32 {
    let touched = (1..=window).filter(|m| {
        let Some(from) = index.checked_sub_months(Months::new(*m)) else {
            return false;
        };
        let to = from.checked_add_months(Months::new(1)).unwrap_or(from);
        spans
            .iter()
            .any(|(start, end)| *start < to && end.is_none_or(|e| e >= from))
    });
    u32::try_from(touched.count()).unwrap_or(window)
}

/// The education level's order, as [`Covariate::EducationLevel`] counts it.
pub fn education_order(code: &str) -> Option<usize> {
    ["grunnskole", "videregaende", "hoyere"]
        .iter()
        .position(|c| *c == code)
}

fn value(p: &RegisterPerson, c: Covariate) -> Result<f64, CovariateError> {
    Ok(match c {
        Covariate::Age => f64::from(p.index_date.year() - p.birth_year),
        Covariate::Woman => f64::from(u8::from(p.sex.eq_ignore_ascii_case("k"))),
        Covariate::EducationLevel => {
            education_order(&p.education_level).ok_or_else(|| CovariateError::EducationLevel {
                person: p.id.to_string(),
                value: p.education_level.to_string(),
            })? as f64
        }
        Covariate::EmployedMonths(n) => {
            let spans: Vec<_> = p
                .timeline
                .employment
                .iter()
                .map(|e| (e.start, e.end))
                .collect();
            f64::from(months_with(p.index_date, n, &spans))
        }
        Covariate::BenefitMonths(n) => {
            let spans: Vec<_> = p
                .timeline
                .benefits
                .iter()
                .map(|b| (b.start, b.end))
                .collect();
            f64::from(months_with(p.index_date, n, &spans))
        }
    })
}

/// The row-major design of the register's persons at `rows` (indices into `register.persons`)
/// over `covariates`, in that order: what [`super::logit::fit`] takes.
pub fn design(
    register: &Register,
    rows: &[usize],
    covariates: &[Covariate],
) -> Result<Vec<f64>, CovariateError> {
    let persons: Vec<&RegisterPerson> = rows
        .iter()
        .filter_map(|r| register.persons.get(*r))
        .collect();
    design_of(&persons, covariates)
}

/// The row-major design of `persons` over `covariates`, computed in parallel chunks (the
/// result does not depend on the number of threads: every value is its own).
pub fn design_of(
    persons: &[&RegisterPerson],
    covariates: &[Covariate],
) -> Result<Vec<f64>, CovariateError> {
    use rayon::prelude::*;
    for c in covariates {
        if let Covariate::EmployedMonths(n) | Covariate::BenefitMonths(n) = c {
            if !(1..=120).contains(n) {
                return Err(CovariateError::Window(*n));
            }
        }
    }
    let chunks: Vec<Vec<f64>> = persons
        .par_chunks(4096)
        .map(|chunk| {
            let mut out = Vec::with_capacity(chunk.len() * covariates.len());
            for p in chunk {
                for c in covariates {
                    out.push(value(p, *c)?);
                }
            }
            Ok(out)
        })
        .collect::<Result<_, CovariateError>>()?;
    Ok(chunks.concat())
}

/// Whether the person has every covariate (an education code outside the three levels is the
/// one that can be missing).
pub fn complete(p: &RegisterPerson, covariates: &[Covariate]) -> bool {
    covariates.iter().all(|c| value(p, *c).is_ok())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evaluation::logit;
    use crate::register::{generate, read_dir};

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn a_month_counts_when_any_spell_touches_it() {
        let index = d("2024-07-01");
        // June 2024 (month 1), and March–April 2024 (months 3–4) via a spell ending 1 April.
        let spans = [
            (d("2024-06-30"), Some(d("2024-06-30"))),
            (d("2024-03-15"), Some(d("2024-04-01"))),
        ];
        assert_eq!(months_with(index, 24, &spans), 3);
        assert_eq!(months_with(index, 2, &spans), 1);
        assert_eq!(months_with(index, 24, &[(d("2020-01-01"), None)]), 24);
        assert_eq!(
            months_with(index, 24, &[(d("2024-07-01"), None)]),
            0,
            "from the index on"
        );
    }

    /// The generator selects on these covariates with known coefficients; a propensity model
    /// fitted on them recovers them.
    #[test]
    fn the_propensity_model_recovers_the_generators_selection() {
        let dir = std::env::temp_dir().join(format!("effekt-covariates-{}", std::process::id()));
        generate(20_000, 11, &dir).unwrap();
        let register = read_dir(&dir).unwrap();
        let treated: std::collections::HashSet<String> =
            std::fs::read_to_string(dir.join("treated.csv"))
                .unwrap()
                .lines()
                .skip(1)
                .map(str::to_owned)
                .collect();
        let rows: Vec<usize> = (0..register.persons.len()).collect();
        let covariates = [
            Covariate::EmployedMonths(24),
            Covariate::Age,
            Covariate::EducationLevel,
        ];
        let x = design(&register, &rows, &covariates).unwrap();
        let y: Vec<bool> = register
            .persons
            .iter()
            .map(|p| treated.contains(&p.id.to_string()))
            .collect();
        let fit = logit::fit(&x, covariates.len(), &y).unwrap();
        // The truth: −0.6 − 0.22 × months − 0.03 × (age − 40) − 0.4 × education, i.e. an
        // intercept of −0.6 + 1.2 = 0.6 on age itself.
        let truth = [0.6, -0.22, -0.03, -0.4];
        for ((b, se), t) in fit.coefficients.iter().zip(&fit.standard_errors).zip(truth) {
            assert!((b - t).abs() < 4.0 * se, "{b} ± {se} vs {t}: {fit:?}");
        }
        let _ = std::fs::remove_dir_all(dir);
    }
}
