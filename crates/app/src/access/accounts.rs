//! Accounts: who may log in, as what, for which organisation. The administrator reaches every
//! account; a provider admin reaches its own organisation's staff and admins only, and may give
//! no other role or organisation. An account outside the reach does not exist for the viewer.
//! Every change is an operation (`audit:change`) written in the same transaction.

use effekt_domain::ids::{ProviderId, UserId};
use effekt_domain::role::Role;
use effekt_domain::team::Discipline;
use effekt_store::model::{AccountRights, NewPasswordLink, NewUser, UserRecord, UserScope};
use effekt_store::StoreError;

use crate::audit;
use crate::views::{AccountForm, OrganisationOption, RoleOption, UserView};
use crate::{accounts, App, AppError, FieldError, Viewer};

/// Which accounts the viewer manages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reach {
    /// The administrator: every account, every role.
    Everyone,
    /// A provider admin: the accounts of its own organisation, as staff or admin.
    OwnStaff(ProviderId),
}

/// What the form sends for a new or changed account, before it is checked.
#[derive(Debug, Clone, Default)]
pub struct AccountInput {
    pub username: String,
    pub display_name: String,
    /// A role code (`PROVIDER_STAFF`).
    pub role: String,
    /// `office:ID`, `provider:ID`, `investor:ID` or empty.
    pub organisation: String,
    /// Provider staff: a discipline code (`SPESIALPEDAGOG`); empty for every other role.
    pub discipline: String,
}

/// A checked account form: name and rights.
type Checked = (String, AccountRights);

/// Creating and changing accounts, within the viewer's reach.
pub struct AccountAccess {
    app: App,
    viewer: Viewer,
    reach: Reach,
}

const PRIVACY_OFFICER_FROM_CLI: &str = "Personvernombudets konto endres og får passord fra kommandolinjen (effekt user create), ikke her: rollen ser identiteter som administratoren ikke skal se.";

fn refused(message: &str) -> AppError {
    AppError::Refused(message.to_owned())
}

impl AccountAccess {
    pub(crate) fn new(app: App, viewer: Viewer, reach: Reach) -> Self {
        Self { app, viewer, reach }
    }

    pub fn reach(&self) -> Reach {
        self.reach
    }

    fn reaches(&self, user: &UserRecord) -> bool {
        match self.reach {
            Reach::Everyone => true,
            Reach::OwnStaff(p) => {
                matches!(user.role, Role::ProviderStaff | Role::ProviderAdmin)
                    && user.scope == UserScope::Provider(p)
            }
        }
    }

    /// The roles the viewer may give. Not the privacy officer's: it sees identities the
    /// administrator may not, so the administrator cannot give it (or reach its password)
    /// here; it is created from the command line (`effekt user create --role privacy-officer`).
    pub fn roles(&self) -> Vec<RoleOption> {
        const BY_ADMINISTRATOR: [Role; 8] = [
            Role::NavCaseOfficer,
            Role::NavContractManager,
            Role::ProviderStaff,
            Role::ProviderAdmin,
            Role::Investor,
            Role::Evaluator,
            Role::Facilitator,
            Role::Administrator,
        ];
        let roles: &[Role] = match self.reach {
            Reach::Everyone => &BY_ADMINISTRATOR,
            Reach::OwnStaff(_) => &[Role::ProviderStaff, Role::ProviderAdmin],
        };
        roles
            .iter()
            .map(|r| RoleOption {
                code: r.code().to_owned(),
                label: r.label_nb().to_owned(),
            })
            .collect()
    }

    /// The organisations an account may belong to (a provider admin: its own only).
    pub async fn organisations(&self) -> Result<Vec<OrganisationOption>, AppError> {
        Ok(self
            .app
            .store
            .organisations()
            .await?
            .into_iter()
            .filter(|o| match self.reach {
                Reach::Everyone => true,
                Reach::OwnStaff(p) => o.scope == UserScope::Provider(p),
            })
            .map(|o| OrganisationOption {
                value: scope_value(o.scope),
                label: format!("{} ({})", o.name, scope_kind(o.scope).1),
            })
            .collect())
    }

    /// Every account in reach: whether it is active, its open sessions, whether it is locked.
    pub async fn users(&self) -> Result<Vec<UserView>, AppError> {
        let now = self.app.now();
        let since = now - chrono::Duration::minutes(accounts::THROTTLE_MINUTES);
        let names: std::collections::HashMap<UserScope, String> = self
            .app
            .store
            .organisations()
            .await?
            .into_iter()
            .map(|o| (o.scope, o.name))
            .collect();
        Ok(self
            .app
            .store
            .accounts(now, since)
            .await?
            .into_iter()
            .filter(|a| self.reaches(&a.user))
            .map(|a| UserView {
                id: a.user.id.0,
                is_self: a.user.id == self.viewer.user.id,
                organisation: names.get(&a.user.scope).cloned().unwrap_or_default(),
                username: a.user.username,
                display_name: a.user.display_name,
                role: a.user.role.label_nb().to_owned(),
                active: a.user.active,
                sessions: a.sessions,
                locked: accounts::is_locked(a.recent_failures),
            })
            .collect())
    }

