//! The contract's ledger over the store: the terms stored for a contract × the newest register
//! snapshot × its participants (found through their id history, pseudonymised) priced by the
//! domain's fold, and settled against the lines already on approved statements. The statement
//! pages, the stale check and `effekt ledger compute` all price through here (cached under the
//! store generation), so they cannot disagree.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::NaiveDate;
use effekt_domain::contract::amendment::VersionState;
use effekt_domain::contract::cohort::{ledger_lines, NamedFigure};
use effekt_domain::contract::judging::{achievements, Participant};
use effekt_domain::contract::ledger::{
    compute_with_contract_lines, schedule, AchievementInput, ContractLevelInput, InForce, Ledger,
    Period,
};
use effekt_domain::contract::periods::{self, PeriodError};
use effekt_domain::contract::settlement::{
    keyed, settle, BookedLine, LineKey, PricedLine, SettledLine,
};
use effekt_domain::contract::statement::Event;
use effekt_domain::contract::terms::ContractTerms;
use effekt_domain::ids::{ContractId, PersonKey, ProviderId};
use effekt_domain::outcomes::timeline::Snapshot;
use effekt_domain::pseudonym::PseudonymKey;
use effekt_store::model::{
    NewStatement, ParticipantScope, SnapshotRecord, StatementLineRecord, StatementRecord,
};
use effekt_store::{Store, StoreError};

use crate::App;

