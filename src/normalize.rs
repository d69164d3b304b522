//! Text normalisation for matching, with a map back to the original.
//!
//! The original text is what the user reads; the normalised text is what duizhao compares. They
//! differ in ways that matter for matching but not for reading:
//! - pinyin notes that scrapers put after characters (`區(qū)`, `發(fā)展`) are removed, as is the
//!   garbled form where the opening bracket was lost (`?yōu)`); real brackets such as `(入股)`,
//!   `(2020-2025年)` or `(1)` stay;
//! - full-width ASCII (digits, Latin, brackets, `，；：！？`) is folded to half-width and the ideographic
//!   space to a plain one, so `（一）` and `(一)` are the same;
//! - Traditional characters become Simplified (`zhconv`, MediaWiki + OpenCC tables);
//! - whitespace is dropped except between two ASCII words (PDF extraction scatters spaces inside
//!   Chinese text: `试验区 实施方案`, `到 2020 年`).
//!
//! Normalisation works line by line and records, for every character it emits, where that
//! character came from. The map is stored as anchors — a new anchor only where the offsets stop
//! advancing together — so it stays small for mostly unchanged text.

use crate::chars::is_han;

/// Normalised text with a map from its byte offsets to byte offsets of the original.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Normalized {
    /// The normalised text.
    pub text: String,
    /// `(normalised byte, original byte)` pairs; between anchors both advance together.
    anchors: Vec<(u32, u32)>,
    /// Original byte offset just past the last character pushed.
    orig_end: usize,
}

impl Normalized {
    /// Append one normalised char that came from the original char at `orig_start..orig_end`.
    pub fn push(&mut self, c: char, orig_start: usize, orig_end: usize) {
        let norm_at = self.text.len();
        let continues = self
            .anchors
            .last()
            .is_some_and(|&(n, o)| o as usize + (norm_at - n as usize) == orig_start)
            && self.orig_end == orig_start;
        if !continues {
            self.anchors.push((norm_at as u32, orig_start as u32));
        }
        self.text.push(c);
        // A folded char (3 bytes → 1) breaks the run: record where the next one will come from.
        self.orig_end = orig_end;
        if orig_end - orig_start != c.len_utf8() {
            self.anchors.push((self.text.len() as u32, orig_end as u32));
        }
    }

    /// Append another normalised text (its map comes along).
    pub fn append(&mut self, other: &Normalized) {
        let base = self.text.len() as u32;
        self.text.push_str(&other.text);
        self.anchors
            .extend(other.anchors.iter().map(|&(n, o)| (n + base, o)));
        self.orig_end = other.orig_end;
    }

    /// Original byte offset of normalised byte offset `norm_at` (clamped to the text).
    pub fn to_orig(&self, norm_at: usize) -> usize {
        if self.anchors.is_empty() {
            return self.orig_end;
        }
        if norm_at >= self.text.len() {
            return self.orig_end;
        }
        let idx = self
            .anchors
            .partition_point(|&(n, _)| n as usize <= norm_at);
        let (n, o) = self.anchors[idx.saturating_sub(1)];
        o as usize + norm_at.saturating_sub(n as usize)
    }

    /// Original byte range of a normalised byte range.
    pub fn orig_range(&self, norm: std::ops::Range<usize>) -> std::ops::Range<usize> {
        let start = self.to_orig(norm.start);
        let end = if norm.end >= self.text.len() {
            self.orig_end
        } else {
            self.to_orig(norm.end)
        };
        start..end.max(start)
    }

    /// Original byte offset just past the last character.
    pub fn orig_end(&self) -> usize {
        self.orig_end
    }
}

