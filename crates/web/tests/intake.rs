//! Intake on the participant page (issue 13, item 1): Nav's case officer shares need items
//! with a legal basis and purpose; the provider records earlier measures, languages and the
//! screening. The screening is special-category data: only provider staff see it, each field
//! shown is its own audit record, and the organisation's admin, Nav and every other role see
//! none of it. Bad input is named beside its field and stores nothing. On both stores.

#![allow(clippy::disallowed_methods)]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use axum::http::StatusCode;
use common::*;
use effekt_domain::team::Discipline;
use effekt_store::both_stores;
use effekt_store::fixture::LEILA;

async fn count(app: &App, table: &str) -> i64 {
    app.t
        .scalar_text(&format!("SELECT CAST(COUNT(*) AS TEXT) FROM {table}"))
        .await
        .unwrap()
        .parse()
        .unwrap()
}

const HEALTH: &str = "opplysning=helse&rettsgrunnlag=nav-loven-4a&formal=tilpasse-plan&innhold=T%C3%A5ler+ikke+lange+%C3%B8kter";
const SCREENING: &str = "horsel=NOE_VANSKER&horsel-merknad=H%C3%B8reapparat+venstre&syn=INGEN_TEGN&lese-skrivevansker=TRENGER_OPPFOLGING";

both_stores! {
    async fn nav_shares_needs_and_the_provider_records_the_intake(t: TestStore) {
        let app = App::new(t).await;
        let nav = app.login("veileder1").await;
        let res = app.post_with_csrf("/deltakere/1", "/deltakere/1/behov", &nav, HEALTH).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
        let form = "opplysning=sprak-tolk&rettsgrunnlag=arbeidsmarkedsloven-12&formal=bestille-tolk&innhold=Tigrinja%2C+trenger+tolk";
        assert_eq!(app.post_with_csrf("/deltakere/1", "/deltakere/1/behov", &nav, form).await.status, StatusCode::SEE_OTHER);

        let staff = app.login("ansatt.a").await;
        // The screening is recorded by the special-education teacher of the participant's team.
        app.staff_member("spes.a", Discipline::SpecialEducation, &[1]).await;
        let spes = app.login("spes.a").await;
        let res = app.post_with_csrf("/deltakere/1", "/deltakere/1/kartlegging", &spes, SCREENING).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
        for (from, to) in [("01.02.2021", "01.05.2021"), ("01.09.2021", "01.12.2021"), ("01.03.2022", "")] {
            let form = format!("tiltak_type=PRAKSIS&tiltak_beskrivelse=Butikk&tiltak_fra={from}&tiltak_til={to}");
            let res = app.post_with_csrf("/deltakere/1", "/deltakere/1/tidligere-tiltak", &staff, &form).await;
            assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
        }
        let res = app.post_with_csrf("/deltakere/1", "/deltakere/1/sprak", &staff, "sprak=Tigrinja&morsmal=ja&tolk=ja").await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);

        // The main veileder sees what Nav shared, with the law and purpose of each item, and the
        // intake; the screening fields she reads are not the ones recorded here.
        let page = app.get("/deltakere/1", Some(&staff)).await.body;
        for text in ["Tåler ikke lange økter", "NAV-loven § 4 a", "Tilpasse den individuelle planen",
                     "Tigrinja", "Trenger tolk", "flere arbeidspraksiser", "(3)"] {
            assert!(page.contains(text), "ansatt.a sees {text}");
        }
        assert!(!page.contains("Høreapparat venstre"));
        // The special-education teacher sees her fields, and not Nav's health item.
        let page = app.get("/deltakere/1", Some(&spes)).await.body;
        assert!(page.contains("Høreapparat venstre") && page.contains("Trenger oppfølging eller utredning"));
        assert!(!page.contains("Tåler ikke lange økter") && page.contains("Helseopplysninger fra Nav vises bare"));
        // The organisation's admin: the intake, but neither the health item nor the screening.
        let admin = app.get("/deltakere/1", Some(&app.login("admin.a").await)).await.body;
        assert!(admin.contains("Tigrinja, trenger tolk"));
        assert!(!admin.contains("Tåler ikke") && !admin.contains("Høreapparat") && !admin.contains("id=\"kartlegging\""));
        assert!(admin.contains("Helseopplysninger fra Nav vises bare"));
        // Nav's case officer: what Nav shared, and no screening.
        let officer = app.get("/deltakere/1", Some(&nav)).await.body;
        assert!(officer.contains("Tåler ikke lange økter"));
        assert!(!officer.contains("Høreapparat") && !officer.contains("id=\"kartlegging\""));
        // Roles without named access see no intake at all.
        for user in ["forvalter", "evaluator", "investor", "administrator", "personvern", "tilrettelegger"] {
            let cookie = app.login(user).await;
            let body = app.get("/deltakere/1", Some(&cookie)).await.body;
            assert!(!body.contains("Tigrinja") && !body.contains("Høreapparat") && !body.contains("Tåler"), "{user}");
        }
        // Another provider's staff reach nothing.
        let other = app.login("ansatt.b").await;
        assert_eq!(app.get("/deltakere/1", Some(&other)).await.status, StatusCode::NOT_FOUND);

        // Each screening field shown is its own audit record; the admin's and Nav's views have none.
        let records = app.t.store.audit_records().await.unwrap();
        let screening_reads = |who: &str| records.iter().filter(|r| r.record.actor_name == who && r.record.purpose.starts_with("participant.screening.")).count();
        assert!(screening_reads("spes.a") >= 4, "one record per field shown");
        assert!(records.iter().any(|r| r.record.actor_name == "spes.a" && r.record.purpose == "participant.screening.horsel"));
        assert!(!records.iter().any(|r| r.record.actor_name == "ansatt.a" && r.record.purpose == "participant.screening.horsel"));
        assert_eq!(screening_reads("admin.a"), 0);
        assert_eq!(screening_reads("veileder1"), 0);
        assert!(records.iter().any(|r| r.record.actor_name == "admin.a" && r.record.purpose == "participant.intake"));

        let ops: Vec<String> = app.t.store.operations().await.unwrap().into_iter().map(|o| o.action).collect();
        for action in ["intake.need", "intake.screening", "intake.measure", "intake.language"] {
            assert!(ops.iter().any(|o| o == action), "{action} in {ops:?}");
        }
        for table in ["need_items", "screenings", "earlier_measures", "participant_languages"] {
            assert!(app.t.execute_raw(&format!("DELETE FROM {table}")).await.is_err(), "{table} is append-only");
        }
    }
}

