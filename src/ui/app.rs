//! The app: loading the corpus and then its analysis ([`crate::matching::Analysis`], shared and
//! unique measures) on a background thread, the persisted settings, and the frame around the
//! library and the plan or compare view (title bar with the view tabs and the language and theme
//! switches, status bar with the counts, the analysis state and the import errors).

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::mpsc::{self, Receiver, TryRecvError};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use crate::corpus::{Corpus, load_paths};
use crate::matching::Analysis;
use crate::plan::Plan;

use super::compare_view::CompareView;
use super::doc_view::DocView;
use super::library_panel::Library;
use super::theme;
use crate::comparison::Comparison;

/// Language of the interface.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Language {
    /// 中文 (the default).
    #[default]
    Chinese,
    /// English.
    English,
}

impl Language {
    /// The string for this language.
    pub fn pick(self, zh: &'static str, en: &'static str) -> &'static str {
        match self {
            Language::Chinese => zh,
            Language::English => en,
        }
    }
}

/// Which view the central panel shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum View {
    /// The selected plan's outline and measures.
    #[default]
    Plan,
    /// The compared plans side by side.
    Compare,
}

/// What the app remembers between runs (eframe persistence, key [`eframe::APP_KEY`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    /// Interface language.
    pub language: Language,
    /// Dark theme instead of the light one.
    pub dark_mode: bool,
    /// Id of the selected plan.
    pub selected_plan: Option<String>,
    /// Text of the library filter.
    pub filter: String,
    /// Show the measures under each heading, not only the outline.
    pub show_measures: bool,
    /// Ids of the plans in the comparison, in column order.
    pub compared_plans: Vec<String>,
    /// The view of the central panel.
    pub view: View,
    /// Show only the headings of the compared sections, not their measures.
    pub collapse_rows: bool,
    /// Show the normalised simplified text instead of the original.
    pub show_normalized: bool,
    /// Mark key terms in the compared measures (shared in the row / distinctive).
    pub highlight_terms: bool,
    /// Width of a compare column in points; 0: fit the window.
    pub column_width: f32,
    /// Width of the library panel in points.
    pub library_width: f32,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            language: Language::Chinese,
            dark_mode: false,
            selected_plan: None,
            filter: String::new(),
            show_measures: true,
            compared_plans: Vec::new(),
            view: View::Plan,
            collapse_rows: false,
            show_normalized: false,
            highlight_terms: false,
            column_width: 0.0,
            library_width: 340.0,
        }
    }
}

/// What the loader thread sends: the corpus first, then its analysis.
enum Loaded {
    /// The plans are read.
    Corpus { corpus: Arc<Corpus>, took: Duration },
    /// Shared and unique measures are known.
    Analysis {
        analysis: Arc<Analysis>,
        took: Duration,
    },
}

/// Where the analysis of the loaded corpus stands.
enum AnalysisState {
    /// Waiting for the corpus, or the loader thread is building it.
    Pending { started: Instant },
    /// Done (the analysis is in [`DuizhaoApp::analysis`]).
    Ready { took: Duration },
    /// The loader died before finishing it.
    Failed(String),
}

/// Where loading stands.
enum LoadState {
    /// Not started yet (started on the first frame if nobody started it before).
    Idle,
    /// The background thread is reading the files.
    Loading { started: Instant },
    /// Done (the corpus is in [`DuizhaoApp::corpus`]).
    Ready { took: Duration },
    /// The loader could not run or died without a result.
    Failed(String),
}

/// The app state.
pub struct DuizhaoApp {
    paths: Vec<PathBuf>,
    settings: Settings,
    load: LoadState,
    corpus: Option<Arc<Corpus>>,
    analysis_state: AnalysisState,
    analysis: Option<Arc<Analysis>>,
    rx: Option<Receiver<Loaded>>,
    library: Library,
    doc: DocView,
    compare: CompareView,
    /// Whether the style (theme, text sizes) has been applied for the current settings.
    styled_for: Option<bool>,
}

impl DuizhaoApp {
    /// An app that will load `paths` (empty: the bundled seeds), with remembered `settings`.
    pub fn new(paths: Vec<PathBuf>, settings: Settings) -> Self {
        DuizhaoApp {
            paths,
            settings,
            load: LoadState::Idle,
            corpus: None,
            analysis_state: AnalysisState::Pending {
                started: Instant::now(),
            },
            analysis: None,
            rx: None,
            library: Library::default(),
            doc: DocView::default(),
            compare: CompareView::default(),
            styled_for: None,
        }
    }

