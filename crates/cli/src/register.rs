//! `effekt register generate`, `effekt register import` and `effekt verify`: register
//! snapshots as files and in the store.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use clap::{Args, Subcommand};
use effekt_engine::register;
use effekt_engine::verify;

use crate::CliError;

mod import;

#[derive(Subcommand)]
pub enum RegisterCommand {
    /// Writes a synthetic register (CSV) with a planted programme effect for a treated group.
    Generate {
        #[arg(long, value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..=10_000_000))]
        persons: usize,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        #[arg(long)]
        out: PathBuf,
        /// csv, parquet, or both (CSV in OUT/csv and Parquet in OUT/parquet, the same rows).
        #[arg(long, value_enum, default_value_t = Format::Csv)]
        format: Format,
    },
    /// Converts a CSV register folder to Parquet with typed columns, after validating all of it.
    Convert {
        /// A CSV register folder (docs/registers.md).
        dir: PathBuf,
        /// The folder to write the .parquet files to (created if needed).
        #[arg(long)]
        out: PathBuf,
    },
    /// Validates a register folder and stores it as a new snapshot version: all of it or
    /// nothing. Importing the same files again changes nothing.
    Import {
        /// A register folder (docs/registers.md).
        dir: PathBuf,
        /// The database: a SQLite file or postgres://….
        #[arg(long, env = "DATABASE_URL", default_value = "effekt.db")]
        database: String,
        #[command(flatten)]
        operator: crate::OperatorArg,
    },
}

#[derive(Clone, Copy, clap::ValueEnum)]
pub enum Format {
    Csv,
    Parquet,
    Both,
}

pub async fn run(command: RegisterCommand) -> Result<ExitCode, CliError> {
    match command {
        RegisterCommand::Generate {
            persons,
            seed,
            out,
            format,
        } => generate(persons, seed, &out, format),
        RegisterCommand::Import {
            dir,
            database,
            operator,
        } => import::run(&dir, &database, &operator).await,
        RegisterCommand::Convert { dir, out } => convert(&dir, &out),
    }
}

#[derive(Args)]
pub struct VerifyArgs {
    /// A register folder (docs/registers.md).
    #[arg(long)]
    register: PathBuf,
    /// Outcome definitions: a TOML file of [[outcome]] tables (docs/outcomes.md).
    #[arg(long)]
    definitions: PathBuf,
    /// Output, .csv or .parquet: person_id, outcome, status, date, magnitude.
    #[arg(long)]
    out: PathBuf,
}

fn generate(
    persons: usize,
    seed: u64,
    out: &std::path::Path,
    format: Format,
) -> Result<ExitCode, CliError> {
    let started = Instant::now();
    let format = match format {
        Format::Csv => register::OutputFormat::Csv,
        Format::Parquet => register::OutputFormat::Parquet,
        Format::Both => register::OutputFormat::Both,
    };
    let stats = register::generate_as(persons, seed, out, format)
        .map_err(|e| CliError::Config(e.to_string()))?;
    eprintln!(
        "Wrote {} persons ({} treated), {} employment and {} benefit spells to {} in {:.1} s",
        stats.persons,
        stats.treated,
        stats.employment_spells,
        stats.benefit_spells,
        out.display(),
        started.elapsed().as_secs_f64()
    );
    Ok(ExitCode::SUCCESS)
}

fn convert(dir: &std::path::Path, out: &std::path::Path) -> Result<ExitCode, CliError> {
    let started = Instant::now();
    let snapshot = register::read_dir(dir).map_err(|e| {
        CliError::Config(format!(
            "the register is invalid, nothing was converted:\n{e}"
        ))
    })?;
    if register::STEMS.iter().any(|s| {
        register::file_of(dir, s)
            .extension()
            .is_some_and(|e| e == "parquet")
    }) {
        return Err(CliError::Config(format!(
            "{} already holds Parquet files; convert a folder of CSV files",
            dir.display()
        )));
    }
    std::fs::create_dir_all(out)
        .map_err(|e| CliError::Config(format!("{}: {e}", out.display())))?;
    // Parquet beside the CSV files would leave a folder with both, which no reader accepts.
    if std::fs::canonicalize(out).ok() == std::fs::canonicalize(dir).ok() {
        return Err(CliError::Config(format!(
            "--out {}: write the Parquet files to another folder than the CSV files",
            out.display()
        )));
    }
    for stem in register::STEMS {
        register::csv_to_parquet(dir, out, stem).map_err(CliError::Config)?;
    }
    eprintln!(
        "Converted snapshot {:?} ({} persons) to Parquet in {} in {:.1} s",
        snapshot.snapshot.id,
        snapshot.persons.len(),
        out.display(),
        started.elapsed().as_secs_f64()
    );
    Ok(ExitCode::SUCCESS)
}

pub fn verify(args: VerifyArgs) -> Result<ExitCode, CliError> {
    let parquet = match args.out.extension().and_then(|e| e.to_str()) {
        Some("parquet") => true,
        Some("csv") => false,
        _ => {
            return Err(CliError::Config(format!(
                "--out {}: name the output .csv or .parquet",
                args.out.display()
            )))
        }
    };
    let text = std::fs::read_to_string(&args.definitions)
        .map_err(|e| CliError::Config(format!("{}: {e}", args.definitions.display())))?;
    let definitions =
        verify::parse_definitions(&text).map_err(|e| CliError::Config(e.to_string()))?;
    let started = Instant::now();
    let register = register::read_dir(&args.register).map_err(|e| {
        CliError::Config(format!(
            "the register is invalid, nothing was computed:\n{e}"
        ))
    })?;
    let read = started.elapsed();
    let rows = verify::verify(&register, &definitions);
    let computed = started.elapsed();
    if parquet {
        verify::write_parquet(&rows, &args.out)
    } else {
        verify::write_csv(&rows, &args.out)
    }
    .map_err(|e| CliError::Config(e.to_string()))?;
    eprintln!(
        "{} persons, {} outcomes: read {:.2} s, computed {:.2} s, written {:.2} s",
        register.persons.len(),
        definitions.len(),
        read.as_secs_f64(),
        (computed - read).as_secs_f64(),
        (started.elapsed() - computed).as_secs_f64()
    );
    // The process ends here: handing millions of small allocations back one by one would take
    // about a second at national scale for nothing, so the operating system reclaims them.
    std::mem::forget(rows);
    std::mem::forget(register);
    Ok(ExitCode::SUCCESS)
}
