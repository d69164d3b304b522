//! The targets of one sentence (a measure's normalised text), clause by clause: values with
//! their units, the comparator or action that makes them targets, the indicator and the year.
//! The method is described in [`crate::targets`].

use std::sync::LazyLock;

use regex::Regex;

use super::lexicon::*;

/// One target found in a sentence by [`targets_of`], before it is tied to its plan and measure.
#[derive(Debug, Clone, PartialEq)]
pub struct TargetRow {
    /// What is measured (empty when the sentence does not say: the caller may inherit one).
    pub indicator: String,
    /// Target year, if the sentence names one.
    pub year: Option<u32>,
    /// The number (lower bound of a range).
    pub value: f64,
    /// The value as written, with its bound: `46%以上`.
    pub value_text: String,
    /// Unit: `%`, `万人`, …
    pub unit: String,
    /// How the value binds: `达到`, `以上`, …
    pub comparator: String,
}

static VALUE_RE: LazyLock<Option<Regex>> = LazyLock::new(|| {
    let units: Vec<String> = UNITS.iter().map(|u| regex::escape(u)).collect();
    Regex::new(&format!(
        r"(\d+(?:\.\d+)?)(?:[-—–~～至到](\d+(?:\.\d+)?))?({})",
        units.join("|")
    ))
    .ok()
});

static YEAR_RE: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(
        r"(?:((?:19|20)\d{2})(?:年)?[-—–~～至到])?((?:19|20)\d{2})年(?:(?:和|、|及)((?:19|20)\d{2})年)?|十([一二三四五六七八九])五”?(?:规划)?(?:期末|末|时期|期间)",
    )
    .ok()
});

static YEAR_PHRASE_RE: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(
        r"(?:比|较)(?:19|20)\d{2}年(?:底|末)?|(?:力争|预计|计划|争取)?(?:到|至|在|截至|截止)?(?:(?:19|20)\d{2}年?[-—–~～至到])?(?:19|20)\d{2}年(?:底|末|前|内)?(?:(?:和|、|及)(?:19|20)\d{2}年(?:底|末)?)?|“?十[一二三四五六七八九]五”?(?:规划)?(?:期末|末|时期|期间)?|[一二三四五六七八九十\d]+年(?:内|来|间)|每年",
    )
    .ok()
});

/// A year mention: byte position just after it, and the years it names.
struct YearMention {
    end: usize,
    years: Vec<u32>,
}

fn year_mentions(text: &str) -> Vec<YearMention> {
    let Some(re) = YEAR_RE.as_ref() else {
        return Vec::new();
    };
    re.captures_iter(text)
        .filter_map(|c| {
            let whole = c.get(0)?;
            // A year is not the tail of a longer number.
            if text[..whole.start()]
                .chars()
                .next_back()
                .is_some_and(|p| p.is_ascii_digit() || matches!(p, '.' | '比' | '较'))
            {
                return None;
            }
            let mut years = Vec::new();
            if let Some(n) = c.get(4) {
                let k = crate::numbering::numeral_value(n.as_str())?;
                years.push(1955 + 5 * (10 + k));
            } else {
                if let Some(y) = c.get(2).and_then(|m| m.as_str().parse().ok()) {
                    years.push(y);
                }
                if let Some(y) = c.get(3).and_then(|m| m.as_str().parse().ok()) {
                    years.push(y);
                }
            }
            (!years.is_empty()).then_some(YearMention {
                end: whole.end(),
                years,
            })
        })
        .collect()
}

/// A value found in a clause.
#[derive(Debug, Clone)]
struct Val {
    start: usize,
    /// End including a bound (`以上`).
    end: usize,
    value: f64,
    text: String,
    unit: String,
    bound: Option<&'static str>,
}

