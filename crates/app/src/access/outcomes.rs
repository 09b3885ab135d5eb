//! Outcomes in the product: a participant's outcomes for those who may see the participant,
//! and outcomes per provider, with small cells suppressed, for those who see aggregates. Both
//! judge the newest stored register snapshot with the domain's outcome functions, the same
//! ones `effekt verify` runs on files; the contract-wide judgement is worked out once per
//! store generation and shared by `/resultater` and the investors' progress table.
//!
//! A person none of whose national ids is in the snapshot gets no judgement at all: on an
//! empty timeline "months without benefits" would count as achieved, paying for missing data.

use std::sync::Arc;

use chrono::NaiveDate;
use effekt_domain::ids::{ContractId, ParticipantId, ProviderId};
use effekt_domain::outcomes::timeline::Snapshot;
use effekt_domain::outcomes::{evaluate, Definition, Outcome, OutcomeKind, Status};
use effekt_domain::suppression::suppress;
use effekt_store::model::{ParticipantScope, ParticipantTimeline, SnapshotRecord};
use rust_decimal::Decimal;

use super::participants::unmasked;
use super::{number_nb, AggregateAccess, ParticipantAccess};
use crate::audit::{self, Purpose};
use crate::views::{
    AggregateRow, OutcomeResults, OutcomeTable, OutcomeView, ParticipantOutcomes, SnapshotView,
};
use crate::{App, AppError};

/// The magnitude in words, for the kinds where it means something to a reader.
fn magnitude_nb(kind: &OutcomeKind, m: Decimal) -> Option<String> {
    match kind {
        OutcomeKind::SustainedEmployment { .. } => {
            Some(format!("{} % stilling i snitt", number_nb(m)))
        }
        OutcomeKind::JobStart { .. } => Some(format!("{} % stilling", number_nb(m))),
        OutcomeKind::LanguageLevelReached { .. } | OutcomeKind::LanguageLevelAssessed { .. } => {
            Some(format!("{} nivå(er) opp", number_nb(m)))
        }
        OutcomeKind::SoftScoreGain { .. } => Some(format!("+{} poeng", number_nb(m))),
        _ => None,
    }
}

fn view(d: &Definition, o: &Outcome) -> OutcomeView {
    let first = o.achievements.first();
    OutcomeView {
        name: d.name.clone(),
        status: o.status.code().to_owned(),
        status_label: o.status.label_nb().to_owned(),
        date: first.map(|a| a.date),
        magnitude: first.and_then(|a| magnitude_nb(&d.kind, a.magnitude)),
        times: o.achievements.len(),
        evidence: first.map(|a| a.evidence.clone()).unwrap_or_default(),
    }
}

fn snapshot_of(record: &SnapshotRecord) -> Snapshot {
    Snapshot {
        id: record.key.clone(),
        cutoff: record.cutoff,
    }
}

fn snapshot_view(record: &SnapshotRecord) -> SnapshotView {
    SnapshotView {
        key: record.key.clone(),
        cutoff: record.cutoff,
    }
}

/// The outcome of `d` for `t`, or `None` when there is nothing to judge yet.
fn judge(d: &Definition, t: &ParticipantTimeline, snapshot: &Snapshot) -> Option<Outcome> {
    let index = t.index_date?;
    t.in_register
        .then(|| evaluate(&d.kind, &t.timeline, index, snapshot))
}

/// One started participant's judgement: no names, no timeline, only what tables count.
pub(crate) struct JudgedParticipant {
    pub(crate) provider: ProviderId,
    pub(crate) provider_name: String,
    pub(crate) index_date: NaiveDate,
    /// Per outcome definition, in contract order; `None` when not in the register.
    pub(crate) statuses: Vec<Option<Status>>,
}

/// A contract's started participants judged on the newest snapshot, as the published tables:
/// suppressed counts only, the same for every role that may see them, worked out once.
pub(crate) struct Judged {
    pub(crate) snapshot: SnapshotRecord,
    /// One per outcome definition (none when the contract has none).
    pub(crate) tables: Vec<OutcomeTable>,
    /// Reached at least one outcome, or not yet, per cohort and provider.
    pub(crate) progress: crate::views::ProgressTable,
}

async fn judge_contract(
    app: &App,
    contract: ContractId,
    record: SnapshotRecord,
) -> Result<Judged, AppError> {
    let definitions = app.store.contract_outcomes(contract).await?;
    let snapshot = snapshot_of(&record);
    let participants: Vec<JudgedParticipant> = app
        .store
        .participant_timelines(ParticipantScope::Contract(contract), None, record.id)
        .await?
        .into_iter()
        .filter_map(|t| {
            Some(JudgedParticipant {
                index_date: t.index_date?,
                statuses: definitions
                    .iter()
                    .map(|d| judge(d, &t, &snapshot).map(|o| o.status))
                    .collect(),
                provider: t.provider,
                provider_name: t.provider_name,
            })
        })
        .collect();
    let providers = providers(&participants);
    Ok(Judged {
        tables: tables(&definitions, &providers, &participants),
        progress: super::investments::progress(contract.0, &record.key, &providers, &participants),
        snapshot: record,
    })
}

impl App {
    /// The contract's started participants judged on the newest snapshot, once per store
    /// generation; `None` before any snapshot is imported.
    ///
    /// The work runs on its own task, so that a request given up halfway does not throw away
    /// what the next request would wait for.
    pub(crate) async fn judged(
        &self,
        contract: ContractId,
    ) -> Result<Option<Arc<Judged>>, AppError> {
        let app = self.clone();
        tokio::spawn(async move {
            let generation = app.store.generation().await?;
            let Some(record) = app.store.register_snapshots().await?.into_iter().next() else {
                return Ok(None);
            };
            app.cache
                .judged
                .get_or_compute(contract, generation, || {
                    judge_contract(&app, contract, record)
                })
                .await
                .map(Some)
        })
        .await
        .map_err(|e| AppError::internal("judging outcomes", e))?
    }
}

