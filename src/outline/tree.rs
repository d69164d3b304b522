//! The outline tree of a plan: numbered paragraphs become a tree of sections with their measures, and
//! each top-level section gets its kind.

use super::context::{DocCtx, measures_of};
use crate::numbering::NumberStyle;
use crate::outline::{Para, Section, SectionKind, split_title};

struct Draft {
    level: usize,
    section: Section,
}

pub(crate) fn build_sections(ctx: &DocCtx, paras: &[Para]) -> Vec<Section> {
    let mut styles: Vec<NumberStyle> = Vec::new();
    // Each style's last value and the chain of styles it sat in, for lists numbered straight
    // through their parents (`22.` right under `三、` after `21.` under `（七）`).
    let mut last_seen: Vec<(NumberStyle, u32, Vec<NumberStyle>)> = Vec::new();
    let mut flat: Vec<Draft> = Vec::new();
    let mut body_norm: Vec<Vec<String>> = Vec::new();
    let mut body_disp: Vec<Vec<String>> = Vec::new();
    for (k, p) in paras.iter().enumerate() {
        if let Some(lead) = lead_in(p, paras.get(k + 1), &styles) {
            // `实施途径：` followed by a list that restarts at 1: the list nests under the lead-in.
            let pos = styles
                .iter()
                .position(|s| *s == lead)
                .unwrap_or(styles.len());
            styles.truncate(pos);
            styles.push(NumberStyle::LeadIn);
            let level = styles.len();
            let title_norm = p.norm.text.trim_end_matches(':').to_string();
            let title = ctx
                .display_norm(&p.norm, 0..p.norm.text.len())
                .trim_end_matches(['：', ':'])
                .to_string();
            let start = p.norm.to_orig(0);
            body_norm.push(Vec::new());
            body_disp.push(Vec::new());
            flat.push(Draft {
                level,
                section: Section {
                    section_id: 0,
                    level,
                    style: Some(NumberStyle::LeadIn),
                    number: String::new(),
                    label: String::new(),
                    title,
                    title_norm,
                    kind: SectionKind::Other,
                    span: start..p.norm.orig_end(),
                    heading_span: start..p.norm.orig_end(),
                    body: String::new(),
                    body_norm: String::new(),
                    measures: Vec::new(),
                    children: Vec::new(),
                },
            });
            continue;
        }
        if let Some(n) = &p.numbering {
            let continued = last_seen
                .iter()
                .find(|(st, _, _)| *st == n.style)
                .filter(|(_, last, chain)| {
                    n.value > 1
                        && n.value == last + 1
                        && chain.len() > styles.len() + 1
                        && chain.starts_with(&styles)
                })
                .map(|(_, _, chain)| chain.clone());
            let level = match styles.iter().position(|s| *s == n.style) {
                Some(k) => {
                    styles.truncate(k + 1);
                    k + 1
                }
                None => match continued {
                    // Numbered straight through: the item keeps the depth of its list.
                    Some(chain) => {
                        styles = chain;
                        styles.len()
                    }
                    None => {
                        styles.push(n.style);
                        styles.len()
                    }
                },
            };
            match last_seen.iter_mut().find(|(st, _, _)| *st == n.style) {
                Some(slot) => {
                    slot.1 = n.value;
                    slot.2 = styles.clone();
                }
                None => last_seen.push((n.style, n.value, styles.clone())),
            }
            let (title_r, body_start) = split_title(&p.norm.text, n.rest);
            let title_norm = p.norm.text[title_r.clone()]
                .trim_end_matches(['。', ':', ';', ' '])
                .to_string();
            let title = ctx
                .display_norm(&p.norm, title_r.clone())
                .trim_end_matches(['。', '：', ':', ';', '；', ' '])
                .to_string();
            let label = ctx
                .original
                .get(p.norm.orig_range(n.start..n.rest))
                .unwrap_or("")
                .trim()
                .to_string();
            let heading_start = p.norm.to_orig(n.start);
            let heading_end = p.norm.orig_range(n.start..title_r.end.max(n.rest)).end;
            let mut measures = measures_of(ctx, &p.norm, body_start, None);
            // A numbered item that is one sentence (`①编制村庄规划，做到应编尽编。`) is a measure as
            // well as a heading.
            if measures.is_empty()
                && title_r.end > title_r.start
                && p.norm.text[title_r.clone()].contains(',')
            {
                measures = measures_of(ctx, &p.norm, n.rest, None);
            }
            let mut bn = Vec::new();
            let mut bd = Vec::new();
            if body_start < p.norm.text.len() {
                bn.push(p.norm.text[body_start..].to_string());
                bd.push(ctx.display_norm(&p.norm, body_start..p.norm.text.len()));
            }
            body_norm.push(bn);
            body_disp.push(bd);
            flat.push(Draft {
                level,
                section: Section {
                    section_id: 0,
                    level,
                    style: Some(n.style),
                    number: n.numeral.clone(),
                    label,
                    title,
                    title_norm,
                    kind: SectionKind::Other,
                    span: heading_start..p.norm.orig_end(),
                    heading_span: heading_start..heading_end,
                    body: String::new(),
                    body_norm: String::new(),
                    measures,
                    children: Vec::new(),
                },
            });
        } else if let Some(d) = flat.last_mut() {
            d.section
                .measures
                .extend(measures_of(ctx, &p.norm, 0, None));
            d.section.span.end = d.section.span.end.max(p.norm.orig_end());
            if let (Some(bn), Some(bd)) = (body_norm.last_mut(), body_disp.last_mut()) {
                bn.push(p.norm.text.clone());
                bd.push(ctx.display_norm(&p.norm, 0..p.norm.text.len()));
            }
        }
    }
    for ((d, bn), bd) in flat.iter_mut().zip(body_norm).zip(body_disp) {
        d.section.body_norm = bn.join("\n");
        d.section.body = bd.join("\n");
    }
    nest(flat)
}

