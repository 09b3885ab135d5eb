//! Amendments through the contract page, on both stores: proposed by one party with an
//! effective date, agreed by Nav, the lead provider and the investor (and by every party when
//! approved periods are re-priced), refused with reasons, and shown in plain words
//! (issue 4, §4).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use axum::http::StatusCode;
use common::*;
use effekt_domain::contract::amendment::VersionState;
use effekt_store::both_stores;
use effekt_store::fixture::{self, *};

async fn versions(app: &App) -> Vec<(u32, VersionState)> {
    app.t
        .store
        .contract_versions(CONTRACT)
        .await
        .unwrap()
        .iter()
        .map(|v| (v.version, v.state))
        .collect()
}

#[test]
fn the_fixture_contract_file_is_the_fixture_terms() {
    let checked = effekt_engine::contract::check(&contract_file(50_000)).unwrap();
    assert_eq!(checked, fixture::contract_terms(50_000).unwrap());
}

both_stores! {
    async fn an_amendment_is_in_force_once_nav_the_lead_and_the_investor_agree(t: TestStore) {
        let app = App::new(t).await;
        let nav = app.login("forvalter").await;
        let page = app.get("/kontrakter/1", Some(&nav)).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("Du handler for") && page.body.contains("Nav Oslo (nav)"), "{}", page.body);
        assert!(page.body.contains("arbeid i minst 50 % stilling i 26 uker"));
        assert!(page.body.contains("[[outcome]]"), "the form starts from the file in force");

        // Every proposal says why; a reason naming a person is refused, since every party
        // reads it and the INDIGO export publishes it. Nothing is stored either way.
        let text = urlencode(&contract_file(60_000));
        for (reason, says) in [
            ("", "Skriv en begrunnelse."),
            ("Gjelder+241095+12482+som+sluttet", "ser ut til å inneholde et fødselsnummer"),
        ] {
            let form = format!("gyldig_fra=01.01.2027&vilkar={text}&endringsgrunn={reason}");
            let res = app.post_with_csrf("/kontrakter/1", "/kontrakter/1/endringer", &nav, &form).await;
            assert_eq!(res.status, StatusCode::BAD_REQUEST, "{reason}");
            assert!(res.body.contains(says), "{says}: {}", res.body);
            assert!(res.body.contains(r#"id="endringsgrunn-error""#), "the error stands at the field");
        }
        assert_eq!(versions(&app).await.len(), 1, "nothing was stored");

        // Effective 1 January 2027, after every approved period: Nav (by proposing), the lead
        // and the investor must agree; provider B is told.
        let res = app.propose(&nav, "01.01.2027", 60_000).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
        assert_eq!(versions(&app).await, vec![(1, VersionState::InForce), (2, VersionState::Proposed)]);
        let page = app.get("/kontrakter/1", Some(&nav)).await.body;
        assert!(page.contains("Resultatmålet «Varig arbeid» får ny pris: fast kr\u{a0}60\u{a0}000,00 (var: fast kr\u{a0}50\u{a0}000,00)."), "{page}");
        assert!(page.contains("Varslet: Leverandør B."), "{page}");
        assert!(page.contains("Ny pris etter forhandlingsmøte"), "the proposer's reason is shown: {page}");
        assert!(!page.contains("før en periode som allerede er godkjent"));
        // One proposal at a time.
        assert!(!page.contains("/kontrakter/1/endringer"), "no proposal form while one waits");
        let second = app.propose(&nav, "01.02.2027", 70_000).await;
        assert_eq!(second.status, StatusCode::BAD_REQUEST);
        assert!(second.body.contains("Et forslag venter allerede"), "{}", second.body);
        assert_eq!(versions(&app).await.len(), 2);

        // Provider B's admin is told, not asked; provider staff do not act for their provider.
        let admin_b = app.login("admin.b").await;
        let res = app.decide(&admin_b, 2, "approve").await;
        assert_eq!(res.status, StatusCode::BAD_REQUEST);
        assert!(res.body.contains("Din part skal ikke ta stilling"), "{}", res.body);
        let staff_a = app.login("ansatt.a").await;
        let res = app.decide(&staff_a, 2, "approve").await;
        assert!(res.body.contains("Du handler ikke for en part"), "{}", res.body);
        // Nav agreed by proposing.
        assert!(app.decide(&nav, 2, "approve").await.body.contains("allerede tatt stilling"));

        let admin_a = app.login("admin.a").await;
        assert_eq!(app.decide(&admin_a, 2, "approve").await.status, StatusCode::SEE_OTHER);
        assert_eq!(versions(&app).await[1].1, VersionState::Proposed);
        // Still the old terms: the product judges and prices by version 1.
        assert_eq!(app.t.store.contract_terms(CONTRACT).await.unwrap().unwrap().0, 1);
        let investor = app.login("investor").await;
        assert_eq!(app.decide(&investor, 2, "approve").await.status, StatusCode::SEE_OTHER);
        assert_eq!(versions(&app).await[1].1, VersionState::InForce);
        assert_eq!(app.t.store.contract_terms(CONTRACT).await.unwrap().unwrap().0, 2);
        let stored = app.t.store.contract_versions(CONTRACT).await.unwrap();
        let who: Vec<(&str, &str)> = stored[1].decisions.iter().map(|(d, name, _)| (d.party.role.code(), name.as_str())).collect();
        assert_eq!(who, vec![("nav", "Test forvalter"), ("provider", "Test admin.a"), ("investor", "Test investor")]);
        assert_eq!(stored[1].effective_from, Some(chrono::NaiveDate::from_ymd_opt(2027, 1, 1).unwrap()));
        // The versions list says what version 2 changed, for everyone in the contract.
        let evaluator = app.login("evaluator").await;
        let page = app.get("/kontrakter/1", Some(&evaluator)).await.body;
        assert!(page.contains("får ny pris: fast kr\u{a0}60\u{a0}000,00"), "{page}");
        assert!(page.contains("01.01.2027"));
    }
}

both_stores! {
    async fn a_rejection_ends_a_proposal_and_bad_proposals_change_nothing(t: TestStore) {
        let app = App::new(t).await;
        let investor = app.login("investor").await;
        // An investor may propose too.
        let res = app.propose(&investor, "01.07.2026", 40_000).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
        let nav = app.login("forvalter").await;
        // A rejection without a reason is refused; nothing is recorded.
        let refused = app.decide(&nav, 2, "reject").await;
        assert_eq!(refused.status, StatusCode::BAD_REQUEST);
        assert!(refused.body.contains("Skriv hvorfor dere avviser forslaget"), "{}", refused.body);
        assert_eq!(versions(&app).await[1].1, VersionState::Proposed);
        let res = app
            .post_with_csrf("/kontrakter/1", "/kontrakter/1/versjoner/2", &nav, "beslutning=reject&begrunnelse=Prisen+er+for+lav+for+varig+arbeid")
            .await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
        assert_eq!(versions(&app).await, vec![(1, VersionState::InForce), (2, VersionState::Rejected)]);
        // The versions table says who rejected, when and why, to every party.
        let page = app.get("/kontrakter/1", Some(&investor)).await.body;
        assert!(page.contains("Avvist av Test forvalter (Nav Oslo"), "{page}");
        assert!(page.contains("«Prisen er for lav for varig arbeid»"), "{page}");
        let admin_a = app.login("admin.a").await;
        assert!(app.decide(&admin_a, 2, "approve").await.body.contains("ikke lenger et forslag"));

        // A file with problems: each with its line and key; nothing stored.
        let broken = contract_file(50_000).replace("count = 6", "count = 6\ncolour = \"red\"");
        let form = format!("gyldig_fra=01.01.2027&vilkar={}", urlencode(&broken));
        let res = app.post_with_csrf("/kontrakter/1", "/kontrakter/1/endringer", &nav, &form).await;
        assert_eq!(res.status, StatusCode::BAD_REQUEST);
        assert!(res.body.contains("linje 44, outcome[2].kind: unknown field `colour`"), "{}", res.body);
        assert!(res.body.contains("colour = &#34;red&#34;") || res.body.contains("colour = &quot;red&quot;"), "the text typed is kept");
        // A bad date, a date outside the contract, a moved start, no change at all.
        for (date, text, says) in [
            ("31.02.2027", contract_file(60_000), "dato"),
            ("01.01.2029", contract_file(60_000), "utenfor kontrakten"),
            ("01.01.2027", contract_file(60_000).replace("starts = 2025-01-01", "starts = 2025-02-01"), "Startdatoen kan ikke endres"),
            ("01.01.2027", contract_file(50_000), "de samme som gjelder nå"),
        ] {
            let form = format!("gyldig_fra={date}&vilkar={}", urlencode(&text));
            let res = app.post_with_csrf("/kontrakter/1", "/kontrakter/1/endringer", &nav, &form).await;
            assert_eq!(res.status, StatusCode::BAD_REQUEST, "{date}");
            assert!(res.body.contains(says), "{says}: {}", res.body);
        }
        assert_eq!(versions(&app).await.len(), 2, "nothing was stored");
        // Neither the evaluator nor a case officer nor provider staff may propose.
        for who in ["evaluator", "veileder1", "ansatt.a"] {
            let cookie = app.login(who).await;
            let page = app.get("/kontrakter/1", Some(&cookie)).await.body;
            assert!(!page.contains("/kontrakter/1/endringer"), "{who} sees no proposal form");
            let res = app.propose(&cookie, "01.01.2027", 60_000).await;
            assert_eq!(res.status, StatusCode::BAD_REQUEST, "{who}");
        }
        assert_eq!(versions(&app).await.len(), 2);
        // The administrator sees no contract; unknown contracts are not found.
        let admin = app.login("administrator").await;
        assert_eq!(app.get("/kontrakter/1", Some(&admin)).await.status, StatusCode::FORBIDDEN);
        assert_eq!(app.get("/kontrakter/999", Some(&nav)).await.status, StatusCode::NOT_FOUND);
        assert_eq!(app.get("/kontrakter", Some(&nav)).await.headers["location"], "/kontrakter/1");
    }
}

both_stores! {
    async fn re_pricing_an_approved_period_needs_every_party(t: TestStore) {
        let app = App::new(t).await;
        let nav = app.login("forvalter").await;
        // 2025Q1 approved and paid (no results yet).
        app.settle_period(1, "2025Q1").await;
        // Effective 1 March 2025, inside the approved 2025Q1.
        assert_eq!(app.propose(&nav, "01.03.2025", 55_000).await.status, StatusCode::SEE_OTHER);
        let page = app.get("/kontrakter/1", Some(&nav)).await.body;
        assert!(page.contains("før en periode som allerede er godkjent"), "{page}");
        for who in ["admin.a", "investor"] {
            let cookie = app.login(who).await;
            assert_eq!(app.decide(&cookie, 2, "approve").await.status, StatusCode::SEE_OTHER);
        }
        assert_eq!(versions(&app).await[1].1, VersionState::Proposed, "provider B and the evaluator must agree too");
        let admin_b = app.login("admin.b").await;
        assert_eq!(app.decide(&admin_b, 2, "approve").await.status, StatusCode::SEE_OTHER);
        let evaluator = app.login("evaluator").await;
        assert_eq!(app.decide(&evaluator, 2, "approve").await.status, StatusCode::SEE_OTHER);
        assert_eq!(versions(&app).await[1].1, VersionState::InForce);
    }
}

both_stores! {
    async fn an_agreed_amendment_effective_later_is_shown_as_coming_not_as_todays_price(t: TestStore) {
        // Today is 2 December 2026; version 2 is agreed to take effect on 1 January 2027.
        let at = "2026-12-02T10:00:00Z".parse().unwrap();
        let clock = std::sync::Arc::new(effekt_app::FixedClock::new(at));
        let app = App::with_clock(t, Some(clock.clone())).await;
        let nav = app.login("forvalter").await;
        assert_eq!(app.propose(&nav, "01.01.2027", 60_000).await.status, StatusCode::SEE_OTHER);
        for who in ["admin.a", "investor"] {
            let cookie = app.login(who).await;
            assert_eq!(app.decide(&cookie, 2, "approve").await.status, StatusCode::SEE_OTHER, "{who}");
        }
        assert_eq!(versions(&app).await[1].1, VersionState::InForce);
        let page = app.get("/kontrakter/1", Some(&nav)).await.body;
        // Today's price is version 1's; version 2 says when it comes.
        assert!(page.contains("Gjelder fra 01.01.2027"), "{page}");
        assert!(page.contains("Gjelder i dag"), "{page}");
        assert!(page.contains("fast kr\u{a0}50\u{a0}000,00"), "today's price: {page}");
        assert!(!page.contains(">fast kr\u{a0}60\u{a0}000,00<"), "not yet the new price: {page}");
        // On the day, version 2 is today's terms.
        clock.set("2027-01-01T10:00:00Z".parse().unwrap());
        // (A month later the session has expired: log in again.)
        let nav = app.login("forvalter").await;
        let page = app.get("/kontrakter/1", Some(&nav)).await.body;
        assert!(!page.contains("Gjelder fra 01.01.2027"), "{page}");
        assert!(page.contains("Gjaldt før"), "{page}");
    }
}
