//! The aligned comparison as a table: one column per compared plan, one row per group of
//! comparable sections as [`crate::align::align`] lines them up, each cell holding its section's
//! heading and measures with their status in the corpus (shared, unique, boilerplate).
//!
//! This is the view-model the compare view paints and the exporters write; it holds plain data
//! and no drawing.

use crate::align::align;
use crate::corpus::Corpus;
use crate::matching::{Analysis, Status, Tier};
use crate::measure::Measure;
use crate::outline::SectionKind;
use crate::plan::Plan;

/// Measures shown in a cell: a top-level section that was split into its sub-sections shows only
/// its own measures; any other section shows everything under it.
pub fn cell_measures(plan: &Plan, section_id: usize) -> Vec<&Measure> {
    for top in &plan.sections {
        if top.section_id == section_id {
            // A top-level section's cell holds its own measures: its sub-sections, if any, are
            // cells of their own (see `align::units`).
            return top.measures.iter().collect();
        }
        for s in top.walk() {
            if s.section_id == section_id {
                return s
                    .walk()
                    .into_iter()
                    .flat_map(|x| x.measures.iter())
                    .collect();
            }
        }
    }
    Vec::new()
}

/// One compared plan: a column.
#[derive(Debug, Clone)]
pub struct Column {
    /// Index of the plan in the corpus.
    pub plan_index: usize,
    /// Its name.
    pub name: String,
    /// Province · level, whichever are known.
    pub place: String,
    /// Its shared measures (in the whole plan).
    pub shared: usize,
    /// Its unique measures.
    pub unique: usize,
    /// Its boilerplate measures.
    pub boilerplate: usize,
}

/// A measure in a cell.
#[derive(Debug, Clone)]
pub struct CellMeasure {
    /// Its number in its plan (1-based).
    pub number: usize,
    /// Its text.
    pub text: String,
    /// Its flat index in the analysis.
    pub flat: Option<usize>,
    /// Shared, unique or boilerplate.
    pub status: Status,
    /// The closest tier of its shared partners (`None` unless shared).
    pub tier: Option<Tier>,
    /// Number of other plans sharing it.
    pub plans_sharing: usize,
    /// Whether another compared plan shares it.
    pub shared_in_comparison: bool,
}

/// One plan's section in a row.
#[derive(Debug, Clone)]
pub struct Cell {
    /// Section id in its plan.
    pub section_id: usize,
    /// Numbering label and title (`（三）推广智慧供暖`).
    pub heading: String,
    /// Its measures, as [`cell_measures`] gives them.
    pub measures: Vec<CellMeasure>,
}

/// One aligned row.
#[derive(Debug, Clone)]
pub struct CompareRow {
    /// Kind of the row.
    pub kind: SectionKind,
    /// One cell per column; `None` where the plan has no counterpart.
    pub cells: Vec<Option<Cell>>,
}

/// The aligned table of the compared plans.
#[derive(Debug, Clone, Default)]
pub struct Comparison {
    /// The compared plans, in column order.
    pub columns: Vec<Column>,
    /// The rows.
    pub rows: Vec<CompareRow>,
}

impl Comparison {
    /// Align the plans `compared` (corpus indexes) and gather each cell's measures and statuses.
    pub fn build(corpus: &Corpus, analysis: &Analysis, compared: &[usize]) -> Self {
        let columns = compared
            .iter()
            .filter_map(|&pi| corpus.plans.get(pi).map(|p| column(p, pi, analysis)))
            .collect();
        let rows = align(&corpus.plans, compared, analysis, &[])
            .into_iter()
            .map(|row| CompareRow {
                kind: row.kind,
                cells: row
                    .cells
                    .iter()
                    .zip(compared)
                    .map(|(cell, &pi)| {
                        let plan = corpus.plans.get(pi)?;
                        cell.map(|sid| build_cell(plan, pi, sid, analysis, compared))
                    })
                    .collect(),
            })
            .collect();
        Comparison { columns, rows }
    }

    /// The first row with a cell whose heading contains `text`.
    pub fn row_with_heading(&self, text: &str) -> Option<&CompareRow> {
        self.rows
            .iter()
            .find(|r| r.cells.iter().flatten().any(|c| c.heading.contains(text)))
    }
}

fn column(plan: &Plan, plan_index: usize, analysis: &Analysis) -> Column {
    let mut counts = [0usize; 3];
    let start = analysis.plan_offsets.get(plan_index).copied().unwrap_or(0);
    let end = analysis
        .plan_offsets
        .get(plan_index + 1)
        .copied()
        .unwrap_or(start);
    for status in analysis.status.get(start..end).unwrap_or(&[]) {
        let k = match status {
            Status::Shared => 0,
            Status::Unique => 1,
            Status::Boilerplate => 2,
        };
        counts[k] += 1;
    }
    let place: Vec<&str> = [plan.province.as_deref(), plan.level.as_deref()]
        .into_iter()
        .flatten()
        .collect();
    Column {
        plan_index,
        name: plan.name.clone(),
        place: place.join(" · "),
        shared: counts[0],
        unique: counts[1],
        boilerplate: counts[2],
    }
}

fn build_cell(
    plan: &Plan,
    plan_index: usize,
    section_id: usize,
    analysis: &Analysis,
    compared: &[usize],
) -> Cell {
    let heading = plan
        .all_sections()
        .into_iter()
        .find(|s| s.section_id == section_id)
        .map(|s| join_label(&s.label, &s.title))
        .unwrap_or_default();
    let measures = cell_measures(plan, section_id)
        .into_iter()
        .map(|m| {
            let flat = analysis.flat_index(plan_index, m.index);
            let status = flat
                .and_then(|f| analysis.status.get(f).copied())
                .unwrap_or(Status::Unique);
            let links = flat.map(|f| analysis.shared_links(f)).unwrap_or_default();
            let mut plans: Vec<usize> = links
                .iter()
                .filter_map(|l| analysis.measures.get(l.other).map(|o| o.plan))
                .filter(|&p| p != plan_index)
                .collect();
            plans.sort_unstable();
            plans.dedup();
            CellMeasure {
                number: m.index + 1,
                text: m.text.clone(),
                flat,
                status,
                tier: links.iter().map(|l| l.tier).min(),
                plans_sharing: plans.len(),
                shared_in_comparison: plans.iter().any(|p| compared.contains(p)),
            }
        })
        .collect();
    Cell {
        section_id,
        heading,
        measures,
    }
}

/// `一、` + `指导思想` → `一、指导思想`; `1.` + `强化…` → `1. 强化…`.
pub fn join_label(label: &str, title: &str) -> String {
    if label.is_empty() {
        title.to_owned()
    } else if title.is_empty() {
        label.to_owned()
    } else if label.ends_with(|c: char| c.is_ascii_punctuation()) {
        format!("{label} {title}")
    } else {
        format!("{label}{title}")
    }
}
