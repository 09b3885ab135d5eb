//! `effekt evaluate`: the effect evaluation (docs/evaluation.md) — the plan registered first,
//! runs on stored snapshots, publication, the evaluator's microdata; and a run straight from
//! register files (no store), which is also what the benchmark times.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use clap::Subcommand;
use effekt_app::policy::Grant;
use effekt_domain::ids::ContractId;
use effekt_engine::evaluation::plan;
use effekt_engine::evaluation::run::{self, Exclusion, Input, RunResult};
use effekt_engine::{register, verify};
use effekt_store::evaluation::RunLabel;

use crate::{CliError, OperatorArg};

#[derive(Subcommand)]
pub enum EvaluateCommand {
    /// Registers a new version of the contract's evaluation plan (a TOML file); after a run
    /// exists, a changed plan needs --reason (recorded as a deviation).
    Plan {
        file: PathBuf,
        #[arg(long)]
        contract: i64,
        #[arg(long, default_value = "")]
        reason: String,
        #[arg(long, env = "DATABASE_URL", default_value = "effekt.db")]
        database: String,
        #[command(flatten)]
        operator: OperatorArg,
    },
    /// Runs the evaluation under the plan in force on a stored register snapshot (the newest
    /// unless --snapshot names one by its store id) and stores the run.
    Run {
        #[arg(long)]
        contract: i64,
        #[arg(long)]
        snapshot: Option<i64>,
        /// Label the run final (default: interim).
        #[arg(long)]
        r#final: bool,
        #[arg(long, env = "DATABASE_URL", default_value = "effekt.db")]
        database: String,
        #[command(flatten)]
        operator: OperatorArg,
    },
    /// Publishes a run to everyone who reads the contract.
    Publish {
        #[arg(long)]
        run: i64,
        #[arg(long, env = "DATABASE_URL", default_value = "effekt.db")]
        database: String,
        #[command(flatten)]
        operator: OperatorArg,
    },
    /// Writes a run's report (the page of `/evalueringer/{run}`) as a PDF, printed by headless
    /// Chromium (`chromium` on the PATH, or EFFEKT_CHROMIUM).
    Report {
        #[arg(long)]
        run: i64,
        #[arg(long)]
        out: PathBuf,
        #[arg(long, env = "DATABASE_URL", default_value = "effekt.db")]
        database: String,
        #[command(flatten)]
        operator: OperatorArg,
    },
    /// Writes a run's microdata under pseudonyms (.csv or .parquet).
    Microdata {
        #[arg(long)]
        run: i64,
        #[arg(long)]
        out: PathBuf,
        #[arg(long, env = "DATABASE_URL", default_value = "effekt.db")]
        database: String,
        #[command(flatten)]
        operator: OperatorArg,
    },
    /// Runs a plan on register files without a store: the participants are the national ids
    /// listed one per line (a header line first, as `treated.csv` of `register generate`),
    /// the outcomes those of a definitions file. Prints the result as JSON.
    Files {
        #[arg(long)]
        register: PathBuf,
        #[arg(long)]
        participants: PathBuf,
        #[arg(long)]
        definitions: PathBuf,
        #[arg(long)]
        plan: PathBuf,
        /// Where to write the result (standard output when left out).
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

fn read(path: &std::path::Path) -> Result<String, CliError> {
    std::fs::read_to_string(path).map_err(|e| CliError::Config(format!("{}: {e}", path.display())))
}

/// The run's headline and counts, as the command prints them.
fn summary(r: &RunResult) -> String {
    let mut out = format!(
        "{} participants, {} analysed, {} matched against {} comparison persons (pool {})\n",
        r.participants, r.analysed, r.matched, r.comparison_persons, r.pool
    );
    for e in &r.exclusions {
        out.push_str(&format!("  excluded: {} × {:?}\n", e.count, e.reason));
    }
    for e in &r.effects {
        out.push_str(&format!(
            "{}{}: ATT {:+.4} [{:.4}, {:.4}], bootstrap [{:.4}, {:.4}], {} sets\n",
            if e.headline { "headline " } else { "" },
            e.outcome,
            e.att,
            e.low,
            e.high,
            e.bootstrap_low,
            e.bootstrap_high,
            e.sets
        ));
    }
    out
}

pub async fn run(command: EvaluateCommand) -> Result<ExitCode, CliError> {
    match command {
        EvaluateCommand::Plan {
            file,
            contract,
            reason,
            database,
            operator,
        } => {
            let text = read(&file)?;
            let app = crate::open_app(&database, crate::mode_from_env()?).await?;
            let viewer = operator.viewer(&app, Grant::Pseudonymised).await?;
            match viewer
                .evaluation(&app)?
                .register_plan(ContractId(contract), &text, &reason)
                .await?
            {
                Ok(version) => {
                    eprintln!("Registered version {version} of the evaluation plan.");
                    Ok(ExitCode::SUCCESS)
                }
                Err(problems) => {
                    for (key, message) in problems {
                        eprintln!("{}: {key}: {message}", file.display());
                    }
                    eprintln!("Nothing was registered.");
                    Ok(ExitCode::FAILURE)
                }
            }
        }
        EvaluateCommand::Run {
            contract,
            snapshot,
            r#final,
            database,
            operator,
        } => {
            let app = crate::open_app(&database, crate::mode_from_env()?).await?;
            let viewer = operator.viewer(&app, Grant::Pseudonymised).await?;
            let access = viewer.evaluation(&app)?;
            let label = if r#final {
                RunLabel::Final
            } else {
                RunLabel::Interim
            };
            let started = Instant::now();
            match access.run(ContractId(contract), snapshot, label).await? {
                Ok(id) => {
                    let view = access.run_view(id).await?;
                    print!("{}", summary(&view.result));
                    eprintln!(
                        "Stored run {id} ({}) in {:.1} s.",
                        label.label_nb().to_lowercase(),
                        started.elapsed().as_secs_f64()
                    );
                    Ok(ExitCode::SUCCESS)
                }
                Err(why) => {
                    eprintln!("effekt: {why}");
                    Ok(ExitCode::FAILURE)
                }
            }
        }
        EvaluateCommand::Publish {
            run,
            database,
            operator,
        } => {
            let app = crate::open_app(&database, crate::mode_from_env()?).await?;
            let viewer = operator.viewer(&app, Grant::Pseudonymised).await?;
            viewer.evaluation(&app)?.publish(run).await?;
            eprintln!("Published run {run}.");
            Ok(ExitCode::SUCCESS)
        }
        EvaluateCommand::Report {
            run,
            out,
            database,
            operator,
        } => {
            let app = crate::open_app(&database, crate::mode_from_env()?).await?;
            let viewer = operator.viewer(&app, Grant::Pseudonymised).await?;
            let view = viewer.evaluation(&app)?.run_view(run).await?;
            let html = effekt_web::evaluation_report_html(view)
                .map_err(|e| CliError::Config(format!("the report: {e}")))?;
            print_pdf(&html, &out)?;
            eprintln!("Wrote the report of run {run} to {}.", out.display());
            Ok(ExitCode::SUCCESS)
        }
        EvaluateCommand::Microdata {
            run,
            out,
            database,
            operator,
        } => {
            let parquet = match out.extension().and_then(|e| e.to_str()) {
                Some("parquet") => true,
                Some("csv") => false,
                _ => {
                    return Err(CliError::Config(format!(
                        "--out {}: name the output .csv or .parquet",
                        out.display()
                    )))
                }
            };
            let app = crate::open_app(&database, crate::mode_from_env()?).await?;
            let viewer = operator.viewer(&app, Grant::Pseudonymised).await?;
            let data = viewer.evaluation(&app)?.microdata(run).await?;
            if parquet {
                data.write_parquet(&out)
                    .map_err(|e| CliError::Config(e.to_string()))?;
            } else {
                let bytes = data.csv().map_err(|e| CliError::Config(e.to_string()))?;
                std::fs::write(&out, bytes).map_err(CliError::Output)?;
            }
            eprintln!("Wrote {} rows to {}.", data.rows.len(), out.display());
            Ok(ExitCode::SUCCESS)
        }
        EvaluateCommand::Files {
            register: dir,
            participants,
            definitions,
            plan: plan_file,
            out,
        } => files(
            &dir,
            &participants,
            &definitions,
            &plan_file,
            out.as_deref(),
        ),
    }
}

/// Prints `html` to `out` as PDF with headless Chromium, from a private temporary file.
fn print_pdf(html: &str, out: &std::path::Path) -> Result<(), CliError> {
    let browser = std::env::var("EFFEKT_CHROMIUM").unwrap_or_else(|_| "chromium".to_owned());
    let page = std::env::temp_dir().join(format!("effekt-rapport-{}.html", std::process::id()));
    std::fs::write(&page, html).map_err(CliError::Output)?;
    let target = std::path::absolute(out).map_err(CliError::Output)?;
    let status = std::process::Command::new(&browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-pdf-header-footer",
        ])
        .arg(format!("--print-to-pdf={}", target.display()))
        .arg(format!("file://{}", page.display()))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status();
    let _ = std::fs::remove_file(&page);
    match status {
        Ok(s) if s.success() && target.exists() => Ok(()),
        Ok(s) => Err(CliError::Config(format!(
            "{browser} could not print the report (exit {s})"
        ))),
        Err(e) => Err(CliError::Config(format!(
            "the report is printed by headless Chromium: cannot start {browser:?} ({e}); install chromium or set EFFEKT_CHROMIUM"
        ))),
    }
}

