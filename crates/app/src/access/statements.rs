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

mod files;

use effekt_domain::contract::ledger::Period;
use effekt_domain::contract::periods::{self, ComputeRefusal, Cover};
use effekt_domain::contract::statement::{Event, Stage, Statement, Step};
use effekt_domain::contract::terms::ContractTerms;
use effekt_domain::ids::{ContractId, ProviderId};
use effekt_domain::money::Nok;
use effekt_store::model::{
    LinesHead, OutcomeTotal, SnapshotRecord, StatementLineRecord, StatementRecord,
};

use super::publication::{total_publishable, totals_by_outcome};
use super::statement_words::*;
use crate::audit::{self, Purpose};
use crate::ledger::{self, LedgerError};
use crate::policy;
use crate::views::{ContractStatements, EventView, StatementDetail};
use crate::{App, AppError, Viewer};

/// The file formats of a statement's lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileFormat {
    /// For Norwegian Excel: semicolons, BOM, Norwegian headers and numbers.
    Csv,
    /// For programs: commas, English headers and codes, ISO dates (`effekt ledger compute`'s).
    MachineCsv,
    Xlsx,
}

/// A step's form as typed: for paying, the day paid (dd.mm.åååå) and the finance system's
/// reference; for verifying, an optional comment.
#[derive(Debug, Clone, Default)]
pub struct PaymentInput {
    pub paid_on: String,
    pub reference: String,
    /// The evaluator's comment on verifying (optional).
    pub comment: String,
}

/// A statement's lines as a file.
pub struct StatementFile {
    pub name: String,
    pub bytes: Vec<u8>,
}

/// A period's lines for the command line, and what they are.
pub struct PeriodLines {
    pub period: Period,
    pub lines: Vec<StatementLineRecord>,
    /// The register snapshot they were priced from.
    pub snapshot: String,
    /// Approved, open or preview, with the contract versions, in words.
    pub what: String,
}

/// Lines shown on the page; the CSV and XLSX downloads hold them all.
pub const LINES_ON_PAGE: usize = 300;

/// How much of a statement the viewer sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sight {
    /// Every line, by pseudonym.
    Lines,
    /// Only the lines of this provider's participants.
    OwnShare(ProviderId),
    /// Totals per outcome, suppressed; no lines.
    Totals,
}

/// Statements for everyone in a contract except the administrator.
pub struct StatementAccess {
    pub(super) app: App,
    pub(super) viewer: Viewer,
    pub(super) sight: Sight,
}

impl StatementAccess {
    pub(crate) fn new(app: App, viewer: Viewer, sight: Sight) -> Self {
        Self { app, viewer, sight }
    }