    /// The account `id` when it is in reach, or not found.
    async fn account(&self, id: i64) -> Result<UserRecord, AppError> {
        self.app
            .store
            .user_by_id(UserId(id))
            .await?
            .filter(|u| self.reaches(u))
            .ok_or(AppError::NotFound)
    }

    /// The form of account `id` as it is now, for changing it.
    pub async fn form(&self, id: i64) -> Result<AccountForm, AppError> {
        let user = self.account(id).await?;
        Ok(AccountForm {
            id: Some(user.id.0),
            username: user.username,
            display_name: user.display_name,
            role: user.role.code().to_owned(),
            organisation: scope_value(user.scope),
            discipline: user
                .discipline
                .map(Discipline::code)
                .unwrap_or_default()
                .to_owned(),
            errors: Vec::new(),
        })
    }

    /// Checks the form: a valid name, a role the viewer may give, and exactly the organisation
    /// that role needs (a Nav office for a case officer, a provider for provider roles, an
    /// investor for an investor, none for the rest). Every field at fault is named.
    async fn checked(
        &self,
        input: &AccountInput,
    ) -> Result<Result<Checked, Vec<FieldError>>, AppError> {
        let mut errors = Vec::new();
        let display_name = accounts::parse_display_name(&input.display_name);
        if display_name.is_none() {
            errors.push(FieldError::new("display_name", "Navn: skriv 1–100 tegn."));
        }
        let role = Role::from_code(input.role.trim())
            .filter(|r| self.roles().iter().any(|o| o.code == r.code()));
        if role.is_none() {
            errors.push(FieldError::new("role", "Rolle: velg en rolle fra listen."));
        }
        let scope = match parse_scope(input.organisation.trim()) {
            Some(scope)
                if scope == UserScope::None
                    || self
                        .organisations()
                        .await?
                        .iter()
                        .any(|o| o.value == scope_value(scope)) =>
            {
                Some(scope)
            }
            _ => {
                errors.push(FieldError::new(
                    "organisation",
                    "Organisasjon: velg fra listen.",
                ));
                None
            }
        };
        if let (Some(role), Some(scope)) = (role, scope) {
            let needed = match role {
                Role::NavCaseOfficer => "office",
                Role::ProviderStaff | Role::ProviderAdmin => "provider",
                Role::Investor => "investor",
                _ => "",
            };
            if scope_kind(scope).0 != needed {
                errors.push(FieldError::new(
                    "organisation",
                    match needed {
                        "office" => "Organisasjon: en Nav-veileder hører til et Nav-kontor.",
                        "provider" => {
                            "Organisasjon: en tiltaksleverandørs konto hører til en leverandør."
                        }
                        "investor" => "Organisasjon: en investors konto hører til en investor.",
                        _ => "Organisasjon: denne rollen hører ikke til en organisasjon; velg «Ingen».",
                    },
                ));
            }
        }
        // Provider staff work in the team with a discipline; no other role has one.
        let discipline = match (role, input.discipline.trim()) {
            (Some(Role::ProviderStaff), code) => {
                let d = Discipline::from_code(code);
                if d.is_none() {
                    errors.push(FieldError::new(
                        "discipline",
                        "Fagrolle: velg fagrollen den ansatte har i teamet.",
                    ));
                }
                d
            }
            _ => None,
        };
        Ok(match (display_name, role, scope) {
            (Some(name), Some(role), Some(scope)) if errors.is_empty() => Ok((
                name,
                AccountRights {
                    role,
                    scope,
                    discipline,
                },
            )),
            _ => Err(errors),
        })
    }

