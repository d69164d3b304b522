//! The whole app comparing plans, headless with egui_kittest: ticked plans are compared side by
//! side with their shared measures marked, columns reordered and removed, a shared measure's
//! partner focused, search hits, tagging from the menus and number keys, export with Ctrl+E.

use std::time::{Duration, Instant};

use duizhao::matching::Status;
use duizhao::ui::{DuizhaoApp, Language, Settings, View};
use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;

use crate::support::{harness, harness_with, infrastructure_theme, seeds, wait_loaded};

const DONGLI: &str = "天津市东丽区";
const ZHONGBEI: &str = "天津市中北镇";

/// Tick 天津市东丽区 and 天津市中北镇 in the library (narrowed to 天津) and open the comparison.
fn compare_two_tianjin_plans() -> Harness<'static, DuizhaoApp> {
    let mut harness = harness();
    // Tall enough for the 推广智慧供暖 row to be in view.
    harness.set_size(egui::vec2(1400.0, 5000.0));
    harness.get_by_role(Role::TextInput).click();
    harness.run();
    harness.get_by_role(Role::TextInput).type_text("天津");
    harness.run();
    for name in [DONGLI, ZHONGBEI] {
        harness
            .get_by_role_and_label(Role::CheckBox, &format!("加入对照：{name}"))
            .click();
        harness.run();
    }
    let compared: Vec<String> = harness
        .state()
        .settings()
        .compared_plans
        .iter()
        .map(|id| {
            let corpus = harness.state().corpus().expect("loaded");
            let plan = corpus
                .plans
                .iter()
                .find(|p| p.plan_id == *id)
                .expect("plan");
            plan.name.clone()
        })
        .collect();
    assert_eq!(compared, vec![DONGLI, ZHONGBEI]);
    assert_eq!(harness.state().settings().view, View::Plan);
    harness
        .get_by_role_and_label(Role::Button, "方案对照 (2)")
        .click();
    harness.run();
    assert_eq!(harness.state().settings().view, View::Compare);
    harness
}

#[test]
fn ticked_plans_are_compared_with_shared_measures_marked() {
    let mut harness = compare_two_tianjin_plans();
    let comparison = harness.state().comparison().expect("a comparison").clone();
    let names: Vec<&str> = comparison.columns.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, vec![DONGLI, ZHONGBEI]);
    assert!(
        comparison
            .columns
            .iter()
            .all(|c| c.shared > 0 && c.unique > 0)
    );

    // Both plans' 推广智慧供暖 sections share a row, and its measure is shared between them.
    let row = comparison
        .row_with_heading("推广智慧供暖")
        .expect("a 推广智慧供暖 row");
    assert_eq!(row.cells.len(), 2);
    let mut texts = Vec::new();
    for cell in &row.cells {
        let cell = cell.as_ref().expect("both plans have the section");
        assert!(cell.heading.contains("推广智慧供暖"), "{}", cell.heading);
        assert!(!cell.measures.is_empty());
        for m in &cell.measures {
            assert_eq!(m.status, Status::Shared, "{}", m.text);
            assert!(m.shared_in_comparison, "{}", m.text);
            assert!(m.plans_sharing >= 1);
            texts.push(m.text.clone());
        }
    }
    // On screen: both headings, and the measures read as shared.
    assert_eq!(harness.query_all_by_label("（三）推广智慧供暖").count(), 2);
    for text in &texts {
        let expected = texts.iter().filter(|t| *t == text).count();
        let shown = harness
            .query_all_by_label(&format!("对照内共有：{text}"))
            .count();
        assert_eq!(shown, expected, "{text}");
    }
    // Hovering a measure lists the plans sharing it, the compared plan first (the harness's
    // clock does not run, so no tooltip delay).
    harness
        .ctx
        .all_styles_mut(|s| s.interaction.tooltip_delay = 0.0);
    harness
        .query_all_by_label(&format!("对照内共有：{}", texts[0]))
        .next()
        .expect("the measure is shown")
        .hover();
    harness.run_steps(3);
    harness.get_by_label_contains(&format!("【对照中】{ZHONGBEI}"));
    harness.get_by_label_contains("另有");
    // Column headers and the legend.
    harness.get_by_role_and_label(Role::ColumnHeader, DONGLI);
    harness.get_by_role_and_label(Role::ColumnHeader, ZHONGBEI);
    for label in [
        "对照内共有·原文相同",
        "对照内共有·意思相近",
        "仅与对照外方案共有",
        "独有",
        "套话",
    ] {
        harness.get_by_label(label);
    }

    // Collapsing the rows leaves the headings only.
    harness
        .get_by_role_and_label(Role::CheckBox, "只显示标题")
        .click();
    harness.run();
    assert!(harness.state().settings().collapse_rows);
    for text in &texts {
        assert!(
            harness
                .query_by_label(&format!("对照内共有：{text}"))
                .is_none()
        );
    }
    assert_eq!(harness.query_all_by_label("（三）推广智慧供暖").count(), 2);

    // English labels.
    harness
        .get_by_role_and_label(Role::Button, "English")
        .click();
    harness.run();
    for label in [
        "Shared in the comparison, verbatim",
        "Shared in the comparison, paraphrase",
        "Shared only outside the comparison",
        "Unique",
        "Boilerplate",
    ] {
        harness.get_by_label(label);
    }
}