/// Normalise one line of original text; `base` is the line's byte offset in the document.
pub fn normalize_line(line: &str, base: usize) -> Normalized {
    let chars: Vec<(usize, char)> = line.char_indices().collect();
    let mut kept: Vec<(char, usize, usize)> = Vec::with_capacity(chars.len());
    let mut i = markdown_prefix_len(&chars);
    while i < chars.len() {
        let (at, c) = chars[i];
        // Markdown emphasis (`**一、总体要求**`) is layout, not text.
        if (c == '*' || c == '_') && chars.get(i + 1).is_some_and(|t| t.1 == c) {
            i += 2;
            continue;
        }
        if let Some(skip) = pinyin_note_len(&chars, i) {
            i += skip;
            continue;
        }
        let end = chars.get(i + 1).map_or(line.len(), |&(b, _)| b);
        kept.push((fold_char(c), base + at, base + end));
        i += 1;
    }
    // Drop whitespace except a single space between ASCII alphanumerics; spaces inside a run of
    // single digits (a newspaper archive's `2 0 0 1年2月1 6日`) go too.
    let in_digit_run = spaced_digit_runs(&kept);
    let mut spaced: Vec<(char, usize, usize)> = Vec::with_capacity(kept.len());
    for (idx, &(c, s, e)) in kept.iter().enumerate() {
        if c.is_whitespace() && in_digit_run.get(idx).copied().unwrap_or(false) {
            continue;
        }
        if c.is_whitespace() {
            let prev = spaced.last().map(|t| t.0);
            let next = kept[idx + 1..]
                .iter()
                .map(|t| t.0)
                .find(|c| !c.is_whitespace());
            let keep = matches!((prev, next), (Some(p), Some(n)) if p.is_ascii_alphanumeric() && n.is_ascii_alphanumeric())
                && prev != Some(' ');
            if keep {
                spaced.push((' ', s, e));
            }
            continue;
        }
        spaced.push((c, s, e));
    }
    let folded: String = spaced.iter().map(|t| t.0).collect();
    let converted = to_simplified(&folded);
    let mut out = Normalized::default();
    if converted.chars().count() == spaced.len() {
        for (c, &(_, s, e)) in converted.chars().zip(spaced.iter()) {
            out.push(c, s, e);
        }
    } else {
        // A phrase conversion changed the length: convert char by char to keep the map exact.
        for &(c, s, e) in &spaced {
            let one = to_simplified(c.encode_utf8(&mut [0; 4]));
            let mut it = one.chars();
            out.push(it.next().unwrap_or(c), s, e);
        }
    }
    if out.text.is_empty() {
        out.orig_end = base + line.len();
    }
    out
}

/// Which whitespace chars lie inside a run of single digits separated by single spaces
/// (`2 0 0 1`, `1 6日`): runs of three or more digits, or of two followed by a non-ASCII char
/// (`年`, `月`, `日`). A digit next to a letter or another digit (`A0 1版`) starts no run.
fn spaced_digit_runs(kept: &[(char, usize, usize)]) -> Vec<bool> {
    let mut out = vec![false; kept.len()];
    let ascii_alnum =
        |k: Option<&(char, usize, usize)>| k.is_some_and(|t| t.0.is_ascii_alphanumeric());
    let mut i = 0;
    while i < kept.len() {
        let starts = kept[i].0.is_ascii_digit() && !(i > 0 && ascii_alnum(kept.get(i - 1)));
        if !starts {
            i += 1;
            continue;
        }
        // Extend: digit (space digit)*, each digit alone.
        let mut end = i + 1;
        let mut digits = 1;
        while end + 1 < kept.len()
            && kept[end].0 == ' '
            && kept[end + 1].0.is_ascii_digit()
            && !ascii_alnum(kept.get(end + 2))
        {
            end += 2;
            digits += 1;
        }
        let after = kept.get(end).map(|t| t.0);
        let lone = !ascii_alnum(kept.get(end));
        let ok = lone && (digits >= 3 || (digits == 2 && after.is_some_and(|c| !c.is_ascii())));
        if ok {
            for (k, t) in kept.iter().enumerate().take(end).skip(i) {
                if t.0 == ' ' {
                    out[k] = true;
                }
            }
        }
        i = end.max(i + 1);
    }
    out
}

/// Chars of a Markdown heading or quote marker at the start of a line (`## `, `> `).
fn markdown_prefix_len(chars: &[(usize, char)]) -> usize {
    let lead = chars.iter().take_while(|t| t.1 == ' ').count();
    let hashes = chars[lead..].iter().take_while(|t| t.1 == '#').count();
    let marker = if (1..=6).contains(&hashes) {
        hashes
    } else {
        usize::from(chars.get(lead).is_some_and(|t| t.1 == '>'))
    };
    if marker == 0
        || !chars
            .get(lead + marker)
            .is_some_and(|t| t.1 == ' ' || t.1 == '\u{3000}')
    {
        return 0;
    }
    lead + marker + 1
}

/// Remove pinyin notes from display text, leaving everything else as it is.
pub fn strip_pinyin_notes(text: &str) -> String {
    if !text.contains(['(', '（', '?', '？']) {
        return text.to_string();
    }
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        if let Some(skip) = pinyin_note_len(&chars, i) {
            i += skip;
            continue;
        }
        out.push(chars[i].1);
        i += 1;
    }
    out
}

/// Traditional → Simplified, leaving text that is already simplified untouched (fast path).
pub fn to_simplified(text: &str) -> String {
    if text.is_ascii() {
        return text.to_string();
    }
    zhconv::zhconv(text, zhconv::Variant::ZhHans)
}

/// Normalise a free-standing string (a query, a title) with no map.
pub fn normalize_str(text: &str) -> String {
    let mut out = String::new();
    for line in text.lines() {
        out.push_str(&normalize_line(line, 0).text);
    }
    out
}

