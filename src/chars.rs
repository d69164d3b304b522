//! Character classes every layer needs: a leaf with no imports from the crate, so the decoder,
//! the normaliser and the document model can all use it without importing each other.

/// Is `c` a Han character (CJK unified ideographs and extensions)?
pub fn is_han(c: char) -> bool {
    matches!(c as u32,
        0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2FA1F)
}

/// Whitespace-free text.
pub fn compact(t: &str) -> String {
    t.chars().filter(|c| !c.is_whitespace()).collect()
}

/// Byte offset of every character of `text`, plus `text.len()` at the end.
pub fn char_starts(text: &str) -> Vec<usize> {
    let mut out: Vec<usize> = text.char_indices().map(|(b, _)| b).collect();
    out.push(text.len());
    out
}
