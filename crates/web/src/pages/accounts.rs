//! `/admin/brukere`: accounts, for the administrator (every account) and a provider admin (its
//! own organisation's staff). A new account gets its first password through a one-time link
//! shown once; an account's name, role and organisation are changed on its own page, which
//! also lists its open sessions, each of which can be ended; the actions on the list
//! deactivate, activate, end sessions, unlock or make a new link. Each is a
//! form with the session's CSRF token, answered with the page again (after a redirect) or the
//! refusal beside what was typed.

use std::collections::HashMap;

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};

use effekt_app::access::{AccountAccess, AccountInput, Reach};
use effekt_app::views::AccountForm;
use effekt_app::{AppError, FieldError, Viewer};

use crate::extract::CleanForm;
use crate::views::{self, AccountPage, Chrome, UsersPage};
use crate::{AppState, PageError};

/// What the list page shows besides the accounts.
#[derive(Default)]
struct Shown {
    error: Option<String>,
    link: Option<(String, String)>,
    form: AccountForm,
}

async fn page(
    viewer: &Viewer,
    headers: &HeaderMap,
    access: &AccountAccess,
    shown: Shown,
) -> Result<Response, PageError> {
    let users = access.users().await?;
    let chrome = Chrome::new(
        super::lang(headers),
        "users-title",
        Some(viewer),
        "/admin/brukere",
    );
    let failed = shown.error.is_some() || !shown.form.errors.is_empty();
    Ok(views::html_refused(
        &UsersPage {
            chrome,
            csrf_token: viewer.csrf_token().to_owned(),
            users,
            error: shown.error,
            link: shown.link,
            form: shown.form,
            roles: access.roles(),
            organisations: access.organisations().await?,
            everyone: access.reach() == Reach::Everyone,
        },
        failed,
    ))
}

fn input(form: &HashMap<String, String>) -> AccountInput {
    let field = |name: &str| form.get(name).cloned().unwrap_or_default();
    AccountInput {
        username: field("username"),
        display_name: field("display_name"),
        role: field("role"),
        organisation: field("organisation"),
        discipline: field("discipline"),
    }
}

fn refill(id: Option<i64>, input: &AccountInput, errors: Vec<FieldError>) -> AccountForm {
    AccountForm {
        id,
        username: input.username.clone(),
        display_name: input.display_name.clone(),
        role: input.role.clone(),
        organisation: input.organisation.clone(),
        discipline: input.discipline.clone(),
        errors,
    }
}

/// `GET /admin/brukere`
pub async fn list(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
) -> Result<Response, PageError> {
    let access = viewer.accounts(&state.app)?;
    page(&viewer, &headers, &access, Shown::default()).await
}

/// `POST /admin/brukere/ny`: a new account, answered with the page holding its first password
/// link, once (no redirect, so the link is in no address and no history).
pub async fn create(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    CleanForm(form): CleanForm,
) -> Result<Response, PageError> {
    let access = viewer.accounts(&state.app)?;
    super::form_csrf(&viewer, &form)?;
    let input = input(&form);
    let shown = match access.create(&input).await {
        Ok(Ok((username, token))) => Shown {
            link: Some((username, format!("/passord/{token}"))),
            ..Shown::default()
        },
        Ok(Err(errors)) => Shown {
            form: refill(None, &input, errors),
            ..Shown::default()
        },
        Err(e) => Shown {
            error: Some(super::refusal(e)?),
            form: refill(None, &input, Vec::new()),
            ..Shown::default()
        },
    };
    page(&viewer, &headers, &access, shown).await
}

async fn edit_page(
    viewer: &Viewer,
    headers: &HeaderMap,
    access: &AccountAccess,
    form: AccountForm,
    error: Option<String>,
) -> Result<Response, PageError> {
    let sessions = match form.id {
        Some(id) => access.sessions(id).await?,
        None => Vec::new(),
    };
    let chrome = Chrome::new(
        super::lang(headers),
        "account-title",
        Some(viewer),
        "/admin/brukere",
    );
    let failed = error.is_some() || !form.errors.is_empty();
    Ok(views::html_refused(
        &AccountPage {
            chrome,
            csrf_token: viewer.csrf_token().to_owned(),
            form,
            roles: access.roles(),
            organisations: access.organisations().await?,
            sessions,
            error,
        },
        failed,
    ))
}

/// `GET /admin/brukere/{id}`: the account's form.
pub async fn edit(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path(raw): Path<String>,
) -> Result<Response, PageError> {
    let access = viewer.accounts(&state.app)?;
    let id = super::path_id(&raw)?;
    let form = access.form(id).await?;
    edit_page(&viewer, &headers, &access, form, None).await
}

/// `POST /admin/brukere/{id}`: the changed name, role and organisation.
pub async fn update(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path(raw): Path<String>,
    CleanForm(form): CleanForm,
) -> Result<Response, PageError> {
    let access = viewer.accounts(&state.app)?;
    super::form_csrf(&viewer, &form)?;
    let id = super::path_id(&raw)?;
    let input = input(&form);
    let (errors, error) = match access.update(id, &input).await {
        Ok(Ok(())) => return Ok(Redirect::to("/admin/brukere").into_response()),
        Ok(Err(errors)) => (errors, None),
        Err(e) => (Vec::new(), Some(super::refusal(e)?)),
    };
    // The username cannot change: show the stored one.
    let mut shown = refill(Some(id), &input, errors);
    shown.username = access.form(id).await?.username;
    edit_page(&viewer, &headers, &access, shown, error).await
}

/// `POST /admin/brukere/{id}/{action}`: `deaktiver`, `aktiver`, `avslutt-okter`, `las-opp`,
/// or `passordlenke` (answered with the page holding the new link, once); `avslutt-okt` ends
/// the one session named by the form's `okt`, from the account's own page.
pub async fn act(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path((raw, action)): Path<(String, String)>,
    CleanForm(form): CleanForm,
) -> Result<Response, PageError> {
    let access = viewer.accounts(&state.app)?;
    super::form_csrf(&viewer, &form)?;
    let id = super::path_id(&raw)?;
    if action == "avslutt-okt" {
        let reference = form.get("okt").map_or("", String::as_str);
        return match access.end_session(id, reference).await {
            Ok(()) => Ok(Redirect::to(&format!("/admin/brukere/{id}")).into_response()),
            Err(e) => {
                let error = Some(super::refusal(e)?);
                let shown = access.form(id).await?;
                edit_page(&viewer, &headers, &access, shown, error).await
            }
        };
    }
    if action == "passordlenke" {
        let shown = match access.password_link(id).await {
            Ok((username, token)) => Shown {
                link: Some((username, format!("/passord/{token}"))),
                ..Shown::default()
            },
            Err(e) => Shown {
                error: Some(super::refusal(e)?),
                ..Shown::default()
            },
        };
        return page(&viewer, &headers, &access, shown).await;
    }
    let result = match action.as_str() {
        "deaktiver" => access.set_active(id, false).await,
        "aktiver" => access.set_active(id, true).await,
        "avslutt-okter" => access.end_sessions(id).await.map(|_| ()),
        "las-opp" => access.unlock(id).await,
        _ => Err(AppError::NotFound),
    };
    match result {
        Ok(()) => Ok(Redirect::to("/admin/brukere").into_response()),
        Err(e) => {
            let shown = Shown {
                error: Some(super::refusal(e)?),
                ..Shown::default()
            };
            page(&viewer, &headers, &access, shown).await
        }
    }
}
