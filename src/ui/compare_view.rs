//! The comparison: one column per compared plan, one row per group of comparable sections as
//! [`crate::align::align`] lines them up, each measure coloured by its status in the corpus.
//!
//! - shared measures (another plan states the same) are green, darker the more plans share them;
//!   a verbatim partner gives a solid bar and fill, a paraphrase only a dashed bar and lighter fill;
//!   a dot marks a measure shared with another compared plan;
//! - unique measures are amber;
//! - boilerplate (generic wording, formulas) is muted grey text.
//!
//! Hovering a measure lists the plans and sentences it is shared with (compared plans first).
//!
//! The table is computed once per compared set ([`Comparison::build`]), its row heights once per
//! column width, theme and language. Every row is as high as its highest cell, so the columns stay
//! aligned; the rows live in one scroll area (both directions) and only those in view are drawn.
//! The column headers stay at the top of the view.

use std::sync::Arc;

use egui::text::{LayoutJob, TextWrapping};
use egui::{Color32, FontId, Galley, Rect, Role, Sense, Stroke, TextFormat, TextStyle, WidgetInfo};

use crate::comparison::{Cell, CellMeasure, Comparison};
use crate::corpus::Corpus;
use crate::matching::{Analysis, Status, Tier};

use super::app::{Language, Settings, View};

/// Width of the column at the left holding each row's kind tag.
const GUTTER: f32 = 60.0;
/// Narrowest column; more columns than fit scroll sideways.
const MIN_COLUMN: f32 = 300.0;
/// Padding inside a cell.
const PAD: f32 = 8.0;
/// Width of a measure's status bar.
const BAR: f32 = 4.0;
/// Width of the measure-number column inside a cell.
const NUMBER_WIDTH: f32 = 28.0;
/// Vertical padding inside a measure's box.
const MEASURE_PAD: f32 = 3.0;
/// Space between two measures.
const MEASURE_GAP: f32 = 3.0;
/// Height of the sticky column headers.
const HEADER_HEIGHT: f32 = 64.0;
/// Partners listed in a measure's tooltip before "+N more".
const MAX_TOOLTIP_LINKS: usize = 8;
/// Plans sharing a measure at which its colour is strongest.
const FULL_STRENGTH_PLANS: usize = 6;

/// What the row heights depend on.
#[derive(Debug, Clone, PartialEq)]
struct LayoutKey {
    column_width: f32,
    pixels_per_point: f32,
    dark: bool,
    collapsed: bool,
    body_size: f32,
    language: Language,
}

/// Row heights for one [`LayoutKey`].
#[derive(Debug, Default)]
struct Layout {
    key: Option<LayoutKey>,
    tops: Vec<f32>,
    heights: Vec<f32>,
    total: f32,
}

/// The compare view's state: the table of the current compared set and its layout.
#[derive(Debug, Default)]
pub struct CompareView {
    compared: Vec<usize>,
    comparison: Option<Comparison>,
    layout: Layout,
}

/// What a measure is drawn with.
struct Look {
    fill: Color32,
    bar: Color32,
    dashed: bool,
    text: Color32,
}

impl CompareView {
    /// The table last shown.
    pub fn comparison(&self) -> Option<&Comparison> {
        self.comparison.as_ref()
    }

    /// Draw the plans of `settings.compared_plans` side by side.
    pub fn show(
        &mut self,
        ui: &mut egui::Ui,
        corpus: &Corpus,
        analysis: &Analysis,
        settings: &mut Settings,
    ) {
        let lang = settings.language;
        let compared: Vec<usize> = settings
            .compared_plans
            .iter()
            .filter_map(|id| corpus.plans.iter().position(|p| p.plan_id == *id))
            .collect();
        if self.comparison.is_none() || compared != self.compared {
            self.comparison = Some(Comparison::build(corpus, analysis, &compared));
            self.compared = compared;
            self.layout = Layout::default();
        }
        ui.add_space(4.0);
        ui.horizontal(|ui| {
            let title = match lang {
                Language::Chinese => format!("对照 {} 个方案", self.compared.len()),
                Language::English => format!("Comparing {} plans", self.compared.len()),
            };
            ui.label(egui::RichText::new(title).strong());
            ui.add_space(12.0);
            ui.checkbox(
                &mut settings.collapse_rows,
                lang.pick("只显示标题", "Collapse rows to headings"),
            );
        });
        legend(ui, lang);
        ui.separator();
        if self.compared.len() < 2 {
            ui.label(
                egui::RichText::new(lang.pick(
                    "在左侧方案库中勾选两个或更多方案进行对照。",
                    "Tick two or more plans in the library on the left to compare them.",
                ))
                .weak(),
            );
            if self.compared.is_empty() {
                return;
            }
        }
        let opened = self.show_table(ui, corpus, analysis, settings);
        let opened = opened
            .and_then(|c| self.comparison.as_ref()?.columns.get(c))
            .and_then(|col| corpus.plans.get(col.plan_index));
        if let Some(plan) = opened {
            settings.selected_plan = Some(plan.plan_id.clone());
            settings.view = View::Plan;
        }
    }

