//! The coded segments behind one cell of the theme × plan matrix ([`crate::themes::Matrix`]):
//! the tags of a theme or a theme below it in one plan, one per segment as the matrix counts
//! them, in reading order, each with the measure and section that hold it. The app lists them
//! under the matrix; they are tested here without the `gui` feature.

use std::collections::HashSet;

use crate::corpus::Corpus;
use crate::project::{Project, Tag};

/// Where in its plan a segment sits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SegmentSection {
    /// In the preamble, before the first heading.
    Preamble,
    /// Under this heading (label and title, `（二）稳慎推进宅基地制度改革`).
    Heading(String),
    /// Not inside any measure of the plan.
    Unknown,
}

/// One coded segment of a matrix cell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment {
    /// The tag.
    pub tag_id: u64,
    /// Its theme (the row's theme or one below it).
    pub theme_id: String,
    /// The plan.
    pub plan_id: String,
    /// The plan's name.
    pub plan_name: String,
    /// The section holding it.
    pub section: SegmentSection,
    /// The tagged text.
    pub quote: String,
    /// The researcher's note.
    pub memo: String,
    /// Index in the plan's `measures()` of the measure holding the segment, if found.
    pub measure_index: Option<usize>,
}

/// The segments of one cell: tags of `theme_id` or a theme below it in `plan_id`, not orphaned,
/// one per segment as the matrix counts them (a measure or a byte range), in reading order.
pub fn cell_segments(
    project: &Project,
    corpus: &Corpus,
    theme_id: &str,
    plan_id: &str,
) -> Vec<Segment> {
    let themes = project.codebook.subtree(theme_id);
    let Some(plan) = corpus.plans.iter().find(|p| p.plan_id == plan_id) else {
        return Vec::new();
    };
    let measures = plan.measures();
    let sections = plan.all_sections();
    let mut tags: Vec<&Tag> = project
        .tags
        .iter()
        .filter(|t| !t.orphaned && t.plan_id == plan_id && themes.contains(&t.theme_id.as_str()))
        .collect();
    tags.sort_by_key(|t| (t.byte_range.start, t.byte_range.end, t.tag_id));
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for t in tags {
        let key = match &t.measure_id {
            Some(m) => (Some(m.clone()), 0, 0),
            None => (None, t.byte_range.start, t.byte_range.end),
        };
        if !seen.insert(key) {
            continue;
        }
        let base = plan.span.start;
        let measure_index = match &t.measure_id {
            Some(id) => measures.iter().position(|m| &m.measure_id == id),
            None => measures.iter().position(|m| {
                let s = m.span.start.saturating_sub(base);
                let e = m.span.end.saturating_sub(base);
                s <= t.byte_range.start && t.byte_range.start < e
            }),
        };
        let section = match measure_index.and_then(|k| measures.get(k)) {
            Some(m) => match m.section_id {
                None => SegmentSection::Preamble,
                Some(sid) => sections
                    .iter()
                    .find(|s| s.section_id == sid)
                    .map_or(SegmentSection::Unknown, |s| {
                        SegmentSection::Heading(format!("{}{}", s.label, s.title))
                    }),
            },
            None => SegmentSection::Unknown,
        };
        out.push(Segment {
            tag_id: t.tag_id,
            theme_id: t.theme_id.clone(),
            plan_id: plan.plan_id.clone(),
            plan_name: plan.name.clone(),
            section,
            quote: t.quote.clone(),
            memo: t.memo.clone(),
            measure_index,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::TextFile;
    use crate::themes::{Codebook, Theme};

    const PLAN: &str = "某县城乡融合发展试验区实施方案\n\n为推进城乡融合发展，制定本方案。\n\n一、主要任务\n（一）深化户籍制度改革。全面放开落户限制，推动农业转移人口市民化。\n（二）稳慎推进宅基地制度改革。探索闲置宅基地和闲置农房盘活利用。\n";

    fn corpus() -> Corpus {
        let file = TextFile {
            path: "试点方案.txt".into(),
            encoding: "UTF-8",
            text: PLAN.to_owned(),
        };
        Corpus {
            plans: crate::plan::parse_document(&file),
            errors: Vec::new(),
            warnings: Vec::new(),
        }
    }

    fn codebook() -> Codebook {
        let theme = |id: &str, name: &str, parent: Option<&str>| Theme {
            theme_id: id.into(),
            name: name.into(),
            parent: parent.map(str::to_string),
            ..Theme::default()
        };
        Codebook {
            themes: vec![
                theme("tudi", "土地制度", None),
                theme("zhaijidi", "宅基地制度改革", Some("tudi")),
                theme("huji", "户籍制度改革", None),
            ],
            ..Codebook::default()
        }
    }

    #[test]
    fn a_parent_cell_lists_its_subthemes_segments_once_each_in_reading_order() {
        let corpus = corpus();
        let plan = &corpus.plans[0];
        let text = plan.original_text();
        let mut project = Project::new(codebook());
        let span = |s: &str| {
            let start = text.find(s).unwrap();
            start..start + s.len()
        };
        // Two coders tag the same passage: one segment. A passage earlier in the text comes first.
        for coder in ["王", "李"] {
            let mut t = Tag::for_span(plan, span("闲置宅基地"), "zhaijidi").unwrap();
            t.coder = coder.into();
            project.add_tag(t);
        }
        project.add_tag(Tag::for_span(plan, span("稳慎推进"), "tudi").unwrap());
        project.add_tag(Tag::for_span(plan, span("落户限制"), "huji").unwrap());

        let segs = cell_segments(&project, &corpus, "tudi", &plan.plan_id);
        let quotes: Vec<&str> = segs.iter().map(|s| s.quote.as_str()).collect();
        assert_eq!(quotes, ["稳慎推进", "闲置宅基地"]);
        assert_eq!(segs[1].theme_id, "zhaijidi");
        assert!(
            matches!(&segs[1].section, SegmentSection::Heading(h) if h.contains("宅基地制度改革")),
            "{:?}",
            segs[1].section
        );
        assert!(segs[1].measure_index.is_some());
        let huji = cell_segments(&project, &corpus, "huji", &plan.plan_id);
        assert_eq!(huji.len(), 1);
        assert!(cell_segments(&project, &corpus, "tudi", "不存在的方案").is_empty());
    }
}
