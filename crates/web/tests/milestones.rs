//! Milestones on the participant page (issue 13, item 4): provider staff record a milestone,
//! a colleague in an allowed role verifies it, and the next statement pays it; the recorder,
//! a role the milestone does not allow, other providers, masked persons and roles without
//! named access are refused, and bad input is named beside its field with nothing stored. On
//! both stores.

#![allow(clippy::disallowed_methods)]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use axum::http::StatusCode;
use common::*;
use effekt_domain::contract::scale::Scale;
use effekt_domain::contract::terms::{ContractOutcome, EvidenceSource};
use effekt_domain::money::Nok;
use effekt_domain::outcomes::{Definition, OutcomeKind};
use effekt_store::both_stores;
use effekt_store::fixture::{self, CONTRACT, LEILA};

/// The fixture contract with REFINO's first stage: 20,000 for a verified kartlegging.
async fn price_kartlegging(app: &App) {
    let mut terms = fixture::contract_terms(50_000).unwrap();
    terms.outcomes.push(ContractOutcome {
        definition: Definition {
            name: "Kartlegging".into(),
            kind: OutcomeKind::MilestoneVerified {
                milestone: "kartlegging".into(),
                months: 12,
            },
        },
        evidence: EvidenceSource::ProviderRecord,
        max_payments: 1,
        cap: None,
        scale: Scale::Fixed {
            amount: Nok::from_kroner(20_000).unwrap(),
        },
    });
    app.t
        .store
        .add_contract_version(Some(CONTRACT), &terms, None, 6, chrono::Utc::now())
        .await
        .unwrap();
}

async fn record(app: &App, cookie: &str, participant: i64, form: &str) -> Response {
    let page = format!("/deltakere/{participant}");
    app.post_with_csrf(
        &page,
        &format!("/deltakere/{participant}/delmal"),
        cookie,
        form,
    )
    .await
}

async fn act(app: &App, cookie: &str, record: &str, action: &str) -> Response {
    app.post_with_csrf(
        "/hjem",
        &format!("/deltakere/1/delmal/{record}"),
        cookie,
        &format!("handling={action}"),
    )
    .await
}

/// The record ids on a participant page, in page order.
fn record_ids(html: &str) -> Vec<String> {
    html.split("<tr id=\"delmal-")
        .skip(1)
        .filter_map(|rest| rest.split('"').next().map(str::to_owned))
        .collect()
}

/// The milestone lines of `statement`: (adjustment, amount in øre).
async fn kartlegging(app: &App, statement: i64) -> Vec<(bool, i64)> {
    app.t
        .store
        .statement_lines(&[statement], None)
        .await
        .unwrap()
        .into_iter()
        .map(|(_, l)| l)
        .filter(|l| l.outcome == "Kartlegging")
        .map(|l| (l.adjustment, l.amount.ore()))
        .collect()
}

both_stores! {
    async fn a_milestone_recorded_and_verified_on_the_page_is_paid(t: TestStore) {
        let app = App::new(t).await;
        price_kartlegging(&app).await;
        let staff = app.login("ansatt.a").await;
        let page = app.get("/deltakere/1", Some(&staff)).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("Plan og delmål"), "{}", page.body);
        assert!(page.body.contains("Ingen delmål er registrert ennå."));
        assert!(page.body.contains("Kartleggingsrapport gjennomgått med deltakeren"), "evidence named");

        // Recorded: waiting, and not for its recorder to verify.
        let res = record(&app, &staff, 1, "delmal=kartlegging&nadd_dato=10.03.2025").await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
        assert_eq!(res.headers["location"], "/deltakere/1?lagret=delmal#plan-og-delmal");
        let page = app.get("/deltakere/1?lagret=delmal", Some(&staff)).await.body;
        assert!(page.contains("Delmålet er registrert."), "notice");
        assert!(page.contains("Venter på verifisering"));
        assert!(page.contains("Test ansatt.a (ansatt.a)"), "recorder named");
        assert!(page.contains("Den som registrerte delmålet, kan ikke også verifisere det."));
        assert!(!page.contains("value=\"verifiser\""), "no verify button for the recorder");
        let ids = record_ids(&page);
        assert_eq!(ids.len(), 1);
        let id = &ids[0];

        // The recorder posting anyway is refused, and nothing changes.
        let generation = app.t.store.generation().await.unwrap();
        let res = act(&app, &staff, id, "verifiser").await;
        assert_eq!(res.status, StatusCode::BAD_REQUEST);
        assert!(res.body.contains("kan ikke også verifisere det"), "{}", res.body);
        assert_eq!(app.t.store.generation().await.unwrap(), generation);

        // Not yet verified: Q1 pays nothing for it.
        // A colleague (the provider admin) verifies it.
        let admin = app.login("admin.a").await;
        let page = app.get("/deltakere/1", Some(&admin)).await.body;
        assert!(page.contains("value=\"verifiser\""), "the colleague may verify");
        let res = act(&app, &admin, id, "verifiser").await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
        let page = app.get("/deltakere/1", Some(&staff)).await.body;
        assert!(page.contains("Test admin.a (admin.a)"), "verifier named");
        assert!(!page.contains("Venter på verifisering"), "{page}");
        // Verifying twice is refused.
        let res = act(&app, &admin, id, "verifiser").await;
        assert_eq!(res.status, StatusCode::BAD_REQUEST);
        assert!(res.body.contains("Delmålet er allerede verifisert."));

        // The next statement pays it; a retraction is reversed in the period after.
        let q1 = app.settle_period(1, "2025Q1").await;
        assert_eq!(kartlegging(&app, q1).await, vec![(false, 2_000_000)]);
        let res = act(&app, &staff, id, "trekk").await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
        let q2 = app.settle_period(1, "2025Q2").await;
        assert_eq!(kartlegging(&app, q2).await, vec![(true, -2_000_000)]);
        let page = app.get("/deltakere/1", Some(&staff)).await.body;
        assert!(page.contains("Trukket tilbake"));
        let res = act(&app, &staff, id, "trekk").await;
        assert_eq!(res.status, StatusCode::BAD_REQUEST, "retracted once");

        // Each change is an operation in the log, and the person's record shows the reads.
        let ops: Vec<String> = app.t.store.operations().await.unwrap().into_iter().map(|o| o.action).collect();
        for action in ["milestone.record", "milestone.verify", "milestone.retract"] {
            assert!(ops.iter().any(|o| o == action), "{action} in {ops:?}");
        }
        let audited = app.t.store.audit_records().await.unwrap().into_iter()
            .filter(|r| r.record.purpose == "participant.evidence")
            .count();
        assert!(audited >= 6, "reads and writes of the milestones are audited: {audited}");
    }
}