    /// Draw the table; returns the index of the column whose header was clicked.
    fn show_table(
        &mut self,
        ui: &mut egui::Ui,
        corpus: &Corpus,
        analysis: &Analysis,
        settings: &Settings,
    ) -> Option<usize> {
        let Some(table) = &self.comparison else {
            return None;
        };
        let lang = settings.language;
        let dark = ui.visuals().dark_mode;
        let columns = table.columns.len().max(1);
        let available = ui.available_width() - ui.spacing().scroll.bar_width - 4.0;
        let column_width = ((available - GUTTER) / columns as f32)
            .max(MIN_COLUMN)
            .floor();
        let key = LayoutKey {
            column_width,
            pixels_per_point: ui.pixels_per_point(),
            dark,
            collapsed: settings.collapse_rows,
            body_size: TextStyle::Body.resolve(ui.style()).size,
            language: lang,
        };
        if self.layout.key.as_ref() != Some(&key) {
            self.layout = layout_rows(ui, table, key);
        }
        let layout = &self.layout;
        let collapsed = settings.collapse_rows;
        let width = GUTTER + column_width * columns as f32;
        egui::ScrollArea::both()
            .id_salt("compare_table")
            .auto_shrink(false)
            .show_viewport(ui, |ui, viewport| {
                ui.set_width(width);
                ui.set_height(HEADER_HEIGHT + layout.total);
                let origin = ui.max_rect().min;
                let body_top = origin.y + viewport.min.y + HEADER_HEIGHT;
                let first = layout
                    .tops
                    .partition_point(|&top| top < viewport.min.y)
                    .saturating_sub(1);
                for (k, row) in table.rows.iter().enumerate().skip(first) {
                    let (Some(&top), Some(&height)) = (layout.tops.get(k), layout.heights.get(k))
                    else {
                        break;
                    };
                    if HEADER_HEIGHT + top > viewport.max.y {
                        break;
                    }
                    let row_rect = Rect::from_min_size(
                        origin + egui::vec2(0.0, HEADER_HEIGHT + top),
                        egui::vec2(width, height),
                    );
                    ui.painter().hline(
                        row_rect.x_range(),
                        row_rect.top(),
                        ui.visuals().widgets.noninteractive.bg_stroke,
                    );
                    let left_top = egui::pos2(row_rect.left() + 4.0, row_rect.top() + PAD);
                    super::doc_view::paint_kind_tag(
                        ui,
                        row.kind,
                        dark,
                        lang,
                        GUTTER - 20.0,
                        |_| left_top,
                    );
                    for (c, cell) in row.cells.iter().enumerate() {
                        let cell_rect = Rect::from_min_size(
                            row_rect.min + egui::vec2(GUTTER + column_width * c as f32, 0.0),
                            egui::vec2(column_width, height),
                        );
                        ui.painter().vline(
                            cell_rect.left(),
                            cell_rect.y_range(),
                            ui.visuals().widgets.noninteractive.bg_stroke,
                        );
                        match cell {
                            Some(cell) => paint_cell(
                                ui,
                                &CellContext {
                                    corpus,
                                    analysis,
                                    compared: &self.compared,
                                    lang,
                                    dark,
                                    collapsed,
                                    body_top,
                                    id: (k, c),
                                },
                                cell,
                                cell_rect,
                            ),
                            None => {
                                ui.painter().text(
                                    cell_rect.left_top() + egui::vec2(PAD, PAD),
                                    egui::Align2::LEFT_TOP,
                                    "—",
                                    TextStyle::Body.resolve(ui.style()),
                                    ui.visuals().weak_text_color(),
                                );
                            }
                        }
                    }
                }
                let header_rect = Rect::from_min_size(
                    origin + egui::vec2(0.0, viewport.min.y),
                    egui::vec2(width, HEADER_HEIGHT),
                );
                paint_headers(ui, corpus, table, header_rect, column_width, lang)
            })
            .inner
    }
}

