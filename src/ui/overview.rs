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
use std::sync::Arc;

use egui::text::{LayoutJob, TextWrapping};
use egui::{Color32, Mesh, Pos2, Rect, Role, Sense, Shape, TextStyle, WidgetInfo};

use crate::corpus::Corpus;
use crate::matching::Analysis;
use crate::overview::{BlockCounts, Overview, OverviewBuild};

use super::command::UiCommand;
use super::context::ViewContext;
use super::jobs::{Job, Partial, Progress, computing_ui};
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
    /// Side of a cell (or of a texel of the image), in points.
    cell: f32,
    /// Plans per cell side: 1 for cells, the image's block for a downsampled image.
    block: usize,
    /// The whole matrix drawn as one image (texels), not as cells.
    image: bool,
    /// The visible part of the grid, in screen coordinates.
    clip: Rect,
}

/// Most texels per side of the overview image (one texel per block of plans, max-pooled).
pub const TEXTURE_SIDE: usize = 1024;

/// The uploaded image of the whole matrix.
struct ImageTexture(egui::TextureHandle);

impl std::fmt::Debug for ImageTexture {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ImageTexture({:?})", self.0.size())
    }
}

/// The colours the image is painted in: dark theme?, and the diagonal's colour.
#[derive(Debug, Clone, Copy, PartialEq)]
struct ImageStyle {
    dark: bool,
    diagonal: Color32,
}

impl ImageStyle {
    fn of(visuals: &egui::Visuals) -> ImageStyle {
        ImageStyle {
            dark: visuals.dark_mode,
            diagonal: visuals.widgets.noninteractive.bg_stroke.color,
        }
    }
}

/// The matrix, its image counts and the image itself (built together, off the UI thread for
/// big corpora, so the frame that takes them in only uploads the image).
struct OverviewData {
    overview: Overview,
    blocks: BlockCounts,
    /// A preview: the overview of this many plans, sampled from `sampled_from` (the whole
    /// matrix is being counted).
    sampled_from: Option<usize>,
    /// The image painted in the style current when the build started (taken by the first
    /// frame that shows it; rebuilt on the spot if the theme changed meanwhile).
    image: Option<(ImageStyle, egui::ColorImage)>,
}

impl std::fmt::Debug for OverviewData {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OverviewData")
            .field("plans", &self.overview.len())
            .field("sampled_from", &self.sampled_from)
            .finish()
    }
}

impl OverviewData {
    fn new(overview: Overview) -> Self {
        let blocks = overview.block_counts(TEXTURE_SIDE);
        OverviewData {
            overview,
            blocks,
            sampled_from: None,
            image: None,
        }
    }

    /// With its image painted in `style` too (a big matrix's image takes milliseconds).
    fn with_image(overview: Overview, sampled_from: Option<usize>, style: ImageStyle) -> Self {
        let mut data = OverviewData::new(overview);
        data.sampled_from = sampled_from;
        if !data.overview.is_empty() {
            data.image = Some((
                style,
                block_image(
                    &data.blocks,
                    data.overview.max_count,
                    style.dark,
                    style.diagonal,
                ),
            ));
        }
        data
    }
}

/// Plans in the preview of a big corpus's overview (an evenly spaced sample; its counts take
/// about a tenth of the whole matrix's at 10,000 plans).
pub const PREVIEW_PLANS: usize = 1000;

/// The key of the matrix of `corpus` and `analysis` at `corpus_revision`.
fn overview_key(corpus_revision: u64, corpus: &Corpus, analysis: &Analysis) -> Option<OverviewKey> {
    Some(OverviewKey {
        corpus_revision,
        plans_len: corpus.plans.len(),
        measures: analysis.measures.len(),
        families: analysis.families.len(),
    })
}

/// What the overview's builder needs besides the data: the preview's size, the image's
/// style and (tests) a gate the refinement waits at.
#[derive(Clone)]
struct BuildOptions {
    preview_plans: usize,
    style: ImageStyle,
    hold_refinement: Option<Arc<std::sync::Mutex<std::sync::mpsc::Receiver<()>>>>,
}

