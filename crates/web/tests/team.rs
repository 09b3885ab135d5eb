//! The provider's team and caseloads (issue 14, item 3): the screening is read only by team
//! members whose discipline needs a field; a teacher sees the plan and attendance of her
//! groups' participants and nothing else; the coordinator and the admin build the team under
//! its rules (one main veileder, nobody twice, only guiding disciplines guide), refusals named
//! beside the field with nothing stored; every staff member sees her caseload, the coordinator
//! everyone's; nobody outside the provider sees any of it. The main veileder's home shows the
//! next milestone due. On both stores.

#![allow(clippy::disallowed_methods)]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use axum::http::StatusCode;
use common::*;
use effekt_domain::team::Discipline;
use effekt_store::both_stores;
use effekt_store::fixture::PROVIDER_A;
use effekt_store::model::Decision;

async fn count(app: &App, sql: &str) -> i64 {
    app.t
        .scalar_text(&format!("SELECT CAST(COUNT(*) AS TEXT) {sql}"))
        .await
        .unwrap()
        .parse()
        .unwrap()
}

const READING: &str = "lese-skrivevansker=TRENGER_OPPFOLGING&lese-skrivevansker-merknad=Leser+langsomt%2C+bytter+om+bokstaver";

/// A session of group 1 taught by `teacher` (planned by provider A's staff member).
async fn teaches_group_1(app: &App, teacher: &str) {
    let staff = app.login("ansatt.a").await;
    let page = app.get("/grupper/1", Some(&staff)).await.body;
    let id = option_value(&page, "laerer", &format!("Test {teacher} ({teacher})"));
    let form = format!("dato=02.03.2026&rom=Rom+2&klokkeslett=09:00&varighet=150&laerer={id}&modul=norsk-lese&antall=1");
    let res = app
        .post_with_csrf("/grupper/1", "/grupper/1/okter", &staff, &form)
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
}

