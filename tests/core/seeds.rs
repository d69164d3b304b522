//! Integration tests on the five bundled seed documents.
#![allow(clippy::unwrap_used)] // test helpers fail loudly by design

use crate::common;
use common::seed_text;

use duizhao::corpus::Corpus;
use duizhao::outline::{Section, SectionKind};
use duizhao::plan::Plan;

fn seeds() -> &'static Corpus {
    common::seed_corpus()
}

fn plan(name: &str) -> &'static Plan {
    seeds().find_plan(name).unwrap_or_else(|e| panic!("{e}"))
}

fn titles(sections: &[Section]) -> Vec<&str> {
    sections.iter().map(|s| s.title.as_str()).collect()
}

#[test]
fn seeds_load_without_errors_into_63_plans() {
    let c = seeds();
    assert!(c.errors.is_empty(), "{:?}", c.errors);
    assert_eq!(c.plans.len(), 63);
}

/// The pilot names as the compilation's table of contents lists them, read with a plain scan.
fn toc_names() -> Vec<String> {
    seed_text("04_")
        .lines()
        .filter_map(|l| l.strip_prefix("| "))
        .filter_map(|l| l.split("试点工作方案要点").next())
        .filter(|n| !n.starts_with('-') && !n.trim().is_empty() && !n.starts_with('|'))
        .map(|n| n.trim().to_string())
        .collect()
}

#[test]
fn compilation_yields_its_59_pilots_in_toc_order() {
    let expected = toc_names();
    assert_eq!(expected.len(), 59);
    let got: Vec<&str> = seeds()
        .plans
        .iter()
        .filter(|p| p.source.starts_with("04_"))
        .map(|p| p.name.as_str())
        .collect();
    assert_eq!(got, expected);
    assert!(got.contains(&"上海市浦东新区（临港地区）"));
    assert!(got.contains(&"湖南省津市市—澧县"));
}

#[test]
fn pilots_carry_province_and_level() {
    let cases = [
        ("北京市房山区", "北京市", "区"),
        ("内蒙古自治区准格尔旗", "内蒙古自治区", "旗"),
        ("上海市浦东新区（临港地区）", "上海市", "新区"),
        ("云南省红河州", "云南省", "州"),
        ("天津市中北镇", "天津市", "镇"),
        ("山西省孝义市", "山西省", "市"),
        ("贵州省贵安新区", "贵州省", "新区"),
        ("河北省威县", "河北省", "县"),
    ];
    for (name, province, level) in cases {
        let p = plan(name);
        assert_eq!(p.province.as_deref(), Some(province), "{name}");
        assert_eq!(p.level.as_deref(), Some(level), "{name}");
    }
    for p in seeds().plans.iter().filter(|p| p.source.starts_with("04_")) {
        assert!(
            p.province.is_some() && p.level.is_some(),
            "{} lacks province or level",
            p.name
        );
    }
}

#[test]
fn single_plan_seeds_are_named_by_their_place_with_metadata() {
    let xixian = plan("西咸新区");
    assert_eq!(
        xixian.meta.title.as_deref(),
        Some("西咸新区推进国家城乡融合发展试验区建设实施方案")
    );
    assert_eq!(xixian.province.as_deref(), Some("陕西省"));

    let zibo = plan("淄博市");
    assert_eq!(zibo.meta.doc_number.as_deref(), Some("淄政字〔2020〕95号"));
    assert_eq!(zibo.meta.date.as_deref(), Some("2020-12-06"));
    assert_eq!(zibo.meta.period.as_deref(), Some("2020-2025"));
    assert_eq!(zibo.meta.issuer.as_deref(), Some("淄博市人民政府"));
    assert_eq!(zibo.province.as_deref(), Some("山东省"));
    assert_eq!(
        zibo.meta.title.as_deref(),
        Some("淄博市高水平推進城鄉融合發展行動方案(2020-2025年)")
    );

    let sichuan = plan("四川省");
    assert_eq!(
        sichuan.meta.title.as_deref(),
        Some(
            "中共四川省委关于深入贯彻习近平总书记重要指示精神以县域为重要切入点扎实推进城乡融合发展的决定"
        )
    );
    assert_eq!(sichuan.meta.date.as_deref(), Some("2023-11-20"));
    assert_eq!(sichuan.meta.issuer.as_deref(), Some("中共四川省委"));
    assert_eq!(sichuan.level.as_deref(), Some("省"));

    let jinan = plan("济南市市中区");
    assert_eq!(
        jinan.meta.doc_number.as_deref(),
        Some("市中政字〔2021〕45号")
    );
    assert_eq!(jinan.meta.date.as_deref(), Some("2021-12-31"));
    assert_eq!(
        jinan.meta.title.as_deref(),
        Some("济南市市中区国家城乡融合发展试验区实施方案")
    );
    assert_eq!(jinan.province.as_deref(), Some("山东省"));
    assert_eq!(jinan.level.as_deref(), Some("区"));
}

