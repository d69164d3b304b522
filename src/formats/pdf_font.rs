//! PDF fonts: from the bytes of a text-showing operator to Unicode text and glyph advances.
//!
//! A code becomes text, in this order:
//! 1. the font's `ToUnicode` CMap (what every well-made PDF has);
//! 2. a predefined CMap that is itself Unicode or a Chinese legacy encoding (`UniGB-UCS2-H`,
//!    `UniGB-UTF16-H`, `GBK-EUC-H`, `B5pc-H`…), as used with non-embedded Song/Hei fonts;
//! 3. the embedded font program: a TrueType/OpenType font's own Unicode `cmap` (read with the
//!    `read-fonts` crate) inverted, reached through `CIDToGIDMap` for CID fonts or through the
//!    font's symbol/Mac cmap for simple fonts, else its `post` glyph names;
//! 4. for simple fonts, `/Differences` glyph names and then WinAnsi — but only when the font is
//!    not a symbolic embedded subset: there the codes are private glyph numbers and WinAnsi would
//!    turn Chinese text into Latin junk.
//!
//! A code none of these decode is counted as undecodable (the caller reports a damaged font map
//! when much of the text is), never guessed.

use std::collections::HashMap;

use encoding_rs::Encoding;
use lopdf::{Dictionary, Document, Object};
use read_fonts::{FontRef, TableProvider};

/// Most entries one `ToUnicode` CMap may define (a 2-byte code space has 65,536 codes).
pub const MAX_CMAP_ENTRIES: usize = 1 << 17;

/// Most UTF-16 units all destinations of one `ToUnicode` CMap may hold together.
pub const MAX_CMAP_UNITS: usize = 1 << 20;

/// Largest decompressed font program read (CJK TrueType fonts are up to ~30 MB).
const MAX_FONT_PROGRAM: usize = 48 * 1024 * 1024;

/// How a string's bytes split into codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Split {
    OneByte,
    TwoByte,
    /// A legacy multi-byte encoding (GBK/GB18030, Big5): one byte below 0x80, else two.
    Legacy(&'static Encoding),
}

/// What a predefined (named) CMap of a Type0 font says about its codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Predefined {
    None,
    /// Codes are UTF-16BE units (`UniGB-UCS2-H`, `UniGB-UTF16-H`, …).
    Utf16,
    /// Codes are bytes in a legacy encoding (`GBK-EUC-H`, `B5pc-H`, …).
    Legacy(&'static Encoding),
}

/// A `/Differences` entry.
#[derive(Debug, Clone, Copy)]
enum Named {
    Char(char),
    /// A glyph name that says nothing about its character (`g12`, `glyph7`, `cid123`).
    Unknown,
}

/// What decoding a font's strings needs.
#[derive(Debug)]
pub struct Font {
    /// `BaseFont`, for messages.
    pub name: String,
    split: Split,
    predefined: Predefined,
    type3: bool,
    /// Code → text from the `ToUnicode` CMap.
    to_unicode: HashMap<u32, String>,
    /// Code → char from the embedded font program (via CIDToGIDMap / symbol cmap and the
    /// font's Unicode cmap or glyph names).
    from_program: HashMap<u32, char>,
    /// Single-byte code → glyph from `/Differences`.
    differences: HashMap<u32, Named>,
    /// Codes of a simple font may be read as WinAnsi when nothing else decodes them.
    winansi_ok: bool,
    /// Code → glyph width in glyph space.
    widths: HashMap<u32, f32>,
    default_width: f32,
    /// Glyph space → text space (0.001, or a Type3 font's `FontMatrix`).
    width_scale: f32,
    /// Why the font's Unicode map could not be used, if it could not.
    pub broken: Option<String>,
}

