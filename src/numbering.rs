//! The numbering grammar of Chinese official documents: heading numbers in their styles
//! (第X章/第X节/第X条, 一、, （一）, 1./1、, （1）, ①) and the value of Chinese numerals.
//!
//! A leaf both the line classifier ([`crate::lines`]) and the outline ([`crate::outline`]) use:
//! the grammar says what a number *is*; which style sits at which depth is the outline's job.

use serde::Serialize;

/// A numbering style.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum NumberStyle {
    /// 第一部分 / 第一篇
    Division,
    /// 第一章
    Chapter,
    /// 第一节
    Part,
    /// 第一条
    Article,
    /// 壹、 (capital numerals, as financial and Taiwan-style documents number their top level)
    CnCapital,
    /// 一、
    CnComma,
    /// （一）
    CnParen,
    /// 1. / 1、
    Arabic,
    /// （1）
    ArabicParen,
    /// ①
    Circled,
    /// 1.1 / 1.1.1: a planning text's decimal numbering, its depth (2 for `1.1`, 3 for `1.1.1`).
    Decimal(u8),
    /// An unnumbered lead-in line (`实施途径：`) whose list restarts a numbering already in use.
    LeadIn,
    /// An unnumbered heading the document marks as one, at its own level: a Markdown `#` line,
    /// a DOCX heading style, outline level or bold paragraph standing alone, an HTML `h1`–`h4`
    /// (the importers write these as `## 标题`; see [`Line::mark`](crate::lines::Line::mark)).
    Marked(u8),
}

/// A heading number found at the start of a normalised line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Numbering {
    /// Its style.
    pub style: NumberStyle,
    /// The numeric value (一 = 1).
    pub value: u32,
    /// The numeral as written (`一`, `12`).
    pub numeral: String,
    /// Byte offset where the number starts (after a markdown bullet, if any).
    pub start: usize,
    /// Byte offset where the text after the number starts.
    pub rest: usize,
}

/// Parse a heading number at the start of a normalised line.
pub fn parse_number(t: &str) -> Option<Numbering> {
    let mut start = 0;
    for bullet in ["- ", "* ", "• ", "-", "•"] {
        if let Some(r) = t.strip_prefix(bullet)
            && r.starts_with(|c: char| c.is_ascii_digit() || cn_digit(c).is_some() || c == '(')
        {
            start = t.len() - r.len();
            break;
        }
    }
    let s = &t[start..];
    let (style, numeral, consumed) = parse_marker(s)?;
    let value = numeral_value(&numeral)?;
    if value == 0 || value > 199 {
        return None;
    }
    let mut rest = start + consumed;
    rest += t[rest..].len() - t[rest..].trim_start_matches([' ', '、', '.']).len();
    let after = &t[rest..];
    // `一、二级市场`: a numeral list inside a sentence, not a heading.
    if style == NumberStyle::CnComma && after.chars().next().is_some_and(|c| cn_digit(c).is_some())
    {
        return None;
    }
    if style == NumberStyle::Arabic && after.starts_with(|c: char| c.is_ascii_digit() || c == '%') {
        return None;
    }
    Some(Numbering {
        style,
        value,
        numeral,
        start,
        rest,
    })
}

