//! The proposal forms of the participant page (forslag to Nav), Nav's answers, and the
//! provider's start of a participant. The rules and the audit are in `effekt_app`; this face
//! reads the forms, shows a refusal beside the field at fault, and redirects after a change.

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use effekt_app::access::ProposalInput;
use effekt_app::Viewer;
use effekt_domain::proposals::ProposalStatus;

use super::participants::{parse_id, render, Forms, Outcome};
use crate::extract::CleanForm;
use crate::{AppState, PageError, WebError};

fn quiet() -> Outcome {
    Outcome {
        notice: None,
        error: None,
    }
}

fn done(id: i64, what: &str) -> Response {
    Redirect::to(&format!("/deltakere/{id}?lagret={what}#forslag")).into_response()
}

/// `POST /deltakere/{id}/forslag`: a proposal to Nav (provider staff).
pub async fn propose(
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
    let input = ProposalInput {
        kind: field("endring"),
        date: field("dato"),
        reason: field("arsak"),
        description: field("beskrivelse"),
        percent: field("prosent"),
        days: field("dager"),
        justification: field("begrunnelse"),
    };
    match access.propose(id, &input).await? {
        Ok(_) => Ok(done(id.0, "forslag")),
        Err(error) => {
            let forms = Forms {
                proposal: input,
                proposal_error: Some(error),
                ..Forms::default()
            };
            render(&viewer, &headers, &access, id, forms, quiet()).await
        }
    }
}

/// `POST /deltakere/{id}/forslag/{proposal}`: `handling` = `godkjenn` or `avvis` (Nav, with
/// `avvisningsgrunn`), `trekk` (the provider withdraws) or `lest` (the provider has read
/// Nav's answer).
pub async fn answer(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path((id, proposal)): Path<(String, String)>,
    CleanForm(form): CleanForm,
) -> Result<Response, PageError> {
    let id = parse_id(&id)?;
    let access = viewer.participants(&state.app, Some(id)).await?;
    super::form_csrf(&viewer, &form)?;
    let proposal = super::path_id(&proposal)?;
    let (status, what) = match form.get("handling").map(String::as_str) {
        Some("godkjenn") => (ProposalStatus::Approved, "godkjent"),
        Some("avvis") => (ProposalStatus::Rejected, "avvist-forslag"),
        Some("trekk") => (ProposalStatus::Withdrawn, "trukket-forslag"),
        Some("lest") => {
            access.mark_answer_read(id, proposal).await?;
            return Ok(done(id.0, "lest"));
        }
        _ => {
            return Err(WebError::BadRequest("Velg hva du vil gjøre med forslaget.".into()).into())
        }
    };
    let reason = form.get("avvisningsgrunn").cloned().unwrap_or_default();
    match access
        .answer_proposal(id, proposal, status, &reason)
        .await?
    {
        Ok(()) => Ok(done(id.0, what)),
        Err(error) => {
            let forms = Forms {
                answer_error: Some((proposal, error)),
                answer_reason: reason,
                ..Forms::default()
            };
            render(&viewer, &headers, &access, id, forms, quiet()).await
        }
    }
}

/// `POST /deltakere/{id}/oppstart`: the provider starts a participant who waits for it.
pub async fn start(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path(id): Path<String>,
    CleanForm(form): CleanForm,
) -> Result<Response, PageError> {
    let id = parse_id(&id)?;
    let access = viewer.participants(&state.app, Some(id)).await?;
    super::form_csrf(&viewer, &form)?;
    let date = form.get("startdato").cloned().unwrap_or_default();
    match access.start(id, &date).await? {
        Ok(()) => Ok(done(id.0, "oppstart")),
        Err(error) => {
            let forms = Forms {
                start_date: date,
                start_error: Some(error),
                ..Forms::default()
            };
            render(&viewer, &headers, &access, id, forms, quiet()).await
        }
    }
}
