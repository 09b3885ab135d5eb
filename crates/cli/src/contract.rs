//! `effekt contract check FILE`: a contract file checked as a whole, every problem with its
//! line and key (docs/contracts.md).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Subcommand;
use effekt_engine::contract;

use crate::CliError;

#[derive(Subcommand)]
pub enum ContractCommand {
    /// Checks a contract file and lists every problem with its line and key; stores nothing.
    Check {
        /// A contract file (TOML).
        file: PathBuf,
    },
}

pub fn run(command: ContractCommand) -> Result<ExitCode, CliError> {
    let ContractCommand::Check { file } = command;
    let text = std::fs::read_to_string(&file)
        .map_err(|e| CliError::Config(format!("{}: {e}", file.display())))?;
    match contract::check(&text) {
        Ok(terms) => {
            println!(
                "{}: the contract {:?} is valid: {} parties, {} outcomes, {} to {}, paid {}",
                file.display(),
                terms.name,
                terms.parties.len(),
                terms.outcomes.len(),
                terms.starts,
                terms.ends,
                terms.periods.code()
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(problems) => {
            // `FILE:LINE: key: message`, as compilers print, so editors can jump to the line.
            for p in &problems {
                if p.key.is_empty() {
                    println!("{}:{}: {}", file.display(), p.line, p.message);
                } else {
                    println!("{}:{}: {}: {}", file.display(), p.line, p.key, p.message);
                }
            }
            eprintln!(
                "effekt: {} problem{} in {}",
                problems.len(),
                if problems.len() == 1 { "" } else { "s" },
                file.display()
            );
            Ok(ExitCode::FAILURE)
        }
    }
}
