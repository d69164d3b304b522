//! The in-app file dialog: a path field, the listing of a folder and recent places.
//!
//! The app asks the desktop for a native dialog first (`rfd`: the XDG desktop portal, then
//! zenity). On a desktop with neither, `rfd` returns nothing and says nothing, which would leave
//! Save, Export and Open doing nothing at all. So the app uses this dialog instead when no
//! backend is there ([`native_backend_likely`]), when the native dialog came back at once without
//! a choice (it could not open), or always when the user prefers it (File ▸ Use the built-in
//! file dialog).

use std::path::{Path, PathBuf};

use super::settings::Language;

/// What the dialog picks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PickMode {
    /// One or more existing files (or folders, which load everything in them).
    OpenFiles,
    /// One existing file.
    OpenFile,
    /// One existing folder.
    OpenFolder,
    /// A file to write (it may exist: then the dialog asks before overwriting, unless told the
    /// caller asks itself).
    Save,
}

/// How the dialog was closed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PickOutcome {
    /// These paths were chosen (absolute; at least one).
    Picked(Vec<PathBuf>),
    /// Cancelled.
    Cancelled,
}

/// One row of the folder listing.
#[derive(Debug, Clone)]
struct Entry {
    name: String,
    path: PathBuf,
    is_dir: bool,
}

/// Recent folders remembered in the settings.
pub const MAX_RECENT_DIRS: usize = 8;

/// The dialog's state (one at a time).
#[derive(Debug, Default)]
pub struct PathDialog {
    open: bool,
    mode: Option<PickMode>,
    title: (String, String),
    extensions: Vec<String>,
    /// The caller confirms overwriting itself (the export dialog does).
    caller_confirms_overwrite: bool,
    dir: PathBuf,
    path_text: String,
    chosen: Vec<PathBuf>,
    show_all: bool,
    entries: Vec<Entry>,
    listed: Option<PathBuf>,
    list_error: Option<String>,
    problem: Option<(String, String)>,
    confirm_overwrite: bool,
    /// Why the built-in dialog is shown instead of the desktop's (zh, en), if it is a fallback.
    note: Option<(String, String)>,
    places: Vec<(String, String, PathBuf)>,
    focus_field: bool,
}

impl PathDialog {
    /// Open the dialog: `mode`, title (zh, en), the extensions listed (empty: all files), the
    /// folder to start in, a suggested file name (saving), and the places offered on the left.
    #[allow(clippy::too_many_arguments)]
    pub fn open(
        &mut self,
        mode: PickMode,
        title: (&str, &str),
        extensions: &[&str],
        start_dir: &Path,
        suggested_name: &str,
        places: Vec<(String, String, PathBuf)>,
        caller_confirms_overwrite: bool,
        note: Option<(&str, &str)>,
    ) {
        *self = PathDialog {
            open: true,
            mode: Some(mode),
            title: (title.0.to_owned(), title.1.to_owned()),
            extensions: extensions.iter().map(|e| e.to_lowercase()).collect(),
            caller_confirms_overwrite,
            dir: start_dir.to_path_buf(),
            path_text: if mode == PickMode::Save && !suggested_name.is_empty() {
                start_dir.join(suggested_name).display().to_string()
            } else if mode == PickMode::OpenFolder {
                start_dir.display().to_string()
            } else {
                String::new()
            },
            places,
            note: note.map(|(zh, en)| (zh.to_owned(), en.to_owned())),
            focus_field: true,
            ..PathDialog::default()
        };
    }

    /// Whether the dialog is showing.
    pub fn is_open(&self) -> bool {
        self.open
    }

    /// The folder listed.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// What is wrong with the path typed, as shown (zh, en).
    pub fn problem(&self) -> Option<&(String, String)> {
        self.problem.as_ref()
    }

    /// The text of the path field.
    pub fn path_text(&self) -> &str {
        &self.path_text
    }

