//! The search, families, overview and targets panels driven headless with egui_kittest over the
//! seeds: each panel is shown alone and the command it returns is checked.
//!
//! Every harness installs only the bundled CJK subset (a missing glyph panics), so these tests
//! also check that the subset covers what the panels show.

use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

use duizhao::corpus::{Corpus, load_paths};
use duizhao::matching::Analysis;
use duizhao::ui::families_view::FamiliesView;
use duizhao::ui::overview::OverviewView;
use duizhao::ui::search_panel::SearchPanel;
use duizhao::ui::targets_view::TargetsView;
use duizhao::ui::{Language, UiCommand, theme};
use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};

fn setup() -> &'static (Arc<Corpus>, Arc<Analysis>) {
    static SETUP: OnceLock<(Arc<Corpus>, Arc<Analysis>)> = OnceLock::new();
    SETUP.get_or_init(|| {
        let corpus = load_paths(&[PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("seeds")]);
        let analysis = Analysis::build(&corpus.plans);
        (Arc::new(corpus), Arc::new(analysis))
    })
}

fn plan_id(name: &str) -> String {
    setup()
        .0
        .plans
        .iter()
        .find(|p| p.name == name)
        .unwrap()
        .plan_id
        .clone()
}

/// A panel and the last command it returned.
struct State<P> {
    panel: P,
    command: Option<UiCommand>,
}

fn harness<P: 'static>(
    panel: P,
    size: egui::Vec2,
    mut show: impl FnMut(&mut P, &mut egui::Ui) -> Option<UiCommand> + 'static,
) -> Harness<'static, State<P>> {
    Harness::builder()
        .with_size(size)
        .with_context_setup(theme::install_bundled_fonts)
        .build_ui_state(
            move |ui, state: &mut State<P>| {
                if let Some(c) = show(&mut state.panel, ui) {
                    state.command = Some(c);
                }
            },
            State {
                panel,
                command: None,
            },
        )
}

#[test]
fn typing_a_query_lists_hits_and_a_click_focuses_the_measure() {
    let corpus = setup().0.clone();
    let mut harness = harness(
        SearchPanel::new(),
        egui::vec2(900.0, 1400.0),
        move |panel, ui| panel.show(ui, &corpus, &[], Language::Chinese),
    );
    harness.run();
    harness.get_by_label("输入词语开始搜索");
    // The box has the focus: typing goes straight in.
    harness.get_by_role(Role::TextInput).type_text("智慧供暖");
    harness.run();
    let result = harness.state().panel.result().clone();
    assert!(result.total > 0);
    harness.get_by_label(&format!(
        "{} 条结果，{} 个方案",
        result.total,
        result.hits_by_plan.len()
    ));
    let first_plan = &result.hits_by_plan[0];
    harness.get_by_label_contains(&format!("{}（", first_plan.name));
    let hit = first_plan
        .hits
        .iter()
        .find(|h| h.measure_index.is_some())
        .unwrap();
    let label = format!("{}{}{}", hit.kwic.left, hit.kwic.matched, hit.kwic.right);
    harness
        .query_all_by_label(&label)
        .next()
        .expect("the hit is listed")
        .click();
    harness.run();
    assert_eq!(
        harness.state().command,
        Some(UiCommand::FocusMeasure {
            plan_id: first_plan.plan_id.clone(),
            measure_index: hit.measure_index.unwrap(),
        })
    );
    let ranges = harness
        .state()
        .panel
        .highlight_ranges(first_plan.plan_index, hit.measure_index.unwrap());
    assert_eq!(&hit.text[ranges[0].clone()], "智慧供暖");
}

#[test]
fn enter_in_the_search_box_goes_to_the_first_hit() {
    let corpus = setup().0.clone();
    let mut harness = harness(
        SearchPanel::new(),
        egui::vec2(900.0, 1400.0),
        move |panel, ui| panel.show(ui, &corpus, &[], Language::Chinese),
    );
    harness.run();
    harness.get_by_role(Role::TextInput).type_text("宅基地");
    harness.run();
    assert_eq!(harness.state().command, None);
    harness.key_press(egui::Key::Enter);
    harness.run();
    let expected = harness.state().panel.first_hit_command();
    assert!(matches!(expected, Some(UiCommand::FocusMeasure { .. })));
    assert_eq!(harness.state().command, expected);
}

