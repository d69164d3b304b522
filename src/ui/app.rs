//! The app: loading the corpus and then its analysis ([`crate::matching::Analysis`], shared and
//! unique measures) on a background thread, the persisted settings, and the frame around the
//! library and the plan or compare view (title bar with the view tabs and the language and theme
//! switches, status bar with the counts, the analysis state and the import errors).

mod bars;
mod commands;
mod file_actions;
mod keyboard;
mod loader;
mod menus;
mod panels;
mod windows;

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize};
use std::sync::mpsc::Receiver;
use std::time::Duration;
use std::time::Instant;

use crate::comparison::Comparison;
use crate::corpus::Corpus;
use crate::corpus::default_seed_dir;
use crate::matching::Analysis;
use crate::plan::Plan;
use crate::ui::agreement_view;
use crate::ui::command::UiCommand;
use crate::ui::compare_view::CompareView;
use crate::ui::context::{self, ViewContext};
use crate::ui::doc_view::DocView;
use crate::ui::export_dialog::ExportDialog;
use crate::ui::families_view::FamiliesView;
use crate::ui::file_dialog::PathDialog;
use crate::ui::file_dialog::PickOutcome;
use crate::ui::file_dialog::native_backend_likely;
use crate::ui::library_panel::Library;
use crate::ui::matrix_view::MatrixView;
use crate::ui::overview::OverviewView;
use crate::ui::project_state::ProjectState;
use crate::ui::reuse_view::ReuseWindow;
use crate::ui::search_panel::SearchPanel;
use crate::ui::settings::Settings;
use crate::ui::targets_view::TargetsView;
use crate::ui::theme;
use crate::ui::themes_panel::LoadMode;
use crate::ui::themes_panel::ThemesPanel;

/// When the process started (set by [`super::run`] as early as possible; for the startup timing that
/// `DUIZHAO_TIMING=1` prints).
pub(crate) static PROCESS_START: std::sync::OnceLock<std::time::Instant> =
    std::sync::OnceLock::new();

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
    /// The plans are read (and the library's rows made from them, off the UI thread: 10,000
    /// plans' rows took the swap frame 100 ms).
    Corpus {
        corpus: Arc<Corpus>,
        library: Box<Library>,
        took: Duration,
    },
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

/// With `DUIZHAO_FRAME_TIMES` set, a frame of the app over 16 ms is reported on stderr by
/// phase (to find what makes a frame long rather than guess).
struct FramePhases {
    on: bool,
    last: Instant,
    started: Instant,
    phases: Vec<(&'static str, Duration)>,
}

impl FramePhases {
    fn start() -> FramePhases {
        static ON: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
        let now = Instant::now();
        FramePhases {
            on: *ON.get_or_init(|| std::env::var_os("DUIZHAO_FRAME_TIMES").is_some()),
            last: now,
            started: now,
            phases: Vec::new(),
        }
    }

    fn mark(&mut self, what: &'static str) {
        if self.on {
            let now = Instant::now();
            self.phases.push((what, now - self.last));
            self.last = now;
        }
    }

    fn report(&self) {
        if self.on && self.started.elapsed() > Duration::from_millis(16) {
            let parts: Vec<String> = self
                .phases
                .iter()
                .map(|(w, d)| format!("{w} {:.1} ms", d.as_secs_f64() * 1e3))
                .collect();
            eprintln!(
                "duizhao: frame {:.1} ms: {}",
                self.started.elapsed().as_secs_f64() * 1e3,
                parts.join(", ")
            );
        }
    }
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
    /// The reuse report of one plan (文本复用), opened from a plan's menu.
    reuse: ReuseWindow,
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
    /// Bumped on every corpus or analysis swapped in (with the project's generation it makes
    /// the views' [`ViewContext::revision`]).
    data_revision: u64,
    /// Build the slow derived views in the background once the analysis is ready (on by
    /// default; the benchmark turns it off to time each builder alone).
    prefetch: bool,
    /// Glyphs rasterised a little each frame while the plans load (the first frame with a plan
    /// would otherwise rasterise all of its text's).
    glyphs: theme::GlyphWarmer,
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
            reuse: ReuseWindow::default(),
            themes: ThemesPanel::new(),
            matrix: MatrixView::new(),
            export_name: String::new(),
            notices: Vec::new(),
            commands: Vec::new(),
            compare_on_load: Vec::new(),
            created: Instant::now(),
            first_content_frame: None,
            data_revision: 0,
            prefetch: true,
            glyphs: theme::GlyphWarmer::common(),
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

