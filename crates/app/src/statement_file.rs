//! A statement as a file, in three shapes with the same columns:
//! - the machine CSV (comma, English headers and codes, ISO dates; byte-identical for the same
//!   lines), which `effekt ledger compute` writes and the pages give with `?format=machine`;
//! - the CSV Norwegian Excel opens as columns (UTF-8 with BOM, semicolons, Norwegian headers and
//!   words, decimal comma, dd.mm.yyyy), which the pages give by default;
//! - an XLSX workbook with real dates, numbers as numbers and a total row.

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

/// The columns as Norwegian users read them, in the order of [`HEADER`].
pub const HEADER_NB: [&str; 11] = [
    "Periode",
    "Deltaker",
    "Resultatmål",
    "Dato",
    "Omfang",
    "Linje",
    "Justering",
    "Beløp (kr)",
    "Dokumentasjon",
    "Kontraktversjon",
    "Registeruttrekk",
];

/// A line kind in words, without the adjustment (which has its own column in files, and is a
/// prefix on the page).
pub(crate) fn kind_words(kind: effekt_domain::contract::ledger::LineKind) -> &'static str {
    use effekt_domain::contract::ledger::{CapKind, LineKind};
    match kind {
        LineKind::Payment => "Betaling",
        LineKind::Cap(CapKind::Outcome) => "Tak per resultat",
        LineKind::Cap(CapKind::Participant) => "Tak per deltaker",
        LineKind::Cap(CapKind::Period) => "Tak per periode",
        LineKind::Cap(CapKind::Contract) => "Tak for kontrakten",
    }
}

/// A decimal as Norwegian Excel reads a number: decimal comma, no grouping.
fn decimal_nb(d: rust_decimal::Decimal) -> String {
    d.to_string().replace('.', ",")
}

/// The statement as a CSV that Norwegian Excel opens as columns: UTF-8 with a byte order mark,
/// semicolons, CRLF, Norwegian headers and words, dates as dd.mm.yyyy, numbers with a decimal
/// comma, text cells escaped against formulas.
pub fn excel_csv(
    period: &str,
    snapshot: &str,
    lines: &[StatementLineRecord],
) -> Result<Vec<u8>, FileError> {
    let err = |e: csv::Error| FileError(e.to_string());
    let mut w = csv::WriterBuilder::new()
        .delimiter(b';')
        .terminator(csv::Terminator::CRLF)
        .from_writer("\u{feff}".as_bytes().to_vec());
    w.write_record(HEADER_NB).map_err(err)?;
    let period = effekt_domain::contract::periods::words_nb(period);
    for l in lines {
        w.write_record([
            text_cell(&period),
            text_cell(&l.participant),
            text_cell(&l.outcome),
            l.date.format("%d.%m.%Y").to_string(),
            l.magnitude
                .map(|m| effekt_domain::outcomes::format_magnitude(m).replace('.', ","))
                .unwrap_or_default(),
            kind_words(l.kind).to_owned(),
            if l.adjustment { "ja" } else { "nei" }.to_owned(),
            decimal_nb(l.amount.to_decimal()),
            text_cell(&l.evidence),
            l.version.map(|v| v.to_string()).unwrap_or_default(),
            text_cell(snapshot),
        ])
        .map_err(err)?;
    }
    w.into_inner().map_err(|e| FileError(e.to_string()))
}

/// An amount in øre as Norwegian Excel reads a number: "1250,50", no grouping.
pub fn kroner_cell(ore: i64) -> String {
    decimal_nb(effekt_domain::money::Nok::from_ore(ore).to_decimal())
}

