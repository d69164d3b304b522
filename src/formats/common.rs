//! What every format reader shares: the resource budgets that keep a crafted file from filling
//! memory, and the test for a paragraph that may be marked as an unnumbered heading. A leaf under
//! the readers, so they never import their dispatcher ([`crate::formats`]).

/// Largest number of bytes a compressed container may expand to (zip bomb guard).
pub const MAX_EXPANDED_BYTES: u64 = 256 * 1024 * 1024;

/// Most text any importer produces from one file.
pub const MAX_TEXT_BYTES: usize = 200 * 1024 * 1024;

/// Most text an importer may produce from a file of `input_len` bytes: ten times the file
/// (at least 16 MB, so small files are never cut short), at most [`MAX_TEXT_BYTES`]. Real
/// documents stay far below it (a PDF's or DOCX's text is smaller than the file); a file that
/// expands past it is a crafted one and gets an error instead of filling memory.
pub fn text_budget(input_len: usize) -> usize {
    input_len
        .saturating_mul(10)
        .clamp(16 * 1024 * 1024, MAX_TEXT_BYTES)
}

/// Longest heading (in characters) an importer marks as an unnumbered heading.
pub const MAX_MARKED_HEADING_CHARS: usize = 40;

/// Is `text` (one paragraph) fit to be marked as an unnumbered heading (`## 标题`)? It must be
/// short, not a sentence, and not start with a heading number of its own — a numbered heading
/// is found by its number and keeps its text exactly as written.
pub fn is_unnumbered_heading(text: &str) -> bool {
    let norm = crate::normalize::normalize_line(text, 0).text;
    let n = norm.chars().count();
    n > 0
        && n <= MAX_MARKED_HEADING_CHARS
        && !norm.starts_with('#')
        && !norm.ends_with(['。', ':', ';', ',', '、', '!', '?'])
        && norm.chars().any(|c| c.is_alphanumeric())
        && crate::numbering::parse_number(&norm).is_none()
}