/// A number operand or object (following references).
pub fn num(doc: &Document, o: &Object) -> Option<f32> {
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

fn deref_dict<'a>(doc: &'a Document, o: &'a Object) -> Option<&'a Dictionary> {
    match o {
        Object::Reference(id) => doc.get_dictionary(*id).ok(),
        Object::Dictionary(d) => Some(d),
        _ => None,
    }
}

/// The legacy encoding a predefined CMap name stands for.
fn legacy_cmap(name: &[u8]) -> Option<&'static Encoding> {
    let n = std::str::from_utf8(name).ok()?;
    if n.starts_with("GB") && (n.contains("EUC") || n.starts_with("GBK") || n.contains("pc")) {
        return Some(encoding_rs::GB18030);
    }
    if n.starts_with("B5") || n.starts_with("ETen") || n.starts_with("HKscs") {
        return Some(encoding_rs::BIG5);
    }
    None
}

impl Font {
    /// Read a font dictionary.
    pub fn load(doc: &Document, dict: &Dictionary) -> Font {
        let subtype = dict
            .get(b"Subtype")
            .and_then(Object::as_name)
            .unwrap_or_default();
        let name = dict
            .get_deref(b"BaseFont", doc)
            .and_then(Object::as_name)
            .map(|n| String::from_utf8_lossy(n).into_owned())
            .unwrap_or_else(|_| String::from_utf8_lossy(subtype).into_owned());
        let type0 = subtype == b"Type0";
        let type3 = subtype == b"Type3";
        let mut font = Font {
            name,
            split: if type0 {
                Split::TwoByte
            } else {
                Split::OneByte
            },
            predefined: Predefined::None,
            type3,
            to_unicode: HashMap::new(),
            from_program: HashMap::new(),
            differences: HashMap::new(),
            winansi_ok: true,
            widths: HashMap::new(),
            default_width: if type0 { 1000.0 } else { 500.0 },
            width_scale: 0.001,
            broken: None,
        };
        if let Ok(stream) = dict
            .get_deref(b"ToUnicode", doc)
            .and_then(Object::as_stream)
        {
            match stream.decompressed_content_with_limit(16 * 1024 * 1024) {
                Ok(data) => match parse_cmap(&data) {
                    Ok(map) => font.to_unicode = map,
                    Err(e) => font.broken = Some(e),
                },
                Err(e) => {
                    font.broken = Some(format!("its ToUnicode CMap cannot be read ({e})"));
                }
            }
        }
        if type0 {
            font.load_type0(doc, dict);
        } else {
            font.load_simple(doc, dict, type3);
        }
        font
    }

    fn load_type0(&mut self, doc: &Document, dict: &Dictionary) {
        if let Ok(enc) = dict.get_deref(b"Encoding", doc).and_then(Object::as_name) {
            if enc.windows(4).any(|w| w == b"UCS2" || w == b"UTF1") {
                self.predefined = Predefined::Utf16;
            } else if let Some(e) = legacy_cmap(enc) {
                self.predefined = Predefined::Legacy(e);
                self.split = Split::Legacy(e);
            }
        }
        let Some(desc) = dict
            .get_deref(b"DescendantFonts", doc)
            .and_then(Object::as_array)
            .ok()
            .and_then(|a| a.first())
            .and_then(|o| deref_dict(doc, o))
        else {
            return;
        };
        if let Some(dw) = desc.get(b"DW").ok().and_then(|o| num(doc, o)) {
            self.default_width = dw;
        }
        if let Ok(w) = desc.get_deref(b"W", doc).and_then(Object::as_array) {
            self.widths = parse_cid_widths(doc, w);
        }
        // Only an Identity-encoded font's codes are CIDs we can follow into the font program.
        if self.predefined != Predefined::None || !self.to_unicode.is_empty() {
            return;
        }
        let Some(program) = font_program(doc, desc) else {
            return;
        };
        let Ok(font) = FontRef::new(&program) else {
            return;
        };
        let gid_to_char = unicode_of_glyphs(&font);
        if gid_to_char.is_empty() {
            return;
        }
        let cid_to_gid: Option<Vec<u8>> = desc
            .get_deref(b"CIDToGIDMap", doc)
            .and_then(Object::as_stream)
            .ok()
            .and_then(|s| s.decompressed_content_with_limit(2 * 65_536).ok());
        match cid_to_gid {
            Some(map) => {
                for (cid, pair) in map.chunks_exact(2).enumerate() {
                    let gid = u32::from(pair[0]) << 8 | u32::from(pair[1]);
                    if let Some(&c) = gid_to_char.get(&gid) {
                        self.from_program.insert(cid as u32, c);
                    }
                }
            }
            None => self.from_program = gid_to_char,
        }
    }

