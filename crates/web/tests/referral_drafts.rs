//! Nav's drafts of referrals (issue 13, item 1: amt's KLADD, UTKAST_TIL_PAMELDING,
//! AVBRUTT_UTKAST): the case officer saves a draft, goes through it with the person, sends or
//! drops it. Until it is sent nobody outside the office's case officers learns of it — not the
//! provider, not the contract's figures, not the evaluator's data — and a protected person's
//! draft is seen by its author only. Illegal steps are refused with a reason. On both stores.

#![allow(clippy::disallowed_methods)]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use axum::http::StatusCode;
use common::*;
use effekt_domain::ids::ParticipantId;
use effekt_domain::national_id::NationalId;
use effekt_domain::participant::ParticipantStatus;
use effekt_domain::role::Role;
use effekt_store::both_stores;
use effekt_store::fixture::OFFICE_GRUNERLOKKA;
use effekt_store::model::{NewUser, UserScope};

/// A person of the population register who is in no contract yet.
const NEW_PERSON: &str = "13527248013";

async fn add_person(app: &App, protection: &str) {
    let kind = NationalId::parse(NEW_PERSON).unwrap().kind().code();
    app.t
        .execute_raw(&format!(
            "INSERT INTO persons (key, given_name, family_name, birth_date, country_of_birth, \
             protection, search_text) VALUES (100, 'Halima', 'Abdi', '1972-12-13', 'Somalia', \
             '{protection}', 'halima abdi {NEW_PERSON}')"
        ))
        .await
        .unwrap();
    app.t
        .execute_raw(&format!(
            "INSERT INTO person_ids (person_key, national_id, kind, valid_from) \
             VALUES (100, '{NEW_PERSON}', '{kind}', '1972-12-13')"
        ))
        .await
        .unwrap();
}

/// A second case officer of veileder1's office.
async fn colleague(app: &App) -> String {
    let hash = effekt_app::accounts::hash_password(PASSWORD).await.unwrap();
    app.t
        .store
        .create_user(&NewUser {
            username: "veileder3".into(),
            display_name: "Test veileder3".into(),
            password_hash: hash,
            role: Role::NavCaseOfficer,
            scope: UserScope::NavOffice(OFFICE_GRUNERLOKKA),
            discipline: None,
        })
        .await
        .unwrap();
    app.login("veileder3").await
}

async fn save_draft(app: &App, cookie: &str, target: &str) -> Response {
    let form = format!("fodselsnummer={NEW_PERSON}&tiltak={target}&handling=utkast");
    app.post_with_csrf("/henvisninger/ny", "/henvisninger", cookie, &form)
        .await
}

/// The draft a save's redirect names.
fn draft_id(res: &Response) -> i64 {
    let to = res.headers["location"].to_str().unwrap();
    to.rsplit("#utkast-").next().unwrap().parse().unwrap()
}

/// The step number the page offers for draft `id`.
async fn seq(app: &App, cookie: &str, id: i64) -> String {
    let page = app.get("/henvisninger/ny", Some(cookie)).await.body;
    let at = page
        .find(&format!("action=\"/henvisninger/utkast/{id}\""))
        .unwrap();
    hidden(&page[at..], "steg").unwrap()
}

async fn step(app: &App, cookie: &str, id: i64, action: &str, seq: &str) -> Response {
    app.post_with_csrf(
        "/henvisninger/ny",
        &format!("/henvisninger/utkast/{id}"),
        cookie,
        &format!("handling={action}&steg={seq}"),
    )
    .await
}

/// Everything each role outside the office is shown about participants, as JSON.
async fn outside_views(app: &App) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for user in [
        "ansatt.a",
        "admin.a",
        "ansatt.b",
        "forvalter",
        "investor",
        "evaluator",
        "tilrettelegger",
        "veileder2",
    ] {
        let cookie = app.login(user).await;
        for path in [
            "/api/participants",
            "/api/aggregates",
            "/api/pseudonymised",
            "/api/results",
        ] {
            let res = app.get(path, Some(&cookie)).await;
            out.push((format!("{user} {path} {}", res.status), res.body));
        }
        out.push((
            format!("{user} tasks"),
            format!("{:?}", tasks(app, user).await),
        ));
    }
    out
}

