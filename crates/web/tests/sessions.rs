//! Sessions, CSRF, throttling, bad input and the operational endpoints, on both stores.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use common::*;
use effekt_store::both_stores;

both_stores! {
    async fn the_session_cookie_is_http_only_and_lax(t: TestStore) {
        let app = App::new(t).await;
        let res = app.try_login("veileder1", PASSWORD).await;
        let raw = res.headers.get_all(header::SET_COOKIE).iter()
            .map(|v| v.to_str().unwrap().to_owned())
            .find(|v| v.starts_with("effekt_session=")).unwrap();
        assert!(raw.contains("HttpOnly") && raw.contains("SameSite=Lax"), "{raw}");
        assert!(!raw.contains("Secure"), "no TLS in tests");
        assert_eq!(res.headers["location"], "/deltakere");
    }
}

both_stores! {
    async fn logout_needs_the_csrf_token_and_ends_the_session(t: TestStore) {
        let app = App::new(t).await;
        let cookie = app.login("veileder1").await;
        let page = app.get("/deltakere", Some(&cookie)).await;
        let token = hidden(&page.body, "csrf").unwrap();
        let forged = app.post_form("/logg-ut", Some(&cookie), "csrf=wrong").await;
        assert_eq!(forged.status, StatusCode::FORBIDDEN);
        assert_eq!(app.get("/deltakere", Some(&cookie)).await.status, StatusCode::OK, "still logged in");
        let res = app.post_form("/logg-ut", Some(&cookie), &format!("csrf={token}")).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER);
        assert_eq!(app.get("/deltakere", Some(&cookie)).await.status, StatusCode::SEE_OTHER, "session ended");
    }
}

both_stores! {
    async fn login_without_its_csrf_cookie_is_refused(t: TestStore) {
        let app = App::new(t).await;
        let res = app.post_form("/logg-inn", None, &format!("csrf=x&username=veileder1&password={PASSWORD}")).await;
        assert_eq!(res.status, StatusCode::BAD_REQUEST);
        assert!(res.body.contains("Skjemaet var utløpt"));
        assert!(set_cookie(&res, "effekt_session").is_none());
    }
}

both_stores! {
    async fn wrong_and_missing_credentials_get_norwegian_messages(t: TestStore) {
        let app = App::new(t).await;
        let res = app.try_login("veileder1", "feil").await;
        assert_eq!(res.status, StatusCode::UNAUTHORIZED);
        assert!(res.body.contains("Feil brukernavn eller passord."));
        assert!(res.body.contains("value=\"veileder1\""), "the username is kept");
        let res = app.try_login("", "").await;
        assert_eq!(res.status, StatusCode::BAD_REQUEST);
        assert!(res.body.contains("Skriv inn brukernavn.") && res.body.contains("Skriv inn passord."));
        assert!(res.body.contains("aria-invalid=\"true\""));
        let res = app.try_login("finnesikke", "x").await;
        assert_eq!(res.status, StatusCode::UNAUTHORIZED);
    }
}

both_stores! {
    async fn repeated_failures_throttle_the_account(t: TestStore) {
        let app = App::new(t).await;
        for _ in 0..5 {
            assert_eq!(app.try_login("veileder2", "feil").await.status, StatusCode::UNAUTHORIZED);
        }
        // Even the right password is refused while throttled.
        let res = app.try_login("veileder2", PASSWORD).await;
        assert_eq!(res.status, StatusCode::TOO_MANY_REQUESTS);
        assert!(res.body.contains("For mange mislykkede forsøk"));
        // Other accounts are unaffected.
        app.login("veileder1").await;
    }
}