    /// Start loading the corpus on a background thread; `ctx` is asked to repaint when it is done.
    /// Does nothing if loading has already started.
    pub fn start_loading(&mut self, ctx: &egui::Context) {
        if !matches!(self.load, LoadState::Idle) {
            return;
        }
        let (tx, rx) = mpsc::channel();
        let paths = self.paths.clone();
        let repaint = ctx.clone();
        let spawned = std::thread::Builder::new()
            .name("duizhao-load".into())
            .spawn(move || {
                let started = Instant::now();
                let corpus = Arc::new(load_paths(&paths));
                // The receiver is gone only if the app was closed meanwhile.
                let sent = tx.send(Loaded::Corpus {
                    corpus: Arc::clone(&corpus),
                    took: started.elapsed(),
                });
                repaint.request_repaint();
                if sent.is_err() {
                    return;
                }
                let started = Instant::now();
                let analysis = Arc::new(Analysis::build(&corpus.plans));
                let _ = tx.send(Loaded::Analysis {
                    analysis,
                    took: started.elapsed(),
                });
                repaint.request_repaint();
            });
        self.load = match spawned {
            Ok(_) => {
                self.rx = Some(rx);
                LoadState::Loading {
                    started: Instant::now(),
                }
            }
            Err(e) => LoadState::Failed(format!("cannot start the loader thread: {e}")),
        };
    }

    /// Whether the corpus is still being loaded.
    pub fn is_loading(&self) -> bool {
        matches!(self.load, LoadState::Idle | LoadState::Loading { .. })
    }

    /// The loaded corpus, once loading is done.
    pub fn corpus(&self) -> Option<&Corpus> {
        self.corpus.as_deref()
    }

    /// Whether the shared and unique measures are still being worked out (or the corpus loaded).
    pub fn is_analysing(&self) -> bool {
        matches!(self.analysis_state, AnalysisState::Pending { .. })
    }

    /// The analysis of the loaded corpus, once it is done.
    pub fn analysis(&self) -> Option<&Analysis> {
        self.analysis.as_deref()
    }

    /// The aligned comparison last shown in the compare view.
    pub fn comparison(&self) -> Option<&Comparison> {
        self.compare.comparison()
    }

    /// The compare view (its focused and flashing measures).
    pub fn compare_view(&self) -> &CompareView {
        &self.compare
    }

    /// The current settings.
    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// The selected plan, if any.
    pub fn selected_plan(&self) -> Option<&Plan> {
        let id = self.settings.selected_plan.as_deref()?;
        self.corpus.as_ref()?.plans.iter().find(|p| p.plan_id == id)
    }

    /// Ids of the plans the library shows under the current filter, in library order.
    pub fn listed_plan_ids(&self) -> Vec<&str> {
        match &self.corpus {
            Some(c) => self
                .library
                .matching(&self.settings.filter)
                .into_iter()
                .filter_map(|k| c.plans.get(k).map(|p| p.plan_id.as_str()))
                .collect(),
            None => Vec::new(),
        }
    }

    /// Take the corpus and the analysis when the loader sends them.
    fn poll_loader(&mut self) {
        let Some(rx) = &self.rx else {
            return;
        };
        loop {
            match rx.try_recv() {
                Ok(Loaded::Corpus { corpus, took }) => {
                    self.library = Library::new(&corpus);
                    let selected_exists = self
                        .settings
                        .selected_plan
                        .as_deref()
                        .is_some_and(|id| corpus.plans.iter().any(|p| p.plan_id == id));
                    if !selected_exists {
                        self.settings.selected_plan =
                            corpus.plans.first().map(|p| p.plan_id.clone());
                    }
                    self.corpus = Some(corpus);
                    self.load = LoadState::Ready { took };
                    self.analysis_state = AnalysisState::Pending {
                        started: Instant::now(),
                    };
                }
                Ok(Loaded::Analysis { analysis, took }) => {
                    self.analysis = Some(analysis);
                    self.analysis_state = AnalysisState::Ready { took };
                }
                Err(TryRecvError::Empty) => return,
                Err(TryRecvError::Disconnected) => {
                    if self.corpus.is_none() {
                        self.load = LoadState::Failed("the loader stopped without a result".into());
                    }
                    if self.analysis.is_none() {
                        self.analysis_state =
                            AnalysisState::Failed("the analysis stopped without a result".into());
                    }
                    self.rx = None;
                    return;
                }
            }
        }
    }

