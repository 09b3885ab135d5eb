//! The milestone forms of the participant page: record a milestone reached, verify a
//! colleague's record, retract one. The rules and the audit are in `effekt_app`; this face
//! reads the form, shows a refusal next to the field at fault, and redirects after a change.

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use effekt_app::access::MilestoneInput;
use effekt_app::Viewer;

use super::participants::{parse_id, refused, render, saved, Forms, Outcome};
use crate::extract::CleanForm;
use crate::{AppState, PageError};

/// `POST /deltakere/{id}/delmal`: records a milestone reached (provider staff).
pub async fn record(
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
    let input = MilestoneInput {
        milestone: field("delmal"),
        achieved_on: field("nadd_dato"),
    };
    match access.record_milestone(id, &input).await? {
        Ok(()) => Ok(saved(id, "delmal", "plan-og-delmal")),
        Err(error) => {
            let forms = Forms {
                milestone: input,
                milestone_error: Some(error),
                ..Forms::default()
            };
            refused(&viewer, &headers, &access, id, forms).await
        }
    }
}

/// `POST /deltakere/{id}/sprakniva`: records a provider-assessed language level (provider
/// staff), verified by a colleague like a milestone.
pub async fn language_level(
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
        .record_language_level(
            id,
            &field("ferdighet"),
            &field("niva"),
            &field("vurdert_dato"),
        )
        .await?
    {
        Ok(()) => Ok(saved(id, "sprakniva", "plan-og-delmal")),
        Err(error) => {
            let forms = Forms {
                milestone_error: Some(error),
                language_level: form,
                ..Forms::default()
            };
            refused(&viewer, &headers, &access, id, forms).await
        }
    }
}

/// `POST /deltakere/{id}/delmal/{record}`: `handling=verifiser` verifies a waiting record,
/// `handling=trekk` retracts one.
pub async fn act(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path((id, record)): Path<(String, String)>,
    CleanForm(form): CleanForm,
) -> Result<Response, PageError> {
    let id = parse_id(&id)?;
    let access = viewer.participants(&state.app, Some(id)).await?;
    super::form_csrf(&viewer, &form)?;
    let (result, done) = match form.get("handling").map(String::as_str) {
        Some("verifiser") => (access.verify_milestone(id, &record).await?, "verifisert"),
        Some("trekk") => (access.retract_milestone(id, &record).await?, "trukket"),
        _ => {
            return Err(
                crate::WebError::BadRequest("Velg verifiser eller trekk tilbake.".into()).into(),
            )
        }
    };
    match result {
        Ok(()) => Ok(
            Redirect::to(&format!("/deltakere/{}?lagret={done}#plan-og-delmal", id.0))
                .into_response(),
        ),
        Err(message) => {
            let outcome = Outcome {
                notice: None,
                error: Some(message),
            };
            render(&viewer, &headers, &access, id, Forms::default(), outcome).await
        }
    }
}
