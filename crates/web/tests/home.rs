//! Every role's home (issue 12): what waits for the person, each task linking to where it is
//! done and gone once it is done; deadlines on a pinned clock; on both stores.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use axum::http::StatusCode;
use common::*;
use effekt_store::both_stores;

both_stores! {
    async fn each_step_of_a_statement_waits_on_the_home_of_whoever_takes_it(t: TestStore) {
        // 10 April 2025: the first quarter is over and the snapshot (to 30 June 2026) covers it.
        let clock = std::sync::Arc::new(effekt_app::FixedClock::new("2025-04-10T08:00:00Z".parse().unwrap()));
        let app = App::with_clock(t, Some(clock.clone())).await;
        let manager = tasks(&app, "forvalter").await;
        assert_eq!(manager, vec![("Beregn oppgjøret".to_owned(), "/utbetalinger".to_owned(), "14.04.2025".to_owned())]);
        for user in ["evaluator", "veileder1", "investor", "admin.a", "ansatt.a", "tilrettelegger", "administrator"] {
            assert!(tasks(&app, user).await.is_empty(), "{user} has nothing to do yet");
        }
        // Past the fourteen days it is overdue, and says so in words.
        clock.set("2025-04-20T08:00:00Z".parse().unwrap());
        let manager = tasks(&app, "forvalter").await;
        assert!(manager[0].2.contains("14.04.2025") && manager[0].2.contains("Forfalt"), "{manager:?}");

        // Computed: the computation task is gone; the evaluator verifies.
        let nav = app.login("forvalter").await;
        let id = app.compute(&nav, 1, "2025Q1").await;
        assert!(tasks(&app, "forvalter").await.is_empty());
        let evaluator = tasks(&app, "evaluator").await;
        assert_eq!(evaluator, vec![("Verifiser oppgjøret".to_owned(), format!("/utbetalinger/{id}"), "–".to_owned())]);
        // The link leads to where it is done.
        let cookie = app.login("evaluator").await;
        let page = app.get(&evaluator[0].1, Some(&cookie)).await;
        assert!(page.body.contains("name=\"step\" value=\"verify\""), "{}", page.body);
        let step = |who: &'static str, step: &'static str| {
            let app = &app;
            async move {
                let cookie = app.login(who).await;
                let form = if step == "pay" { "step=pay&betalt_dato=19.04.2025&referanse=KID-1".to_owned() } else { format!("step={step}") };
                let res = app.post_with_csrf("/utbetalinger", &format!("/utbetalinger/{id}/steg"), &cookie, &form).await;
                assert_eq!(res.status, StatusCode::SEE_OTHER, "{who} {step}: {}", res.body);
            }
        };
        step("evaluator", "verify").await;
        assert!(tasks(&app, "evaluator").await.is_empty(), "done: gone");
        // Both case officers may approve; the one who computed may not.
        assert_eq!(labels(&tasks(&app, "veileder1").await), ["Godkjenn oppgjøret"]);
        assert_eq!(labels(&tasks(&app, "veileder2").await), ["Godkjenn oppgjøret"]);
        assert!(tasks(&app, "forvalter").await.is_empty(), "own computation");
        step("veileder1", "approve").await;
        assert!(tasks(&app, "veileder1").await.is_empty());
        step("veileder2", "approve").await;
        // Approved on 20 April: to pay within 30 days.
        assert_eq!(
            tasks(&app, "forvalter").await,
            vec![("Registrer utbetalingen".to_owned(), format!("/utbetalinger/{id}"), "20.05.2025".to_owned())]
        );
        step("forvalter", "pay").await;
        // Paid: the next quarter is not over yet, so nothing waits for anyone.
        for (user, _) in USERS {
            assert!(tasks_besides_milestones(&app, user).await.is_empty(), "{user}");
        }
    }
}

