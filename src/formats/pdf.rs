//! PDF import: the text layer of a PDF, one text line a line, pages separated by a blank line.
//!
//! The document is parsed with `lopdf`; the text is extracted here by walking each page's content
//! stream (`BT`/`ET`, `Tf`, `Td`/`TD`/`Tm`/`T*`, `Tj`/`TJ`/`'`/`"`, `cm`, `q`/`Q`, and form
//! XObjects), decoding strings through the font's `ToUnicode` CMap (2-byte codes for Type0 fonts,
//! 1-byte otherwise, WinAnsi as the fallback for simple fonts), and tracking the text matrix to
//! place each run of glyphs. Runs are grouped into lines by their baseline (within half the font
//! size), lines sorted top to bottom and runs left to right; a space is inserted only between
//! Latin letters or digits that are visibly apart. A page set in two columns (most lines split by
//! a wide gap across the page's middle) is read left column first.
//!
//! Page headers, footers and page numbers come out as lines of their own; the plan parser's line
//! classifier drops page numbers and repeated running heads. A PDF with no text layer (a scan) is
//! rejected with an error saying to run OCR first; an encrypted PDF that does not open with the
//! empty password is rejected too. Any panic in the parser is caught and reported as an error.

use std::collections::HashMap;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;

use lopdf::content::Content;
use lopdf::{Dictionary, Document, Object};

use crate::import::{ImportError, TextFile};

/// Most pages read from one PDF.
pub const MAX_PAGES: usize = 5000;

/// Most decompressed content-stream bytes read from one page.
pub const MAX_PAGE_CONTENT_BYTES: usize = 32 * 1024 * 1024;

/// Most decompressed content-stream bytes read from the whole document.
pub const MAX_TOTAL_CONTENT_BYTES: usize = 512 * 1024 * 1024;

/// Deepest nesting of form XObjects followed.
const MAX_FORM_DEPTH: usize = 8;

/// Read a PDF file into text.
pub fn read(path: &Path) -> Result<TextFile, ImportError> {
    read_bytes(path, &crate::import::read_bounded(path)?)
}

/// Extract the text of PDF bytes already in memory. `path` is only used in error messages.
pub fn read_bytes(path: &Path, bytes: &[u8]) -> Result<TextFile, ImportError> {
    let not_text = |reason: String| ImportError::NotText {
        path: path.to_path_buf(),
        reason,
    };
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(ImportError::Empty {
            path: path.to_path_buf(),
        });
    }
    let head = &bytes[..bytes.len().min(1024)];
    if !head.windows(5).any(|w| w == b"%PDF-") {
        return Err(not_text(
            "not a PDF: no %PDF- header (is it another kind of file named .pdf?)".to_string(),
        ));
    }
    let text = match catch_unwind(AssertUnwindSafe(|| extract_text(bytes))) {
        Ok(Ok(text)) => text,
        Ok(Err(reason)) => return Err(not_text(reason)),
        Err(_) => {
            return Err(not_text(
                "damaged PDF: the PDF parser failed on it".to_string(),
            ));
        }
    };
    if !text.chars().any(char::is_alphanumeric) {
        return Err(not_text(
            "no text layer: scanned PDF? run OCR first".to_string(),
        ));
    }
    Ok(TextFile {
        path: path.to_path_buf(),
        encoding: "PDF",
        text,
    })
}

