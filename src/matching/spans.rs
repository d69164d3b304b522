//! Why two measures match: the character spans they share, after folding width and script.

use std::collections::HashSet;
use std::ops::Range;

use super::types::SPAN_MIN_CHARS;

/// Content characters of a display text, folded and simplified, with their byte ranges.
fn content_chars(text: &str) -> Vec<(char, Range<usize>)> {
    let kept: Vec<(char, Range<usize>)> = text
        .char_indices()
        .map(|(i, c)| (crate::normalize::fold_char(c), i..i + c.len_utf8()))
        .filter(|(c, _)| c.is_alphanumeric())
        .collect();
    let folded: String = kept.iter().map(|k| k.0).collect();
    let simplified = crate::normalize::to_simplified(&folded);
    if simplified.chars().count() == kept.len() {
        simplified
            .chars()
            .zip(kept)
            .map(|(c, (_, r))| (c, r))
            .collect()
    } else {
        kept.into_iter()
            .map(|(c, r)| {
                let one = crate::normalize::to_simplified(c.encode_utf8(&mut [0; 4]));
                (one.chars().next().unwrap_or(c), r)
            })
            .collect()
    }
}

/// Byte ranges of `text` covered by the runs of `chars` that `mark` flags, merged; runs
/// separated only by punctuation or spaces join.
fn covered_ranges(chars: &[(char, Range<usize>)], mark: &[bool]) -> Vec<Range<usize>> {
    let mut out: Vec<Range<usize>> = Vec::new();
    let mut k = 0;
    while k < chars.len() {
        if !mark[k] {
            k += 1;
            continue;
        }
        let start = chars[k].1.start;
        let mut end = chars[k].1.end;
        while k + 1 < chars.len() && mark[k + 1] {
            k += 1;
            end = chars[k].1.end;
        }
        out.push(start..end);
        k += 1;
    }
    out
}

fn window_hash(w: &[(char, Range<usize>)]) -> u64 {
    // FNV-1a over the chars: no allocation, good enough spread for a hash set key.
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for (c, _) in w {
        h ^= *c as u64;
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// Mark, in both texts, every character inside a run of at least `k` content characters that
/// the other text also contains (compared after folding width and script).
fn mark_shared(
    a: &[(char, Range<usize>)],
    b: &[(char, Range<usize>)],
    k: usize,
) -> (Vec<bool>, Vec<bool>) {
    let mut ma = vec![false; a.len()];
    let mut mb = vec![false; b.len()];
    if k == 0 || a.len() < k || b.len() < k {
        return (ma, mb);
    }
    let hb: HashSet<u64> = b.windows(k).map(window_hash).collect();
    let mut ha: HashSet<u64> = HashSet::new();
    for (s, w) in a.windows(k).enumerate() {
        let h = window_hash(w);
        if hb.contains(&h) {
            ha.insert(h);
            ma[s..s + k].iter_mut().for_each(|m| *m = true);
        }
    }
    for (s, w) in b.windows(k).enumerate() {
        if ha.contains(&window_hash(w)) {
            mb[s..s + k].iter_mut().for_each(|m| *m = true);
        }
    }
    (ma, mb)
}

/// The character spans two texts share: byte ranges in `a` and in `b` of every run of at least
/// [`SPAN_MIN_CHARS`] content characters found in the other, compared after folding width and
/// Traditional/Simplified script (punctuation and spaces are skipped, so `，` and `,` never
/// break a run).
pub fn match_spans(a: &str, b: &str) -> (Vec<Range<usize>>, Vec<Range<usize>>) {
    let (ca, cb) = (content_chars(a), content_chars(b));
    let (ma, mb) = mark_shared(&ca, &cb, SPAN_MIN_CHARS);
    (covered_ranges(&ca, &ma), covered_ranges(&cb, &mb))
}

/// Content characters of a text (folded, simplified) with byte ranges; for [`crate::reuse`].
pub(crate) fn content_chars_of(text: &str) -> Vec<(char, Range<usize>)> {
    content_chars(text)
}

/// Hash of a window of content characters; for [`crate::reuse`].
pub(crate) fn hash_window(w: &[(char, Range<usize>)]) -> u64 {
    window_hash(w)
}

/// Merged byte ranges of marked characters; for [`crate::reuse`].
pub(crate) fn ranges_of(chars: &[(char, Range<usize>)], mark: &[bool]) -> Vec<Range<usize>> {
    covered_ranges(chars, mark)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_ignore_width_and_script() {
        let a = "推行積分落戶政策，完善居住證制度。";
        let b = "完善积分落户制度,推进居住证制度改革";
        let (sa, sb) = match_spans(a, b);
        let ta: Vec<&str> = sa.iter().map(|r| &a[r.clone()]).collect();
        let tb: Vec<&str> = sb.iter().map(|r| &b[r.clone()]).collect();
        assert!(ta.contains(&"積分落戶"), "{ta:?}");
        assert!(ta.iter().any(|t| t.contains("居住證制度")), "{ta:?}");
        assert!(tb.contains(&"积分落户"), "{tb:?}");
        assert!(tb.iter().any(|t| t.contains("居住证制度")), "{tb:?}");
        // Nothing shared, nothing marked.
        assert_eq!(
            match_spans("推广智慧供暖", "设立专项资金"),
            (vec![], vec![])
        );
    }
}
