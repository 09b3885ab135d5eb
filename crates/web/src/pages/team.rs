//! The team (`/deltakere/{id}/team`, `/team`): the coordinator and the provider admin add a
//! staff member to a participant's team or end one's place; every provider staff member sees
//! her caseload, the coordinator and the admin everyone's. The rules, who may and the audit
//! are in `effekt_app`; this face reads the forms, shows a refusal beside its field with what
//! was typed, and redirects after a change.

use std::collections::HashMap;

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use effekt_app::Viewer;

use super::participants::{parse_id, refused, saved, Forms};
use crate::extract::CleanForm;
use crate::views::{self, CaseloadPage, Chrome};
use crate::{AppState, PageError};

/// `POST /deltakere/{id}/team`: adds a staff member to the team.
pub async fn join(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path(id): Path<String>,
    CleanForm(form): CleanForm,
) -> Result<Response, PageError> {
    let id = parse_id(&id)?;
    let access = viewer.participants(&state.app, Some(id)).await?;
    super::form_csrf(&viewer, &form)?;
    let field = |name: &str| form.get(name).cloned().unwrap_or_default();
    match access
        .join_team(id, &field("ansatt"), &field("plass"), &field("fra"))
        .await?
    {
        Ok(()) => Ok(saved(id, "team", "team")),
        Err(error) => again(&viewer, &headers, &access, id, form, error).await,
    }
}

/// `POST /deltakere/{id}/team/slutt`: ends a staff member's place in the team.
pub async fn leave(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path(id): Path<String>,
    CleanForm(form): CleanForm,
) -> Result<Response, PageError> {
    let id = parse_id(&id)?;
    let access = viewer.participants(&state.app, Some(id)).await?;
    super::form_csrf(&viewer, &form)?;
    let field = |name: &str| form.get(name).cloned().unwrap_or_default();
    match access
        .leave_team(id, &field("slutt_ansatt"), &field("slutt_fra"))
        .await?
    {
        Ok(()) => Ok(saved(id, "team-slutt", "team")),
        Err(error) => again(&viewer, &headers, &access, id, form, error).await,
    }
}

async fn again(
    viewer: &Viewer,
    headers: &HeaderMap,
    access: &effekt_app::access::ParticipantAccess,
    id: effekt_domain::ids::ParticipantId,
    form: HashMap<String, String>,
    error: effekt_app::FieldError,
) -> Result<Response, PageError> {
    let forms = Forms {
        team: form,
        team_error: Some(error),
        ..Forms::default()
    };
    refused(viewer, headers, access, id, forms).await
}

async fn page(
    state: &AppState,
    viewer: &Viewer,
    headers: &HeaderMap,
    whose: Option<i64>,
) -> Result<Response, PageError> {
    let access = viewer.participants(&state.app, None).await?;
    let view = access.caseloads(whose).await?;
    let chrome = Chrome::new(
        super::lang(headers),
        "caseload-title",
        Some(viewer),
        "/team",
    );
    Ok(views::html(&CaseloadPage { chrome, view }))
}

/// `GET /team`: the staff and their caseloads, and the viewer's own.
pub async fn show(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
) -> Result<Response, PageError> {
    page(&state, &viewer, &headers, None).await
}

/// `GET /team/{user}`: one staff member's caseload (the coordinator and the admin).
pub async fn member(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path(user): Path<String>,
) -> Result<Response, PageError> {
    let user = super::path_id(&user)?;
    page(&state, &viewer, &headers, Some(user)).await
}
