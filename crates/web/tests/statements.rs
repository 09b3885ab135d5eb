//! Payment statements through the pages, on both stores: the whole path computed → verified →
//! approved by two other Nav users → paid, the separation of duties, adjustments that never
//! touch approved lines, downloads, and who may see what (issue 4, §5 and §7).

#![allow(clippy::disallowed_methods)]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use axum::http::StatusCode;
use common::*;
use effekt_domain::contract::statement::Stage;
use effekt_store::both_stores;
use effekt_store::fixture::{self, *};

/// An amount as pages show it: `kr`, no-break spaces between thousands.
fn kr(amount: &str) -> String {
    format!("kr\u{a0}{}", amount.replace(' ', "\u{a0}"))
}

/// The id in a `/utbetalinger/{id}` redirect.
fn statement_id(res: &Response) -> i64 {
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let location = res.headers["location"].to_str().unwrap();
    location
        .trim_start_matches("/utbetalinger/")
        .parse()
        .unwrap()
}

/// Every name and national id in the fixture.
fn personal_strings() -> Vec<String> {
    let data = fixture::dataset().unwrap();
    let mut out = Vec::new();
    for p in &data.persons {
        out.push(format!("{} {}", p.given_name, p.family_name));
        for r in p.ids.records() {
            out.push(r.national_id.to_string());
            out.push(grouped(&r.national_id.to_string()));
        }
    }
    out
}

struct Staff {
    manager: String,
    evaluator: String,
    officer1: String,
    officer2: String,
}

async fn staff(app: &App) -> Staff {
    Staff {
        manager: app.login("forvalter").await,
        evaluator: app.login("evaluator").await,
        officer1: app.login("veileder1").await,
        officer2: app.login("veileder2").await,
    }
}

async fn step(app: &App, cookie: &str, id: i64, step: &str) -> Response {
    let page = format!("/utbetalinger/{id}");
    app.post_with_csrf(
        "/utbetalinger",
        &format!("{page}/steg"),
        cookie,
        &format!("step={step}"),
    )
    .await
}

async fn compute(app: &App, s: &Staff, period: &str) -> i64 {
    let res = app
        .post_with_csrf(
            "/utbetalinger",
            "/utbetalinger/beregn",
            &s.manager,
            &format!("contract=1&period={period}"),
        )
        .await;
    statement_id(&res)
}

async fn stage(app: &App, id: i64) -> Stage {
    app.t
        .store
        .statement(id)
        .await
        .unwrap()
        .unwrap()
        .rules()
        .stage()
}