fn files(
    dir: &std::path::Path,
    participants: &std::path::Path,
    definitions: &std::path::Path,
    plan_file: &std::path::Path,
    out: Option<&std::path::Path>,
) -> Result<ExitCode, CliError> {
    let definitions = verify::parse_definitions(&read(definitions)?)
        .map_err(|e| CliError::Config(e.to_string()))?;
    let plan = match plan::parse(&read(plan_file)?, &definitions, &[]) {
        Ok(p) => p,
        Err(problems) => {
            for p in problems {
                eprintln!("{}: {p}", plan_file.display());
            }
            return Ok(ExitCode::FAILURE);
        }
    };
    let ids = read(participants)?;
    let started = Instant::now();
    let register = register::read_dir(dir).map_err(|e| {
        CliError::Config(format!(
            "the register is invalid, nothing was computed:\n{e}"
        ))
    })?;
    let read_in = started.elapsed();
    let (people, is_participant, missing) =
        run::participants_by_id(&register, ids.lines().skip(1), "");
    let excluded = [(Exclusion::NotInRegister, missing)];
    let made = run::run(
        &Input {
            register: &register,
            participants: &people,
            is_participant: &is_participant,
            excluded_before: &excluded,
        },
        &plan,
    )
    .map_err(|e| CliError::Config(format!("no run: {e}")))?;
    let computed = started.elapsed();
    let json =
        serde_json::to_string_pretty(&made.result).map_err(|e| CliError::Config(e.to_string()))?;
    match out {
        Some(path) => std::fs::write(path, json).map_err(CliError::Output)?,
        None => println!("{json}"),
    }
    eprint!("{}", summary(&made.result));
    eprintln!(
        "{} persons: read {:.2} s, run {:.2} s",
        register.persons.len(),
        read_in.as_secs_f64(),
        (computed - read_in).as_secs_f64()
    );
    std::mem::forget(register);
    Ok(ExitCode::SUCCESS)
}
