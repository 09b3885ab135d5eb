//! Interpreter bookings (issue 14, item 4): the provider books an interpreter itself for a
//! group's session or one participant's meeting; the same interpreter is never booked twice at
//! once; confirmed, held once begun, or cancelled with a reason; what held assignments cost is
//! counted per contract, group and participant (a session's cost shared to the øre by the
//! participants marked present) and downloaded as a CSV for Norwegian Excel. Nobody outside
//! the provider sees or changes a booking. Bad input is named and stores nothing. Both stores.

#![allow(clippy::disallowed_methods)]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::sync::Arc;

use axum::http::StatusCode;
use chrono::{TimeZone, Utc};
use common::*;
use effekt_store::both_stores;

async fn count(app: &App, table: &str) -> i64 {
    app.t
        .scalar_text(&format!("SELECT CAST(COUNT(*) AS TEXT) FROM {table}"))
        .await
        .unwrap()
        .parse()
        .unwrap()
}

fn ids(page: &str, prefix: &str) -> Vec<i64> {
    page.split(&format!("id=\"{prefix}"))
        .skip(1)
        .filter_map(|s| s.split('"').next()?.parse().ok())
        .collect()
}

fn teacher(page: &str) -> String {
    let select = page.split("name=\"laerer\"").nth(1).unwrap();
    let at = select.find("Test ansatt.a (ansatt.a)").unwrap();
    select[..at]
        .rsplit("value=\"")
        .next()
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_owned()
}

const BOOK: &str = "tolk_sprak=Tigrinja&tolk_form=OPPMOTE&tolk_kategori=B";

