//! The aligned comparison as a table: one column per compared plan, one row per group of
//! comparable passages, each cell holding one or more sections of its plan (each with its
//! heading) and their measures with their *scope in the comparison*.
//!
//! Two row modes:
//! - **by structure** ([`RowMode::Structure`], the default): row 0 is the plans' preambles
//!   (概况/序言, when any has one), then the rows of [`crate::align::align`]; a preamble whose
//!   shared measures mostly have their partners in one aligned row joins that row instead
//!   (`preamble_places`); every measure of every compared plan is in exactly one cell, so header
//!   counts equal what the table shows;
//! - **by theme** ([`RowMode::Theme`], 按主题对照): one row per theme of a codebook, each cell
//!   listing the plan's measures the codebook's rules propose (or the researcher tagged) for the
//!   theme, under their section headings.
//!
//! A measure's [`Scope`] is counted within the comparison: shared with a compared plan, shared
//! only with plans outside it, unique in the loaded corpus, or boilerplate. Partners are listed
//! compared plans first (in column order), then the others by score: app, CLI and exports all
//! use [`measure_partners`] and [`scope_of`], so they agree.
//!
//! This is the view-model the compare view paints and the exporters write; it holds plain data
//! and no drawing.

use std::collections::{HashMap, HashSet};
use std::ops::Range;

use serde::Serialize;

use crate::align::{Pin, align};
use crate::corpus::Corpus;
use crate::matching::{Analysis, Status, Tier};
use crate::measure::Measure;
use crate::outline::{Section, SectionKind};
use crate::plan::Plan;
use crate::themes::{Codebook, CodingIndex};
use crate::tokenize::Tokenizer;

/// Title of the preamble's cell section.
pub const PREAMBLE_TITLE: &str = "序言";

/// Measures shown for a section in a cell: a top-level section with sub-sections shows only its
/// own measures (its sub-sections are units of their own, see [`crate::align::units`]); any other
/// section shows everything under it.
pub fn cell_measures(plan: &Plan, section_id: usize) -> Vec<&Measure> {
    for top in &plan.sections {
        if top.section_id == section_id {
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

/// Measures shown for a section in a cell when the sections in `listed` (every section the
/// column's rows list) are shown in cells of their own: its own measures, then everything under
/// each of its sub-sections that is not listed (recursively, in reading order). With the units of
/// [`crate::align::units`] this is [`cell_measures`]; a unit split by the alignment (its
/// sub-sections in cells of their own) shows only its own lead-in.
pub fn cell_measures_in<'a>(
    plan: &'a Plan,
    section_id: usize,
    listed: &HashSet<usize>,
) -> Vec<&'a Measure> {
    fn gather<'a>(s: &'a Section, listed: &HashSet<usize>, out: &mut Vec<&'a Measure>) {
        out.extend(s.measures.iter());
        for c in &s.children {
            if !listed.contains(&c.section_id) {
                gather(c, listed, out);
            }
        }
    }
    let mut out = Vec::new();
    if let Some(s) = plan
        .sections
        .iter()
        .flat_map(|t| t.walk())
        .find(|s| s.section_id == section_id)
    {
        gather(s, listed, &mut out);
    }
    out
}

/// Every section id the aligned rows list for each compared plan.
fn listed_sections(aligned: &[crate::align::Row], columns: usize) -> Vec<HashSet<usize>> {
    let mut out = vec![HashSet::new(); columns];
    for row in aligned {
        for (c, sids) in row.cells.iter().enumerate() {
            if let Some(set) = out.get_mut(c) {
                set.extend(sids.iter().copied());
            }
        }
    }
    out
}

/// A measure's status within a comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Scope {
    /// Shared with another compared plan.
    Compared,
    /// Shared, but only with plans outside the comparison.
    Elsewhere,
    /// No plan of the loaded corpus states it.
    Unique,
    /// Generic wording or a formula (its partners are still listed).
    Boilerplate,
}

