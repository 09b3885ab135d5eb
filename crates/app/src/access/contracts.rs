//! The contract in the product (issue 4, §1 and §4): its terms in plain words, every version
//! with what it changed, and amendments proposed and agreed by the parties. The rules are the
//! domain's (`contract::amendment`); this decides who acts for which party:
//!
//! - Nav: the Nav contract manager;
//! - a provider: its provider admin (provider staff read only);
//! - an investor: its investor users;
//! - the evaluator (asked only when an amendment re-prices approved periods).
//!
//! Everyone but the administrator reads the contract; none of it is personal data.

mod indigo;
mod withdraw;

use chrono::NaiveDate;
use effekt_domain::contract::amendment::{
    self, differences, AmendmentError, Decision, PartyDecision, PartyKey, VersionState,
};
use effekt_domain::contract::terms::{CohortOutcome, ContractTerms, PartyRole};
use effekt_domain::dates::oslo_date;
use effekt_domain::ids::ContractId;
use effekt_store::model::{ContractVersionRecord, Proposal, StatementRecord};
use effekt_store::StoreError;

use crate::policy;
use crate::views::{
    CohortPaymentView, CohortView, ContractView, FigureView, OutcomeTermView, PartyView,
    ProposalView, RequiredView, VersionView,
};
use crate::{App, AppError, Viewer};
use effekt_domain::contract::cohort::{is_final_round, price_all, CertifiedFigure, NamedFigure};
use effekt_domain::contract::periods;

/// Reading contracts, and acting for the viewer's party.
pub struct ContractAccess {
    pub(super) app: App,
    pub(super) viewer: Viewer,
}

/// The certification form as typed.
#[derive(Debug, Clone, Default)]
pub struct FigureInput {
    pub figure: String,
    pub cohort: String,
    pub size: String,
    pub value: String,
    /// The comparison group's value, for mechanisms priced against it; may be empty otherwise.
    pub comparison: String,
    /// Why the figure is typed rather than certified from an evaluation run (required).
    pub reason: String,
}

/// Why a proposal was refused: problems in the file (line, key, message) or a broken rule.
#[derive(Debug)]
pub enum ProposalRefused {
    Form(Vec<(&'static str, String)>),
}

fn role_nb(role: PartyRole) -> &'static str {
    match role {
        PartyRole::Nav => "Nav",
        PartyRole::Provider => "Leverandør",
        PartyRole::Investor => "Investor",
        PartyRole::Evaluator => "Evaluator",
    }
}

fn party_label(terms: &ContractTerms, key: PartyKey) -> String {
    terms
        .parties
        .iter()
        .find(|p| PartyKey::from(*p) == key)
        .map_or_else(
            || format!("{} {}", role_nb(key.role), key.orgnr),
            |p| format!("{} ({})", p.name, role_nb(p.role).to_lowercase()),
        )
}

use effekt_domain::dates::date_nb;

fn bad(message: impl Into<String>) -> AppError {
    AppError::Refused(message.into())
}

fn conflict_or(e: StoreError) -> AppError {
    match e {
        StoreError::Conflict(m) => {
            tracing::info!(conflict = %m, "contract changed meanwhile");
            bad("Kontrakten ble endret samtidig. Last siden på nytt.")
        }
        e => e.into(),
    }
}

/// The version in force before `version` (the highest in-force version number below it).
pub(super) fn in_force_before(
    versions: &[ContractVersionRecord],
    version: u32,
) -> Option<&ContractVersionRecord> {
    versions
        .iter()
        .filter(|v| v.version < version && v.state == VersionState::InForce)
        .max_by_key(|v| v.version)
}

/// Whether amendments effective on `effective` re-price a period of `statements` that is no
/// longer open under `terms`.
pub(super) fn retroactive_in(
    terms: &ContractTerms,
    statements: &[StatementRecord],
    effective: NaiveDate,
) -> bool {
    let open = periods::open_period(terms, statements).map(|p| p.start);
    amendment::is_retroactive(effective, open)
}

impl ContractAccess {
    pub(crate) fn new(app: App, viewer: Viewer) -> Self {
        Self { app, viewer }
    }

