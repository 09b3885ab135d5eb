//! Reading register CSV files (docs/registers.md): UTF-8 with or without BOM, comma or
//! semicolon, ISO or dd.mm.åååå dates, decimal point or comma. Every row is validated; errors
//! name the file, row and field, and a file with any error yields nothing.

use std::path::Path;

use chrono::NaiveDate;
use effekt_domain::dates::parse_civil_date;
use effekt_domain::national_id::NationalId;
use effekt_domain::outcomes::timeline::SpellId;
use rayon::prelude::*;
use rust_decimal::Decimal;

use super::{RegisterError, RowError, MAX_REPORTED};

/// The most columns a register file has.
const MAX_COLUMNS: usize = 8;

/// One field: text (borrowed from a CSV line or a Parquet text column), or a value a Parquet
/// file already holds typed (dates, decimals, booleans), which then needs no parsing.
#[derive(Debug, Clone, Copy)]
pub(super) enum Value<'a> {
    Text(&'a str),
    Date(NaiveDate),
    Decimal(Decimal),
    Bool(bool),
}

/// One row's fields, borrowed from wherever the row came from (a line of a CSV chunk, a parsed
/// CSV record, a Parquet batch), so that every format goes through the same parsers.
#[derive(Debug, Clone, Copy)]
pub(super) struct Row<'a> {
    fields: [Value<'a>; MAX_COLUMNS],
    /// How many fields the row has (only the first [`MAX_COLUMNS`] are kept).
    len: usize,
}

impl<'a> Row<'a> {
    pub(super) fn from_fields(fields: impl IntoIterator<Item = &'a str>) -> Self {
        Self::from_values(fields.into_iter().map(Value::Text))
    }

    pub(super) fn from_values(values: impl IntoIterator<Item = Value<'a>>) -> Self {
        let mut row = Row {
            fields: [Value::Text(""); MAX_COLUMNS],
            len: 0,
        };
        for v in values {
            if let Some(slot) = row.fields.get_mut(row.len) {
                *slot = v;
            }
            row.len += 1;
        }
        row
    }

    /// Appends a text field.
    pub(super) fn push(&mut self, field: &'a str) {
        if let Some(slot) = self.fields.get_mut(self.len) {
            *slot = Value::Text(field);
        }
        self.len += 1;
    }

    pub(super) fn value(&self, i: usize) -> Option<Value<'a>> {
        if i < self.len {
            self.fields.get(i).copied()
        } else {
            None
        }
    }

    /// The field as text; `None` past the end or for a typed value (a text field is never
    /// typed: Parquet text columns come as text).
    pub(super) fn get(&self, i: usize) -> Option<&'a str> {
        match self.value(i)? {
            Value::Text(t) => Some(t),
            _ => None,
        }
    }

    pub(super) fn len(&self) -> usize {
        self.len
    }
}

/// A register file whose encoding and header have been checked; its rows are read in chunks.
pub(super) struct Source {
    pub(super) file: String,
    /// The whole file, checked to be UTF-8 (so chunks and fields are `str` without checking
    /// again).
    text: String,
    /// Whether any field is quoted: then the file is read whole by the `csv` crate, since a
    /// quoted field may hold a delimiter or a line break; otherwise lines are split directly.
    quoted: bool,
    /// Where the first data row starts.
    body: usize,
    delimiter: u8,
    columns: usize,
}

/// Where a reader's rows come from.
enum Rows<'a> {
    /// A quoted file, read by the `csv` crate.
    Csv(csv::StringRecordsIntoIter<&'a [u8]>),
    /// A chunk of a quote-free file: lines split at the delimiter.
    Lines(&'a str, u8),
    /// Rows handed over one by one (Parquet).
    Detached,
}

/// One chunk of a file being read: its rows, and the errors found so far.
pub(super) struct Reader<'a> {
    pub(super) file: &'a str,
    rows: Rows<'a>,
    columns: usize,
    /// The file's row number of this chunk's first line (the header is row 1).
    first_row: usize,
    pub(super) errors: Vec<RowError>,
    pub(super) more_errors: usize,
    /// The current row's number in the file.
    pub(super) row: usize,
    /// Keys that must be unique in the file (spell ids, person ids), with their rows; kept
    /// even when the rest of the row is invalid, so a duplicate is always found.
    pub(super) keys: Vec<(u64, usize)>,
}

