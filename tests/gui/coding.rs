//! Team coding in the app, headless with egui_kittest over a seed: the Agreement window lists
//! the measures where two coders differ and a click asks to go to the measure; Ctrl+Z and
//! Ctrl+Shift+Z undo and redo a tag.

use std::sync::Arc;

use crate::common;

use duizhao::corpus::{Corpus, load_paths};
use duizhao::project::Tag;
use duizhao::ui::project_state::{ProjectState, undo_shortcuts};
use duizhao::ui::{Language, Settings, UiCommand, ViewContext, agreement_view, theme};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;

struct State {
    proj: ProjectState,
    corpus: Arc<Corpus>,
    commands: Vec<UiCommand>,
}

fn harness(proj: ProjectState, corpus: Arc<Corpus>) -> Harness<'static, State> {
    Harness::builder()
        .with_size(egui::vec2(1200.0, 900.0))
        .with_context_setup(theme::install_bundled_fonts)
        .build_ui_state(
            |ui, s: &mut State| {
                let ctx = ui.ctx().clone();
                let settings = Settings::default();
                let cx = ViewContext {
                    corpus: Some(&s.corpus),
                    analysis: None,
                    project: &s.proj.project,
                    coding: None,
                    settings: &settings,
                    language: Language::Chinese,
                    revision: s.proj.generation(),
                    corpus_revision: 0,
                };
                agreement_view::window(&ctx, &mut s.proj.agreement_view, &cx, &mut s.commands);
                undo_shortcuts(&ctx, &mut s.proj, "王");
                ui.label("对照");
            },
            State {
                proj,
                corpus,
                commands: Vec::new(),
            },
        )
}

#[test]
fn the_agreement_window_lists_where_coders_differ_and_goes_to_the_measure() {
    let corpus = Arc::new(load_paths(&[common::seed("05_")]));
    let plan = &corpus.plans[0];
    let mut proj = ProjectState::default();
    let theme_id = proj.project.codebook.themes[0].theme_id.clone();
    let ms = plan.measures();
    for (k, coder) in [(0, "王"), (1, "王"), (1, "李"), (2, "李")] {
        let mut t = Tag::for_measure(plan, ms[k], &theme_id).unwrap();
        t.coder = coder.into();
        proj.project.add_tag(t);
    }
    proj.touch();
    proj.agreement_view.open = true;
    let mut h = harness(proj, corpus.clone());
    h.run();
    assert!(
        h.query_all_by_value("编码者意见不同的措施 2 处")
            .next()
            .is_some()
    );
    assert!(h.query_all_by_value("编码者：李、王").next().is_some());
    let links = h.get_all_by_label_contains(" · ").collect::<Vec<_>>();
    assert_eq!(links.len(), 2);
    links[0].click();
    h.run();
    assert_eq!(
        h.state().commands.first(),
        Some(&UiCommand::FocusMeasure {
            plan_id: plan.plan_id.clone(),
            measure_index: 0
        })
    );
}

#[test]
fn ctrl_z_undoes_a_tag_and_ctrl_shift_z_redoes_it() {
    let corpus = Arc::new(load_paths(&[common::seed("05_")]));
    let plan_id = corpus.plans[0].plan_id.clone();
    let mut h = harness(ProjectState::default(), corpus.clone());
    h.run();
    {
        let s = h.state_mut();
        let corpus = s.corpus.clone();
        s.proj
            .tag_measure(&corpus, &plan_id, 3, "zhaijidi")
            .unwrap();
    }
    h.run();
    assert_eq!(h.state().proj.project.tags.len(), 1);
    assert_eq!(h.state().proj.project.tags[0].coder, "王");
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Z);
    h.run();
    assert!(h.state().proj.project.tags.is_empty());
    h.key_press_modifiers(
        egui::Modifiers::COMMAND | egui::Modifiers::SHIFT,
        egui::Key::Z,
    );
    h.run();
    assert_eq!(h.state().proj.project.tags.len(), 1);
}
