//! Referrals: Nav's case officer refers a person (`/henvisninger/ny`) at once or through a
//! draft (`/henvisninger/utkast/{id}`), and the provider answers on the participant page. The rules and the audit are in `effekt_app`.

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use effekt_app::access::DraftOutcome;
use effekt_app::Viewer;

use super::participants::{parse_id, render, Forms, Outcome};
use crate::extract::{CleanForm, CleanQuery};
use crate::views::{self, Chrome, Option_, ReferralPage};
use crate::{AppState, PageError};

/// What the referral page shows besides the form: a notice after a step, or a refused step
/// on one draft.
#[derive(Default)]
struct Shown {
    notice: Option<&'static str>,
    draft_error: Option<(i64, effekt_app::FieldError)>,
}

async fn form_page(
    state: &AppState,
    viewer: &Viewer,
    headers: &HeaderMap,
    national_id: String,
    chosen: &str,
    error: Option<effekt_app::FieldError>,
    shown: Shown,
) -> Result<Response, PageError> {
    let access = viewer.participants(&state.app, None).await?;
    let targets = access
        .referral_choices()
        .await?
        .into_iter()
        .map(|c| Option_ {
            selected: c.value == chosen,
            value: c.value,
            label: c.label,
        })
        .collect();
    let drafts = access.referral_drafts().await?;
    let chrome = Chrome::new(
        super::lang(headers),
        "referral-title",
        Some(viewer),
        "/deltakere",
    );
    let refused = error.is_some() || shown.draft_error.is_some();
    let page = ReferralPage {
        chrome,
        csrf_token: viewer.csrf_token().to_owned(),
        national_id,
        targets,
        error,
        drafts,
        notice: shown.notice,
        draft_error: shown.draft_error,
    };
    Ok(views::html_refused(&page, refused))
}

/// `GET /henvisninger/ny`: the referral form and the office's open drafts (Nav case
/// officers).
pub async fn new(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    CleanQuery(params): CleanQuery,
) -> Result<Response, PageError> {
    let notice = match params.get("lagret").map(String::as_str) {
        Some("utkast") => Some("referral-draft-saved"),
        Some("utkast-delt") => Some("referral-draft-shared"),
        Some("utkast-avbrutt") => Some("referral-draft-cancelled"),
        _ => None,
    };
    let shown = Shown {
        notice,
        draft_error: None,
    };
    form_page(&state, &viewer, &headers, String::new(), "", None, shown).await
}

/// `POST /henvisninger`: sends the referral (the new participant's page follows), or with
/// `handling=utkast` saves it as a draft.
pub async fn send(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    CleanForm(form): CleanForm,
) -> Result<Response, PageError> {
    let access = viewer.participants(&state.app, None).await?;
    super::form_csrf(&viewer, &form)?;
    let national_id = form.get("fodselsnummer").cloned().unwrap_or_default();
    let target = form.get("tiltak").cloned().unwrap_or_default();
    let as_draft = form.get("handling").map(String::as_str) == Some("utkast");
    let refused = if as_draft {
        match access.save_referral_draft(&national_id, &target).await? {
            Ok(id) => {
                let to = format!("/henvisninger/ny?lagret=utkast#utkast-{id}");
                return Ok(Redirect::to(&to).into_response());
            }
            Err(error) => error,
        }
    } else {
        match access.refer(&national_id, &target).await? {
            Ok(id) => {
                let to = format!("/deltakere/{}?lagret=henvist#henvisning", id.0);
                return Ok(Redirect::to(&to).into_response());
            }
            Err(error) => error,
        }
    };
    let shown = Shown::default();
    form_page(
        &state,
        &viewer,
        &headers,
        national_id,
        &target,
        Some(refused),
        shown,
    )
    .await
}

/// `POST /henvisninger/utkast/{id}`: a step on a draft (`handling` = `del`, `send` or
/// `avbryt`, with `steg`, the step the officer saw).
pub async fn draft_step(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path(id): Path<String>,
    CleanForm(form): CleanForm,
) -> Result<Response, PageError> {
    let id: i64 = id
        .parse()
        .map_err(|_| PageError::from(effekt_app::AppError::NotFound))?;
    let access = viewer.participants(&state.app, None).await?;
    super::form_csrf(&viewer, &form)?;
    let field = |name: &str| form.get(name).cloned().unwrap_or_default();
    let to = match access
        .step_referral_draft(id, &field("handling"), &field("steg"))
        .await?
    {
        Ok(DraftOutcome::Sent(participant)) => {
            format!("/deltakere/{}?lagret=henvist#henvisning", participant.0)
        }
        Ok(DraftOutcome::Shared) => format!("/henvisninger/ny?lagret=utkast-delt#utkast-{id}"),
        Ok(DraftOutcome::Cancelled) => "/henvisninger/ny?lagret=utkast-avbrutt#utkast".to_owned(),
        Err(error) => {
            let shown = Shown {
                notice: None,
                draft_error: Some((id, error)),
            };
            return form_page(&state, &viewer, &headers, String::new(), "", None, shown).await;
        }
    };
    Ok(Redirect::to(&to).into_response())
}

/// `POST /deltakere/{id}/henvisning`: the provider's answer (`svar` = `accept`, `wait-list`
/// or `decline` with `avslag_arsak` and, for ANNET, `avslag_beskrivelse`).
pub async fn answer(
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
    let (answer, reason, description) = (
        field("svar"),
        field("avslag_arsak"),
        field("avslag_beskrivelse"),
    );
    match access
        .answer_referral(id, &answer, &reason, &description)
        .await?
    {
        Ok(()) => Ok(Redirect::to(&format!(
            "/deltakere/{}?lagret=henvisning-besvart#henvisning",
            id.0
        ))
        .into_response()),
        Err(error) => {
            let forms = Forms {
                referral_reason: reason,
                referral_description: description,
                referral_error: Some(error),
                ..Forms::default()
            };
            let outcome = Outcome {
                notice: None,
                error: None,
            };
            render(&viewer, &headers, &access, id, forms, outcome).await
        }
    }
}
