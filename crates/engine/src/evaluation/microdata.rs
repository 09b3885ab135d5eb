//! The evaluator's microdata of a run (issue 15, item 6): one row per matched person under a
//! pseudonym, with the matched set, weight, index month (never the day), propensity log-odds,
//! covariates and outcomes, written as CSV or Parquet. `docs/evaluation.md` ("Microdata") is
//! the data dictionary.

use std::path::Path;

use serde::{Deserialize, Serialize};

/// One matched person.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MicrodataRow {
    pub set: usize,
    /// `P-…` for a participant, `S-…` for a comparison person from the register pool.
    pub pseudonym: String,
    pub participant: bool,
    /// 1 for a participant; 1/k for each of a participant's k comparison persons.
    pub weight: f64,
    /// YYYY-MM.
    pub index_month: String,
    pub cohort: Option<String>,
    pub provider: Option<String>,
    pub score: f64,
    pub covariates: Vec<f64>,
    pub outcomes: Vec<Option<f64>>,
    /// The participant's person in effekt, for the audit record of who was read; never
    /// written to a file.
    #[serde(default)]
    pub person: Option<i64>,
}

/// A run's microdata: the covariates' and outcomes' names (the columns after the fixed ones),
/// and the rows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Microdata {
    pub covariates: Vec<String>,
    pub outcomes: Vec<String>,
    pub rows: Vec<MicrodataRow>,
}

/// The fixed columns, in order.
pub const FIXED: [&str; 8] = [
    "sett",
    "pseudonym",
    "gruppe",
    "vekt",
    "indeksmaaned",
    "kohort",
    "leverandor",
    "propensitet_logodds",
];

#[derive(Debug, thiserror::Error)]
#[error("cannot write {0}: {1}")]
pub struct WriteError(String, String);

impl Microdata {
    /// Every column name: the fixed ones, then `kovariat: …` and `utfall: …`.
    pub fn columns(&self) -> Vec<String> {
        FIXED
            .iter()
            .map(|c| (*c).to_owned())
            .chain(self.covariates.iter().map(|c| format!("kovariat: {c}")))
            .chain(self.outcomes.iter().map(|o| format!("utfall: {o}")))
            .collect()
    }

    fn cells(&self, r: &MicrodataRow) -> Vec<String> {
        let mut out = vec![
            r.set.to_string(),
            r.pseudonym.clone(),
            if r.participant {
                "deltaker"
            } else {
                "sammenligning"
            }
            .to_owned(),
            r.weight.to_string(),
            r.index_month.clone(),
            r.cohort.clone().unwrap_or_default(),
            r.provider.clone().unwrap_or_default(),
            r.score.to_string(),
        ];
        out.extend(r.covariates.iter().map(ToString::to_string));
        out.extend(
            r.outcomes
                .iter()
                .map(|o| o.map(|v| v.to_string()).unwrap_or_default()),
        );
        out
    }

    /// CSV for programs: comma-separated, a point for decimals, UTF-8, a header row.
    pub fn csv(&self) -> Result<Vec<u8>, WriteError> {
        let err = |e: csv::Error| WriteError("CSV".to_owned(), e.to_string());
        let mut w = csv::Writer::from_writer(Vec::new());
        w.write_record(self.columns()).map_err(err)?;
        for r in &self.rows {
            w.write_record(self.cells(r)).map_err(err)?;
        }
        w.into_inner()
            .map_err(|e| WriteError("CSV".to_owned(), e.to_string()))
    }

