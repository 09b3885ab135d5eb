//! Payment statements in the product (issue 4, §5 and §7): each contract's periods with their
//! statements, a statement with its lines, and the steps computed → verified → approved twice
//! → paid. What a viewer sees of a statement depends on the role:
//!
//! - Nav users and the evaluator see every line, by pseudonym (never a name or national id);
//! - provider staff see only the lines of their own organisation's participants, and their
//!   share of the total;
//! - investors and the facilitator see no line at all: totals per outcome, with the number of
//!   participants suppressed below 5 and the amount hidden with it.
//!
//! Reading lines is audited, one record per person behind the lines shown. The steps are kept
//! as append-only events (who, role, when); the domain's rules decide which step is allowed.

use chrono::Utc;
use effekt_domain::contract::ledger::{CapKind, LineKind};
use effekt_domain::contract::statement::{Event, Stage, Statement, Step, StepError};
use effekt_domain::contract::terms::{ContractTerms, PartyRole};
use effekt_domain::dates::oslo_date;
use effekt_domain::ids::{ContractId, ProviderId};
use effekt_domain::money::Nok;
use effekt_domain::role::Role;
use effekt_domain::suppression::suppress;
use effekt_store::model::{StatementLineRecord, StatementRecord};
use effekt_store::StoreError;

use super::views::{
    ContractStatements, EventView, LineView, OutcomeTotalView, StatementDetail, StatementSummary,
};
use super::{audit, AppState, Viewer};
use crate::ledger::{self, LedgerError};
use crate::WebError;

/// Lines shown on the page; the CSV and XLSX downloads hold them all.
pub const LINES_ON_PAGE: usize = 300;

/// How much of a statement the viewer sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Sight {
    /// Every line, by pseudonym.
    Lines,
    /// Only the lines of this provider's participants.
    OwnShare(ProviderId),
    /// Totals per outcome, suppressed; no lines.
    Totals,
}

/// Statements for everyone in a contract except the administrator.
pub struct StatementAccess {
    pub(super) state: AppState,
    pub(super) viewer: Viewer,
    pub(super) sight: Sight,
}

fn kind_nb(kind: LineKind, adjustment: bool) -> String {
    let base = match kind {
        LineKind::Payment => "Betaling",
        LineKind::Cap(CapKind::Outcome) => "Tak per resultat",
        LineKind::Cap(CapKind::Participant) => "Tak per deltaker",
        LineKind::Cap(CapKind::Period) => "Tak per periode",
        LineKind::Cap(CapKind::Contract) => "Tak for kontrakten",
    };
    if adjustment {
        format!("Justering: {}", base.to_lowercase())
    } else {
        base.to_owned()
    }
}

/// Why a step was refused, in the words of the page.
fn refusal_nb(e: StepError) -> String {
    match e {
        StepError::WrongRole(_) => "Din rolle kan ikke ta dette steget.".into(),
        StepError::NotNext(stage) => format!(
            "Oppgjøret er «{}», så dette steget er ikke det neste.",
            stage.label_nb()
        ),
        StepError::OwnComputation => {
            "Du beregnet dette oppgjøret og kan derfor ikke godkjenne det.".into()
        }
        StepError::OwnVerification => {
            "Du verifiserte dette oppgjøret og kan derfor ikke godkjenne det.".into()
        }
        StepError::SecondApprovalBySameUser => {
            "Du har allerede godkjent. En annen Nav-bruker må gi den andre godkjenningen.".into()
        }
    }
}

fn ledger_error(e: LedgerError) -> WebError {
    let message = match e {
        LedgerError::Store(e) => return e.into(),
        LedgerError::NoTerms(_) => "Kontrakten har ingen vilkår ennå.".to_owned(),
        LedgerError::NoSnapshot => "Det finnes ikke noe registeruttrekk ennå.".to_owned(),
        LedgerError::Period(_) => "Perioden finnes ikke i kontrakten.".to_owned(),
    };
    WebError::BadRequest {
        api: false,
        message,
    }
}