both_stores! {
    async fn a_draft_is_gone_through_and_sent_and_nobody_outside_the_office_sees_it_before(t: TestStore) {
        let app = App::new(t).await;
        add_person(&app, "NONE").await;
        let before = outside_views(&app).await;
        let participants = app.t.scalar_text("SELECT CAST(COUNT(*) AS TEXT) FROM participants").await.unwrap();
        let generation = app.t.store.generation().await.unwrap();

        let nav = app.login("veileder1").await;
        let res = save_draft(&app, &nav, "1:1").await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
        let id = draft_id(&res);
        let page = app.get("/henvisninger/ny?lagret=utkast", Some(&nav)).await.body;
        assert!(page.contains("Utkastet er lagret.") && page.contains("Halima Abdi") && page.contains("Kladd"), "{page}");
        assert!(labels(&tasks(&app, "veileder1").await).contains(&"Send eller avbryt utkastet til henvisning"));
        // A second draft for the same person and contract is refused beside the number.
        let res = save_draft(&app, &nav, "1:1").await;
        assert_eq!(res.status, StatusCode::BAD_REQUEST);
        assert!(res.body.contains("allerede et åpent utkast") && res.body.contains("id=\"fodselsnummer-error\""), "{}", res.body);

        // Nothing outside the office changed: no participant, no figure, no task, no export.
        assert_eq!(outside_views(&app).await, before, "a draft is seen by the office only");
        assert_eq!(app.t.scalar_text("SELECT CAST(COUNT(*) AS TEXT) FROM participants").await.unwrap(), participants);
        assert_eq!(app.t.store.generation().await.unwrap(), generation, "no pricing input moved");
        for user in ["ansatt.a", "admin.a"] {
            let cookie = app.login(user).await;
            let list = app.get("/deltakere?q=halima", Some(&cookie)).await.body;
            assert!(!list.contains("Halima"), "{user}");
            assert_eq!(step(&app, &cookie, id, "send", "0").await.status, StatusCode::FORBIDDEN, "{user}");
        }
        // Another office: the draft is not found, and the try is on the person's log as refused.
        let other = app.login("veileder2").await;
        assert!(!app.get("/henvisninger/ny", Some(&other)).await.body.contains("Halima"));
        assert_eq!(step(&app, &other, id, "avbryt", "0").await.status, StatusCode::NOT_FOUND);
        let records = app.t.store.audit_records().await.unwrap();
        assert!(records.iter().any(|r| r.record.actor_name == "veileder2" && r.record.subject.0 == 100
            && r.record.decision == effekt_store::model::Decision::Deny));
        // The office's reads of the draft are audited under their own purpose.
        assert!(records.iter().any(|r| r.record.actor_name == "veileder1" && r.record.subject.0 == 100
            && r.record.purpose == "referral.draft"), "audited");

        // Gone through with the person, once; then sent: the referral the provider answers.
        let s = seq(&app, &nav, id).await;
        assert_eq!(s, "0");
        assert_eq!(step(&app, &nav, id, "del", &s).await.status, StatusCode::SEE_OTHER);
        let page = app.get("/henvisninger/ny", Some(&nav)).await.body;
        assert!(page.contains("Utkast gått gjennom med personen"), "{page}");
        let res = step(&app, &nav, id, "del", "1").await;
        assert_eq!(res.status, StatusCode::BAD_REQUEST);
        assert!(res.body.contains("allerede gått gjennom") && res.body.contains(&format!("id=\"utkast-{id}-error\"")), "{}", res.body);
        // A step on a version somebody else changed is refused.
        let res = step(&app, &nav, id, "send", "0").await;
        assert_eq!(res.status, StatusCode::BAD_REQUEST);
        assert!(res.body.contains("endret av en annen"));
        let res = step(&app, &nav, id, "send", "1").await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
        let to = res.headers["location"].to_str().unwrap().to_owned();
        let participant: i64 = to.trim_start_matches("/deltakere/").split('?').next().unwrap().parse().unwrap();
        let status = app.t.store.participation(ParticipantId(participant)).await.unwrap().unwrap();
        assert_eq!(status.statuses.current().status, ParticipantStatus::SoktInn);
        assert!(labels(&tasks(&app, "ansatt.a").await).contains(&"Svar på henvisningen"), "now the provider answers");
        assert!(!labels(&tasks(&app, "veileder1").await).contains(&"Send eller avbryt utkastet til henvisning"));
        assert!(!app.get("/henvisninger/ny", Some(&nav)).await.body.contains(&format!("id=\"utkast-{id}\"")), "no longer open");
        // Sent is final.
        let res = step(&app, &nav, id, "avbryt", "2").await;
        assert_eq!(res.status, StatusCode::BAD_REQUEST);
        assert!(res.body.contains("allerede sendt"), "{}", res.body);

        let ops: Vec<String> = app.t.store.operations().await.unwrap().into_iter().map(|o| o.action).collect();
        for action in ["referral.draft", "referral.draft-share", "referral.send"] {
            assert!(ops.iter().any(|o| o == action), "{action} in {ops:?}");
        }
        assert!(app.t.execute_raw("DELETE FROM referral_draft_steps").await.is_err(), "append-only");
        assert!(app.t.execute_raw("UPDATE referral_drafts SET provider_id = 2").await.is_err(), "append-only");
    }
}

