//! The effect evaluation in the product (issue 15), on both stores, on the demo world (whose
//! register has a comparison pool): the plan registered first and versioned with deviations,
//! runs stored with what they were made from and identical on the same inputs, publication,
//! who sees which run and how much of it, figures certified from a run, the microdata under
//! pseudonyms, and bad input refused with nothing stored.

#![allow(clippy::disallowed_methods)]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use axum::http::StatusCode;
use common::*;
use effekt_domain::ids::ContractId;
use effekt_store::both_stores;

const CONTRACT: ContractId = ContractId(1);

async fn login(app: &App, user: &str) -> String {
    app.login_with(user, effekt_engine::demo::DEMO_PASSWORD)
        .await
}

fn enc(text: &str) -> String {
    urlencode(text)
}

both_stores! {
    async fn the_demo_evaluation_is_planned_run_published_and_reported(t: TestStore) {
        let app = App::demo(t, 150).await;
        let plans = app.t.store.evaluation_plans(CONTRACT).await.unwrap();
        let runs = app.t.store.evaluation_runs(CONTRACT).await.unwrap();
        assert_eq!((plans.len(), runs.len()), (1, 1), "the demo's plan and its published run");
        let run = &runs[0];
        assert!(run.published_at.is_some());
        assert_eq!((run.plan_version, run.effekt_version.as_str()), (1, env!("CARGO_PKG_VERSION")));

        let evaluator = login(&app, "evaluator").await;
        let page = app.get("/kontrakter/1/evaluering", Some(&evaluator)).await;
        assert_eq!(page.status, StatusCode::OK);
        for says in ["Effektevaluering", "Kjøring 1", "publisert", "Planversjon 1", "Kjør evalueringen", "Registrer planen", "Varig arbeid i seks måneder"] {
            assert!(page.body.contains(says), "{says}: {}", page.body);
        }
        let report = app.get(&format!("/evalueringer/{}", run.id), Some(&evaluator)).await;
        assert_eq!(report.status, StatusCode::OK);
        for says in ["Effektrapport 4. kvartal 2026", "Foreløpig", "Effekter", "Hvem er analysert", "Oppfølgingstiden er ikke over", "Balanse", "<svg", "Forskjell-i-forskjeller", "Log-rank", "Metode", "Propensitetsmodellen", "mikrodata.csv", "<th scope=\"row\">Gruppe</th>", "<th scope=\"row\">Leverandør</th>"] {
            assert!(report.body.contains(says), "{says}: {}", report.body);
        }

        // The microdata: matched persons under pseudonyms, months not days, no national id.
        let before = app.t.store.audit_records().await.unwrap().iter().filter(|r| r.record.purpose == "evaluation.pseudonymised").count();
        let csv = app.get(&format!("/evalueringer/{}/mikrodata.csv", run.id), Some(&evaluator)).await;
        let participants = csv.body.lines().filter(|l| l.contains(",deltaker,")).count();
        let after = app.t.store.audit_records().await.unwrap().iter().filter(|r| r.record.purpose == "evaluation.pseudonymised").count();
        assert_eq!(after - before, participants, "each participant in the microdata is an audited read");
        assert_eq!(csv.status, StatusCode::OK);
        let lines: Vec<&str> = csv.body.lines().collect();
        assert!(lines[0].starts_with("sett,pseudonym,gruppe,vekt,indeksmaaned"), "{}", lines[0]);
        assert!(lines.len() > 20);
        assert!(lines[1..].iter().all(|l| l.contains(",P-") || l.contains(",S-")), "{}", csv.body);
        assert!(lines.iter().flat_map(|l| l.split(',')).all(|f| !(f.len() == 11 && f.bytes().all(|b| b.is_ascii_digit()))), "no national id");
        assert!(lines[1..].iter().all(|l| l.split(',').nth(4).is_some_and(|m| m.len() == 7)), "index months only");
        let parquet = app.get(&format!("/evalueringer/{}/mikrodata.parquet", run.id), Some(&evaluator)).await;
        assert_eq!(parquet.status, StatusCode::OK);
        let actions: Vec<String> = app.t.store.operations().await.unwrap().iter().map(|o| o.action.clone()).collect();
        for a in ["evaluation.plan", "evaluation.run", "evaluation.publish", "evaluation.microdata"] {
            assert!(actions.iter().any(|x| x == a), "{a} audited: {actions:?}");
        }
    }

}

