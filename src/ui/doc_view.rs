//! The selected plan: its title and metadata, then its outline — each heading indented by level
//! with a tag for its kind (概况, 任务, …) — with the measures of each section under it.
//!
//! The outline and measures are one flat list of rows of different heights (measures wrap). Only
//! the rows in view are drawn: the heights of all rows are laid out once per plan, width, theme
//! and language, and the scroll area's viewport picks the rows to draw by binary search, so a plan
//! with thousands of measures scrolls as fast as a short one.

use std::sync::Arc;

use egui::text::{LayoutJob, TextWrapping};
use egui::{Color32, FontId, Galley, Rect, Role, Sense, TextFormat, TextStyle, WidgetInfo};

use crate::comparison::join_label;
use crate::outline::{Section, SectionKind};
use crate::plan::Plan;

use super::settings::{Language, Settings};
use super::theme;

/// Horizontal step per outline level.
const INDENT: f32 = 22.0;
/// Width kept for the section-kind tag at the right of a heading.
const TAG_WIDTH: f32 = 84.0;
/// Width of the measure-number column.
const NUMBER_WIDTH: f32 = 38.0;
/// Space kept free at the right for the scroll bar.
const RIGHT_MARGIN: f32 = 16.0;

/// What a row is.
#[derive(Debug, Clone)]
enum RowKind {
    /// A heading: its depth (1 = top), numbering label and kind (`None` for the preamble).
    Heading {
        level: usize,
        label: String,
        kind: Option<SectionKind>,
    },
    /// A measure: its number in the plan and its depth (that of its section).
    Measure { number: usize, level: usize },
}

/// One row of the list.
#[derive(Debug, Clone)]
struct Row {
    kind: RowKind,
    /// Title of a heading, text of a measure.
    text: String,
}

/// What the row heights depend on.
#[derive(Debug, Clone, PartialEq)]
struct LayoutKey {
    width: f32,
    pixels_per_point: f32,
    dark: bool,
    show_measures: bool,
    body_size: f32,
}

/// Row heights for one [`LayoutKey`]: measured (the row laid out) or, until then, estimated
/// from its length. Laying out a whole plan at once took the frame that showed it 15–40 ms (the
/// glyphs of its text rasterised for the first time), so a frame measures the rows in view and
/// then more in order for at most [`LAYOUT_BUDGET`]; a long plan is measured over a few frames.
#[derive(Debug, Default)]
struct Layout {
    key: Option<LayoutKey>,
    /// Indices into the rows of the rows shown.
    shown: Vec<usize>,
    /// Top of each shown row, relative to the list's top.
    tops: Vec<f32>,
    /// Height of each shown row.
    heights: Vec<f32>,
    /// Is each shown row's height measured (not estimated)?
    measured: Vec<bool>,
    /// Shown rows not measured yet.
    unmeasured: usize,
    /// Every shown row before this one is measured.
    cursor: usize,
    total: f32,
}

/// Time a frame spends measuring rows out of view ([`Layout`]).
const LAYOUT_BUDGET: std::time::Duration = std::time::Duration::from_millis(3);

impl Layout {
    /// Every shown row of `rows` with an estimated height (none measured yet).
    fn estimate(ui: &egui::Ui, rows: &[Row], key: LayoutKey) -> Layout {
        let mut layout = Layout::default();
        for (k, row) in rows.iter().enumerate() {
            if !key.show_measures && matches!(row.kind, RowKind::Measure { .. }) {
                continue;
            }
            let (_, wrap) = text_span(row, key.width);
            layout.shown.push(k);
            layout.heights.push(estimated_height(ui, row, wrap));
            layout.measured.push(false);
        }
        layout.unmeasured = layout.shown.len();
        layout.key = Some(key);
        layout.retop();
        layout
    }

    /// All shown rows measured?
    fn is_complete(&self) -> bool {
        self.key.is_some() && self.unmeasured == 0
    }

    /// Tops and total from the heights.
    fn retop(&mut self) {
        self.tops.clear();
        let mut y = 0.0;
        for &h in &self.heights {
            self.tops.push(y);
            y += h;
        }
        self.total = y + 24.0;
    }

    /// Lay out shown row `pos` for its true height.
    fn measure(&mut self, ui: &egui::Ui, rows: &[Row], pos: usize) {
        let (Some(row), Some(width)) = (
            self.shown.get(pos).and_then(|&k| rows.get(k)),
            self.key.as_ref().map(|k| k.width),
        ) else {
            return;
        };
        if self.measured.get(pos) != Some(&false) {
            return;
        }
        let (_, wrap) = text_span(row, width);
        let height = gap_above(row) + row_galley(ui, row, wrap).size().y + 2.0;
        if let (Some(h), Some(m)) = (self.heights.get_mut(pos), self.measured.get_mut(pos)) {
            *h = height;
            *m = true;
            self.unmeasured -= 1;
        }
    }

