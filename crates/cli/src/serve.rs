//! `effekt serve`: the server on an existing (or new, empty) database. The only command that
//! touches the web crate.

use std::net::SocketAddr;
use std::process::ExitCode;

use clap::Args;
use effekt_app::App;
use effekt_web::{AppState, Config};

use crate::CliError;

#[derive(Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "EFFEKT_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,
    /// postgres://… for PostgreSQL; a file path or sqlite://PATH for SQLite.
    #[arg(long, env = "DATABASE_URL", default_value = "effekt.db")]
    pub database: String,
}

/// `EFFEKT_SECURE_COOKIES`: on by default in production (served behind TLS), off elsewhere;
/// `0`/`false` or `1`/`true` decide.
pub fn secure_cookies(mode: effekt_domain::mode::Mode) -> bool {
    match std::env::var("EFFEKT_SECURE_COOKIES").as_deref() {
        Ok("1" | "true") => true,
        Ok("0" | "false") => false,
        _ => mode == effekt_domain::mode::Mode::Production,
    }
}

/// Serves `app` until Ctrl-C.
pub async fn serve(app: App, listen: SocketAddr) -> Result<ExitCode, CliError> {
    let internal_listen = match std::env::var("EFFEKT_INTERNAL_LISTEN") {
        Ok(v) if !v.trim().is_empty() => Some(v.trim().parse::<SocketAddr>().map_err(|_| {
            CliError::Config(format!(
                "EFFEKT_INTERNAL_LISTEN: {v:?} is not an address like 127.0.0.1:9090"
            ))
        })?),
        _ => None,
    };
    let config = Config {
        internal_listen,
        secure_cookies: secure_cookies(app.mode()),
        client_address_header: std::env::var("EFFEKT_CLIENT_ADDRESS_HEADER")
            .ok()
            .map(|h| h.trim().to_ascii_lowercase())
            .filter(|h| !h.is_empty()),
    };
    let state = AppState::new(app, config);
    effekt_web::serve(state, listen)
        .await
        .map_err(|e| CliError::Listen(listen, e))?;
    Ok(ExitCode::SUCCESS)
}

pub async fn run(args: ServeArgs) -> Result<ExitCode, CliError> {
    let app = crate::open_app(&args.database, crate::mode_from_env()?).await?;
    serve(app, args.listen).await
}
