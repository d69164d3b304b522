//! The app: loading the corpus and then its analysis ([`crate::matching::Analysis`], shared and
//! unique measures) on a background thread, the persisted settings, and the frame around the
//! library and the plan or compare view (title bar with the view tabs and the language and theme
//! switches, status bar with the counts, the analysis state and the import errors).

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc::{self, Receiver, TryRecvError};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use crate::corpus::{Corpus, default_seed_dir, load_paths_with_progress};
use crate::matching::Analysis;
use crate::plan::Plan;

use super::compare_view::CompareView;
use super::doc_view::DocView;
use super::export_dialog::{ExportDialog, ExportRequest};
use super::families_view::FamiliesView;
use super::file_dialog::{
    PathDialog, PickMode, PickOutcome, home_dir, native_backend_likely, remember_dir,
};
use super::library_panel::Library;
use super::matrix_view::MatrixView;
use super::messages::localize;
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

    /// The string for this language, of any lifetime.
    pub fn pick_str<'a>(self, zh: &'a str, en: &'a str) -> &'a str {
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
    /// Always use the app's own file dialog, never the desktop's.
    pub builtin_file_dialog: bool,
    /// Folders recently used in a file dialog, newest first.
    pub recent_dirs: Vec<PathBuf>,
    /// The library panel is hidden (Ctrl+B, or its button in the title bar).
    pub library_hidden: bool,

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
            builtin_file_dialog: false,
            recent_dirs: Vec::new(),
            library_hidden: false,

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
        if !start.compare.is_empty() {
            self.view = View::Compare;
        }
        // An explicit --view wins over the Compare that --compare implies.
        if let Some(view) = start.view {
            self.view = View::from_arg(view);
        }
    }
}

impl View {
    /// The view `duizhao open --view` names.
    pub fn from_arg(view: crate::cli::ViewArg) -> View {
        use crate::cli::ViewArg;
        match view {
            ViewArg::Plan => View::Plan,
            ViewArg::Compare => View::Compare,
            ViewArg::Families => View::Families,
            ViewArg::Overview => View::Overview,
            ViewArg::Targets => View::Targets,
            ViewArg::Themes => View::Themes,
            ViewArg::Matrix => View::Matrix,
        }
    }

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

/// Where quitting stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QuitState {
    /// Not quitting.
    Running,
    /// The window was asked to close with unsaved changes: asking save / discard / cancel.
    Asking,
    /// Save as… was chosen in the quit prompt: close once the project is saved.
    SavingToQuit,
    /// Closing (saved, or the changes discarded).
    Closing,
}

