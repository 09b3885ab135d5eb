//! The investors' page (issue 4, §6): commitments, capital drawn, outcome income through the
//! waterfall, XIRR and money multiple actual (to today) and projected (to the contract's end at
//! the recent run rate), and outcome progress per cohort and provider with small cells
//! suppressed. Investors see their own position and the totals; the Nav contract manager and
//! the facilitator see every investor. No personal data: counts only. The figures are the
//! domain's (`contract::investors::outlook`); this decides who sees which and formats them.

use effekt_domain::contract::investors::{self, Figures, Report};
use effekt_domain::contract::returns::Excess;
use effekt_domain::contract::terms::{PartyRole, PeriodLength};
use effekt_domain::ids::ProviderId;
use effekt_domain::money::Nok;
use effekt_domain::orgnr::OrgNr;
use effekt_domain::outcomes::Status;
use effekt_domain::role::Role;
use effekt_domain::suppression::{suppress, Cell};
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;

use super::outcomes::JudgedParticipant;
use super::publication::total_publishable;
use crate::policy;
use crate::views::{AggregateRow, CountTable, InvestmentView, PositionView, ProgressTable};
use crate::{App, AppError, Viewer};
use effekt_domain::contract::periods;
use effekt_store::model::{OutcomeTotal, StatementRecord};

/// Paid periods the run rate averages over.
const RUN_RATE_PERIODS: usize = 4;
/// Days from a period's end to its payment, as in the demo's history.
const PAY_AFTER_DAYS: u64 = 25;

pub struct InvestmentAccess {
    app: App,
    viewer: Viewer,
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

fn position(
    name: String,
    committed: Option<Nok>,
    actual: &Report,
    projected: &Report,
    investor: Option<usize>,
) -> PositionView {
    let (a, p): (Option<Figures>, Option<Figures>) =
        (actual.figures(investor), projected.figures(investor));
    PositionView {
        investor: name,
        committed: committed.map(|c| c.to_string()),
        drawn: a.map(|x| x.drawn.to_string()).unwrap_or_default(),
        received: a.map(|x| x.received.to_string()).unwrap_or_default(),
        xirr_actual: percent(a.and_then(|x| x.xirr)),
        multiple_actual: multiple(a.and_then(|x| x.multiple)),
        drawn_projected: p.map(|x| x.drawn.to_string()).unwrap_or_default(),
        received_projected: p.map(|x| x.received.to_string()).unwrap_or_default(),
        xirr_projected: percent(p.and_then(|x| x.xirr)),
        multiple_projected: multiple(p.and_then(|x| x.multiple)),
    }
}

/// The waterfall; none of it when `all` is false: every line is a sum over the investors
/// (the income too, which goes to them until the cap) that, less the viewer's own, would give
/// the one co-investor away.
fn waterfall_rows(r: &Report, excess: Excess, all: bool) -> Vec<(String, String)> {
    if !all {
        return Vec::new();
    }
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
    pub(crate) fn new(app: App, viewer: Viewer) -> Self {
        Self { app, viewer }
    }

    /// The paid statements whose totals this viewer may see, and the periods withheld. Nav
    /// sees every total; investors and the facilitator only those the statements pages
    /// publish to them (`statements::total_publishable`), so that no income figure here,
    /// alone or less another, gives away an amount hidden there.
    async fn published<'a>(
        &self,
        statements: &'a [StatementRecord],
    ) -> Result<(Vec<&'a StatementRecord>, Vec<String>), AppError> {
        let current = periods::current(statements);
        if self.viewer.user.role == Role::NavContractManager {
            return Ok((current, Vec::new()));
        }
        let ids: Vec<i64> = current.iter().map(|s| s.id).collect();
        let totals = self.app.store.statement_outcome_totals(&ids, None).await?;
        let (mut shown, mut withheld) = (Vec::new(), Vec::new());
        for s in current {
            let mine: Vec<&OutcomeTotal> = totals.iter().filter(|t| t.statement == s.id).collect();
            if total_publishable(&mine) {
                shown.push(s);
            } else if s.rules().stage() == effekt_domain::contract::statement::Stage::Paid {
                withheld.push(s.period.clone());
            }
        }
        Ok((shown, withheld))
    }

