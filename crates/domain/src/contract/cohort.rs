//! Cohort-level payment mechanisms (issue 4, §3): payments for what a whole cohort achieved
//! against a comparison group, from figures the independent evaluator certifies (recorded with
//! who and when) until effekt computes them itself. Each mechanism is a pure function of the
//! certified figures; amounts are exact and rounded once to øre, half away from zero.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::scale::{to_ore, Scale};
use crate::money::{MoneyOverflow, Nok};

/// A figure for one cohort, certified by the evaluator.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CertifiedFigure {
    pub cohort: String,
    /// Participants in the cohort.
    pub cohort_size: u32,
    /// The measured value: a rate in percent, a reduction in percent, savings in kroner, or
    /// (for [`PerUnit`]) the cohort's own rate, e.g. reconviction events per 100 persons.
    pub value: Decimal,
    /// The comparison group's rate in the same unit, where the mechanism prices against it
    /// ([`PerUnit`]); none for figures that are already a difference.
    #[serde(default)]
    pub comparison: Option<Decimal>,
    pub certified_by: String,
    pub certified_on: NaiveDate,
}

/// One cohort payment, with the figure it rests on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CohortLine {
    pub cohort: String,
    pub amount: Nok,
    /// Why, in words (for the statement).
    pub reason: String,
}

/// A graduated cohort scale: the scale applied to the cohort's figure, e.g. nothing at 25 %
/// employment, linear to the maximum at 45 %.
pub fn graduated(
    scale: &Scale,
    figures: &[CertifiedFigure],
) -> Result<Vec<CohortLine>, MoneyOverflow> {
    figures
        .iter()
        .map(|f| {
            Ok(CohortLine {
                cohort: f.cohort.clone(),
                amount: scale.price(f.value)?,
                reason: format!(
                    "{} certified by {} on {}",
                    f.value, f.certified_by, f.certified_on
                ),
            })
        })
        .collect()
}

/// `a × b`, refused where `Decimal` would overflow (it panics otherwise).
fn times(a: Decimal, b: Decimal) -> Result<Decimal, MoneyOverflow> {
    a.checked_mul(b).ok_or(MoneyOverflow)
}

/// `amount × count` in øre.
fn per_head(amount: Nok, count: u64) -> Result<Nok, MoneyOverflow> {
    to_ore(times(amount.to_decimal(), Decimal::from(count))?)
}

/// A trigger against a comparison group (the Peterborough model): a cohort whose reduction
/// reaches `threshold` percent earns `per_participant` for each of its participants; at the
/// end, if the reduction over all cohorts together (weighted by cohort size) reaches
/// `pooled_threshold`, every participant is paid for, less what the cohorts already received.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Trigger {
    pub threshold: Decimal,
    pub per_participant: Nok,
    pub pooled_threshold: Decimal,
}

impl Trigger {
    /// The cohort payments, then (when `final_round`) the pooled top-up as a line for the
    /// cohort `"pooled"`.
    pub fn price(
        &self,
        figures: &[CertifiedFigure],
        final_round: bool,
    ) -> Result<Vec<CohortLine>, MoneyOverflow> {
        let mut lines: Vec<CohortLine> = figures
            .iter()
            .filter(|f| f.value >= self.threshold)
            .map(|f| {
                Ok(CohortLine {
                    cohort: f.cohort.clone(),
                    amount: per_head(self.per_participant, u64::from(f.cohort_size))?,
                    reason: format!(
                        "reduction {} % ≥ {} % (certified by {} on {})",
                        f.value, self.threshold, f.certified_by, f.certified_on
                    ),
                })
            })
            .collect::<Result<_, MoneyOverflow>>()?;
        if final_round {
            let size: u64 = figures.iter().map(|f| u64::from(f.cohort_size)).sum();
            if size > 0 {
                let weighted = figures.iter().try_fold(Decimal::ZERO, |sum, f| {
                    times(f.value, Decimal::from(f.cohort_size))
                        .and_then(|part| sum.checked_add(part).ok_or(MoneyOverflow))
                })? / Decimal::from(size);
                if weighted >= self.pooled_threshold {
                    let due = per_head(self.per_participant, size)?;
                    let paid = Nok::sum(lines.iter().map(|l| l.amount))?;
                    if due > paid {
                        lines.push(CohortLine {
                            cohort: "pooled".into(),
                            amount: due.minus(paid)?,
                            reason: format!(
                                "pooled reduction {} % ≥ {} %: {} due for {size} participants, {} already paid",
                                weighted.round_dp(4),
                                self.pooled_threshold,
                                due,
                                paid
                            ),
                        });
                    }
                }
            }
        }
        Ok(lines)
    }
}

