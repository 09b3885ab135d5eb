//! The capabilities. Each can only be built by [`super::Viewer`] after its role check.

use chrono::NaiveDate;
use effekt_domain::ids::{ParticipantId, ProviderId};
use effekt_domain::national_id::NationalId;
use effekt_domain::participant::ParticipantStatus;
use effekt_domain::person::IdHistoryError;
use effekt_domain::person::Protection;
use effekt_domain::role::Role;
use effekt_domain::suppression::{suppress, Cell};
use effekt_store::model::{
    GroupRow, ParticipantDetail, ParticipantQuery, ParticipantRow, ParticipantScope, SortKey,
};

use effekt_store::StoreError;

use super::views::*;
use super::{audit, AppState, Viewer};
use crate::forms::FieldError;
use crate::WebError;

/// Whether this viewer sees the person's identifying fields.
pub(super) fn unmasked(protection: Protection, viewer_assigned: bool) -> bool {
    !protection.is_protected() || viewer_assigned
}

fn mask(protection: Protection) -> String {
    protection.mask_nb().unwrap_or_default().to_owned()
}

fn summary(row: &ParticipantRow) -> ParticipantSummary {
    let open = unmasked(row.protection, row.viewer_assigned);
    ParticipantSummary {
        id: row.id.0,
        name: if open {
            format!("{} {}", row.given_name, row.family_name)
        } else {
            mask(row.protection)
        },
        national_id: if open {
            row.national_id.clone()
        } else {
            mask(row.protection)
        },
        masked: !open,
        status: row.status.code().to_owned(),
        status_label: row.status.label_nb().to_owned(),
        group: row.group_name.clone(),
        provider: row.provider_name.clone(),
        nav_office: row.nav_office_name.clone(),
        start_date: row.index_date,
    }
}

fn detail(d: &ParticipantDetail) -> ParticipantDetailView {
    let open = unmasked(d.protection, d.viewer_assigned);
    let hidden = || mask(d.protection);
    let current = d.statuses.current();
    let summary = ParticipantSummary {
        id: d.id.0,
        name: if open {
            format!("{} {}", d.given_name, d.family_name)
        } else {
            hidden()
        },
        national_id: if open {
            d.ids.current().to_string()
        } else {
            hidden()
        },
        masked: !open,
        status: current.status.code().to_owned(),
        status_label: current.status.label_nb().to_owned(),
        group: d.group_name.clone(),
        provider: d.provider_name.clone(),
        nav_office: d.nav_office_name.clone(),
        start_date: d.statuses.index_date(),
    };
    let household = d.household.as_ref().map(|(_, name)| HouseholdView {
        name: if open { name.clone() } else { hidden() },
        members: d
            .household_members
            .iter()
            .map(|m| {
                let member_open = unmasked(m.protection, m.viewer_assigned);
                HouseholdMemberView {
                    name: if member_open {
                        format!("{} {}", m.given_name, m.family_name)
                    } else {
                        mask(m.protection)
                    },
                    masked: !member_open,
                    relation: m.kind.label_nb().to_owned(),
                    participant_id: m.participant.map(|p| p.0),
                }
            })
            .collect(),
    });
    ParticipantDetailView {
        summary,
        birth_date: open.then_some(d.birth_date),
        country_of_birth: d.country_of_birth.clone(),
        address: if open {
            d.address.clone()
        } else {
            Some(hidden())
        },
        phone: if open {
            d.phone.clone()
        } else {
            Some(hidden())
        },
        id_history: if open {
            d.ids
                .records()
                .iter()
                .map(|r| IdEntry {
                    national_id: r.national_id.to_string(),
                    kind: r.national_id.kind().code().to_owned(),
                    valid_from: r.valid_from,
                })
                .collect()
        } else {
            Vec::new()
        },
        statuses: d
            .statuses
            .periods()
            .iter()
            .rev()
            .map(|p| StatusEntry {
                status: p.status.code().to_owned(),
                status_label: p.status.label_nb().to_owned(),
                end_reason: p.ended.as_ref().map(|e| e.reason.code().to_owned()),
                end_reason_label: p.ended.as_ref().map(|e| e.reason.label_nb().to_owned()),
                description: p.ended.as_ref().and_then(|e| e.description.clone()),
                valid_from: p.valid_from,
                valid_to: p.valid_to,
            })
            .collect(),
        household,
    }
}

/// Named participants within one Nav office or one provider organisation.
pub struct ParticipantAccess {
    pub(super) state: AppState,
    pub(super) viewer: Viewer,
    pub(super) scope: ParticipantScope,
}

impl ParticipantAccess {
    pub(super) fn new(state: AppState, viewer: Viewer, scope: ParticipantScope) -> Self {
        Self {
            state,
            viewer,
            scope,
        }
    }

    /// One page of the list; every participant on it is audited.
    pub async fn list(&self, query: &ParticipantQuery) -> Result<ParticipantList, WebError> {
        let page = self
            .state
            .store
            .list_participants(self.scope, query, self.viewer.user.id)
            .await?;
        audit::permit(
            &self.state,
            &self.viewer,
            page.items.iter().map(|r| r.person),
            "participant.list",
        )
        .await?;
        Ok(ParticipantList {
            items: page.items.iter().map(summary).collect(),
            total: page.total,
            total_exact: page.total_exact,
            page: page.page,
            per_page: page.per_page,
            page_count: page.page_count(),
        })
    }

    /// A participant's page, or not found (audited as denied) when outside the scope.
    pub async fn get(
        &self,
        id: ParticipantId,
        api: bool,
    ) -> Result<ParticipantDetailView, WebError> {
        let Some(d) = self
            .state
            .store
            .participant(self.scope, id, self.viewer.user.id)
            .await?
        else {
            audit::deny(&self.state, &self.viewer, id, "participant.view").await?;
            return Err(WebError::NotFound { api });
        };
        let shown = std::iter::once(d.person).chain(d.household_members.iter().map(|m| m.person));
        audit::permit(&self.state, &self.viewer, shown, "participant.view").await?;
        Ok(detail(&d))
    }