#[test]
fn unticking_a_plan_takes_it_out_of_the_comparison() {
    let mut harness = compare_two_tianjin_plans();
    harness
        .get_by_role_and_label(Role::CheckBox, &format!("加入对照：{ZHONGBEI}"))
        .click();
    harness.run();
    assert_eq!(harness.state().settings().compared_plans.len(), 1);
    let comparison = harness.state().comparison().expect("a comparison");
    assert_eq!(comparison.columns.len(), 1);
    harness.get_by_label_contains("勾选两个或更多方案");
    // Clicking a plan's name shows that plan alone.
    harness
        .get_by_role_and_label(Role::ListItem, ZHONGBEI)
        .click();
    harness.run();
    assert_eq!(harness.state().settings().view, View::Plan);
    assert_eq!(
        harness.state().selected_plan().map(|p| p.name.as_str()),
        Some(ZHONGBEI)
    );
}

#[test]
fn remembered_comparison_is_restored() {
    let corpus = duizhao::corpus::load_paths(&[seeds()]);
    let ids: Vec<String> = [DONGLI, ZHONGBEI]
        .iter()
        .map(|n| {
            corpus
                .plans
                .iter()
                .find(|p| p.name == *n)
                .expect("plan")
                .plan_id
                .clone()
        })
        .collect();
    let settings = Settings {
        compared_plans: ids.clone(),
        view: View::Compare,
        ..Settings::default()
    };
    let text = ron::to_string(&settings).expect("serialises");
    let back: Settings = ron::from_str(&text).expect("parses");
    assert_eq!(back.compared_plans, ids);
    let mut harness = harness_with(vec![seeds()], back);
    harness.run();
    let comparison = harness.state().comparison().expect("a comparison");
    assert_eq!(comparison.columns.len(), 2);
    assert!(comparison.row_with_heading("推广智慧供暖").is_some());
}

#[test]
fn clicking_a_column_header_opens_that_plan() {
    let mut harness = compare_two_tianjin_plans();
    harness
        .get_by_role_and_label(Role::ColumnHeader, ZHONGBEI)
        .click();
    harness.run();
    assert_eq!(harness.state().settings().view, View::Plan);
    assert_eq!(
        harness.state().selected_plan().map(|p| p.name.as_str()),
        Some(ZHONGBEI)
    );
    // The comparison is kept.
    assert_eq!(harness.state().settings().compared_plans.len(), 2);
}

