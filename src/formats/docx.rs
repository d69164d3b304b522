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

use crate::formats::MAX_EXPANDED_BYTES;
use crate::import::{ImportError, TextFile};

/// Read a DOCX file into text.
pub fn read(path: &Path) -> Result<TextFile, ImportError> {
    read_bytes(path, &crate::import::read_bounded(path)?)
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
    let text = document_text(&main_part, &numbering, &styles)
        .map_err(|e| not_docx(format!("not a valid DOCX file: word/document.xml: {e}")))?;
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

/// A paragraph style: its parent and its own numbering (numId, ilvl).
#[derive(Debug, Default, Clone)]
struct Style {
    based_on: Option<String>,
    num_id: Option<u32>,
    ilvl: Option<u32>,
}

fn parse_styles(xml: &str) -> HashMap<String, Style> {
    let mut styles = HashMap::new();
    let mut reader = Reader::from_str(xml);
    let mut cur: Option<(String, Style)> = None;
    let mut in_ppr = 0usize;
    while let Ok(ev) = reader.read_event() {
        match ev {
            Event::Start(e) | Event::Empty(e) => match e.local_name().as_ref() {
                b"style" => {
                    cur = attr(&e, b"styleId").map(|id| (id, Style::default()));
                }
                b"pPr" => in_ppr += 1,
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
                b"style" => {
                    if let Some((id, s)) = cur.take() {
                        styles.insert(id, s);
                    }
                    in_ppr = 0;
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

/// Counters of the lists met so far.
struct Counters<'a> {
    defs: &'a Numbering,
    /// numId → counter per level (`None`: not started or restarted).
    state: HashMap<u32, [Option<u32>; 9]>,
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
                let value = counters[k as usize].unwrap_or_else(|| start_of(k));
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
}

/// The text of `word/document.xml`, one paragraph a line.
fn document_text(
    xml: &str,
    numbering: &Numbering,
    styles: &HashMap<String, Style>,
) -> Result<String, quick_xml::Error> {
    let mut reader = Reader::from_str(xml);
    let mut counters = Counters {
        defs: numbering,
        state: HashMap::new(),
    };
    let mut lines: Vec<String> = Vec::new();
    let mut paras: Vec<Para> = Vec::new();
    let mut tables: Vec<Table> = Vec::new();
    // Depth inside parts whose content is not shown (fallbacks, tracked-change records).
    let mut skip = 0usize;
    let mut in_t = false;
    let mut in_run = false;
    let mut in_ppr = false;
    let mut hidden = false;
    let mut in_rpr = false;

    let mut finish_para =
        |p: Para, tables: &mut Vec<Table>, lines: &mut Vec<String>, paras: &mut Vec<Para>| {
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
            line.push_str(&p.text);
            if !paras.is_empty() {
                // A text box's paragraph inside another paragraph: its own line.
                lines.push(line);
            } else if let Some(cell) = tables.last_mut().and_then(|t| t.cell.as_mut()) {
                let line = line.trim();
                if !line.is_empty() {
                    if !cell.is_empty() {
                        cell.push(' ');
                    }
                    cell.push_str(line);
                }
            } else {
                lines.push(line);
            }
        };

    loop {
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
                    b"r" if !empty => {
                        in_run = true;
                        hidden = false;
                    }
                    b"rPr" if in_run && !empty => in_rpr = true,
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
                                lines.push(line);
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
                push_text(&mut paras, hidden, &s);
            }
            Event::CData(t) if in_t && skip == 0 => {
                let s = t.decode().map_err(quick_xml::Error::from)?;
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
    let mut out = String::new();
    let mut blank = 0usize;
    for line in lines {
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
        out.push_str(line);
        out.push('\n');
    }
    Ok(out)
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
