//! Table builders: the engine's results (comparison, measures, families, targets, coded
//! segments) as format-neutral [`Table`]s.
//!
//! Data tables (measures, families, targets, themes, segments) have short English snake_case
//! column names so they load cleanly into R, Stata or pandas; statuses are the same words the CLI
//! prints (`shared`, `unique`, `boilerplate`; `verbatim`, `paraphrase`). The comparison table is
//! for reading: its columns are the plans' names and its cells are marked lines (see
//! [`super::Mark`]). Rows come in corpus order, then reading order, so output is deterministic.

use std::collections::HashMap;

use super::model::{Cell, CellValue, ExportError, Line, Mark, Source, Table};
use crate::comparison::{CellMeasure, Comparison, Options, Scope, join_label};
use crate::matching::{Analysis, Status, Tier};
use crate::outline::Section;
use crate::plan::Plan;

/// Section path shown for measures of the preamble.
pub const PREAMBLE_PATH: &str = "（序言）";
pub use super::coding::PATH_SEPARATOR;
/// Separator between plan names in one cell.
pub const NAME_SEPARATOR: &str = "、";

/// The name of a status, as the CLI prints it.
pub fn status_name(status: Status) -> &'static str {
    match status {
        Status::Shared => "shared",
        Status::Unique => "unique",
        Status::Boilerplate => "boilerplate",
    }
}

/// The name of a tier, as the CLI prints it.
pub fn tier_name(tier: Tier) -> &'static str {
    match tier {
        Tier::Verbatim => "verbatim",
        Tier::Paraphrase => "paraphrase",
    }
}

/// The mark of a measure with this status, closest tier and number of other plans sharing it.
pub fn mark_of(status: Status, tier: Option<Tier>, plans_sharing: usize) -> Mark {
    match status {
        Status::Shared => Mark::Shared {
            verbatim: tier == Some(Tier::Verbatim),
            plans: plans_sharing,
        },
        Status::Unique => Mark::Unique,
        Status::Boilerplate => Mark::Boilerplate,
    }
}

fn check_plans(source: &Source, plans: &[usize]) -> Result<(), ExportError> {
    match plans.iter().find(|&&p| p >= source.corpus.plans.len()) {
        Some(&p) => Err(ExportError::NoSuchPlan(p)),
        None => Ok(()),
    }
}

/// The aligned comparison, the rows the compare view shows: first column the row's kind (目标,
/// 任务, …) or theme, then one column per compared plan, then the partners within the comparison.
/// A cell lists each of its sections' headings followed by its measures, each marked by its
/// scope in the comparison (shared with a compared plan, shared only outside it, unique,
/// boilerplate); the last column names, for each measure of the row shared with a compared plan,
/// its partners there (`东丽区 M3 ↔ 中北镇 M5`).
pub fn comparison(source: &Source) -> Result<Table, ExportError> {
    comparison_with(source, &Options::default())
}

/// [`comparison`] with a row mode (by structure or by theme) and pins.
pub fn comparison_with(source: &Source, options: &Options) -> Result<Table, ExportError> {
    if source.plans.len() < 2 {
        return Err(ExportError::TooFewPlans(source.plans.len()));
    }
    check_plans(source, source.plans)?;
    let cmp = Comparison::build_with(source.corpus, source.analysis, source.plans, options);
    let mut columns = vec![if cmp.by_theme { "主题" } else { "类别" }.to_owned()];
    columns.extend(cmp.columns.iter().map(|c| c.name.clone()));
    columns.push(COMPARED_PARTNERS_COLUMN.to_owned());
    let rows = cmp
        .rows
        .iter()
        .map(|row| {
            let mut cells = vec![Cell::text(row.label())];
            let mut partners: Vec<String> = Vec::new();
            for (col, cell) in cmp.columns.iter().zip(&row.cells) {
                let Some(c) = cell else {
                    cells.push(Cell::empty());
                    continue;
                };
                let mut lines = Vec::new();
                for (k, section) in c.sections.iter().enumerate() {
                    let mut heading = section.heading.clone();
                    if (section.moved || section.detached)
                        && let Some(parent) = &section.parent
                    {
                        heading = format!("{heading}（{parent}）");
                    }
                    lines.push(Line {
                        mark: Mark::Heading,
                        text: heading,
                    });
                    for m in c.measures.iter().filter(|m| m.section == k) {
                        lines.push(measure_line(m));
                        let others: Vec<String> = m
                            .partners
                            .iter()
                            .filter_map(|p| {
                                let name = &cmp.columns.get(p.column?)?.name;
                                Some(format!("{name} {}", p.measure_id))
                            })
                            .collect();
                        if !others.is_empty() {
                            partners.push(format!(
                                "{} {} ↔ {}",
                                col.name,
                                m.measure_id,
                                others.join(NAME_SEPARATOR)
                            ));
                        }
                    }
                }
                cells.push(Cell {
                    value: CellValue::Lines(lines),
                    mark: None,
                });
            }
            cells.push(if partners.is_empty() {
                Cell::empty()
            } else {
                Cell::text(partners.join("\n"))
            });
            cells
        })
        .collect();
    let names: Vec<&str> = cmp.columns.iter().map(|c| c.name.as_str()).collect();
    Ok(Table {
        name: "comparison".into(),
        title: format!(
            "{}：{}",
            if cmp.by_theme {
                "按主题对照"
            } else {
                "对照"
            },
            names.join(" / ")
        ),
        columns,
        rows,
    })
}

