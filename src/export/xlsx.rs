//! XLSX: one worksheet per table plus a legend sheet, written with `rust_xlsxwriter`.
//!
//! Each sheet has its header row bold and frozen (and repeated on printed pages), text wrapped
//! and top-aligned, columns sized to their content (capped), landscape printing. Marks become
//! colour as in the app, and always with the text marker too:
//! - a marked cell (measures table: text and status) is filled: shared in four steps of a
//!   blue-leaning green, stronger the more plans share it; a paraphrase gets a lighter hatched
//!   fill and italic text so it differs from verbatim without colour; unique is amber;
//!   boilerplate is grey text without fill;
//! - a comparison cell holds several measures, and a cell has one fill, so there each line is
//!   a rich-text run: the heading bold, the marker of each measure bold in its colour (dark
//!   green / dark amber / grey), boilerplate text grey.
//!
//! Excel limits a cell to 32,767 characters; longer text is cut with `…` (no seed cell is near).

use std::path::Path;

use rust_xlsxwriter::{
    Color, Format, FormatAlign, FormatBorder, FormatPattern, Workbook, Worksheet,
};

use super::model::{Cell, CellValue, ExportError, Mark, Table, display_width};

/// Fills of shared cells by [`Mark::strength`] 1–4.
pub const SHARED_FILLS: [u32; 4] = [0xDDF1E8, 0xB5E0CC, 0x82C9A9, 0x4FAE85];
/// Fill of unique cells (amber).
pub const UNIQUE_FILL: u32 = 0xFFD98A;
/// Text colour of shared markers.
pub const SHARED_TEXT: u32 = 0x0B6E4F;
/// Text colour of unique markers.
pub const UNIQUE_TEXT: u32 = 0x9A5B00;
/// Text colour of boilerplate.
pub const BOILERPLATE_TEXT: u32 = 0x808080;
/// Excel's longest cell text.
pub const MAX_CELL_CHARS: usize = 32_767;
/// Widest column, in character widths.
pub const MAX_COLUMN_WIDTH: usize = 60;

fn xlsx_err(path: &Path) -> impl Fn(rust_xlsxwriter::XlsxError) -> ExportError + '_ {
    move |e| ExportError::Xlsx {
        path: path.to_path_buf(),
        message: e.to_string(),
    }
}

fn base() -> Format {
    Format::new()
        .set_text_wrap()
        .set_align(FormatAlign::Top)
        .set_border(FormatBorder::Thin)
        .set_border_color(Color::RGB(0xD0D0D0))
}

/// The cell format of a mark.
pub fn mark_format(mark: Option<Mark>) -> Format {
    match mark {
        Some(m @ Mark::Shared { verbatim, .. }) => {
            let fill = SHARED_FILLS
                .get(m.strength().saturating_sub(1))
                .copied()
                .unwrap_or(SHARED_FILLS[0]);
            if verbatim {
                base().set_background_color(Color::RGB(fill))
            } else {
                // Paraphrase: hatched over white, italic — visible without colour vision.
                base()
                    .set_pattern(FormatPattern::LightUp)
                    .set_foreground_color(Color::RGB(fill))
                    .set_background_color(Color::White)
                    .set_italic()
            }
        }
        Some(Mark::Elsewhere) => base().set_italic(),
        Some(Mark::Unique) => base().set_background_color(Color::RGB(UNIQUE_FILL)),
        Some(Mark::Boilerplate) => base().set_font_color(Color::RGB(BOILERPLATE_TEXT)),
        Some(Mark::Heading) => base().set_bold(),
        None => base(),
    }
}

/// The run format of a line's marker inside a comparison cell.
fn marker_run(mark: Mark) -> Format {
    match mark {
        Mark::Shared { verbatim, .. } => {
            let f = Format::new()
                .set_bold()
                .set_font_color(Color::RGB(SHARED_TEXT));
            if verbatim { f } else { f.set_italic() }
        }
        Mark::Elsewhere => Format::new()
            .set_italic()
            .set_font_color(Color::RGB(SHARED_TEXT)),
        Mark::Unique => Format::new()
            .set_bold()
            .set_font_color(Color::RGB(UNIQUE_TEXT)),
        Mark::Boilerplate => Format::new().set_font_color(Color::RGB(BOILERPLATE_TEXT)),
        Mark::Heading => Format::new().set_bold(),
    }
}

