//! `effekt register import DIR`: validate the whole folder, then store it in one transaction,
//! with a progress bar (rate and ETA) on a terminal and plain lines otherwise. Every attempt
//! lands in the import log (`/importer`).

use std::io::IsTerminal;
use std::path::Path;
use std::process::ExitCode;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;
use std::time::Instant;

use effekt_app::policy::Grant;
use effekt_app::AppError;
use effekt_domain::register::Register;
use effekt_engine::register;
use effekt_store::model::ImportOutcome;
use effekt_store::StoreError;
use indicatif::{ProgressBar, ProgressStyle};

use crate::CliError;

/// Reports rows written: a bar on a terminal, a line per tenth otherwise (logs, CI).
enum Progress {
    Bar(ProgressBar),
    Lines {
        total: u64,
        started: Instant,
        reported: AtomicU64,
    },
}

impl Progress {
    fn new(total: u64) -> Self {
        if std::io::stderr().is_terminal() {
            let bar = ProgressBar::new(total);
            if let Ok(style) = ProgressStyle::with_template(
                "{bar:40} {human_pos}/{human_len} rows  {rate} rows/s  ETA {eta}",
            ) {
                bar.set_style(style.with_key(
                    "rate",
                    |state: &indicatif::ProgressState, w: &mut dyn std::fmt::Write| {
                        let _ = write!(w, "{:.0}", state.per_sec());
                    },
                ));
            }
            Self::Bar(bar)
        } else {
            Self::Lines {
                total,
                started: Instant::now(),
                reported: AtomicU64::new(0),
            }
        }
    }

    fn update(&self, done: u64) {
        match self {
            Self::Bar(bar) => bar.set_position(done),
            Self::Lines {
                total,
                started,
                reported,
            } => {
                let tenth = (done * 10).checked_div(*total).unwrap_or(10);
                if tenth > reported.fetch_max(tenth, Ordering::Relaxed) {
                    let rate = done as f64 / started.elapsed().as_secs_f64().max(1e-9);
                    eprintln!("imported {done} of {total} rows ({rate:.0} rows/s)");
                }
            }
        }
    }

    fn finish(&self) {
        if let Self::Bar(bar) = self {
            bar.finish_and_clear();
        }
    }
}

fn files_size(dir: &Path) -> u64 {
    register::STEMS
        .iter()
        .filter_map(|s| std::fs::metadata(register::file_of(dir, s)).ok())
        .map(|m| m.len())
        .sum()
}

pub async fn run(
    dir: &Path,
    database: &str,
    operator: &crate::OperatorArg,
) -> Result<ExitCode, CliError> {
    // Who imports is settled before minutes of reading and validating.
    let app = crate::open_app_without_key(database, crate::mode_from_env()?).await?;
    let admin = operator
        .viewer(&app, Grant::Administration)
        .await?
        .administration(&app)?;
    let started = Instant::now();
    eprintln!("Reading and validating {} …", dir.display());
    let progress: OnceLock<Progress> = OnceLock::new();
    let writing: OnceLock<Instant> = OnceLock::new();
    let on_valid = |snapshot: &Register| {
        let total = snapshot.row_count();
        eprintln!(
            "Valid: {} persons, {total} rows, snapshot {:?} (cut-off {}), read in {:.1} s. Importing …",
            snapshot.persons.len(),
            snapshot.snapshot.id,
            snapshot.snapshot.cutoff,
            started.elapsed().as_secs_f64()
        );
        let _ = progress.set(Progress::new(total));
        let _ = writing.set(Instant::now());
    };
    let outcome = admin
        .import_register_dir(dir, &on_valid, &|done| {
            if let Some(p) = progress.get() {
                p.update(done);
            }
        })
        .await;
    if let Some(p) = progress.get() {
        p.finish();
    }
    match outcome {
        Ok((ImportOutcome::Imported(record), unmatched)) => {
            let seconds = writing
                .get()
                .map_or(0.0, |w| w.elapsed().as_secs_f64())
                .max(1e-9);
            let megabytes = files_size(dir) as f64 / 1e6;
            println!(
                "Imported snapshot {:?} (cut-off {}) as version {}: {} persons, {} rows in \
                 {seconds:.1} s ({:.0} rows/s, {:.1} MB/s); {unmatched} spell rows name no \
                 person in the population and were left out.",
                record.key,
                record.cutoff,
                record.id,
                record.person_count,
                record.row_count,
                record.row_count as f64 / seconds,
                megabytes / seconds,
            );
            Ok(ExitCode::SUCCESS)
        }
        Ok((ImportOutcome::Unchanged(record), _)) => {
            println!(
                "Snapshot {:?} is already imported from these files (version {}, {}); nothing \
                 changed.",
                record.key,
                record.id,
                record.imported_at.format("%Y-%m-%d %H:%M UTC")
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(AppError::Refused(message)) => Err(CliError::Config(message)),
        Err(AppError::Store(StoreError::Conflict(message))) => {
            Err(CliError::Config(format!("nothing was imported: {message}")))
        }
        Err(e) => Err(CliError::Config(format!(
            "nothing was imported (the store is unchanged): {}",
            e.chain()
        ))),
    }
}