#[test]
fn eight_compared_plans_scroll_sideways_and_draw_fast() {
    let corpus = duizhao::corpus::load_paths(&[seeds()]);
    let settings = Settings {
        compared_plans: corpus
            .plans
            .iter()
            .take(8)
            .map(|p| p.plan_id.clone())
            .collect(),
        view: View::Compare,
        ..Settings::default()
    };
    let mut harness = harness_with(vec![seeds()], settings);
    let comparison = harness.state().comparison().expect("a comparison");
    assert_eq!(comparison.columns.len(), 8);
    // A table far taller than the window: 10 rows holding several sections per cell (the
    // annealing after the link refinement fills cells by their neighbours' rows; 14 rows
    // before it, 22 before the framing rows).
    assert!(comparison.rows.len() >= 8, "{} rows", comparison.rows.len());
    let sections: usize = comparison
        .rows
        .iter()
        .flat_map(|r| r.cells.iter().flatten())
        .map(|c| c.sections.len())
        .sum();
    assert!(sections > 40, "{sections} sections in the cells");
    // The eight headers exist even if not all fit the width.
    assert_eq!(harness.query_all_by_role(Role::ColumnHeader).count(), 8);

    // Collapsing lays the rows out again (frame times: `cargo bench --bench ui_frame`).
    harness
        .get_by_role_and_label(Role::CheckBox, "只显示标题")
        .click();
    harness.run();
    assert!(harness.state().settings().collapse_rows);
    for col in &harness.state().comparison().expect("a comparison").columns {
        harness.get_by_role_and_label(Role::ColumnHeader, &col.name);
    }
}

#[test]
fn clicking_a_shared_measure_focuses_its_partner_in_the_other_column() {
    let mut harness = compare_two_tianjin_plans();
    let comparison = harness.state().comparison().expect("a comparison").clone();
    let (r, row) = comparison
        .rows
        .iter()
        .enumerate()
        .find(|(_, r)| {
            r.cells
                .iter()
                .flatten()
                .any(|c| c.heading.contains("推广智慧供暖"))
        })
        .expect("a 推广智慧供暖 row");
    let left = row.cells[0].as_ref().expect("东丽区 has the section");
    let m = &left.measures[0];
    assert_eq!(m.status, Status::Shared);
    assert_eq!(m.tier, Some(duizhao::matching::Tier::Verbatim));
    // The same text appears in both columns: click the left one (東丽 comes first in the tree).
    harness
        .query_all_by_label(&format!("对照内共有：{}", m.text))
        .next()
        .expect("the measure is shown")
        .click();
    harness.run_steps(3);
    let view = harness.state().compare_view();
    let cursor = view.cursor().expect("the clicked measure is focused");
    assert_eq!((cursor.row, cursor.col), (r, 0));
    // Its partner in the other column flashes, in the same aligned row.
    let partner = view
        .flashing()
        .iter()
        .find(|p| p.col == 1)
        .copied()
        .expect("the partner in 中北镇 flashes");
    assert_eq!(partner.row, r);
    let partner_text = &comparison.measure(partner).expect("partner").text;
    assert_eq!(partner_text, &m.text);
    // The detail bar shows the focused measure's text, selectable.
    harness.get_by_role_and_label(Role::Button, "复制");

    // N moves to the next shared measure in reading order, Shift+N back.
    let before = harness.state().compare_view().cursor();
    harness.key_press(egui::Key::N);
    harness.run_steps(3);
    let after = harness.state().compare_view().cursor();
    assert!(after > before, "{before:?} → {after:?}");
    let moved = comparison
        .measure(after.expect("moved"))
        .expect("a measure");
    assert_eq!(moved.status, Status::Shared);
    harness.key_press_modifiers(egui::Modifiers::SHIFT, egui::Key::N);
    harness.run_steps(3);
    assert_eq!(harness.state().compare_view().cursor(), before);
    // U reaches a unique measure (from the top: Esc drops the focus first, since the cursor may
    // sit after the last unique measure of the table).
    harness.key_press(egui::Key::Escape);
    harness.run_steps(3);
    harness.key_press(egui::Key::U);
    harness.run_steps(3);
    let u = harness
        .state()
        .compare_view()
        .cursor()
        .expect("a unique measure");
    assert_eq!(
        comparison.measure(u).expect("a measure").status,
        Status::Unique
    );
}

