//! effekt's HTTP side: server-rendered pages, the JSON API with its OpenAPI document, sessions,
//! authorisation and i18n. Handlers never touch the store directly: they receive a
//! capability from [`access`] that is only handed out after the role check passed, and every
//! read of personal data goes through [`audit`] before the response leaves.

pub mod access;
mod api;
mod error;
pub mod forms;
mod health;
pub mod i18n;
pub mod ledger;
pub(crate) mod pages;
mod query;
pub mod statement_file;
mod views;

use std::net::SocketAddr;

use axum::extract::DefaultBodyLimit;
use axum::Router;
use effekt_domain::mode::Mode;
use tower_http::limit::RequestBodyLimitLayer;

pub use error::WebError;

/// Largest request body accepted: forms and API calls are small.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// Settings the server runs with.
#[derive(Debug, Clone)]
pub struct Config {
    pub mode: Mode,
    /// Mark cookies `Secure` (set when served behind TLS).
    pub secure_cookies: bool,
}

pub use access::{AppState, Metrics};

/// The whole application.
pub fn router(state: AppState) -> Router {
    Router::new()
        .merge(pages::routes())
        .merge(api::routes())
        .merge(health::routes())
        .fallback(pages::not_found)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            pages::with_viewer_chrome,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            health::count_requests,
        ))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(RequestBodyLimitLayer::new(MAX_BODY_BYTES))
        .with_state(state)
}

/// Serves until Ctrl-C.
pub async fn serve(state: AppState, listen: SocketAddr) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind(listen).await?;
    tracing::info!(%listen, "effekt is listening");
    axum::serve(listener, router(state))
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
}
