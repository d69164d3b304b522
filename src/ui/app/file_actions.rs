//! File dialogs (native, or the app's own when the desktop has none) and what is done with the
//! paths picked: adding documents, opening, saving and starting projects, the recovery file,
//! dropped files.

use std::path::PathBuf;
use std::sync::mpsc;
use std::sync::mpsc::TryRecvError;
use std::time::Duration;
use std::time::Instant;

use super::{Dialog, DuizhaoApp, LoadState, QuitState};
use crate::corpus::default_seed_dir;
use crate::ui::file_dialog::PickMode;
use crate::ui::file_dialog::home_dir;
use crate::ui::file_dialog::remember_dir;
use crate::ui::project_state::remember_recent;

impl DuizhaoApp {
    /// Ask for a path: the desktop's dialog on its own thread (it must not block the UI thread;
    /// the picked paths arrive in [`Self::poll_picked`]), or the app's own dialog when the
    /// desktop has none or the user prefers it.
    pub(super) fn open_dialog(&mut self, ctx: &egui::Context, kind: Dialog) {
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
    pub(super) fn start_dir(&self) -> PathBuf {
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
    pub(super) fn open_builtin_dialog(&mut self, kind: Dialog, note: Option<(&str, &str)>) {
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
    pub(super) fn places(&self) -> Vec<(String, String, PathBuf)> {
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
    pub(super) fn poll_picked(&mut self, ctx: &egui::Context) {
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
    pub(super) fn handle_picked(&mut self, ctx: &egui::Context, kind: Dialog, paths: Vec<PathBuf>) {
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

    /// The files the loaded plans came from (what a saved project lists as its documents).
    pub(super) fn document_files(&self) -> Vec<PathBuf> {
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
    pub(super) fn save_project(&mut self, ctx: &egui::Context) {
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
    pub(super) fn new_project(&mut self) {
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
    pub(super) fn take_dropped(&mut self, ctx: &egui::Context) {
        let dropped: Vec<PathBuf> = ctx.input(|i| {
            i.raw
                .dropped_files
                .iter()
                .map(|f| f.path().to_path_buf())
                .collect()
        });
        self.add_paths(ctx, dropped);
    }
}
