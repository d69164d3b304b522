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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_title_lines_are_unnumbered_headings_and_sentences_are_not() {
        assert!(is_unnumbered_heading("总体要求"));
        assert!(is_unnumbered_heading("保障措施"));
        assert!(!is_unnumbered_heading("全面放开落户限制。"));
        assert!(!is_unnumbered_heading("主要任务："));
        // A numbered heading keeps its number and is found by it.
        assert!(!is_unnumbered_heading("一、总体要求"));
        assert!(!is_unnumbered_heading("（二）发展目标"));
        assert!(!is_unnumbered_heading(&"很长的标题".repeat(10)));
        assert!(!is_unnumbered_heading(""));
    }

    #[test]
    fn the_text_budget_is_ten_times_the_file_within_its_bounds() {
        assert_eq!(text_budget(0), 16 * 1024 * 1024);
        assert_eq!(text_budget(4 * 1024 * 1024), 40 * 1024 * 1024);
        assert_eq!(text_budget(usize::MAX), MAX_TEXT_BYTES);
    }
}
