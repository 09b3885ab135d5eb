//! `effekt audit export --format cef`: reads of personal data (`audit:access`) and the steps
//! that change what is paid (`audit:change`), in one time-ordered stream.

use std::io::Write;
use std::process::ExitCode;

use clap::{Subcommand, ValueEnum};
use effekt_domain::cef::CefEvent;
use effekt_store::model::Decision;

use crate::CliError;

#[derive(Clone, Copy, ValueEnum)]
pub enum Format {
    Cef,
}

#[derive(Subcommand)]
pub enum AuditCommand {
    /// Prints every audit record (reads of personal data), every statement transition and
    /// every decision on an amendment, oldest first, on the database given by DATABASE_URL.
    Export {
        #[arg(long, value_enum)]
        format: Format,
        /// The database (default: DATABASE_URL, else effekt.db).
        #[arg(long, env = "DATABASE_URL", default_value = "effekt.db")]
        database: String,
    },
}

fn event_name(purpose: &str) -> &'static str {
    match purpose {
        "participant.list" => "Deltakerliste",
        "participant.view" => "Innsyn i deltaker",
        "evaluation.pseudonymised" => "Pseudonymiserte data",
        "participant.outcomes" => "Resultater for deltaker",
        "statement.lines" => "Utbetalingslinjer",
        _ => "Innsyn i personopplysninger",
    }
}

/// One line of the export, with the moment it sorts by.
struct Entry {
    at: chrono::DateTime<chrono::Utc>,
    line: String,
}

/// Steps that change what is paid: every statement transition and every party's decision on
/// an amendment, from their append-only tables. The subject is the statement or contract
/// version, not a person.
async fn changes(store: &std::sync::Arc<dyn effekt_store::Store>) -> Result<Vec<Entry>, CliError> {
    let usernames: std::collections::HashMap<_, _> = store
        .users()
        .await?
        .into_iter()
        .map(|u| (u.id, u.username))
        .collect();
    let name_of = |id| {
        usernames
            .get(&id)
            .cloned()
            .unwrap_or_else(|| "ukjent".into())
    };
    let mut out = Vec::new();
    for contract in store.contracts().await? {
        for s in store.statements(contract.id).await? {
            for e in &s.events {
                let name = format!("Utbetaling {}: {}", s.period, e.event.step.label_nb());
                let actor = name_of(e.event.by);
                let subject = format!("statement:{}", s.id);
                let request = format!("contract:{}", contract.id.0);
                out.push(Entry {
                    at: e.event.at,
                    line: CefEvent {
                        name: &name,
                        actor: &actor,
                        subject: &subject,
                        epoch_millis: e.event.at.timestamp_millis(),
                        request_id: &request,
                        permitted: true,
                        signature: "audit:change",
                    }
                    .line(),
                });
            }
        }
        for v in store.contract_versions(contract.id).await? {
            for (d, _) in &v.decisions {
                let name = format!(
                    "Kontraktsendring versjon {}: {} for {} {}",
                    v.version,
                    if d.decision == effekt_domain::contract::amendment::Decision::Approve {
                        "godkjent"
                    } else {
                        "avvist"
                    },
                    d.party.role.code(),
                    d.party.orgnr
                );
                let actor = name_of(d.by);
                let subject = format!("contract:{}:version:{}", contract.id.0, v.version);
                let request = format!("contract:{}", contract.id.0);
                out.push(Entry {
                    at: d.at,
                    line: CefEvent {
                        name: &name,
                        actor: &actor,
                        subject: &subject,
                        epoch_millis: d.at.timestamp_millis(),
                        request_id: &request,
                        permitted: true,
                        signature: "audit:change",
                    }
                    .line(),
                });
            }
        }
    }
    Ok(out)
}

pub async fn run(command: AuditCommand) -> Result<ExitCode, CliError> {
    let AuditCommand::Export {
        format: Format::Cef,
        database,
    } = command;
    let store = effekt_store::open(&effekt_store::Location::parse(&database)?).await?;
    let records = store.audit_records().await?;
    let mut entries: Vec<Entry> = records
        .iter()
        .map(|row| {
            let r = &row.record;
            Entry {
                at: r.at,
                line: CefEvent {
                    name: event_name(&r.purpose),
                    actor: &r.actor_name,
                    subject: row.subject_national_id.as_deref().unwrap_or("ukjent"),
                    epoch_millis: r.at.timestamp_millis(),
                    request_id: &r.request_id,
                    permitted: r.decision == Decision::Permit,
                    signature: "audit:access",
                }
                .line(),
            }
        })
        .collect();
    entries.extend(changes(&store).await?);
    // Oldest first; reads before changes at the same moment, each in stored order.
    entries.sort_by_key(|e| e.at);
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    for e in &entries {
        writeln!(out, "{}", e.line).map_err(CliError::Output)?;
    }
    out.flush().map_err(CliError::Output)?;
    Ok(ExitCode::SUCCESS)
}