    /// The party the viewer acts for in `terms`, if any.
    async fn party(&self, terms: &ContractTerms) -> Result<Option<PartyKey>, AppError> {
        let own = self.viewer.organisation(&self.app).await?;
        Ok(policy::acts_for(self.viewer.user.role, own, terms))
    }

    /// Whether amendments effective on `effective` re-price an approved period.
    pub(super) async fn retroactive(
        &self,
        contract: ContractId,
        terms: &ContractTerms,
        effective: NaiveDate,
    ) -> Result<bool, AppError> {
        let statements = self.app.store.statements(contract).await?;
        Ok(retroactive_in(terms, &statements, effective))
    }

    async fn versions(&self, contract: ContractId) -> Result<Vec<ContractVersionRecord>, AppError> {
        let versions = self.app.store.contract_versions(contract).await?;
        if versions.is_empty() {
            return Err(AppError::NotFound);
        }
        Ok(versions)
    }

    /// Contracts with terms: id and name.
    pub async fn list(&self) -> Result<Vec<(i64, String)>, AppError> {
        let mut out = Vec::new();
        for c in self.app.store.contracts().await? {
            let has_terms = self.app.store.contract_terms(c.id).await?.is_some();
            if has_terms && self.viewer.reads_contract(&self.app, c.id).await? {
                out.push((c.id.0, c.name));
            }
        }
        Ok(out)
    }