    fn load_simple(&mut self, doc: &Document, dict: &Dictionary, type3: bool) {
        let first = dict
            .get(b"FirstChar")
            .ok()
            .and_then(|o| num(doc, o))
            .unwrap_or(0.0)
            .clamp(0.0, 255.0) as u32;
        if let Ok(w) = dict.get_deref(b"Widths", doc).and_then(Object::as_array) {
            for (i, o) in w.iter().take(256).enumerate() {
                if let Some(v) = num(doc, o) {
                    self.widths.insert(first + i as u32, v);
                }
            }
        }
        if type3 {
            if let Ok(Object::Array(m)) = dict.get_deref(b"FontMatrix", doc)
                && let Some(a) = m.first().and_then(|o| num(doc, o))
                && a.is_finite()
                && a != 0.0
            {
                self.width_scale = a.abs();
            }
            self.default_width = 0.0;
        }
        let mut base_encoding = false;
        match dict.get_deref(b"Encoding", doc) {
            Ok(Object::Name(_)) => base_encoding = true,
            Ok(Object::Dictionary(enc)) => {
                base_encoding = enc.get(b"BaseEncoding").is_ok();
                if let Ok(diffs) = enc
                    .get_deref(b"Differences", doc)
                    .and_then(Object::as_array)
                {
                    let mut code = 0u32;
                    for o in diffs {
                        match o {
                            Object::Integer(i) => code = (*i).clamp(0, 255) as u32,
                            Object::Name(n) => {
                                let g = glyph_name_char(n).map_or(Named::Unknown, Named::Char);
                                self.differences.insert(code, g);
                                code = (code + 1).min(255);
                            }
                            _ => {}
                        }
                    }
                }
            }
            _ => {}
        }
        let desc = dict
            .get(b"FontDescriptor")
            .ok()
            .and_then(|o| deref_dict(doc, o));
        let flags = desc
            .and_then(|d| d.get(b"Flags").ok())
            .and_then(|o| num(doc, o))
            .unwrap_or(32.0) as u32;
        let symbolic = flags & 4 != 0 && flags & 32 == 0;
        let has_program = desc.is_some_and(|d| {
            [&b"FontFile"[..], b"FontFile2", b"FontFile3"]
                .iter()
                .any(|k| d.get(k).is_ok())
        });
        let program = if self.to_unicode.is_empty() {
            desc.and_then(|d| font_program(doc, d))
        } else {
            None
        };
        if let Some(program) = &program
            && let Ok(font) = FontRef::new(program)
        {
            let gid_to_char = unicode_of_glyphs(&font);
            if let Ok(cmap) = font.cmap() {
                for code in 0u32..256 {
                    let gid = [0xF000 + code, code]
                        .iter()
                        .find_map(|&c| symbol_or_mac(&cmap, c));
                    if let Some(gid) = gid
                        && let Some(&c) = gid_to_char.get(&gid)
                    {
                        self.from_program.insert(code, c);
                    }
                }
            }
        }
        // A symbolic embedded subset without an encoding of its own numbers its glyphs privately.
        self.winansi_ok = !(symbolic && has_program && !base_encoding);
        if type3 {
            // Type3 glyph names are whatever the producer chose; only `/Differences` names
            // that spell a character and the ToUnicode CMap count.
            self.winansi_ok = false;
        }
    }

