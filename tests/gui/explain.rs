//! Issue 13 items 4–5 and issue 12 items 3 and 6 in the app, headless with egui_kittest: a
//! focused measure and its partner have the characters they share marked (with tier and score);
//! the reuse report opens from a plan's menu, lists the most-copied source first and a passage
//! opens the comparison there; dragging a section heading onto a row pins it there; a measure
//! tagged by hand is listed in its theme's row of the by-theme mode.

use std::time::{Duration, Instant};

use duizhao::comparison::{Comparison, MeasurePos, Scope};
use duizhao::ui::{DuizhaoApp, View};
use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::{By, Queryable};

use crate::support::{app_comparing, infrastructure_theme, seeds};

const DONGLI: &str = "天津市东丽区";
const ZHONGBEI: &str = "天津市中北镇";

fn plan_id(name: &str) -> String {
    let corpus = duizhao::corpus::load_paths(&[seeds()]);
    corpus
        .plans
        .iter()
        .find(|p| p.name == name)
        .unwrap_or_else(|| panic!("no plan {name}"))
        .plan_id
        .clone()
}

/// Content characters (letters, digits, Han) of the marked parts of `text`.
fn marked(text: &str, ranges: &[std::ops::Range<usize>]) -> Vec<String> {
    ranges
        .iter()
        .map(|r| {
            text[r.clone()]
                .chars()
                .filter(|c| c.is_alphanumeric())
                .collect()
        })
        .collect()
}

#[test]
fn a_focused_measure_and_its_partner_have_their_shared_words_marked() {
    let mut harness = app_comparing(&[DONGLI, ZHONGBEI], 6000.0);
    let table = harness.state().comparison().expect("a comparison").clone();
    let analysis = harness.state().analysis().cloned().expect("analysed");
    // The first measure of 东丽区 with a partner in 中北镇's column.
    let (pos, partner) = table
        .rows
        .iter()
        .enumerate()
        .flat_map(|(r, row)| {
            let n = row.cells[0].as_ref().map_or(0, |c| c.measures.len());
            (0..n).map(move |k| MeasurePos { row: r, col: 0, k })
        })
        .filter(|p| {
            table
                .measure(*p)
                .is_some_and(|m| m.scope == Scope::Compared)
        })
        .find_map(|p| table.partners(&analysis, p).first().map(|b| (p, *b)))
        .expect("a measure shared between the two Tianjin plans");
    let m = table.measure(pos).expect("measure").clone();
    let pm = table.measure(partner).expect("partner").clone();
    // Nothing is marked before a measure is focused.
    assert!(harness.state().compare_view().match_ranges(pos).is_empty());
    harness
        .query_all_by_label(&format!("对照内共有：{}", m.text))
        .next()
        .expect("the measure is shown")
        .click();
    // The focus flashes for a while (repainting): step through it.
    harness.run_steps(20);
    let view = harness.state().compare_view();
    assert_eq!(view.cursor(), Some(pos));
    let own = marked(&m.text, view.match_ranges(pos));
    let other = marked(&pm.text, view.match_ranges(partner));
    assert!(!own.is_empty(), "nothing marked in {}", m.text);
    assert!(!other.is_empty(), "nothing marked in {}", pm.text);
    // What is marked in one is found in the other (after folding script and punctuation).
    let pm_norm: String = duizhao::normalize::normalize_str(&pm.text)
        .chars()
        .filter(|c| c.is_alphanumeric())
        .collect();
    for run in &own {
        let run = duizhao::normalize::normalize_str(run);
        assert!(pm_norm.contains(&run), "{run} not in {}", pm.text);
    }
    // Tier and score of the link, and the count of characters in common, for the tooltip.
    let info = view
        .match_infos()
        .iter()
        .find(|i| i.partner == partner)
        .expect("an explanation for the partner");
    assert!(info.tier.is_some());
    assert!(info.score > 0.0 && info.score <= 1.0);
    assert_eq!(
        info.focus_chars,
        own.iter().map(|s| s.chars().count()).sum::<usize>()
    );
    // The detail bar (and the tooltip) say why.
    assert!(
        harness
            .query_all_by_label_contains("相同文字")
            .next()
            .is_some()
    );
    // Esc drops the focus and the marks.
    harness.key_press(egui::Key::Escape);
    harness.run_steps(20);
    assert!(harness.state().compare_view().match_ranges(pos).is_empty());
    assert!(harness.state().compare_view().match_infos().is_empty());
    // A column header's menu opens that plan's reuse report.
    harness
        .get_by_role_and_label(Role::ColumnHeader, ZHONGBEI)
        .click_secondary();
    harness.run();
    harness.get_by_label("文本复用报告…").click();
    harness.run_steps(2);
    assert!(harness.state().reuse_window_state().is_open());
}

