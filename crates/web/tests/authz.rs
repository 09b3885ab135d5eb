//! The authorisation matrix: every page and JSON endpoint, every role, on both stores.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use axum::http::StatusCode;
use common::*;
use effekt_domain::ids::PersonKey;
use effekt_domain::person::Protection;
use effekt_store::both_stores;
use effekt_store::fixture::{self, *};
use effekt_store::model::Decision;

/// Every name and national id in the fixture: none may reach a role without personal access.
fn personal_strings() -> Vec<String> {
    let data = fixture::dataset().unwrap();
    let mut out = Vec::new();
    for p in &data.persons {
        out.push(p.given_name.clone());
        out.push(p.family_name.clone());
        for r in p.ids.records() {
            out.push(r.national_id.to_string());
            out.push(grouped(&r.national_id.to_string()));
        }
        out.extend(p.address.clone());
        out.extend(p.phone.clone());
    }
    out
}

fn assert_no_personal_data(body: &str, who: &str) {
    for s in personal_strings() {
        assert!(!body.contains(&s), "{who} saw {s:?}");
    }
}

fn national_id(key: i64) -> String {
    let data = fixture::dataset().unwrap();
    data.persons
        .iter()
        .find(|p| p.key.0 == key)
        .unwrap()
        .ids
        .current()
        .to_string()
}

const PAGES: &[&str] = &[
    "/hjem",
    "/deltakere",
    "/deltakere/1",
    "/oversikt",
    "/resultater",
    "/evaluering",
    "/admin/brukere",
    "/admin/logg",
    "/admin/logg/cef",
    "/admin/oppsett",
    "/importer",
    "/utbetalinger",
    "/kontrakter/1",
    "/investeringer",
    "/henvisninger/ny",
    "/grupper",
    "/grupper/1",
    "/tolk",
    "/tolk/kostnader.csv",
    "/team",
];
const API: &[&str] = &[
    "/api/participants",
    "/api/participants/1",
    "/api/participants/1/outcomes",
    "/api/aggregates",
    "/api/results",
    "/api/pseudonymised",
    "/api/statements",
    "/api/contracts/1",
    "/api/investments",
];

/// Expected status of each page and endpoint per role (paths as in PAGES then API).
#[rustfmt::skip]
fn expected(role: &str) -> [u16; 29] {
    match role {
        "veileder1" => [200, 200, 200, 403, 403, 403, 403, 403, 403, 403, 403, 200, 200, 403, 200, 403, 403, 403, 403, 403, 200, 200, 200, 403, 403, 403, 200, 200, 403],
        "ansatt.a" => [200, 200, 200, 403, 403, 403, 403, 403, 403, 403, 403, 200, 200, 403, 403, 200, 200, 200, 200, 200, 200, 200, 200, 403, 403, 403, 200, 200, 403],
        "admin.a" => [200, 200, 200, 403, 403, 403, 200, 403, 403, 403, 403, 200, 200, 403, 403, 200, 200, 200, 200, 200, 200, 200, 200, 403, 403, 403, 200, 200, 403],
        "veileder2" => [200, 200, 404, 403, 403, 403, 403, 403, 403, 403, 403, 200, 200, 403, 200, 403, 403, 403, 403, 403, 200, 404, 404, 403, 403, 403, 200, 200, 403],
        "ansatt.b" => [200, 200, 404, 403, 403, 403, 403, 403, 403, 403, 403, 200, 200, 403, 403, 200, 404, 200, 200, 200, 200, 404, 404, 403, 403, 403, 200, 200, 403],
        "admin.b" => [200, 200, 404, 403, 403, 403, 200, 403, 403, 403, 403, 200, 200, 403, 403, 200, 404, 200, 200, 200, 200, 404, 404, 403, 403, 403, 200, 200, 403],
        "forvalter" => [200, 403, 403, 200, 200, 403, 403, 403, 403, 403, 200, 200, 200, 200, 403, 403, 403, 403, 403, 403, 403, 403, 403, 200, 200, 403, 200, 200, 200],
        "investor" | "tilrettelegger" => [200, 403, 403, 200, 200, 403, 403, 403, 403, 403, 403, 200, 200, 200, 403, 403, 403, 403, 403, 403, 403, 403, 403, 200, 200, 403, 200, 200, 200],
        "evaluator" => [200, 403, 403, 403, 403, 200, 403, 403, 403, 403, 403, 200, 200, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 200, 200, 200, 403],
        "administrator" => [200, 403, 403, 403, 403, 403, 200, 200, 403, 200, 200, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403],
        "personvern" => [200, 403, 403, 403, 403, 403, 403, 200, 200, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403],
        _ => unreachable!(),
    }
}

