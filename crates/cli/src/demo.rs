//! `effekt demo`: creates (or reuses) a demo database with realistic synthetic data, prints the
//! demo accounts, and serves it in demo mode.

use std::net::SocketAddr;
use std::process::ExitCode;

use clap::Args;
use effekt_app::demo::{self, DEFAULT_PARTICIPANTS, DEFAULT_SEED, DEMO_PASSWORD};
use effekt_app::App;
use effekt_domain::mode::Mode;
use effekt_store::Location;

use crate::CliError;

#[derive(Args)]
pub struct DemoArgs {
    /// Address to listen on.
    #[arg(long, env = "EFFEKT_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,
    /// The demo database: a SQLite file (default) or postgres://….
    #[arg(long, env = "DATABASE_URL", default_value = "effekt-demo.db")]
    pub database: String,
    /// Seed for the synthetic data; the same seed gives the same data.
    #[arg(long, default_value_t = DEFAULT_SEED)]
    pub seed: u64,
    /// Number of participants (scale up for load tests).
    #[arg(long, default_value_t = DEFAULT_PARTICIPANTS,
          value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..=2_000_000))]
    pub participants: usize,
    /// Delete an existing demo SQLite file first.
    #[arg(long)]
    pub fresh: bool,
    /// Create the data and exit without serving.
    #[arg(long)]
    pub no_serve: bool,
}

pub async fn run(args: DemoArgs) -> Result<ExitCode, CliError> {
    let location = Location::parse(&args.database)?;
    if args.fresh {
        match &location {
            Location::Sqlite(path) => {
                for suffix in ["", "-wal", "-shm"] {
                    let mut p = path.clone().into_os_string();
                    p.push(suffix);
                    match std::fs::remove_file(&p) {
                        Ok(()) => {}
                        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                        Err(e) => {
                            return Err(CliError::Config(format!(
                                "cannot delete {}: {e}",
                                path.display()
                            )))
                        }
                    }
                }
            }
            Location::Postgres(_) => {
                return Err(CliError::Config(
                    "--fresh only deletes SQLite files; drop the PostgreSQL database yourself"
                        .into(),
                ))
            }
        }
    }
    let store = effekt_store::open(&location).await?;
    let app = App::open(store, Mode::Demo, crate::configured_key().as_deref())
        .await?
        .with_deadlines(crate::deadlines_from_env()?);
    if demo::is_empty(&app).await? {
        eprintln!(
            "Creating demo data: {} participants, seed {} …",
            args.participants, args.seed
        );
        demo::seed(&app, args.seed, args.participants).await?;
    } else {
        eprintln!(
            "Reusing the demo data already in {} (use --fresh to start over).",
            args.database
        );
    }
    eprintln!("\nDemo accounts (password for all: {DEMO_PASSWORD}):");
    for a in demo::account_lines(&app, args.seed).await? {
        let acts_for = if a.organisation.is_empty() {
            String::new()
        } else {
            format!(", {}", a.organisation)
        };
        eprintln!("  {:<26} {}{acts_for}", a.username, a.role);
        eprintln!("  {:<26} → {}", "", a.try_this);
    }
    if args.no_serve {
        return Ok(ExitCode::SUCCESS);
    }
    eprintln!("\nOpen http://{}/ in a browser.\n", args.listen);
    crate::serve::serve(app, args.listen).await
}