/// Why a contract cannot be priced or a period settled. The messages are for operators.
#[derive(Debug, thiserror::Error)]
pub enum LedgerError {
    #[error("contract {0} has no stored terms; store them with `effekt contract import FILE --contract {0}`")]
    NoTerms(i64),
    #[error("no register snapshot is stored; import one with `effekt register import DIR`")]
    NoSnapshot,
    #[error(transparent)]
    Period(#[from] PeriodError),
    #[error(transparent)]
    Key(#[from] crate::accounts::KeyError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("pricing stopped before it was done: {0}")]
    Interrupted(String),
    #[error("contract {0}'s payments add up to more than effekt can sum exactly; nothing is priced (check the contract's amounts)")]
    Overflow(i64),
}

/// A contract priced now.
pub struct Pricing {
    pub contract: ContractId,
    /// The versions in force: number, first day it prices, terms; by that day.
    pub versions: Vec<(u32, NaiveDate, ContractTerms)>,
    pub snapshot: SnapshotRecord,
    pub input: Vec<AchievementInput>,
    pub ledger: Ledger,
    pub priced: Vec<PricedLine>,
    /// Pseudonym → the person (for auditing reads) and provider (for the provider's share).
    people: HashMap<String, (PersonKey, ProviderId)>,
    /// The contract-level lines of cohort outcomes, with their reasons (the evidence).
    cohort_lines: HashMap<LineKey, String>,
}

fn in_force(versions: &[(u32, NaiveDate, ContractTerms)]) -> Vec<InForce<'_>> {
    versions
        .iter()
        .map(|(version, from, terms)| InForce {
            version: *version,
            from: *from,
            terms,
        })
        .collect()
}

/// Prices the whole contract under its stored terms and the newest snapshot.
/// The agreed versions among `records` as the ledger schedules them: number, first day it
/// prices, terms; by that day.
pub(crate) fn in_force_schedule(
    records: Vec<effekt_store::model::ContractVersionRecord>,
) -> Vec<(u32, NaiveDate, ContractTerms)> {
    schedule(
        records
            .into_iter()
            .filter(|v| v.state == VersionState::InForce)
            .map(|v| {
                (
                    v.version,
                    v.effective_from.unwrap_or(v.terms.starts),
                    v.terms,
                )
            })
            .collect(),
    )
}

pub async fn price(
    store: &dyn Store,
    key: &PseudonymKey,
    contract: ContractId,
) -> Result<Pricing, LedgerError> {
    let versions = in_force_schedule(store.contract_versions(contract).await?);
    if versions.is_empty() {
        return Err(LedgerError::NoTerms(contract.0));
    }
    let Some(snapshot) = store.register_snapshots().await?.into_iter().next() else {
        return Err(LedgerError::NoSnapshot);
    };
    let timelines = store
        .participant_timelines(ParticipantScope::Contract(contract), None, snapshot.id)
        .await?;
    let mut people = HashMap::new();
    let participants: Vec<Participant> = timelines
        .iter()
        .filter(|t| t.in_register)
        .filter_map(|t| {
            let pseudonym = key.pseudonym(contract, t.person);
            people.insert(pseudonym.clone(), (t.person, t.provider));
            Some(Participant {
                pseudonym,
                index_date: t.index_date?,
                timeline: &t.timeline,
            })
        })
        .collect();
    let judged = Snapshot {
        id: snapshot.key.clone(),
        cutoff: snapshot.cutoff,
    };
    let figures: Vec<NamedFigure> = store
        .certified_figures(contract)
        .await?
        .into_iter()
        .map(|(f, _)| f)
        .collect();
    let cohort: Vec<(PricedLine, String)> = versions
        .iter()
        .max_by_key(|v| v.0)
        .map(|(version, _, terms)| ledger_lines(terms, *version, &figures))
        .transpose()
        .map_err(|_| LedgerError::Overflow(contract.0))?
        .unwrap_or_default();
    let schedule = in_force(&versions);
    let input = achievements(&schedule, &participants, &judged);
    let contract_level: Vec<ContractLevelInput> = cohort
        .iter()
        .map(|(line, _)| ContractLevelInput {
            date: line.key.date,
            period: line.period,
            amount: line.amount,
            version: line.version,
        })
        .collect();
    let ledger = compute_with_contract_lines(&schedule, &input, &contract_level);
    if ledger.overflowed {
        return Err(LedgerError::Overflow(contract.0));
    }
    let mut priced = keyed(&schedule, &ledger, &input);
    drop(schedule);
    // The contract-level lines as the caps left them: each payment, and a cap line under the
    // same key (kind aside) where a cap took part of it.
    let mut cohort_lines = HashMap::new();
    for l in &ledger.lines {
        let Some((line, reason)) = l
            .achievement
            .checked_sub(input.len())
            .and_then(|j| cohort.get(j))
        else {
            continue;
        };
        let mut line = line.clone();
        line.key.kind = l.kind;
        line.amount = l.amount;
        cohort_lines.insert(line.key.clone(), reason.clone());
        priced.push(line);
    }
    Ok(Pricing {
        contract,
        versions,
        snapshot,
        input,
        ledger,
        priced,
        people,
        cohort_lines,
    })
}

impl App {
    /// The contract priced under the current store generation: worked out once per change of
    /// its inputs, then shared by every page and command.
    ///
    /// The work runs on its own task, so that a request given up halfway (a closed tab, a
    /// client's timeout) does not throw away what the next request would wait for.
    pub async fn pricing(&self, contract: ContractId) -> Result<Arc<Pricing>, LedgerError> {
        let app = self.clone();
        tokio::spawn(async move {
            let generation = app.store.generation().await?;
            app.cache
                .pricing
                .get_or_compute(contract, generation, || async {
                    price(app.store.as_ref(), app.pseudonyms()?, contract).await
                })
                .await
        })
        .await
        .map_err(|e| LedgerError::Interrupted(e.to_string()))?
    }
}

impl Pricing {
    /// The newest terms in force (the highest version number).
    pub fn terms(&self) -> Option<&ContractTerms> {
        self.versions.iter().max_by_key(|v| v.0).map(|v| &v.2)
    }

    /// The period a label names.
    pub fn period(&self, label: &str) -> Result<Period, LedgerError> {
        let terms = self.terms().ok_or(LedgerError::NoTerms(self.contract.0))?;
        Ok(periods::parse_period(terms, label)?)
    }

    /// The first period whose statement is not yet approved.
    pub fn open_period(&self, statements: &[StatementRecord]) -> Option<Period> {
        periods::open_period(self.terms()?, statements)
    }

