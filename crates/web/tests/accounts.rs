//! The administrator's accounts page (issue 12, item 3), on both stores: deactivation ends an
//! account's sessions at once and stops its logins, activation lets it in again, sessions end
//! on request (all, or one from the account's page), a locked account is unlocked; each change is in the operations log
//! (`audit:change`), and nobody but the administrator may make one.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use axum::http::StatusCode;
use common::*;
use effekt_store::both_stores;

async fn id_of(app: &App, username: &str) -> i64 {
    app.t
        .store
        .user_by_username(username)
        .await
        .unwrap()
        .unwrap()
        .id
        .0
}

async fn act(app: &App, admin: &str, username: &str, action: &str) -> Response {
    let id = id_of(app, username).await;
    app.post_with_csrf(
        "/admin/brukere",
        &format!("/admin/brukere/{id}/{action}"),
        admin,
        "",
    )
    .await
}

/// The accounts page's row of `username`.
async fn row(app: &App, admin: &str, username: &str) -> String {
    let page = app.get("/admin/brukere", Some(admin)).await;
    assert_eq!(page.status, StatusCode::OK);
    let start = page.body.find(&format!(">{username}</a></td>")).unwrap();
    let end = page.body[start..].find("</tr>").unwrap();
    page.body[start..start + end].to_owned()
}

async fn last_operation(app: &App) -> (String, String, String) {
    let ops = app.t.store.operations().await.unwrap();
    let op = ops.last().unwrap();
    (op.action.clone(), op.subject.clone(), op.actor_name.clone())
}

both_stores! {
    async fn a_deactivated_account_is_out_at_once_and_back_when_activated(t: TestStore) {
        let app = App::new(t).await;
        let admin = app.login("administrator").await;
        let officer = app.login("veileder1").await;
        assert_eq!(app.get("/deltakere", Some(&officer)).await.status, StatusCode::OK);
        let before = row(&app, &admin, "veileder1").await;
        assert!(before.contains("Aktiv") && before.contains("<td class=\"num\">1</td>"), "one open session: {before}");

        let res = act(&app, &admin, "veileder1", "deaktiver").await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
        assert_eq!(res.headers["location"], "/admin/brukere");
        // The open session is gone, and the right password no longer lets them in.
        assert_eq!(app.get("/deltakere", Some(&officer)).await.status, StatusCode::SEE_OTHER);
        assert_eq!(app.try_login("veileder1", PASSWORD).await.status, StatusCode::UNAUTHORIZED);
        let after = row(&app, &admin, "veileder1").await;
        assert!(after.contains("Deaktivert") && after.contains("/aktiver\""), "{after}");
        assert_eq!(
            last_operation(&app).await,
            ("user.deactivate".to_owned(), "user:veileder1".to_owned(), "administrator".to_owned())
        );

        assert_eq!(act(&app, &admin, "veileder1", "aktiver").await.status, StatusCode::SEE_OTHER);
        app.login("veileder1").await;
        assert_eq!(last_operation(&app).await.0, "user.activate");

        // Not one's own account; not an account that does not exist; not a made-up action.
        let refused = act(&app, &admin, "administrator", "deaktiver").await;
        assert_eq!(refused.status, StatusCode::BAD_REQUEST);
        assert!(refused.body.contains("Du kan ikke deaktivere din egen konto."), "{}", refused.body);
        assert_eq!(app.get("/admin/brukere", Some(&admin)).await.status, StatusCode::OK, "still in");
        let missing = app.post_with_csrf("/admin/brukere", "/admin/brukere/99999/deaktiver", &admin, "").await;
        assert_eq!(missing.status, StatusCode::NOT_FOUND);
        let id = id_of(&app, "veileder1").await;
        let odd = app.post_with_csrf("/admin/brukere", &format!("/admin/brukere/{id}/slett"), &admin, "").await;
        assert_eq!(odd.status, StatusCode::NOT_FOUND);
        // Without the session's CSRF token nothing happens.
        let forged = app.post_form(&format!("/admin/brukere/{id}/deaktiver"), Some(&admin), "csrf=feil").await;
        assert!(forged.status.is_client_error(), "{}", forged.status);
        assert!(row(&app, &admin, "veileder1").await.contains("Aktiv"));
    }
}

