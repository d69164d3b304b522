//! The heading hierarchy of a Chinese official document.
//!
//! Official documents number their headings in a handful of styles — 第X章/第X节/第X条, 一、,
//! （一）, 1./1、, （1）, ① — but which style sits at which depth is each document's own choice,
//! so levels are assigned by order of first use: a style seen for the first time nests under the
//! current heading, a style seen before closes everything deeper (the way Markdown readers treat
//! list markers). A numbered line counts as a heading only if its number fits the sequence of its
//! style (a restart at 1, or the next number with room for a skipped one), which keeps numbers that
//! a page break pushed to the start of a line (`二级市场…`) inside their sentence.
//!
//! Headings may run into their body (`（一）加强组织领导。成立…`: the title is the first short
//! sentence) or stand alone on a line (`一、指导思想`).
//!
//! What a number is (its style and value) is the grammar in [`crate::numbering`], shared with the
//! line classifier; this module holds the section types, the paragraphs and the sequence rule
//! ([`HeadingState`]). [`tree`] assembles the tree of one plan from its paragraphs, in the text
//! context of [`context`] (display text, measures).

use std::ops::Range;

use serde::Serialize;

use crate::lines::{Line, LineKind};
use crate::measure::Measure;
use crate::normalize::Normalized;
pub mod context;
pub mod tree;

pub use crate::numbering::{NumberStyle, Numbering, numeral_value, parse_number};
pub(crate) use context::{DocCtx, measures_of};

/// What a section is about, decided from its heading and its place.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, serde::Deserialize, PartialOrd, Ord,
)]
pub enum SectionKind {
    /// Profile, basis, situation.
    #[serde(rename = "概况")]
    Profile,
    /// Guiding ideology, general requirements.
    #[serde(rename = "指导思想")]
    Guidance,
    /// Basic principles.
    #[serde(rename = "基本原则")]
    Principles,
    /// Goals and targets.
    #[serde(rename = "目标")]
    Goals,
    /// Tasks and measures.
    #[serde(rename = "任务")]
    Tasks,
    /// Safeguards, organisation, implementation.
    #[serde(rename = "保障")]
    Safeguards,
    /// Anything else.
    #[serde(rename = "其他")]
    Other,
}

impl SectionKind {
    /// The Chinese label.
    pub fn label(self) -> &'static str {
        match self {
            SectionKind::Profile => "概况",
            SectionKind::Guidance => "指导思想",
            SectionKind::Principles => "基本原则",
            SectionKind::Goals => "目标",
            SectionKind::Tasks => "任务",
            SectionKind::Safeguards => "保障",
            SectionKind::Other => "其他",
        }
    }

    /// Kind named by a heading's (simplified) title alone, if it names one.
    pub fn from_title(title: &str) -> Option<SectionKind> {
        let has = |keys: &[&str]| keys.iter().any(|k| title.contains(k));
        if safeguard_title(title)
            || has(&[
                "组织实施",
                "组织领导",
                "实施步骤",
                "工作要求",
                "推进机制",
                "工作机制",
                "督导",
                "考核",
                "监测评估",
                "宣传引导",
            ])
        {
            return Some(SectionKind::Safeguards);
        }
        if has(&[
            "指导思想",
            "总体要求",
            "总体思路",
            "总体考虑",
            "重大意义",
            "基本思路",
        ]) {
            return Some(SectionKind::Guidance);
        }
        if has(&["原则"]) {
            return Some(SectionKind::Principles);
        }
        if has(&["目标", "发展定位", "预期成效", "主要指标"]) {
            return Some(SectionKind::Goals);
        }
        if has(&[
            "基础",
            "现状",
            "概况",
            "背景",
            "形势",
            "基本情况",
            "区情",
            "县情",
            "市情",
        ]) && !has(&["设施", "建设"])
        {
            return Some(SectionKind::Profile);
        }
        if has(&[
            "任务",
            "重点",
            "举措",
            "主要措施",
            "工作内容",
            "试点内容",
            "实施路径",
            "实施途径",
        ]) {
            return Some(SectionKind::Tasks);
        }
        None
    }
}