impl Scope {
    /// The word the CLI and exports print.
    pub fn name(self) -> &'static str {
        match self {
            Scope::Compared => "compared",
            Scope::Elsewhere => "elsewhere",
            Scope::Unique => "unique",
            Scope::Boilerplate => "boilerplate",
        }
    }

    /// Chinese label.
    pub fn label_zh(self) -> &'static str {
        match self {
            Scope::Compared => "对照内共有",
            Scope::Elsewhere => "仅与对照外共有",
            Scope::Unique => "独有",
            Scope::Boilerplate => "套话",
        }
    }
}

/// A partner of a measure in another plan.
#[derive(Debug, Clone, PartialEq)]
pub struct Partner {
    /// Corpus index of its plan.
    pub plan: usize,
    /// Its flat index in the analysis.
    pub flat: usize,
    /// Its measure id.
    pub measure_id: String,
    /// Tier of the link.
    pub tier: Tier,
    /// Score of the link.
    pub score: f32,
    /// Column of its plan when it is compared.
    pub column: Option<usize>,
}

/// Partners of the measure at `flat`: compared plans first (in column order; verbatim before
/// paraphrase, then best score first: the scores of the two tiers are on different scales),
/// then the others by descending score. A shared measure lists its shared links; a boilerplate
/// measure lists all its links (the formula is common); a unique one none.
pub fn measure_partners(analysis: &Analysis, flat: usize, compared: &[usize]) -> Vec<Partner> {
    let links = match analysis.status.get(flat) {
        Some(Status::Shared) => analysis.shared_links(flat),
        Some(Status::Boilerplate) => analysis.partners(flat),
        _ => Vec::new(),
    };
    let own = analysis.measures.get(flat).map(|m| m.plan);
    let mut out: Vec<Partner> = links
        .iter()
        .filter_map(|l| {
            let other = analysis.measures.get(l.other)?;
            (Some(other.plan) != own).then(|| Partner {
                plan: other.plan,
                flat: l.other,
                measure_id: other.measure_id.clone(),
                tier: l.tier,
                score: l.score,
                column: compared.iter().position(|&p| p == other.plan),
            })
        })
        .collect();
    out.sort_by(|a, b| {
        (a.column.is_none(), a.column)
            .cmp(&(b.column.is_none(), b.column))
            .then(a.tier.cmp(&b.tier))
            .then(b.score.total_cmp(&a.score))
            .then(a.flat.cmp(&b.flat))
    });
    out
}

/// The scope of the measure at `flat` in a comparison of `compared` (corpus indexes).
pub fn scope_of(analysis: &Analysis, flat: usize, compared: &[usize]) -> Scope {
    match analysis.status.get(flat) {
        Some(Status::Boilerplate) => Scope::Boilerplate,
        Some(Status::Shared) => {
            let own = analysis.measures.get(flat).map(|m| m.plan);
            let in_comparison = analysis.shared_links(flat).iter().any(|l| {
                analysis
                    .measures
                    .get(l.other)
                    .is_some_and(|o| Some(o.plan) != own && compared.contains(&o.plan))
            });
            if in_comparison {
                Scope::Compared
            } else {
                Scope::Elsewhere
            }
        }
        _ => Scope::Unique,
    }
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
    /// Its measures shared with another compared plan.
    pub shared: usize,
    /// Its measures shared only with plans outside the comparison.
    pub elsewhere: usize,
    /// Its unique measures.
    pub unique: usize,
    /// Its boilerplate measures.
    pub boilerplate: usize,
    /// Per column: how many of its measures have a partner in that column's plan (0 for itself).
    pub shared_with: Vec<usize>,
}

