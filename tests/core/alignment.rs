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
use duizhao::align_eval::{Labels, evaluate};
use duizhao::comparison::{Comparison, Options, RowMode, Scope};
use duizhao::corpus::{Corpus, load_paths};
use duizhao::matching::Analysis;
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
    // 70.5 % partners in their own row; the floors sit a little below so a regression fails.
    assert!(empty <= 0.25, "empty cells {:.1} %", 100.0 * empty);
    assert!(share >= 0.68, "partners in own row {:.1} %", 100.0 * share);
    assert!(shared > 20, "the four plans share measures: {shared}");
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
    assert!(
        // Measured 16/18 with the issue-13 matcher.
        in_row as f64 >= 0.85 * shared as f64,
        "partners in own row {in_row}/{shared}"
    );
    // Sections linked by a shared measure sit in one row: 东丽（二）明确部门职责 and
    // 中北（二）明确任务分工 among them.
    let row_of = |col: usize, title: &str| {
        table
            .rows
            .iter()
            .position(|r| {
                r.cells[col]
                    .as_ref()
                    .is_some_and(|c| c.sections.iter().any(|s| s.title.contains(title)))
            })
            .unwrap_or_else(|| panic!("no section {title}"))
    };
    assert_eq!(row_of(0, "明确部门职责"), row_of(1, "明确任务分工"));
    assert_eq!(row_of(0, "推广智慧供暖"), row_of(1, "推广智慧供暖"));
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
    let mut several = 0;
    for (k, &pi) in compared.iter().enumerate() {
        let order: Vec<usize> = corpus.plans[pi]
            .all_sections()
            .iter()
            .map(|s| s.section_id)
            .collect();
        let pos = |sid: usize| order.iter().position(|&s| s == sid).unwrap();
        let kept: Vec<usize> = rows
            .iter()
            .filter(|r| !r.moved[k])
            .flat_map(|r| r.cells[k].iter().map(|&s| pos(s)))
            .collect();
        assert!(
            kept.windows(2).all(|w| w[0] < w[1]),
            "{}: column out of order outside moved cells",
            corpus.plans[pi].name
        );
        let moved = rows.iter().filter(|r| r.moved[k]).count();
        let filled = rows.iter().filter(|r| !r.cells[k].is_empty()).count();
        assert!(
            // At most a third of a column's cells leave its reading order (西咸新区: 4 of 12).
            moved * 3 <= filled,
            "{}: {moved} of {filled} cells moved",
            corpus.plans[pi].name
        );
        // A cell's sections are consecutive in reading order.
        for r in &rows {
            several += usize::from(r.cells[k].len() > 1);
            let p: Vec<usize> = r.cells[k].iter().map(|&s| pos(s)).collect();
            assert!(p.windows(2).all(|w| w[0] < w[1]));
        }
    }
    assert!(several > 0, "some cell holds several sections");
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
    let (splits, _) = evaluate(corpus, analysis, &labels, &Params::default());
    for (split, s) in &splits {
        eprintln!(
            "{split}: {} pairs P={:.3} R={:.3} F1={:.3} unmatched {}",
            s.pairs,
            s.precision(),
            s.recall(),
            s.f1(),
            s.unmatched
        );
    }
    let test = splits
        .iter()
        .find(|(n, _)| n == "test")
        .map(|(_, s)| *s)
        .expect("a test split");
    assert!(test.pairs >= 2, "test pairs: {}", test.pairs);
    assert!(
        test.precision() >= FLOOR_P,
        "test P {:.3}",
        test.precision()
    );
    assert!(test.recall() >= FLOOR_R, "test R {:.3}", test.recall());
}

/// Floors a little below the measured test figures (P 0.458, R 0.345, F1 0.393 on the five test
/// pairs; see docs/benchmarks.md). Issue 12's goal, F1 ≥ 0.85, is NOT reached.
const FLOOR_P: f64 = 0.42;
const FLOOR_R: f64 = 0.31;
