//! Nine real documents written by others (tests/fixtures/real/, see its README): each plan's
//! name, title, issuer, date, document number and heading counts per level, as a person reads
//! them, for every plan in the file.
#![allow(clippy::unwrap_used)]

use std::path::PathBuf;

use duizhao::outline::Section;
use duizhao::plan::Plan;

/// The plans of `tests/fixtures/<dir>/<name>`.
fn load_in(dir: &str, name: &str) -> Vec<Plan> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(dir)
        .join(name);
    duizhao::corpus::load_file(&path).unwrap()
}

/// Headings per level (by the section's `level`), levels 1–3.
pub(crate) fn counts(p: &Plan) -> [usize; 3] {
    fn walk(s: &Section, out: &mut [usize; 3]) {
        if let Some(slot) = s.level.checked_sub(1).and_then(|l| out.get_mut(l)) {
            *slot += 1;
        }
        for c in &s.children {
            walk(c, out);
        }
    }
    let mut out = [0; 3];
    for s in &p.sections {
        walk(s, &mut out);
    }
    out
}

/// What a person reads off one plan.
pub(crate) struct Expect {
    pub(crate) name: &'static str,
    pub(crate) title: Option<&'static str>,
    pub(crate) issuer: Option<&'static str>,
    pub(crate) date: Option<&'static str>,
    pub(crate) doc_number: Option<&'static str>,
    pub(crate) counts: [usize; 3],
}

/// Load `tests/fixtures/<dir>/<file>` and assert every plan's name (in order), title, issuer,
/// date, document number and headings per level.
pub(crate) fn check_in(dir: &str, file: &str, expected: &[Expect]) -> Vec<Plan> {
    let plans = load_in(dir, file);
    let got: Vec<&str> = plans.iter().map(|p| p.name.as_str()).collect();
    let want: Vec<&str> = expected.iter().map(|e| e.name).collect();
    assert_eq!(got, want, "{file}: plan names");
    for (p, e) in plans.iter().zip(expected) {
        assert_eq!(p.meta.title.as_deref(), e.title, "{file} {}: title", e.name);
        assert_eq!(
            p.meta.issuer.as_deref(),
            e.issuer,
            "{file} {}: issuer",
            e.name
        );
        assert_eq!(p.meta.date.as_deref(), e.date, "{file} {}: date", e.name);
        assert_eq!(
            p.meta.doc_number.as_deref(),
            e.doc_number,
            "{file} {}: document number",
            e.name
        );
        assert_eq!(counts(p), e.counts, "{file} {}: headings per level", e.name);
    }
    plans
}

fn check(file: &str, expected: &[Expect]) -> Vec<Plan> {
    check_in("real", file, expected)
}

#[test]
fn a_school_page_names_the_opinion_not_the_site() {
    let plans = check(
        "ext01_zj_common_prosperity_2021.html",
        &[Expect {
            name: "支持浙江高质量发展建设共同富裕示范区的意见",
            title: Some("中共中央 国务院关于支持浙江高质量发展建设共同富裕示范区的意见"),
            issuer: Some("中共中央 国务院"),
            date: Some("2021-05-20"),
            doc_number: None,
            counts: [8, 28, 0],
        }],
    );
    assert_eq!(plans[0].meta.place.as_deref(), Some("浙江省"));
    assert_eq!(plans[0].province.as_deref(), Some("浙江省"));
    // Menus, the list of recommended pages and the footer are not text of the document.
    let text = plans[0].normalized_text();
    for chrome in ["每周一学", "学习专栏", "版权所有", "上一篇", ".pdf"] {
        assert!(!text.contains(chrome), "{chrome} in the plan's text");
    }
}

#[test]
fn a_gov_cn_page_gives_the_work_plan_the_notice_issues() {
    let plans = check(
        "ext03_zero_waste_city_pilot_2018.html",
        &[Expect {
            name: "“无废城市”建设试点工作方案",
            title: Some("“无废城市”建设试点工作方案"),
            issuer: Some("国务院办公厅"),
            date: Some("2018-12-29"),
            doc_number: Some("国办发〔2018〕128号"),
            counts: [4, 19, 0],
        }],
    );
    assert_eq!(
        plans[0].meta.notice_title.as_deref(),
        Some("国务院办公厅关于印发“无废城市”建设试点工作方案的通知")
    );
    assert_eq!(plans[0].meta.place, None, "a national plan names no place");
    assert!(!plans[0].preamble.text.contains("现印发给你们"));
}