/// The builder of the matrix (counts, order, block image and image), for a [`Job`]: above
/// twice `preview_plans` plans it first sends the overview of a sample of them as a preview
/// ([`OverviewBuild::sample`]), then the whole one. Each stage runs on the threads the build
/// deserves at that moment ([`Progress::install`]: all cores once the view is open).
fn build_overview(
    corpus: &Arc<Corpus>,
    analysis: &Arc<Analysis>,
    options: BuildOptions,
) -> impl FnOnce(&Progress, &Partial<OverviewData>) -> OverviewData + Send + 'static {
    let (c, a) = (Arc::clone(corpus), Arc::clone(analysis));
    move |progress, partial| {
        let report = |done, total| progress.set(done, total);
        let n = c.plans.len();
        // In parts, so that a prefetch promoted (the view opened) gets every core soon.
        const PARTS: usize = 8;
        let mut build = OverviewBuild::new(&c.plans, &a);
        for part in 0..PARTS {
            progress.install(|| build.gather(part, PARTS));
        }
        let preview = progress.install(|| {
            build
                .sample(options.preview_plans, &report)
                .map(|o| OverviewData::with_image(o, Some(n), options.style))
        });
        if let Some(preview) = preview {
            partial.send(preview);
            if let Some(gate) = &options.hold_refinement
                && let Ok(rx) = gate.lock()
            {
                // A test looks at the preview until it lets the refinement go on.
                let _ = rx.recv();
            }
        }
        if progress.is_cancelled() {
            // Superseded: the result would be dropped; spare the work.
            return OverviewData::new(Overview::default());
        }
        for part in 0..PARTS {
            if progress.is_cancelled() {
                return OverviewData::new(Overview::default());
            }
            progress.install(|| build.count(part, PARTS, &report));
        }
        progress.install(|| OverviewData::with_image(build.finish(&report), None, options.style))
    }
}