both_stores! {
    async fn each_role_gets_exactly_what_it_may(t: TestStore) {
        let app = App::new(t).await;
        for (user, _) in USERS {
            let cookie = app.login(user).await;
            for (path, want) in PAGES.iter().chain(API).zip(expected(user)) {
                let res = app.get(path, Some(&cookie)).await;
                assert_eq!(res.status.as_u16(), want, "{user} {path}");
                let aggregate_only = ["forvalter", "investor", "tilrettelegger", "evaluator", "administrator"];
                if aggregate_only.contains(user) {
                    assert_no_personal_data(&res.body, &format!("{user} on {path}"));
                }
            }
        }
    }
}

both_stores! {
    async fn anonymous_users_are_sent_to_login(t: TestStore) {
        let app = App::new(t).await;
        for path in PAGES {
            let res = app.get(path, None).await;
            assert_eq!(res.status, StatusCode::SEE_OTHER, "{path}");
            assert_eq!(res.headers["location"], "/logg-inn");
        }
        for path in API {
            assert_eq!(app.get(path, None).await.status, StatusCode::UNAUTHORIZED, "{path}");
        }
        // A forged or expired cookie is no session.
        let res = app.get("/deltakere", Some("effekt_session=forged")).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER);
    }
}

both_stores! {
    async fn rows_stay_within_office_and_provider(t: TestStore) {
        let app = App::new(t).await;
        let officer1 = app.login("veileder1").await;
        let body = app.get("/deltakere", Some(&officer1)).await.body;
        assert!(body.contains("Amina Hassan") && body.contains("Olena Kovalenko"));
        assert!(!body.contains("Dawit"), "office 2's participant leaked");
        let staff_b = app.login("ansatt.b").await;
        let body = app.get("/api/participants", Some(&staff_b)).await.body;
        let json: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(json["total"], 2);
        // Provider B's staff get 404 for provider A's participant, page and API alike.
        assert_eq!(app.get(&format!("/deltakere/{}", AMINA.0), Some(&staff_b)).await.status, StatusCode::NOT_FOUND);
        assert_eq!(app.get(&format!("/api/participants/{}", AMINA.0), Some(&staff_b)).await.status, StatusCode::NOT_FOUND);
        // ... and the same 404 for an id that does not exist: nothing tells them apart.
        assert_eq!(app.get("/deltakere/9999", Some(&staff_b)).await.status, StatusCode::NOT_FOUND);
        assert_eq!(app.get("/deltakere/abc", Some(&staff_b)).await.status, StatusCode::NOT_FOUND);
        let officer2 = app.login("veileder2").await;
        assert_eq!(app.get(&format!("/deltakere/{}", AMINA.0), Some(&officer2)).await.status, StatusCode::NOT_FOUND);
    }
}

both_stores! {
    async fn protected_persons_stay_masked_except_for_assigned_staff(t: TestStore) {
        let app = App::new(t).await;
        let leila_id = national_id(3);
        let officer2 = app.login("veileder2").await;
        let list = app.get("/deltakere", Some(&officer2)).await.body;
        assert!(list.contains("Adressebeskyttet"));
        assert!(!list.contains("Leila") && !list.contains(&leila_id) && !list.contains(&grouped(&leila_id)));
        let page = app.get(&format!("/deltakere/{}", LEILA.0), Some(&officer2)).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(!page.body.contains("Leila") && !page.body.contains(&leila_id) && !page.body.contains(&grouped(&leila_id)) && !page.body.contains("Tøyengata"));
        let api = app.get(&format!("/api/participants/{}", LEILA.0), Some(&officer2)).await.body;
        assert!(!api.contains("Leila") && !api.contains(&leila_id) && api.contains("\"masked\":true"));
        // Searching for her name does not reveal her either.
        let search = app.get("/api/participants?sok=leila", Some(&officer2)).await.body;
        assert!(search.contains("\"total\":0"), "{search}");
        // Skjermet shows its own mask.
        let officer1 = app.login("veileder1").await;
        assert!(app.get("/deltakere", Some(&officer1)).await.body.contains("Skjermet person"));
        // Her assigned staff member sees her.
        let staff_a = app.login("ansatt.a").await;
        let assigned = app.get(&format!("/deltakere/{}", LEILA.0), Some(&staff_a)).await.body;
        assert!(assigned.contains("Leila Haddad") && assigned.contains(&grouped(&leila_id)), "shown as Nav writes it");
        // A change of protection applies at once, for everyone not assigned.
        app.t.store.set_protection(PersonKey(1), Protection::StrengtFortroligUtland).await.unwrap();
        let list = app.get("/deltakere", Some(&officer1)).await.body;
        assert!(!list.contains("Amina") && !list.contains(&national_id(1)) && !list.contains(&grouped(&national_id(1))));
        let household = app.get(&format!("/deltakere/{}", YUSUF.0), Some(&officer1)).await.body;
        assert!(!household.contains("Amina"), "a household member's page must mask her too");
    }
}

