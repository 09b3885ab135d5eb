//! Outcomes in the product: a participant's outcomes for those who may see the participant,
//! and outcomes per provider, with small cells suppressed, for those who see aggregates. Both
//! judge the newest stored register snapshot with the domain's outcome functions, the same
//! ones `effekt verify` runs on files.
//!
//! A person none of whose national ids is in the snapshot gets no judgement at all: on an
//! empty timeline "months without benefits" would count as achieved, paying for missing data.

use effekt_domain::ids::{ParticipantId, ProviderId};
use effekt_domain::outcomes::timeline::Snapshot;
use effekt_domain::outcomes::{evaluate, Definition, Outcome, OutcomeKind, Status};
use effekt_domain::suppression::suppress;
use effekt_store::model::{ParticipantScope, ParticipantTimeline, SnapshotRecord};
use rust_decimal::{Decimal, RoundingStrategy};

use super::views::{
    AggregateRow, OutcomeResults, OutcomeTable, OutcomeView, ParticipantOutcomes, SnapshotView,
};
use super::{audit, AggregateAccess, ParticipantAccess};
use crate::WebError;

/// A decimal as Norwegian text with at most one decimal ("62,5").
pub(super) fn number_nb(m: Decimal) -> String {
    m.round_dp_with_strategy(1, RoundingStrategy::MidpointAwayFromZero)
        .normalize()
        .to_string()
        .replace('.', ",")
}

/// The magnitude in words, for the kinds where it means something to a reader.
fn magnitude_nb(kind: &OutcomeKind, m: Decimal) -> Option<String> {
    match kind {
        OutcomeKind::SustainedEmployment { .. } => {
            Some(format!("{} % stilling i snitt", number_nb(m)))
        }
        OutcomeKind::JobStart { .. } => Some(format!("{} % stilling", number_nb(m))),
        OutcomeKind::LanguageLevelReached { .. } => Some(format!("{} nivå(er) opp", number_nb(m))),
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

impl ParticipantAccess {
    /// The outcomes for the API, which shows no participant page first: a participant outside
    /// the scope is not found, a masked one is refused (both audited as denied), and only the
    /// register read is audited, not the person details used to decide.
    pub async fn outcomes_unless_masked(
        &self,
        id: ParticipantId,
    ) -> Result<ParticipantOutcomes, WebError> {
        let d = self
            .state
            .store
            .participant(self.scope, id, self.viewer.user.id)
            .await?;
        match d {
            None => {
                audit::deny(&self.state, &self.viewer, id, "participant.outcomes").await?;
                Err(WebError::NotFound { api: true })
            }
            Some(d) if !super::capabilities::unmasked(d.protection, d.viewer_assigned) => {
                audit::deny(&self.state, &self.viewer, id, "participant.outcomes").await?;
                Err(WebError::Forbidden { api: true })
            }
            Some(_) => self.outcomes(id).await,
        }
    }

    /// The participant's outcomes under its contract, from the newest snapshot. Reading the
    /// register data is audited; a participant outside the scope is not found (and audited as
    /// a denied read).
    pub async fn outcomes(&self, id: ParticipantId) -> Result<ParticipantOutcomes, WebError> {
        let store = &self.state.store;
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
            audit::deny(&self.state, &self.viewer, id, "participant.outcomes").await?;
            return Err(WebError::NotFound { api: false });
        };
        audit::permit(
            &self.state,
            &self.viewer,
            [t.person],
            "participant.outcomes",
        )
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

fn column(o: Option<&Outcome>) -> usize {
    match o.map(|o| o.status) {
        Some(Status::Achieved) => 0,
        Some(Status::NotAchieved) => 1,
        Some(Status::Pending) => 2,
        None => 3,
    }
}

impl AggregateAccess {
    /// For every contract with outcome definitions: each outcome's results per provider, as of
    /// the newest snapshot, with small cells suppressed. Empty when there is no such contract or
    /// no snapshot yet.
    pub async fn outcome_results(&self) -> Result<Vec<OutcomeResults>, WebError> {
        let store = &self.state.store;
        let Some(record) = store.register_snapshots().await?.into_iter().next() else {
            return Ok(Vec::new());
        };
        let mut all = Vec::new();
        for contract in store.contracts().await? {
            let definitions = store.contract_outcomes(contract.id).await?;
            if definitions.is_empty() {
                continue;
            }
            all.push(
                self.contract_results(contract, definitions, &record)
                    .await?,
            );
        }
        Ok(all)
    }

    async fn contract_results(
        &self,
        contract: effekt_store::model::ContractRow,
        definitions: Vec<Definition>,
        record: &SnapshotRecord,
    ) -> Result<OutcomeResults, WebError> {
        let store = &self.state.store;
        let timelines: Vec<ParticipantTimeline> = store
            .participant_timelines(ParticipantScope::Contract(contract.id), None, record.id)
            .await?
            .into_iter()
            .filter(|t| t.index_date.is_some())
            .collect();
        let mut providers: Vec<(ProviderId, String)> = Vec::new();
        for t in &timelines {
            if !providers.iter().any(|(id, _)| *id == t.provider) {
                providers.push((t.provider, t.provider_name.clone()));
            }
        }
        providers.sort_by(|a, b| a.1.cmp(&b.1));
        let snapshot = snapshot_of(record);
        let tables = definitions
            .iter()
            .map(|d| {
                let mut counts = vec![vec![0u64; OUTCOME_COLUMNS.len()]; providers.len()];
                for t in &timelines {
                    let row = providers.iter().position(|(id, _)| *id == t.provider);
                    if let Some(cells) = row.and_then(|r| counts.get_mut(r)) {
                        let c = column(judge(d, t, &snapshot).as_ref());
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
            .collect();
        Ok(OutcomeResults {
            contract: contract.name,
            snapshot: snapshot_view(record),
            tables,
        })
    }
}
