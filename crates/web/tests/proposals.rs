//! Proposals to Nav (issue 13, items 2 and 5): provider staff propose, Nav's case officer of
//! the participant's office approves (the participation changes in the same step) or
//! rejects with a reason, the provider withdraws, a newer proposal of the same kind replaces
//! a waiting one, and Nav's answers are unread changes on the provider's home until marked
//! read; the provider starts a participant who waits; refusals are named beside their field
//! and store nothing; other offices, providers and roles are refused. On both stores.

#![allow(clippy::disallowed_methods)]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use axum::http::StatusCode;
use common::*;
use effekt_domain::ids::ParticipantId;
use effekt_domain::participant::ParticipantStatus;
use effekt_store::both_stores;

async fn propose(app: &App, cookie: &str, form: &str) -> Response {
    app.post_with_csrf("/hjem", "/deltakere/1/forslag", cookie, form)
        .await
}

async fn answer(app: &App, cookie: &str, proposal: &str, form: &str) -> Response {
    app.post_with_csrf(
        "/hjem",
        &format!("/deltakere/1/forslag/{proposal}"),
        cookie,
        form,
    )
    .await
}

/// The proposal ids on Amina's page, newest first.
async fn proposal_ids(app: &App, cookie: &str) -> Vec<String> {
    let page = app.get("/deltakere/1", Some(cookie)).await.body;
    page.split("<tr id=\"forslag-")
        .skip(1)
        .filter_map(|rest| rest.split('"').next().map(str::to_owned))
        .collect()
}

async fn amina(app: &App) -> effekt_domain::proposals::Participation {
    app.t
        .store
        .participation(ParticipantId(1))
        .await
        .unwrap()
        .unwrap()
}

