//! The intake forms of the participant page: Nav's case officer shares a need item (with its
//! legal basis and purpose); the provider records an earlier measure, a language, and the
//! screening, and each withdraws what it wrote with a reason. The rules, who may and the audit are in `effekt_app`; this face reads the form,
//! shows a refusal beside the field at fault with what was typed, and redirects after a change.

use std::collections::HashMap;

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use effekt_app::access::withdrawal_fields;
use effekt_app::{FieldError, Viewer};
use effekt_domain::intake::{ScreeningField, Withdrawable};

use super::participants::{parse_id, refused, saved, Forms};
use crate::extract::CleanForm;
use crate::{AppState, PageError};

/// Which intake form was sent.
#[derive(Clone, Copy)]
enum Part {
    Need,
    Measure,
    Language,
    Screening,
    Withdraw,
}

impl Part {
    fn saved(self) -> &'static str {
        match self {
            Part::Need => "behov",
            Part::Measure => "tidligere-tiltak",
            Part::Language => "sprak",
            Part::Screening => "kartlegging",
            Part::Withdraw => "trukket-inntak",
        }
    }
}

async fn handle(
    state: AppState,
    viewer: Viewer,
    headers: HeaderMap,
    id: String,
    form: HashMap<String, String>,
    part: Part,
) -> Result<Response, PageError> {
    let id = parse_id(&id)?;
    let access = viewer.participants(&state.app, Some(id)).await?;
    super::form_csrf(&viewer, &form)?;
    let field = |name: &str| form.get(name).cloned().unwrap_or_default();
    let checked = |name: &str| form.get(name).is_some_and(|v| v == "ja");
    let result: Result<(), FieldError> = match part {
        Part::Need => {
            access
                .share_need(
                    id,
                    &field("opplysning"),
                    &field("rettsgrunnlag"),
                    &field("formal"),
                    &field("innhold"),
                )
                .await?
        }
        Part::Measure => {
            access
                .record_measure(
                    id,
                    &field("tiltak_type"),
                    &field("tiltak_beskrivelse"),
                    &field("tiltak_fra"),
                    &field("tiltak_til"),
                )
                .await?
        }
        Part::Language => {
            access
                .record_language(id, &field("sprak"), checked("morsmal"), checked("tolk"))
                .await?
        }
        Part::Screening => {
            let input = ScreeningField::ALL
                .into_iter()
                .map(|f| (f, field(f.code()), field(&format!("{}-merknad", f.code()))))
                .collect();
            access.record_screening(id, &input).await?
        }
        Part::Withdraw => {
            let kind = field("trekk");
            let Some(which) = Withdrawable::from_code(&kind) else {
                return Err(PageError::from(effekt_app::AppError::NotFound));
            };
            let (choice, because) = withdrawal_fields(which);
            access
                .withdraw_intake(id, &kind, &field(choice), &field(because))
                .await?
        }
    };
    match result {
        Ok(()) => Ok(saved(id, part.saved(), "inntak")),
        Err(error) => {
            let forms = Forms {
                intake: form,
                intake_error: Some(error),
                ..Forms::default()
            };
            refused(&viewer, &headers, &access, id, forms).await
        }
    }
}

/// `POST /deltakere/{id}/behov`: Nav's case officer shares a need item.
pub async fn need(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path(id): Path<String>,
    CleanForm(form): CleanForm,
) -> Result<Response, PageError> {
    handle(state, viewer, headers, id, form, Part::Need).await
}

/// `POST /deltakere/{id}/tidligere-tiltak`: the provider records an earlier measure.
pub async fn measure(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path(id): Path<String>,
    CleanForm(form): CleanForm,
) -> Result<Response, PageError> {
    handle(state, viewer, headers, id, form, Part::Measure).await
}

/// `POST /deltakere/{id}/sprak`: the provider records a language.
pub async fn language(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path(id): Path<String>,
    CleanForm(form): CleanForm,
) -> Result<Response, PageError> {
    handle(state, viewer, headers, id, form, Part::Language).await
}

/// `POST /deltakere/{id}/inntak/trekk`: withdraws a need item (Nav), an earlier measure or a
/// language (the provider), with a reason (`trekk` names which list).
pub async fn withdraw(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path(id): Path<String>,
    CleanForm(form): CleanForm,
) -> Result<Response, PageError> {
    handle(state, viewer, headers, id, form, Part::Withdraw).await
}

/// `POST /deltakere/{id}/kartlegging`: the provider's staff record the screening.
pub async fn screening(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path(id): Path<String>,
    CleanForm(form): CleanForm,
) -> Result<Response, PageError> {
    handle(state, viewer, headers, id, form, Part::Screening).await
}
