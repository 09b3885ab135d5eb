//! The unit of a certified cohort figure, as the contract declares it (`unit = "percent"` on a
//! `[[cohort_outcome]]`) or, in contracts that do not say, as its mechanism reads it. The unit
//! decides what a certified value may be: a percentage within 0–100, a rate or count never
//! below 0, kroner within the contract amount limit; negative only where the mechanism reads
//! a difference that can be negative (a trigger's reduction, a savings share's savings).

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::terms::{CohortMechanism, CohortOutcome};
use crate::money::Nok;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FigureUnit {
    /// A share in percent (an employment rate; a reduction against the comparison).
    Percent,
    /// A rate or count per so many persons (reconviction events per 100), or a cohort's size.
    Rate,
    /// Kroner (savings).
    Kroner,
}

impl FigureUnit {
    pub fn from_code(code: &str) -> Option<Self> {
        match code {
            "percent" => Some(Self::Percent),
            "rate" => Some(Self::Rate),
            "kroner" => Some(Self::Kroner),
            _ => None,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Self::Percent => "percent",
            Self::Rate => "rate",
            Self::Kroner => "kroner",
        }
    }
}

impl CohortMechanism {
    /// The unit its figures are in when the contract does not say (contracts stored before
    /// units could be declared price exactly as before).
    pub fn default_unit(&self) -> FigureUnit {
        match self {
            Self::Graduated { .. } | Self::Trigger { .. } => FigureUnit::Percent,
            Self::PerUnit { .. } => FigureUnit::Rate,
            Self::SavingsShare { .. } => FigureUnit::Kroner,
        }
    }

    /// Whether the mechanism can read figures in `unit`: a trigger compares reductions in
    /// percent, a savings share shares kroner; a per-unit price counts units of a rate or a
    /// percentage; a graduated scale may be laid over any of them.
    pub fn reads(&self, unit: FigureUnit) -> bool {
        match self {
            Self::Graduated { .. } => true,
            Self::Trigger { .. } => unit == FigureUnit::Percent,
            Self::PerUnit { .. } => matches!(unit, FigureUnit::Percent | FigureUnit::Rate),
            Self::SavingsShare { .. } => unit == FigureUnit::Kroner,
        }
    }

    /// Whether its figures are differences that can be negative: a trigger's reduction (a
    /// cohort that did worse, which pays nothing but is a true result) and savings.
    fn reads_differences(&self) -> bool {
        matches!(self, Self::Trigger { .. } | Self::SavingsShare { .. })
    }
}

impl CohortOutcome {
    /// The unit of its figure: declared, or its mechanism's.
    pub fn unit(&self) -> FigureUnit {
        self.unit.unwrap_or_else(|| self.mechanism.default_unit())
    }

    /// What a certified value (or comparison value) of its figure may be, or why not, in
    /// Norwegian for the certification form.
    pub fn accepts(&self, value: Decimal) -> Result<(), String> {
        let limit = Nok::CONTRACT_LIMIT.to_decimal();
        let differences = self.mechanism.reads_differences();
        let (low, high, what) = match self.unit() {
            // No cohort avoids more than every event: at most 100; a reduction can be far
            // below 0 when the cohort did worse, down to −1,000.
            FigureUnit::Percent if differences => (
                Decimal::from(-1000),
                Decimal::ONE_HUNDRED,
                "en reduksjon mot sammenligningsgruppen i prosent",
            ),
            FigureUnit::Percent => (Decimal::ZERO, Decimal::ONE_HUNDRED, "en andel i prosent"),
            FigureUnit::Rate => (
                Decimal::ZERO,
                limit,
                "en rate eller et antall (hendelser eller personer per enhet)",
            ),
            FigureUnit::Kroner if differences => (-limit, limit, "kroner spart"),
            FigureUnit::Kroner => (Decimal::ZERO, limit, "et beløp i kroner"),
        };
        if value < low || value > high {
            return Err(format!(
                "Verdien er {what} og må ligge fra {} til {}.",
                low.normalize(),
                high.normalize()
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contract::cohort::PerUnit;
    use crate::contract::scale::Scale;

    fn outcome(mechanism: CohortMechanism, unit: Option<FigureUnit>) -> CohortOutcome {
        CohortOutcome {
            name: "o".into(),
            figure: "f".into(),
            mechanism,
            unit,
        }
    }

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn a_declared_unit_decides_the_range_and_an_undeclared_one_is_the_mechanisms() {
        let per_unit = CohortMechanism::PerUnit {
            per_unit: PerUnit {
                price: Nok::from_ore(100),
                per: d("100"),
                threshold: d("0"),
                pooled_threshold: d("0"),
                lower_is_better: false,
            },
        };
        // Undeclared: a rate, any size from 0.
        let rate = outcome(per_unit.clone(), None);
        assert_eq!(rate.unit(), FigureUnit::Rate);
        assert!(rate.accepts(d("250")).is_ok());
        assert!(rate.accepts(d("-1")).is_err());
        // Declared a percentage (an employment rate): 250 % is refused.
        let percent = outcome(per_unit.clone(), Some(FigureUnit::Percent));
        assert!(percent.accepts(d("58.2")).is_ok());
        let why = percent.accepts(d("250")).unwrap_err();
        assert_eq!(
            why,
            "Verdien er en andel i prosent og må ligge fra 0 til 100."
        );
        assert!(per_unit.reads(FigureUnit::Percent) && !per_unit.reads(FigureUnit::Kroner));

        // A graduated scale over kroner: never negative.
        let graduated = CohortMechanism::Graduated {
            scale: Scale::Fixed { amount: Nok::ZERO },
        };
        let kroner = outcome(graduated.clone(), Some(FigureUnit::Kroner));
        assert!(kroner.accepts(d("1000000")).is_ok());
        assert!(kroner.accepts(d("-1")).is_err());
        assert_eq!(graduated.default_unit(), FigureUnit::Percent);
    }
}
