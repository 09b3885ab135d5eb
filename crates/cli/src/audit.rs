//! `effekt audit export --format cef`.

use std::io::Write;
use std::process::ExitCode;

use clap::{Subcommand, ValueEnum};
use effekt_domain::cef::CefEvent;
use effekt_store::model::Decision;

use crate::CliError;

#[derive(Clone, Copy, ValueEnum)]
pub enum Format {
    Cef,
}

#[derive(Subcommand)]
pub enum AuditCommand {
    /// Prints every audit record, oldest first, on the database given by DATABASE_URL.
    Export {
        #[arg(long, value_enum)]
        format: Format,
        /// The database (default: DATABASE_URL, else effekt.db).
        #[arg(long, env = "DATABASE_URL", default_value = "effekt.db")]
        database: String,
    },
}

fn event_name(purpose: &str) -> &'static str {
    match purpose {
        "participant.list" => "Deltakerliste",
        "participant.view" => "Innsyn i deltaker",
        "evaluation.pseudonymised" => "Pseudonymiserte data",
        _ => "Innsyn i personopplysninger",
    }
}

pub async fn run(command: AuditCommand) -> Result<ExitCode, CliError> {
    let AuditCommand::Export {
        format: Format::Cef,
        database,
    } = command;
    let store = effekt_store::open(&effekt_store::Location::parse(&database)?).await?;
    let records = store.audit_records().await?;
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    for row in &records {
        let r = &row.record;
        let line = CefEvent {
            name: event_name(&r.purpose),
            actor: &r.actor_name,
            subject: row.subject_national_id.as_deref().unwrap_or("ukjent"),
            epoch_millis: r.at.timestamp_millis(),
            request_id: &r.request_id,
            permitted: r.decision == Decision::Permit,
        }
        .line();
        writeln!(out, "{line}").map_err(CliError::Output)?;
    }
    out.flush().map_err(CliError::Output)?;
    Ok(ExitCode::SUCCESS)
}