#[test]
fn one_notice_issuing_two_documents_gives_two_plans() {
    let issuer = Some("安徽省人民政府办公厅");
    let plans = check(
        "ext04_anhui_industrial_internet_2021.txt",
        &[
            Expect {
                name: "支持工业互联网发展若干政策",
                title: Some("支持工业互联网发展若干政策"),
                issuer,
                date: Some("2021-09-02"),
                doc_number: Some("皖政办秘〔2021〕82号"),
                counts: [8, 0, 0],
            },
            Expect {
                name: "安徽省",
                title: Some("安徽省工业互联网创新发展行动计划（2021-2023年）"),
                issuer,
                date: Some("2021-09-02"),
                doc_number: Some("皖政办秘〔2021〕82号"),
                counts: [4, 20, 0],
            },
        ],
    );
    assert_eq!(plans[1].meta.period.as_deref(), Some("2021-2023"));
    // The database header is no part of either plan.
    assert!(!plans[0].normalized_text().contains("法宝引证码"));
}

#[test]
fn a_bureau_notice_gives_its_guidance_named_by_its_title() {
    let plans = check(
        "ext05_beijing_data_zones_2022.txt",
        &[Expect {
            name: "推进北京市数据专区建设的指导意见",
            title: Some("关于推进北京市数据专区建设的指导意见"),
            issuer: Some("北京市经济和信息化局"),
            date: Some("2022-11-21"),
            doc_number: Some("京经信发〔2022〕87号"),
            counts: [8, 23, 0],
        }],
    );
    assert_eq!(plans[0].meta.place.as_deref(), Some("北京市"));
}

#[test]
fn items_numbered_straight_through_keep_their_level() {
    check(
        "ext07_anhui_rcep_2022.txt",
        &[Expect {
            name: "安徽省",
            title: Some(
                "安徽省关于加快对接《区域全面经济伙伴关系协定》（RCEP）经贸新规则扎实推进高水平开放实施意见",
            ),
            issuer: Some("安徽省推进“三地一区”建设领导小组改革开放新高地执行小组办公室"),
            date: Some("2022-03-23"),
            doc_number: Some("皖开放办〔2022〕6号"),
            counts: [3, 7, 24],
        }],
    );
}

#[test]
fn an_attachment_with_its_own_outline_is_its_own_plan() {
    let plans = check(
        "ext08_baotou_digital_gov_eval_2022.txt",
        &[
            Expect {
                name: "包头市",
                title: Some("包头市2022年数字政府建设考评办法"),
                issuer: Some("包头市人民政府办公室"),
                date: Some("2022-04-14"),
                doc_number: Some("包府办发〔2022〕43号"),
                counts: [4, 4, 0],
            },
            Expect {
                name: "包头市数字政府建设考评指标",
                title: Some("包头市数字政府建设考评指标"),
                issuer: Some("包头市人民政府办公室"),
                date: Some("2022-04-14"),
                doc_number: Some("包府办发〔2022〕43号"),
                counts: [7, 27, 90],
            },
        ],
    );
    assert_eq!(plans[0].meta.attachment, None);
    assert_eq!(plans[1].meta.attachment.as_deref(), Some("附件"));
    assert_eq!(
        plans[1].meta.attached_to.as_deref(),
        Some(plans[0].plan_id.as_str())
    );
    assert_eq!(plans[0].province.as_deref(), Some("内蒙古自治区"));
    assert_eq!(plans[1].province.as_deref(), Some("内蒙古自治区"));
}

#[test]
fn a_newspaper_archive_plan_with_spaced_digits_and_run_together_headings() {
    let plans = check(
        "ext09_yunnan_10th_fyp_2001.txt",
        &[Expect {
            name: "云南省",
            title: Some("云南省国民经济和社会发展第十个五年计划纲要"),
            issuer: Some("云南省第九届人民代表大会第四次会议"),
            date: Some("2001-02-16"),
            doc_number: None,
            counts: [8, 26, 76],
        }],
    );
    assert_eq!(plans[0].meta.period.as_deref(), Some("2001-2005"));
    assert_eq!(plans[0].level.as_deref(), Some("省"));
}

