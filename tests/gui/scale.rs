//! The app at scale (issue 18), on the seeds with the big-corpus paths forced on: derived views
//! built on a background thread (first the computing state, then the data) and the library laid
//! out only where it is in view.

use std::time::{Duration, Instant};

use duizhao::ui::{DuizhaoApp, View};
use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};

use crate::support::harness;

/// Step until `view`'s data is ready (no timing asserted: the deadline only stops a hang).
fn wait_view(harness: &mut Harness<'_, DuizhaoApp>, view: View) {
    let deadline = Instant::now() + Duration::from_secs(300);
    while !harness.state().view_ready(view) {
        assert!(Instant::now() < deadline, "{view:?} never got its data");
        harness.step();
        std::thread::sleep(Duration::from_millis(10));
    }
    harness.run();
}

#[test]
fn each_derived_view_first_shows_the_computing_state_then_its_data() {
    let mut harness = harness();
    // Every view computes on a thread, whatever the corpus's size, and only when opened.
    harness.state_mut().set_inline_max(0);
    harness.state_mut().set_prefetch(false);
    let views = [
        (View::Families, "正在计算措施族…", "个措施族（共"),
        (
            View::Overview,
            "正在计算相似度矩阵…",
            "63 个方案两两之间的共有措施",
        ),
        (View::Targets, "正在计算指标表…", "项指标 × 63 个方案"),
        (View::Matrix, "正在计算主题矩阵…", "主题 × 方案：编码段落"),
    ];
    for (view, computing, ready) in views {
        harness.state_mut().set_view(view);
        harness.step();
        harness.get_by_label(computing);
        wait_view(&mut harness, view);
        assert!(harness.query_by_label(computing).is_none(), "{view:?}");
        harness.get_by_label_contains(ready);
    }
    // Families: the list is there and usable once built.
    harness.state_mut().set_view(View::Families);
    harness.run();
    harness.get_by_label_contains("个措施族（共");
}

#[test]
fn a_big_overview_first_shows_a_preview_of_a_sample_then_the_whole_matrix() {
    let mut harness = harness();
    // The seeds' 63 plans stand for a big corpus: built on a thread, with a preview of at most
    // 20 plans, and the refinement held until the preview has been looked at.
    harness.state_mut().set_inline_max(0);
    harness.state_mut().set_prefetch(false);
    let (go, gate) = std::sync::mpsc::channel();
    harness
        .state_mut()
        .overview_view_mut()
        .set_preview_plans(20);
    harness
        .state_mut()
        .overview_view_mut()
        .hold_refinement(gate);
    harness.state_mut().set_view(View::Overview);
    harness.step();
    harness.get_by_label("正在计算相似度矩阵…");
    // Frame by frame (the preview's spinner keeps asking for frames, so `run` never settles).
    let deadline = Instant::now() + Duration::from_secs(300);
    while !harness.state().view_ready(View::Overview) {
        assert!(Instant::now() < deadline, "the preview never came");
        harness.step();
        std::thread::sleep(Duration::from_millis(10));
    }
    harness.step();
    harness.step();
    // The preview: 16 evenly spaced plans (every 4th), said to be one, with the counting's
    // progress; the computing placeholder is gone.
    assert_eq!(harness.state().overview_view().preview_of(), Some(63));
    assert!(!harness.state().overview_view().is_exact());
    harness.get_by_label_contains("预览：从 63 个方案中等距抽取 16 个");
    harness.get_by_label("16 个方案两两之间的共有措施");
    assert!(harness.query_by_label("正在计算相似度矩阵…").is_none());
    let preview = harness.state().overview_view().overview().unwrap().clone();
    let first = harness.state().corpus().unwrap().plans[0].plan_id.clone();
    assert_eq!(preview.plan_ids.first(), Some(&first));
    // Let the whole matrix be counted: it replaces the preview, and the banner goes.
    go.send(()).unwrap();
    let deadline = Instant::now() + Duration::from_secs(300);
    while !harness.state().overview_view().is_exact() {
        assert!(Instant::now() < deadline, "the whole overview never came");
        harness.step();
        std::thread::sleep(Duration::from_millis(10));
    }
    harness.run();
    harness.get_by_label("63 个方案两两之间的共有措施");
    assert!(harness.query_by_label_contains("预览：").is_none());
    let whole = harness.state().overview_view().overview().unwrap();
    assert_eq!(whole.len(), 63);
    // The preview's counts are the whole matrix's between the sampled plans.
    let index = |id: &str| whole.plan_ids.iter().position(|p| p == id).unwrap();
    for i in 0..preview.len() {
        for j in 0..preview.len() {
            let (a, b) = (index(&preview.plan_ids[i]), index(&preview.plan_ids[j]));
            assert_eq!(preview.count(i, j), whole.count(a, b));
        }
    }
}

