//! `effekt contract check|import FILE` and `effekt ledger compute`: contract files checked as a
//! whole (every problem with its line and key), stored as versions, and priced (docs/contracts.md).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Subcommand;
use effekt_domain::contract::terms::ContractTerms;
use effekt_domain::ids::ContractId;
use effekt_domain::money::Nok;
use effekt_engine::contract;
use effekt_store::Location;
use effekt_web::ledger::{self, Pricing};
use effekt_web::statement_file;

use crate::CliError;

#[derive(Subcommand)]
pub enum ContractCommand {
    /// Checks a contract file and lists every problem with its line and key; stores nothing.
    Check {
        /// A contract file (TOML).
        file: PathBuf,
    },
    /// Exports the contract and its priced results in the INDIGO data standard (GO Lab's
    /// impact-bond standard) as JSON; results of fewer than 5 participants are withheld.
    Export {
        #[arg(long)]
        contract: i64,
        /// Only `indigo` so far.
        #[arg(long, value_parser = ["indigo"])]
        format: String,
        /// Where to write the JSON (standard output when left out).
        #[arg(long)]
        out: Option<PathBuf>,
        #[arg(long, env = "DATABASE_URL", default_value = "effekt.db")]
        database: String,
    },
    /// Checks a contract file and stores it as a new contract's terms, or as the first terms of
    /// `--contract` (a contract that has none yet). Later changes are amendments, agreed in the
    /// product. Nothing is stored when the file has any problem.
    Import {
        file: PathBuf,
        /// A contract without terms yet; without it a new contract is made.
        #[arg(long)]
        contract: Option<i64>,
        /// Participants the contract is for (a new contract only).
        #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..))]
        target_cohort: u32,
        #[arg(long, env = "DATABASE_URL", default_value = "effekt.db")]
        database: String,
    },
}

#[derive(Subcommand)]
pub enum LedgerCommand {
    /// Prices every participant's achievements under the contract's newest terms and the newest
    /// register snapshot, and prints the lines of one payment period as CSV. The same input
    /// always gives the same bytes.
    Compute {
        #[arg(long)]
        contract: i64,
        /// The period, as the contract counts them: 2026-07, 2026Q3, 2026H2 or 2026.
        #[arg(long)]
        period: String,
        /// Where to write the statement (standard output when left out; required for xlsx).
        #[arg(long)]
        out: Option<PathBuf>,
        /// csv (default) or xlsx.
        #[arg(long, default_value = "csv", value_parser = ["csv", "xlsx"])]
        format: String,
        #[arg(long, env = "DATABASE_URL", default_value = "effekt.db")]
        database: String,
    },
}

/// The checked terms and the file's text, or the exit code after printing every problem.
fn read_checked(file: &PathBuf) -> Result<Result<(ContractTerms, String), ExitCode>, CliError> {
    let text = std::fs::read_to_string(file)
        .map_err(|e| CliError::Config(format!("{}: {e}", file.display())))?;
    match contract::check(&text) {
        Ok(terms) => Ok(Ok((terms, text))),
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
                "effekt: {} problem{} in {}; nothing was stored",
                problems.len(),
                if problems.len() == 1 { "" } else { "s" },
                file.display()
            );
            Ok(Err(ExitCode::FAILURE))
        }
    }
}

/// Prices the contract through the product's ledger (the same as the statement pages).
async fn priced(
    store: &std::sync::Arc<dyn effekt_store::Store>,
    contract: ContractId,
) -> Result<Pricing, CliError> {
    let key = crate::serve::pseudonym_key(store, crate::mode_from_env()?).await?;
    Ok(ledger::price(store.as_ref(), &key, contract).await?)
}

fn write_out(out: Option<&PathBuf>, bytes: &[u8]) -> Result<(), CliError> {
    match out {
        Some(path) => std::fs::write(path, bytes)
            .map_err(|e| CliError::Config(format!("{}: {e}", path.display()))),
        None => {
            use std::io::Write;
            std::io::stdout().write_all(bytes).map_err(CliError::Output)
        }
    }
}

