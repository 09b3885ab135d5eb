//! The audit viewer (issue 12, item 3), on both stores: the privacy officer finds who has read
//! about a person by their national id; the administrator sees the same log under pseudonyms
//! and may not search by person; looking is itself audited; filters are checked.

#![allow(clippy::disallowed_methods)]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use axum::http::StatusCode;
use common::*;
use effekt_store::both_stores;
use effekt_store::fixture::{self, AMINA};

fn amina_id() -> String {
    let data = fixture::dataset().unwrap();
    let p = data
        .persons
        .iter()
        .find(|p| p.given_name == "Amina")
        .unwrap();
    p.ids.current().to_string()
}

async fn search(app: &App, cookie: &str, form: &str) -> Response {
    app.post_with_csrf("/admin/logg", "/admin/logg", cookie, form)
        .await
}

both_stores! {
    async fn the_privacy_officer_finds_who_read_about_a_person(t: TestStore) {
        let app = App::new(t).await;
        let officer = app.login("veileder1").await;
        assert_eq!(app.get(&format!("/deltakere/{}", AMINA.0), Some(&officer)).await.status, StatusCode::OK);
        let ombud = app.login("personvern").await;
        // Typed as pages show it.
        let id = amina_id();
        let found = search(&app, &ombud, &format!("person={}+{}", &id[..6], &id[6..])).await;
        assert_eq!(found.status, StatusCode::OK, "{}", found.body);
        assert!(found.body.contains("<td>veileder1</td>") && found.body.contains("Innsyn i deltaker"), "{}", found.body);
        assert!(found.body.contains(&grouped(&id)), "the person by national id");
        // Only reads of her: nobody else's id is on the page.
        let other = fixture::dataset().unwrap().persons.iter().find(|p| p.given_name == "Dawit").unwrap().ids.current().to_string();
        assert!(!found.body.contains(&grouped(&other)));
        // The look-up is on her record too.
        let last = app.t.store.audit_records().await.unwrap().pop().unwrap();
        assert_eq!((last.record.actor_name.as_str(), last.record.purpose.as_str()), ("personvern", "audit.review"));
        // An id nobody holds: no entries, and no other answer.
        let none = search(&app, &ombud, "person=13527248013").await;
        assert!(none.body.contains("Ingen oppføringer"), "{}", none.body);
        // Bad filters are named.
        for (form, says) in [("person=123", "fødselsnummer"), ("from=31.02.2026", "Fra"), ("from=02.12.2026&to=01.12.2026", "Til"), ("actor=NO%20ONE", "Bruker")] {
            let res = search(&app, &ombud, form).await;
            assert_eq!(res.status, StatusCode::BAD_REQUEST, "{form}");
            assert!(res.body.contains(says), "{form}: {}", res.body);
        }
    }
}

both_stores! {
    async fn the_administrator_sees_pseudonyms_and_cannot_search_by_person(t: TestStore) {
        let app = App::new(t).await;
        let officer = app.login("veileder1").await;
        app.get("/deltakere", Some(&officer)).await;
        let admin = app.login("administrator").await;
        let page = app.get("/admin/logg", Some(&admin)).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("<td>veileder1</td>") && page.body.contains("class=\"pseudonym\""));
        for p in fixture::dataset().unwrap().persons {
            for r in p.ids.records() {
                let id = r.national_id.to_string();
                assert!(!page.body.contains(&id) && !page.body.contains(&grouped(&id)), "admin saw a national id");
            }
            assert!(!page.body.contains(&p.family_name), "admin saw a name");
        }
        assert!(!page.body.contains("name=\"person\""), "no person search for the administrator");
        let res = search(&app, &admin, &format!("person={}", amina_id())).await;
        assert_eq!(res.status, StatusCode::FORBIDDEN);
        // Filtered by who read, and by day.
        let by = search(&app, &admin, "actor=veileder2").await;
        assert!(by.body.contains("Ingen oppføringer"));
        let today = search(&app, &admin, "actor=veileder1&from=01.01.2020").await;
        assert!(today.body.contains("<td>veileder1</td>"));
    }
}