both_stores! {
    async fn an_interim_run_is_seen_by_the_evaluator_and_nav_until_published(t: TestStore) {
        let app = App::demo(t, 150).await;
        let evaluator = login(&app, "evaluator").await;
        let made = app.post_with_csrf("/kontrakter/1/evaluering", "/kontrakter/1/evaluering/kjoringer", &evaluator, "merking=INTERIM").await;
        assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.body);
        let runs = app.t.store.evaluation_runs(CONTRACT).await.unwrap();
        assert_eq!(runs.len(), 2);
        let (interim, published) = (&runs[0], &runs[1]);
        assert!(interim.published_at.is_none());
        assert_eq!(interim.result, published.result, "the same inputs give the same numbers");
        let path = format!("/evalueringer/{}", interim.id);

        let manager = login(&app, "kontrakt.forvalter").await;
        assert_eq!(app.get(&path, Some(&manager)).await.status, StatusCode::OK);
        for user in ["investor.stiftelse", "jobbspesialist.stor", "veileder.grunerlokka", "tilrettelegger"] {
            let s = login(&app, user).await;
            assert_eq!(app.get(&path, Some(&s)).await.status, StatusCode::NOT_FOUND, "{user} sees no interim run");
            let list = app.get("/kontrakter/1/evaluering", Some(&s)).await;
            assert_eq!(list.status, StatusCode::OK, "{user}");
            assert!(list.body.contains(&format!("Kjøring {}", published.id)) && !list.body.contains(&format!("Kjøring {}<", interim.id)), "{user}: {}", list.body);
            assert!(!list.body.contains("Kjør evalueringen") && !list.body.contains("Registrer planen"), "{user} has no forms");
            // Published: aggregates with small counts suppressed, no microdata, no publishing.
            let report = app.get(&format!("/evalueringer/{}", published.id), Some(&s)).await;
            assert_eq!(report.status, StatusCode::OK, "{user}");
            assert!(report.body.contains("&#60;5") && !report.body.contains("mikrodata.csv") && !report.body.contains("Publiser kjøringen"), "{user}: {}", report.body);
            let micro = app.get(&format!("/evalueringer/{}/mikrodata.csv", published.id), Some(&s)).await;
            assert!(matches!(micro.status, StatusCode::FORBIDDEN | StatusCode::BAD_REQUEST), "{user}: {}", micro.status);
            let publish = app.post_with_csrf(&path, &format!("{path}/publiser"), &s, "").await;
            assert_ne!(publish.status, StatusCode::SEE_OTHER, "{user} may not publish");
        }
        for user in ["administrator", "personvernombud"] {
            let s = login(&app, user).await;
            assert_eq!(app.get(&path, Some(&s)).await.status, StatusCode::FORBIDDEN, "{user}");
            assert_eq!(app.get("/kontrakter/1/evaluering", Some(&s)).await.status, StatusCode::FORBIDDEN, "{user}");
        }
        assert!(app.t.store.evaluation_run(interim.id).await.unwrap().unwrap().published_at.is_none());

        // The evaluator publishes; then everyone who reads the contract sees it, once.
        let ok = app.post_with_csrf(&path, &format!("{path}/publiser"), &evaluator, "").await;
        assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
        let investor = login(&app, "investor.stiftelse").await;
        assert_eq!(app.get(&path, Some(&investor)).await.status, StatusCode::OK);
        let again = app.post_with_csrf(&path, &format!("{path}/publiser"), &evaluator, "").await;
        assert_eq!(again.status, StatusCode::BAD_REQUEST);
        assert!(again.body.contains("publisert allerede"));
    }

}

