//! Creating and changing accounts (issue 12, item 3), on both stores: the administrator gives
//! any role and organisation, and the new person sets their own password through the link
//! shown once; a provider admin manages its own organisation's staff and nothing else; bad
//! input is named and stores nothing; a changed role ends the account's sessions.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use axum::http::StatusCode;
use common::*;
use effekt_store::both_stores;

/// The link on the page the administrator gets back, shown once.
fn link_in(body: &str) -> String {
    let marker = "<code class=\"password-link\">";
    let start = body.find(marker).unwrap() + marker.len();
    body[start..start + body[start..].find('<').unwrap()].to_owned()
}

async fn create(app: &App, cookie: &str, form: &str) -> Response {
    app.post_with_csrf("/admin/brukere", "/admin/brukere/ny", cookie, form)
        .await
}

async fn account_count(app: &App) -> usize {
    app.t.store.users().await.unwrap().len()
}

/// Sets a password through a link's own form.
async fn set_password(app: &App, link: &str, password: &str) -> Response {
    let form = app.get(link, None).await;
    let cookie = set_cookie(&form, "effekt_login_csrf").unwrap();
    let token = hidden(&form.body, "csrf").unwrap();
    let p = urlencode(password);
    app.post_form(
        link,
        Some(&cookie),
        &format!("csrf={token}&password={p}&repeated={p}"),
    )
    .await
}

both_stores! {
    async fn the_administrator_creates_an_account_whose_owner_sets_the_password(t: TestStore) {
        let app = App::new(t).await;
        let admin = app.login("administrator").await;
        let made = create(&app, &admin, "username=Kari.Veileder&display_name=Kari+Nordmann&role=NAV_CASE_OFFICER&organisation=office%3A2").await;
        assert_eq!(made.status, StatusCode::OK, "{}", made.body);
        assert!(made.body.contains("kari.veileder"), "stored in lower case");
        let link = link_in(&made.body);
        let ops: Vec<String> = app.t.store.operations().await.unwrap().iter().rev().take(2).map(|o| format!("{} {}", o.action, o.subject)).collect();
        assert_eq!(ops, ["user.password-link user:kari.veileder", "user.create user:kari.veileder:NAV_CASE_OFFICER"]);
        // No password works before the link is used.
        assert_eq!(app.try_login("kari.veileder", PASSWORD).await.status, StatusCode::UNAUTHORIZED);
        assert_eq!(app.try_login("kari.veileder", "%21ingen-passord").await.status, StatusCode::UNAUTHORIZED);
        assert_eq!(set_password(&app, &link, "et langt nytt passord").await.status, StatusCode::SEE_OTHER);
        // She is a case officer of Søndre Nordstrand: its participant, not Grünerløkka's.
        assert_eq!(app.try_login("kari.veileder", "et+langt+nytt+passord").await.status, StatusCode::SEE_OTHER);
        let cookie = app.login_with("kari.veileder", "et+langt+nytt+passord").await;
        let list = app.get("/deltakere", Some(&cookie)).await.body;
        assert!(list.contains("Dawit") && !list.contains("Amina"), "{list}");
        let row = app.get("/admin/brukere", Some(&admin)).await.body;
        assert!(row.contains("Kari Nordmann") && row.contains("Søndre Nordstrand"), "the list names the office");
    }
}