/// The whole document's text, or why it has none.
fn extract_text(bytes: &[u8]) -> Result<String, String> {
    let doc = Document::load_mem(bytes).map_err(|e| {
        let msg = e.to_string();
        if msg.to_ascii_lowercase().contains("decrypt") || msg.contains("encrypt") {
            format!("encrypted PDF ({msg}); remove the password, or export the text, first")
        } else {
            format!("damaged or unsupported PDF: {msg}")
        }
    })?;
    if doc.is_encrypted() {
        return Err(
            "encrypted PDF: cannot decrypt it; remove the password, or export the text, first"
                .to_string(),
        );
    }
    let pages = doc.get_pages();
    if pages.is_empty() {
        return Err("damaged PDF: no pages found".to_string());
    }
    if pages.len() > MAX_PAGES {
        return Err(format!(
            "too many pages ({}, limit {MAX_PAGES})",
            pages.len()
        ));
    }
    let mut fonts = FontCache::default();
    let mut out = String::new();
    let mut total = 0usize;
    for &page_id in pages.values() {
        let content = doc
            .get_page_content_with_limit(page_id, MAX_PAGE_CONTENT_BYTES)
            .map_err(|e| format!("page content too large or damaged: {e}"))?;
        total += content.len();
        if total > MAX_TOTAL_CONTENT_BYTES {
            return Err(format!(
                "too much page content (over {} MB)",
                MAX_TOTAL_CONTENT_BYTES / (1024 * 1024)
            ));
        }
        let resources = page_resources(&doc, page_id);
        let mut walker = Walker {
            doc: &doc,
            fonts: &mut fonts,
            runs: Vec::new(),
            state: GState::default(),
            stack: Vec::new(),
            font: None,
            tm: IDENTITY,
            tlm: IDENTITY,
        };
        walker.walk(&content, &resources, 0);
        let runs = walker.runs;
        let page_width = page_width(&doc, page_id);
        let lines = layout_page(runs, page_width);
        if !out.is_empty() {
            out.push('\n');
        }
        for line in lines {
            out.push_str(&line);
            out.push('\n');
        }
    }
    Ok(out)
}

/// The page's resource dictionaries, nearest first (the page's own, then inherited ones).
fn page_resources(doc: &Document, page_id: lopdf::ObjectId) -> Vec<&Dictionary> {
    let mut dicts = Vec::new();
    if let Ok((direct, ids)) = doc.get_page_resources(page_id) {
        dicts.extend(direct);
        dicts.extend(ids.into_iter().filter_map(|id| doc.get_dictionary(id).ok()));
    }
    dicts
}

/// The page's width from its MediaBox (inherited), or A4's.
fn page_width(doc: &Document, page_id: lopdf::ObjectId) -> f32 {
    let mut node = doc.get_dictionary(page_id).ok();
    for _ in 0..32 {
        let Some(dict) = node else { break };
        if let Ok(Object::Array(b)) = dict.get_deref(b"MediaBox", doc) {
            let n: Vec<f32> = b.iter().filter_map(|o| num(doc, o)).collect();
            if n.len() == 4 {
                return (n[2] - n[0]).abs();
            }
        }
        node = dict
            .get(b"Parent")
            .and_then(Object::as_reference)
            .and_then(|id| doc.get_dictionary(id))
            .ok();
    }
    595.0
}

/// A number operand or object (following references).
fn num(doc: &Document, o: &Object) -> Option<f32> {
    match o {
        Object::Integer(i) => Some(*i as f32),
        Object::Real(r) => Some(*r),
        Object::Reference(id) => match doc.get_object(*id).ok()? {
            Object::Integer(i) => Some(*i as f32),
            Object::Real(r) => Some(*r),
            _ => None,
        },
        _ => None,
    }
}

/// An affine matrix `[a b c d e f]` in PDF's row-vector convention.
type Matrix = [f32; 6];

const IDENTITY: Matrix = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0];

/// `m` then `n` (PDF's `m × n`).
fn mul(m: &Matrix, n: &Matrix) -> Matrix {
    [
        m[0] * n[0] + m[1] * n[2],
        m[0] * n[1] + m[1] * n[3],
        m[2] * n[0] + m[3] * n[2],
        m[2] * n[1] + m[3] * n[3],
        m[4] * n[0] + m[5] * n[2] + n[4],
        m[4] * n[1] + m[5] * n[3] + n[5],
    ]
}

fn translate(tx: f32, ty: f32) -> Matrix {
    [1.0, 0.0, 0.0, 1.0, tx, ty]
}

/// The graphics state parts text extraction needs.
#[derive(Clone)]
struct GState {
    ctm: Matrix,
    font_name: Vec<u8>,
    size: f32,
    char_spacing: f32,
    word_spacing: f32,
    hscale: f32,
    leading: f32,
}

