//! Local accounts and sessions: argon2id password hashes (worked out off the async threads),
//! opaque session tokens of which only the SHA-256 is stored, a CSRF token per session, and
//! throttling after repeated failed logins. Cookies are the web's business; this hands out
//! tokens and viewers.

use std::sync::atomic::Ordering;
use std::sync::OnceLock;

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use base64::Engine;
use chrono::Duration;
use effekt_domain::mode::Mode;
use effekt_domain::pseudonym::PseudonymKey;
use effekt_store::model::Channel;
use effekt_store::Store;
use rand::RngCore;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::policy::{self, Page};
use crate::viewer::SessionKeys;
use crate::{App, AppError, Viewer};

pub const SESSION_HOURS: i64 = 8;
/// How long a login form may be submitted after it was shown.
pub const LOGIN_FORM_SECONDS: i64 = 3600;
/// A password's length in characters, for every account (the first administrator's from the
/// command line, and any set with a password link).
pub const PASSWORD_CHARS: std::ops::RangeInclusive<usize> = 12..=1024;

/// Failed logins allowed per username (from one client) within [`THROTTLE_MINUTES`].
pub const MAX_FAILURES: u64 = 5;

/// Whether an account with `recent_failures` failed logins within the throttle window is
/// locked (as the accounts page and the administrator's home say).
pub fn is_locked(recent_failures: u64) -> bool {
    recent_failures >= MAX_FAILURES
}
/// Failed logins allowed from one client, whatever the usernames, within the same window.
pub const MAX_CLIENT_FAILURES: u64 = 20;
/// Failed logins for one username from all clients together after which it is locked for
/// everyone for the window, its owner too: a guesser with many addresses gets no further.
pub const MAX_USERNAME_FAILURES: u64 = 50;
pub const THROTTLE_MINUTES: i64 = 15;

fn hash_now(password: &str) -> Result<String, AppError> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| AppError::Internal {
            what: "password hashing",
            source: e.to_string().into(),
        })
}

fn verify_now(hash: &str, password: &str) -> bool {
    match PasswordHash::new(hash) {
        Ok(parsed) => Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok(),
        // An account without a password yet (`NO_PASSWORD`): as slow as a wrong password, so
        // that timing does not tell that the account exists and waits for its link.
        Err(_) => {
            let _ = PasswordHash::new(dummy_hash())
                .map(|parsed| Argon2::default().verify_password(password.as_bytes(), &parsed));
            false
        }
    }
}

/// What an account created without a password holds instead of a hash: no password verifies
/// against it, so the account is reached only through the password link made with it.
pub(crate) const NO_PASSWORD: &str = "!ingen-passord";

/// A username as stored: trimmed, lower case, 2–64 of a–z, 0–9, '.', '-' and '_'.
pub fn parse_username(raw: &str) -> Option<String> {
    let username = raw.trim().to_lowercase();
    let valid = (2..=64).contains(&username.chars().count())
        && username
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '-' | '_'));
    valid.then_some(username)
}

/// A display name as stored: trimmed, 1–100 characters, no control characters.
pub fn parse_display_name(raw: &str) -> Option<String> {
    let name = raw.trim();
    let valid =
        !name.is_empty() && name.chars().count() <= 100 && !name.chars().any(char::is_control);
    valid.then(|| name.to_owned())
}

/// An argon2id hash (PHC string) with the crate's recommended parameters, worked out on a
/// blocking thread: it takes tens of milliseconds by design.
pub async fn hash_password(password: &str) -> Result<String, AppError> {
    let password = password.to_owned();
    tokio::task::spawn_blocking(move || hash_now(&password))
        .await
        .map_err(|e| AppError::internal("password hashing", e))?
}

/// Whether `password` matches `hash`, on a blocking thread.
pub async fn verify_password(hash: &str, password: &str) -> bool {
    let (hash, password) = (hash.to_owned(), password.to_owned());
    tokio::task::spawn_blocking(move || verify_now(&hash, &password))
        .await
        .unwrap_or(false)
}

