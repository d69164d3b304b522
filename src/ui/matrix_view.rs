//! The theme × plan matrix: how many coded segments each theme has in each plan, as a painted
//! heatmap, with the segments of a clicked cell listed below and one theme's coverage across plans
//! as horizontal bars.
//!
//! - Rows are the codebook's themes in [`Codebook::depth_first`](crate::themes::Codebook) order,
//!   indented by depth with their colour swatch, staying in view when the cells scroll
//!   sideways; a parent row aggregates its subtree (see [`Matrix`]). Columns are the compared
//!   plans (all plans on request, or when none is compared), in their order.
//! - Cells show counts or shares ([`CellValue`]) on the single-hue ramp of the overview
//!   ([`super::overview::ramp_color`]), empty cells left blank; only cells in view are painted.
//! - The matrix is rebuilt only when the tags, the codebook tree or the corpus change (a hash of
//!   them is compared each frame, which costs a pass over the tags and no allocation per tag).
//! - Painted cells, row names and bars carry AccessKit labels, so tests find them by text.

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

use egui::text::{LayoutJob, TextWrapping};
use egui::{Color32, Mesh, Pos2, Rect, Role, Sense, Shape, WidgetInfo};

use crate::coding_segments::{self, SegmentSection};
use crate::corpus::Corpus;
use crate::project::Project;
use crate::themes::Matrix;

use super::command::UiCommand;
use super::context::ViewContext;
use super::jobs::{Job, computing_ui};
use super::overview::ramp_color;
use super::settings::Language;

/// Cell width, in points.
const CELL_W: f32 = 24.0;
/// Cell (row) height, in points.
const CELL_H: f32 = 20.0;
/// Width of the theme names on the left.
const ROW_AXIS: f32 = 220.0;
/// Height of the plan names on top (written vertically).
const COL_AXIS: f32 = 110.0;

/// What the cells show.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum CellValue {
    /// Number of distinct coded segments.
    #[default]
    Count,
    /// Share of the plan's measures touched by them.
    Share,
}

/// One coded segment of a cell, as listed under the matrix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SegmentRow {
    /// The tag.
    pub tag_id: u64,
    /// Its theme (the row's theme or one below it).
    pub theme_id: String,
    /// The plan.
    pub plan_id: String,
    /// The plan's name.
    pub plan_name: String,
    /// Heading of the section holding it (`前言` for the preamble, empty when unknown).
    pub section: String,
    /// The tagged text.
    pub quote: String,
    /// The researcher's note.
    pub memo: String,
    /// Index in the plan's `measures()` of the measure holding the segment, if found.
    pub measure_index: Option<usize>,
}

/// The segments of one cell ([`crate::coding_segments::cell_segments`]), with the section of
/// each in the interface language (`前言` for the preamble).
pub fn cell_segments(
    project: &Project,
    corpus: &Corpus,
    theme_id: &str,
    plan_id: &str,
    lang: Language,
) -> Vec<SegmentRow> {
    coding_segments::cell_segments(project, corpus, theme_id, plan_id)
        .into_iter()
        .map(|seg| SegmentRow {
            section: match seg.section {
                SegmentSection::Preamble => lang.pick("前言", "Preamble").to_string(),
                SegmentSection::Heading(h) => h,
                SegmentSection::Unknown => String::new(),
            },
            tag_id: seg.tag_id,
            theme_id: seg.theme_id,
            plan_id: seg.plan_id,
            plan_name: seg.plan_name,
            quote: seg.quote,
            memo: seg.memo,
            measure_index: seg.measure_index,
        })
        .collect()
}

/// `宅基地制度改革 × 淄博市：12 段（3.4%）`.
pub fn cell_text(matrix: &Matrix, row: usize, col: usize, lang: Language) -> String {
    let theme = matrix.theme_names.get(row).map_or("", String::as_str);
    let plan = matrix.plan_names.get(col).map_or("", String::as_str);
    let n = matrix
        .counts
        .get(row)
        .and_then(|r| r.get(col))
        .copied()
        .unwrap_or(0);
    let share = matrix
        .shares
        .get(row)
        .and_then(|r| r.get(col))
        .copied()
        .unwrap_or(0.0)
        * 100.0;
    match lang {
        Language::Chinese => format!("{theme} × {plan}：{n} 段（{share:.1}%）"),
        Language::English => format!("{theme} × {plan}: {n} segments ({share:.1}%)"),
    }
}