/// The overview's state: the matrix of the loaded corpus and where its grid is on screen.
#[derive(Debug, Default)]
pub struct OverviewView {
    /// The [`ViewContext::corpus_revision`] last drawn with: the caches' key, not the corpus's
    /// address (a freed and reallocated corpus can reuse that).
    corpus_revision: u64,
    /// The matrix, built on a background thread for big corpora.
    overview: Job<Option<OverviewKey>, OverviewData>,
    key: Option<OverviewKey>,
    geometry: Option<Geometry>,
    /// The image of the whole matrix, for the key, preview or not, and theme (dark?) it was
    /// made for.
    texture: Option<(Option<OverviewKey>, bool, bool, ImageTexture)>,
    /// Cells asked for (zoomed in) although the whole matrix does not fit as cells.
    pub zoomed: bool,
    /// Cell (row, column in display order) to bring into view on the next frame of cells.
    scroll_to: Option<(usize, usize)>,
    /// Plans in the preview of a big corpus ([`PREVIEW_PLANS`]; 0: no preview).
    preview_plans: Option<usize>,
    /// Tests: the refinement after the preview waits for a message here.
    hold_refinement: Option<Arc<std::sync::Mutex<std::sync::mpsc::Receiver<()>>>>,
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
        self.overview.get(&self.key).map(|d| &d.overview)
    }

    /// Is the whole matrix drawn as one image (too many plans for cells), as of the last frame?
    pub fn is_image(&self) -> bool {
        self.geometry.is_some_and(|g| g.image)
    }

    /// Is the matrix of the corpus last drawn ready (the preview counts: the view is usable)?
    pub fn is_ready(&self) -> bool {
        self.overview().is_some()
    }

    /// Is the matrix shown a preview on a sample of the plans (the whole one being counted)?
    /// The number of plans of the whole corpus then.
    pub fn preview_of(&self) -> Option<usize> {
        self.overview.get(&self.key).and_then(|d| d.sampled_from)
    }

    /// Is the whole matrix of the corpus last drawn ready (not a preview)?
    pub fn is_exact(&self) -> bool {
        self.overview
            .get(&self.key)
            .is_some_and(|d| d.sampled_from.is_none())
    }

    /// Plans in the preview shown while a big corpus's matrix is counted ([`PREVIEW_PLANS`] by
    /// default; 0: no preview). A preview is made above twice this many plans.
    pub fn set_preview_plans(&mut self, plans: usize) {
        self.preview_plans = Some(plans);
    }

    /// Tests: after its preview the build waits until a message arrives on `gate` (or the
    /// sender is dropped), so that the preview can be looked at.
    pub fn hold_refinement(&mut self, gate: std::sync::mpsc::Receiver<()>) {
        self.hold_refinement = Some(Arc::new(std::sync::Mutex::new(gate)));
    }

    fn build_options(&self, ctx: &egui::Context) -> BuildOptions {
        BuildOptions {
            preview_plans: self.preview_plans.unwrap_or(PREVIEW_PLANS),
            style: ImageStyle::of(&ctx.global_style().visuals),
            hold_refinement: self.hold_refinement.clone(),
        }
    }

    /// Background builds run above this many plans (tests lower it to 0).
    pub fn set_inline_max(&mut self, plans: usize) {
        self.overview.inline_max = plans;
    }

    /// Screen centre of the cell of plans `a` (row) and `b` (column), corpus indexes, as painted
    /// last frame; `None` if it is out of view.
    pub fn cell_center(&self, a: usize, b: usize) -> Option<Pos2> {
        let o = self.overview()?;
        let g = self.geometry?;
        let row = o.order.iter().position(|&p| p == a)? / g.block.max(1);
        let col = o.order.iter().position(|&p| p == b)? / g.block.max(1);
        let c = g.origin + egui::vec2((col as f32 + 0.5) * g.cell, (row as f32 + 0.5) * g.cell);
        g.clip.contains(c).then_some(c)
    }

    /// Ask for the matrix of the corpus and analysis (built now or on a thread); whether it is
    /// ready.
    fn update(
        &mut self,
        ctx: &egui::Context,
        corpus: &Arc<Corpus>,
        analysis: &Arc<Analysis>,
    ) -> bool {
        let key = overview_key(self.corpus_revision, corpus, analysis);
        if self.key != key {
            self.geometry = None;
        }
        self.key = key;
        let options = self.build_options(ctx);
        self.overview.ensure_refining(
            ctx,
            key,
            corpus.plans.len(),
            build_overview(corpus, analysis, options),
        )
    }

    /// Is the matrix of `corpus` at `corpus_revision` built (whether or not it was drawn)?
    pub fn is_built_for(&self, corpus: &Corpus, analysis: &Analysis, corpus_revision: u64) -> bool {
        let key = overview_key(corpus_revision, corpus, analysis);
        self.overview
            .get(&key)
            .is_some_and(|d| d.sampled_from.is_none())
    }

    /// Is a build of the matrix under way (asked for or prefetched; a preview may be shown)?
    /// Takes in a result that has arrived.
    pub fn is_computing(&mut self) -> bool {
        self.overview.poll();
        self.overview.is_running()
    }

    /// Start building the matrix of `corpus` (at `corpus_revision`) in the background, before
    /// the view is opened ([`Job::prefetch`]).
    pub fn prefetch(
        &mut self,
        ctx: &egui::Context,
        corpus: &Arc<Corpus>,
        analysis: &Arc<Analysis>,
        corpus_revision: u64,
    ) {
        let key = overview_key(corpus_revision, corpus, analysis);
        let options = self.build_options(ctx);
        self.overview.prefetch_refining(
            ctx,
            key,
            corpus.plans.len(),
            build_overview(corpus, analysis, options),
        );
    }

    /// Draw the heatmap; returns what a click asks the app to do.
    pub fn show(
        &mut self,
        ui: &mut egui::Ui,
        corpus: &Arc<Corpus>,
        analysis: &Arc<Analysis>,
        lang: Language,
    ) -> Option<UiCommand> {
        if !self.update(ui.ctx(), corpus, analysis) {
            computing_ui(ui, &self.overview, ("相似度矩阵", "the overview"), lang);
            return None;
        }
        self.show_overview(ui, lang)
    }

    /// A view of a matrix built elsewhere (draw it with [`OverviewView::show_overview`]).
    pub fn with_overview(overview: Overview) -> Self {
        let mut job = Job::default();
        job.set(None, OverviewData::new(overview));
        OverviewView {
            overview: job,
            ..Default::default()
        }
    }

    /// Draw the matrix held, as it is (no rebuild); returns what a click asks the app to do.
    pub fn show_overview(&mut self, ui: &mut egui::Ui, lang: Language) -> Option<UiCommand> {
        let data = self.overview.get(&self.key)?;
        let o = &data.overview;
        let n = o.len();
        ui.label(
            egui::RichText::new(match lang {
                Language::Chinese => format!("{n} 个方案两两之间的共有措施"),
                Language::English => format!("Shared measures between every two of {n} plans"),
            })
            .strong(),
        );
        if let Some(total) = data.sampled_from {
            preview_banner_ui(ui, n, total, self.overview.status(), lang);
        }
        legend_ui(ui, o.max_count, lang);
        let available = ui.available_size();
        let fit = ((available.x.min(available.y) - AXIS - 16.0) / n.max(1) as f32).floor();
        // Too many plans for cells of MIN_CELL: the whole matrix as one image, unless zoomed in.
        let too_many = fit < MIN_CELL;
        if too_many {
            ui.horizontal(|ui| {
                ui.selectable_value(
                    &mut self.zoomed,
                    false,
                    lang.pick("整体（缩略图）", "Whole matrix (image)"),
                );
                ui.selectable_value(
                    &mut self.zoomed,
                    true,
                    lang.pick("放大（逐格）", "Zoomed in (cells)"),
                );
            });
        }
        ui.separator();
        if n == 0 {
            return None;
        }
        if too_many && !self.zoomed {
            return self.show_image(ui, lang);
        }
        let data = self.overview.get(&self.key)?;
        let o = &data.overview;
        let cell = fit.clamp(MIN_CELL, MAX_CELL);
        // Names as high as a cell allows, at most the small text size.
        let small = TextStyle::Small.resolve(ui.style());
        let name_size = (cell * 0.85).min(small.size).floor();
        let names = name_size >= MIN_NAME_SIZE;
        let axis = if names { AXIS } else { 0.0 };
        let grid = cell * n as f32;
        let mut command = None;
        let mut geometry = None;
        let mut area = egui::ScrollArea::both()
            .id_salt("overview_grid")
            .auto_shrink(false);
        if let Some((r, c)) = self.scroll_to.take() {
            // The cell asked for near the middle of the view.
            let offset = egui::vec2(
                (c as f32 * cell - available.x / 2.0).max(0.0),
                (r as f32 * cell - available.y / 2.0).max(0.0),
            );
            area = area.scroll_offset(offset);
        }
        area.show_viewport(ui, |ui, viewport| {
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
            let response = ui.interact(clip, ui.scope_id().with("overview_cells"), Sense::click());
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
            geometry = Some(Geometry {
                origin,
                cell,
                block: 1,
                image: false,
                clip,
            });
        });
        self.geometry = geometry;
        command
    }

    /// The whole matrix as one image, a texel per block of plans (max-pooled counts); hovering
    /// names the block, a click compares the two plans of a one-plan texel or zooms in on the
    /// block.
    fn show_image(&mut self, ui: &mut egui::Ui, lang: Language) -> Option<UiCommand> {
        let dark = ui.visuals().dark_mode;
        let diagonal = ui.visuals().widgets.noninteractive.bg_stroke.color;
        let key = self.key;
        let style = ImageStyle { dark, diagonal };
        let data = self.overview.get_mut(&key)?;
        let preview = data.sampled_from.is_some();
        let fresh = self
            .texture
            .as_ref()
            .is_some_and(|(k, p, d, _)| *k == key && *p == preview && *d == dark);
        if !fresh {
            // The image painted by the builder, unless the theme changed since.
            let image = match data.image.take() {
                Some((s, image)) if s == style => image,
                _ => block_image(&data.blocks, data.overview.max_count, dark, diagonal),
            };
            let handle =
                ui.ctx()
                    .load_texture("overview_blocks", image, egui::TextureOptions::NEAREST);
            self.texture = Some((key, preview, dark, ImageTexture(handle)));
        }
        let data = self.overview.get(&key)?;
        let (o, blocks) = (&data.overview, &data.blocks);
        let side = blocks.side.max(1);
        let Some((_, _, _, ImageTexture(texture))) = &self.texture else {
            return None;
        };
        let available = ui.available_size();
        let extent = (available.x.min(available.y) - 8.0).max(64.0);
        let (rect, response) = ui.allocate_exact_size(egui::vec2(extent, extent), Sense::click());
        ui.painter().image(
            texture.id(),
            rect,
            Rect::from_min_max(Pos2::ZERO, Pos2::new(1.0, 1.0)),
            Color32::WHITE,
        );
        response.widget_info(|| {
            WidgetInfo::labeled(
                Role::Grid,
                true,
                lang.pick("方案相似度矩阵", "Plan similarity matrix"),
            )
        });
        let texel = extent / side as f32;
        let block = blocks.block.max(1);
        let n = o.len();
        let mut command = None;
        let hovered = response.hover_pos().and_then(|p| {
            let r = ((p.y - rect.min.y) / texel).floor();
            let c = ((p.x - rect.min.x) / texel).floor();
            (r >= 0.0 && c >= 0.0 && (r as usize) < side && (c as usize) < side)
                .then_some((r as usize, c as usize))
        });
        if let Some((r, c)) = hovered {
            let rows = r * block..((r + 1) * block).min(n);
            let cols = c * block..((c + 1) * block).min(n);
            let single = rows.len() == 1 && cols.len() == 1;
            let pair = (
                o.order.get(rows.start).copied(),
                o.order.get(cols.start).copied(),
            );
            let text = match pair {
                (Some(a), Some(b)) if single => tooltip_text(o, a, b, lang),
                _ => {
                    let most = blocks.max.get(r * side + c).copied().unwrap_or(0);
                    match lang {
                        Language::Chinese => format!(
                            "第 {}–{} 行 × 第 {}–{} 列（{} 个方案一格）：最多 {most} 条共有措施\n点击放大这一块",
                            rows.start + 1,
                            rows.end,
                            cols.start + 1,
                            cols.end,
                            block
                        ),
                        Language::English => format!(
                            "Rows {}–{} × columns {}–{} ({} plans a texel): up to {most} shared measures\nClick to zoom in on this block",
                            rows.start + 1,
                            rows.end,
                            cols.start + 1,
                            cols.end,
                            block
                        ),
                    }
                }
            };
            let response = response.clone().on_hover_ui_at_pointer(|ui| {
                ui.label(&text);
            });
            if response.clicked() {
                match pair {
                    (Some(a), Some(b)) if single => {
                        if a != b {
                            let ids = [a, b]
                                .iter()
                                .filter_map(|&p| o.plan_ids.get(p).cloned())
                                .collect();
                            command = Some(UiCommand::ComparePlans(ids));
                        }
                    }
                    _ => {
                        self.zoomed = true;
                        self.scroll_to = Some((rows.start, cols.start));
                    }
                }
            }
        }
        self.geometry = Some(Geometry {
            origin: rect.min,
            cell: texel,
            block,
            image: true,
            clip: rect,
        });
        command
    }
}