both_stores! {
    async fn a_changed_plan_is_a_deviation_and_bad_plans_store_nothing(t: TestStore) {
        let app = App::demo(t, 150).await;
        let evaluator = login(&app, "evaluator").await;
        let page = "/kontrakter/1/evaluering";
        let post = "/kontrakter/1/evaluering/plan";
        let plan = effekt_app::demo::demo_plan();
        // Runs exist: a new version needs a reason.
        let bad = app.post_with_csrf(page, post, &evaluator, &format!("plan={}", enc(&plan.replace("ratio = 1 ", "ratio = 2 ")))).await;
        assert_eq!(bad.status, StatusCode::BAD_REQUEST);
        assert!(bad.body.contains("skriv hvorfor den endres"), "{}", bad.body);
        // Every problem in the file, by key.
        let broken = plan.replace("caliper = 0.2 ", "caliper = 3 ").replace("Varig arbeid i seks måneder", "Kartlegging fullført");
        let bad = app.post_with_csrf(page, post, &evaluator, &format!("plan={}&begrunnelse=x", enc(&broken))).await;
        assert_eq!(bad.status, StatusCode::BAD_REQUEST);
        assert!(bad.body.contains("caliper:") && bad.body.contains("headline:") && bad.body.contains("provider&#39;s own records"), "{}", bad.body);
        let bad = app.post_with_csrf(page, post, &evaluator, &format!("plan={}&begrunnelse=x", enc("headline = "))).await;
        assert_eq!(bad.status, StatusCode::BAD_REQUEST);
        assert!(bad.body.contains("linje 1"), "{}", bad.body);
        assert_eq!(app.t.store.evaluation_plans(CONTRACT).await.unwrap().len(), 1, "nothing stored");
        // Only the evaluator registers.
        let manager = login(&app, "kontrakt.forvalter").await;
        let refused = app.post_with_csrf(page, post, &manager, &format!("plan={}&begrunnelse=x", enc(&plan))).await;
        assert_eq!(refused.status, StatusCode::BAD_REQUEST);
        assert!(refused.body.contains("Bare den uavhengige evaluatoren"), "{}", refused.body);

        let ok = app.post_with_csrf(page, post, &evaluator, &format!("plan={}&begrunnelse={}", enc(&plan.replace("ratio = 1 ", "ratio = 2 ")), enc("To sammenligningspersoner gir smalere intervall."))).await;
        assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
        let plans = app.t.store.evaluation_plans(CONTRACT).await.unwrap();
        assert_eq!(plans.len(), 2);
        assert_eq!(plans[1].deviation.as_deref(), Some("To sammenligningspersoner gir smalere intervall."));
        let shown = app.get(page, Some(&manager)).await.body;
        assert!(shown.contains("avvik fra planen") && shown.contains("smalere intervall"), "{shown}");
        // The plans are kept as registered.
        let kept = app.t.execute_raw("UPDATE evaluation_plans SET plan = 'x'").await;
        assert!(kept.is_err());

        // A plan whose outcomes cannot be judged yet: no run is stored, and the page says why.
        let long = plan.replace("window_months = 12", "window_months = 36");
        let ok = app.post_with_csrf(page, post, &evaluator, &format!("plan={}&begrunnelse=x", enc(&long))).await;
        assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
        let refused = app.post_with_csrf(page, "/kontrakter/1/evaluering/kjoringer", &evaluator, "merking=FINAL").await;
        assert_eq!(refused.status, StatusCode::BAD_REQUEST);
        assert!(refused.body.contains("For få deltakere kan analyseres") && refused.body.contains("Ingen kjøring er lagret"), "{}", refused.body);
        assert_eq!(app.t.store.evaluation_runs(CONTRACT).await.unwrap().len(), 1);
    }

}

