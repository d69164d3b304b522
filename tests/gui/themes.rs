//! The themes panel and the theme × plan matrix driven headless with egui_kittest over the seeds,
//! with a project made here from the bundled urban–rural codebook.
//!
//! Every harness installs only the bundled CJK subset (a missing glyph panics).

use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

use duizhao::corpus::{Corpus, load_paths};
use duizhao::project::Project;
use duizhao::themes::{Codebook, CodingIndex, Rule, bundled_codebooks};
use duizhao::ui::matrix_view::MatrixView;
use duizhao::ui::themes_panel::{ThemesOutcome, ThemesPanel};
use duizhao::ui::{Language, UiCommand, theme};
use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;

const ZHAIJIDI: &str = "宅基地制度改革";

fn setup() -> &'static (Arc<Corpus>, CodingIndex) {
    static SETUP: OnceLock<(Arc<Corpus>, CodingIndex)> = OnceLock::new();
    SETUP.get_or_init(|| {
        let corpus = load_paths(&[PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("seeds")]);
        let index = CodingIndex::new(&corpus.plans);
        (Arc::new(corpus), index)
    })
}

fn urban_rural() -> Codebook {
    bundled_codebooks()
        .into_iter()
        .find(|(file, _)| *file == "urban_rural_integration.ron")
        .unwrap()
        .1
}

fn zhaijidi_id(project: &Project) -> String {
    project
        .codebook
        .themes
        .iter()
        .find(|t| t.name == ZHAIJIDI)
        .unwrap()
        .theme_id
        .clone()
}

/// The panel, the project it edits and what it said last.
struct State {
    panel: ThemesPanel,
    project: Project,
    outcome: ThemesOutcome,
    changed: bool,
}

fn themes_harness(project: Project) -> Harness<'static, State> {
    let corpus = setup().0.clone();
    Harness::builder()
        .with_size(egui::vec2(1400.0, 1000.0))
        .with_context_setup(theme::install_bundled_fonts)
        .build_ui_state(
            move |ui, state: &mut State| {
                let out = state
                    .panel
                    .show(ui, &mut state.project, &corpus, Language::Chinese);
                state.changed |= out.changed;
                if out != ThemesOutcome::default() {
                    state.outcome = out;
                }
            },
            State {
                panel: ThemesPanel::new(),
                project,
                outcome: ThemesOutcome::default(),
                changed: false,
            },
        )
}

/// A harness with 宅基地 selected.
fn zhaijidi_selected() -> Harness<'static, State> {
    let mut harness = themes_harness(Project::new(urban_rural()));
    harness.run();
    harness.get_by_label(ZHAIJIDI).click();
    harness.run();
    harness
}

#[test]
fn the_themes_panel_lists_the_urban_rural_codebook_themes() {
    let book = urban_rural();
    let mut harness = themes_harness(Project::new(book.clone()));
    harness.run();
    assert_eq!(book.themes.len(), 17);
    for t in &book.themes {
        assert!(
            harness.query_by_label(&t.name).is_some(),
            "{} is listed",
            t.name
        );
    }
}

#[test]
fn selecting_zhaijidi_shows_its_rule_hits_and_editing_a_term_changes_them() {
    let index = &setup().1;
    let mut harness = zhaijidi_selected();
    let id = zhaijidi_id(&harness.state().project);
    assert_eq!(harness.state().panel.selected(), Some(id.as_str()));
    let rule = harness.state().project.codebook.theme(&id).unwrap().rules[0].clone();
    assert_eq!(rule.any, vec!["宅基地"]);
    let hits = index.rule_hits(&rule);
    assert!(hits > 0);
    harness.get_by_label(&format!("规则 1 命中 {hits} 条措施"));

    // Add a term to the rule's "any" list: the count follows as it is typed.
    harness
        .get_by(|n| n.role() == Role::TextInput && n.value().as_deref() == Some("宅基地"))
        .set_text_value_accesskit("宅基地，户籍");
    harness.run();
    harness.run();
    let edited = Rule {
        any: vec!["宅基地".into(), "户籍".into()],
        ..Rule::default()
    };
    let more = index.rule_hits(&edited);
    assert!(more > hits);
    harness.get_by_label(&format!("规则 1 命中 {more} 条措施"));
    assert_eq!(
        harness.state().project.codebook.theme(&id).unwrap().rules[0],
        edited
    );
    assert!(harness.state().changed);
}