both_stores! {
    async fn a_dropped_draft_stays_dropped_and_a_person_referred_meanwhile_is_not_sent_twice(t: TestStore) {
        let app = App::new(t).await;
        add_person(&app, "NONE").await;
        let nav = app.login("veileder1").await;
        let first = draft_id(&save_draft(&app, &nav, "1:1").await);
        assert_eq!(step(&app, &nav, first, "avbryt", "0").await.status, StatusCode::SEE_OTHER);
        let res = step(&app, &nav, first, "send", "1").await;
        assert_eq!(res.status, StatusCode::BAD_REQUEST);
        assert!(!app.get("/henvisninger/ny", Some(&nav)).await.body.contains("Halima"));
        assert!(res.body.contains("avbrutt og kan ikke brukes igjen"), "{}", res.body);
        assert_eq!(app.t.scalar_text("SELECT CAST(COUNT(*) AS TEXT) FROM participants WHERE person_key = 100").await.unwrap(), "0");

        // A new draft; meanwhile a colleague refers the person at once. Sending the draft is
        // refused with the form's one answer, and nothing is written twice.
        let second = draft_id(&save_draft(&app, &nav, "1:1").await);
        let colleague = colleague(&app).await;
        let res = app.post_with_csrf("/henvisninger/ny", "/henvisninger", &colleague, &format!("fodselsnummer={NEW_PERSON}&tiltak=1:1")).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
        let res = step(&app, &nav, second, "send", "0").await;
        assert_eq!(res.status, StatusCode::BAD_REQUEST);
        assert!(res.body.contains("Kan ikke henvises") && res.body.contains(&format!("id=\"utkast-{second}-error\"")), "{}", res.body);
        assert_eq!(app.t.scalar_text("SELECT CAST(COUNT(*) AS TEXT) FROM participants WHERE person_key = 100").await.unwrap(), "1");
        // Bad steps are named.
        let res = step(&app, &nav, second, "slett", "0").await;
        assert_eq!(res.status, StatusCode::BAD_REQUEST);
        assert!(res.body.contains("Velg hva som skal gjøres"));
        assert_eq!(step(&app, &nav, 9999, "send", "0").await.status, StatusCode::NOT_FOUND);
        assert_eq!(app.post_with_csrf("/henvisninger/ny", "/henvisninger/utkast/x", &nav, "handling=send&steg=0").await.status, StatusCode::NOT_FOUND);
        // Only Nav's case officers draft.
        for user in ["ansatt.a", "admin.a", "forvalter", "investor", "evaluator", "administrator", "personvern", "tilrettelegger"] {
            let cookie = app.login(user).await;
            assert_eq!(save_draft(&app, &cookie, "1:1").await.status, StatusCode::FORBIDDEN, "{user}");
            assert_eq!(step(&app, &cookie, second, "avbryt", "0").await.status, StatusCode::FORBIDDEN, "{user}");
        }
    }
}

both_stores! {
    async fn a_protected_persons_draft_is_seen_by_its_author_only(t: TestStore) {
        let app = App::new(t).await;
        add_person(&app, "STRENGT_FORTROLIG").await;
        let nav = app.login("veileder1").await;
        let id = draft_id(&save_draft(&app, &nav, "1:1").await);
        assert!(app.get("/henvisninger/ny", Some(&nav)).await.body.contains("Halima Abdi"), "the author sees whom");
        // A colleague of the same office sees that there is a draft, not whom it concerns,
        // and may not act on it.
        let colleague = colleague(&app).await;
        let page = app.get("/henvisninger/ny", Some(&colleague)).await.body;
        assert!(page.contains(&format!("id=\"utkast-{id}\"")) && !page.contains("Halima") && !page.contains(NEW_PERSON), "{page}");
        assert!(!page.contains(&format!("action=\"/henvisninger/utkast/{id}\"")), "no buttons");
        assert_eq!(step(&app, &colleague, id, "send", "0").await.status, StatusCode::FORBIDDEN);
        let records = app.t.store.audit_records().await.unwrap();
        assert!(!records.iter().any(|r| r.record.actor_name == "veileder3" && r.record.subject.0 == 100
            && r.record.decision == effekt_store::model::Decision::Permit), "nothing shown, nothing permitted");
        // The author sends it; the person arrives masked for the provider, as any referral.
        let res = step(&app, &nav, id, "send", "0").await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    }
}
