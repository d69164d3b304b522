//! The table body: the rows in view of the scroll area (both directions), each cell painted, clicks
//! turned into focus, pins and commands.

use egui::Rect;
use egui::TextFormat;
use egui::TextStyle;
use egui::text::LayoutJob;
use egui::text::TextWrapping;

use crate::comparison::Comparison;
use crate::comparison::MeasurePos;
use crate::corpus::Corpus;
use crate::matching::Analysis;
use crate::ui::command::UiCommand;
use crate::ui::settings::Settings;
use crate::ui::tagging::CodingView;

use super::cell::{CellContext, DraggedSection, HitRanges, PinAction, paint_cell};
use super::header::{HeaderAction, paint_headers};
use super::layout::{Layout, LayoutKey, layout_rows};
use super::style::{GUTTER, HEADER_HEIGHT, MIN_COLUMN, PAD};
use super::{CompareView, DEFAULT_FIT, FLASH_SECONDS};

impl CompareView {
    /// Draw the table; returns the index of the column whose header was clicked.
    pub(super) fn show_table(
        &mut self,
        ui: &mut egui::Ui,
        corpus: &Corpus,
        analysis: &Analysis,
        settings: &Settings,
        hits: Option<HitRanges<'_>>,
        coding: &CodingView,
    ) -> Option<HeaderAction> {
        let table = self.comparison.as_ref()?;
        let lang = settings.language;
        let dark = ui.visuals().dark_mode;
        let columns = table.columns.len().max(1);
        let available = ui.available_width() - ui.spacing().scroll.bar_width - 4.0;
        let column_width = if settings.column_width > DEFAULT_FIT {
            settings.column_width.max(MIN_COLUMN)
        } else {
            ((available - GUTTER) / columns as f32).max(MIN_COLUMN)
        }
        .floor();
        let key = LayoutKey {
            column_width,
            pixels_per_point: ui.pixels_per_point(),
            dark,
            collapsed: settings.collapse_rows,
            normalized: settings.show_normalized,
            body_size: TextStyle::Body.resolve(ui.style()).size,
            language: lang,
        };
        if self.layout.key.as_ref() != Some(&key) {
            self.layout = layout_rows(ui, table, key);
        }
        let layout = &self.layout;
        let collapsed = settings.collapse_rows;
        let width = GUTTER + column_width * columns as f32;
        let now = ui.input(|i| i.time);
        let flashing: &[MeasurePos] = if now < self.flash_until {
            ui.ctx().request_repaint();
            &self.flash
        } else {
            &[]
        };
        let mut clicked: Option<MeasurePos> = None;
        let mut commands: Vec<UiCommand> = Vec::new();
        let pinned = self.pinned_ends();
        let pin_actions = std::cell::RefCell::new(Vec::new());
        let mut visible = None;
        let mut area = egui::ScrollArea::both()
            .id_salt("compare_table")
            .auto_shrink(false);
        if let Some(y) = self.scroll_to.take() {
            area = area.vertical_scroll_offset(y);
        }
        let action = area
            .show_viewport(ui, |ui, viewport| {
                ui.set_width(width);
                ui.set_height(HEADER_HEIGHT + layout.total);
                visible = Some(viewport.min.y..viewport.max.y - HEADER_HEIGHT);
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
                    if let Some(theme) = &row.theme {
                        let mut job = LayoutJob::single_section(
                            theme.name.clone(),
                            TextFormat {
                                font_id: TextStyle::Small.resolve(ui.style()),
                                color: ui.visuals().strong_text_color(),
                                ..Default::default()
                            },
                        );
                        job.wrap = TextWrapping::wrap_at_width(GUTTER - 8.0);
                        let galley = ui.fonts_mut(|f| f.layout_job(job));
                        ui.painter()
                            .galley(left_top, galley, ui.visuals().strong_text_color());
                    } else {
                        crate::ui::doc_view::paint_kind_tag(
                            ui,
                            row.kind,
                            dark,
                            lang,
                            GUTTER - 20.0,
                            |_| left_top,
                        );
                    }
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
                                    table,
                                    compared: &self.compared,
                                    lang,
                                    dark,
                                    collapsed,
                                    normalized: settings.show_normalized,
                                    key_terms: settings.highlight_terms,
                                    hits,
                                    coding,
                                    plan_id: table
                                        .columns
                                        .get(c)
                                        .and_then(|col| corpus.plans.get(col.plan_index))
                                        .map_or("", |p| p.plan_id.as_str()),
                                    plan_index: table
                                        .columns
                                        .get(c)
                                        .map_or(usize::MAX, |col| col.plan_index),
                                    cursor: self.cursor,
                                    flashing,
                                    flash_phase: ((self.flash_until - now) / FLASH_SECONDS) as f32,
                                    body_top,
                                    id: (k, c),
                                    by_theme: table.by_theme,
                                    pinned: &pinned,
                                    pin_actions: &pin_actions,
                                    matches: &self.matches,
                                },
                                cell,
                                cell_rect,
                                &mut clicked,
                                &mut commands,
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
                drop_on_row(
                    ui,
                    table,
                    layout,
                    DropGeometry {
                        origin,
                        column_width,
                        width,
                        body_top,
                    },
                    &pin_actions,
                );
                let header_rect = Rect::from_min_size(
                    origin + egui::vec2(0.0, viewport.min.y),
                    egui::vec2(width, HEADER_HEIGHT),
                );
                paint_headers(ui, corpus, table, header_rect, column_width, lang)
            })
            .inner;
        self.visible = visible;
        self.commands.extend(commands);
        for action in pin_actions.into_inner() {
            match action {
                PinAction::Pin {
                    col_a,
                    section_a,
                    col_b,
                    section_b,
                } => self.pin((col_a, section_a), (col_b, section_b)),
                PinAction::Unpin { col, section } => self.unpin(col, section),
            }
        }
        if let Some(pos) = clicked {
            self.focus(analysis, pos, now, true);
        }
        action
    }
}