/// Name of the comparison table's last column.
pub const COMPARED_PARTNERS_COLUMN: &str = "对照内共有 compared partners";

/// The mark of a measure in a comparison: by its scope there.
pub fn scope_mark(m: &CellMeasure) -> Mark {
    match m.scope {
        Scope::Compared => Mark::Shared {
            verbatim: m
                .partners
                .iter()
                .filter(|p| p.column.is_some())
                .any(|p| p.tier == Tier::Verbatim),
            plans: {
                let mut cols: Vec<usize> = m.partners.iter().filter_map(|p| p.column).collect();
                cols.dedup();
                cols.len()
            },
        },
        Scope::Elsewhere => Mark::Elsewhere,
        Scope::Unique => Mark::Unique,
        Scope::Boilerplate => Mark::Boilerplate,
    }
}

fn measure_line(m: &CellMeasure) -> Line {
    Line {
        mark: scope_mark(m),
        text: m.text.clone(),
    }
}

/// Heading path of every section of a plan: `二、主要任务 > （三）推广智慧供暖`.
pub fn section_paths(plan: &Plan) -> HashMap<usize, String> {
    fn walk(s: &Section, prefix: &str, out: &mut HashMap<usize, String>) {
        let own = join_label(&s.label, &s.title);
        let path = if prefix.is_empty() {
            own
        } else {
            format!("{prefix}{PATH_SEPARATOR}{own}")
        };
        for c in &s.children {
            walk(c, &path, out);
        }
        out.insert(s.section_id, path);
    }
    let mut out = HashMap::new();
    for s in &plan.sections {
        walk(s, "", &mut out);
    }
    out
}

/// Plans (corpus indexes, sorted, without `plan`) sharing the measure at `flat`, and its closest
/// tier.
pub fn partners(analysis: &Analysis, flat: usize, plan: usize) -> (Vec<usize>, Option<Tier>) {
    let links = analysis.shared_links(flat);
    let mut plans: Vec<usize> = links
        .iter()
        .filter_map(|l| analysis.measures.get(l.other).map(|o| o.plan))
        .filter(|&p| p != plan)
        .collect();
    plans.sort_unstable();
    plans.dedup();
    (plans, links.iter().map(|l| l.tier).min())
}

/// Column names of the measures table.
pub const MEASURE_COLUMNS: [&str; 10] = [
    "plan",
    "measure_id",
    "section",
    "text",
    "status",
    "tier",
    "shared_with",
    "shared_plans",
    "family",
    "family_plans",
];