both_stores! {
    async fn a_period_goes_from_computed_to_paid_with_two_other_nav_approvers(t: TestStore) {
        let app = App::new(t).await;
        let s = staff(&app).await;
        let list = app.get("/utbetalinger", Some(&s.manager)).await;
        assert_eq!(list.status, StatusCode::OK);
        assert!(list.body.contains("Beregn 1. kvartal 2025"), "{}", list.body);
        // Only the first open period can be computed.
        let res = app.post_with_csrf("/utbetalinger", "/utbetalinger/beregn", &s.manager, "contract=1&period=2025Q3").await;
        assert_eq!(res.status, StatusCode::BAD_REQUEST);
        assert!(res.body.contains("Bare den første åpne perioden (2025Q1)"), "{}", res.body);
        // The snapshot (cut-off 30.06.2026) does not cover a period that is not over.
        for period in ["2025Q1", "2025Q2"] {
            let id = app.settle_period(1, period).await;
            assert_eq!(stage(&app, id).await, Stage::Paid);
        }
        let q3 = compute(&app, &s, "2025Q3").await;
        let page = app.get(&format!("/utbetalinger/{q3}"), Some(&s.manager)).await;
        assert_eq!(page.status, StatusCode::OK);
        // Varig arbeid: Dawit 50,000 (07.09) and Amina 50,000 (29.09); Utdanning påbegynt:
        // Yusuf 20,000; six months without benefits: three participants at 30,000, Dawit's
        // reduced by 10,000 to his 70,000 cap. 200,000 in 7 lines.
        assert!(page.body.contains(&kr("200 000,00")), "{}", page.body);
        assert!(page.body.contains("Tak per deltaker") && page.body.contains(&kr("−10 000,00")));
        assert_eq!(page.body.matches("<code>P-").count(), 7, "{}", page.body);
        for p in personal_strings() {
            assert!(!page.body.contains(&p), "the manager saw {p} on a statement");
        }
        // Not verified yet: nobody may approve; the computer may never approve.
        let early = step(&app, &s.officer1, q3, "approve").await;
        assert_eq!(early.status, StatusCode::BAD_REQUEST);
        assert!(early.body.contains("ikke det neste"), "{}", early.body);
        // Only the evaluator verifies.
        assert_eq!(step(&app, &s.officer1, q3, "verify").await.status, StatusCode::BAD_REQUEST);
        assert_eq!(step(&app, &s.evaluator, q3, "verify").await.status, StatusCode::SEE_OTHER);
        let own = step(&app, &s.manager, q3, "approve").await;
        assert_eq!(own.status, StatusCode::BAD_REQUEST);
        assert!(own.body.contains("Du beregnet dette oppgjøret"), "{}", own.body);
        assert_eq!(step(&app, &s.officer1, q3, "approve").await.status, StatusCode::SEE_OTHER);
        let twice = step(&app, &s.officer1, q3, "approve").await;
        assert!(twice.body.contains("En annen Nav-bruker"), "{}", twice.body);
        assert_eq!(stage(&app, q3).await, Stage::HalfApproved);
        // Not approved: it cannot be paid.
        assert_eq!(step(&app, &s.manager, q3, "pay").await.status, StatusCode::BAD_REQUEST);
        assert_eq!(step(&app, &s.officer2, q3, "approve").await.status, StatusCode::SEE_OTHER);
        // Paying records the day paid and the finance system's reference; both are checked.
        let pay = |form: &str| {
            let (app, cookie, form) = (&app, s.manager.clone(), form.to_owned());
            async move { app.post_with_csrf(&format!("/utbetalinger/{q3}"), &format!("/utbetalinger/{q3}/steg"), &cookie, &form).await }
        };
        let no_reference = pay("step=pay&betalt_dato=05.10.2025&referanse=").await;
        assert!(no_reference.body.contains("Skriv betalingens referanse"), "{}", no_reference.body);
        let bad_date = pay("step=pay&betalt_dato=31.02.2025&referanse=KID+123").await;
        assert!(bad_date.body.contains("Skriv betalingsdatoen som dd.mm.åååå"), "{}", bad_date.body);
        let next_year = (chrono::Utc::now() + chrono::Duration::days(400)).format("%d.%m.%Y").to_string();
        let future = pay(&format!("step=pay&betalt_dato={next_year}&referanse=KID+123")).await;
        assert!(future.body.contains("kan ikke være frem i tid"), "{}", future.body);
        assert_eq!(stage(&app, q3).await, Stage::Approved, "nothing recorded");
        assert_eq!(pay("step=pay&betalt_dato=05.10.2025&referanse=KID+1234567").await.status, StatusCode::SEE_OTHER);
        let paid = app.get(&format!("/utbetalinger/{q3}"), Some(&s.manager)).await.body;
        assert!(paid.contains("05.10.2025, referanse KID 1234567"), "{paid}");
        assert!(app.t.execute_raw("UPDATE statement_payments SET reference = 'x'").await.is_err(), "append-only");
        let done = app.t.store.statement(q3).await.unwrap().unwrap();
        let who: Vec<(&str, &str)> = done.events.iter().map(|e| (e.event.step.code(), e.user_name.as_str())).collect();
        assert_eq!(who, vec![
            ("compute", "Test forvalter"), ("verify", "Test evaluator"),
            ("approve", "Test veileder1"), ("approve", "Test veileder2"), ("pay", "Test forvalter"),
        ]);
        // The next period is open now, and the paid one shows as such.
        let list = app.get("/utbetalinger", Some(&s.manager)).await.body;
        assert!(list.contains("Beregn 4. kvartal 2025") && list.contains("Utbetalt"), "{list}");
        // A form without the session's CSRF token changes nothing.
        let forged = app.post_form(&format!("/utbetalinger/{q3}/steg"), Some(&s.manager), "csrf=forged&step=pay").await;
        assert_eq!(forged.status, StatusCode::FORBIDDEN);
    }
}