/// What painting a cell needs besides the cell.
struct CellContext<'a> {
    corpus: &'a Corpus,
    analysis: &'a Analysis,
    compared: &'a [usize],
    lang: Language,
    dark: bool,
    collapsed: bool,
    /// Top of the rows' visible part (below the sticky headers), in screen coordinates.
    body_top: f32,
    /// Row and column, for widget ids.
    id: (usize, usize),
}

/// Width available to a cell's heading.
fn heading_wrap(column_width: f32) -> f32 {
    (column_width - 2.0 * PAD).max(60.0)
}

/// Left offset (from the cell's left) and wrap width of a measure's text.
fn measure_span(column_width: f32) -> (f32, f32) {
    let left = PAD + BAR + NUMBER_WIDTH;
    (left, (column_width - left - PAD - 4.0).max(60.0))
}

fn heading_galley(ui: &egui::Ui, text: &str, wrap: f32) -> Arc<Galley> {
    let mut job = LayoutJob::single_section(
        text.to_owned(),
        TextFormat {
            font_id: TextStyle::Body.resolve(ui.style()),
            color: ui.visuals().strong_text_color(),
            ..Default::default()
        },
    );
    job.wrap = TextWrapping::wrap_at_width(wrap);
    ui.fonts_mut(|f| f.layout_job(job))
}

fn summary_text(cell: &Cell, lang: Language) -> String {
    let shared = cell
        .measures
        .iter()
        .filter(|m| m.status == Status::Shared)
        .count();
    let unique = cell
        .measures
        .iter()
        .filter(|m| m.status == Status::Unique)
        .count();
    match lang {
        Language::Chinese => format!(
            "{} 条措施 · 共有 {shared} · 独有 {unique}",
            cell.measures.len()
        ),
        Language::English => format!(
            "{} measures · {shared} shared · {unique} unique",
            cell.measures.len()
        ),
    }
}

fn measure_galley(ui: &egui::Ui, m: &CellMeasure, wrap: f32, color: Color32) -> Arc<Galley> {
    let font = TextStyle::Body.resolve(ui.style());
    let mut job = LayoutJob::single_section(
        m.text.clone(),
        TextFormat {
            line_height: Some(font.size * 1.45),
            font_id: font,
            color,
            ..Default::default()
        },
    );
    job.wrap = TextWrapping::wrap_at_width(wrap);
    ui.fonts_mut(|f| f.layout_job(job))
}

fn small_row_height(ui: &egui::Ui) -> f32 {
    let small = TextStyle::Small.resolve(ui.style());
    ui.fonts_mut(|f| f.row_height(&small))
}

/// Height of a cell's content.
fn cell_height(ui: &egui::Ui, cell: &Cell, column_width: f32, collapsed: bool) -> f32 {
    let mut h = PAD
        + heading_galley(ui, &cell.heading, heading_wrap(column_width))
            .size()
            .y;
    h += 2.0 + small_row_height(ui) + 4.0;
    if !collapsed {
        let (_, wrap) = measure_span(column_width);
        for m in &cell.measures {
            h += measure_galley(ui, m, wrap, Color32::PLACEHOLDER).size().y
                + 2.0 * MEASURE_PAD
                + MEASURE_GAP;
        }
    }
    h + PAD
}

/// Lay out every row once: its height is that of its highest cell.
fn layout_rows(ui: &egui::Ui, table: &Comparison, key: LayoutKey) -> Layout {
    let mut layout = Layout::default();
    let min_height = PAD * 2.0 + 24.0;
    let mut y = 0.0;
    for row in &table.rows {
        let height = row
            .cells
            .iter()
            .flatten()
            .map(|c| cell_height(ui, c, key.column_width, key.collapsed))
            .fold(min_height, f32::max);
        layout.tops.push(y);
        layout.heights.push(height);
        y += height;
    }
    layout.total = y + 24.0;
    layout.key = Some(key);
    layout
}

