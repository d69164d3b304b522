//! The desktop app driven headless with egui_kittest: the library lists the seed plans, a click
//! shows a plan's outline, the filter narrows the list, the switches work, import errors show,
//! ticked plans are compared side by side with their shared measures marked.
//!
//! Every harness installs only the bundled CJK subset, and a harness panics on a character no
//! font can draw, so these tests also check that the subset covers what the app shows.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use duizhao::matching::Status;
use duizhao::ui::{DuizhaoApp, Language, Settings, View, theme};
use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;

use crate::support::{seeds, wait_loaded};

fn harness_with(paths: Vec<PathBuf>, settings: Settings) -> Harness<'static, DuizhaoApp> {
    let mut harness = Harness::builder()
        .with_size(egui::vec2(1400.0, 1900.0))
        .with_context_setup(theme::install_bundled_fonts)
        .build_ui_state(
            |ui, app: &mut DuizhaoApp| app.show(ui),
            DuizhaoApp::new(paths, settings),
        );
    wait_loaded(&mut harness);
    harness
}

fn harness() -> Harness<'static, DuizhaoApp> {
    harness_with(vec![seeds()], Settings::default())
}

fn first_heading(app: &DuizhaoApp, plan_id: &str) -> String {
    let plan = app
        .corpus()
        .and_then(|c| c.plans.iter().find(|p| p.plan_id == plan_id))
        .unwrap_or_else(|| panic!("no plan {plan_id}"));
    let s = &plan.sections[0];
    if s.label.ends_with(|c: char| c.is_ascii_punctuation()) {
        format!("{} {}", s.label, s.title)
    } else {
        format!("{}{}", s.label, s.title)
    }
}

#[test]
fn library_lists_the_63_seed_plans() {
    let harness = harness();
    let app = harness.state();
    let corpus = app.corpus().expect("loaded");
    assert_eq!(corpus.plans.len(), 63);
    assert!(corpus.errors.is_empty(), "{:?}", corpus.errors);
    assert_eq!(app.listed_plan_ids().len(), 63);

    harness.get_by_role_and_label(Role::ListItem, "西咸新区");
    harness.get_by_role_and_label(Role::ListItem, "上海市浦东新区（临港地区）");
    harness.get_by_role_and_label(Role::ListItem, "济南市市中区");
    assert_eq!(harness.query_all_by_role(Role::ListItem).count(), 63);
    // One group per seed file.
    assert_eq!(
        harness.query_all_by_role(Role::DisclosureTriangle).count(),
        5
    );
    harness.get_by_label("63 个方案");
    harness.get_by_label_contains("5 个文件");
}

#[test]
fn no_paths_loads_the_bundled_seeds() {
    let harness = harness_with(Vec::new(), Settings::default());
    assert_eq!(harness.state().corpus().map(|c| c.plans.len()), Some(63));
}

#[test]
fn clicking_a_plan_shows_its_outline() {
    let mut harness = harness();
    // Nothing was remembered, so the first plan is selected.
    let xixian = "01_xixian_new_area_urban_rural_integration_plan#1";
    assert_eq!(
        harness.state().settings().selected_plan.as_deref(),
        Some(xixian)
    );

    harness
        .get_by_role_and_label(Role::ListItem, "淄博市")
        .click();
    harness.run();
    let zibo = harness.state().selected_plan().expect("a plan is selected");
    assert_eq!(zibo.name, "淄博市");
    let zibo_heading = first_heading(harness.state(), &zibo.plan_id.clone());
    harness.get_by_label(&zibo_heading);
    harness.get_by_label("淄博市高水平推進城鄉融合發展行動方案(2020-2025年)");

    harness
        .get_by_role_and_label(Role::ListItem, "西咸新区")
        .click();
    harness.run();
    assert_eq!(
        harness.state().settings().selected_plan.as_deref(),
        Some(xixian)
    );
    assert_eq!(first_heading(harness.state(), xixian), "一、指导思想");
    harness.get_by_label("一、指导思想");
    harness.get_by_label("二、基本原则");
    assert!(
        harness.query_by_label(&zibo_heading).is_none(),
        "the old outline is gone"
    );
    // Measures are listed under their headings.
    let plan = harness.state().selected_plan().expect("selected");
    let first_measure = plan.sections[0].measures[0].text.clone();
    harness.get_by_label(&first_measure);
}

#[test]
fn arrow_keys_move_the_selection() {
    let mut harness = harness();
    harness.key_press(egui::Key::ArrowDown);
    harness.run();
    assert_eq!(
        harness.state().selected_plan().map(|p| p.name.as_str()),
        Some("淄博市")
    );
    harness.key_press(egui::Key::ArrowDown);
    harness.key_press(egui::Key::ArrowUp);
    harness.key_press(egui::Key::ArrowUp);
    harness.run();
    assert_eq!(
        harness.state().selected_plan().map(|p| p.name.as_str()),
        Some("西咸新区")
    );
}