#[test]
fn columns_can_be_reordered_and_removed_from_their_headers() {
    let mut harness = compare_two_tianjin_plans();
    let ids = harness.state().settings().compared_plans.clone();
    harness
        .get_by_role_and_label(Role::Button, &format!("右移 {DONGLI}"))
        .click();
    harness.run();
    let swapped: Vec<String> = ids.iter().rev().cloned().collect();
    assert_eq!(harness.state().settings().compared_plans, swapped);
    let names: Vec<String> = harness
        .state()
        .comparison()
        .expect("a comparison")
        .columns
        .iter()
        .map(|c| c.name.clone())
        .collect();
    assert_eq!(names, vec![ZHONGBEI, DONGLI]);
    harness
        .get_by_role_and_label(Role::Button, &format!("移出对照 {ZHONGBEI}"))
        .click();
    harness.run();
    assert_eq!(
        harness.state().settings().compared_plans,
        vec![ids[0].clone()]
    );
}

#[test]
fn normalised_text_and_key_terms_toggle() {
    let corpus = duizhao::corpus::load_paths(&[seeds()]);
    let zibo = corpus
        .plans
        .iter()
        .find(|p| p.name == "淄博市")
        .expect("淄博市");
    let jinan = corpus
        .plans
        .iter()
        .find(|p| p.name == "济南市市中区")
        .expect("济南市市中区");
    let settings = Settings {
        compared_plans: vec![zibo.plan_id.clone(), jinan.plan_id.clone()],
        view: View::Compare,
        ..Settings::default()
    };
    let mut harness = harness_with(vec![seeds()], settings);
    harness.set_size(egui::vec2(1400.0, 3000.0));
    harness.run();
    // Zibo's measures show in Traditional script by default…
    let traditional = zibo
        .measures()
        .into_iter()
        .find(|m| m.text != m.norm && m.text.contains('農'))
        .expect("a traditional measure");
    let in_table = harness
        .state()
        .comparison()
        .expect("a comparison")
        .rows
        .iter()
        .flat_map(|r| r.cells.iter().flatten())
        .flat_map(|c| c.measures.iter())
        .any(|m| m.text == traditional.text);
    assert!(in_table);
    harness
        .get_by_role_and_label(Role::CheckBox, "显示规范化简体文本")
        .click();
    harness.run();
    assert!(harness.state().settings().show_normalized);
    // …and simplified when asked (the painted galleys follow the setting; the table keeps both).
    harness
        .get_by_role_and_label(Role::CheckBox, "标出关键词")
        .click();
    harness.run();
    assert!(harness.state().settings().highlight_terms);
    let marked = harness
        .state()
        .comparison()
        .expect("a comparison")
        .rows
        .iter()
        .flat_map(|r| r.cells.iter().flatten())
        .flat_map(|c| c.measures.iter())
        .filter(|m| !m.terms.is_empty())
        .count();
    assert!(marked > 50, "{marked} measures with key terms");
}

#[test]
fn a_bad_file_added_later_shows_its_error_and_the_plans_stay() {
    let dir = tempfile::tempdir().expect("tempdir");
    let bad = dir.path().join("损坏的方案.docx");
    std::fs::write(&bad, b"PK\x03\x04 this is not a zip archive").expect("write");
    let mut harness = harness();
    assert_eq!(harness.state().corpus().expect("loaded").plans.len(), 63);
    let ctx = harness.ctx.clone();
    harness.state_mut().add_paths(&ctx, vec![bad.clone()]);
    wait_loaded(&mut harness);
    let corpus = harness.state().corpus().expect("loaded again");
    assert_eq!(corpus.plans.len(), 63, "the seeds stay loaded");
    assert_eq!(corpus.errors.len(), 1);
    assert!(
        corpus.errors[0].contains("损坏的方案.docx"),
        "{}",
        corpus.errors[0]
    );
    // A closable window lists it; the library still works behind it.
    assert_eq!(harness.state().notices().len(), 1);
    assert!(harness.query_all_by_label("1 个文件未能导入").count() >= 1);
    let shown = duizhao::ui::messages::localize(&corpus.errors[0], Language::Chinese);
    assert!(shown.contains("不是可读的文本文件"), "{shown}");
    harness.get_by_label(&shown);
    harness.get_by_role_and_label(Role::ListItem, "淄博市");
    harness
        .get_by_role_and_label(Role::Button, "知道了")
        .click();
    harness.run();
    assert!(harness.state().notices().is_empty());
    harness.get_by_role_and_label(Role::ListItem, "淄博市");
}

