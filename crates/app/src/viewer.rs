//! The viewer: who is asking, through which channel, in which request. Capabilities are only
//! handed out here, after the policy's check passed; a refusal that names a participant is
//! audited as a denied read.

use effekt_domain::ids::ParticipantId;
use effekt_domain::orgnr::OrgNr;
use effekt_domain::role::Role;
use effekt_store::model::{Channel, ParticipantScope, UserRecord, UserScope};

use crate::access::{
    AccountAccess, AdminAccess, AggregateAccess, AuditLogAccess, ContractAccess,
    ContractDefinition, InvestmentAccess, ParticipantAccess, PseudonymisedAccess, Reach, Sight,
    StatementAccess,
};
use crate::audit::{self, Purpose};
use crate::policy::{self, Grant, Page};
use crate::{App, AppError};

/// The session behind a web viewer.
#[derive(Debug, Clone)]
pub(crate) struct SessionKeys {
    pub(crate) csrf_token: String,
    pub(crate) token_hash: String,
}

/// A logged-in user (web) or a named operator (command line).
#[derive(Debug, Clone)]
/// Only the core makes one (after a session or an operator check), and no face can change
/// who it is: the fields are the core's.
pub struct Viewer {
    pub(crate) user: UserRecord,
    /// Identifies this request (or command run) in audit records and logs.
    pub(crate) request_id: String,
    pub(crate) channel: Channel,
    pub(crate) session: Option<SessionKeys>,
}

impl Viewer {
    /// The session's CSRF token, to embed in forms; empty outside a web session.
    pub fn csrf_token(&self) -> &str {
        self.session.as_ref().map_or("", |s| s.csrf_token.as_str())
    }

    /// Whether `given` is this session's CSRF token (compared in constant time).
    pub fn csrf_matches(&self, given: &str) -> bool {
        crate::accounts::tokens_match(self.csrf_token(), given)
    }

    pub fn role(&self) -> Role {
        self.user.role
    }

    /// The account behind this viewer.
    pub fn user(&self) -> &UserRecord {
        &self.user
    }

    pub fn request_id(&self) -> &str {
        &self.request_id
    }

    pub fn home(&self) -> Page {
        policy::home(self.user.role)
    }

    pub fn menu(&self) -> Vec<Page> {
        policy::menu(self.user.role)
    }

    pub fn has(&self, grant: Grant) -> bool {
        policy::has(self.user.role, grant)
    }

    pub(crate) fn check(&self, grant: Grant) -> Result<(), AppError> {
        if self.has(grant) {
            Ok(())
        } else {
            Err(AppError::Forbidden)
        }
    }

    /// The organisation number of the viewer's provider or investor.
    pub(crate) async fn organisation(&self, app: &App) -> Result<Option<OrgNr>, AppError> {
        Ok(app
            .store
            .organisation_number(self.user.scope)
            .await?
            .and_then(|o| OrgNr::parse(&o).ok()))
    }

    /// Whether the viewer reads this contract (`policy::reads_contract`); a contract without
    /// terms has no parties yet, so only the roles that read every contract read it.
    pub(crate) async fn reads_contract(
        &self,
        app: &App,
        contract: effekt_domain::ids::ContractId,
    ) -> Result<bool, AppError> {
        let own = self.organisation(app).await?;
        Ok(match app.store.contract_terms(contract).await? {
            Some((_, terms)) => policy::reads_contract(self.user.role, own, &terms),
            None => matches!(
                self.user.role,
                Role::NavCaseOfficer
                    | Role::NavContractManager
                    | Role::Evaluator
                    | Role::Facilitator
            ),
        })
    }