both_stores! {
    async fn a_proposal_nav_approves_changes_the_participation(t: TestStore) {
        let app = App::new(t).await;
        let staff = app.login("ansatt.a").await;
        let res = propose(&app, &staff, "endring=AVSLUTT_DELTAKELSE&dato=15.11.2026&arsak=FATT_JOBB&begrunnelse=Fast+jobb+hos+Rema+1000").await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
        assert_eq!(res.headers["location"], "/deltakere/1?lagret=forslag#forslag");
        let page = app.get("/deltakere/1", Some(&staff)).await.body;
        assert!(page.contains("Venter på svar fra Nav"), "{page}");
        assert!(page.contains("sluttet 15.11.2026, årsak Fått jobb"));
        assert!(page.contains("Fast jobb hos Rema 1000"));
        let id = proposal_ids(&app, &staff).await.remove(0);

        // A task for Amina's Nav office only.
        let nav = tasks(&app, "veileder1").await;
        assert!(nav.iter().any(|(label, href, _)| label == "Svar på forslaget fra leverandøren" && href == &format!("/deltakere/1#forslag-{id}")), "{nav:?}");
        assert!(!labels(&tasks(&app, "veileder2").await).contains(&"Svar på forslaget fra leverandøren"));

        // A rejection needs a reason; nothing changes without one.
        let veileder = app.login("veileder1").await;
        let res = answer(&app, &veileder, &id, "handling=avvis&avvisningsgrunn=+").await;
        assert_eq!(res.status, StatusCode::BAD_REQUEST);
        assert!(res.body.contains("Skriv hvorfor forslaget avvises"), "{}", res.body);
        assert_eq!(amina(&app).await.statuses.current().status, ParticipantStatus::Deltar);
        // The provider cannot approve its own proposal.
        assert_eq!(answer(&app, &staff, &id, "handling=godkjenn").await.status, StatusCode::FORBIDDEN);

        // Approved: the participation ends on the proposed day, with the reason.
        let generation = app.t.store.generation().await.unwrap();
        let res = answer(&app, &veileder, &id, "handling=godkjenn").await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
        assert!(app.t.store.generation().await.unwrap() > generation, "pricing inputs moved");
        let now = amina(&app).await;
        assert_eq!(now.statuses.current().status, ParticipantStatus::HarSluttet);
        assert_eq!(now.statuses.current().valid_from.to_string(), "2026-11-15");
        assert_eq!(now.statuses.index_date().map(|d| d.to_string()).as_deref(), Some("2025-03-01"));
        let page = app.get("/deltakere/1", Some(&veileder)).await.body;
        assert!(page.contains("Har sluttet"), "status history shows the result");
        assert!(page.contains("Test veileder1 (veileder1)"), "who answered");
        assert!(!labels(&tasks(&app, "veileder1").await).contains(&"Svar på forslaget fra leverandøren"));
        // Answering twice is refused.
        let res = answer(&app, &veileder, &id, "handling=godkjenn").await;
        assert_eq!(res.status, StatusCode::BAD_REQUEST);
        assert!(res.body.contains("Forslaget er allerede besvart (Godkjent)."));

        // The provider's unread change, until somebody there marks it read.
        assert!(labels(&tasks(&app, "admin.a").await).contains(&"Les svaret fra Nav"));
        let home = app.get("/hjem", Some(&app.login("admin.a").await)).await.body;
        assert!(home.contains("Godkjent: Avslutt deltakelsen"), "{home}");
        assert!(!labels(&tasks(&app, "ansatt.b").await).contains(&"Les svaret fra Nav"));
        let res = answer(&app, &staff, &id, "handling=lest").await;
        assert_eq!(res.status, StatusCode::SEE_OTHER);
        assert!(!labels(&tasks(&app, "admin.a").await).contains(&"Les svaret fra Nav"));

        // Nothing more is proposed about an ended participation.
        let generation = app.t.store.generation().await.unwrap();
        let res = propose(&app, &staff, "endring=FORLENG_DELTAKELSE&dato=30.06.2027").await;
        assert_eq!(res.status, StatusCode::BAD_REQUEST);
        assert!(res.body.contains("Deltakelsen er avsluttet"), "{}", res.body);
        assert!(res.body.contains("id=\"endring-error\""));
        assert_eq!(app.t.store.generation().await.unwrap(), generation);
        // But its end reason may be corrected.
        let res = propose(&app, &staff, "endring=SLUTTARSAK&arsak=ANNET&beskrivelse=Flyttet+til+Bergen").await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);

        let ops: Vec<String> = app.t.store.operations().await.unwrap().into_iter().map(|o| o.action).collect();
        for action in ["participation.propose", "participation.answer"] {
            assert!(ops.iter().any(|o| o == action), "{action} in {ops:?}");
        }
        // Append-only.
        assert!(app.t.execute_raw("DELETE FROM participation_proposal_answers").await.is_err());
        assert!(app.t.execute_raw("UPDATE participation_proposals SET kind = 'SLUTTDATO'").await.is_err());
    }
}

