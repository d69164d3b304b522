//! The N-way alignment and the comparison table on the seeds: measured figures of issue 12 (the
//! four-plan view, the Tianjin pair), structure guarantees (every measure shown once, reading
//! order, cells of several sections, pins), scopes counted within the comparison, the by-theme
//! mode, and precision/recall floors on the TEST split of the labelled sections in
//! `tests/fixtures/alignment/` (never tuned on).
#![allow(clippy::unwrap_used)] // test helpers fail loudly by design

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::OnceLock;

use duizhao::align::{Params, Pin, align};
use duizhao::align_eval::{
    Labels, Metric, PREAMBLE, evaluate, oracle_rows, pair_plans, score_rows, unit_items,
};
use duizhao::comparison::{Comparison, Options, RowMode, Scope};
use duizhao::corpus::{Corpus, load_paths};
use duizhao::matching::Analysis;
use duizhao::outline::SectionKind;
use duizhao::themes::Codebook;

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/alignment")
}

fn setup() -> &'static (Corpus, Analysis) {
    static SETUP: OnceLock<(Corpus, Analysis)> = OnceLock::new();
    SETUP.get_or_init(|| {
        let mut paths = vec![PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("seeds")];
        if fixtures().join("docs").is_dir() {
            paths.push(fixtures().join("docs"));
        }
        let corpus = load_paths(&paths);
        let analysis = Analysis::build(&corpus.plans);
        (corpus, analysis)
    })
}

fn plan_index(name: &str) -> usize {
    setup()
        .0
        .plans
        .iter()
        .position(|p| p.name == name)
        .unwrap_or_else(|| panic!("no plan {name}"))
}

const FOUR: [&str; 4] = ["淄博市", "济南市市中区", "西咸新区", "四川省"];
const DONGLI: &str = "天津市东丽区";
const ZHONGBEI: &str = "天津市中北镇";

fn four() -> Vec<usize> {
    FOUR.iter().map(|n| plan_index(n)).collect()
}

/// (in-comparison shared measures, of which with a partner in their own row).
fn partner_figures(table: &Comparison) -> (usize, usize) {
    table
        .partners_in_row(&setup().1)
        .iter()
        .fold((0, 0), |(a, b), (x, y)| (a + x, b + y))
}

#[test]
fn four_plan_view_fills_its_rows_and_keeps_partners_together() {
    let (corpus, analysis) = setup();
    let table = Comparison::build(corpus, analysis, &four());
    let empty = table.empty_share();
    let (shared, in_row) = partner_figures(&table);
    let share = in_row as f64 / shared.max(1) as f64;
    eprintln!(
        "four-plan view: {} rows, empty {:.1} %, partners in own row {in_row}/{shared} = {:.1} %",
        table.rows.len(),
        100.0 * empty,
        100.0 * share
    );
    // Issue 12's goals are at most 30 % empty cells and at least 80 % of in-comparison shared
    // measures with a partner in their own row (main: 61 % empty, 21–80 % per plan). Measured
    // with the paraphrase matcher of issue 13 (which links 501 in-comparison measures here, where
    // the old matcher linked 170, many of them same-topic pairs across sections): 21.4 % empty,
    // 70.5 % partners in their own row; after the constants were re-chosen on the tune split
    // (docs/alignment.md) 21.4 % and 70.9 %. The floors sit a little below so a regression fails.
    // With the annealing after the link refinement (and a cell that may grow by its neighbour's
    // row): 16.7 % empty.
    assert!(empty <= 0.22, "empty cells {:.1} %", 100.0 * empty);
    // With the issue-13 boosted-tree scorer merged the view links 476 in-comparison measures
    // and keeps 66.8 % in their own row; with the framing rows (one row per framing kind) and
    // cells of at most three units, 20.5 % empty and 68.7 %; with the link refinement (units move
    // to the row of their linked partners, cells of up to four units) 22.5 % and 74.8 % (goal
    // 80 %, not met). With the retrained matcher of issue 13 (kind features, 8 indexed terms) the
    // view links 493 in-comparison measures: 22.7 % empty, 72.4 % in their own row. With the
    // annealing after the link refinement: 16.7 % empty, 365/493 = 74.0 % (goal 80 %, not met;
    // docs/alignment.md). With finer units where the links ask for them (a unit's sub-sections
    // may sit in other rows, their parent shown) and cells of up to five units: 19.4 % empty,
    // 397/493 = 80.5 % — the goal.
    assert!(share >= 0.80, "partners in own row {:.1} %", 100.0 * share);
    assert!(shared > 20, "the four plans share measures: {shared}");
}