    /// Type `text` into the path field (tests, scripts).
    pub fn set_path_text(&mut self, text: &str) {
        self.path_text = text.to_owned();
    }

    fn refresh(&mut self) {
        if self.listed.as_deref() == Some(self.dir.as_path()) {
            return;
        }
        self.listed = Some(self.dir.clone());
        self.entries.clear();
        self.list_error = None;
        match std::fs::read_dir(&self.dir) {
            Ok(read) => {
                for e in read.flatten() {
                    let path = e.path();
                    let name = e.file_name().to_string_lossy().into_owned();
                    if name.starts_with('.') {
                        continue;
                    }
                    let is_dir = path.is_dir();
                    self.entries.push(Entry { name, path, is_dir });
                }
                self.entries
                    .sort_by(|a, b| b.is_dir.cmp(&a.is_dir).then(a.name.cmp(&b.name)));
            }
            Err(e) => self.list_error = Some(e.to_string()),
        }
    }

    fn navigate(&mut self, dir: PathBuf) {
        self.dir = dir;
        self.chosen.clear();
        self.problem = None;
        self.confirm_overwrite = false;
        if self.mode == Some(PickMode::OpenFolder) {
            self.path_text = self.dir.display().to_string();
        } else if self.mode == Some(PickMode::Save) {
            let name = Path::new(self.path_text.trim())
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            self.path_text = self.dir.join(name).display().to_string();
        } else {
            self.path_text.clear();
        }
    }

    fn shown(&self, e: &Entry) -> bool {
        if e.is_dir || self.show_all || self.extensions.is_empty() {
            return true;
        }
        let lower = e.name.to_lowercase();
        self.extensions
            .iter()
            .any(|ext| lower.ends_with(&format!(".{ext}")))
    }

