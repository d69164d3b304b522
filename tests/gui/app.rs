//! The app's frame as a new user meets it: saving and opening through the app's own file dialog
//! on a desktop without a dialog backend, the quit prompt, the title bar at 1024×700 with every
//! view reachable by a click, the library panel that does not grow, `duizhao open --compare A B
//! --view targets`, and glyph coverage of the bundled font on the seeds and real documents.

use std::collections::BTreeSet;
use std::time::Duration;

use clap::Parser;
use duizhao::cli::{Cli, StartOptions};
use duizhao::ui::{DuizhaoApp, QuitState, Settings, UiCommand, View, theme};
use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;

use crate::support::{real_dir, seeds, wait_loaded};

fn harness_sized(app: DuizhaoApp, size: egui::Vec2) -> Harness<'static, DuizhaoApp> {
    let mut harness = Harness::builder()
        .with_size(size)
        .with_context_setup(theme::install_bundled_fonts)
        .build_ui_state(|ui, app: &mut DuizhaoApp| app.show(ui), app);
    wait_loaded(&mut harness);
    harness
}

/// An app on the seeds acting as a desktop without xdg-desktop-portal or zenity.
fn app_without_dialogs(settings: Settings) -> DuizhaoApp {
    let mut app = DuizhaoApp::new(vec![seeds()], settings);
    app.set_native_dialogs(false);
    app
}

fn tag_first_measure(harness: &mut Harness<'_, DuizhaoApp>) {
    let plan_id = harness.state().corpus().unwrap().plans[0].plan_id.clone();
    let theme_id = harness.state().project().codebook.themes[0]
        .theme_id
        .clone();
    harness.state_mut().push_command(UiCommand::TagMeasure {
        plan_id,
        measure_index: 0,
        theme_id,
    });
    harness.run();
    assert!(harness.state().project_dirty());
}

#[test]
fn saving_and_opening_work_through_the_app_dialog_when_the_desktop_has_none() {
    let dir = tempfile::tempdir().unwrap();
    let mut harness = harness_sized(
        app_without_dialogs(Settings::default()),
        egui::vec2(1400.0, 900.0),
    );
    tag_first_measure(&mut harness);
    let tags = harness.state().project().tags.len();

    // Ctrl+S on a never-saved project asks where: the app's own dialog, saying why.
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::S);
    harness.run();
    assert!(
        harness.state().path_dialog_open(),
        "the fallback dialog opened"
    );
    harness.get_by_label("项目另存为");
    harness.get_by_label_contains("没有可用的系统文件对话框");
    harness.get_by_label("主目录");
    // Type the path into its field and save.
    let path = dir.path().join("mine.duizhao.ron");
    let field = harness.get_by_role_and_label(Role::TextInput, "路径");
    field.focus();
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    harness
        .get_by_role_and_label(Role::TextInput, "路径")
        .type_text(&path.display().to_string());
    harness.run();
    harness.get_by_role_and_label(Role::Button, "保存").click();
    harness.run();
    assert!(!harness.state().path_dialog_open());
    assert!(path.is_file(), "saved to {}", path.display());
    assert_eq!(harness.state().project_path(), Some(path.as_path()));
    assert!(!harness.state().project_dirty());

    // A fresh app opens it again through File ▸ Open project… and the same dialog.
    let mut again = harness_sized(
        app_without_dialogs(Settings::default()),
        egui::vec2(1400.0, 900.0),
    );
    again.get_by_role_and_label(Role::Button, "文件").click();
    again.run();
    again
        .get_by_role_and_label(Role::Button, "打开项目…")
        .click();
    again.run();
    assert!(again.state().path_dialog_open());
    again.get_by_label("打开项目");
    // Navigate by typing the folder, then pick the file from the listing.
    again
        .state_mut()
        .path_dialog_mut()
        .set_path_text(&dir.path().display().to_string());
    again.run();
    again.get_by_role_and_label(Role::Button, "打开").click();
    again.run();
    again.get_by_label("mine.duizhao.ron").click();
    again.run();
    again.get_by_role_and_label(Role::Button, "打开").click();
    again.step();
    wait_loaded(&mut again);
    assert_eq!(again.state().project_path(), Some(path.as_path()));
    assert_eq!(again.state().project().tags.len(), tags);
}

#[test]
fn saving_as_to_a_missing_folder_says_so_and_keeps_the_dialog() {
    let mut harness = harness_sized(
        app_without_dialogs(Settings::default()),
        egui::vec2(1400.0, 900.0),
    );
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::S);
    harness.run();
    harness
        .state_mut()
        .path_dialog_mut()
        .set_path_text("/nonexistent-duizhao-dir/x.duizhao.ron");
    harness.run();
    harness.get_by_role_and_label(Role::Button, "保存").click();
    harness.run();
    assert!(harness.state().path_dialog_open());
    harness.get_by_label_contains("文件夹不存在");
    harness.get_by_role_and_label(Role::Button, "取消").click();
    harness.run();
    assert!(!harness.state().path_dialog_open());
}

