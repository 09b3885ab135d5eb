//! `effekt contract check|import FILE` and `effekt ledger compute`: contract files checked as a
//! whole (every problem with its line and key), stored as versions, and priced (docs/contracts.md).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Subcommand;
use effekt_app::access::MAX_CONTRACT_FILE;
use effekt_app::policy::Grant;
use effekt_app::statement_file;
use effekt_domain::contract::terms::ContractTerms;
use effekt_domain::ids::ContractId;
use effekt_domain::money::Nok;
use effekt_engine::contract;

use crate::{CliError, OperatorArg};

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
        #[command(flatten)]
        operator: OperatorArg,
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
        #[command(flatten)]
        operator: OperatorArg,
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
        /// csv (default: for programs, comma and ISO dates), excel-csv (for Norwegian Excel:
        /// semicolons, BOM, Norwegian headers and numbers) or xlsx.
        #[arg(long, default_value = "csv", value_parser = ["csv", "excel-csv", "xlsx"])]
        format: String,
        #[arg(long, env = "DATABASE_URL", default_value = "effekt.db")]
        database: String,
        #[command(flatten)]
        operator: OperatorArg,
    },
}

/// The checked terms and the file's text, or the exit code after printing every problem.
fn read_checked(
    file: &std::path::Path,
) -> Result<Result<(ContractTerms, String), ExitCode>, CliError> {
    let text = effekt_app::access::read_limited(file, MAX_CONTRACT_FILE, "a contract file")
        .map_err(CliError::Config)?;
    match contract::check(&text) {
        Ok(terms) => Ok(Ok((terms, text))),
        Err(problems) => Ok(Err(print_problems(file, &problems))),
    }
}

/// Each problem as `LINE: key: message` (or `LINE: message` without a key), reported with
/// the file's name.
fn print_problems(file: &std::path::Path, problems: &[contract::Problem]) -> ExitCode {
    let lines: Vec<String> = problems
        .iter()
        .map(|p| match p.key.as_str() {
            "" => format!("{}: {}", p.line, p.message),
            key => format!("{}: {key}: {}", p.line, p.message),
        })
        .collect();
    crate::report_problems(file, &lines)
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
            operator,
        } => {
            let app = crate::open_app(&database, crate::mode_from_env()?).await?;
            let viewer = operator.viewer(&app, Grant::Contracts).await?;
            let (project, versions, snapshot) =
                viewer.contracts(&app)?.indigo(ContractId(contract)).await?;
            let mut bytes =
                serde_json::to_vec_pretty(&project).map_err(|e| CliError::Config(e.to_string()))?;
            bytes.push(b'\n');
            write_out(out.as_ref(), &bytes)?;
            eprintln!(
                "INDIGO project for contract {contract} (terms version {versions}, snapshot {snapshot})"
            );
            return Ok(ExitCode::SUCCESS);
        }
        ContractCommand::Check { file } => (file, None),
        ContractCommand::Import {
            file,
            contract,
            target_cohort,
            database,
            operator,
        } => (file, Some((contract, target_cohort, database, operator))),
    };
    if let Some((contract, target_cohort, database, operator)) = store {
        let app = crate::open_app_without_key(&database, crate::mode_from_env()?).await?;
        let viewer = operator.viewer(&app, Grant::DefineContracts).await?;
        let defined = match viewer
            .contract_definition(&app)?
            .import_file(contract.map(ContractId), &file, target_cohort)
            .await
        {
            Ok(defined) => defined,
            Err(effekt_app::AppError::Refused(why)) => return Err(CliError::Config(why)),
            Err(e) => return Err(e.into()),
        };
        return match defined {
            Ok((id, version, terms)) => {
                println!(
                    "Stored {:?} as contract {} version {version}: {} outcomes.",
                    terms.name,
                    id.0,
                    terms.outcomes.len()
                );
                Ok(ExitCode::SUCCESS)
            }
            Err(problems) => Ok(print_problems(&file, &problems)),
        };
    }
    let terms = match read_checked(&file)? {
        Ok((terms, _)) => terms,
        Err(code) => return Ok(code),
    };
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
        operator,
    } = command;
    if format == "xlsx" && out.is_none() {
        return Err(CliError::Config(
            "--format xlsx needs --out FILE.xlsx (a spreadsheet is not written to a terminal)"
                .into(),
        ));
    }
    let app = crate::open_app(&database, crate::mode_from_env()?).await?;
    let viewer = operator.viewer(&app, Grant::Statements).await?;
    let p = viewer
        .statements(&app)?
        .period_lines(ContractId(contract), &period)
        .await?;
    let total =
        Nok::sum(p.lines.iter().map(|l| l.amount)).map_err(|e| CliError::Config(e.to_string()))?;
    let bytes = match format.as_str() {
        "xlsx" => statement_file::xlsx(&p.period.label, &p.snapshot, &p.lines, total),
        "excel-csv" => statement_file::excel_csv(&p.period.label, &p.snapshot, &p.lines),
        _ => statement_file::csv(&statement_file::rows(
            &p.period.label,
            &p.snapshot,
            &p.lines,
        )),
    }
    .map_err(|e| CliError::Config(e.to_string()))?;
    write_out(out.as_ref(), &bytes)?;
    eprintln!(
        "{}: {} lines, {} payable: {}, snapshot {}",
        p.period.label,
        p.lines.len(),
        total,
        p.what,
        p.snapshot
    );
    Ok(ExitCode::SUCCESS)
}