fn conflict_or(e: StoreError) -> WebError {
    match e {
        StoreError::Conflict(m) => {
            tracing::info!(conflict = %m, "statement changed meanwhile");
            WebError::BadRequest {
                api: false,
                message: "Noen andre endret oppgjøret samtidig. Last siden på nytt.".into(),
            }
        }
        e => e.into(),
    }
}

fn summary(s: &StatementRecord, shown_total: Option<Nok>) -> StatementSummary {
    let stage = s.rules().stage();
    let computed = s.events.first();
    StatementSummary {
        id: s.id,
        period: s.period.clone(),
        stage: stage.code().to_owned(),
        stage_label: stage.label_nb().to_owned(),
        total: shown_total.map(|t| t.to_string()),
        computed_by: computed.map(|e| e.user_name.clone()).unwrap_or_default(),
        computed_on: computed.map(|e| oslo_date(e.event.at)),
    }
}

fn line_view(l: &StatementLineRecord) -> LineView {
    LineView {
        participant: l.participant.clone(),
        outcome: l.outcome.clone(),
        date: l.date,
        // A magnitude of 1 is a result reached, not an amount of anything.
        magnitude: l
            .magnitude
            .filter(|m| *m != rust_decimal::Decimal::ONE)
            .map(super::outcomes::number_nb),
        kind: l.kind.code().to_owned(),
        kind_label: kind_nb(l.kind, l.adjustment),
        adjustment: l.adjustment,
        amount: l.amount.to_string(),
        evidence: l.evidence.clone(),
        version: l.version,
    }
}

impl StatementAccess {
    pub(super) fn new(state: AppState, viewer: Viewer, sight: Sight) -> Self {
        Self {
            state,
            viewer,
            sight,
        }
    }

    fn provider(&self) -> Option<ProviderId> {
        match self.sight {
            Sight::OwnShare(p) => Some(p),
            _ => None,
        }
    }

    /// The total this viewer may see of a statement: the whole, or the provider's share.
    /// What each statement's total is for this viewer: the whole, the provider's share, or
    /// `None` for those who see totals only when an outcome's amount is hidden: the total
    /// less the amounts shown would give the hidden amount away, and with a fixed price the
    /// count under 5.
    async fn shown_totals(
        &self,
        statements: &[&StatementRecord],
    ) -> Result<Vec<Option<Nok>>, WebError> {
        if self.sight == Sight::Lines {
            return Ok(statements.iter().map(|s| Some(s.total)).collect());
        }
        // One read of the lines of every statement, split by statement.
        let ids: Vec<i64> = statements.iter().map(|s| s.id).collect();
        let lines = self
            .state
            .store
            .statement_lines(&ids, self.provider())
            .await?;
        Ok(statements
            .iter()
            .map(|s| {
                let mine: Vec<(i64, StatementLineRecord)> = lines
                    .iter()
                    .filter(|(id, _)| *id == s.id)
                    .cloned()
                    .collect();
                match self.sight {
                    Sight::Lines => Some(s.total),
                    Sight::OwnShare(_) => {
                        Some(mine.iter().fold(Nok::ZERO, |sum, (_, l)| sum + l.amount))
                    }
                    Sight::Totals => totals_by_outcome(&mine)
                        .iter()
                        .all(|o| o.amount.is_some())
                        .then_some(s.total),
                }
            })
            .collect())
    }

    /// Not found unless the statement's contract is one the viewer is a party to.
    async fn own_contract(&self, record: &StatementRecord) -> Result<(), WebError> {
        let terms = self.state.store.contract_terms(record.contract).await?;
        match terms {
            Some((_, t)) if self.is_party(&t).await? => Ok(()),
            _ => Err(WebError::NotFound { api: false }),
        }
    }

    /// Whether the viewer's organisation is a party to `terms`: providers and investors see
    /// only their own contracts; Nav and the evaluator see every contract.
    async fn is_party(&self, terms: &ContractTerms) -> Result<bool, WebError> {
        let role = match self.viewer.user.role {
            Role::ProviderStaff | Role::ProviderAdmin => PartyRole::Provider,
            Role::Investor => PartyRole::Investor,
            _ => return Ok(true),
        };
        let own = self
            .state
            .store
            .organisation_number(self.viewer.user.scope)
            .await?;
        Ok(terms
            .parties
            .iter()
            .any(|p| p.role == role && own.as_deref() == Some(p.orgnr.to_string().as_str())))
    }

