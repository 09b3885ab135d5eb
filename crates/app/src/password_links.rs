//! One-time links to set a password: the administrator makes one for an account and sees it
//! once (only its hash is stored); whoever holds it sets a new password within 24 hours, once.
//! Setting it ends the account's sessions and forgets its failed logins. Both are operations in
//! the audit log (`user.password-link`, `user.password-set`).

use chrono::Duration;
use effekt_domain::ids::UserId;
use effekt_store::model::{Channel, OperationRecord};

use crate::access::AdminAccess;
use crate::accounts::{hash_password, random_token, token_hash};
use crate::{App, AppError};

/// How long a link works.
pub const LINK_HOURS: i64 = 24;

/// A password's length in characters, as every account's password must have it.
pub const PASSWORD_CHARS: std::ops::RangeInclusive<usize> = 12..=1024;

impl AdminAccess {
    /// A new link for account `id`, to be shown once. Refused for a deactivated account.
    pub async fn password_link(&self, id: i64) -> Result<String, AppError> {
        let (app, viewer) = self.parts();
        let user = app
            .store
            .user_by_id(UserId(id))
            .await?
            .ok_or(AppError::NotFound)?;
        if !user.active {
            return Err(AppError::Refused(
                "Kontoen er deaktivert. Aktiver den før du lager en passordlenke.".into(),
            ));
        }
        let token = random_token();
        let now = app.now();
        let op = crate::audit::operation(
            app,
            viewer,
            "user.password-link",
            format!("user:{}", user.username),
        );
        app.store
            .create_password_link_logged(
                user.id,
                &token_hash(&token),
                now,
                now + Duration::hours(LINK_HOURS),
                &op,
            )
            .await?;
        Ok(token)
    }
}

/// The display name of the account a link is for, while the link works.
pub async fn holder(app: &App, token: &str) -> Result<Option<String>, AppError> {
    Ok(app
        .store
        .password_link_user(&token_hash(token), app.now())
        .await?
        .map(|u| u.display_name))
}

/// What became of a new password.
#[derive(Debug, PartialEq, Eq)]
pub enum Outcome {
    Set,
    /// The link is spent, expired, or its account deactivated.
    Gone,
    /// The password is refused (the message says why); the link still works.
    Refused(String),
}

/// Sets the password of the link's account, once.
pub async fn set_password(
    app: &App,
    token: &str,
    password: &str,
    repeated: &str,
) -> Result<Outcome, AppError> {
    let Some(user) = app
        .store
        .password_link_user(&token_hash(token), app.now())
        .await?
    else {
        return Ok(Outcome::Gone);
    };
    if !PASSWORD_CHARS.contains(&password.chars().count()) {
        return Ok(Outcome::Refused(
            "Passordet må ha minst 12 tegn (høyst 1024).".into(),
        ));
    }
    if password != repeated {
        return Ok(Outcome::Refused("De to passordene er ikke like.".into()));
    }
    let hash = hash_password(password).await?;
    let op = OperationRecord {
        at: app.now(),
        actor: Some(user.id),
        actor_name: user.username.clone(),
        action: "user.password-set".into(),
        subject: format!("user:{}", user.username),
        channel: Channel::Web,
    };
    let spent = app
        .store
        .use_password_link(&token_hash(token), app.now(), &hash, &op)
        .await?;
    Ok(if spent { Outcome::Set } else { Outcome::Gone })
}
