//! Payment scales: what one achievement is worth as a function of its magnitude (issue 4, §2).
//! Every amount is computed exactly in decimals and rounded once, to øre, half away from zero.

use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};

use crate::money::{MoneyOverflow, Nok};

/// One marginal band of a cumulative scale: from `from` up to the next band's `from` (the last
/// band up to the scale's `up_to`, or without end), paying `rate` kroner per unit of magnitude.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Band {
    pub from: Decimal,
    pub rate: Decimal,
}

/// One step of a highest-reached scale: `amount` once the magnitude reaches `threshold`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tier {
    pub threshold: Decimal,
    pub amount: Nok,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Scale {
    /// The amount, whatever the magnitude.
    Fixed { amount: Nok },
    /// `max × clamp((m − floor) / (target − floor), 0, 1)`.
    Linear {
        max: Nok,
        floor: Decimal,
        target: Decimal,
    },
    /// Marginal bands: each band's rate times the part of the magnitude inside it.
    TiersCumulative {
        bands: Vec<Band>,
        /// Where the last band ends; `None`: it has no end.
        up_to: Option<Decimal>,
    },
    /// The amount of the highest tier whose threshold the magnitude reaches; nothing below the
    /// first.
    TiersHighest { tiers: Vec<Tier> },
}

/// Why a scale cannot be used. The messages are for contract authors.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScaleError {
    #[error("the amount must not be negative")]
    NegativeAmount,
    #[error("the floor ({floor}) must be below the target ({target})")]
    FloorNotBelowTarget { floor: Decimal, target: Decimal },
    #[error("a scale needs at least one tier")]
    NoTiers,
    #[error("tier {index} starts at {this}, not above the tier before it ({previous}): tiers must be in increasing order without overlap")]
    Unordered {
        index: usize,
        previous: Decimal,
        this: Decimal,
    },
    #[error("a rate must not be negative")]
    NegativeRate,
    #[error("the last band ends at {up_to}, not after it starts ({from})")]
    EndBeforeStart { from: Decimal, up_to: Decimal },
}

/// Rounds kroner to whole øre, half away from zero; an amount beyond what `Nok` holds is refused.
pub fn to_ore(kroner: Decimal) -> Result<Nok, MoneyOverflow> {
    let rounded = kroner.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
    Nok::from_decimal(rounded).map_err(|_| MoneyOverflow)
}

fn increasing<'a>(starts: impl Iterator<Item = &'a Decimal>) -> Result<(), ScaleError> {
    let mut previous: Option<Decimal> = None;
    for (index, this) in starts.enumerate() {
        if let Some(p) = previous {
            if *this <= p {
                return Err(ScaleError::Unordered {
                    index: index + 1,
                    previous: p,
                    this: *this,
                });
            }
        }
        previous = Some(*this);
    }
    Ok(())
}

impl Scale {
    /// Checks the scale; a scale that passes prices every magnitude without surprise.
    pub fn validate(&self) -> Result<(), ScaleError> {
        match self {
            Self::Fixed { amount } if amount.ore() < 0 => Err(ScaleError::NegativeAmount),
            Self::Fixed { .. } => Ok(()),
            Self::Linear { max, .. } if max.ore() < 0 => Err(ScaleError::NegativeAmount),
            Self::Linear { floor, target, .. } if floor >= target => {
                Err(ScaleError::FloorNotBelowTarget {
                    floor: *floor,
                    target: *target,
                })
            }
            Self::Linear { .. } => Ok(()),
            Self::TiersCumulative { bands, up_to } => {
                if bands.is_empty() {
                    return Err(ScaleError::NoTiers);
                }
                increasing(bands.iter().map(|b| &b.from))?;
                if bands
                    .iter()
                    .any(|b| b.rate.is_sign_negative() && !b.rate.is_zero())
                {
                    return Err(ScaleError::NegativeRate);
                }
                match (up_to, bands.last()) {
                    (Some(end), Some(last)) if *end <= last.from => {
                        Err(ScaleError::EndBeforeStart {
                            from: last.from,
                            up_to: *end,
                        })
                    }
                    _ => Ok(()),
                }
            }
            Self::TiersHighest { tiers } => {
                if tiers.is_empty() {
                    return Err(ScaleError::NoTiers);
                }
                increasing(tiers.iter().map(|t| &t.threshold))?;
                if tiers.iter().any(|t| t.amount.ore() < 0) {
                    return Err(ScaleError::NegativeAmount);
                }
                Ok(())
            }
        }
    }

    /// What an achievement of `magnitude` is worth, before caps; refused when the price leaves
    /// what øre can hold (a rate times a magnitude can, where a listed amount cannot).
    pub fn price(&self, magnitude: Decimal) -> Result<Nok, MoneyOverflow> {
        match self {
            Self::Fixed { amount } => Ok(*amount),
            Self::Linear { max, floor, target } => {
                let span = target.checked_sub(*floor).ok_or(MoneyOverflow)?;
                if span <= Decimal::ZERO {
                    return Ok(Nok::ZERO);
                }
                let share = magnitude
                    .checked_sub(*floor)
                    .and_then(|above| above.checked_div(span))
                    .ok_or(MoneyOverflow)?
                    .clamp(Decimal::ZERO, Decimal::ONE);
                to_ore(max.to_decimal() * share)
            }
            Self::TiersCumulative { bands, up_to } => {
                let mut total = Decimal::ZERO;
                for (i, band) in bands.iter().enumerate() {
                    let end = bands.get(i + 1).map(|b| b.from).or(*up_to);
                    let top = end.map_or(magnitude, |e| magnitude.min(e));
                    if top > band.from {
                        total = top
                            .checked_sub(band.from)
                            .and_then(|width| band.rate.checked_mul(width))
                            .and_then(|part| total.checked_add(part))
                            .ok_or(MoneyOverflow)?;
                    }
                }
                to_ore(total)
            }
            Self::TiersHighest { tiers } => Ok(tiers
                .iter()
                .rev()
                .find(|t| magnitude >= t.threshold)
                .map_or(Nok::ZERO, |t| t.amount)),
        }
    }
}

#[cfg(test)]
mod tests;