    /// A new account with no password, and its first one-time password link, to be shown
    /// once: (username, token), or the fields at fault. Recorded as `user.create` and
    /// `user.password-link`.
    pub async fn create(
        &self,
        input: &AccountInput,
    ) -> Result<Result<(String, String), Vec<FieldError>>, AppError> {
        let username = accounts::parse_username(&input.username);
        let checked = self.checked(input).await?;
        let (username, (display_name, rights)) = match (username, checked) {
            (Some(username), Ok(checked)) => (username, checked),
            (username, checked) => {
                let mut errors = Vec::new();
                if username.is_none() {
                    errors.push(FieldError::new(
                        "username",
                        "Brukernavn: 2–64 tegn, bare a–z, 0–9, punktum, bindestrek og understrek.",
                    ));
                }
                errors.extend(checked.err().unwrap_or_default());
                return Ok(Err(errors));
            }
        };
        let role = rights.role;
        let op = audit::operation(
            &self.app,
            &self.viewer,
            "user.create",
            format!("user:{username}:{}", role.code()),
        );
        let new = NewUser {
            username: username.clone(),
            display_name,
            password_hash: accounts::NO_PASSWORD.to_owned(),
            role,
            scope: rights.scope,
            discipline: rights.discipline,
        };
        let (token, link) = self.new_link();
        let link_op = audit::operation(
            &self.app,
            &self.viewer,
            "user.password-link",
            format!("user:{username}"),
        );
        match self
            .app
            .store
            .create_user_with_link_logged(&new, &link, &[op, link_op])
            .await
        {
            Ok(_) => {}
            Err(StoreError::Conflict(_)) => {
                return Ok(Err(vec![FieldError::new(
                    "username",
                    "Brukernavn: det finnes allerede en konto med dette navnet.",
                )]))
            }
            Err(e) => return Err(e.into()),
        }
        tracing::info!(account = %username, role = role.code(), by = %self.viewer.user.username,
            "account created");
        Ok(Ok((username, token)))
    }

    /// A fresh link token (shown once) and what the store keeps of it.
    fn new_link(&self) -> (String, NewPasswordLink) {
        let token = accounts::random_token();
        let now = self.app.now();
        let link = NewPasswordLink {
            token_hash: accounts::token_hash(&token),
            created_at: now,
            expires_at: now + chrono::Duration::hours(crate::password_links::LINK_HOURS),
        };
        (token, link)
    }

    /// Changes the name, role and organisation of account `id` (its username stays), or names
    /// the fields at fault. A new role or organisation ends its sessions. The viewer cannot
    /// change their own role. Recorded as `user.update`.
    pub async fn update(
        &self,
        id: i64,
        input: &AccountInput,
    ) -> Result<Result<(), Vec<FieldError>>, AppError> {
        let user = self.account(id).await?;
        if user.role == Role::PrivacyOfficer {
            return Err(refused(PRIVACY_OFFICER_FROM_CLI));
        }
        let (display_name, rights) = match self.checked(input).await? {
            Ok(checked) => checked,
            Err(errors) => return Ok(Err(errors)),
        };
        let role = rights.role;
        if user.id == self.viewer.user.id && (role != user.role || rights.scope != user.scope) {
            return Err(refused(
                "Du kan ikke endre din egen rolle eller organisasjon.",
            ));
        }
        let op = audit::operation(
            &self.app,
            &self.viewer,
            "user.update",
            format!("user:{}:{}", user.username, role.code()),
        );
        if !self
            .app
            .store
            .update_user_logged(user.id, &display_name, &rights, &op)
            .await?
        {
            return Err(AppError::NotFound);
        }
        Ok(Ok(()))
    }

    /// Lets the account log in again, or stops it: a deactivated account's sessions end at
    /// once. Nobody can deactivate their own account (someone must be left to turn it back
    /// on). Recorded as `user.activate` / `user.deactivate`.
    pub async fn set_active(&self, id: i64, active: bool) -> Result<(), AppError> {
        let user = self.account(id).await?;
        if !active && user.id == self.viewer.user.id {
            return Err(refused("Du kan ikke deaktivere din egen konto."));
        }
        let action = if active {
            "user.activate"
        } else {
            "user.deactivate"
        };
        let op = audit::operation(
            &self.app,
            &self.viewer,
            action,
            format!("user:{}", user.username),
        );
        if !self
            .app
            .store
            .set_user_active_logged(user.id, active, &op)
            .await?
        {
            return Err(AppError::NotFound);
        }
        tracing::info!(account = %user.username, active, by = %self.viewer.user.username,
            "account status changed");
        Ok(())
    }

    /// Ends every session of account `id` (e.g. a lost laptop); it may log in again.
    /// Recorded as `user.sessions-end`.
    pub async fn end_sessions(&self, id: i64) -> Result<u64, AppError> {
        let user = self.account(id).await?;
        let op = audit::operation(
            &self.app,
            &self.viewer,
            "user.sessions-end",
            format!("user:{}", user.username),
        );
        Ok(self.app.store.end_sessions_logged(user.id, &op).await?)
    }