#[test]
fn the_library_groups_by_province_on_request() {
    let mut harness = harness();
    let corpus = harness.state().corpus().expect("loaded").clone();
    let shandong = corpus
        .plans
        .iter()
        .filter(|p| p.province.as_deref() == Some("山东省"))
        .count();
    assert!(shandong >= 2, "淄博市 and 济南市市中区 are in 山东省");
    harness
        .get_by_role_and_label(Role::Button, "按省份")
        .click();
    harness.run();
    assert!(harness.state().settings().group_by_province);
    harness.get_by_role_and_label(Role::DisclosureTriangle, &format!("{shandong}  山东省"));
    // Every plan is still listed once, and arrow keys follow the grouped order.
    assert_eq!(harness.state().listed_plan_ids().len(), corpus.plans.len());
    harness
        .get_by_role_and_label(Role::Button, "按文件")
        .click();
    harness.run();
    assert!(!harness.state().settings().group_by_province);
}

#[test]
fn ctrl_f_searches_all_columns_and_a_hit_focuses_its_measure_in_the_comparison() {
    let mut harness = compare_two_tianjin_plans();
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::F);
    harness.run();
    // The search box has the focus: type a word of the shared 智慧供暖 measures.
    // (The library's filter is the other text box; the search panel is drawn after it.)
    harness
        .query_all_by_role(Role::TextInput)
        .last()
        .expect("the search box")
        .type_text("智慧供暖");
    harness.run();
    let app = harness.state();
    let corpus = app.corpus().expect("loaded");
    let dongli = corpus
        .plans
        .iter()
        .position(|p| p.name == DONGLI)
        .expect("东丽区");
    // Hits are listed per plan (keyword in context), both compared plans among them.
    harness.get_by_label_contains(&format!("{DONGLI}（"));
    harness.get_by_label_contains(&format!("{ZHONGBEI}（"));
    let comparison = app.comparison().expect("a comparison").clone();
    let (pos, m) = comparison
        .rows
        .iter()
        .enumerate()
        .flat_map(|(r, row)| {
            row.cells.iter().enumerate().flat_map(move |(c, cell)| {
                cell.iter()
                    .flat_map(|x| x.measures.iter())
                    .enumerate()
                    .map(move |(k, m)| (duizhao::comparison::MeasurePos { row: r, col: c, k }, m))
            })
        })
        .find(|(p, m)| p.col == 0 && m.norm.contains("智慧供暖"))
        .expect("a 智慧供暖 measure in 东丽区's column");
    let plan = &corpus.plans[dongli];
    let measure = &plan.measures()[m.measure_index];
    let start = measure.text.find("智慧供暖").expect("in the text");
    let measure_index = m.measure_index;
    // The search finds the word in the compared measure, at its place in the text.
    let result = duizhao::search::search(&corpus.plans, "智慧供暖", 1000);
    let hit = result
        .hits_by_plan
        .iter()
        .find(|p| p.plan_index == dongli)
        .and_then(|p| {
            p.hits
                .iter()
                .find(|h| h.measure_index == Some(measure_index))
        })
        .expect("the measure is a hit")
        .clone();
    assert!(
        hit.byte_ranges_in_text
            .contains(&(start..start + "智慧供暖".len()))
    );
    // Clicking the hit focuses that measure in the comparison.
    let label = format!("{}{}{}", hit.kwic.left, hit.kwic.matched, hit.kwic.right);
    harness
        .query_all_by_label(&label)
        .next()
        .expect("the hit is listed")
        .click();
    harness.run_steps(4);
    assert_eq!(harness.state().settings().view, View::Compare);
    assert_eq!(harness.state().compare_view().cursor(), Some(pos));
    // Esc closes the search.
    harness.key_press(egui::Key::Escape);
    harness.run_steps(2);
    assert!(
        harness
            .query_by_label_contains(&format!("{DONGLI}（"))
            .is_none()
    );
}