both_stores! {
    async fn a_cohort_figure_is_certified_from_a_run_and_links_to_it(t: TestStore) {
        let app = App::demo(t, 150).await;
        // The contract gains a cohort outcome paid from the employment rate of each cohort.
        let demo = effekt_engine::demo::generate(1, 150).unwrap();
        let text = format!("{}\n[[cohort_outcome]]\nname = \"Sysselsetting i kohorten\"\nfigure = \"employment_rate\"\nmechanism = \"graduated\"\nscale = {{ type = \"linear\", max = \"2000000\", floor = \"10\", target = \"60\" }}\n", demo.amendment.1);
        let terms = effekt_engine::contract::check(&text).unwrap();
        app.t.store.add_contract_version(Some(CONTRACT), &terms, Some(&text), 150, chrono::Utc::now()).await.unwrap();
        let evaluator = login(&app, "evaluator").await;
        let plan = format!("{}\n[[figure]]\nname = \"employment_rate\"\noutcome = \"Jobbstart (minst 50 %)\"\nmeasure = \"rate\"\n", effekt_app::demo::demo_plan());
        let ok = app.post_with_csrf("/kontrakter/1/evaluering", "/kontrakter/1/evaluering/plan", &evaluator, &format!("plan={}&begrunnelse={}", enc(&plan), enc("Kontrakten betaler nå etter sysselsettingen i kohorten."))).await;
        assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
        let made = app.post_with_csrf("/kontrakter/1/evaluering", "/kontrakter/1/evaluering/kjoringer", &evaluator, "merking=FINAL").await;
        assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.body);
        let run = app.t.store.evaluation_runs(CONTRACT).await.unwrap()[0].clone();
        let result: effekt_engine::evaluation::run::RunResult = serde_json::from_str(&run.result).unwrap();
        let figure = result.figures.iter().find(|f| f.figure == "employment_rate").unwrap().clone();
        let path = format!("/evalueringer/{}", run.id);
        let page = app.get(&path, Some(&evaluator)).await.body;
        assert!(page.contains("Endelig") && page.contains("Sertifiser employment_rate"), "{page}");

        // Nobody else certifies; a figure the run does not have is refused.
        let manager = login(&app, "kontrakt.forvalter").await;
        let form = format!("tall=employment_rate&kohort={}", figure.cohort);
        let refused = app.post_with_csrf(&path, &format!("{path}/sertifiser"), &manager, &form).await;
        assert_eq!(refused.status, StatusCode::BAD_REQUEST);
        let missing = app.post_with_csrf(&path, &format!("{path}/sertifiser"), &evaluator, "tall=employment_rate&kohort=1999").await;
        assert_eq!(missing.status, StatusCode::BAD_REQUEST);
        assert!(app.t.store.certified_figures(CONTRACT).await.unwrap().is_empty());

        let ok = app.post_with_csrf(&path, &format!("{path}/sertifiser"), &evaluator, &form).await;
        assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
        let stored = app.t.store.certified_figures(CONTRACT).await.unwrap();
        assert_eq!(stored.len(), 1);
        let c = &stored[0].0.certified;
        assert_eq!((c.cohort.as_str(), c.cohort_size as usize, Some(c.value), c.comparison), (figure.cohort.as_str(), figure.size, figure.value, figure.comparison));
        let provenance = app.t.store.figure_provenance(CONTRACT).await.unwrap();
        assert_eq!(provenance[0].run, Some(run.id));
        let contract = app.get("/kontrakter/1", Some(&manager)).await.body;
        assert!(contract.contains(&format!("href=\"/evalueringer/{}\"", run.id)) && contract.contains("Fra evalueringskjøring"), "{contract}");
        assert!(app.t.store.operations().await.unwrap().iter().any(|o| o.action == "evaluation.certify"));
    }
}

