//! The similarity overview: a heatmap of shared measures between every pair of plans, in the
//! clustered order of [`Overview::order`], so that groups of similar plans show as dark blocks.
//!
//! - Colour: a single-hue blue ramp (ColorBrewer "Blues" stops), light to dark for more shared
//!   measures (reversed in the dark theme), on a square-root scale so that the few large counts do
//!   not wash out the many small ones; no shared measure is the plain background, the diagonal a
//!   neutral grey. A single hue ordered by lightness reads for colour-blind users too.
//! - Size: cells shrink to fit the view down to [`MIN_CELL`] points, then the grid scrolls; only
//!   the cells in view are painted, as one mesh (500 × 500 plans stay cheap). Plan names are on
//!   both axes in a font as high as a cell while that is at least 8 points, and always in the
//!   tooltip.
//! - Hovering a cell shows `A × B：N 条共有措施`; a click asks the app to compare the two plans.

use std::ops::Range;

use egui::text::{LayoutJob, TextWrapping};
use egui::{Color32, Mesh, Pos2, Rect, Role, Sense, Shape, TextStyle, WidgetInfo};

use crate::corpus::Corpus;
use crate::matching::Analysis;
use crate::overview::Overview;

use super::command::UiCommand;
use super::context::ViewContext;
use super::settings::Language;

/// Smallest cell side, in points (smaller cells are hard to hit with the pointer, and a full
/// view of them is ~70,000 quads).
pub const MIN_CELL: f32 = 6.0;
/// Largest cell side, in points.
pub const MAX_CELL: f32 = 28.0;
/// Smallest font size of the plan names on the axes; below it the names are only on hover.
const MIN_NAME_SIZE: f32 = 8.0;
/// Width of the row names and height of the column names.
const AXIS: f32 = 110.0;

/// ColorBrewer "Blues" (9 classes), light to dark.
const BLUES: [(u8, u8, u8); 9] = [
    (247, 251, 255),
    (222, 235, 247),
    (198, 219, 239),
    (158, 202, 225),
    (107, 174, 214),
    (66, 146, 198),
    (33, 113, 181),
    (8, 81, 156),
    (8, 48, 107),
];

/// What the overview was built for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct OverviewKey {
    corpus_revision: u64,
    plans_len: usize,
    measures: usize,
    families: usize,
}

/// Where the grid was painted last frame.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Geometry {
    /// Screen position of the top-left of cell (0, 0) of the display order.
    origin: Pos2,
    cell: f32,
    /// The visible part of the grid, in screen coordinates.
    clip: Rect,
}

/// The overview's state: the matrix of the loaded corpus and where its grid is on screen.
#[derive(Debug, Default)]
pub struct OverviewView {
    /// The [`ViewContext::corpus_revision`] last drawn with: the caches' key, not the corpus's
    /// address (a freed and reallocated corpus can reuse that).
    corpus_revision: u64,
    overview: Option<Overview>,
    key: Option<OverviewKey>,
    geometry: Option<Geometry>,
}