/// The run format of a line's text inside a comparison cell.
fn text_run(mark: Mark) -> Format {
    match mark {
        Mark::Boilerplate => Format::new().set_font_color(Color::RGB(BOILERPLATE_TEXT)),
        Mark::Heading => Format::new().set_bold(),
        Mark::Shared {
            verbatim: false, ..
        } => Format::new().set_italic(),
        _ => Format::new(),
    }
}

/// Cut text to Excel's cell limit.
pub fn clip(s: &str) -> String {
    if s.chars().count() <= MAX_CELL_CHARS {
        return s.to_owned();
    }
    let mut out: String = s.chars().take(MAX_CELL_CHARS - 1).collect();
    out.push('…');
    out
}

/// A valid, unique sheet name (≤ 31 characters, none of `[]:*?/\`).
fn sheet_name(name: &str, used: &mut Vec<String>) -> String {
    let clean: String = name
        .chars()
        .map(|c| if "[]:*?/\\".contains(c) { '_' } else { c })
        .take(28)
        .collect();
    let mut candidate = clean.clone();
    let mut n = 2;
    while used.iter().any(|u| u.eq_ignore_ascii_case(&candidate)) {
        candidate = format!("{clean}_{n}");
        n += 1;
    }
    used.push(candidate.clone());
    candidate
}

fn write_cell(
    ws: &mut Worksheet,
    row: u32,
    col: u16,
    cell: &Cell,
) -> Result<(), rust_xlsxwriter::XlsxError> {
    let fmt = mark_format(cell.mark);
    match &cell.value {
        CellValue::Empty => {
            ws.write_blank(row, col, &fmt)?;
        }
        CellValue::Number(n) => {
            ws.write_number_with_format(row, col, *n, &fmt)?;
        }
        CellValue::Text(s) => {
            ws.write_string_with_format(row, col, clip(s), &fmt)?;
        }
        CellValue::Lines(lines) => {
            let plain = cell.plain();
            if plain.is_empty() {
                ws.write_blank(row, col, &fmt)?;
            } else if plain.chars().count() > MAX_CELL_CHARS {
                ws.write_string_with_format(row, col, clip(&plain), &fmt)?;
            } else {
                let mut runs: Vec<(Format, String)> = Vec::new();
                for (i, line) in lines.iter().enumerate() {
                    let sep = if i == 0 { "" } else { "\n" };
                    let prefix = line.mark.prefix();
                    if !prefix.is_empty() {
                        runs.push((marker_run(line.mark), format!("{sep}{prefix}")));
                        if !line.text.is_empty() {
                            runs.push((text_run(line.mark), line.text.clone()));
                        }
                    } else if !(sep.is_empty() && line.text.is_empty()) {
                        runs.push((text_run(line.mark), format!("{sep}{}", line.text)));
                    }
                }
                let refs: Vec<(&Format, &str)> =
                    runs.iter().map(|(f, s)| (f, s.as_str())).collect();
                if refs.len() < 2 {
                    // A rich string needs two runs or more.
                    ws.write_string_with_format(row, col, plain, &fmt)?;
                } else {
                    ws.write_rich_string_with_format(row, col, &refs, &fmt)?;
                }
            }
        }
    }
    Ok(())
}

fn column_width(table: &Table, col: usize) -> f64 {
    let header = table.columns.get(col).map_or(4, |h| display_width(h));
    let widest = table
        .rows
        .iter()
        .filter_map(|r| r.get(col))
        .map(|c| c.plain().lines().map(display_width).max().unwrap_or(0))
        .max()
        .unwrap_or(0);
    (header.max(widest) + 2).clamp(6, MAX_COLUMN_WIDTH) as f64
}

fn add_table(ws: &mut Worksheet, table: &Table) -> Result<(), rust_xlsxwriter::XlsxError> {
    let header = Format::new()
        .set_bold()
        .set_text_wrap()
        .set_align(FormatAlign::Top)
        .set_background_color(Color::RGB(0xE8E8E8))
        .set_border(FormatBorder::Thin);
    for (c, name) in table.columns.iter().enumerate() {
        let col = u16::try_from(c).unwrap_or(u16::MAX);
        ws.write_string_with_format(0, col, clip(name), &header)?;
        ws.set_column_width(col, column_width(table, c))?;
    }
    for (r, row) in table.rows.iter().enumerate() {
        let r = u32::try_from(r + 1).unwrap_or(u32::MAX);
        for (c, cell) in row.iter().enumerate() {
            write_cell(ws, r, u16::try_from(c).unwrap_or(u16::MAX), cell)?;
        }
    }
    ws.set_freeze_panes(1, 0)?;
    ws.set_repeat_rows(0, 0)?;
    ws.set_landscape();
    Ok(())
}

