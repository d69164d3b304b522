//! The format-neutral table model every writer lays out: [`Table`] of [`Cell`]s with their
//! [`Mark`]s, what the builders read ([`Source`]), the table kinds and formats, and
//! [`ExportError`]. A leaf of the export folder: the builders and writers import it, never the
//! dispatcher in [`crate::export`].

use std::path::PathBuf;

use super::coding::Coding;
use crate::corpus::Corpus;
use crate::fsutil::WriteError;
use crate::matching::Analysis;

/// Why an export failed. Every variant that concerns a file names it.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// The output file could not be written (or exists and may not be replaced).
    #[error(transparent)]
    Write(#[from] WriteError),
    /// The XLSX writer refused the workbook.
    #[error("{path}: cannot build the workbook: {message}")]
    Xlsx {
        /// The target.
        path: PathBuf,
        /// What rust_xlsxwriter said.
        message: String,
    },
    /// The comparison table needs two or more plans.
    #[error("the comparison table needs at least two plans (got {0})")]
    TooFewPlans(usize),
    /// The reuse table is made for chosen plans, never the whole corpus at once.
    #[error("the reuse table needs one or more chosen plans (--plan)")]
    ReuseNeedsPlans,
    /// A plan index is outside the corpus.
    #[error("plan index {0} is not in the corpus")]
    NoSuchPlan(usize),
    /// The format writes one table per file.
    #[error("{path}: {format} writes one table per file; choose one --table")]
    OneTablePerFile {
        /// The target.
        path: PathBuf,
        /// The format's name.
        format: &'static str,
    },
    /// REFI-QDA writes a project, not tables: use [`export`](super::export) or [`qdpx`](super::qdpx).
    #[error("{path}: {format} is a project format, not a table format")]
    NotATableFormat {
        /// The target.
        path: PathBuf,
        /// The format's name.
        format: &'static str,
    },
    /// The table needs coded segments (a project with themes) and none were given.
    #[error("the {0} table needs a project with themes and coded segments (--project)")]
    NeedsCoding(&'static str),
    /// A coded segment points outside its plan's text or at an unknown plan or theme.
    #[error("segment {index}: {reason}")]
    BadSegment {
        /// Index of the segment in [`Coding::segments`].
        index: usize,
        /// What is wrong.
        reason: String,
    },
}

/// Which table to build.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TableKind {
    /// The aligned comparison: rows are section groups, columns are plans.
    Comparison,
    /// One row per measure with status, tier, partners and family.
    Measures,
    /// One row per measure family.
    Families,
    /// Quantitative targets.
    Targets,
    /// Theme × plan matrix of coded segments.
    Themes,
    /// Coded segments: theme, plan, section, text, memo, plan attributes, coder, theme levels.
    Segments,
    /// Plans × themes, counts, with plan attributes (for statistics).
    ThemeCounts,
    /// Plans × themes, 0/1 presence, with plan attributes.
    ThemePresence,
    /// Theme × plan in long form: plan attributes, theme path split, count, presence.
    ThemePlan,
    /// Memos: plan, measure, section, theme, coder, memo, text.
    Memos,
    /// Agreement between coders per theme and per plan.
    Agreement,
    /// Reuse: for each chosen plan, the share of its text found verbatim in each other plan.
    Reuse,
}

impl TableKind {
    /// Every table, in the order a workbook lists them.
    pub const ALL: [TableKind; 12] = [
        TableKind::Comparison,
        TableKind::Measures,
        TableKind::Families,
        TableKind::Targets,
        TableKind::Themes,
        TableKind::Segments,
        TableKind::ThemeCounts,
        TableKind::ThemePresence,
        TableKind::ThemePlan,
        TableKind::Memos,
        TableKind::Agreement,
        TableKind::Reuse,
    ];

    /// The name used on the command line and as file stem / sheet name.
    pub fn name(self) -> &'static str {
        match self {
            TableKind::Comparison => "comparison",
            TableKind::Measures => "measures",
            TableKind::Families => "families",
            TableKind::Targets => "targets",
            TableKind::Themes => "themes",
            TableKind::Segments => "segments",
            TableKind::ThemeCounts => "theme_counts",
            TableKind::ThemePresence => "theme_presence",
            TableKind::ThemePlan => "theme_plan",
            TableKind::Memos => "memos",
            TableKind::Agreement => "agreement",
            TableKind::Reuse => "reuse",
        }
    }

    /// Parse a command-line name.
    pub fn parse(name: &str) -> Option<TableKind> {
        TableKind::ALL.into_iter().find(|k| k.name() == name)
    }

    /// Whether the table needs coded segments.
    pub fn needs_coding(self) -> bool {
        !matches!(
            self,
            TableKind::Comparison
                | TableKind::Measures
                | TableKind::Families
                | TableKind::Targets
                | TableKind::Reuse
        )
    }
}

/// An output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// Comma-separated values, UTF-8 with BOM, one table per file.
    Csv,
    /// An Excel workbook, one sheet per table plus a legend.
    Xlsx,
    /// Markdown pipe tables.
    Markdown,
    /// One self-contained HTML report.
    Html,
    /// A REFI-QDA project (`.qdpx`): plan texts, codebook, coded segments.
    Qdpx,
    /// A REFI-QDA codebook alone (`.qdc`).
    Qdc,
}

impl Format {
    /// Parse a command-line name (`csv`, `xlsx`, `md`/`markdown`, `html`, `qdpx`, `qdc`).
    pub fn parse(name: &str) -> Option<Format> {
        Some(match name {
            "csv" => Format::Csv,
            "xlsx" => Format::Xlsx,
            "md" | "markdown" => Format::Markdown,
            "html" => Format::Html,
            "qdpx" => Format::Qdpx,
            "qdc" => Format::Qdc,
            _ => return None,
        })
    }

