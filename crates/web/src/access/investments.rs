//! The investors' page (issue 4, §6): commitments, capital drawn, outcome income through the
//! waterfall, XIRR and money multiple actual (to today) and projected (to the contract's end at
//! the recent run rate), and outcome progress per cohort and provider with small cells
//! suppressed. Investors see their own position and the totals; the Nav contract manager and
//! the facilitator see every investor. No personal data: counts only.

use chrono::{NaiveDate, Utc};
use effekt_domain::contract::investors::{self, Income, Report};
use effekt_domain::contract::returns::Excess;
use effekt_domain::contract::statement::{Stage, Step};
use effekt_domain::contract::terms::{ContractTerms, PartyRole};
use effekt_domain::dates::oslo_date;
use effekt_domain::ids::ProviderId;
use effekt_domain::money::Nok;
use effekt_domain::orgnr::OrgNr;
use effekt_domain::outcomes::evaluate;
use effekt_domain::outcomes::timeline::Snapshot;
use effekt_domain::role::Role;
use effekt_domain::suppression::suppress;
use effekt_store::model::{ParticipantScope, StatementRecord};
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;

use super::views::{AggregateRow, CountTable, InvestmentView, PositionView, ProgressTable};
use super::{AppState, Viewer};
use crate::ledger;
use crate::WebError;

/// Paid periods the run rate averages over.
const RUN_RATE_PERIODS: usize = 4;
/// Days from a period's end to its payment, as in the demo's history.
const PAY_AFTER_DAYS: u64 = 25;

pub struct InvestmentAccess {
    pub(super) state: AppState,
    pub(super) viewer: Viewer,
}

fn percent(rate: Option<f64>) -> String {
    rate.filter(|r| r.is_finite()).map_or_else(
        || "–".to_owned(),
        |r| format!("{:.1} %", r * 100.0).replace('.', ","),
    )
}

fn multiple(m: Option<Decimal>) -> String {
    m.map_or_else(
        || "–".to_owned(),
        |m| format!("{:.2}", m.to_f64().unwrap_or_default()).replace('.', ","),
    )
}

/// Income actually received: each paid statement's total on the day it was paid.
fn paid_income(statements: &[StatementRecord]) -> Vec<Income> {
    let mut out: Vec<Income> = ledger::current(statements)
        .into_iter()
        .filter(|s| s.rules().stage() == Stage::Paid)
        .filter_map(|s| {
            let paid = s.events.iter().find(|e| e.event.step == Step::Pay)?;
            Some(Income {
                date: oslo_date(paid.event.at),
                amount: s.total,
            })
        })
        .collect();
    out.sort_by_key(|i| i.date);
    out
}

/// The ends of the periods after the last paid one, to the contract's end.
fn periods_ahead(terms: &ContractTerms, statements: &[StatementRecord]) -> Vec<NaiveDate> {
    let paid_through = ledger::current(statements)
        .into_iter()
        .filter(|s| s.rules().stage() == Stage::Paid)
        .map(|s| s.period_start)
        .max();
    let mut period = terms.periods.period_of(terms.starts);
    let mut out = Vec::new();
    while period.start <= terms.ends {
        if paid_through.is_none_or(|p| period.start > p) {
            out.push(period.end);
        }
        match period.end.succ_opt() {
            Some(next) => period = terms.periods.period_of(next),
            None => break,
        }
    }
    out
}