    /// Split a string's bytes into character codes (with their byte length, for legacy CMaps).
    pub fn codes(&self, bytes: &[u8]) -> Vec<(u32, u8)> {
        match self.split {
            Split::OneByte => bytes.iter().map(|&b| (u32::from(b), 1)).collect(),
            Split::TwoByte => bytes
                .chunks(2)
                .map(|c| match c {
                    [a, b] => (u32::from(*a) << 8 | u32::from(*b), 2),
                    [a] => (u32::from(*a), 1),
                    _ => (0, 0),
                })
                .collect(),
            Split::Legacy(_) => {
                let mut out = Vec::with_capacity(bytes.len());
                let mut i = 0;
                while i < bytes.len() {
                    if bytes[i] < 0x80 || i + 1 == bytes.len() {
                        out.push((u32::from(bytes[i]), 1));
                        i += 1;
                    } else {
                        out.push((u32::from(bytes[i]) << 8 | u32::from(bytes[i + 1]), 2));
                        i += 2;
                    }
                }
                out
            }
        }
    }

    /// Is the code a single-byte space (word spacing applies)?
    pub fn is_space(&self, code: u32, len: u8) -> bool {
        len == 1 && code == 32
    }

    /// Append the text one code stands for; false when the code cannot be decoded.
    pub fn push_text(&self, code: u32, len: u8, out: &mut String) -> bool {
        if let Some(s) = self.to_unicode.get(&code) {
            out.extend(s.chars().filter(|c| !c.is_control() || *c == '\t'));
            return true;
        }
        match self.predefined {
            Predefined::Utf16 => {
                return match char::from_u32(code) {
                    Some(c) if !c.is_control() => {
                        out.push(c);
                        true
                    }
                    _ => false,
                };
            }
            Predefined::Legacy(enc) => {
                let bytes = if len == 2 {
                    vec![(code >> 8) as u8, code as u8]
                } else {
                    vec![code as u8]
                };
                let (s, bad) = enc.decode_without_bom_handling(&bytes);
                out.extend(s.chars().filter(|c| !c.is_control()));
                return !bad;
            }
            Predefined::None => {}
        }
        if let Some(Named::Char(c)) = self.differences.get(&code) {
            out.push(*c);
            return true;
        }
        if let Some(&c) = self.from_program.get(&code) {
            out.push(c);
            return true;
        }
        if self.split != Split::OneByte
            || !self.winansi_ok
            || matches!(self.differences.get(&code), Some(Named::Unknown))
        {
            return false;
        }
        let Ok(b) = u8::try_from(code) else {
            return false;
        };
        // WinAnsi; for the ASCII range also the standard encoding.
        let byte = [b];
        let (s, _) = encoding_rs::WINDOWS_1252.decode_without_bom_handling(&byte);
        out.extend(s.chars().filter(|c| !c.is_control()));
        true
    }

    /// A code's advance in text space units per unit of font size.
    pub fn advance(&self, code: u32) -> f32 {
        // Codes of a predefined CMap are not CIDs, so `/W` (keyed by CID) does not apply:
        // ideographs and full-width forms are one em, the rest about half.
        if self.predefined != Predefined::None {
            let wide = code >= 0x2E80 || (self.split != Split::TwoByte && code >= 0x8000);
            return if wide {
                self.default_width * self.width_scale
            } else {
                0.5
            };
        }
        let w = self
            .widths
            .get(&code)
            .copied()
            .unwrap_or(self.default_width);
        w * self.width_scale
    }

    /// Is this a Type3 font?
    pub fn is_type3(&self) -> bool {
        self.type3
    }
}

/// The embedded TrueType or OpenType program of a font descriptor.
fn font_program(doc: &Document, desc: &Dictionary) -> Option<Vec<u8>> {
    let desc = match desc.get(b"FontDescriptor") {
        Ok(o) => deref_dict(doc, o)?,
        Err(_) => desc,
    };
    for key in [&b"FontFile2"[..], b"FontFile3"] {
        if let Ok(stream) = desc.get_deref(key, doc).and_then(Object::as_stream) {
            if key == b"FontFile3"
                && stream.dict.get(b"Subtype").and_then(Object::as_name).ok() != Some(b"OpenType")
            {
                continue;
            }
            return stream
                .decompressed_content_with_limit(MAX_FONT_PROGRAM)
                .ok();
        }
    }
    None
}

