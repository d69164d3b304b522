//! Compilations: one file holding many pilots' plans.
//!
//! A compilation is recognised by its table of contents (entries that name places, matched in
//! order to title lines in the body) or, without one, by several title lines that share a long
//! common ending (`…国家新型城镇化综合试点工作方案要点`). Each found plan starts at its title line
//! and is named by the place that title starts with.

use crate::lines::{Line, LineKind};
use crate::normalize::strip_pinyin_notes;
use crate::numbering::{NumberStyle, parse_number};

/// A plan found in a compilation: its first line and its name.
#[derive(Debug, Clone)]
pub(super) struct PilotStart {
    pub(super) line: usize,
    pub(super) name: String,
}

/// Endings of a plan's title.
pub(super) const DOC_TYPES: &[&str] = &[
    "方案",
    "要点",
    "规划",
    "意见",
    "计划",
    "办法",
    "决定",
    "纲要",
    "措施",
    "通知",
    "细则",
    "条例",
    "报告",
    "指南",
    "实施意见",
];

fn compact(t: &str) -> String {
    t.chars().filter(|c| !c.is_whitespace()).collect()
}

/// A line that could be (part of) a title: short, no sentence end, not numbered.
pub(super) fn title_like(t: &str) -> bool {
    let n = t.chars().count();
    n > 0
        && n <= 60
        && !t.contains(['。', ';', '!', '?'])
        && !t.ends_with([':', ',', '、'])
        && parse_number(t).is_none()
}

fn toc_entries(lines: &[Line]) -> Vec<String> {
    let mut out = Vec::new();
    for l in lines.iter().filter(|l| l.kind == LineKind::Toc) {
        let t = &l.norm.text;
        let cell = if t.starts_with('|') {
            t.split('|')
                .map(str::trim)
                .find(|c| !c.is_empty())
                .unwrap_or("")
                .to_string()
        } else {
            t.clone()
        };
        let cell = cell
            .trim_end_matches(|c: char| c.is_ascii_digit() || c.is_whitespace())
            .trim_end_matches(['.', '…', '·', '_', '-', '。', ' '])
            .to_string();
        let mut cell = compact(&cell);
        // A numbered entry naming a place's document (`1.广州市城市更新实施办法`): the title.
        if let Some(n) = parse_number(&cell)
            && matches!(n.style, NumberStyle::Arabic | NumberStyle::ArabicParen)
            && let Some(rest) = cell.get(n.rest..)
            && names_a_place(rest)
            && DOC_TYPES.iter().any(|d| rest.ends_with(d))
        {
            cell = rest.to_string();
        }
        if cell.chars().count() < 2
            || cell.chars().all(|c| c == '-' || c == ':')
            || cell == "目录"
            || cell == "目次"
        {
            continue;
        }
        out.push(cell);
    }
    out
}

fn common_suffix_chars(items: &[String]) -> usize {
    let Some(first) = items.first() else { return 0 };
    let rev: Vec<char> = first.chars().rev().collect();
    let mut n = rev.len();
    for it in &items[1..] {
        let common = it
            .chars()
            .rev()
            .zip(rev.iter())
            .take_while(|(a, b)| a == *b)
            .count();
        n = n.min(common);
    }
    n
}

/// The ending names share, as characters: the common ending of `items`, but not the unit
/// character of the place names before it (`寿光市…方案`, `荣成市…方案` share `…方案`, not `市…方案`).
fn shared_ending(items: &[String]) -> usize {
    let n = common_suffix_chars(items);
    let starts_with_unit = items.first().is_some_and(|first| {
        let total = first.chars().count();
        first
            .chars()
            .nth(total.saturating_sub(n))
            .is_some_and(|c| "省市区县州旗镇乡盟".contains(c))
    });
    if n > 0 && starts_with_unit { n - 1 } else { n }
}

fn drop_suffix(s: &str, chars: usize) -> String {
    let total = s.chars().count();
    s.chars().take(total.saturating_sub(chars)).collect()
}