    /// The contract as this viewer sees it: the terms in force, every version, the pending
    /// proposal with each party's answer, and what the viewer may do.
    pub async fn view(&self, contract: ContractId) -> Result<ContractView, AppError> {
        // Contract data only to the contract's parties (and Nav, the evaluator, the facilitator).
        if !self.viewer.reads_contract(&self.app, contract).await? {
            return Err(AppError::NotFound);
        }
        let versions = self.versions(contract).await?;
        // The terms that price today: an agreed version effective later is shown as coming,
        // not as today's price (the same schedule the ledger prices by).
        let today = oslo_date(self.app.now());
        let schedule = effekt_domain::contract::ledger::schedule(
            versions
                .iter()
                .filter(|v| v.state == VersionState::InForce)
                .map(|v| {
                    (
                        v.version,
                        v.effective_from.unwrap_or(v.terms.starts),
                        v.terms.clone(),
                    )
                })
                .collect(),
        );
        let today_version = schedule
            .iter()
            .rev()
            .find(|(_, from, _)| *from <= today)
            .or(schedule.first())
            .map(|(version, _, _)| *version);
        let Some(current) = versions.iter().find(|v| Some(v.version) == today_version) else {
            return Err(AppError::NotFound);
        };
        let terms = &current.terms;
        let party = self.party(terms).await?;
        let version_views = versions
            .iter()
            .map(|v| {
                let from = v.effective_from.unwrap_or(v.terms.starts);
                let (state, state_label) = match v.state {
                    VersionState::InForce if Some(v.version) == today_version => {
                        ("in_force".to_owned(), "Gjelder i dag".to_owned())
                    }
                    VersionState::InForce if from > today => (
                        "upcoming".to_owned(),
                        format!("Gjelder fra {}", date_nb(from)),
                    ),
                    VersionState::InForce => ("superseded".to_owned(), "Gjaldt før".to_owned()),
                    other => (other.code().to_owned(), other.label_nb().to_owned()),
                };
                (v, state, state_label)
            })
            .map(|(v, state, state_label)| VersionView {
                // Who decided what and when, with a rejection's reason.
                decisions: v
                    .decisions
                    .iter()
                    .map(|(d, who, why)| {
                        let base =
                            in_force_before(&versions, v.version).map_or(terms, |b| &b.terms);
                        let mut line = format!(
                            "{} av {} ({}), {}",
                            if d.decision == Decision::Approve {
                                "Godkjent"
                            } else {
                                "Avvist"
                            },
                            who,
                            party_label(base, d.party),
                            date_nb(oslo_date(d.at))
                        );
                        if let Some(why) = why {
                            line.push_str(&format!(": «{why}»"));
                        }
                        line
                    })
                    .chain(v.withdrawal.iter().map(|(who, at, why)| {
                        format!(
                            "Trukket tilbake av {who}, {}: «{why}»",
                            date_nb(oslo_date(*at))
                        )
                    }))
                    .collect(),
                version: v.version,
                effective_from: date_nb(v.effective_from.unwrap_or(v.terms.starts)),
                state,
                state_label,
                proposed_by: v.proposed_by.clone(),
                changes: in_force_before(&versions, v.version)
                    .map(|before| differences(&before.terms, &v.terms))
                    .unwrap_or_default(),
            })
            .rev()
            .collect();
        let mut pending = None;
        if let Some(p) = versions.iter().find(|v| v.state == VersionState::Proposed) {
            let base = in_force_before(&versions, p.version).map_or(terms, |b| &b.terms);
            let effective = p.effective_from.unwrap_or(p.terms.starts);
            let retroactive = self.retroactive(contract, base, effective).await?;
            let required = amendment::required(base, retroactive);
            let decisions: Vec<PartyDecision> = p.decisions.iter().map(|d| d.0).collect();
            let you_may_decide = party
                .is_some_and(|k| amendment::may_decide(&required, &decisions, p.state, k).is_ok());
            pending = Some(ProposalView {
                version: p.version,
                effective_from: date_nb(effective),
                retroactive,
                proposed_by: p.proposed_by.clone().unwrap_or_default(),
                changes: differences(base, &p.terms),
                required: required
                    .iter()
                    .map(|k| {
                        let answer = p.decisions.iter().find(|(d, _, _)| d.party == *k);
                        RequiredView {
                            party: party_label(base, *k),
                            answer: match answer {
                                Some((d, who, _)) => format!(
                                    "{} av {}, {}",
                                    if d.decision == Decision::Approve {
                                        "Godkjent"
                                    } else {
                                        "Avvist"
                                    },
                                    who,
                                    date_nb(oslo_date(d.at))
                                ),
                                None => "Venter".to_owned(),
                            },
                            answered: answer.is_some(),
                        }
                    })
                    .collect(),
                notified: base
                    .parties
                    .iter()
                    .filter(|x| {
                        x.role == PartyRole::Provider && !required.contains(&PartyKey::from(*x))
                    })
                    .map(|x| x.name.clone())
                    .collect(),
                you_may_decide,
                you_may_withdraw: amendment::may_withdraw(p.state, p.proposer, self.viewer.user.id)
                    .is_ok(),
            });
        }
        let can_propose =
            pending.is_none() && party.is_some_and(|k| amendment::may_propose(terms, k).is_ok());
        Ok(ContractView {
            id: contract.0,
            name: terms.name.clone(),
            starts: date_nb(terms.starts),
            ends: date_nb(terms.ends),
            periods: terms.periods.code().to_owned(),
            version: current.version,
            parties: terms
                .parties
                .iter()
                .map(|p| PartyView {
                    role: role_nb(p.role).to_owned(),
                    name: p.name.clone(),
                    orgnr: p.orgnr.to_string(),
                    lead: p.lead,
                    sub_delivery: p.sub_delivery.clone(),
                    commitment: p.commitment.map(|c| c.to_string()),
                })
                .collect(),
            outcomes: terms
                .outcomes
                .iter()
                .map(|o| OutcomeTermView {
                    name: o.definition.name.clone(),
                    requirement: amendment::words::kind_nb(&o.definition.kind),
                    price: amendment::words::scale_nb(&o.scale),
                    max_payments: o.max_payments,
                    cap: o.cap.map(|c| c.to_string()),
                })
                .collect(),
            caps: [
                ("Tak per deltaker", terms.caps.per_participant),
                ("Tak per periode", terms.caps.per_period),
                ("Tak for hele kontrakten", terms.caps.per_contract),
            ]
            .into_iter()
            .filter_map(|(label, cap)| cap.map(|c| (label.to_owned(), c.to_string())))
            .collect(),
            versions: version_views,
            pending,
            can_propose,
            acts_for: party.map(|k| party_label(terms, k)),
            source: current.source.clone().unwrap_or_default(),
            cohorts: self.cohorts(contract, terms, party).await?,
        })
    }

