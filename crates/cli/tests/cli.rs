//! The binary as an operator uses it: exit codes and exactly what it prints.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::Write;
use std::process::{Command, Output, Stdio};

use chrono::{TimeZone, Utc};
use effekt_domain::ids::{PersonKey, UserId};
use effekt_store::model::{AuditRecord, Channel, Decision};

fn effekt(args: &[&str], env: &[(&str, &str)]) -> Output {
    effekt_with_input(args, env, "")
}

/// The binary with `input` on standard input; the operating-system user is "ola".
fn effekt_with_input(args: &[&str], env: &[(&str, &str)], input: &str) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_effekt"));
    cmd.args(args)
        .env_remove("DATABASE_URL")
        .env_remove("EFFEKT_MODE")
        .env_remove("EFFEKT_PSEUDONYM_KEY")
        .env_remove("EFFEKT_OPERATOR")
        .env_remove("EFFEKT_LOG_FORMAT")
        .env("USER", "ola")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().unwrap();
    if let Some(mut stdin) = child.stdin.take() {
        let _ = stdin.write_all(input.as_bytes());
    }
    child.wait_with_output().unwrap()
}

/// `effekt user create admin --role administrator` on `db`: the production bootstrap.
fn create_admin(db: &str) -> Output {
    effekt_with_input(
        &[
            "user",
            "create",
            "admin",
            "--role",
            "administrator",
            "--display-name",
            "Driftsansvarlig",
            "--database",
            db,
        ],
        &[],
        "et-langt-passord-2026\n",
    )
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

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

#[tokio::test]
async fn audit_export_prints_cef_lines() {
    let dir = std::env::temp_dir().join(format!("effekt-audit-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let db = dir.join("audit.db");
    let store = effekt_store::open(&effekt_store::Location::Sqlite(db.clone()))
        .await
        .unwrap();
    store
        .insert_dataset(&effekt_store::fixture::dataset().unwrap())
        .await
        .unwrap();
    let at = Utc.with_ymd_and_hms(2026, 11, 27, 8, 0, 0).unwrap();
    let record = AuditRecord {
        at,
        actor: UserId(7),
        actor_name: "veileder=1".into(),
        subject: PersonKey(4),
        purpose: "participant.view".into(),
        decision: Decision::Permit,
        request_id: "req-42".into(),
        channel: Channel::Web,
    };
    store
        .append_audit(&[
            record.clone(),
            AuditRecord {
                decision: Decision::Deny,
                purpose: "participant.list".into(),
                ..record
            },
        ])
        .await
        .unwrap();
    let dawit = store
        .participant(
            effekt_store::model::ParticipantScope::Contract(effekt_domain::ids::ContractId(1)),
            effekt_store::fixture::DAWIT,
            UserId(0),
        )
        .await
        .unwrap()
        .unwrap();
    drop(store);
    let export = |operator: &[&str]| {
        let mut args = vec![
            "audit",
            "export",
            "--format",
            "cef",
            "--database",
            db.to_str().unwrap(),
        ];
        args.extend_from_slice(operator);
        effekt(&args, &[])
    };
    // Production: no operator, an unknown one, or one without the administrator role is
    // refused with one line, and nothing is printed.
    let o = export(&[]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        stderr(&o),
        "effekt: this command acts as a named effekt user: give --as USERNAME or set EFFEKT_OPERATOR\n"
    );
    assert!(stdout(&o).is_empty());
    let o = export(&["--as", "nobody"]);
    assert_eq!(
        stderr(&o),
        "effekt: operator \"nobody\" is not an effekt user\n"
    );
    // The first administrator is made from the command line, once.
    let o = create_admin(db.to_str().unwrap());
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stdout(&o), "Created administrator \"admin\".\n");
    let o = create_admin(db.to_str().unwrap());
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("an administrator exists already (admin)"),
        "{}",
        stderr(&o)
    );
    let o = export(&["--as", "admin"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let fnr = dawit.ids.current().to_string();
    let expected = format!(
        "CEF:0|effekt|AuditLogger|1.0|audit:access|Innsyn i deltaker|INFO|suid=veileder\\=1 duid={fnr} end={} sproc=req-42 flexString1Label=Decision flexString1=Permit\n\
         CEF:0|effekt|AuditLogger|1.0|audit:access|Deltakerliste|INFO|suid=veileder\\=1 duid={fnr} end={} sproc=req-42 flexString1Label=Decision flexString1=Deny\n",
        at.timestamp_millis(),
        at.timestamp_millis()
    );
    let out = stdout(&o);
    assert!(out.starts_with(&expected), "{out}");
    // Then what operators did, marked as the command line with the operating-system user.
    let rest: Vec<&str> = out[expected.len()..].lines().collect();
    assert_eq!(rest.len(), 2, "{out}");
    assert!(
        rest[0].starts_with("CEF:0|effekt|AuditLogger|1.0|audit:change|Bruker opprettet|INFO|suid=cli:ola duid=user:admin ")
            && rest[0].ends_with(" cs1Label=Kanal cs1=cli cs2Label=OS-bruker cs2=ola"),
        "{out}"
    );
    assert!(
        rest[1].contains("|Revisjonslogg eksportert|INFO|suid=admin duid=audit-log "),
        "{out}"
    );
    let _ = std::fs::remove_dir_all(dir);
}

/// `effekt verify` on `reg` with the benchmark definitions, writing `out`.
fn verify(reg: &std::path::Path, out: &std::path::Path) -> Output {
    let defs = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../bench/definitions/benchmark.toml"
    );
    effekt(
        &[
            "verify",
            "--register",
            reg.to_str().unwrap(),
            "--definitions",
            defs,
            "--out",
            out.to_str().unwrap(),
        ],
        &[],
    )
}

#[test]
fn register_generate_then_verify_writes_one_row_per_person_and_outcome() {
    let dir = std::env::temp_dir().join(format!("effekt-cli-register-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let reg = dir.join("reg");
    let o = effekt(
        &[
            "register",
            "generate",
            "--persons",
            "50",
            "--seed",
            "3",
            "--out",
            reg.to_str().unwrap(),
        ],
        &[],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let out = dir.join("out.csv");
    let o = verify(&reg, &out);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = std::fs::read_to_string(&out).unwrap();
    assert_eq!(text.lines().count(), 1 + 50 * 2);
    assert!(text.starts_with("person_id,outcome,status,date,magnitude\n"));
    // A broken row: the error names file, row and field, and no output is written.
    let employment = reg.join("employment.csv");
    let mut content = std::fs::read_to_string(&employment).unwrap();
    content.push_str("E999999,13097248022,910000004,2024-01-10,2024-01-05,50,1,false\n");
    std::fs::write(&employment, content).unwrap();
    let out2 = dir.join("out2.csv");
    let o = verify(&reg, &out2);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("employment.csv row")
            && stderr(&o).contains(", end: ends 2024-01-05 before it starts"),
        "{}",
        stderr(&o)
    );
    assert!(!out2.exists());
    let _ = std::fs::remove_dir_all(dir);
}

fn generate(out: &std::path::Path, format: &str) -> Output {
    effekt(
        &[
            "register",
            "generate",
            "--persons",
            "60",
            "--seed",
            "4",
            "--out",
            out.to_str().unwrap(),
            "--format",
            format,
        ],
        &[],
    )
}

#[test]
fn both_formats_give_the_same_outcomes_and_verify_writes_parquet() {
    let dir = std::env::temp_dir().join(format!("effekt-cli-formats-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let o = generate(&dir.join("both"), "both");
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(dir.join("both/csv/employment.csv").exists());
    assert!(dir.join("both/parquet/employment.parquet").exists());
    let (a, b) = (dir.join("a.csv"), dir.join("b.csv"));
    assert!(verify(&dir.join("both/csv"), &a).status.success());
    assert!(verify(&dir.join("both/parquet"), &b).status.success());
    assert_eq!(std::fs::read(&a).unwrap(), std::fs::read(&b).unwrap());
    // convert gives the same Parquet as generate; verify writes Parquet when asked.
    let o = effekt(
        &[
            "register",
            "convert",
            dir.join("both/csv").to_str().unwrap(),
            "--out",
            dir.join("converted").to_str().unwrap(),
        ],
        &[],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let c = dir.join("c.parquet");
    assert!(verify(&dir.join("converted"), &c).status.success());
    assert_eq!(&std::fs::read(&c).unwrap()[..4], b"PAR1");
    // Converting into the CSV folder itself is refused: it would hold both formats.
    let csv_dir = dir.join("both/csv");
    let o = effekt(
        &[
            "register",
            "convert",
            csv_dir.to_str().unwrap(),
            "--out",
            csv_dir.to_str().unwrap(),
        ],
        &[],
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("another folder than the CSV files"),
        "{}",
        stderr(&o)
    );
    assert!(!csv_dir.join("employment.parquet").exists());
    // Any other output name is refused before anything is read.
    let o = verify(&dir.join("converted"), &dir.join("out.txt"));
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("name the output .csv or .parquet"),
        "{}",
        stderr(&o)
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn register_import_is_all_or_nothing_and_a_second_import_changes_nothing() {
    let dir = std::env::temp_dir().join(format!("effekt-cli-import-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let reg = dir.join("reg");
    assert!(generate(&reg, "csv").status.success());
    let db = dir.join("store.db");
    let import = |reg: &std::path::Path| {
        effekt(
            &[
                "register",
                "import",
                reg.to_str().unwrap(),
                "--database",
                db.to_str().unwrap(),
            ],
            &[("EFFEKT_OPERATOR", "admin")],
        )
    };
    // Production: the import acts as an administrator, who must exist first.
    let o = import(&reg);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        stderr(&o),
        "effekt: operator \"admin\" is not an effekt user\n"
    );
    assert!(create_admin(db.to_str().unwrap()).status.success());
    let o = import(&reg);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stdout(&o).starts_with(
            "Imported snapshot \"synthetic-4-60\" (cut-off 2026-06-30) as version 1: 60 persons"
        ),
        "{}",
        stdout(&o)
    );
    // Not a terminal: progress comes as plain lines, the last one at every row.
    assert!(
        stderr(&o).contains("imported ") && stderr(&o).contains(" rows/s)"),
        "{}",
        stderr(&o)
    );
    let o = import(&reg);
    assert!(o.status.success());
    assert!(
        stdout(&o).contains("is already imported from these files (version 1"),
        "{}",
        stdout(&o)
    );

    // Another snapshot with bad rows: every error named, nothing stored.
    let bad = dir.join("bad");
    assert!(generate(&bad, "csv").status.success());
    std::fs::write(
        bad.join("snapshot.csv"),
        "snapshot_id,cutoff\nsynthetic-4-60-b,2026-06-30\n",
    )
    .unwrap();
    let benefits = bad.join("benefits.csv");
    let mut content = std::fs::read_to_string(&benefits).unwrap();
    content.push_str("B999999,13097248022,barnetrygd,2024-01-10,,100\n");
    std::fs::write(&benefits, content).unwrap();
    let o = import(&bad);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("nothing was imported")
            && stderr(&o).contains("benefits.csv row")
            && stderr(&o).contains("type: unknown benefit type \"barnetrygd\""),
        "{}",
        stderr(&o)
    );
    // Changed files under a snapshot id already used are refused.
    std::fs::write(
        bad.join("snapshot.csv"),
        "snapshot_id,cutoff\nsynthetic-4-60,2026-06-30\n",
    )
    .unwrap();
    let mut content = std::fs::read_to_string(&benefits).unwrap();
    content = content
        .lines()
        .filter(|l| !l.contains("barnetrygd"))
        .map(|l| format!("{l}\n"))
        .collect();
    content.push_str("B999999,13097248022,aap,2024-01-10,,100\n");
    std::fs::write(&benefits, content).unwrap();
    let o = import(&bad);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("needs a new snapshot_id"),
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