#[test]
fn xixian_outline_keeps_level3_numbers_running_through() {
    let p = plan("西咸新区");
    assert_eq!(
        titles(&p.sections),
        ["指导思想", "基本原则", "主要目标", "主要任务", "工作保障"]
    );
    let tasks = &p.sections[3];
    assert_eq!(tasks.kind, SectionKind::Tasks);
    assert_eq!(tasks.children.len(), 8);
    assert_eq!(tasks.children[0].title, "加快培育城乡融合发展的创新动能");
    let numbers: Vec<u32> = tasks
        .children
        .iter()
        .flat_map(|c| c.children.iter().map(|g| g.number.parse::<u32>().unwrap()))
        .collect();
    assert_eq!(numbers, (1..=27).collect::<Vec<_>>());
    assert_eq!(p.sections[4].children.len(), 7);
    assert_eq!(p.sections[4].children[0].title, "加强组织领导");
    assert_eq!(p.sections[4].kind, SectionKind::Safeguards);
    assert_eq!(p.sections[2].kind, SectionKind::Goals);
}

#[test]
fn zibo_outline_skips_from_two_to_four() {
    let p = plan("淄博市");
    let numbers: Vec<&str> = p.sections.iter().map(|s| s.number.as_str()).collect();
    assert_eq!(numbers, ["一", "二", "四"]);
    assert_eq!(titles(&p.sections), ["總體要求", "主要任務", "保障措施"]);
    assert_eq!(p.sections[0].children.len(), 3);
    assert_eq!(p.sections[1].children.len(), 7);
    assert_eq!(p.sections[2].children.len(), 4);
    assert_eq!(
        p.sections[1].children[0].title_norm,
        "建立农村集体经营性建设用地入市制度"
    );
    assert_eq!(p.sections[0].children[2].kind, SectionKind::Goals);
}

#[test]
fn sichuan_outline_has_seven_parts_and_no_page_noise() {
    let p = plan("四川省");
    assert_eq!(p.sections.len(), 7);
    assert_eq!(p.sections[1].title, "提升县城综合承载能力和服务功能");
    assert_eq!(p.sections[6].title, "强化城乡融合发展组织保障");
    assert_eq!(p.sections[6].kind, SectionKind::Safeguards);
    let level2: Vec<usize> = p.sections.iter().map(|s| s.children.len()).collect();
    assert_eq!(level2, [0, 4, 4, 4, 3, 3, 4]);
    for noise in ["乡村振兴动态", "浏览次数", "添加日期"] {
        assert!(!p.preamble.text.contains(noise), "{noise} in preamble");
        assert!(!p.all_sections().iter().any(|s| s.body.contains(noise)));
    }
    // Unnumbered topic paragraphs stay inside their section.
    let land = &p.sections[3].children[1];
    assert_eq!(land.title, "激发农村土地要素活力");
    assert!(land.body.contains("稳慎推进农村宅基地制度改革"));
}