impl Default for GState {
    fn default() -> Self {
        GState {
            ctm: IDENTITY,
            font_name: Vec::new(),
            size: 0.0,
            char_spacing: 0.0,
            word_spacing: 0.0,
            hscale: 1.0,
            leading: 0.0,
        }
    }
}

/// A run of glyphs shown by one text operator, placed on the page.
#[derive(Debug, Clone)]
struct Run {
    x: f32,
    y: f32,
    end_x: f32,
    size: f32,
    text: String,
}

/// Decoded fonts, keyed by the address of their dictionary in the parsed document.
#[derive(Default)]
struct FontCache {
    fonts: HashMap<usize, std::rc::Rc<Font>>,
}

/// What decoding a font's strings needs.
#[derive(Default)]
struct Font {
    two_byte: bool,
    /// Code → text from the `ToUnicode` CMap.
    to_unicode: HashMap<u32, String>,
    /// Strings are UTF-16BE (a `Uni…-UCS2`/`UTF16` CMap without `ToUnicode`).
    utf16: bool,
    /// Single-byte code → char from `/Differences` glyph names.
    differences: HashMap<u32, char>,
    /// Code → glyph width in text-space thousandths.
    widths: HashMap<u32, f32>,
    default_width: f32,
}

impl Font {
    fn load(doc: &Document, dict: &Dictionary) -> Font {
        let subtype = dict
            .get(b"Subtype")
            .and_then(Object::as_name)
            .unwrap_or_default();
        let two_byte = subtype == b"Type0";
        let mut font = Font {
            two_byte,
            default_width: if two_byte { 1000.0 } else { 500.0 },
            ..Font::default()
        };
        if let Ok(stream) = dict
            .get_deref(b"ToUnicode", doc)
            .and_then(Object::as_stream)
            && let Ok(data) = stream.decompressed_content_with_limit(16 * 1024 * 1024)
        {
            font.to_unicode = parse_cmap(&data);
        }
        if two_byte {
            let enc = dict
                .get_deref(b"Encoding", doc)
                .and_then(Object::as_name)
                .unwrap_or_default();
            font.utf16 = enc.windows(4).any(|w| w == b"UCS2" || w == b"UTF1");
            let desc = dict
                .get_deref(b"DescendantFonts", doc)
                .and_then(Object::as_array)
                .ok()
                .and_then(|a| a.first())
                .and_then(|o| match o {
                    Object::Reference(id) => doc.get_dictionary(*id).ok(),
                    Object::Dictionary(d) => Some(d),
                    _ => None,
                });
            if let Some(desc) = desc {
                if let Some(dw) = desc.get(b"DW").ok().and_then(|o| num(doc, o)) {
                    font.default_width = dw;
                }
                if let Ok(w) = desc.get_deref(b"W", doc).and_then(Object::as_array) {
                    font.widths = parse_cid_widths(doc, w);
                }
            }
        } else {
            let first = dict
                .get(b"FirstChar")
                .ok()
                .and_then(|o| num(doc, o))
                .unwrap_or(0.0) as u32;
            if let Ok(w) = dict.get_deref(b"Widths", doc).and_then(Object::as_array) {
                for (i, o) in w.iter().take(256).enumerate() {
                    if let Some(v) = num(doc, o) {
                        font.widths.insert(first + i as u32, v);
                    }
                }
            }
            if let Ok(Object::Dictionary(enc)) = dict.get_deref(b"Encoding", doc)
                && let Ok(diffs) = enc
                    .get_deref(b"Differences", doc)
                    .and_then(Object::as_array)
            {
                let mut code = 0u32;
                for o in diffs {
                    match o {
                        Object::Integer(i) => code = (*i).clamp(0, 255) as u32,
                        Object::Name(n) => {
                            if let Some(c) = glyph_name_char(n) {
                                font.differences.insert(code, c);
                            }
                            code += 1;
                        }
                        _ => {}
                    }
                }
            }
        }
        font
    }

