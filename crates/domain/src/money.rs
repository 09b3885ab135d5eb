//! Exact amounts: Norwegian kroner held as integer øre, and FTE percentages as exact decimals.

use std::fmt;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// An amount of money in NOK, held as whole øre so that sums are exact.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
pub struct Nok {
    ore: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InvalidAmount {
    #[error("not a number: {0:?}")]
    NotANumber(String),
    #[error("more than two decimals (øre): {0}")]
    FractionalOre(Decimal),
    #[error("amount out of range")]
    OutOfRange,
}

impl Nok {
    pub const ZERO: Self = Self { ore: 0 };

    /// The largest amount a contract may state (a price, a cap, a commitment): 10^12 kr. Far
    /// above any real contract, and low enough that the sums of a whole contract's lines stay
    /// exact in øre.
    pub const CONTRACT_LIMIT: Self = Self {
        ore: 100_000_000_000_000,
    };

    pub fn from_ore(ore: i64) -> Self {
        Self { ore }
    }

    pub fn from_kroner(kroner: i64) -> Option<Self> {
        kroner.checked_mul(100).map(Self::from_ore)
    }

    /// An exact decimal amount of kroner; refuses fractions of an øre rather than rounding.
    pub fn from_decimal(kroner: Decimal) -> Result<Self, InvalidAmount> {
        let ore = kroner
            .checked_mul(Decimal::ONE_HUNDRED)
            .ok_or(InvalidAmount::OutOfRange)?;
        if !ore.fract().is_zero() {
            return Err(InvalidAmount::FractionalOre(kroner));
        }
        i64::try_from(ore)
            .map(Self::from_ore)
            .map_err(|_| InvalidAmount::OutOfRange)
    }

    /// Parses "1234.50", "1 234,50" or "1234" (Norwegian or English decimal mark).
    pub fn parse(input: &str) -> Result<Self, InvalidAmount> {
        let cleaned: String = input
            .trim()
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '\u{a0}')
            .map(|c| if c == ',' { '.' } else { c })
            .collect();
        let d: Decimal = cleaned
            .parse()
            .map_err(|_| InvalidAmount::NotANumber(input.to_owned()))?;
        Self::from_decimal(d)
    }

    pub fn ore(self) -> i64 {
        self.ore
    }

    pub fn to_decimal(self) -> Decimal {
        Decimal::new(self.ore, 2)
    }

    pub fn checked_add(self, other: Self) -> Option<Self> {
        self.ore.checked_add(other.ore).map(Self::from_ore)
    }

    /// `self + other`, refused rather than wrapped or saturated when øre cannot hold it.
    pub fn plus(self, other: Self) -> Result<Self, MoneyOverflow> {
        self.checked_add(other).ok_or(MoneyOverflow)
    }

    /// `self − other`, refused rather than wrapped or saturated when øre cannot hold it.
    pub fn minus(self, other: Self) -> Result<Self, MoneyOverflow> {
        self.ore
            .checked_sub(other.ore)
            .map(Self::from_ore)
            .ok_or(MoneyOverflow)
    }

    /// `−self`; only the most negative øre has no opposite.
    pub fn negated(self) -> Result<Self, MoneyOverflow> {
        self.ore
            .checked_neg()
            .map(Self::from_ore)
            .ok_or(MoneyOverflow)
    }

    /// The exact sum, or the refusal when a running total leaves what øre can hold.
    pub fn sum<I: IntoIterator<Item = Self>>(amounts: I) -> Result<Self, MoneyOverflow> {
        amounts
            .into_iter()
            .try_fold(Self::ZERO, |total, amount| total.plus(amount))
    }
}

/// Money arithmetic beyond ±92 billiarder kroner (i64 øre). No real contract comes near it
/// (contract amounts are bounded by [`Nok::CONTRACT_LIMIT`]), so reaching it means the input is
/// wrong; the sum is refused instead of wrapping or saturating into a plausible-looking figure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("beløpet er større enn effekt kan regne eksakt med (over ±92 billiarder kroner)")]
pub struct MoneyOverflow;

/// A whole number grouped the Norwegian way, thousands apart by no-break spaces, with a
/// minus sign (not a hyphen) when negative: `1 234 567`, `−2 500`.
pub fn grouped(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 3);
    if n < 0 {
        out.push('−');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push('\u{a0}');
        }
        out.push(c);
    }
    out
}