fn values_in(text: &str, range: std::ops::Range<usize>) -> Vec<Val> {
    let Some(re) = VALUE_RE.as_ref() else {
        return Vec::new();
    };
    let clause = &text[range.clone()];
    let mut out = Vec::new();
    for c in re.captures_iter(clause) {
        let (Some(whole), Some(num), Some(unit)) = (c.get(0), c.get(1), c.get(3)) else {
            continue;
        };
        let start = range.start + whole.start();
        let end = range.start + whole.end();
        let before = text[..start].chars().next_back();
        if before.is_some_and(|p| p.is_ascii_alphanumeric() || matches!(p, '.' | '/' | '〔' | '['))
        {
            continue;
        }
        let after = text[end..].chars().next();
        // `1/4`, `200M`, `5G`: not values with a unit.
        if after.is_some_and(|a| a == '/' || a.is_ascii_alphanumeric()) && unit.as_str() != "%" {
            continue;
        }
        // A year followed by a unit-like character is not a value (`2020年`, handled above;
        // `2020个` does not occur) — but a four-digit count with `个` is kept.
        let Ok(value) = num.as_str().parse::<f64>() else {
            continue;
        };
        let rest = &text[end..range.end];
        let bound = BOUNDS.iter().copied().find(|b| rest.starts_with(b));
        out.push(Val {
            start,
            end: end + bound.map_or(0, str::len),
            value,
            text: whole.as_str().to_string(),
            unit: unit.as_str().to_string(),
            bound,
        });
    }
    out
}

/// Clauses of a measure: byte ranges between `, ; : 。 ! ?` outside brackets.
fn clauses(text: &str) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut depth = 0i32;
    for (i, c) in text.char_indices() {
        match c {
            '(' | '（' | '《' | '“' => depth += 1,
            ')' | '）' | '》' | '”' => depth = (depth - 1).max(0),
            ',' | ';' | ':' | '。' | '!' | '?' | '，' | '；' | '：' if depth == 0 => {
                if i > start {
                    out.push(start..i);
                }
                start = i + c.len_utf8();
            }
            _ => {}
        }
    }
    if start < text.len() {
        out.push(start..text.len());
    }
    out
}

/// A comparator (or action) with the values bound to it.
#[derive(Debug)]
struct Group {
    indicator: String,
    comparator: String,
    values: Vec<Val>,
}

/// `seg` ends with a comparator verb (possibly followed by `约`): the verb and its start.
fn trailing_comparator(seg: &str) -> Option<(&'static str, usize)> {
    let mut s = seg;
    for a in APPROX {
        if let Some(t) = s.strip_suffix(a) {
            s = t;
            break;
        }
    }
    COMPARATORS
        .iter()
        .copied()
        .filter(|v| s.ends_with(v))
        .max_by_key(|v| v.len())
        .map(|v| (v, s.len() - v.len()))
}

/// An action verb at `at` in `seg` that is really the start of a noun: `建成区`, `建设用地`,
/// `转移人口`, `安置小区`.
fn noun_not_verb(seg: &str, at: usize, verb: &str) -> bool {
    seg[at + verb.len()..]
        .chars()
        .next()
        .is_some_and(|c| matches!(c, '区' | '用' | '人' | '房' | '小' | '项'))
}

/// `seg` ends with an action verb right before the value (`打造50个`, `完成全区约200平方公里`).
fn trailing_action(seg: &str) -> Option<&'static str> {
    let mut s = seg;
    for a in APPROX {
        if let Some(t) = s.strip_suffix(a) {
            s = t;
            break;
        }
    }
    for f in ["全市", "全区", "全县", "全镇", "全省", "累计"] {
        if let Some(t) = s.strip_suffix(f) {
            s = t;
            break;
        }
    }
    ACTIONS.iter().copied().find(|v| s.ends_with(v))
}

