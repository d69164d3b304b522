//! Word's automatic numbering: the list definitions of `word/numbering.xml` (format and template
//! per list level) and the counters that turn a paragraph's list and level back into the number a
//! reader sees (`一、`, `（一）`, `1.`, `(a)`, `IV.`).

use std::collections::HashMap;

use quick_xml::Reader;
use quick_xml::events::Event;

use super::xml::{attr, attr_u32};

/// One level of an abstract list definition.
#[derive(Debug, Clone, Default)]
pub(super) struct Level {
    pub(super) start: u32,
    pub(super) fmt: String,
    pub(super) text: String,
    pub(super) suffix: String,
    pub(super) legal: bool,
}

/// The list definitions of `word/numbering.xml`.
#[derive(Debug, Default)]
pub(super) struct Numbering {
    /// abstractNumId → level → definition.
    pub(super) abstracts: HashMap<u32, HashMap<u32, Level>>,
    /// numId → (abstractNumId, level → start override).
    pub(super) nums: HashMap<u32, (u32, HashMap<u32, u32>)>,
}

pub(super) fn parse_numbering(xml: &str) -> Numbering {
    let mut n = Numbering::default();
    let mut reader = Reader::from_str(xml);
    let mut abstract_id: Option<u32> = None;
    let mut level: Option<(u32, Level)> = None;
    let mut num: Option<(u32, u32, HashMap<u32, u32>)> = None;
    let mut override_lvl: Option<u32> = None;
    while let Ok(ev) = reader.read_event() {
        match ev {
            Event::Start(e) | Event::Empty(e) => match e.local_name().as_ref() {
                b"abstractNum" => abstract_id = attr_u32(&e, b"abstractNumId"),
                b"lvl" if num.is_none() => {
                    level = attr_u32(&e, b"ilvl").map(|i| {
                        (
                            i,
                            Level {
                                start: 1,
                                suffix: "tab".into(),
                                ..Level::default()
                            },
                        )
                    });
                }
                b"start" => {
                    if let (Some((_, l)), Some(v)) = (level.as_mut(), attr_u32(&e, b"val")) {
                        l.start = v;
                    }
                }
                b"numFmt" => {
                    if let (Some((_, l)), Some(v)) = (level.as_mut(), attr(&e, b"val")) {
                        l.fmt = v;
                    }
                }
                b"lvlText" => {
                    if let (Some((_, l)), Some(v)) = (level.as_mut(), attr(&e, b"val")) {
                        l.text = v;
                    }
                }
                b"suff" => {
                    if let (Some((_, l)), Some(v)) = (level.as_mut(), attr(&e, b"val")) {
                        l.suffix = v;
                    }
                }
                b"isLgl" => {
                    if let Some((_, l)) = level.as_mut() {
                        l.legal = !matches!(attr(&e, b"val").as_deref(), Some("0" | "false"));
                    }
                }
                b"num" => {
                    num = attr_u32(&e, b"numId").map(|id| (id, u32::MAX, HashMap::new()));
                }
                b"abstractNumId" => {
                    if let (Some(nm), Some(v)) = (num.as_mut(), attr_u32(&e, b"val")) {
                        nm.1 = v;
                    }
                }
                b"lvlOverride" => override_lvl = attr_u32(&e, b"ilvl"),
                b"startOverride" => {
                    if let (Some(nm), Some(i), Some(v)) =
                        (num.as_mut(), override_lvl, attr_u32(&e, b"val"))
                    {
                        nm.2.insert(i, v);
                    }
                }
                _ => {}
            },
            Event::End(e) => match e.local_name().as_ref() {
                b"lvl" => {
                    if let (Some(a), Some((i, l))) = (abstract_id, level.take()) {
                        n.abstracts.entry(a).or_default().insert(i, l);
                    }
                }
                b"abstractNum" => abstract_id = None,
                b"lvlOverride" => override_lvl = None,
                b"num" => {
                    if let Some((id, a, o)) = num.take() {
                        n.nums.insert(id, (a, o));
                    }
                }
                _ => {}
            },
            Event::Eof => break,
            _ => {}
        }
    }
    n
}

/// Largest list counter value: Word's own limit. A larger start or override is a damaged or
/// crafted file (a letter label for 4294967295 would be 165 million characters long).
pub const MAX_NUMBER_VALUE: u32 = 32_767;