both_stores! {
    async fn the_screening_is_read_by_the_team_members_whose_discipline_needs_it(t: TestStore) {
        let app = App::new(t).await;
        app.staff_member("spes.a", Discipline::SpecialEducation, &[1]).await;
        app.staff_member("helse.a", Discipline::Health, &[1]).await;
        app.staff_member("spes.utenfor", Discipline::SpecialEducation, &[]).await;
        app.staff_member("laerer.a", Discipline::Teacher, &[]).await;
        teaches_group_1(&app, "laerer.a").await;

        let spes = app.login("spes.a").await;
        let res = app.post_with_csrf("/deltakere/1", "/deltakere/1/kartlegging", &spes, READING).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
        let page = app.get("/deltakere/1", Some(&spes)).await.body;
        assert!(page.contains("Leser langsomt") && page.contains("id=\"lese-skrivevansker\""), "{page}");
        assert!(!page.contains("id=\"helsebehov\""), "not the health worker's field");

        // The main veileder reads mother-tongue literacy and digital skills, not reading difficulties.
        let veileder = app.get("/deltakere/1", Some(&app.login("ansatt.a").await)).await.body;
        assert!(veileder.contains("id=\"lese-skrive-morsmal\"") && veileder.contains("id=\"digitale-ferdigheter\""));
        assert!(!veileder.contains("Leser langsomt") && !veileder.contains("id=\"lese-skrivevansker\""));
        // The health worker: hearing, vision, health needs; not reading difficulties.
        let helse = app.get("/deltakere/1", Some(&app.login("helse.a").await)).await.body;
        assert!(helse.contains("id=\"helsebehov\"") && helse.contains("id=\"horsel\""));
        assert!(!helse.contains("Leser langsomt"));
        // A special-education teacher on another team: the page, not the screening.
        let outside = app.get("/deltakere/1", Some(&app.login("spes.utenfor").await)).await;
        assert_eq!(outside.status, StatusCode::OK);
        assert!(!outside.body.contains("Leser langsomt") && !outside.body.contains("id=\"kartlegging\""));
        let res = app.post_with_csrf("/deltakere/1", "/deltakere/1/kartlegging", &app.login("spes.utenfor").await, READING).await;
        assert_eq!(res.status, StatusCode::FORBIDDEN);
        // Neither the veileder may record a field she does not read.
        let res = app.post_with_csrf("/deltakere/1", "/deltakere/1/kartlegging", &app.login("ansatt.a").await, READING).await;
        assert_eq!(res.status, StatusCode::FORBIDDEN);

        // The teacher: her group's participant, plan and attendance only.
        let teacher = app.login("laerer.a").await;
        let page = app.get("/deltakere/1", Some(&teacher)).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("id=\"individuell-plan\""), "the plan");
        for hidden in ["Leser langsomt", "id=\"kartlegging\"", "id=\"inntak\"", "id=\"plan-og-delmal\"", "id=\"team\"", "Tøyengata"] {
            assert!(!page.body.contains(hidden), "the teacher sees {hidden}");
        }
        let res = app.post_with_csrf("/deltakere/1", "/deltakere/1/kartlegging", &teacher, READING).await;
        assert_eq!(res.status, StatusCode::FORBIDDEN);
        // She gives learning tasks; the plan itself is the team's.
        assert!(!page.body.contains("action=\"/deltakere/1/plan\"") && page.body.contains("action=\"/deltakere/1/oppgaver\""));
        let res = app.post_with_csrf("/deltakere/1", "/deltakere/1/plan", &teacher, "spor=norsk&moduler=norsk-lese").await;
        assert_eq!(res.status, StatusCode::FORBIDDEN);
        // Not in her groups: not found, and audited as refused; the list holds her group only.
        for other in [4, 6] {
            assert_eq!(app.get(&format!("/deltakere/{other}"), Some(&teacher)).await.status, StatusCode::NOT_FOUND, "{other}");
        }
        let list = app.get("/deltakere", Some(&teacher)).await.body;
        assert!(list.contains("Amina") && !list.contains("Ahmad") && !list.contains("Dawit"), "{list}");
        // No national id, in the list or the API, and none to search by.
        let amina = effekt_store::fixture::dataset().unwrap().persons[0].ids.current().to_string();
        let api = app.get("/api/participants/1", Some(&teacher)).await.body;
        assert!(!list.contains(&amina[..6]) && !api.contains(&amina[..6]), "{api}");
        let req = axum::http::Request::post("/api/participants/sok")
            .header(axum::http::header::COOKIE, teacher.clone())
            .header(axum::http::header::CONTENT_TYPE, "application/json")
            .body(axum::body::Body::from(format!("{{\"sok\": \"{amina}\"}}")))
            .unwrap();
        let search = app.request(req).await.body;
        assert!(search.contains("\"total\":3"), "the search by id is not run: {search}");
        // Nothing else of the record, whichever way she asks.
        assert_eq!(app.get("/api/participants/1/outcomes", Some(&teacher)).await.status, StatusCode::FORBIDDEN);
        for (path, form) in [
            ("/deltakere/1/delmal", "delmal=kartlegging&nadd_dato=10.03.2025"),
            ("/deltakere/1/forslag", "endring=FORLENG_DELTAKELSE&dato=01.01.2027&begrunnelse=Mer+tid"),
            ("/deltakere/1/tidligere-tiltak", "tiltak_type=PRAKSIS&tiltak_beskrivelse=Butikk&tiltak_fra=01.02.2021&tiltak_til="),
        ] {
            let res = app.post_with_csrf("/deltakere/1", path, &teacher, form).await;
            assert_eq!(res.status, StatusCode::FORBIDDEN, "{path}");
        }
        assert_eq!(count(&app, "FROM provider_evidence").await, 0);
        let groups = app.get("/grupper", Some(&teacher)).await.body;
        assert!(groups.contains("Gruppe Morgen 1"));
        // A member who has left the group leaves her view: the page and the group's list.
        let res = app.post_with_csrf("/grupper/1", "/grupper/1/medlemmer/slutt", &app.login("ansatt.a").await, "slutt_deltaker=2&til=01.06.2026").await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
        assert_eq!(app.get("/deltakere/2", Some(&teacher)).await.status, StatusCode::NOT_FOUND);
        let group = app.get("/grupper/1", Some(&teacher)).await.body;
        assert!(group.contains("Amina") && !group.contains("Yusuf"), "{group}");

        let records = app.t.store.audit_records().await.unwrap();
        let read = |actor: &str, purpose: &str| records.iter().any(|r| r.record.actor_name == actor
            && r.record.purpose == purpose && r.record.decision == Decision::Permit);
        assert!(read("spes.a", "participant.screening.lese-skrivevansker"));
        assert!(read("ansatt.a", "participant.screening.lese-skrive-morsmal"));
        assert!(!read("ansatt.a", "participant.screening.lese-skrivevansker"));
        assert!(!read("laerer.a", "participant.screening.lese-skrive-morsmal"));
        assert!(records.iter().any(|r| r.record.actor_name == "laerer.a" && r.record.subject.0 == 6
            && r.record.decision == Decision::Deny));
        assert!(records.iter().any(|r| r.record.actor_name == "laerer.a"
            && r.record.decision == Decision::Deny && r.record.purpose == "participant.intake"));
    }

}