both_stores! {
    async fn only_the_named_roles_write_the_intake(t: TestStore) {
        let app = App::new(t).await;
        let posts = [("/deltakere/1/behov", HEALTH), ("/deltakere/1/kartlegging", SCREENING), ("/deltakere/1/sprak", "sprak=Somali")];
        let may = |user: &str, path: &str| match path {
            "/deltakere/1/behov" => user == "veileder1",
            // Hearing, vision and reading difficulties: the special-education teacher's, below.
            "/deltakere/1/kartlegging" => false,
            _ => user == "ansatt.a" || user == "admin.a",
        };
        for user in ["veileder1", "veileder2", "ansatt.a", "ansatt.b", "admin.a", "admin.b", "forvalter", "investor", "evaluator", "tilrettelegger", "administrator", "personvern"] {
            let cookie = app.login(user).await;
            for (path, form) in posts {
                let res = app.post_with_csrf("/hjem", path, &cookie, form).await;
                if may(user, path) {
                    assert_eq!(res.status, StatusCode::SEE_OTHER, "{user} {path}: {}", res.body);
                } else {
                    assert!(matches!(res.status, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND), "{user} {path}: {}", res.status);
                }
            }
        }
        assert_eq!(count(&app, "screenings").await, 0);
        app.staff_member("spes.a", Discipline::SpecialEducation, &[1]).await;
        let spes = app.login("spes.a").await;
        let res = app.post_with_csrf("/hjem", "/deltakere/1/kartlegging", &spes, SCREENING).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
        assert_eq!(count(&app, "need_items").await, 1);
        assert_eq!(count(&app, "screenings").await, 3);
        assert_eq!(count(&app, "participant_languages").await, 2);
        // A protected person masked for a viewer: nothing written, the attempt audited.
        let nav = app.login("veileder2").await;
        let res = app.post_with_csrf("/hjem", &format!("/deltakere/{}/behov", LEILA.0), &nav, HEALTH).await;
        assert!(matches!(res.status, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND), "{}", res.status);
        assert_eq!(count(&app, "need_items").await, 1);
    }
}

