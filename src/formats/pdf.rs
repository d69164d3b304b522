//! PDF import: the text layer of a PDF, one text line a line, pages separated by a blank line.
//!
//! The document is parsed with `lopdf`; the text is extracted here by walking each page's content
//! stream (`BT`/`ET`, `Tf`, `Td`/`TD`/`Tm`/`T*`, `Tj`/`TJ`/`'`/`"`, `cm`, `q`/`Q`, and form
//! XObjects), decoding strings through the font ([`pdf_font`](super::pdf_font): `ToUnicode`,
//! predefined Unicode and GBK/Big5 CMaps, the embedded TrueType/OpenType program's own cmap,
//! glyph names, WinAnsi), and tracking the text matrix to place each run of glyphs. Runs are
//! grouped into lines by their baseline (within half the font size), lines sorted top to bottom
//! and runs left to right; a space is inserted only between Latin letters or digits that are
//! visibly apart. A page set in two columns (most lines split by a wide gap across the page's
//! middle) is read left column first.
//!
//! Why a hand-written walker and not a PDF text crate: measured on the producer PDFs of
//! `tests/formats_pdf_producers.rs` (LibreOffice, Chromium, Ghostscript, reportlab, qpdf, fonts
//! stripped of `ToUnicode`), `pdf-extract` 0.12 reads the same text where `ToUnicode` exists but
//! splits Chinese lines into one glyph a line or fails on fonts without it, and has no way to
//! count work; see `docs/benchmarks.md`.
//!
//! Page headers, footers and page numbers come out as lines of their own; the plan parser's line
//! classifier drops page numbers and repeated running heads.
//!
//! Errors say what is wrong: a PDF with no text at all (a scan) asks for OCR; a truncated file
//! (no end-of-file marker) asks for the whole file; a PDF whose text is drawn in fonts with no
//! usable Unicode map says so and names the fonts; an encrypted PDF that does not open with the
//! empty password is refused. Work is budgeted — content-stream operators, form XObject draws and
//! depth, CMap size, produced text — so a crafted file fails fast with a clear error. Any panic
//! in the parser is caught and reported as an error.

use std::collections::{BTreeSet, HashMap};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;
use std::rc::Rc;

use lopdf::content::Content;
use lopdf::{Dictionary, Document, Object};

use super::pdf_font::{Font, num};
use crate::import::decode::{ImportError, TextFile};

/// Most pages read from one PDF.
pub const MAX_PAGES: usize = 5000;

/// Most decompressed content-stream bytes read from one page.
pub const MAX_PAGE_CONTENT_BYTES: usize = 32 * 1024 * 1024;

/// Most decompressed content-stream bytes read from the whole document.
pub const MAX_TOTAL_CONTENT_BYTES: usize = 512 * 1024 * 1024;

/// Deepest nesting of form XObjects followed.
pub const MAX_FORM_DEPTH: usize = 8;

/// Most form XObjects drawn in the whole document (a form that draws itself many times per
/// level would otherwise take exponential time).
pub const MAX_FORM_DRAWS: usize = 20_000;

/// Most content-stream operators executed in the whole document, forms included.
pub const MAX_OPERATORS: usize = 20_000_000;

/// Share of shown glyphs (in thousandths) that may be undecodable before the text is refused.
const MAX_UNDECODED_PER_MILLE: usize = 100;

/// Read a PDF file into text.
pub fn read(path: &Path) -> Result<TextFile, ImportError> {
    read_bytes(path, &crate::import::decode::read_bounded(path)?)
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
    if !bytes.windows(5).rev().any(|w| w == b"%%EOF") {
        return Err(not_text(format!(
            "truncated PDF: the file ends after {} bytes without the end-of-file marker %%EOF \
             (an interrupted download or copy?); get the whole file again",
            bytes.len()
        )));
    }
    let budget = super::common::text_budget(bytes.len());
    let text = match catch_unwind(AssertUnwindSafe(|| extract_text(bytes, budget))) {
        Ok(Ok(text)) => text,
        Ok(Err(reason)) => return Err(not_text(reason)),
        Err(_) => {
            return Err(not_text(
                "damaged PDF: the PDF parser failed on it".to_string(),
            ));
        }
    };
    Ok(TextFile {
        path: path.to_path_buf(),
        encoding: "PDF",
        text,
    })
}