    /// Every contract with investment terms, as this viewer may see it.
    pub async fn overview(&self) -> Result<Vec<InvestmentView>, AppError> {
        let store = &self.app.store;
        let role = self.viewer.user.role;
        let own: Option<OrgNr> = self.viewer.organisation(&self.app).await?;
        let today = self.app.today();
        let mut out = Vec::new();
        for contract in store.contracts().await? {
            let Some((_, terms)) = store.contract_terms(contract.id).await? else {
                continue;
            };
            let Some(investment) = terms.investment.clone() else {
                continue;
            };
            if !policy::reads_contract(role, own, &terms) {
                continue;
            }
            let investors: Vec<_> = terms
                .parties
                .iter()
                .filter(|p| p.role == PartyRole::Investor)
                .collect();
            let orgs: Vec<OrgNr> = investors.iter().map(|p| p.orgnr).collect();
            let statements = store.statements(contract.id).await?;
            let (published, withheld) = self.published(&statements).await?;
            let o = investors::outlook(
                &terms,
                &investment,
                &orgs,
                &published,
                &statements,
                today,
                RUN_RATE_PERIODS,
                PAY_AFTER_DAYS,
            )?;
            // An investor sees its own row, never a co-investor's; nor a total that, less its
            // own row, would be the one other investor's position.
            let rows = investors
                .iter()
                .enumerate()
                .filter(|(_, p)| role != Role::Investor || Some(p.orgnr) == own)
                .map(|(i, p)| {
                    position(
                        p.name.clone(),
                        p.commitment,
                        &o.actual,
                        &o.projected,
                        Some(i),
                    )
                })
                .collect();
            let aggregates = role != Role::Investor || investors.len() != 2;
            let charts = path_charts(
                (contract.id.0, &investors),
                role,
                own,
                aggregates,
                &o.projected,
                today,
            )?;
            let committed = investors
                .iter()
                .filter_map(|p| p.commitment)
                .try_fold(Nok::ZERO, |s, c| s.plus(c))?;
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
                total: aggregates.then(|| {
                    position(
                        "Alle investorer".into(),
                        Some(committed),
                        &o.actual,
                        &o.projected,
                        None,
                    )
                }),
                waterfall_actual: waterfall_rows(
                    &o.actual,
                    investment.waterfall.excess,
                    aggregates,
                ),
                waterfall_projected: waterfall_rows(
                    &o.projected,
                    investment.waterfall.excess,
                    aggregates,
                ),
                withheld_periods: withheld,
                paid_periods: o.paid.len(),
                run_rate: o.run_rate.filter(|_| aggregates).map(|r| r.to_string()),
                progress: self
                    .app
                    .judged(contract.id)
                    .await?
                    .map(|j| j.progress.clone()),
                charts,
            });
        }
        Ok(out)
    }
}

/// The charts of the one position this viewer sees whole: an investor's own, else all
/// investors' together (never a total an investor could subtract its own row from).
fn path_charts(
    (contract, investors): (i64, &[&effekt_domain::contract::terms::Party]),
    role: Role,
    own: Option<OrgNr>,
    aggregates: bool,
    projected: &Report,
    today: chrono::NaiveDate,
) -> Result<Vec<crate::views::ChartView>, AppError> {
    let (who, flows): (String, Vec<_>) = if role == Role::Investor {
        let Some(i) = investors.iter().position(|p| Some(p.orgnr) == own) else {
            return Ok(Vec::new());
        };
        let flows = projected.positions.get(i).map(|p| p.flows.clone());
        let name = investors.get(i).map(|p| p.name.clone()).unwrap_or_default();
        (name, flows.unwrap_or_default())
    } else if aggregates {
        let flows = projected
            .positions
            .iter()
            .flat_map(|p| p.flows.iter().copied());
        ("alle investorer".to_owned(), flows.collect())
    } else {
        return Ok(Vec::new());
    };
    Ok(crate::charts::investor_path(contract, &who, &flows, today)?)
}

/// Participants started, and those with at least one of the contract's outcomes achieved,
/// per cohort (half-year of the index date) and provider, suppressed.
pub(crate) fn progress(
    contract: i64,
    snapshot: &str,
    providers: &[(ProviderId, String)],
    participants: &[JudgedParticipant],
) -> ProgressTable {
    let cohort_of = |d| PeriodLength::HalfYearly.period_of(d).label;
    let mut cohorts: Vec<String> = participants
        .iter()
        .map(|p| cohort_of(p.index_date))
        .collect();
    cohorts.sort();
    cohorts.dedup();
    // One matrix whose columns partition each cohort's participants (per provider: reached
    // at least one outcome, not yet), so suppression covers every published margin; two
    // separate tables (started, reached) would let a hidden cell be worked out.
    let mut counts = vec![vec![0u64; providers.len() * 2]; cohorts.len()];
    for p in participants {
        let row = cohorts.binary_search(&cohort_of(p.index_date)).ok();
        let column = providers
            .iter()
            .position(|(id, _)| *id == p.provider)
            .map(|i| 2 * i + usize::from(!p.statuses.contains(&Some(Status::Achieved))));
        if let Some(cell) = row
            .zip(column)
            .and_then(|(r, c)| counts.get_mut(r).and_then(|cells| cells.get_mut(c)))
        {
            *cell += 1;
        }
    }
    let s = suppress(&counts);
    let names: Vec<String> = providers.iter().map(|(_, n)| n.clone()).collect();
    let reached: Vec<Vec<Cell>> = s
        .cells
        .iter()
        .map(|row| row.iter().step_by(2).copied().collect())
        .collect();
    let chart = crate::charts::progress(contract, &cohorts, &names, &reached);
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
    ProgressTable {
        snapshot: snapshot.to_owned(),
        columns: names,
        chart,
        tables: vec![CountTable {
            title: "Deltakere som har nådd minst ett resultatmål, og som ikke har det ennå".into(),
            rows,
            totals: s.column_totals.iter().map(|x| x.display()).collect(),
            total: s.total.display(),
        }],
    }
}
