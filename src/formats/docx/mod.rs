//! DOCX import: the paragraphs of `word/document.xml` as plain text, one paragraph a line.
//!
//! Word's automatic numbering is turned back into the numbers a reader sees (`一、`, `（一）`,
//! `1.`): a paragraph's `w:numPr` (its own, or its paragraph style's) names a list (`numId`) and
//! a level (`ilvl`); `word/numbering.xml` gives that level's format (`chineseCounting`,
//! `decimal`, …) and template (`%1、`, `（%1）`). Counters are kept per list and level, and a
//! level restarts when a higher level of the same list advances. Tables become one line a row,
//! cells joined by a tab. Headers, footers, footnotes and comments live in other parts of the
//! package and are left out.
//!
//! The package is a zip archive: every part is read through a byte budget
//! ([`MAX_EXPANDED_BYTES`]) that checks both the declared size and the bytes actually inflated,
//! so a zip bomb is refused with an error instead of filling memory.

use std::collections::HashMap;
use std::io::{Cursor, Read};
use std::path::Path;

use quick_xml::Reader;
use quick_xml::events::Event;

mod numbering;
mod styles;
mod xml;

pub use numbering::MAX_NUMBER_VALUE;
use numbering::*;
use styles::*;
use xml::*;

use crate::formats::common::MAX_EXPANDED_BYTES;
use crate::import::decode::{ImportError, TextFile};

/// Read a DOCX file into text.
pub fn read(path: &Path) -> Result<TextFile, ImportError> {
    read_bytes(path, &crate::import::decode::read_bounded(path)?)
}

/// Read DOCX bytes already in memory. `path` is only used in error messages.
pub fn read_bytes(path: &Path, bytes: &[u8]) -> Result<TextFile, ImportError> {
    if bytes.is_empty() {
        return Err(ImportError::Empty {
            path: path.to_path_buf(),
        });
    }
    let not_docx = |reason: String| ImportError::NotText {
        path: path.to_path_buf(),
        reason,
    };
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| not_docx(format!("not a valid DOCX (zip) file: {e}")))?;
    let mut budget = MAX_EXPANDED_BYTES;
    let main_part = match read_part(path, &mut zip, "word/document.xml", &mut budget)? {
        Some(xml) => xml,
        None => {
            let target = read_part(path, &mut zip, "_rels/.rels", &mut budget)?
                .and_then(|rels| main_document_target(&rels));
            match target {
                Some(t) => read_part(path, &mut zip, &t, &mut budget)?.ok_or_else(|| {
                    not_docx(format!(
                        "not a valid DOCX file: the main part {t} is missing"
                    ))
                })?,
                None => {
                    return Err(not_docx(
                        "not a valid DOCX file: no word/document.xml in the zip archive"
                            .to_string(),
                    ));
                }
            }
        }
    };
    let numbering = match read_part(path, &mut zip, "word/numbering.xml", &mut budget)? {
        Some(xml) => parse_numbering(&xml),
        None => Numbering::default(),
    };
    let styles = match read_part(path, &mut zip, "word/styles.xml", &mut budget)? {
        Some(xml) => parse_styles(&xml),
        None => HashMap::new(),
    };
    let text = document_text(
        &main_part,
        &numbering,
        &styles,
        crate::formats::common::text_budget(bytes.len()),
    )
    .map_err(not_docx)?;
    if text.trim().is_empty() {
        return Err(ImportError::Empty {
            path: path.to_path_buf(),
        });
    }
    Ok(TextFile {
        path: path.to_path_buf(),
        encoding: "DOCX",
        text,
    })
}