both_stores! {
    async fn bad_intake_input_is_named_beside_its_field_and_stores_nothing(t: TestStore) {
        let app = App::new(t).await;
        let nav = app.login("veileder1").await;
        let staff = app.login("ansatt.a").await;
        let cases = [
            (&nav, "/deltakere/1/behov", "opplysning=innsatsbehov&rettsgrunnlag=&formal=tilpasse-plan&innhold=Tett+oppf%C3%B8lging", "rettsgrunnlag", "Velg rettsgrunnlaget"),
            (&nav, "/deltakere/1/behov", "opplysning=innsatsbehov&rettsgrunnlag=samtykke&formal=tilpasse-plan&innhold=x", "rettsgrunnlag", "Samtykke er ikke grunnlag"),
            (&nav, "/deltakere/1/behov", "opplysning=helse&rettsgrunnlag=arbeidsmarkedsloven-12&formal=tilpasse-plan&innhold=x", "rettsgrunnlag", "særlige kategorier"),
            (&nav, "/deltakere/1/behov", "opplysning=innsatsbehov&rettsgrunnlag=nav-loven-14a&formal=&innhold=x", "formal", "Velg formålet"),
            (&nav, "/deltakere/1/behov", "opplysning=innsatsbehov&rettsgrunnlag=nav-loven-14a&formal=tilpasse-plan&innhold=Se+13527248013", "innhold", "fødselsnummer"),
            (&staff, "/deltakere/1/tidligere-tiltak", "tiltak_type=PRAKSIS&tiltak_beskrivelse=Butikk&tiltak_fra=01.01.2099&tiltak_til=", "tiltak_fra", "fram i tid"),
            (&staff, "/deltakere/1/tidligere-tiltak", "tiltak_type=PRAKSIS&tiltak_beskrivelse=Butikk&tiltak_fra=01.05.2021&tiltak_til=01.02.2021", "tiltak_fra", "før startdatoen"),
            (&staff, "/deltakere/1/tidligere-tiltak", "tiltak_type=&tiltak_beskrivelse=Butikk&tiltak_fra=01.05.2021&tiltak_til=", "tiltak_type", "Velg tiltak eller arbeidspraksis"),
            (&staff, "/deltakere/1/sprak", "sprak=+", "sprak", "Fyll ut feltet"),
            (&staff, "/deltakere/1/kartlegging", "horsel=", "lese-skrive-morsmal", "minst ett felt"),
            (&staff, "/deltakere/1/kartlegging", "lese-skrive-morsmal=KANSKJE", "lese-skrive-morsmal", "Velg en verdi"),
        ];
        for (cookie, path, form, field, message) in cases {
            let res = app.post_with_csrf("/deltakere/1", path, cookie, form).await;
            assert_eq!(res.status, StatusCode::BAD_REQUEST, "{form}: {}", res.body);
            assert!(res.body.contains(message), "{form}: {message} in {}", res.body);
            assert!(res.body.contains(&format!("id=\"{field}-error\"")), "{form}: beside {field}: {}", &res.body[res.body.find("inntak-feil").unwrap_or(0)..][..400]);
        }
        // What was typed comes back.
        let res = app.post_with_csrf("/deltakere/1", "/deltakere/1/behov", &nav, "opplysning=innsatsbehov&rettsgrunnlag=&formal=tilpasse-plan&innhold=Tett+oppf%C3%B8lging").await;
        assert!(res.body.contains(">Tett oppfølging</textarea>"));
        for table in ["need_items", "screenings", "earlier_measures", "participant_languages"] {
            assert_eq!(count(&app, table).await, 0, "{table}");
        }
        let ops = app.t.store.operations().await.unwrap();
        assert!(!ops.iter().any(|o| o.action.starts_with("intake.")));
    }
}

