//! The `effekt` binary: the server and the command-line tools. Commands parse their arguments
//! and call the application core; those that read personal or contract data act as a named
//! operator (`--as`), through the same capabilities as the pages.

mod audit;
mod contract;
mod demo;
mod evaluate;
mod evidence;
mod id;
mod logging;
mod register;
mod serve;
mod user;

use std::net::SocketAddr;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use effekt_app::operator::{self, OperatorError};
use effekt_app::policy::Grant;
use effekt_app::{App, AppError, Viewer};
use effekt_domain::mode::Mode;

/// effekt runs effektkontrakter: outcomes contracts between Nav, providers and investors.
#[derive(Parser)]
#[command(name = "effekt", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Runs effekt with realistic demo data (creates the demo database or reuses it).
    Demo(demo::DemoArgs),
    /// Runs the server on the database given by DATABASE_URL.
    Serve(serve::ServeArgs),
    /// National identity numbers.
    Id {
        #[command(subcommand)]
        command: id::IdCommand,
    },
    /// Register snapshots as files.
    Register {
        #[command(subcommand)]
        command: register::RegisterCommand,
    },
    /// Computes outcomes straight from register files, without a store.
    Verify(register::VerifyArgs),
    /// Contract files: what the parties agreed (docs/contracts.md).
    Contract {
        #[command(subcommand)]
        command: contract::ContractCommand,
    },
    /// Payments: achievements priced under a contract's terms.
    Ledger {
        #[command(subcommand)]
        command: contract::LedgerCommand,
    },
    /// Provider evidence: verified milestones and soft scores that outcomes pay for.
    Evidence {
        #[command(subcommand)]
        command: evidence::EvidenceCommand,
    },
    /// The effect evaluation: plan, runs, publication, microdata (docs/evaluation.md).
    Evaluate {
        #[command(subcommand)]
        command: evaluate::EvaluateCommand,
    },
    /// The audit log of reads of personal data.
    Audit {
        #[command(subcommand)]
        command: audit::AuditCommand,
    },
    /// Accounts: the first administrator of a production store.
    User {
        #[command(subcommand)]
        command: user::UserCommand,
    },
}

