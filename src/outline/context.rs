//! The text context the outline builder works in: a document's original text and classified
//! lines, turning ranges of normalised text back into display text, and the measures of a
//! stretch of text.

use std::ops::Range;

use crate::lines::{Line, LineKind};
use crate::measure::{Measure, split_measures};
use crate::normalize::{Normalized, strip_pinyin_notes};

/// A document's text and its classified lines: what the outline builder needs to turn ranges of
/// normalised text back into display text.
pub(crate) struct DocCtx<'a> {
    /// The decoded file.
    pub(crate) original: &'a str,
    /// Its lines.
    pub(crate) lines: &'a [Line],
}

impl DocCtx<'_> {
    /// Display text of an original byte range: text lines only, re-joined, pinyin notes removed.
    pub(crate) fn display(&self, range: Range<usize>) -> String {
        let first = self
            .lines
            .partition_point(|l| l.orig_range.end < range.start);
        let mut out = String::new();
        for l in &self.lines[first..] {
            if l.orig_range.start >= range.end {
                break;
            }
            if l.kind != LineKind::Text {
                continue;
            }
            let s = range.start.max(l.orig_range.start);
            let e = range.end.min(l.orig_range.end);
            if s >= e {
                continue;
            }
            let piece = self.original.get(s..e).unwrap_or("").trim();
            if piece.is_empty() {
                continue;
            }
            let ascii_join = out
                .chars()
                .last()
                .is_some_and(|c| c.is_ascii_alphanumeric())
                && piece
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_ascii_alphanumeric());
            if ascii_join {
                out.push(' ');
            }
            out.push_str(piece);
        }
        strip_pinyin_notes(&out)
    }

    /// [`DocCtx::display`] of a range of normalised text.
    pub(crate) fn display_norm(&self, norm: &Normalized, range: Range<usize>) -> String {
        self.display(norm.orig_range(range))
    }
}

/// The measures of `norm.text[from..]`, with display text, in a section (`None`: the preamble).
pub(crate) fn measures_of(
    ctx: &DocCtx,
    norm: &Normalized,
    from: usize,
    section_id: Option<usize>,
) -> Vec<Measure> {
    let text = &norm.text[from..];
    split_measures(text)
        .into_iter()
        .map(|r| {
            let r = from + r.start..from + r.end;
            Measure {
                measure_id: String::new(),
                index: 0,
                section_id,
                text: ctx.display_norm(norm, r.clone()),
                norm: norm.text[r.clone()].trim().to_string(),
                span: norm.orig_range(r),
            }
        })
        .collect()
}