/// One row per measure of the selected plans: plan, measure id, section path, text, status,
/// closest tier, names of the plans sharing it, their number, family id and the number of plans
/// in the family.
pub fn measures(source: &Source) -> Result<Table, ExportError> {
    let selected = source.selected();
    check_plans(source, &selected)?;
    let (corpus, analysis) = (source.corpus, source.analysis);
    let mut rows = Vec::new();
    for &pi in &selected {
        let Some(plan) = corpus.plans.get(pi) else {
            continue;
        };
        let paths = section_paths(plan);
        for m in plan.measures() {
            let flat = analysis.flat_index(pi, m.index);
            let status = flat
                .and_then(|f| analysis.status.get(f).copied())
                .unwrap_or(Status::Unique);
            let (others, tier) = flat.map(|f| partners(analysis, f, pi)).unwrap_or_default();
            let mark = mark_of(status, tier, others.len());
            let family = flat.and_then(|f| analysis.family_of.get(f).copied().flatten());
            let family_plans = family
                .and_then(|id| analysis.families.get(id))
                .map(|f| f.plans.len());
            let names: Vec<&str> = others
                .iter()
                .filter_map(|&p| corpus.plans.get(p).map(|q| q.name.as_str()))
                .collect();
            let section = match m.section_id {
                None => PREAMBLE_PATH.to_owned(),
                Some(sid) => paths.get(&sid).cloned().unwrap_or_default(),
            };
            rows.push(vec![
                Cell::text(&plan.name),
                Cell::text(&m.measure_id),
                Cell::text(section),
                Cell::text(&m.text).marked(mark),
                Cell::text(status_name(status)).marked(mark),
                tier.filter(|_| status == Status::Shared)
                    .map_or_else(Cell::empty, |t| Cell::text(tier_name(t))),
                Cell::text(names.join(NAME_SEPARATOR)),
                Cell::number(others.len() as f64),
                family.map_or_else(Cell::empty, |f| Cell::number(f as f64)),
                family_plans.map_or_else(Cell::empty, |n| Cell::number(n as f64)),
            ]);
        }
    }
    Ok(Table::fixed("measures", "措施", &MEASURE_COLUMNS, rows))
}

/// Column names of the families table.
pub const FAMILY_COLUMNS: [&str; 5] = [
    "family",
    "plan_count",
    "measures",
    "representative",
    "plans",
];

/// One row per measure family (most widely adopted first) that reaches a selected plan:
/// family id, number of plans adopting it, number of member measures, the representative
/// measure's text, and the adopting plans' names.
pub fn families(source: &Source) -> Result<Table, ExportError> {
    let selected = source.selected();
    check_plans(source, &selected)?;
    let all = source.plans.is_empty();
    let (corpus, analysis) = (source.corpus, source.analysis);
    let text_of = |flat: usize| {
        analysis
            .measures
            .get(flat)
            .and_then(|m| {
                corpus
                    .plans
                    .get(m.plan)
                    .and_then(|p| p.measures().get(m.index).map(|x| x.text.clone()))
            })
            .unwrap_or_default()
    };
    let rows = analysis
        .families
        .iter()
        .filter(|f| all || f.plans.iter().any(|p| selected.contains(p)))
        .map(|f| {
            let names: Vec<&str> = f
                .plans
                .iter()
                .filter_map(|&p| corpus.plans.get(p).map(|q| q.name.as_str()))
                .collect();
            // Verbatim when any two members are near-identical.
            let verbatim = f.members.iter().any(|&m| {
                analysis
                    .shared_links(m)
                    .iter()
                    .any(|l| l.tier == Tier::Verbatim)
            });
            let mark = Mark::Shared {
                verbatim,
                plans: f.plans.len().saturating_sub(1),
            };
            vec![
                Cell::number(f.family_id as f64),
                Cell::number(f.plans.len() as f64).marked(mark),
                Cell::number(f.members.len() as f64),
                Cell::text(text_of(f.representative)),
                Cell::text(names.join(NAME_SEPARATOR)),
            ]
        })
        .collect();
    Ok(Table::fixed("families", "措施家族", &FAMILY_COLUMNS, rows))
}

/// Column names of the targets table.
pub const TARGET_COLUMNS: [&str; 9] = [
    "plan",
    "indicator",
    "year",
    "value",
    "unit",
    "comparator",
    "value_text",
    "measure_id",
    "sentence",
];

