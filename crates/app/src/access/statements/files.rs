//! A statement's lines as a downloaded file: CSV for Norwegian Excel, the machine CSV, or
//! XLSX, read through the same capability (and audit) as the page.

use effekt_domain::money::Nok;

use super::{FileFormat, StatementAccess, StatementFile};
use crate::{statement_file, AppError};

impl StatementAccess {
    /// Every line this viewer may see of statement `id` as a file (audited like the page):
    /// CSV, or XLSX with amounts as numbers and a total row.
    pub async fn file(&self, id: i64, format: FileFormat) -> Result<StatementFile, AppError> {
        let (record, lines) = self.lines(id).await?;
        let total = Nok::sum(lines.iter().map(|l| l.amount))?;
        let (bytes, ext) = match format {
            FileFormat::Xlsx => (
                statement_file::xlsx(&record.period, &record.snapshot, &lines, total),
                "xlsx",
            ),
            FileFormat::Csv => (
                statement_file::excel_csv(&record.period, &record.snapshot, &lines),
                "csv",
            ),
            FileFormat::MachineCsv => (
                statement_file::csv(&statement_file::rows(
                    &record.period,
                    &record.snapshot,
                    &lines,
                )),
                "csv",
            ),
        };
        Ok(StatementFile {
            name: format!("utbetaling-{}-{}.{ext}", record.period, record.id),
            bytes: bytes.map_err(|e| AppError::internal("statement file", e))?,
        })
    }
}