/// The matrix view's state.
#[derive(Debug, Default)]
pub struct MatrixView {
    /// The [`ViewContext::corpus_revision`] last drawn with: the caches' key, not the corpus's
    /// address (a freed and reallocated corpus can reuse that).
    corpus_revision: u64,
    /// Counts or shares in the cells.
    pub value: CellValue,
    /// The matrix, built on a background thread for big corpora.
    matrix: Job<u64, Matrix>,
    key: Option<u64>,
    /// The cell clicked: (theme id, plan id).
    cell: Option<(String, String)>,
    /// The theme whose bars are shown.
    bar_theme: Option<String>,
    /// Segments of the cell clicked, listed below.
    segments: Vec<SegmentRow>,
    /// Show every loaded plan, not only the compared ones.
    pub all_plans: bool,
}

/// `m` with only the columns of `plans` (in that order).
pub fn only_columns(m: &Matrix, plans: &[String]) -> Matrix {
    let cols: Vec<usize> = plans
        .iter()
        .filter_map(|id| m.plans.iter().position(|p| p == id))
        .collect();
    let pick = |row: &Vec<usize>| {
        cols.iter()
            .map(|&c| row.get(c).copied().unwrap_or(0))
            .collect()
    };
    let pick_f = |row: &Vec<f32>| {
        cols.iter()
            .map(|&c| row.get(c).copied().unwrap_or(0.0))
            .collect()
    };
    Matrix {
        themes: m.themes.clone(),
        theme_names: m.theme_names.clone(),
        depths: m.depths.clone(),
        plans: cols
            .iter()
            .filter_map(|&c| m.plans.get(c).cloned())
            .collect(),
        plan_names: cols
            .iter()
            .filter_map(|&c| m.plan_names.get(c).cloned())
            .collect(),
        counts: m.counts.iter().map(pick).collect(),
        shares: m.shares.iter().map(pick_f).collect(),
    }
}

impl MatrixView {
    /// Draw from `cx` (the one view contract); a click's wish goes into `out`. Columns: the compared plans, or all on request.
    pub fn ui(&mut self, ui: &mut egui::Ui, cx: &ViewContext<'_>, out: &mut Vec<UiCommand>) {
        self.corpus_revision = cx.corpus_revision;
        let Some(corpus) = cx.corpus else {
            return;
        };
        out.extend(self.show(
            ui,
            cx.project,
            corpus,
            &cx.settings.compared_plans,
            cx.language,
        ));
    }

    /// A view with nothing selected.
    pub fn new() -> Self {
        Self::default()
    }

    /// The matrix shown (built on first draw).
    pub fn matrix(&self) -> Option<&Matrix> {
        self.key.as_ref().and_then(|k| self.matrix.get(k))
    }

    /// Is the matrix of the tags last drawn ready?
    pub fn is_ready(&self) -> bool {
        self.matrix().is_some()
    }

    /// Background builds run above this many plans (tests lower it to 0).
    pub fn set_inline_max(&mut self, plans: usize) {
        self.matrix.inline_max = plans;
    }

    /// The segments listed for the clicked cell.
    pub fn segments(&self) -> &[SegmentRow] {
        &self.segments
    }

    /// The cell clicked, as (theme id, plan id).
    pub fn selected_cell(&self) -> Option<(&str, &str)> {
        self.cell.as_ref().map(|(t, p)| (t.as_str(), p.as_str()))
    }

    /// Rebuild when the tags, themes or corpus changed.
    fn update(&mut self, ctx: &egui::Context, project: &Project, corpus: &Arc<Corpus>) -> bool {
        let mut h = DefaultHasher::new();
        (self.corpus_revision, corpus.plans.len()).hash(&mut h);
        for t in &project.codebook.themes {
            (&t.theme_id, &t.name, &t.parent).hash(&mut h);
        }
        project.tags.len().hash(&mut h);
        for t in &project.tags {
            (t.tag_id, &t.theme_id, &t.plan_id, t.orphaned).hash(&mut h);
        }
        let key = h.finish();
        if self.key != Some(key) {
            self.key = Some(key);
            self.segments.clear();
            self.cell = None;
        }
        if self.matrix.get(&key).is_some() {
            return true;
        }
        let (codebook, segments, c) = (
            project.codebook.clone(),
            project.segments(),
            Arc::clone(corpus),
        );
        self.matrix.ensure(ctx, key, corpus.plans.len(), move |_| {
            Matrix::build(&codebook, &c.plans, &segments)
        })
    }

