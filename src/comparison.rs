//! The aligned comparison as a table: one column per compared plan, one row per group of
//! comparable sections as [`crate::align::align`] lines them up, each cell holding its section's
//! heading and measures with their status in the corpus (shared, unique, boilerplate).
//!
//! This is the view-model the compare view paints and the exporters write; it holds plain data
//! and no drawing.

use std::collections::{HashMap, HashSet};
use std::ops::Range;

use crate::align::align;
use crate::corpus::Corpus;
use crate::matching::{Analysis, Status, Tier};
use crate::measure::Measure;
use crate::outline::SectionKind;
use crate::plan::Plan;
use crate::tokenize::Tokenizer;

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
    /// Its index within its plan's `measures()`.
    pub measure_index: usize,
    /// Its text (original script).
    pub text: String,
    /// Its normalised text (simplified, half-width).
    pub norm: String,
    /// Key terms in `norm` (byte ranges), marked shared with another cell of the row or
    /// distinctive of this cell; see [`Comparison::build`].
    pub terms: Vec<(Range<usize>, TermMark)>,
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

/// The key terms of one measure: byte range in its norm and term id.
type MeasureTerms = Vec<(Range<usize>, u32)>;

/// How a key term of a measure relates to the other cells of its row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TermMark {
    /// Another compared plan's cell in the same row uses it too.
    Shared,
    /// Only this cell of the row uses it, and few plans of the corpus do.
    Distinctive,
}

/// Where a measure sits in the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct MeasurePos {
    /// Row index.
    pub row: usize,
    /// Column index.
    pub col: usize,
    /// Index of the measure within the cell.
    pub k: usize,
}

/// One plan's section in a row.
#[derive(Debug, Clone)]
pub struct Cell {
    /// Section id in its plan.
    pub section_id: usize,
    /// Numbering label and title (`（三）推广智慧供暖`).
    pub heading: String,
    /// The whole section as a byte range of its plan's own text (`Plan::original_text`), for
    /// tagging the section.
    pub passage: Option<Range<usize>>,
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
    /// Where each measure (by flat index) is shown.
    positions: HashMap<usize, MeasurePos>,
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
        let mut table = Comparison {
            columns,
            rows,
            positions: HashMap::new(),
        };
        table.mark_terms(analysis);
        for (r, row) in table.rows.iter().enumerate() {
            for (c, cell) in row.cells.iter().enumerate() {
                for (k, m) in cell.iter().flat_map(|x| x.measures.iter()).enumerate() {
                    if let Some(f) = m.flat {
                        table.positions.insert(f, MeasurePos { row: r, col: c, k });
                    }
                }
            }
        }
        table
    }

    /// Mark each measure's key terms: shared with another cell of its row, or distinctive (only
    /// this cell of the row has it and at most a quarter of the corpus's plans use it).
    fn mark_terms(&mut self, analysis: &Analysis) {
        let tokenizer = Tokenizer::global();
        let rare = (analysis.plan_count / 4).max(2) as u32;
        for row in &mut self.rows {
            // Terms of each cell, by byte range in each measure's norm.
            let cell_terms: Vec<Vec<MeasureTerms>> = row
                .cells
                .iter()
                .map(|cell| {
                    cell.iter()
                        .flat_map(|c| c.measures.iter())
                        .map(|m| {
                            let base = m.norm.as_ptr() as usize;
                            tokenizer
                                .terms(&m.norm)
                                .into_iter()
                                .filter(|w| w.chars().count() >= 2)
                                .filter_map(|w| {
                                    let start = w.as_ptr() as usize - base;
                                    analysis.term_id(w).map(|t| (start..start + w.len(), t))
                                })
                                .collect()
                        })
                        .collect()
                })
                .collect();
            let sets: Vec<HashSet<u32>> = cell_terms
                .iter()
                .map(|ms| ms.iter().flatten().map(|(_, t)| *t).collect())
                .collect();
            for (c, cell) in row.cells.iter_mut().enumerate() {
                let Some(cell) = cell else { continue };
                for (m, terms) in cell
                    .measures
                    .iter_mut()
                    .zip(cell_terms.get(c).into_iter().flatten())
                {
                    m.terms = terms
                        .iter()
                        .filter_map(|(range, t)| {
                            let elsewhere = sets
                                .iter()
                                .enumerate()
                                .any(|(o, set)| o != c && set.contains(t));
                            if elsewhere {
                                Some((range.clone(), TermMark::Shared))
                            } else if analysis
                                .plan_df
                                .get(*t as usize)
                                .is_some_and(|&df| df <= rare)
                            {
                                Some((range.clone(), TermMark::Distinctive))
                            } else {
                                None
                            }
                        })
                        .collect();
                }
            }
        }
    }

    /// The measure at `pos`.
    pub fn measure(&self, pos: MeasurePos) -> Option<&CellMeasure> {
        self.rows
            .get(pos.row)?
            .cells
            .get(pos.col)?
            .as_ref()?
            .measures
            .get(pos.k)
    }

    /// Where the measure with flat index `flat` is shown, if it is.
    pub fn position(&self, flat: usize) -> Option<MeasurePos> {
        self.positions.get(&flat).copied()
    }

    /// The best partner of the measure at `pos` in each other column (shared links only; the
    /// partner with the highest score per column), in column order.
    pub fn partners(&self, analysis: &Analysis, pos: MeasurePos) -> Vec<MeasurePos> {
        let Some(flat) = self.measure(pos).and_then(|m| m.flat) else {
            return Vec::new();
        };
        let mut best: HashMap<usize, (f32, MeasurePos)> = HashMap::new();
        for link in analysis.shared_links(flat) {
            let Some(p) = self.position(link.other) else {
                continue;
            };
            if p.col == pos.col {
                continue;
            }
            let e = best.entry(p.col).or_insert((link.score, p));
            if link.score > e.0 {
                *e = (link.score, p);
            }
        }
        let mut out: Vec<MeasurePos> = best.into_values().map(|(_, p)| p).collect();
        out.sort_by_key(|p| p.col);
        out
    }

    /// The next (or previous) measure after `from` in reading order (row by row, then column by
    /// column, then within the cell) whose status is `status`; from the start (or end) if `from`
    /// is `None`. Does not wrap around.
    pub fn step(
        &self,
        from: Option<MeasurePos>,
        status: Status,
        forward: bool,
    ) -> Option<MeasurePos> {
        let all = self.rows.iter().enumerate().flat_map(|(r, row)| {
            row.cells.iter().enumerate().flat_map(move |(c, cell)| {
                cell.iter()
                    .flat_map(|x| x.measures.iter())
                    .enumerate()
                    .map(move |(k, m)| (MeasurePos { row: r, col: c, k }, m.status))
            })
        });
        let hits = all.filter(|(_, s)| *s == status).map(|(p, _)| p);
        if forward {
            hits.into_iter().find(|p| from.is_none_or(|f| *p > f))
        } else {
            hits.into_iter()
                .filter(|p| from.is_none_or(|f| *p < f))
                .last()
        }
    }

    /// The first row with a cell whose heading contains `text`.
    pub fn row_with_heading(&self, text: &str) -> Option<&CompareRow> {
        self.rows
            .iter()
            .find(|r| r.cells.iter().flatten().any(|c| c.heading.contains(text)))
    }
}