#[test]
fn export_chooses_its_file_through_the_app_dialog() {
    let dir = tempfile::tempdir().unwrap();
    let settings = Settings {
        builtin_file_dialog: true,
        ..Settings::default()
    };
    let mut harness = harness_sized(app_without_dialogs(settings), egui::vec2(1400.0, 900.0));
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::E);
    harness.run();
    harness
        .get_by_role_and_label(Role::Button, "选择位置…")
        .click();
    harness.run();
    assert!(harness.state().path_dialog_open());
    harness.get_by_label("导出到");
    let out = dir.path().join("table.md");
    harness
        .state_mut()
        .path_dialog_mut()
        .set_path_text(&out.display().to_string());
    harness.run();
    harness.get_by_role_and_label(Role::Button, "保存").click();
    harness.run();
    harness.get_by_label(&out.display().to_string());
}

fn close_window(harness: &mut Harness<'_, DuizhaoApp>) {
    harness
        .input_mut()
        .viewports
        .entry(egui::ViewportId::ROOT)
        .or_default()
        .events
        .push(egui::ViewportEvent::Close);
    harness.run();
}

#[test]
fn quitting_with_unsaved_changes_asks_save_discard_or_cancel() {
    let mut harness = harness_sized(
        app_without_dialogs(Settings::default()),
        egui::vec2(1400.0, 900.0),
    );
    // Nothing unsaved: the window just closes.
    close_window(&mut harness);
    assert_eq!(harness.state().quit_state(), QuitState::Closing);

    let mut harness = harness_sized(
        app_without_dialogs(Settings::default()),
        egui::vec2(1400.0, 900.0),
    );
    tag_first_measure(&mut harness);
    close_window(&mut harness);
    assert_eq!(harness.state().quit_state(), QuitState::Asking);
    harness.get_by_label("保存修改吗？");
    harness.get_by_role_and_label(Role::Button, "取消").click();
    harness.run();
    assert_eq!(harness.state().quit_state(), QuitState::Running);
    assert!(harness.query_by_label("保存修改吗？").is_none());
    assert!(harness.state().project_dirty(), "cancel keeps the work");

    // Save as… and quit: the app's dialog, then closing once saved.
    let dir = tempfile::tempdir().unwrap();
    close_window(&mut harness);
    harness
        .get_by_role_and_label(Role::Button, "另存为…并退出")
        .click();
    harness.run();
    assert!(harness.state().path_dialog_open());
    let path = dir.path().join("q.duizhao.ron");
    harness
        .state_mut()
        .path_dialog_mut()
        .set_path_text(&path.display().to_string());
    harness.run();
    harness.get_by_role_and_label(Role::Button, "保存").click();
    harness.run();
    assert!(path.is_file());
    assert_eq!(harness.state().quit_state(), QuitState::Closing);

    // Discard: closes without saving.
    let mut harness = harness_sized(
        app_without_dialogs(Settings::default()),
        egui::vec2(1400.0, 900.0),
    );
    tag_first_measure(&mut harness);
    close_window(&mut harness);
    harness
        .get_by_role_and_label(Role::Button, "不保存，退出")
        .click();
    harness.run();
    assert_eq!(harness.state().quit_state(), QuitState::Closing);
}

/// The title bar's views, as labelled in Chinese.
const VIEWS: [(&str, View); 7] = [
    ("单个方案", View::Plan),
    ("方案对照 (0)", View::Compare),
    ("措施家族", View::Families),
    ("相似总览", View::Overview),
    ("目标指标", View::Targets),
    ("主题编码", View::Themes),
    ("主题矩阵", View::Matrix),
];

fn click_every_view(harness: &mut Harness<'_, DuizhaoApp>, more: &str) {
    let screen = egui::Rect::from_min_size(egui::Pos2::ZERO, harness.ctx.content_rect().size());
    for (label, view) in VIEWS {
        match harness.query_by_label(label) {
            Some(tab) => {
                assert!(screen.contains_rect(tab.rect()), "{label} is on screen");
                tab.click();
            }
            None => {
                harness.get_by_label(more).click();
                harness.run();
                harness.get_by_label(label).click();
            }
        }
        harness.run();
        assert_eq!(harness.state().settings().view, view, "clicked {label}");
    }
    // Find, and the language switch, are clickable too (nothing covers them).
    harness.get_by_role_and_label(Role::Button, "查找").click();
    harness.run();
    assert!(
        harness
            .query_by_role_and_label(Role::Heading, "查找")
            .is_some()
            || harness.query_all_by_label("查找").count() > 1
    );
    harness.get_by_role_and_label(Role::Button, "查找").click();
    harness.run();
}

