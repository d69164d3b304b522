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

use std::ops::Range;

use crate::comparison::{
    Cell, CellMeasure, CellSection, Comparison, MeasurePos, Options, RowMode, Scope, TermMark,
    norm_range_in_text,
};
use crate::corpus::Corpus;
use crate::matching::{Analysis, Tier};

use super::UiCommand;
use super::app::{Language, Settings, View};
use super::tagging::{CodingView, paint_marks, span_menu_ui, tag_menu_ui};
use crate::project::SavedPin;
use crate::themes::Codebook;

/// Width of the column at the left holding each row's kind tag.
const GUTTER: f32 = 60.0;
/// Narrowest column; more columns than fit scroll sideways.
const MIN_COLUMN: f32 = 260.0;
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
const HEADER_HEIGHT: f32 = 82.0;
/// Space above a sub-heading inside a cell.
const SUB_GAP: f32 = 6.0;
/// Partners listed in a measure's tooltip before "+N more".
const MAX_TOOLTIP_LINKS: usize = 8;
/// Plans sharing a measure at which its colour is strongest.
const FULL_STRENGTH_PLANS: usize = 6;

/// How long a focused measure and its partners flash, in seconds.
const FLASH_SECONDS: f64 = 1.6;
/// Default column width when the user has not set one.
const DEFAULT_FIT: f32 = 0.0;
/// The codebook of the by-theme rows until the app sets the project's.
const DEFAULT_CODEBOOK: &str = "urban_rural_integration";

/// What the row heights depend on.
#[derive(Debug, Clone, PartialEq)]
struct LayoutKey {
    column_width: f32,
    pixels_per_point: f32,
    dark: bool,
    collapsed: bool,
    normalized: bool,
    body_size: f32,
    language: Language,
}

/// Row heights for one [`LayoutKey`], and each measure's offset from its row's top.
#[derive(Debug, Default)]
struct Layout {
    key: Option<LayoutKey>,
    tops: Vec<f32>,
    heights: Vec<f32>,
    /// `measure_tops[row][col][k]`: top of measure `k` of that cell, relative to the row's top.
    measure_tops: Vec<Vec<Vec<f32>>>,
    total: f32,
}