both_stores! {
    async fn replaced_withdrawn_and_rejected_proposals(t: TestStore) {
        let app = App::new(t).await;
        let staff = app.login("ansatt.a").await;
        let res = propose(&app, &staff, "endring=DELTAKELSESMENGDE&dato=01.09.2026&prosent=60&dager=3").await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
        let res = propose(&app, &staff, "endring=DELTAKELSESMENGDE&dato=01.09.2026&prosent=50").await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
        let page = app.get("/deltakere/1", Some(&staff)).await.body;
        assert!(page.contains("Erstattet av et nyere forslag"), "{page}");
        let ids = proposal_ids(&app, &staff).await;
        assert_eq!(ids.len(), 2);
        assert_eq!(tasks(&app, "veileder1").await.iter().filter(|(l, _, _)| l == "Svar på forslaget fra leverandøren").count(), 1, "only the newest waits");

        // Nav withdraws nothing; a colleague at the provider may.
        let nav = app.login("veileder1").await;
        assert_eq!(answer(&app, &nav, &ids[0], "handling=trekk").await.status, StatusCode::FORBIDDEN);
        let admin = app.login("admin.a").await;
        assert_eq!(answer(&app, &admin, &ids[0], "handling=trekk").await.status, StatusCode::SEE_OTHER);
        assert!(app.get("/deltakere/1", Some(&staff)).await.body.contains("Trukket tilbake"));
        assert!(amina(&app).await.amount.is_none(), "nothing applied");

        // Rejected with a reason the provider reads.
        let res = propose(&app, &staff, "endring=FORLENG_DELTAKELSE&dato=30.06.2027").await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
        let id = proposal_ids(&app, &staff).await.remove(0);
        let res = answer(&app, &nav, &id, "handling=avvis&avvisningsgrunn=Forlengelse+avtales+i+oppf%C3%B8lgingsm%C3%B8tet").await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
        let page = app.get("/deltakere/1", Some(&staff)).await.body;
        assert!(page.contains("Forlengelse avtales i oppfølgingsmøtet"));
        assert!(page.contains("Ulest svar"));
        assert!(amina(&app).await.planned_end.is_none());

        // Approved: the amount and the planned end are in force.
        propose(&app, &staff, "endring=DELTAKELSESMENGDE&dato=01.09.2026&prosent=60&dager=3").await;
        propose(&app, &staff, "endring=SLUTTDATO&dato=31.03.2027").await;
        for id in proposal_ids(&app, &staff).await.into_iter().take(2) {
            assert_eq!(answer(&app, &nav, &id, "handling=godkjenn").await.status, StatusCode::SEE_OTHER);
        }
        let now = amina(&app).await;
        assert_eq!(now.amount.map(|a| (a.percent, a.days_per_week)), Some((60, Some(3))));
        assert_eq!(now.planned_end.map(|d| d.to_string()).as_deref(), Some("2027-03-31"));
        let page = app.get("/deltakere/1", Some(&nav)).await.body;
        assert!(page.contains("60 %, 3 dager i uka, gjelder fra 01.09.2026"), "{page}");
        assert!(page.contains("31.03.2027"));

        // Who may not: Nav proposes nothing, another provider and office see no participant,
        // roles without named participants are refused.
        for (user, expected) in [
            ("veileder1", StatusCode::FORBIDDEN),
            ("ansatt.b", StatusCode::NOT_FOUND),
            ("admin.b", StatusCode::NOT_FOUND),
            ("investor", StatusCode::FORBIDDEN),
            ("evaluator", StatusCode::FORBIDDEN),
            ("forvalter", StatusCode::FORBIDDEN),
            ("administrator", StatusCode::FORBIDDEN),
            ("personvern", StatusCode::FORBIDDEN),
            ("tilrettelegger", StatusCode::FORBIDDEN),
        ] {
            let cookie = app.login(user).await;
            let res = propose(&app, &cookie, "endring=SLUTTDATO&dato=30.04.2027").await;
            assert_eq!(res.status, expected, "{user} proposes");
            if user == "veileder1" {
                continue;
            }
            let res = answer(&app, &cookie, &ids[1], "handling=godkjenn").await;
            assert!(matches!(res.status, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND), "{user} answers: {}", res.status);
        }
        let veileder2 = app.login("veileder2").await;
        assert_eq!(answer(&app, &veileder2, &ids[1], "handling=godkjenn").await.status, StatusCode::NOT_FOUND);
    }
}

