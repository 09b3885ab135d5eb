//! `/importer`: the import log. Every attempt to import of the kinds the viewer makes (the
//! administrator: register snapshots and provider evidence; Nav's contract manager: contract
//! files), newest first, with the problems of a refused or failed one and the command to run it
//! again. A failure that no later attempt has settled is a task on the home, linking here.

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;

use effekt_app::Viewer;

use crate::views::{self, Chrome, ImportsPage};
use crate::{AppState, PageError};

/// `GET /importer`
pub async fn show(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
) -> Result<Response, PageError> {
    let runs = viewer.imports(&state.app)?.runs().await?;
    let chrome = Chrome::new(
        super::lang(&headers),
        "imports-title",
        Some(&viewer),
        "/importer",
    );
    Ok(views::html(&ImportsPage { chrome, runs }))
}