#[test]
fn hiding_measures_leaves_the_outline() {
    let mut harness = harness();
    let plan = harness.state().selected_plan().expect("selected").clone();
    let first_measure = plan.sections[0].measures[0].text.clone();
    harness.get_by_label(&first_measure);
    harness
        .get_by_role_and_label(Role::CheckBox, "显示措施")
        .click();
    harness.run();
    assert!(!harness.state().settings().show_measures);
    assert!(harness.query_by_label(&first_measure).is_none());
    harness.get_by_label("一、指导思想");
}

#[test]
fn filter_narrows_the_list() {
    let mut harness = harness();
    let filter = harness.get_by_role(Role::TextInput);
    filter.click();
    harness.run();
    harness.get_by_role(Role::TextInput).type_text("西咸");
    harness.run();

    assert_eq!(harness.state().settings().filter, "西咸");
    assert_eq!(
        harness.state().listed_plan_ids(),
        vec![
            "01_xixian_new_area_urban_rural_integration_plan#1",
            "04_second_batch_new_urbanization_pilots_compilation#50"
        ]
    );
    assert_eq!(harness.query_all_by_role(Role::ListItem).count(), 2);
    harness.get_by_role_and_label(Role::ListItem, "西咸新区");
    harness.get_by_role_and_label(Role::ListItem, "陕西省西咸新区");
    assert!(
        harness
            .query_by_role_and_label(Role::ListItem, "淄博市")
            .is_none()
    );
    harness.get_by_label("显示 2 / 63 个方案");

    // The clear button empties the filter.
    harness.get_by_role_and_label(Role::Button, "×").click();
    harness.run();
    assert_eq!(harness.query_all_by_role(Role::ListItem).count(), 63);
}

#[test]
fn filter_ignores_script() {
    // A Traditional query finds the Simplified name.
    let settings = Settings {
        filter: "西鹹".into(),
        ..Settings::default()
    };
    let harness = harness_with(vec![seeds()], settings);
    assert_eq!(harness.state().listed_plan_ids().len(), 2);
}

#[test]
fn language_and_theme_switch() {
    let mut harness = harness();
    harness.get_by_label("方案库");
    harness
        .get_by_role_and_label(Role::Button, "English")
        .click();
    harness.run();
    assert_eq!(harness.state().settings().language, Language::English);
    harness.get_by_label("Plan library");
    harness.get_by_label("63 plans");
    harness.get_by_role_and_label(Role::CheckBox, "Show measures");
    assert!(harness.query_by_label("方案库").is_none());

    assert!(!harness.state().settings().dark_mode);
    harness.get_by_role_and_label(Role::Button, "Dark").click();
    harness.run();
    assert!(harness.state().settings().dark_mode);
    assert_eq!(harness.ctx.theme(), egui::Theme::Dark);
    harness.get_by_role_and_label(Role::Button, "中文").click();
    harness.run();
    harness.get_by_role_and_label(Role::Button, "浅色").click();
    harness.run();
    assert!(!harness.state().settings().dark_mode);
    assert_eq!(harness.ctx.theme(), egui::Theme::Light);
    harness.get_by_label("方案库");
}

#[test]
fn remembered_selection_is_restored() {
    let settings = Settings {
        selected_plan: Some("04_second_batch_new_urbanization_pilots_compilation#18".into()),
        ..Settings::default()
    };
    let harness = harness_with(vec![seeds()], settings);
    let plan = harness.state().selected_plan().expect("selected");
    assert_eq!(plan.name, "上海市浦东新区（临港地区）");
    harness.get_by_label("上海市浦东新区（临港地区）国家新型城镇化综合试点工作方案要点");
}

#[test]
fn import_errors_are_listed_without_blocking() {
    let missing = PathBuf::from("/nonexistent/duizhao-missing-plan.txt");
    let mut harness = harness_with(vec![seeds(), missing], Settings::default());
    let corpus = harness.state().corpus().expect("loaded");
    assert_eq!(corpus.plans.len(), 63);
    assert_eq!(corpus.errors.len(), 1);
    // Shown in the UI language, the file named.
    let error = duizhao::ui::messages::localize(&corpus.errors[0], Language::Chinese);
    assert!(
        error.contains("duizhao-missing-plan.txt：无法读取文件"),
        "{error}"
    );
    // A window lists the problem until dismissed (Esc or its button); nothing blocks.
    harness.get_by_label(&error);
    harness.key_press(egui::Key::Escape);
    harness.run();
    assert!(
        harness.query_by_label(&error).is_none(),
        "dismissed, and the status bar's list starts folded"
    );
    harness
        .get_by_role_and_label(Role::DisclosureTriangle, "1 个文件未能导入")
        .click();
    harness.run();
    harness.get_by_label(&error);
    // The library still works.
    harness.get_by_role_and_label(Role::ListItem, "淄博市");
}

