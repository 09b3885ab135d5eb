//! `effekt evaluate` (issue 15) on the demo: the report printed as a PDF by headless Chromium,
//! for the evaluator only, and a run from the command line.

#![allow(clippy::disallowed_methods)]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;

#[test]
fn the_demo_evaluation_prints_as_a_pdf_and_runs_again_from_the_command_line() {
    let dir = std::env::temp_dir().join(format!("effekt-cli-evaluation-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let db = dir.join("demo.db");
    let db = db.to_str().unwrap();
    let o = effekt(&["demo", "--no-serve", "--database", db], &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let demo = [("EFFEKT_MODE", "demo")];
    // The evaluator's report of the demo's run, printed by headless Chromium.
    let pdf = dir.join("rapport.pdf");
    let o = effekt(
        &[
            "evaluate",
            "report",
            "--run",
            "1",
            "--out",
            pdf.to_str().unwrap(),
            "--database",
            db,
        ],
        &demo,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let bytes = std::fs::read(&pdf).unwrap();
    assert!(
        bytes.starts_with(b"%PDF") && bytes.len() > 20_000,
        "a PDF of {} bytes",
        bytes.len()
    );
    // Nobody but the evaluator: the contract manager is refused, and no file is written.
    let other = dir.join("annen.pdf");
    let o = effekt(
        &[
            "evaluate",
            "report",
            "--run",
            "1",
            "--out",
            other.to_str().unwrap(),
            "--database",
            db,
            "--as",
            "kontrakt.forvalter",
        ],
        &demo,
    );
    assert!(
        !o.status.success() && stderr(&o).contains("evaluator role"),
        "{}",
        stderr(&o)
    );
    assert!(!other.exists());
    // A run from the command line: the same numbers as the demo's.
    let o = effekt(
        &["evaluate", "run", "--contract", "1", "--database", db],
        &demo,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("headline Varig arbeid i seks måneder: ATT"),
        "{}",
        stdout(&o)
    );
    assert!(stderr(&o).contains("Stored run 2"), "{}", stderr(&o));
    let _ = std::fs::remove_dir_all(dir);
}
