//! `effekt evidence import FILE.csv --contract N`: provider evidence (milestones and soft
//! scores, recorded by one person and verified by another) for a contract's participants,
//! checked whole and stored in one transaction, or not at all (docs/contracts.md, "Provider
//! evidence").

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Subcommand;
use effekt_app::policy::Grant;
use effekt_app::AppError;
use effekt_domain::ids::ContractId;
use effekt_engine::evidence;

use crate::{CliError, OperatorArg};

#[derive(Subcommand, Debug)]
pub enum EvidenceCommand {
    /// Imports a CSV of provider records (record_id;national_id;identifier;date;score;
    /// recorded_by;verified_by;verified_on;action); every row is checked before anything is
    /// stored.
    Import {
        file: PathBuf,
        /// The contract whose participants the records are about.
        #[arg(long)]
        contract: i64,
        #[arg(long, env = "DATABASE_URL", default_value = "effekt.db")]
        database: String,
        #[command(flatten)]
        operator: OperatorArg,
    },
}

pub async fn run(command: EvidenceCommand) -> Result<ExitCode, CliError> {
    let EvidenceCommand::Import {
        file,
        contract,
        database,
        operator,
    } = command;
    let app = crate::open_app_without_key(&database, crate::mode_from_env()?).await?;
    let admin = operator
        .viewer(&app, Grant::Administration)
        .await?
        .administration(&app)?;
    let stored = match admin
        .import_evidence_file(ContractId(contract), &file)
        .await
    {
        Ok(stored) => stored,
        Err(AppError::Refused(why)) => return Err(CliError::Config(why)),
        Err(e) => return Err(e.into()),
    };
    match stored {
        Ok(stored) => {
            println!(
                "Stored {stored} provider record{} for contract {contract}.",
                if stored == 1 { "" } else { "s" }
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(problems) => Ok(refuse(&file, &problems)),
    }
}

/// Each problem as `LINE: column: message`, reported with the file's name.
fn refuse(file: &std::path::Path, problems: &[evidence::RowProblem]) -> ExitCode {
    let lines: Vec<String> = problems
        .iter()
        .map(|p| format!("{}: {}: {}", p.line, p.column, p.message))
        .collect();
    crate::report_problems(file, &lines)
}