both_stores! {
    async fn the_coordinator_builds_the_team_under_its_rules(t: TestStore) {
        let app = App::new(t).await;
        app.staff_member("koord.a", Discipline::Coordinator, &[]).await;
        app.staff_member("spes.a", Discipline::SpecialEducation, &[]).await;
        app.staff_member("veileder.a2", Discipline::Veileder, &[]).await;
        app.staff_member("laerer.a", Discipline::Teacher, &[]).await;
        let koord = app.login("koord.a").await;
        let page = app.get("/deltakere/1", Some(&koord)).await.body;
        assert!(page.contains("Test ansatt.a (ansatt.a)") && page.contains("Hovedveileder"), "{page}");
        let spes = option_value(&page, "ansatt", "Test spes.a (spes.a)");
        let other = option_value(&page, "ansatt", "Test veileder.a2 (veileder.a2)");
        let teacher = option_value(&page, "ansatt", "Test laerer.a (laerer.a)");
        let before = count(&app, "FROM team_memberships").await;

        // Refused beside the field, nothing stored.
        for (form, field, message) in [
            (format!("ansatt={other}&plass=HOVEDVEILEDER"), "plass", "allerede en hovedveileder"),
            (format!("ansatt={teacher}&plass=MEDVEILEDER"), "plass", "Bare veiledere"),
            (format!("ansatt={spes}&plass="), "plass", "Velg en plass"),
            ("ansatt=999&plass=MEDLEM".to_owned(), "ansatt", "Velg en ansatt"),
            (format!("ansatt={spes}&plass=MEDLEM&fra=31.02.2026"), "fra", "Skriv en dato"),
            (format!("ansatt={spes}&plass=MEDLEM&fra=01.01.2099"), "fra", "fram i tid"),
        ] {
            let res = app.post_with_csrf("/deltakere/1", "/deltakere/1/team", &koord, &form).await;
            assert_eq!(res.status, StatusCode::BAD_REQUEST, "{form}");
            assert!(res.body.contains(&format!("id=\"{field}-error\"")) && res.body.contains(message), "{form}: {}", res.body);
        }
        assert_eq!(count(&app, "FROM team_memberships").await, before);

        // The special-education teacher joins; then she reads her fields.
        let res = app.post_with_csrf("/deltakere/1", "/deltakere/1/team", &koord, &format!("ansatt={spes}&plass=MEDLEM&fra=01.03.2026")).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
        let res = app.post_with_csrf("/deltakere/1", "/deltakere/1/team", &koord, &format!("ansatt={other}&plass=MEDVEILEDER")).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
        let page = app.get("/deltakere/1", Some(&app.login("spes.a").await)).await.body;
        assert!(page.contains("id=\"lese-skrivevansker\""));
        // Nobody twice.
        let again = app.post_with_csrf("/deltakere/1", "/deltakere/1/team", &koord, &format!("ansatt={spes}&plass=MEDLEM")).await;
        assert!(again.body.contains("allerede i deltakerens team"));

        // Leaving: not before joining; then she no longer reads the screening.
        let res = app.post_with_csrf("/deltakere/1", "/deltakere/1/team/slutt", &koord, &format!("slutt_ansatt={spes}&slutt_fra=01.02.2026")).await;
        assert_eq!(res.status, StatusCode::BAD_REQUEST);
        assert!(res.body.contains("id=\"slutt_fra-error\""));
        let res = app.post_with_csrf("/deltakere/1", "/deltakere/1/team/slutt", &koord, &format!("slutt_ansatt={spes}&slutt_fra=")).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
        let page = app.get("/deltakere/1", Some(&app.login("spes.a").await)).await.body;
        assert!(!page.contains("id=\"lese-skrivevansker\""));
        let page = app.get("/deltakere/1", Some(&koord)).await.body;
        assert!(page.contains("Tidligere i teamet"));
        assert_eq!(count(&app, &format!("FROM staff_assignments WHERE user_id = {spes}")).await, 0);

        // Only the coordinator and the admin change teams; only of their own provider.
        let staff = app.login("ansatt.a").await;
        let res = app.post_with_csrf("/deltakere/1", "/deltakere/1/team", &staff, &format!("ansatt={spes}&plass=MEDLEM")).await;
        assert_eq!(res.status, StatusCode::FORBIDDEN);
        assert!(!app.get("/deltakere/1", Some(&staff)).await.body.contains("action=\"/deltakere/1/team\""));
        let admin = app.login("admin.a").await;
        let res = app.post_with_csrf("/deltakere/1", "/deltakere/1/team", &admin, &format!("ansatt={spes}&plass=MEDLEM")).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
        let res = app.post_with_csrf("/deltakere/1", "/deltakere/4/team", &koord, &format!("ansatt={spes}&plass=MEDLEM")).await;
        assert_eq!(res.status, StatusCode::NOT_FOUND);
        for user in ["veileder1", "investor", "evaluator", "forvalter"] {
            let cookie = app.login(user).await;
            let res = app.post_with_csrf("/hjem", "/deltakere/1/team", &cookie, &format!("ansatt={spes}&plass=MEDLEM")).await;
            assert!(matches!(res.status, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND), "{user}: {}", res.status);
            assert!(!app.get("/deltakere/1", Some(&cookie)).await.body.contains("id=\"team\""), "{user}");
        }
        // A protected participant's team is built too, without the coordinator seeing her:
        // then the member sees her.
        let page = app.get("/deltakere/3", Some(&koord)).await.body;
        assert!(!page.contains("Leila") && page.contains("id=\"team\""), "masked, with the team");
        let res = app.post_with_csrf("/deltakere/3", "/deltakere/3/team", &koord, &format!("ansatt={other}&plass=MEDVEILEDER")).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
        assert!(app.get("/deltakere/3", Some(&app.login("veileder.a2").await)).await.body.contains("Leila"));
        let ops: Vec<String> = app.t.store.operations().await.unwrap().into_iter().map(|o| o.action).collect();
        assert_eq!(ops.iter().filter(|o| *o == "team.join").count(), 4, "{ops:?}");
        assert_eq!(ops.iter().filter(|o| *o == "team.leave").count(), 1);
        // The history is kept: a membership only ends.
        assert!(app.t.execute_raw("DELETE FROM team_memberships").await.is_err());
        assert!(app.t.execute_raw("UPDATE team_memberships SET position = 'HOVEDVEILEDER'").await.is_err());
        // A new discipline is new rights: her places in teams end with her sessions.
        let admin = app.login("admin.a").await;
        let form = format!("display_name=Test+veileder.a2&role=PROVIDER_STAFF&organisation=provider%3A{}&discipline=LAERER", PROVIDER_A.0);
        let res = app.post_with_csrf("/admin/brukere", &format!("/admin/brukere/{other}"), &admin, &form).await;
        assert!(res.status == StatusCode::SEE_OTHER || res.status.is_success(), "{}", res.body);
        assert_eq!(count(&app, &format!("FROM team_memberships WHERE user_id = {other} AND valid_to IS NULL")).await, 0);
        assert_eq!(count(&app, &format!("FROM staff_assignments WHERE user_id = {other}")).await, 0);
    }

}

