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
use quick_xml::events::{BytesStart, Event};

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

/// An attribute by local name (`w:val` → `val`), unescaped.
fn attr(e: &BytesStart<'_>, local: &[u8]) -> Option<String> {
    e.attributes().flatten().find_map(|a| {
        if a.key.local_name().as_ref() == local {
            let raw = String::from_utf8_lossy(&a.value).into_owned();
            Some(match quick_xml::escape::unescape(&raw) {
                Ok(v) => v.into_owned(),
                Err(_) => raw,
            })
        } else {
            None
        }
    })
}

fn attr_u32(e: &BytesStart<'_>, local: &[u8]) -> Option<u32> {
    attr(e, local).and_then(|v| v.trim().parse().ok())
}

/// One level of an abstract list definition.
#[derive(Debug, Clone, Default)]
struct Level {
    start: u32,
    fmt: String,
    text: String,
    suffix: String,
    legal: bool,
}

/// The list definitions of `word/numbering.xml`.
#[derive(Debug, Default)]
struct Numbering {
    /// abstractNumId → level → definition.
    abstracts: HashMap<u32, HashMap<u32, Level>>,
    /// numId → (abstractNumId, level → start override).
    nums: HashMap<u32, (u32, HashMap<u32, u32>)>,
}

fn parse_numbering(xml: &str) -> Numbering {
    let mut n = Numbering::default();
    let mut reader = Reader::from_str(xml);
    let mut abstract_id: Option<u32> = None;
    let mut level: Option<(u32, Level)> = None;
    let mut num: Option<(u32, u32, HashMap<u32, u32>)> = None;
    let mut override_lvl: Option<u32> = None;
    while let Ok(ev) = reader.read_event() {
        match ev {
            Event::Start(e) | Event::Empty(e) => match e.local_name().as_ref() {
                b"abstractNum" => abstract_id = attr_u32(&e, b"abstractNumId"),
                b"lvl" if num.is_none() => {
                    level = attr_u32(&e, b"ilvl").map(|i| {
                        (
                            i,
                            Level {
                                start: 1,
                                suffix: "tab".into(),
                                ..Level::default()
                            },
                        )
                    });
                }
                b"start" => {
                    if let (Some((_, l)), Some(v)) = (level.as_mut(), attr_u32(&e, b"val")) {
                        l.start = v;
                    }
                }
                b"numFmt" => {
                    if let (Some((_, l)), Some(v)) = (level.as_mut(), attr(&e, b"val")) {
                        l.fmt = v;
                    }
                }
                b"lvlText" => {
                    if let (Some((_, l)), Some(v)) = (level.as_mut(), attr(&e, b"val")) {
                        l.text = v;
                    }
                }
                b"suff" => {
                    if let (Some((_, l)), Some(v)) = (level.as_mut(), attr(&e, b"val")) {
                        l.suffix = v;
                    }
                }
                b"isLgl" => {
                    if let Some((_, l)) = level.as_mut() {
                        l.legal = !matches!(attr(&e, b"val").as_deref(), Some("0" | "false"));
                    }
                }
                b"num" => {
                    num = attr_u32(&e, b"numId").map(|id| (id, u32::MAX, HashMap::new()));
                }
                b"abstractNumId" => {
                    if let (Some(nm), Some(v)) = (num.as_mut(), attr_u32(&e, b"val")) {
                        nm.1 = v;
                    }
                }
                b"lvlOverride" => override_lvl = attr_u32(&e, b"ilvl"),
                b"startOverride" => {
                    if let (Some(nm), Some(i), Some(v)) =
                        (num.as_mut(), override_lvl, attr_u32(&e, b"val"))
                    {
                        nm.2.insert(i, v);
                    }
                }
                _ => {}
            },
            Event::End(e) => match e.local_name().as_ref() {
                b"lvl" => {
                    if let (Some(a), Some((i, l))) = (abstract_id, level.take()) {
                        n.abstracts.entry(a).or_default().insert(i, l);
                    }
                }
                b"abstractNum" => abstract_id = None,
                b"lvlOverride" => override_lvl = None,
                b"num" => {
                    if let Some((id, a, o)) = num.take() {
                        n.nums.insert(id, (a, o));
                    }
                }
                _ => {}
            },
            Event::Eof => break,
            _ => {}
        }
    }
    n
}

/// A style: its parent, its own numbering (numId, ilvl), its outline level (0-based, from
/// `w:outlineLvl` or a `heading N` name) and whether it makes text bold.
#[derive(Debug, Default, Clone)]
struct Style {
    based_on: Option<String>,
    num_id: Option<u32>,
    ilvl: Option<u32>,
    outline: Option<u32>,
    bold: Option<bool>,
}

