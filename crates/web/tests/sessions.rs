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
        assert_eq!(res.headers["location"], "/hjem");
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
        // A cookie and a field an attacker set to the same value are not a pair the server made.
        let res = app.post_form("/logg-inn", Some("effekt_login_csrf=planted"), &format!("csrf=planted&username=veileder1&password={PASSWORD}")).await;
        assert_eq!(res.status, StatusCode::BAD_REQUEST);
        assert!(set_cookie(&res, "effekt_session").is_none());
        // The server's own pair, swapped between two forms, does not fit either.
        let first = app.get("/logg-inn", None).await;
        let second = app.get("/logg-inn", None).await;
        let cookie = set_cookie(&first, "effekt_login_csrf").unwrap();
        let field = hidden(&second.body, "csrf").unwrap();
        let res = app.post_form("/logg-inn", Some(&cookie), &format!("csrf={field}&username=veileder1&password={PASSWORD}")).await;
        assert_eq!(res.status, StatusCode::BAD_REQUEST);
    }
}

both_stores! {
    async fn a_second_session_cookie_beside_ours_is_not_trusted(t: TestStore) {
        let app = App::new(t).await;
        let ours = app.login("veileder1").await;
        assert_eq!(app.get("/deltakere", Some(&ours)).await.status, StatusCode::OK);
        // A planted cookie of the same name (another session, or junk): neither is trusted.
        let other = app.login("veileder2").await;
        let both = format!("{ours}; {other}");
        let res = app.get("/deltakere", Some(&both)).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER);
        assert_eq!(res.headers["location"], "/logg-inn");
        let res = app.get("/api/participants", Some(&both)).await;
        assert_eq!(res.status, StatusCode::UNAUTHORIZED);
    }
}

both_stores! {
    async fn every_response_carries_the_security_headers_and_personal_ones_are_not_cached(t: TestStore) {
        let app = App::new(t).await;
        let cookie = app.login("veileder1").await;
        for (path, session) in [("/deltakere/1", Some(cookie.as_str())), ("/api/participants/1", Some(cookie.as_str())), ("/logg-inn", None), ("/finnes-ikke", None)] {
            let res = app.get(path, session).await;
            let h = &res.headers;
            let csp = h["content-security-policy"].to_str().unwrap();
            assert!(csp.contains("default-src 'none'") && csp.contains("frame-ancestors 'none'") && !csp.contains("unsafe-inline"), "{path}: {csp}");
            assert_eq!(h["x-content-type-options"], "nosniff", "{path}");
            assert_eq!(h["referrer-policy"], "no-referrer", "{path}");
            assert_eq!(h["x-frame-options"], "DENY", "{path}");
            assert_eq!(h["cache-control"], "no-store", "{path}");
            // HSTS only when served behind TLS (secure cookies), which the tests are not.
            assert!(!h.contains_key("strict-transport-security"), "{path}");
        }
        // The stylesheet may be cached: it holds nothing personal.
        let css = app.get("/static/effekt.css", None).await;
        assert!(css.headers["cache-control"].to_str().unwrap().starts_with("public"));
    }
}