/// Where the rows are drawn, for finding the row and column under the pointer.
struct DropGeometry {
    /// Top left of the scroll area's content.
    origin: egui::Pos2,
    column_width: f32,
    /// Width of all columns and the gutter.
    width: f32,
    /// Top of the rows' visible part (below the sticky headers), in screen coordinates.
    body_top: f32,
}

/// The section of row `row` a section of column `from` dragged onto it is pinned with: the one
/// of the column under the pointer, else the first section of another plan in the row.
fn drop_target(table: &Comparison, row: usize, col: usize, from: usize) -> Option<(usize, usize)> {
    let cells = &table.rows.get(row)?.cells;
    let section_of = |c: usize| -> Option<(usize, usize)> {
        let cell = cells.get(c)?.as_ref()?;
        let sid = cell.sections.iter().find_map(|s| s.section_id)?;
        Some((c, sid))
    };
    if col != from
        && let Some(t) = section_of(col)
    {
        return Some(t);
    }
    (0..cells.len()).filter(|&c| c != from).find_map(section_of)
}

/// While a section heading is dragged: outline the row under the pointer (and the section it
/// would be pinned with), show the heading under the pointer; on release, pin.
fn drop_on_row(
    ui: &egui::Ui,
    table: &Comparison,
    layout: &Layout,
    g: DropGeometry,
    pin_actions: &std::cell::RefCell<Vec<PinAction>>,
) {
    let Some(dragged) = egui::DragAndDrop::payload::<DraggedSection>(ui.ctx()) else {
        return;
    };
    let (pointer, released) = ui.input(|i| (i.pointer.interact_pos(), i.pointer.any_released()));
    let Some(pointer) = pointer else {
        return;
    };
    let lang_hint = dragged.heading.clone();
    // The heading follows the pointer, above everything.
    let painter = ui.ctx().layer_painter(egui::LayerId::new(
        egui::Order::Tooltip,
        egui::Id::unique("compare_dragged_section"),
    ));
    let galley = painter.layout_no_wrap(
        lang_hint,
        TextStyle::Body.resolve(ui.style()),
        ui.visuals().strong_text_color(),
    );
    let label = Rect::from_min_size(pointer + egui::vec2(14.0, 10.0), galley.size()).expand(4.0);
    painter.rect_filled(label, 4.0, ui.visuals().window_fill);
    painter.rect_stroke(
        label,
        4.0,
        ui.visuals().window_stroke,
        egui::StrokeKind::Inside,
    );
    painter.galley(
        label.min + egui::vec2(4.0, 4.0),
        galley,
        ui.visuals().strong_text_color(),
    );
    if pointer.y < g.body_top || !ui.clip_rect().contains(pointer) {
        return;
    }
    let y = pointer.y - g.origin.y - HEADER_HEIGHT;
    let row = layout
        .tops
        .partition_point(|&top| top <= y)
        .saturating_sub(1);
    let x = pointer.x - g.origin.x - GUTTER;
    if x < 0.0 || pointer.x > g.origin.x + g.width {
        return;
    }
    let col = (x / g.column_width).floor() as usize;
    let (Some(&top), Some(&height)) = (layout.tops.get(row), layout.heights.get(row)) else {
        return;
    };
    let target = drop_target(table, row, col, dragged.col);
    let row_rect = Rect::from_min_size(
        g.origin + egui::vec2(0.0, HEADER_HEIGHT + top),
        egui::vec2(g.width, height),
    );
    let accent = ui.visuals().selection.stroke.color;
    ui.painter().rect_stroke(
        row_rect.shrink(1.0),
        2.0,
        egui::Stroke::new(2.0, accent),
        egui::StrokeKind::Inside,
    );
    if let Some((c, _)) = target {
        let cell = Rect::from_min_size(
            row_rect.min + egui::vec2(GUTTER + g.column_width * c as f32, 0.0),
            egui::vec2(g.column_width, height),
        );
        ui.painter()
            .rect_filled(cell.shrink(2.0), 2.0, accent.gamma_multiply(0.12));
    }
    if released {
        let _ = egui::DragAndDrop::take_payload::<DraggedSection>(ui.ctx());
        if let Some((c, sid)) = target {
            pin_actions.borrow_mut().push(PinAction::Pin {
                col_a: dragged.col,
                section_a: dragged.section_id,
                col_b: c,
                section_b: sid,
            });
        }
    }
}