#[test]
fn the_slow_views_are_built_ahead_and_open_with_their_data() {
    let mut harness = harness();
    // Background builds forced on for the seeds: once the analysis is ready the app builds the
    // overview, the families, the coding index and the targets before any of them is opened.
    harness.state_mut().set_inline_max(0);
    let deadline = Instant::now() + Duration::from_secs(30);
    while !harness.state().views_prefetched() {
        assert!(
            Instant::now() < deadline,
            "the prefetches never finished: {}",
            harness.state().prefetch_status()
        );
        harness.step();
        std::thread::sleep(Duration::from_millis(10));
    }
    for (view, computing, ready) in [
        (
            View::Overview,
            "正在计算相似度矩阵…",
            "63 个方案两两之间的共有措施",
        ),
        (View::Families, "正在计算措施族…", "个措施族（共"),
        (View::Targets, "正在计算指标表…", "项指标 × 63 个方案"),
    ] {
        harness.state_mut().set_view(view);
        harness.step();
        assert!(harness.state().view_ready(view), "{view:?} built ahead");
        assert!(harness.query_by_label(computing).is_none(), "{view:?}");
        harness.get_by_label_contains(ready);
    }
}

#[test]
fn a_view_reopened_on_the_same_corpus_does_not_compute_again() {
    let mut harness = harness();
    harness.state_mut().set_inline_max(0);
    harness.state_mut().set_view(View::Overview);
    harness.step();
    wait_view(&mut harness, View::Overview);
    harness.state_mut().set_view(View::Plan);
    harness.run();
    harness.state_mut().set_view(View::Overview);
    harness.step();
    assert!(harness.state().view_ready(View::Overview));
    assert!(harness.query_by_label("正在计算相似度矩阵…").is_none());
}

#[test]
fn the_virtualised_library_lists_groups_and_selects_the_plan_clicked() {
    let mut harness = harness();
    harness.state_mut().set_library_virtual_min(0);
    harness.run();
    // Only the rows in view are laid out: fewer than the 63 plans are in the tree.
    let laid_out = harness.query_all_by_role(Role::ListItem).count();
    assert!(laid_out > 5 && laid_out < 63, "{laid_out} rows laid out");
    // The five files' groups head their plans.
    assert!(harness.query_all_by_role(Role::DisclosureTriangle).count() >= 1);
    // A plan in view: a click selects it and opens it.
    harness
        .get_by_role_and_label(Role::ListItem, "淄博市")
        .click();
    harness.run();
    assert_eq!(
        harness.state().selected_plan().map(|p| p.name.as_str()),
        Some("淄博市")
    );
    // A plan far down the list: the filter brings it up, a click selects it.
    let last = harness
        .state()
        .listed_plan_ids()
        .last()
        .map(|id| id.to_string())
        .unwrap();
    let name = harness
        .state()
        .corpus()
        .unwrap()
        .plans
        .iter()
        .find(|p| p.plan_id == last)
        .unwrap()
        .name
        .clone();
    assert!(harness.query_by_label(&name).is_none() || laid_out >= 63);
    // The library's filter is the first text box.
    harness
        .query_all_by_role(Role::TextInput)
        .next()
        .unwrap()
        .click();
    harness.run();
    harness
        .query_all_by_role(Role::TextInput)
        .next()
        .unwrap()
        .type_text(&name);
    harness.run();
    harness.get_by_role_and_label(Role::ListItem, &name).click();
    harness.run();
    assert_eq!(
        harness.state().selected_plan().map(|p| p.plan_id.as_str()),
        Some(last.as_str())
    );
}

