//! `effekt user create`: the first administrator of a production store, from the command line
//! (only while no administrator exists, or with `--additional`). The password is read from
//! standard input, never from the command line where other users of the machine could see it.
//! Recorded in the operations log with the operating-system user who ran it.

use std::io::BufRead;
use std::process::ExitCode;

use clap::Subcommand;

use crate::CliError;

#[derive(Subcommand)]
pub enum UserCommand {
    /// Creates an administrator's or the privacy officer's account; the password is the first
    /// line of standard input.
    Create {
        /// The username to log in with (a-z, 0-9, '.', '-', '_').
        username: String,
        /// `administrator` (who creates every other account) or `privacy-officer` (who reads
        /// the audit log with identities; not given on the administrator's pages).
        #[arg(long, value_parser = ["administrator", "privacy-officer"])]
        role: String,
        /// The name shown in effekt.
        #[arg(long)]
        display_name: String,
        /// Create it even though an administrator exists already.
        #[arg(long)]
        additional: bool,
        #[arg(long, env = "DATABASE_URL", default_value = "effekt.db")]
        database: String,
    },
}

pub async fn run(command: UserCommand) -> Result<ExitCode, CliError> {
    let UserCommand::Create {
        username,
        role,
        display_name,
        additional,
        database,
    } = command;
    let mut password = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut password)
        .map_err(|e| {
            CliError::Config(format!("cannot read the password from standard input: {e}"))
        })?;
    let password = password.trim_end_matches(['\n', '\r']);
    let app = crate::open_app_without_key(&database, crate::mode_from_env()?).await?;
    let role = match role.as_str() {
        "privacy-officer" => effekt_domain::role::Role::PrivacyOfficer,
        _ => effekt_domain::role::Role::Administrator,
    };
    effekt_app::operator::create_administrator(
        &app,
        role,
        &username,
        &display_name,
        password,
        &crate::os_user(),
        additional,
    )
    .await?;
    println!(
        "Created {} {:?}.",
        role.label_nb().to_lowercase(),
        username.trim().to_lowercase()
    );
    Ok(ExitCode::SUCCESS)
}
