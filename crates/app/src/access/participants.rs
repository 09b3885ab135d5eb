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

pub(super) fn mask(protection: Protection) -> String {
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

/// The person as a teacher who is not on the team sees them: name, status and group; no
/// national id, birth date, country, address, phone, id history, household or free text.
fn for_teacher(view: &mut ParticipantDetailView) {
    "–".clone_into(&mut view.summary.national_id);
    view.birth_date = None;
    "–".clone_into(&mut view.country_of_birth);
    view.address = None;
    view.phone = None;
    view.id_history.clear();
    view.household = None;
    for s in &mut view.statuses {
        s.description = None;
    }
}

/// What registering an id change did: it waits for a second Nav case officer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdChange {
    Waiting,
}

fn waiting_already() -> FieldError {
    FieldError::new(
        "fodselsnummer",
        "En annen endring av ident venter allerede på bekreftelse for denne personen.",
    )
}

/// Why the person's own id history refuses a change, next to the field it concerns.
fn history_refusal(e: IdHistoryError) -> FieldError {
    match e {
        IdHistoryError::Repeated => {
            FieldError::new("fodselsnummer", "Personen har allerede dette nummeret.")
        }
        IdHistoryError::BackToDNumber => FieldError::new(
            "fodselsnummer",
            "Et fødselsnummer kan ikke erstattes av et D-nummer.",
        ),
        IdHistoryError::Unordered => FieldError::new(
            "gyldig_fra",
            "Datoen må være etter forrige endring av ident.",
        ),
        other => FieldError::new("fodselsnummer", other.to_string()),
    }
}

/// Named participants within one Nav office or one provider organisation.
pub struct ParticipantAccess {
    pub(super) app: App,
    pub(super) viewer: Viewer,
    pub(super) scope: ParticipantScope,
    /// The participant this request has read, so that the sections of one page (the person,
    /// the referral, the plan, the proposals) check the scope once, not once each.
    read: std::sync::Mutex<Option<std::sync::Arc<ParticipantDetail>>>,
    /// While a page is being put together: its permitted reads, written in one batch before
    /// the page leaves ([`Self::flush_audit`]); `None`: each read is written at once.
    deferred: std::sync::Mutex<Option<Vec<effekt_store::model::AuditRecord>>>,
}

impl ParticipantAccess {
    pub(crate) fn new(app: App, viewer: Viewer, scope: ParticipantScope) -> Self {
        Self {
            app,
            viewer,
            scope,
            read: std::sync::Mutex::new(None),
            deferred: std::sync::Mutex::new(None),
        }
    }

    /// The participant in this viewer's scope, read once per request (a capability lives for
    /// one request; a write checks again through the store's own transaction).
    /// Collects the permitted reads of the sections of one page instead of writing each at
    /// once: a participant page reads seven sections, and one audit write instead of seven is
    /// most of its cost on PostgreSQL. The caller must [`Self::flush_audit`] before anything
    /// read leaves; refusals (`DENY`) are still written at once.
    pub fn defer_audit(&self) {
        if let Ok(mut d) = self.deferred.lock() {
            *d = Some(Vec::new());
        }
    }

    /// Writes the collected reads in one batch and ends the deferral; fails closed like any
    /// audit write.
    pub async fn flush_audit(&self) -> Result<(), AppError> {
        let records = self
            .deferred
            .lock()
            .map_err(|_| AppError::internal("audit batch", std::io::Error::other("lock poisoned")))?
            .take()
            .unwrap_or_default();
        audit::write_records(&self.app, records).await
    }

    /// Records permitted reads of these persons, now or with the page's batch.
    pub(super) async fn permit(
        &self,
        subjects: impl IntoIterator<Item = effekt_domain::ids::PersonKey>,
        purpose: Purpose,
    ) -> Result<(), AppError> {
        self.record(audit::records(&self.app, &self.viewer, subjects, purpose))
            .await
    }

    /// Records permitted reads of one person for several purposes, in one write or with the
    /// page's batch.
    pub(super) async fn permit_purposes(
        &self,
        subject: effekt_domain::ids::PersonKey,
        purposes: &[Purpose],
    ) -> Result<(), AppError> {
        let records: Vec<_> = purposes
            .iter()
            .flat_map(|p| audit::records(&self.app, &self.viewer, [subject], *p))
            .collect();
        self.record(records).await
    }

    /// Writes permitted-read records now, or adds them to the page's batch.
    async fn record(&self, records: Vec<effekt_store::model::AuditRecord>) -> Result<(), AppError> {
        if let Ok(mut d) = self.deferred.lock() {
            if let Some(batch) = d.as_mut() {
                batch.extend(records);
                return Ok(());
            }
        }
        audit::write_records(&self.app, records).await
    }

