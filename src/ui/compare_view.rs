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

mod cell;
mod detail_bar;
mod header;
mod layout;
mod matches;
mod style;
mod table;

use std::ops::Range;

use crate::comparison::Comparison;
use crate::comparison::MeasurePos;
use crate::comparison::MeasureTag;
use crate::comparison::Options;
use crate::comparison::RowMode;
use crate::comparison::Scope;
use crate::corpus::Corpus;
use crate::matching::Analysis;
use crate::project::SavedPin;
use crate::themes::Codebook;
use crate::ui::command::UiCommand;
use crate::ui::settings::Language;
use crate::ui::settings::Settings;
use crate::ui::settings::View;
use crate::ui::tagging::CodingView;

pub use cell::HitRanges;
use header::{HeaderAction, legend};
use layout::Layout;
pub use matches::MatchInfo;
use matches::MatchMarks;
use style::MIN_COLUMN;

/// How long a focused measure and its partners flash, in seconds.
const FLASH_SECONDS: f64 = 1.6;
/// Default column width when the user has not set one.
const DEFAULT_FIT: f32 = 0.0;
/// The codebook of the by-theme rows until the app sets the project's.
const DEFAULT_CODEBOOK: &str = "urban_rural_integration";

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
    /// The measures the project's tags put under their themes (listed in the by-theme rows
    /// with the rules' proposals).
    tags: Vec<MeasureTag>,
    /// What `tags` were made from: project generation, corpus revision.
    tags_key: Option<(u64, u64)>,
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
    /// The characters the focused measure shares with its partners, marked in both.
    matches: MatchMarks,
    /// A partner to explain beside the engine's links: (focused measure, partner), set when a
    /// reuse passage opens the comparison on a pair.
    extra_partner: Option<(MeasurePos, MeasurePos)>,
}

impl CompareView {
    /// Use `codebook` for the by-theme rows (the project's codebook).
    pub fn set_codebook(&mut self, codebook: &Codebook) {
        if self.codebook.as_ref() != Some(codebook) {
            self.codebook = Some(codebook.clone());
            self.stale |= self.by_theme && self.use_project_codebook;
        }
    }

    /// The measures tagged in the project (by-theme rows list them under their themes), made
    /// by `make` when `key` (project generation, corpus revision) changed since the last call.
    pub fn sync_tags(&mut self, key: (u64, u64), make: impl FnOnce() -> Vec<MeasureTag>) {
        if self.tags_key == Some(key) {
            return;
        }
        self.tags_key = Some(key);
        let tags = make();
        if self.tags != tags {
            self.tags = tags;
            self.stale |= self.by_theme;
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
        let pin = SavedPin {
            plan_ids: [pa.clone(), pb.clone()],
            section_ids: [a.1, b.1],
        };
        if self.pins.contains(&pin) {
            return;
        }
        self.pins.push(pin);
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

    /// Byte ranges of the display text of the measure at `pos` that it shares with the focused
    /// measure (or, for the focused one, with its partners); empty otherwise.
    pub fn match_ranges(&self, pos: MeasurePos) -> &[Range<usize>] {
        self.matches.of(pos)
    }

    /// Why the focused measure matches each partner shown: tier, score, shared characters.
    pub fn match_infos(&self) -> &[MatchInfo] {
        &self.matches.infos
    }

    /// Focus the measure `flat_a` and explain it against `flat_b` (another compared plan's
    /// measure) even if the engine did not link them: a reuse passage opens here. Returns whether
    /// `flat_a` is in the table.
    pub fn focus_pair(
        &mut self,
        analysis: &Analysis,
        flat_a: usize,
        flat_b: usize,
        now: f64,
    ) -> bool {
        if !self.focus_flat(analysis, flat_a, now) {
            return false;
        }
        let b = self.comparison.as_ref().and_then(|t| t.position(flat_b));
        if let (Some(a), Some(b)) = (self.cursor, b) {
            self.extra_partner = Some((a, b));
            if !self.flash.contains(&b) {
                self.flash.push(b);
            }
        }
        true
    }

    /// Whether the table shows exactly these plans (plan ids, column order).
    pub fn shows(&self, plan_ids: &[String]) -> bool {
        self.comparison.is_some() && !self.stale && self.compared_ids == plan_ids
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
                    tags: self.tags.clone(),
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
            self.matches = MatchMarks::default();
            self.extra_partner = None;
            self.stale = false;
            // A new comparison (or another row mode) opens at its top.
            self.scroll_to = Some(0.0);
            self.back.clear();
            self.forward.clear();
        }
        self.keyboard(ui, analysis);
        if self
            .extra_partner
            .is_some_and(|(a, _)| Some(a) != self.cursor)
        {
            self.extra_partner = None;
        }
        self.matches.update(
            self.comparison.as_ref(),
            corpus,
            analysis,
            self.cursor,
            self.extra_partner,
        );
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
                    "N/Shift+N 下/上一条对照内共有 · U/Shift+U 独有 · Alt+←/→ 后退/前进 · 把章节标题拖到另一行：固定同行",
                    "N/Shift+N next/previous shared here · U/Shift+U unique · Alt+←/→ back/forward · drag a section heading onto a row to pin it there",
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
            Some(HeaderAction::Reuse(c)) => {
                if let Some(plan) = plan_of(c) {
                    self.commands
                        .push(UiCommand::ReuseReport(plan.plan_id.clone()));
                }
            }
            None => {}
        }
    }
}