/// A measure in a cell.
#[derive(Debug, Clone)]
pub struct CellMeasure {
    /// Its number in its plan (1-based).
    pub number: usize,
    /// Its index within its plan's `measures()`.
    pub measure_index: usize,
    /// Its measure id.
    pub measure_id: String,
    /// Its text (original script).
    pub text: String,
    /// Its normalised text (simplified, half-width).
    pub norm: String,
    /// Key terms in `norm` (byte ranges), marked shared with another cell of the row or
    /// distinctive of this cell; see [`Comparison::build`].
    pub terms: Vec<(Range<usize>, TermMark)>,
    /// Its flat index in the analysis.
    pub flat: Option<usize>,
    /// Shared, unique or boilerplate in the loaded corpus.
    pub status: Status,
    /// Its scope in this comparison.
    pub scope: Scope,
    /// The closest tier of its shared partners (`None` unless shared).
    pub tier: Option<Tier>,
    /// Number of other plans sharing it.
    pub plans_sharing: usize,
    /// Whether another compared plan shares it (`scope == Scope::Compared`).
    pub shared_in_comparison: bool,
    /// Its partners, compared plans first ([`measure_partners`]).
    pub partners: Vec<Partner>,
    /// Index of its section in the cell's `sections`.
    pub section: usize,
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

/// One section of a plan inside a cell.
#[derive(Debug, Clone)]
pub struct CellSection {
    /// Section id in its plan; `None` for the preamble.
    pub section_id: Option<usize>,
    /// Its numbering label (`（三）`).
    pub number: String,
    /// Its title.
    pub title: String,
    /// Label and title (`（三）推广智慧供暖`).
    pub heading: String,
    /// The heading of its top-level section when it is a sub-section (`二、主要任务`).
    pub parent: Option<String>,
    /// Its text as a byte range of its plan's own text (`Plan::original_text`).
    pub passage: Option<Range<usize>>,
    /// It had to leave its column's reading order to sit in this row.
    pub moved: bool,
    /// It is a part of a split section (its parent is not a top-level section) sitting in
    /// another cell than its parent: its parent is shown so the reader knows where it belongs.
    pub detached: bool,
}

/// One plan's cell in a row.
#[derive(Debug, Clone)]
pub struct Cell {
    /// Section id of its first section that has one (`None` for a preamble alone or a by-theme
    /// cell).
    pub section_id: Option<usize>,
    /// Heading of its first section, with ` +N` when it holds more (by theme: the theme's name).
    pub heading: String,
    /// The passage of its first section that has one, for tagging it.
    pub passage: Option<Range<usize>>,
    /// Every section of the cell, in order.
    pub sections: Vec<CellSection>,
    /// Its measures, section by section.
    pub measures: Vec<CellMeasure>,
}

/// The theme of a by-theme row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowTheme {
    /// Theme id in its codebook.
    pub theme_id: String,
    /// Its name.
    pub name: String,
    /// Depth in the codebook (0 = top level).
    pub depth: usize,
}

/// One aligned row.
#[derive(Debug, Clone)]
pub struct CompareRow {
    /// Kind of the row.
    pub kind: SectionKind,
    /// The theme, in by-theme mode.
    pub theme: Option<RowTheme>,
    /// One cell per column; `None` where the plan has no counterpart.
    pub cells: Vec<Option<Cell>>,
}

impl CompareRow {
    /// The row's tag: its theme's name, or its kind's label.
    pub fn label(&self) -> &str {
        self.theme
            .as_ref()
            .map_or(self.kind.label(), |t| t.name.as_str())
    }
}

/// How the rows are made.
#[derive(Debug, Clone, Default)]
pub enum RowMode {
    /// Groups of comparable sections (the default).
    #[default]
    Structure,
    /// One row per theme of the codebook; `tags` are the measures the researcher tagged,
    /// shown with the rules' proposals.
    Theme {
        /// The codebook.
        codebook: Codebook,
        /// Extra measures to list under their themes.
        tags: Vec<MeasureTag>,
    },
}

/// A measure tagged with a theme, listed in that theme's row of a by-theme comparison.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MeasureTag {
    /// The theme.
    pub theme_id: String,
    /// The measure's plan.
    pub plan_id: String,
    /// The measure.
    pub measure_id: String,
}

