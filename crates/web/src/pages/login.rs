//! Login and logout. The login form carries a CSRF token bound to a short-lived cookie (there
//! is no session yet); logout checks the session's token.

use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};

use effekt_app::accounts::{self, LoginOutcome, SESSION_HOURS};
use effekt_app::Viewer;

use crate::extract::CleanForm;
use crate::session::{self, LOGIN_CSRF_COOKIE, SESSION_COOKIE};
use crate::views::{self, Chrome, FieldError, LoginPage};
use crate::{AppState, PageError};

fn page(
    state: &AppState,
    headers: &HeaderMap,
    status: StatusCode,
    username: &str,
    errors: Vec<FieldError>,
    form_error: Option<String>,
) -> Response {
    let (nonce, token) = state.app.login_form();
    let lang = super::lang(headers);
    let page = LoginPage {
        chrome: Chrome::new(lang, "login-title", None, "/logg-inn"),
        csrf_token: token.clone(),
        username: username.to_owned(),
        errors,
        form_error,
    };
    let cookie = session::set_cookie(LOGIN_CSRF_COOKIE, &nonce, 3600, state.config.secure_cookies);
    let mut response = views::html(&page);
    *response.status_mut() = status;
    if let Ok(value) = cookie.parse() {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    response
}

pub async fn form(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Response, PageError> {
    if let Some(v) = session::viewer(&state, &headers).await? {
        return Ok(Redirect::to(views::page_link(v.home()).0).into_response());
    }
    Ok(page(&state, &headers, StatusCode::OK, "", Vec::new(), None))
}

pub async fn submit(
    State(state): State<AppState>,
    headers: HeaderMap,
    session::ClientAddress(client): session::ClientAddress,
    CleanForm(form): CleanForm,
) -> Result<Response, PageError> {
    let lang = super::lang(&headers);
    let field = |k: &str| form.get(k).map(String::as_str).unwrap_or_default();
    let username = field("username").trim().to_owned();
    let expected = session::only_cookie(&headers, LOGIN_CSRF_COOKIE).unwrap_or_default();
    if !state.app.login_form_fits(&expected, field("csrf")) {
        let message = "Skjemaet var utløpt. Prøv å logge inn på nytt.".to_owned();
        return Ok(page(
            &state,
            &headers,
            StatusCode::BAD_REQUEST,
            &username,
            Vec::new(),
            Some(message),
        ));
    }
    let mut errors = Vec::new();
    if username.is_empty() || username.chars().count() > 64 {
        errors.push(FieldError {
            field: "username",
            message: lang.t("login-missing-username"),
        });
    }
    if field("password").is_empty() || field("password").len() > 1024 {
        errors.push(FieldError {
            field: "password",
            message: lang.t("login-missing-password"),
        });
    }
    if !errors.is_empty() {
        return Ok(page(
            &state,
            &headers,
            StatusCode::BAD_REQUEST,
            &username,
            errors,
            None,
        ));
    }
    Ok(
        match accounts::login(&state.app, &username, field("password"), &client).await? {
            LoginOutcome::Success { token, home } => {
                let mut response = Redirect::to(views::page_link(home).0).into_response();
                let cookie = session::set_cookie(
                    SESSION_COOKIE,
                    &token,
                    SESSION_HOURS * 3600,
                    state.config.secure_cookies,
                );
                if let Ok(value) = cookie.parse() {
                    response.headers_mut().append(header::SET_COOKIE, value);
                }
                response
            }
            LoginOutcome::Invalid => page(
                &state,
                &headers,
                StatusCode::UNAUTHORIZED,
                &username,
                Vec::new(),
                Some(lang.t("login-invalid")),
            ),
            LoginOutcome::Throttled => page(
                &state,
                &headers,
                StatusCode::TOO_MANY_REQUESTS,
                &username,
                Vec::new(),
                Some(lang.t("login-throttled")),
            ),
        },
    )
}

pub async fn logout(
    State(state): State<AppState>,
    viewer: Viewer,
    CleanForm(form): CleanForm,
) -> Result<Response, PageError> {
    super::form_csrf(&viewer, &form)?;
    accounts::logout(&state.app, &viewer).await?;
    let clear = session::set_cookie(SESSION_COOKIE, "", 0, state.config.secure_cookies);
    let mut response = Redirect::to("/logg-inn").into_response();
    if let Ok(value) = clear.parse() {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    Ok(response)
}