    /// The name used in messages.
    pub fn name(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Xlsx => "xlsx",
            Format::Markdown => "md",
            Format::Html => "html",
            Format::Qdpx => "qdpx",
            Format::Qdc => "qdc",
        }
    }
}

/// What a status marker says about a cell or a line: drives colour and the text prefix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Mark {
    /// Shared with `plans` other plans; `verbatim` when the closest partner is near-identical.
    Shared {
        /// Verbatim (true) or paraphrase (false).
        verbatim: bool,
        /// Number of other plans sharing it.
        plans: usize,
    },
    /// Shared only with plans outside the comparison (comparison table).
    Elsewhere,
    /// No other plan states it.
    Unique,
    /// Generic wording or a formula.
    Boilerplate,
    /// A section heading (bold, no prefix).
    Heading,
}

impl Mark {
    /// The text marker written before a marked measure (empty for a heading).
    pub fn prefix(self) -> String {
        match self {
            Mark::Shared {
                verbatim: true,
                plans,
            } => format!("【共={plans}】"),
            Mark::Shared {
                verbatim: false,
                plans,
            } => format!("【共≈{plans}】"),
            Mark::Elsewhere => "【外】".to_owned(),
            Mark::Unique => "【独】".to_owned(),
            Mark::Boilerplate => "【套】".to_owned(),
            Mark::Heading => String::new(),
        }
    }

    /// Strength of a shared mark, 1–4 (1: one other plan … 4: ten or more); 0 otherwise.
    pub fn strength(self) -> usize {
        match self {
            Mark::Shared { plans, .. } => match plans {
                0 | 1 => 1,
                2..=3 => 2,
                4..=9 => 3,
                _ => 4,
            },
            _ => 0,
        }
    }
}

/// One marked line of a cell: a heading or a measure.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    /// How it is marked.
    pub mark: Mark,
    /// Its text, without the marker.
    pub text: String,
}

impl Line {
    /// The line as plain text: marker + text.
    pub fn plain(&self) -> String {
        format!("{}{}", self.mark.prefix(), self.text)
    }
}

/// The content of a cell.
#[derive(Debug, Clone, PartialEq)]
pub enum CellValue {
    /// Nothing (a plan without a counterpart section, a target without a year).
    Empty,
    /// Text.
    Text(String),
    /// A number, written as a number where the format has them.
    Number(f64),
    /// Marked lines (a comparison cell).
    Lines(Vec<Line>),
}

/// One cell: a value and an optional mark for colouring.
#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    /// The content.
    pub value: CellValue,
    /// How the whole cell is marked, if at all.
    pub mark: Option<Mark>,
}

impl Cell {
    /// An empty cell.
    pub fn empty() -> Cell {
        Cell {
            value: CellValue::Empty,
            mark: None,
        }
    }

    /// A text cell.
    pub fn text(s: impl Into<String>) -> Cell {
        Cell {
            value: CellValue::Text(s.into()),
            mark: None,
        }
    }

    /// A number cell.
    pub fn number(n: f64) -> Cell {
        Cell {
            value: CellValue::Number(n),
            mark: None,
        }
    }

    /// The same cell with a mark.
    pub fn marked(mut self, mark: Mark) -> Cell {
        self.mark = Some(mark);
        self
    }

    /// The cell as plain text: numbers without a trailing `.0`, lines joined by `\n` with their
    /// markers.
    pub fn plain(&self) -> String {
        match &self.value {
            CellValue::Empty => String::new(),
            CellValue::Text(s) => s.clone(),
            CellValue::Number(n) => format!("{n}"),
            CellValue::Lines(lines) => lines.iter().map(Line::plain).collect::<Vec<_>>().join("\n"),
        }
    }
}

/// A format-neutral table.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// Short ASCII name: file stem, sheet name (`comparison`, `measures`, …).
    pub name: String,
    /// Human title (Chinese), shown above the table where the format has room.
    pub title: String,
    /// Column headers.
    pub columns: Vec<String>,
    /// Rows, each as long as `columns`.
    pub rows: Vec<Vec<Cell>>,
}

impl Table {
    /// A table whose columns are a fixed list of names.
    pub fn fixed(name: &str, title: &str, columns: &[&str], rows: Vec<Vec<Cell>>) -> Self {
        Table {
            name: name.to_owned(),
            title: title.to_owned(),
            columns: columns.iter().map(|s| (*s).to_owned()).collect(),
            rows,
        }
    }
}

/// What the table builders read.
#[derive(Debug, Clone, Copy)]
pub struct Source<'a> {
    /// The loaded plans.
    pub corpus: &'a Corpus,
    /// The engine's analysis of `corpus.plans`.
    pub analysis: &'a Analysis,
    /// Selected plans (corpus indexes, in column order); empty = all plans (not for the
    /// comparison, which needs two or more).
    pub plans: &'a [usize],
    /// Themes and coded segments, when a project is open.
    pub coding: Option<&'a Coding>,
}

impl Source<'_> {
    /// The selected plans, or every plan when none is selected.
    pub fn selected(&self) -> Vec<usize> {
        if self.plans.is_empty() {
            (0..self.corpus.plans.len()).collect()
        } else {
            self.plans.to_vec()
        }
    }
}

/// Width of text in monospace cells: CJK and full-width characters count two.
pub fn display_width(s: &str) -> usize {
    s.chars()
        .map(|c| if (c as u32) >= 0x1100 { 2 } else { 1 })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_and_full_width_characters_are_two_cells_wide() {
        assert_eq!(display_width("对照"), 4);
        assert_eq!(display_width("ab"), 2);
        assert_eq!(display_width("城镇化率75%"), 11);
        assert_eq!(display_width("（一）"), 6);
    }
}