    /// The certified figures and what the cohort outcomes pay on them, for a contract with
    /// cohort outcomes.
    async fn cohorts(
        &self,
        contract: ContractId,
        terms: &ContractTerms,
        party: Option<PartyKey>,
    ) -> Result<Option<CohortView>, AppError> {
        if terms.cohort_outcomes.is_empty() {
            return Ok(None);
        }
        let figures = self.app.store.certified_figures(contract).await?;
        let sources = self.app.store.figure_provenance(contract).await?;
        let named: Vec<NamedFigure> = figures.iter().map(|(f, _)| f.clone()).collect();
        let final_round = is_final_round(terms, &named);
        let mut names: Vec<String> = terms
            .cohort_outcomes
            .iter()
            .map(|o| o.figure.clone())
            .collect();
        names.dedup();
        Ok(Some(CohortView {
            figure_names: names,
            figures: figures
                .iter()
                .enumerate()
                .rev()
                .map(|(i, (f, _))| (f, sources.get(i)))
                .map(|(f, source)| FigureView {
                    run: source.and_then(|s| s.run),
                    typed_reason: source.and_then(|s| s.typed_reason.clone()),
                    figure: f.figure.clone(),
                    cohort: f.certified.cohort.clone(),
                    cohort_size: f.certified.cohort_size,
                    value: amendment::words::number(f.certified.value),
                    certified_by: f.certified.certified_by.clone(),
                    certified_on: f.certified.certified_on,
                })
                .collect(),
            payments: price_all(&terms.cohort_outcomes, &named, final_round)?
                .into_iter()
                .map(|(outcome, l)| CohortPaymentView {
                    outcome,
                    cohort: l.cohort,
                    amount: l.amount.to_string(),
                    reason: l.reason,
                })
                .collect(),
            can_certify: party.is_some_and(|k| k.role == PartyRole::Evaluator),
        }))
    }