both_stores! {
    async fn an_amendment_waits_for_the_parties_whose_answer_is_needed(t: TestStore) {
        let clock = std::sync::Arc::new(effekt_app::FixedClock::new("2025-02-10T08:00:00Z".parse().unwrap()));
        let app = App::with_clock(t, Some(clock)).await;
        let nav = app.login("forvalter").await;
        assert_eq!(app.propose(&nav, "01.01.2027", 60_000).await.status, StatusCode::SEE_OTHER);
        let decide = ("Ta stilling til endringsforslaget".to_owned(), "/kontrakter/1".to_owned(), "–".to_owned());
        assert_eq!(tasks(&app, "admin.a").await, vec![decide.clone()]);
        assert_eq!(tasks(&app, "investor").await, vec![decide.clone()]);
        // Proposing was agreeing; the other provider is told, not asked; staff act for no party.
        for user in ["forvalter", "admin.b", "ansatt.a", "veileder1", "evaluator", "tilrettelegger"] {
            assert!(tasks(&app, user).await.is_empty(), "{user}");
        }
        let admin_a = app.login("admin.a").await;
        assert_eq!(app.decide(&admin_a, 2, "approve").await.status, StatusCode::SEE_OTHER);
        assert!(tasks(&app, "admin.a").await.is_empty());
        assert_eq!(tasks(&app, "investor").await, vec![decide]);
    }
}

both_stores! {
    async fn the_home_is_everyones_first_page_and_names_no_one(t: TestStore) {
        let app = App::new(t).await;
        for (user, _) in USERS {
            let res = app.try_login(user, PASSWORD).await;
            assert_eq!(res.headers["location"], "/hjem", "{user}");
            let cookie = app.login(user).await;
            let page = app.get("/hjem", Some(&cookie)).await;
            assert!(page.body.contains("aria-current=\"page\""), "{user}");
            // A task may link to a participant's page by number (a milestone to follow up), never
            // name one.
            for p in &effekt_store::fixture::dataset().unwrap().persons {
                for name in [&p.given_name, &p.family_name] {
                    assert!(!page.body.contains(name.as_str()), "{user}: {name} on the home");
                }
            }
        }
        assert_eq!(app.get("/hjem", None).await.headers["location"], "/logg-inn");
    }
}

both_stores! {
    async fn a_statement_sent_back_waits_for_the_contract_manager_to_compute_it_again(t: TestStore) {
        let clock = std::sync::Arc::new(effekt_app::FixedClock::new("2025-04-10T08:00:00Z".parse().unwrap()));
        let app = App::with_clock(t, Some(clock)).await;
        let nav = app.login("forvalter").await;
        let first = app.compute(&nav, 1, "2025Q1").await;
        let evaluator = app.login("evaluator").await;
        let page = app.get(&format!("/utbetalinger/{first}"), Some(&evaluator)).await.body;
        assert!(page.contains("name=\"step\" value=\"send_back\"") && page.contains("Send tilbake til kontraktsforvalteren"), "{page}");
        let send_back = |form: &'static str| {
            let (app, cookie) = (&app, evaluator.clone());
            async move { app.post_with_csrf("/utbetalinger", &format!("/utbetalinger/{first}/steg"), &cookie, form).await }
        };
        // A reason is required, and nothing changes without one.
        let refused = send_back("step=send_back&kommentar=++").await;
        assert_eq!(refused.status, StatusCode::BAD_REQUEST);
        assert!(refused.body.contains("Skriv hva som er feil"), "{}", refused.body);
        assert_eq!(labels(&tasks(&app, "evaluator").await), ["Verifiser oppgjøret"]);
        let done = send_back("step=send_back&kommentar=Snittl%C3%B8nn+mangler+for+mars").await;
        assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
        // Off the evaluator's home, onto the contract manager's, due from the quarter's end.
        assert!(tasks(&app, "evaluator").await.is_empty());
        assert_eq!(
            tasks(&app, "forvalter").await,
            vec![("Beregn på nytt: sendt tilbake".to_owned(), "/utbetalinger".to_owned(), "14.04.2025".to_owned())]
        );
        let page = app.get(&format!("/utbetalinger/{first}"), Some(&nav)).await.body;
        assert!(page.contains("Sendt tilbake") && page.contains("«Snittlønn mangler for mars»"), "{page}");
        // Nobody vouches for it now.
        let page = app.get(&format!("/utbetalinger/{first}"), Some(&evaluator)).await.body;
        assert!(!page.contains("value=\"verify\"") && !page.contains("value=\"send_back\""), "{page}");
        assert_eq!(send_back("step=verify").await.status, StatusCode::BAD_REQUEST);
        // The evaluator asked for the new computation: no reason is asked of the manager.
        let list = app.get("/utbetalinger", Some(&nav)).await.body;
        assert!(!list.contains("Begrunnelse for å beregne på nytt"), "{list}");
        let second = app.compute(&nav, 1, "2025Q1").await;
        assert_ne!(second, first);
        assert!(tasks(&app, "forvalter").await.is_empty());
        assert_eq!(
            tasks(&app, "evaluator").await,
            vec![("Verifiser oppgjøret".to_owned(), format!("/utbetalinger/{second}"), "–".to_owned())]
        );
    }
}