    /// The paths typed in the field (`;` separates several), relative ones taken from the
    /// listed folder.
    fn typed_paths(&self) -> Vec<PathBuf> {
        self.path_text
            .split(';')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| {
                let s = s.trim_matches('"');
                let p = expand_home(s);
                if p.is_absolute() { p } else { self.dir.join(p) }
            })
            .collect()
    }

    /// Check the typed paths; `Some` when the dialog can close with them.
    fn confirm(&mut self) -> Option<Vec<PathBuf>> {
        let mode = self.mode?;
        let paths = self.typed_paths();
        self.problem = None;
        let Some(first) = paths.first().cloned() else {
            self.problem = Some((
                "请输入或选择一个路径".into(),
                "Type or choose a path".into(),
            ));
            return None;
        };
        match mode {
            PickMode::OpenFiles | PickMode::OpenFile => {
                if paths.len() == 1 && first.is_dir() && mode == PickMode::OpenFile {
                    self.navigate(first);
                    return None;
                }
                if paths.len() == 1 && first.is_dir() && self.dir != first {
                    // A folder typed: list it (Open again adds the whole folder).
                    self.navigate(first);
                    return None;
                }
                if let Some(missing) = paths.iter().find(|p| !p.exists()) {
                    self.problem = Some((
                        format!("找不到文件：{}", missing.display()),
                        format!("No such file: {}", missing.display()),
                    ));
                    return None;
                }
                Some(if mode == PickMode::OpenFile {
                    vec![first]
                } else {
                    paths
                })
            }
            PickMode::OpenFolder => {
                if first.is_dir() {
                    Some(vec![first])
                } else {
                    self.problem = Some((
                        format!("不是文件夹：{}", first.display()),
                        format!("Not a folder: {}", first.display()),
                    ));
                    None
                }
            }
            PickMode::Save => {
                if first.is_dir() {
                    self.navigate(first);
                    return None;
                }
                let parent = first.parent().map(Path::to_path_buf).unwrap_or_default();
                if !parent.is_dir() {
                    self.problem = Some((
                        format!("文件夹不存在：{}", parent.display()),
                        format!("The folder does not exist: {}", parent.display()),
                    ));
                    return None;
                }
                if first.file_name().is_none() {
                    self.problem = Some(("请输入文件名".into(), "Type a file name".into()));
                    return None;
                }
                if first.exists() && !self.caller_confirms_overwrite && !self.confirm_overwrite {
                    self.confirm_overwrite = true;
                    return None;
                }
                Some(vec![first])
            }
        }
    }

    /// Draw the dialog; returns how it was closed, once.
    pub fn show(&mut self, ctx: &egui::Context, lang: Language) -> Option<PickOutcome> {
        if !self.open {
            return None;
        }
        self.refresh();
        let mut outcome = None;
        let mode = self.mode.unwrap_or(PickMode::OpenFile);
        let title = match lang {
            Language::Chinese => self.title.0.clone(),
            Language::English => self.title.1.clone(),
        };
        let screen = ctx.content_rect();
        let width = (screen.width() - 40.0).clamp(320.0, 760.0);
        let height = (screen.height() - 120.0).clamp(200.0, 520.0);
        egui::Modal::new(egui::Id::unique("duizhao_path_dialog")).show(ctx, |ui| {
            ui.set_width(width);
            ui.heading(&title);
            if let Some((zh, en)) = &self.note {
                ui.label(
                    egui::RichText::new(lang.pick_str(zh, en))
                        .small()
                        .color(ui.visuals().warn_fg_color),
                );
            }
            ui.horizontal(|ui| {
                let up = self.dir.parent().map(Path::to_path_buf);
                if ui
                    .add_enabled(
                        up.is_some(),
                        egui::Button::new(lang.pick("↑ 上一级", "↑ Up")),
                    )
                    .on_hover_text(lang.pick("上一级文件夹", "Parent folder"))
                    .clicked()
                    && let Some(up) = up
                {
                    self.navigate(up);
                }
                ui.label(
                    egui::RichText::new(self.dir.display().to_string())
                        .monospace()
                        .small(),
                );
            });
            ui.separator();
            let list_height = (height - 180.0).max(120.0);
            ui.horizontal_top(|ui| {
                // (A vertical separator would otherwise take the whole height of the screen.)
                ui.set_max_height(list_height + 24.0);
                ui.vertical(|ui| {
                    ui.set_width(150.0);
                    ui.label(egui::RichText::new(lang.pick("位置", "Places")).strong());
                    egui::ScrollArea::vertical()
                        .id_salt("path_dialog_places")
                        .max_height(list_height)
                        .show(ui, |ui| {
                            let places = self.places.clone();
                            for (zh, en, path) in places {
                                if ui
                                    .selectable_label(self.dir == path, lang.pick_str(&zh, &en))
                                    .on_hover_text(path.display().to_string())
                                    .clicked()
                                {
                                    self.navigate(path);
                                }
                            }
                        });
                });
                ui.separator();
                ui.vertical(|ui| {
                    egui::ScrollArea::vertical()
                        .id_salt("path_dialog_listing")
                        .max_height(list_height)
                        .auto_shrink([false, false])
                        .show(ui, |ui| self.listing(ui, lang, mode, &mut outcome));
                });
            });
            ui.separator();
            ui.horizontal(|ui| {
                let label = ui.label(lang.pick("路径", "Path"));
                let field = ui.add(
                    egui::TextEdit::singleline(&mut self.path_text)
                        .desired_width(ui.available_width())
                        .hint_text(match mode {
                            PickMode::Save => lang.pick("文件夹/文件名", "folder/file name"),
                            PickMode::OpenFiles => lang.pick(
                                "文件或文件夹路径；多个用 ; 分隔",
                                "file or folder path; separate several with ;",
                            ),
                            _ => lang.pick("路径", "path"),
                        })
                        .id_salt("path_dialog_field"),
                );
                let field = field.labelled_by(label.id);
                if self.focus_field {
                    field.request_focus();
                    self.focus_field = false;
                }
                if field.changed() {
                    self.confirm_overwrite = false;
                    self.problem = None;
                }
                if field.lost_focus()
                    && ui.input(|i| i.key_pressed(egui::Key::Enter))
                    && let Some(paths) = self.confirm()
                {
                    outcome = Some(PickOutcome::Picked(paths));
                }
            });
            if let Some((zh, en)) = &self.problem {
                ui.colored_label(ui.visuals().error_fg_color, lang.pick_str(zh, en));
            }
            if self.confirm_overwrite {
                ui.colored_label(
                    ui.visuals().warn_fg_color,
                    lang.pick("文件已存在。覆盖它吗？", "The file exists. Overwrite it?"),
                );
            }
            ui.horizontal(|ui| {
                if !self.extensions.is_empty() {
                    ui.checkbox(
                        &mut self.show_all,
                        lang.pick("显示所有文件", "Show all files"),
                    );
                }
                ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                    if ui.button(lang.pick("取消", "Cancel")).clicked() {
                        outcome = Some(PickOutcome::Cancelled);
                    }
                    let ok = match mode {
                        PickMode::Save if self.confirm_overwrite => lang.pick("覆盖", "Overwrite"),
                        PickMode::Save => lang.pick("保存", "Save"),
                        PickMode::OpenFolder => lang.pick("选择此文件夹", "Choose folder"),
                        _ => lang.pick("打开", "Open"),
                    };
                    if ui.button(ok).clicked()
                        && let Some(paths) = self.confirm()
                    {
                        outcome = Some(PickOutcome::Picked(paths));
                    }
                });
            });
        });
        if outcome.is_none() && ctx.input(|i| i.key_pressed(egui::Key::Escape)) {
            outcome = Some(PickOutcome::Cancelled);
        }
        if outcome.is_some() {
            self.open = false;
        }
        outcome
    }

    fn listing(
        &mut self,
        ui: &mut egui::Ui,
        lang: Language,
        mode: PickMode,
        outcome: &mut Option<PickOutcome>,
    ) {
        if let Some(e) = &self.list_error {
            ui.colored_label(
                ui.visuals().error_fg_color,
                format!(
                    "{} {e}",
                    lang.pick("无法列出此文件夹：", "Cannot list this folder:")
                ),
            );
            return;
        }
        let entries: Vec<Entry> = self
            .entries
            .iter()
            .filter(|e| self.shown(e))
            .cloned()
            .collect();
        if entries.is_empty() {
            ui.label(egui::RichText::new(lang.pick("（空）", "(empty)")).weak());
        }
        let multi = ui.input(|i| i.modifiers.command || i.modifiers.shift);
        for e in entries {
            let selected = self.chosen.contains(&e.path);
            let text = if e.is_dir {
                format!("{}/", e.name)
            } else {
                e.name.clone()
            };
            let response = ui.selectable_label(selected, text);
            if response.double_clicked() {
                if e.is_dir {
                    self.navigate(e.path.clone());
                } else if mode != PickMode::OpenFolder {
                    self.path_text = e.path.display().to_string();
                    if let Some(paths) = self.confirm() {
                        *outcome = Some(PickOutcome::Picked(paths));
                    }
                }
            } else if response.clicked() {
                if e.is_dir {
                    if mode == PickMode::OpenFiles && multi {
                        self.toggle_chosen(e.path.clone());
                    } else {
                        self.navigate(e.path.clone());
                    }
                } else if mode == PickMode::OpenFiles && multi {
                    self.toggle_chosen(e.path.clone());
                } else if mode != PickMode::OpenFolder {
                    self.chosen = vec![e.path.clone()];
                    self.path_text = e.path.display().to_string();
                    self.confirm_overwrite = false;
                    self.problem = None;
                }
            }
        }
    }

    fn toggle_chosen(&mut self, path: PathBuf) {
        if let Some(k) = self.chosen.iter().position(|p| *p == path) {
            self.chosen.remove(k);
        } else {
            self.chosen.push(path);
        }
        self.path_text = self
            .chosen
            .iter()
            .map(|p| p.display().to_string())
            .collect::<Vec<_>>()
            .join("; ");
    }
}