    /// Records a figure certified by the evaluator. Each field is checked; problems come back
    /// by field.
    pub async fn certify(
        &self,
        contract: ContractId,
        input: &FigureInput,
    ) -> Result<Result<(), Vec<(&'static str, String)>>, AppError> {
        // Contract data only to those who read the contract: others learn nothing of it.
        if !self.viewer.reads_contract(&self.app, contract).await? {
            return Err(AppError::NotFound);
        }
        let Some((_, terms)) = self.app.store.contract_terms(contract).await? else {
            return Err(AppError::NotFound);
        };
        if !self
            .party(&terms)
            .await?
            .is_some_and(|k| k.role == PartyRole::Evaluator)
        {
            return Err(bad("Bare den uavhengige evaluatoren sertifiserer tall."));
        }
        let mut problems = Vec::new();
        let figure = input.figure.trim();
        if !terms.cohort_outcomes.iter().any(|o| o.figure == figure) {
            problems.push((
                "tall_figur",
                "Velg et tall kontrakten betaler for.".to_owned(),
            ));
        }
        let cohort = input.cohort.trim();
        if cohort.is_empty() || cohort.chars().count() > 40 {
            problems.push((
                "kohort",
                "Skriv kohorten, for eksempel 2026 (høyst 40 tegn).".to_owned(),
            ));
        }
        let size = input
            .size
            .trim()
            .parse::<u32>()
            .ok()
            .filter(|n| (1..=1_000_000).contains(n));
        if size.is_none() {
            problems.push((
                "storrelse",
                "Antall deltakere er et helt tall fra 1 til 1 000 000.".to_owned(),
            ));
        }
        let number = |text: &str| {
            text.trim()
                .replace([' ', '\u{a0}'], "")
                .replace(',', ".")
                .parse::<rust_decimal::Decimal>()
                .ok()
        };
        let value = number(&input.value);
        let readers: Vec<&CohortOutcome> = terms
            .cohort_outcomes
            .iter()
            .filter(|o| o.figure == figure)
            .collect();
        let comparison = if input.comparison.trim().is_empty() {
            if readers.iter().any(|o| o.mechanism.needs_comparison()) {
                problems.push((
                    "sammenligning",
                    "Skriv sammenligningsgruppens verdi: kontrakten betaler per enhet forbedring mot den."
                        .to_owned(),
                ));
            }
            None
        } else {
            match number(&input.comparison) {
                Some(c) => {
                    if let Some(why) = readers.iter().find_map(|m| m.accepts(c).err()) {
                        problems.push(("sammenligning", why));
                    }
                    Some(c)
                }
                None => {
                    problems.push((
                        "sammenligning",
                        "Sammenligningsgruppens verdi er et tall, for eksempel 58,2.".to_owned(),
                    ));
                    None
                }
            }
        };
        match value {
            None => problems.push(("verdi", "Verdien er et tall, for eksempel 37,5.".to_owned())),
            // Within what every outcome paid from this figure can read.
            Some(v) => {
                if let Some(why) = readers.iter().find_map(|m| m.accepts(v).err()) {
                    problems.push(("verdi", why));
                }
            }
        }
        let reason = match super::required_text(
            &input.reason,
            1000,
            "begrunnelse_tall",
            "Skriv hvorfor tallet skrives inn i stedet for å sertifiseres fra en evalueringskjøring.",
        ) {
            Ok(r) => Some(r),
            Err(e) => {
                problems.push((e.field, e.message));
                None
            }
        };
        let (Some(size), Some(value), Some(reason), true) =
            (size, value, reason, problems.is_empty())
        else {
            return Ok(Err(problems));
        };
        let now = self.app.now();
        let certified = CertifiedFigure {
            comparison,
            cohort: cohort.to_owned(),
            cohort_size: size,
            value,
            certified_by: self.viewer.user.display_name.clone(),
            certified_on: oslo_date(now),
        };
        self.app
            .store
            .certify_figure_from(
                contract,
                figure,
                &certified,
                effekt_store::evaluation::FigureSource::Typed(&reason),
                self.viewer.user.id,
                now,
            )
            .await?;
        tracing::info!(contract = contract.0, figure, cohort, user = %self.viewer.user.username,
            "figure certified");
        Ok(Ok(()))
    }