#[test]
fn the_reuse_report_opens_from_a_plans_menu_and_a_passage_opens_the_comparison() {
    let mut harness = app_comparing(&[], 1400.0);
    harness
        .get_by_role_and_label(Role::ListItem, DONGLI)
        .click_secondary();
    harness.run();
    harness.get_by_label("文本复用报告…").click();
    // A spinner turns while the report is worked out.
    harness.run_steps(2);
    assert!(harness.state().reuse_window_state().is_open());
    let deadline = Instant::now() + Duration::from_secs(120);
    while harness.state().reuse_window_state().report().is_none() {
        assert!(Instant::now() < deadline, "no reuse report within 120 s");
        harness.step();
        std::thread::sleep(Duration::from_millis(20));
    }
    harness.run_steps(2);
    let report = harness
        .state()
        .reuse_window_state()
        .report()
        .expect("report")
        .clone();
    assert_eq!(report.name, DONGLI);
    // The same report the CLI prints: 中北镇 holds most of 东丽区's text.
    let corpus = duizhao::corpus::load_paths(&[seeds()]);
    let a = corpus
        .plans
        .iter()
        .position(|p| p.name == DONGLI)
        .expect("东丽区");
    let core = duizhao::reuse::reuse_report(&corpus.plans, a).expect("report");
    assert_eq!(report.rows[0].name, ZHONGBEI);
    assert_eq!(report.rows[0].name, core.rows[0].name);
    assert_eq!(report.rows[0].found_chars, core.rows[0].found_chars);
    // The window lists it first, with its share.
    harness.get_by_label_contains(&format!(
        "1. {ZHONGBEI} — {:.1}%",
        report.rows[0].share * 100.0
    ));
    // Click the longest passage: the two plans are compared, the measure focused, the
    // characters in common marked in both.
    let x = report.rows[0].passages[0].clone();
    harness
        .query_all(
            By::new()
                .role(Role::Button)
                .label_contains(&format!("{}（{} 字）", x.text, x.chars)),
        )
        .next()
        .expect("the passage is listed")
        .click();
    harness.run_steps(20);
    let app = harness.state();
    assert_eq!(app.settings().view, View::Compare);
    assert_eq!(
        app.settings().compared_plans,
        vec![plan_id(DONGLI), plan_id(ZHONGBEI)]
    );
    let view = app.compare_view();
    let table = app.comparison().expect("a comparison");
    let cursor = view.cursor().expect("the passage's measure is focused");
    let m = table.measure(cursor).expect("measure");
    assert_eq!(m.measure_id, x.measure_id);
    let info = view
        .match_infos()
        .iter()
        .find(|i| {
            table
                .measure(i.partner)
                .is_some_and(|p| p.measure_id == x.other_measure_id)
        })
        .expect("the passage's partner is explained");
    let own = marked(&m.text, view.match_ranges(cursor)).concat();
    let passage: String = x.text.chars().filter(|c| c.is_alphanumeric()).collect();
    assert!(own.contains(&passage), "{passage} not marked in {}", m.text);
    assert!(!view.match_ranges(info.partner).is_empty());
    // 导出… opens the export dialog on the reuse table of this plan only.
    harness.get_by_role_and_label(Role::Button, "导出…").click();
    harness.run_steps(3);
    harness.get_by_label(&format!("仅 {DONGLI}"));
    harness.get_by_label_contains("文本复用（所选方案");
}

/// (row, column) cells holding section `sid` of column `col`.
fn row_of(table: &Comparison, col: usize, sid: usize) -> Option<usize> {
    table.rows.iter().position(|r| {
        r.cells
            .get(col)
            .and_then(|c| c.as_ref())
            .is_some_and(|c| c.sections.iter().any(|s| s.section_id == Some(sid)))
    })
}

