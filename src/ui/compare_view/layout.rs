//! Row heights of the comparison: each cell's items (section headings, measures) measured once per
//! column width, theme and language, every row as high as its highest cell so the columns stay
//! aligned.

use egui::Color32;

use crate::comparison::Cell;
use crate::comparison::Comparison;
use crate::comparison::MeasurePos;
use crate::ui::settings::Language;

use super::style::{
    MEASURE_GAP, MEASURE_PAD, PAD, SUB_GAP, heading_galley, heading_wrap, measure_galley,
    measure_span, shown_text, small_row_height,
};

/// What the row heights depend on.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct LayoutKey {
    pub(super) column_width: f32,
    pub(super) pixels_per_point: f32,
    pub(super) dark: bool,
    pub(super) collapsed: bool,
    pub(super) normalized: bool,
    pub(super) body_size: f32,
    pub(super) language: Language,
}

/// Row heights for one [`LayoutKey`], and each measure's offset from its row's top.
#[derive(Debug, Default)]
pub(super) struct Layout {
    pub(super) key: Option<LayoutKey>,
    pub(super) tops: Vec<f32>,
    pub(super) heights: Vec<f32>,
    /// `measure_tops[row][col][k]`: top of measure `k` of that cell, relative to the row's top.
    pub(super) measure_tops: Vec<Vec<Vec<f32>>>,
    pub(super) total: f32,
}

impl Layout {
    /// Top of the measure at `pos`, relative to the table body's top.
    pub(super) fn measure_top(&self, pos: MeasurePos) -> Option<f32> {
        let row_top = *self.tops.get(pos.row)?;
        let offset = self
            .measure_tops
            .get(pos.row)?
            .get(pos.col)?
            .get(pos.k)
            .copied()
            .unwrap_or(0.0);
        Some(row_top + offset)
    }
}

/// What a cell draws below its heading and summary, in order: the headings of its further
/// sections and its measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Item {
    /// The heading of section `i` of the cell (`i > 0`: the first is the cell's heading).
    Sub(usize),
    /// Measure `k` of the cell.
    Measure(usize),
}

pub(super) fn cell_items(cell: &Cell, collapsed: bool) -> Vec<Item> {
    let mut out = Vec::new();
    let mut next_section = 1;
    for (k, m) in cell.measures.iter().enumerate() {
        while next_section <= m.section && next_section < cell.sections.len() {
            out.push(Item::Sub(next_section));
            next_section += 1;
        }
        if !collapsed {
            out.push(Item::Measure(k));
        }
    }
    out.extend((next_section..cell.sections.len()).map(Item::Sub));
    out
}

/// A section's heading as a cell shows it: with its parent when it had to leave its column's
/// reading order, or when it is a part of a split section sitting apart from its parent.
pub(super) fn section_heading(cell: &Cell, i: usize, lang: Language) -> String {
    let Some(s) = cell.sections.get(i) else {
        return cell.heading.clone();
    };
    match (&s.parent, s.moved) {
        (Some(parent), true) => match lang {
            Language::Chinese => format!("{}（移自 {parent}）", s.heading),
            Language::English => format!("{} (moved, from {parent})", s.heading),
        },
        (Some(parent), false) if s.detached => match lang {
            Language::Chinese => format!("{}（属 {parent}）", s.heading),
            Language::English => format!("{} (part of {parent})", s.heading),
        },
        (None, true) => match lang {
            Language::Chinese => format!("{}（不在原顺序）", s.heading),
            Language::English => format!("{} (out of reading order)", s.heading),
        },
        _ => s.heading.clone(),
    }
}

/// Height of a cell's content, and each measure's top relative to the cell's top.
pub(super) fn cell_height(ui: &egui::Ui, cell: &Cell, key: &LayoutKey) -> (f32, Vec<f32>) {
    let wrap_h = heading_wrap(key.column_width);
    let mut h = PAD
        + heading_galley(ui, &section_heading(cell, 0, key.language), wrap_h)
            .size()
            .y;
    h += 2.0 + small_row_height(ui) + 4.0;
    let mut tops = vec![0.0; cell.measures.len()];
    let (_, wrap) = measure_span(key.column_width);
    for item in cell_items(cell, key.collapsed) {
        match item {
            Item::Sub(i) => {
                h += SUB_GAP
                    + heading_galley(ui, &section_heading(cell, i, key.language), wrap_h)
                        .size()
                        .y
                    + 2.0;
            }
            Item::Measure(k) => {
                if let Some(m) = cell.measures.get(k) {
                    tops[k] = h;
                    let text = shown_text(m, key.normalized);
                    h += measure_galley(ui, text, &[], wrap, Color32::PLACEHOLDER)
                        .size()
                        .y
                        + 2.0 * MEASURE_PAD
                        + MEASURE_GAP;
                }
            }
        }
    }
    (h + PAD, tops)
}

/// Lay out every row once: its height is that of its highest cell.
pub(super) fn layout_rows(ui: &egui::Ui, table: &Comparison, key: LayoutKey) -> Layout {
    let mut layout = Layout::default();
    let min_height = PAD * 2.0 + 24.0;
    let mut y = 0.0;
    for row in &table.rows {
        let mut height = min_height;
        let mut tops = Vec::with_capacity(row.cells.len());
        for cell in &row.cells {
            match cell {
                Some(c) => {
                    let (h, t) = cell_height(ui, c, &key);
                    height = height.max(h);
                    tops.push(t);
                }
                None => tops.push(Vec::new()),
            }
        }
        layout.measure_tops.push(tops);
        layout.tops.push(y);
        layout.heights.push(height);
        y += height;
    }
    layout.total = y + 24.0;
    layout.key = Some(key);
    layout
}