    /// The sessions of account `id` open now, newest first; the viewer's own is marked.
    pub async fn sessions(&self, id: i64) -> Result<Vec<SessionView>, AppError> {
        let user = self.account(id).await?;
        let own = self.viewer.session.as_ref().map(|s| s.token_hash.as_str());
        Ok(self
            .app
            .store
            .open_sessions(user.id, self.app.now())
            .await?
            .into_iter()
            .map(|s| SessionView {
                reference: session_reference(&s.token_hash).to_owned(),
                started: effekt_domain::dates::oslo_time(s.created_at),
                expires: effekt_domain::dates::oslo_time(s.expires_at),
                current: own == Some(s.token_hash.as_str()),
            })
            .collect())
    }

    /// Ends one session of account `id` (a lost phone), named by its reference on the
    /// account's page; the others stay. Recorded as `user.session-end`.
    pub async fn end_session(&self, id: i64, reference: &str) -> Result<(), AppError> {
        let user = self.account(id).await?;
        let valid = reference.len() == SESSION_REFERENCE_LEN
            && reference
                .bytes()
                .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase());
        if !valid {
            return Err(AppError::NotFound);
        }
        let op = audit::operation(
            &self.app,
            &self.viewer,
            "user.session-end",
            format!("user:{}", user.username),
        );
        if !self
            .app
            .store
            .end_session_logged(user.id, reference, &op)
            .await?
        {
            // Ended already, or expired: the page was older than the session.
            return Err(refused("Økten er allerede avsluttet."));
        }
        Ok(())
    }

    /// Lifts the lock after failed logins (the person has been reached and knows the
    /// password again). Recorded as `user.unlock`.
    pub async fn unlock(&self, id: i64) -> Result<(), AppError> {
        let user = self.account(id).await?;
        let op = audit::operation(
            &self.app,
            &self.viewer,
            "user.unlock",
            format!("user:{}", user.username),
        );
        Ok(self.app.store.unlock_logged(&user.username, &op).await?)
    }

    /// A new one-time password link for account `id` (`crate::password_links`), to be shown
    /// once: (username, token). Refused for a deactivated account. Recorded as
    /// `user.password-link`.
    pub async fn password_link(&self, id: i64) -> Result<(String, String), AppError> {
        let user = self.account(id).await?;
        if user.role == Role::PrivacyOfficer {
            return Err(refused(PRIVACY_OFFICER_FROM_CLI));
        }
        if !user.active {
            return Err(refused(
                "Kontoen er deaktivert. Aktiver den før du lager en passordlenke.",
            ));
        }
        let (token, link) = self.new_link();
        let op = audit::operation(
            &self.app,
            &self.viewer,
            "user.password-link",
            format!("user:{}", user.username),
        );
        self.app
            .store
            .create_password_link_logged(
                user.id,
                &link.token_hash,
                link.created_at,
                link.expires_at,
                &op,
            )
            .await?;
        Ok((user.username, token))
    }
}

/// A session as the account's page lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionView {
    /// Names the session in the form that ends it: the start of its token's hash, which
    /// neither is the token nor leads to it.
    pub reference: String,
    /// When it began and when it ends by itself, Europe/Oslo.
    pub started: String,
    pub expires: String,
    /// The viewer's own session (ending it logs the viewer out).
    pub current: bool,
}

/// Hex digits of the token hash that name a session: 64 bits, unique among open sessions.
const SESSION_REFERENCE_LEN: usize = 16;

fn session_reference(token_hash: &str) -> &str {
    token_hash
        .get(..SESSION_REFERENCE_LEN)
        .unwrap_or(token_hash)
}

/// How an organisation is named in the form: `office:3`, `provider:1`, `investor:2`, or empty.
fn scope_value(scope: UserScope) -> String {
    match scope {
        UserScope::None => String::new(),
        UserScope::NavOffice(o) => format!("office:{}", o.0),
        UserScope::Provider(p) => format!("provider:{}", p.0),
        UserScope::Investor(i) => format!("investor:{}", i.0),
    }
}

fn parse_scope(value: &str) -> Option<UserScope> {
    use effekt_domain::ids::{InvestorId, NavOfficeId};
    if value.is_empty() {
        return Some(UserScope::None);
    }
    let (kind, id) = value.split_once(':')?;
    let id: i64 = id.parse().ok().filter(|i| *i > 0)?;
    match kind {
        "office" => Some(UserScope::NavOffice(NavOfficeId(id))),
        "provider" => Some(UserScope::Provider(ProviderId(id))),
        "investor" => Some(UserScope::Investor(InvestorId(id))),
        _ => None,
    }
}

/// The kind of organisation a scope names: (the form's code, the Norwegian word).
fn scope_kind(scope: UserScope) -> (&'static str, &'static str) {
    match scope {
        UserScope::None => ("", ""),
        UserScope::NavOffice(_) => ("office", "Nav-kontor"),
        UserScope::Provider(_) => ("provider", "leverandør"),
        UserScope::Investor(_) => ("investor", "investor"),
    }
}
