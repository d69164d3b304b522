//! Property tests for the document model's parsers (front matter and header fields, notice
//! wrappers, attachments, run-together headings): arbitrary input never panics, and what they
//! return stays inside the input.
#![allow(clippy::unwrap_used)]

use std::path::Path;

use duizhao::document::{header, wrapper};
use duizhao::import::decode_bytes;
use duizhao::lines::classify_lines;
use proptest::prelude::*;

/// Pieces real headers, notices and attachments are made of, to build inputs that reach the
/// parsers' interesting branches far more often than random bytes do.
const PIECES: &[&str] = &[
    "---",
    "标题: 关于印发《某规划》的通知",
    "文号: 某府〔2023〕21号",
    "> **发布机构**：国务院",
    "**",
    "【法宝引证码】 CLI.1.2",
    "原文链接：https://example.org",
    "索 引 号：",
    "发文机关：",
    "成文日期：",
    "2018年12月29日",
    "国务院办公厅",
    "某省人民政府办公厅关于印发某规划和某计划的通知",
    "(某政办〔2021〕8号)",
    "各市人民政府：",
    "《某规划》《某计划》已经同意，现印发给你们。",
    "某规划",
    "某计划",
    "附件",
    "附件2：",
    "附件：",
    "一、总体要求",
    "二、主要任务",
    "（一）加强领导。",
    "1.事项。",
    "第一章 总则第一条 为了管理，制定本办法。",
    "第三篇改革第十三章深化改革",
    "目录序言",
    "上一篇：别的",
    "版权所有",
    "附件1：方案.pdf",
    "2 0 0 1年2月1 6日",
    "（此件公开发布）",
    "特此通知",
    "",
    " ",
    "：",
    "》",
    "《",
    "(",
    ")",
    "第",
    "\u{3000}\u{3000}",
];

fn doc_from(picks: &[usize], cut: usize) -> String {
    let mut text = String::new();
    for (i, p) in picks.iter().enumerate() {
        let piece = PIECES[p % PIECES.len()];
        let piece: String = if i % 5 == 0 {
            piece.chars().skip(cut % 3).collect()
        } else {
            piece.to_string()
        };
        text.push_str(&piece);
        if i % 3 != 2 {
            text.push('\n');
        }
    }
    text
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn header_scan_never_panics_and_fields_point_at_lines(
        picks in proptest::collection::vec(0usize..1000, 0..60),
        cut in 0usize..10,
    ) {
        let text = doc_from(&picks, cut);
        let mut lines = classify_lines(&text);
        let h = header::scan(&text, &mut lines);
        for f in &h.fields {
            prop_assert!(f.line < lines.len());
        }
    }

    #[test]
    fn wrapper_split_gives_parts_inside_the_file(
        picks in proptest::collection::vec(0usize..1000, 0..60),
        cut in 0usize..10,
    ) {
        let text = doc_from(&picks, cut);
        let mut lines = classify_lines(&text);
        header::scan(&text, &mut lines);
        let seg = wrapper::split(&mut lines);
        prop_assert!(!seg.parts.is_empty());
        for p in &seg.parts {
            prop_assert!(p.lines.end <= lines.len());
            prop_assert!(p.title_lines.is_empty() || p.lines.start <= p.title_lines.start);
            prop_assert!(p.title_lines.end <= p.lines.end);
        }
    }

    #[test]
    fn whole_import_of_built_documents_never_panics(
        picks in proptest::collection::vec(0usize..1000, 0..80),
        cut in 0usize..10,
    ) {
        let text = doc_from(&picks, cut);
        let file = decode_bytes(Path::new("built.md"), text.as_bytes());
        if let Ok(file) = file {
            for plan in duizhao::plan::parse_document(&file) {
                prop_assert!(!plan.name.is_empty());
                prop_assert!(plan.original.get(plan.span.clone()).is_some());
                for m in plan.measures() {
                    prop_assert!(plan.original.get(m.span.clone()).is_some());
                }
            }
        }
    }

    #[test]
    fn arbitrary_strings_never_panic(s in "\\PC{0,400}") {
        let mut lines = classify_lines(&s);
        header::scan(&s, &mut lines);
        let _ = wrapper::split(&mut lines);
        let _ = duizhao::document::fields::five_year_period(&s);
        let _ = duizhao::document::naming::short_title(&s);
        let _ = duizhao::document::naming::most_named_place(&s);
    }
}