both_stores! {
    async fn each_staff_member_sees_her_caseload_and_the_coordinator_everyones(t: TestStore) {
        let app = App::new(t).await;
        let koord_id = app.staff_member("koord.a", Discipline::Coordinator, &[]).await;
        let staff = app.login("ansatt.a").await;
        let own = app.get("/team", Some(&staff)).await;
        assert_eq!(own.status, StatusCode::OK);
        assert!(own.body.contains("Amina") && own.body.contains("Leila"), "her own, Leila unmasked: {}", own.body);
        assert!(!own.body.contains("id=\"ansatte\""), "no one else's");
        assert_eq!(app.get(&format!("/team/{}", koord_id.0), Some(&staff)).await.status, StatusCode::NOT_FOUND);

        let koord = app.login("koord.a").await;
        let all = app.get("/team", Some(&koord)).await.body;
        assert!(all.contains("id=\"ansatte\"") && all.contains("Test ansatt.a (ansatt.a)") && !all.contains("ansatt.b"), "{all}");
        let ansatt_a = option_href(&all, "Test ansatt.a (ansatt.a)");
        let theirs = app.get(&ansatt_a, Some(&koord)).await.body;
        assert!(theirs.contains("Amina") && !theirs.contains("Leila"), "Leila masked for the coordinator: {theirs}");
        let other_provider = app.get(&ansatt_a, Some(&app.login("admin.b").await)).await;
        assert_eq!(other_provider.status, StatusCode::NOT_FOUND);
        for user in ["veileder1", "investor", "evaluator", "forvalter", "tilrettelegger", "administrator"] {
            let res = app.get("/team", Some(&app.login(user).await)).await;
            assert_eq!(res.status, StatusCode::FORBIDDEN, "{user}");
        }
        let records = app.t.store.audit_records().await.unwrap();
        assert!(records.iter().any(|r| r.record.actor_name == "koord.a" && r.record.subject.0 == 1
            && r.record.purpose == "participant.list"));
    }

}