#[test]
fn link_refinement_keeps_partners_together_with_consecutive_cells() {
    let (corpus, analysis) = setup();
    let plans = four();
    // Units whole (no split stage: see `split_units_put_parts_beside_their_partners`), so
    // every cell's units can be read from the rows.
    let whole = Params {
        split: false,
        refine_cell_units: 4,
        ..Params::default()
    };
    let without = Params {
        refine: false,
        ..whole
    };
    let units: Vec<Vec<duizhao::align::Unit>> = plans
        .iter()
        .map(|&p| duizhao::align::units(&corpus.plans[p], p, analysis))
        .collect();
    // Linked measures (to a partner of a compared plan) whose partner shares their row, counted
    // over every partner.
    let together = |rows: &[duizhao::align::Row]| {
        let mut row_of: HashMap<usize, usize> = HashMap::new();
        for (k, us) in units.iter().enumerate() {
            for u in us {
                let r = rows
                    .iter()
                    .position(|r| r.cells[k].contains(&u.section_id))
                    .unwrap();
                row_of.extend(u.measures.iter().map(|&m| (m, r)));
            }
        }
        let mut n = 0;
        for us in &units {
            for u in us {
                for (m, partners) in &u.links {
                    if partners
                        .iter()
                        .any(|(o, _)| row_of.get(o).is_some_and(|r| row_of.get(m) == Some(r)))
                    {
                        n += 1;
                    }
                }
            }
        }
        n
    };
    let plain = duizhao::align::align_with(&corpus.plans, &plans, analysis, &[], &without);
    let refined = duizhao::align::align_with(&corpus.plans, &plans, analysis, &[], &whole);
    // The annealing after the greedy refinement: more measures beside their best partner (per
    // other plan, as the comparison counts them) and no more empty cells than the greedy rows.
    let greedy = duizhao::align::align_with(
        &corpus.plans,
        &plans,
        analysis,
        &[],
        &Params {
            anneal_rounds: 0,
            ..whole
        },
    );
    let beside_best = |rows: &[duizhao::align::Row]| {
        let mut row_of: HashMap<usize, (usize, usize)> = HashMap::new();
        for (k, us) in units.iter().enumerate() {
            for u in us {
                let r = rows
                    .iter()
                    .position(|r| r.cells[k].contains(&u.section_id))
                    .unwrap();
                row_of.extend(u.measures.iter().map(|&m| (m, (k, r))));
            }
        }
        let mut n = 0;
        for us in &units {
            for u in us {
                for (m, partners) in &u.links {
                    let mut best: HashMap<usize, (f32, usize)> = HashMap::new();
                    for &(o, score) in partners {
                        if let Some(&(k, r)) = row_of.get(&o) {
                            let e = best.entry(k).or_insert((score, r));
                            if score > e.0 {
                                *e = (score, r);
                            }
                        }
                    }
                    let own = row_of[m];
                    if best.iter().any(|(&k, &(_, r))| k != own.0 && r == own.1) {
                        n += 1;
                    }
                }
            }
        }
        n
    };
    let empty = |rows: &[duizhao::align::Row]| rows.iter().map(|r| 4 - r.filled()).sum::<usize>();
    eprintln!(
        "beside the best partner: {} greedy, {} annealed; empty cells {} and {}",
        beside_best(&greedy),
        beside_best(&refined),
        empty(&greedy),
        empty(&refined)
    );
    assert!(beside_best(&refined) > beside_best(&greedy));
    assert!(empty(&refined) <= empty(&greedy));
    let (a, b) = (together(&plain), together(&refined));
    eprintln!("linked measures beside a partner: {a} without the refinement, {b} with it");
    assert!(
        b > a,
        "the refinement puts more partners together: {a} -> {b}"
    );
    // Every cell is a run of consecutive units of its plan, and a task cell holds at most the
    // refinement's limit (a framing run is one cell whatever its length).
    for row in &refined {
        for (k, us) in units.iter().enumerate() {
            let idx: Vec<usize> = us
                .iter()
                .enumerate()
                .filter(|(_, u)| row.cells[k].contains(&u.section_id))
                .map(|(i, _)| i)
                .collect();
            assert!(
                idx.windows(2).all(|w| w[1] == w[0] + 1),
                "cell of plan {k} is not consecutive: {idx:?}"
            );
            let framing = idx
                .iter()
                .any(|&i| duizhao::align::FRAMING_KINDS.contains(&us[i].kind));
            assert!(
                framing || idx.len() <= duizhao::align::REFINE_CELL_UNITS.max(3),
                "cell of plan {k} holds {} units",
                idx.len()
            );
        }
    }
}

/// The row whose cell in column `col` holds a section titled with `title`.
fn row_of_title(table: &Comparison, col: usize, title: &str) -> usize {
    table
        .rows
        .iter()
        .position(|r| {
            r.cells[col]
                .as_ref()
                .is_some_and(|c| c.sections.iter().any(|s| s.title.contains(title)))
        })
        .unwrap_or_else(|| panic!("no section {title}"))
}