pub async fn run(command: ContractCommand) -> Result<ExitCode, CliError> {
    let (file, store) = match command {
        ContractCommand::Export {
            contract,
            format: _,
            out,
            database,
        } => {
            let store = effekt_store::open(&Location::parse(&database)?).await?;
            let p = priced(&store, ContractId(contract)).await?;
            let Some(terms) = p.terms() else {
                return Err(ledger::LedgerError::NoTerms(contract).into());
            };
            let project = effekt_engine::indigo::project(contract, terms, &p.ledger, &p.input);
            let mut bytes =
                serde_json::to_vec_pretty(&project).map_err(|e| CliError::Config(e.to_string()))?;
            bytes.push(b'\n');
            write_out(out.as_ref(), &bytes)?;
            eprintln!(
                "INDIGO project for contract {contract} (terms version {}, snapshot {})",
                p.versions_of(&[]),
                p.snapshot.key
            );
            return Ok(ExitCode::SUCCESS);
        }
        ContractCommand::Check { file } => (file, None),
        ContractCommand::Import {
            file,
            contract,
            target_cohort,
            database,
        } => (file, Some((contract, target_cohort, database))),
    };
    let (terms, text) = match read_checked(&file)? {
        Ok(checked) => checked,
        Err(code) => return Ok(code),
    };
    if let Some((contract, target_cohort, database)) = store {
        let store = effekt_store::open(&Location::parse(&database)?).await?;
        if let Some(id) = contract {
            // Terms in force change only by an amendment the parties agree to.
            if let Some((version, _)) = store.contract_terms(ContractId(id)).await? {
                return Err(CliError::Config(format!(
                    "contract {id} already has terms (version {version}); changes are amendments, \
                     proposed and agreed by the parties at /kontrakter/{id}"
                )));
            }
        }
        let (id, version) = store
            .add_contract_version(
                contract.map(ContractId),
                &terms,
                Some(&text),
                target_cohort,
                chrono::Utc::now(),
            )
            .await?;
        println!(
            "Stored {:?} as contract {} version {version}: {} outcomes.",
            terms.name,
            id.0,
            terms.outcomes.len()
        );
        return Ok(ExitCode::SUCCESS);
    }
    println!(
        "{}: the contract {:?} is valid: {} parties, {} outcomes, {} cohort outcomes, {} to {}, paid {}",
        file.display(),
        terms.name,
        terms.parties.len(),
        terms.outcomes.len(),
        terms.cohort_outcomes.len(),
        terms.starts,
        terms.ends,
        terms.periods.code()
    );
    Ok(ExitCode::SUCCESS)
}

pub async fn ledger(command: LedgerCommand) -> Result<ExitCode, CliError> {
    let LedgerCommand::Compute {
        contract,
        period,
        out,
        format,
        database,
    } = command;
    if format == "xlsx" && out.is_none() {
        return Err(CliError::Config(
            "--format xlsx needs --out FILE.xlsx (a spreadsheet is not written to a terminal)"
                .into(),
        ));
    }
    let contract = ContractId(contract);
    let store = effekt_store::open(&Location::parse(&database)?).await?;
    // The period is checked against the terms before anything is read or priced.
    let Some((_, terms)) = store.contract_terms(contract).await? else {
        return Err(ledger::LedgerError::NoTerms(contract.0).into());
    };
    let wanted = ledger::parse_period(&terms, &period)?;
    let statements = store.statements(contract).await?;
    let stored = ledger::current(&statements)
        .into_iter()
        .find(|s| s.period == wanted.label && s.rules().stage().is_booked())
        .cloned();
    let (lines, snapshot, what) = match stored {
        Some(s) => {
            let lines: Vec<_> = store
                .statement_lines(&[s.id], None)
                .await?
                .into_iter()
                .map(|(_, l)| l)
                .collect();
            let what = format!(
                "statement {} as {} (contract version {})",
                s.id,
                s.rules().stage().label_nb().to_lowercase(),
                s.versions
            );
            (lines, s.snapshot, what)
        }
        None => {
            let p = priced(&store, contract).await?;
            let open = p.open_period(&statements);
            let is_open = open.as_ref() == Some(&wanted);
            let booked = ledger::booked_lines(store.as_ref(), &statements).await?;
            let lines = p.draft(&wanted, is_open, &booked);
            let what = format!(
                "{} (contract version {})",
                if is_open {
                    "the open period as computed now, with adjustments"
                } else {
                    "a preview: earlier periods are not yet approved, so no adjustments"
                },
                p.versions_of(&lines)
            );
            (lines, p.snapshot.key, what)
        }
    };
    let rows = statement_file::rows(&wanted.label, &snapshot, &lines);
    let total = lines.iter().fold(Nok::ZERO, |s, l| s + l.amount);
    let bytes = if format == "xlsx" {
        statement_file::xlsx(&rows, total)
    } else {
        statement_file::csv(&rows)
    }
    .map_err(|e| CliError::Config(e.to_string()))?;
    write_out(out.as_ref(), &bytes)?;
    eprintln!(
        "{}: {} lines, {} payable: {what}, snapshot {snapshot}",
        wanted.label,
        lines.len(),
        total
    );
    Ok(ExitCode::SUCCESS)
}
