//! Groups, sessions and attendance (issue 14, items 1–2): provider staff add members (an 11th
//! only with a reason), plan sessions and weekly series (refused when the room or the teacher
//! is taken), take attendance for the whole group in one write and correct it with a reason,
//! cancel a session with a reason. Only the provider's own staff and admins see a group; a
//! protected member is masked unless assigned. Bad input is named and stores nothing. On both
//! stores.

#![allow(clippy::disallowed_methods)]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use axum::http::StatusCode;
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

fn session_ids(page: &str) -> Vec<i64> {
    page.split("id=\"okt-")
        .skip(1)
        .filter_map(|s| s.split('"').next()?.parse().ok())
        .collect()
}

async fn plan(app: &App, cookie: &str, form: &str) -> Response {
    app.post_with_csrf("/grupper/1", "/grupper/1/okter", cookie, form)
        .await
}

both_stores! {
    async fn staff_plan_sessions_and_take_attendance_for_the_whole_group(t: TestStore) {
        let app = App::new(t).await;
        let staff = app.login("ansatt.a").await;
        let list = app.get("/deltakere", Some(&staff)).await.body;
        assert!(list.contains("href=\"/grupper\""));
        let groups = app.get("/grupper", Some(&staff)).await.body;
        assert!(groups.contains("Gruppe Morgen 1") && !groups.contains("Kveldsgruppe"), "{groups}");
        let page = app.get("/grupper/1", Some(&staff)).await.body;
        assert!(page.contains("Amina") && page.contains("Leila"), "ansatt.a is assigned to Leila: {page}");
        let admin = app.get("/grupper/1", Some(&app.login("admin.a").await)).await.body;
        assert!(admin.contains("Amina") && !admin.contains("Leila"), "masked for the admin");
        let teacher = option_value(&page, "laerer", "Test ansatt.a (ansatt.a)");

        let base = format!("klokkeslett=09:00&varighet=150&laerer={teacher}&modul=norsk-lese&antall=1");
        let res = plan(&app, &staff, &format!("dato=02.03.2026&rom=Rom+2&{base}")).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
        // The same room, and then the same teacher, at a time that overlaps: refused beside the field.
        let other = option_value(&page, "laerer", "Test admin.a (admin.a)");
        let res = plan(&app, &staff, &format!("dato=02.03.2026&rom=rom+2&klokkeslett=10:00&varighet=60&laerer={other}&modul=norsk-lese")).await;
        assert_eq!(res.status, StatusCode::BAD_REQUEST);
        assert!(res.body.contains("Rommet er opptatt: 02.03.2026 kl. 09.00–11.30") && res.body.contains("id=\"rom-error\""), "{}", res.body);
        let res = plan(&app, &staff, &format!("dato=02.03.2026&rom=Rom+3&klokkeslett=11:00&varighet=60&laerer={teacher}&modul=norsk-lese")).await;
        assert!(res.body.contains("Læreren har en annen økt da") && res.body.contains("id=\"laerer-error\""));
        assert_eq!(res.status, StatusCode::BAD_REQUEST);
        // Back to back is fine; a weekly series of three, remote.
        let res = plan(&app, &staff, &format!("dato=02.03.2026&digitalt=ja&klokkeslett=11:30&varighet=60&laerer={teacher}&modul=digitale-ferdigheter&antall=3")).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
        assert_eq!(count(&app, "group_sessions").await, 4);
        // Bad input stores nothing.
        for (form, field) in [
            (format!("dato=31.02.2026&rom=A&{base}"), "dato"),
            (format!("dato=02.04.2026&rom=&{base}"), "rom"),
            (format!("dato=02.04.2026&rom=A&klokkeslett=25:00&varighet=60&laerer={teacher}&modul=norsk-lese"), "klokkeslett"),
            (format!("dato=02.04.2026&rom=A&klokkeslett=09:00&varighet=5&laerer={teacher}&modul=norsk-lese"), "varighet"),
            ("dato=02.04.2026&rom=A&klokkeslett=09:00&varighet=60&laerer=999&modul=norsk-lese".to_owned(), "laerer"),
            (format!("dato=02.04.2026&rom=A&klokkeslett=09:00&varighet=60&laerer={teacher}&modul=strikking"), "modul"),
            (format!("dato=02.04.2026&rom=A&{base}").replace("antall=1", "antall=41"), "antall"),
        ] {
            let res = plan(&app, &staff, &form).await;
            assert_eq!(res.status, StatusCode::BAD_REQUEST, "{form}");
            assert!(res.body.contains(&format!("id=\"{field}-error\"")), "{form}: beside {field}: {}", res.body);
        }
        assert_eq!(count(&app, "group_sessions").await, 4, "nothing stored");
        // Two planners at once: a write whose clash check read a window that has changed since
        // (here: read before any session existed) stores nothing.
        let day = |h: u32| chrono::NaiveDate::from_ymd_opt(2026, 3, 2).unwrap().and_hms_opt(h, 0, 0).unwrap();
        let stale = effekt_store::groups::CheckedWindow { provider: effekt_store::fixture::PROVIDER_A, from: day(0), to: day(23), sessions: vec![] };
        let late = effekt_domain::groups::session(day(13), 60, "Rom 9", false, effekt_domain::ids::UserId(1), "norsk-lese").unwrap();
        let new = [effekt_store::groups::NewSession { session: late, series: None }];
        let written = app.t.store.plan_sessions(effekt_domain::ids::GroupId(1), &stale, &new, effekt_domain::ids::UserId(1), chrono::Utc::now()).await.unwrap();
        assert_eq!(written, None);
        assert_eq!(count(&app, "group_sessions").await, 4, "nothing stored");

        // Attendance for the first session: the whole group, one write.
        let page = app.get("/grupper/1", Some(&staff)).await.body;
        let first = session_ids(&page)[0];
        let path = format!("/grupper/1/okter/{first}");
        let form = app.get(&path, Some(&staff)).await.body;
        for p in [1, 2, 3] {
            assert!(form.contains(&format!("name=\"oppmote-{p}\"")), "member {p} on the form");
        }
        let take = |f: String| {
            let (app, staff, path) = (&app, staff.clone(), path.clone());
            async move { app.post_with_csrf(&path, &path, &staff, &f).await }
        };
        let whole = "oppmote-1=TILSTEDE&oppmote-2=FRAVAER&arsak-2=SYK&oppmote-3=DIGITALT&timer-3=1%2C5";
        for (f, words) in [
            (format!("{whole}&oppmote-4=TILSTEDE"), "er ikke med i gruppen"),
            ("oppmote-1=TILSTEDE&oppmote-3=TILSTEDE".to_owned(), "(1 mangler)"),
            (whole.replace("arsak-2=SYK", "arsak-2="), "Velg en fraværsgrunn"),
            (whole.replace("timer-3=1%2C5", "timer-3=3"), "Timer må være et tall fra 0 til øktas lengde (2,5 t)"),
        ] {
            let res = take(f.clone()).await;
            assert_eq!(res.status, StatusCode::BAD_REQUEST, "{f}");
            assert!(res.body.contains(words), "{f}: {}", res.body);
        }
        assert_eq!(count(&app, "attendance_marks").await, 0, "nothing stored");
        let res = take(whole.to_owned()).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
        assert_eq!(count(&app, "attendance_marks").await, 3);
        let form = app.get(&path, Some(&staff)).await.body;
        assert!(form.contains("Test ansatt.a (ansatt.a)") && form.contains("value=\"1,5\""), "{form}");
        // A correction needs a reason, and is a new record.
        let corrected = whole.replace("oppmote-2=FRAVAER&arsak-2=SYK", "oppmote-2=TILSTEDE");
        let res = take(corrected.clone()).await;
        assert_eq!(res.status, StatusCode::BAD_REQUEST);
        assert!(res.body.contains("id=\"korrigering-error\""));
        let res = take(format!("{corrected}&korrigering=Kom+etter+pausen")).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
        assert_eq!(count(&app, "attendance_marks").await, 6);
        // The participant's plan section: attendance per month (Leila took part remotely for
        // 1,5 of the session's 2,5 hours; Amina the whole session).
        let leila = app.get("/deltakere/3", Some(&staff)).await.body;
        assert!(leila.contains("<th scope=\"row\">03.2026</th><td class=\"num\">60 %</td>"), "{leila}");
        let amina = app.get("/deltakere/1", Some(&staff)).await.body;
        assert!(amina.contains("<th scope=\"row\">03.2026</th><td class=\"num\">100 %</td>"));
        // A held session is not cancelled.
        let res = app.post_with_csrf(&path, &format!("{path}/avlys"), &staff, "avlysning=Syk+l%C3%A6rer").await;
        assert_eq!(res.status, StatusCode::BAD_REQUEST);

        // A session in the future: no attendance yet; cancelled with a reason, then no attendance.
        let res = plan(&app, &staff, &format!("dato=05.01.2099&rom=Rom+2&{base}")).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER);
        let page = app.get("/grupper/1", Some(&staff)).await.body;
        let future = *session_ids(&page).last().unwrap();
        let fpath = format!("/grupper/1/okter/{future}");
        let res = app.post_with_csrf(&fpath, &fpath, &staff, whole).await;
        assert_eq!(res.status, StatusCode::BAD_REQUEST);
        assert!(res.body.contains("før økta har begynt"));
        let res = app.post_with_csrf(&fpath, &format!("{fpath}/avlys"), &staff, "avlysning=").await;
        assert_eq!(res.status, StatusCode::BAD_REQUEST);
        let res = app.post_with_csrf(&fpath, &format!("{fpath}/avlys"), &staff, "avlysning=Helligdag").await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
        assert!(app.get("/grupper/1", Some(&staff)).await.body.contains("Avlyst: Helligdag"));

        let ops: Vec<String> = app.t.store.operations().await.unwrap().into_iter().map(|o| o.action).collect();
        for action in ["session.plan", "attendance.take", "session.cancel"] {
            assert!(ops.iter().any(|o| o == action), "{action}");
        }
        let records = app.t.store.audit_records().await.unwrap();
        assert!(records.iter().any(|r| r.record.purpose == "participant.attendance" && r.record.subject.0 == 1));
        for table in ["attendance_marks", "group_sessions", "session_cancellations"] {
            assert!(app.t.execute_raw(&format!("DELETE FROM {table}")).await.is_err(), "{table} append-only");
        }
    }
}

