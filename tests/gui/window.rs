//! The desktop app driven headless with egui_kittest: the library lists the seed plans, a click
//! shows a plan's outline, the filter narrows the list, the switches work, import errors show.
//!
//! Every harness installs only the bundled CJK subset, and a harness panics on a character no
//! font can draw, so these tests also check that the subset covers what the app shows.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use duizhao::ui::{DuizhaoApp, Language, Settings, theme};
use egui::accesskit::Role;
use egui_kittest::kittest::Queryable;

use crate::support::{harness, harness_with, seeds};

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