fn detect_delimiter(header: &str) -> Result<u8, String> {
    match (header.contains(','), header.contains(';')) {
        (true, true) => Err("the header mixes ',' and ';' as delimiters".into()),
        (false, true) => Ok(b';'),
        _ => Ok(b','),
    }
}

impl Source {
    /// Opens `dir/name`: strips a BOM, checks UTF-8 and that the header is exactly `columns`.
    pub(super) fn open(dir: &Path, name: &str, columns: &[&str]) -> Result<Self, RegisterError> {
        let path = dir.join(name);
        let fail = |row: usize, message: String| RegisterError::Invalid {
            errors: vec![RowError {
                file: name.to_owned(),
                row,
                field: String::new(),
                message,
            }],
            more: 0,
        };
        let mut bytes = std::fs::read(&path)
            .map_err(|e| RegisterError::Io(format!("{}: {e}", path.display())))?;
        if bytes.starts_with(&[0xEF, 0xBB, 0xBF]) {
            bytes.drain(..3);
        }
        let text = match String::from_utf8(bytes) {
            Ok(text) => text,
            Err(e) => {
                let bytes = e.as_bytes();
                let row = bytes[..e.utf8_error().valid_up_to()]
                    .iter()
                    .filter(|b| **b == b'\n')
                    .count()
                    + 1;
                return Err(fail(
                    row,
                    "the file is not UTF-8 (check the encoding)".into(),
                ));
            }
        };
        let bytes = text.as_bytes();
        let header_end = bytes
            .iter()
            .position(|b| *b == b'\n')
            .unwrap_or(bytes.len());
        let header = String::from_utf8_lossy(&bytes[..header_end])
            .trim_end_matches('\r')
            .to_owned();
        let delimiter = detect_delimiter(&header).map_err(|m| fail(1, m))?;
        let found: Vec<&str> = header
            .split(char::from(delimiter))
            .map(|c| c.trim().trim_matches('"'))
            .collect();
        if found != columns {
            return Err(fail(
                1,
                format!(
                    "expected the columns {} but found {}",
                    columns.join(","),
                    found.join(",")
                ),
            ));
        }
        let body = (header_end + 1).min(bytes.len());
        Ok(Self {
            file: name.to_owned(),
            quoted: bytes[body..].contains(&b'"'),
            body,
            text,
            delimiter,
            columns: columns.len(),
        })
    }

    /// Newline-aligned chunks of the rows, each with the file row number it starts at and its
    /// number of lines (counted in parallel). A file with quotes is one chunk, since a quoted
    /// field may hold a line break.
    pub(super) fn chunks(&self, wanted: usize) -> Vec<(usize, &str, usize)> {
        let body = &self.text[self.body..];
        let lines = |part: &str| part.as_bytes().iter().filter(|b| **b == b'\n').count() + 1;
        if wanted <= 1 || self.quoted {
            return vec![(2, body, lines(body))];
        }
        let bytes = body.as_bytes();
        let size = bytes.len().div_ceil(wanted).max(1 << 16);
        let mut parts = Vec::new();
        let mut start = 0;
        while start < bytes.len() {
            let mut end = (start + size).min(bytes.len());
            while end < bytes.len() && bytes[end - 1] != b'\n' {
                end += 1;
            }
            // `end` follows a newline (or is the end), so it is a character boundary.
            parts.push(body.get(start..end).unwrap_or_default());
            start = end;
        }
        let counts: Vec<usize> = parts.par_iter().map(|p| lines(p)).collect();
        let mut row = 2;
        parts
            .into_iter()
            .zip(counts)
            .map(|(part, n)| {
                let first = row;
                // A chunk ends with a newline (but the last may not): n - 1 whole lines.
                row += n - 1;
                (first, part, n)
            })
            .collect()
    }

    /// The first field of the given rows, read again in full (only for rows whose keys' hashes
    /// collide, so this rare path may be slow).
    pub(super) fn first_fields(
        &self,
        rows: &std::collections::BTreeSet<usize>,
    ) -> std::collections::HashMap<usize, String> {
        let mut reader = self.reader(2, &self.text[self.body..]);
        let mut found = std::collections::HashMap::new();
        reader.each_row(|r, row| {
            if rows.contains(&r.row) {
                found.insert(r.row, row.get(0).unwrap_or_default().trim().to_owned());
            }
        });
        found
    }

