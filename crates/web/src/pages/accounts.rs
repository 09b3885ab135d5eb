//! `/admin/brukere`: the administrator's accounts page, and what may be done to an account
//! there (deactivate, activate, end its sessions, unlock it). Each action is a form with the
//! session's CSRF token and answers with the page again (after a redirect) or the refusal.

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};

use effekt_app::access::AdminAccess;
use effekt_app::{AppError, Viewer};

use crate::extract::CleanForm;
use crate::views::{self, Chrome, UsersPage};
use crate::{AppState, PageError};

async fn page(
    viewer: &Viewer,
    headers: &HeaderMap,
    access: &AdminAccess,
    error: Option<String>,
    link: Option<(String, String)>,
) -> Result<Response, PageError> {
    let users = access.users().await?;
    let chrome = Chrome::new(
        super::lang(headers),
        "users-title",
        Some(viewer),
        "/admin/brukere",
    );
    let failed = error.is_some();
    Ok(views::html_refused(
        &UsersPage {
            chrome,
            csrf_token: viewer.csrf_token().to_owned(),
            users,
            error,
            link,
        },
        failed,
    ))
}

/// `GET /admin/brukere`
pub async fn list(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
) -> Result<Response, PageError> {
    let access = viewer.administration(&state.app)?;
    page(&viewer, &headers, &access, None, None).await
}

/// `POST /admin/brukere/{id}/{action}`: `deaktiver`, `aktiver`, `avslutt-okter`, `las-opp`,
/// or `passordlenke` (answered with the page holding the new link, once: no redirect, so the
/// link is in no address and no history).
pub async fn act(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path((raw, action)): Path<(String, String)>,
    CleanForm(form): CleanForm,
) -> Result<Response, PageError> {
    let access = viewer.administration(&state.app)?;
    super::form_csrf(&viewer, &form)?;
    let id = super::path_id(&raw)?;
    if action == "passordlenke" {
        return match access.password_link(id).await {
            Ok((username, token)) => {
                let link = Some((username, format!("/passord/{token}")));
                page(&viewer, &headers, &access, None, link).await
            }
            Err(e) => page(&viewer, &headers, &access, Some(super::refusal(e)?), None).await,
        };
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
        Err(e) => page(&viewer, &headers, &access, Some(super::refusal(e)?), None).await,
    }
}
