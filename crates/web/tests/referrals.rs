//! Referrals (issue 13, item 1): Nav's case officer refers a person by national id to a
//! provider of a contract the office serves; the provider has a task with the agreed
//! deadline, and accepts (then starts the participant), wait-lists or declines with a
//! reason; a protected person arrives masked for the provider; bad input is named beside its
//! field and stores nothing; other offices, providers and roles are refused. On both stores.

#![allow(clippy::disallowed_methods)]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use axum::http::StatusCode;
use common::*;
use effekt_domain::ids::ParticipantId;
use effekt_domain::national_id::NationalId;
use effekt_domain::participant::ParticipantStatus;
use effekt_store::both_stores;

/// A person of the population register who is in no contract yet.
const NEW_PERSON: &str = "13527248013";

async fn add_person(app: &App, key: i64, id: &str, protection: &str) {
    let kind = NationalId::parse(id).unwrap().kind().code();
    app.t
        .execute_raw(&format!(
            "INSERT INTO persons (key, given_name, family_name, birth_date, country_of_birth, \
             protection, search_text) VALUES ({key}, 'Halima', 'Abdi', '1972-12-13', 'Somalia', \
             '{protection}', 'halima abdi {id}')"
        ))
        .await
        .unwrap();
    app.t
        .execute_raw(&format!(
            "INSERT INTO person_ids (person_key, national_id, kind, valid_from) \
             VALUES ({key}, '{id}', '{kind}', '1972-12-13')"
        ))
        .await
        .unwrap();
}

async fn refer(app: &App, cookie: &str, form: &str) -> Response {
    app.post_with_csrf("/henvisninger/ny", "/henvisninger", cookie, form)
        .await
}

/// The participant a referral's redirect names.
fn referred(res: &Response) -> i64 {
    let to = res.headers["location"].to_str().unwrap();
    to.trim_start_matches("/deltakere/")
        .split('?')
        .next()
        .unwrap()
        .parse()
        .unwrap()
}

async fn status(app: &App, id: i64) -> ParticipantStatus {
    let p = app
        .t
        .store
        .participation(ParticipantId(id))
        .await
        .unwrap()
        .unwrap();
    p.statuses.current().status
}