/// The measures a project's tags put under their themes, for the by-theme rows: a tag on a
/// measure names it; a tag on a passage (a whole section, a selection) covers every measure
/// whose text lies inside the passage. Orphaned tags and tags of plans not loaded are left out.
pub fn measure_tags(corpus: &Corpus, tags: &[crate::project::Tag]) -> Vec<MeasureTag> {
    let plans: HashMap<&str, &Plan> = corpus
        .plans
        .iter()
        .map(|p| (p.plan_id.as_str(), p))
        .collect();
    let mut out: Vec<MeasureTag> = Vec::new();
    for tag in tags.iter().filter(|t| !t.orphaned) {
        let Some(plan) = plans.get(tag.plan_id.as_str()) else {
            continue;
        };
        let mut push = |measure_id: &str| {
            out.push(MeasureTag {
                theme_id: tag.theme_id.clone(),
                plan_id: tag.plan_id.clone(),
                measure_id: measure_id.to_owned(),
            })
        };
        match &tag.measure_id {
            Some(id) => push(id),
            None => {
                for m in plan.measures() {
                    // The measure's place in the plan's own text (what tags point into).
                    let (Some(start), Some(end)) = (
                        m.span.start.checked_sub(plan.span.start),
                        m.span.end.checked_sub(plan.span.start),
                    ) else {
                        continue;
                    };
                    if start < end && tag.byte_range.start <= start && end <= tag.byte_range.end {
                        push(&m.measure_id);
                    }
                }
            }
        }
    }
    out.sort_by(|a, b| {
        (&a.theme_id, &a.plan_id, &a.measure_id).cmp(&(&b.theme_id, &b.plan_id, &b.measure_id))
    });
    out.dedup();
    out
}

/// What to build.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Row mode.
    pub mode: RowMode,
    /// Pinned section pairs (by-structure mode).
    pub pins: Vec<Pin>,
}

/// The aligned table of the compared plans.
#[derive(Debug, Clone, Default)]
pub struct Comparison {
    /// The compared plans, in column order.
    pub columns: Vec<Column>,
    /// The rows.
    pub rows: Vec<CompareRow>,
    /// Whether rows are themes.
    pub by_theme: bool,
    /// Where each measure (by flat index) is shown (its first place).
    positions: HashMap<usize, MeasurePos>,
}

impl Comparison {
    /// Align the plans `compared` (corpus indexes) by structure and gather each cell's measures
    /// and scopes.
    pub fn build(corpus: &Corpus, analysis: &Analysis, compared: &[usize]) -> Self {
        Self::build_with(corpus, analysis, compared, &Options::default())
    }

    /// Build with a row mode and pins.
    pub fn build_with(
        corpus: &Corpus,
        analysis: &Analysis,
        compared: &[usize],
        options: &Options,
    ) -> Self {
        let compared: Vec<usize> = compared
            .iter()
            .copied()
            .filter(|&pi| pi < corpus.plans.len())
            .collect();
        let columns = compared
            .iter()
            .map(|&pi| column(&corpus.plans[pi], pi, analysis, &compared))
            .collect();
        let rows = match &options.mode {
            RowMode::Structure => structure_rows(corpus, analysis, &compared, &options.pins),
            RowMode::Theme { codebook, tags } => {
                theme_rows(corpus, analysis, &compared, codebook, tags)
            }
        };
        let mut table = Comparison {
            columns,
            rows,
            by_theme: matches!(options.mode, RowMode::Theme { .. }),
            positions: HashMap::new(),
        };
        table.mark_terms(analysis);
        for (r, row) in table.rows.iter().enumerate() {
            for (c, cell) in row.cells.iter().enumerate() {
                for (k, m) in cell.iter().flat_map(|x| x.measures.iter()).enumerate() {
                    if let Some(f) = m.flat {
                        table
                            .positions
                            .entry(f)
                            .or_insert(MeasurePos { row: r, col: c, k });
                    }
                }
            }
        }
        table
    }

    /// Share of empty cells (0–1).
    pub fn empty_share(&self) -> f64 {
        let total: usize = self.rows.iter().map(|r| r.cells.len()).sum();
        let empty: usize = self
            .rows
            .iter()
            .map(|r| r.cells.iter().filter(|c| c.is_none()).count())
            .sum();
        empty as f64 / total.max(1) as f64
    }