#[test]
fn a_traditional_query_lists_the_simplified_plans_in_english_too() {
    let corpus = setup().0.clone();
    let mut harness = harness(
        SearchPanel::new(),
        egui::vec2(900.0, 1400.0),
        move |panel, ui| panel.show(ui, &corpus, &[], Language::English),
    );
    harness.run();
    harness.get_by_role(Role::TextInput).type_text("戶籍");
    harness.run();
    let result = harness.state().panel.result();
    assert!(
        result
            .plan_hits(result.hits_by_plan[0].plan_index)
            .is_some()
    );
    harness.get_by_label_contains("hits in");
    harness.get_by_label_contains("济南市市中区 (");
}

#[test]
fn families_filter_open_and_compare_their_plans() {
    let (corpus, analysis) = setup().clone();
    let mut harness = harness(
        FamiliesView::default(),
        egui::vec2(1000.0, 1200.0),
        move |panel, ui| panel.show(ui, &corpus, &analysis, Language::Chinese),
    );
    harness.run();
    let all = harness.state().panel.visible_rows().len();
    assert!(all > 200, "{all} families");
    harness.get_by_label_contains("个措施族");
    harness.get_by_role(Role::TextInput).click();
    harness.run();
    harness.get_by_role(Role::TextInput).type_text("智慧供暖");
    harness.run();
    let rows: Vec<_> = harness
        .state()
        .panel
        .visible_rows()
        .into_iter()
        .cloned()
        .collect();
    assert!(
        !rows.is_empty() && rows.len() < all,
        "{} of {all} rows for {:?}",
        rows.len(),
        harness.state().panel.filter
    );
    let row = &rows[0];
    harness
        .get_by_label(&format!(
            "{} 个方案：{}",
            row.plan_count, row.representative_text
        ))
        .click();
    harness.run();
    let family = harness.state().panel.open_family().unwrap().clone();
    assert_eq!(family.family_id, row.family_id);
    // Every member is listed with its plan; one click focuses it.
    let member = &family.members[0];
    harness
        .get_by_label(&format!("{}：{}", member.plan_name, member.text))
        .click();
    harness.run();
    assert_eq!(
        harness.state().command,
        Some(UiCommand::FocusMeasure {
            plan_id: member.plan_id.clone(),
            measure_index: member.measure_index,
        })
    );
    harness.get_by_label("对照这些方案").click();
    harness.run();
    let Some(UiCommand::ComparePlans(ids)) = harness.state().command.clone() else {
        panic!("no ComparePlans: {:?}", harness.state().command);
    };
    assert!(ids.len() >= 2 && ids.len() <= 8);
    assert!(ids.contains(&plan_id("天津市东丽区")));
    harness.get_by_label("← 返回列表").click();
    harness.run();
    assert!(harness.state().panel.open_family().is_none());
}

#[test]
fn clicking_an_overview_cell_compares_the_two_plans() {
    let (corpus, analysis) = setup().clone();
    let mut harness = harness(
        OverviewView::default(),
        egui::vec2(1200.0, 1200.0),
        move |panel, ui| panel.show(ui, &corpus, &analysis, Language::Chinese),
    );
    harness.run();
    harness.get_by_role_and_label(Role::Grid, "方案相似度矩阵");
    harness.get_by_label("63 个方案两两之间的共有措施");
    let corpus = &setup().0;
    let a = corpus
        .plans
        .iter()
        .position(|p| p.name == "天津市东丽区")
        .unwrap();
    let b = corpus
        .plans
        .iter()
        .position(|p| p.name == "天津市中北镇")
        .unwrap();
    let center = harness.state().panel.cell_center(a, b).expect("in view");
    harness.hover_at(center);
    harness.run();
    let n = harness.state().panel.overview().unwrap().count(a, b);
    assert!(n > 0);
    harness.get_by_label_contains(&format!("天津市东丽区 × 天津市中北镇：{n} 条共有措施"));
    harness.event(egui::Event::PointerButton {
        pos: center,
        button: egui::PointerButton::Primary,
        pressed: true,
        modifiers: egui::Modifiers::NONE,
    });
    harness.event(egui::Event::PointerButton {
        pos: center,
        button: egui::PointerButton::Primary,
        pressed: false,
        modifiers: egui::Modifiers::NONE,
    });
    harness.run();
    assert_eq!(
        harness.state().command,
        Some(UiCommand::ComparePlans(vec![
            plan_id("天津市东丽区"),
            plan_id("天津市中北镇")
        ]))
    );
}

#[test]
fn the_overview_of_few_plans_writes_names_on_the_axes() {
    // Big cells: the names are painted; the grid is still one accessible node.
    let (corpus, analysis) = setup().clone();
    let mut harness = harness(
        OverviewView::default(),
        egui::vec2(1600.0, 1600.0),
        move |panel, ui| panel.show(ui, &corpus, &analysis, Language::English),
    );
    harness.run();
    harness.get_by_role_and_label(Role::Grid, "Plan similarity matrix");
    harness.get_by_label("Shared measures between every two of 63 plans");
}