both_stores! {
    async fn the_main_veileders_home_shows_each_participants_next_milestone(t: TestStore) {
        let app = App::new(t).await;
        let home = tasks(&app, "ansatt.a").await;
        let milestones: Vec<_> = home.iter().filter(|(l, _, _)| l == "Følg opp delmålet").collect();
        assert_eq!(milestones.len(), 3, "one per participant she guides (1, 2, 3): {home:?}");
        assert!(milestones.iter().any(|(_, href, _)| href == "/deltakere/1#plan-og-delmal"));
        // The home names no participant.
        let page = app.get("/hjem", Some(&app.login("ansatt.a").await)).await.body;
        assert!(page.contains("Kartlegging fullført (deltaker nr. 1)") && !page.contains("Amina"));
        assert!(!labels(&tasks(&app, "admin.a").await).contains(&"Følg opp delmålet"));

        let staff = app.login("ansatt.a").await;
        let res = app.post_with_csrf("/deltakere/1", "/deltakere/1/delmal", &staff, "delmal=kartlegging&nadd_dato=10.03.2025").await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
        let page = app.get("/hjem", Some(&staff)).await.body;
        assert!(!page.contains("Kartlegging fullført (deltaker nr. 1)"));
        assert!(page.contains("Individuell plan godkjent (deltaker nr. 1)"), "the next one takes its place");
    }

}

both_stores! {
    async fn a_provider_staff_account_needs_a_discipline(t: TestStore) {
        let app = App::new(t).await;
        let admin = app.login("admin.a").await;
        let page = app.get("/admin/brukere", Some(&admin)).await.body;
        let provider = option_value(&page, "organisation", "Arbeidsinkludering Oslo AS");
        let form = format!("username=ny.ansatt&display_name=Ny+Ansatt&role=PROVIDER_STAFF&organisation={provider}");
        let res = app.post_with_csrf("/admin/brukere", "/admin/brukere/ny", &admin, &form).await;
        assert_eq!(res.status, StatusCode::BAD_REQUEST);
        assert!(res.body.contains("id=\"discipline-error\""));
        assert_eq!(count(&app, "FROM users WHERE username = 'ny.ansatt'").await, 0);
        let res = app.post_with_csrf("/admin/brukere", "/admin/brukere/ny", &admin, &format!("{form}&discipline=SPESIALPEDAGOG")).await;
        assert!(res.status.is_success() || res.status == StatusCode::SEE_OTHER, "{}", res.body);
        let stored = app.t.scalar_text("SELECT discipline FROM users WHERE username = 'ny.ansatt'").await.unwrap();
        assert_eq!(stored, "SPESIALPEDAGOG");
    }
}

/// The link of the staff member `name` in the caseload table.
fn option_href(page: &str, name: &str) -> String {
    let at = page.find(&format!(">{name}</a>")).unwrap();
    page[..at]
        .rsplit("href=\"")
        .next()
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_owned()
}
