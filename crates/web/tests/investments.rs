//! The investors' page on both stores: the waterfall worked out by hand, each investor seeing
//! only its own position, and who may not see it at all (issue 4, §6).

#![allow(clippy::disallowed_methods)]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use axum::http::StatusCode;
use common::*;
use effekt_store::both_stores;

fn kr(amount: &str) -> String {
    format!("kr\u{a0}{}", amount.replace(' ', "\u{a0}"))
}

/// The fixture contract with a 30 % return cap and one drawdown of 100,000 on 15.01.2025,
/// agreed by Nav, the lead and the investor before any period was approved (version 2).
async fn financed(app: &App) {
    let nav = app.login("forvalter").await;
    let text = format!(
        "{}\n[investment]\nreturn_cap = \"0.30\"\nexcess = \"to_nav\"\n\n[[drawdown]]\ninvestor = \"910000020\"\ndate = 2025-01-15\namount = \"100000\"\n",
        contract_file(50_000)
    );
    let form = format!(
        "gyldig_fra=01.01.2025&vilkar={}&endringsgrunn=Investorene+finansierer+kontrakten",
        urlencode(&text)
    );
    let res = app
        .post_with_csrf("/kontrakter/1", "/kontrakter/1/endringer", &nav, &form)
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    for who in ["admin.a", "investor"] {
        let cookie = app.login(who).await;
        assert_eq!(
            app.decide(&cookie, 2, "approve").await.status,
            StatusCode::SEE_OTHER,
            "{who}"
        );
    }
}

both_stores! {
    async fn outcome_income_goes_through_the_waterfall(t: TestStore) {
        let app = App::new(t).await;
        let nav = app.login("forvalter").await;
        let page = app.get("/investeringer", Some(&nav)).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("Ingen kontrakt har vilkår for investeringer"), "no [investment] yet");
        financed(&app).await;
        for period in ["2025Q1", "2025Q2", "2025Q3"] {
            app.settle_period(1, period).await;
        }
        // 200,000 paid for 2025Q3 against 100,000 drawn: 100,000 capital back, 30,000 return
        // (the 30 % cap), 70,000 back to Nav.
        let page = app.get("/investeringer", Some(&nav)).await.body;
        for amount in ["200 000,00", "100 000,00", "130 000,00", "30 000,00", "70 000,00"] {
            assert!(page.contains(&kr(amount)), "{amount}: {page}");
        }
        assert!(page.contains("1,30"), "money multiple 1.30: {page}");
        // The path drawn for all investors, with the numbers behind it: 100,000 in, 130,000
        // back (whole kroner in the chart's table).
        let whole = |amount: &str| format!("<td class=\"num\">kr\u{a0}{}</td>", amount.replace(' ', "\u{a0}"));
        assert!(page.contains("Innbetalt og mottatt over tid: alle investorer") && page.contains("Avkastning (XIRR) over tid"), "{page}");
        assert!(page.contains(&whole("100 000")) && page.contains(&whole("130 000")), "{page}");
        assert!(page.contains("Deltakere som har nådd minst ett resultatmål, per kull og leverandør"), "{page}");
        // Progress per cohort: six participants, so every cell is suppressed.
        let cells: Vec<&str> = page.split("<td class=\"num\">").skip(1).map(|c| c.split('<').next().unwrap()).collect();
        assert!(cells.contains(&"&#60;5"), "{page}");
        for c in &cells {
            if let Ok(n) = c.parse::<u64>() {
                assert!(n >= 5, "an unsuppressed count under 5: {n}");
            }
        }
        // Those who see totals only: 2025Q3's total is hidden on its statement (two
        // participants reached Varig arbeid), so it is left out here too; otherwise the
        // income less the amounts shown there would give the hidden amount away.
        let investor = app.login("investor").await;
        for cookie in [investor, app.login("tilrettelegger").await] {
            let theirs = app.get("/investeringer", Some(&cookie)).await;
            assert_eq!(theirs.status, StatusCode::OK);
            assert!(!theirs.body.contains(&kr("200 000,00")) && !theirs.body.contains(&kr("130 000,00")), "{}", theirs.body);
            // Nor does the chart plot it: nothing received, and its table shows no such sum.
            assert!(theirs.body.contains("Innbetalt og mottatt over tid") && !theirs.body.contains("130\u{a0}000<"), "{}", theirs.body);
            assert!(theirs.body.contains("3. kvartal 2025: et resultatmål gjaldt færre enn 5 deltakere"), "{}", theirs.body);
            let json = app.get("/api/investments", Some(&cookie)).await.body;
            assert!(!json.contains("200 000") && json.contains("\"withheld_periods\":[\"2025Q3\"]"), "{json}");
        }
        // A second contract with two investors: the total less its own row would be the
        // other's position, so an investor sees its own row and the income, nothing summed.
        let two = contract_file(50_000).replace("name = \"Jobbvei Oslo\"", "name = \"To investorer\"")
            + "\n[[party]]\nrole = \"investor\"\nname = \"Annen investor\"\norgnr = \"910000047\"\ncommitment = \"500000\"\n"
            + "\n[investment]\nreturn_cap = \"0.30\"\nexcess = \"to_nav\"\n\n[[drawdown]]\ninvestor = \"910000020\"\ndate = 2025-01-15\namount = \"100000\"\n\n[[drawdown]]\ninvestor = \"910000047\"\ndate = 2025-01-15\namount = \"300000\"\n";
        let terms = effekt_engine::contract::check(&two).unwrap();
        app.t.store.add_contract_version(None, &terms, Some(&two), 10, chrono::Utc::now()).await.unwrap();
        let investor = app.login("investor").await;
        let theirs = app.get("/investeringer", Some(&investor)).await.body;
        let section = &theirs[theirs.find("To investorer").unwrap()..];
        assert!(!section.contains("Annen investor") && !section.contains("Alle investorer") && !section.contains("Kapital tilbakebetalt") && !section.contains("Utfallsbetalinger fra Nav"), "{section}");
        assert!(!section.contains(&kr("400 000,00")) && !section.contains(&kr("300 000,00")), "{section}");
        // Its chart is its own path, never all investors' (which less its own is the other's).
        assert!(section.contains("Innbetalt og mottatt over tid: Investor"), "{section}");
        assert!(!section.contains("over tid: alle investorer") && !section.contains("300\u{a0}000<") && !section.contains("400\u{a0}000<"), "{section}");
        // Nav and the facilitator see every investor and the totals.
        let theirs = app.get("/investeringer", Some(&nav)).await.body;
        let section = &theirs[theirs.find("To investorer").unwrap()..];
        assert!(section.contains("Annen investor") && section.contains("Alle investorer") && section.contains(&kr("400 000,00")), "{section}");
        for who in ["evaluator", "veileder1", "ansatt.a", "admin.a", "administrator"] {
            let cookie = app.login(who).await;
            assert_eq!(app.get("/investeringer", Some(&cookie)).await.status, StatusCode::FORBIDDEN, "{who}");
        }
    }
}
