//! Export comparison results as tables: CSV, XLSX, Markdown, an HTML report, and REFI-QDA.
//!
//! Every export goes through one format-neutral model, [`Table`]: named columns and rows of
//! [`Cell`]s, where a cell holds text, a number (kept a number so spreadsheets can sum it) or
//! marked lines (a comparison cell: a section heading and its measures), plus an optional
//! [`Mark`] the writers turn into colour. The builders in [`tables`] turn the engine's results
//! into tables; each writer ([`csv`], [`xlsx`], [`markdown`], [`html`]) only lays a table out, so
//! a new table is one builder and a new format is one writer. REFI-QDA ([`qdpx`]) is not a table
//! but a project (sources, codebook, coded segments) and has its own entry point.
//!
//! # Status markers
//! Colour never carries meaning alone (red–green colour-blind readers, black-and-white prints,
//! CSV): every marked measure starts with a text marker, the same in every format:
//!
//! | marker     | meaning                                                              |
//! |------------|----------------------------------------------------------------------|
//! | `【共=N】` | shared, verbatim: N other plans state it in near-identical wording    |
//! | `【共≈N】` | shared, paraphrase: N other plans state the same action in other words |
//! | `【独】`   | unique: no other loaded plan states it                                |
//! | `【套】`   | boilerplate: generic wording or a formula, never counted as shared    |
//!
//! In XLSX and HTML, shared is a blue-leaning green whose fill gets stronger with N (four
//! steps), a paraphrase is lighter and hatched/dashed, unique is amber, boilerplate is grey text.
//! Green against amber differs in lightness and in the blue–yellow axis, which red–green
//! colour-blind readers keep.
//!
//! # Safety
//! Every file is written with [`crate::fsutil::atomic_write`] or
//! [`crate::fsutil::atomic_write_with`]: a failed export leaves no partial file, and an existing
//! file is only replaced when the caller allows it.

pub mod coding;
pub mod csv;
pub mod html;
pub mod markdown;
pub mod model;
pub mod naming;
pub mod qdpx;
pub mod tables;
pub mod xlsx;

use std::path::Path;

pub use coding::{CodedSegment, Coding, CodingTheme};
pub use model::*;

/// Build one table.
pub fn build(kind: TableKind, source: &Source) -> Result<Table, ExportError> {
    match kind {
        TableKind::Comparison => tables::comparison(source),
        TableKind::Measures => tables::measures(source),
        TableKind::Families => tables::families(source),
        TableKind::Targets => tables::targets(source),
        TableKind::Themes => tables::themes(source),
        TableKind::Segments => tables::segments(source),
        TableKind::ThemeCounts => tables::theme_wide(source, false),
        TableKind::ThemePresence => tables::theme_wide(source, true),
        TableKind::ThemePlan => tables::theme_plan(source),
        TableKind::Memos => tables::memos(source),
        TableKind::Agreement => tables::agreement(source),
        TableKind::Reuse => tables::reuse(source),
    }
}

/// Build several tables, in the order given.
pub fn build_all(kinds: &[TableKind], source: &Source) -> Result<Vec<Table>, ExportError> {
    kinds.iter().map(|&k| build(k, source)).collect()
}

/// Write tables in a table format (CSV, XLSX, Markdown, HTML) to `path`.
///
/// CSV takes exactly one table; the others take any number (one sheet / section each). With
/// `overwrite` false an existing `path` is an error and nothing is written. REFI-QDA is written by
/// [`qdpx::write_qdpx`] / [`qdpx::write_qdc`] instead (it is a project, not a table).
pub fn write_tables(
    tables: &[Table],
    format: Format,
    path: &Path,
    overwrite: bool,
) -> Result<(), ExportError> {
    match format {
        Format::Csv => match tables {
            [table] => csv::write(table, path, overwrite),
            _ => Err(ExportError::OneTablePerFile {
                path: path.to_path_buf(),
                format: "csv",
            }),
        },
        Format::Xlsx => xlsx::write(tables, path, overwrite),
        Format::Markdown => {
            let text = markdown::render(tables);
            Ok(crate::fsutil::atomic_write(
                path,
                text.as_bytes(),
                overwrite,
            )?)
        }
        Format::Html => {
            let text = html::render(tables);
            Ok(crate::fsutil::atomic_write(
                path,
                text.as_bytes(),
                overwrite,
            )?)
        }
        Format::Qdpx | Format::Qdc => Err(ExportError::NotATableFormat {
            path: path.to_path_buf(),
            format: format.name(),
        }),
    }
}

/// Build `kinds` from `source` and write them as `format` to `path`: the one call the UI and the
/// CLI make. For [`Format::Qdpx`] and [`Format::Qdc`] `kinds` is ignored and the selected plans
/// and `source.coding` are written as a REFI-QDA project or codebook.
pub fn export(
    kinds: &[TableKind],
    format: Format,
    source: &Source,
    path: &Path,
    overwrite: bool,
) -> Result<(), ExportError> {
    match format {
        Format::Qdpx => qdpx::write_qdpx(source, path, overwrite),
        Format::Qdc => qdpx::write_qdc(source.coding, path, overwrite),
        _ => {
            let tables = build_all(kinds, source)?;
            write_tables(&tables, format, path, overwrite)
        }
    }
}
