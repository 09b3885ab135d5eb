//! The binary as an operator uses it: exit codes and exactly what it prints (national ids,
//! configuration, contract files, the ledger with its operator).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;

#[test]
fn id_check_prints_the_kind() {
    for (number, kind) in [
        ("13097248022", "fnr"),
        ("53097248016", "dnr"),
        ("30108299939", "fnr"),
        ("17912099997", "tnr"),
        ("57912075186", "dnr-and-tnr"),
        ("68467038838", "dnr-and-hnr"),
        ("13527248013", "hnr"),
    ] {
        let o = effekt(&["id", "check", number], &[("EFFEKT_MODE", "test")]);
        assert!(o.status.success(), "{number}: {}", stdout(&o));
        assert_eq!(stdout(&o), format!("{kind}\n"), "{number}");
    }
}

#[test]
fn id_check_lists_every_reason_and_exits_1() {
    let o = effekt(&["id", "check", "32127248022"], &[]);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    assert!(out.starts_with("invalid\n"));
    assert!(out.contains("- invalid date"));
    assert!(out.contains("check digit"));
    let o = effekt(&["id", "check", "123"], &[]);
    assert_eq!(
        (o.status.code(), stdout(&o)),
        (Some(1), "invalid\n- not 11 digits\n".to_owned())
    );
}

#[test]
fn production_names_synthetic_and_help_numbers_but_refuses_them() {
    let o = effekt(
        &["id", "check", "17912099997"],
        &[("EFFEKT_MODE", "production")],
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stdout(&o).starts_with("tnr\n") && stdout(&o).contains("synthetic"),
        "{}",
        stdout(&o)
    );
    // Production is the default when EFFEKT_MODE is unset.
    let o = effekt(&["id", "check", "13527248013"], &[]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).starts_with("hnr\n") && stdout(&o).contains("H-number"));
    let o = effekt(&["id", "check", "17912099997"], &[("EFFEKT_MODE", "demo")]);
    assert!(o.status.success());
}