both_stores! {
    async fn only_the_providers_own_staff_see_or_change_a_group(t: TestStore) {
        let app = App::new(t).await;
        let other = app.login("ansatt.b").await;
        assert_eq!(app.get("/grupper/1", Some(&other)).await.status, StatusCode::NOT_FOUND);
        assert_eq!(app.get("/grupper/1/okter/1", Some(&other)).await.status, StatusCode::NOT_FOUND);
        let res = app.post_with_csrf("/hjem", "/grupper/1/medlemmer", &other, "deltaker=4&fra=01.03.2026").await;
        assert_eq!(res.status, StatusCode::NOT_FOUND);
        for user in ["veileder1", "forvalter", "investor", "evaluator", "tilrettelegger", "administrator", "personvern"] {
            let cookie = app.login(user).await;
            for path in ["/grupper", "/grupper/1"] {
                assert_eq!(app.get(path, Some(&cookie)).await.status, StatusCode::FORBIDDEN, "{user} {path}");
            }
            let res = app.post_with_csrf("/hjem", "/grupper/1/okter", &cookie, "dato=02.03.2026").await;
            assert_eq!(res.status, StatusCode::FORBIDDEN, "{user}");
        }
        // Another provider's participant, and a person masked for the viewer, cannot be added.
        let staff = app.login("ansatt.a").await;
        for p in ["4", "6", "x"] {
            let res = app.post_with_csrf("/grupper/1", "/grupper/1/medlemmer", &staff, &format!("deltaker={p}&fra=01.03.2026")).await;
            assert_eq!(res.status, StatusCode::BAD_REQUEST, "{p}");
            assert!(res.body.contains("id=\"deltaker-error\""), "{p}");
        }
        // Each probe of a real participant is on that person's access log as refused.
        let records = app.t.store.audit_records().await.unwrap();
        let denied = |subject: i64| records.iter().any(|r| r.record.actor_name == "ansatt.a" && r.record.subject.0 == subject
            && r.record.decision == effekt_store::model::Decision::Deny && r.record.purpose == "participant.list");
        assert!(denied(4) && denied(6), "both probes audited");
        let res = app.post_with_csrf("/grupper/1", "/grupper/1/medlemmer", &staff, "deltaker=1&fra=01.03.2026").await;
        assert!(res.body.contains("allerede med i gruppen"), "{}", res.body);
        // Olena's participation ended on 01.03.2026: she is a former member from that day, and
        // a session after it has no row for her.
        let page = app.get("/grupper/2", Some(&other)).await.body;
        assert!(page.contains("01.02.2025–01.03.2026 (tidligere)"), "{page}");
        let teacher = option_value(&page, "laerer", "Test ansatt.b (ansatt.b)");
        let form = format!("dato=02.03.2026&klokkeslett=09:00&varighet=60&rom=Sal&laerer={teacher}&modul=norsk-lese");
        assert_eq!(app.post_with_csrf("/grupper/2", "/grupper/2/okter", &other, &form).await.status, StatusCode::SEE_OTHER);
        let session = session_ids(&app.get("/grupper/2", Some(&other)).await.body)[0];
        let attendance = app.get(&format!("/grupper/2/okter/{session}"), Some(&other)).await.body;
        assert!(attendance.contains("name=\"oppmote-4\"") && !attendance.contains("name=\"oppmote-5\""), "{attendance}");
    }
}

