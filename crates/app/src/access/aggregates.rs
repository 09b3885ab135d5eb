//! Counts only, with small cells suppressed (primary and secondary): participants per provider
//! and status group.

use effekt_domain::ids::{ContractId, ProviderId};
use effekt_domain::participant::ParticipantStatus;
use effekt_domain::referrals::{answer_time, median_days, AnswerTime, ANSWER_WITHIN_DAYS};
use effekt_domain::suppression::{suppress, Cell};

use crate::views::*;
use crate::{App, AppError, Viewer};

/// The status groups an aggregate table shows, in order.
const STATUS_GROUPS: [(&str, &[ParticipantStatus]); 4] = [
    (
        "Før oppstart",
        &[
            ParticipantStatus::SoktInn,
            ParticipantStatus::Vurderes,
            ParticipantStatus::Venteliste,
            ParticipantStatus::VenterPaOppstart,
        ],
    ),
    ("Deltar", &[ParticipantStatus::Deltar]),
    (
        "Avsluttet",
        &[
            ParticipantStatus::HarSluttet,
            ParticipantStatus::Fullfort,
            ParticipantStatus::Avbrutt,
        ],
    ),
    (
        "Ikke aktuell",
        &[
            ParticipantStatus::IkkeAktuell,
            ParticipantStatus::Feilregistrert,
        ],
    ),
];

/// The status group a status is counted (and generalised) under.
pub(crate) fn status_group(status: ParticipantStatus) -> &'static str {
    STATUS_GROUPS
        .iter()
        .find(|(_, members)| members.contains(&status))
        .map_or("Ikke aktuell", |(label, _)| *label)
}

/// Counts only, with small cells suppressed (primary and secondary).
pub struct AggregateAccess {
    pub(super) app: App,
    pub(super) viewer: Viewer,
}

impl AggregateAccess {
    pub(crate) fn new(app: App, viewer: Viewer) -> Self {
        Self { app, viewer }
    }

    /// The contracts this viewer reads: an investor only those it is a party to.
    pub(super) async fn contracts(
        &self,
    ) -> Result<Vec<effekt_store::model::ContractRow>, AppError> {
        let mut out = Vec::new();
        for c in self.app.store.contracts().await? {
            if self.viewer.reads_contract(&self.app, c.id).await? {
                out.push(c);
            }
        }
        Ok(out)
    }

    /// Participants per provider and status group of the first contract the viewer reads.
    pub async fn overview(&self) -> Result<Option<AggregateOverview>, AppError> {
        let Some(contract) = self.contracts().await?.into_iter().next() else {
            return Ok(None);
        };
        let counts = self.app.store.status_counts(contract.id).await?;
        let mut providers: Vec<(ProviderId, String)> = Vec::new();
        for c in &counts {
            if !providers.iter().any(|(id, _)| *id == c.provider) {
                providers.push((c.provider, c.provider_name.clone()));
            }
        }
        let table: Vec<Vec<u64>> = providers
            .iter()
            .map(|(id, _)| {
                STATUS_GROUPS
                    .iter()
                    .map(|(_, statuses)| {
                        counts
                            .iter()
                            .filter(|c| c.provider == *id && statuses.contains(&c.status))
                            .map(|c| c.count)
                            .sum()
                    })
                    .collect()
            })
            .collect();
        let t = suppress(&table);
        let text = |c: &Cell| c.display();
        let workspace = self.workspace(contract.id, &providers).await?;
        Ok(Some(AggregateOverview {
            workspace,
            contract: contract.name,
            starts: contract.starts,
            ends: contract.ends,
            target_cohort: contract.target_cohort,
            columns: STATUS_GROUPS.iter().map(|(l, _)| (*l).to_owned()).collect(),
            rows: providers
                .iter()
                .zip(&t.cells)
                .zip(&t.row_totals)
                .map(|(((_, name), cells), total)| AggregateRow {
                    label: name.clone(),
                    cells: cells.iter().map(text).collect(),
                    total: total.display(),
                })
                .collect(),
            column_totals: t.column_totals.iter().map(text).collect(),
            total: t.total.display(),
        }))
    }

    /// The workspace's figures for `contract`: counts suppressed (primary and secondary) like
    /// every published count, a median only over five or more answers that are shown.
    async fn workspace(
        &self,
        contract: ContractId,
        providers: &[(ProviderId, String)],
    ) -> Result<WorkspaceFigures, AppError> {
        let times = self.app.store.referral_answer_times(contract).await?;
        let milestones = self
            .app
            .store
            .participants_with_verified_milestone(contract)
            .await?;
        let kinds = [AnswerTime::InTime, AnswerTime::Late, AnswerTime::Waiting];
        let table: Vec<Vec<u64>> = providers
            .iter()
            .map(|(id, _)| {
                kinds
                    .iter()
                    .map(|k| {
                        times
                            .iter()
                            .filter(|t| {
                                t.provider == *id && answer_time(t.answer_due, t.answered_on) == *k
                            })
                            .count() as u64
                    })
                    .collect()
            })
            .collect();
        let referrals = suppress(&table);
        let reached: Vec<Vec<u64>> = providers
            .iter()
            .map(|(id, _)| {
                vec![milestones
                    .iter()
                    .find(|(p, _)| p == id)
                    .map_or(0, |(_, n)| *n)]
            })
            .collect();
        let reached = suppress(&reached);
        let rows = providers
            .iter()
            .enumerate()
            .map(|(i, (id, name))| {
                let cells = &referrals.cells[i];
                // A median only where both answered cells are shown and hold five or more.
                let answered_shown = cells[0].is_shown() && cells[1].is_shown();
                let days: Vec<i64> = times
                    .iter()
                    .filter(|t| t.provider == *id)
                    .filter_map(|t| t.answered_on.map(|on| (on - t.referred_on).num_days()))
                    .collect();
                let median = (answered_shown && days.len() >= 5)
                    .then(|| median_days(&days))
                    .flatten()
                    .map_or_else(|| "–".to_owned(), |m| m.to_string().replace('.', ","));
                WorkspaceRow {
                    label: name.clone(),
                    cells: cells.iter().map(|c| c.display()).collect(),
                    total: referrals.row_totals[i].display(),
                    median_days: median,
                    milestones: reached.cells[i]
                        .first()
                        .map_or_else(String::new, |c| c.display()),
                }
            })
            .collect();
        let attendance = self.attendance(contract, providers).await?;
        Ok(WorkspaceFigures {
            attendance,
            answer_within_days: ANSWER_WITHIN_DAYS,
            columns: vec![
                "Innen fristen".to_owned(),
                "Etter fristen".to_owned(),
                "Venter".to_owned(),
            ],
            rows,
            column_totals: referrals
                .column_totals
                .iter()
                .map(|c| c.display())
                .collect(),
            total: referrals.total.display(),
            milestones_total: reached
                .column_totals
                .first()
                .map_or_else(String::new, |c| c.display()),
        })
    }
}