/// One part of the package as UTF-8 text, `None` when the archive has no such entry.
fn read_part(
    path: &Path,
    zip: &mut zip::ZipArchive<Cursor<&[u8]>>,
    name: &str,
    budget: &mut u64,
) -> Result<Option<String>, ImportError> {
    let err = |reason: String| ImportError::NotText {
        path: path.to_path_buf(),
        reason,
    };
    let bomb = |name: &str| {
        err(format!(
            "not a valid DOCX file: {name} expands to more than {} MiB (zip bomb?)",
            MAX_EXPANDED_BYTES / (1024 * 1024)
        ))
    };
    let entry = match zip.by_name(name) {
        Ok(e) => e,
        Err(zip::result::ZipError::FileNotFound) => return Ok(None),
        Err(e) => return Err(err(format!("not a valid DOCX (zip) file: {name}: {e}"))),
    };
    if entry.size() > *budget {
        return Err(bomb(name));
    }
    let mut buf = Vec::new();
    entry
        .take(*budget + 1)
        .read_to_end(&mut buf)
        .map_err(|e| err(format!("not a valid DOCX (zip) file: {name}: {e}")))?;
    if buf.len() as u64 > *budget {
        return Err(bomb(name));
    }
    *budget -= buf.len() as u64;
    let body = buf.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&buf);
    let text = if let Some(rest) = body.strip_prefix(b"\xFF\xFE") {
        encoding_rs::UTF_16LE
            .decode_without_bom_handling(rest)
            .0
            .into_owned()
    } else if let Some(rest) = body.strip_prefix(b"\xFE\xFF") {
        encoding_rs::UTF_16BE
            .decode_without_bom_handling(rest)
            .0
            .into_owned()
    } else {
        String::from_utf8(body.to_vec())
            .map_err(|_| err(format!("not a valid DOCX file: {name} is not UTF-8 XML")))?
    };
    Ok(Some(text))
}

/// The target of the `officeDocument` relationship in `_rels/.rels`.
fn main_document_target(rels: &str) -> Option<String> {
    let mut reader = Reader::from_str(rels);
    loop {
        match reader.read_event() {
            Ok(Event::Start(e) | Event::Empty(e)) if e.local_name().as_ref() == b"Relationship" => {
                let ty = attr(&e, b"Type").unwrap_or_default();
                if ty.ends_with("/officeDocument") {
                    let t = attr(&e, b"Target")?;
                    return Some(t.trim_start_matches('/').to_string());
                }
            }
            Ok(Event::Eof) | Err(_) => return None,
            _ => {}
        }
    }
}

/// A row of two cells laid out as a heading and its text (`一、工作目标` | `到2025年，…。`): the
/// heading cell is one short numbered line without a sentence, the other holds sentences. A task
/// table's row (`1.推进…` | `市住房城乡建设局`) holds no sentence in its second cell.
fn heading_and_body(row: &[String]) -> Option<(&str, &str)> {
    let [head, body] = row else { return None };
    let head = head.trim();
    let is_heading = !head.contains('\n')
        && head.chars().count() <= 30
        && !head.contains('。')
        && crate::numbering::parse_number(&crate::normalize::normalize_str(head)).is_some();
    (is_heading && body.contains('。')).then_some((head, body.as_str()))
}

/// A table being read: finished rows are lines (or cell text of an enclosing table).
#[derive(Default)]
struct Table {
    row: Vec<String>,
    cell: Option<String>,
}

/// Paragraph being read.
#[derive(Default)]
struct Para {
    text: String,
    style: Option<String>,
    num_id: Option<u32>,
    ilvl: Option<u32>,
    /// `w:outlineLvl` of the paragraph itself (0-based; 9 is body text).
    outline: Option<u32>,
    centered: bool,
    /// Visible characters in bold runs and in other runs.
    bold_chars: usize,
    plain_chars: usize,
}

/// What makes a paragraph a heading without a number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Hint {
    None,
    /// An outline level (0-based) from the paragraph or its style (`heading N`, `w:outlineLvl`).
    Outline(u32),
    /// A short bold paragraph standing alone (not centred: that is a title).
    Bold,
}

/// Most bytes of text one DOCX may produce (see [`crate::formats::text_budget`]).
fn too_much_text(budget: usize) -> String {
    format!(
        "too much text: more than {} MB (limit: ten times the file, at most {} MB; crafted numbering?)",
        budget / (1024 * 1024),
        crate::formats::common::MAX_TEXT_BYTES / (1024 * 1024)
    )
}

/// The text of `word/document.xml`, one paragraph a line; unnumbered headings (heading styles,
/// outline levels, short bold paragraphs standing alone) are marked `## 标题`.
fn document_text(
    xml: &str,
    numbering: &Numbering,
    styles: &HashMap<String, ParaStyle>,
    budget: usize,
) -> Result<String, String> {
    document_lines(xml, numbering, styles, budget)
        .map_err(|e| match e {
            DocError::Xml(e) => format!("not a valid DOCX file: word/document.xml: {e}"),
            DocError::Budget(e) => e,
        })
        .map(|lines| join_lines(lines, budget))
}

enum DocError {
    Xml(quick_xml::Error),
    Budget(String),
}