/// The first action verb inside `seg` followed by a short noun phrase: (verb, phrase).
/// `新增城镇就业`, `吸纳县域内农业转移人口`.
fn inner_action(seg: &str) -> Option<(&'static str, &str)> {
    let mut best: Option<(usize, &'static str)> = None;
    for v in ACTIONS {
        let first = seg
            .match_indices(v)
            .map(|(i, _)| i)
            .find(|&i| !noun_not_verb(seg, i, v));
        if let Some(i) = first
            && best.is_none_or(|(b, _)| i < b)
        {
            best = Some((i, v));
        }
    }
    let (i, v) = best?;
    let np = &seg[i + v.len()..];
    let n = np.chars().count();
    (n > 0 && n <= 20 && !np.ends_with('率')).then_some((v, np))
}

fn clean_indicator(raw: &str) -> String {
    let mut s = match YEAR_PHRASE_RE.as_ref() {
        Some(re) => re.replace_all(raw, "").into_owned(),
        None => raw.to_string(),
    };
    let trim = |s: &str| {
        s.trim_matches(|c: char| {
            c.is_whitespace()
                || matches!(
                    c,
                    '、' | '“' | '”' | '"' | '—' | '-' | '(' | ')' | '（' | '）' | '·' | '.'
                )
        })
        .to_string()
    };
    loop {
        let before = s.clone();
        s = trim(&s);
        // Enumeration markers left over: `一是`, `(1)`.
        for f in LEAD_FILLERS {
            if let Some(t) = s.strip_prefix(f)
                && !t.is_empty()
            {
                s = t.to_string();
                break;
            }
        }
        for f in TAIL_FILLERS {
            if let Some(t) = s.strip_suffix(f) {
                s = t.to_string();
                break;
            }
        }
        if s == before {
            break;
        }
    }
    // A filler alone is no indicator.
    if LEAD_FILLERS.contains(&s.as_str())
        || s.chars().count() < 2
        || s.chars().all(|c| !crate::chars::is_han(c))
    {
        return String::new();
    }
    s
}

/// Split a list of indicators on `和`, `、`, `及`.
fn split_list(ind: &str) -> Vec<String> {
    ind.split(['、', '和', '及'])
        .map(str::to_string)
        .filter(|p| !p.is_empty())
        .collect()
}

fn head_of(p: &str) -> Option<&'static str> {
    HEADS.iter().copied().find(|h| p.ends_with(h))
}

/// Give list items without the shared head the head of the last item, when they parallel the
/// last item's modifier: `常住人口` + `户籍人口城镇化率` → `常住人口城镇化率`; `绿地率` keeps its own.
fn share_head(parts: &mut [String]) {
    let Some(last) = parts.last() else {
        return;
    };
    let Some(h) = HEADS
        .iter()
        .copied()
        .find(|h| last.ends_with(h) && last.len() > h.len())
    else {
        return;
    };
    let modifier_head = head_of(&last[..last.len() - h.len()]);
    let n = parts.len();
    for p in &mut parts[..n - 1] {
        if !p.ends_with(h) && head_of(p) == modifier_head {
            p.push_str(h);
        }
    }
}

fn year_before(mentions: &[YearMention], pos: usize) -> Option<&YearMention> {
    mentions.iter().rev().find(|m| m.end <= pos)
}

/// The comparator a row reports: a bound after `达到 … ` is more precise than the verb.
fn comparator_of(verb: &str, bound: Option<&str>) -> String {
    let plain = matches!(
        verb,
        "达到" | "达" | "为" | "在" | "分别达到" | "分别为" | "分别达"
    );
    match bound {
        Some(b) if plain => b.to_string(),
        _ => verb.to_string(),
    }
}