#[test]
fn jinan_outline_mixes_full_and_half_width_numbering() {
    let p = plan("济南市市中区");
    assert_eq!(
        titles(&p.sections),
        ["试验基础", "总体要求", "试验任务", "保障措施"]
    );
    assert_eq!(p.sections[0].kind, SectionKind::Profile);
    let goals = &p.sections[1].children;
    assert_eq!(titles(goals), ["指导思想", "试验原则", "试验目标"]);
    let tasks = &p.sections[2].children;
    assert_eq!(tasks.len(), 5);
    // A heading wrapped over lines is joined.
    assert_eq!(
        tasks[0].title,
        "建立进城落户农民依法自愿有偿转让退出农村权益制度"
    );
    assert!(tasks.iter().all(|t| t.children.len() == 2));
    // Sign-off lines at the end are not body.
    let last = p.all_sections().into_iter().last().unwrap();
    assert!(!last.body.contains("人民政府办公室"), "{}", last.body);
}

#[test]
fn pilot_outlines_parse() {
    let p = plan("北京市房山区");
    assert_eq!(titles(&p.sections), ["总体目标", "主要任务", "保障措施"]);
    assert_eq!(p.sections[1].children.len(), 9);
    assert_eq!(p.sections[2].children.len(), 4);
    assert!(p.preamble.text.starts_with("房山区是首都北京的西南门户"));
    let p = plan("天津市东丽区");
    assert_eq!(p.sections[1].children.len(), 3);
    assert_eq!(p.sections[1].children[2].title, "推广智慧供暖");
    // Numbering that restarts after a lead-in (`实施途径：`) nests under it.
    let p = plan("新疆维吾尔自治区北泉镇");
    let tasks = &p.sections[1].children;
    assert_eq!(tasks.len(), 5);
    assert_eq!(tasks[4].title, "实施途径");
    assert_eq!(
        titles(&tasks[4].children),
        [
            "场镇同一机构的实施途径",
            "政企统筹运作的实施途径",
            "内部四个分开的实施途径"
        ]
    );
    // Every pilot has a 保障 part and a 任务 part.
    for p in seeds().plans.iter().filter(|p| p.source.starts_with("04_")) {
        let kinds: Vec<SectionKind> = p.sections.iter().map(|s| s.kind).collect();
        assert!(kinds.contains(&SectionKind::Tasks), "{}: {kinds:?}", p.name);
        assert!(p.sections.len() >= 2, "{}", p.name);
    }
}

#[test]
fn zibo_normalised_text_has_no_pinyin_notes() {
    let p = plan("淄博市");
    let text = p.normalized_text();
    assert!(text.contains("城乡融合发展"));
    assert!(text.contains("集体经营性建设用地"));
    let toned = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ";
    let left: Vec<&str> = text
        .lines()
        .filter(|l| l.contains(|c| toned.contains(c)))
        .collect();
    assert!(
        left.is_empty(),
        "pinyin left: {:?}",
        &left[..left.len().min(3)]
    );
    // Real brackets survive.
    assert!(text.contains("(入股)"));
    assert!(text.contains("村(居)"));
    // Display text drops the notes but keeps the script.
    assert!(p.measures().iter().any(|m| m.text.contains("城鄉融合發展")));
    assert!(!p.measures().iter().any(|m| m.text.contains("(fā)")));
}

#[test]
fn no_compilation_measure_is_cut_by_a_page_break() {
    let original = seed_text("04_");
    for p in seeds().plans.iter().filter(|p| p.source.starts_with("04_")) {
        for m in p.measures() {
            // A measure that does not end a sentence must at least end its paragraph.
            let last = m.norm.chars().last().unwrap();
            if "。;!?:)”".contains(last) {
                continue;
            }
            let after = original[m.span.end..].trim_start_matches([' ', '\u{3000}']);
            // Or be followed by the next item of its enumeration (`一是…，二是…`).
            let next_item = after.chars().nth(1) == Some('是')
                || after.starts_with(['(', '（', '①', '②', '③', '④']);
            assert!(
                after.starts_with('\n') || after.is_empty() || next_item,
                "{}: cut measure {}",
                p.name,
                m.norm
            );
        }
    }
    // The sentence the compilation breaks at a page end (`城` / `镇`) is whole.
    let all: Vec<String> = seeds()
        .plans
        .iter()
        .flat_map(|p| p.measures().into_iter().map(|m| m.norm.clone()))
        .collect();
    assert!(
        !all.iter()
            .any(|m| m.ends_with('城') || m.starts_with("镇化"))
    );
}