/// The CLI's one error type: each variant prints as one line.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error("{0}")]
    Store(#[from] effekt_store::StoreError),
    #[error("{0}")]
    Config(String),
    #[error(transparent)]
    Seed(#[from] effekt_app::demo::SeedError),
    #[error("cannot listen on {0}: {1}")]
    Listen(SocketAddr, std::io::Error),
    #[error("{}", .0.chain())]
    App(#[from] AppError),
    #[error("cannot write output: {0}")]
    Output(std::io::Error),
    #[error(transparent)]
    Key(#[from] effekt_app::accounts::KeyError),
    #[error(transparent)]
    Operator(#[from] OperatorError),
    #[error(transparent)]
    Bootstrap(#[from] operator::BootstrapError),
}

/// Prints `FILE:WHERE` for each problem (`WHERE` = `LINE: key: message`), as compilers do, so
/// editors can jump to the line; says on standard error that nothing was stored.
pub fn report_problems(file: &std::path::Path, problems: &[String]) -> ExitCode {
    for p in problems {
        println!("{}:{p}", file.display());
    }
    eprintln!(
        "effekt: {} problem{} in {}; nothing was stored",
        problems.len(),
        if problems.len() == 1 { "" } else { "s" },
        file.display()
    );
    ExitCode::FAILURE
}

/// `EFFEKT_MODE`, production when unset.
pub fn mode_from_env() -> Result<Mode, CliError> {
    match std::env::var("EFFEKT_MODE") {
        Err(_) => Ok(Mode::Production),
        Ok(v) => v.parse().map_err(|e: effekt_domain::mode::UnknownMode| {
            CliError::Config(format!("EFFEKT_MODE: {e}"))
        }),
    }
}

/// `EFFEKT_PSEUDONYM_KEY`, when set.
pub fn configured_key() -> Option<String> {
    std::env::var("EFFEKT_PSEUDONYM_KEY").ok()
}

/// The operating-system user running the command, as audit records name it beside the
/// operator: `USER`, else `LOGNAME`, else "ukjent".
pub fn os_user() -> String {
    ["USER", "LOGNAME"]
        .iter()
        .find_map(|k| std::env::var(k).ok().filter(|v| !v.trim().is_empty()))
        .unwrap_or_else(|| "ukjent".to_owned())
}

/// Opens the store at `database` and the application on it, with the pseudonym key and the
/// homes' deadlines.
pub async fn open_app(database: &str, mode: Mode) -> Result<App, CliError> {
    let store = effekt_store::open(&effekt_store::Location::parse(database)?).await?;
    Ok(App::open(store, mode, configured_key().as_deref())
        .await?
        .with_deadlines(deadlines_from_env()?))
}

/// `EFFEKT_COMPUTE_WITHIN_DAYS` (14) and `EFFEKT_PAY_WITHIN_DAYS` (30): after how many days
/// the homes call a covered period not yet computed, or an approved statement not yet paid,
/// overdue.
pub fn deadlines_from_env() -> Result<effekt_domain::tasks::Deadlines, CliError> {
    let get = |name: &str| std::env::var(name).ok();
    Ok(effekt_domain::tasks::Deadlines {
        compute_within_days: days(
            "EFFEKT_COMPUTE_WITHIN_DAYS",
            get("EFFEKT_COMPUTE_WITHIN_DAYS"),
            14,
        )?,
        pay_within_days: days("EFFEKT_PAY_WITHIN_DAYS", get("EFFEKT_PAY_WITHIN_DAYS"), 30)?,
    })
}

/// A number of days from 1 to 365, or `default` when unset.
fn days(name: &str, value: Option<String>, default: u32) -> Result<u32, CliError> {
    match value {
        None => Ok(default),
        Some(v) => v
            .trim()
            .parse::<u32>()
            .ok()
            .filter(|d| (1..=365).contains(d))
            .ok_or_else(|| {
                CliError::Config(format!(
                    "{name}: {v:?} is not a number of days from 1 to 365"
                ))
            }),
    }
}

#[cfg(test)]
mod deadline_tests {
    use super::*;

    #[test]
    fn deadlines_are_whole_days_within_a_year_or_the_defaults() {
        assert_eq!(days("X", None, 14).ok(), Some(14));
        assert_eq!(days("X", Some(" 21 ".into()), 14).ok(), Some(21));
        for bad in ["0", "366", "-1", "fjorten", ""] {
            let e = days("EFFEKT_PAY_WITHIN_DAYS", Some(bad.into()), 30).unwrap_err();
            assert!(e.to_string().contains("EFFEKT_PAY_WITHIN_DAYS"), "{e}");
        }
    }
}

/// The application for commands that never pseudonymise: in production they run without
/// `EFFEKT_PSEUDONYM_KEY`.
pub async fn open_app_without_key(database: &str, mode: Mode) -> Result<App, CliError> {
    let store = effekt_store::open(&effekt_store::Location::parse(database)?).await?;
    Ok(App::open_without_key(store, mode, configured_key().as_deref()).await?)
}

/// Who a command acts as.
#[derive(Args, Clone, Debug)]
pub struct OperatorArg {
    /// The effekt user this command acts as (needed in production; in demo and test mode the
    /// documented demo user for the command, see docs/architecture.md).
    #[arg(long = "as", env = "EFFEKT_OPERATOR", value_name = "USERNAME")]
    pub operator: Option<String>,
}

impl OperatorArg {
    /// The named, active operator with `grant`, or a one-line refusal.
    pub async fn viewer(&self, app: &App, grant: Grant) -> Result<Viewer, CliError> {
        Ok(operator::operator(app, self.operator.as_deref(), grant, &os_user()).await?)
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    if let Err(e) = logging::init() {
        eprintln!("effekt: {e}");
        return ExitCode::FAILURE;
    }
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Demo(args) => demo::run(args).await,
        Command::Serve(args) => serve::run(args).await,
        Command::Id { command } => id::run(command),
        Command::Audit { command } => audit::run(command).await,
        Command::Evidence { command } => evidence::run(command).await,
        Command::Evaluate { command } => evaluate::run(command).await,
        Command::Contract { command } => contract::run(command).await,
        Command::Ledger { command } => contract::ledger(command).await,
        Command::Register { command } => register::run(command).await,
        Command::Verify(args) => register::verify(args),
        Command::User { command } => user::run(command).await,
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("effekt: {e}");
            ExitCode::FAILURE
        }
    }
}
