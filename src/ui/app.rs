//! The app: loading the corpus and then its analysis ([`crate::matching::Analysis`], shared and
//! unique measures) on a background thread, the persisted settings, and the frame around the
//! library and the plan or compare view (title bar with the view tabs and the language and theme
//! switches, status bar with the counts, the analysis state and the import errors).

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::mpsc::{self, Receiver, TryRecvError};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use crate::corpus::{Corpus, default_seed_dir, load_paths};
use crate::matching::Analysis;
use crate::plan::Plan;

use super::compare_view::CompareView;
use super::doc_view::DocView;
use super::export_dialog::{ExportDialog, ExportRequest};
use super::families_view::FamiliesView;
use super::library_panel::Library;
use super::matrix_view::MatrixView;
use super::overview::OverviewView;
use super::project_state::{ProjectState, remember_recent};
use super::search_panel::SearchPanel;
use super::targets_view::TargetsView;
use super::themes_panel::{LoadMode, ThemesPanel, ThemesRequest};
use super::{UiCommand, theme};
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
    /// Measure families, most widely adopted first, and the collation of one.
    Families,
    /// The plan × plan heatmap of shared measures.
    Overview,
    /// The targets of the compared plans (all plans when none is compared).
    Targets,
    /// The codebook, its rules and their proposals.
    Themes,
    /// The theme × plan matrix of tagged segments.
    Matrix,
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
    /// Group the library by province instead of by file.
    pub group_by_province: bool,
    /// Recently opened or saved projects, newest first.
    pub recent_projects: Vec<PathBuf>,
    /// The project open when the app was last closed.
    pub last_project: Option<PathBuf>,
    /// The coder's name, recorded on every new tag.
    pub coder: String,
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
            group_by_province: false,
            recent_projects: Vec::new(),
            last_project: None,
            coder: String::new(),
        }
    }
}

impl Settings {
    /// Let `duizhao open`'s options override the remembered settings.
    pub fn apply_start(&mut self, start: &crate::cli::StartOptions) {
        if let Some(dark) = start.dark {
            self.dark_mode = dark;
        }
        if start.english {
            self.language = Language::English;
        }
        if let Some(view) = start.view.as_deref().and_then(View::parse) {
            self.view = view;
        }
        if !start.compare.is_empty() {
            self.view = View::Compare;
        }
    }
}

impl View {
    /// The view named `name` (`plan`, `compare`, …), as `duizhao open --view` takes it.
    pub fn parse(name: &str) -> Option<View> {
        match name {
            "plan" => Some(View::Plan),
            "compare" => Some(View::Compare),
            "families" => Some(View::Families),
            "overview" => Some(View::Overview),
            "targets" => Some(View::Targets),
            "themes" => Some(View::Themes),
            "matrix" => Some(View::Matrix),
            _ => None,
        }
    }
}

/// The title-bar tabs after 单个方案 and 方案对照: view, label (zh, en), tooltip (zh, en).
const VIEW_TABS: [(View, &str, &str, &str, &str); 5] = [
    (
        View::Families,
        "措施家族",
        "Families",
        "多个方案共有的措施，采用最广的在前",
        "Measures shared across plans, most widely adopted first",
    ),
    (
        View::Overview,
        "相似总览",
        "Overview",
        "方案 × 方案 共有措施热图",
        "Plan × plan heatmap of shared measures",
    ),
    (
        View::Targets,
        "目标指标",
        "Targets",
        "各方案的量化目标：指标 × 方案",
        "Quantitative targets: indicator × plan",
    ),
    (
        View::Themes,
        "主题编码",
        "Themes",
        "编码本、自动编码规则与待确认的建议",
        "Codebook, auto-coding rules and their proposals",
    ),
    (
        View::Matrix,
        "主题矩阵",
        "Matrix",
        "主题 × 方案：已编码片段的数量",
        "Theme × plan: counts of coded segments",
    ),
];