#[test]
fn bad_configuration_stops_with_one_clear_line() {
    type Case<'a> = (&'a [&'a str], &'a [(&'a str, &'a str)], &'a str);
    let cases: &[Case] = &[
        (&["serve"], &[("DATABASE_URL", "mysql://db/effekt")], "effekt: DATABASE_URL is not a usable database address: unknown scheme"),
        (&["serve"], &[("DATABASE_URL", "postgres://")], "effekt: DATABASE_URL is not a usable database address"),
        (&["serve", "--database", "/finnes/ikke/effekt.db"], &[], "effekt: cannot open the database: the folder /finnes/ikke for the SQLite file does not exist"),
        (&["id", "check", "13097248022"], &[("EFFEKT_MODE", "staging")], "effekt: EFFEKT_MODE: unknown mode \"staging\""),
    ];
    for (args, env, start) in cases {
        let o = effekt(args, env);
        assert_eq!(o.status.code(), Some(1), "{args:?}");
        let err = stderr(&o);
        assert!(err.starts_with(start), "{args:?}: {err}");
        assert_eq!(err.trim_end().lines().count(), 1, "{err}");
        assert!(!err.contains("panicked"));
    }
}

#[test]
fn production_needs_a_pseudonym_key() {
    let dir = std::env::temp_dir().join(format!("effekt-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let db = dir.join("prod.db");
    let o = effekt(
        &[
            "serve",
            "--database",
            db.to_str().unwrap(),
            "--listen",
            "127.0.0.1:0",
        ],
        &[],
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("EFFEKT_PSEUDONYM_KEY must be set in production"),
        "{}",
        stderr(&o)
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn contract_check_lists_every_problem_with_file_and_line() {
    let examples = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../examples/contracts/rate-card.toml"
    );
    let o = effekt(&["contract", "check", examples], &[]);
    assert!(o.status.success(), "{}", stdout(&o));
    assert!(
        stdout(&o).contains("is valid: 5 parties, 4 outcomes"),
        "{}",
        stdout(&o)
    );
    let dir = std::env::temp_dir().join(format!("effekt-cli-contract-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bad = dir.join("bad.toml");
    std::fs::write(
        &bad,
        "[contract]\nname = \"x\"\nstarts = 2026-01-01\nends = 2025-01-01\n",
    )
    .unwrap();
    let o = effekt(&["contract", "check", bad.to_str().unwrap()], &[]);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    let path = bad.display().to_string();
    assert!(
        out.contains(&format!(
            "{path}:4: contract.ends: the contract ends (2025-01-01) before it starts (2026-01-01)"
        )),
        "{out}"
    );
    assert!(
        out.contains(&format!("{path}:1: the contract pays for no outcome")),
        "{out}"
    );
    assert!(stderr(&o).contains("problems in"), "{}", stderr(&o));
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn contract_check_refuses_a_file_beyond_the_size_limit_before_reading_it() {
    let dir = std::env::temp_dir().join(format!("effekt-cli-huge-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let huge = dir.join("huge.toml");
    // Sparse: 65 MiB on paper, nothing on disk.
    std::fs::File::create(&huge)
        .unwrap()
        .set_len(65 * 1024 * 1024)
        .unwrap();
    let o = effekt(&["contract", "check", huge.to_str().unwrap()], &[]);
    assert!(!o.status.success());
    assert!(
        stderr(&o).contains("is more than a contract file may hold (64 MiB)"),
        "{}",
        stderr(&o)
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn contract_import_then_ledger_compute_is_byte_identical_and_refuses_foreign_periods() {
    let dir = std::env::temp_dir().join(format!("effekt-cli-ledger-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let db = dir.join("demo.db");
    let db = db.to_str().unwrap();
    let o = effekt(
        &[
            "demo",
            "--no-serve",
            "--database",
            db,
            "--participants",
            "300",
        ],
        &[],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let rate_card = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../examples/contracts/staged-milestones.toml"
    );
    // Contracts are defined by Nav's contract manager, not by the evaluator.
    let o = effekt(
        &[
            "contract",
            "import",
            rate_card,
            "--database",
            db,
            "--as",
            "evaluator",
        ],
        &[],
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).starts_with("effekt: operator \"evaluator\" (Evaluator) may not run this command: it needs the Nav contract manager role"),
        "{}",
        stderr(&o)
    );
    // The demo contract has terms: changing them is an amendment, not an import.
    let o = effekt(
        &[
            "contract",
            "import",
            rate_card,
            "--contract",
            "1",
            "--database",
            db,
            "--as",
            "kontrakt.forvalter",
        ],
        &[],
    );
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    assert!(
        stderr(&o).contains("already has terms (version 2); changes are amendments"),
        "{}",
        stderr(&o)
    );
    // A new contract gets the file as its version 1.
    let o = effekt(
        &[
            "contract",
            "import",
            rate_card,
            "--database",
            db,
            "--as",
            "kontrakt.forvalter",
        ],
        &[],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("as contract 2 version 1: 3 outcomes"),
        "{}",
        stdout(&o)
    );
    let compute = |period: &str| {
        effekt(
            &[
                "ledger",
                "compute",
                "--contract",
                "1",
                "--period",
                period,
                "--database",
                db,
            ],
            &[("EFFEKT_MODE", "demo")],
        )
    };
    const HEADER: &str = "period,participant,outcome,date,magnitude,line,adjustment,amount_nok,evidence,contract_version,snapshot\n";
    // 2026Q1 was approved and paid in the demo: its lines are what was approved, under the
    // demo's terms (version 1), whatever was imported since.
    let paid = compute("2026Q1");
    assert!(paid.status.success(), "{}", stderr(&paid));
    let text = stdout(&paid);
    assert!(text.starts_with(HEADER), "{text}");
    assert!(text.lines().count() > 1, "{text}");
    assert!(
        text.lines()
            .skip(1)
            .all(|l| l.starts_with("2026Q1,P-") && l.ends_with(",1,demo-2026-10")),
        "{text}"
    );
    assert!(stderr(&paid).contains("as utbetalt"), "{}", stderr(&paid));
    // 2026Q3 is open: computed now, under the demo's amendment (version 2, in force from 1 July
    // 2026) and the same snapshot; nothing earlier changed, so there is no adjustment.
    let first = compute("2026Q3");
    assert!(first.status.success(), "{}", stderr(&first));
    let text = stdout(&first);
    assert!(text.starts_with(HEADER), "{text}");
    assert!(text.lines().count() > 1, "{text}");
    assert!(
        text.lines().skip(1).all(|l| l.starts_with("2026Q3,P-")
            && l.contains(",no,")
            && l.ends_with(",2,demo-2026-10")),
        "{text}"
    );
    // A job start pays 35,000 under version 2.
    assert!(
        text.lines()
            .filter(|l| l.contains("Jobbstart (minst 50 %)") && l.contains(",payment,"))
            .all(|l| l.contains(",35000.00,")),
        "{text}"
    );
    assert!(
        stderr(&first).contains("the open period"),
        "{}",
        stderr(&first)
    );
    assert_eq!(
        compute("2026Q3").stdout,
        first.stdout,
        "unchanged input, identical bytes"
    );
    // As the evaluator: every person behind a printed line is audited, once, with the
    // evaluator as actor, marked as the command line with the operating-system user.
    let by_evaluator = effekt(
        &[
            "ledger",
            "compute",
            "--contract",
            "1",
            "--period",
            "2026Q2",
            "--database",
            db,
            "--as",
            "evaluator",
        ],
        &[("EFFEKT_MODE", "demo")],
    );
    assert!(by_evaluator.status.success(), "{}", stderr(&by_evaluator));
    let mut people: Vec<&str> = std::str::from_utf8(&by_evaluator.stdout)
        .unwrap()
        .lines()
        .skip(1)
        .filter_map(|l| l.split(',').nth(1))
        .collect();
    people.sort_unstable();
    people.dedup();
    assert!(people.len() > 5, "{people:?}");
    // Without an operator, production refuses with one line and prints nothing.
    let o = effekt(
        &[
            "ledger",
            "compute",
            "--contract",
            "1",
            "--period",
            "2026Q2",
            "--database",
            db,
        ],
        &[(
            "EFFEKT_PSEUDONYM_KEY",
            "MDEyMzQ1Njc4OTAxMjM0NTY3ODkwMTIzNDU2Nzg5MDE=",
        )],
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(o.stdout.is_empty());
    assert_eq!(
        stderr(&o),
        "effekt: this command acts as a named effekt user: give --as USERNAME or set EFFEKT_OPERATOR\n"
    );
    // Investors see totals, never lines.
    let o = effekt(
        &[
            "ledger",
            "compute",
            "--contract",
            "1",
            "--period",
            "2026Q2",
            "--database",
            db,
            "--as",
            "investor.impact",
        ],
        &[("EFFEKT_MODE", "demo")],
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(o.stdout.is_empty());
    // Every statement transition and amendment decision is in the audit export.
    let o = effekt(
        &[
            "audit",
            "export",
            "--format",
            "cef",
            "--database",
            db,
            "--as",
            "administrator",
        ],
        &[],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let cef = stdout(&o);
    let evaluator_reads = cef
        .lines()
        .filter(|l| {
            l.contains("|audit:access|Utbetalingslinjer|INFO|suid=evaluator ")
                && l.ends_with(" cs1Label=Kanal cs1=cli cs2Label=OS-bruker cs2=ola")
        })
        .count();
    assert_eq!(
        evaluator_reads,
        people.len(),
        "one record per person printed"
    );
    assert!(
        cef.contains("|audit:change|Utbetaling 2025Q1: Beregnet|INFO|suid=kontrakt.forvalter duid=statement:1 "),
        "{cef}"
    );
    assert!(
        cef.contains("|audit:change|Utbetaling 2026Q2: Utbetalt|INFO|suid=kontrakt.forvalter "),
        "{cef}"
    );
    assert_eq!(
        cef.matches("|audit:change|Kontraktsendring versjon 2: godkjent for investor")
            .count(),
        2,
        "{cef}"
    );
    let o = compute("2031Q1");
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("outside the contract"),
        "{}",
        stderr(&o)
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn evidence_import_names_the_row_at_fault_and_needs_an_administrator() {
    let dir = std::env::temp_dir().join(format!("effekt-cli-evidence-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let db = dir.join("demo.db");
    let db = db.to_str().unwrap();
    let o = effekt(
        &[
            "demo",
            "--no-serve",
            "--database",
            db,
            "--participants",
            "60",
        ],
        &[],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let file = dir.join("evidence.csv");
    std::fs::write(
        &file,
        "record_id;national_id;identifier;date;score;recorded_by;verified_by;verified_on;action\n\
         M-1;13097248022;kartlegging;2026-01-10;;Kari;Kari;2026-01-12;\n",
    )
    .unwrap();
    let path = file.to_str().unwrap();
    let o = effekt(
        &[
            "evidence",
            "import",
            path,
            "--contract",
            "1",
            "--database",
            db,
            "--as",
            "evaluator",
        ],
        &[],
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("may not run this command"),
        "{}",
        stderr(&o)
    );
    let o = effekt(
        &[
            "evidence",
            "import",
            path,
            "--contract",
            "1",
            "--database",
            db,
            "--as",
            "administrator",
        ],
        &[],
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stdout(&o).contains(&format!(
            "{path}:2: verified_by: Kari recorded it; another person verifies it"
        )),
        "{}",
        stdout(&o)
    );
    assert!(stderr(&o).contains("nothing was stored"), "{}", stderr(&o));
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn the_demo_exports_valid_indigo() {
    let dir = std::env::temp_dir().join(format!("effekt-cli-indigo-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let db = dir.join("demo.db");
    let db = db.to_str().unwrap();
    let o = effekt(
        &[
            "demo",
            "--no-serve",
            "--database",
            db,
            "--participants",
            "200",
        ],
        &[],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let out = dir.join("indigo.json");
    let o = effekt(
        &[
            "contract",
            "export",
            "--contract",
            "1",
            "--format",
            "indigo",
            "--out",
            out.to_str().unwrap(),
            "--database",
            db,
        ],
        &[("EFFEKT_MODE", "demo")],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let project: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    let schema: serde_json::Value =
        serde_json::from_str(include_str!("../../engine/schemas/indigo/project.json")).unwrap();
    let validator = jsonschema::draft7::new(&schema).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&project)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    // The demo's paid periods are Actual, the rest Planned; its amendment is in the history.
    let types: Vec<&str> = project["outcome_payments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["type"]["value"].as_str().unwrap())
        .collect();
    assert!(
        types.contains(&"Actual") && types.contains(&"Planned"),
        "{types:?}"
    );
    assert!(
        project["outcome_pricings"][0]["contracted_increases_to_outcome_pricing"]["value"]
            .as_str()
            .is_some_and(
                |h| h.starts_with("version 2") && h.contains("Reason: Jobbstart gir flest")
            ),
        "the change and why: {}",
        project["outcome_pricings"][0]
    );
    assert!(
        !project["transactions"].as_array().unwrap().is_empty(),
        "drawdowns"
    );
    assert_eq!(
        project["delivery_locations"][0]["adminstrative_geography_code"]["value"], "0301",
        "the demo is delivered in Oslo"
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn the_demo_prices_every_period_exactly_as_before_issue_11() {
    // The fixtures are `ledger compute` of the same demo by commit 99cb437, without the
    // participant column (pseudonyms are keyed per store), lines sorted.
    let dir = std::env::temp_dir().join(format!("effekt-cli-before-11-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let db = dir.join("demo.db");
    let db = db.to_str().unwrap();
    let o = effekt(
        &[
            "demo",
            "--no-serve",
            "--database",
            db,
            "--participants",
            "300",
        ],
        &[],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    for period in ["2025Q2", "2025Q3", "2025Q4", "2026Q1", "2026Q2", "2026Q3"] {
        let o = effekt(
            &[
                "ledger",
                "compute",
                "--contract",
                "1",
                "--period",
                period,
                "--database",
                db,
            ],
            &[("EFFEKT_MODE", "demo")],
        );
        assert!(o.status.success(), "{period}: {}", stderr(&o));
        let without_participant = |line: &str| {
            let mut cells: Vec<&str> = line.split(',').collect();
            cells.remove(1);
            cells.join(",")
        };
        let text = stdout(&o);
        let mut lines = text.lines();
        let header = without_participant(lines.next().unwrap());
        let mut rows: Vec<String> = lines.map(without_participant).collect();
        rows.sort();
        let now = std::iter::once(header)
            .chain(rows)
            .collect::<Vec<_>>()
            .join("\n");
        let before = std::fs::read_to_string(format!(
            "{}/tests/fixtures/before-issue-11/ledger-{period}.csv",
            env!("CARGO_MANIFEST_DIR")
        ))
        .unwrap();
        assert_eq!(now, before.trim_end(), "{period}");
    }
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn the_demo_lists_each_account_with_its_organisation_and_a_thing_to_try() {
    let dir = std::env::temp_dir().join(format!("effekt-cli-accounts-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let db = dir.join("demo.db");
    let o = effekt(
        &[
            "demo",
            "--no-serve",
            "--database",
            db.to_str().unwrap(),
            "--participants",
            "20",
        ],
        &[],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let err = stderr(&o);
    for expected in [
        "veileder.grunerlokka       Nav-veileder, Nav Grünerløkka",
        "→ beregn den åpne perioden under Utbetalinger",
        "investor.stiftelse         Investor, Stiftelsen Inkludering",
    ] {
        assert!(err.contains(expected), "{expected}: {err}");
    }
    let _ = std::fs::remove_dir_all(dir);
}