/// Quantitative targets of the selected plans, as [`crate::targets::extract_targets`] finds them.
pub fn targets(source: &Source) -> Result<Table, ExportError> {
    let selected = source.selected();
    check_plans(source, &selected)?;
    let rows = selected
        .iter()
        .filter_map(|&pi| source.corpus.plans.get(pi))
        .flat_map(crate::targets::extract_targets)
        .map(|t| {
            vec![
                Cell::text(t.plan),
                Cell::text(t.indicator),
                t.year
                    .map_or_else(Cell::empty, |y| Cell::number(f64::from(y))),
                Cell::number(t.value),
                Cell::text(t.unit),
                Cell::text(t.comparator),
                Cell::text(t.value_text),
                Cell::text(t.measure_id),
                Cell::text(t.sentence),
            ]
        })
        .collect();
    Ok(Table::fixed("targets", "量化目标", &TARGET_COLUMNS, rows))
}

/// Theme × plan matrix as the app counts it ([`crate::themes::Matrix`]): one row per theme in
/// tree order (each parent followed by its children, labelled with its path), one column per
/// selected plan, each cell the number of distinct segments coded with the theme (a parent: with
/// any theme of its subtree) in that plan; then the row total.
pub fn themes(source: &Source) -> Result<Table, ExportError> {
    let coding = source.coding.ok_or(ExportError::NeedsCoding("themes"))?;
    let selected = source.selected();
    check_plans(source, &selected)?;
    let plans: Vec<&Plan> = selected
        .iter()
        .filter_map(|&p| source.corpus.plans.get(p))
        .collect();
    let owned: Vec<Plan> = plans.iter().map(|p| (*p).clone()).collect();
    let matrix =
        crate::themes::Matrix::build(&coding.codebook(), &owned, &coding.matrix_segments(&plans));
    let mut columns = vec!["theme".to_owned()];
    columns.extend(matrix.plan_names.iter().cloned());
    columns.push("total".to_owned());
    let paths = coding.theme_paths();
    let rows = matrix
        .themes
        .iter()
        .zip(&matrix.counts)
        .map(|(theme_id, counts)| {
            let mut row = vec![Cell::text(paths.get(theme_id).cloned().unwrap_or_default())];
            row.extend(counts.iter().map(|&n| Cell::number(n as f64)));
            row.push(Cell::number(counts.iter().sum::<usize>() as f64));
            row
        })
        .collect();
    Ok(Table {
        name: "themes".into(),
        title: "主题 × 规划".into(),
        columns,
        rows,
    })
}

/// Column names of the segments table.
pub const SEGMENT_COLUMNS: [&str; 7] = ["theme", "plan", "section", "start", "end", "text", "memo"];

/// Columns of the segments table after [`SEGMENT_COLUMNS`] and [`PLAN_ATTRIBUTE_COLUMNS`]; then
/// come `theme_1 … theme_N`, the theme path split.
pub const SEGMENT_EXTRA_COLUMNS: [&str; 3] = ["measure_id", "theme_id", "coder"];

