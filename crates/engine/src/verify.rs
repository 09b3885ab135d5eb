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
        let name = effekt_domain::contract::names::normalise(&d.name);
        if name.is_empty() {
            return Err(VerifyError::Definitions("an outcome needs a name".into()));
        }
        if let Some((key, message)) = d.kind.problems().into_iter().next() {
            return Err(VerifyError::Definitions(format!(
                "{name}: {key}: {message}"
            )));
        }
        if !names.insert(name) {
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

/// Writes the rows as Parquet: `person_id`, `outcome`, `status` (text), `date` (date, null
/// unless achieved), `magnitude` (decimal with 6 decimals, null unless achieved).
pub fn write_parquet(rows: &[VerifyRow], path: &Path) -> Result<(), VerifyError> {
    use std::sync::Arc;

    use arrow_array::builder::{Date32Builder, Decimal128Builder, StringBuilder};
    use arrow_array::{ArrayRef, RecordBatch};
    use arrow_schema::{DataType, Field, Schema};
    use parquet::arrow::ArrowWriter;
    use parquet::basic::Compression;
    use parquet::file::properties::WriterProperties;
    use rust_decimal::Decimal;

    let err = |e: String| VerifyError::Write(path.display().to_string(), e);
    let schema = Arc::new(Schema::new(vec![
        Field::new("person_id", DataType::Utf8, false),
        Field::new("outcome", DataType::Utf8, false),
        Field::new("status", DataType::Utf8, false),
        Field::new("date", DataType::Date32, true),
        Field::new("magnitude", DataType::Decimal128(24, 6), true),
    ]));
    let file = std::fs::File::create(path).map_err(|e| err(e.to_string()))?;
    let props = WriterProperties::builder()
        .set_compression(Compression::SNAPPY)
        .build();
    let mut writer =
        ArrowWriter::try_new(file, schema.clone(), Some(props)).map_err(|e| err(e.to_string()))?;
    let epoch = chrono::NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default();
    for chunk in rows.chunks(1 << 20) {
        let (mut person, mut outcome, mut status) = (
            StringBuilder::new(),
            StringBuilder::new(),
            StringBuilder::new(),
        );
        let (mut date, mut magnitude) = (Date32Builder::new(), Decimal128Builder::new());
        for r in chunk {
            person.append_value(&r.person_id);
            outcome.append_value(&r.outcome);
            status.append_value(r.status);
            match r.date.parse::<chrono::NaiveDate>() {
                Ok(d) => date.append_value(
                    i32::try_from((d - epoch).num_days()).map_err(|e| err(e.to_string()))?,
                ),
                Err(_) => date.append_null(),
            }
            match r.magnitude.parse::<Decimal>() {
                Ok(mut m) => {
                    m.rescale(6);
                    magnitude.append_value(m.mantissa());
                }
                Err(_) => magnitude.append_null(),
            }
        }
        let magnitude = magnitude
            .finish()
            .with_precision_and_scale(24, 6)
            .map_err(|e| err(e.to_string()))?;
        let columns: Vec<ArrayRef> = vec![
            Arc::new(person.finish()),
            Arc::new(outcome.finish()),
            Arc::new(status.finish()),
            Arc::new(date.finish()),
            Arc::new(magnitude),
        ];
        let batch =
            RecordBatch::try_new(schema.clone(), columns).map_err(|e| err(e.to_string()))?;
        writer.write(&batch).map_err(|e| err(e.to_string()))?;
    }
    writer.close().map(|_| ()).map_err(|e| err(e.to_string()))
}