/// Find the plans of a compilation, or `None` for a single-plan file.
pub(super) fn find_compilation_plans(original: &str, lines: &[Line]) -> Option<Vec<PilotStart>> {
    let entries = toc_entries(lines);
    let names_places =
        entries.iter().filter(|e| parse_number(e).is_none()).count() * 2 > entries.len();
    if entries.len() >= 2
        && names_places
        && let Some(found) = match_toc(original, lines, &entries)
    {
        return Some(found);
    }
    repeated_titles(original, lines)
}

/// Does a name contain an administrative unit (省/市/区/县/州/旗/镇/乡/盟)?
fn names_a_place(name: &str) -> bool {
    let base = name.split(['(', '（']).next().unwrap_or(name);
    base.contains(['省', '市', '区', '县', '州', '旗', '镇', '乡', '盟'])
}

fn match_toc(original: &str, lines: &[Line], entries: &[String]) -> Option<Vec<PilotStart>> {
    let suffix = shared_ending(entries);
    let tail: String = {
        let s: Vec<char> = entries[0].chars().collect();
        let keep = suffix.min(4);
        s[s.len() - keep..].iter().collect()
    };
    let names: Vec<String> = entries.iter().map(|e| drop_suffix(e, suffix)).collect();
    let last_toc = lines.iter().rposition(|l| l.kind == LineKind::Toc)?;
    let text: Vec<&Line> = lines[last_toc + 1..]
        .iter()
        .filter(|l| l.kind == LineKind::Text)
        .collect();
    let mut found: Vec<(usize, String)> = Vec::new();
    let mut from = 0;
    for name in &names {
        if name.is_empty() {
            continue;
        }
        let hit = (from..text.len()).find(|&k| {
            let t = compact(&text[k].norm.text);
            if !t.starts_with(name.as_str()) || !title_like(&t) {
                return false;
            }
            let joined = match text.get(k + 1) {
                Some(next) => format!("{t}{}", compact(&next.norm.text)),
                None => t.clone(),
            };
            tail.is_empty()
                || t.ends_with(&tail)
                || (joined.ends_with(&tail) && joined.chars().count() <= 70)
        });
        if let Some(k) = hit {
            found.push((k, name.clone()));
            from = k + 1;
        }
    }
    if found.len() < 2 || found.len() * 2 < names.len() {
        return None;
    }
    // Names as the headings write them: heading text minus the ending all headings share.
    let headings: Vec<String> = found
        .iter()
        .map(|(k, _)| compact(&text[*k].norm.text))
        .collect();
    let shared = shared_ending(&headings);
    Some(
        found
            .iter()
            .zip(&headings)
            .map(|((k, toc_name), h)| {
                let from_heading = drop_suffix(h, shared);
                let name_norm = if shared >= 2 && from_heading.starts_with(toc_name.as_str()) {
                    from_heading
                } else {
                    toc_name.clone()
                };
                // Titles sharing no ending (`广州市城市更新实施办法`, `深圳市…工作方案`): the
                // place each starts with.
                let name_norm = if DOC_TYPES.iter().any(|d| name_norm.ends_with(d)) {
                    crate::document::naming::place_in_title(&name_norm).unwrap_or(name_norm)
                } else {
                    name_norm
                };
                PilotStart {
                    line: text[*k].line_no,
                    name: original_form(original, text[*k], &name_norm),
                }
            })
            .collect(),
    )
}

/// The original-script form of a name that the normalised line starts with (`（临港地区）`
/// keeps its full-width brackets); the normalised name if the two do not line up.
fn original_form(original: &str, line: &Line, name_norm: &str) -> String {
    let n = name_norm.chars().count();
    let end_norm = line
        .norm
        .text
        .char_indices()
        .filter(|(_, c)| !c.is_whitespace())
        .nth(n)
        .map_or(line.norm.text.len(), |(i, _)| i);
    let raw = original
        .get(line.norm.orig_range(0..end_norm))
        .unwrap_or("");
    let form: String = strip_pinyin_notes(raw)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    if form.chars().count() == n {
        form
    } else {
        name_norm.to_string()
    }
}

