//! `[investment]` and `[[drawdown]]`: how investors finance the contract. The waterfall's
//! return cap and where the excess goes, and each drawdown of an investor's commitment, which
//! must name an investor party, fall within the contract, and not add up to more than the
//! investor committed.

use effekt_domain::contract::investors::{Drawdown, Investment};
use effekt_domain::contract::returns::{Excess, Waterfall};
use effekt_domain::contract::terms::{Party, PartyRole};
use effekt_domain::money::Nok;
use effekt_domain::orgnr::OrgNr;
use rust_decimal::Decimal;

use super::checker::{Checker, Step};
use super::file::{DrawdownEntry, InvestmentEntry};

pub(super) fn check_investment(
    c: &mut Checker,
    entry: Option<&InvestmentEntry>,
    drawdowns: &[DrawdownEntry],
    parties: &[Party],
    within: Option<(chrono::NaiveDate, chrono::NaiveDate)>,
) -> Option<Investment> {
    let k = Step::Key;
    let Some(entry) = entry else {
        if !drawdowns.is_empty() {
            c.problem(
                &[k("drawdown"), Step::Index(0)],
                "drawdowns need an [investment] section with the waterfall's terms",
            );
        }
        return None;
    };
    let path = [k("investment"), k("return_cap")];
    let return_cap = c.decimal(&path, &entry.return_cap);
    if return_cap.is_some_and(|r| r < Decimal::ZERO) {
        c.problem(
            &path,
            "the return cap is a share of the capital, never below 0",
        );
    }
    let excess = match entry.excess.as_str() {
        "to_nav" => Some(Excess::ToNav),
        "reinvested" => Some(Excess::Reinvested),
        other => {
            c.problem(
                &[k("investment"), k("excess")],
                format!("{other:?} is not to_nav or reinvested"),
            );
            None
        }
    };
    let mut out = Vec::new();
    let mut drawn: Vec<(OrgNr, Nok)> = Vec::new();
    for (i, d) in drawdowns.iter().enumerate() {
        let at = |key| vec![k("drawdown"), Step::Index(i), k(key)];
        let investor = match OrgNr::parse(&d.investor) {
            Ok(o)
                if parties
                    .iter()
                    .any(|p| p.role == PartyRole::Investor && p.orgnr == o) =>
            {
                Some(o)
            }
            Ok(_) => {
                c.problem(
                    &at("investor"),
                    format!("{} is not an investor in the contract", d.investor),
                );
                None
            }
            Err(e) => {
                c.problem(&at("investor"), format!("{:?}: {e}", d.investor));
                None
            }
        };
        let date = c.date(&at("date"), &d.date);
        if let (Some(date), Some((starts, ends))) = (date, within) {
            if date < starts || date > ends {
                c.problem(
                    &at("date"),
                    format!("{date} is outside the contract ({starts} to {ends})"),
                );
            }
        }
        let amount = c.amount(&at("amount"), &d.amount);
        if amount.is_some_and(|a| a.ore() == 0) {
            c.problem(&at("amount"), "a drawdown of 0 draws nothing; leave it out");
        }
        if let (Some(investor), Some(date), Some(amount)) = (investor, date, amount) {
            match drawn.iter_mut().find(|(o, _)| *o == investor) {
                Some((_, sum)) => match sum.plus(amount) {
                    Ok(more) => *sum = more,
                    Err(e) => c.problem(&at("amount"), e.to_string()),
                },
                None => drawn.push((investor, amount)),
            }
            let committed = parties
                .iter()
                .find(|p| p.role == PartyRole::Investor && p.orgnr == investor)
                .and_then(|p| p.commitment);
            let total = drawn.iter().find(|(o, _)| *o == investor).map(|x| x.1);
            if let (Some(committed), Some(total)) = (committed, total) {
                if total > committed {
                    c.problem(
                        &at("amount"),
                        format!("brings {investor}'s drawdowns to {total}, more than its commitment ({committed})"),
                    );
                }
            }
            out.push(Drawdown {
                investor,
                date,
                amount,
            });
        }
    }
    out.sort_by_key(|d| d.date);
    Some(Investment {
        waterfall: Waterfall {
            return_cap: return_cap?,
            excess: excess?,
        },
        drawdowns: out,
    })
}

#[cfg(test)]
mod tests;