both_stores! {
    async fn an_eleventh_member_needs_a_reason(t: TestStore) {
        let app = App::new(t).await;
        // Seven more memberships (of the other provider's participant Dawit, as padding) make ten.
        for n in 0..7 {
            app.t.execute_raw(&format!("INSERT INTO group_memberships (group_id, participant_id, valid_from) VALUES (1, 4, '2025-01-0{}')", n + 1)).await.unwrap();
        }
        let staff = app.login("ansatt.a").await;
        // Participant 6 is masked for ansatt.a until assigned.
        let id = app.t.store.user_by_username("ansatt.a").await.unwrap().unwrap().id;
        app.t.store.assign_staff(id, effekt_domain::ids::ParticipantId(6)).await.unwrap();
        let before = count(&app, "group_memberships").await;
        let res = app.post_with_csrf("/grupper/1", "/grupper/1/medlemmer", &staff, "deltaker=6&fra=01.03.2026").await;
        assert_eq!(res.status, StatusCode::BAD_REQUEST);
        assert!(res.body.contains("Gruppen har allerede 10 deltakere") && res.body.contains("id=\"begrunnelse-error\""), "{}", res.body);
        assert_eq!(count(&app, "group_memberships").await, before);
        let res = app.post_with_csrf("/grupper/1", "/grupper/1/medlemmer", &staff, "deltaker=6&fra=01.03.2026&begrunnelse=S%C3%B8sken+i+gruppen").await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
        let page = app.get("/grupper/1", Some(&staff)).await.body;
        assert!(page.contains("Over 10 deltakere: Søsken i gruppen"), "{page}");
        assert_eq!(app.t.scalar_text("SELECT CAST(group_id AS TEXT) FROM participants WHERE id = 6").await.unwrap(), "1");
    }
}