    /// Draw the matrix, the bars of the selected theme and the segments of the clicked cell;
    /// returns what a click on a segment asks the app to do.
    /// `compared`: the compared plans' ids; the columns are those (unless there are none, or
    /// the user asked for all plans).
    pub fn show(
        &mut self,
        ui: &mut egui::Ui,
        project: &Project,
        corpus: &Arc<Corpus>,
        compared: &[String],
        lang: Language,
    ) -> Option<UiCommand> {
        if !self.update(ui.ctx(), project, corpus) {
            computing_ui(ui, &self.matrix, ("主题矩阵", "the theme matrix"), lang);
            return None;
        }
        let (key, matrix) = self.matrix.take()?;
        ui.horizontal(|ui| {
            ui.label(
                egui::RichText::new(lang.pick("列", "Columns"))
                    .small()
                    .weak(),
            );
            let label = match lang {
                Language::Chinese => format!("对照中的 {} 个方案", compared.len()),
                Language::English => format!("the {} compared plans", compared.len()),
            };
            ui.add_enabled_ui(!compared.is_empty(), |ui| {
                ui.radio_value(&mut self.all_plans, false, label);
            });
            let all = match lang {
                Language::Chinese => format!("全部 {} 个方案", matrix.plans.len()),
                Language::English => format!("all {} plans", matrix.plans.len()),
            };
            ui.radio_value(&mut self.all_plans, true, all);
        });
        let command = if self.all_plans || compared.is_empty() {
            self.show_matrix(ui, &matrix, project, corpus, lang)
        } else {
            let narrowed = only_columns(&matrix, compared);
            self.show_matrix(ui, &narrowed, project, corpus, lang)
        };
        self.matrix.set(key, matrix);
        command
    }

