//! `effekt serve`: the server on an existing (or new, empty) database.

use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;

use base64::Engine;
use clap::Args;
use effekt_domain::mode::Mode;
use effekt_domain::pseudonym::PseudonymKey;
use effekt_store::Store;
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

/// The pseudonym key: `EFFEKT_PSEUDONYM_KEY` (base64, ≥ 32 bytes), or outside production a key
/// generated once and kept in the store.
pub async fn pseudonym_key(store: &Arc<dyn Store>, mode: Mode) -> Result<PseudonymKey, CliError> {
    if let Ok(text) = std::env::var("EFFEKT_PSEUDONYM_KEY") {
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(text.trim())
            .or_else(|_| base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(text.trim()))
            .map_err(|_| CliError::Config("EFFEKT_PSEUDONYM_KEY is not base64".into()))?;
        return PseudonymKey::new(bytes)
            .map_err(|e| CliError::Config(format!("EFFEKT_PSEUDONYM_KEY: {e}")));
    }
    if mode == Mode::Production {
        return Err(CliError::Config(
            "EFFEKT_PSEUDONYM_KEY must be set in production (base64, at least 32 bytes)".into(),
        ));
    }
    let fresh = effekt_web::access::session::random_token();
    let stored = store
        .put_secret_if_absent("pseudonym-key", fresh.as_bytes())
        .await?;
    PseudonymKey::new(stored).map_err(|e| CliError::Config(format!("stored pseudonym key: {e}")))
}

pub fn secure_cookies() -> bool {
    std::env::var("EFFEKT_SECURE_COOKIES").is_ok_and(|v| v == "1" || v == "true")
}

pub async fn serve(
    store: Arc<dyn Store>,
    mode: Mode,
    listen: SocketAddr,
) -> Result<ExitCode, CliError> {
    let key = pseudonym_key(&store, mode).await?;
    let state = AppState::new(
        store,
        key,
        Config {
            mode,
            secure_cookies: secure_cookies(),
        },
    );
    effekt_web::serve(state, listen)
        .await
        .map_err(|e| CliError::Listen(listen, e))?;
    Ok(ExitCode::SUCCESS)
}

pub async fn run(args: ServeArgs) -> Result<ExitCode, CliError> {
    let mode = crate::mode_from_env()?;
    let store = effekt_store::open(&effekt_store::Location::parse(&args.database)?).await?;
    serve(store, mode, args.listen).await
}