#[test]
fn tianjin_linked_sections_share_rows() {
    let (corpus, analysis) = setup();
    let pair = [plan_index(DONGLI), plan_index(ZHONGBEI)];
    let table = Comparison::build(corpus, analysis, &pair);
    let (shared, in_row) = partner_figures(&table);
    eprintln!(
        "Tianjin: {} rows, empty {:.1} %, partners in own row {in_row}/{shared}",
        table.rows.len(),
        100.0 * table.empty_share()
    );
    assert!(shared >= 4);
    // Measured 18/18: 中北's 序言 and 东丽's 一、总体目标 link to each other, so 中北's preamble
    // heads its first cell, in the 目标 row (it was 16/18 while preambles kept a row of their own).
    assert_eq!(in_row, shared, "partners in own row {in_row}/{shared}");
    let zhongbei_preamble = table
        .rows
        .iter()
        .position(|r| {
            r.cells[1]
                .as_ref()
                .is_some_and(|c| c.sections.iter().any(|s| s.section_id.is_none()))
        })
        .expect("中北's preamble has a row");
    assert_eq!(zhongbei_preamble, row_of_title(&table, 0, "总体目标"));
    // Sections linked by a shared measure sit in one row: 东丽（二）明确部门职责 and
    // 中北（二）明确任务分工 among them.
    let row_of = |col: usize, title: &str| row_of_title(&table, col, title);
    assert_eq!(row_of(0, "明确部门职责"), row_of(1, "明确任务分工"));
    assert_eq!(row_of(0, "推广智慧供暖"), row_of(1, "推广智慧供暖"));
    // Every measure of a section with a partner among the other plan's sections has one in its
    // own row.
    let preamble = |r: usize| {
        table.rows[r]
            .cells
            .iter()
            .flatten()
            .all(|c| c.sections.iter().all(|s| s.section_id.is_none()))
    };
    let mut checked = 0;
    for (r, row) in table.rows.iter().enumerate() {
        if preamble(r) {
            continue;
        }
        for (c, cell) in row.cells.iter().enumerate() {
            for (k, m) in cell.iter().flat_map(|x| x.measures.iter()).enumerate() {
                if m.scope != Scope::Compared {
                    continue;
                }
                let pos = duizhao::comparison::MeasurePos { row: r, col: c, k };
                let partners: Vec<_> = table
                    .partners(analysis, pos)
                    .into_iter()
                    .filter(|p| !preamble(p.row))
                    .collect();
                if partners.is_empty() {
                    continue;
                }
                checked += 1;
                assert!(
                    partners.iter().any(|p| p.row == r),
                    "{}: partner rows {:?}, own row {r}",
                    m.text,
                    partners.iter().map(|p| p.row).collect::<Vec<_>>()
                );
            }
        }
    }
    assert!(checked >= 10, "linked measures in sections: {checked}");
}

/// A plan's 概况 (profile) section is a row of its own, never beside another kind of section: in
/// three-plan views (西咸新区 / 济南市市中区 / any third plan) 济南's 一、试验基础 used to join the
/// 指导思想 row, as a lone framing unit attached to its neighbour's group.
#[test]
fn profile_sections_keep_a_row_of_their_own() {
    let (corpus, analysis) = setup();
    let n = corpus.plans.len();
    let units: Vec<Vec<duizhao::align::Unit>> = (0..n)
        .map(|p| duizhao::align::units(&corpus.plans[p], p, analysis))
        .collect();
    let with_profile: Vec<usize> = (0..n)
        .filter(|&p| units[p].iter().any(|u| u.kind == SectionKind::Profile))
        .collect();
    assert!(!with_profile.is_empty());
    // Rows holding a profile unit together with a unit of another kind.
    let mixed = |params: &Params| {
        let mut out = Vec::new();
        for &p in &with_profile {
            for x in (0..n).filter(|&x| x != p) {
                let Some(y) = (1..n).map(|d| (x + d) % n).find(|&y| y != p && y != x) else {
                    continue;
                };
                let compared = [x, p, y];
                let rows =
                    duizhao::align::align_with(&corpus.plans, &compared, analysis, &[], params);
                for row in &rows {
                    let kinds: Vec<SectionKind> = compared
                        .iter()
                        .enumerate()
                        .flat_map(|(k, &pi)| {
                            units[pi]
                                .iter()
                                .filter(move |u| row.cells[k].contains(&u.section_id))
                                .map(|u| u.kind)
                        })
                        .collect();
                    if kinds.contains(&SectionKind::Profile)
                        && kinds.iter().any(|&k| k != SectionKind::Profile)
                    {
                        out.push((compared.map(|i| corpus.plans[i].name.clone()), kinds));
                    }
                }
            }
        }
        out
    };
    let before = mixed(&Params {
        profile_apart: false,
        ..Params::default()
    });
    eprintln!(
        "{} plans with a profile section; rows mixing it with other kinds without the rule: {}",
        with_profile.len(),
        before.len()
    );
    assert!(!before.is_empty(), "the case this test guards occurs");
    let now = mixed(&Params::default());
    assert!(
        now.is_empty(),
        "profile rows mixed: {:?}",
        &now[..now.len().min(3)]
    );
}

/// Two plans are aligned by the order-preserving alignment: both columns read down in document
/// order, no cell is marked moved, and a cell may still hold several sections.
#[test]
fn pair_columns_keep_reading_order() {
    let (corpus, analysis) = setup();
    for pair in [
        [DONGLI, ZHONGBEI],
        ["淄博市", "四川省"],
        ["西咸新区", "济南市市中区"],
    ] {
        let compared = [plan_index(pair[0]), plan_index(pair[1])];
        let rows = align(&corpus.plans, &compared, analysis, &[]);
        for (k, &pi) in compared.iter().enumerate() {
            let order: Vec<usize> = corpus.plans[pi]
                .all_sections()
                .iter()
                .map(|s| s.section_id)
                .collect();
            let pos: Vec<usize> = rows
                .iter()
                .flat_map(|r| r.cells[k].iter())
                .map(|&s| order.iter().position(|&x| x == s).unwrap())
                .collect();
            assert!(
                pos.windows(2).all(|w| w[0] < w[1]),
                "{}: column out of reading order",
                pair[k]
            );
            assert!(
                rows.iter().all(|r| !r.moved[k]),
                "{}: a moved cell",
                pair[k]
            );
        }
        let both = rows.iter().filter(|r| r.filled() == 2).count();
        assert!(both >= 3, "{pair:?}: {both} rows filled on both sides");
    }
}