both_stores! {
    async fn a_bad_account_is_named_and_nothing_is_stored(t: TestStore) {
        let app = App::new(t).await;
        let admin = app.login("administrator").await;
        let before = account_count(&app).await;
        let ops = app.t.store.operations().await.unwrap().len();
        for (form, field, says) in [
            ("username=a&display_name=X&role=EVALUATOR&organisation=", "username", "Brukernavn"),
            ("username=bad%20name&display_name=X&role=EVALUATOR&organisation=", "username", "Brukernavn"),
            ("username=veileder1&display_name=X&role=EVALUATOR&organisation=", "username", "finnes allerede"),
            ("username=ny.konto&display_name=&role=EVALUATOR&organisation=", "display_name", "Navn"),
            ("username=ny.konto&display_name=X&role=SUPERUSER&organisation=", "role", "Rolle"),
            ("username=ny.konto&display_name=X&role=NAV_CASE_OFFICER&organisation=", "organisation", "Nav-kontor"),
            ("username=ny.konto&display_name=X&role=NAV_CASE_OFFICER&organisation=provider%3A1", "organisation", "Nav-kontor"),
            ("username=ny.konto&display_name=X&role=EVALUATOR&organisation=investor%3A1", "organisation", "ikke til en organisasjon"),
            ("username=ny.konto&display_name=X&role=PROVIDER_STAFF&organisation=provider%3A99", "organisation", "velg fra listen"),
            ("username=ny.konto&display_name=X&role=INVESTOR&organisation=investor%3Aabc", "organisation", "velg fra listen"),
        ] {
            let res = create(&app, &admin, form).await;
            assert_eq!(res.status, StatusCode::BAD_REQUEST, "{form}");
            // Beside the field, and in the summary that links to it.
            let beside = res.body.split(&format!("id=\"{field}-error\">")).nth(1).map(|r| r.split("</p>").next().unwrap().to_owned());
            assert!(beside.as_deref().is_some_and(|m| m.contains(says)), "{form}: {beside:?}");
            assert!(res.body.contains(&format!("<a href=\"#{field}\">")), "{form}: the summary links to the field");
            assert!(!res.body.contains("password-link"), "{form}");
        }
        // Every field at fault at once, each beside its own field.
        let res = create(&app, &admin, "username=a&display_name=&role=SUPERUSER&organisation=x").await;
        for field in ["username", "display_name", "role", "organisation"] {
            assert!(res.body.contains(&format!("id=\"{field}-error\"")), "{field}: {}", res.body);
        }
        // The privacy officer's role sees identities the administrator may not: not given here,
        // and its account gets neither a link nor a change from this page.
        let res = create(&app, &admin, "username=ny.ombud&display_name=X&role=PRIVACY_OFFICER&organisation=").await;
        assert!(res.status == StatusCode::BAD_REQUEST && res.body.contains("Rolle"), "{}", res.body);
        let ombud = app.t.store.user_by_username("personvern").await.unwrap().unwrap().id.0;
        for (path, form) in [(format!("/admin/brukere/{ombud}/passordlenke"), ""), (format!("/admin/brukere/{ombud}"), "display_name=X&role=EVALUATOR&organisation=")] {
            let res = app.post_with_csrf("/admin/brukere", &path, &admin, form).await;
            assert_eq!(res.status, StatusCode::BAD_REQUEST, "{path}");
            assert!(res.body.contains("kommandolinjen"), "{path}: {}", res.body);
        }
        // What was typed stays in the form.
        let res = create(&app, &admin, "username=ny.konto&display_name=Ola+Nordmann&role=NAV_CASE_OFFICER&organisation=").await;
        assert!(res.body.contains("value=\"ny.konto\"") && res.body.contains("value=\"Ola Nordmann\""));
        assert_eq!(account_count(&app).await, before);
        assert_eq!(app.t.store.operations().await.unwrap().len(), ops, "nothing recorded either");
    }
}

both_stores! {
    async fn a_changed_role_ends_the_sessions_and_applies_at_the_next_login(t: TestStore) {
        let app = App::new(t).await;
        let admin = app.login("administrator").await;
        let officer = app.login("veileder1").await;
        let id = app.t.store.user_by_username("veileder1").await.unwrap().unwrap().id.0;
        let form = app.get(&format!("/admin/brukere/{id}"), Some(&admin)).await;
        assert_eq!(form.status, StatusCode::OK);
        assert!(form.body.contains("value=\"office:1\" selected"), "today's office chosen");
        // Only the name: the session stays.
        let res = app.post_with_csrf("/admin/brukere", &format!("/admin/brukere/{id}"), &admin, "display_name=Ingrid+Ny&role=NAV_CASE_OFFICER&organisation=office%3A1").await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
        assert_eq!(app.get("/deltakere", Some(&officer)).await.status, StatusCode::OK);
        // A link made before the move is void after it: it was given under the old rights.
        let made = app.post_with_csrf("/admin/brukere", &format!("/admin/brukere/{id}/passordlenke"), &admin, "").await;
        let link = link_in(&made.body);
        // Moved to the other office: out at once, and in again with the other office's people.
        let res = app.post_with_csrf("/admin/brukere", &format!("/admin/brukere/{id}"), &admin, "display_name=Ingrid+Ny&role=NAV_CASE_OFFICER&organisation=office%3A2").await;
        assert_eq!(res.status, StatusCode::SEE_OTHER);
        assert_eq!(app.get("/deltakere", Some(&officer)).await.status, StatusCode::SEE_OTHER);
        assert_eq!(app.get(&link, None).await.status, StatusCode::GONE, "the old link is void");
        let again = app.login("veileder1").await;
        let list = app.get("/deltakere", Some(&again)).await.body;
        assert!(list.contains("Dawit") && !list.contains("Amina"));
        let op = app.t.store.operations().await.unwrap().pop().unwrap();
        assert_eq!((op.action.as_str(), op.subject.as_str()), ("user.update", "user:veileder1:NAV_CASE_OFFICER"));
        // A wrong organisation is refused on the account's own page, and nothing changes.
        let res = app.post_with_csrf("/admin/brukere", &format!("/admin/brukere/{id}"), &admin, "display_name=Ingrid&role=INVESTOR&organisation=office%3A2").await;
        assert_eq!(res.status, StatusCode::BAD_REQUEST);
        assert!(res.body.contains("investor") && res.body.contains("veileder1"));
        assert_eq!(app.t.store.user_by_username("veileder1").await.unwrap().unwrap().display_name, "Ingrid Ny");
        // Nobody changes their own role.
        let me = app.t.store.user_by_username("administrator").await.unwrap().unwrap().id.0;
        let res = app.post_with_csrf("/admin/brukere", &format!("/admin/brukere/{me}"), &admin, "display_name=Tone&role=EVALUATOR&organisation=").await;
        assert!(res.body.contains("din egen rolle"), "{}", res.body);
    }
}

