//! Parquet register files (docs/registers.md): the same columns as the CSV files. Reading goes
//! by row group, in parallel, and every value is turned into text and judged by the same row
//! parsers as CSV, so a Parquet row and a CSV row are validated alike and errors read alike
//! (rows are counted from 1, without a header). Writing converts a CSV register, with typed
//! columns (dates, decimals, booleans, integers), for `register generate --format parquet`.

use std::collections::{BTreeSet, HashMap};
use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use arrow_array::builder::{
    BooleanBuilder, Date32Builder, Decimal128Builder, Int32Builder, StringBuilder,
};
use arrow_array::{Array, ArrayRef, RecordBatch};
use arrow_schema::{DataType, Field, Schema};
use chrono::NaiveDate;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use parquet::arrow::ArrowWriter;
use parquet::basic::Compression;
use parquet::file::properties::WriterProperties;
use rust_decimal::Decimal;

use super::read::{Reader, Row, Value};
use super::{RegisterError, RowError};

/// A Parquet register file whose columns have been checked; read by row group.
pub(super) struct ParquetSource {
    pub(super) file: String,
    path: PathBuf,
    columns: usize,
    /// What each column holds, so that typed dates, decimals and booleans are used as they are.
    kinds: &'static [Kind],
    /// Each row group with the number (from 1) of its first row.
    groups: Vec<(usize, usize)>,
    rows_total: usize,
}

fn file_error(file: &str, message: String) -> RegisterError {
    RegisterError::Invalid {
        errors: vec![RowError {
            file: file.to_owned(),
            row: 0,
            field: String::new(),
            message,
        }],
        more: 0,
    }
}

impl ParquetSource {
    pub(super) fn open(dir: &Path, name: &str, columns: &[&str]) -> Result<Self, RegisterError> {
        let path = dir.join(name);
        let file =
            File::open(&path).map_err(|e| RegisterError::Io(format!("{}: {e}", path.display())))?;
        let builder = ParquetRecordBatchReaderBuilder::try_new(file)
            .map_err(|e| file_error(name, format!("not a readable Parquet file: {e}")))?;
        let found: Vec<&str> = builder
            .schema()
            .fields()
            .iter()
            .map(|f| f.name().as_str())
            .collect();
        if found != columns {
            return Err(file_error(
                name,
                format!(
                    "expected the columns {} but found {}",
                    columns.join(","),
                    found.join(",")
                ),
            ));
        }
        let mut groups = Vec::new();
        let mut first = 1usize;
        for (i, g) in builder.metadata().row_groups().iter().enumerate() {
            groups.push((i, first));
            first += usize::try_from(g.num_rows()).unwrap_or(0);
        }
        Ok(Self {
            kinds: kinds(name.trim_end_matches(".parquet")),
            file: name.to_owned(),
            path,
            columns: columns.len(),
            groups,
            rows_total: first - 1,
        })
    }

    pub(super) fn groups(&self) -> &[(usize, usize)] {
        &self.groups
    }

    /// How many rows row group `group` holds.
    pub(super) fn group_rows(&self, group: usize) -> usize {
        let first = |g: usize| self.groups.get(g).map(|(_, f)| *f);
        match (first(group), first(group + 1)) {
            (Some(a), Some(b)) => b - a,
            _ => self.rows_total + 1 - first(group).unwrap_or(1),
        }
    }

