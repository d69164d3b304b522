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
fn the_slow_views_are_built_ahead_and_open_with_their_data() {
    let mut harness = harness();
    // Background builds forced on for the seeds: once the analysis is ready the app builds the
    // overview, the families and the coding index before any of them is opened.
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