#[test]
fn at_1024_by_700_every_view_is_reachable_by_clicking_and_nothing_overlaps() {
    let mut harness = harness_sized(
        app_without_dialogs(Settings::default()),
        egui::vec2(1024.0, 700.0),
    );
    click_every_view(&mut harness, "更多 »");
    // The title bar's widgets do not overlap one another.
    let bar: Vec<egui::Rect> = [
        "文件",
        "▤ 方案库",
        "查找",
        "中文",
        "English",
        "浅色",
        "深色",
    ]
    .iter()
    .map(|l| harness.get_by_label(l).rect())
    .collect();
    for (i, a) in bar.iter().enumerate() {
        for b in &bar[i + 1..] {
            assert!(!a.intersects(b.shrink(1.0)), "{a:?} overlaps {b:?}");
        }
    }
    harness
        .get_by_role_and_label(Role::Button, "English")
        .click();
    harness.run();
    harness.get_by_label("Plan library");
    harness.get_by_role_and_label(Role::Button, "中文").click();
    harness.run();
    // Wide: every tab shows, no menu.
    harness.set_size(egui::vec2(1600.0, 1000.0));
    harness.run();
    assert!(harness.query_by_label("更多 »").is_none());
    click_every_view(&mut harness, "更多 »");
}

#[test]
fn the_library_keeps_its_width_while_filtering_and_hides_with_ctrl_b() {
    let mut harness = harness_sized(
        app_without_dialogs(Settings::default()),
        egui::vec2(1024.0, 700.0),
    );
    // The panel's right edge, where its hide button sits.
    let edge = |h: &Harness<'_, DuizhaoApp>| h.get_by_label("«").rect().right();
    let before = edge(&harness);
    assert!(before < 360.0, "a fixed default width at 1024 px: {before}");
    harness.get_by_role(Role::TextInput).click();
    harness.run();
    harness
        .get_by_role(Role::TextInput)
        .type_text("一个很长很长很长很长很长很长很长很长很长很长很长的筛选词");
    for _ in 0..20 {
        harness.step();
    }
    harness.run();
    assert_eq!(edge(&harness), before, "typing does not widen the library");
    // The clear button is where it was drawn, and clears; the width stays.
    harness.get_by_label("×").click();
    harness.run();
    assert!(harness.state().settings().filter.is_empty());
    assert_eq!(edge(&harness), before);

    // Ctrl+B hides the library, and again shows it; so does the title bar's button.
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::B);
    harness.run();
    assert!(harness.state().settings().library_hidden);
    assert!(harness.query_by_label("方案库").is_none());
    harness.get_by_label("▤ 方案库").click();
    harness.run();
    assert!(!harness.state().settings().library_hidden);
    harness.get_by_label("方案库");
}

#[test]
fn open_compare_a_b_view_targets_starts_on_targets_with_both_plans() {
    let cli = Cli::try_parse_from([
        "duizhao",
        "open",
        "--compare",
        "天津市东丽区",
        "天津市中北镇",
        "--view",
        "targets",
    ])
    .unwrap();
    let (paths, start) = StartOptions::from_command(cli.command.unwrap()).unwrap();
    assert!(paths.is_empty());
    assert_eq!(start.compare, ["天津市东丽区", "天津市中北镇"]);
    let mut settings = Settings::default();
    settings.apply_start(&start);
    let mut app = app_without_dialogs(settings);
    app.compare_on_load(start.compare);
    let harness = harness_sized(app, egui::vec2(1400.0, 900.0));
    let app = harness.state();
    assert_eq!(app.settings().view, View::Targets);
    assert_eq!(app.settings().compared_plans.len(), 2);
    assert!(app.notices().is_empty(), "{:?}", app.notices());
    harness.get_by_label("方案对照 (2)");
    // Both plans are columns; a growth rate is marked as one, not shown as a level.
    assert!(
        harness
            .query_all_by_label_contains("天津市中北镇 · ")
            .count()
            > 1
    );
    harness.get_by_label_contains("天津市东丽区 · 城乡居民人均收入：增速");
}

#[test]
fn an_unknown_compare_name_is_named_in_chinese_and_nothing_claims_files_loaded() {
    let cli =
        Cli::try_parse_from(["duizhao", "open", "--compare", "淄博市", "没有这个方案"]).unwrap();
    let (_, start) = StartOptions::from_command(cli.command.unwrap()).unwrap();
    let mut settings = Settings::default();
    settings.apply_start(&start);
    let mut app = app_without_dialogs(settings);
    app.compare_on_load(start.compare);
    let harness = harness_sized(app, egui::vec2(1400.0, 900.0));
    assert_eq!(harness.state().settings().compared_plans.len(), 1);
    harness.get_by_label("1 条问题");
    harness.get_by_label_contains("没有名为“没有这个方案”的方案");
    assert!(
        harness
            .query_by_label_contains("其余文件已正常载入")
            .is_none()
    );
    assert!(harness.query_by_label_contains("未能导入").is_none());
}

