//! Named participants within one Nav office or one provider organisation: the list, the
//! participant's page (masked where the person is protected and the viewer not assigned), and
//! a new national id registered by the Nav case officer.

use chrono::NaiveDate;
use effekt_domain::ids::ParticipantId;
use effekt_domain::national_id::NationalId;
use effekt_domain::person::{IdHistoryError, Protection};
use effekt_domain::role::Role;
use effekt_store::model::{
    GroupRow, ParticipantDetail, ParticipantQuery, ParticipantRow, ParticipantScope,
};
use effekt_store::StoreError;

use crate::audit::{self, Purpose};
use crate::views::*;
use crate::{App, AppError, FieldError, Viewer};

/// Whether this viewer sees the person's identifying fields.
pub(crate) fn unmasked(protection: Protection, viewer_assigned: bool) -> bool {
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
        // An exact date narrows down who a masked person is.
        start_date: row.index_date.filter(|_| open),
    }
}

/// The strictest protection first: the mask a household takes from its members.
fn strictness(p: Protection) -> u8 {
    match p {
        Protection::StrengtFortrolig | Protection::StrengtFortroligUtland => 3,
        Protection::Fortrolig => 2,
        Protection::Skjermet => 1,
        Protection::None => 0,
    }
}

/// A participant's page as this viewer may see it, and the persons shown on it (to audit).
///
/// Masking follows links. The person is masked when protected and the viewer is not assigned
/// to them: no name, national id, birth date, country of birth, address, phone, id history,
/// exact dates or free text. A household member masked for the viewer masks what links to
/// them: the household's name, the member itself (left out of the list, with its link), and
/// this person's own address and phone, which are that member's address and phone too.
fn detail(d: &ParticipantDetail) -> (ParticipantDetailView, Vec<effekt_domain::ids::PersonKey>) {
    let open = unmasked(d.protection, d.viewer_assigned);
    let hidden = || mask(d.protection);
    let masked_member = d
        .household_members
        .iter()
        .filter(|m| !unmasked(m.protection, m.viewer_assigned))
        .map(|m| m.protection)
        .max_by_key(|p| strictness(*p));
    // What stands in for anything the household or the person would give away.
    let cover = |own: Option<String>| -> Option<String> {
        match (open, masked_member) {
            (false, _) => Some(hidden()),
            (true, Some(member)) => Some(mask(member)),
            (true, None) => own,
        }
    };
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
        start_date: d.statuses.index_date().filter(|_| open),
    };
    let mut shown = vec![d.person];
    let household = d.household.as_ref().map(|(_, name)| HouseholdView {
        name: if !open {
            hidden()
        } else if let Some(member) = masked_member {
            mask(member)
        } else {
            name.clone()
        },
        members: if open {
            d.household_members
                .iter()
                .filter(|m| unmasked(m.protection, m.viewer_assigned))
                .map(|m| {
                    shown.push(m.person);
                    HouseholdMemberView {
                        name: format!("{} {}", m.given_name, m.family_name),
                        masked: false,
                        relation: m.kind.label_nb().to_owned(),
                        participant_id: m.participant.map(|p| p.0),
                    }
                })
                .collect()
        } else {
            Vec::new()
        },
    });
    let view = ParticipantDetailView {
        summary,
        birth_date: open.then_some(d.birth_date),
        country_of_birth: if open {
            d.country_of_birth.clone()
        } else {
            hidden()
        },
        address: cover(d.address.clone()),
        phone: cover(d.phone.clone()),
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
        // Exact dates and free text are left out for a masked person.
        statuses: if open {
            d.statuses
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
                .collect()
        } else {
            Vec::new()
        },
        household,
    };
    (view, shown)
}

/// Named participants within one Nav office or one provider organisation.
pub struct ParticipantAccess {
    pub(super) app: App,
    pub(super) viewer: Viewer,
    pub(super) scope: ParticipantScope,
}

impl ParticipantAccess {
    pub(crate) fn new(app: App, viewer: Viewer, scope: ParticipantScope) -> Self {
        Self { app, viewer, scope }
    }

    /// One page of the list; every participant on it is audited.
    pub async fn list(&self, query: &ParticipantQuery) -> Result<ParticipantList, AppError> {
        let page = self
            .app
            .store
            .list_participants(self.scope, query, self.viewer.user.id)
            .await?;
        audit::permit(
            &self.app,
            &self.viewer,
            page.items.iter().map(|r| r.person),
            Purpose::ParticipantList,
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
    pub async fn get(&self, id: ParticipantId) -> Result<ParticipantDetailView, AppError> {
        let Some(d) = self
            .app
            .store
            .participant(self.scope, id, self.viewer.user.id)
            .await?
        else {
            audit::deny(&self.app, &self.viewer, id, Purpose::ParticipantView).await?;
            return Err(AppError::NotFound);
        };
        let (view, shown) = detail(&d);
        audit::permit(&self.app, &self.viewer, shown, Purpose::ParticipantView).await?;
        Ok(view)
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
    ) -> Result<Result<(), FieldError>, AppError> {
        let Some(d) = self
            .app
            .store
            .participant(self.scope, id, self.viewer.user.id)
            .await?
        else {
            audit::deny(&self.app, &self.viewer, id, Purpose::ParticipantIdChange).await?;
            return Err(AppError::NotFound);
        };
        if self.viewer.user.role != Role::NavCaseOfficer
            || !unmasked(d.protection, d.viewer_assigned)
        {
            audit::deny(&self.app, &self.viewer, id, Purpose::ParticipantIdChange).await?;
            return Err(AppError::Forbidden);
        }
        let field = |m: &str| FieldError::new("fodselsnummer", m);
        let refusal = match self
            .app
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
            &self.app,
            &self.viewer,
            [d.person],
            Purpose::ParticipantIdChange,
        )
        .await?;
        Ok(Ok(()))
    }

    /// The groups the viewer's participants belong to (for filtering; no personal data).
    pub async fn groups(&self) -> Result<Vec<GroupRow>, AppError> {
        Ok(self.app.store.groups(self.scope).await?)
    }
}