both_stores! {
    async fn bad_input_gets_a_clear_answer(t: TestStore) {
        let app = App::new(t).await;
        let cookie = app.login("veileder1").await;
        let res = app.get("/deltakere?status=GLAD", Some(&cookie)).await;
        assert_eq!(res.status, StatusCode::BAD_REQUEST);
        assert!(res.body.contains("Ukjent status: GLAD."));
        let res = app.get("/api/participants?side=0", Some(&cookie)).await;
        assert_eq!(res.status, StatusCode::BAD_REQUEST);
        assert!(res.body.contains("Side må være et tall"));
        let res = app.get("/finnes/ikke", Some(&cookie)).await;
        assert_eq!(res.status, StatusCode::NOT_FOUND);
        assert!(res.body.contains("Fant ikke siden") && res.body.contains("<html"));
        assert_eq!(app.get("/api/finnes-ikke", None).await.status, StatusCode::NOT_FOUND);
        // Oversized bodies are refused before anything reads them.
        let big = "a".repeat(effekt_web::MAX_BODY_BYTES + 1);
        let req = Request::post("/logg-inn")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::CONTENT_LENGTH, big.len())
            .body(Body::from(format!("username={big}")))
            .unwrap();
        assert_eq!(app.request(req).await.status, StatusCode::PAYLOAD_TOO_LARGE);
    }
}

both_stores! {
    async fn health_metrics_and_openapi(t: TestStore) {
        let app = App::new(t).await;
        assert_eq!(app.get("/internal/health/liveness", None).await.status, StatusCode::OK);
        assert_eq!(app.get("/internal/health/readiness", None).await.status, StatusCode::OK);
        let cookie = app.login("veileder1").await;
        app.get("/deltakere", Some(&cookie)).await;
        let metrics = app.get("/internal/prometheus", None).await.body;
        assert!(metrics.contains("effekt_audit_records_total 4"), "{metrics}");
        let spec: serde_json::Value = serde_json::from_str(&app.get("/api/openapi.json", None).await.body).unwrap();
        assert!(spec["openapi"].as_str().unwrap().starts_with("3.1"));
        for path in ["/api/participants", "/api/participants/{id}", "/api/aggregates", "/api/pseudonymised", "/api/statements", "/api/statements/{id}", "/api/contracts/{id}", "/api/investments"] {
            assert!(spec["paths"][path]["get"].is_object(), "{path} undocumented");
        }
        assert!(spec["components"]["schemas"]["ParticipantList"].is_object());
    }
}

both_stores! {
    async fn pages_follow_the_language_of_the_browser(t: TestStore) {
        let app = App::new(t).await;
        let req = Request::get("/logg-inn").header(header::ACCEPT_LANGUAGE, "en-GB,en;q=0.8").body(Body::empty()).unwrap();
        let res = app.request(req).await;
        assert!(res.body.contains("<html lang=\"en\" dir=\"ltr\">") && res.body.contains("Log in"));
        let res = app.get("/logg-inn", None).await;
        assert!(res.body.contains("<html lang=\"nb\"") && res.body.contains("Logg inn"));
    }
}

both_stores! {
    async fn error_pages_keep_the_menu_and_logout_for_a_logged_in_user(t: TestStore) {
        let app = App::new(t).await;
        let investor = app.login("investor").await;
        for (path, status) in [("/deltakere", StatusCode::FORBIDDEN), ("/finnes-ikke", StatusCode::NOT_FOUND), ("/deltakere?status=X", StatusCode::FORBIDDEN)] {
            let res = app.get(path, Some(&investor)).await;
            assert_eq!(res.status, status, "{path}");
            assert!(res.body.contains("Logg ut") && res.body.contains("Test investor"), "{path}: {}", res.body);
            assert!(res.body.contains("href=\"/oversikt\""), "the menu is there");
        }
        let officer = app.login("veileder1").await;
        let res = app.get("/deltakere?status=GLAD", Some(&officer)).await;
        assert_eq!(res.status, StatusCode::BAD_REQUEST);
        assert!(res.body.contains("Ukjent status: GLAD.") && res.body.contains("Logg ut"));
        // Logged out, the same pages have no user menu.
        let res = app.get("/finnes-ikke", None).await;
        assert!(!res.body.contains("Logg ut"));
    }
}