both_stores! {
    async fn new_terms_give_adjustment_lines_and_never_touch_approved_ones(t: TestStore) {
        let app = App::new(t).await;
        let s = staff(&app).await;
        for period in ["2025Q1", "2025Q2"] {
            app.settle_period(1, period).await;
        }
        let q3 = app.settle_period(1, "2025Q3").await;
        let approved = app.t.store.statement_lines(&[q3], None).await.unwrap();
        // A draft of 2025Q4 under version 1 ...
        let stale = compute(&app, &s, "2025Q4").await;
        // ... then the parties agree to pay 55,000 for Varig arbeid from the start: an
        // amendment before approved periods, so every party agrees (version 2).
        assert_eq!(app.propose(&s.manager, "01.01.2025", 55_000).await.status, StatusCode::SEE_OTHER);
        for who in ["admin.a", "admin.b", "investor", "evaluator"] {
            let cookie = app.login(who).await;
            let res = app.decide(&cookie, 2, "approve").await;
            assert_eq!(res.status, StatusCode::SEE_OTHER, "{who}: {}", res.body);
        }
        // The draft no longer matches the terms in force: nobody may vouch for it.
        let refused = step(&app, &s.evaluator, stale, "verify").await;
        assert_eq!(refused.status, StatusCode::BAD_REQUEST);
        assert!(refused.body.contains("må beregne det på nytt"), "{}", refused.body);
        assert_eq!(stage(&app, stale).await, Stage::Computed);
        let q4 = compute(&app, &s, "2025Q4").await;
        assert_eq!(stage(&app, stale).await, Stage::Withdrawn);
        let lines: Vec<_> = app.t.store.statement_lines(&[q4], None).await.unwrap().into_iter().map(|(_, l)| l).collect();
        // By date: Dawit's and Amina's Varig arbeid 5,000 more each; Dawit's cap line on
        // 30.09 takes 5,000 more, since his 70,000 cap still holds.
        let adjustments: Vec<(String, &str, i64)> = lines
            .iter()
            .filter(|l| l.adjustment)
            .map(|l| (l.outcome.clone(), l.kind.code(), l.amount.ore()))
            .collect();
        assert_eq!(adjustments, vec![
            ("Varig arbeid".into(), "payment", 500_000),
            ("Varig arbeid".into(), "payment", 500_000),
            ("Seks måneder uten ytelser".into(), "cap:participant", -500_000),
        ]);
        assert!(lines.iter().filter(|l| l.adjustment).all(|l| l.version == Some(2)));
        // Amina: Norsk 10,000 on 02.10; on 30.11 six months without benefits (30,000) meets the
        // 70,000 cap after 55,000 + 10,000: 5,000 paid, a cap line of −25,000.
        let own: Vec<(String, &str, i64)> = lines
            .iter()
            .filter(|l| !l.adjustment)
            .map(|l| (l.outcome.clone(), l.kind.code(), l.amount.ore()))
            .collect();
        assert!(own.contains(&("Seks måneder uten ytelser".into(), "cap:participant", -2_500_000)), "{own:?}");
        assert_eq!(app.t.store.statement_lines(&[q3], None).await.unwrap(), approved, "approved lines are never changed");
        let page = app.get(&format!("/utbetalinger/{q4}"), Some(&s.manager)).await.body;
        assert!(page.contains("Justering: betaling"), "{page}");
        // Recomputing the draft withdraws it; the same input gives the same lines.
        let again = app.post_with_csrf("/utbetalinger", "/utbetalinger/beregn", &s.manager, "contract=1&period=2025Q4").await;
        let again = statement_id(&again);
        assert_eq!(stage(&app, q4).await, Stage::Withdrawn);
        // The withdrawn statement links to the one that replaced it.
        let withdrawn = app.get(&format!("/utbetalinger/{q4}"), Some(&s.manager)).await.body;
        assert!(
            withdrawn.contains(&format!("erstattet av <a href=\"/utbetalinger/{again}\">oppgjør {again}</a>")),
            "{withdrawn}"
        );
        let relines: Vec<_> = app.t.store.statement_lines(&[again], None).await.unwrap().into_iter().map(|(_, l)| l).collect();
        assert_eq!(relines, lines);
        // The CSV holds the lines with the adjustment column.
        // The download opens in Norwegian Excel as columns: BOM, semicolons, Norwegian words.
        let excel = app.get(&format!("/utbetalinger/{again}/linjer.csv"), Some(&s.manager)).await;
        assert_eq!(excel.status, StatusCode::OK);
        assert!(excel.body.starts_with("\u{feff}Periode;Deltaker;Resultatmål;Dato;"), "{}", excel.body);
        assert_eq!(excel.body.matches(";ja;").count(), 3, "{}", excel.body);
        assert!(excel.body.contains("4. kvartal 2025;"), "{}", excel.body);
        assert_eq!(app.get(&format!("/utbetalinger/{again}/linjer.csv?format=tull"), Some(&s.manager)).await.status, StatusCode::BAD_REQUEST);
        // The machine CSV for programs, as `effekt ledger compute` writes it.
        let csv = app.get(&format!("/utbetalinger/{again}/linjer.csv?format=machine"), Some(&s.manager)).await;
        assert_eq!(csv.status, StatusCode::OK);
        assert!(csv.headers["content-type"].to_str().unwrap().starts_with("text/csv"));
        assert!(csv.body.starts_with("period,participant,outcome,date,magnitude,line,adjustment,amount_nok,"));
        assert_eq!(csv.body.matches(",yes,").count(), 3, "{}", csv.body);
        let xlsx = app.get(&format!("/utbetalinger/{again}/linjer.xlsx"), Some(&s.manager)).await;
        assert_eq!(xlsx.status, StatusCode::OK);
        assert!(xlsx.body.starts_with("PK"), "an XLSX file is a zip");
    }
}