/// Writes `register` as a register folder under the snapshot id `id` (docs/registers.md).
fn write_register(register: &effekt_domain::register::Register, id: &str, dir: &std::path::Path) {
    use std::fmt::Write as _;
    let _ = std::fs::remove_dir_all(dir);
    std::fs::create_dir_all(dir).unwrap();
    let day = |d: Option<chrono::NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
    let mut files: Vec<(&str, String)> = vec![
        ("snapshot", format!("snapshot_id,cutoff\n{id},{}\n", register.snapshot.cutoff)),
        ("population", "person_id,birth_year,sex,country_group,arrival_year,municipality,education_level,index_date\n".into()),
        ("employment", "spell_id,person_id,employer_orgnr,start,end,fte_percent,monthly_wage,subsidised\n".into()),
        ("benefits", "spell_id,person_id,type,start,end,monthly_amount\n".into()),
        ("education", "spell_id,person_id,start,end\n".into()),
        ("language_tests", "test_id,person_id,date,skill,level\n".into()),
    ];
    for p in &register.persons {
        let pid = p.id.as_string();
        let arrival = p.arrival_year.map(|y| y.to_string()).unwrap_or_default();
        writeln!(
            files[1].1,
            "{pid},{},{},{},{arrival},{},{},{}",
            p.birth_year, p.sex, p.country_group, p.municipality, p.education_level, p.index_date
        )
        .unwrap();
        for e in &p.timeline.employment {
            writeln!(
                files[2].1,
                "{},{pid},{},{},{},{},30000,{}",
                e.id.as_str(),
                e.employer,
                e.start,
                day(e.end),
                e.fte,
                e.subsidised
            )
            .unwrap();
        }
        for b in &p.timeline.benefits {
            writeln!(
                files[3].1,
                "{},{pid},{},{},{},10000",
                b.id.as_str(),
                b.kind.code(),
                b.start,
                day(b.end)
            )
            .unwrap();
        }
        for e in &p.timeline.education {
            writeln!(
                files[4].1,
                "{},{pid},{},{}",
                e.id.as_str(),
                e.start,
                day(e.end)
            )
            .unwrap();
        }
        for t in &p.timeline.language_tests {
            writeln!(
                files[5].1,
                "{},{pid},{},{},{}",
                t.id.as_str(),
                t.date,
                t.skill.code(),
                t.level.code()
            )
            .unwrap();
        }
    }
    for (stem, text) in files {
        std::fs::write(dir.join(format!("{stem}.csv")), text).unwrap();
    }
}

both_stores! {
    async fn a_snapshot_that_lands_makes_an_interim_run_of_a_planned_contract(t: TestStore) {
        let app = App::demo(t, 150).await;
        let demo = effekt_engine::demo::generate(1, 150).unwrap();
        let dir = std::env::temp_dir().join(format!("effekt-eval-snapshot-{}-{:?}", std::process::id(), app.t.backend()));
        write_register(&demo.register, "demo-2026-11", &dir);
        let admin = app.t.store.user_by_username("administrator").await.unwrap().unwrap();
        let core = effekt_app::App::open(app.t.store.clone(), effekt_domain::mode::Mode::Demo, None).await.unwrap();
        let viewer = effekt_app::operator::operator(&core, Some(&admin.username), effekt_app::policy::Grant::Administration, "test").await.unwrap();
        let (outcome, _) = viewer.administration(&core).unwrap().import_register_dir(&dir, &|_| {}, &|_| {}).await.unwrap();
        assert!(matches!(outcome, effekt_store::model::ImportOutcome::Imported(_)), "{outcome:?}");
        let runs = app.t.store.evaluation_runs(CONTRACT).await.unwrap();
        assert_eq!(runs.len(), 2, "the demo's run and the new snapshot's");
        let new = &runs[0];
        assert_eq!((new.snapshot_key.as_str(), new.label.code()), ("demo-2026-11", "INTERIM"));
        assert!(new.settings.contains("\"trigger\":\"register-import\"") && new.published_at.is_none(), "{}", new.settings);
        assert_eq!(new.result.replace("demo-2026-11", "demo-2026-10"), runs[1].result, "the same register under a new name gives the same numbers");
        let _ = std::fs::remove_dir_all(dir);
    }
}