    fn show_matrix(
        &mut self,
        ui: &mut egui::Ui,
        m: &Matrix,
        project: &Project,
        corpus: &Corpus,
        lang: Language,
    ) -> Option<UiCommand> {
        let max_count = m.counts.iter().flatten().copied().max().unwrap_or(0);
        let max_share = m.shares.iter().flatten().copied().fold(0.0f32, f32::max);
        ui.horizontal(|ui| {
            ui.label(
                egui::RichText::new(
                    lang.pick("主题 × 方案：编码段落", "Theme × plan: coded segments"),
                )
                .strong(),
            );
            ui.selectable_value(
                &mut self.value,
                CellValue::Count,
                lang.pick("段数", "Count"),
            );
            ui.selectable_value(
                &mut self.value,
                CellValue::Share,
                lang.pick("占比", "Share"),
            );
            legend_ui(ui, self.value, max_count, max_share, lang);
        });
        ui.separator();
        if m.themes.is_empty() || m.plans.is_empty() {
            ui.label(lang.pick("码本或方案为空", "No themes or no plans"));
            return None;
        }
        let dark = ui.visuals().dark_mode;
        let level = |r: usize, c: usize| -> (u32, u32) {
            match self.value {
                CellValue::Count => (
                    m.counts.get(r).and_then(|x| x.get(c)).copied().unwrap_or(0) as u32,
                    max_count as u32,
                ),
                CellValue::Share => (
                    (m.shares
                        .get(r)
                        .and_then(|x| x.get(c))
                        .copied()
                        .unwrap_or(0.0)
                        * 1000.0)
                        .round() as u32,
                    (max_share * 1000.0).round() as u32,
                ),
            }
        };
        let rows = m.themes.len();
        let cols = m.plans.len();
        let grid_w = cols as f32 * CELL_W;
        let grid_h = rows as f32 * CELL_H;
        let mut clicked_cell = None;
        let mut clicked_row = None;
        let height = (ui.available_height() * 0.6).max(200.0);
        egui::ScrollArea::both()
            .id_salt("theme_matrix")
            .max_height(height)
            .auto_shrink([false, true])
            .show_viewport(ui, |ui, viewport| {
                ui.set_width(ROW_AXIS + grid_w);
                ui.set_height(COL_AXIS + grid_h);
                let top_left = ui.max_rect().min;
                let origin = top_left + egui::vec2(ROW_AXIS, COL_AXIS);
                let view = viewport.translate(top_left.to_vec2());
                let first_row = (((view.min.y - origin.y) / CELL_H).floor().max(0.0)) as usize;
                let last_row =
                    ((((view.max.y - origin.y) / CELL_H).ceil().max(0.0)) as usize).min(rows);
                let first_col = (((view.min.x - origin.x) / CELL_W).floor().max(0.0)) as usize;
                let last_col =
                    ((((view.max.x - origin.x) / CELL_W).ceil().max(0.0)) as usize).min(cols);
                let text_color = ui.visuals().text_color();
                let font = egui::TextStyle::Small.resolve(ui.style());
                let painter = ui.painter().clone();
                // Cells.
                let mut mesh = Mesh::default();
                let mut cells = Vec::new();
                for r in first_row..last_row {
                    for c in first_col..last_col {
                        let (v, max) = level(r, c);
                        if v == 0 {
                            continue;
                        }
                        let min = origin + egui::vec2(c as f32 * CELL_W, r as f32 * CELL_H);
                        let rect = Rect::from_min_size(min, egui::vec2(CELL_W - 1.0, CELL_H - 1.0));
                        mesh.add_colored_rect(rect, ramp_color(v, max, dark));
                        cells.push((r, c, rect));
                    }
                }
                painter.add(Shape::mesh(mesh));
                if let Some((t, p)) = &self.cell
                    && let (Some(r), Some(c)) = (
                        m.themes.iter().position(|x| x == t),
                        m.plans.iter().position(|x| x == p),
                    )
                {
                    let rect = Rect::from_min_size(
                        origin + egui::vec2(c as f32 * CELL_W, r as f32 * CELL_H),
                        egui::vec2(CELL_W - 1.0, CELL_H - 1.0),
                    );
                    painter.rect_stroke(rect, 0.0, (2.0, text_color), egui::StrokeKind::Inside);
                }
                for (r, c, rect) in cells {
                    let text = cell_text(m, r, c, lang);
                    let response = ui.interact(
                        rect,
                        ui.scope_id().with(("matrix_cell", r, c)),
                        Sense::click(),
                    );
                    response.widget_info(|| WidgetInfo::labeled(Role::Cell, true, text.clone()));
                    let response = response.on_hover_text_at_pointer(&text);
                    if response.clicked() {
                        clicked_cell = Some((r, c));
                    }
                }
                // Row names: swatch and name, indented by depth; they stay at the left edge of
                // the view when the cells scroll sideways (on a background hiding the cells).
                let left = view.min.x.max(top_left.x);
                if left > top_left.x {
                    painter.rect_filled(
                        Rect::from_min_max(
                            Pos2::new(left, view.min.y.max(origin.y)),
                            Pos2::new(left + ROW_AXIS, view.max.y),
                        ),
                        0.0,
                        ui.visuals().panel_fill,
                    );
                }
                for r in first_row..last_row {
                    let y = origin.y + r as f32 * CELL_H;
                    let depth = m.depths.get(r).copied().unwrap_or(0) as f32;
                    let row_rect =
                        Rect::from_min_size(Pos2::new(left, y), egui::vec2(ROW_AXIS - 4.0, CELL_H));
                    let theme_id = m.themes.get(r).map_or("", String::as_str);
                    let color = project.codebook.theme(theme_id).map_or(Color32::GRAY, |t| {
                        Color32::from_rgb(t.color[0], t.color[1], t.color[2])
                    });
                    let x = left + 4.0 + depth * 12.0;
                    painter.rect_filled(
                        Rect::from_min_size(Pos2::new(x, y + 4.0), egui::vec2(10.0, 10.0)),
                        2.0,
                        color,
                    );
                    let name = row_name(m, project, r, lang);
                    let mut job =
                        LayoutJob::simple_singleline(name.clone(), font.clone(), text_color);
                    job.wrap = TextWrapping::truncate_at_width(ROW_AXIS - 24.0 - depth * 12.0);
                    let galley = ui.fonts_mut(|f| f.layout_job(job));
                    painter.galley(Pos2::new(x + 14.0, y + 3.0), galley, text_color);
                    let response = ui.interact(
                        row_rect,
                        ui.scope_id().with(("matrix_row", r)),
                        Sense::click(),
                    );
                    response
                        .widget_info(|| WidgetInfo::labeled(Role::RowHeader, true, name.clone()));
                    if self.bar_theme.as_deref() == Some(theme_id) {
                        painter.rect_stroke(
                            row_rect,
                            2.0,
                            (1.0, text_color),
                            egui::StrokeKind::Inside,
                        );
                    }
                    if response.on_hover_text(&name).clicked() {
                        clicked_row = Some(r);
                    }
                }
                // Plan names on top, rotated.
                for c in first_col..last_col {
                    let Some(name) = m.plan_names.get(c) else {
                        continue;
                    };
                    let mut job =
                        LayoutJob::simple_singleline(name.clone(), font.clone(), text_color);
                    job.wrap = TextWrapping::truncate_at_width(COL_AXIS - 6.0);
                    let galley = ui.fonts_mut(|f| f.layout_job(job));
                    let x = origin.x + c as f32 * CELL_W + (CELL_W - galley.size().y) / 2.0;
                    let shape = egui::epaint::TextShape::new(
                        Pos2::new(x, origin.y - 4.0),
                        galley,
                        text_color,
                    )
                    .with_angle(-std::f32::consts::FRAC_PI_2);
                    painter.add(shape);
                }
            });
        if let Some((r, c)) = clicked_cell
            && let (Some(t), Some(p)) = (m.themes.get(r), m.plans.get(c))
        {
            self.segments = cell_segments(project, corpus, t, p, lang);
            self.cell = Some((t.clone(), p.clone()));
            self.bar_theme = Some(t.clone());
        }
        if let Some(r) = clicked_row {
            self.bar_theme = m.themes.get(r).cloned();
        }
        ui.separator();
        let mut command = None;
        ui.columns(2, |columns| {
            if let [left, right] = columns {
                self.bars_ui(left, m, project, lang);
                command = self.segments_ui(right, m, lang);
            }
        });
        command
    }