/// The block counts as an image: the ramp colour of each texel's largest count, transparent
/// where nothing is shared, the diagonal of one-plan texels in the diagonal's grey.
fn block_image(blocks: &BlockCounts, max: u32, dark: bool, diagonal: Color32) -> egui::ColorImage {
    let side = blocks.side.max(1);
    // One colour per count (counts are u16, the largest is `max`), not a ramp per texel: the
    // million texels of a 10,000-plan image took the frame that showed it 40 ms.
    let palette: Vec<Color32> = (0..=max.min(u32::from(u16::MAX)))
        .map(|v| ramp_color(v, max, dark))
        .collect();
    let pixels: Vec<Color32> = (0..side * side)
        .map(|k| {
            let (r, c) = (k / side, k % side);
            let v = blocks.max.get(k).copied().unwrap_or(0);
            if r == c && blocks.block <= 1 {
                diagonal
            } else if v == 0 {
                Color32::TRANSPARENT
            } else {
                palette
                    .get(v as usize)
                    .copied()
                    .unwrap_or_else(|| ramp_color(v, max, dark))
            }
        })
        .collect();
    egui::ColorImage::new([side, side], pixels)
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
    let ab = o.directed(a, b);
    let ba = o.directed(b, a);
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

/// Above a preview: a spinner, what is shown (a sample of how many plans) and how far the whole
/// matrix's counting is.
fn preview_banner_ui(
    ui: &mut egui::Ui,
    shown: usize,
    total: usize,
    status: Option<(Option<f32>, std::time::Duration)>,
    lang: Language,
) {
    ui.horizontal(|ui| {
        ui.add(egui::Spinner::new());
        ui.label(match lang {
            Language::Chinese => format!(
                "预览：从 {total} 个方案中等距抽取 {shown} 个；正在计算全部方案，完成后自动替换…"
            ),
            Language::English => format!(
                "Preview: {shown} of the {total} plans, evenly spaced; the whole matrix is being counted and will replace it…"
            ),
        });
        if let Some((Some(f), _)) = status {
            ui.add(
                egui::ProgressBar::new(f)
                    .desired_width(160.0)
                    .show_percentage(),
            );
        }
    });
    ui.ctx()
        .request_repaint_after(std::time::Duration::from_millis(100));
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
