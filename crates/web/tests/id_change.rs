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
    async fn a_case_officer_registers_a_new_national_id_and_a_second_confirms_it(t: TestStore) {
        let app = App::new(t).await;
        let officer = app.login("veileder1").await;
        let second = second_officer(&app).await;
        let before = ids_of(&app, AMINA).await;
        let new_id = amina_new_id();
        let res = submit(&app, &officer, AMINA.0, &new_id, "01.11.2026").await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
        assert_eq!(res.headers["location"], format!("/deltakere/{}?lagret=venter", AMINA.0));
        assert_eq!(ids_of(&app, AMINA).await, before, "nothing changes before it is confirmed");
        let request = waiting_on_page(&app, &second).await.unwrap();
        let res = decide(&app, &second, request, "bekreft").await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
        let page = app.get(&format!("/deltakere/{}?lagret=bekreftet", AMINA.0), Some(&officer)).await.body;
        assert!(page.contains("bekreftet og gjelder nå") && page.contains(&grouped(&new_id)), "{page}");
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

/// A second Nav case officer at Amina's office.
async fn second_officer(app: &App) -> String {
    let hash = effekt_app::accounts::hash_password(PASSWORD).await.unwrap();
    app.t
        .store
        .create_user(&effekt_store::model::NewUser {
            username: "veileder1b".into(),
            display_name: "Test veileder1b".into(),
            password_hash: hash,
            role: effekt_domain::role::Role::NavCaseOfficer,
            scope: effekt_store::model::UserScope::NavOffice(OFFICE_GRUNERLOKKA),
            discipline: None,
        })
        .await
        .unwrap();
    app.login("veileder1b").await
}

/// The one waiting change on Amina's page, as the officer sees it: its id.
async fn waiting_on_page(app: &App, cookie: &str) -> Option<i64> {
    let page = app
        .get(&format!("/deltakere/{}", AMINA.0), Some(cookie))
        .await
        .body;
    let marker = format!("/deltakere/{}/ident/", AMINA.0);
    let start = page.find(&marker)? + marker.len();
    let end = page[start..].find('"')? + start;
    page[start..end].parse().ok()
}

async fn decide(app: &App, cookie: &str, request: i64, decision: &str) -> Response {
    app.post_with_csrf(
        &format!("/deltakere/{}", AMINA.0),
        &format!("/deltakere/{}/ident/{request}", AMINA.0),
        cookie,
        &format!("beslutning={decision}"),
    )
    .await
}

both_stores! {
    async fn a_number_held_by_anyone_gets_the_same_answer_and_waits_for_a_second_officer(t: TestStore) {
        let app = App::new(t).await;
        let officer = app.login("veileder1").await;
        let second = second_officer(&app).await;
        let before = ids_of(&app, AMINA).await;
        // Yusuf's number (in the officer's own office), Leila's (kode 6, another office), and a
        // free number that encodes another birth date: one answer for all three.
        let yusuf = ids_of(&app, YUSUF).await[0].clone();
        let leila = ids_of(&app, LEILA).await[0].clone();
        let stranger = fixture::synthetic_id(chrono::NaiveDate::from_ymd_opt(1990, 5, 5).unwrap(), false, 7).unwrap().to_string();
        let mut answers = Vec::new();
        let free = amina_new_id();
        for number in [&yusuf, &leila, &stranger, &free] {
            let res = submit(&app, &officer, AMINA.0, number, "01.11.2026").await;
            answers.push((res.status, res.headers.get("location").cloned()));
            let page = app.get(&format!("/deltakere/{}?lagret=venter", AMINA.0), Some(&officer)).await.body;
            assert!(page.contains("må bekreftes av en annen Nav-veileder"), "{page}");
            assert!(!page.contains("Leila") && !page.contains("tilhører en annen"), "{page}");
            // The officer who registered it cannot confirm it; the second officer rejects it.
            let request = waiting_on_page(&app, &second).await.unwrap();
            let own = decide(&app, &officer, request, "bekreft").await;
            assert_eq!(own.status, StatusCode::BAD_REQUEST);
            assert!(own.body.contains("en annen Nav-veileder må bekrefte"), "{}", own.body);
            assert_eq!(decide(&app, &second, request, "avvis").await.status, StatusCode::SEE_OTHER);
        }
        assert!(answers.windows(2).all(|w| w[0] == w[1]), "{answers:?}");
        assert_eq!(answers[0].0, StatusCode::SEE_OTHER);
        assert_eq!(ids_of(&app, AMINA).await, before, "nothing changed");
        // Every attempt is audited against Amina, and against the holder of the number.
        let audit = app.t.store.audit_records().await.unwrap();
        let data = fixture::dataset().unwrap();
        let key_of = |given: &str| data.persons.iter().find(|p| p.given_name == given).unwrap().key;
        let on = |who, decision| audit.iter().filter(|r| r.record.purpose == "participant.id-change" && r.record.subject == who && r.record.decision == decision).count();
        assert!(on(key_of("Amina"), Decision::Permit) >= 3);
        assert_eq!(on(key_of("Yusuf"), Decision::Deny), 1);
        assert_eq!(on(key_of("Leila"), Decision::Deny), 1);
    }
}

both_stores! {
    async fn a_confirmed_change_applies_and_is_an_audit_change_and_a_held_number_never_does(t: TestStore) {
        let app = App::new(t).await;
        let officer = app.login("veileder1").await;
        let second = second_officer(&app).await;
        // A free number that does not fit Amina's birth date: the second officer confirms it.
        let other_birth = fixture::synthetic_id(chrono::NaiveDate::from_ymd_opt(1984, 3, 13).unwrap(), false, 3).unwrap().to_string();
        assert_eq!(submit(&app, &officer, AMINA.0, &other_birth, "01.11.2026").await.status, StatusCode::SEE_OTHER);
        // A second one while it waits is refused next to the field.
        let res = submit(&app, &officer, AMINA.0, &amina_new_id(), "01.11.2026").await;
        assert!(res.body.contains("venter allerede på bekreftelse"), "{}", res.body);
        let request = waiting_on_page(&app, &second).await.unwrap();
        let res = decide(&app, &second, request, "bekreft").await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
        assert_eq!(ids_of(&app, AMINA).await.last(), Some(&other_birth));
        let ops = app.t.store.operations().await.unwrap();
        let change = ops.iter().find(|o| o.action == "person.id-change").unwrap();
        assert!(change.subject.ends_with(&format!("->{other_birth}")), "{}", change.subject);
        assert_eq!(change.actor_name, "veileder1b");
        // Decided once: deciding again is refused.
        assert_eq!(decide(&app, &second, request, "avvis").await.status, StatusCode::BAD_REQUEST);
        // Yusuf's number, confirmed by the second officer: refused, nothing stored.
        let yusuf = ids_of(&app, YUSUF).await[0].clone();
        submit(&app, &officer, AMINA.0, &yusuf, "02.11.2026").await;
        let request = waiting_on_page(&app, &second).await.unwrap();
        let res = decide(&app, &second, request, "bekreft").await;
        assert_eq!(res.status, StatusCode::BAD_REQUEST);
        assert!(res.body.contains("avklart med Folkeregisteret"), "{}", res.body);
        assert!(!ids_of(&app, AMINA).await.contains(&yusuf));
        assert!(waiting_on_page(&app, &second).await.is_some(), "still waiting: nothing was recorded");
        // Provider staff see no waiting changes and cannot decide.
        let staff = app.login("ansatt.a").await;
        assert!(waiting_on_page(&app, &staff).await.is_none());
        let res = app.post_form(&format!("/deltakere/{}/ident/{request}", AMINA.0), Some(&staff), "csrf=x&beslutning=bekreft").await;
        assert_eq!(res.status, StatusCode::FORBIDDEN);
    }
}
