//! The JSON API: the same reads as the pages, through the same capabilities, described by an
//! OpenAPI 3.1 document generated from these handlers (`/api/openapi.json`).

use std::collections::HashMap;

use axum::extract::{Path, State};
use axum::routing::get;
use axum::{Json, Router};
use effekt_domain::ids::ParticipantId;
use utoipa::OpenApi;

use effekt_app::views::{
    AggregateOverview, ContractStatements, ContractView, InvestmentView, OutcomeResults,
    ParticipantDetailView, ParticipantList, ParticipantOutcomes, PseudonymisedList,
    StatementDetail,
};
use effekt_app::{AppError, Viewer};

use crate::extract::CleanQuery;
use crate::query;
use crate::{ApiError, AppState, WebError};

#[derive(OpenApi)]
#[openapi(
    info(title = "effekt API", description = "Participants, aggregates and pseudonymised data of effektkontrakter. Authentication: the session cookie from logging in at /logg-inn."),
    paths(participants, participants_search, participant, participant_outcomes, aggregates, results, pseudonymised, statements, statement, contract, investments),
    components(schemas(ParticipantSearch, ParticipantList, ParticipantDetailView, ParticipantOutcomes, AggregateOverview, OutcomeResults, PseudonymisedList, ContractStatements, StatementDetail, ContractView, InvestmentView)),
    tags((name = "effekt"))
)]
pub struct ApiDoc;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/openapi.json", get(openapi))
        .route("/api/participants", get(participants))
        .route(
            "/api/participants/sok",
            axum::routing::post(participants_search),
        )
        .route("/api/participants/{id}", get(participant))
        .route("/api/participants/{id}/outcomes", get(participant_outcomes))
        .route("/api/aggregates", get(aggregates))
        .route("/api/results", get(results))
        .route("/api/pseudonymised", get(pseudonymised))
        .route("/api/statements", get(statements))
        .route("/api/statements/{id}", get(statement))
        .route("/api/contracts/{id}", get(contract))
        .route("/api/investments", get(investments))
}

/// A positive id from the path; anything else is not found.
fn positive_id(raw: &str) -> Result<i64, ApiError> {
    raw.parse::<i64>()
        .ok()
        .filter(|id| *id > 0)
        .ok_or(AppError::NotFound.into())
}

async fn openapi() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}

fn bad(message: String) -> ApiError {
    ApiError(WebError::BadRequest(message))
}

/// Participants of the caller's own Nav office or provider, masked where protected.
#[utoipa::path(get, path = "/api/participants", tag = "effekt",
    params(
        ("sok" = Option<String>, Query, description = "Search in names; a national id (six digits or more) is refused here: search for it with POST /api/participants/sok"),
        ("status" = Option<String>, Query, description = "Status code, e.g. DELTAR"),
        ("gruppe" = Option<i64>, Query, description = "Group id"),
        ("sorter" = Option<String>, Query, description = "navn | status | oppstart | gruppe"),
        ("retning" = Option<String>, Query, description = "stigende | synkende"),
        ("side" = Option<u32>, Query, description = "Page, from 1"),
    ),
    responses(
        (status = 200, description = "One page of participants", body = ParticipantList),
        (status = 400, description = "A malformed parameter"),
        (status = 401, description = "Not logged in"),
        (status = 403, description = "The role has no named participants"),
    ))]
async fn participants(
    State(state): State<AppState>,
    viewer: Viewer,
    CleanQuery(params): CleanQuery,
) -> Result<Json<ParticipantList>, ApiError> {
    let access = viewer.participants(&state.app, None).await?;
    let q = query::participant_query(&params).map_err(bad)?;
    Ok(Json(access.list(&q).await?))
}

/// A search in the body, so that a national id never stands in a URL.
#[derive(Debug, serde::Deserialize, utoipa::ToSchema)]
pub struct ParticipantSearch {
    /// Name or any national id the person has held.
    pub sok: Option<String>,
    /// Status code, e.g. DELTAR.
    pub status: Option<String>,
    /// Group id.
    pub gruppe: Option<i64>,
    /// navn | status | oppstart | gruppe
    pub sorter: Option<String>,
    /// stigende | synkende
    pub retning: Option<String>,
    /// Page, from 1.
    pub side: Option<u32>,
}

