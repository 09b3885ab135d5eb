//! `effekt id check NUMBER`.

use std::process::ExitCode;

use clap::Subcommand;
use effekt_domain::national_id::NationalId;

use crate::CliError;

#[derive(Subcommand)]
pub enum IdCommand {
    /// Prints the kind of a national id (fnr, dnr, hnr, tnr, dnr-and-hnr, dnr-and-tnr), or
    /// every reason it is invalid. Exits 1 when invalid or not accepted in EFFEKT_MODE.
    Check { number: String },
}

pub fn run(command: IdCommand) -> Result<ExitCode, CliError> {
    let mode = crate::mode_from_env()?;
    match command {
        IdCommand::Check { number } => Ok(match NationalId::parse(&number) {
            Ok(id) => match id.accept_in(mode) {
                Ok(()) => {
                    println!("{}", id.kind());
                    ExitCode::SUCCESS
                }
                Err(refusal) => {
                    println!("{}", id.kind());
                    println!("not accepted: {refusal}");
                    ExitCode::FAILURE
                }
            },
            Err(invalid) => {
                println!("invalid");
                for defect in invalid.0 {
                    println!("- {defect}");
                }
                ExitCode::FAILURE
            }
        }),
    }
}