impl From<quick_xml::Error> for DocError {
    fn from(e: quick_xml::Error) -> Self {
        DocError::Xml(e)
    }
}

impl From<quick_xml::encoding::EncodingError> for DocError {
    fn from(e: quick_xml::encoding::EncodingError) -> Self {
        DocError::Xml(e.into())
    }
}

fn document_lines(
    xml: &str,
    numbering: &Numbering,
    styles: &HashMap<String, ParaStyle>,
    budget: usize,
) -> Result<Vec<(String, Hint)>, DocError> {
    let mut reader = Reader::from_str(xml);
    let mut counters = Counters {
        defs: numbering,
        state: HashMap::new(),
        error: None,
    };
    let mut lines: Vec<(String, Hint)> = Vec::new();
    // Bytes of text produced so far, and the first numbering error (shared with the closure).
    let produced = std::cell::Cell::new(0usize);
    let failed: std::cell::RefCell<Option<String>> = std::cell::RefCell::new(None);
    let mut paras: Vec<Para> = Vec::new();
    let mut tables: Vec<Table> = Vec::new();
    // Depth inside parts whose content is not shown (fallbacks, tracked-change records).
    let mut skip = 0usize;
    let mut in_t = false;
    let mut in_run = false;
    let mut in_ppr = false;
    let mut hidden = false;
    let mut in_rpr = false;
    // The current run's own bold toggle and character style.
    let mut run_bold: Option<bool> = None;
    let mut run_style: Option<String> = None;

    let mut finish_para = |p: Para,
                           tables: &mut Vec<Table>,
                           lines: &mut Vec<(String, Hint)>,
                           paras: &mut Vec<Para>| {
        let (mut num_id, mut ilvl) = (p.num_id, p.ilvl);
        if num_id.is_none()
            && let Some(s) = p.style.as_deref()
        {
            let (n, l) = style_numbering(styles, s);
            num_id = n;
            ilvl = ilvl.or(l);
        }
        let mut line = String::new();
        if let Some(n) = num_id.filter(|n| *n != 0)
            && let Some(label) = counters.next(n, ilvl.unwrap_or(0))
        {
            line.push_str(&label);
        }
        if let Some(e) = counters.error.take() {
            failed.borrow_mut().get_or_insert(e);
        }
        line.push_str(&p.text);
        produced.set(produced.get() + line.len() + 1);
        let (style_outline, _) = p
            .style
            .as_deref()
            .map_or((None, None), |s| style_heading(styles, s));
        let hint = match p.outline.or(style_outline) {
            Some(l) if l < 9 => Hint::Outline(l),
            _ if p.bold_chars > 0 && p.plain_chars == 0 && !p.centered => Hint::Bold,
            _ => Hint::None,
        };
        if !paras.is_empty() {
            // A text box's paragraph inside another paragraph: its own line.
            lines.push((line, Hint::None));
        } else if let Some(cell) = tables.last_mut().and_then(|t| t.cell.as_mut()) {
            // Paragraphs of a cell are kept apart here; a row of several cells joins them with
            // spaces, a one-cell row (a layout table holding the body) keeps them as lines.
            let line = line.trim();
            if !line.is_empty() {
                if !cell.is_empty() {
                    cell.push('\n');
                }
                cell.push_str(line);
            }
        } else {
            lines.push((line, hint));
        }
    };

    loop {
        if produced.get() > budget {
            return Err(DocError::Budget(too_much_text(budget)));
        }
        if let Some(e) = failed.borrow_mut().take() {
            return Err(DocError::Budget(e));
        }
        let ev = reader.read_event()?;
        let empty = matches!(ev, Event::Empty(_));
        match ev {
            Event::Eof => break,
            Event::Start(e) | Event::Empty(e) => {
                let name = e.local_name();
                let name = name.as_ref();
                if skip > 0 {
                    if !empty {
                        skip += 1;
                    }
                    continue;
                }
                match name {
                    b"Fallback" | b"pPrChange" | b"rPrChange" | b"del" | b"moveFrom"
                    | b"instrText" | b"delText" | b"footnoteReference" | b"endnoteReference"
                    | b"commentReference"
                        if !empty =>
                    {
                        skip = 1;
                    }
                    b"p" => {
                        if !empty {
                            paras.push(Para::default());
                        } else {
                            finish_para(Para::default(), &mut tables, &mut lines, &mut paras);
                        }
                    }
                    b"pPr" if !empty => in_ppr = true,
                    b"pStyle" if in_ppr => {
                        if let Some(p) = paras.last_mut() {
                            p.style = attr(&e, b"val");
                        }
                    }
                    b"numId" if in_ppr => {
                        if let Some(p) = paras.last_mut() {
                            p.num_id = attr_u32(&e, b"val");
                        }
                    }
                    b"ilvl" if in_ppr => {
                        if let Some(p) = paras.last_mut() {
                            p.ilvl = attr_u32(&e, b"val");
                        }
                    }
                    b"outlineLvl" if in_ppr => {
                        if let Some(p) = paras.last_mut() {
                            p.outline = attr_u32(&e, b"val");
                        }
                    }
                    b"jc" if in_ppr && !in_run => {
                        if let Some(p) = paras.last_mut() {
                            p.centered = attr(&e, b"val").as_deref() == Some("center");
                        }
                    }
                    b"r" if !empty => {
                        in_run = true;
                        hidden = false;
                        run_bold = None;
                        run_style = None;
                    }
                    b"rPr" if in_run && !empty => in_rpr = true,
                    b"b" if in_run && in_rpr => run_bold = Some(toggle_on(&e)),
                    b"rStyle" if in_run && in_rpr => run_style = attr(&e, b"val"),
                    b"vanish" if in_run && in_rpr => {
                        hidden =
                            !matches!(attr(&e, b"val").as_deref(), Some("0" | "false" | "off"));
                    }
                    b"t" if in_run && !empty => in_t = true,
                    b"tab" if in_run && !in_ppr => push_text(&mut paras, hidden, "\t"),
                    b"br" | b"cr" if in_run => push_text(&mut paras, hidden, "\n"),
                    b"noBreakHyphen" if in_run => push_text(&mut paras, hidden, "-"),
                    b"tbl" if !empty => tables.push(Table::default()),
                    b"tr" if !empty => {
                        if let Some(t) = tables.last_mut() {
                            t.row.clear();
                        }
                    }
                    b"tc" if !empty => {
                        if let Some(t) = tables.last_mut() {
                            t.cell = Some(String::new());
                        }
                    }
                    _ => {}
                }
            }
            Event::End(e) => {
                if skip > 0 {
                    skip -= 1;
                    continue;
                }
                match e.local_name().as_ref() {
                    b"p" => {
                        if let Some(p) = paras.pop() {
                            finish_para(p, &mut tables, &mut lines, &mut paras);
                        }
                    }
                    b"pPr" => in_ppr = false,
                    b"r" => {
                        in_run = false;
                        in_rpr = false;
                        hidden = false;
                    }
                    b"rPr" => in_rpr = false,
                    b"t" => in_t = false,
                    b"tc" => {
                        if let Some(t) = tables.last_mut()
                            && let Some(cell) = t.cell.take()
                        {
                            t.row.push(cell);
                        }
                    }
                    b"tr" => {
                        if let Some(t) = tables.last_mut() {
                            let row = std::mem::take(&mut t.row);
                            let one_cell = row.len() == 1;
                            let line = row.join("\t");
                            let line = line.trim_end_matches('\t').to_string();
                            if tables.len() > 1 {
                                let parent = tables.len() - 2;
                                if let Some(cell) = tables[parent].cell.as_mut() {
                                    if !cell.is_empty() {
                                        cell.push(' ');
                                    }
                                    cell.push_str(&line.replace('\n', " "));
                                }
                            } else if !line.trim().is_empty() {
                                produced.set(produced.get() + line.len() + 1);
                                if one_cell {
                                    lines.extend(
                                        line.split('\n').map(|l| (l.to_string(), Hint::None)),
                                    );
                                } else if let Some((head, body)) = heading_and_body(&row) {
                                    // A layout table: the heading in one cell, its text (with
                                    // its own numbered paragraphs) in the next.
                                    lines.push((head.to_string(), Hint::None));
                                    lines.extend(
                                        body.split('\n').map(|l| (l.to_string(), Hint::None)),
                                    );
                                } else {
                                    lines.push((line.replace('\n', " "), Hint::None));
                                }
                            }
                        }
                    }
                    b"tbl" => {
                        tables.pop();
                    }
                    _ => {}
                }
            }
            Event::Text(t) if in_t && skip == 0 => {
                let s = t.decode().map_err(quick_xml::Error::from)?;
                add_run_text(
                    &mut paras,
                    styles,
                    hidden,
                    run_bold,
                    run_style.as_deref(),
                    &s,
                );
            }
            Event::CData(t) if in_t && skip == 0 => {
                let s = t.decode().map_err(quick_xml::Error::from)?;
                add_run_text(
                    &mut paras,
                    styles,
                    hidden,
                    run_bold,
                    run_style.as_deref(),
                    &s,
                );
            }
            Event::GeneralRef(r) if in_t && skip == 0 => {
                let s = if r.is_char_ref() {
                    r.resolve_char_ref()?.map(String::from).unwrap_or_default()
                } else {
                    match r.decode().map_err(quick_xml::Error::from)?.as_ref() {
                        "lt" => "<".into(),
                        "gt" => ">".into(),
                        "amp" => "&".into(),
                        "quot" => "\"".into(),
                        "apos" => "'".into(),
                        _ => String::new(),
                    }
                };
                push_text(&mut paras, hidden, &s);
            }
            _ => {}
        }
    }
    // Unclosed paragraphs of a cut-off document still count.
    while let Some(p) = paras.pop() {
        finish_para(p, &mut tables, &mut lines, &mut paras);
    }
    if let Some(e) = failed.borrow_mut().take() {
        return Err(DocError::Budget(e));
    }
    if produced.get() > budget {
        return Err(DocError::Budget(too_much_text(budget)));
    }
    Ok(lines)
}