/// Participants of the caller's own Nav office or provider matching a search sent in the
/// body (a JSON body: a form on another site cannot send one), masked where protected.
#[utoipa::path(post, path = "/api/participants/sok", tag = "effekt",
    request_body = ParticipantSearch,
    responses(
        (status = 200, description = "One page of participants", body = ParticipantList),
        (status = 400, description = "A malformed field"),
        (status = 401, description = "Not logged in"),
        (status = 403, description = "The role has no named participants"),
    ))]
async fn participants_search(
    State(state): State<AppState>,
    viewer: Viewer,
    body: Result<Json<ParticipantSearch>, axum::extract::rejection::JsonRejection>,
) -> Result<Json<ParticipantList>, ApiError> {
    let access = viewer.participants(&state.app, None).await?;
    let Json(body) = body.map_err(|e| bad(format!("Søket må være JSON: {}", e.body_text())))?;
    let mut params = HashMap::new();
    for (k, v) in [
        ("status", body.status),
        ("gruppe", body.gruppe.map(|g| g.to_string())),
        ("sorter", body.sorter),
        ("retning", body.retning),
        ("side", body.side.map(|s| s.to_string())),
    ] {
        if let Some(v) = v {
            params.insert(k.to_owned(), v);
        }
    }
    if params.values().any(|v| crate::extract::has_control(v)) {
        return Err(bad(
            "Et felt inneholder et kontrolltegn som ikke kan brukes.".into(),
        ));
    }
    let mut q = query::participant_query(&params).map_err(bad)?;
    let text = body.sok.unwrap_or_default().trim().to_owned();
    if crate::extract::has_control(&text) || text.chars().count() > 100 {
        return Err(bad(
            "Søket kan ikke ha kontrolltegn eller være lengre enn 100 tegn.".into(),
        ));
    }
    q.search = (!text.is_empty()).then_some(text);
    Ok(Json(access.list(&q).await?))
}

/// A participant id from the path; anything else is simply not found.
fn participant_id(id: &str) -> Result<ParticipantId, ApiError> {
    id.parse::<i64>()
        .map(ParticipantId)
        .map_err(|_| AppError::NotFound.into())
}

/// One participant, if within the caller's scope.
#[utoipa::path(get, path = "/api/participants/{id}", tag = "effekt",
    params(("id" = i64, Path, description = "Participant id")),
    responses(
        (status = 200, description = "The participant", body = ParticipantDetailView),
        (status = 401, description = "Not logged in"),
        (status = 403, description = "The role has no named participants"),
        (status = 404, description = "No such participant within the caller's scope"),
    ))]
async fn participant(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> Result<Json<ParticipantDetailView>, ApiError> {
    let id = participant_id(&id)?;
    let access = viewer.participants(&state.app, Some(id)).await?;
    Ok(Json(access.get(id).await?))
}

/// The participant's outcomes from the newest register snapshot, if within the caller's scope
/// and not masked for the caller.
#[utoipa::path(get, path = "/api/participants/{id}/outcomes", tag = "effekt",
    params(("id" = i64, Path, description = "Participant id")),
    responses(
        (status = 200, description = "The participant's outcomes", body = ParticipantOutcomes),
        (status = 401, description = "Not logged in"),
        (status = 403, description = "The role has no named participants, or the person is masked for the caller"),
        (status = 404, description = "No such participant within the caller's scope"),
    ))]
async fn participant_outcomes(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> Result<Json<ParticipantOutcomes>, ApiError> {
    let id = participant_id(&id)?;
    let access = viewer.participants(&state.app, Some(id)).await?;
    Ok(Json(access.outcomes_unless_masked(id).await?))
}

/// Per contract, each outcome's results per provider from the newest snapshot, small cells
/// suppressed. Empty when no contract has outcome definitions or no snapshot is imported.
#[utoipa::path(get, path = "/api/results", tag = "effekt",
    responses(
        (status = 200, description = "Per contract, one suppressed table per outcome", body = Vec<OutcomeResults>),
        (status = 401, description = "Not logged in"),
        (status = 403, description = "The role does not see aggregates"),
    ))]
async fn results(
    State(state): State<AppState>,
    viewer: Viewer,
) -> Result<Json<Vec<OutcomeResults>>, ApiError> {
    let access = viewer.aggregates(&state.app)?;
    Ok(Json(access.outcome_results().await?))
}

