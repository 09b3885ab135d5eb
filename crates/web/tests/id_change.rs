//! Registering a new national id from a participant's page: who may, what is refused, and that
//! a refusal stores nothing.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use axum::http::StatusCode;
use common::*;
use effekt_store::both_stores;
use effekt_store::fixture::{self, *};
use effekt_store::model::{Decision, ParticipantScope};

async fn ids_of(app: &App, id: effekt_domain::ids::ParticipantId) -> Vec<String> {
    let d = app
        .t
        .store
        .participant(
            ParticipantScope::Contract(CONTRACT),
            id,
            effekt_domain::ids::UserId(0),
        )
        .await
        .unwrap()
        .unwrap();
    d.ids
        .records()
        .iter()
        .map(|r| r.national_id.to_string())
        .collect()
}

async fn submit(app: &App, cookie: &str, participant: i64, number: &str, date: &str) -> Response {
    // The session's token, from a page every participant role can open.
    let page = app.get("/deltakere", Some(cookie)).await;
    let csrf = hidden(&page.body, "csrf").unwrap_or_default();
    app.post_form(
        &format!("/deltakere/{participant}/ident"),
        Some(cookie),
        &format!("csrf={csrf}&fodselsnummer={number}&gyldig_fra={date}"),
    )
    .await
}

fn amina_new_id() -> String {
    fixture::synthetic_id(
        chrono::NaiveDate::from_ymd_opt(1984, 3, 12).unwrap(),
        false,
        5,
    )
    .unwrap()
    .to_string()
}

both_stores! {
    async fn a_case_officer_registers_a_new_national_id(t: TestStore) {
        let app = App::new(t).await;
        let officer = app.login("veileder1").await;
        let before = ids_of(&app, AMINA).await;
        let new_id = amina_new_id();
        let res = submit(&app, &officer, AMINA.0, &new_id, "01.11.2026").await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
        assert_eq!(res.headers["location"], format!("/deltakere/{}?lagret=ident", AMINA.0));
        let page = app.get(&format!("/deltakere/{}?lagret=ident", AMINA.0), Some(&officer)).await.body;
        assert!(page.contains("Det nye fødselsnummeret er registrert.") && page.contains(&new_id));
        let after = ids_of(&app, AMINA).await;
        assert_eq!(after.len(), before.len() + 1);
        assert_eq!(after.last(), Some(&new_id));
        let audit = app.t.store.audit_records().await.unwrap();
        assert!(audit.iter().any(|r| r.record.purpose == "participant.id-change" && r.record.decision == Decision::Permit));
    }
}

both_stores! {
    async fn bad_input_gets_messages_next_to_the_fields_and_stores_nothing(t: TestStore) {
        let app = App::new(t).await;
        let officer = app.login("veileder1").await;
        let before = ids_of(&app, AMINA).await;
        let res = submit(&app, &officer, AMINA.0, "1234", "31.02.2026").await;
        assert_eq!(res.status, StatusCode::BAD_REQUEST);
        assert!(res.body.contains("Fødselsnummeret må ha 11 siffer."));
        assert!(res.body.contains("Skriv en gyldig dato som dd.mm.åååå."));
        assert!(res.body.contains("id=\"fodselsnummer-error\"") && res.body.contains("aria-invalid=\"true\""));
        assert!(res.body.contains("value=\"1234\""), "the input is kept");
        let res = submit(&app, &officer, AMINA.0, "13097248023", "01.01.2099").await;
        assert!(res.body.contains("Kontrollsifrene i fødselsnummeret stemmer ikke.") && res.body.contains("Datoen kan ikke være fram i tid."));
        // Yusuf's number belongs to Yusuf.
        let yusuf = ids_of(&app, YUSUF).await[0].clone();
        let res = submit(&app, &officer, AMINA.0, &yusuf, "01.11.2026").await;
        assert_eq!(res.status, StatusCode::BAD_REQUEST);
        assert!(res.body.contains("Fødselsnummeret tilhører en annen person."));
        // A date before the current id's start is refused.
        let res = submit(&app, &officer, AMINA.0, &amina_new_id(), "01.01.1950").await;
        assert!(res.body.contains("Datoen må være etter forrige endring av ident."), "{}", res.body);
        assert_eq!(ids_of(&app, AMINA).await, before, "nothing stored");
    }
}

both_stores! {
    async fn only_case_officers_in_scope_may_change_ids(t: TestStore) {
        let app = App::new(t).await;
        let new_id = amina_new_id();
        // Provider staff see the participant but may not change ids; no form is offered.
        let staff = app.login("ansatt.a").await;
        assert!(!app.get(&format!("/deltakere/{}", AMINA.0), Some(&staff)).await.body.contains("/ident\""));
        assert_eq!(submit(&app, &staff, AMINA.0, &new_id, "01.11.2026").await.status, StatusCode::FORBIDDEN);
        // Another office's case officer: not found.
        let other = app.login("veileder2").await;
        assert_eq!(submit(&app, &other, AMINA.0, &new_id, "01.11.2026").await.status, StatusCode::NOT_FOUND);
        // Roles without participants.
        let investor = app.login("investor").await;
        assert_eq!(app.post_form(&format!("/deltakere/{}/ident", AMINA.0), Some(&investor), "csrf=x").await.status, StatusCode::FORBIDDEN);
        // A shielded person the officer is not assigned to: no form, and a refusal.
        let officer = app.login("veileder1").await;
        assert!(!app.get(&format!("/deltakere/{}", AHMAD.0), Some(&officer)).await.body.contains("/ident\""));
        assert_eq!(submit(&app, &officer, AHMAD.0, &new_id, "01.11.2026").await.status, StatusCode::FORBIDDEN);
        // No CSRF token, no change.
        let res = app.post_form(&format!("/deltakere/{}/ident", AMINA.0), Some(&officer), &format!("fodselsnummer={new_id}&gyldig_fra=01.11.2026")).await;
        assert_eq!(res.status, StatusCode::FORBIDDEN);
        assert_eq!(ids_of(&app, AMINA).await.len(), 1);
    }
}