/// Fold full-width ASCII to half-width and odd spaces to a plain space.
pub fn fold_char(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        '\u{3000}' | '\u{00A0}' | '\u{2002}'..='\u{200B}' | '\t' => ' ',
        '\u{FEFF}' => ' ',
        '﹝' => '〔',
        '﹞' => '〕',
        '〖' | '【' => '【',
        '〗' | '】' => '】',
        '\u{2014}' | '\u{2015}' | '\u{2500}' => '—',
        _ => c,
    }
}

const TONE_VOWELS: &str = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹḿ";

fn is_pinyin_letter(c: char) -> bool {
    c.is_ascii_lowercase() || TONE_VOWELS.contains(c)
}

/// If a pinyin note starts at `chars[i]`, how many chars it spans.
///
/// A note is `(` + pinyin + `)` right after a Han character, where the pinyin carries a tone mark
/// (`(qū)`) or is a plausible toneless syllable of two or more letters (`(de)`); or the garbled
/// `?` + toned pinyin + `)` where the opening bracket was lost.
fn pinyin_note_len(chars: &[(usize, char)], i: usize) -> Option<usize> {
    let (_, open) = chars[i];
    let prev_han = i > 0 && is_han(chars[i - 1].1);
    let garbled = open == '?' || open == '？';
    if !(open == '(' || open == '（' || garbled) {
        return None;
    }
    if !prev_han && !garbled {
        return None;
    }
    let mut j = i + 1;
    let mut toned = false;
    while j < chars.len() && j - i <= 8 && is_pinyin_letter(chars[j].1) {
        toned |= !chars[j].1.is_ascii();
        j += 1;
    }
    let letters = j - i - 1;
    let close = chars.get(j).map(|t| t.1);
    if letters == 0 || !matches!(close, Some(')') | Some('）')) {
        return None;
    }
    let ok = if garbled {
        toned
    } else {
        toned || (letters >= 2 && is_toneless_syllable(&chars[i + 1..j]))
    };
    ok.then_some(j - i + 1)
}

fn is_toneless_syllable(chars: &[(usize, char)]) -> bool {
    let s: String = chars.iter().map(|t| t.1).collect();
    let rest = [
        "zh", "ch", "sh", "b", "p", "m", "f", "d", "t", "n", "l", "g", "k", "h", "j", "q", "x",
        "r", "z", "c", "s", "y", "w",
    ]
    .iter()
    .find_map(|ini| s.strip_prefix(ini))
    .unwrap_or(&s);
    const FINALS: &[&str] = &[
        "a", "o", "e", "i", "u", "v", "ai", "ei", "ao", "ou", "an", "en", "ang", "eng", "ong",
        "er", "ia", "ie", "iao", "iu", "ian", "in", "iang", "ing", "iong", "ua", "uo", "uai", "ui",
        "uan", "un", "uang", "ue", "ve",
    ];
    FINALS.contains(&rest) && rest.len() < s.len() + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pinyin_notes_go_real_brackets_stay() {
        let n = normalize_line(
            "各區(qū)縣經(jīng)濟(jì)資(入股)村(居)(1)方案(2020-2025年)",
            0,
        );
        assert_eq!(n.text, "各区县经济资(入股)村(居)(1)方案(2020-2025年)");
    }

    #[test]
    fn spaced_newspaper_digits_close_up() {
        assert_eq!(
            normalize_line("(2 0 0 1年2月1 6日云南省)", 0).text,
            "(2001年2月16日云南省)"
        );
        assert_eq!(normalize_line("第 A0 1版", 0).text, "第A0 1版");
        assert_eq!(normalize_line("BH6 6", 0).text, "BH6 6");
        assert_eq!(normalize_line("到 2020 年", 0).text, "到2020年");
    }

    #[test]
    fn garbled_pinyin_goes() {
        assert_eq!(normalize_line("變?yōu)股金", 0).text, "变股金");
    }

    #[test]
    fn full_width_folds_and_map_points_back() {
        let orig = "（一）到 ２０２０ 年";
        let n = normalize_line(orig, 0);
        assert_eq!(n.text, "(一)到2020年");
        let at = n.text.find('年').unwrap();
        assert_eq!(&orig[n.to_orig(at)..], "年");
        let at = n.text.find('一').unwrap();
        assert_eq!(&orig[n.to_orig(at)..n.to_orig(at + 3)], "一");
    }

    #[test]
    fn markdown_marks_are_layout() {
        assert_eq!(normalize_line("## 一、总体要求", 0).text, "一、总体要求");
        assert_eq!(normalize_line("**（一）指导思想**", 0).text, "(一)指导思想");
        assert_eq!(normalize_line("#5 号线", 0).text, "#5号线");
    }

    #[test]
    fn english_words_keep_one_space() {
        assert_eq!(
            normalize_line("GIS  和 5G 网络 big data", 0).text,
            "GIS和5G网络big data"
        );
    }
}
