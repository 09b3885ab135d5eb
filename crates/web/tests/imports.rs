//! The import log (issue 12): every attempt to import lands in it, a refused one stores
//! nothing else and waits on the home of whoever owns its kind until a later attempt of the
//! same kind and scope succeeds; the log page shows each role its own kinds only; on both
//! stores.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use axum::http::StatusCode;
use common::*;
use effekt_app::policy::Grant;
use effekt_domain::ids::ContractId;
use effekt_domain::imports::ImportResult;
use effekt_store::both_stores;
use effekt_store::fixture::CONTRACT;

const HEADER: &str =
    "record_id;national_id;identifier;date;score;recorded_by;verified_by;verified_on;action\n";

/// Imports `text` as provider evidence for the fixture contract, as the administrator does
/// from the command line: the number stored, or the problems.
async fn import_evidence(app: &App, name: &str, text: &str) -> Result<usize, Vec<String>> {
    let (core, viewer) = app.operator("administrator", Grant::Administration).await;
    let file = scratch_file(name, text);
    viewer
        .administration(&core)
        .unwrap()
        .import_evidence_file(CONTRACT, &file)
        .await
        .unwrap()
        .map_err(|p| p.iter().map(ToString::to_string).collect())
}

both_stores! {
    async fn a_refused_import_waits_on_the_administrators_home_until_a_later_one_succeeds(t: TestStore) {
        let app = App::new(t).await;
        assert!(tasks(&app, "administrator").await.is_empty());
        // A record about someone who is no participant of the contract: refused, nothing stored.
        let bad = format!("{HEADER}M-1;{};kartlegging;2025-03-10;;Kari Veileder;Per Evaluator;2025-03-15;\nM-2;13527248013;kartlegging;2025-03-10;;Kari Veileder;Per Evaluator;2025-03-15;\n", amina());
        let problems = import_evidence(&app, "milepaeler-mars.csv", &bad).await.unwrap_err();
        assert_eq!(problems.len(), 1, "{problems:?}");
        let runs = app.t.store.import_runs(10).await.unwrap();
        assert_eq!(runs.len(), 1);
        assert_eq!((runs[0].result, runs[0].source.as_str(), runs[0].scope.as_str()), (ImportResult::Refused, "milepaeler-mars.csv", "contract:1"));
        assert_eq!(runs[0].problems, problems, "the log keeps what the operator saw");
        // On the administrator's home, linking to the attempt in the log.
        let waiting = tasks(&app, "administrator").await;
        assert_eq!(labels(&waiting), ["Rett feilen og importer på nytt"]);
        assert_eq!(waiting[0].1, format!("/importer#import-{}", runs[0].id));
        let admin = app.login("administrator").await;
        let home = app.get("/hjem", Some(&admin)).await.body;
        assert!(home.contains("«milepaeler-mars.csv» avvist") && home.contains("1 feil"), "{home}");
        let log = app.get("/importer", Some(&admin)).await;
        assert_eq!(log.status, StatusCode::OK);
        assert!(log.body.contains(&format!("id=\"import-{}\"", runs[0].id)), "{}", log.body);
        assert!(log.body.contains("venter på ny import") && log.body.contains("effekt evidence import milepaeler-mars.csv --contract 1 --as BRUKERNAVN"), "{}", log.body);
        // The task names the contract the file was for.
        assert!(home.contains("Kontrakt: </span>Jobbvei Oslo</td>"), "{home}");
        assert!(log.body.contains(&problems[0].replace('\'', "&#x27;")) || log.body.contains(&problems[0]), "{}", log.body);
        // Nobody else's home has it: it is the administrator's kind.
        for user in ["forvalter", "evaluator", "admin.a", "personvern"] {
            assert!(!labels(&tasks(&app, user).await).contains(&"Rett feilen og importer på nytt"), "{user}");
        }
        // A success for this contract settles it.
        let good = format!("{HEADER}M-1;{};kartlegging;2025-03-10;;Kari Veileder;Per Evaluator;2025-03-15;\n", amina());
        assert_eq!(import_evidence(&app, "milepaeler-mars-rettet.csv", &good).await, Ok(1));
        assert!(tasks(&app, "administrator").await.is_empty(), "settled by the later import");
        let log = app.get("/importer", Some(&admin)).await.body;
        assert!(log.contains("milepaeler-mars-rettet.csv") && log.contains("Importert") && !log.contains("venter på ny import"), "{log}");
    }
}