/// Targets in one normalised measure text. Indicators elided in the text (`到2020年达到66%`)
/// take the previous row's indicator; a text whose first row has none returns it empty (the
/// caller may fill it from context).
pub fn targets_of(text: &str) -> Vec<TargetRow> {
    let mentions = year_mentions(text);
    let mut groups: Vec<(Group, usize)> = Vec::new();
    for clause in clauses(text) {
        let vals = values_in(text, clause.clone());
        let mut cursor = clause.start;
        // The group the last value went to, and whether it names its indicator after the value.
        let mut last_group: Option<(usize, bool)> = None;
        for (k, v) in vals.iter().enumerate() {
            if v.start < cursor {
                continue;
            }
            let seg = &text[cursor..v.start];
            let connective = is_connective(seg);
            // After `打造3家省级特色小镇及`, `30家市级特色小镇` continues with the same verb.
            let continued_action = match last_group {
                Some((g, true)) if connective => {
                    groups.get(g).map(|(grp, _)| grp.comparator.clone())
                }
                _ => None,
            };
            if connective
                && continued_action.is_none()
                && let Some((g, false)) = last_group
                && let Some((grp, _)) = groups.get_mut(g)
            {
                grp.values.push(v.clone());
                cursor = v.end;
                continue;
            }
            if let Some(verb) =
                continued_action.or_else(|| trailing_action(seg).map(str::to_string))
            {
                // `分别实现3万和6万农业转移人口落户城镇`: the values share the noun after the last.
                let mut j = k;
                while let Some(n) = vals.get(j + 1)
                    && is_connective(&text[vals[j].end..n.start])
                {
                    j += 1;
                }
                let last = &vals[j];
                let mut end = vals.get(j + 1).map_or(clause.end, |n| n.start);
                // `培育10家产值超过10亿元的企业`: the second value belongs to the noun.
                if let Some(n) = vals.get(j + 1)
                    && text[n.end..].starts_with('的')
                {
                    end = clause.end;
                }
                let raw = text[last.end..end].trim_end_matches(CONNECTIVES);
                let mut indicator = raw.trim_start_matches('的').to_string();
                if indicator.is_empty() && matches!(verb.as_str(), "融资" | "筹集") {
                    indicator = verb.clone();
                }
                if indicator.is_empty() {
                    continue;
                }
                let grp = Group {
                    indicator,
                    comparator: verb,
                    values: vals[k..=j].to_vec(),
                };
                add(&mut groups, &mut last_group, grp, v.start, true);
                cursor = last.end + raw.len();
                continue;
            }
            // The value ends its clause or its list item (`15个以上、`).
            let at_clause_end = v.end == clause.end || text[v.end..].starts_with('、');
            if let Some((verb, at)) = trailing_comparator(seg) {
                // `为` and `在` bind only rates and bounds: `比例为3%`, `在70%以上`.
                if matches!(verb, "为" | "在") && v.unit != "%" && v.bound.is_none() {
                    continue;
                }
                // `超过5万人的镇`: the value qualifies a noun, it is no target.
                if text[v.end..].starts_with('的') {
                    continue;
                }
                let grp = Group {
                    indicator: seg[..at].to_string(),
                    comparator: verb.to_string(),
                    values: vec![v.clone()],
                };
                add(&mut groups, &mut last_group, grp, v.start, false);
                cursor = v.end;
            } else if let Some(b) = v.bound
                && b != "左右"
                && (v.unit == "%" || seg.ends_with('率'))
            {
                let grp = Group {
                    indicator: seg.to_string(),
                    comparator: b.to_string(),
                    values: vec![v.clone()],
                };
                add(&mut groups, &mut last_group, grp, v.start, false);
                cursor = v.end;
            } else if at_clause_end && let Some((verb, np)) = inner_action(seg) {
                let indicator = if matches!(verb, "新增" | "累计") {
                    format!("{verb}{np}")
                } else {
                    np.to_string()
                };
                let grp = Group {
                    indicator,
                    comparator: verb.to_string(),
                    values: vec![v.clone()],
                };
                add(&mut groups, &mut last_group, grp, v.start, false);
                cursor = v.end;
            }
        }
    }

    let mut rows: Vec<TargetRow> = Vec::new();
    let mut prev_indicator = String::new();
    for (g, pos) in groups {
        let mut indicator = clean_indicator(&g.indicator);
        if indicator.is_empty() {
            indicator = prev_indicator.clone();
        }
        let mention = year_before(&mentions, pos);
        let year_of =
            |v: &Val| year_before(&mentions, v.start).and_then(|m| m.years.last().copied());
        let n = g.values.len();
        let mut parts = split_list(&indicator);
        let mut push = |ind: &str, year: Option<u32>, v: &Val| {
            rows.push(TargetRow {
                indicator: ind.to_string(),
                year,
                value: v.value,
                value_text: v.text.clone() + v.bound.unwrap_or(""),
                unit: v.unit.clone(),
                comparator: comparator_of(&g.comparator, v.bound),
            });
        };
        if n > 1 && parts.len() == n {
            share_head(&mut parts);
            for (p, v) in parts.iter().zip(&g.values) {
                push(p, year_of(v), v);
            }
        } else if n > 1 && mention.is_some_and(|m| m.years.len() == n) {
            let years = mention.map(|m| m.years.clone()).unwrap_or_default();
            for (y, v) in years.iter().zip(&g.values) {
                push(&indicator, Some(*y), v);
            }
        } else if n == 1
            && parts.len() > 1
            && parts
                .iter()
                .all(|p| p.chars().count() >= 4 && head_of(p).is_some())
        {
            for p in &parts {
                push(p, year_of(&g.values[0]), &g.values[0]);
            }
        } else {
            for v in &g.values {
                push(&indicator, year_of(v), v);
            }
        }
        if !indicator.is_empty() {
            prev_indicator = indicator;
        }
    }
    rows
}

