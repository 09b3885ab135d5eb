//! Counts only, with small cells suppressed (primary and secondary): participants per provider
//! and status group.

use effekt_domain::ids::ProviderId;
use effekt_domain::participant::ParticipantStatus;
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
        Ok(Some(AggregateOverview {
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
}
