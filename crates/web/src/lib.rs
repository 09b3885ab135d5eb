//! effekt's HTTP face: routing, extractors, typed forms and queries, server-rendered pages,
//! the JSON API with its OpenAPI document, cookies, i18n, request ids and traces. Every use
//! case is the application core's (`effekt_app`): a handler turns the request into a call on
//! a capability, and the answer into a page or JSON. Errors are mapped once for pages and
//! once for JSON (`error`).

mod api;
pub mod charts;
mod error;
pub mod extract;
pub mod forms;
mod hardening;
mod health;
pub mod i18n;
pub(crate) mod pages;
mod query;
mod session;
mod views;

use std::net::SocketAddr;
use std::sync::Arc;

use axum::extract::DefaultBodyLimit;
use axum::Router;
use effekt_app::App;
use tower_http::limit::RequestBodyLimitLayer;

pub use error::{ApiError, PageError, WebError};
pub use session::REQUEST_ID_HEADER;

/// Largest request body accepted: forms and API calls are small.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// Settings of the HTTP face.
#[derive(Debug, Clone, Default)]
pub struct Config {
    /// Mark cookies `Secure` (set when served behind TLS).
    pub secure_cookies: bool,
    /// The header the proxy in front puts the caller's address in (rightmost entry), e.g.
    /// `x-forwarded-for`; without it the connection's peer address is used.
    pub client_address_header: Option<String>,
    /// Serve the health and metrics endpoints (`/internal/*`) only on this address, away from
    /// the one the ingress forwards to; on the main address when `None`.
    pub internal_listen: Option<SocketAddr>,
}

/// What every handler gets: the application core and the HTTP settings.
#[derive(Clone)]
pub struct AppState {
    pub(crate) app: App,
    pub(crate) config: Arc<Config>,
}

impl AppState {
    pub fn new(app: App, config: Config) -> Self {
        Self {
            app,
            config: Arc::new(config),
        }
    }

    pub fn app(&self) -> &App {
        &self.app
    }
}

/// The whole application.
pub fn router(state: AppState) -> Router {
    let mut routes = Router::new().merge(pages::routes()).merge(api::routes());
    if state.config.internal_listen.is_none() {
        routes = routes.merge(health::routes());
    }
    routes
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
        // Inside the headers, so that the 413 page carries them like every other page.
        .layer(axum::middleware::from_fn(hardening::too_large_in_our_words))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            hardening::security_headers,
        ))
        .layer(axum::middleware::from_fn(hardening::same_origin_writes))
        .layer(session::trace_layer())
        .layer(axum::middleware::from_fn(session::request_id))
        .with_state(state)
}

/// The health and metrics endpoints on their own, for `Config::internal_listen`.
pub fn internal_router(state: AppState) -> Router {
    health::routes()
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            hardening::security_headers,
        ))
        .with_state(state)
}

/// Serves until Ctrl-C (and the internal endpoints on their own address, when configured).
pub async fn serve(state: AppState, listen: SocketAddr) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind(listen).await?;
    if let Some(internal) = state.config.internal_listen {
        let inner = tokio::net::TcpListener::bind(internal).await?;
        tracing::info!(%internal, "internal endpoints are listening");
        let app = internal_router(state.clone());
        tokio::spawn(async move {
            if let Err(e) = axum::serve(inner, app).await {
                tracing::error!(error = %e, "internal endpoints stopped");
            }
        });
    }
    tracing::info!(%listen, "effekt is listening");
    axum::serve(
        listener,
        router(state).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await
}

/// The evaluation report of a run as one self-contained HTML document (styles inline, no
/// menu): what headless Chromium prints to the report's PDF (`effekt evaluate report`).
pub fn evaluation_report_html(
    view: effekt_app::views::evaluation::RunView,
) -> Result<String, WebError> {
    use askama::Template;
    let mut chrome = views::Chrome::new(i18n::Lang::default(), "eval-report", None, "");
    chrome.title = format!("{} {} – {}", chrome.title, view.quarter, view.contract_name);
    let html = views::RunPage::new(chrome, "", view, None).render()?;
    Ok(html.replace(
        "<link rel=\"stylesheet\" href=\"/static/effekt.css\">",
        &format!("<style>{}</style>", pages::CSS),
    ))
}
