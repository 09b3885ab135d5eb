//! `effekt contract check|import FILE` and `effekt ledger compute`: contract files checked as a
//! whole (every problem with its line and key), stored as versions, and priced (docs/contracts.md).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Subcommand;
use effekt_domain::contract::ledger::{compute, LineKind};
use effekt_domain::contract::terms::ContractTerms;
use effekt_domain::ids::ContractId;
use effekt_domain::money::Nok;
use effekt_domain::outcomes::timeline::Snapshot;
use effekt_engine::contract;
use effekt_engine::ledger::{achievements, Participant};
use effekt_store::model::ParticipantScope;
use effekt_store::Location;

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
    /// Checks a contract file and stores it: as the next version of `--contract`, or as a new
    /// contract. Nothing is stored when the file has any problem.
    Import {
        file: PathBuf,
        /// The contract this file is the next version of; without it a new contract is made.
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

/// The statement as a spreadsheet: the same columns as the CSV, amounts and magnitudes as
/// numbers, and a total row.
fn xlsx(header: &[&str], rows: &[Vec<String>], total: Nok) -> Result<Vec<u8>, CliError> {
    use rust_xlsxwriter::{Format, Workbook};
    let err = |e: rust_xlsxwriter::XlsxError| CliError::Config(format!("xlsx: {e}"));
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("Utbetaling").map_err(err)?;
    let bold = Format::new().set_bold();
    let money = Format::new().set_num_format("#,##0.00");
    for (c, h) in header.iter().enumerate() {
        sheet
            .write_string_with_format(0, c as u16, *h, &bold)
            .map_err(err)?;
    }
    for (r, row) in rows.iter().enumerate() {
        let r = r as u32 + 1;
        for (c, value) in row.iter().enumerate() {
            let c = c as u16;
            match (header.get(c as usize).copied(), value.parse::<f64>()) {
                (Some("amount_nok"), Ok(n)) => sheet.write_number_with_format(r, c, n, &money),
                (Some("magnitude" | "contract_version"), Ok(n)) => sheet.write_number(r, c, n),
                _ => sheet.write_string(r, c, value),
            }
            .map_err(err)?;
        }
    }
    let last = rows.len() as u32 + 1;
    sheet
        .write_string_with_format(last, 0, "Totalt", &bold)
        .map_err(err)?;
    let amount_col = header.iter().position(|h| *h == "amount_nok").unwrap_or(6) as u16;
    sheet
        .write_number_with_format(last, amount_col, total.ore() as f64 / 100.0, &money)
        .map_err(err)?;
    sheet.autofit();
    book.save_to_buffer().map_err(err)
}

fn read_checked(file: &PathBuf) -> Result<Result<ContractTerms, ExitCode>, CliError> {
    let text = std::fs::read_to_string(file)
        .map_err(|e| CliError::Config(format!("{}: {e}", file.display())))?;
    match contract::check(&text) {
        Ok(terms) => Ok(Ok(terms)),
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

/// Everything priced for a contract: its newest terms, the newest snapshot, the achievements
/// and the ledger over them.
struct Priced {
    version: u32,
    terms: ContractTerms,
    snapshot: effekt_store::model::SnapshotRecord,
    input: Vec<effekt_domain::contract::ledger::AchievementInput>,
    ledger: effekt_domain::contract::ledger::Ledger,
}

/// `check` sees the terms before anything is read or priced, so that a bad argument fails at
/// once; what it returns comes back with the prices.
async fn priced<T>(
    database: &str,
    contract: ContractId,
    check: impl FnOnce(&ContractTerms) -> Result<T, CliError>,
) -> Result<(Priced, T), CliError> {
    let store = effekt_store::open(&Location::parse(database)?).await?;
    let Some((version, terms)) = store.contract_terms(contract).await? else {
        return Err(CliError::Config(format!(
            "contract {} has no stored terms; store them with `effekt contract import FILE --contract {}`",
            contract.0, contract.0
        )));
    };
    let checked = check(&terms)?;
    let Some(snapshot) = store.register_snapshots().await?.into_iter().next() else {
        return Err(CliError::Config(
            "no register snapshot is stored; import one with `effekt register import DIR`".into(),
        ));
    };
    let key = crate::serve::pseudonym_key(&store, crate::mode_from_env()?).await?;
    let timelines = store
        .participant_timelines(ParticipantScope::Contract(contract), None, snapshot.id)
        .await?;
    let participants: Vec<Participant> = timelines
        .iter()
        .filter(|t| t.in_register)
        .filter_map(|t| {
            Some(Participant {
                pseudonym: key.pseudonym(contract, t.person),
                index_date: t.index_date?,
                timeline: &t.timeline,
            })
        })
        .collect();
    let judged = Snapshot {
        id: snapshot.key.clone(),
        cutoff: snapshot.cutoff,
    };
    let input = achievements(&terms, &participants, &judged);
    let ledger = compute(&terms, &input);
    Ok((
        Priced {
            version,
            terms,
            snapshot,
            input,
            ledger,
        },
        checked,
    ))
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
            let (p, ()) = priced(&database, ContractId(contract), |_| Ok(())).await?;
            let project = effekt_engine::indigo::project(contract, &p.terms, &p.ledger, &p.input);
            let mut bytes =
                serde_json::to_vec_pretty(&project).map_err(|e| CliError::Config(e.to_string()))?;
            bytes.push(b'\n');
            write_out(out.as_ref(), &bytes)?;
            eprintln!(
                "INDIGO project for contract {contract} (terms version {}, snapshot {})",
                p.version, p.snapshot.key
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
    let terms = match read_checked(&file)? {
        Ok(terms) => terms,
        Err(code) => return Ok(code),
    };
    if let Some((contract, target_cohort, database)) = store {
        let store = effekt_store::open(&Location::parse(&database)?).await?;
        let (id, version) = store
            .add_contract_version(
                contract.map(ContractId),
                &terms,
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
    let the_period = |terms: &ContractTerms| {
        let Some(wanted) = terms.periods.parse_label(&period) else {
            return Err(CliError::Config(format!(
                "--period {period:?}: the contract is paid {}; name a period like {}",
                terms.periods.code(),
                terms.periods.period_of(terms.starts).label
            )));
        };
        if wanted.end < terms.starts || wanted.start > terms.ends {
            return Err(CliError::Config(format!(
                "--period {period}: outside the contract ({} to {})",
                terms.starts, terms.ends
            )));
        }
        Ok(wanted)
    };
    let (
        Priced {
            version,
            terms,
            snapshot,
            input,
            ledger,
        },
        wanted,
    ) = priced(&database, contract, the_period).await?;
    let mut rows: Vec<Vec<String>> = Vec::new();
    let header = [
        "period",
        "participant",
        "outcome",
        "date",
        "magnitude",
        "line",
        "amount_nok",
        "evidence",
        "contract_version",
        "snapshot",
    ];
    for line in ledger.lines.iter().filter(|l| l.period == wanted.start) {
        let Some(a) = input.get(line.achievement) else {
            continue;
        };
        let outcome = terms
            .outcomes
            .get(a.outcome)
            .map(|o| o.definition.name.as_str())
            .unwrap_or_default();
        let kind = match line.kind {
            LineKind::Payment => "payment".to_owned(),
            LineKind::Cap(c) => format!("cap:{}", format!("{c:?}").to_lowercase()),
        };
        rows.push(vec![
            wanted.label.clone(),
            a.participant.clone(),
            outcome.to_owned(),
            a.date.to_string(),
            effekt_domain::outcomes::format_magnitude(a.magnitude),
            kind,
            line.amount.to_decimal().to_string(),
            a.evidence.join(" "),
            version.to_string(),
            snapshot.key.clone(),
        ]);
    }
    let bytes = if format == "xlsx" {
        xlsx(&header, &rows, ledger.period_total(wanted.start))?
    } else {
        let csv_err = |e: csv::Error| CliError::Config(e.to_string());
        let mut w = csv::Writer::from_writer(Vec::new());
        w.write_record(header).map_err(csv_err)?;
        for row in &rows {
            w.write_record(row).map_err(csv_err)?;
        }
        w.into_inner()
            .map_err(|e| CliError::Config(e.to_string()))?
    };
    write_out(out.as_ref(), &bytes)?;
    eprintln!(
        "{}: {} lines, {} payable (contract version {version}, snapshot {})",
        wanted.label,
        ledger
            .lines
            .iter()
            .filter(|l| l.period == wanted.start)
            .count(),
        ledger.period_total(wanted.start),
        snapshot.key
    );
    Ok(ExitCode::SUCCESS)
}