/// Coded segments of the selected plans: theme path, plan, section path, code-point range in
/// the plan's text, the quoted text and the memo; then, for statistics, the plan's attributes
/// ([`PLAN_ATTRIBUTE_COLUMNS`]), the measure, theme id and coder ([`SEGMENT_EXTRA_COLUMNS`]) and
/// the theme path split into `theme_1 … theme_N`. Ordered by plan (corpus order) then position.
pub fn segments(source: &Source) -> Result<Table, ExportError> {
    let coding = source.coding.ok_or(ExportError::NeedsCoding("segments"))?;
    let selected = source.selected();
    check_plans(source, &selected)?;
    let theme_paths = coding.theme_paths();
    let (levels, depth) = theme_levels(coding);
    let mut rows = Vec::new();
    for &pi in &selected {
        let Some(plan) = source.corpus.plans.get(pi) else {
            continue;
        };
        let text = plan.original_text();
        let starts = char_starts(text);
        let paths = section_paths(plan);
        let mut segs: Vec<(usize, &super::coding::CodedSegment)> = coding
            .segments
            .iter()
            .enumerate()
            .filter(|(_, s)| s.plan_id == plan.plan_id)
            .collect();
        segs.sort_by_key(|(i, s)| (s.char_range.start, s.char_range.end, *i));
        for (index, seg) in segs {
            let quote = slice_chars(text, &starts, seg.char_range.clone()).ok_or_else(|| {
                ExportError::BadSegment {
                    index,
                    reason: format!(
                        "characters {}..{} are outside {} ({} characters)",
                        seg.char_range.start,
                        seg.char_range.end,
                        plan.name,
                        starts.len().saturating_sub(1)
                    ),
                }
            })?;
            let byte_start = starts
                .get(seg.char_range.start)
                .map_or(0, |b| b + plan.span.start);
            let section = plan
                .all_sections()
                .into_iter()
                .filter(|s| s.span.contains(&byte_start))
                .max_by_key(|s| s.level)
                .and_then(|s| paths.get(&s.section_id).cloned())
                .unwrap_or_else(|| PREAMBLE_PATH.to_owned());
            rows.push(vec![
                Cell::text(theme_paths.get(&seg.theme_id).cloned().unwrap_or_default()),
                Cell::text(&plan.name),
                Cell::text(section),
                Cell::number(seg.char_range.start as f64),
                Cell::number(seg.char_range.end as f64),
                Cell::text(quote),
                Cell::text(seg.memo.clone().unwrap_or_default()),
            ]);
            // For statistics: the plan's attributes, the measure, the coder and the theme
            // path split into columns.
            if let Some(row) = rows.last_mut() {
                row.extend(plan_attributes(plan));
                let measure_id = place_of(plan, seg).and_then(|(_, m, _)| m);
                row.push(measure_id.map_or_else(Cell::empty, Cell::text));
                row.push(Cell::text(&seg.theme_id));
                row.push(Cell::text(seg.coder.clone().unwrap_or_default()));
                row.extend(level_cells(&levels, &seg.theme_id, depth));
            }
        }
    }
    let mut columns: Vec<String> = SEGMENT_COLUMNS.iter().map(|s| (*s).to_owned()).collect();
    columns.extend(PLAN_ATTRIBUTE_COLUMNS.iter().map(|s| (*s).to_owned()));
    columns.extend(SEGMENT_EXTRA_COLUMNS.iter().map(|s| (*s).to_owned()));
    columns.extend(level_columns(depth));
    Ok(Table {
        name: "segments".into(),
        title: "编码片段".into(),
        columns,
        rows,
    })
}

pub use crate::chars::char_starts;

/// The characters `range` (code points) of `text`, given its [`char_starts`].
pub fn slice_chars<'a>(
    text: &'a str,
    starts: &[usize],
    range: std::ops::Range<usize>,
) -> Option<&'a str> {
    if range.start > range.end {
        return None;
    }
    let (a, b) = (*starts.get(range.start)?, *starts.get(range.end)?);
    text.get(a..b)
}

// ---- Tables for statistics (theme × plan, segments with attributes, memos, agreement) ----

/// Columns describing a plan in the tables for statistics, after its name.
pub const PLAN_ATTRIBUTE_COLUMNS: [&str; 5] = ["plan_id", "province", "level", "date", "file"];

/// The plan attribute cells, in [`PLAN_ATTRIBUTE_COLUMNS`] order.
pub fn plan_attributes(plan: &Plan) -> Vec<Cell> {
    let opt = |s: &Option<String>| s.as_deref().map_or_else(Cell::empty, Cell::text);
    vec![
        Cell::text(&plan.plan_id),
        opt(&plan.province),
        opt(&plan.level),
        opt(&plan.meta.date),
        Cell::text(&plan.source),
    ]
}

/// Each theme's path as its names from the root down, and the deepest path's length.
pub fn theme_levels(coding: &super::coding::Coding) -> (HashMap<String, Vec<String>>, usize) {
    let sep = PATH_SEPARATOR;
    let levels: HashMap<String, Vec<String>> = coding
        .theme_paths()
        .into_iter()
        .map(|(id, path)| (id, path.split(sep).map(str::to_owned).collect()))
        .collect();
    let depth = levels.values().map(Vec::len).max().unwrap_or(1).max(1);
    (levels, depth)
}

/// `theme_1 … theme_depth` column names.
fn level_columns(depth: usize) -> Vec<String> {
    (1..=depth).map(|k| format!("theme_{k}")).collect()
}