/// Is a `w:b`-like toggle element on (`<w:b/>`, `w:val="true"`)?
fn toggle_on(e: &BytesStart<'_>) -> bool {
    !matches!(
        attr(e, b"val").as_deref(),
        Some("0" | "false" | "off" | "none")
    )
}

fn parse_styles(xml: &str) -> HashMap<String, Style> {
    let mut styles = HashMap::new();
    let mut reader = Reader::from_str(xml);
    let mut cur: Option<(String, Style)> = None;
    let mut in_ppr = 0usize;
    let mut in_rpr = 0usize;
    while let Ok(ev) = reader.read_event() {
        let empty = matches!(ev, Event::Empty(_));
        match ev {
            Event::Start(e) | Event::Empty(e) => match e.local_name().as_ref() {
                b"style" => {
                    cur = attr(&e, b"styleId").map(|id| (id, Style::default()));
                }
                b"pPr" if !empty => in_ppr += 1,
                b"rPr" if !empty => in_rpr += 1,
                b"name" => {
                    if let Some((_, s)) = cur.as_mut()
                        && let Some(n) = attr(&e, b"val")
                        && let Some(level) = n
                            .to_ascii_lowercase()
                            .strip_prefix("heading ")
                            .and_then(|l| l.trim().parse::<u32>().ok())
                        && (1..=9).contains(&level)
                    {
                        s.outline = s.outline.or(Some(level - 1));
                    }
                }
                b"outlineLvl" if in_ppr > 0 => {
                    if let Some((_, s)) = cur.as_mut() {
                        s.outline = attr_u32(&e, b"val");
                    }
                }
                b"b" if in_rpr > 0 => {
                    if let Some((_, s)) = cur.as_mut() {
                        s.bold = Some(toggle_on(&e));
                    }
                }
                b"basedOn" => {
                    if let Some((_, s)) = cur.as_mut() {
                        s.based_on = attr(&e, b"val");
                    }
                }
                b"numId" if in_ppr > 0 => {
                    if let Some((_, s)) = cur.as_mut() {
                        s.num_id = attr_u32(&e, b"val");
                    }
                }
                b"ilvl" if in_ppr > 0 => {
                    if let Some((_, s)) = cur.as_mut() {
                        s.ilvl = attr_u32(&e, b"val");
                    }
                }
                _ => {}
            },
            Event::End(e) => match e.local_name().as_ref() {
                b"pPr" => in_ppr = in_ppr.saturating_sub(1),
                b"rPr" => in_rpr = in_rpr.saturating_sub(1),
                b"style" => {
                    if let Some((id, s)) = cur.take() {
                        styles.insert(id, s);
                    }
                    in_ppr = 0;
                    in_rpr = 0;
                }
                _ => {}
            },
            Event::Eof => break,
            _ => {}
        }
    }
    styles
}

/// The numbering a paragraph style gives, following `basedOn` (a few steps, no cycles).
fn style_numbering(styles: &HashMap<String, Style>, id: &str) -> (Option<u32>, Option<u32>) {
    let mut num_id = None;
    let mut ilvl = None;
    let mut cur = Some(id.to_string());
    for _ in 0..16 {
        let Some(s) = cur.as_deref().and_then(|c| styles.get(c)) else {
            break;
        };
        num_id = num_id.or(s.num_id);
        ilvl = ilvl.or(s.ilvl);
        if num_id.is_some() && ilvl.is_some() {
            break;
        }
        cur = s.based_on.clone();
    }
    (num_id, ilvl)
}

/// A style's outline level and boldness, following `basedOn` (a few steps, no cycles).
fn style_heading(styles: &HashMap<String, Style>, id: &str) -> (Option<u32>, Option<bool>) {
    let mut outline = None;
    let mut bold = None;
    let mut cur = Some(id.to_string());
    for _ in 0..16 {
        let Some(s) = cur.as_deref().and_then(|c| styles.get(c)) else {
            break;
        };
        outline = outline.or(s.outline);
        bold = bold.or(s.bold);
        cur = s.based_on.clone();
    }
    (outline, bold)
}

/// Largest list counter value: Word's own limit. A larger start or override is a damaged or
/// crafted file (a letter label for 4294967295 would be 165 million characters long).
pub const MAX_NUMBER_VALUE: u32 = 32_767;

/// Counters of the lists met so far.
struct Counters<'a> {
    defs: &'a Numbering,
    /// numId → counter per level (`None`: not started or restarted).
    state: HashMap<u32, [Option<u32>; 9]>,
    /// The first counter value past [`MAX_NUMBER_VALUE`], if one was met.
    error: Option<String>,
}

