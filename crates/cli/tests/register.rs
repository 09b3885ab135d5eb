//! `effekt register generate|convert|import` and `effekt verify`: register snapshots as files
//! and in the store.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::process::Output;

use common::*;

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