    /// Calls `each` with every row of row group `group` as text fields (null as empty), the
    /// reader's current row set to the row's number.
    pub(super) fn read_group(
        &self,
        group: usize,
        first_row: usize,
        reader: &mut Reader,
        mut each: impl FnMut(&mut Reader, &Row),
    ) {
        let batches = File::open(&self.path)
            .map_err(|e| e.to_string())
            .and_then(|f| {
                ParquetRecordBatchReaderBuilder::try_new(f)
                    .and_then(|b| {
                        b.with_row_groups(vec![group])
                            .with_batch_size(16_384)
                            .build()
                    })
                    .map_err(|e| e.to_string())
            });
        let batches = match batches {
            Ok(b) => b,
            Err(e) => {
                reader.set_row(first_row);
                reader.error("", format!("cannot read this row group: {e}"));
                return;
            }
        };
        let mut row = first_row;
        for batch in batches {
            let batch = match batch {
                Ok(b) => b,
                Err(e) => {
                    reader.set_row(row);
                    reader.error("", format!("cannot read the file from here on: {e}"));
                    return;
                }
            };
            let mut views = Vec::with_capacity(self.columns);
            for (i, column) in batch.columns().iter().enumerate() {
                match Column::of(column, self.kinds.get(i).copied()) {
                    Ok(v) => views.push(v),
                    Err(e) => {
                        let field = batch.schema().field(i).name().clone();
                        reader.set_row(row);
                        reader.error(&field, format!("cannot be read: {e}"));
                        return;
                    }
                }
            }
            for i in 0..batch.num_rows() {
                let record = Row::from_values(views.iter().map(|v| v.value(i)));
                reader.set_row(row);
                each(reader, &record);
                row += 1;
            }
        }
    }

    /// The first field of the given rows (for rows whose keys' hashes collide).
    pub(super) fn first_fields(&self, rows: &BTreeSet<usize>) -> HashMap<usize, String> {
        let mut found = HashMap::new();
        let mut reader = Reader::detached(&self.file, self.columns);
        for (group, first) in &self.groups {
            self.read_group(*group, *first, &mut reader, |r, record| {
                if rows.contains(&r.row) {
                    found.insert(r.row, record.get(0).unwrap_or_default().trim().to_owned());
                }
            });
        }
        found
    }
}

/// One column of a batch as the row parsers see it: typed where the file holds the type the
/// register expects (no text round trip), text for everything else.
enum Column {
    Text(arrow_array::StringArray),
    Date(arrow_array::Date32Array),
    Decimal(arrow_array::Decimal128Array, u32),
    Bool(arrow_array::BooleanArray),
}

impl Column {
    fn of(array: &ArrayRef, expected: Option<Kind>) -> Result<Self, String> {
        use arrow_array::cast::AsArray;
        use arrow_array::types::{Date32Type, Decimal128Type};
        Ok(match (expected, array.data_type()) {
            (Some(Kind::Date), DataType::Date32) => {
                Self::Date(array.as_primitive::<Date32Type>().clone())
            }
            (Some(Kind::Decimal(_)), DataType::Decimal128(_, scale)) if *scale >= 0 => {
                Self::Decimal(
                    array.as_primitive::<Decimal128Type>().clone(),
                    u32::try_from(*scale).unwrap_or(0),
                )
            }
            (Some(Kind::Bool), DataType::Boolean) => Self::Bool(array.as_boolean().clone()),
            _ => Self::Text(
                arrow_cast::cast(array, &DataType::Utf8)
                    .map_err(|e| e.to_string())?
                    .as_string::<i32>()
                    .clone(),
            ),
        })
    }

    fn value(&self, i: usize) -> Value<'_> {
        match self {
            Self::Text(a) if a.is_null(i) => Value::Text(""),
            Self::Text(a) => Value::Text(a.value(i)),
            Self::Date(a) if a.is_null(i) => Value::Text(""),
            // Days since 1970-01-01; 719,163 days lie between 0001-01-01 and 1970-01-01.
            Self::Date(a) => {
                NaiveDate::from_num_days_from_ce_opt(a.value(i).saturating_add(719_163))
                    .map_or(Value::Text("not a date"), Value::Date)
            }
            Self::Decimal(a, _) if a.is_null(i) => Value::Text(""),
            Self::Decimal(a, scale) => Decimal::try_from_i128_with_scale(a.value(i), *scale)
                .map_or(Value::Text("not a number"), Value::Decimal),
            Self::Bool(a) if a.is_null(i) => Value::Text(""),
            Self::Bool(a) => Value::Bool(a.value(i)),
        }
    }
}