both_stores! {
    async fn the_proposer_withdraws_a_proposal_and_then_nobody_is_asked(t: TestStore) {
        let clock = std::sync::Arc::new(effekt_app::FixedClock::new("2025-02-10T08:00:00Z".parse().unwrap()));
        let app = App::with_clock(t, Some(clock)).await;
        let nav = app.login("forvalter").await;
        assert_eq!(app.propose(&nav, "01.01.2027", 60_000).await.status, StatusCode::SEE_OTHER);
        let page = app.get("/kontrakter/1", Some(&nav)).await.body;
        assert!(page.contains("Trekk forslaget tilbake"), "the proposer is offered it: {page}");
        let admin_a = app.login("admin.a").await;
        let theirs = app.get("/kontrakter/1", Some(&admin_a)).await.body;
        assert!(!theirs.contains("Trekk forslaget tilbake"), "{theirs}");
        let withdraw = |cookie: String, form: &'static str| {
            let app = &app;
            async move { app.post_with_csrf("/kontrakter/1", "/kontrakter/1/versjoner/2", &cookie, form).await }
        };
        // Only the proposer, and only with a reason.
        let refused = withdraw(admin_a.clone(), "beslutning=withdraw&begrunnelse=Vi+vil+ikke").await;
        assert_eq!(refused.status, StatusCode::BAD_REQUEST);
        assert!(refused.body.contains("Bare den som foreslo endringen"), "{}", refused.body);
        let refused = withdraw(nav.clone(), "beslutning=withdraw").await;
        assert_eq!(refused.status, StatusCode::BAD_REQUEST);
        assert!(refused.body.contains("Skriv hvorfor du trekker forslaget tilbake"), "{}", refused.body);
        assert_eq!(labels(&tasks(&app, "admin.a").await), ["Ta stilling til endringsforslaget"]);
        let done = withdraw(nav.clone(), "beslutning=withdraw&begrunnelse=Prisen+forhandles+p%C3%A5+nytt").await;
        assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
        // Nobody is asked any more; the versions table says who withdrew it, when and why.
        for user in ["admin.a", "investor"] {
            assert!(tasks(&app, user).await.is_empty(), "{user}");
        }
        let page = app.get("/kontrakter/1", Some(&admin_a)).await.body;
        assert!(page.contains("Trukket tilbake av Test forvalter, 10.02.2025: «Prisen forhandles på nytt»"), "{page}");
        assert!(!page.contains("value=\"approve\""), "no decision left to take: {page}");
        // Twice is refused; a deciding party cannot answer it; a new proposal may follow.
        assert_eq!(withdraw(nav.clone(), "beslutning=withdraw&begrunnelse=Igjen").await.status, StatusCode::BAD_REQUEST);
        assert_eq!(app.decide(&admin_a, 2, "approve").await.status, StatusCode::BAD_REQUEST);
        assert_eq!(app.propose(&nav, "01.01.2027", 65_000).await.status, StatusCode::SEE_OTHER);
        assert_eq!(labels(&tasks(&app, "admin.a").await), ["Ta stilling til endringsforslaget"]);
    }
}

/// The value shown under `label` on `user`'s home, if any.
async fn figure(app: &App, user: &str, label: &str) -> Option<String> {
    let cookie = app.login(user).await;
    let body = app.get("/hjem", Some(&cookie)).await.body;
    let marker = format!("<span class=\"card-label\">{label}</span> <span class=\"card-value\">");
    let start = body.find(&marker)? + marker.len();
    Some(body[start..start + body[start..].find("</span>")?].to_owned())
}

/// Whole kroner in a shown amount (`kr 200 000,00` → 200000).
fn kroner(shown: &str) -> i64 {
    let digits: String = shown
        .split(',')
        .next()
        .unwrap()
        .chars()
        .filter(char::is_ascii_digit)
        .collect();
    digits.parse().unwrap()
}