    /// Every contract with stored terms: its statements (the current one of each period) and
    /// the open period, with whether this viewer may compute it now and why not.
    pub async fn overview(&self) -> Result<Vec<ContractStatements>, WebError> {
        let store = &self.state.store;
        let mut out = Vec::new();
        for contract in store.contracts().await? {
            let Some((_, terms)) = store.contract_terms(contract.id).await? else {
                continue;
            };
            if !self.is_party(&terms).await? {
                continue;
            }
            let all = store.statements(contract.id).await?;
            let current = ledger::current(&all);
            let totals = self.shown_totals(&current).await?;
            let statements = current
                .iter()
                .zip(totals)
                .map(|(s, total)| summary(s, total))
                .collect();
            let today = oslo_date(Utc::now());
            let snapshot = store.register_snapshots().await?.into_iter().next();
            let open = ledger::open_period(&terms, &all);
            let blocker = open.as_ref().and_then(|p| {
                if self.viewer.user.role != Role::NavContractManager {
                    Some("Bare Nav-kontraktsforvalteren beregner oppgjør.".to_owned())
                } else if p.end >= today {
                    Some(format!(
                        "Perioden {} er ikke over ennå (slutter {}).",
                        p.label,
                        p.end.format("%d.%m.%Y")
                    ))
                } else {
                    match &snapshot {
                        None => Some("Det finnes ikke noe registeruttrekk ennå.".to_owned()),
                        Some(s) if s.cutoff < p.end => Some(format!(
                            "Registeruttrekket {} går bare til {}; det må dekke hele perioden.",
                            s.key,
                            s.cutoff.format("%d.%m.%Y")
                        )),
                        Some(_) => None,
                    }
                }
            });
            out.push(ContractStatements {
                contract_id: contract.id.0,
                contract: contract.name,
                periods: terms.periods.code().to_owned(),
                open_period: open.as_ref().map(|p| p.label.clone()),
                can_compute: open.is_some() && blocker.is_none(),
                compute_blocked_because: blocker,
                statements,
            });
        }
        Ok(out)
    }

    /// Computes the open period of `contract` (Nav contract manager only) and stores it,
    /// withdrawing a draft of the same period. Returns the new statement's id.
    pub async fn compute(&self, contract: ContractId, period: &str) -> Result<i64, WebError> {
        let bad = |message: String| WebError::BadRequest {
            api: false,
            message,
        };
        let now = Utc::now();
        let store = &self.state.store;
        let pricing = ledger::price(store.as_ref(), &self.state.pseudonyms, contract)
            .await
            .map_err(ledger_error)?;
        let wanted = pricing.period(period).map_err(ledger_error)?;
        let all = store.statements(contract).await?;
        let open = pricing.open_period(&all);
        if open.as_ref() != Some(&wanted) {
            return Err(bad(match open {
                Some(o) => format!(
                    "Bare den første åpne perioden ({}) kan beregnes; {} er {}.",
                    o.label,
                    wanted.label,
                    if o.start > wanted.start {
                        "allerede godkjent"
                    } else {
                        "ikke åpen ennå"
                    }
                ),
                None => "Alle periodene i kontrakten er godkjent.".into(),
            }));
        }
        if wanted.end >= oslo_date(now) {
            return Err(bad(format!("Perioden {} er ikke over ennå.", wanted.label)));
        }
        if pricing.snapshot.cutoff < wanted.end {
            return Err(bad(format!(
                "Registeruttrekket {} dekker ikke hele {}.",
                pricing.snapshot.key, wanted.label
            )));
        }
        let computed = Statement::compute(
            &wanted.label,
            Nok::ZERO,
            self.viewer.user.id,
            self.viewer.user.role,
            now,
        )
        .map_err(|e| bad(refusal_nb(e)))?;
        let booked = ledger::booked_lines(store.as_ref(), &all).await?;
        let replaces = ledger::current(&all)
            .into_iter()
            .find(|s| s.period == wanted.label)
            .map(|s| (s.id, s.events.len()));
        let new = pricing.statement(&wanted, &booked, computed.events[0]);
        let id = store
            .add_statement(&new, replaces)
            .await
            .map_err(conflict_or)?;
        tracing::info!(statement = id, contract = contract.0, period = %wanted.label,
            user = %self.viewer.user.username, "statement computed");
        Ok(id)
    }