/// How far the loader thread is (shared with it).
#[derive(Debug, Default)]
pub struct LoadProgress {
    /// Files read.
    pub done: AtomicUsize,
    /// Files to read (0 until the folders are listed).
    pub total: AtomicUsize,
    /// The user cancelled: the thread's results are dropped.
    pub cancelled: AtomicBool,
    /// The file last read.
    pub current: std::sync::Mutex<String>,
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
    /// Files read / files to read by the loader thread, and the file being read.
    progress: Arc<LoadProgress>,
    /// The paths loaded before the current load (a cancelled load goes back to them).
    previous_paths: Option<Vec<PathBuf>>,
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
    /// Paths picked in a native file dialog, sent by its thread, what they are for, and when
    /// the dialog was asked for.
    picked: Option<(Dialog, Receiver<Vec<PathBuf>>, Instant)>,
    /// The app's own file dialog and what it is for (when the desktop has none, or by setting).
    path_dialog: PathDialog,
    path_dialog_kind: Option<Dialog>,
    /// Whether a native file dialog can be tried (probed at start; tests turn it off).
    native_dialogs: bool,
    /// Asking whether to save before quitting, or quitting is decided.
    quit: QuitState,
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
            progress: Arc::new(LoadProgress::default()),
            previous_paths: None,
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
            path_dialog: PathDialog::default(),
            path_dialog_kind: None,
            native_dialogs: native_backend_likely(),
            quit: QuitState::Running,
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
        if self.corpus.is_some() {
            self.previous_paths = Some(self.paths.clone());
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

    /// Whether the app tries the desktop's file dialog (false: always its own; tests use this
    /// to act as a desktop without a dialog backend).
    pub fn set_native_dialogs(&mut self, on: bool) {
        self.native_dialogs = on;
    }

    /// The app's own file dialog (to drive it in tests).
    pub fn path_dialog_mut(&mut self) -> &mut PathDialog {
        &mut self.path_dialog
    }

    /// Whether the app's own file dialog is showing.
    pub fn path_dialog_open(&self) -> bool {
        self.path_dialog.is_open()
    }

    /// Ask for a path: the desktop's dialog on its own thread (it must not block the UI thread;
    /// the picked paths arrive in [`Self::poll_picked`]), or the app's own dialog when the
    /// desktop has none or the user prefers it.
    fn open_dialog(&mut self, ctx: &egui::Context, kind: Dialog) {
        if self.picked.is_some() || self.path_dialog.is_open() {
            return;
        }
        if self.settings.builtin_file_dialog {
            self.open_builtin_dialog(kind, None);
            return;
        }
        if !self.native_dialogs {
            self.open_builtin_dialog(
                kind,
                Some((
                    "没有可用的系统文件对话框（需要 xdg-desktop-portal 或 zenity），请在此选择路径。",
                    "No desktop file dialog is available (it needs xdg-desktop-portal or zenity): choose the path here.",
                )),
            );
            return;
        }
        let (tx, rx) = mpsc::channel();
        let repaint = ctx.clone();
        let start_dir = self.start_dir();
        let suggested = self.export_name.clone();
        let spawned = std::thread::Builder::new()
            .name("duizhao-dialog".into())
            .spawn(move || {
                let mut dialog = rfd::FileDialog::new()
                    .set_title("对照 duizhao")
                    .set_directory(start_dir);
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
                    Dialog::ExportTo => {
                        dialog = dialog.set_file_name(&suggested);
                        dialog.save_file().map(|p| vec![p])
                    }
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
            Ok(_) => self.picked = Some((kind, rx, Instant::now())),
            Err(_) => self.open_builtin_dialog(
                kind,
                Some((
                    "系统文件对话框无法打开，请在此选择路径。",
                    "The desktop file dialog could not open: choose the path here.",
                )),
            ),
        }
    }

    /// The folder a file dialog starts in: the project's, the last one used, the home folder.
    fn start_dir(&self) -> PathBuf {
        self.proj
            .path
            .as_deref()
            .and_then(|p| p.parent())
            .filter(|p| p.is_dir())
            .map(|p| p.to_path_buf())
            .or_else(|| {
                self.settings
                    .recent_dirs
                    .iter()
                    .find(|d| d.is_dir())
                    .cloned()
            })
            .or_else(home_dir)
            .or_else(|| std::env::current_dir().ok())
            .unwrap_or_else(|| PathBuf::from("/"))
    }

    /// Open the app's own file dialog for `kind`, with a note saying why (if it is a fallback).
    fn open_builtin_dialog(&mut self, kind: Dialog, note: Option<(&str, &str)>) {
        let (mode, title, extensions, name, caller_confirms): (
            PickMode,
            (&str, &str),
            &[&str],
            String,
            bool,
        ) = match kind {
            Dialog::AddFiles => (
                PickMode::OpenFiles,
                ("添加方案文件", "Add plan files"),
                crate::formats::SUPPORTED_EXTENSIONS,
                String::new(),
                false,
            ),
            Dialog::AddFolder => (
                PickMode::OpenFolder,
                ("添加文件夹", "Add a folder"),
                &[],
                String::new(),
                false,
            ),
            Dialog::OpenProject => (
                PickMode::OpenFile,
                ("打开项目", "Open project"),
                &["ron"],
                String::new(),
                false,
            ),
            Dialog::SaveProjectAs => (
                PickMode::Save,
                ("项目另存为", "Save project as"),
                &["ron"],
                self.proj
                    .path
                    .as_deref()
                    .and_then(|p| p.file_name())
                    .map_or_else(
                        || "project.duizhao.ron".to_owned(),
                        |n| n.to_string_lossy().into_owned(),
                    ),
                false,
            ),
            Dialog::ExportTo => (
                PickMode::Save,
                ("导出到", "Export to"),
                &[],
                self.export_name.clone(),
                true,
            ),
            Dialog::ImportCodebook(_) => (
                PickMode::OpenFile,
                ("导入编码本", "Import a codebook"),
                &["ron"],
                String::new(),
                false,
            ),
            Dialog::ExportCodebook => (
                PickMode::Save,
                ("导出编码本", "Export the codebook"),
                &["ron"],
                "codebook.ron".to_owned(),
                false,
            ),
        };
        let start = self.start_dir();
        let places = self.places();
        self.path_dialog.open(
            mode,
            title,
            extensions,
            &start,
            &name,
            places,
            caller_confirms,
            note,
        );
        self.path_dialog_kind = Some(kind);
    }

    /// The places the app's own file dialog offers: home, the working folder, the project's
    /// folder, recent folders, the bundled seeds, the file system root.
    fn places(&self) -> Vec<(String, String, PathBuf)> {
        let mut places: Vec<(String, String, PathBuf)> = Vec::new();
        let mut add = |zh: &str, en: &str, p: PathBuf| {
            if p.is_dir() && !places.iter().any(|(_, _, q)| *q == p) {
                places.push((zh.to_owned(), en.to_owned(), p));
            }
        };
        if let Some(h) = home_dir() {
            add("主目录", "Home", h);
        }
        if let Ok(cwd) = std::env::current_dir() {
            add("当前目录", "Working folder", cwd);
        }
        if let Some(p) = self.proj.path.as_deref().and_then(|p| p.parent()) {
            add("项目所在", "Project folder", p.to_path_buf());
        }
        for d in &self.settings.recent_dirs {
            let name = d.file_name().map_or_else(
                || d.display().to_string(),
                |n| n.to_string_lossy().into_owned(),
            );
            add(
                &format!("最近：{name}"),
                &format!("Recent: {name}"),
                d.clone(),
            );
        }
        add("示例方案", "Bundled seeds", default_seed_dir());
        add("根目录 /", "Root /", PathBuf::from("/"));
        places
    }

    /// Take the paths picked in a native dialog, if it has closed; one that came back at once
    /// with nothing could not open: the app's own dialog takes over.
    fn poll_picked(&mut self, ctx: &egui::Context) {
        let Some((kind, rx, asked)) = &self.picked else {
            return;
        };
        let (kind, asked) = (*kind, *asked);
        match rx.try_recv() {
            Ok(paths) => {
                self.picked = None;
                if paths.is_empty() && asked.elapsed() < Duration::from_millis(700) {
                    self.open_builtin_dialog(
                        kind,
                        Some((
                            "系统文件对话框无法打开（没有 xdg-desktop-portal 或 zenity？），请在此选择路径。",
                            "The desktop file dialog could not open (no xdg-desktop-portal or zenity?): choose the path here.",
                        )),
                    );
                    return;
                }
                self.handle_picked(ctx, kind, paths);
            }
            Err(TryRecvError::Empty) => {}
            Err(TryRecvError::Disconnected) => self.picked = None,
        }
    }

    /// Do what a file dialog was opened for with the paths picked (none: cancelled).
    fn handle_picked(&mut self, ctx: &egui::Context, kind: Dialog, paths: Vec<PathBuf>) {
        if let Some(dir) = paths.first().and_then(|p| {
            if p.is_dir() {
                Some(p.as_path())
            } else {
                p.parent()
            }
        }) {
            remember_dir(&mut self.settings.recent_dirs, dir);
        }
        if paths.is_empty() && self.quit == QuitState::SavingToQuit {
            // Save as was cancelled: back to the question.
            self.quit = QuitState::Asking;
        }
        match (kind, paths.first()) {
            (Dialog::AddFiles | Dialog::AddFolder, _) => self.add_paths(ctx, paths),
            (Dialog::OpenProject, Some(p)) => {
                let p = p.clone();
                self.open_project(ctx, &p);
            }
            (Dialog::ExportTo, Some(p)) => self.export.set_path(p.clone()),
            (Dialog::ImportCodebook(mode), Some(p)) => match crate::themes::Codebook::load(p) {
                Ok(book) => {
                    self.themes
                        .load_codebook(&mut self.proj.project, book, mode);
                    self.proj.touch();
                }
                Err(e) => self.notices.push(e.to_string()),
            },
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
                if self.quit == QuitState::SavingToQuit {
                    self.quit = if self.proj.dirty {
                        QuitState::Asking
                    } else {
                        ctx.send_viewport_cmd(egui::ViewportCommand::Close);
                        QuitState::Closing
                    };
                }
            }
            _ => {}
        }
    }

    /// Where quitting stands (the quit prompt).
    pub fn quit_state(&self) -> QuitState {
        self.quit
    }

    /// Close requested: with unsaved changes, cancel the close and ask save / discard / cancel.
    fn check_close(&mut self, ctx: &egui::Context) {
        if !ctx.input(|i| i.viewport().close_requested()) {
            return;
        }
        if self.quit == QuitState::Closing || !self.proj.dirty {
            self.quit = QuitState::Closing;
            return;
        }
        ctx.send_viewport_cmd(egui::ViewportCommand::CancelClose);
        if self.quit == QuitState::Running {
            self.quit = QuitState::Asking;
        }
    }

    /// The quit prompt: save, discard or cancel.
    fn quit_window(&mut self, ctx: &egui::Context) {
        if self.quit != QuitState::Asking {
            return;
        }
        let lang = self.settings.language;
        let mut choice = None;
        egui::Modal::new(egui::Id::unique("duizhao_quit_prompt")).show(ctx, |ui| {
            ui.set_max_width(440.0);
            ui.heading(lang.pick("保存修改吗？", "Save your changes?"));
            let name = self
                .proj
                .path
                .as_deref()
                .map(|p| p.display().to_string())
                .unwrap_or_else(|| lang.pick("未保存的项目", "the unsaved project").to_owned());
            ui.label(match lang {
                Language::Chinese => format!("{name} 有未保存的编码工作。退出前保存吗？"),
                Language::English => {
                    format!("{name} has unsaved coding work. Save it before quitting?")
                }
            });
            ui.add_space(6.0);
            ui.horizontal(|ui| {
                let save = if self.proj.path.is_some() {
                    lang.pick("保存并退出", "Save and quit")
                } else {
                    lang.pick("另存为…并退出", "Save as… and quit")
                };
                if ui.button(save).clicked() {
                    choice = Some(0);
                }
                if ui
                    .button(lang.pick("不保存，退出", "Discard and quit"))
                    .clicked()
                {
                    choice = Some(1);
                }
                if ui.button(lang.pick("取消", "Cancel")).clicked() {
                    choice = Some(2);
                }
            });
        });
        if choice.is_none() && ctx.input(|i| i.key_pressed(egui::Key::Escape)) {
            choice = Some(2);
        }
        match choice {
            Some(0) => match self.proj.path.clone() {
                Some(p) => {
                    self.save_project_to(&p);
                    if !self.proj.dirty {
                        self.quit = QuitState::Closing;
                        ctx.send_viewport_cmd(egui::ViewportCommand::Close);
                    }
                }
                None => {
                    self.quit = QuitState::SavingToQuit;
                    self.open_dialog(ctx, Dialog::SaveProjectAs);
                }
            },
            Some(1) => {
                // Discarded on purpose: no recovery file to offer next time.
                self.proj.dirty = false;
                let _ = crate::project::discard_recovery(self.proj.path.as_deref());
                self.quit = QuitState::Closing;
                ctx.send_viewport_cmd(egui::ViewportCommand::Close);
            }
            Some(2) => self.quit = QuitState::Running,
            _ => {}
        }
    }

    /// Ask to quit, as the window's close button does (File ▸ Quit, Ctrl+Q).
    fn request_quit(&mut self, ctx: &egui::Context) {
        if self.proj.dirty {
            self.quit = QuitState::Asking;
        } else {
            self.quit = QuitState::Closing;
            ctx.send_viewport_cmd(egui::ViewportCommand::Close);
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
        let progress = Arc::new(LoadProgress::default());
        self.progress = Arc::clone(&progress);
        let spawned = std::thread::Builder::new()
            .name("duizhao-load".into())
            .spawn(move || {
                let started = Instant::now();
                let report = |done: usize, total: usize, file: &std::path::Path| {
                    progress.done.store(done, Ordering::Relaxed);
                    progress.total.store(total, Ordering::Relaxed);
                    if let Ok(mut current) = progress.current.lock() {
                        *current = file
                            .file_name()
                            .map(|n| n.to_string_lossy().into_owned())
                            .unwrap_or_default();
                    }
                    repaint.request_repaint();
                };
                let corpus = Arc::new(load_paths_with_progress(&paths, &report));
                if progress.cancelled.load(Ordering::Relaxed) {
                    return;
                }
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
                if progress.cancelled.load(Ordering::Relaxed) {
                    return;
                }
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

    /// Cancel the load under way: its result is dropped and the plans loaded before (if any)
    /// stay; the files just added are forgotten.
    pub fn cancel_loading(&mut self) {
        if !self.is_loading() {
            return;
        }
        self.progress.cancelled.store(true, Ordering::Relaxed);
        self.rx = None;
        if let Some(previous) = self.previous_paths.take() {
            self.paths = previous;
        }
        self.load = match &self.corpus {
            Some(_) => LoadState::Ready {
                took: Duration::ZERO,
            },
            None => LoadState::Failed("loading was cancelled".into()),
        };
        if self.corpus.is_some() && self.analysis.is_some() {
            self.analysis_state = AnalysisState::Ready {
                took: Duration::ZERO,
            };
        }
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
        self.check_close(ui.ctx());
        self.keyboard(ui.ctx());

        egui::Panel::top("title_bar").show(ui, |ui| self.title_bar(ui));
        egui::Panel::bottom("status_bar").show(ui, |ui| self.status_bar(ui));
        if !self.settings.library_hidden {
            // A fixed default width and a drag handle; the content never widens the panel.
            let max = (ui.available_width() * 0.45).max(240.0);
            egui::Panel::left("library")
                .resizable(true)
                .default_size(300.0)
                .size_range(220.0..=max.min(560.0))
                .show(ui, |ui| self.library_panel(ui));
        }
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
        if let Some(outcome) = self.path_dialog.show(ui.ctx(), lang)
            && let Some(kind) = self.path_dialog_kind.take()
        {
            let paths = match outcome {
                PickOutcome::Picked(p) => p,
                PickOutcome::Cancelled => Vec::new(),
            };
            self.handle_picked(ui.ctx(), kind, paths);
        }
        self.quit_window(ui.ctx());

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
        let (import_errors, loaded_plans) = self.corpus.as_ref().map_or((0, 0), |c| {
            (
                self.notices.iter().filter(|n| c.errors.contains(n)).count(),
                c.plans.len(),
            )
        });
        let title = if import_errors == self.notices.len() {
            match lang {
                Language::Chinese => format!("{} 个文件未能导入", self.notices.len()),
                Language::English => format!("{} files could not be imported", self.notices.len()),
            }
        } else {
            match lang {
                Language::Chinese => format!("{} 条问题", self.notices.len()),
                Language::English => format!("{} problems", self.notices.len()),
            }
        };
        egui::Window::new(title)
            .id(egui::Id::unique("import_notices"))
            .open(&mut open)
            .collapsible(false)
            .resizable(true)
            .default_width(520.0)
            .anchor(egui::Align2::RIGHT_BOTTOM, egui::vec2(-16.0, -40.0))
            .show(ctx, |ui| {
                if import_errors > 0 && loaded_plans > 0 {
                    ui.label(match lang {
                        Language::Chinese => {
                            format!("其余文件已正常载入（{loaded_plans} 个方案）。")
                        }
                        Language::English => {
                            format!("The other files were loaded ({loaded_plans} plans).")
                        }
                    });
                } else if import_errors > 0 {
                    ui.label(lang.pick("没有载入任何方案。", "No plan was loaded."));
                }
                egui::ScrollArea::vertical()
                    .max_height(200.0)
                    .show(ui, |ui| {
                        for n in &self.notices {
                            ui.add(
                                egui::Label::new(
                                    egui::RichText::new(localize(n, lang))
                                        .color(ui.visuals().warn_fg_color),
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
        if self.path_dialog.is_open() || self.quit == QuitState::Asking {
            return;
        }
        let (open, find, save, export, library, quit) = ctx.input_mut(|i| {
            (
                i.consume_key(egui::Modifiers::COMMAND, egui::Key::O),
                i.consume_key(egui::Modifiers::COMMAND, egui::Key::F),
                i.consume_key(egui::Modifiers::COMMAND, egui::Key::S),
                i.consume_key(egui::Modifiers::COMMAND, egui::Key::E),
                i.consume_key(egui::Modifiers::COMMAND, egui::Key::B),
                i.consume_key(egui::Modifiers::COMMAND, egui::Key::Q),
            )
        });
        if library {
            self.settings.library_hidden = !self.settings.library_hidden;
        }
        if quit {
            self.request_quit(ctx);
        }
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
            ui.separator();
            ui.checkbox(
                &mut self.settings.builtin_file_dialog,
                lang.pick("使用内置文件对话框", "Use the built-in file dialog"),
            )
            .on_hover_text(lang.pick(
                "不用系统的文件对话框，改用应用自带的（路径输入、文件夹列表、最近位置）。系统对话框无法打开时总是使用它。",
                "Use the app's own file dialog (path field, folder listing, recent places) instead of the desktop's. It is used anyway when the desktop's cannot open.",
            ));
            ui.separator();
            if ui
                .add(egui::Button::new(lang.pick("退出", "Quit")).shortcut_text("Ctrl+Q"))
                .clicked()
            {
                self.request_quit(ui.ctx());
                ui.close();
            }
        });
    }

    fn title_bar(&mut self, ui: &mut egui::Ui) {
        let lang = self.settings.language;
        ui.horizontal(|ui| {
            // The language and theme switches first, from the right, so they always have room;
            // the rest fills what is left, and the view tabs that do not fit go into a menu.
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
                ui.separator();
                ui.selectable_value(&mut self.settings.language, Language::English, "English");
                ui.selectable_value(&mut self.settings.language, Language::Chinese, "中文");
                ui.separator();
                ui.with_layout(egui::Layout::left_to_right(egui::Align::Center), |ui| {
                    self.title_bar_left(ui);
                });
            });
        });
    }

    /// The views of the title bar: view, label, tooltip.
    fn view_tabs(&self) -> Vec<(View, String, &'static str)> {
        let lang = self.settings.language;
        let n = self.settings.compared_plans.len();
        let mut tabs = vec![
            (
                View::Plan,
                lang.pick("单个方案", "Plan").to_owned(),
                lang.pick(
                    "选中方案的提纲与措施",
                    "The selected plan's outline and measures",
                ),
            ),
            (
                View::Compare,
                match lang {
                    Language::Chinese => format!("方案对照 ({n})"),
                    Language::English => format!("Compare ({n})"),
                },
                lang.pick(
                    "在左侧勾选要对照的方案",
                    "Tick the plans to compare in the library",
                ),
            ),
        ];
        for (view, zh, en, tip_zh, tip_en) in VIEW_TABS {
            tabs.push((
                view,
                lang.pick(zh, en).to_owned(),
                lang.pick(tip_zh, tip_en),
            ));
        }
        tabs
    }

    fn title_bar_left(&mut self, ui: &mut egui::Ui) {
        let lang = self.settings.language;
        let font = egui::TextStyle::Button.resolve(ui.style());
        let pad = 2.0 * ui.spacing().button_padding.x + ui.spacing().item_spacing.x;
        let width_of = |ui: &egui::Ui, text: &str| {
            ui.ctx().fonts_mut(|f| {
                f.layout_no_wrap(text.to_owned(), font.clone(), egui::Color32::WHITE)
                    .size()
                    .x
            }) + pad
        };
        let total = ui.available_width();
        let tabs = self.view_tabs();
        let find_label = lang.pick("查找", "Find");
        let more_label = lang.pick("更多 »", "More »");
        let tabs_width: f32 =
            tabs.iter().map(|t| width_of(ui, &t.1)).sum::<f32>() + width_of(ui, find_label);
        let brand_width = width_of(ui, "对照 duizhao") + 24.0;
        let name = self
            .proj
            .path
            .as_deref()
            .and_then(|p| p.file_name())
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| lang.pick("未保存的项目", "unsaved project").to_owned());
        let marker = if self.proj.dirty { " ●" } else { "" };
        let library_label = lang.pick("▤ 方案库", "▤ Library");
        let fixed = width_of(ui, lang.pick("文件", "File"))
            + width_of(ui, library_label)
            + 3.0 * ui.spacing().item_spacing.x
            + 12.0;
        let subtitle = lang.pick(
            "政府方案对照审阅",
            "Review Chinese government plans side by side",
        );
        let name_width = width_of(ui, &format!("{name}{marker}")).min(180.0);
        let room = total - fixed;
        let show_brand = room - tabs_width - name_width > brand_width;
        let show_subtitle =
            room - tabs_width - name_width - brand_width > width_of(ui, subtitle) + 16.0;

        if show_brand {
            ui.label(egui::RichText::new("对照").heading().strong());
            ui.label(egui::RichText::new("duizhao").weak());
            ui.separator();
        }
        self.file_menu(ui);
        if ui
            .selectable_label(!self.settings.library_hidden, library_label)
            .on_hover_text(lang.pick(
                "显示或隐藏方案库（Ctrl+B）",
                "Show or hide the plan library (Ctrl+B)",
            ))
            .clicked()
        {
            self.settings.library_hidden = !self.settings.library_hidden;
        }
        ui.add(
            egui::Label::new(
                egui::RichText::new(format!("{name}{marker}"))
                    .small()
                    .weak(),
            )
            .truncate(),
        )
        .on_hover_text(lang.pick(
            "● 表示有未保存的修改（每 60 秒自动保存到恢复文件）",
            "● unsaved changes (autosaved to a recovery file every 60 s)",
        ));
        ui.separator();
        if show_subtitle {
            ui.label(subtitle);
            ui.separator();
        }
        // As many tabs as fit, in order; the selected one always shows; the rest in a menu.
        let more_width = width_of(ui, more_label);
        let mut left = ui.available_width() - width_of(ui, find_label) - 4.0;
        let all_fit = tabs_width - width_of(ui, find_label) <= left;
        if !all_fit {
            left -= more_width;
            if let Some(sel) = tabs.iter().find(|t| t.0 == self.settings.view) {
                left -= width_of(ui, &sel.1);
            }
        }
        let mut overflow = Vec::new();
        for (view, label, tip) in &tabs {
            let selected = *view == self.settings.view;
            let w = width_of(ui, label);
            if all_fit || selected || w <= left {
                if !all_fit && !selected {
                    left -= w;
                }
                if ui
                    .selectable_label(selected, label.as_str())
                    .on_hover_text(*tip)
                    .clicked()
                {
                    self.settings.view = *view;
                }
            } else {
                left = -1.0; // keep the order: everything after goes to the menu too
                overflow.push((*view, label.clone(), *tip));
            }
        }
        if !overflow.is_empty() {
            ui.menu_button(more_label, |ui| {
                for (view, label, tip) in overflow {
                    if ui
                        .selectable_label(self.settings.view == view, label)
                        .on_hover_text(tip)
                        .clicked()
                    {
                        self.settings.view = view;
                        ui.close();
                    }
                }
            })
            .response
            .on_hover_text(lang.pick("其余视图", "The other views"));
        }
        if ui
            .selectable_label(self.search_open, find_label)
            .on_hover_text("Ctrl+F")
            .clicked()
        {
            self.search_open = !self.search_open;
            if self.search_open {
                self.search.request_focus();
            }
        }
    }

    fn status_bar(&mut self, ui: &mut egui::Ui) {
        let lang = self.settings.language;
        let mut cancel = false;
        ui.horizontal(|ui| match &self.load {
            LoadState::Idle | LoadState::Loading { .. } => {
                ui.spinner();
                // The button comes before the progress text, which appears and grows while
                // loading: a button after it would move (and change id) under the pointer.
                if ui
                    .button(lang.pick("取消", "Cancel"))
                    .on_hover_text(lang.pick(
                        "停止载入；已载入的方案保留",
                        "Stop loading; the plans loaded before stay",
                    ))
                    .clicked()
                {
                    cancel = true;
                }
                let done = self.progress.done.load(Ordering::Relaxed);
                let total = self.progress.total.load(Ordering::Relaxed);
                if total == 0 {
                    ui.label(lang.pick("正在查找文件…", "Finding files…"));
                } else {
                    ui.label(match lang {
                        Language::Chinese => format!("正在读取文件 {done}/{total}"),
                        Language::English => format!("Reading files {done}/{total}"),
                    });
                    ui.add(
                        egui::ProgressBar::new(done as f32 / total.max(1) as f32)
                            .desired_width(160.0),
                    );
                    if let Ok(current) = self.progress.current.lock() {
                        ui.add(
                            egui::Label::new(egui::RichText::new(current.as_str()).small().weak())
                                .truncate(),
                        );
                    }
                }
            }
            LoadState::Failed(e) => {
                ui.colored_label(
                    ui.visuals().error_fg_color,
                    format!(
                        "{} {}",
                        lang.pick("载入失败：", "Loading failed:"),
                        localize(e, lang)
                    ),
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
                    AnalysisState::Pending { started } => {
                        ui.spinner();
                        let secs = started.elapsed().as_secs();
                        ui.label(match lang {
                            Language::Chinese => {
                                format!("分析中：对齐章节、找出共有与独有措施… {secs} 秒")
                            }
                            Language::English => format!(
                                "Analysing: aligning sections, finding shared and unique measures… {secs} s"
                            ),
                        });
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
                            format!(
                                "{} {}",
                                lang.pick("分析失败：", "Analysis failed:"),
                                localize(e, lang)
                            ),
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
                            ui.label(egui::RichText::new(localize(e, lang)).small());
                        }
                    });
            });
        }
        if cancel {
            self.cancel_loading();
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
        let compared: Vec<usize> = self
            .settings
            .compared_plans
            .iter()
            .filter_map(|id| corpus.plans.iter().position(|p| p.plan_id == *id))
            .collect();
        if let Some(command) = self.search.show(ui, corpus, &compared, lang) {
            self.commands.push(command);
        }
    }

    fn library_panel(&mut self, ui: &mut egui::Ui) {
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
                    let hits: Option<super::compare_view::HitRanges<'_>> =
                        if self.search_open && !search.query.trim().is_empty() {
                            Some(&hits)
                        } else {
                            None
                        };
                    // The project's codebook (by-theme rows) and pins (saved with it).
                    self.compare.set_codebook(&self.proj.project.codebook);
                    self.compare.set_pins(self.proj.project.pins.clone());
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
                View::Matrix => self.matrix.show(
                    ui,
                    &self.proj.project,
                    corpus,
                    &self.settings.compared_plans,
                    self.settings.language,
                ),
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