both_stores! {
    async fn every_read_and_every_refusal_is_audited(t: TestStore) {
        let app = App::new(t).await;
        let officer1 = app.login("veileder1").await;
        let res = app.get("/deltakere", Some(&officer1)).await;
        assert_eq!(res.status, StatusCode::OK);
        let records = app.t.store.audit_records().await.unwrap();
        assert_eq!(records.len(), 4, "one record per participant shown");
        assert!(records.iter().all(|r| r.record.decision == Decision::Permit && r.record.actor_name == "veileder1"));
        // A participant page audits the participant and the household member shown, then the
        // participant's register data read for the outcomes, the plan's milestones and the
        // intake (a case officer reads no screening field), the individual plan and the
        // attendance per month shown with it.
        app.get(&format!("/deltakere/{}", AMINA.0), Some(&officer1)).await;
        let records = app.t.store.audit_records().await.unwrap();
        let subjects: Vec<(i64, &str)> = records[4..].iter().map(|r| (r.record.subject.0, r.record.purpose.as_str())).collect();
        assert_eq!(subjects, vec![(1, "participant.view"), (2, "participant.view"), (1, "participant.outcomes"), (1, "participant.evidence"), (1, "participant.intake"), (1, "participant.plan"), (1, "participant.attendance")]);
        // Denied: another office's participant, and a role without participant access.
        app.get(&format!("/deltakere/{}", DAWIT.0), Some(&officer1)).await;
        let investor = app.login("investor").await;
        app.get(&format!("/api/participants/{}", AMINA.0), Some(&investor)).await;
        let records = app.t.store.audit_records().await.unwrap();
        let denied: Vec<(i64, String)> = records
            .iter()
            .filter(|r| r.record.decision == Decision::Deny)
            .map(|r| (r.record.subject.0, r.record.actor_name.clone()))
            .collect();
        assert_eq!(denied, vec![(4, "veileder1".into()), (1, "investor".into())]);
        // The evaluator's pseudonymised reads are audited too.
        let evaluator = app.login("evaluator").await;
        app.get("/evaluering", Some(&evaluator)).await;
        let n = app.t.store.audit_records().await.unwrap().iter().filter(|r| r.record.purpose == "evaluation.pseudonymised").count();
        assert_eq!(n, 6);
    }
}

both_stores! {
    async fn a_failing_audit_write_fails_the_read(t: TestStore) {
        let app = App::new(t).await;
        let officer1 = app.login("veileder1").await;
        app.t.break_audit_writes().await.unwrap();
        for path in ["/deltakere", "/deltakere/1", "/api/participants", "/api/participants/1"] {
            let res = app.get(path, Some(&officer1)).await;
            assert_eq!(res.status, StatusCode::INTERNAL_SERVER_ERROR, "{path}");
            assert!(!res.body.contains("Amina") && !res.body.contains("Hassan"), "{path} leaked data");
        }
        let evaluator = app.login("evaluator").await;
        assert_eq!(app.get("/evaluering", Some(&evaluator)).await.status, StatusCode::INTERNAL_SERVER_ERROR);
    }
}