/// How a column is typed in the Parquet files effekt writes.
#[derive(Clone, Copy)]
enum Kind {
    Text,
    Date,
    Int,
    /// Decimal with this scale (precision 38): wide enough that every value a register
    /// states with up to this many decimals is kept exactly, never rounded.
    Decimal(i8),
    Bool,
}

/// The decimals kept of FTE and money in the Parquet files effekt writes; a CSV value with
/// more is refused with its row and column, not rounded (33.335 % stays 33.335 %).
const DECIMALS: i8 = 10;

/// Precision of the decimal columns (the most Decimal128 holds).
const PRECISION: u8 = 38;

fn kinds(stem: &str) -> &'static [Kind] {
    use Kind::*;
    match stem {
        "snapshot" => &[Text, Date],
        "population" => &[Text, Int, Text, Text, Int, Text, Text, Date],
        "employment" => &[
            Text,
            Text,
            Text,
            Date,
            Date,
            Decimal(DECIMALS),
            Decimal(DECIMALS),
            Bool,
        ],
        "benefits" => &[Text, Text, Text, Date, Date, Decimal(DECIMALS)],
        "education" => &[Text, Text, Date, Date],
        "language_tests" => &[Text, Text, Date, Text, Text],
        _ => &[],
    }
}

enum Builder {
    Text(StringBuilder),
    Date(Date32Builder),
    Int(Int32Builder),
    Decimal(Decimal128Builder, i8),
    Bool(BooleanBuilder),
}

fn epoch() -> NaiveDate {
    NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default()
}

impl Builder {
    fn new(kind: Kind) -> Self {
        match kind {
            Kind::Text => Self::Text(StringBuilder::new()),
            Kind::Date => Self::Date(Date32Builder::new()),
            Kind::Int => Self::Int(Int32Builder::new()),
            Kind::Decimal(scale) => Self::Decimal(Decimal128Builder::new(), scale),
            Kind::Bool => Self::Bool(BooleanBuilder::new()),
        }
    }

    fn data_type(kind: Kind) -> DataType {
        match kind {
            Kind::Text => DataType::Utf8,
            Kind::Date => DataType::Date32,
            Kind::Int => DataType::Int32,
            Kind::Decimal(scale) => DataType::Decimal128(PRECISION, scale),
            Kind::Bool => DataType::Boolean,
        }
    }

    /// Appends `value` (empty is null); `Err` names what it is not.
    fn push(&mut self, value: &str) -> Result<(), &'static str> {
        let value = value.trim();
        match self {
            Self::Text(b) if value.is_empty() => b.append_null(),
            Self::Text(b) => b.append_value(value),
            Self::Date(b) if value.is_empty() => b.append_null(),
            Self::Date(b) => {
                let d = effekt_domain::dates::parse_civil_date(value).map_err(|_| "a date")?;
                let days = i32::try_from((d - epoch()).num_days()).map_err(|_| "a date")?;
                b.append_value(days);
            }
            Self::Int(b) if value.is_empty() => b.append_null(),
            Self::Int(b) => b.append_value(value.parse().map_err(|_| "an integer")?),
            Self::Decimal(b, _) if value.is_empty() => b.append_null(),
            Self::Decimal(b, scale) => {
                let mut d: Decimal = value.replace(',', ".").parse().map_err(|_| "a number")?;
                let scale = u32::try_from(*scale).unwrap_or(0);
                if d.scale() > scale {
                    return Err("a number with at most 10 decimals (it would be rounded)");
                }
                // Only ever widens, so exact; a value too large to widen keeps a smaller scale.
                d.rescale(scale);
                if d.scale() != scale {
                    return Err("a number small enough to keep exactly");
                }
                b.append_value(d.mantissa());
            }
            Self::Bool(b) if value.is_empty() => b.append_null(),
            Self::Bool(b) => b.append_value(value.eq_ignore_ascii_case("true")),
        }
        Ok(())
    }

    fn finish(&mut self) -> Result<ArrayRef, String> {
        Ok(match self {
            Self::Text(b) => Arc::new(b.finish()),
            Self::Date(b) => Arc::new(b.finish()),
            Self::Int(b) => Arc::new(b.finish()),
            Self::Decimal(b, scale) => Arc::new(
                b.finish()
                    .with_precision_and_scale(PRECISION, *scale)
                    .map_err(|e| e.to_string())?,
            ),
            Self::Bool(b) => Arc::new(b.finish()),
        })
    }
}