    /// Lines as this viewer reads them: pseudonyms in their readable form for everyone, and
    /// for the evaluator every register id in the evidence pseudonymised too, so that no line
    /// can be looked up in a register extract. Display only: stored lines keep their keys.
    fn present(
        &self,
        contract: ContractId,
        snapshot: &str,
        mut lines: Vec<StatementLineRecord>,
    ) -> Result<Vec<StatementLineRecord>, AppError> {
        let evaluator = self.viewer.user.role == effekt_domain::role::Role::Evaluator;
        let key = if evaluator {
            Some(
                self.app
                    .pseudonyms()
                    .map_err(|e| AppError::internal("pseudonyms", e))?,
            )
        } else {
            None
        };
        for l in &mut lines {
            l.participant = effekt_domain::pseudonym::readable(&l.participant);
            if let (Some(key), Some(_)) = (key, l.person) {
                l.evidence = key.evidence(contract, &l.evidence, snapshot);
            }
        }
        Ok(lines)
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
    pub(super) async fn shown_totals(
        &self,
        statements: &[&StatementRecord],
    ) -> Result<Vec<Option<Nok>>, AppError> {
        if self.sight == Sight::Lines {
            return Ok(statements.iter().map(|s| Some(s.total)).collect());
        }
        // One grouped read for every statement, never the lines themselves.
        let ids: Vec<i64> = statements.iter().map(|s| s.id).collect();
        let totals = self
            .app
            .store
            .statement_outcome_totals(&ids, self.provider())
            .await?;
        let shown = statements
            .iter()
            .map(|s| {
                let mine: Vec<&OutcomeTotal> =
                    totals.iter().filter(|t| t.statement == s.id).collect();
                Ok(match self.sight {
                    Sight::Lines => Some(s.total),
                    Sight::OwnShare(_) => Some(Nok::sum(mine.iter().map(|t| t.amount))?),
                    Sight::Totals => total_publishable(&mine).then_some(s.total),
                })
            })
            .collect::<Result<Vec<_>, effekt_domain::money::MoneyOverflow>>()?;
        Ok(shown)
    }

    /// Not found unless the statement's contract is one the viewer reads.
    async fn own_contract(&self, record: &StatementRecord) -> Result<(), AppError> {
        let terms = self.app.store.contract_terms(record.contract).await?;
        match terms {
            Some((_, t)) if self.reads(&t).await? => Ok(()),
            _ => Err(AppError::NotFound),
        }
    }

    /// Whether the viewer reads this contract's statements: providers and investors only
    /// their own contracts; Nav, the evaluator and the facilitator every contract.
    async fn reads(&self, terms: &ContractTerms) -> Result<bool, AppError> {
        let own = self.viewer.organisation(&self.app).await?;
        Ok(policy::reads_contract(self.viewer.user.role, own, terms))
    }

    /// Every contract with stored terms whose statements this viewer reads, with its terms
    /// (the viewer's organisation is looked up once, not per contract).
    async fn readable_contracts(
        &self,
    ) -> Result<Vec<(effekt_store::model::ContractRow, ContractTerms)>, AppError> {
        let store = &self.app.store;
        let own = self.viewer.organisation(&self.app).await?;
        let mut out = Vec::new();
        for contract in store.contracts().await? {
            if let Some((_, terms)) = store.contract_terms(contract.id).await? {
                if policy::reads_contract(self.viewer.user.role, own, &terms) {
                    out.push((contract, terms));
                }
            }
        }
        Ok(out)
    }

    /// Every contract with stored terms: its statements (the current one of each period) and
    /// the open period, with whether this viewer may compute it now and why not.
    pub async fn overview(&self) -> Result<Vec<ContractStatements>, AppError> {
        let store = &self.app.store;
        let snapshot = store.register_snapshots().await?.into_iter().next();
        let mut out = Vec::new();
        for (contract, terms) in self.readable_contracts().await? {
            let all = store.statements(contract.id).await?;
            let current = periods::current(&all);
            let totals = self.shown_totals(&current).await?;
            // A provider's own share says nothing about the contract's caps.
            let chart = (!matches!(self.sight, Sight::OwnShare(_))).then(|| {
                let shown: Vec<(&str, Option<Nok>)> = current
                    .iter()
                    .zip(&totals)
                    .map(|(s, t)| (s.period.as_str(), *t))
                    .collect();
                crate::charts::payments((contract.id.0, &contract.name), &terms.caps, &shown)
            });
            let statements = current
                .iter()
                .zip(totals)
                .map(|(s, total)| summary(s, total))
                .collect();
            let open = periods::open_period(&terms, &all);
            let blocker = open.as_ref().and_then(|p| {
                self.may_compute(Some(p), p, snapshot.as_ref())
                    .err()
                    .map(|e| compute_refusal_nb(&e))
            });
            // Someone has vouched for the open period's draft: computing again needs a reason.
            let recompute_needs_reason = open.as_ref().is_some_and(|p| {
                current
                    .iter()
                    .any(|s| s.period == p.label && s.rules().vouched())
            });
            out.push(ContractStatements {
                contract_id: contract.id.0,
                contract: contract.name,
                periods: terms.periods.code().to_owned(),
                recompute_needs_reason,
                open_period: open.as_ref().map(|p| p.label.clone()),
                can_compute: open.is_some() && blocker.is_none(),
                compute_blocked_because: blocker,
                statements,
                chart,
            });
        }
        Ok(out)
    }

    /// The domain's check, for this viewer now.
    fn may_compute(
        &self,
        open: Option<&Period>,
        wanted: &Period,
        snapshot: Option<&SnapshotRecord>,
    ) -> Result<Statement, ComputeRefusal> {
        periods::may_compute(
            open,
            wanted,
            snapshot.map(|s| Cover {
                key: &s.key,
                cutoff: s.cutoff,
            }),
            self.app.today(),
            self.viewer.user.id,
            self.viewer.user.role,
            self.app.now(),
        )
    }

    /// Computes the open period of `contract` (Nav contract manager only) and stores it,
    /// withdrawing a draft of the same period. Returns the new statement's id.
    /// Computing a period whose draft someone has verified or approved throws those steps
    /// away: the page names them, and only with a `reason` is it done (kept on the withdrawal).
    pub async fn compute(
        &self,
        contract: ContractId,
        period: &str,
        reason: &str,
    ) -> Result<i64, AppError> {
        let store = &self.app.store;
        let pricing = self.app.pricing(contract).await.map_err(ledger_error)?;
        let wanted = pricing.period(period).map_err(ledger_error)?;
        let all = store.statements(contract).await?;
        let open = pricing.open_period(&all);
        let computed = self
            .may_compute(open.as_ref(), &wanted, Some(&pricing.snapshot))
            .map_err(|e| AppError::Refused(compute_refusal_nb(&e)))?;
        let booked = ledger::booked_lines(store.as_ref(), &all).await?;
        let draft = periods::current(&all)
            .into_iter()
            .find(|s| s.period == wanted.label);
        let replaces = draft.map(|s| (s.id, s.events.len()));
        let reason = reason.trim();
        // A statement sent back asks for this computation: nothing of anyone's is lost.
        let lost: Vec<String> = draft
            .filter(|s| s.rules().vouched())
            .map(|s| {
                s.events
                    .iter()
                    .skip(1)
                    .map(|e| {
                        format!(
                            "{} av {}",
                            e.event.step.label_nb().to_lowercase(),
                            e.user_name
                        )
                    })
                    .collect()
            })
            .unwrap_or_default();
        if !lost.is_empty() && reason.is_empty() {
            return Err(AppError::Refused(format!(
                "Oppgjøret for {} er allerede {}. Beregner du det på nytt, faller disse stegene \
                 bort. Skriv en begrunnelse for å beregne likevel.",
                wanted.label,
                lost.join(" og ")
            )));
        }
        let reason = effekt_domain::free_text::shared(reason, false, 1000)?;
        let reason = reason.as_deref().unwrap_or("");
        let Some(event) = computed.events.first().copied() else {
            return Err(AppError::Refused(compute_refusal_nb(
                &ComputeRefusal::WrongRole,
            )));
        };
        let mut new = pricing.statement(&wanted, &booked, event)?;
        if !lost.is_empty() {
            new.replaces_because = Some(reason.to_owned());
        }
        let id = store
            .add_statement(&new, replaces)
            .await
            .map_err(conflict_or)?;
        tracing::info!(statement = id, contract = contract.0, period = %wanted.label,
            user = %self.viewer.user.username, "statement computed");
        Ok(id)
    }

    /// Takes `step` on the statement as this viewer, or says why not (nothing changes then).
    pub async fn take(
        &self,
        id: i64,
        step: Step,
        payment: &PaymentInput,
    ) -> Result<Stage, AppError> {
        let store = &self.app.store;
        // Paying records the day paid and the finance system's reference, both checked first.
        let paid = if step == Step::Pay {
            let on = effekt_domain::dates::parse_civil_date(&payment.paid_on)
                .map_err(|_| AppError::Refused("Skriv betalingsdatoen som dd.mm.åååå.".into()))?;
            if on > effekt_domain::dates::oslo_date(self.app.now()) {
                return Err(AppError::Refused(
                    "Betalingsdatoen kan ikke være frem i tid.".into(),
                ));
            }
            let reference = match effekt_domain::free_text::shared(&payment.reference, true, 64) {
                Ok(Some(r)) => r,
                Ok(None)
                | Err(
                    effekt_domain::free_text::SharedTextError::Missing
                    | effekt_domain::free_text::SharedTextError::TooLong(_),
                ) => {
                    return Err(AppError::Refused(
                        "Skriv betalingens referanse (KID eller bilagsnummer, høyst 64 tegn)."
                            .into(),
                    ))
                }
                Err(e) => return Err(e.into()),
            };
            Some((on, reference))
        } else {
            None
        };
        // The evaluator may say what was checked, and must say what is wrong when sending a
        // statement back; kept on the step and shown in the history.
        let comment = match effekt_domain::free_text::shared(
            &payment.comment,
            step == Step::SendBack,
            1000,
        ) {
            Err(effekt_domain::free_text::SharedTextError::Missing) => {
                return Err(AppError::Refused(
                    "Skriv hva som er feil, så kontraktsforvalteren vet hva som må rettes.".into(),
                ))
            }
            other => other?,
        };
        let comment = comment
            .as_deref()
            .filter(|_| matches!(step, Step::Verify | Step::SendBack));
        let Some(record) = store.statement(id).await? else {
            return Err(AppError::NotFound);
        };
        if matches!(step, Step::Verify | Step::Approve) && self.is_stale(&record).await? {
            return Err(AppError::Refused(
                "Vilkårene eller registeruttrekket er endret siden oppgjøret ble beregnet. \
                 Kontraktsforvalteren må beregne det på nytt."
                    .into(),
            ));
        }
        let mut rules = record.rules();
        let before = rules.events.len();
        let now = self.app.now();
        let stage = rules
            .take(step, self.viewer.user.id, self.viewer.user.role, now)
            .map_err(|e| AppError::Refused(refusal_nb(e)))?;
        let event = Event {
            step,
            by: self.viewer.user.id,
            role: self.viewer.user.role,
            at: now,
        };
        store
            .add_payment_event(
                id,
                before,
                &event,
                paid.as_ref().map(|(on, r)| (*on, r.as_str())),
                comment,
            )
            .await
            .map_err(conflict_or)?;
        tracing::info!(statement = id, step = step.code(), user = %self.viewer.user.username,
            "statement step taken");
        Ok(stage)
    }

    /// Whether the statement's lines differ from what the terms in force and the newest
    /// snapshot give now: then it must be computed again before anyone vouches for it.
    async fn is_stale(&self, record: &StatementRecord) -> Result<bool, AppError> {
        let store = &self.app.store;
        let pricing = self
            .app
            .pricing(record.contract)
            .await
            .map_err(ledger_error)?;
        let period = pricing.period(&record.period).map_err(ledger_error)?;
        let all = store.statements(record.contract).await?;
        let open = pricing.open_period(&all).as_ref() == Some(&period);
        let booked = ledger::booked_lines(store.as_ref(), &all).await?;
        let now = pricing.draft(&period, open, &booked)?;
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
    pub async fn detail(&self, id: i64, all_lines: bool) -> Result<StatementDetail, AppError> {
        let store = &self.app.store;
        let Some(record) = store.statement(id).await? else {
            return Err(AppError::NotFound);
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
        let (line_views, line_count, by_outcome, shown_total) = match self.sight {
            Sight::Totals => {
                let totals = store.statement_outcome_totals(&[id], None).await?;
                let by_outcome = totals_by_outcome(&totals.iter().collect::<Vec<_>>());
                (Vec::new(), 0, by_outcome, record.total)
            }
            Sight::Lines | Sight::OwnShare(_) => {
                // The page reads a page's worth of lines, the count and the sum; the API and
                // the downloads read them all.
                let head = if all_lines {
                    let lines: Vec<StatementLineRecord> = store
                        .statement_lines(&[id], self.provider())
                        .await?
                        .into_iter()
                        .map(|(_, l)| l)
                        .collect();
                    LinesHead {
                        count: lines.len() as u64,
                        total: Nok::sum(lines.iter().map(|l| l.amount))?,
                        lines,
                    }
                } else {
                    store
                        .statement_lines_head(id, self.provider(), LINES_ON_PAGE)
                        .await?
                };
                let mut people: Vec<_> = head.lines.iter().filter_map(|l| l.person).collect();
                people.sort_unstable_by_key(|p| p.0);
                people.dedup();
                audit::permit(&self.app, &self.viewer, people, Purpose::StatementLines).await?;
                let shown = self.present(record.contract, &record.snapshot, head.lines)?;
                (
                    shown.iter().map(line_view).collect(),
                    usize::try_from(head.count).unwrap_or(usize::MAX),
                    Vec::new(),
                    head.total,
                )
            }
        };
        // A withdrawn statement names what replaced it: the newest later statement of the same
        // period.
        let replaced_by = if stage == effekt_domain::contract::statement::Stage::Withdrawn {
            store
                .statements(record.contract)
                .await?
                .iter()
                .filter(|s| s.period == record.period && s.id > record.id)
                .map(|s| s.id)
                .max()
        } else {
            None
        };
        let payment = store
            .statement_payment(record.id)
            .await?
            .map(|(on, reference)| format!("{}, referanse {reference}", on.format("%d.%m.%Y")));
        Ok(StatementDetail {
            payment,
            replaced_by,
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
                    reason: e.reason.clone(),
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
    async fn lines(
        &self,
        id: i64,
    ) -> Result<(StatementRecord, Vec<StatementLineRecord>), AppError> {
        if self.sight == Sight::Totals {
            return Err(AppError::Forbidden);
        }
        let store = &self.app.store;
        let Some(record) = store.statement(id).await? else {
            return Err(AppError::NotFound);
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
        audit::permit(&self.app, &self.viewer, people, Purpose::StatementLines).await?;
        let lines = self.present(record.contract, &record.snapshot, lines)?;
        Ok((record, lines))
    }

    /// A period's lines as `effekt ledger compute` prints them: an approved period's approved
    /// lines; otherwise the lines as computed now, with adjustments when it is the open period
    /// (a preview without them when earlier periods are not yet approved). Provider staff get
    /// their own organisation's lines; those who see totals only are refused. Every person
    /// behind a line is audited. The period is checked before anything is read or priced.
    pub async fn period_lines(
        &self,
        contract: ContractId,
        label: &str,
    ) -> Result<PeriodLines, AppError> {
        if self.sight == Sight::Totals {
            return Err(AppError::Forbidden);
        }
        let store = &self.app.store;
        let Some((_, terms)) = store.contract_terms(contract).await? else {
            // Only Nav and the evaluator learn that a contract exists without terms.
            return Err(match self.sight {
                Sight::Lines => LedgerError::NoTerms(contract.0).into(),
                _ => AppError::NotFound,
            });
        };
        if !self.reads(&terms).await? {
            return Err(AppError::NotFound);
        }
        let period = periods::parse_period(&terms, label).map_err(LedgerError::from)?;
        let statements = store.statements(contract).await?;
        let stored = periods::current(&statements)
            .into_iter()
            .find(|s| s.period == period.label && s.rules().stage().is_booked())
            .cloned();
        let (lines, snapshot, what) = match stored {
            Some(s) => {
                let lines: Vec<StatementLineRecord> = store
                    .statement_lines(&[s.id], self.provider())
                    .await?
                    .into_iter()
                    .map(|(_, l)| l)
                    .collect();
                let what = format!(
                    "statement {} as {} (contract version {})",
                    s.id,
                    s.rules().stage().label_nb().to_lowercase(),
                    s.versions
                );
                (lines, s.snapshot, what)
            }
            None => {
                let p = self.app.pricing(contract).await?;
                let open = p.open_period(&statements).as_ref() == Some(&period);
                let booked = ledger::booked_lines(store.as_ref(), &statements).await?;
                let mut lines = p.draft(&period, open, &booked)?;
                if let Some(own) = self.provider() {
                    lines.retain(|l| l.provider == Some(own));
                }
                let what = format!(
                    "{} (contract version {})",
                    if open {
                        "the open period as computed now, with adjustments"
                    } else {
                        "a preview: earlier periods are not yet approved, so no adjustments"
                    },
                    p.versions_of(&lines)
                );
                (lines, p.snapshot.key.clone(), what)
            }
        };
        let mut people: Vec<_> = lines.iter().filter_map(|l| l.person).collect();
        people.sort_unstable_by_key(|p| p.0);
        people.dedup();
        audit::permit(&self.app, &self.viewer, people, Purpose::StatementLines).await?;
        let lines = self.present(contract, &snapshot, lines)?;
        Ok(PeriodLines {
            period,
            lines,
            snapshot,
            what,
        })
    }

    /// The steps this viewer could take now (the rules decide again when one is taken).
    fn actions(&self, rules: &Statement) -> Vec<String> {
        [Step::Verify, Step::SendBack, Step::Approve, Step::Pay]
            .into_iter()
            .filter(|step| {
                let mut trial = rules.clone();
                trial
                    .take(
                        *step,
                        self.viewer.user.id,
                        self.viewer.user.role,
                        self.app.now(),
                    )
                    .is_ok()
            })
            .map(|s| s.code().to_owned())
            .collect()
    }
}