    /// Takes `step` on the statement as this viewer, or says why not (nothing changes then).
    pub async fn take(&self, id: i64, step: Step) -> Result<Stage, WebError> {
        let store = &self.state.store;
        let Some(record) = store.statement(id).await? else {
            return Err(WebError::NotFound { api: false });
        };
        if matches!(step, Step::Verify | Step::Approve) && self.is_stale(&record).await? {
            return Err(WebError::BadRequest {
                api: false,
                message:
                    "Vilkårene eller registeruttrekket er endret siden oppgjøret ble beregnet. \
                          Kontraktsforvalteren må beregne det på nytt."
                        .into(),
            });
        }
        let mut rules = record.rules();
        let before = rules.events.len();
        let now = Utc::now();
        let stage = rules
            .take(step, self.viewer.user.id, self.viewer.user.role, now)
            .map_err(|e| WebError::BadRequest {
                api: false,
                message: refusal_nb(e),
            })?;
        let event = Event {
            step,
            by: self.viewer.user.id,
            role: self.viewer.user.role,
            at: now,
        };
        store
            .add_statement_event(id, before, &event)
            .await
            .map_err(conflict_or)?;
        tracing::info!(statement = id, step = step.code(), user = %self.viewer.user.username,
            "statement step taken");
        Ok(stage)
    }

    /// Whether the statement's lines differ from what the terms in force and the newest
    /// snapshot give now: then it must be computed again before anyone vouches for it.
    async fn is_stale(&self, record: &StatementRecord) -> Result<bool, WebError> {
        let store = &self.state.store;
        let pricing = ledger::price(store.as_ref(), &self.state.pseudonyms, record.contract)
            .await
            .map_err(ledger_error)?;
        let period = pricing.period(&record.period).map_err(ledger_error)?;
        let all = store.statements(record.contract).await?;
        let open = pricing.open_period(&all).as_ref() == Some(&period);
        let booked = ledger::booked_lines(store.as_ref(), &all).await?;
        let now = pricing.draft(&period, open, &booked);
        let stored: Vec<StatementLineRecord> = store
            .statement_lines(&[record.id], None)
            .await?
            .into_iter()
            .map(|(_, l)| l)
            .collect();
        Ok(now != stored)
    }

    /// The statement as this viewer may see it; reading lines is audited. `all_lines` gives
    /// every line (for downloads) instead of the first [`LINES_ON_PAGE`].
    pub async fn detail(&self, id: i64, all_lines: bool) -> Result<StatementDetail, WebError> {
        let store = &self.state.store;
        let Some(record) = store.statement(id).await? else {
            return Err(WebError::NotFound { api: false });
        };
        let contract = store
            .contracts()
            .await?
            .into_iter()
            .find(|c| c.id == record.contract)
            .map(|c| c.name)
            .unwrap_or_default();
        self.own_contract(&record).await?;
        let rules = record.rules();
        let stage = rules.stage();
        let actions = self.actions(&rules);
        let lines = store.statement_lines(&[id], self.provider()).await?;
        let shown_total = lines.iter().fold(Nok::ZERO, |s, (_, l)| s + l.amount);
        let (line_views, line_count, by_outcome) = match self.sight {
            Sight::Totals => (Vec::new(), 0, totals_by_outcome(&lines)),
            Sight::Lines | Sight::OwnShare(_) => {
                let take = if all_lines {
                    lines.len()
                } else {
                    LINES_ON_PAGE
                };
                let shown: Vec<&StatementLineRecord> =
                    lines.iter().map(|(_, l)| l).take(take).collect();
                let mut people: Vec<_> = shown.iter().filter_map(|l| l.person).collect();
                people.sort_unstable_by_key(|p| p.0);
                people.dedup();
                audit::permit(&self.state, &self.viewer, people, "statement.lines").await?;
                (
                    shown.into_iter().map(line_view).collect(),
                    lines.len(),
                    Vec::new(),
                )
            }
        };
        Ok(StatementDetail {
            summary: summary(
                &record,
                match self.sight {
                    Sight::Lines => Some(record.total),
                    Sight::OwnShare(_) => Some(shown_total),
                    Sight::Totals => by_outcome
                        .iter()
                        .all(|o| o.amount.is_some())
                        .then_some(record.total),
                },
            ),
            contract,
            versions: record.versions.clone(),
            snapshot: record.snapshot.clone(),
            own_share_only: self.provider().is_some(),
            events: record
                .events
                .iter()
                .map(|e| EventView {
                    step: e.event.step.code().to_owned(),
                    step_label: e.event.step.label_nb().to_owned(),
                    by: e.user_name.clone(),
                    role_label: e.event.role.label_nb().to_owned(),
                    at: e.event.at,
                })
                .collect(),
            actions,
            lines: line_views,
            line_count,
            by_outcome,
            booked: stage.is_booked(),
        })
    }