    /// One theme's counts across plans, largest first, as horizontal bars.
    fn bars_ui(&mut self, ui: &mut egui::Ui, m: &Matrix, project: &Project, lang: Language) {
        let Some(r) = self
            .bar_theme
            .as_ref()
            .and_then(|t| m.themes.iter().position(|x| x == t))
        else {
            ui.label(
                egui::RichText::new(lang.pick(
                    "点击主题名查看其在各方案的分布",
                    "Click a theme name for its coverage across plans",
                ))
                .weak(),
            );
            return;
        };
        let name = row_name(m, project, r, lang);
        ui.label(egui::RichText::new(name).strong());
        let counts = m.counts.get(r).cloned().unwrap_or_default();
        let mut bars: Vec<(usize, usize)> = counts
            .iter()
            .copied()
            .enumerate()
            .filter(|(_, n)| *n > 0)
            .collect();
        bars.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        if bars.is_empty() {
            ui.label(
                egui::RichText::new(lang.pick("尚无编码段落", "No coded segments yet")).weak(),
            );
            return;
        }
        let max = bars.first().map_or(1, |b| b.1).max(1);
        let color = project
            .codebook
            .theme(m.themes.get(r).map_or("", String::as_str))
            .map_or(Color32::GRAY, |t| {
                Color32::from_rgb(t.color[0], t.color[1], t.color[2])
            });
        let text_color = ui.visuals().text_color();
        let font = egui::TextStyle::Small.resolve(ui.style());
        egui::ScrollArea::vertical()
            .id_salt("theme_bars")
            .auto_shrink([false, true])
            .show_rows(ui, 18.0, bars.len(), |ui, range| {
                for &(c, n) in bars.get(range).unwrap_or(&[]) {
                    let plan = m.plan_names.get(c).map_or("", String::as_str);
                    let width = ui.available_width();
                    let (rect, response) =
                        ui.allocate_exact_size(egui::vec2(width, 16.0), Sense::hover());
                    let label = format!("{plan}: {n}");
                    response.widget_info(|| WidgetInfo::labeled(Role::Label, true, label.clone()));
                    let painter = ui.painter();
                    let name_w = 120.0f32.min(width * 0.4);
                    let mut job =
                        LayoutJob::simple_singleline(plan.to_string(), font.clone(), text_color);
                    job.wrap = TextWrapping::truncate_at_width(name_w - 4.0);
                    let galley = ui.fonts_mut(|f| f.layout_job(job));
                    painter.galley(rect.min + egui::vec2(0.0, 1.0), galley, text_color);
                    let bar_max = (width - name_w - 40.0).max(10.0);
                    let bar = Rect::from_min_size(
                        rect.min + egui::vec2(name_w, 2.0),
                        egui::vec2(bar_max * n as f32 / max as f32, 12.0),
                    );
                    painter.rect_filled(bar, 1.0, color);
                    painter.text(
                        Pos2::new(bar.max.x + 4.0, rect.center().y),
                        egui::Align2::LEFT_CENTER,
                        n.to_string(),
                        font.clone(),
                        text_color,
                    );
                }
            });
    }