both_stores! {
    async fn refusals_are_named_and_store_nothing(t: TestStore) {
        let app = App::new(t).await;
        let staff = app.login("ansatt.a").await;
        let generation = app.t.store.generation().await.unwrap();
        for (form, field, message) in [
            ("delmal=&nadd_dato=10.03.2025", "delmal", "Velg et delmål fra listen."),
            ("delmal=finnes-ikke&nadd_dato=10.03.2025", "delmal", "Velg et delmål fra listen."),
            ("delmal=kartlegging&nadd_dato=31.02.2025", "nadd_dato", "Skriv en gyldig dato som dd.mm.åååå."),
            ("delmal=kartlegging&nadd_dato=01.01.2000", "nadd_dato", "Datoen kan ikke være før deltakeren startet"),
            ("delmal=kartlegging&nadd_dato=01.01.2100", "nadd_dato", "Datoen kan ikke være etter i dag."),
        ] {
            let res = record(&app, &staff, 1, form).await;
            assert_eq!(res.status, StatusCode::BAD_REQUEST, "{form}");
            assert!(res.body.contains(message), "{form}: {}", res.body);
            assert!(res.body.contains(&format!("id=\"{field}-error\"")), "{form}: next to {field}");
            assert!(res.body.contains(&format!("<a href=\"#{field}\">")), "{form}: summary links {field}");
        }
        assert_eq!(app.t.store.generation().await.unwrap(), generation, "nothing stored");

        // A milestone Nav may not verify: the case officer of Amina's office is told who may.
        let res = record(&app, &staff, 1, "delmal=digitalt-grunnkurs&nadd_dato=10.03.2025").await;
        assert_eq!(res.status, StatusCode::SEE_OTHER);
        let id = record_ids(&app.get("/deltakere/1", Some(&staff)).await.body).remove(0);
        let nav = app.login("veileder1").await;
        let page = app.get("/deltakere/1", Some(&nav)).await.body;
        assert!(page.contains("Rollen din kan ikke verifisere dette delmålet."), "{page}");
        assert!(!page.contains("action=\"/deltakere/1/delmal\""), "Nav does not record");
        let res = act(&app, &nav, &id, "verifiser").await;
        assert_eq!(res.status, StatusCode::BAD_REQUEST);
        assert!(res.body.contains("Det kan verifiseres av: Tiltaksleverandør, Leverandøradmin."));
        // Nav records and retracts nothing.
        assert_eq!(record(&app, &nav, 1, "delmal=kartlegging&nadd_dato=10.03.2025").await.status, StatusCode::FORBIDDEN);
        assert_eq!(act(&app, &nav, &id, "trekk").await.status, StatusCode::FORBIDDEN);
        // A record that is not the participant's is not found.
        assert_eq!(act(&app, &staff, "D-000000000000", "verifiser").await.status, StatusCode::NOT_FOUND);
    }
}

