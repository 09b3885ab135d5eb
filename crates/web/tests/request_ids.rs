//! Every request gets an id of the server's own: the response carries it back and the audit
//! records of that request name it. A caller's `x-request-id` is never trusted into audit.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use axum::body::Body;
use axum::http::{header, Request};
use common::*;
use effekt_store::both_stores;

both_stores! {
    async fn the_servers_own_request_id_is_echoed_and_audited_never_the_callers(t: TestStore) {
        let app = App::new(t).await;
        let cookie = app.login("veileder1").await;
        let get = |id: Option<&'static str>| {
            let mut req = Request::get("/deltakere/1").header(header::COOKIE, cookie.clone());
            if let Some(id) = id {
                req = req.header("x-request-id", id);
            }
            req.body(Body::empty()).unwrap()
        };
        let res = app.request(get(Some("sak-4711-abc"))).await;
        assert_eq!(res.status, 200);
        let ours = res.headers["x-request-id"].to_str().unwrap().to_owned();
        assert_ne!(ours, "sak-4711-abc", "a caller could otherwise write any id into audit");
        assert_eq!(ours.len(), 16, "{ours}");
        let audited = app.t.store.audit_records().await.unwrap();
        assert!(!audited.is_empty());
        assert!(audited.iter().all(|r| r.record.request_id == ours), "{audited:?}");
        // Each request has its own.
        let a = app.request(get(None)).await.headers["x-request-id"].clone();
        let b = app.request(get(None)).await.headers["x-request-id"].clone();
        assert_ne!(a, b);
        // Health checks carry one too.
        let res = app.get("/internal/health/liveness", None).await;
        assert!(res.headers.contains_key("x-request-id"));
    }
}
