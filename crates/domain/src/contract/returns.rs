//! Investor returns (issue 4, §6): XIRR as spreadsheets compute it (actual/365, from the first
//! cash flow's date), the money multiple, and the distribution waterfall of outcome income.
//! Rates are floating point, as in every spreadsheet; money stays exact.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::money::{MoneyOverflow, Nok};

/// One dated cash flow from the investor's side: negative paid in, positive paid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CashFlow {
    pub date: NaiveDate,
    pub amount: Nok,
}

fn years(from: NaiveDate, to: NaiveDate) -> f64 {
    (to - from).num_days() as f64 / 365.0
}

fn npv(flows: &[CashFlow], first: NaiveDate, rate: f64) -> f64 {
    flows
        .iter()
        .map(|f| f.amount.ore() as f64 / (1.0 + rate).powf(years(first, f.date)))
        .sum()
}

fn npv_derivative(flows: &[CashFlow], first: NaiveDate, rate: f64) -> f64 {
    flows
        .iter()
        .map(|f| {
            let t = years(first, f.date);
            -t * f.amount.ore() as f64 / (1.0 + rate).powf(t + 1.0)
        })
        .sum()
}

/// The annual rate that makes the flows' net present value zero (actual/365, dated from the
/// earliest flow), or `None` when there is none: flows all of one sign, or no root found.
/// Newton's method from 10 % as spreadsheets do, with bisection when it does not settle.
pub fn xirr(flows: &[CashFlow]) -> Option<f64> {
    let first = flows.iter().map(|f| f.date).min()?;
    let (ins, outs) = (
        flows.iter().any(|f| f.amount.ore() < 0),
        flows.iter().any(|f| f.amount.ore() > 0),
    );
    if !(ins && outs) {
        return None;
    }
    let mut rate = 0.1;
    for _ in 0..100 {
        let value = npv(flows, first, rate);
        let slope = npv_derivative(flows, first, rate);
        if slope == 0.0 || !slope.is_finite() {
            break;
        }
        let next = rate - value / slope;
        if !next.is_finite() || next <= -1.0 {
            break;
        }
        if (next - rate).abs() < 1e-12 {
            return Some(next);
        }
        rate = next;
    }
    // Bisection over (-100 %, 10,000 %) where the net present value changes sign.
    let (mut lo, mut hi) = (-0.999_999_999, 100.0);
    let (mut f_lo, f_hi) = (npv(flows, first, lo), npv(flows, first, hi));
    if f_lo.signum() == f_hi.signum() {
        return None;
    }
    for _ in 0..300 {
        let mid = (lo + hi) / 2.0;
        let f_mid = npv(flows, first, mid);
        if f_mid == 0.0 || (hi - lo) < 1e-14 {
            return Some(mid);
        }
        if f_mid.signum() == f_lo.signum() {
            lo = mid;
            f_lo = f_mid;
        } else {
            hi = mid;
        }
    }
    Some((lo + hi) / 2.0)
}

/// Where an investor stands on one date: what they have paid in and received so far, and the
/// XIRR of their flows up to that date.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PathPoint {
    pub date: NaiveDate,
    pub paid_in: Nok,
    pub received: Nok,
    /// `None` until money has gone both ways.
    pub xirr: Option<f64>,
}

/// The investor's path through time: one point per date with a flow, in date order, each
/// with the sums and the XIRR of every flow up to and including that date.
pub fn path(flows: &[CashFlow]) -> Result<Vec<PathPoint>, MoneyOverflow> {
    let mut sorted = flows.to_vec();
    sorted.sort_by_key(|f| f.date);
    let mut out: Vec<PathPoint> = Vec::new();
    let (mut paid_in, mut received) = (Nok::ZERO, Nok::ZERO);
    for (i, f) in sorted.iter().enumerate() {
        if f.amount.ore() < 0 {
            paid_in = paid_in.minus(f.amount)?;
        } else {
            received = received.plus(f.amount)?;
        }
        let last_of_day = sorted.get(i + 1).is_none_or(|next| next.date != f.date);
        if last_of_day {
            out.push(PathPoint {
                date: f.date,
                paid_in,
                received,
                xirr: xirr(sorted.get(..=i).unwrap_or_default()),
            });
        }
    }
    Ok(out)
}

/// Money back per krone paid in: what the investor received over what they put in (`None`
/// when nothing was put in).
pub fn money_multiple(flows: &[CashFlow]) -> Option<Decimal> {
    // i128: the sum of any number of øre amounts a machine can hold cannot overflow it.
    let paid_in: i128 = flows
        .iter()
        .filter(|f| f.amount.ore() < 0)
        .map(|f| -i128::from(f.amount.ore()))
        .sum();
    let received: i128 = flows
        .iter()
        .filter(|f| f.amount.ore() > 0)
        .map(|f| i128::from(f.amount.ore()))
        .sum();
    let exact = |n: i128| Decimal::try_from_i128_with_scale(n, 0).ok();
    if paid_in > 0 {
        exact(received)?.checked_div(exact(paid_in)?)
    } else {
        None
    }
}

/// Where outcome income above the investors' capped return goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Excess {
    /// Back to Nav.
    ToNav,
    /// Kept in the programme.
    Reinvested,
}

/// The waterfall's terms: investors get their capital back first, then a return of at most
/// `return_cap` (a share of the capital drawn, e.g. 0.30 for 30 %); what is left goes where
/// `excess` says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Waterfall {
    pub return_cap: Decimal,
    pub excess: Excess,
}

/// How income was distributed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Distribution {
    pub capital_returned: Nok,
    pub return_paid: Nok,
    pub excess_to_nav: Nok,
    pub excess_reinvested: Nok,
    /// Capital drawn and not returned: the investors' loss.
    pub investor_loss: Nok,
}

impl Waterfall {
    /// Distributes `income` against `drawn` capital. The return cap is rounded down to whole
    /// øre, so that investors are never paid above it.
    pub fn distribute(&self, drawn: Nok, income: Nok) -> Result<Distribution, MoneyOverflow> {
        let income = income.max(Nok::ZERO);
        let drawn = drawn.max(Nok::ZERO);
        let capital_returned = income.min(drawn);
        let cap = drawn
            .to_decimal()
            .checked_mul(self.return_cap.max(Decimal::ZERO))
            .ok_or(MoneyOverflow)?
            .round_dp_with_strategy(2, rust_decimal::RoundingStrategy::ToZero);
        let cap = Nok::from_decimal(cap).map_err(|_| MoneyOverflow)?;
        let after_capital = income.minus(capital_returned)?;
        let return_paid = after_capital.min(cap);
        let excess = after_capital.minus(return_paid)?;
        let (excess_to_nav, excess_reinvested) = match self.excess {
            Excess::ToNav => (excess, Nok::ZERO),
            Excess::Reinvested => (Nok::ZERO, excess),
        };
        Ok(Distribution {
            capital_returned,
            return_paid,
            excess_to_nav,
            excess_reinvested,
            investor_loss: drawn.minus(capital_returned)?,
        })
    }
}

#[cfg(test)]
mod tests;
