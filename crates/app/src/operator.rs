//! The command line's operator: commands that read personal or contract data act as a named,
//! active effekt user and need the same grant as the matching page (commands without a page
//! need the administrator's). Their audit records name the operator and, beside it, the
//! operating-system user who ran the binary: whoever runs it holds the database anyway; the
//! record says who claimed what. Also the bootstrap of the first administrator account.

use effekt_domain::mode::Mode;
use effekt_domain::role::Role;
use effekt_store::model::{Channel, NewUser, OperationRecord, UserScope};

use crate::policy::Grant;
use crate::{accounts, App, AppError, Viewer};

/// Why the command line refuses to act. Each prints as one line.
#[derive(Debug, thiserror::Error)]
pub enum OperatorError {
    #[error("this command acts as a named effekt user: give --as USERNAME or set EFFEKT_OPERATOR")]
    Missing,
    #[error("operator {0:?} is not an effekt user")]
    Unknown(String),
    #[error("operator {0:?} is deactivated")]
    Inactive(String),
    #[error("operator {username:?} ({role}) may not run this command: it needs {needs}")]
    Unentitled {
        username: String,
        role: &'static str,
        needs: &'static str,
    },
    #[error(transparent)]
    App(#[from] AppError),
}

/// Who may run a command, in words.
fn needs(grant: Grant) -> &'static str {
    match grant {
        Grant::Administration => "the administrator role",
        Grant::DefineContracts => "the Nav contract manager role",
        Grant::Statements => "a role that sees statements",
        Grant::Contracts => "a role that reads contracts (not the administrator)",
        Grant::NamedParticipants => "a role with named participants",
        Grant::Aggregates => "a role that sees aggregates",
        Grant::Pseudonymised => "the evaluator role",
        Grant::Investments => "a role that sees investments",
        Grant::Home => "any active account",
        Grant::Accounts => "the administrator or a provider admin",
        Grant::AuditLog => "the administrator or the privacy officer",
        Grant::Imports => "the administrator or the Nav contract manager",
        Grant::Groups => "provider staff or a provider admin",
    }
}

/// The demo user a command acts as when none is named in demo and test mode (docs/architecture.md).
pub fn demo_operator(grant: Grant) -> &'static str {
    match grant {
        Grant::Administration => "administrator",
        Grant::Pseudonymised => "evaluator",
        _ => "kontrakt.forvalter",
    }
}

/// The operator of a command that needs `grant`: `claimed` (from `--as` or `EFFEKT_OPERATOR`),
/// or in demo and test mode the documented demo user. Refused when missing (in production),
/// unknown, deactivated or without the grant.
pub async fn operator(
    app: &App,
    claimed: Option<&str>,
    grant: Grant,
    os_user: &str,
) -> Result<Viewer, OperatorError> {
    let username = match claimed.map(str::trim).filter(|c| !c.is_empty()) {
        Some(name) => name.to_lowercase(),
        None if app.mode() != Mode::Production => demo_operator(grant).to_owned(),
        None => return Err(OperatorError::Missing),
    };
    let Some(user) = app
        .store
        .user_by_username(&username)
        .await
        .map_err(AppError::from)?
    else {
        return Err(OperatorError::Unknown(username));
    };
    if !user.active {
        return Err(OperatorError::Inactive(username));
    }
    if !crate::policy::has(user.role, grant) {
        return Err(OperatorError::Unentitled {
            username,
            role: user.role.label_nb(),
            needs: needs(grant),
        });
    }
    Ok(Viewer {
        user,
        request_id: format!("cli-{}", &accounts::random_token()[..16]),
        channel: Channel::Cli {
            os_user: os_user.to_owned(),
        },
        session: None,
    })
}

/// Why a bootstrap account was not created. Each prints as one line.
#[derive(Debug, thiserror::Error)]
pub enum BootstrapError {
    #[error("an administrator exists already ({0}); they create accounts, or pass --additional to add another from the command line")]
    AdministratorExists(String),
    #[error("the username must be 2 to 64 characters: a-z, 0-9, '.', '-' or '_'")]
    Username,
    #[error("the display name must be 1 to 100 characters")]
    DisplayName,
    #[error("the password must be 12 to 1024 characters")]
    Password,
    #[error("only an administrator or a privacy officer is created from the command line")]
    Role,
    #[error("user {0:?} exists already")]
    Taken(String),
    #[error(transparent)]
    App(#[from] AppError),
}

/// A first (or, with `additional`, a further) administrator account, or a privacy officer's
/// (whose role sees identities the administrator may not, so it is given here and not on the
/// administrator's pages), created from the command line run by `os_user`; recorded in the
/// operations log in the same transaction.
pub async fn create_administrator(
    app: &App,
    role: Role,
    username: &str,
    display_name: &str,
    password: &str,
    os_user: &str,
    additional: bool,
) -> Result<effekt_domain::ids::UserId, BootstrapError> {
    let username = accounts::parse_username(username).ok_or(BootstrapError::Username)?;
    let display_name =
        accounts::parse_display_name(display_name).ok_or(BootstrapError::DisplayName)?;
    if !accounts::PASSWORD_CHARS.contains(&password.chars().count()) {
        return Err(BootstrapError::Password);
    }
    let users = app.store.users().await.map_err(AppError::from)?;
    if !matches!(role, Role::Administrator | Role::PrivacyOfficer) {
        return Err(BootstrapError::Role);
    }
    if let Some(admin) = users
        .iter()
        .find(|u| u.role == Role::Administrator && u.active)
        .filter(|_| !additional && role == Role::Administrator)
    {
        return Err(BootstrapError::AdministratorExists(admin.username.clone()));
    }
    let hash = accounts::hash_password(password).await?;
    let op = OperationRecord {
        at: app.now(),
        actor: None,
        actor_name: format!("cli:{os_user}"),
        action: "user.create".into(),
        subject: match role {
            Role::Administrator => format!("user:{username}"),
            _ => format!("user:{username}:{}", role.code()),
        },
        channel: Channel::Cli {
            os_user: os_user.to_owned(),
        },
    };
    let new = NewUser {
        username: username.clone(),
        display_name,
        password_hash: hash,
        role,
        scope: UserScope::None,
        discipline: None,
    };
    match app.store.create_user_logged(&new, &op).await {
        Ok(id) => Ok(id),
        Err(effekt_store::StoreError::Conflict(_)) => Err(BootstrapError::Taken(username)),
        Err(e) => Err(AppError::from(e).into()),
    }
}
