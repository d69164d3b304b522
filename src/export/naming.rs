//! Where an export goes: the file extension of each [`Format`], the name a save dialog
//! suggests, and the files an export of several tables writes (one CSV per table,
//! `<name>-<table>.csv`). Used by the app's export dialog; [`export_to`] is the whole export
//! as the dialog runs it, so the naming is tested here without the `gui` feature.

use std::path::{Path, PathBuf};

use super::{ExportError, Format, Source, TableKind, export};

/// The file extension of a format (`xlsx`, `csv`, `md`, `html`, `qdpx`, `qdc`).
pub fn extension(format: Format) -> &'static str {
    match format {
        Format::Xlsx => "xlsx",
        Format::Csv => "csv",
        Format::Markdown => "md",
        Format::Html => "html",
        Format::Qdpx => "qdpx",
        Format::Qdc => "qdc",
    }
}

/// The file name a save dialog suggests for an export: `duizhao.<extension>`.
pub fn suggested_name(format: Format) -> String {
    format!("duizhao.{}", extension(format))
}

/// `path` with the format's extension added when it has none (`对照表` → `对照表.xlsx`); a
/// path with an extension is kept as the user typed it.
pub fn with_extension(mut path: PathBuf, format: Format) -> PathBuf {
    if path.extension().is_none() {
        path.set_extension(extension(format));
    }
    path
}

/// The files an export writes: one per table for CSV (when several), else `path`.
pub fn outputs(path: &Path, format: Format, tables: &[TableKind]) -> Vec<PathBuf> {
    if format != Format::Csv || tables.len() < 2 {
        return vec![path.to_path_buf()];
    }
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "duizhao".into());
    tables
        .iter()
        .map(|k| path.with_file_name(format!("{stem}-{}.csv", k.name())))
        .collect()
}

/// Export `tables` of `source` as `format` to `path`, one CSV per table when several
/// ([`outputs`] names them); returns the files written. Stops at the first file that fails.
pub fn export_to(
    source: &Source,
    tables: &[TableKind],
    format: Format,
    path: &Path,
    overwrite: bool,
) -> Result<Vec<PathBuf>, ExportError> {
    let files = outputs(path, format, tables);
    if format == Format::Csv && tables.len() > 1 {
        for (k, file) in tables.iter().zip(&files) {
            export(&[*k], format, source, file, overwrite)?;
        }
    } else {
        export(tables, format, source, path, overwrite)?;
    }
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_of_several_tables_writes_one_file_each() {
        let files = outputs(
            Path::new("/tmp/城乡融合对照.csv"),
            Format::Csv,
            &[TableKind::Measures, TableKind::Targets],
        );
        assert_eq!(
            files,
            vec![
                PathBuf::from("/tmp/城乡融合对照-measures.csv"),
                PathBuf::from("/tmp/城乡融合对照-targets.csv")
            ]
        );
        assert_eq!(
            outputs(Path::new("/tmp/a.xlsx"), Format::Xlsx, &TableKind::ALL),
            vec![PathBuf::from("/tmp/a.xlsx")]
        );
        assert_eq!(
            outputs(
                Path::new("/tmp/一表.csv"),
                Format::Csv,
                &[TableKind::Targets]
            ),
            vec![PathBuf::from("/tmp/一表.csv")]
        );
    }

    #[test]
    fn a_name_without_extension_gets_the_formats_and_a_typed_one_is_kept() {
        assert_eq!(
            with_extension(PathBuf::from("/tmp/试点对照"), Format::Xlsx),
            PathBuf::from("/tmp/试点对照.xlsx")
        );
        assert_eq!(
            with_extension(PathBuf::from("/tmp/试点对照.txt"), Format::Markdown),
            PathBuf::from("/tmp/试点对照.txt")
        );
        assert_eq!(suggested_name(Format::Qdpx), "duizhao.qdpx");
        assert_eq!(extension(Format::Markdown), "md");
    }
}