    /// Draw the whole app into `ui` (the window's root ui, or a test harness's).
    pub fn show(&mut self, ui: &mut egui::Ui) {
        if self.styled_for != Some(self.settings.dark_mode) {
            theme::apply_style(ui.ctx(), self.settings.dark_mode);
            self.styled_for = Some(self.settings.dark_mode);
        }
        self.start_loading(ui.ctx());
        self.poll_loader();
        self.keyboard(ui.ctx());

        egui::Panel::top("title_bar").show(ui, |ui| self.title_bar(ui));
        egui::Panel::bottom("status_bar").show(ui, |ui| self.status_bar(ui));
        egui::Panel::left("library")
            .resizable(true)
            .default_size(340.0)
            .size_range(240.0..=640.0)
            .show(ui, |ui| self.library_panel(ui));
        egui::CentralPanel::default().show(ui, |ui| self.central_panel(ui));
    }

    /// Up and down arrows move the selection through the listed plans (unless typing).
    fn keyboard(&mut self, ctx: &egui::Context) {
        if self.corpus.is_none() || ctx.text_edit_focused() {
            return;
        }
        let (up, down) = ctx.input(|i| {
            (
                i.key_pressed(egui::Key::ArrowUp),
                i.key_pressed(egui::Key::ArrowDown),
            )
        });
        if !up && !down {
            return;
        }
        let listed = self.listed_plan_ids();
        let current = self
            .settings
            .selected_plan
            .as_deref()
            .and_then(|id| listed.iter().position(|p| *p == id));
        let next = match (current, down) {
            (Some(k), true) => (k + 1).min(listed.len().saturating_sub(1)),
            (Some(k), false) => k.saturating_sub(1),
            (None, _) => 0,
        };
        if let Some(id) = listed.get(next) {
            let id = (*id).to_owned();
            self.settings.selected_plan = Some(id);
            self.library.reveal_selected();
        }
    }