    /// Split a string's bytes into character codes.
    fn codes(&self, bytes: &[u8]) -> Vec<u32> {
        if self.two_byte {
            bytes
                .chunks(2)
                .map(|c| {
                    if c.len() == 2 {
                        u32::from(c[0]) << 8 | u32::from(c[1])
                    } else {
                        u32::from(c[0])
                    }
                })
                .collect()
        } else {
            bytes.iter().map(|&b| u32::from(b)).collect()
        }
    }

    /// The text one code stands for.
    fn push_text(&self, code: u32, out: &mut String) {
        if let Some(s) = self.to_unicode.get(&code) {
            out.extend(s.chars().filter(|c| !c.is_control() || *c == '\t'));
        } else if self.two_byte {
            if self.utf16
                && let Some(c) = char::from_u32(code)
            {
                out.push(c);
            }
        } else if let Some(&c) = self.differences.get(&code) {
            out.push(c);
        } else if let Ok(b) = u8::try_from(code) {
            // WinAnsi; for the ASCII range also the standard encoding.
            let byte = [b];
            let (s, _) = encoding_rs::WINDOWS_1252.decode_without_bom_handling(&byte);
            out.extend(s.chars().filter(|c| !c.is_control()));
        }
    }

    fn width(&self, code: u32) -> f32 {
        self.widths
            .get(&code)
            .copied()
            .unwrap_or(self.default_width)
    }
}

/// A glyph name's character: `uniXXXX`, `uXXXX`, one-letter names and the common punctuation.
fn glyph_name_char(name: &[u8]) -> Option<char> {
    let s = std::str::from_utf8(name).ok()?;
    if let Some(hex) = s.strip_prefix("uni").or_else(|| s.strip_prefix('u'))
        && (4..=6).contains(&hex.len())
        && let Ok(v) = u32::from_str_radix(hex, 16)
    {
        return char::from_u32(v);
    }
    let mut chars = s.chars();
    if let (Some(c), None) = (chars.next(), chars.next()) {
        return Some(c);
    }
    Some(match s {
        "space" => ' ',
        "period" => '.',
        "comma" => ',',
        "colon" => ':',
        "semicolon" => ';',
        "hyphen" | "minus" => '-',
        "parenleft" => '(',
        "parenright" => ')',
        "percent" => '%',
        "slash" => '/',
        "zero" => '0',
        "one" => '1',
        "two" => '2',
        "three" => '3',
        "four" => '4',
        "five" => '5',
        "six" => '6',
        "seven" => '7',
        "eight" => '8',
        "nine" => '9',
        _ => return None,
    })
}

/// A CID font's `/W` array: `c [w1 w2 …]` and `c1 c2 w` entries.
fn parse_cid_widths(doc: &Document, w: &[Object]) -> HashMap<u32, f32> {
    let mut out = HashMap::new();
    let mut i = 0;
    while i < w.len() && out.len() < 200_000 {
        let Some(first) = num(doc, &w[i]) else {
            i += 1;
            continue;
        };
        let first = first.max(0.0) as u32;
        match w.get(i + 1) {
            Some(Object::Array(list)) => {
                for (k, o) in list.iter().enumerate() {
                    if let Some(v) = num(doc, o) {
                        out.insert(first + k as u32, v);
                    }
                }
                i += 2;
            }
            Some(o) => {
                let last = num(doc, o).unwrap_or(0.0).max(0.0) as u32;
                let v = w.get(i + 2).and_then(|o| num(doc, o)).unwrap_or(1000.0);
                for c in first..=last.min(first.saturating_add(65_536)) {
                    out.insert(c, v);
                }
                i += 3;
            }
            None => break,
        }
    }
    out
}