both_stores! {
    async fn staff_book_interpreters_and_see_what_they_cost(t: TestStore) {
        // Sunday 1 March 2026, 09.00 in Oslo.
        let clock = Arc::new(effekt_app::FixedClock::new(Utc.with_ymd_and_hms(2026, 3, 1, 8, 0, 0).unwrap()));
        let app = App::with_clock(t, Some(clock.clone())).await;
        let staff = app.login("ansatt.a").await;
        let page = app.get("/grupper/1", Some(&staff)).await.body;
        let form = format!("dato=02.03.2026&rom=Rom+2&klokkeslett=09:00&varighet=120&laerer={}&modul=norsk-lese", teacher(&page));
        let res = app.post_with_csrf("/grupper/1", "/grupper/1/okter", &staff, &form).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
        let page = app.get("/grupper/1", Some(&staff)).await.body;
        let session = ids(&page, "okt-")[0];
        assert!(page.contains(&format!("href=\"/tolk?okt={session}#bestill\"")), "booked from the session");
        let tolk = app.get(&format!("/tolk?okt={session}"), Some(&staff)).await.body;
        assert!(tolk.contains(&format!("value=\"okt:{session}\" selected")), "the session chosen");
        assert!(tolk.contains("Kategori E: tospråktest og kurs i tolkens ansvarsområde"));

        let book = |form: String| {
            let (app, staff) = (&app, staff.clone());
            async move { app.post_with_csrf("/tolk", "/tolk", &staff, &form).await }
        };
        // Bad input: named beside its field, nothing stored.
        let meeting = "gjelder=deltaker&deltaker=1&dato=02.03.2026&klokkeslett=10:00&varighet=60";
        for (form, field, words) in [
            (format!("gjelder=okt:{session}&tolk_sprak=Tigrinja&tolk_navn=Ali&tolk_form=OPPMOTE&tolk_kostnad=1500"), "tolk_kategori", "Velg tolkens kategori"),
            (format!("gjelder=okt:{session}&{BOOK}&tolk_navn=&tolk_kostnad=1500"), "tolk_navn", "Nasjonalt tolkeregister"),
            (format!("gjelder=okt:{session}&{BOOK}&tolk_navn=Ali&tolk_kostnad=mye"), "tolk_kostnad", "kostnaden i kroner"),
            (format!("gjelder=okt:99999&{BOOK}&tolk_navn=Ali&tolk_kostnad=1500"), "gjelder", "Velg en økt"),
            (format!("gjelder=&{BOOK}&tolk_navn=Ali&tolk_kostnad=1500"), "gjelder", "Velg en økt, eller"),
            (format!("gjelder=deltaker&deltaker=4&dato=02.03.2026&klokkeslett=10:00&varighet=60&{BOOK}&tolk_navn=Ali&tolk_kostnad=900"), "deltaker", "Fant ingen deltaker"),
            (format!("gjelder=deltaker&deltaker=1&dato=27.02.2026&klokkeslett=10:00&varighet=60&{BOOK}&tolk_navn=Ali&tolk_kostnad=900"), "dato", "Tidspunktet har passert"),
            (format!("gjelder=deltaker&deltaker=1&dato=02.03.2026&klokkeslett=10:00&varighet=600&{BOOK}&tolk_navn=Ali&tolk_kostnad=900"), "tolk_varighet", "mellom 15 minutter og 8 timer"),
        ] {
            let res = book(form.clone()).await;
            assert_eq!(res.status, StatusCode::BAD_REQUEST, "{form}");
            assert!(res.body.contains(words), "{form}: {}", res.body);
            if field != "tolk_varighet" {
                assert!(res.body.contains(&format!("id=\"{field}-error\"")), "{form}: beside {field}");
            }
        }
        assert_eq!(count(&app, "interpreter_bookings").await, 0, "nothing stored");

        // The session (09.00–11.00) and a meeting with Amina; the same interpreter at 10.00 is taken.
        let res = book(format!("gjelder=okt:{session}&{BOOK}&tolk_navn=Ali+Tesfay&tolk_kostnad=1+500,00")).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
        let res = book(format!("{meeting}&{BOOK}&tolk_navn=ali+tesfay&tolk_kostnad=900")).await;
        assert_eq!(res.status, StatusCode::BAD_REQUEST);
        assert!(res.body.contains("Tolken er allerede bestilt da: 02.03.2026 kl. 09.00–11.00") && res.body.contains("id=\"tolk_navn-error\""), "{}", res.body);
        assert_eq!(count(&app, "interpreter_bookings").await, 1);
        let res = book(format!("{meeting}&tolk_sprak=Arabisk&tolk_form=SKJERM&tolk_kategori=E&tolk_navn=Tolk+4711&tolk_kostnad=900")).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
        let tolk = app.get("/tolk", Some(&staff)).await.body;
        let booked = ids(&tolk, "tolk-");
        let (for_session, for_amina) = (booked[0], booked[1]);
        assert!(tolk.contains("Økt for Gruppe Morgen 1") && tolk.contains("Amina Hassan"), "{tolk}");
        assert!(tolk.contains("Bestilt, venter på bekreftelse"));

        let step = |id: i64, form: &'static str| {
            let (app, staff) = (&app, staff.clone());
            async move { app.post_with_csrf("/tolk", &format!("/tolk/{id}"), &staff, form).await }
        };
        // The booker's home: both bookings to be confirmed by the day before; the teacher's
        // session is tomorrow, not today's.
        let home = tasks_besides_milestones(&app, "ansatt.a").await;
        let confirm: Vec<_> = home.iter().filter(|(l, _, _)| l == "Få tolkebestillingen bekreftet").collect();
        assert_eq!(confirm.len(), 2, "{home:?}");
        assert!(confirm.iter().all(|(_, href, due)| href.starts_with("/tolk#tolk-") && due == "01.03.2026"), "{home:?}");
        assert!(!labels(&home).contains(&"Dagens økt"), "{home:?}");
        assert!(labels(&tasks(&app, "admin.a").await).is_empty(), "the colleague booked nothing");

        // Held before it is confirmed, or before it has begun: refused beside the booking.
        let res = step(for_session, "handling=gjennomfort").await;
        assert_eq!(res.status, StatusCode::BAD_REQUEST);
        assert!(res.body.contains("ikke bekreftet av tolken") && res.body.contains(&format!("id=\"tolk-{for_session}-feil\"")), "{}", res.body);
        assert_eq!(step(for_session, "handling=bekreft").await.status, StatusCode::SEE_OTHER);
        let res = step(for_session, "handling=gjennomfort").await;
        assert!(res.body.contains("har ikke begynt"), "{}", res.body);
        let res = step(for_amina, "handling=avbestill&avbestilling=").await;
        assert!(res.body.contains("Skriv hvorfor"), "{}", res.body);
        assert_eq!(count(&app, "interpreter_booking_steps").await, 1, "only the confirmation");

        let home = tasks_besides_milestones(&app, "ansatt.a").await;
        assert_eq!(labels(&home), ["Få tolkebestillingen bekreftet"], "the confirmed booking moved off: {home:?}");

        // Monday 08.00: the session is today's on the teacher's home.
        clock.set(Utc.with_ymd_and_hms(2026, 3, 2, 7, 0, 0).unwrap());
        let home = tasks_besides_milestones(&app, "ansatt.a").await;
        let today = home.iter().find(|(l, _, _)| l == "Dagens økt").expect("today's session");
        assert_eq!((today.1.as_str(), today.2.as_str()), (format!("/grupper/1/okter/{session}").as_str(), "02.03.2026"));
        // Monday noon: begun and without attendance, then taken: the session moves off her home.
        clock.set(Utc.with_ymd_and_hms(2026, 3, 2, 11, 0, 0).unwrap());
        let home = tasks_besides_milestones(&app, "ansatt.a").await;
        assert!(home.iter().any(|(l, h, _)| l == "Ta oppmøte" && *h == format!("/grupper/1/okter/{session}")), "{home:?}");
        assert!(!labels(&home).contains(&"Dagens økt"));

        // Monday noon: attendance taken (Amina present, the second absent, Leila remote), the
        // session's interpreter held; Amina's meeting cancelled.
        clock.set(Utc.with_ymd_and_hms(2026, 3, 2, 11, 0, 0).unwrap());
        let staff = app.login("ansatt.a").await;
        let path = format!("/grupper/1/okter/{session}");
        let res = app.post_with_csrf(&path, &path, &staff, "oppmote-1=TILSTEDE&oppmote-2=FRAVAER&arsak-2=SYK&oppmote-3=DIGITALT").await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
        let home = tasks_besides_milestones(&app, "ansatt.a").await;
        assert!(!labels(&home).contains(&"Ta oppmøte"), "taken: off the home {home:?}");
        let res = app.post_with_csrf("/tolk", &format!("/tolk/{for_session}"), &staff, "handling=gjennomfort").await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
        let res = app.post_with_csrf("/tolk", &format!("/tolk/{for_amina}"), &staff, "handling=avbestill&avbestilling=Deltakeren+er+syk").await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
        let res = app.post_with_csrf("/tolk", &format!("/tolk/{for_amina}"), &staff, "handling=bekreft").await;
        assert!(res.body.contains("Bestillingen er avbestilt"), "a cancelled booking takes no step");

        // The costs: 1 500 kr held, shared 750/750 by the two present; the cancelled meeting costs nothing.
        let tolk = app.get("/tolk", Some(&staff)).await.body;
        assert!(tolk.contains("Avbestilt: Deltakeren er syk"), "{tolk}");
        let per = |heading: &str| tolk.split(&format!("id=\"{heading}\"")).nth(1).unwrap().split("</table>").next().unwrap().to_owned();
        assert!(per("interpreters-per-contract").contains("kr\u{a0}1\u{a0}500,00"), "{tolk}");
        assert!(per("interpreters-per-group").contains("Gruppe Morgen 1"));
        let people = per("interpreters-per-participant");
        assert!(people.contains("Amina Hassan") && people.contains("Leila Haddad"), "{people}");
        assert_eq!(people.matches("kr\u{a0}750,00").count(), 2, "{people}");
        let csv = app.get("/tolk/kostnader.csv", Some(&staff)).await;
        assert_eq!(csv.status, StatusCode::OK);
        assert!(csv.body.starts_with('\u{feff}'), "a BOM for Excel");
        let lines: Vec<&str> = csv.body.trim_start_matches('\u{feff}').split("\r\n").collect();
        assert_eq!(lines[0], "Nivå;Navn;Kontrakt;Gjennomført (kr);Bestilt, ikke gjennomført (kr);Oppdrag");
        assert!(lines.iter().any(|l| l.starts_with("Kontrakt;") && l.ends_with(";1500,00;0,00;1")), "{lines:?}");
        assert!(lines.iter().any(|l| l.starts_with("Deltaker;Amina Hassan;") && l.ends_with(";750,00;0,00;1")), "{lines:?}");
        // The provider admin is not assigned to Leila: she is masked in the costs, not named.
        let admin = app.get("/tolk", Some(&app.login("admin.a").await)).await.body;
        assert!(admin.contains("Amina Hassan") && !admin.contains("Leila"), "{admin}");

        let ops: Vec<String> = app.t.store.operations().await.unwrap().into_iter().map(|o| o.action).collect();
        for action in ["interpreter.book", "interpreter.bekreftet", "interpreter.gjennomfort", "interpreter.avbestilt"] {
            assert!(ops.iter().any(|o| o == action), "{action}: {ops:?}");
        }
        let records = app.t.store.audit_records().await.unwrap();
        assert!(records.iter().any(|r| r.record.purpose == "participant.interpreter" && r.record.subject.0 == 1));
        for table in ["interpreter_bookings", "interpreter_booking_steps"] {
            assert!(app.t.execute_raw(&format!("DELETE FROM {table}")).await.is_err(), "{table} append-only");
            assert!(app.t.execute_raw(&format!("UPDATE {table} SET id = id")).await.is_err(), "{table} append-only");
        }
    }
}

