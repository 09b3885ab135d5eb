//! The contract's ledger over the store: the terms stored for a contract × the newest register
//! snapshot × its participants (found through their id history, pseudonymised) priced by the
//! domain's fold, and settled against the lines already on approved statements. The statement
//! pages and `effekt ledger compute` both price through here, so they cannot disagree.

use std::collections::HashMap;

use chrono::NaiveDate;
use effekt_domain::contract::amendment::VersionState;
use effekt_domain::contract::cohort::{price_all, NamedFigure};
use effekt_domain::contract::judging::{achievements, Participant};
use effekt_domain::contract::ledger::{
    compute_in_force, AchievementInput, InForce, Ledger, Period,
};
use effekt_domain::contract::settlement::{
    keyed, settle, BookedLine, LineKey, PricedLine, SettledLine,
};
use effekt_domain::contract::terms::ContractTerms;
use effekt_domain::ids::{ContractId, PersonKey, ProviderId};
use effekt_domain::outcomes::timeline::Snapshot;
use effekt_domain::pseudonym::PseudonymKey;
use effekt_store::model::{
    NewStatement, ParticipantScope, SnapshotRecord, StatementLineRecord, StatementRecord,
};
use effekt_store::{Store, StoreError};

/// Why a contract cannot be priced or a period settled. The messages are for users.
#[derive(Debug, thiserror::Error)]
pub enum LedgerError {
    #[error("contract {0} has no stored terms; store them with `effekt contract import FILE --contract {0}`")]
    NoTerms(i64),
    #[error("no register snapshot is stored; import one with `effekt register import DIR`")]
    NoSnapshot,
    #[error("{0}")]
    Period(String),
    #[error(transparent)]
    Store(#[from] StoreError),
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

/// Which version prices which days: taken in version order, each version replaces every
/// earlier one from its effective date on (a later version effective earlier than an older one
/// overrides it entirely from then), and the result is ordered by date.
pub fn schedule(
    mut in_force: Vec<(u32, NaiveDate, ContractTerms)>,
) -> Vec<(u32, NaiveDate, ContractTerms)> {
    in_force.sort_by_key(|v| v.0);
    let mut out: Vec<(u32, NaiveDate, ContractTerms)> = Vec::new();
    for v in in_force {
        out.retain(|(_, from, _)| *from < v.1);
        out.push(v);
    }
    out.sort_by_key(|v| v.1);
    out
}

/// Prices the whole contract under its stored terms and the newest snapshot.
pub async fn price(
    store: &dyn Store,
    key: &PseudonymKey,
    contract: ContractId,
) -> Result<Pricing, LedgerError> {
    let versions = schedule(
        store
            .contract_versions(contract)
            .await?
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
    );
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
    let schedule = in_force(&versions);
    let input = achievements(&schedule, &participants, &judged);
    let ledger = compute_in_force(&schedule, &input);
    let mut priced = keyed(&schedule, &ledger, &input);
    drop(schedule);
    let figures: Vec<NamedFigure> = store
        .certified_figures(contract)
        .await?
        .into_iter()
        .map(|(f, _)| f)
        .collect();
    let mut cohort_lines = HashMap::new();
    if let Some((version, _, terms)) = versions.iter().max_by_key(|v| v.0) {
        for (line, reason) in cohort_priced(terms, *version, &figures) {
            cohort_lines.insert(line.key.clone(), reason);
            priced.push(line);
        }
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

/// The prefix of a contract-level line's `participant`.
pub const COHORT_PREFIX: &str = "Kohort ";

/// The cohort-level outcomes of `terms` priced on the newest certified figures, as ledger
/// lines dated on the certification (a cohort's line on its figure's date; a pooled trigger
/// line on the newest date), never after the contract's end; with each line's reason. The
/// pooled test of a trigger is made once a figure is certified after the contract's end.
fn cohort_priced(
    terms: &ContractTerms,
    version: u32,
    figures: &[NamedFigure],
) -> Vec<(PricedLine, String)> {
    let final_round = figures
        .iter()
        .any(|f| f.certified.certified_on > terms.ends);
    let newest_day = figures.iter().map(|f| f.certified.certified_on).max();
    let mut out = Vec::new();
    for (outcome, line) in price_all(&terms.cohort_outcomes, figures, final_round) {
        let figure = terms
            .cohort_outcomes
            .iter()
            .find(|o| o.name == outcome)
            .map(|o| o.figure.as_str());
        let date = figures
            .iter()
            .filter(|f| Some(f.figure.as_str()) == figure && f.certified.cohort == line.cohort)
            .map(|f| f.certified.certified_on)
            .max()
            .or(newest_day);
        let Some(date) = date.map(|d| d.min(terms.ends)) else {
            continue;
        };
        out.push((
            PricedLine {
                key: LineKey {
                    date,
                    outcome,
                    participant: format!("{COHORT_PREFIX}{}", line.cohort),
                    kind: effekt_domain::contract::ledger::LineKind::Payment,
                    occurrence: 0,
                },
                period: terms.periods.start_of(date),
                amount: line.amount,
                version,
                achievement: usize::MAX,
            },
            line.reason,
        ));
    }
    out
}

/// The statement of each period that is not withdrawn, by period start.
pub fn current(statements: &[StatementRecord]) -> Vec<&StatementRecord> {
    let mut out: Vec<&StatementRecord> = Vec::new();
    for s in statements {
        if s.rules().stage() == effekt_domain::contract::statement::Stage::Withdrawn {
            continue;
        }
        match out.iter_mut().find(|c| c.period == s.period) {
            Some(c) if c.id < s.id => *c = s,
            Some(_) => {}
            None => out.push(s),
        }
    }
    out.sort_by_key(|s| s.period_start);
    out
}

impl Pricing {
    /// The newest terms in force (the highest version number).
    pub fn terms(&self) -> Option<&ContractTerms> {
        self.versions.iter().max_by_key(|v| v.0).map(|v| &v.2)
    }

    /// The period a label names (see [`parse_period`]).
    pub fn period(&self, label: &str) -> Result<Period, LedgerError> {
        parse_period(
            self.terms().ok_or(LedgerError::NoTerms(self.contract.0))?,
            label,
        )
    }

    /// The first period whose statement is not yet approved (see [`open_period`]).
    pub fn open_period(&self, statements: &[StatementRecord]) -> Option<Period> {
        open_period(self.terms()?, statements)
    }

    /// The lines the statement of `period` holds now: its own lines, and when it is the open
    /// period, an adjustment for every earlier line whose price changed since it was approved.
    /// `booked` are the lines of approved and paid statements.
    pub fn draft(
        &self,
        period: &Period,
        open: bool,
        booked: &[StatementLineRecord],
    ) -> Vec<StatementLineRecord> {
        let booked_keys: Vec<BookedLine> = booked
            .iter()
            .map(|b| BookedLine {
                key: effekt_domain::contract::settlement::LineKey {
                    date: b.date,
                    outcome: b.outcome.clone(),
                    participant: b.participant.clone(),
                    kind: b.kind,
                    occurrence: b.occurrence,
                },
                amount: b.amount,
            })
            .collect();
        let settled: Vec<SettledLine> = if open {
            settle(&self.priced, &booked_keys, period.start)
        } else {
            let own: Vec<PricedLine> = self
                .priced
                .iter()
                .filter(|p| p.period == period.start)
                .cloned()
                .collect();
            settle(&own, &booked_keys, period.start)
                .into_iter()
                .filter(|l| !l.adjustment)
                .collect()
        };
        settled
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
            .collect()
    }

    /// The statement of the open period `period` as computed now: its lines with adjustments
    /// against `booked`, ready to store with the computation `computed`.
    pub fn statement(
        &self,
        period: &Period,
        booked: &[StatementLineRecord],
        computed: effekt_domain::contract::statement::Event,
    ) -> NewStatement {
        let lines = self.draft(period, true, booked);
        NewStatement {
            contract: self.contract,
            period: period.label.clone(),
            period_start: period.start,
            versions: self.versions_of(&lines),
            snapshot: self.snapshot.key.clone(),
            lines,
            computed,
        }
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

/// The period a label names, if the contract is paid in such periods and it overlaps the
/// contract.
pub fn parse_period(terms: &ContractTerms, label: &str) -> Result<Period, LedgerError> {
    let Some(period) = terms.periods.parse_label(label) else {
        return Err(LedgerError::Period(format!(
            "{label:?} is not a period of this contract: it is paid {}; name a period like {}",
            terms.periods.code(),
            terms.periods.period_of(terms.starts).label
        )));
    };
    if period.end < terms.starts || period.start > terms.ends {
        return Err(LedgerError::Period(format!(
            "{label} is outside the contract ({} to {})",
            terms.starts, terms.ends
        )));
    }
    Ok(period)
}

/// The first period whose statement is not yet approved: the only one that may be computed,
/// and the one adjustments are booked in. `None` when every period is approved.
pub fn open_period(terms: &ContractTerms, statements: &[StatementRecord]) -> Option<Period> {
    let current = current(statements);
    let mut period = terms.periods.period_of(terms.starts);
    while period.start <= terms.ends {
        let booked = current
            .iter()
            .any(|s| s.period == period.label && s.rules().stage().is_booked());
        if !booked {
            return Some(period);
        }
        period = terms.periods.period_of(period.end.succ_opt()?);
    }
    None
}

/// The lines of every approved or paid statement of the contract.
pub async fn booked_lines(
    store: &dyn Store,
    statements: &[StatementRecord],
) -> Result<Vec<StatementLineRecord>, StoreError> {
    let ids: Vec<i64> = current(statements)
        .into_iter()
        .filter(|s| s.rules().stage().is_booked())
        .map(|s| s.id)
        .collect();
    Ok(store
        .statement_lines(&ids, None)
        .await?
        .into_iter()
        .map(|(_, l)| l)
        .collect())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn terms(name: &str) -> ContractTerms {
        ContractTerms {
            name: name.into(),
            starts: "2025-01-01".parse().unwrap(),
            ends: "2027-12-31".parse().unwrap(),
            periods: effekt_domain::contract::terms::PeriodLength::Quarterly,
            parties: Vec::new(),
            outcomes: Vec::new(),
            cohort_outcomes: Vec::new(),
            caps: Default::default(),
            investment: None,
        }
    }

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn a_later_version_overrides_older_ones_from_its_effective_date() {
        // v2 from 1 October, then v3 (built on v2) from 1 August: v3 prices from August on,
        // and v2 never does.
        let s = schedule(vec![
            (3, day("2026-08-01"), terms("v3")),
            (1, day("2025-01-01"), terms("v1")),
            (2, day("2026-10-01"), terms("v2")),
        ]);
        let got: Vec<(u32, NaiveDate)> = s.iter().map(|v| (v.0, v.1)).collect();
        assert_eq!(got, vec![(1, day("2025-01-01")), (3, day("2026-08-01"))]);
        // A version from the start replaces everything before it.
        let s = schedule(vec![
            (1, day("2025-01-01"), terms("v1")),
            (2, day("2026-01-01"), terms("v2")),
            (3, day("2025-01-01"), terms("v3")),
        ]);
        assert_eq!(s.iter().map(|v| v.0).collect::<Vec<_>>(), vec![3]);
    }
}
