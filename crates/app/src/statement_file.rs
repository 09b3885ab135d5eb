//! A statement as a file: CSV (byte-identical for the same lines) or an XLSX workbook with
//! amounts as numbers and a total row. The page downloads and `effekt ledger compute` write
//! the same columns.

use effekt_domain::money::Nok;
use effekt_store::model::StatementLineRecord;

/// The columns, in order.
pub const HEADER: [&str; 11] = [
    "period",
    "participant",
    "outcome",
    "date",
    "magnitude",
    "line",
    "adjustment",
    "amount_nok",
    "evidence",
    "contract_version",
    "snapshot",
];

#[derive(Debug, thiserror::Error)]
#[error("cannot write the statement file: {0}")]
pub struct FileError(String);

/// A text cell of a CSV file made safe for spreadsheets: one starting with `=`, `+`, `-`, `@`, a
/// tab or a carriage return would be read as a formula (OWASP "CSV injection"), so it gets a
/// leading apostrophe. Numbers are written by us and are left as they are; XLSX cells are typed,
/// so a string there is never a formula.
pub fn text_cell(s: &str) -> String {
    match s.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{s}"),
        _ => s.to_owned(),
    }
}

/// One row per line.
pub fn rows(period: &str, snapshot: &str, lines: &[StatementLineRecord]) -> Vec<Vec<String>> {
    lines
        .iter()
        .map(|l| {
            vec![
                period.to_owned(),
                l.participant.clone(),
                l.outcome.clone(),
                l.date.to_string(),
                l.magnitude
                    .map(effekt_domain::outcomes::format_magnitude)
                    .unwrap_or_default(),
                l.kind.code().to_owned(),
                if l.adjustment { "yes" } else { "no" }.to_owned(),
                l.amount.to_decimal().to_string(),
                l.evidence.clone(),
                l.version.map(|v| v.to_string()).unwrap_or_default(),
                snapshot.to_owned(),
            ]
        })
        .collect()
}

/// The columns that hold text (the rest are numbers, dates and codes we write).
const TEXT_COLUMNS: [&str; 4] = ["participant", "outcome", "evidence", "snapshot"];

pub fn csv(rows: &[Vec<String>]) -> Result<Vec<u8>, FileError> {
    let err = |e: csv::Error| FileError(e.to_string());
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(HEADER).map_err(err)?;
    for row in rows {
        let safe = row.iter().zip(HEADER).map(|(cell, column)| {
            if TEXT_COLUMNS.contains(&column) {
                text_cell(cell)
            } else {
                cell.clone()
            }
        });
        w.write_record(safe).map_err(err)?;
    }
    w.into_inner().map_err(|e| FileError(e.to_string()))
}

/// The same columns as the CSV on a sheet "Utbetaling", amounts and magnitudes as numbers,
/// and a total row.
pub fn xlsx(rows: &[Vec<String>], total: Nok) -> Result<Vec<u8>, FileError> {
    use rust_xlsxwriter::{Format, Workbook};
    let err = |e: rust_xlsxwriter::XlsxError| FileError(e.to_string());
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("Utbetaling").map_err(err)?;
    let bold = Format::new().set_bold();
    let money = Format::new().set_num_format("#,##0.00");
    let amount_col = HEADER.iter().position(|h| *h == "amount_nok").unwrap_or(7) as u16;
    for (c, h) in HEADER.iter().enumerate() {
        sheet
            .write_string_with_format(0, c as u16, *h, &bold)
            .map_err(err)?;
    }
    for (r, row) in rows.iter().enumerate() {
        let r = r as u32 + 1;
        for (c, value) in row.iter().enumerate() {
            let c = c as u16;
            match (HEADER.get(c as usize).copied(), value.parse::<f64>()) {
                (Some("amount_nok"), Ok(n)) => sheet.write_number_with_format(r, c, n, &money),
                (Some("magnitude" | "contract_version"), Ok(n)) => sheet.write_number(r, c, n),
                _ => sheet.write_string(r, c, value),
            }
            .map_err(err)?;
        }
    }
    let last = rows.len() as u32 + 1;
    sheet
        .write_string_with_format(last, 0, "Totalt", &bold)
        .map_err(err)?;
    sheet
        .write_number_with_format(last, amount_col, total.ore() as f64 / 100.0, &money)
        .map_err(err)?;
    sheet.autofit();
    book.save_to_buffer().map_err(err)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_that_a_spreadsheet_would_run_is_kept_as_text() {
        for formula in [
            "=HYPERLINK(\"http://x\")",
            "+1",
            "-1+2",
            "@SUM(A1)",
            "\tx",
            "\rx",
        ] {
            assert_eq!(text_cell(formula), format!("'{formula}"));
        }
        assert_eq!(
            text_cell("Jobbstart (minst 50 %)"),
            "Jobbstart (minst 50 %)"
        );
        assert_eq!(text_cell(""), "");
    }

    #[test]
    fn a_csv_escapes_text_but_not_negative_amounts() {
        let row: Vec<String> = [
            "2026Q3",
            "P-1",
            "=cmd|' /C calc'!A0",
            "2026-07-01",
            "",
            "payment",
            "yes",
            "-1000.00",
            "@evidence",
            "1",
            "snap",
        ]
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
        let text = String::from_utf8(csv(&[row]).unwrap()).unwrap();
        let line = text.lines().nth(1).unwrap();
        assert!(line.contains(",'=cmd|' /C calc'!A0,"), "{line}");
        assert!(line.contains(",-1000.00,'@evidence,"), "{line}");
    }
}