/// Is `p` a short lead-in (`实施途径：`) to a list that restarts a numbering style in use?
fn lead_in(p: &Para, next: Option<&Para>, styles: &[NumberStyle]) -> Option<NumberStyle> {
    let t = &p.norm.text;
    if p.numbering.is_some() || !t.ends_with(':') || t.chars().count() > 16 {
        return None;
    }
    let n = next?.numbering.as_ref()?;
    // The style must still be open: after a new parent heading it is not, and a 1 is a plain restart.
    (n.value == 1 && styles.contains(&n.style)).then_some(n.style)
}

fn nest(flat: Vec<Draft>) -> Vec<Section> {
    let mut roots: Vec<Section> = Vec::new();
    let mut stack: Vec<Section> = Vec::new();
    fn close(stack: &mut Vec<Section>, roots: &mut Vec<Section>) {
        if let Some(done) = stack.pop() {
            match stack.last_mut() {
                Some(parent) => {
                    parent.span.end = parent.span.end.max(done.span.end);
                    parent.children.push(done);
                }
                None => roots.push(done),
            }
        }
    }
    for d in flat {
        while stack.last().is_some_and(|s| s.level >= d.level) {
            close(&mut stack, &mut roots);
        }
        let mut s = d.section;
        // A list numbered straight through its parents keeps its depth under a parent that has
        // no middle level (`三、` → `22.` stays at level 3).
        s.level = (stack.len() + 1).max(d.level);
        stack.push(s);
    }
    while !stack.is_empty() {
        close(&mut stack, &mut roots);
    }
    roots
}

pub(crate) fn untitled_section(ctx: &DocCtx, paras: &[Para], title: Option<String>) -> Section {
    let mut measures = Vec::new();
    let mut bn = Vec::new();
    let mut bd = Vec::new();
    for p in paras {
        measures.extend(measures_of(ctx, &p.norm, 0, None));
        bn.push(p.norm.text.clone());
        bd.push(ctx.display_norm(&p.norm, 0..p.norm.text.len()));
    }
    let start = paras.first().map_or(0, |p| p.norm.to_orig(0));
    let end = paras.last().map_or(start, |p| p.norm.orig_end());
    let title = title.unwrap_or_default();
    Section {
        section_id: 0,
        level: 1,
        style: None,
        number: String::new(),
        label: String::new(),
        title_norm: crate::normalize::normalize_str(&title),
        title,
        kind: SectionKind::Other,
        span: start..end,
        heading_span: start..start,
        body: bd.join("\n"),
        body_norm: bn.join("\n"),
        measures,
        children: Vec::new(),
    }
}