both_stores! {
    async fn nav_refers_and_the_provider_accepts_within_the_deadline(t: TestStore) {
        let app = App::new(t).await;
        add_person(&app, 100, NEW_PERSON, "NONE").await;
        let nav = app.login("veileder1").await;
        let list = app.get("/deltakere", Some(&nav)).await.body;
        assert!(list.contains("href=\"/henvisninger/ny\""), "the case officer may refer");
        let form = app.get("/henvisninger/ny", Some(&nav)).await;
        assert_eq!(form.status, StatusCode::OK);
        assert!(form.body.contains("value=\"1:1\""), "provider A of contract 1: {}", form.body);

        // Typed as the pages show numbers, with a space.
        let typed = format!("{}+{}", &NEW_PERSON[..6], &NEW_PERSON[6..]);
        let res = refer(&app, &nav, &format!("fodselsnummer={typed}&tiltak=1:1")).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
        let id = referred(&res);
        assert_eq!(status(&app, id).await, ParticipantStatus::SoktInn);
        let page = app.get(&format!("/deltakere/{id}"), Some(&nav)).await.body;
        assert!(page.contains("Halima Abdi") && page.contains("Test veileder1 (veileder1)"), "{page}");

        // The provider has a task with the deadline ten days on; the other provider has not.
        let due = (today_oslo() + chrono::Days::new(10)).format("%d.%m.%Y").to_string();
        let waiting = tasks(&app, "ansatt.a").await;
        assert!(waiting.iter().any(|(label, href, d)| label == "Svar på henvisningen" && href == &format!("/deltakere/{id}#henvisning") && d.contains(&due)), "{waiting:?}");
        assert!(!labels(&tasks(&app, "ansatt.b").await).contains(&"Svar på henvisningen"));

        // Declining needs a reason; Nav does not answer.
        let staff = app.login("ansatt.a").await;
        let path = format!("/deltakere/{id}/henvisning");
        let res = app.post_with_csrf("/hjem", &path, &staff, "svar=decline&avslag_arsak=").await;
        assert_eq!(res.status, StatusCode::BAD_REQUEST);
        assert!(res.body.contains("Velg en årsak.") && res.body.contains("id=\"avslag_arsak-error\""), "{}", res.body);
        assert_eq!(app.post_with_csrf("/hjem", &path, &nav, "svar=accept").await.status, StatusCode::FORBIDDEN);
        assert_eq!(status(&app, id).await, ParticipantStatus::SoktInn);

        // Wait-listed, then accepted: the task goes, the start comes.
        assert_eq!(app.post_with_csrf("/hjem", &path, &staff, "svar=wait-list").await.status, StatusCode::SEE_OTHER);
        assert_eq!(status(&app, id).await, ParticipantStatus::Venteliste);
        assert!(labels(&tasks(&app, "ansatt.a").await).contains(&"Svar på henvisningen"), "still waits");
        assert_eq!(app.post_with_csrf("/hjem", &path, &staff, "svar=accept").await.status, StatusCode::SEE_OTHER);
        assert_eq!(status(&app, id).await, ParticipantStatus::VenterPaOppstart);
        assert!(!labels(&tasks(&app, "ansatt.a").await).contains(&"Svar på henvisningen"));
        let res = app.post_with_csrf("/hjem", &path, &staff, "svar=accept").await;
        assert_eq!(res.status, StatusCode::BAD_REQUEST, "answered once");
        let today = today_oslo().format("%d.%m.%Y").to_string();
        let res = app.post_with_csrf("/hjem", &format!("/deltakere/{id}/oppstart"), &staff, &format!("startdato={today}")).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
        assert_eq!(status(&app, id).await, ParticipantStatus::Deltar);

        let ops: Vec<String> = app.t.store.operations().await.unwrap().into_iter().map(|o| o.action).collect();
        for action in ["referral.send", "referral.answer", "participation.start"] {
            assert!(ops.iter().any(|o| o == action), "{action} in {ops:?}");
        }
        assert!(app.t.execute_raw("DELETE FROM referrals").await.is_err(), "append-only");
    }
}

both_stores! {
    async fn a_referral_is_refused_beside_its_field(t: TestStore) {
        let app = App::new(t).await;
        add_person(&app, 100, NEW_PERSON, "NONE").await;
        let nav = app.login("veileder1").await;
        let generation = app.t.store.generation().await.unwrap();
        let amina = app.t.store.participation(ParticipantId(1)).await.unwrap();
        let amina_id = {
            let page = app.get("/deltakere/1", Some(&nav)).await.body;
            let marker = "<dt>Fødselsnummer</dt><dd>";
            let start = page.find(marker).unwrap() + marker.len();
            page[start..].split('<').next().unwrap().replace([' ', '\u{a0}'], "")
        };
        for (form, field, message) in [
            ("fodselsnummer=12345678901&tiltak=1:1".to_owned(), "fodselsnummer", "Fødselsnummer"),
            (format!("fodselsnummer={NEW_PERSON}&tiltak="), "tiltak", "Velg en leverandør og kontrakt fra listen."),
            (format!("fodselsnummer={NEW_PERSON}&tiltak=1:99"), "tiltak", "Velg en leverandør og kontrakt fra listen."),
            ("fodselsnummer=14527248052&tiltak=1:1".to_owned(), "fodselsnummer", NOT_REFERABLE),
            (format!("fodselsnummer={amina_id}&tiltak=1:2"), "fodselsnummer", NOT_REFERABLE),
        ] {
            let res = refer(&app, &nav, &form).await;
            assert_eq!(res.status, StatusCode::BAD_REQUEST, "{form}: {}", res.body);
            assert!(res.body.contains(message), "{form}: {}", res.body);
            assert!(res.body.contains(&format!("id=\"{field}-error\"")), "{form}: beside {field}");
        }
        assert_eq!(app.t.store.generation().await.unwrap(), generation, "nothing stored");
        assert_eq!(app.t.store.participation(ParticipantId(1)).await.unwrap(), amina);
        // Only Nav's case officers refer.
        for user in ["ansatt.a", "admin.a", "forvalter", "investor", "evaluator", "administrator", "personvern", "tilrettelegger"] {
            let cookie = app.login(user).await;
            assert_eq!(app.get("/henvisninger/ny", Some(&cookie)).await.status, StatusCode::FORBIDDEN, "{user}");
            let res = app.post_with_csrf("/hjem", "/henvisninger", &cookie, &format!("fodselsnummer={NEW_PERSON}&tiltak=1:1")).await;
            assert_eq!(res.status, StatusCode::FORBIDDEN, "{user}");
        }
    }
}