fn symbol_or_mac(cmap: &read_fonts::tables::cmap::Cmap<'_>, code: u32) -> Option<u32> {
    for record in cmap.encoding_records() {
        let (p, e) = (record.platform_id() as u16, record.encoding_id());
        // Windows symbol (3,0) and Macintosh Roman (1,0).
        if ((p, e) == (3, 0) || (p, e) == (1, 0))
            && let Ok(sub) = record.subtable(cmap.offset_data())
            && let Some(g) = sub.map_codepoint(code)
            && g.to_u32() != 0
        {
            return Some(g.to_u32());
        }
    }
    None
}

/// Glyph id → character, from the font's Unicode cmap subtables (inverted; the lowest code
/// point wins for a glyph that several map to) and then its `post` glyph names.
fn unicode_of_glyphs(font: &FontRef<'_>) -> HashMap<u32, char> {
    let mut out: HashMap<u32, char> = HashMap::new();
    if let Ok(cmap) = font.cmap() {
        let limits = read_fonts::tables::cmap::CmapIterLimits::default_for_font(font);
        for record in cmap.encoding_records() {
            let (p, e) = (record.platform_id() as u16, record.encoding_id());
            let unicode = p == 0 || (p == 3 && (e == 1 || e == 10));
            if !unicode {
                continue;
            }
            let Ok(sub) = record.subtable(cmap.offset_data()) else {
                continue;
            };
            for (cp, gid) in sub.iter_with_limits(limits).take(1 << 17) {
                let g = gid.to_u32();
                if g == 0 {
                    continue;
                }
                let Some(c) = char::from_u32(cp) else {
                    continue;
                };
                // Prefer unified ideographs over compatibility forms and the like.
                match out.get(&g) {
                    Some(old) if !prefer(c, *old) => {}
                    _ => {
                        out.insert(g, c);
                    }
                }
            }
        }
    }
    if let Ok(post) = font.post() {
        let n = font.maxp().map(|m| m.num_glyphs()).unwrap_or(0);
        for g in 1..n {
            if out.contains_key(&u32::from(g)) {
                continue;
            }
            if let Some(name) = post.glyph_name(read_fonts::types::GlyphId16::new(g))
                && let Some(c) = glyph_name_char(name.as_bytes())
            {
                out.insert(u32::from(g), c);
            }
        }
    }
    out
}

/// Should `new` replace `old` as a glyph's character?
fn prefer(new: char, old: char) -> bool {
    let rank = |c: char| match c as u32 {
        0xF900..=0xFAFF | 0x2F00..=0x2FDF | 0x2E80..=0x2EFF => 2,
        0xE000..=0xF8FF => 3,
        _ => 0,
    };
    (rank(new), new) < (rank(old), old)
}

