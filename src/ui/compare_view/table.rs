//! The table body: the rows in view of the scroll area (both directions), each cell painted, clicks
//! turned into focus, pins and commands.

use egui::Rect;
use egui::TextFormat;
use egui::TextStyle;
use egui::text::LayoutJob;
use egui::text::TextWrapping;

use crate::comparison::MeasurePos;
use crate::corpus::Corpus;
use crate::matching::Analysis;
use crate::ui::command::UiCommand;
use crate::ui::settings::Settings;
use crate::ui::tagging::CodingView;

use super::cell::{CellContext, HitRanges, PinAction, paint_cell};
use super::header::{HeaderAction, paint_headers};
use super::layout::{LayoutKey, layout_rows};
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