#[test]
fn the_families_overview_and_targets_views_open_from_the_title_bar() {
    let mut harness = harness();
    for (tab, view) in [
        ("措施家族", View::Families),
        ("相似总览", View::Overview),
        ("目标指标", View::Targets),
    ] {
        harness.get_by_role_and_label(Role::Button, tab).click();
        harness.run();
        assert_eq!(harness.state().settings().view, view);
    }
    // Families: opening one and asking to compare its plans lands in the compare view.
    harness
        .get_by_role_and_label(Role::Button, "措施家族")
        .click();
    harness.run();
    harness.get_by_label_contains("个措施族");
}

#[test]
fn tagging_a_measure_from_its_menu_survives_save_and_reopen() {
    let mut harness = compare_two_tianjin_plans();
    let comparison = harness.state().comparison().expect("a comparison").clone();
    let row = comparison
        .row_with_heading("推广智慧供暖")
        .expect("a 推广智慧供暖 row");
    let m = row.cells[0]
        .as_ref()
        .expect("东丽区 has the section")
        .measures[0]
        .clone();
    let theme = infrastructure_theme(&harness);
    // Right-click the measure, open 标注主题, tick the theme.
    harness
        .query_all_by_label(&format!("对照内共有：{}", m.text))
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
    let tags = &harness.state().project().tags;
    assert_eq!(tags.len(), 1, "{tags:?}");
    assert_eq!(tags[0].theme_id, theme.theme_id);
    let head: String = m.text.chars().take(8).collect();
    assert!(
        tags[0].quote.starts_with(&head),
        "{} / {}",
        tags[0].quote,
        m.text
    );
    assert!(tags[0].measure_id.is_some());
    assert!(harness.state().project_dirty());

    // The theme × plan matrix counts it: one segment in 东丽区's cell of that theme.
    harness
        .get_by_role_and_label(Role::Button, "主题矩阵")
        .click();
    harness.run();
    harness.get_by_label_contains(&format!("{} × {DONGLI}：1 段", theme.name));
    harness
        .get_by_role_and_label(Role::Button, "方案对照 (2)")
        .click();
    harness.run();

    // Save, start a new project, reopen: the tag is back, with the same quote.
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("tianjin.duizhao.ron");
    harness.state_mut().save_project_to(&path);
    assert!(
        harness.state().notices().is_empty(),
        "{:?}",
        harness.state().notices()
    );
    assert!(!harness.state().project_dirty());
    let saved = harness.state().project().tags.clone();
    let ctx = harness.ctx.clone();
    harness.state_mut().open_project(&ctx, &path);
    wait_loaded(&mut harness);
    assert_eq!(harness.state().project().tags, saved);
    assert_eq!(harness.state().project_path(), Some(path.as_path()));
    assert_eq!(
        harness.state().settings().recent_projects.first(),
        Some(&path)
    );
}

#[test]
fn ctrl_e_exports_the_comparison_and_asks_before_overwriting() {
    let mut harness = compare_two_tianjin_plans();
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::E);
    harness.run();
    assert!(harness.state_mut().export_dialog_mut().open);
    harness
        .get_by_role_and_label(Role::RadioButton, "HTML 报告")
        .click();
    harness.run();
    // The save dialog is native; a test sets the path as it would.
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("tianjin.html");
    harness
        .state_mut()
        .export_dialog_mut()
        .set_path(path.clone());
    harness.run();
    harness.get_by_role_and_label(Role::Button, "导出").click();
    let deadline = Instant::now() + Duration::from_secs(120);
    while harness.state_mut().export_dialog_mut().is_running() || !path.exists() {
        assert!(Instant::now() < deadline, "the export did not finish");
        harness.step();
        std::thread::sleep(Duration::from_millis(20));
    }
    harness.run();
    let html = std::fs::read_to_string(&path).expect("the report");
    for name in [DONGLI, ZHONGBEI, "推广智慧供暖"] {
        assert!(html.contains(name), "{name} missing from the report");
    }
    harness.get_by_label_contains("已写入");
    // Again: the file exists, so the dialog asks first and leaves it as it is.
    std::fs::write(&path, "old").expect("write");
    harness.get_by_role_and_label(Role::Button, "导出").click();
    harness.run();
    harness.get_by_label("文件已存在。覆盖它吗？");
    assert_eq!(std::fs::read_to_string(&path).expect("read"), "old");
    harness
        .get_by_role_and_label(Role::Button, "覆盖并导出")
        .click();
    let deadline = Instant::now() + Duration::from_secs(120);
    while std::fs::read_to_string(&path).expect("read") == "old" {
        assert!(Instant::now() < deadline, "the export did not overwrite");
        harness.step();
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(
        std::fs::read_to_string(&path)
            .expect("read")
            .contains(DONGLI)
    );
}