    /// Whether this viewer may register a new national id: Nav case officers, for participants
    /// they see unmasked.
    pub fn may_change_national_id(&self, p: &ParticipantDetailView) -> bool {
        self.viewer.user.role == Role::NavCaseOfficer && !p.summary.masked
    }

    /// Registers a new national id for the participant's person (e.g. the fødselsnummer that
    /// replaces a D-nummer). The person keeps its key, so history, pseudonyms and register
    /// links hold. Refusals that concern the input come back as field errors; nothing is
    /// stored then.
    pub async fn change_national_id(
        &self,
        id: ParticipantId,
        national_id: &NationalId,
        valid_from: NaiveDate,
    ) -> Result<Result<(), FieldError>, WebError> {
        let Some(d) = self
            .state
            .store
            .participant(self.scope, id, self.viewer.user.id)
            .await?
        else {
            audit::deny(&self.state, &self.viewer, id, "participant.id-change").await?;
            return Err(WebError::NotFound { api: false });
        };
        if self.viewer.user.role != Role::NavCaseOfficer
            || !unmasked(d.protection, d.viewer_assigned)
        {
            audit::deny(&self.state, &self.viewer, id, "participant.id-change").await?;
            return Err(WebError::Forbidden { api: false });
        }
        let field = |m: &str| FieldError::new("fodselsnummer", m);
        let refusal = match self
            .state
            .store
            .change_national_id(d.person, national_id, valid_from)
            .await
        {
            Ok(()) => None,
            Err(StoreError::IdTaken) => Some(field("Fødselsnummeret tilhører en annen person.")),
            Err(StoreError::IdHistory(IdHistoryError::Repeated)) => {
                Some(field("Personen har allerede dette nummeret."))
            }
            Err(StoreError::IdHistory(IdHistoryError::BackToDNumber)) => {
                Some(field("Et fødselsnummer kan ikke erstattes av et D-nummer."))
            }
            Err(StoreError::IdHistory(IdHistoryError::Unordered)) => Some(FieldError::new(
                "gyldig_fra",
                "Datoen må være etter forrige endring av ident.",
            )),
            Err(e) => return Err(e.into()),
        };
        if let Some(error) = refusal {
            return Ok(Err(error));
        }
        audit::permit(
            &self.state,
            &self.viewer,
            [d.person],
            "participant.id-change",
        )
        .await?;
        Ok(Ok(()))
    }

    /// The groups the viewer's participants belong to (for filtering; no personal data).
    pub async fn groups(&self) -> Result<Vec<GroupRow>, WebError> {
        Ok(self.state.store.groups(self.scope).await?)
    }
}

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

/// Counts only, with small cells suppressed (primary and secondary).
pub struct AggregateAccess {
    pub(super) state: AppState,
}

impl AggregateAccess {
    pub(super) fn new(state: AppState) -> Self {
        Self { state }
    }

    /// Participants per provider and status group of the first contract.
    pub async fn overview(&self) -> Result<Option<AggregateOverview>, WebError> {
        let Some(contract) = self.state.store.contracts().await?.into_iter().next() else {
            return Ok(None);
        };
        let counts = self.state.store.status_counts(contract.id).await?;
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

/// Pseudonymised microdata for the evaluator: no names, no national ids, no name search.
pub struct PseudonymisedAccess {
    state: AppState,
    viewer: Viewer,
}

impl PseudonymisedAccess {
    pub(super) fn new(state: AppState, viewer: Viewer) -> Self {
        Self { state, viewer }
    }

    pub async fn list(
        &self,
        query: &ParticipantQuery,
    ) -> Result<Option<PseudonymisedList>, WebError> {
        let Some(contract) = self.state.store.contracts().await?.into_iter().next() else {
            return Ok(None);
        };
        // Neither search nor name order: both would let names through the back door.
        let query = ParticipantQuery {
            search: None,
            sort: match query.sort {
                SortKey::Status => SortKey::Status,
                _ => SortKey::StartDate,
            },
            ..query.clone()
        };
        let page = self
            .state
            .store
            .list_participants(
                ParticipantScope::Contract(contract.id),
                &query,
                self.viewer.user.id,
            )
            .await?;
        audit::permit(
            &self.state,
            &self.viewer,
            page.items.iter().map(|r| r.person),
            "evaluation.pseudonymised",
        )
        .await?;
        Ok(Some(PseudonymisedList {
            items: page
                .items
                .iter()
                .map(|r| PseudonymisedRow {
                    pseudonym: self.state.pseudonyms.pseudonym(contract.id, r.person),
                    provider: r.provider_name.clone(),
                    status: r.status.code().to_owned(),
                    status_label: r.status.label_nb().to_owned(),
                    group: r.group_name.clone(),
                    start_date: r.index_date,
                })
                .collect(),
            total: page.total,
            total_exact: page.total_exact,
            page: page.page,
            page_count: page.page_count(),
        }))
    }
}

/// Accounts and configuration.
pub struct AdminAccess {
    state: AppState,
}

impl AdminAccess {
    pub(super) fn new(state: AppState) -> Self {
        Self { state }
    }

    pub async fn users(&self) -> Result<Vec<UserView>, WebError> {
        Ok(self
            .state
            .store
            .users()
            .await?
            .into_iter()
            .map(|u| UserView {
                username: u.username,
                display_name: u.display_name,
                role: u.role.label_nb().to_owned(),
            })
            .collect())
    }
}