both_stores! {
    async fn who_may_not_touch_a_participants_milestones(t: TestStore) {
        let app = App::new(t).await;
        let generation = app.t.store.generation().await.unwrap();
        // Every account tries to record a milestone for Amina (provider A, office 1).
        for (user, _) in USERS {
            let cookie = app.login(user).await;
            let res = record(&app, &cookie, 1, "delmal=kartlegging&nadd_dato=10.03.2025").await;
            let expected = match *user {
                "ansatt.a" | "admin.a" => StatusCode::SEE_OTHER,
                // Another provider's staff: not found.
                "ansatt.b" | "admin.b" => StatusCode::NOT_FOUND,
                // Roles that record no milestones, wherever the participant is (so the answer
                // says nothing about who exists), and roles without named participants.
                _ => StatusCode::FORBIDDEN,
            };
            assert_eq!(res.status, expected, "{user}: {}", res.body);
            if expected != StatusCode::SEE_OTHER {
                let page = app.get("/deltakere/1", Some(&cookie)).await;
                assert!(!page.body.contains("Plan og delmål") || *user == "veileder1", "{user}");
            }
        }
        assert!(app.t.store.generation().await.unwrap() > generation);

        // Leila is protected: the provider admin, not assigned to her, sees no milestones and
        // records none; the assigned staff member does both.
        let admin = app.login("admin.a").await;
        let page = app.get(&format!("/deltakere/{}", LEILA.0), Some(&admin)).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(!page.body.contains("Plan og delmål"));
        let res = record(&app, &admin, LEILA.0, "delmal=kartlegging&nadd_dato=10.03.2025").await;
        assert_eq!(res.status, StatusCode::FORBIDDEN);
        let staff = app.login("ansatt.a").await;
        let page = app.get(&format!("/deltakere/{}", LEILA.0), Some(&staff)).await;
        assert!(page.body.contains("Plan og delmål"));
        let denied = app.t.store.audit_records().await.unwrap().into_iter()
            .filter(|r| r.record.purpose == "participant.evidence" && r.record.decision == effekt_store::model::Decision::Deny)
            .count();
        assert!(denied >= 4, "refused attempts are audited against the person: {denied}");
    }
}

fn d(y: i32, m: u32, day: u32) -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

/// A demo participant of the first provider: not protected, in the first Nav office, started
/// within a year of the open period and before the demo's own plans (which start from
/// November 2025).
fn demo_participant(participants: usize) -> i64 {
    let demo = effekt_engine::demo::generate(1, participants).unwrap();
    let provider = demo.dataset.providers[0].id;
    let office = demo.dataset.nav_offices[0].id;
    let open = |p: &effekt_domain::participant::Participant| {
        demo.dataset
            .persons
            .iter()
            .any(|x| x.key == p.person && !x.protection.is_protected())
    };
    demo.dataset
        .participants
        .iter()
        .filter(|p| p.provider == provider && p.nav_office == office && open(p))
        .filter_map(|p| p.statuses.index_date().map(|start| (p.id.0, start)))
        // Started less than 12 months before 10 July 2026, so a milestone reached then pays.
        .filter(|(_, start)| (d(2025, 8, 1)..d(2025, 11, 1)).contains(start))
        .nth(1)
        .unwrap()
        .0
}

both_stores! {
    async fn a_demo_milestone_verified_on_the_page_is_on_the_next_statement(t: TestStore) {
        const PEOPLE: usize = 150;
        let app = App::demo(t, PEOPLE).await;
        let participant = demo_participant(PEOPLE);
        let password = effekt_engine::demo::DEMO_PASSWORD;
        let staff = app.login_with("jobbspesialist.stor", password).await;
        // Reached in the open period, 3. kvartal 2026.
        let res = record(&app, &staff, participant, "delmal=kartlegging&nadd_dato=10.07.2026").await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
        let page = app.get(&format!("/deltakere/{participant}"), Some(&staff)).await.body;
        let id = record_ids(&page).pop().unwrap();
        let colleague = app.login_with("admin.stor", password).await;
        let res = app
            .post_with_csrf(
                "/hjem",
                &format!("/deltakere/{participant}/delmal/{id}"),
                &colleague,
                "handling=verifiser",
            )
            .await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);

        // The demo's open period (every period before July 2026 is paid) pays it.
        let nav = app.login_with("kontrakt.forvalter", password).await;
        let statement = app.compute(&nav, 1, "2026Q3").await;
        let lines: Vec<_> = app.t.store.statement_lines(&[statement], None).await.unwrap()
            .into_iter()
            .map(|(_, l)| l)
            .filter(|l| l.evidence.split(' ').any(|e| e.contains(&id)))
            .collect();
        assert_eq!(lines.len(), 1, "{lines:?}");
        assert_eq!(lines[0].outcome, "Kartlegging fullført");
        assert_eq!(lines[0].amount.ore(), 1_000_000);
        assert!(!lines[0].adjustment);
    }
}