#[test]
fn the_empty_state_lists_every_supported_format() {
    let dir = tempfile::tempdir().unwrap();
    let harness = harness_sized(
        DuizhaoApp::new(vec![dir.path().to_path_buf()], Settings::default()),
        egui::vec2(1400.0, 900.0),
    );
    let text = harness
        .get_by_label_contains("支持的格式")
        .value()
        .unwrap_or_default();
    let label = harness.get_by_label_contains("支持的格式");
    let shown = format!("{text}{:?}", label);
    for ext in duizhao::formats::SUPPORTED_EXTENSIONS {
        assert!(
            shown.contains(&format!(".{ext}")),
            "{ext} missing in {shown}"
        );
    }
}

/// Every distinct character of the seeds and of the real documents, as the app imports them.
fn every_character() -> BTreeSet<char> {
    let corpus = duizhao::corpus::load_paths(&[seeds(), real_dir()]);
    assert!(corpus.plans.len() > 63, "the real documents loaded too");
    let mut chars = BTreeSet::new();
    for p in &corpus.plans {
        chars.extend(p.original_text().chars());
        chars.extend(p.name.chars());
        chars.extend(p.meta.title.as_deref().unwrap_or("").chars());
        for s in p.all_sections() {
            chars.extend(s.title.chars());
            chars.extend(s.label.chars());
        }
    }
    chars.retain(|c| !c.is_control() && !c.is_whitespace());
    chars
}

#[test]
fn bundled_font_draws_every_character_of_the_seeds_and_real_documents() {
    let chars = every_character();
    assert!(chars.len() > 2000, "{} distinct characters", chars.len());
    // Coverage, character by character, with the bundled fonts only.
    let ctx = egui::Context::default();
    theme::install_bundled_fonts(&ctx);
    let mut output = ctx.run_ui(egui::RawInput::default(), |_| {});
    output.textures_delta.clear();
    let font = egui::FontId::proportional(15.0);
    let missing: Vec<char> = ctx.fonts_mut(|f| {
        chars
            .iter()
            .copied()
            .filter(|&c| !f.has_glyph(&font, c))
            .collect()
    });
    assert!(missing.is_empty(), "no glyph for {missing:?}");
    // And drawn: the harness panics on a character no font has.
    let text: String = chars.iter().collect();
    let mut harness = Harness::builder()
        .with_size(egui::vec2(1200.0, 900.0))
        .with_context_setup(theme::install_bundled_fonts)
        .build_ui(move |ui| {
            egui::ScrollArea::vertical().show(ui, |ui| {
                ui.label(text.as_str());
            });
        });
    harness.run();
    // Names from real documents that the old subset lacked.
    let ctx = egui::Context::default();
    theme::install_bundled_fonts(&ctx);
    let mut output = ctx.run_ui(egui::RawInput::default(), |_| {});
    output.textures_delta.clear();
    ctx.fonts_mut(|f| {
        for c in "堃喆珺鄲淶".chars() {
            assert!(f.has_glyph(&font, c), "{c}");
        }
    });
}

#[test]
fn a_load_can_be_cancelled_and_the_plans_loaded_before_stay() {
    let mut harness = harness_sized(
        app_without_dialogs(Settings::default()),
        egui::vec2(1400.0, 900.0),
    );
    let ctx = harness.ctx.clone();
    harness.state_mut().add_paths(&ctx, vec![real_dir()]);
    assert!(harness.state().is_loading());
    assert_eq!(harness.state().paths().len(), 2);
    harness.state_mut().cancel_loading();
    assert!(!harness.state().is_loading());
    assert_eq!(
        harness.state().paths(),
        [seeds()],
        "the added folder is forgotten"
    );
    assert_eq!(harness.state().corpus().map(|c| c.plans.len()), Some(63));
    // The loader's late result is dropped: after a while the seeds are still what is shown.
    std::thread::sleep(Duration::from_millis(1500));
    harness.run();
    assert_eq!(harness.state().corpus().map(|c| c.plans.len()), Some(63));
    harness.get_by_label_contains("63 个方案 · 5 个文件");

    // While loading, the status bar says how far it is and offers to cancel.
    harness.state_mut().add_paths(&ctx, vec![real_dir()]);
    harness.step();
    if harness.state().is_loading() {
        harness.get_by_role_and_label(Role::Button, "取消").click();
        harness.step();
        assert!(
            !harness.state().is_loading(),
            "the status bar's 取消 stops the load"
        );
        // Had the load finished instead, the real documents would be in the corpus.
        assert_eq!(harness.state().corpus().map(|c| c.plans.len()), Some(63));
    }
}