/// Without a table of contents: several title lines that share a long ending.
fn repeated_titles(original: &str, lines: &[Line]) -> Option<Vec<PilotStart>> {
    let cands: Vec<(&Line, String)> = lines
        .iter()
        .filter(|l| l.kind == LineKind::Text)
        .map(|l| (l, compact(&l.norm.text)))
        .filter(|(_, t)| {
            title_like(t) && DOC_TYPES.iter().any(|d| t.ends_with(d)) && t.chars().count() >= 8
        })
        .collect();
    let mut groups: std::collections::BTreeMap<String, Vec<(&Line, String)>> = Default::default();
    for (l, t) in cands {
        let key: String = t.chars().rev().take(6).collect();
        groups.entry(key).or_default().push((l, t));
    }
    let best = groups
        .into_values()
        .filter(|g| g.len() >= 3)
        .max_by_key(Vec::len)?;
    let titles: Vec<String> = best.iter().map(|(_, t)| t.clone()).collect();
    let shared = shared_ending(&titles);
    if shared < 4 {
        return None;
    }
    // A name names a place (`北京市房山区`); the compilation's own title (`第二批…`) does not.
    let starts: Vec<PilotStart> = best
        .iter()
        .map(|(l, t)| (l, drop_suffix(t, shared)))
        .filter(|(_, name)| name.chars().count() >= 2 && names_a_place(name))
        .map(|(l, name)| PilotStart {
            line: l.line_no,
            name: original_form(original, l, &name),
        })
        .collect();
    let distinct: std::collections::BTreeSet<&String> = starts.iter().map(|s| &s.name).collect();
    (distinct.len() >= 3).then_some(starts)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lines::classify_lines;

    #[test]
    fn a_numbered_contents_of_titles_sharing_no_ending() {
        let text = "城市更新政策文件汇编\n目　录\n1．广州市城市更新实施办法……………1\n2．深圳市城市更新工作方案……………4\n3．上海市城市更新行动方案……………7\n广州市城市更新实施办法\n一、总则\n为推进城市更新工作，制定本办法。\n深圳市城市更新工作方案\n一、工作目标\n完成项目300个。\n上海市城市更新行动方案\n一、总体要求\n推进城市有机更新。\n";
        let lines = classify_lines(text);
        let names: Vec<String> = find_compilation_plans(text, &lines)
            .unwrap_or_default()
            .into_iter()
            .map(|p| p.name)
            .collect();
        assert_eq!(names, ["广州市", "深圳市", "上海市"]);
    }

    #[test]
    fn titles_sharing_a_long_ending_start_plans_without_a_contents() {
        let text = "某省县城城镇化建设政策文件汇编\n某省发展和改革委员会　编\n\n寿光市推进以县城为重要载体的城镇化建设实施方案\n（2022年8月5日）\n一、总体目标\n到2025年，县城常住人口达到65万人。\n二、重点任务\n（一）完善市政设施体系。推进老旧管网改造。\n\n荣成市推进以县城为重要载体的城镇化建设实施方案\n（2022年9月16日）\n一、总体目标\n到2025年，建成海滨城市。\n二、重点任务\n（一）推进产城融合。建设园区。\n\n邹城市推进以县城为重要载体的城镇化建设实施方案\n（2022年10月20日）\n一、总体目标\n到2025年，县城常住人口达到45万人。\n";
        let lines = classify_lines(text);
        let found = find_compilation_plans(text, &lines);
        let names: Vec<String> = found
            .unwrap_or_default()
            .into_iter()
            .map(|p| p.name)
            .collect();
        assert_eq!(names, ["寿光市", "荣成市", "邹城市"]);
    }
}
