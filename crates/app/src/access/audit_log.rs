//! The audit viewer: who read whom, and what operators did, newest first, with filters. The
//! privacy officer (personvernombud) sees the national id of each person read about and may
//! look a person up by it, to answer "who has seen my data"; the administrator sees a
//! pseudonym instead (its own namespace, not linkable to the evaluator's) and may not search
//! by person. Operations that name a person (an id change) show that subject to the privacy
//! officer only. Every person shown is itself audited (`audit.review`).

use effekt_domain::dates::{oslo_day_start, oslo_time, parse_civil_date};
use effekt_domain::ids::{ContractId, PersonKey};
use effekt_domain::national_id::NationalId;
use effekt_store::model::{AuditQuery, Decision};

use crate::audit::{self, Purpose};
use crate::views::{AuditEntryView, AuditLogView, OperationView};
use crate::{accounts, App, AppError, Viewer};

/// The most entries shown at once, of each kind; a narrower filter shows older ones.
pub const AUDIT_PAGE: u32 = 200;

/// The pseudonyms' namespace in the audit viewer: no contract has id 0.
const LOG_NAMESPACE: ContractId = ContractId(0);

/// The filters as the form sends them, before they are checked; empty means no filter.
#[derive(Debug, Clone, Default)]
pub struct AuditLogFilter {
    /// Who read (a username).
    pub actor: String,
    /// Why (a purpose code from [`AuditLogAccess::purposes`]).
    pub purpose: String,
    /// A national id: the privacy officer only.
    pub person: String,
    /// dd.mm.åååå, the first day shown.
    pub from: String,
    /// dd.mm.åååå, the last day shown.
    pub to: String,
}

/// Reading the audit log.
pub struct AuditLogAccess {
    app: App,
    viewer: Viewer,
    identities: bool,
}

fn refused(message: &str) -> AppError {
    AppError::Refused(message.to_owned())
}

impl AuditLogAccess {
    pub(crate) fn new(app: App, viewer: Viewer, identities: bool) -> Self {
        Self {
            app,
            viewer,
            identities,
        }
    }

    /// The purposes to filter by: (code, Norwegian name).
    pub fn purposes(&self) -> Vec<(String, String)> {
        Purpose::ALL
            .iter()
            .map(|p| (p.code().to_owned(), p.cef_name().to_owned()))
            .collect()
    }

    /// The whole log as CEF lines (with identities), for the privacy officer only: the
    /// administrator exports it from the command line as an operator. Recorded as
    /// `audit.export`.
    pub async fn cef(&self) -> Result<Vec<String>, AppError> {
        if !self.identities {
            return Err(AppError::Forbidden);
        }
        let op = audit::operation(&self.app, &self.viewer, "audit.export", "audit-log".into());
        self.app.store.append_operation(&op).await?;
        audit::cef_lines(&self.app).await
    }

    /// Whether this viewer sees identities (and may search by person).
    pub fn identities(&self) -> bool {
        self.identities
    }