/// Work done and glyphs decoded across a document.
#[derive(Default)]
struct Tally {
    operators: usize,
    form_draws: usize,
    /// Glyphs shown.
    glyphs: usize,
    /// Glyphs no font map could decode.
    undecoded: usize,
    /// Fonts with undecodable glyphs, and why.
    bad_fonts: BTreeSet<String>,
    /// Content streams that could not be parsed.
    bad_streams: usize,
    /// Bytes of text decoded so far, and the most allowed.
    text_bytes: usize,
    text_budget: usize,
    input_len: usize,
    /// The first error that stops the walk (a budget exceeded).
    stop: Option<String>,
}

fn too_much_text(budget: usize, input: usize) -> String {
    format!(
        "too much text: more than {} MB from a {} KB file (limit: ten times the file, at least 16 MB, at most {} MB)",
        budget / (1024 * 1024),
        input / 1024,
        super::common::MAX_TEXT_BYTES / (1024 * 1024)
    )
}

/// The whole document's text, or why it has none.
fn extract_text(bytes: &[u8], text_budget: usize) -> Result<String, String> {
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
    let mut tally = Tally {
        text_budget,
        input_len: bytes.len(),
        ..Tally::default()
    };
    let mut out = String::new();
    let mut total = 0usize;
    let mut missing_pages = Vec::new();
    for (&page_no, &page_id) in &pages {
        let content = match doc.get_page_content_with_limit(page_id, MAX_PAGE_CONTENT_BYTES) {
            Ok(c) => c,
            Err(e) => {
                let msg = e.to_string();
                if msg.contains("limit") || msg.contains("exceed") {
                    return Err(format!(
                        "page {page_no}: content too large (over {} MB decompressed): {msg}",
                        MAX_PAGE_CONTENT_BYTES / (1024 * 1024)
                    ));
                }
                missing_pages.push(page_no);
                continue;
            }
        };
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
            tally: &mut tally,
            runs: Vec::new(),
            state: GState::default(),
            stack: Vec::new(),
            font: None,
            tm: IDENTITY,
            tlm: IDENTITY,
            marked: Vec::new(),
        };
        walker.walk(&content, &resources, 0);
        let runs = walker.runs;
        if let Some(stop) = tally.stop.take() {
            return Err(stop);
        }
        let lines = layout_page(runs, &page_box(&doc, page_id));
        if !out.is_empty() {
            out.push('\n');
        }
        for line in lines {
            out.push_str(&line);
            out.push('\n');
        }
        if out.len() > text_budget {
            return Err(too_much_text(text_budget, bytes.len()));
        }
    }
    let has_text = out.chars().any(char::is_alphanumeric);
    if tally.glyphs > 0 && tally.undecoded * 1000 > tally.glyphs * MAX_UNDECODED_PER_MILLE {
        let fonts: Vec<&str> = tally.bad_fonts.iter().map(String::as_str).collect();
        return Err(format!(
            "damaged font map: {} of {} characters are drawn in fonts without a usable Unicode map \
             ({}), so the text cannot be read reliably; run OCR on the pages, or get a better copy",
            tally.undecoded,
            tally.glyphs,
            fonts.join("; ")
        ));
    }
    if !has_text {
        if !missing_pages.is_empty() {
            return Err(format!(
                "damaged PDF: the content of {} of {} pages is missing (first: page {}); the file is truncated or broken",
                missing_pages.len(),
                pages.len(),
                missing_pages[0]
            ));
        }
        if tally.bad_streams > 0 {
            return Err(format!(
                "damaged PDF: {} page content streams cannot be parsed",
                tally.bad_streams
            ));
        }
        return Err("no text layer: scanned PDF? run OCR first".to_string());
    }
    if !missing_pages.is_empty() {
        return Err(format!(
            "damaged PDF: the content of {} of {} pages is missing (first: page {}); the rest has text, but importing it would silently lose pages",
            missing_pages.len(),
            pages.len(),
            missing_pages[0]
        ));
    }
    Ok(out)
}