both_stores! {
    async fn a_wrong_record_is_withdrawn_with_a_reason_by_whoever_writes_it(t: TestStore) {
        let app = App::new(t).await;
        let nav = app.login("veileder1").await;
        assert_eq!(app.post_with_csrf("/deltakere/1", "/deltakere/1/behov", &nav, HEALTH).await.status, StatusCode::SEE_OTHER);
        let staff = app.login("ansatt.a").await;
        let form = "tiltak_type=PRAKSIS&tiltak_beskrivelse=Lager&tiltak_fra=01.02.2021&tiltak_til=01.05.2021";
        assert_eq!(app.post_with_csrf("/deltakere/1", "/deltakere/1/tidligere-tiltak", &staff, form).await.status, StatusCode::SEE_OTHER);
        assert_eq!(app.post_with_csrf("/deltakere/1", "/deltakere/1/sprak", &staff, "sprak=Tigrinja&morsmal=ja").await.status, StatusCode::SEE_OTHER);

        // Nav withdraws the health item it shared by mistake: nobody sees it any more.
        let page = app.get("/deltakere/1", Some(&nav)).await.body;
        let need = option_value(&page, "behov_trekk", "Helse");
        let path = "/deltakere/1/inntak/trekk";
        let res = app.post_with_csrf("/deltakere/1", path, &nav, &format!("trekk=behov&behov_trekk={need}&behov_trekk_begrunnelse=")).await;
        assert_eq!(res.status, StatusCode::BAD_REQUEST, "a reason is required");
        assert!(res.body.contains("id=\"behov_trekk_begrunnelse-error\""), "{}", res.body);
        assert!(res.body.contains("<details class=\"withdraw\" open>"), "the form stays open");
        // The provider may not withdraw what Nav shared.
        let form = format!("trekk=behov&behov_trekk={need}&behov_trekk_begrunnelse=Feil");
        assert_eq!(app.post_with_csrf("/deltakere/1", path, &staff, &form).await.status, StatusCode::FORBIDDEN);
        assert!(app.get("/deltakere/1", Some(&staff)).await.body.contains("Tåler ikke lange økter"), "still shown");
        let form = format!("trekk=behov&behov_trekk={need}&behov_trekk_begrunnelse=Delt+ved+en+feil");
        let res = app.post_with_csrf("/deltakere/1", path, &nav, &form).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
        for who in [&nav, &staff] {
            assert!(!app.get("/deltakere/1", Some(who)).await.body.contains("Tåler ikke lange økter"), "withdrawn");
        }
        let res = app.post_with_csrf("/deltakere/1", path, &nav, &form).await;
        assert_eq!(res.status, StatusCode::BAD_REQUEST, "once");
        assert!(res.body.contains("Det finnes ikke lenger"));

        // The provider corrects a measure (withdraw, record again) and withdraws a language;
        // Nav may not. Another participant's record cannot be named through this one.
        let page = app.get("/deltakere/1", Some(&staff)).await.body;
        let measure = option_value(&page, "tiltak_trekk", "Lager");
        let language = option_value(&page, "sprak_trekk", "Tigrinja");
        let form = format!("trekk=tidligere-tiltak&tiltak_trekk={measure}&tiltak_trekk_begrunnelse=Feil+dato");
        assert_eq!(app.post_with_csrf("/deltakere/1", path, &nav, &form).await.status, StatusCode::FORBIDDEN);
        let elsewhere = app.post_with_csrf("/deltakere/2", "/deltakere/2/inntak/trekk", &staff, &form).await;
        assert_eq!(elsewhere.status, StatusCode::BAD_REQUEST, "not participant 2's record");
        assert_eq!(app.post_with_csrf("/deltakere/1", path, &staff, &form).await.status, StatusCode::SEE_OTHER);
        let form = format!("trekk=sprak&sprak_trekk={language}&sprak_trekk_begrunnelse=Feil+spr%C3%A5k");
        assert_eq!(app.post_with_csrf("/deltakere/1", path, &staff, &form).await.status, StatusCode::SEE_OTHER);
        let page = app.get("/deltakere/1", Some(&staff)).await.body;
        assert!(!page.contains("Lager") && !page.contains("Tigrinja"), "withdrawn");
        assert!(!page.contains("name=\"tiltak_trekk\""), "nothing left to withdraw");
        // Bad input: nothing chosen, an unknown list, a national id in the reason.
        let res = app.post_with_csrf("/deltakere/1", path, &staff, "trekk=sprak&sprak_trekk=&sprak_trekk_begrunnelse=Feil").await;
        assert_eq!(res.status, StatusCode::BAD_REQUEST);
        assert!(res.body.contains("Velg det som skal trekkes tilbake."));
        assert_eq!(app.post_with_csrf("/deltakere/1", path, &staff, "trekk=kartlegging&x=1").await.status, StatusCode::NOT_FOUND);
        let res = app.post_with_csrf("/deltakere/1", path, &staff, &format!("trekk=sprak&sprak_trekk=1&sprak_trekk_begrunnelse=Gjelder+{}", "13527248013")).await;
        assert_eq!(res.status, StatusCode::BAD_REQUEST);
        assert_eq!(count(&app, "intake_withdrawals").await, 3);
        let ops: Vec<String> = app.t.store.operations().await.unwrap().into_iter().map(|o| o.action).collect();
        for action in ["intake.withdraw-behov", "intake.withdraw-tidligere-tiltak", "intake.withdraw-sprak"] {
            assert!(ops.iter().any(|o| o == action), "{action}");
        }
        assert!(app.t.execute_raw("DELETE FROM intake_withdrawals").await.is_err(), "append-only");
        // Other roles: refused.
        for user in ["forvalter", "investor", "evaluator", "ansatt.b"] {
            let cookie = app.login(user).await;
            let status = app.post_with_csrf("/hjem", path, &cookie, "trekk=sprak&sprak_trekk=1&sprak_trekk_begrunnelse=x").await.status;
            assert!(status == StatusCode::FORBIDDEN || status == StatusCode::NOT_FOUND, "{user}: {status}");
        }
    }
}