/// The theme path split into `depth` cells (empty below a shallower theme).
fn level_cells(levels: &HashMap<String, Vec<String>>, theme_id: &str, depth: usize) -> Vec<Cell> {
    let names = levels.get(theme_id);
    (0..depth)
        .map(|k| {
            names
                .and_then(|n| n.get(k))
                .map_or_else(Cell::empty, Cell::text)
        })
        .collect()
}

/// The selected plans and the theme matrix over them (as [`themes`] counts it).
fn matrix_of<'a>(
    source: &Source<'a>,
    coding: &super::coding::Coding,
) -> Result<(Vec<&'a Plan>, crate::themes::Matrix), ExportError> {
    let selected = source.selected();
    check_plans(source, &selected)?;
    let plans: Vec<&Plan> = selected
        .iter()
        .filter_map(|&p| source.corpus.plans.get(p))
        .collect();
    let owned: Vec<Plan> = plans.iter().map(|p| (*p).clone()).collect();
    let matrix =
        crate::themes::Matrix::build(&coding.codebook(), &owned, &coding.matrix_segments(&plans));
    Ok((plans, matrix))
}

/// One row per selected plan (name, then [`PLAN_ATTRIBUTE_COLUMNS`]), one column per theme in
/// tree order headed by its path; each cell the theme's count in the plan as in [`themes`], or
/// with `presence` 1 when that count is above 0 and 0 otherwise.
pub fn theme_wide(source: &Source, presence: bool) -> Result<Table, ExportError> {
    let name = if presence {
        "theme_presence"
    } else {
        "theme_counts"
    };
    let coding = source.coding.ok_or(ExportError::NeedsCoding(name))?;
    let (plans, matrix) = matrix_of(source, coding)?;
    let paths = coding.theme_paths();
    let mut columns = vec!["plan".to_owned()];
    columns.extend(PLAN_ATTRIBUTE_COLUMNS.iter().map(|s| (*s).to_owned()));
    columns.extend(
        matrix
            .themes
            .iter()
            .map(|t| paths.get(t).cloned().unwrap_or_else(|| t.clone())),
    );
    let rows = plans
        .iter()
        .enumerate()
        .map(|(pi, plan)| {
            let mut row = vec![Cell::text(&plan.name)];
            row.extend(plan_attributes(plan));
            row.extend(matrix.counts.iter().map(|counts| {
                let n = counts.get(pi).copied().unwrap_or(0);
                Cell::number(if presence {
                    f64::from(u8::from(n > 0))
                } else {
                    n as f64
                })
            }));
            row
        })
        .collect();
    Ok(Table {
        name: name.into(),
        title: if presence {
            "主题 × 规划（有无 0/1）".into()
        } else {
            "主题 × 规划（计数）".into()
        },
        columns,
        rows,
    })
}

/// The theme × plan matrix in long form, one row per plan and theme: plan, its attributes,
/// theme id, the theme path split into `theme_1 … theme_N`, count and presence (0/1).
pub fn theme_plan(source: &Source) -> Result<Table, ExportError> {
    let coding = source
        .coding
        .ok_or(ExportError::NeedsCoding("theme_plan"))?;
    let (plans, matrix) = matrix_of(source, coding)?;
    let (levels, depth) = theme_levels(coding);
    let mut columns = vec!["plan".to_owned()];
    columns.extend(PLAN_ATTRIBUTE_COLUMNS.iter().map(|s| (*s).to_owned()));
    columns.push("theme_id".to_owned());
    columns.extend(level_columns(depth));
    columns.extend(["count".to_owned(), "present".to_owned()]);
    let mut rows = Vec::new();
    for (pi, plan) in plans.iter().enumerate() {
        for (theme_id, counts) in matrix.themes.iter().zip(&matrix.counts) {
            let n = counts.get(pi).copied().unwrap_or(0);
            let mut row = vec![Cell::text(&plan.name)];
            row.extend(plan_attributes(plan));
            row.push(Cell::text(theme_id));
            row.extend(level_cells(&levels, theme_id, depth));
            row.push(Cell::number(n as f64));
            row.push(Cell::number(f64::from(u8::from(n > 0))));
            rows.push(row);
        }
    }
    Ok(Table {
        name: "theme_plan".into(),
        title: "主题 × 规划（长表）".into(),
        columns,
        rows,
    })
}

