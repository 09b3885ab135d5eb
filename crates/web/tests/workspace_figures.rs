//! The workspace in published figures (issue 13): per provider, referrals answered within the
//! agreed limit, late and still waiting, the median days to answer, and participants with a
//! verified milestone — on the overview those who see aggregates only read, suppressed like
//! every published count. On both stores.

#![allow(clippy::disallowed_methods)]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::sync::Arc;

use axum::http::StatusCode;
use chrono::{TimeZone, Utc};
use common::*;
use effekt_app::FixedClock;
use effekt_store::both_stores;

/// A valid synthetic national id (day `day`, month 12 + 40, 1972, individual number `ind`).
fn synthetic_id(day: u32, ind: u32) -> Option<String> {
    let mut digits: Vec<u32> = format!("{day:02}5272{ind:03}")
        .chars()
        .map(|c| c.to_digit(10).unwrap())
        .collect();
    let check = |d: &[u32], w: &[u32]| {
        let k = 11 - d.iter().zip(w).map(|(a, b)| a * b).sum::<u32>() % 11;
        if k == 11 {
            Some(0)
        } else if k == 10 {
            None
        } else {
            Some(k)
        }
    };
    let k1 = check(&digits, &[3, 7, 6, 1, 8, 9, 4, 5, 2])?;
    digits.push(k1);
    let k2 = check(&digits, &[5, 4, 3, 2, 7, 6, 5, 4, 3, 2])?;
    digits.push(k2);
    Some(digits.iter().map(|d| d.to_string()).collect())
}

/// Cells of a provider's row in the referral table (`nth` 0) or the milestone table (1) of the
/// workspace figures on the overview.
fn row_in(html: &str, provider: &str, nth: usize) -> Vec<String> {
    let mut rest = &html[html.find("id=\"arbeidsflate-tall\"").unwrap()..];
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

/// The referral cells and then the milestone cell of a provider's rows.
fn row(html: &str, provider: &str) -> Vec<String> {
    let mut cells = row_in(html, provider, 0);
    cells.extend(row_in(html, provider, 1));
    cells
}

both_stores! {
    async fn referrals_are_published_against_the_limit_with_a_median(t: TestStore) {
        let clock = Arc::new(FixedClock::new(Utc.with_ymd_and_hms(2026, 3, 1, 11, 0, 0).unwrap()));
        let app = App::with_clock(t, Some(clock.clone())).await;
        // Sixteen people of the register for each provider (an id whose check digit would be 10
        // does not exist and is skipped).
        let ids: Vec<String> = (480..490).flat_map(|ind| (1..=28).filter_map(move |day| synthetic_id(day, ind))).take(32).collect();
        assert_eq!(ids.len(), 32);
        for (n, id) in ids.iter().enumerate() {
            let key = 200 + n as i64;
            app.t.execute_raw(&format!(
                "INSERT INTO persons (key, given_name, family_name, birth_date, country_of_birth, protection, search_text) \
                 VALUES ({key}, 'Ny', 'Person{n}', '1972-12-01', 'Somalia', 'NONE', 'ny person{n}')")).await.unwrap();
            app.t.execute_raw(&format!(
                "INSERT INTO person_ids (person_key, national_id, kind, valid_from) VALUES ({key}, '{id}', 'FNR', '1972-12-01')")).await.unwrap();
        }
        let nav = app.login("veileder1").await;
        let name_b = app.t.scalar_text("SELECT name FROM providers WHERE id = 2").await.unwrap();
        let mut referred = Vec::new();
        for (n, id) in ids.iter().enumerate() {
            let provider = if n < 16 { 1 } else { 2 };
            let res = app.post_with_csrf("/henvisninger/ny", "/henvisninger", &nav, &format!("fodselsnummer={id}&tiltak=1:{provider}")).await;
            assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
            referred.push(res.headers["location"].to_str().unwrap().trim_start_matches("/deltakere/").split('?').next().unwrap().to_owned());
        }
        // Sessions end when idle: log in again after the clock moves.
        let answer = |id: String| {
            let (app, name_b) = (&app, &name_b);
            async move {
                let page = app.get(&format!("/deltakere/{id}"), Some(&app.login("veileder1").await)).await.body;
                let user = if page.contains(name_b.as_str()) { "ansatt.b" } else { "ansatt.a" };
                let staff = app.login(user).await;
                let res = app.post_with_csrf("/hjem", &format!("/deltakere/{id}/henvisning"), &staff, "svar=accept").await;
                assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
            }
        };
        // For each provider: six answered after 4 days (within the 10), five after 19, five
        // still waiting.
        clock.set(Utc.with_ymd_and_hms(2026, 3, 5, 11, 0, 0).unwrap());
        for id in referred[..6].iter().chain(&referred[16..22]) { answer(id.clone()).await; }
        clock.set(Utc.with_ymd_and_hms(2026, 3, 20, 11, 0, 0).unwrap());
        for id in referred[6..11].iter().chain(&referred[22..27]) { answer(id.clone()).await; }

        let investor = app.login("investor").await;
        let page = app.get("/oversikt", Some(&investor)).await;
        assert_eq!(page.status, StatusCode::OK);
        let name = app.t.scalar_text("SELECT name FROM providers WHERE id = 1").await.unwrap();
        // In time, late, waiting, referrals, median days, participants with a verified milestone.
        // No participant has a verified milestone: 0 is a small count too.
        assert_eq!(row(&page.body, &name), vec!["6", "5", "5", "16", "4", "&#60;5"]);
        assert_eq!(row(&page.body, &name_b), vec!["6", "5", "5", "16", "4", "&#60;5"]);
        assert!(!page.body.contains("Person1"), "no person on the overview");

        // A smaller provider's counts are suppressed, and its median is not shown.
        for id in &referred[11..13] { answer(id.clone()).await; }
        let page = app.get("/oversikt", Some(&investor)).await.body;
        let cells = row(&page, &name);
        assert_eq!(&cells[2], "&#60;5", "three waiting are suppressed: {cells:?}");
        // Thirteen answers: 6 after 4 days, 7 after 19 — the median is 19 where both answered
        // cells are shown, and hidden with them otherwise.
        let shown = |c: &str| c.parse::<u64>().is_ok();
        if shown(&cells[0]) && shown(&cells[1]) {
            assert_eq!(&cells[4], "19", "{cells:?}");
        } else {
            assert_eq!(&cells[4], "–", "{cells:?}");
        }
    }
}