both_stores! {
    async fn bad_proposals_are_named_beside_their_field(t: TestStore) {
        let app = App::new(t).await;
        let staff = app.login("ansatt.a").await;
        let generation = app.t.store.generation().await.unwrap();
        let long = "x".repeat(201);
        for (form, field, message) in [
            ("endring=&dato=01.09.2026".to_owned(), "endring", "Velg hva forslaget gjelder."),
            ("endring=FORLENG_DELTAKELSE&dato=31.13.2026".to_owned(), "dato", "Skriv en gyldig dato"),
            ("endring=DELTAKELSESMENGDE&dato=01.09.2026&prosent=0".to_owned(), "prosent", "fra 1 til 100"),
            ("endring=DELTAKELSESMENGDE&dato=01.09.2026&prosent=50&dager=7".to_owned(), "dager", "fra 1 til 5"),
            ("endring=DELTAKELSESMENGDE&dato=01.09.2026&prosent=100".to_owned(), "endring", "ingen endring"),
            ("endring=AVSLUTT_DELTAKELSE&dato=15.11.2026&arsak=".to_owned(), "arsak", "Velg en årsak."),
            ("endring=AVSLUTT_DELTAKELSE&dato=15.11.2026&arsak=ANNET".to_owned(), "beskrivelse", "«Annet»"),
            ("endring=AVSLUTT_DELTAKELSE&dato=01.01.2100&arsak=SYK".to_owned(), "dato", "fram i tid"),
            ("endring=STARTDATO&dato=10.01.2025".to_owned(), "dato", "Datoen kan ikke være før henvisningen (15.02.2025)."),
            ("endring=IKKE_AKTUELL&arsak=SYK".to_owned(), "endring", "status «Deltar»"),
            (format!("endring=SLUTTDATO&dato=31.03.2027&begrunnelse={long}"), "begrunnelse", "200 tegn"),
        ] {
            let res = propose(&app, &staff, &form).await;
            assert_eq!(res.status, StatusCode::BAD_REQUEST, "{form}");
            assert!(res.body.contains(message), "{form}: {}", res.body);
            assert!(res.body.contains(&format!("id=\"{field}-error\"")), "{form}: beside {field}");
        }
        assert_eq!(app.t.store.generation().await.unwrap(), generation, "nothing stored");
    }
}

both_stores! {
    async fn the_provider_starts_a_participant_who_waits(t: TestStore) {
        let app = App::new(t).await;
        let staff = app.login("ansatt.a").await;
        let nav = app.login("veileder1").await;
        // Amina turns out never to have started: the start is removed through a proposal.
        assert_eq!(propose(&app, &staff, "endring=FJERN_OPPSTARTSDATO").await.status, StatusCode::SEE_OTHER);
        let id = proposal_ids(&app, &staff).await.remove(0);
        assert_eq!(answer(&app, &nav, &id, "handling=godkjenn").await.status, StatusCode::SEE_OTHER);
        assert_eq!(amina(&app).await.statuses.index_date(), None);
        let page = app.get("/deltakere/1", Some(&staff)).await.body;
        assert!(page.contains("Registrer oppstart"), "{page}");
        assert!(!app.get("/deltakere/1", Some(&nav)).await.body.contains("action=\"/deltakere/1/oppstart\""), "Nav does not start");

        let start = |date: &'static str| {
            let (app, staff) = (&app, &staff);
            async move { app.post_with_csrf("/hjem", "/deltakere/1/oppstart", staff, &format!("startdato={date}")).await }
        };
        let res = start("01.01.2025").await;
        assert_eq!(res.status, StatusCode::BAD_REQUEST);
        assert!(res.body.contains("Datoen kan ikke være før henvisningen (15.02.2025)."), "{}", res.body);
        assert!(res.body.contains("id=\"startdato-error\""));
        assert!(start("01.01.2100").await.body.contains("Datoen kan ikke være fram i tid."));
        assert_eq!(amina(&app).await.statuses.index_date(), None, "nothing stored");
        assert_eq!(app.post_with_csrf("/hjem", "/deltakere/1/oppstart", &nav, "startdato=10.03.2025").await.status, StatusCode::FORBIDDEN);

        let res = start("10.03.2025").await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
        assert_eq!(amina(&app).await.statuses.index_date().map(|d| d.to_string()).as_deref(), Some("2025-03-10"));
        // Nav sees it at once, in the list as on the page.
        let list = app.get("/deltakere", Some(&nav)).await.body;
        assert!(list.contains("10.03.2025"), "{list}");
        // Started once: the form is gone and a second start is refused.
        assert!(!app.get("/deltakere/1", Some(&staff)).await.body.contains("Registrer oppstart"));
        assert_eq!(start("11.03.2025").await.status, StatusCode::BAD_REQUEST);
    }
}
