//! The compare view of issue 12 driven headless with egui_kittest: a partner pair in one row, a
//! cell with two sections (both headings on screen), header counts within the comparison equal to
//! the measures shown, the by-theme rows (宅基地 of 淄博市 and 济南市市中区 in one row), and back
//! after a jump returns to where the view was.

use duizhao::comparison::Scope;
use duizhao::matching::Tier;
use egui::accesskit::Role;
use egui_kittest::kittest::Queryable;

use crate::support::app_comparing;

#[test]
fn partners_share_a_row_and_a_cell_shows_its_several_sections() {
    let mut harness = app_comparing(&["天津市东丽区", "天津市中北镇"], 6000.0);
    let table = harness.state().comparison().expect("a comparison").clone();
    // A measure shared with the other compared plan has its partner in its own row.
    let (r, c, m) = table
        .rows
        .iter()
        .enumerate()
        .flat_map(|(r, row)| {
            row.cells.iter().enumerate().flat_map(move |(c, cell)| {
                cell.iter()
                    .flat_map(|x| x.measures.iter())
                    .map(move |m| (r, c, m))
            })
        })
        .find(|(_, _, m)| {
            m.scope == Scope::Compared
                && m.partners
                    .iter()
                    .any(|p| p.column.is_some() && p.tier == Tier::Verbatim)
        })
        .expect("a measure shared word for word within the comparison (推广智慧供暖)");
    let other = 1 - c;
    let partner_row = table.rows[r].cells[other].as_ref().is_some_and(|cell| {
        cell.measures.iter().any(|o| {
            m.partners
                .iter()
                .any(|p| p.column == Some(other) && Some(p.flat) == o.flat)
        })
    });
    assert!(partner_row, "the partner of {} is in row {r}", m.text);
    // Clicking it flashes the partner in the same row.
    harness
        .query_all_by_label(&format!("对照内共有：{}", m.text))
        .next()
        .expect("the measure is shown")
        .click();
    harness.run_steps(3);
    let flashing = harness.state().compare_view().flashing().to_vec();
    assert!(flashing.iter().any(|p| p.col == other && p.row == r));

    // A cell holding several sections shows every heading.
    let cell = table
        .rows
        .iter()
        .flat_map(|row| row.cells.iter().flatten())
        .find(|cell| cell.sections.len() > 1)
        .expect("a cell with two sections");
    for s in &cell.sections {
        assert!(
            harness.query_all_by_label_contains(&s.heading).count() >= 1,
            "heading {} shown",
            s.heading
        );
    }
}

#[test]
fn header_counts_are_within_the_comparison_and_equal_what_is_shown() {
    let harness = app_comparing(&["天津市东丽区", "天津市中北镇"], 3000.0);
    let table = harness.state().comparison().expect("a comparison").clone();
    for (c, col) in table.columns.iter().enumerate() {
        let shown = |scope: Scope| {
            table
                .rows
                .iter()
                .filter_map(|r| r.cells[c].as_ref())
                .flat_map(|cell| cell.measures.iter())
                .filter(|m| m.scope == scope)
                .count()
        };
        assert_eq!(shown(Scope::Compared), col.shared);
        assert_eq!(shown(Scope::Unique), col.unique);
        assert_eq!(shown(Scope::Elsewhere), col.elsewhere);
        assert_eq!(shown(Scope::Boilerplate), col.boilerplate);
    }
    // The header says how many measures each plan shares with the other: 与中北镇共有 N.
    let n = table.columns[0].shared_with[1];
    assert!(n > 0);
    assert!(
        harness
            .query_all_by_label_contains(&format!("与天津市中北镇共有 {n}"))
            .next()
            .is_some()
    );
    assert!(
        harness
            .query_all_by_label(&format!("对照内共有 {}", table.columns[0].shared))
            .next()
            .is_some()
    );
}

#[test]
fn by_theme_rows_list_homestead_measures_of_both_plans() {
    let mut harness = app_comparing(&["淄博市", "济南市市中区"], 3000.0);
    harness
        .get_by_role_and_label(Role::Button, "按主题")
        .click();
    harness.run();
    assert!(harness.state().compare_view().by_theme());
    let table = harness.state().comparison().expect("a comparison").clone();
    assert!(table.by_theme);
    let row = table
        .rows
        .iter()
        .find(|r| r.theme.as_ref().is_some_and(|t| t.name.contains("宅基地")))
        .expect("a 宅基地 row");
    for cell in &row.cells {
        let cell = cell.as_ref().expect("both plans have 宅基地 measures");
        assert!(cell.measures.iter().any(|m| m.norm.contains("宅基地")));
    }
    // Back to rows by structure.
    harness
        .get_by_role_and_label(Role::Button, "按结构")
        .click();
    harness.run();
    assert!(!harness.state().comparison().expect("a comparison").by_theme);
}

#[test]
fn back_returns_to_where_the_view_was_after_a_jump() {
    let mut harness = app_comparing(&["淄博市", "济南市市中区", "西咸新区", "四川省"], 900.0);
    harness.run();
    let start = harness.state().compare_view().scroll_offset();
    // Jump to a measure far down (as the search or the overview would).
    let analysis_flat = {
        let table = harness.state().comparison().expect("a comparison");
        let row = table.rows.len() - 1;
        let cell = table.rows[row]
            .cells
            .iter()
            .flatten()
            .next()
            .expect("a filled cell");
        cell.measures
            .last()
            .and_then(|m| m.flat)
            .expect("a measure")
    };
    {
        let app = harness.state_mut();
        let analysis = app.analysis().cloned().expect("analysed");
        assert!(
            app.compare_view_mut()
                .focus_flat(&analysis, analysis_flat, 0.0)
        );
    }
    harness.run();
    let jumped = harness.state().compare_view().scroll_offset();
    assert!(jumped > start + 200.0, "{start} → {jumped}");
    assert!(harness.state().compare_view().can_go_back());
    harness.key_press_modifiers(egui::Modifiers::ALT, egui::Key::ArrowLeft);
    harness.run();
    let back = harness.state().compare_view().scroll_offset();
    assert!((back - start).abs() < 2.0, "back at {back}, was {start}");
    harness.key_press_modifiers(egui::Modifiers::ALT, egui::Key::ArrowRight);
    harness.run();
    let forward = harness.state().compare_view().scroll_offset();
    assert!(
        (forward - jumped).abs() < 2.0,
        "forward at {forward}, was {jumped}"
    );
}

/// A part of a split section sitting in another row than its parent shows its parent's heading
/// in the cell (four-plan view: 西咸新区's （五）推进城乡社会建设实现共治共享 is split).
#[test]
fn a_part_shown_apart_names_its_parent() {
    let mut harness = app_comparing(&["淄博市", "济南市市中区", "西咸新区", "四川省"], 30000.0);
    let table = harness.state().comparison().expect("a comparison").clone();
    let (heading, parent) = table
        .rows
        .iter()
        .flat_map(|r| r.cells.iter().flatten())
        .flat_map(|c| c.sections.iter())
        .find(|s| s.detached && !s.moved)
        .map(|s| (s.heading.clone(), s.parent.clone().expect("a parent")))
        .expect("a part shown apart from its parent");
    harness.run_steps(2);
    let label = format!("{heading}（属 {parent}）");
    assert!(
        harness.query_all_by_label_contains(&label).count() >= 1,
        "{label} shown"
    );
}