    /// Measure the rows overlapping `viewport` (so that what is painted never overlaps), then
    /// the next rows in order until `budget` is spent (`None`: all of them).
    fn refine(
        &mut self,
        ui: &egui::Ui,
        rows: &[Row],
        viewport: Rect,
        budget: Option<std::time::Duration>,
    ) {
        let started = std::time::Instant::now();
        // Measured rows may grow or shrink and bring others into view: a few rounds.
        for _ in 0..8 {
            let first = self
                .tops
                .partition_point(|&top| top < viewport.min.y)
                .saturating_sub(1);
            let mut changed = false;
            let mut pos = first;
            while pos < self.shown.len() && self.tops.get(pos).is_some_and(|&t| t <= viewport.max.y)
            {
                if self.measured.get(pos) == Some(&false) {
                    self.measure(ui, rows, pos);
                    changed = true;
                }
                pos += 1;
            }
            if !changed {
                break;
            }
            self.retop();
        }
        let mut changed = false;
        while self.unmeasured > 0 && budget.is_none_or(|b| started.elapsed() < b) {
            while self.measured.get(self.cursor) == Some(&true) {
                self.cursor += 1;
            }
            if self.cursor >= self.shown.len() {
                break;
            }
            self.measure(ui, rows, self.cursor);
            changed = true;
        }
        if changed {
            self.retop();
        }
    }
}

/// A row's height guessed from its length (full-width characters about as wide as the font is
/// high), until it is measured.
fn estimated_height(ui: &egui::Ui, row: &Row, wrap: f32) -> f32 {
    let body = TextStyle::Body.resolve(ui.style()).size;
    let (size, line) = match &row.kind {
        RowKind::Heading { level, .. } => {
            let size = heading_font(ui, *level).size;
            (size, size * 1.35)
        }
        RowKind::Measure { .. } => (body, body * 1.55),
    };
    let chars = row.text.chars().count() as f32 + 4.0;
    let lines = (chars * size / wrap.max(size)).ceil().max(1.0);
    gap_above(row) + lines * line + 2.0
}

/// The document view's state: rows of the current plan and their layout.
#[derive(Debug, Default)]
pub struct DocView {
    plan_id: String,
    language: Option<Language>,
    rows: Vec<Row>,
    sections: usize,
    measures: usize,
    layout: Layout,
    /// A measure (index in the plan) to scroll to on the next frame.
    pending_focus: Option<usize>,
    /// The row flashing after a focus, until the time given.
    flash: Option<(usize, f64)>,
}

impl DocView {
    /// Scroll to the measure with index `measure_index` of the plan shown next and flash it.
    pub fn focus_measure(&mut self, measure_index: usize) {
        self.pending_focus = Some(measure_index);
    }

    /// The row flashing (index into the rows), if any.
    pub fn flashing_row(&self) -> Option<usize> {
        self.flash.map(|(r, _)| r)
    }

    /// Draw `plan`; the measures toggle lives in `settings`.
    pub fn show(&mut self, ui: &mut egui::Ui, plan: &Plan, settings: &mut Settings) {
        let lang = settings.language;
        if self.plan_id != plan.plan_id || self.language != Some(lang) {
            self.set_plan(plan, lang);
        }
        plan_header(ui, plan, lang);
        ui.horizontal(|ui| {
            let counts = match lang {
                Language::Chinese => {
                    format!("提纲 {} 节 · 措施 {} 条", self.sections, self.measures)
                }
                Language::English => format!(
                    "Outline: {} sections · {} measures",
                    self.sections, self.measures
                ),
            };
            ui.label(egui::RichText::new(counts).strong());
            ui.add_space(12.0);
            ui.checkbox(
                &mut settings.show_measures,
                lang.pick("显示措施", "Show measures"),
            );
        });
        ui.separator();
        if self.rows.is_empty() {
            ui.label(
                egui::RichText::new(lang.pick(
                    "这个方案没有识别出标题和措施。",
                    "No headings or measures were found in this plan.",
                ))
                .weak(),
            );
            return;
        }
        if self.pending_focus.is_some() {
            settings.show_measures = true;
        }
        self.show_rows(ui, plan, settings);
    }