/// Colours of a measure by status, tier and how many plans share it.
fn look(ui: &egui::Ui, status: Status, tier: Option<Tier>, plans: usize, dark: bool) -> Look {
    let text = ui.visuals().text_color();
    match status {
        Status::Shared => {
            let base = shared_color(dark);
            let strength = plans.clamp(1, FULL_STRENGTH_PLANS) as f32 / FULL_STRENGTH_PLANS as f32;
            let verbatim = tier == Some(Tier::Verbatim);
            let alpha = 0.10 + 0.32 * strength;
            Look {
                fill: base.gamma_multiply(if verbatim { alpha } else { alpha * 0.5 }),
                bar: base,
                dashed: !verbatim,
                text,
            }
        }
        Status::Unique => Look {
            fill: unique_color(dark).gamma_multiply(0.14),
            bar: unique_color(dark),
            dashed: false,
            text,
        },
        Status::Boilerplate => Look {
            fill: Color32::TRANSPARENT,
            bar: ui.visuals().weak_text_color().gamma_multiply(0.5),
            dashed: false,
            text: ui.visuals().weak_text_color(),
        },
    }
}

fn shared_color(dark: bool) -> Color32 {
    if dark {
        Color32::from_rgb(70, 190, 130)
    } else {
        Color32::from_rgb(30, 140, 90)
    }
}

fn unique_color(dark: bool) -> Color32 {
    if dark {
        Color32::from_rgb(235, 170, 60)
    } else {
        Color32::from_rgb(225, 140, 20)
    }
}

/// Fill `rect` and draw the status bar at its left.
fn paint_look(painter: &egui::Painter, rect: Rect, look: &Look) {
    painter.rect_filled(rect, 3.0, look.fill);
    let bar = Rect::from_min_size(rect.min, egui::vec2(BAR, rect.height()));
    if look.dashed {
        let mut y = bar.top();
        while y < bar.bottom() {
            let end = (y + 4.0).min(bar.bottom());
            painter.rect_filled(Rect::from_x_y_ranges(bar.x_range(), y..=end), 0.0, look.bar);
            y += 7.0;
        }
    } else {
        painter.rect_filled(bar, 0.0, look.bar);
    }
}

/// The status name read out for a measure.
fn status_name(status: Status, lang: Language) -> &'static str {
    match status {
        Status::Shared => lang.pick("共有", "Shared"),
        Status::Unique => lang.pick("独有", "Unique"),
        Status::Boilerplate => lang.pick("套话", "Boilerplate"),
    }
}

fn paint_cell(ui: &mut egui::Ui, cx: &CellContext<'_>, cell: &Cell, rect: Rect) {
    let heading_id = ui.scope_id().with(("compare_heading", cx.id));
    let heading = heading_galley(ui, &cell.heading, heading_wrap(rect.width()));
    let heading_rect = Rect::from_min_size(rect.min + egui::vec2(PAD, PAD), heading.size());
    let visible = Rect::from_x_y_ranges(rect.x_range(), cx.body_top..=f32::INFINITY);
    let response = ui.interact(heading_rect.intersect(visible), heading_id, Sense::hover());
    response.widget_info(|| WidgetInfo::labeled(Role::Label, true, &cell.heading));
    let mut y = heading_rect.bottom() + 2.0;
    ui.painter()
        .galley(heading_rect.min, heading, ui.visuals().strong_text_color());
    ui.painter().text(
        egui::pos2(rect.left() + PAD, y),
        egui::Align2::LEFT_TOP,
        summary_text(cell, cx.lang),
        TextStyle::Small.resolve(ui.style()),
        ui.visuals().weak_text_color(),
    );
    y += small_row_height(ui) + 4.0;
    if cx.collapsed {
        return;
    }
    let (left, wrap) = measure_span(rect.width());
    let small = TextStyle::Small.resolve(ui.style());
    for (k, m) in cell.measures.iter().enumerate() {
        let look = look(ui, m.status, m.tier, m.plans_sharing, cx.dark);
        let galley = measure_galley(ui, m, wrap, look.text);
        let h = galley.size().y + 2.0 * MEASURE_PAD;
        let box_rect = Rect::from_min_max(
            egui::pos2(rect.left() + PAD, y),
            egui::pos2(rect.right() - PAD, y + h),
        );
        y += h + MEASURE_GAP;
        if box_rect.bottom() < cx.body_top || !ui.is_rect_visible(box_rect) {
            continue;
        }
        paint_look(ui.painter(), box_rect, &look);
        let first_line = galley.rows.first().map_or(galley.size().y, |r| r.height());
        let number_center = egui::pos2(
            box_rect.left() + BAR + NUMBER_WIDTH / 2.0,
            box_rect.top() + MEASURE_PAD + first_line / 2.0,
        );
        ui.painter().text(
            number_center,
            egui::Align2::CENTER_CENTER,
            m.number.to_string(),
            small.clone(),
            ui.visuals().weak_text_color(),
        );
        if m.shared_in_comparison {
            ui.painter().circle_filled(
                egui::pos2(box_rect.right() - 5.0, box_rect.top() + 5.0),
                3.0,
                shared_color(cx.dark),
            );
        }
        ui.painter().galley(
            egui::pos2(rect.left() + left, box_rect.top() + MEASURE_PAD),
            galley,
            look.text,
        );
        let id = ui.scope_id().with(("compare_measure", cx.id, k));
        let response = ui.interact(box_rect.intersect(visible), id, Sense::hover());
        let name = format!("{}：{}", status_name(m.status, cx.lang), m.text);
        response.widget_info(|| WidgetInfo::labeled(Role::Label, true, &name));
        if m.status != Status::Unique {
            response.on_hover_ui(|ui| measure_tooltip(ui, cx, m));
        }
    }
}

