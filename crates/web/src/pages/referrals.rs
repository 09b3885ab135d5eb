//! Referrals: Nav's case officer refers a person (`/henvisninger/ny`), and the provider
//! answers on the participant page. The rules and the audit are in `effekt_app`.

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use effekt_app::Viewer;

use super::participants::{parse_id, render, Forms, Outcome};
use crate::extract::CleanForm;
use crate::views::{self, Chrome, Option_, ReferralPage};
use crate::{AppState, PageError};

async fn form_page(
    state: &AppState,
    viewer: &Viewer,
    headers: &HeaderMap,
    national_id: String,
    chosen: &str,
    error: Option<effekt_app::FieldError>,
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
    let chrome = Chrome::new(
        super::lang(headers),
        "referral-title",
        Some(viewer),
        "/deltakere",
    );
    let refused = error.is_some();
    let page = ReferralPage {
        chrome,
        csrf_token: viewer.csrf_token().to_owned(),
        national_id,
        targets,
        error,
    };
    Ok(views::html_refused(&page, refused))
}

/// `GET /henvisninger/ny`: the referral form (Nav case officers).
pub async fn new(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
) -> Result<Response, PageError> {
    form_page(&state, &viewer, &headers, String::new(), "", None).await
}

/// `POST /henvisninger`: sends the referral; the new participant's page follows.
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
    match access.refer(&national_id, &target).await? {
        Ok(id) => Ok(
            Redirect::to(&format!("/deltakere/{}?lagret=henvist#henvisning", id.0)).into_response(),
        ),
        Err(error) => form_page(&state, &viewer, &headers, national_id, &target, Some(error)).await,
    }
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
