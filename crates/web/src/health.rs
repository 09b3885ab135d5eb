//! Health and metrics endpoints as Nav's platform expects them.

use std::sync::atomic::Ordering;

use axum::extract::{Request, State};
use axum::http::{header, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;

use effekt_app::Metrics;

use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/internal/health/liveness", get(|| async { "ok" }))
        .route("/internal/health/readiness", get(readiness))
        .route("/internal/prometheus", get(prometheus))
}

async fn readiness(State(state): State<AppState>) -> Response {
    if state.app.ready().await {
        "ok".into_response()
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, "store unavailable").into_response()
    }
}

async fn prometheus(State(state): State<AppState>) -> Response {
    let m = state.app.metrics();
    let mut body = String::new();
    for (name, help, counter) in [
        (
            "effekt_http_requests_total",
            "HTTP requests served",
            &m.requests,
        ),
        (
            "effekt_audit_records_total",
            "Audit records written",
            &m.audit_records,
        ),
        (
            "effekt_audit_failures_total",
            "Reads refused because the audit write failed",
            &m.audit_failures,
        ),
        (
            "effekt_logins_failed_total",
            "Failed login attempts",
            &m.logins_failed,
        ),
    ] {
        body.push_str(&format!(
            "# HELP {name} {help}\n# TYPE {name} counter\n{name} {}\n",
            Metrics::get(counter)
        ));
    }
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], body).into_response()
}

pub async fn count_requests(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    state.app.metrics().requests.fetch_add(1, Ordering::Relaxed);
    next.run(request).await
}