impl ParticipantAccess {
    /// The outcomes for the API, which shows no participant page first: a participant outside
    /// the scope is not found, a masked one is refused (both audited as denied), and only the
    /// register read is audited, not the person details used to decide.
    pub async fn outcomes_unless_masked(
        &self,
        id: ParticipantId,
    ) -> Result<ParticipantOutcomes, AppError> {
        let d = self
            .app
            .store
            .participant(self.scope, id, self.viewer.user.id)
            .await?;
        match d {
            None => {
                audit::deny(&self.app, &self.viewer, id, Purpose::ParticipantOutcomes).await?;
                Err(AppError::NotFound)
            }
            Some(d)
                if !unmasked(d.protection, d.viewer_assigned)
                    || !super::team::sees_whole_record(&self.viewer.user, &d) =>
            {
                audit::deny(&self.app, &self.viewer, id, Purpose::ParticipantOutcomes).await?;
                Err(AppError::Forbidden)
            }
            Some(_) => self.outcomes(id).await,
        }
    }

    /// The participant's outcomes under its contract, from the newest snapshot. Reading the
    /// register data is audited; a participant outside the scope is not found (and audited as
    /// a denied read).
    pub async fn outcomes(&self, id: ParticipantId) -> Result<ParticipantOutcomes, AppError> {
        let store = &self.app.store;
        let Some(record) = store.register_snapshots().await?.into_iter().next() else {
            return Ok(ParticipantOutcomes {
                snapshot: None,
                not_started: false,
                not_in_register: false,
                rows: Vec::new(),
            });
        };
        let Some(t) = store
            .participant_timelines(self.scope, Some(id), record.id)
            .await?
            .into_iter()
            .next()
        else {
            audit::deny(&self.app, &self.viewer, id, Purpose::ParticipantOutcomes).await?;
            return Err(AppError::NotFound);
        };
        self.permit([t.person], Purpose::ParticipantOutcomes)
            .await?;
        let definitions = store.contract_outcomes(t.contract).await?;
        let snapshot = snapshot_of(&record);
        let rows = definitions
            .iter()
            .filter_map(|d| judge(d, &t, &snapshot).map(|o| view(d, &o)))
            .collect();
        Ok(ParticipantOutcomes {
            snapshot: Some(snapshot_view(&record)),
            not_started: t.index_date.is_none(),
            not_in_register: !t.in_register,
            rows,
        })
    }
}

/// The columns of an outcome table: a partition of the participants who have started, so that
/// no cell can be worked out from the others once suppressed.
const OUTCOME_COLUMNS: [&str; 4] = ["Oppnådd", "Ikke oppnådd", "Venter", "Ikke i registeret"];

fn column(status: Option<Status>) -> usize {
    match status {
        Some(Status::Achieved) => 0,
        Some(Status::NotAchieved) => 1,
        Some(Status::Pending) => 2,
        None => 3,
    }
}

/// The providers of the judged participants, by name.
fn providers(participants: &[JudgedParticipant]) -> Vec<(ProviderId, String)> {
    let mut providers: Vec<(ProviderId, String)> = Vec::new();
    for p in participants {
        if !providers.iter().any(|(id, _)| *id == p.provider) {
            providers.push((p.provider, p.provider_name.clone()));
        }
    }
    providers.sort_by(|a, b| a.1.cmp(&b.1));
    providers
}

impl AggregateAccess {
    /// For every contract with outcome definitions: each outcome's results per provider, as of
    /// the newest snapshot, with small cells suppressed. Empty when there is no such contract or
    /// no snapshot yet.
    pub async fn outcome_results(&self) -> Result<Vec<OutcomeResults>, AppError> {
        let mut all = Vec::new();
        for contract in self.contracts().await? {
            let Some(judged) = self.app.judged(contract.id).await? else {
                return Ok(Vec::new());
            };
            if judged.tables.is_empty() {
                continue;
            }
            all.push(OutcomeResults {
                contract: contract.name,
                snapshot: snapshot_view(&judged.snapshot),
                tables: judged.tables.clone(),
            });
        }
        Ok(all)
    }
}

/// Each outcome's results per provider, suppressed.
fn tables(
    definitions: &[Definition],
    providers: &[(ProviderId, String)],
    participants: &[JudgedParticipant],
) -> Vec<OutcomeTable> {
    definitions
        .iter()
        .enumerate()
        .map(|(i, d)| {
            let mut counts = vec![vec![0u64; OUTCOME_COLUMNS.len()]; providers.len()];
            for p in participants {
                let row = providers.iter().position(|(id, _)| *id == p.provider);
                if let Some(cells) = row.and_then(|r| counts.get_mut(r)) {
                    let c = column(p.statuses.get(i).copied().flatten());
                    if let Some(cell) = cells.get_mut(c) {
                        *cell += 1;
                    }
                }
            }
            let s = suppress(&counts);
            OutcomeTable {
                name: d.name.clone(),
                columns: OUTCOME_COLUMNS.iter().map(|c| (*c).to_owned()).collect(),
                rows: providers
                    .iter()
                    .zip(&s.cells)
                    .zip(&s.row_totals)
                    .map(|(((_, name), cells), total)| AggregateRow {
                        label: name.clone(),
                        cells: cells.iter().map(|c| c.display()).collect(),
                        total: total.display(),
                    })
                    .collect(),
                column_totals: s.column_totals.iter().map(|c| c.display()).collect(),
                total: s.total.display(),
            }
        })
        .collect()
}
