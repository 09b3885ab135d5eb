//! The `effekt` binary: the server and the command-line tools.

mod audit;
mod contract;
mod demo;
mod id;
mod register;
mod serve;

use std::net::SocketAddr;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
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
    /// The audit log of reads of personal data.
    Audit {
        #[command(subcommand)]
        command: audit::AuditCommand,
    },
}

/// The CLI's one error type: each variant prints as one line.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error("{0}")]
    Store(#[from] effekt_store::StoreError),
    #[error("{0}")]
    Config(String),
    #[error("demo data: {0}")]
    Demo(#[from] effekt_engine::demo::DemoError),
    #[error("cannot listen on {0}: {1}")]
    Listen(SocketAddr, std::io::Error),
    #[error("{0}")]
    Web(#[from] effekt_web::WebError),
    #[error("cannot write output: {0}")]
    Output(std::io::Error),
    #[error("{0}")]
    Ledger(#[from] effekt_web::ledger::LedgerError),
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

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn")),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Demo(args) => demo::run(args).await,
        Command::Serve(args) => serve::run(args).await,
        Command::Id { command } => id::run(command),
        Command::Audit { command } => audit::run(command).await,
        Command::Contract { command } => contract::run(command).await,
        Command::Ledger { command } => contract::ledger(command).await,
        Command::Register { command } => register::run(command).await,
        Command::Verify(args) => register::verify(args),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("effekt: {e}");
            ExitCode::FAILURE
        }
    }
}