/// Any table as a CSV for Norwegian Excel, as [`excel_csv`] writes: BOM, semicolons, CRLF;
/// the cells of the columns in `text` (by index) escaped against formulas.
pub fn excel_table<const N: usize>(
    header: &[&str; N],
    lines: &[[String; N]],
    text: &[usize],
) -> Result<Vec<u8>, FileError> {
    let err = |e: csv::Error| FileError(e.to_string());
    let mut w = csv::WriterBuilder::new()
        .delimiter(b';')
        .terminator(csv::Terminator::CRLF)
        .from_writer("\u{feff}".as_bytes().to_vec());
    w.write_record(header).map_err(err)?;
    for l in lines {
        let cells = l.iter().enumerate().map(|(i, c)| {
            if text.contains(&i) {
                text_cell(c)
            } else {
                c.clone()
            }
        });
        w.write_record(cells).map_err(err)?;
    }
    w.into_inner().map_err(|e| FileError(e.to_string()))
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

/// The same columns on a sheet "Utbetaling" with Norwegian headers and words: dates as real
/// dates (dd.mm.yyyy), magnitudes, amounts and versions as numbers (amounts with two decimals
/// and grouping, which Excel shows in the reader's locale), and a total row.
pub fn xlsx(
    period: &str,
    snapshot: &str,
    lines: &[StatementLineRecord],
    total: Nok,
) -> Result<Vec<u8>, FileError> {
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
    let err = |e: rust_xlsxwriter::XlsxError| FileError(e.to_string());
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("Utbetaling").map_err(err)?;
    let bold = Format::new().set_bold();
    let money = Format::new().set_num_format("#,##0.00");
    let date = Format::new().set_num_format("dd.mm.yyyy");
    let column = |name: &str| HEADER.iter().position(|h| *h == name).unwrap_or(0) as u16;
    for (c, h) in HEADER_NB.iter().enumerate() {
        sheet
            .write_string_with_format(0, c as u16, *h, &bold)
            .map_err(err)?;
    }
    let period = effekt_domain::contract::periods::words_nb(period);
    for (r, l) in lines.iter().enumerate() {
        let r = r as u32 + 1;
        sheet
            .write_string(r, column("period"), &period)
            .map_err(err)?;
        sheet
            .write_string(r, column("participant"), &l.participant)
            .map_err(err)?;
        sheet
            .write_string(r, column("outcome"), &l.outcome)
            .map_err(err)?;
        let day = ExcelDateTime::from_ymd(
            u16::try_from(chrono::Datelike::year(&l.date)).unwrap_or(1900),
            chrono::Datelike::month(&l.date) as u8,
            chrono::Datelike::day(&l.date) as u8,
        )
        .map_err(err)?;
        sheet
            .write_date_with_format(r, column("date"), &day, &date)
            .map_err(err)?;
        if let Some(m) = l
            .magnitude
            .and_then(|m| rust_decimal::prelude::ToPrimitive::to_f64(&m))
        {
            sheet.write_number(r, column("magnitude"), m).map_err(err)?;
        }
        sheet
            .write_string(r, column("line"), kind_words(l.kind))
            .map_err(err)?;
        sheet
            .write_string(
                r,
                column("adjustment"),
                if l.adjustment { "ja" } else { "nei" },
            )
            .map_err(err)?;
        sheet
            .write_number_with_format(
                r,
                column("amount_nok"),
                l.amount.ore() as f64 / 100.0,
                &money,
            )
            .map_err(err)?;
        sheet
            .write_string(r, column("evidence"), &l.evidence)
            .map_err(err)?;
        if let Some(v) = l.version {
            sheet
                .write_number(r, column("contract_version"), f64::from(v))
                .map_err(err)?;
        }
        sheet
            .write_string(r, column("snapshot"), snapshot)
            .map_err(err)?;
    }
    let last = lines.len() as u32 + 1;
    sheet
        .write_string_with_format(last, 0, "Totalt", &bold)
        .map_err(err)?;
    sheet
        .write_number_with_format(
            last,
            column("amount_nok"),
            total.ore() as f64 / 100.0,
            &money,
        )
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

    fn line(outcome: &str, amount: &str, adjustment: bool) -> StatementLineRecord {
        StatementLineRecord {
            participant: "P-ABCDE".into(),
            person: None,
            provider: None,
            outcome: outcome.into(),
            date: chrono::NaiveDate::from_ymd_opt(2026, 7, 2).unwrap(),
            occurrence: 0,
            kind: effekt_domain::contract::ledger::LineKind::Payment,
            adjustment,
            magnitude: Some("80.5".parse().unwrap()),
            amount: Nok::parse(amount).unwrap(),
            evidence: "E1 demo-2026-10".into(),
            version: Some(2),
        }
    }

    #[test]
    fn the_csv_for_norwegian_excel_opens_as_columns_in_norwegian() {
        let lines = [
            line("Jobbstart (minst 50 %)", "35000", false),
            line("=HYPERLINK(\"x\")", "-1234.5", true),
        ];
        let bytes = excel_csv("2026Q3", "demo-2026-10", &lines).unwrap();
        assert!(
            bytes.starts_with("\u{feff}".as_bytes()),
            "a BOM, so Excel reads UTF-8"
        );
        let text = String::from_utf8(bytes).unwrap();
        let rows: Vec<&str> = text.trim_start_matches('\u{feff}').split("\r\n").collect();
        assert_eq!(
            rows[0],
            "Periode;Deltaker;Resultatmål;Dato;Omfang;Linje;Justering;Beløp (kr);Dokumentasjon;Kontraktversjon;Registeruttrekk"
        );
        assert_eq!(
            rows[1],
            "3. kvartal 2026;P-ABCDE;Jobbstart (minst 50 %);02.07.2026;80,500000;Betaling;nei;35000,00;E1 demo-2026-10;2;demo-2026-10"
        );
        // A formula in a name stays text; a negative amount stays a number.
        assert!(
            rows[2].contains(";'=HYPERLINK(\"\"x\"\");")
                || rows[2].contains(";\"'=HYPERLINK(\"\"x\"\")\";"),
            "{}",
            rows[2]
        );
        assert!(rows[2].contains(";ja;-1234,50;"), "{}", rows[2]);
    }

    #[test]
    fn the_workbook_holds_real_dates_and_numbers_read_back_as_a_spreadsheet_does() {
        use calamine::{open_workbook_from_rs, Data, Reader, Xlsx};
        let lines = [
            line("Jobbstart", "35000", false),
            line("Norsk", "-1234.5", true),
        ];
        let total = Nok::parse("33765.5").unwrap();
        let bytes = xlsx("2026Q3", "demo-2026-10", &lines, total).unwrap();
        let mut book: Xlsx<_> = open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
        let sheet = book.worksheet_range("Utbetaling").unwrap();
        let cell = |r: u32, c: u32| sheet.get_value((r, c)).cloned().unwrap();
        assert_eq!(cell(0, 7), Data::String("Beløp (kr)".into()));
        assert_eq!(cell(1, 0), Data::String("3. kvartal 2026".into()));
        // The date is a date, not text: 2 July 2026.
        match cell(1, 3) {
            // Excel counts days from 30 December 1899.
            Data::DateTime(d) => assert_eq!(
                d.as_f64(),
                (chrono::NaiveDate::from_ymd_opt(2026, 7, 2).unwrap()
                    - chrono::NaiveDate::from_ymd_opt(1899, 12, 30).unwrap())
                .num_days() as f64
            ),
            other => panic!("a date cell, not {other:?}"),
        }
        assert_eq!(cell(1, 4), Data::Float(80.5));
        assert_eq!(cell(1, 7), Data::Float(35000.0));
        assert_eq!(cell(2, 6), Data::String("ja".into()));
        assert_eq!(cell(2, 7), Data::Float(-1234.5));
        assert_eq!(cell(1, 9), Data::Float(2.0));
        assert_eq!(cell(3, 0), Data::String("Totalt".into()));
        assert_eq!(cell(3, 7), Data::Float(33765.5));
    }
}