/// Parse the `bfchar` and `bfrange` sections of a `ToUnicode` CMap.
fn parse_cmap(data: &[u8]) -> HashMap<u32, String> {
    let tokens = cmap_tokens(data);
    let mut map = HashMap::new();
    let mut i = 0;
    let mut mode = 0u8; // 1 = bfchar, 2 = bfrange
    while i < tokens.len() {
        match &tokens[i] {
            Tok::Word(w) if w == b"beginbfchar" => mode = 1,
            Tok::Word(w) if w == b"beginbfrange" => mode = 2,
            Tok::Word(w) if w == b"endbfchar" || w == b"endbfrange" => mode = 0,
            Tok::Hex(src) if mode == 1 => {
                if let Some(Tok::Hex(dst)) = tokens.get(i + 1) {
                    map.insert(code_of(src), utf16_text(dst));
                    i += 1;
                }
            }
            Tok::Hex(lo) if mode == 2 => {
                let (lo, hi) = match tokens.get(i + 1) {
                    Some(Tok::Hex(hi)) => (code_of(lo), code_of(hi)),
                    _ => {
                        i += 1;
                        continue;
                    }
                };
                let hi = hi.min(lo.saturating_add(65_535));
                match tokens.get(i + 2) {
                    Some(Tok::Hex(dst)) => {
                        let mut units = utf16_units(dst);
                        for code in lo..=hi {
                            map.insert(code, String::from_utf16_lossy(&units));
                            if let Some(last) = units.last_mut() {
                                *last = last.wrapping_add(1);
                            }
                        }
                    }
                    Some(Tok::Array(list)) => {
                        for (k, dst) in list.iter().enumerate() {
                            let code = lo + k as u32;
                            if code > hi {
                                break;
                            }
                            map.insert(code, utf16_text(dst));
                        }
                    }
                    _ => {}
                }
                i += 2;
            }
            _ => {}
        }
        i += 1;
    }
    map
}

/// CMap tokens: hex strings, arrays of hex strings, and bare words.
enum Tok {
    Hex(Vec<u8>),
    Array(Vec<Vec<u8>>),
    Word(Vec<u8>),
}

fn cmap_tokens(data: &[u8]) -> Vec<Tok> {
    let mut out = Vec::new();
    let mut i = 0;
    let mut array: Option<Vec<Vec<u8>>> = None;
    while i < data.len() {
        let b = data[i];
        match b {
            b'<' if data.get(i + 1) != Some(&b'<') => {
                let start = i + 1;
                let end = data[start..]
                    .iter()
                    .position(|&c| c == b'>')
                    .map_or(data.len(), |p| start + p);
                let hex = hex_bytes(&data[start..end]);
                match array.as_mut() {
                    Some(a) => a.push(hex),
                    None => out.push(Tok::Hex(hex)),
                }
                i = end + 1;
            }
            b'[' => {
                array = Some(Vec::new());
                i += 1;
            }
            b']' => {
                if let Some(a) = array.take() {
                    out.push(Tok::Array(a));
                }
                i += 1;
            }
            b'%' => {
                while i < data.len() && data[i] != b'\n' && data[i] != b'\r' {
                    i += 1;
                }
            }
            c if c.is_ascii_alphabetic() => {
                let start = i;
                while i < data.len() && data[i].is_ascii_alphanumeric() {
                    i += 1;
                }
                out.push(Tok::Word(data[start..i].to_vec()));
            }
            _ => i += 1,
        }
    }
    out
}

fn hex_bytes(hex: &[u8]) -> Vec<u8> {
    let digits: Vec<u8> = hex
        .iter()
        .filter_map(|&c| (c as char).to_digit(16).map(|d| d as u8))
        .collect();
    digits
        .chunks(2)
        .map(|p| p[0] << 4 | p.get(1).copied().unwrap_or(0))
        .collect()
}

fn code_of(bytes: &[u8]) -> u32 {
    bytes
        .iter()
        .take(4)
        .fold(0u32, |acc, &b| acc << 8 | u32::from(b))
}

fn utf16_units(bytes: &[u8]) -> Vec<u16> {
    bytes
        .chunks(2)
        .map(|c| u16::from(c[0]) << 8 | u16::from(c.get(1).copied().unwrap_or(0)))
        .collect()
}

fn utf16_text(bytes: &[u8]) -> String {
    String::from_utf16_lossy(&utf16_units(bytes))
}

