//! The individual plan on the participant page (issue 13, item 3): provider staff write a plan
//! version (track, modules from the catalogue, days and remote days from a date), record the
//! participant's approval (in person, or on their behalf with a reason), give and complete
//! learning tasks towards levels with rewards. A plan without a module, a remote-day count
//! above the days, an approval without a reason, an approval of an old version: refused beside
//! the field, nothing stored. Nav's case officer reads; every other role is refused. Both stores.

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

const PLAN: &str = "lop=LANGT&modul-norsk-lese=ja&modul-livsmestring=ja&modul-kartlegge-grunnleggende-ferdigheter=ja&dager_per_uke=4&hjemmedager=1&gjelder_fra=01.04.2025";

fn today() -> String {
    today_oslo().format("%d.%m.%Y").to_string()
}

both_stores! {
    async fn staff_write_a_plan_the_participant_approves_and_tasks_lead_to_levels(t: TestStore) {
        let app = App::new(t).await;
        let staff = app.login("ansatt.a").await;
        let post = |path: &'static str, form: String| {
            let (app, staff) = (&app, staff.clone());
            async move { app.post_with_csrf("/deltakere/1", path, &staff, &form).await }
        };
        let res = post("/deltakere/1/plan", PLAN.to_owned()).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
        let page = app.get("/deltakere/1", Some(&staff)).await.body;
        for text in ["Langt løp", "Norsk: lese", "Livsmestring: bolig, økonomi og offentlige brev", "Kartlegging av grunnleggende ferdigheter", "hjemmedager: 1", "Venter på deltakerens godkjenning"] {
            assert!(page.contains(text), "{text}");
        }
        // On the participant's behalf needs a reason; then it is recorded once.
        let res = post("/deltakere/1/plan/godkjenning", "versjon=1&godkjenning=PA_VEGNE&godkjenning_arsak=".into()).await;
        assert_eq!(res.status, StatusCode::BAD_REQUEST);
        assert!(res.body.contains("id=\"godkjenning_arsak-error\""));
        assert_eq!(count(&app, "plan_approvals").await, 0);
        let res = post("/deltakere/1/plan/godkjenning", "versjon=1&godkjenning=PA_VEGNE&godkjenning_arsak=MANGLER_BANKID".into()).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
        let page = app.get("/deltakere/1", Some(&staff)).await.body;
        assert!(page.contains("Registrert på vegne av deltakeren: Har ikke BankID"));
        let res = post("/deltakere/1/plan/godkjenning", "versjon=1&godkjenning=SELV".into()).await;
        assert_eq!(res.status, StatusCode::BAD_REQUEST, "approved once");
        // A change is a new version that waits for its own approval; the old one can no longer be approved.
        let res = post("/deltakere/1/plan", PLAN.replace("dager_per_uke=4", "dager_per_uke=3").replace("LANGT", "KORT")).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
        let page = app.get("/deltakere/1", Some(&staff)).await.body;
        assert!(page.contains("Kort løp") && page.contains("Venter på deltakerens godkjenning") && page.contains("Tidligere versjoner (1)"));
        let res = post("/deltakere/1/plan/godkjenning", "versjon=1&godkjenning=SELV".into()).await;
        assert_eq!(res.status, StatusCode::BAD_REQUEST);
        assert!(res.body.contains("Godkjenn den nyeste versjonen"));
        assert_eq!(post("/deltakere/1/plan/godkjenning", "versjon=2&godkjenning=SELV".into()).await.status, StatusCode::SEE_OTHER);

        // Learning tasks: two completed reach level 1 and its reward.
        for task in ["nav-skjema", "butikk-kart", "budsjett"] {
            assert_eq!(post("/deltakere/1/oppgaver", format!("oppgave={task}")).await.status, StatusCode::SEE_OTHER);
        }
        let ids: Vec<i64> = {
            let page = app.get("/deltakere/1", Some(&staff)).await.body;
            page.match_indices("/deltakere/1/oppgaver/").map(|(i, m)| page[i + m.len()..].split('"').next().unwrap().parse().unwrap()).collect()
        };
        assert_eq!(ids.len(), 3);
        let res = post("/deltakere/1/oppgaver/0", format!("fullfort_dato={}", today())).await;
        assert_eq!(res.status, StatusCode::NOT_FOUND, "no such task");
        let res = app.post_with_csrf("/deltakere/1", &format!("/deltakere/1/oppgaver/{}", ids[0]), &staff, &format!("oppgave_id={}&fullfort_dato=01.01.2099", ids[0])).await;
        assert_eq!(res.status, StatusCode::BAD_REQUEST);
        assert!(res.body.contains(&format!("id=\"fullfort_dato-{}-error\"", ids[0])), "beside the task");
        for id in &ids[..2] {
            let res = app.post_with_csrf("/deltakere/1", &format!("/deltakere/1/oppgaver/{id}"), &staff, &format!("fullfort_dato={}", today())).await;
            assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
        }
        let res = app.post_with_csrf("/deltakere/1", &format!("/deltakere/1/oppgaver/{}", ids[0]), &staff, &format!("fullfort_dato={}", today())).await;
        assert_eq!(res.status, StatusCode::BAD_REQUEST, "completed once");
        let page = app.get("/deltakere/1", Some(&staff)).await.body;
        assert!(page.contains("Nivå 1: Diplom for første nivå"), "level reached");
        assert!(page.contains("Nivå 2: Kinobillett (3 oppgaver igjen)"), "the next level");

        let ops: Vec<String> = app.t.store.operations().await.unwrap().into_iter().map(|o| o.action).collect();
        for action in ["plan.write", "plan.approve", "plan.task-assign", "plan.task-complete"] {
            assert!(ops.iter().any(|o| o == action), "{action}");
        }
        for table in ["plans", "plan_modules", "plan_approvals", "learning_tasks", "learning_task_completions"] {
            assert!(app.t.execute_raw(&format!("DELETE FROM {table}")).await.is_err(), "{table} is append-only");
        }
        let records = app.t.store.audit_records().await.unwrap();
        assert!(records.iter().any(|r| r.record.actor_name == "ansatt.a" && r.record.purpose == "participant.plan"));
    }
}

