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
    /// Creates an administrator account; the password is the first line of standard input.
    Create {
        /// The username to log in with (a-z, 0-9, '.', '-', '_').
        username: String,
        /// Only `administrator`: the administrator creates every other account.
        #[arg(long, value_parser = ["administrator"])]
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
        role: _,
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
    effekt_app::operator::create_administrator(
        &app,
        &username,
        &display_name,
        password,
        &crate::os_user(),
        additional,
    )
    .await?;
    println!(
        "Created administrator {:?}.",
        username.trim().to_lowercase()
    );
    Ok(ExitCode::SUCCESS)
}