    /// The entries that match `filter`, newest first, at most [`AUDIT_PAGE`] of each kind.
    pub async fn page(&self, filter: &AuditLogFilter) -> Result<AuditLogView, AppError> {
        let mut query = AuditQuery {
            without_reviews: true,
            ..AuditQuery::default()
        };
        let actor = filter.actor.trim();
        if !actor.is_empty() {
            query.actor = Some(
                accounts::parse_username(actor)
                    .ok_or_else(|| refused("Bruker: skriv et brukernavn (a–z, 0–9, . - _)."))?,
            );
        }
        let purpose = filter.purpose.trim();
        if !purpose.is_empty() {
            let known =
                Purpose::from_code(purpose).ok_or_else(|| refused("Formål: velg fra listen."))?;
            query.purpose = Some(known.code().to_owned());
        }
        let day = |raw: &str, what: &str| -> Result<Option<chrono::NaiveDate>, AppError> {
            let raw = raw.trim();
            if raw.is_empty() {
                return Ok(None);
            }
            parse_civil_date(raw)
                .map(Some)
                .map_err(|_| AppError::Refused(format!("{what}: skriv datoen som dd.mm.åååå.")))
        };
        let from = day(&filter.from, "Fra")?;
        let to = day(&filter.to, "Til")?;
        if let (Some(f), Some(t)) = (from, to) {
            if t < f {
                return Err(refused("Til: datoen kan ikke være før fra-datoen."));
            }
        }
        query.from = from.map(oslo_day_start);
        query.until = to.and_then(|t| t.succ_opt()).map(oslo_day_start);
        let person = filter.person.trim();
        let mut nobody = false;
        if !person.is_empty() {
            if !self.identities {
                return Err(AppError::Forbidden);
            }
            let id = NationalId::parse(&effekt_domain::national_id::search_text(person))
                .map_err(|_| refused("Person: skriv et gyldig fødselsnummer eller D-nummer."))?;
            match self.app.store.person_holding(&id).await? {
                Some(key) => query.subject = Some(key),
                // Nobody holds it: no entry can be about them.
                None => nobody = true,
            }
        }
        let records = if nobody {
            Vec::new()
        } else {
            self.app.store.audit_page(&query, AUDIT_PAGE).await?
        };
        // Who is shown is itself a read of the log about them.
        let mut shown: Vec<PersonKey> = records.iter().map(|r| r.record.subject).collect();
        shown.sort_unstable_by_key(|k| k.0);
        shown.dedup();
        audit::permit(&self.app, &self.viewer, shown, Purpose::AuditReview).await?;
        let pseudonyms = self.app.pseudonyms().ok();
        let entries = records
            .iter()
            .map(|row| {
                let r = &row.record;
                let (national_id, pseudonym) = if self.identities {
                    (
                        Some(
                            row.subject_national_id
                                .clone()
                                .unwrap_or_else(|| "ukjent".into()),
                        ),
                        None,
                    )
                } else {
                    let p = pseudonyms.map(|k| {
                        effekt_domain::pseudonym::readable(&k.pseudonym(LOG_NAMESPACE, r.subject))
                    });
                    (None, Some(p.unwrap_or_else(|| "–".to_owned())))
                };
                AuditEntryView {
                    time: oslo_time(r.at),
                    actor: r.actor_name.clone(),
                    national_id,
                    pseudonym,
                    purpose: Purpose::from_code(&r.purpose)
                        .map_or(r.purpose.clone(), |p| p.cef_name().to_owned()),
                    permitted: r.decision == Decision::Permit,
                    channel: r
                        .channel
                        .os_user()
                        .map_or("nett".to_owned(), |os| format!("kommandolinje ({os})")),
                }
            })
            .collect::<Vec<_>>();
        let operations = if query.subject.is_some() || query.purpose.is_some() || nobody {
            // Operations are not reads of persons: no person and no purpose fits them.
            Vec::new()
        } else {
            let mut ops = self.app.store.operations().await?;
            ops.retain(|op| {
                query.actor.as_ref().is_none_or(|a| &op.actor_name == a)
                    && query.from.is_none_or(|f| op.at >= f)
                    && query.until.is_none_or(|u| op.at < u)
            });
            ops.reverse();
            ops.truncate(AUDIT_PAGE as usize);
            ops.into_iter()
                .map(|op| OperationView {
                    time: oslo_time(op.at),
                    actor: op.actor_name.clone(),
                    action: audit::operation_name(&op.action).to_owned(),
                    // An id change names the person's numbers: for the privacy officer only.
                    subject: if !self.identities && !audit::subject_names_no_person(&op.action) {
                        "(personopplysning, vises bare for personvernombudet)".to_owned()
                    } else {
                        op.subject.clone()
                    },
                })
                .collect()
        };
        Ok(AuditLogView {
            full: entries.len() as u32 == AUDIT_PAGE,
            entries,
            operations,
        })
    }
}