/// A glyph name's character: `uniXXXX`, `uXXXX`, one-letter names and the common punctuation.
pub fn glyph_name_char(name: &[u8]) -> Option<char> {
    let s = std::str::from_utf8(name).ok()?;
    let s = s.split('.').next().unwrap_or(s);
    if let Some(hex) = s.strip_prefix("uni").or_else(|| s.strip_prefix('u'))
        && (4..=6).contains(&hex.len())
        && let Ok(v) = u32::from_str_radix(hex, 16)
    {
        return char::from_u32(v).filter(|c| !c.is_control());
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
        "bracketleft" => '[',
        "bracketright" => ']',
        "percent" => '%',
        "slash" => '/',
        "ampersand" => '&',
        "quotedbl" => '"',
        "quotesingle" => '\'',
        "quoteleft" => '‘',
        "quoteright" => '’',
        "quotedblleft" => '“',
        "quotedblright" => '”',
        "endash" => '–',
        "emdash" => '—',
        "ellipsis" => '…',
        "question" => '?',
        "exclam" => '!',
        "plus" => '+',
        "equal" => '=',
        "numbersign" => '#',
        "at" => '@',
        "underscore" => '_',
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
                for (k, o) in list.iter().enumerate().take(65_536) {
                    if let Some(v) = num(doc, o) {
                        out.insert(first.saturating_add(k as u32), v);
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

/// Parse the `bfchar` and `bfrange` sections of a `ToUnicode` CMap, within
/// [`MAX_CMAP_ENTRIES`] and [`MAX_CMAP_UNITS`].
pub fn parse_cmap(data: &[u8]) -> Result<HashMap<u32, String>, String> {
    let tokens = cmap_tokens(data);
    let mut map = HashMap::new();
    let mut units_total = 0usize;
    let mut add = |map: &mut HashMap<u32, String>, code: u32, units: &[u16]| {
        units_total += units.len();
        if map.len() >= MAX_CMAP_ENTRIES || units_total > MAX_CMAP_UNITS {
            return Err(format!(
                "its ToUnicode CMap defines more than {MAX_CMAP_ENTRIES} codes or {MAX_CMAP_UNITS} characters (damaged or crafted font map)"
            ));
        }
        map.insert(code, String::from_utf16_lossy(units));
        Ok(())
    };
    let mut i = 0;
    let mut mode = 0u8; // 1 = bfchar, 2 = bfrange
    while i < tokens.len() {
        match &tokens[i] {
            Tok::Word(w) if w == b"beginbfchar" => mode = 1,
            Tok::Word(w) if w == b"beginbfrange" => mode = 2,
            Tok::Word(w) if w == b"endbfchar" || w == b"endbfrange" => mode = 0,
            Tok::Hex(src) if mode == 1 => {
                if let Some(Tok::Hex(dst)) = tokens.get(i + 1) {
                    add(&mut map, code_of(src), &utf16_units(dst))?;
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
                            add(&mut map, code, &units)?;
                            if let Some(last) = units.last_mut() {
                                *last = last.wrapping_add(1);
                            }
                        }
                    }
                    Some(Tok::Array(list)) => {
                        for (k, dst) in list.iter().enumerate() {
                            let code = lo.saturating_add(k as u32);
                            if code > hi {
                                break;
                            }
                            add(&mut map, code, &utf16_units(dst))?;
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
    Ok(map)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cmap_ranges_and_budget() {
        let cmap = b"2 beginbfchar <0001> <4E00> <0002> <3001> endbfchar\n\
            1 beginbfrange <0010> <0012> <603B> endbfrange";
        let m = parse_cmap(cmap).unwrap();
        assert_eq!(m.get(&0x11).map(String::as_str), Some("\u{603C}"));
        assert_eq!(m.len(), 5);
        // Many full ranges: refused, not expanded.
        let mut big = Vec::new();
        for k in 0..64u32 {
            big.extend(
                format!(
                    "1 beginbfrange <{:04X}0000> <{:04X}FFFF> <0041> endbfrange\n",
                    k, k
                )
                .bytes(),
            );
        }
        let err = parse_cmap(&big).unwrap_err();
        assert!(err.contains("ToUnicode CMap"), "{err}");
    }

    #[test]
    fn glyph_names() {
        assert_eq!(glyph_name_char(b"uni4E00"), Some('一'));
        assert_eq!(glyph_name_char(b"g286B"), None);
        assert_eq!(glyph_name_char(b"glyph12"), None);
        assert_eq!(glyph_name_char(b"A"), Some('A'));
        assert_eq!(glyph_name_char(b"uni6C11.vert"), Some('民'));
    }

    #[test]
    fn legacy_split() {
        let font = Font {
            name: String::new(),
            split: Split::Legacy(encoding_rs::GB18030),
            predefined: Predefined::Legacy(encoding_rs::GB18030),
            type3: false,
            to_unicode: HashMap::new(),
            from_program: HashMap::new(),
            differences: HashMap::new(),
            winansi_ok: true,
            widths: HashMap::new(),
            default_width: 1000.0,
            width_scale: 0.001,
            broken: None,
        };
        let (bytes, _, _) = encoding_rs::GB18030.encode("A一、");
        let mut out = String::new();
        for (c, l) in font.codes(&bytes) {
            assert!(font.push_text(c, l, &mut out));
        }
        assert_eq!(out, "A一、");
    }
}