    fn set_plan(&mut self, plan: &Plan, lang: Language) {
        self.plan_id = plan.plan_id.clone();
        self.language = Some(lang);
        self.rows = plan_rows(plan, lang);
        self.sections = plan.section_count();
        self.measures = plan.measures().len();
        self.layout = Layout::default();
    }

    fn show_rows(&mut self, ui: &mut egui::Ui, plan: &Plan, settings: &Settings) {
        let dark = ui.visuals().dark_mode;
        let lang = settings.language;
        let now = ui.input(|i| i.time);
        let mut area = egui::ScrollArea::vertical()
            .id_salt(("plan_doc", &plan.plan_id))
            .auto_shrink(false);
        if let Some(index) = self.pending_focus
            && self.layout.is_complete()
        {
            self.pending_focus = None;
            let target = self.rows.iter().position(
                |r| matches!(r.kind, RowKind::Measure { number, .. } if number == index + 1),
            );
            if let Some(row) = target
                && let Some(pos) = self.layout.shown.iter().position(|&r| r == row)
                && let Some(&top) = self.layout.tops.get(pos)
            {
                area = area.vertical_scroll_offset((top - 120.0).max(0.0));
                self.flash = Some((row, now + 1.6));
            }
        }
        if let Some((_, until)) = self.flash {
            if now > until {
                self.flash = None;
            } else {
                ui.ctx().request_repaint();
            }
        }
        let flash_row = self.flash.map(|(r, _)| r);
        area.show_viewport(ui, |ui, viewport| {
            let key = LayoutKey {
                width: ui.available_width().floor(),
                pixels_per_point: ui.pixels_per_point(),
                dark,
                show_measures: settings.show_measures,
                body_size: TextStyle::Body.resolve(ui.style()).size,
            };
            if self.layout.key.as_ref() != Some(&key) {
                self.layout = Layout::estimate(ui, &self.rows, key);
            }
            // A measure to scroll to needs every row above it measured: all of them at once.
            let budget = self.pending_focus.is_none().then_some(LAYOUT_BUDGET);
            self.layout.refine(ui, &self.rows, viewport, budget);
            if !self.layout.is_complete() {
                // More rows next frame (not an immediate repaint: a test harness settles on it;
                // rows in view are always measured before they are painted).
                ui.ctx()
                    .request_repaint_after(std::time::Duration::from_millis(1));
            }
            let width = self.layout.key.as_ref().map_or(0.0, |k| k.width);
            ui.set_height(self.layout.total);
            ui.set_width(width);
            let origin = ui.max_rect().min;
            let first = self
                .layout
                .tops
                .partition_point(|&top| top < viewport.min.y)
                .saturating_sub(1);
            for (pos, &row_index) in self.layout.shown.iter().enumerate().skip(first) {
                let (Some(&top), Some(&height)) =
                    (self.layout.tops.get(pos), self.layout.heights.get(pos))
                else {
                    break;
                };
                if top > viewport.max.y {
                    break;
                }
                let Some(row) = self.rows.get(row_index) else {
                    break;
                };
                let rect =
                    Rect::from_min_size(origin + egui::vec2(0.0, top), egui::vec2(width, height));
                if flash_row == Some(row_index) {
                    ui.painter().rect_stroke(
                        rect.shrink(1.0),
                        4.0,
                        egui::Stroke::new(2.5, ui.visuals().selection.stroke.color),
                        egui::StrokeKind::Inside,
                    );
                }
                paint_row(ui, row, row_index, rect, dark, lang);
            }
        });
    }
}

/// The rows of a plan: the preamble's measures, then every section and its measures.
fn plan_rows(plan: &Plan, lang: Language) -> Vec<Row> {
    let mut rows = Vec::new();
    if !plan.preamble.measures.is_empty() {
        rows.push(Row {
            kind: RowKind::Heading {
                level: 1,
                label: String::new(),
                kind: None,
            },
            text: lang.pick("前言", "Preamble").to_owned(),
        });
        rows.extend(plan.preamble.measures.iter().map(|m| Row {
            kind: RowKind::Measure {
                number: m.index + 1,
                level: 1,
            },
            text: m.text.clone(),
        }));
    }
    for s in plan.all_sections() {
        rows.push(heading_row(s));
        rows.extend(s.measures.iter().map(|m| Row {
            kind: RowKind::Measure {
                number: m.index + 1,
                level: s.level,
            },
            text: m.text.clone(),
        }));
    }
    rows
}

fn heading_row(s: &Section) -> Row {
    Row {
        kind: RowKind::Heading {
            level: s.level,
            label: s.label.clone(),
            kind: Some(s.kind),
        },
        text: s.title.clone(),
    }
}