    pub(super) fn reader<'a>(&'a self, first_row: usize, text: &'a str) -> Reader<'a> {
        let rows = if self.quoted {
            let csv = csv::ReaderBuilder::new()
                .delimiter(self.delimiter)
                .has_headers(false)
                .flexible(true)
                .from_reader(text.as_bytes());
            Rows::Csv(csv.into_records())
        } else {
            Rows::Lines(text, self.delimiter)
        };
        Reader {
            file: &self.file,
            rows,
            columns: self.columns,
            first_row,
            errors: Vec::new(),
            more_errors: 0,
            row: first_row,
            keys: Vec::new(),
        }
    }
}

impl<'a> Reader<'a> {
    /// A reader that is handed its rows one by one (with [`Self::set_row`]), for Parquet.
    pub(super) fn detached(file: &'a str, columns: usize) -> Self {
        Reader {
            file,
            rows: Rows::Detached,
            columns,
            first_row: 1,
            errors: Vec::new(),
            more_errors: 0,
            row: 1,
            keys: Vec::new(),
        }
    }

    pub(super) fn set_row(&mut self, row: usize) {
        self.row = row;
    }

    pub(super) fn error(&mut self, field: &str, message: impl Into<String>) {
        if self.errors.len() < MAX_REPORTED {
            self.errors.push(RowError {
                file: self.file.to_owned(),
                row: self.row,
                field: field.to_owned(),
                message: message.into(),
            });
        } else {
            self.more_errors += 1;
        }
    }

    fn wrong_width(&mut self, found: usize) {
        let message = format!(
            "expected {} fields, found {found} (truncated row or mixed delimiters?)",
            self.columns
        );
        self.error("", message);
    }

    /// Calls `each` with every row of the chunk that has the right number of fields, the
    /// current row set to its number. A row with the wrong number of fields (truncated, or split
    /// by another delimiter) is reported and skipped; blank lines are skipped.
    pub(super) fn each_row(&mut self, mut each: impl FnMut(&mut Self, &Row)) {
        match std::mem::replace(&mut self.rows, Rows::Detached) {
            Rows::Detached => {}
            Rows::Lines(text, delimiter) => {
                // One pass over the bytes, splitting fields and lines together. Both separators
                // are ASCII, so every cut is a character boundary.
                let bytes = text.as_bytes();
                let mut row = Row::from_fields([]);
                let (mut line, mut line_start, mut field_start) = (0, 0, 0);
                for (i, b) in bytes.iter().enumerate().chain([(bytes.len(), &b'\n')]) {
                    if *b == delimiter {
                        row.push(text.get(field_start..i).unwrap_or_default());
                        field_start = i + 1;
                    } else if *b == b'\n' {
                        let end = if i > field_start && bytes.get(i - 1) == Some(&b'\r') {
                            i - 1
                        } else {
                            i
                        };
                        let blank = row.len() == 0 && end == line_start;
                        if !blank && line_start < bytes.len() {
                            row.push(text.get(field_start..end).unwrap_or_default());
                            self.row = self.first_row + line;
                            if row.len() == self.columns {
                                each(self, &row);
                            } else {
                                self.wrong_width(row.len());
                            }
                        }
                        row = Row::from_fields([]);
                        line += 1;
                        line_start = i + 1;
                        field_start = i + 1;
                    }
                }
            }
            Rows::Csv(records) => {
                for record in records {
                    match record {
                        Ok(record) => {
                            self.row = self.first_row
                                + record
                                    .position()
                                    .map_or(1, |p| usize::try_from(p.line()).unwrap_or(1))
                                - 1;
                            let row = Row::from_fields(record.iter());
                            if row.len() == self.columns {
                                each(self, &row);
                            } else {
                                self.wrong_width(row.len());
                            }
                        }
                        Err(e) => {
                            self.row += 1;
                            self.error("", e.to_string());
                        }
                    }
                }
            }
        }
    }

