//! Local accounts and sessions: argon2id password hashes, an opaque session cookie (only its
//! SHA-256 is stored), a CSRF token per session, and throttling after repeated failed logins.

use std::sync::atomic::Ordering;
use std::sync::OnceLock;

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::HeaderMap;
use base64::Engine;
use chrono::{Duration, Utc};
use rand::RngCore;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use super::{AppState, Viewer};
use crate::WebError;

pub const SESSION_COOKIE: &str = "effekt_session";
pub const LOGIN_CSRF_COOKIE: &str = "effekt_login_csrf";
pub const SESSION_HOURS: i64 = 8;
/// Failed logins allowed per username within [`THROTTLE_MINUTES`].
pub const MAX_FAILURES: u64 = 5;
pub const THROTTLE_MINUTES: i64 = 15;

/// An argon2id hash (PHC string) with the crate's recommended parameters.
pub fn hash_password(password: &str) -> Result<String, WebError> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| WebError::Internal(format!("password hashing: {e}")))
}

pub fn verify_password(hash: &str, password: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|parsed| {
        Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok()
    })
}

/// A hash to verify against when the user does not exist, so that a wrong username takes as
/// long as a wrong password.
fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| hash_password("not a real password").unwrap_or_default())
}

/// 32 random bytes, URL-safe base64.
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

fn token_hash(token: &str) -> String {
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Reads one cookie from the request headers.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_owned())
}

/// A `Set-Cookie` value: HttpOnly, SameSite=Lax, path /, Secure behind TLS.
pub fn set_cookie(name: &str, value: &str, max_age_seconds: i64, secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age_seconds}{secure}")
}

/// Compares a submitted CSRF token with the expected one in constant time.
pub fn check_csrf(expected: &str, given: &str) -> Result<(), WebError> {
    if !expected.is_empty() && bool::from(expected.as_bytes().ct_eq(given.as_bytes())) {
        Ok(())
    } else {
        Err(WebError::Csrf)
    }
}

pub enum LoginOutcome {
    /// The `Set-Cookie` value for the new session, and where to go.
    Success {
        set_cookie: String,
        home: &'static str,
    },
    Invalid,
    Throttled,
}

/// Checks credentials, with throttling per username; creates a session on success.
pub async fn login(
    state: &AppState,
    username: &str,
    password: &str,
) -> Result<LoginOutcome, WebError> {
    let username = username.trim().to_lowercase();
    let now = Utc::now();
    let since = now - Duration::minutes(THROTTLE_MINUTES);
    if state.store.login_failures_since(&username, since).await? >= MAX_FAILURES {
        return Ok(LoginOutcome::Throttled);
    }
    let user = state.store.user_by_username(&username).await?;
    let valid = match &user {
        Some(u) => verify_password(&u.password_hash, password) && u.active,
        None => {
            let _ = verify_password(dummy_hash(), password);
            false
        }
    };
    let Some(user) = user.filter(|_| valid) else {
        state.store.record_login_failure(&username, now).await?;
        state.metrics.logins_failed.fetch_add(1, Ordering::Relaxed);
        return Ok(LoginOutcome::Invalid);
    };
    state.store.clear_login_failures(&username).await?;
    let token = random_token();
    state
        .store
        .create_session(
            &token_hash(&token),
            user.id,
            &random_token(),
            now,
            now + Duration::hours(SESSION_HOURS),
        )
        .await?;
    Ok(LoginOutcome::Success {
        set_cookie: set_cookie(
            SESSION_COOKIE,
            &token,
            SESSION_HOURS * 3600,
            state.config.secure_cookies,
        ),
        home: super::home_path(user.role),
    })
}

/// Ends the session; returns the `Set-Cookie` value that clears the cookie.
pub async fn logout(state: &AppState, viewer: &Viewer) -> Result<String, WebError> {
    state.store.delete_session(&viewer.session_hash).await?;
    Ok(set_cookie(
        SESSION_COOKIE,
        "",
        0,
        state.config.secure_cookies,
    ))
}

fn request_id(headers: &HeaderMap) -> String {
    headers
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .filter(|v| {
            !v.is_empty()
                && v.len() <= 64
                && v.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        })
        .map_or_else(|| random_token()[..16].to_owned(), str::to_owned)
}

/// The logged-in user behind these headers, if any.
pub async fn viewer(state: &AppState, headers: &HeaderMap) -> Result<Option<Viewer>, WebError> {
    let Some(token) = cookie(headers, SESSION_COOKIE).filter(|t| !t.is_empty()) else {
        return Ok(None);
    };
    let hash = token_hash(&token);
    let Some(session) = state.store.session(&hash, Utc::now()).await? else {
        return Ok(None);
    };
    let Some(user) = state
        .store
        .user_by_id(session.user_id)
        .await?
        .filter(|u| u.active)
    else {
        return Ok(None);
    };
    Ok(Some(Viewer {
        user,
        csrf_token: session.csrf_token,
        session_hash: hash,
        request_id: request_id(headers),
    }))
}

impl FromRequestParts<AppState> for Viewer {
    type Rejection = WebError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let api = parts.uri.path().starts_with("/api/");
        viewer(state, &parts.headers)
            .await?
            .ok_or(WebError::Unauthenticated { api })
    }
}