pub(crate) fn assign_kinds(sections: &mut [Section]) {
    let mut after_safeguards = false;
    for s in sections.iter_mut() {
        // By the heading's meaning first, then by its content: a top-level section most of whose
        // sub-headings are safeguards (加强组织领导, 强化资金保障) is one; then by its place.
        let by_children = || {
            let kinds: Vec<Option<SectionKind>> = s
                .children
                .iter()
                .map(|c| SectionKind::from_title(&c.title_norm))
                .collect();
            let safe = kinds
                .iter()
                .filter(|k| **k == Some(SectionKind::Safeguards))
                .count();
            (kinds.len() >= 2 && safe * 3 >= kinds.len() * 2).then_some(SectionKind::Safeguards)
        };
        let kind = SectionKind::from_title(&s.title_norm)
            .or_else(by_children)
            .unwrap_or(if after_safeguards {
                SectionKind::Other
            } else {
                SectionKind::Tasks
            });
        after_safeguards |= kind == SectionKind::Safeguards;
        s.kind = kind;
        inherit_kinds(s);
    }
}

fn inherit_kinds(parent: &mut Section) {
    let open = matches!(
        parent.kind,
        SectionKind::Guidance | SectionKind::Other | SectionKind::Profile
    );
    let pk = parent.kind;
    for c in &mut parent.children {
        c.kind = if open {
            SectionKind::from_title(&c.title_norm).unwrap_or(pk)
        } else {
            pk
        };
        inherit_kinds(c);
    }
}

pub(crate) fn renumber(sections: &mut [Section], next: &mut usize) {
    for s in sections {
        s.section_id = *next;
        for m in &mut s.measures {
            m.section_id = Some(*next);
        }
        *next += 1;
        renumber(&mut s.children, next);
    }
}

#[cfg(test)]
mod tests {
    use crate::import::decode_bytes;
    use crate::outline::SectionKind;
    use crate::plan::parse_document;

    fn plan_of(text: &str) -> crate::plan::Plan {
        let file = decode_bytes(std::path::Path::new("测试.txt"), text.as_bytes())
            .unwrap_or_else(|e| panic!("{e}"));
        parse_document(&file)
            .into_iter()
            .next()
            .unwrap_or_else(|| panic!("no plan"))
    }

    #[test]
    fn numbered_paragraphs_nest_by_style_and_get_kinds() {
        let p = plan_of(
            "某某市城乡融合发展试验区实施方案\n\n一、总体要求\n（一）指导思想\n坚持农业农村优先发展。\n（二）发展目标\n到2025年，常住人口城镇化率达到70%。\n二、主要任务\n（一）深化户籍制度改革\n全面放开落户限制。推进基本公共服务均等化。\n三、保障措施\n加强组织领导。\n",
        );
        let top: Vec<&str> = p.sections.iter().map(|s| s.title.as_str()).collect();
        assert_eq!(top, ["总体要求", "主要任务", "保障措施"]);
        let kids: Vec<&str> = p.sections[0]
            .children
            .iter()
            .map(|s| s.title.as_str())
            .collect();
        assert_eq!(kids, ["指导思想", "发展目标"]);
        assert_eq!(p.sections[0].children[1].kind, SectionKind::Goals);
        assert_eq!(p.sections[2].kind, SectionKind::Safeguards);
        // The task section's two sentences are two measures of its subsection.
        assert_eq!(p.sections[1].children[0].measures.len(), 2);
    }

    #[test]
    fn a_list_restarting_at_one_after_a_lead_in_nests_under_it() {
        let p = plan_of(
            "某某县试点方案\n\n一、主要任务\n1.推进土地制度改革。\n2.完善投融资机制。\n实施途径：\n1.建立工作专班。\n2.定期调度。\n",
        );
        let task = &p.sections[0];
        let titles: Vec<&str> = task.children.iter().map(|s| s.title.as_str()).collect();
        assert_eq!(titles.len(), 3, "{titles:?}");
        assert_eq!(task.children[2].children.len(), 2);
    }
}
