//! The investors' side of a contract (issue 4, §6): capital drawn down from their commitments,
//! outcome income distributed through the waterfall, and each investor's cash flows, XIRR and
//! money multiple, actual (to a day) and projected (to the contract's end).
//!
//! Income reaches investors through the waterfall: as each payment arrives, the investors'
//! cumulative share (capital back, then the capped return) is worked out again on the capital
//! drawn by then, and what it grew by is paid out that day, split between investors in
//! proportion to the capital each has drawn, to the øre (largest remainders).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::returns::{money_multiple, xirr, CashFlow, Distribution, Waterfall};
use crate::money::{MoneyOverflow, Nok};
use crate::orgnr::OrgNr;

/// Capital an investor pays in on a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Drawdown {
    pub investor: OrgNr,
    pub date: NaiveDate,
    pub amount: Nok,
}

/// How the contract is financed: the waterfall and the drawdown schedule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Investment {
    pub waterfall: Waterfall,
    /// By date.
    pub drawdowns: Vec<Drawdown>,
}

/// Outcome income: a payment from Nav on a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Income {
    pub date: NaiveDate,
    pub amount: Nok,
}

/// One investor's position.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Position {
    pub investor: OrgNr,
    pub drawn: Nok,
    pub received: Nok,
    /// Drawdowns negative, distributions positive, by date.
    pub flows: Vec<CashFlow>,
    pub xirr: Option<f64>,
    pub multiple: Option<rust_decimal::Decimal>,
}

/// Every investor's position and the waterfall's split of all income.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    pub positions: Vec<Position>,
    pub income: Nok,
    pub drawn: Nok,
    /// What all investors received together.
    pub received: Nok,
    pub distribution: Distribution,
}

/// Splits `amount` in proportion to `weights` (øre), exactly: floors, then one øre each to the
/// largest remainders (ties to the first).
fn pro_rata(amount: Nok, weights: &[i64]) -> Vec<Nok> {
    let total: i128 = weights.iter().map(|w| i128::from(*w.max(&0))).sum();
    if total == 0 {
        return vec![Nok::ZERO; weights.len()];
    }
    let a = i128::from(amount.ore());
    let mut shares: Vec<(i128, i128)> = weights
        .iter()
        .map(|w| {
            let p = a * i128::from(*w.max(&0));
            (p.div_euclid(total), p.rem_euclid(total))
        })
        .collect();
    let mut left = a - shares.iter().map(|s| s.0).sum::<i128>();
    let mut order: Vec<usize> = (0..shares.len()).collect();
    order.sort_by(|x, y| shares[*y].1.cmp(&shares[*x].1).then(x.cmp(y)));
    for i in order {
        if left <= 0 {
            break;
        }
        if let Some(s) = shares.get_mut(i) {
            s.0 += 1;
            left -= 1;
        }
    }
    shares
        .into_iter()
        // Each share is at most `amount` (weights are not negative), so it fits in øre.
        .map(|(s, _)| Nok::from_ore(i64::try_from(s).unwrap_or(0)))
        .collect()
}

/// The investors' positions given the drawdowns and income up to and including `until` (all
/// of both when `None`). Refused when a sum leaves what øre hold.
pub fn report(
    investment: &Investment,
    investors: &[OrgNr],
    income: &[Income],
    until: Option<NaiveDate>,
) -> Result<Report, MoneyOverflow> {
    let within = |d: NaiveDate| until.is_none_or(|u| d <= u);
    let mut drawdowns: Vec<Drawdown> = investment
        .drawdowns
        .iter()
        .filter(|d| within(d.date))
        .copied()
        .collect();
    drawdowns.sort_by_key(|d| d.date);
    let mut payments: Vec<Income> = income.iter().filter(|i| within(i.date)).copied().collect();
    payments.sort_by_key(|i| i.date);

    let mut flows: Vec<Vec<CashFlow>> = vec![Vec::new(); investors.len()];
    let mut drawn = vec![Nok::ZERO; investors.len()];
    for d in &drawdowns {
        if let Some(i) = investors.iter().position(|o| *o == d.investor) {
            if let (Some(f), Some(s)) = (flows.get_mut(i), drawn.get_mut(i)) {
                f.push(CashFlow {
                    date: d.date,
                    amount: d.amount.negated()?,
                });
                *s = s.plus(d.amount)?;
            }
        }
    }
    let drawn_by = |date: NaiveDate| -> Result<Vec<Nok>, MoneyOverflow> {
        investors
            .iter()
            .map(|o| {
                Nok::sum(
                    drawdowns
                        .iter()
                        .filter(|d| d.investor == *o && d.date <= date)
                        .map(|d| d.amount),
                )
            })
            .collect()
    };
    let mut received_total = Nok::ZERO;
    let mut income_total = Nok::ZERO;
    let mut received = vec![Nok::ZERO; investors.len()];
    for p in &payments {
        income_total = income_total.plus(p.amount)?;
        let weights = drawn_by(p.date)?;
        let capital = Nok::sum(weights.iter().copied())?;
        let d = investment.waterfall.distribute(capital, income_total)?;
        let to_investors = d.capital_returned.plus(d.return_paid)?;
        let paid_now = to_investors.minus(received_total)?;
        if paid_now <= Nok::ZERO {
            continue;
        }
        received_total = to_investors;
        let weights: Vec<i64> = weights.iter().map(|w| w.ore()).collect();
        for (i, share) in pro_rata(paid_now, &weights).into_iter().enumerate() {
            if share > Nok::ZERO {
                if let (Some(f), Some(r)) = (flows.get_mut(i), received.get_mut(i)) {
                    f.push(CashFlow {
                        date: p.date,
                        amount: share,
                    });
                    *r = r.plus(share)?;
                }
            }
        }
    }
    let total_drawn = Nok::sum(drawn.iter().copied())?;
    let total_received = Nok::sum(received.iter().copied())?;
    let positions = investors
        .iter()
        .zip(flows)
        .zip(drawn.iter().zip(received))
        .map(|((o, f), (d, r))| Position {
            investor: *o,
            drawn: *d,
            received: r,
            xirr: xirr(&f),
            multiple: money_multiple(&f),
            flows: f,
        })
        .collect();
    Ok(Report {
        positions,
        income: income_total,
        drawn: total_drawn,
        received: total_received,
        distribution: investment.waterfall.distribute(total_drawn, income_total)?,
    })
}