/// Where a segment sits: its plan, the byte offset of its start in the plan's text, its
/// measure id (given, or the measure holding its start) and its section path.
fn place_of(
    plan: &Plan,
    seg: &super::coding::CodedSegment,
) -> Option<(usize, Option<String>, String)> {
    let starts = char_starts(plan.original_text());
    let start = *starts.get(seg.char_range.start)?;
    let measure_id = seg
        .measure_id
        .clone()
        .or_else(|| crate::agreement::measure_at(plan, start));
    let paths = section_paths(plan);
    let abs = start + plan.span.start;
    let section = plan
        .all_sections()
        .into_iter()
        .filter(|s| s.span.contains(&abs))
        .max_by_key(|s| s.level)
        .and_then(|s| paths.get(&s.section_id).cloned())
        .unwrap_or_else(|| PREAMBLE_PATH.to_owned());
    Some((start, measure_id, section))
}

/// Column names of the memos table.
pub const MEMO_COLUMNS: [&str; 9] = [
    "plan",
    "plan_id",
    "measure_id",
    "section",
    "theme_id",
    "theme",
    "coder",
    "memo",
    "text",
];

/// Every memo of the selected plans with its plan, measure, section, theme, coder and the
/// coded text; ordered by plan (corpus order) then position.
pub fn memos(source: &Source) -> Result<Table, ExportError> {
    let coding = source.coding.ok_or(ExportError::NeedsCoding("memos"))?;
    let selected = source.selected();
    check_plans(source, &selected)?;
    let theme_paths = coding.theme_paths();
    let mut rows = Vec::new();
    for &pi in &selected {
        let Some(plan) = source.corpus.plans.get(pi) else {
            continue;
        };
        let text = plan.original_text();
        let starts = char_starts(text);
        let mut segs: Vec<(usize, &super::coding::CodedSegment)> = coding
            .segments
            .iter()
            .enumerate()
            .filter(|(_, s)| {
                s.plan_id == plan.plan_id && s.memo.as_ref().is_some_and(|m| !m.is_empty())
            })
            .collect();
        segs.sort_by_key(|(i, s)| (s.char_range.start, s.char_range.end, *i));
        for (index, seg) in segs {
            let bad = || ExportError::BadSegment {
                index,
                reason: format!(
                    "characters {}..{} are outside {}",
                    seg.char_range.start, seg.char_range.end, plan.name
                ),
            };
            let quote = slice_chars(text, &starts, seg.char_range.clone()).ok_or_else(bad)?;
            let (_, measure_id, section) = place_of(plan, seg).ok_or_else(bad)?;
            rows.push(vec![
                Cell::text(&plan.name),
                Cell::text(&plan.plan_id),
                measure_id.map_or_else(Cell::empty, Cell::text),
                Cell::text(section),
                Cell::text(&seg.theme_id),
                Cell::text(theme_paths.get(&seg.theme_id).cloned().unwrap_or_default()),
                Cell::text(seg.coder.clone().unwrap_or_default()),
                Cell::text(seg.memo.clone().unwrap_or_default()),
                Cell::text(quote),
            ]);
        }
    }
    Ok(Table::fixed("memos", "备注", &MEMO_COLUMNS, rows))
}

/// The coded segments as agreement input: one theme by one coder on one measure (segments on no
/// measure are left out).
pub fn coded_measures(
    source: &Source,
    coding: &super::coding::Coding,
) -> Vec<crate::agreement::CodedMeasure> {
    let plans: HashMap<&str, &Plan> = source
        .corpus
        .plans
        .iter()
        .map(|p| (p.plan_id.as_str(), p))
        .collect();
    coding
        .segments
        .iter()
        .filter_map(|seg| {
            let plan = plans.get(seg.plan_id.as_str())?;
            let (_, measure_id, _) = place_of(plan, seg)?;
            Some(crate::agreement::CodedMeasure {
                coder: seg.coder.clone().unwrap_or_default(),
                theme_id: seg.theme_id.clone(),
                plan_id: seg.plan_id.clone(),
                measure_id: measure_id?,
            })
        })
        .collect()
}

