//! The web's errors and their two mappings: [`PageError`] answers with an HTML page (or a
//! redirect to the login page), [`ApiError`] with JSON. The core's [`AppError`] is mapped once
//! in each; internal causes are logged with their whole chain and the request, never shown.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use effekt_app::AppError;

use crate::views;

/// What went wrong with a request, before it is answered.
#[derive(Debug, thiserror::Error)]
pub enum WebError {
    /// Not logged in.
    #[error("not logged in")]
    Unauthenticated,
    #[error("invalid or missing CSRF token")]
    Csrf,
    /// A malformed parameter; the message is Norwegian and safe to show.
    #[error("bad request: {0}")]
    BadRequest(String),
    #[error(transparent)]
    App(#[from] AppError),
    #[error("template")]
    Template(#[from] askama::Error),
}

/// The status and the message safe to show, or `None` for an internal error (logged here).
fn classify(e: &WebError) -> (StatusCode, Option<String>) {
    match e {
        WebError::Unauthenticated => (StatusCode::UNAUTHORIZED, None),
        WebError::Csrf => (StatusCode::FORBIDDEN, None),
        WebError::BadRequest(m) | WebError::App(AppError::Refused(m)) => {
            (StatusCode::BAD_REQUEST, Some(m.clone()))
        }
        WebError::App(AppError::Forbidden) => (StatusCode::FORBIDDEN, None),
        WebError::App(AppError::NotFound) => (StatusCode::NOT_FOUND, None),
        WebError::App(inner) => {
            tracing::error!(cause = %inner.chain(), "internal error");
            (StatusCode::INTERNAL_SERVER_ERROR, None)
        }
        WebError::Template(t) => {
            tracing::error!(cause = %t, "template failed");
            (StatusCode::INTERNAL_SERVER_ERROR, None)
        }
    }
}

/// An error answered as a page.
#[derive(Debug)]
pub struct PageError(pub WebError);

impl From<WebError> for PageError {
    fn from(e: WebError) -> Self {
        Self(e)
    }
}

impl From<AppError> for PageError {
    fn from(e: AppError) -> Self {
        Self(WebError::App(e))
    }
}

impl From<askama::Error> for PageError {
    fn from(e: askama::Error) -> Self {
        Self(WebError::Template(e))
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        if matches!(self.0, WebError::Unauthenticated) {
            return axum::response::Redirect::to("/logg-inn").into_response();
        }
        match classify(&self.0) {
            (StatusCode::BAD_REQUEST, message) => {
                views::error_page_with(StatusCode::BAD_REQUEST, message)
            }
            (status, _) => views::error_page(status),
        }
    }
}

/// An error answered as JSON: `{"error": "<Norwegian message>"}`.
#[derive(Debug)]
pub struct ApiError(pub WebError);

impl From<WebError> for ApiError {
    fn from(e: WebError) -> Self {
        Self(e)
    }
}

impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        Self(WebError::App(e))
    }
}

impl From<askama::Error> for ApiError {
    fn from(e: askama::Error) -> Self {
        Self(WebError::Template(e))
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, message) = classify(&self.0);
        let text = message.unwrap_or_else(|| {
            match status {
                StatusCode::UNAUTHORIZED => "Du må logge inn.",
                StatusCode::FORBIDDEN => "Du har ikke tilgang til dette.",
                StatusCode::NOT_FOUND => "Fant ikke siden.",
                _ => "Noe gikk galt.",
            }
            .to_owned()
        });
        (status, axum::Json(serde_json::json!({ "error": text }))).into_response()
    }
}