#[test]
fn every_measure_is_shown_once_and_headers_count_what_is_shown() {
    let (corpus, analysis) = setup();
    for compared in [four(), vec![plan_index(DONGLI), plan_index(ZHONGBEI)]] {
        let table = Comparison::build(corpus, analysis, &compared);
        for (c, col) in table.columns.iter().enumerate() {
            let plan = &corpus.plans[col.plan_index];
            let mut shown: Vec<usize> = Vec::new();
            let mut by_scope: HashMap<Scope, usize> = HashMap::new();
            for row in &table.rows {
                for m in row.cells[c].iter().flat_map(|x| x.measures.iter()) {
                    shown.push(m.measure_index);
                    *by_scope.entry(m.scope).or_default() += 1;
                }
            }
            shown.sort_unstable();
            let all: Vec<usize> = (0..plan.measures().len()).collect();
            assert_eq!(shown, all, "{}: every measure once", plan.name);
            assert_eq!(
                by_scope.get(&Scope::Compared).copied().unwrap_or(0),
                col.shared
            );
            assert_eq!(
                by_scope.get(&Scope::Elsewhere).copied().unwrap_or(0),
                col.elsewhere
            );
            assert_eq!(
                by_scope.get(&Scope::Unique).copied().unwrap_or(0),
                col.unique
            );
            assert_eq!(
                by_scope.get(&Scope::Boilerplate).copied().unwrap_or(0),
                col.boilerplate
            );
            // 与X共有 n: at most the plan's in-comparison shared measures, 0 with itself.
            assert_eq!(col.shared_with[c], 0);
            assert!(col.shared_with.iter().all(|&n| n <= col.shared));
        }
    }
}

#[test]
fn columns_keep_reading_order_except_cells_marked_moved() {
    let (corpus, analysis) = setup();
    let compared = four();
    let rows = align(&corpus.plans, &compared, analysis, &[]);
    let table = Comparison::build(corpus, analysis, &compared);
    let mut several = 0;
    for (k, &pi) in compared.iter().enumerate() {
        let order: Vec<usize> = corpus.plans[pi]
            .all_sections()
            .iter()
            .map(|s| s.section_id)
            .collect();
        let pos = |sid: usize| order.iter().position(|&s| s == sid).unwrap();
        // Reading the column down: every section not marked (moved out of its reading order,
        // or a part of a split section shown apart from its parent, with the parent's heading)
        // keeps the plan's order.
        let sections: Vec<&duizhao::comparison::CellSection> = table
            .rows
            .iter()
            .filter_map(|r| r.cells[k].as_ref())
            .flat_map(|c| c.sections.iter())
            .filter(|s| s.section_id.is_some())
            .collect();
        let kept: Vec<usize> = sections
            .iter()
            .filter(|s| !s.moved && !s.detached)
            .filter_map(|s| s.section_id.map(pos))
            .collect();
        assert!(
            kept.windows(2).all(|w| w[0] < w[1]),
            "{}: column out of order outside marked sections: {kept:?}",
            corpus.plans[pi].name
        );
        for s in sections.iter().filter(|s| s.moved || s.detached) {
            assert!(
                s.parent.is_some() || s.moved,
                "{}: a detached section shows its parent",
                s.heading
            );
        }
        let marked = sections.iter().filter(|s| s.moved || s.detached).count();
        eprintln!(
            "{}: {marked} of {} sections moved or apart from their parent",
            corpus.plans[pi].name,
            sections.len()
        );
        assert!(
            // At most half of a column's sections leave their place (measured: 淄博市 3 of 18,
            // 济南市市中区 0 of 14, 西咸新区 16 of 34, 四川省 5 of 30; before the split stage
            // 0, 0, 3 of 19, 5 of 30).
            marked * 2 <= sections.len(),
            "{}: {marked} of {} sections out of place",
            corpus.plans[pi].name,
            sections.len()
        );
        // A cell's sections are in reading order.
        for r in &rows {
            several += usize::from(r.cells[k].len() > 1);
            let p: Vec<usize> = r.cells[k].iter().map(|&s| pos(s)).collect();
            assert!(p.windows(2).all(|w| w[0] < w[1]));
        }
    }
    assert!(several > 0, "some cell holds several sections");
}