/// Participants per provider and status group, small cells suppressed.
#[utoipa::path(get, path = "/api/aggregates", tag = "effekt",
    responses(
        (status = 200, description = "The suppressed table", body = AggregateOverview),
        (status = 401, description = "Not logged in"),
        (status = 403, description = "The role does not see aggregates"),
        (status = 404, description = "No contract yet"),
    ))]
async fn aggregates(
    State(state): State<AppState>,
    viewer: Viewer,
) -> Result<Json<AggregateOverview>, ApiError> {
    let access = viewer.aggregates(&state.app)?;
    access
        .overview()
        .await?
        .map(Json)
        .ok_or(AppError::NotFound.into())
}

/// Pseudonymised participants for the evaluator.
#[utoipa::path(get, path = "/api/pseudonymised", tag = "effekt",
    params(
        ("status" = Option<String>, Query, description = "Status code"),
        ("side" = Option<u32>, Query, description = "Page, from 1"),
    ),
    responses(
        (status = 200, description = "One page", body = PseudonymisedList),
        (status = 401, description = "Not logged in"),
        (status = 403, description = "Only the evaluator"),
    ))]
async fn pseudonymised(
    State(state): State<AppState>,
    viewer: Viewer,
    CleanQuery(params): CleanQuery,
) -> Result<Json<PseudonymisedList>, ApiError> {
    let access = viewer.pseudonymised(&state.app)?;
    let q = query::participant_query(&params).map_err(bad)?;
    access
        .list(&q)
        .await?
        .map(Json)
        .ok_or(AppError::NotFound.into())
}

/// Each contract's payment periods: the current statement of each, and the open period.
#[utoipa::path(get, path = "/api/statements", tag = "effekt",
    responses(
        (status = 200, description = "Per contract the viewer is in", body = Vec<ContractStatements>),
        (status = 401, description = "Not logged in"),
        (status = 403, description = "The administrator"),
    ))]
async fn statements(
    State(state): State<AppState>,
    viewer: Viewer,
) -> Result<Json<Vec<ContractStatements>>, ApiError> {
    let access = viewer.statements(&state.app)?;
    Ok(Json(access.overview().await?))
}

/// One statement with every line the viewer may see (pseudonyms only; a provider's own share;
/// totals per outcome for investors and the facilitator). Reading lines is audited.
#[utoipa::path(get, path = "/api/statements/{id}", tag = "effekt",
    params(("id" = i64, Path, description = "Statement id")),
    responses(
        (status = 200, description = "The statement", body = StatementDetail),
        (status = 401, description = "Not logged in"),
        (status = 403, description = "The administrator"),
        (status = 404, description = "No such statement in the viewer's contracts"),
    ))]
async fn statement(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> Result<Json<StatementDetail>, ApiError> {
    let access = viewer.statements(&state.app)?;
    let id = positive_id(&id)?;
    Ok(Json(access.detail(id, true).await?))
}

/// A contract's terms in plain words, its versions and any amendment waiting for the parties.
#[utoipa::path(get, path = "/api/contracts/{id}", tag = "effekt",
    params(("id" = i64, Path, description = "Contract id")),
    responses(
        (status = 200, description = "The contract", body = ContractView),
        (status = 401, description = "Not logged in"),
        (status = 403, description = "The administrator"),
        (status = 404, description = "No such contract with terms"),
    ))]
async fn contract(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> Result<Json<ContractView>, ApiError> {
    let access = viewer.contracts(&state.app)?;
    let id = positive_id(&id)?;
    Ok(Json(access.view(effekt_domain::ids::ContractId(id)).await?))
}

/// Investors' positions, the waterfall and returns, actual and projected, and progress per
/// cohort and provider (suppressed).
#[utoipa::path(get, path = "/api/investments", tag = "effekt",
    responses(
        (status = 200, description = "Per contract with investment terms", body = Vec<InvestmentView>),
        (status = 401, description = "Not logged in"),
        (status = 403, description = "Not an investor, the contract manager or the facilitator"),
    ))]
async fn investments(
    State(state): State<AppState>,
    viewer: Viewer,
) -> Result<Json<Vec<InvestmentView>>, ApiError> {
    let access = viewer.investments(&state.app)?;
    Ok(Json(access.overview().await?))
}