/// What a file dialog is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Dialog {
    /// Add plan files.
    AddFiles,
    /// Add a folder of plans.
    AddFolder,
    /// Open a project.
    OpenProject,
    /// Save the project under a new name.
    SaveProjectAs,
    /// Where to write an export (with a suggested file name).
    ExportTo,
    /// A codebook to import into the project.
    ImportCodebook(LoadMode),
    /// Where to save the project's codebook.
    ExportCodebook,
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
    families: FamiliesView,
    overview: OverviewView,
    targets: TargetsView,
    search: SearchPanel,
    /// Whether the search panel is open (Ctrl+F; Esc closes it).
    search_open: bool,
    /// Whether the style (theme, text sizes) has been applied for the current settings.
    styled_for: Option<bool>,
    /// Paths picked in a file dialog, sent by its thread, and what they are for.
    picked: Option<(Dialog, Receiver<Vec<PathBuf>>)>,
    /// The project: codebook, tags, where it is saved.
    proj: ProjectState,
    /// The export dialog (Ctrl+E).
    export: ExportDialog,
    /// The codebook editor and rule proposals.
    themes: ThemesPanel,
    /// The theme × plan matrix.
    matrix: MatrixView,
    /// File name the export's save dialog suggests.
    export_name: String,
    /// Import problems of the last load, shown in a closable window until dismissed.
    notices: Vec<String>,
    /// Commands from the views, applied after drawing.
    commands: Vec<UiCommand>,
    /// Plans (names or ids) to compare once the corpus is loaded.
    compare_on_load: Vec<String>,
    /// When the app was created and whether the first frame with plans has been drawn
    /// (reported on stderr when `DUIZHAO_TIMING` is set).
    created: Instant,
    first_content_frame: Option<Duration>,
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
            families: FamiliesView::default(),
            overview: OverviewView::default(),
            targets: TargetsView::default(),
            search: SearchPanel::new(),
            search_open: false,
            styled_for: None,
            picked: None,
            proj: ProjectState::default(),
            export: ExportDialog::default(),
            themes: ThemesPanel::new(),
            matrix: MatrixView::new(),
            export_name: String::new(),
            notices: Vec::new(),
            commands: Vec::new(),
            compare_on_load: Vec::new(),
            created: Instant::now(),
            first_content_frame: None,
        }
    }

    /// Add files or folders to the loaded ones and load everything again on the background
    /// thread (the plans stay listed until the new corpus arrives; files already loaded are not
    /// added twice). Used by the open dialog, by dropped files and by tests.
    pub fn add_paths(&mut self, ctx: &egui::Context, paths: Vec<PathBuf>) {
        if paths.is_empty() {
            return;
        }
        if self.paths.is_empty() {
            // The bundled seeds were loaded implicitly: keep them.
            self.paths.push(default_seed_dir());
        }
        for p in paths {
            if !self.paths.contains(&p) {
                self.paths.push(p);
            }
        }
        self.load = LoadState::Idle;
        self.rx = None;
        self.start_loading(ctx);
    }

    /// Compare these plans (names or ids) once the corpus is loaded; names that match no plan
    /// are reported in the import-problems window.
    pub fn compare_on_load(&mut self, plans: Vec<String>) {
        self.compare_on_load = plans;
    }

    /// The files and folders the app loads.
    pub fn paths(&self) -> &[PathBuf] {
        &self.paths
    }

    /// Import problems not yet dismissed.
    pub fn notices(&self) -> &[String] {
        &self.notices
    }

    /// Queue a command, as a view would (applied at the end of the next frame).
    pub fn push_command(&mut self, command: UiCommand) {
        self.commands.push(command);
    }

    /// Open a native file dialog on its own thread (it must not block the UI thread); the
    /// picked paths arrive in [`Self::poll_picked`].
    fn open_dialog(&mut self, ctx: &egui::Context, kind: Dialog) {
        if self.picked.is_some() {
            return;
        }
        let (tx, rx) = mpsc::channel();
        let repaint = ctx.clone();
        let start_dir = self
            .proj
            .path
            .as_deref()
            .and_then(|p| p.parent())
            .map(|p| p.to_path_buf());
        let suggested = self.export_name.clone();
        let spawned = std::thread::Builder::new()
            .name("duizhao-dialog".into())
            .spawn(move || {
                let mut dialog = rfd::FileDialog::new().set_title("对照 duizhao");
                if let Some(dir) = start_dir {
                    dialog = dialog.set_directory(dir);
                }
                let picked = match kind {
                    Dialog::AddFolder => dialog.pick_folder().map(|p| vec![p]),
                    Dialog::AddFiles => dialog
                        .add_filter("方案 plans", crate::formats::SUPPORTED_EXTENSIONS)
                        .pick_files(),
                    Dialog::OpenProject => dialog
                        .add_filter("duizhao 项目 project", &["ron"])
                        .pick_file()
                        .map(|p| vec![p]),
                    Dialog::SaveProjectAs => dialog
                        .add_filter("duizhao 项目 project", &["ron"])
                        .set_file_name("project.duizhao.ron")
                        .save_file()
                        .map(|p| vec![p]),
                    Dialog::ExportTo => dialog
                        .set_file_name(&suggested)
                        .save_file()
                        .map(|p| vec![p]),
                    Dialog::ImportCodebook(_) => dialog
                        .add_filter("编码本 codebook", &["ron"])
                        .pick_file()
                        .map(|p| vec![p]),
                    Dialog::ExportCodebook => dialog
                        .add_filter("编码本 codebook", &["ron"])
                        .set_file_name("codebook.ron")
                        .save_file()
                        .map(|p| vec![p]),
                };
                let _ = tx.send(picked.unwrap_or_default());
                repaint.request_repaint();
            });
        match spawned {
            Ok(_) => self.picked = Some((kind, rx)),
            Err(e) => self
                .notices
                .push(format!("cannot open the file dialog: {e}")),
        }
    }

    /// Take the paths picked in the dialog, if it has closed.
    fn poll_picked(&mut self, ctx: &egui::Context) {
        let Some((kind, rx)) = &self.picked else {
            return;
        };
        let kind = *kind;
        match rx.try_recv() {
            Ok(paths) => {
                self.picked = None;
                match (kind, paths.first()) {
                    (Dialog::AddFiles | Dialog::AddFolder, _) => self.add_paths(ctx, paths),
                    (Dialog::OpenProject, Some(p)) => {
                        let p = p.clone();
                        self.open_project(ctx, &p);
                    }
                    (Dialog::ExportTo, Some(p)) => self.export.set_path(p.clone()),
                    (Dialog::ImportCodebook(mode), Some(p)) => {
                        match crate::themes::Codebook::load(p) {
                            Ok(book) => {
                                self.themes
                                    .load_codebook(&mut self.proj.project, book, mode);
                                self.proj.touch();
                            }
                            Err(e) => self.notices.push(e.to_string()),
                        }
                    }
                    (Dialog::ExportCodebook, Some(p)) => {
                        if let Err(e) = self.proj.project.codebook.save(p, true) {
                            self.notices.push(e.to_string());
                        }
                    }
                    (Dialog::SaveProjectAs, Some(p)) => {
                        let mut p = p.clone();
                        if !p
                            .to_string_lossy()
                            .ends_with(crate::project::PROJECT_EXTENSION)
                        {
                            let name = p
                                .file_name()
                                .map(|n| n.to_string_lossy().trim_end_matches(".ron").to_owned())
                                .unwrap_or_else(|| "project".into());
                            p.set_file_name(format!("{name}{}", crate::project::PROJECT_EXTENSION));
                        }
                        self.save_project_to(&p);
                    }
                    _ => {}
                }
            }
            Err(TryRecvError::Empty) => {}
            Err(TryRecvError::Disconnected) => self.picked = None,
        }
    }

    /// The project (codebook, tags, pins).
    pub fn project(&self) -> &crate::project::Project {
        &self.proj.project
    }

    /// Where the project is saved, if it is.
    pub fn project_path(&self) -> Option<&std::path::Path> {
        self.proj.path.as_deref()
    }

    /// Whether the project has unsaved changes.
    pub fn project_dirty(&self) -> bool {
        self.proj.dirty
    }

    /// The files the loaded plans came from (what a saved project lists as its documents).
    fn document_files(&self) -> Vec<PathBuf> {
        let mut files: Vec<PathBuf> = self
            .corpus
            .as_ref()
            .map(|c| c.plans.iter().map(|p| p.path.clone()).collect())
            .unwrap_or_default();
        files.dedup();
        files
    }

    /// Save the project to `path` (atomic), with the loaded documents and the current view;
    /// a failure is shown and nothing is lost (the previous file stays as it was).
    pub fn save_project_to(&mut self, path: &std::path::Path) {
        let view = crate::project::ViewState {
            compared_plans: self.settings.compared_plans.clone(),
            selected_plan: self.settings.selected_plan.clone(),
            ..self.proj.project.view.clone()
        };
        let documents = self.document_files();
        match self.proj.save_to(path, &documents, view) {
            Ok(()) => {
                remember_recent(&mut self.settings.recent_projects, path);
                self.settings.last_project = Some(path.to_path_buf());
            }
            Err(e) => self.notices.push(e.to_string()),
        }
    }

    /// Save to the project's file, or ask where (a never-saved project).
    fn save_project(&mut self, ctx: &egui::Context) {
        match self.proj.path.clone() {
            Some(p) => self.save_project_to(&p),
            None => self.open_dialog(ctx, Dialog::SaveProjectAs),
        }
    }

    /// Open the project at `path`: its documents are loaded (the current ones if it lists none)
    /// and its tags re-anchored; problems are shown, the current project is kept on failure.
    pub fn open_project(&mut self, ctx: &egui::Context, path: &std::path::Path) {
        match self.proj.open(path) {
            Ok(kept) => {
                if let Some(k) = kept {
                    self.notices.push(format!(
                        "unsaved changes of the previous project were kept in {}",
                        k.display()
                    ));
                }
                remember_recent(&mut self.settings.recent_projects, path);
                self.settings.last_project = Some(path.to_path_buf());
                let view = self.proj.project.view.clone();
                if !view.compared_plans.is_empty() {
                    self.settings.compared_plans = view.compared_plans;
                }
                if view.selected_plan.is_some() {
                    self.settings.selected_plan = view.selected_plan;
                }
                let docs = self.proj.project.document_paths();
                if !docs.is_empty() {
                    self.paths = docs;
                }
                self.load = LoadState::Idle;
                self.rx = None;
                self.start_loading(ctx);
            }
            Err(e) => self.notices.push(e.to_string()),
        }
    }

    /// Start a new project (unsaved changes go to the recovery file first).
    fn new_project(&mut self) {
        match self.proj.new_project() {
            Ok(Some(k)) => self.notices.push(format!(
                "unsaved changes of the previous project were kept in {}",
                k.display()
            )),
            Ok(None) => {}
            Err(e) => self.notices.push(e.to_string()),
        }
    }

    /// Look for a recovery file of the last project (or of an unsaved one) to offer on start.
    pub fn check_recovery(&mut self) {
        let last = self.settings.last_project.clone();
        self.proj.check_recovery(last.as_deref());
        if self.proj.recovery_offer.is_none() && last.is_some() {
            self.proj.check_recovery(None);
        }
    }

    /// Write unsaved changes to the recovery file now (on exit).
    pub fn save_recovery_now(&mut self) {
        if let Some(e) = self.proj.autosave(f64::INFINITY, true) {
            eprintln!("duizhao: {e}");
        }
    }

    /// Files dropped on the window are added like opened ones.
    fn take_dropped(&mut self, ctx: &egui::Context) {
        let dropped: Vec<PathBuf> = ctx.input(|i| {
            i.raw
                .dropped_files
                .iter()
                .map(|f| f.path().to_path_buf())
                .collect()
        });
        self.add_paths(ctx, dropped);
    }

    /// Apply the commands the views queued this frame.
    fn run_commands(&mut self, ctx: &egui::Context) {
        for command in std::mem::take(&mut self.commands) {
            match command {
                UiCommand::ComparePlans(ids) => {
                    self.settings.compared_plans = ids;
                    self.settings.view = View::Compare;
                }
                UiCommand::OpenPlan(id) => {
                    self.settings.selected_plan = Some(id);
                    self.settings.view = View::Plan;
                    self.library.reveal_selected();
                }
                UiCommand::FocusMeasure {
                    plan_id,
                    measure_index,
                } => self.focus_measure(ctx, &plan_id, measure_index),
                UiCommand::TagMeasure {
                    plan_id,
                    measure_index,
                    theme_id,
                } => {
                    if let Some(corpus) = &self.corpus
                        && let Err(e) =
                            self.proj
                                .tag_measure(corpus, &plan_id, measure_index, &theme_id)
                    {
                        self.notices.push(e);
                    }
                }
                UiCommand::TagSpan {
                    plan_id,
                    byte_range,
                    theme_id,
                    remove,
                } => {
                    if let Some(corpus) = &self.corpus
                        && let Err(e) = self
                            .proj
                            .tag_span(corpus, &plan_id, byte_range, &theme_id, remove)
                    {
                        self.notices.push(e);
                    }
                }
                UiCommand::SetMemo { tag_id, memo } => {
                    if self.proj.project.set_memo(tag_id, &memo) {
                        self.proj.touch();
                    }
                }
                UiCommand::UntagMeasure {
                    plan_id,
                    measure_index,
                    theme_id,
                } => {
                    if let Some(corpus) = &self.corpus {
                        self.proj
                            .untag_measure(corpus, &plan_id, measure_index, &theme_id);
                    }
                }
            }
        }
    }

    /// Show a measure: in the comparison if its plan is compared, else in the plan view.
    fn focus_measure(&mut self, ctx: &egui::Context, plan_id: &str, measure_index: usize) {
        let (Some(corpus), Some(analysis)) = (&self.corpus, &self.analysis) else {
            return;
        };
        let Some(plan_index) = corpus.plans.iter().position(|p| p.plan_id == plan_id) else {
            return;
        };
        let now = ctx.input(|i| i.time);
        if self.settings.compared_plans.iter().any(|p| p == plan_id)
            && let Some(flat) = analysis.flat_index(plan_index, measure_index)
        {
            self.settings.view = View::Compare;
            if self.compare.comparison().is_some() && self.compare.focus_flat(analysis, flat, now) {
                return;
            }
            // The table is built on the next frame: focus then.
            self.commands.push(UiCommand::FocusMeasure {
                plan_id: plan_id.to_owned(),
                measure_index,
            });
            return;
        }
        self.settings.selected_plan = Some(plan_id.to_owned());
        self.settings.view = View::Plan;
        self.library.reveal_selected();
        self.doc.focus_measure(measure_index);
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

    /// The compare view, to drive it (scrolling in benchmarks).
    pub fn compare_view_mut(&mut self) -> &mut CompareView {
        &mut self.compare
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
                .matching(&self.settings.filter, self.settings.group_by_province)
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
                    self.notices = corpus.errors.clone();
                    if self.proj.reanchor_pending {
                        self.proj.reanchor_pending = false;
                        let report = self.proj.project.reanchor(&corpus);
                        self.proj.touch_view();
                        for p in &report.changed_documents {
                            self.notices.push(format!(
                                "{}: changed since the project was saved",
                                p.display()
                            ));
                        }
                        for p in &report.missing_documents {
                            self.notices
                                .push(format!("{}: cannot be read", p.display()));
                        }
                        if !report.moved.is_empty() {
                            self.notices.push(format!(
                                "{} tags were found again at a new place in their changed documents",
                                report.moved.len()
                            ));
                        }
                        if !report.orphaned.is_empty() {
                            self.notices.push(format!(
                                "{} tags lost their text (kept in the project as orphaned; see the Themes view)",
                                report.orphaned.len()
                            ));
                        }
                    }
                    if !self.compare_on_load.is_empty() {
                        let mut ids = Vec::new();
                        for key in std::mem::take(&mut self.compare_on_load) {
                            match corpus.find_plan(&key) {
                                Ok(p) => ids.push(p.plan_id.clone()),
                                Err(e) => self.notices.push(e),
                            }
                        }
                        self.settings.compared_plans = ids;
                    }
                    self.compare = CompareView::default();
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
        self.poll_picked(ui.ctx());
        self.take_dropped(ui.ctx());
        self.keyboard(ui.ctx());

        egui::Panel::top("title_bar").show(ui, |ui| self.title_bar(ui));
        egui::Panel::bottom("status_bar").show(ui, |ui| self.status_bar(ui));
        egui::Panel::left("library")
            .resizable(true)
            .default_size(340.0)
            .size_range(240.0..=640.0)
            .show(ui, |ui| self.library_panel(ui));
        if self.search_open {
            egui::Panel::right("search")
                .resizable(true)
                .default_size(380.0)
                .size_range(280.0..=720.0)
                .show(ui, |ui| self.search_panel(ui));
        }
        egui::CentralPanel::default().show(ui, |ui| self.central_panel(ui));
        self.notices_window(ui.ctx());
        self.recovery_window(ui.ctx());
        self.export_window(ui.ctx());
        let lang = self.settings.language;
        super::agreement_view::window(
            ui.ctx(),
            &mut self.proj,
            self.corpus.as_ref(),
            lang,
            &mut self.commands,
        );
        self.run_commands(ui.ctx());
        super::project_state::undo_shortcuts(ui.ctx(), &mut self.proj, &self.settings.coder);
        let now = ui.input(|i| i.time);
        if let Some(e) = self.proj.autosave(now, false) {
            self.notices.push(e);
        }
        if self.first_content_frame.is_none() && self.corpus.is_some() {
            let took = self.created.elapsed();
            self.first_content_frame = Some(took);
            if std::env::var_os("DUIZHAO_TIMING").is_some() {
                let since_launch = super::PROCESS_START
                    .get()
                    .map_or(took, |t| t.elapsed())
                    .as_millis();
                eprintln!(
                    "duizhao: first frame with plans {since_launch} ms after launch ({} ms after \
                     the window opened)",
                    took.as_millis()
                );
            }
        }
    }

    /// Time from creating the app to the first frame that showed the loaded plans.
    pub fn first_content_frame(&self) -> Option<Duration> {
        self.first_content_frame
    }

    /// The export dialog, when open.
    fn export_window(&mut self, ctx: &egui::Context) {
        let Some(corpus) = self.corpus.clone() else {
            return;
        };
        let compared: Vec<usize> = self
            .settings
            .compared_plans
            .iter()
            .filter_map(|id| corpus.plans.iter().position(|p| p.plan_id == *id))
            .collect();
        let request = self.export.show(
            ctx,
            &corpus,
            self.analysis.as_ref(),
            &self.proj.project,
            &compared,
            self.settings.language,
        );
        if let Some(ExportRequest::ChoosePath(name)) = request {
            self.export_name = name;
            self.open_dialog(ctx, Dialog::ExportTo);
        }
    }

    /// The export dialog (to drive it in tests: choose a path, read the outcome).
    pub fn export_dialog_mut(&mut self) -> &mut ExportDialog {
        &mut self.export
    }

    /// Offer the recovery file found at start: restore it or discard it.
    fn recovery_window(&mut self, ctx: &egui::Context) {
        let Some(rec) = self.proj.recovery_offer.clone() else {
            return;
        };
        let lang = self.settings.language;
        egui::Window::new(lang.pick("恢复未保存的工作？", "Restore unsaved work?"))
            .id(egui::Id::unique("recovery_offer"))
            .collapsible(false)
            .anchor(egui::Align2::CENTER_CENTER, egui::vec2(0.0, 0.0))
            .show(ctx, |ui| {
                ui.label(lang.pick(
                    "上次退出时有未保存的编码工作，已自动保存在：",
                    "Unsaved coding work from last time was kept in:",
                ));
                ui.add(egui::Label::new(rec.display().to_string()).selectable(true));
                ui.horizontal(|ui| {
                    if ui.button(lang.pick("恢复", "Restore")).clicked() {
                        if let Err(e) = self.proj.restore(&rec) {
                            self.notices.push(e.to_string());
                            self.proj.recovery_offer = None;
                        }
                        // Re-anchor on the corpus already loaded.
                        if let Some(c) = self.corpus.clone() {
                            self.proj.reanchor_pending = false;
                            let _ = self.proj.project.reanchor(&c);
                        }
                    }
                    if ui.button(lang.pick("丢弃", "Discard")).clicked() {
                        let _ = std::fs::remove_file(&rec);
                        self.proj.recovery_offer = None;
                    }
                });
            });
    }

    /// The import problems of the last load, in a window the user closes (nothing blocks).
    fn notices_window(&mut self, ctx: &egui::Context) {
        if self.notices.is_empty() {
            return;
        }
        let lang = self.settings.language;
        let mut open = true;
        let title = match lang {
            Language::Chinese => format!("{} 个文件未能导入", self.notices.len()),
            Language::English => format!("{} files could not be imported", self.notices.len()),
        };
        egui::Window::new(title)
            .id(egui::Id::unique("import_notices"))
            .open(&mut open)
            .collapsible(false)
            .resizable(true)
            .default_width(520.0)
            .anchor(egui::Align2::RIGHT_BOTTOM, egui::vec2(-16.0, -40.0))
            .show(ctx, |ui| {
                ui.label(lang.pick("其余文件已正常载入。", "The other files were loaded."));
                egui::ScrollArea::vertical()
                    .max_height(200.0)
                    .show(ui, |ui| {
                        for n in &self.notices {
                            ui.add(
                                egui::Label::new(
                                    egui::RichText::new(n).color(ui.visuals().warn_fg_color),
                                )
                                .selectable(true),
                            );
                        }
                    });
                if ui.button(lang.pick("知道了", "Dismiss")).clicked() {
                    self.notices.clear();
                }
            });
        let esc = ctx.input(|i| i.key_pressed(egui::Key::Escape));
        if !open || esc {
            self.notices.clear();
        }
    }

    /// Up and down arrows move the selection through the listed plans (unless typing).
    fn keyboard(&mut self, ctx: &egui::Context) {
        let (open, find, save, export) = ctx.input_mut(|i| {
            (
                i.consume_key(egui::Modifiers::COMMAND, egui::Key::O),
                i.consume_key(egui::Modifiers::COMMAND, egui::Key::F),
                i.consume_key(egui::Modifiers::COMMAND, egui::Key::S),
                i.consume_key(egui::Modifiers::COMMAND, egui::Key::E),
            )
        });
        if export {
            self.export.show_dialog();
        }
        if open {
            self.open_dialog(ctx, Dialog::AddFiles);
        }
        if save {
            self.save_project(ctx);
        }
        if find {
            self.search_open = true;
            self.search.request_focus();
        }
        if self.search_open
            && self.notices.is_empty()
            && ctx.input(|i| i.key_pressed(egui::Key::Escape))
        {
            self.search_open = false;
        }
        if self.corpus.is_none() || ctx.text_edit_focused() || self.settings.view != View::Plan {
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

    fn file_menu(&mut self, ui: &mut egui::Ui) {
        let lang = self.settings.language;
        ui.menu_button(lang.pick("文件", "File"), |ui| {
            if ui.button(lang.pick("新建项目", "New project")).clicked() {
                self.new_project();
                ui.close();
            }
            if ui.button(lang.pick("打开项目…", "Open project…")).clicked() {
                self.open_dialog(ui.ctx(), Dialog::OpenProject);
                ui.close();
            }
            if ui
                .add(
                    egui::Button::new(lang.pick("保存项目", "Save project"))
                        .shortcut_text("Ctrl+S"),
                )
                .clicked()
            {
                self.save_project(ui.ctx());
                ui.close();
            }
            if ui
                .button(lang.pick("项目另存为…", "Save project as…"))
                .clicked()
            {
                self.open_dialog(ui.ctx(), Dialog::SaveProjectAs);
                ui.close();
            }
            super::project_state::coding_menu_ui(
                ui,
                &mut self.proj,
                &mut self.settings.coder,
                lang,
            );
            let recent = self.settings.recent_projects.clone();
            ui.menu_button(lang.pick("最近的项目", "Recent projects"), |ui| {
                if recent.is_empty() {
                    ui.label(egui::RichText::new(lang.pick("（无）", "(none)")).weak());
                }
                for p in recent {
                    if ui.button(p.display().to_string()).clicked() {
                        self.open_project(ui.ctx(), &p);
                        ui.close();
                    }
                }
            });
            ui.separator();
            if ui
                .add(
                    egui::Button::new(lang.pick("添加文件…", "Add files…")).shortcut_text("Ctrl+O"),
                )
                .clicked()
            {
                self.open_dialog(ui.ctx(), Dialog::AddFiles);
                ui.close();
            }
            if ui.button(lang.pick("添加文件夹…", "Add folder…")).clicked() {
                self.open_dialog(ui.ctx(), Dialog::AddFolder);
                ui.close();
            }
            ui.separator();
            if ui
                .add(egui::Button::new(lang.pick("导出…", "Export…")).shortcut_text("Ctrl+E"))
                .clicked()
            {
                self.export.show_dialog();
                ui.close();
            }
        });
    }

    fn title_bar(&mut self, ui: &mut egui::Ui) {
        let lang = self.settings.language;
        ui.horizontal(|ui| {
            ui.label(egui::RichText::new("对照").heading().strong());
            ui.label(egui::RichText::new("duizhao").weak());
            ui.separator();
            self.file_menu(ui);
            let name = self
                .proj
                .path
                .as_deref()
                .and_then(|p| p.file_name())
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| lang.pick("未保存的项目", "unsaved project").to_owned());
            let marker = if self.proj.dirty { " ●" } else { "" };
            ui.label(
                egui::RichText::new(format!("{name}{marker}"))
                    .small()
                    .weak(),
            )
            .on_hover_text(lang.pick(
                "● 表示有未保存的修改（每 60 秒自动保存到恢复文件）",
                "● unsaved changes (autosaved to a recovery file every 60 s)",
            ));
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
            for (view, zh, en, tip_zh, tip_en) in VIEW_TABS {
                ui.selectable_value(&mut self.settings.view, view, lang.pick(zh, en))
                    .on_hover_text(lang.pick(tip_zh, tip_en));
            }
            if ui
                .selectable_label(self.search_open, lang.pick("查找", "Find"))
                .on_hover_text("Ctrl+F")
                .clicked()
            {
                self.search_open = !self.search_open;
                if self.search_open {
                    self.search.request_focus();
                }
            }
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

    fn search_panel(&mut self, ui: &mut egui::Ui) {
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
        let Some(corpus) = &self.corpus else { return };
        if let Some(command) = self.search.show(ui, corpus, lang) {
            self.commands.push(command);
        }
    }

    fn library_panel(&mut self, ui: &mut egui::Ui) {
        let lang = self.settings.language;
        // The panel keeps the width its content took: take all of it, or it shrinks to the
        // content of the first frame.
        ui.set_min_width(ui.available_width());
        ui.add_space(4.0);
        ui.horizontal(|ui| {
            ui.heading(lang.pick("方案库", "Plan library"));
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                let waiting = self.picked.is_some();
                if ui
                    .add_enabled(
                        !waiting,
                        egui::Button::new(lang.pick("添加文件夹", "Add folder")),
                    )
                    .on_hover_text(lang.pick(
                        "载入一个文件夹里的所有方案（含子文件夹）",
                        "Load every plan in a folder and its subfolders",
                    ))
                    .clicked()
                {
                    self.open_dialog(ui.ctx(), Dialog::AddFolder);
                }
                if ui
                    .add_enabled(
                        !waiting,
                        egui::Button::new(lang.pick("添加文件", "Add files")),
                    )
                    .on_hover_text(lang.pick(
                        "Ctrl+O · 也可以把文件拖到窗口里：TXT、MD、DOCX、HTML、PDF",
                        "Ctrl+O · or drop files on the window: TXT, MD, DOCX, HTML, PDF",
                    ))
                    .clicked()
                {
                    self.open_dialog(ui.ctx(), Dialog::AddFiles);
                }
            });
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
                    waiting_ui(ui, lang.pick("正在载入方案…", "Loading plans…"), waited);
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
                    let hits: Option<super::compare_view::HitRanges<'_>> =
                        if self.search_open && !search.query.trim().is_empty() {
                            Some(&hits)
                        } else {
                            None
                        };
                    let coding = self.proj.coding(self.settings.language);
                    self.compare
                        .show(ui, corpus, analysis, &mut self.settings, hits, coding);
                    let tagged = self.compare.take_commands();
                    self.commands.extend(tagged);
                    None
                }
                View::Families => self
                    .families
                    .show(ui, corpus, analysis, self.settings.language),
                View::Overview => self
                    .overview
                    .show(ui, corpus, analysis, self.settings.language),
                View::Targets => {
                    let compared: Vec<usize> = self
                        .settings
                        .compared_plans
                        .iter()
                        .filter_map(|id| corpus.plans.iter().position(|p| p.plan_id == *id))
                        .collect();
                    self.targets
                        .show(ui, corpus, &compared, self.settings.language)
                }
                View::Themes => {
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
                    self.matrix
                        .show(ui, &self.proj.project, corpus, self.settings.language)
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
fn waiting_ui(ui: &mut egui::Ui, label: &str, waited: f32) {
    ui.vertical_centered(|ui| {
        ui.add_space(ui.available_height() / 3.0);
        ui.add(egui::Spinner::new().size(36.0));
        ui.label(label);
        if waited > 2.0 {
            ui.label(egui::RichText::new(format!("{waited:.0} s")).weak());
        }
    });
}

impl eframe::App for DuizhaoApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        self.show(ui);
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        eframe::set_value(storage, eframe::APP_KEY, &self.settings);
    }

    fn on_exit(&mut self, _gl: Option<&eframe::glow::Context>) {
        self.save_recovery_now();
    }
}