/// Finer units where the links ask for them (issue 12: "where a section must leave its place,
/// its number and parent are shown"): in the four-plan view, 西咸新区's （五）推进城乡社会建设实现
/// 共治共享 covers public services, community building and governance; its sub-sections' linked
/// partners sit in different rows (public services beside 济南 五 and 四川 五（二）, governance
/// beside 四川 六). The split stage lets such a sub-section sit in another row than its parent:
/// the cell shows it with its parent's heading (`detached`), its measures appear once (not also
/// under its parent), and more linked measures sit beside a partner than without the split.
#[test]
fn split_units_put_parts_beside_their_partners() {
    let (corpus, analysis) = setup();
    let plans = four();
    let table = Comparison::build(corpus, analysis, &plans);
    let xixian = 2;
    let parent_row = row_of_title(&table, xixian, "推进城乡社会建设实现共治共享");
    let mut apart = Vec::new();
    for (r, row) in table.rows.iter().enumerate() {
        let Some(cell) = &row.cells[xixian] else {
            continue;
        };
        for s in &cell.sections {
            if s.detached {
                assert!(
                    s.parent.as_deref().is_some_and(|p| !p.is_empty()),
                    "a detached section shows its parent: {}",
                    s.heading
                );
                if s.parent
                    .as_deref()
                    .is_some_and(|p| p.contains("推进城乡社会建设实现共治共享"))
                {
                    assert_ne!(r, parent_row, "{} sits apart from its parent", s.heading);
                    apart.push((r, s.number.clone(), s.title.clone()));
                }
            }
        }
    }
    eprintln!("西咸新区 （五）'s parts in other rows: {apart:?} (parent in row {parent_row})");
    assert!(
        !apart.is_empty(),
        "a sub-section of 西咸新区 （五） sits in another row than its parent"
    );
    // Its parent's cell does not also show the part's measures: every measure of every compared
    // plan appears exactly once in the table.
    for (c, &pi) in plans.iter().enumerate() {
        let mut seen: HashMap<usize, usize> = HashMap::new();
        for row in &table.rows {
            for m in row.cells[c].iter().flat_map(|x| x.measures.iter()) {
                *seen.entry(m.measure_index).or_default() += 1;
            }
        }
        let plan = &corpus.plans[pi];
        let total = plan.measures().len();
        assert_eq!(seen.len(), total, "{}: every measure shown", plan.name);
        assert!(
            seen.values().all(|&n| n == 1),
            "{}: a measure shown twice",
            plan.name
        );
    }
    // The same view without the split stage keeps fewer linked measures beside a best partner
    // (counted from the rows, as the annealing does).
    let count = |params: &Params| {
        let rows = duizhao::align::align_with(&corpus.plans, &plans, analysis, &[], params);
        let mut row_of: HashMap<usize, (usize, usize)> = HashMap::new();
        for (k, &pi) in plans.iter().enumerate() {
            let listed: std::collections::HashSet<usize> = rows
                .iter()
                .flat_map(|r| r.cells[k].iter().copied())
                .collect();
            for (r, row) in rows.iter().enumerate() {
                for &sid in &row.cells[k] {
                    for m in duizhao::comparison::cell_measures_in(&corpus.plans[pi], sid, &listed)
                    {
                        if let Some(f) = analysis.flat_index(pi, m.index) {
                            row_of.insert(f, (k, r));
                        }
                    }
                }
            }
        }
        let mut n = 0;
        for (&m, &(k, r)) in &row_of {
            let mut best: HashMap<usize, (f32, usize)> = HashMap::new();
            for l in analysis.shared_links(m) {
                if let Some(&(q, rq)) = row_of.get(&l.other)
                    && q != k
                {
                    let e = best.entry(q).or_insert((l.score, rq));
                    if l.score > e.0 {
                        *e = (l.score, rq);
                    }
                }
            }
            n += usize::from(best.values().any(|&(_, rq)| rq == r));
        }
        n
    };
    let (with, without) = (
        count(&Params::default()),
        count(&Params {
            split: false,
            ..Params::default()
        }),
    );
    eprintln!("linked measures beside a best partner: {without} without the split, {with} with it");
    assert!(with > without, "the split stage gains: {without} -> {with}");
}

/// Each plan's 保障 units (a 保障措施 chapter's sub-sections: 组织领导, 资金, 考核…) share one
/// row with the other plans' 保障 units, whatever their words: before the framing rows they were
/// split over two or three rows by how alike their sentences were (P02, P10, P12 of the labels).
#[test]
fn safeguards_of_every_plan_share_one_row() {
    let (corpus, analysis) = setup();
    let compared = four();
    let rows = align(&corpus.plans, &compared, analysis, &[]);
    let mut safeguard_rows = Vec::new();
    for (k, &pi) in compared.iter().enumerate() {
        let units = duizhao::align::units(&corpus.plans[pi], pi, analysis);
        let safeguards: Vec<usize> = units
            .iter()
            .filter(|u| u.kind == duizhao::outline::SectionKind::Safeguards)
            .map(|u| u.section_id)
            .collect();
        assert!(
            safeguards.len() >= 3,
            "{}: {} 保障 units",
            corpus.plans[pi].name,
            safeguards.len()
        );
        let mut at: Vec<usize> = safeguards
            .iter()
            .map(|sid| rows.iter().position(|r| r.cells[k].contains(sid)).unwrap())
            .collect();
        at.dedup();
        assert_eq!(
            at.len(),
            1,
            "{}: 保障 units in rows {at:?}",
            corpus.plans[pi].name
        );
        safeguard_rows.push(at[0]);
    }
    safeguard_rows.dedup();
    assert_eq!(safeguard_rows.len(), 1, "保障 rows {safeguard_rows:?}");
}