/// The plans and sentences a measure is shared with, compared plans first.
fn measure_tooltip(ui: &mut egui::Ui, cx: &CellContext<'_>, m: &CellMeasure) {
    let lang = cx.lang;
    ui.set_max_width(460.0);
    let Some(flat) = m.flat else { return };
    if m.status == Status::Boilerplate {
        ui.label(lang.pick(
            "套话：泛泛的提法或目标公式，不计为共有措施。",
            "Boilerplate: generic wording or a target formula, never counted as shared.",
        ));
        return;
    }
    let mut links = cx.analysis.shared_links(flat);
    links.sort_by(|a, b| {
        let in_a = cx
            .analysis
            .measures
            .get(a.other)
            .is_some_and(|o| cx.compared.contains(&o.plan));
        let in_b = cx
            .analysis
            .measures
            .get(b.other)
            .is_some_and(|o| cx.compared.contains(&o.plan));
        in_b.cmp(&in_a).then(b.score.total_cmp(&a.score))
    });
    let title = match lang {
        Language::Chinese => format!("与 {} 个方案共有（{} 处）", m.plans_sharing, links.len()),
        Language::English => format!(
            "Shared with {} plans ({} sentences)",
            m.plans_sharing,
            links.len()
        ),
    };
    ui.label(egui::RichText::new(title).strong());
    for link in links.iter().take(MAX_TOOLTIP_LINKS) {
        let Some(other) = cx.analysis.measures.get(link.other) else {
            continue;
        };
        let Some(plan) = cx.corpus.plans.get(other.plan) else {
            continue;
        };
        let text = plan
            .measures()
            .get(other.index)
            .map(|x| x.text.clone())
            .unwrap_or_default();
        let tier = match link.tier {
            Tier::Verbatim => lang.pick("原文相同", "verbatim"),
            Tier::Paraphrase => lang.pick("意思相近", "paraphrase"),
        };
        let marker = if cx.compared.contains(&other.plan) {
            lang.pick("【对照中】", "[compared] ")
        } else {
            ""
        };
        ui.add_space(3.0);
        ui.label(
            egui::RichText::new(format!("{marker}{} · {tier} {:.2}", plan.name, link.score))
                .small()
                .strong(),
        );
        if text == m.text {
            ui.label(
                egui::RichText::new(lang.pick("（文字与本条完全相同）", "(identical wording)"))
                    .small()
                    .weak(),
            );
        } else {
            ui.label(egui::RichText::new(text).small());
        }
    }
    if links.len() > MAX_TOOLTIP_LINKS {
        let more = links.len() - MAX_TOOLTIP_LINKS;
        ui.label(
            egui::RichText::new(match lang {
                Language::Chinese => format!("另有 {more} 处"),
                Language::English => format!("+{more} more"),
            })
            .weak(),
        );
    }
}