#[test]
fn settings_keep_defaults_for_missing_fields() {
    let s: Settings = ron::from_str("(dark_mode: true)").expect("parses");
    assert!(s.dark_mode);
    assert_eq!(s.language, Language::Chinese);
    assert!(s.show_measures);
    let back: Settings = ron::from_str(&ron::to_string(&s).expect("serialises")).expect("parses");
    assert_eq!(back, s);
}

#[test]
fn bundled_font_covers_every_character_of_the_seeds() {
    let ctx = egui::Context::default();
    theme::install_bundled_fonts(&ctx);
    let mut output = ctx.run_ui(egui::RawInput::default(), |_| {});
    output.textures_delta.clear();
    let corpus = duizhao::corpus::load_paths(&[seeds()]);
    let mut text = String::new();
    for p in &corpus.plans {
        text.push_str(&p.name);
        text.push_str(p.meta.title.as_deref().unwrap_or(""));
        for s in p.all_sections() {
            text.push_str(&s.label);
            text.push_str(&s.title);
            text.push_str(&s.body);
        }
        for m in p.measures() {
            text.push_str(&m.text);
        }
    }
    let font = egui::FontId::proportional(15.0);
    let mut missing: Vec<char> = ctx.fonts_mut(|f| {
        text.chars()
            .filter(|c| !c.is_control() && !c.is_whitespace())
            .filter(|&c| !f.has_glyph(&font, c))
            .collect()
    });
    missing.sort_unstable();
    missing.dedup();
    assert!(missing.is_empty(), "no glyph for {missing:?}");
}

#[test]
fn a_plan_with_4000_measures_draws_only_the_rows_in_view() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut text = String::from("大型测试市城乡融合发展实施方案\n\n");
    for i in 1..=40 {
        text.push_str(&format!("{i}. 第{i}项重点任务\n"));
        for j in 1..=100 {
            text.push_str(&format!(
                "全面推进第{i}项任务的第{j}条具体措施落实到位，确保取得实效。"
            ));
        }
        text.push_str("\n\n");
    }
    std::fs::write(dir.path().join("big_plan.txt"), text).expect("write");
    let mut harness = harness_with(vec![dir.path().to_path_buf()], Settings::default());
    let plan = harness.state().selected_plan().expect("selected");
    assert_eq!(plan.measures().len(), 4000);

    let drawn = harness.query_all_by_label_contains("全面推进第").count();
    assert!((5..100).contains(&drawn), "{drawn} measure rows drawn");
    harness.get_by_label("1. 第1项重点任务");
    assert!(harness.query_by_label("40. 第40项重点任务").is_none());

    let started = Instant::now();
    for _ in 0..10 {
        harness.step();
    }
    let per_frame = started.elapsed() / 10;
    eprintln!("4000-measure plan: {per_frame:?} a frame");
    assert!(
        per_frame < Duration::from_millis(500),
        "{per_frame:?} a frame"
    );

    // A new width lays every row out again (what dragging the panel edge does).
    let started = Instant::now();
    for k in 0..5 {
        harness.set_size(egui::vec2(1300.0 - 20.0 * k as f32, 1900.0));
        harness.step();
    }
    let per_relayout = started.elapsed() / 5;
    eprintln!("4000-measure plan: {per_relayout:?} a frame while resizing");
    assert!(
        per_relayout < Duration::from_secs(2),
        "{per_relayout:?} a frame while resizing"
    );
}

#[test]
fn an_empty_folder_says_no_plans_were_found() {
    let dir = tempfile::tempdir().expect("temp dir");
    let harness = harness_with(vec![dir.path().to_path_buf()], Settings::default());
    assert_eq!(harness.state().corpus().map(|c| c.plans.len()), Some(0));
    assert!(harness.state().selected_plan().is_none());
    harness.get_by_label("没有找到方案");
    harness.get_by_label("0 个方案");
}

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
    assert!(comparison.rows.len() > 20, "{} rows", comparison.rows.len());
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
    let theme = harness
        .state()
        .project()
        .codebook
        .themes
        .iter()
        .find(|t| t.name.contains("基础设施"))
        .expect("the default codebook has an infrastructure theme")
        .clone();
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