    /// The lines the statement of `period` holds now: its own lines, and when it is the open
    /// period, an adjustment for every earlier line whose price changed since it was approved.
    /// `booked` are the lines of approved and paid statements.
    pub fn draft(
        &self,
        period: &Period,
        open: bool,
        booked: &[StatementLineRecord],
    ) -> Result<Vec<StatementLineRecord>, LedgerError> {
        let booked_keys: Vec<BookedLine> = booked
            .iter()
            .map(|b| BookedLine {
                key: LineKey {
                    date: b.date,
                    outcome: b.outcome.clone(),
                    participant: b.participant.clone(),
                    kind: b.kind,
                    occurrence: b.occurrence,
                },
                amount: b.amount,
            })
            .collect();
        let overflow = |_| LedgerError::Overflow(self.contract.0);
        let settled: Vec<SettledLine> = if open {
            settle(&self.priced, &booked_keys, period.start).map_err(overflow)?
        } else {
            let own: Vec<PricedLine> = self
                .priced
                .iter()
                .filter(|p| p.period == period.start)
                .cloned()
                .collect();
            settle(&own, &booked_keys, period.start)
                .map_err(overflow)?
                .into_iter()
                .filter(|l| !l.adjustment)
                .collect()
        };
        Ok(settled
            .into_iter()
            .filter_map(|l| {
                let achievement = l.priced.and_then(|(_, a)| self.input.get(a));
                let cohort = self.cohort_lines.get(&l.key);
                // A contract-level line has no person; a participant no longer in the
                // contract is as on the line it corrects.
                let (person, provider) = if cohort.is_some() {
                    (None, None)
                } else {
                    self.people
                        .get(&l.key.participant)
                        .map(|(p, v)| (Some(*p), Some(*v)))
                        .or_else(|| {
                            booked
                                .iter()
                                .find(|b| b.participant == l.key.participant)
                                .map(|b| (b.person, b.provider))
                        })?
                };
                Some(StatementLineRecord {
                    participant: l.key.participant.clone(),
                    person,
                    provider,
                    outcome: l.key.outcome.clone(),
                    date: l.key.date,
                    occurrence: l.key.occurrence,
                    kind: l.key.kind,
                    adjustment: l.adjustment,
                    magnitude: achievement.map(|a| a.magnitude),
                    amount: l.amount,
                    evidence: match (achievement, cohort) {
                        (Some(a), _) => a.evidence.join(" "),
                        (None, Some(reason)) => reason.clone(),
                        (None, None) => String::new(),
                    },
                    version: l.priced.map(|(v, _)| v),
                })
            })
            .collect())
    }

    /// The statement of the open period `period` as computed now: its lines with adjustments
    /// against `booked`, ready to store with the computation `computed`.
    pub fn statement(
        &self,
        period: &Period,
        booked: &[StatementLineRecord],
        computed: Event,
    ) -> Result<NewStatement, LedgerError> {
        let lines = self.draft(period, true, booked)?;
        Ok(NewStatement {
            contract: self.contract,
            period: period.label.clone(),
            period_start: period.start,
            versions: self.versions_of(&lines),
            snapshot: self.snapshot.key.clone(),
            lines,
            computed,
            replaces_because: None,
        })
    }

    /// The versions that priced `lines`, as stored on a statement (`1,2`); the newest when
    /// there are no lines.
    pub fn versions_of(&self, lines: &[StatementLineRecord]) -> String {
        let mut v: Vec<u32> = lines.iter().filter_map(|l| l.version).collect();
        if v.is_empty() {
            v.extend(self.versions.last().map(|v| v.0));
        }
        v.sort_unstable();
        v.dedup();
        v.iter().map(u32::to_string).collect::<Vec<_>>().join(",")
    }
}

/// The lines of every approved or paid statement of the contract.
pub async fn booked_lines(
    store: &dyn Store,
    statements: &[StatementRecord],
) -> Result<Vec<StatementLineRecord>, StoreError> {
    use effekt_domain::contract::periods::Filed;
    let ids: Vec<i64> = periods::current(statements)
        .into_iter()
        .filter(|s| s.stage().is_booked())
        .map(|s| s.id)
        .collect();
    Ok(store
        .statement_lines(&ids, None)
        .await?
        .into_iter()
        .map(|(_, l)| l)
        .collect())
}