/// The column headers: plan name, place, counts; drawn over the rows at the top of the view.
/// Returns the column whose header was clicked (to open that plan alone).
fn paint_headers(
    ui: &mut egui::Ui,
    corpus: &Corpus,
    table: &Comparison,
    rect: Rect,
    column_width: f32,
    lang: Language,
) -> Option<usize> {
    let mut clicked = None;
    let visuals = ui.visuals().clone();
    ui.painter().rect_filled(rect, 0.0, visuals.panel_fill);
    ui.painter().hline(
        rect.x_range(),
        rect.bottom(),
        Stroke::new(1.5, visuals.widgets.noninteractive.fg_stroke.color),
    );
    let body = TextStyle::Body.resolve(ui.style());
    let small = TextStyle::Small.resolve(ui.style());
    let dark = visuals.dark_mode;
    for (c, col) in table.columns.iter().enumerate() {
        let cell = Rect::from_min_size(
            rect.min + egui::vec2(GUTTER + column_width * c as f32, 0.0),
            egui::vec2(column_width, rect.height()),
        )
        .shrink2(egui::vec2(PAD, 6.0));
        let response = ui.interact(
            cell,
            ui.scope_id().with(("compare_header", c)),
            Sense::click(),
        );
        response.widget_info(|| WidgetInfo::labeled(Role::ColumnHeader, true, &col.name));
        if response.hovered() {
            ui.painter().rect_filled(
                cell.expand2(egui::vec2(PAD / 2.0, 3.0)),
                4.0,
                visuals.widgets.hovered.weak_bg_fill,
            );
        }
        let title = corpus
            .plans
            .get(col.plan_index)
            .and_then(|p| p.meta.title.as_deref())
            .unwrap_or(&col.name);
        let tip = format!(
            "{title}\n{}",
            lang.pick("点击单独查看这个方案", "Click to open this plan alone")
        );
        if response.on_hover_text(tip).clicked() {
            clicked = Some(c);
        }
        let mut y = cell.top();
        y += paint_line(
            ui,
            &col.name,
            body.clone(),
            visuals.strong_text_color(),
            cell,
            y,
        );
        let place = if col.place.is_empty() {
            "—"
        } else {
            col.place.as_str()
        };
        y += paint_line(ui, place, small.clone(), visuals.weak_text_color(), cell, y);
        let counts = [
            (
                format!("{} {}", lang.pick("共有", "shared"), col.shared),
                shared_color(dark),
            ),
            (
                format!("{} {}", lang.pick("独有", "unique"), col.unique),
                unique_color(dark),
            ),
            (
                format!("{} {}", lang.pick("套话", "boilerplate"), col.boilerplate),
                visuals.weak_text_color(),
            ),
        ];
        let mut x = cell.left();
        for (text, color) in counts {
            let r = ui.painter().text(
                egui::pos2(x, y + 1.0),
                egui::Align2::LEFT_TOP,
                text,
                small.clone(),
                color,
            );
            x = r.right() + 10.0;
        }
    }
    clicked
}

/// Paint `text` on one line at `y` inside `rect`, cut with `…`; returns the line height.
fn paint_line(ui: &egui::Ui, text: &str, font: FontId, color: Color32, rect: Rect, y: f32) -> f32 {
    let mut job = LayoutJob::simple_singleline(text.to_owned(), font, color);
    job.wrap = TextWrapping::truncate_at_width(rect.width());
    let galley = ui.fonts_mut(|f| f.layout_job(job));
    let h = galley.size().y;
    ui.painter()
        .galley(egui::pos2(rect.left(), y), galley, color);
    h
}

/// The colour key: a swatch and a label per status.
fn legend(ui: &mut egui::Ui, lang: Language) {
    let dark = ui.visuals().dark_mode;
    ui.horizontal_wrapped(|ui| {
        let items = [
            (
                Status::Shared,
                Some(Tier::Verbatim),
                lang.pick("共有·原文相同", "Shared, verbatim"),
            ),
            (
                Status::Shared,
                Some(Tier::Paraphrase),
                lang.pick("共有·意思相近", "Shared, paraphrase"),
            ),
            (Status::Unique, None, lang.pick("独有", "Unique")),
            (Status::Boilerplate, None, lang.pick("套话", "Boilerplate")),
        ];
        for (status, tier, label) in items {
            let (rect, _) = ui.allocate_exact_size(egui::vec2(22.0, 16.0), Sense::hover());
            let look = look(ui, status, tier, 3, dark);
            paint_look(ui.painter(), rect, &look);
            ui.label(egui::RichText::new(label).small().color(look.text));
            ui.add_space(6.0);
        }
        let (rect, _) = ui.allocate_exact_size(egui::vec2(10.0, 16.0), Sense::hover());
        ui.painter()
            .circle_filled(rect.center(), 3.0, shared_color(dark));
        ui.label(
            egui::RichText::new(lang.pick("与对照中的方案共有", "Shared with a compared plan"))
                .small(),
        );
        ui.add_space(6.0);
        ui.label(
            egui::RichText::new(lang.pick(
                "颜色越深，共有的方案越多；悬停查看出处",
                "Darker: shared by more plans; hover for the sources",
            ))
            .small()
            .weak(),
        );
    });
}