fn position(
    name: String,
    committed: Option<Nok>,
    actual: &Report,
    projected: &Report,
    i: Option<usize>,
) -> PositionView {
    let pick = |r: &Report| match i {
        Some(i) => r
            .positions
            .get(i)
            .map(|p| (p.drawn, p.received, p.xirr, p.multiple)),
        None => {
            let flows: Vec<_> = r
                .positions
                .iter()
                .flat_map(|p| p.flows.iter().copied())
                .collect();
            Some((
                r.drawn,
                r.positions.iter().fold(Nok::ZERO, |s, p| s + p.received),
                effekt_domain::contract::returns::xirr(&flows),
                effekt_domain::contract::returns::money_multiple(&flows),
            ))
        }
    };
    let (a, p) = (pick(actual), pick(projected));
    PositionView {
        investor: name,
        committed: committed.map(|c| c.to_string()),
        drawn: a.map(|x| x.0.to_string()).unwrap_or_default(),
        received: a.map(|x| x.1.to_string()).unwrap_or_default(),
        xirr_actual: percent(a.and_then(|x| x.2)),
        multiple_actual: multiple(a.and_then(|x| x.3)),
        drawn_projected: p.map(|x| x.0.to_string()).unwrap_or_default(),
        received_projected: p.map(|x| x.1.to_string()).unwrap_or_default(),
        xirr_projected: percent(p.and_then(|x| x.2)),
        multiple_projected: multiple(p.and_then(|x| x.3)),
    }
}

fn waterfall_rows(r: &Report, excess: Excess) -> Vec<(String, String)> {
    let d = &r.distribution;
    let mut rows = vec![
        ("Utfallsbetalinger fra Nav".to_owned(), r.income.to_string()),
        ("Kapital trukket".to_owned(), r.drawn.to_string()),
        (
            "Kapital tilbakebetalt".to_owned(),
            d.capital_returned.to_string(),
        ),
        ("Avkastning".to_owned(), d.return_paid.to_string()),
    ];
    rows.push(match excess {
        Excess::ToNav => (
            "Overskudd tilbake til Nav".to_owned(),
            d.excess_to_nav.to_string(),
        ),
        Excess::Reinvested => (
            "Overskudd reinvestert".to_owned(),
            d.excess_reinvested.to_string(),
        ),
    });
    rows.push((
        "Kapital ikke tilbakebetalt".to_owned(),
        d.investor_loss.to_string(),
    ));
    rows
}

impl InvestmentAccess {
    pub(super) fn new(state: AppState, viewer: Viewer) -> Self {
        Self { state, viewer }
    }

    /// Every contract with investment terms, as this viewer may see it.
    pub async fn overview(&self) -> Result<Vec<InvestmentView>, WebError> {
        let store = &self.state.store;
        let own: Option<OrgNr> = match self.viewer.user.role {
            Role::Investor => store
                .organisation_number(self.viewer.user.scope)
                .await?
                .and_then(|o| OrgNr::parse(&o).ok()),
            _ => None,
        };
        let today = oslo_date(Utc::now());
        let mut out = Vec::new();
        for contract in store.contracts().await? {
            let Some((_, terms)) = store.contract_terms(contract.id).await? else {
                continue;
            };
            let Some(investment) = terms.investment.clone() else {
                continue;
            };
            let party = terms
                .parties
                .iter()
                .any(|p| p.role == PartyRole::Investor && Some(p.orgnr) == own);
            if self.viewer.user.role == Role::Investor && !party {
                continue;
            }
            let investors: Vec<_> = terms
                .parties
                .iter()
                .filter(|p| p.role == PartyRole::Investor)
                .collect();
            let orgs: Vec<OrgNr> = investors.iter().map(|p| p.orgnr).collect();
            let statements = store.statements(contract.id).await?;
            let paid = paid_income(&statements);
            let mut projected_income = paid.clone();
            projected_income.extend(investors::run_rate(
                &paid,
                RUN_RATE_PERIODS,
                &periods_ahead(&terms, &statements),
                PAY_AFTER_DAYS,
            ));
            let actual = investors::report(&investment, &orgs, &paid, Some(today));
            let projected = investors::report(&investment, &orgs, &projected_income, None);
            let rows = investors
                .iter()
                .enumerate()
                .filter(|(_, p)| self.viewer.user.role != Role::Investor || Some(p.orgnr) == own)
                .map(|(i, p)| position(p.name.clone(), p.commitment, &actual, &projected, Some(i)))
                .collect();
            let committed = investors
                .iter()
                .filter_map(|p| p.commitment)
                .fold(Nok::ZERO, |s, c| s + c);
            out.push(InvestmentView {
                contract: contract.name.clone(),
                return_cap: format!(
                    "{} %",
                    (investment.waterfall.return_cap * Decimal::ONE_HUNDRED).normalize()
                )
                .replace('.', ","),
                excess_to_nav: investment.waterfall.excess == Excess::ToNav,
                today,
                rows,
                total: position(
                    "Alle investorer".into(),
                    Some(committed),
                    &actual,
                    &projected,
                    None,
                ),
                waterfall_actual: waterfall_rows(&actual, investment.waterfall.excess),
                waterfall_projected: waterfall_rows(&projected, investment.waterfall.excess),
                paid_periods: paid.len(),
                run_rate: investors::run_rate(&paid, RUN_RATE_PERIODS, &[today], 0)
                    .first()
                    .map(|i| i.amount.to_string()),
                progress: self.progress(contract.id).await?,
            });
        }
        Ok(out)
    }

