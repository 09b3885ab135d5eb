//! Attendance in published figures (issue 14, item 2): on the overview, per provider the
//! participants with attendance (suppressed like every published count) and the share of
//! planned hours attended where that count shows, and groups counted by band of attendance.
//! The shares are checked against the marks summed independently in SQL. Nav's case officer
//! and provider staff do not see the overview. On both stores.

#![allow(clippy::disallowed_methods)]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use axum::http::StatusCode;
use common::*;
use effekt_store::both_stores;

/// The cells of a provider's row in the attendance table (`nth` 0) or the band table (1).
fn row_in(html: &str, provider: &str, nth: usize) -> Vec<String> {
    let mut rest = &html[html.find("id=\"oppmote-tall\"").unwrap()..];
    let marker = format!("<th scope=\"row\">{provider}</th>");
    for _ in 0..nth {
        let at = rest.find(&marker).unwrap() + marker.len();
        rest = &rest[at..];
    }
    let start = rest.find(&marker).unwrap();
    let tr = &rest[start..rest[start..].find("</tr>").unwrap() + start];
    tr.split("<td class=\"num\">")
        .skip(1)
        .map(|c| c.split('<').next().unwrap().to_owned())
        .collect()
}

/// Minutes attended and planned by the provider's participants, the newest mark of each
/// participant and session, summed without the store's query.
async fn minutes(app: &App, provider: &str) -> (i64, i64) {
    let sum = |what: &str| {
        format!(
            "SELECT CAST(COALESCE(SUM({what}), 0) AS TEXT) FROM attendance_marks a \
             JOIN group_sessions o ON o.id = a.session_id \
             JOIN participant_groups g ON g.id = o.group_id \
             JOIN providers p ON p.id = g.provider_id WHERE p.name = '{provider}' \
             AND NOT EXISTS (SELECT 1 FROM attendance_marks b WHERE b.session_id = a.session_id \
             AND b.participant_id = a.participant_id AND b.id > a.id)"
        )
    };
    let attended = app
        .t
        .scalar_text(&sum(
            "CASE a.presence WHEN 'FRAVAER' THEN 0 ELSE o.minutes END",
        ))
        .await
        .unwrap();
    let planned = app.t.scalar_text(&sum("o.minutes")).await.unwrap();
    (attended.parse().unwrap(), planned.parse().unwrap())
}

both_stores! {
    async fn the_overview_publishes_attendance_per_provider_where_the_count_shows(t: TestStore) {
        let app = App::demo(t, 150).await;
        let login = |user: &'static str| app.login_with(user, effekt_engine::demo::DEMO_PASSWORD);
        let manager = login("kontrakt.forvalter").await;
        let page = app.get("/oversikt", Some(&manager)).await;
        assert_eq!(page.status, StatusCode::OK);
        let html = page.body;
        assert!(html.contains("Oppmøte (timer deltatt av planlagt)"), "{html}");
        let names: Vec<String> = {
            let table = &html[html.find("id=\"oppmote-tall\"").unwrap()..];
            let table = &table[..table.find("</table>").unwrap()];
            table.split("<th scope=\"row\">").skip(1).map(|r| r.split('<').next().unwrap().to_owned()).filter(|n| n != "Totalt").collect()
        };
        assert_eq!(names.len(), 3, "{names:?}");
        let mut shown = 0;
        for name in &names {
            let cells = row_in(&html, name, 0);
            let bands = row_in(&html, name, 1);
            assert_eq!(bands.len(), 5, "four bands and the small groups");
            if cells[0].parse::<u64>().is_ok() {
                shown += 1;
                // The demo marks present and remote with the whole session, absent with 0 hours:
                // the share is minutes attended over planned, rounded down.
                let (attended, planned) = minutes(&app, name).await;
                assert!(planned > 0);
                assert_eq!(cells[1], format!("{} %", attended * 100 / planned), "{name}");
                let groups: usize = bands[..4].iter().chain([&bands[4]]).map(|b| b.parse::<usize>().unwrap()).sum();
                assert!(groups > 0, "{name}: every group with attendance is counted once: {bands:?}");
            } else {
                assert_eq!(cells[1], "–", "{name}: no share where the count is hidden");
                assert!(bands.iter().all(|b| b == "–"), "{name}");
            }
        }
        assert!(shown >= 2, "the demo's providers have groups with attendance");
        // The investor and the facilitator read the same figures; a provider's staff and Nav's
        // case officer have no overview.
        for user in ["investor.stiftelse", "tilrettelegger"] {
            let page = app.get("/oversikt", Some(&login(user).await)).await;
            assert_eq!(page.status, StatusCode::OK, "{user}");
            assert!(page.body.contains("id=\"oppmote-tall\""), "{user}");
        }
        for user in ["jobbspesialist.stor", "laerer.stor", "veileder.grunerlokka"] {
            let page = app.get("/oversikt", Some(&login(user).await)).await;
            assert_eq!(page.status, StatusCode::FORBIDDEN, "{user}");
        }
    }
}

both_stores! {
    async fn a_provider_with_fewer_than_five_participants_with_attendance_is_hidden(t: TestStore) {
        let app = App::new(t).await;
        // Provider A's group 1 (three members) takes attendance for a session held in March.
        let staff = app.login("ansatt.a").await;
        let page = app.get("/grupper/1", Some(&staff)).await.body;
        let select = page.split("name=\"laerer\"").nth(1).unwrap();
        let at = select.find("Test ansatt.a (ansatt.a)").unwrap();
        let teacher = select[..at].rsplit("value=\"").next().unwrap().split('"').next().unwrap().to_owned();
        let form = format!("dato=02.03.2026&rom=Rom+2&klokkeslett=09:00&varighet=60&laerer={teacher}&modul=norsk-lese");
        assert_eq!(app.post_with_csrf("/grupper/1", "/grupper/1/okter", &staff, &form).await.status, StatusCode::SEE_OTHER);
        let page = app.get("/grupper/1", Some(&staff)).await.body;
        let session: i64 = page.split("id=\"okt-").nth(1).unwrap().split('"').next().unwrap().parse().unwrap();
        let path = format!("/grupper/1/okter/{session}");
        let res = app.post_with_csrf(&path, &path, &staff, "oppmote-1=TILSTEDE&oppmote-2=TILSTEDE&oppmote-3=DIGITALT").await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
        let html = app.get("/oversikt", Some(&app.login("forvalter").await)).await.body;
        let table = &html[html.find("id=\"oppmote-tall\"").unwrap()..];
        // Three participants: under five, no share, no bands; the total is hidden with it.
        assert!(table.contains("<th scope=\"row\">Arbeidsinkludering Oslo AS</th><td class=\"num\">&#60;5</td><td class=\"num\">–</td>"), "{table}");
        assert!(!table.contains("100 %"), "the share of a hidden count is not shown: {table}");
    }
}