both_stores! {
    async fn the_home_shows_what_has_been_paid_as_each_role_may_see_it(t: TestStore) {
        let app = App::new(t).await;
        assert_eq!(figure(&app, "forvalter", "Siste utbetalte periode").await.as_deref(), Some("Ingen ennå"));
        for period in ["2025Q1", "2025Q2", "2025Q3"] {
            app.settle_period(1, period).await;
        }
        // Nav and the evaluator: every statement's total.
        for user in ["forvalter", "evaluator", "veileder1"] {
            assert_eq!(figure(&app, user, "Utbetalt hittil").await.map(|v| kroner(&v)), Some(200_000), "{user}");
            assert_eq!(figure(&app, user, "Siste utbetalte periode").await.as_deref(), Some("3. kvartal 2025"), "{user}");
            assert_eq!(figure(&app, user, "Oppgjør under behandling").await.as_deref(), Some("0"), "{user}");
        }
        // Those who see totals only: 2025Q3 hides a cell under 5, so it is left out and named
        // (its 200,000 would otherwise follow from the sum less the other periods).
        for user in ["investor", "tilrettelegger"] {
            assert_eq!(figure(&app, user, "Utbetalt hittil").await, None, "{user}");
            let shown = figure(&app, user, "Utbetalt hittil, uten skjulte perioder").await.unwrap();
            assert_eq!(kroner(&shown), 0, "{user}: 2025Q1 and Q2 paid nothing");
            let cookie = app.login(user).await;
            let home = app.get("/hjem", Some(&cookie)).await.body;
            assert!(home.contains("Uten 3. kvartal 2025: et resultatmål gjaldt færre enn 5 deltakere.") && !home.contains("200\u{a0}000"), "{user}: {home}");
            assert_eq!(figure(&app, user, "Av taket for kontrakten").await, None, "{user}: no share of a partial sum");
        }
        // A provider sees its own share, and the two providers' shares make Nav's total.
        let a = figure(&app, "ansatt.a", "Utbetalt for egne deltakere").await.unwrap();
        let b = figure(&app, "admin.b", "Utbetalt for egne deltakere").await.unwrap();
        assert_eq!(kroner(&a) + kroner(&b), 200_000, "{a} + {b}");
        assert_eq!(figure(&app, "ansatt.a", "Utbetalt hittil").await, None);
        assert_eq!(figure(&app, "ansatt.a", "Av taket for kontrakten").await, None, "a share says nothing about the cap");
        // A statement in progress is counted, and the cached figures follow the step at once.
        let nav = app.login("forvalter").await;
        app.compute(&nav, 1, "2025Q4").await;
        assert_eq!(figure(&app, "forvalter", "Oppgjør under behandling").await.as_deref(), Some("1"));
        assert_eq!(figure(&app, "investor", "Oppgjør under behandling").await.as_deref(), Some("1"));
        // The privacy officer watches the log, not payments.
        let cookie = app.login("personvern").await;
        assert!(!app.get("/hjem", Some(&cookie)).await.body.contains("Nøkkeltall"));
    }
}

both_stores! {
    async fn the_administrators_home_counts_waiting_imports_and_locked_accounts(t: TestStore) {
        let app = App::new(t).await;
        assert_eq!(figure(&app, "administrator", "Importer som venter").await.as_deref(), Some("0"));
        assert_eq!(figure(&app, "administrator", "Låste kontoer nå").await.as_deref(), Some("0"));
        assert_eq!(figure(&app, "administrator", "Aktive kontoer").await.as_deref(), Some(USERS.len().to_string().as_str()));
        for _ in 0..5 {
            app.try_login("veileder2", "feil").await;
        }
        assert_eq!(figure(&app, "administrator", "Låste kontoer nå").await.as_deref(), Some("1"));
        let (core, viewer) = app.operator("administrator", effekt_app::policy::Grant::Administration).await;
        let missing = std::env::temp_dir().join("effekt-test-no-register-here");
        let _ = viewer.administration(&core).unwrap().import_register_dir(&missing, &|_| {}, &|_| {}).await;
        assert_eq!(figure(&app, "administrator", "Importer som venter").await.as_deref(), Some("1"));
        let cutoff = figure(&app, "administrator", "Registerdata til og med").await.unwrap();
        assert!(effekt_domain::dates::parse_civil_date(&cutoff).is_ok(), "{cutoff}");
    }
}