/// The byte range of `text` matching the byte range `norm_range` of its normalised form `norm`,
/// when the two have the same number of characters (normalisation maps character to character:
/// width folding, most traditional → simplified conversions); `None` otherwise.
pub fn norm_range_in_text(
    text: &str,
    norm: &str,
    norm_range: Range<usize>,
) -> Option<Range<usize>> {
    if text.chars().count() != norm.chars().count() {
        return None;
    }
    let start_char = norm.get(..norm_range.start)?.chars().count();
    let len_chars = norm.get(norm_range.clone())?.chars().count();
    let mut idx = text
        .char_indices()
        .map(|(i, _)| i)
        .chain(std::iter::once(text.len()));
    let start = idx.nth(start_char)?;
    let end = if len_chars == 0 {
        start
    } else {
        idx.nth(len_chars - 1)?
    };
    Some(start..end)
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
    let section = plan
        .all_sections()
        .into_iter()
        .find(|s| s.section_id == section_id);
    let heading = section
        .map(|s| join_label(&s.label, &s.title))
        .unwrap_or_default();
    let passage = section.and_then(|s| {
        Some(s.span.start.checked_sub(plan.span.start)?..s.span.end.checked_sub(plan.span.start)?)
    });
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
                measure_index: m.index,
                text: m.text.clone(),
                norm: m.norm.clone(),
                terms: Vec::new(),
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
        passage,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn norm_ranges_map_back_to_the_traditional_text() {
        let text = "推進農村宅基地改革";
        let norm = "推进农村宅基地改革";
        let start = norm.find("农村").unwrap();
        let r = norm_range_in_text(text, norm, start..start + "农村".len()).unwrap();
        assert_eq!(&text[r], "農村");
        assert_eq!(norm_range_in_text("ABC", "ABCD", 0..1), None);
        let end = norm.len();
        assert_eq!(
            &text[norm_range_in_text(text, norm, end - 6..end).unwrap()],
            "改革"
        );
    }
}