both_stores! {
    async fn each_role_sees_only_its_part_of_a_statement(t: TestStore) {
        let app = App::new(t).await;
        let s = staff(&app).await;
        for period in ["2025Q1", "2025Q2"] {
            app.settle_period(1, period).await;
        }
        let q3 = compute(&app, &s, "2025Q3").await;
        let page = format!("/utbetalinger/{q3}");
        let all = app.t.store.statement_lines(&[q3], None).await.unwrap();
        // The investor and the facilitator: totals per outcome, no line, no download.
        for who in ["investor", "tilrettelegger"] {
            let cookie = app.login(who).await;
            let res = app.get(&page, Some(&cookie)).await;
            assert_eq!(res.status, StatusCode::OK, "{who}");
            // (Not a search for "P-": a CSRF token may hold those two characters.)
            for (_, l) in &all {
                assert!(!res.body.contains(&effekt_domain::pseudonym::readable(&l.participant)), "{who} saw {}", l.participant);
            }
            assert!(!res.body.contains("<code>"), "{who} saw a line: {}", res.body);
            // Every outcome's amount is hidden, so the total is too: it would give them away.
            assert!(!res.body.contains(&kr("200 000,00")), "{who} must not see the total");
            let list = app.get("/utbetalinger", Some(&cookie)).await.body;
            assert!(!list.contains(&kr("200 000,00")), "{who}: nor in the list");
            // Nor in the chart of payments per period: 2025Q3 is a gap, and the running sum
            // stops before it (2025Q1 and Q2 paid nothing).
            assert!(list.contains("Utbetalinger per periode mot taket") && !list.contains("200\u{a0}000<"), "{who}: {list}");
            // Two participants with Varig arbeid: under 5, so count and amount are hidden.
            assert!(res.body.contains("&#60;5") && !res.body.contains(&kr("100 000,00")), "{}", res.body);
            assert!(!res.body.contains(&kr("20 000,00")), "Yusuf's line alone must not show");
            for file in ["linjer.csv", "linjer.xlsx"] {
                assert_eq!(app.get(&format!("{page}/{file}"), Some(&cookie)).await.status, StatusCode::FORBIDDEN);
            }
            let res = step(&app, &cookie, q3, "verify").await;
            assert_eq!(res.status, StatusCode::BAD_REQUEST, "{who} cannot take a step");
        }
        // A provider: only the lines of its own participants, and its share of the total.
        for (who, provider) in [("ansatt.a", PROVIDER_A), ("ansatt.b", PROVIDER_B)] {
            let cookie = app.login(who).await;
            let mine: Vec<_> = all.iter().filter(|(_, l)| l.provider == Some(provider)).collect();
            let res = app.get(&page, Some(&cookie)).await;
            assert_eq!(res.status, StatusCode::OK);
            assert_eq!(res.body.matches("<code>P-").count(), mine.len(), "{who}");
            for (_, l) in &all {
                assert_eq!(res.body.contains(&effekt_domain::pseudonym::readable(&l.participant)), l.provider == Some(provider), "{who} and {}", l.participant);
            }
            assert!(res.body.contains("Deres andel"));
            // A share says nothing about the contract's caps: no chart of the whole.
            let list = app.get("/utbetalinger", Some(&cookie)).await.body;
            assert!(!list.contains("Utbetalinger per periode mot taket"), "{who}");
            let csv = app.get(&format!("{page}/linjer.csv"), Some(&cookie)).await.body;
            assert_eq!(csv.lines().count(), mine.len() + 1, "{who}: {csv}");
        }
        // Nav sees every period's amount drawn, and the running sum.
        let list = app.get("/utbetalinger", Some(&s.manager)).await.body;
        assert!(list.contains("Utbetalinger per periode mot taket") && list.matches("<td class=\"num\">kr\u{a0}200\u{a0}000</td>").count() == 2, "amount and sum: {list}");
        // The JSON API gives each role the same view.
        let investor = app.login("investor").await;
        let json: serde_json::Value = serde_json::from_str(&app.get(&format!("/api/statements/{q3}"), Some(&investor)).await.body).unwrap();
        assert_eq!(json["lines"].as_array().unwrap().len(), 0, "{json}");
        assert!(!json["by_outcome"].as_array().unwrap().is_empty());
        assert!(json["summary"]["total"].is_null(), "hidden with the amounts: {json}");
        let staff_b = app.login("ansatt.b").await;
        let json: serde_json::Value = serde_json::from_str(&app.get(&format!("/api/statements/{q3}"), Some(&staff_b)).await.body).unwrap();
        let theirs = all.iter().filter(|(_, l)| l.provider == Some(PROVIDER_B)).count();
        assert_eq!(json["lines"].as_array().unwrap().len(), theirs);
        let missing = app.get("/api/statements/99999", Some(&s.manager)).await;
        assert_eq!(missing.status, StatusCode::NOT_FOUND);
        assert!(missing.body.contains("\"error\""), "JSON, not a page: {}", missing.body);
        // The evaluator: every line, by pseudonym only.
        let res = app.get(&page, Some(&s.evaluator)).await;
        assert_eq!(res.body.matches("<code>P-").count(), all.len());
        for p in personal_strings() {
            assert!(!res.body.contains(&p), "the evaluator saw {p}");
        }
        // The administrator sees no statement; nobody logged out does.
        let admin = app.login("administrator").await;
        assert_eq!(app.get("/utbetalinger", Some(&admin)).await.status, StatusCode::FORBIDDEN);
        assert_eq!(app.get(&page, Some(&admin)).await.status, StatusCode::FORBIDDEN);
        assert_eq!(app.get(&page, None).await.status, StatusCode::SEE_OTHER);
        assert_eq!(app.get("/utbetalinger/99999", Some(&s.manager)).await.status, StatusCode::NOT_FOUND);
        assert_eq!(app.get("/utbetalinger/abc", Some(&s.manager)).await.status, StatusCode::NOT_FOUND);
        // Reading lines is audited, one record per person behind the lines shown.
        let records = app.t.store.audit_records().await.unwrap();
        let by_evaluator = records.iter().filter(|r| r.record.purpose == "statement.lines" && r.record.actor_name == "evaluator").count();
        assert_eq!(by_evaluator, 4, "four participants behind seven lines");
        // Computing is for the contract manager only.
        let res = app.post_with_csrf("/utbetalinger", "/utbetalinger/beregn", &s.officer1, "contract=1&period=2025Q3").await;
        assert_eq!(res.status, StatusCode::BAD_REQUEST);
    }
}