both_stores! {
    async fn a_control_character_in_any_input_is_refused_with_a_clear_message(t: TestStore) {
        let app = App::new(t).await;
        let cookie = app.login("veileder1").await;
        // A NUL in the search: PostgreSQL would fail on it; both stores answer the same 400.
        let page = app.get("/deltakere?sok=ali%00", Some(&cookie)).await;
        assert_eq!(page.status, StatusCode::BAD_REQUEST);
        assert!(page.body.contains("kontrolltegn"), "{}", page.body);
        let api = app.get("/api/participants?sok=%1b%5B2J", Some(&cookie)).await;
        assert_eq!(api.status, StatusCode::BAD_REQUEST);
        let json: serde_json::Value = serde_json::from_str(&api.body).unwrap();
        assert!(json["error"].as_str().unwrap().contains("kontrolltegn"));
        // In a form: refused before anything is read or stored.
        let res = app.post_with_csrf("/deltakere/1", "/deltakere/1/ident", &cookie, "fodselsnummer=130972%0048022&gyldig_fra=01.11.2026").await;
        assert_eq!(res.status, StatusCode::BAD_REQUEST);
        assert!(res.body.contains("kontrolltegn"), "{}", res.body);
        // Line breaks and tabs are text, not control: a contract file spans lines.
        assert!(!effekt_web::extract::has_control("linje 1\r\nlinje 2\tx"));
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
        let res = app.request(req).await;
        assert_eq!(res.status, StatusCode::PAYLOAD_TOO_LARGE);
        // In the app's layout and language, with the headers every page has.
        assert!(res.body.contains("<html") && res.body.contains("For mye sendt på en gang"), "{}", res.body);
        assert!(res.headers.contains_key(header::CONTENT_SECURITY_POLICY));
        let req = Request::post("/api/participants/sok")
            .header(header::CONTENT_TYPE, "application/json")
            .header(header::CONTENT_LENGTH, big.len() + 8)
            .body(Body::from(format!("{{\"q\":\"{big}\"}}")))
            .unwrap();
        let res = app.request(req).await;
        assert_eq!(res.status, StatusCode::PAYLOAD_TOO_LARGE);
        assert!(res.body.contains("\"limit_bytes\""), "JSON on the API: {}", res.body);
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

both_stores! {
    async fn a_stuck_audit_table_fails_reads_within_seconds_and_does_not_exhaust_the_pool(t: TestStore) {
        let app = App::new(t).await;
        let cookie = app.login("veileder1").await;
        let Some(lock) = app.t.hold_audit_lock().await.unwrap() else {
            return; // SQLite: one writer at a time; its busy timeout is the guard.
        };
        // Every read of a person must be audited; the audit table is locked by someone else.
        let started = std::time::Instant::now();
        let reads = (0..20).map(|_| app.get("/deltakere/1", Some(&cookie)));
        let answers = futures_join_all(reads).await;
        let waited = started.elapsed();
        assert!(answers.iter().all(|r| r.status == StatusCode::INTERNAL_SERVER_ERROR), "fail closed");
        assert!(answers.iter().all(|r| !r.body.contains("Amina")), "no data without its audit record");
        assert!(waited < std::time::Duration::from_secs(15), "failed in {waited:?}, not held until the pool runs dry");
        drop(lock);
        assert_eq!(app.get("/deltakere/1", Some(&cookie)).await.status, StatusCode::OK);
    }
}

/// Runs the futures concurrently on this task.
async fn futures_join_all<F: std::future::Future>(
    futures: impl Iterator<Item = F>,
) -> Vec<F::Output> {
    let handles: Vec<_> = futures.collect();
    let mut out = Vec::new();
    // Polled together: each waits on the lock at the same time.
    let mut pinned: Vec<std::pin::Pin<Box<F>>> = handles.into_iter().map(Box::pin).collect();
    let mut results: Vec<Option<F::Output>> = pinned.iter().map(|_| None).collect();
    std::future::poll_fn(|cx| {
        let mut pending = false;
        for (f, r) in pinned.iter_mut().zip(results.iter_mut()) {
            if r.is_none() {
                match f.as_mut().poll(cx) {
                    std::task::Poll::Ready(v) => *r = Some(v),
                    std::task::Poll::Pending => pending = true,
                }
            }
        }
        if pending {
            std::task::Poll::Pending
        } else {
            std::task::Poll::Ready(())
        }
    })
    .await;
    out.extend(results.into_iter().flatten());
    out
}

/// Logs in through the form as a client at `address` (the proxy's `x-forwarded-for`).
async fn login_from(app: &App, address: &str, username: &str, password: &str) -> Response {
    use axum::body::Body;
    use axum::http::{header, Request};
    let form = app
        .request(
            Request::get("/logg-inn")
                .header("x-forwarded-for", address)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    let csrf_cookie = set_cookie(&form, "effekt_login_csrf").unwrap();
    let token = hidden(&form.body, "csrf").unwrap();
    let req = Request::post("/logg-inn")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::COOKIE, csrf_cookie)
        .header("x-forwarded-for", format!("198.51.100.7, {address}"))
        .body(Body::from(format!(
            "csrf={token}&username={username}&password={password}"
        )))
        .unwrap();
    app.request(req).await
}

both_stores! {
    async fn logins_are_throttled_per_client_and_a_locked_user_gets_in_from_a_clean_one(t: TestStore) {
        let app = App::new(t).await;
        // Someone at 10.0.0.1 guesses at veileder1's password five times.
        for _ in 0..5 {
            assert_eq!(login_from(&app, "10.0.0.1", "veileder1", "gjett").await.status, StatusCode::UNAUTHORIZED);
        }
        // From there even the right password is refused for the window...
        assert_eq!(login_from(&app, "10.0.0.1", "veileder1", PASSWORD).await.status, StatusCode::TOO_MANY_REQUESTS);
        // ...but the owner, at her own desk, gets in: the guesser cannot lock her out.
        assert_eq!(login_from(&app, "10.0.0.2", "veileder1", PASSWORD).await.status, StatusCode::SEE_OTHER);
        // Password spraying: twenty failures across usernames from one client stop it there.
        for i in 0..20 {
            login_from(&app, "10.0.0.3", &format!("bruker{i}"), "Sommer2026").await;
        }
        assert_eq!(login_from(&app, "10.0.0.3", "veileder2", PASSWORD).await.status, StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(login_from(&app, "10.0.0.4", "veileder2", PASSWORD).await.status, StatusCode::SEE_OTHER);
    }
}

both_stores! {
    async fn a_search_for_a_national_id_never_stands_in_a_url(t: TestStore) {
        let app = App::new(t).await;
        let cookie = app.login("veileder1").await;
        let data = effekt_store::fixture::dataset().unwrap();
        let amina = data.persons.iter().find(|p| p.given_name == "Amina").unwrap().ids.current().to_string();
        // In the address it is refused, on the page and in the API.
        let res = app.get(&format!("/deltakere?sok={amina}"), Some(&cookie)).await;
        assert_eq!(res.status, StatusCode::BAD_REQUEST);
        assert!(res.body.contains("søkeskjemaet"), "{}", res.body);
        assert_eq!(app.get(&format!("/api/participants?sok={amina}"), Some(&cookie)).await.status, StatusCode::BAD_REQUEST);
        // Through the form: kept under a token, and the address names the token.
        let res = app.post_with_csrf("/deltakere", "/deltakere", &cookie, &format!("sok={amina}&status=")).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
        let to = res.headers["location"].to_str().unwrap().to_owned();
        assert!(to.starts_with("/deltakere?s=") && !to.contains(&amina), "{to}");
        let page = app.get(&to, Some(&cookie)).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("Amina") && !page.body.contains("Yusuf"), "{}", page.body);
        assert!(!page.body.contains(&format!("sok={amina}")), "no link carries the id");
        // The token is the searcher's own: another user gets nothing from it.
        let other = app.login("ansatt.a").await;
        assert_eq!(app.get(&to, Some(&other)).await.status, StatusCode::BAD_REQUEST);
        // The API takes the search in a JSON body.
        use axum::body::Body;
        use axum::http::{header, Request};
        let req = Request::post("/api/participants/sok")
            .header(header::COOKIE, cookie.clone())
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(format!("{{\"sok\": \"{amina}\"}}")))
            .unwrap();
        let res = app.request(req).await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.body);
        let json: serde_json::Value = serde_json::from_str(&res.body).unwrap();
        assert_eq!(json["total"], 1);
        // Typed as the pages show it, with a space, it is found the same.
        let grouped = format!("{} {}", &amina[..6], &amina[6..]);
        let res = app.post_with_csrf("/deltakere", "/deltakere", &cookie, &format!("sok={}&status=", urlencode(&grouped))).await;
        let page = app.get(res.headers["location"].to_str().unwrap(), Some(&cookie)).await;
        assert!(page.body.contains("Amina") && !page.body.contains("Yusuf"), "{}", page.body);
        // A form post (what another site could make a browser send) is not a JSON body.
        let res = app.post_form("/api/participants/sok", Some(&cookie), &format!("sok={amina}")).await;
        assert_eq!(res.status, StatusCode::BAD_REQUEST);
    }
}

