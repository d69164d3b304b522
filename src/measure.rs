//! Splitting section bodies into measures (措施), the units compared across plans.
//!
//! A measure is one sentence of a body — ended by 。！？； — or one item of an enumeration inside
//! a sentence (`(1)…(2)…`, `①…②…`, `一是…二是…`). Terminators inside brackets, book-title marks
//! and quotes do not split (`（责任单位：…；…）`). Fragments with fewer than
//! [`MIN_MEASURE_CHARS`] characters of content, bare lead-ins (`实施途径：`) and responsibility
//! notes (`（责任单位：…）`) are not measures.

use std::ops::Range;

use serde::Serialize;

/// Fewest Han/alphanumeric characters a measure has.
pub const MIN_MEASURE_CHARS: usize = 6;

/// One measure of a plan.
#[derive(Debug, Clone, Serialize)]
pub struct Measure {
    /// Unique within the corpus: `<plan_id>/m<n>`.
    pub measure_id: String,
    /// Index within its plan, in reading order.
    pub index: usize,
    /// Section it belongs to (`None`: the preamble).
    pub section_id: Option<usize>,
    /// Display text (original script, lines re-joined, pinyin notes removed).
    pub text: String,
    /// Normalised text (simplified, half-width).
    pub norm: String,
    /// Byte range in the original text.
    pub span: Range<usize>,
}

/// Split a normalised body into measure ranges (byte ranges of `text`).
pub fn split_measures(text: &str) -> Vec<Range<usize>> {
    let mut cuts: Vec<usize> = vec![0];
    let mut depth: i32 = 0;
    let mut ascii_quote = false;
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    for (k, &(i, c)) in chars.iter().enumerate() {
        match c {
            '(' | '《' | '【' | '〔' | '“' | '‘' | '「' | '[' => depth += 1,
            ')' | '》' | '】' | '〕' | '”' | '’' | '」' | ']' => depth = (depth - 1).max(0),
            '"' => ascii_quote = !ascii_quote,
            _ => {}
        }
        let inside = depth > 0 || ascii_quote;
        if !inside && matches!(c, '。' | '!' | '?' | ';' | '！' | '？' | '；') {
            // Keep closing quotes/brackets that follow the terminator with this sentence.
            let mut end = i + c.len_utf8();
            for &(j, d) in &chars[k + 1..] {
                if matches!(d, '”' | '’' | '"' | ')' | '」') {
                    end = j + d.len_utf8();
                } else {
                    break;
                }
            }
            cuts.push(end);
            continue;
        }
        if depth <= 1 && !ascii_quote && i > 0 && is_item_marker(text, &chars, k) {
            cuts.push(i);
        }
    }
    cuts.push(text.len());
    cuts.sort_unstable();
    cuts.dedup();
    cuts.windows(2)
        .filter_map(|w| {
            let (mut s, e) = (w[0], w[1]);
            // Leading dashes, bullets and spaces are not part of the measure.
            let lead = text[s..e].len()
                - text[s..e]
                    .trim_start_matches(['—', '-', ' ', '·', '•'])
                    .len();
            s += lead;
            let piece = &text[s..e];
            is_measure(piece).then_some(s..e)
        })
        .collect()
}

/// An enumeration marker starting an item at `chars[k]`: `(2)`, `②`, `二是`, `第二,`.
fn is_item_marker(text: &str, chars: &[(usize, char)], k: usize) -> bool {
    let (i, c) = chars[k];
    let prev = chars[k - 1].1;
    let after_break = matches!(
        prev,
        '。' | ';' | ',' | ':' | ' ' | '；' | '，' | '：' | '、'
    );
    let rest = &text[i..];
    if c == '(' {
        let digits: String = rest[1..].chars().take_while(char::is_ascii_digit).collect();
        return !digits.is_empty()
            && digits.len() <= 2
            && rest[1 + digits.len()..].starts_with(')')
            && !prev.is_ascii_alphanumeric();
    }
    if ('①'..='⑳').contains(&c) {
        return true;
    }
    if after_break {
        let mut it = rest.chars();
        let first = it.next();
        let second = it.next();
        if matches!(
            first,
            Some('一' | '二' | '三' | '四' | '五' | '六' | '七' | '八' | '九' | '十')
        ) && second == Some('是')
        {
            return true;
        }
    }
    false
}

fn is_measure(piece: &str) -> bool {
    let content = piece.chars().filter(|c| c.is_alphanumeric()).count();
    if content < MIN_MEASURE_CHARS {
        return false;
    }
    let trimmed = piece.trim();
    if [
        "(责任单位",
        "(牵头单位",
        "(配合单位",
        "(责任部门",
        "(牵头部门",
        "责任单位:",
        "牵头单位:",
    ]
    .iter()
    .any(|p| trimmed.starts_with(p))
    {
        return false;
    }
    // A lead-in such as `实施途径:` or `主要包括:` introduces items; it is not one.
    // So is the addressee line of an issuing notice (`各区县人民政府，…：`).
    if trimmed.ends_with(':') && (content <= 12 || trimmed.starts_with('各')) {
        return false;
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pieces(t: &str) -> Vec<&str> {
        split_measures(t).into_iter().map(|r| &t[r]).collect()
    }

    #[test]
    fn sentences_and_items_split() {
        let t = "加快户籍制度改革,放宽落户限制。完善土地政策(责任单位:区自然资源局;区财政局)。一是建立基金,支持建设;二是发行债券,支持园区。";
        assert_eq!(
            pieces(t),
            vec![
                "加快户籍制度改革,放宽落户限制。",
                "完善土地政策(责任单位:区自然资源局;区财政局)。",
                "一是建立基金,支持建设;",
                "二是发行债券,支持园区。"
            ]
        );
    }

    #[test]
    fn inline_numbered_items_split_and_short_bits_drop() {
        let t = "主要包括:(1)完善农村产权交易市场;(2)建立农村产权评估机构。好。";
        assert_eq!(
            pieces(t),
            vec!["(1)完善农村产权交易市场;", "(2)建立农村产权评估机构。"]
        );
    }
}
