//! The individual plan's forms on the participant page: a new plan version, the participant's
//! approval, and learning tasks given and completed. Rules, access and audit are in
//! `effekt_app`; this face reads the form, shows a refusal beside its field with what was typed,
//! and redirects after a change.

use std::collections::HashMap;

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use effekt_app::access::PlanInput;
use effekt_app::{FieldError, Viewer};
use effekt_domain::plan::MODULES;

use super::participants::{parse_id, refused, saved, Forms};
use crate::extract::CleanForm;
use crate::{AppState, PageError};

enum Part {
    Write,
    Approve,
    Assign,
    Complete(String),
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
    let (result, notice): (Result<(), FieldError>, &str) = match part {
        Part::Write => {
            let input = PlanInput {
                track: field("lop"),
                // One checkbox per module ("modul-<code>"): the form's fields are unique names.
                modules: MODULES
                    .iter()
                    .filter(|m| form.contains_key(&format!("modul-{}", m.code)))
                    .map(|m| m.code.to_owned())
                    .collect(),
                days_per_week: field("dager_per_uke"),
                remote_days: field("hjemmedager"),
                valid_from: field("gjelder_fra"),
            };
            (access.write_plan(id, &input).await?, "plan")
        }
        Part::Approve => (
            access
                .approve_plan(
                    id,
                    &field("versjon"),
                    &field("godkjenning"),
                    &field("godkjenning_arsak"),
                )
                .await?,
            "plan-godkjent",
        ),
        Part::Assign => (
            access.assign_learning_task(id, &field("oppgave")).await?,
            "oppgave",
        ),
        Part::Complete(task) => {
            let task: i64 = task
                .parse()
                .map_err(|_| PageError::from(effekt_app::AppError::NotFound))?;
            (
                access
                    .complete_learning_task(id, task, &field("fullfort_dato"))
                    .await?,
                "oppgave-fullfort",
            )
        }
    };
    match result {
        Ok(()) => Ok(saved(id, notice, "individuell-plan")),
        Err(error) => {
            let forms = Forms {
                plan: form,
                plan_error: Some(error),
                ..Forms::default()
            };
            refused(&viewer, &headers, &access, id, forms).await
        }
    }
}

/// `POST /deltakere/{id}/plan`: a new version of the plan (provider staff).
pub async fn write(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path(id): Path<String>,
    CleanForm(form): CleanForm,
) -> Result<Response, PageError> {
    handle(state, viewer, headers, id, form, Part::Write).await
}

/// `POST /deltakere/{id}/plan/godkjenning`: the participant's approval, as staff record it.
pub async fn approve(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path(id): Path<String>,
    CleanForm(form): CleanForm,
) -> Result<Response, PageError> {
    handle(state, viewer, headers, id, form, Part::Approve).await
}

/// `POST /deltakere/{id}/oppgaver`: gives a learning task from the library.
pub async fn assign(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path(id): Path<String>,
    CleanForm(form): CleanForm,
) -> Result<Response, PageError> {
    handle(state, viewer, headers, id, form, Part::Assign).await
}

/// `POST /deltakere/{id}/oppgaver/{task}`: records a learning task completed.
pub async fn complete(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path((id, task)): Path<(String, String)>,
    CleanForm(form): CleanForm,
) -> Result<Response, PageError> {
    handle(state, viewer, headers, id, form, Part::Complete(task)).await
}