#[test]
fn accepting_all_zhaijidi_proposals_tags_each_and_the_matrix_lists_zibo_segments() {
    let corpus = setup().0.clone();
    let mut harness = zhaijidi_selected();
    let open = harness.state().panel.open_proposals().len();
    assert!(open > 0);
    harness.get_by_label(&format!("待审建议 {open} 条"));
    harness.get_by_label("全部接受").click();
    harness.run();
    let project = harness.state().project.clone();
    assert_eq!(project.tags.len(), open);
    assert!(harness.state().panel.open_proposals().is_empty());
    assert!(harness.state().changed);

    // The matrix of the project: a non-zero 宅基地 × 淄博市 cell whose click lists its segments.
    let id = zhaijidi_id(&project);
    let zibo = corpus.plans.iter().find(|p| p.name == "淄博市").unwrap();
    let zibo_tags = project
        .tags
        .iter()
        .filter(|t| t.theme_id == id && t.plan_id == zibo.plan_id)
        .count();
    assert!(zibo_tags > 0);
    let matrix_corpus = corpus.clone();
    let mut harness = Harness::builder()
        .with_size(egui::vec2(1400.0, 1000.0))
        .with_context_setup(theme::install_bundled_fonts)
        .build_ui_state(
            move |ui, state: &mut (MatrixView, Option<UiCommand>)| {
                if let Some(c) = state
                    .0
                    .show(ui, &project, &matrix_corpus, &[], Language::Chinese)
                {
                    state.1 = Some(c);
                }
            },
            (MatrixView::new(), None),
        );
    harness.run();
    let cell = format!("{ZHAIJIDI} × 淄博市：{zibo_tags} 段");
    // The label ends with the share of 淄博市's measures: `…：N 段（x%）`.
    harness
        .get_by(move |n| n.role() == Role::Cell && n.label().is_some_and(|l| l.starts_with(&cell)))
        .click();
    harness.run();
    let segments = harness.state().0.segments().to_vec();
    assert_eq!(segments.len(), zibo_tags);
    assert!(segments.iter().all(|s| s.plan_id == zibo.plan_id));
    assert!(segments.iter().all(|s| s.quote.contains("宅基地")));
    // A click on a quote focuses its measure.
    let first = &segments[0];
    harness.get_by_label(&format!("“{}”", first.quote)).click();
    harness.run();
    assert_eq!(
        harness.state().1,
        Some(UiCommand::FocusMeasure {
            plan_id: zibo.plan_id.clone(),
            measure_index: first.measure_index.unwrap(),
        })
    );
    // The theme's bars list 淄博市 with its count.
    harness.get_by_label(&format!("淄博市: {zibo_tags}"));
}

#[test]
fn rejecting_a_proposal_removes_it_from_the_open_list() {
    let mut harness = zhaijidi_selected();
    let before = harness.state().panel.open_proposals().to_vec();
    assert!(before.len() > 1);
    harness.query_all_by_label("拒绝").next().unwrap().click();
    harness.run();
    let after = harness.state().panel.open_proposals().to_vec();
    assert_eq!(after.len(), before.len() - 1);
    assert!(!after.contains(&before[0]));
    assert_eq!(harness.state().project.rejected.len(), 1);
    assert_eq!(
        harness.state().project.rejected[0].measure_id,
        before[0].measure_id
    );
    harness.get_by_label(&format!("待审建议 {} 条", after.len()));
}

#[test]
fn a_child_theme_is_added_under_the_selected_one_and_deleted_after_a_confirm() {
    let mut harness = zhaijidi_selected();
    let parent = zhaijidi_id(&harness.state().project);
    let before = harness.state().project.codebook.themes.len();
    harness.get_by_label("＋ 子主题").click();
    harness.run();
    let project = &harness.state().project;
    assert_eq!(project.codebook.themes.len(), before + 1);
    let child = harness.state().panel.selected().unwrap().to_string();
    assert_eq!(
        project.codebook.theme(&child).unwrap().parent.as_deref(),
        Some(parent.as_str())
    );
    assert!(project.codebook.validate().iter().all(|p| !p.is_error()));
    harness.get_by_label("删除主题").click();
    harness.run();
    // Nothing is deleted until confirmed.
    assert_eq!(harness.state().project.codebook.themes.len(), before + 1);
    harness.get_by_label("确认删除").click();
    harness.run();
    assert_eq!(harness.state().project.codebook.themes.len(), before);
    assert!(harness.state().project.codebook.theme(&child).is_none());
    assert_eq!(harness.state().panel.selected(), None);
}

#[test]
fn every_matrix_cell_lists_as_many_segments_as_it_counts() {
    use duizhao::themes::Matrix;
    use duizhao::ui::matrix_view::cell_segments;
    let (corpus, index) = setup();
    let mut project = Project::new(urban_rural());
    let proposals = index.propose(&project.codebook);
    for id in ["zhaijidi", "huji_qianxi", "shiyanqu"] {
        project.accept_all(id, &proposals, corpus);
    }
    assert!(!project.tags.is_empty());
    let m = Matrix::build(&project.codebook, &corpus.plans, &project.segments());
    for (r, theme_id) in m.themes.iter().enumerate() {
        for (c, plan_id) in m.plans.iter().enumerate() {
            let rows = cell_segments(&project, corpus, theme_id, plan_id, Language::Chinese);
            assert_eq!(rows.len(), m.counts[r][c], "{theme_id} × {plan_id}");
            assert!(rows.iter().all(|s| s.measure_index.is_some()));
        }
    }
}