    pub(super) async fn in_scope(
        &self,
        id: ParticipantId,
    ) -> Result<Option<std::sync::Arc<ParticipantDetail>>, AppError> {
        let cached = self
            .read
            .lock()
            .ok()
            .and_then(|r| r.as_ref().filter(|d| d.id == id).cloned());
        if let Some(d) = cached {
            return Ok(Some(d));
        }
        let found = self
            .app
            .store
            .participant(self.scope, id, self.viewer.user.id)
            .await?
            .map(std::sync::Arc::new);
        if let (Some(d), Ok(mut slot)) = (&found, self.read.lock()) {
            *slot = Some(d.clone());
        }
        Ok(found)
    }

    /// One page of the list; every participant on it is audited.
    pub async fn list(&self, query: &ParticipantQuery) -> Result<ParticipantList, AppError> {
        // A national id typed as the pages show it ("241095 12482") is found as stored. A
        // teacher sees no national ids, so she cannot search by one either.
        let teacher = matches!(self.scope, ParticipantScope::Teacher { .. });
        let query = &ParticipantQuery {
            search: query
                .search
                .as_deref()
                .filter(|s| !(teacher && s.chars().any(|c| c.is_ascii_digit())))
                .map(effekt_domain::national_id::search_text),
            ..query.clone()
        };
        let page = self
            .app
            .store
            .list_participants(self.scope, query, self.viewer.user.id)
            .await?;
        self.permit(
            page.items.iter().map(|r| r.person),
            Purpose::ParticipantList,
        )
        .await?;
        let mut items: Vec<ParticipantSummary> = page.items.iter().map(summary).collect();
        if teacher {
            for (s, row) in items.iter_mut().zip(&page.items) {
                if !row.viewer_assigned {
                    "–".clone_into(&mut s.national_id);
                    s.start_date = None;
                }
            }
        }
        Ok(ParticipantList {
            items,
            total: page.total,
            total_exact: page.total_exact,
            page: page.page,
            per_page: page.per_page,
            page_count: page.page_count(),
        })
    }

    /// A participant's page, or not found (audited as denied) when outside the scope.
    pub async fn get(&self, id: ParticipantId) -> Result<ParticipantDetailView, AppError> {
        let Some(d) = self.in_scope(id).await? else {
            audit::deny(&self.app, &self.viewer, id, Purpose::ParticipantView).await?;
            return Err(AppError::NotFound);
        };
        let (mut view, mut shown) = detail(&d);
        if !super::team::sees_whole_record(&self.viewer.user, &d) {
            // A teacher who only teaches the group needs the name, not how to reach the person
            // (nor the household, whose members are then not read either).
            for_teacher(&mut view);
            shown = vec![d.person];
        }
        self.permit(shown, Purpose::ParticipantView).await?;
        Ok(view)
    }

    /// Whether this viewer may register a new national id: Nav case officers, for participants
    /// they see unmasked.
    pub fn may_change_national_id(&self, p: &ParticipantDetailView) -> bool {
        self.viewer.user.role == Role::NavCaseOfficer && !p.summary.masked
    }

    /// The participant's details for a change of national id by this viewer: Nav case
    /// officers, for participants in scope they see unmasked. Anything else is refused, and
    /// audited as a denied read.
    async fn for_id_change(&self, id: ParticipantId) -> Result<ParticipantDetail, AppError> {
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
        Ok(d)
    }

    /// Registers a new national id for the participant's person (e.g. the fødselsnummer that
    /// replaces a D-nummer) as a change that a second Nav case officer confirms. Every change
    /// waits, whoever holds the number and whatever date it encodes, so the answer tells
    /// nobody whether a number is in effekt. The person keeps its key, so history, pseudonyms
    /// and register links hold. Every attempt is audited against the person and, if another
    /// person holds the number, against them too. Refusals that concern the person's own
    /// history come back as field errors.
    pub async fn change_national_id(
        &self,
        id: ParticipantId,
        national_id: &NationalId,
        valid_from: NaiveDate,
    ) -> Result<Result<IdChange, FieldError>, AppError> {
        let d = self.for_id_change(id).await?;
        self.permit([d.person], Purpose::ParticipantIdChange)
            .await?;
        let holder = self
            .app
            .store
            .person_holding(national_id)
            .await?
            .filter(|h| *h != d.person);
        if let Some(other) = holder {
            audit::deny_person(&self.app, &self.viewer, other, Purpose::ParticipantIdChange)
                .await?;
        }
        // The person's own history first: nothing here says anything about anyone else.
        if let Err(e) = d.ids.clone().with_change(national_id.clone(), valid_from) {
            return Ok(Err(history_refusal(e)));
        }
        match self
            .app
            .store
            .request_id_change(
                d.person,
                national_id,
                valid_from,
                self.viewer.user.id,
                self.app.now(),
            )
            .await
        {
            Ok(_) => Ok(Ok(IdChange::Waiting)),
            Err(StoreError::Conflict(_)) => Ok(Err(waiting_already())),
            Err(e) => Err(e.into()),
        }
    }