/// A hash to verify against when the user does not exist, so that a wrong username takes as
/// long as a wrong password.
fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| hash_now("not a real password").unwrap_or_default())
}

/// 32 random bytes, URL-safe base64.
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

pub(crate) fn token_hash(token: &str) -> String {
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Compares a submitted token with the expected one in constant time; an empty expectation
/// never matches.
pub fn tokens_match(expected: &str, given: &str) -> bool {
    !expected.is_empty() && bool::from(expected.as_bytes().ct_eq(given.as_bytes()))
}

/// The key that signs login forms: made once, kept in the store.
pub(crate) async fn login_key(store: &dyn Store) -> Result<Vec<u8>, KeyError> {
    Ok(store
        .put_secret_if_absent("login-form-key", random_token().as_bytes())
        .await?)
}

fn login_signature(key: &[u8], nonce: &str) -> String {
    use hmac::{Hmac, Mac};
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(key) else {
        return String::new();
    };
    mac.update(b"login-form:");
    mac.update(nonce.as_bytes());
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
}

impl App {
    /// A login form's anti-forgery pair: a random value for a short-lived cookie, and the
    /// server's signature of it for the form. Only the server can make a pair that fits, so
    /// a cookie and field an attacker set to the same value are refused.
    pub fn login_form(&self) -> (String, String) {
        let nonce = format!("{}.{}", self.now().timestamp(), random_token());
        let signature = login_signature(&self.login_key, &nonce);
        (nonce, signature)
    }

    /// Whether a login form's field is the server's signature of its cookie, made within the
    /// last hour.
    pub fn login_form_fits(&self, cookie: &str, field: &str) -> bool {
        let made = cookie
            .split_once('.')
            .and_then(|(t, _)| t.parse::<i64>().ok());
        let fresh = made.is_some_and(|t| {
            let age = self.now().timestamp() - t;
            (0..=LOGIN_FORM_SECONDS).contains(&age)
        });
        fresh && tokens_match(&login_signature(&self.login_key, cookie), field)
    }
}

pub enum LoginOutcome {
    /// The new session's token (for the cookie), and where the user starts.
    Success {
        token: String,
        home: Page,
    },
    Invalid,
    Throttled,
}

/// Whether a login from `client` is refused unheard: the client has failed too often (on any
/// usernames: password spraying), or on this username; or the username is locked (too many
/// failures from anywhere) and this client has failed on it before. A locked username still
/// lets its owner in from a client that has not failed on it, so an attacker cannot lock
/// people out by guessing at their usernames.
fn throttled(f: effekt_store::model::LoginFailures) -> bool {
    f.from_client >= MAX_CLIENT_FAILURES
        || f.for_username_from_client >= MAX_FAILURES
        || (f.for_username >= MAX_FAILURES && f.for_username_from_client > 0)
        || f.for_username >= MAX_USERNAME_FAILURES
}

/// Checks credentials, with throttling per username and per client; creates a session on
/// success. `client` is the caller's address (empty when unknown).
pub async fn login(
    app: &App,
    username: &str,
    password: &str,
    client: &str,
) -> Result<LoginOutcome, AppError> {
    let username = username.trim().to_lowercase();
    let now = app.now();
    let since = now - Duration::minutes(THROTTLE_MINUTES);
    if throttled(
        app.store
            .login_failures_since(&username, client, since)
            .await?,
    ) {
        return Ok(LoginOutcome::Throttled);
    }
    // Counted before the password is checked, so that attempts sent in parallel are counted
    // too; a success clears them.
    app.store
        .record_login_failure(&username, client, now)
        .await?;
    let user = app.store.user_by_username(&username).await?;
    let valid = match &user {
        Some(u) => verify_password(&u.password_hash, password).await && u.active,
        None => {
            let _ = verify_password(dummy_hash(), password).await;
            false
        }
    };
    let Some(user) = user.filter(|_| valid) else {
        app.metrics.logins_failed.fetch_add(1, Ordering::Relaxed);
        return Ok(LoginOutcome::Invalid);
    };
    app.store.clear_login_failures(&username).await?;
    let token = random_token();
    app.store
        .create_session(
            &token_hash(&token),
            user.id,
            &random_token(),
            now,
            now + Duration::hours(SESSION_HOURS),
        )
        .await?;
    Ok(LoginOutcome::Success {
        token,
        home: policy::home(user.role),
    })
}

/// The active user behind a session token, as a viewer of request `request_id`.
pub async fn session_viewer(
    app: &App,
    token: &str,
    request_id: &str,
) -> Result<Option<Viewer>, AppError> {
    if token.is_empty() {
        return Ok(None);
    }
    let hash = token_hash(token);
    let Some(session) = app.store.session(&hash, app.now()).await? else {
        return Ok(None);
    };
    let Some(user) = app
        .store
        .user_by_id(session.user_id)
        .await?
        .filter(|u| u.active)
    else {
        return Ok(None);
    };
    Ok(Some(Viewer {
        user,
        request_id: request_id.to_owned(),
        channel: Channel::Web,
        session: Some(SessionKeys {
            csrf_token: session.csrf_token,
            token_hash: hash,
        }),
    }))
}

/// Ends the viewer's session.
pub async fn logout(app: &App, viewer: &Viewer) -> Result<(), AppError> {
    if let Some(s) = &viewer.session {
        app.store.delete_session(&s.token_hash).await?;
    }
    Ok(())
}

/// Why the pseudonym key is unusable.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("EFFEKT_PSEUDONYM_KEY is not base64")]
    NotBase64,
    #[error("EFFEKT_PSEUDONYM_KEY: {0}")]
    Configured(String),
    #[error("EFFEKT_PSEUDONYM_KEY must be set in production (base64, at least 32 bytes)")]
    MissingInProduction,
    #[error("stored pseudonym key: {0}")]
    Stored(String),
    #[error(transparent)]
    Store(#[from] effekt_store::StoreError),
}

/// The pseudonym key: the configured one (base64, ≥ 32 bytes), or outside production a key
/// generated once and kept in the store.
pub async fn pseudonym_key(
    store: &dyn Store,
    mode: Mode,
    configured: Option<&str>,
) -> Result<PseudonymKey, KeyError> {
    if let Some(text) = configured {
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(text.trim())
            .or_else(|_| base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(text.trim()))
            .map_err(|_| KeyError::NotBase64)?;
        return PseudonymKey::new(bytes).map_err(|e| KeyError::Configured(e.to_string()));
    }
    if mode == Mode::Production {
        return Err(KeyError::MissingInProduction);
    }
    let stored = store
        .put_secret_if_absent("pseudonym-key", random_token().as_bytes())
        .await?;
    PseudonymKey::new(stored).map_err(|e| KeyError::Stored(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use effekt_store::model::LoginFailures;

    fn f(for_username: u64, from_here: u64, from_client: u64) -> LoginFailures {
        LoginFailures {
            for_username,
            for_username_from_client: from_here,
            from_client,
        }
    }

    #[test]
    fn a_locked_username_still_lets_its_owner_in_from_a_clean_client() {
        assert!(!throttled(f(0, 0, 0)));
        assert!(throttled(f(5, 5, 5)), "five failures here");
        assert!(!throttled(f(49, 0, 0)), "locked, but not by this client");
        assert!(
            throttled(f(5, 1, 1)),
            "locked, and this client has failed on it"
        );
        assert!(
            throttled(f(0, 0, 20)),
            "twenty failures here on other usernames"
        );
        assert!(!throttled(f(4, 4, 19)));
        assert!(
            throttled(f(50, 0, 0)),
            "locked for everyone after fifty from anywhere"
        );
    }
}
