//! Headings without numbers (issue 14 item 4): DOCX heading styles, outline levels and bold
//! paragraphs standing alone, Markdown `#` headings and HTML `h1`–`h4` reach the outline as
//! headings. DOCX fixtures: `tests/fixtures/formats/make_heading_docx.py` (see MAKE.md).
#![allow(clippy::unwrap_used)] // tests fail loudly by design

use crate::common;

use std::path::{Path, PathBuf};

use duizhao::corpus::load_file;
use duizhao::formats::{docx, html};
use duizhao::import::TextFile;
use duizhao::plan::{Plan, parse_document};

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/formats")
        .join(name)
}

fn titles(plan: &Plan, level: usize) -> Vec<String> {
    plan.all_sections()
        .into_iter()
        .filter(|s| s.level == level)
        .map(|s| s.title_norm.clone())
        .collect()
}

/// Level-1 and level-2 titles of the seed (its numbers are not part of the titles).
fn seed_outline(prefix: &str) -> (Vec<String>, Vec<String>, Plan) {
    let plans = load_file(&common::seed(prefix)).unwrap();
    assert_eq!(plans.len(), 1);
    let p = plans.into_iter().next().unwrap();
    (titles(&p, 1), titles(&p, 2), p)
}

#[test]
fn docx_heading_styles_without_numbers_give_the_seed_outline() {
    let (l1, l2, seed) = seed_outline("01_");
    for name in ["xixian_heading_styles.docx", "xixian_outline_levels.docx"] {
        let plans = load_file(&fixture(name)).unwrap();
        assert_eq!(plans.len(), 1, "{name}");
        let p = &plans[0];
        assert_eq!(titles(p, 1), l1, "{name}: level-1 titles");
        assert_eq!(titles(p, 2), l2, "{name}: level-2 titles");
        assert_eq!(p.meta.title, seed.meta.title, "{name}: title");
        // Unnumbered sections keep their text: no invented labels.
        assert!(
            p.all_sections()
                .iter()
                .filter(|s| s.level == 1)
                .all(|s| s.label.is_empty())
        );
    }
    // The text marks them as Markdown headings would.
    let text = docx::read(&fixture("xixian_heading_styles.docx"))
        .unwrap()
        .text;
    assert!(text.contains("\n# 指导思想\n"), "{text}");
    assert!(
        text.contains("\n## 加快培育城乡融合发展的创新动能\n"),
        "{text}"
    );
}

#[test]
fn work_report_with_bold_headings_has_three_level_one_sections() {
    let plans = load_file(&fixture("jiaxing_report_bold_headings.docx")).unwrap();
    assert_eq!(plans.len(), 1);
    let p = &plans[0];
    assert_eq!(
        titles(p, 1),
        ["2023年工作回顾", "2024年工作任务", "切实加强政府自身建设"]
    );
    assert_eq!(titles(p, 2).len(), 10, "{:?}", titles(p, 2));
    assert!(p.measures().len() > 100);
}

fn parse(text: &str, name: &str) -> Vec<Plan> {
    common::plans_from_str(name, text)
}

#[test]
fn markdown_headings_are_headings_and_a_lone_top_heading_is_the_title() {
    let md = "# 某某市城乡融合发展试点方案\n\n为推进城乡融合发展，制定本方案。\n\n## 总体要求\n\n坚持统筹推进。加快城乡融合发展。\n\n## 主要任务\n\n### 深化户籍制度改革\n\n放开落户限制。\n\n### 完善公共服务\n\n推进基本公共服务均等化。\n\n## 保障措施\n\n加强组织领导。\n";
    let plans = parse(md, "plan.md");
    assert_eq!(plans.len(), 1);
    let p = &plans[0];
    assert_eq!(p.meta.title.as_deref(), Some("某某市城乡融合发展试点方案"));
    assert_eq!(titles(p, 1), ["总体要求", "主要任务", "保障措施"]);
    assert_eq!(titles(p, 2), ["深化户籍制度改革", "完善公共服务"]);
    // Numbered markdown headings keep their numbering.
    let md = "# 某某方案\n\n## 一、总体要求\n\n坚持统筹。\n\n## 二、主要任务\n\n### （一）深化改革\n\n推进改革。\n";
    let p = &parse(md, "numbered.md")[0];
    assert_eq!(titles(p, 1), ["总体要求", "主要任务"]);
    assert_eq!(titles(p, 2), ["深化改革"]);
    assert_eq!(p.all_sections()[0].label, "一、");
}

#[test]
fn html_h1_to_h4_are_headings() {
    let page = "<html><head><meta charset=\"utf-8\"><title>某某方案_某某网</title></head><body>\
        <div class=\"nav\"><h4><a href=\"/\">首页</a></h4></div>\
        <div class=\"article\"><h1>某某市城乡融合发展试点方案</h1><p>为推进城乡融合发展，制定本方案。</p>\
        <h2>总体要求</h2><p>坚持统筹推进，加快城乡融合发展。</p>\
        <h2>主要任务</h2><h3>深化户籍制度改革</h3><p>放开落户限制，推进改革。</p>\
        <h3>完善公共服务</h3><p>推进基本公共服务均等化。</p>\
        <h2>保障措施</h2><p>加强组织领导，落实责任。</p></div></body></html>";
    let file: TextFile = html::read_bytes(Path::new("plan.html"), page.as_bytes()).unwrap();
    assert!(file.text.contains("## 总体要求\n"), "{}", file.text);
    let plans = parse_document(&file);
    assert_eq!(plans.len(), 1);
    let p = &plans[0];
    assert_eq!(p.meta.title.as_deref(), Some("某某市城乡融合发展试点方案"));
    assert_eq!(titles(p, 1), ["总体要求", "主要任务", "保障措施"]);
    assert_eq!(titles(p, 2), ["深化户籍制度改革", "完善公共服务"]);
}

/// The seeds are plain text without marks: their outlines do not change (the seed tests check
/// the full outlines; here, the marks never appear on them).
#[test]
fn plain_text_lines_are_never_marked() {
    for prefix in ["01_", "03_", "05_"] {
        let text = std::fs::read_to_string(common::seed(prefix)).unwrap();
        let lines = duizhao::lines::classify_lines(&text);
        assert!(lines.iter().all(|l| l.mark.is_none()), "{prefix}");
    }
}