    /// Where quitting stands (the quit prompt).
    pub fn quit_state(&self) -> QuitState {
        self.quit
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

    /// The reuse report window.
    pub fn reuse_window_state(&self) -> &ReuseWindow {
        &self.reuse
    }

    /// The compare view (its focused and flashing measures).
    pub fn compare_view(&self) -> &CompareView {
        &self.compare
    }

    /// The compare view, to drive it (scrolling in benchmarks).
    pub fn compare_view_mut(&mut self) -> &mut CompareView {
        &mut self.compare
    }
    /// The overview's state (preview or exact), for benchmarks and tests.
    pub fn overview_view(&self) -> &OverviewView {
        &self.overview
    }

    /// The overview's state (zoom), for benchmarks and tests.
    pub fn overview_view_mut(&mut self) -> &mut OverviewView {
        &mut self.overview
    }

    /// Show `view` (as a click on its tab would).
    pub fn set_view(&mut self, view: crate::ui::settings::View) {
        self.settings.view = view;
    }

    /// Is the data of `view` ready for the corpus loaded (`false` while it is computed, and
    /// for views that have not been opened yet)? Views without derived data are always ready.
    pub fn view_ready(&self, view: crate::ui::settings::View) -> bool {
        use crate::ui::settings::View;
        match view {
            View::Overview => self.overview.is_ready(),
            View::Families => self.families.is_ready(),
            View::Targets => self.targets.is_ready(),
            View::Matrix => self.matrix.is_ready(),
            View::Themes => self.themes.is_ready(),
            _ => true,
        }
    }

    /// The library lays out only the rows in view from `plans` plans on
    /// ([`crate::ui::library_panel::VIRTUAL_MIN_PLANS`] by default; tests lower it).
    pub fn set_library_virtual_min(&mut self, plans: usize) {
        self.library.virtual_min_plans = plans;
    }

    /// Derived views are built on a background thread above `plans` plans (below it, in the
    /// frame that opens them; [`crate::ui::jobs::INLINE_MAX`] by default; tests set 0).
    pub fn set_inline_max(&mut self, plans: usize) {
        self.overview.set_inline_max(plans);
        self.families.set_inline_max(plans);
        self.targets.set_inline_max(plans);
        self.matrix.set_inline_max(plans);
        self.themes.set_inline_max(plans);
    }

    /// Build the slow derived views in the background once the analysis is ready (default
    /// on), or only when they are opened.
    pub fn set_prefetch(&mut self, on: bool) {
        self.prefetch = on;
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

    /// Draw the whole app into `ui` (the window's root ui, or a test harness's).
    pub fn show(&mut self, ui: &mut egui::Ui) {
        if self.styled_for != Some(self.settings.dark_mode) {
            theme::apply_style(ui.ctx(), self.settings.dark_mode);
            self.styled_for = Some(self.settings.dark_mode);
        }
        let mut phases = FramePhases::start();
        self.start_loading(ui.ctx());
        if self.is_loading() && self.glyphs.step(ui.ctx(), Duration::from_millis(2)) {
            // Frames go on while the loader has nothing to report (not an immediate repaint:
            // a test harness settles on it).
            ui.ctx().request_repaint_after(Duration::from_millis(1));
        }
        self.poll_loader();
        phases.mark("loader");
        self.prefetch_views(ui.ctx());
        self.poll_picked(ui.ctx());
        self.take_dropped(ui.ctx());
        self.check_close(ui.ctx());
        self.keyboard(ui.ctx());
        phases.mark("input");

        egui::Panel::top("title_bar").show(ui, |ui| self.title_bar(ui));
        egui::Panel::bottom("status_bar").show(ui, |ui| self.status_bar(ui));
        phases.mark("bars");
        if !self.settings.library_hidden {
            // A fixed default width and a drag handle; the content never widens the panel.
            let max = (ui.available_width() * 0.45).max(240.0);
            egui::Panel::left("library")
                .resizable(true)
                .default_size(300.0)
                .size_range(220.0..=max.min(560.0))
                .show(ui, |ui| self.library_panel(ui));
        }
        phases.mark("library");
        if self.search_open {
            egui::Panel::right("search")
                .resizable(true)
                .default_size(380.0)
                .size_range(280.0..=720.0)
                .show(ui, |ui| self.search_panel(ui));
        }
        egui::CentralPanel::default().show(ui, |ui| self.central_panel(ui));
        phases.mark("central");
        self.notices_window(ui.ctx());
        self.recovery_window(ui.ctx());
        self.reuse_window(ui.ctx());
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

        let cx = ViewContext {
            corpus: self.corpus.as_ref(),
            analysis: self.analysis.as_ref(),
            project: &self.proj.project,
            coding: None,
            settings: &self.settings,
            language: lang,
            revision: context::revision(self.data_revision, self.proj.generation()),
            corpus_revision: self.data_revision,
        };
        agreement_view::window(
            ui.ctx(),
            &mut self.proj.agreement_view,
            &cx,
            &mut self.commands,
        );
        self.run_commands(ui.ctx());
        super::project_state::undo_shortcuts(ui.ctx(), &mut self.proj, &self.settings.coder);
        let now = ui.input(|i| i.time);
        if let Some(e) = self.proj.autosave(now, false) {
            self.notices.push(e);
        }
        phases.mark("windows, commands, autosave");
        phases.report();
        if self.first_content_frame.is_none() && self.corpus.is_some() {
            let took = self.created.elapsed();
            self.first_content_frame = Some(took);
            if std::env::var_os("DUIZHAO_TIMING").is_some() {
                let since_launch = PROCESS_START
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

    /// Once the analysis is ready, start building the slow derived views (overview, families,
    /// the coding index, targets) in the background, one at a time and only while no opened view is
    /// computing ([`crate::ui::jobs::Job::prefetch`]), so a view opened later is instant.
    /// Small corpora (built when opened, in a frame) are left alone.
    fn prefetch_views(&mut self, ctx: &egui::Context) {
        if !self.prefetch
            || !matches!(self.analysis_state, AnalysisState::Ready { .. })
            || self.is_loading()
        {
            return;
        }
        let (Some(corpus), Some(analysis)) = (&self.corpus, &self.analysis) else {
            return;
        };
        let revision = self.data_revision;
        // One at a time, in this order (the slowest to build alone first: overview 3-4 s,
        // targets 1.1 s, coding index 0.6 s, families 0.35 s at 10,000 plans): the next is
        // queued only once the one before is built (or could not be), so the order does not
        // depend on which thread wins the background gate. A view opened meanwhile builds its
        // own data at once.
        if self.overview.is_computing() {
            return;
        }
        if !self.overview.is_built_for(corpus, analysis, revision) {
            self.overview.prefetch(ctx, corpus, analysis, revision);
            if self.overview.is_computing() {
                return;
            }
        }
        if self.targets.is_computing() {
            return;
        }
        let compared = TargetsView::compared_indexes(corpus, &self.settings.compared_plans);
        if !self.targets.is_built_for(corpus, &compared, revision) {
            self.targets.prefetch(ctx, corpus, &compared, revision);
            if self.targets.is_computing() {
                return;
            }
        }
        if self.themes.is_computing() {
            return;
        }
        if !self.themes.is_built_for(corpus, revision) {
            self.themes
                .prefetch(ctx, corpus, &self.proj.project.codebook, revision);
            if self.themes.is_computing() {
                return;
            }
        }
        if self.families.is_computing() {
            return;
        }
        self.families.prefetch(ctx, corpus, analysis, revision);
    }

    /// Are the views built ahead (`prefetch_views`: overview, families, coding
    /// index, targets) ready for the corpus and analysis loaded?
    pub fn views_prefetched(&self) -> bool {
        let (Some(corpus), Some(analysis)) = (&self.corpus, &self.analysis) else {
            return false;
        };
        let revision = self.data_revision;
        self.overview.is_built_for(corpus, analysis, revision)
            && self.families.is_built_for(corpus, analysis, revision)
            && self.themes.is_built_for(corpus, revision)
            && self.targets.is_built_for(
                corpus,
                &TargetsView::compared_indexes(corpus, &self.settings.compared_plans),
                revision,
            )
    }

    /// Which of the views built ahead are ready (overview, families, coding index, targets), for a
    /// test's failure message.
    pub fn prefetch_status(&self) -> String {
        let (Some(corpus), Some(analysis)) = (&self.corpus, &self.analysis) else {
            return "no corpus or analysis".into();
        };
        let revision = self.data_revision;
        let compared = TargetsView::compared_indexes(corpus, &self.settings.compared_plans);
        format!(
            "overview {}, families {}, coding index {}, targets {}",
            self.overview.is_built_for(corpus, analysis, revision),
            self.families.is_built_for(corpus, analysis, revision),
            self.themes.is_built_for(corpus, revision),
            self.targets.is_built_for(corpus, &compared, revision)
        )
    }

    /// The current [`ViewContext::revision`]: changes whenever the corpus, the analysis or the
    /// project does.
    pub fn revision(&self) -> u64 {
        context::revision(self.data_revision, self.proj.generation())
    }

    /// Time from creating the app to the first frame that showed the loaded plans.
    pub fn first_content_frame(&self) -> Option<Duration> {
        self.first_content_frame
    }

    /// The export dialog (to drive it in tests: choose a path, read the outcome).
    pub fn export_dialog_mut(&mut self) -> &mut ExportDialog {
        &mut self.export
    }
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