    /// Every line this viewer may see, for a download; audited like the page. Those who see
    /// totals only are refused.
    pub async fn lines(
        &self,
        id: i64,
    ) -> Result<(StatementRecord, Vec<StatementLineRecord>), WebError> {
        if self.sight == Sight::Totals {
            return Err(WebError::Forbidden { api: false });
        }
        let store = &self.state.store;
        let Some(record) = store.statement(id).await? else {
            return Err(WebError::NotFound { api: false });
        };
        self.own_contract(&record).await?;
        let lines: Vec<StatementLineRecord> = store
            .statement_lines(&[id], self.provider())
            .await?
            .into_iter()
            .map(|(_, l)| l)
            .collect();
        let mut people: Vec<_> = lines.iter().filter_map(|l| l.person).collect();
        people.sort_unstable_by_key(|p| p.0);
        people.dedup();
        audit::permit(&self.state, &self.viewer, people, "statement.lines").await?;
        Ok((record, lines))
    }

    /// The steps this viewer could take now (the rules decide again when one is taken).
    fn actions(&self, rules: &Statement) -> Vec<String> {
        [Step::Verify, Step::Approve, Step::Pay]
            .into_iter()
            .filter(|step| {
                let mut trial = rules.clone();
                trial
                    .take(
                        *step,
                        self.viewer.user.id,
                        self.viewer.user.role,
                        Utc::now(),
                    )
                    .is_ok()
            })
            .map(|s| s.code().to_owned())
            .collect()
    }
}

/// Per outcome: participants with a line (suppressed below 5, and secondarily) and the net
/// amount, shown only where the count is.
fn totals_by_outcome(lines: &[(i64, StatementLineRecord)]) -> Vec<OutcomeTotalView> {
    let mut outcomes: Vec<(String, Vec<&str>, Nok)> = Vec::new();
    for (_, l) in lines {
        let i = match outcomes.iter().position(|o| o.0 == l.outcome) {
            Some(i) => i,
            None => {
                outcomes.push((l.outcome.clone(), Vec::new(), Nok::ZERO));
                outcomes.len() - 1
            }
        };
        if let Some(o) = outcomes.get_mut(i) {
            if !o.1.contains(&l.participant.as_str()) {
                o.1.push(l.participant.as_str());
            }
            o.2 = o.2 + l.amount;
        }
    }
    let counts: Vec<Vec<u64>> = outcomes.iter().map(|o| vec![o.1.len() as u64]).collect();
    let s = suppress(&counts);
    outcomes
        .iter()
        .zip(&s.cells)
        .map(|((name, _, amount), cells)| {
            let cell = cells.first().copied();
            OutcomeTotalView {
                outcome: name.clone(),
                participants: cell.map(|c| c.display()).unwrap_or_default(),
                amount: cell.filter(|c| c.is_shown()).map(|_| amount.to_string()),
            }
        })
        .collect()
}