#[test]
fn spans_map_back_to_the_original_headings() {
    for p in &seeds().plans {
        let original = &p.original;
        for s in p.all_sections() {
            let at = &original[s.span.clone()];
            assert!(
                at.starts_with(&s.label),
                "{}: span of {} {} starts {:?}",
                p.name,
                s.label,
                s.title,
                &at[..at.len().min(30)]
            );
            let heading = duizhao::normalize::strip_pinyin_notes(&original[s.heading_span.clone()]);
            if !s.title.is_empty() && !s.title.contains('(') {
                let first: String = s.title.chars().take(4).collect();
                assert!(
                    heading.replace(char::is_whitespace, "").contains(&first),
                    "{}: heading {heading:?} vs {}",
                    p.name,
                    s.title
                );
            }
        }
        for m in p.measures() {
            let at = &original[m.span.clone()];
            let first: char = m.text.chars().next().unwrap();
            assert!(
                at.starts_with(first),
                "{}: measure span {:?} vs {:?}",
                p.name,
                &at[..at.len().min(20)],
                m.text
            );
        }
    }
}

#[test]
fn every_measure_has_content_and_an_owner() {
    for p in &seeds().plans {
        assert!(!p.measures().is_empty(), "{}", p.name);
        for m in p.measures() {
            assert!(
                m.norm.chars().filter(|c| c.is_alphanumeric()).count() >= 6,
                "{}: {}",
                p.name,
                m.norm
            );
            assert!(m.measure_id.starts_with(&p.plan_id));
        }
    }
    let total: usize = seeds().plans.iter().map(|p| p.measures().len()).sum();
    assert!(total > 2500, "{total}");
}

#[test]
fn compilation_without_its_table_of_contents_still_splits_by_title_lines() {
    let text = seed_text("04_");
    let no_toc: String = text
        .lines()
        .filter(|l| !l.starts_with('|') && l.trim() != "目 录")
        .map(|l| format!("{l}\n"))
        .collect();
    let plans = common::plans_from_str("no-toc.txt", &no_toc);
    let names: Vec<&str> = plans.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, toc_names());
}

#[test]
fn markdown_and_chapter_headings_parse() {
    let text = "# 某某市城乡融合发展实施方案\n\n## 第一章 总体要求\n\n### 一、指导思想\n\n坚持农业农村优先发展。\n\n### 二、发展目标\n\n到2025年，常住人口城镇化率达到70%。\n\n## 第二章 主要任务\n\n**一、深化户籍制度改革**\n\n全面放开落户限制。\n";
    let plans = common::plans_from_str("md.md", text);
    let p = &plans[0];
    assert_eq!(p.name, "某某市");
    assert_eq!(titles(&p.sections), ["总体要求", "主要任务"]);
    assert_eq!(titles(&p.sections[0].children), ["指导思想", "发展目标"]);
    assert_eq!(p.sections[0].children[1].kind, SectionKind::Goals);
    assert_eq!(titles(&p.sections[1].children), ["深化户籍制度改革"]);
}

#[test]
fn an_unknown_plan_name_is_a_typed_error_with_close_names() {
    let e = seeds().lookup_plan("淄博").unwrap_err();
    assert_eq!(e.key, "淄博");
    assert!(e.close.iter().any(|n| n == "淄博市"), "{:?}", e.close);
    assert_eq!(e.loaded, seeds().plans.len());
    assert!(
        e.to_string()
            .starts_with("no plan named '淄博'; close names: "),
        "{e}"
    );
    // The exact name is found.
    assert_eq!(seeds().lookup_plan("淄博市").unwrap().name, "淄博市");
}