    /// Participants started, and those with at least one of the contract's outcomes achieved,
    /// per cohort (half-year of the index date) and provider, suppressed.
    async fn progress(
        &self,
        contract: effekt_domain::ids::ContractId,
    ) -> Result<Option<ProgressTable>, WebError> {
        let store = &self.state.store;
        let Some(record) = store.register_snapshots().await?.into_iter().next() else {
            return Ok(None);
        };
        let definitions = store.contract_outcomes(contract).await?;
        let snapshot = Snapshot {
            id: record.key.clone(),
            cutoff: record.cutoff,
        };
        let timelines = store
            .participant_timelines(ParticipantScope::Contract(contract), None, record.id)
            .await?;
        let mut providers: Vec<(ProviderId, String)> = Vec::new();
        let mut cohorts: Vec<String> = Vec::new();
        let mut seen: Vec<(String, ProviderId, bool)> = Vec::new();
        for t in &timelines {
            let Some(index) = t.index_date else { continue };
            let cohort = effekt_domain::contract::terms::PeriodLength::HalfYearly
                .period_of(index)
                .label;
            let achieved = t.in_register
                && definitions.iter().any(|d| {
                    evaluate(&d.kind, &t.timeline, index, &snapshot).status
                        == effekt_domain::outcomes::Status::Achieved
                });
            if !providers.iter().any(|(id, _)| *id == t.provider) {
                providers.push((t.provider, t.provider_name.clone()));
            }
            if !cohorts.contains(&cohort) {
                cohorts.push(cohort.clone());
            }
            seen.push((cohort, t.provider, achieved));
        }
        providers.sort_by(|a, b| a.1.cmp(&b.1));
        cohorts.sort();
        // One matrix whose columns partition each cohort's participants (per provider: reached
        // at least one outcome, not yet), so suppression covers every published margin; two
        // separate tables (started, reached) would let a hidden cell be worked out.
        let counts: Vec<Vec<u64>> = cohorts
            .iter()
            .map(|c| {
                providers
                    .iter()
                    .flat_map(|(p, _)| [true, false].map(|reached| (p, reached)))
                    .map(|(p, reached)| {
                        seen.iter()
                            .filter(|(sc, sp, a)| sc == c && sp == p && *a == reached)
                            .count() as u64
                    })
                    .collect()
            })
            .collect();
        let s = suppress(&counts);
        let rows = cohorts
            .iter()
            .zip(&s.cells)
            .zip(&s.row_totals)
            .map(|((c, cells), total)| AggregateRow {
                label: c.clone(),
                cells: cells.iter().map(|x| x.display()).collect(),
                total: total.display(),
            })
            .collect();
        let tables = vec![CountTable {
            title: "Deltakere som har nådd minst ett resultatmål, og som ikke har det ennå".into(),
            rows,
            totals: s.column_totals.iter().map(|x| x.display()).collect(),
            total: s.total.display(),
        }];
        Ok(Some(ProgressTable {
            snapshot: record.key,
            columns: providers.into_iter().map(|(_, n)| n).collect(),
            tables,
        }))
    }
}