/// Pricing per unit of improvement against the comparison group (the Peterborough model, as
/// published: a price per reconviction event avoided). Each certified figure holds the
/// cohort's rate and the comparison's rate, per `per` persons (events per 100 persons, say):
/// - a cohort whose improvement relative to the comparison, in percent, reaches `threshold`
///   is paid `price` × units, units = (comparison − rate) × cohort size ÷ `per` (the events
///   avoided; higher − comparison when higher is better);
/// - in the final round, the cohorts' rates are pooled (events over persons across all
///   cohorts, weighted by size, for the cohorts and for their comparisons); when the pooled
///   improvement reaches `pooled_threshold` percent, every cohort's units are paid together,
///   less what the cohorts already received.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PerUnit {
    pub price: Nok,
    pub per: Decimal,
    pub threshold: Decimal,
    pub pooled_threshold: Decimal,
    /// Fewer is better (events); otherwise more is (an employment rate).
    pub lower_is_better: bool,
}

impl PerUnit {
    /// The improvement of `rate` over `comparison`, in the figures' unit.
    fn improvement(&self, rate: Decimal, comparison: Decimal) -> Result<Decimal, MoneyOverflow> {
        if self.lower_is_better {
            comparison.checked_sub(rate)
        } else {
            rate.checked_sub(comparison)
        }
        .ok_or(MoneyOverflow)
    }

    /// The improvement relative to the comparison, in percent (0 against a comparison of 0).
    fn relative(
        &self,
        improvement: Decimal,
        comparison: Decimal,
    ) -> Result<Decimal, MoneyOverflow> {
        if comparison.is_zero() {
            Ok(Decimal::ZERO)
        } else {
            improvement
                .checked_div(comparison)
                .and_then(|r| r.checked_mul(Decimal::ONE_HUNDRED))
                .ok_or(MoneyOverflow)
        }
    }

    /// Units of improvement for `size` persons: improvement × size ÷ per.
    fn units(
        &self,
        improvement: Decimal,
        size: u64,
        per: Decimal,
    ) -> Result<Decimal, MoneyOverflow> {
        times(improvement, Decimal::from(size))?
            .checked_div(per)
            .ok_or(MoneyOverflow)
    }

    fn amount(&self, units: Decimal) -> Result<Nok, MoneyOverflow> {
        to_ore(times(units, self.price.to_decimal())?)
    }

