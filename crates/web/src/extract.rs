//! Extractors that refuse what no field may hold: a form or query string with a NUL or another
//! control character (line breaks and tabs are text) gets a clear 400 before any handler runs,
//! the same on both stores (PostgreSQL would fail on a NUL with a 500).

use std::collections::HashMap;

use axum::response::{IntoResponse, Response};

use crate::{ApiError, PageError, WebError};

/// Whether a text holds a control character other than a line break or a tab: a NUL or an
/// escape code has no place in any field, and PostgreSQL refuses NUL outright.
pub fn has_control(text: &str) -> bool {
    text.chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
}

/// Refuses values with a control character, naming the field; answered as a page or as JSON.
fn refuse_control(values: &HashMap<String, String>, api: bool) -> Result<(), Box<Response>> {
    let Some((k, _)) = values
        .iter()
        .find(|(k, v)| has_control(k) || has_control(v))
    else {
        return Ok(());
    };
    let field = if has_control(k) { "?" } else { k.as_str() };
    let e = WebError::BadRequest(format!(
        "Feltet «{field}» inneholder et kontrolltegn som ikke kan brukes. Fjern det og prøv igjen."
    ));
    Err(Box::new(if api {
        ApiError(e).into_response()
    } else {
        PageError(e).into_response()
    }))
}

/// A submitted form, every value free of control characters (a clear 400 otherwise).
pub struct CleanForm(pub HashMap<String, String>);

impl<S: Send + Sync> axum::extract::FromRequest<S> for CleanForm {
    type Rejection = Response;

    async fn from_request(req: axum::extract::Request, state: &S) -> Result<Self, Self::Rejection> {
        let api = req.uri().path().starts_with("/api/");
        let axum::Form(values) = axum::Form::<HashMap<String, String>>::from_request(req, state)
            .await
            .map_err(IntoResponse::into_response)?;
        refuse_control(&values, api).map_err(|r| *r)?;
        Ok(Self(values))
    }
}

/// Query parameters, every value free of control characters (a clear 400 otherwise).
pub struct CleanQuery(pub HashMap<String, String>);

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for CleanQuery {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &S,
    ) -> Result<Self, Self::Rejection> {
        let api = parts.uri.path().starts_with("/api/");
        let axum::extract::Query(values) =
            axum::extract::Query::<HashMap<String, String>>::from_request_parts(parts, state)
                .await
                .map_err(IntoResponse::into_response)?;
        refuse_control(&values, api).map_err(|r| *r)?;
        Ok(Self(values))
    }
}