both_stores! {
    async fn a_member_leaves_the_group_from_a_date_and_is_then_a_former_member(t: TestStore) {
        let app = App::new(t).await;
        let staff = app.login("ansatt.a").await;
        let leave = |form: &'static str| {
            let (app, staff) = (&app, staff.clone());
            async move { app.post_with_csrf("/grupper/1", "/grupper/1/medlemmer/slutt", &staff, form).await }
        };
        // Amina (1) joined with her first status; the fixture's first status is in 2025 or 2026.
        for (form, field) in [
            ("slutt_deltaker=4&til=01.06.2026", "slutt_deltaker"),
            ("slutt_deltaker=abc&til=01.06.2026", "slutt_deltaker"),
            ("slutt_deltaker=1&til=31.02.2026", "til"),
            ("slutt_deltaker=1&til=01.01.2000", "til"),
        ] {
            let res = leave(form).await;
            assert_eq!(res.status, StatusCode::BAD_REQUEST, "{form}");
            assert!(res.body.contains(&format!("id=\"{field}-error\"")), "{form}: beside {field}: {}", res.body);
        }
        const CURRENT: &str = "SELECT CAST(COUNT(*) AS TEXT) FROM group_memberships WHERE participant_id = 1 AND valid_to IS NULL";
        assert_eq!(app.t.scalar_text(CURRENT).await.unwrap(), "1", "nothing stored");
        // The admin sees Leila (3) masked: her number ends nothing for him.
        let admin = app.login("admin.a").await;
        let res = app.post_with_csrf("/grupper/1", "/grupper/1/medlemmer/slutt", &admin, "slutt_deltaker=3&til=01.06.2026").await;
        assert_eq!(res.status, StatusCode::BAD_REQUEST);
        assert!(res.body.contains("Skriv nummeret til en deltaker i gruppen."));
        let records = app.t.store.audit_records().await.unwrap();
        assert!(records.iter().any(|r| r.record.actor_name == "admin.a" && r.record.subject.0 == 3
            && r.record.decision == effekt_store::model::Decision::Deny && r.record.purpose == "participant.list"),
            "the probe of a masked member is on her access log as refused");
        // Another provider: not found.
        let other = app.login("ansatt.b").await;
        let res = app.post_with_csrf("/deltakere", "/grupper/1/medlemmer/slutt", &other, "slutt_deltaker=1&til=01.06.2026").await;
        assert_eq!(res.status, StatusCode::NOT_FOUND);
        let res = leave("slutt_deltaker=1&til=01.06.2026").await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
        assert_eq!(app.t.scalar_text(CURRENT).await.unwrap(), "0");
        let page = app.get("/grupper/1", Some(&staff)).await.body;
        assert!(page.contains("–01.06.2026 (tidligere)"), "{page}");
        assert!(app.get("/grupper/1?lagret=slutt", Some(&staff)).await.body.contains("Deltakeren er ikke lenger med i gruppen."));
        let group: String = app.t.scalar_text("SELECT CAST(COALESCE(group_id, 0) AS TEXT) FROM participants WHERE id = 1").await.unwrap();
        assert_eq!(group, "0", "no current group");
        // Twice: refused.
        let res = leave("slutt_deltaker=1&til=02.06.2026").await;
        assert!(res.body.contains("Deltakeren er ikke med i gruppen nå."), "{}", res.body);
        let ops: Vec<String> = app.t.store.operations().await.unwrap().into_iter().map(|o| o.action).collect();
        assert!(ops.iter().any(|o| o == "group.leave"));
    }
}
