//! A person's home: the tasks waiting for them, gathered from the capabilities they hold
//! (statements: steps to take and periods to compute; contracts: amendments to decide; the
//! import log: failed imports to run again), each
//! derived by the rules in `effekt_domain::tasks` that the pages behind them enforce. A
//! capability the role lacks adds nothing; no task names a participant.
//!
//! What the tasks are worked out from (every contract's terms, versions and statements, the
//! newest register snapshot and the newest import attempt of each kind and scope) is read once per store and workflow generation and shared by every
//! home; a request then reads only the two generations and the viewer's organisation.

use std::sync::Arc;

use effekt_domain::contract::amendment::{self, PartyDecision, VersionState};
use effekt_domain::contract::periods::{self, Cover};
use effekt_domain::contract::terms::ContractTerms;
use effekt_domain::dates::date_nb;
use effekt_domain::imports::ImportRun;
use effekt_domain::orgnr::OrgNr;
use effekt_domain::tasks::{self, Due, TaskKind};
use effekt_store::model::{
    ContractRow, ContractVersionRecord, Generations, SnapshotRecord, StatementRecord,
};

use super::contracts::{in_force_before, retroactive_in};
use super::{ContractAccess, StatementAccess};
use crate::views::{HomeView, TaskView};
use crate::{policy, App, AppError, Viewer};

/// One contract as its tasks see it.
pub(crate) struct ContractWork {
    pub(crate) row: ContractRow,
    /// The newest terms in force.
    pub(crate) terms: ContractTerms,
    pub(crate) versions: Vec<ContractVersionRecord>,
    pub(crate) statements: Vec<StatementRecord>,
}

/// Every contract with terms, the newest register snapshot and the recent import attempts:
/// the inputs of every home.
pub(crate) struct Workflow {
    snapshot: Option<SnapshotRecord>,
    contracts: Vec<ContractWork>,
    /// Contracts without terms yet (a contract file for them can still be imported).
    awaiting_terms: Vec<ContractRow>,
    /// The newest import attempt of each kind and scope.
    imports: Vec<ImportRun>,
}

impl Workflow {
    pub(crate) fn imports(&self) -> &[ImportRun] {
        &self.imports
    }

    pub(crate) fn contracts(&self) -> &[ContractWork] {
        &self.contracts
    }

    pub(crate) fn snapshot(&self) -> Option<&SnapshotRecord> {
        self.snapshot.as_ref()
    }

    /// Whether contract `id` exists and has no terms yet.
    pub(crate) fn awaits_terms(&self, id: i64) -> bool {
        self.awaiting_terms.iter().any(|c| c.id.0 == id)
    }

    /// The name of contract `id`, with or without terms.
    pub(crate) fn contract_name(&self, id: i64) -> Option<&str> {
        self.contracts
            .iter()
            .map(|c| &c.row)
            .chain(&self.awaiting_terms)
            .find(|c| c.id.0 == id)
            .map(|c| c.name.as_str())
    }
}

impl App {
    /// The homes' inputs under the current generations, read from the store once per change.
    pub(crate) async fn workflow(&self) -> Result<(Arc<Workflow>, Generations), AppError> {
        let generations = self.store.generations().await?;
        let store = &self.store;
        let work = self
            .cache
            .workflow
            .get_or_compute((), generations, || async {
                let snapshot = store.register_snapshots().await?.into_iter().next();
                let mut contracts = Vec::new();
                let mut awaiting_terms = Vec::new();
                for row in store.contracts().await? {
                    let Some((_, terms)) = store.contract_terms(row.id).await? else {
                        awaiting_terms.push(row);
                        continue;
                    };
                    contracts.push(ContractWork {
                        versions: store.contract_versions(row.id).await?,
                        statements: store.statements(row.id).await?,
                        row,
                        terms,
                    });
                }
                let imports = store.latest_import_runs().await?;
                Ok::<_, AppError>(Workflow {
                    snapshot,
                    contracts,
                    awaiting_terms,
                    imports,
                })
            })
            .await?;
        Ok((work, generations))
    }
}

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
    /// compute, in every contract whose statements they read (`own`: the viewer's
    /// organisation).
    fn tasks(&self, work: &Workflow, own: Option<OrgNr>) -> Vec<(Option<Due>, TaskView)> {
        let (user, role) = (self.viewer.user.id, self.viewer.user.role);
        let (now, today) = (self.app.now(), self.app.today());
        let deadlines = self.app.deadlines();
        let mut out = Vec::new();
        for c in &work.contracts {
            if !policy::reads_contract(role, own, &c.terms) {
                continue;
            }
            let name = &c.row.name;
            for s in periods::current(&c.statements) {
                let rules = s.rules();
                let Some(kind) = tasks::statement_task(&rules, user, role, now) else {
                    continue;
                };
                let due = match kind {
                    TaskKind::PayStatement => tasks::payment_due(&rules, deadlines, today),
                    _ => None,
                };
                let href = format!("/utbetalinger/{}", s.id);
                let subject = periods::words_nb(&s.period);
                out.push((due, task(kind, name, subject, href, due)));
            }
            let cover = work.snapshot.as_ref().map(|s| Cover {
                key: &s.key,
                cutoff: s.cutoff,
            });
            if let Some((period, due, kind)) = tasks::compute_task(
                &c.terms,
                &c.statements,
                cover,
                deadlines,
                today,
                user,
                role,
                now,
            ) {
                let subject = periods::words_nb(&period.label);
                let href = "/utbetalinger".to_owned();
                let compute = task(kind, name, subject, href, Some(due));
                out.push((Some(due), compute));
            }
        }
        out
    }
}

