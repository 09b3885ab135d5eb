//! `effekt audit export --format cef`: reads of personal data (`audit:access`) and the steps
//! that change what is paid or what operators did (`audit:change`), in one time-ordered
//! stream. Acts as an administrator; the export itself is recorded.

use std::io::Write;
use std::process::ExitCode;

use clap::{Subcommand, ValueEnum};
use effekt_app::policy::Grant;

use crate::{CliError, OperatorArg};

#[derive(Clone, Copy, ValueEnum)]
pub enum Format {
    Cef,
}

#[derive(Subcommand)]
pub enum AuditCommand {
    /// Prints every audit record (reads of personal data), every operation, statement
    /// transition and decision on an amendment, oldest first.
    Export {
        #[arg(long, value_enum)]
        format: Format,
        /// The database (default: DATABASE_URL, else effekt.db).
        #[arg(long, env = "DATABASE_URL", default_value = "effekt.db")]
        database: String,
        #[command(flatten)]
        operator: OperatorArg,
    },
}

pub async fn run(command: AuditCommand) -> Result<ExitCode, CliError> {
    let AuditCommand::Export {
        format: Format::Cef,
        database,
        operator,
    } = command;
    let app = crate::open_app_without_key(&database, crate::mode_from_env()?).await?;
    let viewer = operator.viewer(&app, Grant::Administration).await?;
    let lines = viewer.administration(&app)?.audit_cef().await?;
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    for line in &lines {
        writeln!(out, "{line}").map_err(CliError::Output)?;
    }
    out.flush().map_err(CliError::Output)?;
    Ok(ExitCode::SUCCESS)
}