both_stores! {
    async fn sessions_end_on_request_and_a_locked_account_is_unlocked(t: TestStore) {
        let app = App::new(t).await;
        let admin = app.login("administrator").await;
        let officer = app.login("veileder2").await;
        assert_eq!(act(&app, &admin, "veileder2", "avslutt-okter").await.status, StatusCode::SEE_OTHER);
        assert_eq!(app.get("/deltakere", Some(&officer)).await.status, StatusCode::SEE_OTHER, "logged out");
        assert_eq!(last_operation(&app).await.0, "user.sessions-end");
        // Still active: logs in again.
        app.login("veileder2").await;

        for _ in 0..5 {
            assert_eq!(app.try_login("veileder2", "feil").await.status, StatusCode::UNAUTHORIZED);
        }
        assert_eq!(app.try_login("veileder2", PASSWORD).await.status, StatusCode::TOO_MANY_REQUESTS);
        let locked = row(&app, &admin, "veileder2").await;
        assert!(locked.contains("Låst") && locked.contains("/las-opp\""), "{locked}");
        assert_eq!(act(&app, &admin, "veileder2", "las-opp").await.status, StatusCode::SEE_OTHER);
        assert_eq!(last_operation(&app).await, ("user.unlock".to_owned(), "user:veileder2".to_owned(), "administrator".to_owned()));
        app.login("veileder2").await;
        assert!(!row(&app, &admin, "veileder2").await.contains("Låst"));
    }
}

/// The references of the sessions the account's page lists, in its order.
fn session_references(page: &str) -> Vec<String> {
    page.split("name=\"okt\" value=\"")
        .skip(1)
        .map(|rest| rest.split('"').next().unwrap().to_owned())
        .collect()
}

both_stores! {
    async fn one_session_is_listed_and_ended_and_the_others_stay(t: TestStore) {
        let app = App::new(t).await;
        let admin = app.login("administrator").await;
        let id = id_of(&app, "veileder2").await;
        let first = app.login("veileder2").await;
        let second = app.login("veileder2").await;
        let page = app.get(&format!("/admin/brukere/{id}"), Some(&admin)).await;
        assert_eq!(page.status, StatusCode::OK);
        let refs = session_references(&page.body);
        assert_eq!(refs.len(), 2, "both sessions listed: {}", page.body);
        assert!(refs.iter().all(|r| r.len() == 16), "a reference, not the token hash: {refs:?}");
        assert!(page.body.contains("Logget inn") && page.body.contains("Utløper"));
        // Which reference is which session is not shown; end one and see which stops.
        let end = |r: &str| format!("okt={r}");
        let res = app.post_with_csrf(&format!("/admin/brukere/{id}"), &format!("/admin/brukere/{id}/avslutt-okt"), &admin, &end(&refs[0])).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER);
        assert_eq!(res.headers["location"], format!("/admin/brukere/{id}"));
        assert_eq!(last_operation(&app).await, ("user.session-end".to_owned(), "user:veileder2".to_owned(), "administrator".to_owned()));
        let mut working = 0;
        for cookie in [&first, &second] {
            if app.get("/hjem", Some(cookie)).await.status == StatusCode::OK {
                working += 1;
            }
        }
        assert_eq!(working, 1, "exactly one of the two sessions still works");
        let left = session_references(&app.get(&format!("/admin/brukere/{id}"), Some(&admin)).await.body);
        assert_eq!(left, [refs[1].clone()]);
        // The same reference again, or one that names nothing: refused, nothing recorded.
        let ops = app.t.store.operations().await.unwrap().len();
        let again = app.post_with_csrf(&format!("/admin/brukere/{id}"), &format!("/admin/brukere/{id}/avslutt-okt"), &admin, &end(&refs[0])).await;
        assert!(again.status == StatusCode::BAD_REQUEST && again.body.contains("allerede avsluttet"), "{}", again.status);
        for bad in ["", "xyz", "0123456789ABCDEF", &refs[1][..8]] {
            let res = app.post_with_csrf(&format!("/admin/brukere/{id}"), &format!("/admin/brukere/{id}/avslutt-okt"), &admin, &end(bad)).await;
            assert_eq!(res.status, StatusCode::NOT_FOUND, "{bad:?}");
        }
        assert_eq!(app.t.store.operations().await.unwrap().len(), ops);
        // Another account's session cannot be ended through this account's page.
        let other = id_of(&app, "veileder1").await;
        let res = app.post_with_csrf(&format!("/admin/brukere/{id}"), &format!("/admin/brukere/{other}/avslutt-okt"), &admin, &end(&refs[1])).await;
        assert!(res.status.is_client_error(), "{}", res.status);
        assert_eq!(session_references(&app.get(&format!("/admin/brukere/{id}"), Some(&admin)).await.body).len(), 1);
        // The administrator's own page marks the session it is looking from.
        let me = id_of(&app, "administrator").await;
        assert!(app.get(&format!("/admin/brukere/{me}"), Some(&admin)).await.body.contains("(denne økten)"));
    }
}

