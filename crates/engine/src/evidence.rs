//! Provider evidence files (docs/contracts.md, "Provider evidence"): milestones and soft-survey
//! scores that a provider recorded and another person verified, one row each, read and checked
//! whole. Every problem is named by its row and column, and nothing is returned unless every
//! row is right, so an import applies whole or not at all.
//!
//! Columns (UTF-8, optional BOM, `;` or `,`):
//! `record_id;national_id;identifier;date;score;recorded_by;verified_by;verified_on;action`.
//! `action` is `record` (or empty) or `retract`; a row with a `record_id` already stored for
//! the participant corrects it.

use std::collections::HashSet;
use std::fmt;

use chrono::NaiveDate;
use effekt_domain::contract::names;
use effekt_domain::dates::parse_civil_date;
use effekt_domain::national_id::NationalId;
use rust_decimal::Decimal;

/// The header every evidence file has.
pub const COLUMNS: [&str; 9] = [
    "record_id",
    "national_id",
    "identifier",
    "date",
    "score",
    "recorded_by",
    "verified_by",
    "verified_on",
    "action",
];

/// One checked row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EvidenceRow {
    /// 1-based line in the file (the header is line 1).
    pub line: usize,
    pub record_id: String,
    pub national_id: NationalId,
    /// The milestone's or instrument's identifier, as outcome kinds name it (NFC).
    pub identifier: String,
    pub date: NaiveDate,
    pub score: Option<Decimal>,
    pub recorded_by: String,
    pub verified: Option<(String, NaiveDate)>,
    pub retracted: bool,
}

/// A problem in one row and column (`line` 1 is the header).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowProblem {
    pub line: usize,
    pub column: &'static str,
    pub message: String,
}

impl fmt::Display for RowProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}, {}: {}", self.line, self.column, self.message)
    }
}

/// Reads and checks a whole evidence file; every problem is listed, in line order.
pub fn parse(text: &str) -> Result<Vec<EvidenceRow>, Vec<RowProblem>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let header = text.lines().next().unwrap_or_default();
    let delimiter = if header.contains(';') { b';' } else { b',' };
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(true)
        .flexible(false)
        .from_reader(text.as_bytes());
    let found: Vec<String> = match reader.headers() {
        Ok(h) => h.iter().map(|c| c.trim().to_owned()).collect(),
        Err(e) => return Err(vec![problem(1, "header", e.to_string())]),
    };
    if found != COLUMNS {
        return Err(vec![problem(
            1,
            "header",
            format!(
                "expected the columns {} but found {}",
                COLUMNS.join(";"),
                found.join(";")
            ),
        )]);
    }
    let mut rows = Vec::new();
    let mut problems = Vec::new();
    let mut seen: HashSet<(String, String)> = HashSet::new();
    for (i, record) in reader.records().enumerate() {
        let line = i + 2;
        match record {
            Ok(r) => {
                let field = |n: usize| r.get(n).unwrap_or_default().trim();
                if let Some(row) = check_row(line, &field, &mut problems) {
                    if !seen.insert((row.national_id.to_string(), row.record_id.clone())) {
                        problems.push(problem(
                            line,
                            "record_id",
                            format!(
                                "{:?} is in this file twice for the same person; one row per record",
                                row.record_id
                            ),
                        ));
                    }
                    rows.push(row);
                }
            }
            Err(e) => problems.push(problem(line, "row", e.to_string())),
        }
    }
    if rows.is_empty() && problems.is_empty() {
        problems.push(problem(1, "header", "the file holds no rows".into()));
    }
    if problems.is_empty() {
        Ok(rows)
    } else {
        problems.sort_by_key(|p| p.line);
        Err(problems)
    }
}

fn problem(line: usize, column: &'static str, message: String) -> RowProblem {
    RowProblem {
        line,
        column,
        message,
    }
}

fn check_row<'a>(
    line: usize,
    field: &dyn Fn(usize) -> &'a str,
    problems: &mut Vec<RowProblem>,
) -> Option<EvidenceRow> {
    let before = problems.len();
    let mut fail = |column: &'static str, message: String| {
        problems.push(problem(line, column, message));
    };
    let record_id = field(0).to_owned();
    if record_id.is_empty() || record_id.chars().count() > 64 {
        fail(
            "record_id",
            "give the provider's id of the record (1 to 64 characters)".into(),
        );
    }
    let national_id = NationalId::parse(field(1))
        .map_err(|e| fail("national_id", format!("{:?}: {e}", field(1))))
        .ok();
    let identifier = names::normalise(field(2));
    if identifier.is_empty() {
        fail("identifier", "name the milestone or the instrument".into());
    }
    let date = parse_civil_date(field(3))
        .map_err(|_| fail("date", format!("{:?} is not a date", field(3))))
        .ok();
    let score = match field(4) {
        "" => None,
        text => match text.replace(',', ".").parse::<Decimal>() {
            Ok(d) => Some(d),
            Err(_) => {
                fail("score", format!("{text:?} is not a number"));
                None
            }
        },
    };
    let recorded_by = field(5).to_owned();
    if recorded_by.is_empty() {
        fail("recorded_by", "name who recorded it".into());
    }
    let verified = match (field(6), field(7)) {
        ("", "") => None,
        ("", _) => {
            fail(
                "verified_by",
                "name who verified it, or leave verified_on empty".into(),
            );
            None
        }
        (_, "") => {
            fail("verified_on", "give the day it was verified".into());
            None
        }
        (who, on) => match parse_civil_date(on) {
            Ok(on) => Some((who.to_owned(), on)),
            Err(_) => {
                fail("verified_on", format!("{on:?} is not a date"));
                None
            }
        },
    };
    if let Some((who, on)) = &verified {
        if who.to_lowercase() == recorded_by.to_lowercase() {
            fail(
                "verified_by",
                format!("{who} recorded it; another person verifies it"),
            );
        }
        if date.is_some_and(|d| *on < d) {
            fail("verified_on", format!("{on} is before the record's date"));
        }
    }
    let retracted = match field(8) {
        "" | "record" => false,
        "retract" => true,
        other => {
            fail("action", format!("{other:?} is not record or retract"));
            false
        }
    };
    if problems.len() > before {
        return None;
    }
    Some(EvidenceRow {
        line,
        record_id,
        national_id: national_id?,
        identifier,
        date: date?,
        score,
        recorded_by,
        verified,
        retracted,
    })
}

#[cfg(test)]
mod tests;