    /// Parquet with typed columns: integers, text, doubles (an outcome not judged is null).
    pub fn write_parquet(&self, path: &Path) -> Result<(), WriteError> {
        use std::sync::Arc;

        use arrow_array::{
            ArrayRef, BooleanArray, Float64Array, RecordBatch, StringArray, UInt64Array,
        };
        use arrow_schema::{DataType, Field, Schema};
        use parquet::arrow::ArrowWriter;

        let err = |e: String| WriteError(path.display().to_string(), e);
        let names = self.columns();
        let mut fields = vec![
            Field::new(&names[0], DataType::UInt64, false),
            Field::new(&names[1], DataType::Utf8, false),
            Field::new("deltaker", DataType::Boolean, false),
            Field::new(&names[3], DataType::Float64, false),
            Field::new(&names[4], DataType::Utf8, false),
            Field::new(&names[5], DataType::Utf8, true),
            Field::new(&names[6], DataType::Utf8, true),
            Field::new(&names[7], DataType::Float64, false),
        ];
        let rows = &self.rows;
        let mut columns: Vec<ArrayRef> = vec![
            Arc::new(UInt64Array::from_iter_values(
                rows.iter().map(|r| r.set as u64),
            )),
            Arc::new(StringArray::from_iter_values(
                rows.iter().map(|r| &r.pseudonym),
            )),
            Arc::new(BooleanArray::from(
                rows.iter().map(|r| r.participant).collect::<Vec<_>>(),
            )),
            Arc::new(Float64Array::from_iter_values(
                rows.iter().map(|r| r.weight),
            )),
            Arc::new(StringArray::from_iter_values(
                rows.iter().map(|r| &r.index_month),
            )),
            Arc::new(StringArray::from_iter(
                rows.iter().map(|r| r.cohort.as_deref()),
            )),
            Arc::new(StringArray::from_iter(
                rows.iter().map(|r| r.provider.as_deref()),
            )),
            Arc::new(Float64Array::from_iter_values(rows.iter().map(|r| r.score))),
        ];
        for (j, name) in names[FIXED.len()..FIXED.len() + self.covariates.len()]
            .iter()
            .enumerate()
        {
            fields.push(Field::new(name, DataType::Float64, false));
            columns.push(Arc::new(Float64Array::from_iter_values(
                rows.iter()
                    .map(|r| r.covariates.get(j).copied().unwrap_or(f64::NAN)),
            )));
        }
        for (j, name) in names[FIXED.len() + self.covariates.len()..]
            .iter()
            .enumerate()
        {
            fields.push(Field::new(name, DataType::Float64, true));
            columns.push(Arc::new(Float64Array::from_iter(
                rows.iter().map(|r| r.outcomes.get(j).copied().flatten()),
            )));
        }
        let schema = Arc::new(Schema::new(fields));
        let batch =
            RecordBatch::try_new(schema.clone(), columns).map_err(|e| err(e.to_string()))?;
        let file = std::fs::File::create(path).map_err(|e| err(e.to_string()))?;
        let mut writer =
            ArrowWriter::try_new(file, schema, None).map_err(|e| err(e.to_string()))?;
        writer.write(&batch).map_err(|e| err(e.to_string()))?;
        writer.close().map_err(|e| err(e.to_string()))?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn data() -> Microdata {
        Microdata {
            covariates: vec!["Alder".into()],
            outcomes: vec!["Varig arbeid".into()],
            rows: vec![
                MicrodataRow {
                    set: 1,
                    pseudonym: "P-1".into(),
                    participant: true,
                    weight: 1.0,
                    index_month: "2024-03".into(),
                    cohort: Some("2024".into()),
                    provider: Some("Leverandør, AS".into()),
                    score: -1.5,
                    covariates: vec![34.0],
                    outcomes: vec![Some(1.0)],
                    person: Some(7),
                },
                MicrodataRow {
                    set: 1,
                    pseudonym: "S-2".into(),
                    participant: false,
                    weight: 0.5,
                    index_month: "2024-02".into(),
                    cohort: None,
                    provider: None,
                    score: -1.4,
                    covariates: vec![35.0],
                    outcomes: vec![None],
                    person: None,
                },
            ],
        }
    }

    #[test]
    fn the_csv_has_a_column_per_covariate_and_outcome_and_quotes_what_needs_it() {
        let text = String::from_utf8(data().csv().unwrap()).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "sett,pseudonym,gruppe,vekt,indeksmaaned,kohort,leverandor,propensitet_logodds,kovariat: Alder,utfall: Varig arbeid");
        assert_eq!(
            lines[1],
            "1,P-1,deltaker,1,2024-03,2024,\"Leverandør, AS\",-1.5,34,1"
        );
        assert_eq!(lines[2], "1,S-2,sammenligning,0.5,2024-02,,,-1.4,35,");
    }

    #[test]
    fn the_parquet_file_reads_back_with_its_types() {
        use parquet::file::reader::{FileReader, SerializedFileReader};
        let path =
            std::env::temp_dir().join(format!("effekt-micro-{}.parquet", std::process::id()));
        data().write_parquet(&path).unwrap();
        let reader = SerializedFileReader::new(std::fs::File::open(&path).unwrap()).unwrap();
        assert_eq!(reader.metadata().file_metadata().num_rows(), 2);
        let schema = reader.metadata().file_metadata().schema_descr();
        assert_eq!(schema.num_columns(), 10);
        assert_eq!(schema.column(9).name(), "utfall: Varig arbeid");
        let _ = std::fs::remove_file(path);
    }
}
