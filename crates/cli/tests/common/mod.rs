//! The binary as an operator uses it: helpers shared by the CLI tests.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::Write;
use std::process::{Command, Output, Stdio};

pub fn effekt(args: &[&str], env: &[(&str, &str)]) -> Output {
    effekt_with_input(args, env, "")
}

/// The binary with `input` on standard input; the operating-system user is "ola".
pub fn effekt_with_input(args: &[&str], env: &[(&str, &str)], input: &str) -> Output {
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
pub fn create_admin(db: &str) -> Output {
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

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}
