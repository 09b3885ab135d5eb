//! Headers every response carries: a content security policy without inline scripts or
//! styles, no framing, no sniffing, no referrer, HSTS behind TLS; and nothing cached unless it
//! is a static asset that says otherwise (pages and JSON may hold personal data).

use axum::extract::{Request, State};
use axum::http::header::{self, HeaderName, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;

use crate::AppState;

/// Our pages load one stylesheet from us and submit forms to us; nothing else.
pub const CSP: &str = "default-src 'none'; style-src 'self'; img-src 'self'; \
     form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

pub async fn security_headers(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    let set = |headers: &mut axum::http::HeaderMap, name: HeaderName, value: &'static str| {
        headers.insert(name, HeaderValue::from_static(value));
    };
    set(headers, header::CONTENT_SECURITY_POLICY, CSP);
    set(headers, header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(headers, header::X_FRAME_OPTIONS, "DENY");
    set(headers, header::REFERRER_POLICY, "no-referrer");
    set(
        headers,
        HeaderName::from_static("cross-origin-opener-policy"),
        "same-origin",
    );
    set(
        headers,
        HeaderName::from_static("permissions-policy"),
        "camera=(), microphone=(), geolocation=()",
    );
    if state.config.secure_cookies {
        set(
            headers,
            header::STRICT_TRANSPORT_SECURITY,
            "max-age=31536000; includeSubDomains",
        );
    }
    if !headers.contains_key(header::CACHE_CONTROL) {
        set(headers, header::CACHE_CONTROL, "no-store");
    }
    response
}

/// Refuses a request that changes something when the browser says it comes from another
/// site: a second guard beside the forms' tokens, which also covers the login form and the
/// JSON search. A browser that sends `Sec-Fetch-Site` is believed (only `same-origin` and a
/// user's own `none` may write; a sibling subdomain's `same-site` may not). Without it, the
/// `Origin` host must be ours; `Origin: null` is what our own `Referrer-Policy: no-referrer`
/// makes browsers send on our own posts, so it proves nothing either way and the
/// form's token decides.
pub async fn same_origin_writes(request: Request, next: Next) -> Response {
    use axum::http::Method;
    use axum::response::IntoResponse;
    let writes = !matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    );
    if writes {
        let headers = request.headers();
        let text = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
        let foreign = match text("sec-fetch-site") {
            Some(site) => !matches!(site, "same-origin" | "none"),
            None => match (text("origin"), text("host")) {
                (Some("null"), _) => false,
                (Some(origin), Some(host)) => {
                    origin.split_once("://").map(|(_, rest)| rest) != Some(host)
                }
                (Some(_), None) => true,
                (None, _) => false,
            },
        };
        if foreign {
            let e = crate::WebError::Csrf;
            return if request.uri().path().starts_with("/api/") {
                crate::ApiError(e).into_response()
            } else {
                crate::PageError(e).into_response()
            };
        }
    }
    next.run(request).await
}

/// A body over the limit is refused by the limit layers with a bare 413; it is answered like
/// every other error instead: the error page in the app's layout and language, or JSON on the
/// API. Nothing of the body was read.
pub async fn too_large_in_our_words(request: Request, next: Next) -> Response {
    use axum::http::StatusCode;
    use axum::response::IntoResponse;
    let api = request.uri().path().starts_with("/api/");
    let response = next.run(request).await;
    let ours = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.starts_with("text/html") || t.starts_with("application/json"));
    if response.status() != StatusCode::PAYLOAD_TOO_LARGE || ours {
        return response;
    }
    if api {
        (
            StatusCode::PAYLOAD_TOO_LARGE,
            axum::Json(serde_json::json!({
                "error": "the request body is larger than effekt accepts",
                "limit_bytes": crate::MAX_BODY_BYTES,
            })),
        )
            .into_response()
    } else {
        crate::views::error_page(StatusCode::PAYLOAD_TOO_LARGE)
    }
}