#[test]
fn pins_are_constraints() {
    let (corpus, analysis) = setup();
    let compared = [plan_index(DONGLI), plan_index(ZHONGBEI)];
    let a_sid = corpus.plans[compared[0]].sections[0].section_id;
    let last = corpus.plans[compared[1]]
        .all_sections()
        .last()
        .unwrap()
        .section_id;
    let pin = Pin {
        plan_a: 0,
        section_a: a_sid,
        plan_b: 1,
        section_b: last,
    };
    let rows = align(&corpus.plans, &compared, analysis, &[pin]);
    assert!(
        rows.iter()
            .any(|r| r.cells[0].contains(&a_sid) && r.cells[1].contains(&last)),
        "pinned sections share a row"
    );
}

#[test]
fn scopes_are_counted_within_the_comparison() {
    let (corpus, analysis) = setup();
    let table = Comparison::build(
        corpus,
        analysis,
        &[plan_index(DONGLI), plan_index(ZHONGBEI)],
    );
    let dongli = &table.columns[0];
    // 东丽 has more measures shared in the corpus than with 中北.
    assert!(dongli.shared + dongli.elsewhere > dongli.shared_with[1]);
    assert_eq!(dongli.shared_with[1], dongli.shared);
    let mut elsewhere = 0;
    for row in &table.rows {
        for m in row.cells[0].iter().flat_map(|c| c.measures.iter()) {
            match m.scope {
                Scope::Compared => {
                    assert_eq!(m.partners[0].column, Some(1), "compared partner first");
                }
                Scope::Elsewhere => {
                    elsewhere += 1;
                    assert!(m.partners.iter().all(|p| p.column.is_none()));
                    assert!(!m.partners.is_empty());
                }
                Scope::Unique => assert!(m.partners.is_empty()),
                Scope::Boilerplate => {}
            }
        }
    }
    assert!(elsewhere > 0);
}

#[test]
fn by_theme_rows_gather_homestead_measures_of_zibo_and_jinan() {
    let (corpus, analysis) = setup();
    let compared = [plan_index("淄博市"), plan_index("济南市市中区")];
    let codebook = Codebook::load_or_bundled("urban_rural_integration").unwrap();
    let table = Comparison::build_with(
        corpus,
        analysis,
        &compared,
        &Options {
            mode: RowMode::Theme {
                codebook,
                tags: Vec::new(),
            },
            pins: Vec::new(),
        },
    );
    assert!(table.by_theme);
    let row = table
        .rows
        .iter()
        .find(|r| r.theme.as_ref().is_some_and(|t| t.theme_id == "zhaijidi"))
        .expect("a 宅基地 row");
    for c in 0..2 {
        let cell = row.cells[c]
            .as_ref()
            .expect("both plans have 宅基地 measures");
        assert!(cell.measures.iter().any(|m| m.norm.contains("宅基地")));
        // Each measure sits under its section's heading.
        for m in &cell.measures {
            assert!(m.section < cell.sections.len());
        }
    }
}

#[test]
fn labelled_test_split_floors() {
    let (corpus, analysis) = setup();
    let labels = Labels::load(&fixtures()).unwrap();
    let test_of = |metric: Metric| {
        let (splits, _) = evaluate(corpus, analysis, &labels, &Params::default(), metric);
        for (split, s) in &splits {
            eprintln!(
                "{metric:?} {split}: {} pairs P={:.3} R={:.3} F1={:.3} unmatched {}",
                s.pairs,
                s.precision(),
                s.recall(),
                s.f1(),
                s.unmatched
            );
        }
        splits
            .iter()
            .find(|(n, _)| n == "test")
            .map(|(_, s)| *s)
            .expect("a test split")
    };
    let units = test_of(Metric::Units);
    assert!(units.pairs >= 5, "test pairs: {}", units.pairs);
    assert_eq!(
        units.unmatched, 0,
        "labelled sections missing from the outline"
    );
    assert!(
        units.precision() >= FLOOR_P,
        "test P {:.3}",
        units.precision()
    );
    assert!(units.recall() >= FLOOR_R, "test R {:.3}", units.recall());
    // Task sections alone (framing pairs left out): P 0.824, R 0.371 measured; with the
    // retrained matcher of issue 13, P 0.750 (15/20), R 0.371.
    let tasks = test_of(Metric::TaskUnits);
    assert!(
        tasks.precision() >= 0.70,
        "test P (tasks) {:.3}",
        tasks.precision()
    );
    assert!(
        tasks.recall() >= 0.3,
        "test R (tasks) {:.3}",
        tasks.recall()
    );
    let sections = test_of(Metric::Sections);
    assert!(
        sections.precision() >= FLOOR_SECTIONS_P,
        "test P (sections) {:.3}",
        sections.precision()
    );
    assert!(
        sections.recall() >= FLOOR_SECTIONS_R,
        "test R (sections) {:.3}",
        sections.recall()
    );
}