#[test]
fn dragging_a_section_heading_onto_a_row_pins_it_there() {
    let mut harness = app_comparing(&[DONGLI, ZHONGBEI], 6000.0);
    let table = harness.state().comparison().expect("a comparison").clone();
    // A section of 东丽区 (first in its cell) in a row below the first row where 中北镇 has a
    // section, and that section of 中北镇.
    let (target_row, t_sid) = table
        .rows
        .iter()
        .enumerate()
        .find_map(|(r, row)| {
            let c = row.cells[1].as_ref()?;
            Some((r, c.sections.first()?.section_id?))
        })
        .expect("a row with a 中北镇 section");
    let (source_row, s_sid, s_heading) = table
        .rows
        .iter()
        .enumerate()
        .skip(target_row + 1)
        .find_map(|(r, row)| {
            let c = row.cells[0].as_ref()?;
            let s = c.sections.first()?;
            let sid = s.section_id?;
            (!s.moved).then(|| (r, sid, s.heading.clone()))
        })
        .expect("a 东丽区 section further down");
    assert_ne!(row_of(&table, 0, s_sid), row_of(&table, 1, t_sid));
    let t_heading = table.rows[target_row].cells[1]
        .as_ref()
        .and_then(|c| c.sections.first())
        .map(|s| s.heading.clone())
        .expect("heading");
    let from = harness
        .query_all_by_role_and_label(Role::Label, &s_heading)
        .next()
        .expect("the dragged heading is shown")
        .rect()
        .center();
    let to = harness
        .query_all_by_role_and_label(Role::Label, &t_heading)
        .next()
        .expect("the target heading is shown")
        .rect()
        .center()
        + egui::vec2(0.0, 30.0);
    assert!(source_row > target_row);
    harness.hover_at(from);
    harness.step();
    harness.drag_at(from);
    harness.step();
    for k in 1..=6 {
        let t = k as f32 / 6.0;
        harness.hover_at(from + (to - from) * t);
        harness.step();
    }
    harness.drop_at(to);
    harness.run();
    let pins = harness.state().project().pins.clone();
    assert_eq!(pins.len(), 1, "{pins:?}");
    assert_eq!(pins[0].section_ids, [s_sid, t_sid]);
    assert!(harness.state().project_dirty());
    let table = harness.state().comparison().expect("a comparison").clone();
    let (a, b) = (row_of(&table, 0, s_sid), row_of(&table, 1, t_sid));
    assert!(a.is_some() && a == b, "rows {a:?} / {b:?}");
}

#[test]
fn a_measure_tagged_by_hand_is_listed_in_its_themes_row() {
    let mut harness = app_comparing(&["淄博市", "济南市市中区"], 6000.0);
    let theme = infrastructure_theme(&harness);
    // By theme, with the project's codebook: which 淄博市 measures the rules put under it.
    harness
        .get_by_role_and_label(Role::Button, "按主题")
        .click();
    harness.run();
    harness
        .get_by_role_and_label(Role::CheckBox, "用项目编码表")
        .click();
    harness.run();
    let listed = |h: &Harness<'_, DuizhaoApp>| -> Vec<String> {
        let table = h.state().comparison().expect("a comparison");
        assert!(table.by_theme);
        table
            .rows
            .iter()
            .filter(|r| {
                r.theme
                    .as_ref()
                    .is_some_and(|t| t.theme_id == theme.theme_id)
            })
            .flat_map(|r| r.cells[0].iter().flat_map(|c| c.measures.iter()))
            .map(|m| m.measure_id.clone())
            .collect()
    };
    let before = listed(&harness);
    // Back by structure: the first 淄博市 measure the rules did not put under the theme.
    harness
        .get_by_role_and_label(Role::Button, "按结构")
        .click();
    harness.run();
    let table = harness.state().comparison().expect("a comparison").clone();
    let m = table
        .rows
        .iter()
        .flat_map(|r| r.cells[0].iter().flat_map(|c| c.measures.iter()))
        .find(|m| !before.contains(&m.measure_id) && m.text.chars().count() > 12)
        .expect("a measure outside the theme")
        .clone();
    harness
        .query_all(By::new().role(Role::Button).label_contains(&m.text))
        .next()
        .expect("the measure is shown")
        .click_secondary();
    harness.run();
    harness.get_by_label("标注主题").click();
    harness.run();
    harness
        .get_by_role_and_label(Role::CheckBox, &theme.name)
        .click();
    harness.run_steps(3);
    assert_eq!(harness.state().project().tags.len(), 1);
    harness
        .get_by_role_and_label(Role::Button, "按主题")
        .click();
    harness.run();
    let after = listed(&harness);
    assert!(
        after.contains(&m.measure_id),
        "{} not in the {} row: {after:?}",
        m.measure_id,
        theme.name
    );
    assert!(before.iter().all(|id| after.contains(id)));
}
