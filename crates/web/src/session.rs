//! Cookies, the viewer behind them, and request ids. The core checks passwords and sessions;
//! this carries its tokens in `HttpOnly`, `SameSite=Lax` cookies and gives every request an
//! id of its own that its trace span, its audit records and its response carry. A caller's
//! `x-request-id` is never trusted into audit: it is kept apart, in the trace span only.

use axum::extract::{FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use effekt_app::{accounts, Viewer};
use tower_http::classify::{ServerErrorsAsFailures, SharedClassifier};
use tower_http::trace::{DefaultOnResponse, TraceLayer};

use crate::error::{ApiError, PageError, WebError};
use crate::AppState;

pub const SESSION_COOKIE: &str = "effekt_session";
pub const LOGIN_CSRF_COOKIE: &str = "effekt_login_csrf";
pub const REQUEST_ID_HEADER: &str = "x-request-id";
/// Where the caller's own request id travels inside the server (never into audit records).
const CLIENT_REQUEST_ID_HEADER: &str = "x-effekt-client-request-id";

fn cookies<'a>(headers: &'a HeaderMap, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
    headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .filter(move |(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// Reads one cookie from the request headers.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    cookies(headers, name).next().map(str::to_owned)
}

/// The cookie when it is there exactly once: two of the same name mean a cookie planted beside
/// ours (by a sibling domain, say), and neither is trusted.
pub fn only_cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    let mut all = cookies(headers, name);
    let first = all.next()?;
    all.next().is_none().then(|| first.to_owned())
}

/// A `Set-Cookie` value: HttpOnly, SameSite=Lax, path /, Secure behind TLS.
pub fn set_cookie(name: &str, value: &str, max_age_seconds: i64, secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age_seconds}{secure}")
}

/// Refuses a form whose CSRF token is not the expected one.
pub fn check_csrf(expected: &str, given: &str) -> Result<(), WebError> {
    if accounts::tokens_match(expected, given) {
        Ok(())
    } else {
        Err(WebError::Csrf)
    }
}

fn valid_request_id(v: &str) -> bool {
    !v.is_empty()
        && v.len() <= 64
        && v.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// The request's id, as the [`request_id`] layer set it.
pub fn request_id_of(headers: &HeaderMap) -> String {
    headers
        .get(REQUEST_ID_HEADER)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

/// Gives the request an id of the server's own, which the response carries back; a sane
/// `x-request-id` from the caller is kept apart for the trace span.
pub async fn request_id(mut request: Request, next: Next) -> Response {
    let given = request
        .headers_mut()
        .remove(REQUEST_ID_HEADER)
        .filter(|v| v.to_str().is_ok_and(valid_request_id));
    request.headers_mut().remove(CLIENT_REQUEST_ID_HEADER);
    if let Some(given) = given {
        request
            .headers_mut()
            .insert(CLIENT_REQUEST_ID_HEADER, given);
    }
    let id = accounts::random_token()[..16].to_owned();
    match HeaderValue::from_str(&id) {
        Ok(value) => {
            request
                .headers_mut()
                .insert(REQUEST_ID_HEADER, value.clone());
            let mut response = next.run(request).await;
            response.headers_mut().insert(REQUEST_ID_HEADER, value);
            response
        }
        Err(_) => next.run(request).await,
    }
}

/// A span per request with its method, path (never the query: it may hold search terms) and
/// id; the response's status and latency are logged when it is done.
pub fn trace_layer() -> TraceLayer<
    SharedClassifier<ServerErrorsAsFailures>,
    impl Fn(&Request) -> tracing::Span + Clone,
    tower_http::trace::DefaultOnRequest,
    DefaultOnResponse,
> {
    TraceLayer::new_for_http()
        .make_span_with(|request: &Request| {
            let client = request
                .headers()
                .get(CLIENT_REQUEST_ID_HEADER)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default();
            tracing::info_span!(
                "request",
                method = %request.method(),
                path = %request.uri().path(),
                request_id = %request_id_of(request.headers()),
                client_request_id = %client,
            )
        })
        .on_response(DefaultOnResponse::new().level(tracing::Level::INFO))
}

/// The logged-in user behind these headers, if any.
pub async fn viewer(state: &AppState, headers: &HeaderMap) -> Result<Option<Viewer>, WebError> {
    let Some(token) = only_cookie(headers, SESSION_COOKIE).filter(|t| !t.is_empty()) else {
        return Ok(None);
    };
    Ok(accounts::session_viewer(&state.app, &token, &request_id_of(headers)).await?)
}

/// The session's viewer; without one a page redirects to login and the API answers 401.
impl FromRequestParts<AppState> for Viewer {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let api = parts.uri.path().starts_with("/api/");
        let reject = |e: WebError| {
            if api {
                ApiError(e).into_response()
            } else {
                PageError(e).into_response()
            }
        };
        match viewer(state, &parts.headers).await {
            Ok(Some(v)) => Ok(v),
            Ok(None) => Err(reject(WebError::Unauthenticated)),
            Err(e) => Err(reject(e)),
        }
    }
}

/// The caller's address, for throttling logins: the rightmost entry of the header the proxy in
/// front sets (`Config::client_address_header`, e.g. `x-forwarded-for` behind Nav's ingress),
/// else the connection's peer; empty when neither is known.
pub struct ClientAddress(pub String);

impl FromRequestParts<AppState> for ClientAddress {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let forwarded = state
            .config
            .client_address_header
            .as_deref()
            .and_then(|name| parts.headers.get_all(name).iter().next_back())
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.rsplit(',').next())
            .map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty() && v.len() <= 64);
        let peer = || {
            parts
                .extensions
                .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
                .map(|c| c.0.ip().to_string())
        };
        Ok(Self(forwarded.or_else(peer).unwrap_or_default()))
    }
}