/// Colour of `count` out of `max` (`t` from 0 to 1 on a square-root scale).
pub fn ramp_color(count: u32, max: u32, dark: bool) -> Color32 {
    let t = if max == 0 {
        0.0
    } else {
        (count as f32 / max as f32).sqrt().clamp(0.0, 1.0)
    };
    // Light theme: light → dark; dark theme: dark → light.
    let t = if dark { 1.0 - t * 0.85 } else { 0.1 + t * 0.9 };
    let x = t * (BLUES.len() - 1) as f32;
    let k = (x.floor() as usize).min(BLUES.len() - 2);
    let f = x - k as f32;
    let (a, b) = (BLUES[k], BLUES[k + 1]);
    let mix = |p: u8, q: u8| (p as f32 + (q as f32 - p as f32) * f).round() as u8;
    Color32::from_rgb(mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
}

impl OverviewView {
    /// Draw from `cx` (the one view contract); a click's wish goes into `out`. Nothing is drawn before the corpus and its analysis.
    pub fn ui(&mut self, ui: &mut egui::Ui, cx: &ViewContext<'_>, out: &mut Vec<UiCommand>) {
        self.corpus_revision = cx.corpus_revision;
        let (Some(corpus), Some(analysis)) = (cx.corpus, cx.analysis) else {
            return;
        };
        out.extend(self.show(ui, corpus, analysis, cx.language));
    }

    /// The matrix shown (built on first draw).
    pub fn overview(&self) -> Option<&Overview> {
        self.overview.as_ref()
    }

    /// Screen centre of the cell of plans `a` (row) and `b` (column), corpus indexes, as painted
    /// last frame; `None` if it is out of view.
    pub fn cell_center(&self, a: usize, b: usize) -> Option<Pos2> {
        let o = self.overview.as_ref()?;
        let g = self.geometry?;
        let row = o.order.iter().position(|&p| p == a)?;
        let col = o.order.iter().position(|&p| p == b)?;
        let c = g.origin + egui::vec2((col as f32 + 0.5) * g.cell, (row as f32 + 0.5) * g.cell);
        g.clip.contains(c).then_some(c)
    }

    /// Build the matrix if the corpus or analysis changed.
    fn update(&mut self, corpus: &Corpus, analysis: &Analysis) {
        let key = OverviewKey {
            corpus_revision: self.corpus_revision,
            plans_len: corpus.plans.len(),
            measures: analysis.measures.len(),
            families: analysis.families.len(),
        };
        if self.key != Some(key) {
            self.overview = Some(Overview::build(&corpus.plans, analysis));
            self.key = Some(key);
        }
    }

    /// Draw the heatmap; returns what a click asks the app to do.
    pub fn show(
        &mut self,
        ui: &mut egui::Ui,
        corpus: &Corpus,
        analysis: &Analysis,
        lang: Language,
    ) -> Option<UiCommand> {
        self.update(corpus, analysis);
        self.show_overview(ui, lang)
    }

    /// A view of a matrix built elsewhere (draw it with [`OverviewView::show_overview`]).
    pub fn with_overview(overview: Overview) -> Self {
        OverviewView {
            overview: Some(overview),
            key: None,
            geometry: None,
            corpus_revision: 0,
        }
    }

    /// Draw the matrix held, as it is (no rebuild); returns what a click asks the app to do.
    pub fn show_overview(&mut self, ui: &mut egui::Ui, lang: Language) -> Option<UiCommand> {
        let Some(o) = &self.overview else {
            return None;
        };
        let n = o.len();
        ui.label(
            egui::RichText::new(match lang {
                Language::Chinese => format!("{n} 个方案两两之间的共有措施"),
                Language::English => format!("Shared measures between every two of {n} plans"),
            })
            .strong(),
        );
        legend_ui(ui, o.max_count, lang);
        ui.separator();
        if n == 0 {
            return None;
        }
        let available = ui.available_size();
        let fit = ((available.x.min(available.y) - AXIS - 16.0) / n as f32).floor();
        let cell = fit.clamp(MIN_CELL, MAX_CELL);
        // Names as high as a cell allows, at most the small text size.
        let small = TextStyle::Small.resolve(ui.style());
        let name_size = (cell * 0.85).min(small.size).floor();
        let names = name_size >= MIN_NAME_SIZE;
        let axis = if names { AXIS } else { 0.0 };
        let grid = cell * n as f32;
        let mut command = None;
        let mut geometry = None;
        egui::ScrollArea::both()
            .id_salt("overview_grid")
            .auto_shrink(false)
            .show_viewport(ui, |ui, viewport| {
                ui.set_width(axis + grid);
                ui.set_height(axis + grid);
                let top_left = ui.max_rect().min;
                let origin = top_left + egui::vec2(axis, axis);
                // Visible part of the grid in screen coordinates (below and right of the names).
                let screen_view = viewport.translate(top_left.to_vec2());
                let clip = Rect::from_min_max(
                    Pos2::new(screen_view.min.x + axis, screen_view.min.y + axis),
                    screen_view.max,
                )
                .intersect(Rect::from_min_size(origin, egui::vec2(grid, grid)));
                let rows = visible(
                    clip.y_range().min - origin.y,
                    clip.y_range().max - origin.y,
                    cell,
                    n,
                );
                let cols = visible(
                    clip.x_range().min - origin.x,
                    clip.x_range().max - origin.x,
                    cell,
                    n,
                );
                let dark = ui.visuals().dark_mode;
                let diagonal = ui.visuals().widgets.noninteractive.bg_stroke.color;
                let gap = if cell >= 8.0 { 1.0 } else { 0.0 };
                let mut mesh = Mesh::default();
                for r in rows.clone() {
                    let Some(&a) = o.order.get(r) else { continue };
                    for c in cols.clone() {
                        let Some(&b) = o.order.get(c) else { continue };
                        let count = o.count(a, b);
                        let color = if a == b {
                            diagonal
                        } else if count == 0 {
                            continue;
                        } else {
                            ramp_color(count, o.max_count, dark)
                        };
                        let min = origin + egui::vec2(c as f32 * cell, r as f32 * cell);
                        let rect = Rect::from_min_size(min, egui::vec2(cell - gap, cell - gap));
                        mesh.add_colored_rect(rect, color);
                    }
                }
                let painter = ui.painter().with_clip_rect(clip);
                painter.add(Shape::mesh(mesh));
                let response =
                    ui.interact(clip, ui.scope_id().with("overview_cells"), Sense::click());
                response.widget_info(|| {
                    WidgetInfo::labeled(
                        Role::Grid,
                        true,
                        lang.pick("方案相似度矩阵", "Plan similarity matrix"),
                    )
                });
                let hovered = response.hover_pos().and_then(|p| {
                    let r = ((p.y - origin.y) / cell).floor();
                    let c = ((p.x - origin.x) / cell).floor();
                    (r >= 0.0 && c >= 0.0).then_some(())?;
                    Some((*o.order.get(r as usize)?, *o.order.get(c as usize)?))
                });
                if let Some((a, b)) = hovered {
                    let r = o.order.iter().position(|&p| p == a).unwrap_or(0);
                    let c = o.order.iter().position(|&p| p == b).unwrap_or(0);
                    let stroke = ui.visuals().widgets.hovered.fg_stroke;
                    let row_rect = Rect::from_min_size(
                        origin + egui::vec2(0.0, r as f32 * cell),
                        egui::vec2(grid, cell),
                    );
                    let col_rect = Rect::from_min_size(
                        origin + egui::vec2(c as f32 * cell, 0.0),
                        egui::vec2(cell, grid),
                    );
                    painter.rect_stroke(
                        row_rect,
                        0.0,
                        (1.0, stroke.color.gamma_multiply(0.4)),
                        egui::StrokeKind::Inside,
                    );
                    painter.rect_stroke(
                        col_rect,
                        0.0,
                        (1.0, stroke.color.gamma_multiply(0.4)),
                        egui::StrokeKind::Inside,
                    );
                    let text = tooltip_text(o, a, b, lang);
                    let response = response.clone().on_hover_ui_at_pointer(|ui| {
                        ui.label(&text);
                    });
                    if response.clicked() && a != b {
                        let ids = [a, b]
                            .iter()
                            .filter_map(|&p| o.plan_ids.get(p).cloned())
                            .collect();
                        command = Some(UiCommand::ComparePlans(ids));
                    }
                }
                if names {
                    let font = egui::FontId::new(name_size, small.family.clone());
                    axis_names_ui(ui, o, font, origin, cell, screen_view, rows, cols);
                }
                geometry = Some(Geometry { origin, cell, clip });
            });
        self.geometry = geometry;
        command
    }
}

/// Indexes of the cells overlapping `from..to` (points from the grid's edge).
fn visible(from: f32, to: f32, cell: f32, n: usize) -> Range<usize> {
    let first = (from / cell).floor().max(0.0) as usize;
    let last = ((to / cell).ceil().max(0.0) as usize).min(n);
    first.min(last)..last
}

/// `A × B：N 条共有措施`, with the two directed counts when they differ.
pub fn tooltip_text(o: &Overview, a: usize, b: usize, lang: Language) -> String {
    let name = |p: usize| o.plan_names.get(p).map_or("", String::as_str);
    if a == b {
        return match lang {
            Language::Chinese => format!(
                "{}：{} 条措施与其他方案共有",
                name(a),
                o.shared_any.get(a).copied().unwrap_or(0)
            ),
            Language::English => format!(
                "{}: {} measures shared with other plans",
                name(a),
                o.shared_any.get(a).copied().unwrap_or(0)
            ),
        };
    }
    let n = o.count(a, b);
    let ab = o
        .directed
        .get(a)
        .and_then(|r| r.get(b))
        .copied()
        .unwrap_or(0);
    let ba = o
        .directed
        .get(b)
        .and_then(|r| r.get(a))
        .copied()
        .unwrap_or(0);
    let mut text = match lang {
        Language::Chinese => format!("{} × {}：{n} 条共有措施", name(a), name(b)),
        Language::English => format!("{} × {}: {n} shared measures", name(a), name(b)),
    };
    if ab != ba {
        text.push_str(&match lang {
            Language::Chinese => format!("\n（{} {ab} 条，{} {ba} 条）", name(a), name(b)),
            Language::English => format!("\n({} {ab}, {} {ba})", name(a), name(b)),
        });
    }
    if n > 0 {
        text.push('\n');
        text.push_str(lang.pick("点击对照这两个方案", "Click to compare the two plans"));
    }
    text
}

/// Plan names on the left (rows) and on top (columns, written vertically), kept in view.
#[allow(clippy::too_many_arguments)] // one call site, all geometry
fn axis_names_ui(
    ui: &mut egui::Ui,
    o: &Overview,
    font: egui::FontId,
    origin: Pos2,
    cell: f32,
    screen_view: Rect,
    rows: Range<usize>,
    cols: Range<usize>,
) {
    let visuals = ui.visuals().clone();
    let color = visuals.text_color();
    let left = screen_view.min.x;
    let top = screen_view.min.y;
    let painter = ui.painter();
    // Backgrounds so the names stay readable over scrolled cells.
    painter.rect_filled(
        Rect::from_min_max(
            Pos2::new(left, top + AXIS),
            Pos2::new(left + AXIS, screen_view.max.y),
        ),
        0.0,
        visuals.panel_fill,
    );
    painter.rect_filled(
        Rect::from_min_max(
            Pos2::new(left + AXIS, top),
            Pos2::new(screen_view.max.x, top + AXIS),
        ),
        0.0,
        visuals.panel_fill,
    );
    let name_galley = |name: &str| {
        let mut job = LayoutJob::simple_singleline(name.to_owned(), font.clone(), color);
        job.wrap = TextWrapping::truncate_at_width(AXIS - 6.0);
        ui.fonts_mut(|f| f.layout_job(job))
    };
    let row_clip = Rect::from_min_max(
        Pos2::new(left, top + AXIS),
        Pos2::new(left + AXIS, screen_view.max.y),
    );
    let col_clip = Rect::from_min_max(
        Pos2::new(left + AXIS, top),
        Pos2::new(screen_view.max.x, top + AXIS),
    );
    for r in rows {
        let Some(name) = o.order.get(r).and_then(|&p| o.plan_names.get(p)) else {
            continue;
        };
        let g = name_galley(name);
        let y = origin.y + r as f32 * cell + (cell - g.size().y) / 2.0;
        let x = left + AXIS - 4.0 - g.size().x;
        ui.painter()
            .with_clip_rect(row_clip)
            .galley(Pos2::new(x, y), g, color);
    }
    for c in cols {
        let Some(name) = o.order.get(c).and_then(|&p| o.plan_names.get(p)) else {
            continue;
        };
        let g = name_galley(name);
        // Rotated a quarter turn anticlockwise: the text runs bottom to top, ending at the grid.
        let x = origin.x + c as f32 * cell + (cell - g.size().y) / 2.0;
        let y = top + AXIS - 4.0;
        let shape = egui::epaint::TextShape::new(Pos2::new(x, y), g, color)
            .with_angle(-std::f32::consts::FRAC_PI_2);
        ui.painter().with_clip_rect(col_clip).add(shape);
    }
}

/// The colour scale: a gradient bar from 0 to the largest count, and the diagonal's swatch.
fn legend_ui(ui: &mut egui::Ui, max: u32, lang: Language) {
    let dark = ui.visuals().dark_mode;
    ui.horizontal(|ui| {
        ui.label(egui::RichText::new(lang.pick("共有措施", "Shared measures")).small());
        ui.label(egui::RichText::new("0").small());
        let (rect, _) = ui.allocate_exact_size(egui::vec2(160.0, 14.0), Sense::hover());
        let steps = 32;
        let mut mesh = Mesh::default();
        for k in 0..steps {
            let t = k as f32 / (steps - 1) as f32;
            let count = (t * t * max as f32).round() as u32;
            let x0 = rect.left() + rect.width() * k as f32 / steps as f32;
            let x1 = rect.left() + rect.width() * (k + 1) as f32 / steps as f32;
            let r = Rect::from_x_y_ranges(x0..=x1, rect.y_range());
            let color = if count == 0 {
                ui.visuals().extreme_bg_color
            } else {
                ramp_color(count, max, dark)
            };
            mesh.add_colored_rect(r, color);
        }
        ui.painter().add(Shape::mesh(mesh));
        ui.label(egui::RichText::new(max.to_string()).small());
        ui.add_space(10.0);
        let (swatch, _) = ui.allocate_exact_size(egui::vec2(14.0, 14.0), Sense::hover());
        ui.painter().rect_filled(
            swatch,
            0.0,
            ui.visuals().widgets.noninteractive.bg_stroke.color,
        );
        ui.label(
            egui::RichText::new(lang.pick(
                "对角线：同一方案；悬停查看数目，点击对照",
                "Diagonal: the same plan; hover for counts, click to compare",
            ))
            .small()
            .weak(),
        );
    });
}
