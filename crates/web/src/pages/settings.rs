//! `/admin/oppsett`: the configuration page. What effekt runs with (mode, store, versions,
//! deadlines, the HTTP settings it was started with) and what is not set as production needs
//! it. Read only: settings come from the environment at start (docs/architecture.md).

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;

use effekt_app::access::HttpSettings;
use effekt_app::Viewer;

use crate::views::{self, Chrome, SettingsPage};
use crate::{AppState, PageError};

/// `GET /admin/oppsett`
pub async fn show(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
) -> Result<Response, PageError> {
    let access = viewer.administration(&state.app)?;
    let http = HttpSettings {
        secure_cookies: state.config.secure_cookies,
        client_address_header: state.config.client_address_header.is_some(),
        internal_listen: state.config.internal_listen.is_some(),
    };
    let configuration = access.configuration(&http).await?;
    let chrome = Chrome::new(
        super::lang(&headers),
        "settings-title",
        Some(&viewer),
        "/admin/oppsett",
    );
    Ok(views::html(&SettingsPage {
        chrome,
        configuration,
    }))
}