both_stores! {
    async fn nobody_but_the_administrator_changes_another_organisations_account(t: TestStore) {
        let app = App::new(t).await;
        let target = id_of(&app, "veileder1").await;
        for (user, _) in USERS {
            if *user == "administrator" {
                continue;
            }
            let cookie = app.login(user).await;
            // A provider admin has the page, for its own staff; veileder1 is not among them.
            let (page, refused) = match *user {
                "admin.a" | "admin.b" => (StatusCode::OK, StatusCode::NOT_FOUND),
                _ => (StatusCode::FORBIDDEN, StatusCode::FORBIDDEN),
            };
            assert_eq!(app.get("/admin/brukere", Some(&cookie)).await.status, page, "{user}");
            // Their own page's token, so the refusal is the role's, not the CSRF check's.
            let html = app.get("/hjem", Some(&cookie)).await.body;
            let token = html.split("name=\"csrf\" value=\"").nth(1).unwrap().split('"').next().unwrap().to_owned();
            for action in ["deaktiver", "aktiver", "avslutt-okter", "avslutt-okt", "las-opp", "passordlenke"] {
                let res = app.post_form(&format!("/admin/brukere/{target}/{action}"), Some(&cookie), &format!("csrf={token}&okt=0123456789abcdef")).await;
                assert_eq!(res.status, refused, "{user} {action}");
            }
        }
        let logged_out = app.post_form(&format!("/admin/brukere/{target}/deaktiver"), None, "csrf=x").await;
        match logged_out.status {
            StatusCode::SEE_OTHER => assert_eq!(logged_out.headers["location"], "/logg-inn"),
            s => assert!(s.is_client_error(), "{s}"),
        }
        let user = app.t.store.user_by_username("veileder1").await.unwrap().unwrap();
        assert!(user.active, "nothing changed");
        assert!(app.t.store.operations().await.unwrap().iter().all(|o| !o.action.starts_with("user.") || o.action == "user.create"));
    }
}

/// The link on the page the administrator gets back, shown once.
fn link_in(body: &str) -> String {
    let start = body.find("<code class=\"password-link\">").unwrap()
        + "<code class=\"password-link\">".len();
    body[start..start + body[start..].find('<').unwrap()].to_owned()
}

/// Posts a new password through the link's own form (its cookie-bound token).
async fn set_password(app: &App, link: &str, password: &str, repeated: &str) -> Response {
    let form = app.get(link, None).await;
    // A spent link shows no form: the login form's token is the same kind.
    let form = if hidden(&form.body, "csrf").is_some() {
        form
    } else {
        app.get("/logg-inn", None).await
    };
    let cookie = set_cookie(&form, "effekt_login_csrf").unwrap();
    let token = hidden(&form.body, "csrf").unwrap();
    app.post_form(
        link,
        Some(&cookie),
        &format!(
            "csrf={token}&password={}&repeated={}",
            urlencode(password),
            urlencode(repeated)
        ),
    )
    .await
}