/// The lines as text: runs of blank lines collapsed, unnumbered headings marked `## 标题`.
/// Outline levels keep their depth (heading 1 → `#`); bold paragraphs sit one level below the
/// deepest outline level the document uses.
fn join_lines(lines: Vec<(String, Hint)>, budget: usize) -> String {
    let deepest = lines
        .iter()
        .filter_map(|(l, h)| match h {
            Hint::Outline(o) if !l.trim().is_empty() => Some(*o),
            _ => None,
        })
        .max();
    let bold_level = deepest.map_or(1, |d| d + 2).min(6);
    let mut out = String::with_capacity(budget.min(1 << 20));
    let mut blank = 0usize;
    for (line, hint) in lines {
        let line = line.replace('\r', "");
        let line = line.trim_end();
        if line.trim().is_empty() {
            blank += 1;
            if blank > 1 {
                continue;
            }
        } else {
            blank = 0;
        }
        let level = match hint {
            Hint::Outline(o) => Some((o + 1).min(6)),
            Hint::Bold => Some(bold_level),
            Hint::None => None,
        };
        if let Some(level) = level
            && !line.contains(['\n', '\t'])
            && super::common::is_unnumbered_heading(line)
        {
            for _ in 0..level {
                out.push('#');
            }
            out.push(' ');
            out.push_str(line.trim_start());
        } else {
            out.push_str(line);
        }
        out.push('\n');
    }
    out
}