impl Counters<'_> {
    /// The visible label of the next paragraph in list `num_id` at level `ilvl`.
    fn next(&mut self, num_id: u32, ilvl: u32) -> Option<String> {
        let (abs, overrides) = self.defs.nums.get(&num_id)?;
        let levels = self.defs.abstracts.get(abs)?;
        let ilvl = ilvl.min(8);
        let lvl = levels.get(&ilvl)?;
        let start_of = |i: u32| {
            overrides
                .get(&i)
                .copied()
                .or_else(|| levels.get(&i).map(|l| l.start))
                .unwrap_or(1)
        };
        let counters = self.state.entry(num_id).or_insert([None; 9]);
        let i = ilvl as usize;
        counters[i] = Some(match counters[i] {
            Some(c) => c.saturating_add(1),
            None => start_of(ilvl),
        });
        for c in counters.iter_mut().skip(i + 1) {
            *c = None;
        }
        if let Some(v) = counters[i].filter(|v| *v > MAX_NUMBER_VALUE) {
            self.error.get_or_insert_with(|| {
                format!(
                    "numbering value {v} (list {num_id}, level {ilvl}) is past Word's limit of {MAX_NUMBER_VALUE} (damaged or crafted numbering.xml)"
                )
            });
            return None;
        }
        if lvl.fmt == "bullet" || lvl.fmt == "none" && !lvl.text.contains('%') {
            return (lvl.fmt == "none" && !lvl.text.is_empty()).then(|| lvl.text.clone());
        }
        let mut out = String::new();
        let mut chars = lvl.text.chars().peekable();
        while let Some(c) = chars.next() {
            if c == '%'
                && let Some(d) = chars.peek().and_then(|d| d.to_digit(10))
                && (1..=9).contains(&d)
            {
                chars.next();
                let k = d - 1;
                let value = counters[k as usize]
                    .unwrap_or_else(|| start_of(k))
                    .min(MAX_NUMBER_VALUE);
                let fmt = levels.get(&k).map(|l| l.fmt.as_str()).unwrap_or("decimal");
                let fmt = if lvl.legal { "decimal" } else { fmt };
                out.push_str(&format_number(value, fmt));
            } else {
                out.push(c);
            }
        }
        if out.is_empty() {
            return None;
        }
        let sep = match lvl.suffix.as_str() {
            "nothing" => "",
            _ if out.ends_with(['、', '．', '.', '）', ')', '】', '〕', '：', ':']) => "",
            _ => " ",
        };
        out.push_str(sep);
        Some(out)
    }
}

const CN_DIGITS: [char; 10] = ['〇', '一', '二', '三', '四', '五', '六', '七', '八', '九'];

/// 1 → 一, 10 → 十, 21 → 二十一, 105 → 一百零五.
fn chinese_counting(n: u32) -> String {
    if n == 0 {
        return "〇".to_string();
    }
    if n >= 10_000 {
        return n.to_string();
    }
    let units = ['千', '百', '十'];
    let parts = [n / 1000, n / 100 % 10, n / 10 % 10];
    let mut out = String::new();
    let mut zero = false;
    for (d, u) in parts.iter().zip(units) {
        if *d == 0 {
            zero = !out.is_empty();
            continue;
        }
        if zero {
            out.push('零');
            zero = false;
        }
        if !(u == '十' && *d == 1 && out.is_empty()) {
            out.push(CN_DIGITS[*d as usize]);
        }
        out.push(u);
    }
    let ones = n % 10;
    if ones > 0 {
        if zero {
            out.push('零');
        }
        out.push(CN_DIGITS[ones as usize]);
    }
    out
}

fn letters(n: u32, upper: bool) -> String {
    if n == 0 {
        return String::new();
    }
    let base = if upper { b'A' } else { b'a' };
    let c = char::from(base + ((n - 1) % 26) as u8);
    std::iter::repeat_n(c, ((n - 1) / 26 + 1) as usize).collect()
}

fn roman(mut n: u32, upper: bool) -> String {
    if n == 0 || n >= 4000 {
        return n.to_string();
    }
    let table = [
        (1000, "m"),
        (900, "cm"),
        (500, "d"),
        (400, "cd"),
        (100, "c"),
        (90, "xc"),
        (50, "l"),
        (40, "xl"),
        (10, "x"),
        (9, "ix"),
        (5, "v"),
        (4, "iv"),
        (1, "i"),
    ];
    let mut out = String::new();
    for (v, s) in table {
        while n >= v {
            out.push_str(s);
            n -= v;
        }
    }
    if upper { out.to_uppercase() } else { out }
}

