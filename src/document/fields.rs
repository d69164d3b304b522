//! Metadata fields of an official document found in single lines: document number (发文字号),
//! dates, plan periods.
//!
//! Each finder looks at one normalised line (half-width brackets and digits) and returns the
//! first match in a canonical form, so that the same document reads the same whatever the page
//! or export it came from.

use crate::chars::is_han;

/// `淄政字〔2020〕95号`, `市中政字〔2021〕45号`, `国办发[2019]12号`.
pub fn find_doc_number(t: &str) -> Option<String> {
    let chars: Vec<char> = t.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        if !matches!(c, '〔' | '[' | '【' | '(') {
            continue;
        }
        let year: String = chars[i + 1..]
            .iter()
            .take_while(|c| c.is_ascii_digit())
            .collect();
        if year.len() != 4 {
            continue;
        }
        let close = chars.get(i + 5).copied();
        if !matches!(close, Some('〕' | ']' | '】' | ')')) {
            continue;
        }
        let num: String = chars[i + 6..]
            .iter()
            .take_while(|c| c.is_ascii_digit())
            .collect();
        if num.is_empty() || chars.get(i + 6 + num.len()) != Some(&'号') {
            continue;
        }
        let prefix: String = chars[..i]
            .iter()
            .rev()
            .take_while(|c| is_han(**c))
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        let prefix: String = prefix
            .chars()
            .rev()
            .take(8)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        if prefix.is_empty() {
            continue;
        }
        let end = i + 6 + num.len() + 1;
        let mut s = prefix;
        s.extend(&chars[i..end]);
        return Some(s);
    }
    None
}

/// First date in a line as `YYYY-MM-DD`: `2020年12月6日` or `2023-12-13`.
pub fn find_date(t: &str) -> Option<String> {
    let chars: Vec<char> = t.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_ascii_digit() && (i == 0 || !chars[i - 1].is_ascii_digit()) {
            let y: String = chars[i..]
                .iter()
                .take_while(|c| c.is_ascii_digit())
                .collect();
            if y.len() == 4 {
                let j = i + 4;
                let sep = chars.get(j).copied();
                if matches!(sep, Some('年' | '-' | '.' | '/')) {
                    let m: String = chars[j + 1..]
                        .iter()
                        .take_while(|c| c.is_ascii_digit())
                        .collect();
                    let k = j + 1 + m.len();
                    let sep2 = chars.get(k).copied();
                    let ok2 = match sep {
                        Some('年') => sep2 == Some('月'),
                        _ => sep2 == sep,
                    };
                    if !m.is_empty() && m.len() <= 2 && ok2 {
                        let d: String = chars[k + 1..]
                            .iter()
                            .take_while(|c| c.is_ascii_digit())
                            .collect();
                        let day_ok = !d.is_empty()
                            && d.len() <= 2
                            && (sep != Some('年') || chars.get(k + 1 + d.len()) == Some(&'日'));
                        let (mv, dv): (u32, u32) = (m.parse().unwrap_or(0), d.parse().unwrap_or(0));
                        if day_ok && (1..=12).contains(&mv) && (1..=31).contains(&dv) {
                            return Some(format!("{y}-{mv:02}-{dv:02}"));
                        }
                    }
                }
            }
            i += y.len().max(1);
            continue;
        }
        i += 1;
    }
    None
}

/// `(2020-2025年)` → `2020-2025`.
pub fn find_period(t: &str) -> Option<String> {
    let chars: Vec<char> = t.chars().collect();
    for i in 0..chars.len() {
        let a: String = chars[i..].iter().take(4).collect();
        if a.len() != 4
            || !a.chars().all(|c| c.is_ascii_digit())
            || (i > 0 && chars[i - 1].is_ascii_digit())
        {
            continue;
        }
        let mut j = i + 4;
        if chars.get(j) == Some(&'年') {
            j += 1;
        }
        if !matches!(chars.get(j), Some('-' | '—' | '–' | '~' | '至' | '到')) {
            continue;
        }
        j += 1;
        let b: String = chars[j..]
            .iter()
            .take_while(|c| c.is_ascii_digit())
            .collect();
        if b.len() == 4 {
            return Some(format!("{a}-{b}"));
        }
    }
    None
}

/// The period of a five-year plan named by its ordinal: `第十个五年计划` or `“十四五”` →
/// `2001-2005`, `2021-2025`. The 3rd plan began in 1966 after a three-year gap, each later one
/// five years after the previous.
pub fn five_year_period(t: &str) -> Option<String> {
    let ordinal = |s: &str| -> Option<u32> {
        let v = crate::numbering::numeral_value(s)?;
        (3..=30).contains(&v).then_some(v)
    };
    let chars: Vec<char> = t.chars().collect();
    for i in 0..chars.len() {
        // 第十个五年 / 第十四个五年
        if chars[i] == '第' {
            let num: String = chars[i + 1..]
                .iter()
                .take_while(|c| "一二三四五六七八九十".contains(**c))
                .collect();
            let rest: String = chars[i + 1 + num.chars().count()..]
                .iter()
                .take(3)
                .collect();
            if !num.is_empty()
                && rest.starts_with("个五年")
                && let Some(n) = ordinal(&num)
            {
                let start = 1966 + 5 * (n - 3);
                return Some(format!("{start}-{}", start + 4));
            }
        }
        // "十四五" / “十五”: an ordinal followed by 五 inside quotes.
        if matches!(chars[i], '"' | '“') {
            let inner: String = chars[i + 1..]
                .iter()
                .take_while(|c| !matches!(**c, '"' | '”'))
                .take(5)
                .collect();
            if let Some(num) = inner.strip_suffix('五')
                && !num.is_empty()
                && num.chars().all(|c| "一二三四五六七八九十".contains(c))
                && let Some(n) = ordinal(num)
                && n >= 6
            {
                let start = 1966 + 5 * (n - 3);
                return Some(format!("{start}-{}", start + 4));
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_in_lines() {
        assert_eq!(
            find_doc_number("淄政字〔2020〕95号").as_deref(),
            Some("淄政字〔2020〕95号")
        );
        assert_eq!(
            find_doc_number("(皖政办秘〔2021〕82号)").as_deref(),
            Some("皖政办秘〔2021〕82号")
        );
        assert_eq!(find_date("2020年12月6日").as_deref(), Some("2020-12-06"));
        assert_eq!(
            find_date("添加日期:2023-12-13作者:").as_deref(),
            Some("2023-12-13")
        );
        assert_eq!(
            find_period("淄博市行动方案(2020-2025年)").as_deref(),
            Some("2020-2025")
        );
        assert_eq!(
            five_year_period("云南省国民经济和社会发展第十个五年计划纲要").as_deref(),
            Some("2001-2005")
        );
        assert_eq!(
            five_year_period("闵行区城市更新“十五五”规划").as_deref(),
            Some("2026-2030")
        );
        assert_eq!(five_year_period("第十五条"), None);
    }
}