fn parse_marker(s: &str) -> Option<(NumberStyle, String, usize)> {
    let first = s.chars().next()?;
    if first == '第' {
        let body = &s['第'.len_utf8()..];
        let num: String = body
            .chars()
            .take_while(|c| cn_digit(*c).is_some() || c.is_ascii_digit())
            .collect();
        let rest = &body[num.len()..];
        let (style, marker_len) = if rest.starts_with("部分") {
            (NumberStyle::Division, "部分".len())
        } else {
            let after = rest.chars().next()?;
            let style = match after {
                '篇' => NumberStyle::Division,
                '章' => NumberStyle::Chapter,
                '节' => NumberStyle::Part,
                '条' => NumberStyle::Article,
                _ => return None,
            };
            (style, after.len_utf8())
        };
        if num.is_empty() {
            return None;
        }
        return Some((style, num.clone(), '第'.len_utf8() + num.len() + marker_len));
    }
    // 壹、 / 貳、 / 拾壹、: capital numerals, never part of a sentence's numeral list.
    if capital_digit(first).is_some() {
        let cap: String = s
            .chars()
            .take_while(|c| capital_digit(*c).is_some())
            .collect();
        let after = s[cap.len()..].chars().next()?;
        return (cap.chars().count() <= 3 && matches!(after, '、' | '.')).then(|| {
            (
                NumberStyle::CnCapital,
                cap.clone(),
                cap.len() + after.len_utf8(),
            )
        });
    }
    if let Some(v) = circled_value(first) {
        return Some((NumberStyle::Circled, v.to_string(), first.len_utf8()));
    }
    let (open, inner) = match s.strip_prefix('(') {
        Some(r) => (true, r),
        None => (false, s),
    };
    let cn: String = inner
        .chars()
        .take_while(|c| cn_digit(*c).is_some())
        .collect();
    let ar: String = inner.chars().take_while(|c| c.is_ascii_digit()).collect();
    let open_len = usize::from(open);
    if !cn.is_empty() && cn.chars().count() <= 3 {
        let after = inner[cn.len()..].chars().next()?;
        return match (open, after) {
            (_, ')') => Some((NumberStyle::CnParen, cn.clone(), open_len + cn.len() + 1)),
            (false, '、') => Some((NumberStyle::CnComma, cn.clone(), cn.len() + '、'.len_utf8())),
            (false, '.') => Some((NumberStyle::CnComma, cn.clone(), cn.len() + 1)),
            _ => None,
        };
    }
    if !open && let Some(d) = decimal_marker(s) {
        return Some(d);
    }
    if !ar.is_empty() && ar.len() <= 3 {
        let after = inner[ar.len()..].chars().next()?;
        return match (open, after) {
            (_, ')') => Some((
                NumberStyle::ArabicParen,
                ar.clone(),
                open_len + ar.len() + 1,
            )),
            (false, '.') | (false, '、') => {
                Some((NumberStyle::Arabic, ar.clone(), ar.len() + after.len_utf8()))
            }
            _ => None,
        };
    }
    None
}

/// `1.2 标题` / `1.2.3标题`: two to four groups of at most three digits joined by dots, then a
/// space or a Han character that is no unit of a quantity (`1.5亿元` is a number, not a heading).
fn decimal_marker(s: &str) -> Option<(NumberStyle, String, usize)> {
    let mut groups: Vec<&str> = Vec::new();
    let mut at = 0;
    loop {
        let digits = s[at..].bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 || digits > 3 {
            return None;
        }
        groups.push(&s[at..at + digits]);
        at += digits;
        let dot_then_digit =
            s[at..].starts_with('.') && s[at + 1..].starts_with(|c: char| c.is_ascii_digit());
        if !dot_then_digit {
            break;
        }
        at += 1;
    }
    if !(2..=4).contains(&groups.len()) {
        return None;
    }
    let next = s[at..].chars().next()?;
    let heading_follows = next == ' '
        || next == '\u{3000}'
        || (crate::chars::is_han(next) && !"亿万千百倍元米个吨亩年月日时分秒".contains(next));
    if !heading_follows {
        return None;
    }
    let last = groups.last()?.to_string();
    Some((NumberStyle::Decimal(groups.len() as u8), last, at))
}

fn circled_value(c: char) -> Option<u32> {
    match c {
        '①'..='⑳' => Some(c as u32 - '①' as u32 + 1),
        _ => None,
    }
}

fn cn_digit(c: char) -> Option<u32> {
    Some(match c {
        '〇' | '零' => 0,
        '一' => 1,
        '二' => 2,
        '三' => 3,
        '四' => 4,
        '五' => 5,
        '六' => 6,
        '七' => 7,
        '八' => 8,
        '九' => 9,
        '十' => 10,
        '百' => 100,
        _ => return None,
    })
}

/// The plain numeral of a capital one (`壹` → `一`, `貳`/`贰` → `二`, `拾` → `十`).
fn capital_digit(c: char) -> Option<char> {
    Some(match c {
        '壹' => '一',
        '贰' | '貳' => '二',
        // `參` reads `参` once normalised to simplified characters.
        '叁' | '參' | '参' => '三',
        '肆' => '四',
        '伍' => '五',
        '陆' | '陸' => '六',
        '柒' => '七',
        '捌' => '八',
        '玖' => '九',
        '拾' => '十',
        _ => return None,
    })
}