both_stores! {
    async fn computing_again_over_someones_steps_needs_a_reason_that_is_kept(t: TestStore) {
        let app = App::new(t).await;
        let s = staff(&app).await;
        let first = compute(&app, &s, "2025Q1").await;
        // The evaluator verifies with a comment, kept on the step and shown in the history.
        let verified = app
            .post_with_csrf(&format!("/utbetalinger/{first}"), &format!("/utbetalinger/{first}/steg"), &s.evaluator, "step=verify&kommentar=Stikkpr%C3%B8ve+av+10+linjer+mot+A-ordningen")
            .await;
        assert_eq!(verified.status, StatusCode::SEE_OTHER, "{}", verified.body);
        let page = app.get(&format!("/utbetalinger/{first}"), Some(&s.manager)).await.body;
        assert!(page.contains("«Stikkprøve av 10 linjer mot A-ordningen»"), "{page}");
        // The evaluator's step would be lost: the page names it and asks why.
        let again = |form: &str| {
            let (app, cookie, form) = (&app, s.manager.clone(), form.to_owned());
            async move { app.post_with_csrf("/utbetalinger", "/utbetalinger/beregn", &cookie, &form).await }
        };
        let list = app.get("/utbetalinger", Some(&s.manager)).await.body;
        assert!(list.contains("Begrunnelse for å beregne på nytt"), "the form asks why: {list}");
        let refused = again("contract=1&period=2025Q1").await;
        assert_eq!(refused.status, StatusCode::BAD_REQUEST);
        assert!(refused.body.contains("allerede verifisert av Test evaluator"), "{}", refused.body);
        assert_eq!(stage(&app, first).await, Stage::Verified, "nothing changed");
        let done = again("contract=1&period=2025Q1&begrunnelse=Nytt+registeruttrekk+for+mars").await;
        let second = statement_id(&done);
        assert_eq!(stage(&app, first).await, Stage::Withdrawn);
        // The withdrawal keeps the reason, and the withdrawn statement points to the new one.
        let page = app.get(&format!("/utbetalinger/{first}"), Some(&s.manager)).await.body;
        assert!(page.contains("«Nytt registeruttrekk for mars»"), "{page}");
        assert!(page.contains(&format!("/utbetalinger/{second}")), "{page}");
        // A draft nobody has vouched for is computed again without a reason (and not asked).
        let list = app.get("/utbetalinger", Some(&s.manager)).await.body;
        assert!(!list.contains("Begrunnelse for å beregne på nytt"), "{list}");
        let third = statement_id(&again("contract=1&period=2025Q1").await);
        assert_eq!(stage(&app, second).await, Stage::Withdrawn);
        assert_eq!(stage(&app, third).await, Stage::Computed);
    }
}