/// Walks a content stream, collecting placed text runs.
struct Walker<'a> {
    doc: &'a Document,
    fonts: &'a mut FontCache,
    runs: Vec<Run>,
    state: GState,
    stack: Vec<GState>,
    font: Option<std::rc::Rc<Font>>,
    tm: Matrix,
    tlm: Matrix,
}

impl<'a> Walker<'a> {
    fn walk(&mut self, content: &[u8], resources: &[&'a Dictionary], depth: usize) {
        let Ok(content) = Content::decode(content) else {
            return;
        };
        for op in &content.operations {
            let f = |i: usize| -> f32 {
                match op.operands.get(i) {
                    Some(Object::Integer(v)) => *v as f32,
                    Some(Object::Real(v)) => *v,
                    _ => 0.0,
                }
            };
            match op.operator.as_str() {
                "q" if self.stack.len() < 256 => self.stack.push(self.state.clone()),
                "Q" => {
                    if let Some(s) = self.stack.pop() {
                        self.state = s;
                        self.font = self.lookup_font(resources);
                    }
                }
                "cm" => {
                    let m = [f(0), f(1), f(2), f(3), f(4), f(5)];
                    self.state.ctm = mul(&m, &self.state.ctm);
                }
                "BT" => {
                    self.tm = IDENTITY;
                    self.tlm = IDENTITY;
                }
                "Tf" => {
                    if let Some(Object::Name(n)) = op.operands.first() {
                        self.state.font_name = n.clone();
                    }
                    self.state.size = f(1);
                    self.font = self.lookup_font(resources);
                }
                "Tc" => self.state.char_spacing = f(0),
                "Tw" => self.state.word_spacing = f(0),
                "Tz" => self.state.hscale = f(0) / 100.0,
                "TL" => self.state.leading = f(0),
                "Td" => self.next_line(f(0), f(1)),
                "TD" => {
                    self.state.leading = -f(1);
                    self.next_line(f(0), f(1));
                }
                "Tm" => {
                    self.tlm = [f(0), f(1), f(2), f(3), f(4), f(5)];
                    self.tm = self.tlm;
                }
                "T*" => self.next_line(0.0, -self.state.leading),
                "Tj" => {
                    if let Some(Object::String(s, _)) = op.operands.first() {
                        self.show(&[Object::String(s.clone(), lopdf::StringFormat::Literal)]);
                    }
                }
                "'" => {
                    self.next_line(0.0, -self.state.leading);
                    if let Some(s @ Object::String(..)) = op.operands.first() {
                        self.show(std::slice::from_ref(s));
                    }
                }
                "\"" => {
                    self.state.word_spacing = f(0);
                    self.state.char_spacing = f(1);
                    self.next_line(0.0, -self.state.leading);
                    if let Some(s @ Object::String(..)) = op.operands.get(2) {
                        self.show(std::slice::from_ref(s));
                    }
                }
                "TJ" => {
                    if let Some(Object::Array(items)) = op.operands.first() {
                        self.show(items);
                    }
                }
                "Do" if depth < MAX_FORM_DEPTH => {
                    if let Some(Object::Name(n)) = op.operands.first() {
                        self.form(n, resources, depth);
                    }
                }
                _ => {}
            }
        }
    }

    /// Run a form XObject's content with its own resources.
    fn form(&mut self, name: &[u8], resources: &[&'a Dictionary], depth: usize) {
        let doc = self.doc;
        let stream = resources.iter().find_map(|r| {
            r.get_deref(b"XObject", doc)
                .and_then(Object::as_dict)
                .and_then(|x| x.get_deref(name, doc))
                .and_then(Object::as_stream)
                .ok()
        });
        let Some(stream) = stream else { return };
        if stream.dict.get(b"Subtype").and_then(Object::as_name).ok() != Some(b"Form") {
            return;
        }
        let Ok(data) = stream.decompressed_content_with_limit(MAX_PAGE_CONTENT_BYTES) else {
            return;
        };
        let mut inner: Vec<&'a Dictionary> = Vec::new();
        if let Ok(r) = stream
            .dict
            .get_deref(b"Resources", doc)
            .and_then(Object::as_dict)
        {
            inner.push(r);
        }
        inner.extend_from_slice(resources);
        let saved = (self.state.clone(), self.tm, self.tlm, self.font.clone());
        if let Ok(Object::Array(m)) = stream.dict.get_deref(b"Matrix", doc) {
            let m: Vec<f32> = m.iter().filter_map(|o| num(doc, o)).collect();
            if m.len() == 6 {
                let m = [m[0], m[1], m[2], m[3], m[4], m[5]];
                self.state.ctm = mul(&m, &self.state.ctm);
            }
        }
        let depth_before = self.stack.len();
        self.walk(&data, &inner, depth + 1);
        self.stack.truncate(depth_before);
        (self.state, self.tm, self.tlm, self.font) = saved;
    }

    fn lookup_font(&mut self, resources: &[&'a Dictionary]) -> Option<std::rc::Rc<Font>> {
        let doc = self.doc;
        let name = &self.state.font_name;
        let dict = resources.iter().find_map(|r| {
            r.get_deref(b"Font", doc)
                .and_then(Object::as_dict)
                .and_then(|f| f.get_deref(name, doc))
                .and_then(Object::as_dict)
                .ok()
        })?;
        let key = dict as *const Dictionary as usize;
        let font = self
            .fonts
            .fonts
            .entry(key)
            .or_insert_with(|| std::rc::Rc::new(Font::load(doc, dict)));
        Some(font.clone())
    }

    fn next_line(&mut self, tx: f32, ty: f32) {
        self.tlm = mul(&translate(tx, ty), &self.tlm);
        self.tm = self.tlm;
    }

    /// Show strings (and `TJ` position adjustments), adding one run.
    fn show(&mut self, items: &[Object]) {
        let Some(font) = self.font.clone() else {
            return;
        };
        let st = &self.state;
        let start = mul(&self.tm, &st.ctm);
        let mut text = String::new();
        let mut advance = 0.0f32;
        for item in items {
            match item {
                Object::String(bytes, _) => {
                    for code in font.codes(bytes) {
                        font.push_text(code, &mut text);
                        let mut w = font.width(code) / 1000.0 * st.size + st.char_spacing;
                        if !font.two_byte && code == 32 {
                            w += st.word_spacing;
                        }
                        advance += w * st.hscale;
                    }
                }
                Object::Integer(_) | Object::Real(_) => {
                    let n = match item {
                        Object::Integer(v) => *v as f32,
                        Object::Real(v) => *v,
                        _ => 0.0,
                    };
                    let adj = -n / 1000.0 * st.size * st.hscale;
                    // A wide gap inside a TJ between Latin words stands for a space.
                    if adj > st.size * 0.2
                        && text
                            .chars()
                            .last()
                            .is_some_and(|c| c.is_ascii_alphanumeric())
                    {
                        text.push(' ');
                    }
                    advance += adj;
                }
                _ => {}
            }
        }
        self.tm = mul(&translate(advance, 0.0), &self.tm);
        let end = mul(&self.tm, &st.ctm);
        let size = st.size * (start[2] * start[2] + start[3] * start[3]).sqrt();
        if !text.is_empty() && start[4].is_finite() && start[5].is_finite() {
            self.runs.push(Run {
                x: start[4],
                y: start[5],
                end_x: end[4],
                size: if size.is_finite() && size > 0.0 {
                    size
                } else {
                    10.0
                },
                text,
            });
        }
    }
}

/// A line of runs on a page.
struct Line {
    y: f32,
    size: f32,
    runs: Vec<Run>,
}

/// Group a page's runs into text lines in reading order.
fn layout_page(mut runs: Vec<Run>, page_width: f32) -> Vec<String> {
    runs.retain(|r| !r.text.trim().is_empty());
    runs.sort_by(|a, b| b.y.total_cmp(&a.y));
    let mut lines: Vec<Line> = Vec::new();
    for run in runs {
        match lines.last_mut() {
            Some(line) if (line.y - run.y).abs() <= 0.5 * line.size.max(run.size) => {
                line.size = line.size.max(run.size);
                line.runs.push(run);
            }
            _ => lines.push(Line {
                y: run.y,
                size: run.size,
                runs: vec![run],
            }),
        }
    }
    for line in &mut lines {
        line.runs.sort_by(|a, b| a.x.total_cmp(&b.x));
    }
    let mid = page_width / 2.0;
    let splits = |line: &Line| {
        line.runs
            .windows(2)
            .any(|w| w[0].end_x < mid && w[1].x > mid && w[1].x - w[0].end_x > 1.5 * line.size)
    };
    let split_count = lines.iter().filter(|l| splits(l)).count();
    let two_columns = split_count >= 5 && split_count * 5 >= lines.len() * 2;
    if !two_columns {
        return with_paragraph_gaps(&lines);
    }
    let mut left = Vec::new();
    let mut right = Vec::new();
    for line in &lines {
        let (l, r): (Vec<Run>, Vec<Run>) = line.runs.iter().cloned().partition(|r| r.x < mid);
        if !l.is_empty() {
            left.push(join_runs(&l));
        }
        if !r.is_empty() {
            right.push(join_runs(&r));
        }
    }
    left.extend(right);
    left
}

/// The lines' text, with a blank line where the vertical gap is clearly wider than the page's
/// usual line spacing (an empty paragraph or paragraph spacing in the source). A line that runs
/// to the page's right text margin is wrapped text: the next line continues it on the same line
/// (the plan parser reads its front matter line by line, so a wrapped first line of a paragraph
/// would otherwise look like a title).
fn with_paragraph_gaps(lines: &[Line]) -> Vec<String> {
    let mut gaps: Vec<f32> = lines
        .windows(2)
        .map(|w| w[0].y - w[1].y)
        .filter(|&g| g >= 0.8 * lines[0].size)
        .collect();
    gaps.sort_by(f32::total_cmp);
    let usual = gaps.get(gaps.len() / 10).copied();
    let right = lines
        .iter()
        .filter_map(|l| l.runs.last().map(|r| r.end_x))
        .fold(f32::MIN, f32::max);
    let mut out: Vec<String> = Vec::with_capacity(lines.len());
    let mut continues = false;
    for (i, line) in lines.iter().enumerate() {
        let text = join_runs(&line.runs);
        let mut wide = false;
        if i > 0 {
            let gap = lines[i - 1].y - line.y;
            wide = match usual {
                Some(u) if gaps.len() >= 4 => gap > 1.5 * u && gap > 1.5 * line.size,
                _ => gap > 2.0 * line.size,
            };
        }
        match out.last_mut() {
            Some(prev) if continues && !wide => {
                let ascii = prev.ends_with(|c: char| c.is_ascii_alphanumeric())
                    && text.starts_with(|c: char| c.is_ascii_alphanumeric());
                if ascii {
                    prev.push(' ');
                }
                prev.push_str(&text);
            }
            _ => {
                if wide {
                    out.push(String::new());
                }
                out.push(text);
            }
        }
        continues = line
            .runs
            .last()
            .is_some_and(|r| r.end_x >= right - line.size && !r.text.ends_with(['。', '：', ':']));
    }
    out
}

/// Join a line's runs, with a space only between visibly separate Latin letters or digits.
fn join_runs(runs: &[Run]) -> String {
    let mut out = String::new();
    let mut prev: Option<&Run> = None;
    for run in runs {
        if let Some(p) = prev {
            let gap = run.x - p.end_x;
            let left = out.chars().last();
            let right = run.text.chars().next();
            if gap > 0.15 * run.size
                && left.is_some_and(|c| c.is_ascii_alphanumeric() || c.is_ascii_punctuation())
                && right.is_some_and(|c| c.is_ascii_alphanumeric())
            {
                out.push(' ');
            }
        }
        out.push_str(&run.text);
        prev = Some(run);
    }
    out.trim_end().to_string()
}