    /// Proposes new terms (a contract file's text) effective on `effective`, as the viewer's
    /// party; returns the new version. Problems in the file come back with line and key.
    pub async fn propose(
        &self,
        contract: ContractId,
        effective: NaiveDate,
        text: &str,
        reason: &str,
    ) -> Result<Result<u32, ProposalRefused>, AppError> {
        // Contract data only to those who read the contract: others learn nothing of it.
        if !self.viewer.reads_contract(&self.app, contract).await? {
            return Err(AppError::NotFound);
        }
        let Some((_, current)) = self.app.store.contract_terms(contract).await? else {
            return Err(AppError::NotFound);
        };
        let Some(party) = self.party(&current).await? else {
            return Err(bad(AmendmentError::NotAParty.to_string()));
        };
        amendment::may_propose(&current, party).map_err(|e| bad(e.to_string()))?;
        let waiting = self
            .versions(contract)
            .await?
            .iter()
            .any(|v| v.state == VersionState::Proposed);
        if waiting {
            return Err(bad(
                "Et forslag venter allerede på svar fra partene; det må avgjøres først.",
            ));
        }
        let terms = match effekt_engine::contract::check(text) {
            Ok(t) => t,
            Err(problems) => {
                return Ok(Err(ProposalRefused::Form(
                    problems
                        .iter()
                        .map(|p| {
                            let place = if p.key.is_empty() {
                                format!("linje {}", p.line)
                            } else {
                                format!("linje {}, {}", p.line, p.key)
                            };
                            ("vilkar", format!("{place}: {}", p.message))
                        })
                        .collect(),
                )))
            }
        };
        if let Err(e) = amendment::check_proposal(&current, &terms, effective) {
            return Ok(Err(ProposalRefused::Form(vec![(
                "gyldig_fra",
                e.to_string(),
            )])));
        }
        if current == terms {
            return Ok(Err(ProposalRefused::Form(vec![(
                "vilkar",
                "Vilkårene er de samme som gjelder nå.".to_owned(),
            )])));
        }
        let reason = match effekt_domain::free_text::shared(reason, true, 1000) {
            Ok(r) => r,
            Err(e) => {
                return Ok(Err(ProposalRefused::Form(vec![(
                    "endringsgrunn",
                    e.to_string(),
                )])))
            }
        };
        let proposal = Proposal {
            terms: &terms,
            source: Some(text),
            effective_from: effective,
            decision: PartyDecision {
                party,
                by: self.viewer.user.id,
                decision: Decision::Approve,
                at: self.app.now(),
            },
            reason: reason.as_deref(),
        };
        let version = self
            .app
            .store
            .propose_contract_version(contract, &proposal)
            .await
            .map_err(conflict_or)?;
        tracing::info!(contract = contract.0, version, user = %self.viewer.user.username,
            "amendment proposed");
        Ok(Ok(version))
    }

    /// Records the viewer's party's decision on a proposed version; returns where it stands.
    pub async fn decide(
        &self,
        contract: ContractId,
        version: u32,
        decision: Decision,
        reason: &str,
    ) -> Result<VersionState, AppError> {
        // A rejection says why, so that the proposer knows what to change; an approval may.
        let reason =
            match effekt_domain::free_text::shared(reason, decision == Decision::Reject, 1000) {
                Err(effekt_domain::free_text::SharedTextError::Missing) => {
                    return Err(bad("Skriv hvorfor dere avviser forslaget.".to_owned()))
                }
                other => other?,
            };
        let reason = reason.as_deref();
        // Contract data only to those who read the contract: others learn nothing of it.
        if !self.viewer.reads_contract(&self.app, contract).await? {
            return Err(AppError::NotFound);
        }
        let versions = self.versions(contract).await?;
        let Some(proposal) = versions.iter().find(|v| v.version == version) else {
            return Err(AppError::NotFound);
        };
        let Some(base) = in_force_before(&versions, version) else {
            return Err(bad(AmendmentError::NotProposed.to_string()));
        };
        let Some(party) = self.party(&base.terms).await? else {
            return Err(bad(AmendmentError::NotAParty.to_string()));
        };
        let effective = proposal.effective_from.unwrap_or(proposal.terms.starts);
        let retroactive = self.retroactive(contract, &base.terms, effective).await?;
        let required = amendment::required(&base.terms, retroactive);
        let mut decisions: Vec<PartyDecision> = proposal.decisions.iter().map(|d| d.0).collect();
        amendment::may_decide(&required, &decisions, proposal.state, party)
            .map_err(|e| bad(e.to_string()))?;
        let before = decisions.len();
        let record = PartyDecision {
            party,
            by: self.viewer.user.id,
            decision,
            at: self.app.now(),
        };
        decisions.push(record);
        let becomes = amendment::state(&required, &decisions);
        self.app
            .store
            .decide_contract_version(contract, version, &record, reason, before, becomes)
            .await
            .map_err(conflict_or)?;
        tracing::info!(contract = contract.0, version, decision = decision.code(),
            state = becomes.code(), user = %self.viewer.user.username, "amendment decided");
        Ok(becomes)
    }
}