/// Value of a numeral: `12`, `十二`, `二十一`, `一百零五`, `拾壹`.
pub fn numeral_value(s: &str) -> Option<u32> {
    if s.chars().all(|c| c.is_ascii_digit()) {
        return s.parse().ok();
    }
    let mut total = 0u32;
    let mut current = 0u32;
    for c in s.chars() {
        let d = cn_digit(capital_digit(c).unwrap_or(c))?;
        match d {
            10 | 100 => {
                total += current.max(1) * d;
                current = 0;
            }
            _ => current = d,
        }
    }
    Some(total + current)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn style_value(t: &str) -> Option<(NumberStyle, u32, &str)> {
        parse_number(t).map(|n| (n.style, n.value, &t[n.rest..]))
    }

    #[test]
    fn decimal_numbers_of_planning_texts() {
        assert_eq!(
            style_value("1.2 规划范围与期限"),
            Some((NumberStyle::Decimal(2), 2, "规划范围与期限"))
        );
        assert_eq!(
            style_value("2.2.3坚持文化传承"),
            Some((NumberStyle::Decimal(3), 3, "坚持文化传承"))
        );
        // Quantities and plain items are no decimal headings.
        assert_eq!(style_value("1.5亿元用于建设"), None);
        assert_eq!(style_value("3.5%左右"), None);
        assert_eq!(
            style_value("1.加强领导"),
            Some((NumberStyle::Arabic, 1, "加强领导"))
        );
    }

    #[test]
    fn heading_numbers_in_every_style() {
        assert_eq!(
            style_value("第二部分 主要任务"),
            Some((NumberStyle::Division, 2, "主要任务"))
        );
        assert_eq!(
            style_value("第十二章 保障措施"),
            Some((NumberStyle::Chapter, 12, "保障措施"))
        );
        assert_eq!(
            style_value("第三条 本办法自印发之日起施行。"),
            Some((NumberStyle::Article, 3, "本办法自印发之日起施行。"))
        );
        assert_eq!(
            style_value("一、总体要求"),
            Some((NumberStyle::CnComma, 1, "总体要求"))
        );
        assert_eq!(
            style_value("(十一)加强组织领导"),
            Some((NumberStyle::CnParen, 11, "加强组织领导"))
        );
        assert_eq!(
            style_value("二)拓展发展空间"),
            Some((NumberStyle::CnParen, 2, "拓展发展空间"))
        );
        assert_eq!(
            style_value("12.强化创新驱动"),
            Some((NumberStyle::Arabic, 12, "强化创新驱动"))
        );
        assert_eq!(
            style_value("- 3. 控制行政人员编制数量"),
            Some((NumberStyle::Arabic, 3, "控制行政人员编制数量"))
        );
        assert_eq!(
            style_value("(2) 深化改革"),
            Some((NumberStyle::ArabicParen, 2, "深化改革"))
        );
        assert_eq!(
            style_value("③编制村庄规划"),
            Some((NumberStyle::Circled, 3, "编制村庄规划"))
        );
        assert_eq!(
            style_value("貳、發展現況"),
            Some((NumberStyle::CnCapital, 2, "發展現況"))
        );
        assert_eq!(
            style_value("拾壹、附則"),
            Some((NumberStyle::CnCapital, 11, "附則"))
        );
        // Numbers inside text are not headings.
        assert_eq!(style_value("壹佰元"), None);
        assert_eq!(style_value("一、二级土地市场"), None);
        assert_eq!(style_value("1.5亿元用于"), None);
        assert_eq!(style_value("2020年完成"), None);
        assert_eq!(style_value("一是加强领导"), None);
    }

    #[test]
    fn numerals() {
        assert_eq!(numeral_value("十"), Some(10));
        assert_eq!(numeral_value("十二"), Some(12));
        assert_eq!(numeral_value("二十一"), Some(21));
        assert_eq!(numeral_value("一百零五"), Some(105));
        assert_eq!(numeral_value("27"), Some(27));
    }
}