/// `~/x` as `$HOME/x`.
fn expand_home(s: &str) -> PathBuf {
    if let Some(rest) = s.strip_prefix("~/")
        && let Some(home) = home_dir()
    {
        return home.join(rest);
    }
    if s == "~"
        && let Some(home) = home_dir()
    {
        return home;
    }
    PathBuf::from(s)
}

/// The user's home folder.
pub fn home_dir() -> Option<PathBuf> {
    std::env::var_os("HOME")
        .or_else(|| std::env::var_os("USERPROFILE"))
        .map(PathBuf::from)
        .filter(|p| p.is_dir())
}

/// Whether a native file dialog can probably open: on Linux and the BSDs a D-Bus session bus
/// (for the desktop portal) or zenity on the `PATH`; elsewhere always.
pub fn native_backend_likely() -> bool {
    if cfg!(any(target_os = "windows", target_os = "macos")) {
        return true;
    }
    let bus = std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some_and(|v| !v.is_empty())
        || std::env::var_os("XDG_RUNTIME_DIR")
            .map(PathBuf::from)
            .is_some_and(|d| d.join("bus").exists());
    bus || on_path("zenity")
}

fn on_path(program: &str) -> bool {
    std::env::var_os("PATH")
        .is_some_and(|paths| std::env::split_paths(&paths).any(|dir| dir.join(program).is_file()))
}

