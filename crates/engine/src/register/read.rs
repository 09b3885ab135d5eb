//! Reading register CSV files (docs/registers.md): UTF-8 with or without BOM, comma or
//! semicolon, ISO or dd.mm.åååå dates, decimal point or comma. Every row is validated; errors
//! name the file, row and field, and a file with any error yields nothing.

use std::path::Path;

use chrono::NaiveDate;
use effekt_domain::dates::parse_civil_date;
use effekt_domain::national_id::NationalId;
use rust_decimal::Decimal;

use super::{RegisterError, RowError, MAX_REPORTED};

/// One CSV file being read: its name for messages, its rows, and the errors found so far.
pub(super) struct Reader {
    pub(super) file: String,
    rows: csv::StringRecordsIntoIter<std::io::Cursor<Vec<u8>>>,
    pub(super) errors: Vec<RowError>,
    pub(super) more_errors: usize,
    /// Row number in the file, the header being row 1.
    pub(super) row: usize,
}

fn detect_delimiter(header: &str) -> Result<u8, String> {
    match (header.contains(','), header.contains(';')) {
        (true, true) => Err("the header mixes ',' and ';' as delimiters".into()),
        (false, true) => Ok(b';'),
        _ => Ok(b','),
    }
}

impl Reader {
    /// Opens `dir/name` and checks that the header is exactly `columns`.
    pub(super) fn open(dir: &Path, name: &str, columns: &[&str]) -> Result<Self, RegisterError> {
        let path = dir.join(name);
        let fail = |row: usize, field: &str, message: String| RegisterError::Invalid {
            errors: vec![RowError {
                file: name.to_owned(),
                row,
                field: field.to_owned(),
                message,
            }],
            more: 0,
        };
        let mut bytes = std::fs::read(&path)
            .map_err(|e| RegisterError::Io(format!("{}: {e}", path.display())))?;
        if bytes.starts_with(&[0xEF, 0xBB, 0xBF]) {
            bytes.drain(..3);
        }
        if let Err(e) = std::str::from_utf8(&bytes) {
            let row = bytes[..e.valid_up_to()]
                .iter()
                .filter(|b| **b == b'\n')
                .count()
                + 1;
            return Err(fail(
                row,
                "",
                "the file is not UTF-8 (check the encoding)".into(),
            ));
        }
        let header_line = bytes.split(|b| *b == b'\n').next().unwrap_or_default();
        let delimiter =
            detect_delimiter(&String::from_utf8_lossy(header_line)).map_err(|m| fail(1, "", m))?;
        let mut csv = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .has_headers(true)
            .from_reader(std::io::Cursor::new(bytes));
        let header = csv
            .headers()
            .map_err(|e| fail(1, "", e.to_string()))?
            .clone();
        let found: Vec<&str> = header.iter().map(str::trim).collect();
        if found != columns {
            return Err(fail(
                1,
                "",
                format!(
                    "expected the columns {} but found {}",
                    columns.join(","),
                    found.join(",")
                ),
            ));
        }
        Ok(Self {
            file: name.to_owned(),
            rows: csv.into_records(),
            errors: Vec::new(),
            more_errors: 0,
            row: 1,
        })
    }

    pub(super) fn error(&mut self, field: &str, message: impl Into<String>) {
        if self.errors.len() < MAX_REPORTED {
            self.errors.push(RowError {
                file: self.file.clone(),
                row: self.row,
                field: field.to_owned(),
                message: message.into(),
            });
        } else {
            self.more_errors += 1;
        }
    }

    /// The next row, or `None` at the end. A row that cannot be split (wrong number of fields,
    /// a delimiter from another file) is reported and skipped.
    pub(super) fn next_row(&mut self) -> Option<csv::StringRecord> {
        loop {
            self.row += 1;
            match self.rows.next()? {
                Ok(record) => return Some(record),
                Err(e) => {
                    let message = match e.kind() {
                        csv::ErrorKind::UnequalLengths {
                            expected_len, len, ..
                        } => {
                            format!("expected {expected_len} fields, found {len} (truncated row or mixed delimiters?)")
                        }
                        _ => e.to_string(),
                    };
                    self.error("", message);
                }
            }
        }
    }

    pub(super) fn text(
        &mut self,
        record: &csv::StringRecord,
        i: usize,
        field: &str,
    ) -> Option<String> {
        match record.get(i).map(str::trim).filter(|v| !v.is_empty()) {
            Some(v) => Some(v.to_owned()),
            None => {
                self.error(field, "missing value");
                None
            }
        }
    }

    pub(super) fn person(&mut self, record: &csv::StringRecord, i: usize) -> Option<NationalId> {
        let raw = record.get(i).unwrap_or_default();
        match NationalId::parse(raw) {
            Ok(id) => Some(id),
            Err(e) => {
                self.error("person_id", format!("{raw:?}: {e}"));
                None
            }
        }
    }

    pub(super) fn date(
        &mut self,
        record: &csv::StringRecord,
        i: usize,
        field: &str,
    ) -> Option<NaiveDate> {
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
    pub(super) fn end_date(
        &mut self,
        record: &csv::StringRecord,
        i: usize,
    ) -> Result<Option<NaiveDate>, ()> {
        match record.get(i).map(str::trim) {
            None | Some("") => Ok(None),
            Some(_) => self.date(record, i, "end").map(Some).ok_or(()),
        }
    }

    /// A decimal in `[min, max]`, with a point or a comma.
    pub(super) fn decimal(
        &mut self,
        record: &csv::StringRecord,
        i: usize,
        field: &str,
        min: Decimal,
        max: Decimal,
    ) -> Option<Decimal> {
        let raw = record.get(i).unwrap_or_default();
        match raw.trim().replace(',', ".").parse::<Decimal>() {
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

    /// Finishes the file: its errors, if any, as one error.
    pub(super) fn finish(self) -> Result<(), RegisterError> {
        if self.errors.is_empty() {
            Ok(())
        } else {
            Err(RegisterError::Invalid {
                errors: self.errors,
                more: self.more_errors,
            })
        }
    }
}