#[test]
fn target_cells_are_labelled_with_their_values_and_focus_their_measure() {
    let corpus = setup().0.clone();
    let mut harness = harness(
        TargetsView::default(),
        egui::vec2(1400.0, 900.0),
        move |panel, ui| panel.show(ui, &corpus, &[], Language::Chinese),
    );
    harness.run();
    let table = harness.state().panel.table().unwrap().clone();
    assert_eq!(table.plans.len(), 63);
    harness.get_by_label(&format!("{} 项指标 × 63 个方案", table.indicators.len()));
    let hidden = 63 - table.columns_with_targets().len();
    harness.get_by_label(&format!("隐藏没有指标的方案（{hidden} 个）"));
    // The first row, first column with a target.
    let c = (0..table.plans.len())
        .find(|&c| !table.cell(0, c).is_empty())
        .unwrap();
    let cells = table.cell(0, c);
    let mut text = cells[0].label();
    if cells.len() > 1 {
        text.push_str(&format!(" +{}", cells.len() - 1));
    }
    let label = format!("{} · {}：{text}", table.plans[c], table.indicators[0]);
    harness.get_by_label(&label).click();
    harness.run();
    assert_eq!(
        harness.state().command,
        Some(UiCommand::FocusMeasure {
            plan_id: table.plan_ids[c].clone(),
            measure_index: cells[0].measure_index.unwrap(),
        })
    );
}

#[test]
fn the_targets_of_two_plans_show_both_columns_when_asked() {
    let corpus = setup().0.clone();
    let plans: Vec<usize> = ["济南市市中区", "淄博市"]
        .iter()
        .map(|n| corpus.plans.iter().position(|p| &p.name == n).unwrap())
        .collect();
    let mut harness = harness(
        TargetsView::default(),
        egui::vec2(900.0, 700.0),
        move |panel, ui| panel.show(ui, &corpus, &plans, Language::English),
    );
    harness.run();
    let table = harness.state().panel.table().unwrap().clone();
    assert_eq!(table.plans.len(), 2);
    harness.get_by_label_contains("indicators × 2 plans");
    // Each plan's column is shown once plans without targets are shown too.
    let hidden = harness.state().panel.shown_columns().len() < 2;
    if hidden {
        harness
            .get_by_label_contains("Hide plans without targets")
            .click();
        harness.run();
    }
    assert_eq!(harness.state().panel.shown_columns(), vec![0, 1]);
    harness.get_by_label("济南市市中区");
    harness.get_by_label("淄博市");
    assert!(
        harness
            .query_all_by_label_contains(" · ")
            .any(|n| n.accesskit_node().role() == Role::Button)
    );
}

/// A frame of the overview of 500 synthetic plans paints only the cells in view; run with
/// `--ignored --nocapture` for the timing.
#[test]
#[ignore]
fn an_overview_of_500_plans_draws_a_frame_quickly() {
    use duizhao::overview::Overview;
    let n = 500;
    let symmetric: Vec<Vec<u32>> = (0..n)
        .map(|a| {
            (0..n)
                .map(|b| {
                    if a == b {
                        0
                    } else {
                        ((a * 7 + b * 13) % 40) as u32
                    }
                })
                .collect()
        })
        .collect();
    let overview = Overview::from_counts(
        (0..n).map(|k| format!("方案{k}")).collect(),
        &symmetric,
        vec![50; n],
        (0..n).collect(),
    );
    let mut harness = harness(
        OverviewView::with_overview(overview),
        egui::vec2(1400.0, 1000.0),
        |panel, ui| panel.show_overview(ui, Language::Chinese),
    );
    harness.run();
    let mut times = Vec::new();
    for k in 0..20 {
        harness.hover_at(egui::pos2(300.0 + k as f32 * 7.0, 400.0));
        let t = std::time::Instant::now();
        harness.step();
        times.push(t.elapsed());
    }
    times.sort();
    println!(
        "overview 500×500, frame (median of 20, dev profile): {:?}",
        times[10]
    );
    assert!(times[10] < std::time::Duration::from_millis(100));
}