/// A heading's font: larger for the top levels.
fn heading_font(ui: &egui::Ui, level: usize) -> FontId {
    let body = TextStyle::Body.resolve(ui.style());
    let extra = match level {
        1 => 3.0,
        2 => 1.5,
        _ => 0.0,
    };
    FontId::new(body.size + extra, body.family)
}

/// The accessible name of a row: what it reads as.
fn row_name(row: &Row) -> String {
    match &row.kind {
        RowKind::Heading { label, .. } => join_label(label, &row.text),
        RowKind::Measure { .. } => row.text.clone(),
    }
}

/// Space above a row.
fn gap_above(row: &Row) -> f32 {
    match row.kind {
        RowKind::Heading { level: 1, .. } => 14.0,
        RowKind::Heading { level: 2, .. } => 8.0,
        RowKind::Heading { .. } => 5.0,
        RowKind::Measure { .. } => 2.0,
    }
}

/// Left edge of a row's text and the width it may take.
fn text_span(row: &Row, width: f32) -> (f32, f32) {
    match row.kind {
        RowKind::Heading { level, .. } => {
            let left = INDENT * level.saturating_sub(1) as f32;
            (left, (width - left - TAG_WIDTH - RIGHT_MARGIN).max(60.0))
        }
        RowKind::Measure { level, .. } => {
            let left = INDENT * level.saturating_sub(1) as f32 + NUMBER_WIDTH;
            (left, (width - left - RIGHT_MARGIN).max(60.0))
        }
    }
}

/// The text of a row laid out to `wrap_width`.
fn row_galley(ui: &egui::Ui, row: &Row, wrap_width: f32) -> Arc<Galley> {
    let visuals = ui.visuals();
    let mut job = LayoutJob::default();
    match &row.kind {
        RowKind::Heading { level, label, .. } => {
            let font = heading_font(ui, *level);
            if !label.is_empty() {
                let label_text = if label.ends_with(|c: char| c.is_ascii_punctuation()) {
                    format!("{label} ")
                } else {
                    label.clone()
                };
                job.append(
                    &label_text,
                    0.0,
                    TextFormat {
                        font_id: font.clone(),
                        color: visuals.weak_text_color(),
                        ..Default::default()
                    },
                );
            }
            job.append(
                &row.text,
                0.0,
                TextFormat {
                    font_id: font,
                    color: visuals.strong_text_color(),
                    ..Default::default()
                },
            );
        }
        RowKind::Measure { .. } => {
            job.append(
                &row.text,
                0.0,
                TextFormat {
                    font_id: TextStyle::Body.resolve(ui.style()),
                    color: visuals.text_color(),
                    line_height: Some(TextStyle::Body.resolve(ui.style()).size * 1.55),
                    ..Default::default()
                },
            );
        }
    }
    job.wrap = TextWrapping::wrap_at_width(wrap_width);
    ui.fonts_mut(|f| f.layout_job(job))
}

/// Draw one row in `rect` (its full slot, gap included) and give it an accessible node.
fn paint_row(ui: &mut egui::Ui, row: &Row, index: usize, rect: Rect, dark: bool, lang: Language) {
    let response = ui.interact(rect, ui.scope_id().with(("doc_row", index)), Sense::hover());
    let name = row_name(row);
    response.widget_info(|| WidgetInfo::labeled(Role::Label, true, &name));
    if !ui.is_rect_visible(rect) {
        return;
    }
    let (left, wrap) = text_span(row, rect.width());
    let galley = row_galley(ui, row, wrap);
    let top = rect.top() + gap_above(row);
    let painter = ui.painter();
    match &row.kind {
        RowKind::Heading { kind, level, .. } => {
            if *level == 1 && index > 0 {
                let y = rect.top() + gap_above(row) / 2.0;
                painter.hline(
                    rect.left()..=rect.right(),
                    y,
                    ui.visuals().widgets.noninteractive.bg_stroke,
                );
            }
            let first_line = galley.rows.first().map_or(galley.size().y, |r| r.height());
            if let Some(kind) = kind {
                let right_center = egui::pos2(rect.right() - RIGHT_MARGIN, top + first_line / 2.0);
                paint_kind_tag(ui, *kind, dark, lang, f32::INFINITY, |size| {
                    egui::pos2(right_center.x - size.x, right_center.y - size.y / 2.0)
                });
            }
            ui.painter().galley(
                egui::pos2(rect.left() + left, top),
                galley,
                ui.visuals().text_color(),
            );
        }
        RowKind::Measure { number, .. } => {
            let small = TextStyle::Small.resolve(ui.style());
            let first_line = galley.rows.first().map_or(galley.size().y, |r| r.height());
            painter.text(
                egui::pos2(rect.left() + left - 8.0, top + first_line / 2.0),
                egui::Align2::RIGHT_CENTER,
                number.to_string(),
                small,
                ui.visuals().weak_text_color(),
            );
            painter.galley(
                egui::pos2(rect.left() + left, top),
                galley,
                ui.visuals().text_color(),
            );
        }
    }
}

