//! Pages for the roles without named participants: aggregates, pseudonymised data, users.

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;

use effekt_app::Viewer;

use crate::extract::CleanQuery;
use crate::query;
use crate::views::{
    self, Chrome, EvaluationPage, HomePage, InvestmentsPage, OverviewPage, ResultsPage,
};
use crate::{AppState, PageError, WebError};

/// `/hjem`: what waits for the viewer, each task linking to where it is done.
pub async fn home(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
) -> Result<Response, PageError> {
    let home = viewer.waiting(&state.app).await?;
    let chrome = Chrome::new(super::lang(&headers), "home-title", Some(&viewer), "/hjem");
    Ok(views::html(&HomePage { chrome, home }))
}

pub async fn overview(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
) -> Result<Response, PageError> {
    let access = viewer.aggregates(&state.app)?;
    let overview = access.overview().await?;
    let chrome = Chrome::new(
        super::lang(&headers),
        "overview-title",
        Some(&viewer),
        "/oversikt",
    );
    Ok(views::html(&OverviewPage { chrome, overview }))
}

/// `/resultater`: each outcome's results per provider, suppressed.
pub async fn results(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
) -> Result<Response, PageError> {
    let access = viewer.aggregates(&state.app)?;
    let results = access.outcome_results().await?;
    let chrome = Chrome::new(
        super::lang(&headers),
        "results-title",
        Some(&viewer),
        "/resultater",
    );
    Ok(views::html(&ResultsPage { chrome, results }))
}

/// `/investeringer`: positions, the waterfall and returns, and progress per cohort.
pub async fn investments(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
) -> Result<Response, PageError> {
    let access = viewer.investments(&state.app)?;
    let investments = access.overview().await?;
    let chrome = Chrome::new(
        super::lang(&headers),
        "investments-title",
        Some(&viewer),
        "/investeringer",
    );
    Ok(views::html(&InvestmentsPage {
        chrome,
        investments,
    }))
}

pub async fn evaluation(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    CleanQuery(params): CleanQuery,
) -> Result<Response, PageError> {
    let access = viewer.pseudonymised(&state.app)?;
    let q = query::participant_query(&params).map_err(WebError::BadRequest)?;
    let list = access.list(&q).await?;
    let pagination = match &list {
        Some(l) => super::participants::pagination(l.page, l.page_count, |n| {
            format!("/evaluering?side={n}")
        }),
        None => super::participants::pagination(1, 1, |_| String::new()),
    };
    let chrome = Chrome::new(
        super::lang(&headers),
        "evaluation-title",
        Some(&viewer),
        "/evaluering",
    );
    Ok(views::html(&EvaluationPage {
        chrome,
        list,
        pagination,
    }))
}