#[test]
fn folding_a_group_of_the_virtualised_library_hides_its_plans() {
    let mut harness = harness();
    harness.state_mut().set_library_virtual_min(0);
    harness.run();
    // The first plan row belongs to the first group.
    let first_plan = harness
        .query_all_by_role(Role::ListItem)
        .next()
        .unwrap()
        .accesskit_node()
        .label()
        .unwrap();
    harness
        .query_all_by_role(Role::DisclosureTriangle)
        .next()
        .unwrap()
        .click();
    harness.run();
    assert!(
        harness
            .query_by_role_and_label(Role::ListItem, &first_plan)
            .is_none(),
        "{first_plan} still listed"
    );
    // Unfolding brings it back.
    harness
        .query_all_by_role(Role::DisclosureTriangle)
        .next()
        .unwrap()
        .click();
    harness.run();
    harness.get_by_role_and_label(Role::ListItem, &first_plan);
}

#[test]
fn the_common_glyphs_are_rasterised_ahead_and_a_plan_text_then_adds_none() {
    use duizhao::ui::theme::{GlyphWarmer, install_bundled_fonts};
    let ctx = egui::Context::default();
    install_bundled_fonts(&ctx);
    duizhao::ui::theme::apply_style(&ctx, false);
    let mut warmer = GlyphWarmer::common();
    // GB 2312 level 1 (3,755 characters) with ASCII and punctuation.
    assert!(warmer.len() > 3755 + 95, "{}", warmer.len());
    let body = egui::FontId::proportional(15.0);
    let fill = |ctx: &egui::Context| ctx.fonts(|f| f.font_atlas_fill_ratio());
    let mut before = 0.0;
    let mut frames = 0;
    // One frame; whether it changed the font texture (its deltas are consumed, as a painter would).
    let frame = |ctx: &egui::Context, f: &mut dyn FnMut(&mut egui::Ui)| {
        let mut out = ctx.run_ui(egui::RawInput::default(), |ui| f(ui));
        let changed = out
            .textures_delta
            .set
            .iter()
            .any(|(id, _)| *id == egui::TextureId::default());
        out.textures_delta.clear();
        changed
    };
    frame(&ctx, &mut |_| {});
    // Frames of 2 ms each, as while a corpus loads, until the warmer stops.
    while !warmer.is_done() && frames < 100_000 {
        frame(&ctx, &mut |ui| {
            warmer.step(ui.ctx(), Duration::from_millis(2));
        });
        frames += 1;
    }
    assert!(warmer.is_done(), "never done after {frames} frames");
    assert!(frames > 1, "spread over frames");
    let changed = frame(&ctx, &mut |ui| {
        before = fill(ui.ctx());
        // The ideographs of a seed measure: every glyph is in the atlas already. (Punctuation and
        // Latin letters are rasterised at up to four sub-pixel offsets each, so a new position
        // may still add one of those few; ideographs have one bitmap each.)
        let text = "健全城乡统一的建设用地市场推进农村集体经营性建设用地入市";
        ui.fonts_mut(|f| f.layout_no_wrap(text.into(), body.clone(), egui::Color32::WHITE));
    });
    assert!(
        !changed,
        "a common glyph was missing (warmed {:?}, atlas {before})",
        warmer.progress()
    );
    // A rare character is still rasterised when it shows up (the check above can fail).
    let changed = frame(&ctx, &mut |ui| {
        ui.fonts_mut(|f| f.layout_no_wrap("𬌗堃".into(), body.clone(), egui::Color32::WHITE));
    });
    assert!(changed, "the rare glyphs were added");
    assert!(
        before > 0.0 && before <= GlyphWarmer::MAX_FILL + 0.05,
        "{before}"
    );
}