both_stores! {
    async fn investors_see_suppressed_aggregates_only(t: TestStore) {
        let app = App::new(t).await;
        let investor = app.login("investor").await;
        let json: serde_json::Value = serde_json::from_str(&app.get("/api/aggregates", Some(&investor)).await.body).unwrap();
        // Fixture: provider A has 4 DELTAR, provider B 1 DELTAR + 1 ended: every cell is small.
        let cells: Vec<String> = json["rows"].as_array().unwrap().iter()
            .flat_map(|r| r["cells"].as_array().unwrap().iter().map(|c| c.as_str().unwrap().to_owned()))
            .collect();
        assert!(cells.iter().all(|c| c == "<5" || c == "x"), "{cells:?}");
        assert_eq!(json["total"], "6");
        let page = app.get("/oversikt", Some(&investor)).await.body;
        assert!((page.contains("&lt;5") || page.contains("&#60;5")) && page.contains("Jobbvei Oslo"));
        assert_no_personal_data(&page, "investor");
    }
}

both_stores! {
    async fn the_evaluator_sees_stable_pseudonyms(t: TestStore) {
        let app = App::new(t).await;
        let evaluator = app.login("evaluator").await;
        let first = app.get("/api/pseudonymised", Some(&evaluator)).await.body;
        let json: serde_json::Value = serde_json::from_str(&first).unwrap();
        let pseudonyms: Vec<String> = json["items"].as_array().unwrap().iter().map(|r| r["pseudonym"].as_str().unwrap().to_owned()).collect();
        assert_eq!(pseudonyms.len(), 6);
        assert!(pseudonyms.iter().all(|p| p.starts_with("P-")));
        // Search is ignored for the evaluator: a name cannot be used to find a pseudonym.
        let searched: serde_json::Value = serde_json::from_str(&app.get("/api/pseudonymised?sok=Amina", Some(&evaluator)).await.body).unwrap();
        assert_eq!(searched["total"], 6);
        assert_no_personal_data(&first, "evaluator");
        // A change of national id does not change the pseudonym.
        let dawit_before = app.get("/api/pseudonymised?sorter=oppstart", Some(&evaluator)).await.body;
        let new_id = fixture::synthetic_id(chrono::NaiveDate::from_ymd_opt(1979, 11, 5).unwrap(), false, 3).unwrap();
        app.t.store.change_national_id(PersonKey(4), &new_id, chrono::NaiveDate::from_ymd_opt(2026, 10, 1).unwrap()).await.unwrap();
        let dawit_after = app.get("/api/pseudonymised?sorter=oppstart", Some(&evaluator)).await.body;
        assert_eq!(dawit_before, dawit_after);
    }
}

both_stores! {
    async fn a_second_contract_with_other_parties_stays_with_its_parties(t: TestStore) {
        let app = App::new(t).await;
        // Another contract: Nav, but another provider and another investor than the fixture's.
        let other = contract_file(40_000)
            .replace("name = \"Jobbvei Oslo\"", "name = \"Annen kontrakt\"")
            .replace("910000004", "910000071")
            .replace("910000012", "910000098")
            .replace("910000020", "910000101");
        let terms = effekt_engine::contract::check(&other).unwrap();
        #[allow(clippy::disallowed_methods)]
        let now = chrono::Utc::now();
        let (id, _) = app.t.store.add_contract_version(None, &terms, Some(&other), 10, now).await.unwrap();
        let pages = [format!("/kontrakter/{}", id.0), format!("/api/contracts/{}", id.0)];
        // The fixture's provider staff, provider admin and investor are no party to it.
        for user in ["ansatt.a", "admin.a", "ansatt.b", "admin.b", "investor"] {
            let cookie = app.login(user).await;
            for path in &pages {
                assert_eq!(app.get(path, Some(&cookie)).await.status, StatusCode::NOT_FOUND, "{user} {path}");
            }
            for path in ["/kontrakter", "/utbetalinger", "/api/statements", "/investeringer", "/resultater", "/api/results"] {
                let body = app.get(path, Some(&cookie)).await.body;
                assert!(!body.contains("Annen kontrakt"), "{user} sees the other contract on {path}");
            }
        }
        // Nav, the evaluator and the facilitator read every contract.
        for user in ["forvalter", "veileder1", "evaluator", "tilrettelegger"] {
            let cookie = app.login(user).await;
            for path in &pages {
                assert_eq!(app.get(path, Some(&cookie)).await.status, StatusCode::OK, "{user} {path}");
            }
        }
    }
}