/// Counters of the lists met so far.
pub(super) struct Counters<'a> {
    pub(super) defs: &'a Numbering,
    /// numId → counter per level (`None`: not started or restarted).
    pub(super) state: HashMap<u32, [Option<u32>; 9]>,
    /// The first counter value past [`MAX_NUMBER_VALUE`], if one was met.
    pub(super) error: Option<String>,
}

impl Counters<'_> {
    /// The visible label of the next paragraph in list `num_id` at level `ilvl`.
    pub(super) fn next(&mut self, num_id: u32, ilvl: u32) -> Option<String> {
        let (abs, overrides) = self.defs.nums.get(&num_id)?;
        let levels = self.defs.abstracts.get(abs)?;
        let ilvl = ilvl.min(8);
        let lvl = levels.get(&ilvl)?;
        let start_of = |i: u32| {
            overrides
                .get(&i)
                .copied()
                .or_else(|| levels.get(&i).map(|l| l.start))
                .unwrap_or(1)
        };
        let counters = self.state.entry(num_id).or_insert([None; 9]);
        let i = ilvl as usize;
        counters[i] = Some(match counters[i] {
            Some(c) => c.saturating_add(1),
            None => start_of(ilvl),
        });
        for c in counters.iter_mut().skip(i + 1) {
            *c = None;
        }
        if let Some(v) = counters[i].filter(|v| *v > MAX_NUMBER_VALUE) {
            self.error.get_or_insert_with(|| {
                format!(
                    "numbering value {v} (list {num_id}, level {ilvl}) is past Word's limit of {MAX_NUMBER_VALUE} (damaged or crafted numbering.xml)"
                )
            });
            return None;
        }
        if lvl.fmt == "bullet" || lvl.fmt == "none" && !lvl.text.contains('%') {
            return (lvl.fmt == "none" && !lvl.text.is_empty()).then(|| lvl.text.clone());
        }
        let mut out = String::new();
        let mut chars = lvl.text.chars().peekable();
        while let Some(c) = chars.next() {
            if c == '%'
                && let Some(d) = chars.peek().and_then(|d| d.to_digit(10))
                && (1..=9).contains(&d)
            {
                chars.next();
                let k = d - 1;
                let value = counters[k as usize]
                    .unwrap_or_else(|| start_of(k))
                    .min(MAX_NUMBER_VALUE);
                let fmt = levels.get(&k).map(|l| l.fmt.as_str()).unwrap_or("decimal");
                let fmt = if lvl.legal { "decimal" } else { fmt };
                out.push_str(&format_number(value, fmt));
            } else {
                out.push(c);
            }
        }
        if out.is_empty() {
            return None;
        }
        let sep = match lvl.suffix.as_str() {
            "nothing" => "",
            _ if out.ends_with(['、', '．', '.', '）', ')', '】', '〕', '：', ':']) => "",
            _ => " ",
        };
        out.push_str(sep);
        Some(out)
    }
}

pub(super) const CN_DIGITS: [char; 10] =
    ['〇', '一', '二', '三', '四', '五', '六', '七', '八', '九'];

/// 1 → 一, 10 → 十, 21 → 二十一, 105 → 一百零五.
pub(super) fn chinese_counting(n: u32) -> String {
    if n == 0 {
        return "〇".to_string();
    }
    if n >= 10_000 {
        return n.to_string();
    }
    let units = ['千', '百', '十'];
    let parts = [n / 1000, n / 100 % 10, n / 10 % 10];
    let mut out = String::new();
    let mut zero = false;
    for (d, u) in parts.iter().zip(units) {
        if *d == 0 {
            zero = !out.is_empty();
            continue;
        }
        if zero {
            out.push('零');
            zero = false;
        }
        if !(u == '十' && *d == 1 && out.is_empty()) {
            out.push(CN_DIGITS[*d as usize]);
        }
        out.push(u);
    }
    let ones = n % 10;
    if ones > 0 {
        if zero {
            out.push('零');
        }
        out.push(CN_DIGITS[ones as usize]);
    }
    out
}

pub(super) fn letters(n: u32, upper: bool) -> String {
    if n == 0 {
        return String::new();
    }
    let base = if upper { b'A' } else { b'a' };
    let c = char::from(base + ((n - 1) % 26) as u8);
    std::iter::repeat_n(c, ((n - 1) / 26 + 1) as usize).collect()
}