both_stores! {
    async fn a_password_link_is_shown_once_works_once_and_ends_the_old_sessions(t: TestStore) {
        let clock = std::sync::Arc::new(effekt_app::FixedClock::new("2026-11-02T08:00:00Z".parse().unwrap()));
        let app = App::with_clock(t, Some(clock.clone())).await;
        let admin = app.login("administrator").await;
        let officer = app.login("veileder1").await;
        let made = act(&app, &admin, "veileder1", "passordlenke").await;
        assert_eq!(made.status, StatusCode::OK, "shown on the answer, not after a redirect");
        let link = link_in(&made.body);
        assert!(link.starts_with("/passord/") && link.len() == "/passord/".len() + 43, "{link}");
        assert_eq!(last_operation(&app).await, ("user.password-link".to_owned(), "user:veileder1".to_owned(), "administrator".to_owned()));
        // Never again: not on the page, not in the store (only its hash).
        assert!(!app.get("/admin/brukere", Some(&admin)).await.body.contains(&link));

        // Whoever holds it sees whose password it sets, without logging in.
        let form = app.get(&link, None).await;
        assert_eq!(form.status, StatusCode::OK);
        assert!(form.body.contains("Test veileder1"), "{}", form.body);
        // Too short, or not the same twice: refused, and the link still works.
        let short = set_password(&app, &link, "kort", "kort").await;
        assert_eq!(short.status, StatusCode::BAD_REQUEST);
        assert!(short.body.contains("minst 12 tegn"), "{}", short.body);
        let differ = set_password(&app, &link, "et langt nytt passord", "et annet langt passord").await;
        assert!(differ.body.contains("ikke like"), "{}", differ.body);
        // Set: back to the login; the old session is over, the new password works, the old not.
        let done = set_password(&app, &link, "et langt nytt passord", "et langt nytt passord").await;
        assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
        assert_eq!(done.headers["location"], "/logg-inn");
        assert_eq!(app.get("/deltakere", Some(&officer)).await.status, StatusCode::SEE_OTHER);
        assert_eq!(app.try_login("veileder1", PASSWORD).await.status, StatusCode::UNAUTHORIZED);
        assert_eq!(app.try_login("veileder1", "et+langt+nytt+passord").await.status, StatusCode::SEE_OTHER);
        assert_eq!(last_operation(&app).await, ("user.password-set".to_owned(), "user:veileder1".to_owned(), "veileder1".to_owned()));
        // Once only.
        assert_eq!(app.get(&link, None).await.status, StatusCode::GONE);
        let again = set_password(&app, &link, "enda et langt passord", "enda et langt passord").await;
        assert_eq!(again.status, StatusCode::GONE);
        assert_eq!(app.try_login("veileder1", "enda+et+langt+passord").await.status, StatusCode::UNAUTHORIZED);

        // 24 hours, then it is gone; a made-up or malformed link is no link.
        let later = link_in(&act(&app, &admin, "veileder2", "passordlenke").await.body);
        clock.set("2026-11-03T08:00:01Z".parse().unwrap());
        assert_eq!(app.get(&later, None).await.status, StatusCode::GONE);
        assert_eq!(app.get(&format!("/passord/{}", "A".repeat(43)), None).await.status, StatusCode::GONE);
        assert_eq!(app.get("/passord/%27%3Bdrop", None).await.status, StatusCode::GONE);
        // Not for a deactivated account, and a link made before deactivation stops working.
        let admin = app.login("administrator").await; // a day later: a new session
        let before = link_in(&act(&app, &admin, "veileder2", "passordlenke").await.body);
        assert_eq!(act(&app, &admin, "veileder2", "deaktiver").await.status, StatusCode::SEE_OTHER);
        assert_eq!(app.get(&before, None).await.status, StatusCode::GONE);
        let refused = act(&app, &admin, "veileder2", "passordlenke").await;
        assert_eq!(refused.status, StatusCode::BAD_REQUEST);
        assert!(refused.body.contains("Aktiver den"), "{}", refused.body);
        // Active again, the link made before stays void.
        assert_eq!(act(&app, &admin, "veileder2", "aktiver").await.status, StatusCode::SEE_OTHER);
        assert_eq!(app.get(&before, None).await.status, StatusCode::GONE);
    }
}