both_stores! {
    async fn a_provider_admin_manages_its_own_staff_and_nobody_else(t: TestStore) {
        let app = App::new(t).await;
        let admin_a = app.login("admin.a").await;
        let page = app.get("/admin/brukere", Some(&admin_a)).await;
        assert_eq!(page.status, StatusCode::OK);
        for own in ["ansatt.a", "admin.a"] {
            assert!(page.body.contains(&format!(">{own}</a>")), "{own}");
        }
        for other in ["ansatt.b", "admin.b", "veileder1", "administrator", "investor"] {
            assert!(!page.body.contains(&format!(">{other}</a>")), "{other} shown to admin.a");
        }
        // Only provider roles and its own organisation are offered.
        assert!(!page.body.contains("value=\"ADMINISTRATOR\"") && !page.body.contains("value=\"provider:2\""));
        // A new colleague.
        let made = create(&app, &admin_a, "username=ny.ansatt&display_name=Ny+Ansatt&role=PROVIDER_STAFF&organisation=provider%3A1&discipline=VEILEDER").await;
        assert_eq!(made.status, StatusCode::OK, "{}", made.body);
        assert!(made.body.contains("/passord/"));
        // Not another role, not another organisation.
        for form in [
            "username=x.admin&display_name=X&role=ADMINISTRATOR&organisation=",
            "username=x.veileder&display_name=X&role=NAV_CASE_OFFICER&organisation=office%3A1",
            "username=x.ansatt&display_name=X&role=PROVIDER_STAFF&organisation=provider%3A2",
        ] {
            assert_eq!(create(&app, &admin_a, form).await.status, StatusCode::BAD_REQUEST, "{form}");
        }
        assert!(app.t.store.user_by_username("x.ansatt").await.unwrap().is_none());
        // Another organisation's account does not exist for it, whatever is asked.
        let b = app.t.store.user_by_username("ansatt.b").await.unwrap().unwrap().id.0;
        assert_eq!(app.get(&format!("/admin/brukere/{b}"), Some(&admin_a)).await.status, StatusCode::NOT_FOUND);
        let res = app.post_with_csrf("/admin/brukere", &format!("/admin/brukere/{b}"), &admin_a, "display_name=X&role=PROVIDER_STAFF&organisation=provider%3A1").await;
        assert_eq!(res.status, StatusCode::NOT_FOUND);
        assert_eq!(app.post_with_csrf("/admin/brukere", &format!("/admin/brukere/{b}/deaktiver"), &admin_a, "").await.status, StatusCode::NOT_FOUND);
        assert!(app.t.store.user_by_username("ansatt.b").await.unwrap().unwrap().active);
        // Its own staff member: deactivated, and out at once.
        let staff = app.login("ansatt.a").await;
        let a = app.t.store.user_by_username("ansatt.a").await.unwrap().unwrap().id.0;
        assert_eq!(app.post_with_csrf("/admin/brukere", &format!("/admin/brukere/{a}/deaktiver"), &admin_a, "").await.status, StatusCode::SEE_OTHER);
        assert_eq!(app.get("/deltakere", Some(&staff)).await.status, StatusCode::SEE_OTHER);
        let op = app.t.store.operations().await.unwrap().pop().unwrap();
        assert_eq!((op.action.as_str(), op.actor_name.as_str()), ("user.deactivate", "admin.a"));
    }
}

both_stores! {
    async fn a_new_role_does_not_carry_an_assignment_that_unmasks_a_protected_person(t: TestStore) {
        let app = App::new(t).await;
        // ansatt.a is assigned to Leila (protected) and so sees her.
        let staff = app.login("ansatt.a").await;
        let page = format!("/deltakere/{}", effekt_store::fixture::LEILA.0);
        assert!(app.get(&page, Some(&staff)).await.body.contains("Leila Haddad"));
        // Made the organisation's admin: the assignment does not follow into the new role.
        let admin = app.login("administrator").await;
        let id = app.t.store.user_by_username("ansatt.a").await.unwrap().unwrap().id.0;
        let res = app.post_with_csrf("/admin/brukere", &format!("/admin/brukere/{id}"), &admin, "display_name=Test+ansatt.a&role=PROVIDER_ADMIN&organisation=provider%3A1").await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
        let again = app.login("ansatt.a").await;
        let shown = app.get(&page, Some(&again)).await;
        assert_eq!(shown.status, StatusCode::OK);
        assert!(!shown.body.contains("Leila"), "masked once the assignment is gone");
    }
}