    /// A change made: `audit:change` with the old and the new number.
    async fn record_change(
        &self,
        d: &ParticipantDetail,
        national_id: &NationalId,
    ) -> Result<(), AppError> {
        let op = audit::operation(
            &self.app,
            &self.viewer,
            "person.id-change",
            format!("person:{}:{}->{}", d.person.0, d.ids.current(), national_id),
        );
        self.app.store.append_operation(&op).await?;
        Ok(())
    }

    /// The id changes waiting for a second Nav user, as this viewer may decide them; empty for
    /// viewers who may not change ids.
    pub async fn waiting_id_changes(
        &self,
        id: ParticipantId,
    ) -> Result<Vec<WaitingIdChangeView>, AppError> {
        let Ok(d) = self.for_id_change(id).await else {
            return Ok(Vec::new());
        };
        Ok(self
            .app
            .store
            .id_change_requests(d.person)
            .await?
            .into_iter()
            .filter(|r| r.decision.is_none())
            .map(|r| WaitingIdChangeView {
                id: r.id,
                national_id: r.national_id.to_string(),
                valid_from: r.valid_from,
                requested_by: r.requested_by_name,
                requested_on: effekt_domain::dates::oslo_date(r.requested_at),
                may_decide: r.requested_by != self.viewer.user.id,
            })
            .collect())
    }

    /// Confirms (making the change) or rejects a waiting id change, as a second Nav user.
    /// Refusals come back as a message; nothing changes then.
    pub async fn decide_id_change(
        &self,
        id: ParticipantId,
        request: i64,
        confirm: bool,
    ) -> Result<Result<(), String>, AppError> {
        let d = self.for_id_change(id).await?;
        let Some(r) = self
            .app
            .store
            .id_change_requests(d.person)
            .await?
            .into_iter()
            .find(|r| r.id == request)
        else {
            return Err(AppError::NotFound);
        };
        if r.decision.is_some() {
            return Ok(Err("Endringen er allerede avgjort.".into()));
        }
        if r.requested_by == self.viewer.user.id {
            return Ok(Err(
                "Du registrerte endringen selv; en annen Nav-veileder må bekrefte den.".into(),
            ));
        }
        self.permit([d.person], Purpose::ParticipantIdChange)
            .await?;
        match self
            .app
            .store
            .decide_id_change(&r, confirm, self.viewer.user.id, self.app.now())
            .await
        {
            Ok(()) => {
                if confirm {
                    self.record_change(&d, &r.national_id).await?;
                }
                Ok(Ok(()))
            }
            Err(StoreError::IdTaken) => {
                if let Some(other) = self.app.store.person_holding(&r.national_id).await? {
                    audit::deny_person(
                        &self.app,
                        &self.viewer,
                        other,
                        Purpose::ParticipantIdChange,
                    )
                    .await?;
                }
                Ok(Err(
                    "Nummeret er knyttet til en annen person i effekt. Endringen kan ikke gjøres \
                     før saken er avklart med Folkeregisteret."
                        .into(),
                ))
            }
            Err(StoreError::IdHistory(e)) => Ok(Err(history_refusal(e).message)),
            Err(StoreError::Conflict(_)) => Ok(Err("Endringen er allerede avgjort.".into())),
            Err(e) => Err(e.into()),
        }
    }

    /// Keeps a search's text under an opaque token for this viewer: the text is often a
    /// national id, which must not stand in a URL. Tokens last as long as a session.
    pub async fn save_search(&self, text: &str) -> Result<String, AppError> {
        let token = crate::accounts::random_token()[..22].to_owned();
        let now = self.app.now();
        let lasts = chrono::Duration::hours(crate::accounts::SESSION_HOURS);
        self.app
            .store
            .save_search(&token, self.viewer.user.id, text, now, now - lasts)
            .await?;
        Ok(token)
    }

    /// The text of this viewer's search `token`; `None` when unknown, someone else's, or old.
    pub async fn saved_search(&self, token: &str) -> Result<Option<String>, AppError> {
        let since = self.app.now() - chrono::Duration::hours(crate::accounts::SESSION_HOURS);
        Ok(self
            .app
            .store
            .search(token, self.viewer.user.id, since)
            .await?)
    }

    /// The groups the viewer's participants belong to (for filtering; no personal data).
    pub async fn groups(&self) -> Result<Vec<GroupRow>, AppError> {
        Ok(self.app.store.groups(self.scope).await?)
    }
}
