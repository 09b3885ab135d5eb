//! Authorisation as types. [`AppState`] holds the store privately; the only way for a handler
//! to read data is to ask a [`Viewer`] for a capability ([`ParticipantAccess`],
//! [`AggregateAccess`], [`PseudonymisedAccess`], [`AdminAccess`]), which is refused unless the
//! role allows it. Each capability filters rows by scope first, then masks fields, and writes
//! the audit records before returning anything (fail closed).

mod audit;
mod capabilities;
mod contracts;
mod investments;
mod outcomes;
pub mod session;
mod statements;
mod views;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use effekt_domain::ids::ParticipantId;
use effekt_domain::pseudonym::PseudonymKey;
use effekt_domain::role::Role;
use effekt_store::model::{ParticipantScope, UserRecord, UserScope};
use effekt_store::Store;

pub use capabilities::{AdminAccess, AggregateAccess, ParticipantAccess, PseudonymisedAccess};
pub use contracts::{ContractAccess, FigureInput, ProposalRefused};
pub use investments::InvestmentAccess;
pub use statements::{StatementAccess, LINES_ON_PAGE};
pub use views::*;

use crate::{Config, WebError};

/// Counters for `/internal/prometheus`.
#[derive(Debug, Default)]
pub struct Metrics {
    pub requests: AtomicU64,
    pub audit_records: AtomicU64,
    pub audit_failures: AtomicU64,
    pub logins_failed: AtomicU64,
}

impl Metrics {
    pub fn get(counter: &AtomicU64) -> u64 {
        counter.load(Ordering::Relaxed)
    }
}

/// Shared state. The store field is private to this module tree.
#[derive(Clone)]
pub struct AppState {
    store: Arc<dyn Store>,
    pseudonyms: Arc<PseudonymKey>,
    config: Arc<Config>,
    metrics: Arc<Metrics>,
}

impl AppState {
    pub fn new(store: Arc<dyn Store>, pseudonyms: PseudonymKey, config: Config) -> Self {
        Self {
            store,
            pseudonyms: Arc::new(pseudonyms),
            config: Arc::new(config),
            metrics: Arc::new(Metrics::default()),
        }
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    pub fn metrics(&self) -> &Metrics {
        &self.metrics
    }

    /// Whether the store answers (readiness).
    pub async fn ready(&self) -> bool {
        self.store.ping().await.is_ok()
    }
}

/// A logged-in user, as established from the session cookie.
#[derive(Debug, Clone)]
pub struct Viewer {
    pub user: UserRecord,
    /// The session's CSRF token, to embed in forms.
    pub csrf_token: String,
    pub(crate) session_hash: String,
    /// Identifies this request in audit records.
    pub request_id: String,
}

/// Where a role starts after login.
pub fn home_path(role: Role) -> &'static str {
    match role {
        Role::NavCaseOfficer | Role::ProviderStaff | Role::ProviderAdmin => "/deltakere",
        Role::Investor | Role::NavContractManager | Role::Facilitator => "/oversikt",
        Role::Evaluator => "/evaluering",
        Role::Administrator => "/admin/brukere",
    }
}

impl Viewer {
    pub fn home(&self) -> &'static str {
        home_path(self.user.role)
    }

    fn participant_scope(&self) -> Option<ParticipantScope> {
        match (self.user.role, self.user.scope) {
            (Role::NavCaseOfficer, UserScope::NavOffice(o)) => Some(ParticipantScope::NavOffice(o)),
            (Role::ProviderStaff | Role::ProviderAdmin, UserScope::Provider(p)) => {
                Some(ParticipantScope::Provider(p))
            }
            _ => None,
        }
    }

    /// Named participants of the viewer's own unit: case officers (own Nav office) and provider
    /// staff (own organisation). Everyone else is refused, and a refusal that names a
    /// participant is audited as a denied read.
    pub async fn participants(
        &self,
        state: &AppState,
        about: Option<ParticipantId>,
        api: bool,
    ) -> Result<ParticipantAccess, WebError> {
        match self.participant_scope() {
            Some(scope) => Ok(ParticipantAccess::new(state.clone(), self.clone(), scope)),
            None => {
                if let Some(id) = about {
                    audit::deny(state, self, id, "participant.view").await?;
                }
                Err(WebError::Forbidden { api })
            }
        }
    }

    /// Aggregates with small cells suppressed: investors, the contract manager, the facilitator.
    pub fn aggregates(&self, state: &AppState, api: bool) -> Result<AggregateAccess, WebError> {
        match self.user.role {
            Role::Investor | Role::NavContractManager | Role::Facilitator => {
                Ok(AggregateAccess::new(state.clone()))
            }
            _ => Err(WebError::Forbidden { api }),
        }
    }

    /// Pseudonymised microdata: the evaluator only.
    pub fn pseudonymised(
        &self,
        state: &AppState,
        api: bool,
    ) -> Result<PseudonymisedAccess, WebError> {
        match self.user.role {
            Role::Evaluator => Ok(PseudonymisedAccess::new(state.clone(), self.clone())),
            _ => Err(WebError::Forbidden { api }),
        }
    }

    /// Payment statements: Nav users and the evaluator see lines by pseudonym, provider staff
    /// their own organisation's share, investors and the facilitator totals per outcome.
    pub fn statements(&self, state: &AppState, api: bool) -> Result<StatementAccess, WebError> {
        use statements::Sight;
        let sight = match (self.user.role, self.user.scope) {
            (Role::NavContractManager | Role::NavCaseOfficer | Role::Evaluator, _) => Sight::Lines,
            (Role::ProviderStaff | Role::ProviderAdmin, UserScope::Provider(p)) => {
                Sight::OwnShare(p)
            }
            (Role::Investor | Role::Facilitator, _) => Sight::Totals,
            _ => return Err(WebError::Forbidden { api }),
        };
        Ok(StatementAccess::new(state.clone(), self.clone(), sight))
    }

    /// Investors' positions and returns: investors (their own), the Nav contract manager and
    /// the facilitator.
    pub fn investments(&self, state: &AppState) -> Result<InvestmentAccess, WebError> {
        match self.user.role {
            Role::Investor | Role::NavContractManager | Role::Facilitator => {
                Ok(InvestmentAccess::new(state.clone(), self.clone()))
            }
            _ => Err(WebError::Forbidden { api: false }),
        }
    }

    /// The contract's terms and amendments: everyone in a contract, not the administrator.
    pub fn contracts(&self, state: &AppState) -> Result<ContractAccess, WebError> {
        match self.user.role {
            Role::Administrator => Err(WebError::Forbidden { api: false }),
            _ => Ok(ContractAccess::new(state.clone(), self.clone())),
        }
    }

    /// Accounts and configuration: the administrator only.
    pub fn administration(&self, state: &AppState) -> Result<AdminAccess, WebError> {
        match self.user.role {
            Role::Administrator => Ok(AdminAccess::new(state.clone())),
            _ => Err(WebError::Forbidden { api: false }),
        }
    }
}