    /// Per column: (measures shared with another compared plan, how many of those have a partner
    /// in their own row).
    pub fn partners_in_row(&self, analysis: &Analysis) -> Vec<(usize, usize)> {
        let mut out = vec![(0, 0); self.columns.len()];
        for (r, row) in self.rows.iter().enumerate() {
            for (c, cell) in row.cells.iter().enumerate() {
                for (k, m) in cell.iter().flat_map(|x| x.measures.iter()).enumerate() {
                    if m.scope != Scope::Compared {
                        continue;
                    }
                    out[c].0 += 1;
                    let pos = MeasurePos { row: r, col: c, k };
                    if self.partners(analysis, pos).iter().any(|p| p.row == r) {
                        out[c].1 += 1;
                    }
                }
            }
        }
        out
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
    /// column, then within the cell) whose scope is `scope`; from the start (or end) if `from`
    /// is `None`. Does not wrap around.
    pub fn step(
        &self,
        from: Option<MeasurePos>,
        scope: Scope,
        forward: bool,
    ) -> Option<MeasurePos> {
        let all = self.rows.iter().enumerate().flat_map(|(r, row)| {
            row.cells.iter().enumerate().flat_map(move |(c, cell)| {
                cell.iter()
                    .flat_map(|x| x.measures.iter())
                    .enumerate()
                    .map(move |(k, m)| (MeasurePos { row: r, col: c, k }, m.scope))
            })
        });
        let hits = all.filter(|(_, s)| *s == scope).map(|(p, _)| p);
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
        self.rows.iter().find(|r| {
            r.cells
                .iter()
                .flatten()
                .any(|c| c.sections.iter().any(|s| s.heading.contains(text)))
        })
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

fn column(plan: &Plan, plan_index: usize, analysis: &Analysis, compared: &[usize]) -> Column {
    let mut out = Column {
        plan_index,
        name: plan.name.clone(),
        place: [plan.province.as_deref(), plan.level.as_deref()]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" · "),
        shared: 0,
        elsewhere: 0,
        unique: 0,
        boilerplate: 0,
        shared_with: vec![0; compared.len()],
    };
    let start = analysis.plan_offsets.get(plan_index).copied().unwrap_or(0);
    let end = analysis
        .plan_offsets
        .get(plan_index + 1)
        .copied()
        .unwrap_or(start);
    for flat in start..end {
        match scope_of(analysis, flat, compared) {
            Scope::Compared => out.shared += 1,
            Scope::Elsewhere => out.elsewhere += 1,
            Scope::Unique => out.unique += 1,
            Scope::Boilerplate => out.boilerplate += 1,
        }
        if analysis.status.get(flat) == Some(&Status::Shared) {
            let mut cols: Vec<usize> = analysis
                .shared_links(flat)
                .iter()
                .filter_map(|l| analysis.measures.get(l.other))
                .filter(|o| o.plan != plan_index)
                .filter_map(|o| compared.iter().position(|&p| p == o.plan))
                .collect();
            cols.sort_unstable();
            cols.dedup();
            for c in cols {
                out.shared_with[c] += 1;
            }
        }
    }
    out
}

fn cell_measure(
    m: &Measure,
    plan_index: usize,
    analysis: &Analysis,
    compared: &[usize],
    section: usize,
) -> CellMeasure {
    let flat = analysis.flat_index(plan_index, m.index);
    let status = flat
        .and_then(|f| analysis.status.get(f).copied())
        .unwrap_or(Status::Unique);
    let scope = flat.map_or(Scope::Unique, |f| scope_of(analysis, f, compared));
    let partners = flat.map_or_else(Vec::new, |f| measure_partners(analysis, f, compared));
    let mut plans: Vec<usize> = if status == Status::Shared {
        partners.iter().map(|p| p.plan).collect()
    } else {
        Vec::new()
    };
    plans.sort_unstable();
    plans.dedup();
    CellMeasure {
        number: m.index + 1,
        measure_index: m.index,
        measure_id: m.measure_id.clone(),
        text: m.text.clone(),
        norm: m.norm.clone(),
        terms: Vec::new(),
        flat,
        status,
        scope,
        tier: if status == Status::Shared {
            partners.iter().map(|p| p.tier).min()
        } else {
            None
        },
        plans_sharing: plans.len(),
        shared_in_comparison: scope == Scope::Compared,
        partners,
        section,
    }
}

/// Heading of the top-level section above each sub-section of a plan.
/// A section's parent section.
struct Parent {
    /// Its heading (`二、主要任务`, `（五）推进城乡社会建设`).
    heading: String,
    /// Its section id.
    id: usize,
    /// Whether it is a top-level section.
    top: bool,
}

/// Every sub-section's parent (its immediate parent).
fn parents(plan: &Plan) -> HashMap<usize, Parent> {
    fn visit(s: &Section, top: bool, out: &mut HashMap<usize, Parent>) {
        for c in &s.children {
            out.insert(
                c.section_id,
                Parent {
                    heading: join_label(&s.label, &s.title),
                    id: s.section_id,
                    top,
                },
            );
            visit(c, false, out);
        }
    }
    let mut out = HashMap::new();
    for top in &plan.sections {
        visit(top, true, &mut out);
    }
    out
}

fn cell_section(
    plan: &Plan,
    section_id: Option<usize>,
    parents: &HashMap<usize, Parent>,
) -> CellSection {
    let Some(sid) = section_id else {
        return CellSection {
            section_id: None,
            number: String::new(),
            title: PREAMBLE_TITLE.to_owned(),
            heading: PREAMBLE_TITLE.to_owned(),
            parent: None,
            passage: None,
            moved: false,
            detached: false,
        };
    };
    let section = plan
        .all_sections()
        .into_iter()
        .find(|s| s.section_id == sid);
    CellSection {
        section_id: Some(sid),
        number: section.map(|s| s.label.clone()).unwrap_or_default(),
        title: section.map(|s| s.title.clone()).unwrap_or_default(),
        heading: section
            .map(|s| join_label(&s.label, &s.title))
            .unwrap_or_default(),
        parent: parents.get(&sid).map(|p| p.heading.clone()),
        passage: section.and_then(|s| {
            Some(
                s.span.start.checked_sub(plan.span.start)?
                    ..s.span.end.checked_sub(plan.span.start)?,
            )
        }),
        moved: false,
        detached: false,
    }
}

/// The sections of column `c` that leave its reading order: reading the aligned rows from the
/// top (each cell's sections in order), the sections not on a longest run that keeps the plan's
/// reading order. A part of a split section sitting apart from its parent (`detached`, shown with
/// its parent) is left out of the run.
fn sections_out_of_order(
    plan: &Plan,
    aligned: &[crate::align::Row],
    c: usize,
    parents: &HashMap<usize, Parent>,
) -> HashSet<usize> {
    let order: HashMap<usize, usize> = plan
        .all_sections()
        .iter()
        .enumerate()
        .map(|(i, s)| (s.section_id, i))
        .collect();
    let seq: Vec<(usize, usize)> = aligned
        .iter()
        .filter_map(|row| row.cells.get(c))
        .flat_map(|sids| {
            sids.iter()
                .filter(|&&sid| {
                    !parents
                        .get(&sid)
                        .is_some_and(|p| !p.top && !sids.contains(&p.id))
                })
                .filter_map(|&sid| order.get(&sid).map(|&i| (sid, i)))
        })
        .collect();
    crate::align::out_of_order(&seq).into_iter().collect()
}

fn make_cell(sections: Vec<CellSection>, measures: Vec<CellMeasure>, heading: String) -> Cell {
    Cell {
        section_id: sections.iter().find_map(|s| s.section_id),
        passage: sections.iter().find_map(|s| s.passage.clone()),
        heading,
        sections,
        measures,
    }
}

fn cell_heading(sections: &[CellSection]) -> String {
    match sections {
        [] => String::new(),
        [one] => one.heading.clone(),
        [first, rest @ ..] => format!("{} +{}", first.heading, rest.len()),
    }
}

/// Where each compared plan's preamble goes: `Some(r)` puts it in aligned row `r`, `None` in the
/// preamble row. A preamble leaves the preamble row when most of its measures shared within the
/// comparison have their best compared partner in one aligned row, and more of them point there
/// than to the other preambles (a preamble stating goals beside the other plan's 目标 section).
/// It joins that row when its plan has no cell there (marked as moved when a row above holds a
/// section of its plan) or heads its plan's cell when that is the plan's first cell.
fn preamble_places(
    corpus: &Corpus,
    analysis: &Analysis,
    compared: &[usize],
    aligned: &[crate::align::Row],
    listed: &[HashSet<usize>],
) -> Vec<Option<usize>> {
    let mut row_of: HashMap<usize, usize> = HashMap::new();
    for (r, row) in aligned.iter().enumerate() {
        for ((sids, &pi), listed) in row.cells.iter().zip(compared).zip(listed) {
            let plan = &corpus.plans[pi];
            for &sid in sids {
                for m in cell_measures_in(plan, sid, listed) {
                    if let Some(f) = analysis.flat_index(pi, m.index) {
                        row_of.insert(f, r);
                    }
                }
            }
        }
    }
    compared
        .iter()
        .enumerate()
        .map(|(c, &pi)| {
            let mut votes: HashMap<Option<usize>, usize> = HashMap::new();
            let mut linked = 0;
            for m in &corpus.plans[pi].preamble.measures {
                let Some(flat) = analysis.flat_index(pi, m.index) else {
                    continue;
                };
                if scope_of(analysis, flat, compared) != Scope::Compared {
                    continue;
                }
                let best = measure_partners(analysis, flat, compared)
                    .into_iter()
                    .filter(|p| p.column.is_some())
                    .min_by(|a, b| a.tier.cmp(&b.tier).then(b.score.total_cmp(&a.score)));
                if let Some(p) = best {
                    linked += 1;
                    *votes.entry(row_of.get(&p.flat).copied()).or_default() += 1;
                }
            }
            let in_preambles = votes.get(&None).copied().unwrap_or(0);
            let (row, n) = votes
                .iter()
                .filter_map(|(r, n)| r.map(|r| (r, *n)))
                .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(&a.0)))?;
            // The row's cell of this plan is empty, or it is the plan's first cell (the preamble
            // then heads it, in reading order).
            let first = aligned[..row].iter().all(|a| a.cells[c].is_empty());
            let free = aligned.get(row).is_some_and(|a| a.cells[c].is_empty());
            ((free || first) && n > in_preambles && 2 * n >= linked).then_some(row)
        })
        .collect()
}

