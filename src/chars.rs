//! Character classes every layer needs: a leaf with no imports from the crate, so the decoder,
//! the normaliser and the document model can all use it without importing each other.

/// Is `c` a Han character (CJK unified ideographs and extensions)?
pub fn is_han(c: char) -> bool {
    matches!(c as u32,
        0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2FA1F)
}

/// Byte ranges sorted and merged: overlapping or touching ranges become one.
pub fn merge_ranges(mut ranges: Vec<std::ops::Range<usize>>) -> Vec<std::ops::Range<usize>> {
    ranges.sort_by_key(|r| (r.start, r.end));
    let mut out: Vec<std::ops::Range<usize>> = Vec::new();
    for r in ranges {
        match out.last_mut() {
            Some(last) if r.start <= last.end => last.end = last.end.max(r.end),
            _ => out.push(r),
        }
    }
    out
}

/// Does a line end as a document's title does (`…规划`, `…方案(2021-2025年)`)? A short list of
/// endings for the text and ingest layers; the document model has the full one.
pub fn reads_as_title(t: &str) -> bool {
    let mut t = t.trim_end();
    if t.ends_with([')', '）'])
        && let Some(open) = t.rfind(['(', '（'])
    {
        t = t[..open].trim_end();
    }
    let t = t.trim_end_matches(['"', '”', '》']);
    [
        "规划", "方案", "意见", "计划", "办法", "纲要", "要点", "决定", "通知", "报告",
    ]
    .iter()
    .any(|d| t.ends_with(d))
}

/// Text without whitespace, except one space between two ASCII letters, so that Latin words stay
/// apart (`Real documents`) while spaced-out Chinese (`关 于 印 发`) and letter-spaced digits of a
/// PDF (`2 0 2 1 年`) close up.
pub fn compact(t: &str) -> String {
    let mut out = String::with_capacity(t.len());
    let mut gap = false;
    for c in t.chars() {
        if c.is_whitespace() {
            gap = true;
            continue;
        }
        if gap && c.is_ascii_alphabetic() && out.ends_with(|p: char| p.is_ascii_alphabetic()) {
            out.push(' ');
        }
        gap = false;
        out.push(c);
    }
    out
}

/// Byte offset of every character of `text`, plus `text.len()` at the end.
pub fn char_starts(text: &str) -> Vec<usize> {
    let mut out: Vec<usize> = text.char_indices().map(|(b, _)| b).collect();
    out.push(text.len());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn han_covers_simplified_traditional_and_extension_characters() {
        assert!("对照淄博鄲堃".chars().all(is_han));
        assert!(is_han('𠀀')); // CJK extension B
        assert!(!"，。（）1a　①".chars().any(is_han));
    }

    #[test]
    fn compact_drops_every_kind_of_space() {
        assert_eq!(compact(" 一、 总体\u{3000}要求\n"), "一、总体要求");
        assert_eq!(compact("推进 5G 网络 建设"), "推进5G网络建设");
    }

    #[test]
    fn compact_keeps_latin_words_apart() {
        assert_eq!(
            compact("# Real  documents\twritten by others"),
            "#Real documents written by others"
        );
        assert_eq!(compact("RCEP 行动 Phase II"), "RCEP行动Phase II");
        assert_eq!(compact("（2 0 2 1 — 2 0 2 5 年）"), "（2021—2025年）");
    }

    #[test]
    fn char_starts_are_byte_offsets_of_each_character_and_the_end() {
        assert_eq!(char_starts("户籍a"), vec![0, 3, 6, 7]);
        assert_eq!(char_starts(""), vec![0]);
    }
}