    fn participant_scope(&self, today: chrono::NaiveDate) -> Option<ParticipantScope> {
        if !self.has(Grant::NamedParticipants) {
            return None;
        }
        match self.user.scope {
            UserScope::NavOffice(o) if self.user.role == Role::NavCaseOfficer => {
                Some(ParticipantScope::NavOffice(o))
            }
            UserScope::Provider(p)
                if self.user.role == Role::ProviderStaff
                    && self.user.discipline == Some(effekt_domain::team::Discipline::Teacher) =>
            {
                Some(ParticipantScope::Teacher {
                    provider: p,
                    teacher: self.user.id,
                    today,
                })
            }
            UserScope::Provider(p)
                if matches!(self.user.role, Role::ProviderStaff | Role::ProviderAdmin) =>
            {
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
        app: &App,
        about: Option<ParticipantId>,
    ) -> Result<ParticipantAccess, AppError> {
        match self.participant_scope(app.today()) {
            Some(scope) => Ok(ParticipantAccess::new(app.clone(), self.clone(), scope)),
            None => {
                if let Some(id) = about {
                    audit::deny(app, self, id, Purpose::ParticipantView).await?;
                }
                Err(AppError::Forbidden)
            }
        }
    }

    /// Aggregates with small cells suppressed: investors, the contract manager, the facilitator.
    pub fn aggregates(&self, app: &App) -> Result<AggregateAccess, AppError> {
        self.check(Grant::Aggregates)?;
        Ok(AggregateAccess::new(app.clone(), self.clone()))
    }

    /// Pseudonymised microdata: the evaluator only.
    pub fn pseudonymised(&self, app: &App) -> Result<PseudonymisedAccess, AppError> {
        self.check(Grant::Pseudonymised)?;
        Ok(PseudonymisedAccess::new(app.clone(), self.clone()))
    }

    /// Payment statements: Nav users and the evaluator see lines by pseudonym, provider staff
    /// their own organisation's share, investors and the facilitator totals per outcome.
    pub fn statements(&self, app: &App) -> Result<StatementAccess, AppError> {
        self.check(Grant::Statements)?;
        let sight = match (self.user.role, self.user.scope) {
            (Role::NavContractManager | Role::NavCaseOfficer | Role::Evaluator, _) => Sight::Lines,
            (Role::ProviderStaff | Role::ProviderAdmin, UserScope::Provider(p)) => {
                Sight::OwnShare(p)
            }
            (Role::Investor | Role::Facilitator, _) => Sight::Totals,
            _ => return Err(AppError::Forbidden),
        };
        Ok(StatementAccess::new(app.clone(), self.clone(), sight))
    }

    /// Investors' positions and returns: investors (their own), the Nav contract manager and
    /// the facilitator.
    pub fn investments(&self, app: &App) -> Result<InvestmentAccess, AppError> {
        self.check(Grant::Investments)?;
        Ok(InvestmentAccess::new(app.clone(), self.clone()))
    }

    /// The contract's terms and amendments: everyone in a contract, not the administrator.
    pub fn contracts(&self, app: &App) -> Result<ContractAccess, AppError> {
        self.check(Grant::Contracts)?;
        Ok(ContractAccess::new(app.clone(), self.clone()))
    }

    /// The contract's effect evaluation: everyone in a contract (how much depends on the role
    /// and the party: `access::evaluation`), not the administrator.
    pub fn evaluation(&self, app: &App) -> Result<crate::access::EvaluationAccess, AppError> {
        self.check(Grant::Contracts)?;
        Ok(crate::access::EvaluationAccess::new(
            app.clone(),
            self.clone(),
        ))
    }

    /// New contracts from contract files: the Nav contract manager.
    pub fn contract_definition(&self, app: &App) -> Result<ContractDefinition, AppError> {
        self.check(Grant::DefineContracts)?;
        Ok(ContractDefinition::new(app.clone(), self.clone()))
    }

    /// Configuration, register imports and the audit export: the administrator only.
    pub fn administration(&self, app: &App) -> Result<AdminAccess, AppError> {
        self.check(Grant::Administration)?;
        Ok(AdminAccess::new(app.clone(), self.clone()))
    }

    /// The import log: the administrator's register and evidence imports, the Nav contract
    /// manager's contract files.
    pub fn imports(&self, app: &App) -> Result<crate::access::ImportLogAccess, AppError> {
        self.check(Grant::Imports)?;
        Ok(crate::access::ImportLogAccess::new(app.clone(), self))
    }

    /// Accounts: the administrator every account, a provider admin its own organisation's.
    pub fn accounts(&self, app: &App) -> Result<AccountAccess, AppError> {
        self.check(Grant::Accounts)?;
        let reach = match (self.user.role, self.user.scope) {
            (Role::Administrator, _) => Reach::Everyone,
            (Role::ProviderAdmin, UserScope::Provider(p)) => Reach::OwnStaff(p),
            _ => return Err(AppError::Forbidden),
        };
        Ok(AccountAccess::new(app.clone(), self.clone(), reach))
    }

    /// The audit viewer: the administrator under pseudonyms, the privacy officer with the
    /// identities of those read about.
    pub fn audit_log(&self, app: &App) -> Result<AuditLogAccess, AppError> {
        self.check(Grant::AuditLog)?;
        let identities = self.user.role == Role::PrivacyOfficer;
        Ok(AuditLogAccess::new(app.clone(), self.clone(), identities))
    }
}