#[test]
fn a_work_report_without_a_title_is_named_by_its_city() {
    let plans = check(
        "ext11_jiaxing_gov_work_report_2024.docx",
        &[Expect {
            name: "嘉兴市",
            title: None,
            issuer: None,
            date: None,
            doc_number: None,
            counts: [3, 10, 0],
        }],
    );
    assert_eq!(plans[0].province.as_deref(), Some("浙江省"));
    assert_eq!(plans[0].level.as_deref(), Some("市"));
}

#[test]
fn markdown_with_front_matter_gives_the_town_plan() {
    let plans = check(
        "ext15_zhelin_town_heritage_plan_2023.md",
        &[Expect {
            name: "柘林镇",
            title: Some("柘林镇文物保护规划"),
            issuer: Some("上海市奉贤区柘林镇人民政府"),
            date: Some("2023-10-13"),
            doc_number: Some("奉柘府〔2023〕21号"),
            counts: [3, 10, 12],
        }],
    );
    assert_eq!(plans[0].province.as_deref(), Some("上海市"));
    assert!(!plans[0].normalized_text().contains("官方链接"));
}

// Documents made for these tests (tests/fixtures/made/), so that the rules are not fitted to the
// nine real ones: another encoding, another site's chrome, a notice with two attachments.

fn made(name: &str) -> Vec<Plan> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/made")
        .join(name);
    duizhao::corpus::load_file(&path).unwrap()
}

#[test]
fn a_gbk_notice_with_two_attachments() {
    let plans = made("huzhou_notice_with_attachments_gbk.txt");
    assert!(plans[0].encoding.starts_with("gb"), "{}", plans[0].encoding);
    let names: Vec<&str> = plans.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "湖州市",
            "湖州市数字乡村建设重点任务清单",
            "湖州市数字乡村建设工作专班成员名单"
        ]
    );
    let p = &plans[0];
    assert_eq!(p.meta.title.as_deref(), Some("湖州市数字乡村建设实施方案"));
    assert_eq!(p.meta.issuer.as_deref(), Some("湖州市人民政府办公室"));
    assert_eq!(p.meta.date.as_deref(), Some("2022-06-08"));
    assert_eq!(p.meta.doc_number.as_deref(), Some("湖政办发〔2022〕15号"));
    assert_eq!(counts(p), [3, 7, 0]);
    assert_eq!(plans[1].meta.attachment.as_deref(), Some("附件1"));
    assert_eq!(counts(&plans[1]), [3, 5, 0]);
    // 附件2, a list of names after an attachment with an outline, is an attachment of its own.
    assert!(!plans[1].normalized_text().contains("成员名单"));
    assert_eq!(plans[2].meta.attachment.as_deref(), Some("附件2"));
    assert_eq!(
        plans[2].meta.attached_to.as_deref(),
        Some(plans[0].plan_id.as_str())
    );
}

#[test]
fn a_county_portal_page_with_other_chrome() {
    let plans = made("deqing_county_page.html");
    assert_eq!(plans.len(), 1);
    let p = &plans[0];
    assert_eq!(p.name, "德清县");
    assert_eq!(
        p.meta.title.as_deref(),
        Some("德清县城乡风貌整治提升行动方案")
    );
    assert_eq!(p.meta.issuer.as_deref(), Some("德清县人民政府"));
    assert_eq!(p.meta.date.as_deref(), Some("2022-05-06"));
    assert_eq!(p.meta.doc_number.as_deref(), Some("德政发〔2022〕9号"));
    assert_eq!(p.province.as_deref(), Some("浙江省"));
    assert_eq!(counts(p), [3, 5, 0]);
    let text = p.normalized_text();
    for chrome in ["上一篇", "网站标识码", "浏览次数", "政务公开"] {
        assert!(!text.contains(chrome), "{chrome} in the plan's text");
    }
}