/// The unit metric is one a table can satisfy: the table the labels describe (each plan's
/// comparison-tier items in the row of their main category) scores P = 1 and R = 1 on every
/// labelled pair but for the pairs of a preamble with a 概况 section (the preambles keep a row of
/// their own), while the first metric (every level, any shared category) cannot reach 1 on that same
/// table — the reason it was replaced.
#[test]
fn unit_metric_scores_the_labels_own_table_one() {
    let (corpus, _) = setup();
    let labels = Labels::load(&fixtures()).unwrap();
    let mut sections_total = duizhao::align_eval::Score::default();
    for pair in &labels.pairs {
        let idx: Vec<usize> = pair.plans.iter().map(|n| plan_index(n)).collect();
        let rows = oracle_rows(corpus, &labels, pair, &idx);
        let units = score_rows(corpus, &labels, pair, &idx, &rows, Metric::Units);
        assert!(units.gold > 0, "{}: no gold pairs", pair.pair_id);
        // The preambles have their own row, which no section joins: a gold pair of a preamble
        // and a 概况 section of the other plan is the only kind of pair the table cannot hold.
        let (items, _) = unit_items(corpus, &labels, pair, &idx, &rows);
        let preamble_pairs = items[0]
            .iter()
            .flat_map(|a| items[1].iter().map(move |b| (a, b)))
            .filter(|(a, b)| {
                (a.number == PREAMBLE) != (b.number == PREAMBLE)
                    && a.categories.first() == b.categories.first()
            })
            .count();
        assert_eq!(
            units.correct, units.predicted,
            "{}: the labels' own table has a wrong pair under the unit metric",
            pair.pair_id
        );
        assert_eq!(
            units.gold_found + preamble_pairs,
            units.gold,
            "{}: the labels' own table misses gold pairs under the unit metric",
            pair.pair_id
        );
        sections_total.add(&score_rows(
            corpus,
            &labels,
            pair,
            &idx,
            &rows,
            Metric::Sections,
        ));
        // A table that puts every section in one row finds every gold pair a table can hold but
        // is mostly wrong.
        let one = vec![duizhao::align::Row {
            kind: duizhao::outline::SectionKind::Other,
            cells: rows
                .iter()
                .fold(vec![Vec::new(); 2], |mut acc: Vec<Vec<usize>>, r| {
                    for (k, c) in r.cells.iter().enumerate() {
                        acc[k].extend(c);
                    }
                    acc
                }),
            scores: vec![0.0; 2],
            moved: vec![false; 2],
        }];
        let lump = score_rows(corpus, &labels, pair, &idx, &one, Metric::Units);
        assert_eq!(lump.gold_found + preamble_pairs, lump.gold);
        assert!(
            lump.precision() < 0.6,
            "{}: {:.3}",
            pair.pair_id,
            lump.precision()
        );
    }
    eprintln!(
        "the labels' own table under the first metric: P={:.3} R={:.3} F1={:.3}",
        sections_total.precision(),
        sections_total.recall(),
        sections_total.f1()
    );
    assert!(sections_total.f1() < 0.9);
}

/// Floors a little below the measured test figures with the framing rows and the order-preserving
/// alignment of pairs (unit metric: P 0.950, R 0.832, F1 0.887, was 0.533 / 0.504 / 0.518 at the
/// start of the round; first metric: P 0.875, R 0.426; see docs/alignment.md). Issue 12's goal,
/// F1 ≥ 0.85, is met on this metric, but task sections alone ([`Metric::TaskUnits`]) score F1
/// 0.51 on test, as at the start (0.50): the gain is the framing rows'. With the retrained
/// matcher of issue 13 (measured 2026-12-02 ~05:30, the annealing of three plans or more does not
/// touch pairs): P 0.935, R 0.832, F1 0.881; floors raised to 0.91 / 0.80.
const FLOOR_P: f64 = 0.91;
const FLOOR_R: f64 = 0.80;
const FLOOR_SECTIONS_P: f64 = 0.82;
const FLOOR_SECTIONS_R: f64 = 0.39;

fn audit_fixtures() -> PathBuf {
    fixtures().join("audit")
}

/// The seeds and the audit split's real document (`audit/docs/`), loaded for that split only.
fn audit_setup() -> &'static (Corpus, Analysis) {
    static SETUP: OnceLock<(Corpus, Analysis)> = OnceLock::new();
    SETUP.get_or_init(|| {
        let paths = vec![
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("seeds"),
            audit_fixtures().join("docs"),
        ];
        let corpus = load_paths(&paths);
        let analysis = Analysis::build(&corpus.plans);
        (corpus, analysis)
    })
}

/// Unit-metric scores of the audit split's groups under `params`: (tuning half, holdout half).
fn audit_scores(params: &Params) -> (duizhao::align_eval::Score, duizhao::align_eval::Score) {
    let (corpus, analysis) = audit_setup();
    let labels = Labels::load(&audit_fixtures()).unwrap();
    let (splits, _) = evaluate(corpus, analysis, &labels, params, Metric::Units);
    let get = |name: &str| {
        splits
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, s)| *s)
            .unwrap_or_else(|| panic!("no split {name}"))
    };
    (get("audit"), get("audit holdout"))
}