impl fmt::Display for Nok {
    /// Norwegian style: `kr 1 234 567,50`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.ore < 0 { "−" } else { "" };
        let abs = self.ore.unsigned_abs();
        // Whole kroner of any Nok fit an i64: |ore| / 100 < i64::MAX.
        let kroner = grouped(i64::try_from(abs / 100).unwrap_or(i64::MAX));
        write!(f, "kr\u{a0}{sign}{kroner},{:02}", abs % 100)
    }
}

/// A share of a full-time position, 0–100 %, exact. Sums across spells may exceed 100,
/// so sums are plain `Decimal`s; one position never does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "Decimal", into = "Decimal")]
pub struct FtePercent(Decimal);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InvalidFte {
    #[error("FTE percent must be between 0 and 100, got {0}")]
    OutOfRange(Decimal),
    #[error("not a number: {0:?}")]
    NotANumber(String),
}

impl FtePercent {
    pub fn new(value: Decimal) -> Result<Self, InvalidFte> {
        if value < Decimal::ZERO || value > Decimal::ONE_HUNDRED {
            Err(InvalidFte::OutOfRange(value))
        } else {
            Ok(Self(value.normalize()))
        }
    }

    pub fn parse(input: &str) -> Result<Self, InvalidFte> {
        let cleaned = input.trim().replace(',', ".");
        let d: Decimal = cleaned
            .parse()
            .map_err(|_| InvalidFte::NotANumber(input.to_owned()))?;
        Self::new(d)
    }

    pub fn value(self) -> Decimal {
        self.0
    }
}

impl TryFrom<Decimal> for FtePercent {
    type Error = InvalidFte;
    fn try_from(value: Decimal) -> Result<Self, Self::Error> {
        Self::new(value)
    }
}

impl From<FtePercent> for Decimal {
    fn from(value: FtePercent) -> Self {
        value.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nok_parses_norwegian_and_english_marks_exactly() {
        assert_eq!(Nok::parse("1 234,50").unwrap().ore(), 123_450);
        assert_eq!(Nok::parse("1234.5").unwrap().ore(), 123_450);
        assert_eq!(Nok::parse("-0,01").unwrap().ore(), -1);
        assert!(matches!(
            Nok::parse("1,001"),
            Err(InvalidAmount::FractionalOre(_))
        ));
        assert!(matches!(
            Nok::parse("abc"),
            Err(InvalidAmount::NotANumber(_))
        ));
    }

    #[test]
    fn nok_displays_in_norwegian_style() {
        assert_eq!(
            Nok::from_ore(123_456_750).to_string(),
            "kr\u{a0}1\u{a0}234\u{a0}567,50"
        );
        assert_eq!(Nok::from_ore(-5).to_string(), "kr\u{a0}−0,05");
        assert_eq!(Nok::ZERO.to_string(), "kr\u{a0}0,00");
    }

    #[test]
    fn arithmetic_beyond_ore_is_refused_not_saturated() {
        let max = Nok::from_ore(i64::MAX);
        assert_eq!(max.plus(Nok::from_ore(1)), Err(MoneyOverflow));
        assert_eq!(
            Nok::from_ore(i64::MIN).minus(Nok::from_ore(1)),
            Err(MoneyOverflow)
        );
        assert_eq!(Nok::from_ore(i64::MIN).negated(), Err(MoneyOverflow));
        assert_eq!(
            Nok::sum([max, Nok::from_ore(1), Nok::from_ore(-5)]),
            Err(MoneyOverflow),
            "a running total that leaves øre is refused even when later lines would bring it back"
        );
        assert_eq!(
            Nok::CONTRACT_LIMIT.minus(Nok::from_ore(1)),
            Ok(Nok::from_ore(99_999_999_999_999))
        );
    }

    #[test]
    fn sums_of_many_small_amounts_are_exact() {
        let total = Nok::sum((0..10).map(|_| Nok::parse("0,10").unwrap())).unwrap();
        assert_eq!(total, Nok::parse("1").unwrap());
    }

    #[test]
    fn fte_is_bounded_and_exact() {
        assert_eq!(
            FtePercent::parse("37,5").unwrap().value().to_string(),
            "37.5"
        );
        assert!(FtePercent::parse("100.01").is_err());
        assert!(FtePercent::parse("-1").is_err());
        assert!(FtePercent::parse("x").is_err());
    }
}