/// The one answer for a number nobody holds and for a person already in the contract.
const NOT_REFERABLE: &str = "Kan ikke henvises: nummeret finnes ikke i folkeregisteruttrekket, eller personen er allerede henvist til eller deltar i kontrakten.";

both_stores! {
    async fn the_referral_form_does_not_tell_who_takes_part(t: TestStore) {
        let app = App::new(t).await;
        // Leila is protected and followed by the other office; veileder1 probes with her number.
        let leila = app.t.scalar_text("SELECT national_id FROM person_ids WHERE person_key = 3").await.unwrap();
        let nav = app.login("veileder1").await;
        let probe = refer(&app, &nav, &format!("fodselsnummer={leila}&tiltak=1:1")).await;
        let nobody = refer(&app, &nav, "fodselsnummer=14527248052&tiltak=1:1").await;
        assert_eq!(probe.status, StatusCode::BAD_REQUEST);
        assert_eq!(nobody.status, StatusCode::BAD_REQUEST);
        let error = |body: &str| {
            let start = body.find("id=\"fodselsnummer-error\"").unwrap();
            body[start..].split("</").next().unwrap().to_owned()
        };
        assert_eq!(error(&probe.body), error(&nobody.body), "the same answer");
        assert!(probe.body.contains(NOT_REFERABLE));
        assert!(!probe.body.contains("Leila"));
        // The probe is on Leila's access log as refused, and nothing was permitted or done.
        let records = app.t.store.audit_records().await.unwrap();
        let on_leila: Vec<_> = records.iter().filter(|r| r.record.actor_name == "veileder1" && r.record.subject.0 == 3).collect();
        assert_eq!(on_leila.len(), 1, "{on_leila:?}");
        assert_eq!(on_leila[0].record.decision, effekt_store::model::Decision::Deny);
        let ops = app.t.store.operations().await.unwrap();
        assert!(!ops.iter().any(|o| o.action == "referral.send"), "no operation for a refused referral");
    }
}

both_stores! {
    async fn a_protected_person_arrives_masked_for_the_provider(t: TestStore) {
        let app = App::new(t).await;
        add_person(&app, 100, NEW_PERSON, "STRENGT_FORTROLIG").await;
        let nav = app.login("veileder2").await;
        let res = refer(&app, &nav, &format!("fodselsnummer={NEW_PERSON}&tiltak=1:2")).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
        let id = referred(&res);
        // The referring officer follows the person and sees them.
        let page = app.get(&format!("/deltakere/{id}"), Some(&nav)).await.body;
        assert!(page.contains("Halima Abdi"), "assigned: unmasked");
        // The provider sees the task and a masked page, and answers nothing it cannot see.
        assert!(labels(&tasks(&app, "ansatt.b").await).contains(&"Svar på henvisningen"));
        let staff = app.login("ansatt.b").await;
        let page = app.get(&format!("/deltakere/{id}"), Some(&staff)).await.body;
        assert!(!page.contains("Halima") && !page.contains(NEW_PERSON), "masked");
        assert!(!page.contains("Svar på henvisningen"), "no answer form on a masked page");
        let res = app.post_with_csrf("/hjem", &format!("/deltakere/{id}/henvisning"), &staff, "svar=accept").await;
        assert_eq!(res.status, StatusCode::FORBIDDEN);
        // Another office's case officer sees nothing of it.
        let other = app.login("veileder1").await;
        assert_eq!(app.get(&format!("/deltakere/{id}"), Some(&other)).await.status, StatusCode::NOT_FOUND);
    }
}