/// Decoded fonts, keyed by the address of their dictionary in the parsed document.
#[derive(Default)]
struct FontCache {
    fonts: HashMap<usize, Rc<Font>>,
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

/// A page's MediaBox.
struct PageBox {
    x0: f32,
    y0: f32,
    x1: f32,
    y1: f32,
}

impl PageBox {
    fn width(&self) -> f32 {
        self.x1 - self.x0
    }
    fn height(&self) -> f32 {
        self.y1 - self.y0
    }
}

/// The page's MediaBox (inherited), or A4's.
fn page_box(doc: &Document, page_id: lopdf::ObjectId) -> PageBox {
    let mut node = doc.get_dictionary(page_id).ok();
    for _ in 0..32 {
        let Some(dict) = node else { break };
        if let Ok(Object::Array(b)) = dict.get_deref(b"MediaBox", doc) {
            let n: Vec<f32> = b.iter().filter_map(|o| num(doc, o)).collect();
            if n.len() == 4 && n.iter().all(|v| v.is_finite()) && n[0] != n[2] && n[1] != n[3] {
                return PageBox {
                    x0: n[0].min(n[2]),
                    y0: n[1].min(n[3]),
                    x1: n[0].max(n[2]),
                    y1: n[1].max(n[3]),
                };
            }
        }
        node = dict
            .get(b"Parent")
            .and_then(Object::as_reference)
            .and_then(|id| doc.get_dictionary(id))
            .ok();
    }
    PageBox {
        x0: 0.0,
        y0: 0.0,
        x1: 595.0,
        y1: 842.0,
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

/// Walks a content stream, collecting placed text runs.
struct Walker<'a> {
    doc: &'a Document,
    fonts: &'a mut FontCache,
    tally: &'a mut Tally,
    runs: Vec<Run>,
    state: GState,
    stack: Vec<GState>,
    font: Option<Rc<Font>>,
    tm: Matrix,
    tlm: Matrix,
    /// Open marked-content sequences: `Some` for a `/Span` with `/ActualText` (the text, and
    /// where its first glyph was drawn), whose glyphs are replaced by that text.
    marked: Vec<Option<Actual>>,
}

/// Replacement text of a marked-content sequence (`/Span <</ActualText (…)>> BDC … EMC`).
struct Actual {
    text: String,
    at: Option<(f32, f32, f32)>,
    end_x: f32,
}

/// A PDF text string: UTF-16BE with a byte-order mark, else PDFDocEncoding (Latin-1 here).
fn text_string(bytes: &[u8]) -> String {
    match bytes.strip_prefix(b"\xFE\xFF") {
        Some(rest) => {
            let units: Vec<u16> = rest
                .chunks(2)
                .map(|c| u16::from(c[0]) << 8 | u16::from(c.get(1).copied().unwrap_or(0)))
                .collect();
            String::from_utf16_lossy(&units)
        }
        None => bytes.iter().map(|&b| char::from(b)).collect(),
    }
}

impl<'a> Walker<'a> {
    fn walk(&mut self, content: &[u8], resources: &[&'a Dictionary], depth: usize) {
        if self.tally.stop.is_some() {
            return;
        }
        let Ok(content) = Content::decode(content) else {
            self.tally.bad_streams += 1;
            return;
        };
        for op in &content.operations {
            self.tally.operators += 1;
            if self.tally.operators > MAX_OPERATORS {
                self.tally.stop = Some(format!(
                    "too much drawing work: more than {} million content-stream operators \
                     (a crafted or broken PDF?)",
                    MAX_OPERATORS / 1_000_000
                ));
                return;
            }
            if self.tally.stop.is_some() {
                return;
            }
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
                "BMC" if self.marked.len() < 256 => self.marked.push(None),
                "BDC" if self.marked.len() < 256 => {
                    let actual = match op.operands.get(1) {
                        Some(Object::Dictionary(d)) => match d.get(b"ActualText") {
                            Ok(Object::String(t, _)) => Some(text_string(t)),
                            _ => None,
                        },
                        _ => None,
                    };
                    self.marked.push(actual.map(|text| Actual {
                        text,
                        at: None,
                        end_x: 0.0,
                    }));
                }
                "EMC" => {
                    if let Some(Some(a)) = self.marked.pop()
                        && let Some((x, y, size)) = a.at
                    {
                        let text: String = a.text.chars().filter(|c| !c.is_control()).collect();
                        self.tally.text_bytes += text.len();
                        if !text.is_empty() {
                            self.runs.push(Run {
                                x,
                                y,
                                end_x: a.end_x,
                                size,
                                text,
                            });
                        }
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
        self.tally.form_draws += 1;
        if self.tally.form_draws > MAX_FORM_DRAWS {
            self.tally.stop = Some(format!(
                "too much drawing work: more than {MAX_FORM_DRAWS} form XObjects drawn \
                 (a form that draws itself over and over?)"
            ));
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

    fn lookup_font(&mut self, resources: &[&'a Dictionary]) -> Option<Rc<Font>> {
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
            .or_insert_with(|| Rc::new(Font::load(doc, dict)));
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
        let mut shown = 0usize;
        let mut undecoded = 0usize;
        for item in items {
            match item {
                Object::String(bytes, _) => {
                    for (code, len) in font.codes(bytes) {
                        shown += 1;
                        if !font.push_text(code, len, &mut text) {
                            undecoded += 1;
                        }
                        let mut w = font.advance(code) * st.size + st.char_spacing;
                        if font.is_space(code, len) {
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
        self.tally.glyphs += shown;
        self.tally.text_bytes += text.len();
        if self.tally.text_bytes > self.tally.text_budget {
            self.tally.stop = Some(too_much_text(self.tally.text_budget, self.tally.input_len));
            return;
        }
        let in_actual = self.marked.iter().any(Option::is_some);
        if undecoded > 0 && !in_actual {
            self.tally.undecoded += undecoded;
            if self.tally.bad_fonts.len() < 8 {
                let why = font.broken.clone().unwrap_or_else(|| {
                    "no ToUnicode map, and its glyphs name no characters".into()
                });
                self.tally.bad_fonts.insert(format!("{}: {why}", font.name));
            }
        }
        self.tm = mul(&translate(advance, 0.0), &self.tm);
        let end = mul(&self.tm, &st.ctm);
        let size = st.size * (start[2] * start[2] + start[3] * start[3]).sqrt();
        let size = if size.is_finite() && size > 0.0 {
            size
        } else {
            10.0
        };
        // Inside `/ActualText`, the span's text stands for these glyphs.
        if let Some(a) = self.marked.iter_mut().rev().find_map(Option::as_mut) {
            if a.at.is_none() && start[4].is_finite() && start[5].is_finite() {
                a.at = Some((start[4], start[5], size));
            }
            a.end_x = end[4];
            return;
        }
        if !text.is_empty() && start[4].is_finite() && start[5].is_finite() {
            self.runs.push(Run {
                x: start[4],
                y: start[5],
                end_x: end[4],
                size,
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

/// Group runs into lines by baseline (within half the larger font size), top to bottom, each
/// line's runs left to right.
fn group_lines(mut runs: Vec<Run>) -> Vec<Line> {
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
    lines
}

/// The font size most of the page's characters are set in.
fn body_size(runs: &[Run]) -> f32 {
    let mut sizes: Vec<(f32, usize)> = runs
        .iter()
        .map(|r| (r.size, r.text.chars().count()))
        .collect();
    sizes.sort_by(|a, b| a.0.total_cmp(&b.0));
    let total: usize = sizes.iter().map(|s| s.1).sum();
    let mut acc = 0;
    for (size, n) in &sizes {
        acc += n;
        if acc * 2 >= total {
            return *size;
        }
    }
    10.0
}

/// Drop running heads and feet a browser or office suite prints in the page margins (date,
/// title, URL, `3/12`): text clearly smaller than the body, in the top or bottom 7 % of the page.
fn drop_margin_furniture(runs: &mut Vec<Run>, page: &PageBox) {
    let body = body_size(runs);
    let top = page.y1 - 0.07 * page.height();
    let bottom = page.y0 + 0.07 * page.height();
    runs.retain(|r| !(r.size < 0.8 * body && (r.y > top || r.y < bottom)));
}

/// The x of a gutter between two columns of text: a vertical band, wider than the body text
/// size, that (almost) no run crosses, with a good share of the text on either side.
fn find_gutter(runs: &[Run], page: &PageBox) -> Option<f32> {
    let body = body_size(runs);
    let half = 0.6 * body;
    let chars = |r: &Run| r.text.chars().count();
    let total: usize = runs.iter().map(chars).sum();
    if total < 40 {
        return None;
    }
    let mut best: Option<(usize, f32)> = None;
    let (from, to) = (page.x0 + 0.3 * page.width(), page.x0 + 0.7 * page.width());
    let mut c = from;
    while c <= to {
        let crossing: usize = runs
            .iter()
            .filter(|r| r.x < c + half && r.end_x > c - half)
            .map(chars)
            .sum();
        if best.is_none_or(|(n, _)| crossing < n) {
            best = Some((crossing, c));
        }
        c += 2.0;
    }
    let (crossing, c) = best?;
    if crossing * 10 > total {
        return None;
    }
    let left: Vec<&Run> = runs.iter().filter(|r| r.end_x <= c).collect();
    let right: Vec<&Run> = runs.iter().filter(|r| r.x >= c).collect();
    let share = |side: &[&Run]| side.iter().map(|r| chars(r)).sum::<usize>();
    let baselines = |side: &[&Run]| {
        let mut ys: Vec<i64> = side.iter().map(|r| (r.y / body.max(1.0)) as i64).collect();
        ys.sort_unstable();
        ys.dedup();
        ys.len()
    };
    let enough = |side: &[&Run]| share(side) * 100 >= total * 15 && baselines(side) >= 5;
    if !(enough(&left) && enough(&right)) {
        return None;
    }
    // Where a line has text on both sides, the two must be a column gap apart, not the
    // boundary between two runs of one line.
    let lines = group_lines(runs.to_vec());
    let mut two_sided = 0usize;
    let mut apart = 0usize;
    for line in &lines {
        let l = line
            .runs
            .iter()
            .filter(|r| r.end_x <= c)
            .map(|r| r.end_x)
            .fold(f32::MIN, f32::max);
        let r = line
            .runs
            .iter()
            .filter(|r| r.x >= c)
            .map(|r| r.x)
            .fold(f32::MAX, f32::min);
        if l > f32::MIN && r < f32::MAX {
            two_sided += 1;
            if r - l >= 1.5 * line.size {
                apart += 1;
            }
        }
    }
    (apart * 10 >= two_sided * 9).then_some(c)
}

/// Group a page's runs into text lines in reading order: margin furniture dropped; a page set
/// in two columns read column by column, lines that span both columns (a title above them)
/// keeping their place.
fn layout_page(mut runs: Vec<Run>, page: &PageBox) -> Vec<String> {
    runs.retain(|r| !r.text.trim().is_empty());
    if runs.is_empty() {
        return Vec::new();
    }
    drop_margin_furniture(&mut runs, page);
    let gutter = find_gutter(&runs, page);
    if std::env::var_os("DUIZHAO_PDF_DEBUG").is_some() {
        eprintln!("page {}x{} gutter {gutter:?}", page.width(), page.height());
        for r in &runs {
            eprintln!(
                "  run x {:.1}..{:.1} y {:.1} size {:.1} {:?}",
                r.x, r.end_x, r.y, r.size, r.text
            );
        }
    }
    let Some(g) = gutter else {
        return with_paragraph_gaps(&group_lines(runs));
    };
    let (mut span, mut rest): (Vec<Run>, Vec<Run>) =
        runs.into_iter().partition(|r| r.x < g && r.end_x > g);
    // Runs set right next to a spanning run on its baseline are of its line (a centred footer
    // `— 1 —` whose dashes fall either side of the gutter).
    loop {
        let (joins, stays): (Vec<Run>, Vec<Run>) = rest.into_iter().partition(|r| {
            span.iter().any(|s| {
                (s.y - r.y).abs() <= 0.5 * s.size.max(r.size)
                    && (r.x - s.end_x).max(s.x - r.end_x) <= 0.5 * s.size.max(r.size)
            })
        });
        rest = stays;
        if joins.is_empty() {
            break;
        }
        span.extend(joins);
    }
    let span_lines = group_lines(span);
    let mut segments: Vec<(Vec<Run>, Vec<Run>)> =
        (0..=span_lines.len()).map(|_| Default::default()).collect();
    for r in rest {
        let seg = span_lines
            .iter()
            .filter(|l| l.y > r.y + 0.5 * l.size)
            .count();
        if r.end_x <= g {
            segments[seg].0.push(r);
        } else {
            segments[seg].1.push(r);
        }
    }
    let mut out = Vec::new();
    let mut span_lines = span_lines.into_iter();
    // Spanning lines with no column text between them are read together, so that a paragraph
    // across the page keeps its wrapped lines joined.
    let mut spanning: Vec<Line> = Vec::new();
    for (left, right) in segments {
        let column_text = !left.is_empty() || !right.is_empty();
        if column_text && !spanning.is_empty() {
            out.extend(with_paragraph_gaps(&std::mem::take(&mut spanning)));
        }
        for side in [left, right] {
            if !side.is_empty() {
                out.extend(with_paragraph_gaps(&group_lines(side)));
            }
        }
        if let Some(line) = span_lines.next() {
            spanning.push(line);
        }
    }
    if !spanning.is_empty() {
        out.extend(with_paragraph_gaps(&spanning));
    }
    out
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
    // The right text margin: the furthest point at least three lines reach (within a font
    // size); a single overlong line does not move it, and a page of one or two lines has none.
    let mut ends: Vec<(f32, f32)> = lines
        .iter()
        .filter_map(|l| l.runs.last().map(|r| (r.end_x, l.size)))
        .collect();
    ends.sort_by(|a, b| b.0.total_cmp(&a.0));
    let right = ends
        .windows(3)
        .find(|w| w[0].0 - w[2].0 <= w[0].1)
        .map_or(f32::MAX, |w| w[0].0);
    // The left text margin: a line that starts far right of it (a right-aligned signature or
    // date) ends at the right margin by alignment, not because it wraps.
    let left = lines
        .iter()
        .filter_map(|l| l.runs.first().map(|r| r.x))
        .fold(f32::MAX, f32::min);
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
            // A wrapped line never starts with a heading number of its own (`1.强化…`).
            Some(prev)
                if continues
                    && !wide
                    && crate::numbering::parse_number(
                        &crate::normalize::normalize_line(&text, 0).text,
                    )
                    .is_none() =>
            {
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
        let starts_left = line
            .runs
            .first()
            .is_some_and(|r| r.x <= left + 4.0 * line.size);
        continues = starts_left
            && line.runs.last().is_some_and(|r| {
                r.end_x >= right - 2.0 * line.size && !r.text.ends_with(['。', '：', ':'])
            });
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
