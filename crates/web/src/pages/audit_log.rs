//! `/admin/logg`: the audit viewer. The newest reads and operations on `GET`; the filters are
//! sent by `POST` (a national id typed by the privacy officer goes in no address, history or
//! access log) and answered with the page directly.

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};

use effekt_app::access::{AuditLogAccess, AuditLogFilter};
use effekt_app::Viewer;

use crate::extract::CleanForm;
use crate::views::{self, AuditLogPage, Chrome};
use crate::{AppState, PageError};

async fn page(
    viewer: &Viewer,
    headers: &HeaderMap,
    access: &AuditLogAccess,
    filter: AuditLogFilter,
) -> Result<Response, PageError> {
    let chrome = Chrome::new(
        super::lang(headers),
        "audit-title",
        Some(viewer),
        "/admin/logg",
    );
    let (log, error) = match access.page(&filter).await {
        Ok(log) => (Some(log), None),
        Err(e) => (None, Some(super::refusal(e)?)),
    };
    let failed = error.is_some();
    Ok(views::html_refused(
        &AuditLogPage {
            chrome,
            csrf_token: viewer.csrf_token().to_owned(),
            identities: access.identities(),
            purposes: access.purposes(),
            filter,
            log,
            error,
        },
        failed,
    ))
}

/// `GET /admin/logg`
pub async fn show(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
) -> Result<Response, PageError> {
    let access = viewer.audit_log(&state.app)?;
    page(&viewer, &headers, &access, AuditLogFilter::default()).await
}

/// `POST /admin/logg`: the filters.
pub async fn filter(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    CleanForm(form): CleanForm,
) -> Result<Response, PageError> {
    let access = viewer.audit_log(&state.app)?;
    super::form_csrf(&viewer, &form)?;
    let field = |name: &str| form.get(name).cloned().unwrap_or_default();
    let filter = AuditLogFilter {
        actor: field("actor"),
        purpose: field("purpose"),
        person: field("person"),
        from: field("from"),
        to: field("to"),
    };
    page(&viewer, &headers, &access, filter).await
}

/// `GET /admin/logg/cef`: the whole log as CEF, for the privacy officer.
pub async fn cef(State(state): State<AppState>, viewer: Viewer) -> Result<Response, PageError> {
    let access = viewer.audit_log(&state.app)?;
    let lines = access.cef().await?;
    let mut body = lines.join("\n");
    body.push('\n');
    Ok((
        [
            (
                axum::http::header::CONTENT_TYPE,
                "text/plain; charset=utf-8",
            ),
            (
                axum::http::header::CONTENT_DISPOSITION,
                "attachment; filename=\"revisjonslogg.cef\"",
            ),
        ],
        body,
    )
        .into_response())
}
