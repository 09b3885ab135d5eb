//! `/kontrakter`: the contract's terms in plain words, its versions, and amendments proposed
//! and agreed by the parties. A refused proposal shows the form again with every problem;
//! a refused decision shows the reason. Nothing changes then.

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use effekt_domain::contract::amendment::Decision;
use effekt_domain::dates::parse_civil_date;
use effekt_domain::ids::ContractId;

use effekt_app::access::{ContractAccess, FigureInput, ProposalRefused};
use effekt_app::{AppError, Viewer};

use crate::extract::CleanForm;
use crate::views::{self, Chrome, ContractPage, ContractsPage, FieldError};
use crate::{AppState, PageError};

/// `GET /kontrakter`
pub async fn list(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
) -> Result<Response, PageError> {
    let access = viewer.contracts(&state.app)?;
    let contracts = access.list().await?;
    if let [(only, _)] = contracts.as_slice() {
        return Ok(Redirect::to(&format!("/kontrakter/{only}")).into_response());
    }
    let chrome = Chrome::new(
        super::lang(&headers),
        "contracts-title",
        Some(&viewer),
        "/kontrakter",
    );
    Ok(views::html(&ContractsPage { chrome, contracts }))
}

/// What the proposal form held, to show it again.
#[derive(Default)]
struct Draft {
    effective: String,
    text: Option<String>,
    reason: String,
    errors: Vec<FieldError>,
    figure: FigureInput,
}

async fn page(
    viewer: &Viewer,
    headers: &HeaderMap,
    access: &ContractAccess,
    contract: i64,
    draft: Draft,
    error: Option<String>,
) -> Result<Response, PageError> {
    let c = access.view(ContractId(contract)).await?;
    let mut chrome = Chrome::new(
        super::lang(headers),
        "contract-title",
        Some(viewer),
        "/kontrakter",
    );
    chrome.title = c.name.clone();
    let failed = error.is_some() || !draft.errors.is_empty();
    let periods_label = chrome.t(&format!("contract-periods-{}", c.periods));
    Ok(views::html_refused(
        &ContractPage {
            periods_label,
            chrome,
            csrf_token: viewer.csrf_token().to_owned(),
            text: draft.text.unwrap_or_else(|| c.source.clone()),
            effective: draft.effective,
            reason: draft.reason,
            figure: draft.figure,
            errors: draft.errors,
            error,
            c,
        },
        failed,
    ))
}

/// `GET /kontrakter/{id}`
pub async fn show(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path(raw): Path<String>,
) -> Result<Response, PageError> {
    let access = viewer.contracts(&state.app)?;
    page(
        &viewer,
        &headers,
        &access,
        super::path_id(&raw)?,
        Draft::default(),
        None,
    )
    .await
}

/// `POST /kontrakter/{id}/endringer`: proposes an amendment as the viewer's party.
pub async fn propose(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path(raw): Path<String>,
    CleanForm(form): CleanForm,
) -> Result<Response, PageError> {
    let access = viewer.contracts(&state.app)?;
    super::form_csrf(&viewer, &form)?;
    let contract = super::path_id(&raw)?;
    let effective_raw = form
        .get("gyldig_fra")
        .map(|s| s.trim().to_owned())
        .unwrap_or_default();
    let text = form.get("vilkar").cloned().unwrap_or_default();
    let reason = form.get("endringsgrunn").cloned().unwrap_or_default();
    let mut draft = Draft {
        effective: effective_raw.clone(),
        text: Some(text.clone()),
        reason: reason.clone(),
        ..Draft::default()
    };
    let effective = match parse_civil_date(&effective_raw) {
        Ok(d) => d,
        Err(e) => {
            draft
                .errors
                .push(FieldError::new("gyldig_fra", e.message_nb()));
            return page(&viewer, &headers, &access, contract, draft, None).await;
        }
    };
    match access
        .propose(ContractId(contract), effective, &text, &reason)
        .await
    {
        Ok(Ok(_)) => Ok(Redirect::to(&format!("/kontrakter/{contract}")).into_response()),
        Ok(Err(ProposalRefused::Form(problems))) => {
            draft.errors = problems
                .into_iter()
                .map(|(field, message)| FieldError::new(field, message))
                .collect();
            page(&viewer, &headers, &access, contract, draft, None).await
        }
        Err(e) => {
            let message = super::refusal(e)?;
            page(&viewer, &headers, &access, contract, draft, Some(message)).await
        }
    }
}

/// `POST /kontrakter/{id}/versjoner/{version}`: the viewer's party approves or rejects; the
/// proposer may withdraw (`beslutning=withdraw`).
pub async fn decide(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path((raw, version)): Path<(String, String)>,
    CleanForm(form): CleanForm,
) -> Result<Response, PageError> {
    let access = viewer.contracts(&state.app)?;
    super::form_csrf(&viewer, &form)?;
    let contract = super::path_id(&raw)?;
    let version = version
        .parse::<u32>()
        .map_err(|_| PageError::from(AppError::NotFound))?;
    let wanted = form.get("beslutning").map(String::as_str);
    let reason = form
        .get("begrunnelse")
        .map(String::as_str)
        .unwrap_or_default();
    let result = match (wanted, wanted.and_then(Decision::from_code)) {
        (_, Some(d)) => access
            .decide(ContractId(contract), version, d, reason)
            .await
            .map(|_| ()),
        (Some("withdraw"), None) => access.withdraw(ContractId(contract), version, reason).await,
        _ => Err(AppError::Refused("Velg godkjenn eller avvis.".into())),
    };
    match result {
        Ok(_) => Ok(Redirect::to(&format!("/kontrakter/{contract}")).into_response()),
        Err(e) => {
            let message = super::refusal(e)?;
            page(
                &viewer,
                &headers,
                &access,
                contract,
                Draft::default(),
                Some(message),
            )
            .await
        }
    }
}

/// `POST /kontrakter/{id}/tall`: the evaluator certifies a cohort's figure.
pub async fn certify(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path(raw): Path<String>,
    CleanForm(form): CleanForm,
) -> Result<Response, PageError> {
    let access = viewer.contracts(&state.app)?;
    super::form_csrf(&viewer, &form)?;
    let contract = super::path_id(&raw)?;
    let field = |k: &str| form.get(k).cloned().unwrap_or_default();
    let input = FigureInput {
        figure: field("tall_figur"),
        cohort: field("kohort"),
        size: field("storrelse"),
        value: field("verdi"),
        comparison: field("sammenligning"),
        reason: field("begrunnelse_tall"),
    };
    match access.certify(ContractId(contract), &input).await {
        Ok(Ok(())) => Ok(Redirect::to(&format!("/kontrakter/{contract}#tall")).into_response()),
        Ok(Err(problems)) => {
            let draft = Draft {
                errors: problems
                    .into_iter()
                    .map(|(f, m)| FieldError::new(f, m))
                    .collect(),
                figure: input,
                ..Draft::default()
            };
            page(&viewer, &headers, &access, contract, draft, None).await
        }
        Err(e) => {
            let message = super::refusal(e)?;
            page(
                &viewer,
                &headers,
                &access,
                contract,
                Draft::default(),
                Some(message),
            )
            .await
        }
    }
}
