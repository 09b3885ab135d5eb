//! One-time links to set a password: the administrator makes one for an account and sees it
//! once (only its hash is stored); whoever holds it sets a new password within 24 hours, once.
//! Setting it ends the account's sessions and forgets its failed logins. Both are operations in
//! the audit log (`user.password-link`, `user.password-set`).

use effekt_store::model::{Channel, OperationRecord};

use crate::accounts::{hash_password, token_hash, PASSWORD_CHARS};
use crate::{App, AppError};

/// How long a link works.
pub const LINK_HOURS: i64 = 24;

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