fn structure_rows(
    corpus: &Corpus,
    analysis: &Analysis,
    compared: &[usize],
    pins: &[Pin],
) -> Vec<CompareRow> {
    let parent_maps: Vec<HashMap<usize, Parent>> = compared
        .iter()
        .map(|&pi| parents(&corpus.plans[pi]))
        .collect();
    let aligned = align(&corpus.plans, compared, analysis, pins);
    let listed = listed_sections(&aligned, compared.len());
    let out_of_order: Vec<HashSet<usize>> = compared
        .iter()
        .enumerate()
        .map(|(c, &pi)| sections_out_of_order(&corpus.plans[pi], &aligned, c, &parent_maps[c]))
        .collect();
    let placed = preamble_places(corpus, analysis, compared, &aligned, &listed);
    let has_preamble = |pi: usize| !corpus.plans[pi].preamble.measures.is_empty();
    let preamble_section = |c: usize, pi: usize| {
        let mut section = cell_section(&corpus.plans[pi], None, &parent_maps[c]);
        // It keeps reading order when no row above holds a section of its plan.
        section.moved =
            placed[c].is_some_and(|r| aligned[..r].iter().any(|a| !a.cells[c].is_empty()));
        section
    };
    let preamble_measures = |pi: usize| -> Vec<CellMeasure> {
        corpus.plans[pi]
            .preamble
            .measures
            .iter()
            .map(|m| cell_measure(m, pi, analysis, compared, 0))
            .collect()
    };
    let mut rows = Vec::new();
    if compared
        .iter()
        .enumerate()
        .any(|(c, &pi)| placed[c].is_none() && has_preamble(pi))
    {
        rows.push(CompareRow {
            kind: SectionKind::Profile,
            theme: None,
            cells: compared
                .iter()
                .enumerate()
                .map(|(c, &pi)| {
                    (placed[c].is_none() && has_preamble(pi)).then(|| {
                        make_cell(
                            vec![preamble_section(c, pi)],
                            preamble_measures(pi),
                            PREAMBLE_TITLE.to_owned(),
                        )
                    })
                })
                .collect(),
        });
    }
    for (r, row) in aligned.iter().enumerate() {
        let cells = row
            .cells
            .iter()
            .zip(compared)
            .enumerate()
            .map(|(c, (sids, &pi))| {
                let mut sections = Vec::new();
                let mut measures = Vec::new();
                if placed[c] == Some(r) {
                    sections.push(preamble_section(c, pi));
                    measures = preamble_measures(pi);
                } else if sids.is_empty() {
                    return None;
                }
                let plan = &corpus.plans[pi];
                for &sid in sids {
                    let mut section = cell_section(plan, Some(sid), &parent_maps[c]);
                    section.detached = parent_maps[c]
                        .get(&sid)
                        .is_some_and(|p| !p.top && !sids.contains(&p.id));
                    section.moved = out_of_order[c].contains(&sid);
                    let k = sections.len();
                    sections.push(section);
                    measures.extend(
                        cell_measures_in(plan, sid, &listed[c])
                            .into_iter()
                            .map(|m| cell_measure(m, pi, analysis, compared, k)),
                    );
                }
                let heading = cell_heading(&sections);
                Some(make_cell(sections, measures, heading))
            })
            .collect();
        rows.push(CompareRow {
            kind: row.kind,
            theme: None,
            cells,
        });
    }
    rows
}

