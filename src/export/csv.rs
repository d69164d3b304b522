//! CSV: one table per file, UTF-8 with a byte-order mark (so Excel opens Chinese text correctly),
//! RFC 4180 quoting (fields with a comma, quote or line break are quoted, quotes doubled), CRLF
//! line ends.
//!
//! A comparison cell becomes its lines joined by `\n`, each measure with its status marker
//! (`【共=2】…`, see [`super::Mark`]); numbers are written without a trailing `.0`.

use std::path::Path;

use super::{ExportError, Table};

/// The UTF-8 byte-order mark.
pub const BOM: &[u8] = b"\xEF\xBB\xBF";

/// The table as CSV bytes: BOM, header row, then one record per row.
pub fn render(table: &Table) -> Vec<u8> {
    let mut out = BOM.to_vec();
    {
        let mut w = ::csv::WriterBuilder::new()
            .terminator(::csv::Terminator::CRLF)
            .quote_style(::csv::QuoteStyle::Necessary)
            .from_writer(&mut out);
        // Writing to a Vec cannot fail; a failure would only drop a record, never panic.
        let _ = w.write_record(&table.columns);
        for row in &table.rows {
            let _ = w.write_record(row.iter().map(super::Cell::plain));
        }
        let _ = w.flush();
    }
    out
}

/// Write the table as CSV to `path` (atomically; an existing file only with `overwrite`).
pub fn write(table: &Table, path: &Path, overwrite: bool) -> Result<(), ExportError> {
    Ok(crate::fsutil::atomic_write(
        path,
        &render(table),
        overwrite,
    )?)
}