/// Does a heading name safeguards (`保障措施`, `（五）强化用地保障`) rather than a task that
/// mentions 保障 (`持续增强粮食等重要农产品供给保障能力`, `完善社会保障体系`)? 保障 must be the
/// heading's head noun: the end of the heading (before `措施`/`机制`/`体系`), in a short heading
/// whose object is not a policy area of its own (社会保障, 住房保障 are tasks).
pub fn safeguard_title(title: &str) -> bool {
    let t = title.trim_end_matches(['。', ':', ' ']);
    let core = ["措施", "机制", "工作"]
        .iter()
        .find_map(|s| t.strip_suffix(s))
        .unwrap_or(t);
    let Some(head) = core.strip_suffix("保障") else {
        return false;
    };
    const AREAS: &[&str] = &[
        "社会", "住房", "医疗", "养老", "民生", "生活", "就业", "粮食", "供给", "安全", "基本",
        "社保", "权益", "供应",
    ];
    const MEANS: &[&str] = &[
        "组织", "政策", "要素", "制度", "实施", "工作", "资金", "法治", "人才", "支撑", "服务",
        "用地", "财政", "金融", "机制",
    ];
    MEANS.iter().any(|m| head.ends_with(m))
        || (core.chars().count() <= 10 && !AREAS.iter().any(|a| head.ends_with(a)))
}

/// One section of a plan's outline.
#[derive(Debug, Clone, Serialize)]
pub struct Section {
    /// Index of the section in the plan, in reading order (pre-order).
    pub section_id: usize,
    /// Depth, 1 for top-level sections.
    pub level: usize,
    /// Numbering style.
    pub style: Option<NumberStyle>,
    /// The numeral (`一`, `3`), empty for an unnumbered section.
    pub number: String,
    /// The full marker as the original writes it (`一、`, `（三）`, `(1)`).
    pub label: String,
    /// Title for display (original script, pinyin notes removed); may be empty.
    pub title: String,
    /// Title normalised (simplified, half-width) for matching.
    pub title_norm: String,
    /// What the section is about.
    pub kind: SectionKind,
    /// Original byte range of the whole section, heading to the end of its last descendant.
    pub span: Range<usize>,
    /// Original byte range of the heading line (up to the end of the run-in title).
    pub heading_span: Range<usize>,
    /// The section's own body text for display (children excluded).
    pub body: String,
    /// The section's own body, normalised.
    pub body_norm: String,
    /// Measures of the section's own body.
    pub measures: Vec<Measure>,
    /// Sub-sections.
    pub children: Vec<Section>,
}

impl Section {
    /// This section and all its descendants in reading order.
    pub fn walk(&self) -> Vec<&Section> {
        let mut out = vec![self];
        for c in &self.children {
            out.extend(c.walk());
        }
        out
    }
}

/// A paragraph: consecutive text lines joined where a sentence ran over a line or page break.
#[derive(Debug, Clone)]
pub struct Para {
    /// The joined normalised text with its map to the original.
    pub norm: Normalized,
    /// Line numbers of the first and last line.
    pub lines: Range<usize>,
    /// The heading number, if the paragraph starts with an accepted heading.
    pub numbering: Option<Numbering>,
}

/// Does a normalised line end a sentence (or a bracketed note)?
pub fn ends_sentence(t: &str) -> bool {
    let Some(last) = t.chars().last() else {
        return true;
    };
    if matches!(
        last,
        '。' | '!' | '?' | ';' | ':' | '…' | ')' | '】' | '〕' | '」' | '』'
    ) {
        return true;
    }
    if matches!(last, '”' | '"' | '’') {
        let mut it = t.chars().rev();
        it.next();
        return it
            .next()
            .is_some_and(|c| matches!(c, '。' | '!' | '?' | ';'));
    }
    false
}

/// Sequence state for heading acceptance.
#[derive(Debug, Default)]
pub struct HeadingState {
    last: Vec<(NumberStyle, u32)>,
}

impl HeadingState {
    fn last_of(&self, style: NumberStyle) -> Option<u32> {
        self.last.iter().find(|(s, _)| *s == style).map(|t| t.1)
    }

    /// Would a numbered line be a heading here? `after_open_sentence`: the previous paragraph
    /// ends mid-sentence, so the line is more likely its continuation.
    pub fn accepts(&self, n: &Numbering, after_open_sentence: bool) -> bool {
        match self.last_of(n.style) {
            Some(last) if n.value == last + 1 => true,
            Some(_) | None if n.value == 1 => true,
            Some(last) => !after_open_sentence && n.value > last && n.value <= last + 3,
            None => !after_open_sentence && n.value <= 2,
        }
    }

    /// Record an accepted heading.
    pub fn record(&mut self, n: &Numbering) {
        match self.last.iter_mut().find(|(s, _)| *s == n.style) {
            Some(slot) => slot.1 = n.value,
            None => self.last.push((n.style, n.value)),
        }
    }
}