    /// The cohort payments, then (when `final_round`) the pooled top-up as the cohort
    /// `"pooled"`. A figure without a comparison prices nothing.
    pub fn price(
        &self,
        figures: &[CertifiedFigure],
        final_round: bool,
    ) -> Result<Vec<CohortLine>, MoneyOverflow> {
        let per = if self.per > Decimal::ZERO {
            self.per
        } else {
            Decimal::ONE
        };
        let with_comparison: Vec<(&CertifiedFigure, Decimal)> = figures
            .iter()
            .filter_map(|f| f.comparison.map(|c| (f, c)))
            .collect();
        let mut lines = Vec::new();
        for (f, comparison) in &with_comparison {
            let improvement = self.improvement(f.value, *comparison)?;
            let relative = self.relative(improvement, *comparison)?;
            let units = self.units(improvement, u64::from(f.cohort_size), per)?;
            if relative >= self.threshold && units > Decimal::ZERO {
                lines.push(CohortLine {
                    cohort: f.cohort.clone(),
                    amount: self.amount(units)?,
                    reason: format!(
                        "{} against {} in the comparison: {} % better ≥ {} %; {} units × {} \
                         (certified by {} on {})",
                        f.value,
                        comparison,
                        relative.round_dp(2),
                        self.threshold,
                        units.round_dp(4),
                        self.price,
                        f.certified_by,
                        f.certified_on
                    ),
                });
            }
        }
        let size: u64 = with_comparison
            .iter()
            .map(|(f, _)| u64::from(f.cohort_size))
            .sum();
        if final_round && size > 0 {
            let weighted = |pick: &dyn Fn(&CertifiedFigure, Decimal) -> Decimal| {
                with_comparison
                    .iter()
                    .try_fold(Decimal::ZERO, |sum, (f, c)| {
                        times(pick(f, *c), Decimal::from(f.cohort_size))
                            .and_then(|part| sum.checked_add(part).ok_or(MoneyOverflow))
                    })
                    .map(|sum| sum / Decimal::from(size))
            };
            let pooled_rate = weighted(&|f, _| f.value)?;
            let pooled_comparison = weighted(&|_, c| c)?;
            let improvement = self.improvement(pooled_rate, pooled_comparison)?;
            let relative = self.relative(improvement, pooled_comparison)?;
            let units = self.units(improvement, size, per)?;
            if relative >= self.pooled_threshold && units > Decimal::ZERO {
                let due = self.amount(units)?;
                let paid = Nok::sum(lines.iter().map(|l| l.amount))?;
                if due > paid {
                    lines.push(CohortLine {
                        cohort: "pooled".into(),
                        amount: due.minus(paid)?,
                        reason: format!(
                            "pooled {} against {} for {size} participants: {} % better ≥ {} %; \
                             {} units × {} = {due}, {paid} already paid",
                            pooled_rate.round_dp(4),
                            pooled_comparison.round_dp(4),
                            relative.round_dp(2),
                            self.pooled_threshold,
                            units.round_dp(4),
                            self.price
                        ),
                    });
                }
            }
        }
        Ok(lines)
    }
}

/// A share of measured public savings against a control group (the Koto-SIB model), or tiered
/// savings bands (the Norrköping model: the bands' rates are shares of each krone saved), with
/// an optional cap and an extra above the cap "up to" a limit, paid only when a second
/// outcome's figure reaches a threshold.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavingsShare {
    /// Applied to the savings in kroner: `TiersCumulative` bands with rates as shares, or
    /// `Linear` and so on; a plain share `s` is one band from 0 at rate `s`.
    pub scale: Scale,
    pub cap: Option<Nok>,
    pub extra: Option<ConditionalExtra>,
}

/// Up to `amount` more than the cap, out of what the scale prices above the cap, when another
/// certified figure for the same cohort reaches `at_least` (Norrköping: the extra comes only
/// out of savings above the cap, so a cohort below the cap gets no extra at all).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConditionalExtra {
    pub at_least: Decimal,
    /// The limit of the extra ("up to").
    pub amount: Nok,
}

impl SavingsShare {
    /// `savings` per cohort; `condition` holds the second outcome's figures (matched by cohort).
    /// A cohort is paid min(scale, cap), plus, when the condition holds, min(scale − cap,
    /// extra limit) — nothing extra when the scale does not reach the cap, or there is no cap.
    pub fn price(
        &self,
        savings: &[CertifiedFigure],
        condition: &[CertifiedFigure],
    ) -> Result<Vec<CohortLine>, MoneyOverflow> {
        savings
            .iter()
            .map(|f| {
                let base = self.scale.price(f.value.max(Decimal::ZERO))?;
                let capped = match self.cap {
                    Some(cap) if base > cap => cap,
                    _ => base,
                };
                let above_cap = base.minus(capped)?;
                let extra = self
                    .extra
                    .as_ref()
                    .filter(|e| {
                        condition
                            .iter()
                            .any(|c| c.cohort == f.cohort && c.value >= e.at_least)
                    })
                    .map_or(Nok::ZERO, |e| above_cap.min(e.amount));
                let mut reason = format!(
                    "savings {} kr certified by {} on {}",
                    f.value, f.certified_by, f.certified_on
                );
                if capped < base {
                    reason.push_str(&format!("; capped at {}", capped));
                }
                if extra > Nok::ZERO {
                    reason.push_str(&format!(
                        "; extra {extra} above the cap for the second outcome"
                    ));
                }
                Ok(CohortLine {
                    cohort: f.cohort.clone(),
                    amount: capped.plus(extra)?,
                    reason,
                })
            })
            .collect()
    }
}

/// A certified figure with the name the contract's cohort outcomes know it by
/// (`employment_rate`, `reduction_vs_comparison`, `savings`, …).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NamedFigure {
    pub figure: String,
    pub certified: CertifiedFigure,
}