/// A run's text: counted towards its paragraph's weight and appended to it (neither when hidden).
fn add_run_text(
    paras: &mut [Para],
    styles: &HashMap<String, ParaStyle>,
    hidden: bool,
    run_bold: Option<bool>,
    run_style: Option<&str>,
    s: &str,
) {
    count_weight(paras, styles, hidden, run_bold, run_style, s);
    push_text(paras, hidden, s);
}

/// Count a piece of run text as bold or not (the run's own `w:b`, else its character style's,
/// else its paragraph style's).
fn count_weight(
    paras: &mut [Para],
    styles: &HashMap<String, ParaStyle>,
    hidden: bool,
    run_bold: Option<bool>,
    run_style: Option<&str>,
    s: &str,
) {
    if hidden {
        return;
    }
    let Some(p) = paras.last_mut() else { return };
    let n = s.chars().filter(|c| !c.is_whitespace()).count();
    if n == 0 {
        return;
    }
    let bold = run_bold
        .or_else(|| run_style.and_then(|r| style_heading(styles, r).1))
        .or_else(|| {
            p.style
                .as_deref()
                .and_then(|st| style_heading(styles, st).1)
        })
        .unwrap_or(false);
    if bold {
        p.bold_chars += n;
    } else {
        p.plain_chars += n;
    }
}

fn push_text(paras: &mut [Para], hidden: bool, s: &str) {
    if hidden {
        return;
    }
    if let Some(p) = paras.last_mut() {
        p.text.push_str(s);
    }
}