/// Column names of the agreement table.
pub const AGREEMENT_COLUMNS: [&str; 9] = [
    "scope",
    "id",
    "name",
    "coders",
    "units",
    "disagreements",
    "percent_agreement",
    "cohen_kappa",
    "krippendorff_alpha",
];

/// Agreement between the coders of the coding over the selected plans
/// ([`crate::agreement::agreement`]): overall, per theme, per plan; an undefined coefficient is
/// an empty cell.
pub fn agreement(source: &Source) -> Result<Table, ExportError> {
    let coding = source.coding.ok_or(ExportError::NeedsCoding("agreement"))?;
    let selected = source.selected();
    check_plans(source, &selected)?;
    let plans: Vec<Plan> = selected
        .iter()
        .filter_map(|&p| source.corpus.plans.get(p).cloned())
        .collect();
    let coded = coded_measures(source, coding);
    let report = crate::agreement::agreement(&coding.codebook(), &plans, &coded);
    agreement_table(&report)
}

/// An agreement report as a table.
pub fn agreement_table(report: &crate::agreement::AgreementReport) -> Result<Table, ExportError> {
    let coders = report.coders.join(NAME_SEPARATOR);
    let num = |x: Option<f64>| x.map_or_else(Cell::empty, Cell::number);
    let rows = report
        .figures
        .iter()
        .map(|f| {
            vec![
                Cell::text(f.scope),
                Cell::text(&f.id),
                Cell::text(&f.name),
                Cell::text(&coders),
                Cell::number(f.units as f64),
                Cell::number(f.disagreements as f64),
                num(f.percent),
                num(f.kappa),
                num(f.alpha),
            ]
        })
        .collect();
    Ok(Table::fixed(
        "agreement",
        "编码者一致性",
        &AGREEMENT_COLUMNS,
        rows,
    ))
}

/// Columns of the reuse table.
pub const REUSE_COLUMNS: [&str; 10] = [
    "plan",
    "plan_id",
    "rank",
    "source_plan",
    "source_plan_id",
    "share_pct",
    "found_chars",
    "total_chars",
    "measures_touched",
    "passages",
];

/// Passages listed per source in the reuse table (longest first; the CLI's JSON has them all).
pub const REUSE_PASSAGES_LISTED: usize = 20;

/// Reuse: for each chosen plan (never the whole corpus: each plan is compared with every other),
/// one row per other plan holding some of its text word for word, most-copied first — share of
/// its content characters found ([`crate::reuse`]), characters, measures touched, and the
/// longest passages (`measure ← measure of the source: text`).
pub fn reuse(source: &Source) -> Result<Table, ExportError> {
    if source.plans.is_empty() {
        return Err(ExportError::ReuseNeedsPlans);
    }
    check_plans(source, source.plans)?;
    let plans = &source.corpus.plans;
    let mut rows = Vec::new();
    for &a in source.plans {
        let Some(report) = crate::reuse::reuse_report(plans, a) else {
            continue;
        };
        for (rank, r) in report.rows.iter().enumerate() {
            let mut lines: Vec<String> = r
                .passages
                .iter()
                .take(REUSE_PASSAGES_LISTED)
                .map(|x| {
                    let text: String = x
                        .text
                        .chars()
                        .map(|c| if c.is_whitespace() { ' ' } else { c })
                        .collect();
                    format!("{} ← {}: {}", x.measure_id, x.other_measure_id, text)
                })
                .collect();
            if r.passages.len() > REUSE_PASSAGES_LISTED {
                lines.push(format!("… +{}", r.passages.len() - REUSE_PASSAGES_LISTED));
            }
            rows.push(vec![
                Cell::text(report.name.clone()),
                Cell::text(report.plan_id.clone()),
                Cell::number((rank + 1) as f64),
                Cell::text(r.name.clone()),
                Cell::text(r.plan_id.clone()),
                Cell::number((r.share * 1000.0).round() / 10.0),
                Cell::number(r.found_chars as f64),
                Cell::number(report.total_chars as f64),
                Cell::number(r.measures_touched as f64),
                Cell::text(lines.join("\n")),
            ]);
        }
    }
    Ok(Table::fixed(
        "reuse",
        "文本复用（逐字相同的文字占比）",
        &REUSE_COLUMNS,
        rows,
    ))
}