both_stores! {
    async fn nobody_outside_the_provider_sees_or_changes_a_booking(t: TestStore) {
        let clock = Arc::new(effekt_app::FixedClock::new(Utc.with_ymd_and_hms(2026, 3, 1, 8, 0, 0).unwrap()));
        let app = App::with_clock(t, Some(clock)).await;
        let staff = app.login("ansatt.a").await;
        let res = app.post_with_csrf("/tolk", "/tolk", &staff, &format!("gjelder=deltaker&deltaker=1&dato=02.03.2026&klokkeslett=10:00&varighet=60&{BOOK}&tolk_navn=Ali&tolk_kostnad=900")).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
        let id = ids(&app.get("/tolk", Some(&staff)).await.body, "tolk-")[0];
        // Another provider's staff: their own (empty) page, and a 404 for this booking.
        let other = app.login("ansatt.b").await;
        let page = app.get("/tolk", Some(&other)).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(!page.body.contains("Amina") && !page.body.contains("Ali"), "{}", page.body);
        let res = app.post_with_csrf("/tolk", &format!("/tolk/{id}"), &other, "handling=bekreft").await;
        assert_eq!(res.status, StatusCode::NOT_FOUND);
        // Provider B cannot book for provider A's participant.
        let res = app.post_with_csrf("/tolk", "/tolk", &other, &format!("gjelder=deltaker&deltaker=1&dato=02.03.2026&klokkeslett=12:00&varighet=60&{BOOK}&tolk_navn=Ali&tolk_kostnad=900")).await;
        assert_eq!(res.status, StatusCode::BAD_REQUEST);
        assert!(res.body.contains("Fant ingen deltaker"));
        let records = app.t.store.audit_records().await.unwrap();
        assert!(records.iter().any(|r| r.record.actor_name == "ansatt.b" && r.record.subject.0 == 1
            && r.record.decision == effekt_store::model::Decision::Deny && r.record.purpose == "participant.interpreter"),
            "the probe is on Amina's access log as refused");
        // Nav, investors, the evaluator and the rest: no page, no export, no step.
        for user in ["veileder1", "forvalter", "investor", "evaluator", "tilrettelegger", "administrator", "personvern"] {
            let cookie = app.login(user).await;
            assert_eq!(app.get("/tolk", Some(&cookie)).await.status, StatusCode::FORBIDDEN, "{user}");
            assert_eq!(app.get("/tolk/kostnader.csv", Some(&cookie)).await.status, StatusCode::FORBIDDEN, "{user}");
            let res = app.post_with_csrf("/hjem", &format!("/tolk/{id}"), &cookie, "handling=bekreft").await;
            assert_eq!(res.status, StatusCode::FORBIDDEN, "{user}");
        }
        assert_eq!(app.get("/tolk", None).await.status, StatusCode::SEE_OTHER, "anonymous: to the login");
        assert_eq!(count(&app, "interpreter_booking_steps").await, 0);
    }
}