/// Rows per row group written: large enough to compress well, small enough to read in parallel.
const ROWS_PER_GROUP: usize = 1 << 17;

/// Writes `dst/<stem>.parquet` from `src/<stem>.csv`, with typed columns, snappy-compressed.
/// The CSV is expected to be valid (read it with `read_dir` first); comma or semicolon, ISO or
/// Norwegian dates and decimal commas are understood.
pub fn csv_to_parquet(src: &Path, dst: &Path, stem: &str) -> Result<(), String> {
    // Written aside and renamed when whole: a refused row leaves no half file behind.
    let output = dst.join(format!("{stem}.parquet"));
    let partial = dst.join(format!("{stem}.parquet.partial"));
    match write_parquet(src, &partial, stem) {
        Ok(()) => {
            std::fs::rename(&partial, &output).map_err(|e| format!("{}: {e}", output.display()))
        }
        Err(e) => {
            let _ = std::fs::remove_file(&partial);
            Err(e)
        }
    }
}

fn write_parquet(src: &Path, output: &Path, stem: &str) -> Result<(), String> {
    let input = src.join(format!("{stem}.csv"));
    let kinds = kinds(stem);
    let mut csv =
        csv::Reader::from_path(&input).map_err(|e| format!("{}: {e}", input.display()))?;
    // The canonical names, not the file's header (which may carry a byte-order mark).
    let names = super::columns_of(stem);
    let headers = csv
        .headers()
        .map_err(|e| format!("{}: {e}", input.display()))?;
    let found: Vec<&str> = headers
        .iter()
        .map(|h| h.trim_start_matches('\u{feff}').trim())
        .collect();
    if found != names || names.len() != kinds.len() {
        return Err(format!(
            "{}: expected the columns {} but found {}",
            input.display(),
            names.join(","),
            found.join(",")
        ));
    }
    let schema = Arc::new(Schema::new(
        names
            .iter()
            .zip(kinds)
            .map(|(name, kind)| Field::new(*name, Builder::data_type(*kind), true))
            .collect::<Vec<_>>(),
    ));
    let file = File::create(output).map_err(|e| format!("{}: {e}", output.display()))?;
    let props = WriterProperties::builder()
        .set_compression(Compression::SNAPPY)
        .set_max_row_group_row_count(Some(ROWS_PER_GROUP))
        .build();
    let mut writer = ArrowWriter::try_new(file, schema.clone(), Some(props))
        .map_err(|e| format!("{}: {e}", output.display()))?;
    let mut builders: Vec<Builder> = kinds.iter().map(|k| Builder::new(*k)).collect();
    let mut pending = 0usize;
    let flush = |builders: &mut Vec<Builder>, writer: &mut ArrowWriter<File>| {
        let columns = builders
            .iter_mut()
            .map(Builder::finish)
            .collect::<Result<Vec<_>, _>>()?;
        let batch = RecordBatch::try_new(schema.clone(), columns).map_err(|e| e.to_string())?;
        writer.write(&batch).map_err(|e| e.to_string())
    };
    for (i, record) in csv.records().enumerate() {
        let record = record.map_err(|e| format!("{}: {e}", input.display()))?;
        for ((b, value), column) in builders.iter_mut().zip(record.iter()).zip(names) {
            b.push(value).map_err(|what| {
                format!(
                    "{} row {}, {column}: {value:?} is not {what}",
                    input.display(),
                    i + 2
                )
            })?;
        }
        pending += 1;
        if pending == ROWS_PER_GROUP {
            flush(&mut builders, &mut writer)?;
            pending = 0;
        }
    }
    if pending > 0 {
        flush(&mut builders, &mut writer)?;
    }
    writer
        .close()
        .map_err(|e| format!("{}: {e}", output.display()))?;
    Ok(())
}