/// Future income at the recent run rate: the mean of the last `window` paid periods' totals,
/// once per remaining period, each paid `pay_after_days` after the period ends.
pub fn run_rate(
    paid: &[Income],
    window: usize,
    remaining_period_ends: &[NaiveDate],
    pay_after_days: u64,
) -> Result<Vec<Income>, MoneyOverflow> {
    let recent: Vec<&Income> = paid.iter().rev().take(window).collect();
    if recent.is_empty() {
        return Ok(Vec::new());
    }
    let sum = Nok::sum(recent.iter().map(|i| i.amount))?;
    let mean = Nok::from_ore(sum.ore() / i64::try_from(recent.len()).unwrap_or(1));
    Ok(remaining_period_ends
        .iter()
        .map(|end| Income {
            date: end
                .checked_add_days(chrono::Days::new(pay_after_days))
                .unwrap_or(*end),
            amount: mean,
        })
        .collect())
}

/// Income actually received: each paid statement's total on the day (in Oslo) it was paid.
pub fn paid_income<S: super::periods::Filed>(statements: &[&S]) -> Vec<Income> {
    let mut out: Vec<Income> = super::periods::current(statements)
        .into_iter()
        .filter(|s| s.stage() == super::statement::Stage::Paid)
        .filter_map(|s| {
            Some(Income {
                date: crate::dates::oslo_date(s.paid_at()?),
                amount: s.total(),
            })
        })
        .collect();
    out.sort_by_key(|i| i.date);
    out
}

/// The ends of the periods after the last paid one, to the contract's end.
pub fn periods_ahead<S: super::periods::Filed>(
    terms: &super::terms::ContractTerms,
    statements: &[S],
) -> Vec<NaiveDate> {
    let paid_through = super::periods::current(statements)
        .into_iter()
        .filter(|s| s.stage() == super::statement::Stage::Paid)
        .map(|s| s.period_start())
        .max();
    super::periods::all(terms)
        .into_iter()
        .filter(|p| paid_through.is_none_or(|paid| p.start > paid))
        .map(|p| p.end)
        .collect()
}

/// The investors' positions to today, and projected to the contract's end at the recent run
/// rate.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Outlook {
    /// Paid statements so far.
    pub paid: Vec<Income>,
    pub actual: Report,
    pub projected: Report,
    /// The income per period the projection assumes.
    pub run_rate: Option<Nok>,
}

/// What the investors have and will have: actual figures run to `today`; projected ones use
/// every planned drawdown and, for each period after the last paid one, the mean of the last
/// `window` paid periods, paid `pay_after_days` after the period ends. Income is taken from
/// `published` (the statements whose totals the viewer may see); which periods are still to
/// come from all of `statements`.
#[allow(clippy::too_many_arguments)]
pub fn outlook<S: super::periods::Filed>(
    terms: &super::terms::ContractTerms,
    investment: &Investment,
    investors: &[OrgNr],
    published: &[&S],
    statements: &[S],
    today: NaiveDate,
    window: usize,
    pay_after_days: u64,
) -> Result<Outlook, MoneyOverflow> {
    let paid = paid_income(published);
    let mut projected_income = paid.clone();
    projected_income.extend(run_rate(
        &paid,
        window,
        &periods_ahead(terms, statements),
        pay_after_days,
    )?);
    Ok(Outlook {
        actual: report(investment, investors, &paid, Some(today))?,
        projected: report(investment, investors, &projected_income, None)?,
        run_rate: run_rate(&paid, window, &[today], 0)?
            .first()
            .map(|i| i.amount),
        paid,
    })
}

/// One investor's figures, or all investors' together.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Figures {
    pub drawn: Nok,
    pub received: Nok,
    pub xirr: Option<f64>,
    pub multiple: Option<rust_decimal::Decimal>,
}

impl Report {
    /// The figures of the investor at `index` in the report, or of all investors (their flows
    /// taken together) when `None`.
    pub fn figures(&self, index: Option<usize>) -> Option<Figures> {
        match index {
            Some(i) => self.positions.get(i).map(|p| Figures {
                drawn: p.drawn,
                received: p.received,
                xirr: p.xirr,
                multiple: p.multiple,
            }),
            None => {
                let flows: Vec<CashFlow> = self
                    .positions
                    .iter()
                    .flat_map(|p| p.flows.iter().copied())
                    .collect();
                Some(Figures {
                    drawn: self.drawn,
                    received: self.received,
                    xirr: xirr(&flows),
                    multiple: money_multiple(&flows),
                })
            }
        }
    }
}

#[cfg(test)]
mod tests;