    pub(super) fn text(&mut self, record: &Row, i: usize, field: &str) -> Option<String> {
        match record.get(i).map(str::trim).filter(|v| !v.is_empty()) {
            Some(v) => Some(v.to_owned()),
            None => {
                self.error(field, "missing value");
                None
            }
        }
    }

    /// A spell id, held inline when short (no allocation for the usual ids), and recorded for
    /// the file's uniqueness check.
    pub(super) fn spell_id(&mut self, record: &Row, i: usize) -> Option<SpellId> {
        self.unique_id(record, i, "spell_id")
    }

    /// A unique id in column `field` (spell ids, test ids).
    pub(super) fn unique_id(&mut self, record: &Row, i: usize, field: &str) -> Option<SpellId> {
        match record.get(i).map(str::trim).filter(|v| !v.is_empty()) {
            Some(v) => {
                self.unique(v);
                Some(SpellId::new(v))
            }
            None => {
                self.error(field, "missing value");
                None
            }
        }
    }

    pub(super) fn person(&mut self, record: &Row, i: usize) -> Option<NationalId> {
        let raw = record.get(i).unwrap_or_default();
        match NationalId::parse(raw) {
            Ok(id) => Some(id),
            Err(e) => {
                self.error("person_id", format!("{raw:?}: {e}"));
                None
            }
        }
    }

    pub(super) fn date(&mut self, record: &Row, i: usize, field: &str) -> Option<NaiveDate> {
        if let Some(Value::Date(d)) = record.value(i) {
            return Some(d);
        }
        let raw = record.get(i).unwrap_or_default();
        match parse_civil_date(raw) {
            Ok(d) => Some(d),
            Err(_) => {
                self.error(
                    field,
                    format!("{raw:?} is not a date (åååå-mm-dd or dd.mm.åååå)"),
                );
                None
            }
        }
    }

    /// An optional end date; `Err(())` when present but invalid (already reported).
    pub(super) fn end_date(&mut self, record: &Row, i: usize) -> Result<Option<NaiveDate>, ()> {
        if let Some(Value::Date(d)) = record.value(i) {
            return Ok(Some(d));
        }
        match record.get(i).map(str::trim) {
            None | Some("") => Ok(None),
            Some(_) => self.date(record, i, "end").map(Some).ok_or(()),
        }
    }

    /// A decimal in `[min, max]`, with a point or a comma.
    pub(super) fn decimal(
        &mut self,
        record: &Row,
        i: usize,
        field: &str,
        min: Decimal,
        max: Decimal,
    ) -> Option<Decimal> {
        if let Some(Value::Decimal(v)) = record.value(i) {
            if v >= min && v <= max {
                return Some(v);
            }
            self.error(field, format!("{v} is outside {min}–{max}"));
            return None;
        }
        let raw = record.get(i).unwrap_or_default().trim();
        // Whole numbers (most FTEs and amounts) need no decimal parser.
        let whole = (!raw.is_empty() && raw.len() <= 18 && raw.bytes().all(|b| b.is_ascii_digit()))
            .then(|| raw.parse::<u64>().ok())
            .flatten();
        let parsed = if let Some(n) = whole {
            Ok(Decimal::from(n))
        } else if raw.contains(',') {
            raw.replace(',', ".").parse::<Decimal>()
        } else {
            raw.parse::<Decimal>()
        };
        match parsed {
            Ok(v) if v >= min && v <= max => Some(v),
            Ok(v) => {
                self.error(field, format!("{v} is outside {min}–{max}"));
                None
            }
            Err(_) => {
                self.error(field, format!("{raw:?} is not a number"));
                None
            }
        }
    }

    pub(super) fn check_order(&mut self, start: NaiveDate, end: Option<NaiveDate>) -> bool {
        match end {
            Some(e) if e < start => {
                self.error("end", format!("ends {e} before it starts {start}"));
                false
            }
            _ => true,
        }
    }

    /// Records a value that must be unique in the file.
    pub(super) fn unique(&mut self, key: &str) {
        // FNV-1a: fast on short ids; a collision only costs an exact comparison later.
        let hash = key.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
        });
        self.keys.push((hash, self.row));
    }

    /// This chunk's errors, the count of those not listed, and its unique keys.
    pub(super) fn into_parts(self) -> (Vec<RowError>, usize, Vec<(u64, usize)>) {
        (self.errors, self.more_errors, self.keys)
    }
}