impl Layout {
    /// Top of the measure at `pos`, relative to the table body's top.
    fn measure_top(&self, pos: MeasurePos) -> Option<f32> {
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

/// Search hits to mark in the measures: byte ranges of each measure's display text, by plan
/// index and measure index.
pub type HitRanges<'a> = &'a dyn Fn(usize, usize) -> Vec<Range<usize>>;

/// What the user did in the column headers.
enum HeaderAction {
    /// Open the plan alone.
    Open(usize),
    /// Move the column left (`-1`) or right (`+1`).
    Move(usize, isize),
    /// Remove the column from the comparison.
    Remove(usize),
}

/// The compare view's state: the table of the current compared set and its layout, the focused
/// measure and the partners flashing after a click or a key.
#[derive(Debug, Default)]
pub struct CompareView {
    compared: Vec<usize>,
    comparison: Option<Comparison>,
    layout: Layout,
    /// The measure the user clicked or moved to.
    cursor: Option<MeasurePos>,
    /// Measures flashing (the cursor and its partners) until `flash_until`.
    flash: Vec<MeasurePos>,
    flash_until: f64,
    /// Scroll the table so this content y (from the body's top) is near the top of the view.
    scroll_to: Option<f32>,
    /// The body's visible y range last frame (content coordinates, below the headers).
    visible: Option<Range<f32>>,
    /// Commands for the app (tagging from the measure menu), taken by [`Self::take_commands`].
    commands: Vec<UiCommand>,
    /// Memos being edited in the detail bar, by tag id.
    memo_drafts: std::collections::HashMap<u64, String>,
    /// Plan ids of the compared plans, in column order.
    compared_ids: Vec<String>,
    /// Rows by theme (按主题对照) instead of by structure.
    by_theme: bool,
    /// The codebook of the by-theme rows (the project's, once the app sets it; the bundled
    /// pilot-task codebook before).
    codebook: Option<Codebook>,
    /// By theme: rows from the project's codebook instead of the bundled pilot-task codebook.
    use_project_codebook: bool,
    /// Pinned section pairs, by plan id.
    pins: Vec<SavedPin>,
    /// Pins changed since the app last took them ([`Self::take_changed_pins`]).
    pins_changed: bool,
    /// Rebuild the table on the next frame.
    stale: bool,
    /// Places left by jumps (content y at the top of the view, focused measure), newest last.
    back: Vec<(f32, Option<MeasurePos>)>,
    /// Places left by going back, newest last.
    forward: Vec<(f32, Option<MeasurePos>)>,
}

/// What a measure is drawn with.
struct Look {
    fill: Color32,
    bar: Color32,
    dashed: bool,
    text: Color32,
}

impl CompareView {
    /// Use `codebook` for the by-theme rows (the project's codebook).
    pub fn set_codebook(&mut self, codebook: &Codebook) {
        if self.codebook.as_ref() != Some(codebook) {
            self.codebook = Some(codebook.clone());
            self.stale |= self.by_theme && self.use_project_codebook;
        }
    }

    /// Rows by theme (`true`) or by structure.
    pub fn set_by_theme(&mut self, by_theme: bool) {
        if self.by_theme != by_theme {
            self.by_theme = by_theme;
            self.stale = true;
        }
    }

    /// Whether the rows are themes.
    pub fn by_theme(&self) -> bool {
        self.by_theme
    }

    /// The pinned section pairs (by plan id), to save in the project.
    pub fn pins(&self) -> &[SavedPin] {
        &self.pins
    }

    /// Restore pins (from the project).
    pub fn set_pins(&mut self, pins: Vec<SavedPin>) {
        if self.pins != pins {
            self.pins = pins;
            self.stale = true;
        }
    }

    /// The pins, if the user changed them since the last call (to save them in the project).
    pub fn take_changed_pins(&mut self) -> Option<Vec<SavedPin>> {
        std::mem::take(&mut self.pins_changed).then(|| self.pins.clone())
    }

    /// Pin two sections (column, section id) so they share a row.
    pub fn pin(&mut self, a: (usize, usize), b: (usize, usize)) {
        let (Some(pa), Some(pb)) = (self.compared_ids.get(a.0), self.compared_ids.get(b.0)) else {
            return;
        };
        if a.0 == b.0 {
            return;
        }
        self.pins.push(SavedPin {
            plan_ids: [pa.clone(), pb.clone()],
            section_ids: [a.1, b.1],
        });
        self.pins_changed = true;
        self.stale = true;
    }

    /// Drop the pins of section `section` of column `col`.
    pub fn unpin(&mut self, col: usize, section: usize) {
        let Some(id) = self.compared_ids.get(col).cloned() else {
            return;
        };
        let before = self.pins.len();
        self.pins
            .retain(|p| !(0..2).any(|k| p.plan_ids[k] == id && p.section_ids[k] == section));
        if self.pins.len() != before {
            self.pins_changed = true;
            self.stale = true;
        }
    }

    /// (column, section id) of every pinned section end in the current comparison.
    fn pinned_ends(&self) -> Vec<(usize, usize)> {
        let mut out = Vec::new();
        for p in &self.pins {
            for k in 0..2 {
                if let Some(c) = self.compared_ids.iter().position(|id| *id == p.plan_ids[k]) {
                    out.push((c, p.section_ids[k]));
                }
            }
        }
        out
    }

    /// Whether there is a place to go back to (after a jump).
    pub fn can_go_back(&self) -> bool {
        !self.back.is_empty()
    }

    /// Return to where the view was before the last jump (Alt+←).
    pub fn go_back(&mut self) {
        if let Some((y, cursor)) = self.back.pop() {
            self.forward.push(self.here());
            self.scroll_to = Some(y);
            self.cursor = cursor;
        }
    }

    /// Undo a [`Self::go_back`] (Alt+→).
    pub fn go_forward(&mut self) {
        if let Some((y, cursor)) = self.forward.pop() {
            self.back.push(self.here());
            self.scroll_to = Some(y);
            self.cursor = cursor;
        }
    }

    /// The current place: content y at the top of the view and the focused measure.
    fn here(&self) -> (f32, Option<MeasurePos>) {
        (
            self.visible.as_ref().map_or(0.0, |v| v.start.max(0.0)),
            self.cursor,
        )
    }

    /// Content y at the top of the view last frame.
    pub fn scroll_offset(&self) -> f32 {
        self.visible.as_ref().map_or(0.0, |v| v.start.max(0.0))
    }

    /// The table last shown.
    pub fn comparison(&self) -> Option<&Comparison> {
        self.comparison.as_ref()
    }

    /// Scroll the table so content y `y` (from the top of the rows) is at the top of the view on
    /// the next frame.
    pub fn scroll_to(&mut self, y: f32) {
        self.scroll_to = Some(y.max(0.0));
    }

    /// Height of all rows as laid out last frame (0 before the first frame).
    pub fn content_height(&self) -> f32 {
        self.layout.total
    }

    /// The commands the view produced this frame (tagging from a measure's menu).
    pub fn take_commands(&mut self) -> Vec<UiCommand> {
        std::mem::take(&mut self.commands)
    }

    /// The focused measure (clicked or reached with the keys).
    pub fn cursor(&self) -> Option<MeasurePos> {
        self.cursor
    }

    /// The measures flashing now: the focused one and its partners in the other columns.
    pub fn flashing(&self) -> &[MeasurePos] {
        &self.flash
    }

    /// Focus the measure at `pos`: flash it and its partners, and scroll to `scroll_target`
    /// (the measure itself, or its first partner outside the view) if it is not in view.
    fn focus(&mut self, analysis: &Analysis, pos: MeasurePos, now: f64, scroll_to_partner: bool) {
        let Some(table) = &self.comparison else {
            return;
        };
        let partners = table.partners(analysis, pos);
        let previous = self.cursor;
        self.cursor = Some(pos);
        self.flash = std::iter::once(pos)
            .chain(partners.iter().copied())
            .collect();
        self.flash_until = now + FLASH_SECONDS;
        let target = if scroll_to_partner {
            partners.iter().find(|p| !self.in_view(**p)).copied()
        } else if self.in_view(pos) {
            None
        } else {
            Some(pos)
        };
        if let Some(t) = target.and_then(|t| self.layout.measure_top(t)) {
            let margin = self
                .visible
                .as_ref()
                .map_or(80.0, |v| (v.end - v.start) / 4.0);
            // A jump: remember where the view was, for Alt+← (the cursor before the jump).
            self.back.push((
                self.visible.as_ref().map_or(0.0, |v| v.start.max(0.0)),
                previous,
            ));
            self.forward.clear();
            self.scroll_to = Some((t - margin).max(0.0));
        }
    }

    /// Focus the measure with flat index `flat` if it is in the table (from the search or
    /// families views); returns whether it is.
    pub fn focus_flat(&mut self, analysis: &Analysis, flat: usize, now: f64) -> bool {
        let Some(pos) = self.comparison.as_ref().and_then(|t| t.position(flat)) else {
            return false;
        };
        // Always scroll to it (the view may be about to change); Alt+← returns here.
        let from = self.here();
        let had_view = self.visible.is_some();
        self.cursor = None;
        self.visible = None;
        let depth = self.back.len();
        self.focus(analysis, pos, now, false);
        if self.back.len() > depth
            && let Some(last) = self.back.last_mut()
        {
            if had_view {
                *last = from;
            } else {
                // Nothing was shown before (the view was just opened): nothing to go back to.
                self.back.pop();
            }
        }
        true
    }

    /// Whether the measure at `pos` lies in the visible part of the body.
    fn in_view(&self, pos: MeasurePos) -> bool {
        match (&self.visible, self.layout.measure_top(pos)) {
            (Some(v), Some(top)) => top >= v.start && top + 20.0 <= v.end,
            _ => false,
        }
    }

    /// N / Shift+N: next / previous shared measure; U / Shift+U: unique; Esc: drop the focus.
    fn keyboard(&mut self, ui: &egui::Ui, analysis: &Analysis) {
        if ui.ctx().text_edit_focused() || self.comparison.is_none() {
            return;
        }
        let (back, forward) = ui.input(|i| {
            (
                i.modifiers.alt && i.key_pressed(egui::Key::ArrowLeft),
                i.modifiers.alt && i.key_pressed(egui::Key::ArrowRight),
            )
        });
        if back {
            self.go_back();
        }
        if forward {
            self.go_forward();
        }
        let (n, u, shift, esc, now) = ui.input(|i| {
            (
                i.key_pressed(egui::Key::N),
                i.key_pressed(egui::Key::U),
                i.modifiers.shift,
                i.key_pressed(egui::Key::Escape),
                i.time,
            )
        });
        if esc {
            self.cursor = None;
            self.flash.clear();
        }
        // N: next measure shared with another compared plan; U: next unique one.
        let scope = if n {
            Scope::Compared
        } else if u {
            Scope::Unique
        } else {
            return;
        };
        let next = self
            .comparison
            .as_ref()
            .and_then(|t| t.step(self.cursor, scope, !shift));
        if let Some(pos) = next {
            self.focus(analysis, pos, now, false);
        }
    }

    /// Draw the plans of `settings.compared_plans` side by side.
    /// `hits` gives the search hits to mark in a measure (`None`: no search).
    pub fn show(
        &mut self,
        ui: &mut egui::Ui,
        corpus: &Corpus,
        analysis: &Analysis,
        settings: &mut Settings,
        hits: Option<HitRanges<'_>>,
        coding: &CodingView,
    ) {
        let lang = settings.language;
        let compared: Vec<usize> = settings
            .compared_plans
            .iter()
            .filter_map(|id| corpus.plans.iter().position(|p| p.plan_id == *id))
            .collect();
        let new_set = compared != self.compared;
        if self.comparison.is_none() || new_set || self.stale {
            self.compared_ids = compared
                .iter()
                .map(|&pi| corpus.plans[pi].plan_id.clone())
                .collect();
            let mode = if self.by_theme {
                let project = self.codebook.clone().filter(|_| self.use_project_codebook);
                let codebook = project.unwrap_or_else(|| {
                    Codebook::load_or_bundled(DEFAULT_CODEBOOK).unwrap_or_default()
                });
                RowMode::Theme {
                    codebook,
                    tags: Vec::new(),
                }
            } else {
                RowMode::Structure
            };
            let pins = self
                .pins
                .iter()
                .filter_map(|p| p.to_pin(&self.compared_ids))
                .collect();
            self.comparison = Some(Comparison::build_with(
                corpus,
                analysis,
                &compared,
                &Options { mode, pins },
            ));
            self.compared = compared;
            self.layout = Layout::default();
            self.cursor = None;
            self.flash.clear();
            self.stale = false;
            // A new comparison (or another row mode) opens at its top.
            self.scroll_to = Some(0.0);
            self.back.clear();
            self.forward.clear();
        }
        self.keyboard(ui, analysis);
        ui.add_space(4.0);
        ui.horizontal_wrapped(|ui| {
            let title = match lang {
                Language::Chinese => format!("对照 {} 个方案", self.compared.len()),
                Language::English => format!("Comparing {} plans", self.compared.len()),
            };
            ui.label(egui::RichText::new(title).strong());
            ui.add_space(8.0);
            let mut by_theme = self.by_theme;
            ui.selectable_value(&mut by_theme, false, lang.pick("按结构", "By structure"))
                .on_hover_text(lang.pick(
                    "每行是各方案可比的章节",
                    "Each row: the plans' comparable sections",
                ));
            ui.selectable_value(&mut by_theme, true, lang.pick("按主题", "By theme"))
                .on_hover_text(lang.pick(
                    "每行是编码表的一个主题，列出各方案归入该主题的措施",
                    "Each row: a codebook theme, with each plan's measures for it",
                ));
            self.set_by_theme(by_theme);
            if self.by_theme
                && ui
                    .checkbox(
                        &mut self.use_project_codebook,
                        lang.pick("用项目编码表", "Project's codebook"),
                    )
                    .on_hover_text(lang.pick(
                        "关闭时用内置的城乡融合试点任务编码表",
                        "Off: the bundled urban–rural pilot-task codebook",
                    ))
                    .changed()
            {
                self.stale = true;
            }
            ui.add_space(8.0);
            if ui
                .add_enabled(!self.back.is_empty(), egui::Button::new(lang.pick("← 后退", "← Back")))
                .on_hover_text(lang.pick("后退（Alt+←）", "Back (Alt+←)"))
                .clicked()
            {
                self.go_back();
            }
            if ui
                .add_enabled(!self.forward.is_empty(), egui::Button::new(lang.pick("前进 →", "Forward →")))
                .on_hover_text(lang.pick("前进（Alt+→）", "Forward (Alt+→)"))
                .clicked()
            {
                self.go_forward();
            }
            ui.add_space(8.0);
            ui.checkbox(
                &mut settings.collapse_rows,
                lang.pick("只显示标题", "Collapse rows to headings"),
            );
            ui.checkbox(
                &mut settings.show_normalized,
                lang.pick("显示规范化简体文本", "Normalised simplified text"),
            )
            .on_hover_text(lang.pick(
                "关闭时显示原文（繁体保持繁体）",
                "Off: the original text (traditional stays traditional)",
            ));
            ui.checkbox(
                &mut settings.highlight_terms,
                lang.pick("标出关键词", "Key terms"),
            )
            .on_hover_text(lang.pick(
                "实线下划线：同一行其他方案也用的词；虚底色：本列独有的少见词",
                "Solid underline: terms another column of the row uses; tint: terms only this column has",
            ));
            ui.add_space(12.0);
            ui.label(lang.pick("列宽", "Column width"));
            let mut fit = settings.column_width <= DEFAULT_FIT;
            if ui.checkbox(&mut fit, lang.pick("适应窗口", "Fit")).changed() {
                settings.column_width = if fit { DEFAULT_FIT } else { 420.0 };
            }
            if !fit {
                ui.add(
                    egui::Slider::new(&mut settings.column_width, MIN_COLUMN..=900.0)
                        .step_by(10.0)
                        .suffix(" px"),
                );
            }
            ui.label(
                egui::RichText::new(lang.pick(
                    "N/Shift+N 下/上一条对照内共有 · U/Shift+U 独有 · Alt+←/→ 后退/前进",
                    "N/Shift+N next/previous shared here · U/Shift+U unique · Alt+←/→ back/forward",
                ))
                .small()
                .weak(),
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
        self.detail_bar(ui, corpus, analysis, lang, coding);
        self.tag_keys(ui, corpus, analysis, coding);
        let action = self.show_table(ui, corpus, analysis, settings, hits, coding);
        let plan_of = |c: usize| {
            let col = self.comparison.as_ref()?.columns.get(c)?;
            corpus.plans.get(col.plan_index)
        };
        match action {
            Some(HeaderAction::Open(c)) => {
                if let Some(plan) = plan_of(c) {
                    settings.selected_plan = Some(plan.plan_id.clone());
                    settings.view = View::Plan;
                }
            }
            Some(HeaderAction::Move(c, delta)) => {
                let to = c as isize + delta;
                if let Some(plan) = plan_of(c)
                    && let Some(from) = settings
                        .compared_plans
                        .iter()
                        .position(|id| *id == plan.plan_id)
                    && to >= 0
                    && (to as usize) < settings.compared_plans.len()
                {
                    settings.compared_plans.swap(from, to as usize);
                }
            }
            Some(HeaderAction::Remove(c)) => {
                if let Some(plan) = plan_of(c) {
                    let id = plan.plan_id.clone();
                    settings.compared_plans.retain(|p| *p != id);
                }
            }
            None => {}
        }
    }

    /// Keys 1–9 toggle the focused measure's tag with the 1st–9th theme of the codebook (as the
    /// detail bar numbers them).
    fn tag_keys(
        &mut self,
        ui: &egui::Ui,
        corpus: &Corpus,
        analysis: &Analysis,
        coding: &CodingView,
    ) {
        if ui.ctx().text_edit_focused() {
            return;
        }
        let Some((plan_id, measure_index, measure_id)) = self.focused_ids(corpus, analysis) else {
            return;
        };
        const DIGITS: [egui::Key; 9] = [
            egui::Key::Num1,
            egui::Key::Num2,
            egui::Key::Num3,
            egui::Key::Num4,
            egui::Key::Num5,
            egui::Key::Num6,
            egui::Key::Num7,
            egui::Key::Num8,
            egui::Key::Num9,
        ];
        let pressed = ui.input(|i| DIGITS.iter().position(|k| i.key_pressed(*k)));
        let Some(k) = pressed else { return };
        let Some(theme) = coding.themes.get(k) else {
            return;
        };
        let carried = coding.themes_of(&measure_id).contains(&k);
        self.commands.push(if carried {
            UiCommand::UntagMeasure {
                plan_id,
                measure_index,
                theme_id: theme.theme_id.clone(),
            }
        } else {
            UiCommand::TagMeasure {
                plan_id,
                measure_index,
                theme_id: theme.theme_id.clone(),
            }
        });
    }

    /// Plan id, measure index and measure id of the focused measure.
    fn focused_ids(&self, corpus: &Corpus, analysis: &Analysis) -> Option<(String, usize, String)> {
        let pos = self.cursor?;
        let table = self.comparison.as_ref()?;
        let m = table.measure(pos)?;
        let col = table.columns.get(pos.col)?;
        let plan = corpus.plans.get(col.plan_index)?;
        let measure_id = analysis.measures.get(m.flat?)?.measure_id.clone();
        Some((plan.plan_id.clone(), m.measure_index, measure_id))
    }

    /// The focused measure's full text, selectable, with its plan and status, its tags (memo
    /// editable, removable) and the tag menu.
    fn detail_bar(
        &mut self,
        ui: &mut egui::Ui,
        corpus: &Corpus,
        analysis: &Analysis,
        lang: Language,
        coding: &CodingView,
    ) {
        let ids = self.focused_ids(corpus, analysis);
        let Some((pos, table)) = self.cursor.zip(self.comparison.as_ref()) else {
            return;
        };
        let (Some(m), Some(col)) = (table.measure(pos), table.columns.get(pos.col)) else {
            return;
        };
        let plan = corpus.plans.get(col.plan_index);
        egui::Panel::bottom("compare_detail")
            .resizable(true)
            .default_size(90.0)
            .show(ui, |ui| {
                ui.add_space(4.0);
                ui.horizontal(|ui| {
                    ui.label(egui::RichText::new(&col.name).strong());
                    ui.label(
                        egui::RichText::new(format!(
                            "{} {} · {}",
                            lang.pick("第", "No."),
                            m.number,
                            status_name(m.scope, lang)
                        ))
                        .weak(),
                    );
                    if let Some(p) = plan {
                        ui.label(egui::RichText::new(&p.source).small().weak());
                    }
                    if ui.small_button(lang.pick("复制", "Copy")).clicked() {
                        ui.ctx().copy_text(m.text.clone());
                    }
                });
                let mut commands = Vec::new();
                if let Some((plan_id, measure_index, measure_id)) = &ids {
                    ui.horizontal_wrapped(|ui| {
                        if let Some(c) =
                            tag_menu_ui(ui, coding, plan_id, *measure_index, measure_id, lang)
                        {
                            commands.push(c);
                        }
                        ui.label(
                            egui::RichText::new(lang.pick(
                                "数字键 1–9：切换菜单中前九个主题",
                                "Keys 1–9: toggle the first nine themes of the menu",
                            ))
                            .small()
                            .weak(),
                        );
                    });
                    for (tag_id, k, memo) in coding.tags_of(measure_id) {
                        let Some(theme) = coding.themes.get(*k) else {
                            continue;
                        };
                        ui.horizontal(|ui| {
                            let (rect, _) =
                                ui.allocate_exact_size(egui::vec2(10.0, 10.0), Sense::hover());
                            ui.painter().rect_filled(rect, 2.0, theme.color);
                            ui.label(&theme.name);
                            let draft = self
                                .memo_drafts
                                .entry(*tag_id)
                                .or_insert_with(|| memo.clone());
                            let edit = ui.add(
                                egui::TextEdit::singleline(draft)
                                    .hint_text(lang.pick("备注…", "Memo…"))
                                    .desired_width(260.0),
                            );
                            if edit.lost_focus() && *draft != *memo {
                                commands.push(UiCommand::SetMemo {
                                    tag_id: *tag_id,
                                    memo: draft.clone(),
                                });
                            }
                            if ui
                                .small_button("×")
                                .on_hover_text(lang.pick("删除这个标注", "Remove this tag"))
                                .clicked()
                            {
                                commands.push(UiCommand::UntagMeasure {
                                    plan_id: plan_id.clone(),
                                    measure_index: *measure_index,
                                    theme_id: theme.theme_id.clone(),
                                });
                            }
                        });
                    }
                }
                let mut selected: Option<String> = None;
                egui::ScrollArea::vertical()
                    .id_salt("compare_detail_text")
                    .show(ui, |ui| {
                        // A read-only text box: select with the mouse or Shift+arrows, copy with
                        // Ctrl+C, tag the selection with the menu below.
                        let mut text: &str = m.text.as_str();
                        let out = egui::TextEdit::multiline(&mut text)
                            .desired_width(f32::INFINITY)
                            .desired_rows(1)
                            .frame(egui::Frame::NONE)
                            .show(ui);
                        if let Some(range) = out.cursor_range {
                            let r = range.as_sorted_char_range();
                            let (a, b) = (r.start.0, r.end.0);
                            if a < b {
                                selected = Some(m.text.chars().skip(a).take(b - a).collect());
                            }
                        }
                    });
                if let (Some(sel), Some((plan_id, measure_index, _))) = (&selected, &ids)
                    && let Some(range) = selection_in_plan(corpus, plan_id, *measure_index, sel)
                {
                    let title = lang.pick("为选中文字标注主题", "Tag the selected text");
                    if let Some(c) = span_menu_ui(ui, coding, title, plan_id, range, lang) {
                        commands.push(c);
                    }
                }
                self.commands.extend(commands);
            });
    }

    /// Draw the table; returns the index of the column whose header was clicked.
    fn show_table(
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
                        super::doc_view::paint_kind_tag(
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

/// What painting a cell needs besides the cell.
struct CellContext<'a> {
    corpus: &'a Corpus,
    analysis: &'a Analysis,
    compared: &'a [usize],
    lang: Language,
    dark: bool,
    collapsed: bool,
    /// Show the normalised text instead of the original.
    normalized: bool,
    /// Mark key terms (shared in the row / distinctive).
    key_terms: bool,
    /// Search hits to mark.
    hits: Option<HitRanges<'a>>,
    /// The project's themes and tags.
    coding: &'a CodingView,
    /// Id of the cell's plan.
    plan_id: &'a str,
    /// Corpus index of the cell's plan.
    plan_index: usize,
    /// The focused measure.
    cursor: Option<MeasurePos>,
    /// Measures flashing now.
    flashing: &'a [MeasurePos],
    /// 1 at the start of the flash, 0 at its end.
    flash_phase: f32,
    /// Top of the rows' visible part (below the sticky headers), in screen coordinates.
    body_top: f32,
    /// Row and column, for widget ids.
    id: (usize, usize),
    /// Rows are themes (no pinning).
    by_theme: bool,
    /// Pinned (column, section id) pairs' ends.
    pinned: &'a [(usize, usize)],
    /// Pin and unpin requests from the section menus.
    pin_actions: &'a std::cell::RefCell<Vec<PinAction>>,
}

/// A pin or unpin asked for in a section heading's menu.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PinAction {
    /// Section `section_a` of column `col_a` shares a row with `section_b` of `col_b`.
    Pin {
        col_a: usize,
        section_a: usize,
        col_b: usize,
        section_b: usize,
    },
    /// Drop the pins of this section.
    Unpin { col: usize, section: usize },
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
    let count = |scope: Scope| cell.measures.iter().filter(|m| m.scope == scope).count();
    let (shared, elsewhere, unique) = (
        count(Scope::Compared),
        count(Scope::Elsewhere),
        count(Scope::Unique),
    );
    match lang {
        Language::Chinese => format!(
            "{} 条措施 · 对照内共有 {shared} · 对照外共有 {elsewhere} · 独有 {unique}",
            cell.measures.len()
        ),
        Language::English => format!(
            "{} measures · {shared} shared here · {elsewhere} elsewhere · {unique} unique",
            cell.measures.len()
        ),
    }
}

/// How a stretch of a measure's text is marked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum TextMark {
    /// A key term only this column of the row has.
    Distinctive,
    /// A key term another column of the row uses.
    SharedTerm,
    /// A search hit.
    Hit,
}

/// The text shown for a measure: original or normalised.
fn shown_text(m: &CellMeasure, normalized: bool) -> &str {
    if normalized { &m.norm } else { &m.text }
}

/// The marks of a measure in its shown text: key terms (if asked) and search hits.
fn text_marks(cx: &CellContext<'_>, m: &CellMeasure) -> Vec<(Range<usize>, TextMark)> {
    let mut marks = Vec::new();
    if cx.key_terms {
        for (range, mark) in &m.terms {
            let range = if cx.normalized {
                Some(range.clone())
            } else {
                norm_range_in_text(&m.text, &m.norm, range.clone())
            };
            let mark = match mark {
                TermMark::Shared => TextMark::SharedTerm,
                TermMark::Distinctive => TextMark::Distinctive,
            };
            marks.extend(range.map(|r| (r, mark)));
        }
    }
    if let Some(hits) = cx.hits {
        for range in hits(cx.plan_index, m.measure_index) {
            let range = if cx.normalized {
                norm_range_in_text(&m.norm, &m.text, range)
            } else {
                Some(range)
            };
            marks.extend(range.map(|r| (r, TextMark::Hit)));
        }
    }
    marks
}

fn measure_galley(
    ui: &egui::Ui,
    text: &str,
    marks: &[(Range<usize>, TextMark)],
    wrap: f32,
    color: Color32,
) -> Arc<Galley> {
    let font = TextStyle::Body.resolve(ui.style());
    let plain = TextFormat {
        line_height: Some(font.size * 1.45),
        font_id: font,
        color,
        ..Default::default()
    };
    let mut job = if marks.is_empty() {
        LayoutJob::single_section(text.to_owned(), plain)
    } else {
        marked_job(ui, text, marks, &plain)
    };
    job.wrap = TextWrapping::wrap_at_width(wrap);
    ui.fonts_mut(|f| f.layout_job(job))
}

/// A layout job with each stretch of `text` formatted by its strongest mark.
fn marked_job(
    ui: &egui::Ui,
    text: &str,
    marks: &[(Range<usize>, TextMark)],
    plain: &TextFormat,
) -> LayoutJob {
    let dark = ui.visuals().dark_mode;
    let mut cuts: Vec<usize> = vec![0, text.len()];
    for (r, _) in marks {
        if r.end <= text.len() && text.is_char_boundary(r.start) && text.is_char_boundary(r.end) {
            cuts.push(r.start);
            cuts.push(r.end);
        }
    }
    cuts.sort_unstable();
    cuts.dedup();
    let mut job = LayoutJob::default();
    for w in cuts.windows(2) {
        let (a, b) = (w[0], w[1]);
        let Some(piece) = text.get(a..b) else {
            continue;
        };
        let mark = marks
            .iter()
            .filter(|(r, _)| r.start <= a && b <= r.end)
            .map(|(_, m)| *m)
            .max();
        let mut format = plain.clone();
        match mark {
            Some(TextMark::Hit) => {
                format.background = if dark {
                    Color32::from_rgb(120, 100, 20)
                } else {
                    Color32::from_rgb(255, 225, 90)
                };
                format.color = ui.visuals().strong_text_color();
            }
            Some(TextMark::SharedTerm) => {
                format.underline = Stroke::new(1.5, shared_color(dark));
            }
            Some(TextMark::Distinctive) => {
                format.background = unique_color(dark).gamma_multiply(0.35);
                format.underline = Stroke::new(1.0, unique_color(dark));
            }
            None => {}
        }
        job.append(piece, 0.0, format);
    }
    job
}

fn small_row_height(ui: &egui::Ui) -> f32 {
    let small = TextStyle::Small.resolve(ui.style());
    ui.fonts_mut(|f| f.row_height(&small))
}

/// What a cell draws below its heading and summary, in order: the headings of its further
/// sections and its measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Item {
    /// The heading of section `i` of the cell (`i > 0`: the first is the cell's heading).
    Sub(usize),
    /// Measure `k` of the cell.
    Measure(usize),
}

fn cell_items(cell: &Cell, collapsed: bool) -> Vec<Item> {
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
/// reading order.
fn section_heading(cell: &Cell, i: usize, lang: Language) -> String {
    let Some(s) = cell.sections.get(i) else {
        return cell.heading.clone();
    };
    match (&s.parent, s.moved) {
        (Some(parent), true) => match lang {
            Language::Chinese => format!("{}（移自 {parent}）", s.heading),
            Language::English => format!("{} (moved, from {parent})", s.heading),
        },
        (None, true) => match lang {
            Language::Chinese => format!("{}（不在原顺序）", s.heading),
            Language::English => format!("{} (out of reading order)", s.heading),
        },
        _ => s.heading.clone(),
    }
}

/// Height of a cell's content, and each measure's top relative to the cell's top.
fn cell_height(ui: &egui::Ui, cell: &Cell, key: &LayoutKey) -> (f32, Vec<f32>) {
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
fn layout_rows(ui: &egui::Ui, table: &Comparison, key: LayoutKey) -> Layout {
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

/// Colours of a measure by its scope in the comparison, tier and how many compared plans share
/// it: shared with a compared plan green (darker with more plans; dashed bar for a paraphrase),
/// shared only outside the comparison a pale green with a dashed grey-green bar, unique amber,
/// boilerplate muted text.
fn look(ui: &egui::Ui, scope: Scope, tier: Option<Tier>, plans: usize, dark: bool) -> Look {
    let text = ui.visuals().text_color();
    match scope {
        Scope::Compared => {
            let base = shared_color(dark);
            let strength = plans.clamp(1, FULL_STRENGTH_PLANS) as f32 / FULL_STRENGTH_PLANS as f32;
            let verbatim = tier == Some(Tier::Verbatim);
            let alpha = 0.16 + 0.30 * strength;
            Look {
                fill: base.gamma_multiply(if verbatim { alpha } else { alpha * 0.6 }),
                bar: base,
                dashed: !verbatim,
                text,
            }
        }
        Scope::Elsewhere => Look {
            fill: shared_color(dark).gamma_multiply(0.06),
            bar: shared_color(dark).gamma_multiply(0.45),
            dashed: true,
            text,
        },
        Scope::Unique => Look {
            fill: unique_color(dark).gamma_multiply(0.14),
            bar: unique_color(dark),
            dashed: false,
            text,
        },
        Scope::Boilerplate => Look {
            fill: Color32::TRANSPARENT,
            bar: ui.visuals().weak_text_color().gamma_multiply(0.5),
            dashed: false,
            text: ui.visuals().weak_text_color(),
        },
    }
}

/// Number of compared plans (columns) sharing a measure.
fn compared_plans(m: &CellMeasure) -> usize {
    let mut cols: Vec<usize> = m.partners.iter().filter_map(|p| p.column).collect();
    cols.sort_unstable();
    cols.dedup();
    cols.len()
}

/// Outline of the focused measure and its flashing partners (blue: apart from the status hues).
fn focus_color(dark: bool) -> Color32 {
    if dark {
        Color32::from_rgb(110, 170, 255)
    } else {
        Color32::from_rgb(20, 90, 220)
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

/// The scope name read out for a measure.
fn status_name(scope: Scope, lang: Language) -> &'static str {
    match scope {
        Scope::Compared => lang.pick("对照内共有", "Shared in the comparison"),
        Scope::Elsewhere => lang.pick("仅与对照外共有", "Shared only outside the comparison"),
        Scope::Unique => lang.pick("独有", "Unique"),
        Scope::Boilerplate => lang.pick("套话", "Boilerplate"),
    }
}

fn paint_cell(
    ui: &mut egui::Ui,
    cx: &CellContext<'_>,
    cell: &Cell,
    rect: Rect,
    clicked: &mut Option<MeasurePos>,
    commands: &mut Vec<UiCommand>,
) {
    let heading_id = ui.scope_id().with(("compare_heading", cx.id));
    let first_heading = section_heading(cell, 0, cx.lang);
    let heading = heading_galley(ui, &first_heading, heading_wrap(rect.width()));
    let heading_rect = Rect::from_min_size(rect.min + egui::vec2(PAD, PAD), heading.size());
    let visible = Rect::from_x_y_ranges(rect.x_range(), cx.body_top..=f32::INFINITY);
    let response = ui.interact(heading_rect.intersect(visible), heading_id, Sense::click());
    response.widget_info(|| WidgetInfo::labeled(Role::Label, true, &first_heading));
    if let Some(range) = &cell.passage {
        let carried = cx.coding.themes_of_span(cx.plan_id, range);
        if !carried.is_empty() {
            let marks = Rect::from_min_max(
                egui::pos2(rect.left(), rect.top() - 8.0),
                egui::pos2(rect.right() - PAD, rect.top() + 40.0),
            );
            paint_marks(ui.painter(), cx.coding, carried, marks);
        }
    }
    if let Some(section) = cell.sections.first() {
        section_menu(&response, cx, section, commands);
    }
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
    let (left, wrap) = measure_span(rect.width());
    let small = TextStyle::Small.resolve(ui.style());
    // The heading of the section the view's top is in, kept visible over a tall cell.
    let mut sticky = first_heading.clone();
    for item in cell_items(cell, cx.collapsed) {
        let k = match item {
            Item::Sub(i) => {
                y += SUB_GAP;
                let text = section_heading(cell, i, cx.lang);
                if y < cx.body_top {
                    sticky = text.clone();
                }
                let galley = heading_galley(ui, &text, heading_wrap(rect.width()));
                let at = egui::pos2(rect.left() + PAD, y);
                y += galley.size().y + 2.0;
                let sub_rect = Rect::from_min_size(at, galley.size());
                ui.painter().hline(
                    (rect.left() + PAD)..=(rect.right() - PAD),
                    at.y - SUB_GAP / 2.0,
                    ui.visuals().widgets.noninteractive.bg_stroke,
                );
                ui.painter()
                    .galley(at, galley, ui.visuals().strong_text_color());
                let sub = ui.interact(
                    sub_rect.intersect(visible),
                    ui.scope_id().with(("compare_sub", cx.id, i)),
                    Sense::click(),
                );
                sub.widget_info(|| WidgetInfo::labeled(Role::Label, true, &text));
                if let Some(section) = cell.sections.get(i) {
                    section_menu(&sub, cx, section, commands);
                }
                continue;
            }
            Item::Measure(k) => k,
        };
        let Some(m) = cell.measures.get(k) else {
            continue;
        };
        let look = look(ui, m.scope, m.tier, compared_plans(m), cx.dark);
        let marks = text_marks(cx, m);
        let galley = measure_galley(ui, shown_text(m, cx.normalized), &marks, wrap, look.text);
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
        let pos = MeasurePos {
            row: cx.id.0,
            col: cx.id.1,
            k,
        };
        if cx.flashing.contains(&pos) {
            // A fading outline, thicker at the start, so the eye finds the partner.
            let alpha = cx.flash_phase.clamp(0.0, 1.0);
            ui.painter().rect_stroke(
                box_rect.expand(2.0),
                4.0,
                Stroke::new(
                    1.5 + 2.0 * alpha,
                    focus_color(cx.dark).gamma_multiply(0.35 + 0.65 * alpha),
                ),
                egui::StrokeKind::Outside,
            );
        } else if cx.cursor == Some(pos) {
            ui.painter().rect_stroke(
                box_rect.expand(1.0),
                4.0,
                Stroke::new(1.5, focus_color(cx.dark)),
                egui::StrokeKind::Outside,
            );
        }
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
        ui.painter().galley(
            egui::pos2(rect.left() + left, box_rect.top() + MEASURE_PAD),
            galley,
            look.text,
        );
        let id = ui.scope_id().with(("compare_measure", cx.id, k));
        let response = ui.interact(box_rect.intersect(visible), id, Sense::click());
        let name = format!("{}：{}", status_name(m.scope, cx.lang), m.text);
        response.widget_info(|| WidgetInfo::labeled(Role::Button, true, &name));
        if response.clicked() {
            *clicked = Some(pos);
        }
        let measure_id = m
            .flat
            .and_then(|f| cx.analysis.measures.get(f))
            .map_or("", |e| e.measure_id.as_str());
        let carried = cx.coding.themes_of(measure_id);
        if !carried.is_empty() {
            paint_marks(ui.painter(), cx.coding, carried, box_rect);
        }
        response.context_menu(|ui| {
            if let Some(c) = tag_menu_ui(
                ui,
                cx.coding,
                cx.plan_id,
                m.measure_index,
                measure_id,
                cx.lang,
            ) {
                commands.push(c);
            }
            ui.separator();
            if ui
                .button(cx.lang.pick("复制这条措施", "Copy this measure"))
                .clicked()
            {
                ui.ctx().copy_text(m.text.clone());
                ui.close();
            }
            if ui
                .button(cx.lang.pick("复制规范化文本", "Copy the normalised text"))
                .clicked()
            {
                ui.ctx().copy_text(m.norm.clone());
                ui.close();
            }
        });
        if m.scope != Scope::Unique {
            response.on_hover_ui(|ui| measure_tooltip(ui, cx, m));
        }
    }
    // A cell taller than what is left of it in view keeps its heading at the top of the view.
    let band_height = small_row_height(ui) + 6.0;
    if rect.top() < cx.body_top && rect.bottom() > cx.body_top + 3.0 * band_height {
        let band = Rect::from_min_max(
            egui::pos2(rect.left() + 1.0, cx.body_top),
            egui::pos2(rect.right() - 1.0, cx.body_top + band_height),
        );
        ui.painter()
            .rect_filled(band, 0.0, ui.visuals().panel_fill.gamma_multiply(0.96));
        ui.painter().hline(
            band.x_range(),
            band.bottom(),
            ui.visuals().widgets.noninteractive.bg_stroke,
        );
        paint_line(
            ui,
            &sticky,
            small.clone(),
            ui.visuals().strong_text_color(),
            band.shrink2(egui::vec2(PAD, 0.0)),
            band.top() + 3.0,
        );
    }
}

/// A section heading's menu: tag the whole section; pin it with a section of another compared
/// plan (the two then always share a row); unpin it.
fn section_menu(
    response: &egui::Response,
    cx: &CellContext<'_>,
    section: &CellSection,
    commands: &mut Vec<UiCommand>,
) {
    response.context_menu(|ui| {
        if let Some(range) = &section.passage {
            let title = cx.lang.pick("为整节标注主题", "Tag the whole section");
            if let Some(c) = span_menu_ui(ui, cx.coding, title, cx.plan_id, range.clone(), cx.lang)
            {
                commands.push(c);
            }
        }
        let Some(sid) = section.section_id else {
            return;
        };
        if cx.by_theme {
            return;
        }
        ui.separator();
        let col = cx.id.1;
        ui.menu_button(
            cx.lang.pick("与…对齐（固定同行）", "Pin with…"),
            |ui| {
                egui::ScrollArea::vertical()
                    .max_height(420.0)
                    .show(ui, |ui| {
                        for (other, &pi) in cx.compared.iter().enumerate() {
                            if other == col {
                                continue;
                            }
                            let Some(plan) = cx.corpus.plans.get(pi) else {
                                continue;
                            };
                            ui.label(egui::RichText::new(&plan.name).strong());
                            for s in plan.all_sections().into_iter().filter(|s| s.level <= 2) {
                                let label = crate::comparison::join_label(&s.label, &s.title);
                                let indent = if s.level > 1 { "    " } else { "" };
                                if ui.button(format!("{indent}{label}")).clicked() {
                                    cx.pin_actions.borrow_mut().push(PinAction::Pin {
                                        col_a: col,
                                        section_a: sid,
                                        col_b: other,
                                        section_b: s.section_id,
                                    });
                                    ui.close();
                                }
                            }
                        }
                    });
            },
        );
        if cx.pinned.iter().any(|&(c, s)| c == col && s == sid)
            && ui.button(cx.lang.pick("取消固定", "Unpin")).clicked()
        {
            cx.pin_actions
                .borrow_mut()
                .push(PinAction::Unpin { col, section: sid });
            ui.close();
        }
    });
}

/// Where `selected` (text selected in a measure's display text) stands in its plan's own text:
/// searched in the measure's original passage, so a selection that crosses a removed pinyin note or
/// a re-joined line break (absent from the original as displayed) is not offered for tagging.
fn selection_in_plan(
    corpus: &Corpus,
    plan_id: &str,
    measure_index: usize,
    selected: &str,
) -> Option<Range<usize>> {
    let plan = corpus.plans.iter().find(|p| p.plan_id == plan_id)?;
    let measures = plan.measures();
    let m = measures.get(measure_index)?;
    let start = m.span.start.checked_sub(plan.span.start)?;
    let end = m.span.end.checked_sub(plan.span.start)?;
    let passage = plan.original_text().get(start..end)?;
    let at = passage.find(selected)?;
    Some(start + at..start + at + selected.len())
}

/// The plans and sentences a measure is shared with, compared plans first.
fn measure_tooltip(ui: &mut egui::Ui, cx: &CellContext<'_>, m: &CellMeasure) {
    let lang = cx.lang;
    ui.set_max_width(460.0);
    if m.scope == Scope::Boilerplate {
        ui.label(lang.pick(
            "套话：泛泛的提法或目标公式，不计为共有措施。",
            "Boilerplate: generic wording or a target formula, never counted as shared.",
        ));
        if m.partners.is_empty() {
            return;
        }
    }
    let in_cmp = m.partners.iter().filter(|p| p.column.is_some()).count();
    let title = match lang {
        Language::Chinese => format!(
            "与 {} 个方案共有（{} 处，对照内 {in_cmp} 处）",
            m.plans_sharing,
            m.partners.len()
        ),
        Language::English => format!(
            "Shared with {} plans ({} sentences, {in_cmp} in the comparison)",
            m.plans_sharing,
            m.partners.len()
        ),
    };
    ui.label(egui::RichText::new(title).strong());
    for partner in m.partners.iter().take(MAX_TOOLTIP_LINKS) {
        let Some(plan) = cx.corpus.plans.get(partner.plan) else {
            continue;
        };
        let text = cx
            .analysis
            .measures
            .get(partner.flat)
            .and_then(|o| plan.measures().get(o.index).map(|x| x.text.clone()))
            .unwrap_or_default();
        let tier = match partner.tier {
            Tier::Verbatim => lang.pick("原文相同", "verbatim"),
            Tier::Paraphrase => lang.pick("意思相近", "paraphrase"),
        };
        let marker = if partner.column.is_some() {
            lang.pick("【对照中】", "[compared] ")
        } else {
            ""
        };
        ui.add_space(3.0);
        ui.label(
            egui::RichText::new(format!(
                "{marker}{} {} · {tier} {:.2}",
                plan.name, partner.measure_id, partner.score
            ))
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
    if m.partners.len() > MAX_TOOLTIP_LINKS {
        let more = m.partners.len() - MAX_TOOLTIP_LINKS;
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
) -> Option<HeaderAction> {
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
        // Move left, move right, remove: small buttons at the header's top right.
        let buttons = [
            ("←", -1isize, lang.pick("左移", "Move left")),
            ("→", 1, lang.pick("右移", "Move right")),
            ("×", 0, lang.pick("移出对照", "Remove from comparison")),
        ];
        let button_size = egui::vec2(20.0, 18.0);
        let strip_left = cell.right() - button_size.x * buttons.len() as f32;
        for (b, (glyph, delta, tip)) in buttons.into_iter().enumerate() {
            let shown = match delta {
                -1 => c > 0,
                1 => c + 1 < table.columns.len(),
                _ => true,
            };
            if !shown {
                continue;
            }
            let r = Rect::from_min_size(
                egui::pos2(strip_left + button_size.x * b as f32, cell.top() - 2.0),
                button_size,
            );
            let resp = ui.interact(
                r,
                ui.scope_id().with(("compare_header_button", c, b)),
                Sense::click(),
            );
            let label = format!("{tip} {}", col.name);
            resp.widget_info(|| WidgetInfo::labeled(Role::Button, true, &label));
            if resp.hovered() {
                ui.painter()
                    .rect_filled(r, 3.0, visuals.widgets.hovered.weak_bg_fill);
            }
            ui.painter().text(
                r.center(),
                egui::Align2::CENTER_CENTER,
                glyph,
                body.clone(),
                visuals.weak_text_color(),
            );
            if resp.on_hover_text(tip).clicked() {
                clicked = Some(if delta == 0 {
                    HeaderAction::Remove(c)
                } else {
                    HeaderAction::Move(c, delta)
                });
            }
        }
        let title_area = Rect::from_min_max(cell.min, egui::pos2(strip_left - 4.0, cell.bottom()));
        let response = ui.interact(
            title_area,
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
            clicked = Some(HeaderAction::Open(c));
        }
        let mut y = cell.top();
        y += paint_line(
            ui,
            &col.name,
            body.clone(),
            visuals.strong_text_color(),
            title_area,
            y,
        );
        let place = if col.place.is_empty() {
            "—"
        } else {
            col.place.as_str()
        };
        y += paint_line(ui, place, small.clone(), visuals.weak_text_color(), cell, y);
        // Within the comparison: shared with each other compared plan, then the plan's totals.
        let with: Vec<String> = table
            .columns
            .iter()
            .zip(&col.shared_with)
            .enumerate()
            .filter(|(o, _)| *o != c)
            .map(|(_, (other, n))| match lang {
                Language::Chinese => format!("与{}共有 {n}", other.name),
                Language::English => format!("{n} shared with {}", other.name),
            })
            .collect();
        let with_text = with.join(" · ");
        let line_h = paint_line(
            ui,
            &with_text,
            small.clone(),
            shared_color(dark),
            cell,
            y + 1.0,
        );
        ui.interact(
            Rect::from_min_size(
                egui::pos2(cell.left(), y + 1.0),
                egui::vec2(cell.width(), line_h),
            ),
            ui.scope_id().with(("compare_header_with", c)),
            Sense::hover(),
        )
        .widget_info(|| WidgetInfo::labeled(Role::Label, true, &with_text));
        y += line_h;
        let counts = [
            (
                format!("{} {}", lang.pick("对照内共有", "shared here"), col.shared),
                shared_color(dark),
            ),
            (
                format!("{} {}", lang.pick("对照外", "elsewhere"), col.elsewhere),
                visuals.text_color(),
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
        for (k, (text, color)) in counts.into_iter().enumerate() {
            let r = ui.painter().text(
                egui::pos2(x, y + 2.0),
                egui::Align2::LEFT_TOP,
                &text,
                small.clone(),
                color,
            );
            ui.interact(
                r,
                ui.scope_id().with(("compare_header_count", c, k)),
                Sense::hover(),
            )
            .widget_info(|| WidgetInfo::labeled(Role::Label, true, &text));
            x = r.right() + 8.0;
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

/// The colour key: a swatch and a label per scope.
fn legend(ui: &mut egui::Ui, lang: Language) {
    let dark = ui.visuals().dark_mode;
    ui.horizontal_wrapped(|ui| {
        let items = [
            (
                Scope::Compared,
                Some(Tier::Verbatim),
                lang.pick("对照内共有·原文相同", "Shared in the comparison, verbatim"),
            ),
            (
                Scope::Compared,
                Some(Tier::Paraphrase),
                lang.pick(
                    "对照内共有·意思相近",
                    "Shared in the comparison, paraphrase",
                ),
            ),
            (
                Scope::Elsewhere,
                None,
                lang.pick("仅与对照外方案共有", "Shared only outside the comparison"),
            ),
            (Scope::Unique, None, lang.pick("独有", "Unique")),
            (Scope::Boilerplate, None, lang.pick("套话", "Boilerplate")),
        ];
        for (scope, tier, label) in items {
            let (rect, _) = ui.allocate_exact_size(egui::vec2(22.0, 16.0), Sense::hover());
            let look = look(ui, scope, tier, 2, dark);
            paint_look(ui.painter(), rect, &look);
            ui.label(egui::RichText::new(label).small().color(look.text));
            ui.add_space(6.0);
        }
        ui.label(
            egui::RichText::new(lang.pick(
                "颜色越深，对照中共有的方案越多；悬停查看出处",
                "Darker: shared by more compared plans; hover for the sources",
            ))
            .small()
            .weak(),
        );
    });
}
