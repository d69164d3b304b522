//! CSV: one table per file, UTF-8 with a byte-order mark (so Excel opens Chinese text correctly),
//! RFC 4180 quoting (fields with a comma, quote or line break are quoted, quotes doubled), CRLF
//! line ends.
//!
//! A comparison cell becomes its lines joined by `\n`, each measure with its status marker
//! (`【共=2】…`, see [`super::Mark`]); numbers are written without a trailing `.0`.
//!
//! Formula injection: a spreadsheet opening the CSV would run a text cell starting with `=`,
//! `+`, `-` or `@` (or a tab or carriage return before one) as a formula — a measure quoted from
//! a web page such as `=HYPERLINK("http://x","y")推进。` would become a live link. Such text cells
//! (and headers) get a leading `'`, as OWASP and the spreadsheet makers recommend: the cell shows
//! the text as written, and a reader of the raw CSV sees the one added character. Number cells
//! are numbers and stay as they are (`-3` is a number, not a formula).

use std::path::Path;

use super::model::{ExportError, Table};

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
        let _ = w.write_record(table.columns.iter().map(|c| neutralise(c).into_owned()));
        for row in &table.rows {
            let _ = w.write_record(row.iter().map(|cell| match cell.value {
                super::model::CellValue::Number(_) => cell.plain(),
                _ => neutralise(&cell.plain()).into_owned(),
            }));
        }
        let _ = w.flush();
    }
    out
}

/// A text cell as a spreadsheet will not run it: a leading `'` before `=`, `+`, `-`, `@`, tab or
/// carriage return.
pub fn neutralise(text: &str) -> std::borrow::Cow<'_, str> {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        std::borrow::Cow::Owned(format!("'{text}"))
    } else {
        std::borrow::Cow::Borrowed(text)
    }
}

/// Write the table as CSV to `path` (atomically; an existing file only with `overwrite`).
pub fn write(table: &Table, path: &Path, overwrite: bool) -> Result<(), ExportError> {
    Ok(crate::fsutil::atomic_write(
        path,
        &render(table),
        overwrite,
    )?)
}