/// A counter value in one of Word's number formats.
fn format_number(n: u32, fmt: &str) -> String {
    let from_table = |table: &[char]| -> String {
        match (n as usize).checked_sub(1).and_then(|i| table.get(i)) {
            Some(c) => c.to_string(),
            None => n.to_string(),
        }
    };
    match fmt {
        "chineseCounting"
        | "chineseCountingThousand"
        | "japaneseCounting"
        | "taiwaneseCounting"
        | "taiwaneseCountingThousand"
        | "japaneseDigitalTenThousand" => chinese_counting(n),
        "ideographDigital" | "taiwaneseDigital" => n
            .to_string()
            .chars()
            .filter_map(|c| c.to_digit(10).map(|d| CN_DIGITS[d as usize]))
            .collect(),
        "chineseLegalSimplified" => {
            let legal = ['零', '壹', '贰', '叁', '肆', '伍', '陆', '柒', '捌', '玖'];
            chinese_counting(n)
                .chars()
                .map(|c| match CN_DIGITS.iter().position(|d| *d == c) {
                    Some(i) => legal[i],
                    None => match c {
                        '十' => '拾',
                        '百' => '佰',
                        '千' => '仟',
                        other => other,
                    },
                })
                .collect()
        }
        "ideographTraditional" => {
            from_table(&['甲', '乙', '丙', '丁', '戊', '己', '庚', '辛', '壬', '癸'])
        }
        "ideographZodiac" => from_table(&[
            '子', '丑', '寅', '卯', '辰', '巳', '午', '未', '申', '酉', '戌', '亥',
        ]),
        "decimalEnclosedCircle" | "decimalEnclosedCircleChinese" | "ideographEnclosedCircle" => {
            match n {
                1..=20 => {
                    char::from_u32(0x2460 + n - 1).map_or_else(|| n.to_string(), String::from)
                }
                _ => n.to_string(),
            }
        }
        "decimalEnclosedParen" => match n {
            1..=20 => char::from_u32(0x2474 + n - 1).map_or_else(|| n.to_string(), String::from),
            _ => format!("({n})"),
        },
        "decimalEnclosedFullstop" => match n {
            1..=20 => char::from_u32(0x2488 + n - 1).map_or_else(|| n.to_string(), String::from),
            _ => format!("{n}."),
        },
        "decimalFullWidth" | "decimalFullWidth2" => n
            .to_string()
            .chars()
            .filter_map(|c| char::from_u32(c as u32 - '0' as u32 + 0xFF10))
            .collect(),
        "decimalZero" => format!("{n:02}"),
        "upperLetter" => letters(n, true),
        "lowerLetter" => letters(n, false),
        "upperRoman" => roman(n, true),
        "lowerRoman" => roman(n, false),
        "none" => String::new(),
        _ => n.to_string(),
    }
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
    styles: &HashMap<String, Style>,
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
    styles: &HashMap<String, Style>,
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
            let line = line.trim();
            if !line.is_empty() {
                if !cell.is_empty() {
                    cell.push(' ');
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
                            let line = row.join("\t");
                            let line = line.trim_end_matches('\t').to_string();
                            if tables.len() > 1 {
                                let parent = tables.len() - 2;
                                if let Some(cell) = tables[parent].cell.as_mut() {
                                    if !cell.is_empty() {
                                        cell.push(' ');
                                    }
                                    cell.push_str(&line);
                                }
                            } else if !line.trim().is_empty() {
                                produced.set(produced.get() + line.len() + 1);
                                lines.push((line, Hint::None));
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
                count_weight(
                    &mut paras,
                    styles,
                    hidden,
                    run_bold,
                    run_style.as_deref(),
                    &s,
                );
                push_text(&mut paras, hidden, &s);
            }
            Event::CData(t) if in_t && skip == 0 => {
                let s = t.decode().map_err(quick_xml::Error::from)?;
                count_weight(
                    &mut paras,
                    styles,
                    hidden,
                    run_bold,
                    run_style.as_deref(),
                    &s,
                );
                push_text(&mut paras, hidden, &s);
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

/// Count a piece of run text as bold or not (the run's own `w:b`, else its character style's,
/// else its paragraph style's).
fn count_weight(
    paras: &mut [Para],
    styles: &HashMap<String, Style>,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_numbers() {
        let got: Vec<String> = [1, 9, 10, 11, 20, 21, 99, 100, 101, 110, 1001]
            .iter()
            .map(|n| chinese_counting(*n))
            .collect();
        assert_eq!(
            got,
            [
                "一",
                "九",
                "十",
                "十一",
                "二十",
                "二十一",
                "九十九",
                "一百",
                "一百零一",
                "一百一十",
                "一千零一"
            ]
        );
        assert_eq!(format_number(3, "decimalEnclosedCircle"), "③");
        assert_eq!(format_number(2, "ideographTraditional"), "乙");
        assert_eq!(format_number(12, "decimalFullWidth"), "１２");
        assert_eq!(format_number(4, "upperRoman"), "IV");
        assert_eq!(format_number(28, "lowerLetter"), "bb");
    }
}