fn theme_rows(
    corpus: &Corpus,
    analysis: &Analysis,
    compared: &[usize],
    codebook: &Codebook,
    tags: &[MeasureTag],
) -> Vec<CompareRow> {
    let plans: Vec<Plan> = compared
        .iter()
        .map(|&pi| corpus.plans[pi].clone())
        .collect();
    let proposals = CodingIndex::new(&plans).propose(codebook);
    // theme id -> plan id -> measure ids.
    let mut wanted: HashMap<&str, HashMap<&str, HashSet<&str>>> = HashMap::new();
    for p in &proposals {
        wanted
            .entry(p.theme_id.as_str())
            .or_default()
            .entry(p.plan_id.as_str())
            .or_default()
            .insert(p.measure_id.as_str());
    }
    for tag in tags {
        wanted
            .entry(tag.theme_id.as_str())
            .or_default()
            .entry(tag.plan_id.as_str())
            .or_default()
            .insert(tag.measure_id.as_str());
    }
    let parent_maps: Vec<HashMap<usize, Parent>> = plans.iter().map(parents).collect();
    let mut rows = Vec::new();
    for (depth, theme) in codebook.depth_first() {
        let Some(by_plan) = wanted.get(theme.theme_id.as_str()) else {
            continue;
        };
        let cells: Vec<Option<Cell>> = plans
            .iter()
            .zip(compared)
            .enumerate()
            .map(|(c, (plan, &pi))| {
                let ids = by_plan.get(plan.plan_id.as_str())?;
                let mut sections: Vec<CellSection> = Vec::new();
                let mut measures = Vec::new();
                for m in plan.measures() {
                    if !ids.contains(m.measure_id.as_str()) {
                        continue;
                    }
                    let k = match sections.iter().position(|s| s.section_id == m.section_id) {
                        Some(k) => k,
                        None => {
                            sections.push(cell_section(plan, m.section_id, &parent_maps[c]));
                            sections.len() - 1
                        }
                    };
                    measures.push(cell_measure(m, pi, analysis, compared, k));
                }
                if measures.is_empty() {
                    return None;
                }
                Some(make_cell(sections, measures, theme.name.clone()))
            })
            .collect();
        if cells.iter().all(Option::is_none) {
            continue;
        }
        rows.push(CompareRow {
            kind: SectionKind::Tasks,
            theme: Some(RowTheme {
                theme_id: theme.theme_id.clone(),
                name: theme.name.clone(),
                depth,
            }),
            cells,
        });
    }
    rows
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