/// The kind's name in the UI language (Chinese label or English).
pub(crate) fn kind_name(kind: SectionKind, lang: Language) -> &'static str {
    match lang {
        Language::Chinese => kind.label(),
        Language::English => match kind {
            SectionKind::Profile => "Profile",
            SectionKind::Guidance => "Guidance",
            SectionKind::Principles => "Principles",
            SectionKind::Goals => "Goals",
            SectionKind::Tasks => "Tasks",
            SectionKind::Safeguards => "Safeguards",
            SectionKind::Other => "Other",
        },
    }
}

/// A small rounded tag naming the kind, at most `max_width` wide (longer names are truncated);
/// `place` turns the tag's size into its top-left corner.
pub(crate) fn paint_kind_tag(
    ui: &egui::Ui,
    kind: SectionKind,
    dark: bool,
    lang: Language,
    max_width: f32,
    place: impl FnOnce(egui::Vec2) -> egui::Pos2,
) {
    let font = TextStyle::Small.resolve(ui.style());
    let text_color = if dark {
        Color32::from_gray(230)
    } else {
        Color32::from_gray(40)
    };
    let mut job = egui::text::LayoutJob::simple_singleline(
        kind_name(kind, lang).to_owned(),
        font,
        text_color,
    );
    job.wrap = egui::text::TextWrapping::truncate_at_width(max_width);
    let galley = ui.fonts_mut(|f| f.layout_job(job));
    let pad = egui::vec2(6.0, 1.0);
    let size = galley.size() + 2.0 * pad;
    let rect = Rect::from_min_size(place(size), size);
    ui.painter()
        .rect_filled(rect, 6.0, theme::kind_color(kind, dark));
    ui.painter().galley(rect.min + pad, galley, text_color);
}

/// Title, name and metadata of the plan.
fn plan_header(ui: &mut egui::Ui, plan: &Plan, lang: Language) {
    ui.add_space(4.0);
    let title = plan.meta.title.as_deref().unwrap_or(&plan.name);
    ui.add(egui::Label::new(egui::RichText::new(title).heading().strong()).wrap());
    let mut fields: Vec<(&str, String)> = Vec::new();
    // 上海市 · 上海市浦东新区（临港地区） says the province twice: keep the name alone then.
    let province = plan
        .province
        .as_deref()
        .filter(|p| !plan.name.starts_with(p));
    let place: Vec<&str> = [province, Some(plan.name.as_str()), plan.level.as_deref()]
        .into_iter()
        .flatten()
        .collect();
    fields.push((lang.pick("地区", "Place"), place.join(" · ")));
    if let Some(v) = &plan.meta.doc_number {
        fields.push((lang.pick("文号", "Doc. no."), v.clone()));
    }
    if let Some(v) = &plan.meta.issuer {
        fields.push((lang.pick("发文机关", "Issuer"), v.clone()));
    }
    if let Some(v) = &plan.meta.date {
        fields.push((lang.pick("日期", "Date"), v.clone()));
    }
    if let Some(v) = &plan.meta.period {
        fields.push((lang.pick("规划期", "Period"), v.clone()));
    }
    fields.push((
        lang.pick("来源", "Source"),
        format!("{} ({})", plan.source, plan.encoding),
    ));
    ui.horizontal_wrapped(|ui| {
        let small = TextStyle::Small.resolve(ui.style());
        let body = TextStyle::Body.resolve(ui.style());
        for (key, value) in &fields {
            // Key and value as one unbroken piece, so a line never ends between the two.
            let mut job = LayoutJob::default();
            job.append(
                key,
                0.0,
                TextFormat {
                    font_id: small.clone(),
                    color: ui.visuals().weak_text_color(),
                    valign: egui::Align::Center,
                    ..Default::default()
                },
            );
            job.append(
                value,
                6.0,
                TextFormat {
                    font_id: body.clone(),
                    color: ui.visuals().text_color(),
                    valign: egui::Align::Center,
                    ..Default::default()
                },
            );
            ui.add(egui::Label::new(job).extend());
            ui.add_space(10.0);
        }
    });
    ui.add_space(2.0);
}