both_stores! {
    async fn the_internal_endpoints_can_live_on_their_own_address(t: TestStore) {
        use effekt_web::{internal_router, router, AppState, Config};
        use tower::ServiceExt;
        let core = effekt_app::App::new(
            t.store.clone(),
            effekt_domain::pseudonym::PseudonymKey::new(vec![42; 32]).unwrap(),
            effekt_domain::mode::Mode::Test,
        );
        let state = AppState::new(core, Config {
            internal_listen: Some("127.0.0.1:9090".parse().unwrap()),
            ..Config::default()
        });
        let get = |path: &str| axum::http::Request::get(path).body(axum::body::Body::empty()).unwrap();
        for path in ["/internal/health/liveness", "/internal/health/readiness", "/internal/prometheus"] {
            let main = router(state.clone()).oneshot(get(path)).await.unwrap();
            assert_eq!(main.status(), StatusCode::NOT_FOUND, "{path} on the main address");
            let internal = internal_router(state.clone()).oneshot(get(path)).await.unwrap();
            assert_eq!(internal.status(), StatusCode::OK, "{path} on the internal address");
        }
    }
}

both_stores! {
    async fn a_write_from_another_site_is_refused_even_with_a_valid_token(t: TestStore) {
        use axum::body::Body;
        use axum::http::{header, Request};
        let app = App::new(t).await;
        let cookie = app.login("veileder1").await;
        let page = app.get("/deltakere", Some(&cookie)).await.body;
        let token = hidden(&page, "csrf").unwrap();
        let post = |extra: &[(&'static str, &'static str)]| {
            let mut request = Request::post("/deltakere")
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .header(header::COOKIE, cookie.clone())
                .header(header::HOST, "effekt.nav.no");
            for (name, value) in extra {
                request = request.header(*name, *value);
            }
            request.body(Body::from(format!("csrf={token}&sok=Amina"))).unwrap()
        };
        let refused: [&[(&str, &str)]; 4] = [
            &[("sec-fetch-site", "cross-site")],
            // A sibling subdomain is another site to us.
            &[("sec-fetch-site", "same-site"), ("origin", "https://x.nav.no")],
            // The browser's word wins over an Origin that happens to match.
            &[("sec-fetch-site", "cross-site"), ("origin", "https://effekt.nav.no")],
            &[("origin", "https://evil.example")],
        ];
        for extra in refused {
            assert_eq!(app.request(post(extra)).await.status, StatusCode::FORBIDDEN, "{extra:?}");
        }
        // Our own origin, or a browser that says same-origin, goes through. Chromium sends
        // `Origin: null` on our own forms because our Referrer-Policy is no-referrer.
        let accepted: [&[(&str, &str)]; 4] = [
            &[("sec-fetch-site", "same-origin"), ("origin", "null")],
            &[("sec-fetch-site", "same-origin"), ("origin", "https://effekt.nav.no")],
            &[("origin", "https://effekt.nav.no")],
            &[("origin", "null")],
        ];
        for extra in accepted {
            assert_eq!(app.request(post(extra)).await.status, StatusCode::SEE_OTHER, "{extra:?}");
        }
    }
}