both_stores! {
    async fn reads_are_found_by_purpose_and_the_privacy_officer_downloads_the_cef(t: TestStore) {
        let app = App::new(t).await;
        let officer = app.login("veileder1").await;
        app.get("/deltakere", Some(&officer)).await;
        app.get(&format!("/deltakere/{}", AMINA.0), Some(&officer)).await;
        let ombud = app.login("personvern").await;
        let views = search(&app, &ombud, "purpose=participant.view").await;
        assert!(views.body.contains("Innsyn i deltaker") && !views.body.contains("<td>Deltakerliste</td>"), "{}", views.body);
        let bad = search(&app, &ombud, "purpose=everything").await;
        assert_eq!(bad.status, StatusCode::BAD_REQUEST);
        assert!(bad.body.contains("Formål"));
        let cef = app.get("/admin/logg/cef", Some(&ombud)).await;
        assert_eq!(cef.status, StatusCode::OK);
        assert!(cef.headers["content-disposition"].to_str().unwrap().contains("revisjonslogg.cef"));
        assert!(cef.body.lines().all(|l| l.starts_with("CEF:0|")), "{}", cef.body);
        assert!(cef.body.contains(&amina_id()), "the CEF names persons by national id");
        let op = app.t.store.operations().await.unwrap().pop().unwrap();
        assert_eq!((op.action.as_str(), op.actor_name.as_str()), ("audit.export", "personvern"));
        let admin = app.login("administrator").await;
        assert_eq!(app.get("/admin/logg/cef", Some(&admin)).await.status, StatusCode::FORBIDDEN);
    }
}

both_stores! {
    async fn the_configuration_page_says_what_production_still_needs(t: TestStore) {
        let app = App::new(t).await;
        let admin = app.login("administrator").await;
        let page = app.get("/admin/oppsett", Some(&admin)).await;
        assert_eq!(page.status, StatusCode::OK);
        let body = &page.body;
        assert!(body.contains(&format!("migrering {}", effekt_store::schema_version())));
        assert!(body.contains(env!("CARGO_PKG_VERSION")));
        assert!(body.contains("EFFEKT_MODE=production"), "test mode is not production");
        assert!(body.contains("EFFEKT_CLIENT_ADDRESS_HEADER"));
        let sqlite = body.contains("Databasen er SQLite");
        assert_eq!(sqlite, app.t.store.backend() == effekt_store::Backend::Sqlite, "only SQLite is named a gap");
        assert!(body.contains("satt (vises aldri)") && !body.contains("EFFEKT_PSEUDONYM_KEY=") , "the key is never shown");
    }
}

both_stores! {
    async fn an_operation_that_may_name_a_person_shows_its_subject_to_the_privacy_officer_only(t: TestStore) {
        let app = App::new(t).await;
        let id = amina_id();
        for (action, subject) in [("person.id-change", format!("person:1:{id}->01010112345")), ("some.future-action", "hemmelig-emne".to_owned())] {
            app.t.store.append_operation(&effekt_store::model::OperationRecord {
                at: chrono::Utc::now(),
                actor: None,
                actor_name: "veileder1".into(),
                action: action.into(),
                subject,
                channel: effekt_store::model::Channel::Web,
            }).await.unwrap();
        }
        let admin = app.login("administrator").await;
        let made = app.post_with_csrf("/admin/brukere", "/admin/brukere/ny", &admin, "username=ny.konto&display_name=Ny&role=EVALUATOR&organisation=").await;
        assert_eq!(made.status, StatusCode::OK);
        let page = app.get("/admin/logg", Some(&admin)).await.body;
        assert!(page.contains("Ident endret") && page.contains("some.future-action"), "the operations are listed");
        assert!(!page.contains(&id) && !page.contains("hemmelig-emne"), "but not their subjects");
        assert!(page.contains(">user:ny.konto:EVALUATOR<"), "an account's subject is shown");
        let ombud = app.login("personvern").await;
        let page = app.get("/admin/logg", Some(&ombud)).await.body;
        assert!(page.contains(&id) && page.contains("hemmelig-emne"));
    }
}
