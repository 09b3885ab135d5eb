//! The web layer's one error type and its single mapping to HTTP. Internal causes are logged
//! with the request, never shown.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use crate::views;

#[derive(Debug, thiserror::Error)]
pub enum WebError {
    /// Not logged in: pages redirect to the login page, the API answers 401.
    #[error("not logged in")]
    Unauthenticated { api: bool },
    /// Logged in, but the role may not use this page at all.
    #[error("forbidden")]
    Forbidden { api: bool },
    /// Does not exist, or exists outside the viewer's scope (never say which).
    #[error("not found")]
    NotFound { api: bool },
    /// A malformed parameter; the message is Norwegian and safe to show.
    #[error("bad request: {message}")]
    BadRequest { api: bool, message: String },
    #[error("invalid or missing CSRF token")]
    Csrf,
    #[error("internal error: {0}")]
    Internal(String),
}

impl From<effekt_store::StoreError> for WebError {
    fn from(e: effekt_store::StoreError) -> Self {
        Self::Internal(e.to_string())
    }
}

impl From<askama::Error> for WebError {
    fn from(e: askama::Error) -> Self {
        Self::Internal(format!("template: {e}"))
    }
}

fn json_error(status: StatusCode, message: &str) -> Response {
    (status, axum::Json(serde_json::json!({ "error": message }))).into_response()
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        match self {
            Self::Unauthenticated { api: true } => {
                json_error(StatusCode::UNAUTHORIZED, "Du må logge inn.")
            }
            Self::Unauthenticated { api: false } => {
                axum::response::Redirect::to("/logg-inn").into_response()
            }
            Self::Forbidden { api: true } => {
                json_error(StatusCode::FORBIDDEN, "Du har ikke tilgang til dette.")
            }
            Self::Forbidden { api: false } => views::error_page(StatusCode::FORBIDDEN),
            Self::NotFound { api: true } => json_error(StatusCode::NOT_FOUND, "Fant ikke siden."),
            Self::NotFound { api: false } => views::error_page(StatusCode::NOT_FOUND),
            Self::BadRequest { api: true, message } => {
                json_error(StatusCode::BAD_REQUEST, &message)
            }
            Self::BadRequest {
                api: false,
                message,
            } => views::error_page_with(StatusCode::BAD_REQUEST, Some(message)),
            Self::Csrf => views::error_page(StatusCode::FORBIDDEN),
            Self::Internal(cause) => {
                tracing::error!(%cause, "internal error");
                views::error_page(StatusCode::INTERNAL_SERVER_ERROR)
            }
        }
    }
}