/// The legend rows: marker, meaning, and a sample cell in its colours.
pub fn legend_rows() -> Vec<(Mark, &'static str)> {
    vec![
        (
            Mark::Shared {
                verbatim: true,
                plans: 1,
            },
            "共有（原文相同）：另 1 个规划措辞几乎相同 / shared verbatim with 1 other plan",
        ),
        (
            Mark::Shared {
                verbatim: true,
                plans: 3,
            },
            "共有（原文相同）：另 2–3 个规划 / shared verbatim, 2–3 plans",
        ),
        (
            Mark::Shared {
                verbatim: true,
                plans: 9,
            },
            "共有（原文相同）：另 4–9 个规划 / shared verbatim, 4–9 plans",
        ),
        (
            Mark::Shared {
                verbatim: true,
                plans: 10,
            },
            "共有（原文相同）：另 10 个以上规划 / shared verbatim, 10+ plans",
        ),
        (
            Mark::Shared {
                verbatim: false,
                plans: 2,
            },
            "共有（意思相同）：同一举措，措辞不同；斜体、斜纹 / shared paraphrase (italic, hatched)",
        ),
        (
            Mark::Elsewhere,
            "对照外共有：仅与未对照的规划共有（对照表）/ shared only outside the comparison",
        ),
        (Mark::Unique, "独有：其他规划均无 / unique"),
        (
            Mark::Boilerplate,
            "套话：通用表述或政治套语，不计为共有 / boilerplate (grey)",
        ),
    ]
}

fn add_legend(ws: &mut Worksheet) -> Result<(), rust_xlsxwriter::XlsxError> {
    let bold = Format::new().set_bold();
    ws.write_string_with_format(0, 0, "标记 marker", &bold)?;
    ws.write_string_with_format(0, 1, "含义 meaning", &bold)?;
    for (i, (mark, meaning)) in legend_rows().into_iter().enumerate() {
        let r = u32::try_from(i + 1).unwrap_or(u32::MAX);
        let marker = match mark {
            Mark::Shared { verbatim, .. } => {
                format!("【共{}N】", if verbatim { "=" } else { "≈" })
            }
            m => m.prefix(),
        };
        ws.write_string_with_format(r, 0, marker, &mark_format(Some(mark)))?;
        ws.write_string_with_format(r, 1, meaning, &mark_format(Some(mark)))?;
    }
    let note = "N = 另有几个规划共有此措施 (number of other plans sharing the measure). \
                颜色之外均有文字标记，色弱与黑白打印亦可辨认。";
    ws.write_string(9, 0, note)?;
    ws.set_column_width(0, 14)?;
    ws.set_column_width(1, 80)?;
    Ok(())
}

/// The workbook as bytes: one sheet per table, then the legend.
pub fn render(tables: &[Table], path: &Path) -> Result<Vec<u8>, ExportError> {
    let err = xlsx_err(path);
    let mut wb = Workbook::new();
    let mut used = Vec::new();
    for table in tables {
        let name = sheet_name(&table.name, &mut used);
        let ws = wb.add_worksheet();
        ws.set_name(name).map_err(&err)?;
        add_table(ws, table).map_err(&err)?;
    }
    let name = sheet_name("legend", &mut used);
    let ws = wb.add_worksheet();
    ws.set_name(name).map_err(&err)?;
    add_legend(ws).map_err(&err)?;
    wb.save_to_buffer().map_err(&err)
}

/// Write the tables as one workbook to `path` (atomically; an existing file only with
/// `overwrite`).
pub fn write(tables: &[Table], path: &Path, overwrite: bool) -> Result<(), ExportError> {
    if !overwrite && path.exists() {
        return Err(crate::fsutil::WriteError::Exists {
            path: path.to_path_buf(),
        }
        .into());
    }
    let bytes = render(tables, path)?;
    Ok(crate::fsutil::atomic_write(path, &bytes, overwrite)?)
}