    /// The clicked cell's segments; a click on one focuses its measure.
    fn segments_ui(&mut self, ui: &mut egui::Ui, m: &Matrix, lang: Language) -> Option<UiCommand> {
        let Some((t, p)) = &self.cell else {
            ui.label(
                egui::RichText::new(
                    lang.pick("点击单元格列出其段落", "Click a cell to list its segments"),
                )
                .weak(),
            );
            return None;
        };
        let (Some(r), Some(c)) = (
            m.themes.iter().position(|x| x == t),
            m.plans.iter().position(|x| x == p),
        ) else {
            return None;
        };
        ui.label(egui::RichText::new(cell_text(m, r, c, lang)).strong());
        let mut command = None;
        egui::ScrollArea::vertical()
            .id_salt("cell_segments")
            .auto_shrink([false, true])
            .show(ui, |ui| {
                for s in &self.segments {
                    ui.label(
                        egui::RichText::new(format!("{} · {}", s.plan_name, s.section))
                            .small()
                            .weak(),
                    );
                    let r =
                        ui.add(egui::Label::new(format!("“{}”", s.quote)).sense(Sense::click()));
                    if r.clicked()
                        && let Some(k) = s.measure_index
                    {
                        command = Some(UiCommand::FocusMeasure {
                            plan_id: s.plan_id.clone(),
                            measure_index: k,
                        });
                    }
                    if !s.memo.is_empty() {
                        ui.label(egui::RichText::new(format!("✎ {}", s.memo)).italics());
                    }
                    ui.add_space(4.0);
                }
            });
        command
    }
}

/// A row's theme name in the language shown.
fn row_name(m: &Matrix, project: &Project, r: usize, lang: Language) -> String {
    let id = m.themes.get(r).map_or("", String::as_str);
    match project.codebook.theme(id) {
        Some(t) => super::themes_panel::theme_label(t, lang).to_string(),
        None => m.theme_names.get(r).cloned().unwrap_or_default(),
    }
}

/// The colour scale from 0 to the largest value.
fn legend_ui(
    ui: &mut egui::Ui,
    value: CellValue,
    max_count: usize,
    max_share: f32,
    lang: Language,
) {
    let dark = ui.visuals().dark_mode;
    let max_label = match value {
        CellValue::Count => max_count.to_string(),
        CellValue::Share => format!("{:.1}%", max_share * 100.0),
    };
    ui.add_space(10.0);
    ui.label(egui::RichText::new("0").small());
    let (rect, response) = ui.allocate_exact_size(egui::vec2(140.0, 12.0), Sense::hover());
    response.widget_info(|| {
        WidgetInfo::labeled(Role::Image, true, lang.pick("颜色图例", "Colour legend"))
    });
    let steps = 24;
    let mut mesh = Mesh::default();
    for k in 0..steps {
        let t = (k + 1) as f32 / steps as f32;
        let x0 = rect.left() + rect.width() * k as f32 / steps as f32;
        let x1 = rect.left() + rect.width() * (k + 1) as f32 / steps as f32;
        let r = Rect::from_x_y_ranges(x0..=x1, rect.y_range());
        mesh.add_colored_rect(r, ramp_color((t * t * 1000.0) as u32, 1000, dark));
    }
    ui.painter().add(Shape::mesh(mesh));
    ui.label(egui::RichText::new(max_label).small());
}