/// `seg` only joins two list items: `和`, `、`.
fn is_connective(seg: &str) -> bool {
    !seg.is_empty() && seg.trim_matches(CONNECTIVES).is_empty()
}

/// Record a new group; `after`: its indicator follows the value.
fn add(
    groups: &mut Vec<(Group, usize)>,
    last: &mut Option<(usize, bool)>,
    g: Group,
    pos: usize,
    after: bool,
) {
    groups.push((g, pos));
    *last = Some((groups.len() - 1, after));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(text: &str) -> Vec<(String, Option<u32>, f64, String, String)> {
        targets_of(text)
            .into_iter()
            .map(|r| (r.indicator, r.year, r.value, r.unit, r.comparator))
            .collect()
    }

    fn row(
        i: &str,
        y: Option<u32>,
        v: f64,
        u: &str,
        c: &str,
    ) -> (String, Option<u32>, f64, String, String) {
        (i.into(), y, v, u.into(), c.into())
    }

    #[test]
    fn year_and_rate() {
        assert_eq!(
            rows("到2017年,常住人口城镇化率达到72%。"),
            vec![row("常住人口城镇化率", Some(2017), 72.0, "%", "达到")]
        );
        assert_eq!(
            rows("到2020年,常住人口城镇化率达到75%。"),
            vec![row("常住人口城镇化率", Some(2020), 75.0, "%", "达到")]
        );
    }

    #[test]
    fn value_text_keeps_the_bound() {
        let r = targets_of("到2020年,森林覆盖率达到46%以上。");
        assert_eq!(r.len(), 1);
        assert_eq!(r[0].indicator, "森林覆盖率");
        assert_eq!(r[0].value_text, "46%以上");
        assert_eq!(r[0].comparator, "以上");
    }

    #[test]
    fn two_indicators_in_one_measure() {
        assert_eq!(
            rows("到2020年,全市常住人口城镇化率达到43.2%以上,户籍人口城镇化率达到36.1%。"),
            vec![
                row("常住人口城镇化率", Some(2020), 43.2, "%", "以上"),
                row("户籍人口城镇化率", Some(2020), 36.1, "%", "达到"),
            ]
        );
    }

    #[test]
    fn respectively_list_shares_the_head() {
        assert_eq!(
            rows("到2020年,常住人口和户籍人口城镇化率分别达到60%和45%。"),
            vec![
                row("常住人口城镇化率", Some(2020), 60.0, "%", "分别达到"),
                row("户籍人口城镇化率", Some(2020), 45.0, "%", "分别达到"),
            ]
        );
        assert_eq!(
            rows(
                "到2020年,县城建成区绿地率、绿化覆盖率、人均公共绿地面积分别达到42%、39%和12平方米以上。"
            ),
            vec![
                row("县城建成区绿地率", Some(2020), 42.0, "%", "分别达到"),
                row("绿化覆盖率", Some(2020), 39.0, "%", "分别达到"),
                row("人均公共绿地面积", Some(2020), 12.0, "平方米", "以上"),
            ]
        );
    }

    #[test]
    fn respectively_over_years() {
        assert_eq!(
            rows("到2017年和2020年,常住人口城镇化率分别达到71%左右和75%左右。"),
            vec![
                row("常住人口城镇化率", Some(2017), 71.0, "%", "左右"),
                row("常住人口城镇化率", Some(2020), 75.0, "%", "左右"),
            ]
        );
    }

    #[test]
    fn elided_indicator_in_the_same_measure() {
        assert_eq!(
            rows("到2017年,常住人口城镇化率达到63%,到2020年达到66%,成为全国示范区。"),
            vec![
                row("常住人口城镇化率", Some(2017), 63.0, "%", "达到"),
                row("常住人口城镇化率", Some(2020), 66.0, "%", "达到"),
            ]
        );
        // Nothing to inherit from: the indicator stays empty for the caller to fill.
        assert_eq!(
            rows("到2020年达到75%。"),
            vec![row("", Some(2020), 75.0, "%", "达到")]
        );
    }

    #[test]
    fn actions_and_growth() {
        assert_eq!(
            rows("力争到2020年,实现生产总值年均增长12%以上,社会消费品零售总额年均增长16%以上。"),
            vec![
                row("生产总值", Some(2020), 12.0, "%", "年均增长"),
                row("社会消费品零售总额", Some(2020), 16.0, "%", "年均增长"),
            ]
        );
        assert_eq!(
            rows("到2025年,打造50个新区级以上城乡融合典型项目。"),
            vec![row(
                "新区级以上城乡融合典型项目",
                Some(2025),
                50.0,
                "个",
                "打造"
            )]
        );
        assert_eq!(
            rows("每年新增城镇就业5000人,城镇失业率控制在0.2%以内。"),
            vec![
                row("新增城镇就业", None, 5000.0, "人", "新增"),
                row("城镇失业率", None, 0.2, "%", "控制在"),
            ]
        );
        assert_eq!(
            rows("力争实现26万农业转移人口市民化,常住人口城镇化率达到60%;"),
            vec![
                row("农业转移人口市民化", None, 26.0, "万", "实现"),
                row("常住人口城镇化率", None, 60.0, "%", "达到"),
            ]
        );
    }

    #[test]
    fn action_lists() {
        assert_eq!(
            rows("到2017年和2020年,分别实现3万和6万农业转移人口落户城镇。"),
            vec![
                row("农业转移人口落户城镇", Some(2017), 3.0, "万", "实现"),
                row("农业转移人口落户城镇", Some(2020), 6.0, "万", "实现"),
            ]
        );
        assert_eq!(
            rows("积极建设3家省级特色小镇及30家市级特色小镇。"),
            vec![
                row("省级特色小镇", None, 3.0, "家", "建设"),
                row("市级特色小镇", None, 30.0, "家", "建设"),
            ]
        );
        assert_eq!(
            rows("到2017年,培育10家产值超过10亿元的企业。"),
            vec![row("产值超过10亿元的企业", Some(2017), 10.0, "家", "培育")]
        );
        // A value qualifying a noun is no target.
        assert_eq!(
            rows("对镇区常住人口超过5万人的镇按小城市标准规划建设。"),
            vec![]
        );
    }

    #[test]
    fn comparison_base_year_is_not_the_target_year() {
        assert_eq!(
            rows("到2020年全市城镇人口比2014年增加30万人。"),
            vec![row("城镇人口", Some(2020), 30.0, "万人", "增加")]
        );
    }

    #[test]
    fn several_full_indicators_share_one_value() {
        assert_eq!(
            rows("常住人口基本医疗保险覆盖率、基本养老保险覆盖率达到100%。"),
            vec![
                row("常住人口基本医疗保险覆盖率", None, 100.0, "%", "达到"),
                row("基本养老保险覆盖率", None, 100.0, "%", "达到"),
            ]
        );
    }

    #[test]
    fn fourteenth_five_year_plan_end() {
        assert_eq!(
            rows("“十四五”末,全区森林覆盖率达到30%。"),
            vec![row("森林覆盖率", Some(2025), 30.0, "%", "达到")]
        );
    }

    #[test]
    fn no_target() {
        // Baselines, years, dates, document numbers, counts without a unit.
        for t in [
            "2014年常住人口城镇化率64.8%,户籍人口城镇化率61.63%。",
            "淄政字〔2020〕95号,2020年12月6日印发。",
            "加快推进农村集体经营性建设用地入市,建立健全城乡融合发展体制机制。",
            "5G覆盖城乡区域,实现新城到街镇2G、街镇到村200M网络带宽接入。",
            "形成农村1/4以下、城镇3/4以上的居住布局。",
            "按照2020年部署,推进第3批试点。",
        ] {
            assert_eq!(targets_of(t), Vec::<TargetRow>::new(), "{t}");
        }
    }
}