pub(super) fn roman(mut n: u32, upper: bool) -> String {
    if n == 0 || n >= 4000 {
        return n.to_string();
    }
    let table = [
        (1000, "m"),
        (900, "cm"),
        (500, "d"),
        (400, "cd"),
        (100, "c"),
        (90, "xc"),
        (50, "l"),
        (40, "xl"),
        (10, "x"),
        (9, "ix"),
        (5, "v"),
        (4, "iv"),
        (1, "i"),
    ];
    let mut out = String::new();
    for (v, s) in table {
        while n >= v {
            out.push_str(s);
            n -= v;
        }
    }
    if upper { out.to_uppercase() } else { out }
}

/// A counter value in one of Word's number formats.
pub(super) fn format_number(n: u32, fmt: &str) -> String {
    let from_table = |table: &[char]| -> String {
        match (n as usize).checked_sub(1).and_then(|i| table.get(i)) {
            Some(c) => c.to_string(),
            None => n.to_string(),
        }
    };
    match fmt {
        "chineseCounting"
        | "chineseCountingThousand"
        | "japaneseCounting"
        | "taiwaneseCounting"
        | "taiwaneseCountingThousand"
        | "japaneseDigitalTenThousand" => chinese_counting(n),
        "ideographDigital" | "taiwaneseDigital" => n
            .to_string()
            .chars()
            .filter_map(|c| c.to_digit(10).map(|d| CN_DIGITS[d as usize]))
            .collect(),
        "chineseLegalSimplified" => {
            let legal = ['零', '壹', '贰', '叁', '肆', '伍', '陆', '柒', '捌', '玖'];
            chinese_counting(n)
                .chars()
                .map(|c| match CN_DIGITS.iter().position(|d| *d == c) {
                    Some(i) => legal[i],
                    None => match c {
                        '十' => '拾',
                        '百' => '佰',
                        '千' => '仟',
                        other => other,
                    },
                })
                .collect()
        }
        "ideographTraditional" => {
            from_table(&['甲', '乙', '丙', '丁', '戊', '己', '庚', '辛', '壬', '癸'])
        }
        "ideographZodiac" => from_table(&[
            '子', '丑', '寅', '卯', '辰', '巳', '午', '未', '申', '酉', '戌', '亥',
        ]),
        "decimalEnclosedCircle" | "decimalEnclosedCircleChinese" | "ideographEnclosedCircle" => {
            match n {
                1..=20 => {
                    char::from_u32(0x2460 + n - 1).map_or_else(|| n.to_string(), String::from)
                }
                _ => n.to_string(),
            }
        }
        "decimalEnclosedParen" => match n {
            1..=20 => char::from_u32(0x2474 + n - 1).map_or_else(|| n.to_string(), String::from),
            _ => format!("({n})"),
        },
        "decimalEnclosedFullstop" => match n {
            1..=20 => char::from_u32(0x2488 + n - 1).map_or_else(|| n.to_string(), String::from),
            _ => format!("{n}."),
        },
        "decimalFullWidth" | "decimalFullWidth2" => n
            .to_string()
            .chars()
            .filter_map(|c| char::from_u32(c as u32 - '0' as u32 + 0xFF10))
            .collect(),
        "decimalZero" => format!("{n:02}"),
        "upperLetter" => letters(n, true),
        "lowerLetter" => letters(n, false),
        "upperRoman" => roman(n, true),
        "lowerRoman" => roman(n, false),
        "none" => String::new(),
        _ => n.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_numbers() {
        let got: Vec<String> = [1, 9, 10, 11, 20, 21, 99, 100, 101, 110, 1001]
            .iter()
            .map(|n| chinese_counting(*n))
            .collect();
        assert_eq!(
            got,
            [
                "一",
                "九",
                "十",
                "十一",
                "二十",
                "二十一",
                "九十九",
                "一百",
                "一百零一",
                "一百一十",
                "一千零一"
            ]
        );
        assert_eq!(format_number(3, "decimalEnclosedCircle"), "③");
        assert_eq!(format_number(2, "ideographTraditional"), "乙");
        assert_eq!(format_number(12, "decimalFullWidth"), "１２");
        assert_eq!(format_number(4, "upperRoman"), "IV");
        assert_eq!(format_number(28, "lowerLetter"), "bb");
    }
}