    fn title_bar(&mut self, ui: &mut egui::Ui) {
        let lang = self.settings.language;
        ui.horizontal(|ui| {
            ui.label(egui::RichText::new("对照").heading().strong());
            ui.label(egui::RichText::new("duizhao").weak());
            ui.separator();
            ui.label(lang.pick(
                "政府方案对照审阅",
                "Review Chinese government plans side by side",
            ));
            ui.separator();
            ui.selectable_value(
                &mut self.settings.view,
                View::Plan,
                lang.pick("单个方案", "Plan"),
            );
            let compare_label = match lang {
                Language::Chinese => format!("方案对照 ({})", self.settings.compared_plans.len()),
                Language::English => format!("Compare ({})", self.settings.compared_plans.len()),
            };
            ui.selectable_value(&mut self.settings.view, View::Compare, compare_label)
                .on_hover_text(lang.pick(
                    "在左侧勾选要对照的方案",
                    "Tick the plans to compare in the library",
                ));
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                ui.selectable_value(
                    &mut self.settings.dark_mode,
                    true,
                    lang.pick("深色", "Dark"),
                );
                ui.selectable_value(
                    &mut self.settings.dark_mode,
                    false,
                    lang.pick("浅色", "Light"),
                );
                ui.label(
                    egui::RichText::new(lang.pick("主题", "Theme"))
                        .small()
                        .weak(),
                );
                ui.separator();
                ui.selectable_value(&mut self.settings.language, Language::English, "English");
                ui.selectable_value(&mut self.settings.language, Language::Chinese, "中文");
            });
        });
    }

    fn status_bar(&mut self, ui: &mut egui::Ui) {
        let lang = self.settings.language;
        ui.horizontal(|ui| match &self.load {
            LoadState::Idle | LoadState::Loading { .. } => {
                ui.spinner();
                ui.label(lang.pick("正在载入方案…", "Loading plans…"));
            }
            LoadState::Failed(e) => {
                ui.colored_label(
                    ui.visuals().error_fg_color,
                    format!("{} {e}", lang.pick("载入失败：", "Loading failed:")),
                );
            }
            LoadState::Ready { took } => {
                if let Some(c) = &self.corpus {
                    let files = self.library.file_count();
                    let measures: usize = self.library.total_measures();
                    let ms = took.as_millis();
                    let text = match lang {
                        Language::Chinese => format!(
                            "{} 个方案 · {} 个文件 · {} 条措施 · 载入用时 {} 毫秒",
                            c.plans.len(),
                            files,
                            measures,
                            ms
                        ),
                        Language::English => format!(
                            "{} plans · {} files · {} measures · loaded in {} ms",
                            c.plans.len(),
                            files,
                            measures,
                            ms
                        ),
                    };
                    ui.label(text);
                }
                ui.separator();
                match &self.analysis_state {
                    AnalysisState::Pending { .. } => {
                        ui.label(lang.pick("分析中…", "Analysing…"));
                    }
                    AnalysisState::Ready { took } => {
                        let ms = took.as_millis();
                        ui.label(match lang {
                            Language::Chinese => format!("分析用时 {ms} 毫秒"),
                            Language::English => format!("analysed in {ms} ms"),
                        });
                    }
                    AnalysisState::Failed(e) => {
                        ui.colored_label(
                            ui.visuals().error_fg_color,
                            format!("{} {e}", lang.pick("分析失败：", "Analysis failed:")),
                        );
                    }
                }
            }
        });
        if let Some(c) = &self.corpus
            && !c.errors.is_empty()
        {
            let title = match lang {
                Language::Chinese => format!("{} 个文件未能导入", c.errors.len()),
                Language::English => format!("{} files could not be imported", c.errors.len()),
            };
            egui::CollapsingHeader::new(
                egui::RichText::new(title).color(ui.visuals().warn_fg_color),
            )
            .id_salt("import_errors")
            .default_open(false)
            .show(ui, |ui| {
                egui::ScrollArea::vertical()
                    .max_height(140.0)
                    .show(ui, |ui| {
                        for e in &c.errors {
                            ui.label(egui::RichText::new(e).small());
                        }
                    });
            });
        }
    }

    fn library_panel(&mut self, ui: &mut egui::Ui) {
        let lang = self.settings.language;
        // The panel keeps the width its content took: take all of it, or it shrinks to the
        // content of the first frame.
        ui.set_min_width(ui.available_width());
        ui.add_space(4.0);
        ui.heading(lang.pick("方案库", "Plan library"));
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
    }

    fn central_panel(&mut self, ui: &mut egui::Ui) {
        let lang = self.settings.language;
        match &self.load {
            LoadState::Idle | LoadState::Loading { .. } => {
                let waited = match &self.load {
                    LoadState::Loading { started, .. } => started.elapsed().as_secs_f32(),
                    _ => 0.0,
                };
                ui.centered_and_justified(|ui| {
                    ui.vertical_centered(|ui| {
                        ui.add_space(ui.available_height() / 3.0);
                        ui.add(egui::Spinner::new().size(36.0));
                        ui.label(lang.pick("正在载入方案…", "Loading plans…"));
                        if waited > 2.0 {
                            ui.label(egui::RichText::new(format!("{waited:.0} s")).weak());
                        }
                    });
                });
                return;
            }
            LoadState::Failed(e) => {
                ui.colored_label(ui.visuals().error_fg_color, e);
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
                    "所给的文件或文件夹里没有可读的方案（.txt / .md）。",
                    "The files or folders given hold no readable plan (.txt / .md).",
                ));
            });
            return;
        }
        if self.settings.view == View::Compare {
            let analysis = match &self.analysis_state {
                AnalysisState::Ready { .. } => self.analysis.as_deref(),
                AnalysisState::Pending { started } => {
                    let waited = started.elapsed().as_secs_f32();
                    ui.vertical_centered(|ui| {
                        ui.add_space(ui.available_height() / 3.0);
                        ui.add(egui::Spinner::new().size(36.0));
                        ui.label(lang.pick("分析中…", "Analysing…"));
                        if waited > 2.0 {
                            ui.label(egui::RichText::new(format!("{waited:.0} s")).weak());
                        }
                    });
                    return;
                }
                AnalysisState::Failed(e) => {
                    ui.colored_label(ui.visuals().error_fg_color, e);
                    return;
                }
            };
            if let Some(analysis) = analysis {
                self.compare
                    .show(ui, corpus, analysis, &mut self.settings, None);
            }
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

impl eframe::App for DuizhaoApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        self.show(ui);
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        eframe::set_value(storage, eframe::APP_KEY, &self.settings);
    }
}
