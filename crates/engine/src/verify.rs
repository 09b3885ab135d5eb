//! `effekt verify`: the outcome functions of the domain run straight on register files, without
//! a store, one row per person and outcome.

use std::path::Path;

pub use effekt_domain::outcomes::Definition;
use effekt_domain::outcomes::{evaluate, format_magnitude};
use rayon::prelude::*;
use serde::Deserialize;

use crate::register::Register;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DefinitionsFile {
    outcome: Vec<Definition>,
}

#[derive(Debug, thiserror::Error)]
pub enum VerifyError {
    #[error("definitions: {0}")]
    Definitions(String),
    #[error("cannot write {0}: {1}")]
    Write(String, String),
}

/// Reads `[[outcome]]` tables: `name`, `kind` and the kind's parameters (decimals as strings).
pub fn parse_definitions(text: &str) -> Result<Vec<Definition>, VerifyError> {
    let file: DefinitionsFile =
        toml::from_str(text).map_err(|e| VerifyError::Definitions(e.to_string()))?;
    let mut names = std::collections::HashSet::new();
    for d in &file.outcome {
        if d.name.trim().is_empty() {
            return Err(VerifyError::Definitions("an outcome needs a name".into()));
        }
        if !names.insert(d.name.clone()) {
            return Err(VerifyError::Definitions(format!(
                "the outcome name {:?} is used twice",
                d.name
            )));
        }
    }
    if file.outcome.is_empty() {
        return Err(VerifyError::Definitions("no [[outcome]] defined".into()));
    }
    Ok(file.outcome)
}

/// One output row: person id, outcome, status, date, magnitude (6 decimals).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifyRow {
    pub person_id: String,
    pub outcome: String,
    pub status: &'static str,
    pub date: String,
    pub magnitude: String,
}

/// Evaluates every definition for every person, in parallel; rows sorted by person, then
/// outcome name. For kinds with several achievements the row shows the first.
pub fn verify(register: &Register, definitions: &[Definition]) -> Vec<VerifyRow> {
    let mut defs: Vec<&Definition> = definitions.iter().collect();
    defs.sort_by(|a, b| a.name.cmp(&b.name));
    register
        .persons
        .par_iter()
        .flat_map_iter(|p| {
            let id = p.id.to_string();
            defs.iter()
                .map(|d| {
                    let o = evaluate(&d.kind, &p.timeline, p.index_date, &register.snapshot);
                    let first = o.achievements.first();
                    VerifyRow {
                        person_id: id.clone(),
                        outcome: d.name.clone(),
                        status: o.status.code(),
                        date: first.map(|a| a.date.to_string()).unwrap_or_default(),
                        magnitude: first
                            .map(|a| format_magnitude(a.magnitude))
                            .unwrap_or_default(),
                    }
                })
                .collect::<Vec<_>>()
        })
        .collect()
}

/// Writes the rows as CSV with the header `person_id,outcome,status,date,magnitude`.
pub fn write_csv(rows: &[VerifyRow], path: &Path) -> Result<(), VerifyError> {
    let err = |e: String| VerifyError::Write(path.display().to_string(), e);
    let file = std::fs::File::create(path).map_err(|e| err(e.to_string()))?;
    let mut w = csv::Writer::from_writer(std::io::BufWriter::with_capacity(1 << 20, file));
    w.write_record(["person_id", "outcome", "status", "date", "magnitude"])
        .map_err(|e| err(e.to_string()))?;
    for r in rows {
        w.write_record([
            r.person_id.as_str(),
            &r.outcome,
            r.status,
            &r.date,
            &r.magnitude,
        ])
        .map_err(|e| err(e.to_string()))?;
    }
    w.flush().map_err(|e| err(e.to_string()))
}
