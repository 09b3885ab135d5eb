//! A person's home: the tasks waiting for them, gathered from the capabilities they hold
//! (statements: steps to take and periods to compute; contracts: amendments to decide), each
//! derived by the rules in `effekt_domain::tasks` that the pages behind them enforce. A
//! capability the role lacks adds nothing; no task names a participant.

use effekt_domain::contract::amendment::{self, PartyDecision, VersionState};
use effekt_domain::contract::periods::{self, Cover};
use effekt_domain::dates::date_nb;
use effekt_domain::tasks::{self, Due, TaskKind};

use super::{ContractAccess, StatementAccess};
use crate::views::{HomeView, TaskView};
use crate::{policy, App, AppError, Viewer};

fn task(
    kind: TaskKind,
    contract: &str,
    subject: String,
    href: String,
    due: Option<Due>,
) -> TaskView {
    TaskView {
        kind: kind.code().to_owned(),
        label: kind.label_nb().to_owned(),
        contract: contract.to_owned(),
        subject,
        href,
        due: due.map(|d| date_nb(d.by)),
        overdue: due.is_some_and(|d| d.overdue),
    }
}

impl StatementAccess {
    /// Statements waiting for this viewer's step, and the open period when it is theirs to
    /// compute, in every contract whose statements they read.
    pub async fn tasks(&self) -> Result<Vec<(Option<Due>, TaskView)>, AppError> {
        let store = &self.app.store;
        let snapshot = store.register_snapshots().await?.into_iter().next();
        let (user, role) = (self.viewer.user.id, self.viewer.user.role);
        let (now, today) = (self.app.now(), self.app.today());
        let deadlines = self.app.deadlines();
        let mut out = Vec::new();
        for (contract, terms) in self.readable_contracts().await? {
            let all = store.statements(contract.id).await?;
            for s in periods::current(&all) {
                let rules = s.rules();
                let Some(kind) = tasks::statement_task(&rules, user, role, now) else {
                    continue;
                };
                let due = match kind {
                    TaskKind::PayStatement => tasks::payment_due(&rules, deadlines, today),
                    _ => None,
                };
                out.push((
                    due,
                    task(
                        kind,
                        &contract.name,
                        periods::words_nb(&s.period),
                        format!("/utbetalinger/{}", s.id),
                        due,
                    ),
                ));
            }
            let cover = snapshot.as_ref().map(|s| Cover {
                key: &s.key,
                cutoff: s.cutoff,
            });
            if let Some((period, due)) =
                tasks::compute_task(&terms, &all, cover, deadlines, today, user, role, now)
            {
                out.push((
                    Some(due),
                    task(
                        TaskKind::ComputePeriod,
                        &contract.name,
                        periods::words_nb(&period.label),
                        "/utbetalinger".to_owned(),
                        Some(due),
                    ),
                ));
            }
        }
        Ok(out)
    }
}

impl ContractAccess {
    /// Proposed amendments waiting for the answer of the party this viewer acts for.
    pub async fn tasks(&self) -> Result<Vec<(Option<Due>, TaskView)>, AppError> {
        let store = &self.app.store;
        let own = self.viewer.organisation(&self.app).await?;
        let mut out = Vec::new();
        for contract in store.contracts().await? {
            let Some((_, terms)) = store.contract_terms(contract.id).await? else {
                continue;
            };
            let Some(party) = policy::acts_for(self.viewer.user.role, own, &terms) else {
                continue;
            };
            let versions = store.contract_versions(contract.id).await?;
            let Some(p) = versions.iter().find(|v| v.state == VersionState::Proposed) else {
                continue;
            };
            // Who must answer, as the contract page works it out.
            let base = super::contracts::in_force_before(&versions, p.version)
                .map_or(&terms, |b| &b.terms);
            let effective = p.effective_from.unwrap_or(p.terms.starts);
            let retroactive = self.retroactive(contract.id, base, effective).await?;
            let required = amendment::required(base, retroactive);
            let decisions: Vec<PartyDecision> = p.decisions.iter().map(|d| d.0).collect();
            if tasks::amendment_task(&required, &decisions, p.state, party) {
                out.push((
                    None,
                    task(
                        TaskKind::DecideAmendment,
                        &contract.name,
                        format!("versjon {}, gjelder fra {}", p.version, date_nb(effective)),
                        format!("/kontrakter/{}", contract.id.0),
                        None,
                    ),
                ));
            }
        }
        Ok(out)
    }
}

impl Viewer {
    /// What waits for this viewer: overdue first, then by deadline, then the rest as found.
    pub async fn waiting(&self, app: &App) -> Result<HomeView, AppError> {
        self.check(crate::policy::Grant::Home)?;
        let mut found = Vec::new();
        match self.statements(app) {
            Ok(access) => found.extend(access.tasks().await?),
            Err(AppError::Forbidden) => {}
            Err(e) => return Err(e),
        }
        match self.contracts(app) {
            Ok(access) => found.extend(access.tasks().await?),
            Err(AppError::Forbidden) => {}
            Err(e) => return Err(e),
        }
        // Overdue first, then by deadline, then those without one.
        found.sort_by_key(|(due, t)| (!t.overdue, due.is_none(), due.map(|d| d.by)));
        Ok(HomeView {
            tasks: found.into_iter().map(|(_, t)| t).collect(),
        })
    }
}