/// Add `dir` to the front of the recent folders.
pub fn remember_dir(recent: &mut Vec<PathBuf>, dir: &Path) {
    recent.retain(|p| p != dir);
    recent.insert(0, dir.to_path_buf());
    recent.truncate(MAX_RECENT_DIRS);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn saving_asks_before_overwriting_and_rejects_a_missing_folder() {
        let dir = tempfile::tempdir().expect("tempdir");
        let existing = dir.path().join("a.ron");
        std::fs::write(&existing, "x").expect("write");
        let mut d = PathDialog::default();
        d.open(
            PickMode::Save,
            ("保存", "Save"),
            &["ron"],
            dir.path(),
            "a.ron",
            Vec::new(),
            false,
            None,
        );
        assert_eq!(d.confirm(), None, "asks first");
        assert!(d.confirm_overwrite);
        assert_eq!(d.confirm(), Some(vec![existing]));
        d.set_path_text(&dir.path().join("missing/b.ron").display().to_string());
        assert_eq!(d.confirm(), None);
        assert!(
            d.problem
                .as_ref()
                .is_some_and(|p| p.1.contains("does not exist"))
        );
        d.set_path_text("c.ron");
        assert_eq!(d.confirm(), Some(vec![dir.path().join("c.ron")]));
    }

    #[test]
    fn opening_lists_the_folder_typed_and_takes_several_files() {
        let dir = tempfile::tempdir().expect("tempdir");
        let sub = dir.path().join("sub");
        std::fs::create_dir(&sub).expect("mkdir");
        std::fs::write(sub.join("x.txt"), "x").expect("write");
        std::fs::write(sub.join("y.txt"), "y").expect("write");
        let mut d = PathDialog::default();
        d.open(
            PickMode::OpenFiles,
            ("打开", "Open"),
            &["txt"],
            dir.path(),
            "",
            Vec::new(),
            false,
            None,
        );
        d.set_path_text("sub");
        assert_eq!(d.confirm(), None);
        assert_eq!(d.dir(), sub.as_path());
        d.set_path_text("x.txt; y.txt");
        assert_eq!(
            d.confirm(),
            Some(vec![sub.join("x.txt"), sub.join("y.txt")])
        );
        d.set_path_text("z.txt");
        assert_eq!(d.confirm(), None);
    }
}