impl ContractAccess {
    /// Proposed amendments waiting for the answer of the party this viewer acts for.
    fn tasks(&self, work: &Workflow, own: Option<OrgNr>) -> Vec<(Option<Due>, TaskView)> {
        let mut out = Vec::new();
        for c in &work.contracts {
            let Some(party) = policy::acts_for(self.viewer.user.role, own, &c.terms) else {
                continue;
            };
            let Some(p) = c
                .versions
                .iter()
                .find(|v| v.state == VersionState::Proposed)
            else {
                continue;
            };
            // Who must answer, as the contract page works it out.
            let base = in_force_before(&c.versions, p.version).map_or(&c.terms, |b| &b.terms);
            let effective = p.effective_from.unwrap_or(p.terms.starts);
            let retroactive = retroactive_in(base, &c.statements, effective);
            let required = amendment::required(base, retroactive);
            let decisions: Vec<PartyDecision> = p.decisions.iter().map(|d| d.0).collect();
            if tasks::amendment_task(&required, &decisions, p.state, party) {
                let subject = format!("versjon {}, gjelder fra {}", p.version, date_nb(effective));
                let href = format!("/kontrakter/{}", c.row.id.0);
                let decide = task(TaskKind::DecideAmendment, &c.row.name, subject, href, None);
                out.push((None, decide));
            }
        }
        out
    }
}

impl Viewer {
    /// What waits for this viewer: overdue first, then by deadline, then the rest as found.
    pub async fn waiting(&self, app: &App) -> Result<HomeView, AppError> {
        self.check(crate::policy::Grant::Home)?;
        let statements = optional(self.statements(app))?;
        let contracts = optional(self.contracts(app))?;
        let imports = optional(self.imports(app))?;
        let admin = optional(self.administration(app))?;
        let participants = optional(self.participants(app, None).await)?;
        let mut found = Vec::new();
        let mut figures = Vec::new();
        if statements.is_some() || contracts.is_some() || imports.is_some() || admin.is_some() {
            let (work, generations) = app.workflow().await?;
            let own = self.organisation(app).await?;
            if let Some(access) = statements {
                found.extend(access.tasks(&work, own));
                // The same for every viewer of this kind: worked out once per generation.
                let key = format!("{}:{own:?}:{:?}", self.user.role.code(), access.sight);
                let groups = app
                    .cache
                    .figures
                    .get_or_compute(key, generations, || access.figures(&work, own))
                    .await?;
                figures.extend(groups.iter().cloned());
            }
            if let Some(access) = admin {
                figures.push(access.figures(&work).await?);
            }
            if let Some(access) = contracts {
                found.extend(access.tasks(&work, own));
            }
            if let Some(access) = imports {
                found.extend(access.tasks(&work).into_iter().map(|t| (None, t)));
            }
        }
        // About participants: after the contract's work, as found.
        if let Some(access) = participants {
            found.extend(access.referral_tasks().await?);
            found.extend(access.draft_tasks().await?);
            found.extend(access.week_tasks().await?);
            found.extend(access.tasks().await?.into_iter().map(|t| (None, t)));
        }
        // Overdue first, then by deadline, then those without one.
        found.sort_by_key(|(due, t)| (!t.overdue, due.is_none(), due.map(|d| d.by)));
        Ok(HomeView {
            tasks: found.into_iter().map(|(_, t)| t).collect(),
            figures,
        })
    }
}

/// A capability the role lacks is no error here: it adds no tasks.
fn optional<T>(access: Result<T, AppError>) -> Result<Option<T>, AppError> {
    match access {
        Ok(a) => Ok(Some(a)),
        Err(AppError::Forbidden) => Ok(None),
        Err(e) => Err(e),
    }
}
