//! `/passord/{token}`: setting a password with a one-time link, before any login. The form
//! carries the same cookie-bound CSRF token as the login form; the link itself is the secret,
//! and pages send no referrer, so it leaves the browser only as typed.

use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};

use effekt_app::password_links::{self, Outcome};

use crate::extract::CleanForm;
use crate::session::{self, LOGIN_CSRF_COOKIE};
use crate::views::{self, Chrome, PasswordPage};
use crate::{AppState, PageError};

async fn page(
    state: &AppState,
    headers: &HeaderMap,
    token: &str,
    error: Option<String>,
) -> Result<Response, PageError> {
    let holder = password_links::holder(&state.app, token).await?;
    let status = match (&holder, &error) {
        (None, _) => StatusCode::GONE,
        (Some(_), Some(_)) => StatusCode::BAD_REQUEST,
        (Some(_), None) => StatusCode::OK,
    };
    let (nonce, csrf_token) = state.app.login_form();
    let page = PasswordPage {
        chrome: Chrome::new(super::lang(headers), "password-title", None, "/passord"),
        csrf_token,
        token: token.to_owned(),
        holder,
        error,
    };
    let mut response = views::html(&page);
    *response.status_mut() = status;
    let cookie = session::set_cookie(LOGIN_CSRF_COOKIE, &nonce, 3600, state.config.secure_cookies);
    if let Ok(value) = cookie.parse() {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    Ok(response)
}

/// A token is URL-safe base64 of 32 bytes; anything else is no link of ours.
fn well_formed(token: &str) -> bool {
    token.len() == 43
        && token
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// `GET /passord/{token}`
pub async fn form(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(token): Path<String>,
) -> Result<Response, PageError> {
    let token = if well_formed(&token) {
        token
    } else {
        String::new()
    };
    page(&state, &headers, &token, None).await
}

/// `POST /passord/{token}`: the new password, twice.
pub async fn submit(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(token): Path<String>,
    CleanForm(form): CleanForm,
) -> Result<Response, PageError> {
    let token = if well_formed(&token) {
        token
    } else {
        String::new()
    };
    let field = |k: &str| form.get(k).map(String::as_str).unwrap_or_default();
    let expected = session::only_cookie(&headers, LOGIN_CSRF_COOKIE).unwrap_or_default();
    if !state.app.login_form_fits(&expected, field("csrf")) {
        let message = "Skjemaet var utløpt. Skriv passordet på nytt.".to_owned();
        return page(&state, &headers, &token, Some(message)).await;
    }
    match password_links::set_password(&state.app, &token, field("password"), field("repeated"))
        .await?
    {
        Outcome::Set => Ok(Redirect::to("/logg-inn").into_response()),
        Outcome::Gone => page(&state, &headers, "", None).await,
        Outcome::Refused(message) => page(&state, &headers, &token, Some(message)).await,
    }
}