both_stores! {
    async fn a_register_folder_that_cannot_be_read_is_logged_and_waits(t: TestStore) {
        let app = App::new(t).await;
        let (core, viewer) = app.operator("administrator", Grant::Administration).await;
        let missing = std::env::temp_dir().join("effekt-test-no-such-register-folder");
        let refused = viewer
            .administration(&core)
            .unwrap()
            .import_register_dir(&missing, &|_| {}, &|_| {})
            .await;
        assert!(matches!(refused, Err(effekt_app::AppError::Refused(_))), "{refused:?}");
        let run = app.t.store.import_runs(1).await.unwrap().remove(0);
        assert_eq!((run.result, run.source.as_str(), run.problem_count), (ImportResult::Refused, "effekt-test-no-such-register-folder", 1));
        let waiting = tasks(&app, "administrator").await;
        assert_eq!(labels(&waiting), ["Rett feilen og importer på nytt"]);
        let admin = app.login("administrator").await;
        assert!(app.get("/hjem", Some(&admin)).await.body.contains("Registeruttrekk"));
    }
}

both_stores! {
    async fn a_refused_contract_file_waits_for_the_contract_manager_alone(t: TestStore) {
        let app = App::new(t).await;
        let (core, viewer) = app.operator("forvalter", Grant::DefineContracts).await;
        let definition = viewer.contract_definition(&core).unwrap();
        let file = scratch_file("ny-kontrakt.toml", "name = \"Uten resten\"\n");
        let problems = definition.import_file(None, &file, 10).await.unwrap().unwrap_err();
        assert!(!problems.is_empty());
        // Terms for a contract that has them already: refused with why, and logged too.
        let whole = scratch_file("kontrakt.toml", &contract_file(50_000));
        let again = definition.import_file(Some(CONTRACT), &whole, 10).await;
        assert!(matches!(again, Err(effekt_app::AppError::Refused(_))), "{again:?}");
        let runs = app.t.store.import_runs(10).await.unwrap();
        assert_eq!(runs.iter().map(|r| (r.scope.as_str(), r.result)).collect::<Vec<_>>(), [("contract:1", ImportResult::Refused), ("new", ImportResult::Refused)]);
        // Only the new contract's file waits: contract 1 has terms, so no file for it can ever
        // be imported, and that refusal waits for nobody.
        let waiting: Vec<String> = tasks(&app, "forvalter").await.into_iter().filter(|t| t.0 == "Rett feilen og importer på nytt").map(|t| t.1).collect();
        assert_eq!(waiting, [format!("/importer#import-{}", runs[1].id)]);
        // Terms for a contract that does not exist: failed, logged, and waiting for nobody.
        let none = definition.import_file(Some(ContractId(99)), &whole, 10).await;
        assert!(none.is_err(), "{none:?}");
        assert_eq!(app.t.store.import_runs(1).await.unwrap()[0].scope, "contract:99");
        assert_eq!(tasks(&app, "forvalter").await.iter().filter(|t| t.0 == "Rett feilen og importer på nytt").count(), 1);
        assert!(tasks(&app, "administrator").await.is_empty(), "the administrator does not import contracts");
        // Each role's log holds its own kinds only.
        let admin = app.login("administrator").await;
        assert!(!app.get("/importer", Some(&admin)).await.body.contains("ny-kontrakt.toml"));
        let nav = app.login("forvalter").await;
        let log = app.get("/importer", Some(&nav)).await.body;
        assert!(log.contains("ny-kontrakt.toml") && log.contains("Kontraktsfil"), "{log}");
        // A valid new contract settles the "new" failure.
        let (id, version, _) = definition.import_file(None, &whole, 10).await.unwrap().unwrap();
        assert_ne!(id, ContractId(1));
        assert_eq!(version, 1);
        assert!(!labels(&tasks(&app, "forvalter").await).contains(&"Rett feilen og importer på nytt"));
    }
}

both_stores! {
    async fn only_the_administrator_and_the_contract_manager_read_the_import_log(t: TestStore) {
        let app = App::new(t).await;
        for (user, _) in USERS {
            let cookie = app.login(user).await;
            let res = app.get("/importer", Some(&cookie)).await;
            let expected = match *user {
                "administrator" | "forvalter" => StatusCode::OK,
                _ => StatusCode::FORBIDDEN,
            };
            assert_eq!(res.status, expected, "{user}");
            let home = app.get("/hjem", Some(&cookie)).await.body;
            assert_eq!(home.contains("href=\"/importer\""), expected == StatusCode::OK, "{user}: the menu");
        }
        assert_eq!(app.get("/importer", None).await.headers["location"], "/logg-inn");
    }
}

/// Amina's national id (participant 1 of the fixture contract).
fn amina() -> String {
    let data = effekt_store::fixture::dataset().unwrap();
    let p = data
        .persons
        .iter()
        .find(|p| p.given_name == "Amina")
        .unwrap();
    p.ids.records()[0].national_id.to_string()
}