#[test]
fn number_keys_tag_the_focused_measure_and_its_memo_is_edited_in_the_detail_bar() {
    let mut harness = compare_two_tianjin_plans();
    let comparison = harness.state().comparison().expect("a comparison").clone();
    let m = comparison
        .row_with_heading("推广智慧供暖")
        .and_then(|r| r.cells[0].clone())
        .expect("东丽区's 推广智慧供暖 cell")
        .measures[0]
        .clone();
    harness
        .query_all_by_label(&format!("对照内共有：{}", m.text))
        .next()
        .expect("the measure is shown")
        .click();
    harness.run_steps(3);
    let second =
        duizhao::ui::tagging::CodingView::build(harness.state().project(), Language::Chinese)
            .themes[1]
            .clone();
    harness.key_press(egui::Key::Num2);
    harness.run_steps(3);
    let tags = harness.state().project().tags.clone();
    assert_eq!(tags.len(), 1);
    assert_eq!(tags[0].theme_id, second.theme_id);
    // The detail bar lists the tag with a memo box.
    // (The library's filter is the other text box; the detail bar is drawn after it.)
    harness
        .query_all_by_role(Role::TextInput)
        .last()
        .expect("the memo box")
        .click();
    harness.run_steps(2);
    harness
        .query_all_by_role(Role::TextInput)
        .last()
        .expect("the memo box")
        .type_text("试点共性做法");
    harness.run_steps(2);
    harness.key_press(egui::Key::Tab);
    harness.run_steps(3);
    assert_eq!(harness.state().project().tags[0].memo, "试点共性做法");
    // The same key removes it.
    harness.key_press(egui::Key::Num2);
    harness.run_steps(3);
    assert!(harness.state().project().tags.is_empty());
}

#[test]
fn a_whole_section_is_tagged_from_its_heading_menu() {
    let mut harness = compare_two_tianjin_plans();
    let theme = harness.state().project().codebook.themes[1].clone();
    harness
        .query_all_by_label("（三）推广智慧供暖")
        .next()
        .expect("the heading is shown")
        .click_secondary();
    harness.run();
    harness.get_by_label("为整节标注主题").click();
    harness.run();
    harness
        .get_by_role_and_label(Role::CheckBox, &theme.name)
        .click();
    harness.run_steps(3);
    let tags = harness.state().project().tags.clone();
    assert_eq!(tags.len(), 1, "{tags:?}");
    let tag = &tags[0];
    assert_eq!(tag.theme_id, theme.theme_id);
    assert_eq!(tag.measure_id, None);
    // The passage is the whole section: its heading and every measure under it.
    let corpus = harness.state().corpus().expect("loaded");
    let plan = corpus
        .plans
        .iter()
        .find(|p| p.plan_id == tag.plan_id)
        .expect("the plan");
    let section = plan
        .all_sections()
        .into_iter()
        .find(|s| s.title.contains("推广智慧供暖"))
        .expect("the section");
    assert_eq!(
        tag.byte_range,
        section.span.start - plan.span.start..section.span.end - plan.span.start
    );
    assert!(tag.quote.contains("推广智慧供暖"));
    for m in section.walk().iter().flat_map(|s| s.measures.iter()) {
        let head: String = m.text.chars().take(6).collect();
        assert!(tag.quote.contains(&head), "{head}");
    }
}