#[test]
fn find_narrows_to_the_compared_plans_with_its_scope_switch() {
    let corpus = setup().0.clone();
    let zibo = corpus
        .plans
        .iter()
        .position(|p| p.name == "淄博市")
        .unwrap();
    let xixian = corpus
        .plans
        .iter()
        .position(|p| p.name == "西咸新区")
        .unwrap();
    let compared = vec![zibo, xixian];
    let mut panel = SearchPanel::new();
    panel.query = "落户".into();
    let mut harness = harness(panel, egui::vec2(900.0, 1400.0), move |panel, ui| {
        panel.show(ui, &corpus, &compared, Language::Chinese)
    });
    harness.run();
    let all = harness.state().panel.result().hits_by_plan.len();
    assert!(all > 2, "落户 occurs in {all} plans");
    harness
        .get_by_role_and_label(Role::RadioButton, "对照中的 2 个方案")
        .click();
    harness.run();
    let narrowed: Vec<usize> = harness
        .state()
        .panel
        .result()
        .hits_by_plan
        .iter()
        .map(|p| p.plan_index)
        .collect();
    assert!(!narrowed.is_empty());
    assert!(
        narrowed.iter().all(|k| *k == zibo || *k == xixian),
        "{narrowed:?}"
    );
    // Traditional 落戶 in 淄博市 is found too.
    assert!(narrowed.contains(&zibo));
    harness
        .get_by_role_and_label(Role::RadioButton, "全部方案")
        .click();
    harness.run();
    assert_eq!(harness.state().panel.result().hits_by_plan.len(), all);
}

/// `n` synthetic plans in blocks of ten that share measures, in corpus order.
fn synthetic_overview(n: usize) -> duizhao::overview::Overview {
    let directed: Vec<Vec<u32>> = (0..n)
        .map(|a| {
            (0..n)
                .map(|b| {
                    if a == b {
                        0
                    } else if a / 10 == b / 10 {
                        5 + ((a + b) % 7) as u32
                    } else {
                        ((a * 3 + b) % 2) as u32
                    }
                })
                .collect()
        })
        .collect();
    duizhao::overview::Overview::from_counts(
        (0..n).map(|k| format!("方案{k}")).collect(),
        &directed,
        vec![40; n],
        (0..n).collect(),
    )
}

#[test]
fn an_overview_too_big_for_cells_is_one_image_whose_texels_compare_two_plans() {
    // 300 plans do not fit as 6-point cells in 800 points: one image, a texel per plan.
    let mut harness = harness(
        OverviewView::with_overview(synthetic_overview(300)),
        egui::vec2(800.0, 800.0),
        |panel, ui| panel.show_overview(ui, Language::Chinese),
    );
    harness.run();
    assert!(harness.state().panel.is_image());
    harness.get_by_role_and_label(Role::Grid, "方案相似度矩阵");
    harness.get_by_label("整体（缩略图）");
    let (a, b) = (41, 47);
    let center = harness
        .state()
        .panel
        .cell_center(a, b)
        .expect("in the image");
    harness.hover_at(center);
    harness.run();
    let n = harness.state().panel.overview().unwrap().count(a, b);
    assert!(n >= 5);
    harness.get_by_label_contains(&format!("方案41 × 方案47：{n} 条共有措施"));
    for pressed in [true, false] {
        harness.event(egui::Event::PointerButton {
            pos: center,
            button: egui::PointerButton::Primary,
            pressed,
            modifiers: egui::Modifiers::NONE,
        });
    }
    harness.run();
    assert_eq!(
        harness.state().command,
        Some(UiCommand::ComparePlans(vec!["p#41".into(), "p#47".into()]))
    );
}

#[test]
fn a_click_on_a_block_of_the_overview_image_zooms_in_on_it() {
    // 1,500 plans: two plans a texel; a click zooms in to the cells around the block.
    let mut harness = harness(
        OverviewView::with_overview(synthetic_overview(1500)),
        egui::vec2(900.0, 900.0),
        |panel, ui| panel.show_overview(ui, Language::English),
    );
    harness.run();
    assert!(harness.state().panel.is_image());
    let center = harness
        .state()
        .panel
        .cell_center(700, 900)
        .expect("in the image");
    harness.hover_at(center);
    harness.run();
    harness.get_by_label_contains("2 plans a texel");
    for pressed in [true, false] {
        harness.event(egui::Event::PointerButton {
            pos: center,
            button: egui::PointerButton::Primary,
            pressed,
            modifiers: egui::Modifiers::NONE,
        });
    }
    harness.run();
    assert!(harness.state().panel.zoomed);
    assert!(!harness.state().panel.is_image());
    assert_eq!(harness.state().command, None);
    // The block's cells are in view.
    assert!(harness.state().panel.cell_center(700, 900).is_some());
}