both_stores! {
    async fn a_bad_plan_is_refused_beside_its_field_and_stores_nothing(t: TestStore) {
        let app = App::new(t).await;
        let staff = app.login("ansatt.a").await;
        for (form, field, message) in [
            ("lop=LANGT&dager_per_uke=4&hjemmedager=0&gjelder_fra=01.04.2025".to_owned(), "moduler", "Velg minst én modul"),
            (PLAN.replace("lop=LANGT", "lop="), "lop", "Velg et løp"),
            (PLAN.replace("dager_per_uke=4", "dager_per_uke=7"), "dager_per_uke", "fra 1 til 5"),
            (PLAN.replace("hjemmedager=1", "hjemmedager=5"), "hjemmedager", "ikke være flere"),
            (PLAN.replace("01.04.2025", "01.01.2025"), "gjelder_fra", "før deltakeren startet"),
            (PLAN.replace("01.04.2025", "31.02.2025"), "gjelder_fra", ""),
            ("oppgave=finnes-ikke".to_owned(), "oppgave", "Velg en oppgave"),
        ] {
            let path = if form.starts_with("oppgave") { "/deltakere/1/oppgaver" } else { "/deltakere/1/plan" };
            let res = app.post_with_csrf("/deltakere/1", path, &staff, &form).await;
            assert_eq!(res.status, StatusCode::BAD_REQUEST, "{form}: {}", res.body);
            assert!(res.body.contains(message), "{form}: {message}");
            assert!(res.body.contains(&format!("id=\"{field}-error\"")), "{form}: beside {field}");
        }
        // What was chosen stays chosen.
        let res = app.post_with_csrf("/deltakere/1", "/deltakere/1/plan", &staff, &PLAN.replace("hjemmedager=1", "hjemmedager=5")).await;
        assert!(res.body.contains("name=\"modul-norsk-lese\" value=\"ja\" checked"));
        for table in ["plans", "plan_modules", "learning_tasks"] {
            assert_eq!(count(&app, table).await, 0, "{table}");
        }
    }
}

both_stores! {
    async fn only_provider_staff_write_and_nav_reads(t: TestStore) {
        let app = App::new(t).await;
        let staff = app.login("ansatt.a").await;
        assert_eq!(app.post_with_csrf("/deltakere/1", "/deltakere/1/plan", &staff, PLAN).await.status, StatusCode::SEE_OTHER);
        for user in ["veileder1", "veileder2", "ansatt.b", "admin.b", "forvalter", "investor", "evaluator", "tilrettelegger", "administrator", "personvern"] {
            let cookie = app.login(user).await;
            for (path, form) in [("/deltakere/1/plan", PLAN.to_owned()), ("/deltakere/1/oppgaver", "oppgave=budsjett".to_owned()), ("/deltakere/1/plan/godkjenning", "versjon=1&godkjenning=SELV".to_owned())] {
                let res = app.post_with_csrf("/hjem", path, &cookie, &form).await;
                assert!(matches!(res.status, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND), "{user} {path}: {}", res.status);
            }
        }
        assert_eq!(count(&app, "plans").await, 1);
        assert_eq!(count(&app, "learning_tasks").await, 0);
        assert_eq!(count(&app, "plan_approvals").await, 0);
        // The organisation's admin writes too.
        let admin = app.login("admin.a").await;
        assert_eq!(app.post_with_csrf("/deltakere/1", "/deltakere/1/oppgaver", &admin, "oppgave=budsjett").await.status, StatusCode::SEE_OTHER);
        // Nav's case officer reads the plan without its forms.
        let page = app.get("/deltakere/1", Some(&app.login("veileder1").await)).await.body;
        assert!(page.contains("Norsk: lese") && !page.contains("action=\"/deltakere/1/plan\""));
    }
}