/// Join the text lines of a body into paragraphs and mark headings.
pub fn build_paragraphs(lines: &[Line]) -> Vec<Para> {
    let mut paras: Vec<Para> = Vec::new();
    let mut state = HeadingState::default();
    for line in lines.iter().filter(|l| l.kind == LineKind::Text) {
        let t = &line.norm.text;
        let open = paras
            .last()
            .is_some_and(|p| !ends_sentence(&p.norm.text) && !is_bare_heading(p));
        let numbering = parse_number(t)
            .filter(|n| state.accepts(n, open))
            .or_else(|| line.mark.map(marked));
        if let Some(n) = numbering {
            if !matches!(n.style, NumberStyle::Marked(_)) {
                state.record(&n);
            }
            paras.push(Para {
                norm: line.norm.clone(),
                lines: line.line_no..line.line_no + 1,
                numbering: Some(n),
            });
            continue;
        }
        let join = match paras.last() {
            None => false,
            Some(p) if is_bare_heading(p) => is_heading_tail(p, t),
            Some(_) => open,
        };
        if join && let Some(p) = paras.last_mut() {
            p.norm.append(&line.norm);
            p.lines.end = line.line_no + 1;
            continue;
        }
        paras.push(Para {
            norm: line.norm.clone(),
            lines: line.line_no..line.line_no + 1,
            numbering: None,
        });
    }
    paras
}

/// The heading of a line marked as an unnumbered heading of `level`.
fn marked(level: u8) -> Numbering {
    Numbering {
        style: NumberStyle::Marked(level),
        value: 0,
        numeral: String::new(),
        start: 0,
        rest: 0,
    }
}

/// A heading paragraph with no sentence in it (`一、指导思想`).
fn is_bare_heading(p: &Para) -> bool {
    p.numbering.as_ref().is_some_and(|n| {
        let rest = &p.norm.text[n.rest..];
        !rest.contains(['。', '!', '?', ';'])
    })
}

/// Is `next` the wrapped end of a heading that stands alone on its line?
fn is_heading_tail(p: &Para, next: &str) -> bool {
    let head = &p.norm.text;
    let n = next.chars().count();
    if head.ends_with([',', '、', '和', '与', '及']) {
        return true;
    }
    n <= 12
        && (next.ends_with('。') || !next.contains(['。', ',', ';']))
        && head.chars().count() >= 16
}

/// Split a heading paragraph's text after the number into (title, body start), in bytes of
/// `text`. A run-in title is the first short sentence; a long first sentence means the paragraph
/// is an untitled numbered item.
pub fn split_title(text: &str, rest: usize) -> (Range<usize>, usize) {
    let after = &text[rest..];
    let stop = after
        .char_indices()
        .find(|(_, c)| matches!(c, '。' | '!' | '?' | ';' | ':'))
        .map(|(i, c)| (i, c.len_utf8()));
    match stop {
        None => (rest..text.len(), text.len()),
        Some((i, len)) => {
            let first = &after[..i];
            let chars = first.chars().count();
            let commas = first.matches([',', '，']).count();
            let colon = after[i..].starts_with(':');
            let short = if colon {
                chars <= 20
            } else {
                chars <= 40 && commas <= 1
            };
            if short {
                (rest..rest + i, rest + i + len)
            } else {
                (rest..rest, rest)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn run_in_titles_split_at_the_first_short_sentence() {
        let t = "(一)加强组织领导。成立工作领导小组,统筹推进。";
        let n = parse_number(t).unwrap();
        let (title, body) = split_title(t, n.rest);
        assert_eq!(&t[title], "加强组织领导");
        assert_eq!(&t[body..], "成立工作领导小组,统筹推进。");
        let long = "(1)完成全区村集体经济组织成员身份认证,全面完成集体资产清产核资,建立健全集体资产台账管理制度,推进股份合作制改革。";
        let n = parse_number(long).unwrap();
        let (title, _) = split_title(long, n.rest);
        assert!(
            title.is_empty(),
            "a long first sentence is an untitled item"
        );
    }

    #[test]
    fn safeguards_by_meaning_not_by_substring() {
        assert_eq!(
            SectionKind::from_title("保障措施"),
            Some(SectionKind::Safeguards)
        );
        assert_eq!(
            SectionKind::from_title("强化用地保障"),
            Some(SectionKind::Safeguards)
        );
        assert_eq!(
            SectionKind::from_title("组织保障"),
            Some(SectionKind::Safeguards)
        );
        assert_ne!(
            SectionKind::from_title("持续增强粮食等重要农产品供给保障能力"),
            Some(SectionKind::Safeguards)
        );
        assert_eq!(
            SectionKind::from_title("强化城乡融合发展组织保障"),
            Some(SectionKind::Safeguards)
        );
        assert_ne!(
            SectionKind::from_title("完善社会保障体系"),
            Some(SectionKind::Safeguards)
        );
    }
}