#[test]
fn in_english_the_tree_shows_english_names() {
    let corpus = setup().0.clone();
    let book = urban_rural();
    let mut harness = Harness::builder()
        .with_size(egui::vec2(1400.0, 1000.0))
        .with_context_setup(theme::install_bundled_fonts)
        .build_ui_state(
            move |ui, (panel, project): &mut (ThemesPanel, Project)| {
                panel.show(ui, project, &corpus, Language::English);
            },
            (ThemesPanel::new(), Project::new(book.clone())),
        );
    harness.run();
    for t in &book.themes {
        assert!(!t.name_en.is_empty());
        assert!(
            harness.query_by_label(&t.name_en).is_some(),
            "{}",
            t.name_en
        );
    }
}

#[test]
fn a_traditional_proposal_has_its_matched_words_highlighted() {
    let mut harness = themes_harness(Project::new(urban_rural()));
    harness.run();
    harness.get_by_label("城乡人口迁徙与户籍制度").click();
    harness.run();
    // Reject proposals from the top until one of 淄博市 (the Traditional seed) is drawn.
    let mut zibo = None;
    for _ in 0..200 {
        zibo = harness
            .state()
            .panel
            .drawn_marks()
            .iter()
            .find(|(plan, _)| plan == "淄博市")
            .cloned();
        if zibo.is_some() {
            break;
        }
        harness.query_all_by_label("拒绝").next().unwrap().click();
        harness.run();
    }
    let (_, marks) = zibo.expect("a 淄博市 proposal is listed");
    assert!(!marks.is_empty(), "its matched words are marked");
    let terms = [
        "户籍",
        "落户",
        "人口迁徙",
        "居住证",
        "人口流动",
        "人口双向流动",
    ];
    for m in &marks {
        let simplified = duizhao::normalize::normalize_str(m);
        assert!(
            terms.iter().any(|t| simplified.contains(t)),
            "{m} is one of the rule's words"
        );
    }
    assert!(
        marks
            .iter()
            .any(|m| duizhao::normalize::normalize_str(m) != *m),
        "marked as written, in Traditional: {marks:?}"
    );
}

#[test]
fn the_matrix_shows_the_compared_plans_and_all_plans_on_request() {
    let corpus = setup().0.clone();
    let mut harness = zhaijidi_selected();
    harness.get_by_label("全部接受").click();
    harness.run();
    let project = harness.state().project.clone();
    let tagged: std::collections::BTreeSet<String> =
        project.tags.iter().map(|t| t.plan_id.clone()).collect();
    assert!(
        tagged.len() > 2,
        "宅基地 is tagged in {} plans",
        tagged.len()
    );
    let zibo = corpus.plans.iter().find(|p| p.name == "淄博市").unwrap();
    let compared = vec![zibo.plan_id.clone()];
    let matrix_corpus = corpus.clone();
    let mut harness = Harness::builder()
        .with_size(egui::vec2(1400.0, 1000.0))
        .with_context_setup(theme::install_bundled_fonts)
        .build_ui_state(
            move |ui, view: &mut MatrixView| {
                view.show(ui, &project, &matrix_corpus, &compared, Language::Chinese);
            },
            MatrixView::new(),
        );
    harness.run();
    let cells = |h: &Harness<'_, MatrixView>| {
        h.query_all(
            egui_kittest::kittest::by()
                .role(Role::Cell)
                .label_contains(&format!("{ZHAIJIDI} × ")),
        )
        .count()
    };
    assert_eq!(cells(&harness), 1, "only the compared plan's column");
    harness.get_by_label_contains(&format!("{ZHAIJIDI} × 淄博市"));
    harness
        .get_by_role_and_label(Role::RadioButton, "全部 63 个方案")
        .click();
    harness.run();
    assert!(cells(&harness) > 1, "every tagged plan's cell");
}

#[test]
fn a_new_theme_gets_the_colour_egui_gives_its_golden_angle_hue() {
    // codebook_edit::new_theme converts the hue without egui; it must give what egui did.
    let mut book = Codebook::default();
    for k in 1..=6u32 {
        let theme = duizhao::codebook_edit::new_theme(&book, None, "新主题");
        let hue = (k as f32 * 137.508) % 360.0 / 360.0;
        let c = egui::Color32::from(egui::ecolor::Hsva::new(hue, 0.55, 0.75, 1.0));
        assert_eq!(theme.color, [c.r(), c.g(), c.b()], "theme {k}");
        book.themes.push(theme);
    }
}
