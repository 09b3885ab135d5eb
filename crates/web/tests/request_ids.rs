//! Every request gets an id: a sane `x-request-id` from the caller is kept, anything else is
//! replaced; the response carries it back, and the audit records of that request name it.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use axum::body::Body;
use axum::http::{header, Request};
use common::*;
use effekt_store::both_stores;

both_stores! {
    async fn the_request_id_is_kept_echoed_and_audited(t: TestStore) {
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
        assert_eq!(res.headers["x-request-id"], "sak-4711-abc");
        let audited = app.t.store.audit_records().await.unwrap();
        assert!(!audited.is_empty());
        assert!(audited.iter().all(|r| r.record.request_id == "sak-4711-abc"), "{audited:?}");
        // Not a sane id (a space, a quote): replaced by a fresh one.
        let res = app.request(get(Some("x\" onload=1"))).await;
        let given = res.headers["x-request-id"].to_str().unwrap().to_owned();
        assert_eq!(given.len(), 16, "{given}");
        assert!(given.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
        // None given: one is made, and each request has its own.
        let a = app.request(get(None)).await.headers["x-request-id"].clone();
        let b = app.request(get(None)).await.headers["x-request-id"].clone();
        assert_ne!(a, b);
        // Health checks and the API carry one too.
        let res = app.get("/internal/health/liveness", None).await;
        assert!(res.headers.contains_key("x-request-id"));
    }
}
