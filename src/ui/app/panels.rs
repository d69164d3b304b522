//! The side panels and the central panel: the library, the search panel, and the view the settings
//! select (waiting while the corpus or its analysis loads).

use super::{AnalysisState, Dialog, DuizhaoApp, LoadState};
use crate::ui::context::{self, ViewContext};
use crate::ui::messages::localize;
use crate::ui::settings::Language;
use crate::ui::settings::View;
use crate::ui::themes_panel::ThemesRequest;

/// This frame's [`ViewContext`], borrowed field by field (not through `&self`), so the view it
/// is handed to and the command queue can be borrowed mutably beside it.
macro_rules! view_context {
    ($app:expr) => {
        ViewContext {
            corpus: $app.corpus.as_ref(),
            analysis: $app.analysis.as_ref(),
            project: &$app.proj.project,
            coding: None,
            settings: &$app.settings,
            language: $app.settings.language,
            revision: context::revision($app.data_revision, $app.proj.generation()),
            corpus_revision: $app.data_revision,
        }
    };
}

impl DuizhaoApp {
    pub(super) fn search_panel(&mut self, ui: &mut egui::Ui) {
        let lang = self.settings.language;
        ui.set_min_width(ui.available_width());
        ui.add_space(4.0);
        ui.horizontal(|ui| {
            ui.heading(lang.pick("查找", "Find"));
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                if ui
                    .small_button("×")
                    .on_hover_text(lang.pick("关闭查找（Esc）", "Close the search (Esc)"))
                    .clicked()
                {
                    self.search_open = false;
                }
            });
        });
        let cx = view_context!(self);
        self.search.ui(ui, &cx, &mut self.commands);
    }

    pub(super) fn library_panel(&mut self, ui: &mut egui::Ui) {
        let lang = self.settings.language;
        // The panel keeps the width its content took: take all of it, or it shrinks to the
        // content of the first frame (nothing inside asks for more than this).
        ui.set_min_width(ui.available_width());
        ui.add_space(4.0);
        ui.horizontal(|ui| {
            ui.heading(lang.pick("方案库", "Plan library"));
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                if ui
                    .small_button("«")
                    .on_hover_text(lang.pick(
                        "隐藏方案库（Ctrl+B；标题栏的“方案库”再显示）",
                        "Hide the library (Ctrl+B; “Library” in the title bar shows it again)",
                    ))
                    .clicked()
                {
                    self.settings.library_hidden = true;
                }
            });
        });
        ui.horizontal_wrapped(|ui| {
            let waiting = self.picked.is_some() || self.path_dialog.is_open();
            if ui
                .add_enabled(
                    !waiting,
                    egui::Button::new(lang.pick("添加文件…", "Add files…")),
                )
                .on_hover_text(lang.pick(
                    "Ctrl+O · 也可以把文件拖到窗口里：TXT、MD、DOCX、HTML、PDF",
                    "Ctrl+O · or drop files on the window: TXT, MD, DOCX, HTML, PDF",
                ))
                .clicked()
            {
                self.open_dialog(ui.ctx(), Dialog::AddFiles);
            }
            if ui
                .add_enabled(
                    !waiting,
                    egui::Button::new(lang.pick("添加文件夹…", "Add folder…")),
                )
                .on_hover_text(lang.pick(
                    "载入一个文件夹里的所有方案（含子文件夹）",
                    "Load every plan in a folder and its subfolders",
                ))
                .clicked()
            {
                self.open_dialog(ui.ctx(), Dialog::AddFolder);
            }
        });
        ui.add_space(2.0);
        let Some(corpus) = &self.corpus else {
            if self.is_loading() {
                ui.horizontal(|ui| {
                    ui.spinner();
                    ui.label(lang.pick("正在载入…", "Loading…"));
                });
            }
            return;
        };
        if let Some(id) = self.library.show(ui, corpus, &mut self.settings) {
            self.settings.selected_plan = Some(id);
            self.settings.view = View::Plan;
        }
        self.commands.extend(self.library.take_commands());
    }

    pub(super) fn central_panel(&mut self, ui: &mut egui::Ui) {
        let lang = self.settings.language;
        match &self.load {
            LoadState::Idle | LoadState::Loading { .. } => {
                let waited = match &self.load {
                    LoadState::Loading { started, .. } => started.elapsed().as_secs_f32(),
                    _ => 0.0,
                };
                ui.centered_and_justified(|ui| {
                    waiting_ui(ui, lang.pick("正在载入方案…", "Loading plans…"), waited);
                });
                return;
            }
            LoadState::Failed(e) => {
                ui.colored_label(ui.visuals().error_fg_color, localize(e, lang));
                return;
            }
            LoadState::Ready { .. } => {}
        }
        let Some(corpus) = &self.corpus else { return };
        if corpus.plans.is_empty() {
            ui.vertical_centered(|ui| {
                ui.add_space(ui.available_height() / 3.0);
                ui.heading(lang.pick("没有找到方案", "No plans found"));
                ui.label(lang.pick(
                    "所给的文件或文件夹里没有可读的方案。",
                    "The files or folders given hold no readable plan.",
                ));
                let formats = crate::formats::SUPPORTED_EXTENSIONS
                    .iter()
                    .map(|e| format!(".{e}"))
                    .collect::<Vec<_>>()
                    .join(" ");
                ui.label(match lang {
                    Language::Chinese => format!("支持的格式：{formats}"),
                    Language::English => format!("Supported formats: {formats}"),
                });
                ui.label(
                    egui::RichText::new(lang.pick(
                        "用“添加文件…”或“添加文件夹…”载入方案，也可以把文件拖到窗口里。",
                        "Load plans with “Add files…” or “Add folder…”, or drop files on the window.",
                    ))
                    .weak(),
                );
            });
            return;
        }
        if self.settings.view != View::Plan {
            let analysis = match &self.analysis_state {
                AnalysisState::Ready { .. } => self.analysis.as_deref(),
                AnalysisState::Pending { started } => {
                    let waited = started.elapsed().as_secs_f32();
                    waiting_ui(ui, lang.pick("分析中…", "Analysing…"), waited);
                    return;
                }
                AnalysisState::Failed(e) => {
                    ui.colored_label(ui.visuals().error_fg_color, e);
                    return;
                }
            };
            let Some(analysis) = analysis else { return };
            let command = match self.settings.view {
                View::Compare => {
                    let search = &self.search;
                    let hits = |plan: usize, measure: usize| {
                        search.highlight_ranges(plan, measure).to_vec()
                    };
                    let hits: Option<crate::ui::compare_view::HitRanges<'_>> =
                        if self.search_open && !search.query.trim().is_empty() {
                            Some(&hits)
                        } else {
                            None
                        };
                    // The project's codebook (by-theme rows) and pins (saved with it).
                    self.compare.set_codebook(&self.proj.project.codebook);
                    self.compare.set_pins(self.proj.project.pins.clone());
                    let tags = &self.proj.project.tags;
                    self.compare
                        .sync_tags((self.proj.generation(), self.data_revision), || {
                            crate::comparison::measure_tags(corpus, tags)
                        });
                    let coding = self.proj.coding(self.settings.language);
                    self.compare
                        .show(ui, corpus, analysis, &mut self.settings, hits, coding);
                    if let Some(pins) = self.compare.take_changed_pins() {
                        self.proj.project.pins = pins;
                        self.proj.touch();
                    }
                    let tagged = self.compare.take_commands();
                    self.commands.extend(tagged);
                    None
                }
                View::Families => {
                    let cx = view_context!(self);
                    self.families.ui(ui, &cx, &mut self.commands);
                    None
                }
                View::Overview => {
                    let cx = view_context!(self);
                    self.overview.ui(ui, &cx, &mut self.commands);
                    None
                }
                View::Targets => {
                    let cx = view_context!(self);
                    self.targets.ui(ui, &cx, &mut self.commands);
                    None
                }
                View::Themes => {
                    self.themes.set_corpus_revision(self.data_revision);
                    let outcome = self.themes.show(
                        ui,
                        &mut self.proj.project,
                        corpus,
                        self.settings.language,
                    );
                    if outcome.changed {
                        self.proj.touch();
                    }
                    match outcome.request {
                        Some(ThemesRequest::ImportCodebook(mode)) => {
                            self.open_dialog(ui.ctx(), Dialog::ImportCodebook(mode))
                        }
                        Some(ThemesRequest::ExportCodebook) => {
                            self.open_dialog(ui.ctx(), Dialog::ExportCodebook)
                        }
                        None => {}
                    }
                    outcome.command
                }
                View::Matrix => {
                    let cx = view_context!(self);
                    self.matrix.ui(ui, &cx, &mut self.commands);
                    None
                }
                View::Plan => None,
            };
            self.commands.extend(command);
            return;
        }
        let selected = self
            .settings
            .selected_plan
            .as_deref()
            .and_then(|id| corpus.plans.iter().find(|p| p.plan_id == id));
        match selected {
            Some(plan) => self.doc.show(ui, plan, &mut self.settings),
            None => {
                ui.vertical_centered(|ui| {
                    ui.add_space(ui.available_height() / 3.0);
                    ui.label(lang.pick("在左侧选择一个方案", "Select a plan on the left"));
                });
            }
        }
    }
}

/// A centred spinner with `label`, and the seconds waited once that exceeds two.
pub(super) fn waiting_ui(ui: &mut egui::Ui, label: &str, waited: f32) {
    ui.vertical_centered(|ui| {
        ui.add_space(ui.available_height() / 3.0);
        ui.add(egui::Spinner::new().size(36.0));
        ui.label(label);
        if waited > 2.0 {
            ui.label(egui::RichText::new(format!("{waited:.0} s")).weak());
        }
    });
}