/// The newest certification of `figure` for each cohort, by cohort (a figure certified again
/// replaces the earlier one).
fn newest(figures: &[NamedFigure], figure: &str) -> Vec<CertifiedFigure> {
    let mut out: Vec<CertifiedFigure> = Vec::new();
    for f in figures.iter().filter(|f| f.figure == figure) {
        match out.iter_mut().find(|o| o.cohort == f.certified.cohort) {
            Some(o) if o.certified_on <= f.certified.certified_on => *o = f.certified.clone(),
            Some(_) => {}
            None => out.push(f.certified.clone()),
        }
    }
    out.sort_by(|a, b| a.cohort.cmp(&b.cohort));
    out
}

/// What every cohort outcome pays on the figures certified so far, as (outcome, line); the
/// pooled test of a trigger only in the `final_round`.
pub fn price_all(
    outcomes: &[super::terms::CohortOutcome],
    figures: &[NamedFigure],
    final_round: bool,
) -> Result<Vec<(String, CohortLine)>, MoneyOverflow> {
    use super::terms::CohortMechanism;
    let mut out = Vec::new();
    for o in outcomes {
        let mine = newest(figures, &o.figure);
        let lines = match &o.mechanism {
            CohortMechanism::Graduated { scale } => graduated(scale, &mine)?,
            CohortMechanism::Trigger { trigger } => trigger.price(&mine, final_round)?,
            CohortMechanism::PerUnit { per_unit } => per_unit.price(&mine, final_round)?,
            CohortMechanism::SavingsShare { share, extra_when } => {
                let condition = extra_when
                    .as_ref()
                    .and_then(|name| outcomes.iter().find(|x| &x.name == name))
                    .map(|x| newest(figures, &x.figure))
                    .unwrap_or_default();
                share.price(&mine, &condition)?
            }
        };
        out.extend(lines.into_iter().map(|l| (o.name.clone(), l)));
    }
    Ok(out)
}

/// Whether the pooled test of a trigger is made: once a figure is certified after the
/// contract's end, the final round. The contract page and the statements both ask this, so
/// the page never promises a top-up that the statement does not pay.
pub fn is_final_round(terms: &super::terms::ContractTerms, figures: &[NamedFigure]) -> bool {
    figures
        .iter()
        .any(|f| f.certified.certified_on > terms.ends)
}

/// The prefix of a contract-level line's `participant`.
pub const COHORT_PREFIX: &str = "Kohort ";

/// The cohort-level outcomes of `terms` (version `version`) priced on the newest certified
/// figures, as ledger lines dated on the certification (a cohort's line on its figure's date;
/// a pooled trigger line on the newest date), never after the contract's end; each with its
/// reason.
pub fn ledger_lines(
    terms: &super::terms::ContractTerms,
    version: u32,
    figures: &[NamedFigure],
) -> Result<Vec<(super::settlement::PricedLine, String)>, MoneyOverflow> {
    use super::ledger::LineKind;
    use super::settlement::{LineKey, PricedLine};
    let newest_day = figures.iter().map(|f| f.certified.certified_on).max();
    let mut out = Vec::new();
    for (outcome, line) in price_all(
        &terms.cohort_outcomes,
        figures,
        is_final_round(terms, figures),
    )? {
        let figure = terms
            .cohort_outcomes
            .iter()
            .find(|o| o.name == outcome)
            .map(|o| o.figure.as_str());
        let date = figures
            .iter()
            .filter(|f| Some(f.figure.as_str()) == figure && f.certified.cohort == line.cohort)
            .map(|f| f.certified.certified_on)
            .max()
            .or(newest_day);
        let Some(date) = date.map(|d| d.min(terms.ends)) else {
            continue;
        };
        out.push((
            PricedLine {
                key: LineKey {
                    date,
                    outcome,
                    participant: format!("{COHORT_PREFIX}{}", line.cohort),
                    kind: LineKind::Payment,
                    occurrence: 0,
                },
                period: terms.periods.start_of(date),
                amount: line.amount,
                version,
                achievement: usize::MAX,
            },
            line.reason,
        ));
    }
    Ok(out)
}

#[cfg(test)]
mod tests;