/// The audit split (`tests/fixtures/alignment/audit/`): six groups of three or four plans no
/// labelled pair uses (one holds a real DOCX government work report), labelled before their rows
/// were looked at; A03, A04 and A05 (labelled after the mixing cost was chosen) are a holdout
/// never tuned on; A01, A02 and A06 (labelled after it too) the tuning half. Measured
/// (docs/alignment.md, "Audit on unseen groups"): before the mixing cost, tuning half P 0.562
/// R 0.932 F1 0.701 (whole task chapters in one row), holdout P 0.619 R 0.801 F1 0.698; with it,
/// tuning half P 0.828 R 0.902 F1 0.863, holdout P 0.650 R 0.783 F1 0.710; empty cells of the
/// groups' comparisons 11.7 % (tuning half) and 10.6 % (holdout). Floors a little below.
#[test]
fn audit_groups_floors() {
    let (corpus, analysis) = audit_setup();
    let labels = Labels::load(&audit_fixtures()).unwrap();
    assert_eq!(labels.pairs.len(), 6, "audit groups");
    assert!(labels.pairs.iter().all(|p| p.plans.len() >= 3));
    assert_eq!(labels.pairs.iter().filter(|p| p.holdout).count(), 3);
    let (tune, holdout) = audit_scores(&Params::default());
    for (name, s) in [("tuning half", tune), ("holdout", holdout)] {
        eprintln!(
            "audit {name}: P={:.3} R={:.3} F1={:.3} (predicted {}, gold {})",
            s.precision(),
            s.recall(),
            s.f1(),
            s.predicted,
            s.gold
        );
        assert_eq!(s.unmatched, 0, "{name}: labelled sections missing");
    }
    assert!(tune.precision() >= 0.80, "tune P {:.3}", tune.precision());
    assert!(tune.f1() >= 0.84, "tune F1 {:.3}", tune.f1());
    assert!(
        holdout.precision() >= 0.62,
        "holdout P {:.3}",
        holdout.precision()
    );
    assert!(holdout.f1() >= 0.68, "holdout F1 {:.3}", holdout.f1());
    // The groups' comparisons as a user sees them: few empty cells, per half.
    for holdout in [false, true] {
        let (mut cells, mut empty) = (0usize, 0usize);
        for pair in labels.pairs.iter().filter(|p| p.holdout == holdout) {
            let idx = pair_plans(corpus, pair).unwrap();
            let table = Comparison::build(corpus, analysis, &idx);
            for row in &table.rows {
                cells += row.cells.len();
                empty += row.cells.iter().filter(|c| c.is_none()).count();
            }
            // The labels' own table is perfect under the unit metric (no preamble/概况 pairs
            // across plans here but those the preamble row holds).
            let oracle = oracle_rows(corpus, &labels, pair, &idx);
            let o = score_rows(corpus, &labels, pair, &idx, &oracle, Metric::Units);
            assert_eq!(o.correct, o.predicted, "{}: oracle", pair.pair_id);
        }
        let share = empty as f64 / cells.max(1) as f64;
        eprintln!("audit holdout={holdout}: empty cells {empty}/{cells}");
        assert!(share <= 0.16, "empty cells {:.1} %", 100.0 * share);
    }
}

/// Without the mixing cost (`Params::mix_cost` 0) the link refinement puts whole task chapters of
/// the audit groups' pilot plans in one row (tuning half P 0.562, with it 0.828): the case the
/// cost exists for.
#[test]
fn audit_groups_need_the_mixing_cost() {
    let without = Params {
        mix_cost: 0.0,
        ..Params::default()
    };
    let (tune_without, _) = audit_scores(&without);
    let (tune, _) = audit_scores(&Params::default());
    eprintln!(
        "audit tuning half P without / with the mixing cost: {:.3} / {:.3}",
        tune_without.precision(),
        tune.precision()
    );
    assert!(tune_without.precision() < 0.65);
    assert!(tune.precision() > tune_without.precision() + 0.15);
}

/// Three fresh pairs (`tests/fixtures/alignment/fresh/`): pilot plans drawn at random from those
/// no other label set uses, labelled before any row of them was looked at and never tuned on.
/// Measured once (2026-12-02 ~13:45): unit metric P 1.000, R 0.820, F1 0.901 (task sections
/// alone: P 1.000, R 0.400, F1 0.571). Floors a little below; the oracle table scores perfectly.
#[test]
fn fresh_pairs_floors() {
    let (corpus, analysis) = setup();
    let dir = fixtures().join("fresh");
    let labels = Labels::load(&dir).unwrap();
    assert_eq!(labels.pairs.len(), 3, "fresh pairs");
    assert!(labels.pairs.iter().all(|p| p.plans.len() == 2 && p.holdout));
    let (splits, _) = evaluate(corpus, analysis, &labels, &Params::default(), Metric::Units);
    let s = splits
        .iter()
        .find(|(n, _)| n == "fresh holdout")
        .map(|(_, s)| *s)
        .expect("fresh holdout split");
    eprintln!(
        "fresh pairs: P={:.3} R={:.3} F1={:.3} (predicted {}, gold {})",
        s.precision(),
        s.recall(),
        s.f1(),
        s.predicted,
        s.gold
    );
    assert_eq!(s.unmatched, 0, "labelled sections missing from the outline");
    assert_eq!(s.pairs, 3);
    assert!(s.precision() >= 0.93, "P {:.3}", s.precision());
    assert!(s.recall() >= 0.78, "R {:.3}", s.recall());
    for pair in &labels.pairs {
        let idx = pair_plans(corpus, pair).unwrap();
        let oracle = oracle_rows(corpus, &labels, pair, &idx);
        let o = score_rows(corpus, &labels, pair, &idx, &oracle, Metric::Units);
        assert_eq!(o.correct, o.predicted, "{}: oracle", pair.pair_id);
        assert!(
            o.gold_found > 0,
            "{}: oracle finds gold pairs",
            pair.pair_id
        );
    }
}