both_stores! {
    async fn every_started_demo_participant_has_a_plan_written_whole(t: TestStore) {
        const PEOPLE: usize = 150;
        let app = App::demo(t, PEOPLE).await;
        let started = app.t.scalar_text("SELECT CAST(COUNT(*) AS TEXT) FROM participants WHERE index_date IS NOT NULL").await.unwrap();
        let planned = app.t.scalar_text("SELECT CAST(COUNT(DISTINCT participant_id) AS TEXT) FROM plans").await.unwrap();
        assert_eq!(planned, started, "one plan per started participant");
        assert!(started.parse::<i64>().unwrap() > 50, "{started}");
        let approved = count(&app, "plan_approvals").await;
        assert_eq!(approved.to_string(), started, "each first version approved");
        assert!(count(&app, "plans").await > approved, "some newer versions wait for approval");
        assert!(count(&app, "learning_task_completions").await > 0);
        // No version without a module.
        let bare = app.t.scalar_text("SELECT CAST(COUNT(*) AS TEXT) FROM plans p WHERE NOT EXISTS (SELECT 1 FROM plan_modules m WHERE m.plan_id = p.id)").await.unwrap();
        assert_eq!(bare, "0");

        // The page shows the bulk-written plan, and writing on it continues the keys (on
        // PostgreSQL the sequences were moved past the keys the bulk write gave).
        let participant = app.t.scalar_text("SELECT CAST(MAX(p.participant_id) AS TEXT) FROM plans p JOIN participants pt ON pt.id = p.participant_id JOIN persons pr ON pr.key = pt.person_key WHERE pr.protection = 'NONE' AND pt.provider_id = 1").await.unwrap();
        let staff = app.login_with("jobbspesialist.stor", effekt_engine::demo::DEMO_PASSWORD).await;
        let path = format!("/deltakere/{participant}");
        let page = app.get(&path, Some(&staff)).await.body;
        assert!(page.contains("<dt>Versjon</dt><dd>1 (") || page.contains("<dt>Versjon</dt><dd>2 ("), "the newest version: {page}");
        let form = PLAN.replace("gjelder_fra=01.04.2025", &format!("gjelder_fra={}", today()));
        let res = app.post_with_csrf(&path, &format!("{path}/plan"), &staff, &form).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
        let res = app.post_with_csrf(&path, &format!("{path}/oppgaver"), &staff, "oppgave=budsjett").await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);

        // All or nothing: a bulk write naming a participant who has a plan stores none of it.
        let before = (count(&app, "plans").await, count(&app, "learning_tasks").await);
        let plan = effekt_domain::plan::plan("KORT", &["norsk-lese".to_owned()], "2", "0", chrono::NaiveDate::from_ymd_opt(2026, 1, 5).unwrap(), chrono::NaiveDate::from_ymd_opt(2025, 1, 1)).unwrap();
        let bundle = |p: i64| effekt_store::plan::PlanBundle {
            participant: effekt_domain::ids::ParticipantId(p),
            versions: vec![plan.clone()],
            approval: None,
            tasks: vec![("budsjett", chrono::NaiveDate::from_ymd_opt(2026, 1, 5).unwrap(), None)],
            by: effekt_domain::ids::UserId(1),
        };
        let unplanned = app.t.scalar_text("SELECT CAST(MIN(id) AS TEXT) FROM participants WHERE id NOT IN (SELECT participant_id FROM plans)").await.unwrap();
        let bundles = [bundle(unplanned.parse().unwrap()), bundle(participant.parse().unwrap())];
        assert!(app.t.store.insert_plans(&bundles, chrono::Utc::now()).await.is_err());
        assert_eq!((count(&app, "plans").await, count(&app, "learning_tasks").await), before);
    }
}
